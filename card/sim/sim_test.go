package sim_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/apdu"
	"github.com/bjedu/studentcard/card"
	"github.com/bjedu/studentcard/card/sim"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/lab"
	"github.com/bjedu/studentcard/sam"
)

// keySet is the lab issuer's master key set of the tests.
func keySet(t testing.TB, alg sam.Algorithm) *sam.KeySet {
	t.Helper()
	ks, err := lab.Keys(alg, "sim tests")
	require.NoError(t, err)
	return ks
}

// softSAM is the terminal's Soft SAM loaded with ks, unlocked (SPEC S-6).
func softSAM(t testing.TB, ks *sam.KeySet) *sam.Soft {
	t.Helper()
	s, err := lab.Unlocked(context.Background(), lab.SAMID("sim tests"), ks)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func info(alg sam.Algorithm) card.CardInfo {
	return lab.Info(alg, [8]byte{1, 2, 3, 4, 5, 6, 7, 8}, time.Time{})
}

func newCard(t testing.TB, opts ...sim.Option) *sim.Card {
	t.Helper()
	c, err := sim.New(keySet(t, sam.TDES), info(sam.TDES), opts...)
	require.NoError(t, err)
	return c
}

func hexCmd(t testing.TB, s string) []byte {
	t.Helper()
	var b []byte
	for _, f := range bytes.Fields([]byte(s)) {
		var v byte
		for _, c := range f {
			v <<= 4
			switch {
			case c >= '0' && c <= '9':
				v |= c - '0'
			default:
				v |= c - 'A' + 10
			}
		}
		b = append(b, v)
	}
	return b
}

func send(t testing.TB, c apdu.Transport, cmd []byte) []byte {
	t.Helper()
	resp, err := c.Transmit(context.Background(), cmd)
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(resp), 2)
	return resp
}

func swOf(resp []byte) string {
	return apdu.StatusWord(uint16(resp[len(resp)-2])<<8 | uint16(resp[len(resp)-1])).String()[:4]
}

const selectEdu = "00 A4 04 00 07 F0 42 4A 45 44 55 01 00"

// Every status word the COS answers outside a session, in the order a
// terminal meets them (ISO/IEC 7816-4 and common COS practice).
func TestStatusWords(t *testing.T) {
	c := newCard(t)
	for _, tc := range []struct{ name, cmd, sw string }{
		{"known instruction before SELECT", "00 84 00 00 04", "6985"},
		{"ISO 7816-4: unknown instruction before SELECT is 6D00", "00 FE 00 00", "6D00"},
		{"ISO 7816-4: PC/SC pseudo-APDU FF D6 is the reader's, not the card's", "FF D6 00 04 10 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00", "6E00"},
		{"PC/SC GET UID is not the card's either", "FF CA 00 00 00", "6E00"},
		{"other application", "00 A4 04 00 05 A0 00 00 00 03 00", "6A82"},
		{"select education application", selectEdu, "9000"},
		{"unknown instruction", "00 FE 00 00", "6D00"},
		{"unknown class", "80 CA 00 00 00", "6E00"},
		{"chained command: chaining not supported", "10 D6 98 00 01 00", "6884"},
		{"logical channel 1 not supported", "01 B0 95 00 10", "6881"},
		{"secure messaging on a read not supported", "04 B0 95 00 10", "6882"},
		{"malformed APDU", "00 B0 95", "6700"},
		{"challenge of 5 bytes", "00 84 00 00 05", "6700"},
		{"card info readable", "00 B0 95 00 10", "9000"},
		{"student record needs A-2", "00 B0 96 00 00", "6982"},
		{"extension readable", "00 B0 98 00 40", "9000"},
		{"ISO 7816-4: read across the end: the rest and 6282", "00 B0 95 08 10", "6282"},
		{"ISO 7816-4: read at the end of file is 6B00", "00 B0 95 10 01", "6B00"},
		{"read beyond the end of file is 6B00", "00 B0 95 20 01", "6B00"},
		{"read without Le", "00 B0 95 00", "6700"},
		{"unknown file", "00 B0 9E 00 00", "6A82"},
		{"empty log", "00 B2 01 BC 10", "6A83"},
		{"plain write refused", "00 D6 98 00 01 00", "6982"},
		{"external authenticate without challenge", "00 82 00 02 08 00 00 00 00 00 00 00 00", "6984"},
		{"external authenticate wrong key id", "00 82 00 09 08 00 00 00 00 00 00 00 00", "6A88"},
		{"internal authenticate wrong key id", "00 88 00 02 08 00 00 00 00 00 00 00 00 00", "6A88"},
		{"GET RESPONSE with nothing pending", "00 C0 00 00 08", "6985"},
		{"protected write before A-2", "04 D6 98 00 05 00 01 02 03 04", "6982"},
		{"SELECT by path not supported", "00 A4 08 00 02 10 02", "6A86"},
	} {
		assert.Equal(t, tc.sw, swOf(send(t, c, hexCmd(t, tc.cmd))), tc.name)
	}
}

