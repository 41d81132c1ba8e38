package lists_test

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
	mrand "math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/bjedu/studentcard/batch/lists"
)

// cityCards is the city scale of R-LIST-1: about 2 million cards.
const cityCards = 2_000_000

// baselineBuild is what a plain implementation does: sort.Slice on
// [][8]byte with bytes.Compare, then write each serial.
func baselineBuild(serials [][8]byte, w io.Writer) {
	s := make([][8]byte, len(serials))
	copy(s, serials)
	sort.Slice(s, func(i, j int) bool { return bytes.Compare(s[i][:], s[j][:]) < 0 })
	bw := bufio.NewWriter(w)
	for i := range s {
		bw.Write(s[i][:])
	}
	bw.Flush()
}

// timeOnce returns the time f takes, the best of n runs.
func timeOnce(n int, f func()) time.Duration {
	best := time.Duration(1<<63 - 1)
	for range n {
		start := time.Now()
		f()
		best = min(best, time.Since(start))
	}
	return best
}

// BenchmarkBuild2M builds the signed compact list of 2,000,000 cards
// (target: under 2 s) and, in the same run, the baseline; it reports
// ns/serial and how many times faster than the baseline the build is.
func BenchmarkBuild2M(b *testing.B) {
	rng := mrand.New(mrand.NewPCG(1, 1))
	entries := make([]lists.Entry, cityCards)
	serials := make([][8]byte, cityCards)
	for i := range entries {
		binary.BigEndian.PutUint64(entries[i].Serial[:], rng.Uint64())
		entries[i].Status = lists.StatusLost
		serials[i] = entries[i].Serial
	}
	o := opts(1, testKey(1))
	base := timeOnce(2, func() { baselineBuild(serials, io.Discard) })
	b.ResetTimer()
	for b.Loop() {
		l, err := lists.Build(entries, o)
		if err != nil {
			b.Fatal(err)
		}
		l.WriteTo(io.Discard)
	}
	per := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(per.Nanoseconds())/cityCards, "ns/serial")
	b.ReportMetric(float64(base.Nanoseconds())/cityCards, "baseline-ns/serial")
	b.ReportMetric(float64(base)/float64(per), "x-vs-baseline")
}

// BenchmarkLookup2M looks serials up in the compact list of 2,000,000 cards
// (half of the probes present; target ≤ 100 ns, 0 allocations) and, in the
// same run, in a map[[8]byte]Status of the same cards; it reports the map's
// time and the ratio map/list (above 1: the list is faster). Two probe sets:
// 64 Ki serials (a hot set, as at a school gate) and 1 Mi serials (cold, as
// on a transit network).
func BenchmarkLookup2M(b *testing.B) {
	rng := mrand.New(mrand.NewPCG(2, 2))
	entries := make([]lists.Entry, cityCards)
	m := make(map[[8]byte]lists.Status, cityCards)
	for i := range entries {
		binary.BigEndian.PutUint64(entries[i].Serial[:], rng.Uint64())
		entries[i].Status = lists.Status(1 + i%3)
		m[entries[i].Serial] = entries[i].Status
	}
	built, err := lists.Build(entries, opts(1, testKey(1)))
	if err != nil {
		b.Fatal(err)
	}
	l, err := lists.Open(built.Bytes(), pubOf(testKey(1)))
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{1 << 16, 1 << 20} {
		probes := make([]lists.Serial, n)
		for i := range probes {
			if i%2 == 0 {
				probes[i] = entries[rng.IntN(cityCards)].Serial
			} else {
				binary.BigEndian.PutUint64(probes[i][:], rng.Uint64())
			}
		}
		name := "probes=64Ki"
		if n > 1<<16 {
			name = "probes=1Mi"
		}
		b.Run(name, func(b *testing.B) {
			var sink lists.Status
			rounds := (1 << 22) / n
			base := timeOnce(3, func() {
				for range rounds {
					for _, p := range probes {
						sink += m[p]
					}
				}
			}) / time.Duration(rounds*n)
			b.ReportAllocs()
			b.ResetTimer()
			i := 0
			for b.Loop() {
				st, _ := l.Lookup(probes[i&(n-1)])
				sink += st
				i++
			}
			per := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			b.ReportMetric(float64(base.Nanoseconds()), "map-ns/op")
			b.ReportMetric(float64(base.Nanoseconds())/per, "x-vs-map")
			if sink == 255 {
				b.Log(sink)
			}
		})
	}
}

// BenchmarkOpen2M verifies a 2,000,000-card list (digest, signature, order):
// what a reader pays once per daily list.
func BenchmarkOpen2M(b *testing.B) {
	rng := mrand.New(mrand.NewPCG(3, 3))
	for _, alg := range []lists.DigestAlg{lists.SHA256, lists.SM3} {
		b.Run(alg.String(), func(b *testing.B) {
			l, err := lists.Build(randEntries(rng, cityCards), lists.BuildOptions{Version: 1, Digest: alg, Signer: testKey(1)})
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(l.Bytes())))
			for b.Loop() {
				if _, err := lists.Open(l.Bytes(), pubOf(testKey(1))); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCityDay2M is the city's daily job at full scale: fold 2,000,000
// events (one per card) into the state and build the signed list of the
// cards left on it. It reports the total per day.
func BenchmarkCityDay2M(b *testing.B) {
	rng := mrand.New(mrand.NewPCG(4, 4))
	ev := event(b, 0, lists.KindLoss, at(0))
	events := make([]lists.Event, cityCards)
	for i := range events {
		e := ev
		binary.BigEndian.PutUint64(e.Serial[:], rng.Uint64())
		e.Kind = lists.Kind(1 + i%4)
		e.Time = at(i % 600)
		events[i] = e
	}
	lists.SortEvents(events)
	o := opts(1, testKey(1))
	for b.Loop() {
		state := lists.NewState()
		for _, e := range events {
			state.Apply(e)
		}
		if _, err := lists.Build(state.Entries(), o); err != nil {
			b.Fatal(err)
		}
	}
}
