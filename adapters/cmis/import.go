package cmis

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/transform"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/internal/gbtext"
	"github.com/bjedu/studentcard/studentid"
)

// Format is the kind of file an export came in, found by its first bytes
// (never by its name).
type Format string

// The formats the importer reads.
const (
	FormatXLSX Format = "xlsx" // an Office Open XML workbook (a zip)
	FormatCSV  Format = "csv"  // delimited text, UTF-8 or GB18030
)

// Encoding is the character encoding of a CSV export.
type Encoding string

// The encodings of CSV exports. CMIS and Excel on Chinese Windows write
// GB18030 (GBK) by default; newer tools write UTF-8, often with a BOM.
const (
	// EncodingAuto (the zero value) takes a byte order mark if there is
	// one; otherwise the text decides: read as UTF-8 and as GB18030, the
	// encoding with fewer invalid sequences wins (UTF-8 on a tie), judged
	// on the first 64 KiB of non-ASCII bytes, however far into the file
	// they start. One stray byte cannot flip a file: GB18030 text with
	// Chinese in it is invalid UTF-8 almost everywhere, and UTF-8 text read
	// as GB18030 breaks every few characters.
	EncodingAuto    Encoding = ""
	EncodingUTF8    Encoding = "UTF-8"
	EncodingGB18030 Encoding = "GB18030"
)

// MaxHeaderRows is how many leading rows the importer searches for the
// header row; rows above it (a title such as 学生名册) are skipped.
const MaxHeaderRows = 10

// sniffBytes is how much of the input is looked at to decide its format.
const sniffBytes = 64 << 10

// Encoding detection reads ahead until it has seen sniffNonASCII bytes
// outside ASCII (or the end, or maxSniff bytes in all), so a file whose
// first rows are ASCII is still judged by its Chinese text.
const (
	sniffNonASCII = 64 << 10
	maxSniff      = 32 << 20
)

// ctxEvery is how many rows pass between two looks at the context.
const ctxEvery = 256

// Importer reads CMIS student exports into card-making records. The zero
// value is ready to use: default column mapping, first sheet, encoding
// detected, no check-digit scheme, no clock. An Importer is a value; it
// holds no state between imports and is safe for concurrent use.
type Importer struct {
	// Columns maps header texts to fields; nil means DefaultColumns().
	Columns []Column
	// Sheet is the worksheet of an xlsx workbook to read; "" means the
	// first visible sheet with a header row (hidden sheets, such as a CMIS
	// template's dropdown lists, and sheets of notes are passed over).
	Sheet string
	// Encoding of CSV input; EncodingAuto detects it (see there). A byte
	// order mark always wins over this setting.
	Encoding Encoding
	// Comma is the CSV field separator; 0 means whichever of ',', '\t' and
	// ';' the first line holds most of (',' when none).
	Comma rune
	// Scheme, when not nil, also verifies the registry numbers' check
	// digits; nil checks their structure only (S-ID-6).
	Scheme studentid.Scheme
	// Now, when not nil, gives today's date: birth dates, entry months and
	// class entry years after it are refused. Nil checks shapes only.
	Now func() time.Time
	// MaxUnzipBytes bounds the unpacked size of a workbook; 0 means
	// DefaultMaxUnzipBytes.
	MaxUnzipBytes int64
	// OnRecord, when not nil, receives each good record as it is read and
	// Result.Records stays empty, so exports of any size stream through in
	// constant memory (problems are still collected). Its error stops the
	// import.
	OnRecord func(Record) error
}

// Record is one good row of an export: the card-making record batch writes
// and validates (Card, with normalised values: width-folded, trimmed,
// registry number and resident ID in canonical form), the parsed numbers,
// and the other collected fields (empty when the export has no such
// column).
type Record struct {
	Row            int // the row as Excel shows it
	Card           batch.CardRecord
	ID             studentid.ID
	ResidentID     studentid.ResidentID
	Photo          string // photo file name as exported
	ClassNumber    string // 7 digits
	EntryMonth     string // YYYYMM
	DivisionCode   string // 12 digits
	BirthplaceCode string // 12 digits
	Ethnicity      string
}

