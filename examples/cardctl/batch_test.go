package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/batch/batchtest"
	"github.com/bjedu/studentcard/l10n"
)

func TestValidate(t *testing.T) {
	dir := t.TempDir()
	writeCardData(t, filepath.Join(dir, "good.txt"), "01080001", 40)
	writeBadCardData(t, filepath.Join(dir, "bad.txt"), "01080001", 40, 3)
	pkg, err := os.Create(filepath.Join(dir, "pkg.zip"))
	require.NoError(t, err)
	require.NoError(t, batchtest.WritePackage(pkg, batchtest.School("01080002", created), "北京市测试学校", 5, 2))
	require.NoError(t, pkg.Close())
	good, err := os.ReadFile(filepath.Join(dir, "good.txt"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "cut.txt"), good[:len(good)-40], 0o644))

	t.Run("C-MAKE-2/all records pass: accepted, no failure file", func(t *testing.T) {
		o := exe(t, dir, "validate", "--code", "0108", "--sender", "01080001", "good.txt")
		require.Equal(t, exitOK, o.code, o.stderr)
		assert.Contains(t, o.stdout, "good.txt：40 条记录，全部通过：接收")
		assert.Contains(t, o.stdout, "本批可由区里自行制作（C-MAKE-2）")
		assert.NoFileExists(t, filepath.Join(dir, "good.failures.txt"))
	})
	t.Run("C-MAKE-2/json", func(t *testing.T) {
		o := exe(t, dir, "--json", "validate", "--code", "0108", "good.txt")
		require.Equal(t, exitOK, o.code, o.stderr)
		doc := jsonOut(t, o)
		assert.Equal(t, "validate", doc["command"])
		assert.Equal(t, true, doc["ok"])
		r := resultOf(t, doc)
		assert.Equal(t, true, r["accepted"])
		assert.EqualValues(t, 40, r["records"])
		assert.Equal(t, []any{}, r["errors"])
	})
	t.Run("C-3/one bad record: exit 1, failure file for the school", func(t *testing.T) {
		o := exe(t, dir, "validate", "--code", "0108", "bad.txt")
		require.Equal(t, exitInvalid, o.code, o.stderr)
		assert.Contains(t, o.stdout, "bad.txt：40 条记录，1 条未通过")
		assert.Contains(t, o.stdout, "第6行") // header, columns, records 1-3, the bad one
		assert.Contains(t, o.stdout, "失败文件："+"bad.failures.txt")
		assert.Contains(t, o.stderr, "校验未通过：文件被拒收")
		rows := readFailures(t, filepath.Join(dir, "bad.failures.txt"))
		require.Len(t, rows, 1)
		assert.Equal(t, 6, rows[0].Line)
		assert.Equal(t, batch.ReasonBirthDate, rows[0].Reason)
	})
	t.Run("C-3/failure file directory missing is an I/O error", func(t *testing.T) {
		o := exe(t, dir, "--lang", "en", "--json", "validate", "--code", "0108", "--failures", "out/f.txt", "bad.txt")
		require.Equal(t, exitIO, o.code, o.stderr)
		doc := jsonOut(t, o)
		assert.Equal(t, false, doc["ok"])
		assert.EqualValues(t, exitIO, doc["exit_code"])
		assert.Contains(t, doc["error"].(map[string]any)["message"], "out")
	})
	t.Run("C-3/failure file in another directory", func(t *testing.T) {
		require.NoError(t, os.MkdirAll(filepath.Join(dir, "out"), 0o755))
		o := exe(t, dir, "--lang", "en", "--json", "validate", "--code", "0108", "--failures", "out/f.txt", "bad.txt")
		require.Equal(t, exitInvalid, o.code, o.stderr)
		r := resultOf(t, jsonOut(t, o))
		assert.Equal(t, "out/f.txt", r["failure_file"])
		errs := r["errors"].([]any)
		require.Len(t, errs, 1)
		e0 := errs[0].(map[string]any)
		assert.EqualValues(t, 6, e0["line"])
		assert.Equal(t, "birth_date", e0["field"])
		assert.Equal(t, "BIRTH_DATE", e0["reason"])
		assert.Contains(t, e0["message"], "birth date does not match the resident ID number")
		assert.FileExists(t, filepath.Join(dir, "out", "f.txt"))
	})
	t.Run("C-MAKE-2/truncated file refused", func(t *testing.T) {
		o := exe(t, dir, "--lang", "en", "validate", "--code", "0108", "cut.txt")
		require.Equal(t, exitInvalid, o.code, o.stderr)
		assert.Contains(t, o.stdout, "truncated")
		assert.FileExists(t, filepath.Join(dir, "cut.failures.txt"))
	})
	t.Run("C-2/package with photos", func(t *testing.T) {
		o := exe(t, dir, "--json", "validate", "--code", "0108", "pkg.zip")
		require.Equal(t, exitOK, o.code, o.stderr)
		r := resultOf(t, jsonOut(t, o))
		assert.Equal(t, true, r["package"])
		assert.EqualValues(t, 5, r["photos"])
	})
	t.Run("C-MAKE-2/file from another school", func(t *testing.T) {
		o := exe(t, dir, "validate", "--code", "0108", "--sender", "01080009", "--failures", "x.txt", "good.txt")
		require.Equal(t, exitInvalid, o.code, o.stderr)
		assert.FileExists(t, filepath.Join(dir, "x.txt"))
	})
	t.Run("missing file is an I/O error", func(t *testing.T) {
		o := exe(t, dir, "validate", "--code", "0108", "nope.txt")
		assert.Equal(t, exitIO, o.code)
		assert.Contains(t, o.stderr, "打开 nope.txt：文件不存在")
	})
	t.Run("progress bar on stderr only, never in JSON stdout", func(t *testing.T) {
		o := exe(t, dir, "--json", "--progress", "validate", "--code", "0108", "good.txt")
		require.Equal(t, exitOK, o.code, o.stderr)
		assert.Contains(t, o.stderr, "校验中 [########################] 100.0%")
		assert.Contains(t, o.stderr, "用时 00:0")
		jsonOut(t, o)
	})
	t.Run("no progress bar when stderr is not a terminal", func(t *testing.T) {
		o := exe(t, dir, "validate", "--code", "0108", "good.txt")
		assert.Empty(t, o.stderr)
	})
	t.Run("quiet prints nothing on success", func(t *testing.T) {
		o := exe(t, dir, "--quiet", "validate", "--code", "0108", "good.txt")
		require.Equal(t, exitOK, o.code)
		assert.Empty(t, o.stdout)
	})
}

