package studentid

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// Len is the number of digits of a student registry number.
const Len = 16

// ProvinceBeijing is positions 1-2 of every Beijing registry number: the
// commission's own code, not the GB/T 2260 code 11.
const ProvinceBeijing = "01"

// ID is a student registry number (学籍号) whose structure has been checked:
// 16 digits, a school category 0-7, a student category the school category
// teaches (rules S-ID-2, S-ID-3), class and seat 01-99. Its check digit is
// not checked until [ID.Verify] (rule S-ID-6).
//
// ID is a small comparable value: use == and map keys freely. The zero ID
// is no number; its String is "" and its other accessors are meaningless.
// Get IDs from [Parse] or [Build].
type ID struct {
	d [Len]byte // ASCII digits
}

// Parse reads a student registry number. It trims surrounding white space
// (including the ideographic space) and folds full-width digits to ASCII,
// then checks the structure of SPEC §2: 16 digits ([ErrFormat]), school
// category 0-7 ([ErrSchoolCategory]), a student category the school category
// teaches ([ErrCategoryMismatch]), class 01-99 ([ErrClass]) and seat 01-99
// ([ErrSeat]). It never rejects a number for its check digit (rule S-ID-6);
// use [ID.Verify] for that.
//
// Errors are [*Error] values naming the first wrong position. Parsing plain
// ASCII input does not allocate unless it fails.
func Parse(s string) (ID, error) {
	if len(s) != Len || !digits8(s[:8]) || !digits8(s[8:]) {
		s = normalize(s)
		if len(s) != Len || !digits8(s[:8]) || !digits8(s[8:]) {
			return ID{}, shapeError(KindRegistryNumber, ErrFormat, s, Len, false)
		}
	}
	var id ID
	copy(id.d[:], s)
	if err := id.validate(); err != nil {
		return ID{}, err
	}
	return id, nil
}

// digits8 reports whether the first 8 bytes of s are all ASCII digits,
// testing them at once as one 64-bit word: each byte must be 0x30-0x3F, and
// stay below 0x40 when 6 is added, which takes ':' to '?' (0x3A-0x3F) to
// 0x40 and beyond. No byte can carry into the next one.
func digits8(s string) bool {
	_ = s[7]
	x := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
	const hi, zeros, sixes = 0xF0F0F0F0F0F0F0F0, 0x3030303030303030, 0x0606060606060606
	return x&hi == zeros && (x+sixes)&hi == zeros
}

// normalize trims white space and, only if s has a non-ASCII byte, folds
// full-width characters to their ASCII forms first.
func normalize(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			s = width.Fold.String(s)
			break
		}
	}
	return strings.TrimSpace(s)
}

// copyDigits copies the first len(dst) bytes of s (it has at least that
// many) into dst and reports whether they all were ASCII digits.
func copyDigits(dst []byte, s string) bool {
	for i := 0; i < len(dst); i++ {
		c := s[i]
		if c-'0' > 9 {
			return false
		}
		dst[i] = c
	}
	return true
}

// shapeError explains why s is not want digits (the last one may be X when
// xLast): the first character that is not a digit, or else the length.
func shapeError(kind Kind, sentinel error, s string, want int, xLast bool) *Error {
	n := 0
	for _, r := range s {
		n++
		if n > want {
			break
		}
		if r >= '0' && r <= '9' || xLast && n == want && (r == 'X' || r == 'x') {
			continue
		}
		key := "%q is not a digit"
		if xLast && n == want {
			key = "%q is not a digit or X"
		}
		return &Error{Kind: kind, Pos: n, End: n, Got: string(r), Err: sentinel, key: key, args: []any{string(r)}}
	}
	n = utf8.RuneCountInString(s)
	pos := min(n, want) + 1
	return &Error{Kind: kind, Pos: pos, End: pos, Err: sentinel, key: keyLength, args: []any{n, want}}
}

