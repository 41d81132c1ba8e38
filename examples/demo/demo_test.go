package main

import (
	"bytes"
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/batch/batchtest"
	"github.com/bjedu/studentcard/l10n"
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
	{"C-MAKE-1", "== Step 1/8: The card-making data goes up: school → district → city [C-1, C-2, C-4, C-MAKE-1, C-MAKE-2, C-3, C-MAKE-3, S-ID-1]"},
	{"C-2", "each with a 640×480 blue-background JPEG photo (C-2)"},
	{"C-4", "CMIS files a rare-character description (pinyin LI ZHE) (C-4)"},
	{"C-MAKE-2/refused", "1 record(s) failing → refused as a whole, failure file back to the school (C-MAKE-2)"},
	{"C-MAKE-2/failure file", "field birth_date, code BIRTH_DATE"},
	{"C-3", "fixes the birth date in CMIS and exports again (C-3)"},
	{"S-ID-1", "every number checked against the ledger (S-ID-1) → accepted and stored"},
	{"C-MAKE-3", "0 failing → accepted, sent to the card factory (C-MAKE-3)"},
	{"C-5", "waste rate 0.0%, liable: no (C-ISSUE-1, C-5)"},
	{"C-PACK-1", "2 big boxes, 3 small boxes, 48 cards (C-PACK-1"},
	{"C-ISSUE-1", "01 splits RESULT_FB20260831.txt → 0105:40 0108:8"},
	{"C-ISSUE-2", "0105 splits RESULT_0105.txt → 01050123:40"},
	{"C-ISSUE-4", "the upper level would issue a regenerated sheet of 39 cards (C-ISSUE-4)"},
	{"C-ISSUE-3/refused", "(rule C-ISSUE-3)"},
	{"C-ISSUE-3/allowed", "40 ID cards now at the school and may be issued (C-ISSUE-2, C-ISSUE-3)"},
	{"R-ISSUE-2", "its 40 ID-card records + 8% = 44 cards (R-ISSUE-1, R-ISSUE-2)"},
	{"S-6", "SAM is locked: read the management card first"},
	{"R-ISSUE-3/C-4", "8 APDUs, 51.4 ms modelled (name stored in GB18030: rare character, C-4)"},
	{"R-ISSUE-3/totals", "40 cards personalised: 320 APDUs, 2,055.8 ms modelled in all (51.4 ms a card)"},
	{"R-ISSUE-4", "district 05 reads 40 personalisation records (R-ISSUE-4)"},
	{"R-ISSUE-5", "district 05 imports 40 students (R-ISSUE-5)"},
	{"R-REG-1", "registered for semester 2026-2, 6 APDUs, 35.8 ms modelled; valid until 2027-03-21"},
	{"R-LOSS-1", "in effect now: no; takes effect at 2026-10-10 00:00"},
	{"R-LOSS-2", "the school lends temporary card"},
	{"R-LIST-1", "before: not on the list; now: listed lost (R-LIST-1)"},
	{"R-MOVE-1/card", "the card refuses: cannot personalise a card that is transferred out"},
	{"R-MOVE-1/ledger", "and so does the ledger: rule R-MOVE-1"},
	{"S-4/refused", "may not freeze in 08/01080456"},
	{"S-4/audited", "rule S-4, outcome refused (S-4, P-3)"},
	{"R-LEAVE-1", "frozen at once in the ledger and on the card (6 APDUs) (R-LEAVE-1)"},
	{"R-RECOVER-1/e-purse", "e-purse still active: refund at a transit office first (R-RECOVER-1)"},
	{"R-LEAVE-2", "recovery operation on the card: 12 APDUs"},
	{"R-RECOVER-1/slip", "e-purse REFUNDED"},
	{"P-3", "hash chain intact"},
	{"R-TIME-1", "overdue: 8 (R-TIME-1 district 08 ×8)"},
	{"summary", "All steps done; every check held."},
}

