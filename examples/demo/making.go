package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"time"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/batch/batchtest"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

// The story's students: school A has 40 (one with a rare character, one
// mistyped in CMIS), school B 8.
const (
	studentsA = 40
	studentsB = 8
	rareIdx   = 4  // school A's student whose name has a rare character (C-4)
	typoIdx   = 17 // school A's student whose birth date is mistyped in CMIS
	rareName  = "李喆"
)

// stepMakeCards is step 1: both schools export their card-making data
// package (C-MAKE-1); district 05 finds school A's mistyped birth date and
// sends a failure file back (C-MAKE-2); the school fixes it in CMIS and
// exports again (C-3); both districts pass their files to the city, which
// validates them the same way (C-MAKE-3).
func (d *demo) stepMakeCards() error {
	if err := d.setClock(2026, 8, 24, 9, 0); err != nil {
		return err
	}
	for _, s := range []*school{d.a, d.b} {
		n := studentsA
		if s == d.b {
			n = studentsB
		}
		if err := d.importFromCMIS(s, n); err != nil {
			return err
		}
	}
	r := d.a.cmis[rareIdx]
	d.say("   %s: the name of %s has the rare character 喆, not in GB2312: CMIS files a rare-character description (pinyin %s) (C-4)", d.a.code, r.RegistryNo, d.a.rare[0].NamePinyin)
	if err := d.refusedUpload(); err != nil {
		return err
	}
	districtFiles, rareFiles, err := d.acceptedUploads()
	if err != nil {
		return err
	}
	if err := d.validateAtCity(districtFiles, rareFiles); err != nil {
		return err
	}
	d.districtFiles = districtFiles
	return nil
}

// refusedUpload is school A's first upload: a birth date mistyped in CMIS
// no longer agrees with the resident ID number, so the district refuses the
// whole file and answers a failure file (C-MAKE-2); the school fixes the
// record in CMIS, never downstream (C-3). Nothing of the refused file is
// stored; in the ledger only the failing record's ID card is rejected, the
// others wait for the corrected upload.
func (d *demo) refusedUpload() error {
	bad := &d.a.cmis[typoIdx]
	good := bad.BirthDate
	bad.BirthDate = shiftDate(good, 3)
	d.say("   %s: in CMIS the birth date of %s was typed %s (the resident ID number says %s)", d.a.code, bad.RegistryNo, bad.BirthDate, good)
	pkg, name, err := d.exportPackage(d.a)
	if err != nil {
		return err
	}
	rep, failures, err := d.validateAtDistrict(d.a, pkg, name)
	if err != nil {
		return err
	}
	d.say("   district %s validates %s: %d records, %d photos checked, %d record(s) failing → refused as a whole, failure file back to the school (C-MAKE-2)", d.a.op.District, name, rep.Records, rep.Photos, rep.Failed)
	if err := d.check(!rep.Accepted && rep.Failed == 1 && len(rep.Errors) == 1 && rep.Errors[0].Reason == batch.ReasonBirthDate,
		"district refuses exactly the mistyped record (BIRTH_DATE)"); err != nil {
		return err
	}
	d.sayErr(rep.Errors[0], "     district sees: %s")
	if err := d.readFailures(failures, bad.RegistryNo); err != nil {
		return err
	}
	if _, err := d.ledger.Transition(d.ctx, d.a.district, lifecycle.Request{CardID: d.a.idCard[bad.RegistryNo], Action: lifecycle.ActReject, Reason: "BIRTH_DATE"}); err != nil {
		return d.expect(err, "rejecting the failing record in the ledger")
	}
	bad.BirthDate = good
	if err := d.submitIDCard(d.a, *bad); err != nil {
		return err
	}
	d.say("   %s fixes the birth date in CMIS and exports again (C-3)", d.a.code)
	return nil
}

