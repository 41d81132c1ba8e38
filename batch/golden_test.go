package batch_test

import (
	"archive/zip"
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/batch/batchtest"
	"github.com/bjedu/studentcard/studentid"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create %s", path)
	assert.Equal(t, string(want), string(got), "%s differs; if intended, run go test ./batch -run Golden -update", path)
}

var exampleTime = time.Date(2026, 9, 1, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))

func schoolSender() batch.Header {
	return batch.Header{Level: studentid.LevelSchool, Code: school, Batch: "S20260901-01", Created: exampleTime}
}

func districtSender() batch.Header {
	return batch.Header{Level: studentid.LevelDistrict, Code: "0101", Batch: "D20260902-01", Created: exampleTime.Add(24 * time.Hour)}
}

func citySender() batch.Header {
	return batch.Header{Level: studentid.LevelCity, Code: "01", Batch: "C20261010-01", Created: exampleTime.AddDate(0, 1, 9)}
}

// exampleCards: five students, one with a rare character stored as pinyin.
func exampleCards(t *testing.T) []batch.CardRecord {
	recs := genRecords(t, 5)
	recs[4].Name = "王yan" // 王䶮: CMIS stores the rare character in pinyin (C-4)
	return recs
}

func exampleRare(recs []batch.CardRecord) []batch.RareEntry {
	return []batch.RareEntry{{RegistryNo: recs[4].RegistryNo, NamePinyin: "王yan", Glyph: "䶮（上龍下天，音yǎn）",
		SchoolName: schoolName, Contact: "李老师 010-12345678", ReportDate: "20260901"}}
}

func writeRecs[T interface{ Fields() []string }](t *testing.T, spec batch.Spec, sender batch.Header, recs []T) []byte {
	var buf bytes.Buffer
	w, err := spec.NewWriter(&buf, spec.Kind, sender)
	require.NoError(t, err)
	for _, r := range recs {
		require.NoError(t, w.WriteRecord(r.Fields()))
	}
	require.NoError(t, w.Close())
	return buf.Bytes()
}

func TestGoldenCardDataAndPackage(t *testing.T) {
	t.Run("C-MAKE-1/C-1/C-2/C-4/worked example of the upload package", func(t *testing.T) {
		ctx := context.Background()
		recs := exampleCards(t)
		data := writeRecs(t, batch.CardData, schoolSender(), recs)
		golden(t, "carddata.txt", data)
		rare := writeRecs(t, batch.RareChars, schoolSender(), exampleRare(recs))
		golden(t, "rarechars.txt", rare)

		// C-MAKE-1: the school's upload package, C-1/C-2/C-4.
		var pkg bytes.Buffer
		pw := batch.NewPackageWriter(&pkg)
		dw, err := pw.CardData(schoolSender())
		require.NoError(t, err)
		for _, r := range recs {
			require.NoError(t, dw.WriteRecord(r.Fields()))
		}
		require.NoError(t, dw.Close())
		rw, err := pw.RareChars(schoolSender())
		require.NoError(t, err)
		for _, e := range exampleRare(recs) {
			require.NoError(t, rw.WriteRecord(e.Fields()))
		}
		require.NoError(t, rw.Close())
		photo, err := batchtest.Photo(1)
		require.NoError(t, err)
		for _, r := range recs {
			w, err := pw.Photo(r.RegistryNo)
			require.NoError(t, err)
			_, err = w.Write(photo)
			require.NoError(t, err)
		}
		require.NoError(t, pw.Close())
		golden(t, "package.zip", pkg.Bytes())

		// C-MAKE-2: the district accepts it whole.
		rep, err := batch.CheckPackage(ctx, bytes.NewReader(pkg.Bytes()), int64(pkg.Len()), "package.zip", districtValidator(), batch.PhotoRules{})
		require.NoError(t, err)
		assert.True(t, rep.Accepted, "%v", rep.Errors)
		assert.Equal(t, 5, rep.Photos)
		assert.Empty(t, rep.Warnings)
		assert.True(t, rep.LocalPrint, "C-MAKE-2: 5 cards may be printed at the district")

		zr, err := zip.NewReader(bytes.NewReader(pkg.Bytes()), int64(pkg.Len()))
		require.NoError(t, err)
		assert.Len(t, zr.File, 7, "data, description and five photos")

		// the same package without its rare-character entry is refused (C-4)
		var bare bytes.Buffer
		zw := zip.NewWriter(&bare)
		for _, f := range zr.File {
			if f.Name != batch.PackageRare {
				require.NoError(t, zw.Copy(f))
			}
		}
		require.NoError(t, zw.Close())
		rep, err = batch.CheckPackage(ctx, bytes.NewReader(bare.Bytes()), int64(bare.Len()), "package.zip", districtValidator(), batch.PhotoRules{})
		require.NoError(t, err)
		assert.False(t, rep.Accepted, "C-4: a pinyin name without its description is refused")
		require.Len(t, rep.Errors, 1)
		assert.Equal(t, batch.ReasonNameCharset, rep.Errors[0].Reason)
		assert.Equal(t, 7, rep.Errors[0].Line)
	})
}

