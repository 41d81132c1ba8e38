package lifecycle_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

func TestTreatedAsLocalNeedsAGround(t *testing.T) {
	at := bj(2026, 9, 1, 9)
	local := number(t, schoolA, 7, 32, 1, 1) // primary transient treated as local, grade 1
	for _, tc := range []struct {
		name   string
		ground lifecycle.LocalGround
		proof  string
		ok     bool
	}{
		{"S-ID-7/military family with its proof", lifecycle.GroundMilitary, "随军证明", true},
		{"S-ID-7/one parent with a Beijing household registration", lifecycle.GroundBeijingParent, "户口本", true},
		{"S-ID-7/no ground", "", "户口本", false},
		{"S-ID-7/a ground not on the list", "rich-parents", "证明", false},
		{"S-ID-7/a ground without proof", lifecycle.GroundPostdoc, " ", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kind, err := lifecycle.CardApplication(lifecycle.Newcomer{Number: local, Ground: tc.ground, GroundProof: tc.proof}, at)
			if !tc.ok {
				assert.Equal(t, "S-ID-7", ruleOf(t, err))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, lifecycle.ApplyNew, kind)
		})
	}
	t.Run("S-ID-7/a plain transient number needs no ground", func(t *testing.T) {
		_, err := lifecycle.CardApplication(lifecycle.Newcomer{Number: number(t, schoolA, 4, 32, 1, 1)}, at)
		require.NoError(t, err)
	})
	for _, g := range []lifecycle.LocalGround{lifecycle.GroundEducatedYouth, lifecycle.GroundMilitary, lifecycle.GroundPostdoc,
		lifecycle.GroundTaiwanInvest, lifecycle.GroundTalent, lifecycle.GroundBeijingParent} {
		assert.True(t, g.Valid(), g)
	}
}

func TestNumberChangeWaitsForTheClass(t *testing.T) {
	f := newFixture(t, bj(2026, 9, 7, 9))
	f.enrol("s", number(t, schoolA, 0, 30, 3, 7))
	_, err := f.l.PreassignNumber(f.ctx, opA, lifecycle.NumberChange{StudentKey: "s", Cohort: 31, Class: 2})
	assert.Equal(t, "S-ID-8", ruleOf(t, err), "not before the student is confirmed in the new grade's class")
	rec, err := f.l.PreassignNumber(f.ctx, opA, lifecycle.NumberChange{StudentKey: "s", Cohort: 31, Class: 2, ConfirmedInClass: true})
	require.NoError(t, err)
	assert.Equal(t, lifecycle.NumberPreassigned, rec.Status)
}

func TestOldIDCardPunchedOnNumberChange(t *testing.T) {
	// S-ID-5: after a number change a new ID card is made and the old one
	// cancelled; the registry card is recalled to be issued again.
	f := newFixture(t, bj(2026, 9, 7, 9))
	num := number(t, schoolA, 0, 30, 3, 7)
	f.enrol("s", num)
	f.issuedIDCard("ID1", num)
	f.issuedRegistryCard("R1", schoolA, num)
	rec, err := f.l.PreassignNumber(f.ctx, opA, lifecycle.NumberChange{StudentKey: "s", Cohort: 31, Class: 2, ConfirmedInClass: true})
	require.NoError(t, err)
	require.NoError(t, f.l.ExportNumberChanges(f.ctx, opA, []string{rec.Number}))
	require.NoError(t, f.l.FileNumberChanges(f.ctx, city, []string{rec.Number}))
	_, err = f.l.ImportFilingResult(f.ctx, opA, "filing-1", map[string]bool{rec.Number: true})
	require.NoError(t, err)
	assert.Equal(t, lifecycle.IDCancelled, f.card("ID1").State, "S-ID-5: the old ID card is punched")
	assert.Equal(t, lifecycle.RegSchoolStock, f.card("R1").State, "S-ID-5: the registry card is recalled")
}

