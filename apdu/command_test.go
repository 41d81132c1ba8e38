package apdu_test

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/apdu"
	"github.com/bjedu/studentcard/l10n"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	require.NoError(t, err)
	return b
}

func seq(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

// The four ISO 7816-4 cases, short and extended, in both directions.
func TestCommandEncodeParse(t *testing.T) {
	data300 := seq(300)
	for _, tc := range []struct {
		name string
		cmd  apdu.Command
		hex  string
	}{
		{"case 1", apdu.Command{CLA: 0x00, INS: 0xA4, P1: 0x00, P2: 0x00}, "00A40000"},
		{"case 2S", apdu.Command{INS: 0x84, Le: 8}, "0084000008"},
		{"case 2S Le=256 is 00", apdu.Command{INS: 0xB0, Le: 256}, "00B0000000"},
		{"case 3S", apdu.Command{INS: 0xA4, Data: []byte{0x3F, 0x00}}, "00A40000023F00"},
		{"case 3S Lc=255", apdu.Command{INS: 0xD6, Data: seq(255)}, "00D60000FF" + hex.EncodeToString(seq(255))},
		{"case 4S", apdu.Command{INS: 0x88, Data: seq(8), Le: 256}, "0088000008000102030405060700"},
		{"case 2E Le=257", apdu.Command{INS: 0xB0, Le: 257}, "00B0000000 0101"},
		{"case 2E Le=65536 is 0000", apdu.Command{INS: 0xB0, Le: 65536}, "00B0000000 0000"},
		{"case 2E forced", apdu.Command{INS: 0xB0, Le: 4, Extended: true}, "00B0000000 0004"},
		{"case 3E Lc=300", apdu.Command{INS: 0xD6, Data: data300}, "00D6000000012C" + hex.EncodeToString(data300)},
		{"case 3E forced", apdu.Command{INS: 0xD6, Data: []byte{1}, Extended: true}, "00D6000000000101"},
		{"case 4E", apdu.Command{INS: 0x2A, Data: data300, Le: 65536}, "002A000000012C" + hex.EncodeToString(data300) + "0000"},
		{"case 4E by Le", apdu.Command{INS: 0x2A, Data: []byte{9}, Le: 300}, "002A0000000001090 12C"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := unhex(t, tc.hex)
			got, err := tc.cmd.MarshalBinary()
			require.NoError(t, err)
			assert.Equal(t, want, got)
			assert.Equal(t, len(want), tc.cmd.EncodedLen())

			parsed, err := apdu.ParseCommand(want)
			require.NoError(t, err)
			assert.Equal(t, tc.cmd.Header(), parsed.Header())
			assert.Equal(t, tc.cmd.Le, parsed.Le)
			assert.Equal(t, len(tc.cmd.Data), len(parsed.Data))
			assert.True(t, bytes.Equal(tc.cmd.Data, parsed.Data))
			assert.Equal(t, tc.cmd.IsExtended(), parsed.IsExtended())
			again, err := parsed.MarshalBinary()
			require.NoError(t, err)
			assert.Equal(t, want, again, "encode(parse(b)) == b")
		})
	}
}

func TestCommandAppendBinaryDoesNotAllocateWithCapacity(t *testing.T) {
	cmd := apdu.ExternalAuthenticate(1, seq(8))
	buf := make([]byte, 0, 64)
	allocs := testing.AllocsPerRun(100, func() {
		_, _ = cmd.AppendBinary(buf[:0])
	})
	assert.Zero(t, allocs)
}

func TestCommandEncodeRejectsOutOfRange(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cmd   apdu.Command
		field string
	}{
		{"Lc 65536", apdu.Command{INS: 0xD6, Data: make([]byte, 65536)}, "Lc"},
		{"Le 65537", apdu.Command{INS: 0xB0, Le: 65537}, "Le"},
		{"Le negative", apdu.Command{INS: 0xB0, Le: -1}, "Le"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.cmd.MarshalBinary()
			require.Error(t, err)
			assert.ErrorIs(t, err, apdu.ErrOutOfRange)
			var fe *apdu.FieldError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tc.field, fe.Field)
			assert.Equal(t, tc.cmd.Header(), fe.Command)
		})
	}
}

