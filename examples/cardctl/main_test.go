package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/pcsc/pcsctest"
	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/batch/batchtest"
	"github.com/bjedu/studentcard/studentid"
)

// testNow is the clock every test passes with --now, so files and reports are
// reproducible.
const testNow = "2026-09-01T08:00:00+08:00"

// binaries are the cardctl executables built once for the package's tests:
// the default build (cgo as the machine allows) and one without cgo.
type binaries struct {
	dir, cardctl, nocgo string
}

// bins is set once by TestMain before any test runs and never changed.
var bins binaries

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "cardctl-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bins = binaries{dir: dir, cardctl: filepath.Join(dir, "cardctl"), nocgo: filepath.Join(dir, "cardctl-nocgo")}
	for _, b := range []struct {
		out string
		env []string
	}{{bins.cardctl, nil}, {bins.nocgo, []string{"CGO_ENABLED=0"}}} {
		cmd := exec.Command("go", "build", "-o", b.out, ".")
		cmd.Env = append(os.Environ(), b.env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
			os.RemoveAll(dir)
			os.Exit(1)
		}
	}
	code := pcsctest.Main(m) // a private pcscd for TestCardRealStack; the binaries inherit its socket
	os.RemoveAll(dir)
	os.Exit(code)
}

// outcome is what one run of the binary did.
type outcome struct {
	code           int
	stdout, stderr string
}

// exe runs the built binary in dir with the fixed clock.
func exe(t *testing.T, dir string, args ...string) outcome {
	t.Helper()
	return exeBin(t, bins.cardctl, dir, args...)
}

func exeBin(t *testing.T, bin, dir string, args ...string) outcome {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"--now", testNow}, args...)...)
	cmd.Dir = dir
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return outcome{code: code, stdout: so.String(), stderr: se.String()}
}

// inproc runs the command line in-process through run, as main does.
func inproc(args ...string) outcome {
	var so, se bytes.Buffer
	code := run(context.Background(), append([]string{"--now", testNow}, args...), bytes.NewReader(nil), &so, &se)
	return outcome{code: code, stdout: so.String(), stderr: se.String()}
}

func inprocWith(d deps, args ...string) outcome {
	var so, se bytes.Buffer
	code := runWith(context.Background(), append([]string{"--now", testNow}, args...), bytes.NewReader(nil), &so, &se, d)
	return outcome{code: code, stdout: so.String(), stderr: se.String()}
}

// jsonOut decodes the one JSON document of a --json run.
func jsonOut(t *testing.T, o outcome) map[string]any {
	t.Helper()
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader([]byte(o.stdout)))
	require.NoError(t, dec.Decode(&doc), "stdout: %s", o.stdout)
	require.False(t, dec.More(), "one JSON document only: %s", o.stdout)
	return doc
}

func resultOf(t *testing.T, doc map[string]any) map[string]any {
	t.Helper()
	r, ok := doc["result"].(map[string]any)
	require.True(t, ok, "result in %v", doc)
	return r
}

var created = time.Date(2026, 9, 1, 8, 0, 0, 0, time.FixedZone("CST", 8*3600))

// writeCardData writes a valid school card-making file of n records.
func writeCardData(t *testing.T, path, school string, n int) {
	t.Helper()
	writeCardDataSeed(t, path, school, n, 1)
}

// writeCardDataSeed is writeCardData with a seed: files of different schools
// that are merged need different seeds, or their resident IDs repeat.
func writeCardDataSeed(t *testing.T, path, school string, n int, seed uint64) {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	defer f.Close()
	require.NoError(t, batchtest.WriteCardData(f, batchtest.School(school, created), "北京市测试学校"+school[5:], n, seed))
}

// writeBadCardData writes a school file of n records whose record bad
// (0-based) has a birth date that disagrees with the resident ID.
func writeBadCardData(t *testing.T, path, school string, n, bad int) {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	defer f.Close()
	w, err := batch.CardData.NewWriter(f, filepath.Base(path), batchtest.School(school, created))
	require.NoError(t, err)
	i := 0
	for rec, err := range batchtest.Records(school, "北京市测试学校", n, 1) {
		require.NoError(t, err)
		if i == bad {
			rec.BirthDate = "19990101"
		}
		require.NoError(t, w.WriteRecord(rec.Fields()))
		i++
	}
	require.NoError(t, w.Close())
}

// writeResults writes a factory result file: n cards for each school, the
// last card of the first school spoilt by the factory.
func writeResults(t *testing.T, path string, n int, schools ...string) {
	t.Helper()
	var recs []batch.ResultRecord
	for si, school := range schools {
		for i := range n {
			rec, err := batchtest.Record(school, "北京市测试学校"+school[5:], i, 1)
			require.NoError(t, err)
			id, err := studentid.Parse(rec.RegistryNo.String())
			require.NoError(t, err)
			rr := batch.ResultRecord{RegistryNo: id, Name: rec.Name, SchoolName: rec.SchoolName, Status: batch.StatusOK, FactoryBatch: "FB2026-09"}
			if si == 0 && i == n-1 {
				rr.Status, rr.WasteReason = batch.StatusWaste, batch.WastePrint
			}
			recs = append(recs, rr)
		}
	}
	f, err := os.Create(path)
	require.NoError(t, err)
	defer f.Close()
	require.NoError(t, batch.WriteResults(f, filepath.Base(path), batch.Header{Level: studentid.LevelFactory, Code: "F001", Batch: "FB2026-09", Created: created}, recs))
}

// countRecords verifies an envelope file and returns its record count.
func countRecords(t *testing.T, path string) int64 {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	sum, err := batch.Verify(context.Background(), f, filepath.Base(path))
	require.NoError(t, err)
	return sum.Records
}
