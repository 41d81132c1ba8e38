package cmis

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Bounds of an xlsx import. A workbook is a zip of XML files, and a small
// file can unpack into a great deal: every bound below is checked while
// reading, so a hostile workbook is refused ([ErrTooBig]) after bounded work
// and memory, and nothing is written to disk.
const (
	// MaxCellBytes bounds the text of one cell or shared string (UTF-8):
	// Excel itself holds at most 32,767 characters in a cell.
	MaxCellBytes = 3 * 32767
	// MaxSharedStrings bounds the shared-string table of a workbook: a
	// school's export holds a few per student.
	MaxSharedStrings = 1 << 20
	// MaxSharedStringBytes bounds the text of all shared strings together,
	// which is held in memory while the sheet is read.
	MaxSharedStringBytes = 64 << 20
	// MaxXLSXBytes bounds the size of the workbook file itself (it is held
	// in memory unless the reader is an io.ReaderAt with a size).
	MaxXLSXBytes = 256 << 20
	// DefaultMaxUnzipBytes bounds the unpacked size of all the parts read
	// from a workbook; Importer.MaxUnzipBytes overrides it.
	DefaultMaxUnzipBytes = 512 << 20
	// maxPartBytes bounds the small parts parsed whole (workbook, styles,
	// relationships).
	maxPartBytes = 16 << 20
	// maxTagBytes bounds one XML tag or run of text between two tags.
	maxTagBytes = 1 << 20
	// Excel's grid.
	maxRows, maxCols = 1 << 20, 1 << 14
)

// cellKind is the type of a cell as the workbook stores it.
type cellKind uint8

const (
	cellText    cellKind = iota // a string (shared, inline, a formula's string result) or CSV text
	cellNumber                  // a number (t="n" or no type)
	cellBool                    // TRUE or FALSE
	cellError                   // an Excel error value such as #N/A
	cellDate                    // an ISO 8601 date (t="d")
	cellFormula                 // a formula without a computed value
)

// rawCell is one cell as read: its text (the string, the number as written
// in the file, the error code) and type, and for numbers whether the cell's
// number format shows a date, and the format code.
type rawCell struct {
	s    string
	kind cellKind
	date bool
	fmt  string
}

// workbook is an opened xlsx file.
type workbook struct {
	file     string
	zr       *zip.Reader
	entries  map[string]*zip.File
	budget   int64 // unzip bytes still allowed
	limit    int64 // the unzip limit
	sheets   []sheetRef
	date1904 bool
	xfs      []xfFormat // by style index
	sstPath  string
	sst      *sharedStrings
}

type sheetRef struct {
	name   string
	hidden bool
	path   string
}

type xfFormat struct {
	code string
	date bool
}

// errTooBig makes the bound errors.
func (w *workbook) tooBig(what string, limit int) error {
	return &CellError{File: w.file, Err: detail(ErrTooBig, "%s exceeds %d", text(what), limit)}
}

func (w *workbook) broken(why string) error {
	return &CellError{File: w.file, Err: detail(ErrNotSpreadsheet, "the workbook cannot be read: %s", why)}
}

