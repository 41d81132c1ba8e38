package lifecycle_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

func TestReplacementTerms(t *testing.T) {
	for _, tc := range []struct {
		name   string
		id     bool
		cause  lifecycle.Cause
		payer  lifecycle.Payer
		fee    int
		signed bool
		badCar bool
	}{
		{"R-LOSS-3/lost registry card 15 yuan", false, lifecycle.CauseLost, lifecycle.PayerStudent, 15, true, false},
		{"R-LOSS-4/damage after hand-out is the student's", false, lifecycle.CauseDamaged, lifecycle.PayerStudent, 15, true, false},
		{"R-LOSS-4/card fault free", false, lifecycle.CauseCardFault, lifecycle.PayerNone, 0, false, false},
		{"C-REPLACE-1/upper-level error", true, lifecycle.CauseUpperError, lifecycle.PayerUpper, 0, false, true},
		{"C-REPLACE-1/bad quality", true, lifecycle.CauseBadQuality, lifecycle.PayerSupplier, 0, false, true},
		{"C-REPLACE-1/school error paid by the school", true, lifecycle.CauseSchoolError, lifecycle.PayerSchool, 0, true, false},
		{"C-REPLACE-1/lost ID card needs a signed application", true, lifecycle.CauseLost, lifecycle.PayerStudent, 0, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			terms := lifecycle.RegistryReplacementTerms
			if tc.id {
				terms = lifecycle.IDReplacementTerms
			}
			got, err := terms(tc.cause)
			require.NoError(t, err)
			assert.Equal(t, tc.payer, got.Payer)
			assert.Equal(t, tc.fee, got.FeeYuan)
			if tc.fee > 0 {
				assert.Equal(t, "174011", got.FeeCode)
			}
			assert.Equal(t, tc.signed, got.SignedApplication)
			assert.Equal(t, tc.badCar, got.BadCardAndExplanation)
		})
	}
	_, err := lifecycle.RegistryReplacementTerms(lifecycle.CauseUpperError)
	assert.ErrorIs(t, err, lifecycle.ErrRule)
}

