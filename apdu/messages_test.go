package apdu

import (
	"testing"

	"github.com/bjedu/studentcard/l10n/l10ntest"
)

// Every text key the package declares (the key…, exp…, step…, fmt… and
// input… constants, and every string literal passed to messages.Sprintf or
// returned by StatusWord.describe) has a Chinese entry in the catalog; a
// missing one would silently fall back to English.
func TestEveryKeyHasChinese(t *testing.T) {
	l10ntest.Check(t, messages, l10ntest.Source{
		Names:   []string{"key", "exp", "step", "fmt", "input"},
		Returns: []l10ntest.Call{{Func: "describe", Arg: 0}},
		Min:     100,
	})
}
