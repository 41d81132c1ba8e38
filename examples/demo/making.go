package main

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/bjedu/studentcard/adapters/cmis"
	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/batch/batchtest"
	"github.com/bjedu/studentcard/card"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

// The story's students: school A has 40 (one with a rare character, three
// mistyped in CMIS), school B 8.
const (
	studentsA = 40
	studentsB = 8
	rareIdx   = 4  // school A's student whose name has a rare character (C-4)
	dateIdx   = 11 // school A's student whose birth date CMIS holds as 2018.01.01 (P-4)
	divIdx    = 26 // school A's student whose division code CMIS holds with 6 digits (P-4)
	typoIdx   = 17 // school A's student whose registry number was typed as a former student's (S-ID-1)
	rareName  = "李喆"
)

// stepMakeCards is step 1: the schools export their students from CMIS and
// import them with adapters/cmis, which lists every bad cell (P-4); school A
// fixes them in CMIS and exports again (C-3); each school writes its
// card-making data package from the imported records (C-MAKE-1); district
// 05 finds a registry number the ledger gave to another student (S-ID-1) and
// sends a failure file back (C-MAKE-2); the school fixes it in CMIS (C-3);
// both districts merge the accepted packages, rare-character descriptions
// included (C-4), for the city, which validates them the same way
// (C-MAKE-3).
func (d *demo) stepMakeCards() error {
	if err := d.setClock(2026, 6, 30, 16, 0); err != nil {
		return err
	}
	d.a.seed, d.b.seed = d.rng.Uint64(), d.rng.Uint64()
	former, err := d.formerStudent(d.a)
	if err != nil {
		return err
	}
	if err := d.setClock(2026, 8, 24, 9, 0); err != nil {
		return err
	}
	for _, s := range []*school{d.a, d.b} {
		n := studentsA
		if s == d.b {
			n = studentsB
		}
		if err := d.loadRoster(s, n, former); err != nil {
			return err
		}
	}
	r := d.a.roster[rareIdx].card
	d.say("   %s: the name of %s has the rare character 喆, not in GB2312: CMIS files a rare-character description (pinyin %s) (C-4)", d.a.code, r.RegistryNo, d.a.rare[0].NamePinyin)
	if err := d.badCells(); err != nil {
		return err
	}
	if err := d.importClean(d.b); err != nil {
		return err
	}
	if err := d.refusedUpload(former); err != nil {
		return err
	}
	districtFiles, err := d.acceptedUploads()
	if err != nil {
		return err
	}
	if err := d.validateAtCity(districtFiles); err != nil {
		return err
	}
	d.districtFiles = districtFiles
	return nil
}

// formerStudent is the ledger's memory of a student of school A who left
// Beijing in June: the 41st generated student, seat 41 of the class. The
// number stays that student's for good (S-ID-1).
func (d *demo) formerStudent(s *school) (batch.CardRecord, error) {
	rec, err := batchtest.Record(s.code, s.name, studentsA, s.seed)
	if err != nil {
		return rec, d.expect(err, "generating the students of %s", s.code)
	}
	key := "G" + rec.ResidentID
	if _, err := d.ledger.Enrol(d.ctx, s.op, lifecycle.Student{Key: key, Number: rec.RegistryNo.String(), Name: rec.Name,
		Gender: fmt.Sprint(int(rec.Gender)), IDNumber: rec.ResidentID}); err != nil {
		return rec, d.expect(err, "enrolling %s", rec.RegistryNo)
	}
	if _, err := d.ledger.Leave(d.ctx, s.op, key, "moved out of Beijing"); err != nil {
		return rec, d.expect(err, "recording the leaving")
	}
	d.say("   %s: %s of class 01 leaves Beijing; registry number %s stays that student's for good (S-ID-1)", s.code, mask(rec.Name), rec.RegistryNo)
	return rec, nil
}

