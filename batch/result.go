package batch

import (
	"bytes"
	"context"
	"encoding/hex"
	"io"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/studentid"
)

// Card statuses and waste reasons of a result file.
const (
	StatusOK    = "OK"    // card made and packed
	StatusWaste = "WASTE" // card spoilt
	WasteData   = "DATA"  // spoilt because of a data error (C-5: the sender's liability)
	WastePrint  = "PRINT" // spoilt by the factory
)

// ResultRecord is one row of the factory's result file (C-ISSUE-1).
type ResultRecord struct {
	RegistryNo   studentid.ID
	Name         string
	SchoolName   string
	Status       string // StatusOK or StatusWaste
	WasteReason  string // "" for OK; WasteData or WastePrint
	FactoryBatch string
}

func (r ResultRecord) fields() []string {
	return []string{r.RegistryNo.String(), r.Name, r.SchoolName, r.Status, r.WasteReason, r.FactoryBatch}
}

// Fields returns the record in Results column order.
func (r ResultRecord) Fields() []string { return r.fields() }

func parseResult(_ Header, f []string) (ResultRecord, string, error) {
	id, err := studentid.Parse(f[0])
	if err != nil {
		return ResultRecord{}, "registry_no", wrapReason(ErrRegistryNo, err)
	}
	if id.String() != f[0] {
		return ResultRecord{}, "registry_no", gotWant(ErrRegistryNo, f[0], id.String())
	}
	r := ResultRecord{RegistryNo: id, Name: f[1], SchoolName: f[2], Status: f[3], WasteReason: f[4], FactoryBatch: f[5]}
	switch {
	case r.Name == "":
		return r, "name", ErrRequired
	case r.Status != StatusOK && r.Status != StatusWaste:
		return r, "status", gotWant(ErrFormat, r.Status, "OK or WASTE")
	case r.Status == StatusOK && r.WasteReason != "":
		return r, "waste_reason", gotWant(ErrFormat, r.WasteReason, "empty for OK")
	case r.Status == StatusWaste && r.WasteReason != WasteData && r.WasteReason != WastePrint:
		return r, "waste_reason", gotWant(ErrFormat, r.WasteReason, "DATA or PRINT")
	case !isToken(r.FactoryBatch, 64, codeChar):
		return r, "factory_batch", gotWant(ErrFormat, r.FactoryBatch, "batch number")
	}
	return r, "", nil
}

// ReadResults streams a result file to fn. As with every streaming read, fn
// sees records before the trailer is checked: use Open or Spool first if fn
// commits anything.
func ReadResults(ctx context.Context, r io.Reader, name string, fn func(Record, ResultRecord) error) (Summary, error) {
	return readTyped(ctx, r, name, Results, parseResult, fn)
}

// WriteResults writes a result file of recs (the factory's side, and tests).
func WriteResults(w io.Writer, name string, sender Header, recs []ResultRecord, opts ...WriterOption) error {
	return checkWrite(w, name, Results, sender, recs, parseResult, opts...)
}

// ResultWriter streams a result file (the factory's side, and generators of
// test data) row by row, running every row through the checks ReadResults
// makes, so a file of any size is written without holding it and never
// holds a row its reader refuses.
type ResultWriter struct {
	w    *Writer
	name string
}

// NewResultWriter starts a result file; sender is normally the factory.
func NewResultWriter(w io.Writer, name string, sender Header, opts ...WriterOption) (*ResultWriter, error) {
	wr, err := Results.NewWriter(w, name, sender, opts...)
	if err != nil {
		return nil, err
	}
	return &ResultWriter{w: wr, name: name}, nil
}

// Write checks and writes one row.
func (r *ResultWriter) Write(rec ResultRecord) error {
	f := rec.fields()
	if _, field, err := parseResult(r.w.Header(), f); err != nil {
		return &ParseError{File: r.name, Line: int(r.w.Count()) + 3, Field: field, Err: err}
	}
	return r.w.WriteRecord(f)
}

