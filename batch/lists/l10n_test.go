package lists_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/bjedu/studentcard/batch/lists"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/l10n/l10ntest"
)

// TestErrorsRenderInChinese: every sentinel and typed error renders in
// Chinese with no English word.
func TestErrorsRenderInChinese(t *testing.T) {
	errs := []error{
		lists.ErrTruncated, lists.ErrTrailingData, lists.ErrBadMagic, lists.ErrVersion, lists.ErrBadHeader,
		lists.ErrUnsorted, lists.ErrBadStatus, lists.ErrDigest, lists.ErrSignature, lists.ErrPublicKey,
		lists.ErrSignerKey, lists.ErrTooMany, lists.ErrDuplicate, lists.ErrDeltaBase, lists.ErrVersionOrder,
		lists.ErrBadSerial, lists.ErrBadKind, lists.ErrBadTime, lists.ErrBadRegistry, lists.ErrEmpty,
		lists.ErrBadSchool, lists.ErrForeignSchool, lists.ErrOutOfOrder, lists.ErrNotInBase, lists.ErrSameStatus,
		&lists.FormatError{File: "delta", Offset: 3, Entry: -1, Field: "magic", Want: "BJSD", Got: "XXXX", Err: lists.ErrBadMagic},
		&lists.FormatError{File: "list", Offset: 57, Entry: 1, Field: "serial", Want: ">1", Err: lists.ErrUnsorted},
		&lists.FieldError{Field: lists.FieldOperator, Err: lists.ErrEmpty},
		&lists.OptionError{Field: "Signer", Err: lists.ErrSignerKey},
		&lists.DuplicateError{},
		&lists.SignError{Err: lists.ErrSignature},
		&lists.BaseError{Want: 1, Got: 2, Entry: -1, Err: lists.ErrDeltaBase},
		&lists.BaseError{Want: 1, Got: 1, Entry: 3, Err: lists.ErrSameStatus},
		&lists.FieldError{Field: lists.FieldRegistry, Err: lists.ErrBadRegistry, Cause: lists.ErrEmpty},
		&lists.OrderError{Source: 1, Index: 2},
		lists.Conflict{A: lists.Event{Kind: lists.KindLoss}, B: lists.Event{Kind: lists.KindUnloss}},
	}
	l10ntest.Errors(t, errs...)
	for _, err := range errs {
		if err == lists.ErrBadKind {
			continue // names the event file's own words: loss, unloss, freeze, unfreeze
		}
		zh := l10n.Error(err, l10n.Chinese)
		assert.Empty(t, l10ntest.English(zh, "Signer"), "untranslated words in %q", zh) // Signer: the option's Go name
	}
}
