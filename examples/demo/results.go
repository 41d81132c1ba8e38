package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/batch/batchtest"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

// Factory and packing of the story.
const (
	factoryCode  = "F001"
	factoryBatch = "FB20260831"
)

// boxSizes are small enough that school A's 40 cards need two small boxes.
var boxSizes = batch.BoxSizes{Big: 100, Small: 25}

// stepResults is step 2: the card factory's result file reaches the city,
// which imports it, makes the handover sheet, checks the cards against it and
// splits the file per district (C-ISSUE-1); each district does the same for
// its schools (C-ISSUE-2, C-ISSUE-4); a card can be issued only once its
// school imported its result file (C-ISSUE-3).
func (d *demo) stepResults() error {
	if err := d.setClock(2026, 8, 31, 9, 0); err != nil {
		return err
	}
	result, name, err := d.factoryResult()
	if err != nil {
		return err
	}
	out, waste, err := d.ledger.ImportResultFile(d.ctx, d.city, bytes.NewReader(result), name)
	if err != nil {
		return d.expect(err, "importing %s at the city", name)
	}
	d.say("   city imports %s: %d cards made, %d spoilt by data errors, waste rate %.1f%%, liable: %s (C-ISSUE-1, C-5)", name, waste.Made, waste.DataErrors, waste.Rate*100, d.yes(waste.Liable))
	if err := d.check(!out.Already && waste.Made == studentsA+studentsB && !waste.Liable, "the city imports every card once"); err != nil {
		return err
	}
	sheet, err := batch.BuildHandover(d.ctx, bytes.NewReader(result), name, "01", boxSizes)
	if err != nil {
		return d.expect(err, "building the city handover sheet")
	}
	d.sayBoxes(sheet)
	d.papers.citySheet = sheet
	if err := d.reconcile(studentid.LevelCity.Localize(d.tag), "01", sheet, []batchtest.Part{d.part(d.a), d.part(d.b)}, nil); err != nil {
		return err
	}
	parts, err := d.split(result, name, batch.ByDistrict, batch.Header{Level: studentid.LevelCity, Code: "01", Batch: "R" + d.now.Format("20060102"), Created: d.now})
	if err != nil {
		return err
	}

	if err := d.setClock(2026, 9, 1, 9, 0); err != nil {
		return err
	}
	schoolParts := map[*school][]byte{}
	for _, s := range []*school{d.a, d.b} {
		if schoolParts[s], err = d.atDistrict(s, sheet, parts[s.districtCode()]); err != nil {
			return err
		}
	}

	if err := d.setClock(2026, 9, 2, 9, 0); err != nil {
		return err
	}
	// C-ISSUE-3: before its own import the school cannot issue.
	first := d.a.idCard[d.a.cmis[0].RegistryNo.String()]
	_, err = d.ledger.Transition(d.ctx, d.a.op, lifecycle.Request{CardID: first, Action: lifecycle.ActIssue})
	var te *lifecycle.TransitionError
	if err := d.check(errors.As(err, &te) && te.Rule == "C-ISSUE-3", "issuing before the school's import is refused under C-ISSUE-3"); err != nil {
		return err
	}
	d.sayErr(err, "   %s tries to issue an ID card before importing its result file → refused: %s", d.a.code)
	schoolFile := resultName(d.a.code)
	out, _, err = d.ledger.ImportResultFile(d.ctx, d.a.op, bytes.NewReader(schoolParts[d.a]), schoolFile)
	if err != nil {
		return d.expect(err, "importing %s at the school", schoolFile)
	}
	d.say("   %s imports %s: %d ID cards now at the school and may be issued (C-ISSUE-2, C-ISSUE-3)", d.a.code, schoolFile, out.Import.Records)
	d.say("   %s has not imported its result file yet: district 08's 10-working-day clock keeps running (R-TIME-1)", d.b.code)
	return d.check(out.Import.Records == studentsA, "school A imports its 40 cards")
}

