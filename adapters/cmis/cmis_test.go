package cmis_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/cmis"
	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/batch/batchtest"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/studentid"
)

func importBytes(t *testing.T, im cmis.Importer, data []byte, name string) *cmis.Result {
	t.Helper()
	res, err := im.Import(context.Background(), bytes.NewReader(data), name)
	require.NoError(t, err)
	require.NotNil(t, res)
	return res
}

func TestImportGoodRows(t *testing.T) {
	for _, f := range formats {
		t.Run("C-1/"+f.name, func(t *testing.T) {
			rows := sheet(t, 20)
			res := importBytes(t, cmis.Importer{}, f.encode(t, rows), "students."+f.name)
			require.Empty(t, res.Errors)
			assert.NoError(t, res.Err())
			assert.Empty(t, res.Warnings)
			assert.Equal(t, cmis.Summary{Rows: 20, Good: 20}, res.Summary)
			assert.Equal(t, 1, res.HeaderRow)
			require.Len(t, res.Records, 20)
			for i, rec := range res.Records {
				want, err := batchtest.Record(school, schoolName, i, 7)
				require.NoError(t, err)
				assert.Equal(t, want, rec.Card, "row %d", rec.Row)
				assert.Equal(t, i+2, rec.Row)
				assert.Equal(t, want.RegistryNo, rec.ID)
				assert.Equal(t, want.ResidentID, rec.ResidentID.String())
				assert.Equal(t, rows[i+1][6], rec.Photo)
				assert.Equal(t, rows[i+1][7], rec.ClassNumber)
				assert.Equal(t, "202409", rec.EntryMonth)
				assert.Equal(t, rows[i+1][9], rec.DivisionCode)
				assert.Equal(t, "汉族", rec.Ethnicity)
			}
			assert.Equal(t, res.CardRecords()[3], res.Records[3].Card)
			if f.name == "xlsx" {
				assert.Equal(t, cmis.FormatXLSX, res.Format)
				assert.Equal(t, cmis.EncodingAuto, res.Encoding)
			} else {
				assert.Equal(t, cmis.FormatCSV, res.Format)
			}
			// The mapped columns say where each field was read; the
			// unknown 家庭住址 column is ignored.
			assert.Contains(t, res.Columns, cmis.MappedColumn{Field: cmis.FieldBirthDate, Column: "F", Header: "出生日期"})
			assert.Len(t, res.Columns, 11)
		})
	}
}

// TestRecordsFlowIntoBatch: the imported records are batch's card-making
// records: written with batch's writer they pass the district validation
// (C-MAKE-1 → C-MAKE-2).
func TestRecordsFlowIntoBatch(t *testing.T) {
	res := importBytes(t, cmis.Importer{Scheme: studentid.MOD11_10}, xlsxOf(t, sheet(t, 30)), "students.xlsx")
	require.NoError(t, res.Err())
	var buf bytes.Buffer
	w, err := batch.CardData.NewWriter(&buf, "carddata.txt", batchtest.School(school, time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC)))
	require.NoError(t, err)
	for _, c := range res.CardRecords() {
		require.NoError(t, w.WriteRecord(c.Fields()))
	}
	require.NoError(t, w.Close())
	rep, err := batch.Validator{Level: studentid.LevelDistrict, Sender: school, Scheme: studentid.MOD11_10}.
		Validate(context.Background(), bytes.NewReader(buf.Bytes()), "carddata.txt")
	require.NoError(t, err)
	assert.Empty(t, rep.Errors)
	assert.True(t, rep.Accepted)
	assert.EqualValues(t, 30, rep.Records)
}

// fieldCase changes one cell of the first data row and expects one error
// (or none) there.
type fieldCase struct {
	name  string
	col   string // column letter of header
	value string
	im    cmis.Importer
	want  []error // every error the cell's CellError must match; nil: the row is good
}

func colIndex(letter string) int { return strings.IndexByte("ABCDEFGHIJKL", letter[0]) }

