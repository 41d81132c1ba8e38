package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/adapters/pcsc"
	"github.com/bjedu/studentcard/card"
	"github.com/bjedu/studentcard/card/sim"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/sam"
)

var (
	// errInvalid: a validated file was refused; the failure file lists why
	// (exit 1).
	errInvalid = messages.Error("validation failed: the file is refused")
	// errMismatch: the cards counted differ from the handover sheet; the
	// regenerated sheet is written (C-ISSUE-4, exit 1 like a refused file).
	errMismatch = messages.Error("the cards counted do not match the handover sheet: a regenerated sheet was written")
)

// usageError is a bad command line: an unknown command or flag, a missing
// or malformed argument. It exits with 2.
type usageError struct {
	msg  string // catalog key, a fmt format
	args []any
}

func usagef(msg string, args ...any) error { return &usageError{msg: msg, args: args} }

func (e *usageError) Error() string { return fmt.Sprintf(e.msg, e.args...) }

// Localize renders the usage error in the operator's language.
func (e *usageError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "usage error: %s", messages.Sprintf(tag, e.msg, e.args...))
}

// fileError is an operating-system I/O error on a named file, rendered in
// the operator's language; it exits with 3.
type fileError struct {
	err *fs.PathError
}

func ioErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fileError{err: pe}
	}
	return err
}

func (e *fileError) Error() string { return e.err.Error() }

// Localize names the file and the operation in the operator's language.
func (e *fileError) Localize(tag language.Tag) string {
	reason := e.err.Err.Error()
	switch {
	case errors.Is(e.err, fs.ErrNotExist):
		reason = messages.Sprintf(tag, "no such file")
	case errors.Is(e.err, fs.ErrPermission):
		reason = messages.Sprintf(tag, "permission denied")
	case errors.Is(e.err, fs.ErrExist):
		reason = messages.Sprintf(tag, "file already exists")
	}
	return messages.Sprintf(tag, "%s %s: %s", messages.Sprintf(tag, e.err.Op), e.err.Path, reason)
}

func (e *fileError) Unwrap() error { return e.err }

// cardError marks an error of the card, reader or SAM path (exit 4) whose
// own type is not one of the SDK's card types (e.g. a transport error).
type cardError struct{ err error }

func (e *cardError) Error() string { return e.err.Error() }

// Localize renders the cause; the exit code is what cardError adds.
func (e *cardError) Localize(tag language.Tag) string {
	var l interface{ Localize(language.Tag) string }
	if errors.As(e.err, &l) {
		return l.Localize(tag)
	}
	return e.err.Error()
}

func (e *cardError) Unwrap() error { return e.err }

// exitCode maps an error to the documented exit codes.
func exitCode(err error) int {
	var ue *usageError
	var ae *argError
	var ce *cardError
	var pe *pcsc.Error
	var se *simStateError
	var fc *fileContext
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue), errors.As(err, &ae):
		return exitUsage
	case errors.Is(err, context.Canceled):
		return exitInterrupted
	case errors.Is(err, errInvalid), errors.Is(err, errMismatch), errors.Is(err, errExportRefused):
		return exitInvalid
	case errors.Is(err, lifecycle.ErrForbidden):
		return exitForbidden
	case errors.Is(err, pcsc.ErrUnsupported):
		return exitUnsupported
	case errors.As(err, &se), errors.As(err, &fc):
		return exitIO
	case errors.As(err, &ce), errors.As(err, &pe), isCardError(err):
		return exitCard
	default:
		return exitIO
	}
}

// isCardError reports errors of the card session, the simulated card and
// the SAM.
func isCardError(err error) bool {
	for _, s := range []error{
		card.ErrNotOurCard, card.ErrCounterfeit, card.ErrWrongKey, card.ErrKeyBlocked,
		card.ErrIllegalState, card.ErrMalformed, card.ErrName, card.ErrSemester,
		card.ErrSuiteMismatch, card.ErrNoStudent, card.ErrMACRefused, card.ErrUnexpected,
		sim.ErrRemoved, sim.ErrConfig,
		sam.ErrLocked, sam.ErrVerify, sam.ErrUnknownKey, sam.ErrManagementCard, sam.ErrPSAM,
		sam.ErrConfig, sam.ErrMalformed, sam.ErrClosed,
	} {
		if errors.Is(err, s) {
			return true
		}
	}
	var step *card.StepError
	return errors.As(err, &step)
}

// existsError refuses to replace an existing output file without --force
// (exit 3): the day's list file or a sheet already sent must not be lost.
type existsError struct{ path string }

func (e *existsError) Error() string { return e.Localize(language.English) }

// Localize names the file in the operator's language.
func (e *existsError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "%s exists: refusing to replace it (give --force to replace it)", e.path)
}

func (e *existsError) Unwrap() error { return fs.ErrExist }

// refuseExisting refuses an output path that exists (a symlink included)
// unless force is set.
func refuseExisting(path string, force bool) error {
	if force {
		return nil
	}
	if _, err := os.Lstat(path); err == nil {
		return &existsError{path: path}
	}
	return nil
}
