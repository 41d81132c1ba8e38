package cmis_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/cmis"
	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/l10n"
)

// The tests of this file read files made the way real tools make them: by
// openpyxl (testdata/openpyxl.xlsx, see make_openpyxl.py), by iconv, and by
// the tests' own xlsx writer where a test needs one exact cell type.

// problems renders the errors and warnings of an import in Chinese, one a
// line, warnings marked W.
func problems(res *cmis.Result) []string {
	var out []string
	for _, e := range res.Errors {
		out = append(out, l10n.Error(e, l10n.Chinese))
	}
	for _, w := range res.Warnings {
		out = append(out, "W "+l10n.Error(w, l10n.Chinese))
	}
	return out
}

// TestOpenpyxlExport reads a workbook openpyxl wrote: a hidden dropdown
// sheet first, a numeric resident ID (number format "0"), a numeric
// registry number, a formula without a cached value, a date cell, written
// dates, a guardian's ID column and duplicates.
func TestOpenpyxlExport(t *testing.T) {
	f, err := os.Open("testdata/openpyxl.xlsx")
	require.NoError(t, err)
	defer f.Close()
	res, err := cmis.Import(context.Background(), f, "学生.xlsx")
	require.NoError(t, err)
	assert.Equal(t, "学生信息", res.Sheet, "the hidden dropdown sheet is passed over")
	assert.Equal(t, []string{"下拉选项", "学生信息"}, res.Sheets)
	for _, c := range res.Columns {
		assert.NotEqual(t, "H", c.Column, "P-4 身份证号（父亲） is a guardian's column, not the student's")
	}
	assert.Equal(t, []string{
		"学生.xlsx 工作表“学生信息” 第3行 E列（身份证号）“1.1011420180101e+17”：身份证号无效：Excel把它存成了数字并丢失了位数：请把该列设为文本格式",
		"学生.xlsx 工作表“学生信息” 第4行 D列（学籍号）“105000103001039”：学籍号无效：Excel把它存成了数字并丢失了位数：请把该列设为文本格式",
		"学生.xlsx 工作表“学生信息” 第5行 B列（姓名）：公式没有计算结果：请用Excel或WPS打开该文件后重新保存",
		"学生.xlsx 工作表“学生信息” 第7行 D列（学籍号）“0105000103001014”：文件内重复：与第2行重复",
		"学生.xlsx 工作表“学生信息” 第8行 E列（身份证号）“110102201801010036”：文件内重复：与第5行重复",
	}, problems(res))
	require.Len(t, res.Records, 2)
	assert.Equal(t, "20180101", res.Records[0].Card.BirthDate, "P-4 a date cell is the date Excel shows")
	assert.Equal(t, 6, res.Records[1].Row)
	assert.Equal(t, "20180101", res.Records[1].Card.BirthDate, "P-4 2018/1/1 is converted")
	assert.Equal(t, "202409", res.Records[1].EntryMonth, "P-4 2024-09 is converted")
}

