package batch

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"math"
	"strconv"
	"time"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/l10n"
)

// Photo errors (C-2). Each refuses the record or warns as PhotoRules says;
// without a policy field (size, format, dimensions, colour, quality) it
// refuses.
var (
	// ErrPhotoMissing: no photos/<registry number>.jpg for a record.
	ErrPhotoMissing = messages.Error("photo missing")
	// ErrPhotoFormat: the photo does not decode as JPEG (or uses a coding
	// the card printer's software does not read: arithmetic, lossless,
	// hierarchical).
	ErrPhotoFormat = messages.Error("photo is not a JPEG image")
	// ErrPhotoSize: the photo file exceeds the size bound.
	ErrPhotoSize = messages.Error("photo file too large")
	// ErrPhotoDimensions: the photo is not 640×480 (either orientation).
	ErrPhotoDimensions = messages.Error("photo is not 640×480")
	// ErrPhotoColour: the photo is not 24-bit colour (grey, CMYK, 12-bit).
	ErrPhotoColour = messages.Error("photo is not 24-bit colour")
	// ErrPhotoBackground: the border's colour is not blue (refuses by
	// default) or only borderline blue (warns by default); the detail names
	// the colour measured.
	ErrPhotoBackground = messages.Error("photo background does not look blue")
	// ErrPhotoQuality: the JPEG quality estimated from the quantisation
	// tables is below PhotoRules.MinQuality ("best quality", C-2).
	ErrPhotoQuality = messages.Error("JPEG quality too low")
	// ErrPhotoHead: the head's height or width is outside the range of
	// C-2 (60-70 % of the photo's); the detail says what was measured.
	ErrPhotoHead = messages.Error("head size out of proportion")
	// ErrPhotoSilhouette: the head cannot be measured (no clear background,
	// nothing but background, several figures); warns by default, as a
	// measurement that cannot be made is no proof of a bad photo.
	ErrPhotoSilhouette = messages.Error("head cannot be measured")
	// ErrPhotoOld: the EXIF capture date is older than PhotoRules.MaxAge
	// (C-2 asks for a recent photo); warns by default.
	ErrPhotoOld = messages.Error("photo is not recent")
)

// Photo reason codes in failure files.
const (
	ReasonPhotoMissing    Reason = "PHOTO_MISSING"
	ReasonPhotoFormat     Reason = "PHOTO_FORMAT"
	ReasonPhotoSize       Reason = "PHOTO_SIZE"
	ReasonPhotoDimensions Reason = "PHOTO_DIMENSIONS"
	ReasonPhotoColour     Reason = "PHOTO_COLOUR"
	ReasonPhotoBackground Reason = "PHOTO_BACKGROUND"
	ReasonPhotoQuality    Reason = "PHOTO_QUALITY"
	ReasonPhotoHead       Reason = "PHOTO_HEAD"
	ReasonPhotoSilhouette Reason = "PHOTO_SILHOUETTE"
	ReasonPhotoOld        Reason = "PHOTO_OLD"
)

// Defaults of PhotoRules.
const (
	// DefaultMaxPhotoBytes bounds a photo file: a 640×480 JPEG at best
	// quality is 100-300 KiB.
	DefaultMaxPhotoBytes = 512 << 10
	// DefaultMinPhotoQuality is the lowest IJG quality accepted: 75 is
	// libjpeg's default, below which blocking shows in a printed portrait.
	DefaultMinPhotoQuality = 75
	// DefaultHeadMin and DefaultHeadMax are C-2's range for the head's
	// width and height, in percent of the photo's.
	DefaultHeadMin, DefaultHeadMax = 60.0, 70.0
	// DefaultHeadTolerance widens the head range on both sides, in
	// percentage points: the measurement works on 8×8-pixel blocks (1.25 %
	// of a 640-pixel side, 1.7 % of 480) and the chin's row is a judgement.
	DefaultHeadTolerance = 2.0
	// DefaultMaxPhotoAge is how old an EXIF capture date may be ("recent").
	DefaultMaxPhotoAge = 365 * 24 * time.Hour
)