func TestCardApplication(t *testing.T) {
	at := bj(2026, 9, 10, 9) // school year 2026-27: grade-1 primary graduates in 2032
	for _, tc := range []struct {
		name    string
		school  string
		cat     uint8
		cohort  int
		outside bool
		want    lifecycle.ApplicationKind
		err     bool
	}{
		{"S-ID-4/grade-1 primary gets a new card", schoolA, 0, 32, false, lifecycle.ApplyNew, false},
		{"S-ID-4/grade-2 primary applies for a replacement", schoolA, 0, 31, false, lifecycle.ApplyReplacement, false},
		{"S-ID-4/grade-1 primary transient gets a new card", schoolA, 4, 32, false, lifecycle.ApplyNew, false},
		{"S-ID-4/transient newcomer from outside Beijing with a transient number", "01051123", 5, 29, true, lifecycle.ApplyNew, false},
		{"S-ID-4/newcomer from outside Beijing without a transient number", "01051123", 1, 29, true, "", true},
		{"S-ID-4/grade-7 newcomer applies for a replacement", "01051123", 1, 29, false, lifecycle.ApplyReplacement, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			num := number(t, tc.school, studentid.StudentCategory(tc.cat), tc.cohort, 1, 1)
			got, err := lifecycle.CardApplication(lifecycle.Newcomer{Number: num, FromOutsideBeijing: tc.outside, NeverAttendedBeijing: tc.outside}, at)
			if tc.err {
				assert.ErrorIs(t, err, lifecycle.ErrRule)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestRegistrationWindows(t *testing.T) {
	p := lifecycle.DefaultRegistrationPolicy().WithDistrictWindow("17",
		lifecycle.Window{From: lifecycle.MonthDay{Month: time.March, Day: 1}, To: lifecycle.MonthDay{Month: time.March, Day: 20}},
		lifecycle.Window{From: lifecycle.MonthDay{Month: time.September, Day: 1}, To: lifecycle.MonthDay{Month: time.September, Day: 20}})
	for _, tc := range []struct {
		name     string
		district string
		at       time.Time
		until    time.Time
	}{
		{"R-REG-1/spring registration valid until 20 September", "05", bj(2026, 3, 20, 23), bj(2026, 9, 21, 0)},
		{"R-REG-1/autumn registration valid until 20 March", "05", bj(2026, 9, 1, 9), bj(2027, 3, 21, 0)},
		{"R-REG-1/after 20 March is too late", "05", bj(2026, 3, 21, 0), time.Time{}},
		{"R-REG-1/district window 1-20 March refuses February", "17", bj(2026, 2, 20, 9), time.Time{}},
		{"R-REG-1/district window 1-20 March accepts 1 March", "17", bj(2026, 3, 1, 9), bj(2026, 9, 21, 0)},
		{"R-REG-1/other districts accept February", "05", bj(2026, 2, 20, 9), bj(2026, 9, 21, 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			until, err := p.Register(tc.district, tc.at)
			if tc.until.IsZero() {
				var re *lifecycle.RuleError
				require.ErrorAs(t, err, &re)
				assert.Equal(t, "R-REG-1", re.Rule)
				return
			}
			require.NoError(t, err)
			assert.True(t, tc.until.Equal(until), "got %v", until)
			assert.True(t, p.Valid(until, tc.until.Add(-time.Second)))
			assert.False(t, p.Valid(until, tc.until), "R-REG-1: invalid after the 20th")
		})
	}
	assert.NotContains(t, lifecycle.DefaultRegistrationPolicy().Districts, "17", "WithDistrictWindow copies")
}

func TestRegisterThroughLedger(t *testing.T) {
	f := newFixture(t, bj(2026, 3, 2, 9))
	f.issuedRegistryCard("REG1", schoolA, number(t, schoolA, 0, 31, 1, 1))
	c, err := f.l.Card(f.ctx, opA, "REG1")
	require.NoError(t, err)
	assert.True(t, f.l.RegistrationValid(c), "R-REG-1: issuing a new card registers it")
	c, err = f.l.Register(f.ctx, opA, "REG1")
	require.NoError(t, err)
	assert.True(t, f.l.RegistrationValid(c))
	f.now = bj(2026, 9, 21, 0)
	assert.False(t, f.l.RegistrationValid(c), "R-REG-1: stops after 20 September")
	_, err = f.l.Register(f.ctx, opA, "REG1")
	assert.ErrorIs(t, err, lifecycle.ErrRule, "22 September is outside the window")
}

func TestAllocations(t *testing.T) {
	t.Run("R-ISSUE-2/8 percent temporary and spare", func(t *testing.T) {
		assert.Equal(t, 108, lifecycle.SchoolAllocation(100))
		assert.Equal(t, 2, lifecycle.SchoolAllocation(1), "rounded up")
		assert.Equal(t, 0, lifecycle.SchoolAllocation(0))
	})
}

func TestMachinesAsData(t *testing.T) {
	for _, m := range []*lifecycle.Machine{lifecycle.IDCardMachine(), lifecycle.RegistryCardMachine()} {
		t.Run(string(m.Kind), func(t *testing.T) {
			states := m.States()
			for _, tr := range m.Transitions {
				assert.NotEmpty(t, tr.Rule, "every transition cites a rule: %s", tr.Action)
				assert.NotEmpty(t, tr.By, tr.Action)
				for _, from := range tr.From {
					got, err := m.Find(from, tr.Action, tr.By[0])
					require.NoError(t, err)
					assert.Equal(t, tr.To, got.To)
				}
				assert.Contains(t, states, tr.To)
			}
		})
	}
	t.Run("R-MOVE-1/no personalisation of a card in transfer", func(t *testing.T) {
		_, err := lifecycle.RegistryCardMachine().Find(lifecycle.RegTransferredOut, lifecycle.ActPersonalise, studentid.LevelSchool)
		var te *lifecycle.TransitionError
		require.ErrorAs(t, err, &te)
		assert.Equal(t, "R-MOVE-1", te.Rule)
		assert.Equal(t, lifecycle.RegTransferredOut, te.State)
		assert.Contains(t, te.Localize(l10n.Chinese), "状态")
	})
	t.Run("S-4/a school may not validate at the district", func(t *testing.T) {
		_, err := lifecycle.IDCardMachine().Find(lifecycle.IDSubmitted, lifecycle.ActValidateDistrict, studentid.LevelSchool)
		assert.ErrorIs(t, err, lifecycle.ErrForbidden)
	})
}

func TestErrorTextsInChinese(t *testing.T) {
	for _, err := range []interface{ Localize(language.Tag) string }{
		&lifecycle.NotFoundError{Entity: "card", Key: "1"},
		&lifecycle.DuplicateError{Entity: "number", Key: "1"},
		&lifecycle.ConflictError{Entity: "card", Key: "1", Expected: 1, Stored: 2},
		&lifecycle.ConflictError{Entity: "card", Key: "1", Expected: 1, Stored: -1},
		&lifecycle.TransitionError{Kind: lifecycle.KindIDCard, CardID: "1", Action: lifecycle.ActReportLoss, State: lifecycle.IDIssued, Rule: "C-MGMT-1"},
		&lifecycle.ForbiddenError{Level: studentid.LevelSchool, Action: "x"},
		&lifecycle.RuleError{Rule: "R-MOVE-2", Reason: "student no longer at school"},
		&lifecycle.AuditError{Chain: "05", Seq: 3, Problem: "contents do not match its hash (edited)"},
		&lifecycle.CalendarError{Line: 1, Problem: "no year declared"},
		&lifecycle.OutsideCalendarError{Date: lifecycle.Date{Year: 2030, Month: 1, Day: 1}, First: 2024, Last: 2026},
	} {
		zh, en := err.Localize(l10n.Chinese), err.Localize(l10n.English)
		assert.NotEqual(t, zh, en, "%T has a Chinese text", err)
		assert.Regexp(t, `\p{Han}`, zh, "%T", err)
	}
	for _, s := range []error{lifecycle.ErrNotFound, lifecycle.ErrConflict, lifecycle.ErrDuplicate, lifecycle.ErrForbidden,
		lifecycle.ErrIllegalTransition, lifecycle.ErrRule, lifecycle.ErrAuditBroken, lifecycle.ErrTxDone, lifecycle.ErrCalendar,
		lifecycle.ErrOutsideCalendar, lifecycle.ErrNotAtSchool} {
		assert.Regexp(t, `\p{Han}`, l10n.Error(s, l10n.Chinese), s.Error())
	}
}