func TestHolderGoesOutWithEveryIDCard(t *testing.T) {
	f := newFixture(t, bj(2026, 9, 7, 9))
	num := number(t, schoolA, 0, 30, 3, 7)
	f.issuedIDCard("ID1", num)
	holders := func() int64 {
		n, err := f.l.StockOf(f.ctx, opA, lifecycle.StockKey{Level: studentid.LevelSchool, Code: schoolA, Item: lifecycle.StockHoldersIssued})
		require.NoError(t, err)
		return n
	}
	assert.Equal(t, int64(1), holders(), "S-8: a holder with the issue")
	rep, err := f.l.ReplaceIDCard(f.ctx, opA, "ID1", "ID2", lifecycle.CauseDamaged, "")
	require.NoError(t, err)
	assert.Equal(t, "ID2", rep.New.ID)
	f.tr(dist05, "ID2", lifecycle.ActValidateDistrict, "")
	f.tr(city, "ID2", lifecycle.ActValidateCity, "")
	f.tr(city, "ID2", lifecycle.ActSendToFactory, "")
	for _, o := range []lifecycle.Operator{city, dist05, opA} {
		_, err := f.l.ImportResult(f.ctx, o, "re-"+string(o.Level), []string{"ID2"})
		require.NoError(t, err)
	}
	f.tr(opA, "ID2", lifecycle.ActIssue, "")
	assert.Equal(t, int64(2), holders(), "S-8: and with the reissue")
	f.issuedRegistryCard("R1", schoolA, num)
	assert.Equal(t, int64(2), holders(), "a registry card alone goes into the holder already given")
}

func TestNoCardTakenBackForSafekeeping(t *testing.T) {
	f := newFixture(t, bj(2026, 9, 7, 9))
	f.issuedRegistryCard("R1", schoolA, number(t, schoolA, 0, 30, 3, 7))
	for _, a := range []lifecycle.Action{lifecycle.ActRecall, lifecycle.ActRecover} {
		for _, op := range []lifecycle.Operator{opA, dist05} {
			_, err := f.l.Transition(f.ctx, op, lifecycle.Request{CardID: "R1", Action: a, Reason: "for safekeeping"})
			assert.Equal(t, "S-9", ruleOf(t, err), "%s by %s", a, op.Level)
		}
	}
	assert.Equal(t, lifecycle.RegIssued, f.card("R1").State)
}

func TestFees(t *testing.T) {
	t.Run("S-10/the first card is free, provided by the commission", func(t *testing.T) {
		terms, err := lifecycle.CardTerms(lifecycle.ApplyNew, "")
		require.NoError(t, err)
		assert.Zero(t, terms.FeeYuan)
		assert.Equal(t, lifecycle.PayerCommission, terms.Payer)
		terms, err = lifecycle.CardTerms(lifecycle.ApplyReplacement, lifecycle.CauseLost)
		require.NoError(t, err)
		assert.Equal(t, 15, terms.FeeYuan, "S-10: fees exist only for replacements")
	})
	for _, tc := range []struct {
		name          string
		cause         lifecycle.Cause
		erring, maker studentid.Level
		payer         lifecycle.Payer
		keeper        studentid.Level
	}{
		{"C-FEE-1/a lost ID card printed at the district: the district keeps the fee", lifecycle.CauseLost, "", studentid.LevelDistrict, lifecycle.PayerStudent, studentid.LevelDistrict},
		{"C-FEE-1/made by the city: the fee is passed up", lifecycle.CauseDamaged, "", studentid.LevelCity, lifecycle.PayerStudent, studentid.LevelCity},
		{"C-FEE-1/the school's own error: the school pays", lifecycle.CauseSchoolError, studentid.LevelSchool, studentid.LevelCity, lifecycle.PayerSchool, ""},
		{"C-FEE-1/the district's own error: the district pays, not the school", lifecycle.CauseUpperError, studentid.LevelDistrict, studentid.LevelDistrict, lifecycle.PayerUpper, ""},
		{"C-FEE-1/bad quality: the supplier", lifecycle.CauseBadQuality, "", studentid.LevelCity, lifecycle.PayerSupplier, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			terms, keeper, err := lifecycle.IDReplacementCost(tc.cause, tc.erring, tc.maker)
			require.NoError(t, err)
			assert.Equal(t, tc.payer, terms.Payer)
			assert.Equal(t, tc.keeper, keeper)
		})
	}
	t.Run("C-FEE-1/a school does not print ID cards", func(t *testing.T) {
		_, _, err := lifecycle.IDReplacementCost(lifecycle.CauseLost, "", studentid.LevelSchool)
		assert.Equal(t, "C-FEE-1", ruleOf(t, err))
		_, _, err = lifecycle.IDReplacementCost(lifecycle.CauseSchoolError, "", studentid.LevelCity)
		assert.Equal(t, "C-FEE-1", ruleOf(t, err), "an error needs the level at fault")
	})
}

