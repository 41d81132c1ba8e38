package sqlite_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/sqlite"
	"github.com/bjedu/studentcard/lifecycle"
)

// TestBackupRestoreUnderWrites takes an online backup while two writers run
// Ledger transitions, restores it, and proves the copy is one consistent
// snapshot: every card's version matches its events, every audit chain
// verifies (P-3), and the restored store takes new writes (R-OPS-1).
func TestBackupRestoreUnderWrites(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := sqlite.Open(ctx, filepath.Join(dir, "live.db"), sqlite.Options{})
	require.NoError(t, err)
	cards := seedIssued(t, s, 64)
	l := newLedger(t, s)

	var done atomic.Int64
	stop := make(chan struct{})
	errs := make(chan error, 2)
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; ; i += 2 {
				select {
				case <-stop:
					return
				default:
				}
				if err := toggle(ctx, l, s, cards[i%len(cards)].ID); err != nil && !errors.Is(err, lifecycle.ErrConflict) {
					errs <- err
					return
				}
				done.Add(1)
			}
		}()
	}
	waitFor := func(n int64) {
		deadline := time.Now().Add(30 * time.Second)
		for done.Load() < n && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
	}
	waitFor(50)
	backup := filepath.Join(dir, "weekly.db")
	require.NoError(t, s.Backup(ctx, backup), "R-OPS-1: backup while in use")
	atBackup := done.Load()
	waitFor(atBackup + 50)
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	_, err = l.RecordSync(ctx, cityOp, lifecycle.SyncBackup, 0, true, backup)
	require.NoError(t, err)
	last, err := l.LastSync(ctx, cityOp, lifecycle.SyncBackup)
	require.NoError(t, err)
	assert.True(t, last.OK, "R-OPS-1: the backup is recorded and its success can be checked")
	require.ErrorIs(t, s.Backup(ctx, backup), sqlite.ErrBackup, "a backup never overwrites a file")
	require.NoError(t, s.Close())

	restored := filepath.Join(dir, "restored.db")
	require.NoError(t, sqlite.Restore(ctx, backup, restored))
	r, err := sqlite.Open(ctx, restored, sqlite.Options{})
	require.NoError(t, err)
	defer func() { assert.NoError(t, r.Close()) }()

	var transitions int64
	require.NoError(t, r.Tx(ctx, func(tx lifecycle.Tx) error {
		for _, c := range cards {
			got, err := tx.GetCard(ctx, c.ID)
			require.NoError(t, err)
			evs, err := allEvents(ctx, tx, c.ID)
			require.NoError(t, err)
			assert.Len(t, evs, int(got.Version-1), "card %s: version and events from one snapshot", c.ID)
			transitions += got.Version - 1
		}
		return nil
	}))
	assert.Positive(t, transitions, "the backup holds the writes before it")
	assert.Less(t, transitions, done.Load(), "and not the writes after it")
	var audited int64
	for _, chain := range []string{"01", "02", "03", "04"} {
		n, err := lifecycle.Audit{}.Verify(ctx, r, chain, lifecycle.AuditAnchor{})
		require.NoError(t, err, "P-3: chain %s verifies in the restored copy", chain)
		audited += n
	}
	assert.Equal(t, transitions, audited, "one audit entry per transition, none torn off")
	require.NoError(t, toggle(ctx, newLedger(t, r), r, cards[0].ID), "the restored store takes writes")
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