// MappedColumn says which header cell a field was read from.
type MappedColumn struct {
	Field  Field
	Column string // Excel letter
	Header string // the header text as found
}

// Summary counts the rows of an import. Rows is Good + Bad: data rows read,
// blank rows not counted.
type Summary struct {
	Rows   int // data rows read
	Good   int // rows without errors (they are in Records)
	Bad    int // rows with at least one error
	Warned int // rows with a warning (good or bad)
	Blank  int // empty rows skipped
}

// Result is the outcome of an import: the good records, every problem in
// row order, warnings apart, and the counts.
type Result struct {
	File      string
	Sheet     string   // the sheet read (xlsx only)
	Sheets    []string // every sheet of the workbook, in order (xlsx only)
	Format    Format
	Encoding  Encoding // the encoding used (CSV only)
	HeaderRow int      // the row the header was found in
	Columns   []MappedColumn
	Records   []Record     // good rows (empty with Importer.OnRecord)
	Errors    []*CellError // every bad cell, in row then column order
	Warnings  []*CellError // cells worth a look that do not refuse the row
	Summary   Summary
}

// Err returns every problem as one error (an [Errors]), or nil when the
// export is clean. Warnings are not errors.
func (r *Result) Err() error {
	if len(r.Errors) == 0 {
		return nil
	}
	return Errors(slices.Clone(r.Errors))
}

// CardRecords returns the card-making records of the good rows, ready for
// batch.CardData's Writer (rec.Fields()) and the batch Validator.
func (r *Result) CardRecords() []batch.CardRecord {
	out := make([]batch.CardRecord, len(r.Records))
	for i, rec := range r.Records {
		out[i] = rec.Card
	}
	return out
}

// Import reads an export with the default Importer.
func Import(ctx context.Context, r io.Reader, name string) (*Result, error) {
	return Importer{}.Import(ctx, r, name)
}

// Import reads one export from r; name is the file name for messages. The
// format is found from the first bytes: a zip is read as an xlsx workbook
// (its sheet streamed row by row), text as CSV. The header row is found
// among the first MaxHeaderRows rows and mapped by column name (any order,
// extra columns ignored); then every data row is checked field by field
// (P-4) and every problem is listed.
//
// The error is for what stops the import as a whole, with the Result
// holding what was learnt: a file that is no spreadsheet ([ErrNotSpreadsheet],
// UTF-16 [ErrEncoding]), a missing sheet ([ErrSheet]), no header
// ([ErrNoHeader]), missing or doubled columns (an [Errors] matching
// [ErrMissingColumn] or [ErrDuplicateColumn], also in Result.Errors), a read
// error, ctx, or OnRecord's error. Bad cells are not errors of Import: they
// are in Result.Errors (Result.Err gives them as one error).
func (im Importer) Import(ctx context.Context, r io.Reader, name string) (*Result, error) {
	res := &Result{File: name}
	m, err := newMapping(im.Columns)
	if err != nil {
		return res, err
	}
	run := &importRun{im: &im, res: res, m: m, regs: map[studentid.ID]int{}, rids: map[string]int{}}
	if im.Now != nil {
		run.today = im.Now()
	}
	src, err := im.open(r, run)
	if err != nil {
		return res, err
	}
	defer src.close()
	for n := 0; ; n++ {
		if n%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return res, err
			}
		}
		row, cells, bad, err := src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return res, run.inSheet(err)
		}
		if bad != nil {
			res.Summary.Rows++
			res.Summary.Bad++
			res.Errors = append(res.Errors, bad)
			continue
		}
		if err := run.row(row, cells); err != nil {
			return res, err
		}
	}
	if res.Summary.Rows == 0 {
		return res, &CellError{File: res.File, Sheet: res.Sheet, Row: res.HeaderRow, Err: ErrNoRows}
	}
	return res, nil
}

// sizedReaderAt is an input that can be read at any offset: a workbook is
// then read in place instead of being copied into memory.
type sizedReaderAt interface {
	io.ReaderAt
	Size() int64
}