// TestNumericIDCells: C-1 — a number in an ID or registry-number column is
// refused whatever its format and even when its digits would pass the check
// character: Excel keeps 15 significant digits, so the cell is a rounded
// number, never the ID that was typed.
func TestNumericIDCells(t *testing.T) {
	rows := sheet(t, 3)
	valid := rows[1][4] // a valid resident ID: as a number it must still be refused
	book := func(col int, v string, style int) []byte {
		s := textSheet("Sheet1", rows)
		s.Rows[1][col] = xc{V: v, S: style}
		return xb{Sheets: []xs{s}, Xfs: []int{0, 1, 49}}.bytes(t)
	}
	for _, tc := range []struct {
		name  string
		col   int
		v     string
		style int
		want  error
	}{
		{"C-1/resident ID, number format 0", 4, "110108201506234000", 1, cmis.ErrResidentID},
		{"C-1/resident ID whose digits pass the check", 4, valid, 1, cmis.ErrResidentID},
		{"C-1/resident ID in scientific notation", 4, "1.10108201506234E+17", 0, cmis.ErrResidentID},
		{"C-1/registry number, leading 0 gone", 3, "105000103001014", 0, cmis.ErrRegistryNumber},
		{"C-1/registry number as a number in a text-formatted cell", 3, "105000103001014", 2, cmis.ErrRegistryNumber},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := importBytes(t, cmis.Importer{}, book(tc.col, tc.v, tc.style), "s.xlsx")
			require.Len(t, res.Errors, 1)
			assert.ErrorIs(t, res.Errors[0], tc.want)
			assert.True(t, errors.Is(res.Errors[0], batch.ErrResidentID) || errors.Is(res.Errors[0], batch.ErrRegistryNo), "batch's sentinel")
			assert.Equal(t, tc.v, res.Errors[0].Value, "the value is shown as stored, never re-formatted")
			assert.Contains(t, l10n.Error(res.Errors[0], l10n.Chinese), "Excel把它存成了数字")
			assert.Len(t, res.Records, 2)
		})
	}
	t.Run("C-1/CSV: 18 digits ending in 000 is what Excel saved for a number", func(t *testing.T) {
		rows := sheet(t, 3)
		rows[1][4] = "110115201801010000" // 110115201801010003 rounded: check character 0, want 3
		rows[3][4] = "110105201801010000" // 110105201801010027 rounded, and its check character passes
		res := importBytes(t, cmis.Importer{}, csvOf(t, rows), "s.csv")
		require.Len(t, res.Errors, 1)
		assert.ErrorIs(t, res.Errors[0], cmis.ErrResidentID)
		assert.Contains(t, l10n.Error(res.Errors[0], l10n.Chinese), "Excel把它存成了数字", "not 'check character is 0, want 3'")
		require.Len(t, res.Warnings, 1, "the one that passes is kept but flagged; the file is refused anyway")
		assert.ErrorIs(t, res.Warnings[0], cmis.ErrRoundedID)
		assert.Equal(t, 4, res.Warnings[0].Row)
	})
	t.Run("P-4/numbers in other digit columns are their exact digits", func(t *testing.T) {
		rows := sheet(t, 2)
		s := textSheet("Sheet1", rows)
		s.Rows[1][5] = xc{V: rows[1][5]}   // birth date 20xxxxxx, General
		s.Rows[1][7] = xc{V: "2.024101E6"} // class number as Excel may write it
		s.Rows[1][8] = xc{V: "202409"}
		s.Rows[1][9] = xc{V: rows[1][9]}
		res := importBytes(t, cmis.Importer{}, xb{Sheets: []xs{s}}.bytes(t), "s.xlsx")
		require.Empty(t, res.Errors, "%v", res.Err())
		assert.Equal(t, "2024101", res.Records[0].ClassNumber)
		assert.Equal(t, rows[1][9], res.Records[0].DivisionCode)
	})
}

