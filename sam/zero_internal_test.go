package sam

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestKeysAreZeroed holds on to the key slices inside a Soft SAM, a KeySet,
// CardKeys and a simulator and checks that Close / Zero overwrite them (A-3:
// keys do not linger in memory once the SAM is put away).
func TestKeysAreZeroed(t *testing.T) {
	ref := KeyRef{ID: 1, Version: 1}
	ks, err := NewKeySet(SM4)
	require.NoError(t, err)
	require.NoError(t, ks.Add(ref, bytes.Repeat([]byte{0xAB}, 16)))
	require.NoError(t, ks.SetManagementKey(bytes.Repeat([]byte{0xCD}, 16)))
	old := ks.keys[ref]
	require.NoError(t, ks.Add(ref, bytes.Repeat([]byte{0xEF}, 16)))
	assert.Equal(t, make([]byte, 16), old, "a replaced key is zeroed")

	s, err := NewSoft(SAMID{1}, ks)
	require.NoError(t, err)
	softKey, softMgmt := s.sec.keys[ref], s.sec.mgmt
	card, err := ks.CardKeys(Diversifier{1, 2, 3, 4, 5, 6, 7, 8})
	require.NoError(t, err)
	cardKey := card.keys[ref]
	sim, err := NewPSAMSimulator(ks, PSAMConfig{Suite: SM4, Keys: map[KeyRef]PSAMKey{ref: {Usage: UsageMAC, Index: 1}}, Management: PSAMKey{Usage: UsageEncrypt, Index: 2}}, false)
	require.NoError(t, err)
	simKey := sim.keys[PSAMKey{Usage: UsageMAC, Index: 1}]
	setKey, setMgmt := ks.keys[ref], ks.mgmt

	for name, b := range map[string][]byte{"soft": softKey, "soft management": softMgmt, "card": cardKey, "simulator": simKey, "set": setKey, "set management": setMgmt} {
		require.NotEqual(t, make([]byte, 16), b, name)
	}
	require.NoError(t, s.Close())
	card.Zero()
	sim.Zero()
	ks.Zero()
	for name, b := range map[string][]byte{"soft": softKey, "soft management": softMgmt, "card": cardKey, "simulator": simKey, "set": setKey, "set management": setMgmt} {
		assert.Equal(t, make([]byte, 16), b, name)
	}
	assert.Empty(t, ks.Refs())
	assert.False(t, ks.HasManagementKey())
	_, err = card.MAC(ref, nil, nil)
	assert.ErrorIs(t, err, ErrUnknownKey)
	resp, err := sim.Transmit(context.Background(), []byte{0x80, 0x1A, 0x28, 0x01, 0x08, 1, 2, 3, 4, 5, 6, 7, 8})
	require.NoError(t, err)
	assert.Equal(t, []byte{0x6A, 0x88}, resp, "a zeroed simulator holds no key")
}