// open finds the input's format and encoding, picks the sheet and reads the
// header row; it returns the rows after the header.
func (im *Importer) open(r io.Reader, run *importRun) (rowSource, error) {
	res := run.res
	fileErr := func(err error) error { return &CellError{File: res.File, Err: err} }
	if f, ok := r.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			r = io.NewSectionReader(f, 0, st.Size())
		}
	}
	var ra sizedReaderAt
	if x, ok := r.(sizedReaderAt); ok {
		ra = x
		r = io.NewSectionReader(x, 0, x.Size())
	}
	br := bufio.NewReaderSize(r, sniffBytes)
	head, err := br.Peek(sniffBytes)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fileErr(err)
	}
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		res.Format = FormatXLSX
		if ra == nil {
			b, err := io.ReadAll(io.LimitReader(br, MaxXLSXBytes+1))
			if err != nil {
				return nil, fileErr(err)
			}
			if len(b) > MaxXLSXBytes {
				return nil, fileErr(detail(ErrTooBig, "%s exceeds %d", text("the workbook file (bytes)"), MaxXLSXBytes))
			}
			ra = bytes.NewReader(b)
		}
		if ra.Size() > MaxXLSXBytes {
			return nil, fileErr(detail(ErrTooBig, "%s exceeds %d", text("the workbook file (bytes)"), MaxXLSXBytes))
		}
		return im.openXLSX(ra, run)
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return nil, fileErr(detail(ErrNotSpreadsheet, "an old .xls or encrypted workbook: save it as .xlsx"))
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return nil, fileErr(detail(ErrEncoding, "UTF-16 text: save it as UTF-8 or GB18030 CSV"))
	case bytes.IndexByte(head, 0) >= 0:
		return nil, fileErr(detail(ErrNotSpreadsheet, "binary data"))
	}
	res.Format = FormatCSV
	var in io.Reader = br
	enc, bom := im.Encoding, 0
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		enc, bom = EncodingUTF8, 3
	case bytes.HasPrefix(head, []byte{0x84, 0x31, 0x95, 0x33}):
		enc, bom = EncodingGB18030, 4
	case enc == EncodingAuto:
		ahead, complete, err := readAhead(br)
		if err != nil && len(ahead) == 0 {
			return nil, fileErr(err)
		}
		enc = detectEncoding(ahead, complete)
		in = io.MultiReader(bytes.NewReader(ahead), br)
		if err != nil {
			// Read what came before the error; the error then stops the
			// import naming the row it happened in.
			in = io.MultiReader(bytes.NewReader(ahead), errReader{err})
		}
	case enc != EncodingUTF8 && enc != EncodingGB18030:
		return nil, fileErr(detail(ErrEncoding, "unknown encoding %q", string(enc)))
	}
	if _, err := br.Discard(bom); err != nil {
		return nil, fileErr(err)
	}
	res.Encoding = enc
	comma := im.Comma
	switch {
	case comma == 0:
		comma = sniffComma(head[bom:])
	case comma == '"' || comma == '\r' || comma == '\n' || comma == utf8.RuneError || !utf8.ValidRune(comma):
		return nil, fileErr(detail(ErrOption, "separator %q cannot separate CSV fields", comma))
	}
	src := newCSVSource(in, res.File, enc, comma)
	if err := run.header(src, ""); err != nil {
		return nil, err
	}
	return src, nil
}