// Ne is honoured (ISO/IEC 7816-4 clause 5.1): data of the size asked for,
// 6Cxx when a fixed-size answer does not fit, nothing when Le is absent.
func TestNe(t *testing.T) {
	c := newCard(t)
	fci := send(t, c, hexCmd(t, selectEdu))
	require.Equal(t, "9000", swOf(fci))
	n := len(fci) - 2
	for _, tc := range []struct {
		name, cmd, sw string
		data          int
	}{
		{"ISO 7816-4: SELECT without Le on T=1 returns no FCI", "00 A4 04 00 07 F0 42 4A 45 44 55 01", "9000", 0},
		{"ISO 7816-4: SELECT with an Le smaller than the FCI: exact length", "00 A4 04 00 07 F0 42 4A 45 44 55 01 04", fmt.Sprintf("6C%02X", n), 0},
		{"SELECT with the exact Le", fmt.Sprintf("00 A4 04 00 07 F0 42 4A 45 44 55 01 %02X", n), "9000", n},
		{"ISO 7816-4: SELECT P2=0C (OpenSC's probe) returns no FCI", "00 A4 04 0C 07 F0 42 4A 45 44 55 01", "9000", 0},
		{"READ BINARY Le smaller than the file reads Le bytes", "00 B0 95 00 04", "9000", 4},
		{"READ BINARY Le 00 reads to the end", "00 B0 95 04 00", "9000", card.CardInfoSize - 4},
		{"READ BINARY across the end returns the rest with 6282", "00 B0 95 0C 08", "6282", 4},
	} {
		resp := send(t, c, hexCmd(t, tc.cmd))
		assert.Equal(t, tc.sw, swOf(resp), tc.name)
		assert.Len(t, resp, tc.data+2, tc.name)
	}

	// apdu.Client.Do keeps the data of a 6282 answer.
	resp, err := apdu.NewClient(c).Do(context.Background(), apdu.Command{INS: apdu.INSReadBinary, P1: 0x95, P2: 0x0C, Le: 8})
	require.NoError(t, err)
	assert.Len(t, resp.Data, 4)
	assert.ErrorIs(t, resp.Warning(), apdu.ErrWarning)
}

// authenticated opens a session on c (SELECT, INTERNAL and EXTERNAL
// AUTHENTICATE) and returns the SAM, for raw protected commands.
func authenticated(t *testing.T, c *sim.Card, ks *sam.KeySet) *sam.Soft {
	t.Helper()
	s := softSAM(t, ks)
	_, err := card.Open(context.Background(), c, s)
	require.NoError(t, err)
	return s
}

// protected sends a secure-messaging UPDATE BINARY of data at offset 0 of
// the extension area (GET CHALLENGE, then 04 D6 98 00 Lc data ‖ MAC) and
// returns the status word; flip corrupts the MAC.
func protected(t *testing.T, c *sim.Card, s *sam.Soft, data []byte, flip bool) string {
	t.Helper()
	ctx := context.Background()
	ch := send(t, c, hexCmd(t, "00 84 00 00 04"))
	require.Equal(t, "9000", swOf(ch))
	input := append([]byte{0x04, 0xD6, 0x98, 0x00, byte(len(data) + sam.MACSize)}, data...)
	mac, err := s.MAC(ctx, sam.KeyRef{ID: card.KeyIDMAC, Version: 1}, c.Info().Diversifier(), ch[:4], input)
	require.NoError(t, err)
	if flip {
		mac[0] ^= 1
	}
	return swOf(send(t, c, append(input, mac...)))
}

