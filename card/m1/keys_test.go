package m1_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/card/m1"
	"github.com/bjedu/studentcard/lab"
	"github.com/bjedu/studentcard/sam"
)

// TestM1KeysDiversifiedByUID: A-4 — an M1 card's sector keys are derived
// from the card's own UID, so one broken card does not open another; and
// key A, key B and each key version differ.
func TestM1KeysDiversifiedByUID(t *testing.T) {
	ctx := context.Background()
	s := lab.ForTest(t, sam.TDES, testSeed).SAM
	key := func(uid [4]byte, kt, version byte) [m1.KeySize]byte {
		k, err := m1.Key(ctx, s, uid, m1.Sector, kt, version)
		require.NoError(t, err)
		return k
	}
	other := testUID
	other[3] ^= 0x01
	a := key(testUID, m1.KeyA, m1.KeyVersionCurrent)
	assert.NotEqual(t, a, key(other, m1.KeyA, m1.KeyVersionCurrent), "A-4: another UID, another key")
	assert.NotEqual(t, a, key(testUID, m1.KeyB, m1.KeyVersionCurrent))
	assert.NotEqual(t, a, key(testUID, m1.KeyA, m1.KeyVersionLegacy))
	assert.Equal(t, a, key(testUID, m1.KeyA, m1.KeyVersionCurrent), "deterministic")
}
