package batch

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emmansun/gmsm/sm3"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"github.com/bjedu/studentcard/studentid"
)

// FormatVersion is the version of the envelope (header, columns, trailer,
// quoting, digest rules) this package writes and reads. A kind's own column
// layout is versioned separately in Header.Version.
const FormatVersion = 1

// MaxLineLength bounds one line in bytes. Records of the SDK's kinds need a
// few hundred bytes; a longer line means the input is not an envelope file,
// and the bound keeps a hostile file from making a reader buffer it whole.
const MaxLineLength = 64 << 10

const (
	magic      = "#SCBATCH"
	columnsTag = "#COLUMNS"
	trailerTag = "#END"
)

// senderLevel reports whether l may send a file: the city, a district, a
// school or the card factory (which sends result files to the city); not an
// application unit, which only receives lists.
func senderLevel(l studentid.Level) bool {
	switch l {
	case studentid.LevelCity, studentid.LevelDistrict, studentid.LevelSchool, studentid.LevelFactory:
		return true
	}
	return false
}

// Encoding is the character encoding of a file's records. The header itself is
// ASCII, so it is readable before the encoding is known.
type Encoding string

// The encodings a file may declare. GB18030 is the default because it is what
// the tiers' Windows tools exchange; UTF-8 is accepted when declared.
const (
	GB18030 Encoding = "GB18030"
	UTF8    Encoding = "UTF-8"
)

// DigestAlg names the hash in the trailer.
type DigestAlg string

// The digest algorithms. SHA-256 is the default (hardware-accelerated on the
// tiers' PCs); SM3 is there for deployments that must use national
// algorithms.
const (
	SHA256 DigestAlg = "SHA256"
	SM3    DigestAlg = "SM3"
)

// String returns the name as headers write it ("SHA256", "SM3").
func (d DigestAlg) String() string { return string(d) }

func (d DigestAlg) newHash() hash.Hash {
	if d == SM3 {
		return sm3.New()
	}
	return sha256.New()
}

// Header is the first part of every envelope file: what the file is, who sent
// it, and how its records are encoded and checked. Zero Encoding and Digest
// mean GB18030 and SHA256.
type Header struct {
	// Kind names the record layout, e.g. "CARDDATA"; upper-case ASCII.
	Kind string
	// Version is the kind's layout version (1 for every kind today).
	Version int
	// Level and Code identify the sender: the 8-digit school code (registry
	// number positions 1-8), the 4-digit district code (positions 1-4), the
	// city code "01", or the factory's own code.
	Level studentid.Level
	Code  string
	// Batch is the sender's batch number, unique per sender.
	Batch string
	// Created is when the sender wrote the file (taken from the caller's clock).
	Created time.Time
	// Encoding and Digest; zero values mean GB18030 and SHA256.
	Encoding Encoding
	Digest   DigestAlg
	// Columns names the record fields in order (lower-case ASCII).
	Columns []string
}

// Column returns the index of the named column, or -1.
func (h Header) Column(name string) int { return slices.Index(h.Columns, name) }

func (h Header) withDefaults() Header {
	if h.Encoding == "" {
		h.Encoding = GB18030
	}
	if h.Digest == "" {
		h.Digest = SHA256
	}
	return h
}

