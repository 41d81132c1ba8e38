package m1

import (
	"fmt"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/l10n"
)

// Sentinels: every error of this package matches one of them with
// errors.Is (or, for a name that cannot be stored, card.ErrName; for a bad
// semester card.ErrSemester).
var (
	// ErrMalformed: the sector (or a record given to an encoder) is not in
	// the documented layout; [*FieldError] says where.
	ErrMalformed = messages.Error("malformed M1 sector data")
	// ErrAuth: no education key (current or legacy) opens the M1 card's
	// education sector: not our card, or its keys were changed.
	ErrAuth = messages.Error("M1 sector authentication failed with every education key")
	// ErrLayout: the M1 education sector holds neither the legacy nor the
	// current layout.
	ErrLayout = messages.Error("unknown M1 education sector layout")
	// ErrNoUID: GET UID (FF CA) failed: the card is not an M1 card or the
	// reader does not speak the PC/SC pseudo-APDUs.
	ErrNoUID = messages.Error("reader cannot read the card UID: not an M1 card or not a PC/SC reader")
	// ErrUnexpected: the reader answered with a length the protocol does not
	// allow at that step.
	ErrUnexpected = messages.Error("reader answered unexpectedly")
)

// FieldError says which field of the sector (or of the options, or the UID)
// is malformed and why. It matches [ErrMalformed].
type FieldError struct {
	File   string // "M1 education sector", "options", "UID": a catalog key
	Field  string // e.g. "registry number": a catalog key
	Offset int    // byte offset of the field in the sector's three data blocks
	Reason string // what is wrong, a catalog key and fmt format
	Args   []any  // the values of Reason's verbs
}

// Error is the English text of the error; Localize renders it in Chinese too.
func (e *FieldError) Error() string { return "m1: " + e.Localize(l10n.English) }

// Localize renders the error in the language tag: file, field and reason
// all come from the catalog.
func (e *FieldError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "%[1]s, field %[2]s at byte %[3]d: %[4]s",
		messages.Sprintf(tag, e.File), messages.Sprintf(tag, e.Field), e.Offset, messages.Sprintf(tag, e.Reason, e.Args...))
}

// Unwrap yields ErrMalformed.
func (e *FieldError) Unwrap() error { return ErrMalformed }

// LayoutError says why an M1 education sector is in neither layout. It
// matches [ErrLayout].
type LayoutError struct{ Reason string }

// Error is the English text of the error; Localize renders it in Chinese too.
func (e *LayoutError) Error() string { return "m1: " + e.Localize(l10n.English) }

// Localize renders the error in the language tag.
func (e *LayoutError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "%[1]s: %[2]s", messages.Sprintf(tag, "unknown M1 education sector layout"), messages.Sprintf(tag, e.Reason))
}

// Unwrap yields ErrLayout.
func (e *LayoutError) Unwrap() error { return ErrLayout }

// StepError says at which step (a pseudo-APDU, a SAM call) an error
// happened. It matches Kind (one of this package's sentinels, or nil) and
// everything the cause matches (apdu status sentinels, sam.ErrLocked,
// context errors, …).
type StepError struct {
	Step string // e.g. "READ BINARY (FF B0) block %d": a catalog key and fmt format
	Args []any  // the values of Step's verbs
	Kind error  // this package's sentinel for the failure, or nil
	Err  error  // the cause
}

// Error is the English text of the error; Localize renders it in Chinese too.
func (e *StepError) Error() string { return "m1: " + e.Localize(l10n.English) }

// Localize renders the error in the language tag.
func (e *StepError) Localize(tag language.Tag) string {
	cause := l10n.Error(e.Err, tag)
	if e.Kind != nil {
		cause = fmt.Sprintf("%s (%s)", l10n.Error(e.Kind, tag), cause)
	}
	return messages.Sprintf(tag, "%[1]s: %[2]s", messages.Sprintf(tag, e.Step, e.Args...), cause)
}

// Unwrap yields Kind (if set) and the cause.
func (e *StepError) Unwrap() []error {
	if e.Kind != nil {
		return []error{e.Kind, e.Err}
	}
	return []error{e.Err}
}
