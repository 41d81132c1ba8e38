package card

import (
	"bytes"
	"time"

	"github.com/bjedu/studentcard/internal/digits"
	"github.com/bjedu/studentcard/internal/gbtext"
	"github.com/bjedu/studentcard/studentid"
)

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
//
// Build it with [NewStudent], which derives the stage, the school and the
// validity from the registry number, so every terminal writes the same
// record for the same student.
type Student struct {
	RegistryNo studentid.ID
	Name       string
	Gender     studentid.Sex   // Male or Female
	Stage      studentid.Stage // primary, junior or senior: the ID card's colour (S-1)
	School     studentid.School
	SchoolName string
	ValidFrom  time.Time
	ValidUntil time.Time
}

// NewStudent builds the student record a school personalises a card with
// (R-ISSUE-3) from what only the school knows — the student's registry
// number, name and sex, its own name — and the issue date. Every other field
// follows from the number, the same way for every terminal: the stage from
// the student category (S-1: it decides the ID card's colour) and the
// validity from the issue date to 31 August of the cohort's graduation year
// ([ValidUntil]). The school is the one personalising the card: the zero
// School stands for the number's own (positions 1-8), the usual case; a
// transfer student's new school (R-MOVE-1), whose number names the old one,
// passes its own. The card stores its 6-digit in-province form
// ([studentid.School.InProvince]).
//
// A vocational high student, who gets no card (S-3), is an
// [*EligibilityError]; a name that cannot be stored a [*NameError]; any
// other field that cannot be written (an unknown sex, no registry number, a
// cohort that graduated before the issue date) a [*FieldError].
func NewStudent(id studentid.ID, name string, sex studentid.Sex, school studentid.School, schoolName string, issued time.Time) (Student, error) {
	if id.IsZero() {
		return Student{}, &FieldError{File: studentFile, Field: "registry number", Offset: 2, Reason: "want 16 digits"}
	}
	if !cardStage(id.Stage()) {
		return Student{}, &EligibilityError{RegistryNo: id, Stage: id.Stage()}
	}
	if issued.IsZero() {
		return Student{}, &FieldError{File: studentFile, Field: "validity", Offset: 47, Reason: "want valid from ≤ valid until, both set"}
	}
	if school.IsZero() {
		school = id.School()
	}
	s := Student{
		RegistryNo: id, Name: name, Gender: sex, Stage: id.Stage(), School: school, SchoolName: schoolName,
		ValidFrom: dateOnly(issued), ValidUntil: ValidUntil(id),
	}
	if s.ValidUntil.Before(s.ValidFrom) {
		return Student{}, &FieldError{File: studentFile, Field: "validity", Offset: 51,
			Reason: "valid until %[1]s (31 August of the graduation year) is before the issue date %[2]s",
			Args:   []any{s.ValidUntil.Format("20060102"), s.ValidFrom.Format("20060102")}}
	}
	if _, err := s.MarshalBinary(); err != nil {
		return Student{}, err
	}
	return s, nil
}

// ValidUntil is the last day a student's card and ID card are valid: 31
// August of the cohort's graduation year, 2000 + [studentid.ID.Cohort].
func ValidUntil(id studentid.ID) time.Time {
	return time.Date(2000+id.Cohort(), time.August, 31, 0, 0, 0, 0, time.UTC)
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
	if s.RegistryNo.IsZero() {
		return nil, &FieldError{File: studentFile, Field: "registry number", Offset: 2, Reason: "want 16 digits"}
	}
	digits.PutBCD(b[2:10], s.RegistryNo.String())
	name, cs, err := EncodeText("name", s.Name, NameSize, true)
	if err != nil {
		return nil, err
	}
	b[1] = byte(cs)
	copy(b[10:42], name)
	if !s.Gender.Valid() {
		return nil, &FieldError{File: studentFile, Field: "gender", Offset: 42, Reason: "want 1 (male) or 2 (female)"}
	}
	b[42] = byte(s.Gender)
	if !cardStage(s.Stage) {
		return nil, &FieldError{File: studentFile, Field: "stage", Offset: 43, Reason: "want 1-3"}
	}
	b[43] = byte(s.Stage)
	if s.School.IsZero() {
		return nil, &FieldError{File: studentFile, Field: "school code", Offset: 44, Reason: "want 6 digits"}
	}
	digits.PutBCD(b[44:47], s.School.InProvince())
	if s.ValidFrom.IsZero() || s.ValidUntil.IsZero() || s.ValidUntil.Before(s.ValidFrom) {
		return nil, &FieldError{File: studentFile, Field: "validity", Offset: 47, Reason: "want valid from ≤ valid until, both set"}
	}
	digits.PutBCDDate(b[47:51], s.ValidFrom)
	digits.PutBCDDate(b[51:55], s.ValidUntil)
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
	num, ok := digits.BCD(b[2:10])
	if !ok {
		return &FieldError{File: studentFile, Field: "registry number", Offset: 2, Reason: "not BCD"}
	}
	var err error
	if out.RegistryNo, err = studentid.Parse(num); err != nil {
		return &FieldError{File: studentFile, Field: "registry number", Offset: 2, Reason: "%v", Args: []any{err}}
	}
	if cs := Charset(b[1]); cs != GB2312 && cs != GB18030 {
		return &FieldError{File: studentFile, Field: "name charset", Offset: 1, Reason: "want 01 or 02"}
	}
	if out.Name, err = DecodeText(studentFile, "name", 10, b[10:42]); err != nil {
		return err
	}
	out.Gender = studentid.Sex(b[42])
	if !out.Gender.Valid() {
		return &FieldError{File: studentFile, Field: "gender", Offset: 42, Reason: "want 1 or 2"}
	}
	out.Stage = studentid.Stage(b[43])
	if !cardStage(out.Stage) {
		return &FieldError{File: studentFile, Field: "stage", Offset: 43, Reason: "want 1-3"}
	}
	code, ok := digits.BCD(b[44:47])
	if !ok {
		return &FieldError{File: studentFile, Field: "school code", Offset: 44, Reason: "not BCD"}
	}
	// The card stores the school in its province's form; the province is
	// the student's.
	if out.School, err = studentid.ParseSchool(out.RegistryNo.Province() + code); err != nil {
		return &FieldError{File: studentFile, Field: "school code", Offset: 44, Reason: "%v", Args: []any{err}}
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

// cardStage reports whether s is a stage a card stores: primary, junior or
// senior (1-3, the numbering of studentid.Stage). Vocational students get
// no card (S-3).
func cardStage(s studentid.Stage) bool {
	return s >= studentid.StagePrimary && s <= studentid.StageSenior
}

func isZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}
