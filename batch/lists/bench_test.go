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

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/batch/lists"
	"github.com/bjedu/studentcard/studentid"
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

// BenchmarkBuild2M builds the signed compact list of 2,000,000 cards
// (target: under 2 s) and, in the same loop iteration, the baseline, so that
// both see the same machine load (the box is shared). ns/op is the sum of
// the two; the metrics split it: build-ms and ns/serial for the compact list,
// baseline-ns/serial, and x-vs-baseline (how many times faster the build is).
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
	var ours, base time.Duration
	for b.Loop() {
		start := time.Now()
		l, err := lists.Build(entries, o)
		if err != nil {
			b.Fatal(err)
		}
		l.WriteTo(io.Discard)
		mid := time.Now()
		baselineBuild(serials, io.Discard)
		ours, base = ours+mid.Sub(start), base+time.Since(mid)
	}
	n := float64(b.N)
	b.ReportMetric(float64(ours.Milliseconds())/n, "build-ms")
	b.ReportMetric(float64(ours.Nanoseconds())/n/cityCards, "ns/serial")
	b.ReportMetric(float64(base.Nanoseconds())/n/cityCards, "baseline-ns/serial")
	b.ReportMetric(float64(base)/float64(ours), "x-vs-baseline")
}

// BenchmarkLookup2M looks serials up in the compact list of 2,000,000 cards
// (half of the probes present; target ≤ 100 ns, 0 allocations) and, in the
// same run of the same sub-benchmark just before, in a map[[8]byte]Status of
// the same cards, b.N probes each. The two loops run one after the other, not
// interleaved (interleaving would make each evict the other's cache lines,
// which no reader does), and every run (also under -count) compares its own
// pair: ns/op is the list's time, map-ns/op the map's and x-vs-map = map time
// / list time (above 1: the list is faster). Two probe sets: 64 Ki serials (a
// hot set, as at a school gate) and 1 Mi serials (cold, as on a transit
// network).
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
	l, err := lists.Open(built.Bytes(), pubOf(testKey(1)), lists.Current{})
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{1 << 16, 1 << 20} {
		probes := make([]studentid.Serial, n)
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
		var sink lists.Status
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			start := time.Now()
			for i := range b.N {
				sink += m[probes[i&(n-1)]]
			}
			mapNs := float64(time.Since(start).Nanoseconds()) / float64(b.N)
			b.ResetTimer()
			for i := range b.N {
				st, _ := l.Lookup(probes[i&(n-1)])
				sink += st
			}
			b.StopTimer()
			ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			b.ReportMetric(mapNs, "map-ns/op")
			b.ReportMetric(mapNs/ns, "x-vs-map")
		})
		if sink == 255 {
			b.Log(sink)
		}
	}
}

// BenchmarkOpen2M verifies a 2,000,000-card list (digest, signature, order):
// what a reader pays once per daily list.
func BenchmarkOpen2M(b *testing.B) {
	rng := mrand.New(mrand.NewPCG(3, 3))
	for _, alg := range []batch.DigestAlg{batch.SHA256, batch.SM3} {
		b.Run(alg.String(), func(b *testing.B) {
			l, err := lists.Build(randEntries(rng, cityCards), lists.BuildOptions{Version: 1, Digest: alg, Signer: testKey(1)})
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(l.Bytes())))
			for b.Loop() {
				if _, err := lists.Open(l.Bytes(), pubOf(testKey(1)), lists.Current{}); err != nil {
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