func TestApplicationFiling(t *testing.T) {
	f := newFixture(t, bj(2026, 9, 7, 9))
	app := lifecycle.Application{Name: "canteen", Description: "食堂消费"}
	t.Run("S-11/a school's application is filed at the city through its district", func(t *testing.T) {
		_, err := f.l.FileApplication(f.ctx, dist05, schoolA, app)
		assert.Equal(t, "S-11", ruleOf(t, err), "the district forwards only what the school submitted")
		filed, err := f.l.FileApplication(f.ctx, opA, schoolA, app)
		require.NoError(t, err)
		assert.False(t, filed)
		_, err = f.l.FileApplication(f.ctx, city, schoolA, app)
		assert.Equal(t, "S-11", ruleOf(t, err), "not past the district")
		_, err = f.l.FileApplication(f.ctx, dist05, schoolA, app)
		require.NoError(t, err)
		ok, err := f.l.ApplicationFiled(f.ctx, opA, schoolA, "canteen")
		require.NoError(t, err)
		assert.False(t, ok)
		filed, err = f.l.FileApplication(f.ctx, city, schoolA, app)
		require.NoError(t, err)
		assert.True(t, filed)
		ok, err = f.l.ApplicationFiled(f.ctx, opA, schoolA, "canteen")
		require.NoError(t, err)
		assert.True(t, ok)
	})
	t.Run("S-11/a district's own application is filed with the city", func(t *testing.T) {
		_, err := f.l.FileApplication(f.ctx, dist05, "05", lifecycle.Application{Name: "library"})
		require.NoError(t, err)
		filed, err := f.l.FileApplication(f.ctx, city, "05", lifecycle.Application{Name: "library"})
		require.NoError(t, err)
		assert.True(t, filed)
		_, err = f.l.FileApplication(f.ctx, opB, schoolA, app)
		assert.ErrorIs(t, err, lifecycle.ErrForbidden, "another school")
	})
}

func TestMisuseReport(t *testing.T) {
	f := newFixture(t, bj(2026, 9, 7, 9))
	f.issuedRegistryCard(cardA, schoolA, number(t, schoolA, 0, 30, 3, 7))
	t.Run("S-12/an application unit reports a misused card; the school sees it", func(t *testing.T) {
		err := f.l.ReportMisuse(f.ctx, transitU, lifecycle.MisuseReport{CardID: cardA, Kind: lifecycle.MisuseImpostor, Place: "bus 320"})
		require.NoError(t, err)
		h, err := f.l.History(f.ctx, opA, cardA)
		require.NoError(t, err)
		last := h[len(h)-1]
		assert.Equal(t, lifecycle.Action("report-misuse"), last.Action)
		assert.Equal(t, "S-12", last.Rule)
		assert.Equal(t, studentid.LevelApplication, last.Operator.Level)
		assert.Equal(t, lifecycle.RegIssued, f.card(cardA).State, "the school decides what happens to the card")
		unsent, err := f.l.Unsent(f.ctx, opA, 100)
		require.NoError(t, err)
		assert.Equal(t, lifecycle.Action("report-misuse"), unsent[len(unsent)-1].Action)
	})
	t.Run("S-12/a forged card the ledger never saw is recorded too", func(t *testing.T) {
		require.NoError(t, f.l.ReportMisuse(f.ctx, transitU, lifecycle.MisuseReport{CardID: "FFFF000000000000", Kind: lifecycle.MisuseForged, Place: "gate 3"}))
		es := auditEntries(t, f, lifecycle.CityChain)
		assert.Equal(t, "report-misuse", es[len(es)-1].Action)
	})
	t.Run("S-12/an application unit still changes nothing else", func(t *testing.T) {
		_, err := f.l.Transition(f.ctx, transitU, lifecycle.Request{CardID: cardA, Action: lifecycle.ActFreeze})
		assert.ErrorIs(t, err, lifecycle.ErrForbidden)
		assert.Error(t, f.l.ReportMisuse(f.ctx, transitU, lifecycle.MisuseReport{CardID: cardA, Kind: "ugly"}))
	})
}

