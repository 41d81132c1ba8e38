package studentid

import (
	"strconv"
	"time"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/l10n"
)

// ResidentIDLen is the number of characters of a resident ID number.
const ResidentIDLen = 18

// keyLength is the detail text of every wrong-length error.
const keyLength = "%d characters, want %d"

// ResidentID is a resident ID number (居民身份证号码, GB 11643) that has
// been checked: 6-digit region, a calendar birth date from 1900 on, 3-digit
// sequence and the ISO 7064 MOD 11-2 check character (upper-case X for 10).
// Birth dates in the future are not rejected: the parser reads no clock.
//
// ResidentID is a small comparable value; the zero value is no number.
type ResidentID struct {
	c [ResidentIDLen]byte
}

// ParseResidentID reads a resident ID number. Like [Parse] it trims white
// space and folds full-width characters; a lower-case x check character is
// accepted and normalised to X. Errors are [*Error] values matching
// [ErrResidentIDFormat], [ErrResidentIDDate] or [ErrResidentIDCheck].
func ParseResidentID(s string) (ResidentID, error) {
	var r ResidentID
	if err := readCode(&r.c, normalize(s), true); err != nil {
		return ResidentID{}, err
	}
	return r, nil
}

// BuildResidentID makes a valid resident ID number from a 6-digit region
// code, the birth date (only its year, month and day count) and a sequence
// number 0-999 (odd for men, even for women), computing the check
// character. Test and demo data generators use it.
func BuildResidentID(region string, birth time.Time, sequence int) (ResidentID, error) {
	var r ResidentID
	if len(region) != 6 || !copyDigits(r.c[:6], region) {
		return ResidentID{}, &Error{Kind: KindResidentID, Pos: 1, End: 6, Got: region, Err: ErrResidentIDFormat,
			key: "%s %q is not %d digits", args: []any{text("region code"), region, 6}}
	}
	y, m, d := birth.Date()
	if y < 1900 || y > 9999 {
		return ResidentID{}, &Error{Kind: KindResidentID, Pos: 7, End: 14, Got: strconv.Itoa(y), Err: ErrResidentIDDate,
			key: "birth year %d is not 1900-9999", args: []any{y}}
	}
	if sequence < 0 || sequence > 999 {
		return ResidentID{}, &Error{Kind: KindResidentID, Pos: 15, End: 17, Got: strconv.Itoa(sequence), Err: ErrResidentIDFormat,
			key: "sequence %d is not 000-999", args: []any{sequence}}
	}
	putInt(r.c[6:10], y)
	putInt(r.c[10:12], int(m))
	putInt(r.c[12:14], d)
	putInt(r.c[14:17], sequence)
	r.c[17] = mod11_2(r.c[:17])
	return r, nil
}

// putInt writes v as len(dst) decimal digits, zero-padded.
func putInt(dst []byte, v int) {
	for i := len(dst) - 1; i >= 0; i, v = i-1, v/10 {
		dst[i] = '0' + byte(v%10)
	}
}

// readCode reads the 18 characters shared by resident ID numbers and the
// body of personal codes from normalised s: region (1-6), birth date (7-14),
// then, when checked, a 3-digit sequence and the MOD 11-2 check character
// (15-18), else four digits without a check.
func readCode(dst *[ResidentIDLen]byte, s string, checked bool) *Error {
	if len(s) != ResidentIDLen || !copyDigits(dst[:ResidentIDLen-1], s) || !lastChar(dst, s[ResidentIDLen-1], checked) {
		return shapeError(KindResidentID, ErrResidentIDFormat, s, ResidentIDLen, checked)
	}
	if err := checkDate(dst[6:14]); err != nil {
		return err
	}
	if checked {
		if want := mod11_2(dst[:17]); dst[17] != want {
			return &Error{Kind: KindResidentID, Pos: 18, End: 18, Got: string(dst[17]), Err: ErrResidentIDCheck,
				key: "check character is %c, want %c", args: []any{dst[17], want}}
		}
	}
	return nil
}

// lastChar stores the 18th character: a digit, or when checked also X or x
// (normalised to X).
func lastChar(dst *[ResidentIDLen]byte, c byte, checked bool) bool {
	switch {
	case c >= '0' && c <= '9':
	case checked && (c == 'X' || c == 'x'):
		c = 'X'
	default:
		return false
	}
	dst[ResidentIDLen-1] = c
	return true
}

