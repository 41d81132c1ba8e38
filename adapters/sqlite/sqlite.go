package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"

	"github.com/bjedu/studentcard/internal/migrations"
	"github.com/bjedu/studentcard/lifecycle"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Sync chooses how hard a commit works to survive a power cut.
type Sync int

const (
	// SyncFull (the default) is PRAGMA synchronous=FULL: in WAL mode every
	// commit fsyncs the WAL, so a committed transition survives a power cut
	// or a kernel crash, not only a crash of the program. A ledger of card
	// lives is what the school must be able to show later (P-3), and on an
	// SSD the fsync costs ~0.1-0.25 ms, within the 2,000 transitions/s
	// target, so durability is not traded away by default.
	SyncFull Sync = iota
	// SyncNormal is PRAGMA synchronous=NORMAL: in WAL mode a commit is
	// durable against a crash of the program (the crash test proves
	// all-or-nothing either way) but the last commits before a power cut
	// may be lost. For a laptop demo or bulk loads that are re-run anyway.
	SyncNormal
)

// Options tune a store; the zero value is the recommended setting.
type Options struct {
	// Sync is the commit durability; the zero value is [SyncFull].
	Sync Sync
	// BusyTimeout is how long a connection waits for a lock another
	// process holds (a second program on the same file, a backup) before
	// failing; 0 means 10 seconds. Inside one Store writers never wait on
	// SQLite: they queue on the Store's single writer connection.
	BusyTimeout time.Duration
	// Access says whether Open may create and migrate the file; the zero
	// value, [AccessCreate], does both.
	Access Access
	// Backup, with [AccessMigrate], is where Open writes a copy of the
	// ledger (VACUUM INTO; the file must not exist) before it applies a
	// migration; no copy is written when the schema is current.
	Backup string
}

// Store is a [lifecycle.Store] on one SQLite file in WAL mode. Every
// transaction runs on the one writer connection, opened with BEGIN
// IMMEDIATE, so writers queue in Go (honouring their contexts) instead of
// failing with SQLITE_BUSY; event sequence numbers therefore grow in commit
// order. Backups read through a second connection and do not stop writers.
type Store struct {
	path string
	file os.FileInfo // the database file as opened, to notice it deleted or replaced
	db   *sql.DB
	// writer is a one-slot semaphore guarding conn: whoever holds it runs
	// the one transaction in flight.
	writer chan struct{}
	conn   *sql.Conn
	stmts  map[string]*sql.Stmt // prepared on conn; used only by the holder of writer
	group  committer            // callers queued for conn (group commit)
	// ro is the pool of read-only connections (PRAGMA query_only) for the
	// reads outside Tx ([Store.AssignedNumbers]): WAL readers, each query
	// its own deferred read transaction, never waiting for the writer slot
	// nor for SQLite's write lock.
	ro       *sql.DB
	assigned *sql.Stmt // the AssignedNumbers query, prepared on ro

	readOnly bool // opened with AccessReadOnly: deferred transactions, no checkpoint

	closeOnce sync.Once
	closed    chan struct{}
	closeErr  error
}

var _ lifecycle.Store = (*Store)(nil)

// dsn builds the driver's connection string: every connection of the pool
// gets the same pragmas.
func dsn(path string, opts Options) (string, error) {
	if err := checkPath(path); err != nil {
		return "", err
	}
	mode := "FULL"
	if opts.Sync == SyncNormal {
		mode = "NORMAL"
	}
	q := url.Values{}
	q.Add("_pragma", busyPragma(opts))
	name := path
	switch opts.Access {
	case AccessCreate:
	case AccessReadOnly:
		uri, err := uriPath(path)
		if err != nil {
			return "", &PathError{Path: path, Reason: reasonPathSyntax}
		}
		q.Add("mode", "ro")
		q.Add("_pragma", "query_only(1)")
		q.Add("_pragma", "foreign_keys(1)")
		return uri + "?" + q.Encode(), nil
	default: // existing files only: mode=rw never creates
		uri, err := uriPath(path)
		if err != nil {
			return "", &PathError{Path: path, Reason: reasonPathSyntax}
		}
		name = uri
		q.Add("mode", "rw")
	}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous("+mode+")")
	q.Add("_pragma", "foreign_keys(1)")
	return name + "?" + q.Encode(), nil
}

