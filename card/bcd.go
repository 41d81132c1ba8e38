package card

import (
	"strconv"
	"time"

	"github.com/bjedu/studentcard/internal/digits"
)

// getDate reads a BCD YYYYMMDD date ([digits.BCDDate]); 00000000 is the
// zero time, anything else not a date a [*FieldError].
func getDate(file, field string, offset int, b []byte) (time.Time, error) {
	t, reason, s := digits.BCDDate(b)
	if reason == "" {
		return t, nil
	}
	e := &FieldError{File: file, Field: field, Offset: offset, Reason: reason}
	if reason != digits.ReasonNotBCD {
		e.Args = []any{s}
	}
	return time.Time{}, e
}

// dateOnly drops the clock part of t (in its own location) and returns it
// at UTC midnight, the form every date on the card decodes to.
func dateOnly(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// itoa is strconv.Itoa, kept short for the codecs.
func itoa(n int) string { return strconv.Itoa(n) }
