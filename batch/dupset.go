package batch

import (
	"slices"

	"github.com/bjedu/studentcard/internal/digits"
)

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

// lineKeys finds duplicates among keys of up to 48 bits after the pass, by
// sorting instead of hashing: keys are appended with their line to chunks
// that are sorted when full (cache-sized), and merged at the end. For random
// keys (resident IDs) this avoids a cache miss per record, which is what a
// hash table costs once it outgrows the cache. Each entry is 8 bytes: the key
// in the high 48 bits and the line's offset from its chunk's first line in
// the low 16. Beside the entries each chunk keeps, in arrival order, the line
// offsets (2 bytes) and a tag per line (8 bytes: the packed registry number),
// so that a duplicate found at the end can name the record it repeats.
type lineKeys struct {
	chunks []keyChunk
}

type keyChunk struct {
	start   int
	entries []uint64
	offsets []uint16 // line offsets in arrival order (increasing)
	tags    []uint64 // tag of each line, same order
}

// tagAt returns the tag of the line at offset off of the chunk.
func (c *keyChunk) tagAt(off uint16) uint64 {
	i, found := slices.BinarySearch(c.offsets, off)
	if !found {
		return 0
	}
	return c.tags[i]
}

const (
	lineKeyChunk = 1 << 13
	lineKeyBits  = 48
)

// add records key (< 1<<48) seen at line with a tag (0 for none); lines
// must increase.
func (s *lineKeys) add(key uint64, line int, tag uint64) {
	n := len(s.chunks)
	if n == 0 || len(s.chunks[n-1].entries) == lineKeyChunk || line-s.chunks[n-1].start > 0xFFFF {
		if n > 0 {
			slices.Sort(s.chunks[n-1].entries)
		}
		s.chunks = append(s.chunks, keyChunk{start: line, entries: make([]uint64, 0, lineKeyChunk),
			offsets: make([]uint16, 0, lineKeyChunk), tags: make([]uint64, 0, lineKeyChunk)})
		n++
	}
	c := &s.chunks[n-1]
	off := uint64(line - c.start)
	c.entries = append(c.entries, key<<16|off)
	c.offsets = append(c.offsets, uint16(off))
	c.tags = append(c.tags, tag)
}

// keyLine is a line of a duplicate group and its tag; chunk and off say
// where the tag is kept until it is needed.
type keyLine struct {
	line  int
	tag   uint64
	chunk int
	off   uint16
}

// duplicates calls fn for every line whose key appeared on an earlier line,
// with that earlier line, in order of key; each with its tag.
func (s *lineKeys) duplicates(fn func(dup, first keyLine) error) error {
	if n := len(s.chunks); n > 0 {
		slices.Sort(s.chunks[n-1].entries)
	}
	// k-way merge over the sorted chunks with a small binary heap of cursors
	type cursor struct{ chunk, pos int }
	less := func(a, b cursor) bool {
		return s.chunks[a.chunk].entries[a.pos] < s.chunks[b.chunk].entries[b.pos]
	}
	var heap []cursor
	push := func(c cursor) {
		heap = append(heap, c)
		for i := len(heap) - 1; i > 0; {
			p := (i - 1) / 2
			if !less(heap[i], heap[p]) {
				break
			}
			heap[i], heap[p] = heap[p], heap[i]
			i = p
		}
	}
	pop := func() cursor {
		top := heap[0]
		last := len(heap) - 1
		heap[0] = heap[last]
		heap = heap[:last]
		for i := 0; ; {
			l, r, m := 2*i+1, 2*i+2, i
			if l < len(heap) && less(heap[l], heap[m]) {
				m = l
			}
			if r < len(heap) && less(heap[r], heap[m]) {
				m = r
			}
			if m == i {
				break
			}
			heap[i], heap[m] = heap[m], heap[i]
			i = m
		}
		return top
	}
	for i, c := range s.chunks {
		if len(c.entries) > 0 {
			push(cursor{i, 0})
		}
	}
	var group []keyLine // lines of the current key
	var key uint64
	flush := func() error {
		if len(group) < 2 {
			return nil
		}
		for i := range group { // tags only for duplicates: a binary search each
			group[i].tag = s.chunks[group[i].chunk].tagAt(group[i].off)
		}
		first := slices.MinFunc(group, func(a, b keyLine) int { return a.line - b.line })
		for _, l := range group {
			if l.line != first.line {
				if err := fn(l, first); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for len(heap) > 0 {
		c := pop()
		ch := &s.chunks[c.chunk]
		e := ch.entries[c.pos]
		if k := e >> 16; k != key || len(group) == 0 {
			if err := flush(); err != nil {
				return err
			}
			key, group = k, group[:0]
		}
		off := uint16(e & 0xFFFF)
		group = append(group, keyLine{line: ch.start + int(off), chunk: c.chunk, off: off})
		if c.pos+1 < len(ch.entries) {
			push(cursor{c.chunk, c.pos + 1})
		}
	}
	return flush()
}

// residentKey packs the first 17 digits of a checked resident ID number into
// 46 bits: region (20 bits), birth date as days since 1900-01-01 (16 bits,
// up to 2079) and sequence (10 bits). ok is false for dates it cannot pack.
func residentKey(s string) (uint64, bool) {
	region := keyOfDigits(s[0:6])
	y, m, d := digits.Atoi(s[6:10]), digits.Atoi(s[10:12]), digits.Atoi(s[12:14])
	days := daysFromCivil(y, m, d) - daysFromCivil(1900, 1, 1)
	if days < 0 || days > 0xFFFF {
		return 0, false
	}
	return region<<26 | uint64(days)<<10 | keyOfDigits(s[14:17]), true
}

// daysFromCivil counts days from 1970-01-01 to y-m-d (proleptic Gregorian).
func daysFromCivil(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// lineSet is a bitset of line numbers: 1 bit a line, so 1,000,000 records
// cost 125 KiB.
type lineSet []uint64

func (s *lineSet) add(line int) {
	if line < 0 {
		return
	}
	i := line / 64
	for len(*s) <= i {
		*s = append(*s, 0)
	}
	(*s)[i] |= 1 << (line % 64)
}

func (s lineSet) has(line int) bool {
	i := line / 64
	return line >= 0 && i < len(s) && s[i]&(1<<(line%64)) != 0
}