// validate checks the structure of the first 15 digits: one cheap test for
// the valid case, structureError to explain a failure.
func (id *ID) validate() error {
	sc, st := id.d[4]-'0', id.d[8]-'0'
	// A digit is 0x30-0x39, so x|y == '0' only when both are '0'.
	if sc < uint8(len(teaches)) && teaches[sc]>>st&1 != 0 && id.d[11]|id.d[12] != '0' && id.d[13]|id.d[14] != '0' {
		return nil
	}
	return id.structureError()
}

// structureError returns the error for the first wrong position of a
// number validate rejected, in position order.
func (id *ID) structureError() error {
	sc := id.SchoolCategory()
	if !sc.Valid() {
		return &Error{Kind: KindRegistryNumber, Pos: 5, End: 5, Got: string(id.d[4]), Err: ErrSchoolCategory,
			key: "school category %s is not 0-7", args: []any{string(id.d[4])}}
	}
	if st := id.StudentCategory(); !sc.Allows(st) {
		return &Error{Kind: KindRegistryNumber, Pos: 9, End: 9, Got: string(id.d[8]), Err: ErrCategoryMismatch,
			key:  "student category %[1]s (%[2]s) is not taught by school category %[3]s (%[4]s); allowed: %[5]s",
			args: []any{string(id.d[8]), st, string(id.d[4]), sc, sc.allowedList()}}
	}
	if id.d[11] == '0' && id.d[12] == '0' {
		return &Error{Kind: KindRegistryNumber, Pos: 12, End: 13, Got: "00", Err: ErrClass,
			key: "class %s is not 01-99", args: []any{"00"}}
	}
	return &Error{Kind: KindRegistryNumber, Pos: 14, End: 15, Got: "00", Err: ErrSeat,
		key: "seat %s is not 01-99", args: []any{"00"}}
}

// String returns the 16 digits; Parse(id.String()) == id. The zero ID
// returns "".
func (id ID) String() string {
	if id.IsZero() {
		return ""
	}
	return string(id.d[:])
}

// IsZero reports whether id is the zero ID, which is no number.
func (id ID) IsZero() bool { return id == ID{} }

// Province returns positions 1-2, the province/city code ([ProvinceBeijing]
// in Beijing).
func (id ID) Province() string { return string(id.d[0:2]) }

// District returns positions 1-4, the student's district (province and
// district code). Batch files are split and routed by it.
func (id ID) District() District {
	var d District
	copy(d.c[:], id.d[0:4])
	return d
}

// SchoolCategory returns position 5.
func (id ID) SchoolCategory() SchoolCategory { return SchoolCategory(id.d[4] - '0') }

// School returns positions 1-8, the student's school: province, district,
// school category and school code (for instance the sending school of a
// batch file). Its 6- and 3-digit forms are [School.InProvince] and
// [School.Local].
func (id ID) School() School {
	var s School
	copy(s.c[:], id.d[0:8])
	return s
}

// StudentCategory returns position 9.
func (id ID) StudentCategory() StudentCategory { return StudentCategory(id.d[8] - '0') }

// Cohort returns positions 10-11 (届别), the last two digits of the
// graduation year, 0-99.
func (id ID) Cohort() int { return twoDigits(id.d[9], id.d[10]) }

// Class returns positions 12-13, 1-99.
func (id ID) Class() int { return twoDigits(id.d[11], id.d[12]) }

// Seat returns positions 14-15 (学号 within the class), 1-99.
func (id ID) Seat() int { return twoDigits(id.d[13], id.d[14]) }

// Check returns position 16, the check digit, as an ASCII digit '0'-'9'.
func (id ID) Check() byte { return id.d[15] }

// Payload returns positions 1-15, the digits a [Scheme] computes the check
// digit from.
func (id ID) Payload() string { return string(id.d[:Len-1]) }

// IsTransient reports whether the student is a transient student (借读生),
// student category 4-9 (rule S-ID-3).
func (id ID) IsTransient() bool { return id.StudentCategory().IsTransient() }