func TestGoldenFailureFile(t *testing.T) {
	t.Run("C-3/C-MAKE-2/failure file tells the school what to fix", func(t *testing.T) {
		recs := exampleCards(t)
		recs[1].BirthDate = "20120230"                             // no such date
		recs[2].RegistryNo = recs[0].RegistryNo                    // duplicate
		recs[3].Gender = 3 - recs[3].Gender                        // disagrees with the resident ID
		data := writeRecs(t, batch.CardData, schoolSender(), recs) // and no rare-character entry for recs[4]
		var out bytes.Buffer
		fw, err := batch.NewFailureWriter(&out, "failures.txt", districtSender())
		require.NoError(t, err)
		v := districtValidator()
		v.OnError = fw.Add
		rep, err := v.Validate(context.Background(), bytes.NewReader(data), "carddata.txt")
		require.NoError(t, err)
		require.NoError(t, fw.Close())
		assert.False(t, rep.Accepted)
		assert.EqualValues(t, 4, rep.Failed)
		golden(t, "failures.txt", out.Bytes())
	})
}

func exampleResults(t *testing.T) []batch.ResultRecord {
	var out []batch.ResultRecord
	for i, sc := range []struct {
		school string
		n      int
	}{{"01010123", 7}, {"01011045", 4}, {"01020007", 3}} {
		for j := 0; j < sc.n; j++ {
			r, err := batchtest.Record(sc.school, "学校"+sc.school, j*500, 3)
			require.NoError(t, err)
			rr := batch.ResultRecord{RegistryNo: r.RegistryNo, Name: r.Name, SchoolName: r.SchoolName, Status: batch.StatusOK, FactoryBatch: "F2026-07"}
			if i == 0 && j == 6 {
				rr.Status, rr.WasteReason = batch.StatusWaste, batch.WasteData
			}
			out = append(out, rr)
		}
	}
	return out
}

func factorySender() batch.Header {
	return batch.Header{Level: studentid.LevelFactory, Code: "FAC01", Batch: "F2026-07", Created: exampleTime.AddDate(0, 1, 8)}
}

func TestGoldenResultAndHandover(t *testing.T) {
	t.Run("C-ISSUE-1/C-PACK-1/result file, handover sheet and labels", func(t *testing.T) {
		ctx := context.Background()
		var res bytes.Buffer
		require.NoError(t, batch.WriteResults(&res, "results.txt", factorySender(), exampleResults(t)))
		golden(t, "results.txt", res.Bytes())

		h, err := batch.BuildHandover(ctx, bytes.NewReader(res.Bytes()), "results.txt", "01", batch.BoxSizes{Big: 6, Small: 2})
		require.NoError(t, err)
		var sheet bytes.Buffer
		require.NoError(t, h.Write(&sheet, "handover.txt", citySender()))
		golden(t, "handover.txt", sheet.Bytes())
		back, err := batch.ReadHandover(ctx, bytes.NewReader(sheet.Bytes()), "handover.txt", "01", batch.BoxSizes{Big: 6, Small: 2})
		require.NoError(t, err)
		assert.Equal(t, h, back)
		bigs, smalls := h.Labels()
		var labels bytes.Buffer
		for _, b := range bigs {
			labels.WriteString(b.String() + "\n")
		}
		for _, s := range smalls {
			labels.WriteString(s.String() + "\n")
		}
		golden(t, "labels.txt", labels.Bytes())
	})
}

