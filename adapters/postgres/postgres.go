package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bjedu/studentcard/internal/migrations"
	"github.com/bjedu/studentcard/lifecycle"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Options tune a store; the zero value is a sensible default.
type Options struct {
	// Schema is the PostgreSQL schema holding the store's tables, created if
	// missing; empty means the first schema of the connection's search_path
	// (usually public). Several stores (districts, tests) can share one
	// database in different schemas. Lowercase letters, digits and _.
	Schema string
	// MaxConns caps the connections the store opens (one per transaction in
	// flight); 0 means 16, one per district writing at once.
	MaxConns int
}

// Store is a [lifecycle.Store] on PostgreSQL for the city tier: many
// concurrent writers, each transaction on its own connection, optimistic
// concurrency through version columns (READ COMMITTED: a stale write waits
// for the row lock, re-checks the version, and reports a conflict).
type Store struct {
	cfg    *pgx.ConnConfig
	schema string
	// xidOffset is added to transaction ids in event Seqs (event_clock);
	// fixed at Open.
	xidOffset int64
	// idle holds open connections not in use; slots counts the connections
	// that may still be opened.
	idle  chan *pgx.Conn
	slots chan struct{}

	closeOnce sync.Once
	closed    chan struct{}
	closeErr  error
	wg        sync.WaitGroup // transactions in flight
	mu        sync.Mutex     // guards wg.Add against Close
	isClosed  bool
}

var _ lifecycle.Store = (*Store)(nil)

func validSchema(name string) bool {
	if name == "" || len(name) > 63 || name[0] < 'a' || name[0] > 'z' {
		return false
	}
	for _, r := range name {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' {
			return false
		}
	}
	return true
}

// Open connects to the database named by dsn (a libpq keyword/value string
// or a postgres:// URL), brings the schema up to date with the embedded
// migrations and returns the store. A schema migrated by a newer release is
// refused with a *[SchemaError].
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	if opts.Schema != "" {
		if !validSchema(opts.Schema) {
			return nil, &SchemaNameError{Name: opts.Schema}
		}
		cfg.RuntimeParams["search_path"] = opts.Schema
	}
	n := opts.MaxConns
	if n <= 0 {
		n = 16
	}
	s := &Store{cfg: cfg, schema: opts.Schema, idle: make(chan *pgx.Conn, n), slots: make(chan struct{}, n), closed: make(chan struct{})}
	for range n {
		s.slots <- struct{}{}
	}
	if err := s.migrate(ctx); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

// acquire returns an idle connection or opens one while the cap allows,
// else waits for one to come back.
func (s *Store) acquire(ctx context.Context) (*pgx.Conn, error) {
	select {
	case c := <-s.idle:
		return c, nil
	default:
	}
	select {
	case c := <-s.idle:
		return c, nil
	case <-s.slots:
		c, err := pgx.ConnectConfig(ctx, s.cfg)
		if err != nil {
			s.slots <- struct{}{}
			return nil, err
		}
		return c, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-s.closed:
		return nil, ErrClosed
	}
}

// release puts c back, or closes it if it broke (pgx closes a connection
// whose query was cancelled) or its transaction state is unknown.
func (s *Store) release(c *pgx.Conn, healthy bool) {
	if healthy && !c.IsClosed() && c.PgConn().TxStatus() == 'I' {
		s.idle <- c
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = c.Close(ctx)
	s.slots <- struct{}{}
}

// enter registers a transaction, or reports that the store is closed.
func (s *Store) enter() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.isClosed {
		return ErrClosed
	}
	s.wg.Add(1)
	return nil
}

// Tx runs fn in one READ COMMITTED transaction on a connection of its own.
// See [lifecycle.Store]. A server out of reach — stopped mid-transaction,
// restarting, refusing connections — is a [*lifecycle.StoreUnavailableError]
// matching [lifecycle.ErrStoreUnavailable]: nothing was committed (unless
// the connection broke during COMMIT itself: then the outcome is unknown),
// and the broken connection is dropped, so a later Tx dials the server again and
// succeeds once it is back.
func (s *Store) Tx(ctx context.Context, fn func(lifecycle.Tx) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	defer func() { err = unavailable(err) }()
	if err := s.enter(); err != nil {
		return err
	}
	defer s.wg.Done()
	c, err := s.acquire(ctx)
	if err != nil {
		return err
	}
	healthy := false
	defer func() { s.release(c, healthy) }()
	t := &tx{c: c, offset: s.xidOffset}
	defer func() { t.done = true }()
	defer func() {
		if p := recover(); p != nil {
			healthy = t.rollback()
			panic(p)
		}
		if err != nil {
			healthy = t.rollback()
		}
	}()
	if err := fn(t); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := t.commit(ctx); err != nil {
		return err
	}
	healthy = true
	return nil
}

