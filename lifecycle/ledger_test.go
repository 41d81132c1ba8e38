package lifecycle_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

const (
	schoolA = "01050123" // district 05, primary school 123
	schoolB = "01050456"
	schoolX = "01060789" // district 06
)

var (
	city     = lifecycle.Operator{Level: studentid.LevelCity, User: "city-1"}
	dist05   = lifecycle.Operator{Level: studentid.LevelDistrict, District: "05", User: "d05"}
	dist06   = lifecycle.Operator{Level: studentid.LevelDistrict, District: "06", User: "d06"}
	opA      = lifecycle.Operator{Level: studentid.LevelSchool, District: "05", School: schoolA, User: "a"}
	opB      = lifecycle.Operator{Level: studentid.LevelSchool, District: "05", School: schoolB, User: "b"}
	transitU = lifecycle.Operator{Level: studentid.LevelApplication, User: "transit"}
)

type fixture struct {
	t     *testing.T
	ctx   context.Context
	now   time.Time
	store *lifecycle.MemStore
	l     *lifecycle.Ledger
}

func newFixture(t *testing.T, start time.Time) *fixture {
	f := &fixture{t: t, ctx: context.Background(), now: start, store: lifecycle.NewMemStore()}
	l, err := lifecycle.NewLedger(lifecycle.Config{Store: f.store, Clock: func() time.Time { return f.now }})
	require.NoError(t, err)
	f.l = l
	return f
}

// number builds a registry number at school (8 digits) with the reference
// check digit.
func number(t *testing.T, school string, category studentid.StudentCategory, cohort, class, seat int) studentid.ID {
	t.Helper()
	sc, err := studentid.ParseSchool(school)
	require.NoError(t, err)
	id, err := studentid.Build(studentid.Fields{School: sc, StudentCategory: category, Cohort: cohort, Class: class, Seat: seat}, studentid.MOD11_10)
	require.NoError(t, err)
	return id
}

func (f *fixture) tr(op lifecycle.Operator, id string, a lifecycle.Action, target string) lifecycle.Card {
	f.t.Helper()
	c, err := f.l.Transition(f.ctx, op, lifecycle.Request{CardID: id, Action: a, Target: target})
	require.NoError(f.t, err, "%s %s", a, id)
	return c
}

// issuedRegistryCard brings a registry card from the supplier to a student.
func (f *fixture) issuedRegistryCard(id string, school string, num studentid.ID) lifecycle.Card {
	f.t.Helper()
	_, err := f.l.ReceiveStock(f.ctx, city, "stock-"+id, []string{id})
	require.NoError(f.t, err)
	f.tr(city, id, lifecycle.ActShipToDistrict, school[2:4])
	f.tr(lifecycle.Operator{Level: studentid.LevelDistrict, District: school[2:4]}, id, lifecycle.ActShipToSchool, school)
	_, err = f.l.Personalise(f.ctx, lifecycle.Operator{Level: studentid.LevelSchool, District: school[2:4], School: school}, id, num)
	require.NoError(f.t, err)
	return f.tr(lifecycle.Operator{Level: studentid.LevelSchool, District: school[2:4], School: school}, id, lifecycle.ActIssue, "")
}

func (f *fixture) enrol(key string, num studentid.ID) {
	f.t.Helper()
	school := num.School().String()
	_, err := f.l.Enrol(f.ctx, lifecycle.Operator{Level: studentid.LevelSchool, District: school[2:4], School: school},
		lifecycle.Student{Key: key, Number: num.String(), Name: "张三", Gender: "1", BirthDate: "20190901", IDNumber: "110101201909010015"})
	require.NoError(f.t, err)
}

func (f *fixture) overdue(op lifecycle.Operator) []string {
	f.t.Helper()
	ds, err := f.l.Overdue(f.ctx, op, nil, 100)
	require.NoError(f.t, err)
	var ids []string
	for _, d := range ds {
		ids = append(ids, d.ID)
	}
	return ids
}

