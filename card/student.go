package card

import (
	"golang.org/x/text/language"

	"bytes"
	"time"

	"github.com/bjedu/studentcard/internal/digits"
	"github.com/bjedu/studentcard/internal/gbtext"
)

// Gender as on the ID card (GB/T 2261.1 codes).
type Gender byte

// The genders.
const (
	Male   Gender = 1
	Female Gender = 2
)

// String is "male" or "female".
func (g Gender) String() string {
	switch g {
	case Male:
		return "male"
	case Female:
		return "female"
	}
	return "gender(" + itoa(int(g)) + ")"
}

// Localize names the gender in the language tag (男, 女 in Chinese).
func (g Gender) Localize(tag language.Tag) string { return messages.Sprintf(tag, g.String()) }

// Stage is the school stage, which also decides the ID card's colour (SPEC
// S-1: yellow primary, green junior, blue senior).
type Stage byte

// The stages.
const (
	Primary Stage = 1
	Junior  Stage = 2
	Senior  Stage = 3
)

// String is "primary", "junior" or "senior".
func (s Stage) String() string {
	switch s {
	case Primary:
		return "primary"
	case Junior:
		return "junior"
	case Senior:
		return "senior"
	}
	return "stage(" + itoa(int(s)) + ")"
}

// Localize names the stage in the language tag (小学, 初中, 高中 in Chinese).
func (s Stage) Localize(tag language.Tag) string { return messages.Sprintf(tag, s.String()) }

// Student is the student record (SFI 16), the personal data the school
// writes at personalisation (SPEC R-ISSUE-3) and the recovery operation
// wipes (R-RECOVER-1).
//
// File layout (96 bytes):
//
//	0      layout version, 01 (00: no record / wiped)
//	1      charset of the name: 01 GB2312, 02 GB18030
//	2-9    student registry number, 16 digits BCD
//	10-41  name, GB2312/GB18030, zero-padded (32 bytes)
//	42     gender: 1 male, 2 female
//	43     stage: 1 primary, 2 junior, 3 senior
//	44-46  school code, 6 digits BCD (district, category, school)
//	47-50  valid from, BCD YYYYMMDD
//	51-54  valid until, BCD YYYYMMDD
//	55     charset of the school name
//	56-95  school name, zero-padded (40 bytes)
type Student struct {
	RegistryNumber string // 16 digits (SPEC §2); structure is checked by package studentid
	Name           string
	Gender         Gender
	Stage          Stage
	SchoolCode     string // 6 digits
	SchoolName     string
	ValidFrom      time.Time
	ValidUntil     time.Time
}

// Field sizes of the student record.
const (
	NameSize       = gbtext.NameBytes       // the one length rule of names, shared with the import and the validators
	SchoolNameSize = gbtext.SchoolNameBytes // likewise for school names
	studentLayout  = 0x01
	studentFile    = "student record (SFI 16)"
)

// MarshalBinary encodes the 96-byte student record. Every field is checked:
// a name with a character that cannot be stored, or too long, is a
// [*NameError] naming the character; other fields give a [*FieldError].
func (s Student) MarshalBinary() ([]byte, error) {
	b := make([]byte, StudentSize)
	b[0] = studentLayout
	if !digits.Is(s.RegistryNumber, 16) {
		return nil, &FieldError{File: studentFile, Field: "registry number", Offset: 2, Reason: "want 16 digits"}
	}
	putBCD(b[2:10], s.RegistryNumber)
	name, cs, err := EncodeText("name", s.Name, NameSize, true)
	if err != nil {
		return nil, err
	}
	b[1] = byte(cs)
	copy(b[10:42], name)
	if s.Gender != Male && s.Gender != Female {
		return nil, &FieldError{File: studentFile, Field: "gender", Offset: 42, Reason: "want 1 (male) or 2 (female)"}
	}
	b[42] = byte(s.Gender)
	if s.Stage < Primary || s.Stage > Senior {
		return nil, &FieldError{File: studentFile, Field: "stage", Offset: 43, Reason: "want 1-3"}
	}
	b[43] = byte(s.Stage)
	if !digits.Is(s.SchoolCode, 6) {
		return nil, &FieldError{File: studentFile, Field: "school code", Offset: 44, Reason: "want 6 digits"}
	}
	putBCD(b[44:47], s.SchoolCode)
	if s.ValidFrom.IsZero() || s.ValidUntil.IsZero() || s.ValidUntil.Before(s.ValidFrom) {
		return nil, &FieldError{File: studentFile, Field: "validity", Offset: 47, Reason: "want valid from ≤ valid until, both set"}
	}
	putDate(b[47:51], s.ValidFrom)
	putDate(b[51:55], s.ValidUntil)
	school, cs, err := EncodeText("school name", s.SchoolName, SchoolNameSize, true)
	if err != nil {
		return nil, err
	}
	b[55] = byte(cs)
	copy(b[56:], school)
	return b, nil
}

