package paper

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
)

// Font is a CJK TrueType font the papers are set in. The PDF embeds only the
// glyphs a document uses (a subset), so a 5 MB system font adds tens of
// kilobytes to a sheet.
//
// Only TrueType outlines (a glyf table) can be embedded; OpenType fonts with
// CFF outlines (Noto CJK, Source Han) are refused with [ErrFontOutlines].
// A TrueType collection (.ttc, as Debian ships WenQuanYi) is read face by
// face and the first usable face is taken.
type Font struct {
	name  string
	sfnt  []byte // one TrueType face, as fpdf reads it
	cmap  runeSet
	units float64 // unitsPerEm
}

// Name is where the font came from (the file's path, or the name given to
// [ParseFont]).
func (f *Font) Name() string { return f.name }

// Has reports whether the font has a glyph for r.
func (f *Font) Has(r rune) bool { return f.cmap.has(r) }

// cjkProbe are characters every paper prints (titles, labels); a font
// lacking one of them is no CJK font for this purpose.
const cjkProbe = "学生证件卡交接单姓名性别籍号有效期签字"

// DefaultFontPaths are the files [FindFont] tries, in order: the fonts
// Debian's fonts-wqy-microhei and fonts-wqy-zenhei install, Droid Sans
// Fallback, and the TrueType CJK fonts of Windows and macOS.
var DefaultFontPaths = []string{
	"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
	"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
	"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
	"/usr/share/fonts/truetype/arphic/uming.ttc",
	`C:\Windows\Fonts\simsun.ttc`,
	`C:\Windows\Fonts\msyh.ttc`,
	"/System/Library/Fonts/STHeiti Light.ttc",
	"/Library/Fonts/Arial Unicode.ttf",
}

// FindFont returns the first usable CJK font among paths, or among
// [DefaultFontPaths] when none are given. When none is usable the error is
// [ErrNoFont] and says how to get one.
func FindFont(paths ...string) (*Font, error) {
	if len(paths) == 0 {
		paths = DefaultFontPaths
	}
	var tried []string
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			continue
		}
		f, err := LoadFont(p)
		if err == nil {
			return f, nil
		}
		tried = append(tried, filepath.Base(p))
	}
	return nil, &FontError{Err: ErrNoFont, Tried: tried}
}

// LoadFont reads a TrueType font or collection from a file.
func LoadFont(path string) (*Font, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &FontError{Font: path, Err: ErrFontRead, cause: err}
	}
	return ParseFont(path, data)
}

// maxFontBytes bounds what ParseFont reads: the largest CJK system fonts are
// about 30 MB.
const maxFontBytes = 64 << 20

// ParseFont reads a TrueType font (.ttf) or collection (.ttc) from data;
// name labels it in errors. It checks the tables the PDF writer needs and
// that the font covers the characters every paper prints.
func ParseFont(name string, data []byte) (*Font, error) {
	if len(data) > maxFontBytes {
		return nil, &FontError{Font: name, Err: ErrFontFormat}
	}
	faces, err := sfntFaces(data)
	if err != nil {
		return nil, &FontError{Font: name, Err: err}
	}
	first := ErrFontFormat
	for i, off := range faces {
		f, err := parseFace(data, off, len(faces) > 1)
		if err == nil {
			f.name = name
			return f, nil
		}
		if i == 0 {
			first = err
		}
	}
	return nil, &FontError{Font: name, Err: first}
}

// sfntFaces returns the offsets of the faces' table directories.
func sfntFaces(data []byte) ([]uint32, error) {
	if len(data) < 12 {
		return nil, ErrFontFormat
	}
	switch binary.BigEndian.Uint32(data) {
	case 0x00010000, 0x74727565: // TrueType, 'true'
		return []uint32{0}, nil
	case 0x4F54544F: // 'OTTO': CFF outlines
		return nil, ErrFontOutlines
	case 0x74746366: // 'ttcf'
		n := binary.BigEndian.Uint32(data[8:])
		if n == 0 || n > 64 || uint64(len(data)) < 12+4*uint64(n) {
			return nil, ErrFontFormat
		}
		offs := make([]uint32, n)
		for i := range offs {
			offs[i] = binary.BigEndian.Uint32(data[12+4*i:])
		}
		return offs, nil
	}
	return nil, ErrFontFormat
}

