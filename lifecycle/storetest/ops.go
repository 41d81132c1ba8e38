package storetest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

// cityOp is the city operator the R-OPS-1 cases record backups as and list
// the audit chains with.
var cityOp = lifecycle.Operator{Level: studentid.LevelCity, User: "city-admin"}

// newLedger returns a Ledger on s with the suite's fixed clock.
func newLedger(t testing.TB, s lifecycle.Store) *lifecycle.Ledger {
	t.Helper()
	l, err := lifecycle.NewLedger(lifecycle.Config{Store: s, Clock: base})
	require.NoError(t, err)
	return l
}

// toggle freezes an issued card or unfreezes a frozen one through the Ledger
// as its school (an event with before-values and an audit entry, R-LEAVE-1).
func toggle(ctx context.Context, l *lifecycle.Ledger, s lifecycle.Store, id string) error {
	var c lifecycle.Card
	if err := s.Tx(ctx, func(tx lifecycle.Tx) (err error) { c, err = tx.GetCard(ctx, id); return err }); err != nil {
		return err
	}
	a := lifecycle.ActFreeze
	if c.State == lifecycle.RegFrozen {
		a = lifecycle.ActUnfreeze
	}
	_, err := l.Transition(ctx, schoolOp(c), lifecycle.Request{CardID: id, Action: a})
	return err
}

// allEvents pages through one card's events.
func allEvents(ctx context.Context, tx lifecycle.Tx, id string) ([]lifecycle.Event, error) {
	var out []lifecycle.Event
	var after int64
	for {
		page, err := tx.CardEvents(ctx, id, after, 500)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < 500 {
			return out, nil
		}
		after = page[len(page)-1].Seq
	}
}

// testDailyUpload answers R-OPS-1's two questions through the Ledger on the
// store under test: "what has not been sent up yet" (events after the last
// successful daily upload, per scope) and "did the last sync succeed".
func testDailyUpload(t *testing.T, s lifecycle.Store) {
	ctx := context.Background()
	cards := seedIssued(t, s, "up", 8, 4)
	l := newLedger(t, s)
	school := lifecycle.Operator{Level: studentid.LevelSchool, District: cards[0].District, School: cards[0].School, User: "t"}
	var mine []string
	for _, c := range cards {
		if c.School == school.School {
			mine = append(mine, c.ID)
		}
	}
	require.Len(t, mine, 2)
	for _, c := range cards {
		require.NoError(t, toggle(ctx, l, s, c.ID))
	}
	unsent, err := l.Unsent(ctx, school, 100)
	require.NoError(t, err)
	require.Len(t, unsent, 2, "R-OPS-1: only the school's own events are its to send")
	for _, e := range unsent {
		assert.Contains(t, mine, e.CardID)
	}
	_, err = l.RecordSync(ctx, school, lifecycle.SyncDailyUpload, unsent[len(unsent)-1].Seq, true, "2 events")
	require.NoError(t, err)
	unsent, err = l.Unsent(ctx, school, 100)
	require.NoError(t, err)
	assert.Empty(t, unsent, "R-OPS-1: nothing left after a successful upload")

	require.NoError(t, toggle(ctx, l, s, mine[0]))
	_, err = l.RecordSync(ctx, school, lifecycle.SyncDailyUpload, 0, false, "network down")
	require.NoError(t, err)
	unsent, err = l.Unsent(ctx, school, 100)
	require.NoError(t, err)
	require.Len(t, unsent, 1, "R-OPS-1: a failed upload does not move the watermark")
	assert.Equal(t, mine[0], unsent[0].CardID)

	_, err = l.RecordSync(ctx, school, lifecycle.SyncMonthEnd, 0, false, "CMIS timeout")
	require.NoError(t, err)
	last, err := l.LastSync(ctx, school, lifecycle.SyncMonthEnd)
	require.NoError(t, err)
	assert.False(t, last.OK, "R-OPS-1: the month-end sync's failure is visible")
	assert.Equal(t, "CMIS timeout", last.Detail)
	_, err = l.LastSync(ctx, school, lifecycle.SyncStudent)
	assert.ErrorIs(t, err, lifecycle.ErrNotFound, "never synced is not success")
}

