package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/card"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/paper"
)

// printed is what the tour keeps for its papers (step 9): the city's
// handover sheet (step 2) and the recovery slip (step 7).
type printed struct {
	dir        string // -papers DIR; "" prints nothing
	citySheet  *batch.Handover
	recoveries []batch.RecoveryRecord
}

// smallBatch is how many ID cards the district prints itself in step 9: a
// batch of fewer than 50 (C-MAKE-2).
const smallBatch = 3

// stepPapers prints the tour's papers as PDF into -papers DIR: the city's
// handover sheet and its box labels (C-ISSUE-1, C-PACK-1), the recovery
// slip (R-RECOVER-1) and a small batch of school A's ID cards printed at the
// district (C-MAKE-2, S-1), each read back for its first bytes. Without a
// Chinese font it says how to get one and goes on: paper is the tiers'
// business, not the card system's.
func (d *demo) stepPapers() error {
	if d.papers.dir == "" {
		d.say("   papers not printed: run with -papers DIR to write the handover sheet, labels, slip and ID cards as PDF")
		return nil
	}
	font, err := paper.FindFont()
	if errors.Is(err, paper.ErrNoFont) {
		d.say("   papers not printed: %s", l10n.Error(err, d.tag))
		return nil
	}
	if err != nil {
		return d.expect(err, "loading the font")
	}
	if err := os.MkdirAll(d.papers.dir, 0o755); err != nil {
		return d.expect(err, "making %s", d.papers.dir)
	}
	opt := paper.Options{Font: font, Lang: d.tag, Date: d.now}
	var cards []paper.IDCard
	for _, rec := range d.a.cmis[:min(smallBatch, len(d.a.cmis))] {
		st, err := card.NewStudent(rec.RegistryNo, rec.Name, rec.Gender, d.a.school(), d.a.name, d.now)
		if err != nil {
			return d.expect(err, "reading %s", rec.RegistryNo)
		}
		cards = append(cards, paper.IDCard{Student: st, Photo: d.a.photos[d.a.photoOf[rec.RegistryNo.String()]]})
	}
	city := d.text("Beijing Municipal Education Commission (01)")
	jobs := []struct {
		file  string
		write func(*bytes.Buffer) error
	}{
		{"HANDOVER_01.pdf", func(b *bytes.Buffer) error {
			return paper.HandoverSheet(b, d.papers.citySheet, paper.Sheet{No: "H01-" + d.now.Format("20060102"), From: city, To: d.text("the districts")}, opt)
		}},
		{"LABELS_01.pdf", func(b *bytes.Buffer) error { return paper.BoxLabels(b, d.papers.citySheet, opt) }},
		{"RECOVERY_" + d.a.code + ".pdf", func(b *bytes.Buffer) error {
			return paper.RecoverySlip(b, d.papers.recoveries, paper.Sheet{No: d.papers.recoveries[0].SlipNo, From: d.a.name, To: d.text("district %s", d.a.districtCode())}, opt)
		}},
		{"IDCARDS_" + d.a.code + ".pdf", func(b *bytes.Buffer) error { return paper.IDCards(b, cards, opt) }},
	}
	for _, j := range jobs {
		var b bytes.Buffer
		if err := j.write(&b); err != nil {
			return d.expect(err, "printing %s", j.file)
		}
		if err := d.check(bytes.HasPrefix(b.Bytes(), []byte("%PDF-")), "%s is a PDF", j.file); err != nil {
			return err
		}
		path := filepath.Join(d.papers.dir, j.file)
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			return d.expect(err, "writing %s", path)
		}
		d.say("   printed %s (%s KB)", path, strconv.Itoa((b.Len()+1023)/1024))
	}
	d.say("   %s ID cards printed at the district, fewer than 50 (C-MAKE-2), font %s", strconv.Itoa(len(cards)), filepath.Base(font.Name()))
	return nil
}