// Blue background, in CIE L*a*b* (see [Lab]): the border's median colour is
// blue when its hue angle is within BlueHueMin-BlueHueMax degrees and its
// chroma at least BlueMinChroma (ID-photo blues such as #438EDB have hue
// 270-290° and chroma 40-60). It is borderline when it misses either bound
// by at most BlueHueMargin degrees or BlueChromaMargin of chroma, and clearly
// not blue otherwise (white, grey, red, green, cyan…).
const (
	BlueHueMin, BlueHueMax = 225.0, 315.0
	BlueMinChroma          = 20.0
	BlueHueMargin          = 20.0
	BlueChromaMargin       = 10.0
)

// PhotoPolicy says what a photo check's finding does to the record.
type PhotoPolicy int

// Policies. PhotoDefault takes the check's own default (see PhotoRules).
const (
	PhotoDefault PhotoPolicy = iota
	PhotoRefuse              // the record is refused (a row of the failure file)
	PhotoWarn                // the record passes with a warning
	PhotoIgnore              // the finding is not reported
)

func (p PhotoPolicy) or(def PhotoPolicy) PhotoPolicy {
	if p == PhotoDefault {
		return def
	}
	return p
}

// PhotoRules are the photo checks a district sets (C-2). The zero value
// applies C-2 with the defaults above: size bound, JPEG, 640×480 either
// orientation, 24-bit colour, quality ≥ 75 (refused); a background clearly
// not blue and a head outside 60-70 % ± 2 points (refused); a borderline
// blue, an unmeasurable head and a capture date over a year old (warned,
// the last only when Now is set).
type PhotoRules struct {
	// MaxBytes bounds the photo file; 0 means DefaultMaxPhotoBytes.
	MaxBytes int64
	// MinQuality is the lowest estimated JPEG quality (1-100); 0 means
	// DefaultMinPhotoQuality, negative disables the check.
	MinQuality int
	// HeadMin, HeadMax (percent of the photo's width and height) and
	// HeadTolerance (percentage points on both sides); 0 means the default.
	HeadMin, HeadMax, HeadTolerance float64
	// NonBlue (default refuse) and BorderlineBlue (default warn) decide
	// what a background not blue or only borderline blue does.
	NonBlue, BorderlineBlue PhotoPolicy
	// Head (default refuse) decides a head outside the range;
	// NoSilhouette (default warn) a head that cannot be measured.
	Head, NoSilhouette PhotoPolicy
	// Old (default warn) decides a capture date older than MaxAge (0 means
	// DefaultMaxPhotoAge) before Now. EXIF dates carry no zone and are read
	// as Beijing time. Without Now there is no age check: the check never
	// reads the system clock.
	Old    PhotoPolicy
	MaxAge time.Duration
	Now    func() time.Time
	// Workers is how many photos CheckPackage checks at once; 0 means
	// runtime.GOMAXPROCS(0).
	Workers int
	// OnWarning, when set, gets every warning of CheckPackage as it is
	// reported, in record order (FailureWriter.Add puts them in the failure
	// file next to the refusals); the warnings are in PackageReport.Warnings
	// either way.
	OnWarning func(*RecordError) error
}

// PhotoInfo is what the checks measured of one photo.
type PhotoInfo struct {
	Bytes         int
	Width, Height int
	// Components is 3 for colour, 1 for grey, 4 for CMYK; BitsPerPixel is
	// components × sample precision (24 for the colour C-2 asks for).
	Components, BitsPerPixel int
	Progressive              bool
	Subsampling              string // "4:2:0", "4:4:4"…; "" when not three components
	// Quality is the IJG quality (1-100) whose scaled standard tables are
	// nearest the photo's; StandardTables says they match exactly.
	Quality        int
	StandardTables bool
	Taken          time.Time // EXIF DateTimeOriginal; zero when absent
	// Decoded is false when a header check refused the photo: nothing
	// below was measured.
	Decoded bool
	// Background is the median colour of the border (top rows, outer
	// columns of the upper half); BackgroundRGB its nearest cell in sRGB.
	Background    Lab
	BackgroundRGB [3]uint8
	// HeadFound says the silhouette was found; HeadWidth and HeadHeight are
	// then in percent of the photo's width and height.
	HeadFound             bool
	HeadWidth, HeadHeight float64
}

