package batch_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/batch/batchtest"
	"github.com/bjedu/studentcard/l10n"
)

var photoNow = time.Date(2026, 9, 1, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

func clock() time.Time { return photoNow }

// cmykJPEG rewrites a generated JPEG's frame header to four components
// with an Adobe marker (YCCK), as CMYK JPEGs from print workflows are: the
// header check refuses it before any decoding.
func cmykJPEG(t *testing.T) []byte {
	t.Helper()
	src := must(batchtest.Photo(1))
	var out []byte
	out = append(out, src[:2]...)
	adobe := append([]byte("Adobe"), 0, 100, 0, 0, 0, 0, 2)
	out = append(out, 0xff, 0xee)
	out = binary.BigEndian.AppendUint16(out, uint16(len(adobe)+2))
	out = append(out, adobe...)
	for pos := 2; pos+4 <= len(src); {
		require.Equal(t, byte(0xff), src[pos])
		n := int(binary.BigEndian.Uint16(src[pos+2:]))
		if src[pos+1] == 0xc0 {
			sof := append([]byte{}, src[pos+4:pos+4+6]...)
			sof[5] = 4
			for id := byte(1); id <= 4; id++ {
				sof = append(sof, id, 0x11, 0)
			}
			out = append(out, 0xff, 0xc0)
			out = binary.BigEndian.AppendUint16(out, uint16(len(sof)+2))
			out = append(out, sof...)
			return append(out, src[pos+2+n:]...)
		}
		out = append(out, src[pos:pos+2+n]...)
		pos += 2 + n
	}
	t.Fatal("no SOF0 in the generated photo")
	return nil
}

// plainJPEG is a w×h JPEG of one colour, or with vertical stripes of
// stripe pixels alternating with white when stripe > 0.
func plainJPEG(t *testing.T, w, h int, c color.RGBA, stripe int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			if stripe > 0 && x/stripe%2 == 1 {
				img.SetRGBA(x, y, color.RGBA{255, 255, 255, 255})
			} else {
				img.SetRGBA(x, y, c)
			}
		}
	}
	var buf bytes.Buffer
	require.NoError(t, jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}))
	return buf.Bytes()
}