// busyPragma is the busy_timeout pragma of opts (0 means 10 seconds).
func busyPragma(opts Options) string {
	busy := opts.BusyTimeout
	if busy <= 0 {
		busy = 10 * time.Second
	}
	return "busy_timeout(" + strconv.FormatInt(busy.Milliseconds(), 10) + ")"
}

// checkPath refuses paths the driver would read as a URI or a query.
func checkPath(path string) error {
	if path == "" {
		return &PathError{Path: path, Reason: reasonPathEmpty}
	}
	if strings.ContainsRune(path, '?') || strings.HasPrefix(path, "file:") {
		return &PathError{Path: path, Reason: reasonPathSyntax}
	}
	return nil
}

// Open opens the SQLite database at path as opts.Access allows: with the
// zero value it creates the file if needed and brings its schema up to date
// with the embedded migrations; see [Access] for the modes that never
// create and never (or only explicitly) migrate. A file written by a newer
// release is refused with a *[SchemaError] in every mode.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	name, err := dsn(path, opts)
	if err != nil {
		return nil, err
	}
	migrate := opts.Access == AccessCreate
	if opts.Access != AccessCreate {
		found, known, err := inspect(ctx, path, opts)
		if err != nil {
			return nil, err
		}
		if found < known {
			if opts.Access != AccessMigrate {
				return nil, &MigrationNeededError{Path: path, Found: found, Known: known}
			}
			migrate = true
		}
	}
	db, err := sql.Open("sqlite", name)
	if err != nil {
		return nil, err
	}
	s := &Store{path: path, db: db, writer: make(chan struct{}, 1), stmts: map[string]*sql.Stmt{}, closed: make(chan struct{}),
		readOnly: opts.Access == AccessReadOnly}
	if s.conn, err = db.Conn(ctx); err != nil {
		_ = db.Close()
		return nil, unavailable(err)
	}
	if migrate && opts.Access == AccessMigrate && opts.Backup != "" {
		if err := s.backupOn(ctx, s.conn, opts.Backup); err != nil {
			_ = s.conn.Close()
			_ = db.Close()
			return nil, err
		}
	}
	if err := s.maybeMigrate(ctx, migrate); err != nil {
		_ = s.conn.Close()
		_ = db.Close()
		return nil, err
	}
	if err := s.openReaders(ctx, opts); err != nil {
		_ = s.conn.Close()
		_ = db.Close()
		return nil, err
	}
	if s.file, err = os.Stat(path); err != nil {
		_ = s.Close()
		return nil, &lifecycle.StoreUnavailableError{Store: storeName, Err: err}
	}
	return s, nil
}