func TestIDCardFlow(t *testing.T) {
	f := newFixture(t, bj(2026, 9, 1, 9))
	num := number(t, schoolA, 0, 32, 1, 1)
	_, err := f.l.SubmitIDCard(f.ctx, opA, "ID1", num, bj(2032, 8, 31, 0))
	require.NoError(t, err)
	f.tr(dist05, "ID1", lifecycle.ActValidateDistrict, "")
	f.tr(city, "ID1", lifecycle.ActValidateCity, "")
	f.tr(city, "ID1", lifecycle.ActSendToFactory, "")

	t.Run("C-ISSUE-3/no issue before the result import", func(t *testing.T) {
		_, err := f.l.Transition(f.ctx, opA, lifecycle.Request{CardID: "ID1", Action: lifecycle.ActIssue})
		require.ErrorIs(t, err, lifecycle.ErrIllegalTransition)
		var te *lifecycle.TransitionError
		require.ErrorAs(t, err, &te)
		assert.Equal(t, lifecycle.IDAtFactory, te.State)
		assert.Equal(t, "C-ISSUE-3", te.Rule)
		assert.Contains(t, err.Error(), "at-factory")
	})

	out, err := f.l.ImportResult(f.ctx, city, "res-city", []string{"ID1"})
	require.NoError(t, err)
	assert.False(t, out.Already)
	_, err = f.l.ImportResult(f.ctx, dist05, "res-05", []string{"ID1"})
	require.NoError(t, err)

	t.Run("C-ISSUE-2/second import of the same file is a no-op", func(t *testing.T) {
		again, err := f.l.ImportResult(f.ctx, dist05, "res-05", []string{"ID1"})
		require.NoError(t, err)
		assert.True(t, again.Already)
		c, err := f.l.Card(f.ctx, dist05, "ID1")
		require.NoError(t, err)
		assert.Equal(t, lifecycle.IDAtDistrict, c.State)
	})

	t.Run("R-TIME-1/district has 10 working days", func(t *testing.T) {
		f.now = bj(2026, 9, 15, 9) // 10 working days after 1 Sep end on 15 Sep
		assert.Empty(t, f.overdue(dist05))
		f.now = bj(2026, 9, 16, 9)
		assert.Equal(t, []string{"R-TIME-1/ID1/district"}, f.overdue(dist05))
		assert.Equal(t, []string{"R-TIME-1/ID1/district"}, f.overdue(city))
		assert.Empty(t, f.overdue(opA), "the district's clock is not on the school's list")
		assert.Empty(t, f.overdue(dist06))
	})

	_, err = f.l.ImportResult(f.ctx, opA, "res-"+schoolA, []string{"ID1"})
	require.NoError(t, err)
	t.Run("R-TIME-1/school import closes the district clock and starts its own", func(t *testing.T) {
		assert.Empty(t, f.overdue(dist05))
		f.now = bj(2026, 10, 20, 9)
		assert.Equal(t, []string{"R-TIME-1/ID1/school"}, f.overdue(opA))
	})
	f.tr(opA, "ID1", lifecycle.ActIssue, "")
	assert.Empty(t, f.overdue(city))

	t.Run("C-MGMT-1/an ID card is never reported lost", func(t *testing.T) {
		_, err := f.l.Transition(f.ctx, opA, lifecycle.Request{CardID: "ID1", Action: lifecycle.ActReportLoss})
		var te *lifecycle.TransitionError
		require.ErrorAs(t, err, &te)
		assert.Equal(t, "C-MGMT-1", te.Rule)
		assert.Equal(t, lifecycle.IDIssued, te.State)
	})
	t.Run("C-REPLACE-1/replacement for a school error is paid by the school", func(t *testing.T) {
		rep, err := f.l.ReplaceIDCard(f.ctx, opA, "ID1", "ID2", lifecycle.CauseSchoolError, "")
		require.NoError(t, err)
		assert.Equal(t, lifecycle.PayerSchool, rep.Terms.Payer)
		assert.True(t, rep.Terms.SignedApplication)
		assert.Equal(t, lifecycle.IDReplaced, rep.Old.State)
		assert.Equal(t, lifecycle.IDSubmitted, rep.New.State)
		assert.Equal(t, "ID1", rep.New.Replaces)
	})
	t.Run("C-MGMT-1/punching cancels", func(t *testing.T) {
		_, err := f.l.SubmitIDCard(f.ctx, opA, "ID3", num, bj(2032, 8, 31, 0))
		require.NoError(t, err)
		_, err = f.l.Transition(f.ctx, opA, lifecycle.Request{CardID: "ID3", Action: lifecycle.ActPunch})
		assert.ErrorIs(t, err, lifecycle.ErrIllegalTransition, "only an issued card is punched")
	})
}

func TestScopes(t *testing.T) {
	f := newFixture(t, bj(2026, 9, 1, 9))
	numA := number(t, schoolA, 0, 32, 1, 1)
	f.issuedRegistryCard("RC1", schoolA, numA)
	for _, tc := range []struct {
		name string
		op   lifecycle.Operator
		err  error
	}{
		{"S-4/another school may not", opB, lifecycle.ErrForbidden},
		{"S-4/another district may not", dist06, lifecycle.ErrForbidden},
		{"S-4/an application unit may not", transitU, lifecycle.ErrForbidden},
		{"S-4/a school operator outside its district code", lifecycle.Operator{Level: studentid.LevelSchool, District: "06", School: schoolA}, lifecycle.ErrForbidden},
		{"S-4/the district may not do the school's operation", dist05, lifecycle.ErrForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.l.Transition(f.ctx, tc.op, lifecycle.Request{CardID: "RC1", Action: lifecycle.ActReportLoss})
			require.ErrorIs(t, err, tc.err)
			var fe *lifecycle.ForbiddenError
			require.ErrorAs(t, err, &fe)
		})
	}
	t.Run("S-4/refusals are audited", func(t *testing.T) {
		refused := 0
		for _, chain := range []string{"05", "06", "city"} {
			require.NoError(t, f.store.Tx(f.ctx, func(tx lifecycle.Tx) error {
				es, err := tx.AuditEntries(f.ctx, chain, 0, 1000)
				for _, e := range es {
					if e.Outcome == "refused" {
						refused++
					}
				}
				return err
			}))
		}
		assert.Equal(t, 5, refused)
	})
	t.Run("S-4/reading another school's card is refused", func(t *testing.T) {
		_, err := f.l.Card(f.ctx, opB, "RC1")
		assert.ErrorIs(t, err, lifecycle.ErrForbidden)
		c, err := f.l.Card(f.ctx, dist05, "RC1")
		require.NoError(t, err)
		assert.Equal(t, lifecycle.RegIssued, c.State)
	})
	t.Run("optimistic concurrency through the ledger", func(t *testing.T) {
		c, err := f.l.Card(f.ctx, opA, "RC1")
		require.NoError(t, err)
		_, err = f.l.Transition(f.ctx, opA, lifecycle.Request{CardID: "RC1", Action: lifecycle.ActFreeze, IfVersion: c.Version})
		require.NoError(t, err)
		_, err = f.l.Transition(f.ctx, opA, lifecycle.Request{CardID: "RC1", Action: lifecycle.ActCancel, IfVersion: c.Version})
		assert.ErrorIs(t, err, lifecycle.ErrConflict, "the second operator saw an old version")
	})
}