// writers is a background load of Ledger transitions: two goroutines freeze
// and unfreeze their own half of cards (writer w the cards w, w+2, …), as
// schools do while the city takes a backup.
type writers struct {
	committed atomic.Int64 // transitions that committed
	stop      chan struct{}
	stopOnce  sync.Once
	wg        sync.WaitGroup
	errs      chan error
}

// startWriters starts the two writers on cards through l.
func startWriters(ctx context.Context, l *lifecycle.Ledger, s lifecycle.Store, cards []lifecycle.Card) *writers {
	w := &writers{stop: make(chan struct{}), errs: make(chan error, 2)}
	for k := range 2 {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			for i := k; ; i += 2 {
				select {
				case <-w.stop:
					return
				default:
				}
				err := toggle(ctx, l, s, cards[i%len(cards)].ID)
				switch {
				case err == nil:
					w.committed.Add(1)
				case !errors.Is(err, lifecycle.ErrConflict):
					w.errs <- err
					return
				}
			}
		}()
	}
	return w
}

// await waits (30 s at most) until n transitions have committed.
func (w *writers) await(n int64) {
	deadline := time.Now().Add(30 * time.Second)
	for w.committed.Load() < n && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
}

// halt stops the writers and waits for them; it may be called again.
func (w *writers) halt() {
	w.stopOnce.Do(func() {
		close(w.stop)
		w.wg.Wait()
		close(w.errs)
	})
}

// finish halts the writers, fails t if one of them failed, and returns how
// many transitions committed in all.
func (w *writers) finish(t testing.TB) int64 {
	t.Helper()
	w.halt()
	for err := range w.errs {
		require.NoError(t, err)
	}
	return w.committed.Load()
}

// snapshot is what cardsConsistent counted in a store.
type snapshot struct {
	transitions int64 // events of the checked cards
	maxSeq      int64 // the greatest Seq among those events
}

// cardsConsistent checks that s holds one consistent state of cards (as
// first stored, without events) after Ledger transitions: each card's events
// are exactly one per version step since it was stored (Versions seed+1 …
// current, in Seq order). It returns the counts for the caller's own
// comparisons.
func cardsConsistent(t testing.TB, s lifecycle.Store, cards []lifecycle.Card) snapshot {
	t.Helper()
	ctx := context.Background()
	var c snapshot
	require.NoError(t, s.Tx(ctx, func(tx lifecycle.Tx) error {
		for _, seed := range cards {
			got, err := tx.GetCard(ctx, seed.ID)
			if err != nil {
				return err
			}
			evs, err := allEvents(ctx, tx, seed.ID)
			if err != nil {
				return err
			}
			assert.Equal(t, got.Version-seed.Version, int64(len(evs)), "card %s: version and events from one snapshot", seed.ID)
			var prev int64
			for i, e := range evs {
				assert.Equal(t, seed.Version+int64(i)+1, e.Version, "card %s: event %d records the version it made", seed.ID, i)
				assert.Greater(t, e.Seq, prev, "card %s: events in Seq order", seed.ID)
				prev = e.Seq
				c.maxSeq = max(c.maxSeq, e.Seq)
			}
			c.transitions += int64(len(evs))
		}
		return nil
	}))
	return c
}

// auditVerifies verifies every audit chain the city can list in s (P-3) and
// returns the number of entries verified.
func auditVerifies(t testing.TB, s lifecycle.Store) int64 {
	t.Helper()
	ctx := context.Background()
	chains, err := newLedger(t, s).AuditChains(ctx, cityOp)
	require.NoError(t, err)
	var audited int64
	for _, chain := range chains {
		n, err := lifecycle.Audit{}.Verify(ctx, s, chain, lifecycle.AuditAnchor{})
		require.NoError(t, err, "P-3: chain %s verifies", chain)
		audited += n
	}
	return audited
}

