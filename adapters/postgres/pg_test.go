package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/postgres"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/lifecycle/storetest"
)

// planNodes flattens an EXPLAIN (FORMAT JSON) plan into "Node Type/Index
// Name" strings.
func planNodes(node map[string]any, out []string) []string {
	out = append(out, fmt.Sprintf("%v/%v", node["Node Type"], node["Index Name"]))
	if kids, ok := node["Plans"].([]any); ok {
		for _, k := range kids {
			out = planNodes(k.(map[string]any), out)
		}
	}
	return out
}

// TestOverdueUsesIndex proves with EXPLAIN that the overdue query of every
// scope shape is an index scan on its partial index in (due_at, id) order —
// no sequential scan, no sort — over 50,000 deadlines (R-TIME-1, R-LOSS-3,
// R-ISSUE-4 deadlines all live in this table).
func TestOverdueUsesIndex(t *testing.T) {
	ctx := context.Background()
	s, schema := openFresh(t, "plan", postgres.Options{})
	defer s.Close()
	copyDeadlines(t, schema, 50000)
	conn := rawConn(t, schema)
	defer conn.Close(ctx)
	for _, tc := range []struct {
		name  string
		scope lifecycle.Scope
		index string
	}{
		{"R-TIME-1/school", lifecycle.Scope{District: "01", School: "01010000"}, "deadlines_open_school"},
		{"R-TIME-1/district", lifecycle.Scope{District: "01"}, "deadlines_open_district"},
		{"R-TIME-1/city", lifecycle.Scope{}, "deadlines_open_city"},
	} {
		for _, cursor := range []string{"", "d000000160"} {
			t.Run(fmt.Sprintf("%s/cursor=%q", tc.name, cursor), func(t *testing.T) {
				q := lifecycle.OverdueQuery{Scope: tc.scope, Now: storetest.OverdueNow(), AfterDue: storetest.OverdueNow().Add(-48 * time.Hour),
					AfterID: cursor, Limit: 100}
				query, args := postgres.OverdueSQL(q)
				var raw []byte
				require.NoError(t, conn.QueryRow(ctx, "EXPLAIN (FORMAT JSON) "+query, args...).Scan(&raw))
				var plan []map[string]map[string]any
				require.NoError(t, json.Unmarshal(raw, &plan))
				nodes := strings.Join(planNodes(plan[0]["Plan"], nil), " > ")
				t.Log(nodes)
				assert.Contains(t, nodes, "Index Scan/"+tc.index, "driven by the scope's partial index (plain or bitmap index scan)")
				assert.NotContains(t, nodes, "Seq Scan")
				if tc.scope.School == "" {
					// A district or the city has too many open deadlines to
					// sort; they must come out of the index in order. A
					// school's few hundred may be fetched by bitmap and sorted.
					assert.NotContains(t, nodes, "Sort")
				}
			})
		}
	}
}

// TestAuditAppendOnly proves the P-3 audit table refuses UPDATE, DELETE and
// TRUNCATE even from a client that bypasses the Store.
func TestAuditAppendOnly(t *testing.T) {
	ctx := context.Background()
	s, schema := openFresh(t, "audit", postgres.Options{})
	defer s.Close()
	require.NoError(t, s.Tx(ctx, func(tx lifecycle.Tx) error {
		_, err := lifecycle.Audit{}.Append(ctx, tx, lifecycle.AuditEntry{Chain: "05", At: time.Now(), Action: "freeze", Subject: "c1", Outcome: "ok"})
		return err
	}))
	conn := rawConn(t, schema)
	defer conn.Close(ctx)
	for _, stmt := range []string{
		"UPDATE audit SET subject = 'c2'",
		"DELETE FROM audit",
		"TRUNCATE audit",
	} {
		t.Run("P-3/"+strings.Fields(stmt)[0], func(t *testing.T) {
			_, err := conn.Exec(ctx, stmt)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "append-only")
		})
	}
	n, err := lifecycle.Audit{}.Verify(ctx, s, "05", lifecycle.AuditAnchor{})
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
}

// TestMigrations: the schema is versioned; reopening applies nothing twice;
// a schema from a newer release and a bad schema name are refused.
func TestMigrations(t *testing.T) {
	ctx := context.Background()
	s, schema := openFresh(t, "mig", postgres.Options{})
	require.NoError(t, s.Close())
	s, err := postgres.Open(ctx, dsn(t), postgres.Options{Schema: schema})
	require.NoError(t, err)
	require.NoError(t, s.Close())
	conn := rawConn(t, schema)
	defer conn.Close(ctx)
	var n, max int
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*), max(version) FROM schema_version").Scan(&n, &max))
	assert.Equal(t, postgres.SchemaVersion(), max)
	assert.Equal(t, postgres.SchemaVersion(), n)
	_, err = conn.Exec(ctx, "INSERT INTO schema_version (version, name) VALUES ($1, 'future')", postgres.SchemaVersion()+1)
	require.NoError(t, err)
	_, err = postgres.Open(ctx, dsn(t), postgres.Options{Schema: schema})
	require.ErrorIs(t, err, postgres.ErrSchemaTooNew)
	var se *postgres.SchemaError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, postgres.SchemaVersion()+1, se.Found)

	for _, bad := range []string{"Public", "1abc", "a-b", "x; DROP TABLE cards", strings.Repeat("a", 64)} {
		_, err := postgres.Open(ctx, dsn(t), postgres.Options{Schema: bad})
		assert.ErrorIs(t, err, postgres.ErrSchemaName, bad)
	}
}

