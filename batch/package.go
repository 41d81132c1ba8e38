package batch

import (
	"archive/zip"
	"context"
	"errors"
	"io"

	"github.com/bjedu/studentcard/studentid"
)

// Entry names inside a card-making data package (a zip archive).
const (
	PackageData  = "carddata.txt"  // CardData file
	PackageRare  = "rarechars.txt" // RareChars file (optional: absent means no rare characters)
	PackagePhoto = "photos/"       // photos/<registry number>.jpg, one per record (C-2)
)

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
func (p *PackageWriter) Photo(registryNo studentid.ID) (io.Writer, error) {
	if registryNo.IsZero() {
		return nil, gotWant(ErrRegistryNo, "", "16 digits")
	}
	return p.zw.CreateHeader(&zip.FileHeader{Name: PackagePhoto + registryNo.String() + ".jpg", Method: zip.Store})
}

// Close finishes the archive (not the underlying writer).
func (p *PackageWriter) Close() error { return p.zw.Close() }

// PackageReport is the outcome of checking a package: the data validation
// report (its Errors, Problems and Failed include the photo refusals), the
// photos checked (0 when the data was refused: photos are checked only on
// accepted data), and warnings (borderline background, unmeasurable head,
// old capture date, photos without a record). Digest is the SHA-256 of the
// package bytes when it was accepted (nil otherwise): give it to
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
// taken from the package), then, when the data passed, every record's photo
// (C-2, [CheckPhoto] under rules, on rules.Workers cores, each photo decoded
// at most once, findings in record order), and photos with no record.
// Refused data stops there: its photos are not decoded, so the work on a
// hostile package is bounded by its data. Each problem goes to v.OnError
// like a data problem, so one failure file lists them all; warnings go to
// rules.OnWarning. The package is accepted only when all pass; then its
// digest is computed (one more sequential read). The zip directory is held
// in memory (about 100 bytes a photo); records and photos are streamed, at
// most 4 photos a worker in flight.
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
	if err != nil || !rep.Accepted {
		return pr, err // refused data: the photos are not checked (bounded work)
	}
	if err := v.checkPhotos(ctx, pr, pkg, rules); err != nil {
		return pr, err
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
