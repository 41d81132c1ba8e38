package sam_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/sam"
)

func TestKeySet(t *testing.T) {
	_, err := sam.NewKeySet(sam.Algorithm(0))
	assert.ErrorIs(t, err, sam.ErrUnknownSuite)
	ks, err := sam.NewKeySet(sam.TDES)
	require.NoError(t, err)
	assert.ErrorIs(t, ks.Add(refExt, make([]byte, 24)), sam.ErrKeySize, "three-key 3DES is not the education suite")
	assert.ErrorIs(t, ks.SetManagementKey(make([]byte, 8)), sam.ErrKeySize)
	_, err = ks.ManagementCard(samID)
	assert.ErrorIs(t, err, sam.ErrUnknownKey, "no management key yet")
	_, err = sam.NewSoft(samID, ks)
	assert.ErrorIs(t, err, sam.ErrConfig, "a SAM without a management key could never be unlocked")
	require.NoError(t, ks.Add(sam.KeyRef{ID: 2, Version: 2}, make([]byte, 16)))
	require.NoError(t, ks.Add(sam.KeyRef{ID: 2, Version: 1}, make([]byte, 16)))
	require.NoError(t, ks.Add(sam.KeyRef{ID: 1, Version: 9}, make([]byte, 16)))
	assert.Equal(t, []sam.KeyRef{{ID: 1, Version: 9}, {ID: 2, Version: 1}, {ID: 2, Version: 2}}, ks.Refs())
	assert.Equal(t, sam.TDES, ks.Suite())

	var zero sam.KeySet
	assert.ErrorIs(t, zero.Add(refExt, make([]byte, 16)), sam.ErrConfig, "a zero KeySet is refused, not a panic")
	_, err = zero.CardKeys(serial)
	assert.ErrorIs(t, err, sam.ErrConfig)
	_, err = sam.NewSoft(samID, nil)
	assert.ErrorIs(t, err, sam.ErrConfig)
	assert.Equal(t, "sam.KeySet{suite(0) keys=[] management=false}", zero.String())
	var noCard sam.CardKeys
	_, err = noCard.Cryptogram(refExt, []byte{1})
	assert.ErrorIs(t, err, sam.ErrUnknownKey)
	_, err = sam.ManagementCard{}.MarshalBinary()
	assert.ErrorIs(t, err, sam.ErrMalformed)
}

func TestSAMIDAndDiversifier(t *testing.T) {
	id, err := sam.ParseSAMID("1100000000000001")
	require.NoError(t, err)
	assert.Equal(t, samID, id)
	assert.Equal(t, "1100000000000001", id.String())
	for _, bad := range []string{"", "11", "110000000000000G", "110000000000000100"} {
		_, err := sam.ParseSAMID(bad)
		assert.ErrorIs(t, err, sam.ErrMalformed, bad)
	}
	assert.Equal(t, 0, sam.Diversifier{1, 2, 3}.Levels())
	assert.Equal(t, 1, serial.Levels())
	assert.Equal(t, "01020304", sam.Diversifier{1, 2, 3, 4}.String())
}

// TestKeySystemMembership is SPEC S-5: only cards inside the education key
// system authenticate. A card personalised from another issuer's master keys
// fails both directions against this SAM.
func TestKeySystemMembership(t *testing.T) {
	ctx := context.Background()
	for _, alg := range []sam.Algorithm{sam.TDES, sam.SM4} {
		t.Run("S-5/"+alg.Name(), func(t *testing.T) {
			s, ks := unlockedSoft(t, alg)
			outsider, err := sam.NewKeySet(alg)
			require.NoError(t, err)
			for _, ref := range ks.Refs() {
				require.NoError(t, outsider.Add(ref, mustHex(t, "0F0E0D0C0B0A09080706050403020100")))
			}
			member, err := ks.CardKeys(serial)
			require.NoError(t, err)
			stranger, err := outsider.CardKeys(serial)
			require.NoError(t, err)
			random := []byte{1, 1, 2, 3, 5, 8, 13, 21}
			for name, card := range map[string]*sam.CardKeys{"member": member, "stranger": stranger} {
				d1, err := card.Cryptogram(refInt, random)
				require.NoError(t, err)
				internal := s.VerifyInternalAuthenticate(ctx, refInt, serial, random, d1)
				crypt, err := s.ExternalAuthenticate(ctx, refExt, serial, random[:4])
				require.NoError(t, err)
				external := card.VerifyCryptogram(refExt, random[:4], crypt)
				if name == "member" {
					assert.NoError(t, internal)
					assert.NoError(t, external)
				} else {
					assert.ErrorIs(t, internal, sam.ErrVerify)
					assert.ErrorIs(t, external, sam.ErrVerify)
				}
			}
		})
	}
}

