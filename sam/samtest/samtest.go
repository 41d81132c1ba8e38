// Package samtest is the conformance suite every implementation of
// [sam.SAM] passes: the Soft SAM, the PSAM driver over the PSAM simulator,
// and any vendor's HSM or PSAM. It is for tests only.
//
// [Run] loads a key set of known master keys into a fresh SAM through the
// implementation's own [Harness] and checks, each case named by its SPEC
// rule:
//   - the SAM is locked until its own management card is read (S-6), and
//     another SAM's management card does not unlock it;
//   - known answers: the SAM's suite reproduces the PBOC MAC vector and the
//     SM4 vector of SPEC §8, and the SAM's cryptograms and MACs are the
//     pinned values for the pinned masters and diversifier;
//   - what the SAM computes is what the card computes with its own keys
//     ([sam.KeySet.CardKeys]): mutual authentication, the
//     secure-messaging MAC, the encryption of a protected write;
//   - wrong answers are refused with [sam.ErrVerify], unknown keys with
//     [sam.ErrUnknownKey];
//   - no key byte, master or derived, appears in any error (English or
//     Chinese), in the SAM's printed forms or in the harness's log.
//
// A vendor's test is three lines:
//
//	func TestConformance(t *testing.T) {
//		samtest.Run(t, sam.SM4, samtest.Harness{New: openMyHSM})
//	}
package samtest

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/sam"
)

// SAM is what the suite needs of an implementation: the SAM operations and
// the management-card lock of SPEC S-6.
type SAM interface {
	sam.SAM
	// Unlock reads the management card; until then every operation fails
	// with sam.ErrLocked.
	Unlock(ctx context.Context, mc sam.ManagementCard) error
	// Lock locks the SAM again, as a reader restart does.
	Lock()
}

// Harness makes the implementation under test.
type Harness struct {
	// New returns a fresh, locked SAM with the given id that holds the
	// master keys of ks under the references of [Refs] and ks's management
	// key (a vendor HSM loads them by its own key ceremony; the PSAM driver
	// is put in front of a PSAM simulator loaded with ks).
	New func(t *testing.T, ks *sam.KeySet, id sam.SAMID) SAM
	// Log, if set, returns everything the implementation logged or traced
	// so far; the suite checks no key is in it.
	Log func() string
}

// The key references the suite loads, one per role of a card session.
const (
	// RefExternal is the external-authentication key (SPEC A-2).
	RefExternal byte = 0x01
	// RefInternal is the internal-authentication key (SPEC A-1).
	RefInternal byte = 0x02
	// RefMAC is the secure-messaging MAC key.
	RefMAC byte = 0x03
	// RefEncrypt is the key that enciphers protected writes.
	RefEncrypt byte = 0x04
)

// Refs are the references the suite's key set holds, all of version 1.
func Refs() []sam.KeyRef {
	return []sam.KeyRef{{ID: RefExternal, Version: 1}, {ID: RefInternal, Version: 1}, {ID: RefMAC, Version: 1}, {ID: RefEncrypt, Version: 1}}
}

// The published vectors of SPEC §8.
const (
	// pbocKey, pbocText and pbocMAC are the PBOC MAC example: retail MAC,
	// IV zero, first 4 bytes of 4089819D3D991CC7.
	pbocKey  = "5775204D69616F6A756E404726444311"
	pbocText = "CHENHAO-PC|BFEBFBFF000306C3~9BP0PD2CN7016366I0043|20240111|20250101|8191|0"
	pbocMAC  = "4089819D"
	// sm4Key and sm4Out are GB/T 32907's example: key = plaintext.
	sm4Key = "0123456789ABCDEFFEDCBA9876543210"
	sm4Out = "681EDF34D206965E86B3E94F536E4246"
	// divHex is the diversifier of the known answers. For SM4, D ‖ NOT D is
	// the vector's plaintext, so a master of sm4Key diversifies to sm4Out.
	divHex = "0123456789ABCDEF"
)

