package lists_test

import (
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"

	"github.com/bjedu/studentcard/batch/lists"
	"github.com/bjedu/studentcard/l10n"
)

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// TestEveryTextHasChinese renders every sentinel and every typed error in
// Chinese.
func TestEveryTextHasChinese(t *testing.T) {
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
	for _, err := range errs {
		zh, en := l10n.Error(err, l10n.Chinese), l10n.Error(err, l10n.English)
		assert.True(t, hasHan(zh), "no Chinese: %q", zh)
		assert.False(t, hasHan(en), "Chinese in English: %q", en)
		for _, field := range []string{"serial", "magic", "operator", "delta", "list"} {
			assert.NotContains(t, zh, field, "untranslated word in %q", zh)
		}
	}
}