func isToken(s string, maxLen int, ok func(c byte) bool) bool {
	if s == "" || len(s) > maxLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

func upperDigit(c byte) bool { return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' }
func lowerDigit(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' }
func codeChar(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
}

// check reports the first thing wrong with h, as the field name and reason.
func (h Header) check() (string, error) {
	switch {
	case !isToken(h.Kind, 32, upperDigit):
		return "kind", gotWant(ErrHeader, strconv.Quote(h.Kind), "A-Z, 0-9, _")
	case h.Version < 1 || h.Version > 999:
		return "version", gotWant(ErrVersion, h.Version, "1-999")
	case !senderLevel(h.Level):
		return "level", gotWant(ErrHeader, strconv.Quote(h.Level.FileCode()), "CITY, DISTRICT, SCHOOL or FACTORY")
	case !isToken(h.Code, 32, codeChar):
		return "code", gotWant(ErrHeader, strconv.Quote(h.Code), "sender code")
	case !isToken(h.Batch, 64, codeChar):
		return "batch", gotWant(ErrHeader, strconv.Quote(h.Batch), "batch number")
	case h.Created.IsZero():
		return "created", gotWant(ErrHeader, "zero time", "creation time")
	case h.Encoding != GB18030 && h.Encoding != UTF8:
		return "encoding", gotWant(ErrEncoding, strconv.Quote(string(h.Encoding)), "GB18030 or UTF-8")
	case h.Digest != SHA256 && h.Digest != SM3:
		return "digest", gotWant(ErrHeader, strconv.Quote(string(h.Digest)), "SHA256 or SM3")
	case len(h.Columns) == 0:
		return "columns", gotWant(ErrColumns, 0, "at least one column")
	}
	for i, c := range h.Columns {
		if !isToken(c, 32, lowerDigit) || slices.Index(h.Columns[:i], c) >= 0 {
			return "columns", gotWant(ErrColumns, strconv.Quote(c), "unique a-z, 0-9, _ names")
		}
	}
	return "", nil
}

func (h Header) headerLine() string {
	return strings.Join([]string{magic, strconv.Itoa(FormatVersion), h.Kind, strconv.Itoa(h.Version),
		h.Level.FileCode(), h.Code, h.Batch, h.Created.Format(time.RFC3339), string(h.Encoding), string(h.Digest)}, ",")
}

func (h Header) columnsLine() string { return columnsTag + "," + strings.Join(h.Columns, ",") }

// parseHeader reads the two header lines; field names the failing part.
func parseHeader(line1, line2 []byte) (Header, string, error) {
	f := strings.Split(string(line1), ",")
	if f[0] != magic {
		return Header{}, "", gotWant(ErrHeader, strconv.Quote(truncate(f[0], 16)), magic)
	}
	if len(f) != 10 {
		return Header{}, "", gotWant(ErrHeader, len(f), "10 header fields")
	}
	if f[1] != strconv.Itoa(FormatVersion) {
		return Header{}, "format", gotWant(ErrVersion, strconv.Quote(f[1]), FormatVersion)
	}
	var h Header
	var err error
	h.Kind = f[2]
	if h.Version, err = strconv.Atoi(f[3]); err != nil {
		return Header{}, "version", gotWant(ErrVersion, strconv.Quote(f[3]), "a number")
	}
	if h.Level, err = studentid.ParseLevel(f[4]); err != nil || h.Level.FileCode() != f[4] || !senderLevel(h.Level) {
		return Header{}, "level", gotWant(ErrHeader, strconv.Quote(truncate(f[4], 16)), "CITY, DISTRICT, SCHOOL or FACTORY")
	}
	h.Code, h.Batch = f[5], f[6]
	if h.Created, err = time.Parse(time.RFC3339, f[7]); err != nil {
		return Header{}, "created", gotWant(ErrHeader, strconv.Quote(f[7]), "RFC 3339 time")
	}
	h.Encoding, h.Digest = Encoding(f[8]), DigestAlg(f[9])
	c := strings.Split(string(line2), ",")
	if c[0] != columnsTag {
		return Header{}, "columns", gotWant(ErrColumns, strconv.Quote(truncate(c[0], 16)), columnsTag)
	}
	h.Columns = c[1:]
	if field, err := h.check(); err != nil {
		return Header{}, field, err
	}
	return h, "", nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// WriterOption adjusts a Writer.
type WriterOption func(*Writer)

// WithLF makes the writer end lines with LF instead of the default CRLF (what
// Windows tools expect). Readers accept both.
func WithLF() WriterOption { return func(w *Writer) { w.eol = "\n" } }

// Writer streams one envelope file: the header at once, each record as
// written, the trailer (record count and digest) on Close. A file whose
// Writer was not closed has no trailer and every Reader refuses it, so an
// aborted export can never be mistaken for a complete one.
type Writer struct {
	name    string
	bw      *bufio.Writer
	hdr     Header
	h       hash.Hash
	enc     transform.Transformer
	eol     string
	line    []byte
	scratch []byte
	count   int64
	err     error
	closed  bool
}

// NewWriter checks h, writes the header lines to w and returns a Writer for
// the records. name is used in errors only.
func NewWriter(w io.Writer, name string, h Header, opts ...WriterOption) (*Writer, error) {
	h = h.withDefaults()
	if field, err := h.check(); err != nil {
		return nil, &ParseError{File: name, Line: 1, Field: field, Err: err}
	}
	h.Columns = slices.Clone(h.Columns)
	wr := &Writer{name: name, bw: bufio.NewWriterSize(w, 64<<10), hdr: h, h: h.Digest.newHash(), eol: "\r\n"}
	for _, o := range opts {
		o(wr)
	}
	if h.Encoding == GB18030 {
		wr.enc = simplifiedchinese.GB18030.NewEncoder()
	}
	for _, l := range []string{h.headerLine(), h.columnsLine()} {
		wr.h.Write([]byte(l))
		wr.h.Write([]byte{'\n'})
		wr.bw.WriteString(l)
		wr.bw.WriteString(wr.eol)
	}
	return wr, nil
}

// Header returns the header as written (with defaults filled in).
func (w *Writer) Header() Header { return w.hdr }

// Count returns the number of records written so far.
func (w *Writer) Count() int64 { return w.count }

// WriteRecord encodes and writes one record. fields must match the columns in
// number; a value that holds CR/LF or cannot be encoded is refused with a
// *ParseError naming the field, and nothing of that record is written.
func (w *Writer) WriteRecord(fields []string) error {
	if w.closed {
		return &ParseError{File: w.name, Err: ErrClosed}
	}
	if w.err != nil {
		return w.err
	}
	lineNo := int(w.count) + 3
	if len(fields) != len(w.hdr.Columns) {
		return &ParseError{File: w.name, Line: lineNo, Err: gotWant(ErrFieldCount, len(fields), len(w.hdr.Columns))}
	}
	w.line = w.line[:0]
	for i, f := range fields {
		if i > 0 {
			w.line = append(w.line, ',')
		}
		if strings.ContainsAny(f, "\r\n") {
			return &ParseError{File: w.name, Line: lineNo, Field: w.hdr.Columns[i], Err: ErrNewline}
		}
		enc, err := w.encode(f)
		if err != nil {
			return &ParseError{File: w.name, Line: lineNo, Field: w.hdr.Columns[i], Err: err}
		}
		if bytes.ContainsAny(enc, `,"`) || (i == 0 && len(enc) > 0 && enc[0] == '#') {
			w.line = append(w.line, '"')
			for _, c := range enc {
				if c == '"' {
					w.line = append(w.line, '"')
				}
				w.line = append(w.line, c)
			}
			w.line = append(w.line, '"')
		} else {
			w.line = append(w.line, enc...)
		}
	}
	if len(w.line) >= MaxLineLength {
		return &ParseError{File: w.name, Line: lineNo, Err: gotWant(ErrLineTooLong, len(w.line), MaxLineLength)}
	}
	w.h.Write(w.line)
	w.h.Write([]byte{'\n'})
	w.bw.Write(w.line)
	if _, err := w.bw.WriteString(w.eol); err != nil {
		w.err = &ParseError{File: w.name, Line: lineNo, Err: err}
		return w.err
	}
	w.count++
	return nil
}

// encode returns f in the file's encoding (in a reused buffer).
func (w *Writer) encode(f string) ([]byte, error) {
	if !utf8.ValidString(f) {
		return nil, detail(ErrEncoding, "invalid UTF-8 input")
	}
	if w.enc == nil || isASCIIString(f) {
		w.scratch = append(w.scratch[:0], f...)
		return w.scratch, nil
	}
	w.enc.Reset()
	need := 2*len(f) + 8
	if cap(w.scratch) < need {
		w.scratch = make([]byte, need)
	}
	dst := w.scratch[:cap(w.scratch)]
	n, _, err := w.enc.Transform(dst, []byte(f), true)
	if err != nil {
		return nil, detail(ErrEncoding, "%v", err)
	}
	return dst[:n], nil
}

// Close writes the trailer and flushes. It does not close the underlying
// io.Writer. Closing twice is harmless.
func (w *Writer) Close() error {
	if w.closed {
		return w.err
	}
	w.closed = true
	if w.err != nil {
		return w.err
	}
	w.bw.WriteString(trailerTag + "," + strconv.FormatInt(w.count, 10) + "," + hex.EncodeToString(w.h.Sum(nil)) + w.eol)
	if err := w.bw.Flush(); err != nil {
		w.err = &ParseError{File: w.name, Err: err}
	}
	return w.err
}

func isASCIIString(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Record is one record as read: its 1-based line in the file and its decoded
// fields in column order.
type Record struct {
	Line   int
	Fields []string
}

// Summary is what a complete, verified pass over a file established.
type Summary struct {
	Header  Header
	Records int64
	Digest  []byte
}

// Reader streams one envelope file. It reads the header lazily, returns
// records one at a time and, on reaching the trailer, checks the record count
// and digest before it reports io.EOF. So a streaming consumer learns that a
// file was truncated or altered only at the end: consumers that must not act
// on any record of a bad file either use [Verify] first and read again (a
// two-pass design: [Open] for seekable input, [Spool] for streams), or, like
// [Validator], only collect and act after io.EOF. Memory is bounded by
// MaxLineLength whatever the file size.
//
// Errors are *ParseError. Errors of one record (ErrQuote, ErrEncoding,
// ErrFieldCount, ErrEmptyLine, ErrNewline) leave the Reader usable: the next call moves on
// to the following line, so a validator can list every bad record. All other
// errors are final and repeated by every later call.
type Reader struct {
	name        string
	br          *bufio.Reader
	hdr         Header
	started     bool
	h           hash.Hash
	dec         transform.Transformer
	line        int
	count       int64
	raw         []byte
	out         []byte
	ends        []int
	fields      []string
	err         error
	summary     Summary
	ReuseRecord bool // reuse the Fields slice between calls (not the strings), as encoding/csv does
	// raw keeps fields in the file's encoding (still checked for validity):
	// the validator works on GB18030 bytes directly and so skips decoding.
	rawMode bool
	scratch []byte
}

// NewReader returns a Reader of r; name (usually the file name) appears in
// every error.
func NewReader(r io.Reader, name string) *Reader {
	return &Reader{name: name, br: bufio.NewReaderSize(r, MaxLineLength)}
}

func (r *Reader) fail(line int, field string, err error) error {
	r.err = &ParseError{File: r.name, Line: line, Field: field, Err: err}
	return r.err
}

// readLine returns the next line without its terminator; terminated is false
// when the input ended without LF.
func (r *Reader) readLine() (line []byte, terminated bool, err error) {
	b, err := r.br.ReadSlice('\n')
	r.line++
	switch err {
	case nil:
		b = b[:len(b)-1]
		terminated = true
	case bufio.ErrBufferFull:
		return nil, false, gotWant(ErrLineTooLong, ">"+strconv.Itoa(len(b)), MaxLineLength)
	case io.EOF:
		if len(b) == 0 {
			return nil, false, io.EOF
		}
	default:
		return nil, false, err
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b, terminated, nil
}

// Header reads (once) and returns the file's header.
func (r *Reader) Header() (Header, error) {
	if r.started {
		if r.hdr.Kind == "" && r.err != nil {
			return Header{}, r.err
		}
		return r.hdr, nil
	}
	r.started = true
	l1, t1, err := r.readLine()
	if err == io.EOF || err == nil && !t1 {
		return Header{}, r.fail(1, "", ErrTruncated)
	} else if err != nil {
		return Header{}, r.fail(1, "", err)
	}
	l1 = bytes.TrimPrefix(l1, []byte("\xEF\xBB\xBF")) // a BOM some editors add
	l1 = slices.Clone(l1)
	if !bytes.HasPrefix(l1, []byte(magic+",")) {
		return Header{}, r.fail(1, "", gotWant(ErrHeader, strconv.Quote(truncate(string(l1), 16)), magic))
	}
	l2, t2, err := r.readLine()
	if err == io.EOF || err == nil && !t2 {
		return Header{}, r.fail(2, "", ErrTruncated)
	} else if err != nil {
		return Header{}, r.fail(2, "", err)
	}
	h, field, err := parseHeader(l1, l2)
	if err != nil {
		line := 1
		if field == "columns" {
			line = 2
		}
		return Header{}, r.fail(line, field, err)
	}
	r.hdr = h
	r.h = h.Digest.newHash()
	r.h.Write(l1)
	r.h.Write([]byte{'\n'})
	r.h.Write(l2)
	r.h.Write([]byte{'\n'})
	if h.Encoding == GB18030 {
		r.dec = simplifiedchinese.GB18030.NewDecoder()
	}
	r.summary.Header = h
	return h, nil
}

// Next returns the next record. After the last record it checks the trailer
// and returns io.EOF only if the count and digest agree and nothing follows.
func (r *Reader) Next() (Record, error) {
	if r.err != nil {
		return Record{}, r.err
	}
	if !r.started {
		if _, err := r.Header(); err != nil {
			return Record{}, err
		}
	}
	line, terminated, err := r.readLine()
	switch {
	case err == io.EOF:
		return Record{}, r.fail(r.line, "", ErrTruncated)
	case err != nil:
		return Record{}, r.fail(r.line, "", err)
	case len(line) > 0 && line[0] == '#':
		return Record{}, r.trailer(line, terminated)
	case !terminated:
		return Record{}, r.fail(r.line, "", ErrTruncated)
	}
	r.h.Write(line)
	r.h.Write([]byte{'\n'})
	r.count++
	if len(line) == 0 {
		return Record{}, &ParseError{File: r.name, Line: r.line, Err: ErrEmptyLine}
	}
	if bytes.IndexByte(line, '\r') >= 0 { // a lone CR: no value may hold one (see Writer)
		return Record{}, &ParseError{File: r.name, Line: r.line, Err: ErrNewline}
	}
	if field, err := r.split(line); err != nil {
		return Record{}, &ParseError{File: r.name, Line: r.line, Field: field, Err: err}
	}
	if len(r.ends) != len(r.hdr.Columns) {
		return Record{}, &ParseError{File: r.name, Line: r.line, Err: gotWant(ErrFieldCount, len(r.ends), len(r.hdr.Columns))}
	}
	s := string(r.out)
	fields := r.fields[:0]
	if !r.ReuseRecord || fields == nil {
		fields = make([]string, 0, len(r.ends))
	}
	start := 0
	for _, end := range r.ends {
		fields = append(fields, s[start:end])
		start = end
	}
	if r.ReuseRecord {
		r.fields = fields
	}
	return Record{Line: r.line, Fields: fields}, nil
}

func (r *Reader) trailer(line []byte, terminated bool) error {
	at := r.line
	f := strings.Split(string(line), ",")
	if f[0] != trailerTag {
		return r.fail(at, "", gotWant(ErrTrailer, strconv.Quote(truncate(f[0], 16)), trailerTag))
	}
	if !terminated {
		return r.fail(at, "", ErrTruncated)
	}
	if len(f) != 3 {
		return r.fail(at, "", gotWant(ErrTrailer, len(f), "3 trailer fields"))
	}
	n, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil || n < 0 {
		return r.fail(at, "count", gotWant(ErrTrailer, strconv.Quote(truncate(f[1], 20)), "record count"))
	}
	want, err := hex.DecodeString(f[2])
	if err != nil || len(want) != r.h.Size() {
		return r.fail(at, "digest", gotWant(ErrTrailer, strconv.Quote(truncate(f[2], 20)), "hex digest"))
	}
	if n != r.count {
		return r.fail(at, "count", gotWant(ErrCount, r.count, n))
	}
	got := r.h.Sum(nil)
	if !bytes.Equal(got, want) {
		return r.fail(at, "digest", ErrDigest)
	}
	if _, _, err := r.readLine(); err != io.EOF {
		return r.fail(at+1, "", ErrTrailingData)
	}
	r.summary.Records, r.summary.Digest = r.count, got
	r.err = io.EOF
	return io.EOF
}

// Summary returns what the pass established; complete only after Next has
// returned io.EOF.
func (r *Reader) Summary() Summary { return r.summary }

// split parses one record line (CSV quoting on the encoded bytes, which is
// safe for GB18030 because its trail bytes never take the values of ',' or
// '"') into r.out / r.ends, decoding each field.
func (r *Reader) split(line []byte) (string, error) {
	r.out, r.ends = r.out[:0], r.ends[:0]
	i := 0
	for {
		if i < len(line) && line[i] == '"' {
			r.raw = r.raw[:0]
			i++
			for {
				j := bytes.IndexByte(line[i:], '"')
				if j < 0 {
					return r.colName(len(r.ends)), detail(ErrQuote, "unterminated quote")
				}
				r.raw = append(r.raw, line[i:i+j]...)
				i += j + 1
				if i < len(line) && line[i] == '"' {
					r.raw = append(r.raw, '"')
					i++
					continue
				}
				break
			}
			if i < len(line) && line[i] != ',' {
				return r.colName(len(r.ends)), detail(ErrQuote, "text after closing quote")
			}
			if err := r.decode(r.raw); err != nil {
				return r.colName(len(r.ends)), err
			}
		} else {
			end := len(line)
			if j := bytes.IndexByte(line[i:], ','); j >= 0 {
				end = i + j
			}
			seg := line[i:end]
			if bytes.IndexByte(seg, '"') >= 0 {
				return r.colName(len(r.ends)), detail(ErrQuote, "quote in unquoted field")
			}
			if err := r.decode(seg); err != nil {
				return r.colName(len(r.ends)), err
			}
			i = end
		}
		r.ends = append(r.ends, len(r.out))
		if i >= len(line) {
			return "", nil
		}
		i++ // the comma
	}
}

func (r *Reader) colName(i int) string {
	if i < len(r.hdr.Columns) {
		return r.hdr.Columns[i]
	}
	return strconv.Itoa(i + 1)
}

var replacementUTF8 = []byte("\uFFFD")

// decode appends seg, decoded from the file's encoding, to r.out (or, in
// raw mode, checks it and appends it as is).
func (r *Reader) decode(seg []byte) error {
	if isASCII(seg) {
		r.out = append(r.out, seg...)
		return nil
	}
	if r.dec == nil {
		if !utf8.Valid(seg) {
			return detail(ErrEncoding, "invalid UTF-8")
		}
		r.out = append(r.out, seg...)
		return nil
	}
	if r.rawMode && isGB2312(seg) {
		r.out = append(r.out, seg...)
		return nil
	}
	dst := r.out
	if r.rawMode {
		dst = r.scratch[:0]
	}
	start := len(dst)
	dst = slices.Grow(dst, 2*len(seg)+4)
	r.dec.Reset()
	n, _, err := r.dec.Transform(dst[start:cap(dst)], seg, true)
	if err != nil {
		return detail(ErrEncoding, "%v", err)
	}
	dst = dst[:start+n]
	if bytes.Contains(dst[start:], replacementUTF8) {
		return detail(ErrEncoding, "invalid GB18030 byte sequence")
	}
	if r.rawMode {
		r.scratch = dst
		r.out = append(r.out, seg...)
	} else {
		r.out = dst
	}
	return nil
}