func TestHolderView(t *testing.T) {
	f := newFixture(t, bj(2026, 9, 7, 9))
	num := number(t, schoolA, 0, 30, 3, 7)
	f.enrol("s", num)
	f.issuedRegistryCard("R1", schoolA, num)
	f.issuedRegistryCard("R2", schoolA, number(t, schoolA, 0, 30, 3, 8))
	v, err := f.l.HolderView(f.ctx, opA, "s", "R1")
	require.NoError(t, err, "S-13: the holder presents the card")
	assert.Equal(t, "张三", v.Student.Name)
	require.Len(t, v.Cards, 1)
	v.Student.Name = "changed"
	again, err := f.l.HolderView(f.ctx, opA, "s", "R1")
	require.NoError(t, err)
	assert.Equal(t, "张三", again.Student.Name, "S-13: read-only, a copy")
	_, err = f.l.HolderView(f.ctx, opA, "s", "R2")
	assert.Equal(t, "S-13", ruleOf(t, err), "another student's card shows nothing")
	_, err = f.l.HolderView(f.ctx, opB, "s", "R1")
	assert.ErrorIs(t, err, lifecycle.ErrForbidden)
	es := auditEntries(t, f, "05")
	assert.Equal(t, "holder-view", es[len(es)-3].Action, "S-13: each view is recorded")
}

func TestReserveRegisterEntry(t *testing.T) {
	f := newFixture(t, bj(2026, 9, 7, 9))
	in, err := f.l.ShipReserve(f.ctx, city, "05", 30)
	require.NoError(t, err)
	assert.Equal(t, lifecycle.ReserveEntry{At: f.now.UTC(), District: "05", Movement: "in", Count: 30, Balance: 30, User: "city-1"}, in)
	st, err := f.l.PrintSmallBatch(f.ctx, dist05, 12)
	require.NoError(t, err)
	assert.Equal(t, int64(18), st.Entry.Balance)
	zh := st.Entry.Text(l10n.Chinese)
	assert.Contains(t, zh, "出库 12 张")
	assert.Contains(t, zh, "仅供核对", "C-RESERVE-2: the system's count is an aid, the paper register the record")
	assert.Contains(t, zh, "保管人签字：________")
	en := in.Text(l10n.English)
	assert.Contains(t, en, "reserve in 30 cards")
	assert.True(t, strings.Contains(en, "signature"), en)
}

func TestRecoveredCardsStopAtTheDistrict(t *testing.T) {
	f := newFixture(t, bj(2026, 9, 7, 9))
	num := number(t, schoolA, 0, 30, 3, 7)
	f.enrol("s", num)
	f.issuedRegistryCard("R1", schoolA, num)
	lv, err := f.l.Leave(f.ctx, opA, "s", lifecycle.LeaveGraduated)
	require.NoError(t, err)
	_, err = f.l.Recover(f.ctx, opA, lv.ID, "王老师")
	require.NoError(t, err)
	c := f.tr(opA, "R1", lifecycle.ActHandIn, "")
	assert.Equal(t, lifecycle.RegRecoveredDistrict, c.State)
	assert.Equal(t, studentid.LevelDistrict, c.Holder)
	_, err = f.l.Transition(f.ctx, dist05, lifecycle.Request{CardID: "R1", Action: lifecycle.ActFaultToCity})
	assert.Equal(t, "R-RECOVER-2", ruleOf(t, err), "recovered cards are not sent up to the city")
	f.issuedRegistryCard("F1", schoolA, number(t, schoolA, 0, 30, 3, 8))
	_, err = f.l.ReplaceRegistryCard(f.ctx, opA, "F1", lifecycle.CauseCardFault)
	require.NoError(t, err)
	f.tr(dist05, "F1", lifecycle.ActFaultToDistrict, "")
	c = f.tr(city, "F1", lifecycle.ActFaultToCity, "")
	assert.Equal(t, lifecycle.RegFaultCity, c.State, "R-RECOVER-2: fault cards do go up (R-FAULT-1)")
}

