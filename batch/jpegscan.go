package batch

import (
	"encoding/binary"
	"time"
)

// This file reads a JPEG's markers without image/jpeg: what the photo checks
// need from the header (dimensions, components, quantisation tables, EXIF
// capture date) costs microseconds, and a DC-only decode of a baseline scan
// gives the 1/8-scale image the background and silhouette checks measure,
// skipping the inverse DCT and colour conversion of every pixel. Every read is
// bounded by the input's length; malformed input is an error, never a panic
// (FuzzJPEGScan).

// jpegMaxPixels bounds the frame scanJPEG decodes (the DC grid is one int32
// per 8×8 block: 4 MiB at this bound). The C-2 dimension check refuses
// anything but 640×480 before decoding; the bound protects other callers.
const jpegMaxPixels = 1 << 22

// jpegComp is a frame component: id, sampling factors, quantisation table.
type jpegComp struct{ id, h, v, tq byte }

// jpegHeader is what the markers before the first scan say.
type jpegHeader struct {
	sof            byte // 0 baseline, 1 extended sequential, 2 progressive; others unsupported
	precision      int
	width, height  int
	comps          []jpegComp
	quant          [4][64]uint16 // zigzag order, as in DQT
	quantSet       [4]bool
	adobe          bool
	adobeTransform byte
	taken          time.Time // EXIF DateTimeOriginal, zero when absent
	sos            int       // offset of the first SOS marker
}

// Reasons a JPEG is malformed: the detail of ErrPhotoFormat.
var (
	errJPEGNoSOI       = messages.Error("no JPEG start-of-image marker")
	errJPEGTruncated   = messages.Error("JPEG data truncated")
	errJPEGNoFrame     = messages.Error("no frame header before the scan")
	errJPEGMarker      = messages.Error("malformed JPEG marker")
	errJPEGFrame       = messages.Error("malformed JPEG frame header")
	errJPEGQuant       = messages.Error("malformed JPEG quantisation table")
	errJPEGHuffman     = messages.Error("malformed JPEG Huffman data")
	errJPEGCoeff       = messages.Error("malformed JPEG coefficient")
	errJPEGScan        = messages.Error("malformed JPEG scan header")
	errJPEGUnscanned   = messages.Error("JPEG component never scanned")
	errJPEGRestart     = messages.Error("malformed JPEG restart interval or marker")
	errJPEGUnsupported = messages.Error("JPEG coding not supported")
	errJPEGTooLarge    = messages.Error("JPEG frame too large to decode")
)

// beijing is the zone of EXIF dates, which carry none: cameras in Beijing
// are set to China Standard Time.
var beijing = time.FixedZone("CST", 8*3600)

// scanJPEGHeader reads markers up to the first SOS.
func scanJPEGHeader(d []byte) (*jpegHeader, error) {
	if len(d) < 4 || d[0] != 0xff || d[1] != 0xd8 {
		return nil, errJPEGNoSOI
	}
	h := &jpegHeader{sof: 0xff}
	pos := 2
	for {
		m, seg, next, err := jpegSegment(d, pos)
		if err != nil {
			return nil, err
		}
		switch {
		case m == 0xda: // SOS
			if h.sof == 0xff {
				return nil, errJPEGNoFrame
			}
			h.sos = pos
			return h, nil
		case m == 0xd9:
			return nil, errJPEGTruncated
		case m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc:
			if h.sof != 0xff {
				return nil, errJPEGFrame
			}
			if err := h.parseSOF(m-0xc0, seg); err != nil {
				return nil, err
			}
		case m == 0xdb:
			if err := h.parseDQT(seg); err != nil {
				return nil, err
			}
		case m == 0xe1:
			if t, ok := exifTaken(seg); ok && h.taken.IsZero() {
				h.taken = t
			}
		case m == 0xee:
			if len(seg) >= 12 && string(seg[:5]) == "Adobe" {
				h.adobe, h.adobeTransform = true, seg[11]
			}
		}
		pos = next
	}
}