// openXLSX opens the workbook and picks its sheet: Importer.Sheet, or the
// first visible sheet with a header row.
func (im *Importer) openXLSX(ra sizedReaderAt, run *importRun) (rowSource, error) {
	res := run.res
	limit := im.MaxUnzipBytes
	if limit <= 0 {
		limit = DefaultMaxUnzipBytes
	}
	wb, err := openWorkbook(ra, ra.Size(), res.File, limit)
	if err != nil {
		return nil, err
	}
	run.date1904 = wb.date1904
	var hidden []string
	for _, s := range wb.sheets {
		res.Sheets = append(res.Sheets, s.name)
		if s.hidden {
			hidden = append(hidden, s.name)
		}
	}
	if len(wb.sheets) == 0 {
		return nil, &CellError{File: res.File, Err: detail(ErrNotSpreadsheet, "the workbook has no sheet")}
	}
	var tried []string
	for _, ref := range wb.sheets {
		switch {
		case im.Sheet != "" && ref.name != im.Sheet:
			continue
		case im.Sheet == "" && ref.hidden:
			continue
		}
		src, err := wb.openSheet(ref)
		if err != nil {
			return nil, err
		}
		res.Sheet = ref.name
		err = run.header(src, ref.name)
		if err == nil {
			return src, nil
		}
		src.close()
		res.Sheet = ""
		if !errors.Is(err, ErrNoHeader) || im.Sheet != "" {
			return nil, err
		}
		tried = append(tried, ref.name)
	}
	switch {
	case im.Sheet != "":
		return nil, &CellError{File: res.File, Header: im.Sheet, Err: detail(ErrSheet, "the workbook has sheets %s", strings.Join(res.Sheets, ", "))}
	case len(tried) == 0:
		return nil, &CellError{File: res.File, Err: detail(ErrNoHeader, "every sheet is hidden: %s", strings.Join(hidden, ", "))}
	case len(hidden) > 0:
		return nil, &CellError{File: res.File, Err: detail(ErrNoHeader, "the first %d rows of sheets %s hold no known column name (hidden sheets not read: %s)", MaxHeaderRows, strings.Join(tried, ", "), strings.Join(hidden, ", "))}
	}
	return nil, &CellError{File: res.File, Err: detail(ErrNoHeader, "the first %d rows of sheets %s hold no known column name", MaxHeaderRows, strings.Join(tried, ", "))}
}

// readAhead reads from br until sniffNonASCII bytes outside ASCII were
// seen, the input ends (complete), or maxSniff bytes are held; it returns
// them, and the read error that stopped it.
func readAhead(br *bufio.Reader) (buf []byte, complete bool, err error) {
	nonASCII := 0
	chunk := make([]byte, 32<<10)
	for len(buf) < maxSniff && nonASCII < sniffNonASCII {
		n, err := br.Read(chunk[:min(len(chunk), maxSniff-len(buf))])
		for _, c := range chunk[:n] {
			if c >= utf8.RuneSelf {
				nonASCII++
			}
		}
		buf = append(buf, chunk[:n]...)
		if err == io.EOF {
			return buf, true, nil
		}
		if err != nil {
			return buf, false, err
		}
	}
	return buf, false, nil
}

// errReader fails every read with err.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// detectEncoding picks UTF-8 or GB18030 for b: the one under which b has
// fewer invalid sequences, UTF-8 on a tie (pure ASCII is UTF-8). complete
// is false when b is only the start of the input, so a sequence cut at its
// end does not count.
func detectEncoding(b []byte, complete bool) Encoding {
	if !complete {
		i := len(b)
		for i > 0 && b[i-1] >= utf8.RuneSelf {
			i--
		}
		b = b[:i]
	}
	badUTF8 := 0
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			badUTF8++
		}
		i += n
	}
	if badUTF8 == 0 {
		return EncodingUTF8
	}
	out, _, err := transform.Bytes(gbtext.Decoder{}, b)
	if err != nil {
		return EncodingUTF8
	}
	badGB := bytes.Count(out, []byte("\uFFFD")) - bytes.Count(b, []byte("\uFFFD"))
	if badGB < badUTF8 {
		return EncodingGB18030
	}
	return EncodingUTF8
}

// sniffComma picks the separator the first line holds most of.
func sniffComma(head []byte) rune {
	if i := bytes.IndexAny(head, "\r\n"); i >= 0 {
		head = head[:i]
	}
	best, n := ',', bytes.Count(head, []byte{','})
	for _, c := range []rune{'\t', ';'} {
		if k := bytes.Count(head, []byte{byte(c)}); k > n {
			best, n = c, k
		}
	}
	return best
}

// importRun is the state of one import.
type importRun struct {
	im       *Importer
	res      *Result
	m        *mapping
	today    time.Time
	cols     []Column // by cell index: the column mapped there (Field "" if none)
	index    []int    // by cell index: the field's position in defaultColumns
	headers  []string // by cell index: the header text
	errs     []*CellError
	warns    []*CellError
	regs     map[studentid.ID]int // registry number → first row
	rids     map[string]int       // resident ID (canonical) → first row
	date1904 bool                 // the workbook counts dates from 1904
}

