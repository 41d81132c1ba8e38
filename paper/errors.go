package paper

import (
	"errors"
	"strconv"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/l10n"
)

// Sentinels; every error the package returns wraps one of them.
var (
	// ErrNoFont: no usable CJK font was found; [FontError] says how to get one.
	ErrNoFont = messages.Error("no Chinese font found")
	// ErrFontRead: the font file could not be read.
	ErrFontRead = messages.Error("font file cannot be read")
	// ErrFontFormat: not a TrueType font or collection, or a damaged one.
	ErrFontFormat = messages.Error("not a usable TrueType font")
	// ErrFontOutlines: the font has CFF (PostScript) outlines, which the PDF
	// writer cannot embed as a subset; use a TrueType font.
	ErrFontOutlines = messages.Error("font has CFF outlines, not TrueType")
	// ErrFontCoverage: the font lacks common Chinese characters.
	ErrFontCoverage = messages.Error("font does not cover Chinese")
	// ErrGlyph: a text holds a character the font cannot print (a rare
	// character, C-4): printing it would leave a blank on a signed paper.
	ErrGlyph = messages.Error("character not in the font")
	// ErrContent: the paper's data is incomplete or invalid (see [ContentError]).
	ErrContent = messages.Error("paper data invalid")
	// ErrPhoto: the card photo cannot be placed (not a JPEG the PDF can embed).
	ErrPhoto = messages.Error("photo cannot be printed")
	// ErrRender: the PDF writer failed.
	ErrRender = messages.Error("PDF cannot be written")
)

// FontError is a font problem: which font, and which sentinel. For
// [ErrNoFont] Tried lists the files found but unusable.
type FontError struct {
	Font  string
	Tried []string
	Err   error
	cause error
}

func (e *FontError) Error() string { return e.Localize(l10n.English) }

// Unwrap gives the sentinel and the I/O cause.
func (e *FontError) Unwrap() []error { return []error{e.Err, e.cause} }

// Localize renders the error; for ErrNoFont it says how to install or name
// a font.
func (e *FontError) Localize(tag language.Tag) string {
	if errors.Is(e.Err, ErrNoFont) {
		s := messages.Sprintf(tag, "%s: install a TrueType Chinese font (Debian: apt-get install fonts-wqy-microhei) or name one (a .ttf or .ttc file)", e.Err)
		if len(e.Tried) > 0 {
			s += messages.Sprintf(tag, " (unusable: %s)", joinList(tag, e.Tried))
		}
		return s
	}
	return messages.Sprintf(tag, "font %s: %s", e.Font, e.Err)
}

// GlyphError names a character the font lacks and the field holding it.
type GlyphError struct {
	Field string // a catalog key: "name", "school name", …
	Char  rune
	Font  string
}

func (e *GlyphError) Error() string { return e.Localize(l10n.English) }

// Unwrap gives ErrGlyph.
func (e *GlyphError) Unwrap() error { return ErrGlyph }

// Localize renders the error with the character and its code point.
func (e *GlyphError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "%s: %s %q (U+%04X) is not in font %s; name a font that has it", ErrGlyph, messages.Text(e.Field), string(e.Char), e.Char, e.Font)
}

// ContentError names a field of the paper's data that is missing or wrong.
type ContentError struct {
	Paper string // a catalog key: "handover sheet", "ID card", …
	Field string // a catalog key
	Item  int    // 1-based row or card, 0 for the paper itself
	Err   error  // ErrContent or ErrPhoto, possibly wrapping a cause
}

func (e *ContentError) Error() string { return e.Localize(l10n.English) }

// Unwrap gives the sentinel.
func (e *ContentError) Unwrap() error { return e.Err }

// Localize renders the error with the paper, item and field.
func (e *ContentError) Localize(tag language.Tag) string {
	if e.Item > 0 {
		return messages.Sprintf(tag, "%s, item %s, %s: %s", messages.Text(e.Paper), strconv.Itoa(e.Item), messages.Text(e.Field), e.Err)
	}
	return messages.Sprintf(tag, "%s, %s: %s", messages.Text(e.Paper), messages.Text(e.Field), e.Err)
}

func joinList(tag language.Tag, items []string) string {
	sep := ", "
	if l10n.Match(tag) == l10n.Chinese {
		sep = "、"
	}
	out := ""
	for i, s := range items {
		if i > 0 {
			out += sep
		}
		out += s
	}
	return out
}
