package batch_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/studentid"
)

// Values printed to operators render in both languages; String stays the
// Chinese that is printed on the boxes.
func TestOperatorValuesLocalize(t *testing.T) {
	big := batch.BigBoxLabel{Box: "B0001", FactoryBatch: "F7", District: testDistrict("0101"), Count: 1000}
	small := batch.SmallBoxLabel{Box: "B0001-01", School: testSchool("01010123"), SchoolName: "红旗小学", Category: 1, Cohort: 5, Count: 100}
	diff := batch.CountDiff{GroupKey: batch.GroupKey{FactoryBatch: "F7", School: testSchool("01010123"), Category: 1, Cohort: 5}, Sheet: 1200, Counted: 1199}
	waste := batch.Waste{Cards: 2000, Made: 1900, DataErrors: 70, Factory: 30, Rate: 0.035, Liable: true}
	for _, tc := range []struct {
		name   string
		v      l10n.Localizer
		zh, en string
	}{
		{"C-PACK-1/big box label", big, "大箱 B0001 | 批次 F7 | 区县 0101 | 1000张", "big box B0001 | batch F7 | district 0101 | 1000 cards"},
		{"C-PACK-1/small box label", small, "小箱 B0001-01 | 01010123 红旗小学 | 学生类别 1 | 05届 | 100张", "small box B0001-01 | 01010123 红旗小学 | student category 1 | cohort 05 | 100 cards"},
		{"C-ISSUE-4/count difference", diff, "批次F7 学校01010123 学生类别1 05届：交接单1200张，清点1199张", "batch F7, school 01010123, student category 1, cohort 05: sheet 1200, counted 1199"},
		{"C-5/waste over the limit", waste, "共2000张：合格1900张，数据错误废卡70张（3.50%），制卡厂废卡30张；数据错误废卡率超过3%，数据报送方承担经济责任",
			"2000 cards: 1900 made, 70 spoilt by data errors (3.50%), 30 spoilt by the factory; data-error waste over 3 percent: the sender of the data is liable"},
		{"C-MAKE-2/level", studentid.LevelDistrict, "区级", "district"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.zh, tc.v.Localize(l10n.Chinese))
			assert.Equal(t, tc.zh, tc.v.Localize(language.Make("zh-HK")), "any zh tag")
			assert.Equal(t, tc.en, tc.v.Localize(l10n.English))
		})
	}
	assert.Equal(t, big.Localize(l10n.Chinese), big.String(), "String is the printed Chinese label")
	assert.Equal(t, small.Localize(l10n.Chinese), small.String())
	assert.NotContains(t, batch.Waste{Cards: 100, Made: 100}.Localize(l10n.English), "liable")
	assert.Equal(t, "NOWHERE", studentid.Level("NOWHERE").Localize(l10n.Chinese))
}

// Line numbers are not digit-grouped: an operator's editor must find them.
func TestLineNumbersNotGrouped(t *testing.T) {
	pe := &batch.ParseError{File: "a.txt", Line: 12345, Field: "name", Err: batch.ErrRequired}
	assert.Equal(t, "a.txt:12345: field name: required field is empty", pe.Error())
	assert.Equal(t, "a.txt 第12345行 字段姓名：必填字段为空", l10n.Error(pe, l10n.Chinese))
	re := &batch.RecordError{File: "a.txt", Line: 1234, Field: "name", RawRegistryNo: "0101012303001014", Err: batch.ErrRequired}
	assert.True(t, strings.HasPrefix(re.Error(), "a.txt:1234: "), re.Error())
}