func TestRegistryStockAndIssue(t *testing.T) {
	f := newFixture(t, bj(2026, 9, 1, 9))
	ids := []string{"S1", "S2", "S3"}
	out, err := f.l.ReceiveStock(f.ctx, city, "supplier-1", ids)
	require.NoError(t, err)
	assert.False(t, out.Already)
	stock := func(op lifecycle.Operator, k lifecycle.StockKey) int64 {
		n, err := f.l.StockOf(f.ctx, op, k)
		require.NoError(t, err)
		return n
	}
	cityKey := lifecycle.StockKey{Level: studentid.LevelCity, Item: lifecycle.StockBlankRegistry}
	t.Run("R-ISSUE-1/shipment lands once", func(t *testing.T) {
		again, err := f.l.ReceiveStock(f.ctx, city, "supplier-1", ids)
		require.NoError(t, err)
		assert.True(t, again.Already)
		assert.Equal(t, int64(3), stock(city, cityKey))
		_, err = f.l.ReceiveStock(f.ctx, dist05, "supplier-2", []string{"S9"})
		assert.ErrorIs(t, err, lifecycle.ErrForbidden)
	})
	f.tr(city, "S1", lifecycle.ActShipToDistrict, "05")
	f.tr(city, "S2", lifecycle.ActShipToDistrict, "05")
	t.Run("R-ISSUE-2/district ships only to its schools", func(t *testing.T) {
		_, err := f.l.Transition(f.ctx, dist05, lifecycle.Request{CardID: "S1", Action: lifecycle.ActShipToSchool, Target: schoolX})
		assert.ErrorIs(t, err, lifecycle.ErrRule)
	})
	f.tr(dist05, "S1", lifecycle.ActShipToSchool, schoolA)
	f.tr(dist05, "S2", lifecycle.ActShipToSchool, schoolA)
	assert.Equal(t, int64(1), stock(city, cityKey))
	assert.Equal(t, int64(2), stock(opA, lifecycle.StockKey{Level: studentid.LevelSchool, Code: schoolA, Item: lifecycle.StockBlankRegistry}))
	t.Run("R-ISSUE-2/surplus recovered to the district", func(t *testing.T) {
		c := f.tr(dist05, "S2", lifecycle.ActRecoverSurplus, "")
		assert.Equal(t, lifecycle.RegDistrictStock, c.State)
		assert.Equal(t, int64(1), stock(dist05, lifecycle.StockKey{Level: studentid.LevelDistrict, Code: "05", Item: lifecycle.StockBlankRegistry}))
	})
	t.Run("R-FAULT-1/fault card goes back up to the supplier", func(t *testing.T) {
		f.tr(opA, "S1", lifecycle.ActReportFault, "")
		f.tr(dist05, "S1", lifecycle.ActFaultToDistrict, "")
		f.tr(city, "S1", lifecycle.ActFaultToCity, "")
		c := f.tr(city, "S1", lifecycle.ActFaultToSupplier, "")
		assert.Equal(t, lifecycle.RegReturned, c.State)
		assert.Zero(t, stock(city, lifecycle.StockKey{Level: studentid.LevelCity, Item: lifecycle.StockFault}))
		_, err := f.l.Transition(f.ctx, opA, lifecycle.Request{CardID: "S1", Action: lifecycle.ActIssue})
		assert.ErrorIs(t, err, lifecycle.ErrIllegalTransition, "a card returned to the supplier is out of use")
	})
}

