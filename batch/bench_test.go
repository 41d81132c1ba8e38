package batch_test

import (
	"bufio"
	"context"
	"encoding/csv"
	"flag"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/batch/batchtest"
	"github.com/bjedu/studentcard/studentid"
)

// benchRecords sizes the generated card-making file of BenchmarkValidate.
// The figure is for 1,000,000 records:
//
//	go test ./batch -run '^$' -bench Validate -benchtime 1x -batch.records 1000000
var benchRecords = flag.Int("batch.records", 50_000, "records in the generated card-making file of BenchmarkValidate")

// heapRecords sizes the file of TestValidatePeakHeap (200,000 by default, a
// few seconds); -batch.heaprecords 1000000 checks the bound at a million.
var heapRecords = flag.Int("batch.heaprecords", 200_000, "records in the generated file of TestValidatePeakHeap")

// genCardFile writes n generated records (GB18030, SHA-256) to dir.
func genCardFile(tb testing.TB, dir string, n int) (string, int64) {
	tb.Helper()
	path := filepath.Join(dir, "carddata.txt")
	f, err := os.Create(path)
	require.NoError(tb, err)
	bw := bufio.NewWriterSize(f, 1<<20)
	require.NoError(tb, batchtest.WriteCardData(bw, batchtest.School(school, created), schoolName, n, 1))
	require.NoError(tb, bw.Flush())
	require.NoError(tb, f.Close())
	st, err := os.Stat(path)
	require.NoError(tb, err)
	return path, st.Size()
}

// baselinePass is the bar: encoding/csv over a GB18030-decoding reader,
// touching every field and nothing more.
func baselinePass(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	r := csv.NewReader(transform.NewReader(f, simplifiedchinese.GB18030.NewDecoder()))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	n := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n += len(rec)
	}
}

func validateFile(ctx context.Context, path string) (*batch.Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	v := batch.Validator{Level: studentid.LevelDistrict}
	return v.Validate(ctx, f, "carddata.txt")
}

// BenchmarkValidate: full validation of a card-making file against a bare
// csv+GB18030 pass over the same bytes, in the same run. Target:
// x-vs-baseline ≥ 0.5 (at least half the baseline's throughput).
func BenchmarkValidate(b *testing.B) {
	path, size := genCardFile(b, b.TempDir(), *benchRecords)
	ctx := context.Background()
	var base, ours, baseCPU, oursCPU time.Duration
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		runtime.GC() // each pass starts from the same heap
		t0, c0 := time.Now(), cpuTime()
		if _, err := baselinePass(path); err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		t1, c1 := time.Now(), cpuTime()
		rep, err := validateFile(ctx, path)
		if err != nil || !rep.Accepted {
			b.Fatalf("validation: %v %v", err, rep.Errors)
		}
		ours, oursCPU = ours+time.Since(t1), oursCPU+cpuTime()-c1
		base, baseCPU = base+t1.Sub(t0), baseCPU+c1-c0
	}
	mb := float64(size) * float64(b.N) / 1e6
	b.ReportMetric(mb/base.Seconds(), "baseline-MB/s")
	b.ReportMetric(mb/ours.Seconds(), "validate-MB/s")
	// Throughput ratio (≥ 0.5 is the target): by CPU time, robust to other
	// processes on the machine, and by wall time.
	b.ReportMetric(baseCPU.Seconds()/oursCPU.Seconds(), "x-vs-baseline")
	b.ReportMetric(base.Seconds()/ours.Seconds(), "x-vs-baseline-wall")
	b.ReportMetric(float64(*benchRecords), "records")
}

// TestValidatePeakHeap proves the memory bound of the streaming validator:
// 200,000 records validated with the heap sampled throughout stays under
// 64 MiB (the duplicate sets are the only state that grows: about 26 bytes
// a record).
func TestValidatePeakHeap(t *testing.T) {
	records := *heapRecords
	path, size := genCardFile(t, t.TempDir(), records)
	runtime.GC()
	var peak atomic.Uint64
	sample := func() {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		if ms.HeapAlloc > peak.Load() {
			peak.Store(ms.HeapAlloc)
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
	rep, err := validateFile(context.Background(), path)
	sample()
	close(done)
	wg.Wait()
	require.NoError(t, err)
	require.True(t, rep.Accepted, "%v", rep.Errors)
	assert.EqualValues(t, records, rep.Records)
	const limit = 64 << 20
	t.Logf("file %d MiB, peak heap %.1f MiB", size>>20, float64(peak.Load())/(1<<20))
	assert.Less(t, peak.Load(), uint64(limit), "peak heap over 64 MiB")
	assert.Greater(t, size, int64(limit/8), "the file is large enough for the bound to mean something")
}
