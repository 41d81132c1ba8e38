package m1_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/lab"
	"github.com/bjedu/studentcard/sam"
)

// suites are the two cipher suites every authentication test runs under.
var suites = []sam.Algorithm{sam.TDES, sam.SM4}

// testKeySet is the issuer's master key set for the tests (the lab's);
// another seed is another issuer.
func testKeySet(t testing.TB, alg sam.Algorithm, seed byte) *sam.KeySet {
	t.Helper()
	ks, err := lab.Keys(alg, issuer(seed))
	require.NoError(t, err)
	return ks
}

// issuer names the lab seed of a test issuer.
func issuer(seed byte) string { return fmt.Sprintf("m1 tests %#x", seed) }

// unlockedSAM is a Soft SAM loaded with ks and unlocked with its management
// card, as a reader does after start (SPEC S-6).
func unlockedSAM(t testing.TB, ks *sam.KeySet) *sam.Soft {
	t.Helper()
	s, err := lab.Unlocked(context.Background(), lab.SAMID("m1 tests"), ks)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
