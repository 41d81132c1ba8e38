package studentid

import (
	"bytes"
	"encoding/hex"
	"strings"

	"golang.org/x/text/language"
)

// DistrictLen is the number of digits of a full district code: province
// (positions 1-2 of a registry number) and district (positions 3-4).
const DistrictLen = 4

// SchoolLen is the number of digits of a full school code: positions 1-8 of
// a registry number (province, district, school category, school).
const SchoolLen = 8

// District is a district/county code (区县代码) in its province: the one
// type every package uses for "which district", whatever width a file or a
// card writes it in. It holds the full 4-digit form (province and district,
// registry number positions 1-4, e.g. "0108"); [District.Local] gives the
// 2-digit form (positions 3-4, "08").
//
// District is a small comparable value: use == and map keys freely. The
// zero District is no district (the city, or a record held above any
// district); its String is "". Get Districts from [ParseDistrict],
// [ID.District] or [School.District].
type District struct {
	c [DistrictLen]byte // ASCII digits
}

// ParseDistrict reads a district code in either form: 4 digits, province and
// district ("0108"), or 2 digits, a district of Beijing ("08", province
// [ProvinceBeijing]). Like [Parse] it trims white space and folds full-width
// digits. Errors are [*Error] values matching [ErrDistrict].
func ParseDistrict(s string) (District, error) {
	s = normalize(s)
	var d District
	switch len(s) {
	case 2:
		copy(d.c[:2], ProvinceBeijing)
		if copyDigits(d.c[2:], s) {
			return d, nil
		}
	case DistrictLen:
		if copyDigits(d.c[:], s) {
			return d, nil
		}
	}
	return District{}, widthError(KindDistrict, ErrDistrict, s, 2, DistrictLen)
}

// String returns the 4 digits, province and district ("0108"), the form batch
// headers, stores, audit chains and cardctl's --district flag use;
// ParseDistrict(d.String()) == d. The zero District returns "".
func (d District) String() string {
	if d.IsZero() {
		return ""
	}
	return string(d.c[:])
}

// IsZero reports whether d is the zero District, which is no district.
func (d District) IsZero() bool { return d == District{} }

// Compare orders districts by their codes (the zero District first).
func (d District) Compare(o District) int { return bytes.Compare(d.c[:], o.c[:]) }

// Province returns the 2-digit province/city code (positions 1-2 of a
// registry number).
func (d District) Province() string { return string(d.c[:2]) }

// Local returns the 2-digit district code within its province (positions 3-4
// of a registry number, "08"), the form people say.
func (d District) Local() string { return string(d.c[2:]) }

// MarshalText returns the 4 digits (nothing for the zero District).
func (d District) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses text with [ParseDistrict]; empty text gives the zero
// District.
func (d *District) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*d = District{}
		return nil
	}
	v, err := ParseDistrict(string(text))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// School is a school code (学校代码), the one type every package uses for
// "which school". It holds the full 8-digit form (registry number positions
// 1-8: province, district, school category, school); the narrower forms files
// and cards use are its methods: [School.InProvince] (6 digits, district,
// category and school, as the card stores it) and [School.Local] (3 digits,
// the school within its district and category).
//
// School is a small comparable value; the zero School is no school (a record
// held above any school) and its String is "". Get Schools from
// [ParseSchool], [NewSchool] or [ID.School].
type School struct {
	c [SchoolLen]byte // ASCII digits, position 5 a school category 0-7
}

// ParseSchool reads a school code in either of its written forms: 8 digits
// (province, district, school category, school: "01080123") or 6 digits
// without the province, a school of Beijing ("080123", as the registry card
// stores it). It trims white space and folds full-width digits. A wrong
// shape matches [ErrSchool]; a school category other than 0-7 matches
// [ErrSchoolCategory].
func ParseSchool(s string) (School, error) {
	s = normalize(s)
	var sc School
	ok := false
	switch len(s) {
	case 6:
		copy(sc.c[:2], ProvinceBeijing)
		ok = copyDigits(sc.c[2:], s)
	case SchoolLen:
		ok = copyDigits(sc.c[:], s)
	}
	if !ok {
		return School{}, widthError(KindSchool, ErrSchool, s, 6, SchoolLen)
	}
	if !sc.Category().Valid() {
		pos := 5 - (SchoolLen - len(s))
		got := string(sc.c[4])
		return School{}, &Error{Kind: KindSchool, Pos: pos, End: pos, Got: got, Err: ErrSchoolCategory,
			key: "school category %s is not 0-7", args: []any{got}}
	}
	return sc, nil
}