// openReaders opens the read-only pool on the migrated file.
func (s *Store) openReaders(ctx context.Context, opts Options) error {
	busy := opts.BusyTimeout
	if busy <= 0 {
		busy = 10 * time.Second
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout("+strconv.FormatInt(busy.Milliseconds(), 10)+")")
	q.Add("_pragma", "query_only(1)")
	name := s.path
	if opts.Access != AccessCreate {
		uri, err := uriPath(s.path)
		if err != nil {
			return err
		}
		name = uri
		q.Add("mode", "ro")
	}
	ro, err := sql.Open("sqlite", name+"?"+q.Encode())
	if err != nil {
		return err
	}
	ro.SetMaxOpenConns(4)
	ro.SetMaxIdleConns(4)
	st, err := ro.PrepareContext(ctx, assignedQuery())
	if err != nil {
		_ = ro.Close()
		return err
	}
	s.ro, s.assigned = ro, st
	return nil
}

// assignedQuery is the range read of [Store.AssignedNumbers]. A page comes
// back as one row, its numbers concatenated in number order, each field
// prefixed by its length in bytes ("16,<number>18,<id>5,<key>1"): reading
// 200,000 rows one by one through database/sql costs more than the SQL
// itself, and a length prefix survives any byte a key may hold. The
// aggregate keeps no promised order (ordering it would sort every page
// again), so parseAssigned restores number order.
func assignedQuery() string {
	return `SELECT coalesce(string_agg(` + lp("number") + ` || ` + lp("id") + ` || ` + lp("key") + ` || found, ''), '')
	FROM (SELECT n.number AS number, coalesce(s.id_number, '') AS id, n.student_key AS key, s.key IS NOT NULL AS found
		FROM numbers n LEFT JOIN students s ON s.key = n.student_key
		WHERE n.number >= ?1 AND n.number < ?2 ORDER BY n.number LIMIT ?3)`
}

// lp is the SQL of a length-prefixed text field, "<bytes>,<text>", for the
// one-row pages: concatenation keeps every byte (printf's %s would stop at a
// NUL).
func lp(col string) string {
	return "length(CAST(" + col + " AS BLOB)) || ',' || " + col
}

// parseAssigned splits a page of assignedQuery.
func parseAssigned(page string, limit int) ([]lifecycle.AssignedNumber, error) {
	out := make([]lifecycle.AssignedNumber, 0, min(limit, 1<<14))
	p := pageReader{page: page}
	for p.page != "" {
		var a lifecycle.AssignedNumber
		a.Number, a.IDNumber, a.StudentKey = p.field(), p.field(), p.field()
		switch p.byte() {
		case '1':
			a.HasStudent = true
		case '0':
		default:
			p.bad = true
		}
		if p.bad {
			return nil, errPage
		}
		out = append(out, a)
	}
	byNumber := func(a, b lifecycle.AssignedNumber) int { return strings.Compare(a.Number, b.Number) }
	if !slices.IsSortedFunc(out, byNumber) {
		slices.SortFunc(out, byNumber)
	}
	return out, nil
}

// pageReader takes the fields of a one-row page apart: "<bytes>,<text>"
// fields (see lp), integers ending in a comma, single bytes. A field that
// does not parse sets bad.
type pageReader struct {
	page string
	bad  bool
}

func (p *pageReader) field() string {
	n, ok := p.int()
	if !ok || n < 0 || n > int64(len(p.page)) {
		p.bad = true
		return ""
	}
	v := p.page[:n]
	p.page = p.page[n:]
	return v
}

// int reads digits up to a comma; "-," is ok false (NULL).
func (p *pageReader) int() (int64, bool) {
	i := strings.IndexByte(p.page, ',')
	if i < 0 {
		p.bad = true
		return 0, false
	}
	v, s := p.page[:i], p.page[i+1:]
	p.page = s
	if v == "-" {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		p.bad = true
		return 0, false
	}
	return n, true
}

func (p *pageReader) byte() byte {
	if p.page == "" {
		p.bad = true
		return 0
	}
	b := p.page[0]
	p.page = p.page[1:]
	return b
}

// errPage says a one-row page did not parse: the query and its parser
// disagree (a bug of this package) or a value's type is not the column's.
var errPage = errors.New("sqlite: malformed one-row page")

// rangeStart is the lower bound of an AssignedNumbers page: the least
// string after the cursor (after followed by NUL), or prefix itself on the
// first page. SQLite seeks the primary key to it (number >= start); with a
// separate "number > after" term it would scan from the prefix's start on
// every page.
func rangeStart(prefix, after string) string {
	if after < prefix {
		return prefix
	}
	return after + "\x00"
}

// AssignedNumbers implements [lifecycle.Store.AssignedNumbers] on the
// read-only pool: one deferred read transaction (a WAL snapshot) a page,
// taking neither the writer slot nor SQLite's write lock.
func (s *Store) AssignedNumbers(ctx context.Context, prefix, after string, limit int) ([]lifecycle.AssignedNumber, error) {
	out, err := s.assignedNumbers(ctx, prefix, after, limit)
	return out, unavailable(err) // a lost database is typed, as in Tx
}

func (s *Store) assignedNumbers(ctx context.Context, prefix, after string, limit int) ([]lifecycle.AssignedNumber, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	select {
	case <-s.closed:
		return nil, ErrClosed
	default:
	}
	if limit <= 0 {
		limit = lifecycle.AssignedPageLimit
	}
	var page string
	if err := s.assigned.QueryRowContext(ctx, rangeStart(prefix, after), prefixEnd(prefix), limit).Scan(&page); err != nil {
		return nil, err
	}
	return parseAssigned(page, limit)
}

// Path returns the database file the store was opened on.
func (s *Store) Path() string { return s.path }

// loadMigrations lists the embedded NNNN_name.sql files in version order.
func loadMigrations() ([]migrations.Migration, error) {
	ms, err := migrations.Load(migrationFS, "migrations")
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	return ms, nil
}

// SchemaVersion is the highest migration this release embeds.
func SchemaVersion() int {
	ms, err := loadMigrations()
	if err != nil {
		return 0
	}
	return migrations.Latest(ms)
}

// maybeMigrate migrates when Open's access mode and inspection call for
// it; otherwise inspect has checked the version already.
func (s *Store) maybeMigrate(ctx context.Context, migrate bool) error {
	if !migrate {
		return nil
	}
	return s.migrate(ctx)
}

// migrate applies the embedded migrations the file lacks, each in one
// IMMEDIATE transaction together with its schema_version row, so two
// programs opening a fresh file at once apply each migration once.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	if _, err := s.conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`); err != nil {
		return err
	}
	known := migrations.Latest(ms)
	for _, m := range ms {
		if err := s.exclusive(ctx, func() error {
			var current int
			if err := s.conn.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&current); err != nil {
				return err
			}
			if current > known {
				return &SchemaError{Path: s.path, Found: current, Known: known}
			}
			if current >= m.Version {
				return nil
			}
			if _, err := s.conn.ExecContext(ctx, m.SQL); err != nil {
				return fmt.Errorf("sqlite: migration %s: %w", m.Name, err)
			}
			_, err := s.conn.ExecContext(ctx, `INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)`,
				m.Version, m.Name, time.Now().UnixMicro())
			return err
		}); err != nil {
			return err
		}
	}
	return nil
}