func TestLeftBehindCardsKeptForReference(t *testing.T) {
	f := newFixture(t, bj(2026, 9, 7, 9))
	num := number(t, schoolA, 4, 30, 3, 7) // primary transient: from outside Beijing
	f.enrol("s", num)
	f.issuedRegistryCard("R1", schoolA, num)
	lv, err := f.l.Leave(f.ctx, opA, "s", lifecycle.LeaveTemporary)
	require.NoError(t, err)
	r, err := f.l.Recover(f.ctx, opA, lv.ID, "王老师")
	require.NoError(t, err)
	assert.True(t, strings.HasSuffix(r.Box, lifecycle.ReferenceBoxSuffix), "S-ID-10: kept for reference, %s", r.Box)
	_, err = f.l.Personalise(f.ctx, opA, "R1", number(t, schoolA, 0, 30, 3, 9))
	assert.ErrorIs(t, err, lifecycle.ErrIllegalTransition, "S-ID-10: not reissued")
	local := number(t, schoolA, 0, 30, 3, 8)
	f.enrol("l", local)
	f.issuedRegistryCard("R2", schoolA, local)
	lv, err = f.l.Leave(f.ctx, opA, "l", lifecycle.LeaveGraduated)
	require.NoError(t, err)
	r, err = f.l.Recover(f.ctx, opA, lv.ID, "王老师")
	require.NoError(t, err)
	assert.False(t, strings.HasSuffix(r.Box, lifecycle.ReferenceBoxSuffix))
}

func TestCollectedData(t *testing.T) {
	good := lifecycle.Collected{IDType: lifecycle.IDResident, IDNumber: "110101201909010015",
		Guardians: []lifecycle.Guardian{{Name: "张父", IDNumber: "110101198001010013"}}, EntryMonth: "202609", ClassNumber: "2026101"}
	require.Empty(t, lifecycle.CheckCollected(good))
	for _, tc := range []struct {
		name string
		edit func(*lifecycle.Collected)
	}{
		{"P-7/ID type not on the list", func(c *lifecycle.Collected) { c.IDType = "student-card" }},
		{"P-7/invalid resident ID number", func(c *lifecycle.Collected) { c.IDNumber = "110101201909010012" }},
		{"P-7/passport without a number", func(c *lifecycle.Collected) { c.IDType, c.IDNumber = lifecycle.IDPassport, "" }},
		{"P-7/other without ID and no guardian ID", func(c *lifecycle.Collected) {
			c.IDType, c.IDNumber, c.Guardians = lifecycle.IDOther, "", []lifecycle.Guardian{{Name: "张父"}}
		}},
		{"P-7/a foreigner does not choose other", func(c *lifecycle.Collected) { c.IDType, c.Foreigner = lifecycle.IDOther, true }},
		{"P-7/no guardian", func(c *lifecycle.Collected) { c.Guardians = nil }},
		{"P-7/entry month not September", func(c *lifecycle.Collected) { c.EntryMonth = "202603" }},
		{"P-7/class number in the 6-digit reading", func(c *lifecycle.Collected) { c.ClassNumber = "202601" }},
		{"P-7/disability without certificate", func(c *lifecycle.Collected) { c.Disabled = true }},
		{"P-7/only child without certificate", func(c *lifecycle.Collected) { c.OnlyChild = true }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := good
			tc.edit(&c)
			errs := lifecycle.CheckCollected(c)
			require.Len(t, errs, 1, "%v", errs)
			assert.Equal(t, "P-7", ruleOf(t, errs[0]))
			assert.Regexp(t, `\p{Han}`, l10n.Error(errs[0], l10n.Chinese))
		})
	}
	t.Run("P-7/other without ID is fine with a guardian's ID", func(t *testing.T) {
		c := good
		c.IDType, c.IDNumber = lifecycle.IDOther, ""
		assert.Empty(t, lifecycle.CheckCollected(c))
	})
	t.Run("P-7/the 7-digit class number: entry year, grade, class", func(t *testing.T) {
		cn, err := lifecycle.ParseClassNumber("2026312")
		require.NoError(t, err)
		assert.Equal(t, lifecycle.ClassNumber{EntryYear: 2026, Grade: 3, Class: 12}, cn)
		assert.Equal(t, "2026312", cn.String())
		for _, bad := range []string{"202631", "20263120", "2026a12", "2026000", "2026100"} {
			_, err := lifecycle.ParseClassNumber(bad)
			assert.Error(t, err, bad)
		}
	})
}