// PhotoResult is the verdict on one photo: what was measured, the findings
// that refuse the record and those that only warn, each a typed error
// (errors.Is with the ErrPhoto sentinels) rendering in Chinese and English.
type PhotoResult struct {
	Info     PhotoInfo
	Problems []error
	Warnings []error
}

// Accepted says no finding refuses the photo.
func (r PhotoResult) Accepted() bool { return len(r.Problems) == 0 }

// CheckPhoto checks one photo against C-2 and the district's rules: first
// what the JPEG markers say (file size, SOF dimensions and components,
// quantisation tables for the quality, the EXIF capture date), which costs
// microseconds and refuses without decoding; then one decode at 1/8 scale
// (the DC coefficients of a baseline JPEG; image/jpeg for a progressive
// one) for the background colour and the head's silhouette. The error is
// only for reading r; every finding is in the result.
func CheckPhoto(r io.Reader, rules PhotoRules) (PhotoResult, error) {
	max := rules.maxBytes()
	var buf bytes.Buffer
	if l, ok := r.(interface{ Len() int }); ok {
		buf.Grow(int(min(int64(l.Len()), max+1)) + bytes.MinRead) // one allocation for a bytes.Reader
	}
	if _, err := buf.ReadFrom(io.LimitReader(r, max+1)); err != nil {
		return PhotoResult{}, err
	}
	return checkPhotoBytes(buf.Bytes(), &rules), nil
}

func (rules *PhotoRules) maxBytes() int64 {
	if rules.MaxBytes > 0 {
		return rules.MaxBytes
	}
	return DefaultMaxPhotoBytes
}

func checkPhotoBytes(data []byte, rules *PhotoRules) (res PhotoResult) {
	res.Info.Bytes = len(data)
	refuse := func(err error) PhotoResult {
		res.Problems = append(res.Problems, err)
		return res
	}
	if max := rules.maxBytes(); int64(len(data)) > max {
		return refuse(gotWant(ErrPhotoSize, fmt.Sprintf(">%d bytes", max), fmt.Sprintf("≤%d bytes", max)))
	}
	h, err := scanJPEGHeader(data)
	if err != nil {
		return refuse(photoDetail(ErrPhotoFormat, "%v", err))
	}
	in := &res.Info
	in.Width, in.Height, in.Components = h.width, h.height, len(h.comps)
	in.BitsPerPixel, in.Progressive, in.Subsampling = h.precision*len(h.comps), h.sof == 2, h.subsampling()
	in.Taken = h.taken
	if !(h.width == 640 && h.height == 480 || h.width == 480 && h.height == 640) {
		return refuse(gotWant(ErrPhotoDimensions, fmt.Sprintf("%d×%d", h.width, h.height), "640×480"))
	}
	if len(h.comps) != 3 || h.precision != 8 {
		return refuse(gotWant(ErrPhotoColour, colourModelName(len(h.comps), h.precision), "24-bit colour (3 × 8 bits)"))
	}
	if h.sof > 2 {
		return refuse(detail(ErrPhotoFormat, "SOF%d coding (arithmetic, lossless or hierarchical) is not supported", int(h.sof)))
	}
	q, exact, ok := h.quality()
	if !ok {
		return refuse(detail(ErrPhotoFormat, "quantisation table missing"))
	}
	in.Quality, in.StandardTables = q, exact
	if minQ := rules.MinQuality; minQ >= 0 {
		if minQ == 0 {
			minQ = DefaultMinPhotoQuality
		}
		if q < minQ {
			return refuse(detail(ErrPhotoQuality, "estimated quality %s, want at least %s", strconv.Itoa(q), strconv.Itoa(minQ)))
		}
	}
	if rules.Now != nil && !h.taken.IsZero() {
		now := rules.Now()
		age := rules.MaxAge
		if age <= 0 {
			age = DefaultMaxPhotoAge
		}
		if h.taken.Before(now.Add(-age)) {
			res.add(rules.Old.or(PhotoWarn), detail(ErrPhotoOld, "taken %s, more than %s days before %s",
				h.taken.Format("2006-01-02"), strconv.Itoa(int(age/(24*time.Hour))), now.In(beijing).Format("2006-01-02")))
		}
	}
	img, err := decodeSmall(data, h)
	if err != nil {
		return refuse(photoDetail(ErrPhotoFormat, "%v", err))
	}
	in.Decoded = true
	m := measure(img, h.width, h.height)
	in.Background, in.BackgroundRGB = m.background, m.backgroundR
	res.judgeBackground(m, rules)
	res.judgeHead(m, rules)
	return res
}