// loadRoster fills a school's CMIS with generated students (batchtest),
// each with a generated 640×480 photo (C-2). In school A's CMIS one name
// has a rare character (C-4) and three students were mistyped: a birth date
// and a division code the CMIS import catches (P-4), and a registry number
// it cannot: the number of the former student.
func (d *demo) loadRoster(s *school, n int, former batch.CardRecord) error {
	for rec, err := range batchtest.Records(s.code, s.name, n, s.seed) {
		if err != nil {
			return d.expect(err, "generating the students of %s", s.code)
		}
		i := len(s.roster)
		if s == d.a && i == rareIdx {
			rec.Name = rareName
			s.rare = append(s.rare, batch.RareEntry{RegistryNo: rec.RegistryNo, NamePinyin: "LI ZHE", Glyph: "喆（左右结构，两个“吉”并列）",
				SchoolName: s.name, Contact: "王老师 010-62000000", ReportDate: d.now.Format("20060102")})
		}
		photo, err := d.photos.Photo(s.seed + uint64(i))
		if err != nil {
			return d.expect(err, "generating the photo of %s", rec.RegistryNo)
		}
		row := rosterRow{card: rec, division: rec.ResidentID[:6] + "000000", photo: fmt.Sprintf("P%03d.jpg", i+1)}
		s.photos[row.photo] = photo
		s.roster = append(s.roster, row)
	}
	d.say("   %s %s: %d students in CMIS, each with a 640×480 blue-background JPEG photo (C-2)", s.code, s.name, len(s.roster))
	if s == d.a {
		b := &s.roster[dateIdx].card
		b.BirthDate = b.BirthDate[6:] + "/" + b.BirthDate[4:6] + "/" + b.BirthDate[:4] // day/month/year: ambiguous
		s.roster[divIdx].division = s.roster[divIdx].division[:6]
		s.roster[typoIdx].card.RegistryNo = former.RegistryNo
	}
	return nil
}

// badCells is school A's first CMIS export: the importer lists both
// malformed cells, not just the first (P-4); the school fixes them in CMIS
// and exports again (C-3). The mistyped registry number passes: it is
// well-formed, of this school, with a valid check digit.
func (d *demo) badCells() error {
	res, err := d.exportAndImport(d.a)
	if err != nil {
		return err
	}
	for _, e := range res.Errors {
		d.say("     %s", l10n.Error(e, d.tag))
	}
	if err := d.check(res.Summary.Bad == 2 && len(res.Errors) == 2 && errors.Is(res.Errors[0], cmis.ErrDate) && res.Errors[0].Row == dateIdx+3 &&
		errors.Is(res.Errors[1], cmis.ErrDivisionCode) && res.Errors[1].Row == divIdx+3,
		"the CMIS import lists exactly the malformed birth date and division code (P-4)"); err != nil {
		return err
	}
	good, err := batchtest.Record(d.a.code, d.a.name, dateIdx, d.a.seed)
	if err != nil {
		return d.expect(err, "generating the students of %s", d.a.code)
	}
	d.a.roster[dateIdx].card.BirthDate = good.BirthDate
	d.a.roster[divIdx].division += "000000"
	d.say("   %s fixes both cells in CMIS and exports again (C-3)", d.a.code)
	return d.importClean(d.a)
}

