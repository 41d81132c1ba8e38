package sam_test

import (
	"context"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/sam"
)

// TestPSAMSimulatorStatusWords scripts the simulator directly: every refusal
// is a status word, as a real PSAM gives it.
func TestPSAMSimulatorStatusWords(t *testing.T) {
	ctx := context.Background()
	const (
		sel   = selectEducationDF
		init  = "801A2803081000202400001234" // MAC key, 1 level
		initE = "801A2701081000202400001234" // encryption key 01
	)
	for _, tc := range []struct {
		name string
		t0   bool
		cmds []string
		want string // status word (and data) of the last answer, hex
	}{
		{"malformed APDU", false, []string{"80"}, "6700"},
		{"unknown instruction", false, []string{"80CA0000"}, "6D00"},
		{"unknown class", false, []string{"A0A4000002DF01"}, "6E00"},
		{"80 1A before SELECT", false, []string{init}, "6985"},
		{"SELECT of another DF", false, []string{"00A4040005A000000003"}, "6A82"},
		{"SELECT with a bad P1", false, []string{"00A4080002DF01"}, "6A86"},
		{"80 1A Lc not 8 × levels", false, []string{sel, "801A28030410002024"}, "6700"},
		{"80 1A with no level", false, []string{sel, "801A0803081000202400001234"}, "6700"},
		{"80 1A of a key the PSAM lacks", false, []string{sel, "801A2877081000202400001234"}, "6A88"},
		{"80 1A with the wrong key type", false, []string{sel, "801A2703081000202400001234"}, "6A88"},
		{"80 FA before 80 1A", false, []string{sel, "80FA0000080000000000000000"}, "6985"},
		{"80 FA with P2 set", false, []string{sel, init, "80FA0001080000000000000000"}, "6A86"},
		{"80 FA with an unknown P1", false, []string{sel, init, "80FA0900080000000000000000"}, "6A86"},
		{"80 FA not whole blocks", false, []string{sel, init, "80FA000003000000"}, "6700"},
		{"80 FA over the chunk size", false, []string{sel, init, "80FA000038" + strings.Repeat("00", 0x38)}, "6700"},
		{"MAC with an encryption key", false, []string{sel, initE, "80FA050010" + strings.Repeat("00", 16)}, "6985"},
		{"MAC middle without a first", false, []string{sel, init, "80FA030008" + strings.Repeat("00", 8)}, "6985"},
		{"MAC single without a block after the IV", false, []string{sel, init, "80FA050008" + strings.Repeat("00", 8)}, "6700"},
		{"encrypt during a MAC", false, []string{sel, init, "80FA070010" + strings.Repeat("00", 16), "80FA000008" + strings.Repeat("00", 8)}, "6985"},
		{"GET RESPONSE with nothing pending", true, []string{sel, "00C0000008"}, "6985"},
		{"GET RESPONSE after another command", true, []string{sel, init, "80FA000008" + strings.Repeat("00", 8), "80CA0000", "00C0000008"}, "6985"},
		{"T=0 answers 61xx", true, []string{sel, init, "80FA000010" + strings.Repeat("00", 16)}, "6110"},
		{"GET RESPONSE in parts", true, []string{sel, init, "80FA000010" + strings.Repeat("00", 16), "00C000000C"}, "*6104"},
		{"reset drops the DF selection", false, []string{sel, "RESET", init}, "6985"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sim, err := sam.NewPSAMSimulator(testKeySet(t, sam.TDES), psamConfig(sam.TDES), tc.t0)
			require.NoError(t, err)
			var last []byte
			for _, c := range tc.cmds {
				if c == "RESET" {
					sim.Reset()
					continue
				}
				last, err = sim.Transmit(ctx, mustHex(t, c))
				require.NoError(t, err)
			}
			if want, partial := strings.CutPrefix(tc.want, "*"); partial {
				assert.Len(t, last, 12+2, "12 bytes of data, then the SW")
				assert.Equal(t, want, strings.ToUpper(hex.EncodeToString(last[len(last)-2:])))
				return
			}
			assert.Equal(t, tc.want, strings.ToUpper(hex.EncodeToString(last)))
		})
	}
	sim, err := sam.NewPSAMSimulator(testKeySet(t, sam.TDES), psamConfig(sam.TDES), false)
	require.NoError(t, err)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = sim.Transmit(cctx, mustHex(t, selectEducationDF))
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, "sam.PSAMSimulator{3DES SAM 1100000000000001}", sim.String())
}

// selectEducationDF is SELECT of educationDF by name.
const selectEducationDF = "00A4040008D156000001454455"

// TestPSAMAfterSAMReset: a PSAM power cycle loses the DF selection; the
// driver's next operation fails with the PSAM's 6985 as a typed error, and
// Unlock (what a reader does after every start, SPEC S-6) recovers.
func TestPSAMAfterSAMReset(t *testing.T) {
	ctx := context.Background()
	rig := newRig(t, sam.SM4, false)
	rig.sim.Reset()
	_, err := rig.psam.MAC(ctx, refMAC, serial, nil, nil)
	assert.ErrorIs(t, err, sam.ErrPSAM)
	mc, err := rig.ks.ManagementCard(samID)
	require.NoError(t, err)
	require.NoError(t, rig.psam.Unlock(ctx, mc))
	_, err = rig.psam.MAC(ctx, refMAC, serial, nil, nil)
	assert.NoError(t, err)
}