// add files err under the policy.
func (r *PhotoResult) add(p PhotoPolicy, err error) {
	switch p {
	case PhotoRefuse:
		r.Problems = append(r.Problems, err)
	case PhotoWarn:
		r.Warnings = append(r.Warnings, err)
	}
}

func (r *PhotoResult) judgeBackground(m photoMeasure, rules *PhotoRules) {
	if m.silhouette == silhouetteTooSmall {
		return
	}
	c := m.background
	hue, chroma := c.Hue(), c.Chroma()
	hueOff := max(BlueHueMin-hue, hue-BlueHueMax, 0)
	chromaOff := max(BlueMinChroma-chroma, 0)
	col := colourOf(c, m.backgroundR)
	switch {
	case hueOff == 0 && chromaOff == 0:
	case hueOff <= BlueHueMargin && chromaOff <= BlueChromaMargin:
		r.add(rules.BorderlineBlue.or(PhotoWarn), photoDetail(ErrPhotoBackground, "measured %s, borderline blue", col))
	default:
		r.add(rules.NonBlue.or(PhotoRefuse), photoDetail(ErrPhotoBackground, "measured %s, want blue", col))
	}
}

func (r *PhotoResult) judgeHead(m photoMeasure, rules *PhotoRules) {
	switch m.silhouette {
	case silhouetteNoGround:
		r.add(rules.NoSilhouette.or(PhotoWarn), detail(ErrPhotoSilhouette, "no uniform background at the border (%s of it one colour)", pct(m.uniform*100)))
		return
	case silhouetteNone:
		r.add(rules.NoSilhouette.or(PhotoWarn), detail(ErrPhotoSilhouette, "no figure in front of the background"))
		return
	case silhouetteSeveral:
		r.add(rules.NoSilhouette.or(PhotoWarn), detail(ErrPhotoSilhouette, "several figures in the photo"))
		return
	case silhouetteTooSmall:
		return
	}
	r.Info.HeadFound, r.Info.HeadWidth, r.Info.HeadHeight = true, m.headW*100, m.headH*100
	lo, hi, tol := orDefault(rules.HeadMin, DefaultHeadMin), orDefault(rules.HeadMax, DefaultHeadMax), orDefault(rules.HeadTolerance, DefaultHeadTolerance)
	want := f0(lo) + "-" + pct(hi)
	p := rules.Head.or(PhotoRefuse)
	if hh := m.headH * 100; hh < lo-tol || hh > hi+tol {
		key := "head height %s of the photo, want %s"
		if m.headCut {
			key = "head height at least %s of the photo (it reaches the bottom edge), want %s"
		}
		r.add(p, detail(ErrPhotoHead, key, pct(hh), want))
	}
	if hw := m.headW * 100; hw < lo-tol || hw > hi+tol {
		r.add(p, detail(ErrPhotoHead, "head width %s of the photo, want %s", pct(hw), want))
	}
}

func orDefault(v, def float64) float64 {
	if v > 0 {
		return v
	}
	return def
}

