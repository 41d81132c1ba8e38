package sam_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/apdu"
	"github.com/bjedu/studentcard/sam"
)

// educationDF is the AID the tests configure for the PSAM's education DF.
var educationDF = []byte{0xD1, 0x56, 0x00, 0x00, 0x01, 0x45, 0x44, 0x55}

func psamConfig(alg sam.Algorithm) sam.PSAMConfig {
	return sam.PSAMConfig{
		Suite: alg,
		ID:    samID,
		DF:    educationDF,
		Keys: map[sam.KeyRef]sam.PSAMKey{
			refExt: {Usage: sam.UsageEncrypt, Index: 0x01},
			refInt: {Usage: sam.UsageEncrypt, Index: 0x02},
			refMAC: {Usage: sam.UsageMAC, Index: 0x03},
			refEnc: {Usage: sam.UsageEncrypt, Index: 0x04},
		},
		Management: sam.PSAMKey{Usage: sam.UsageEncrypt, Index: 0x10},
	}
}

// recorder is a transport that logs every exchange in hex.
type recorder struct {
	mu  sync.Mutex
	t   apdu.Transport
	log []string
}

func (r *recorder) Transmit(ctx context.Context, cmd []byte) ([]byte, error) {
	resp, err := r.t.Transmit(ctx, cmd)
	r.mu.Lock()
	r.log = append(r.log, strings.ToUpper(hex.EncodeToString(cmd))+" -> "+strings.ToUpper(hex.EncodeToString(resp)))
	r.mu.Unlock()
	return resp, err
}

// commands returns the logged command hex, each cut to n characters.
func (r *recorder) commands(n int) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, len(r.log))
	for i, l := range r.log {
		out[i] = l[:min(n, strings.Index(l, " "))]
	}
	return out
}

// psamRig is a PSAM driver over a simulator, both keyed like the Soft SAM.
type psamRig struct {
	psam *sam.PSAM
	sim  *sam.PSAMSimulator
	rec  *recorder
	ks   *sam.KeySet
}

func newRig(t testing.TB, alg sam.Algorithm, t0 bool) psamRig {
	t.Helper()
	ks := testKeySet(t, alg)
	sim, err := sam.NewPSAMSimulator(ks, psamConfig(alg), t0)
	require.NoError(t, err)
	rec := &recorder{t: sim}
	p, err := sam.NewPSAM(rec, psamConfig(alg))
	require.NoError(t, err)
	mc, err := ks.ManagementCard(samID)
	require.NoError(t, err)
	require.NoError(t, p.Unlock(context.Background(), mc))
	return psamRig{psam: p, sim: sim, rec: rec, ks: ks}
}

