package batch

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/bjedu/studentcard/studentid"
)

// seed adds the worked examples of testdata/ to a fuzz corpus.
func seed(f *testing.F, names ...string) {
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")))
		f.Add(data[:len(data)/2])
	}
}

// mustBeParseError fails unless err is nil or a *ParseError: readers
// report every problem with a location.
func mustBeParseError(t *testing.T, err error) bool {
	if err == nil {
		return true
	}
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error without location: %v", err)
	}
	return false
}

// roundTrip reads data with read, writes what it got with write, reads it
// again and requires the same rows.
func roundTrip[T row](t *testing.T, data []byte,
	read func(context.Context, []byte, func(Record, T) error) (Summary, error),
	write func(*bytes.Buffer, Header, []T) error) {
	ctx := context.Background()
	var first []T
	sum, err := read(ctx, data, func(_ Record, v T) error { first = append(first, v); return nil })
	if !mustBeParseError(t, err) {
		return
	}
	var buf bytes.Buffer
	if err := write(&buf, sum.Header, first); err != nil {
		t.Fatalf("rows read are not writable: %v", err)
	}
	var second []T
	if _, err := read(ctx, buf.Bytes(), func(_ Record, v T) error { second = append(second, v); return nil }); err != nil {
		t.Fatalf("re-written file not readable: %v", err)
	}
	if len(first) != len(second) {
		t.Fatalf("round trip: %d rows became %d", len(first), len(second))
	}
	for i := range first {
		if !slices.Equal(first[i].fields(), second[i].fields()) {
			t.Fatalf("round trip changed %q to %q", first[i].fields(), second[i].fields())
		}
	}
}

func FuzzValidateCardData(f *testing.F) {
	seed(f, "carddata.txt", "rarechars.txt")
	f.Fuzz(func(t *testing.T, data []byte) {
		v := Validator{Level: studentid.LevelDistrict}
		rep, err := v.Validate(context.Background(), bytes.NewReader(data), "f")
		if err != nil {
			t.Fatalf("content problems belong in the report: %v", err)
		}
		if rep.Accepted != (rep.Problems == 0) || rep.Accepted && len(rep.Errors) > 0 {
			t.Fatalf("inconsistent report %+v", rep)
		}
		for _, e := range rep.Errors {
			if e.Reason == "" || e.File == "" {
				t.Fatalf("problem without reason or file: %v", e)
			}
		}
	})
}

func FuzzReadRareChars(f *testing.F) {
	seed(f, "rarechars.txt")
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := ReadRareChars(context.Background(), bytes.NewReader(data), "f", "")
		mustBeParseError(t, err)
	})
}

func FuzzReadFailures(f *testing.F) {
	seed(f, "failures.txt")
	f.Fuzz(func(t *testing.T, data []byte) {
		roundTrip(t, data, func(ctx context.Context, d []byte, fn func(Record, Failure) error) (Summary, error) {
			return ReadFailures(ctx, bytes.NewReader(d), "f", func(fl Failure) error { return fn(Record{}, fl) })
		}, func(b *bytes.Buffer, h Header, rows []Failure) error {
			return writeTyped(b, "f", Failures, h, rows)
		})
	})
}

func FuzzReadResults(f *testing.F) {
	seed(f, "results.txt")
	f.Fuzz(func(t *testing.T, data []byte) {
		roundTrip(t, data, func(ctx context.Context, d []byte, fn func(Record, ResultRecord) error) (Summary, error) {
			return ReadResults(ctx, bytes.NewReader(d), "f", fn)
		}, func(b *bytes.Buffer, h Header, rows []ResultRecord) error { return WriteResults(b, "f", h, rows) })
		_, err := BuildHandover(context.Background(), bytes.NewReader(data), "f", "01", BoxSizes{Big: 5, Small: 2})
		mustBeParseError(t, err)
	})
}

