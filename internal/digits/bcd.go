package digits

import "time"

// PutBCD writes the decimal digits of s (even length, checked with Is) as
// packed BCD into dst, two digits a byte: the card codecs' number form.
func PutBCD(dst []byte, s string) {
	for i := 0; i+1 < len(s); i += 2 {
		dst[i/2] = (s[i]-'0')<<4 | (s[i+1] - '0')
	}
}

// BCD decodes packed BCD to its digits; ok is false when a nibble is not
// 0-9.
func BCD(b []byte) (s string, ok bool) {
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

// PutBCDDate writes the date of t as 4 bytes of BCD YYYYMMDD; the zero time
// is 00000000.
func PutBCDDate(dst []byte, t time.Time) {
	if t.IsZero() {
		clear(dst[:4])
		return
	}
	PutBCD(dst, t.Format("20060102"))
}

// Why a BCD date does not decode, for the caller's error (each is a fmt
// format with the digits read as its argument, and a catalog key of the
// card packages).
const (
	ReasonNotBCD     = "not BCD"
	ReasonNotDate    = "not a date YYYYMMDD: %s"
	ReasonBefore1900 = "date before 1900: %s"
)

// BCDDate reads 4 bytes of BCD YYYYMMDD at UTC midnight; 00000000 is the
// zero time. On failure reason is one of the Reason constants and s the
// digits read (empty for ReasonNotBCD).
func BCDDate(b []byte) (t time.Time, reason, s string) {
	s, ok := BCD(b[:4])
	if !ok {
		return time.Time{}, ReasonNotBCD, ""
	}
	if s == "00000000" {
		return time.Time{}, "", s
	}
	if Atoi(s[:4]) < 1900 { // 0001-01-01 is also Go's zero time, which stands for 00000000
		return time.Time{}, ReasonBefore1900, s
	}
	y, m, d, ok := Date(s)
	if !ok {
		return time.Time{}, ReasonNotDate, s
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), "", s
}