// blockJPEG is a 480×640 blue photo with a skin-coloured block 65 % wide
// from a tenth of the height to the bottom edge: a figure without a neck.
func blockJPEG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 480, 640))
	for y := range 640 {
		for x := range 480 {
			c := batchtest.IDBlue
			if y >= 64 && x >= 84 && x < 396 {
				c = color.RGBA{232, 196, 166, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	require.NoError(t, jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}))
	return buf.Bytes()
}

func TestPhotoVerdicts(t *testing.T) {
	white := color.RGBA{250, 250, 250, 255}
	red := color.RGBA{200, 40, 40, 255}
	green := color.RGBA{60, 160, 80, 255}
	pale := color.RGBA{160, 170, 190, 255}  // blue hue, chroma 11: borderline
	tealish := color.RGBA{0, 150, 165, 255} // hue 205-225: borderline
	spec := func(s batchtest.PhotoSpec) []byte { return must(s.JPEG()) }
	for _, tc := range []struct {
		name     string
		data     []byte
		rules    batch.PhotoRules
		problems []error
		warnings []error
		text     string // in the first finding's English text
		zh       string // in its Chinese text
	}{
		{name: "C-2 generated photo passes", data: must(batchtest.Photo(1))},
		{name: "C-2 landscape 640×480 passes", data: spec(batchtest.PhotoSpec{Width: 640, Height: 480})},
		{name: "C-2 head 65 % passes", data: spec(batchtest.PhotoSpec{Head: 0.65, Noise: 4})},
		{name: "C-2 head 50 % refused", data: spec(batchtest.PhotoSpec{Head: 0.50}), problems: []error{batch.ErrPhotoHead, batch.ErrPhotoHead}, text: "head height 49 % of the photo, want 60-70 %", zh: "头部高度为照片的49 %"},
		{name: "C-2 head 80 % refused", data: spec(batchtest.PhotoSpec{Head: 0.80}), problems: []error{batch.ErrPhotoHead, batch.ErrPhotoHead}, text: "head height 79 % of the photo"},
		{name: "C-2 head 95 % refused", data: spec(batchtest.PhotoSpec{Head: 0.95}), problems: []error{batch.ErrPhotoHead, batch.ErrPhotoHead}, text: "head height 95 % of the photo"},
		{name: "C-2 head running off the bottom edge refused", data: spec(batchtest.PhotoSpec{Head: 1}), problems: []error{batch.ErrPhotoHead, batch.ErrPhotoHead}, text: "head height 95 % of the photo"},
		{name: "C-2 figure without a neck down to the bottom edge: a lower bound", data: blockJPEG(t), problems: []error{batch.ErrPhotoHead}, text: "head height at least 90 % of the photo (it reaches the bottom edge)"},
		{name: "C-2 shirt the colour of the background: the head is still measured", data: spec(batchtest.PhotoSpec{Shirt: batchtest.IDBlue})},
		{name: "C-2 head 80 % and a blue shirt refused", data: spec(batchtest.PhotoSpec{Head: 0.80, Shirt: batchtest.IDBlue}), problems: []error{batch.ErrPhotoHead, batch.ErrPhotoHead}, text: "head height 79 %"},
		{name: "C-2 head 80 % only warns under a district's policy", data: spec(batchtest.PhotoSpec{Head: 0.80}), rules: batch.PhotoRules{Head: batch.PhotoWarn}, warnings: []error{batch.ErrPhotoHead, batch.ErrPhotoHead}},
		{name: "C-2 head 72 % passes with a wider district range", data: spec(batchtest.PhotoSpec{Head: 0.72}), rules: batch.PhotoRules{HeadMax: 75}},
		{name: "C-2 white background refused, naming the colour", data: spec(batchtest.PhotoSpec{Background: white}), problems: []error{batch.ErrPhotoBackground}, text: "measured white #FAFAFA", zh: "测得白色"},
		{name: "C-2 red background refused", data: spec(batchtest.PhotoSpec{Background: red}), problems: []error{batch.ErrPhotoBackground}, text: "measured red", zh: "红色"},
		{name: "C-2 green background refused", data: spec(batchtest.PhotoSpec{Background: green}), problems: []error{batch.ErrPhotoBackground}, text: "measured green"},
		{name: "C-2 white background only warns under a district's policy", data: spec(batchtest.PhotoSpec{Background: white}), rules: batch.PhotoRules{NonBlue: batch.PhotoWarn}, warnings: []error{batch.ErrPhotoBackground}},
		{name: "C-2 white background ignored under a district's policy", data: spec(batchtest.PhotoSpec{Background: white}), rules: batch.PhotoRules{NonBlue: batch.PhotoIgnore}},
		{name: "C-2 pale blue background warns as borderline", data: spec(batchtest.PhotoSpec{Background: pale}), warnings: []error{batch.ErrPhotoBackground}, text: "borderline blue", zh: "接近蓝色"},
		{name: "C-2 cyan-blue background warns as borderline", data: spec(batchtest.PhotoSpec{Background: tealish}), warnings: []error{batch.ErrPhotoBackground}, text: "borderline blue"},
		{name: "C-2 borderline refused under a district's policy", data: spec(batchtest.PhotoSpec{Background: pale}), rules: batch.PhotoRules{BorderlineBlue: batch.PhotoRefuse}, problems: []error{batch.ErrPhotoBackground}},
		{name: "C-2 sky-blue background passes", data: spec(batchtest.PhotoSpec{Background: color.RGBA{0, 191, 243, 255}})},
		{name: "C-2 plain blue: no figure, said rather than guessed", data: plainJPEG(t, 480, 640, batchtest.IDBlue, 0), warnings: []error{batch.ErrPhotoSilhouette}, text: "no figure in front of the background"},
		{name: "C-2 two figures: said rather than guessed", data: spec(batchtest.PhotoSpec{Figures: 2}), warnings: []error{batch.ErrPhotoSilhouette}, text: "several figures", zh: "多个人像"},
		{name: "C-2 striped border: no clear background", data: plainJPEG(t, 480, 640, batchtest.IDBlue, 24), problems: []error{batch.ErrPhotoBackground}, warnings: []error{batch.ErrPhotoSilhouette}, text: "no uniform background at the border"},
		{name: "C-2 unmeasurable head refused under a district's policy", data: spec(batchtest.PhotoSpec{Figures: 2}), rules: batch.PhotoRules{NoSilhouette: batch.PhotoRefuse}, problems: []error{batch.ErrPhotoSilhouette}},
		{name: "C-2 quality 40 refused", data: spec(batchtest.PhotoSpec{Quality: 40}), problems: []error{batch.ErrPhotoQuality}, text: "estimated quality 40, want at least 75", zh: "估计质量为40"},
		{name: "C-2 quality 60 refused", data: spec(batchtest.PhotoSpec{Quality: 60}), problems: []error{batch.ErrPhotoQuality}, text: "estimated quality 60"},
		{name: "C-2 quality 74 refused", data: spec(batchtest.PhotoSpec{Quality: 74}), problems: []error{batch.ErrPhotoQuality}, text: "estimated quality 74"},
		{name: "C-2 quality 75 passes", data: spec(batchtest.PhotoSpec{Quality: 75})},
		{name: "C-2 quality 100 passes", data: spec(batchtest.PhotoSpec{Quality: 100})},
		{name: "C-2 quality 90 refused by a district asking 95", data: spec(batchtest.PhotoSpec{Quality: 90}), rules: batch.PhotoRules{MinQuality: 95}, problems: []error{batch.ErrPhotoQuality}},
		{name: "C-2 quality check disabled", data: spec(batchtest.PhotoSpec{Quality: 40}), rules: batch.PhotoRules{MinQuality: -1}},
		{name: "C-2 grey is not 24-bit colour", data: spec(batchtest.PhotoSpec{Grey: true}), problems: []error{batch.ErrPhotoColour}, text: "got grey"},
		{name: "C-2 CMYK is not 24-bit colour", data: cmykJPEG(t), problems: []error{batch.ErrPhotoColour}, text: "got CMYK"},
		{name: "C-2 wrong size", data: plainJPEG(t, 320, 240, batchtest.IDBlue, 0), problems: []error{batch.ErrPhotoDimensions}, text: "got 320×240"},
		{name: "C-2 not a JPEG", data: []byte("GIF89a...."), problems: []error{batch.ErrPhotoFormat}},
		{name: "C-2 truncated JPEG", data: must(batchtest.Photo(1))[:20000], problems: []error{batch.ErrPhotoFormat}, text: "JPEG data truncated", zh: "JPEG数据不完整"},
		{name: "C-2 file size bound", data: must(batchtest.Photo(1)), rules: batch.PhotoRules{MaxBytes: 1000}, problems: []error{batch.ErrPhotoSize}},
		{name: "C-2 photo taken two years ago is not recent", data: spec(batchtest.PhotoSpec{Taken: photoNow.AddDate(-2, 0, 0)}), rules: batch.PhotoRules{Now: clock}, warnings: []error{batch.ErrPhotoOld}, text: "taken 2024-09-01, more than 365 days before 2026-09-01", zh: "拍摄于2024-09-01"},
		{name: "C-2 photo taken last month is recent", data: spec(batchtest.PhotoSpec{Taken: photoNow.AddDate(0, -1, 0)}), rules: batch.PhotoRules{Now: clock}},
		{name: "C-2 old photo within a district's longer age", data: spec(batchtest.PhotoSpec{Taken: photoNow.AddDate(-2, 0, 0)}), rules: batch.PhotoRules{Now: clock, MaxAge: 3 * 365 * 24 * time.Hour}},
		{name: "C-2 old photo refused under a district's policy", data: spec(batchtest.PhotoSpec{Taken: photoNow.AddDate(-2, 0, 0)}), rules: batch.PhotoRules{Now: clock, Old: batch.PhotoRefuse}, problems: []error{batch.ErrPhotoOld}},
		{name: "C-2 no clock, no age check", data: spec(batchtest.PhotoSpec{Taken: photoNow.AddDate(-2, 0, 0)})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := batch.CheckPhoto(bytes.NewReader(tc.data), tc.rules)
			require.NoError(t, err)
			require.Len(t, res.Problems, len(tc.problems), "problems %v", res.Problems)
			require.Len(t, res.Warnings, len(tc.warnings), "warnings %v", res.Warnings)
			for i, want := range tc.problems {
				assert.ErrorIs(t, res.Problems[i], want)
			}
			for i, want := range tc.warnings {
				assert.ErrorIs(t, res.Warnings[i], want)
			}
			assert.Equal(t, len(tc.problems) == 0, res.Accepted())
			all := append(res.Problems, res.Warnings...)
			var en, zh []string
			for _, e := range all {
				en, zh = append(en, e.Error()), append(zh, l10n.Error(e, l10n.Chinese))
			}
			assert.Contains(t, strings.Join(en, "\n"), tc.text)
			assert.Contains(t, strings.Join(zh, "\n"), tc.zh)
			for _, e := range all {
				assert.Regexp(t, `\p{Han}`, l10n.Error(e, l10n.Chinese), "every verdict in Chinese: %v", e)
			}
		})
	}
}

