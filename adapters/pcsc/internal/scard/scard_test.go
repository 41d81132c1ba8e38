package scard_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/pcsc/internal/scard"
)

func TestSplitMultiString(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want []string
	}{
		{"pcsc/two readers", "Virtual PCD 00 00\x00Virtual PCD 00 01\x00\x00", []string{"Virtual PCD 00 00", "Virtual PCD 00 01"}},
		{"pcsc/empty list", "\x00", []string{}},
		{"pcsc/nothing", "", []string{}},
		{"pcsc/no terminator", "A\x00B", []string{"A", "B"}},
		{"pcsc/junk after terminator", "A\x00\x00B\x00", []string{"A"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, scard.SplitMultiString([]byte(tc.in)))
		})
	}
}

func TestReceiveBufferSize(t *testing.T) {
	for _, tc := range []struct {
		name string
		cmd  []byte
		want int
	}{
		{"pcsc/case 1", []byte{0, 0xA4, 0, 0}, 258},
		{"pcsc/case 2 short", []byte{0, 0xB0, 0, 0, 0}, 258},
		{"pcsc/case 3 short", []byte{0, 0xA4, 4, 0, 2, 0x3F, 0}, 258},
		{"pcsc/case 2 extended", []byte{0, 0xB0, 0, 0, 0, 0x10, 0}, 65538},
		{"pcsc/case 4 extended", append(append([]byte{0, 0xEE, 0, 0, 0, 1, 0}, make([]byte, 256)...), 0, 0), 65538},
		{"pcsc/too long to be short", make([]byte, 300), 65538},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, scard.ReceiveBufferSize(tc.cmd))
		})
	}
}

func TestTimeoutMillis(t *testing.T) {
	assert.Equal(t, uint32(0xFFFFFFFF), scard.TimeoutMillis(scard.Infinite))
	assert.Equal(t, uint32(1500), scard.TimeoutMillis(1500*time.Millisecond))
	assert.Equal(t, uint32(0), scard.TimeoutMillis(0))
	assert.Equal(t, uint32(0xFFFFFFFE), scard.TimeoutMillis(time.Duration(1<<62)), "finite stays finite")
}

func TestCardRefusesBeforeReachingPCSC(t *testing.T) {
	for _, tc := range []struct {
		name  string
		proto scard.Protocol
		cmd   []byte
		want  error
	}{
		{"pcsc/empty command", scard.ProtocolT1, nil, scard.ErrCommandLength},
		{"pcsc/3-byte command", scard.ProtocolT0, []byte{0, 0xA4, 0}, scard.ErrCommandLength},
		{"pcsc/longer than extended", scard.ProtocolT1, make([]byte, scard.MaxCommand+1), scard.ErrCommandLength},
		{"pcsc/undefined protocol", scard.ProtocolUndefined, []byte{0, 0xA4, 0, 0}, scard.ErrProtocol},
		{"pcsc/raw protocol", 0x10000, []byte{0, 0xA4, 0, 0}, scard.ErrProtocol},
		{"pcsc/both bits", scard.ProtocolAny, []byte{0, 0xA4, 0, 0}, scard.ErrProtocol},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := scard.NewCardWithProtocol("R", tc.proto)
			_, err := k.Transmit(tc.cmd)
			assert.ErrorIs(t, err, tc.want)
		})
	}
}

func TestListReadersOutcomes(t *testing.T) {
	for _, tc := range []struct {
		name    string
		results []uint32 // return codes of successive fetches
		want    []string
		wantErr error
	}{
		{"pcsc/no readers is an empty list", []uint32{uint32(scard.CodeNoReadersAvailable)}, []string{}, nil},
		{"pcsc/readers", []uint32{0}, []string{"Virtual PCD 00 00"}, nil},
		{"pcsc/reader appeared meanwhile: retried", []uint32{uint32(scard.CodeInsufficientBuffer), 0}, []string{"Virtual PCD 00 00"}, nil},
		{"pcsc/keeps changing: error", []uint32{0x80100008, 0x80100008, 0x80100008, 0x80100008}, nil, scard.ErrInsufficientBuffer},
		{"pcsc/no service", []uint32{uint32(scard.CodeNoService)}, nil, scard.ErrNoService},
	} {
		t.Run(tc.name, func(t *testing.T) {
			i := 0
			got, err := scard.ListReadersWith(func() ([]string, uint32) {
				rv := tc.results[i]
				i++
				if rv == 0 {
					return []string{"Virtual PCD 00 00"}, 0
				}
				return nil, rv
			})
			assert.Equal(t, len(tc.results), i, "fetches")
			if tc.wantErr != nil {
				assert.ErrorIs(t, err, tc.wantErr)
				assert.Nil(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			assert.NotNil(t, got)
		})
	}
}

func FuzzSplitMultiString(f *testing.F) {
	f.Add([]byte("Virtual PCD 00 00\x00Virtual PCD 00 01\x00\x00"))
	f.Add([]byte{})
	f.Add([]byte{0})
	f.Add([]byte("A\x00\x00B"))
	f.Fuzz(func(t *testing.T, in []byte) {
		names := scard.SplitMultiString(in)
		var joined []byte
		for _, n := range names {
			require.NotEmpty(t, n)
			require.NotContains(t, n, "\x00")
			joined = append(append(joined, n...), 0)
		}
		// Round trip: the names, NUL-separated, are a prefix of the input
		// (up to a missing final NUL).
		if len(joined) > 0 && !bytes.HasPrefix(in, joined) {
			require.True(t, bytes.Equal(append(append([]byte(nil), in...), 0), joined), "%q vs %q", in, joined)
		}
	})
}

// FuzzCardTransmit: any protocol and any command length is refused with a
// typed error or reaches PC/SC (which rejects the never-connected handle);
// nothing panics.
func FuzzCardTransmit(f *testing.F) {
	f.Add(uint32(1), []byte{0, 0xA4, 0, 0})
	f.Add(uint32(2), []byte{0, 0xB0, 0, 0, 0, 0x10, 0})
	f.Add(uint32(0), []byte{})
	f.Add(uint32(0x10000), []byte{0, 0xA4})
	f.Add(uint32(3), bytes.Repeat([]byte{0xFF}, 300))
	f.Fuzz(func(t *testing.T, proto uint32, cmd []byte) {
		k := scard.NewCardWithProtocol("Fuzz 00 00", scard.Protocol(proto))
		rsp, err := k.Transmit(cmd)
		require.Error(t, err, "the card was never connected")
		assert.Nil(t, rsp)
		var pe *scard.Error
		var le *scard.CommandLengthError
		var pre *scard.ProtocolError
		assert.True(t, errors.As(err, &pe) || errors.As(err, &le) || errors.As(err, &pre) || errors.Is(err, scard.ErrUnsupported), "typed: %v", err)
	})
}