// TestDateCells: P-4 — date-typed cells and the common written forms are
// converted when they name one day; otherwise the cell is refused saying
// what it holds.
func TestDateCells(t *testing.T) {
	rows := sheet(t, 2)
	birth := rows[1][5] // 20180101 for the fixture students
	require.Equal(t, "20180101", birth)
	const serial = "43101" // 2018-01-01 in the 1900 system
	styles := []int{0, 14, 164, 165, 166, 22, 21}
	fmts := map[int]string{164: "yyyymmdd", 165: `yyyy"年"m"月"d"日"`, 166: "[$-F800]dddd, mmmm dd, yyyy"}
	for _, tc := range []struct {
		name     string
		cell     xc
		date1904 bool
		want     string // the birth date read, "" when refused
		shown    string
	}{
		{name: "P-4/serial with built-in date format 14", cell: xc{V: serial, S: 1}, want: birth},
		{name: "P-4/serial with custom yyyymmdd", cell: xc{V: serial, S: 2}, want: birth},
		{name: "P-4/serial with yyyy年m月d日", cell: xc{V: serial, S: 3}, want: birth},
		{name: "P-4/serial with the system long date", cell: xc{V: serial, S: 4}, want: birth},
		{name: "P-4/serial with date and midnight time", cell: xc{V: serial, S: 5}, want: birth},
		{name: "P-4/serial in the 1904 system", cell: xc{V: "41639", S: 1}, date1904: true, want: birth},
		{name: "P-4/ISO date cell (t=d)", cell: xc{V: "2018-01-01T00:00:00", T: "d"}, want: birth},
		{name: "P-4/text 2018/1/1", cell: xc{V: "2018/1/1", T: "s"}, want: birth},
		{name: "P-4/text 2018-01-01", cell: xc{V: "2018-01-01", T: "s"}, want: birth},
		{name: "P-4/text 2018.1.1", cell: xc{V: "2018.1.1", T: "s"}, want: birth},
		{name: "P-4/text 2018年1月1日", cell: xc{V: "2018年1月1日", T: "s"}, want: birth},
		{name: "P-4/text with a midnight time", cell: xc{V: "2018/1/1 0:00", T: "s"}, want: birth},
		{name: "P-4/serial without a date format is what Excel shows", cell: xc{V: serial}, shown: serial},
		{name: "P-4/serial with a time of day", cell: xc{V: "43101.5", S: 5}, shown: "43101.5"},
		{name: "P-4/time-only format is no date", cell: xc{V: serial, S: 6}, shown: serial},
		{name: "P-4/year last is ambiguous", cell: xc{V: "1/1/2018", T: "s"}, shown: "1/1/2018"},
		{name: "P-4/1900-02-29 does not exist", cell: xc{V: "60", S: 1}, shown: "60"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := textSheet("Sheet1", rows)
			s.Rows[1][5] = tc.cell
			data := xb{Sheets: []xs{s}, Xfs: styles, NumFmts: fmts, Date1904: tc.date1904}.bytes(t)
			res := importBytes(t, cmis.Importer{}, data, "s.xlsx")
			if tc.want != "" {
				require.Empty(t, res.Errors, "%v", res.Err())
				assert.Equal(t, tc.want, res.Records[0].Card.BirthDate)
				return
			}
			require.Len(t, res.Errors, 1)
			assert.ErrorIs(t, res.Errors[0], cmis.ErrDate)
			assert.Equal(t, tc.shown, res.Errors[0].Value)
		})
	}
	t.Run("P-4/entry month as a date cell and written forms", func(t *testing.T) {
		for _, c := range []xc{{V: "45536", S: 1}, {V: "2024-09", T: "s"}, {V: "2024/9", T: "s"}, {V: "2024年9月", T: "s"}, {V: "2024-09-01", T: "s"}} {
			s := textSheet("Sheet1", rows)
			s.Rows[1][8] = c
			res := importBytes(t, cmis.Importer{}, xb{Sheets: []xs{s}, Xfs: styles, NumFmts: fmts}.bytes(t), "s.xlsx")
			require.Empty(t, res.Errors, "%+v: %v", c, res.Err())
			assert.Equal(t, "202409", res.Records[0].EntryMonth, "%+v", c)
		}
	})
}

