package batch

import "slices"

// dupSet is an exact set of non-zero uint64 keys, for finding duplicates in
// one pass. The card-making keys are exact (a registry number is 16 digits, a
// checked resident ID is determined by its first 17 digits; both fit in 64
// bits), so there are no false duplicates.
//
// Keys arriving in increasing order (registry numbers in a CMIS export,
// sorted by class and seat) go to an append-only sorted run: a new key above
// every key so far cannot be a duplicate, and appending is cache-friendly.
// Other keys are checked against the run by binary search and kept in an
// open-addressing hash table of 8-byte slots at most 3/4 full. Memory is 8
// bytes a key in the run, 10.7-21 bytes a key in the table.
type dupSet struct {
	run   [][]uint64 // sorted, chunks of runChunk keys
	last  uint64
	slots []uint64
	n     int
}

const runChunk = 1 << 13

func mix(k uint64) uint64 { // splitmix64 finaliser: spreads digit-structured keys
	k ^= k >> 30
	k *= 0xbf58476d1ce4e5b9
	k ^= k >> 27
	k *= 0x94d049bb133111eb
	return k ^ k>>31
}

// add inserts k (k != 0) and reports whether it was already present.
func (s *dupSet) add(k uint64) bool {
	if k > s.last {
		s.last = k
		if n := len(s.run); n == 0 || len(s.run[n-1]) == runChunk {
			s.run = append(s.run, make([]uint64, 0, runChunk))
		}
		s.run[len(s.run)-1] = append(s.run[len(s.run)-1], k)
		return false
	}
	if s.inRun(k) {
		return true
	}
	return s.hashAdd(k)
}

func (s *dupSet) inRun(k uint64) bool {
	// the first chunk whose last key is ≥ k is the only one that may hold k
	i, _ := slices.BinarySearchFunc(s.run, k, func(c []uint64, k uint64) int {
		switch last := c[len(c)-1]; {
		case last < k:
			return -1
		case last > k:
			return 1
		}
		return 0
	})
	if i == len(s.run) {
		return false
	}
	_, found := slices.BinarySearch(s.run[i], k)
	return found
}

func (s *dupSet) hashAdd(k uint64) bool {
	if 4*(s.n+1) > 3*len(s.slots) {
		s.grow()
	}
	mask := uint64(len(s.slots) - 1)
	for i := mix(k) & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case k:
			return true
		case 0:
			s.slots[i] = k
			s.n++
			return false
		}
	}
}

// reserve sizes the empty hash table for n keys, so that a pass of known
// size never rehashes.
func (s *dupSet) reserve(n int64) {
	if s.n != 0 || n <= 0 {
		return
	}
	size := 1 << 12
	for int64(size)*3 < n*4 && size < 1<<26 {
		size *= 2
	}
	if size > len(s.slots) {
		s.slots = make([]uint64, size)
	}
}

func (s *dupSet) grow() {
	old := s.slots
	size := 1 << 12
	if len(old) > 0 {
		size = 2 * len(old)
	}
	s.slots, s.n = make([]uint64, size), 0
	for _, k := range old {
		if k != 0 {
			s.hashAdd(k)
		}
	}
}