// TestPSAMMatchesSoft: same inputs → same outputs from the Soft SAM and the
// PSAM driver over the simulator, for both suites, over T=1 and T=0 (61xx),
// with MAC data from empty to far beyond one 0x30-byte chunk.
func TestPSAMMatchesSoft(t *testing.T) {
	ctx := context.Background()
	for _, alg := range []sam.Algorithm{sam.TDES, sam.SM4} {
		soft, _ := unlockedSoft(t, alg)
		for _, t0 := range []bool{false, true} {
			rig := newRig(t, alg, t0)
			name := fmt.Sprintf("%s/T0=%v", alg, t0)
			divs := map[string]sam.Diversifier{
				"serial":    serial,
				"uid":       sam.UIDDiversifier([4]byte{0xA1, 0xB2, 0xC3, 0xD4}),
				"two-level": append(append(sam.Diversifier{}, serial...), 1, 2, 3, 4, 5, 6, 7, 8),
			}
			for dname, div := range divs {
				t.Run("A-2/"+name+"/"+dname+"/external authentication", func(t *testing.T) {
					for _, ch := range [][]byte{{1, 2, 3, 4}, {1, 2, 3, 4, 5, 6, 7, 8}} {
						want, err := soft.ExternalAuthenticate(ctx, refExt, div, ch)
						require.NoError(t, err)
						got, err := rig.psam.ExternalAuthenticate(ctx, refExt, div, ch)
						require.NoError(t, err)
						assert.Equal(t, want, got)
					}
				})
				t.Run("A-1/"+name+"/"+dname+"/internal authentication", func(t *testing.T) {
					random := []byte{8, 7, 6, 5, 4, 3, 2, 1}
					card, err := rig.ks.CardKeys(div)
					require.NoError(t, err)
					d1, err := card.Cryptogram(refInt, random)
					require.NoError(t, err)
					assert.NoError(t, rig.psam.VerifyInternalAuthenticate(ctx, refInt, div, random, d1))
					d1[0] ^= 0xFF
					assert.ErrorIs(t, rig.psam.VerifyInternalAuthenticate(ctx, refInt, div, random, d1), sam.ErrVerify)
				})
			}
			for _, n := range []int{0, 1, 7, 8, 15, 16, 31, 32, 39, 40, 47, 48, 100, 200, 1024} {
				t.Run(fmt.Sprintf("%s/MAC of %d bytes", name, n), func(t *testing.T) {
					data := bytes.Repeat([]byte{0x5A, 0x01, 0xC3}, n)[:n]
					iv := []byte{0xCA, 0xFE, 0xBA, 0xBE}
					want, err := soft.MAC(ctx, refMAC, serial, iv, data)
					require.NoError(t, err)
					got, err := rig.psam.MAC(ctx, refMAC, serial, iv, data)
					require.NoError(t, err)
					assert.Equal(t, want, got)
					assert.NoError(t, rig.psam.VerifyMAC(ctx, refMAC, serial, iv, data, want))
					want[3] ^= 1
					assert.ErrorIs(t, rig.psam.VerifyMAC(ctx, refMAC, serial, iv, data, want), sam.ErrVerify)
				})
			}
			for _, n := range []int{0, 5, 7, 15, 46, 47, 48, 120, 255} {
				t.Run(fmt.Sprintf("%s/Encrypt %d bytes", name, n), func(t *testing.T) {
					data := bytes.Repeat([]byte{0x33}, n)
					want, err := soft.Encrypt(ctx, refEnc, serial, data)
					require.NoError(t, err)
					got, err := rig.psam.Encrypt(ctx, refEnc, serial, data)
					require.NoError(t, err)
					assert.Equal(t, want, got)
				})
			}
		}
	}
}

// TestPSAMWire pins the exact APDUs: SELECT, 80 1A with the level count in
// the usage byte, and 80 FA chunking with P1 07/03/01 and 61xx + GET
// RESPONSE over T=0.
func TestPSAMWire(t *testing.T) {
	ctx := context.Background()
	rig := newRig(t, sam.TDES, true)
	assert.Equal(t, []string{
		"00A4040008D156000001454455", // SELECT education DF
		"801A2710081100000000000001", // management key: 1 level, type 07, index 10, div = SAM id
		"80FA0000081100000000000001", // encrypt the SAM id
		"00C0000008",                 // T=0: GET RESPONSE
	}, rig.rec.commands(26))

	rig.rec.log = nil
	data := make([]byte, 100) // IV 8 + 104 padded = 112 bytes = 48 + 48 + 16
	_, err := rig.psam.MAC(ctx, refMAC, serial, []byte{1, 2, 3, 4}, data)
	require.NoError(t, err)
	assert.Equal(t, []string{
		"801A280308" + "1000202400001234",
		"80FA070030" + "0102030400000000", // first chunk: the IV, zero-extended, then data
		"80FA030030" + "0000000000000000", // middle chunk
		"80FA010010" + "0000000000000000", // last chunk: 8 data bytes + 80 00…
		"00C0000004",
	}, rig.rec.commands(26))

	rig.rec.log = nil
	_, err = rig.psam.ExternalAuthenticate(ctx, refExt, append(sam.UIDDiversifier([4]byte{9, 9, 9, 9}), serial...), []byte{1, 2, 3, 4})
	require.NoError(t, err)
	assert.Equal(t, []string{"801A470110", "80FA000008", "00C0000008"}, rig.rec.commands(10), "two levels: usage 47, Lc 10")
}

