package apdu

import (
	"fmt"
	"math"
	"math/bits"
)

// Tag is a BER-TLV tag as its encoded bytes read big-endian, the way
// smart-card specifications write tags: 0x6F (FCI template), 0x84 (DF name),
// 0x9F36, 0x5F20. Tags are 1 to 4 bytes long.
type Tag uint32

// Len is the number of bytes of t's encoding (1 to 4).
func (t Tag) Len() int {
	if t == 0 {
		return 1
	}
	return (bits.Len32(uint32(t)) + 7) / 8
}

// first is the tag's first byte, which holds its class and form.
func (t Tag) first() byte { return byte(t >> (8 * (t.Len() - 1))) }

// Constructed reports whether t's value is itself a sequence of TLVs (bit 6
// of the first byte).
func (t Tag) Constructed() bool { return t.first()&0x20 != 0 }

// Class is the tag class, 0 (universal), 1 (application), 2 (context
// specific) or 3 (private): the top two bits of the first byte.
func (t Tag) Class() int { return int(t.first() >> 6) }

// String is the tag in hex: "9F36".
func (t Tag) String() string { return fmt.Sprintf("%0*X", 2*t.Len(), uint32(t)) }

// Valid is nil when t is a well-formed BER-TLV tag and otherwise the
// [*ParseError] decoding its bytes would give.
func (t Tag) Valid() error {
	var b [4]byte
	enc := t.appendTo(b[:0])
	got, n, err := parseTag(enc, 0)
	if err != nil {
		return err
	}
	if n != len(enc) || got != t {
		return tlvErr(n, "tag", expTagValid, ErrInvalidTag)
	}
	return nil
}

func (t Tag) appendTo(b []byte) []byte {
	for i := t.Len() - 1; i >= 0; i-- {
		b = append(b, byte(t>>(8*i)))
	}
	return b
}

// TLV is one BER-TLV data object. For a constructed tag, decoding fills
// Children with the nested objects (and Value with their encoding); for
// encoding, a constructed TLV with non-nil Children is encoded from them and
// Value is ignored. Value and Children of a decoded TLV alias the input.
type TLV struct {
	Tag      Tag    // the object's tag
	Value    []byte // the value field (for a decoded constructed object, its children's encoding)
	Children []TLV  // nested objects of a constructed tag; nil for a primitive one
}

// maxDepth bounds nesting so hostile input cannot exhaust the stack.
const maxDepth = 32

// DecodeTLV decodes exactly one TLV, as strictly as [DecodeTLVs]; anything
// after it is an error matching [ErrTrailingData].
func DecodeTLV(b []byte) (TLV, error) {
	t, n, err := decodeOne(b, 0, 0)
	if err != nil {
		return TLV{}, err
	}
	if n != len(b) {
		return TLV{}, tlvErr(n, "tag", expNothingMore, ErrTrailingData)
	}
	return t, nil
}

// DecodeTLVs decodes a sequence of TLVs filling all of b (an empty b is an
// empty sequence). Decoding is strict: tags 00/FF (padding), tags longer
// than 4 bytes or with leading zero bits (9F 80 …), indefinite lengths (80),
// non-minimal lengths (81 05), lengths of more than 4 bytes, values running
// past the end and nesting deeper than 32 levels are [*ParseError]s naming
// the offset from the start of b. Two-byte tags with a small number, such as
// PBOC/EMV 9F08, are accepted as cards use them. Because only shortest forms
// are accepted, encoding the result gives back b.
func DecodeTLVs(b []byte) ([]TLV, error) { return decodeSeq(b, 0, 0) }

func decodeSeq(b []byte, base, depth int) ([]TLV, error) {
	var out []TLV
	for off := 0; off < len(b); {
		t, n, err := decodeOne(b[off:], base+off, depth)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
		off += n
	}
	return out, nil
}

