package card_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/card"
	"github.com/bjedu/studentcard/sam"
)

// TestM1KeysDiversifiedByUID: A-4 — an M1 card's sector keys are derived
// from the card's own UID, so one broken card does not open another; and
// key A, key B and each key version differ.
func TestM1KeysDiversifiedByUID(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, sam.TDES)
	key := func(uid [4]byte, kt, version byte) [card.M1KeySize]byte {
		k, err := card.M1Key(ctx, f.sam, uid, card.M1Sector, kt, version)
		require.NoError(t, err)
		return k
	}
	other := testUID
	other[3] ^= 0x01
	a := key(testUID, card.M1KeyA, card.M1KeyVersionCurrent)
	assert.NotEqual(t, a, key(other, card.M1KeyA, card.M1KeyVersionCurrent), "A-4: another UID, another key")
	assert.NotEqual(t, a, key(testUID, card.M1KeyB, card.M1KeyVersionCurrent))
	assert.NotEqual(t, a, key(testUID, card.M1KeyA, card.M1KeyVersionLegacy))
	assert.Equal(t, a, key(testUID, card.M1KeyA, card.M1KeyVersionCurrent), "deterministic")
}