func TestPSAMLockAndErrors(t *testing.T) {
	ctx := context.Background()
	for _, alg := range []sam.Algorithm{sam.TDES, sam.SM4} {
		ks := testKeySet(t, alg)
		sim, err := sam.NewPSAMSimulator(ks, psamConfig(alg), false)
		require.NoError(t, err)
		p, err := sam.NewPSAM(sim, psamConfig(alg))
		require.NoError(t, err)
		t.Run("S-6/"+alg.Name()+"/locked until the management card", func(t *testing.T) {
			before := sim.Commands()
			_, err := p.MAC(ctx, refMAC, serial, nil, nil)
			assert.ErrorIs(t, err, sam.ErrLocked)
			_, err = p.ExternalAuthenticate(ctx, refExt, serial, []byte{1})
			assert.ErrorIs(t, err, sam.ErrLocked)
			_, err = p.Encrypt(ctx, refEnc, serial, nil)
			assert.ErrorIs(t, err, sam.ErrLocked)
			assert.ErrorIs(t, p.VerifyMAC(ctx, refMAC, serial, nil, nil, nil), sam.ErrLocked)
			assert.ErrorIs(t, p.VerifyInternalAuthenticate(ctx, refInt, serial, []byte{1}, nil), sam.ErrLocked)
			assert.Equal(t, before, sim.Commands(), "a locked driver sends nothing")
		})
		t.Run("S-6/"+alg.Name()+"/wrong management cards", func(t *testing.T) {
			other, err := ks.ManagementCard(sam.SAMID{0x11, 0, 0, 0, 0, 0, 0, 0x02})
			require.NoError(t, err)
			assert.ErrorIs(t, p.Unlock(ctx, other), sam.ErrManagementCard)
			raw, err := other.MarshalBinary()
			require.NoError(t, err)
			copy(raw[2:10], samID[:])
			forged, err := sam.ParseManagementCard(raw)
			require.NoError(t, err)
			assert.ErrorIs(t, p.Unlock(ctx, forged), sam.ErrManagementCard)
			_, err = p.MAC(ctx, refMAC, serial, nil, nil)
			assert.ErrorIs(t, err, sam.ErrLocked)
			// a management card from another city's management key
			ks2 := testKeySet(t, alg)
			require.NoError(t, ks2.SetManagementKey(bytes.Repeat([]byte{0x42}, 16)))
			foreign, err := ks2.ManagementCard(samID)
			require.NoError(t, err)
			assert.ErrorIs(t, p.Unlock(ctx, foreign), sam.ErrManagementCard)
		})
		mc, err := ks.ManagementCard(samID)
		require.NoError(t, err)
		require.NoError(t, p.Unlock(ctx, mc))
		t.Run(alg.Name()+"/errors", func(t *testing.T) {
			_, err := p.MAC(ctx, sam.KeyRef{ID: 0x77}, serial, nil, nil)
			assert.ErrorIs(t, err, sam.ErrUnknownKey)
			_, err = p.MAC(ctx, refMAC, serial[:4], nil, nil)
			assert.ErrorIs(t, err, sam.ErrDataSize)
			_, err = p.MAC(ctx, refMAC, serial, make([]byte, 17), nil)
			assert.ErrorIs(t, err, sam.ErrDataSize)
			_, err = p.ExternalAuthenticate(ctx, refExt, serial, nil)
			assert.ErrorIs(t, err, sam.ErrDataSize)
			_, err = p.Encrypt(ctx, refEnc, serial, make([]byte, 256))
			assert.ErrorIs(t, err, sam.ErrDataSize)
			// the PSAM refuses a MAC with an encryption-type key: 6985 comes back typed
			bad := psamConfig(alg)
			bad.Keys[refMAC] = sam.PSAMKey{Usage: sam.UsageEncrypt, Index: 0x01}
			p2, err := sam.NewPSAM(sim, bad)
			require.NoError(t, err)
			require.NoError(t, p2.Unlock(ctx, mc))
			_, err = p2.MAC(ctx, refMAC, serial, nil, []byte("x"))
			require.ErrorIs(t, err, sam.ErrPSAM)
			assert.ErrorIs(t, err, apdu.ErrConditionsNotSatisfied)
			var pe *sam.PSAMError
			require.True(t, errors.As(err, &pe))
			assert.Contains(t, pe.Command, "80 FA 05")
			// a key index the PSAM does not hold: 6A88
			bad.Keys[refMAC] = sam.PSAMKey{Usage: sam.UsageMAC, Index: 0x55}
			p3, err := sam.NewPSAM(sim, bad)
			require.NoError(t, err)
			require.NoError(t, p3.Unlock(ctx, mc))
			_, err = p3.MAC(ctx, refMAC, serial, nil, nil)
			assert.ErrorIs(t, err, sam.ErrPSAM)
			assert.Contains(t, err.Error(), "80 1A 28 55")
			assertNoSecret(t, alg, err)
		})
		t.Run(alg.Name()+"/transport failure and canceled context", func(t *testing.T) {
			boom := errors.New("reader unplugged")
			pf, err := sam.NewPSAM(apdu.TransportFunc(func(context.Context, []byte) ([]byte, error) { return nil, boom }), psamConfig(alg))
			require.NoError(t, err)
			err = pf.Unlock(ctx, mc)
			assert.ErrorIs(t, err, boom)
			assert.ErrorIs(t, err, sam.ErrPSAM)
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			_, err = p.MAC(cctx, refMAC, serial, nil, nil)
			assert.ErrorIs(t, err, context.Canceled)
		})
		t.Run(alg.Name()+"/short answers are refused", func(t *testing.T) {
			// a PSAM that answers 9000 with no data to everything
			pz, err := sam.NewPSAM(apdu.TransportFunc(func(context.Context, []byte) ([]byte, error) { return []byte{0x90, 0x00}, nil }), psamConfig(alg))
			require.NoError(t, err)
			err = pz.Unlock(ctx, mc)
			assert.ErrorIs(t, err, sam.ErrPSAM)
			assert.ErrorIs(t, err, sam.ErrDataSize)
		})
		t.Run(alg.Name()+"/close", func(t *testing.T) {
			require.NoError(t, p.Close())
			_, err := p.MAC(ctx, refMAC, serial, nil, nil)
			assert.ErrorIs(t, err, sam.ErrClosed)
			assert.ErrorIs(t, p.Unlock(ctx, mc), sam.ErrClosed)
			assert.Equal(t, "sam.PSAM{"+alg.Name()+" SAM 1100000000000001 closed}", p.String())
		})
	}
}

