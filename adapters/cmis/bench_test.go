package cmis_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/cmis"
)

// BenchmarkImport10k imports an export of 10,000 students (every P-4 field
// filled) in each format and reports rows per second, for spotting
// regressions.
func BenchmarkImport10k(b *testing.B) {
	const n = 10_000
	rows := sheet(b, n)
	for _, f := range formats {
		data := f.encode(b, rows)
		b.Run(f.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				good := 0
				res, err := cmis.Importer{OnRecord: func(cmis.Record) error { good++; return nil }}.
					Import(context.Background(), bytes.NewReader(data), "bench")
				require.NoError(b, err)
				require.Empty(b, res.Errors)
				require.Equal(b, n, good)
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// openpyxlScript reads every cell of the first visible sheet of a workbook
// with openpyxl's read-only mode and prints the seconds it took (the
// interpreter's start and the import of openpyxl not counted).
const openpyxlScript = `
import sys, time
import openpyxl
t = time.perf_counter()
wb = openpyxl.load_workbook(sys.argv[1], read_only=True, data_only=True)
ws = wb.worksheets[0]
n = 0
for row in ws.iter_rows(values_only=True):
    for v in row:
        n += 1
wb.close()
print(time.perf_counter() - t, n)
`

// python3 is the Debian interpreter, which has python3-openpyxl (.ci/run
// installs it).
func python3(b *testing.B) string {
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if path, err := exec.LookPath(p); err == nil {
			if exec.Command(path, "-c", "import openpyxl").Run() == nil {
				return path
			}
		}
	}
	b.Fatal("the baseline needs python3 with openpyxl: apt-get install python3-openpyxl")
	return ""
}

// BenchmarkImportXLSX100k: the numbers of issue 12 — a 100,000-row xlsx
// export imported at least as fast as openpyxl's read-only mode reads the
// same file (x-vs-baseline: openpyxl's time over ours, above 1 is faster),
// streaming in under 64 MB (peak-RSS-MB: the maximum resident size of a
// child process doing only the import).
func BenchmarkImportXLSX100k(b *testing.B) {
	const n = 100_000
	path := filepath.Join(b.TempDir(), "students.xlsx")
	require.NoError(b, os.WriteFile(path, xlsxOf(b, sheet(b, n)), 0o644))
	out, err := exec.Command(python3(b), "-c", openpyxlScript, path).Output()
	require.NoError(b, err)
	fields := strings.Fields(string(out))
	base, err := strconv.ParseFloat(fields[0], 64)
	require.NoError(b, err)
	b.ResetTimer()
	for b.Loop() {
		f, err := os.Open(path)
		require.NoError(b, err)
		good := 0
		res, err := cmis.Importer{OnRecord: func(cmis.Record) error { good++; return nil }}.Import(context.Background(), f, "bench")
		require.NoError(b, err)
		require.NoError(b, f.Close())
		require.Empty(b, res.Errors)
		require.Equal(b, n, good)
	}
	ours := b.Elapsed().Seconds() / float64(b.N)
	b.StopTimer()
	b.ReportMetric(base/ours, "x-vs-baseline")
	b.ReportMetric(base, "openpyxl-s")
	b.ReportMetric(peakRSS(b, path), "peak-RSS-MB")
	b.ReportMetric(peakRSS(b, ""), "idle-RSS-MB")
}

// BenchmarkXLSXBombs: issue 11 — the 919 KB workbook with one 900 MB cell
// and the 827 KB workbook with 20 million shared strings are refused with
// ErrTooBig within 300 MB of memory (peak-RSS-MB of a child process doing
// only the import).
func BenchmarkXLSXBombs(b *testing.B) {
	dir := b.TempDir()
	for _, bomb := range []struct {
		name  string
		write func(w io.Writer)
	}{
		{"cell-900MB", func(w io.Writer) {
			_, _ = io.WriteString(w, `<sst><si><t>`)
			chunk := bytes.Repeat([]byte("a"), 1<<20)
			for i := 0; i < 900; i++ {
				_, _ = w.Write(chunk)
			}
			_, _ = io.WriteString(w, `</t></si></sst>`)
		}},
		{"shared-strings-20M", func(w io.Writer) {
			_, _ = io.WriteString(w, `<sst>`)
			chunk := bytes.Repeat([]byte("<si><t>a</t></si>"), 1<<16)
			for i := 0; i < 20_000_000>>16+1; i++ {
				_, _ = w.Write(chunk)
			}
			_, _ = io.WriteString(w, `</sst>`)
		}},
	} {
		path := filepath.Join(dir, bomb.name+".xlsx")
		writeBomb(b, path, bomb.write)
		st, err := os.Stat(path)
		require.NoError(b, err)
		b.Run(bomb.name, func(b *testing.B) {
			for b.Loop() {
				f, err := os.Open(path)
				require.NoError(b, err)
				_, err = cmis.Import(context.Background(), f, "bomb.xlsx")
				require.ErrorIs(b, err, cmis.ErrTooBig)
				require.NoError(b, f.Close())
			}
			b.ReportMetric(float64(st.Size())/1e3, "file-KB")
			b.ReportMetric(peakRSS(b, path), "peak-RSS-MB")
		})
	}
}

// writeBomb writes a workbook whose shared strings part is what write
// writes, compressed.
func writeBomb(b *testing.B, path string, write func(io.Writer)) {
	base := xlsxOf(b, [][]string{header, {"X"}})
	zr, err := zip.NewReader(bytes.NewReader(base), int64(len(base)))
	require.NoError(b, err)
	f, err := os.Create(path)
	require.NoError(b, err)
	zw := zip.NewWriter(f)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestCompression) })
	for _, e := range zr.File {
		w, err := zw.Create(e.Name)
		require.NoError(b, err)
		if e.Name == "xl/sharedStrings.xml" {
			write(w)
			continue
		}
		r, err := e.Open()
		require.NoError(b, err)
		_, err = io.Copy(w, r)
		require.NoError(b, err)
	}
	require.NoError(b, zw.Close())
	require.NoError(b, f.Close())
}