// refusedUpload is school A's first upload: one registry number, well-formed
// and of this school, is the number the ledger gave the former student, so
// the district refuses the whole file and answers a failure file (C-MAKE-2,
// S-ID-1); the school fixes the record in CMIS, never downstream (C-3).
// Nothing of the refused file is stored.
func (d *demo) refusedUpload(former batch.CardRecord) error {
	bad := d.a.roster[typoIdx].card
	d.say("   %s: in CMIS the registry number of the student in row %d was typed %s, the former student's: well-formed, of this school, check digit valid — the CMIS import cannot tell", d.a.code, typoIdx+3, bad.RegistryNo)
	pkg, name, err := d.exportPackage(d.a)
	if err != nil {
		return err
	}
	rep, failures, err := d.validateAtDistrict(d.a, pkg, name)
	if err != nil {
		return err
	}
	d.say("   district %s validates %s: %d records, %d photos checked, %d record(s) failing → refused as a whole, failure file back to the school (C-MAKE-2)", d.a.op.District, name, rep.Records, rep.Photos, rep.Failed)
	if err := d.check(!rep.Accepted && rep.Failed == 1 && len(rep.Errors) == 1 && rep.Errors[0].Reason == batch.ReasonReassigned && errors.Is(rep.Errors[0], batch.ErrReassigned),
		"district refuses exactly the reused number (REASSIGNED)"); err != nil {
		return err
	}
	d.sayErr(rep.Errors[0], "     district sees: %s")
	if err := d.readFailures(failures, bad.RegistryNo.String()); err != nil {
		return err
	}
	id, err := studentid.Parse(bad.RegistryNo.String())
	if err != nil {
		return d.expect(err, "reading registry number %s", bad.RegistryNo)
	}
	rid, assigned, err := d.ledger.NumberHistory(d.a.district).AssignedTo(d.ctx, id)
	if err != nil {
		return d.expect(err, "asking the ledger about %s", bad.RegistryNo)
	}
	d.say("     the ledger's number history: %s was assigned to another resident ID number (the former student's): a number is never given to another student (S-ID-1)", bad.RegistryNo)
	if err := d.check(assigned && rid.String() == former.ResidentID && rid.String() != bad.ResidentID, "the ledger names the former student's resident ID for the reused number"); err != nil {
		return err
	}
	good, err := batchtest.Record(d.a.code, d.a.name, typoIdx, d.a.seed)
	if err != nil {
		return d.expect(err, "generating the students of %s", d.a.code)
	}
	d.a.roster[typoIdx].card.RegistryNo = good.RegistryNo
	d.say("   %s corrects the registry number in CMIS to %s and exports again (C-3)", d.a.code, good.RegistryNo)
	return d.importClean(d.a)
}

// acceptedUploads is the second upload of school A and the first of school
// B: each district accepts the whole file and stores it (C-MAKE-2): the
// ledger records the students, claiming their numbers for good (S-ID-1),
// and their ID cards; the district merges the package for the city. It
// returns the district packages.
func (d *demo) acceptedUploads() (map[*school][]byte, error) {
	districtFiles := map[*school][]byte{}
	for _, s := range []*school{d.a, d.b} {
		pkg, name, err := d.exportPackage(s)
		if err != nil {
			return nil, err
		}
		rep, _, err := d.validateAtDistrict(s, pkg, name)
		if err != nil {
			return nil, err
		}
		d.say("   district %s validates %s: %d records, %d photos, %d failing, every number checked against the ledger (S-ID-1) → accepted and stored (may print locally: %s, C-MAKE-2)", s.op.District, name, rep.Records, rep.Photos, rep.Failed, d.yes(rep.LocalPrint))
		if err := d.check(rep.Accepted && rep.Failed == 0 && rep.Records == int64(len(s.cmis)), "district accepts %s's upload", s.code); err != nil {
			return nil, err
		}
		if err := d.storeAccepted(s); err != nil {
			return nil, err
		}
		if districtFiles[s], err = d.mergeAtDistrict(s, pkg, name, rep.Digest); err != nil {
			return nil, err
		}
	}
	return districtFiles, nil
}

// storeAccepted records an accepted school file in the ledger: each
// student with the number claimed for good (S-ID-1) and the ID card
// submitted (C-MAKE-1) and validated by the district (C-MAKE-2).
func (d *demo) storeAccepted(s *school) error {
	for _, rec := range s.cmis {
		if _, err := d.ledger.Enrol(d.ctx, s.op, lifecycle.Student{Key: "G" + rec.ResidentID, Number: rec.RegistryNo.String(),
			Name: rec.Name, Gender: fmt.Sprint(int(rec.Gender)), IDNumber: rec.ResidentID}); err != nil {
			return d.expect(err, "enrolling %s", rec.RegistryNo)
		}
		if err := d.submitIDCard(s, rec); err != nil {
			return err
		}
	}
	if err := d.ledgerAll(s, s.district, lifecycle.ActValidateDistrict); err != nil {
		return err
	}
	d.say("     the ledger records %d students of %s (numbers claimed for good, S-ID-1) and their ID cards", len(s.cmis), s.code)
	return nil
}

