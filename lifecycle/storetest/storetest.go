// Package storetest is the conformance suite every [lifecycle.Store] must
// pass, in the manner of testing/fstest: an adapter's test calls
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) lifecycle.Store { return openFresh(t) })
//	}
//
// and gets one subtest per property: transactions (a failed function leaves
// nothing), optimistic concurrency (two operators on one card: one wins, the
// other gets a *lifecycle.ConflictError; no lost updates under concurrent
// writers), idempotent imports keyed by the file digest, the audit chain
// (append, head, paging, verification through lifecycle.Audit), stock
// counters, sync records, the overdue query per scope with keyset paging,
// students, registry numbers (never twice, last seat per class), enrolments
// and leave records; a card's life through lifecycle.Ledger on the store
// (events, audit chains that verify after the round trip); and R-OPS-1 through
// the Ledger: the daily upload and month-end questions, and a consistent
// state (versions match events, audit chains verify, P-3) under concurrent
// writers. The factory must return an empty store; the suite closes it.
//
// A backup test is half store-specific (how to copy and restore) and half
// not: [BackupUnderWrites] runs the writers and calls the adapter's backup
// while they run, [CheckRestored] checks the restored copy is one consistent
// snapshot that takes new writes.
//
// The benchmark helpers measure the same workload on any store so the
// adapters' numbers compare: [BenchmarkTransitions] and
// [BenchmarkTransitionsParallel] (a bare store transition: read, versioned
// write, event), [BenchmarkLedgerTransitions] and
// [BenchmarkLedgerTransitionsParallel] (a full Ledger transition with its
// audit entry, baseline ratio printed), [BenchmarkOverdue] over a store
// seeded by [SeedDeadlines].
package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

// Factory opens an empty store for one subtest.
type Factory func(t *testing.T) lifecycle.Store

// base() is a fixed instant (Beijing 2026-03-02 09:00) with microseconds, so
// stores that drop sub-second precision fail visibly.
func base() time.Time { return time.Date(2026, 3, 2, 1, 0, 0, 123456000, time.UTC) }

// Run runs the whole suite against stores made by open.
func Run(t *testing.T, open Factory) {
	t.Helper()
	cases := []struct {
		name string
		fn   func(*testing.T, lifecycle.Store)
	}{
		{"Tx/commit round-trips every field", testRoundTrip},
		{"Tx/error rolls back everything", testRollback},
		{"Tx/panic rolls back and propagates", testPanic},
		{"Tx/cancelled context", testCancelled},
		{"Tx/use after finish", testTxDone},
		{"Versioned/create, duplicate, stale, missing", testVersioned},
		{"Versioned/two operators on one card", testTwoOperators},
		{"Versioned/no lost updates under concurrent writers", testConcurrentWriters},
		{"Events/sequence and per-card, per-scope paging", testEvents},
		{"Import/idempotent by digest", testImportIdempotent},
		{"Import/concurrent imports land once", testImportConcurrent},
		{"Audit/append, head, paging, verify", testAudit},
		{"Stock/counters", testStock},
		{"Sync/last and last successful", testSync},
		{"Overdue/scope, order, paging", testOverdue},
		{"Numbers/never twice, last per prefix", testNumbers},
		{"S-ID-1/assigned numbers: range read by prefix, paged, with resident IDs", testAssignedNumbers},
		{"Enrolments and leaves", testEnrolmentsLeaves},
		{"Ledger/a card's life through the Ledger", testLedgerFlow},
		{"Ledger/number history, list events, audit in scope", testLedgerQueries},
		{"R-LOSS-5/a damaged card's week through the Ledger", testDamagedClock},
		{"R-OPS-1/daily upload and month-end through the Ledger", testDailyUpload},
		{"R-OPS-1/P-3/consistent under concurrent Ledger writers", testConsistentUnderWriters},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := open(t)
			require.NotNil(t, s, "factory returned no store")
			t.Cleanup(func() { assert.NoError(t, s.Close()) })
			c.fn(t, s)
		})
	}
}

func tx(t *testing.T, s lifecycle.Store, fn func(lifecycle.Tx) error) {
	t.Helper()
	require.NoError(t, s.Tx(context.Background(), fn))
}

func sampleCard(id string) lifecycle.Card {
	return lifecycle.Card{
		ID: id, Kind: lifecycle.KindRegistryCard, State: "at-school", Holder: studentid.LevelSchool,
		District: "05", School: "01050123", Student: "0105012012601019", Cohort: "26",
		Temporary: true, Batch: "ab12", Replaces: "old-" + id, Box: "box-26-1",
		LostAt: base(), ValidUntil: base().Add(24 * time.Hour), UpdatedAt: base().Add(time.Second),
	}
}

// utc normalises the time zone (stores may return local times) so structs compare.
func utcCard(c lifecycle.Card) lifecycle.Card {
	c.LostAt, c.ValidUntil, c.UpdatedAt = utc(c.LostAt), utc(c.ValidUntil), utc(c.UpdatedAt)
	return c
}

func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

func op(level studentid.Level, district, school string) lifecycle.Operator {
	return lifecycle.Operator{Level: level, District: district, School: school, User: "u-" + string(level)}
}

