package cmis_test

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// This file is the tests' own minimal xlsx writer: raw zip and XML as Excel,
// WPS and openpyxl lay them out, so a test controls what the importer
// meets — cell types (t="s", "str", "inlineStr", "n", "b", "e", "d"),
// formulas with and without a cached value, hidden sheets, number formats
// and date styles, row and cell references present or left out.

// xc is one cell.
type xc struct {
	V       string // the value as written in <v> (or the string)
	T       string // the t attribute; "" is a number; "s" goes through the shared strings
	F       string // a formula; with NoV the cell has no cached value
	NoV     bool
	S       int  // style index (cellXfs)
	NoRef   bool // leave out the r attribute
	Padding int  // columns to skip before this cell
}

// xs is one worksheet.
type xs struct {
	Name  string
	State string // "", "hidden", "veryHidden"
	Rows  [][]xc // nil rows are left out (Excel does not write empty rows)
}

// xb is a workbook.
type xb struct {
	Sheets   []xs
	NumFmts  map[int]string // custom formats, id ≥ 164
	Xfs      []int          // number format id of each cell style; style 0 is General when empty
	Date1904 bool
}

// text is a row of shared-string cells.
func textRow(vals ...string) []xc {
	out := make([]xc, len(vals))
	for i, v := range vals {
		out[i] = xc{V: v, T: "s"}
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

func (b xb) bytes(t testing.TB) []byte {
	t.Helper()
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
	put := func(name, content string) {
		f, err := zw.Create(name)
		require.NoError(t, err)
		_, err = f.Write([]byte(content))
		require.NoError(t, err)
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
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// textSheet is a sheet of text cells (nil rows left out).
func textSheet(name string, rows [][]string) xs {
	out := xs{Name: name}
	for _, r := range rows {
		if r == nil {
			out.Rows = append(out.Rows, nil)
			continue
		}
		out.Rows = append(out.Rows, textRow(r...))
	}
	return out
}
