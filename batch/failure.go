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

// FailureWriter streams a failure file (C-MAKE-2/3): plug its Add into
// Validator.OnError and Close it when the validation is over.
type FailureWriter struct{ w *Writer }

// NewFailureWriter starts a failure file from the validating level (sender).
func NewFailureWriter(w io.Writer, name string, sender Header, opts ...WriterOption) (*FailureWriter, error) {
	wr, err := Failures.NewWriter(w, name, sender, opts...)
	if err != nil {
		return nil, err
	}
	return &FailureWriter{w: wr}, nil
}

// Add writes one problem as a row.
func (f *FailureWriter) Add(e *RecordError) error { return f.w.WriteRecord(FailureOf(e).fields()) }

// Count returns the rows written.
func (f *FailureWriter) Count() int64 { return f.w.Count() }

// Close writes the trailer.
func (f *FailureWriter) Close() error { return f.w.Close() }

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