// jpegSegment reads the marker at pos (after any fill bytes) and, for a
// marker with a length, its payload. next is the offset after it.
func jpegSegment(d []byte, pos int) (marker byte, seg []byte, next int, err error) {
	if pos >= len(d) || d[pos] != 0xff {
		return 0, nil, 0, errJPEGMarker
	}
	for pos < len(d) && d[pos] == 0xff {
		pos++
	}
	if pos >= len(d) {
		return 0, nil, 0, errJPEGTruncated
	}
	marker = d[pos]
	pos++
	if marker == 0x00 || marker == 0x01 || marker >= 0xd0 && marker <= 0xd9 {
		return marker, nil, pos, nil // no length: stuffing, TEM, RSTn, SOI, EOI
	}
	if pos+2 > len(d) {
		return 0, nil, 0, errJPEGTruncated
	}
	n := int(binary.BigEndian.Uint16(d[pos:]))
	if n < 2 || pos+n > len(d) {
		return 0, nil, 0, errJPEGTruncated
	}
	return marker, d[pos+2 : pos+n], pos + n, nil
}

func (h *jpegHeader) parseSOF(n byte, seg []byte) error {
	if len(seg) < 6 {
		return errJPEGFrame
	}
	h.sof, h.precision = n, int(seg[0])
	h.height, h.width = int(binary.BigEndian.Uint16(seg[1:])), int(binary.BigEndian.Uint16(seg[3:]))
	nf := int(seg[5])
	if nf < 1 || nf > 4 || len(seg) != 6+3*nf {
		return errJPEGFrame
	}
	h.comps = make([]jpegComp, nf)
	for i := range h.comps {
		c := seg[6+3*i:]
		h.comps[i] = jpegComp{id: c[0], h: c[1] >> 4, v: c[1] & 15, tq: c[2]}
		if h.comps[i].h < 1 || h.comps[i].h > 4 || h.comps[i].v < 1 || h.comps[i].v > 4 || c[2] > 3 {
			return errJPEGFrame
		}
		for j := range i {
			if h.comps[j].id == c[0] {
				return errJPEGFrame
			}
		}
	}
	return nil
}

func (h *jpegHeader) parseDQT(seg []byte) error {
	for len(seg) > 0 {
		pq, tq := seg[0]>>4, seg[0]&15
		if pq > 1 || tq > 3 || len(seg) < 1+64*(1+int(pq)) {
			return errJPEGQuant
		}
		for i := range 64 {
			v := uint16(seg[1+i])
			if pq == 1 {
				v = binary.BigEndian.Uint16(seg[1+2*i:])
			}
			if v == 0 {
				return errJPEGQuant
			}
			h.quant[tq][i] = v
		}
		h.quantSet[tq] = true
		seg = seg[1+64*(1+int(pq)):]
	}
	return nil
}

// exifTaken reads DateTimeOriginal (tag 0x9003 of the Exif IFD) from an APP1
// payload. A malformed EXIF block gives no date: it is optional metadata,
// not the image.
func exifTaken(seg []byte) (time.Time, bool) {
	if len(seg) < 14 || string(seg[:6]) != "Exif\x00\x00" {
		return time.Time{}, false
	}
	t := seg[6:]
	var bo binary.ByteOrder
	switch string(t[:4]) {
	case "II*\x00":
		bo = binary.LittleEndian
	case "MM\x00*":
		bo = binary.BigEndian
	default:
		return time.Time{}, false
	}
	// entry finds tag in the IFD at off: its type, count and value field.
	entry := func(off uint32, tag uint16) (typ uint16, count, value uint32, ok bool) {
		if uint64(off)+2 > uint64(len(t)) {
			return 0, 0, 0, false
		}
		n := int(bo.Uint16(t[off:]))
		for i := range n {
			e := uint64(off) + 2 + 12*uint64(i)
			if e+12 > uint64(len(t)) {
				return 0, 0, 0, false
			}
			if bo.Uint16(t[e:]) == tag {
				return bo.Uint16(t[e+2:]), bo.Uint32(t[e+4:]), bo.Uint32(t[e+8:]), true
			}
		}
		return 0, 0, 0, false
	}
	typ, _, exifIFD, ok := entry(bo.Uint32(t[4:]), 0x8769)
	if !ok || typ != 4 {
		return time.Time{}, false
	}
	typ, count, off, ok := entry(exifIFD, 0x9003)
	if !ok || typ != 2 || count < 19 || uint64(off)+19 > uint64(len(t)) {
		return time.Time{}, false
	}
	tm, err := time.ParseInLocation("2006:01:02 15:04:05", string(t[off:off+19]), beijing)
	return tm, err == nil
}

