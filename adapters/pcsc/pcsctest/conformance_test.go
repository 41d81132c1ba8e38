package pcsctest_test

import (
	"bufio"
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/pcsc/pcsctest"
	"github.com/bjedu/studentcard/apdu"
	"github.com/bjedu/studentcard/card"
	"github.com/bjedu/studentcard/card/sim"
	"github.com/bjedu/studentcard/sam"
)

// relay is an apdu.Transport through testdata/relay.py: pyscard over
// libpcsclite and pcscd, a PC/SC client nobody here wrote. The SDK only
// computes the cryptograms and MACs; every byte goes through pyscard.
type relay struct {
	in  io.WriteCloser
	out *bufio.Scanner
	atr []byte
}

func (r *relay) Transmit(_ context.Context, cmd []byte) ([]byte, error) {
	if _, err := fmt.Fprintf(r.in, "%x\n", cmd); err != nil {
		return nil, err
	}
	if !r.out.Scan() {
		return nil, fmt.Errorf("relay.py ended: %v", r.out.Err())
	}
	return hex.DecodeString(r.out.Text())
}

// startRelay runs relay.py on the reader. Without python3-pyscard the test
// fails in CI and is skipped elsewhere.
func startRelay(t *testing.T, reader string) *relay {
	t.Helper()
	python := "/usr/bin/python3" // Debian's, where python3-pyscard lives, not a pyenv shim
	if _, err := os.Stat(python); err != nil {
		python = "python3"
	}
	if out, err := exec.Command(python, "-c", "import smartcard").CombinedOutput(); err != nil {
		msg := fmt.Sprintf("pyscard not importable by %s (Debian: apt-get install python3-pyscard): %v %s", python, err, out)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	cmd := exec.Command(python, "testdata/relay.py", reader)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	require.NoError(t, err)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = in.Close()
		_ = cmd.Wait()
	})
	r := &relay{in: in, out: bufio.NewScanner(out)}
	require.True(t, r.out.Scan(), "relay.py printed nothing")
	atr, ok := strings.CutPrefix(r.out.Text(), "ATR ")
	require.True(t, ok, "relay.py: %s", r.out.Text())
	r.atr, err = hex.DecodeString(atr)
	require.NoError(t, err)
	return r
}

func hexBytes(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	require.NoError(t, err)
	return b
}

