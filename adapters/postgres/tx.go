package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

// eventBits is how many low bits of an event's Seq count the events of one
// transaction; the high bits are the transaction id (see the package doc).
const eventBits = 20

// maxEventsPerTx is how many events one transaction may append.
const maxEventsPerTx = 1 << eventBits

// tx is one transaction on its own connection; done is set when the
// function given to Store.Tx returns, after which every call fails.
//
// Round trips are what a transaction costs on a busy 2-core server, so tx
// saves them: BEGIN travels with the first statement (a transaction that
// sends nothing costs nothing), and an event whose Seq is known in advance
// (the transaction id came back from an earlier write) is queued and sent
// with the next statement or with COMMIT, in one pipeline. An error of a
// queued insert is therefore reported by the call that sends it.
type tx struct {
	c       *pgx.Conn
	done    bool
	begun   bool
	xid     int64 // the transaction id once a write returned it, else 0
	offset  int64 // the store's event_clock offset
	events  int   // events appended so far: the low bits of the next Seq
	pending []queued
}

type queued struct {
	sql  string
	args []any
}

func (t *tx) check(ctx context.Context) error {
	if t.done {
		return lifecycle.ErrTxDone
	}
	return ctx.Err()
}

// query runs sql, preceded in the same round trip by BEGIN (first
// statement) and the queued inserts, and hands its rows to read.
func (t *tx) query(ctx context.Context, sql string, args []any, read func(pgx.Rows) error) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	if t.begun && len(t.pending) == 0 {
		rows, err := t.c.Query(ctx, sql, args...)
		if err != nil {
			return err
		}
		return readAll(rows, read)
	}
	b := t.batch()
	b.Queue(sql, args...)
	br := t.c.SendBatch(ctx, b)
	for range b.Len() - 1 {
		if _, err := br.Exec(); err != nil {
			_ = br.Close()
			return err
		}
	}
	rows, err := br.Query()
	if err == nil {
		err = readAll(rows, read)
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return err
}

// batch starts a pipeline with what must precede the next statement and
// marks it sent.
func (t *tx) batch() *pgx.Batch {
	b := &pgx.Batch{}
	if !t.begun {
		b.Queue("BEGIN")
		t.begun = true
	}
	for _, q := range t.pending {
		b.Queue(q.sql, q.args...)
	}
	t.pending = nil
	return b
}

func readAll(rows pgx.Rows, read func(pgx.Rows) error) error {
	defer rows.Close()
	if read != nil {
		if err := read(rows); err != nil {
			return err
		}
	}
	for rows.Next() {
	}
	return rows.Err()
}

