package cmis

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bjedu/studentcard/batch"
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
	// one; otherwise the first 64 KiB decide: valid UTF-8 means UTF-8,
	// anything else GB18030 (GB18030 text with Chinese in it is almost
	// never valid UTF-8).
	EncodingAuto    Encoding = ""
	EncodingUTF8    Encoding = "UTF-8"
	EncodingGB18030 Encoding = "GB18030"
)

// MaxHeaderRows is how many leading rows the importer searches for the
// header row; rows above it (a title such as 学生名册) are skipped.
const MaxHeaderRows = 10

// DefaultMaxUnzipBytes bounds the unpacked size of a workbook (a zip bomb is
// refused, not unpacked); Importer.MaxUnzipBytes overrides it.
const DefaultMaxUnzipBytes = 1 << 30

// sniffBytes is how much of the input is looked at to decide its format and
// encoding.
const sniffBytes = 64 << 10

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
	// first one.
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
	src, err := im.open(r, res)
	if err != nil {
		return res, err
	}
	defer src.close()
	run := &importRun{im: &im, res: res, m: m}
	if im.Now != nil {
		run.today = im.Now()
	}
	if err := run.header(src); err != nil {
		return res, err
	}
	for n := 0; ; n++ {
		if n%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return res, err
			}
		}
		row, cells, bad, err := src.next()
		if err == io.EOF {
			return res, nil
		}
		if err != nil {
			return res, err
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
}

// rowSource yields the rows of a sheet: the row number as Excel shows it
// and the cells; io.EOF at the end. bad is a broken row that was skipped
// (reading goes on); an error stops the import.
type rowSource interface {
	next() (row int, cells []string, bad *CellError, err error)
	close()
}

// open finds the input's format and encoding and returns its rows.
func (im *Importer) open(r io.Reader, res *Result) (rowSource, error) {
	br := bufio.NewReaderSize(r, sniffBytes)
	fileErr := func(err error) error { return &CellError{File: res.File, Err: err} }
	head, err := br.Peek(sniffBytes)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fileErr(err)
	}
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		res.Format = FormatXLSX
		return im.openXLSX(br, res)
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return nil, fileErr(detail(ErrNotSpreadsheet, "an old .xls or encrypted workbook: save it as .xlsx"))
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return nil, fileErr(detail(ErrEncoding, "UTF-16 text: save it as UTF-8 or GB18030 CSV"))
	case bytes.IndexByte(head, 0) >= 0:
		return nil, fileErr(detail(ErrNotSpreadsheet, "binary data"))
	}
	res.Format = FormatCSV
	enc, bom := im.Encoding, 0
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		enc, bom = EncodingUTF8, 3
	case bytes.HasPrefix(head, []byte{0x84, 0x31, 0x95, 0x33}):
		enc, bom = EncodingGB18030, 4
	case enc == EncodingAuto:
		enc = EncodingGB18030
		if validUTF8Prefix(head, len(head) < sniffBytes) {
			enc = EncodingUTF8
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
	return newCSVSource(br, res.File, enc, comma), nil
}

// validUTF8Prefix reports whether b is valid UTF-8, allowing a rune cut off
// at the end when b is only the start of the input (complete is false).
func validUTF8Prefix(b []byte, complete bool) bool {
	if !complete {
		for k := 0; k < utf8.UTFMax && len(b) > 0 && !utf8.RuneStart(b[len(b)-1]); k++ {
			b = b[:len(b)-1]
		}
		if len(b) > 0 && b[len(b)-1] >= utf8.RuneSelf {
			b = b[:len(b)-1] // the start of a rune cut off, or a lone byte
		}
	}
	return utf8.Valid(b)
}

// sniffComma picks the separator the first line holds most of.
func sniffComma(head []byte) rune {
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
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
	im      *Importer
	res     *Result
	m       *mapping
	today   time.Time
	cols    []Column // by cell index: the column mapped there (Field "" if none)
	index   []int    // by cell index: the field's position in defaultColumns
	headers []string // by cell index: the header text
	errs    []*CellError
	warns   []*CellError
}

