package sam

import (
	"testing"

	"github.com/bjedu/studentcard/l10n/l10ntest"
)

// TestEveryTextHasChinese: every text handed to the catalog (messages.Error
// and messages.Sprintf) has a Chinese rendering, so a typo in a key cannot
// silently fall back to English.
func TestEveryTextHasChinese(t *testing.T) {
	l10ntest.Check(t, messages, l10ntest.Source{Min: 15})
}