// inSheet names the sheet in an error that stops the import.
func (run *importRun) inSheet(err error) error {
	var ce *CellError
	if errors.As(err, &ce) && ce.Sheet == "" {
		ce.Sheet = run.res.Sheet
	}
	return err
}

// header finds and maps the header row of a sheet ("" for CSV).
func (run *importRun) header(src rowSource, sheet string) error {
	res := run.res
	for i := 0; i < MaxHeaderRows; i++ {
		row, cells, bad, err := src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return run.inSheet(err)
		}
		if bad != nil {
			continue // a broken row above the header: part of a title
		}
		known := 0
		for _, c := range cells {
			if _, ok := run.m.lookup(c.s); ok {
				known++
			}
		}
		if known >= 2 {
			return run.mapHeader(row, cells)
		}
	}
	if sheet != "" {
		return &CellError{File: res.File, Sheet: sheet, Err: detail(ErrNoHeader, "the first %d rows hold no known column name", MaxHeaderRows)}
	}
	return &CellError{File: res.File, Err: detail(ErrNoHeader, "the first %d rows, read as %s, hold no known column name", MaxHeaderRows, string(res.Encoding))}
}

func (run *importRun) mapHeader(row int, cells []rawCell) error {
	res := run.res
	res.HeaderRow = row
	run.cols = make([]Column, len(cells))
	run.index = make([]int, len(cells))
	run.headers = make([]string, len(cells))
	seen := map[Field]int{}
	var bad Errors
	for j, c := range cells {
		run.headers[j] = normalize(c.s)
		if strings.ContainsAny(strings.TrimSpace(c.s), "\r\n") {
			// A line break inside a header cell: a CSV whose quotes went
			// wrong, or a template's hint on a second line. Either way the
			// column cannot be trusted to be the one it seems.
			bad = append(bad, &CellError{File: res.File, Sheet: res.Sheet, Row: row, Column: columnName(j), Header: strings.Join(strings.Fields(run.headers[j]), " "), Value: c.s, Err: ErrHeaderLineBreak})
			continue
		}
		col, ok := run.m.lookup(c.s)
		if !ok {
			continue
		}
		if k, dup := seen[col.Field]; dup {
			bad = append(bad, &CellError{File: res.File, Sheet: res.Sheet, Row: row, Column: columnName(j), Header: run.headers[j],
				Err: detail(ErrDuplicateColumn, "also mapped from column %s", columnName(k))})
			continue
		}
		seen[col.Field] = j
		run.cols[j], run.index[j] = col, fieldIndex(col.Field)
		res.Columns = append(res.Columns, MappedColumn{Field: col.Field, Column: columnName(j), Header: run.headers[j]})
	}
	for _, col := range run.m.columns {
		if _, ok := seen[col.Field]; !ok && col.Required {
			bad = append(bad, &CellError{File: res.File, Sheet: res.Sheet, Row: row, Header: col.Names[0], Err: ErrMissingColumn})
		}
	}
	if len(bad) > 0 {
		res.Errors = append(res.Errors, bad...)
		return bad
	}
	return nil
}

// cell is one mapped value of the row being checked.
type cell struct {
	j     int    // cell index
	v     string // normalised value (a date converted to YYYYMMDD)
	shown string // the cell as the operator sees it, for messages
	ok    bool   // present, non-empty and validly encoded
}

