package batch_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"hash/crc32"
	"io"
	"io/fs"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/batch/batchtest"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/studentid"
)

// rawEntry is one entry of a hand-made (possibly hostile) archive.
type rawEntry struct {
	name   string
	data   []byte
	mode   fs.FileMode // 0: a regular file as PackageWriter writes it
	method uint16
}

// rawZip writes entries as given, in order: zip.Writer checks none of what
// the strict reader refuses.
func rawZip(t testing.TB, entries ...rawEntry) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		fh := &zip.FileHeader{Name: e.name, Method: e.method}
		if e.mode != 0 {
			fh.SetMode(e.mode)
		}
		w, err := zw.CreateRaw(rawHeader(t, fh, e.data))
		require.NoError(t, err)
		_, err = w.Write(compressed(t, fh.Method, e.data))
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// rawHeader fills sizes and CRC, so CreateRaw takes names like "a/" or
// modes that Create would treat specially.
func rawHeader(t testing.TB, fh *zip.FileHeader, data []byte) *zip.FileHeader {
	c := compressed(t, fh.Method, data)
	fh.CompressedSize64, fh.UncompressedSize64 = uint64(len(c)), uint64(len(data))
	fh.CRC32 = crc(data)
	return fh
}

func compressed(t testing.TB, method uint16, data []byte) []byte {
	if method == zip.Store {
		return data
	}
	var b bytes.Buffer
	w, err := flate.NewWriter(&b, flate.BestCompression)
	require.NoError(t, err)
	_, err = w.Write(data)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return b.Bytes()
}

// schoolUpload returns the entries of a school package of n records: data,
// empty description, one photo each (a real JPEG if real, else a few bytes:
// the strict reader does not look inside photos, and small fuzz seeds
// mutate faster).
func schoolUpload(t testing.TB, n int, real bool) (data, rare []byte, photos []rawEntry) {
	recs := genRecords(t, n)
	data = cardFile(t, batchtest.School(school, created), recs)
	var rb bytes.Buffer
	w, err := batch.RareChars.NewWriter(&rb, batch.PackageRare, batchtest.School(school, created))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	photo := []byte("\xff\xd8 not decoded by the strict reader \xff\xd9")
	if real {
		photo = must(batchtest.Photo(1))
	}
	for _, r := range recs {
		photos = append(photos, rawEntry{name: batch.PackagePhoto + r.RegistryNo.String() + ".jpg", data: photo})
	}
	return data, rb.Bytes(), photos
}

