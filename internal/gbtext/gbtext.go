// Package gbtext holds the Chinese text rules that the CMIS import, the batch
// validators and the card codec must apply the same way: the GB2312
// character set (the common case on a card, SPEC C-4), strict GB18030
// decoding, the byte length of a text as the card stores it, and the hygiene
// of a student's name.
//
// There is one table of each and one length rule, so a name the school's
// import accepts is a name the district, the city and the card accept.
package gbtext

import (
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// Card field sizes in bytes, as the card's student record stores them
// (GB2312 or GB18030 bytes, zero-padded; see package card's layout).
const (
	NameBytes       = 32 // a student's name: 16 GB2312 characters
	SchoolNameBytes = 40 // a school's name: 20 GB2312 characters
)

// gbk2312Extra are the 35 code points the GBK/GB18030 decoders put inside
// GB2312's rows (A1-A9) that GB2312 itself leaves empty: small Roman
// numerals, the euro sign, vertical forms and pinyin letters. A name using
// one of them is not GB2312 and needs a GB18030 reader.
var gbk2312Extra = [...][2]byte{
	{0xA2, 0xA1}, {0xA2, 0xA2}, {0xA2, 0xA3}, {0xA2, 0xA4}, {0xA2, 0xA5}, {0xA2, 0xA6}, {0xA2, 0xA7}, {0xA2, 0xA8}, {0xA2, 0xA9}, {0xA2, 0xAA},
	{0xA2, 0xE3},
	{0xA6, 0xE0}, {0xA6, 0xE1}, {0xA6, 0xE2}, {0xA6, 0xE3}, {0xA6, 0xE4}, {0xA6, 0xE5}, {0xA6, 0xE6}, {0xA6, 0xE7}, {0xA6, 0xE8}, {0xA6, 0xE9}, {0xA6, 0xEA}, {0xA6, 0xEB},
	{0xA6, 0xEE}, {0xA6, 0xEF}, {0xA6, 0xF0}, {0xA6, 0xF1}, {0xA6, 0xF2}, {0xA6, 0xF4}, {0xA6, 0xF5},
	{0xA8, 0xBB}, {0xA8, 0xBD}, {0xA8, 0xBE}, {0xA8, 0xBF}, {0xA8, 0xC0},
}

// gb2022 are the two-byte codes GB18030-2022 maps to standard characters
// where the decoder of golang.org/x/text (GB18030-2005, which gave them
// private-use code points) has none. Files written by current iconv (glibc)
// use them; they are accepted when decoding.
var gb2022 = [...]struct {
	hi, lo byte
	r      rune
}{
	{0xA6, 0xD9, 0xFE10}, {0xA6, 0xDA, 0xFE12}, {0xA6, 0xDB, 0xFE11}, {0xA6, 0xDC, 0xFE13}, {0xA6, 0xDD, 0xFE14},
	{0xA6, 0xDE, 0xFE15}, {0xA6, 0xDF, 0xFE16}, {0xA6, 0xEC, 0xFE17}, {0xA6, 0xED, 0xFE18}, {0xA6, 0xF3, 0xFE19},
	{0xA8, 0xBC, 0x1E3F},
	{0xFE, 0x51, 0x20087}, {0xFE, 0x52, 0x20089}, {0xFE, 0x53, 0x200CC}, {0xFE, 0x59, 0x9FB4}, {0xFE, 0x61, 0x9FB5},
	{0xFE, 0x66, 0x9FB6}, {0xFE, 0x67, 0x9FB7}, {0xFE, 0x6C, 0x215D7}, {0xFE, 0x6D, 0x9FB8}, {0xFE, 0x76, 0x2298F},
	{0xFE, 0x7E, 0x9FB9}, {0xFE, 0x90, 0x9FBA}, {0xFE, 0x91, 0x241FE}, {0xFE, 0xA0, 0x9FBB},
}

// tables are built once from the x/text GB18030 decoder and read-only after.
type tables struct {
	// two maps a two-byte code (lead 0x81-0xFE, trail 0x40-0xFE) to its
	// character; 0 for none (or a private-use code point).
	two [126 * 191]rune
	// twoByte holds the BMP runes the encoder writes in two bytes.
	twoByte [1 << 16 / 64]uint64
	// gb2312 holds the runes of GB2312, and gb2312Pair its byte pairs
	// (rows A1-F7 × A1-FE).
	gb2312     [1 << 16 / 64]uint64
	gb2312Pair [(0xF7-0xA1+1)*94/64 + 1]uint64
}

func twoIndex(hi, lo byte) int  { return int(hi-0x81)*191 + int(lo-0x40) }
func pairIndex(hi, lo byte) int { return int(hi-0xA1)*94 + int(lo-0xA1) }

var get = sync.OnceValue(func() *tables {
	t := &tables{}
	dec := simplifiedchinese.GB18030.NewDecoder()
	var out [8]byte
	for hi := 0x81; hi <= 0xFE; hi++ {
		for lo := 0x40; lo <= 0xFE; lo++ {
			if lo == 0x7F {
				continue
			}
			n, _, err := dec.Transform(out[:], []byte{byte(hi), byte(lo)}, true)
			dec.Reset()
			if err != nil {
				continue
			}
			r, size := utf8.DecodeRune(out[:n])
			if r == utf8.RuneError || size != n || r >= 0xE000 && r <= 0xF8FF {
				continue
			}
			t.two[twoIndex(byte(hi), byte(lo))] = r
			if r < 1<<16 {
				t.twoByte[r/64] |= 1 << (r % 64)
			}
			if hi >= 0xA1 && hi <= 0xF7 && !(hi >= 0xAA && hi <= 0xAF) && lo >= 0xA1 && !(hi == 0xD7 && lo > 0xF9) {
				t.gb2312[r/64] |= 1 << (r % 64)
				i := pairIndex(byte(hi), byte(lo))
				t.gb2312Pair[i/64] |= 1 << (i % 64)
			}
		}
	}
	for _, p := range gbk2312Extra {
		r := t.two[twoIndex(p[0], p[1])]
		t.gb2312[r/64] &^= 1 << (r % 64)
		i := pairIndex(p[0], p[1])
		t.gb2312Pair[i/64] &^= 1 << (i % 64)
	}
	for _, p := range gb2022 {
		t.two[twoIndex(p.hi, p.lo)] = p.r
	}
	return t
})

// IsGB2312 reports whether r is a character of GB2312 (GB 2312-1980, as
// GB18030 maps it: A1A4 is U+00B7, A1AA U+2014) or ASCII.
func IsGB2312(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 0
	}
	t := get()
	return r < 1<<16 && t.gb2312[r/64]&(1<<(r%64)) != 0
}

