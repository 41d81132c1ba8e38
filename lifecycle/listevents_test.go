package lifecycle_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/batch/lists"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

const (
	cardA = "A000000000000001" // school A's card (16 hex digits: a chip serial)
	cardB = "B000000000000002"
	cardX = "C000000000000003"
)

// listFixture issues cardA to a student of school A on 1 September 2026.
func listFixture(t *testing.T) (*fixture, studentid.ID) {
	f := newFixture(t, bj(2026, 9, 1, 9))
	num := number(t, schoolA, 0, 32, 1, 1)
	f.issuedRegistryCard(cardA, schoolA, num)
	return f, num
}

func (f *fixture) at(y int, m time.Month, d, h, min int) {
	f.now = time.Date(y, m, d, h, min, 0, 0, lifecycle.Beijing())
}

// list returns op's list events of a day.
func (f *fixture) list(op lifecycle.Operator, y int, m time.Month, d int) []lists.Event {
	f.t.Helper()
	es, err := f.l.ListEvents(f.ctx, op, lifecycle.Date{Year: y, Month: m, Day: d})
	require.NoError(f.t, err)
	for _, e := range es {
		require.NoError(f.t, e.Validate(), "a list event must be fit for an event file")
	}
	return es
}

// kinds renders events as "kind@time" for compact comparisons.
func kinds(es []lists.Event) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.Kind.String()+"@"+e.Time.In(lifecycle.Beijing()).Format("01-02 15:04")+"/"+e.Serial.String()[:1])
	}
	return out
}