// Count returns the rows written.
func (r *ResultWriter) Count() int64 { return r.w.Count() }

// Close writes the trailer (not closing the underlying writer).
func (r *ResultWriter) Close() error { return r.w.Close() }

// SplitBy chooses how SplitResult routes records.
type SplitBy int

// Split levels: by district (city → districts, C-ISSUE-1) or by school
// (district → schools, C-ISSUE-2).
const (
	ByDistrict SplitBy = iota
	BySchool
)

// CodeOf returns the district (positions 1-4) or school (1-8) code of id.
func (b SplitBy) CodeOf(id studentid.ID) string {
	if b == ByDistrict {
		return id.District().String()
	}
	return id.School().String()
}

// SplitResult streams a result file and writes one result file per district
// or school, opened through open(code) when the first record for it appears.
// Each part has header sender (the splitting level, its batch and time) and
// gets its trailer only after the input's trailer verified, so if the input
// is truncated or altered every part is left without a trailer and is
// refused downstream as truncated. Open parts are bounded by the number of
// districts or schools, each holding a 64 KiB buffer. The counts per code are
// returned. The content must match the sender: at the city (ByDistrict,
// sender code "01") every record is of the city, at a district (BySchool,
// sender code the 4-digit district) every record of that district; a record
// of another is refused with ErrNotSender naming its line, and no part gets
// a trailer.
func SplitResult(ctx context.Context, r io.Reader, name string, by SplitBy, sender Header, open func(code string) (io.Writer, error)) (map[string]int64, error) {
	own := 4 // the splitting district's code, for parts per school
	if by == ByDistrict {
		own = 2 // the city's
	}
	if len(sender.Code) != own || keyOfDigitsOK(sender.Code) != nil {
		return nil, &ParseError{File: name, Field: "code", Err: gotWant(ErrSender, sender.Code, strconv.Itoa(own)+" digits: the splitting level's own code")}
	}
	parts := map[string]*Writer{}
	_, err := ReadResults(ctx, r, name, func(rec Record, rr ResultRecord) error {
		if reg := rr.RegistryNo.String(); !strings.HasPrefix(reg, sender.Code) {
			return &ParseError{File: name, Line: rec.Line, Field: "registry_no", Err: gotWant(ErrNotSender, reg[:own], sender.Code)}
		}
		code := by.CodeOf(rr.RegistryNo)
		w := parts[code]
		if w == nil {
			out, err := open(code)
			if err != nil {
				return err
			}
			if out == nil {
				return &ParseError{File: code + ".txt", Err: detail(ErrHeader, "no writer for the part")}
			}
			if w, err = Results.NewWriter(out, code+".txt", sender); err != nil {
				return err
			}
			parts[code] = w
		}
		return w.WriteRecord(rec.Fields)
	})
	if err != nil {
		return nil, err
	}
	counts := make(map[string]int64, len(parts))
	codes := make([]string, 0, len(parts))
	for c := range parts {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		if err := parts[c].Close(); err != nil {
			return nil, err
		}
		counts[c] = parts[c].Count()
	}
	return counts, nil
}

// Source is a named input for merging. For [MergeCardData], Accepted is the
// digest of the file as the district's validator accepted it
// (Report.Summary.Digest): the merge forwards only a file whose verified
// trailer digest is that one, so a refused file, or one changed since its
// check, is not merged.
type Source struct {
	Name     string
	R        io.Reader
	Accepted []byte
}

// MergeCardData concatenates accepted school card-making files into the
// district's card-making file for the city (C-MAKE-2), streaming. It carries
// the data only: the rare-character descriptions go with it through
// [MergeRareChars], or use [MergePackage] to merge whole packages. Every input
// must be a CardData file of a school of the district (sender.Code) whose
// digest is its Accepted digest (ErrNotAccepted otherwise: byte for byte
// what was validated, as the digest covers header and records); the output
// gets its trailer only if every input verified, so a failed merge leaves an
// output the city refuses as truncated. It returns the records written.
func MergeCardData(ctx context.Context, w io.Writer, name string, sender Header, inputs ...Source) (int64, error) {
	return mergeCardData(ctx, w, name, sender, true, inputs)
}