func testRoundTrip(t *testing.T, s lifecycle.Store) {
	ctx := context.Background()
	card := sampleCard("C1")
	zeroCard := lifecycle.Card{ID: "C0", Kind: lifecycle.KindIDCard, State: "submitted", Holder: studentid.LevelCity}
	ev := lifecycle.Event{CardID: "C1", Kind: lifecycle.KindRegistryCard, Action: "report-loss", From: "issued", To: "lost",
		Rule: "R-LOSS-1", At: base(), Operator: op(studentid.LevelSchool, "05", "01050123"), District: "05", School: "01050123",
		Reason: "丢失", Before: `{"State":"issued"}`, Version: 2}
	ev.Operator.Role = lifecycle.RoleCardManager // S-14: the role round-trips with the operator
	imp := lifecycle.Import{Digest: "d1", FileKind: "result", District: "05", School: "01050123",
		Operator: op(studentid.LevelDistrict, "05", ""), At: base(), Records: 42}
	imp.Operator.Role = lifecycle.RoleSystemAdmin
	stu := lifecycle.Student{Key: "G110101201001011234", Number: "0105012012601019", Name: "张三", Gender: "1",
		BirthDate: "20100101", IDNumber: "110101201001011234", District: "05", School: "01050123", Status: lifecycle.StudentEnrolled}
	num := lifecycle.NumberRecord{Number: "0105012012601019", StudentKey: stu.Key, School: "01050123",
		Status: lifecycle.NumberActive, At: base(), Replaces: "0105012012601027"}
	dl := lifecycle.Deadline{ID: "dl1", Rule: "R-TIME-1", Subject: "C1", Level: studentid.LevelSchool,
		District: "05", School: "01050123", Start: base(), DueAt: base().Add(time.Hour), WorkingDays: 10, Provisional: true}
	en := lifecycle.Enrolment{StudentKey: stu.Key, School: "01050123", District: "05", Since: base()}
	lv := lifecycle.LeaveRecord{ID: "lv1", StudentKey: stu.Key, Number: stu.Number, District: "05", School: "01050123",
		Cohort: "26", Reason: "graduated", LeftAt: base(), CardID: "C1", Recovered: true, Box: "26-1", Handler: "李老师", RecoverAt: base().Add(time.Minute)}
	sy := lifecycle.SyncRecord{Kind: lifecycle.SyncDailyUpload, Level: studentid.LevelSchool, District: "05", School: "01050123",
		At: base(), UpTo: 7, OK: true, Detail: "12 events"}
	sk := lifecycle.StockKey{Level: studentid.LevelDistrict, Code: "05", Item: lifecycle.StockReserveID}

	tx(t, s, func(tx lifecycle.Tx) error {
		got, err := tx.PutCard(ctx, card)
		require.NoError(t, err)
		assert.Equal(t, int64(1), got.Version)
		_, err = tx.PutCard(ctx, zeroCard)
		require.NoError(t, err)
		stored, err := tx.AppendEvent(ctx, ev)
		require.NoError(t, err)
		assert.Positive(t, stored.Seq)
		require.NoError(t, tx.PutImport(ctx, imp))
		_, err = tx.PutStudent(ctx, stu)
		require.NoError(t, err)
		_, err = tx.PutNumber(ctx, num)
		require.NoError(t, err)
		require.NoError(t, tx.PutDeadline(ctx, dl))
		require.NoError(t, tx.PutEnrolment(ctx, en))
		require.NoError(t, tx.PutLeave(ctx, lv))
		gotSync, err := tx.AppendSync(ctx, sy)
		require.NoError(t, err)
		assert.Positive(t, gotSync.ID)
		_, err = tx.AddStock(ctx, sk, 30)
		return err
	})

	tx(t, s, func(tx lifecycle.Tx) error {
		got, err := tx.GetCard(ctx, "C1")
		require.NoError(t, err)
		want := card
		want.Version = 1
		assert.Equal(t, want, utcCard(got))
		got, err = tx.GetCard(ctx, "C0")
		require.NoError(t, err)
		zeroCard.Version = 1
		assert.Equal(t, zeroCard, utcCard(got), "zero times and empty strings round-trip as zero")

		mine, err := tx.CardsOfStudent(ctx, card.Student)
		require.NoError(t, err)
		require.Len(t, mine, 1)
		assert.Equal(t, "C1", mine[0].ID)
		blank, err := tx.CardsOfStudent(ctx, "")
		require.NoError(t, err)
		assert.Empty(t, blank, "blank stock is nobody's: the empty number matches no card")

		evs, err := tx.CardEvents(ctx, "C1", 0, 10)
		require.NoError(t, err)
		require.Len(t, evs, 1)
		evs[0].At = utc(evs[0].At)
		ev.Seq = evs[0].Seq
		assert.Equal(t, ev, evs[0])

		gotImp, err := tx.GetImport(ctx, "d1")
		require.NoError(t, err)
		gotImp.At = utc(gotImp.At)
		assert.Equal(t, imp, gotImp)

		gotStu, err := tx.GetStudent(ctx, stu.Key)
		require.NoError(t, err)
		stu.Version = 1
		assert.Equal(t, stu, gotStu)

		gotNum, err := tx.GetNumber(ctx, num.Number)
		require.NoError(t, err)
		gotNum.At = utc(gotNum.At)
		num.Version = 1
		assert.Equal(t, num, gotNum)

		gotDl, err := tx.GetDeadline(ctx, "dl1")
		require.NoError(t, err)
		gotDl.Start, gotDl.DueAt, gotDl.DoneAt = utc(gotDl.Start), utc(gotDl.DueAt), utc(gotDl.DoneAt)
		assert.Equal(t, dl, gotDl)

		ens, err := tx.Enrolments(ctx, stu.Key)
		require.NoError(t, err)
		require.Len(t, ens, 1)
		ens[0].Since, ens[0].Until = utc(ens[0].Since), utc(ens[0].Until)
		assert.Equal(t, en, ens[0])

		lvs, err := tx.Leaves(ctx, "01050123", "26")
		require.NoError(t, err)
		require.Len(t, lvs, 1)
		lvs[0].LeftAt, lvs[0].RecoverAt = utc(lvs[0].LeftAt), utc(lvs[0].RecoverAt)
		assert.Equal(t, lv, lvs[0])
		one, err := tx.GetLeave(ctx, "lv1")
		require.NoError(t, err)
		one.LeftAt, one.RecoverAt = utc(one.LeftAt), utc(one.RecoverAt)
		assert.Equal(t, lv, one)

		gotSync, err := tx.LastSync(ctx, lifecycle.SyncDailyUpload, studentid.LevelSchool, "05", "01050123", false)
		require.NoError(t, err)
		gotSync.At = utc(gotSync.At)
		sy.ID = gotSync.ID
		assert.Equal(t, sy, gotSync)

		n, err := tx.Stock(ctx, sk)
		require.NoError(t, err)
		assert.Equal(t, int64(30), n)
		return nil
	})
}