func TestLossAndReplacement(t *testing.T) {
	// Reported on Friday 3 April 2026, before the Qingming holiday.
	f := newFixture(t, bj(2026, 4, 3, 10))
	num := number(t, schoolA, 0, 30, 2, 5)
	f.issuedRegistryCard("L1", schoolA, num)
	f.tr(opA, "L1", lifecycle.ActReportLoss, "")
	c, err := f.l.Card(f.ctx, opA, "L1")
	require.NoError(t, err)

	t.Run("R-LOSS-1/in effect at the latest 2 working days after the report", func(t *testing.T) {
		f.now = bj(2026, 4, 8, 12) // Tue 7 and Wed 8 are the working days
		mustBe, by, provisional := f.l.LossEffective(c)
		assert.False(t, mustBe)
		assert.False(t, provisional)
		assert.True(t, by.Equal(bj(2026, 4, 9, 0)))
		f.now = bj(2026, 4, 9, 0)
		mustBe, _, _ = f.l.LossEffective(c)
		assert.True(t, mustBe)
		f.now = f.now.Add(time.Minute)
		assert.Contains(t, f.overdue(opA), "R-LOSS-1/L1", "no daily upload carried the loss to the readers in time")
		unsent, err := f.l.Unsent(f.ctx, opA, 100)
		require.NoError(t, err)
		_, err = f.l.RecordSync(f.ctx, opA, lifecycle.SyncDailyUpload, unsent[len(unsent)-1].Seq, true, "")
		require.NoError(t, err)
		assert.NotContains(t, f.overdue(opA), "R-LOSS-1/L1")
		f.now = bj(2026, 4, 3, 10)
	})
	t.Run("R-LOSS-2/temporary card while lost", func(t *testing.T) {
		_, err := f.l.ReceiveStock(f.ctx, city, "tmp", []string{"T1"})
		require.NoError(t, err)
		f.tr(city, "T1", lifecycle.ActShipToDistrict, "05")
		f.tr(dist05, "T1", lifecycle.ActShipToSchool, schoolA)
		tmp, err := f.l.IssueTemporary(f.ctx, opA, "T1", num)
		require.NoError(t, err)
		assert.True(t, tmp.Temporary)
		assert.Equal(t, lifecycle.RegIssued, tmp.State)
	})
	t.Run("R-LOSS-2/only a temporary card is returned as one", func(t *testing.T) {
		_, err := f.l.Transition(f.ctx, opA, lifecycle.Request{CardID: "L1", Action: lifecycle.ActReturnTemporary})
		assert.ErrorIs(t, err, lifecycle.ErrRule)
	})
	t.Run("R-LOSS-2/no replacement inside the 10-day loss period", func(t *testing.T) {
		_, err := f.l.ReplaceRegistryCard(f.ctx, opA, "L1", lifecycle.CauseLost)
		var re *lifecycle.RuleError
		require.ErrorAs(t, err, &re)
		assert.Equal(t, "R-LOSS-2", re.Rule)
	})
	f.now = bj(2026, 4, 13, 10)
	rep, err := f.l.ReplaceRegistryCard(f.ctx, opA, "L1", lifecycle.CauseLost)
	require.NoError(t, err)
	t.Run("R-LOSS-3/fee 15 yuan, code 174011, 14/17/20 working days", func(t *testing.T) {
		assert.Equal(t, 15, rep.Terms.FeeYuan)
		assert.Equal(t, "174011", rep.Terms.FeeCode)
		assert.Equal(t, lifecycle.PayerStudent, rep.Terms.Payer)
		assert.Equal(t, lifecycle.RegCancelled, rep.Old.State)
		cal := f.l.Calendar()
		for _, d := range []struct {
			due  time.Time
			days int
		}{{rep.CityDue, 14}, {rep.DistrictDue, 17}, {rep.Due, 20}} {
			n, err := cal.WorkingDaysBetween(f.now, d.due.Add(-time.Second))
			require.NoError(t, err)
			assert.Equal(t, d.days, n)
		}
		f.now = rep.CityDue.Add(time.Hour)
		assert.Equal(t, []string{"R-LOSS-5/deliver/L1", "R-LOSS-3/L1/city"}, f.overdue(city), "R-LOSS-5: 10 working days to reach the student")
		require.NoError(t, f.l.ReplacementDone(f.ctx, city, "L1"))
		assert.Equal(t, []string{"R-LOSS-5/deliver/L1"}, f.overdue(city))
		f.now = rep.Due.Add(time.Hour)
		assert.Equal(t, []string{"R-LOSS-5/deliver/L1", "R-LOSS-3/L1/district", "R-LOSS-3/L1/school"}, f.overdue(dist05), "a district sees its schools' clocks too")
		assert.Equal(t, []string{"R-LOSS-5/deliver/L1", "R-LOSS-3/L1/school"}, f.overdue(opA))
		assert.ErrorIs(t, f.l.ReplacementDone(f.ctx, opB, "L1"), lifecycle.ErrForbidden)
	})
	t.Run("R-LOSS-2/the temporary card goes back to school stock", func(t *testing.T) {
		c := f.tr(opA, "T1", lifecycle.ActReturnTemporary, "")
		assert.Equal(t, lifecycle.RegSchoolStock, c.State)
		assert.False(t, c.Temporary)
		assert.Empty(t, c.Student)
		n, err := f.l.StockOf(f.ctx, opA, lifecycle.StockKey{Level: studentid.LevelSchool, Code: schoolA, Item: lifecycle.StockBlankRegistry})
		require.NoError(t, err)
		assert.Equal(t, int64(1), n)
	})
	t.Run("R-LOSS-4/card fault replaced free and sent up the fault chain", func(t *testing.T) {
		f.now = bj(2026, 5, 11, 9)
		num2 := number(t, schoolA, 0, 30, 2, 6)
		f.issuedRegistryCard("F1", schoolA, num2)
		rep, err := f.l.ReplaceRegistryCard(f.ctx, opA, "F1", lifecycle.CauseCardFault)
		require.NoError(t, err)
		assert.Equal(t, lifecycle.PayerNone, rep.Terms.Payer)
		assert.Zero(t, rep.Terms.FeeYuan)
		assert.Equal(t, lifecycle.RegFaultSchool, rep.Old.State)
	})
}

