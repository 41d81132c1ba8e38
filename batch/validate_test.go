package batch_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/batch/batchtest"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/studentid"
)

const (
	school     = "01010123" // Beijing, district 01, primary school (category 0), code 123
	schoolName = "北京市东城区\"红旗\"小学,分校"
)

var created = time.Date(2026, 9, 1, 8, 0, 0, 0, time.FixedZone("CST", 8*3600))

func genRecords(t testing.TB, n int) []batch.CardRecord {
	t.Helper()
	var out []batch.CardRecord
	for r, err := range batchtest.Records(school, schoolName, n, 7) {
		require.NoError(t, err)
		out = append(out, r)
	}
	return out
}

func cardFile(t testing.TB, sender batch.Header, recs []batch.CardRecord, raw ...func([][]string)) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := batch.CardData.NewWriter(&buf, "carddata.txt", sender)
	require.NoError(t, err)
	rows := make([][]string, len(recs))
	for i, r := range recs {
		rows[i] = r.Fields()
	}
	for _, edit := range raw {
		edit(rows) // text a typed record cannot hold
	}
	for _, r := range rows {
		require.NoError(t, w.WriteRecord(r))
	}
	require.NoError(t, w.Close())
	return buf.Bytes()
}

func districtValidator() batch.Validator {
	return batch.Validator{Level: studentid.LevelDistrict, Scheme: studentid.MOD11_10}
}

func TestGeneratedDataValidates(t *testing.T) {
	data := cardFile(t, batchtest.School(school, created), genRecords(t, 120))
	v := districtValidator()
	rep, err := v.Validate(context.Background(), bytes.NewReader(data), "carddata.txt")
	require.NoError(t, err)
	assert.True(t, rep.Accepted, "C-MAKE-2: a clean school file is accepted whole: %v", rep.Errors)
	assert.EqualValues(t, 120, rep.Records)
	assert.Zero(t, rep.Problems)
	assert.False(t, rep.LocalPrint, "120 cards go to the city")
}

