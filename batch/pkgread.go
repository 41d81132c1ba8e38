package batch

import (
	"archive/zip"
	"crypto/sha256"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/l10n"
)

// Bounds of a card-making data package: what [OpenPackage] refuses before
// any record is read, so that a small hostile archive cannot make a tier
// decompress, validate or report without end (see "Bounds" in the package
// documentation).
const (
	// MaxCompressionRatio bounds how much a deflated entry may expand: its
	// uncompressed size at most this many times its compressed size (plus
	// [ratioSlack] bytes, for tiny entries). Real card-making data deflates
	// about 6:1 (names, registry and resident ID numbers are mostly
	// entropy); 5 million identical records in 946 KB are 530:1.
	MaxCompressionRatio = 40
	// MaxPackageDataBytes bounds the uncompressed carddata.txt: about 3.5
	// million records of 75 bytes, above the 2.4 million the validator's
	// heap bound holds (package documentation) only by the margin of longer
	// school names.
	MaxPackageDataBytes = 256 << 20
	// MaxPackageRareBytes bounds the uncompressed rarechars.txt.
	MaxPackageRareBytes = 16 << 20
	// MaxPackageEntries bounds the entries of one package: the data, the
	// description and one photo per record of the largest district.
	MaxPackageEntries = 1 << 20
)

// ratioSlack is the expansion allowed to any deflated entry on top of
// MaxCompressionRatio times its compressed size: a header-only file of a few
// hundred bytes may deflate better than 40:1 without being a bomb.
const ratioSlack = 4 << 10

// Package errors: why [OpenPackage] refuses an archive. Each comes inside a
// *PackageError naming the package and the entry.
var (
	// ErrPackageFormat: the file is not a readable zip archive, or an entry
	// uses a compression method other than store or deflate, or encryption.
	ErrPackageFormat = messages.Error("not a readable zip archive")
	// ErrEntryDuplicate: two entries have the same name; which of them a
	// tool reads depends on the tool, so neither is trusted.
	ErrEntryDuplicate = messages.Error("entry name appears twice")
	// ErrEntryName: an entry name is not a plain relative path (absolute,
	// with "..", ".", an empty element, a backslash or a control character).
	ErrEntryName = messages.Error("entry name is not a plain relative path")
	// ErrEntryType: an entry is not a regular file (a symbolic link, a
	// directory, a device) or carries special mode bits.
	ErrEntryType = messages.Error("entry is not a regular file")
	// ErrEntryUnexpected: an entry is outside the package layout
	// (carddata.txt, rarechars.txt, photos/<registry number>.jpg).
	ErrEntryUnexpected = messages.Error("entry is not part of the package layout")
	// ErrEntryTooLarge: an entry expands beyond MaxCompressionRatio or its
	// absolute bound, or the entries claim more bytes than the archive has.
	ErrEntryTooLarge = messages.Error("entry too large for the package bounds")
	// ErrNotAccepted: a merge input is not byte for byte a package that was
	// accepted (no digest, or its bytes differ from the digest given).
	ErrNotAccepted = messages.Error("package is not the one that was accepted")
)

// ReasonPackage is the failure-file code of a package refused as a whole by
// the strict reader (duplicate, non-local, non-regular, unexpected or
// oversized entry).
const ReasonPackage Reason = "PACKAGE"

// PackageError says why a package is refused as a whole: the package, the
// entry at fault (empty for the archive itself) and the reason, which
// unwraps to one of the package sentinels (ErrEntryDuplicate, …).
type PackageError struct {
	Package string
	Entry   string
	Err     error
}

// Error renders the error in English.
func (e *PackageError) Error() string { return e.Localize(l10n.English) }

// Unwrap gives the reason.
func (e *PackageError) Unwrap() error { return e.Err }

// Localize renders the error for an operator; the entry name is quoted, as
// it may hold anything a hostile archive put there.
func (e *PackageError) Localize(tag language.Tag) string {
	if e.Entry == "" {
		return messages.Sprintf(tag, "%s: %s", e.Package, l10n.Error(e.Err, tag))
	}
	return messages.Sprintf(tag, "%s: entry %s: %s", e.Package, strconv.Quote(e.Entry), l10n.Error(e.Err, tag))
}

