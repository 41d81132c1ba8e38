package batchtest

import (
	"cmp"
	"fmt"
	"io"
	"iter"
	"slices"
	"time"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/studentid"
)

// Part names the generated records of one school that a factory batch
// covers: Records(School, SchoolName, N, Seed), the same records a school's
// generated card-making file (WriteCardData, WritePackage) holds.
type Part struct {
	School     string // 8-digit school code
	SchoolName string
	N          int
	Seed       uint64
}

// ResultOptions shapes a generated result file.
type ResultOptions struct {
	// FactoryBatch is the factory's batch number on every row (required).
	FactoryBatch string
	// DataWastePerMille and PrintWastePerMille spoil that many cards per
	// thousand, rounded down over the whole file and spread evenly through
	// it: DATA waste counts against the data's sender (C-5), PRINT waste is
	// the factory's. Their sum is at most 1000.
	DataWastePerMille, PrintWastePerMille int
}

func (o ResultOptions) check() error {
	if o.FactoryBatch == "" {
		return fmt.Errorf("batchtest: ResultOptions.FactoryBatch is empty")
	}
	if o.DataWastePerMille < 0 || o.PrintWastePerMille < 0 || o.DataWastePerMille+o.PrintWastePerMille > 1000 {
		return fmt.Errorf("batchtest: waste %d+%d per mille out of 0-1000", o.DataWastePerMille, o.PrintWastePerMille)
	}
	return nil
}

// status decides the k-th card of the file (0-based): every card where the
// running total of waste (data + print, per mille) steps up is spoilt, and
// of the spoilt cards those where the data share steps up are DATA waste.
// Both counts are exact: floor(n·(d+p)/1000) spoilt among the first n cards,
// floor(w·d/(d+p)) of the first w spoilt ones for data.
func (o ResultOptions) status(k int) (status, reason string) {
	t := o.DataWastePerMille + o.PrintWastePerMille
	if t == 0 || (k+1)*t/1000 == k*t/1000 {
		return batch.StatusOK, ""
	}
	m := k * t / 1000 // this is the m-th spoilt card
	if (m+1)*o.DataWastePerMille/t > m*o.DataWastePerMille/t {
		return batch.StatusWaste, batch.WasteData
	}
	return batch.StatusWaste, batch.WastePrint
}

// Results yields the factory's result rows (C-ISSUE-1) for the generated
// records of parts, in order: one row per card, its status per opt. The same
// arguments always yield the same rows. It stops early, yielding the error,
// on a bad Part or options.
func Results(parts []Part, opt ResultOptions) iter.Seq2[batch.ResultRecord, error] {
	return func(yield func(batch.ResultRecord, error) bool) {
		if err := opt.check(); err != nil {
			yield(batch.ResultRecord{}, err)
			return
		}
		k := 0
		for _, p := range parts {
			for r, err := range Records(p.School, p.SchoolName, p.N, p.Seed) {
				if err != nil {
					yield(batch.ResultRecord{}, err)
					return
				}
				rr := batch.ResultRecord{RegistryNo: r.RegistryNo, Name: r.Name, SchoolName: r.SchoolName, FactoryBatch: opt.FactoryBatch}
				rr.Status, rr.WasteReason = opt.status(k)
				k++
				if !yield(rr, nil) {
					return
				}
			}
		}
	}
}

// Factory returns a card-factory sender header (GB18030, SHA-256) with
// batch number "R<created date>-001", for result files.
func Factory(code string, created time.Time) batch.Header {
	return batch.Header{Level: studentid.LevelFactory, Code: code, Batch: "R" + created.Format("20060102") + "-001", Created: created}
}

// WriteResults writes the result file of Results(parts, opt), streaming:
// what the city receives from the factory with the cards (C-ISSUE-1). sender
// is the factory (see Factory).
func WriteResults(w io.Writer, sender batch.Header, parts []Part, opt ResultOptions, opts ...batch.WriterOption) error {
	rw, err := batch.NewResultWriter(w, "results.txt", sender, opts...)
	if err != nil {
		return err
	}
	for r, err := range Results(parts, opt) {
		if err != nil {
			return err
		}
		if err := rw.Write(r); err != nil {
			return err
		}
	}
	return rw.Close()
}

// Counts returns the good cards (status OK) of Results(parts, opt) per
// factory batch, school, student category and cohort: the groups
// batch.BuildHandover packs from the result file, ready for batch.Pack, so a
// test can build the expected handover sheet without reading a file.
func Counts(parts []Part, opt ResultOptions) ([]batch.GroupCount, error) {
	t, names, err := tally(parts, opt)
	if err != nil {
		return nil, err
	}
	out := make([]batch.GroupCount, 0, len(t))
	for k, n := range t {
		out = append(out, batch.GroupCount{GroupKey: k, SchoolName: names[k.School], Count: n})
	}
	slices.SortFunc(out, func(a, b batch.GroupCount) int { // the order of Handover.Counts
		return cmp.Or(cmp.Compare(a.FactoryBatch, b.FactoryBatch), a.School.Compare(b.School),
			cmp.Compare(a.Category, b.Category), cmp.Compare(a.Cohort, b.Cohort))
	})
	return out, nil
}

// Tally returns the good cards of Results(parts, opt) as a level counts
// them on arrival (C-ISSUE-1/2): reconciling it with the handover sheet built
// from the same result file finds no difference (C-ISSUE-4). Tests take cards
// out of it or add some to provoke a mismatch.
func Tally(parts []Part, opt ResultOptions) (batch.Tally, error) {
	t, _, err := tally(parts, opt)
	return t, err
}

func tally(parts []Part, opt ResultOptions) (batch.Tally, map[studentid.School]string, error) {
	t, names := batch.Tally{}, map[studentid.School]string{}
	for r, err := range Results(parts, opt) {
		if err != nil {
			return nil, nil, err
		}
		if r.Status == batch.StatusOK {
			t.Add(r.FactoryBatch, r.RegistryNo)
			names[r.RegistryNo.School()] = r.SchoolName
		}
	}
	return t, names, nil
}