// header finds and maps the header row.
func (run *importRun) header(src rowSource) error {
	res := run.res
	for i := 0; i < MaxHeaderRows; i++ {
		row, cells, bad, err := src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if bad != nil {
			continue // a broken row above the header: part of a title
		}
		known := 0
		for _, c := range cells {
			if _, ok := run.m.lookup(c); ok {
				known++
			}
		}
		if known >= 2 {
			return run.mapHeader(row, cells)
		}
	}
	return &CellError{File: res.File, Err: detail(ErrNoHeader, "the first %d rows hold no known column name", MaxHeaderRows)}
}

func (run *importRun) mapHeader(row int, cells []string) error {
	res := run.res
	res.HeaderRow = row
	run.cols = make([]Column, len(cells))
	run.index = make([]int, len(cells))
	run.headers = make([]string, len(cells))
	seen := map[Field]int{}
	var bad Errors
	for j, c := range cells {
		run.headers[j] = normalize(c)
		col, ok := run.m.lookup(c)
		if !ok {
			continue
		}
		if k, dup := seen[col.Field]; dup {
			bad = append(bad, &CellError{File: res.File, Row: row, Column: columnName(j), Header: run.headers[j],
				Err: detail(ErrDuplicateColumn, "also mapped from column %s", columnName(k))})
			continue
		}
		seen[col.Field] = j
		run.cols[j], run.index[j] = col, fieldIndex(col.Field)
		res.Columns = append(res.Columns, MappedColumn{Field: col.Field, Column: columnName(j), Header: run.headers[j]})
	}
	for _, col := range run.m.columns {
		if _, ok := seen[col.Field]; !ok && col.Required {
			bad = append(bad, &CellError{File: res.File, Row: row, Header: col.Names[0], Err: ErrMissingColumn})
		}
	}
	if len(bad) > 0 {
		res.Errors = append(res.Errors, bad...)
		return bad
	}
	return nil
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

// cell is one mapped value of the row being checked.
type cell struct {
	j  int    // cell index
	v  string // normalised value
	ok bool   // present, non-empty and validly encoded
}

// row checks one data row and records its outcome.
func (run *importRun) row(row int, cells []string) error {
	res := run.res
	blank := true
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
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
		run.errs = append(run.errs, &CellError{File: res.File, Row: row, Column: columnName(c.j), Header: run.headers[c.j], Value: c.v, Err: err})
	}
	warn := func(c cell, err error) {
		run.warns = append(run.warns, &CellError{File: res.File, Row: row, Column: columnName(c.j), Header: run.headers[c.j], Value: c.v, Err: err})
	}

	var fields [len(defaultColumns)]cell
	get := func(f Field) *cell { return &fields[fieldIndex(f)] }
	for j, col := range run.cols {
		if col.Field == "" {
			continue
		}
		c := cell{j: j}
		raw := ""
		if j < len(cells) {
			raw = cells[j]
		}
		c.v = normalize(raw)
		switch {
		case !utf8.ValidString(raw) || strings.ContainsRune(raw, utf8.RuneError):
			c.v = strings.ToValidUTF8(c.v, "\uFFFD")
			fail(c, ErrEncoding)
		case c.v == "" && col.Required:
			fail(c, ErrRequired)
		case c.v != "":
			c.ok = true
		}
		fields[run.index[j]] = c
	}

	rec := Record{Row: row}
	if c := get(FieldSchoolName); c.ok {
		rec.Card.SchoolName = c.v
	}
	if c := get(FieldName); c.ok {
		rec.Card.Name = c.v
		if hasLatin(c.v) {
			warn(*c, ErrLatinName)
		}
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
	if c := get(FieldResidentID); c.ok {
		rid, err := studentid.ParseResidentID(c.v)
		switch {
		case err != nil && lostDigits(c.v):
			fail(*c, detail(ErrResidentID, "Excel stored it as a number and lost digits: format the column as text"))
			c.ok = false
		case err != nil:
			fail(*c, &causeError{ErrResidentID, err})
			c.ok = false
		default:
			rec.ResidentID, rec.Card.ResidentID = rid, rid.String()
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