// validateAtCity is C-MAKE-3: the city checks each district package the
// way the district checked the schools', rare names against the
// descriptions that came along (C-4), and sends the accepted ones to the
// card factory.
func (d *demo) validateAtCity(districtFiles map[*school][]byte) error {
	for _, s := range []*school{d.a, d.b} {
		pkg := districtFiles[s]
		name := districtFileName(s)
		v := batch.Validator{Level: studentid.LevelCity, Sender: s.districtCode(), Scheme: studentid.MOD11_10, History: d.ledger.NumberHistory(d.city)}
		rep, err := batch.CheckPackage(d.ctx, bytes.NewReader(pkg), int64(len(pkg)), name, v, d.photoRules())
		if err != nil {
			return d.expect(err, "validating %s at the city", name)
		}
		d.say("   city validates %s from district %s: %d records, %d photos, %d failing → accepted, sent to the card factory (C-MAKE-3)", name, s.op.District, rep.Records, rep.Photos, rep.Failed)
		if err := d.check(rep.Accepted && rep.Records == int64(len(s.cmis)) && rep.Photos == len(s.cmis) && len(rep.Warnings) == 0, "city accepts district %s's file", s.op.District); err != nil {
			return err
		}
		for _, a := range []lifecycle.Action{lifecycle.ActValidateCity, lifecycle.ActSendToFactory} {
			if err := d.ledgerAll(s, d.city, a); err != nil {
				return err
			}
		}
	}
	return nil
}

// submitIDCard records the student's ID card as submitted by the school
// (C-MAKE-1), valid until the summer the student's cohort graduates.
func (d *demo) submitIDCard(s *school, rec batch.CardRecord) error {
	id, err := studentid.Parse(rec.RegistryNo.String())
	if err != nil {
		return d.expect(err, "reading registry number %s", rec.RegistryNo)
	}
	cardID := "ID" + rec.RegistryNo.String() + "-1"
	if _, err := d.ledger.SubmitIDCard(d.ctx, s.op, cardID, id, card.ValidUntil(id)); err != nil {
		return d.expect(err, "submitting ID card %s", cardID)
	}
	s.idCard[rec.RegistryNo.String()] = cardID
	return nil
}

// exportPackage writes the school's card-making data package (C-MAKE-1)
// from the records imported from CMIS: the data file, the rare-character
// description and the photo each record's export row names.
func (d *demo) exportPackage(s *school) (pkg []byte, name string, err error) {
	s.batches++
	sender := batch.Header{Level: studentid.LevelSchool, Code: s.code, Batch: fmt.Sprintf("%s-%03d", d.now.Format("20060102"), s.batches), Created: d.now}
	name = fmt.Sprintf("CARDDATA_%s_%s.zip", s.code, sender.Batch)
	var buf bytes.Buffer
	pw := batch.NewPackageWriter(&buf)
	w, err := pw.CardData(sender)
	if err != nil {
		return nil, "", d.expect(err, "writing %s", name)
	}
	for _, r := range s.cmis {
		if err := w.WriteRecord(r.Fields()); err != nil {
			return nil, "", d.expect(err, "writing %s", name)
		}
	}
	if err := w.Close(); err != nil {
		return nil, "", d.expect(err, "writing %s", name)
	}
	rw, err := pw.RareChars(sender)
	if err != nil {
		return nil, "", d.expect(err, "writing %s", name)
	}
	for _, e := range s.rare {
		if err := rw.WriteRecord(e.Fields()); err != nil {
			return nil, "", d.expect(err, "writing %s", name)
		}
	}
	if err := rw.Close(); err != nil {
		return nil, "", d.expect(err, "writing %s", name)
	}
	for _, r := range s.cmis {
		jpeg := s.photos[s.photoOf[r.RegistryNo.String()]]
		if err := d.check(jpeg != nil, "the photo of %s is in the school's photo folder", r.RegistryNo); err != nil {
			return nil, "", err
		}
		p, err := pw.Photo(r.RegistryNo)
		if err == nil {
			_, err = p.Write(jpeg)
		}
		if err != nil {
			return nil, "", d.expect(err, "writing %s", name)
		}
	}
	if err := pw.Close(); err != nil {
		return nil, "", d.expect(err, "writing %s", name)
	}
	d.say("   %s exports %s: %d records, %d photos, %d rare-character description(s), %d KiB (C-MAKE-1)", s.code, name, len(s.cmis), len(s.cmis), len(s.rare), buf.Len()/1024)
	return buf.Bytes(), name, nil
}

// photoRules are the C-2 photo checks at their defaults, capture dates
// judged by the demo's clock.
func (d *demo) photoRules() batch.PhotoRules {
	return batch.PhotoRules{Now: func() time.Time { return d.now }}
}