// hostilePackages are the hostile archives of issue 11, each with the
// sentinel the strict reader refuses it with. They are also the fuzz seeds.
func hostilePackages(t testing.TB) []struct {
	name string
	pkg  []byte
	want error
} {
	data, rare, photos := schoolUpload(t, 3, false)
	other := cardFile(t, batchtest.School(school, created), genRecords(t, 5)[3:])
	base := []rawEntry{{name: batch.PackageData, data: data, method: zip.Deflate}, {name: batch.PackageRare, data: rare, method: zip.Deflate}}
	with := func(extra ...rawEntry) []byte {
		return rawZip(t, append(append(append([]rawEntry{}, base...), photos...), extra...)...)
	}
	dupFirst := append([]rawEntry{{name: batch.PackageData, data: other, method: zip.Deflate}}, append(base, photos...)...)
	return []struct {
		name string
		pkg  []byte
		want error
	}{
		{"C-MAKE-2 duplicate carddata.txt, the other one last", with(rawEntry{name: batch.PackageData, data: other, method: zip.Deflate}), batch.ErrEntryDuplicate},
		{"C-MAKE-2 duplicate carddata.txt, the other one first", rawZip(t, dupFirst...), batch.ErrEntryDuplicate},
		{"C-MAKE-2 duplicate rarechars.txt", with(rawEntry{name: batch.PackageRare, data: rare}), batch.ErrEntryDuplicate},
		{"C-2 duplicate photo", with(photos[0]), batch.ErrEntryDuplicate},
		{"C-MAKE-1 traversal ../../etc/x", with(rawEntry{name: "../../etc/x", data: []byte("x")}), batch.ErrEntryName},
		{"C-MAKE-1 traversal inside photos/", with(rawEntry{name: "photos/../../x.jpg", data: []byte("x")}), batch.ErrEntryName},
		{"C-MAKE-1 absolute name", with(rawEntry{name: "/etc/passwd", data: []byte("x")}), batch.ErrEntryName},
		{"C-MAKE-1 backslash", with(rawEntry{name: `photos\0101100120260001.jpg`, data: []byte("x")}), batch.ErrEntryName},
		{"C-MAKE-1 dot element", with(rawEntry{name: "./carddata.txt", data: data}), batch.ErrEntryName},
		{"C-MAKE-1 directory entry", with(rawEntry{name: "photos/", mode: fs.ModeDir | 0o755}), batch.ErrEntryName},
		{"C-MAKE-1 symlink photo", rawZip(t, append(append([]rawEntry{}, base...), rawEntry{name: photos[0].name, data: []byte("/etc/shadow"), mode: fs.ModeSymlink | 0o777})...), batch.ErrEntryType},
		{"C-MAKE-1 symlink data file", rawZip(t, rawEntry{name: batch.PackageData, data: []byte("/etc/passwd"), mode: fs.ModeSymlink | 0o777}), batch.ErrEntryType},
		{"C-MAKE-1 directory where the data file belongs", rawZip(t, rawEntry{name: batch.PackageData, mode: fs.ModeDir | 0o755}), batch.ErrEntryType},
		{"C-MAKE-1 set-uid data file", rawZip(t, rawEntry{name: batch.PackageData, data: data, mode: fs.ModeSetuid | 0o755}), batch.ErrEntryType},
		{"C-MAKE-1 unexpected run.sh", with(rawEntry{name: "run.sh", data: []byte("#!/bin/sh\nrm -rf /\n"), mode: 0o755}), batch.ErrEntryUnexpected},
		{"C-MAKE-1 photo not named for a registry number", with(rawEntry{name: "photos/me.jpg", data: photos[0].data}), batch.ErrEntryUnexpected},
		{"C-MAKE-1 nested photo", with(rawEntry{name: "photos/x/" + photos[0].name[len("photos/"):], data: photos[0].data}), batch.ErrEntryUnexpected},
		{"C-MAKE-1 stored entry with lying size", rawZipLying(t, data), batch.ErrEntryTooLarge},
	}
}

// rawZipLying stores the data file claiming twice its size.
func rawZipLying(t testing.TB, data []byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	fh := &zip.FileHeader{Name: batch.PackageData, Method: zip.Store, CompressedSize64: uint64(len(data)), UncompressedSize64: 2 * uint64(len(data)), CRC32: crc(data)}
	w, err := zw.CreateRaw(fh)
	require.NoError(t, err)
	_, err = w.Write(data)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func TestStrictReaderRefusesHostilePackages(t *testing.T) {
	ctx := context.Background()
	for _, tc := range hostilePackages(t) {
		t.Run(tc.name, func(t *testing.T) {
			_, err := batch.OpenPackage(bytes.NewReader(tc.pkg), int64(len(tc.pkg)), "school.zip")
			require.ErrorIs(t, err, tc.want)
			var pe *batch.PackageError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "school.zip", pe.Package)
			assert.NotEmpty(t, pe.Entry, "the refusal names the entry")
			zh := l10n.Error(err, l10n.Chinese)
			assert.Contains(t, zh, strconv.Quote(pe.Entry))
			assert.NotEqual(t, err.Error(), zh, "Chinese and English texts")

			// The district's check refuses it with one PACKAGE row …
			var failures bytes.Buffer
			fw, err := batch.NewFailureWriter(&failures, "f.txt", districtSender())
			require.NoError(t, err)
			v := districtValidator()
			v.OnError = fw.Add
			rep, err := batch.CheckPackage(ctx, bytes.NewReader(tc.pkg), int64(len(tc.pkg)), "school.zip", v, batch.PhotoRules{})
			require.NoError(t, err)
			require.NoError(t, fw.Close())
			assert.False(t, rep.Accepted)
			assert.Nil(t, rep.Digest, "a refused package has no digest to merge with")
			require.Len(t, rep.Errors, 1)
			assert.Equal(t, batch.ReasonPackage, rep.Errors[0].Reason)
			assert.ErrorIs(t, rep.Errors[0], tc.want)
			assert.EqualValues(t, 1, fw.Count())

			// … and a merge refuses it even when handed its digest.
			d, err := batch.PackageDigest(bytes.NewReader(tc.pkg), int64(len(tc.pkg)))
			require.NoError(t, err)
			var out bytes.Buffer
			_, err = batch.MergePackage(ctx, &out, districtSender(), batch.PackageSource{Name: "school.zip", R: bytes.NewReader(tc.pkg), Size: int64(len(tc.pkg)), Accepted: d})
			require.ErrorIs(t, err, tc.want)
		})
	}
}

