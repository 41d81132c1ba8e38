package paper

import (
	"testing"

	"github.com/bjedu/studentcard/l10n/l10ntest"
)

func TestEveryTextHasChinese(t *testing.T) {
	l10ntest.Check(t, messages, l10ntest.Source{
		Calls: []l10ntest.Call{{Func: "d.t", Arg: 0}, {Func: "t.d.t", Arg: 0}, {Func: "messages.Text", Arg: 0},
			{Func: "d.title", Arg: 0}, {Func: "d.slip", Arg: 0}, {Func: "d.data", Arg: 0}, {Func: "d.fail", Arg: 1}, {Func: "render", Arg: 1}, {Func: "newDoc", Arg: 0}},
		Elems:  []l10ntest.Elem{{Type: "column", Index: 0}},
		Fields: []string{"Field", "Paper"},
		Min:    60,
	})
	l10ntest.Errors(t, ErrNoFont, ErrFontRead, ErrFontFormat, ErrFontOutlines, ErrFontCoverage, ErrGlyph, ErrContent, ErrPhoto, ErrRender,
		&FontError{Font: "x.ttf", Err: ErrFontFormat}, &FontError{Err: ErrNoFont, Tried: []string{"a.ttf"}},
		&GlyphError{Field: "name", Char: 'x', Font: "f"}, &ContentError{Paper: "ID card", Field: "photo", Item: 2, Err: ErrPhoto})
}