// Package is a card-making data package opened by the strict reader
// [OpenPackage]: every entry was checked against the layout, so its data,
// description and photos are the only entries, each named once.
type Package struct {
	name   string
	data   *zip.File
	rare   *zip.File
	photos map[string]*zip.File // by registry number
	order  []*zip.File          // photos in directory order
}

// OpenPackage opens a card-making data package (C-MAKE-1) with the strict
// reader every tier uses (CheckPackage, MergePackage, cardctl): it refuses,
// with a *PackageError naming the entry,
//
//   - an archive zip cannot read, encryption, a method other than store or
//     deflate (ErrPackageFormat);
//   - a name that is not a clean local path: absolute, "..", ".", empty
//     elements, a backslash, a control character (ErrEntryName);
//   - an entry that is not a regular file: symbolic link, directory, device,
//     set-uid and similar bits (ErrEntryType);
//   - a name used twice, whichever comes first (ErrEntryDuplicate);
//   - an entry outside the layout: carddata.txt, rarechars.txt (optional),
//     photos/<16-digit registry number>.jpg (ErrEntryUnexpected);
//   - a deflated entry expanding beyond MaxCompressionRatio, a data file
//     over MaxPackageDataBytes, a description over MaxPackageRareBytes,
//     more than MaxPackageEntries entries, or entries claiming more
//     compressed bytes than the archive holds (ErrEntryTooLarge).
//
// A missing carddata.txt is not refused here (CheckPackage reports it as a
// truncated upload). The sizes checked are those of the zip directory;
// archive/zip refuses an entry whose content runs past its declared size or
// fails its CRC, so the bounds hold for what is actually read. Only the
// directory is read: about 100 bytes a photo.
func OpenPackage(ra io.ReaderAt, size int64, name string) (*Package, error) {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return nil, &PackageError{Package: name, Err: detail(ErrPackageFormat, "%v", err)}
	}
	if len(zr.File) > MaxPackageEntries {
		return nil, &PackageError{Package: name, Err: gotWant(ErrEntryTooLarge, strconv.Itoa(len(zr.File))+" entries", "≤"+strconv.Itoa(MaxPackageEntries))}
	}
	p := &Package{name: name, photos: map[string]*zip.File{}}
	seen := make(map[string]struct{}, len(zr.File))
	var compressed uint64
	for _, f := range zr.File {
		fail := func(err error) error { return &PackageError{Package: name, Entry: f.Name, Err: err} }
		if err := checkEntryName(f.Name); err != nil {
			return nil, fail(err)
		}
		if _, dup := seen[f.Name]; dup {
			return nil, fail(ErrEntryDuplicate)
		}
		seen[f.Name] = struct{}{}
		if m := f.Mode(); m&^fs.ModePerm != 0 {
			return nil, fail(gotWant(ErrEntryType, m.String(), "a regular file"))
		}
		if f.Flags&0x1 != 0 || f.Method != zip.Store && f.Method != zip.Deflate {
			return nil, fail(gotWant(ErrPackageFormat, "method "+strconv.Itoa(int(f.Method))+", flags "+strconv.Itoa(int(f.Flags)), "store or deflate, not encrypted"))
		}
		if err := checkEntrySize(f); err != nil {
			return nil, fail(err)
		}
		compressed += f.CompressedSize64
		if compressed > uint64(size) {
			return nil, fail(gotWant(ErrEntryTooLarge, strconv.FormatUint(compressed, 10)+" compressed bytes", "≤"+strconv.FormatInt(size, 10)+" (the archive)"))
		}
		switch {
		case f.Name == PackageData:
			p.data = f
		case f.Name == PackageRare:
			p.rare = f
		default:
			regNo, ok := photoName(f.Name)
			if !ok {
				return nil, fail(gotWant(ErrEntryUnexpected, f.Name, PackageData+", "+PackageRare+" or "+PackagePhoto+"<registry number>.jpg"))
			}
			p.photos[regNo] = f
			p.order = append(p.order, f)
		}
	}
	return p, nil
}

// checkEntryName refuses a name that is not a clean local path.
func checkEntryName(n string) error {
	for i := 0; i < len(n); i++ {
		if c := n[i]; c < 0x20 || c == 0x7f || c == '\\' || c == ':' {
			return detail(ErrEntryName, "%v", "byte "+strconv.Itoa(i)+" is "+strconv.QuoteRune(rune(c)))
		}
	}
	if n == "" || !filepath.IsLocal(n) || path.Clean(n) != n || strings.HasSuffix(n, "/") {
		return ErrEntryName
	}
	for _, el := range strings.Split(n, "/") {
		if el == ".." || el == "." || el == "" {
			return ErrEntryName
		}
	}
	return nil
}

