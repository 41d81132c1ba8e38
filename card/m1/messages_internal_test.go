package m1

import (
	"testing"

	"github.com/bjedu/studentcard/l10n/l10ntest"
)

// TestEveryTextHasChinese: every text of the package, and every error it
// returns, renders in Chinese with the same values as in English.
func TestEveryTextHasChinese(t *testing.T) {
	l10ntest.Check(t, messages, l10ntest.Source{Fields: []string{"Reason", "File", "Field", "Step"},
		Names: []string{"sectorFile"}, Calls: []l10ntest.Call{{Func: "getDate", Arg: 0}}, Min: 40})
	l10ntest.Errors(t, ErrMalformed, ErrAuth, ErrLayout, ErrNoUID, ErrUnexpected,
		&FieldError{File: sectorFile, Field: "school code", Offset: 9, Reason: "want 6 digits"},
		&LayoutError{Reason: "no name in block 1"},
		&StepError{Step: "READ BINARY (FF B0) block %d", Args: []any{56}, Kind: ErrUnexpected, Err: ErrMalformed})
}