func readFailures(t *testing.T, path string) []batch.Failure {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var rows []batch.Failure
	_, err = batch.ReadFailures(context.Background(), f, filepath.Base(path), func(r batch.Failure) error {
		rows = append(rows, r)
		return nil
	})
	require.NoError(t, err)
	return rows
}

func TestSplit(t *testing.T) {
	dir := t.TempDir()
	writeResults(t, filepath.Join(dir, "result.txt"), 12, "01080001", "01080002", "01050001")

	t.Run("C-ISSUE-1/city splits per district", func(t *testing.T) {
		o := exe(t, dir, "split", "--by", "district", "--out", "city", "result.txt")
		require.Equal(t, exitOK, o.code, o.stderr)
		assert.Contains(t, o.stdout, "0105：12 条记录")
		assert.Contains(t, o.stdout, "共写出 2 个文件")
		assert.EqualValues(t, 24, countRecords(t, filepath.Join(dir, "city", "RESULT_0108.txt")))
		assert.EqualValues(t, 12, countRecords(t, filepath.Join(dir, "city", "RESULT_0105.txt")))
	})
	t.Run("C-ISSUE-2/district splits its part per school, json", func(t *testing.T) {
		o := exe(t, dir, "--json", "split", "--by", "school", "--code", "0108", "--out", "d", "city/RESULT_0108.txt")
		require.Equal(t, exitOK, o.code, o.stderr)
		parts := resultOf(t, jsonOut(t, o))["parts"].([]any)
		require.Len(t, parts, 2)
		p0 := parts[0].(map[string]any)
		assert.Equal(t, "01080001", p0["code"])
		assert.EqualValues(t, 12, p0["records"])
		assert.EqualValues(t, 12, countRecords(t, filepath.Join(dir, "d", "RESULT_01080002.txt")))
	})
	t.Run("C-ISSUE-1/altered input leaves no parts", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join(dir, "result.txt"))
		require.NoError(t, err)
		b = []byte(strings.Replace(string(b), "FB2026-09", "FB2026-10", 3))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "altered.txt"), b, 0o644))
		o := exe(t, dir, "--lang", "en", "split", "--out", "alt", "altered.txt")
		assert.Equal(t, exitIO, o.code)
		assert.Contains(t, o.stderr, "digest mismatch")
		entries, err := os.ReadDir(filepath.Join(dir, "alt"))
		require.NoError(t, err)
		assert.Empty(t, entries)
	})
	t.Run("C-ISSUE-2/--code is enforced: district 0105 refuses 0108's part", func(t *testing.T) {
		o := exe(t, dir, "--lang", "en", "split", "--by", "school", "--code", "0105", "--out", "wrong", "city/RESULT_0108.txt")
		assert.Equal(t, exitIO, o.code)
		assert.Contains(t, o.stderr, "RESULT_0108.txt:3: field registry_no: registry number does not belong to the sender")
		entries, _ := os.ReadDir(filepath.Join(dir, "wrong"))
		assert.Empty(t, entries, "no part left behind")
	})
	t.Run("C-ISSUE-2/--code is enforced: the city's file at a district", func(t *testing.T) {
		o := exe(t, dir, "split", "--by", "school", "--code", "0108", "--out", "wrong2", "result.txt")
		assert.Equal(t, exitIO, o.code, "records of district 0105 in it")
	})
	t.Run("district split needs its code", func(t *testing.T) {
		o := exe(t, dir, "split", "--by", "school", "result.txt")
		assert.Equal(t, exitUsage, o.code)
		assert.Contains(t, o.stderr, "级别 district 必须指定 --code")
	})
}

