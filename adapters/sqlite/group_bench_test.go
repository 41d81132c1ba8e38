package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/sqlite"
	"github.com/bjedu/studentcard/lifecycle/storetest"
)

// BenchmarkGroupCommit measures durable transitions (synchronous=FULL: the
// WAL fsynced at every commit) made by concurrent callers, which the store
// commits in groups, against the baseline: a bare loop writing the
// same rows (card update and event insert) in one committed IMMEDIATE
// transaction each, on a file of its own. Each iteration is one round: every
// writer makes 25 transitions at once, then the baseline makes as many bare
// transactions one by one, so load changes hit both alike. Reported:
// transitions/s (target ≥ 2,000), baseline-tx/s and x-vs-bare-insert.
func BenchmarkGroupCommit(b *testing.B) {
	for _, writers := range []int{8, 32} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) { benchGroupCommit(b, writers) })
	}
}

func benchGroupCommit(b *testing.B, writers int) {
	const perRound = 25
	ctx := context.Background()
	dir := b.TempDir()
	s, err := sqlite.Open(ctx, filepath.Join(dir, "store.db"), sqlite.Options{Sync: sqlite.SyncFull})
	require.NoError(b, err)
	defer s.Close()
	cards := seedIssued(b, s, 1000)

	bare := bareTransitions(b, ctx, dir, cards, "FULL")

	var storeTime, bareTime time.Duration
	n, rounds := 0, 0
	for b.Loop() {
		start := time.Now()
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := range perRound {
					i := n + k*writers + w
					if err := storetest.Transition(ctx, s, cards[i%len(cards)].ID, i); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
		mid := time.Now()
		for k := range writers * perRound {
			if err := bare(n + k); err != nil {
				b.Fatal(err)
			}
		}
		storeTime, bareTime = storeTime+mid.Sub(start), bareTime+time.Since(mid)
		n += writers * perRound
		rounds++
	}
	storeRate := float64(n) / storeTime.Seconds()
	bareRate := float64(n) / bareTime.Seconds()
	b.ReportMetric(storeRate, "transitions/s")
	b.ReportMetric(bareRate, "baseline-tx/s")
	b.ReportMetric(storeRate/bareRate, "x-vs-bare-insert")
}
