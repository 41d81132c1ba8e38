package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/batch/lists"
)

// TestNoOutputReplacedWithoutForce runs every command that writes a file
// twice: the second run refuses (exit 3) and leaves the first file as it
// was, the third with --force replaces it (issue 15).
func TestNoOutputReplacedWithoutForce(t *testing.T) {
	dir := t.TempDir()
	writeResults(t, filepath.Join(dir, "result.txt"), 4, "01080001", "01080002")
	writeCardData(t, filepath.Join(dir, "s1.txt"), "01080001", 3)
	writeBadCardData(t, filepath.Join(dir, "bad.txt"), "01080001", 3, 1)
	writeEventLedger(t, filepath.Join(dir, "ledger.sqlite"))
	writeEvents(t, filepath.Join(dir, "ev.txt"), "01080003", testEvent{5, lists.KindLoss, time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)})
	o := exe(t, dir, "handover", "-o", "sheet.txt", "result.txt")
	require.Equal(t, exitOK, o.code, o.stderr)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "counted.txt"), []byte(registryNos(t, "01080001", 0, 1)[0]+"\n"), 0o644))
	o = exe(t, dir, "lists", "build", "--dev-keys", "lab", "--version", "1", "-o", "v1.bjsl", "ev.txt")
	require.Equal(t, exitOK, o.code, o.stderr)
	o = exe(t, dir, "lists", "build", "--dev-keys", "lab", "--version", "2", "--base", "v1.bjsl", "-o", "v2.bjsl", "ev.txt")
	require.Equal(t, exitOK, o.code, o.stderr)
	writeXLSX(t, filepath.Join(dir, "export.xlsx"), exportRows(t, 3))

	for _, tc := range []struct {
		name string
		out  string
		code int // of a run that writes
		args []string
	}{
		{"C-MAKE-1 make", "made.txt", exitOK, []string{"make", "--school", "01080001", "-o", "made.txt", "export.xlsx"}},
		{"C-3 validate failure file", "bad.failures.txt", exitInvalid, []string{"validate", "--code", "0108", "bad.txt"}},
		{"C-ISSUE-2 split", "parts/RESULT_01080001.txt", exitOK, []string{"split", "--by", "school", "--code", "0108", "--out", "parts", "result.txt"}},
		{"C-MAKE-2 merge", "d.txt", exitOK, []string{"merge", "--code", "0108", "-o", "d.txt", "s1.txt"}},
		{"C-ISSUE-2 handover", "HANDOVER_0108.txt", exitOK, []string{"handover", "--level", "district", "--code", "0108", "result.txt"}},
		{"C-ISSUE-4 handover reconcile", "sheet.regenerated.txt", exitInvalid, []string{"handover", "reconcile", "--sheet", "sheet.txt", "--counted", "counted.txt"}},
		{"R-LIST-1 lists export", "exp.txt", exitOK, []string{"lists", "export", "--db", "ledger.sqlite", "--school", "01080001", "--day", "2026-09-02", "-o", "exp.txt"}},
		{"R-LIST-1 lists merge", "m.txt", exitOK, []string{"lists", "merge", "--code", "0108", "-o", "m.txt", "ev.txt"}},
		{"R-LIST-1 lists build", "v.bjsl", exitOK, []string{"lists", "build", "--dev-keys", "lab", "--version", "3", "-o", "v.bjsl", "ev.txt"}},
		{"R-LIST-1 lists diff", "d.bjsd", exitOK, []string{"lists", "diff", "--dev-keys", "lab", "-o", "d.bjsd", "v1.bjsl", "v2.bjsl"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := exe(t, dir, tc.args...)
			require.Equal(t, tc.code, o.code, o.stderr)
			path := filepath.Join(dir, tc.out)
			first := snapshot(t, path)
			o = exe(t, dir, tc.args...)
			assert.Equal(t, exitIO, o.code, o.stderr)
			assert.Contains(t, o.stderr, tc.out+" 已存在：不予替换（替换请加 --force）")
			assert.Equal(t, first, snapshot(t, path), "the first file is kept")
			o = exe(t, dir, append(slices.Clone(tc.args), "--force")...)
			assert.Equal(t, tc.code, o.code, o.stderr)
		})
	}
}

// TestRunningBatchNumbers: files a sender writes on one day into one
// directory carry C<date>-001, -002, ...; another sender, another day or
// another directory starts at 001; --batch is taken as given (issue 15).
func TestRunningBatchNumbers(t *testing.T) {
	dir := t.TempDir()
	writeCardData(t, filepath.Join(dir, "s1.txt"), "01080001", 3)
	writeResults(t, filepath.Join(dir, "result.txt"), 3, "01080001", "01050001")
	batchOf := func(path string) string {
		t.Helper()
		_, b, ok := headerOf(filepath.Join(dir, path))
		require.True(t, ok, path)
		return b
	}
	require.NoError(t, os.Mkdir(filepath.Join(dir, "up"), 0o777))
	for i, want := range []string{"C20260901-001", "C20260901-002", "C20260901-003"} {
		out := filepath.Join("up", "d"+string(rune('a'+i))+".txt")
		o := exe(t, dir, "merge", "--code", "0108", "-o", out, "s1.txt")
		require.Equal(t, exitOK, o.code, o.stderr)
		assert.Equal(t, want, batchOf(out))
	}
	// A package counts too: its data file's header.
	writeRareSchool(t, dir, "01080001", 3, 1)
	o := exe(t, dir, "merge", "--code", "0108", "-o", "up/d.zip", "01080001.zip")
	require.Equal(t, exitOK, o.code, o.stderr)
	assert.Equal(t, "C20260901-004", batchOf("up/d.zip"))
	o = exe(t, dir, "merge", "--code", "0108", "-o", "up/e.txt", "s1.txt")
	require.Equal(t, exitOK, o.code, o.stderr)
	assert.Equal(t, "C20260901-005", batchOf("up/e.txt"), "after the package's number")

	o = exe(t, dir, "merge", "--code", "0105", "-o", "up/other.txt", "s1.txt")
	require.NotEqual(t, exitOK, o.code, "0105 refuses 0108's school") // another sender: nothing written
	o = exe(t, dir, "handover", "--level", "district", "--code", "0108", "-o", "up/sheet.txt", "result.txt")
	require.NotEqual(t, exitOK, o.code, "the result holds 0105's cards: refused under --code 0108")
	o = exe(t, dir, "handover", "-o", "up/sheet.txt", "result.txt")
	require.Equal(t, exitOK, o.code, o.stderr)
	assert.Equal(t, "C20260901-001", batchOf("up/sheet.txt"), "the city is another sender")
	o = exe(t, dir, "--now", "2026-09-02T08:00:00+08:00", "merge", "--code", "0108", "-o", "up/next-day.txt", "s1.txt")
	require.Equal(t, exitOK, o.code, o.stderr)
	assert.Equal(t, "C20260902-001", batchOf("up/next-day.txt"), "another day")
	o = exe(t, dir, "merge", "--code", "0108", "-o", "elsewhere.txt", "s1.txt")
	require.Equal(t, exitOK, o.code, o.stderr)
	assert.Equal(t, "C20260901-001", batchOf("elsewhere.txt"), "another directory")
	o = exe(t, dir, "merge", "--code", "0108", "--batch", "X7", "-o", "up/given.txt", "s1.txt")
	require.Equal(t, exitOK, o.code, o.stderr)
	assert.Equal(t, "X7", batchOf("up/given.txt"))
}