// checkEntrySize applies the expansion and absolute bounds to an entry.
func checkEntrySize(f *zip.File) error {
	limit := uint64(0)
	switch f.Name {
	case PackageData:
		limit = MaxPackageDataBytes
	case PackageRare:
		limit = MaxPackageRareBytes
	}
	if limit > 0 && f.UncompressedSize64 > limit {
		return gotWant(ErrEntryTooLarge, strconv.FormatUint(f.UncompressedSize64, 10)+" bytes", "≤"+strconv.FormatUint(limit, 10))
	}
	if f.Method == zip.Store {
		if f.UncompressedSize64 != f.CompressedSize64 {
			return gotWant(ErrEntryTooLarge, strconv.FormatUint(f.UncompressedSize64, 10)+" bytes stored in "+strconv.FormatUint(f.CompressedSize64, 10), "equal sizes")
		}
		return nil
	}
	if max := f.CompressedSize64*MaxCompressionRatio + ratioSlack; f.CompressedSize64 > 1<<50 || f.UncompressedSize64 > max {
		return gotWant(ErrEntryTooLarge, strconv.FormatUint(f.UncompressedSize64, 10)+" bytes from "+strconv.FormatUint(f.CompressedSize64, 10),
			"at most "+strconv.Itoa(MaxCompressionRatio)+":1")
	}
	return nil
}

// photoName returns the registry number of a photo entry name, if the name
// is photos/<16 digits>.jpg and the digits parse as a registry number.
func photoName(n string) (string, bool) {
	rest, ok := strings.CutPrefix(n, PackagePhoto)
	if !ok {
		return "", false
	}
	regNo, ok := strings.CutSuffix(rest, ".jpg")
	if !ok || len(regNo) != 16 || keyOfDigitsOK(regNo) != nil {
		return "", false
	}
	if _, err := parseID(regNo); err != nil {
		return "", false
	}
	return regNo, true
}

// Name returns the name the package was opened under.
func (p *Package) Name() string { return p.name }

// HasData reports whether the package holds carddata.txt.
func (p *Package) HasData() bool { return p.data != nil }

// HasRare reports whether the package holds rarechars.txt.
func (p *Package) HasRare() bool { return p.rare != nil }

// Photos returns the number of photo entries.
func (p *Package) Photos() int { return len(p.order) }

// OpenData opens carddata.txt (ErrTruncated inside a *ParseError when the
// package has none).
func (p *Package) OpenData() (io.ReadCloser, error) { return p.open(p.data, PackageData) }

// OpenRare opens rarechars.txt; check HasRare first.
func (p *Package) OpenRare() (io.ReadCloser, error) { return p.open(p.rare, PackageRare) }

// OpenPhoto opens the photo of a registry number; ok is false when the
// package has none.
func (p *Package) OpenPhoto(regNo string) (rc io.ReadCloser, ok bool, err error) {
	f := p.photos[regNo]
	if f == nil {
		return nil, false, nil
	}
	rc, err = f.Open()
	return rc, true, err
}

func (p *Package) open(f *zip.File, entry string) (io.ReadCloser, error) {
	if f == nil {
		return nil, &ParseError{File: p.name + "/" + entry, Err: ErrTruncated}
	}
	rc, err := f.Open()
	if err != nil {
		return nil, &PackageError{Package: p.name, Entry: entry, Err: detail(ErrPackageFormat, "%v", err)}
	}
	return rc, nil
}

// photoEntries returns the photo entries in directory order.
func (p *Package) photoEntries() []*zip.File { return p.order }

// PackageDigest returns the SHA-256 of the package bytes: what
// [CheckPackage] reports as PackageReport.Digest of an accepted package and
// [MergePackage] compares with PackageSource.Accepted.
func PackageDigest(ra io.ReaderAt, size int64) ([]byte, error) {
	h := sha256.New()
	n, err := io.Copy(h, io.NewSectionReader(ra, 0, size))
	if err != nil {
		return nil, err
	}
	if n != size {
		return nil, io.ErrUnexpectedEOF
	}
	return h.Sum(nil), nil
}
