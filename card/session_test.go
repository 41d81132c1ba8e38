package card_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/apdu"
	"github.com/bjedu/studentcard/card"
	"github.com/bjedu/studentcard/card/sim"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/sam"
)

func TestOpenMutualAuthentication(t *testing.T) {
	ctx := context.Background()
	for _, alg := range suites {
		t.Run(alg.Name(), func(t *testing.T) {
			t.Run("A-1 A-2/success in 4 APDUs", func(t *testing.T) {
				f := newFixture(t, alg)
				s, err := f.open(ctx)
				require.NoError(t, err)
				st := f.card.Stats()
				assert.Equal(t, 4, st.APDUs, "SELECT, INTERNAL AUTH, GET CHALLENGE, EXTERNAL AUTH")
				for _, ins := range []byte{apdu.INSSelect, apdu.INSInternalAuthenticate, apdu.INSGetChallenge, apdu.INSExternalAuthenticate} {
					assert.Equal(t, 1, st.ByINS[ins], "INS %02X", ins)
				}
				assert.Equal(t, testInfo(alg), s.Info())
				assert.Equal(t, card.Blank, s.State().Status)
				assert.Equal(t, "8610202600001234", s.Info().Serial.String())
				assert.Equal(t, card.OpNone, s.Completed())
			})
			t.Run("A-1 A-2/T=0 card with GET RESPONSE", func(t *testing.T) {
				f := newFixture(t, alg, sim.WithT0())
				_, err := f.open(ctx)
				require.NoError(t, err)
				st := f.card.Stats()
				assert.Equal(t, 2, st.ByINS[apdu.INSGetResponse], "after SELECT and INTERNAL AUTHENTICATE")
				assert.Equal(t, 6, st.APDUs)
			})
			t.Run("A-1/counterfeit card: internal authentication cryptogram wrong", func(t *testing.T) {
				f := newFixture(t, alg, sim.WithWrongKey(card.KeyIDInternal))
				_, err := f.open(ctx)
				require.ErrorIs(t, err, card.ErrCounterfeit)
				assert.ErrorIs(t, err, sam.ErrVerify)
				assert.Equal(t, 2, f.card.Stats().APDUs, "stops before the terminal proves anything")
				assert.Contains(t, l10n.Error(err, l10n.Chinese), "内部认证失败")
			})
			t.Run("A-1/card of another issuer", func(t *testing.T) {
				f := newFixture(t, alg)
				other := testKeySet(t, alg, 0x90)
				_, err := card.Open(ctx, f.card, unlockedSAM(t, other))
				require.ErrorIs(t, err, card.ErrCounterfeit)
			})
			t.Run("A-2/wrong terminal key, retries counted down, then blocked", func(t *testing.T) {
				f := newFixture(t, alg, sim.WithWrongKey(card.KeyIDExternal))
				for want := sim.DefaultRetries - 1; want >= 0; want-- {
					_, err := f.open(ctx)
					var ae *card.AuthError
					require.ErrorAs(t, err, &ae)
					assert.ErrorIs(t, err, card.ErrWrongKey)
					assert.Equal(t, want, ae.Retries)
					assert.Equal(t, want == 0, errors.Is(err, card.ErrKeyBlocked))
				}
				_, err := f.open(ctx)
				require.ErrorIs(t, err, card.ErrKeyBlocked)
				assert.ErrorIs(t, err, apdu.ErrAuthBlocked)
				assert.Equal(t, 0, f.card.Retries())
			})
			t.Run("A-2/a success resets the retry counter", func(t *testing.T) {
				f := newFixture(t, alg)
				bad := testKeySet(t, alg, 0x30)
				require.NoError(t, bad.Add(sam.KeyRef{ID: card.KeyIDExternal, Version: 1}, make([]byte, 16)))
				_, err := card.Open(ctx, f.card, unlockedSAM(t, bad))
				require.ErrorIs(t, err, card.ErrWrongKey)
				assert.Equal(t, sim.DefaultRetries-1, f.card.Retries())
				f.mustOpen(t)
				assert.Equal(t, sim.DefaultRetries, f.card.Retries())
			})
			t.Run("SAM locked", func(t *testing.T) {
				f := newFixture(t, alg)
				f.sam.Lock()
				_, err := f.open(ctx)
				require.ErrorIs(t, err, sam.ErrLocked)
			})
			t.Run("suite mismatch", func(t *testing.T) {
				f := newFixture(t, alg)
				other := sam.SM4
				if alg == sam.SM4 {
					other = sam.TDES
				}
				_, err := card.Open(ctx, f.card, unlockedSAM(t, testKeySet(t, other, 0x30)))
				var se *card.SuiteError
				require.ErrorAs(t, err, &se)
				assert.ErrorIs(t, err, card.ErrSuiteMismatch)
			})
		})
	}
}

func TestOpenNotOurCard(t *testing.T) {
	ctx := context.Background()
	ks := testKeySet(t, sam.TDES, 0x30)
	s := unlockedSAM(t, ks)
	transitOnly := apdu.TransportFunc(func(context.Context, []byte) ([]byte, error) { return []byte{0x6A, 0x82}, nil })
	_, err := card.Open(ctx, transitOnly, s)
	require.ErrorIs(t, err, card.ErrNotOurCard)
	assert.ErrorIs(t, err, apdu.ErrFileNotFound)

	garbage := apdu.TransportFunc(func(context.Context, []byte) ([]byte, error) { return []byte{0x6F, 0x02, 0x84, 0x00, 0x90, 0x00}, nil })
	_, err = card.Open(ctx, garbage, s)
	require.ErrorIs(t, err, card.ErrNotOurCard)
	assert.ErrorIs(t, err, card.ErrMalformed)

	removed := newFixture(t, sam.TDES)
	removed.card.Remove()
	_, err = removed.open(ctx)
	require.ErrorIs(t, err, sim.ErrRemoved)
	assert.NotErrorIs(t, err, card.ErrNotOurCard)
}