// Standard tables of ITU-T T.81 Annex K in zigzag order, the base of the
// IJG quality scaling (also image/jpeg's encoder).
var jpegStdQuant = [2][64]uint16{{
	16, 11, 12, 14, 12, 10, 16, 14, 13, 14, 18, 17, 16, 19, 24, 40,
	26, 24, 22, 22, 24, 49, 35, 37, 29, 40, 58, 51, 61, 60, 57, 51,
	56, 55, 64, 72, 92, 78, 64, 68, 87, 69, 55, 56, 80, 109, 81, 87,
	95, 98, 103, 104, 103, 62, 77, 113, 121, 112, 100, 120, 92, 101, 103, 99,
}, {
	17, 18, 18, 24, 21, 24, 47, 26, 26, 47, 99, 66, 56, 66, 99, 99,
	99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
	99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
	99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
}}

// ijgTable is the IJG formula: the standard table scaled by 5000/q below
// quality 50 and 200-2q from 50, each entry clamped to 1..255.
func ijgTable(std *[64]uint16, q int) (t [64]uint16) {
	scale := 200 - 2*q
	if q < 50 {
		scale = 5000 / q
	}
	for i, s := range std {
		t[i] = uint16(min(max((int(s)*scale+50)/100, 1), 255))
	}
	return t
}

// quality estimates the IJG quality (1-100) of the luminance table and, when
// the frame has colour, the chrominance table: the quality whose scaled
// standard tables are nearest (sum of absolute differences), the highest on a
// tie. exact says the tables are exactly the IJG ones. ok is false when a
// table the components use is not defined.
func (h *jpegHeader) quality() (q int, exact, ok bool) {
	if len(h.comps) == 0 || !h.quantSet[h.comps[0].tq] {
		return 0, false, false
	}
	lum := &h.quant[h.comps[0].tq]
	var chr *[64]uint16
	if len(h.comps) == 3 && h.comps[1].tq != h.comps[0].tq {
		if !h.quantSet[h.comps[1].tq] {
			return 0, false, false
		}
		chr = &h.quant[h.comps[1].tq]
	}
	dist := func(cand int) int {
		d := tableDistance(lum, ijgTable(&jpegStdQuant[0], cand))
		if chr != nil {
			d += tableDistance(chr, ijgTable(&jpegStdQuant[1], cand))
		}
		return d
	}
	// First near the quality the luminance table's mean scale implies:
	// an IJG table matches there exactly, in microseconds. Otherwise every
	// quality is tried.
	sum, std := 0, 0
	for i, v := range lum {
		sum, std = sum+int(v), std+int(jpegStdQuant[0][i])
	}
	scale := 100 * sum / std
	guess := 100
	switch {
	case scale > 100:
		guess = 5000 / max(scale, 1)
	case scale > 0:
		guess = (200 - scale) / 2
	}
	best := -1
	try := func(cand int) {
		if cand < 1 || cand > 100 {
			return
		}
		if d := dist(cand); best < 0 || d < best || d == best && cand > q {
			best, q = d, cand
		}
	}
	for cand := guess + 3; cand >= guess-3; cand-- {
		try(cand)
	}
	if best != 0 {
		for cand := 100; cand >= 1; cand-- {
			try(cand)
		}
	}
	return q, best == 0, true
}

func tableDistance(a *[64]uint16, b [64]uint16) int {
	d := 0
	for i := range a {
		d += max(int(a[i])-int(b[i]), int(b[i])-int(a[i]))
	}
	return d
}

// subsampling names the chroma subsampling of a three-component frame.
func (h *jpegHeader) subsampling() string {
	if len(h.comps) != 3 {
		return ""
	}
	y, cb, cr := h.comps[0], h.comps[1], h.comps[2]
	if cb != (jpegComp{id: cb.id, h: cr.h, v: cr.v, tq: cb.tq}) || y.h%cb.h != 0 || y.v%cb.v != 0 {
		return "other"
	}
	switch [2]byte{y.h / cb.h, y.v / cb.v} {
	case [2]byte{1, 1}:
		return "4:4:4"
	case [2]byte{2, 1}:
		return "4:2:2"
	case [2]byte{2, 2}:
		return "4:2:0"
	case [2]byte{1, 2}:
		return "4:4:0"
	case [2]byte{4, 1}:
		return "4:1:1"
	}
	return "other"
}

