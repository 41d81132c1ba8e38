package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

// testLedgerFlow runs a registry card's life through the Ledger on the store
// under test: what the Ledger writes must read back exactly (events' before-
// values, audit hashes), and imports must land once.
func testLedgerFlow(t *testing.T, s lifecycle.Store) {
	ctx := context.Background()
	now := base()
	l, err := lifecycle.NewLedger(lifecycle.Config{Store: s, Clock: func() time.Time { return now }})
	require.NoError(t, err)
	city := lifecycle.Operator{Level: studentid.LevelCity, User: "c"}
	district := lifecycle.Operator{Level: studentid.LevelDistrict, District: "05", User: "d"}
	school := lifecycle.Operator{Level: studentid.LevelSchool, District: "05", School: "01050123", User: "s"}
	other := lifecycle.Operator{Level: studentid.LevelSchool, District: "05", School: "01050456", User: "o"}

	out, err := l.ReceiveStock(ctx, city, "f1", []string{"LF1", "LF2"})
	require.NoError(t, err)
	require.False(t, out.Already)
	out, err = l.ReceiveStock(ctx, city, "f1", []string{"LF1", "LF2"})
	require.NoError(t, err)
	assert.True(t, out.Already, "the same file lands once")

	step := func(op lifecycle.Operator, id string, a lifecycle.Action, target string) {
		t.Helper()
		_, err := l.Transition(ctx, op, lifecycle.Request{CardID: id, Action: a, Target: target})
		require.NoError(t, err, "%s %s", a, id)
	}
	step(city, "LF1", lifecycle.ActShipToDistrict, "05")
	step(district, "LF1", lifecycle.ActShipToSchool, "01050123")
	_, err = l.Transition(ctx, other, lifecycle.Request{CardID: "LF1", Action: lifecycle.ActReportFault})
	require.ErrorIs(t, err, lifecycle.ErrForbidden)
	step(school, "LF1", lifecycle.ActReportFault, "")
	step(district, "LF1", lifecycle.ActFaultToDistrict, "")

	h, err := l.History(ctx, city, "LF1")
	require.NoError(t, err)
	require.Len(t, h, 5)
	var before lifecycle.Card
	require.NoError(t, json.Unmarshal([]byte(h[4].Before), &before))
	assert.Equal(t, lifecycle.RegFaultSchool, before.State)
	assert.True(t, h[4].At.Equal(now))

	n, err := l.StockOf(ctx, city, lifecycle.StockKey{Level: studentid.LevelDistrict, Code: "05", Item: lifecycle.StockFault})
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)

	for _, chain := range []string{"city", "05"} {
		_, err := lifecycle.Audit{}.Verify(ctx, s, chain, lifecycle.AuditAnchor{})
		require.NoError(t, err, "chain %s verifies after a store round trip", chain)
	}
}