// answers are the pinned outputs of a SAM whose masters are masters(alg),
// for the diversifier divHex, the challenge and IV below. They were computed
// by the Soft SAM and the PSAM simulator, which agree, over the suites whose
// own tests reproduce the published vectors; for SM4 the MAC is also checked
// against the suite's MAC under the vector's output, the card key.
type answers struct {
	cardKey   string // the diversified MAC key: what the card holds
	external  string // ExternalAuthenticate(RefExternal, challenge)
	mac       string // MAC(RefMAC, iv, pbocText)
	encrypted string // Encrypt(RefEncrypt, "0108000103001016")
}

// knownAnswers are the pinned outputs for alg.
func knownAnswers(alg sam.Algorithm) answers {
	if alg == sam.SM4 {
		return answers{cardKey: sm4Out, external: "6BA67C862B2C90A3", mac: "91EEA597",
			encrypted: "772B1D93441A2043EFE5B411037CA02EA7BFE682107F0798BC91B00B2955CC9C"}
	}
	return answers{external: "D1072E0849A5B0D9", mac: "CC4FBDBF", encrypted: "CF2E2FF784E7DCEDB7B5AE3DD314DF6B5DFEBE9A81E3186B"}
}

// The inputs of the known answers.
const (
	challengeHex = "1122334455667788"
	record       = "0108000103001016"
)

// masters are the suite's master keys for a suite: for SM4 the vector's
// key under every reference, for 3DES the PBOC example's key; each
// reference's key differs in its last byte so a SAM that picks the wrong
// key fails.
func masters(alg sam.Algorithm) map[sam.KeyRef][]byte {
	base := pbocKey
	if alg == sam.SM4 {
		base = sm4Key
	}
	out := map[sam.KeyRef][]byte{}
	for _, ref := range Refs() {
		k, _ := hex.DecodeString(base)
		if ref.ID != RefMAC {
			k[len(k)-1] ^= ref.ID
		}
		out[ref] = k
	}
	return out
}

// KeySet returns the suite's key set for alg, with a management key: a
// harness that cannot take a sam.KeySet loads the same keys from it.
func KeySet(t testing.TB, alg sam.Algorithm) *sam.KeySet {
	t.Helper()
	ks, err := sam.NewKeySet(alg)
	require.NoError(t, err)
	for ref, k := range masters(alg) {
		require.NoError(t, ks.Add(ref, k))
	}
	require.NoError(t, ks.SetManagementKey(bytes.Repeat([]byte{0xA5}, sam.KeySize)))
	return ks
}

