package sam_test

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/sam"
)

// Fixed test keys; every test that prints something asserts none of these
// hex strings (nor their diversified forms) appears.
var (
	masterHex = map[sam.KeyRef]string{
		{ID: 0x01, Version: 0x01}: "404142434445464748494A4B4C4D4E4F", // external authentication
		{ID: 0x02, Version: 0x01}: "505152535455565758595A5B5C5D5E5F", // internal authentication
		{ID: 0x03, Version: 0x01}: "606162636465666768696A6B6C6D6E6F", // secure messaging (MAC)
		{ID: 0x04, Version: 0x01}: "707172737475767778797A7B7C7D7E7F", // data encryption
	}
	mgmtHex = "808182838485868788898A8B8C8D8E8F"
	refExt  = sam.KeyRef{ID: 0x01, Version: 0x01}
	refInt  = sam.KeyRef{ID: 0x02, Version: 0x01}
	refMAC  = sam.KeyRef{ID: 0x03, Version: 0x01}
	refEnc  = sam.KeyRef{ID: 0x04, Version: 0x01}
	samID   = sam.SAMID{0x11, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01}
	serial  = sam.SerialDiversifier([8]byte{0x10, 0x00, 0x20, 0x24, 0x00, 0x00, 0x12, 0x34})
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

// testKeySet builds the issuer's key set for a suite.
func testKeySet(t testing.TB, alg sam.Algorithm) *sam.KeySet {
	t.Helper()
	ks, err := sam.NewKeySet(alg)
	require.NoError(t, err)
	for ref, h := range masterHex {
		require.NoError(t, ks.Add(ref, mustHex(t, h)))
	}
	require.NoError(t, ks.SetManagementKey(mustHex(t, mgmtHex)))
	return ks
}

// unlockedSoft returns a Soft SAM unlocked with its own management card.
func unlockedSoft(t testing.TB, alg sam.Algorithm) (*sam.Soft, *sam.KeySet) {
	t.Helper()
	ks := testKeySet(t, alg)
	s, err := sam.NewSoft(samID, ks)
	require.NoError(t, err)
	mc, err := ks.ManagementCard(samID)
	require.NoError(t, err)
	require.NoError(t, s.Unlock(context.Background(), mc))
	t.Cleanup(func() { _ = s.Close() })
	return s, ks
}

// secretHexes lists every key the tests use, masters and the card keys
// derived from them, in upper and lower case.
func secretHexes(t testing.TB, alg sam.Algorithm) []string {
	var out []string
	add := func(b []byte) {
		h := hex.EncodeToString(b)
		out = append(out, h, strings.ToUpper(h))
	}
	for _, h := range masterHex {
		m := mustHex(t, h)
		add(m)
		add(m[:8])
		add(m[8:])
		for i := 0; i < len(serial); i += 8 {
			d, err := alg.Diversify(m, serial[i:i+8])
			require.NoError(t, err)
			add(d)
		}
	}
	add(mustHex(t, mgmtHex))
	return out
}

// assertNoSecret fails if any rendering of v shows a key.
func assertNoSecret(t *testing.T, alg sam.Algorithm, v any) {
	t.Helper()
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%X", "%q"} {
		s := fmt.Sprintf(verb, v)
		if err, ok := v.(error); ok {
			s += " " + l10n.Error(err, l10n.Chinese)
		}
		for _, secret := range secretHexes(t, alg) {
			assert.NotContains(t, s, secret, "%s of %T shows a key", verb, v)
		}
	}
}