// loadMigrations lists the embedded NNNN_name.sql files in version order.
func loadMigrations() ([]migrations.Migration, error) {
	ms, err := migrations.Load(migrationFS, "migrations")
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
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

// migrationLock is the advisory lock key that serialises migrations of
// concurrent Opens ("studentc" in ASCII).
const migrationLock = 0x73747564656e7463

// migrate creates the schema if asked, then applies the migrations it
// lacks in one transaction under an advisory lock, recording each in
// schema_version.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	known := migrations.Latest(ms)
	c, err := s.acquire(ctx)
	if err != nil {
		return err
	}
	healthy := false
	defer func() { s.release(c, healthy) }()
	err = pgx.BeginFunc(ctx, c, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(migrationLock)); err != nil {
			return err
		}
		if s.schema != "" {
			if _, err := tx.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{s.schema}.Sanitize()); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
			version integer NOT NULL PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return err
		}
		var current int
		if err := tx.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_version").Scan(&current); err != nil {
			return err
		}
		if current > known {
			schema := s.schema
			if schema == "" {
				schema = "(search_path)"
			}
			return &SchemaError{Schema: schema, Found: current, Known: known}
		}
		for _, m := range ms {
			if m.Version <= current {
				continue
			}
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return fmt.Errorf("postgres: migration %s: %w", m.Name, err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO schema_version (version, name) VALUES ($1, $2)", m.Version, m.Name); err != nil {
				return err
			}
		}
		return s.fixEventClock(ctx, tx)
	})
	healthy = err == nil
	return err
}

// fixEventClock makes sure the next event Seq is above every stored one.
// Transaction ids only grow within a cluster, but data restored with
// pg_restore into another cluster (R-OPS-1) may carry Seqs made from higher
// ids than the new cluster hands out; the offset then grows so that new
// events still sort after the restored ones.
func (s *Store) fixEventClock(ctx context.Context, tx pgx.Tx) error {
	var offset, top, xid int64
	if err := tx.QueryRow(ctx, "SELECT xid_offset FROM event_clock FOR UPDATE").Scan(&offset); err != nil {
		return err
	}
	if err := tx.QueryRow(ctx, "SELECT coalesce(max(seq), 0) >> $1, pg_current_xact_id()::text::bigint FROM events", eventBits).Scan(&top, &xid); err != nil {
		return err
	}
	if xid+offset <= top {
		offset = top - xid + 1
		if _, err := tx.Exec(ctx, "UPDATE event_clock SET xid_offset = $1", offset); err != nil {
			return err
		}
	}
	s.xidOffset = offset
	return nil
}

// Close waits for the transactions in flight and closes every connection.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.isClosed = true
		s.mu.Unlock()
		s.wg.Wait()
		close(s.closed)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var errs []error
		for {
			select {
			case c := <-s.idle:
				errs = append(errs, c.Close(ctx))
				continue
			default:
			}
			break
		}
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

// assignedQuery is the range read of [Store.AssignedNumbers]; U+10FFFF
// bounds the prefix's range in the "C" collation, as in LastNumber; the
// B-tree scan starts at the tighter of the two lower bounds, so a page costs
// its own rows.
const assignedQuery = `SELECT n.number, n.student_key, coalesce(s.id_number, ''), s.key IS NOT NULL
	FROM numbers n LEFT JOIN students s ON s.key = n.student_key
	WHERE n.number >= $1 AND n.number < $2 AND n.number > $3 ORDER BY n.number LIMIT $4`

// AssignedNumbers implements [lifecycle.Store.AssignedNumbers]: one
// statement outside any transaction of the store's, so one snapshot, on a
// connection of the pool; a read in PostgreSQL takes no lock a writer waits
// for.
func (s *Store) AssignedNumbers(ctx context.Context, prefix, after string, limit int) ([]lifecycle.AssignedNumber, error) {
	out, err := s.assignedNumbers(ctx, prefix, after, limit)
	return out, unavailable(err) // a lost database is typed, as in Tx
}

func (s *Store) assignedNumbers(ctx context.Context, prefix, after string, limit int) ([]lifecycle.AssignedNumber, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := s.enter(); err != nil {
		return nil, err
	}
	defer s.wg.Done()
	if limit <= 0 {
		limit = lifecycle.AssignedPageLimit
	}
	c, err := s.acquire(ctx)
	if err != nil {
		return nil, err
	}
	healthy := false
	defer func() { s.release(c, healthy) }()
	rows, err := c.Query(ctx, assignedQuery, prefix, prefix+"\U0010FFFF", after, limit)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (lifecycle.AssignedNumber, error) {
		var a lifecycle.AssignedNumber
		err := r.Scan(&a.Number, &a.StudentKey, &a.IDNumber, &a.HasStudent)
		return a, err
	})
	if err != nil {
		return nil, err
	}
	healthy = true
	return out, nil
}