type sfntTable struct {
	tag       string
	off, size uint32
}

// neededTables are what fpdf's TrueType reader and subsetter read.
var neededTables = []string{"cmap", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "post"}

// parseFace checks one face and, for a collection, copies it out as a
// standalone TrueType file.
func parseFace(data []byte, off uint32, inCollection bool) (*Font, error) {
	if uint64(off)+12 > uint64(len(data)) {
		return nil, ErrFontFormat
	}
	dir := data[off:]
	switch binary.BigEndian.Uint32(dir) {
	case 0x00010000, 0x74727565:
	case 0x4F54544F:
		return nil, ErrFontOutlines
	default:
		return nil, ErrFontFormat
	}
	n := int(binary.BigEndian.Uint16(dir[4:]))
	if n == 0 || len(dir) < 12+16*n {
		return nil, ErrFontFormat
	}
	tables := make([]sfntTable, n)
	byTag := map[string]sfntTable{}
	for i := range tables {
		rec := dir[12+16*i:]
		t := sfntTable{tag: string(rec[:4]), off: binary.BigEndian.Uint32(rec[8:]), size: binary.BigEndian.Uint32(rec[12:])}
		if uint64(t.off)+uint64(t.size) > uint64(len(data)) {
			return nil, ErrFontFormat
		}
		tables[i] = t
		byTag[t.tag] = t
	}
	if _, cff := byTag["CFF "]; cff {
		return nil, ErrFontOutlines
	}
	for _, tag := range neededTables {
		if _, ok := byTag[tag]; !ok {
			if tag == "glyf" || tag == "loca" {
				return nil, ErrFontOutlines
			}
			return nil, ErrFontFormat
		}
	}
	head := byTag["head"]
	if head.size < 54 {
		return nil, ErrFontFormat
	}
	units := float64(binary.BigEndian.Uint16(data[head.off+18:]))
	if units == 0 {
		return nil, ErrFontFormat
	}
	cm := byTag["cmap"]
	set, err := parseCmap(data[cm.off : cm.off+cm.size])
	if err != nil {
		return nil, err
	}
	for _, r := range cjkProbe {
		if !set.has(r) {
			return nil, ErrFontCoverage
		}
	}
	sfnt := data
	if inCollection {
		sfnt = extractFace(data, tables)
	} else {
		sfnt = slices.Clone(data)
	}
	return &Font{sfnt: sfnt, cmap: set, units: units}, nil
}