func TestListEventsLoss(t *testing.T) {
	t.Run("R-LOSS-1/a loss goes on the list of the day it is reported, at once", func(t *testing.T) {
		f, num := listFixture(t)
		f.at(2026, 9, 30, 10, 0)
		f.tr(opA, cardA, lifecycle.ActReportLoss, "")
		f.at(2026, 9, 30, 23, 0)
		es := f.list(opA, 2026, 9, 30)
		require.Len(t, es, 1, "not held back until 10 October: the 2 working days are an upper bound")
		serial, err := studentid.ParseSerial(cardA)
		require.NoError(t, err)
		assert.Equal(t, lists.Event{Serial: serial, RegistryNo: num, Kind: lists.KindLoss,
			Time: time.Date(2026, 9, 30, 10, 0, 0, 0, lifecycle.Beijing()), School: num.School(), Operator: "a"}, es[0])
		f.at(2026, 10, 12, 12, 0)
		for d := 1; d <= 12; d++ {
			assert.Empty(t, f.list(opA, 2026, 10, d), "listed once")
		}
		city := f.list(city, 2026, 9, 30)
		assert.Equal(t, []string{"loss@09-30 10:00/A"}, kinds(city), "the city's list for the transit company is not held back either")
	})
	t.Run("R-LOSS-1/the 2-working-day bound is a clock that the daily upload closes", func(t *testing.T) {
		f, _ := listFixture(t)
		f.at(2026, 9, 30, 10, 0)
		f.tr(opA, cardA, lifecycle.ActReportLoss, "")
		c, err := f.l.Card(f.ctx, opA, cardA)
		require.NoError(t, err)
		mustBe, by, _ := f.l.LossEffective(c)
		assert.False(t, mustBe)
		assert.True(t, by.Equal(time.Date(2026, 10, 10, 0, 0, 0, 0, lifecycle.Beijing())), "8 and 9 October are the 2 working days, got %v", by)
		f.at(2026, 10, 10, 1, 0)
		assert.Contains(t, f.overdue(opA), "R-LOSS-1/"+cardA)
		unsent, err := f.l.Unsent(f.ctx, opA, 100)
		require.NoError(t, err)
		_, err = f.l.RecordSync(f.ctx, opA, lifecycle.SyncDailyUpload, unsent[len(unsent)-1].Seq, true, "")
		require.NoError(t, err)
		assert.NotContains(t, f.overdue(opA), "R-LOSS-1/"+cardA, "the upload carried the loss to the readers")
	})
	t.Run("R-LOSS-1/a loss cancelled the next day is a loss and an unloss", func(t *testing.T) {
		f, _ := listFixture(t)
		f.at(2026, 11, 2, 10, 0)
		f.tr(opA, cardA, lifecycle.ActReportLoss, "")
		f.at(2026, 11, 3, 16, 0)
		f.tr(opA, cardA, lifecycle.ActCancelLoss, "")
		f.at(2026, 11, 9, 9, 0)
		assert.Equal(t, []string{"loss@11-02 10:00/A"}, kinds(f.list(opA, 2026, 11, 2)))
		assert.Equal(t, []string{"unloss@11-03 16:00/A"}, kinds(f.list(opA, 2026, 11, 3)))
		assert.NotContains(t, f.overdue(opA), "R-LOSS-1/"+cardA, "a card found again needs no loss in effect")
	})
	t.Run("R-LEAVE-1/freezing a lost card lifts the loss and freezes", func(t *testing.T) {
		f, _ := listFixture(t)
		f.at(2026, 11, 2, 10, 0)
		f.tr(opA, cardA, lifecycle.ActReportLoss, "")
		f.at(2026, 11, 9, 10, 0)
		f.tr(opA, cardA, lifecycle.ActFreeze, "")
		f.at(2026, 11, 10, 11, 0)
		f.tr(opA, cardA, lifecycle.ActUnfreeze, "")
		assert.Equal(t, []string{"loss@11-02 10:00/A"}, kinds(f.list(opA, 2026, 11, 2)))
		assert.Equal(t, []string{"unloss@11-09 10:00/A", "freeze@11-09 10:00/A"}, kinds(f.list(opA, 2026, 11, 9)))
		assert.Equal(t, []string{"unfreeze@11-10 11:00/A"}, kinds(f.list(opA, 2026, 11, 10)))
	})
	t.Run("R-LOSS-1/a lost card cancelled stays blocked", func(t *testing.T) {
		f, _ := listFixture(t)
		f.at(2026, 11, 2, 10, 0)
		f.tr(opA, cardA, lifecycle.ActReportLoss, "")
		f.at(2026, 11, 3, 8, 0)
		f.tr(opA, cardA, lifecycle.ActCancel, "")
		f.at(2026, 11, 9, 9, 0)
		assert.Empty(t, f.list(opA, 2026, 11, 3), "cancelling changes nothing on the lists")
		assert.Equal(t, []string{"loss@11-02 10:00/A"}, kinds(f.list(opA, 2026, 11, 2)))
	})
	t.Run("R-LOSS-1/a loss on 31 December 2026 is listed and its bound counted provisionally past the calendar", func(t *testing.T) {
		for _, day := range []int{30, 31} {
			f, _ := listFixture(t)
			f.at(2026, 12, day, 10, 0)
			f.tr(opA, cardA, lifecycle.ActReportLoss, "")
			f.at(2027, 1, 8, 9, 0)
			assert.Equal(t, []string{fmt.Sprintf("loss@12-%d 10:00/A", day)}, kinds(f.list(opA, 2026, 12, day)))
			assert.Empty(t, f.list(dist05, 2027, 1, 4), "a day past the shipped calendar lists like any other")
			c, err := f.l.Card(f.ctx, opA, cardA)
			require.NoError(t, err)
			_, by, provisional := f.l.LossEffective(c)
			assert.True(t, provisional, "2027 holidays are not loaded: weekends only")
			want := map[int]time.Time{30: bj(2027, 1, 2, 0), 31: bj(2027, 1, 5, 0)}[day]
			assert.True(t, want.Equal(by), "%d December: got %v", day, by)
			dl := f.deadline("R-LOSS-1/" + cardA)
			assert.True(t, dl.Provisional)
			assert.Equal(t, 2, dl.WorkingDays)
		}
	})
	t.Run("P-3/a loss undone before it takes effect never reaches a list", func(t *testing.T) {
		f, _ := listFixture(t)
		f.at(2026, 11, 2, 10, 0)
		f.tr(opA, cardA, lifecycle.ActReportLoss, "")
		_, err := f.l.Undo(f.ctx, opA, cardA, "wrong card")
		require.NoError(t, err)
		f.at(2026, 11, 9, 9, 0)
		assert.Empty(t, f.list(opA, 2026, 11, 5))
	})
	t.Run("P-3/undoing a freeze of a lost card puts the loss back at once", func(t *testing.T) {
		f, _ := listFixture(t)
		f.at(2026, 11, 2, 10, 0)
		f.tr(opA, cardA, lifecycle.ActReportLoss, "")
		f.at(2026, 11, 9, 10, 0)
		f.tr(opA, cardA, lifecycle.ActFreeze, "")
		f.at(2026, 11, 9, 10, 5)
		_, err := f.l.Undo(f.ctx, opA, cardA, "wrong card")
		require.NoError(t, err)
		assert.Equal(t, []string{"unloss@11-09 10:00/A", "freeze@11-09 10:00/A", "loss@11-09 10:05/A", "unfreeze@11-09 10:05/A"},
			kinds(f.list(opA, 2026, 11, 9)), "the loss took effect on 5 November, so it is back at the undo")
	})
	t.Run("R-LIST-1/events after now are not listed yet", func(t *testing.T) {
		f, _ := listFixture(t)
		f.at(2026, 11, 9, 10, 0)
		f.tr(opA, cardA, lifecycle.ActFreeze, "")
		f.at(2026, 11, 9, 9, 0) // the clock asked earlier than the freeze
		assert.Empty(t, f.list(opA, 2026, 11, 9))
	})
}