func TestFailedSelectKeepsSelectionAndSecurityState(t *testing.T) {
	ks := keySet(t, sam.TDES)
	c, err := sim.New(ks, info(sam.TDES))
	require.NoError(t, err)
	s := authenticated(t, c, ks)
	require.Equal(t, "9000", swOf(send(t, c, hexCmd(t, "00 B0 96 00 10"))), "A-2 done: the student file is readable")
	for _, cmd := range []string{
		"00 A4 04 00 05 A0 00 00 00 03 00",       // another application: 6A82
		"00 A4 04 07 07 F0 42 4A 45 44 55 01 00", // bad P2: 6A86
	} {
		assert.NotEqual(t, "9000", swOf(send(t, c, hexCmd(t, cmd))))
		assert.Equal(t, "9000", swOf(send(t, c, hexCmd(t, "00 B0 96 00 10"))), "ISO 7816-4: a failed SELECT keeps the selection and authentication")
	}
	assert.Equal(t, "9000", protected(t, c, s, []byte{1, 2, 3}, false), "and protected writes still work")
	assert.Equal(t, "9000", swOf(send(t, c, hexCmd(t, "00 A4 04 0C 07 F0 42 4A 45 44 55 01"))))
	assert.Equal(t, "6982", swOf(send(t, c, hexCmd(t, "00 B0 96 00 10"))), "a successful SELECT resets the security state")
}

func TestWrongMACClearsSecurityStateAndBlocks(t *testing.T) {
	ks := keySet(t, sam.TDES)
	c, err := sim.New(ks, info(sam.TDES), sim.WithMACRetries(3))
	require.NoError(t, err)
	s := authenticated(t, c, ks)
	assert.Equal(t, "6988", protected(t, c, s, []byte{1}, true))
	assert.Equal(t, "6982", protected(t, c, s, []byte{1}, false), "A-2: after 6988 the security state is cleared: no write without a new authentication")
	assert.Equal(t, "6982", swOf(send(t, c, hexCmd(t, "00 B0 96 00 10"))))

	s = authenticated(t, c, ks)
	assert.Equal(t, "9000", protected(t, c, s, []byte{1}, false), "a correct MAC resets the counter")
	for i := range 3 {
		s = authenticated(t, c, ks)
		assert.Equal(t, "6988", protected(t, c, s, []byte{2}, true), "wrong MAC %d", i+1)
	}
	s = authenticated(t, c, ks)
	assert.Equal(t, "6983", protected(t, c, s, []byte{2}, false), "after 3 wrong MACs in a row the MAC key is blocked")
	c.PowerOff()
	c.PowerOn()
	s = authenticated(t, c, ks)
	assert.Equal(t, "6983", protected(t, c, s, []byte{2}, false), "the block is non-volatile")
	assert.Equal(t, []byte{1}, c.Files().Extension[:1], "nothing written after the first good write")

	_, err = sim.New(ks, info(sam.TDES), sim.WithMACRetries(0))
	assert.ErrorIs(t, err, sim.ErrConfig)
}

func TestT0GetResponse(t *testing.T) {
	c := newCard(t, sim.WithT0())
	assert.Equal(t, []byte{0x3B, 0x08, 'B', 'J', 'E', 'D', 'U', 1, 0, 0}, c.ATR())
	resp := send(t, c, hexCmd(t, selectEdu))
	require.Equal(t, byte(0x61), resp[0])
	n := resp[1]
	assert.Equal(t, "6C"+string("0123456789ABCDEF"[n>>4])+string("0123456789ABCDEF"[n&15]), swOf(send(t, c, []byte{0, 0xC0, 0, 0, n - 1})))
	resp = send(t, c, []byte{0, 0xC0, 0, 0, n})
	assert.Equal(t, "9000", swOf(resp))
	_, _, err := card.DecodeFCI(resp[:len(resp)-2])
	assert.NoError(t, err)
}