func TestSoftLockedUntilManagementCard(t *testing.T) {
	ctx := context.Background()
	for _, alg := range []sam.Algorithm{sam.TDES, sam.SM4} {
		ks := testKeySet(t, alg)
		s, err := sam.NewSoft(samID, ks)
		require.NoError(t, err)
		ops := map[string]func() error{
			"ExternalAuthenticate": func() error { _, err := s.ExternalAuthenticate(ctx, refExt, serial, []byte{1, 2, 3, 4}); return err },
			"VerifyInternalAuthenticate": func() error {
				return s.VerifyInternalAuthenticate(ctx, refInt, serial, make([]byte, 8), make([]byte, 8))
			},
			"MAC":       func() error { _, err := s.MAC(ctx, refMAC, serial, nil, []byte("x")); return err },
			"VerifyMAC": func() error { return s.VerifyMAC(ctx, refMAC, serial, nil, []byte("x"), make([]byte, 4)) },
			"Encrypt":   func() error { _, err := s.Encrypt(ctx, refEnc, serial, []byte("x")); return err },
		}
		for name, op := range ops {
			t.Run("S-6/"+alg.Name()+"/locked/"+name, func(t *testing.T) {
				err := op()
				assert.ErrorIs(t, err, sam.ErrLocked)
				assert.Equal(t, "安全模块已锁定：请先读取管理卡", l10n.Error(err, l10n.Chinese))
			})
		}

		otherID := sam.SAMID{0x11, 0, 0, 0, 0, 0, 0, 0x02}
		otherCard, err := ks.ManagementCard(otherID)
		require.NoError(t, err)
		t.Run("S-6/"+alg.Name()+"/another SAM's management card is refused", func(t *testing.T) {
			err := s.Unlock(ctx, otherCard)
			require.ErrorIs(t, err, sam.ErrManagementCard)
			var mce *sam.ManagementCardError
			require.True(t, errors.As(err, &mce))
			assert.Equal(t, samID, mce.Want)
			assert.Equal(t, otherID, mce.Got)
			assert.Contains(t, err.Error(), otherID.String())
			assert.Contains(t, l10n.Error(err, l10n.Chinese), "不匹配")
			assert.ErrorIs(t, ops["MAC"](), sam.ErrLocked, "still locked")
		})
		t.Run("S-6/"+alg.Name()+"/forged management card is refused", func(t *testing.T) {
			raw, err := otherCard.MarshalBinary()
			require.NoError(t, err)
			copy(raw[2:10], samID[:]) // right SAM id, authentication value of another
			forged, err := sam.ParseManagementCard(raw)
			require.NoError(t, err)
			err = s.Unlock(ctx, forged)
			assert.ErrorIs(t, err, sam.ErrManagementCard)
			assert.Contains(t, err.Error(), "authentication value is wrong")
			assert.ErrorIs(t, ops["Encrypt"](), sam.ErrLocked, "still locked")
		})
		t.Run("S-6/"+alg.Name()+"/management card of the other suite is refused", func(t *testing.T) {
			other := sam.SM4
			if alg == sam.SM4 {
				other = sam.TDES
			}
			mc, err := testKeySet(t, other).ManagementCard(samID)
			require.NoError(t, err)
			assert.ErrorIs(t, s.Unlock(ctx, mc), sam.ErrManagementCard)
		})
		t.Run("S-6/"+alg.Name()+"/own management card unlocks, Lock locks again", func(t *testing.T) {
			mc, err := ks.ManagementCard(samID)
			require.NoError(t, err)
			require.NoError(t, s.Unlock(ctx, mc))
			for name, op := range ops {
				assert.NotErrorIs(t, op(), sam.ErrLocked, name)
			}
			s.Lock()
			assert.ErrorIs(t, ops["ExternalAuthenticate"](), sam.ErrLocked)
		})
		t.Run(alg.Name()+"/closed", func(t *testing.T) {
			require.NoError(t, s.Close())
			require.NoError(t, s.Close(), "closing twice is harmless")
			for name, op := range ops {
				assert.ErrorIs(t, op(), sam.ErrClosed, name)
			}
			mc, err := ks.ManagementCard(samID)
			require.NoError(t, err)
			assert.ErrorIs(t, s.Unlock(ctx, mc), sam.ErrClosed)
			assert.Contains(t, fmt.Sprint(s), "closed")
		})
	}
}