// acceptedUploads is the second upload of school A and the first of school
// B: each district accepts the whole file, stores it and makes its
// card-making file for the city (C-MAKE-2). It returns the district files
// and the rare-character descriptions that travel with them.
func (d *demo) acceptedUploads() (districtFiles, rareFiles map[*school][]byte, err error) {
	districtFiles, rareFiles = map[*school][]byte{}, map[*school][]byte{}
	for _, s := range []*school{d.a, d.b} {
		pkg, name, err := d.exportPackage(s)
		if err != nil {
			return nil, nil, err
		}
		rep, _, err := d.validateAtDistrict(s, pkg, name)
		if err != nil {
			return nil, nil, err
		}
		d.say("   district %s validates %s: %d records, %d photos, %d failing, every number checked against the ledger (S-ID-1) → accepted and stored (may print locally: %s, C-MAKE-2)", s.op.District, name, rep.Records, rep.Photos, rep.Failed, d.yes(rep.LocalPrint))
		if err := d.check(rep.Accepted && rep.Failed == 0 && rep.Records == int64(len(s.cmis)), "district accepts %s's upload", s.code); err != nil {
			return nil, nil, err
		}
		if err := d.ledgerAll(s, s.district, lifecycle.ActValidateDistrict); err != nil {
			return nil, nil, err
		}
		if districtFiles[s], rareFiles[s], err = d.mergeAtDistrict(s, pkg, name); err != nil {
			return nil, nil, err
		}
	}
	return districtFiles, rareFiles, nil
}