func testRollback(t *testing.T, s lifecycle.Store) {
	ctx := context.Background()
	boom := errors.New("boom")
	sk := lifecycle.StockKey{Level: studentid.LevelCity, Item: lifecycle.StockBlankRegistry}
	err := s.Tx(ctx, func(tx lifecycle.Tx) error {
		_, err := tx.PutCard(ctx, sampleCard("R1"))
		require.NoError(t, err)
		_, err = tx.AppendEvent(ctx, lifecycle.Event{CardID: "R1", Action: "x", At: base(), District: "05", School: "01050123"})
		require.NoError(t, err)
		require.NoError(t, tx.PutImport(ctx, lifecycle.Import{Digest: "dr", At: base()}))
		require.NoError(t, tx.AppendAudit(ctx, lifecycle.AuditEntry{Chain: "05", Seq: 1, At: base(), Hash: "h"}))
		_, err = tx.AddStock(ctx, sk, 5)
		require.NoError(t, err)
		_, err = tx.AppendSync(ctx, lifecycle.SyncRecord{Kind: lifecycle.SyncMonthEnd, Level: studentid.LevelCity, At: base(), OK: true})
		require.NoError(t, err)
		require.NoError(t, tx.PutDeadline(ctx, lifecycle.Deadline{ID: "dr", DueAt: base()}))
		_, err = tx.PutStudent(ctx, lifecycle.Student{Key: "k"})
		require.NoError(t, err)
		_, err = tx.PutNumber(ctx, lifecycle.NumberRecord{Number: "0105012012601019", At: base()})
		require.NoError(t, err)
		require.NoError(t, tx.PutEnrolment(ctx, lifecycle.Enrolment{StudentKey: "k", School: "s", Since: base()}))
		require.NoError(t, tx.PutLeave(ctx, lifecycle.LeaveRecord{ID: "l", School: "s", LeftAt: base()}))
		return fmt.Errorf("late failure: %w", boom)
	})
	require.ErrorIs(t, err, boom, "Tx returns fn's error")

	tx(t, s, func(tx lifecycle.Tx) error {
		_, err := tx.GetCard(ctx, "R1")
		assert.ErrorIs(t, err, lifecycle.ErrNotFound)
		var nf *lifecycle.NotFoundError
		assert.ErrorAs(t, err, &nf)
		evs, err := tx.CardEvents(ctx, "R1", 0, 10)
		require.NoError(t, err)
		assert.Empty(t, evs)
		evs, err = tx.ScopeEvents(ctx, lifecycle.Scope{}, 0, 10)
		require.NoError(t, err)
		assert.Empty(t, evs)
		_, err = tx.GetImport(ctx, "dr")
		assert.ErrorIs(t, err, lifecycle.ErrNotFound)
		_, err = tx.AuditHead(ctx, "05")
		assert.ErrorIs(t, err, lifecycle.ErrNotFound)
		n, err := tx.Stock(ctx, sk)
		require.NoError(t, err)
		assert.Zero(t, n)
		_, err = tx.LastSync(ctx, lifecycle.SyncMonthEnd, studentid.LevelCity, "", "", false)
		assert.ErrorIs(t, err, lifecycle.ErrNotFound)
		_, err = tx.GetDeadline(ctx, "dr")
		assert.ErrorIs(t, err, lifecycle.ErrNotFound)
		_, err = tx.GetStudent(ctx, "k")
		assert.ErrorIs(t, err, lifecycle.ErrNotFound)
		_, err = tx.GetNumber(ctx, "0105012012601019")
		assert.ErrorIs(t, err, lifecycle.ErrNotFound)
		ens, err := tx.Enrolments(ctx, "k")
		require.NoError(t, err)
		assert.Empty(t, ens)
		lvs, err := tx.Leaves(ctx, "s", "")
		require.NoError(t, err)
		assert.Empty(t, lvs)
		_, err = tx.GetLeave(ctx, "l")
		assert.ErrorIs(t, err, lifecycle.ErrNotFound)
		return nil
	})
}