func TestMovesAndLeaving(t *testing.T) {
	f := newFixture(t, bj(2026, 9, 7, 9))
	num := number(t, schoolA, 0, 30, 3, 7)
	f.enrol("stu1", num)
	f.issuedRegistryCard("M1", schoolA, num)

	require.NoError(t, f.l.TransferOut(f.ctx, opA, "stu1"))
	t.Run("R-MOVE-1/personalisation waits for the transfer-in", func(t *testing.T) {
		c, err := f.l.Card(f.ctx, opA, "M1")
		require.NoError(t, err)
		assert.Equal(t, lifecycle.RegTransferredOut, c.State)
		_, err = f.l.Personalise(f.ctx, opB, "M1", num)
		var re *lifecycle.RuleError
		require.ErrorAs(t, err, &re)
		assert.Equal(t, "R-MOVE-1", re.Rule)
	})
	require.NoError(t, f.l.TransferIn(f.ctx, opB, "stu1"))
	t.Run("R-MOVE-1/transfer-in then personalise at the new school", func(t *testing.T) {
		c, err := f.l.Personalise(f.ctx, opB, "M1", num)
		require.NoError(t, err)
		assert.Equal(t, schoolB, c.School)
		f.tr(opB, "M1", lifecycle.ActIssue, "")
	})
	require.NoError(t, f.l.TransferOut(f.ctx, opB, "stu1"))
	t.Run("R-MOVE-2/a returning student is refused as a transfer", func(t *testing.T) {
		err := f.l.TransferIn(f.ctx, opA, "stu1")
		require.ErrorIs(t, err, lifecycle.ErrNotAtSchool)
		assert.ErrorIs(t, err, lifecycle.ErrRule)
		assert.Contains(t, err.Error(), "student no longer at school")
	})
	t.Run("R-MOVE-2/and resumed instead", func(t *testing.T) {
		require.NoError(t, f.l.Resume(f.ctx, opA, "stu1"))
		assert.Error(t, f.l.Resume(f.ctx, opA, "stu1"), "an enrolled student is not resumed")
	})

	num2 := number(t, schoolA, 0, 26, 6, 1)
	f.enrol("stu2", num2)
	f.issuedRegistryCard("G1", schoolA, num2)
	lv, err := f.l.Leave(f.ctx, opA, "stu2", "graduated")
	require.NoError(t, err)
	t.Run("R-LEAVE-1/card frozen on leaving", func(t *testing.T) {
		c, err := f.l.Card(f.ctx, opA, "G1")
		require.NoError(t, err)
		assert.Equal(t, lifecycle.RegFrozen, c.State)
		assert.Equal(t, "G1", lv.CardID)
		assert.Equal(t, "26", lv.Cohort)
	})
	t.Run("R-LEAVE-2/recovered, boxed by cohort with handler and date, listed", func(t *testing.T) {
		f.now = bj(2026, 9, 8, 9)
		r, err := f.l.Recover(f.ctx, opA, lv.ID, "王老师")
		require.NoError(t, err)
		assert.Equal(t, schoolA+"-26-2026-09-08", r.Box)
		c, err := f.l.Card(f.ctx, opA, "G1")
		require.NoError(t, err)
		assert.Equal(t, lifecycle.RegRecovered, c.State)
		assert.Equal(t, r.Box, c.Box)
		list, err := f.l.Leavers(f.ctx, dist05, schoolA, "26")
		require.NoError(t, err)
		require.Len(t, list, 1)
		assert.True(t, list[0].Recovered)
		assert.Equal(t, "王老师", list[0].Handler)
		_, err = f.l.Leavers(f.ctx, opB, schoolA, "")
		assert.ErrorIs(t, err, lifecycle.ErrForbidden)
		_, err = f.l.Transition(f.ctx, opA, lifecycle.Request{CardID: "G1", Action: lifecycle.ActUnfreeze})
		assert.ErrorIs(t, err, lifecycle.ErrIllegalTransition, "a recovered card is never reused")
	})
}

func TestNumberChange(t *testing.T) {
	f := newFixture(t, bj(2026, 9, 7, 9))
	n1 := number(t, schoolA, 0, 30, 3, 1)
	n2 := number(t, schoolA, 0, 30, 3, 2)
	f.enrol("s1", n1)
	f.enrol("s2", n2)
	_, err := f.l.SubmitIDCard(f.ctx, opA, "ID-s1", n1, bj(2032, 8, 31, 0))
	require.NoError(t, err)
	f.issuedRegistryCard("R-s1", schoolA, n1)

	// Student s1 repeats a year: cohort 31, class 3.
	pre, err := f.l.PreassignNumber(f.ctx, opA, lifecycle.NumberChange{StudentKey: "s1", Cohort: 31, Class: 3, ConfirmedInClass: true})
	require.NoError(t, err)
	t.Run("S-ID-5/pre-assigned: class and last seat + 1", func(t *testing.T) {
		id, err := studentid.Parse(pre.Number)
		require.NoError(t, err)
		assert.Equal(t, 31, id.Cohort())
		assert.Equal(t, 1, id.Seat(), "the new cohort's class 3 is empty")
		again, err := f.l.PreassignNumber(f.ctx, opA, lifecycle.NumberChange{StudentKey: "s2", Cohort: 30, Class: 3, ConfirmedInClass: true})
		require.NoError(t, err)
		id2, err := studentid.Parse(again.Number)
		require.NoError(t, err)
		assert.Equal(t, 3, id2.Seat(), "after seats 1 and 2")
	})
	require.NoError(t, f.l.ExportNumberChanges(f.ctx, opA, []string{pre.Number}))
	assert.ErrorIs(t, f.l.FileNumberChanges(f.ctx, dist05, []string{pre.Number}), lifecycle.ErrForbidden, "filing is the city's")
	require.NoError(t, f.l.FileNumberChanges(f.ctx, city, []string{pre.Number}))
	out, err := f.l.ImportFilingResult(f.ctx, opA, "filing-1", map[string]bool{pre.Number: true})
	require.NoError(t, err)
	assert.False(t, out.Already)
	t.Run("S-ID-5/after the filing result: new number, old cards handled", func(t *testing.T) {
		c, err := f.l.Card(f.ctx, opA, "R-s1")
		require.NoError(t, err)
		assert.Equal(t, lifecycle.RegSchoolStock, c.State, "registry card recalled to be issued again")
		again, err := f.l.ImportFilingResult(f.ctx, opA, "filing-1", map[string]bool{pre.Number: true})
		require.NoError(t, err)
		assert.True(t, again.Already)
	})
	t.Run("S-ID-1/the old number is never given to anyone else", func(t *testing.T) {
		_, err := f.l.Enrol(f.ctx, opA, lifecycle.Student{Key: "s3", Number: n1.String(), Name: "王五"})
		assert.ErrorIs(t, err, lifecycle.ErrDuplicate)
		_, err = f.l.Enrol(f.ctx, opA, lifecycle.Student{Key: "s4", Number: pre.Number, Name: "王五"})
		assert.ErrorIs(t, err, lifecycle.ErrDuplicate)
	})
}