// validateAtDistrict checks a school's package at its district (C-MAKE-2),
// asking the ledger about every registry number (S-ID-1), and returns the
// report and the failure file written while checking.
func (d *demo) validateAtDistrict(s *school, pkg []byte, name string) (*batch.PackageReport, []byte, error) {
	var failures bytes.Buffer
	sender := batch.Header{Level: studentid.LevelDistrict, Code: s.districtCode(), Batch: d.now.Format("20060102") + "-F", Created: d.now}
	fw, err := batch.NewFailureWriter(&failures, "FAILURE_"+name, sender)
	if err != nil {
		return nil, nil, d.expect(err, "starting the failure file")
	}
	v := batch.Validator{Level: studentid.LevelDistrict, Sender: s.code, Scheme: studentid.MOD11_10, History: d.ledger.NumberHistory(s.district), OnError: fw.Add}
	rep, err := batch.CheckPackage(d.ctx, bytes.NewReader(pkg), int64(len(pkg)), name, v, d.photoRules())
	if err != nil {
		return nil, nil, d.expect(err, "validating %s at the district", name)
	}
	if err := fw.Close(); err != nil {
		return nil, nil, d.expect(err, "closing the failure file")
	}
	if err := d.check(len(rep.Warnings) == 0, "every photo has a blue background (C-2)"); err != nil {
		return nil, nil, err
	}
	return rep, failures.Bytes(), nil
}

// readFailures is the school reading the failure file it got back: it says
// which record and field to fix in CMIS (C-3).
func (d *demo) readFailures(file []byte, want string) error {
	rows := 0
	_, err := batch.ReadFailures(d.ctx, bytes.NewReader(file), "failure file", func(f batch.Failure) error {
		rows++
		d.say("     failure file row: %s line %d, registry number %s, field %s, code %s", f.SourceFile, f.Line, f.RawRegistryNo, f.Field, f.Reason)
		return d.check(f.RawRegistryNo == want && f.Field == "registry_no" && f.Reason == batch.ReasonReassigned, "the failure file names the reused registry number")
	})
	if err != nil {
		return d.expect(err, "reading the failure file")
	}
	return d.check(rows == 1, "the failure file has one row")
}

// mergeAtDistrict is the district's card-making package for the city
// (C-MAKE-2): batch.MergePackage merges the accepted school packages — one
// here — carrying the rare-character descriptions (C-4) and the photos. The
// merge forwards only the bytes the district accepted (their digest).
func (d *demo) mergeAtDistrict(s *school, pkg []byte, name string, accepted []byte) ([]byte, error) {
	var out bytes.Buffer
	sender := batch.Header{Level: studentid.LevelDistrict, Code: s.districtCode(), Batch: d.now.Format("20060102") + "-001", Created: d.now}
	sum, err := batch.MergePackage(d.ctx, &out, sender, batch.PackageSource{Name: name, R: bytes.NewReader(pkg), Size: int64(len(pkg)), Accepted: accepted})
	if err != nil {
		return nil, d.expect(err, "merging at district %s", s.op.District)
	}
	d.say("   district %s merges the accepted package into %s for the city: %d records, %d photos, %d rare-character description(s) carried along (C-4)", s.op.District, districtFileName(s), sum.Records, sum.Photos, sum.RareEntries)
	if err := d.check(sum.Records == int64(len(s.cmis)) && sum.Photos == int64(len(s.cmis)) && sum.RareEntries == int64(len(s.rare)), "the district package holds every record, photo and description"); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func districtFileName(s *school) string {
	return fmt.Sprintf("CARDDATA_%s.zip", s.districtCode())
}

// ledgerAll applies one transition to the current ID card of every student
// of a school.
func (d *demo) ledgerAll(s *school, op lifecycle.Operator, a lifecycle.Action) error {
	for _, r := range s.cmis {
		if _, err := d.ledger.Transition(d.ctx, op, lifecycle.Request{CardID: s.idCard[r.RegistryNo.String()], Action: a}); err != nil {
			return d.expect(err, "%s on %s", a.Localize(d.tag), s.idCard[r.RegistryNo.String()])
		}
	}
	return nil
}