// seedIssued stores n issued registry cards (bare puts, no events) for the
// Ledger benchmarks and cases, in districts 01..districts, one school each.
func seedIssued(b testing.TB, s lifecycle.Store, prefix string, n, districts int) []lifecycle.Card {
	b.Helper()
	ctx := context.Background()
	cards := make([]lifecycle.Card, n)
	prefix = fmt.Sprintf("%s%x-", prefix, time.Now().UnixNano()) // fresh IDs per call, as in seedCards
	err := s.Tx(ctx, func(tx lifecycle.Tx) error {
		for i := range cards {
			d := fmt.Sprintf("%02d", i%districts+1)
			c, err := tx.PutCard(ctx, lifecycle.Card{ID: fmt.Sprintf("%s%07d", prefix, i), Kind: lifecycle.KindRegistryCard,
				State: lifecycle.RegIssued, Holder: studentid.LevelSchool, District: d, School: "01" + d + "0001"})
			if err != nil {
				return err
			}
			cards[i] = c
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return cards
}

func isConflict(err error) bool { return errors.Is(err, lifecycle.ErrConflict) }

func schoolOp(c lifecycle.Card) lifecycle.Operator {
	return lifecycle.Operator{Level: studentid.LevelSchool, District: c.District, School: c.School, User: "bench"}
}

// BenchmarkLedgerTransitions measures full Ledger transitions per second with
// one writer (card read, versioned write, event with before-values, audit
// entry, one transaction each: freeze and unfreeze in turn), and runs the
// bare store transition of [BenchmarkTransitions] as its baseline in the
// same loop, one of each per iteration, so a machine that gets busier or
// quieter during the run affects both alike. ns/op is the sum of the two;
// reported: "transitions/s" (the Ledger's), "baseline-tx/s" and the ratio
// "x-vs-store-transition".
func BenchmarkLedgerTransitions(b *testing.B, s lifecycle.Store) {
	ctx := context.Background()
	cards := seedIssued(b, s, "lt", 1000, 16)
	ids := seedCards(b, s, "lb", 1000)
	clock := base()
	l, err := lifecycle.NewLedger(lifecycle.Config{Store: s, Clock: func() time.Time { return clock }})
	if err != nil {
		b.Fatal(err)
	}
	frozen := make([]bool, len(cards))
	var ours, bare time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		k := i % len(cards)
		a := lifecycle.ActFreeze
		if frozen[k] {
			a = lifecycle.ActUnfreeze
		}
		start := time.Now()
		if _, err := l.Transition(ctx, schoolOp(cards[k]), lifecycle.Request{CardID: cards[k].ID, Action: a}); err != nil {
			b.Fatal(err)
		}
		mid := time.Now()
		if err := Transition(ctx, s, ids[i%len(ids)], i); err != nil {
			b.Fatal(err)
		}
		ours, bare = ours+mid.Sub(start), bare+time.Since(mid)
		frozen[k] = !frozen[k]
	}
	n := float64(b.N)
	b.ReportMetric(n/ours.Seconds(), "transitions/s")
	b.ReportMetric(n/bare.Seconds(), "baseline-tx/s")
	b.ReportMetric(bare.Seconds()/ours.Seconds(), "x-vs-store-transition")
}

// BenchmarkLedgerTransitionsParallel is BenchmarkLedgerTransitions with
// writers goroutines, writer w working in district w+1 (its own audit
// chain, as 16 districts write at once in the city). Races the Ledger cannot
// absorb are counted as "conflicts" and retried.
func BenchmarkLedgerTransitionsParallel(b *testing.B, s lifecycle.Store, writers int) {
	ctx := context.Background()
	const perWriter = 100
	cards := seedIssued(b, s, "lp", writers*perWriter, writers)
	clock := base()
	l, err := lifecycle.NewLedger(lifecycle.Config{Store: s, Clock: func() time.Time { return clock }})
	if err != nil {
		b.Fatal(err)
	}
	var next, conflicts atomic.Int64
	errs := make(chan error, writers)
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			frozen := make([]bool, perWriter)
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				k := i % perWriter
				c := cards[k*writers+w] // card index ≡ w (mod writers): district w+1
				a := lifecycle.ActFreeze
				if frozen[k] {
					a = lifecycle.ActUnfreeze
				}
				for {
					_, err := l.Transition(ctx, schoolOp(c), lifecycle.Request{CardID: c.ID, Action: a})
					if err == nil {
						break
					}
					if !isConflict(err) {
						errs <- err
						return
					}
					conflicts.Add(1)
				}
				frozen[k] = !frozen[k]
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

// testLedgerQueries runs the Ledger's read-side queries on the store under
// test: the S-ID-1 number history the validators use, the day's list events
// (R-LIST-1, a loss at the time it takes effect, R-LOSS-1) found by paging
// the scope's events with limit-1 probes, and the audit chains in scope.
func testLedgerQueries(t *testing.T, s lifecycle.Store) {
	ctx := context.Background()
	now := base() // Monday 2 March 2026, 09:00 in Beijing
	l, err := lifecycle.NewLedger(lifecycle.Config{Store: s, Clock: func() time.Time { return now }})
	require.NoError(t, err)
	city := lifecycle.Operator{Level: studentid.LevelCity, User: "c"}
	district := lifecycle.Operator{Level: studentid.LevelDistrict, District: "05", User: "d"}
	school := lifecycle.Operator{Level: studentid.LevelSchool, District: "05", School: "01050123", User: "s"}
	num, err := studentid.Build(studentid.Fields{School: school05(), Cohort: 32, Class: 1, Seat: 1}, studentid.MOD11_10)
	require.NoError(t, err)
	rid, err := studentid.BuildResidentID("110101", time.Date(2020, 5, 4, 0, 0, 0, 0, time.UTC), 17)
	require.NoError(t, err)
	_, err = l.Enrol(ctx, school, lifecycle.Student{Key: "G1", Number: num.String(), Name: "张三", IDNumber: rid.String()})
	require.NoError(t, err)

	got, ok, err := l.NumberHistory(district).AssignedTo(ctx, num)
	require.NoError(t, err)
	assert.True(t, ok, "S-ID-1: the enrolled number is assigned")
	assert.Equal(t, rid, got)

	const serial = "04A1B2C3D4E5F601"
	_, err = l.ReceiveStock(ctx, city, "lq", []string{serial})
	require.NoError(t, err)
	for _, st := range []struct {
		op     lifecycle.Operator
		a      lifecycle.Action
		target string
	}{{city, lifecycle.ActShipToDistrict, "05"}, {district, lifecycle.ActShipToSchool, "01050123"}} {
		_, err := l.Transition(ctx, st.op, lifecycle.Request{CardID: serial, Action: st.a, Target: st.target})
		require.NoError(t, err)
	}
	_, err = l.Personalise(ctx, school, serial, num)
	require.NoError(t, err)
	for _, a := range []lifecycle.Action{lifecycle.ActIssue, lifecycle.ActReportLoss} {
		_, err := l.Transition(ctx, school, lifecycle.Request{CardID: serial, Action: a})
		require.NoError(t, err)
	}
	now = now.AddDate(0, 0, 7)
	for day, want := range map[int]int{2: 1, 4: 0, 5: 0} {
		es, err := l.ListEvents(ctx, district, lifecycle.Date{Year: 2026, Month: 3, Day: day})
		require.NoError(t, err)
		require.Len(t, es, want, "R-LOSS-1: the loss is listed on 2 March, the day of the report, only (day %d)", day)
		if want == 1 {
			assert.Equal(t, serial, es[0].Serial.String())
			assert.Equal(t, num, es[0].RegistryNo)
			assert.True(t, es[0].Time.Equal(base()), "at the time of the report: %v", es[0].Time)
		}
	}

	chains, err := l.AuditChains(ctx, city)
	require.NoError(t, err)
	assert.Equal(t, []string{lifecycle.CityChain, "05"}, chains)
	es, err := l.AuditEntries(ctx, school, "05", 0, 100)
	require.NoError(t, err)
	require.NotEmpty(t, es)
	for _, e := range es {
		assert.Equal(t, "01050123", e.Operator.School, "a school reads only its own entries")
	}
}

// school05 is school 01050123 of district 05, the school of the ledger
// scenarios.
func school05() studentid.School {
	s, _ := studentid.ParseSchool("01050123")
	return s
}

// testDamagedClock runs R-LOSS-5's damaged-card clock through the Ledger on
// the store under test: the report is an event that keeps the card's state
// and version, its week is an open deadline that shows in Overdue once
// missed, and the replacement application closes it.
func testDamagedClock(t *testing.T, s lifecycle.Store) {
	ctx := context.Background()
	now := base()
	l, err := lifecycle.NewLedger(lifecycle.Config{Store: s, Clock: func() time.Time { return now }})
	require.NoError(t, err)
	city := lifecycle.Operator{Level: studentid.LevelCity, User: "c"}
	district := lifecycle.Operator{Level: studentid.LevelDistrict, District: "05", User: "d"}
	school := lifecycle.Operator{Level: studentid.LevelSchool, District: "05", School: "01050123", User: "s"}
	num, err := studentid.Build(studentid.Fields{School: school05(), Cohort: 32, Class: 1, Seat: 1}, studentid.MOD11_10)
	require.NoError(t, err)
	const serial = "04A1B2C3D4E5F602"
	_, err = l.ReceiveStock(ctx, city, "dmg", []string{serial})
	require.NoError(t, err)
	_, err = l.Transition(ctx, city, lifecycle.Request{CardID: serial, Action: lifecycle.ActShipToDistrict, Target: "05"})
	require.NoError(t, err)
	_, err = l.Transition(ctx, district, lifecycle.Request{CardID: serial, Action: lifecycle.ActShipToSchool, Target: "01050123"})
	require.NoError(t, err)
	_, err = l.Personalise(ctx, school, serial, num)
	require.NoError(t, err)
	issued, err := l.Transition(ctx, school, lifecycle.Request{CardID: serial, Action: lifecycle.ActIssue})
	require.NoError(t, err)

	d, err := l.ReportDamaged(ctx, school, serial, "cracked")
	require.NoError(t, err)
	c, err := l.Card(ctx, school, serial)
	require.NoError(t, err)
	assert.Equal(t, issued.State, c.State)
	assert.Equal(t, issued.Version, c.Version, "the report changes no card field")
	h, err := l.History(ctx, school, serial)
	require.NoError(t, err)
	assert.Equal(t, lifecycle.Action("report-damage"), h[len(h)-1].Action)
	assert.Equal(t, "cracked", h[len(h)-1].Reason)

	overdue := func() []string {
		t.Helper()
		ds, err := l.Overdue(ctx, district, nil, 100)
		require.NoError(t, err)
		var ids []string
		for _, d := range ds {
			ids = append(ids, d.ID)
		}
		return ids
	}
	now = d.DueAt.Add(-time.Minute)
	assert.NotContains(t, overdue(), d.ID)
	now = d.DueAt.Add(time.Minute)
	assert.Contains(t, overdue(), d.ID, "R-LOSS-5: a week after the damage report")
	_, err = l.ReplaceRegistryCard(ctx, school, serial, lifecycle.CauseDamaged)
	require.NoError(t, err)
	assert.NotContains(t, overdue(), d.ID, "the application closes the clock")
}
