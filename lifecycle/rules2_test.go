package lifecycle_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/card"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

// deadline reads one deadline straight from the store.
func (f *fixture) deadline(id string) lifecycle.Deadline {
	f.t.Helper()
	var d lifecycle.Deadline
	require.NoError(f.t, f.store.Tx(f.ctx, func(tx lifecycle.Tx) error {
		var err error
		d, err = tx.GetDeadline(f.ctx, id)
		return err
	}))
	return d
}

// issuedIDCard brings an ID card through making and the three result
// imports to the student at school.
func (f *fixture) issuedIDCard(id string, num studentid.ID) lifecycle.Card {
	f.t.Helper()
	school := num.School()
	op := lifecycle.Operator{Level: lifecycle.LevelSchool, District: school[2:4], School: school}
	dist := lifecycle.Operator{Level: lifecycle.LevelDistrict, District: school[2:4]}
	_, err := f.l.SubmitIDCard(f.ctx, op, id, num, bj(2032, 8, 31, 0))
	require.NoError(f.t, err)
	f.tr(dist, id, lifecycle.ActValidateDistrict, "")
	f.tr(city, id, lifecycle.ActValidateCity, "")
	f.tr(city, id, lifecycle.ActSendToFactory, "")
	for _, o := range []lifecycle.Operator{city, dist, op} {
		_, err := f.l.ImportResult(f.ctx, o, "res-"+id+"-"+string(o.Level), []string{id})
		require.NoError(f.t, err)
	}
	return f.tr(op, id, lifecycle.ActIssue, "")
}

func (f *fixture) card(id string) lifecycle.Card {
	f.t.Helper()
	c, err := f.l.Card(f.ctx, city, id)
	require.NoError(f.t, err)
	return c
}

func ruleOf(t *testing.T, err error) string {
	t.Helper()
	var re *lifecycle.RuleError
	require.ErrorAs(t, err, &re)
	return re.Rule
}

func TestResumeSeedCases(t *testing.T) {
	t.Run("R-MOVE-2/A to B and back to A: the card works at A again", func(t *testing.T) {
		f := newFixture(t, bj(2026, 9, 7, 9))
		num := number(t, schoolA, 0, 30, 3, 7)
		f.enrol("stu1", num)
		f.issuedRegistryCard("M1", schoolA, num)
		require.NoError(t, f.l.TransferOut(f.ctx, opA, "stu1"))
		require.NoError(t, f.l.TransferIn(f.ctx, opB, "stu1"))
		_, err := f.l.Personalise(f.ctx, opB, "M1", num)
		require.NoError(t, err)
		f.tr(opB, "M1", lifecycle.ActIssue, "")
		require.NoError(t, f.l.TransferOut(f.ctx, opB, "stu1"))
		assert.ErrorIs(t, f.l.TransferIn(f.ctx, opA, "stu1"), lifecycle.ErrNotAtSchool)
		f.now = bj(2026, 11, 2, 9)
		require.NoError(t, f.l.Resume(f.ctx, opA, "stu1"))
		c := f.card("M1")
		assert.Equal(t, lifecycle.RegIssued, c.State, "not stranded in transferred-out under B")
		assert.Equal(t, schoolA, c.School)
		assert.True(t, f.l.RegistrationValid(c), "R-REG-1: registered on reporting back")
		f.tr(opA, "M1", lifecycle.ActReportLoss, "") // and the school can act on it
	})
	t.Run("R-MOVE-2/left in flight, then back", func(t *testing.T) {
		f := newFixture(t, bj(2026, 9, 7, 9))
		num := number(t, schoolA, 0, 30, 3, 7)
		f.enrol("stu1", num)
		f.issuedRegistryCard("M1", schoolA, num)
		require.NoError(t, f.l.TransferOut(f.ctx, opA, "stu1"))
		require.NoError(t, f.l.Resume(f.ctx, opA, "stu1"))
		c := f.card("M1")
		assert.Equal(t, lifecycle.RegIssued, c.State)
		assert.NotContains(t, f.overdue(opA), "R-TIME-2/transfer/stu1", "the transfer clock stops")
	})
	t.Run("R-MOVE-2/resume refused at a school never attended", func(t *testing.T) {
		f := newFixture(t, bj(2026, 9, 7, 9))
		num := number(t, schoolA, 0, 30, 3, 7)
		f.enrol("stu1", num)
		f.issuedRegistryCard("M1", schoolA, num)
		require.NoError(t, f.l.TransferOut(f.ctx, opA, "stu1"))
		err := f.l.Resume(f.ctx, opB, "stu1")
		assert.Equal(t, "R-MOVE-2", ruleOf(t, err))
		assert.Equal(t, lifecycle.RegTransferredOut, f.card("M1").State)
	})
	t.Run("R-MOVE-2/resume after leaving unfreezes the card", func(t *testing.T) {
		f := newFixture(t, bj(2026, 9, 7, 9))
		num := number(t, schoolA, 0, 30, 3, 7)
		f.enrol("stu1", num)
		f.issuedRegistryCard("M1", schoolA, num)
		_, err := f.l.Leave(f.ctx, opA, "stu1", lifecycle.LeaveDroppedOut)
		require.NoError(t, err)
		assert.Equal(t, lifecycle.RegFrozen, f.card("M1").State)
		require.NoError(t, f.l.Resume(f.ctx, opA, "stu1"))
		assert.Equal(t, lifecycle.RegIssued, f.card("M1").State)
	})
	t.Run("R-MOVE-1/a frozen card is not taken in by a transfer", func(t *testing.T) {
		f := newFixture(t, bj(2026, 9, 7, 9))
		num := number(t, schoolA, 0, 30, 3, 7)
		f.enrol("stu1", num)
		f.issuedRegistryCard("M1", schoolA, num)
		f.tr(opA, "M1", lifecycle.ActFreeze, "")
		assert.ErrorIs(t, f.l.TransferOut(f.ctx, opA, "stu1"), lifecycle.ErrIllegalTransition, "unfreeze before the transfer")
		_, err := f.l.Transition(f.ctx, opA, lifecycle.Request{CardID: "M1", Action: lifecycle.ActTransferIn})
		assert.ErrorIs(t, err, lifecycle.ErrIllegalTransition)
		c := f.card("M1")
		assert.Equal(t, lifecycle.RegFrozen, c.State)
		assert.Equal(t, schoolA, c.School)
	})
}

