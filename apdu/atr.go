package apdu

import "slices"

// ATR is a parsed answer to reset (ISO/IEC 7816-3 clause 8): the protocols
// it offers and its historical bytes, which carry what the card announces
// about itself (ISO/IEC 7816-4 clause 8.1.1). A [Client] reads the card's
// capabilities from it ([ATR.Capabilities], [WithCapabilities]) instead of
// assuming command chaining or extended length: a card that ignores the
// chaining bit of CLA answers 9000 to every part of a chained command and
// the last part overwrites the first.
type ATR struct {
	// Protocols lists the transmission protocols the ATR indicates, in
	// order (0 for T=0, 1 for T=1, …); T=0 when it indicates none.
	Protocols []int
	// Historical is the historical bytes (T1 … TK).
	Historical []byte
}

// Capabilities is what a card announces in the "card capabilities" object
// of its historical bytes (compact-TLV tag 7, third software function
// table, ISO/IEC 7816-4 table 118). The zero value is what a card that
// announces nothing gets: no chaining, no extended length.
type Capabilities struct {
	// Chaining: the card accepts command chaining (CLA bit b5).
	Chaining bool
	// ExtendedLength: the card accepts extended Lc and Le fields.
	ExtendedLength bool
}

// Historical-byte category indicators (ISO/IEC 7816-4 clause 8.1.1.1) whose
// bytes are compact-TLV objects.
const (
	categoryStatusLast = 0x00 // compact-TLV objects, then a 3-byte status indicator
	categoryCompactTLV = 0x80 // compact-TLV objects, status indicator optional
	tagCapabilities    = 0x7  // compact-TLV tag of the card capabilities
)

// ParseATR decodes an ATR: TS, T0, the interface bytes, the historical
// bytes and, when a protocol other than T=0 is indicated, TCK (which must
// make the exclusive-or of T0 … TCK zero). Malformed input is a
// [*ParseError] naming the offset and the field.
func ParseATR(b []byte) (ATR, error) {
	fail := func(off int, field, expected string, err error) (ATR, error) {
		return ATR{}, &ParseError{Input: inputATR, Offset: off, Field: field, Expected: expected, Err: err}
	}
	if len(b) < 2 {
		return fail(len(b), "T0", expATRStart, ErrTruncated)
	}
	if b[0] != 0x3B && b[0] != 0x3F {
		return fail(0, "TS", expATRTS, ErrOutOfRange)
	}
	var a ATR
	k := int(b[1] & 0x0F)
	y := b[1] >> 4
	i := 2
	needTCK := false
	for {
		for bit := byte(1); bit <= 4; bit <<= 1 { // TA, TB, TC present
			if y&bit != 0 {
				if i >= len(b) {
					return fail(i, "interface bytes", expATRInterface, ErrTruncated)
				}
				i++
			}
		}
		if y&8 == 0 {
			break
		}
		if i >= len(b) {
			return fail(i, "TD", expATRInterface, ErrTruncated)
		}
		td := b[i]
		i++
		t := int(td & 0x0F)
		a.Protocols = append(a.Protocols, t)
		if t != 0 {
			needTCK = true
		}
		y = td >> 4
	}
	if len(a.Protocols) == 0 {
		a.Protocols = []int{0}
	}
	if len(b) < i+k {
		return fail(len(b), "historical bytes", expATRHistorical, ErrTruncated)
	}
	a.Historical = slices.Clone(b[i : i+k])
	i += k
	if needTCK {
		if i >= len(b) {
			return fail(i, "TCK", expATRTCK, ErrTruncated)
		}
		var x byte
		for _, v := range b[1 : i+1] {
			x ^= v
		}
		if x != 0 {
			return fail(i, "TCK", expATRTCK, ErrOutOfRange)
		}
		i++
	}
	if i != len(b) {
		return fail(i, "TCK", expATREnd, ErrTrailingData)
	}
	return a, nil
}

// Capabilities reads the card capabilities object of the historical bytes.
// Historical bytes of a proprietary category, or without the object (or
// with fewer than 3 bytes of it), announce neither chaining nor extended
// length.
func (a ATR) Capabilities() Capabilities {
	h := a.Historical
	if len(h) == 0 {
		return Capabilities{}
	}
	var objs []byte
	switch h[0] {
	case categoryCompactTLV:
		objs = h[1:]
	case categoryStatusLast:
		if len(h) < 4 {
			return Capabilities{}
		}
		objs = h[1 : len(h)-3]
	default:
		return Capabilities{}
	}
	for len(objs) > 0 {
		tag, n := objs[0]>>4, int(objs[0]&0x0F)
		if len(objs) < 1+n {
			return Capabilities{}
		}
		if tag == tagCapabilities && n >= 3 {
			third := objs[3]
			return Capabilities{Chaining: third&0x80 != 0, ExtendedLength: third&0x40 != 0}
		}
		objs = objs[1+n:]
	}
	return Capabilities{}
}
