package card

import (
	"strconv"
	"time"
)

// putBCD writes the decimal digits of s (even length) as packed BCD.
func putBCD(dst []byte, s string) {
	for i := 0; i+1 < len(s); i += 2 {
		dst[i/2] = (s[i]-'0')<<4 | (s[i+1] - '0')
	}
}

// bcdDigits decodes packed BCD; ok is false when a nibble is not 0-9.
func bcdDigits(b []byte) (string, bool) {
	out := make([]byte, 0, 2*len(b))
	for _, x := range b {
		hi, lo := x>>4, x&0x0F
		if hi > 9 || lo > 9 {
			return "", false
		}
		out = append(out, '0'+hi, '0'+lo)
	}
	return string(out), true
}

// putDate writes t as BCD YYYYMMDD; the zero time is 00000000.
func putDate(dst []byte, t time.Time) {
	if t.IsZero() {
		clear(dst[:4])
		return
	}
	putBCD(dst, t.Format("20060102"))
}

// getDate reads a BCD YYYYMMDD date; 00000000 is the zero time.
func getDate(file, field string, offset int, b []byte) (time.Time, error) {
	s, ok := bcdDigits(b[:4])
	if !ok {
		return time.Time{}, &FieldError{File: file, Field: field, Offset: offset, Reason: "not BCD"}
	}
	if s == "00000000" {
		return time.Time{}, nil
	}
	t, err := time.Parse("20060102", s)
	if err != nil {
		return time.Time{}, &FieldError{File: file, Field: field, Offset: offset, Reason: "not a date YYYYMMDD: %s", Args: []any{s}}
	}
	if t.Year() < 1900 { // 0001-01-01 is also Go's zero time, which stands for 00000000
		return time.Time{}, &FieldError{File: file, Field: field, Offset: offset, Reason: "date before 1900: %s", Args: []any{s}}
	}
	return t, nil
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

// itoa2 is strconv.Itoa, kept short for the codecs.
func itoa(n int) string { return strconv.Itoa(n) }
