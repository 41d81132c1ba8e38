package card

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/bjedu/studentcard/internal/gbtext"
)

// Charset says how a text field on the card is encoded. Both values decode
// with GB18030, which is a byte-for-byte superset of GB2312; the byte tells a
// GB2312-only reader (an old gate, an M1 terminal) whether it can show the
// field.
type Charset byte

// The two charsets of a text field.
const (
	// GB2312 means every character of the field is in GB2312 (EUC-CN rows 1-9
	// and 16-87): the common case.
	GB2312 Charset = 0x01
	// GB18030 means at least one character is outside GB2312 (a rare
	// character, 生僻字, SPEC C-4) and the field needs a GB18030 reader.
	GB18030 Charset = 0x02
)

// String is "GB2312" or "GB18030".
func (c Charset) String() string {
	if c == GB18030 {
		return "GB18030"
	}
	return "GB2312"
}

// EncodeText encodes s for a card field of size bytes: GB2312 when every
// character fits, GB18030 otherwise — unless only GB2312 is allowed (the
// legacy M1 layout). A character that cannot be stored, or the one at which
// the field overflows, is reported in a [*NameError] naming it, so the
// operator can file the rare-character description (SPEC C-4) or shorten the
// text. field names the field in the error ("name", "school name").
func EncodeText(field, s string, size int, allowGB18030 bool) ([]byte, Charset, error) {
	if s == "" {
		return nil, 0, &NameError{Field: field, Reason: ReasonEmpty}
	}
	out := make([]byte, 0, size)
	cs := GB2312
	pos := 0
	for i, r := range s {
		pos++
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size <= 1 {
				return nil, 0, &NameError{Field: field, Char: r, Pos: pos, Reason: ReasonInvalid}
			}
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Co, r) || r == utf8.RuneError {
			return nil, 0, &NameError{Field: field, Char: r, Pos: pos, Reason: ReasonInvalid}
		}
		enc, inGB2312 := encodeRune(r)
		if !inGB2312 {
			if !allowGB18030 {
				return nil, 0, &NameError{Field: field, Char: r, Pos: pos, Reason: ReasonNotGB2312}
			}
			cs = GB18030
		}
		if len(out)+len(enc) > size {
			return nil, 0, &NameError{Field: field, Char: r, Pos: pos, Reason: ReasonTooLong, Max: size}
		}
		out = append(out, enc...)
	}
	return out, cs, nil
}

// encodeRune returns r in GB18030 and whether it is a GB2312 character (the
// one GB2312 table the validators use too).
func encodeRune(r rune) ([]byte, bool) {
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes(buf[:n])
	if err != nil { // GB18030 covers every Unicode scalar value
		return nil, false
	}
	return b, gbtext.IsGB2312(r)
}

// DecodeText decodes a zero-padded GB18030/GB2312 card field. Bytes that are
// not valid GB18030 are a [*FieldError] naming field.
func DecodeText(file, field string, offset int, b []byte) (string, error) {
	end := len(b)
	for end > 0 && b[end-1] == 0 {
		end--
	}
	s, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b[:end])
	if err != nil || containsReplacement(s) {
		return "", &FieldError{File: file, Field: field, Offset: offset, Reason: "not valid GB18030 text"}
	}
	return string(s), nil
}

func containsReplacement(s []byte) bool {
	for _, r := range string(s) {
		if r == utf8.RuneError || r == 0 {
			return true
		}
	}
	return false
}