func TestStrictReaderAcceptsTheLayout(t *testing.T) {
	data, rare, photos := schoolUpload(t, 3, true)
	pkg := rawZip(t, append([]rawEntry{{name: batch.PackageData, data: data, method: zip.Deflate}, {name: batch.PackageRare, data: rare, method: zip.Deflate}}, photos...)...)
	p, err := batch.OpenPackage(bytes.NewReader(pkg), int64(len(pkg)), "school.zip")
	require.NoError(t, err)
	assert.True(t, p.HasData())
	assert.True(t, p.HasRare())
	assert.Equal(t, 3, p.Photos())
	rep, err := batch.CheckPackage(context.Background(), bytes.NewReader(pkg), int64(len(pkg)), "school.zip", districtValidator(), batch.PhotoRules{})
	require.NoError(t, err)
	assert.True(t, rep.Accepted)
	want := sha256.Sum256(pkg)
	assert.Equal(t, want[:], rep.Digest, "an accepted package reports the SHA-256 of its bytes")
}

// TestMergeOfARefusedPackage: C-MAKE-2 a district merges only what it
// accepted, byte for byte.
func TestMergeOfARefusedPackage(t *testing.T) {
	ctx := context.Background()
	ups := twoSchools(t)
	good := packageOf(t, ups[1])
	bad := genRecords(t, 2)
	bad[1].ResidentID = bad[0].ResidentID // refused: duplicate resident ID
	refused := packageOf(t, upload{sender: batchtest.School(school, created), recs: bad})

	rep, err := batch.CheckPackage(ctx, bytes.NewReader(refused), int64(len(refused)), "a.zip", districtValidator(), batch.PhotoRules{})
	require.NoError(t, err)
	require.False(t, rep.Accepted)
	okRep, err := batch.CheckPackage(ctx, bytes.NewReader(good), int64(len(good)), "b.zip", districtValidator(), batch.PhotoRules{})
	require.NoError(t, err)
	require.True(t, okRep.Accepted)

	for _, tc := range []struct {
		name string
		src  batch.PackageSource
	}{
		{"C-MAKE-2 a refused package has no digest", batch.PackageSource{Name: "a.zip", R: bytes.NewReader(refused), Size: int64(len(refused)), Accepted: rep.Digest}},
		{"C-MAKE-2 another package under an accepted digest", batch.PackageSource{Name: "a.zip", R: bytes.NewReader(refused), Size: int64(len(refused)), Accepted: okRep.Digest}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			_, err := batch.MergePackage(ctx, &out, districtSender(), batch.PackageSource{Name: "b.zip", R: bytes.NewReader(good), Size: int64(len(good)), Accepted: okRep.Digest}, tc.src)
			require.ErrorIs(t, err, batch.ErrNotAccepted)
			var pe *batch.PackageError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "a.zip", pe.Package)
			_, err = zip.NewReader(bytes.NewReader(out.Bytes()), int64(out.Len()))
			assert.Error(t, err, "nothing usable is left behind")
		})
	}
	t.Run("C-MAKE-2 a package changed while it is merged", func(t *testing.T) {
		changing := &flipAfter{data: bytes.Clone(good), after: len(good) + len(good)/2} // after the first digest pass
		var out bytes.Buffer
		_, err := batch.MergePackage(ctx, &out, districtSender(), batch.PackageSource{Name: "b.zip", R: changing, Size: int64(len(good)), Accepted: okRep.Digest})
		require.True(t, changing.flipped, "changed during the merge")
		require.ErrorIs(t, err, batch.ErrNotAccepted)
	})
	var out bytes.Buffer
	_, err = batch.MergePackage(ctx, &out, districtSender(), batch.PackageSource{Name: "b.zip", R: bytes.NewReader(good), Size: int64(len(good)), Accepted: okRep.Digest})
	require.NoError(t, err, "the accepted bytes merge")
}

// flipAfter is a package file that changes a byte in its middle (inside a
// stored photo, which the merge copies raw) once some bytes were read: a
// file replaced while the merge runs.
type flipAfter struct {
	data        []byte
	after, read int
	flipped     bool
}

