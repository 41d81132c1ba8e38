package sim_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/apdu"
	"github.com/bjedu/studentcard/card"
	"github.com/bjedu/studentcard/card/sim"
	"github.com/bjedu/studentcard/sam"
)

// script splits fuzz input into APDUs, each prefixed by its length byte.
func script(b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		n := int(b[0])
		b = b[1:]
		n = min(n, len(b))
		out = append(out, b[:n])
		b = b[n:]
	}
	return out
}

func withLen(cmds ...[]byte) []byte {
	var out []byte
	for _, c := range cmds {
		out = append(out, byte(len(c)))
		out = append(out, c...)
	}
	return out
}

// FuzzCardDispatcher sends arbitrary APDU sequences to a card on which a
// session has just authenticated (so writes, challenges and reads are
// reachable): the COS must never panic and always answer a status word.
func FuzzCardDispatcher(f *testing.F) {
	f.Add(withLen(hexCmd(f, "00 84 00 00 04"), hexCmd(f, "04 E2 00 B8 14 00 01 01 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00")))
	f.Add(withLen(hexCmd(f, "00 B0 96 00 00"), hexCmd(f, "00 B2 01 BC 10"), hexCmd(f, "00 C0 00 00 10")))
	f.Add(withLen(hexCmd(f, selectEdu), hexCmd(f, "00 88 00 01 08 01 02 03 04 05 06 07 08 00")))
	f.Add(withLen(hexCmd(f, "00 84 00 00 08"), hexCmd(f, "00 82 00 02 08 01 02 03 04 05 06 07 08")))
	f.Add(withLen(hexCmd(f, "04 D6 96 FF 05 01 02 03 04 05"), []byte{0x00, 0xB0, 0x96, 0x00, 0x00, 0x01, 0x00}))
	s := softSAM(f, keySet(f, sam.TDES))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, t0 := range []bool{false, true} {
			c := newCard(t)
			if t0 {
				c = newCard(t, sim.WithT0())
			}
			_, err := card.Open(context.Background(), c, s)
			require.NoError(t, err)
			for _, cmd := range script(b) {
				resp, err := c.Transmit(context.Background(), cmd)
				require.NoError(t, err)
				require.GreaterOrEqual(t, len(resp), 2)
			}
		}
	})
}

// FuzzM1Dispatcher does the same for the M1 card's pseudo-APDUs.
func FuzzM1Dispatcher(f *testing.F) {
	f.Add(withLen(hexCmd(f, "FF CA 00 00 00"), hexCmd(f, "FF 82 00 00 06 FF FF FF FF FF FF"), hexCmd(f, "FF 86 00 00 05 01 00 07 60 00"), hexCmd(f, "FF B0 00 07 10")))
	f.Add(withLen(hexCmd(f, "FF 82 00 01 06 FF FF FF FF FF FF"), hexCmd(f, "FF 86 00 00 05 01 00 3F 60 01"), hexCmd(f, "FF D6 00 3F 10 00 00 00 00 00 00 FF 07 80 69 FF FF FF FF FF FF")))
	f.Fuzz(func(t *testing.T, b []byte) {
		c := newM1()
		for _, cmd := range script(b) {
			resp, err := c.Transmit(context.Background(), cmd)
			require.NoError(t, err)
			require.GreaterOrEqual(t, len(resp), 2)
		}
	})
}

func newM1() *sim.M1Card { return sim.NewM1([4]byte{0xDE, 0xAD, 0xBE, 0xEF}) }

// reader is what a virtual reader (adapters/vpcd) serves a card through:
// both simulated cards must keep these exact methods.
type reader interface {
	apdu.Transport
	ATR() []byte
	PowerOn()
	PowerOff()
	Reset()
}

var (
	_ reader = (*sim.M1Card)(nil)
	_ reader = (*sim.Card)(nil)
)