// testConsistentUnderWriters: two Ledger writers on one store leave every
// card's version matching its events, every audit chain verifying and one
// audit entry per transition — the state a backup of a store in use must
// capture (R-OPS-1), checked here on the live store.
func testConsistentUnderWriters(t *testing.T, s lifecycle.Store) {
	ctx := context.Background()
	cards := seedIssued(t, s, "cw", 16, 4)
	w := startWriters(ctx, newLedger(t, s), s, cards)
	defer w.halt()
	w.await(40)
	committed := w.finish(t)
	require.GreaterOrEqual(t, committed, int64(40), "the writers made progress")
	c := cardsConsistent(t, s, cards)
	assert.Equal(t, committed, c.transitions, "every committed transition left its event")
	assert.Equal(t, c.transitions, auditVerifies(t, s), "P-3: one audit entry per transition")
}

// Backup is what [BackupUnderWrites] leaves for [CheckRestored]: the cards
// its writers worked on, as first stored, and how many transitions they
// committed before and after the backup.
type Backup struct {
	cards     []lifecycle.Card
	committed int64
}

// BackupUnderWrites is the store-generic half of an adapter's backup test
// (R-OPS-1: back up a store in use). It seeds s with 64 issued registry
// cards in districts 01..04, starts two writers freezing and unfreezing them
// through a Ledger, calls backup on the test's goroutine once 50 transitions
// have committed (backup takes the store-specific copy and returns where it
// went, failing t itself on error), lets 50 more commit, stops the writers
// and fails t if one failed. Then it records the backup through the Ledger
// and checks the record reads back as a success. s stays open; the caller
// closes it, restores the copy with its own tools, and passes the restored
// store and the returned Backup to [CheckRestored].
func BackupUnderWrites(t *testing.T, s lifecycle.Store, backup func(ctx context.Context) (where string)) Backup {
	t.Helper()
	ctx := context.Background()
	cards := seedIssued(t, s, "bk", 64, 4)
	l := newLedger(t, s)
	w := startWriters(ctx, l, s, cards)
	defer w.halt() // also when backup fails t
	w.await(50)
	where := backup(ctx)
	w.await(w.committed.Load() + 50)
	committed := w.finish(t)

	_, err := l.RecordSync(ctx, cityOp, lifecycle.SyncBackup, 0, true, where)
	require.NoError(t, err)
	last, err := l.LastSync(ctx, cityOp, lifecycle.SyncBackup)
	require.NoError(t, err)
	assert.True(t, last.OK, "R-OPS-1: the backup is recorded and its success can be checked")
	assert.Equal(t, where, last.Detail, "R-OPS-1: the record says where the backup went")
	return Backup{cards: cards, committed: committed}
}

// CheckRestored checks that r, a store restored from the copy taken by
// [BackupUnderWrites], is one consistent snapshot: every card's version
// matches its events, the copy holds the writes before the backup and not
// all those after it; every audit chain verifies with one entry per
// transition, none torn off (P-3); and the restored store takes new writes
// whose event Seqs follow the restored ones (R-OPS-1). Each property is a
// subtest named by its rule. r stays open; the caller closes it.
func CheckRestored(t *testing.T, r lifecycle.Store, b Backup) {
	t.Helper()
	require.NotEmpty(t, b.cards, "CheckRestored needs the Backup that BackupUnderWrites returned")
	ctx := context.Background()
	var c snapshot
	t.Run("R-OPS-1/one snapshot: versions match events", func(t *testing.T) {
		c = cardsConsistent(t, r, b.cards)
		assert.Positive(t, c.transitions, "the backup holds the writes before it")
		assert.Less(t, c.transitions, b.committed, "and not the writes after it")
	})
	t.Run("P-3/every audit chain verifies, one entry per transition", func(t *testing.T) {
		assert.Equal(t, c.transitions, auditVerifies(t, r), "one audit entry per transition, none torn off")
	})
	t.Run("R-OPS-1/the restored store takes writes after the restored ones", func(t *testing.T) {
		id := b.cards[0].ID
		require.NoError(t, toggle(ctx, newLedger(t, r), r, id), "the restored store takes writes")
		require.NoError(t, r.Tx(ctx, func(tx lifecycle.Tx) error {
			evs, err := allEvents(ctx, tx, id)
			if err != nil {
				return err
			}
			if assert.NotEmpty(t, evs) {
				assert.Greater(t, evs[len(evs)-1].Seq, c.maxSeq, "new events sort after the restored ones")
			}
			return nil
		}))
	})
}