// TestCellTypes: formulas, error values, booleans, inline and rich text,
// phonetic runs, prefixed element names and cells without references.
func TestCellTypes(t *testing.T) {
	rows := sheet(t, 3)
	t.Run("P-4/formula without a cached value is named as such", func(t *testing.T) {
		s := textSheet("Sheet1", rows)
		s.Rows[1][1] = xc{F: "CONCATENATE(\"王\",\"明\")", NoV: true}
		res := importBytes(t, cmis.Importer{}, xb{Sheets: []xs{s}}.bytes(t), "s.xlsx")
		require.Len(t, res.Errors, 1)
		assert.ErrorIs(t, res.Errors[0], cmis.ErrFormula)
		assert.NotErrorIs(t, res.Errors[0], cmis.ErrRequired)
	})
	t.Run("P-4/formula with a cached string is its value", func(t *testing.T) {
		s := textSheet("Sheet1", rows)
		s.Rows[1][1] = xc{F: "B3", V: "王明", T: "str"}
		res := importBytes(t, cmis.Importer{}, xb{Sheets: []xs{s}}.bytes(t), "s.xlsx")
		require.Empty(t, res.Errors)
		assert.Equal(t, "王明", res.Records[0].Card.Name)
	})
	t.Run("P-4/an Excel error value", func(t *testing.T) {
		s := textSheet("Sheet1", rows)
		s.Rows[1][3] = xc{F: "VLOOKUP(A2,Sheet2!A:B,2,0)", V: "#N/A", T: "e"}
		res := importBytes(t, cmis.Importer{}, xb{Sheets: []xs{s}}.bytes(t), "s.xlsx")
		require.Len(t, res.Errors, 1)
		assert.ErrorIs(t, res.Errors[0], cmis.ErrExcelError)
		assert.Contains(t, l10n.Error(res.Errors[0], l10n.Chinese), "Excel显示为#N/A")
	})
	t.Run("inline strings, no cell references, x: prefixes", func(t *testing.T) {
		s := textSheet("Sheet1", rows)
		for i := range s.Rows {
			for j := range s.Rows[i] {
				s.Rows[i][j].T, s.Rows[i][j].NoRef = "inlineStr", true
			}
		}
		data := xb{Sheets: []xs{s}}.bytes(t)
		data = rewritePart(t, data, "xl/worksheets/sheet1.xml", func(b []byte) []byte {
			b = bytes.ReplaceAll(b, []byte("<"), []byte("<x:"))
			b = bytes.ReplaceAll(b, []byte("<x:/"), []byte("</x:"))
			b = bytes.ReplaceAll(b, []byte("<x:?xml"), []byte("<?xml"))
			return bytes.Replace(b, []byte(`xmlns=`), []byte(`xmlns:x=`), 1)
		})
		res := importBytes(t, cmis.Importer{}, data, "s.xlsx")
		require.Empty(t, res.Errors, "%v", res.Err())
		assert.Len(t, res.Records, 3)
		assert.Equal(t, rows[2][1], res.Records[1].Card.Name)
	})
	t.Run("rich text and phonetic runs in shared strings", func(t *testing.T) {
		data := xlsxOf(t, rows)
		data = rewritePart(t, data, "xl/sharedStrings.xml", func(b []byte) []byte {
			name := rows[1][1]
			old := `<si><t xml:space="preserve">` + name + `</t></si>`
			require.Contains(t, string(b), old)
			r := []rune(name)
			rich := `<si><r><rPr><b/></rPr><t>` + string(r[:1]) + `</t></r><r><t>` + string(r[1:]) + `</t></r><rPh sb="0" eb="1"><t>ワン</t></rPh></si>`
			return bytes.Replace(b, []byte(old), []byte(rich), 1)
		})
		res := importBytes(t, cmis.Importer{}, data, "s.xlsx")
		require.Empty(t, res.Errors)
		assert.Equal(t, rows[1][1], res.Records[0].Card.Name)
	})
	t.Run("_x000D_ escapes and entities", func(t *testing.T) {
		s := textSheet("Sheet1", rows)
		s.Rows[1][1] = xc{V: "王_x000D_明", T: "s"}
		res := importBytes(t, cmis.Importer{}, xb{Sheets: []xs{s}}.bytes(t), "s.xlsx")
		require.Len(t, res.Errors, 1)
		assert.ErrorIs(t, res.Errors[0], cmis.ErrCharacter, "the escape is a carriage return")
	})
}

// TestLineEnds: CSV lines end in LF, CRLF or a lone CR (Excel for Mac):
// the same rows come out of each.
func TestLineEnds(t *testing.T) {
	rows := sheet(t, 5)
	crlf := csvOf(t, rows)
	for _, tc := range []struct{ name, sep string }{{"CRLF", "\r\n"}, {"LF", "\n"}, {"CR (Excel for Mac)", "\r"}} {
		t.Run("P-4/"+tc.name, func(t *testing.T) {
			data := bytes.ReplaceAll(crlf, []byte("\r\n"), []byte(tc.sep))
			res := importBytes(t, cmis.Importer{}, data, "s.csv")
			require.Empty(t, res.Errors, "%v", res.Err())
			assert.Equal(t, cmis.Summary{Rows: 5, Good: 5}, res.Summary)
			assert.Equal(t, []int{2, 3, 4, 5, 6}, recordRows(res))
		})
	}
	t.Run("P-4/CR inside a quoted field and GB18030", func(t *testing.T) {
		r := rows[1][11]
		rows := sheet(t, 2)
		rows[1][11] = "北京市\r东城区"
		data := bytes.ReplaceAll(gb18030Of(t, rows), []byte("\r\n"), []byte("\r"))
		res := importBytes(t, cmis.Importer{}, data, "s.csv")
		require.Empty(t, res.Errors, "%v", res.Err())
		assert.Equal(t, []int{2, 3}, recordRows(res))
		_ = r
	})
}

