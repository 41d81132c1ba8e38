package card

import (
	"testing"

	"github.com/bjedu/studentcard/l10n/l10ntest"
)

// TestEveryTextHasChinese: every text handed to the catalog has a Chinese
// rendering that prints the same values as the English.
func TestEveryTextHasChinese(t *testing.T) {
	l10ntest.Check(t, messages, l10ntest.Source{Fields: []string{"Reason", "File", "Field", "Step"},
		Names: []string{"step", "file", "studentFile", "logFile", "extensionFile"},
		Min:   100})
}