// TestSoftAgainstCardKeys runs both sides of each SPEC §6 exchange: the
// terminal's SAM and the card's own keys, as the issuer personalised them.
func TestSoftAgainstCardKeys(t *testing.T) {
	ctx := context.Background()
	for _, alg := range []sam.Algorithm{sam.TDES, sam.SM4} {
		s, ks := unlockedSoft(t, alg)
		card, err := ks.CardKeys(serial)
		require.NoError(t, err)
		assert.Equal(t, []sam.KeyRef{refExt, refInt, refMAC, refEnc}, card.Refs())
		assert.Equal(t, alg, card.Suite())

		t.Run("A-2/"+alg.Name()+"/external authentication cryptogram for a card challenge", func(t *testing.T) {
			for _, challenge := range [][]byte{{1, 2, 3, 4}, {1, 2, 3, 4, 5, 6, 7, 8}} {
				crypt, err := s.ExternalAuthenticate(ctx, refExt, serial, challenge)
				require.NoError(t, err)
				assert.Len(t, crypt, sam.CryptogramSize)
				assert.NoError(t, card.VerifyCryptogram(refExt, challenge, crypt))
				crypt[0] ^= 1
				assert.ErrorIs(t, card.VerifyCryptogram(refExt, challenge, crypt), sam.ErrVerify)
			}
			// another card's serial gives another cryptogram
			other := sam.UIDDiversifier([4]byte{0xDE, 0xAD, 0xBE, 0xEF})
			crypt, err := s.ExternalAuthenticate(ctx, refExt, other, []byte{1, 2, 3, 4})
			require.NoError(t, err)
			assert.ErrorIs(t, card.VerifyCryptogram(refExt, []byte{1, 2, 3, 4}, crypt), sam.ErrVerify)
		})
		t.Run("A-1/"+alg.Name()+"/internal authentication D1 = D2", func(t *testing.T) {
			random := []byte{9, 8, 7, 6, 5, 4, 3, 2}
			d1, err := card.Cryptogram(refInt, random)
			require.NoError(t, err)
			assert.NoError(t, s.VerifyInternalAuthenticate(ctx, refInt, serial, random, d1))
			d1[7] ^= 0x80
			err = s.VerifyInternalAuthenticate(ctx, refInt, serial, random, d1)
			require.ErrorIs(t, err, sam.ErrVerify)
			var ve *sam.VerifyError
			require.True(t, errors.As(err, &ve))
			assert.Equal(t, refInt, ve.Ref)
			assert.ErrorIs(t, s.VerifyInternalAuthenticate(ctx, refInt, serial, random, d1[:4]), sam.ErrVerify, "short answer")
			assert.ErrorIs(t, s.VerifyInternalAuthenticate(ctx, refExt, serial, random, d1), sam.ErrVerify, "other key")
		})
		t.Run(alg.Name()+"/secure messaging MAC both ways", func(t *testing.T) {
			iv := []byte{0xA1, 0xB2, 0xC3, 0xD4}
			data := []byte("04D6 8400 protected write of the registry record")
			mac, err := s.MAC(ctx, refMAC, serial, iv, data)
			require.NoError(t, err)
			require.Len(t, mac, sam.MACSize)
			assert.NoError(t, card.VerifyMAC(refMAC, iv, data, mac))
			cardMAC, err := card.MAC(refMAC, iv, data)
			require.NoError(t, err)
			assert.NoError(t, s.VerifyMAC(ctx, refMAC, serial, iv, data, cardMAC))
			data[0] ^= 1
			assert.ErrorIs(t, s.VerifyMAC(ctx, refMAC, serial, iv, data, cardMAC), sam.ErrVerify)
			assert.ErrorIs(t, card.VerifyMAC(refMAC, iv, data, mac), sam.ErrVerify)
		})
		t.Run(alg.Name()+"/encrypted protected write", func(t *testing.T) {
			plain := []byte("张三 registry record")
			enc, err := s.Encrypt(ctx, refEnc, serial, plain)
			require.NoError(t, err)
			assert.Zero(t, len(enc)%alg.BlockSize())
			got, err := card.Decrypt(refEnc, enc)
			require.NoError(t, err)
			assert.Equal(t, plain, got)
			_, err = card.Decrypt(refMAC, enc)
			assert.ErrorIs(t, err, sam.ErrDataSize, "another key garbles the length byte or padding")
		})
		t.Run(alg.Name()+"/unknown key and bad sizes", func(t *testing.T) {
			_, err := s.MAC(ctx, sam.KeyRef{ID: 9, Version: 1}, serial, nil, nil)
			require.ErrorIs(t, err, sam.ErrUnknownKey)
			assert.Contains(t, err.Error(), "09/01")
			_, err = card.MAC(sam.KeyRef{ID: 9, Version: 1}, nil, nil)
			assert.ErrorIs(t, err, sam.ErrUnknownKey)
			_, err = s.MAC(ctx, refMAC, serial[:5], nil, nil)
			assert.ErrorIs(t, err, sam.ErrDataSize)
			_, err = s.MAC(ctx, refMAC, nil, nil, nil)
			assert.ErrorIs(t, err, sam.ErrDataSize)
			_, err = s.ExternalAuthenticate(ctx, refExt, serial, make([]byte, 17))
			assert.ErrorIs(t, err, sam.ErrDataSize)
			_, err = s.Encrypt(ctx, refEnc, serial, make([]byte, 256))
			assert.ErrorIs(t, err, sam.ErrDataSize)
		})
		t.Run(alg.Name()+"/canceled context", func(t *testing.T) {
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			_, err := s.MAC(cctx, refMAC, serial, nil, nil)
			assert.ErrorIs(t, err, context.Canceled)
		})
	}
}