func TestPowerAndTear(t *testing.T) {
	ctx := context.Background()
	c := newCard(t)
	assert.Equal(t, byte(0x3B), c.ATR()[0])
	assert.True(t, c.Present())
	c.Tear(2, sim.TearBefore)
	send(t, c, hexCmd(t, selectEdu))
	_, err := c.Transmit(ctx, hexCmd(t, "00 84 00 00 04"))
	var te *sim.TearError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, 2, te.APDU)
	assert.ErrorIs(t, err, sim.ErrRemoved)
	assert.False(t, c.Present())
	_, err = c.Transmit(ctx, hexCmd(t, selectEdu))
	assert.ErrorIs(t, err, sim.ErrRemoved)
	assert.Contains(t, l10n.Error(err, l10n.Chinese), "卡片")

	c.PowerOn()
	assert.True(t, c.Present())
	assert.Equal(t, "6985", swOf(send(t, c, hexCmd(t, "00 84 00 00 04"))), "selection is volatile")
	c.PowerOff()
	_, err = c.Transmit(ctx, hexCmd(t, selectEdu))
	assert.ErrorIs(t, err, sim.ErrRemoved)
	c.Reset()
	st := c.Stats()
	assert.Equal(t, 1, st.Tears)
	assert.Equal(t, 2, st.PowerOns)
	assert.Equal(t, 2, st.APDUs, "torn and refused exchanges are not counted")

	ctxDone, cancel := context.WithCancel(ctx)
	cancel()
	_, err = c.Transmit(ctxDone, hexCmd(t, selectEdu))
	assert.ErrorIs(t, err, context.Canceled)
}

func TestTimingModel(t *testing.T) {
	assert.Equal(t, 4*time.Millisecond+8*100*time.Second/106_000, sim.ExchangeTime(60, 40))
	c := newCard(t)
	resp := send(t, c, hexCmd(t, selectEdu))
	st := c.Stats()
	assert.Equal(t, sim.ExchangeTime(13, len(resp)), st.Modelled)
	assert.Equal(t, 13, st.BytesIn)
	assert.Equal(t, len(resp), st.BytesOut)
	assert.Equal(t, 1, st.ByINS[0xA4])
	assert.Contains(t, st.String(), "1 APDUs")
	c.ResetStats()
	assert.Zero(t, c.Stats().APDUs)
}

func TestConfig(t *testing.T) {
	_, err := sim.New(keySet(t, sam.TDES), info(sam.SM4))
	assert.ErrorIs(t, err, sim.ErrConfig)
	_, err = sim.New(keySet(t, sam.TDES), info(sam.TDES), sim.WithRetries(0))
	assert.ErrorIs(t, err, sim.ErrConfig)
	_, err = sim.New(nil, info(sam.TDES))
	assert.ErrorIs(t, err, sim.ErrConfig)
}

func TestFormatHidesKeysAndFiles(t *testing.T) {
	c := newCard(t)
	files := c.Files()
	assert.Len(t, files.Student, card.StudentFileSize)
	assert.Len(t, files.CardInfo, card.CardInfoSize)
	assert.Empty(t, files.Log)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		assert.Equal(t, "sim.Card{serial 0102030405060708 3DES, 0 log records}", fmt.Sprintf(verb, c))
		assert.Equal(t, "sim.M1Card{UID DE AD BE EF}", fmt.Sprintf(verb, newM1()))
	}
}

func TestTearErrorText(t *testing.T) {
	err := &sim.TearError{APDU: 3, Mode: sim.TearLoseResponse}
	assert.Equal(t, "sim: card torn away at APDU 3 (executed, answer lost)", err.Error())
	assert.Equal(t, "第3条APDU时卡片被拔离（已执行，应答丢失）", l10n.Error(err, l10n.Chinese))
	assert.Equal(t, "模拟卡配置：x", l10n.Error(&sim.ConfigError{Reason: "x"}, l10n.Chinese))
}
