package batch

import (
	"context"
	"io"
	"slices"
	"strings"
)

// Spec fixes one kind of file: its name in the header, its layout version and
// its columns. The Specs of this package are values; treat them as constants.
type Spec struct {
	Kind    string
	Version int
	Columns []string
}

// The kinds of this package (layout version 1 each). The columns are the
// documentation of each format; see the worked examples in testdata/.
var (
	// CardData is the card-making data (制卡数据, C-1): school name, student
	// name, gender (GB/T 2261.1: 1 male, 2 female), 16-digit registry number,
	// 18-character resident ID number and birth date YYYYMMDD. Photos travel
	// beside it in the package, named by registry number (C-2).
	CardData = Spec{"CARDDATA", 1, []string{"school_name", "name", "gender", "registry_no", "resident_id", "birth_date"}}
	// RareChars is the rare-character description (生僻字说明, C-4): the name
	// as stored in pinyin, how the character is written, the school's
	// official name, contact person and report date YYYYMMDD.
	RareChars = Spec{"RARECHAR", 1, []string{"registry_no", "name_pinyin", "glyph", "school_name", "contact", "report_date"}}
	// Failures is the failure file (失败文件, C-MAKE-2/3, C-3): one row per
	// problem found, with the file and line of the record, its registry
	// number, the field, a machine-readable reason code and the Chinese text.
	Failures = Spec{"FAILURE", 1, []string{"source_file", "line", "registry_no", "field", "code", "message"}}
	// Results is the card factory's result file (结果文件, C-ISSUE-1): one row
	// per card, status OK or WASTE, the waste reason (DATA for data errors,
	// PRINT for the factory's own) and the factory batch number.
	Results = Spec{"RESULT", 1, []string{"registry_no", "name", "school_name", "status", "waste_reason", "factory_batch"}}
	// Handovers is the handover sheet (交接单, C-ISSUE-1/2/4, C-PACK-1): one
	// row per small box, with the big box that holds it.
	Handovers = Spec{"HANDOVER", 1, []string{"district", "factory_batch", "big_box", "small_box", "school_code", "school_name", "student_category", "cohort", "count"}}
	// Personalisations is the personalisation record file (个人化记录,
	// R-ISSUE-4): card serial (hex), time, OK/FAIL, ONLINE or MEDIA channel.
	Personalisations = Spec{"PERSO", 1, []string{"registry_no", "card_serial", "school_code", "personalised_at", "result", "channel", "operator"}}
	// Filings is the whole-school registry filing file (学籍卡立案数据,
	// R-ISSUE-5).
	Filings = Spec{"FILING", 1, []string{"registry_no", "name", "resident_id", "card_serial", "issued_on"}}
	// Faults is the fault slip (故障卡登记单, R-FAULT-1).
	Faults = Spec{"FAULT", 1, []string{"slip_no", "card_serial", "registry_no", "school_code", "fault", "found_on", "stage", "handler"}}
	// Recoveries is the recovery slip (回收单, R-RECOVER-1, R-LEAVE-2).
	Recoveries = Spec{"RECOVERY", 1, []string{"slip_no", "card_serial", "registry_no", "school_code", "cohort", "epurse", "recovered_on", "handler"}}
)

// Header returns a header for a file of this kind from the sender's part
// (Level, Code, Batch, Created, Encoding, Digest).
func (s Spec) Header(sender Header) Header {
	sender.Kind, sender.Version, sender.Columns = s.Kind, s.Version, slices.Clone(s.Columns)
	return sender
}

// Check reports, as a *ParseError, whether h is a header of this kind.
func (s Spec) Check(h Header, file string) error {
	switch {
	case h.Kind != s.Kind:
		return &ParseError{File: file, Line: 1, Field: "kind", Err: gotWant(ErrKind, h.Kind, s.Kind)}
	case h.Version != s.Version:
		return &ParseError{File: file, Line: 1, Field: "version", Err: gotWant(ErrVersion, h.Version, s.Version)}
	case !slices.Equal(h.Columns, s.Columns):
		return &ParseError{File: file, Line: 2, Field: "columns", Err: gotWant(ErrColumns, strings.Join(h.Columns, ","), strings.Join(s.Columns, ","))}
	}
	return nil
}

// NewWriter starts a file of this kind.
func (s Spec) NewWriter(w io.Writer, name string, sender Header, opts ...WriterOption) (*Writer, error) {
	return NewWriter(w, name, s.Header(sender), opts...)
}

// row is a typed record of some kind.
type row interface{ fields() []string }

// readTyped streams a file of kind spec, converting each record with parse
// and handing it to fn. The first error (envelope, record or fn's) stops it.
// Nothing is committed by this function; callers that must not act on a bad
// file use Open/Spool first or collect until the end.
func readTyped[T any](ctx context.Context, r io.Reader, name string, spec Spec,
	parse func(Header, []string) (T, string, error), fn func(Record, T) error) (Summary, error) {
	rd := NewReader(r, name)
	rd.ReuseRecord = true
	h, err := rd.Header()
	if err != nil {
		return Summary{}, err
	}
	if err := spec.Check(h, name); err != nil {
		return Summary{}, err
	}
	for i := 0; ; i++ {
		if i%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return Summary{}, err
			}
		}
		rec, err := rd.Next()
		if err == io.EOF {
			return rd.Summary(), nil
		}
		if err != nil {
			return Summary{}, err
		}
		v, field, err := parse(h, rec.Fields)
		if err != nil {
			return Summary{}, &ParseError{File: name, Line: rec.Line, Field: field, Err: err}
		}
		if err := fn(rec, v); err != nil {
			return Summary{}, err
		}
	}
}

// writeTyped writes rows as one file of kind spec and closes it.
func writeTyped[T row](w io.Writer, name string, spec Spec, sender Header, rows []T, opts ...WriterOption) error {
	wr, err := spec.NewWriter(w, name, sender, opts...)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if err := wr.WriteRecord(r.fields()); err != nil {
			return err
		}
	}
	return wr.Close()
}