// TestFieldRules changes one cell of a good row per case and expects exactly
// one error there (or none), in xlsx and both CSV encodings.
func TestFieldRules(t *testing.T) {
	seniorInPrimary := "0105000123001016" // digit 5 = 0 primary, digit 9 = 2 senior
	today := func() time.Time { return time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) }
	cases := []fieldCase{
		{name: "P-4/date with dashes on no calendar day", col: colBirth, value: "2018-02-30", want: []error{cmis.ErrDate}},
		{name: "P-4/date with the year last is ambiguous", col: colBirth, value: "1/2/2018", want: []error{cmis.ErrDate}},
		{name: "P-4/date with mixed separators", col: colBirth, value: "2018-1/1", want: []error{cmis.ErrDate}},
		{name: "P-4/date seven digits", col: colBirth, value: "2018011", want: []error{cmis.ErrDate}},
		{name: "P-4/date not on the calendar", col: colBirth, value: "20180230", want: []error{cmis.ErrDate}},
		{name: "P-4/date month 13", col: colBirth, value: "20181301", want: []error{cmis.ErrDate}},
		{name: "P-4/date 31 April", col: colBirth, value: "20180431", want: []error{cmis.ErrDate}},
		{name: "P-4/date 29 February of a common year", col: colBirth, value: "20170229", want: []error{cmis.ErrDate}},
		{name: "P-4/date 29 February of 2100", col: colBirth, value: "21000229", want: []error{cmis.ErrDate}},
		{name: "P-4/date 29 February of 2000 is a date (then checked against the ID)", col: colBirth, value: "20000229", want: []error{cmis.ErrInconsistent}},
		{name: "P-4/date before 1900", col: colBirth, value: "18991231", want: []error{cmis.ErrDate}},
		{name: "P-4/date in the future with a clock", col: colBirth, value: "20270101", im: cmis.Importer{Now: today}, want: []error{cmis.ErrDate}},
		{name: "P-4/division code of 6 digits", col: colDivision, value: "110101", want: []error{cmis.ErrDivisionCode}},
		{name: "P-4/division code of 13 digits", col: colDivision, value: "1101010000000", want: []error{cmis.ErrDivisionCode}},
		{name: "P-4/division code not ending 000000", col: colDivision, value: "110101001000", want: []error{cmis.ErrDivisionCode}},
		{name: "P-4/division code with no province", col: colDivision, value: "991010000000", want: []error{cmis.ErrDivisionCode}},
		{name: "P-4/division code with letters", col: colDivision, value: "11010A000000", want: []error{cmis.ErrDivisionCode}},
		{name: "P-4/division code good", col: colDivision, value: "420103000000"},
		{name: "P-4/class number of 6 digits (seed's other form)", col: colClass, value: "201120", want: []error{cmis.ErrClassNumber}},
		{name: "P-4/class number grade 0", col: colClass, value: "2024001", want: []error{cmis.ErrClassNumber}},
		{name: "P-4/class number class 00", col: colClass, value: "2024100", want: []error{cmis.ErrClassNumber}},
		{name: "P-4/class number year before 1900", col: colClass, value: "1899101", want: []error{cmis.ErrClassNumber}},
		{name: "P-4/class number year in the future", col: colClass, value: "2027101", im: cmis.Importer{Now: today}, want: []error{cmis.ErrClassNumber}},
		{name: "P-4/entry month as 2008.9", col: colEntry, value: "2008.9", want: []error{cmis.ErrEntryMonth}},
		{name: "P-4/entry month of 4 digits", col: colEntry, value: "2008", want: []error{cmis.ErrEntryMonth}},
		{name: "P-4/entry month 13", col: colEntry, value: "202413", want: []error{cmis.ErrEntryMonth}},
		{name: "P-4/entry month 00", col: colEntry, value: "202400", want: []error{cmis.ErrEntryMonth}},
		{name: "P-4/entry month before 1900", col: colEntry, value: "189909", want: []error{cmis.ErrEntryMonth}},
		{name: "P-4/entry month in the future", col: colEntry, value: "202612", im: cmis.Importer{Now: today}, want: []error{cmis.ErrEntryMonth}},
		{name: "C-1/school name empty", col: colSchool, value: "", want: []error{cmis.ErrRequired}},
		{name: "C-1/name empty", col: colName, value: "", want: []error{cmis.ErrRequired}},
		{name: "C-1/name only spaces", col: colName, value: " \u3000 ", want: []error{cmis.ErrRequired}},
		{name: "C-1/gender empty", col: colGender, value: "", want: []error{cmis.ErrRequired}},
		{name: "C-1/registry number empty", col: colRegistry, value: "", want: []error{cmis.ErrRequired}},
		{name: "C-1/resident ID empty", col: colResident, value: "", want: []error{cmis.ErrRequired}},
		{name: "C-1/birth date empty", col: colBirth, value: "", want: []error{cmis.ErrRequired}},
		{name: "P-4/optional column may be empty", col: colClass, value: ""},
		{name: "C-1/gender unknown", col: colGender, value: "未知", want: []error{cmis.ErrGender}},
		{name: "C-1/gender code 9", col: colGender, value: "9", want: []error{cmis.ErrGender}},
		{name: "S-ID-2/senior student in a primary school", col: colRegistry, value: seniorInPrimary,
			want: []error{cmis.ErrRegistryNumber, studentid.ErrCategoryMismatch}},
		{name: "S-ID-2/school category 8", col: colRegistry, value: "0105800103001014",
			want: []error{cmis.ErrRegistryNumber, studentid.ErrSchoolCategory}},
		{name: "registry number of 15 digits", col: colRegistry, value: "010500010300101",
			want: []error{cmis.ErrRegistryNumber, studentid.ErrFormat}},
		{name: "registry number class 00", col: colRegistry, value: "0105000103000014",
			want: []error{cmis.ErrRegistryNumber, studentid.ErrClass}},
		{name: "registry number stored as a number by Excel", col: colRegistry, value: "1.05000103001014E+14",
			want: []error{cmis.ErrRegistryNumber}},
		{name: "registry number whose leading 0 Excel dropped", col: colRegistry, value: "105000103001014",
			want: []error{cmis.ErrRegistryNumber}},
		{name: "S-ID-6/check digit verified with a scheme", col: colRegistry, value: "0105000103001015", im: cmis.Importer{Scheme: studentid.MOD11_10},
			want: []error{cmis.ErrRegistryNumber, studentid.ErrCheckDigit}},
		{name: "S-ID-6/check digit not verified without a scheme", col: colRegistry, value: "0105000103001015"},
		{name: "resident ID check character", col: colResident, value: "110104201801010005",
			want: []error{cmis.ErrResidentID, studentid.ErrResidentIDCheck}},
		{name: "resident ID of 17 characters", col: colResident, value: "11010420180101000",
			want: []error{cmis.ErrResidentID, studentid.ErrResidentIDFormat}},
		{name: "resident ID stored as a number by Excel", col: colResident, value: "1.10104201801010E+17",
			want: []error{cmis.ErrResidentID}},
		{name: "§2/birth date disagrees with the resident ID", col: colBirth, value: "20180102", want: []error{cmis.ErrInconsistent}},
		{name: "§2/gender disagrees with the resident ID", col: colGender, value: "男", want: []error{cmis.ErrInconsistent}},
		{name: "C-1/gender code 2", col: colGender, value: "2"},
		{name: "C-1/gender 女性", col: colGender, value: "女性"},
	}
	for _, f := range formats {
		for _, tc := range cases {
			t.Run(tc.name+"/"+f.name, func(t *testing.T) {
				rows := sheet(t, 2)
				require.Equal(t, "女", rows[1][2], "fixture row 1 is a girl")
				rows[1][colIndex(tc.col)] = tc.value
				res := importBytes(t, tc.im, f.encode(t, rows), "s")
				assert.Equal(t, 2, res.Summary.Rows)
				if tc.want == nil {
					assert.Empty(t, res.Errors)
					assert.Equal(t, 2, res.Summary.Good)
					return
				}
				require.Len(t, res.Errors, 1, "%v", res.Err())
				e := res.Errors[0]
				assert.Equal(t, 2, e.Row)
				assert.Equal(t, tc.col, e.Column)
				assert.Equal(t, header[colIndex(tc.col)], e.Header)
				assert.Equal(t, strings.TrimSpace(strings.ReplaceAll(tc.value, "\u3000", " ")), e.Value)
				for _, w := range tc.want {
					assert.ErrorIs(t, e, w)
				}
				assert.ErrorIs(t, res.Err(), tc.want[0])
				assert.Equal(t, cmis.Summary{Rows: 2, Good: 1, Bad: 1}, res.Summary)
				require.Len(t, res.Records, 1)
				assert.Equal(t, 3, res.Records[0].Row)
			})
		}
	}
}