func testPanic(t *testing.T, s lifecycle.Store) {
	ctx := context.Background()
	assert.Panics(t, func() {
		_ = s.Tx(ctx, func(tx lifecycle.Tx) error {
			_, err := tx.PutCard(ctx, sampleCard("P1"))
			require.NoError(t, err)
			panic("operator pulled the plug")
		})
	})
	tx(t, s, func(tx lifecycle.Tx) error {
		_, err := tx.GetCard(ctx, "P1")
		assert.ErrorIs(t, err, lifecycle.ErrNotFound)
		return nil
	})
}

func testCancelled(t *testing.T, s lifecycle.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := s.Tx(ctx, func(tx lifecycle.Tx) error {
		_, err := tx.PutCard(ctx, sampleCard("X1"))
		return err
	})
	require.Error(t, err)
	tx(t, s, func(tx lifecycle.Tx) error {
		_, err := tx.GetCard(context.Background(), "X1")
		assert.ErrorIs(t, err, lifecycle.ErrNotFound, "a cancelled transaction keeps nothing")
		return nil
	})
}

func testTxDone(t *testing.T, s lifecycle.Store) {
	ctx := context.Background()
	var leaked lifecycle.Tx
	tx(t, s, func(tx lifecycle.Tx) error { leaked = tx; return nil })
	_, err := leaked.PutCard(ctx, sampleCard("L1"))
	assert.Error(t, err, "a Tx must not work after its function returned")
	tx(t, s, func(tx lifecycle.Tx) error {
		_, err := tx.GetCard(ctx, "L1")
		assert.ErrorIs(t, err, lifecycle.ErrNotFound)
		return nil
	})
}

func testVersioned(t *testing.T, s lifecycle.Store) {
	ctx := context.Background()
	var v1 lifecycle.Card
	tx(t, s, func(tx lifecycle.Tx) error {
		var err error
		v1, err = tx.PutCard(ctx, sampleCard("V1"))
		return err
	})
	for _, tc := range []struct {
		name   string
		card   func() lifecycle.Card
		target error
	}{
		{"create twice is a duplicate", func() lifecycle.Card { return sampleCard("V1") }, lifecycle.ErrDuplicate},
		{"stale version is a conflict", func() lifecycle.Card { c := v1; c.Version = 7; return c }, lifecycle.ErrConflict},
		{"update of a missing card", func() lifecycle.Card { c := sampleCard("nope"); c.Version = 1; return c }, lifecycle.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.Tx(ctx, func(tx lifecycle.Tx) error { _, err := tx.PutCard(ctx, tc.card()); return err })
			assert.ErrorIs(t, err, tc.target)
		})
	}
	tx(t, s, func(tx lifecycle.Tx) error {
		c := v1
		c.State = "issued"
		v2, err := tx.PutCard(ctx, c)
		require.NoError(t, err)
		assert.Equal(t, int64(2), v2.Version)
		_, err = tx.PutStudent(ctx, lifecycle.Student{Key: "s"})
		require.NoError(t, err)
		_, err = tx.PutStudent(ctx, lifecycle.Student{Key: "s"})
		assert.ErrorIs(t, err, lifecycle.ErrDuplicate)
		_, err = tx.PutStudent(ctx, lifecycle.Student{Key: "s", Version: 3})
		assert.ErrorIs(t, err, lifecycle.ErrConflict)
		return nil
	})
}

// testTwoOperators: a school operator and a district operator both open the
// same card at version 1; the first to save wins, the second is told.
func testTwoOperators(t *testing.T, s lifecycle.Store) {
	ctx := context.Background()
	tx(t, s, func(tx lifecycle.Tx) error { _, err := tx.PutCard(ctx, sampleCard("T1")); return err })
	var a, b lifecycle.Card
	tx(t, s, func(tx lifecycle.Tx) error { var err error; a, err = tx.GetCard(ctx, "T1"); return err })
	tx(t, s, func(tx lifecycle.Tx) error { var err error; b, err = tx.GetCard(ctx, "T1"); return err })
	a.State = "lost"
	tx(t, s, func(tx lifecycle.Tx) error { _, err := tx.PutCard(ctx, a); return err })
	b.State = "frozen"
	err := s.Tx(ctx, func(tx lifecycle.Tx) error { _, err := tx.PutCard(ctx, b); return err })
	require.ErrorIs(t, err, lifecycle.ErrConflict)
	var ce *lifecycle.ConflictError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "T1", ce.Key)
	assert.Equal(t, int64(1), ce.Expected)
	tx(t, s, func(tx lifecycle.Tx) error {
		c, err := tx.GetCard(ctx, "T1")
		require.NoError(t, err)
		assert.Equal(t, lifecycle.State("lost"), c.State, "the winner's write stands")
		assert.Equal(t, int64(2), c.Version)
		return nil
	})
}

