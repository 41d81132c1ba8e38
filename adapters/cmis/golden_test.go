package cmis_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/adapters/cmis"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/studentid"
)

var update = flag.Bool("update", false, "rewrite the files in testdata")

// exampleRows is the export of testdata/example.xlsx and example.csv: a
// title row, a header in CMIS order with a transient column and an address
// the importer ignores, good rows and rows that show every kind of cell
// problem.
func exampleRows() [][]string {
	h := []string{"学校名称", "姓名", "性别", "学籍号", "身份证号", "出生日期", "照片文件名", "班号", "入学年月", "行政区划代码", "出生地行政区划代码", "民族", "是否借读", "家庭住址"}
	s := "北京市东城区和平里小学"
	return [][]string{
		{"北京市东城区和平里小学 2024级学生名册（CMIS导出）"},
		h,
		{s, "吴轩梓", "女", "0105000103001014", "110104201801010004", "20180101", "0105000103001014.jpg", "2024101", "202409", "110104000000", "110104000000", "汉族", "否", "北京市东城区和平里北街1号"},
		{s, "徐琪秀", "男", "０１０５０００１０３００１０２２", "110109201801010014", "20180101", "0105000103001022.jpg", "2024101", "202409", "110109000000", "110109000000", "回族", "否", ""},
		{s, "廖诺涛", "未知", "0105000123001016", "110101201801010021", "2018-01-01", "", "202411", "2024.9", "110101", "991010000000", "汉族", "是", ""},
		{s, "", "男", "0105000103001064", "110103201801010032", "20180230", "", "2024001", "202413", "110103001000", "", "满族", "也许", ""},
		{"", "孟悦凯", "男", "1.05000103001047E+14", "1.10103201801010E+17", "18991231", "", "2024100", "189909", "11010A000000", "", "汉族", "否", ""},
		{s, "赵子涵", "男", "0105000103001055", "110101201801010048", "20180102", "", "2023101", "202409", "110101000000", "", "汉族", "是", ""},
		{s, "Zhang晓", "女", "0105000143101093", "110101201305170229", "20130517", "", "2024101", "202409", "110101000000", "", "汉族", "是", ""},
	}
}

func TestExampleFiles(t *testing.T) {
	xlsxPath, csvPath := filepath.Join("testdata", "example.xlsx"), filepath.Join("testdata", "example.csv")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(xlsxPath, xlsxOf(t, exampleRows()), 0o644))
		require.NoError(t, os.WriteFile(csvPath, gb18030Of(t, exampleRows()), 0o644))
	}
	var outs []string
	for _, path := range []string{xlsxPath, csvPath} {
		f, err := os.Open(path)
		require.NoError(t, err)
		res, err := cmis.Importer{Scheme: studentid.MOD11_10}.Import(context.Background(), f, "example")
		require.NoError(t, f.Close())
		require.NoError(t, err)
		assert.Equal(t, 2, res.HeaderRow)
		assert.Equal(t, cmis.Summary{Rows: 7, Good: 3, Bad: 4, Warned: 2}, res.Summary, path)
		var out strings.Builder
		for _, tag := range []language.Tag{l10n.Chinese, l10n.English} {
			for _, e := range res.Errors {
				out.WriteString(l10n.Error(e, tag) + "\n")
			}
			for _, w := range res.Warnings {
				out.WriteString("W " + l10n.Error(w, tag) + "\n")
			}
		}
		outs = append(outs, out.String())
	}
	noSheet := strings.NewReplacer("工作表“Sheet1” ", "", ", sheet Sheet1", "")
	assert.Equal(t, noSheet.Replace(outs[0]), outs[1], "xlsx and GB18030 CSV read the same")
	golden := filepath.Join("testdata", "example.errors.txt")
	if *update {
		require.NoError(t, os.WriteFile(golden, []byte(outs[0]), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), outs[0])
}

// TestEverySentinel: the example export produces every cell sentinel.
func TestEverySentinel(t *testing.T) {
	res, err := cmis.Importer{Scheme: studentid.MOD11_10}.Import(context.Background(), bytes.NewReader(xlsxOf(t, exampleRows())), "example.xlsx")
	require.NoError(t, err)
	all := append(cmis.Errors{}, res.Errors...)
	all = append(all, res.Warnings...)
	for _, s := range []error{cmis.ErrRequired, cmis.ErrDate, cmis.ErrDivisionCode, cmis.ErrClassNumber, cmis.ErrEntryMonth,
		cmis.ErrGender, cmis.ErrRegistryNumber, cmis.ErrResidentID, cmis.ErrInconsistent, cmis.ErrTransientFlag, cmis.ErrLatinName} {
		assert.ErrorIs(t, all, s)
	}
}