// row checks one data row and records its outcome.
func (run *importRun) row(row int, cells []rawCell) error {
	res := run.res
	blank := true
	for _, c := range cells {
		if c.kind != cellText || strings.TrimSpace(c.s) != "" {
			blank = false
			break
		}
	}
	if blank {
		res.Summary.Blank++
		return nil
	}
	res.Summary.Rows++
	run.errs, run.warns = run.errs[:0], run.warns[:0]
	fail := func(c cell, err error) {
		run.errs = append(run.errs, &CellError{File: res.File, Sheet: res.Sheet, Row: row, Column: columnName(c.j), Header: run.headers[c.j], Value: c.shown, Err: err})
	}
	warn := func(c cell, err error) {
		run.warns = append(run.warns, &CellError{File: res.File, Sheet: res.Sheet, Row: row, Column: columnName(c.j), Header: run.headers[c.j], Value: c.shown, Err: err})
	}

	var fields [len(defaultColumns)]cell
	get := func(f Field) *cell { return &fields[fieldIndex(f)] }
	for j, col := range run.cols {
		if col.Field == "" {
			continue
		}
		c := cell{j: j}
		var raw rawCell
		if j < len(cells) {
			raw = cells[j]
		}
		v, err := run.value(col.Field, raw)
		c.v, c.shown = v, normalize(raw.s)
		switch {
		case !utf8.ValidString(raw.s) || strings.ContainsRune(raw.s, utf8.RuneError):
			c.shown = strings.ToValidUTF8(c.shown, "\uFFFD")
			fail(c, ErrEncoding)
		case err != nil:
			fail(c, err)
		case c.v == "" && col.Required:
			fail(c, ErrRequired)
		case c.v != "":
			c.ok = true
		}
		fields[run.index[j]] = c
	}

	rec := Record{Row: row}
	for _, p := range []struct {
		f   Field
		max int
		dst *string
	}{{FieldSchoolName, gbtext.SchoolNameBytes, &rec.Card.SchoolName}, {FieldName, gbtext.NameBytes, &rec.Card.Name}} {
		c := get(p.f)
		if !c.ok {
			continue
		}
		if err := run.name(c, p.max); err != nil {
			fail(*c, err)
			c.ok = false
			continue
		}
		*p.dst = c.v
	}
	if c := get(FieldName); c.ok && hasLatin(c.v) {
		warn(*c, ErrLatinName)
	}
	if c := get(FieldGender); c.ok {
		var err error
		if rec.Card.Gender, err = parseGender(c.v); err != nil {
			fail(*c, err)
			c.ok = false
		}
	}
	if c := get(FieldRegistryNo); c.ok {
		if err := run.registryNo(&rec, c.v); err != nil {
			fail(*c, err)
			c.ok = false
		}
	}
	idType := get(FieldIDType)
	if idType.ok && !residentIDCard(idType.v) {
		// P-7: a passport, a Hong Kong/Macao/Taiwan permit or "other":
		// not a card-making record; the resident ID column is not checked.
		fail(*idType, detail(ErrIDType, "%s: card-making data takes resident ID card numbers; keep this student's ID type and number in CMIS (P-7)", idType.v))
		if c := get(FieldResidentID); c.ok {
			c.ok = false
		}
	} else if c := get(FieldResidentID); c.ok {
		if err := run.residentID(&rec, c.v); err != nil {
			fail(*c, err)
			c.ok = false
		} else if strings.HasSuffix(rec.Card.ResidentID, "000") {
			// A valid ID can end in 000 (about one in 1,100), and so does
			// every ID Excel stored as a number; in such a file most IDs
			// fail their check character and refuse the file, the few that
			// pass are worth a look.
			warn(*c, ErrRoundedID)
		}
	}
	if c := get(FieldBirthDate); c.ok {
		if err := checkDate(c.v, run.today); err != nil {
			fail(*c, err)
			c.ok = false
		} else {
			rec.Card.BirthDate = c.v
		}
	}
	for _, p := range []struct {
		f     Field
		check func(string) error
		dst   *string
	}{
		{FieldClassNumber, func(v string) error { return checkClassNumber(v, run.today) }, &rec.ClassNumber},
		{FieldEntryMonth, func(v string) error { return checkEntryMonth(v, run.today) }, &rec.EntryMonth},
		{FieldDivisionCode, checkDivision, &rec.DivisionCode},
		{FieldBirthplaceCode, checkDivision, &rec.BirthplaceCode},
		{FieldPhoto, func(string) error { return nil }, &rec.Photo},
		{FieldEthnicity, func(string) error { return nil }, &rec.Ethnicity},
	} {
		if c := get(p.f); c.ok {
			if err := p.check(c.v); err != nil {
				fail(*c, err)
				c.ok = false
			} else {
				*p.dst = c.v
			}
		}
	}
	run.crossChecks(&rec, get, fail, warn)
	run.duplicates(row, &rec, get, fail)

	slices.SortStableFunc(run.errs, byColumn)
	slices.SortStableFunc(run.warns, byColumn)
	res.Warnings = append(res.Warnings, run.warns...)
	if len(run.warns) > 0 {
		res.Summary.Warned++
	}
	if len(run.errs) > 0 {
		res.Summary.Bad++
		res.Errors = append(res.Errors, run.errs...)
		return nil
	}
	res.Summary.Good++
	if run.im.OnRecord != nil {
		return run.im.OnRecord(rec)
	}
	res.Records = append(res.Records, rec)
	return nil
}

