package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/batch/batchtest"
	"github.com/bjedu/studentcard/studentid"
)

// registryNos are the registry numbers of students from..to-1 of a school,
// as writeResults generates them.
func registryNos(t *testing.T, school string, from, to int) []string {
	t.Helper()
	var out []string
	for i := from; i < to; i++ {
		rec, err := batchtest.Record(school, "北京市测试学校"+school[5:], i, 1)
		require.NoError(t, err)
		out = append(out, rec.RegistryNo.String())
	}
	return out
}

func readSheet(t *testing.T, path string) *batch.Handover {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	h, err := batch.ReadHandover(context.Background(), f, filepath.Base(path), "01", batch.BoxSizes{Small: 20})
	require.NoError(t, err)
	return h
}

func TestReconcile(t *testing.T) {
	dir := t.TempDir()
	writeResults(t, filepath.Join(dir, "result.txt"), 30, "01080001", "01080002") // 59 good cards: the last of 01080001 spoilt
	o := exe(t, dir, "handover", "--small", "20", "-o", "sheet.txt", "result.txt")
	require.Equal(t, exitOK, o.code, o.stderr)
	sheet := readSheet(t, filepath.Join(dir, "sheet.txt"))
	require.Equal(t, 59, sheet.Total())
	write := func(name string, lines ...string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(strings.Join(lines, "\n")+"\n"), 0o644))
	}
	all := append(registryNos(t, "01080001", 0, 29), registryNos(t, "01080002", 0, 30)...)
	write("all.txt", append([]string{"# scanned at the district, 2026-09-01"}, all...)...)
	// One card of 01080002 missing, one of 01080001 scanned twice.
	write("short.txt", append(append([]string{"FB2026-09," + all[0]}, all[:29]...), all[30:]...)...)

	t.Run("C-ISSUE-4/every card scanned: the sheet stands", func(t *testing.T) {
		o := exe(t, dir, "handover", "reconcile", "--sheet", "sheet.txt", "--counted", "all.txt", "--small", "20")
		require.Equal(t, exitOK, o.code, o.stderr)
		assert.Contains(t, o.stdout, "sheet.txt：清点结果与交接单一致（59 张卡）")
		assert.NoFileExists(t, filepath.Join(dir, "sheet.regenerated.txt"))
	})
	t.Run("C-ISSUE-4/a card missing: differences, regenerated sheet, exit 1", func(t *testing.T) {
		o := exe(t, dir, "--lang", "en", "handover", "reconcile", "--level", "district", "--code", "0108",
			"--sheet", "sheet.txt", "--counted", "short.txt", "--small", "20")
		require.Equal(t, exitInvalid, o.code, o.stderr)
		assert.Contains(t, o.stdout, "1 card scanned more than once, counted once\n")
		assert.Contains(t, o.stdout, "batch FB2026-09, school 01080002, student category 0, cohort ")
		assert.Contains(t, o.stdout, ": sheet 30, counted 29\n")
		assert.Contains(t, o.stdout, "sheet.txt: counts differ in 1 group: sheet 59 cards, counted 58 cards\n")
		assert.Contains(t, o.stdout, "regenerated handover sheet: sheet.regenerated.txt")
		assert.Contains(t, o.stderr, "the cards counted do not match the handover sheet")
		regen := readSheet(t, filepath.Join(dir, "sheet.regenerated.txt"))
		assert.Equal(t, 58, regen.Total())
		for _, g := range regen.Counts() {
			assert.Equal(t, "北京市测试学校"+g.School.String()[5:], g.SchoolName, "school names kept")
		}
	})
	t.Run("C-ISSUE-4/boxes counted, json", func(t *testing.T) {
		var lines []string
		for i, r := range sheet.Rows {
			n := r.Count
			if i == len(sheet.Rows)-1 {
				n++ // one card too many in the last box
			}
			lines = append(lines, fmt.Sprintf("%s,%d", r.SmallBox, n))
		}
		write("boxes.txt", lines...)
		o := exe(t, dir, "--json", "handover", "reconcile", "--sheet", "sheet.txt", "--counted", "boxes.txt", "--small", "20", "-o", "new.txt")
		require.Equal(t, exitInvalid, o.code, o.stderr)
		doc := jsonOut(t, o)
		assert.Equal(t, "handover reconcile", doc["command"])
		assert.Nil(t, doc["error"], "a mismatch is a result, like a refused file")
		r := resultOf(t, doc)
		assert.Equal(t, false, r["match"])
		assert.EqualValues(t, 60, r["counted_cards"])
		assert.Equal(t, "new.txt", r["regenerated"])
		diffs := r["differences"].([]any)
		require.Len(t, diffs, 1)
		d := diffs[0].(map[string]any)
		last := sheet.Rows[len(sheet.Rows)-1]
		assert.Equal(t, last.School.String(), d["school"])
		assert.EqualValues(t, 30, d["sheet"], "the group is the school's 30 cards over two boxes")
		assert.EqualValues(t, 31, d["counted"])
		assert.Contains(t, d["message"], "清点")
		assert.Equal(t, 60, readSheet(t, filepath.Join(dir, "new.txt")).Total())
	})
	t.Run("C-ISSUE-4/bad counted file: line named, exit 3", func(t *testing.T) {
		for _, c := range []struct{ line, want string }{
			{"0108000103001", `学籍号 "0108000103001"：`},
			{"B9999-99,3", `小箱 "B9999-99" 不在交接单上`},
			{sheet.Rows[0].SmallBox + ",many", `数量 "many" 不是卡片张数`},
			{"a,b,c", "应为 学籍号、批次,学籍号 或 小箱号,张数"},
			{strings.Repeat("1", 300), "行太长"},
		} {
			write("bad.txt", all[0], c.line)
			o := exe(t, dir, "handover", "reconcile", "--sheet", "sheet.txt", "--counted", "bad.txt", "--small", "20")
			assert.Equal(t, exitIO, o.code, c.line)
			assert.Contains(t, o.stderr, "bad.txt 第2行：", c.line)
			assert.Contains(t, o.stderr, c.want, c.line)
		}
		write("bad.txt", sheet.Rows[0].SmallBox+",1", sheet.Rows[0].SmallBox+",2")
		o := exe(t, dir, "--lang", "en", "handover", "reconcile", "--sheet", "sheet.txt", "--counted", "bad.txt", "--small", "20")
		assert.Equal(t, exitIO, o.code)
		assert.Contains(t, o.stderr, "bad.txt line 2: small box "+sheet.Rows[0].SmallBox+" counted twice (first on line 1)")
	})
	t.Run("C-ISSUE-4 --code is enforced: a card of another district counted at district 0105", func(t *testing.T) {
		o := exe(t, dir, "--lang", "en", "handover", "reconcile", "--level", "district", "--code", "0105", "--sheet", "sheet.txt", "--counted", "all.txt", "--small", "20")
		assert.Equal(t, exitIO, o.code)
		assert.Contains(t, o.stderr, "sheet.txt:3: field school_code: registry number does not belong to the sender", "the sheet's first row of 0108 is named")
		other := registryNos(t, "01050001", 0, 1)
		write("foreign.txt", all[0], other[0])
		o = exe(t, dir, "--lang", "en", "handover", "reconcile", "--sheet", "sheet.txt", "--counted", "foreign.txt", "--small", "20", "--level", "district", "--code", "0108")
		assert.Equal(t, exitIO, o.code)
		assert.Contains(t, o.stderr, "foreign.txt line 2: registry number "+other[0]+" is not under 0108")
	})
	t.Run("C-ISSUE-2 --code is enforced: district 0105 packing 0108's cards", func(t *testing.T) {
		o := exe(t, dir, "--lang", "en", "handover", "--level", "district", "--code", "0105", "--small", "20", "result.txt")
		assert.Equal(t, exitIO, o.code)
		assert.Contains(t, o.stderr, "result.txt:3: field registry_no: registry number does not belong to the sender")
		o = exe(t, dir, "handover", "--level", "district", "--code", "0108", "--for", "0105", "result.txt")
		assert.Equal(t, exitUsage, o.code, "--for outside --code")
	})
	t.Run("C-ISSUE-4/usage", func(t *testing.T) {
		o := exe(t, dir, "handover", "reconcile", "--sheet", "sheet.txt")
		assert.Equal(t, exitUsage, o.code)
		assert.Contains(t, o.stderr, "handover reconcile 需要 --sheet 和 --counted")
	})
}

// FuzzCountedFile: a counted-cards file never panics the reader, and what it
// reads adds up: the tally holds exactly the cards counted.
func FuzzCountedFile(f *testing.F) {
	sheet := batch.Pack([]batch.GroupCount{{GroupKey: batch.GroupKey{FactoryBatch: "FB1", School: must(studentid.ParseSchool("01080001")), Cohort: 32}, Count: 3}}, batch.BoxSizes{})
	f.Add("0108000103201014\n")
	f.Add("# c\nFB1,0108000103201014\n\n" + sheet.Rows[0].SmallBox + ",2\n")
	f.Add(sheet.Rows[0].SmallBox + ",1\n" + sheet.Rows[0].SmallBox + ",1\n")
	f.Add("a,b,c\n")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := readCounted(context.Background(), strings.NewReader(s), "f.txt", sheet, "FB1", "0108")
		if err != nil {
			assert.Contains(t, err.Error(), "f.txt:")
			return
		}
		total := 0
		for _, n := range c.tally {
			total += n
		}
		assert.Equal(t, c.cards, total)
	})
}

// must returns v, panicking on err: for constant test data only.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
