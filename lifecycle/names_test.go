package lifecycle_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

// TestNamesInChinese: every state and action of both machines, both card
// kinds and every level have a Chinese name, and English keeps the stored
// value (S-1 names the two cards 证件卡 and 学籍卡).
func TestNamesInChinese(t *testing.T) {
	t.Run("S-1/card kinds", func(t *testing.T) {
		assert.Equal(t, "证件卡", lifecycle.KindIDCard.Localize(l10n.Chinese))
		assert.Equal(t, "学籍卡", lifecycle.KindRegistryCard.Localize(l10n.Chinese))
		assert.Equal(t, "id", lifecycle.KindIDCard.Localize(l10n.English))
		assert.Equal(t, "registry", lifecycle.KindRegistryCard.Localize(l10n.English))
	})
	for _, m := range []*lifecycle.Machine{lifecycle.IDCardMachine(), lifecycle.RegistryCardMachine()} {
		t.Run("S-4/states and actions of "+string(m.Kind), func(t *testing.T) {
			seen := map[string]lifecycle.State{}
			for _, s := range m.States() {
				zh := m.Kind.StateName(s, l10n.Chinese)
				assert.Regexp(t, `^\p{Han}`, zh, "state %s", s)
				assert.Equal(t, string(s), m.Kind.StateName(s, l10n.English))
				if prev, dup := seen[zh]; dup {
					t.Errorf("states %s and %s share the Chinese name %s", prev, s, zh)
				}
				seen[zh] = s
			}
			actions := map[lifecycle.Action]bool{}
			for _, tr := range m.Transitions {
				actions[tr.Action] = true
			}
			for a := range m.Refused {
				actions[a] = true
			}
			for a := range actions {
				assert.Regexp(t, `^\p{Han}`, a.Localize(l10n.Chinese), "action %s", a)
				assert.Equal(t, string(a), a.Localize(l10n.English))
			}
		})
	}
	t.Run("C-MGMT-1/a punched ID card is not a cancelled registry card", func(t *testing.T) {
		assert.Equal(t, "已打孔作废", lifecycle.KindIDCard.StateName(lifecycle.IDCancelled, l10n.Chinese))
		assert.Equal(t, "已注销", lifecycle.KindRegistryCard.StateName(lifecycle.RegCancelled, l10n.Chinese))
		assert.Equal(t, "在区级", lifecycle.KindIDCard.StateName(lifecycle.IDAtDistrict, l10n.Chinese))
		assert.Equal(t, "已发放", lifecycle.KindRegistryCard.StateName(lifecycle.RegIssued, l10n.Chinese))
	})
	t.Run("S-4/levels", func(t *testing.T) {
		for l, zh := range map[studentid.Level]string{studentid.LevelCity: "市级", studentid.LevelDistrict: "区级",
			studentid.LevelSchool: "校级", studentid.LevelApplication: "应用单位"} {
			assert.Equal(t, zh, l.Localize(l10n.Chinese))
			assert.Equal(t, string(l), l.Localize(l10n.English))
		}
	})
	t.Run("unknown names are shown as stored", func(t *testing.T) {
		assert.Equal(t, "mystery", lifecycle.Action("mystery").Localize(l10n.Chinese))
		assert.Equal(t, "gone", lifecycle.KindIDCard.StateName("gone", l10n.Chinese))
	})
}

