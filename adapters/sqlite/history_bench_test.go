package sqlite_test

import (
	"bufio"
	"context"
	"database/sql"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/sqlite"
	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/batch/batchtest"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

// historyRecords sizes BenchmarkValidateHistory (the figure is for
// 200,000 records).
var historyRecords = flag.Int("sqlite.historyrecords", 200_000, "records of BenchmarkValidateHistory's file and ledger")

// perRecord hides AssignedUnder: the validator then asks AssignedTo for every
// record, one read transaction each (the path before the range read).
type perRecord struct{ h batch.History }

func (p perRecord) AssignedTo(ctx context.Context, id studentid.ID) (studentid.ResidentID, bool, error) {
	return p.h.AssignedTo(ctx, id)
}

// BenchmarkValidateHistory validates a school's card-making file of
// -sqlite.historyrecords records at the district twice per iteration, in the
// same loop: plainly (no history) and checked against a SQLite ledger
// holding every one of its numbers (S-ID-1, lifecycle.NumberHistory).
// Reported: plain-ms, history-ms and x-vs-plain = history time / plain time
// (target ≤ 2; wall time: the range read runs beside the record pass, on the
// other core) and x-vs-plain-cpu, the same by CPU time (robust to the shared
// machine's load, but blind to the second core). Sub-benchmark "range-read" is the validator's path (the
// sender's numbers read with Store.AssignedNumbers); "per-record" is the
// AssignedTo-per-record path, for comparison.
func BenchmarkValidateHistory(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	const school = "01010123"
	n := *historyRecords
	path := filepath.Join(dir, "carddata.txt")
	f, err := os.Create(path)
	require.NoError(b, err)
	bw := bufio.NewWriterSize(f, 1<<20)
	require.NoError(b, batchtest.WriteCardData(bw, batchtest.School(school, time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC)), "红旗小学", n, 1))
	require.NoError(b, bw.Flush())
	require.NoError(b, f.Close())

	dbPath := filepath.Join(dir, "ledger.db")
	s, err := sqlite.Open(ctx, dbPath, sqlite.Options{})
	require.NoError(b, err)
	require.NoError(b, s.Close())
	seedStart := time.Now()
	seedNumbers(b, dbPath, school, n)
	b.Logf("seeded %d students and numbers in %v", n, time.Since(seedStart).Round(time.Millisecond))
	s, err = sqlite.Open(ctx, dbPath, sqlite.Options{})
	require.NoError(b, err)
	defer s.Close()
	l, err := lifecycle.NewLedger(lifecycle.Config{Store: s, Clock: time.Now})
	require.NoError(b, err)
	hist := l.NumberHistory(lifecycle.Operator{Level: studentid.LevelDistrict, District: school[2:4], User: "bench"})

	validate := func(h batch.History) (wall, cpu time.Duration) {
		f, err := os.Open(path)
		require.NoError(b, err)
		defer f.Close()
		runtime.GC() // each pass starts from the same heap
		start, c0 := time.Now(), cpuTime()
		rep, err := batch.Validator{Level: studentid.LevelDistrict, History: h}.Validate(ctx, f, "carddata.txt")
		wall, cpu = time.Since(start), cpuTime()-c0
		require.NoError(b, err)
		require.True(b, rep.Accepted, "%v", rep.Errors)
		require.Equal(b, int64(n), rep.Records)
		return wall, cpu
	}
	for _, c := range []struct {
		name string
		h    batch.History
	}{{"range-read", hist}, {"per-record", perRecord{hist}}} {
		b.Run(c.name, func(b *testing.B) {
			var plain, checked, plainCPU, checkedCPU time.Duration
			for b.Loop() {
				w, u := validate(nil)
				plain, plainCPU = plain+w, plainCPU+u
				w, u = validate(c.h)
				checked, checkedCPU = checked+w, checkedCPU+u
			}
			nb := float64(b.N)
			b.ReportMetric(float64(plain.Milliseconds())/nb, "plain-ms")
			b.ReportMetric(float64(checked.Milliseconds())/nb, "history-ms")
			b.ReportMetric(checked.Seconds()/plain.Seconds(), "x-vs-plain")
			b.ReportMetric(checkedCPU.Seconds()/plainCPU.Seconds(), "x-vs-plain-cpu")
		})
	}
}

// seedNumbers writes the students and number records of the generated file's
// n records with bare INSERTs in one transaction (the store's versioned puts
// take minutes at this size, and the benchmark measures reads).
func seedNumbers(b *testing.B, path, school string, n int) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", path)
	require.NoError(b, err)
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	require.NoError(b, err)
	stu, err := tx.PrepareContext(ctx, `INSERT INTO students (key, number, name, gender, birth_date, id_number, district, school, status, version)
		VALUES (?, ?, '', '', '', ?, ?, ?, 'enrolled', 1)`)
	require.NoError(b, err)
	num, err := tx.PrepareContext(ctx, `INSERT INTO numbers (number, student_key, school, status, at, replaces, version) VALUES (?, ?, ?, 'active', NULL, '', 1)`)
	require.NoError(b, err)
	for r, err := range batchtest.Records(school, "红旗小学", n, 1) {
		require.NoError(b, err)
		_, err = stu.ExecContext(ctx, "k"+r.RegistryNo.String(), r.RegistryNo.String(), r.ResidentID, school[2:4], school)
		require.NoError(b, err)
		_, err = num.ExecContext(ctx, r.RegistryNo.String(), "k"+r.RegistryNo.String(), school)
		require.NoError(b, err)
	}
	require.NoError(b, tx.Commit())
}