// testConcurrentWriters: writers increment one card's counter (kept in Box)
// with read-modify-write; conflicts are retried; no update may be lost.
func testConcurrentWriters(t *testing.T, s lifecycle.Store) {
	ctx := context.Background()
	tx(t, s, func(tx lifecycle.Tx) error { _, err := tx.PutCard(ctx, lifecycle.Card{ID: "W1", Box: "0"}); return err })
	const writers, each = 4, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				for attempt := 0; ; attempt++ {
					err := s.Tx(ctx, func(tx lifecycle.Tx) error {
						c, err := tx.GetCard(ctx, "W1")
						if err != nil {
							return err
						}
						var n int
						if _, err := fmt.Sscan(c.Box, &n); err != nil {
							return err
						}
						c.Box = fmt.Sprint(n + 1)
						_, err = tx.PutCard(ctx, c)
						return err
					})
					if err == nil {
						break
					}
					if !errors.Is(err, lifecycle.ErrConflict) || attempt > 1000 {
						errs <- err
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	tx(t, s, func(tx lifecycle.Tx) error {
		c, err := tx.GetCard(ctx, "W1")
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprint(writers*each), c.Box)
		assert.Equal(t, int64(writers*each+1), c.Version)
		return nil
	})
}

func testEvents(t *testing.T, s lifecycle.Store) {
	ctx := context.Background()
	scopes := []struct{ district, school, card string }{
		{"05", "01050123", "A"}, {"05", "01050456", "B"}, {"06", "01060789", "C"},
	}
	tx(t, s, func(tx lifecycle.Tx) error {
		var last int64
		for i := range 9 {
			sc := scopes[i%3]
			e, err := tx.AppendEvent(ctx, lifecycle.Event{CardID: sc.card, Action: "step", At: base().Add(time.Duration(i) * time.Second),
				District: sc.district, School: sc.school, Version: int64(i/3 + 1)})
			require.NoError(t, err)
			assert.Greater(t, e.Seq, last, "Seq strictly increases")
			last = e.Seq
		}
		// A card in district stock: the district sees it, its schools do not.
		_, err := tx.AppendEvent(ctx, lifecycle.Event{CardID: "D", Action: "step", At: base(), District: "05"})
		return err
	})
	tx(t, s, func(tx lifecycle.Tx) error {
		evs, err := tx.CardEvents(ctx, "A", 0, 2)
		require.NoError(t, err)
		require.Len(t, evs, 2)
		assert.Equal(t, []int64{1, 2}, []int64{evs[0].Version, evs[1].Version})
		more, err := tx.CardEvents(ctx, "A", evs[1].Seq, 10)
		require.NoError(t, err)
		require.Len(t, more, 1)
		assert.Equal(t, int64(3), more[0].Version)

		for _, tc := range []struct {
			scope lifecycle.Scope
			want  int
		}{
			{lifecycle.Scope{}, 10},
			{lifecycle.Scope{District: "05"}, 7},
			{lifecycle.Scope{District: "05", School: "01050456"}, 3},
			{lifecycle.Scope{District: "07"}, 0},
		} {
			var all []lifecycle.Event
			var after int64
			for {
				page, err := tx.ScopeEvents(ctx, tc.scope, after, 2)
				require.NoError(t, err)
				all = append(all, page...)
				if len(page) < 2 {
					break
				}
				after = page[len(page)-1].Seq
			}
			assert.Len(t, all, tc.want, "scope %+v", tc.scope)
			for _, e := range all {
				assert.True(t, tc.scope.Contains(e.District, e.School))
			}
		}
		return nil
	})
}

// importOnce is what the Ledger does with a file: look the digest up, do the
// work, record the import, all in one transaction.
func importOnce(ctx context.Context, s lifecycle.Store, digest string, card string) (landed bool, err error) {
	err = s.Tx(ctx, func(tx lifecycle.Tx) error {
		if _, err := tx.GetImport(ctx, digest); err == nil {
			return nil
		} else if !errors.Is(err, lifecycle.ErrNotFound) {
			return err
		}
		if _, err := tx.AddStock(ctx, lifecycle.StockKey{Level: studentid.LevelCity, Item: lifecycle.StockBlankRegistry}, 1); err != nil {
			return err
		}
		if _, err := tx.PutCard(ctx, lifecycle.Card{ID: card, Batch: digest}); err != nil {
			return err
		}
		landed = true
		return tx.PutImport(ctx, lifecycle.Import{Digest: digest, FileKind: "stock", At: base(), Records: 1})
	})
	return landed && err == nil, err
}

func testImportIdempotent(t *testing.T, s lifecycle.Store) {
	ctx := context.Background()
	landed, err := importOnce(ctx, s, "f00d", "I1")
	require.NoError(t, err)
	assert.True(t, landed)
	landed, err = importOnce(ctx, s, "f00d", "I2")
	require.NoError(t, err)
	assert.False(t, landed, "second import of the same digest is a no-op")

	// A writer that skips the lookup is stopped by the key and loses its
	// whole transaction.
	err = s.Tx(ctx, func(tx lifecycle.Tx) error {
		if _, err := tx.PutCard(ctx, lifecycle.Card{ID: "I3"}); err != nil {
			return err
		}
		return tx.PutImport(ctx, lifecycle.Import{Digest: "f00d", At: base()})
	})
	require.ErrorIs(t, err, lifecycle.ErrDuplicate)
	var de *lifecycle.DuplicateError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "f00d", de.Key)
	tx(t, s, func(tx lifecycle.Tx) error {
		_, err := tx.GetCard(ctx, "I3")
		assert.ErrorIs(t, err, lifecycle.ErrNotFound)
		_, err = tx.GetCard(ctx, "I2")
		assert.ErrorIs(t, err, lifecycle.ErrNotFound)
		n, err := tx.Stock(ctx, lifecycle.StockKey{Level: studentid.LevelCity, Item: lifecycle.StockBlankRegistry})
		require.NoError(t, err)
		assert.Equal(t, int64(1), n)
		return nil
	})
}

