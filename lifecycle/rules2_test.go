package lifecycle_test

import (
	"fmt"
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
	school := num.School().String()
	op := lifecycle.Operator{Level: studentid.LevelSchool, District: school[2:4], School: school}
	dist := lifecycle.Operator{Level: studentid.LevelDistrict, District: school[2:4]}
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
		_, err := f.l.Transition(f.ctx, opA, lifecycle.Request{CardID: "M1", Action: lifecycle.ActTransferIn})
		assert.ErrorIs(t, err, lifecycle.ErrIllegalTransition, "only after the old school's transfer-out")
		c := f.card("M1")
		assert.Equal(t, lifecycle.RegFrozen, c.State)
		assert.Equal(t, schoolA, c.School)
		// the old school's transfer-out is still done on the frozen card
		// (TestFrozenCardTransferredOut), as the card itself allows
		require.NoError(t, f.l.TransferOut(f.ctx, opA, "stu1"))
		assert.Equal(t, lifecycle.RegTransferredOut, f.card("M1").State)
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

func TestUndoAuthority(t *testing.T) {
	setup := func(t *testing.T, a lifecycle.Action) *fixture {
		f := newFixture(t, bj(2026, 3, 2, 9))
		f.issuedRegistryCard("U1", schoolA, number(t, schoolA, 0, 31, 2, 2))
		f.tr(opA, "U1", a, "")
		return f
	}
	for _, a := range []lifecycle.Action{lifecycle.ActFreeze, lifecycle.ActCancel, lifecycle.ActReportLoss} {
		t.Run("P-3/S-4/district and city cannot undo a school's "+string(a), func(t *testing.T) {
			f := setup(t, a)
			for _, op := range []lifecycle.Operator{dist05, city} {
				_, err := f.l.Undo(f.ctx, op, "U1", "not theirs to undo")
				assert.ErrorIs(t, err, lifecycle.ErrForbidden, "%s", op.Level)
			}
			_, err := f.l.Undo(f.ctx, opA, "U1", "the school's own mistake")
			require.NoError(t, err)
		})
	}
	t.Run("P-3/a 200-day-old loss is not undone", func(t *testing.T) {
		f := setup(t, lifecycle.ActReportLoss)
		f.now = f.now.AddDate(0, 0, 200)
		_, err := f.l.Undo(f.ctx, opA, "U1", "too late")
		assert.Equal(t, "P-3", ruleOf(t, err))
		assert.Equal(t, lifecycle.RegLost, f.card("U1").State)
	})
	t.Run("P-3/inside the window it is", func(t *testing.T) {
		f := setup(t, lifecycle.ActReportLoss)
		f.now = f.now.Add(lifecycle.UndoWindow - time.Minute)
		_, err := f.l.Undo(f.ctx, opA, "U1", "still in time")
		require.NoError(t, err)
	})
}

func TestEnrolChecks(t *testing.T) {
	f := newFixture(t, bj(2026, 9, 1, 9))
	num := func(seat int) string { return number(t, schoolA, 0, 32, 1, seat).String() }
	rid := "110101201909010015"
	for i, tc := range []struct {
		name string
		s    lifecycle.Student
	}{
		{"P-2/an empty name is refused", lifecycle.Student{Name: " "}},
		{"P-2/an invalid ID number is refused", lifecycle.Student{Name: "张三", IDNumber: "garbage"}},
		{"P-2/a wrong check character is refused", lifecycle.Student{Name: "张三", IDNumber: "110101201909010012"}},
		{"P-2/gender 9 is refused", lifecycle.Student{Name: "张三", Gender: "9"}},
		{"P-2/a birth date that disagrees with the ID number is refused", lifecycle.Student{Name: "张三", BirthDate: "20190902", IDNumber: rid}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.s
			s.Key, s.Number = fmt.Sprint("bad", i), num(10+i)
			_, err := f.l.Enrol(f.ctx, opA, s)
			assert.Error(t, err)
			_, err = f.l.Student(f.ctx, opA, s.Key)
			assert.ErrorIs(t, err, lifecycle.ErrNotFound)
		})
	}
	t.Run("S-ID-9/the first registered keeps the resident ID number, the later one gets a J code", func(t *testing.T) {
		_, err := f.l.Enrol(f.ctx, opA, lifecycle.Student{Key: "G" + rid, Number: num(1), Name: "张三", Gender: "1", BirthDate: "20190901", IDNumber: rid})
		require.NoError(t, err)
		_, err = f.l.Enrol(f.ctx, opB, lifecycle.Student{Key: "Jlater", Number: number(t, schoolB, 0, 32, 1, 1).String(), Name: "李四", IDNumber: rid})
		assert.Equal(t, "S-ID-9", ruleOf(t, err))
		assert.ErrorIs(t, err, lifecycle.ErrDuplicate)
		j, err := studentid.BuildResidentID("110101", time.Date(2019, 9, 1, 0, 0, 0, 0, time.UTC), 2)
		require.NoError(t, err)
		code, err := studentid.ParsePersonCode("J" + j.String())
		require.NoError(t, err)
		later, err := f.l.Enrol(f.ctx, opB, lifecycle.Student{Key: code.String(), Number: number(t, schoolB, 0, 32, 1, 1).String(), Name: "李四", IDNumber: ""})
		require.NoError(t, err, "handled as having no ID number yet")
		assert.Empty(t, later.IDNumber)
		first, err := f.l.Student(f.ctx, opA, "G"+rid)
		require.NoError(t, err)
		assert.Equal(t, rid, first.IDNumber, "the first keeps it")
	})
}