// decodeOne decodes the TLV at the start of b (which starts at offset base
// of the whole input) and returns it with the number of bytes it used.
func decodeOne(b []byte, base, depth int) (TLV, int, error) {
	tag, n, err := parseTag(b, base)
	if err != nil {
		return TLV{}, 0, err
	}
	length, m, err := parseLength(b[n:], base+n)
	if err != nil {
		return TLV{}, 0, err
	}
	start := n + m
	if uint64(length) > uint64(len(b)-start) {
		return TLV{}, 0, tlvErr(base+len(b), "value", expValue, ErrTruncated)
	}
	end := start + int(length)
	t := TLV{Tag: tag, Value: b[start:end:end]}
	if tag.Constructed() {
		if depth+1 >= maxDepth {
			return TLV{}, 0, tlvErr(base+start, "value", expDepth, ErrTooDeep)
		}
		children, err := decodeSeq(t.Value, base+start, depth+1)
		if err != nil {
			return TLV{}, 0, err
		}
		if children == nil {
			children = []TLV{}
		}
		t.Children = children
	}
	return t, end, nil
}

// parseTag reads a tag; base is the offset of b in the whole input.
func parseTag(b []byte, base int) (Tag, int, error) {
	if len(b) == 0 {
		return 0, 0, tlvErr(base, "tag", expTag, ErrTruncated)
	}
	first := b[0]
	if first == 0x00 || first == 0xFF {
		return 0, 0, tlvErr(base, "tag", expTag, ErrInvalidTag)
	}
	tag := Tag(first)
	if first&0x1F != 0x1F {
		return tag, 1, nil
	}
	for i := 1; ; i++ {
		if i >= len(b) {
			return 0, 0, tlvErr(base+i, "tag", expTagValid, ErrTruncated)
		}
		if i >= 4 {
			return 0, 0, tlvErr(base+i, "tag", expTagShort, ErrInvalidTag)
		}
		c := b[i]
		if i == 1 && c == 0x80 {
			// Leading zero bits. (A tag number under 31 in long form, as in
			// EMV and PBOC tags 9F02…9F1E, is accepted: cards use it.)
			return 0, 0, tlvErr(base+i, "tag", expTagMinimal, ErrNonMinimal)
		}
		tag = tag<<8 | Tag(c)
		if c&0x80 == 0 {
			return tag, i + 1, nil
		}
	}
}

// parseLength reads a definite length of at most 4 length bytes in its
// shortest form.
func parseLength(b []byte, base int) (uint32, int, error) {
	if len(b) == 0 {
		return 0, 0, tlvErr(base, "length", expLength, ErrTruncated)
	}
	first := b[0]
	switch {
	case first < 0x80:
		return uint32(first), 1, nil
	case first == 0x80:
		return 0, 0, tlvErr(base, "length", expLengthDefinite, ErrIndefiniteLength)
	case first > 0x84:
		return 0, 0, tlvErr(base, "length", expLengthBytes, ErrLengthTooLong)
	}
	k := int(first & 0x7F)
	if len(b) < 1+k {
		return 0, 0, tlvErr(base+len(b), "length", expLengthBytes, ErrTruncated)
	}
	var n uint32
	for _, c := range b[1 : 1+k] {
		n = n<<8 | uint32(c)
	}
	if lengthSize(n) != 1+k {
		return 0, 0, tlvErr(base, "length", expLengthMinimal, ErrNonMinimal)
	}
	return n, 1 + k, nil
}

// lengthSize is the size of the shortest encoding of length n.
func lengthSize(n uint32) int {
	switch {
	case n < 0x80:
		return 1
	case n <= 0xFF:
		return 2
	case n <= 0xFFFF:
		return 3
	case n <= 0xFFFFFF:
		return 4
	}
	return 5
}

func appendLength(b []byte, n uint32) []byte {
	switch k := lengthSize(n); k {
	case 1:
		return append(b, byte(n))
	default:
		b = append(b, 0x80|byte(k-1))
		for i := k - 2; i >= 0; i-- {
			b = append(b, byte(n>>(8*i)))
		}
		return b
	}
}