func TestGoldenSlips(t *testing.T) {
	t.Run("R-ISSUE-4/R-ISSUE-5/R-FAULT-1/R-RECOVER-1/worked slips", func(t *testing.T) {
		ctx := context.Background()
		recs := genRecords(t, 3)
		ids := []studentid.ID{recs[0].RegistryNo, recs[1].RegistryNo, recs[2].RegistryNo}
		at := exampleTime.AddDate(0, 1, 20)
		sender := schoolSender()
		sender.Created = at.Add(48 * time.Hour)

		var perso bytes.Buffer
		require.NoError(t, batch.WritePerso(&perso, "perso.txt", sender, []batch.PersoRecord{
			{RegistryNo: ids[0], CardSerial: "04A1B2C3D4E5F6", At: at, Result: batch.PersoOK, Channel: batch.ChannelNet, Operator: "张老师"},
			{RegistryNo: ids[1], CardSerial: "04A1B2C3D4E5F7", At: at.Add(time.Minute), Result: batch.PersoFail, Channel: batch.ChannelDisk, Operator: "张老师"},
			{RegistryNo: ids[1], CardSerial: "04A1B2C3D4E5F8", At: at.Add(2 * time.Minute), Result: batch.PersoOK, Channel: batch.ChannelDisk, Operator: "张老师"},
		}))
		golden(t, "perso.txt", perso.Bytes())

		var filing bytes.Buffer
		var frecs []batch.FilingRecord
		for i, r := range recs {
			frecs = append(frecs, batch.FilingRecord{RegistryNo: ids[i], Name: r.Name, ResidentID: r.ResidentID, CardSerial: "04A1B2C3D4E5F" + string(rune('0'+i)), IssuedOn: "20261022"})
		}
		require.NoError(t, batch.WriteFiling(&filing, "filing.txt", sender, frecs))
		golden(t, "filing.txt", filing.Bytes())

		var faults bytes.Buffer
		require.NoError(t, batch.WriteFaults(&faults, "faults.txt", sender, []batch.FaultRecord{
			{SlipNo: "GZ-2026-001", CardSerial: "04A1B2C3D4E5F7", RegistryNo: ids[1], School: testSchool(school), Fault: batch.FaultPerso, FoundOn: "20261021", Level: studentid.LevelSchool, Handler: "张老师"},
			{SlipNo: "GZ-2026-001", CardSerial: "04FFEEDDCCBBAA", School: testSchool(school), Fault: batch.FaultBroken, FoundOn: "20261021", Level: studentid.LevelSchool, Handler: "张老师"},
		}))
		golden(t, "faults.txt", faults.Bytes())

		var rec bytes.Buffer
		require.NoError(t, batch.WriteRecoveries(&rec, "recoveries.txt", sender, []batch.RecoveryRecord{
			{SlipNo: "HS-2026-001", CardSerial: "04A1B2C3D4E5F0", RegistryNo: ids[0], Cohort: ids[0].Cohort(), EPurse: batch.EPurseRefunded, RecoveredOn: "20261022", Handler: "王老师"},
			{SlipNo: "HS-2026-001", CardSerial: "04A1B2C3D4E5F2", RegistryNo: ids[2], Cohort: ids[2].Cohort(), EPurse: batch.EPurseNone, RecoveredOn: "20261022", Handler: "王老师"},
		}))
		golden(t, "recoveries.txt", rec.Bytes())

		// every golden file reads back through its reader
		n := 0
		count := func(batch.Record, any) error { n++; return nil }
		_, err := batch.ReadPerso(ctx, bytes.NewReader(perso.Bytes()), "perso.txt", func(r batch.Record, p batch.PersoRecord) error { return count(r, p) })
		require.NoError(t, err)
		_, err = batch.ReadFiling(ctx, bytes.NewReader(filing.Bytes()), "filing.txt", func(r batch.Record, p batch.FilingRecord) error { return count(r, p) })
		require.NoError(t, err)
		_, err = batch.ReadFaults(ctx, bytes.NewReader(faults.Bytes()), "faults.txt", func(r batch.Record, p batch.FaultRecord) error { return count(r, p) })
		require.NoError(t, err)
		_, err = batch.ReadRecoveries(ctx, bytes.NewReader(rec.Bytes()), "recoveries.txt", func(r batch.Record, p batch.RecoveryRecord) error { return count(r, p) })
		require.NoError(t, err)
		assert.Equal(t, 10, n)
	})
}
