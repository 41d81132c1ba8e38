package lists

import (
	"io"
	"slices"
	"strings"
	"time"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/studentid"
)

// EventFileKind is the envelope kind of a list event file, and
// EventFileVersion its column layout version.
const (
	EventFileKind    = "LISTEVENT"
	EventFileVersion = 1
)

// eventColumns are the columns of an event file, in order.
func eventColumns() []string {
	return []string{"serial", "registry", "kind", "time", "school", "operator"}
}

// EventFileName is the conventional name of the event file a sender
// (school, district or city, by its code) sends for one day:
// LISTEVENT_<code>_<YYYYMMDD>.txt, the day taken in the time's location.
func EventFileName(code string, day time.Time) string {
	return EventFileKind + "_" + code + "_" + day.Format("20060102") + ".txt"
}

// EventWriter writes an event file in the batch envelope: one record per
// event, in the event order. It is an EventSink, so Merge can write into it.
// Only Close writes the trailer: a file whose writer stopped early is refused
// downstream as truncated.
type EventWriter struct {
	w     *batch.Writer
	name  string
	scope string
	last  Event
	n     int
}

// NewEventWriter starts an event file on w. h gives the sender (Level, Code),
// batch number, creation time, encoding and digest; Kind, Version and Columns
// are set here. name appears in errors.
func NewEventWriter(w io.Writer, name string, h batch.Header, opts ...batch.WriterOption) (*EventWriter, error) {
	h.Kind, h.Version, h.Columns = EventFileKind, EventFileVersion, eventColumns()
	bw, err := batch.NewWriter(w, name, h, opts...)
	if err != nil {
		return nil, err
	}
	return &EventWriter{w: bw, name: name, scope: h.Code}, nil
}

// Write validates e and writes it. The event must not come before the
// previous one in the event order, and its school must be under the sender
// (its code starts with the sender's code: a school sends its own events, a
// district those of its schools); faults are a *batch.ParseError naming the
// line and field, and nothing is written.
func (w *EventWriter) Write(e Event) error {
	line := w.n + 3
	if err := checkEvent(e, w.scope); err != nil {
		return &batch.ParseError{File: w.name, Line: line, Field: err.Field, Err: err.reason()}
	}
	if w.n > 0 && e.Compare(w.last) < 0 {
		return &batch.ParseError{File: w.name, Line: line, Err: ErrOutOfOrder}
	}
	err := w.w.WriteRecord([]string{e.Serial.String(), e.RegistryNo.String(), e.Kind.String(),
		e.Time.Format(time.RFC3339Nano), e.School.String(), e.Operator})
	if err != nil {
		return err
	}
	w.last = e
	w.n++
	return nil
}

// Close writes the trailer (count and digest) and flushes; it does not close
// the underlying writer.
func (w *EventWriter) Close() error { return w.w.Close() }

// checkEvent validates e and its school against the sender's code.
func checkEvent(e Event, scope string) *FieldError {
	if err := e.Validate(); err != nil {
		return err.(*FieldError)
	}
	if !strings.HasPrefix(e.School.String(), scope) {
		return &FieldError{Field: FieldSchool, Err: ErrForeignSchool}
	}
	return nil
}

// EventReader reads an event file from a batch.Reader: header checks, then
// one Event per record. Next returns io.EOF only after the envelope's
// trailer verified (count and digest), so a consumer that must not act on a
// damaged file either reads through batch.Open / batch.Spool (verified
// first) or, like Merge into an EventWriter, commits nothing before io.EOF.
// Memory is bounded by one record.
type EventReader struct {
	r    *batch.Reader
	name string
	hdr  batch.Header
	last Event
	n    int
}

// NewEventReader reads the header of an event file from r and checks it is
// one (kind LISTEVENT, version 1, the six columns). name appears in errors.
func NewEventReader(r *batch.Reader, name string) (*EventReader, error) {
	h, err := r.Header()
	if err != nil {
		return nil, err
	}
	switch {
	case h.Kind != EventFileKind:
		return nil, &batch.ParseError{File: name, Line: 1, Field: "kind", Err: batch.ErrKind}
	case h.Version != EventFileVersion:
		return nil, &batch.ParseError{File: name, Line: 1, Field: "version", Err: batch.ErrVersion}
	case !slices.Equal(h.Columns, eventColumns()):
		return nil, &batch.ParseError{File: name, Line: 2, Field: "columns", Err: batch.ErrColumns}
	}
	return &EventReader{r: r, name: name, hdr: h}, nil
}

// Header returns the file's envelope header (sender, batch, created time).
func (r *EventReader) Header() batch.Header { return r.hdr }

// Next returns the next event, or io.EOF once the trailer verified. A bad
// record is a *batch.ParseError naming its line and field; the reader stays
// usable after it (so a validator can list every bad record), except after
// envelope errors, which batch.Reader repeats.
func (r *EventReader) Next() (Event, error) {
	rec, err := r.r.Next()
	if err != nil {
		return Event{}, err
	}
	e, ferr := parseEvent(rec.Fields, r.hdr.Code)
	if ferr != nil {
		return Event{}, &batch.ParseError{File: r.name, Line: rec.Line, Field: ferr.Field, Err: ferr.reason()}
	}
	if r.n > 0 && e.Compare(r.last) < 0 {
		return Event{}, &batch.ParseError{File: r.name, Line: rec.Line, Err: ErrOutOfOrder}
	}
	r.last = e
	r.n++
	return e, nil
}

// parseEvent decodes one record's six fields (the reader has checked their
// number against the columns).
func parseEvent(f []string, scope string) (Event, *FieldError) {
	var e Event
	var err error
	if e.Serial, err = parseSerial(f[0]); err != nil {
		return e, err.(*FieldError)
	}
	if e.RegistryNo, err = studentid.Parse(f[1]); err != nil {
		return e, &FieldError{Field: FieldRegistry, Err: ErrBadRegistry, Cause: err}
	}
	if e.Kind, err = ParseKind(f[2]); err != nil {
		return e, err.(*FieldError)
	}
	if e.Time, err = time.Parse(time.RFC3339Nano, f[3]); err != nil {
		return e, &FieldError{Field: FieldTime, Err: ErrBadTime}
	}
	if len(f[4]) == studentid.SchoolLen {
		e.School, _ = studentid.ParseSchool(f[4])
	}
	e.Operator = f[5]
	if ferr := checkEvent(e, scope); ferr != nil {
		return e, ferr
	}
	return e, nil
}
