package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/cmis"
	"github.com/bjedu/studentcard/batch/batchtest"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/l10n/l10ntest"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

// runDemo runs the demo in-process and returns its exit status and output.
func runDemo(t *testing.T, ctx context.Context, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(ctx, args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// The demo walks every tier rule end to end and asserts each claim; these
// are the lines a vendor reads first, one or more per step, with the rule.
var englishLines = []struct{ rule, line string }{
	{"C-MAKE-1", "== Step 1/9: The card-making data goes up: school → district → city [C-1, C-2, C-4, P-4, C-3, C-MAKE-1, C-MAKE-2, S-ID-1, C-MAKE-3]"},
	{"S-ID-1/former student", "01050123: 于* of class 01 leaves Beijing; registry number 0105012303001411 stays that student's for good (S-ID-1)"},
	{"C-2", "40 students in CMIS, each with a 640×480 blue-background JPEG photo (C-2)"},
	{"C-4", "CMIS files a rare-character description (pinyin LI ZHE) (C-4)"},
	{"P-4/xlsx", "01050123 exports its students from CMIS as students_01050123.xlsx (xlsx) and imports it: 40 rows, 38 good, 2 with errors (P-4)"},
	{"P-4/bad date", `students_01050123.xlsx, sheet Sheet1: row 14, column F (出生日期), value "01/01/2018": date is not a YYYYMMDD calendar date`},
	{"P-4/bad division code", `students_01050123.xlsx, sheet Sheet1: row 29, column J (行政区划代码), value "110106": division code is not 12 digits`},
	{"C-3/cells", "01050123 fixes both cells in CMIS and exports again (C-3)"},
	{"P-4/clean", "students_01050123.xlsx (xlsx) and imports it: 40 rows, 40 good, 0 with errors (P-4)"},
	{"P-4/GB18030 CSV", "01080456 exports its students from CMIS as students_01080456.csv (csv, GB18030) and imports it: 8 rows, 8 good, 0 with errors (P-4)"},
	{"S-ID-1/typed", "registry number of the student in row 20 was typed 0105012303001411, the former student's: well-formed, of this school, check digit valid — the CMIS import cannot tell"},
	{"C-MAKE-2/refused", "1 record(s) failing → refused as a whole, failure file back to the school (C-MAKE-2)"},
	{"C-MAKE-2/district sees", "field registry_no (0105012303001411): registry number already assigned to another student"},
	{"C-MAKE-2/failure file", "registry number 0105012303001411, field registry_no, code REASSIGNED"},
	{"S-ID-1/history", "0105012303001411 was assigned to another resident ID number (the former student's): a number is never given to another student (S-ID-1)"},
	{"C-3/number", "01050123 corrects the registry number in CMIS to 0105012303001181 and exports again (C-3)"},
	{"S-ID-1", "every number checked against the ledger (S-ID-1) → accepted and stored"},
	{"S-ID-1/stored", "the ledger records 40 students of 01050123 (numbers claimed for good, S-ID-1) and their ID cards"},
	{"C-4/merge", "district 05 merges the accepted package into CARDDATA_0105.zip for the city: 40 records, 40 photos, 1 rare-character description(s) carried along (C-4)"},
	{"C-MAKE-3", "CARDDATA_0105.zip from district 05: 40 records, 40 photos, 0 failing → accepted, sent to the card factory (C-MAKE-3)"},
	{"C-5", "waste rate 0.0%, liable: no (C-ISSUE-1, C-5)"},
	{"C-PACK-1", "2 big boxes, 3 small boxes, 48 cards (C-PACK-1"},
	{"C-PACK-1/big box", "big box B0001 | batch FB20260831 | district 0105 | 40 cards"},
	{"C-PACK-1/small box", "small box B0001-01 | 01050123 北京市第五实验小学 | student category 0 | cohort 30 | 25 cards"},
	{"C-ISSUE-1", "01 splits RESULT_FB20260831.txt → 0105:40 0108:8"},
	{"C-ISSUE-2", "0105 splits RESULT_0105.txt → 01050123:40"},
	{"C-ISSUE-4", "the upper level would issue a regenerated sheet of 39 cards (C-ISSUE-4)"},
	{"C-ISSUE-3/refused", "(rule C-ISSUE-3)"},
	{"C-ISSUE-3/allowed", "40 ID cards now at the school and may be issued (C-ISSUE-2, C-ISSUE-3)"},
	{"S-5/key card", "city key card: SM4 master keys internal authentication (id 01, version 1), external authentication (id 02, version 1), secure-messaging MAC (id 03, version 1), M1 sector key (id 10, version 1), M1 sector key (id 10, version 2) and a management key, never shown (A-3)"},
	{"R-ISSUE-2", "its 40 ID-card records + 8% = 44 cards (R-ISSUE-1, R-ISSUE-2)"},
	{"S-6", "SAM is locked: read the management card first"},
	{"S-6/unlocked", "the reader reads its management card (SM4, for SAM C0A4D0EE24C55561) and unlocks its SAM (S-6)"},
	{"R-ISSUE-3/C-4", "8 APDUs, 51.4 ms modelled (name stored in GB18030: rare character, C-4)"},
	{"R-ISSUE-3/totals", "40 cards personalised: 320 APDUs, 2,055.8 ms modelled in all (51.4 ms a card)"},
	{"R-ISSUE-4", "district 05 reads 40 personalisation records (R-ISSUE-4)"},
	{"R-ISSUE-5", "district 05 imports 40 students (R-ISSUE-5)"},
	{"R-REG-1", "registered for semester 2026-2, 6 APDUs, 35.8 ms modelled; valid until 2027-03-21"},
	{"R-LOSS-1", "it goes on today's list at once and must be in effect by 2026-10-10 00:00 at the latest"},
	{"R-LOSS-2", "the school lends temporary card"},
	{"R-LOSS-1/list of the report day", "the school's daily list of 30 September carries the loss up the same evening (R-LOSS-1, R-LIST-1)"},
	{"R-LIST-1/school file", "01050123 sends LISTEVENT_01050123_20260930.txt: 1 event(s)"},
	{"R-LIST-1", "before: not on the list; now: listed lost (R-LIST-1)"},
	{"R-MOVE-1/card", "the card refuses: cannot personalise a card that is transferred out"},
	{"R-MOVE-1/ledger", "and so does the ledger: rule R-MOVE-1"},
	{"S-4/refused", "may not freeze in 08/01080456"},
	{"S-4/audited", "district 05's audit chain, entry 333: freeze by 王老师 on 8605E5C949C62A5E, rule S-4, outcome refused"},
	{"R-LEAVE-1", "frozen at once in the ledger and on the card (6 APDUs) (R-LEAVE-1)"},
	{"R-RECOVER-1/e-purse", "e-purse still active: refund at a transit office first (R-RECOVER-1)"},
	{"R-LEAVE-2", "recovery operation on the card: 12 APDUs"},
	{"R-RECOVER-1/slip", "e-purse REFUNDED"},
	{"R-LEAVE-2/list", "cohort 30: 2 student(s) (with the one who left in June, who had no card yet), 1 card(s) recovered (R-LEAVE-2)"},
	{"P-3", "city's audit chain: 142 entries, hash chain intact, 0 refusal(s) (P-3)"},
	{"P-3/anchor", "district 05's audit chain: 335 entries, hash chain intact through the anchor kept at entry 333, 1 refusal(s) (P-3)"},
	{"R-TIME-1", "overdue: 9 (R-LOSS-5 school 05 ×1, R-TIME-1 district 08 ×8)"},
	{"summary", "All steps done; every check held."},
}

var chineseLines = []string{
	"== 第 1/9 步：制卡数据逐级上报：学校 → 区县 → 市级",
	"students_01050123.xlsx 工作表“Sheet1” 第14行 F列（出生日期）“01/01/2018”：日期不是YYYYMMDD格式的有效日期",
	"在学籍系统中改正这两处并重新导出（C-3）",
	"区县看到：carddata.txt 第20行 字段学籍号（学籍号0105012303001411）：学籍号已分配给其他学生",
	"整批退回，失败文件返回学校（C-MAKE-2）",
	"在学籍系统中将学籍号改正为 0105012303001181 并重新导出（C-3）",
	"大箱 B0001 | 批次 FB20260831 | 区县 0105 | 40张",
	"证件卡 \"ID0105012303001010-1\"：状态“在区级”下不允许“发放”（规则 C-ISSUE-3）",
	"市级密钥卡：SM4 主密钥 内部认证（标识 01，版本 1）",
	"安全模块已锁定：请先读取管理卡",
	"（姓名以 GB18030 存储：生僻字，C-4）",
	"之前：不在名单中；现在：名单显示挂失（R-LIST-1）",
	"执行“冻结”，规则 S-4，结果：拒绝",
	"市级审计链：",
	"哈希链完整",
	"全部步骤完成，所有检查均通过。",
}

func TestRun(t *testing.T) {
	ctx := context.Background()
	code, en, stderr := runDemo(t, ctx, "-seed", "7", "-lang", "en")
	require.Equal(t, exitOK, code, "stderr: %s", stderr)
	require.Empty(t, stderr)

	for _, tc := range englishLines {
		t.Run(tc.rule, func(t *testing.T) {
			assert.True(t, strings.Contains(en, tc.line), "missing line %q", tc.line)
		})
	}
	t.Run("no wall-clock time, temporary path or format error in the output", func(t *testing.T) {
		assert.NotContains(t, en, os.TempDir())
		assert.NotContains(t, en, "studentcard-demo-")
		assert.NotContains(t, en, "%!")
	})
	t.Run("operator's words: no Go values, English box labels", func(t *testing.T) {
		for _, goish := range []string{"sam.", "KeySet{", "Soft{", "ManagementCard{", "大箱", "小箱", "张\n"} {
			assert.NotContains(t, en, goish)
		}
	})
	// The runs below are independent (each has its own temporary
	// directory and SQLite file), so they share the machine.
	t.Run("deterministic: the same seed prints the same text", func(t *testing.T) {
		t.Parallel()
		code, again, _ := runDemo(t, ctx, "-lang", "en", "-seed", "7")
		require.Equal(t, exitOK, code)
		assert.Equal(t, en, again)
	})
	t.Run("Chinese narrative (default language)", func(t *testing.T) {
		t.Parallel()
		code, zh, stderr := runDemo(t, ctx, "-seed", "7")
		require.Equal(t, exitOK, code, "stderr: %s", stderr)
		for _, line := range chineseLines {
			assert.True(t, strings.Contains(zh, line), "missing line %q", line)
		}
		assert.NotContains(t, zh, "%!")
		for _, english := range []string{"outcome", "refused", " freeze ", "big box", "small box", "sam."} {
			assert.NotContains(t, zh, english)
		}
		assert.Equal(t, strings.Count(en, "\n"), strings.Count(zh, "\n"), "the same story in both languages")
	})
	t.Run("another seed, another school", func(t *testing.T) {
		t.Parallel()
		code, other, _ := runDemo(t, ctx, "-seed", "8", "-lang", "en")
		require.Equal(t, exitOK, code)
		assert.NotEqual(t, en, other)
	})
	// go run ./examples/demo works: the command built as go run builds it
	// prints exactly what the in-process run printed, and exits 2 on bad flags.
	t.Run("the built binary", func(t *testing.T) {
		t.Parallel()
		gobin, err := exec.LookPath("go")
		if err != nil {
			gobin = filepath.Join(os.Getenv("GOROOT"), "bin", "go")
		}
		bin := filepath.Join(t.TempDir(), "demo")
		out, err := exec.Command(gobin, "build", "-ldflags=-s -w", "-o", bin, ".").CombinedOutput()
		require.NoError(t, err, "go build: %s", out)

		cmd := exec.Command(bin, "-lang", "en", "-seed", "7")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		require.NoError(t, cmd.Run(), "stderr: %s", stderr.String())
		assert.Equal(t, en, stdout.String())

		err = exec.Command(bin, "-lang", "xx!").Run()
		var ee *exec.ExitError
		require.ErrorAs(t, err, &ee)
		assert.Equal(t, exitUsage, ee.ExitCode())
	})
}

func TestRunFailures(t *testing.T) {
	t.Run("bad flags exit 2", func(t *testing.T) {
		for _, args := range [][]string{{"-lang", "fr!"}, {"-seed", "x"}, {"extra"}} {
			code, _, stderr := runDemo(t, context.Background(), args...)
			assert.Equal(t, exitUsage, code, "%q", args)
			assert.NotEmpty(t, stderr)
		}
	})
	t.Run("a failure exits 1 and says so in the chosen language", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		code, _, stderr := runDemo(t, ctx, "-lang", "zh")
		assert.Equal(t, exitFailed, code)
		assert.Contains(t, stderr, "失败：准备演示环境：")
	})
	t.Run("a failing step stops the tour and is named", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		var out bytes.Buffer
		d, err := newDemo(ctx, &out, l10n.Chinese, 1, t.TempDir())
		require.NoError(t, err)
		defer d.close()
		cancel()
		err = d.tour()
		var se *stepError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, 1, se.step)
		assert.ErrorIs(t, err, context.Canceled)
		zh := l10n.Error(err, l10n.Chinese)
		assert.True(t, strings.HasPrefix(zh, "第 1 步："), zh)
		assert.Contains(t, zh, "登记学生", "the failure says what the demo was doing, in Chinese")
		assert.NotContains(t, out.String(), "全部步骤完成")
	})
	t.Run("a claim that does not hold is a check error", func(t *testing.T) {
		d := &demo{tag: l10n.English}
		assert.NoError(t, d.check(true, "the failure file has one row"))
		err := d.check(false, "the failure file has one row")
		require.ErrorIs(t, err, errCheck)
		assert.Equal(t, "检查未通过：the failure file has one row", l10n.Error(err, l10n.Chinese),
			"the claim is rendered in the run's language, the frame in the reader's")
		assert.Equal(t, "step 3: check failed: the failure file has one row", (&stepError{step: 3, err: err}).Error())
		assert.True(t, errors.Is(&stepError{step: 3, err: err}, errCheck))
	})
}