func TestPSAMConfigErrors(t *testing.T) {
	ks := testKeySet(t, sam.TDES)
	for name, mutate := range map[string]func(*sam.PSAMConfig){
		"unknown suite":          func(c *sam.PSAMConfig) { c.Suite = 0 },
		"chunk not whole blocks": func(c *sam.PSAMConfig) { c.Chunk = 0x31 },
		"chunk of one block":     func(c *sam.PSAMConfig) { c.Chunk = 8 },
		"DF of 3 bytes":          func(c *sam.PSAMConfig) { c.DF = []byte{1, 2, 3} },
		"key type 0":             func(c *sam.PSAMConfig) { c.Keys[refMAC] = sam.PSAMKey{Index: 3} },
		"key type over 5 bits":   func(c *sam.PSAMConfig) { c.Management = sam.PSAMKey{Usage: 0x27, Index: 3} },
		"management key reused":  func(c *sam.PSAMConfig) { c.Keys[refMAC] = c.Management },
	} {
		t.Run(name, func(t *testing.T) {
			cfg := psamConfig(sam.TDES)
			mutate(&cfg)
			_, err := sam.NewPSAM(apdu.TransportFunc(nil), cfg)
			assert.ErrorIs(t, err, sam.ErrConfig)
			_, err = sam.NewPSAMSimulator(ks, cfg, false)
			assert.ErrorIs(t, err, sam.ErrConfig)
		})
	}
	_, err := sam.NewPSAM(nil, psamConfig(sam.TDES))
	assert.ErrorIs(t, err, sam.ErrConfig)
	_, err = sam.NewPSAMSimulator(testKeySet(t, sam.SM4), psamConfig(sam.TDES), false)
	assert.ErrorIs(t, err, sam.ErrConfig, "suite mismatch")
	cfg := psamConfig(sam.TDES)
	cfg.Keys[sam.KeyRef{ID: 0x66}] = sam.PSAMKey{Usage: 7, Index: 0x66}
	_, err = sam.NewPSAMSimulator(ks, cfg, false)
	assert.ErrorIs(t, err, sam.ErrUnknownKey)
}

