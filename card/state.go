package card

import (
	"golang.org/x/text/language"

	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bjedu/studentcard/internal/digits"
	"github.com/bjedu/studentcard/studentid"
)

// Status is the registry card's lifecycle state, the status byte of the
// newest log record.
type Status byte

// The statuses. Transitions are in the package documentation; an operation
// not allowed from the current status fails with a [*StateError].
const (
	// Blank: initialised by the supplier, never personalised (or the log is
	// empty).
	Blank Status = 0x00
	// Personalised: carries a student, in use (SPEC R-ISSUE-3).
	Personalised Status = 0x01
	// Frozen: the student left without a transfer or recovery operation, or
	// the school froze it (SPEC R-LEAVE-1, R-DAILY-1).
	Frozen Status = 0x02
	// Cancelled: the school cancelled the card (注销, SPEC R-DAILY-1).
	Cancelled Status = 0x03
	// Recovered: handed back; personal data wiped; never reused (SPEC
	// R-LEAVE-2, R-RECOVER-1).
	Recovered Status = 0x04
	// TransferredOut: the old school did the transfer-out operation (SPEC
	// R-MOVE-1); the card travels with the student.
	TransferredOut Status = 0x05
	// TransferredIn: the new school did the transfer-in operation and may
	// now personalise the card (SPEC R-MOVE-1).
	TransferredIn Status = 0x06
)

// String is the English name of the status.
func (s Status) String() string {
	switch s {
	case Blank:
		return "blank"
	case Personalised:
		return "personalised"
	case Frozen:
		return "frozen"
	case Cancelled:
		return "cancelled"
	case Recovered:
		return "recovered"
	case TransferredOut:
		return "transferred out"
	case TransferredIn:
		return "transferred in"
	}
	return "status(" + strconv.Itoa(int(s)) + ")"
}

// Localize names the status in the language tag (已个人化, 已冻结 … in
// Chinese), for texts an operator reads; String is the stable English word.
func (s Status) Localize(tag language.Tag) string { return messages.Sprintf(tag, s.String()) }

// Op is an operation on the card, as logged in the operation log.
type Op byte

// The operations. OpNone marks "no pending operation" in a state record.
const (
	OpNone             Op = 0x00
	OpPersonalise      Op = 0x01
	OpRegister         Op = 0x02
	OpTransferOut      Op = 0x03
	OpTransferIn       Op = 0x04
	OpFreeze           Op = 0x05
	OpUnfreeze         Op = 0x06
	OpCancel           Op = 0x07
	OpOpenExtension    Op = 0x08
	OpRecycleExtension Op = 0x09
	OpRecover          Op = 0x0A
	// OpWriteExtension names a write into the extension area in errors; it
	// is not logged (the area belongs to the application unit).
	OpWriteExtension Op = 0x0B
)

// String is the English name of the operation.
func (o Op) String() string {
	switch o {
	case OpNone:
		return "none"
	case OpPersonalise:
		return "personalise"
	case OpRegister:
		return "register"
	case OpTransferOut:
		return "transfer out"
	case OpTransferIn:
		return "transfer in"
	case OpFreeze:
		return "freeze"
	case OpUnfreeze:
		return "unfreeze"
	case OpCancel:
		return "cancel"
	case OpOpenExtension:
		return "open extension"
	case OpRecycleExtension:
		return "recycle extension"
	case OpRecover:
		return "recover"
	case OpWriteExtension:
		return "write extension"
	}
	return "op(" + strconv.Itoa(int(o)) + ")"
}

// Localize names the operation in the language tag (个人化, 注册 … in
// Chinese).
func (o Op) Localize(tag language.Tag) string { return messages.Sprintf(tag, o.String()) }

// Semester is a school semester: Term 1 starts in spring (registration by
// 20 March), Term 2 in autumn (by 20 September) of Year. "2026-2" is autumn
// 2026, followed by "2027-1". The zero Semester means "never registered".
type Semester struct {
	Year int // 2000-2099
	Term int // 1 spring, 2 autumn
}

// ParseSemester reads "YYYY-T" (T is 1 or 2).
func ParseSemester(s string) (Semester, error) {
	y, t, ok := strings.Cut(s, "-")
	year, err1 := strconv.Atoi(y)
	term, err2 := strconv.Atoi(t)
	sem := Semester{Year: year, Term: term}
	if !ok || err1 != nil || err2 != nil || !sem.Valid() {
		return Semester{}, &SemesterError{Text: s}
	}
	return sem, nil
}

// SemesterOf is the semester a date belongs to: February-July is term 1 of
// its year, August-December term 2, January still term 2 of the year before.
func SemesterOf(t time.Time) Semester {
	switch m := t.Month(); {
	case m == time.January:
		return Semester{Year: t.Year() - 1, Term: 2}
	case m <= time.July:
		return Semester{Year: t.Year(), Term: 1}
	}
	return Semester{Year: t.Year(), Term: 2}
}

// Valid reports whether s is a semester a card can store: a year 2000-2099
// and term 1 or 2.
func (s Semester) Valid() bool {
	return s.Year >= 2000 && s.Year <= 2099 && (s.Term == 1 || s.Term == 2)
}

// IsZero reports the "never registered" value.
func (s Semester) IsZero() bool { return s == Semester{} }

// String is "YYYY-T", or "none" for the zero value.
func (s Semester) String() string {
	if s.IsZero() {
		return "none"
	}
	return fmt.Sprintf("%04d-%d", s.Year, s.Term)
}

// Before orders semesters.
func (s Semester) Before(o Semester) bool {
	return s.Year < o.Year || s.Year == o.Year && s.Term < o.Term
}