// beginSQL starts a transaction on the writer connection: IMMEDIATE, so
// writers queue in Go, except on a store opened with [AccessReadOnly], whose
// file takes no write lock (a deferred read transaction).
func (s *Store) beginSQL() string {
	if s.readOnly {
		return "BEGIN"
	}
	return "BEGIN IMMEDIATE"
}

// exclusive runs fn inside BEGIN IMMEDIATE … COMMIT on the writer
// connection; the caller holds the writer slot or is Open.
func (s *Store) exclusive(ctx context.Context, fn func() error) (err error) {
	if _, err := s.conn.ExecContext(ctx, s.beginSQL()); err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			s.rollback()
			panic(p)
		}
		if err != nil {
			s.rollback()
		}
	}()
	if err := fn(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	_, err = s.conn.ExecContext(ctx, "COMMIT")
	return err
}

// rollback ends the open transaction whatever the caller's context says;
// it fails only if there is none (SQLite already rolled back after an
// interrupted statement), which is the state we want.
func (s *Store) rollback() {
	_, _ = s.conn.ExecContext(context.Background(), "ROLLBACK")
}

// Tx runs fn in one IMMEDIATE transaction on the writer connection. It
// waits for the transaction in flight (or ctx) first; callers that waited
// together commit together (group commit, see group.go): one fsync for all
// of them, each fn in a savepoint of its own, so a failing caller rolls back
// alone and every caller returns only once its own writes are durable. See
// [lifecycle.Store].
// A database out of reach — locked by another program past the busy
// timeout, unreadable, or deleted or moved under the open store — is a
// [*lifecycle.StoreUnavailableError] matching [lifecycle.ErrStoreUnavailable];
// nothing was committed, and once the lock is released (or the file is
// readable again) the next Tx succeeds. A deleted file does not come back:
// reopen the store on a restored copy.
func (s *Store) Tx(ctx context.Context, fn func(lifecycle.Tx) error) (err error) {
	defer func() { err = unavailable(err) }()
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case <-s.closed:
		return ErrClosed
	default:
	}
	return s.groupTx(ctx, fn)
}

// stmt returns the statement for query prepared on the writer connection,
// preparing it on first use; the caller holds the writer slot.
func (s *Store) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := s.stmts[query]; ok {
		return st, nil
	}
	st, err := s.conn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	s.stmts[query] = st
	return st, nil
}

// Close waits for the transaction in flight, checkpoints the WAL into the
// database file and closes it. Calls after the first return its result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.writer <- struct{}{}
		close(s.closed)
		var errs []error
		for _, st := range s.stmts {
			errs = append(errs, st.Close())
		}
		errs = append(errs, s.assigned.Close(), s.ro.Close())
		if !s.readOnly {
			_, err := s.conn.ExecContext(context.Background(), "PRAGMA wal_checkpoint(TRUNCATE)")
			errs = append(errs, err)
		}
		errs = append(errs, s.conn.Close(), s.db.Close())
		s.closeErr = errors.Join(errs...)
		<-s.writer
	})
	return s.closeErr
}
