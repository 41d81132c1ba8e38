//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSafeOutputs: outputs are never written through a planted symbolic
// link, never over an input, a failed split changes nothing, and modes come
// from the umask (issue 15).
func TestSafeOutputs(t *testing.T) {
	dir := t.TempDir()
	writeResults(t, filepath.Join(dir, "result.txt"), 4, "01080001", "01080002", "01050001")
	victim := filepath.Join(dir, "victim.txt")
	require.NoError(t, os.WriteFile(victim, []byte("precious"), 0o644))

	t.Run("C-ISSUE-1/split refuses a planted symlink and leaves the folder as it was", func(t *testing.T) {
		out := filepath.Join(dir, "shared")
		require.NoError(t, os.Mkdir(out, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(out, "RESULT_0105.txt"), []byte("earlier good part"), 0o644))
		require.NoError(t, os.Symlink(victim, filepath.Join(out, "RESULT_0108.txt")))
		o := exe(t, dir, "split", "--by", "district", "--out", "shared", "result.txt")
		assert.Equal(t, exitIO, o.code, o.stderr)
		assert.Contains(t, o.stderr, "是符号链接：拒绝通过它写入")
		assert.Equal(t, "precious", string(snapshot(t, victim)), "the victim is not emptied")
		assert.Equal(t, "earlier good part", string(snapshot(t, filepath.Join(out, "RESULT_0105.txt"))), "no earlier part replaced or deleted")
		entries, err := os.ReadDir(out)
		require.NoError(t, err)
		for _, e := range entries {
			assert.False(t, strings.HasPrefix(e.Name(), ".cardctl-"), "temporary file %s left behind", e.Name())
		}
		assert.Len(t, entries, 2)
	})
	t.Run("C-ISSUE-1/files with personal data are 0600, others take their mode from the umask", func(t *testing.T) {
		old := syscall.Umask(0o022) // inherited by the binary the test runs
		defer syscall.Umask(old)
		o := exe(t, dir, "split", "--by", "district", "--out", "modes", "result.txt")
		require.Equal(t, exitOK, o.code, o.stderr)
		st, err := os.Stat(filepath.Join(dir, "modes", "RESULT_0108.txt"))
		require.NoError(t, err)
		assert.Equal(t, modePersonal, st.Mode().Perm(), "a result file holds names and IDs")
		writeCardData(t, filepath.Join(dir, "s1.txt"), "01080001", 3)
		o = exe(t, dir, "merge", "--code", "0108", "-o", "district.txt", "s1.txt")
		require.Equal(t, exitOK, o.code, o.stderr)
		st, err = os.Stat(filepath.Join(dir, "district.txt"))
		require.NoError(t, err)
		assert.Equal(t, modePersonal, st.Mode().Perm(), "a card-making file holds names and IDs")
		o = exe(t, dir, "handover", "-o", "sheet.txt", "result.txt")
		require.Equal(t, exitOK, o.code, o.stderr)
		st, err = os.Stat(filepath.Join(dir, "sheet.txt"))
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o644), st.Mode().Perm(), "a handover sheet holds counts: the umask decides")
		syscall.Umask(0o077)
		o = exe(t, dir, "handover", "-o", "sheet2.txt", "result.txt")
		require.Equal(t, exitOK, o.code, o.stderr)
		st, err = os.Stat(filepath.Join(dir, "sheet2.txt"))
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	})
	t.Run("C-MAKE-2/merge -o s.txt s.txt is refused, the input kept", func(t *testing.T) {
		writeCardData(t, filepath.Join(dir, "s2.txt"), "01080002", 3)
		before := snapshot(t, filepath.Join(dir, "s2.txt"))
		o := exe(t, dir, "merge", "--code", "0108", "-o", "s2.txt", "s2.txt")
		assert.Equal(t, exitIO, o.code, o.stderr)
		assert.Contains(t, o.stderr, "s2.txt 同时是本命令的输入文件：拒绝覆盖")
		assert.Equal(t, before, snapshot(t, filepath.Join(dir, "s2.txt")))
		o = exe(t, dir, "merge", "--code", "0108", "-o", "./s2.txt", "s2.txt")
		assert.Equal(t, exitIO, o.code, "another spelling of the same file: %s", o.stderr)
	})
	t.Run("C-MAKE-2/merge refuses to write through a symlink", func(t *testing.T) {
		require.NoError(t, os.Symlink(victim, filepath.Join(dir, "link.txt")))
		o := exe(t, dir, "merge", "--code", "0108", "-o", "link.txt", "s1.txt")
		assert.Equal(t, exitIO, o.code, o.stderr)
		assert.Equal(t, "precious", string(snapshot(t, victim)))
	})
}