// TestTransientColumn: S-ID-3 — the transient flag agrees with digit 9 of
// the registry number.
func TestTransientColumn(t *testing.T) {
	transient := "0105000143101093" // digit 9 = 4: a primary transient student
	_, err := studentid.Parse(transient)
	require.NoError(t, err)
	for _, tc := range []struct {
		name, registry, flag string
		want                 error
	}{
		{"S-ID-3/local student flagged 否", "", "否", nil},
		{"S-ID-3/local student flagged N", "", "N", nil},
		{"S-ID-3/local student flagged 是", "", "是", cmis.ErrInconsistent},
		{"S-ID-3/transient student flagged 是", transient, "是", nil},
		{"S-ID-3/transient student flagged 1", transient, "1", nil},
		{"S-ID-3/transient student flagged 否", transient, "否", cmis.ErrInconsistent},
		{"S-ID-3/flag not yes or no", "", "也许", cmis.ErrTransientFlag},
		{"S-ID-3/flag empty is not checked", "", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows := sheet(t, 1)
			rows[0] = append(slices.Clone(rows[0]), "是否借读")
			rows[1] = append(rows[1], tc.flag)
			if tc.registry != "" {
				rows[1][3] = tc.registry
			}
			res := importBytes(t, cmis.Importer{}, xlsxOf(t, rows), "s.xlsx")
			if tc.want == nil {
				assert.Empty(t, res.Errors)
				return
			}
			require.Len(t, res.Errors, 1)
			assert.ErrorIs(t, res.Errors[0], tc.want)
			assert.Equal(t, "M", res.Errors[0].Column)
			assert.Equal(t, "是否借读", res.Errors[0].Header)
		})
	}
}

// TestFullWidth: P-4 — full-width characters are folded and spaces trimmed
// before any check, and the record holds the folded values.
func TestFullWidth(t *testing.T) {
	full := func(s string) string {
		var b strings.Builder
		for _, r := range s {
			if r >= '!' && r <= '~' {
				r += 0xFF01 - '!'
			}
			b.WriteRune(r)
		}
		return b.String()
	}
	for _, f := range formats {
		t.Run("P-4/"+f.name, func(t *testing.T) {
			rows := sheet(t, 3)
			want := slices.Clone(rows[1])
			for j := range rows[1] {
				rows[1][j] = "\u3000 " + full(rows[1][j]) + "\t\u3000"
			}
			rows[2][3] = `="` + rows[2][3] + `"` // the wrapper exports use to keep leading zeros
			rows[3][2] = "２"                     // full-width gender code
			res := importBytes(t, cmis.Importer{}, f.encode(t, rows), "s")
			require.Empty(t, res.Errors, "%v", res.Err())
			require.Len(t, res.Records, 3)
			r := res.Records[0]
			assert.Equal(t, want[1], r.Card.Name)
			assert.Equal(t, want[3], r.Card.RegistryNo.String())
			assert.Equal(t, want[4], r.Card.ResidentID)
			assert.Equal(t, want[5], r.Card.BirthDate)
			assert.Equal(t, want[7], r.ClassNumber)
			assert.Equal(t, want[9], r.DivisionCode)
			assert.Equal(t, rows[2][3][2:18], res.Records[1].Card.RegistryNo.String())
			assert.Equal(t, studentid.Female, res.Records[2].Card.Gender)
		})
	}
}

