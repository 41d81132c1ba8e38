package batch

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"

	"github.com/bjedu/studentcard/studentid"
)

// Entry names inside a card-making data package (a zip archive).
const (
	PackageData  = "carddata.txt"  // CardData file
	PackageRare  = "rarechars.txt" // RareChars file (optional: absent means no rare characters)
	PackagePhoto = "photos/"       // photos/<registry number>.jpg, one per record (C-2)
)

// Photo errors (C-2). All but ErrPhotoBackground refuse the record;
// the background check is a heuristic and only warns.
var (
	// ErrPhotoMissing: no photos/<registry number>.jpg for a record.
	ErrPhotoMissing = messages.Error("photo missing")
	// ErrPhotoFormat: the photo does not decode as JPEG.
	ErrPhotoFormat = messages.Error("photo is not a JPEG image")
	// ErrPhotoSize: the photo file exceeds the size bound.
	ErrPhotoSize = messages.Error("photo file too large")
	// ErrPhotoDimensions: the photo is not 640×480 (either orientation).
	ErrPhotoDimensions = messages.Error("photo is not 640×480")
	// ErrPhotoColour: the photo is not 24-bit colour (grey or CMYK JPEG).
	ErrPhotoColour = messages.Error("photo is not 24-bit colour")
	// ErrPhotoBackground: the photo's top corners are not blue (a warning).
	ErrPhotoBackground = messages.Error("photo background does not look blue")
)

// Photo reason codes in failure files.
const (
	ReasonPhotoMissing    Reason = "PHOTO_MISSING"
	ReasonPhotoFormat     Reason = "PHOTO_FORMAT"
	ReasonPhotoSize       Reason = "PHOTO_SIZE"
	ReasonPhotoDimensions Reason = "PHOTO_DIMENSIONS"
	ReasonPhotoColour     Reason = "PHOTO_COLOUR"
	ReasonPhotoBackground Reason = "PHOTO_BACKGROUND"
)

// DefaultMaxPhotoBytes bounds a photo file: a 640×480 JPEG at best quality is
// 100-300 KiB.
const DefaultMaxPhotoBytes = 512 << 10

// PhotoRules tunes the photo checks. The zero value uses DefaultMaxPhotoBytes.
type PhotoRules struct {
	MaxBytes int64
}

// CheckPhoto checks one photo (C-2): size bound, decodes as JPEG, 640×480
// (landscape or portrait, as "640*480" does not say which), 24-bit colour
// (three-component YCbCr JPEG). warning is ErrPhotoBackground when the top
// corners (above the head) are not predominantly blue; it never refuses.
func CheckPhoto(r io.Reader, rules PhotoRules) (warning, err error) {
	max := rules.MaxBytes
	if max <= 0 {
		max = DefaultMaxPhotoBytes
	}
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, gotWant(ErrPhotoSize, fmt.Sprintf(">%d bytes", max), fmt.Sprintf("≤%d bytes", max))
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, detail(ErrPhotoFormat, "%v", err)
	}
	if !(cfg.Width == 640 && cfg.Height == 480 || cfg.Width == 480 && cfg.Height == 640) {
		return nil, gotWant(ErrPhotoDimensions, fmt.Sprintf("%d×%d", cfg.Width, cfg.Height), "640×480")
	}
	if cfg.ColorModel != color.YCbCrModel {
		return nil, gotWant(ErrPhotoColour, colourModelName(cfg.ColorModel), "YCbCr 24-bit")
	}
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, detail(ErrPhotoFormat, "%v", err)
	}
	if !blueBackground(img) {
		return ErrPhotoBackground, nil
	}
	return nil, nil
}

func colourModelName(m color.Model) string {
	switch m {
	case color.GrayModel:
		return "grey"
	case color.CMYKModel:
		return "CMYK"
	}
	return "other"
}

// blueBackground averages the top 10 % of rows in the outer 15 % of columns
// on each side, where a passport-style photo shows only background.
func blueBackground(img image.Image) bool {
	b := img.Bounds()
	h, w := b.Dy()/10, b.Dx()*15/100
	var r, g, bl, n uint64
	for y := b.Min.Y; y < b.Min.Y+h; y += 2 {
		for _, x0 := range []int{b.Min.X, b.Max.X - w} {
			for x := x0; x < x0+w; x += 2 {
				cr, cg, cb, _ := img.At(x, y).RGBA()
				r, g, bl, n = r+uint64(cr>>8), g+uint64(cg>>8), bl+uint64(cb>>8), n+1
			}
		}
	}
	if n == 0 {
		return false
	}
	r, g, bl = r/n, g/n, bl/n
	return bl >= r+40 && bl >= g
}

// PackageWriter writes a card-making data package (C-MAKE-1): a zip archive
// holding the CardData file, the RareChars file and one photo per record.
// Entries are written one after another: Close each envelope Writer before
// starting the next entry.
type PackageWriter struct{ zw *zip.Writer }

// NewPackageWriter starts a package on w.
func NewPackageWriter(w io.Writer) *PackageWriter { return &PackageWriter{zw: zip.NewWriter(w)} }

// CardData starts the data file entry.
func (p *PackageWriter) CardData(sender Header, opts ...WriterOption) (*Writer, error) {
	return p.entry(PackageData, CardData, sender, opts)
}

// RareChars starts the rare-character description entry (C-4).
func (p *PackageWriter) RareChars(sender Header, opts ...WriterOption) (*Writer, error) {
	return p.entry(PackageRare, RareChars, sender, opts)
}

func (p *PackageWriter) entry(name string, spec Spec, sender Header, opts []WriterOption) (*Writer, error) {
	w, err := p.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: sender.Created})
	if err != nil {
		return nil, err
	}
	return spec.NewWriter(w, name, sender, opts...)
}