func TestRegistrationSeedCases(t *testing.T) {
	t.Run("R-REG-1/a card issued on 10 April is registered at once", func(t *testing.T) {
		f := newFixture(t, bj(2026, 4, 10, 9))
		num := number(t, schoolA, 0, 31, 1, 1)
		f.enrol("s", num)
		c := f.issuedRegistryCard("R1", schoolA, num)
		assert.True(t, f.l.RegistrationValid(c))
		assert.True(t, c.ValidUntil.Equal(bj(2026, 9, 21, 0)), "until the autumn deadline: %v", c.ValidUntil)
		_, err := f.l.Register(f.ctx, opA, "R1")
		assert.Equal(t, "R-REG-1", ruleOf(t, err), "a student who did not move swipes only inside the window")
	})
	t.Run("R-REG-1/a transfer student registers at the new school at any time of year", func(t *testing.T) {
		f := newFixture(t, bj(2025, 12, 1, 9))
		num := number(t, schoolA, 0, 31, 1, 1)
		f.enrol("s", num)
		f.issuedRegistryCard("R1", schoolA, num)
		f.now = bj(2026, 4, 10, 9)
		require.NoError(t, f.l.TransferOut(f.ctx, opA, "s"))
		require.NoError(t, f.l.TransferIn(f.ctx, opB, "s"))
		_, err := f.l.Personalise(f.ctx, opB, "R1", num)
		require.NoError(t, err)
		f.tr(opB, "R1", lifecycle.ActIssue, "")
		f.now = bj(2026, 4, 20, 9)
		c, err := f.l.Register(f.ctx, opB, "R1")
		require.NoError(t, err, "reporting at the new school in April")
		assert.True(t, c.ValidUntil.Equal(bj(2026, 9, 21, 0)))
	})
	t.Run("R-REG-1/a frozen card is not registered", func(t *testing.T) {
		f := newFixture(t, bj(2026, 3, 2, 9))
		num := number(t, schoolA, 0, 31, 1, 1)
		f.issuedRegistryCard("R1", schoolA, num)
		f.tr(opA, "R1", lifecycle.ActFreeze, "")
		_, err := f.l.Register(f.ctx, opA, "R1")
		assert.ErrorIs(t, err, lifecycle.ErrIllegalTransition)
		assert.False(t, f.l.RegistrationValid(f.card("R1")), "a frozen card does not work, registered or not")
	})
	t.Run("R-REG-1/card and ledger count the same semester", func(t *testing.T) {
		p := lifecycle.DefaultRegistrationPolicy().WithDistrictWindow("17",
			lifecycle.Window{From: lifecycle.MonthDay{Month: time.March, Day: 1}, To: lifecycle.MonthDay{Month: time.March, Day: 20}},
			lifecycle.Window{From: lifecycle.MonthDay{Month: time.September, Day: 1}, To: lifecycle.MonthDay{Month: time.September, Day: 20}})
		for d := bj(2026, 1, 1, 12); d.Before(bj(2028, 1, 1, 0)); d = d.AddDate(0, 0, 3) {
			for _, district := range []string{"05", "17"} {
				year, term, until := p.CurrentSemester(district, d)
				sem := card.SemesterOf(d.In(lifecycle.Beijing()))
				require.Equal(t, card.Semester{Year: year, Term: term}, sem, d)
				st := card.State{Semester: sem}
				last := until.Add(-time.Hour)
				assert.True(t, st.Registered(last.In(lifecycle.Beijing())), "%v: the card works until the ledger's end %v", d, until)
				assert.False(t, st.Registered(until.Add(time.Hour).In(lifecycle.Beijing())), "%v: and stops with it", d)
			}
		}
	})
}

