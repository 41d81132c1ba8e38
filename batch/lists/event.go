package lists

import (
	"cmp"
	"encoding/binary"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/studentid"
)

// parseSerial reads a card serial ([studentid.Serial]) written as 16
// hexadecimal digits, as event files carry it; a bad one is a *FieldError
// matching [ErrBadSerial] (and the studentid error).
func parseSerial(s string) (studentid.Serial, error) {
	out, err := studentid.ParseSerial(s)
	if err != nil {
		return studentid.Serial{}, &FieldError{Field: FieldSerial, Err: ErrBadSerial, Cause: err}
	}
	return out, nil
}

// serialKey is the serial as a big-endian integer: comparing keys orders
// serials exactly as comparing their bytes does, in one instruction.
func serialKey(s studentid.Serial) uint64 { return binary.BigEndian.Uint64(s[:]) }

// compareSerials orders serials by their bytes; lists are sorted in this
// order.
func compareSerials(a, b studentid.Serial) int { return cmp.Compare(serialKey(a), serialKey(b)) }

// Kind is what a daily operation did to a card (R-DAILY-1): the four
// operations that put a card on, or take it off, a list.
type Kind uint8

// The four list events, in their tie-break order: when two events for one
// card carry the same instant, the merge writes them in this order, so the
// cancelling one (unloss after loss, unfreeze after freeze) comes last and
// wins.
const (
	// KindLoss is 挂失: the card is reported lost and must stop opening doors.
	KindLoss Kind = iota + 1
	// KindUnloss is 解挂: the loss is cancelled (the card was found).
	KindUnloss
	// KindFreeze is 冻结: the card is frozen, e.g. when its holder leaves
	// (R-LEAVE-1).
	KindFreeze
	// KindUnfreeze is 解冻: the freeze is lifted.
	KindUnfreeze
)

var kindNames = [...]string{KindLoss: "loss", KindUnloss: "unloss", KindFreeze: "freeze", KindUnfreeze: "unfreeze"}

// String returns the kind's name as event files write it ("loss", "unloss",
// "freeze", "unfreeze").
func (k Kind) String() string {
	if k.valid() {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Localize names the kind in the language tag (挂失, 解挂, 冻结, 解冻), for
// texts an operator reads; String is the file format's word.
func (k Kind) Localize(tag language.Tag) string { return messages.Sprintf(tag, k.String()) }

func (k Kind) valid() bool { return k >= KindLoss && k <= KindUnfreeze }

// ParseKind reads a kind name as String writes it.
func ParseKind(s string) (Kind, error) {
	for k := KindLoss; k <= KindUnfreeze; k++ {
		if kindNames[k] == s {
			return k, nil
		}
	}
	return 0, &FieldError{Field: FieldKind, Err: ErrBadKind}
}

// bit is the status bit the kind sets or clears; sets reports which.
func (k Kind) bit() (bit Status, sets bool) {
	switch k {
	case KindLoss:
		return StatusLost, true
	case KindUnloss:
		return StatusLost, false
	case KindFreeze:
		return StatusFrozen, true
	default:
		return StatusFrozen, false
	}
}

// Status is what a list says about a card: a set of bits, because a card can
// be lost and frozen at the same time and each is cancelled on its own. A card
// whose status is zero is on no list.
type Status uint8

// The status bits. They are also the list header's kind flags, which say what
// a list covers (a list for the transit company may carry lost cards only).
const (
	// StatusLost: the card was reported lost and the loss is not cancelled.
	StatusLost Status = 1 << 0
	// StatusFrozen: the card is frozen and not unfrozen.
	StatusFrozen Status = 1 << 1

	// StatusAll is both bits: what a list covers when nothing else is asked.
	StatusAll = StatusLost | StatusFrozen
)

// Lost reports whether the loss bit is set.
func (s Status) Lost() bool { return s&StatusLost != 0 }

// Frozen reports whether the freeze bit is set.
func (s Status) Frozen() bool { return s&StatusFrozen != 0 }

// String names the set bits ("lost", "frozen", "lost+frozen", or "none").
func (s Status) String() string {
	switch s {
	case 0:
		return "none"
	case StatusLost:
		return "lost"
	case StatusFrozen:
		return "frozen"
	case StatusAll:
		return "lost+frozen"
	}
	return "status(" + strconv.Itoa(int(s)) + ")"
}

// Event is one daily operation on one card (R-DAILY-1), as a school records
// it and as the lists carry it up to the district and the city (R-LIST-1).
type Event struct {
	// Serial is the card's serial: the key of every list.
	Serial studentid.Serial
	// RegistryNo is the holder's student registry number (学籍号). It
	// travels with the event for the audit and for the district's checks;
	// the compact lists that readers receive never carry it.
	RegistryNo studentid.ID
	// Kind is the operation.
	Kind Kind
	// Time is when the school performed the operation; the merge orders by
	// it and a later event cancels an earlier one.
	Time time.Time
	// School is the school that performed the operation (registry number
	// positions 1-8 of its students, the code its event files are sent
	// under).
	School studentid.School
	// Operator identifies who performed it at the school (for the audit).
	Operator string
}

// Compare is the total order of events in every event file and merge output:
// by time, then serial, kind, school, registry number and operator. Two events
// compare equal only when they are the same event (times compared as
// instants), which is what makes merging idempotent.
func (e Event) Compare(o Event) int {
	if c := e.Time.Compare(o.Time); c != 0 {
		return c
	}
	if c := compareSerials(e.Serial, o.Serial); c != 0 {
		return c
	}
	if c := cmp.Compare(e.Kind, o.Kind); c != 0 {
		return c
	}
	if c := e.School.Compare(o.School); c != 0 {
		return c
	}
	if c := strings.Compare(e.RegistryNo.String(), o.RegistryNo.String()); c != 0 {
		return c
	}
	return strings.Compare(e.Operator, o.Operator)
}

// sameSlot reports whether two events concern the same card at the same
// instant: two such events that are not equal are a conflict.
func (e Event) sameSlot(o Event) bool { return e.Serial == o.Serial && e.Time.Equal(o.Time) }

// Time bounds of an event: Unix nanoseconds must represent it (State keeps
// them), and a card event before 2000 is a typing error.
const (
	minEventYear = 2000
	maxEventYear = 2200
)

// Validate checks the fields an event must have before it may enter a file
// or a list: a known kind, a time within the years 2000-2200, a registry
// number, an 8-digit school code and an operator. The first fault is a
// *FieldError.
func (e Event) Validate() error {
	switch {
	case !e.Kind.valid():
		return &FieldError{Field: FieldKind, Err: ErrBadKind}
	case e.Time.Year() < minEventYear || e.Time.Year() > maxEventYear:
		return &FieldError{Field: FieldTime, Err: ErrBadTime}
	case e.RegistryNo.IsZero():
		return &FieldError{Field: FieldRegistry, Err: ErrEmpty}
	case e.School.IsZero():
		return &FieldError{Field: FieldSchool, Err: ErrBadSchool}
	case e.Operator == "":
		return &FieldError{Field: FieldOperator, Err: ErrEmpty}
	}
	return nil
}