// NewSchool assembles a school code from its district, its school category
// and its 3-digit code within the district ([School.Local]). A wrong local
// code matches [ErrSchool], an invalid category [ErrSchoolCategory], a zero
// district [ErrDistrict].
func NewSchool(d District, category SchoolCategory, local string) (School, error) {
	if d.IsZero() {
		return School{}, &Error{Kind: KindSchool, Pos: 1, End: 4, Err: ErrDistrict, key: keyLength, args: []any{0, DistrictLen}}
	}
	var sc School
	copy(sc.c[:4], d.c[:])
	if !category.Valid() {
		got := string('0' + byte(min(category, 9)))
		return School{}, &Error{Kind: KindSchool, Pos: 5, End: 5, Got: got, Err: ErrSchoolCategory,
			key: "school category %s is not 0-7", args: []any{got}}
	}
	sc.c[4] = '0' + byte(category)
	if len(local) != 3 || !copyDigits(sc.c[5:], local) {
		return School{}, &Error{Kind: KindSchool, Pos: 6, End: 8, Got: local, Err: ErrSchool,
			key: "%s %q is not %d digits", args: []any{text("school code"), local, 3}}
	}
	return sc, nil
}

// String returns the 8 digits ("01080123"), the form batch files, stores and
// cardctl's --school flag use; ParseSchool(s.String()) == s. The zero School
// returns "".
func (s School) String() string {
	if s.IsZero() {
		return ""
	}
	return string(s.c[:])
}

// IsZero reports whether s is the zero School, which is no school.
func (s School) IsZero() bool { return s == School{} }

// Compare orders schools by their codes (the zero School first), the order
// sorted files and handover sheets list them in.
func (s School) Compare(o School) int { return bytes.Compare(s.c[:], o.c[:]) }

// District returns the school's district (positions 1-4); the zero District
// for the zero School.
func (s School) District() District {
	if s.IsZero() {
		return District{}
	}
	var d District
	copy(d.c[:], s.c[:4])
	return d
}

// Category returns the school category (position 5).
func (s School) Category() SchoolCategory { return SchoolCategory(s.c[4] - '0') }

// InProvince returns the 6-digit form without the province: district,
// school category and school ("080123"), as the registry card's student and
// log records store it.
func (s School) InProvince() string {
	if s.IsZero() {
		return ""
	}
	return string(s.c[2:])
}

// Local returns the 3-digit code of the school within its district
// (positions 6-8, "123").
func (s School) Local() string {
	if s.IsZero() {
		return ""
	}
	return string(s.c[5:])
}

// MarshalText returns the 8 digits (nothing for the zero School).
func (s School) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText parses text with [ParseSchool]; empty text gives the zero
// School.
func (s *School) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*s = School{}
		return nil
	}
	v, err := ParseSchool(string(text))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// widthError explains why s is none of the allowed widths of a code: the
// first character that is not a digit, or else the length.
func widthError(kind Kind, sentinel error, s string, short, long int) *Error {
	n := 0
	for _, r := range s {
		n++
		if r < '0' || r > '9' {
			return &Error{Kind: kind, Pos: n, End: n, Got: string(r), Err: sentinel, key: "%q is not a digit", args: []any{string(r)}}
		}
	}
	return &Error{Kind: kind, Pos: n + 1, End: n + 1, Err: sentinel, key: "%d characters, want %d or %d", args: []any{n, short, long}}
}

// Level is one of the tiers of the card system (rule S-4): the city, a
// district and a school each run a level of the card management system; the
// card factory sends result files to the city; application units (venues,
// the transit company, campus systems) only receive lists. It is the one
// level type of the SDK: batch headers name their sender with it (in its
// upper-case file spelling, [Level.FileCode]) and the ledger's operators act
// at one.
type Level string

// The levels.
const (
	LevelCity        Level = "city"
	LevelDistrict    Level = "district"
	LevelSchool      Level = "school"
	LevelFactory     Level = "factory"
	LevelApplication Level = "application"
)

// levels lists every level in order, for parsing.
var levels = [...]Level{LevelCity, LevelDistrict, LevelSchool, LevelFactory, LevelApplication}

// ParseLevel reads a level by name in either spelling: the lower-case name
// ("district", what stores and flags use) or the file spelling
// ("DISTRICT", [Level.FileCode]). Anything else is an [*Error] matching
// [ErrLevel].
func ParseLevel(s string) (Level, error) {
	for _, l := range levels {
		if s == string(l) || s == l.FileCode() {
			return l, nil
		}
	}
	return "", &Error{Kind: KindLevel, Pos: 1, End: 1, Got: s, Err: ErrLevel,
		key: "%q is not city, district, school, factory or application", args: []any{s}}
}