// Previous is the semester before s.
func (s Semester) Previous() Semester {
	if s.Term == 2 {
		return Semester{Year: s.Year, Term: 1}
	}
	return Semester{Year: s.Year - 1, Term: 2}
}

// Deadline is the last day a card registered only for the previous
// semester still works (SPEC R-REG-1): 20 March for term 1, 20 September
// for term 2.
func (s Semester) Deadline() time.Time {
	if s.Term == 1 {
		return time.Date(s.Year, time.March, 20, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(s.Year, time.September, 20, 0, 0, 0, 0, time.UTC)
}

// State is the card's current state: the newest record of the cyclic
// operation log (SFI 17). Every operation appends one, so the log and the
// state can never disagree and one APPEND RECORD both changes and logs.
//
// Record layout (16 bytes):
//
//	0-1   sequence number, big-endian, +1 per record
//	2     operation (Op) that wrote the record
//	3     status (Status) after it
//	4     flags: bit 0 extension area open, bit 1 current student record
//	      in slot 1 (bytes 96-191 of SFI 16) instead of slot 0
//	5     pending operation (Op) begun and not finished, 00 none
//	6-7   last registered semester year, BCD (0000 = never)
//	8     its term (1, 2; 0 = never)
//	9-12  date, BCD YYYYMMDD
//	13-15 school code of the school that did it, 6 digits BCD
type State struct {
	Seq         uint16
	Op          Op
	Status      Status
	Extension   bool // extension area open (SPEC R-DAILY-1)
	StudentSlot int  // 0 or 1: the slot of the student file holding the current record
	Pending     Op   // an operation begun and not finished; the next session completes it
	Semester    Semester
	Date        time.Time
	School      studentid.School // the card stores the 6-digit in-province form; zero: none
}

// MarshalBinary encodes the 16-byte log record.
func (s State) MarshalBinary() ([]byte, error) {
	b := make([]byte, StateSize)
	binary.BigEndian.PutUint16(b, s.Seq)
	b[2] = byte(s.Op)
	b[3] = byte(s.Status)
	if s.Extension {
		b[4] |= 0x01
	}
	switch s.StudentSlot {
	case 0:
	case 1:
		b[4] |= 0x02
	default:
		return nil, &FieldError{File: logFile, Field: "student slot", Offset: 4, Reason: "want 0 or 1"}
	}
	b[5] = byte(s.Pending)
	if !s.Semester.IsZero() {
		if !s.Semester.Valid() {
			return nil, &SemesterError{Text: s.Semester.String()}
		}
		digits.PutBCD(b[6:8], fmt.Sprintf("%04d", s.Semester.Year))
		b[8] = byte(s.Semester.Term)
	}
	digits.PutBCDDate(b[9:13], s.Date)
	if !s.School.IsZero() {
		digits.PutBCD(b[13:], s.School.InProvince())
	}
	return b, nil
}

const logFile = "operation log (SFI 17)"

// UnmarshalBinary decodes a log record; anything out of range is a
// [*FieldError] naming the field.
func (s *State) UnmarshalBinary(b []byte) error {
	if len(b) != StateSize {
		return &FieldError{File: logFile, Field: "size", Reason: "want %d bytes, got %d", Args: []any{16, len(b)}}
	}
	var out State
	out.Seq = binary.BigEndian.Uint16(b)
	out.Op = Op(b[2])
	if out.Op > OpRecover {
		return &FieldError{File: logFile, Field: "operation", Offset: 2, Reason: "unknown operation"}
	}
	out.Status = Status(b[3])
	if out.Status > TransferredIn {
		return &FieldError{File: logFile, Field: "status", Offset: 3, Reason: "unknown status"}
	}
	if b[4]&^0x03 != 0 {
		return &FieldError{File: logFile, Field: "flags", Offset: 4, Reason: "unknown flag bits"}
	}
	out.Extension = b[4]&0x01 != 0
	out.StudentSlot = int(b[4] >> 1 & 0x01)
	out.Pending = Op(b[5])
	if out.Pending > OpRecover {
		return &FieldError{File: logFile, Field: "pending operation", Offset: 5, Reason: "unknown operation"}
	}
	if b[6] != 0 || b[7] != 0 || b[8] != 0 {
		y, ok := digits.BCD(b[6:8])
		year, _ := strconv.Atoi(y)
		out.Semester = Semester{Year: year, Term: int(b[8])}
		if !ok || !out.Semester.Valid() {
			return &FieldError{File: logFile, Field: "semester", Offset: 6, Reason: "not YYYY BCD and term 1 or 2"}
		}
	}
	date, err := getDate(logFile, "date", 9, b[9:13])
	if err != nil {
		return err
	}
	out.Date = date
	if b[13] != 0 || b[14] != 0 || b[15] != 0 {
		code, ok := digits.BCD(b[13:])
		if !ok {
			return &FieldError{File: logFile, Field: "school code", Offset: 13, Reason: "not BCD"}
		}
		// The log record holds no province: a Beijing school's code.
		if out.School, err = studentid.ParseSchool(code); err != nil {
			return &FieldError{File: logFile, Field: "school code", Offset: 13, Reason: "%v", Args: []any{err}}
		}
	}
	*s = out
	return nil
}

// Registered reports whether a card in this state still works on day t as
// far as semester registration goes (SPEC R-REG-1): it is registered for
// the semester of t, or for the one before and t is not after that
// semester's deadline.
func (s State) Registered(t time.Time) bool {
	cur := SemesterOf(t)
	if !s.Semester.Before(cur) {
		return true
	}
	return s.Semester == cur.Previous() && !dateOnly(t).After(cur.Deadline())
}
