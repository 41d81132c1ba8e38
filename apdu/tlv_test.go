package apdu_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/apdu"
)

// An FCI as a PBOC card answers SELECT: 6F { 84 DF name, A5 { 88 SFI, 9F08 version, BF0C { 5F20 } } }.
const fciHex = "6F1F 8407A0000000031010 A514 880101 9F08020102 BF0C09 5F2006 5A48414E4753"

func TestDecodeTLVNested(t *testing.T) {
	tlv, err := apdu.DecodeTLV(unhex(t, fciHex))
	require.NoError(t, err)
	assert.Equal(t, apdu.Tag(0x6F), tlv.Tag)
	assert.True(t, tlv.Tag.Constructed())
	require.Len(t, tlv.Children, 2)
	assert.Equal(t, unhex(t, "A0000000031010"), tlv.Children[0].Value)

	sfi, ok := apdu.Find([]apdu.TLV{tlv}, 0x6F, 0xA5, 0x88)
	require.True(t, ok)
	assert.Equal(t, []byte{0x01}, sfi.Value)
	ver, ok := apdu.Find(tlv.Children, 0xA5, 0x9F08)
	require.True(t, ok)
	assert.Equal(t, []byte{0x01, 0x02}, ver.Value)
	name, ok := apdu.Find(tlv.Children, 0xA5, 0xBF0C, 0x5F20)
	require.True(t, ok)
	assert.Equal(t, "ZHANGS", string(name.Value))
	assert.Equal(t, apdu.Tag(0x5F20), name.Tag)
	assert.Equal(t, 1, name.Tag.Class())
	assert.False(t, name.Tag.Constructed())

	_, ok = apdu.Find(tlv.Children, 0xA5, 0x99)
	assert.False(t, ok)
	_, ok = apdu.Find(tlv.Children)
	assert.False(t, ok)

	again, err := tlv.MarshalBinary()
	require.NoError(t, err)
	assert.Equal(t, unhex(t, fciHex), again)
}

func TestTLVLongLengthsAndTags(t *testing.T) {
	for _, tc := range []struct {
		name  string
		tag   apdu.Tag
		n     int
		head  string
		tagHx string
	}{
		{"length 0", 0x04, 0, "0400", "04"},
		{"length 127 short form", 0x04, 127, "047F", "04"},
		{"length 128 one length byte", 0x04, 128, "048180", "04"},
		{"length 255", 0x04, 255, "0481FF", "04"},
		{"length 256 two length bytes", 0x04, 256, "04820100", "04"},
		{"length 65536 three length bytes", 0x04, 65536, "0483010000", "04"},
		{"two-byte tag", 0x9F36, 2, "9F3602", "9F36"},
		{"three-byte tag", 0xDF8101, 1, "DF810101", "DF8101"},
		{"four-byte tag", 0x5F818201, 1, "5F81820101", "5F818201"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := seq(tc.n)
			enc, err := apdu.TLV{Tag: tc.tag, Value: v}.MarshalBinary()
			require.NoError(t, err)
			head := unhex(t, tc.head)
			require.True(t, bytes.HasPrefix(enc, head), "%X", enc[:min(len(enc), 8)])
			assert.Len(t, enc, len(head)+tc.n)
			assert.Equal(t, tc.tagHx, tc.tag.String())
			assert.Equal(t, len(tc.tagHx)/2, tc.tag.Len())
			dec, err := apdu.DecodeTLV(enc)
			require.NoError(t, err)
			assert.Equal(t, tc.tag, dec.Tag)
			assert.Equal(t, v, dec.Value)
		})
	}
	// A four-byte length is accepted on decode (the value is then truncated here).
	_, err := apdu.DecodeTLV(unhex(t, "0484 01000000"))
	assert.ErrorIs(t, err, apdu.ErrTruncated)
}

func TestDecodeTLVStrict(t *testing.T) {
	for _, tc := range []struct {
		name   string
		hex    string
		offset int
		field  string
		err    error
	}{
		{"empty", "", 0, "tag", apdu.ErrTruncated},
		{"tag 00 padding", "00", 0, "tag", apdu.ErrInvalidTag},
		{"tag FF padding", "FF0100", 0, "tag", apdu.ErrInvalidTag},
		{"multi-byte tag truncated", "9F", 1, "tag", apdu.ErrTruncated},
		{"tag continuation truncated", "9F81", 2, "tag", apdu.ErrTruncated},
		{"tag with leading zero bits", "9F8001 00", 1, "tag", apdu.ErrNonMinimal},
		{"tag longer than 4 bytes", "9F81818101 00", 4, "tag", apdu.ErrInvalidTag},
		{"length missing", "04", 1, "length", apdu.ErrTruncated},
		{"indefinite length", "2480 0400 0000", 1, "length", apdu.ErrIndefiniteLength},
		{"non-minimal 81 05", "048105 0102030405", 1, "length", apdu.ErrNonMinimal},
		{"non-minimal 82 00FF", "048200FF", 1, "length", apdu.ErrNonMinimal},
		{"five length bytes", "0485 0000000001 00", 1, "length", apdu.ErrLengthTooLong},
		{"length bytes truncated", "0482 01", 3, "length", apdu.ErrTruncated},
		{"value truncated", "0405 010203", 5, "value", apdu.ErrTruncated},
		{"trailing garbage", "0401AA 00", 3, "tag", apdu.ErrTrailingData},
		{"trailing valid TLV", "0401AA 0401BB", 3, "tag", apdu.ErrTrailingData},
		{"nested value truncated", "6F05 8404 A000", 6, "value", apdu.ErrTruncated},
		{"nested non-minimal length", "A004 04810101", 3, "length", apdu.ErrNonMinimal},
		{"nested padding", "A003 0401AA 00", 0, "", nil}, // length 3 ends before 00: trailing at top level
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := apdu.DecodeTLV(unhex(t, tc.hex))
			require.Error(t, err)
			if tc.err == nil {
				assert.ErrorIs(t, err, apdu.ErrTrailingData)
				return
			}
			assert.ErrorIs(t, err, tc.err)
			var pe *apdu.ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.offset, pe.Offset, err.Error())
			assert.Equal(t, tc.field, pe.Field)
			assert.Equal(t, "BER-TLV", pe.Input)
		})
	}
}

