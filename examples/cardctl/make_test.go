package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/bjedu/studentcard/adapters/cmis/cmistest"
	"github.com/bjedu/studentcard/batch/batchtest"
)

const makeSchool = "01080001"

// exportRows is a CMIS export of n students of makeSchool: the header and
// one row per student, as CMIS names the columns.
func exportRows(t *testing.T, n int) [][]string {
	t.Helper()
	rows := [][]string{{"学校名称", "姓名", "性别", "学籍号", "身份证号", "出生日期", "民族"}}
	for i := 0; i < n; i++ {
		r, err := batchtest.Record(makeSchool, "北京市测试学校", i, 3)
		require.NoError(t, err)
		rows = append(rows, []string{r.SchoolName, r.Name, map[bool]string{true: "男", false: "女"}[r.Gender == 1], r.RegistryNo.String(), r.ResidentID, r.BirthDate, "汉族"})
	}
	return rows
}

func writeXLSX(t *testing.T, path string, rows [][]string) {
	t.Helper()
	data, err := cmistest.XLSX(rows)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, data, 0o644))
}

// writePhotos writes each student's photo as DIR/<registry number>.jpg.
func writePhotos(t *testing.T, dir string, rows [][]string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(dir, 0o755))
	for i, r := range rows[1:] {
		jpeg, err := batchtest.Photo(uint64(i))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, r[3]+".jpg"), jpeg, 0o644))
	}
}