func TestMerge(t *testing.T) {
	dir := t.TempDir()
	writeCardData(t, filepath.Join(dir, "s1.txt"), "01080001", 30)
	writeCardDataSeed(t, filepath.Join(dir, "s2.txt"), "01080002", 25, 2)
	writeCardData(t, filepath.Join(dir, "other.txt"), "01050001", 5)

	t.Run("C-MAKE-2/district file from accepted school files", func(t *testing.T) {
		o := exe(t, dir, "merge", "--code", "0108", "-o", "district.txt", "s1.txt", "s2.txt")
		require.Equal(t, exitOK, o.code, o.stderr)
		assert.Contains(t, o.stdout, "已合并 2 个文件：55 条记录 -> district.txt")
		assert.EqualValues(t, 55, countRecords(t, filepath.Join(dir, "district.txt")))
		o = exe(t, dir, "validate", "--level", "city", "--sender", "0108", "district.txt")
		assert.Equal(t, exitOK, o.code, "the city accepts the merged file (C-MAKE-3): %s", o.stdout)
	})
	t.Run("C-MAKE-2/school of another district: no output", func(t *testing.T) {
		o := exe(t, dir, "--json", "merge", "--code", "0108", "-o", "bad.txt", "s1.txt", "other.txt")
		assert.Equal(t, exitInvalid, o.code, "the district's validation inside merge refuses it")
		doc := jsonOut(t, o)
		assert.Equal(t, "invalid", doc["error"].(map[string]any)["kind"])
		assert.Contains(t, doc["error"].(map[string]any)["message"], "other.txt")
		assert.NoFileExists(t, filepath.Join(dir, "bad.txt"))
	})
	t.Run("merge needs -o", func(t *testing.T) {
		o := exe(t, dir, "merge", "--code", "0108", "s1.txt")
		assert.Equal(t, exitUsage, o.code)
	})
}

