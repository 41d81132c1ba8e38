package lists_test

import (
	"context"
	"errors"
	"io"
	mrand "math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/batch/lists"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/studentid"
)

// collect is an EventSink that keeps what it is given.
type collect struct{ events []lists.Event }

func (c *collect) Write(e lists.Event) error { c.events = append(c.events, e); return nil }

func merge(t *testing.T, inputs ...[]lists.Event) ([]lists.Event, lists.MergeReport) {
	t.Helper()
	srcs := make([]lists.EventSource, len(inputs))
	for i, in := range inputs {
		srcs[i] = lists.NewSliceSource(in)
	}
	var out collect
	rep, err := lists.Merge(context.Background(), &out, srcs...)
	require.NoError(t, err)
	return out.events, rep
}

// randEvents returns n sorted events on a few cards, from a few schools, at
// minute resolution so that same-instant events occur.
func randEvents(t *testing.T, rng *mrand.Rand, n int) []lists.Event {
	out := make([]lists.Event, n)
	for i := range out {
		e := event(t, uint64(rng.IntN(20)), lists.Kind(1+rng.IntN(4)), at(rng.IntN(300)))
		e.School = testSchool([]string{"01010001", "01010002", "01020001"}[rng.IntN(3)])
		out[i] = e
	}
	lists.SortEvents(out)
	return out
}

func TestMergeIsASetUnion(t *testing.T) {
	rng := mrand.New(mrand.NewPCG(5, 6))
	type round struct{ a, b, c []lists.Event }
	rounds := make([]round, 50)
	for i := range rounds {
		rounds[i] = round{randEvents(t, rng, 40), randEvents(t, rng, 30), randEvents(t, rng, 20)}
	}
	t.Run("R-LIST-1/idempotent: merging a file twice changes nothing", func(t *testing.T) {
		for i, r := range rounds {
			aa, rep := merge(t, r.a, r.a)
			a1, _ := merge(t, r.a)
			assert.Equal(t, a1, aa, "round %d", i)
			assert.Equal(t, 2*len(r.a), rep.Read)
			assert.Equal(t, len(a1), rep.Written)
			assert.Equal(t, 2*len(r.a)-len(a1), rep.Duplicates)
			ab, _ := merge(t, r.a, r.b)
			again, _ := merge(t, ab, r.a)
			assert.Equal(t, ab, again, "round %d", i)
		}
	})
	t.Run("R-LIST-1/school to district to city in any grouping", func(t *testing.T) {
		for i, r := range rounds {
			ab, _ := merge(t, r.a, r.b)
			left, _ := merge(t, ab, r.c)
			bc, _ := merge(t, r.b, r.c)
			right, _ := merge(t, r.a, bc)
			flat, _ := merge(t, r.c, r.b, r.a)
			assert.Equal(t, left, right, "round %d", i)
			assert.Equal(t, left, flat, "round %d", i)
		}
	})
	t.Run("R-LIST-1/ordered by event time, no duplicates", func(t *testing.T) {
		for _, r := range rounds {
			ab, _ := merge(t, r.a, r.b)
			naive := slices.Concat(r.a, r.b)
			lists.SortEvents(naive)
			naive = slices.CompactFunc(naive, func(x, y lists.Event) bool { return x.Compare(y) == 0 })
			assert.Equal(t, naive, ab, "the merge is the sorted union")
			for j := 1; j < len(ab); j++ {
				assert.False(t, ab[j].Time.Before(ab[j-1].Time))
				assert.Equal(t, 1, ab[j].Compare(ab[j-1]))
			}
		}
	})
}

func TestMergeReport(t *testing.T) {
	loss := event(t, 7, lists.KindLoss, at(10))
	unloss := event(t, 7, lists.KindUnloss, at(10))
	other := event(t, 7, lists.KindLoss, at(10))
	other.School = testSchool("01010002")
	later := event(t, 7, lists.KindUnloss, at(20))
	out, rep := merge(t, []lists.Event{loss, later}, []lists.Event{loss, unloss}, []lists.Event{other})
	assert.Equal(t, []lists.Event{loss, other, unloss, later}, out, "ties broken by kind, then school")
	assert.Equal(t, 5, rep.Read)
	assert.Equal(t, 4, rep.Written)
	assert.Equal(t, 1, rep.Duplicates)
	require.Len(t, rep.Conflicts, 2, "R-LIST-1: conflicting duplicates are reported")
	assert.Equal(t, 2, rep.ConflictCount)
	assert.Equal(t, lists.Conflict{A: loss, B: other}, rep.Conflicts[0])
	assert.Equal(t, lists.Conflict{A: other, B: unloss}, rep.Conflicts[1])
	assert.Equal(t, "lists: card 0000000000000007 at 2026-11-23T08:10:00+08:00: conflicting events loss (01010001) and loss (01010002)", rep.Conflicts[0].Error())
	assert.Contains(t, rep.Conflicts[0].Localize(l10n.Chinese), "相互冲突")
}

