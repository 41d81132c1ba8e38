package main

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// withExtraEntry copies a package and adds one entry: the hostile packages
// of issue 11 made from a valid one.
func withExtraEntry(t *testing.T, src, dst, name string, data []byte) {
	b, err := os.ReadFile(src)
	require.NoError(t, err)
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	require.NoError(t, err)
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		require.NoError(t, zw.Copy(f))
	}
	w, err := zw.Create(name)
	require.NoError(t, err)
	_, err = w.Write(data)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	require.NoError(t, os.WriteFile(dst, out.Bytes(), 0o644))
}

// TestHostilePackages: C-MAKE-2 the district's validate and merge refuse a
// package the strict reader refuses, naming the entry; a merge of a refused
// package leaves nothing behind.
func TestHostilePackages(t *testing.T) {
	dir := t.TempDir()
	writeRareSchool(t, dir, "01080001", 3, 1)
	writeRareSchool(t, dir, "01080002", 2, 2)
	src := filepath.Join(dir, "01080001.zip")
	withExtraEntry(t, src, filepath.Join(dir, "runsh.zip"), "run.sh", []byte("#!/bin/sh\n"))
	withExtraEntry(t, src, filepath.Join(dir, "traversal.zip"), "../../etc/x", []byte("x"))
	withExtraEntry(t, src, filepath.Join(dir, "dup.zip"), "carddata.txt", []byte("#SCBATCH"))
	for _, tc := range []struct {
		name, file, entry string
	}{
		{"C-MAKE-1 unexpected run.sh", "runsh.zip", `"run.sh"`},
		{"C-MAKE-1 traversal name", "traversal.zip", `"../../etc/x"`},
		{"C-MAKE-1 duplicate carddata.txt", "dup.zip", `"carddata.txt"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := exe(t, dir, "--lang", "en", "--json", "validate", "--code", "0108", tc.file)
			require.Equal(t, exitInvalid, o.code, o.stdout)
			r := resultOf(t, jsonOut(t, o))
			errs := r["errors"].([]any)
			require.Len(t, errs, 1)
			assert.Equal(t, "PACKAGE", errs[0].(map[string]any)["reason"])
			assert.Contains(t, errs[0].(map[string]any)["message"], tc.entry)

			o = exe(t, dir, "--lang", "en", "merge", "--code", "0108", "-o", "district.zip", "01080002.zip", tc.file)
			require.Equal(t, exitInvalid, o.code, "a merge of a refused package is refused: %s", o.stderr)
			assert.Contains(t, o.stderr, tc.file+" is refused")
			assert.Contains(t, o.stderr, tc.entry)
			assert.NoFileExists(t, filepath.Join(dir, "district.zip"))
		})
	}
}