// openWorkbook reads the zip directory and the workbook's small parts.
func openWorkbook(ra io.ReaderAt, size int64, file string, budget int64) (*workbook, error) {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return nil, &CellError{File: file, Err: detail(ErrNotSpreadsheet, "the workbook cannot be read: %s", err.Error())}
	}
	w := &workbook{file: file, zr: zr, entries: map[string]*zip.File{}, budget: budget, limit: budget}
	for _, f := range zr.File {
		name := strings.ToLower(strings.TrimPrefix(f.Name, "/"))
		if _, dup := w.entries[name]; dup {
			return nil, w.broken("two parts named " + f.Name)
		}
		w.entries[name] = f
	}
	wbPath := "xl/workbook.xml"
	var root relationships
	if err := w.readXML("_rels/.rels", &root); err == nil {
		for _, r := range root.Rels {
			if strings.HasSuffix(r.Type, "/officeDocument") {
				wbPath = resolve("", r.Target)
			}
		}
	}
	var wb struct {
		Pr struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Sheets []struct {
			Name  string `xml:"name,attr"`
			State string `xml:"state,attr"`
			ID    string `xml:"id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := w.readXML(wbPath, &wb); err != nil {
		return nil, err
	}
	w.date1904 = wb.Pr.Date1904 == "1" || wb.Pr.Date1904 == "true"
	dir := path.Dir(wbPath)
	var rels relationships
	if err := w.readXML(path.Join(dir, "_rels", path.Base(wbPath)+".rels"), &rels); err != nil {
		return nil, err
	}
	byID := map[string]string{}
	stylesPath := ""
	for _, r := range rels.Rels {
		target := resolve(dir, r.Target)
		switch {
		case strings.HasSuffix(r.Type, "/worksheet"):
			byID[r.ID] = target
		case strings.HasSuffix(r.Type, "/sharedStrings"):
			w.sstPath = target
		case strings.HasSuffix(r.Type, "/styles"):
			stylesPath = target
		}
	}
	for _, s := range wb.Sheets {
		if p, ok := byID[s.ID]; ok { // chart sheets and dialogs have no worksheet part
			w.sheets = append(w.sheets, sheetRef{name: s.Name, hidden: s.State == "hidden" || s.State == "veryHidden", path: p})
		}
	}
	if stylesPath != "" {
		if err := w.readStyles(stylesPath); err != nil {
			return nil, err
		}
	}
	return w, nil
}

type relationships struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

// resolve turns a relationship target into a part name.
func resolve(dir, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return path.Clean(path.Join(dir, target))
}

// open opens a part, counting what it unpacks against the budget.
func (w *workbook) open(name string) (io.ReadCloser, error) {
	f, ok := w.entries[strings.ToLower(name)]
	if !ok {
		return nil, w.broken("no part " + name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, w.broken(err.Error())
	}
	return &budgetReader{rc: rc, w: w}, nil
}

// budgetReader fails once the workbook's unzip budget is spent.
type budgetReader struct {
	rc io.ReadCloser
	w  *workbook
}

func (b *budgetReader) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.w.budget -= int64(n)
	if b.w.budget < 0 {
		return n, errUnzipBudget
	}
	return n, err
}

func (b *budgetReader) Close() error { return b.rc.Close() }

var errUnzipBudget = errors.New("unzip budget spent")

// readErr turns a read error of a part into the import's error.
func (w *workbook) readErr(err error) error {
	if errors.Is(err, errUnzipBudget) {
		return w.tooBig("the unpacked workbook (bytes)", int(w.limit))
	}
	var ce *CellError
	if errors.As(err, &ce) {
		return err
	}
	return w.broken(err.Error())
}

// readXML parses a small part whole.
func (w *workbook) readXML(name string, v any) error {
	rc, err := w.open(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxPartBytes+1))
	if err != nil {
		return w.readErr(err)
	}
	if len(b) > maxPartBytes {
		return w.tooBig("a workbook part (bytes)", maxPartBytes)
	}
	if err := xml.Unmarshal(b, v); err != nil {
		return w.broken(name + ": " + err.Error())
	}
	return nil
}

// readStyles reads the number format of every cell style.
func (w *workbook) readStyles(name string) error {
	var st struct {
		NumFmts []struct {
			ID   int    `xml:"numFmtId,attr"`
			Code string `xml:"formatCode,attr"`
		} `xml:"numFmts>numFmt"`
		Xfs []struct {
			NumFmtID int `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	if err := w.readXML(name, &st); err != nil {
		return err
	}
	custom := map[int]string{}
	for _, f := range st.NumFmts {
		custom[f.ID] = f.Code
	}
	w.xfs = make([]xfFormat, len(st.Xfs))
	for i, xf := range st.Xfs {
		code, ok := custom[xf.NumFmtID]
		if !ok {
			code = builtinFormats[xf.NumFmtID]
		}
		w.xfs[i] = xfFormat{code: code, date: builtinDate(xf.NumFmtID) || ok && isDateFormat(code)}
	}
	return nil
}

// builtinFormats are the built-in number formats a message may name.
var builtinFormats = map[int]string{
	0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%", 11: "0.00E+00",
	14: "yyyy/m/d", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 22: "yyyy/m/d h:mm", 27: `yyyy"年"m"月"`,
	31: `yyyy"年"m"月"d"日"`, 49: "@", 57: `yyyy"年"m"月"`, 58: `m"月"d"日"`,
}

// builtinDate reports whether a built-in format shows a date: the
// international ones (14-17, 22) and those of the Chinese locale (27-31,
// 36, 50-54, 57, 58); 18-21, 32-35, 45-47, 55 and 56 show times only.
func builtinDate(id int) bool {
	switch {
	case id >= 14 && id <= 17, id == 22, id >= 27 && id <= 31, id == 36, id >= 50 && id <= 54, id == 57, id == 58:
		return true
	}
	return false
}

// isDateFormat reports whether a custom number format shows a date: it has
// a year or day part (or a month without hours or seconds), outside quoted
// text, escapes and [brackets]; a system date format [$-F800] too.
func isDateFormat(code string) bool {
	if strings.Contains(strings.ToUpper(code), "[$-F800]") {
		return true
	}
	var y, m, d, hs bool
	for i := 0; i < len(code); i++ {
		switch c := code[i]; c {
		case '"':
			for i++; i < len(code) && code[i] != '"'; i++ {
			}
		case '\\', '_', '*':
			i++
		case '[':
			for i++; i < len(code) && code[i] != ']'; i++ {
			}
		case ';':
			return y || d || m && !hs // the positive section decides
		default:
			switch c | 0x20 {
			case 'y', 'e':
				y = true
			case 'd':
				d = true
			case 'm':
				m = true
			case 'h', 's':
				hs = true
			}
		}
	}
	return y || d || m && !hs
}

// sharedStrings is the shared-string table in one buffer.
type sharedStrings struct {
	buf []byte
	end []uint32 // end offset of each string in buf
}

func (s *sharedStrings) get(i int) (string, bool) {
	if i < 0 || i >= len(s.end) {
		return "", false
	}
	start := uint32(0)
	if i > 0 {
		start = s.end[i-1]
	}
	return string(s.buf[start:s.end[i]]), true
}

// readSharedStrings reads the table once, bounded in count and bytes.
func (w *workbook) readSharedStrings() error {
	w.sst = &sharedStrings{}
	if w.sstPath == "" {
		return nil
	}
	rc, err := w.open(w.sstPath)
	if err != nil {
		return err
	}
	defer rc.Close()
	sc := newXMLScanner(rc)
	var cell []byte
	inSI, inT, rph := false, false, 0
	for {
		tok, err := sc.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return w.scanErr(err, "shared strings")
		}
		switch tok.kind {
		case tokStart, tokEmpty:
			switch string(tok.name) {
			case "si":
				inSI, cell = true, cell[:0]
				if tok.kind == tokEmpty {
					if err := w.addShared(nil); err != nil {
						return err
					}
					inSI = false
				}
			case "t":
				inT = tok.kind == tokStart
			case "rPh":
				if tok.kind == tokStart {
					rph++
				}
			}
		case tokEnd:
			switch string(tok.name) {
			case "si":
				if err := w.addShared(cell); err != nil {
					return err
				}
				inSI = false
			case "t":
				inT = false
			case "rPh":
				rph--
			}
		case tokText:
			if inSI && inT && rph == 0 {
				if cell, err = appendText(cell, tok.text); err != nil {
					return w.scanErr(err, "shared strings")
				}
			}
		}
	}
}

