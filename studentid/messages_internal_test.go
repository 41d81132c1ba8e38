package studentid

import (
	"testing"

	"github.com/bjedu/studentcard/l10n/l10ntest"
)

// TestEveryTextHasChinese: every string literal of the package that is text
// (has a letter) is a catalog key with a Chinese rendering, so no message can
// reach an operator untranslated.
func TestEveryTextHasChinese(t *testing.T) {
	l10ntest.Check(t, messages, l10ntest.Source{
		AllText: true,
		NotText: []string{"10X98765432"}, // the MOD 11-2 check characters
		Min:     80,
	})
}