// factoryResult is the card factory's side: one result row per record of
// the district packages it received, every card made. The rows come from
// batchtest, which generates the result file of generated records; the
// factory prints the names it received, so the rare character the school
// gave in CMIS (C-4) replaces the generated name, and every row is checked
// against the records the city accepted.
func (d *demo) factoryResult() ([]byte, string, error) {
	var recs []batch.ResultRecord
	for _, s := range []*school{d.a, d.b} {
		i := 0
		for r, err := range batchtest.Results([]batchtest.Part{d.part(s)}, d.resultOptions()) {
			if err != nil {
				return nil, "", d.expect(err, "writing the result file")
			}
			if err := d.check(i < len(s.cmis) && r.RegistryNo == s.cmis[i].RegistryNo && r.Status == batch.StatusOK,
				"the factory's rows are the records the city accepted, in order"); err != nil {
				return nil, "", err
			}
			r.Name = s.cmis[i].Name
			recs = append(recs, r)
			i++
		}
		if err := d.check(i == len(s.cmis), "the factory's rows are the records the city accepted, in order"); err != nil {
			return nil, "", err
		}
	}
	var buf bytes.Buffer
	name := "RESULT_" + factoryBatch + ".txt"
	if err := batch.WriteResults(&buf, name, batch.Header{Level: studentid.LevelFactory, Code: factoryCode, Batch: factoryBatch, Created: d.now}, recs); err != nil {
		return nil, "", d.expect(err, "writing the result file")
	}
	d.say("   card factory %s sends %s with %d cards to the city", factoryCode, name, len(recs))
	return buf.Bytes(), name, nil
}

// part names a school's generated records for batchtest: the records its
// CMIS holds once every mistake is fixed.
func (d *demo) part(s *school) batchtest.Part {
	return batchtest.Part{School: s.code, SchoolName: s.name, N: len(s.cmis), Seed: s.seed}
}

// resultOptions shapes the factory's result file: every card made.
func (d *demo) resultOptions() batchtest.ResultOptions {
	return batchtest.ResultOptions{FactoryBatch: factoryBatch}
}

// atDistrict is one district's part of C-ISSUE-2: import its result file,
// check the cards against its handover sheet, split per school and print the
// schools' sheets. It returns the school's result file.
func (d *demo) atDistrict(s *school, citySheet *batch.Handover, part []byte) ([]byte, error) {
	name := resultName(s.districtCode())
	out, _, err := d.ledger.ImportResultFile(d.ctx, s.district, bytes.NewReader(part), name)
	if err != nil {
		return nil, d.expect(err, "importing %s at district %s", name, s.op.District)
	}
	d.say("   district %s signs for its cards and imports %s: %d cards (C-ISSUE-2)", s.op.District, name, out.Import.Records)
	// The sheet travels as a file; the district reads it back (C-PACK-1 checked).
	var sheetFile bytes.Buffer
	if err := citySheet.ForDistrict(s.districtID()).Write(&sheetFile, "HANDOVER_"+s.districtCode(), batch.Header{Level: studentid.LevelCity, Code: "01", Batch: "H" + d.now.Format("20060102"), Created: d.now}); err != nil {
		return nil, d.expect(err, "writing the handover sheet")
	}
	sheet, err := batch.ReadHandover(d.ctx, &sheetFile, "HANDOVER_"+s.districtCode(), s.districtCode(), boxSizes)
	if err != nil {
		return nil, d.expect(err, "reading the handover sheet")
	}
	var miscount func(batch.Tally)
	if s == d.a {
		// The first scan misses one card.
		miscount = func(t batch.Tally) {
			id := s.cmis[len(s.cmis)-1].RegistryNo
			t[batch.KeyOf(factoryBatch, id)]--
		}
	}
	if err := d.reconcile(d.text("district %s", s.op.District), s.districtCode(), sheet, []batchtest.Part{d.part(s)}, miscount); err != nil {
		return nil, err
	}
	parts, err := d.split(part, name, batch.BySchool, batch.Header{Level: studentid.LevelDistrict, Code: s.districtCode(), Batch: "R" + d.now.Format("20060102"), Created: d.now})
	if err != nil {
		return nil, err
	}
	for _, l := range d.smallLabels(sheet.ForSchool(s.school())) {
		d.say("     school handover sheet for %s: %s", s.code, l)
	}
	return parts[s.code], nil
}