// A resident ID number that repeats an earlier one names both students
// (C-MAKE-2): the failure row carries the duplicate's registry number, and
// its message the line and registry number of the record it repeats.
func TestDuplicateResidentIDNamesBothRecords(t *testing.T) {
	recs := genRecords(t, 1500) // past one thousand lines
	recs[1400].ResidentID, recs[1400].BirthDate, recs[1400].Gender = recs[3].ResidentID, recs[3].BirthDate, recs[3].Gender
	var failures bytes.Buffer
	fw, err := batch.NewFailureWriter(&failures, "failures.txt", districtSender())
	require.NoError(t, err)
	v := districtValidator()
	v.OnError = fw.Add
	rep, err := v.Validate(context.Background(), bytes.NewReader(cardFile(t, schoolSender(), recs)), "carddata.txt")
	require.NoError(t, err)
	require.NoError(t, fw.Close())
	require.Len(t, rep.Errors, 1)
	e := rep.Errors[0]
	assert.Equal(t, batch.ReasonDuplicate, e.Reason)
	assert.Equal(t, "resident_id", e.Field)
	assert.Equal(t, 1403, e.Line)
	assert.Equal(t, recs[1400].RegistryNo.String(), e.RawRegistryNo)
	assert.Contains(t, e.Error(), "same as line 6 (registry number "+recs[3].RegistryNo.String()+")")
	var rows []batch.Failure
	_, err = batch.ReadFailures(context.Background(), &failures, "failures.txt", func(f batch.Failure) error { rows = append(rows, f); return nil })
	require.NoError(t, err)
	require.Len(t, rows, 1)
	assert.Equal(t, recs[1400].RegistryNo.String(), rows[0].RawRegistryNo, "C-3: the school sees which student to fix")
	assert.Contains(t, rows[0].Message, "与第6行（学籍号"+recs[3].RegistryNo.String()+"）相同")
}

func TestHandoverWriteRefusesBadRows(t *testing.T) {
	row := batch.HandoverRow{GroupCount: batch.GroupCount{GroupKey: batch.GroupKey{FactoryBatch: "F1", School: testSchool("01010123"), Cohort: 30}, SchoolName: "甲", Count: 5}, BigBox: "B1", SmallBox: "B1-1"}
	for _, tc := range []struct {
		name  string
		edit  func(*batch.HandoverRow)
		field string
	}{
		{"C-PACK-1/no school code", func(r *batch.HandoverRow) { r.School = studentid.School{} }, "school_code"},
		{"C-PACK-1/empty box", func(r *batch.HandoverRow) { r.Count = 0 }, "count"},
		{"C-PACK-1/no small box name", func(r *batch.HandoverRow) { r.SmallBox = "" }, "small_box"},
		{"C-PACK-1/cohort out of range", func(r *batch.HandoverRow) { r.Cohort = 100 }, "cohort"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := row
			tc.edit(&bad)
			h := &batch.Handover{Rows: []batch.HandoverRow{row, bad}}
			bigs, smalls := h.Labels() // never panics, whatever the rows
			assert.Len(t, smalls, 2)
			assert.NotEmpty(t, bigs)
			err := h.Write(io.Discard, "h.txt", citySender())
			var pe *batch.ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.field, pe.Field)
			assert.Equal(t, 4, pe.Line)
		})
	}
	assert.Equal(t, testDistrict("0101"), batch.GroupKey{School: testSchool("01010123")}.District())
	diffs, regen, err := batch.Reconcile(nil, batch.Tally{firstGroup(t): 2}, "01", batch.BoxSizes{})
	assert.ErrorIs(t, err, batch.ErrMismatch, "C-ISSUE-4: no sheet at all differs from any card counted")
	assert.Len(t, diffs, 1)
	assert.Equal(t, 2, regen.Total())
}

// firstGroup is the group of the first generated student.
func firstGroup(t *testing.T) batch.GroupKey {
	return batch.KeyOf("F1", genRecords(t, 1)[0].RegistryNo)
}

// The streaming result writer refuses a row its reader would refuse, and
// a file it finished reads back (C-ISSUE-1).
func TestResultWriterChecksRows(t *testing.T) {
	var buf bytes.Buffer
	rw, err := batch.NewResultWriter(&buf, "results.txt", factorySender())
	require.NoError(t, err)
	good := exampleResults(t)[0]
	require.NoError(t, rw.Write(good))
	bad := good
	bad.Status, bad.WasteReason = batch.StatusWaste, ""
	err = rw.Write(bad)
	assert.ErrorIs(t, err, batch.ErrFormat)
	var pe *batch.ParseError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "waste_reason", pe.Field)
	assert.Equal(t, 4, pe.Line)
	assert.EqualValues(t, 1, rw.Count())
	require.NoError(t, rw.Close())
	w, err := batch.CheckWaste(context.Background(), &buf, "results.txt")
	require.NoError(t, err)
	assert.EqualValues(t, 1, w.Made)
}