// huffTable decodes one Huffman table: a 9-bit lookup for short codes and the
// canonical limits for the rest.
type huffTable struct {
	lut     [512]uint16 // length<<8 | value; 0 = longer than 9 bits
	maxcode [17]int32   // -1 when no code has the length
	valptr  [17]int32
	mincode [17]int32
	vals    [256]byte
	set     bool
}

// acTable is an AC Huffman table with a lookup that skips a whole
// coefficient: for the next acFastBits bits, the bits of the coefficient's
// code and magnitude together and how far it moves the coefficient index,
// as bits<<8 | advance (advance run+1; 0 end of block; acZRL|16 sixteen
// zeros); 0 when the coefficient is longer than the lookup.
type acTable struct {
	huffTable
	skip [1 << acFastBits]uint16
}

func (t *acTable) build(counts []byte, vals []byte) error {
	if err := t.huffTable.build(counts, vals); err != nil {
		return err
	}
	t.skip = [1 << acFastBits]uint16{}
	code, k := int32(0), int32(0)
	for l := 1; l <= acFastBits; l++ {
		n := int32(counts[l-1])
		for c := code; c < code+n; c++ {
			rs := vals[k+c-code]
			r, sz := uint16(rs>>4), int(rs&15)
			total := l + sz
			if total > acFastBits {
				continue
			}
			adv := r + 1
			switch {
			case rs == 0x00:
				adv = 0
			case rs == 0xf0:
				adv = acZRL | 16
			case sz == 0:
				continue // run without a coefficient: the slow path ends the block, as image/jpeg does
			}
			base := c << (acFastBits - l)
			for x := int32(0); x < 1<<(acFastBits-l); x++ {
				t.skip[base|x] = uint16(total)<<8 | adv
			}
		}
		code = (code + n) << 1
		k += n
	}
	return nil
}

// acFastBits is the lookup width of acTable.skip (16 KiB a table).
const acFastBits = 13

// acZRL marks the ZRL symbol (sixteen zeros) in acTable.skip.
const acZRL = 0x80

func (t *huffTable) build(counts []byte, vals []byte) error {
	*t = huffTable{set: true}
	copy(t.vals[:], vals)
	code, k := int32(0), int32(0)
	for l := 1; l <= 16; l++ {
		n := int32(counts[l-1])
		t.valptr[l], t.mincode[l], t.maxcode[l] = k, code, code+n-1
		if n == 0 {
			t.maxcode[l] = -1
		}
		if code+n > 1<<l {
			return errJPEGHuffman
		}
		if l <= 9 {
			for c := code; c < code+n; c++ {
				shift := 9 - l
				for s := int32(0); s < 1<<shift; s++ {
					t.lut[c<<shift|s] = uint16(l)<<8 | uint16(vals[k+c-code])
				}
			}
		}
		code += n
		k += n
		code <<= 1
	}
	return nil
}

// bitReader reads entropy-coded data: 0xFF00 is a data 0xFF; any other
// marker ends the bits (the reader stops before it, at pos).
type bitReader struct {
	d      []byte
	pos    int
	acc    uint64 // next bit is the top bit
	n      uint   // valid bits in acc
	marker bool   // a marker or the end of the data is next: no more bits
}

func (b *bitReader) fill() {
	// Fast path: eight bytes without 0xFF (^x then has no zero byte) are
	// all data; take the whole bytes that fit.
	if !b.marker && b.pos+8 <= len(b.d) {
		x := binary.BigEndian.Uint64(b.d[b.pos:])
		if y := ^x; (y-0x0101010101010101)&^y&0x8080808080808080 == 0 {
			k := (64 - b.n) / 8
			b.acc |= x >> (64 - 8*k) << (64 - b.n - 8*k)
			b.n += 8 * k
			b.pos += int(k)
			return
		}
	}
	for b.n <= 56 && !b.marker {
		if b.pos >= len(b.d) {
			b.marker = true
			return
		}
		c := b.d[b.pos]
		if c == 0xff {
			if b.pos+1 >= len(b.d) || b.d[b.pos+1] != 0 {
				b.marker = true
				return
			}
			b.pos++
		}
		b.pos++
		b.acc |= uint64(c) << (56 - b.n)
		b.n += 8
	}
}