// peakRSS runs the import of path ("" for none) in a child process (this
// test binary, TestPeakRSSChild) and returns its maximum resident size in
// MB, as the child reads it from /proc/self/status (VmHWM, which starts
// afresh at exec; a child's rusage would count the parent's pages shared
// before the exec).
func peakRSS(b *testing.B, path string) float64 {
	cmd := exec.Command(os.Args[0], "-test.run=^TestPeakRSSChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "CMIS_PEAK_FILE="+path, "CMIS_PEAK_CHILD=1")
	out, err := cmd.CombinedOutput()
	require.NoError(b, err, "%s", out)
	_, kb, ok := strings.Cut(string(out), "VmHWM:")
	require.True(b, ok, "%s", out)
	n, err := strconv.Atoi(strings.Fields(kb)[0])
	require.NoError(b, err)
	return float64(n) / 1024
}

// TestPeakRSSChild is the child process of peakRSS: outside it, it only
// checks that a child's import runs.
func TestPeakRSSChild(t *testing.T) {
	path := os.Getenv("CMIS_PEAK_FILE")
	if os.Getenv("CMIS_PEAK_CHILD") == "" {
		path = filepath.Join(t.TempDir(), "s.xlsx")
		require.NoError(t, os.WriteFile(path, xlsxOf(t, sheet(t, 10)), 0o644))
	}
	if path != "" { // "": the idle baseline of a child
		f, err := os.Open(path)
		require.NoError(t, err)
		defer f.Close()
		start := time.Now()
		good := 0
		_, err = cmis.Importer{OnRecord: func(cmis.Record) error { good++; return nil }}.Import(context.Background(), f, "child")
		fmt.Fprintln(os.Stderr, "child import:", time.Since(start), good, err)
	}
	status, err := os.ReadFile("/proc/self/status")
	require.NoError(t, err)
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			fmt.Fprintln(os.Stderr, line)
		}
	}
}