// TestMake runs the built binary on CMIS exports: the school's own step.
func TestMake(t *testing.T) {
	dir := t.TempDir()
	rows := exportRows(t, 30)
	writeXLSX(t, filepath.Join(dir, "export.xlsx"), rows)
	writePhotos(t, filepath.Join(dir, "photos"), rows)

	t.Run("C-MAKE-1/xlsx export: the data file, which the district accepts", func(t *testing.T) {
		o := exe(t, dir, "make", "--school", makeSchool, "-o", "carddata.txt", "export.xlsx")
		require.Equal(t, exitOK, o.code, o.stderr+o.stdout)
		assert.Contains(t, o.stdout, "export.xlsx：30 条记录已写入 carddata.txt（C-MAKE-1）")
		v := exe(t, dir, "validate", "--code", "0108", "--sender", makeSchool, "carddata.txt")
		require.Equal(t, exitOK, v.code, v.stdout+v.stderr)
		assert.Contains(t, v.stdout, "全部通过：接收")
	})
	t.Run("C-MAKE-1/with --photos: the package with photos named by registry number", func(t *testing.T) {
		o := exe(t, dir, "make", "--school", makeSchool, "--photos", "photos", "-o", "pkg.zip", "export.xlsx")
		require.Equal(t, exitOK, o.code, o.stderr+o.stdout)
		assert.Contains(t, o.stdout, "30 条记录和 30 张照片已写入 pkg.zip")
		v := exe(t, dir, "--json", "validate", "--code", "0108", "pkg.zip")
		require.Equal(t, exitOK, v.code, v.stdout+v.stderr)
		r := resultOf(t, jsonOut(t, v))
		assert.Equal(t, true, r["accepted"])
		assert.EqualValues(t, 30, r["photos"])
	})
	t.Run("C-MAKE-1/GB18030 CSV with CR line ends (Excel for Mac)", func(t *testing.T) {
		var b bytes.Buffer
		for _, r := range rows {
			for j, v := range r {
				if j > 0 {
					b.WriteByte(',')
				}
				b.WriteString(v)
			}
			b.WriteByte('\r')
		}
		gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes(b.Bytes())
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "export.csv"), gb, 0o644))
		o := exe(t, dir, "make", "--school", makeSchool, "-o", "fromcsv.txt", "export.csv")
		require.Equal(t, exitOK, o.code, o.stderr+o.stdout)
		assert.Contains(t, o.stdout, "30 条记录已写入 fromcsv.txt")
	})
	t.Run("C-3/every bad cell listed with row, column and value; nothing written; exit 1", func(t *testing.T) {
		bad := exportRows(t, 30)
		bad[3][5] = "1/3/2018" // row 4: a date with the year last
		bad[6][1] = "王\u200b明" // row 7: a zero-width space
		bad[9][3] = bad[2][3]  // row 10: registry number of row 3 again
		other, err := batchtest.Record("01080002", "北京市测试学校", 40, 3)
		require.NoError(t, err)
		bad[12][3], bad[12][4], bad[12][5] = other.RegistryNo.String(), other.ResidentID, other.BirthDate // row 13: another school
		bad[12][2] = map[bool]string{true: "男", false: "女"}[other.Gender == 1]
		data, err := cmistest.Workbook{Sheets: []cmistest.Sheet{cmistest.TextSheet("学生", bad)}}.Bytes()
		require.NoError(t, err)
		// row 16: the resident ID typed as a number
		require.NoError(t, os.WriteFile(filepath.Join(dir, "bad.xlsx"), data, 0o644))
		sheet := cmistest.TextSheet("学生", bad)
		sheet.Rows[15][4] = cmistest.Cell{V: bad[15][4]}
		data, err = cmistest.Workbook{Sheets: []cmistest.Sheet{sheet}}.Bytes()
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "bad.xlsx"), data, 0o644))

		o := exe(t, dir, "make", "--school", makeSchool, "-o", "never.txt", "bad.xlsx")
		require.Equal(t, exitInvalid, o.code, o.stderr+o.stdout)
		for _, want := range []string{
			"bad.xlsx 工作表“学生” 第4行 F列（出生日期）“1/3/2018”",
			"第7行 B列（姓名）“王\u200b明”：含姓名中不允许的字符：第2个字符\"\\u200b\"（U+200B）",
			"第10行 D列（学籍号）“" + bad[9][3] + "”：文件内重复：与第3行重复",
			"第13行 D列（学籍号）“" + other.RegistryNo.String() + "”：学籍号属于其他学校：第1-8位为01080002，本校为01080001",
			"第16行 E列（身份证号）“" + bad[15][4] + "”：身份证号无效：Excel把它存成了数字",
			"bad.xlsx：30 行，5 处有误：未写出任何文件",
		} {
			assert.Contains(t, o.stdout, want)
		}
		assert.Contains(t, o.stderr, "导出文件有误：请在学籍系统中改正后重新导出（C-3）；未写出任何文件")
		assert.NoFileExists(t, filepath.Join(dir, "never.txt"))
		left, err := filepath.Glob(filepath.Join(dir, ".cardctl-make-*"))
		require.NoError(t, err)
		assert.Empty(t, left, "no temporary file is left")

		j := exe(t, dir, "--json", "--lang", "en", "make", "--school", makeSchool, "-o", "never.txt", "bad.xlsx")
		require.Equal(t, exitInvalid, j.code)
		r := resultOf(t, jsonOut(t, j))
		errs, ok := r["errors"].([]any)
		require.True(t, ok)
		require.Len(t, errs, 5)
		first := errs[0].(map[string]any)
		assert.EqualValues(t, 4, first["row"])
		assert.Equal(t, "F", first["column"])
		assert.Equal(t, "1/3/2018", first["value"])
		assert.Contains(t, first["message"], "write it as YYYYMMDD")
	})
	t.Run("C-4/a name the district would refuse without a description is listed at the school", func(t *testing.T) {
		rare := exportRows(t, 3)
		rare[2][1] = "王䶮"
		writeXLSX(t, filepath.Join(dir, "rare.xlsx"), rare)
		o := exe(t, dir, "make", "--school", makeSchool, "-o", "rare.txt", "rare.xlsx")
		require.Equal(t, exitInvalid, o.code, o.stdout)
		assert.Contains(t, o.stdout, "（导出文件第3行）：请向区里报送生僻字说明（C-4）")
		assert.NoFileExists(t, filepath.Join(dir, "rare.txt"))
	})
	t.Run("C-2/a missing photo is listed against its row", func(t *testing.T) {
		require.NoError(t, os.Remove(filepath.Join(dir, "photos", rows[5][3]+".jpg")))
		o := exe(t, dir, "make", "--school", makeSchool, "--photos", "photos", "-o", "pkg2.zip", "export.xlsx")
		require.Equal(t, exitInvalid, o.code, o.stdout)
		assert.Contains(t, o.stdout, "第6行 D列（学籍号）“"+rows[5][3]+"”：没有以学籍号命名的照片")
		assert.NoFileExists(t, filepath.Join(dir, "pkg2.zip"))
	})
	t.Run("C-MAKE-1/progress on long files", func(t *testing.T) {
		o := exe(t, dir, "--progress", "make", "--school", makeSchool, "-o", "p.txt", "export.xlsx")
		require.Equal(t, exitOK, o.code, o.stderr)
		assert.Contains(t, o.stderr, "读取导出文件")
	})
	t.Run("usage errors", func(t *testing.T) {
		for _, args := range [][]string{
			{"make", "-o", "x.txt", "export.xlsx"},
			{"make", "--school", "0108", "-o", "x.txt", "export.xlsx"},
			{"make", "--school", makeSchool, "export.xlsx"},
			{"make", "--school", makeSchool, "-o", "x.txt"},
		} {
			assert.Equal(t, exitUsage, exe(t, dir, args...).code, "%v", args)
		}
		o := exe(t, dir, "make", "--school", makeSchool, "-o", "x.txt", "missing.xlsx")
		assert.Equal(t, exitIO, o.code)
	})
}
