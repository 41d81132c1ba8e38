package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/sqlite"
	"github.com/bjedu/studentcard/lifecycle/storetest"
)

// TestBackupRestoreUnderWrites takes an online backup (VACUUM INTO) while
// two writers run Ledger transitions, refuses to overwrite it, restores it
// with Restore, and proves with storetest.CheckRestored that the copy is one
// consistent snapshot: every card's version matches its events, every audit
// chain verifies (P-3), and the restored store takes new writes (R-OPS-1).
func TestBackupRestoreUnderWrites(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := sqlite.Open(ctx, filepath.Join(dir, "live.db"), sqlite.Options{})
	require.NoError(t, err)
	backup := filepath.Join(dir, "weekly.db")
	b := storetest.BackupUnderWrites(t, s, func(ctx context.Context) string {
		require.NoError(t, s.Backup(ctx, backup), "R-OPS-1: backup while in use")
		return backup
	})
	require.ErrorIs(t, s.Backup(ctx, backup), sqlite.ErrBackup, "a backup never overwrites a file")
	require.NoError(t, s.Close())

	restored := filepath.Join(dir, "restored.db")
	require.NoError(t, sqlite.Restore(ctx, backup, restored))
	r, err := sqlite.Open(ctx, restored, sqlite.Options{})
	require.NoError(t, err)
	defer func() { assert.NoError(t, r.Close()) }()
	storetest.CheckRestored(t, r, b)
}

// TestRestoreRefusesBadBackups: a file that is not an intact database of
// this schema never replaces the live one (R-OPS-1).
func TestRestoreRefusesBadBackups(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	live := filepath.Join(dir, "live.db")
	s, err := sqlite.Open(ctx, live, sqlite.Options{})
	require.NoError(t, err)
	seedIssued(t, s, 3)
	require.NoError(t, s.Close())
	before, err := os.ReadFile(live)
	require.NoError(t, err)

	garbage := filepath.Join(dir, "garbage.db")
	require.NoError(t, os.WriteFile(garbage, []byte("this is not a database, just some bytes of a broken USB stick"), 0o600))
	for _, tc := range []struct{ name, src string }{
		{"R-OPS-1/not a database", garbage},
		{"R-OPS-1/missing file", filepath.Join(dir, "nope.db")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := sqlite.Restore(ctx, tc.src, live)
			require.ErrorIs(t, err, sqlite.ErrBackup)
			var be *sqlite.BackupError
			require.ErrorAs(t, err, &be)
			assert.Equal(t, tc.src, be.Path)
			after, err := os.ReadFile(live)
			require.NoError(t, err)
			assert.Equal(t, before, after, "the live database is untouched")
		})
	}
}