// TestEmptyAndBrokenHeaders: a header without rows is an error, never a
// clean empty result; so is a header cell with a line break.
func TestEmptyAndBrokenHeaders(t *testing.T) {
	for _, f := range formats {
		t.Run("P-4/header only/"+f.name, func(t *testing.T) {
			res, err := cmis.Import(context.Background(), bytes.NewReader(f.encode(t, [][]string{header, {"", ""}})), "s")
			assert.ErrorIs(t, err, cmis.ErrNoRows)
			assert.Zero(t, res.Summary.Rows)
			assert.Contains(t, l10n.Error(err, l10n.Chinese), "只有表头")
		})
		t.Run("P-4/header cell with a line break/"+f.name, func(t *testing.T) {
			rows := sheet(t, 2)
			rows[0][5] = "出生\n日期"
			_, err := cmis.Import(context.Background(), bytes.NewReader(f.encode(t, rows)), "s")
			assert.ErrorIs(t, err, cmis.ErrHeaderLineBreak)
			var list cmis.Errors
			require.ErrorAs(t, err, &list)
			assert.Equal(t, "F", list[0].Column)
		})
	}
}

// TestEncodingDetection: one bad byte cannot flip a file's encoding, and
// an ASCII start does not decide it.
func TestEncodingDetection(t *testing.T) {
	rows := sheet(t, 30)
	t.Run("P-4/UTF-8 with one Latin-1 byte in an unused column", func(t *testing.T) {
		data := csvOf(t, rows)
		i := bytes.Index(data, []byte("北京市东城区和平里北街1号"))
		data = append(data[:i:i], append([]byte("caf\xe9 "), data[i:]...)...)
		res := importBytes(t, cmis.Importer{}, data, "s.csv")
		assert.Equal(t, cmis.EncodingUTF8, res.Encoding)
		assert.Empty(t, res.Errors)
		assert.Len(t, res.Records, 30)
	})
	t.Run("P-4/GB18030 after 64 KiB of ASCII", func(t *testing.T) {
		ascii := [][]string{header}
		for i := 0; i < 3000; i++ {
			ascii = append(ascii, nil)
		}
		var b bytes.Buffer
		b.Write(gb18030Of(t, [][]string{header}))
		for b.Len() < 100<<10 {
			b.WriteString(",,,,,,,,,,,,\r\n") // blank rows of an ASCII start
		}
		b.Write(gb18030Of(t, rows[1:]))
		res := importBytes(t, cmis.Importer{}, b.Bytes(), "s.csv")
		assert.Equal(t, cmis.EncodingGB18030, res.Encoding)
		require.Empty(t, res.Errors, "%v", res.Err())
		assert.Equal(t, rows[1][1], res.Records[0].Card.Name, "no mojibake")
	})
	t.Run("P-4/a stray 0x80 in GB18030 is an encoding error, not €", func(t *testing.T) {
		data := gb18030Of(t, rows)
		name, err := gbBytes(rows[1][1])
		require.NoError(t, err)
		bad := append(append(append([]byte{}, name[:2]...), 0x80), name[2:]...)
		data = bytes.Replace(data, name, bad, 1)
		res := importBytes(t, cmis.Importer{}, data, "s.csv")
		assert.Equal(t, cmis.EncodingGB18030, res.Encoding)
		require.Len(t, res.Errors, 1)
		assert.ErrorIs(t, res.Errors[0], cmis.ErrEncoding)
		assert.Equal(t, "B", res.Errors[0].Column)
	})
	t.Run("C-4/GB18030-2022 two-byte codes from iconv", func(t *testing.T) {
		data, err := os.ReadFile("testdata/gb18030-2022.csv")
		require.NoError(t, err)
		require.Contains(t, string(data), "\xfe\x51", "written by iconv with the 2022 mapping")
		res := importBytes(t, cmis.Importer{}, data, "s.csv")
		require.Empty(t, res.Errors, "%v", res.Err())
		assert.Equal(t, "张𠂇", res.Records[0].Card.Name)
	})
	t.Run("P-4/no header names the encoding tried", func(t *testing.T) {
		data, err := gbBytes("甲,乙\r\n1,2\r\n")
		require.NoError(t, err)
		_, err = cmis.Import(context.Background(), bytes.NewReader(data), "s.csv")
		assert.ErrorIs(t, err, cmis.ErrNoHeader)
		assert.Contains(t, err.Error(), "read as GB18030")
	})
}

