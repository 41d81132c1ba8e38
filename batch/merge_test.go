package batch_test

import (
	"archive/zip"
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/batch/batchtest"
	"github.com/bjedu/studentcard/studentid"
)

// upload is one school's accepted upload in the merge tests.
type upload struct {
	sender batch.Header
	recs   []batch.CardRecord
	rare   []batch.RareEntry
}

// twoSchools: two schools of district 0101, the first with one student whose
// name holds a character outside GB2312 and another stored as pinyin (C-4).
func twoSchools(t *testing.T) []upload {
	a := genRecords(t, 4)
	a[1].Name = "王䶮"
	a[2].Name = "李yan"
	var b []batch.CardRecord
	for r, err := range batchtest.Records("01011045", "第二中学", 3, 2) {
		require.NoError(t, err)
		b = append(b, r)
	}
	rare := []batch.RareEntry{
		{RegistryNo: a[1].RegistryNo, NamePinyin: "王yan", Glyph: "䶮", SchoolName: schoolName, Contact: "李老师", ReportDate: "20260901"},
		{RegistryNo: a[2].RegistryNo, NamePinyin: "李yan", Glyph: "上龍下天", SchoolName: schoolName, Contact: "李老师", ReportDate: "20260901"},
	}
	return []upload{
		{sender: batchtest.School(school, created), recs: a, rare: rare},
		{sender: batchtest.School("01011045", created), recs: b},
	}
}

// packageOf writes a school's upload package: data, description, photos.
func packageOf(t *testing.T, u upload) []byte {
	var buf bytes.Buffer
	pw := batch.NewPackageWriter(&buf)
	dw, err := pw.CardData(u.sender)
	require.NoError(t, err)
	for _, r := range u.recs {
		require.NoError(t, dw.WriteRecord(r.Fields()))
	}
	require.NoError(t, dw.Close())
	rw, err := pw.RareChars(u.sender)
	require.NoError(t, err)
	for _, e := range u.rare {
		require.NoError(t, rw.WriteRecord(e.Fields()))
	}
	require.NoError(t, rw.Close())
	photo := must(batchtest.Photo(3))
	for _, r := range u.recs {
		w, err := pw.Photo(r.RegistryNo)
		require.NoError(t, err)
		_, err = w.Write(photo)
		require.NoError(t, err)
	}
	require.NoError(t, pw.Close())
	return buf.Bytes()
}

func sourcesOf(pkgs ...[]byte) []batch.PackageSource {
	var out []batch.PackageSource
	for i, p := range pkgs {
		d, _ := batch.PackageDigest(bytes.NewReader(p), int64(len(p))) // as if accepted: the merge's own checks are under test
		out = append(out, batch.PackageSource{Name: "school" + string(rune('A'+i)) + ".zip", R: bytes.NewReader(p), Size: int64(len(p)), Accepted: d})
	}
	return out
}

func cityValidator() batch.Validator {
	return batch.Validator{Level: studentid.LevelCity, Sender: "0101", Scheme: studentid.MOD11_10}
}

// entryOf returns one entry of a zip.
func entryOf(t *testing.T, pkg []byte, name string) []byte {
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	require.NoError(t, err)
	f, err := zr.Open(name)
	require.NoError(t, err)
	defer f.Close()
	var buf bytes.Buffer
	_, err = buf.ReadFrom(f)
	require.NoError(t, err)
	return buf.Bytes()
}

