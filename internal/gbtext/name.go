package gbtext

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// middleDots are the characters typed for the middle dot of a transcribed
// name (阿依古丽·买买提): the Katakana middle dot of Japanese input methods
// and old GB2312 tables, bullets, the hyphenation point and the half-width
// form. The card holds GB2312's U+00B7 (A1A4) for all of them.
var middleDots = strings.NewReplacer(
	"\u30FB", "\u00B7", // KATAKANA MIDDLE DOT
	"\uFF65", "\u00B7", // HALFWIDTH KATAKANA MIDDLE DOT
	"\u2022", "\u00B7", // BULLET
	"\u2027", "\u00B7", // HYPHENATION POINT
	"\u2219", "\u00B7", // BULLET OPERATOR
	"\u22C5", "\u00B7", // DOT OPERATOR
	"\u0387", "\u00B7", // GREEK ANO TELEIA
	"\u2E31", "\u00B7", // WORD SEPARATOR MIDDLE DOT
	"\uA78F", "\u00B7", // LATIN LETTER SINOLOGICAL DOT
	"\u16EB", "\u00B7", // RUNIC SINGLE PUNCTUATION
)

// CharKind says why a character cannot be in a name.
type CharKind int

// The kinds of characters a name cannot hold.
const (
	KindNone    CharKind = iota
	KindControl          // a control character: line break, tab, …
	KindFormat           // a format character: zero-width space or joiner, BOM, soft hyphen, …
	KindSpace            // a space other than U+0020: no-break space, thin space, …
	KindSymbol           // an emoji or other symbol, or a variation selector
	KindPrivate          // a private-use or unassigned code point, or U+FFFD
)

// BadChar is the first character of a text that no name may hold, and where
// it is (Pos counts characters from 1).
type BadChar struct {
	Char rune
	Pos  int
	Kind CharKind
}

// CleanName returns a name as the card stores it: composed (NFC, so 'ü'
// written as u + U+0308 is one character), the middle-dot variants folded to
// U+00B7. A character no name holds (control, format, a space other than
// U+0020, emoji and other symbols, private-use or unassigned) is refused:
// the name is returned unchanged with the first such character.
func CleanName(s string) (string, *BadChar) {
	if !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	s = middleDots.Replace(s)
	pos := 0
	for _, r := range s {
		pos++
		if k := kindOf(r); k != KindNone {
			return s, &BadChar{Char: r, Pos: pos, Kind: k}
		}
	}
	return s, nil
}

func kindOf(r rune) CharKind {
	switch {
	case r < 0x80:
		if r < 0x20 || r == 0x7F {
			return KindControl
		}
		return KindNone
	case r == 0xFFFD || unicode.Is(unicode.Co, r):
		return KindPrivate
	case unicode.Is(unicode.Cc, r):
		return KindControl
	case unicode.Is(unicode.Cf, r):
		return KindFormat
	case unicode.IsSpace(r) || unicode.Is(unicode.Zs, r) || unicode.Is(unicode.Zl, r) || unicode.Is(unicode.Zp, r):
		return KindSpace
	case unicode.Is(unicode.So, r) || unicode.Is(unicode.Sk, r) || unicode.Is(unicode.Variation_Selector, r) || r == 0x20E3:
		return KindSymbol
	case !unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S):
		return KindPrivate
	}
	return KindNone
}