// commit sends the queued inserts and COMMIT in one round trip; a
// transaction that never sent anything has nothing to commit.
func (t *tx) commit(ctx context.Context) error {
	if !t.begun && len(t.pending) == 0 {
		return nil
	}
	b := t.batch()
	b.Queue("COMMIT")
	br := t.c.SendBatch(ctx, b)
	var tag pgconn.CommandTag
	var err error
	for range b.Len() {
		if tag, err = br.Exec(); err != nil {
			break
		}
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	// COMMIT of a transaction in which a statement failed answers
	// ROLLBACK: fn saw that error and swallowed it.
	if tag.String() == "ROLLBACK" {
		return ErrRolledBack
	}
	return nil
}

// rollback ends the transaction whatever the caller's context says and
// reports whether the connection is fit for reuse.
func (t *tx) rollback() bool {
	t.pending = nil
	if t.c.IsClosed() {
		return false
	}
	if !t.begun {
		return true
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := t.c.Exec(ctx, "ROLLBACK")
	return err == nil
}

// exec runs a statement and returns how many rows it affected; writes
// return the transaction id ("RETURNING xid"), which tx remembers.
func (t *tx) exec(ctx context.Context, sql string, args ...any) (int64, error) {
	var n int64
	err := t.query(ctx, sql, args, func(r pgx.Rows) error {
		for r.Next() {
			if err := r.Scan(&t.xid); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// returningXID ends every write statement of this file, so the first write
// tells tx its transaction id.
const returningXID = ` RETURNING pg_current_xact_id()::text::bigint`

// row runs a one-row query into dest; found says whether there was a row.
func (t *tx) row(ctx context.Context, sql string, args []any, dest ...any) (found bool, err error) {
	err = t.query(ctx, sql, args, func(r pgx.Rows) error {
		if r.Next() {
			found = true
			return r.Scan(dest...)
		}
		return nil
	})
	return found, err
}

// list runs a query and scans every row with scan.
func list[T any](ctx context.Context, t *tx, sql string, scan func(pgx.CollectableRow) (T, error), args ...any) ([]T, error) {
	var out []T
	err := t.query(ctx, sql, args, func(r pgx.Rows) error {
		for r.Next() {
			v, err := scan(r)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return nil
	})
	return out, err
}

// Times: timestamptz, NULL for the zero time, always returned in UTC.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func fromNull(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// versionedPut implements the versioned-put rule of lifecycle.Tx for one
// table without raising an error inside the transaction (PostgreSQL would
// abort it): version 0 inserts with ON CONFLICT DO NOTHING, version n
// updates WHERE version = n.
func (t *tx) versionedPut(ctx context.Context, entity, table, keyCol, key string, version int64, insert, update string, args []any) (int64, error) {
	if version == 0 {
		n, err := t.exec(ctx, insert+returningXID, append(args, int64(1))...)
		if err != nil {
			return 0, err
		}
		if n == 0 {
			return 0, &lifecycle.DuplicateError{Entity: entity, Key: key}
		}
		return 1, nil
	}
	n, err := t.exec(ctx, update+returningXID, append(args, version+1, version)...)
	if err != nil {
		return 0, err
	}
	if n == 1 {
		return version + 1, nil
	}
	var stored int64
	found, err := t.row(ctx, "SELECT version FROM "+table+" WHERE "+keyCol+" = $1", []any{key}, &stored)
	switch {
	case err != nil:
		return 0, err
	case !found:
		return 0, &lifecycle.NotFoundError{Entity: entity, Key: key}
	default:
		return 0, &lifecycle.ConflictError{Entity: entity, Key: key, Expected: version, Stored: stored}
	}
}

// Cards.

const cardCols = `id, kind, state, holder, district, school, student, cohort, temporary, batch, replaces, box, lost_at, valid_until, updated_at, version`

func scanCard(r pgx.CollectableRow) (lifecycle.Card, error) {
	var c lifecycle.Card
	var lost, valid, updated *time.Time
	err := r.Scan(&c.ID, &c.Kind, &c.State, &c.Holder, &c.District, &c.School, &c.Student, &c.Cohort, &c.Temporary,
		&c.Batch, &c.Replaces, &c.Box, &lost, &valid, &updated, &c.Version)
	c.LostAt, c.ValidUntil, c.UpdatedAt = fromNull(lost), fromNull(valid), fromNull(updated)
	return c, err
}

func (t *tx) GetCard(ctx context.Context, id string) (lifecycle.Card, error) {
	cs, err := list(ctx, t, "SELECT "+cardCols+" FROM cards WHERE id = $1", scanCard, id)
	if err != nil {
		return lifecycle.Card{}, err
	}
	if len(cs) == 0 {
		return lifecycle.Card{}, &lifecycle.NotFoundError{Entity: "card", Key: id}
	}
	return cs[0], nil
}

func (t *tx) PutCard(ctx context.Context, c lifecycle.Card) (lifecycle.Card, error) {
	args := []any{c.ID, string(c.Kind), string(c.State), string(c.Holder), c.District, c.School, c.Student, c.Cohort, c.Temporary,
		c.Batch, c.Replaces, c.Box, nullTime(c.LostAt), nullTime(c.ValidUntil), nullTime(c.UpdatedAt)}
	v, err := t.versionedPut(ctx, "card", "cards", "id", c.ID, c.Version,
		`INSERT INTO cards (`+cardCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16) ON CONFLICT (id) DO NOTHING`,
		`UPDATE cards SET kind=$2, state=$3, holder=$4, district=$5, school=$6, student=$7, cohort=$8, temporary=$9, batch=$10,
			replaces=$11, box=$12, lost_at=$13, valid_until=$14, updated_at=$15, version=$16 WHERE id=$1 AND version=$17`, args)
	if err != nil {
		return lifecycle.Card{}, err
	}
	c.Version = v
	return c, nil
}

func (t *tx) CardsOfStudent(ctx context.Context, number string) ([]lifecycle.Card, error) {
	if number == "" {
		return nil, t.check(ctx)
	}
	return list(ctx, t, "SELECT "+cardCols+" FROM cards WHERE student = $1 AND student <> '' ORDER BY id", scanCard, number)
}

// Events.

const eventCols = `seq, card_id, kind, action, from_state, to_state, rule, at, op_level, op_district, op_school, op_user, district, school, reason, before, version, op_role`

func scanEvent(r pgx.CollectableRow) (lifecycle.Event, error) {
	var e lifecycle.Event
	var at *time.Time
	err := r.Scan(&e.Seq, &e.CardID, &e.Kind, &e.Action, &e.From, &e.To, &e.Rule, &at, &e.Operator.Level, &e.Operator.District,
		&e.Operator.School, &e.Operator.User, &e.District, &e.School, &e.Reason, &e.Before, &e.Version, &e.Operator.Role)
	e.At = fromNull(at)
	return e, err
}

// AppendEvent numbers the event ((transaction id + offset) << 20) + n: unique, growing
// within the transaction, and ordered against other transactions so that
// ScopeEvents can stop below the oldest transaction still running. Once the
// transaction id is known the insert is queued (see tx).
func (t *tx) AppendEvent(ctx context.Context, e lifecycle.Event) (lifecycle.Event, error) {
	if err := t.check(ctx); err != nil {
		return lifecycle.Event{}, err
	}
	if t.events >= maxEventsPerTx {
		return lifecycle.Event{}, &EventLimitError{Count: t.events + 1, Limit: maxEventsPerTx}
	}
	args := []any{int64(t.events), e.CardID, string(e.Kind), string(e.Action), string(e.From), string(e.To), e.Rule, nullTime(e.At),
		string(e.Operator.Level), e.Operator.District, e.Operator.School, e.Operator.User, e.District, e.School, e.Reason, e.Before, e.Version,
		string(e.Operator.Role)}
	const cols = `INSERT INTO events (seq, card_id, kind, action, from_state, to_state, rule, at, op_level, op_district, op_school, op_user,
		district, school, reason, before, version, op_role) VALUES (`
	const rest = `$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18)`
	if t.xid != 0 {
		e.Seq = (t.xid+t.offset)<<eventBits + int64(t.events)
		args[0] = e.Seq
		t.pending = append(t.pending, queued{sql: cols + `$1,` + rest, args: args})
		t.events++
		return e, nil
	}
	_, err := t.row(ctx, cols+`((pg_current_xact_id()::text::bigint + $19) << 20) + $1,`+rest+` RETURNING seq`, append(args, t.offset), &e.Seq)
	if err != nil {
		return lifecycle.Event{}, err
	}
	t.xid = e.Seq>>eventBits - t.offset
	t.events++
	return e, nil
}

func pageLimit(limit int) int {
	if limit <= 0 {
		return 100
	}
	return limit
}

func (t *tx) CardEvents(ctx context.Context, cardID string, after int64, limit int) ([]lifecycle.Event, error) {
	return list(ctx, t, "SELECT "+eventCols+" FROM events WHERE card_id = $1 AND seq > $2 ORDER BY seq LIMIT $3", scanEvent, cardID, after, pageLimit(limit))
}

// settled is the Seq below which every event's transaction has ended in
// the statement's snapshot: (oldest running transaction id + offset) << 20;
// $3 is the offset.
const settled = `((pg_snapshot_xmin(pg_current_snapshot())::text::bigint + $3) << 20)`

// ScopeEvents returns only settled events, so a reader that remembers the
// last Seq it saw never skips a transaction that commits later with a lower
// Seq (R-OPS-1: "what has not been sent up yet").
func (t *tx) ScopeEvents(ctx context.Context, scope lifecycle.Scope, after int64, limit int) ([]lifecycle.Event, error) {
	const sel = "SELECT " + eventCols + " FROM events WHERE seq > $1 AND seq < " + settled
	switch {
	case scope.District == "" && scope.School == "":
		return list(ctx, t, sel+" ORDER BY seq LIMIT $2", scanEvent, after, pageLimit(limit), t.offset)
	case scope.School == "":
		return list(ctx, t, sel+" AND district = $4 ORDER BY seq LIMIT $2", scanEvent, after, pageLimit(limit), t.offset, scope.District)
	case scope.District == "":
		return list(ctx, t, sel+" AND school = $4 ORDER BY seq LIMIT $2", scanEvent, after, pageLimit(limit), t.offset, scope.School)
	default:
		return list(ctx, t, sel+" AND district = $4 AND school = $5 ORDER BY seq LIMIT $2", scanEvent, after, pageLimit(limit), t.offset,
			scope.District, scope.School)
	}
}

// Imports.

func (t *tx) GetImport(ctx context.Context, digest string) (lifecycle.Import, error) {
	var imp lifecycle.Import
	var at *time.Time
	found, err := t.row(ctx, `SELECT digest, file_kind, district, school, op_level, op_district, op_school, op_user, at, records, op_role FROM imports WHERE digest = $1`,
		[]any{digest}, &imp.Digest, &imp.FileKind, &imp.District, &imp.School, &imp.Operator.Level, &imp.Operator.District,
		&imp.Operator.School, &imp.Operator.User, &at, &imp.Records, &imp.Operator.Role)
	if err == nil && !found {
		err = &lifecycle.NotFoundError{Entity: "import", Key: digest}
	}
	imp.At = fromNull(at)
	return imp, err
}

// PutImport relies on the primary key: a concurrent import of the same
// digest waits for the first to commit, then inserts nothing.
func (t *tx) PutImport(ctx context.Context, imp lifecycle.Import) error {
	n, err := t.exec(ctx, `INSERT INTO imports (digest, file_kind, district, school, op_level, op_district, op_school, op_user, at, records, op_role)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) ON CONFLICT (digest) DO NOTHING`+returningXID,
		imp.Digest, imp.FileKind, imp.District, imp.School, string(imp.Operator.Level), imp.Operator.District, imp.Operator.School,
		imp.Operator.User, nullTime(imp.At), imp.Records, string(imp.Operator.Role))
	if err != nil {
		return err
	}
	if n == 0 {
		return &lifecycle.DuplicateError{Entity: "import", Key: imp.Digest}
	}
	return nil
}

// Audit.

const auditCols = `chain, seq, at, op_level, op_district, op_school, op_user, action, subject, rule, outcome, detail, prev, hash, op_role`

func scanAudit(r pgx.CollectableRow) (lifecycle.AuditEntry, error) {
	var e lifecycle.AuditEntry
	var at *time.Time
	err := r.Scan(&e.Chain, &e.Seq, &at, &e.Operator.Level, &e.Operator.District, &e.Operator.School, &e.Operator.User,
		&e.Action, &e.Subject, &e.Rule, &e.Outcome, &e.Detail, &e.Prev, &e.Hash, &e.Operator.Role)
	e.At = fromNull(at)
	return e, err
}

func (t *tx) AuditHead(ctx context.Context, chain string) (lifecycle.AuditEntry, error) {
	es, err := list(ctx, t, "SELECT "+auditCols+" FROM audit WHERE chain = $1 ORDER BY seq DESC LIMIT 1", scanAudit, chain)
	if err != nil {
		return lifecycle.AuditEntry{}, err
	}
	if len(es) == 0 {
		return lifecycle.AuditEntry{}, &lifecycle.NotFoundError{Entity: lifecycle.EntityAuditChain, Key: chain}
	}
	return es[0], nil
}

// AppendAudit inserts e only if it is exactly the head's successor, in one
// statement; a concurrent writer of the same Seq waits on the primary key
// and then inserts nothing, which is reported as a conflict.
func (t *tx) AppendAudit(ctx context.Context, e lifecycle.AuditEntry) error {
	n, err := t.exec(ctx, `INSERT INTO audit (`+auditCols+`)
		SELECT $1::text, $2::bigint, $3::timestamptz, $4::text, $5::text, $6::text, $7::text, $8::text, $9::text, $10::text,
			$11::text, $12::text, $13::text, $14::text, $15::text
		WHERE (SELECT coalesce(max(seq), 0) FROM audit WHERE chain = $1) = $2::bigint - 1
		ON CONFLICT (chain, seq) DO NOTHING`+returningXID,
		e.Chain, e.Seq, nullTime(e.At), string(e.Operator.Level), e.Operator.District, e.Operator.School, e.Operator.User,
		e.Action, e.Subject, e.Rule, e.Outcome, e.Detail, e.Prev, e.Hash, string(e.Operator.Role))
	if err != nil {
		return err
	}
	if n == 1 {
		return nil
	}
	var head int64
	if _, err := t.row(ctx, "SELECT coalesce(max(seq), 0) FROM audit WHERE chain = $1", []any{e.Chain}, &head); err != nil {
		return err
	}
	return &lifecycle.ConflictError{Entity: lifecycle.EntityAuditChain, Key: e.Chain, Expected: e.Seq - 1, Stored: head}
}

func (t *tx) AuditEntries(ctx context.Context, chain string, after int64, limit int) ([]lifecycle.AuditEntry, error) {
	return list(ctx, t, "SELECT "+auditCols+" FROM audit WHERE chain = $1 AND seq > $2 ORDER BY seq LIMIT $3", scanAudit, chain, after, pageLimit(limit))
}

// Stock.

func (t *tx) AddStock(ctx context.Context, key lifecycle.StockKey, delta int64) (int64, error) {
	var n int64
	_, err := t.row(ctx, `INSERT INTO stock (level, code, item, balance) VALUES ($1, $2, $3, $4)
		ON CONFLICT (level, code, item) DO UPDATE SET balance = stock.balance + excluded.balance RETURNING balance`,
		[]any{string(key.Level), key.Code, string(key.Item), delta}, &n)
	return n, err
}

func (t *tx) Stock(ctx context.Context, key lifecycle.StockKey) (int64, error) {
	var n int64
	_, err := t.row(ctx, `SELECT balance FROM stock WHERE level = $1 AND code = $2 AND item = $3`,
		[]any{string(key.Level), key.Code, string(key.Item)}, &n)
	return n, err
}

// Syncs.

func (t *tx) AppendSync(ctx context.Context, r lifecycle.SyncRecord) (lifecycle.SyncRecord, error) {
	_, err := t.row(ctx, `INSERT INTO syncs (kind, level, district, school, at, up_to, ok, detail) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id`,
		[]any{string(r.Kind), string(r.Level), r.District, r.School, nullTime(r.At), r.UpTo, r.OK, r.Detail}, &r.ID)
	return r, err
}

func (t *tx) LastSync(ctx context.Context, kind lifecycle.SyncKind, level studentid.Level, district, school string, okOnly bool) (lifecycle.SyncRecord, error) {
	var r lifecycle.SyncRecord
	var at *time.Time
	q := `SELECT id, kind, level, district, school, at, up_to, ok, detail FROM syncs
		WHERE kind = $1 AND level = $2 AND district = $3 AND school = $4 ORDER BY id DESC LIMIT 1`
	if okOnly {
		q = `SELECT id, kind, level, district, school, at, up_to, ok, detail FROM syncs
		WHERE kind = $1 AND level = $2 AND district = $3 AND school = $4 AND ok ORDER BY id DESC LIMIT 1`
	}
	found, err := t.row(ctx, q, []any{string(kind), string(level), district, school},
		&r.ID, &r.Kind, &r.Level, &r.District, &r.School, &at, &r.UpTo, &r.OK, &r.Detail)
	if err == nil && !found {
		err = &lifecycle.NotFoundError{Entity: "sync", Key: fmt.Sprintf("%s %s %s/%s", kind, level, district, school)}
	}
	r.At = fromNull(at)
	return r, err
}

// Deadlines.

const deadlineCols = `id, rule, subject, level, district, school, start, due_at, done_at, working_days, provisional`

func scanDeadline(r pgx.CollectableRow) (lifecycle.Deadline, error) {
	var d lifecycle.Deadline
	var start, done *time.Time
	err := r.Scan(&d.ID, &d.Rule, &d.Subject, &d.Level, &d.District, &d.School, &start, &d.DueAt, &done, &d.WorkingDays, &d.Provisional)
	d.Start, d.DueAt, d.DoneAt = fromNull(start), d.DueAt.UTC(), fromNull(done)
	return d, err
}

func (t *tx) PutDeadline(ctx context.Context, d lifecycle.Deadline) error {
	_, err := t.exec(ctx, `INSERT INTO deadlines (`+deadlineCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)
		ON CONFLICT (id) DO UPDATE SET rule=excluded.rule, subject=excluded.subject, level=excluded.level, district=excluded.district,
		school=excluded.school, start=excluded.start, due_at=excluded.due_at, done_at=excluded.done_at,
		working_days=excluded.working_days, provisional=excluded.provisional`+returningXID,
		d.ID, d.Rule, d.Subject, string(d.Level), d.District, d.School, nullTime(d.Start), d.DueAt, nullTime(d.DoneAt),
		d.WorkingDays, d.Provisional)
	return err
}

func (t *tx) GetDeadline(ctx context.Context, id string) (lifecycle.Deadline, error) {
	ds, err := list(ctx, t, "SELECT "+deadlineCols+" FROM deadlines WHERE id = $1", scanDeadline, id)
	if err != nil {
		return lifecycle.Deadline{}, err
	}
	if len(ds) == 0 {
		return lifecycle.Deadline{}, &lifecycle.NotFoundError{Entity: "deadline", Key: id}
	}
	return ds[0], nil
}

// OverdueSQL returns the overdue query for a scope shape and its arguments:
// equality on the scope's columns, the partial index's (due_at, id) order,
// keyset paging with a row comparison. Each shape has its own partial index
// over open deadlines (migrations/0001_init.sql), so a page costs an index
// range scan of Limit rows whatever the table's size.
func overdueSQL(q lifecycle.OverdueQuery) (string, []any) {
	args := []any{q.Now, q.PageLimit()}
	where := ""
	if q.Scope.District != "" {
		args = append(args, q.Scope.District)
		where += fmt.Sprintf(" AND district = $%d", len(args))
	}
	if q.Scope.School != "" {
		args = append(args, q.Scope.School)
		where += fmt.Sprintf(" AND school = $%d", len(args))
	}
	if q.AfterID != "" {
		args = append(args, q.AfterDue, q.AfterID)
		where += fmt.Sprintf(" AND (due_at, id) > ($%d, $%d)", len(args)-1, len(args))
	}
	return "SELECT " + deadlineCols + " FROM deadlines WHERE done_at IS NULL AND due_at < $1" + where + " ORDER BY due_at, id LIMIT $2", args
}

func (t *tx) Overdue(ctx context.Context, q lifecycle.OverdueQuery) ([]lifecycle.Deadline, error) {
	query, args := overdueSQL(q)
	return list(ctx, t, query, scanDeadline, args...)
}

// Students and numbers.

const studentCols = `key, number, name, gender, birth_date, id_number, district, school, status, version`

func (t *tx) GetStudent(ctx context.Context, key string) (lifecycle.Student, error) {
	var s lifecycle.Student
	found, err := t.row(ctx, "SELECT "+studentCols+" FROM students WHERE key = $1", []any{key},
		&s.Key, &s.Number, &s.Name, &s.Gender, &s.BirthDate, &s.IDNumber, &s.District, &s.School, &s.Status, &s.Version)
	if err == nil && !found {
		err = &lifecycle.NotFoundError{Entity: "student", Key: key}
	}
	return s, err
}

func (t *tx) PutStudent(ctx context.Context, s lifecycle.Student) (lifecycle.Student, error) {
	v, err := t.versionedPut(ctx, "student", "students", "key", s.Key, s.Version,
		`INSERT INTO students (`+studentCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) ON CONFLICT (key) DO NOTHING`,
		`UPDATE students SET number=$2, name=$3, gender=$4, birth_date=$5, id_number=$6, district=$7, school=$8, status=$9, version=$10
			WHERE key=$1 AND version=$11`,
		[]any{s.Key, s.Number, s.Name, s.Gender, s.BirthDate, s.IDNumber, s.District, s.School, string(s.Status)})
	if err != nil {
		return lifecycle.Student{}, err
	}
	s.Version = v
	return s, nil
}

const numberCols = `number, student_key, school, status, at, replaces, version`

func scanNumber(r pgx.CollectableRow) (lifecycle.NumberRecord, error) {
	var n lifecycle.NumberRecord
	var at *time.Time
	err := r.Scan(&n.Number, &n.StudentKey, &n.School, &n.Status, &at, &n.Replaces, &n.Version)
	n.At = fromNull(at)
	return n, err
}

func (t *tx) GetNumber(ctx context.Context, number string) (lifecycle.NumberRecord, error) {
	ns, err := list(ctx, t, "SELECT "+numberCols+" FROM numbers WHERE number = $1", scanNumber, number)
	if err != nil {
		return lifecycle.NumberRecord{}, err
	}
	if len(ns) == 0 {
		return lifecycle.NumberRecord{}, &lifecycle.NotFoundError{Entity: "number", Key: number}
	}
	return ns[0], nil
}

func (t *tx) PutNumber(ctx context.Context, n lifecycle.NumberRecord) (lifecycle.NumberRecord, error) {
	v, err := t.versionedPut(ctx, "number", "numbers", "number", n.Number, n.Version,
		`INSERT INTO numbers (`+numberCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (number) DO NOTHING`,
		`UPDATE numbers SET student_key=$2, school=$3, status=$4, at=$5, replaces=$6, version=$7 WHERE number=$1 AND version=$8`,
		[]any{n.Number, n.StudentKey, n.School, string(n.Status), nullTime(n.At), n.Replaces})
	if err != nil {
		return lifecycle.NumberRecord{}, err
	}
	n.Version = v
	return n, nil
}

// LastNumber scans the primary key backwards from the end of the prefix's
// range; U+10FFFF sorts after every character in the "C" collation.
func (t *tx) LastNumber(ctx context.Context, prefix string) (lifecycle.NumberRecord, error) {
	ns, err := list(ctx, t, "SELECT "+numberCols+" FROM numbers WHERE number >= $1 AND number < $2 ORDER BY number DESC LIMIT 1",
		scanNumber, prefix, prefix+"\U0010FFFF")
	if err != nil {
		return lifecycle.NumberRecord{}, err
	}
	if len(ns) == 0 {
		return lifecycle.NumberRecord{}, &lifecycle.NotFoundError{Entity: "number prefix", Key: prefix}
	}
	return ns[0], nil
}

// Enrolments and leaves.

func (t *tx) PutEnrolment(ctx context.Context, e lifecycle.Enrolment) error {
	_, err := t.exec(ctx, `INSERT INTO enrolments (student_key, school, since, district, until) VALUES ($1,$2,$3,$4,$5)
		ON CONFLICT (student_key, school, since) DO UPDATE SET district = excluded.district, until = excluded.until`+returningXID,
		e.StudentKey, e.School, e.Since, e.District, nullTime(e.Until))
	return err
}

func (t *tx) Enrolments(ctx context.Context, studentKey string) ([]lifecycle.Enrolment, error) {
	return list(ctx, t, `SELECT student_key, school, since, district, until FROM enrolments WHERE student_key = $1 ORDER BY since, school`,
		func(r pgx.CollectableRow) (lifecycle.Enrolment, error) {
			var e lifecycle.Enrolment
			var until *time.Time
			err := r.Scan(&e.StudentKey, &e.School, &e.Since, &e.District, &until)
			e.Since, e.Until = e.Since.UTC(), fromNull(until)
			return e, err
		}, studentKey)
}

const leaveCols = `id, student_key, number, district, school, cohort, reason, left_at, card_id, recovered, box, handler, recover_at`

func (t *tx) PutLeave(ctx context.Context, r lifecycle.LeaveRecord) error {
	_, err := t.exec(ctx, `INSERT INTO leaves (`+leaveCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)
		ON CONFLICT (id) DO UPDATE SET student_key=excluded.student_key, number=excluded.number, district=excluded.district,
		school=excluded.school, cohort=excluded.cohort, reason=excluded.reason, left_at=excluded.left_at, card_id=excluded.card_id,
		recovered=excluded.recovered, box=excluded.box, handler=excluded.handler, recover_at=excluded.recover_at`+returningXID,
		r.ID, r.StudentKey, r.Number, r.District, r.School, r.Cohort, r.Reason, r.LeftAt, r.CardID, r.Recovered,
		r.Box, r.Handler, nullTime(r.RecoverAt))
	return err
}

func scanLeave(r pgx.CollectableRow) (lifecycle.LeaveRecord, error) {
	var l lifecycle.LeaveRecord
	var recAt *time.Time
	err := r.Scan(&l.ID, &l.StudentKey, &l.Number, &l.District, &l.School, &l.Cohort, &l.Reason, &l.LeftAt, &l.CardID, &l.Recovered,
		&l.Box, &l.Handler, &recAt)
	l.LeftAt, l.RecoverAt = l.LeftAt.UTC(), fromNull(recAt)
	return l, err
}

func (t *tx) GetLeave(ctx context.Context, id string) (lifecycle.LeaveRecord, error) {
	ls, err := list(ctx, t, "SELECT "+leaveCols+" FROM leaves WHERE id = $1", scanLeave, id)
	if err != nil {
		return lifecycle.LeaveRecord{}, err
	}
	if len(ls) == 0 {
		return lifecycle.LeaveRecord{}, &lifecycle.NotFoundError{Entity: "leave record", Key: id}
	}
	return ls[0], nil
}

func (t *tx) Leaves(ctx context.Context, school, cohort string) ([]lifecycle.LeaveRecord, error) {
	if cohort == "" {
		return list(ctx, t, "SELECT "+leaveCols+" FROM leaves WHERE school = $1 ORDER BY left_at, id", scanLeave, school)
	}
	return list(ctx, t, "SELECT "+leaveCols+" FROM leaves WHERE school = $1 AND cohort = $2 ORDER BY left_at, id", scanLeave, school, cohort)
}