func testImportConcurrent(t *testing.T, s lifecycle.Store) {
	ctx := context.Background()
	const n = 4
	var wg sync.WaitGroup
	results := make(chan error, n)
	landedCount := make(chan bool, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			landed, err := importOnce(ctx, s, "beef", fmt.Sprintf("J%d", i))
			if err != nil && !errors.Is(err, lifecycle.ErrDuplicate) && !errors.Is(err, lifecycle.ErrConflict) {
				results <- err
			}
			landedCount <- landed
		}()
	}
	wg.Wait()
	close(results)
	close(landedCount)
	for err := range results {
		require.NoError(t, err)
	}
	total := 0
	for l := range landedCount {
		if l {
			total++
		}
	}
	assert.Equal(t, 1, total, "exactly one import lands")
	tx(t, s, func(tx lifecycle.Tx) error {
		v, err := tx.Stock(ctx, lifecycle.StockKey{Level: studentid.LevelCity, Item: lifecycle.StockBlankRegistry})
		require.NoError(t, err)
		assert.Equal(t, int64(1), v)
		return nil
	})
}

func testAudit(t *testing.T, s lifecycle.Store) {
	ctx := context.Background()
	a := lifecycle.Audit{}
	for i := range 7 {
		chain := "05"
		if i%3 == 2 {
			chain = "city"
		}
		who := op(studentid.LevelDistrict, "05", "")
		if i == 4 {
			who.Role = lifecycle.RoleSystemAdmin // S-14: the role is stored and hashed
		}
		tx(t, s, func(tx lifecycle.Tx) error {
			_, err := a.Append(ctx, tx, lifecycle.AuditEntry{Chain: chain, At: base().Add(time.Duration(i) * time.Millisecond),
				Operator: who, Action: "transition", Subject: fmt.Sprint("card-", i),
				Rule: "P-3", Outcome: "ok", Detail: `{"before":"issued","after":"lost"}`})
			return err
		})
	}
	tx(t, s, func(tx lifecycle.Tx) error {
		head, err := tx.AuditHead(ctx, "05")
		require.NoError(t, err)
		assert.Equal(t, int64(5), head.Seq)
		err = tx.AppendAudit(ctx, lifecycle.AuditEntry{Chain: "05", Seq: 5, At: base(), Hash: "x"})
		assert.ErrorIs(t, err, lifecycle.ErrConflict, "a taken Seq is a conflict")
		var ce *lifecycle.ConflictError
		if assert.ErrorAs(t, err, &ce) {
			assert.Equal(t, lifecycle.EntityAuditChain, ce.Entity, "the Ledger retries exactly this conflict")
		}
		err = tx.AppendAudit(ctx, lifecycle.AuditEntry{Chain: "05", Seq: 9, At: base(), Hash: "x"})
		assert.ErrorIs(t, err, lifecycle.ErrConflict, "a gap is a conflict")
		page, err := tx.AuditEntries(ctx, "05", 2, 2)
		require.NoError(t, err)
		require.Len(t, page, 2)
		assert.Equal(t, []int64{3, 4}, []int64{page[0].Seq, page[1].Seq})
		assert.Equal(t, page[0].Hash, page[1].Prev)
		return nil
	})
	n, err := a.Verify(ctx, s, "05", lifecycle.AuditAnchor{})
	require.NoError(t, err, "entries round-trip exactly, so hashes verify")
	assert.Equal(t, int64(5), n)
	n, err = a.Verify(ctx, s, "city", lifecycle.AuditAnchor{})
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)
}

func testStock(t *testing.T, s lifecycle.Store) {
	ctx := context.Background()
	district := lifecycle.StockKey{Level: studentid.LevelDistrict, Code: "05", Item: lifecycle.StockReserveID}
	school := lifecycle.StockKey{Level: studentid.LevelSchool, Code: "01050123", Item: lifecycle.StockReserveID}
	tx(t, s, func(tx lifecycle.Tx) error {
		for _, step := range []struct {
			key   lifecycle.StockKey
			delta int64
			want  int64
		}{
			{district, 100, 100}, {district, -30, 70}, {school, 30, 30}, {district, -80, -10},
		} {
			got, err := tx.AddStock(ctx, step.key, step.delta)
			require.NoError(t, err)
			assert.Equal(t, step.want, got)
		}
		v, err := tx.Stock(ctx, lifecycle.StockKey{Level: studentid.LevelDistrict, Code: "06", Item: lifecycle.StockReserveID})
		require.NoError(t, err)
		assert.Zero(t, v, "a counter never touched reads 0")
		return nil
	})
}