// reconcile counts the cards of the schools' parts as they are unpacked
// (batchtest.Tally: the good cards of the result file) and checks them
// against the handover sheet (C-ISSUE-1/2). miscount, if not nil, spoils
// the first count, to show C-ISSUE-4: the mismatch and the sheet the upper
// level would regenerate, then the recount that matches. within is the code
// of the level counting (the city's or the district's).
func (d *demo) reconcile(who, within string, sheet *batch.Handover, parts []batchtest.Part, miscount func(batch.Tally)) error {
	scan := func() (batch.Tally, error) { return batchtest.Tally(parts, d.resultOptions()) }
	counted, err := scan()
	if err != nil {
		return d.expect(err, "counting the cards")
	}
	if miscount != nil {
		miscount(counted)
		diffs, regenerated, err := batch.Reconcile(sheet, counted, within, boxSizes)
		if err := d.check(errors.Is(err, batch.ErrMismatch) && len(diffs) == 1 && regenerated != nil, "a short count is a mismatch (C-ISSUE-4)"); err != nil {
			return err
		}
		d.say("   %s: first scan %d cards, sheet %d → mismatch for school %s: sheet %d, counted %d; the upper level would issue a regenerated sheet of %d cards (C-ISSUE-4)",
			who, total(counted), sheet.Total(), diffs[0].School, diffs[0].Sheet, diffs[0].Counted, regenerated.Total())
		d.say("   %s: the missing card is found in the box; the recount matches", who)
		if counted, err = scan(); err != nil {
			return d.expect(err, "counting the cards")
		}
	}
	diffs, _, err := batch.Reconcile(sheet, counted, within, boxSizes)
	if err != nil || len(diffs) != 0 {
		return d.check(false, "%s: the cards match the handover sheet", who)
	}
	d.say("   %s: %d cards counted against the handover sheet: they match (C-ISSUE-1, C-ISSUE-4)", who, sheet.Total())
	return nil
}

// total is the number of cards a tally counted.
func total(t batch.Tally) int {
	n := 0
	for _, c := range t {
		n += c
	}
	return n
}

// sayBoxes prints the city's handover sheet as its box labels (C-PACK-1).
func (d *demo) sayBoxes(h *batch.Handover) {
	bigs, smalls := h.Labels()
	d.say("   city handover sheet: %d big boxes, %d small boxes, %d cards (C-PACK-1: no box mixes batches, districts, schools, categories or cohorts)", len(bigs), len(smalls), h.Total())
	for _, l := range bigs {
		d.say("     %s", l.Localize(d.tag))
	}
	for _, l := range smalls {
		d.say("     %s", l.Localize(d.tag))
	}
}

// smallLabels are a sheet's small-box labels in the demo's language.
func (d *demo) smallLabels(h *batch.Handover) []string {
	_, smalls := h.Labels()
	out := make([]string, len(smalls))
	for i, l := range smalls {
		out[i] = l.Localize(d.tag)
	}
	return out
}

// split splits a result file per district or per school and prints the parts.
func (d *demo) split(result []byte, name string, by batch.SplitBy, sender batch.Header) (map[string][]byte, error) {
	bufs := map[string]*bytes.Buffer{}
	counts, err := batch.SplitResult(d.ctx, bytes.NewReader(result), name, by, sender, func(code string) (io.Writer, error) {
		b := &bytes.Buffer{}
		bufs[code] = b
		return b, nil
	})
	if err != nil {
		return nil, d.expect(err, "splitting %s", name)
	}
	codes := make([]string, 0, len(counts))
	for c := range counts {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	parts := make(map[string][]byte, len(bufs))
	var list bytes.Buffer
	for _, c := range codes {
		parts[c] = bufs[c].Bytes()
		fmt.Fprintf(&list, " %s:%d", c, counts[c])
	}
	d.say("   %s splits %s →%s", sender.Code, name, list.String())
	return parts, nil
}

func resultName(code string) string { return "RESULT_" + code + ".txt" }
