package cmis_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/cmis"
)

// BenchmarkImport10k imports an export of 10,000 students (every P-4 field
// filled) in each format and reports rows per second. There is no target:
// a school has at most a few thousand students, so any of these takes well
// under a second; the numbers are for spotting regressions.
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
