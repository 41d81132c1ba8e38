package batch_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/batch/batchtest"
)

// peakHeap runs f while sampling the live heap (runtime/metrics, which
// does not stop the world as ReadMemStats does) every 2 ms and returns the
// highest value seen above the heap before f started.
func peakHeap(f func()) uint64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(s)
		return s[0].Value.Uint64()
	}
	before := read()
	var peak atomic.Uint64
	sample := func() {
		if v := read(); v > peak.Load() {
			peak.Store(v)
		}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				sample()
			}
		}
	})
	f()
	sample()
	close(done)
	wg.Wait()
	if p := peak.Load(); p > before {
		return p - before
	}
	return 0
}

// countWriter counts the bytes written to it.
type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// naiveIntake is the baseline: what an intake without bounds does with a
// package, decompressing every entry in full.
func naiveIntake(pkg []byte) (int64, error) {
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		return 0, err
	}
	var n int64
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return n, err
		}
		m, err := io.Copy(io.Discard, rc)
		rc.Close()
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// failingPackage is a package of n distinct records that all fail: every
// record carries the first record's resident ID (a duplicate, and birth
// date and gender not matching it), so each gives two to four problems.
func failingPackage(tb testing.TB, n int) []byte {
	var buf bytes.Buffer
	pw := batch.NewPackageWriter(&buf)
	dw, err := pw.CardData(batchtest.School(school, created))
	require.NoError(tb, err)
	first := ""
	for r, err := range batchtest.Records(school, schoolName, n, 1) {
		require.NoError(tb, err)
		if first == "" {
			first = r.ResidentID
		}
		r.ResidentID = first
		require.NoError(tb, dw.WriteRecord(r.Fields()))
	}
	require.NoError(tb, dw.Close())
	require.NoError(tb, pw.Close())
	return buf.Bytes()
}

// validPackage is a package of n valid records without their photos: the
// whole data pass runs, then every photo is missing.
func validPackage(tb testing.TB, n int) []byte {
	var buf bytes.Buffer
	pw := batch.NewPackageWriter(&buf)
	dw, err := pw.CardData(batchtest.School(school, created))
	require.NoError(tb, err)
	for r, err := range batchtest.Records(school, schoolName, n, 1) {
		require.NoError(tb, err)
		require.NoError(tb, dw.WriteRecord(r.Fields()))
	}
	require.NoError(tb, dw.Close())
	require.NoError(tb, pw.Close())
	return buf.Bytes()
}

// photoPackage is an accepted package of n records with their photos.
func photoPackage(tb testing.TB, n int) []byte {
	var buf bytes.Buffer
	require.NoError(tb, batchtest.WritePackage(&buf, batchtest.School(school, created), schoolName, n, 1))
	return buf.Bytes()
}

// BenchmarkHostilePackage measures the bounded intake (issue 11: a 1 MB
// package of any shape is refused or accepted in under 5 s with under
// 200 MB of heap and a failure file under 20 MB) on packages of about 1 MB:
// the data bomb (identical records), distinct records that all fail (the
// validation stops at its problem cap), valid records without photos (the
// whole data pass, then every photo missing) and an accepted package of
// photos. Each iteration runs the naive intake
// (decompress everything) and CheckPackage with a failure file on the same
// package; x-vs-baseline is naive time over checked time (above 1: the
// bounded check is faster than merely unpacking). Run with
//
//	go test ./batch -run '^$' -bench HostilePackage -benchtime 3x
func BenchmarkHostilePackage(b *testing.B) {
	for _, shape := range []struct {
		name     string
		pkg      func(testing.TB) []byte
		accepted bool
	}{
		{"data-bomb", func(tb testing.TB) []byte { return dataBomb(tb, 3_500_000) }, false},
		{"failing-records", func(tb testing.TB) []byte { return failingPackage(tb, 140_000) }, false},
		{"valid-records", func(tb testing.TB) []byte { return validPackage(tb, 90_000) }, false},
		{"photos", func(tb testing.TB) []byte { return photoPackage(tb, 45) }, true},
	} {
		b.Run(shape.name, func(b *testing.B) {
			pkg := shape.pkg(b)
			ctx := context.Background()
			var naive, ours, oursCPU time.Duration
			var heap, failures uint64
			var rows int64
			var problems int64
			b.ResetTimer()
			for b.Loop() {
				runtime.GC()
				t0 := time.Now()
				if _, err := naiveIntake(pkg); err != nil {
					b.Fatal(err)
				}
				naive += time.Since(t0)
				var out countWriter
				var rep *batch.PackageReport
				var err error
				var dur time.Duration
				h := peakHeap(func() {
					t1, c1 := time.Now(), cpuTime()
					fw, ferr := batch.NewFailureWriter(&out, "f.txt", districtSender())
					require.NoError(b, ferr)
					v := districtValidator()
					v.OnError = fw.Add
					rep, err = batch.CheckPackage(ctx, bytes.NewReader(pkg), int64(len(pkg)), "p.zip", v, batch.PhotoRules{})
					require.NoError(b, fw.Close())
					rows = fw.Count()
					dur = time.Since(t1)
					oursCPU += cpuTime() - c1
				})
				if err != nil || rep.Accepted != shape.accepted {
					b.Fatalf("check: %v, accepted %v, want %v", err, rep.Accepted, shape.accepted)
				}
				ours += dur
				heap = max(heap, h)
				failures = max(failures, uint64(out.n))
				problems = rep.Problems
			}
			n := float64(b.N)
			b.ReportMetric(float64(len(pkg))/1e6, "package-MB")
			b.ReportMetric(ours.Seconds()/n, "check-s")
			b.ReportMetric(oursCPU.Seconds()/n, "check-cpu-s")
			b.ReportMetric(naive.Seconds()/n, "naive-s")
			b.ReportMetric(float64(heap)/1e6, "peak-heap-MB")
			b.ReportMetric(float64(failures)/1e6, "failure-file-MB")
			b.ReportMetric(float64(rows), "failure-rows")
			b.ReportMetric(float64(problems), "problems")
			b.ReportMetric(naive.Seconds()/ours.Seconds(), "x-vs-baseline")
		})
	}
}