func pct(v float64) string { return strconv.FormatFloat(v, 'f', 0, 64) + " %" }

// decodeSmall gives the 1/8-scale image: the DC coefficients of a
// sequential JPEG, or a full image/jpeg decode averaged over 8×8 blocks for
// a progressive one.
func decodeSmall(data []byte, h *jpegHeader) (*dcImage, error) {
	if h.sof != 2 {
		return decodeDC(data, h)
	}
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return blockMeans(img), nil
}

// blockMeans averages img over 8×8 blocks.
func blockMeans(img image.Image) *dcImage {
	b := img.Bounds()
	out := &dcImage{w: (b.Dx() + 7) / 8, h: (b.Dy() + 7) / 8}
	out.pix = make([]byte, 3*out.w*out.h)
	for by := range out.h {
		for bx := range out.w {
			var r, g, bl, n uint32
			for y := b.Min.Y + 8*by; y < min(b.Min.Y+8*by+8, b.Max.Y); y++ {
				for x := b.Min.X + 8*bx; x < min(b.Min.X+8*bx+8, b.Max.X); x++ {
					cr, cg, cb, _ := img.At(x, y).RGBA()
					r, g, bl, n = r+cr>>8, g+cg>>8, bl+cb>>8, n+1
				}
			}
			o := 3 * (by*out.w + bx)
			out.pix[o], out.pix[o+1], out.pix[o+2] = byte(r/n), byte(g/n), byte(bl/n)
		}
	}
	return out
}

func colourModelName(components, precision int) string {
	switch {
	case components == 1:
		return "grey"
	case components == 4:
		return "CMYK"
	case precision != 8:
		return strconv.Itoa(precision) + "-bit"
	}
	return strconv.Itoa(components) + " components"
}

// colourText names a measured colour for an operator: hex sRGB, L*a*b*
// values, hue and chroma, and a colour word in the operator's language.
type colourText struct {
	lab  Lab
	rgb  [3]uint8
	name string // catalog key of the colour word
}

func colourOf(c Lab, rgb [3]uint8) colourText {
	name := "grey"
	hue := c.Hue()
	switch {
	case c.Chroma() < 8 && c.L > 85:
		name = "white"
	case c.Chroma() < 8 && c.L < 20:
		name = "black"
	case c.Chroma() < 8:
	case hue < 40 || hue >= 345:
		name = "red"
	case hue < 70:
		name = "orange"
	case hue < 100:
		name = "yellow"
	case hue < 170:
		name = "green"
	case hue < BlueHueMin:
		name = "cyan"
	case hue <= BlueHueMax:
		name = "blue"
	default:
		name = "purple"
	}
	return colourText{lab: c, rgb: rgb, name: name}
}

// Localize renders the colour in the language tag.
func (c colourText) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "%s %s (L*a*b* %s/%s/%s, hue %s°, chroma %s)", messages.Sprintf(tag, c.name),
		fmt.Sprintf("#%02X%02X%02X", c.rgb[0], c.rgb[1], c.rgb[2]), f0(c.lab.L), f0(c.lab.A), f0(c.lab.B), f0(c.lab.Hue()), f0(c.lab.Chroma()))
}

func f0(v float64) string { return strconv.FormatFloat(math.Round(v)+0, 'f', 0, 64) }

// photoDetail is detail whose arguments may render themselves in the
// operator's language (a colour word).
func photoDetail(err error, key string, args ...any) error {
	return &localDetail{detailError{err: err, key: key, args: args}}
}

type localDetail struct{ detailError }

func (d *localDetail) Error() string { return d.Localize(l10n.English) }

func (d *localDetail) Localize(tag language.Tag) string {
	args := make([]any, len(d.args))
	for i, a := range d.args {
		if l, ok := a.(l10n.Localizer); ok {
			a = l.Localize(tag)
		}
		args[i] = a
	}
	return (&detailError{err: d.err, key: d.key, args: args}).Localize(tag)
}
