package cmis

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// csvSource reads rows of delimited text. Row numbers are those Excel shows
// when it opens the file: one per record, a quoted field spanning lines
// being one row, and a blank line an empty row (returned as such, so blank
// rows count the same in CSV and xlsx).
type csvSource struct {
	r       *csv.Reader
	file    string
	row     int      // the last row returned
	endLine int      // the line the last record read ended on
	blank   int      // blank lines still to return before stash
	stash   []string // a record read, waiting behind blank lines
}

func newCSVSource(r io.Reader, file string, enc Encoding, comma rune) *csvSource {
	if enc == EncodingGB18030 {
		// Invalid bytes decode to U+FFFD, which the row check reports as
		// ErrEncoding for the cell that holds them.
		r = transform.NewReader(r, simplifiedchinese.GB18030.NewDecoder())
	}
	cr := csv.NewReader(r)
	cr.Comma = comma
	cr.FieldsPerRecord = -1 // ragged rows are fine: missing cells are empty
	// The record slice is reused; it is handed out (from stash) and fully
	// checked before the next Read.
	cr.ReuseRecord = true
	return &csvSource{r: cr, file: file}
}

func (s *csvSource) next() (int, []string, *CellError, error) {
	if s.blank > 0 {
		s.blank--
		s.row++
		return s.row, nil, nil, nil
	}
	if s.stash != nil {
		rec := s.stash
		s.stash = nil
		s.row++
		return s.row, rec, nil, nil
	}
	rec, err := s.r.Read()
	if err == io.EOF {
		return 0, nil, nil, io.EOF
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		// The blank lines before a broken record are not worth returning
		// one by one: they only move the row number.
		s.row += max(pe.StartLine-s.endLine, 1)
		s.endLine = pe.Line
		return s.row, nil, &CellError{File: s.file, Row: s.row, Err: &causeError{ErrMalformedRow, pe.Err}}, nil
	}
	if err != nil {
		return 0, nil, nil, &CellError{File: s.file, Row: s.row + 1, Err: err}
	}
	start, _ := s.r.FieldPos(0)
	last, _ := s.r.FieldPos(len(rec) - 1)
	s.blank = max(start-s.endLine-1, 0)
	s.endLine = last + strings.Count(rec[len(rec)-1], "\n")
	s.stash = rec
	return s.next()
}

func (s *csvSource) close() {}

// xlsxSource streams the rows of one worksheet with excelize's row
// iterator, so the sheet's XML is never held whole in memory (excelize
// spills a large sheet to a temporary file while unpacking).
type xlsxSource struct {
	file string
	f    *excelize.File
	rows *excelize.Rows
	row  int
}

// openXLSX opens the workbook and the sheet to read. Excelize is third-party
// code reading untrusted input: a panic inside it becomes ErrNotSpreadsheet,
// never a crash of the caller.
func (im *Importer) openXLSX(r io.Reader, res *Result) (src rowSource, err error) {
	defer func() {
		if p := recover(); p != nil {
			src, err = nil, &CellError{File: res.File, Err: detail(ErrNotSpreadsheet, "the workbook cannot be read: %s", fmt.Sprint(p))}
		}
	}()
	limit := im.MaxUnzipBytes
	if limit <= 0 {
		limit = DefaultMaxUnzipBytes
	}
	f, err := excelize.OpenReader(r, excelize.Options{UnzipSizeLimit: limit, UnzipXMLSizeLimit: min(limit, excelize.StreamChunkSize)})
	if err != nil {
		return nil, &CellError{File: res.File, Err: detail(ErrNotSpreadsheet, "the workbook cannot be read: %s", err.Error())}
	}
	sheets := f.GetSheetList()
	sheet := im.Sheet
	switch {
	case len(sheets) == 0:
		_ = f.Close()
		return nil, &CellError{File: res.File, Err: detail(ErrNotSpreadsheet, "the workbook has no sheet")}
	case sheet == "":
		sheet = sheets[0]
	case !slices.Contains(sheets, sheet):
		_ = f.Close()
		return nil, &CellError{File: res.File, Header: sheet, Err: detail(ErrSheet, "the workbook has sheets %s", strings.Join(sheets, ", "))}
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		_ = f.Close()
		return nil, &CellError{File: res.File, Err: detail(ErrNotSpreadsheet, "the workbook cannot be read: %s", err.Error())}
	}
	return &xlsxSource{file: res.File, f: f, rows: rows}, nil
}

func (s *xlsxSource) next() (row int, cells []string, bad *CellError, err error) {
	defer func() {
		if p := recover(); p != nil {
			row, cells, bad, err = 0, nil, nil, s.broken(fmt.Sprint(p))
		}
	}()
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return 0, nil, nil, s.broken(err.Error())
		}
		return 0, nil, nil, io.EOF
	}
	s.row++
	cells, err = s.rows.Columns()
	if err != nil {
		return 0, nil, nil, s.broken(err.Error())
	}
	return s.row, cells, nil, nil
}

// broken is the error of a workbook whose sheet cannot be read on.
func (s *xlsxSource) broken(why string) error {
	return &CellError{File: s.file, Row: s.row, Err: detail(ErrNotSpreadsheet, "the workbook cannot be read: %s", why)}
}

func (s *xlsxSource) close() {
	_ = s.rows.Close()
	_ = s.f.Close()
}