func TestMergeConflictListIsBounded(t *testing.T) {
	events := make([]lists.Event, 0, 2*(lists.MaxConflicts+5))
	for i := range lists.MaxConflicts + 5 {
		e := event(t, uint64(i), lists.KindLoss, at(i))
		events = append(events, e)
		e.Kind = lists.KindUnloss
		events = append(events, e)
	}
	_, rep := merge(t, events)
	assert.Len(t, rep.Conflicts, lists.MaxConflicts)
	assert.Equal(t, lists.MaxConflicts+5, rep.ConflictCount)
}

type failSource struct{ err error }

func (f failSource) Next() (lists.Event, error) { return lists.Event{}, f.err }

type failSink struct{ err error }

func (f failSink) Write(lists.Event) error { return f.err }

func TestMergeErrors(t *testing.T) {
	e1, e2 := event(t, 1, lists.KindLoss, at(1)), event(t, 1, lists.KindUnloss, at(2))
	t.Run("R-LIST-1/source out of order", func(t *testing.T) {
		_, err := lists.Merge(context.Background(), &collect{}, lists.NewSliceSource([]lists.Event{e1}), lists.NewSliceSource([]lists.Event{e2, e1}))
		var oe *lists.OrderError
		require.ErrorAs(t, err, &oe)
		assert.Equal(t, lists.OrderError{Source: 1, Index: 1}, *oe)
		assert.ErrorIs(t, err, lists.ErrOutOfOrder)
		assert.Equal(t, "第1个来源，第1个事件：事件未按顺序排列", l10n.Error(err, l10n.Chinese))
	})
	boom := errors.New("disk full")
	t.Run("source error", func(t *testing.T) {
		_, err := lists.Merge(context.Background(), &collect{}, lists.NewSliceSource([]lists.Event{e1}), failSource{boom})
		assert.ErrorIs(t, err, boom)
	})
	t.Run("sink error", func(t *testing.T) {
		_, err := lists.Merge(context.Background(), failSink{boom}, lists.NewSliceSource([]lists.Event{e1}))
		assert.ErrorIs(t, err, boom)
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := lists.Merge(ctx, &collect{}, lists.NewSliceSource([]lists.Event{e1, e2}))
		assert.ErrorIs(t, err, context.Canceled)
		_, err = lists.NewState().Fold(ctx, lists.NewSliceSource([]lists.Event{e1}))
		assert.ErrorIs(t, err, context.Canceled)
	})
}

func TestStateFold(t *testing.T) {
	ev := func(k lists.Kind, minute int) lists.Event { return event(t, 42, k, at(minute)) }
	for _, tc := range []struct {
		name   string
		events []lists.Event
		want   lists.Status
	}{
		{"R-DAILY-1/loss puts the card on the list", []lists.Event{ev(lists.KindLoss, 1)}, lists.StatusLost},
		{"R-DAILY-1/unloss after loss takes it off", []lists.Event{ev(lists.KindLoss, 1), ev(lists.KindUnloss, 2)}, 0},
		{"R-DAILY-1/freeze", []lists.Event{ev(lists.KindFreeze, 1)}, lists.StatusFrozen},
		{"R-DAILY-1/unfreeze after freeze", []lists.Event{ev(lists.KindFreeze, 1), ev(lists.KindUnfreeze, 2)}, 0},
		{"R-LIST-1/loss and freeze are independent", []lists.Event{ev(lists.KindLoss, 1), ev(lists.KindFreeze, 2), ev(lists.KindUnloss, 3)}, lists.StatusFrozen},
		{"R-LIST-1/a later loss after an unloss", []lists.Event{ev(lists.KindLoss, 1), ev(lists.KindUnloss, 2), ev(lists.KindLoss, 3)}, lists.StatusLost},
		{"R-LIST-1/an earlier unloss arriving late does not cancel", []lists.Event{ev(lists.KindLoss, 5), ev(lists.KindUnloss, 2)}, lists.StatusLost},
		{"R-LIST-1/an earlier loss arriving late does not revive", []lists.Event{ev(lists.KindUnloss, 5), ev(lists.KindLoss, 2)}, 0},
		{"R-LIST-1/same instant: unloss wins in either order", []lists.Event{ev(lists.KindUnloss, 5), ev(lists.KindLoss, 5)}, 0},
		{"R-LIST-1/same instant: unloss wins (merge order)", []lists.Event{ev(lists.KindLoss, 5), ev(lists.KindUnloss, 5)}, 0},
		{"R-LIST-1/same instant: unfreeze wins", []lists.Event{ev(lists.KindUnfreeze, 5), ev(lists.KindFreeze, 5)}, 0},
		{"R-LIST-1/unloss of a card not lost", []lists.Event{ev(lists.KindUnloss, 1)}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := lists.NewState()
			n, err := s.Fold(context.Background(), lists.NewSliceSource(tc.events))
			require.NoError(t, err)
			assert.Equal(t, len(tc.events), n)
			assert.Equal(t, tc.want, s.Status(serial(42)))
			want := 0
			if tc.want != 0 {
				want = 1
			}
			assert.Equal(t, want, s.Len())
			assert.Len(t, s.Entries(), want)
		})
	}
}

