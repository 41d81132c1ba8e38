package studentid_test

import (
	"testing"
	"time"

	"github.com/bjedu/studentcard/studentid"
)

// BenchmarkParse measures Parse of a valid number (targets: 0 allocs/op,
// ≤ 30 ns/op) and, in the same run, the regexp baseline of the same rules
// (target: Parse ≥ 20× faster). The two are interleaved in chunks, the
// baseline with the timer stopped, so that both see the same machine load
// and the reported ratio stays meaningful on a busy box.
func BenchmarkParse(b *testing.B) {
	const (
		in            = "0105312392712348"
		parseChunk    = 1 << 14
		baselineChunk = 1 << 9
	)
	if !baselineValid(in) {
		b.Fatal("baseline rejects the benchmark input")
	}
	var baseline time.Duration
	baselineN := 0
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; {
		n := min(parseChunk, b.N-done)
		for range n {
			if _, err := studentid.Parse(in); err != nil {
				b.Fatal(err)
			}
		}
		done += n

		b.StopTimer()
		start := time.Now()
		for range baselineChunk {
			if !baselineValid(in) {
				b.Fatal("baseline rejected a valid number")
			}
		}
		baseline += time.Since(start)
		baselineN += baselineChunk
		b.StartTimer()
	}
	b.StopTimer()
	parseNs := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	baselineNs := float64(baseline.Nanoseconds()) / float64(baselineN)
	b.ReportMetric(baselineNs, "regexp-ns/op")
	b.ReportMetric(baselineNs/parseNs, "x-vs-regexp")
}

// BenchmarkParseFullWidth measures the slow path: full-width digits folded
// with golang.org/x/text/width.
func BenchmarkParseFullWidth(b *testing.B) {
	const in = "０１０５３１２３９２７１２３４８"
	b.ReportAllocs()
	for range b.N {
		if _, err := studentid.Parse(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseResidentID measures ParseResidentID of a valid number.
func BenchmarkParseResidentID(b *testing.B) {
	b.ReportAllocs()
	for range b.N {
		if _, err := studentid.ParseResidentID("11010519491231002X"); err != nil {
			b.Fatal(err)
		}
	}
}