func (b *bitReader) decode(t *huffTable) (byte, error) {
	if b.n < 16 {
		b.fill()
	}
	if e := t.lut[b.acc>>55]; e != 0 && uint(e>>8) <= b.n {
		b.acc <<= e >> 8
		b.n -= uint(e >> 8)
		return byte(e), nil
	}
	code := int32(0)
	for l := 1; l <= 16; l++ {
		if b.n == 0 {
			return 0, errJPEGTruncated
		}
		code = code<<1 | int32(b.acc>>63)
		b.acc <<= 1
		b.n--
		if code <= t.maxcode[l] {
			return t.vals[(t.valptr[l]+code-t.mincode[l])&255], nil
		}
	}
	return 0, errJPEGHuffman
}

// receive reads s bits (s ≤ 16) as a signed JPEG magnitude.
func (b *bitReader) receive(s byte) (int32, error) {
	if s == 0 {
		return 0, nil
	}
	if b.n < uint(s) {
		b.fill()
		if b.n < uint(s) {
			return 0, errJPEGTruncated
		}
	}
	v := int32(b.acc >> (64 - uint(s)))
	b.acc <<= s
	b.n -= uint(s)
	if v < 1<<(s-1) {
		v += -1<<s + 1
	}
	return v, nil
}

// skip discards s bits (s ≤ 16).
func (b *bitReader) skip(s byte) error {
	if b.n < uint(s) {
		b.fill()
		if b.n < uint(s) {
			return errJPEGTruncated
		}
	}
	b.acc <<= s
	b.n -= uint(s)
	return nil
}

// dcImage is the 1/8-scale image of a JPEG: the mean of each 8×8 block of
// the frame, as 8-bit RGB (or grey replicated), w×h cells.
type dcImage struct {
	w, h int
	pix  []byte // RGB, row-major
}