// checkDate checks that the 8 digits YYYYMMDD are a calendar date from
// 1900 on. Positions are those of a resident ID number (7-14).
func checkDate(d []byte) *Error {
	y := twoDigits(d[0], d[1])*100 + twoDigits(d[2], d[3])
	m, day := twoDigits(d[4], d[5]), twoDigits(d[6], d[7])
	if m < 1 || m > 12 || day < 1 || day > daysIn(y, m) {
		return &Error{Kind: KindResidentID, Pos: 7, End: 14, Got: string(d), Err: ErrResidentIDDate,
			key: "birth date %s is not a calendar date", args: []any{string(d)}}
	}
	if y < 1900 {
		return &Error{Kind: KindResidentID, Pos: 7, End: 14, Got: string(d), Err: ErrResidentIDDate,
			key: "birth date %s is before 1900", args: []any{string(d)}}
	}
	return nil
}

// daysIn returns the number of days of month m (1-12) of year y in the
// Gregorian calendar.
func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// mod11_2 computes the ISO 7064 MOD 11-2 check character of the 17 digits
// of a resident ID number, as GB 11643 gives it.
func mod11_2(digits []byte) byte {
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(digits[i]-'0') * w
	}
	return "10X98765432"[sum%11]
}

// String returns the 18 characters (X upper-case); ParseResidentID of it
// gives r back. The zero value returns "".
func (r ResidentID) String() string {
	if r.IsZero() {
		return ""
	}
	return string(r.c[:])
}

// IsZero reports whether r is the zero value, which is no number.
func (r ResidentID) IsZero() bool { return r == ResidentID{} }

// Region returns positions 1-6, the administrative region code (GB/T 2260)
// where the number was issued.
func (r ResidentID) Region() string { return string(r.c[:6]) }

// BirthDate returns the birth date, positions 7-14, at midnight UTC. Card
// applications check it against the card-making data (SPEC §2).
func (r ResidentID) BirthDate() time.Time { return birthDate(r.c[6:14]) }

// Sequence returns positions 15-17, 0-999.
func (r ResidentID) Sequence() int {
	return int(r.c[14]-'0')*100 + twoDigits(r.c[15], r.c[16])
}

// Sex returns [Male] for an odd sequence, [Female] for an even one.
func (r ResidentID) Sex() Sex { return sexOf(r.c[16]) }

// Check returns the check character, '0'-'9' or 'X'.
func (r ResidentID) Check() byte { return r.c[17] }

// PersonCode returns the G form of the national personal code for r (the
// zero PersonCode for the zero r).
func (r ResidentID) PersonCode() PersonCode {
	if r.IsZero() {
		return PersonCode{}
	}
	return PersonCode{kind: PersonCodeResident, body: r.c}
}

// MarshalText returns the 18 characters (nothing for the zero value).
func (r ResidentID) MarshalText() ([]byte, error) {
	if r.IsZero() {
		return []byte{}, nil
	}
	return r.c[:], nil
}

// UnmarshalText parses text with [ParseResidentID]; empty text gives the
// zero value.
func (r *ResidentID) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*r = ResidentID{}
		return nil
	}
	v, err := ParseResidentID(string(text))
	if err != nil {
		return err
	}
	*r = v
	return nil
}

func birthDate(d []byte) time.Time {
	y := twoDigits(d[0], d[1])*100 + twoDigits(d[2], d[3])
	return time.Date(y, time.Month(twoDigits(d[4], d[5])), twoDigits(d[6], d[7]), 0, 0, 0, 0, time.UTC)
}

func sexOf(seqDigit byte) Sex {
	if (seqDigit-'0')%2 == 1 {
		return Male
	}
	return Female
}

// Sex is a person's sex as coded in GB/T 2261.1 (0 unknown, 1 male, 2
// female), read from the sequence of a resident ID number.
type Sex uint8

// Sexes.
const (
	SexUnknown Sex = 0 // not coded, as in L personal codes
	Male       Sex = 1 // odd sequence
	Female     Sex = 2 // even sequence
)

// String returns the English name of the sex.
func (s Sex) String() string { return s.Localize(l10n.English) }

// Localize returns the name of the sex in the language tag.
func (s Sex) Localize(tag language.Tag) string {
	switch s {
	case Male:
		return messages.Sprintf(tag, "male")
	case Female:
		return messages.Sprintf(tag, "female")
	}
	return messages.Sprintf(tag, "unknown")
}
