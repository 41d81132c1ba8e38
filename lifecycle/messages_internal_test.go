package lifecycle

import (
	"testing"

	"github.com/bjedu/studentcard/l10n/l10ntest"
)

// TestEveryTextHasChinese: every text constant the typed errors use
// (reason…, cal…, audit… problems) and every text handed to the catalog has
// a Chinese rendering.
func TestEveryTextHasChinese(t *testing.T) {
	l10ntest.Check(t, messages, l10ntest.Source{Names: []string{"reason", "cal", "audit"}, Min: 30})
}

// TestEveryActionHasChinese finds every action name the package source uses
// (Action constants, action fields of notes and errors, actions passed to
// the scope checks) and proves each has a Chinese name, so no refusal an
// operator reads shows a raw English action (S-4).
func TestEveryActionHasChinese(t *testing.T) {
	l10ntest.Check(t, messages, l10ntest.Source{
		Catalog:   "-",
		Types:     []string{"Action"},
		Fields:    []string{"action", "Action"},
		Calls:     []l10ntest.Call{{Func: "readable", Arg: 2}, {Func: "checkScope", Arg: 1}, {Func: "checkOperator", Arg: 1}},
		KeyPrefix: nameAction,
		Min:       40,
	})
}
