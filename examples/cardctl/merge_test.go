package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/batch/batchtest"
	"github.com/bjedu/studentcard/studentid"
)

// rareName is a student name with a character outside GB2312 (䶮, U+4DAE):
// accepted only with a rare-character description (C-4).
const rareName = "刘䶮"

// writeRareSchool writes a school's upload of n records, the first named
// rareName with its rare-character description, twice: as a package
// (<school>.zip) and as a data file with its description beside it
// (<school>.txt, <school>.rare.txt).
func writeRareSchool(t *testing.T, dir, school string, n int, seed uint64) {
	t.Helper()
	hdr := batchtest.School(school, created)
	var recs [][]string
	var regs []studentid.ID
	for rec, err := range batchtest.Records(school, "北京市测试学校"+school[5:], n, seed) {
		require.NoError(t, err)
		if len(recs) == 0 {
			rec.Name = rareName
		}
		recs = append(recs, rec.Fields())
		regs = append(regs, rec.RegistryNo)
	}
	entry := batch.RareEntry{RegistryNo: regs[0], NamePinyin: "liu yan", Glyph: "䶮", SchoolName: "北京市测试学校" + school[5:],
		Contact: "张老师 010-12345678", ReportDate: "20260901"}.Fields()
	writeEnvelope := func(w *batch.Writer, rows [][]string) {
		for _, r := range rows {
			require.NoError(t, w.WriteRecord(r))
		}
		require.NoError(t, w.Close())
	}

	zf, err := os.Create(filepath.Join(dir, school+".zip"))
	require.NoError(t, err)
	defer zf.Close()
	p := batch.NewPackageWriter(zf)
	w, err := p.CardData(hdr)
	require.NoError(t, err)
	writeEnvelope(w, recs)
	w, err = p.RareChars(hdr)
	require.NoError(t, err)
	writeEnvelope(w, [][]string{entry})
	for i, reg := range regs {
		photo, err := batchtest.Photo(seed*100 + uint64(i))
		require.NoError(t, err)
		pw, err := p.Photo(reg)
		require.NoError(t, err)
		_, err = pw.Write(photo)
		require.NoError(t, err)
	}
	require.NoError(t, p.Close())

	for _, f := range []struct {
		name string
		spec batch.Spec
		rows [][]string
	}{{school + ".txt", batch.CardData, recs}, {school + ".rare.txt", batch.RareChars, [][]string{entry}}} {
		out, err := os.Create(filepath.Join(dir, f.name))
		require.NoError(t, err)
		w, err := f.spec.NewWriter(out, f.name, hdr)
		require.NoError(t, err)
		writeEnvelope(w, f.rows)
		require.NoError(t, out.Close())
	}
}