// TestVersionHelpAndRequiredFlags: --version and help help work; a missing
// --district or --school is a usage error (exit 2), not "forbidden" (issue 15).
func TestVersionHelpAndRequiredFlags(t *testing.T) {
	dir := t.TempDir()
	o := exe(t, dir, "--version")
	require.Equal(t, exitOK, o.code, o.stderr)
	assert.Regexp(t, `^cardctl \S+.* go1\.\d+`, o.stdout)
	o = exe(t, dir, "help", "help")
	require.Equal(t, exitOK, o.code, o.stderr)
	assert.Contains(t, o.stdout, "cardctl --version")
	o = exe(t, dir, "validate", "--help")
	require.Equal(t, exitOK, o.code, o.stderr)
	assert.Contains(t, o.stdout, "--history-db")
	o = exe(t, dir, "ledger", "--help")
	require.Equal(t, exitOK, o.code, o.stderr)
	assert.Contains(t, o.stdout, "ledger migrate")
	o = exe(t, dir, "ledger", "init", "--db", "l.sqlite")
	require.Equal(t, exitOK, o.code, o.stderr)
	for _, args := range [][]string{
		{"overdue", "--db", "l.sqlite", "--level", "district"},
		{"overdue", "--db", "l.sqlite", "--level", "school"},
		{"lists", "export", "--db", "l.sqlite", "--level", "district", "--day", "2026-09-01"},
	} {
		o := exe(t, dir, args...)
		assert.Equal(t, exitUsage, o.code, "%v: %s", args, o.stderr)
		assert.Contains(t, o.stderr, "操作员必须给出 --")
	}
}

// TestUnreadableInputIsIOError: a directory or a truncated package is an
// I/O error (exit 3) with no failure file and no Go library text (issue 15).
func TestUnreadableInputIsIOError(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "upload"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "s.zip"), []byte("PK\x03\x04truncated"), 0o644))
	for _, tc := range []struct{ file, zh string }{
		{"upload", "upload 不是普通文件"},
		{"s.zip", "s.zip 不是可读取的 zip 压缩包：文件不完整或在传输中损坏"},
	} {
		o := exe(t, dir, "validate", "--code", "0108", tc.file)
		assert.Equal(t, exitIO, o.code, o.stderr)
		assert.Contains(t, o.stderr, tc.zh)
		assert.NotContains(t, o.stderr, "zip: not a valid zip file")
		assert.NotContains(t, o.stderr, "is a directory")
		assert.NoFileExists(t, filepath.Join(dir, "upload.failures.txt"))
		assert.NoFileExists(t, filepath.Join(dir, "s.failures.txt"))
	}
}

// TestKilledRunLeftoversSwept: a .cardctl-* file a killed run left in the
// output directory is removed by the next run; a fresh one (a run still
// going) is left alone (issue 15).
func TestKilledRunLeftoversSwept(t *testing.T) {
	dir := t.TempDir()
	writeCardData(t, filepath.Join(dir, "s1.txt"), "01080001", 3)
	stale, fresh := filepath.Join(dir, ".cardctl-killedrun1"), filepath.Join(dir, ".cardctl-running01")
	require.NoError(t, os.WriteFile(stale, []byte("half a merge"), 0o644))
	require.NoError(t, os.WriteFile(fresh, []byte("a merge in progress"), 0o644))
	old := time.Now().Add(-2 * time.Hour)
	require.NoError(t, os.Chtimes(stale, old, old))
	o := exe(t, dir, "merge", "--code", "0108", "-o", "district.txt", "s1.txt")
	require.Equal(t, exitOK, o.code, o.stderr)
	assert.NoFileExists(t, stale)
	assert.FileExists(t, fresh)
}