// recorder keeps every command sent through it, to replay them later.
type recorder struct {
	mu   sync.Mutex
	next apdu.Transport
	cmds [][]byte
}

func (r *recorder) Transmit(ctx context.Context, cmd []byte) ([]byte, error) {
	r.mu.Lock()
	r.cmds = append(r.cmds, append([]byte(nil), cmd...))
	r.mu.Unlock()
	return r.next.Transmit(ctx, cmd)
}

func TestSecureMessaging(t *testing.T) {
	ctx := context.Background()
	for _, alg := range suites {
		t.Run(alg.Name(), func(t *testing.T) {
			t.Run("A-2/flipped MAC refused, nothing written", func(t *testing.T) {
				f := newFixture(t, alg)
				s := f.mustOpen(t)
				f.card.FlipNextMAC()
				err := s.Personalise(ctx, testStudent())
				require.ErrorIs(t, err, card.ErrMACRefused)
				assert.ErrorIs(t, err, apdu.ErrMACWrong)
				assert.Equal(t, make([]byte, card.StudentFileSize), f.card.Files().Student)
				assert.Equal(t, 1, f.card.Stats().MACFlips)
			})
			t.Run("A-2/replayed protected write refused", func(t *testing.T) {
				f := newFixture(t, alg)
				rec := &recorder{next: f.card}
				s, err := card.Open(ctx, rec, f.sam, card.WithSchool(f.school))
				require.NoError(t, err)
				require.NoError(t, s.Personalise(ctx, testStudent()))
				require.NoError(t, s.Freeze(ctx))
				freeze := rec.cmds[len(rec.cmds)-1]
				require.Equal(t, byte(0x04), freeze[0])
				require.Equal(t, apdu.INSAppendRecord, freeze[1])
				s2 := f.mustOpen(t)
				require.NoError(t, s2.Unfreeze(ctx))

				// Same session state, the old freeze command sent again: once
				// with no challenge, once after a fresh GET CHALLENGE.
				resp, err := f.card.Transmit(ctx, freeze)
				require.NoError(t, err)
				assert.Equal(t, []byte{0x69, 0x84}, resp, "no challenge: reference data not usable")
				_, err = f.card.Transmit(ctx, []byte{0x00, 0x84, 0x00, 0x00, 0x04})
				require.NoError(t, err)
				resp, err = f.card.Transmit(ctx, freeze)
				require.NoError(t, err)
				assert.Equal(t, []byte{0x69, 0x88}, resp, "fresh challenge: MAC wrong")
				assert.Equal(t, card.Personalised, f.mustOpen(t).State().Status)
			})
			t.Run("A-2/replayed external authentication cryptogram refused", func(t *testing.T) {
				f := newFixture(t, alg)
				rec := &recorder{next: f.card}
				_, err := card.Open(ctx, rec, f.sam)
				require.NoError(t, err)
				var ext []byte
				for _, c := range rec.cmds {
					if c[1] == apdu.INSExternalAuthenticate {
						ext = c
					}
				}
				require.NotNil(t, ext)
				f.card.Reset()
				_, err = f.card.Transmit(ctx, append([]byte{0x00, 0xA4, 0x04, 0x00, byte(len(card.AID()))}, card.AID()...))
				require.NoError(t, err)
				_, err = f.card.Transmit(ctx, []byte{0x00, 0x84, 0x00, 0x00, 0x08})
				require.NoError(t, err)
				resp, err := f.card.Transmit(ctx, ext)
				require.NoError(t, err)
				assert.Equal(t, byte(0x63), resp[0], "the old cryptogram does not fit the new challenge")
				assert.Equal(t, sim.DefaultRetries-1, f.card.Retries())
			})
			t.Run("A-2/no write without external authentication", func(t *testing.T) {
				f := newFixture(t, alg)
				_, err := f.card.Transmit(ctx, append([]byte{0x00, 0xA4, 0x04, 0x00, byte(len(card.AID()))}, card.AID()...))
				require.NoError(t, err)
				_, err = f.card.Transmit(ctx, []byte{0x00, 0x84, 0x00, 0x00, 0x04})
				require.NoError(t, err)
				resp, err := f.card.Transmit(ctx, append([]byte{0x04, 0xD6, 0x96, 0x00, 0x08}, make([]byte, 8)...))
				require.NoError(t, err)
				assert.Equal(t, []byte{0x69, 0x82}, resp)
				resp, err = f.card.Transmit(ctx, []byte{0x00, 0xB0, 0x96, 0x00, 0x00})
				require.NoError(t, err)
				assert.Equal(t, []byte{0x69, 0x82}, resp, "personal data is not readable before A-2")
			})
		})
	}
}

func TestOpenUnexpectedAnswers(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, sam.TDES)
	short := apdu.TransportFunc(func(ctx context.Context, cmd []byte) ([]byte, error) {
		resp, err := f.card.Transmit(ctx, cmd)
		if err == nil && cmd[1] == apdu.INSInternalAuthenticate && len(resp) > 6 {
			resp = resp[4:]
		}
		return resp, err
	})
	_, err := card.Open(ctx, short, f.sam)
	require.ErrorIs(t, err, card.ErrUnexpected)
	assert.ErrorIs(t, err, card.ErrMalformed)

	done, cancel := context.WithCancel(ctx)
	cancel()
	_, err = f.open(done)
	require.ErrorIs(t, err, context.Canceled)

}