// The measured head follows the drawn one, and what the photo's markers say
// is reported.
func TestPhotoMeasurements(t *testing.T) {
	for _, head := range []float64{0.50, 0.60, 0.65, 0.70, 0.80} {
		res, err := batch.CheckPhoto(bytes.NewReader(must(batchtest.PhotoSpec{Head: head, Noise: 4}.JPEG())), batch.PhotoRules{Head: batch.PhotoIgnore})
		require.NoError(t, err)
		in := res.Info
		require.True(t, in.HeadFound, "C-2 head %v", head)
		assert.InDelta(t, head*100, in.HeadHeight, 2.5, "C-2 head %v: height", head)
		assert.InDelta(t, head*100, in.HeadWidth, 2.5, "C-2 head %v: width", head)
	}
	res, err := batch.CheckPhoto(bytes.NewReader(must(batchtest.PhotoSpec{Taken: photoNow}.JPEG())), batch.PhotoRules{})
	require.NoError(t, err)
	in := res.Info
	assert.Equal(t, 480, in.Width)
	assert.Equal(t, 640, in.Height)
	assert.Equal(t, 3, in.Components)
	assert.Equal(t, 24, in.BitsPerPixel)
	assert.False(t, in.Progressive)
	assert.Equal(t, "4:2:0", in.Subsampling)
	assert.Equal(t, 90, in.Quality)
	assert.True(t, in.StandardTables)
	assert.True(t, in.Taken.Equal(photoNow), "EXIF DateTimeOriginal %v", in.Taken)
	assert.True(t, in.Decoded)
	assert.InDelta(t, 272, in.Background.Hue(), 4, "ID-photo blue's hue")
	for q := 40; q <= 100; q += 5 {
		res, err := batch.CheckPhoto(bytes.NewReader(must(batchtest.PhotoSpec{Quality: q}.JPEG())), batch.PhotoRules{MinQuality: -1})
		require.NoError(t, err)
		assert.Equal(t, q, res.Info.Quality, "C-2 quality %d estimated from the quantisation tables", q)
		assert.True(t, res.Info.StandardTables)
	}
	res, err = batch.CheckPhoto(bytes.NewReader(plainJPEG(t, 320, 240, batchtest.IDBlue, 0)), batch.PhotoRules{})
	require.NoError(t, err)
	assert.False(t, res.Info.Decoded, "a photo refused by its header is not decoded")
}