// TestScopeEventsNeverSkipLateCommit: a transaction that took a lower Seq
// and commits late must not be skipped by a reader that already moved its
// watermark past a later commit (R-OPS-1: "what has not been sent up yet").
// While the early transaction is open, the reader sees neither event; after
// it commits, both, in Seq order.
func TestScopeEventsNeverSkipLateCommit(t *testing.T) {
	ctx := context.Background()
	s, _ := openFresh(t, "late", postgres.Options{})
	defer s.Close()
	scope := lifecycle.Scope{District: "05"}
	early := func(id string) lifecycle.Event {
		return lifecycle.Event{CardID: id, Action: "freeze", District: "05", School: "01050123", At: time.Now()}
	}
	started, release := make(chan int64), make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		assert.NoError(t, s.Tx(ctx, func(tx lifecycle.Tx) error {
			e, err := tx.AppendEvent(ctx, early("A"))
			if err != nil {
				return err
			}
			started <- e.Seq
			<-release
			return nil
		}))
	}()
	seqA := <-started
	var seqB int64
	require.NoError(t, s.Tx(ctx, func(tx lifecycle.Tx) error {
		e, err := tx.AppendEvent(ctx, early("B"))
		seqB = e.Seq
		return err
	}))
	require.Greater(t, seqB, seqA, "B took its Seq after A")
	read := func() []string {
		var ids []string
		require.NoError(t, s.Tx(ctx, func(tx lifecycle.Tx) error {
			evs, err := tx.ScopeEvents(ctx, scope, 0, 10)
			for _, e := range evs {
				ids = append(ids, e.CardID)
			}
			return err
		}))
		return ids
	}
	assert.Empty(t, read(), "R-OPS-1: B is committed but not settled while A (lower Seq) may still commit")
	close(release)
	wg.Wait()
	assert.Equal(t, []string{"A", "B"}, read(), "R-OPS-1: after A commits both are read, in Seq order")
}

// TestClosed: a closed store says so.
func TestClosed(t *testing.T) {
	s, _ := openFresh(t, "closed", postgres.Options{})
	require.NoError(t, s.Close())
	require.NoError(t, s.Close())
	err := s.Tx(context.Background(), func(lifecycle.Tx) error { return nil })
	assert.ErrorIs(t, err, postgres.ErrClosed)
}

// TestSwallowedError: PostgreSQL aborts a transaction at its first failed
// statement; a function that ignores that error must not be told its
// transaction committed.
func TestSwallowedError(t *testing.T) {
	ctx := context.Background()
	s, _ := openFresh(t, "swallow", postgres.Options{})
	defer s.Close()
	err := s.Tx(ctx, func(tx lifecycle.Tx) error {
		_, _ = tx.PutCard(ctx, lifecycle.Card{ID: "S1", Version: 0})
		// NUL is not valid in a text value: the server refuses the insert
		// (queued, so reported by the next call) and aborts the transaction.
		_, err1 := tx.AppendEvent(ctx, lifecycle.Event{CardID: "S1", Before: "\x00"})
		_, err2 := tx.GetCard(ctx, "S1")
		require.Error(t, errors.Join(err1, err2))
		return nil
	})
	require.Error(t, err)
	assert.True(t, errors.Is(err, postgres.ErrRolledBack) || strings.Contains(err.Error(), "aborted"), err.Error())
	require.NoError(t, s.Tx(ctx, func(tx lifecycle.Tx) error {
		_, err := tx.GetCard(ctx, "S1")
		assert.ErrorIs(t, err, lifecycle.ErrNotFound)
		return nil
	}))
}

// TestMissingPostgres: without PostgreSQL the tests skip, but under CI a
// missing database is a failure, and so is any other start-up failure.
func TestMissingPostgres(t *testing.T) {
	other := errors.New("initdb: permission denied")
	for _, tc := range []struct {
		name       string
		err        error
		ci         string
		skip, fail bool
	}{
		{"started", nil, "true", false, false},
		{"not installed, developer machine: skip", errNoPostgres, "", true, false},
		{"not installed, CI: fail", errNoPostgres, "true", false, true},
		{"broken install: fail", other, "", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			skip, fail := decide(tc.err, tc.ci)
			assert.Equal(t, tc.skip, skip)
			assert.Equal(t, tc.fail, fail)
		})
	}
	assert.True(t, traversable("/"))
	assert.False(t, traversable(t.TempDir()+"/no/such/dir"))
}

// TestNumberNeverTwice: a registry number, once assigned, can never be
// stored for anyone else — the primary key refuses it even to a client that
// bypasses the Store (S-ID-1), and the Store reports a typed duplicate.
func TestNumberNeverTwice(t *testing.T) {
	ctx := context.Background()
	s, schema := openFresh(t, "numbers", postgres.Options{})
	defer s.Close()
	put := func(key string) error {
		return s.Tx(ctx, func(tx lifecycle.Tx) error {
			_, err := tx.PutNumber(ctx, lifecycle.NumberRecord{Number: "0105012012601019", StudentKey: key, Status: lifecycle.NumberRetired, At: testNow()})
			return err
		})
	}
	require.NoError(t, put("G1"))
	require.ErrorIs(t, put("G2"), lifecycle.ErrDuplicate, "S-ID-1")
	conn := rawConn(t, schema)
	defer conn.Close(ctx)
	_, err := conn.Exec(ctx, `INSERT INTO numbers (number, student_key, school, status, at, replaces, version)
		VALUES ('0105012012601019', 'G3', '', 'active', NULL, '', 1)`)
	require.Error(t, err, "S-ID-1: the database itself refuses a second assignment")
	assert.Contains(t, err.Error(), "numbers_pkey")
}

// testNow is the fixed clock of the tests' records (Beijing 2026-03-02 09:00).
func testNow() time.Time { return time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC) }