func FuzzReadHandover(f *testing.F) {
	seed(f, "handover.txt")
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := ReadHandover(context.Background(), bytes.NewReader(data), "f", "01", BoxSizes{Big: 6, Small: 2})
		if !mustBeParseError(t, err) {
			return
		}
		sum, err := Verify(context.Background(), bytes.NewReader(data), "f")
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := h.Write(&buf, "f", sum.Header); err != nil {
			t.Fatal(err)
		}
		again, err := ReadHandover(context.Background(), &buf, "f", "01", BoxSizes{Big: 6, Small: 2})
		if err != nil || !slices.Equal(again.Rows, h.Rows) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

func FuzzReadPerso(f *testing.F) {
	seed(f, "perso.txt")
	f.Fuzz(func(t *testing.T, data []byte) {
		roundTrip(t, data, func(ctx context.Context, d []byte, fn func(Record, PersoRecord) error) (Summary, error) {
			return ReadPerso(ctx, bytes.NewReader(d), "f", fn)
		}, func(b *bytes.Buffer, h Header, rows []PersoRecord) error { return WritePerso(b, "f", h, rows) })
	})
}

func FuzzReadFiling(f *testing.F) {
	seed(f, "filing.txt")
	f.Fuzz(func(t *testing.T, data []byte) {
		roundTrip(t, data, func(ctx context.Context, d []byte, fn func(Record, FilingRecord) error) (Summary, error) {
			return ReadFiling(ctx, bytes.NewReader(d), "f", fn)
		}, func(b *bytes.Buffer, h Header, rows []FilingRecord) error { return WriteFiling(b, "f", h, rows) })
	})
}

func FuzzReadFaults(f *testing.F) {
	seed(f, "faults.txt")
	f.Fuzz(func(t *testing.T, data []byte) {
		roundTrip(t, data, func(ctx context.Context, d []byte, fn func(Record, FaultRecord) error) (Summary, error) {
			return ReadFaults(ctx, bytes.NewReader(d), "f", fn)
		}, func(b *bytes.Buffer, h Header, rows []FaultRecord) error { return WriteFaults(b, "f", h, rows) })
	})
}

func FuzzReadRecoveries(f *testing.F) {
	seed(f, "recoveries.txt")
	f.Fuzz(func(t *testing.T, data []byte) {
		roundTrip(t, data, func(ctx context.Context, d []byte, fn func(Record, RecoveryRecord) error) (Summary, error) {
			return ReadRecoveries(ctx, bytes.NewReader(d), "f", fn)
		}, func(b *bytes.Buffer, h Header, rows []RecoveryRecord) error { return WriteRecoveries(b, "f", h, rows) })
	})
}

func FuzzCheckPackage(f *testing.F) {
	seed(f, "package.zip")
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := CheckPackage(context.Background(), bytes.NewReader(data), int64(len(data)), "p.zip", Validator{Level: studentid.LevelDistrict}, PhotoRules{})
		if err != nil {
			return // I/O errors of a corrupt zip entry are reported, not panics
		}
		if rep.Accepted && rep.Problems > 0 {
			t.Fatalf("accepted with problems: %+v", rep.Report)
		}
	})
}

func FuzzReadCardData(f *testing.F) {
	seed(f, "carddata.txt")
	f.Fuzz(func(t *testing.T, data []byte) {
		roundTrip(t, data, func(ctx context.Context, d []byte, fn func(Record, CardRecord) error) (Summary, error) {
			return ReadCardData(ctx, bytes.NewReader(d), "f", fn)
		}, func(b *bytes.Buffer, h Header, rows []CardRecord) error { return writeTyped(b, "f", CardData, h, rows) })
	})
}

// FuzzMergeRareChars: any input merges or is refused with a located error;
// a merge that succeeds writes a description the city reads back whole.
func FuzzMergeRareChars(f *testing.F) {
	seed(f, "rarechars.txt")
	sender := Header{Level: studentid.LevelDistrict, Code: "0101", Batch: "D1", Created: testTime}
	f.Fuzz(func(t *testing.T, data []byte) {
		var out bytes.Buffer
		n, err := MergeRareChars(context.Background(), &out, "d.txt", sender, Source{Name: "in", R: bytes.NewReader(data)})
		if !mustBeParseError(t, err) {
			return
		}
		set, err := ReadRareChars(context.Background(), bytes.NewReader(out.Bytes()), "d.txt", "0101")
		if err != nil || int64(set.Len()) != n {
			t.Fatalf("merged description not readable: %v", err)
		}
	})
}

// FuzzMergePackage: any archive merges or is refused without panic; what a
// merge writes is a package the city can check.
func FuzzMergePackage(f *testing.F) {
	seed(f, "package.zip")
	sender := Header{Level: studentid.LevelDistrict, Code: "0101", Batch: "D1", Created: testTime}
	f.Fuzz(func(t *testing.T, data []byte) {
		var out bytes.Buffer
		d, _ := PackageDigest(bytes.NewReader(data), int64(len(data)))
		sum, err := MergePackage(context.Background(), &out, sender, PackageSource{Name: "in.zip", R: bytes.NewReader(data), Size: int64(len(data)), Accepted: d})
		if err != nil {
			return // refused: a located error or the zip's own (checked in the unit tests)
		}
		rep, err := CheckPackage(context.Background(), bytes.NewReader(out.Bytes()), int64(out.Len()), "d.zip", Validator{Level: studentid.LevelCity}, PhotoRules{})
		if err != nil {
			t.Fatalf("merged package not checkable: %v", err)
		}
		if rep.Records != sum.Records {
			t.Fatalf("merged %d records, the city read %d", sum.Records, rep.Records)
		}
	})
}