// TestNameHygiene: names are composed (NFC), middle-dot variants become
// U+00B7, and characters no name holds are refused at the first import
// naming row, column, character and code; the length rule is the card's.
func TestNameHygiene(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		code           string // in the message when refused
	}{
		{name: "C-4/U+30FB middle dot folded", in: "阿依古丽\u30FB买买提", want: "阿依古丽·买买提"},
		{name: "C-4/U+2022 bullet folded", in: "阿依古丽\u2022买买提", want: "阿依古丽·买买提"},
		{name: "C-4/U+2027 hyphenation point folded", in: "阿依古丽\u2027买买提", want: "阿依古丽·买买提"},
		{name: "C-4/U+FF65 half-width middle dot folded", in: "阿依古丽\uFF65买买提", want: "阿依古丽·买买提"},
		{name: "C-4/NFD composed", in: "Lu\u0308 Wei", want: "Lü Wei"},
		{name: "C-4/16 GB2312 characters fill the card", in: "欧阳一二三四五六七八九十甲乙丙丁", want: "欧阳一二三四五六七八九十甲乙丙丁"},
		{name: "C-4/NBSP refused", in: "王\u00a0明", code: "U+00A0"},
		{name: "C-4/zero-width space refused", in: "王\u200b明", code: "U+200B"},
		{name: "C-4/emoji refused", in: "王明😀", code: "U+1F600"},
		{name: "C-4/private use refused", in: "王\ue000明", code: "U+E000"},
		{name: "C-4/line break inside refused", in: "王\n明", code: "U+000A"},
		{name: "C-4/17 GB2312 characters overflow the card's 32 bytes", in: "欧阳一二三四五六七八九十甲乙丙丁戊", code: "34字节"},
	} {
		for _, f := range formats {
			t.Run(tc.name+"/"+f.name, func(t *testing.T) {
				rows := sheet(t, 2)
				rows[1][1] = tc.in
				res := importBytes(t, cmis.Importer{}, f.encode(t, rows), "s")
				if tc.code == "" {
					require.Empty(t, res.Errors, "%v", res.Err())
					assert.Equal(t, tc.want, res.Records[0].Card.Name)
					return
				}
				require.Len(t, res.Errors, 1)
				e := res.Errors[0]
				assert.Equal(t, 2, e.Row)
				assert.Equal(t, "B", e.Column)
				if f.name == "csv-gb18030" && tc.code == "U+E000" {
					// GB18030's user-defined area does not decode: the
					// strict decoder refuses it as an encoding error.
					assert.ErrorIs(t, e, cmis.ErrEncoding)
					return
				}
				assert.Contains(t, l10n.Error(e, l10n.Chinese), tc.code)
			})
		}
	}
}

// TestHeaderMatching: a guardian's ID column is not the student's, format
// hints are still dropped.
func TestHeaderMatching(t *testing.T) {
	rows := sheet(t, 2)
	rows[0][4] = "身份证号（必填）"
	rows[0][5] = "出生日期(YYYYMMDD)"
	rows[0] = append(rows[0], "身份证号（父亲）", "监护人身份证号")
	for i := 1; i < len(rows); i++ {
		rows[i] = append(rows[i], "110101198001010015", "110101198001010015")
	}
	res := importBytes(t, cmis.Importer{}, xlsxOf(t, rows), "s.xlsx")
	require.Empty(t, res.Errors, "%v", res.Err())
	assert.Len(t, res.Records, 2)
	for _, c := range res.Columns {
		assert.NotContains(t, []string{"M", "N"}, c.Column)
	}
}

// TestIDTypes: P-7 — passports and other IDs are guided to the ID-type path.
func TestIDTypes(t *testing.T) {
	t.Run("P-7/ID type column says passport", func(t *testing.T) {
		rows := sheet(t, 2)
		rows[0] = append(rows[0], "身份证件类型")
		rows[1] = append(rows[1], "护照")
		rows[1][4] = "E12345678"
		rows[2] = append(rows[2], "居民身份证")
		res := importBytes(t, cmis.Importer{}, csvOf(t, rows), "s.csv")
		require.Len(t, res.Errors, 1, "%v", res.Err())
		assert.ErrorIs(t, res.Errors[0], cmis.ErrIDType)
		assert.Contains(t, l10n.Error(res.Errors[0], l10n.Chinese), "P-7")
		assert.Len(t, res.Records, 1)
	})
	t.Run("P-7/a passport number in the resident ID column", func(t *testing.T) {
		rows := sheet(t, 2)
		rows[1][4] = "E12345678"
		res := importBytes(t, cmis.Importer{}, csvOf(t, rows), "s.csv")
		require.Len(t, res.Errors, 1)
		assert.ErrorIs(t, res.Errors[0], cmis.ErrResidentID)
		assert.Contains(t, l10n.Error(res.Errors[0], l10n.Chinese), "证件类型")
	})
}