func TestValidationRules(t *testing.T) {
	vocational := func(rs []batch.CardRecord) []batch.CardRecord {
		id, err := studentid.Build(studentid.Fields{School: testSchool("01016123"), StudentCategory: 3, Cohort: 28, Class: 1, Seat: 1}, studentid.MOD11_10)
		require.NoError(t, err)
		rs[1].RegistryNo = id
		return rs
	}
	for _, tc := range []struct {
		name   string
		sender batch.Header
		v      func(*batch.Validator)
		edit   func([]batch.CardRecord) []batch.CardRecord
		raw    func([][]string) // edits the written fields
		reason batch.Reason
		field  string
		line   int
	}{
		{name: "C-1/required name", edit: func(rs []batch.CardRecord) []batch.CardRecord { rs[2].Name = ""; return rs }, reason: batch.ReasonRequired, field: "name", line: 5},
		{name: "C-1/required school name", edit: func(rs []batch.CardRecord) []batch.CardRecord { rs[0].SchoolName = ""; return rs }, reason: batch.ReasonRequired, field: "school_name", line: 3},
		{name: "C-1/gender code", edit: func(rs []batch.CardRecord) []batch.CardRecord { rs[2].Gender = 0; return rs }, reason: batch.ReasonFormat, field: "gender", line: 5},
		{name: "C-1/birth date format", edit: func(rs []batch.CardRecord) []batch.CardRecord { rs[2].BirthDate = "20120230"; return rs }, reason: batch.ReasonFormat, field: "birth_date", line: 5},
		{name: "C-MAKE-2/registry number structure", raw: func(rs [][]string) {
			rs[3][3] = "0101012300301A1X"
		}, reason: batch.ReasonRegistryNo, field: "registry_no", line: 6},
		{name: "C-MAKE-2/registry number check digit (vendor scheme)", raw: func(rs [][]string) {
			b := []byte(rs[3][3])
			b[15] = '0' + (b[15]-'0'+1)%10
			rs[3][3] = string(b)
		}, reason: batch.ReasonRegistryNo, field: "registry_no", line: 6},
		{name: "C-MAKE-2/registry number of another school", edit: func(rs []batch.CardRecord) []batch.CardRecord {
			other, err := batchtest.Record("01010124", "x", 5000, 1)
			require.NoError(t, err)
			rs[4].RegistryNo = other.RegistryNo
			return rs
		}, reason: batch.ReasonNotSender, field: "registry_no", line: 7},
		{name: "S-3/vocational high student refused", sender: batchtest.School("01016123", created), edit: func(rs []batch.CardRecord) []batch.CardRecord {
			rs = vocational(rs)[1:2]
			return rs
		}, reason: batch.ReasonIneligible, field: "registry_no", line: 3},
		{name: "C-MAKE-2/resident ID check character", edit: func(rs []batch.CardRecord) []batch.CardRecord {
			b := []byte(rs[5].ResidentID)
			b[16] = '0' + (b[16]-'0'+1)%10
			rs[5].ResidentID = string(b)
			return rs
		}, reason: batch.ReasonResidentID, field: "resident_id", line: 8},
		{name: "C-MAKE-2/birth date disagrees with resident ID", edit: func(rs []batch.CardRecord) []batch.CardRecord { rs[6].BirthDate = "20110101"; return rs }, reason: batch.ReasonBirthDate, field: "birth_date", line: 9},
		{name: "C-MAKE-2/sex disagrees with resident ID", edit: func(rs []batch.CardRecord) []batch.CardRecord { rs[7].Gender = 3 - rs[7].Gender; return rs }, reason: batch.ReasonSex, field: "gender", line: 10},
		{name: "C-MAKE-2/duplicate registry number", edit: func(rs []batch.CardRecord) []batch.CardRecord { rs[9].RegistryNo = rs[1].RegistryNo; return rs }, reason: batch.ReasonDuplicate, field: "registry_no", line: 12},
		{name: "C-MAKE-2/duplicate resident ID", edit: func(rs []batch.CardRecord) []batch.CardRecord {
			rs[9].ResidentID, rs[9].BirthDate, rs[9].Gender = rs[1].ResidentID, rs[1].BirthDate, rs[1].Gender
			return rs
		}, reason: batch.ReasonDuplicate, field: "resident_id", line: 12},
		{name: "C-4/name outside GB2312 without rare-character entry", edit: func(rs []batch.CardRecord) []batch.CardRecord { rs[2].Name = "王䶮"; return rs }, reason: batch.ReasonNameCharset, field: "name", line: 5},
		{name: "C-1/name of 17 GB2312 characters overflows the card's 32 bytes", edit: func(rs []batch.CardRecord) []batch.CardRecord {
			rs[2].Name = "欧阳一二三四五六七八九十甲乙丙丁戊"
			return rs
		}, reason: batch.ReasonTooLong, field: "name", line: 5},
		{name: "C-4/GBK-only character in GB2312's rows needs a rare-character entry", edit: func(rs []batch.CardRecord) []batch.CardRecord { rs[2].Name = "王ⅰ"; return rs }, reason: batch.ReasonNameCharset, field: "name", line: 5},
		{name: "C-4/pinyin placeholder without rare-character entry", edit: func(rs []batch.CardRecord) []batch.CardRecord { rs[2].Name = "王yan"; return rs }, reason: batch.ReasonNameCharset, field: "name", line: 5},
		{name: "S-ID-1/registry number assigned to another resident before", v: func(v *batch.Validator) {
			rec := must(batchtest.Record(school, schoolName, 3, 7))
			other := must(studentid.ParseResidentID("110101201001010015"))
			v.History = batch.HistoryMap{rec.RegistryNo: other}
		}, reason: batch.ReasonReassigned, field: "registry_no", line: 6},
		{name: "C-MAKE-2/file from another school", v: func(v *batch.Validator) { v.Sender = "01010999" }, reason: batch.ReasonSender, field: "code", line: 1},
		{name: "C-MAKE-3/city refuses a school-level file", v: func(v *batch.Validator) { v.Level = studentid.LevelCity }, reason: batch.ReasonSender, field: "level", line: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sender := tc.sender
			if sender.Code == "" {
				sender = batchtest.School(school, created)
			}
			recs := genRecords(t, 12)
			if tc.edit != nil {
				recs = tc.edit(recs)
			}
			var raw []func([][]string)
			if tc.raw != nil {
				raw = append(raw, tc.raw)
			}
			data := cardFile(t, sender, recs, raw...)
			v := districtValidator()
			if tc.v != nil {
				tc.v(&v)
			}
			var failures bytes.Buffer
			fw, err := batch.NewFailureWriter(&failures, "failures.txt", batch.Header{Level: studentid.LevelDistrict, Code: "0101", Batch: "F1", Created: created})
			require.NoError(t, err)
			v.OnError = fw.Add
			rep, err := v.Validate(context.Background(), bytes.NewReader(data), "carddata.txt")
			require.NoError(t, err)
			require.NoError(t, fw.Close())
			assert.False(t, rep.Accepted, "C-MAKE-2: one bad record refuses the whole file")
			if tc.line > 1 { // a record's problem, not the envelope's: exactly one record failed
				assert.EqualValues(t, 1, rep.Failed, "records failed")
			}
			require.NotEmpty(t, rep.Errors)
			e := rep.Errors[0]
			assert.Equal(t, tc.reason, e.Reason, e.Error())
			assert.Equal(t, tc.field, e.Field, e.Error())
			assert.Equal(t, tc.line, e.Line, e.Error())
			assert.NotEqual(t, e.Error(), l10n.Error(e, l10n.Chinese), "Chinese text")
			// C-3: the failure file tells the school what to fix.
			var got []batch.Failure
			_, err = batch.ReadFailures(context.Background(), bytes.NewReader(failures.Bytes()), "failures.txt", func(f batch.Failure) error {
				got = append(got, f)
				return nil
			})
			require.NoError(t, err)
			require.Len(t, got, int(rep.Problems))
			assert.Equal(t, tc.reason, got[0].Reason)
			assert.Equal(t, tc.line, got[0].Line)
			assert.True(t, strings.ContainsRune(got[0].Message, '行') || strings.Contains(got[0].Message, "："), got[0].Message)
		})
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestValidationMessagesShowDecodedValues(t *testing.T) {
	rec := genRecords(t, 1)[0].Fields()
	rec[2] = "男"     // gender must be 1 or 2
	rec[4] = "身份证号码" // not a resident ID
	var buf bytes.Buffer
	w, err := batch.CardData.NewWriter(&buf, "carddata.txt", batchtest.School(school, created))
	require.NoError(t, err)
	require.NoError(t, w.WriteRecord(rec))
	require.NoError(t, w.Close())
	rep, err := districtValidator().Validate(context.Background(), &buf, "carddata.txt")
	require.NoError(t, err)
	require.Len(t, rep.Errors, 2)
	assert.Equal(t, "gender", rep.Errors[0].Field)
	assert.Contains(t, rep.Errors[0].Error(), "got 男", "C-MAKE-2: GB18030 values are shown decoded")
	assert.Equal(t, batch.ReasonResidentID, rep.Errors[1].Reason)
	assert.Contains(t, l10n.Error(rep.Errors[1], l10n.Chinese), "身份证号码")
}

func TestRareCharacters(t *testing.T) {
	ctx := context.Background()
	recs := genRecords(t, 3)
	recs[1].Name = "王䶮" // GB18030 four-byte character, not in GB2312
	recs[2].Name = "李yan"
	data := cardFile(t, batchtest.School(school, created), recs)
	entries := []batch.RareEntry{
		{RegistryNo: recs[1].RegistryNo, NamePinyin: "王yan", Glyph: "䶮", SchoolName: schoolName, Contact: "李老师", ReportDate: "20260901"},
		{RegistryNo: recs[2].RegistryNo, NamePinyin: "李yan", Glyph: "上龍下天", SchoolName: schoolName, Contact: "李老师", ReportDate: "20260901"},
	}
	rare, err := batch.ReadRareChars(ctx, bytes.NewReader(writeRecs(t, batch.RareChars, schoolSender(), entries)), "rarechars.txt", school)
	require.NoError(t, err)
	assert.Equal(t, 2, rare.Len())

	t.Run("C-4/names covered by rare-character entries pass", func(t *testing.T) {
		v := districtValidator()
		v.Rare = rare
		rep, err := v.Validate(ctx, bytes.NewReader(data), "carddata.txt")
		require.NoError(t, err)
		assert.True(t, rep.Accepted, "%v", rep.Errors)
	})
	t.Run("C-4/rare-character description checked", func(t *testing.T) {
		for _, tc := range []struct {
			edit  func(*batch.RareEntry)
			want  error
			field string
		}{
			{func(e *batch.RareEntry) { e.Contact = "" }, batch.ErrRequired, "contact"},
			{func(e *batch.RareEntry) { e.ReportDate = "2026-09-01" }, batch.ErrFormat, "report_date"},
			{func(e *batch.RareEntry) { e.RegistryNo = must(batchtest.Record("01010124", "x", 0, 1)).RegistryNo }, batch.ErrNotSender, "registry_no"},
		} {
			e := entries[0]
			tc.edit(&e)
			_, err := batch.ReadRareChars(ctx, bytes.NewReader(writeRecs(t, batch.RareChars, schoolSender(), []batch.RareEntry{e})), "rarechars.txt", school)
			assert.ErrorIs(t, err, tc.want)
			var pe *batch.ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.field, pe.Field)
			assert.Equal(t, 3, pe.Line)
		}
		_, err := batch.ReadRareChars(ctx, bytes.NewReader(writeRecs(t, batch.RareChars, schoolSender(), []batch.RareEntry{entries[0], entries[0]})), "rarechars.txt", school)
		assert.ErrorIs(t, err, batch.ErrDuplicate)
	})
}