func TestHandover(t *testing.T) {
	dir := t.TempDir()
	writeResults(t, filepath.Join(dir, "result.txt"), 30, "01080001", "01080002", "01050001")

	t.Run("C-PACK-1/city sheet for every box", func(t *testing.T) {
		o := exe(t, dir, "handover", "--small", "20", "-o", "sheet.txt", "result.txt")
		require.Equal(t, exitOK, o.code, o.stderr)
		assert.Contains(t, o.stdout, "共 89 张卡") // 90 cards, one spoilt
		assert.Contains(t, o.stdout, "交接单：sheet.txt")
		f, err := os.Open(filepath.Join(dir, "sheet.txt"))
		require.NoError(t, err)
		defer f.Close()
		h, err := batch.ReadHandover(context.Background(), f, "sheet.txt", "01", batch.BoxSizes{Small: 20})
		require.NoError(t, err)
		assert.Equal(t, 89, h.Total())
	})
	t.Run("C-ISSUE-2/district prints a school's sheet", func(t *testing.T) {
		o := exe(t, dir, "--json", "handover", "--level", "district", "--code", "0108", "--for", "01080002", "result.txt")
		require.Equal(t, exitIO, o.code, "the city's whole file holds district 0105's cards: --code is enforced")
		o = exe(t, dir, "split", "--by", "district", "--out", "city", "result.txt")
		require.Equal(t, exitOK, o.code, o.stderr)
		o = exe(t, dir, "--json", "handover", "--level", "district", "--code", "0108", "--for", "01080002", "city/RESULT_0108.txt")
		require.Equal(t, exitOK, o.code, o.stderr)
		r := resultOf(t, jsonOut(t, o))
		assert.EqualValues(t, 30, r["cards"])
		for _, b := range r["boxes"].([]any) {
			assert.Equal(t, "01080002", b.(map[string]any)["school"])
		}
		assert.NotEmpty(t, r["labels"])
	})
	t.Run("not a result file", func(t *testing.T) {
		writeCardData(t, filepath.Join(dir, "cards.txt"), "01080001", 3)
		o := exe(t, dir, "--lang", "en", "handover", "cards.txt")
		assert.Equal(t, exitIO, o.code)
		assert.Contains(t, o.stderr, "unexpected file kind")
	})
}

func TestProgressBar(t *testing.T) {
	var buf strings.Builder
	e := &env{lang: l10n.English}
	p := &progress{w: &buf, e: e, label: "validating", total: 1000, start: time.Now().Add(-2 * time.Second)}
	p.done.Store(500)
	p.draw(false)
	assert.Regexp(t, `^\rvalidating \[############\.{12}\]  50\.0% 2\d\d B/s ETA 00:0[1-3]$`, buf.String())
	buf.Reset()
	p.done.Store(1000)
	p.draw(true)
	assert.Contains(t, buf.String(), "100.0%")
	assert.Contains(t, buf.String(), "elapsed 00:02")

	var nilBar *progress // what startProgress returns when no bar is wanted
	r := strings.NewReader("data")
	assert.Same(t, io.Reader(r), nilBar.Reader(r))
	nilBar.Finish()
	assert.Nil(t, (&env{g: globals{progress: true, quiet: true}}).startProgress("x", 1), "--quiet wins")
}

// TestValidateEnforcesCode: C-MAKE-2 --code is the validating district,
// never a label: another district's school file or package is refused.
func TestValidateEnforcesCode(t *testing.T) {
	dir := t.TempDir()
	writeCardData(t, filepath.Join(dir, "s.txt"), "01080001", 3)
	writeRareSchool(t, dir, "01080001", 3, 1)
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"C-MAKE-2 district 0108 takes its school", []string{"validate", "--code", "0108", "s.txt"}, exitOK},
		{"C-MAKE-2 district 0105 refuses 0108's school file", []string{"validate", "--code", "0105", "s.txt"}, exitInvalid},
		{"C-MAKE-2 district 0105 refuses 0108's school package", []string{"validate", "--code", "0105", "01080001.zip"}, exitInvalid},
		{"C-MAKE-3 the city refuses a school file", []string{"validate", "--level", "city", "s.txt"}, exitInvalid},
		{"C-MAKE-2 --sender outside --code", []string{"validate", "--code", "0105", "--sender", "01080001", "s.txt"}, exitUsage},
		{"C-MAKE-2 --code not a district", []string{"validate", "--code", "01080001", "s.txt"}, exitUsage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := exe(t, dir, append(append([]string{"--lang", "en", "--json"}, tc.args...), "--force")...)
			require.Equal(t, tc.code, o.code, "%s %s", o.stdout, o.stderr)
			if tc.code == exitInvalid {
				r := resultOf(t, jsonOut(t, o))
				errs := r["errors"].([]any)
				require.NotEmpty(t, errs)
				assert.Equal(t, "SENDER", errs[0].(map[string]any)["reason"])
				assert.EqualValues(t, 1, errs[0].(map[string]any)["line"], "the header line is named")
			}
		})
	}
}