func TestParseCommandRejectsMalformed(t *testing.T) {
	for _, tc := range []struct {
		name   string
		hex    string
		offset int
		field  string
		err    error
	}{
		{"empty", "", 0, "header", apdu.ErrTruncated},
		{"3 bytes", "00A404", 3, "header", apdu.ErrTruncated},
		{"short data truncated", "00A4040007A000", 7, "data", apdu.ErrTruncated},
		{"short trailing after Le", "00A40400023F000000", 8, "Le", apdu.ErrTrailingData},
		{"extended 6 bytes", "00B0000000 00", 6, "Lc", apdu.ErrTruncated},
		{"extended Lc 0000 with body", "00D6000000 0000 01", 5, "Lc", apdu.ErrInvalidLength},
		{"extended data truncated", "00D6000000 0004 0102", 9, "data", apdu.ErrTruncated},
		{"extended Le one byte", "00D6000000 0001 01 00", 9, "Le", apdu.ErrTruncated},
		{"extended trailing", "00D6000000 0001 01 0000 00", 10, "Le", apdu.ErrTrailingData},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := apdu.ParseCommand(unhex(t, tc.hex))
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.err)
			var pe *apdu.ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.offset, pe.Offset)
			assert.Equal(t, tc.field, pe.Field)
			assert.Equal(t, "command APDU", pe.Input)
			assert.NotEmpty(t, pe.Expected)
			assert.Contains(t, err.Error(), fmt.Sprintf("offset %d", tc.offset))
			assert.Contains(t, l10n.Error(err, l10n.Chinese), fmt.Sprintf("命令APDU：偏移%d：", tc.offset))
		})
	}
}

func TestCommandUnmarshalBinary(t *testing.T) {
	var c apdu.Command
	require.NoError(t, c.UnmarshalBinary(unhex(t, "0084000004")))
	assert.Equal(t, apdu.GetChallenge(4), c)
	assert.Error(t, c.UnmarshalBinary([]byte{1}))
	assert.Equal(t, apdu.GetChallenge(4), c, "a failed unmarshal leaves c alone")
}

func TestCommandStringHidesData(t *testing.T) {
	key := []byte{0x57, 0x75, 0x20, 0x4D, 0x69, 0x61, 0x6F, 0x6A}
	cmd := apdu.ExternalAuthenticate(0x01, key)
	for _, s := range []string{cmd.String(), fmt.Sprintf("%v", cmd), fmt.Sprintf("%+v", cmd), fmt.Sprintf("%#v", cmd)} {
		assert.Contains(t, s, "00 82 00 01")
		assert.Contains(t, s, "Lc=8")
		assert.NotContains(t, strings.ToUpper(s), "5775204D")
		assert.NotContains(t, s, "87 117", "no decimal bytes either")
	}
	assert.Equal(t, "00 B0 00 00 Lc=0 Le=65536 extended", apdu.Command{INS: 0xB0, Le: 65536}.String())
}

func TestHeaderString(t *testing.T) {
	assert.Equal(t, "80 FA 07 00", apdu.Header{CLA: 0x80, INS: 0xFA, P1: 0x07}.String())
}

// The command shapes of SPEC §8 that sessions build with the constructors.
func TestConstructors(t *testing.T) {
	must := func(c apdu.Command, err error) apdu.Command {
		t.Helper()
		require.NoError(t, err)
		return c
	}
	for _, tc := range []struct {
		name string
		cmd  apdu.Command
		hex  string
	}{
		{"A-2/GET CHALLENGE 4", apdu.GetChallenge(4), "0084000004"},
		{"A-2/GET CHALLENGE 8", apdu.GetChallenge(8), "0084000008"},
		{"A-2/EXTERNAL AUTHENTICATE", apdu.ExternalAuthenticate(0x01, unhex(t, "1122334455667788")), "0082000108 1122334455667788"},
		{"A-1/INTERNAL AUTHENTICATE", apdu.InternalAuthenticate(0x02, unhex(t, "0102030405060708")), "0088000208 0102030405060708 00"},
		{"SELECT by name", apdu.SelectByName(unhex(t, "A0000000031010")), "00A4040007 A0000000031010 00"},
		{"SELECT MF", apdu.SelectByFileID(0x3F00), "00A4000002 3F00"},
		{"SELECT transit DF 1001", apdu.SelectByFileID(0x1001), "00A4000002 1001"},
		{"GET RESPONSE", apdu.GetResponse(0x10), "00C0000010"},
		{"READ BINARY SFI 04 card info", must(apdu.ReadBinary(0x04, 0, 32)), "00B0840020"},
		{"READ BINARY current EF offset 300", must(apdu.ReadBinary(0, 300, 16)), "00B0012C10"},
		{"READ BINARY Le 256", must(apdu.ReadBinary(0x05, 0x10, 256)), "00B0851000"},
		{"UPDATE BINARY SFI", must(apdu.UpdateBinary(0x15, 8, []byte{1, 2})), "00D695080 20102"},
		{"READ RECORD SFI 18 record 1", must(apdu.ReadRecord(0x18, 1, 23)), "00B201C417"},
		{"UPDATE RECORD", must(apdu.UpdateRecord(0x01, 2, []byte{0xAA})), "00DC020C01AA"},
		{"APPEND RECORD", must(apdu.AppendRecord(0x18, []byte{0xAA, 0xBB})), "00E200C002AABB"},
		{"APPEND RECORD current EF", must(apdu.AppendRecord(0, []byte{0xAA})), "00E2000001AA"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := tc.cmd.MarshalBinary()
			require.NoError(t, err)
			assert.Equal(t, unhex(t, tc.hex), b)
		})
	}
}

