package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/sqlite"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/lifecycle/storetest"
)

// The storetest helpers on SQLite (the same workloads as every store).

func BenchmarkStoreTransitions(b *testing.B) {
	storetest.BenchmarkTransitions(b, openTemp(b, sqlite.Options{}))
}

func BenchmarkStoreTransitionsParallel8(b *testing.B) {
	storetest.BenchmarkTransitionsParallel(b, openTemp(b, sqlite.Options{}), 8)
}

func BenchmarkLedgerTransitions(b *testing.B) {
	storetest.BenchmarkLedgerTransitions(b, openTemp(b, sqlite.Options{}))
}

func BenchmarkOverdue(b *testing.B) {
	s := openTemp(b, sqlite.Options{})
	start := time.Now()
	require.NoError(b, storetest.SeedDeadlines(context.Background(), s, 200000, 20000))
	b.Logf("seeded 200,000 deadlines in %v", time.Since(start).Round(time.Millisecond))
	storetest.BenchmarkOverdue(b, s)
}

// BenchmarkTransitionsVsBareInsert measures durable card transitions with
// one writer (each its own committed IMMEDIATE transaction, synchronous=FULL
// in WAL mode: the WAL is fsynced at every commit) against the baseline the
// issue names: a bare loop writing the same rows (the card row and the event
// row) with the same transaction discipline, but without the store's read,
// version check and mapping. The two alternate in rounds of 50, so a
// machine that gets busier or quieter during the run affects both alike.
// Reported: transitions/s, baseline-tx/s and x-vs-bare-insert (target ≥ 0.5,
// and ≥ 2,000 transitions/s). It runs once with the default SyncFull and
// once with SyncNormal (WAL synced at checkpoints only: survives a crash of
// the program, as TestCrashDuringImport proves, but not a power cut).
func BenchmarkTransitionsVsBareInsert(b *testing.B) {
	for _, mode := range []struct {
		name   string
		sync   sqlite.Sync
		pragma string
	}{
		{"sync=FULL", sqlite.SyncFull, "FULL"},
		{"sync=NORMAL", sqlite.SyncNormal, "NORMAL"},
	} {
		b.Run(mode.name, func(b *testing.B) { benchVsBare(b, mode.sync, mode.pragma) })
	}
}

func benchVsBare(b *testing.B, sync sqlite.Sync, pragma string) {
	ctx := context.Background()
	dir := b.TempDir()
	s, err := sqlite.Open(ctx, filepath.Join(dir, "store.db"), sqlite.Options{Sync: sync})
	require.NoError(b, err)
	defer s.Close()
	cards := seedIssued(b, s, 1000)

	bare := bareTransitions(b, ctx, dir, cards, pragma)
	transition := func(i int) error { return storetest.Transition(ctx, s, cards[i%len(cards)].ID, i) }
	var storeTime, bareTime time.Duration
	timed := func(fn func(int) error, i int, acc *time.Duration) {
		start := time.Now()
		if err := fn(i); err != nil {
			b.Fatal(err)
		}
		*acc += time.Since(start)
	}
	n := 0
	const round = 50
	for ; b.Loop(); n++ {
		// One iteration is one transition and one baseline transaction;
		// which goes first alternates every round.
		if (n/round)%2 == 0 {
			timed(transition, n, &storeTime)
			timed(bare, n, &bareTime)
		} else {
			timed(bare, n, &bareTime)
			timed(transition, n, &storeTime)
		}
	}
	storeRate := float64(n) / storeTime.Seconds()
	bareRate := float64(n) / bareTime.Seconds()
	b.ReportMetric(storeRate, "transitions/s")
	b.ReportMetric(bareRate, "baseline-tx/s")
	b.ReportMetric(storeRate/bareRate, "x-vs-bare-insert")
}

// bareTransitions is the baseline of the transition benchmarks: the same
// card update and event insert as a store transition, as bare SQL in one
// durable transaction each, on a copy of the seeded schema in dir at the
// given synchronous pragma. It returns the i-th transition.
func bareTransitions(b *testing.B, ctx context.Context, dir string, cards []lifecycle.Card, pragma string) func(i int) error {
	b.Helper()
	barePath := filepath.Join(dir, "bare.db")
	bs, err := sqlite.Open(ctx, barePath, sqlite.Options{})
	require.NoError(b, err)
	seedIssued(b, bs, 1000)
	require.NoError(b, bs.Close())
	db, err := sql.Open("sqlite", barePath+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous("+pragma+")")
	require.NoError(b, err)
	b.Cleanup(func() { db.Close() })
	conn, err := db.Conn(ctx)
	require.NoError(b, err)
	b.Cleanup(func() { conn.Close() })
	upd, err := conn.PrepareContext(ctx, `UPDATE cards SET state = ?, updated_at = ?, version = version + 1 WHERE id = ?`)
	require.NoError(b, err)
	ins, err := conn.PrepareContext(ctx, `INSERT INTO events (card_id, kind, action, from_state, to_state, rule, at, op_level, op_district,
		op_school, op_user, district, school, reason, before, version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	require.NoError(b, err)
	return func(i int) error {
		c := cards[i%len(cards)]
		at := testNow().Add(time.Duration(i) * time.Microsecond).UnixMicro()
		if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
			return err
		}
		if _, err := upd.ExecContext(ctx, fmt.Sprint("s", i%7), at, c.ID); err != nil {
			return err
		}
		if _, err := ins.ExecContext(ctx, c.ID, string(c.Kind), "bench", "s0", fmt.Sprint("s", i%7), "R-TIME-1", at, "school",
			c.District, c.School, "bench", c.District, c.School, "", "", int64(i)); err != nil {
			return err
		}
		_, err := conn.ExecContext(ctx, "COMMIT")
		return err
	}
}