var chineseLines = []string{
	"== 第 1/8 步：制卡数据逐级上报：学校 → 区县 → 市级",
	"整批退回，失败文件返回学校（C-MAKE-2）",
	"在学籍系统中改正出生日期并重新导出（C-3）",
	"安全模块已锁定：请先读取管理卡",
	"（姓名以 GB18030 存储：生僻字，C-4）",
	"之前：不在名单中；现在：名单显示挂失（R-LIST-1）",
	"结果 refused（S-4，P-3）",
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

// TestLedgerHistory proves the validators' S-ID-1 history reads the
// ledger: a number enrolled for one student names that student's resident
// ID, an unknown number is unknown.
func TestLedgerHistory(t *testing.T) {
	ctx := context.Background()
	store := lifecycle.NewMemStore()
	l, err := lifecycle.NewLedger(lifecycle.Config{Store: store, Clock: func() time.Time { return time.Date(2026, 9, 1, 9, 0, 0, 0, lifecycle.Beijing()) }})
	require.NoError(t, err)
	rec, err := batchtest.Record("01050123", "学校", 0, 1)
	require.NoError(t, err)
	op := lifecycle.Operator{Level: lifecycle.LevelSchool, District: "05", School: "01050123", User: "t"}
	_, err = l.Enrol(ctx, op, lifecycle.Student{Key: "k1", Number: rec.RegistryNo, IDNumber: rec.ResidentID})
	require.NoError(t, err)

	for _, tc := range []struct {
		name   string
		number string
		found  bool
	}{
		{"S-ID-1/an enrolled number names its student", rec.RegistryNo, true},
		{"S-ID-1/an unknown number is unknown", "0105012303002018", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id, err := studentid.Parse(tc.number)
			require.NoError(t, err)
			rid, found, err := ledgerHistory{store}.AssignedTo(ctx, id)
			require.NoError(t, err)
			assert.Equal(t, tc.found, found)
			if tc.found {
				assert.Equal(t, rec.ResidentID, rid.String())
			}
		})
	}
}

// TestCatalogComplete proves every text the demo prints or reports has a
// Chinese rendering: it reads the source for the catalog keys handed to
// say, text, sayErr, check and expect, and the step titles.
func TestCatalogComplete(t *testing.T) {
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	argIndex := map[string]int{"say": 0, "text": 0, "sayErr": 1, "check": 1, "expect": 1}
	fset := token.NewFileSet()
	keys := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		ast.Inspect(f, func(n ast.Node) bool {
			var lits []ast.Expr
			switch n := n.(type) {
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok {
					if i, known := argIndex[sel.Sel.Name]; known && len(n.Args) > i {
						lits = append(lits, n.Args[i])
					}
					if x, ok := sel.X.(*ast.Ident); ok && x.Name == "messages" && len(n.Args) > 0 {
						switch sel.Sel.Name {
						case "Sprintf":
							if len(n.Args) > 1 {
								lits = append(lits, n.Args[1])
							}
						case "Error":
							lits = append(lits, n.Args[0])
						}
					}
				}
			case *ast.CompositeLit: // the tour's []step{{title, rules, run}, ...}
				if arr, ok := n.Type.(*ast.ArrayType); ok {
					if id, ok := arr.Elt.(*ast.Ident); ok && id.Name == "step" {
						for _, e := range n.Elts {
							if cl, ok := e.(*ast.CompositeLit); ok && len(cl.Elts) > 0 {
								lits = append(lits, cl.Elts[0])
							}
						}
					}
				}
			}
			for _, lit := range lits {
				bl, ok := lit.(*ast.BasicLit)
				if !ok || bl.Kind != token.STRING {
					continue
				}
				key, err := strconv.Unquote(bl.Value)
				require.NoError(t, err)
				if key != "" {
					keys++
					assert.True(t, messages.Has(key), "%s: no Chinese for %q", fset.Position(bl.Pos()), key)
				}
			}
			return true
		})
	}
	assert.Greater(t, keys, 150, "the scan finds the demo's texts")
}