// TestErrorTextsNameThingsInChinese: the Chinese texts of the typed errors
// carry Chinese names, the English ones are what they always were.
func TestErrorTextsNameThingsInChinese(t *testing.T) {
	for _, tc := range []struct {
		name   string
		err    interface{ Localize(language.Tag) string }
		en, zh string
	}{
		{"C-MGMT-1/ID card never reported lost",
			&lifecycle.TransitionError{Kind: lifecycle.KindIDCard, CardID: "P1", Action: lifecycle.ActReportLoss, State: lifecycle.IDIssued, Rule: "C-MGMT-1"},
			`id card "P1": "report-loss" not allowed in state "issued" (rule C-MGMT-1)`,
			`证件卡 "P1"：状态“已发放”下不允许“挂失”（规则 C-MGMT-1）`},
		{"R-MOVE-1/registry card not personalised before transfer-in",
			&lifecycle.TransitionError{Kind: lifecycle.KindRegistryCard, CardID: "C1", Action: lifecycle.ActPersonalise, State: lifecycle.RegTransferredOut, Rule: "R-MOVE-1"},
			`registry card "C1": "personalise" not allowed in state "transferred-out" (rule R-MOVE-1)`,
			`学籍卡 "C1"：状态“已转出”下不允许“个人化”（规则 R-MOVE-1）`},
		{"S-4/school outside its scope",
			&lifecycle.ForbiddenError{Level: studentid.LevelSchool, District: "05", School: "01050123", Action: lifecycle.ActFreeze,
				Target: lifecycle.Scope{District: "06", School: "01060789"}, Rule: "S-4"},
			`operator school 05/01050123 may not freeze in 06/01060789`,
			`校级操作员 05/01050123 无权在 06/01060789 执行“冻结”`},
		{"S-4/entity names",
			&lifecycle.NotFoundError{Entity: "student", Key: "G1"},
			`student "G1" not found`,
			`未找到学生 "G1"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.en, tc.err.Localize(l10n.English))
			assert.Equal(t, tc.zh, tc.err.Localize(l10n.Chinese))
			if e, ok := tc.err.(error); ok {
				assert.Equal(t, tc.en, e.Error())
			}
		})
	}
}

// TestNumbersWithoutThousandsSeparators: sequence numbers, versions and
// line numbers above 999 print as plain digits in both languages (P-3: an
// audit entry number must be found as printed).
func TestNumbersWithoutThousandsSeparators(t *testing.T) {
	for _, tc := range []struct {
		name   string
		err    interface{ Localize(language.Tag) string }
		en, zh string
	}{
		{"P-3/audit entry 12345",
			&lifecycle.AuditError{Chain: "05", Seq: 12345, Problem: "contents do not match its hash (edited)"},
			`audit chain "05" entry 12345: contents do not match its hash (edited)`,
			`审计链 "05" 第 12345 条：内容与哈希不符（被修改）`},
		{"S-4/version 1234",
			&lifecycle.ConflictError{Entity: "card", Key: "C1", Expected: 1234, Stored: 1235},
			`card "C1": version conflict: expected 1234, stored 1235`,
			`卡 "C1" 版本冲突：预期版本 1234，实际版本 1235`},
		{"S-4/version 1234 unknown stored",
			&lifecycle.ConflictError{Entity: "card", Key: "C1", Expected: 1234, Stored: -1},
			`card "C1": changed by someone else: expected version 1234`,
			`卡 "C1" 已被他人修改：预期版本 1234`},
		{"calendar line 1234",
			&lifecycle.CalendarError{Line: 1234, Problem: "no year declared"},
			`calendar line 1234: no year declared`,
			`工作日历第 1234 行：未声明任何年份`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.en, tc.err.Localize(l10n.English))
			assert.Equal(t, tc.zh, tc.err.Localize(l10n.Chinese))
		})
	}
}

// TestLedgerRefusalReadsInChinese: the refusal an operator gets from the
// ledger names the card kind and state in Chinese (C-MGMT-1).
func TestLedgerRefusalReadsInChinese(t *testing.T) {
	f := newFixture(t, bj(2026, 9, 1, 9))
	num := number(t, schoolA, 0, 32, 1, 1)
	_, err := f.l.SubmitIDCard(f.ctx, opA, "ID1", num, bj(2032, 8, 31, 0))
	require.NoError(t, err)
	_, err = f.l.Transition(f.ctx, opA, lifecycle.Request{CardID: "ID1", Action: lifecycle.ActReportLoss})
	require.ErrorIs(t, err, lifecycle.ErrIllegalTransition)
	assert.Equal(t, `证件卡 "ID1"：状态“已上报”下不允许“挂失”（规则 C-MGMT-1）`, l10n.Error(err, l10n.Chinese))
	assert.NotContains(t, l10n.Error(err, l10n.Chinese), "id卡")
}
