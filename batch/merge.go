package batch

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/hex"
	"io"

	"github.com/bjedu/studentcard/studentid"
)

// checkDistrictSender refuses a merge output that is not a district's.
func checkDistrictSender(name string, sender Header) error {
	if sender.Level != studentid.LevelDistrict || len(sender.Code) != 4 || keyOfDigitsOK(sender.Code) != nil {
		return &ParseError{File: name, Line: 1, Field: "code", Err: gotWant(ErrSender, string(sender.Level)+" "+sender.Code, "DISTRICT and a 4-digit code")}
	}
	return nil
}

// checkSchoolOf refuses an input that is not from a school of district.
func checkSchoolOf(in string, h Header, district string) error {
	if h.Level != studentid.LevelSchool || len(h.Code) != 8 || keyOfDigitsOK(h.Code) != nil || h.Code[:4] != district {
		return &ParseError{File: in, Line: 1, Field: "code", Err: gotWant(ErrSender, string(h.Level)+" "+h.Code, "a school of district "+district)}
	}
	return nil
}

// MergeRareChars merges the rare-character descriptions (C-4) of accepted
// school uploads into the district's description, which travels to the city
// beside the district's card-making file from [MergeCardData] (C-MAKE-2), so
// that the city's validator (C-MAKE-3) knows the same rare names the
// district's did: read it there with ReadRareChars(ctx, r, name,
// districtCode).
//
// Every input must be a RareChars file of a school of the district
// (sender.Code), and every row is checked as ReadRareChars checks it, with
// the input's school as owner; a registry number described twice, in one
// input or across inputs, is refused. Inputs stream; only the registry
// numbers are held (at most MaxRareEntries). The output gets its trailer only
// if every input verified, so a failed merge leaves a file the city refuses
// as truncated. It returns the entries written.
func MergeRareChars(ctx context.Context, w io.Writer, name string, sender Header, inputs ...Source) (int64, error) {
	if err := checkDistrictSender(name, sender); err != nil {
		return 0, err
	}
	out, err := RareChars.NewWriter(w, name, sender)
	if err != nil {
		return 0, err
	}
	seen := map[studentid.ID]struct{}{}
	for _, in := range inputs {
		if in.R == nil {
			return 0, &ParseError{File: in.Name, Err: ErrTruncated}
		}
		rd := NewReader(in.R, in.Name)
		rd.ReuseRecord = true
		h, err := rd.Header()
		if err != nil {
			return 0, err
		}
		if err := RareChars.Check(h, in.Name); err != nil {
			return 0, err
		}
		if err := checkSchoolOf(in.Name, h, sender.Code); err != nil {
			return 0, err
		}
		parse := parseRare(h.Code, seen)
		for i := 0; ; i++ {
			if i%ctxEvery == 0 {
				if err := ctx.Err(); err != nil {
					return 0, err
				}
			}
			rec, err := rd.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return 0, err
			}
			id, field, err := parse(h, rec.Fields)
			if err != nil {
				return 0, &ParseError{File: in.Name, Line: rec.Line, Field: field, Err: err}
			}
			seen[id] = struct{}{}
			if err := out.WriteRecord(rec.Fields); err != nil {
				return 0, err
			}
		}
	}
	return out.Count(), out.Close()
}

// PackageSource is a card-making data package (a zip archive, as
// [PackageWriter] writes it) to merge: zip needs random access. Accepted is
// the digest [CheckPackage] reported when it accepted the package
// (PackageReport.Digest): the merge forwards only those bytes.
type PackageSource struct {
	Name     string
	R        io.ReaderAt
	Size     int64
	Accepted []byte
}

// MergeSummary counts what [MergePackage] wrote.
type MergeSummary struct {
	Records     int64 // card-making records
	RareEntries int64 // rare-character descriptions (C-4)
	Photos      int64 // photos (C-2)
}

