package studentid

import (
	"time"
	"unicode/utf8"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/l10n"
)

// PersonCodeLen is the number of characters of a personal code.
const PersonCodeLen = 1 + ResidentIDLen

// PersonCodeKind is the type letter of a national education personal code.
type PersonCodeKind byte

// The three forms of the personal code (SPEC §2).
const (
	// PersonCodeResident is G + a valid resident ID number.
	PersonCodeResident PersonCodeKind = 'G'
	// PersonCodeSelfAssigned is J + a self-assigned code shaped like a
	// resident ID number: 6-digit region, birth date, 3-digit sequence (odd
	// male, even female) and a MOD 11-2 check character.
	PersonCodeSelfAssigned PersonCodeKind = 'J'
	// PersonCodeTemporary is L + a temporary code: 6-digit region, birth
	// date and 4 digits, without a check character.
	PersonCodeTemporary PersonCodeKind = 'L'
)

// String returns the English name of the form.
func (k PersonCodeKind) String() string { return k.Localize(l10n.English) }

// Localize returns the name of the form in the language tag.
func (k PersonCodeKind) Localize(tag language.Tag) string {
	switch k {
	case PersonCodeResident:
		return messages.Sprintf(tag, "resident ID number (G)")
	case PersonCodeSelfAssigned:
		return messages.Sprintf(tag, "self-assigned code (J)")
	case PersonCodeTemporary:
		return messages.Sprintf(tag, "temporary code (L)")
	}
	return messages.Sprintf(tag, "unknown")
}

// PersonCode is a national education personal code (个人标识码): a type
// letter and 18 characters. It is a small comparable value; the zero value
// is no code.
type PersonCode struct {
	kind PersonCodeKind
	body [ResidentIDLen]byte
}

// ParsePersonCode reads a personal code: G + a valid resident ID number, J
// + region, birth date, sequence and MOD 11-2 check, or L + region, birth
// date and 4 digits. White space is trimmed and full-width characters are
// folded; the type letter must be upper-case. Every error matches
// [ErrPersonCode]; an error in the 18 characters after the letter also
// wraps the resident-ID error ([ErrResidentIDFormat], [ErrResidentIDDate],
// [ErrResidentIDCheck]) as its Cause, with positions counted in the whole
// code.
func ParsePersonCode(s string) (PersonCode, error) {
	s = normalize(s)
	if s == "" {
		return PersonCode{}, &Error{Kind: KindPersonCode, Pos: 1, End: 1, Err: ErrPersonCode,
			key: keyLength, args: []any{0, PersonCodeLen}}
	}
	p := PersonCode{kind: PersonCodeKind(s[0])}
	switch p.kind {
	case PersonCodeResident, PersonCodeSelfAssigned, PersonCodeTemporary:
	default:
		r, _ := utf8.DecodeRuneInString(s)
		return PersonCode{}, &Error{Kind: KindPersonCode, Pos: 1, End: 1, Got: string(r), Err: ErrPersonCode,
			key: "type letter %q is not G, J or L", args: []any{string(r)}}
	}
	if err := readCode(&p.body, s[1:], p.kind != PersonCodeTemporary); err != nil {
		e := &Error{Kind: KindPersonCode, Pos: err.Pos + 1, End: err.End + 1, Got: err.Got, Err: ErrPersonCode, Cause: err,
			key: err.key, args: err.args}
		if err.key == keyLength {
			e.args = []any{utf8.RuneCountInString(s), PersonCodeLen}
		}
		return PersonCode{}, e
	}
	return p, nil
}

// String returns the 19 characters; ParsePersonCode of it gives p back. The
// zero value returns "".
func (p PersonCode) String() string {
	if p.IsZero() {
		return ""
	}
	return string(p.kind) + string(p.body[:])
}

// IsZero reports whether p is the zero value, which is no code.
func (p PersonCode) IsZero() bool { return p == PersonCode{} }

// Kind returns the type letter.
func (p PersonCode) Kind() PersonCodeKind { return p.kind }

// Region returns positions 2-7, the region code.
func (p PersonCode) Region() string { return string(p.body[:6]) }

// BirthDate returns the birth date, positions 8-15, at midnight UTC.
func (p PersonCode) BirthDate() time.Time { return birthDate(p.body[6:14]) }

// Sex returns the sex coded by the sequence of G and J codes; L codes code
// none ([SexUnknown]).
func (p PersonCode) Sex() Sex {
	if p.kind == PersonCodeTemporary || p.IsZero() {
		return SexUnknown
	}
	return sexOf(p.body[16])
}

// ResidentID returns the resident ID number inside a G code; ok is false
// for the other forms.
func (p PersonCode) ResidentID() (r ResidentID, ok bool) {
	if p.kind != PersonCodeResident {
		return ResidentID{}, false
	}
	return ResidentID{c: p.body}, true
}

// MarshalText returns the 19 characters (nothing for the zero value).
func (p PersonCode) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText parses text with [ParsePersonCode]; empty text gives the
// zero value.
func (p *PersonCode) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*p = PersonCode{}
		return nil
	}
	v, err := ParsePersonCode(string(text))
	if err != nil {
		return err
	}
	*p = v
	return nil
}
