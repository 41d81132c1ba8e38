package gbtext_test

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"github.com/bjedu/studentcard/internal/gbtext"
)

// TestGB2312Table checks the table against Python's gb2312 codec (the
// fixture lists every byte pair it decodes): C-4 decides from GB2312, not
// from GBK's additions in the same rows.
func TestGB2312Table(t *testing.T) {
	f, err := os.Open("testdata/gb2312-pairs.txt")
	require.NoError(t, err)
	defer f.Close()
	want := map[[2]byte]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		b, err := hex.DecodeString(sc.Text())
		require.NoError(t, err)
		want[[2]byte{b[0], b[1]}] = true
	}
	require.Len(t, want, 7445)
	dec := simplifiedchinese.GB18030.NewDecoder()
	runes := 0
	for hi := 0xA1; hi <= 0xF7; hi++ {
		for lo := 0xA1; lo <= 0xFE; lo++ {
			p := [2]byte{byte(hi), byte(lo)}
			require.Equal(t, want[p], gbtext.IsGB2312Pair(p[0], p[1]), "C-4 pair %X", p)
			out, err := dec.Bytes(p[:])
			require.NoError(t, err)
			r, _ := utf8.DecodeRune(out)
			if want[p] {
				require.True(t, gbtext.IsGB2312(r), "C-4 %X U+%04X", p, r)
				runes++
			}
		}
	}
	assert.Equal(t, 7445, runes)
	for _, r := range []rune{'ⅰ', '€', '︵', 'ɑ', 'ń', '䶮', '𠂇', 0xE000} {
		assert.False(t, gbtext.IsGB2312(r), "C-4 U+%04X is not GB2312", r)
	}
	for _, r := range []rune{'·', '—', '王', 'a', '齄'} {
		assert.True(t, gbtext.IsGB2312(r), "C-4 U+%04X is GB2312", r)
	}
}

// TestRuneLen checks the length rule against the encoder the card uses.
func TestRuneLen(t *testing.T) {
	enc := simplifiedchinese.GB18030.NewEncoder()
	for r := rune(0); r < 0x10000; r += 7 {
		if r >= 0xD800 && r < 0xE000 {
			continue
		}
		b, err := enc.Bytes([]byte(string(r)))
		require.NoError(t, err)
		require.Equal(t, len(b), gbtext.RuneLen(r), "U+%04X", r)
	}
	assert.Equal(t, 4, gbtext.RuneLen('𠂇'))
	assert.Equal(t, 2+4+2, gbtext.Len("王㐀明"))
}

func decode(t *testing.T, b []byte) string {
	t.Helper()
	out, _, err := transform.Bytes(gbtext.Decoder{}, b)
	require.NoError(t, err)
	return string(out)
}

// TestDecoderStrict: 0x80 and 0xFF are not GB18030 (x/text reads 0x80 as
// the euro sign); a cut lead byte and an unmapped code are invalid.
func TestDecoderStrict(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"stray 0x80", []byte("\xcd\xf5\x80\xd0\xa1"), "王\uFFFD小"},
		{"stray 0xFF", []byte("\xcd\xf5\xff"), "王\uFFFD"},
		{"cut lead byte at end", []byte("\xcd\xf5\xd0"), "王\uFFFD"},
		{"lead then line feed", []byte("\xd0\n"), "\uFFFD\n"},
		{"four-byte rare character", []byte("\xcd\xf5\x81\x39\xee\x39"), "王㐀"},
		{"four-byte code without a character", []byte("\x84\x31\xa5\x30"), "\uFFFD"},
		{"GB2312 middle dot", []byte("\xa1\xa4"), "·"},
		{"user-defined area", []byte("\xaa\xa1"), "\uFFFD"},
	} {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.want, decode(t, tc.in)) })
	}
}

// TestDecoder2022 reads what current iconv writes for the characters
// GB18030-2022 moved into the two-byte area (FE51 → U+20087 𠂇 …).
func TestDecoder2022(t *testing.T) {
	gb, err := os.ReadFile("testdata/gb18030-2022.txt")
	require.NoError(t, err)
	want, err := os.ReadFile("testdata/gb18030-2022.utf8.txt")
	require.NoError(t, err)
	assert.Equal(t, string(want), decode(t, gb))
	assert.Contains(t, string(gb), "\xfe\x51", "the fixture uses the 2022 two-byte code")
}

// TestDecoderStreaming decodes in small pieces, as a CSV reader does.
func TestDecoderStreaming(t *testing.T) {
	in, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(strings.Repeat("王䶮a", 5000)))
	require.NoError(t, err)
	r := transform.NewReader(iotest.OneByteReader(bytes.NewReader(in)), gbtext.Decoder{})
	out, err := io.ReadAll(r)
	require.NoError(t, err)
	assert.Equal(t, strings.Repeat("王䶮a", 5000), string(out))
}

// TestCleanName: NFC, middle dots folded, and the characters no name holds
// refused with their position (P-4 name hygiene, C-4).
func TestCleanName(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		bad            rune
		pos            int
		kind           gbtext.CharKind
	}{
		{name: "plain", in: "王小明", want: "王小明"},
		{name: "U+30FB folded", in: "阿依古丽\u30FB买买提", want: "阿依古丽·买买提"},
		{name: "U+2022 folded", in: "阿依古丽\u2022买买提", want: "阿依古丽·买买提"},
		{name: "U+2027 folded", in: "阿依古丽\u2027买买提", want: "阿依古丽·买买提"},
		{name: "U+FF65 folded", in: "阿依古丽\uFF65买买提", want: "阿依古丽·买买提"},
		{name: "NFD composed", in: "lu\u0308", want: "l\u00fc"},
		{name: "ASCII space kept", in: "John Smith", want: "John Smith"},
		{name: "line feed", in: "王\n明", bad: '\n', pos: 2, kind: gbtext.KindControl},
		{name: "NBSP", in: "王\u00a0明", bad: 0xA0, pos: 2, kind: gbtext.KindSpace},
		{name: "zero-width space", in: "王明\u200b", bad: 0x200B, pos: 3, kind: gbtext.KindFormat},
		{name: "BOM", in: "\ufeff王明", bad: 0xFEFF, pos: 1, kind: gbtext.KindFormat},
		{name: "emoji", in: "王😀明", bad: '😀', pos: 2, kind: gbtext.KindSymbol},
		{name: "variation selector", in: "王\ufe0f", bad: 0xFE0F, pos: 2, kind: gbtext.KindSymbol},
		{name: "private use", in: "王\ue816", bad: 0xE816, pos: 2, kind: gbtext.KindPrivate},
		{name: "replacement character", in: "王\ufffd", bad: 0xFFFD, pos: 2, kind: gbtext.KindPrivate},
	} {
		t.Run("P-4 "+tc.name, func(t *testing.T) {
			got, bad := gbtext.CleanName(tc.in)
			if tc.bad == 0 {
				require.Nil(t, bad)
				assert.Equal(t, tc.want, got)
				return
			}
			require.NotNil(t, bad)
			assert.Equal(t, gbtext.BadChar{Char: tc.bad, Pos: tc.pos, Kind: tc.kind}, *bad)
		})
	}
}