func TestIDCardCancelledOnLeaving(t *testing.T) {
	for _, tc := range []struct {
		name  string
		leave func(f *fixture) error
		want  lifecycle.State
	}{
		{"C-MGMT-1/transfer-out cancels the ID card", func(f *fixture) error { return f.l.TransferOut(f.ctx, opA, "s") }, lifecycle.IDCancelled},
		{"C-MGMT-1/drop-out cancels the ID card", func(f *fixture) error {
			_, err := f.l.Leave(f.ctx, opA, "s", lifecycle.LeaveDroppedOut)
			return err
		}, lifecycle.IDCancelled},
		{"C-MGMT-1/a graduate keeps the ID card (it expires with the student)", func(f *fixture) error {
			_, err := f.l.Leave(f.ctx, opA, "s", lifecycle.LeaveGraduated)
			return err
		}, lifecycle.IDIssued},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, bj(2026, 9, 7, 9))
			num := number(t, schoolA, 0, 30, 3, 7)
			f.enrol("s", num)
			f.issuedIDCard("ID1", num)
			require.NoError(t, tc.leave(f))
			assert.Equal(t, tc.want, f.card("ID1").State)
		})
	}
}

func TestTransferredOutCardAtTheOldSchool(t *testing.T) {
	setup := func(t *testing.T) *fixture {
		f := newFixture(t, bj(2026, 9, 7, 9))
		num := number(t, schoolA, 0, 30, 3, 7)
		f.enrol("s", num)
		f.issuedRegistryCard(cardA, schoolA, num)
		require.NoError(t, f.l.TransferOut(f.ctx, opA, "s"))
		return f
	}
	t.Run("R-MOVE-3/the old school reports the card lost after the transfer-out and replaces it", func(t *testing.T) {
		f := setup(t)
		_, err := f.l.Transition(f.ctx, opB, lifecycle.Request{CardID: cardA, Action: lifecycle.ActReportLoss})
		assert.ErrorIs(t, err, lifecycle.ErrForbidden, "not the new school")
		f.tr(opA, cardA, lifecycle.ActReportLoss, "")
		assert.Equal(t, []string{"loss@09-07 09:00/A"}, kinds(f.list(opA, 2026, 9, 7)), "a lost card is blocked")
		f.now = bj(2026, 9, 18, 9)
		rep, err := f.l.ReplaceRegistryCard(f.ctx, opA, cardA, lifecycle.CauseLost)
		require.NoError(t, err)
		assert.Equal(t, lifecycle.RegCancelled, rep.Old.State)
	})
	t.Run("R-MOVE-3/a broken card is replaced at the old school", func(t *testing.T) {
		f := setup(t)
		rep, err := f.l.ReplaceRegistryCard(f.ctx, opA, cardA, lifecycle.CauseDamaged)
		require.NoError(t, err)
		assert.Equal(t, 15, rep.Terms.FeeYuan)
		_, err = f.l.ReplaceRegistryCard(f.ctx, opB, cardA, lifecycle.CauseDamaged)
		assert.Error(t, err)
	})
}