// MergePackage merges accepted school packages into the district's package
// for the city (C-MAKE-2): one zip with the merged card-making file
// ([MergeCardData]), the merged rare-character description
// ([MergeRareChars]: without it the city would refuse every rare name, C-4)
// and every photo, copied as stored (no recompression). The city checks it
// like a school package: [CheckPackage] with a studentid.LevelCity validator
// (C-MAKE-3).
//
// Every input must be byte for byte a package the district accepted: its
// SHA-256 must equal in.Accepted (the PackageReport.Digest of CheckPackage),
// checked before the merge reads it and again before the merged archive is
// finished, so neither a refused package nor one changed since its check is
// forwarded (ErrNotAccepted). Each input is opened with the strict reader
// [OpenPackage] and must come from a school of the district (sender.Code); a
// photo must be named photos/<registry number>.jpg with a registry number of
// that school, and appear once in the merged package. All or nothing: the
// archive's directory is written only when every input merged, so an output
// left by a failed merge is not a readable zip and the city refuses it whole.
// Entries stream; the inputs' zip directories and the photo names are held
// in memory (about 100 bytes a photo), as CheckPackage holds them.
func MergePackage(ctx context.Context, w io.Writer, sender Header, inputs ...PackageSource) (MergeSummary, error) {
	var sum MergeSummary
	if err := checkDistrictSender(PackageData, sender); err != nil {
		return sum, err
	}
	pkgs := make([]*Package, len(inputs))
	for i, in := range inputs {
		if in.R == nil {
			return sum, &ParseError{File: in.Name, Err: ErrTruncated}
		}
		if err := checkAccepted(in); err != nil {
			return sum, err
		}
		p, err := OpenPackage(in.R, in.Size, in.Name)
		if err != nil {
			return sum, err
		}
		pkgs[i] = p
	}
	var open []*zipEntry
	defer func() {
		for _, e := range open {
			e.close()
		}
	}()
	sources := func(rare bool) ([]Source, error) {
		var srcs []Source
		for i, p := range pkgs {
			f, entry := p.data, PackageData
			if rare {
				f, entry = p.rare, PackageRare
			}
			if f == nil {
				if !rare {
					return nil, &ParseError{File: inputs[i].Name + "/" + entry, Err: ErrTruncated}
				}
				continue
			}
			e := &zipEntry{f: f}
			open = append(open, e)
			srcs = append(srcs, Source{Name: inputs[i].Name + "/" + entry, R: e})
		}
		return srcs, nil
	}

	zw := zip.NewWriter(w) // never closed on failure: no directory, no usable zip
	srcs, err := sources(false)
	if err != nil {
		return sum, err
	}
	ew, err := zw.CreateHeader(&zip.FileHeader{Name: PackageData, Method: zip.Deflate, Modified: sender.Created})
	if err != nil {
		return sum, err
	}
	if sum.Records, err = mergeCardData(ctx, ew, PackageData, sender, false, srcs); err != nil {
		return sum, err
	}
	if srcs, err = sources(true); err != nil {
		return sum, err
	}
	if ew, err = zw.CreateHeader(&zip.FileHeader{Name: PackageRare, Method: zip.Deflate, Modified: sender.Created}); err != nil {
		return sum, err
	}
	if sum.RareEntries, err = MergeRareChars(ctx, ew, PackageRare, sender, srcs...); err != nil {
		return sum, err
	}
	photos := map[string]bool{}
	for i, p := range pkgs {
		school, err := packageSchool(ctx, p, inputs[i].Name)
		if err != nil {
			return sum, err
		}
		for _, f := range p.photoEntries() {
			if err := ctx.Err(); err != nil {
				return sum, err
			}
			regNo, _ := photoName(f.Name)
			if id, err := parseID(regNo); err != nil || id.School().String() != school {
				return sum, &ParseError{File: inputs[i].Name + "/" + f.Name, Field: "photo",
					Err: gotWant(ErrNotSender, f.Name, PackagePhoto+"<registry number of school "+school+">.jpg")}
			}
			if photos[f.Name] {
				return sum, &ParseError{File: inputs[i].Name + "/" + f.Name, Field: "photo", Err: ErrDuplicate}
			}
			photos[f.Name] = true
			if err := zw.Copy(f); err != nil {
				return sum, &ParseError{File: inputs[i].Name + "/" + f.Name, Field: "photo", Err: detail(ErrPhotoFormat, "%v", err)}
			}
			sum.Photos++
		}
	}
	for _, in := range inputs { // unchanged while it was read
		if err := checkAccepted(in); err != nil {
			return sum, err
		}
	}
	return sum, zw.Close()
}

// checkAccepted refuses an input whose bytes are not those accepted.
func checkAccepted(in PackageSource) error {
	if len(in.Accepted) == 0 {
		return &PackageError{Package: in.Name, Err: detail(ErrNotAccepted, "%v", "no digest of an accepted check (CheckPackage)")}
	}
	d, err := PackageDigest(in.R, in.Size)
	if err != nil {
		return &PackageError{Package: in.Name, Err: detail(ErrPackageFormat, "%v", err)}
	}
	if !bytes.Equal(d, in.Accepted) {
		return &PackageError{Package: in.Name, Err: gotWant(ErrNotAccepted, "SHA-256 "+hex.EncodeToString(d), hex.EncodeToString(in.Accepted))}
	}
	return nil
}

// packageSchool reads the school code from the header of a package's data
// file (already merged, so known to be a school of the district).
func packageSchool(ctx context.Context, p *Package, name string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	rc, err := p.OpenData()
	if err != nil {
		return "", err
	}
	defer rc.Close()
	h, err := NewReader(rc, name+"/"+PackageData).Header()
	if err != nil {
		return "", err
	}
	return h.Code, nil
}

// zipEntry is an io.Reader over a zip entry that opens it on the first Read
// and closes it at its end, so that a merge over many packages holds one
// decompressor at a time.
type zipEntry struct {
	f    *zip.File
	rc   io.ReadCloser
	done bool
}

func (e *zipEntry) Read(p []byte) (int, error) {
	if e.done {
		return 0, io.EOF
	}
	if e.rc == nil {
		rc, err := e.f.Open()
		if err != nil {
			e.done = true
			return 0, err
		}
		e.rc = rc
	}
	n, err := e.rc.Read(p)
	if err == io.EOF {
		e.close()
	}
	return n, err
}

func (e *zipEntry) close() {
	if e.rc != nil {
		e.rc.Close()
		e.rc = nil
	}
	e.done = true
}