// TestPSAMOneOperationAtATime runs many goroutines on one driver: the
// PSAM's single working register must never mix two operations' 80 1A/80 FA
// (the simulator would then answer with wrong keys and the MACs would differ).
func TestPSAMOneOperationAtATime(t *testing.T) {
	ctx := context.Background()
	rig := newRig(t, sam.SM4, true)
	soft, _ := unlockedSoft(t, sam.SM4)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 6 {
		wg.Go(func() {
			for i := range 15 {
				data := bytes.Repeat([]byte{byte(g), byte(i)}, 40)
				want, err := soft.MAC(ctx, refMAC, serial, nil, data)
				if err == nil {
					err = rig.psam.VerifyMAC(ctx, refMAC, serial, nil, data, want)
				}
				if err == nil {
					_, err = rig.psam.ExternalAuthenticate(ctx, refExt, serial, data[:4])
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
}

// TestPSAMTraceShowsNoSecret is SPEC A-3 on the wire: with the apdu trace on,
// the log shows the PSAM's commands but neither the management card's
// authentication value, nor cryptograms, nor MACs, nor key bytes.
func TestPSAMTraceShowsNoSecret(t *testing.T) {
	ctx := context.Background()
	for _, alg := range []sam.Algorithm{sam.TDES, sam.SM4} {
		t.Run("A-3/"+alg.Name(), func(t *testing.T) {
			ks := testKeySet(t, alg)
			sim, err := sam.NewPSAMSimulator(ks, psamConfig(alg), true)
			require.NoError(t, err)
			var log bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
			p, err := sam.NewPSAM(sim, psamConfig(alg), apdu.WithTrace(logger, nil))
			require.NoError(t, err)
			mc, err := ks.ManagementCard(samID)
			require.NoError(t, err)
			require.NoError(t, p.Unlock(ctx, mc))
			crypt, err := p.ExternalAuthenticate(ctx, refExt, serial, []byte{1, 2, 3, 4})
			require.NoError(t, err)
			mac, err := p.MAC(ctx, refMAC, serial, []byte{5, 6, 7, 8}, []byte("registry record"))
			require.NoError(t, err)
			raw, err := mc.MarshalBinary()
			require.NoError(t, err)
			out := log.String()
			require.Contains(t, strings.ToUpper(out), "80FA", "the trace did log the PSAM commands")
			for _, secret := range [][]byte{raw[10:], crypt, mac} {
				assert.NotContains(t, strings.ToUpper(out), strings.ToUpper(hex.EncodeToString(secret)))
			}
			assertNoSecret(t, alg, out)
		})
	}
}
