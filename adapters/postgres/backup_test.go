package postgres_test

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/postgres"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/lifecycle/storetest"
)

// tool finds a PostgreSQL client program: beside the cluster's server
// binaries first, then in PATH.
func tool(t *testing.T, name string) string {
	t.Helper()
	if testEnv.cluster != nil {
		if p := filepath.Join(testEnv.cluster.bin, name); fileExists(p) {
			return p
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s not found (CI=true: install postgresql-client)", name)
	}
	t.Skipf("%s not found; install postgresql-client to test backups", name)
	return ""
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// withDatabase returns dsn pointing at another database on the same server.
func withDatabase(dsn, db string) string {
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		u.Path = "/" + db
		return u.String()
	}
	return dsn + " dbname=" + db // libpq: a later keyword wins
}

// TestBackupRestorePgDump backs a store up with pg_dump while two writers
// run Ledger transitions, restores the dump with pg_restore into a new
// database, and proves with storetest.CheckRestored that the copy is one
// consistent snapshot: every card's version matches its events, every audit
// chain verifies (P-3), and the restored store takes new writes whose event
// Seqs follow the restored ones (R-OPS-1). The package doc gives the same
// commands for operators.
func TestBackupRestorePgDump(t *testing.T) {
	pgDump, pgRestore := tool(t, "pg_dump"), tool(t, "pg_restore")
	ctx := context.Background()
	s, schema := openFresh(t, "dump", postgres.Options{})
	dump := filepath.Join(t.TempDir(), "weekly.dump")
	b := storetest.BackupUnderWrites(t, s, func(ctx context.Context) string {
		out, err := exec.CommandContext(ctx, pgDump, "--format=custom", "--schema="+schema, "--file="+dump, "--dbname="+dsn(t)).CombinedOutput()
		require.NoError(t, err, "pg_dump: %s", out)
		return dump
	})
	require.NoError(t, s.Close())

	db := strings.ReplaceAll(schema, "dump", "restored")
	admin := rawConn(t, "public")
	_, err := admin.Exec(ctx, "CREATE DATABASE "+db)
	require.NoError(t, err)
	require.NoError(t, admin.Close(ctx))
	target := withDatabase(dsn(t), db)
	out, err := exec.CommandContext(ctx, pgRestore, "--exit-on-error", "--dbname="+target, dump).CombinedOutput()
	require.NoError(t, err, "pg_restore: %s", out)

	r, err := postgres.Open(ctx, target, postgres.Options{Schema: schema})
	require.NoError(t, err)
	defer func() { assert.NoError(t, r.Close()) }()
	storetest.CheckRestored(t, r, b)
}

// TestEventClockAfterRestore: data restored into a cluster whose transaction
// ids are lower than the ones its event Seqs were made from must still get
// new Seqs above the old ones (R-OPS-1 restore, then "what has not been sent
// up yet" keeps working). The restore is simulated by an event whose Seq
// comes from a transaction id far in the future.
func TestEventClockAfterRestore(t *testing.T) {
	ctx := context.Background()
	s, schema := openFresh(t, "clock", postgres.Options{})
	require.NoError(t, s.Close())
	conn := rawConn(t, schema)
	var future int64
	require.NoError(t, conn.QueryRow(ctx, `INSERT INTO events (seq, card_id, kind, action, from_state, to_state, rule, op_level, op_district,
		op_school, op_user, district, school, reason, before, version)
		VALUES ((pg_current_xact_id()::text::bigint + 1000000) << 20, 'OLD', '', 'x', '', '', '', '', '', '', '', '05', '', '', '', 1) RETURNING seq`).Scan(&future))
	require.NoError(t, conn.Close(ctx))

	s, err := postgres.Open(ctx, dsn(t), postgres.Options{Schema: schema})
	require.NoError(t, err)
	defer s.Close()
	var seqs []int64
	require.NoError(t, s.Tx(ctx, func(tx lifecycle.Tx) error {
		for range 2 {
			e, err := tx.AppendEvent(ctx, lifecycle.Event{CardID: "NEW", District: "05"})
			if err != nil {
				return err
			}
			seqs = append(seqs, e.Seq)
		}
		return nil
	}))
	assert.Greater(t, seqs[0], future, "R-OPS-1: new events after the restored ones")
	assert.Greater(t, seqs[1], seqs[0])
	var ids []string
	require.NoError(t, s.Tx(ctx, func(tx lifecycle.Tx) error {
		evs, err := tx.ScopeEvents(ctx, lifecycle.Scope{District: "05"}, 0, 10)
		for _, e := range evs {
			ids = append(ids, e.CardID)
		}
		return err
	}))
	assert.Equal(t, []string{"OLD", "NEW", "NEW"}, ids, "and settle in order")
}