func (w *workbook) addShared(s []byte) error {
	t := w.sst
	if len(t.end) >= MaxSharedStrings {
		return w.tooBig("the shared strings (count)", MaxSharedStrings)
	}
	if len(t.buf)+len(s) > MaxSharedStringBytes {
		return w.tooBig("the shared strings (bytes)", MaxSharedStringBytes)
	}
	t.buf = append(t.buf, unescapeX(s)...)
	t.end = append(t.end, uint32(len(t.buf)))
	return nil
}

func (w *workbook) scanErr(err error, part string) error {
	switch {
	case errors.Is(err, errUnzipBudget):
		return w.tooBig("the unpacked workbook (bytes)", int(w.limit))
	case errors.Is(err, errCellTooLong):
		return w.tooBig("the text of one cell (bytes)", MaxCellBytes)
	case errors.Is(err, errTagTooLong):
		return w.tooBig("one XML tag or text (bytes)", maxTagBytes)
	}
	return w.broken(part + ": " + err.Error())
}

// xlsxSource streams the rows of one worksheet.
type xlsxSource struct {
	w       *workbook
	sheet   string
	rc      io.ReadCloser
	sc      *xmlScanner
	row     int       // the last row returned
	pending int       // the row number of the row read ahead (0: none)
	cells   []rawCell // its cells
	done    bool
	out     []rawCell
	text    []byte
}