func TestWarnings(t *testing.T) {
	rows := sheet(t, 3)
	rows[1][1] = "张yan"         // pinyin in place of a rare character (C-4)
	rows[2][1] = "ＬＩ明"          // full-width Latin folds to ASCII, still Latin
	rows[3][7] = "2023101"      // class year 2023, entry month 202409
	rows[3][4] = "bad resident" // an error in the same row as a warning
	res := importBytes(t, cmis.Importer{}, xlsxOf(t, rows), "s.xlsx")
	require.Len(t, res.Warnings, 3)
	assert.ErrorIs(t, res.Warnings[0], cmis.ErrLatinName)
	assert.Equal(t, "2B 姓名", where(res.Warnings[:1])[0])
	assert.Equal(t, "LI明", res.Warnings[1].Value)
	assert.ErrorIs(t, res.Warnings[2], cmis.ErrInconsistent)
	assert.Equal(t, []string{"4H 班号"}, where(res.Warnings[2:]))
	assert.Len(t, res.Errors, 1)
	assert.Equal(t, cmis.Summary{Rows: 3, Good: 2, Bad: 1, Warned: 3}, res.Summary)
	assert.Equal(t, "张yan", res.Records[0].Card.Name, "C-4: names are kept as given")
}

// TestManyErrors: P-4 asks for the list of every error: a file with many
// bad cells yields all of them, in row then column order, and its good rows.
func TestManyErrors(t *testing.T) {
	for _, f := range formats {
		t.Run("P-4/"+f.name, func(t *testing.T) {
			rows := sheet(t, 60)
			var want []string
			for i := 1; i <= 60; i++ {
				if i%3 != 0 {
					continue
				}
				// Two bad cells per row, written right to left.
				rows[i][9] = "110101"
				rows[i][5] = "2018-13-01"
				want = append(want, where([]*cmis.CellError{{Row: i + 1, Column: colBirth, Header: "出生日期"}, {Row: i + 1, Column: colDivision, Header: "行政区划代码"}})...)
			}
			rows[59][0] = ""
			want = slices.Insert(want, len(want)-2, where([]*cmis.CellError{{Row: 60, Column: colSchool, Header: "学校名称"}})...)
			res := importBytes(t, cmis.Importer{}, f.encode(t, rows), "s")
			assert.Equal(t, want, where(res.Errors))
			assert.Equal(t, cmis.Summary{Rows: 60, Good: 39, Bad: 21}, res.Summary)
			assert.Len(t, res.Records, 39)
			var all cmis.Errors
			require.ErrorAs(t, res.Err(), &all)
			assert.Len(t, all, 41)
			assert.ErrorIs(t, res.Err(), cmis.ErrDivisionCode)
			assert.ErrorIs(t, res.Err(), cmis.ErrRequired)
			assert.NotErrorIs(t, res.Err(), cmis.ErrGender)
		})
	}
}