// TestCMISExport proves the CMIS exports the demo generates are what
// adapters/cmis reads (P-4): an xlsx workbook (school A) and a GB18030 CSV
// file (school B) of generated students import without a problem and give
// the records back with the collected fields, and a malformed cell is listed
// with its row and column.
func TestCMISExport(t *testing.T) {
	newTestDemo := func() *demo {
		d := &demo{ctx: context.Background(), out: io.Discard, tag: l10n.English, now: time.Date(2026, 8, 24, 9, 0, 0, 0, lifecycle.Beijing())}
		d.a = newSchool("01050123", "北京市第五实验小学", "王老师")
		d.b = newSchool("01080456", "北京市第八中心小学", "李老师")
		for _, s := range []*school{d.a, d.b} {
			for rec, err := range batchtest.Records(s.code, s.name, 5, 3) {
				require.NoError(t, err)
				s.roster = append(s.roster, rosterRow{card: rec, division: rec.ResidentID[:6] + "000000", photo: "P" + rec.RegistryNo.String()[13:15] + ".jpg"})
			}
		}
		return d
	}
	for _, tc := range []struct {
		name     string
		school   func(*demo) *school
		format   cmis.Format
		encoding cmis.Encoding
	}{
		{"P-4/xlsx workbook", func(d *demo) *school { return d.a }, cmis.FormatXLSX, ""},
		{"P-4/GB18030 CSV", func(d *demo) *school { return d.b }, cmis.FormatCSV, cmis.EncodingGB18030},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newTestDemo()
			s := tc.school(d)
			res, err := d.exportAndImport(s)
			require.NoError(t, err)
			require.NoError(t, res.Err())
			assert.Empty(t, res.Warnings)
			assert.Equal(t, tc.format, res.Format)
			assert.Equal(t, tc.encoding, res.Encoding)
			require.Len(t, res.Records, len(s.roster))
			for i, r := range res.Records {
				want := s.roster[i]
				id, err := studentid.Parse(want.card.RegistryNo.String())
				require.NoError(t, err)
				assert.Equal(t, want.card, r.Card)
				assert.Equal(t, want.division, r.DivisionCode)
				assert.Equal(t, want.photo, r.Photo)
				assert.Equal(t, "2024101", r.ClassNumber, "cohort %d entered in 2024, grade 1, class 01", id.Cohort())
				assert.Equal(t, "202409", r.EntryMonth)
			}
		})
	}
	t.Run("P-4/every malformed cell is listed with its row and column", func(t *testing.T) {
		d := newTestDemo()
		d.a.roster[1].card.BirthDate = "01/01/2018"
		d.a.roster[3].division = "110101"
		res, err := d.exportAndImport(d.a)
		require.NoError(t, err)
		require.Len(t, res.Errors, 2)
		assert.ErrorIs(t, res.Errors[0], cmis.ErrDate)
		assert.Equal(t, []any{4, "F"}, []any{res.Errors[0].Row, res.Errors[0].Column}, "title row, header row, then the 2nd student")
		assert.ErrorIs(t, res.Errors[1], cmis.ErrDivisionCode)
		assert.Equal(t, []any{6, "J"}, []any{res.Errors[1].Row, res.Errors[1].Column})
		assert.Equal(t, 3, res.Summary.Good)
	})
}

// TestCatalogComplete proves every text the demo prints or reports has a
// Chinese rendering: it reads the source for the catalog keys handed to
// say, text, sayErr, check and expect, and the step titles.
func TestCatalogComplete(t *testing.T) {
	l10ntest.Check(t, messages, l10ntest.Source{
		Calls: []l10ntest.Call{{Func: "say", Arg: 0}, {Func: "text", Arg: 0}, {Func: "sayErr", Arg: 1},
			{Func: "check", Arg: 1}, {Func: "expect", Arg: 1}},
		Elems: []l10ntest.Elem{{Type: "step", Index: 0}}, // the tour's []step{{title, rules, run}, ...}
		Min:   150,
	})
}