func TestReserveAndSmallBatch(t *testing.T) {
	f := newFixture(t, bj(2026, 9, 7, 9))
	_, err := f.l.ShipReserve(f.ctx, city, "05", 30)
	require.NoError(t, err)
	require.NoError(t, f.l.SetToIssue(f.ctx, dist05, 1000))
	st, err := f.l.Reserve(f.ctx, dist05, "05")
	require.NoError(t, err)
	t.Run("C-RESERVE-1/about 3 percent, no alert at 3 percent", func(t *testing.T) {
		assert.Equal(t, int64(30), st.Target)
		assert.False(t, st.Alert)
	})
	t.Run("S-7/district prints a small batch on reserve cards", func(t *testing.T) {
		_, err := f.l.PrintSmallBatch(f.ctx, dist05, 50)
		assert.ErrorIs(t, err, lifecycle.ErrRule, "50 is not a small batch")
		st, err := f.l.PrintSmallBatch(f.ctx, dist05, 25)
		require.NoError(t, err)
		assert.Equal(t, int64(5), st.Stock)
		assert.True(t, st.Alert, "C-RESERVE-1: below 1 percent")
		_, err = f.l.PrintSmallBatch(f.ctx, dist05, 10)
		assert.ErrorIs(t, err, lifecycle.ErrRule, "not enough reserve")
		_, err = f.l.Reserve(f.ctx, dist06, "05")
		assert.ErrorIs(t, err, lifecycle.ErrForbidden)
	})
	_, err = f.l.ShipReserve(f.ctx, dist05, "05", 10)
	assert.ErrorIs(t, err, lifecycle.ErrForbidden)
}

func TestOfflinePersonalisationAndSync(t *testing.T) {
	f := newFixture(t, bj(2026, 3, 2, 9))
	d, err := f.l.OfflinePersonalisation(f.ctx, opA, "usb-1")
	require.NoError(t, err)
	t.Run("R-ISSUE-4/one month for offline records", func(t *testing.T) {
		assert.True(t, d.DueAt.Equal(bj(2026, 4, 2, 9)))
		f.now = bj(2026, 4, 2, 10)
		assert.Equal(t, []string{d.ID}, f.overdue(dist05))
		_, err := f.l.ReceivePersonalisationRecords(f.ctx, dist05, schoolA, "usb-1", "digest-usb-1", 12)
		require.NoError(t, err)
		assert.Empty(t, f.overdue(dist05))
	})
	t.Run("R-OPS-1/what has not been sent up, did the last sync succeed", func(t *testing.T) {
		num := number(t, schoolA, 0, 32, 1, 9)
		f.issuedRegistryCard("U1", schoolA, num)
		ev, err := f.l.Unsent(f.ctx, opA, 100)
		require.NoError(t, err)
		require.NotEmpty(t, ev)
		_, err = f.l.RecordSync(f.ctx, opA, lifecycle.SyncDailyUpload, ev[len(ev)-1].Seq, true, "")
		require.NoError(t, err)
		f.tr(opA, "U1", lifecycle.ActReportLoss, "")
		ev, err = f.l.Unsent(f.ctx, opA, 100)
		require.NoError(t, err)
		require.Len(t, ev, 1)
		assert.Equal(t, lifecycle.ActReportLoss, ev[0].Action)
		_, err = f.l.RecordSync(f.ctx, opA, lifecycle.SyncMonthEnd, 0, false, "city unreachable")
		require.NoError(t, err)
		last, err := f.l.LastSync(f.ctx, opA, lifecycle.SyncMonthEnd)
		require.NoError(t, err)
		assert.False(t, last.OK)
		_, err = f.l.LastSync(f.ctx, dist05, lifecycle.SyncMonthEnd)
		assert.ErrorIs(t, err, lifecycle.ErrNotFound)
	})
}

func auditEntries(t *testing.T, f *fixture, chain string) []lifecycle.AuditEntry {
	var es []lifecycle.AuditEntry
	require.NoError(t, f.store.Tx(f.ctx, func(tx lifecycle.Tx) error {
		var err error
		es, err = tx.AuditEntries(f.ctx, chain, 0, 10000)
		return err
	}))
	return es
}