// TestHeader: columns are found by name, in any order, under a title row,
// with English aliases, CMIS template marks and extra columns.
func TestHeader(t *testing.T) {
	t.Run("P-4/order, aliases, title and extras", func(t *testing.T) {
		s := student(t, 0)
		rows := [][]string{
			{"北京市东城区和平里小学 学生名册"},
			{"备注", "Date of Birth (YYYYMMDD)", "*姓名", "ＳＥＸ", "身份证件号", "registry_no", "学校", "民族"},
			{"x", s[5], s[1], s[2], s[4], s[3], s[0], s[10]},
		}
		res := importBytes(t, cmis.Importer{}, xlsxOf(t, rows), "s.xlsx")
		require.Empty(t, res.Errors, "%v", res.Err())
		assert.Equal(t, 2, res.HeaderRow)
		require.Len(t, res.Records, 1)
		want, err := batchtest.Record(school, schoolName, 0, 7)
		require.NoError(t, err)
		assert.Equal(t, want, res.Records[0].Card)
		assert.Equal(t, 3, res.Records[0].Row)
	})
	t.Run("P-4/missing required columns, one error each", func(t *testing.T) {
		rows := sheet(t, 5)
		for i := range rows {
			rows[i] = slices.Delete(slices.Clone(rows[i]), 4, 6) // 身份证号, 出生日期
		}
		for _, f := range formats {
			res, err := cmis.Import(context.Background(), bytes.NewReader(f.encode(t, rows)), "s")
			require.Error(t, err)
			assert.ErrorIs(t, err, cmis.ErrMissingColumn)
			var list cmis.Errors
			require.ErrorAs(t, err, &list)
			assert.Equal(t, []string{"1 身份证号", "1 出生日期"}, where(list))
			assert.Equal(t, []*cmis.CellError(list), res.Errors)
			assert.Empty(t, res.Records)
			assert.Zero(t, res.Summary.Rows)
			noSheet := strings.NewReplacer(" 工作表“Sheet1”", "", ", sheet Sheet1", "")
			assert.Equal(t, "2 problems\ns: row 1, header 身份证号: required column missing\ns: row 1, header 出生日期: required column missing", noSheet.Replace(err.Error()))
			assert.Equal(t, "共2处问题\ns 第1行 表头“身份证号”：缺少必需的列\ns 第1行 表头“出生日期”：缺少必需的列", noSheet.Replace(l10n.Error(err, l10n.Chinese)))
		}
	})
	t.Run("column mapped twice", func(t *testing.T) {
		rows := sheet(t, 1)
		rows[0] = append(rows[0], "身份证件号")
		_, err := cmis.Import(context.Background(), bytes.NewReader(xlsxOf(t, rows)), "s")
		assert.ErrorIs(t, err, cmis.ErrDuplicateColumn)
		var list cmis.Errors
		require.ErrorAs(t, err, &list)
		assert.Equal(t, []string{"1M 身份证件号"}, where(list))
		assert.Contains(t, l10n.Error(err, l10n.Chinese), "已由E列映射")
	})
	t.Run("no header", func(t *testing.T) {
		rows := [][]string{{"a", "b"}, {"1", "2"}}
		for _, f := range formats {
			_, err := cmis.Import(context.Background(), bytes.NewReader(f.encode(t, rows)), "s")
			assert.ErrorIs(t, err, cmis.ErrNoHeader, f.name)
		}
		// The header may sit under up to nine title rows, not ten.
		rows = sheet(t, 1)
		for i := 0; i < cmis.MaxHeaderRows-1; i++ {
			rows = slices.Insert(rows, 0, []string{"标题"})
		}
		res := importBytes(t, cmis.Importer{}, xlsxOf(t, rows), "s.xlsx")
		assert.Equal(t, cmis.MaxHeaderRows, res.HeaderRow)
		assert.Len(t, res.Records, 1)
		rows = slices.Insert(rows, 0, []string{"标题"})
		_, err := cmis.Import(context.Background(), bytes.NewReader(xlsxOf(t, rows)), "s.xlsx")
		assert.ErrorIs(t, err, cmis.ErrNoHeader)

		_, err = cmis.Import(context.Background(), strings.NewReader(""), "empty.csv")
		assert.ErrorIs(t, err, cmis.ErrNoHeader)
		assert.Equal(t, "empty.csv：未找到含CMIS列名的表头行：按UTF-8编码读取，前10行中没有已知的列名", l10n.Error(err, l10n.Chinese))
	})
	t.Run("custom mapping", func(t *testing.T) {
		cols := cmis.DefaultColumns()
		for i := range cols {
			if cols[i].Field == cmis.FieldSchoolName {
				cols[i].Names = append(cols[i].Names, "单位")
			}
			if cols[i].Field == cmis.FieldPhoto {
				cols[i].Required = true
			}
		}
		rows := sheet(t, 2)
		rows[0][0] = "单位"
		rows[2][6] = ""
		res := importBytes(t, cmis.Importer{Columns: cols}, csvOf(t, rows), "s.csv")
		assert.Equal(t, []string{"3G 照片文件名"}, where(res.Errors))
		assert.ErrorIs(t, res.Errors[0], cmis.ErrRequired)
		assert.NotEqual(t, cols[0].Names, cmis.DefaultColumns()[0].Names, "DefaultColumns returns a copy")

		_, err := cmis.Importer{Columns: []cmis.Column{{Field: "shoe_size", Names: []string{"鞋码"}}}}.
			Import(context.Background(), bytes.NewReader(csvOf(t, rows)), "s.csv")
		assert.ErrorIs(t, err, cmis.ErrUnknownField)
	})
}