// Photo starts the photo entry of a registry number; write the JPEG bytes to
// it (stored, as JPEG does not compress further).
func (p *PackageWriter) Photo(registryNo string) (io.Writer, error) {
	if _, err := studentid.Parse(registryNo); err != nil {
		return nil, wrapReason(ErrRegistryNo, err)
	}
	return p.zw.CreateHeader(&zip.FileHeader{Name: PackagePhoto + registryNo + ".jpg", Method: zip.Store})
}

// Close finishes the archive (not the underlying writer).
func (p *PackageWriter) Close() error { return p.zw.Close() }

// PackageReport is the outcome of checking a package: the data validation
// report (its Errors, Problems and Failed include photo problems, so a record
// with bad data and a bad photo counts twice in Failed), the photos checked,
// and warnings (background, photos without a record). Digest is the SHA-256
// of the package bytes when it was accepted (nil otherwise): give it to
// [MergePackage] as PackageSource.Accepted, which merges only those bytes.
type PackageReport struct {
	*Report
	Photos   int
	Warnings []*RecordError
	Digest   []byte
}

// CheckPackage validates a card-making data package at the district
// (C-MAKE-2) or city (C-MAKE-3): first the archive with the strict reader
// [OpenPackage] (a refusal is one problem naming the entry, reason PACKAGE),
// then the rare-character file, then the data file with v (its Rare set
// taken from the package), then every record's photo (C-2), and photos with
// no record. Each problem goes to v.OnError like a data problem, so one
// failure file lists them all. The package is accepted only when all pass;
// then its digest is computed (one more sequential read). The zip directory
// is held in memory (about 100 bytes a photo); records and photos are
// streamed.
func CheckPackage(ctx context.Context, ra io.ReaderAt, size int64, name string, v Validator, rules PhotoRules) (*PackageReport, error) {
	pr := &PackageReport{Report: &Report{File: name}}
	pkg, err := OpenPackage(ra, size, name)
	if err != nil {
		var pe *PackageError
		errors.As(err, &pe)
		return pr, v.report(pr.Report, &RecordError{File: name, Field: pe.Entry, Reason: ReasonPackage, Err: err})
	}
	if pkg.HasRare() {
		rc, err := pkg.OpenRare()
		if err != nil {
			return pr, v.report(pr.Report, &RecordError{File: name, Field: PackageRare, Reason: ReasonPackage, Err: err})
		}
		v.Rare, err = ReadRareChars(ctx, rc, PackageRare, "")
		rc.Close()
		if err != nil {
			return pr, v.report(pr.Report, &RecordError{File: PackageRare, Reason: reasonOf(err), Err: err})
		}
	}
	if !pkg.HasData() {
		return pr, v.report(pr.Report, &RecordError{File: name, Reason: ReasonEnvelope, Err: &ParseError{File: PackageData, Err: ErrTruncated}})
	}
	rc, err := pkg.OpenData()
	if err != nil {
		return pr, v.report(pr.Report, &RecordError{File: name, Field: PackageData, Reason: ReasonPackage, Err: err})
	}
	rep, err := v.Validate(ctx, rc, PackageData)
	rc.Close()
	pr.Report = rep
	if err != nil || rep.Summary.Records == 0 && !rep.Accepted {
		return pr, err
	}
	// Second pass over the (verified) data file for the photos.
	rc, err = pkg.OpenData()
	if err != nil {
		return pr, err
	}
	defer rc.Close()
	used := make(map[string]bool, rep.Records)
	_, err = readTyped(ctx, rc, PackageData, CardData, func(_ Header, f []string) (string, string, error) {
		return f[3], "", nil
	}, func(rec Record, regNo string) error {
		used[regNo] = true
		var warn, perr error
		if prc, ok, err := pkg.OpenPhoto(regNo); !ok {
			perr = ErrPhotoMissing
		} else if err != nil {
			perr = detail(ErrPhotoFormat, "%v", err)
		} else {
			warn, perr = CheckPhoto(prc, rules)
			prc.Close()
		}
		pr.Photos++
		if warn != nil {
			pr.Warnings = append(pr.Warnings, &RecordError{File: PackageData, Line: rec.Line, Field: "photo", RegistryNo: regNo, Reason: ReasonPhotoBackground, Err: warn})
		}
		if perr != nil {
			pr.Failed++
			return v.report(pr.Report, &RecordError{File: PackageData, Line: rec.Line, Field: "photo", RegistryNo: regNo, Err: perr})
		}
		return nil
	})
	if err != nil {
		return pr, err
	}
	for _, f := range pkg.photoEntries() {
		if regNo, _ := photoName(f.Name); !used[regNo] {
			pr.Warnings = append(pr.Warnings, &RecordError{File: f.Name, Field: "photo", Reason: ReasonPhotoMissing,
				Err: detail(ErrPhotoMissing, "photo without a record")})
		}
	}
	if pr.Accepted {
		if pr.Digest, err = PackageDigest(ra, size); err != nil {
			return pr, err
		}
	}
	return pr, nil
}

// report records a problem found outside Validate into rep.
func (v Validator) report(rep *Report, e *RecordError) error {
	if e.Reason == "" {
		e.Reason = reasonOf(e.Err)
	}
	rep.Problems++
	rep.Accepted, rep.LocalPrint = false, false
	max := v.MaxErrors
	if max <= 0 {
		max = 100
	}
	if len(rep.Errors) < max {
		rep.Errors = append(rep.Errors, e)
	}
	if v.OnError != nil {
		return v.OnError(e)
	}
	return nil
}