// value is the text of a cell for a field, from the cell as the workbook
// stores it: a number in a column of identifiers is refused (Excel has
// already rounded it or dropped its leading zero, and digits that look
// right would be a guess), dates are converted when the cell or the text
// says unambiguously which day, and what cannot be read says why.
func (run *importRun) value(f Field, c rawCell) (string, error) {
	switch c.kind {
	case cellFormula:
		return "", ErrFormula
	case cellError:
		return c.s, detail(ErrExcelError, "Excel shows %s", c.s)
	case cellNumber:
		switch f {
		case FieldRegistryNo:
			return c.s, detail(ErrRegistryNumber, "Excel stored it as a number and lost digits: format the column as text")
		case FieldResidentID:
			return c.s, detail(ErrResidentID, "Excel stored it as a number and lost digits: format the column as text")
		case FieldBirthDate, FieldEntryMonth:
			if c.date {
				d, err := run.serialDate(c)
				if err != nil {
					return c.s, err
				}
				if f == FieldEntryMonth {
					return d[:6], nil
				}
				return d, nil
			}
		}
		if v, ok := integral(c.s); ok {
			return v, nil
		}
		return c.s, nil
	case cellDate:
		if d, ok := isoDate(c.s); ok {
			if f == FieldEntryMonth {
				return d[:6], nil
			}
			return d, nil
		}
		return c.s, nil
	}
	v := normalize(c.s)
	switch f {
	case FieldBirthDate:
		return writtenDate(v)
	case FieldEntryMonth:
		return writtenMonth(v)
	}
	return v, nil
}

// name applies the name hygiene and the card's length rule to a name or
// school name (c.v is replaced by its clean form).
func (run *importRun) name(c *cell, maxBytes int) error {
	clean, bad := gbtext.CleanName(c.v)
	if bad != nil {
		return detail(ErrCharacter, "character %q (U+%04X) at position %d is %s", string(bad.Char), bad.Char, bad.Pos, charKinds[bad.Kind])
	}
	c.v = clean
	if n := gbtext.Len(clean); n > maxBytes {
		return detail(ErrTooLong, "%d bytes as the card stores it (GB2312/GB18030), at most %d", n, maxBytes)
	}
	return nil
}

// charKinds name the kinds of characters no name holds.
var charKinds = map[gbtext.CharKind]text{
	gbtext.KindControl: "a control character (line break, tab)",
	gbtext.KindFormat:  "an invisible format character (zero-width space, byte order mark)",
	gbtext.KindSpace:   "a special space (no-break space)",
	gbtext.KindSymbol:  "an emoji or symbol",
	gbtext.KindPrivate: "a private-use or unassigned character",
}

// registryNo parses (and with a scheme verifies) a registry number into rec.
func (run *importRun) registryNo(rec *Record, v string) error {
	id, err := studentid.Parse(v)
	if err != nil {
		if lostDigits(v) {
			return detail(ErrRegistryNumber, "Excel stored it as a number and lost digits: format the column as text")
		}
		if len(v) == studentid.Len-1 {
			if _, err := studentid.Parse("0" + v); err == nil {
				return detail(ErrRegistryNumber, "Excel dropped the leading 0: format the column as text")
			}
		}
		return &causeError{ErrRegistryNumber, err}
	}
	if run.im.Scheme != nil {
		if err := id.Verify(run.im.Scheme); err != nil {
			return &causeError{ErrRegistryNumber, err}
		}
	}
	rec.ID, rec.Card.RegistryNo = id, id
	return nil
}

