package lists

import (
	"encoding/binary"
	mrand "math/rand/v2"
	"testing"
)

func expData() ([]byte, []uint64, []uint64) {
	rng := mrand.New(mrand.NewPCG(2, 2))
	n := 2_000_000
	keys := make([]uint64, n)
	for i := range keys {
		keys[i] = rng.Uint64()
	}
	sts := make([]Status, n)
	keys, _ = radixSort(keys, sts)
	e := make([]byte, n*9)
	for i, k := range keys {
		binary.BigEndian.PutUint64(e[i*9:], k)
		e[i*9+8] = 1
	}
	probes := make([]uint64, 1<<16)
	for i := range probes {
		if i%2 == 0 {
			probes[i] = keys[rng.IntN(n)]
		} else {
			probes[i] = rng.Uint64()
		}
	}
	return e, keys, probes
}

func branchless(e []byte, n int, key uint64) (Status, bool) {
	if n == 0 {
		return 0, false
	}
	base := 0
	for n > 1 {
		half := n >> 1
		if binary.BigEndian.Uint64(e[(base+half)*9:]) <= key {
			base += half
		}
		n -= half
	}
	if binary.BigEndian.Uint64(e[base*9:]) == key {
		return Status(e[base*9+8]), true
	}
	return 0, false
}

func fenceLookup(fence []uint64, e []byte, n int, key uint64) (Status, bool) {
	// find last fence <= key
	base, m := 0, len(fence)
	for m > 1 {
		half := m >> 1
		if fence[base+half] <= key {
			base += half
		}
		m -= half
	}
	lo := base * 16
	cnt := min(16, n-lo)
	b := 0
	for cnt > 1 {
		half := cnt >> 1
		if binary.BigEndian.Uint64(e[(lo+b+half)*9:]) <= key {
			b += half
		}
		cnt -= half
	}
	off := (lo + b) * 9
	if binary.BigEndian.Uint64(e[off:]) == key {
		return Status(e[off+8]), true
	}
	return 0, false
}

func BenchmarkExpBranchless(b *testing.B) {
	e, _, probes := expData()
	var s Status
	i := 0
	for b.Loop() {
		st, _ := branchless(e, len(e)/9, probes[i&(len(probes)-1)])
		s += st
		i++
	}
	_ = s
}

func BenchmarkExpFence16(b *testing.B) {
	e, keys, probes := expData()
	fence := make([]uint64, 0, len(keys)/16+1)
	for i := 0; i < len(keys); i += 16 {
		fence = append(fence, keys[i])
	}
	var s Status
	i := 0
	for b.Loop() {
		st, _ := fenceLookup(fence, e, len(keys), probes[i&(len(probes)-1)])
		s += st
		i++
	}
	_ = s
}

type radixIdx struct {
	lcp   uint
	bits  uint
	table []uint32
}

func buildRadix(keys []uint64, bits uint) radixIdx {
	x := keys[0] ^ keys[len(keys)-1]
	lcp := uint(0)
	for lcp < 64 && x&(1<<(63-lcp)) == 0 {
		lcp++
	}
	t := make([]uint32, (1<<bits)+1)
	b := 0
	for i, k := range keys {
		kb := int((k << lcp) >> (64 - bits))
		for b <= kb {
			t[b] = uint32(i)
			b++
		}
	}
	for b < len(t) {
		t[b] = uint32(len(keys))
		b++
	}
	return radixIdx{lcp: lcp, bits: bits, table: t}
}

func radixLookup(ix *radixIdx, e []byte, key uint64) (Status, bool) {
	b := (key << ix.lcp) >> (64 - ix.bits)
	lo, hi := int(ix.table[b]), int(ix.table[b+1])
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if binary.BigEndian.Uint64(e[mid*9:]) < key {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(e)/9 && binary.BigEndian.Uint64(e[lo*9:]) == key {
		return Status(e[lo*9+8]), true
	}
	return 0, false
}

func benchRadix(b *testing.B, bits uint, nprobe int) {
	e, keys, probes := expData()
	if nprobe > len(probes) {
		rng := mrand.New(mrand.NewPCG(5, 5))
		probes = make([]uint64, nprobe)
		for i := range probes {
			if i%2 == 0 {
				probes[i] = keys[rng.IntN(len(keys))]
			} else {
				probes[i] = rng.Uint64()
			}
		}
	}
	ix := buildRadix(keys, bits)
	var s Status
	i := 0
	for b.Loop() {
		st, _ := radixLookup(&ix, e, probes[i&(len(probes)-1)])
		s += st
		i++
	}
	_ = s
}

func BenchmarkExpRadix16(b *testing.B)    { benchRadix(b, 16, 0) }
func BenchmarkExpRadix18(b *testing.B)    { benchRadix(b, 18, 0) }
func BenchmarkExpRadix16_1M(b *testing.B) { benchRadix(b, 16, 1<<20) }
func BenchmarkExpRadix18_1M(b *testing.B) { benchRadix(b, 18, 1<<20) }
func BenchmarkExpPlain(b *testing.B) {
	e, _, probes := expData()
	l := &List{entries: e, hdr: Header{Count: len(e) / 9}}
	var s Status
	i := 0
	for b.Loop() {
		var k Serial
		binary.BigEndian.PutUint64(k[:], probes[i&(len(probes)-1)])
		st, _ := l.Lookup(k)
		s += st
		i++
	}
	_ = s
}
