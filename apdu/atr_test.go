package apdu_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/apdu"
	"github.com/bjedu/studentcard/l10n"
)

// withTCK appends the check byte that makes the exclusive-or of T0 … TCK zero.
func withTCK(atr []byte) []byte {
	var tck byte
	for _, b := range atr[1:] {
		tck ^= b
	}
	return append(atr, tck)
}

// atrWithCaps is a T=1 contactless ATR (3B 8n 80 01 … TCK) whose historical
// bytes are category 80 and a card capabilities object 73 00 00 third.
func atrWithCaps(third byte) []byte {
	return withTCK([]byte{0x3B, 0x85, 0x80, 0x01, 0x80, 0x73, 0x00, 0x00, third})
}

func TestParseATR(t *testing.T) {
	for _, tc := range []struct {
		name       string
		atr        []byte
		protocols  []int
		historical string
		caps       apdu.Capabilities
	}{
		{"capabilities: chaining only", atrWithCaps(0x80), []int{0, 1}, "8073000080", apdu.Capabilities{Chaining: true}},
		{"capabilities: chaining and extended length", atrWithCaps(0xC0), []int{0, 1}, "80730000C0", apdu.Capabilities{Chaining: true, ExtendedLength: true}},
		{"capabilities: neither", atrWithCaps(0x00), []int{0, 1}, "8073000000", apdu.Capabilities{}},
		{"proprietary historical bytes announce nothing", withTCK(unhex(t, "3B888001 424A454455010000")), []int{0, 1}, "424A454455010000", apdu.Capabilities{}},
		{"T=0 without TCK", unhex(t, "3B08 424A454455010000"), []int{0}, "424A454455010000", apdu.Capabilities{}},
		{"category 00: objects before the status indicator", unhex(t, "3B08 00 730000C0 009000"), []int{0}, "00730000C0009000", apdu.Capabilities{Chaining: true, ExtendedLength: true}},
		{"category 00 too short for its status indicator", unhex(t, "3B03 009000"), []int{0}, "009000", apdu.Capabilities{}},
		{"a capabilities object of 1 byte says nothing of chaining", withTCK(unhex(t, "3B838001 807180")), []int{0, 1}, "807180", apdu.Capabilities{}},
		{"a truncated object", withTCK(unhex(t, "3B838001 807300")), []int{0, 1}, "807300", apdu.Capabilities{}},
		{"TA1 TB1 TC1 TD1, TD2, TA3 TB3", withTCK(unhex(t, "3BF8 13 00 00 81 31 FE 45 424A454455010000")), []int{1, 1}, "424A454455010000", apdu.Capabilities{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := apdu.ParseATR(tc.atr)
			require.NoError(t, err)
			assert.Equal(t, tc.protocols, a.Protocols)
			assert.Equal(t, unhex(t, tc.historical), a.Historical)
			assert.Equal(t, tc.caps, a.Capabilities())
		})
	}
}

func TestParseATRMalformed(t *testing.T) {
	good := atrWithCaps(0x80)
	bad := append([]byte(nil), good...)
	bad[len(bad)-1] ^= 1
	for _, tc := range []struct {
		name  string
		atr   []byte
		off   int
		field string
		err   error
	}{
		{"empty", nil, 0, "T0", apdu.ErrTruncated},
		{"TS only", []byte{0x3B}, 1, "T0", apdu.ErrTruncated},
		{"TS neither 3B nor 3F", []byte{0x3C, 0x00}, 0, "TS", apdu.ErrOutOfRange},
		{"interface byte missing", []byte{0x3B, 0x10}, 2, "interface bytes", apdu.ErrTruncated},
		{"TD missing", []byte{0x3B, 0x80}, 2, "TD", apdu.ErrTruncated},
		{"historical bytes short", unhex(t, "3B08 4243"), 4, "historical bytes", apdu.ErrTruncated},
		{"TCK missing", good[:len(good)-1], len(good) - 1, "TCK", apdu.ErrTruncated},
		{"TCK wrong", bad, len(bad) - 1, "TCK", apdu.ErrOutOfRange},
		{"trailing byte", append(append([]byte(nil), good...), 0), len(good), "TCK", apdu.ErrTrailingData},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := apdu.ParseATR(tc.atr)
			require.ErrorIs(t, err, tc.err)
			var pe *apdu.ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.off, pe.Offset)
			assert.Equal(t, tc.field, pe.Field)
			assert.Contains(t, l10n.Error(err, l10n.Chinese), "复位应答")
		})
	}
}

func TestDoReturnsWarningsWithData(t *testing.T) {
	for _, tc := range []struct {
		name    string
		sw      string
		warning bool
	}{
		{"6282 end of file before Le bytes: data kept, no error", "6282", true},
		{"6283 selected file deactivated", "6283", true},
		{"6381 file filled up", "6381", true},
		{"6281 data may be corrupted stays an error", "6281", false},
		{"6300 verification failed stays an error", "6300", false},
		{"63C2 retries left stays an error", "63C2", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := script(t, "> 00B0950010\n< 0102030405 "+tc.sw)
			resp, err := apdu.NewClient(s).Do(t.Context(), must(apdu.ReadBinary(0x15, 0, 16)))
			assert.Equal(t, unhex(t, "0102030405"), resp.Data, "the data is never lost")
			if tc.warning {
				require.NoError(t, err)
				assert.ErrorIs(t, resp.Warning(), apdu.ErrWarning)
				assert.True(t, resp.SW.IsWarning())
			} else {
				assert.ErrorIs(t, err, apdu.ErrStatus)
				assert.NotErrorIs(t, err, apdu.ErrWarning)
				assert.NoError(t, resp.Warning())
			}
		})
	}
	assert.NoError(t, apdu.Response{SW: apdu.SWSuccess}.Warning())
}

func TestCommandStringSaysChainedOrExtended(t *testing.T) {
	data := make([]byte, 300)
	assert.Equal(t, "00 D6 00 00 Lc=300 Le=none long (extended or chained)", apdu.Command{INS: 0xD6, Data: data}.String())
	assert.Equal(t, "00 D6 00 00 Lc=300 Le=none extended", apdu.Command{INS: 0xD6, Data: data, Extended: true}.String())
	assert.Equal(t, "00 B0 00 00 Lc=0 Le=300 extended", apdu.Command{INS: 0xB0, Le: 300}.String())
	assert.Equal(t, "00 D6 00 00 Lc=10 Le=none", apdu.Command{INS: 0xD6, Data: data[:10]}.String())
}