// Run runs the conformance suite against the implementation h makes.
func Run(t *testing.T, alg sam.Algorithm, h Harness) {
	ctx := context.Background()
	challenge, zeroIV, record := mustHex(t, challengeHex), make([]byte, 4), []byte(record)
	id := sam.SAMID{0x53, 0x41, 0x4D, 0x54, 0x45, 0x53, 0x54, 0x01}
	div := sam.Diversifier(mustHex(t, divHex))
	ks := KeySet(t, alg)
	card, err := ks.CardKeys(div)
	require.NoError(t, err)
	var errs []error // every error the SAM returned, for the A-3 check
	keep := func(err error) error {
		if err != nil {
			errs = append(errs, err)
		}
		return err
	}
	unlocked := func(t *testing.T) SAM {
		s := h.New(t, ks, id)
		mc, err := ks.ManagementCard(id)
		require.NoError(t, err)
		require.NoError(t, keep(s.Unlock(ctx, mc)))
		return s
	}
	ext, in, mac, enc := Refs()[0], Refs()[1], Refs()[2], Refs()[3]

	t.Run("S-6 locked until its management card is read", func(t *testing.T) {
		s := h.New(t, ks, id)
		_, err := s.ExternalAuthenticate(ctx, ext, div, challenge)
		assert.ErrorIs(t, keep(err), sam.ErrLocked)
		assert.ErrorIs(t, keep(s.VerifyInternalAuthenticate(ctx, in, div, challenge, make([]byte, 8))), sam.ErrLocked)
		_, err = s.MAC(ctx, mac, div, zeroIV, record)
		assert.ErrorIs(t, keep(err), sam.ErrLocked)
		assert.ErrorIs(t, keep(s.VerifyMAC(ctx, mac, div, zeroIV, record, make([]byte, 4))), sam.ErrLocked)
		_, err = s.Encrypt(ctx, enc, div, record)
		assert.ErrorIs(t, keep(err), sam.ErrLocked)

		other := KeySet(t, alg)
		require.NoError(t, other.SetManagementKey(bytes.Repeat([]byte{0x5A}, sam.KeySize)))
		foreign, err := other.ManagementCard(id)
		require.NoError(t, err)
		assert.ErrorIs(t, keep(s.Unlock(ctx, foreign)), sam.ErrManagementCard, "another issuer's management card")
		elsewhere, err := ks.ManagementCard(sam.SAMID{9, 9, 9, 9, 9, 9, 9, 9})
		require.NoError(t, err)
		assert.ErrorIs(t, keep(s.Unlock(ctx, elsewhere)), sam.ErrManagementCard, "another SAM's management card")
		_, err = s.MAC(ctx, mac, div, zeroIV, record)
		assert.ErrorIs(t, keep(err), sam.ErrLocked, "a refused card leaves the SAM locked")

		own, err := ks.ManagementCard(id)
		require.NoError(t, err)
		require.NoError(t, keep(s.Unlock(ctx, own)))
		_, err = s.MAC(ctx, mac, div, zeroIV, record)
		require.NoError(t, keep(err))
		s.Lock()
		_, err = s.MAC(ctx, mac, div, zeroIV, record)
		assert.ErrorIs(t, keep(err), sam.ErrLocked, "Lock locks again")
	})

	t.Run("§8 known answers", func(t *testing.T) {
		s := unlocked(t)
		got, err := s.Suite().MAC(mustHex(t, pbocKey), zeroIV, []byte(pbocText))
		if alg == sam.TDES {
			require.NoError(t, err)
			assert.Equal(t, pbocMAC, upper(got), "the PBOC MAC vector")
		}
		if alg == sam.SM4 {
			require.NoError(t, err)
			out, err := s.Suite().Encrypt(mustHex(t, sm4Key), mustHex(t, sm4Key))
			require.NoError(t, err)
			assert.Equal(t, sm4Out, upper(out), "the SM4 vector of GB/T 32907")
		}
		want := knownAnswers(alg)
		cryptogram, err := s.ExternalAuthenticate(ctx, ext, div, challenge)
		require.NoError(t, keep(err))
		assert.Equal(t, want.external, upper(cryptogram), "external authentication")
		m, err := s.MAC(ctx, mac, div, zeroIV, []byte(pbocText))
		require.NoError(t, keep(err))
		assert.Equal(t, want.mac, upper(m), "MAC over the PBOC text")
		e, err := s.Encrypt(ctx, enc, div, record)
		require.NoError(t, keep(err))
		assert.Equal(t, want.encrypted, upper(e), "protected-write encryption")
		if want.cardKey != "" {
			// The MAC is the suite's MAC under the pinned card key: for SM4,
			// the vector's output.
			direct, err := s.Suite().MAC(mustHex(t, want.cardKey), zeroIV, []byte(pbocText))
			require.NoError(t, err)
			assert.Equal(t, upper(direct), upper(m), "the SAM diversified the master to the vector's card key")
		}
	})

	t.Run("A-1 A-2 the SAM and the card agree", func(t *testing.T) {
		s := unlocked(t)
		cryptogram, err := s.ExternalAuthenticate(ctx, ext, div, challenge)
		require.NoError(t, keep(err))
		assert.NoError(t, card.VerifyCryptogram(ext, challenge, cryptogram), "the card accepts the terminal")
		answer, err := card.Cryptogram(in, challenge)
		require.NoError(t, err)
		assert.NoError(t, keep(s.VerifyInternalAuthenticate(ctx, in, div, challenge, answer)), "the SAM accepts the genuine card")
		answer[0] ^= 1
		assert.ErrorIs(t, keep(s.VerifyInternalAuthenticate(ctx, in, div, challenge, answer)), sam.ErrVerify, "a counterfeit card")

		m, err := s.MAC(ctx, mac, div, zeroIV, record)
		require.NoError(t, keep(err))
		assert.NoError(t, card.VerifyMAC(mac, zeroIV, record, m), "the card accepts the SAM's MAC")
		cardMAC, err := card.MAC(mac, zeroIV, record)
		require.NoError(t, err)
		assert.NoError(t, keep(s.VerifyMAC(ctx, mac, div, zeroIV, record, cardMAC)))
		cardMAC[3] ^= 1
		assert.ErrorIs(t, keep(s.VerifyMAC(ctx, mac, div, zeroIV, record, cardMAC)), sam.ErrVerify)

		e, err := s.Encrypt(ctx, enc, div, record)
		require.NoError(t, keep(err))
		plain, err := card.Decrypt(enc, e)
		require.NoError(t, err)
		assert.Equal(t, record, plain, "the card deciphers the protected write")
	})

	t.Run("A-3 unknown keys and bad input are errors", func(t *testing.T) {
		s := unlocked(t)
		_, err := s.MAC(ctx, sam.KeyRef{ID: 0x7E, Version: 1}, div, zeroIV, record)
		assert.ErrorIs(t, keep(err), sam.ErrUnknownKey)
		_, err = s.ExternalAuthenticate(ctx, sam.KeyRef{ID: RefExternal, Version: 9}, div, challenge)
		assert.ErrorIs(t, keep(err), sam.ErrUnknownKey, "a key version the SAM does not hold")
		_, err = s.MAC(ctx, mac, div[:5], zeroIV, record)
		assert.Error(t, keep(err), "a diversifier that is not whole levels")
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		_, err = s.MAC(cancelled, mac, div, zeroIV, record)
		assert.ErrorIs(t, keep(err), context.Canceled)
	})

	t.Run("A-3 no key in any error, print or log", func(t *testing.T) {
		s := unlocked(t)
		var texts []string
		for _, err := range errs {
			texts = append(texts, err.Error(), l10n.Error(err, l10n.Chinese), fmt.Sprintf("%+v %#v", err, err))
		}
		texts = append(texts, fmt.Sprintf("%v %+v %#v %s", s, s, s, s), fmt.Sprintf("%v %#v", ks, ks))
		if h.Log != nil {
			texts = append(texts, h.Log())
		}
		require.NotEmpty(t, errs, "the suite collected errors")
		for _, secret := range secretHexes(t, alg, div) {
			for _, text := range texts {
				if strings.Contains(strings.ToUpper(text), secret) {
					t.Errorf("key material %s… in a text of %d bytes", secret[:6], len(text))
				}
			}
		}
		for _, k := range masters(alg) {
			for _, text := range texts {
				assert.False(t, bytes.Contains([]byte(text), k[:8]), "raw key bytes in %q", text)
			}
		}
	})
}

// secretHexes lists, upper case, every key of the suite and every half of
// one: the masters, the management key and the card keys derived from them.
// A half that is the (public) diversifier or its complement is not listed:
// for SM4 the vector's key is D ‖ NOT D by design.
func secretHexes(t testing.TB, alg sam.Algorithm, div sam.Diversifier) []string {
	var out []string
	public := upper(div)
	not := make([]byte, len(div))
	for i, b := range div {
		not[i] = ^b
	}
	add := func(b []byte) {
		out = append(out, upper(b))
		for _, half := range []string{upper(b[:len(b)/2]), upper(b[len(b)/2:])} {
			if half != public && half != upper(not) {
				out = append(out, half)
			}
		}
	}
	for _, k := range masters(alg) {
		add(k)
		card, err := alg.Diversify(k, div)
		require.NoError(t, err)
		add(card)
	}
	add(bytes.Repeat([]byte{0xA5}, sam.KeySize))
	return out
}

func upper(b []byte) string { return strings.ToUpper(hex.EncodeToString(b)) }

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}