// decodeDC decodes the entropy-coded scans of a baseline or extended
// sequential Huffman JPEG (8-bit) keeping only each block's DC coefficient,
// which is 8 times the block's mean. It checks the whole entropy-coded data
// (every Huffman code of every block, restart markers, every component
// scanned) as a full decoder would, without the inverse DCT. Progressive,
// arithmetic-coded, lossless and 12-bit frames are errUnsupported: the
// caller decodes those with image/jpeg.
func decodeDC(d []byte, h *jpegHeader) (*dcImage, error) {
	if h.sof > 1 || h.precision != 8 {
		return nil, errJPEGUnsupported
	}
	if h.width <= 0 || h.height <= 0 || h.width*h.height > jpegMaxPixels {
		return nil, errJPEGTooLarge
	}
	var hmax, vmax int
	for _, c := range h.comps {
		hmax, vmax = max(hmax, int(c.h)), max(vmax, int(c.v))
	}
	mcusX, mcusY := (h.width+8*hmax-1)/(8*hmax), (h.height+8*vmax-1)/(8*vmax)
	planes := make([]dcPlane, len(h.comps))
	for i, c := range h.comps {
		planes[i].stride = mcusX * int(c.h)
		planes[i].dc = make([]int32, planes[i].stride*mcusY*int(c.v))
	}
	var dcT [4]huffTable
	acT := new([4]acTable)
	restart := 0
	pos := 2 // again from the start: the tables before the first scan
	for {
		m, seg, next, err := jpegSegment(d, pos)
		if err != nil {
			return nil, err
		}
		at := pos
		pos = next
		switch m {
		case 0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf:
			if at > h.sos {
				return nil, errJPEGFrame // a second frame after the scans
			}
		case 0xd9: // EOI
			for i := range planes {
				if !planes[i].done {
					return nil, errJPEGUnscanned
				}
			}
			return dcPixels(h, planes, hmax, vmax), nil
		case 0xc4: // DHT
			for len(seg) > 0 {
				if len(seg) < 17 || seg[0]>>4 > 1 || seg[0]&15 > 3 {
					return nil, errJPEGHuffman
				}
				n := 0
				for _, c := range seg[1:17] {
					n += int(c)
				}
				if n > 256 || len(seg) < 17+n {
					return nil, errJPEGHuffman
				}
				var err error
				if seg[0]>>4 == 1 {
					err = acT[seg[0]&15].build(seg[1:17], seg[17:17+n])
				} else {
					err = dcT[seg[0]&15].build(seg[1:17], seg[17:17+n])
				}
				if err != nil {
					return nil, err
				}
				seg = seg[17+n:]
			}
		case 0xdb:
			if err := h.parseDQT(seg); err != nil {
				return nil, err
			}
		case 0xdd: // DRI
			if len(seg) != 2 {
				return nil, errJPEGRestart
			}
			restart = int(binary.BigEndian.Uint16(seg))
		case 0xda: // SOS
			if len(seg) < 1 || len(seg) != 4+2*int(seg[0]) || seg[0] < 1 || int(seg[0]) > len(h.comps) {
				return nil, errJPEGScan
			}
			ns := int(seg[0])
			var sc [4]struct {
				ci int
				dc *huffTable
				ac *acTable
			}
			for j := range ns {
				id, tables := seg[1+2*j], seg[2+2*j]
				ci := -1
				for i, c := range h.comps {
					if c.id == id {
						ci = i
					}
				}
				if ci < 0 || planes[ci].done || tables>>4 > 3 || tables&15 > 3 ||
					!dcT[tables>>4].set || !acT[tables&15].set || !h.quantSet[h.comps[ci].tq] {
					return nil, errJPEGScan
				}
				for k := range j {
					if sc[k].ci == ci {
						return nil, errJPEGScan
					}
				}
				sc[j].ci, sc[j].dc, sc[j].ac = ci, &dcT[tables>>4], &acT[tables&15]
				planes[ci].done, planes[ci].q0 = true, int32(h.quant[h.comps[ci].tq][0])
			}
			br := &bitReader{d: d, pos: pos}
			var pred [4]int32
			// block decodes one block of scan component j into (bx, by).
			block := func(j, bx, by int) error {
				t, err := br.decode(sc[j].dc)
				if err != nil {
					return err
				}
				if t > 16 {
					return errJPEGCoeff
				}
				diff, err := br.receive(t)
				if err != nil {
					return err
				}
				pred[j] += diff
				p := &planes[sc[j].ci]
				p.dc[by*p.stride+bx] = pred[j]
				return br.skipAC(sc[j].ac)
			}
			units, unitsX := mcusX*mcusY, mcusX
			if ns == 1 {
				c := h.comps[sc[0].ci]
				unitsX = ((h.width*int(c.h)+hmax-1)/hmax + 7) / 8
				units = unitsX * (((h.height*int(c.v)+vmax-1)/vmax + 7) / 8)
			}
			for u := range units {
				if restart > 0 && u > 0 && u%restart == 0 {
					if err := br.restart(u/restart - 1); err != nil {
						return nil, err
					}
					pred = [4]int32{}
				}
				ux, uy := u%unitsX, u/unitsX
				if ns == 1 {
					if err := block(0, ux, uy); err != nil {
						return nil, err
					}
					continue
				}
				for j := range ns {
					c := h.comps[sc[j].ci]
					for v := range int(c.v) {
						for hh := range int(c.h) {
							if err := block(j, ux*int(c.h)+hh, uy*int(c.v)+v); err != nil {
								return nil, err
							}
						}
					}
				}
			}
			// After the scan: padding bits, then the next marker (extra
			// bytes before it are skipped, as libjpeg and image/jpeg do).
			pos = br.pos
			for pos+1 < len(d) && (d[pos] != 0xff || d[pos+1] == 0 || d[pos+1] >= 0xd0 && d[pos+1] <= 0xd7) {
				pos++
			}
			if pos+1 >= len(d) {
				return nil, errJPEGTruncated
			}
		}
	}
}

