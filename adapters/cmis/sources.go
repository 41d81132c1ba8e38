package cmis

import (
	"bufio"
	"encoding/csv"
	"errors"
	"io"
	"strings"

	"golang.org/x/text/transform"

	"github.com/bjedu/studentcard/internal/gbtext"
)

// rowSource yields the rows of a sheet: the row number as Excel shows it
// and the cells; io.EOF at the end. bad is a broken row that was skipped
// (reading goes on); an error stops the import.
type rowSource interface {
	next() (row int, cells []rawCell, bad *CellError, err error)
	sheetName() string // "" for CSV
	close()
}

// csvSource reads rows of delimited text. Row numbers are those Excel shows
// when it opens the file: one per record, a quoted field spanning lines
// being one row, and a blank line an empty row (returned as such, so blank
// rows count the same in CSV and xlsx). Lines end in LF, CRLF or a lone CR
// (Excel for Mac).
type csvSource struct {
	r       *csv.Reader
	file    string
	row     int      // the last row returned
	endLine int      // the line the last record read ended on
	blank   int      // blank lines still to return before stash
	stash   []string // a record read, waiting behind blank lines
	out     []rawCell
}

func newCSVSource(r io.Reader, file string, enc Encoding, comma rune) *csvSource {
	if enc == EncodingGB18030 {
		// Invalid bytes decode to U+FFFD, which the row check reports as
		// ErrEncoding for the cell that holds them.
		r = transform.NewReader(r, gbtext.Decoder{})
	}
	cr := csv.NewReader(&crReader{r: bufio.NewReader(r)})
	cr.Comma = comma
	cr.FieldsPerRecord = -1 // ragged rows are fine: missing cells are empty
	// The record slice is reused; it is handed out (from stash) and fully
	// checked before the next Read.
	cr.ReuseRecord = true
	return &csvSource{r: cr, file: file}
}

func (s *csvSource) sheetName() string { return "" }

func (s *csvSource) next() (int, []rawCell, *CellError, error) {
	if s.blank > 0 {
		s.blank--
		s.row++
		return s.row, nil, nil, nil
	}
	if s.stash != nil {
		rec := s.stash
		s.stash = nil
		s.row++
		s.out = s.out[:0]
		for _, v := range rec {
			s.out = append(s.out, rawCell{s: v})
		}
		return s.row, s.out, nil, nil
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

// crReader turns a lone CR (the line end of classic Mac OS and of Excel for
// Mac's "CSV" format) into LF; CRLF and LF pass unchanged. encoding/csv
// would otherwise read a CR-only file as one line.
type crReader struct {
	r *bufio.Reader
}

func (c *crReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i := 0; i < n; i++ {
		if p[i] != '\r' {
			continue
		}
		if i+1 < n {
			if p[i+1] != '\n' {
				p[i] = '\n'
			}
			continue
		}
		// A CR at the end of what was read: look at the next byte.
		next, perr := c.r.Peek(1)
		if perr != nil || next[0] != '\n' {
			p[i] = '\n'
		}
	}
	return n, err
}
