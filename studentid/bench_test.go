package studentid_test

import (
	"testing"
	"time"

	"github.com/bjedu/studentcard/studentid"
)

// BenchmarkParse measures Parse of a valid number (target: 0 allocs/op,
// ≤ 30 ns/op) and, in the same run with the timer stopped, the regexp
// baseline of the same rules; it reports the baseline's ns/op and how many
// times faster Parse is (target ≥ 20).
func BenchmarkParse(b *testing.B) {
	const in = "0105312392712347"
	if !baselineValid(in) {
		b.Fatal("baseline rejects the benchmark input")
	}

	b.StopTimer()
	n := min(b.N, 200_000)
	start := time.Now()
	for range n {
		if !baselineValid(in) {
			b.Fatal("baseline rejected a valid number")
		}
	}
	baseline := float64(time.Since(start).Nanoseconds()) / float64(n)
	b.StartTimer()

	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := studentid.Parse(in); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	parse := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(baseline, "regexp-ns/op")
	b.ReportMetric(baseline/parse, "x-vs-regexp")
}

// BenchmarkParseFullWidth measures the slow path: full-width digits folded
// with golang.org/x/text/width.
func BenchmarkParseFullWidth(b *testing.B) {
	const in = "０１０５３１２３９２７１２３４７"
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
