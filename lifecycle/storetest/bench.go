package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

// Transition is one card transition as the Ledger does it at store level:
// read card id, write it with its version (state "s<i mod 7>", updated at
// base+i µs), append the event, in one transaction. It is the unit every
// "transitions/s" figure counts, exported so that an adapter's own baseline
// benchmark (e.g. against a bare INSERT loop) measures the same unit as
// [BenchmarkTransitions].
func Transition(ctx context.Context, s lifecycle.Store, id string, i int) error {
	return s.Tx(ctx, func(tx lifecycle.Tx) error {
		c, err := tx.GetCard(ctx, id)
		if err != nil {
			return err
		}
		from := c.State
		c.State = lifecycle.State(fmt.Sprint("s", i%7))
		c.UpdatedAt = base().Add(time.Duration(i) * time.Microsecond)
		c, err = tx.PutCard(ctx, c)
		if err != nil {
			return err
		}
		_, err = tx.AppendEvent(ctx, lifecycle.Event{CardID: id, Kind: c.Kind, Action: "bench", From: from, To: c.State,
			Rule: "R-TIME-1", At: c.UpdatedAt, Operator: op(studentid.LevelSchool, c.District, c.School),
			District: c.District, School: c.School, Version: c.Version})
		return err
	})
}

// seedCards stores n cards spread over 16 districts and 10 schools each.
func seedCards(b *testing.B, s lifecycle.Store, prefix string, n int) []string {
	b.Helper()
	ctx := context.Background()
	ids := make([]string, n)
	// The testing package may call a benchmark function several times on
	// one store: a fresh prefix per call keeps the IDs new.
	prefix = fmt.Sprintf("%s%x-", prefix, time.Now().UnixNano())
	const chunk = 1000
	for start := 0; start < n; start += chunk {
		err := s.Tx(ctx, func(tx lifecycle.Tx) error {
			for i := start; i < min(start+chunk, n); i++ {
				d := fmt.Sprintf("%02d", i%16+1)
				c := lifecycle.Card{ID: fmt.Sprintf("%s%08d", prefix, i), Kind: lifecycle.KindRegistryCard, State: "s0",
					Holder: studentid.LevelSchool, District: d, School: fmt.Sprintf("01%s0%03d", d, i%10)}
				if _, err := tx.PutCard(ctx, c); err != nil {
					return err
				}
				ids[i] = c.ID
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return ids
}

// BenchmarkTransitions measures durable card transitions per second with one
// writer, one transaction per transition, and reports "transitions/s". An
// adapter runs its own baseline (e.g. a bare INSERT loop in the same
// transaction discipline) in the same benchmark and reports the ratio.
func BenchmarkTransitions(b *testing.B, s lifecycle.Store) {
	ids := seedCards(b, s, "bt", 1000)
	ctx := context.Background()
	b.ResetTimer()
	start := time.Now()
	for i := 0; b.Loop(); i++ {
		if err := Transition(ctx, s, ids[i%len(ids)], i); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "transitions/s")
}

// BenchmarkTransitionsParallel is BenchmarkTransitions with writers
// goroutines, each on its own cards (so conflicts come only from the store,
// not from the workload). Conflicts are retried and counted.
func BenchmarkTransitionsParallel(b *testing.B, s lifecycle.Store, writers int) {
	ids := seedCards(b, s, "bp", writers*100)
	ctx := context.Background()
	var next, conflicts atomic.Int64
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				id := ids[w*100+i%100]
				for {
					err := Transition(ctx, s, id, i)
					if err == nil {
						break
					}
					if !errors.Is(err, lifecycle.ErrConflict) {
						errs <- err
						return
					}
					conflicts.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "transitions/s")
	b.ReportMetric(float64(conflicts.Load()), "conflicts")
}

// SeedDeadlines stores n open deadlines spread over 16 districts and 10
// schools each, a tenth of them overdue at [OverdueNow], in chunks of chunk
// per transaction; adapters with a faster bulk path may seed their own.
func SeedDeadlines(ctx context.Context, s lifecycle.Store, n, chunk int) error {
	for start := 0; start < n; start += chunk {
		err := s.Tx(ctx, func(tx lifecycle.Tx) error {
			for i := start; i < min(start+chunk, n); i++ {
				d := fmt.Sprintf("%02d", i%16+1)
				due := OverdueNow().Add(time.Duration(i%10-1) * 24 * time.Hour) // i%10 == 0 is overdue
				if err := tx.PutDeadline(ctx, lifecycle.Deadline{ID: fmt.Sprintf("d%09d", i), Rule: "R-TIME-1",
					Subject: fmt.Sprint("card-", i), Level: studentid.LevelSchool, District: d,
					School: fmt.Sprintf("01%s0%03d", d, i%10), Start: base(), DueAt: due}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// OverdueNow is the "now" of [SeedDeadlines] and [BenchmarkOverdue].
func OverdueNow() time.Time { return base().Add(30 * 24 * time.Hour) }

// BenchmarkOverdue measures one page (100 rows) of the overdue query for one
// school and for one district over a store seeded with [SeedDeadlines], and
// reports ms/query.
func BenchmarkOverdue(b *testing.B, s lifecycle.Store) {
	ctx := context.Background()
	for _, sc := range []struct {
		name  string
		scope lifecycle.Scope
	}{
		{"school", lifecycle.Scope{District: "01", School: "01010000"}},
		{"district", lifecycle.Scope{District: "01"}},
		{"city", lifecycle.Scope{}},
	} {
		b.Run(sc.name, func(b *testing.B) {
			start := time.Now()
			for b.Loop() {
				err := s.Tx(ctx, func(tx lifecycle.Tx) error {
					_, err := tx.Overdue(ctx, lifecycle.OverdueQuery{Scope: sc.scope, Now: OverdueNow(), Limit: 100})
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(time.Since(start).Milliseconds())/float64(b.N), "ms/query")
		})
	}
}