// mergeCardData is MergeCardData; MergePackage, which checks the digest of
// each whole package, passes accepted false.
func mergeCardData(ctx context.Context, w io.Writer, name string, sender Header, accepted bool, inputs []Source) (int64, error) {
	out, err := CardData.NewWriter(w, name, sender)
	if err != nil {
		return 0, err
	}
	for _, in := range inputs {
		if in.R == nil {
			return 0, &ParseError{File: in.Name, Err: ErrTruncated}
		}
		if accepted && len(in.Accepted) == 0 {
			return 0, &ParseError{File: in.Name, Err: detail(ErrNotAccepted, "%v", "no digest of an accepted validation")}
		}
		rd := NewReader(in.R, in.Name)
		rd.ReuseRecord = true
		h, err := rd.Header()
		if err != nil {
			return 0, err
		}
		if err := CardData.Check(h, in.Name); err != nil {
			return 0, err
		}
		if h.Level != studentid.LevelSchool || len(h.Code) != 8 || h.Code[:4] != sender.Code {
			return 0, &ParseError{File: in.Name, Line: 1, Field: "code", Err: gotWant(ErrSender, h.Code, "a school of district "+sender.Code)}
		}
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
			if err := out.WriteRecord(rec.Fields); err != nil {
				return 0, err
			}
		}
		if d := rd.Summary().Digest; accepted && !bytes.Equal(d, in.Accepted) {
			return 0, &ParseError{File: in.Name, Field: "digest", Err: gotWant(ErrNotAccepted, hex.EncodeToString(d), hex.EncodeToString(in.Accepted))}
		}
	}
	return out.Count(), out.Close()
}

// WasteLimit is the waste rate from data errors above which a batch carries
// financial liability (C-5).
const WasteLimit = 0.03

// Waste sums a result file's spoilt cards (C-5).
type Waste struct {
	Cards      int64   // rows in the result file
	Made       int64   // status OK
	DataErrors int64   // spoilt because of data errors
	Factory    int64   // spoilt by the factory
	Rate       float64 // DataErrors / Cards
	// Liable is true when Rate exceeds WasteLimit (3 %): the sender of the
	// data answers for the cost.
	Liable bool
}

// Localize renders the waste summary for the operator who receives the
// result file (C-5), in the language tag, saying whether the batch carries
// liability.
func (w Waste) Localize(tag language.Tag) string {
	s := messages.Sprintf(tag, "%s cards: %s made, %s spoilt by data errors (%s), %s spoilt by the factory",
		strconv.FormatInt(w.Cards, 10), strconv.FormatInt(w.Made, 10), strconv.FormatInt(w.DataErrors, 10),
		strconv.FormatFloat(w.Rate*100, 'f', 2, 64)+"%", strconv.FormatInt(w.Factory, 10))
	if w.Liable {
		s += messages.Sprintf(tag, "; data-error waste over 3 percent: the sender of the data is liable")
	}
	return s
}

// CheckWaste streams a result file and computes its waste (C-5).
func CheckWaste(ctx context.Context, r io.Reader, name string) (Waste, error) {
	var w Waste
	_, err := ReadResults(ctx, r, name, func(_ Record, rr ResultRecord) error {
		w.Cards++
		switch {
		case rr.Status == StatusOK:
			w.Made++
		case rr.WasteReason == WasteData:
			w.DataErrors++
		default:
			w.Factory++
		}
		return nil
	})
	if err != nil {
		return Waste{}, err
	}
	if w.Cards > 0 {
		w.Rate = float64(w.DataErrors) / float64(w.Cards)
	}
	w.Liable = w.Rate > WasteLimit
	return w, nil
}