func TestPrivacyAndAudit(t *testing.T) {
	f := newFixture(t, bj(2026, 3, 2, 9))
	num := number(t, schoolA, 0, 32, 1, 3)
	f.enrol("p1", num)
	t.Run("P-1/minimum fields, approval and end date", func(t *testing.T) {
		base := lifecycle.ExportRequest{Purpose: lifecycle.PurposeLossList, Fields: []string{"card-id", "registry-number"},
			Recipient: "transit company", Approval: "京教函〔2026〕1号", Until: bj(2026, 6, 30, 0),
			Use: "loss list for the gates", Responsible: "赵主任", Handler: "d05", SecurityPlan: "安全方案2026-1"}
		for _, tc := range []struct {
			name string
			edit func(r *lifecycle.ExportRequest)
			ok   bool
		}{
			{"recorded", func(*lifecycle.ExportRequest) {}, true},
			{"too many fields", func(r *lifecycle.ExportRequest) { r.Fields = append(r.Fields, "resident-id") }, false},
			{"unknown purpose", func(r *lifecycle.ExportRequest) { r.Purpose = "marketing" }, false},
			{"no approval", func(r *lifecycle.ExportRequest) { r.Approval = "" }, false},
			{"no end date", func(r *lifecycle.ExportRequest) { r.Until = time.Time{} }, false},
			{"P-1/an end date already past", func(r *lifecycle.ExportRequest) { r.Until = f.now.Add(-time.Hour) }, false},
			{"P-6/no manner of use", func(r *lifecycle.ExportRequest) { r.Use = "" }, false},
			{"P-6/no one responsible for data security", func(r *lifecycle.ExportRequest) { r.Responsible = " " }, false},
			{"P-6/no handler", func(r *lifecycle.ExportRequest) { r.Handler = "" }, false},
			{"P-6/no security plan", func(r *lifecycle.ExportRequest) { r.SecurityPlan = "" }, false},
			{"P-6/a district exports through the page export, not in bulk", func(r *lifecycle.ExportRequest) { r.Bulk = true }, false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := base
				tc.edit(&r)
				err := f.l.RecordExport(f.ctx, dist05, r)
				if !tc.ok {
					assert.ErrorIs(t, err, lifecycle.ErrRule)
					return
				}
				require.NoError(t, err)
				es := auditEntries(t, f, "05")
				last := es[len(es)-1]
				assert.Equal(t, "export", last.Action)
				assert.Equal(t, "d05", last.Operator.User)
				var d map[string]any
				require.NoError(t, json.Unmarshal([]byte(last.Detail), &d))
				assert.Equal(t, []any{"card-id", "registry-number"}, d["fields"])
				assert.Equal(t, lifecycle.PurposeLossList, d["purpose"])
				assert.NotEmpty(t, d["until"])
			})
		}
	})
	t.Run("P-2/controlled field needs proof and the level above", func(t *testing.T) {
		ch := lifecycle.ControlledChange{StudentKey: "p1", Field: "name", New: "张珊", Proof: "户口本"}
		t.Run("the requester cannot approve for itself", func(t *testing.T) {
			_, err := f.l.ApproveChange(f.ctx, opA, ch)
			assert.ErrorIs(t, err, lifecycle.ErrRule)
			_, err = f.l.ApproveChange(f.ctx, dist06, ch)
			assert.ErrorIs(t, err, lifecycle.ErrForbidden, "another district")
		})
		appr, err := f.l.ApproveChange(f.ctx, dist05, ch)
		require.NoError(t, err)
		assert.Equal(t, "05", appr.Chain)
		ch.Approval = appr
		forged := auditEntries(t, f, "05")
		var schoolSeq int64
		for _, e := range forged {
			if e.Operator.Level == studentid.LevelSchool && e.Outcome == "ok" {
				schoolSeq = e.Seq
			}
		}
		require.NotZero(t, schoolSeq)
		for _, tc := range []struct {
			name string
			edit func(c *lifecycle.ControlledChange)
		}{
			{"no proof", func(c *lifecycle.ControlledChange) { c.Proof = "" }},
			{"no approval", func(c *lifecycle.ControlledChange) { c.Approval = lifecycle.Approval{} }},
			{"an entry of the school itself passed off as the approval", func(c *lifecycle.ControlledChange) { c.Approval.Seq = schoolSeq }},
			{"the approval of another value", func(c *lifecycle.ControlledChange) { c.New = "张山" }},
			{"the approval of another field", func(c *lifecycle.ControlledChange) { c.Field = "gender"; c.New = "2" }},
			{"an approval that does not exist", func(c *lifecycle.ControlledChange) { c.Approval.Seq = 99999 }},
			{"not a controlled field", func(c *lifecycle.ControlledChange) { c.Field = "hobby" }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				c := ch
				tc.edit(&c)
				_, err := f.l.ChangeControlledField(f.ctx, opA, c)
				assert.ErrorIs(t, err, lifecycle.ErrRule)
			})
		}
		s, err := f.l.ChangeControlledField(f.ctx, opA, ch)
		require.NoError(t, err)
		assert.Equal(t, "张珊", s.Name)
		es := auditEntries(t, f, "05")
		var d map[string]any
		require.NoError(t, json.Unmarshal([]byte(es[len(es)-1].Detail), &d))
		assert.Equal(t, "张三", d["before"], "P-3: the value before is kept")
		assert.Equal(t, "户口本", d["proof"])
		_, err = f.l.ChangeControlledField(f.ctx, opA, ch)
		assert.ErrorIs(t, err, lifecycle.ErrRule, "an approval is used once")
	})
	t.Run("P-2/new values are checked like enrolment data", func(t *testing.T) {
		for _, tc := range []struct{ field, value string }{
			{"id-number", "garbage"}, {"id-number", "110101201909010012"}, {"name", ""}, {"name", "  "},
			{"gender", "9"}, {"birth-date", "20190231"},
		} {
			ch := lifecycle.ControlledChange{StudentKey: "p1", Field: tc.field, New: tc.value, Proof: "户口本"}
			_, err := f.l.ApproveChange(f.ctx, dist05, ch)
			assert.Error(t, err, "%s %q is not approved", tc.field, tc.value)
			ch.Approval = lifecycle.Approval{Chain: "05", Seq: 1}
			_, err = f.l.ChangeControlledField(f.ctx, opA, ch)
			assert.Error(t, err, "%s %q", tc.field, tc.value)
		}
	})
	t.Run("P-3/events keep who, when, level and the card before", func(t *testing.T) {
		f.issuedRegistryCard("H1", schoolA, num)
		f.tr(opA, "H1", lifecycle.ActReportLoss, "")
		h, err := f.l.History(f.ctx, opA, "H1")
		require.NoError(t, err)
		last := h[len(h)-1]
		assert.Equal(t, lifecycle.RegIssued, last.From)
		assert.Equal(t, lifecycle.RegLost, last.To)
		assert.Equal(t, "R-LOSS-1", last.Rule)
		assert.Equal(t, studentid.LevelSchool, last.Operator.Level)
		var before lifecycle.Card
		require.NoError(t, json.Unmarshal([]byte(last.Before), &before))
		assert.Equal(t, lifecycle.RegIssued, before.State)
		assert.True(t, before.LostAt.IsZero())
	})
}