// validateAtCity is C-MAKE-3: the city validates each district file the
// same way, with the rare-character descriptions that came with it, and
// sends the accepted files to the card factory.
func (d *demo) validateAtCity(districtFiles, rareFiles map[*school][]byte) error {
	for _, s := range []*school{d.a, d.b} {
		rare, err := batch.ReadRareChars(d.ctx, bytes.NewReader(rareFiles[s]), "rarechars.txt", s.code)
		if err != nil {
			return d.expect(err, "reading the rare-character description")
		}
		v := batch.Validator{Level: batch.LevelCity, Sender: s.districtCode(), Scheme: studentid.MOD11_10, History: ledgerHistory{d.store}, Rare: rare}
		name := districtFileName(s)
		rep, err := v.Validate(d.ctx, bytes.NewReader(districtFiles[s]), name)
		if err != nil {
			return d.expect(err, "validating %s at the city", name)
		}
		d.say("   city validates %s from district %s: %d records, %d failing → accepted, sent to the card factory (C-MAKE-3)", name, s.op.District, rep.Records, rep.Failed)
		if err := d.check(rep.Accepted && rep.Records == int64(len(s.cmis)), "city accepts district %s's file", s.op.District); err != nil {
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

// importFromCMIS loads a school's students from its CMIS (generated data)
// into the ledger (C-MAKE-1) and records their ID cards as submitted.
func (d *demo) importFromCMIS(s *school, n int) error {
	seed := d.rng.Uint64()
	for rec, err := range batchtest.Records(s.code, s.name, n, seed) {
		if err != nil {
			return d.expect(err, "generating the students of %s", s.code)
		}
		i := len(s.cmis)
		if s == d.a && i == rareIdx {
			rec.Name = rareName
			s.rare = append(s.rare, batch.RareEntry{RegistryNo: rec.RegistryNo, NamePinyin: "LI ZHE", Glyph: "喆（左右结构，两个“吉”并列）",
				SchoolName: s.name, Contact: "王老师 010-62000000", ReportDate: d.now.Format("20060102")})
		}
		photo, err := batchtest.Photo(seed + uint64(i))
		if err != nil {
			return d.expect(err, "generating the photo of %s", rec.RegistryNo)
		}
		s.photos[rec.RegistryNo] = photo
		s.cmis = append(s.cmis, rec)
		if _, err := d.ledger.Enrol(d.ctx, s.op, lifecycle.Student{Key: "G" + rec.ResidentID, Number: rec.RegistryNo,
			Name: rec.Name, Gender: fmt.Sprint(int(rec.Gender)), IDNumber: rec.ResidentID}); err != nil {
			return d.expect(err, "enrolling %s", rec.RegistryNo)
		}
		if err := d.submitIDCard(s, rec); err != nil {
			return err
		}
	}
	d.say("   %s %s: %d students imported from CMIS into the ledger (numbers claimed for good, S-ID-1), each with a 640×480 blue-background JPEG photo (C-2)", s.code, s.name, len(s.cmis))
	return nil
}

// submitIDCard records the student's ID card as submitted by the school
// (C-MAKE-1), valid until the summer the student's cohort graduates.
func (d *demo) submitIDCard(s *school, rec batch.CardRecord) error {
	id, err := studentid.Parse(rec.RegistryNo)
	if err != nil {
		return d.expect(err, "reading registry number %s", rec.RegistryNo)
	}
	cardID := fmt.Sprintf("ID%s-%d", rec.RegistryNo, s.batches+1)
	validUntil := time.Date(2000+id.Cohort(), 8, 31, 0, 0, 0, 0, d.now.Location())
	if _, err := d.ledger.SubmitIDCard(d.ctx, s.op, cardID, id, validUntil); err != nil {
		return d.expect(err, "submitting ID card %s", cardID)
	}
	s.idCard[rec.RegistryNo] = cardID
	return nil
}

// exportPackage writes the school's card-making data package (C-MAKE-1):
// the data file, the rare-character description and one photo per record.
func (d *demo) exportPackage(s *school) (pkg []byte, name string, err error) {
	s.batches++
	sender := batch.Header{Level: batch.LevelSchool, Code: s.code, Batch: fmt.Sprintf("%s-%03d", d.now.Format("20060102"), s.batches), Created: d.now}
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
		p, err := pw.Photo(r.RegistryNo)
		if err == nil {
			_, err = p.Write(s.photos[r.RegistryNo])
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

// validateAtDistrict checks a school's package at its district (C-MAKE-2)
// and returns the report and the failure file written while checking.
func (d *demo) validateAtDistrict(s *school, pkg []byte, name string) (*batch.PackageReport, []byte, error) {
	var failures bytes.Buffer
	sender := batch.Header{Level: batch.LevelDistrict, Code: s.districtCode(), Batch: d.now.Format("20060102") + "-F", Created: d.now}
	fw, err := batch.NewFailureWriter(&failures, "FAILURE_"+name, sender)
	if err != nil {
		return nil, nil, d.expect(err, "starting the failure file")
	}
	v := batch.Validator{Level: batch.LevelDistrict, Sender: s.code, Scheme: studentid.MOD11_10, History: ledgerHistory{d.store}, OnError: fw.Add}
	rep, err := batch.CheckPackage(d.ctx, bytes.NewReader(pkg), int64(len(pkg)), name, v, batch.PhotoRules{})
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
		d.say("     failure file row: %s line %d, registry number %s, field %s, code %s", f.SourceFile, f.Line, f.RegistryNo, f.Field, f.Reason)
		return d.check(f.RegistryNo == want && f.Field == "birth_date", "the failure file names the mistyped birth date")
	})
	if err != nil {
		return d.expect(err, "reading the failure file")
	}
	return d.check(rows == 1, "the failure file has one row")
}

// mergeAtDistrict is the district's card-making file for the city
// (C-MAKE-2), made from the school's accepted data file, and the
// rare-character description that travels with it (C-4).
func (d *demo) mergeAtDistrict(s *school, pkg []byte, name string) (file, rare []byte, err error) {
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		return nil, nil, d.expect(err, "opening %s", name)
	}
	entry := func(n string) ([]byte, error) {
		f, err := zr.Open(n)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return io.ReadAll(f)
	}
	data, err := entry(batch.PackageData)
	if err != nil {
		return nil, nil, d.expect(err, "reading %s", name)
	}
	if rare, err = entry(batch.PackageRare); err != nil {
		return nil, nil, d.expect(err, "reading %s", name)
	}
	var out bytes.Buffer
	sender := batch.Header{Level: batch.LevelDistrict, Code: s.districtCode(), Batch: d.now.Format("20060102") + "-001", Created: d.now}
	n, err := batch.MergeCardData(d.ctx, &out, districtFileName(s), sender, batch.Source{Name: name, R: bytes.NewReader(data)})
	if err != nil {
		return nil, nil, d.expect(err, "merging at district %s", s.op.District)
	}
	if err := d.check(n == int64(len(s.cmis)), "the district file holds every record"); err != nil {
		return nil, nil, err
	}
	return out.Bytes(), rare, nil
}

func districtFileName(s *school) string {
	return fmt.Sprintf("CARDDATA_%s.txt", s.districtCode())
}

// ledgerAll applies one transition to the current ID card of every student
// of a school.
func (d *demo) ledgerAll(s *school, op lifecycle.Operator, a lifecycle.Action) error {
	for _, r := range s.cmis {
		if _, err := d.ledger.Transition(d.ctx, op, lifecycle.Request{CardID: s.idCard[r.RegistryNo], Action: a}); err != nil {
			return d.expect(err, "%s on %s", a, s.idCard[r.RegistryNo])
		}
	}
	return nil
}

// shiftDate adds days to a YYYYMMDD date (the CMIS typo).
func shiftDate(yyyymmdd string, days int) string {
	t, err := time.Parse("20060102", yyyymmdd)
	if err != nil {
		return yyyymmdd
	}
	return t.AddDate(0, 0, days).Format("20060102")
}
