package lab_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/card"
	"github.com/bjedu/studentcard/lab"
	"github.com/bjedu/studentcard/sam"
	"github.com/bjedu/studentcard/studentid"
)

// The same seed gives the same issuer; another seed another one, whose
// cards the first lab's SAM refuses (A-1).
func TestSeedIsTheIssuer(t *testing.T) {
	ctx := context.Background()
	for _, alg := range []sam.Algorithm{sam.TDES, sam.SM4} {
		t.Run(alg.Name(), func(t *testing.T) {
			a, b, other := lab.ForTest(t, alg, "x"), lab.ForTest(t, alg, "x"), lab.ForTest(t, alg, "y")
			assert.Equal(t, a.SAMID, b.SAMID)
			assert.NotEqual(t, a.SAMID, other.SAMID)
			assert.Equal(t, lab.Refs(), a.Keys.Refs(), "every reference of Refs, in order")
			assert.True(t, a.Keys.HasManagementKey())
			assert.Equal(t, lab.MasterKey("x", lab.Refs()[0]), lab.MasterKey("x", lab.Refs()[0]))
			assert.NotEqual(t, lab.MasterKey("x", lab.Refs()[0]), lab.MasterKey("x", lab.Refs()[1]))
			assert.Equal(t, lab.Serial("x", 1), lab.Serial("x", 1))
			assert.NotEqual(t, lab.Serial("x", 1), lab.Serial("x", 2))
			assert.Equal(t, lab.ListKey("x"), lab.ListKey("x"))

			chip := b.CardForTest(t, lab.Serial("x", 1))
			s, err := card.Open(ctx, chip, a.SAM)
			require.NoError(t, err, "S-6: the SAM is unlocked, and knows b's cards")
			assert.Equal(t, card.Blank, s.State().Status)
			_, err = card.Open(ctx, other.CardForTest(t, lab.Serial("y", 1)), a.SAM)
			assert.ErrorIs(t, err, card.ErrCounterfeit, "A-1: another issuer's card")
			assert.NotContains(t, fmt.Sprintf("%v %+v %#v", a, a, a.Keys), fmt.Sprintf("%X", lab.MasterKey("x", lab.Refs()[0])), "A-3")
		})
	}
}

// A lab in three calls: keys, SAM, management card and unlock in New; a
// simulated card in Card; a session in card.Open.
func Example() {
	ctx := context.Background()
	l, err := lab.New(ctx, sam.SM4, "vendor lab")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer l.Close()
	chip, _ := l.Card(lab.Serial("vendor lab", 1))
	school, _ := studentid.ParseSchool("01080123")
	s, err := card.Open(ctx, chip, l.SAM, card.WithSchool(school))
	fmt.Println(err == nil, s.Info().Suite, s.State().Status)
	// Output: true SM4 blank
}