func (w *workbook) openSheet(ref sheetRef) (*xlsxSource, error) {
	if w.sst == nil {
		if err := w.readSharedStrings(); err != nil {
			return nil, err
		}
	}
	rc, err := w.open(ref.path)
	if err != nil {
		return nil, err
	}
	return &xlsxSource{w: w, sheet: ref.name, rc: rc, sc: newXMLScanner(rc)}, nil
}

func (s *xlsxSource) close() { _ = s.rc.Close() }

func (s *xlsxSource) sheetName() string { return s.sheet }

// next returns the next row; rows the sheet leaves out come back empty, so
// row numbers are those Excel shows.
func (s *xlsxSource) next() (int, []rawCell, *CellError, error) {
	if s.pending == 0 && !s.done {
		if err := s.readRow(); err != nil {
			return 0, nil, nil, err
		}
	}
	if s.pending == 0 {
		return 0, nil, nil, io.EOF
	}
	s.row++
	if s.row < s.pending {
		return s.row, nil, nil, nil
	}
	s.pending = 0
	s.out = append(s.out[:0], s.cells...)
	return s.row, s.out, nil, nil
}

func (s *xlsxSource) rowErr(err error) error {
	var ce *CellError
	if !errors.As(err, &ce) {
		err = s.w.scanErr(err, "sheet "+s.sheet)
		errors.As(err, &ce)
	}
	ce.Row = s.row + 1
	return ce
}

// readRow reads the next <row> element into s.cells and s.pending.
func (s *xlsxSource) readRow() error {
	var (
		inRow          bool
		col            = -1
		c              rawCell
		style          int
		typ            string
		hasV, hasF     bool
		inV, inT, inIS bool
		rph            int
	)
	s.cells = s.cells[:0]
	for {
		tok, err := s.sc.next()
		if err == io.EOF {
			s.done = true
			if inRow {
				return s.rowErr(errors.New("the sheet ends inside a row"))
			}
			return nil
		}
		if err != nil {
			return s.rowErr(err)
		}
		switch tok.kind {
		case tokStart, tokEmpty:
			switch string(tok.name) {
			case "row":
				var r int
				if v, ok := tok.attr("r"); ok {
					n, err := strconv.Atoi(string(v))
					if err != nil {
						return s.rowErr(errors.New("row number " + strconv.Quote(string(v))))
					}
					r = n
				} else {
					r = s.row + 1
				}
				if r <= s.row || r > maxRows {
					return s.rowErr(errors.New("row number " + strconv.Itoa(r) + " out of order or past Excel's last row"))
				}
				s.pending, inRow, col = r, true, -1
				if tok.kind == tokEmpty {
					return nil
				}
			case "c":
				if !inRow {
					return s.rowErr(errors.New("a cell outside a row"))
				}
				next := col + 1
				if v, ok := tok.attr("r"); ok {
					j, ok := columnIndex(v)
					if !ok || j <= col {
						return s.rowErr(errors.New("cell reference " + strconv.Quote(string(v))))
					}
					next = j
				}
				if next >= maxCols {
					return s.rowErr(errors.New("a cell past Excel's last column"))
				}
				col = next
				style, typ, hasV, hasF, s.text = 0, "", false, false, s.text[:0]
				if v, ok := tok.attr("s"); ok {
					style, _ = strconv.Atoi(string(v))
				}
				if v, ok := tok.attr("t"); ok {
					typ = string(v)
				}
				if tok.kind == tokEmpty {
					s.put(col, rawCell{})
				}
			case "v":
				hasV, inV = true, tok.kind == tokStart
			case "f":
				hasF = true
			case "is":
				hasV, inIS = true, tok.kind == tokStart
			case "t":
				inT = tok.kind == tokStart
			case "rPh":
				if tok.kind == tokStart {
					rph++
				}
			}
		case tokEnd:
			switch string(tok.name) {
			case "row":
				return nil
			case "c":
				var err error
				if c, err = s.cell(style, typ, hasV, hasF); err != nil {
					return s.rowErr(err)
				}
				s.put(col, c)
			case "v":
				inV = false
			case "is":
				inIS = false
			case "t":
				inT = false
			case "rPh":
				rph--
			case "sheetData":
				s.done = true
				return nil
			}
		case tokText:
			if inV || inIS && inT && rph == 0 {
				if s.text, err = appendText(s.text, tok.text); err != nil {
					return s.rowErr(err)
				}
			}
		}
	}
}