func TestDecodeTLVsSequence(t *testing.T) {
	list, err := apdu.DecodeTLVs(unhex(t, "5A0401020304 5F2002AABB"))
	require.NoError(t, err)
	require.Len(t, list, 2)
	assert.Equal(t, apdu.Tag(0x5F20), list[1].Tag)
	enc, err := apdu.EncodeTLVs(list...)
	require.NoError(t, err)
	assert.Equal(t, unhex(t, "5A0401020304 5F2002AABB"), enc)

	list, err = apdu.DecodeTLVs(nil)
	require.NoError(t, err)
	assert.Empty(t, list)

	// Offsets in the second object count from the start of the sequence.
	_, err = apdu.DecodeTLVs(unhex(t, "5A0101 5F2081"))
	var pe *apdu.ParseError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, 6, pe.Offset)
}

func TestDecodeTLVDepthLimit(t *testing.T) {
	build := func(depth int) []byte {
		b := []byte{0x04, 0x00}
		for range depth {
			b = append([]byte{0xA0, byte(len(b))}, b...)
		}
		return b
	}
	_, err := apdu.DecodeTLV(build(31)) // 32 levels: 31 constructed around a primitive
	require.NoError(t, err)
	_, err = apdu.DecodeTLV(build(32))
	assert.ErrorIs(t, err, apdu.ErrTooDeep)
}

func TestEncodeTLVConstructed(t *testing.T) {
	tree := apdu.TLV{Tag: 0x70, Children: []apdu.TLV{
		{Tag: 0x5A, Value: []byte{1, 2}},
		{Tag: 0xA5, Children: []apdu.TLV{{Tag: 0x9F08, Value: []byte{3}}}},
		{Tag: 0xA1, Children: []apdu.TLV{}},
	}}
	enc, err := tree.MarshalBinary()
	require.NoError(t, err)
	assert.Equal(t, unhex(t, "700C 5A020102 A504 9F080103 A100"), enc)
	n, err := tree.EncodedLen()
	require.NoError(t, err)
	assert.Equal(t, len(enc), n)

	var back apdu.TLV
	require.NoError(t, back.UnmarshalBinary(enc))
	assert.Equal(t, tree.Tag, back.Tag)
	assert.Len(t, back.Children, 3)
	assert.NotNil(t, back.Children[2].Children, "an empty constructed object decodes to empty, non-nil children")

	// A constructed tag without children is encoded from Value.
	raw, err := apdu.TLV{Tag: 0xA5, Value: unhex(t, "880101")}.MarshalBinary()
	require.NoError(t, err)
	assert.Equal(t, unhex(t, "A503880101"), raw)

	assert.Equal(t, "70 (3 objects)", tree.String())
	name := apdu.TLV{Tag: 0x5F20, Value: []byte("ZHANG SAN")}
	for _, s := range []string{fmt.Sprint(name), fmt.Sprintf("%+v", name), fmt.Sprintf("%#v", name), fmt.Sprintf("%x", name)} {
		assert.NotContains(t, s, "ZHANG")
		assert.NotContains(t, strings.ToUpper(s), "5A48414E47")
	}
	assert.Equal(t, "5A (2 bytes)", tree.Children[0].String())
}

func TestEncodeTLVRejectsBadTags(t *testing.T) {
	for _, tc := range []struct {
		name string
		tag  apdu.Tag
		err  error
	}{
		{"zero", 0x00, apdu.ErrInvalidTag},
		{"1F alone", 0x1F, apdu.ErrTruncated},
		{"9F alone", 0x9F, apdu.ErrTruncated},
		{"leading zero bits", 0x9F8001, apdu.ErrNonMinimal},
		{"continuation never ends", 0x9F8181, apdu.ErrTruncated},
		{"last byte continues", 0x9F81, apdu.ErrTruncated},
		{"second byte not a continuation", 0x5A01, apdu.ErrInvalidTag},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Error(t, tc.tag.Valid())
			_, err := apdu.TLV{Tag: tc.tag, Value: []byte{1}}.MarshalBinary()
			assert.ErrorIs(t, err, tc.err)
			_, err = apdu.EncodeTLVs(apdu.TLV{Tag: 0xA0, Children: []apdu.TLV{{Tag: tc.tag}}})
			assert.ErrorIs(t, err, tc.err, "a bad tag deep in the tree is found too")
		})
	}
	assert.NoError(t, apdu.Tag(0x9F36).Valid())
	assert.NoError(t, apdu.Tag(0x9F08).Valid(), "EMV/PBOC tags with a number under 31 in long form are accepted")
}