func TestMergePackageCarriesRareCharacters(t *testing.T) {
	ctx := context.Background()
	ups := twoSchools(t)
	pkgA, pkgB := packageOf(t, ups[0]), packageOf(t, ups[1])
	for _, p := range [][]byte{pkgA, pkgB} {
		rep, err := batch.CheckPackage(ctx, bytes.NewReader(p), int64(len(p)), "school.zip", districtValidator(), batch.PhotoRules{})
		require.NoError(t, err)
		require.True(t, rep.Accepted, "precondition: the district accepts each upload: %v", rep.Errors)
	}

	t.Run("C-4/C-MAKE-2/C-MAKE-3/rare names accepted at the city after merging packages", func(t *testing.T) {
		var out bytes.Buffer
		sum, err := batch.MergePackage(ctx, &out, districtSender(), sourcesOf(pkgA, pkgB)...)
		require.NoError(t, err)
		assert.Equal(t, batch.MergeSummary{Records: 7, RareEntries: 2, Photos: 7}, sum)
		rep, err := batch.CheckPackage(ctx, bytes.NewReader(out.Bytes()), int64(out.Len()), "district.zip", cityValidator(), batch.PhotoRules{})
		require.NoError(t, err)
		assert.True(t, rep.Accepted, "%v", rep.Errors)
		assert.EqualValues(t, 7, rep.Records)
		assert.Equal(t, 7, rep.Photos)
		assert.Empty(t, rep.Warnings)
		assert.False(t, rep.LocalPrint, "local printing is the district's option")
	})
	t.Run("C-4/C-MAKE-3/the data file alone is refused at the city for its rare names", func(t *testing.T) {
		var data bytes.Buffer
		_, err := batch.MergeCardData(ctx, &data, "d.txt", districtSender(),
			acceptedSource(t, "a", entryOf(t, pkgA, batch.PackageData)),
			acceptedSource(t, "b", entryOf(t, pkgB, batch.PackageData)))
		require.NoError(t, err)
		rep, err := cityValidator().Validate(ctx, bytes.NewReader(data.Bytes()), "d.txt")
		require.NoError(t, err)
		assert.False(t, rep.Accepted)
		require.Len(t, rep.Errors, 2)
		for _, e := range rep.Errors {
			assert.Equal(t, batch.ReasonNameCharset, e.Reason)
		}

		t.Run("C-4/C-MAKE-3/with the merged description it is accepted", func(t *testing.T) {
			var rare bytes.Buffer
			n, err := batch.MergeRareChars(ctx, &rare, "d-rare.txt", districtSender(),
				batch.Source{Name: "a", R: bytes.NewReader(entryOf(t, pkgA, batch.PackageRare))},
				batch.Source{Name: "b", R: bytes.NewReader(entryOf(t, pkgB, batch.PackageRare))})
			require.NoError(t, err)
			assert.EqualValues(t, 2, n)
			set, err := batch.ReadRareChars(ctx, bytes.NewReader(rare.Bytes()), "d-rare.txt", "0101")
			require.NoError(t, err, "the city reads the district's description with the district code")
			v := cityValidator()
			v.Rare = set
			rep, err := v.Validate(ctx, bytes.NewReader(data.Bytes()), "d.txt")
			require.NoError(t, err)
			assert.True(t, rep.Accepted, "%v", rep.Errors)
			_, err = batch.ReadRareChars(ctx, bytes.NewReader(rare.Bytes()), "d-rare.txt", "0102")
			assert.ErrorIs(t, err, batch.ErrNotSender, "another district's description is not this one's")
		})
	})
}