// residentID parses a resident ID number into rec.
func (run *importRun) residentID(rec *Record, v string) error {
	rid, err := studentid.ParseResidentID(v)
	switch {
	case err == nil:
		rec.ResidentID, rec.Card.ResidentID = rid, rid.String()
		return nil
	case lostDigits(v) || len(v) == studentid.ResidentIDLen && strings.HasSuffix(v, "000"):
		// 110108201506234000: what Excel writes for an ID stored as a
		// number (15 significant digits, then zeros).
		return detail(ErrResidentID, "Excel stored it as a number and lost digits: format the column as text")
	case looksLikeOtherID(v):
		return detail(ErrResidentID, "looks like a passport or permit number: card-making data takes resident ID card numbers; record the student's ID type (证件类型) in CMIS (P-7)")
	}
	return &causeError{ErrResidentID, err}
}

// duplicates finds a registry number or resident ID already seen in this
// export, naming the row that had it first.
func (run *importRun) duplicates(row int, rec *Record, get func(Field) *cell, fail func(cell, error)) {
	if c := get(FieldRegistryNo); c.ok {
		if first, dup := run.regs[rec.ID]; dup {
			fail(*c, detail(ErrDuplicate, "also in row %d", first))
		} else {
			run.regs[rec.ID] = row
		}
	}
	if c := get(FieldResidentID); c.ok {
		if first, dup := run.rids[rec.Card.ResidentID]; dup {
			fail(*c, detail(ErrDuplicate, "also in row %d", first))
		} else {
			run.rids[rec.Card.ResidentID] = row
		}
	}
}

// columnName returns the Excel letters of the 0-based column j (A, …, Z,
// AA, …).
func columnName(j int) string {
	var b [8]byte
	i := len(b)
	for j++; j > 0 && i > 0; j = (j - 1) / 26 {
		i--
		b[i] = byte('A' + (j-1)%26)
	}
	return string(b[i:])
}

// crossChecks are the SPEC §2 data checks between fields of one row, made
// only where both fields were good on their own.
func (run *importRun) crossChecks(rec *Record, get func(Field) *cell, fail, warn func(cell, error)) {
	rid := get(FieldResidentID)
	if c := get(FieldBirthDate); c.ok && rid.ok {
		if want := rec.ResidentID.BirthDate().Format("20060102"); c.v != want {
			fail(*c, detail(ErrInconsistent, "the resident ID number says %s", want))
		}
	}
	if c := get(FieldGender); c.ok && rid.ok && rec.Card.Gender != rec.ResidentID.Sex() {
		fail(*c, detail(ErrInconsistent, "the resident ID number says %s", rec.ResidentID.Sex()))
	}
	// S-ID-3: the transient column must agree with digit 9.
	if c := get(FieldTransient); c.ok {
		flag, err := parseYesNo(c.v)
		switch {
		case err != nil:
			fail(*c, err)
		case get(FieldRegistryNo).ok && flag != rec.ID.IsTransient():
			what := text("not transient")
			if rec.ID.IsTransient() {
				what = text("transient")
			}
			fail(*c, detail(ErrInconsistent, "digit 9 of the registry number is %c (%s)", rec.ID.String()[8], what))
		}
	}
	// Seed 004 (Q11): some districts fill in the primary entry month for
	// everyone, which is accepted; so a class year that differs from the
	// entry month is worth a look, not a refusal.
	if c, m := get(FieldClassNumber), get(FieldEntryMonth); c.ok && m.ok && c.v[:4] != m.v[:4] {
		warn(*c, detail(ErrInconsistent, "entry year %s differs from the entry month %s", c.v[:4], m.v))
	}
}

func byColumn(a, b *CellError) int {
	if len(a.Column) != len(b.Column) {
		return len(a.Column) - len(b.Column)
	}
	return strings.Compare(a.Column, b.Column)
}

// fieldIndex is the position of a field in defaultColumns, which lists every
// field once; -1 for a field this package does not know.
func fieldIndex(f Field) int {
	for i, c := range defaultColumns {
		if c.Field == f {
			return i
		}
	}
	return -1
}
