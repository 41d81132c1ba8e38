package paper_test

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/paper"
)

// sfnt builds a minimal font file: a table directory with the given tags,
// each table a few zero bytes (enough for the directory checks).
func sfnt(version uint32, tags ...string) []byte {
	n := len(tags)
	b := make([]byte, 12+16*n)
	binary.BigEndian.PutUint32(b, version)
	binary.BigEndian.PutUint16(b[4:], uint16(n))
	for i, tag := range tags {
		rec := b[12+16*i:]
		copy(rec, tag)
		binary.BigEndian.PutUint32(rec[8:], uint32(len(b)))
		binary.BigEndian.PutUint32(rec[12:], 64)
		b = append(b, make([]byte, 64)...)
		rec = b[12+16*i:]
		binary.BigEndian.PutUint32(rec[8:], uint32(len(b)-64))
	}
	return b
}

func TestParseFontRefusals(t *testing.T) {
	all := []string{"cmap", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "post"}
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, paper.ErrFontFormat},
		{"not a font", []byte("%PDF-1.7 this is no font at all"), paper.ErrFontFormat},
		{"OpenType CFF (Noto CJK, Source Han)", sfnt(0x4F54544F, "CFF ", "cmap", "head"), paper.ErrFontOutlines},
		{"TrueType directory without glyf", sfnt(0x00010000, "cmap", "head", "hhea", "hmtx", "maxp", "post"), paper.ErrFontOutlines},
		{"table past the end of the file", func() []byte { b := sfnt(0x00010000, all...); return b[:len(b)-10] }(), paper.ErrFontFormat},
		{"collection of zero faces", []byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x00"), paper.ErrFontFormat},
		{"collection pointing past its end", []byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x01\x7f\xff\xff\xff"), paper.ErrFontFormat},
		{"all tables present but empty", sfnt(0x00010000, all...), paper.ErrFontFormat},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := paper.ParseFont("test.ttf", tc.data)
			require.ErrorIs(t, err, tc.want)
			var fe *paper.FontError
			require.True(t, errors.As(err, &fe))
			assert.Equal(t, "test.ttf", fe.Font)
			assert.Contains(t, l10n.Error(err, l10n.Chinese), "字体test.ttf")
		})
	}
}

func TestFindFont(t *testing.T) {
	t.Run("no font: the error says how to get one", func(t *testing.T) {
		dir := t.TempDir()
		bad := filepath.Join(dir, "broken.ttf")
		require.NoError(t, os.WriteFile(bad, []byte("not a font"), 0o600))
		_, err := paper.FindFont(filepath.Join(dir, "missing.ttf"), bad)
		require.ErrorIs(t, err, paper.ErrNoFont)
		zh := l10n.Error(err, l10n.Chinese)
		assert.Contains(t, zh, "apt-get install fonts-wqy-microhei")
		assert.Contains(t, zh, "不可用：broken.ttf")
		assert.Contains(t, l10n.Error(err, l10n.English), "install a TrueType Chinese font")
	})
	t.Run("a collection is read face by face", func(t *testing.T) {
		const wqy = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
		if _, err := os.Stat(wqy); err != nil {
			systemFont(t) // fails in CI, skips elsewhere
			t.Skip("fonts-wqy-microhei not installed")
		}
		f, err := paper.LoadFont(wqy)
		require.NoError(t, err)
		assert.Equal(t, wqy, f.Name())
		for _, r := range "学生证件卡北京市海淀区王小明0123456789ABC" {
			assert.True(t, f.Has(r), "%q", r)
		}
		assert.False(t, f.Has('\U0002A6A5'))
	})
	t.Run("CFF collection refused with the reason", func(t *testing.T) {
		const noto = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
		if _, err := os.Stat(noto); err != nil {
			t.Skip("fonts-noto-cjk not installed")
		}
		_, err := paper.LoadFont(noto)
		require.ErrorIs(t, err, paper.ErrFontOutlines)
	})
}

func FuzzParseFont(f *testing.F) {
	f.Add(sfnt(0x00010000, "cmap", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "post"))
	f.Add(sfnt(0x4F54544F, "CFF "))
	f.Add([]byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x01\x00\x00\x00\x10"))
	f.Fuzz(func(t *testing.T, data []byte) {
		font, err := paper.ParseFont("fuzz", data)
		if err != nil {
			var fe *paper.FontError
			if !errors.As(err, &fe) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		for _, r := range "学生证件卡" {
			if !font.Has(r) {
				t.Fatalf("accepted a font without %q", r)
			}
		}
	})
}
