package lifecycle_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

func TestUndo(t *testing.T) {
	f := newFixture(t, bj(2026, 9, 7, 9))
	f.issuedRegistryCard("UN1", schoolA, number(t, schoolA, 0, 31, 2, 2))
	f.tr(opA, "UN1", lifecycle.ActReportLoss, "")
	t.Run("P-3/a loss entered by mistake is undone, and the undo is recorded", func(t *testing.T) {
		c, err := f.l.Undo(f.ctx, opA, "UN1", "wrong student")
		require.NoError(t, err)
		assert.Equal(t, lifecycle.RegIssued, c.State)
		assert.True(t, c.LostAt.IsZero(), "the before-values are restored")
		h, err := f.l.History(f.ctx, opA, "UN1")
		require.NoError(t, err)
		last := h[len(h)-1]
		assert.Equal(t, lifecycle.Action("undo"), last.Action)
		assert.Equal(t, lifecycle.RegLost, last.From)
		assert.Equal(t, "P-3", last.Rule)
		assert.Contains(t, last.Reason, "wrong student")
	})
	t.Run("P-3/an undo is not undone, nor a shipment", func(t *testing.T) {
		_, err := f.l.Undo(f.ctx, opA, "UN1", "again")
		assert.ErrorIs(t, err, lifecycle.ErrRule)
		_, err = f.l.Undo(f.ctx, opB, "UN1", "not mine")
		assert.ErrorIs(t, err, lifecycle.ErrForbidden)
	})
}

