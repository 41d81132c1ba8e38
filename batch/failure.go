package batch

import (
	"context"
	"io"
	"strconv"

	"github.com/bjedu/studentcard/l10n"
)

// Failure is one row of a failure file: which record of which file, which
// field, the reason code and the Chinese text for the operator who fixes the
// data in CMIS (C-3). Line 0 means the whole file.
type Failure struct {
	SourceFile string
	Line       int
	// RawRegistryNo is the failing record's registry number as the source
	// file has it (masked), which may be the very thing that is wrong.
	RawRegistryNo string
	Field         string
	Reason        Reason
	Message       string
}

func (f Failure) fields() []string {
	return []string{f.SourceFile, strconv.Itoa(f.Line), f.RawRegistryNo, f.Field, string(f.Reason), f.Message}
}

// FailureOf turns a validation problem into a failure-file row.
func FailureOf(e *RecordError) Failure {
	r := e.Reason
	if r == "" {
		r = reasonOf(e.Err)
	}
	return Failure{SourceFile: e.File, Line: e.Line, RawRegistryNo: e.RawRegistryNo, Field: e.Field, Reason: r, Message: l10n.Error(e, l10n.Chinese)}
}

// DefaultMaxFailureRows bounds the problem rows of a failure file: a
// school fixing its data needs the first thousands, not millions (a 1 MB
// package of identical records would otherwise make gigabytes of rows).
// Rows of about 200 bytes make the file at most about 2 MB.
const DefaultMaxFailureRows = 10_000

// ReasonCapped is the code of the last row of a failure file that reached
// its row cap: it says how many problems were not listed.
const ReasonCapped Reason = "CAPPED"

// FailureWriter streams a failure file (C-MAKE-2/3): plug its Add into
// Validator.OnError and Close it when the validation is over. It writes at
// most DefaultMaxFailureRows problem rows (SetMaxRows changes the cap); the
// problems beyond are counted, and Close announces them in one last row
// with reason CAPPED, so the school knows the list is not complete.
type FailureWriter struct {
	w       *Writer
	max     int64
	dropped int64
	last    string // source file of the last problem, for the CAPPED row
}

// NewFailureWriter starts a failure file from the validating level (sender).
func NewFailureWriter(w io.Writer, name string, sender Header, opts ...WriterOption) (*FailureWriter, error) {
	wr, err := Failures.NewWriter(w, name, sender, opts...)
	if err != nil {
		return nil, err
	}
	return &FailureWriter{w: wr, max: DefaultMaxFailureRows}, nil
}

// SetMaxRows sets the cap on problem rows; n ≤ 0 restores the default.
func (f *FailureWriter) SetMaxRows(n int) {
	f.max = int64(n)
	if n <= 0 {
		f.max = DefaultMaxFailureRows
	}
}

// MaxRows returns the cap on problem rows.
func (f *FailureWriter) MaxRows() int { return int(f.max) }

// Add writes one problem as a row, or counts it once the cap is reached (a
// validator's own CAPPED row is always written).
func (f *FailureWriter) Add(e *RecordError) error {
	f.last = e.File
	if f.w.Count() >= f.max && e.Reason != ReasonCapped {
		f.dropped++
		return nil
	}
	return f.w.WriteRecord(FailureOf(e).fields())
}

// Count returns the rows written.
func (f *FailureWriter) Count() int64 { return f.w.Count() }

// Dropped returns the problems not written because of the cap.
func (f *FailureWriter) Dropped() int64 { return f.dropped }

// Close writes the CAPPED row if problems were dropped, then the trailer.
func (f *FailureWriter) Close() error {
	if f.dropped > 0 {
		msg := messages.Sprintf(l10n.Chinese, "%s more problems not listed: the failure file lists the first %s",
			strconv.FormatInt(f.dropped, 10), strconv.FormatInt(f.max, 10))
		if err := f.w.WriteRecord(Failure{SourceFile: f.last, Reason: ReasonCapped, Message: msg}.fields()); err != nil {
			return err
		}
	}
	return f.w.Close()
}

// ReadFailures streams a failure file to fn, row by row.
func ReadFailures(ctx context.Context, r io.Reader, name string, fn func(Failure) error) (Summary, error) {
	return readTyped(ctx, r, name, Failures, func(_ Header, f []string) (Failure, string, error) {
		line, err := strconv.Atoi(f[1])
		if err != nil || line < 0 {
			return Failure{}, "line", gotWant(ErrFormat, f[1], "line number")
		}
		if f[4] == "" {
			return Failure{}, "code", ErrRequired
		}
		return Failure{SourceFile: f[0], Line: line, RawRegistryNo: f[2], Field: f[3], Reason: Reason(f[4]), Message: f[5]}, "", nil
	}, func(_ Record, fl Failure) error { return fn(fl) })
}