// UnmarshalBinary decodes the student record. A wiped record (all zero)
// fails with [ErrNoStudent]; anything else out of range is a [*FieldError].
func (s *Student) UnmarshalBinary(b []byte) error {
	if len(b) != StudentSize {
		return &FieldError{File: studentFile, Field: "size", Reason: "want %d bytes, got %d", Args: []any{96, len(b)}}
	}
	if isZero(b) {
		return ErrNoStudent
	}
	if b[0] != studentLayout {
		return &FieldError{File: studentFile, Field: "layout version", Offset: 0, Reason: "want 01"}
	}
	var out Student
	num, ok := bcdDigits(b[2:10])
	if !ok {
		return &FieldError{File: studentFile, Field: "registry number", Offset: 2, Reason: "not BCD"}
	}
	out.RegistryNumber = num
	if cs := Charset(b[1]); cs != GB2312 && cs != GB18030 {
		return &FieldError{File: studentFile, Field: "name charset", Offset: 1, Reason: "want 01 or 02"}
	}
	var err error
	if out.Name, err = DecodeText(studentFile, "name", 10, b[10:42]); err != nil {
		return err
	}
	out.Gender = Gender(b[42])
	if out.Gender != Male && out.Gender != Female {
		return &FieldError{File: studentFile, Field: "gender", Offset: 42, Reason: "want 1 or 2"}
	}
	out.Stage = Stage(b[43])
	if out.Stage < Primary || out.Stage > Senior {
		return &FieldError{File: studentFile, Field: "stage", Offset: 43, Reason: "want 1-3"}
	}
	if out.SchoolCode, ok = bcdDigits(b[44:47]); !ok {
		return &FieldError{File: studentFile, Field: "school code", Offset: 44, Reason: "not BCD"}
	}
	if out.ValidFrom, err = getDate(studentFile, "valid from", 47, b[47:51]); err != nil {
		return err
	}
	if out.ValidUntil, err = getDate(studentFile, "valid until", 51, b[51:55]); err != nil {
		return err
	}
	if cs := Charset(b[55]); cs != GB2312 && cs != GB18030 {
		return &FieldError{File: studentFile, Field: "school name charset", Offset: 55, Reason: "want 01 or 02"}
	}
	if out.SchoolName, err = DecodeText(studentFile, "school name", 56, b[56:]); err != nil {
		return err
	}
	if out.ValidFrom.IsZero() || out.ValidUntil.IsZero() || out.ValidUntil.Before(out.ValidFrom) {
		return &FieldError{File: studentFile, Field: "validity", Offset: 47, Reason: "want valid from ≤ valid until, both set"}
	}
	// Catch-all: the record must be exactly what MarshalBinary writes (no
	// bytes after a name's padding, the right charset bytes, names that can
	// be stored), so what is read can always be written back.
	again, err := out.MarshalBinary()
	if err != nil {
		return &FieldError{File: studentFile, Field: "record", Reason: "cannot be written back: %v", Args: []any{err}}
	}
	if !bytes.Equal(again, b) {
		return &FieldError{File: studentFile, Field: "record", Reason: "not in canonical form (padding or charset byte)"}
	}
	*s = out
	return nil
}

// Equal compares two records field by field (dates by day).
func (s Student) Equal(o Student) bool {
	a, errA := s.MarshalBinary()
	b, errB := o.MarshalBinary()
	return errA == nil && errB == nil && bytes.Equal(a, b)
}

func isZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}