func TestFileDigest(t *testing.T) {
	d, err := lifecycle.FileDigest(strings.NewReader("abc"))
	require.NoError(t, err)
	assert.Equal(t, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", d, "FIPS 180-2 vector")
}

func TestStudentStringMasksPII(t *testing.T) {
	s := lifecycle.Student{Key: "G110101201909010012", Number: "0105012032010019", Name: "张三丰", IDNumber: "110101201909010012", District: "05", School: schoolA}
	for _, out := range []string{s.String(), fmt.Sprintf("%v", s), fmt.Sprintf("%+v", s), fmt.Sprintf("%#v", s)} {
		assert.NotContains(t, out, "张三丰")
		assert.NotContains(t, out, "三丰")
		assert.NotContains(t, out, "201909010012")
		assert.Contains(t, out, "张**")
	}
}

// flakyStore makes the first appends to the audit chain lose a race, as two
// districts' writers might on a shared database.
type flakyStore struct {
	lifecycle.Store
	failures int
}

type flakyTx struct {
	lifecycle.Tx
	s *flakyStore
}

func (s *flakyStore) Tx(ctx context.Context, fn func(lifecycle.Tx) error) error {
	return s.Store.Tx(ctx, func(tx lifecycle.Tx) error { return fn(flakyTx{tx, s}) })
}

func (t flakyTx) AppendAudit(ctx context.Context, e lifecycle.AuditEntry) error {
	if t.s.failures > 0 {
		t.s.failures--
		return &lifecycle.ConflictError{Entity: lifecycle.EntityAuditChain, Key: e.Chain, Expected: e.Seq - 1, Stored: e.Seq}
	}
	return t.Tx.AppendAudit(ctx, e)
}

func TestAuditRaceIsRetried(t *testing.T) {
	mem := lifecycle.NewMemStore()
	s := &flakyStore{Store: mem, failures: 3}
	now := bj(2026, 9, 7, 9)
	l, err := lifecycle.NewLedger(lifecycle.Config{Scheme: studentid.MOD11_10, Store: s, Clock: func() time.Time { return now }})
	require.NoError(t, err)
	out, err := l.ReceiveStock(context.Background(), city, "race", []string{"Z1", "Z2"})
	require.NoError(t, err)
	assert.False(t, out.Already)
	assert.Zero(t, s.failures)
	n, err := lifecycle.Audit{}.Verify(context.Background(), mem, "city", lifecycle.AuditAnchor{})
	require.NoError(t, err)
	assert.Equal(t, int64(1), n, "the retried call is audited once")
	var events []lifecycle.Event
	require.NoError(t, mem.Tx(context.Background(), func(tx lifecycle.Tx) error {
		events, err = tx.ScopeEvents(context.Background(), lifecycle.Scope{}, 0, 100)
		return err
	}))
	assert.Len(t, events, 2, "the failed attempts left nothing behind")

	s.failures = 100
	_, err = l.ReceiveStock(context.Background(), city, "race-2", []string{"Z3"})
	assert.ErrorIs(t, err, lifecycle.ErrConflict, "a race that never ends is reported")
}

func TestNewLedgerNeedsStoreAndClock(t *testing.T) {
	_, err := lifecycle.NewLedger(lifecycle.Config{Scheme: studentid.MOD11_10, Store: lifecycle.NewMemStore()})
	assert.Error(t, err)
	_, err = lifecycle.NewLedger(lifecycle.Config{Scheme: studentid.MOD11_10, Clock: func() time.Time { return time.Time{} }})
	assert.Error(t, err)
}

func TestIDCardValidity(t *testing.T) {
	f := newFixture(t, bj(2026, 9, 1, 9))
	num := number(t, schoolA, 0, 32, 1, 1)
	_, err := f.l.SubmitIDCard(f.ctx, opA, "V1", num, bj(2026, 12, 31, 0))
	require.NoError(t, err)
	f.tr(dist05, "V1", lifecycle.ActValidateDistrict, "")
	f.tr(city, "V1", lifecycle.ActValidateCity, "")
	f.tr(city, "V1", lifecycle.ActSendToFactory, "")
	for _, lv := range []struct {
		op     lifecycle.Operator
		digest string
	}{{city, "rc"}, {dist05, "rd"}, {opA, "rs"}} {
		_, err := f.l.ImportResult(f.ctx, lv.op, lv.digest, []string{"V1"})
		require.NoError(t, err)
	}
	f.tr(opA, "V1", lifecycle.ActIssue, "")
	t.Run("C-MGMT-1/a valid ID card does not expire", func(t *testing.T) {
		_, err := f.l.Transition(f.ctx, opA, lifecycle.Request{CardID: "V1", Action: lifecycle.ActExpire})
		var re *lifecycle.RuleError
		require.ErrorAs(t, err, &re)
		assert.Equal(t, "C-MGMT-1", re.Rule)
	})
	t.Run("C-MGMT-1/expired and cancelled ID cards are not recovered", func(t *testing.T) {
		f.now = bj(2026, 12, 31, 0)
		c := f.tr(opA, "V1", lifecycle.ActExpire, "")
		assert.Equal(t, lifecycle.IDExpired, c.State)
		_, err := f.l.Transition(f.ctx, opA, lifecycle.Request{CardID: "V1", Action: lifecycle.ActRecover})
		var te *lifecycle.TransitionError
		require.ErrorAs(t, err, &te)
		assert.Equal(t, "C-MGMT-1", te.Rule)
	})
}

func TestSchoolShipmentPlan(t *testing.T) {
	f := newFixture(t, bj(2026, 9, 1, 9))
	for i := 1; i <= 12; i++ {
		id := fmt.Sprintf("P%02d", i)
		_, err := f.l.SubmitIDCard(f.ctx, opA, id, number(t, schoolA, 0, 32, 1, i), bj(2032, 8, 31, 0))
		require.NoError(t, err)
		f.tr(dist05, id, lifecycle.ActValidateDistrict, "")
	}
	var stock []string
	for i := range 15 {
		stock = append(stock, fmt.Sprintf("B%02d", i))
	}
	_, err := f.l.ReceiveStock(f.ctx, city, "supplier", stock)
	require.NoError(t, err)
	for _, id := range stock {
		f.tr(city, id, lifecycle.ActShipToDistrict, "05")
	}
	for _, id := range stock[:10] {
		f.tr(dist05, id, lifecycle.ActShipToSchool, schoolA)
	}
	t.Run("R-ISSUE-2/records plus 8 percent", func(t *testing.T) {
		p, err := f.l.SchoolShipment(f.ctx, dist05, schoolA)
		require.NoError(t, err)
		assert.Equal(t, lifecycle.ShipmentPlan{School: schoolA, IDRecords: 12, Allocation: 13, Shipped: 10, ToShip: 3}, p)
	})
	for _, id := range stock[10:] {
		f.tr(dist05, id, lifecycle.ActShipToSchool, schoolA)
	}
	t.Run("R-ISSUE-2/surplus to recover", func(t *testing.T) {
		p, err := f.l.SchoolShipment(f.ctx, dist05, schoolA)
		require.NoError(t, err)
		assert.Equal(t, int64(2), p.Surplus)
		f.tr(dist05, stock[14], lifecycle.ActRecoverSurplus, "")
		p, err = f.l.SchoolShipment(f.ctx, opA, schoolA)
		require.NoError(t, err)
		assert.Equal(t, int64(1), p.Surplus)
		_, err = f.l.SchoolShipment(f.ctx, opB, schoolA)
		assert.ErrorIs(t, err, lifecycle.ErrForbidden)
	})
}

func TestSuspendAndEnrol(t *testing.T) {
	f := newFixture(t, bj(2026, 9, 7, 9))
	num := number(t, schoolA, 0, 30, 4, 1)
	f.enrol("su1", num)
	t.Run("S-4/a school enrols only numbers of its own", func(t *testing.T) {
		_, err := f.l.Enrol(f.ctx, opB, lifecycle.Student{Key: "x", Number: number(t, schoolA, 0, 30, 4, 2).String()})
		assert.ErrorIs(t, err, lifecycle.ErrForbidden)
		_, err = f.l.Enrol(f.ctx, opA, lifecycle.Student{Key: "y", Number: "12345"})
		assert.Error(t, err, "not a registry number")
	})
	t.Run("S-ID-5/suspended, then resumed at the same school without a second enrolment", func(t *testing.T) {
		require.NoError(t, f.l.Suspend(f.ctx, opA, "su1"))
		assert.ErrorIs(t, f.l.Suspend(f.ctx, opA, "su1"), lifecycle.ErrRule, "already suspended")
		_, err := f.l.Personalise(f.ctx, opA, "none", num)
		assert.ErrorIs(t, err, lifecycle.ErrRule, "R-MOVE-1: a suspended student is not personalised")
		require.NoError(t, f.l.Resume(f.ctx, opA, "su1"))
		var ens []lifecycle.Enrolment
		require.NoError(t, f.store.Tx(f.ctx, func(tx lifecycle.Tx) error {
			var err error
			ens, err = tx.Enrolments(f.ctx, "su1")
			return err
		}))
		assert.Len(t, ens, 1)
	})
}

func TestImportWithTakenCardID(t *testing.T) {
	f := newFixture(t, bj(2026, 9, 7, 9))
	_, err := f.l.ReceiveStock(f.ctx, city, "first", []string{"K1"})
	require.NoError(t, err)
	_, err = f.l.ReceiveStock(f.ctx, city, "second", []string{"K2", "K1"})
	require.ErrorIs(t, err, lifecycle.ErrDuplicate, "R-ISSUE-1: a card ID arrives once")
	_, err = f.l.Card(f.ctx, city, "K2")
	assert.ErrorIs(t, err, lifecycle.ErrNotFound, "the refused file left nothing")
}

func TestStudentReadsAndAuditVerification(t *testing.T) {
	f := newFixture(t, bj(2026, 9, 7, 9))
	num := number(t, schoolA, 0, 30, 4, 1)
	f.enrol("rd1", num)
	s, err := f.l.Student(f.ctx, dist05, "rd1")
	require.NoError(t, err)
	assert.Equal(t, num.String(), s.Number)
	_, err = f.l.Student(f.ctx, opB, "rd1")
	assert.ErrorIs(t, err, lifecycle.ErrForbidden)

	_, err = f.l.Leave(f.ctx, opA, "rd1", "dropped out")
	require.NoError(t, err)
	_, err = f.l.Leave(f.ctx, opA, "rd1", "twice")
	assert.ErrorIs(t, err, lifecycle.ErrRule, "R-LEAVE-1: a student leaves once")

	n, err := f.l.VerifyAudit(f.ctx, dist05, "05", lifecycle.AuditAnchor{})
	require.NoError(t, err)
	assert.Positive(t, n)
	_, err = f.l.VerifyAudit(f.ctx, dist06, "05", lifecycle.AuditAnchor{})
	assert.ErrorIs(t, err, lifecycle.ErrForbidden, "P-3: a district verifies its own chain")
	_, err = f.l.VerifyAudit(f.ctx, city, "05", lifecycle.AuditAnchor{})
	require.NoError(t, err)
}

func TestReserveCountsArePositive(t *testing.T) {
	f := newFixture(t, bj(2026, 9, 7, 9))
	_, err := f.l.ShipReserve(f.ctx, city, "05", 0)
	assert.ErrorIs(t, err, lifecycle.ErrRule, "S-7")
	_, err = f.l.ShipReserve(f.ctx, city, "5", 3)
	assert.ErrorIs(t, err, lifecycle.ErrRule, "S-7")
	assert.ErrorIs(t, f.l.SetToIssue(f.ctx, dist05, -1), lifecycle.ErrRule, "C-RESERVE-1")
	assert.ErrorIs(t, f.l.SetToIssue(f.ctx, opA, 10), lifecycle.ErrForbidden, "C-RESERVE-1")
}

func TestExportFieldsPerPurpose(t *testing.T) {
	for _, tc := range []struct {
		purpose string
		has     string
		hasNot  string
	}{
		{lifecycle.PurposeCardMaking, "photo", "state"},
		{lifecycle.PurposeLossList, "card-id", "resident-id"},
		{lifecycle.PurposeRegistration, "name", "photo"},
		{lifecycle.PurposeStatistics, "count", "name"},
	} {
		t.Run("P-1/"+tc.purpose, func(t *testing.T) {
			fields, ok := lifecycle.ExportFields(tc.purpose)
			require.True(t, ok)
			assert.Contains(t, fields, tc.has)
			assert.NotContains(t, fields, tc.hasNot, "minimum fields for the stated use")
		})
	}
	_, ok := lifecycle.ExportFields("marketing")
	assert.False(t, ok)
}

func TestRejectedNumberIsNeverReused(t *testing.T) {
	f := newFixture(t, bj(2026, 9, 7, 9))
	f.enrol("rj1", number(t, schoolA, 0, 30, 5, 1))
	pre, err := f.l.PreassignNumber(f.ctx, opA, lifecycle.NumberChange{StudentKey: "rj1", Cohort: 31, Class: 5, ConfirmedInClass: true})
	require.NoError(t, err)
	require.NoError(t, f.l.ExportNumberChanges(f.ctx, opA, []string{pre.Number}))
	assert.ErrorIs(t, f.l.ExportNumberChanges(f.ctx, opA, []string{pre.Number}), lifecycle.ErrRule, "S-ID-5: exported once")
	require.NoError(t, f.l.FileNumberChanges(f.ctx, city, []string{pre.Number}))
	_, err = f.l.ImportFilingResult(f.ctx, opA, "filing-rj", map[string]bool{pre.Number: false})
	require.NoError(t, err)
	t.Run("S-ID-1/a refused number stays taken", func(t *testing.T) {
		s, err := f.l.Student(f.ctx, opA, "rj1")
		require.NoError(t, err)
		assert.NotEqual(t, pre.Number, s.Number, "the student keeps the old number")
		again, err := f.l.PreassignNumber(f.ctx, opA, lifecycle.NumberChange{StudentKey: "rj1", Cohort: 31, Class: 5, ConfirmedInClass: true})
		require.NoError(t, err)
		assert.NotEqual(t, pre.Number, again.Number)
	})
}

func TestErrorsReadInEnglish(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&lifecycle.NotFoundError{Entity: "card", Key: "C1"}, `card "C1" not found`},
		{&lifecycle.DuplicateError{Entity: "number", Key: "01"}, `number "01" already exists`},
		{&lifecycle.ConflictError{Entity: "card", Key: "C1", Expected: 1, Stored: 2}, `card "C1": version conflict: expected 1, stored 2`},
		{&lifecycle.CalendarError{Line: 3, Problem: "no year declared", Text: "x"}, `calendar line 3: no year declared: "x"`},
		{&lifecycle.OutsideCalendarError{Date: lifecycle.Date{Year: 2030, Month: 1, Day: 2}, First: 2024, Last: 2026}, "date 2030-01-02 is outside the calendar (2024-2026)"},
	} {
		assert.Equal(t, tc.want, tc.err.Error())
	}
}
