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

func TestLineKeysMatchesMap(t *testing.T) {
	for _, n := range []int{0, 1, 100, 3*lineKeyChunk + 17} {
		var s lineKeys
		r := rand.New(rand.NewPCG(3, uint64(n)))
		first := map[uint64]int{}
		want := map[int]int{}
		tags := map[int]uint64{}
		line := 3
		for i := 0; i < n; i++ {
			k := r.Uint64N(uint64(n/2 + 1))
			line += 1 + r.IntN(3)
			if i == n/2 {
				line += 70_000 // a long stretch of records without a key
			}
			tag := uint64(line)*7 + 1 // any value the caller wants back
			tags[line] = tag
			s.add(k, line, tag)
			if f, ok := first[k]; ok {
				want[line] = f
			} else {
				first[k] = line
			}
		}
		got := map[int]int{}
		assert.NoError(t, s.duplicates(func(dup, f keyLine) error {
			got[dup.line] = f.line
			assert.Equal(t, tags[dup.line], dup.tag, "tag of line %d", dup.line)
			assert.Equal(t, tags[f.line], f.tag, "tag of line %d", f.line)
			return nil
		}))
		assert.Equal(t, want, got, "C-MAKE-2/%d keys", n)
	}
}

func TestResidentKeyIsExact(t *testing.T) {
	seen := map[uint64]string{}
	for _, id := range []string{"11010120100101001", "11010120100101002", "11010120100102001", "11010219000101001",
		"99999920781231999", "00000019000101000", "11010120000229001"} {
		k, ok := residentKey(id)
		assert.True(t, ok, id)
		assert.Less(t, k, uint64(1)<<lineKeyBits)
		_, dup := seen[k]
		assert.False(t, dup, id)
		seen[k] = id
	}
	_, ok := residentKey("11010120800101001")
	assert.False(t, ok, "years after 2079 do not pack")
	assert.Equal(t, 0, daysFromCivil(1970, 1, 1))
	assert.Equal(t, 11016, daysFromCivil(2000, 2, 29))
}