func TestRecomputeProvisional(t *testing.T) {
	f := newFixture(t, bj(2026, 12, 30, 10))
	f.issuedRegistryCard(cardA, schoolA, number(t, schoolA, 0, 30, 3, 7))
	f.tr(opA, cardA, lifecycle.ActReportLoss, "")
	d := f.deadline("R-LOSS-1/" + cardA)
	require.True(t, d.Provisional)
	assert.True(t, d.DueAt.Equal(bj(2027, 1, 2, 0)), "weekends only: 31 Dec and Fri 1 Jan")
	cal, err := lifecycle.ParseCalendar(strings.NewReader("year 2026\nyear 2027\noff 2027-01-01 元旦\n"))
	require.NoError(t, err)
	l2, err := lifecycle.NewLedger(lifecycle.Config{Store: f.store, Clock: func() time.Time { return f.now }, Calendar: cal, Scheme: studentid.MOD11_10})
	require.NoError(t, err)
	n, err := l2.RecomputeProvisional(f.ctx, opA)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	d = f.deadline("R-LOSS-1/" + cardA)
	assert.False(t, d.Provisional, "the 2027 notice is loaded")
	assert.True(t, d.DueAt.Equal(bj(2027, 1, 5, 0)), "1 January is a holiday: 31 Dec and Mon 4 Jan, got %v", d.DueAt)
}

func TestSurvivingMutations(t *testing.T) {
	t.Run("S-ID-4/a newcomer from outside Beijing who attended a Beijing school gets a replacement", func(t *testing.T) {
		num := number(t, schoolA, 4, 30, 1, 1) // primary transient, grade 3
		kind, err := lifecycle.CardApplication(lifecycle.Newcomer{Number: num, FromOutsideBeijing: true, NeverAttendedBeijing: false}, bj(2026, 9, 1, 9))
		require.NoError(t, err)
		assert.Equal(t, lifecycle.ApplyReplacement, kind)
		kind, err = lifecycle.CardApplication(lifecycle.Newcomer{Number: num, FromOutsideBeijing: true, NeverAttendedBeijing: true}, bj(2026, 9, 1, 9))
		require.NoError(t, err)
		assert.Equal(t, lifecycle.ApplyNew, kind)
	})
	t.Run("R-LOSS-2/no temporary card once the loss period is over", func(t *testing.T) {
		f := newFixture(t, bj(2026, 9, 7, 9))
		num := number(t, schoolA, 0, 30, 3, 7)
		f.issuedRegistryCard("L1", schoolA, num)
		f.tr(opA, "L1", lifecycle.ActReportLoss, "")
		_, err := f.l.ReceiveStock(f.ctx, city, "tmp", []string{"T1"})
		require.NoError(t, err)
		f.tr(city, "T1", lifecycle.ActShipToDistrict, "05")
		f.tr(dist05, "T1", lifecycle.ActShipToSchool, schoolA)
		f.now = bj(2026, 9, 17, 10)
		_, err = f.l.IssueTemporary(f.ctx, opA, "T1", num)
		assert.Equal(t, "R-LOSS-2", ruleOf(t, err), "10 days are over: a replacement, not a temporary card")
		f.now = bj(2026, 9, 17, 8)
		_, err = f.l.IssueTemporary(f.ctx, opA, "T1", num)
		require.NoError(t, err, "still inside the 10 days")
	})
	t.Run("C-ISSUE-2/only the school issues an ID card", func(t *testing.T) {
		f := newFixture(t, bj(2026, 9, 7, 9))
		num := number(t, schoolA, 0, 30, 3, 7)
		_, err := f.l.SubmitIDCard(f.ctx, opA, "ID1", num, bj(2032, 8, 31, 0))
		require.NoError(t, err)
		f.tr(dist05, "ID1", lifecycle.ActValidateDistrict, "")
		f.tr(city, "ID1", lifecycle.ActValidateCity, "")
		f.tr(city, "ID1", lifecycle.ActSendToFactory, "")
		for _, o := range []lifecycle.Operator{city, dist05, opA} {
			_, err := f.l.ImportResult(f.ctx, o, "r-"+string(o.Level), []string{"ID1"})
			require.NoError(t, err)
		}
		for _, op := range []lifecycle.Operator{dist05, city} {
			_, err := f.l.Transition(f.ctx, op, lifecycle.Request{CardID: "ID1", Action: lifecycle.ActIssue})
			assert.ErrorIs(t, err, lifecycle.ErrForbidden, "%s", op.Level)
		}
		f.tr(opA, "ID1", lifecycle.ActIssue, "")
	})
}

