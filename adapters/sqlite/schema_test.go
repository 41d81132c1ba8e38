package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/sqlite"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

// rawDB opens the store's file with database/sql directly, as an attacker or
// a careless tool with file access would.
func rawDB(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)")
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// TestOverdueUsesIndex proves the overdue query of every scope shape is an
// index range scan in (due_at, id) order: no table scan, no sort.
func TestOverdueUsesIndex(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plan.db")
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	require.NoError(t, err)
	require.NoError(t, s.Close())
	db := rawDB(t, path)
	_, err = db.Exec("ANALYZE")
	require.NoError(t, err)
	for _, tc := range []struct {
		name  string
		scope lifecycle.Scope
	}{
		{"R-TIME-1/school", lifecycle.Scope{District: "05", School: "01050123"}},
		{"R-TIME-1/district", lifecycle.Scope{District: "05"}},
		{"R-TIME-1/city", lifecycle.Scope{}},
	} {
		for _, cursor := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/cursor=%v", tc.name, cursor), func(t *testing.T) {
				query, index := sqlite.OverdueSQL(tc.scope, cursor)
				rows, err := db.Query("EXPLAIN QUERY PLAN "+query, sql.Named("district", tc.scope.District), sql.Named("school", tc.scope.School),
					sql.Named("now", int64(0)), sql.Named("after_due", int64(0)), sql.Named("after_id", ""), sql.Named("limit", 100))
				require.NoError(t, err)
				defer rows.Close()
				var plan []string
				for rows.Next() {
					var id, parent, unused int
					var detail string
					require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
					plan = append(plan, detail)
				}
				require.NoError(t, rows.Err())
				joined := strings.Join(plan, "; ")
				assert.Contains(t, joined, "USING INDEX "+index, "plan: %s", joined)
				t.Log(joined)
				assert.NotContains(t, joined, "TEMP B-TREE", "no sort: %s", joined)
			})
		}
	}
}

// TestAuditAppendOnly proves the P-3 audit table refuses UPDATE and DELETE
// even from a tool that bypasses the Store, and that the verifier still
// finds an edit made by rebuilding the table around the triggers.
func TestAuditAppendOnly(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "audit.db")
	s, err := sqlite.Open(ctx, path, sqlite.Options{})
	require.NoError(t, err)
	a := lifecycle.Audit{}
	for i := range 3 {
		require.NoError(t, s.Tx(ctx, func(tx lifecycle.Tx) error {
			_, err := a.Append(ctx, tx, lifecycle.AuditEntry{Chain: "05", At: time.Date(2026, 3, 2, 1, 0, i, 0, time.UTC),
				Operator: lifecycle.Operator{Level: studentid.LevelDistrict, District: "05", User: "u"}, Action: "freeze", Subject: "c1", Rule: "R-LEAVE-1", Outcome: "ok"})
			return err
		}))
	}
	require.NoError(t, s.Close())

	db := rawDB(t, path)
	for _, stmt := range []string{
		"UPDATE audit SET subject = 'c2' WHERE chain = '05' AND seq = 2",
		"DELETE FROM audit WHERE chain = '05' AND seq = 3",
	} {
		t.Run("P-3/"+strings.Fields(stmt)[0], func(t *testing.T) {
			_, err := db.Exec(stmt)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "append-only")
		})
	}
	t.Run("P-3/edit behind the triggers is found", func(t *testing.T) {
		_, err := db.Exec("DROP TRIGGER audit_no_update")
		require.NoError(t, err)
		_, err = db.Exec("UPDATE audit SET subject = 'c2' WHERE chain = '05' AND seq = 2")
		require.NoError(t, err)
		s, err := sqlite.Open(ctx, path, sqlite.Options{})
		require.NoError(t, err)
		defer s.Close()
		n, err := a.Verify(ctx, s, "05", lifecycle.AuditAnchor{})
		require.ErrorIs(t, err, lifecycle.ErrAuditBroken)
		var ae *lifecycle.AuditError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, int64(2), ae.Seq)
		assert.Equal(t, int64(1), n)
	})
}

// TestMigrations proves the schema is versioned: a fresh file is at the
// embedded version, reopening applies nothing twice, and a file from a newer
// release is refused.
func TestMigrations(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.db")
	for range 2 {
		s, err := sqlite.Open(ctx, path, sqlite.Options{})
		require.NoError(t, err)
		require.NoError(t, s.Close())
	}
	db := rawDB(t, path)
	var n, max int
	require.NoError(t, db.QueryRow("SELECT count(*), max(version) FROM schema_version").Scan(&n, &max))
	assert.Equal(t, sqlite.SchemaVersion(), max)
	assert.Equal(t, sqlite.SchemaVersion(), n, "one row per migration, none applied twice")
	var mode string
	require.NoError(t, db.QueryRow("PRAGMA journal_mode").Scan(&mode))
	assert.Equal(t, "wal", mode)

	_, err := db.Exec("INSERT INTO schema_version (version, name, applied_at) VALUES (?, 'future', 0)", sqlite.SchemaVersion()+1)
	require.NoError(t, err)
	_, err = sqlite.Open(ctx, path, sqlite.Options{})
	require.ErrorIs(t, err, sqlite.ErrSchemaTooNew)
	var se *sqlite.SchemaError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, sqlite.SchemaVersion()+1, se.Found)
}

func TestOpenRefusesBadPaths(t *testing.T) {
	for _, p := range []string{"", "a.db?mode=ro", "file:a.db"} {
		_, err := sqlite.Open(context.Background(), p, sqlite.Options{})
		assert.ErrorIs(t, err, sqlite.ErrBadPath, p)
	}
}

// TestClosed: a closed store says so instead of touching a closed handle.
func TestClosed(t *testing.T) {
	s := openTemp(t, sqlite.Options{})
	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "Close is idempotent")
	err := s.Tx(context.Background(), func(lifecycle.Tx) error { return nil })
	assert.ErrorIs(t, err, sqlite.ErrClosed)
}

// TestNumberNeverTwice: a registry number, once assigned, can never be
// stored for anyone else — the primary key refuses it even to a tool that
// bypasses the Store (S-ID-1), and the Store reports a typed duplicate.
func TestNumberNeverTwice(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "numbers.db")
	s, err := sqlite.Open(ctx, path, sqlite.Options{})
	require.NoError(t, err)
	put := func(key string) error {
		return s.Tx(ctx, func(tx lifecycle.Tx) error {
			_, err := tx.PutNumber(ctx, lifecycle.NumberRecord{Number: "0105012012601019", StudentKey: key, Status: lifecycle.NumberRetired, At: testNow()})
			return err
		})
	}
	require.NoError(t, put("G1"))
	err = put("G2")
	require.ErrorIs(t, err, lifecycle.ErrDuplicate, "S-ID-1")
	require.NoError(t, s.Close())
	_, err = rawDB(t, path).Exec(`INSERT INTO numbers (number, student_key, school, status, at, replaces, version)
		VALUES ('0105012012601019', 'G3', '', 'active', NULL, '', 1)`)
	require.Error(t, err, "S-ID-1: the database itself refuses a second assignment")
	assert.Contains(t, err.Error(), "UNIQUE")
}