func (f *flipAfter) ReadAt(p []byte, off int64) (int, error) {
	if f.read += len(p); f.read >= f.after && !f.flipped {
		f.flipped = true
		f.data[len(f.data)/2] ^= 0xff
	}
	if off >= int64(len(f.data)) {
		return 0, io.EOF
	}
	n := copy(p, f.data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// dataBomb is the package of issue 11: n identical records, deflated (5
// million make 946 KB). The envelope is valid (count and digest right), so
// only the bounds can refuse it.
func dataBomb(t testing.TB, n int) []byte {
	rec := genRecords(t, 1)
	var one bytes.Buffer
	w, err := batch.CardData.NewWriter(&one, batch.PackageData, batchtest.School(school, created), batch.WithLF())
	require.NoError(t, err)
	require.NoError(t, w.WriteRecord(rec[0].Fields()))
	require.NoError(t, w.Close())
	lines := bytes.SplitAfter(one.Bytes(), []byte("\n"))
	prefix, line := append(append([]byte{}, lines[0]...), lines[1]...), lines[2]

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestCompression) })
	ew, err := zw.CreateHeader(&zip.FileHeader{Name: batch.PackageData, Method: zip.Deflate})
	require.NoError(t, err)
	h := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(ew, h), 1<<20)
	bw.Write(prefix)
	block := bytes.Repeat(line, 4096)
	for i := 0; i < n; i += 4096 {
		bw.Write(block[:min(4096, n-i)*len(line)])
	}
	require.NoError(t, bw.Flush())
	_, err = io.WriteString(ew, "#END,"+strconv.Itoa(n)+","+hex.EncodeToString(h.Sum(nil))+"\n")
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// TestDataBombRefusedAtOnce: C-MAKE-2 the 5-million-record package is
// refused from its directory, before a record is read.
func TestDataBombRefusedAtOnce(t *testing.T) {
	bomb := dataBomb(t, 5_000_000)
	t.Logf("bomb: %d bytes", len(bomb))
	assert.Less(t, len(bomb), 2<<20, "a small package")
	var failures bytes.Buffer
	fw, err := batch.NewFailureWriter(&failures, "f.txt", districtSender())
	require.NoError(t, err)
	v := districtValidator()
	v.OnError = fw.Add
	rep, err := batch.CheckPackage(context.Background(), bytes.NewReader(bomb), int64(len(bomb)), "bomb.zip", v, batch.PhotoRules{})
	require.NoError(t, err)
	require.NoError(t, fw.Close())
	assert.False(t, rep.Accepted)
	assert.Zero(t, rep.Records, "not one record read")
	require.Len(t, rep.Errors, 1)
	assert.ErrorIs(t, rep.Errors[0], batch.ErrEntryTooLarge)
	assert.Less(t, failures.Len(), 4096, "one failure row")
}

func crc(b []byte) uint32 { return crc32.ChecksumIEEE(b) }

// TestFailureRowsCapped: C-3 a failure file lists at most its cap of rows
// and announces the rest in a last CAPPED row.
func TestFailureRowsCapped(t *testing.T) {
	recs := genRecords(t, 1)
	many := make([]batch.CardRecord, 300)
	for i := range many {
		many[i] = recs[0] // every record after the first: two duplicates
	}
	data := cardFile(t, batchtest.School(school, created), many)
	for _, tc := range []struct {
		name    string
		max     int
		rows    int64
		dropped int64
	}{
		{"C-3 cap 100", 100, 100, 2*299 - 100},
		{"C-3 under the default cap", 0, 2 * 299, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var failures bytes.Buffer
			fw, err := batch.NewFailureWriter(&failures, "f.txt", districtSender())
			require.NoError(t, err)
			fw.SetMaxRows(tc.max)
			v := districtValidator()
			v.OnError = fw.Add
			rep, err := v.Validate(context.Background(), bytes.NewReader(data), "carddata.txt")
			require.NoError(t, err)
			require.NoError(t, fw.Close())
			assert.EqualValues(t, 2*299, rep.Problems, "every problem is counted")
			assert.Equal(t, tc.dropped, fw.Dropped())
			var rows []batch.Failure
			_, err = batch.ReadFailures(context.Background(), bytes.NewReader(failures.Bytes()), "f.txt", func(f batch.Failure) error {
				rows = append(rows, f)
				return nil
			})
			require.NoError(t, err)
			if tc.dropped == 0 {
				require.Len(t, rows, int(tc.rows))
				assert.NotEqual(t, batch.ReasonCapped, rows[len(rows)-1].Reason)
				return
			}
			require.Len(t, rows, int(tc.rows)+1)
			last := rows[len(rows)-1]
			assert.Equal(t, batch.ReasonCapped, last.Reason)
			assert.Contains(t, last.Message, strconv.FormatInt(tc.dropped, 10))
			assert.Contains(t, last.Message, "前100个")
		})
	}
}