func TestUTF8CardData(t *testing.T) {
	sender := batchtest.School(school, created)
	sender.Encoding = batch.UTF8
	recs := genRecords(t, 20)
	rep, err := districtValidator().Validate(context.Background(), bytes.NewReader(cardFile(t, sender, recs)), "carddata.txt")
	require.NoError(t, err)
	assert.True(t, rep.Accepted, "C-MAKE-2: UTF-8 accepted when declared: %v", rep.Errors)
	recs[3].Name = "王䶮"
	rep, err = districtValidator().Validate(context.Background(), bytes.NewReader(cardFile(t, sender, recs)), "carddata.txt")
	require.NoError(t, err)
	require.Len(t, rep.Errors, 1)
	assert.Equal(t, batch.ReasonNameCharset, rep.Errors[0].Reason, "C-4 applies whatever the file encoding")
}

func TestReadCardDataAfterAcceptance(t *testing.T) {
	ctx := context.Background()
	recs := genRecords(t, 4)
	data := cardFile(t, batchtest.School(school, created), recs)
	r, sum, err := batch.Open(ctx, bytes.NewReader(data), "carddata.txt")
	require.NoError(t, err)
	assert.EqualValues(t, 4, sum.Records)
	var got []batch.CardRecord
	_, err = batch.ReadCardData(ctx, bytesOf(t, r), "carddata.txt", func(_ batch.Record, c batch.CardRecord) error {
		got = append(got, c)
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, recs, got, "C-MAKE-2: the stored records are the school's, field for field")
}

// bytesOf drains an opened Reader's underlying data back into a stream for a
// typed reader: re-encodes through a Writer, proving the round trip too.
func bytesOf(t *testing.T, r *batch.Reader) *bytes.Buffer {
	h, err := r.Header()
	require.NoError(t, err)
	var buf bytes.Buffer
	w, err := batch.NewWriter(&buf, "copy", h)
	require.NoError(t, err)
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		require.NoError(t, w.WriteRecord(rec.Fields))
	}
	require.NoError(t, w.Close())
	return &buf
}

// testSchool parses a school code of the test data; a wrong constant gives the
// zero School, which the code under test refuses loudly.
func testSchool(s string) studentid.School {
	v, _ := studentid.ParseSchool(s)
	return v
}

// testDistrict parses a district code of the test data (see testSchool).
func testDistrict(s string) studentid.District {
	v, _ := studentid.ParseDistrict(s)
	return v
}