func tlvErr(off int, field, expected string, err error) error {
	return &ParseError{Input: inputTLV, Offset: off, Field: field, Expected: expected, Err: err}
}

// EncodedLen is the size of t's encoding; it fails like [TLV.AppendBinary].
func (t TLV) EncodedLen() (int, error) {
	if err := t.Tag.Valid(); err != nil {
		return 0, err
	}
	n, err := t.valueLen()
	if err != nil {
		return 0, err
	}
	return t.Tag.Len() + lengthSize(uint32(n)) + n, nil
}

func (t TLV) valueLen() (int, error) {
	if !t.Tag.Constructed() || t.Children == nil {
		if uint64(len(t.Value)) > math.MaxUint32 {
			return 0, &ParseError{Input: inputTLV, Field: "value", Expected: expValueSize, Err: ErrOutOfRange}
		}
		return len(t.Value), nil
	}
	total := 0
	for _, c := range t.Children {
		n, err := c.EncodedLen()
		if err != nil {
			return 0, err
		}
		total += n
	}
	if uint64(total) > math.MaxUint32 {
		return 0, &ParseError{Input: inputTLV, Field: "value", Expected: expValueSize, Err: ErrOutOfRange}
	}
	return total, nil
}

// AppendBinary appends t's encoding to b (encoding.BinaryAppender): tag,
// shortest length, value (or children). An invalid tag, anywhere in the
// tree, is an error matching [ErrInvalidTag] or [ErrNonMinimal].
func (t TLV) AppendBinary(b []byte) ([]byte, error) {
	n, err := t.valueLen()
	if err != nil {
		return b, err
	}
	if err := t.Tag.Valid(); err != nil {
		return b, err
	}
	b = t.Tag.appendTo(b)
	b = appendLength(b, uint32(n))
	if !t.Tag.Constructed() || t.Children == nil {
		return append(b, t.Value...), nil
	}
	for _, c := range t.Children {
		if b, err = c.AppendBinary(b); err != nil {
			return b, err
		}
	}
	return b, nil
}

// MarshalBinary encodes t (encoding.BinaryMarshaler).
func (t TLV) MarshalBinary() ([]byte, error) {
	n, err := t.EncodedLen()
	if err != nil {
		return nil, err
	}
	return t.AppendBinary(make([]byte, 0, n))
}

// UnmarshalBinary decodes exactly one TLV into t (encoding.BinaryUnmarshaler).
func (t *TLV) UnmarshalBinary(b []byte) error {
	d, err := DecodeTLV(b)
	if err != nil {
		return err
	}
	*t = d
	return nil
}

// String shows the tag and the length, never the value, which may be
// personal data: "5F20 (12 bytes)".
func (t TLV) String() string {
	if t.Children != nil {
		return fmt.Sprintf("%s (%d objects)", t.Tag, len(t.Children))
	}
	return fmt.Sprintf("%s (%d bytes)", t.Tag, len(t.Value))
}

// GoString is String, so that %#v cannot print the value either.
func (t TLV) GoString() string { return "apdu.TLV{" + t.String() + "}" }

// EncodeTLVs encodes a sequence of TLVs one after the other.
func EncodeTLVs(list ...TLV) ([]byte, error) {
	var b []byte
	var err error
	for _, t := range list {
		if b, err = t.AppendBinary(b); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// Find follows path through nested TLVs: the first element of list with
// path[0], then among its children the first with path[1], and so on.
// Find(fci, 0x6F, 0xA5, 0x88) finds the SFI in an FCI.
func Find(list []TLV, path ...Tag) (TLV, bool) {
	var cur TLV
	for i, tag := range path {
		found := false
		for _, t := range list {
			if t.Tag == tag {
				cur, found = t, true
				break
			}
		}
		if !found {
			return TLV{}, false
		}
		if i < len(path)-1 {
			list = cur.Children
		}
	}
	return cur, len(path) > 0
}