func TestConstructorsRejectBadArguments(t *testing.T) {
	for _, tc := range []struct {
		name  string
		call  func() (apdu.Command, error)
		field string
	}{
		{"SFI 31", func() (apdu.Command, error) { return apdu.ReadBinary(31, 0, 4) }, "SFI"},
		{"offset 256 with SFI", func() (apdu.Command, error) { return apdu.ReadBinary(1, 256, 4) }, "offset"},
		{"offset 32768", func() (apdu.Command, error) { return apdu.ReadBinary(0, 0x8000, 4) }, "offset"},
		{"negative offset", func() (apdu.Command, error) { return apdu.UpdateBinary(0, -1, []byte{1}) }, "offset"},
		{"empty update", func() (apdu.Command, error) { return apdu.UpdateBinary(1, 0, nil) }, "Lc"},
		{"record FF", func() (apdu.Command, error) { return apdu.ReadRecord(1, 0xFF, 4) }, "record"},
		{"record SFI 31", func() (apdu.Command, error) { return apdu.UpdateRecord(31, 1, []byte{1}) }, "SFI"},
		{"empty record", func() (apdu.Command, error) { return apdu.UpdateRecord(1, 1, nil) }, "Lc"},
		{"empty append", func() (apdu.Command, error) { return apdu.AppendRecord(1, nil) }, "Lc"},
		{"append SFI 31", func() (apdu.Command, error) { return apdu.AppendRecord(31, []byte{1}) }, "SFI"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.call()
			require.Error(t, err)
			assert.ErrorIs(t, err, apdu.ErrOutOfRange)
			var fe *apdu.FieldError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tc.field, fe.Field)
		})
	}
	_, err := apdu.ReadBinary(31, 0, 4)
	assert.Equal(t, "apdu: 00 B0 00 00: SFI = 31: value out of range, expected an SFI of 1 to 30, or 0 for the current file", err.Error())
	assert.Equal(t, "00 B0 00 00：SFI = 31：取值超出范围，应为1至30的SFI，或0表示当前文件", l10n.Error(err, l10n.Chinese))
}

func TestResponse(t *testing.T) {
	r, err := apdu.ParseResponse(unhex(t, "11223344 9000"))
	require.NoError(t, err)
	assert.Equal(t, unhex(t, "11223344"), r.Data)
	assert.Equal(t, apdu.SWSuccess, r.SW)
	assert.True(t, r.OK())
	assert.NoError(t, r.Err())
	assert.Equal(t, unhex(t, "112233449000"), r.Bytes())
	b, err := r.MarshalBinary()
	require.NoError(t, err)
	assert.Equal(t, r.Bytes(), b)
	assert.Equal(t, "9000 success, 4 data bytes", r.String())
	assert.NotContains(t, fmt.Sprintf("%#v", r), "11223344")
	assert.NotContains(t, fmt.Sprintf("%+v", r), "17 34")

	r, err = apdu.ParseResponse([]byte{0x6A, 0x82})
	require.NoError(t, err)
	assert.Empty(t, r.Data)
	assert.False(t, r.OK())
	assert.ErrorIs(t, r.Err(), apdu.ErrFileNotFound)

	for _, in := range [][]byte{nil, {0x90}} {
		_, err = apdu.ParseResponse(in)
		var pe *apdu.ParseError
		require.ErrorAs(t, err, &pe)
		assert.ErrorIs(t, err, apdu.ErrTruncated)
		assert.Equal(t, len(in), pe.Offset)
		assert.Equal(t, "SW1-SW2", pe.Field)
	}
}