// acceptedSource is a data file as a merge input, with the digest its
// verification gives (what the district's validator reports when it accepts
// it).
func acceptedSource(t testing.TB, name string, data []byte) batch.Source {
	sum, err := batch.Verify(context.Background(), bytes.NewReader(data), name)
	require.NoError(t, err)
	return batch.Source{Name: name, R: bytes.NewReader(data), Accepted: sum.Digest}
}

// TestMergeCardDataOnlyAccepted: C-MAKE-2 a data file is merged only under
// the digest its validation accepted.
func TestMergeCardDataOnlyAccepted(t *testing.T) {
	a := cardFile(t, batchtest.School(school, created), genRecords(t, 3))
	other := cardFile(t, batchtest.School(school, created), genRecords(t, 4))
	for _, tc := range []struct {
		name string
		src  batch.Source
	}{
		{"C-MAKE-2 no digest", batch.Source{Name: "a.txt", R: bytes.NewReader(a)}},
		{"C-MAKE-2 another file than the one accepted", batch.Source{Name: "a.txt", R: bytes.NewReader(other), Accepted: acceptedSource(t, "a.txt", a).Accepted}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			_, err := batch.MergeCardData(context.Background(), &out, "d.txt", districtSender(), tc.src)
			require.ErrorIs(t, err, batch.ErrNotAccepted)
			var pe *batch.ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "a.txt", pe.File)
			_, err = batch.Verify(context.Background(), bytes.NewReader(out.Bytes()), "d.txt")
			assert.ErrorIs(t, err, batch.ErrTruncated, "the output has no trailer")
		})
	}
}

// TestValidatorSenderScope: C-MAKE-2/C-MAKE-3 Validator.Sender names a
// school, any school of a district, a district or any district of the
// city; a file from outside is refused on its header line.
func TestValidatorSenderScope(t *testing.T) {
	ctx := context.Background()
	schoolFile := cardFile(t, batchtest.School(school, created), genRecords(t, 2))
	var district bytes.Buffer
	_, err := batch.MergeCardData(ctx, &district, "d.txt", districtSender(), acceptedSource(t, "a", schoolFile))
	require.NoError(t, err)
	for _, tc := range []struct {
		name   string
		level  studentid.Level
		sender string
		file   []byte
		ok     bool
	}{
		{"C-MAKE-2 the school itself", studentid.LevelDistrict, school, schoolFile, true},
		{"C-MAKE-2 any school of district 0101", studentid.LevelDistrict, "0101", schoolFile, true},
		{"C-MAKE-2 a foreign district's school at district 0102", studentid.LevelDistrict, "0102", schoolFile, false},
		{"C-MAKE-2 another school of the district", studentid.LevelDistrict, "01011045", schoolFile, false},
		{"C-MAKE-2 a scope that is no code", studentid.LevelDistrict, "010", schoolFile, false},
		{"C-MAKE-3 district 0101", studentid.LevelCity, "0101", district.Bytes(), true},
		{"C-MAKE-3 any district of the city", studentid.LevelCity, "01", district.Bytes(), true},
		{"C-MAKE-3 a foreign district", studentid.LevelCity, "0102", district.Bytes(), false},
		{"C-MAKE-3 a school scope takes no district file", studentid.LevelCity, school, district.Bytes(), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := batch.Validator{Level: tc.level, Sender: tc.sender}
			rep, err := v.Validate(ctx, bytes.NewReader(tc.file), "f.txt")
			require.NoError(t, err)
			require.Equal(t, tc.ok, rep.Accepted, "%v", rep.Errors)
			if !tc.ok {
				require.NotEmpty(t, rep.Errors)
				assert.Equal(t, batch.ReasonSender, rep.Errors[0].Reason)
				assert.Equal(t, 1, rep.Errors[0].Line, "the header line is named")
				assert.ErrorIs(t, rep.Errors[0], batch.ErrSender)
			}
		})
	}
}

