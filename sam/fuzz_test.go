package sam_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/apdu"
	"github.com/bjedu/studentcard/sam"
)

// FuzzParseManagementCard: any bytes parse or fail with ErrMalformed, never
// panic; what parses marshals back to the same bytes.
func FuzzParseManagementCard(f *testing.F) {
	ks := testKeySet(f, sam.SM4)
	mc, err := ks.ManagementCard(samID)
	require.NoError(f, err)
	good, err := mc.MarshalBinary()
	require.NoError(f, err)
	f.Add(good)
	f.Add([]byte{})
	f.Add([]byte{1, 3})
	f.Add(append([]byte{2}, good[1:]...))
	f.Add(append(good, 0))
	f.Fuzz(func(t *testing.T, b []byte) {
		mc, err := sam.ParseManagementCard(b)
		if err != nil {
			assert.ErrorIs(t, err, sam.ErrMalformed)
			return
		}
		back, err := mc.MarshalBinary()
		require.NoError(t, err)
		assert.Equal(t, b, back)
	})
}

// splitAPDUs cuts fuzz input into commands, each prefixed by its length.
func splitAPDUs(b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		n := min(int(b[0]), len(b)-1)
		out = append(out, b[1:1+n])
		b = b[1+n:]
	}
	return out
}

// joinAPDUs is the inverse of splitAPDUs, for seeds.
func joinAPDUs(cmds ...[]byte) []byte {
	var out []byte
	for _, c := range cmds {
		out = append(out, byte(len(c)))
		out = append(out, c...)
	}
	return out
}

// FuzzPSAMSimulator feeds any sequence of command APDUs to the simulator:
// it must answer each with at least a status word and never panic.
func FuzzPSAMSimulator(f *testing.F) {
	seq := func(cmds ...string) []byte {
		var bs [][]byte
		for _, c := range cmds {
			bs = append(bs, mustHex(f, c))
		}
		return joinAPDUs(bs...)
	}
	f.Add(seq("00A4040008D156000001454455", "801A2803081000202400001234", "80FA0500100000000000000000800000000000000000", "00C0000004"))
	f.Add(seq("00A4040008D156000001454455", "801A2803081000202400001234", "80FA0700100000000000000000AAAAAAAAAAAAAAAA", "80FA030008BBBBBBBBBBBBBBBB", "80FA010008CC80000000000000"))
	f.Add(seq("801A0000", "80FA0100", "00C00000FF", "00A4000002"))
	f.Add(seq("00A4040008D156000001454455", "801A4701101111111111111111222222222222222222", "80FA020008", "80FA000008"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, alg := range []sam.Algorithm{sam.TDES, sam.SM4} {
			for _, t0 := range []bool{false, true} {
				sim, err := sam.NewPSAMSimulator(testKeySet(t, alg), psamConfig(alg), t0)
				require.NoError(t, err)
				for _, cmd := range splitAPDUs(b) {
					resp, err := sim.Transmit(context.Background(), cmd)
					require.NoError(t, err)
					require.GreaterOrEqual(t, len(resp), 2)
				}
			}
		}
	})
}

// FuzzPSAMDriver answers the driver's commands with fuzzed responses: every
// call ends in a result or a typed error, never a panic, and a wrong answer
// never verifies.
func FuzzPSAMDriver(f *testing.F) {
	f.Add(joinAPDUs([]byte{0x90, 0x00}, []byte{0x90, 0x00}, mustHex(f, "11223344556677889000")))
	f.Add(joinAPDUs([]byte{0x61, 0x08}, mustHex(f, "11223344556677889000")))
	f.Add(joinAPDUs([]byte{0x6A, 0x88}))
	f.Add(joinAPDUs([]byte{0x6C, 0x04}, []byte{0x61, 0x00}, []byte{0x61, 0x02}))
	f.Add([]byte{0, 1, 0x90})
	f.Fuzz(func(t *testing.T, b []byte) {
		answers := splitAPDUs(b)
		tr := apdu.TransportFunc(func(context.Context, []byte) ([]byte, error) {
			if len(answers) == 0 {
				return nil, errors.New("script ended")
			}
			a := answers[0]
			answers = answers[1:]
			return a, nil
		})
		for _, alg := range []sam.Algorithm{sam.TDES, sam.SM4} {
			p, err := sam.NewPSAM(tr, psamConfig(alg))
			require.NoError(t, err)
			ks := testKeySet(t, alg)
			mc, err := ks.ManagementCard(samID)
			require.NoError(t, err)
			if err := p.Unlock(context.Background(), mc); err != nil {
				continue // a random answer is no management-key cryptogram: expected
			}
			t.Fatal("fuzzed answers unlocked the PSAM driver")
		}
		// Past the lock: drive every operation over the fuzzed answers.
		for _, alg := range []sam.Algorithm{sam.TDES, sam.SM4} {
			ks := testKeySet(t, alg)
			mc, err := ks.ManagementCard(samID)
			require.NoError(t, err)
			sim, err := sam.NewPSAMSimulator(ks, psamConfig(alg), false)
			require.NoError(t, err)
			useSim := true
			answers = splitAPDUs(b)
			mixed := apdu.TransportFunc(func(ctx context.Context, cmd []byte) ([]byte, error) {
				if useSim {
					return sim.Transmit(ctx, cmd)
				}
				return tr(ctx, cmd)
			})
			p, err := sam.NewPSAM(mixed, psamConfig(alg))
			require.NoError(t, err)
			require.NoError(t, p.Unlock(context.Background(), mc))
			useSim = false
			ctx := context.Background()
			_, _ = p.ExternalAuthenticate(ctx, refExt, serial, []byte{1, 2, 3, 4})
			_, _ = p.MAC(ctx, refMAC, serial, nil, bytes.Repeat([]byte{1}, 100))
			_, _ = p.Encrypt(ctx, refEnc, serial, bytes.Repeat([]byte{2}, 60))
			_ = p.VerifyInternalAuthenticate(ctx, refInt, serial, []byte{1, 2, 3, 4, 5, 6, 7, 8}, bytes.Repeat([]byte{0xEE}, 8))
		}
	})
}

// FuzzParseSAMID: any string parses to an id that prints back the same
// (upper-case) hex, or fails with ErrMalformed.
func FuzzParseSAMID(f *testing.F) {
	f.Add("1100000000000001")
	f.Add("abcdefABCDEF0123")
	f.Add("")
	f.Add("zz00000000000000")
	f.Fuzz(func(t *testing.T, s string) {
		id, err := sam.ParseSAMID(s)
		if err != nil {
			assert.ErrorIs(t, err, sam.ErrMalformed)
			return
		}
		assert.Equal(t, strings.ToUpper(s), id.String())
	})
}
