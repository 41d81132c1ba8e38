// Package cmistest writes xlsx workbooks the way Excel, WPS and openpyxl
// lay them out — raw zip and XML — so that a test of a CMIS import (the
// SDK's own, a vendor's, cardctl's) controls what the importer meets: cell
// types (t="s", "str", "inlineStr", "n", "b", "e", "d"), formulas with and
// without a cached value, hidden sheets, number formats and date styles,
// row and cell references present or left out.
package cmistest

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
)

// Cell is one cell.
type Cell struct {
	V       string // the value as written in <v> (or the string)
	T       string // the t attribute; "" is a number; "s" goes through the shared strings
	F       string // a formula; with NoV the cell has no cached value
	NoV     bool
	S       int  // style index (cellXfs)
	NoRef   bool // leave out the r attribute
	Padding int  // columns to skip before this cell
}

// Sheet is one worksheet.
type Sheet struct {
	Name  string
	State string   // "", "hidden", "veryHidden"
	Rows  [][]Cell // nil rows are left out (Excel does not write empty rows)
}

// Workbook is a workbook.
type Workbook struct {
	Sheets   []Sheet
	NumFmts  map[int]string // custom formats, id ≥ 164
	Xfs      []int          // number format id of each cell style; style 0 is General when empty
	Date1904 bool
}

// TextRow is a row of shared-string cells, as Excel writes typed text.
func TextRow(vals ...string) []Cell {
	out := make([]Cell, len(vals))
	for i, v := range vals {
		out[i] = Cell{V: v, T: "s"}
	}
	return out
}

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// colName is the Excel letters of the 0-based column j.
func letters(j int) string {
	s := ""
	for j++; j > 0; j = (j - 1) / 26 {
		s = string(rune('A'+(j-1)%26)) + s
	}
	return s
}

// Bytes writes the workbook.
func (b Workbook) Bytes() ([]byte, error) {
	var sst []string
	index := map[string]int{}
	shared := func(s string) int {
		if i, ok := index[s]; ok {
			return i
		}
		index[s] = len(sst)
		sst = append(sst, s)
		return len(sst) - 1
	}
	var sheets []string
	for _, sh := range b.Sheets {
		var w strings.Builder
		w.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
		w.WriteString(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheetData>`)
		for i, row := range sh.Rows {
			if row == nil {
				continue
			}
			fmt.Fprintf(&w, `<row r="%d">`, i+1)
			j := -1
			for _, c := range row {
				j += 1 + c.Padding
				w.WriteString("<c")
				if !c.NoRef {
					fmt.Fprintf(&w, ` r="%s%d"`, letters(j), i+1)
				}
				if c.S != 0 {
					fmt.Fprintf(&w, ` s="%d"`, c.S)
				}
				if c.T != "" {
					fmt.Fprintf(&w, ` t="%s"`, c.T)
				}
				w.WriteString(">")
				if c.F != "" {
					fmt.Fprintf(&w, "<f>%s</f>", esc(c.F))
				}
				switch {
				case c.NoV:
				case c.T == "s":
					fmt.Fprintf(&w, "<v>%d</v>", shared(c.V))
				case c.T == "inlineStr":
					fmt.Fprintf(&w, `<is><t xml:space="preserve">%s</t></is>`, esc(c.V))
				default:
					fmt.Fprintf(&w, "<v>%s</v>", esc(c.V))
				}
				w.WriteString("</c>")
			}
			w.WriteString("</row>")
		}
		w.WriteString(`</sheetData></worksheet>`)
		sheets = append(sheets, w.String())
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	var werr error
	put := func(name, content string) {
		f, err := zw.Create(name)
		if err == nil {
			_, err = f.Write([]byte(content))
		}
		if werr == nil {
			werr = err
		}
	}
	const hdr = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
	var ct strings.Builder
	ct.WriteString(hdr + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`)
	for i := range sheets {
		fmt.Fprintf(&ct, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, i+1)
	}
	ct.WriteString(`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`)
	put("[Content_Types].xml", ct.String())
	put("_rels/.rels", hdr+`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	var wb, rels strings.Builder
	wb.WriteString(hdr + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`)
	if b.Date1904 {
		wb.WriteString(`<workbookPr date1904="1"/>`)
	}
	wb.WriteString("<sheets>")
	rels.WriteString(hdr + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	for i, sh := range b.Sheets {
		state := ""
		if sh.State != "" {
			state = fmt.Sprintf(` state="%s"`, sh.State)
		}
		fmt.Fprintf(&wb, `<sheet name="%s" sheetId="%d"%s r:id="rId%d"/>`, esc(sh.Name), i+1, state, i+1)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, i+1, i+1)
		put(fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1), sheets[i])
	}
	wb.WriteString("</sheets></workbook>")
	n := len(b.Sheets)
	fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`, n+1, n+2)
	put("xl/workbook.xml", wb.String())
	put("xl/_rels/workbook.xml.rels", rels.String())
	var st strings.Builder
	st.WriteString(hdr + `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	if len(b.NumFmts) > 0 {
		fmt.Fprintf(&st, `<numFmts count="%d">`, len(b.NumFmts))
		for id, code := range b.NumFmts {
			fmt.Fprintf(&st, `<numFmt numFmtId="%d" formatCode="%s"/>`, id, esc(code))
		}
		st.WriteString("</numFmts>")
	}
	xfs := b.Xfs
	if len(xfs) == 0 {
		xfs = []int{0}
	}
	fmt.Fprintf(&st, `<cellXfs count="%d">`, len(xfs))
	for _, id := range xfs {
		fmt.Fprintf(&st, `<xf numFmtId="%d" fontId="0" fillId="0" borderId="0" xfId="0"/>`, id)
	}
	st.WriteString("</cellXfs></styleSheet>")
	put("xl/styles.xml", st.String())
	var ss strings.Builder
	fmt.Fprintf(&ss, hdr+`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(sst), len(sst))
	for _, s := range sst {
		fmt.Fprintf(&ss, `<si><t xml:space="preserve">%s</t></si>`, esc(s))
	}
	ss.WriteString("</sst>")
	put("xl/sharedStrings.xml", ss.String())
	if err := zw.Close(); werr == nil {
		werr = err
	}
	return buf.Bytes(), werr
}

// TextSheet is a sheet of shared-string cells (a nil row is left out, as
// Excel leaves out empty rows).
func TextSheet(name string, rows [][]string) Sheet {
	out := Sheet{Name: name}
	for _, r := range rows {
		if r == nil {
			out.Rows = append(out.Rows, nil)
			continue
		}
		out.Rows = append(out.Rows, TextRow(r...))
	}
	return out
}

// XLSX is a workbook of one sheet, Sheet1, of text cells.
func XLSX(rows [][]string) ([]byte, error) {
	return Workbook{Sheets: []Sheet{TextSheet("Sheet1", rows)}}.Bytes()
}
