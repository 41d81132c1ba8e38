package lifecycle_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

func TestDamagedCardClock(t *testing.T) {
	const apply = "R-LOSS-5/apply/D1"
	for _, tc := range []struct {
		name string
		// replaceDay is the day of September 2026 the replacement is
		// applied for (0: never).
		replaceDay int
		// checkDay/checkHour is when Overdue is read.
		checkDay, checkHour int
		overdue             bool
	}{
		{"R-LOSS-5/damaged: not overdue within the week", 0, 14, 8, false},
		{"R-LOSS-5/damaged: overdue a week after the report when not applied for", 0, 14, 10, true},
		{"R-LOSS-5/damaged: applied for within the week closes the clock", 10, 30, 10, false},
		{"R-LOSS-5/damaged: applied for late closes it too", 15, 16, 10, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, bj(2026, 9, 7, 9))
			f.issuedRegistryCard("D1", schoolA, number(t, schoolA, 0, 30, 3, 7))
			d, err := f.l.ReportDamaged(f.ctx, opA, "D1", "cracked")
			require.NoError(t, err)
			assert.Equal(t, "R-LOSS-5", d.Rule)
			assert.True(t, d.DueAt.Equal(bj(2026, 9, 14, 9)), "a week: %v", d.DueAt)
			assert.Equal(t, lifecycle.RegIssued, f.card("D1").State, "the card still works until replaced")
			if tc.replaceDay != 0 {
				f.now = bj(2026, 9, tc.replaceDay, 9)
				rep, err := f.l.ReplaceRegistryCard(f.ctx, opA, "D1", lifecycle.CauseDamaged)
				require.NoError(t, err)
				assert.Equal(t, lifecycle.PayerStudent, rep.Terms.Payer)
			}
			f.now = bj(2026, 9, tc.checkDay, tc.checkHour)
			got := f.overdue(opA)
			if tc.overdue {
				assert.Contains(t, got, apply)
				assert.Contains(t, f.overdue(dist05), apply, "the district sees its schools' clocks")
			} else {
				assert.NotContains(t, got, apply)
			}
		})
	}
	t.Run("R-LOSS-5/the report is in the card's history and the audit log", func(t *testing.T) {
		f := newFixture(t, bj(2026, 9, 7, 9))
		f.issuedRegistryCard("D1", schoolA, number(t, schoolA, 0, 30, 3, 7))
		_, err := f.l.ReportDamaged(f.ctx, opA, "D1", "cracked")
		require.NoError(t, err)
		h, err := f.l.History(f.ctx, opA, "D1")
		require.NoError(t, err)
		last := h[len(h)-1]
		assert.Equal(t, lifecycle.Action("report-damage"), last.Action)
		assert.Equal(t, "R-LOSS-5", last.Rule)
		es, err := f.l.AuditEntries(f.ctx, opA, "05", 0, 1000)
		require.NoError(t, err)
		assert.Equal(t, "report-damage", es[len(es)-1].Action)
		f.now = bj(2026, 9, 10, 9)
		d, err := f.l.ReportDamaged(f.ctx, opA, "D1", "again")
		require.NoError(t, err)
		assert.True(t, d.DueAt.Equal(bj(2026, 9, 14, 9)), "reporting again does not restart the week")
	})
	t.Run("R-LOSS-5/the old school reports a transferred-out card damaged (R-MOVE-3)", func(t *testing.T) {
		f := newFixture(t, bj(2026, 9, 7, 9))
		num := number(t, schoolA, 0, 30, 3, 7)
		f.enrol("s", num)
		f.issuedRegistryCard("D1", schoolA, num)
		require.NoError(t, f.l.TransferOut(f.ctx, opA, "s"))
		_, err := f.l.ReportDamaged(f.ctx, opA, "D1", "")
		require.NoError(t, err)
		f.now = bj(2026, 9, 15, 9)
		assert.Contains(t, f.overdue(opA), "R-LOSS-5/apply/D1")
	})
	for _, tc := range []struct {
		name      string
		op        lifecycle.Operator
		prepare   func(f *fixture)
		forbidden bool
	}{
		{"R-LOSS-5/another school may not report it", opB, nil, true},
		{"R-LOSS-5/the district does not report it, the school does", dist05, nil, true},
		{"R-LOSS-5/an application unit may not report it", transitU, nil, true},
		{"R-LOSS-5/a lost card has the loss clocks, not this one", opA, func(f *fixture) { f.tr(opA, "D1", lifecycle.ActReportLoss, "") }, false},
		{"R-LOSS-5/a cancelled card is not reported damaged", opA, func(f *fixture) { f.tr(opA, "D1", lifecycle.ActCancel, "") }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, bj(2026, 9, 7, 9))
			f.issuedRegistryCard("D1", schoolA, number(t, schoolA, 0, 30, 3, 7))
			if tc.prepare != nil {
				tc.prepare(f)
			}
			_, err := f.l.ReportDamaged(f.ctx, tc.op, "D1", "")
			if tc.forbidden {
				require.ErrorIs(t, err, lifecycle.ErrForbidden)
			} else {
				require.ErrorIs(t, err, lifecycle.ErrIllegalTransition)
			}
			h, err := f.l.History(f.ctx, city, "D1")
			require.NoError(t, err)
			for _, e := range h {
				assert.NotEqual(t, lifecycle.Action("report-damage"), e.Action, "nothing recorded")
			}
		})
	}
}

