package cmis_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/bjedu/studentcard/adapters/cmis"
	"github.com/bjedu/studentcard/batch/batchtest"
)

// The school of the fixtures: Beijing (01), district 05, primary (0), 001.
const (
	school     = "01050001"
	schoolName = "北京市东城区和平里小学"
)

// header is the header of a CMIS export as the fixtures write it: the C-1
// fields, then the P-4 collected fields, then a column the importer does
// not know.
var header = []string{"学校名称", "姓名", "性别", "学籍号", "身份证号", "出生日期", "照片文件名", "班号", "入学年月", "行政区划代码", "民族", "家庭住址"}

// Column letters of the header above.
const (
	colSchool   = "A"
	colName     = "B"
	colGender   = "C"
	colRegistry = "D"
	colResident = "E"
	colBirth    = "F"
	colPhoto    = "G"
	colClass    = "H"
	colEntry    = "I"
	colDivision = "J"
	colEthnic   = "K"
)

// student returns the i-th generated student (batchtest, valid and
// consistent) as a row under header.
func student(t testing.TB, i int) []string {
	t.Helper()
	r, err := batchtest.Record(school, schoolName, i, 7)
	require.NoError(t, err)
	gender := "男"
	if r.Gender == 2 {
		gender = "女"
	}
	class := strconv.Itoa(2024) + "1" + fmt.Sprintf("%02d", i%9+1)
	return []string{r.SchoolName, r.Name, gender, r.RegistryNo.String(), r.ResidentID, r.BirthDate,
		r.RegistryNo.String() + ".jpg", class, "202409", r.ResidentID[:6] + "000000", "汉族", "北京市东城区和平里北街1号"}
}

// sheet is a header and n generated students.
func sheet(t testing.TB, n int) [][]string {
	t.Helper()
	rows := [][]string{slices.Clone(header)}
	for i := 0; i < n; i++ {
		rows = append(rows, student(t, i))
	}
	return rows
}

// xlsxOf writes rows as shared-string cells of the first sheet of a new
// workbook, starting at row 1 (a nil row is left out, as Excel does).
func xlsxOf(t testing.TB, rows [][]string) []byte {
	t.Helper()
	return xb{Sheets: []xs{textSheet("Sheet1", rows)}}.bytes(t)
}

// csvOf writes rows as UTF-8 CSV (CRLF, as Excel saves it).
func csvOf(t testing.TB, rows [][]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	require.NoError(t, w.WriteAll(rows))
	return buf.Bytes()
}

// gb18030Of writes rows as GB18030 CSV.
func gb18030Of(t testing.TB, rows [][]string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes(csvOf(t, rows))
	require.NoError(t, err)
	return b
}

// formats are the three ways a test imports the same rows.
var formats = []struct {
	name   string
	encode func(testing.TB, [][]string) []byte
}{
	{"xlsx", xlsxOf},
	{"csv-utf8", csvOf},
	{"csv-gb18030", gb18030Of},
}

// errorsOf lists the sentinel-free essentials of errs: row, column, header.
func where(errs []*cmis.CellError) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = fmt.Sprintf("%d%s %s", e.Row, e.Column, e.Header)
	}
	return out
}

// gbBytes encodes s in GB18030.
func gbBytes(s string) ([]byte, error) {
	return simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
}

// zipOf is a zip archive holding one file: a zip that is no workbook.
func zipOf(t testing.TB, name, content string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create(name)
	require.NoError(t, err)
	_, err = w.Write([]byte(content))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}