func (s *xlsxSource) put(col int, c rawCell) {
	for len(s.cells) < col {
		s.cells = append(s.cells, rawCell{})
	}
	s.cells = append(s.cells, c)
}

// cell makes the value of a finished <c> element.
func (s *xlsxSource) cell(style int, typ string, hasV, hasF bool) (rawCell, error) {
	v := string(s.text)
	switch {
	case hasF && (!hasV || v == "" && typ != "str"):
		// openpyxl and other writers leave <v> out or empty: the value
		// was never computed.
		return rawCell{kind: cellFormula}, nil
	case !hasV:
		return rawCell{}, nil
	}
	switch typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return rawCell{}, errors.New("shared string index " + strconv.Quote(v))
		}
		str, ok := s.w.sst.get(i)
		if !ok {
			return rawCell{}, errors.New("shared string " + strconv.Itoa(i) + " does not exist")
		}
		return rawCell{s: str}, nil
	case "inlineStr":
		return rawCell{s: string(unescapeX(s.text))}, nil
	case "str":
		return rawCell{s: v}, nil
	case "b":
		if strings.TrimSpace(v) == "1" {
			return rawCell{s: "TRUE", kind: cellBool}, nil
		}
		return rawCell{s: "FALSE", kind: cellBool}, nil
	case "e":
		return rawCell{s: v, kind: cellError}, nil
	case "d":
		return rawCell{s: v, kind: cellDate}, nil
	case "", "n":
		c := rawCell{s: strings.TrimSpace(v), kind: cellNumber}
		if style >= 0 && style < len(s.w.xfs) {
			c.date, c.fmt = s.w.xfs[style].date, s.w.xfs[style].code
		}
		return c, nil
	}
	return rawCell{}, errors.New("cell type " + strconv.Quote(typ))
}

// columnIndex returns the 0-based column of a cell reference such as "AB12".
func columnIndex(ref []byte) (int, bool) {
	j, i := 0, 0
	for ; i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z'; i++ {
		j = j*26 + int(ref[i]-'A'+1)
		if j > maxCols {
			return 0, false
		}
	}
	if i == 0 {
		return 0, false
	}
	return j - 1, true
}

// unescapeX decodes the _xHHHH_ escapes of OOXML strings (Excel writes a
// carriage return as _x000D_); _x005F_ escapes an underscore.
func unescapeX(b []byte) []byte {
	if !bytes.Contains(b, []byte("_x")) {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] == '_' && i+6 < len(b) && b[i+1] == 'x' && b[i+6] == '_' {
			if n, err := strconv.ParseUint(string(b[i+2:i+6]), 16, 16); err == nil {
				out = utf8.AppendRune(out, rune(n))
				i += 6
				continue
			}
		}
		out = append(out, b[i])
	}
	return out
}

// xmlScanner is a small streaming XML tokenizer for the sheet and
// shared-string parts: it never holds more than one tag or one run of text
// (at most maxTagBytes), which encoding/xml cannot promise.
type xmlScanner struct {
	r   *bufio.Reader
	buf []byte
	tok xmlToken
}

type tokKind uint8

const (
	tokStart tokKind = iota
	tokEnd
	tokEmpty
	tokText
)

type xmlToken struct {
	kind  tokKind
	name  []byte // local name, prefix dropped
	attrs []byte // the raw attributes of a start tag
	text  []byte // raw text (entities not decoded)
}

var (
	errTagTooLong  = errors.New("XML tag or text too long")
	errCellTooLong = errors.New("cell text too long")
)

func newXMLScanner(r io.Reader) *xmlScanner {
	return &xmlScanner{r: bufio.NewReaderSize(r, 64<<10)}
}

// readUntil reads through delim, bounded by maxTagBytes: a longer text is
// a cell too long, a longer tag a broken workbook.
func (x *xmlScanner) readUntil(delim byte) ([]byte, error) {
	b, err := x.r.ReadSlice(delim)
	if err == nil {
		return b, nil
	}
	x.buf = append(x.buf[:0], b...)
	for errors.Is(err, bufio.ErrBufferFull) {
		if len(x.buf) > maxTagBytes {
			if delim == '<' {
				return nil, errCellTooLong
			}
			return nil, errTagTooLong
		}
		b, err = x.r.ReadSlice(delim)
		x.buf = append(x.buf, b...)
	}
	return x.buf, err
}