func TestAuditVerifier(t *testing.T) {
	f := newFixture(t, bj(2026, 3, 2, 9))
	for i := range 6 {
		_, err := f.l.ShipReserve(f.ctx, city, "05", int64(i+1))
		require.NoError(t, err)
	}
	a := lifecycle.Audit{}
	n, err := a.Verify(f.ctx, f.store, "city", lifecycle.AuditAnchor{})
	require.NoError(t, err)
	require.Equal(t, int64(6), n)
	head := auditEntries(t, f, "city")[5]
	anchor := lifecycle.AuditAnchor{Seq: head.Seq, Hash: head.Hash}

	for _, tc := range []struct {
		name string
		edit func([]lifecycle.AuditEntry) []lifecycle.AuditEntry
		seq  int64
	}{
		{"edit", func(es []lifecycle.AuditEntry) []lifecycle.AuditEntry { es[2].Detail = `{"count":999}`; return es }, 3},
		{"edit with a recomputed hash", func(es []lifecycle.AuditEntry) []lifecycle.AuditEntry {
			es[2].Detail = `{"count":999}`
			es[2].Hash = lifecycle.Audit{}.Hash(es[2])
			return es
		}, 4},
		{"deletion", func(es []lifecycle.AuditEntry) []lifecycle.AuditEntry { return append(es[:1:1], es[2:]...) }, 2},
		{"reordering", func(es []lifecycle.AuditEntry) []lifecycle.AuditEntry {
			es[1], es[2] = es[2], es[1]
			es[1].Seq, es[2].Seq = 2, 3
			return es
		}, 2},
		{"truncation caught by the anchor", func(es []lifecycle.AuditEntry) []lifecycle.AuditEntry { return es[:4] }, 5},
	} {
		t.Run("P-3/"+tc.name, func(t *testing.T) {
			orig := auditEntries(t, f, "city")
			f.store.TamperAudit("city", tc.edit)
			defer f.store.TamperAudit("city", func([]lifecycle.AuditEntry) []lifecycle.AuditEntry { return orig })
			_, err := a.Verify(f.ctx, f.store, "city", anchor)
			require.ErrorIs(t, err, lifecycle.ErrAuditBroken)
			var ae *lifecycle.AuditError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tc.seq, ae.Seq, ae.Error())
		})
	}
	t.Run("SM3 chains verify with SM3 only", func(t *testing.T) {
		sm3 := lifecycle.SM3Audit()
		e := auditEntries(t, f, "city")[0]
		assert.NotEqual(t, sm3.Hash(e), a.Hash(e))
		assert.Len(t, sm3.Hash(e), 64)
	})
}

func ExampleLedger() {
	ctx := context.Background()
	now := time.Date(2026, 9, 1, 9, 0, 0, 0, lifecycle.Beijing())
	l, err := lifecycle.NewLedger(lifecycle.Config{Store: lifecycle.NewMemStore(), Clock: func() time.Time { return now }})
	if err != nil {
		panic(err)
	}
	city := lifecycle.Operator{Level: studentid.LevelCity, User: "city"}
	school := lifecycle.Operator{Level: studentid.LevelSchool, District: "05", School: "01050123", User: "teacher"}
	other := lifecycle.Operator{Level: studentid.LevelSchool, District: "05", School: "01050456", User: "other"}

	if _, err := l.ReceiveStock(ctx, city, "supplier-file-digest", []string{"C1"}); err != nil {
		panic(err)
	}
	c, err := l.Transition(ctx, city, lifecycle.Request{CardID: "C1", Action: lifecycle.ActShipToDistrict, Target: "05"})
	fmt.Println(c.State, err)
	_, err = l.Transition(ctx, other, lifecycle.Request{CardID: "C1", Action: lifecycle.ActPersonalise})
	fmt.Println(err)
	_, err = l.Transition(ctx, school, lifecycle.Request{CardID: "C1", Action: lifecycle.ActReportLoss})
	fmt.Println(err)
	// Output:
	// district-stock <nil>
	// operator school 05/01050456 may not personalise in 05/
	// operator school 05/01050123 may not report-loss in 05/
}

func TestApplyForCardThroughLedger(t *testing.T) {
	f := newFixture(t, bj(2026, 9, 10, 9))
	for _, tc := range []struct {
		name string
		op   lifecycle.Operator
		num  studentid.ID
		want lifecycle.ApplicationKind
		err  error
	}{
		{"S-ID-4/grade-1 at its school", opA, number(t, schoolA, 0, 32, 1, 1), lifecycle.ApplyNew, nil},
		{"S-ID-4/grade-3 gets a replacement", opA, number(t, schoolA, 0, 30, 1, 1), lifecycle.ApplyReplacement, nil},
		{"S-4/another school's student", opB, number(t, schoolA, 0, 32, 1, 1), "", lifecycle.ErrForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := f.l.ApplyForCard(f.ctx, tc.op, lifecycle.Newcomer{Number: tc.num})
			if tc.err != nil {
				assert.ErrorIs(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

// must returns v, panicking on err: for constant test data only.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
