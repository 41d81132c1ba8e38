package main

import (
	"bytes"
	"encoding/csv"
	"fmt"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/bjedu/studentcard/adapters/cmis"
	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/studentid"
)

// rosterRow is one student as the school's CMIS holds it: the card-making
// fields (C-1) and the collected fields its export carries (P-4). CMIS is
// the only place the school fixes data (C-3), so every mistake of the story
// is made, and fixed, here.
type rosterRow struct {
	card     batch.CardRecord
	division string // 行政区划代码: 6-digit GB/T 2260 code + 000000 (P-4)
	photo    string // the photo's file name in the school's photo folder
}

// exportHeader is the header row of a CMIS student export, as CMIS names
// the columns (adapters/cmis maps them by name).
var exportHeader = []string{"学校名称", "姓名", "性别", "学籍号", "身份证号", "出生日期", "照片文件名", "班号", "入学年月", "行政区划代码"}

// cells is the row as CMIS exports it. The class number (entry year, grade,
// class) and the entry month follow from the registry number: a primary
// cohort graduates 6 years after it entered, in grade 1, in September.
func (r rosterRow) cells() []string {
	classNo, entry := "", ""
	if id, err := studentid.Parse(r.card.RegistryNo.String()); err == nil {
		year := 2000 + id.Cohort() - 6
		classNo = fmt.Sprintf("%d1%02d", year, id.Class())
		entry = fmt.Sprintf("%d09", year)
	}
	c := r.card
	return []string{c.SchoolName, c.Name, c.Gender.Localize(l10n.Chinese), c.RegistryNo.String(), c.ResidentID, c.BirthDate, r.photo, classNo, entry, r.division}
}

// exportXLSX is the school's CMIS export as an Excel workbook: a title row,
// the header, one text row per student.
func (d *demo) exportXLSX(s *school) ([]byte, string, error) {
	name := fmt.Sprintf("students_%s.xlsx", s.code)
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return nil, "", d.expect(err, "writing %s", name)
	}
	rows := [][]string{{s.name + " 学生信息导出"}, exportHeader}
	for _, r := range s.roster {
		rows = append(rows, r.cells())
	}
	for i, row := range rows {
		vals := make([]any, len(row))
		for j, v := range row {
			vals[j] = v
		}
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err == nil {
			err = sw.SetRow(cell, vals)
		}
		if err != nil {
			return nil, "", d.expect(err, "writing %s", name)
		}
	}
	var buf bytes.Buffer
	if err := sw.Flush(); err != nil {
		return nil, "", d.expect(err, "writing %s", name)
	}
	if err := f.Write(&buf); err != nil {
		return nil, "", d.expect(err, "writing %s", name)
	}
	return buf.Bytes(), name, nil
}

// exportCSV is the school's CMIS export as CSV in GB18030, what CMIS and
// Excel on Chinese Windows write.
func (d *demo) exportCSV(s *school) ([]byte, string, error) {
	name := fmt.Sprintf("students_%s.csv", s.code)
	var buf bytes.Buffer
	w := csv.NewWriter(simplifiedchinese.GB18030.NewEncoder().Writer(&buf))
	w.UseCRLF = true
	if err := w.Write(exportHeader); err != nil {
		return nil, "", d.expect(err, "writing %s", name)
	}
	for _, r := range s.roster {
		if err := w.Write(r.cells()); err != nil {
			return nil, "", d.expect(err, "writing %s", name)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, "", d.expect(err, "writing %s", name)
	}
	return buf.Bytes(), name, nil
}

// importExport is the school's card management system importing a CMIS
// export (C-MAKE-1) with adapters/cmis: every cell checked by the rules of
// P-4 and the data checks of SPEC §2, every bad cell listed.
func (d *demo) importExport(s *school, data []byte, name string) (*cmis.Result, error) {
	im := cmis.Importer{Scheme: studentid.MOD11_10, Now: d.clock}
	res, err := im.Import(d.ctx, bytes.NewReader(data), name)
	if err != nil {
		return nil, d.expect(err, "importing %s", name)
	}
	enc := string(res.Format)
	if res.Encoding != "" {
		enc += ", " + string(res.Encoding)
	}
	d.say("   %s exports its students from CMIS as %s (%s) and imports it: %d rows, %d good, %d with errors (P-4)", s.code, name, enc, res.Summary.Rows, res.Summary.Good, res.Summary.Bad)
	return res, nil
}

// exportAndImport is one round of CMIS export and import: an xlsx workbook
// for school A, a GB18030 CSV file for school B.
func (d *demo) exportAndImport(s *school) (*cmis.Result, error) {
	export := d.exportXLSX
	if s == d.b {
		export = d.exportCSV
	}
	data, name, err := export(s)
	if err != nil {
		return nil, err
	}
	return d.importExport(s, data, name)
}

// importClean is a CMIS export that should import without a problem: the
// imported records become the school's card-making records.
func (d *demo) importClean(s *school) error {
	res, err := d.exportAndImport(s)
	if err != nil {
		return err
	}
	if err := d.check(res.Err() == nil && len(res.Warnings) == 0 && res.Summary.Good == len(s.roster), "%s's export imports without a problem", s.code); err != nil {
		return err
	}
	s.cmis = res.CardRecords()
	s.photoOf = map[string]string{}
	for _, r := range res.Records {
		s.photoOf[r.Card.RegistryNo.String()] = r.Photo
	}
	return nil
}