// TestFoldProperties: the state is the fold of the events in time order,
// whatever order and how many times they arrive.
func TestFoldProperties(t *testing.T) {
	rng := mrand.New(mrand.NewPCG(7, 8))
	for round := range 100 {
		events := randEvents(t, rng, 60)
		sorted := lists.NewState()
		for _, e := range events {
			sorted.Apply(e)
		}
		shuffled := slices.Clone(events)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		shuffledState := lists.NewState()
		for _, e := range shuffled {
			shuffledState.Apply(e)
		}
		assert.Equal(t, sorted.Entries(), shuffledState.Entries(), "R-LIST-1/order independent, round %d", round)
		assert.True(t, slices.IsSortedFunc(sorted.Entries(), func(a, b lists.Entry) int { return a.Serial.Compare(b.Serial) }))
		for _, e := range events {
			assert.False(t, sorted.Apply(e), "R-LIST-1/idempotent: applying again changes nothing, round %d", round)
		}
		// The naive reference: per card and bit, the last event in merge
		// order decides.
		want := map[studentid.Serial]lists.Status{}
		for _, e := range events {
			switch e.Kind {
			case lists.KindLoss:
				want[e.Serial] |= lists.StatusLost
			case lists.KindUnloss:
				want[e.Serial] &^= lists.StatusLost
			case lists.KindFreeze:
				want[e.Serial] |= lists.StatusFrozen
			case lists.KindUnfreeze:
				want[e.Serial] &^= lists.StatusFrozen
			}
		}
		for s, st := range want {
			assert.Equal(t, st, sorted.Status(s), "R-LIST-1/fold = last event per bit, round %d", round)
		}
	}
}

func TestStateRefusesInvalidEvents(t *testing.T) {
	s := lists.NewState()
	bad := event(t, 1, 0, at(1))
	assert.ErrorIs(t, s.Write(bad), lists.ErrBadKind)
	assert.False(t, s.Apply(bad))
	assert.False(t, s.Apply(event(t, 1, lists.KindLoss, time.Time{})), "zero time")
	assert.False(t, s.Apply(event(t, 1, lists.KindLoss, time.Date(2400, 1, 1, 0, 0, 0, 0, beijing))))
	assert.NoError(t, s.Write(event(t, 1, lists.KindLoss, at(1))))
	assert.Equal(t, lists.StatusLost, s.Status(serial(1)))
}

func TestStateOfListAndPrune(t *testing.T) {
	key := testKey(1)
	l := mustBuild(t, []lists.Entry{{serial(1), lists.StatusLost}, {serial(2), lists.StatusAll}}, opts(1, key))
	s := lists.StateOf(l)
	assert.Equal(t, lists.StatusAll, s.Status(serial(2)))
	assert.True(t, s.Apply(event(t, 1, lists.KindUnloss, at(0))), "any event applies over a snapshot")
	assert.True(t, s.Apply(event(t, 3, lists.KindFreeze, at(1))))
	assert.True(t, s.Apply(event(t, 3, lists.KindUnfreeze, at(100))))
	assert.Equal(t, []lists.Entry{{serial(2), lists.StatusAll}}, s.Entries())
	assert.Equal(t, 1, s.Prune(at(50)), "card 1 is off the list and quiet since 08:00")
	assert.Equal(t, 0, s.Prune(at(50)))
	assert.Equal(t, 1, s.Prune(at(101)), "card 3 once its last event is before the cutoff")
	assert.Equal(t, 1, s.Len())
}

func TestSliceSourceEOF(t *testing.T) {
	src := lists.NewSliceSource(nil)
	_, err := src.Next()
	assert.Equal(t, io.EOF, err)
}