// skipAC reads past the AC coefficients of one block (their values are not
// needed for the block mean), refusing a run past the 64th coefficient.
// The bit buffer is kept in locals on the fast path (one lookup per
// coefficient, code and magnitude together) and written back around the
// refill and the slow path.
func (b *bitReader) skipAC(t *acTable) error {
	acc, n := b.acc, b.n
	for k := 1; k < 64; {
		if n < 16 && !b.marker {
			b.acc, b.n = acc, n
			b.fill()
			acc, n = b.acc, b.n
		}
		e := t.skip[acc>>(64-acFastBits)]
		if nb := uint(e >> 8); nb != 0 && nb <= n {
			acc <<= nb
			n -= nb
			adv := e & 0xff
			switch {
			case adv == 0:
				k = 64 // end of block
			case adv&acZRL != 0:
				k += 16
			case k+int(adv) > 64:
				b.acc, b.n = acc, n
				return errJPEGCoeff
			default:
				k += int(adv)
			}
			continue
		}
		b.acc, b.n = acc, n
		rs, err := b.decode(&t.huffTable)
		if err != nil {
			return err
		}
		r, s := int(rs>>4), rs&15
		switch {
		case s == 0 && r != 15:
			k = 64 // end of block
		case s == 0:
			k += 16
		case k+r > 63:
			return errJPEGCoeff
		default:
			if err := b.skip(s); err != nil {
				return err
			}
			k += r + 1
		}
		acc, n = b.acc, b.n
	}
	b.acc, b.n = acc, n
	return nil
}

// restart consumes the padding and the RSTn marker expected after restart
// interval i.
func (b *bitReader) restart(i int) error {
	if !b.marker || b.n >= 8 {
		return errJPEGRestart
	}
	if b.pos+1 >= len(b.d) || b.d[b.pos] != 0xff || b.d[b.pos+1] != 0xd0+byte(i%8) {
		return errJPEGRestart
	}
	b.pos += 2
	b.acc, b.n, b.marker = 0, 0, false
	return nil
}

// dcPlane holds one component's DC coefficients, one per block.
type dcPlane struct {
	stride int
	dc     []int32
	q0     int32 // DC quantiser when the component was scanned
	done   bool
}

// dcPixels turns the DC grids into RGB cells, one per 8×8 block of the frame
// (luminance resolution), sampling each component at the block's centre.
func dcPixels(h *jpegHeader, planes []dcPlane, hmax, vmax int) *dcImage {
	img := &dcImage{w: (h.width + 7) / 8, h: (h.height + 7) / 8}
	img.pix = make([]byte, 3*img.w*img.h)
	rgb := len(h.comps) == 3 && (h.adobe && h.adobeTransform == 0 || h.comps[0].id == 'R' && h.comps[1].id == 'G' && h.comps[2].id == 'B')
	// Each component's block column and row of every cell, computed once.
	cols := make([][]int, len(h.comps))
	rows := make([][]int, len(h.comps))
	for i, c := range h.comps {
		cols[i], rows[i] = make([]int, img.w), make([]int, img.h)
		for x := range img.w {
			cols[i][x] = (8*x + 4) * int(c.h) / hmax / 8
		}
		for y := range img.h {
			rows[i][y] = (8*y + 4) * int(c.v) / vmax / 8 * planes[i].stride
		}
	}
	var val [4]float32
	for y := range img.h {
		for x := range img.w {
			for i := range h.comps {
				p := &planes[i]
				val[i] = float32(p.dc[rows[i][y]+cols[i][x]]*p.q0)/8 + 128
			}
			o := 3 * (y*img.w + x)
			switch {
			case len(h.comps) == 3 && !rgb:
				yy, cb, cr := val[0], val[1]-128, val[2]-128
				img.pix[o], img.pix[o+1], img.pix[o+2] = clamp8(yy+1.402*cr), clamp8(yy-0.344136*cb-0.714136*cr), clamp8(yy+1.772*cb)
			case len(h.comps) == 3:
				img.pix[o], img.pix[o+1], img.pix[o+2] = clamp8(val[0]), clamp8(val[1]), clamp8(val[2])
			default: // grey, or CMYK shown by its first channel: refused earlier, measured for fuzzing
				g := clamp8(val[0])
				img.pix[o], img.pix[o+1], img.pix[o+2] = g, g, g
			}
		}
	}
	return img
}

func clamp8(v float32) byte {
	return byte(min(max(v+0.5, 0), 255))
}