func TestMergeRareCharsRefuses(t *testing.T) {
	ctx := context.Background()
	ups := twoSchools(t)
	rareFile := func(sender batch.Header, entries []batch.RareEntry) []byte {
		return writeRecs(t, batch.RareChars, sender, entries)
	}
	good := rareFile(ups[0].sender, ups[0].rare)
	stranger := ups[0].rare[0]
	stranger.RegistryNo = ups[1].recs[0].RegistryNo // a student of the other school
	for _, tc := range []struct {
		name   string
		sender batch.Header
		inputs [][]byte
		want   error
	}{
		{"C-4/an entry of another school", districtSender(), [][]byte{rareFile(ups[0].sender, []batch.RareEntry{stranger})}, batch.ErrNotSender},
		{"C-4/the same student described twice across schools' files", districtSender(), [][]byte{good, good}, batch.ErrDuplicate},
		{"C-MAKE-2/a school of another district", districtSender(), [][]byte{rareFile(batchtest.School("01020007", created), nil)}, batch.ErrSender},
		{"C-MAKE-2/a district file as input", districtSender(), [][]byte{rareFile(districtSender(), nil)}, batch.ErrSender},
		{"C-MAKE-2/the output must be the district's", schoolSender(), [][]byte{good}, batch.ErrSender},
		{"C-MAKE-2/not a description", districtSender(), [][]byte{cardFile(t, ups[0].sender, ups[0].recs)}, batch.ErrKind},
		{"C-MAKE-2/truncated input", districtSender(), [][]byte{good[:len(good)-4]}, batch.ErrTruncated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			var srcs []batch.Source
			for i, in := range tc.inputs {
				srcs = append(srcs, batch.Source{Name: "in" + string(rune('0'+i)), R: bytes.NewReader(in)})
			}
			_, err := batch.MergeRareChars(ctx, &out, "d-rare.txt", tc.sender, srcs...)
			require.ErrorIs(t, err, tc.want)
			var pe *batch.ParseError
			require.ErrorAs(t, err, &pe, "the error names the file")
			_, err = batch.Verify(ctx, bytes.NewReader(out.Bytes()), "d-rare.txt")
			assert.Error(t, err, "nothing usable is left behind")
		})
	}
}

func TestMergePackageAllOrNothing(t *testing.T) {
	ctx := context.Background()
	ups := twoSchools(t)
	pkgA, pkgB := packageOf(t, ups[0]), packageOf(t, ups[1])
	// school B's package holding a photo named for a student of school A
	var mixed bytes.Buffer
	{
		pw := batch.NewPackageWriter(&mixed)
		dw, err := pw.CardData(ups[1].sender)
		require.NoError(t, err)
		require.NoError(t, dw.WriteRecord(ups[1].recs[0].Fields()))
		require.NoError(t, dw.Close())
		w, err := pw.Photo(ups[0].recs[0].RegistryNo)
		require.NoError(t, err)
		_, err = w.Write(must(batchtest.Photo(1)))
		require.NoError(t, err)
		require.NoError(t, pw.Close())
	}
	otherDistrict := packageOf(t, upload{sender: batchtest.School("01020007", created), recs: must1(batchtest.Record("01020007", "乙", 0, 1))})
	noData := func() []byte {
		var buf bytes.Buffer
		require.NoError(t, zip.NewWriter(&buf).Close())
		return buf.Bytes()
	}()
	for _, tc := range []struct {
		name   string
		sender batch.Header
		inputs [][]byte
		want   error
	}{
		{"C-MAKE-2/a truncated package", districtSender(), [][]byte{pkgA, pkgB[:len(pkgB)/2]}, batch.ErrPackageFormat},
		{"C-MAKE-2/a school of another district", districtSender(), [][]byte{pkgA, otherDistrict}, batch.ErrSender},
		{"C-2/a photo of another school's student", districtSender(), [][]byte{pkgA, mixed.Bytes()}, batch.ErrNotSender},
		{"C-2/the same package twice", districtSender(), [][]byte{pkgA, pkgA}, batch.ErrDuplicate},
		{"C-MAKE-2/a package without data file", districtSender(), [][]byte{noData}, batch.ErrTruncated},
		{"C-MAKE-2/the output must be the district's", citySender(), [][]byte{pkgA}, batch.ErrSender},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			_, err := batch.MergePackage(ctx, &out, tc.sender, sourcesOf(tc.inputs...)...)
			require.ErrorIs(t, err, tc.want)
			rep, err := batch.CheckPackage(ctx, bytes.NewReader(out.Bytes()), int64(out.Len()), "district.zip", cityValidator(), batch.PhotoRules{})
			require.NoError(t, err)
			assert.False(t, rep.Accepted, "C-MAKE-3: what a failed merge leaves is refused whole")
		})
	}
}

// must1 wraps one value in a slice.
func must1[T any](v T, err error) []T { return []T{must(v, err)} }