func TestReplacementClocks(t *testing.T) {
	t.Run("R-LOSS-5/a lost card not found is applied for within a week after the loss period", func(t *testing.T) {
		f := newFixture(t, bj(2026, 9, 7, 9))
		f.issuedRegistryCard("L1", schoolA, number(t, schoolA, 0, 30, 3, 7))
		f.tr(opA, "L1", lifecycle.ActReportLoss, "")
		f.now = bj(2026, 9, 24, 8) // 7 + 10 + 7 days, not yet
		assert.NotContains(t, f.overdue(opA), "R-LOSS-5/apply/L1")
		f.now = bj(2026, 9, 24, 10)
		assert.Contains(t, f.overdue(opA), "R-LOSS-5/apply/L1")
		_, err := f.l.ReplaceRegistryCard(f.ctx, opA, "L1", lifecycle.CauseLost)
		require.NoError(t, err)
		assert.NotContains(t, f.overdue(opA), "R-LOSS-5/apply/L1", "applied (late, but applied)")
		f.now = bj(2026, 10, 23, 0) // 10 working days after 24 Sep, with the National Day week
		assert.Contains(t, f.overdue(opA), "R-LOSS-5/deliver/L1")
		require.NoError(t, f.l.ReplacementDone(f.ctx, opA, "L1"))
		assert.NotContains(t, f.overdue(opA), "R-LOSS-5/deliver/L1")
	})
	t.Run("R-LOSS-5/a card found again stops the clock", func(t *testing.T) {
		f := newFixture(t, bj(2026, 9, 7, 9))
		f.issuedRegistryCard("L1", schoolA, number(t, schoolA, 0, 30, 3, 7))
		f.tr(opA, "L1", lifecycle.ActReportLoss, "")
		f.tr(opA, "L1", lifecycle.ActCancelLoss, "")
		f.now = bj(2026, 10, 30, 10)
		assert.Empty(t, f.overdue(opA))
	})
}

func TestRegistryClocks(t *testing.T) {
	t.Run("R-TIME-2/a registry transfer is completed within 10 working days", func(t *testing.T) {
		f := newFixture(t, bj(2026, 11, 2, 9))
		num := number(t, schoolA, 0, 30, 3, 7)
		f.enrol("s", num)
		require.NoError(t, f.l.TransferOut(f.ctx, opA, "s"))
		f.now = bj(2026, 11, 16, 23) // Mon 2 + 10 working days = end of Mon 16
		assert.NotContains(t, f.overdue(opA), "R-TIME-2/transfer/s")
		f.now = bj(2026, 11, 17, 1)
		assert.Contains(t, f.overdue(opA), "R-TIME-2/transfer/s")
		require.NoError(t, f.l.TransferIn(f.ctx, opB, "s"))
		assert.NotContains(t, f.overdue(dist05), "R-TIME-2/transfer/s")
	})
	t.Run("R-TIME-2/a deceased student's card is cancelled within 10 working days", func(t *testing.T) {
		f := newFixture(t, bj(2026, 11, 2, 9))
		num := number(t, schoolA, 0, 30, 3, 7)
		f.enrol("s", num)
		f.issuedRegistryCard("D1", schoolA, num)
		_, err := f.l.Leave(f.ctx, opA, "s", lifecycle.LeaveDeceased)
		require.NoError(t, err)
		f.now = bj(2026, 11, 17, 1)
		assert.Contains(t, f.overdue(opA), "R-TIME-2/deceased/D1")
		f.tr(opA, "D1", lifecycle.ActCancel, "")
		assert.NotContains(t, f.overdue(opA), "R-TIME-2/deceased/D1")
	})
	t.Run("R-TIME-2/grade 1 within a month, graduation before 30 July, promotion by 10 August 24:00", func(t *testing.T) {
		d := lifecycle.RegistryDeadlines(2026)
		assert.True(t, d.GradeOneBy.Equal(bj(2026, 10, 1, 0)))
		assert.True(t, d.GraduationBy.Equal(bj(2027, 7, 30, 0)))
		assert.True(t, d.PromotionBy.Equal(bj(2027, 8, 11, 0)))
	})
}