// Valid reports whether l is one of the five levels.
func (l Level) Valid() bool {
	for _, v := range levels {
		if l == v {
			return true
		}
	}
	return false
}

// FileCode returns the level as batch file headers spell it: "CITY",
// "DISTRICT", "SCHOOL", "FACTORY", "APPLICATION".
func (l Level) FileCode() string { return strings.ToUpper(string(l)) }

// String returns the lower-case name ("district").
func (l Level) String() string { return string(l) }

// Localize names the level for an operator in the language tag: 市级, 区级,
// 校级, 制卡厂, 应用单位 in Chinese, the stored name ("district") in English,
// which vendors' logs grep for. An unknown level is returned as is.
func (l Level) Localize(tag language.Tag) string {
	if !l.Valid() {
		return string(l)
	}
	return messages.Sprintf(tag, string(l))
}

// SerialLen is the number of bytes of a registry card's serial number.
const SerialLen = 8

// Serial is a registry card's 8-byte chip serial number (SPEC §8: SFI 04 of
// the card holds it): the key diversifier of the card's keys, the key
// loss and freeze lists are sorted and searched by, and the identity of a
// registry card in the ledger. It is written as 16 hexadecimal digits.
//
// Serial is a small comparable array; the zero Serial is no serial.
type Serial [SerialLen]byte

// ParseSerial reads a serial written as 16 hexadecimal digits (either case),
// the form files, ledgers and operators use, after trimming white space.
// Errors are [*Error] values matching [ErrSerial].
func ParseSerial(s string) (Serial, error) {
	var out Serial
	if len(s) != 2*SerialLen {
		s = strings.TrimSpace(s)
	}
	for i := 0; i < len(s) && i < 2*SerialLen; i++ {
		if c := s[i] | 0x20; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			got := s[i : i+1]
			return Serial{}, &Error{Kind: KindSerial, Pos: i + 1, End: i + 1, Got: got, Err: ErrSerial,
				key: "%q is not a hexadecimal digit", args: []any{got}}
		}
	}
	if len(s) != 2*SerialLen {
		return Serial{}, &Error{Kind: KindSerial, Pos: min(len(s), 2*SerialLen) + 1, End: min(len(s), 2*SerialLen) + 1,
			Err: ErrSerial, key: keyLength, args: []any{len(s), 2 * SerialLen}}
	}
	if _, err := hex.Decode(out[:], []byte(s)); err != nil {
		return Serial{}, &Error{Kind: KindSerial, Pos: 1, End: 2 * SerialLen, Got: s, Err: ErrSerial,
			key: "%q is not a hexadecimal digit", args: []any{s}}
	}
	return out, nil
}

// String returns the serial as 16 upper-case hexadecimal digits;
// ParseSerial reads it back.
func (s Serial) String() string {
	var b [2 * SerialLen]byte
	hex.Encode(b[:], s[:])
	for i, c := range b {
		if c >= 'a' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b[:])
}

// IsZero reports whether s is the zero Serial.
func (s Serial) IsZero() bool { return s == Serial{} }

// Compare orders serials by their bytes, the order loss and freeze lists
// are sorted in.
func (s Serial) Compare(o Serial) int { return bytes.Compare(s[:], o[:]) }

// MarshalText returns the 16 hexadecimal digits.
func (s Serial) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText parses text with [ParseSerial].
func (s *Serial) UnmarshalText(text []byte) error {
	v, err := ParseSerial(string(text))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Code returns the GB/T 2261.1 digit of the sex: "1" male, "2" female, "0"
// unknown, as files and cards write it.
func (s Sex) Code() string {
	switch s {
	case Male:
		return "1"
	case Female:
		return "2"
	}
	return "0"
}

// ParseSexCode reads the GB/T 2261.1 digit [Sex.Code] writes: "1" or "2"
// (and "0", unknown). Anything else is an [*Error] matching [ErrSex].
func ParseSexCode(s string) (Sex, error) {
	switch s {
	case "1":
		return Male, nil
	case "2":
		return Female, nil
	case "0":
		return SexUnknown, nil
	}
	return SexUnknown, &Error{Kind: KindSex, Pos: 1, End: 1, Got: s, Err: ErrSex, key: "%q is not 1 (male) or 2 (female)", args: []any{s}}
}

// Valid reports whether s is Male or Female: a sex a card or card-making
// record may carry.
func (s Sex) Valid() bool { return s == Male || s == Female }