// TestEncodings: GB18030 and UTF-8 CSV, with or without a BOM, detected or
// told; bad bytes are a cell error, UTF-16 a file error.
func TestEncodings(t *testing.T) {
	rows := sheet(t, 4)
	utf8CSV := csvOf(t, rows)
	gbCSV := gb18030Of(t, rows)
	require.NotEqual(t, utf8CSV, gbCSV)
	for _, tc := range []struct {
		name string
		data []byte
		enc  cmis.Encoding
		want cmis.Encoding
	}{
		{"GB18030 detected", gbCSV, cmis.EncodingAuto, cmis.EncodingGB18030},
		{"GB18030 told", gbCSV, cmis.EncodingGB18030, cmis.EncodingGB18030},
		{"GB18030 with its BOM", append([]byte{0x84, 0x31, 0x95, 0x33}, gbCSV...), cmis.EncodingUTF8, cmis.EncodingGB18030},
		{"UTF-8 detected", utf8CSV, cmis.EncodingAuto, cmis.EncodingUTF8},
		{"UTF-8 told", utf8CSV, cmis.EncodingUTF8, cmis.EncodingUTF8},
		{"UTF-8 BOM wins over the option", append([]byte{0xEF, 0xBB, 0xBF}, utf8CSV...), cmis.EncodingGB18030, cmis.EncodingUTF8},
		{"tab separated", bytes.ReplaceAll(utf8CSV, []byte(","), []byte("\t")), cmis.EncodingAuto, cmis.EncodingUTF8},
		{"semicolon separated", bytes.ReplaceAll(gbCSV, []byte(","), []byte(";")), cmis.EncodingAuto, cmis.EncodingGB18030},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := importBytes(t, cmis.Importer{Encoding: tc.enc}, tc.data, "s.csv")
			require.Empty(t, res.Errors, "%v", res.Err())
			assert.Equal(t, tc.want, res.Encoding)
			require.Len(t, res.Records, 4)
			assert.Equal(t, schoolName, res.Records[0].Card.SchoolName)
			assert.Equal(t, rows[4][1], res.Records[3].Card.Name)
		})
	}
	t.Run("UTF-8 with a rune cut at the sniffing boundary", func(t *testing.T) {
		for pad := 0; pad < 3; pad++ {
			big := sheet(t, 2)
			big[0] = append(big[0], "备注")
			big[1] = append(big[1], strings.Repeat("x", pad)+strings.Repeat("汉", 30000))
			big[2] = append(big[2], "")
			res := importBytes(t, cmis.Importer{}, csvOf(t, big), "s.csv")
			assert.Equal(t, cmis.EncodingUTF8, res.Encoding, "pad %d", pad)
			assert.Empty(t, res.Errors)
		}
	})
	t.Run("C-4/rare characters survive GB18030 as given", func(t *testing.T) {
		rare := sheet(t, 2)
		rare[1][1] = "王𪚥" // U+2A6A5: a four-byte GB18030 character outside GB2312
		rare[2][1] = "李䶮" // U+4DAE, CJK extension A
		data := gb18030Of(t, rare)
		four, err := gbBytes("𪚥")
		require.NoError(t, err)
		require.Len(t, four, 4, "a four-byte GB18030 sequence")
		require.True(t, bytes.Contains(data, four))
		res := importBytes(t, cmis.Importer{}, data, "s.csv")
		require.Empty(t, res.Errors, "%v", res.Err())
		assert.Equal(t, cmis.EncodingGB18030, res.Encoding)
		assert.Equal(t, "王𪚥", res.Records[0].Card.Name)
		assert.Equal(t, "李䶮", res.Records[1].Card.Name)
		assert.Empty(t, res.Warnings)
	})
	t.Run("invalid GB18030 bytes in a cell", func(t *testing.T) {
		data := slices.Clone(gbCSV)
		name, err := batchtest.Record(school, schoolName, 1, 7)
		require.NoError(t, err)
		gbName, err := gbBytes(name.Name)
		require.NoError(t, err)
		i := bytes.Index(data, gbName)
		require.Positive(t, i)
		data[i+1] = 0x7F // a lead byte followed by DEL: not GB18030
		res := importBytes(t, cmis.Importer{}, data, "s.csv")
		require.Len(t, res.Errors, 1)
		assert.ErrorIs(t, res.Errors[0], cmis.ErrEncoding)
		assert.Equal(t, "3B 姓名", where(res.Errors)[0])
	})
	t.Run("invalid UTF-8 in a UTF-8 file", func(t *testing.T) {
		data := append([]byte{0xEF, 0xBB, 0xBF}, utf8CSV...)
		i := bytes.Index(data, []byte(rows[2][1]))
		data[i] = 0xFF
		res := importBytes(t, cmis.Importer{}, data, "s.csv")
		require.Len(t, res.Errors, 1)
		assert.ErrorIs(t, res.Errors[0], cmis.ErrEncoding)
		assert.Equal(t, "3B 姓名", where(res.Errors)[0])
	})
	t.Run("UTF-16 refused", func(t *testing.T) {
		_, err := cmis.Import(context.Background(), bytes.NewReader([]byte{0xFF, 0xFE, 'a', 0}), "s.txt")
		assert.ErrorIs(t, err, cmis.ErrEncoding)
		assert.Contains(t, l10n.Error(err, l10n.Chinese), "UTF-16")
	})
	t.Run("unknown encoding option", func(t *testing.T) {
		_, err := cmis.Importer{Encoding: "Big5"}.Import(context.Background(), bytes.NewReader(utf8CSV), "s.csv")
		assert.ErrorIs(t, err, cmis.ErrEncoding)
	})
}

// TestNotASpreadsheet: anything else is a clear error, never a panic.
func TestNotASpreadsheet(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		want error
		zh   string
	}{
		{"pdf", []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00<<>>"), cmis.ErrNotSpreadsheet, "含二进制数据"},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), cmis.ErrNotSpreadsheet, "含二进制数据"},
		{"old xls", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0}, cmis.ErrNotSpreadsheet, "另存为.xlsx"},
		{"broken zip", []byte("PK\x03\x04 this is not a workbook"), cmis.ErrNotSpreadsheet, "无法读取工作簿"},
		{"zip without a workbook", zipOf(t, "hello.txt", "hi"), cmis.ErrNotSpreadsheet, "无法读取工作簿"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := cmis.Import(context.Background(), bytes.NewReader(tc.data), tc.name)
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.want)
			assert.Contains(t, l10n.Error(err, l10n.Chinese), tc.zh)
			assert.True(t, strings.HasPrefix(l10n.Error(err, l10n.Chinese), tc.name+"："), l10n.Error(err, l10n.Chinese))
			assert.Empty(t, res.Records)
		})
	}
}