func TestSpringTransfersDuty(t *testing.T) {
	const transfers = "R-OPS-3/spring-transfers-2026/school/05/" + schoolA
	admin := opA
	admin.Role, admin.User = lifecycle.RoleSystemAdmin, "sysadmin"
	for _, tc := range []struct {
		name string
		// doneDay is the day of March 2026 the school records its
		// transfers processed (0: never); ok whether it succeeded.
		doneDay int
		ok      bool
		// check is when Overdue is read.
		check   time.Time
		overdue bool
	}{
		{"R-OPS-3/transfers not processed: not overdue on 16 March", 0, true, bj(2026, 3, 16, 23), false},
		{"R-OPS-3/transfers not processed by 16 March: overdue on the 17th", 0, true, bj(2026, 3, 17, 0).Add(time.Minute), true},
		{"R-OPS-3/transfers processed on 12 March: done", 12, true, bj(2026, 3, 17, 9), false},
		{"R-OPS-3/transfers processed on 16 March: done", 16, true, bj(2026, 3, 25, 9), false},
		{"R-OPS-3/a failed processing record does not count", 12, false, bj(2026, 3, 17, 9), true},
		{"R-OPS-3/processed late, on 18 March: closed from then", 18, true, bj(2026, 3, 19, 9), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, bj(2026, 3, 2, 9))
			ds, err := f.l.ScheduleDuties(f.ctx, opA)
			require.NoError(t, err)
			var found bool
			for _, d := range ds {
				if d.ID == transfers {
					found = true
					assert.True(t, d.DueAt.Equal(bj(2026, 3, 17, 0)), "due at the end of 16 March: %v", d.DueAt)
				}
			}
			require.True(t, found, "the 16 March duty is scheduled")
			if tc.doneDay != 0 {
				f.now = bj(2026, 3, tc.doneDay, 9)
				_, err := f.l.RecordSync(f.ctx, opA, lifecycle.SyncTransfers, 0, tc.ok, "")
				require.NoError(t, err)
			}
			f.now = tc.check
			if tc.overdue {
				assert.Contains(t, f.overdue(opA), transfers)
			} else {
				assert.NotContains(t, f.overdue(opA), transfers)
			}
		})
	}
	t.Run("R-OPS-3/a student-change sync does not count as the transfers processed", func(t *testing.T) {
		f := newFixture(t, bj(2026, 3, 2, 9))
		_, err := f.l.ScheduleDuties(f.ctx, opA)
		require.NoError(t, err)
		f.now = bj(2026, 3, 16, 9)
		_, err = f.l.RecordSync(f.ctx, opA, lifecycle.SyncStudent, 0, true, "")
		require.NoError(t, err)
		f.now = bj(2026, 3, 17, 9)
		assert.Contains(t, f.overdue(opA), transfers)
		assert.NotContains(t, f.overdue(opA), "R-OPS-3/spring-2026/school/05/"+schoolA, "the sync duty is done")
	})
	t.Run("R-OPS-3/a system administrator does not record registry processing (S-14)", func(t *testing.T) {
		f := newFixture(t, bj(2026, 3, 2, 9))
		_, err := f.l.RecordSync(f.ctx, admin, lifecycle.SyncTransfers, 0, true, "")
		require.ErrorIs(t, err, lifecycle.ErrForbidden)
	})
	t.Run("R-OPS-3/scheduled after 16 March: next year's", func(t *testing.T) {
		f := newFixture(t, bj(2026, 3, 18, 9))
		ds, err := f.l.ScheduleDuties(f.ctx, opA)
		require.NoError(t, err)
		var ids []string
		for _, d := range ds {
			ids = append(ids, d.ID)
		}
		assert.Contains(t, ids, "R-OPS-3/spring-transfers-2027/school/05/"+schoolA)
	})
}

