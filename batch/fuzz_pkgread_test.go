package batch_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bjedu/studentcard/batch"
)

// FuzzOpenPackage: the strict reader, seeded with every hostile archive of
// issue 11 and a valid package. Whatever it is given it refuses with a
// *PackageError naming the package, or it accepts an archive whose every
// entry a plain zip reader confirms is in the layout: named once, a clean
// local name, a regular file, within the bounds. CheckPackage never accepts
// what the reader refused.
func FuzzOpenPackage(f *testing.F) {
	for _, h := range hostilePackages(f) {
		f.Add(h.pkg)
	}
	data, rare, photos := schoolUpload(f, 2, false)
	f.Add(rawZip(f, append([]rawEntry{{name: batch.PackageData, data: data, method: zip.Deflate}, {name: batch.PackageRare, data: rare, method: zip.Deflate}}, photos...)...))
	f.Fuzz(func(t *testing.T, pkg []byte) {
		p, err := batch.OpenPackage(bytes.NewReader(pkg), int64(len(pkg)), "p.zip")
		if err != nil {
			rep, cerr := batch.CheckPackage(context.Background(), bytes.NewReader(pkg), int64(len(pkg)), "p.zip", districtValidator(), batch.PhotoRules{})
			var pe *batch.PackageError
			if !errors.As(err, &pe) || pe.Package != "p.zip" {
				t.Fatalf("refusal without its package: %v", err)
			}
			if cerr == nil && rep.Accepted {
				t.Fatalf("CheckPackage accepted what the strict reader refused: %v", err)
			}
			return
		}
		zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
		if err != nil {
			t.Fatalf("accepted an archive zip cannot read: %v", err)
		}
		seen := map[string]bool{}
		photosSeen := 0
		for _, e := range zr.File {
			switch {
			case seen[e.Name]:
				t.Fatalf("accepted %q twice", e.Name)
			case !filepath.IsLocal(e.Name) || strings.ContainsAny(e.Name, `\:`) || strings.Contains(e.Name, ".."):
				t.Fatalf("accepted a non-local name %q", e.Name)
			case !e.Mode().IsRegular() || e.Mode()&^0o777 != 0:
				t.Fatalf("accepted %q of mode %v", e.Name, e.Mode())
			case e.Method == zip.Deflate && e.UncompressedSize64 > e.CompressedSize64*batch.MaxCompressionRatio+4096:
				t.Fatalf("accepted %q expanding %d → %d", e.Name, e.CompressedSize64, e.UncompressedSize64)
			}
			seen[e.Name] = true
			if e.Name == batch.PackageData || e.Name == batch.PackageRare {
				continue
			}
			reg, ok := strings.CutSuffix(strings.TrimPrefix(e.Name, batch.PackagePhoto), ".jpg")
			if !strings.HasPrefix(e.Name, batch.PackagePhoto) || !ok || len(reg) != 16 || strings.Trim(reg, "0123456789") != "" {
				t.Fatalf("accepted %q outside the layout", e.Name)
			}
			photosSeen++
		}
		if p.Photos() != photosSeen || p.HasData() != seen[batch.PackageData] || p.HasRare() != seen[batch.PackageRare] {
			t.Fatalf("reader counts differ from the directory")
		}
	})
}