// extractFace writes one face of a collection as a TrueType file: a new
// table directory, each table copied and padded to 4 bytes.
func extractFace(data []byte, tables []sfntTable) []byte {
	slices.SortFunc(tables, func(a, b sfntTable) int {
		switch {
		case a.tag < b.tag:
			return -1
		case a.tag > b.tag:
			return 1
		}
		return 0
	})
	n := len(tables)
	size := 12 + 16*n
	for _, t := range tables {
		size += int(t.size+3) &^ 3
	}
	out := make([]byte, 12+16*n, size)
	binary.BigEndian.PutUint32(out, 0x00010000)
	binary.BigEndian.PutUint16(out[4:], uint16(n))
	sr, es := 1, 0
	for sr*2 <= n {
		sr, es = sr*2, es+1
	}
	binary.BigEndian.PutUint16(out[6:], uint16(sr*16))
	binary.BigEndian.PutUint16(out[8:], uint16(es))
	binary.BigEndian.PutUint16(out[10:], uint16(n*16-sr*16))
	for i, t := range tables {
		rec := out[12+16*i:]
		copy(rec, t.tag)
		body := data[t.off : t.off+t.size]
		binary.BigEndian.PutUint32(rec[4:], checksum(body))
		binary.BigEndian.PutUint32(rec[8:], uint32(len(out)))
		binary.BigEndian.PutUint32(rec[12:], t.size)
		out = append(out, body...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	return out
}

func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}

// runeSet is a font's character coverage as sorted, disjoint ranges.
type runeSet []runeRange

type runeRange struct{ lo, hi rune }

func (s runeSet) has(r rune) bool {
	_, found := slices.BinarySearchFunc(s, r, func(rr runeRange, r rune) int {
		switch {
		case rr.hi < r:
			return -1
		case rr.lo > r:
			return 1
		}
		return 0
	})
	return found
}

// parseCmap reads the Unicode subtables of a cmap (format 4 for the BMP,
// format 12 for the whole of Unicode) into a rune set. Glyph 0 (missing) is
// coverage of nothing.
func parseCmap(b []byte) (runeSet, error) {
	if len(b) < 4 {
		return nil, ErrFontFormat
	}
	n := int(binary.BigEndian.Uint16(b[2:]))
	if len(b) < 4+8*n {
		return nil, ErrFontFormat
	}
	var set runeSet
	found := false
	for i := range n {
		rec := b[4+8*i:]
		platform, encoding := binary.BigEndian.Uint16(rec), binary.BigEndian.Uint16(rec[2:])
		off := binary.BigEndian.Uint32(rec[4:])
		unicode := platform == 0 || (platform == 3 && (encoding == 1 || encoding == 10))
		if !unicode || uint64(off)+4 > uint64(len(b)) {
			continue
		}
		sub := b[off:]
		var err error
		switch binary.BigEndian.Uint16(sub) {
		case 4:
			set, err = cmap4(sub, set)
		case 12:
			set, err = cmap12(sub, set)
		default:
			continue
		}
		if err != nil {
			return nil, err
		}
		found = true
	}
	if !found {
		return nil, ErrFontFormat
	}
	return normalise(set), nil
}

func cmap4(b []byte, set runeSet) (runeSet, error) {
	if len(b) < 14 {
		return nil, ErrFontFormat
	}
	segs := int(binary.BigEndian.Uint16(b[6:])) / 2
	if len(b) < 16+8*segs {
		return nil, ErrFontFormat
	}
	ends, starts := b[14:], b[16+2*segs:]
	deltas, ranges := b[16+4*segs:], b[16+6*segs:]
	for i := range segs {
		end, start := rune(binary.BigEndian.Uint16(ends[2*i:])), rune(binary.BigEndian.Uint16(starts[2*i:]))
		if start > end || start == 0xFFFF {
			continue
		}
		delta := binary.BigEndian.Uint16(deltas[2*i:])
		ro := int(binary.BigEndian.Uint16(ranges[2*i:]))
		if ro == 0 {
			// glyph = c + delta (mod 65536): only the one rune whose glyph is
			// 0, the missing glyph, is not covered.
			if hole := rune(uint16(-int32(delta))); hole >= start && hole <= end {
				if hole > start {
					set = append(set, runeRange{start, hole - 1})
				}
				if hole < end {
					set = append(set, runeRange{hole + 1, end})
				}
			} else {
				set = append(set, runeRange{start, end})
			}
			continue
		}
		base := 16 + 6*segs + 2*i + ro
		for c := start; c <= end; c++ {
			p := base + 2*int(c-start)
			if p+2 > len(b) {
				return nil, ErrFontFormat
			}
			if binary.BigEndian.Uint16(b[p:]) != 0 {
				set = append(set, runeRange{c, c})
			}
		}
	}
	return set, nil
}

func cmap12(b []byte, set runeSet) (runeSet, error) {
	if len(b) < 16 {
		return nil, ErrFontFormat
	}
	n := binary.BigEndian.Uint32(b[12:])
	if uint64(len(b)) < 16+12*uint64(n) {
		return nil, ErrFontFormat
	}
	for i := range int(n) {
		g := b[16+12*i:]
		lo, hi := rune(binary.BigEndian.Uint32(g)), rune(binary.BigEndian.Uint32(g[4:]))
		if lo > hi || hi > 0x10FFFF {
			return nil, ErrFontFormat
		}
		if binary.BigEndian.Uint32(g[8:]) == 0 {
			lo++ // the first character maps to the missing glyph
		}
		if lo <= hi {
			set = append(set, runeRange{lo, hi})
		}
	}
	return set, nil
}

// normalise sorts and merges overlapping or adjacent ranges.
func normalise(s runeSet) runeSet {
	slices.SortFunc(s, func(a, b runeRange) int { return int(a.lo - b.lo) })
	out := s[:0]
	for _, r := range s {
		if n := len(out); n > 0 && r.lo <= out[n-1].hi+1 {
			out[n-1].hi = max(out[n-1].hi, r.hi)
			continue
		}
		out = append(out, r)
	}
	return out
}