// TestDuplicatesAtSchool: C-MAKE-1 — the school's import finds a registry
// number or resident ID given twice, naming both rows.
func TestDuplicatesAtSchool(t *testing.T) {
	for _, f := range formats {
		t.Run("C-MAKE-1/"+f.name, func(t *testing.T) {
			rows := sheet(t, 5)
			rows[4][3] = rows[1][3]
			rows[5][4], rows[5][5], rows[5][2] = rows[2][4], rows[2][5], rows[2][2]
			res := importBytes(t, cmis.Importer{}, f.encode(t, rows), "s")
			require.Len(t, res.Errors, 2, "%v", res.Err())
			assert.Equal(t, []string{"5D 学籍号", "6E 身份证号"}, where(res.Errors))
			assert.ErrorIs(t, res.Errors[0], cmis.ErrDuplicate)
			assert.ErrorIs(t, res.Errors[0], batch.ErrDuplicate, "one sentinel per record rule, shared with the district's validator")
			assert.ErrorIs(t, res.Errors[1], batch.ErrDuplicate)
			assert.Contains(t, l10n.Error(res.Errors[0], l10n.Chinese), "与第2行重复")
			assert.Contains(t, l10n.Error(res.Errors[1], l10n.Chinese), "与第3行重复")
		})
	}
}

// TestNoTemporaryFiles: issue 11 — nothing is left in TMPDIR, whether the
// import succeeds or is refused.
func TestNoTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	_ = importBytes(t, cmis.Importer{}, xlsxOf(t, sheet(t, 50)), "s.xlsx")
	_, err := cmis.Import(context.Background(), bytes.NewReader(bigCellXLSX(t, 2<<20)), "s.xlsx")
	require.ErrorIs(t, err, cmis.ErrTooBig)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = cmis.Import(ctx, bytes.NewReader(xlsxOf(t, sheet(t, 50))), "s.xlsx")
	require.ErrorIs(t, err, context.Canceled)
	left, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, left)
}

// TestBounds: issue 11 — the xlsx bombs are refused with ErrTooBig.
func TestBounds(t *testing.T) {
	t.Run("one cell past MaxCellBytes", func(t *testing.T) {
		_, err := cmis.Import(context.Background(), bytes.NewReader(bigCellXLSX(t, 8<<20)), "s.xlsx")
		require.ErrorIs(t, err, cmis.ErrTooBig)
		assert.Contains(t, l10n.Error(err, l10n.Chinese), "单个单元格")
	})
	t.Run("more shared strings than MaxSharedStrings", func(t *testing.T) {
		_, err := cmis.Import(context.Background(), bytes.NewReader(manyStringsXLSX(t, cmis.MaxSharedStrings+1)), "s.xlsx")
		require.ErrorIs(t, err, cmis.ErrTooBig)
		assert.Contains(t, l10n.Error(err, l10n.Chinese), "共享字符串（个数）")
	})
	t.Run("unzip limit", func(t *testing.T) {
		data := xlsxOf(t, sheet(t, 2000))
		_, err := cmis.Importer{MaxUnzipBytes: 64 << 10}.Import(context.Background(), bytes.NewReader(data), "s.xlsx")
		require.ErrorIs(t, err, cmis.ErrTooBig)
		assert.Contains(t, l10n.Error(err, l10n.Chinese), "解压后")
	})
}

// bigCellXLSX is a small workbook whose one shared string unpacks to n
// bytes.
func bigCellXLSX(t testing.TB, n int) []byte {
	t.Helper()
	data := xlsxOf(t, [][]string{header, {"X"}})
	return rewritePart(t, data, "xl/sharedStrings.xml", func(b []byte) []byte {
		return bytes.Replace(b, []byte(">X<"), []byte(">"+strings.Repeat("a", n)+"<"), 1)
	})
}

// manyStringsXLSX is a workbook with n shared strings.
func manyStringsXLSX(t testing.TB, n int) []byte {
	t.Helper()
	data := xlsxOf(t, [][]string{header, {"X"}})
	return rewritePart(t, data, "xl/sharedStrings.xml", func(b []byte) []byte {
		return bytes.Replace(b, []byte("</sst>"), append(bytes.Repeat([]byte("<si><t>a</t></si>"), n), "</sst>"...), 1)
	})
}