// The simulated card answers as ISO/IEC 7816-4 and common COS practice do,
// checked through pcscd with pyscard: every deviation issue 16 lists, from
// SELECT P2=0C to the MAC-failure counter.
func TestConformanceThroughPyscard(t *testing.T) {
	chip, terminalSAM := keyedCard(t, sim.WithMACRetries(2))
	s := pcsctest.Require(t)
	s.Insert(t, chip)
	r := startRelay(t, s.Reader)
	ctx := context.Background()
	assert.Equal(t, chip.ATR(), r.atr, "pcscd reports the sim's ATR to pyscard")

	send := func(t *testing.T, cmd []byte) (data []byte, sw string) {
		t.Helper()
		rsp, err := r.Transmit(ctx, cmd)
		require.NoError(t, err)
		require.GreaterOrEqual(t, len(rsp), 2)
		return rsp[:len(rsp)-2], fmt.Sprintf("%02X%02X", rsp[len(rsp)-2], rsp[len(rsp)-1])
	}
	const aid = "F0424A45445501"
	fci, sw := send(t, hexBytes(t, "00A40400 07"+aid+"00"))
	require.Equal(t, "9000", sw)
	for _, tc := range []struct {
		name, cmd, sw string
		data          int
	}{
		{"ISO 7816-4: SELECT P2=0C (OpenSC's probe) selects, no FCI", "00A4040C 07" + aid, "9000", 0},
		{"ISO 7816-4: Le absent on T=1: no FCI", "00A40400 07" + aid, "9000", 0},
		{"ISO 7816-4: Le smaller than the FCI: 6Cxx", "00A40400 07" + aid + "04", fmt.Sprintf("6C%02X", len(fci)), 0},
		{"ISO 7816-4: READ BINARY at the end of file: 6B00", "00B09510 01", "6B00", 0},
		{"ISO 7816-4: READ BINARY across the end: the rest and 6282", "00B0950C 08", "6282", 4},
		{"READ BINARY Le 00 reads to the end", "00B09504 00", "9000", card.CardInfoSize - 4},
		{"READ BINARY without Le: 6700", "00B09500", "6700", 0},
		{"chained command refused, never ignored: 6884", "10D69800 0100", "6884", 0},
		{"unknown instruction: 6D00", "00FE0000", "6D00", 0},
		{"ISO 7816-4: PC/SC pseudo-APDU FF D6 is the reader's: 6E00", "FFD60004 10" + strings.Repeat("00", 16), "6E00", 0},
		{"PC/SC GET UID is the reader's: 6E00", "FFCA0000 00", "6E00", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, sw := send(t, hexBytes(t, tc.cmd))
			assert.Equal(t, tc.sw, sw)
			assert.Len(t, data, tc.data)
		})
	}

	t.Run("unknown instruction before SELECT is 6D00, after a power cycle", func(t *testing.T) {
		chip.PowerOff()
		chip.PowerOn()
		_, sw := send(t, hexBytes(t, "00FE0000"))
		assert.Equal(t, "6D00", sw)
		_, sw = send(t, hexBytes(t, "00840000 04"))
		assert.Equal(t, "6985", sw, "a known instruction before SELECT")
	})

	readStudent := func(t *testing.T) string {
		t.Helper()
		_, sw := send(t, hexBytes(t, "00B09600 10"))
		return sw
	}
	protected := func(t *testing.T, flip bool) string {
		t.Helper()
		iv, sw := send(t, hexBytes(t, "00840000 04"))
		require.Equal(t, "9000", sw)
		input := hexBytes(t, "04D69800 05 01")
		mac, err := terminalSAM.MAC(ctx, sam.KeyRef{ID: card.KeyIDMAC, Version: 1}, chip.Info().Diversifier(), iv, input)
		require.NoError(t, err)
		if flip {
			mac[0] ^= 1
		}
		_, sw = send(t, append(input, mac...))
		return sw
	}
	authenticate := func(t *testing.T) {
		t.Helper()
		_, err := card.Open(ctx, r, terminalSAM)
		require.NoError(t, err, "SELECT, INTERNAL and EXTERNAL AUTHENTICATE through pyscard")
	}

	t.Run("ISO 7816-4: a failed SELECT keeps the selection and the authentication", func(t *testing.T) {
		authenticate(t)
		require.Equal(t, "9000", readStudent(t))
		_, sw := send(t, hexBytes(t, "00A40400 05A000000003 00"))
		assert.Equal(t, "6A82", sw)
		assert.Equal(t, "9000", readStudent(t), "still selected and authenticated")
		assert.Equal(t, "9000", protected(t, false))
	})

	t.Run("a wrong MAC clears the security state; two in a row block the MAC key", func(t *testing.T) {
		authenticate(t)
		assert.Equal(t, "6988", protected(t, true))
		assert.Equal(t, "6982", readStudent(t), "security state cleared after 6988")
		assert.Equal(t, "6982", protected(t, false), "no write without a new authentication")
		authenticate(t)
		assert.Equal(t, "6988", protected(t, true))
		authenticate(t)
		assert.Equal(t, "6983", protected(t, false), "blocked after WithMACRetries wrong MACs in a row")
	})

	t.Run("apdu.Client keeps the data of the 6282 warning", func(t *testing.T) {
		resp, err := apdu.NewClient(r).Do(ctx, apdu.Command{INS: apdu.INSReadBinary, P1: 0x95, P2: 0x0C, Le: 8})
		require.NoError(t, err)
		assert.Len(t, resp.Data, 4)
		assert.ErrorIs(t, resp.Warning(), apdu.ErrWarning)
	})
}