// TestSheets: the first visible sheet with a header is read (a CMIS
// template's hidden dropdown sheet and a sheet of notes are passed over),
// Importer.Sheet picks one, and the sheet is named in messages.
func TestSheets(t *testing.T) {
	rows := sheet(t, 2)
	rows[2][5] = "bad"
	notes := textSheet("说明", [][]string{{"说明"}, {"本表为示例"}})
	dropdown := textSheet("下拉选项", [][]string{{"性别", "学籍号"}, {"男", ""}})
	dropdown.State = "hidden"
	data := xb{Sheets: []xs{dropdown, notes, textSheet("学生", rows)}}.bytes(t)
	res := importBytes(t, cmis.Importer{}, data, "s.xlsx")
	assert.Equal(t, "学生", res.Sheet)
	assert.Equal(t, []string{"下拉选项", "说明", "学生"}, res.Sheets)
	require.Len(t, res.Records, 1)
	require.Len(t, res.Errors, 1)
	assert.Equal(t, "s.xlsx 工作表“学生” 第3行 F列（出生日期）“bad”：日期不是YYYYMMDD格式的有效日期：例如20071030", l10n.Error(res.Errors[0], l10n.Chinese))

	res = importBytes(t, cmis.Importer{Sheet: "学生"}, data, "s.xlsx")
	assert.Len(t, res.Records, 1)
	_, err := cmis.Importer{Sheet: "教师"}.Import(context.Background(), bytes.NewReader(data), "s.xlsx")
	assert.ErrorIs(t, err, cmis.ErrSheet)
	assert.Contains(t, l10n.Error(err, l10n.Chinese), "下拉选项, 说明, 学生")

	none := xb{Sheets: []xs{dropdown, notes}}.bytes(t)
	_, err = cmis.Import(context.Background(), bytes.NewReader(none), "s.xlsx")
	assert.ErrorIs(t, err, cmis.ErrNoHeader)
	assert.Equal(t, "s.xlsx: no header row with CMIS column names: the first 10 rows of sheets 说明 hold no known column name (hidden sheets not read: 下拉选项)", err.Error())
}

// TestBrokenSheet: a sheet that breaks while it is read (here a row number
// past Excel's last row) stops the import with ErrNotSpreadsheet naming the
// row reached.
func TestBrokenSheet(t *testing.T) {
	data := xlsxOf(t, sheet(t, 3))
	data = rewritePart(t, data, "xl/worksheets/sheet1.xml", func(b []byte) []byte {
		require.Contains(t, string(b), `<row r="4"`)
		return bytes.Replace(b, []byte(`<row r="4"`), []byte(`<row r="1048577"`), 1)
	})
	res, err := cmis.Import(context.Background(), bytes.NewReader(data), "s.xlsx")
	assert.ErrorIs(t, err, cmis.ErrNotSpreadsheet)
	var ce *cmis.CellError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 4, ce.Row)
	assert.Len(t, res.Records, 2, "the rows before the break were read")
	assert.Contains(t, l10n.Error(err, l10n.Chinese), "无法读取工作簿")
}

