package batch

// dupSet is an open-addressing set of non-zero uint64 keys: 8 bytes a slot,
// at most 3/4 full, so a million keys need 16-32 MiB. The card-making data
// keys are exact (a registry number is 16 digits, a checked resident ID is
// determined by its first 17 digits; both fit in 64 bits), so there are no
// false duplicates.
type dupSet struct {
	slots []uint64
	n     int
}

func mix(k uint64) uint64 { // splitmix64 finaliser: spreads digit-structured keys
	k ^= k >> 30
	k *= 0xbf58476d1ce4e5b9
	k ^= k >> 27
	k *= 0x94d049bb133111eb
	return k ^ k>>31
}

// add inserts k (k != 0) and reports whether it was already present.
func (s *dupSet) add(k uint64) bool {
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

func (s *dupSet) grow() {
	old := s.slots
	size := 1 << 12
	if len(old) > 0 {
		size = 2 * len(old)
	}
	s.slots, s.n = make([]uint64, size), 0
	for _, k := range old {
		if k != 0 {
			s.add(k)
		}
	}
}