func TestApprovalFromTheLevelAbove(t *testing.T) {
	f := newFixture(t, bj(2026, 9, 7, 9))
	f.enrol("s", number(t, schoolA, 0, 30, 3, 7))
	ch := lifecycle.ControlledChange{StudentKey: "s", Field: "gender", New: "2", Proof: "户籍证明"}
	own, err := f.l.ApproveChange(f.ctx, dist05, ch)
	require.NoError(t, err)
	ch.Approval = own
	_, err = f.l.ChangeControlledField(f.ctx, dist05, ch)
	assert.Equal(t, "P-2", ruleOf(t, err), "a district does not approve its own change: the city is the level above")
	ch.Approval, err = f.l.ApproveChange(f.ctx, city, ch)
	require.NoError(t, err)
	s, err := f.l.ChangeControlledField(f.ctx, dist05, ch)
	require.NoError(t, err)
	assert.Equal(t, "2", s.Gender)
}

func TestUndoMovesTheLossClocks(t *testing.T) {
	f := newFixture(t, bj(2026, 11, 2, 9))
	f.issuedRegistryCard("U1", schoolA, number(t, schoolA, 0, 31, 2, 2))
	f.tr(opA, "U1", lifecycle.ActReportLoss, "")
	_, err := f.l.Undo(f.ctx, opA, "U1", "wrong card")
	require.NoError(t, err)
	f.now = bj(2026, 12, 30, 9)
	assert.Empty(t, f.overdue(opA), "R-LOSS-1, R-LOSS-5: an undone loss runs no clock")
	f.now = bj(2026, 11, 3, 9)
	f.tr(opA, "U1", lifecycle.ActReportLoss, "")
	f.tr(opA, "U1", lifecycle.ActCancelLoss, "")
	_, err = f.l.Undo(f.ctx, opA, "U1", "it was lost after all")
	require.NoError(t, err)
	f.now = bj(2026, 12, 30, 9)
	assert.Equal(t, []string{"R-LOSS-1/U1", "R-LOSS-5/apply/U1"}, f.overdue(opA), "the loss is back, and so are its clocks")
}

func TestIDNumberChangeKeepsTheFirstHolder(t *testing.T) {
	f := newFixture(t, bj(2026, 9, 7, 9))
	rid := "110101201909010015"
	_, err := f.l.Enrol(f.ctx, opA, lifecycle.Student{Key: "G" + rid, Number: number(t, schoolA, 0, 32, 1, 1).String(), Name: "张三", IDNumber: rid})
	require.NoError(t, err)
	_, err = f.l.Enrol(f.ctx, opA, lifecycle.Student{Key: "J2", Number: number(t, schoolA, 0, 32, 1, 2).String(), Name: "李四"})
	require.NoError(t, err)
	ch := lifecycle.ControlledChange{StudentKey: "J2", Field: "id-number", New: rid, Proof: "户籍证明"}
	ch.Approval, err = f.l.ApproveChange(f.ctx, dist05, ch)
	require.NoError(t, err)
	_, err = f.l.ChangeControlledField(f.ctx, opA, ch)
	assert.Equal(t, "S-ID-9", ruleOf(t, err), "the first registered keeps the resident ID number")
}