// TestMergeRareChars: the rare-character descriptions travel with the
// district's upload, so the city accepts the rare names the district
// accepted (C-4, C-MAKE-2, C-MAKE-3).
func TestMergeRareChars(t *testing.T) {
	dir := t.TempDir()
	writeRareSchool(t, dir, "01080001", 4, 1)
	writeRareSchool(t, dir, "01080002", 3, 2)

	t.Run("C-4/the district accepts a school package with a rare name", func(t *testing.T) {
		o := exe(t, dir, "validate", "--code", "0108", "--sender", "01080001", "01080001.zip")
		require.Equal(t, exitOK, o.code, o.stdout)
	})
	t.Run("C-4/packages merged: the city accepts the rare names", func(t *testing.T) {
		o := exe(t, dir, "--lang", "en", "merge", "--code", "0108", "-o", "district.zip", "01080001.zip", "01080002.zip")
		require.Equal(t, exitOK, o.code, o.stderr)
		assert.Contains(t, o.stdout, "2 files merged: 7 records -> district.zip\n2 rare-character descriptions and 7 photos in the package")
		o = exe(t, dir, "--json", "validate", "--level", "city", "--sender", "0108", "district.zip")
		require.Equal(t, exitOK, o.code, o.stdout)
		r := resultOf(t, jsonOut(t, o))
		assert.Equal(t, true, r["accepted"])
		assert.EqualValues(t, 7, r["photos"])
	})
	t.Run("C-4/data files merged with their descriptions: the city accepts the rare names", func(t *testing.T) {
		o := exe(t, dir, "--json", "merge", "--code", "0108", "-o", "district.txt",
			"--rare", "01080001.rare.txt", "--rare", "01080002.rare.txt", "01080001.txt", "01080002.txt")
		require.Equal(t, exitOK, o.code, o.stderr)
		r := resultOf(t, jsonOut(t, o))
		assert.EqualValues(t, 7, r["records"])
		assert.EqualValues(t, 2, r["rare_entries"])
		assert.Equal(t, "district.rarechars.txt", r["rare_output"])
		o = exe(t, dir, "validate", "--level", "city", "--sender", "0108", "--rare", "district.rarechars.txt", "district.txt")
		require.Equal(t, exitOK, o.code, o.stdout)
		assert.Contains(t, o.stdout, "district.txt：7 条记录，全部通过：接收")
	})
	t.Run("C-4/without the descriptions the city refuses the rare names", func(t *testing.T) {
		o := exe(t, dir, "--lang", "en", "merge", "--code", "0108", "-o", "bare.txt", "01080001.txt", "01080002.txt")
		require.Equal(t, exitInvalid, o.code, "C-MAKE-2 the district refuses the rare names without their description: %s", o.stderr)
		assert.Contains(t, o.stderr, "01080001.txt is refused (1 problems")
		assert.NoFileExists(t, filepath.Join(dir, "bare.txt"))
		// A file merged without its description (the SDK alone, not cardctl)
		// is refused at the city.
		writeMergedWithoutRare(t, dir, "bare.txt", "01080001.txt", "01080002.txt")
		o = exe(t, dir, "--lang", "en", "validate", "--level", "city", "--sender", "0108", "bare.txt")
		require.Equal(t, exitInvalid, o.code, o.stdout)
		assert.Contains(t, o.stdout, "bare.txt: 7 records, 2 failed, 2 problems: refused")
		rows := readFailures(t, filepath.Join(dir, "bare.failures.txt"))
		require.Len(t, rows, 2)
		for _, row := range rows {
			assert.Equal(t, batch.ReasonNameCharset, row.Reason)
		}
	})
	t.Run("C-4/a description of another district's school: nothing written", func(t *testing.T) {
		writeRareSchool(t, dir, "01050001", 2, 3)
		o := exe(t, dir, "merge", "--code", "0108", "-o", "mixed.txt", "--rare", "01050001.rare.txt", "01080001.txt")
		assert.Equal(t, exitIO, o.code, o.stderr)
		assert.NoFileExists(t, filepath.Join(dir, "mixed.txt"))
		assert.NoFileExists(t, filepath.Join(dir, "mixed.rarechars.txt"))
	})
	t.Run("C-4/usage", func(t *testing.T) {
		for _, args := range [][]string{
			{"merge", "--code", "0108", "-o", "x.zip", "01080001.zip", "01080002.txt"},
			{"merge", "--code", "0108", "-o", "x.zip", "--rare", "01080001.rare.txt", "01080001.zip"},
			{"validate", "--code", "0108", "--rare", "01080001.rare.txt", "01080001.zip"},
		} {
			o := exe(t, dir, args...)
			assert.Equal(t, exitUsage, o.code, "%v: %s", args, o.stderr)
		}
	})
}

// writeMergedWithoutRare merges data files with the SDK, as accepted, but
// without their descriptions.
func writeMergedWithoutRare(t *testing.T, dir, out string, inputs ...string) {
	var srcs []batch.Source
	for _, in := range inputs {
		b, err := os.ReadFile(filepath.Join(dir, in))
		require.NoError(t, err)
		sum, err := batch.Verify(context.Background(), bytes.NewReader(b), in)
		require.NoError(t, err)
		srcs = append(srcs, batch.Source{Name: in, R: bytes.NewReader(b), Accepted: sum.Digest})
	}
	f, err := os.Create(filepath.Join(dir, out))
	require.NoError(t, err)
	defer f.Close()
	_, err = batch.MergeCardData(context.Background(), f, out, batch.Header{Level: studentid.LevelDistrict, Code: "0108", Batch: "D1", Created: time.Date(2026, 9, 2, 8, 0, 0, 0, time.UTC)}, srcs...)
	require.NoError(t, err)
}