// IsGB2312Pair reports whether the two bytes hi lo are a GB2312 character.
func IsGB2312Pair(hi, lo byte) bool {
	if hi < 0xA1 || hi > 0xF7 || lo < 0xA1 || lo > 0xFE {
		return false
	}
	i := pairIndex(hi, lo)
	return get().gb2312Pair[i/64]&(1<<(i%64)) != 0
}

// RuneLen returns how many bytes r takes in GB18030 as the card writes it:
// 1 for ASCII, 2 for the two-byte area (GB2312 and GBK), 4 for the rest.
func RuneLen(r rune) int {
	switch {
	case r < utf8.RuneSelf:
		return 1
	case r < 1<<16 && get().twoByte[r/64]&(1<<(r%64)) != 0:
		return 2
	}
	return 4
}

// Len returns the bytes s takes in GB18030 as the card stores it: the one
// length rule of names and school names (see NameBytes, SchoolNameBytes).
func Len(s string) int {
	n := 0
	for _, r := range s {
		n += RuneLen(r)
	}
	return n
}

// Decoder decodes GB18030 strictly: 0x80 and 0xFF are invalid (the x/text
// decoder reads 0x80 as €, as Windows code page 936 does), so are a lead byte
// without its trail and any code with no character; the two-byte codes of
// GB18030-2022 are accepted. Each invalid sequence becomes U+FFFD, which the
// reader reports for the cell holding it. The zero value is ready to use.
type Decoder struct{}

// Reset is part of transform.Transformer; a Decoder keeps no state.
func (Decoder) Reset() {}

// Transform implements transform.Transformer.
func (Decoder) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	t := get()
	for nSrc < len(src) {
		c := src[nSrc]
		if c < utf8.RuneSelf {
			if nDst >= len(dst) {
				return nDst, nSrc, transform.ErrShortDst
			}
			dst[nDst] = c
			nDst, nSrc = nDst+1, nSrc+1
			continue
		}
		r, size := utf8.RuneError, 1
		switch {
		case c == 0x80 || c == 0xFF:
		case nSrc+1 >= len(src):
			if !atEOF {
				return nDst, nSrc, transform.ErrShortSrc
			}
		case src[nSrc+1] >= 0x40 && src[nSrc+1] <= 0xFE && src[nSrc+1] != 0x7F:
			size = 2
			if v := t.two[twoIndex(c, src[nSrc+1])]; v != 0 {
				r = v
			}
		case src[nSrc+1] >= 0x30 && src[nSrc+1] <= 0x39:
			if nSrc+3 >= len(src) {
				if !atEOF {
					return nDst, nSrc, transform.ErrShortSrc
				}
				break
			}
			if b3, b4 := src[nSrc+2], src[nSrc+3]; b3 >= 0x81 && b3 <= 0xFE && b4 >= 0x30 && b4 <= 0x39 {
				size = 4
				r = decode4(src[nSrc : nSrc+4])
			}
		}
		if nDst+utf8.RuneLen(r) > len(dst) {
			return nDst, nSrc, transform.ErrShortDst
		}
		nDst += utf8.EncodeRune(dst[nDst:], r)
		nSrc += size
	}
	return nDst, nSrc, nil
}

// decode4 decodes a four-byte GB18030 code, U+FFFD for one without a
// character (or a private-use one).
func decode4(b []byte) rune {
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
	if err != nil {
		return utf8.RuneError
	}
	r, n := utf8.DecodeRune(out)
	if n != len(out) || r >= 0xE000 && r <= 0xF8FF || r >= 0xF0000 {
		return utf8.RuneError
	}
	return r
}