// The DC-only decode agrees with image/jpeg on the files of Go's own test
// suite (libjpeg-made: every subsampling, restart markers, RGB, grey,
// progressive through the fallback), and its quality estimate reads the q50
// files as 50.
func TestPhotoDecoderAgainstImageJPEG(t *testing.T) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	require.NoError(t, err)
	dir := filepath.Join(strings.TrimSpace(string(out)), "src", "image", "testdata")
	files, err := filepath.Glob(filepath.Join(dir, "video-00*.jpeg"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 20, "Go's image test files in %s", dir)
	for _, f := range files {
		name := filepath.Base(f)
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		in, err := batch.InspectPhoto(data)
		switch {
		case strings.Contains(name, "truncated"):
			continue // image/jpeg shows a truncated progressive JPEG as far as it goes: so does the check
		}
		require.NoError(t, err, name)
		if strings.Contains(name, "cmyk") {
			assert.Equal(t, 4, in.Components, name)
			continue
		}
		assert.Equal(t, strings.Contains(name, ".progressi"), in.Progressive, name)
		bound := 2.0
		if strings.Contains(name, ".410") || strings.Contains(name, ".411") {
			bound = 6 // chroma blocks 32 pixels wide: coarser than the 16-pixel squares compared
		}
		assert.LessOrEqual(t, in.DCDiff, bound, "%s: DC image vs image/jpeg block means", name)
		if strings.Contains(name, "q50") {
			assert.Equal(t, 50, in.Quality, name)
		}
	}
}

// C-2: every photo batchtest generates for the demo and the tests passes
// all the checks, and the cache gives the same bytes as drawing.
func TestGeneratedPhotosPassC2(t *testing.T) {
	var cache batchtest.Photos
	for seed := range uint64(batchtest.PhotoVariants) {
		p, err := cache.Photo(seed + batchtest.PhotoVariants)
		require.NoError(t, err)
		assert.Equal(t, must(batchtest.Photo(seed)), p, "seed %d", seed)
		res, err := batch.CheckPhoto(bytes.NewReader(p), batch.PhotoRules{Now: clock})
		require.NoError(t, err)
		assert.Empty(t, res.Problems, "seed %d", seed)
		assert.Empty(t, res.Warnings, "seed %d", seed)
	}
}

