package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

// tx is one transaction on the writer connection; done is set when the
// function given to Store.Tx returns, after which every call fails.
type tx struct {
	s    *Store
	done bool
	// grouped: the transaction is shared with other callers (group
	// commit), so a cancelled context must not interrupt a statement
	// (SQLite would roll back the whole transaction, everyone's writes):
	// cancellation is seen between statements instead.
	grouped bool
}

// stmtCtx is the context a statement runs with (see grouped).
func (t *tx) stmtCtx(ctx context.Context) context.Context {
	if t.grouped {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

func (t *tx) check(ctx context.Context) error {
	if t.done {
		return lifecycle.ErrTxDone
	}
	return ctx.Err()
}

func (t *tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	ctx = t.stmtCtx(ctx)
	st, err := t.s.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (t *tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	ctx = t.stmtCtx(ctx)
	st, err := t.s.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// row runs a one-row query; scan fills the value, found says whether there
// was a row.
func (t *tx) row(ctx context.Context, query string, scan func(*sql.Rows) error, args ...any) (found bool, err error) {
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	if rows.Next() {
		if err := scan(rows); err != nil {
			return false, err
		}
		found = true
	}
	return found, rows.Err()
}

// list runs a query and scans every row with scan.
func list[T any](ctx context.Context, t *tx, query string, scan func(*sql.Rows) (T, error), args ...any) ([]T, error) {
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Times: microseconds since the epoch, NULL for the zero time.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

// keyTime stores the zero time as year 1, for columns that order rows.
func keyTime(t time.Time) int64 { return t.UnixMicro() }

func fromMicro(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMicro(v.Int64).UTC()
}

func fromKeyMicro(v int64) time.Time { return time.UnixMicro(v).UTC() }

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// versionedPut implements the versioned-put rule of lifecycle.Tx for one
// table: version 0 inserts (a taken key is a *DuplicateError), version n
// updates where the stored version is n and bumps it (else conflict or not
// found).
func (t *tx) versionedPut(ctx context.Context, entity, table, key string, version int64, insert string, update string, args []any) (int64, error) {
	if version == 0 {
		res, err := t.exec(ctx, insert, append(args, int64(1))...)
		if err != nil {
			return 0, err
		}
		if n, err := res.RowsAffected(); err != nil {
			return 0, err
		} else if n == 0 {
			return 0, &lifecycle.DuplicateError{Entity: entity, Key: key}
		}
		return 1, nil
	}
	res, err := t.exec(ctx, update, append(args, version+1, version)...)
	if err != nil {
		return 0, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return 0, err
	} else if n == 1 {
		return version + 1, nil
	}
	var stored int64
	found, err := t.row(ctx, "SELECT version FROM "+table+" WHERE "+keyColumn[table]+" = ?", func(r *sql.Rows) error { return r.Scan(&stored) }, key)
	switch {
	case err != nil:
		return 0, err
	case !found:
		return 0, &lifecycle.NotFoundError{Entity: entity, Key: key}
	default:
		return 0, &lifecycle.ConflictError{Entity: entity, Key: key, Expected: version, Stored: stored}
	}
}

var keyColumn = map[string]string{"cards": "id", "students": "key", "numbers": "number"}

// Cards.

const cardCols = `id, kind, state, holder, district, school, student, cohort, temporary, batch, replaces, box, lost_at, valid_until, updated_at, version`

func scanCard(r *sql.Rows) (lifecycle.Card, error) {
	var c lifecycle.Card
	var temp int64
	var lost, valid, updated sql.NullInt64
	err := r.Scan(&c.ID, &c.Kind, &c.State, &c.Holder, &c.District, &c.School, &c.Student, &c.Cohort, &temp,
		&c.Batch, &c.Replaces, &c.Box, &lost, &valid, &updated, &c.Version)
	c.Temporary = temp != 0
	c.LostAt, c.ValidUntil, c.UpdatedAt = fromMicro(lost), fromMicro(valid), fromMicro(updated)
	return c, err
}

func (t *tx) GetCard(ctx context.Context, id string) (lifecycle.Card, error) {
	var c lifecycle.Card
	found, err := t.row(ctx, "SELECT "+cardCols+" FROM cards WHERE id = ?", func(r *sql.Rows) (err error) { c, err = scanCard(r); return err }, id)
	if err == nil && !found {
		err = &lifecycle.NotFoundError{Entity: "card", Key: id}
	}
	return c, err
}

func (t *tx) PutCard(ctx context.Context, c lifecycle.Card) (lifecycle.Card, error) {
	args := []any{c.ID, string(c.Kind), string(c.State), string(c.Holder), c.District, c.School, c.Student, c.Cohort, boolInt(c.Temporary),
		c.Batch, c.Replaces, c.Box, nullTime(c.LostAt), nullTime(c.ValidUntil), nullTime(c.UpdatedAt)}
	v, err := t.versionedPut(ctx, "card", "cards", c.ID, c.Version,
		`INSERT INTO cards (`+cardCols+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (id) DO NOTHING`,
		`UPDATE cards SET kind=?2, state=?3, holder=?4, district=?5, school=?6, student=?7, cohort=?8, temporary=?9, batch=?10,
			replaces=?11, box=?12, lost_at=?13, valid_until=?14, updated_at=?15, version=?16 WHERE id=?1 AND version=?17`, args)
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
	return list(ctx, t, "SELECT "+cardCols+" FROM cards WHERE student = ? AND student <> '' ORDER BY id", scanCard, number)
}

// Events.

const eventCols = `seq, card_id, kind, action, from_state, to_state, rule, at, op_level, op_district, op_school, op_user, district, school, reason, before, version, op_role`

func scanEvent(r *sql.Rows) (lifecycle.Event, error) {
	var e lifecycle.Event
	var at sql.NullInt64
	err := r.Scan(&e.Seq, &e.CardID, &e.Kind, &e.Action, &e.From, &e.To, &e.Rule, &at, &e.Operator.Level, &e.Operator.District,
		&e.Operator.School, &e.Operator.User, &e.District, &e.School, &e.Reason, &e.Before, &e.Version, &e.Operator.Role)
	e.At = fromMicro(at)
	return e, err
}

func (t *tx) AppendEvent(ctx context.Context, e lifecycle.Event) (lifecycle.Event, error) {
	_, err := t.row(ctx, `INSERT INTO events (card_id, kind, action, from_state, to_state, rule, at, op_level, op_district, op_school, op_user,
		district, school, reason, before, version, op_role) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING seq`,
		func(r *sql.Rows) error { return r.Scan(&e.Seq) },
		e.CardID, string(e.Kind), string(e.Action), string(e.From), string(e.To), e.Rule, nullTime(e.At), string(e.Operator.Level),
		e.Operator.District, e.Operator.School, e.Operator.User, e.District, e.School, e.Reason, e.Before, e.Version, string(e.Operator.Role))
	return e, err
}

func pageLimit(limit int) int {
	if limit <= 0 {
		return 100
	}
	return limit
}

func (t *tx) CardEvents(ctx context.Context, cardID string, after int64, limit int) ([]lifecycle.Event, error) {
	return list(ctx, t, "SELECT "+eventCols+" FROM events WHERE card_id = ? AND seq > ? ORDER BY seq LIMIT ?", scanEvent, cardID, after, pageLimit(limit))
}

func (t *tx) ScopeEvents(ctx context.Context, scope lifecycle.Scope, after int64, limit int) ([]lifecycle.Event, error) {
	switch {
	case scope.District == "" && scope.School == "":
		return list(ctx, t, "SELECT "+eventCols+" FROM events WHERE seq > ? ORDER BY seq LIMIT ?", scanEvent, after, pageLimit(limit))
	case scope.School == "":
		return list(ctx, t, "SELECT "+eventCols+" FROM events WHERE district = ? AND seq > ? ORDER BY seq LIMIT ?", scanEvent,
			scope.District, after, pageLimit(limit))
	case scope.District == "":
		return list(ctx, t, "SELECT "+eventCols+" FROM events WHERE school = ? AND seq > ? ORDER BY seq LIMIT ?", scanEvent,
			scope.School, after, pageLimit(limit))
	default:
		return list(ctx, t, "SELECT "+eventCols+" FROM events WHERE district = ? AND school = ? AND seq > ? ORDER BY seq LIMIT ?", scanEvent,
			scope.District, scope.School, after, pageLimit(limit))
	}
}

// Imports.

func (t *tx) GetImport(ctx context.Context, digest string) (lifecycle.Import, error) {
	var imp lifecycle.Import
	var at sql.NullInt64
	found, err := t.row(ctx, `SELECT digest, file_kind, district, school, op_level, op_district, op_school, op_user, at, records, op_role FROM imports WHERE digest = ?`,
		func(r *sql.Rows) error {
			return r.Scan(&imp.Digest, &imp.FileKind, &imp.District, &imp.School, &imp.Operator.Level, &imp.Operator.District,
				&imp.Operator.School, &imp.Operator.User, &at, &imp.Records, &imp.Operator.Role)
		}, digest)
	if err == nil && !found {
		err = &lifecycle.NotFoundError{Entity: "import", Key: digest}
	}
	imp.At = fromMicro(at)
	return imp, err
}

func (t *tx) PutImport(ctx context.Context, imp lifecycle.Import) error {
	res, err := t.exec(ctx, `INSERT INTO imports (digest, file_kind, district, school, op_level, op_district, op_school, op_user, at, records, op_role)
		VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (digest) DO NOTHING`,
		imp.Digest, imp.FileKind, imp.District, imp.School, string(imp.Operator.Level), imp.Operator.District, imp.Operator.School,
		imp.Operator.User, nullTime(imp.At), imp.Records, string(imp.Operator.Role))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return &lifecycle.DuplicateError{Entity: "import", Key: imp.Digest}
	}
	return nil
}

// Audit.

const auditCols = `chain, seq, at, op_level, op_district, op_school, op_user, action, subject, rule, outcome, detail, prev, hash, op_role`

func scanAudit(r *sql.Rows) (lifecycle.AuditEntry, error) {
	var e lifecycle.AuditEntry
	var at sql.NullInt64
	err := r.Scan(&e.Chain, &e.Seq, &at, &e.Operator.Level, &e.Operator.District, &e.Operator.School, &e.Operator.User,
		&e.Action, &e.Subject, &e.Rule, &e.Outcome, &e.Detail, &e.Prev, &e.Hash, &e.Operator.Role)
	e.At = fromMicro(at)
	return e, err
}

func (t *tx) AuditHead(ctx context.Context, chain string) (lifecycle.AuditEntry, error) {
	var e lifecycle.AuditEntry
	found, err := t.row(ctx, "SELECT "+auditCols+" FROM audit WHERE chain = ? ORDER BY seq DESC LIMIT 1",
		func(r *sql.Rows) (err error) { e, err = scanAudit(r); return err }, chain)
	if err == nil && !found {
		err = &lifecycle.NotFoundError{Entity: lifecycle.EntityAuditChain, Key: chain}
	}
	return e, err
}

// AppendAudit inserts e only if it is exactly the head's successor: one
// statement, so the check and the insert cannot be separated.
func (t *tx) AppendAudit(ctx context.Context, e lifecycle.AuditEntry) error {
	res, err := t.exec(ctx, `INSERT INTO audit (`+auditCols+`)
		SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15
		WHERE (SELECT coalesce(max(seq), 0) FROM audit WHERE chain = ?1) = ?2 - 1
		ON CONFLICT (chain, seq) DO NOTHING`,
		e.Chain, e.Seq, nullTime(e.At), string(e.Operator.Level), e.Operator.District, e.Operator.School, e.Operator.User,
		e.Action, e.Subject, e.Rule, e.Outcome, e.Detail, e.Prev, e.Hash, string(e.Operator.Role))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 1 {
		return nil
	}
	var head int64
	if _, err := t.row(ctx, "SELECT coalesce(max(seq), 0) FROM audit WHERE chain = ?", func(r *sql.Rows) error { return r.Scan(&head) }, e.Chain); err != nil {
		return err
	}
	return &lifecycle.ConflictError{Entity: lifecycle.EntityAuditChain, Key: e.Chain, Expected: e.Seq - 1, Stored: head}
}

// AuditEntries reads the page as one row (see lp): the verifier reads whole
// chains, and scanning 15 columns a row through database/sql cost more than
// the SQL. Every text comes back byte for byte as stored.
func (t *tx) AuditEntries(ctx context.Context, chain string, after int64, limit int) ([]lifecycle.AuditEntry, error) {
	var page string
	if _, err := t.row(ctx, auditPageQuery(), func(r *sql.Rows) error { return r.Scan(&page) }, chain, after, pageLimit(limit)); err != nil {
		return nil, err
	}
	var out []lifecycle.AuditEntry
	p := pageReader{page: page}
	for p.page != "" {
		var e lifecycle.AuditEntry
		e.Chain = p.field()
		e.Seq, _ = p.int()
		if at, ok := p.int(); ok {
			e.At = fromMicro(sql.NullInt64{Int64: at, Valid: true})
		}
		e.Operator.Level = studentid.Level(p.field())
		e.Operator.District, e.Operator.School, e.Operator.User = p.field(), p.field(), p.field()
		e.Action, e.Subject, e.Rule, e.Outcome, e.Detail = p.field(), p.field(), p.field(), p.field(), p.field()
		e.Prev, e.Hash = p.field(), p.field()
		e.Operator.Role = lifecycle.Role(p.field())
		if p.bad {
			return nil, errPage
		}
		out = append(out, e)
	}
	bySeq := func(a, b lifecycle.AuditEntry) int { return cmp.Compare(a.Seq, b.Seq) }
	if !slices.IsSortedFunc(out, bySeq) {
		slices.SortFunc(out, bySeq)
	}
	return out, nil
}

// auditPageQuery is AuditEntries' query: the fields of auditCols, in that
// order, each row's after the other's.
func auditPageQuery() string {
	return `SELECT coalesce(string_agg(` + lp("chain") + ` || seq || ',' || coalesce(at, '-') || ',' || ` +
		lp("op_level") + ` || ` + lp("op_district") + ` || ` + lp("op_school") + ` || ` + lp("op_user") + ` || ` +
		lp("action") + ` || ` + lp("subject") + ` || ` + lp("rule") + ` || ` + lp("outcome") + ` || ` + lp("detail") + ` || ` +
		lp("prev") + ` || ` + lp("hash") + ` || ` + lp("op_role") + `, ''), '')
	FROM (SELECT ` + auditCols + ` FROM audit WHERE chain = ? AND seq > ? ORDER BY seq LIMIT ?)`
}

// Stock.

func (t *tx) AddStock(ctx context.Context, key lifecycle.StockKey, delta int64) (int64, error) {
	var n int64
	_, err := t.row(ctx, `INSERT INTO stock (level, code, item, balance) VALUES (?, ?, ?, ?)
		ON CONFLICT (level, code, item) DO UPDATE SET balance = balance + excluded.balance RETURNING balance`,
		func(r *sql.Rows) error { return r.Scan(&n) }, string(key.Level), key.Code, string(key.Item), delta)
	return n, err
}

func (t *tx) Stock(ctx context.Context, key lifecycle.StockKey) (int64, error) {
	var n int64
	_, err := t.row(ctx, `SELECT balance FROM stock WHERE level = ? AND code = ? AND item = ?`,
		func(r *sql.Rows) error { return r.Scan(&n) }, string(key.Level), key.Code, string(key.Item))
	return n, err
}

// Syncs.

func (t *tx) AppendSync(ctx context.Context, r lifecycle.SyncRecord) (lifecycle.SyncRecord, error) {
	_, err := t.row(ctx, `INSERT INTO syncs (kind, level, district, school, at, up_to, ok, detail) VALUES (?,?,?,?,?,?,?,?) RETURNING id`,
		func(rows *sql.Rows) error { return rows.Scan(&r.ID) },
		string(r.Kind), string(r.Level), r.District, r.School, nullTime(r.At), r.UpTo, boolInt(r.OK), r.Detail)
	return r, err
}

func (t *tx) LastSync(ctx context.Context, kind lifecycle.SyncKind, level studentid.Level, district, school string, okOnly bool) (lifecycle.SyncRecord, error) {
	var r lifecycle.SyncRecord
	var at sql.NullInt64
	var ok int64
	q := `SELECT id, kind, level, district, school, at, up_to, ok, detail FROM syncs
		WHERE kind = ? AND level = ? AND district = ? AND school = ? ORDER BY id DESC LIMIT 1`
	if okOnly {
		q = `SELECT id, kind, level, district, school, at, up_to, ok, detail FROM syncs
		WHERE kind = ? AND level = ? AND district = ? AND school = ? AND ok = 1 ORDER BY id DESC LIMIT 1`
	}
	found, err := t.row(ctx, q, func(rows *sql.Rows) error {
		return rows.Scan(&r.ID, &r.Kind, &r.Level, &r.District, &r.School, &at, &r.UpTo, &ok, &r.Detail)
	}, string(kind), string(level), district, school)
	if err == nil && !found {
		err = &lifecycle.NotFoundError{Entity: "sync", Key: fmt.Sprintf("%s %s %s/%s", kind, level, district, school)}
	}
	r.At, r.OK = fromMicro(at), ok != 0
	return r, err
}

// Deadlines.

const deadlineCols = `id, rule, subject, level, district, school, start, due_at, done_at, working_days, provisional`

func scanDeadline(r *sql.Rows) (lifecycle.Deadline, error) {
	var d lifecycle.Deadline
	var start, done sql.NullInt64
	var due int64
	err := r.Scan(&d.ID, &d.Rule, &d.Subject, &d.Level, &d.District, &d.School, &start, &due, &done, &d.WorkingDays, &d.Provisional)
	d.Start, d.DueAt, d.DoneAt = fromMicro(start), fromKeyMicro(due), fromMicro(done)
	return d, err
}

func (t *tx) PutDeadline(ctx context.Context, d lifecycle.Deadline) error {
	_, err := t.exec(ctx, `INSERT INTO deadlines (`+deadlineCols+`) VALUES (?,?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT (id) DO UPDATE SET rule=excluded.rule, subject=excluded.subject, level=excluded.level, district=excluded.district,
		school=excluded.school, start=excluded.start, due_at=excluded.due_at, done_at=excluded.done_at,
		working_days=excluded.working_days, provisional=excluded.provisional`,
		d.ID, d.Rule, d.Subject, string(d.Level), d.District, d.School, nullTime(d.Start), keyTime(d.DueAt), nullTime(d.DoneAt),
		d.WorkingDays, boolInt(d.Provisional))
	return err
}

func (t *tx) GetDeadline(ctx context.Context, id string) (lifecycle.Deadline, error) {
	var d lifecycle.Deadline
	found, err := t.row(ctx, "SELECT "+deadlineCols+" FROM deadlines WHERE id = ?", func(r *sql.Rows) (err error) { d, err = scanDeadline(r); return err }, id)
	if err == nil && !found {
		err = &lifecycle.NotFoundError{Entity: "deadline", Key: id}
	}
	return d, err
}

// overdueSQL builds the overdue query for a scope shape: equality on the
// scope's columns, the partial index's (due_at, id) order, keyset paging.
// Each shape has its own partial index (see migrations/0001_init.sql).
func overdueSQL(scope lifecycle.Scope, cursor bool) (string, string) {
	where, index := "", "deadlines_open_city"
	switch {
	case scope.District != "" && scope.School != "":
		where, index = " AND district = :district AND school = :school", "deadlines_open_school"
	case scope.District != "":
		where, index = " AND district = :district", "deadlines_open_district"
	case scope.School != "":
		where = " AND school = :school"
	}
	if cursor {
		where += " AND (due_at, id) > (:after_due, :after_id)"
	}
	return "SELECT " + deadlineCols + " FROM deadlines WHERE done_at IS NULL AND due_at < :now" + where + " ORDER BY due_at, id LIMIT :limit", index
}

func (t *tx) Overdue(ctx context.Context, q lifecycle.OverdueQuery) ([]lifecycle.Deadline, error) {
	query, _ := overdueSQL(q.Scope, q.AfterID != "")
	return list(ctx, t, query, scanDeadline,
		sql.Named("district", q.Scope.District), sql.Named("school", q.Scope.School), sql.Named("now", keyTime(q.Now)),
		sql.Named("after_due", keyTime(q.AfterDue)), sql.Named("after_id", q.AfterID), sql.Named("limit", q.PageLimit()))
}

// Students and numbers.

const studentCols = `key, number, name, gender, birth_date, id_number, district, school, status, version`

func (t *tx) GetStudent(ctx context.Context, key string) (lifecycle.Student, error) {
	var s lifecycle.Student
	found, err := t.row(ctx, "SELECT "+studentCols+" FROM students WHERE key = ?", func(r *sql.Rows) error {
		return r.Scan(&s.Key, &s.Number, &s.Name, &s.Gender, &s.BirthDate, &s.IDNumber, &s.District, &s.School, &s.Status, &s.Version)
	}, key)
	if err == nil && !found {
		err = &lifecycle.NotFoundError{Entity: "student", Key: key}
	}
	return s, err
}

func (t *tx) PutStudent(ctx context.Context, s lifecycle.Student) (lifecycle.Student, error) {
	v, err := t.versionedPut(ctx, "student", "students", s.Key, s.Version,
		`INSERT INTO students (`+studentCols+`) VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT (key) DO NOTHING`,
		`UPDATE students SET number=?2, name=?3, gender=?4, birth_date=?5, id_number=?6, district=?7, school=?8, status=?9, version=?10
			WHERE key=?1 AND version=?11`,
		[]any{s.Key, s.Number, s.Name, s.Gender, s.BirthDate, s.IDNumber, s.District, s.School, string(s.Status)})
	if err != nil {
		return lifecycle.Student{}, err
	}
	s.Version = v
	return s, nil
}

const numberCols = `number, student_key, school, status, at, replaces, version`

func scanNumber(r *sql.Rows) (lifecycle.NumberRecord, error) {
	var n lifecycle.NumberRecord
	var at sql.NullInt64
	err := r.Scan(&n.Number, &n.StudentKey, &n.School, &n.Status, &at, &n.Replaces, &n.Version)
	n.At = fromMicro(at)
	return n, err
}

func (t *tx) GetNumber(ctx context.Context, number string) (lifecycle.NumberRecord, error) {
	var n lifecycle.NumberRecord
	found, err := t.row(ctx, "SELECT "+numberCols+" FROM numbers WHERE number = ?", func(r *sql.Rows) (err error) { n, err = scanNumber(r); return err }, number)
	if err == nil && !found {
		err = &lifecycle.NotFoundError{Entity: "number", Key: number}
	}
	return n, err
}

func (t *tx) PutNumber(ctx context.Context, n lifecycle.NumberRecord) (lifecycle.NumberRecord, error) {
	v, err := t.versionedPut(ctx, "number", "numbers", n.Number, n.Version,
		`INSERT INTO numbers (`+numberCols+`) VALUES (?,?,?,?,?,?,?) ON CONFLICT (number) DO NOTHING`,
		`UPDATE numbers SET student_key=?2, school=?3, status=?4, at=?5, replaces=?6, version=?7 WHERE number=?1 AND version=?8`,
		[]any{n.Number, n.StudentKey, n.School, string(n.Status), nullTime(n.At), n.Replaces})
	if err != nil {
		return lifecycle.NumberRecord{}, err
	}
	n.Version = v
	return n, nil
}

// prefixEnd is an upper bound for every string starting with prefix: the
// highest code point sorts after any character a number can hold, both in
// SQLite's binary order and PostgreSQL's "C" collation.
func prefixEnd(prefix string) string { return prefix + "\U0010FFFF" }

func (t *tx) LastNumber(ctx context.Context, prefix string) (lifecycle.NumberRecord, error) {
	var n lifecycle.NumberRecord
	found, err := t.row(ctx, "SELECT "+numberCols+" FROM numbers WHERE number >= ? AND number < ? ORDER BY number DESC LIMIT 1",
		func(r *sql.Rows) (err error) { n, err = scanNumber(r); return err }, prefix, prefixEnd(prefix))
	if err == nil && !found {
		err = &lifecycle.NotFoundError{Entity: "number prefix", Key: prefix}
	}
	return n, err
}

// Enrolments and leaves.

func (t *tx) PutEnrolment(ctx context.Context, e lifecycle.Enrolment) error {
	_, err := t.exec(ctx, `INSERT INTO enrolments (student_key, school, since, district, until) VALUES (?,?,?,?,?)
		ON CONFLICT (student_key, school, since) DO UPDATE SET district = excluded.district, until = excluded.until`,
		e.StudentKey, e.School, keyTime(e.Since), e.District, nullTime(e.Until))
	return err
}

func (t *tx) Enrolments(ctx context.Context, studentKey string) ([]lifecycle.Enrolment, error) {
	return list(ctx, t, `SELECT student_key, school, since, district, until FROM enrolments WHERE student_key = ? ORDER BY since, school`,
		func(r *sql.Rows) (lifecycle.Enrolment, error) {
			var e lifecycle.Enrolment
			var since int64
			var until sql.NullInt64
			err := r.Scan(&e.StudentKey, &e.School, &since, &e.District, &until)
			e.Since, e.Until = fromKeyMicro(since), fromMicro(until)
			return e, err
		}, studentKey)
}

const leaveCols = `id, student_key, number, district, school, cohort, reason, left_at, card_id, recovered, box, handler, recover_at`

func (t *tx) PutLeave(ctx context.Context, r lifecycle.LeaveRecord) error {
	_, err := t.exec(ctx, `INSERT INTO leaves (`+leaveCols+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT (id) DO UPDATE SET student_key=excluded.student_key, number=excluded.number, district=excluded.district,
		school=excluded.school, cohort=excluded.cohort, reason=excluded.reason, left_at=excluded.left_at, card_id=excluded.card_id,
		recovered=excluded.recovered, box=excluded.box, handler=excluded.handler, recover_at=excluded.recover_at`,
		r.ID, r.StudentKey, r.Number, r.District, r.School, r.Cohort, r.Reason, keyTime(r.LeftAt), r.CardID, boolInt(r.Recovered),
		r.Box, r.Handler, nullTime(r.RecoverAt))
	return err
}

func scanLeave(r *sql.Rows) (lifecycle.LeaveRecord, error) {
	var l lifecycle.LeaveRecord
	var left, rec int64
	var recAt sql.NullInt64
	err := r.Scan(&l.ID, &l.StudentKey, &l.Number, &l.District, &l.School, &l.Cohort, &l.Reason, &left, &l.CardID, &rec,
		&l.Box, &l.Handler, &recAt)
	l.LeftAt, l.Recovered, l.RecoverAt = fromKeyMicro(left), rec != 0, fromMicro(recAt)
	return l, err
}

func (t *tx) GetLeave(ctx context.Context, id string) (lifecycle.LeaveRecord, error) {
	var l lifecycle.LeaveRecord
	found, err := t.row(ctx, "SELECT "+leaveCols+" FROM leaves WHERE id = ?", func(r *sql.Rows) (err error) { l, err = scanLeave(r); return err }, id)
	if err == nil && !found {
		err = &lifecycle.NotFoundError{Entity: "leave record", Key: id}
	}
	return l, err
}

func (t *tx) Leaves(ctx context.Context, school, cohort string) ([]lifecycle.LeaveRecord, error) {
	if cohort == "" {
		return list(ctx, t, "SELECT "+leaveCols+" FROM leaves WHERE school = ? ORDER BY left_at, id", scanLeave, school)
	}
	return list(ctx, t, "SELECT "+leaveCols+" FROM leaves WHERE school = ? AND cohort = ? ORDER BY left_at, id", scanLeave, school, cohort)
}