// TreatedAsLocal reports whether the student is a transient student treated
// as local, student category 7-9.
func (id ID) TreatedAsLocal() bool { return id.StudentCategory().TreatedAsLocal() }

// Stage returns the student's stage, decided by the student category.
func (id ID) Stage() Stage { return id.StudentCategory().Stage() }

// CardColour returns the background colour of the student's ID card (rule
// S-1); (NoColour, false) for vocational students, who get no student card
// (rule S-3).
func (id ID) CardColour() (Colour, bool) { return id.Stage().Colour() }

// Fields returns the fields of id, for instance to build the new number of
// a student who changes class (rule S-ID-5).
func (id ID) Fields() Fields {
	return Fields{
		School:          id.School(),
		StudentCategory: id.StudentCategory(),
		Cohort:          id.Cohort(),
		Class:           id.Class(),
		Seat:            id.Seat(),
	}
}

// MarshalText returns the 16 digits (nothing for the zero ID), so an ID
// can be a JSON string or map key.
func (id ID) MarshalText() ([]byte, error) {
	if id.IsZero() {
		return []byte{}, nil
	}
	return id.d[:], nil
}

// UnmarshalText parses text with [Parse]; empty text gives the zero ID, the
// counterpart of MarshalText.
func (id *ID) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*id = ID{}
		return nil
	}
	v, err := Parse(string(text))
	if err != nil {
		return err
	}
	*id = v
	return nil
}

func twoDigits(a, b byte) int { return int(a-'0')*10 + int(b-'0') }

// Fields are the parts of a registry number, for [Build].
type Fields struct {
	// School is positions 1-8: province, district, school category and
	// school code ([ParseSchool], [NewSchool]).
	School School
	// StudentCategory is position 9; the school category must teach it.
	StudentCategory StudentCategory
	// Cohort is positions 10-11, the last two digits of the graduation year.
	Cohort int
	// Class is positions 12-13, 1-99.
	Class int
	// Seat is positions 14-15, 1-99.
	Seat int
}

// Build assembles a registry number from its fields, checks it exactly as
// [Parse] does, and fills position 16 with the check digit scheme computes.
// It is how CMIS-side code pre-assigns numbers (rule S-ID-5) and how test
// and demo data are generated (with [MOD11_10]). Errors are [*Error] values
// with the positions of the wrong field.
func Build(f Fields, scheme Scheme) (ID, error) {
	var id ID
	if f.School.IsZero() {
		return ID{}, &Error{Kind: KindRegistryNumber, Pos: 1, End: 8, Err: ErrFormat,
			key: "%s %q is not %d digits", args: []any{text("school code"), "", SchoolLen}}
	}
	copy(id.d[:8], f.School.c[:])
	for _, n := range []struct {
		pos, end, v, max int
		err              error
		key              string
	}{
		{9, 9, int(f.StudentCategory), 9, ErrFormat, "student category %s is not 0-9"},
		{10, 11, f.Cohort, 99, ErrFormat, "cohort %s is not 00-99"},
		{12, 13, f.Class, 99, ErrClass, "class %s is not 01-99"},
		{14, 15, f.Seat, 99, ErrSeat, "seat %s is not 01-99"},
	} {
		if n.v < 0 || n.v > n.max {
			got := strconv.Itoa(n.v)
			return ID{}, &Error{Kind: KindRegistryNumber, Pos: n.pos, End: n.end, Got: got, Err: n.err, key: n.key, args: []any{got}}
		}
		putInt(id.d[n.pos-1:n.end], n.v)
	}
	// validate rejects wrong category pairs, classes and seats with the
	// same errors as Parse.
	if err := id.validate(); err != nil {
		return ID{}, err
	}
	check, err := checkDigit(scheme, id.Payload())
	if err != nil {
		return ID{}, err
	}
	id.d[Len-1] = check
	return id, nil
}
