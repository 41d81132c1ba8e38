package batch

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The duplicate set agrees with a map on any mix of ordered and unordered keys.
func TestDupSetMatchesMap(t *testing.T) {
	for _, tc := range []struct {
		name string
		key  func(i int, r *rand.Rand) uint64
	}{
		{"C-MAKE-2/increasing", func(i int, _ *rand.Rand) uint64 { return uint64(i*3 + 1) }},
		{"C-MAKE-2/random", func(_ int, r *rand.Rand) uint64 { return r.Uint64N(50_000) + 1 }},
		{"C-MAKE-2/mostly increasing", func(i int, r *rand.Rand) uint64 {
			if r.IntN(10) == 0 {
				return r.Uint64N(uint64(i)+1) + 1
			}
			return uint64(i*2 + 1)
		}},
		{"C-MAKE-2/decreasing", func(i int, _ *rand.Rand) uint64 { return uint64(100_000 - i) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s dupSet
			seen := map[uint64]bool{}
			r := rand.New(rand.NewPCG(1, 2))
			for i := 0; i < 40_000; i++ {
				k := tc.key(i, r)
				assert.Equal(t, seen[k], s.add(k), "key %d at %d", k, i)
				seen[k] = true
			}
		})
	}
}