// TestNoMethodReturnsAKey is SPEC A-3: the byte slices any exported method
// of the SAM-side types returns are cryptograms, MACs, ciphertexts or the
// management card record — an allow-list, so a new method returning bytes
// (say, a Key()) fails here until someone argues it is not a key.
func TestNoMethodReturnsAKey(t *testing.T) {
	allowed := map[string]bool{
		"ExternalAuthenticate": true, "MAC": true, "Encrypt": true, // SAMs: cryptogram, MAC, ciphertext
		"Cryptogram": true, "Decrypt": true, // CardKeys: the card's answers; Decrypt returns the plaintext of a write
		"MarshalBinary": true,              // ManagementCard: the card's record (a bearer token, not a key)
		"Transmit":      true,              // PSAMSimulator: response APDUs
		"ID":            true, "SAM": true, // SAM ids are public (printed on the reader's record)
	}
	byteSlice := reflect.TypeFor[[]byte]()
	for _, typ := range []reflect.Type{
		reflect.TypeFor[*sam.Soft](), reflect.TypeFor[*sam.PSAM](), reflect.TypeFor[*sam.KeySet](),
		reflect.TypeFor[*sam.CardKeys](), reflect.TypeFor[sam.ManagementCard](), reflect.TypeFor[*sam.PSAMSimulator](),
		reflect.TypeFor[sam.SAM](),
	} {
		for m := range typ.Methods() {
			for out := range m.Type.Outs() {
				if out == byteSlice || out.Kind() == reflect.Array {
					assert.True(t, allowed[m.Name], "A-3: %v.%s returns %v", typ, m.Name, out)
				}
			}
		}
	}
}

// TestNestedValuesPrintNoKey: a KeySet, CardKeys or ManagementCard held as an
// unexported field of someone else's struct cannot use its Format method;
// the bytes live behind a pointer so fmt shows an address.
func TestNestedValuesPrintNoKey(t *testing.T) {
	for _, alg := range []sam.Algorithm{sam.TDES, sam.SM4} {
		_, ks := unlockedSoft(t, alg)
		card, err := ks.CardKeys(serial)
		require.NoError(t, err)
		mc, err := ks.ManagementCard(samID)
		require.NoError(t, err)
		holder := struct {
			set  sam.KeySet
			card sam.CardKeys
			mc   sam.ManagementCard
		}{*ks, *card, mc}
		raw, err := mc.MarshalBinary()
		require.NoError(t, err)
		for _, verb := range []string{"%v", "%+v", "%#v", "%x"} {
			s := fmt.Sprintf(verb, holder)
			assertNoSecret(t, alg, s)
			assert.NotContains(t, s, fmt.Sprintf("%v", raw[10:]), "authentication value as a byte list")
			assert.NotContains(t, s, fmt.Sprintf("%x", raw[10:]))
		}
	}
}

// unlocker is what Soft and PSAM share beyond the SAM interface.
type unlocker interface {
	sam.SAM
	Unlock(ctx context.Context, mc sam.ManagementCard) error
	Lock()
}

// TestFailedUnlockLocks is SPEC S-6: presenting a wrong management card to an
// unlocked SAM locks it — a swapped card never leaves a reader working.
func TestFailedUnlockLocks(t *testing.T) {
	ctx := context.Background()
	for _, alg := range []sam.Algorithm{sam.TDES, sam.SM4} {
		soft, ks := unlockedSoft(t, alg)
		rig := newRig(t, alg, false)
		wrong, err := ks.ManagementCard(sam.SAMID{0x99})
		require.NoError(t, err)
		right, err := ks.ManagementCard(samID)
		require.NoError(t, err)
		for name, s := range map[string]unlocker{"Soft": soft, "PSAM": rig.psam} {
			t.Run("S-6/"+alg.Name()+"/"+name, func(t *testing.T) {
				require.NoError(t, s.Unlock(ctx, right))
				_, err := s.MAC(ctx, refMAC, serial, nil, nil)
				require.NoError(t, err)
				assert.ErrorIs(t, s.Unlock(ctx, wrong), sam.ErrManagementCard)
				_, err = s.MAC(ctx, refMAC, serial, nil, nil)
				assert.ErrorIs(t, err, sam.ErrLocked)
				require.NoError(t, s.Unlock(ctx, right))
				s.Lock()
				_, err = s.Encrypt(ctx, refEnc, serial, nil)
				assert.ErrorIs(t, err, sam.ErrLocked)
			})
		}
	}
}