func TestSoftMultiLevelAndUID(t *testing.T) {
	ctx := context.Background()
	s, ks := unlockedSoft(t, sam.SM4)
	uid := sam.UIDDiversifier([4]byte{0x01, 0x02, 0x03, 0x04})
	assert.Equal(t, sam.Diversifier{1, 2, 3, 4, 0x80, 0, 0, 0}, uid)
	two := append(append(sam.Diversifier{}, uid...), serial...)
	assert.Equal(t, 2, two.Levels())
	assert.Equal(t, "0102030480000000/1000202400001234", two.String())
	card, err := ks.CardKeys(two)
	require.NoError(t, err)
	crypt, err := s.ExternalAuthenticate(ctx, refExt, two, []byte{5, 5, 5, 5})
	require.NoError(t, err)
	assert.NoError(t, card.VerifyCryptogram(refExt, []byte{5, 5, 5, 5}, crypt))
	assert.ErrorIs(t, card.VerifyCryptogram(refExt, []byte{5, 5, 5, 6}, crypt), sam.ErrVerify)
	// eight levels are more than a PSAM usage byte can say
	_, err = ks.CardKeys(make(sam.Diversifier, 64))
	assert.ErrorIs(t, err, sam.ErrDataSize)
}

func TestSoftConcurrent(t *testing.T) {
	ctx := context.Background()
	s, ks := unlockedSoft(t, sam.TDES)
	card, err := ks.CardKeys(serial)
	require.NoError(t, err)
	mc, err := ks.ManagementCard(samID)
	require.NoError(t, err)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				data := []byte{byte(g), byte(i)}
				mac, err := s.MAC(ctx, refMAC, serial, nil, data)
				if err == nil {
					err = card.VerifyMAC(refMAC, nil, data, mac)
				}
				if g == 0 && i%10 == 0 {
					s.Lock() // a restart in the middle: others may see ErrLocked
					err = s.Unlock(ctx, mc)
				}
				if err != nil && !errors.Is(err, sam.ErrLocked) {
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

// TestNothingPrintsAKey is SPEC A-3: key sets, card keys, management cards,
// SAMs and every error print ids and lengths, never key bytes.
func TestNothingPrintsAKey(t *testing.T) {
	ctx := context.Background()
	for _, alg := range []sam.Algorithm{sam.TDES, sam.SM4} {
		s, ks := unlockedSoft(t, alg)
		card, err := ks.CardKeys(serial)
		require.NoError(t, err)
		mc, err := ks.ManagementCard(samID)
		require.NoError(t, err)
		t.Run("A-3/"+alg.Name()+"/values", func(t *testing.T) {
			for _, v := range []any{ks, *ks, card, *card, mc, &mc, s} {
				assertNoSecret(t, alg, v)
			}
			assert.Equal(t, "sam.KeySet{"+alg.Name()+" keys=[01/01 02/01 03/01 04/01] management=true}", ks.String())
			assert.Equal(t, "sam.CardKeys{"+alg.Name()+" keys=[01/01 02/01 03/01 04/01]}", fmt.Sprintf("%#v", card))
			assert.Equal(t, "sam.ManagementCard{"+alg.Name()+" SAM 1100000000000001}", fmt.Sprintf("%x", mc))
			raw, err := mc.MarshalBinary()
			require.NoError(t, err)
			assert.NotContains(t, fmt.Sprintf("%+v", mc), hex.EncodeToString(raw[10:]), "authentication value hidden")
		})
		t.Run("A-3/"+alg.Name()+"/errors", func(t *testing.T) {
			var errs []error
			collect := func(_ any, err error) { errs = append(errs, err) }
			collect(s.MAC(ctx, sam.KeyRef{ID: 7}, serial, nil, nil))
			collect(s.MAC(ctx, refMAC, serial[:3], nil, nil))
			collect(s.ExternalAuthenticate(ctx, refExt, serial, nil))
			errs = append(errs, s.VerifyMAC(ctx, refMAC, serial, nil, []byte("d"), []byte{1, 2, 3, 4}))
			errs = append(errs, s.VerifyInternalAuthenticate(ctx, refInt, serial, []byte{1}, []byte{1}))
			collect(card.Decrypt(refEnc, []byte{1, 2, 3}))
			errs = append(errs, card.VerifyCryptogram(refExt, []byte{1}, []byte{1}))
			collect(alg.MAC(mustHex(t, masterHex[refMAC])[:15], nil, nil))
			other, err := ks.ManagementCard(sam.SAMID{9})
			require.NoError(t, err)
			errs = append(errs, s.Unlock(ctx, other))
			collect(sam.ParseManagementCard([]byte{1, 2, 3}))
			s.Lock()
			collect(s.MAC(ctx, refMAC, serial, nil, nil))
			for _, err := range errs {
				require.Error(t, err)
				assertNoSecret(t, alg, err)
			}
		})
	}
}

// TestMessagesAreTranslated proves every sentinel and typed error renders in
// Chinese (the catalog panics at init on a missing text; this checks the
// errors actually use catalog keys).
func TestMessagesAreTranslated(t *testing.T) {
	errs := []error{
		sam.ErrLocked, sam.ErrVerify, sam.ErrUnknownKey, sam.ErrKeySize, sam.ErrDataSize, sam.ErrClosed,
		sam.ErrManagementCard, sam.ErrUnknownSuite, sam.ErrMalformed, sam.ErrPSAM, sam.ErrConfig,
		&sam.SizeError{Suite: "SM4", Op: "MAC", Field: "key", Got: 3, Want: "16"},
		&sam.KeyError{Op: "MAC", Ref: refMAC},
		&sam.VerifyError{Op: "VerifyMAC", Ref: refMAC, What: "MAC"},
		&sam.ManagementCardError{Want: samID, Got: sam.SAMID{}},
		&sam.ManagementCardError{Want: samID, Got: samID},
		&sam.ParseError{Reason: "x"},
		&sam.PSAMError{Command: "80 1A", Err: sam.ErrVerify},
		&sam.ConfigError{Reason: "x"},
	}
	for _, err := range errs {
		zh := l10n.Error(err, l10n.Chinese)
		assert.NotEqual(t, err.Error(), zh, "%T %v has no Chinese text", err, err)
		assert.Regexp(t, `\p{Han}`, zh)
	}
}