// TestForeignDistrictPackage: C-MAKE-2 a district refuses another
// district's school package, and a school file holding a record of another
// school names its line.
func TestForeignDistrictPackage(t *testing.T) {
	ctx := context.Background()
	foreign := packageOf(t, upload{sender: batchtest.School("01020007", created), recs: must1(batchtest.Record("01020007", "乙", 0, 1))})
	v := districtValidator()
	v.Sender = "0101"
	rep, err := batch.CheckPackage(ctx, bytes.NewReader(foreign), int64(len(foreign)), "foreign.zip", v, batch.PhotoRules{})
	require.NoError(t, err)
	assert.False(t, rep.Accepted)
	require.NotEmpty(t, rep.Errors)
	assert.Equal(t, batch.ReasonSender, rep.Errors[0].Reason)
	assert.Nil(t, rep.Digest)

	recs := genRecords(t, 3)
	recs[2] = must(batchtest.Record("01011045", "第二中学", 0, 2))
	data := cardFile(t, batchtest.School(school, created), recs)
	drep, err := v.Validate(ctx, bytes.NewReader(data), "carddata.txt")
	require.NoError(t, err)
	require.False(t, drep.Accepted)
	require.Len(t, drep.Errors, 1)
	assert.ErrorIs(t, drep.Errors[0], batch.ErrNotSender)
	assert.Equal(t, 5, drep.Errors[0].Line, "the record's line (after header and columns)")
}

// TestValidationStopsAtProblemCap: C-MAKE-2 a file with more problems than
// Validator.MaxProblems is refused without checking the rest, and the
// failure file says where the check stopped.
func TestValidationStopsAtProblemCap(t *testing.T) {
	recs := genRecords(t, 1)
	many := make([]batch.CardRecord, 1000)
	for i := range many {
		many[i] = recs[0]
	}
	data := cardFile(t, batchtest.School(school, created), many)
	var failures bytes.Buffer
	fw, err := batch.NewFailureWriter(&failures, "f.txt", districtSender())
	require.NoError(t, err)
	v := districtValidator()
	v.MaxProblems = 50
	v.OnError = fw.Add
	rep, err := v.Validate(context.Background(), bytes.NewReader(data), "carddata.txt")
	require.NoError(t, err)
	require.NoError(t, fw.Close())
	assert.False(t, rep.Accepted)
	assert.True(t, rep.Capped)
	assert.EqualValues(t, 50, rep.Problems)
	assert.Less(t, rep.Records, int64(100), "the rest of the file is not read")
	var rows []batch.Failure
	_, err = batch.ReadFailures(context.Background(), bytes.NewReader(failures.Bytes()), "f.txt", func(f batch.Failure) error {
		rows = append(rows, f)
		return nil
	})
	require.NoError(t, err)
	require.Len(t, rows, 51)
	last := rows[50]
	assert.Equal(t, batch.ReasonCapped, last.Reason)
	assert.Equal(t, 2+int(rep.Records), last.Line, "the line where the check stopped")
	assert.Contains(t, last.Message, "校验已停止")
}

// TestSplitRefusesForeignRecords: C-ISSUE-2 a district splitting its result
// file refuses a record of another district, naming its line, and leaves
// every part without a trailer; C-ISSUE-1 the city's code is its own.
func TestSplitRefusesForeignRecords(t *testing.T) {
	ctx := context.Background()
	var res bytes.Buffer
	require.NoError(t, batch.WriteResults(&res, "results.txt", factorySender(), exampleResults(t)))
	t.Run("C-ISSUE-2 the whole city's file at district 0101", func(t *testing.T) {
		parts := buffers{}
		_, err := batch.SplitResult(ctx, bytes.NewReader(res.Bytes()), "results.txt", batch.BySchool, districtSender(), parts.open)
		require.ErrorIs(t, err, batch.ErrNotSender)
		var pe *batch.ParseError
		require.ErrorAs(t, err, &pe)
		assert.Greater(t, pe.Line, 2, "the record's line")
		assert.Equal(t, "registry_no", pe.Field)
		assert.Contains(t, l10n.Error(err, l10n.Chinese), "学籍号不属于报送单位")
		for code, buf := range parts {
			_, err := batch.Verify(ctx, bytes.NewReader(buf.Bytes()), code)
			assert.ErrorIs(t, err, batch.ErrTruncated, "part %s must not be usable", code)
		}
	})
	t.Run("C-ISSUE-2 district 0102 splitting 0101's part", func(t *testing.T) {
		other := districtSender()
		other.Code = "0102"
		_, err := batch.SplitResult(ctx, bytes.NewReader(parts0101(t, ctx, res.Bytes())), "0101.txt", batch.BySchool, other, buffers{}.open)
		require.ErrorIs(t, err, batch.ErrNotSender)
	})
	t.Run("C-ISSUE-1 a split by district needs the city's code", func(t *testing.T) {
		_, err := batch.SplitResult(ctx, bytes.NewReader(res.Bytes()), "results.txt", batch.ByDistrict, districtSender(), buffers{}.open)
		require.ErrorIs(t, err, batch.ErrSender)
	})
}

