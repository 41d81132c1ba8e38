package cmis_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/cmis"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/studentid"
)

// checkResult states what holds for every import, whatever the input.
func checkResult(t *testing.T, res *cmis.Result, err error) {
	require.NotNil(t, res)
	if err != nil {
		// A refused file renders in both languages.
		assert.NotEmpty(t, l10n.Error(err, l10n.Chinese))
		assert.NotEmpty(t, err.Error())
		return
	}
	s := res.Summary
	assert.Equal(t, s.Rows, s.Good+s.Bad)
	assert.Len(t, res.Records, s.Good)
	assert.LessOrEqual(t, s.Bad, len(res.Errors))
	prev := res.HeaderRow
	for _, e := range res.Errors {
		assert.GreaterOrEqual(t, e.Row, prev, "errors in row order")
		prev = e.Row
		assert.NotEmpty(t, l10n.Error(e, l10n.Chinese))
	}
	for _, r := range res.Records {
		assert.Greater(t, r.Row, res.HeaderRow)
		id, err := studentid.Parse(r.Card.RegistryNo.String())
		assert.NoError(t, err)
		assert.Equal(t, r.ID, id)
		rid, err := studentid.ParseResidentID(r.Card.ResidentID)
		assert.NoError(t, err)
		assert.Equal(t, r.Card.BirthDate, rid.BirthDate().Format("20060102"), "§2: birth date agrees")
		assert.Equal(t, rid.Sex(), r.Card.Gender, "§2: gender agrees")
		assert.NotEmpty(t, r.Card.Name)
		assert.NotEmpty(t, r.Card.SchoolName)
	}
}

// reexport writes good records back as a UTF-8 CSV export.
func reexport(t *testing.T, recs []cmis.Record) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	require.NoError(t, w.Write([]string{"学校名称", "姓名", "性别", "学籍号", "身份证号", "出生日期", "照片文件名", "班号", "入学年月", "行政区划代码", "出生地行政区划代码", "民族"}))
	for _, r := range recs {
		c := r.Card
		require.NoError(t, w.Write([]string{c.SchoolName, c.Name, strconv.Itoa(int(c.Gender)), c.RegistryNo.String(), c.ResidentID, c.BirthDate,
			r.Photo, r.ClassNumber, r.EntryMonth, r.DivisionCode, r.BirthplaceCode, r.Ethnicity}))
	}
	w.Flush()
	require.NoError(t, w.Error())
	return buf.Bytes()
}

// FuzzImportCSV: no input makes the CSV importer panic; what it accepts
// obeys the checks, and good records exported again import to themselves.
func FuzzImportCSV(f *testing.F) {
	f.Add([]byte(exportCSV), uint8(0))
	f.Add([]byte("\xEF\xBB\xBF"+exportCSV), uint8(1))
	if gb, err := os.ReadFile(filepath.Join("testdata", "example.csv")); err == nil {
		f.Add(gb, uint8(0))
		f.Add(gb, uint8(2))
	}
	f.Add([]byte("标题\n学校名称,姓名\n\"a,b\",\"c\"\"d\"\n"), uint8(0))
	f.Add([]byte("学校名称\t姓名\t性别\t学籍号\t身份证号\t出生日期\n校\t张三\t男\t0105000103001014\t110104201801010004\t20180101\n"), uint8(0))
	f.Add([]byte("姓名,学籍号\n\"unterminated\n"), uint8(1))
	f.Add([]byte("school_name,name,gender,registry_no,resident_id,birth_date\nS,N,1,=\"0105000103001022\",110109201801010014,20180101\n"), uint8(0))
	f.Add([]byte("\xFF\xFE\x00"), uint8(0))
	f.Add([]byte(""), uint8(0))
	encs := []cmis.Encoding{cmis.EncodingAuto, cmis.EncodingUTF8, cmis.EncodingGB18030}
	f.Fuzz(func(t *testing.T, data []byte, enc uint8) {
		im := cmis.Importer{Encoding: encs[int(enc)%len(encs)]}
		res, err := im.Import(context.Background(), bytes.NewReader(data), "fuzz.csv")
		checkResult(t, res, err)
		if err != nil || len(res.Records) == 0 {
			return
		}
		again, err := cmis.Import(context.Background(), bytes.NewReader(reexport(t, res.Records)), "again.csv")
		require.NoError(t, err)
		require.Empty(t, again.Errors, "%v", again.Err())
		require.Len(t, again.Records, len(res.Records))
		for i, r := range again.Records {
			want := res.Records[i]
			want.Row = i + 2
			assert.Equal(t, want, r)
		}
	})
}

// FuzzImportXLSX: a damaged workbook is an error, never a panic or a hang.
func FuzzImportXLSX(f *testing.F) {
	if x, err := os.ReadFile(filepath.Join("testdata", "example.xlsx")); err == nil {
		f.Add(x)
	}
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := cmis.Import(context.Background(), bytes.NewReader(data), "fuzz.xlsx")
		checkResult(t, res, err)
	})
}

// FuzzXLSXParts: the sheet and shared-string XML of a workbook, which the
// package's own scanner reads, may hold anything: an error, never a panic
// or a hang (the zip around them is valid, so the fuzzer reaches the XML).
func FuzzXLSXParts(f *testing.F) {
	base := xlsxOf(f, sheet(f, 3))
	zr, err := zip.NewReader(bytes.NewReader(base), int64(len(base)))
	require.NoError(f, err)
	part := func(name string) []byte {
		for _, e := range zr.File {
			if e.Name == name {
				r, err := e.Open()
				require.NoError(f, err)
				b, err := io.ReadAll(r)
				require.NoError(f, err)
				return b
			}
		}
		f.Fatalf("no part %s", name)
		return nil
	}
	sheetXML, sstXML := part("xl/worksheets/sheet1.xml"), part("xl/sharedStrings.xml")
	f.Add(sheetXML, sstXML)
	f.Add([]byte(`<worksheet><sheetData><row r="2"><c r="B2" t="s"><v>99</v></c><c><f>A1</f></c></row><row r="1"/></sheetData></worksheet>`), sstXML)
	f.Add(sheetXML, []byte(`<sst><si><r><t>a&amp;</t></r><rPh><t>b</t></rPh></si><si/><si><t>_x000D_&#x20087;</t></si></sst>`))
	f.Add([]byte(`<!-- > --><?x?><c r="ZZZZ1"`), []byte(`&bogus;`))
	f.Fuzz(func(t *testing.T, sheetPart, sstPart []byte) {
		data := rewritePart(t, base, "xl/worksheets/sheet1.xml", func([]byte) []byte { return sheetPart })
		data = rewritePart(t, data, "xl/sharedStrings.xml", func([]byte) []byte { return sstPart })
		res, err := cmis.Import(context.Background(), bytes.NewReader(data), "fuzz.xlsx")
		checkResult(t, res, err)
	})
}
