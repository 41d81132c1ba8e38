package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/sqlite"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

// verifyBefore is Audit.Verify as it was before the reuse of the hash state
// and the read-ahead of pages (pages of 500, one Audit.Hash each entry): the
// baseline of BenchmarkVerifyAudit. It checks what Verify checks. It reads
// through the store's AuditEntries as it is now (one row a page), so the
// ratio shows what Verify itself gained, not the faster page read.
func verifyBefore(ctx context.Context, a lifecycle.Audit, s lifecycle.Store, chain string) (int64, error) {
	prev, next := "", int64(1)
	for {
		var page []lifecycle.AuditEntry
		if err := s.Tx(ctx, func(tx lifecycle.Tx) error {
			var err error
			page, err = tx.AuditEntries(ctx, chain, next-1, 500)
			return err
		}); err != nil {
			return next - 1, err
		}
		for _, e := range page {
			if e.Seq != next || e.Prev != prev || a.Hash(e) != e.Hash {
				return next - 1, fmt.Errorf("chain %s breaks at %d", chain, e.Seq)
			}
			prev, next = e.Hash, next+1
		}
		if len(page) < 500 {
			return next - 1, nil
		}
	}
}

// BenchmarkVerifyAudit verifies a P-3 audit chain of 20,000 entries on
// SQLite with Audit.Verify and, in the same iteration, with the baseline
// verifyBefore. Reported: ns/entry, baseline-ns/entry and x-vs-before (how
// many times today's rate; target ≥ 2), by wall time (Verify reads the next
// page on the other core) and by CPU time (robust to the shared machine's
// load).
func BenchmarkVerifyAudit(b *testing.B) {
	const entries = 20_000
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "audit.db"), sqlite.Options{Sync: sqlite.SyncNormal})
	require.NoError(b, err)
	defer s.Close()
	a := lifecycle.Audit{}
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	require.NoError(b, s.Tx(ctx, func(tx lifecycle.Tx) error {
		for i := range entries {
			if _, err := a.Append(ctx, tx, lifecycle.AuditEntry{Chain: "05", At: at.Add(time.Duration(i) * time.Second),
				Operator: lifecycle.Operator{Level: studentid.LevelSchool, District: "05", School: "01050123", User: "bench"},
				Action:   "freeze", Subject: fmt.Sprintf("card-%06d", i), Rule: "R-LOSS-2", Outcome: "ok", Detail: "frozen at the school gate"}); err != nil {
				return err
			}
		}
		return nil
	}))
	var ours, base, oursCPU, baseCPU time.Duration
	for b.Loop() {
		start, c0 := time.Now(), cpuTime()
		n, err := a.Verify(ctx, s, "05", lifecycle.AuditAnchor{})
		require.NoError(b, err)
		require.EqualValues(b, entries, n)
		mid, c1 := time.Now(), cpuTime()
		n, err = verifyBefore(ctx, a, s, "05")
		require.NoError(b, err)
		require.EqualValues(b, entries, n)
		ours, base = ours+mid.Sub(start), base+time.Since(mid)
		oursCPU, baseCPU = oursCPU+c1-c0, baseCPU+cpuTime()-c1
	}
	per := float64(b.N) * entries
	b.ReportMetric(float64(ours.Nanoseconds())/per, "ns/entry")
	b.ReportMetric(float64(base.Nanoseconds())/per, "baseline-ns/entry")
	b.ReportMetric(float64(oursCPU.Nanoseconds())/per, "cpu-ns/entry")
	b.ReportMetric(float64(baseCPU.Nanoseconds())/per, "baseline-cpu-ns/entry")
	b.ReportMetric(base.Seconds()/ours.Seconds(), "x-vs-before")
	b.ReportMetric(baseCPU.Seconds()/oursCPU.Seconds(), "x-vs-before-cpu")
}