func (x *xmlScanner) next() (*xmlToken, error) {
	for {
		c, err := x.r.ReadByte()
		if err != nil {
			return nil, err
		}
		if c != '<' {
			_ = x.r.UnreadByte()
			b, err := x.readUntil('<')
			if err == io.EOF {
				return nil, io.EOF // trailing text after the root
			}
			if err != nil {
				return nil, err
			}
			_ = x.r.UnreadByte()
			x.tok = xmlToken{kind: tokText, text: b[:len(b)-1]}
			return &x.tok, nil
		}
		b, err := x.readUntil('>')
		if err == io.EOF {
			return nil, io.ErrUnexpectedEOF
		}
		if err != nil {
			return nil, err
		}
		b = b[:len(b)-1]
		switch {
		case len(b) > 0 && (b[0] == '?' || b[0] == '!'):
			if bytes.HasPrefix(b, []byte("!--")) && !bytes.HasSuffix(b, []byte("--")) {
				// a comment holding '>': read on to its end
				for {
					more, err := x.readUntil('>')
					if err != nil {
						return nil, io.ErrUnexpectedEOF
					}
					if bytes.HasSuffix(more, []byte("-->")) {
						break
					}
				}
			}
			continue // declarations, processing instructions, comments
		case len(b) > 0 && b[0] == '/':
			x.tok = xmlToken{kind: tokEnd, name: localName(bytes.TrimSpace(b[1:]))}
			return &x.tok, nil
		}
		kind := tokStart
		if len(b) > 0 && b[len(b)-1] == '/' {
			kind, b = tokEmpty, b[:len(b)-1]
		}
		i := 0
		for i < len(b) && !isSpace(b[i]) {
			i++
		}
		x.tok = xmlToken{kind: kind, name: localName(b[:i]), attrs: b[i:]}
		return &x.tok, nil
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func localName(b []byte) []byte {
	if i := bytes.LastIndexByte(b, ':'); i >= 0 {
		return b[i+1:]
	}
	return b
}

// attr returns the raw value of the attribute with the given local name.
func (t *xmlToken) attr(name string) ([]byte, bool) {
	a := t.attrs
	for len(a) > 0 {
		i := 0
		for i < len(a) && isSpace(a[i]) {
			i++
		}
		a = a[i:]
		eq := bytes.IndexByte(a, '=')
		if eq < 0 {
			return nil, false
		}
		key := localName(bytes.TrimSpace(a[:eq]))
		a = bytes.TrimLeft(a[eq+1:], " \t\r\n")
		if len(a) == 0 || a[0] != '"' && a[0] != '\'' {
			return nil, false
		}
		end := bytes.IndexByte(a[1:], a[0])
		if end < 0 {
			return nil, false
		}
		val := a[1 : 1+end]
		a = a[2+end:]
		if string(key) == name {
			return val, true
		}
	}
	return nil, false
}

// appendText appends raw XML text to dst with entities decoded, bounded by
// MaxCellBytes.
func appendText(dst, raw []byte) ([]byte, error) {
	for len(raw) > 0 {
		amp := bytes.IndexByte(raw, '&')
		if amp < 0 {
			dst = append(dst, raw...)
			break
		}
		dst = append(dst, raw[:amp]...)
		raw = raw[amp:]
		semi := bytes.IndexByte(raw, ';')
		if semi < 0 || semi > 12 {
			return dst, errors.New("a bare & in text")
		}
		ent := string(raw[1:semi])
		raw = raw[semi+1:]
		switch ent {
		case "lt":
			dst = append(dst, '<')
		case "gt":
			dst = append(dst, '>')
		case "amp":
			dst = append(dst, '&')
		case "quot":
			dst = append(dst, '"')
		case "apos":
			dst = append(dst, '\'')
		default:
			var n uint64
			var err error
			switch {
			case strings.HasPrefix(ent, "#x"):
				n, err = strconv.ParseUint(ent[2:], 16, 32)
			case strings.HasPrefix(ent, "#"):
				n, err = strconv.ParseUint(ent[1:], 10, 32)
			default:
				err = errors.New("unknown entity &" + ent + ";")
			}
			if err != nil || !utf8.ValidRune(rune(n)) {
				return dst, errors.New("bad character reference &" + ent + ";")
			}
			dst = utf8.AppendRune(dst, rune(n))
		}
	}
	if len(dst) > MaxCellBytes {
		return dst, errCellTooLong
	}
	return dst, nil
}