// rewritePart returns the workbook data with one part changed.
func rewritePart(t testing.TB, data []byte, name string, edit func([]byte) []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		r, err := f.Open()
		require.NoError(t, err)
		b, err := io.ReadAll(r)
		require.NoError(t, err)
		if f.Name == name {
			b = edit(b)
		}
		w, err := zw.Create(f.Name)
		require.NoError(t, err)
		_, err = w.Write(b)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// TestRowNumbers: rows are numbered as Excel shows them, blank rows and
// lines counted, a quoted field over two lines being one row.
func TestRowNumbers(t *testing.T) {
	rows := sheet(t, 4)
	rows[3][5] = "bad"
	t.Run("xlsx with empty rows", func(t *testing.T) {
		spaced := [][]string{nil, rows[0], rows[1], nil, nil, rows[2], rows[3], {"", " "}, rows[4]}
		res := importBytes(t, cmis.Importer{}, xlsxOf(t, spaced), "s.xlsx")
		assert.Equal(t, 2, res.HeaderRow)
		assert.Equal(t, []string{"7F 出生日期"}, where(res.Errors))
		assert.Equal(t, []int{3, 6, 9}, recordRows(res))
		assert.Equal(t, 3, res.Summary.Blank)
	})
	t.Run("csv with blank lines and a two-line field", func(t *testing.T) {
		r1 := slices.Clone(rows[1])
		r1[11] = "北京市\n东城区" // 家庭住址 over two lines
		data := csvOf(t, [][]string{rows[0], r1})
		data = append(data, "\r\n\r\n"...)
		data = append(data, csvOf(t, rows[2:])...)
		data = append(data, ",,,\r\n"...)
		res := importBytes(t, cmis.Importer{}, data, "s.csv")
		assert.Equal(t, []string{"6F 出生日期"}, where(res.Errors))
		assert.Equal(t, []int{2, 5, 7}, recordRows(res))
		assert.Equal(t, 3, res.Summary.Blank)
	})
	t.Run("malformed csv rows are reported and skipped", func(t *testing.T) {
		data := csvOf(t, rows[:2])
		data = append(data, `a,b"c,d`+"\r\n"...)
		data = append(data, csvOf(t, rows[2:3])...)
		data = append(data, `"unterminated,x`+"\r\n"...)
		res := importBytes(t, cmis.Importer{}, data, "s.csv")
		assert.Equal(t, []string{"3 ", "5 "}, where(res.Errors))
		assert.ErrorIs(t, res.Errors[0], cmis.ErrMalformedRow)
		assert.ErrorIs(t, res.Errors[1], cmis.ErrMalformedRow)
		assert.Equal(t, []int{2, 4}, recordRows(res))
		assert.Equal(t, cmis.Summary{Rows: 4, Good: 2, Bad: 2}, res.Summary)
		assert.Equal(t, "s.csv 第3行：CSV行格式错误：bare \" in non-quoted-field", l10n.Error(res.Errors[0], l10n.Chinese))
	})
}

// TestWideSheet: errors of a row come in column order also past column Z,
// and every reason renders in English through its own Error method.
func TestWideSheet(t *testing.T) {
	rows := sheet(t, 2)
	for i := range rows {
		pad := make([]string, 26)
		for j := range pad {
			pad[j] = "x"
		}
		rows[i] = append(pad, rows[i]...) // the header starts at AA
	}
	rows[2][26+5] = "2018"
	rows[2][26+1] = ""
	res := importBytes(t, cmis.Importer{}, xlsxOf(t, rows), "s.xlsx")
	assert.Equal(t, []string{"3AB 姓名", "3AF 出生日期"}, where(res.Errors))
	assert.Equal(t, "date is not a YYYYMMDD calendar date: e.g. 20071030", res.Errors[1].Err.Error())
	rows[2][26+1] = "王小明"
	rows[2][26+5] = "20180101"
	rows[2][26+4] = "1101042018010100"
	res = importBytes(t, cmis.Importer{}, xlsxOf(t, rows), "s.xlsx")
	require.Len(t, res.Errors, 1)
	assert.Equal(t, "resident ID number invalid: resident ID number, position 17: 16 characters, want 18", res.Errors[0].Err.Error())
}

func recordRows(res *cmis.Result) []int {
	var out []int
	for _, r := range res.Records {
		out = append(out, r.Row)
	}
	return out
}

func TestStreamingAndContext(t *testing.T) {
	rows := sheet(t, 600)
	rows[10][2] = "?"
	data := xlsxOf(t, rows)
	t.Run("OnRecord receives every good record", func(t *testing.T) {
		var got []int
		res := importBytes(t, cmis.Importer{OnRecord: func(r cmis.Record) error {
			got = append(got, r.Row)
			return nil
		}}, data, "s.xlsx")
		assert.Empty(t, res.Records)
		assert.Len(t, got, 599)
		assert.Len(t, res.Errors, 1)
		assert.Equal(t, cmis.Summary{Rows: 600, Good: 599, Bad: 1}, res.Summary)
	})
	t.Run("OnRecord's error stops the import", func(t *testing.T) {
		stop := errors.New("disk full")
		n := 0
		res, err := cmis.Importer{OnRecord: func(cmis.Record) error {
			if n++; n == 5 {
				return stop
			}
			return nil
		}}.Import(context.Background(), bytes.NewReader(data), "s.xlsx")
		assert.ErrorIs(t, err, stop)
		assert.Equal(t, 5, res.Summary.Good)
	})
	t.Run("a cancelled context stops the import", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		for _, f := range formats {
			_, err := cmis.Import(ctx, bytes.NewReader(f.encode(t, rows)), "s")
			assert.ErrorIs(t, err, context.Canceled, f.name)
		}
	})
	t.Run("read errors are returned with where they happened", func(t *testing.T) {
		broken := errors.New("network down")
		_, err := cmis.Import(context.Background(), failingReader{broken}, "s.csv")
		require.Error(t, err)
		assert.ErrorIs(t, err, broken)
		assert.Equal(t, "s.csv：network down", l10n.Error(err, l10n.Chinese))
		// Past the first 64 KiB, the error names the row being read.
		data := csvOf(t, sheet(t, 1000))
		_, err = cmis.Import(context.Background(), io.MultiReader(bytes.NewReader(data[:100_000]), failingReader{broken}), "s.csv")
		assert.ErrorIs(t, err, broken)
		var ce *cmis.CellError
		require.ErrorAs(t, err, &ce)
		assert.Greater(t, ce.Row, 300)
	})
	t.Run("a separator that cannot work", func(t *testing.T) {
		_, err := cmis.Importer{Comma: '"'}.Import(context.Background(), bytes.NewReader(csvOf(t, rows)), "s.csv")
		assert.ErrorIs(t, err, cmis.ErrOption)
		assert.Equal(t, "s.csv：导入选项无效：'\"'不能用作CSV分隔符", l10n.Error(err, l10n.Chinese))
	})
}

type failingReader struct{ err error }

func (f failingReader) Read([]byte) (int, error) { return 0, f.err }