func TestNoBasicDataChangeAfterGraduation(t *testing.T) {
	for _, tc := range []struct {
		reason string
		frozen bool
	}{{lifecycle.LeaveGraduated, true}, {lifecycle.LeaveCompleted, true}, {lifecycle.LeaveDroppedOut, false}} {
		t.Run("P-5/"+tc.reason, func(t *testing.T) {
			f := newFixture(t, bj(2026, 7, 1, 9))
			f.enrol("s", number(t, schoolA, 0, 26, 6, 1))
			_, err := f.l.Leave(f.ctx, opA, "s", tc.reason)
			require.NoError(t, err)
			ch := lifecycle.ControlledChange{StudentKey: "s", Field: "name", New: "张珊", Proof: "户口本"}
			ch.Approval, err = f.l.ApproveChange(f.ctx, dist05, ch)
			require.NoError(t, err)
			_, err = f.l.ChangeControlledField(f.ctx, opA, ch)
			if tc.frozen {
				assert.Equal(t, "P-5", ruleOf(t, err))
				return
			}
			require.NoError(t, err)
		})
	}
}

func TestDuties(t *testing.T) {
	admin := opA
	admin.Role, admin.User = lifecycle.RoleSystemAdmin, "sysadmin"
	t.Run("R-OPS-2/weekly backup, weekly virus scan, daily upload, month-end sync: a missed one is overdue", func(t *testing.T) {
		f := newFixture(t, bj(2026, 11, 2, 9)) // Monday
		ds, err := f.l.ScheduleDuties(f.ctx, admin)
		require.NoError(t, err)
		assert.Len(t, ds, 7, "four duties, the spring transfers and sync, and the staff report")
		f.now = bj(2026, 11, 3, 23) // Tuesday night: Tuesday's upload is missing
		assert.Equal(t, []string{"R-OPS-2/daily-upload/school/05/" + schoolA}, f.overdue(opA))
		_, err = f.l.RecordSync(f.ctx, admin, lifecycle.SyncDailyUpload, 0, true, "")
		require.NoError(t, err)
		assert.Empty(t, f.overdue(opA), "done: due again at the end of the next working day")
		f.now = bj(2026, 11, 9, 10)
		_, err = f.l.RecordSync(f.ctx, admin, lifecycle.SyncDailyUpload, 0, true, "")
		require.NoError(t, err)
		_, err = f.l.RecordSync(f.ctx, admin, lifecycle.SyncBackup, 0, true, "")
		require.NoError(t, err)
		assert.Equal(t, []string{"R-OPS-2/virus-scan/school/05/" + schoolA}, f.overdue(opA), "a week without a virus scan")
		_, err = f.l.RecordSync(f.ctx, admin, lifecycle.SyncVirusScan, 0, false, "scanner broken")
		require.NoError(t, err)
		assert.Len(t, f.overdue(opA), 1, "a failed scan does not count")
		_, err = f.l.RecordSync(f.ctx, admin, lifecycle.SyncVirusScan, 0, true, "")
		require.NoError(t, err)
		assert.Empty(t, f.overdue(opA))
		f.now = bj(2026, 12, 1, 0).Add(time.Minute)
		assert.Contains(t, f.overdue(opA), "R-OPS-2/month-end/school/05/"+schoolA, "November's month-end sync was missed")
	})
	t.Run("R-OPS-3/a sync not shown successful within 6 hours is overdue", func(t *testing.T) {
		f := newFixture(t, bj(2026, 11, 30, 9))
		_, err := f.l.RecordSync(f.ctx, opA, lifecycle.SyncMonthEnd, 0, false, "no answer yet")
		require.NoError(t, err)
		f.now = f.now.Add(5 * time.Hour)
		assert.Empty(t, f.overdue(opA))
		f.now = f.now.Add(2 * time.Hour)
		assert.Equal(t, []string{"R-OPS-3/month-end/school/05/" + schoolA}, f.overdue(opA), "ask the centre")
		_, err = f.l.RecordSync(f.ctx, opA, lifecycle.SyncMonthEnd, 0, true, "同步成功")
		require.NoError(t, err)
		assert.Empty(t, f.overdue(opA))
	})
	t.Run("R-OPS-3/spring: transfers processed by 16 March are synced by 20 March", func(t *testing.T) {
		f := newFixture(t, bj(2026, 3, 2, 9))
		_, err := f.l.ScheduleDuties(f.ctx, opA)
		require.NoError(t, err)
		f.now = bj(2026, 3, 10, 9)
		_, err = f.l.RecordSync(f.ctx, opA, lifecycle.SyncStudent, 0, true, "")
		require.NoError(t, err)
		f.now = bj(2026, 3, 21, 1)
		assert.Contains(t, f.overdue(opA), "R-OPS-3/spring-2026/school/05/"+schoolA, "a sync before the 16th does not count")
		f.now = bj(2026, 3, 18, 9)
		_, err = f.l.RecordSync(f.ctx, opA, lifecycle.SyncStudent, 0, true, "")
		require.NoError(t, err)
		f.now = bj(2026, 3, 21, 1)
		assert.NotContains(t, f.overdue(opA), "R-OPS-3/spring-2026/school/05/"+schoolA)
	})
	t.Run("S-14/a system administrator takes no part in registry business", func(t *testing.T) {
		f := newFixture(t, bj(2026, 3, 2, 9))
		f.issuedRegistryCard("S1", schoolA, number(t, schoolA, 0, 31, 2, 2))
		_, err := f.l.Transition(f.ctx, admin, lifecycle.Request{CardID: "S1", Action: lifecycle.ActFreeze})
		var fe *lifecycle.ForbiddenError
		require.ErrorAs(t, err, &fe)
		assert.Equal(t, "S-14", fe.Rule)
		_, err = f.l.Enrol(f.ctx, admin, lifecycle.Student{Key: "k", Number: number(t, schoolA, 0, 31, 2, 3).String(), Name: "张三"})
		assert.ErrorIs(t, err, lifecycle.ErrForbidden)
		_, err = f.l.Card(f.ctx, admin, "S1")
		assert.ErrorIs(t, err, lifecycle.ErrForbidden, "not even reading a card")
		_, err = f.l.RecordSync(f.ctx, admin, lifecycle.SyncBackup, 0, true, "")
		require.NoError(t, err, "the system's own upkeep is its job")
		_, err = f.l.Transition(f.ctx, lifecycle.Operator{Level: studentid.LevelSchool, District: "05", School: schoolA, Role: "janitor"},
			lifecycle.Request{CardID: "S1", Action: lifecycle.ActFreeze})
		assert.ErrorIs(t, err, lifecycle.ErrForbidden, "an unknown role")
		es := auditEntries(t, f, "05")
		assert.Equal(t, lifecycle.RoleSystemAdmin, es[len(es)-3].Operator.Role, "the role is recorded with the refusal")
	})
	t.Run("S-14/each level reports its staff every semester", func(t *testing.T) {
		f := newFixture(t, bj(2026, 3, 2, 9))
		_, err := f.l.ScheduleDuties(f.ctx, dist05)
		require.NoError(t, err)
		f.now = bj(2026, 8, 1, 0).Add(time.Minute)
		assert.Contains(t, f.overdue(dist05), "S-14/staff-report/district/05/")
		assert.Error(t, f.l.ReportStaff(f.ctx, dist05, nil))
		assert.Error(t, f.l.ReportStaff(f.ctx, dist05, []lifecycle.StaffMember{{User: "d05", Name: "赵主任", Role: "boss"}}))
		require.NoError(t, f.l.ReportStaff(f.ctx, dist05, []lifecycle.StaffMember{
			{User: "d05", Name: "赵主任", Role: lifecycle.RoleCardManager}, {User: "root", Name: "钱工", Role: lifecycle.RoleSystemAdmin}}))
		assert.NotContains(t, f.overdue(dist05), "S-14/staff-report/district/05/")
		chain, err := f.l.AuditEntries(f.ctx, city, "05", 0, 100)
		require.NoError(t, err)
		last := chain[len(chain)-1]
		assert.Equal(t, "report-staff", last.Action, "the level above reads the report")
		assert.Contains(t, last.Detail, "钱工")
	})
}