func testSync(t *testing.T, s lifecycle.Store) {
	ctx := context.Background()
	tx(t, s, func(tx lifecycle.Tx) error {
		for i, ok := range []bool{true, true, false} {
			_, err := tx.AppendSync(ctx, lifecycle.SyncRecord{Kind: lifecycle.SyncDailyUpload, Level: studentid.LevelSchool,
				District: "05", School: "01050123", At: base().Add(time.Duration(i) * time.Hour), UpTo: int64(10 * (i + 1)), OK: ok})
			require.NoError(t, err)
		}
		_, err := tx.AppendSync(ctx, lifecycle.SyncRecord{Kind: lifecycle.SyncDailyUpload, Level: studentid.LevelSchool,
			District: "05", School: "01050456", At: base(), UpTo: 99, OK: true})
		return err
	})
	tx(t, s, func(tx lifecycle.Tx) error {
		last, err := tx.LastSync(ctx, lifecycle.SyncDailyUpload, studentid.LevelSchool, "05", "01050123", false)
		require.NoError(t, err)
		assert.False(t, last.OK, "the last sync failed")
		assert.Equal(t, int64(30), last.UpTo)
		good, err := tx.LastSync(ctx, lifecycle.SyncDailyUpload, studentid.LevelSchool, "05", "01050123", true)
		require.NoError(t, err)
		assert.True(t, good.OK)
		assert.Equal(t, int64(20), good.UpTo)
		assert.Less(t, good.ID, last.ID)
		_, err = tx.LastSync(ctx, lifecycle.SyncMonthEnd, studentid.LevelSchool, "05", "01050123", false)
		assert.ErrorIs(t, err, lifecycle.ErrNotFound)
		return nil
	})
}

func testOverdue(t *testing.T, s lifecycle.Store) {
	ctx := context.Background()
	now := base().Add(100 * time.Hour)
	type row struct {
		id, district, school string
		due                  time.Duration
		done                 bool
	}
	rows := []row{
		{"a", "05", "01050123", 1, false},
		{"b", "05", "01050123", 2, true}, // done
		{"c", "05", "01050456", 3, false},
		{"d", "05", "", 3, false}, // a district-level deadline
		{"e", "06", "01060789", 4, false},
		{"f", "05", "01050123", 200, false}, // not yet due
		{"g", "05", "01050123", 100, false}, // due exactly now: not overdue
	}
	tx(t, s, func(tx lifecycle.Tx) error {
		for _, r := range rows {
			d := lifecycle.Deadline{ID: r.id, Rule: "R-TIME-1", Subject: "card-" + r.id, Level: studentid.LevelSchool,
				District: r.district, School: r.school, Start: base(), DueAt: base().Add(r.due * time.Hour)}
			if r.done {
				d.DoneAt = base()
			}
			require.NoError(t, tx.PutDeadline(ctx, d))
		}
		return nil
	})
	for _, tc := range []struct {
		name  string
		scope lifecycle.Scope
		want  []string
	}{
		{"city sees all", lifecycle.Scope{}, []string{"a", "c", "d", "e"}},
		{"district sees its own and its schools", lifecycle.Scope{District: "05"}, []string{"a", "c", "d"}},
		{"school sees its own", lifecycle.Scope{District: "05", School: "01050123"}, []string{"a"}},
		{"other district", lifecycle.Scope{District: "07"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			q := lifecycle.OverdueQuery{Scope: tc.scope, Now: now, Limit: 1}
			tx(t, s, func(tx lifecycle.Tx) error {
				for {
					page, err := tx.Overdue(ctx, q)
					require.NoError(t, err)
					for _, d := range page {
						got = append(got, d.ID)
					}
					if len(page) < q.Limit {
						return nil
					}
					last := page[len(page)-1]
					q.AfterDue, q.AfterID = last.DueAt, last.ID
				}
			})
			assert.Equal(t, tc.want, got)
		})
	}
	// Closing a deadline takes it off the list.
	tx(t, s, func(tx lifecycle.Tx) error {
		d, err := tx.GetDeadline(ctx, "a")
		require.NoError(t, err)
		d.DoneAt = now
		require.NoError(t, tx.PutDeadline(ctx, d))
		page, err := tx.Overdue(ctx, lifecycle.OverdueQuery{Scope: lifecycle.Scope{District: "05", School: "01050123"}, Now: now})
		require.NoError(t, err)
		assert.Empty(t, page)
		return nil
	})
}

func testNumbers(t *testing.T, s lifecycle.Store) {
	ctx := context.Background()
	tx(t, s, func(tx lifecycle.Tx) error {
		for _, n := range []string{"0105012002603016", "0105012002603024", "0105012002603105", "0105012002604018"} {
			_, err := tx.PutNumber(ctx, lifecycle.NumberRecord{Number: n, StudentKey: "k" + n, School: "01050120", Status: lifecycle.NumberActive, At: base()})
			require.NoError(t, err)
		}
		return nil
	})
	tx(t, s, func(tx lifecycle.Tx) error {
		last, err := tx.LastNumber(ctx, "0105012002603")
		require.NoError(t, err)
		assert.Equal(t, "0105012002603105", last.Number, "the class's last seat")
		_, err = tx.LastNumber(ctx, "0105012002605")
		assert.ErrorIs(t, err, lifecycle.ErrNotFound)
		_, err = tx.PutNumber(ctx, lifecycle.NumberRecord{Number: "0105012002603024", StudentKey: "someone else", At: base()})
		assert.ErrorIs(t, err, lifecycle.ErrDuplicate, "S-ID-1: a number is never given twice")
		n, err := tx.GetNumber(ctx, "0105012002603024")
		require.NoError(t, err)
		n.Status = lifecycle.NumberRetired
		n, err = tx.PutNumber(ctx, n)
		require.NoError(t, err)
		assert.Equal(t, int64(2), n.Version)
		return nil
	})
}