func TestListEventsScope(t *testing.T) {
	f, _ := listFixture(t)
	f.issuedRegistryCard(cardB, schoolB, number(t, schoolB, 0, 32, 1, 1))
	f.issuedRegistryCard(cardX, schoolX, number(t, schoolX, 0, 32, 1, 1))
	opX := lifecycle.Operator{Level: studentid.LevelSchool, District: "06", School: schoolX, User: "x"}
	f.at(2026, 11, 9, 10, 0)
	f.tr(opB, cardB, lifecycle.ActFreeze, "")
	f.at(2026, 11, 9, 10, 1)
	f.tr(opX, cardX, lifecycle.ActFreeze, "")
	f.at(2026, 11, 9, 10, 2)
	f.tr(opA, cardA, lifecycle.ActFreeze, "")
	for _, tc := range []struct {
		name string
		op   lifecycle.Operator
		want []string
	}{
		{"S-4/a school lists its own cards", opA, []string{"freeze@11-09 10:02/A"}},
		{"S-4/another school of the district", opB, []string{"freeze@11-09 10:00/B"}},
		{"R-LIST-1/the district list", dist05, []string{"freeze@11-09 10:00/B", "freeze@11-09 10:02/A"}},
		{"R-LIST-1/the city list", city, []string{"freeze@11-09 10:00/B", "freeze@11-09 10:01/C", "freeze@11-09 10:02/A"}},
		{"S-4/another district", dist06, []string{"freeze@11-09 10:01/C"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, kinds(f.list(tc.op, 2026, 11, 9)))
		})
	}
	t.Run("S-4/application units get lists, not the ledger", func(t *testing.T) {
		_, err := f.l.ListEvents(f.ctx, transitU, lifecycle.Date{Year: 2026, Month: 11, Day: 9})
		require.ErrorIs(t, err, lifecycle.ErrForbidden)
		head, err := f.l.AuditHead(f.ctx, city, lifecycle.CityChain)
		require.NoError(t, err)
		assert.Equal(t, "refused", head.Outcome)
		assert.Equal(t, "list-events", head.Action)
	})
}

// TestListEventsLongHistory: with weeks of other events before the day, the
// search for the window still finds exactly the day's events (R-LIST-1).
func TestListEventsLongHistory(t *testing.T) {
	f, _ := listFixture(t)
	f.issuedRegistryCard(cardB, schoolB, number(t, schoolB, 0, 32, 1, 1))
	want := map[lifecycle.Date][]string{}
	day := lifecycle.Date{Year: 2026, Month: 9, Day: 7}
	for i := 0; i < 40; i++ {
		f.now = day.Start().Add(9 * time.Hour)
		f.tr(opB, cardB, lifecycle.ActFreeze, "")
		f.now = f.now.Add(time.Hour)
		f.tr(opB, cardB, lifecycle.ActUnfreeze, "")
		want[day] = []string{"freeze@" + day.Start().Add(9*time.Hour).Format("01-02 15:04") + "/B",
			"unfreeze@" + day.Start().Add(10*time.Hour).Format("01-02 15:04") + "/B"}
		day = day.AddDays(1)
	}
	f.now = day.Start()
	for d := (lifecycle.Date{Year: 2026, Month: 9, Day: 6}); d != day; d = d.AddDays(1) {
		got := kinds(f.list(dist05, d.Year, d.Month, d.Day))
		if want[d] == nil {
			assert.Empty(t, got, d.String())
			continue
		}
		assert.Equal(t, want[d], got, d.String())
	}
}

func TestListEventErrors(t *testing.T) {
	t.Run("R-LIST-1/a card ID that is not a serial is an error, not a gap in the list", func(t *testing.T) {
		f := newFixture(t, bj(2026, 9, 1, 9))
		f.issuedRegistryCard("not-a-serial", schoolA, number(t, schoolA, 0, 32, 1, 1))
		f.at(2026, 11, 9, 10, 0)
		f.tr(opA, "not-a-serial", lifecycle.ActFreeze, "")
		_, err := f.l.ListEvents(f.ctx, opA, lifecycle.Date{Year: 2026, Month: 11, Day: 9})
		var le *lifecycle.ListEventError
		require.ErrorAs(t, err, &le)
		assert.Equal(t, "not-a-serial", le.CardID)
		assert.True(t, errors.Is(err, studentid.ErrSerial))
		assert.Contains(t, err.Error(), `card "not-a-serial", event `)
		assert.Regexp(t, `\p{Han}`, l10n.Error(err, l10n.Chinese))
	})
	t.Run("R-LOSS-1/a day outside the calendar lists like any other", func(t *testing.T) {
		f := newFixture(t, bj(2026, 9, 1, 9))
		es, err := f.l.ListEvents(f.ctx, opA, lifecycle.Date{Year: 2031, Month: 1, Day: 9})
		require.NoError(t, err)
		assert.Empty(t, es)
	})
}
