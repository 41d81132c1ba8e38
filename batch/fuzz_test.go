package batch

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
)

// FuzzReader: any input is read without panic; every error is a *ParseError;
// whatever verifies re-encodes to a file with the same records.
func FuzzReader(f *testing.F) {
	f.Add(writeFile(f, testHeader(GB18030, SHA256), tricky))
	f.Add(writeFile(f, testHeader(UTF8, SM3), tricky, WithLF()))
	f.Add([]byte("#SCBATCH,1,X,1,SCHOOL,1,1,2026-01-01T00:00:00Z,GB18030,SHA256\n#COLUMNS,a\n\"x\"\"\n#END,1,00\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, sum, err := readAll(data)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("not a ParseError: %v", err)
			}
			return
		}
		var buf bytes.Buffer
		w, err := NewWriter(&buf, "re", sum.Header)
		if err != nil {
			t.Fatalf("verified header not writable: %v", err)
		}
		for _, r := range recs {
			if err := w.WriteRecord(r); err != nil {
				t.Fatalf("verified record not writable: %v", err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		again, _, err := readAll(buf.Bytes())
		if err != nil || len(again) != len(recs) {
			t.Fatalf("round trip: %v", err)
		}
		for i := range recs {
			for j := range recs[i] {
				if recs[i][j] != again[i][j] {
					t.Fatalf("round trip changed %q to %q", recs[i][j], again[i][j])
				}
			}
		}
		if _, err := Verify(context.Background(), bytes.NewReader(data), "f"); err != nil && err != io.EOF {
			t.Fatalf("Verify disagrees with Reader: %v", err)
		}
	})
}