// testAssignedNumbers checks the S-ID-1 range read: numbers under a prefix
// only, in number order after the cursor, a page at a time, each joined to
// its student's resident ID number, a missing student said so, and nothing a
// rolled-back transaction wrote.
func testAssignedNumbers(t *testing.T, s lifecycle.Store) {
	ctx := context.Background()
	school := []string{"0105012002603016", "0105012002603024", "0105012002603105", "0105012002604018"}
	tx(t, s, func(tx lifecycle.Tx) error {
		for i, n := range append(slices.Clone(school), "0105012102603011", "0106012002603014") {
			_, err := tx.PutStudent(ctx, lifecycle.Student{Key: "k" + n, Number: n, IDNumber: fmt.Sprintf("11010120150101%03dX", i)})
			require.NoError(t, err)
			_, err = tx.PutNumber(ctx, lifecycle.NumberRecord{Number: n, StudentKey: "k" + n, School: n[:8], Status: lifecycle.NumberActive, At: base()})
			require.NoError(t, err)
		}
		_, err := tx.PutNumber(ctx, lifecycle.NumberRecord{Number: "0105012002609999", StudentKey: "nobody", School: "01050120", At: base()})
		require.NoError(t, err)
		return nil
	})
	rolledBack := errors.New("roll back")
	require.ErrorIs(t, s.Tx(ctx, func(tx lifecycle.Tx) error {
		_, err := tx.PutNumber(ctx, lifecycle.NumberRecord{Number: "0105012002605000", StudentKey: "k", School: "01050120", At: base()})
		require.NoError(t, err)
		return rolledBack
	}), rolledBack)

	all, err := s.AssignedNumbers(ctx, "01050120", "", 0)
	require.NoError(t, err)
	want := make([]lifecycle.AssignedNumber, 0, 5)
	for i, n := range school {
		want = append(want, lifecycle.AssignedNumber{Number: n, StudentKey: "k" + n, IDNumber: fmt.Sprintf("11010120150101%03dX", i), HasStudent: true})
	}
	want = append(want, lifecycle.AssignedNumber{Number: "0105012002609999", StudentKey: "nobody"})
	assert.Equal(t, want, all, "the school's numbers in order, the rolled-back one absent, the orphan flagged")

	var paged []lifecycle.AssignedNumber
	for after := ""; ; {
		page, err := s.AssignedNumbers(ctx, "01050120", after, 2)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page), 2)
		paged = append(paged, page...)
		if len(page) < 2 {
			break
		}
		after = page[len(page)-1].Number
	}
	assert.Equal(t, want, paged, "pages of 2 after the cursor")

	district, err := s.AssignedNumbers(ctx, "0105", "", 100)
	require.NoError(t, err)
	assert.Len(t, district, 6, "a district prefix holds both of its schools, not district 06")
	none, err := s.AssignedNumbers(ctx, "0107", "", 100)
	require.NoError(t, err)
	assert.Empty(t, none)

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = s.AssignedNumbers(cancelled, "0105", "", 100)
	assert.ErrorIs(t, err, context.Canceled)
}

func testEnrolmentsLeaves(t *testing.T, s lifecycle.Store) {
	ctx := context.Background()
	tx(t, s, func(tx lifecycle.Tx) error {
		require.NoError(t, tx.PutEnrolment(ctx, lifecycle.Enrolment{StudentKey: "k", School: "B", District: "05", Since: base().Add(48 * time.Hour)}))
		require.NoError(t, tx.PutEnrolment(ctx, lifecycle.Enrolment{StudentKey: "k", School: "A", District: "05", Since: base()}))
		// Replace A's enrolment: same key, now closed.
		require.NoError(t, tx.PutEnrolment(ctx, lifecycle.Enrolment{StudentKey: "k", School: "A", District: "05", Since: base(), Until: base().Add(24 * time.Hour)}))
		for i, cohort := range []string{"26", "27", "26"} {
			require.NoError(t, tx.PutLeave(ctx, lifecycle.LeaveRecord{ID: fmt.Sprint("L", i), School: "A", Cohort: cohort, LeftAt: base().Add(time.Duration(3-i) * time.Hour)}))
		}
		require.NoError(t, tx.PutLeave(ctx, lifecycle.LeaveRecord{ID: "other", School: "B", Cohort: "26", LeftAt: base()}))
		return nil
	})
	tx(t, s, func(tx lifecycle.Tx) error {
		ens, err := tx.Enrolments(ctx, "k")
		require.NoError(t, err)
		require.Len(t, ens, 2)
		assert.Equal(t, "A", ens[0].School)
		assert.True(t, utc(ens[0].Until).Equal(base().Add(24*time.Hour)))
		assert.Equal(t, "B", ens[1].School)
		lv, err := tx.Leaves(ctx, "A", "26")
		require.NoError(t, err)
		require.Len(t, lv, 2)
		assert.Equal(t, []string{"L2", "L0"}, []string{lv[0].ID, lv[1].ID}, "ordered by LeftAt")
		all, err := tx.Leaves(ctx, "A", "")
		require.NoError(t, err)
		assert.Len(t, all, 3)
		return nil
	})
}
