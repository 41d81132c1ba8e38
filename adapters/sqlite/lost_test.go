package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/sqlite"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

func putCard(ctx context.Context, id string) func(lifecycle.Tx) error {
	return func(tx lifecycle.Tx) error {
		_, err := tx.PutCard(ctx, lifecycle.Card{ID: id, Kind: lifecycle.KindRegistryCard, State: lifecycle.RegIssued,
			Holder: studentid.LevelSchool, District: "01", School: "01010001", UpdatedAt: testNow()})
		return err
	}
}

// A database file locked by another program past the busy timeout is a
// typed, retryable error, and the store recovers when the lock goes.
func TestLockedFileIsTypedAndRetryable(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ledger.db")
	s, err := sqlite.Open(ctx, path, sqlite.Options{BusyTimeout: 100 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })

	other, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	t.Cleanup(func() { _ = other.Close() })
	conn, err := other.Conn(ctx)
	require.NoError(t, err)
	_, err = conn.ExecContext(ctx, "BEGIN EXCLUSIVE")
	require.NoError(t, err)

	err = s.Tx(ctx, putCard(ctx, "RC1"))
	require.ErrorIs(t, err, lifecycle.ErrStoreUnavailable, "typed: %v", err)
	var ue *lifecycle.StoreUnavailableError
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, "SQLite", ue.Store)
	assert.Contains(t, l10n.Error(err, l10n.Chinese), "存储不可用")

	_, err = conn.ExecContext(ctx, "ROLLBACK")
	require.NoError(t, err)
	require.NoError(t, conn.Close())
	require.NoError(t, s.Tx(ctx, putCard(ctx, "RC1")), "the lock is gone: the store works again")
}

// A database file deleted under the open store: a write would go to the
// unlinked file and be lost; it is refused as a typed error instead.
func TestDeletedFileIsTypedNotSilentlyLost(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ledger.db")
	s, err := sqlite.Open(ctx, path, sqlite.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	require.NoError(t, s.Tx(ctx, putCard(ctx, "RC1")))
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		_ = os.Remove(p)
	}
	err = s.Tx(ctx, putCard(ctx, "RC2"))
	assert.ErrorIs(t, err, lifecycle.ErrStoreUnavailable, "typed: %v", err)
	assert.ErrorIs(t, err, sqlite.ErrFileGone)
	assert.Contains(t, l10n.Error(err, l10n.Chinese), "被删除或替换")
}