// packageOfPhotos builds a package of recs with the photos given by index
// (nil: none).
func packageOfPhotos(t *testing.T, recs []batch.CardRecord, photo func(i int) []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	pw := batch.NewPackageWriter(&buf)
	dw, err := pw.CardData(schoolSender())
	require.NoError(t, err)
	for _, r := range recs {
		require.NoError(t, dw.WriteRecord(r.Fields()))
	}
	require.NoError(t, dw.Close())
	for i, r := range recs {
		if p := photo(i); p != nil {
			w, err := pw.Photo(r.RegistryNo)
			require.NoError(t, err)
			_, err = w.Write(p)
			require.NoError(t, err)
		}
	}
	require.NoError(t, pw.Close())
	return buf.Bytes()
}

// C-2, C-5, issue 17: the photo pass on several workers reports exactly what
// one worker does, in record order, refusals to OnError and warnings to
// OnWarning; an OnError failure stops the pass and is returned.
func TestPackagePhotoPassInOrder(t *testing.T) {
	ctx := context.Background()
	recs := genRecords(t, 40)
	good := must(batchtest.Photo(1))
	low := must(batchtest.PhotoSpec{Quality: 40}.JPEG())
	two := must(batchtest.PhotoSpec{Figures: 2}.JPEG())
	old := must(batchtest.PhotoSpec{Taken: photoNow.AddDate(-3, 0, 0)}.JPEG())
	pkg := packageOfPhotos(t, recs, func(i int) []byte {
		switch i % 5 {
		case 1:
			return low
		case 2:
			return two
		case 3:
			return old
		case 4:
			if i%10 == 9 {
				return nil
			}
		}
		return good
	})
	type row struct {
		line   int
		reason batch.Reason
	}
	run := func(workers int) (errs, warns []row, rep *batch.PackageReport) {
		v := districtValidator()
		v.MaxErrors = 1000
		v.OnError = func(e *batch.RecordError) error { errs = append(errs, row{e.Line, e.Reason}); return nil }
		rules := batch.PhotoRules{Workers: workers, Now: clock,
			OnWarning: func(e *batch.RecordError) error { warns = append(warns, row{e.Line, e.Reason}); return nil }}
		rep, err := batch.CheckPackage(ctx, bytes.NewReader(pkg), int64(len(pkg)), "p.zip", v, rules)
		require.NoError(t, err)
		return errs, warns, rep
	}
	errs1, warns1, rep1 := run(1)
	errs4, warns4, rep4 := run(4)
	assert.Equal(t, errs1, errs4, "same refusals in the same order on 1 and 4 workers")
	assert.Equal(t, warns1, warns4)
	require.Len(t, errs1, 8+4) // quality 40 on 8 records, 4 photos missing
	require.Len(t, warns1, 8+8)
	for i := 1; i < len(errs1); i++ {
		assert.Less(t, errs1[i-1].line, errs1[i].line, "record order")
	}
	assert.Equal(t, batch.ReasonPhotoQuality, errs1[0].reason)
	assert.Equal(t, batch.ReasonPhotoSilhouette, warns1[0].reason)
	assert.Equal(t, batch.ReasonPhotoOld, warns1[1].reason)
	assert.Equal(t, 40, rep4.Photos)
	assert.EqualValues(t, 12, rep4.Failed)
	assert.Len(t, rep1.Warnings, 16)
	assert.False(t, rep4.Accepted, "C-2, C-5: a bad photo refuses the package before it can spoil a card at the factory")

	stop := errors.New("disk full")
	v := districtValidator()
	calls := 0
	v.OnError = func(*batch.RecordError) error { calls++; return stop }
	_, err := batch.CheckPackage(ctx, bytes.NewReader(pkg), int64(len(pkg)), "p.zip", v, batch.PhotoRules{Workers: 2})
	assert.ErrorIs(t, err, stop, "the failure file's error ends the check")
	assert.Equal(t, 1, calls, "nothing is reported after it")
}

// Issue 11: a package whose data is refused has its photos skipped — even
// thousands of them cost nothing beyond the data check.
func TestRefusedDataSkipsPhotos(t *testing.T) {
	recs := genRecords(t, 30)
	recs[3].ResidentID = recs[4].ResidentID // duplicate: the data fails
	pkg := packageOfPhotos(t, recs, func(int) []byte { return []byte("not a JPEG at all") })
	rep, err := batch.CheckPackage(context.Background(), bytes.NewReader(pkg), int64(len(pkg)), "p.zip", districtValidator(), batch.PhotoRules{})
	require.NoError(t, err)
	assert.False(t, rep.Accepted)
	assert.Equal(t, 0, rep.Photos, "no photo checked")
	for _, e := range rep.Errors {
		assert.NotEqual(t, "photo", e.Field, "no photo finding: %v", e)
	}
}