// TestHandoverRefusesForeignRecords: C-ISSUE-2 a district packs, reads and
// reconciles only its own schools' cards; the offending line or school is
// named.
func TestHandoverRefusesForeignRecords(t *testing.T) {
	ctx := context.Background()
	var res bytes.Buffer
	require.NoError(t, batch.WriteResults(&res, "results.txt", factorySender(), exampleResults(t)))
	citySheet, err := batch.BuildHandover(ctx, bytes.NewReader(res.Bytes()), "results.txt", "01", batch.BoxSizes{})
	require.NoError(t, err)
	var sheet bytes.Buffer
	require.NoError(t, citySheet.Write(&sheet, "h.txt", citySender()))

	t.Run("C-ISSUE-2 the city's result file packed at district 0101", func(t *testing.T) {
		_, err := batch.BuildHandover(ctx, bytes.NewReader(res.Bytes()), "results.txt", "0101", batch.BoxSizes{})
		require.ErrorIs(t, err, batch.ErrNotSender)
		var pe *batch.ParseError
		require.ErrorAs(t, err, &pe)
		assert.Greater(t, pe.Line, 2)
		assert.Equal(t, "registry_no", pe.Field)
	})
	t.Run("C-ISSUE-2 district 0101's part packs there", func(t *testing.T) {
		h, err := batch.BuildHandover(ctx, bytes.NewReader(parts0101(t, ctx, res.Bytes())), "0101.txt", "0101", batch.BoxSizes{})
		require.NoError(t, err)
		assert.Positive(t, h.Total())
	})
	t.Run("C-ISSUE-2 the city's sheet read at district 0101", func(t *testing.T) {
		_, err := batch.ReadHandover(ctx, bytes.NewReader(sheet.Bytes()), "h.txt", "0101", batch.BoxSizes{})
		require.ErrorIs(t, err, batch.ErrNotSender)
		var pe *batch.ParseError
		require.ErrorAs(t, err, &pe)
		assert.Greater(t, pe.Line, 2)
		assert.Equal(t, "school_code", pe.Field)
	})
	t.Run("C-ISSUE-2 a sheet from district 0101 listing 0102's boxes", func(t *testing.T) {
		var forged bytes.Buffer
		require.NoError(t, citySheet.Write(&forged, "h.txt", districtSender()))
		_, err := batch.ReadHandover(ctx, bytes.NewReader(forged.Bytes()), "h.txt", "01", batch.BoxSizes{})
		require.ErrorIs(t, err, batch.ErrNotSender, "content matches the sheet's sender")
	})
	t.Run("C-ISSUE-4 a counted card of another district at district 0101", func(t *testing.T) {
		own := citySheet.ForDistrict(testDistrict("0101"))
		counted := batch.Tally{}
		for _, g := range citySheet.Counts() {
			counted[g.GroupKey] = g.Count // district 0102's cards among them
		}
		_, regenerated, err := batch.Reconcile(own, counted, "0101", batch.BoxSizes{})
		require.ErrorIs(t, err, batch.ErrNotSender)
		assert.Nil(t, regenerated)
		assert.Contains(t, err.Error(), "0102")
		_, _, err = batch.Reconcile(citySheet, batch.Tally{}, "0101", batch.BoxSizes{})
		require.ErrorIs(t, err, batch.ErrNotSender, "a sheet row of another district")
	})
	t.Run("C-ISSUE-2 a scope that is no code", func(t *testing.T) {
		_, err := batch.BuildHandover(ctx, bytes.NewReader(res.Bytes()), "results.txt", "010", batch.BoxSizes{})
		require.ErrorIs(t, err, batch.ErrSender)
	})
}