func TestIDReplacementRecordsCost(t *testing.T) {
	for _, tc := range []struct {
		name   string
		cause  lifecycle.Cause
		erring studentid.Level
		payer  lifecycle.Payer
		keeper studentid.Level
		ok     bool
	}{
		{"C-FEE-1/a lost ID card: the student pays, the city that makes it keeps the fee", lifecycle.CauseLost, "", lifecycle.PayerStudent, studentid.LevelCity, true},
		{"C-FEE-1/a damaged ID card: the student pays, the fee goes up to the city", lifecycle.CauseDamaged, studentid.LevelDistrict, lifecycle.PayerStudent, studentid.LevelCity, true},
		{"C-REPLACE-1/the school's own error: the school pays, no fee", lifecycle.CauseSchoolError, studentid.LevelCity, lifecycle.PayerSchool, "", true},
		{"C-FEE-1/the district's error: the district pays, not the school", lifecycle.CauseUpperError, studentid.LevelDistrict, lifecycle.PayerUpper, "", true},
		{"C-FEE-1/the city's error: the city pays", lifecycle.CauseUpperError, studentid.LevelCity, lifecycle.PayerUpper, "", true},
		{"C-REPLACE-1/bad quality: the supplier", lifecycle.CauseBadQuality, "", lifecycle.PayerSupplier, "", true},
		{"C-FEE-1/an upper-level error without the level at fault is refused", lifecycle.CauseUpperError, "", "", "", false},
		{"C-FEE-1/an upper-level error blamed on the school is refused", lifecycle.CauseUpperError, studentid.LevelSchool, "", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, bj(2026, 9, 7, 9))
			num := number(t, schoolA, 0, 30, 3, 7)
			f.enrol("s", num)
			f.issuedIDCard("ID1", num)
			before, err := f.l.AuditEntries(f.ctx, opA, "05", 0, 1000)
			require.NoError(t, err)
			rep, err := f.l.ReplaceIDCard(f.ctx, opA, "ID1", "ID2", tc.cause, tc.erring)
			es, aerr := f.l.AuditEntries(f.ctx, opA, "05", 0, 1000)
			require.NoError(t, aerr)
			last := es[len(es)-1]
			if !tc.ok {
				assert.Equal(t, "C-FEE-1", ruleOf(t, err))
				assert.Equal(t, lifecycle.IDIssued, f.card("ID1").State, "nothing replaced")
				assert.Len(t, es, len(before), "nothing recorded")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.payer, rep.Terms.Payer)
			assert.Equal(t, tc.keeper, rep.Keeper)
			assert.Equal(t, string(lifecycle.ActReplace), last.Action)
			var detail map[string]any
			require.NoError(t, json.Unmarshal([]byte(last.Detail), &detail))
			assert.Equal(t, string(tc.payer), detail["payer"], "the payer is in the audit entry")
			assert.Equal(t, string(tc.keeper), detail["keeper"], "the level keeping the fee is in the audit entry")
		})
	}
}

func TestFrozenCardTransferredOut(t *testing.T) {
	// R-MOVE-1/R-LEAVE-1: freezing stands for a leaving without the transfer
	// operation (seed 001), so the transfer-out is still done on a frozen
	// card, as the card itself allows; card and ledger agree.
	for _, tc := range []struct {
		name   string
		freeze bool
		cancel bool
		want   lifecycle.State
		ok     bool
	}{
		{"R-MOVE-1/an issued card is transferred out", false, false, lifecycle.RegTransferredOut, true},
		{"R-MOVE-1/a frozen card is transferred out too", true, false, lifecycle.RegTransferredOut, true},
		{"R-MOVE-1/a cancelled card is not", false, true, lifecycle.RegCancelled, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, bj(2026, 9, 7, 9))
			num := number(t, schoolA, 0, 30, 3, 7)
			f.enrol("s", num)
			f.issuedRegistryCard(cardA, schoolA, num)
			if tc.freeze {
				f.tr(opA, cardA, lifecycle.ActFreeze, "")
			}
			if tc.cancel {
				f.tr(opA, cardA, lifecycle.ActCancel, "")
			}
			f.now = bj(2026, 9, 8, 9)
			err := f.l.TransferOut(f.ctx, opA, "s")
			assert.Equal(t, tc.want, f.card(cardA).State)
			if !tc.ok {
				return
			}
			require.NoError(t, err)
			if tc.freeze {
				assert.Equal(t, []string{"unfreeze@09-08 09:00/A"}, kinds(f.list(opA, 2026, 9, 8)), "it comes off the freeze list and travels with the student")
			} else {
				assert.Empty(t, kinds(f.list(opA, 2026, 9, 8)))
			}
		})
	}
	t.Run("R-MOVE-1/the card allows the same transfer-out of a frozen card", func(t *testing.T) {
		m := lifecycle.RegistryCardMachine()
		_, err := m.Find(lifecycle.RegFrozen, lifecycle.ActTransferOut, studentid.LevelSchool)
		require.NoError(t, err)
		_, err = m.Find(lifecycle.RegCancelled, lifecycle.ActTransferOut, studentid.LevelSchool)
		require.ErrorIs(t, err, lifecycle.ErrIllegalTransition)
	})
}
