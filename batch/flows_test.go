package batch_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/batch/batchtest"
	"github.com/bjedu/studentcard/studentid"
)

// buffers is an open func for SplitResult collecting parts in memory.
type buffers map[string]*bytes.Buffer

func (b buffers) open(code string) (io.Writer, error) {
	b[code] = &bytes.Buffer{}
	return b[code], nil
}

func TestSplitResult(t *testing.T) {
	ctx := context.Background()
	var res bytes.Buffer
	require.NoError(t, batch.WriteResults(&res, "results.txt", factorySender(), exampleResults(t)))

	t.Run("C-ISSUE-1/city splits per district", func(t *testing.T) {
		parts := buffers{}
		counts, err := batch.SplitResult(ctx, bytes.NewReader(res.Bytes()), "results.txt", batch.ByDistrict, citySender(), parts.open)
		require.NoError(t, err)
		assert.Equal(t, map[string]int64{"0101": 11, "0102": 3}, counts)
		for code, buf := range parts {
			n := 0
			_, err := batch.ReadResults(ctx, bytes.NewReader(buf.Bytes()), code, func(_ batch.Record, r batch.ResultRecord) error {
				assert.Equal(t, code, r.RegistryNo.District().String())
				n++
				return nil
			})
			require.NoError(t, err)
			assert.EqualValues(t, counts[code], n)
		}
	})
	t.Run("C-ISSUE-2/district splits per school", func(t *testing.T) {
		parts := buffers{}
		counts, err := batch.SplitResult(ctx, bytes.NewReader(parts0101(t, ctx, res.Bytes())), "0101.txt", batch.BySchool, districtSender(), parts.open)
		require.NoError(t, err)
		assert.Equal(t, map[string]int64{"01010123": 7, "01011045": 4}, counts)
	})
	t.Run("C-ISSUE-1/truncated result file leaves every part refused", func(t *testing.T) {
		parts := buffers{}
		cut := res.Bytes()[:res.Len()-20]
		_, err := batch.SplitResult(ctx, bytes.NewReader(cut), "results.txt", batch.ByDistrict, citySender(), parts.open)
		require.ErrorIs(t, err, batch.ErrTruncated)
		require.NotEmpty(t, parts)
		for code, buf := range parts {
			_, err := batch.Verify(ctx, bytes.NewReader(buf.Bytes()), code)
			assert.ErrorIs(t, err, batch.ErrTruncated, "part %s must not be usable", code)
		}
	})
}

func parts0101(t *testing.T, ctx context.Context, res []byte) []byte {
	parts := buffers{}
	_, err := batch.SplitResult(ctx, bytes.NewReader(res), "results.txt", batch.ByDistrict, citySender(), parts.open)
	require.NoError(t, err)
	return parts["0101"].Bytes()
}

func TestWasteRate(t *testing.T) {
	for _, tc := range []struct {
		name        string
		data, print int
		liable      bool
	}{
		{"C-5/3 of 100 data errors is not over 3%", 3, 5, false},
		{"C-5/4 of 100 data errors carries liability", 4, 0, true},
		{"C-5/factory waste does not count", 0, 20, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var recs []batch.ResultRecord
			for i := 0; i < 100; i++ {
				r := must(batchtest.Record(school, schoolName, i, 1))
				rr := batch.ResultRecord{RegistryNo: r.RegistryNo, Name: r.Name, SchoolName: r.SchoolName, Status: batch.StatusOK, FactoryBatch: "F1"}
				switch {
				case i < tc.data:
					rr.Status, rr.WasteReason = batch.StatusWaste, batch.WasteData
				case i < tc.data+tc.print:
					rr.Status, rr.WasteReason = batch.StatusWaste, batch.WastePrint
				}
				recs = append(recs, rr)
			}
			var buf bytes.Buffer
			require.NoError(t, batch.WriteResults(&buf, "r.txt", factorySender(), recs))
			w, err := batch.CheckWaste(context.Background(), &buf, "r.txt")
			require.NoError(t, err)
			assert.EqualValues(t, 100, w.Cards)
			assert.EqualValues(t, tc.data, w.DataErrors)
			assert.EqualValues(t, tc.print, w.Factory)
			assert.Equal(t, tc.liable, w.Liable)
		})
	}
}

func TestMergeAndCityValidation(t *testing.T) {
	ctx := context.Background()
	a := cardFile(t, batchtest.School("01010123", created), genRecords(t, 30))
	var other []batch.CardRecord
	for r, err := range batchtest.Records("01011045", "第二中学", 25, 2) {
		require.NoError(t, err)
		other = append(other, r)
	}
	b := cardFile(t, batchtest.School("01011045", created), other)

	t.Run("C-MAKE-2/district file from accepted school files, C-MAKE-3/accepted at the city", func(t *testing.T) {
		var out bytes.Buffer
		n, err := batch.MergeCardData(ctx, &out, "d.txt", districtSender(), acceptedSource(t, "a", a), acceptedSource(t, "b", b))
		require.NoError(t, err)
		assert.EqualValues(t, 55, n)
		v := batch.Validator{Level: studentid.LevelCity, Sender: "0101", Scheme: studentid.MOD11_10}
		rep, err := v.Validate(ctx, bytes.NewReader(out.Bytes()), "d.txt")
		require.NoError(t, err)
		assert.True(t, rep.Accepted, "%v", rep.Errors)
		assert.False(t, rep.LocalPrint, "local printing is the district's option, not the city's")
	})
	t.Run("C-MAKE-3/city refuses a district file with another district's student", func(t *testing.T) {
		var out bytes.Buffer
		_, err := batch.MergeCardData(ctx, &out, "d.txt", districtSender(), acceptedSource(t, "a", a))
		require.NoError(t, err)
		v := batch.Validator{Level: studentid.LevelCity, Sender: "0102"}
		rep, err := v.Validate(ctx, bytes.NewReader(out.Bytes()), "d.txt")
		require.NoError(t, err)
		assert.False(t, rep.Accepted)
		assert.Equal(t, batch.ReasonSender, rep.Errors[0].Reason)
	})
	t.Run("C-MAKE-2/merge refuses a school of another district", func(t *testing.T) {
		c := cardFile(t, batchtest.School("01020007", created), nil)
		_, err := batch.MergeCardData(ctx, io.Discard, "d.txt", districtSender(), acceptedSource(t, "c", c))
		assert.ErrorIs(t, err, batch.ErrSender)
	})
	t.Run("C-MAKE-2/truncated input leaves the merged file refused", func(t *testing.T) {
		var out bytes.Buffer
		_, err := batch.MergeCardData(ctx, &out, "d.txt", districtSender(), acceptedSource(t, "a", a), batch.Source{Name: "b", R: bytes.NewReader(b[:len(b)-3]), Accepted: acceptedSource(t, "b", b).Accepted})
		require.ErrorIs(t, err, batch.ErrTruncated)
		_, err = batch.Verify(ctx, bytes.NewReader(out.Bytes()), "d.txt")
		assert.ErrorIs(t, err, batch.ErrTruncated)
	})
	t.Run("C-MAKE-2/under 50 cards may print at the district", func(t *testing.T) {
		for n, want := range map[int]bool{49: true, 50: false} {
			rep, err := districtValidator().Validate(ctx, bytes.NewReader(cardFile(t, batchtest.School(school, created), genRecords(t, n))), "x")
			require.NoError(t, err)
			assert.True(t, rep.Accepted)
			assert.Equal(t, want, rep.LocalPrint, "%d cards", n)
		}
		assert.False(t, batch.MayPrintLocally(0))
	})
}

func TestCardDataStructureRefused(t *testing.T) {
	ctx := context.Background()
	good := cardFile(t, batchtest.School(school, created), genRecords(t, 10))
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"C-MAKE-2/truncated", good[:len(good)-30], batch.ErrTruncated},
		{"C-MAKE-2/re-ordered", swapLines(good, 3, 4), batch.ErrDigest},
		{"C-MAKE-2/tampered", bytes.Replace(good, []byte(",2018"), []byte(",2019"), 1), batch.ErrDigest},
		{"C-MAKE-2/not card data", writeRecs(t, batch.RareChars, schoolSender(), exampleRare(genRecords(t, 5))), batch.ErrKind},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := districtValidator().Validate(ctx, bytes.NewReader(tc.data), "carddata.txt")
			require.NoError(t, err)
			assert.False(t, rep.Accepted)
			require.NotEmpty(t, rep.Errors)
			last := rep.Errors[len(rep.Errors)-1]
			assert.ErrorIs(t, last, tc.want)
			assert.Equal(t, batch.ReasonEnvelope, last.Reason)
		})
	}
}

func swapLines(data []byte, i, j int) []byte {
	lines := bytes.SplitAfter(data, []byte("\n"))
	lines[i], lines[j] = lines[j], lines[i]
	return bytes.Join(lines, nil)
}

func TestPacking(t *testing.T) {
	ctx := context.Background()
	k := func(batchNo, school string, cat, cohort int) batch.GroupKey {
		return batch.GroupKey{FactoryBatch: batchNo, School: testSchool(school), Category: studentid.StudentCategory(cat), Cohort: cohort}
	}
	counts := []batch.GroupCount{
		{GroupKey: k("F1", "01010123", 0, 30), SchoolName: "甲", Count: 250},
		{GroupKey: k("F1", "01010123", 0, 31), SchoolName: "甲", Count: 40},
		{GroupKey: k("F1", "01010123", 4, 30), SchoolName: "甲", Count: 3},
		{GroupKey: k("F1", "01020007", 0, 30), SchoolName: "乙", Count: 10},
		{GroupKey: k("F2", "01010123", 0, 30), SchoolName: "甲", Count: 5},
	}
	h := batch.Pack(counts, batch.BoxSizes{Big: 300, Small: 100})
	t.Run("C-PACK-1/boxes never mix", func(t *testing.T) {
		type bigInfo struct {
			batch    string
			district studentid.District
			count    int
		}
		bigs := map[string]*bigInfo{}
		for _, r := range h.Rows {
			assert.LessOrEqual(t, r.Count, 100)
			b := bigs[r.BigBox]
			if b == nil {
				b = &bigInfo{batch: r.FactoryBatch, district: r.District()}
				bigs[r.BigBox] = b
			}
			assert.Equal(t, b.batch, r.FactoryBatch, "big box %s mixes factory batches", r.BigBox)
			assert.Equal(t, b.district, r.District(), "big box %s mixes districts", r.BigBox)
			b.count += r.Count
			assert.LessOrEqual(t, b.count, 300)
		}
		assert.Equal(t, 308, h.Total())
		assert.Equal(t, counts, sortedCounts(h.Counts()))
		bigLabels, smallLabels := h.Labels()
		assert.Len(t, smallLabels, len(h.Rows))
		sum := 0
		for _, l := range bigLabels {
			sum += l.Count
			assert.Contains(t, l.String(), l.FactoryBatch, "C-PACK-1: a big box states its factory batch")
		}
		assert.Equal(t, 308, sum)
		assert.Contains(t, smallLabels[0].String(), "01010123")
		assert.Contains(t, smallLabels[0].String(), "30届")
	})
	t.Run("C-ISSUE-2/district and school sheets", func(t *testing.T) {
		assert.Equal(t, 10, h.ForDistrict(testDistrict("0102")).Total())
		assert.Equal(t, 3, h.ForDistrict(testDistrict("0101")).ForSchool(testSchool("01010123")).Counts()[2].Count)
		assert.Zero(t, h.ForSchool(testSchool("01020123")).Total())
	})
	t.Run("C-PACK-1/a sheet mixing districts in a big box is refused", func(t *testing.T) {
		bad := batch.Handover{Rows: []batch.HandoverRow{
			{GroupCount: counts[0], BigBox: "B1", SmallBox: "B1-1"},
			{GroupCount: counts[3], BigBox: "B1", SmallBox: "B1-2"},
		}}
		bad.Rows[0].Count = 50
		var buf bytes.Buffer
		require.NoError(t, bad.Write(&buf, "h.txt", citySender()))
		_, err := batch.ReadHandover(ctx, &buf, "h.txt", "01", batch.BoxSizes{})
		assert.ErrorIs(t, err, batch.ErrPacking)
	})
	t.Run("C-ISSUE-4/counted cards differ: the sheet is regenerated", func(t *testing.T) {
		counted := batch.Tally{}
		for _, g := range counts {
			counted[g.GroupKey] = g.Count
		}
		diffs, regen, err := batch.Reconcile(h, counted, "01", batch.BoxSizes{Big: 300, Small: 100})
		require.NoError(t, err)
		assert.Empty(t, diffs)
		assert.Nil(t, regen)

		counted[counts[1].GroupKey] = 39 // one card missing
		id := must(batchtest.Record("01020007", "乙", 0, 1)).RegistryNo
		counted.Add("F1", id) // one card too many
		diffs, regen, err = batch.Reconcile(h, counted, "01", batch.BoxSizes{Big: 300, Small: 100})
		require.ErrorIs(t, err, batch.ErrMismatch)
		require.Len(t, diffs, 2)
		assert.Equal(t, 40, diffs[0].Sheet)
		assert.Equal(t, 39, diffs[0].Counted)
		assert.Equal(t, 11, diffs[1].Counted)
		require.NotNil(t, regen)
		assert.Equal(t, 308, regen.Total())
		again, _, err := batch.Reconcile(regen, counted, "01", batch.BoxSizes{})
		assert.NoError(t, err, "the regenerated sheet matches the cards")
		assert.Empty(t, again)
	})
}

func sortedCounts(c []batch.GroupCount) []batch.GroupCount {
	sort.Slice(c, func(i, j int) bool {
		a, b := c[i], c[j]
		if a.FactoryBatch != b.FactoryBatch {
			return a.FactoryBatch < b.FactoryBatch
		}
		if a.School != b.School {
			return a.School.Compare(b.School) < 0
		}
		if a.Category != b.Category {
			return a.Category < b.Category
		}
		return a.Cohort < b.Cohort
	})
	return c
}

func TestSlipRules(t *testing.T) {
	ctx := context.Background()
	id := genRecords(t, 1)[0].RegistryNo
	sender := schoolSender()
	t.Run("R-ISSUE-4/media records within one month", func(t *testing.T) {
		ok := batch.PersoRecord{RegistryNo: id, CardSerial: "04A1B2C3", At: sender.Created.AddDate(0, -1, 0), Result: batch.PersoOK, Channel: batch.ChannelDisk, Operator: "x"}
		require.NoError(t, batch.WritePerso(io.Discard, "p.txt", sender, []batch.PersoRecord{ok}))
		late := ok
		late.At = late.At.Add(-time.Hour)
		assert.ErrorIs(t, batch.WritePerso(io.Discard, "p.txt", sender, []batch.PersoRecord{late}), batch.ErrLate)
		online := late
		online.Channel = batch.ChannelNet
		assert.NoError(t, batch.WritePerso(io.Discard, "p.txt", sender, []batch.PersoRecord{online}), "real-time records have no deadline to check here")
		future := ok
		future.At = sender.Created.Add(time.Hour)
		assert.ErrorIs(t, batch.WritePerso(io.Discard, "p.txt", sender, []batch.PersoRecord{future}), batch.ErrFormat)
	})
	t.Run("R-ISSUE-5/filing only when every card is issued", func(t *testing.T) {
		r := genRecords(t, 1)[0]
		rec := batch.FilingRecord{RegistryNo: id, Name: r.Name, ResidentID: r.ResidentID, CardSerial: "", IssuedOn: "20261001"}
		err := batch.WriteFiling(io.Discard, "f.txt", sender, []batch.FilingRecord{rec})
		assert.ErrorIs(t, err, batch.ErrNotIssued)
		var pe *batch.ParseError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, "card_serial", pe.Field)
		rec.CardSerial = "04A1B2C3"
		var buf bytes.Buffer
		require.NoError(t, batch.WriteFiling(&buf, "f.txt", sender, []batch.FilingRecord{rec, rec}), "the writer checks rows, not the whole school")
		_, err = batch.ReadFiling(ctx, &buf, "f.txt", func(batch.Record, batch.FilingRecord) error { return nil })
		assert.ErrorIs(t, err, batch.ErrDuplicate)
		other := schoolSender()
		other.Code = "01010124"
		assert.ErrorIs(t, batch.WriteFiling(io.Discard, "f.txt", other, []batch.FilingRecord{rec}), batch.ErrNotSender)
	})
	t.Run("R-FAULT-1/slip verified and counted at each level", func(t *testing.T) {
		slip := []batch.FaultRecord{
			{SlipNo: "GZ1", CardSerial: "04A1B2C3", RegistryNo: id, School: testSchool(school), Fault: batch.FaultPerso, FoundOn: "20261001", Level: studentid.LevelSchool, Handler: "张"},
			{SlipNo: "GZ1", CardSerial: "04A1B2C4", School: testSchool(school), Fault: batch.FaultBroken, FoundOn: "20261001", Level: studentid.LevelSchool, Handler: "张"},
		}
		var s bytes.Buffer
		require.NoError(t, batch.WriteFaults(&s, "s.txt", sender, slip))
		var d bytes.Buffer
		require.NoError(t, batch.ForwardFaults(ctx, batch.FaultHop{In: bytes.NewReader(s.Bytes()), InName: "s.txt", Counted: 2, Out: &d, OutName: "d.txt", Sender: districtSender(), Handler: "李"}))
		var stages []studentid.Level
		_, err := batch.ReadFaults(ctx, bytes.NewReader(d.Bytes()), "d.txt", func(_ batch.Record, f batch.FaultRecord) error {
			stages = append(stages, f.Level)
			return nil
		})
		require.NoError(t, err)
		assert.Equal(t, []studentid.Level{studentid.LevelDistrict, studentid.LevelDistrict}, stages)
		var c bytes.Buffer
		err = batch.ForwardFaults(ctx, batch.FaultHop{In: bytes.NewReader(d.Bytes()), InName: "d.txt", Counted: 1, Out: &c, OutName: "c.txt", Sender: citySender(), Handler: "王"})
		assert.ErrorIs(t, err, batch.ErrMismatch, "the city counted one card, the slip lists two")
		_, err = batch.Verify(ctx, bytes.NewReader(c.Bytes()), "c.txt")
		assert.ErrorIs(t, err, batch.ErrTruncated, "no usable slip goes on")
		c.Reset()
		err = batch.ForwardFaults(ctx, batch.FaultHop{In: bytes.NewReader(d.Bytes()), InName: "d.txt", Counted: 2, Out: &c, OutName: "c.txt", Sender: citySender()})
		assert.ErrorIs(t, err, batch.ErrRequired, "the city names who verified the cards")
		_, err = batch.Verify(ctx, bytes.NewReader(c.Bytes()), "c.txt")
		assert.ErrorIs(t, err, batch.ErrTruncated, "a slip its reader would refuse is never finished")
		err = batch.ForwardFaults(ctx, batch.FaultHop{In: bytes.NewReader(d.Bytes()), InName: "d.txt", Counted: 2, Out: io.Discard, OutName: "c.txt", Sender: schoolSender(), Handler: "王"})
		assert.ErrorIs(t, err, batch.ErrSender, "a school does not forward slips")
		bad := slip[:1:1]
		bad[0].Level = studentid.LevelDistrict
		assert.ErrorIs(t, batch.WriteFaults(io.Discard, "s.txt", sender, bad), batch.ErrFormat)
	})
	t.Run("R-RECOVER-1/active e-purse refused", func(t *testing.T) {
		rec := batch.RecoveryRecord{SlipNo: "HS1", CardSerial: "04A1B2C3", RegistryNo: id, Cohort: id.Cohort(), EPurse: batch.EPurseActive, RecoveredOn: "20261001", Handler: "王"}
		assert.ErrorIs(t, batch.WriteRecoveries(io.Discard, "r.txt", sender, []batch.RecoveryRecord{rec}), batch.ErrEPurseActive)
		rec.EPurse = batch.EPurseRefunded
		assert.NoError(t, batch.WriteRecoveries(io.Discard, "r.txt", sender, []batch.RecoveryRecord{rec}))
		rec.Cohort++
		assert.ErrorIs(t, batch.WriteRecoveries(io.Discard, "r.txt", sender, []batch.RecoveryRecord{rec}), batch.ErrFormat, "R-LEAVE-2: boxed by the right cohort")
	})
}

func jpegOf(t *testing.T, w, h int, bg color.Color, gray bool) []byte {
	var img image.Image
	if gray {
		g := image.NewGray(image.Rect(0, 0, w, h))
		for i := range g.Pix {
			g.Pix[i] = 128
		}
		img = g
	} else {
		rgba := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				rgba.Set(x, y, bg)
			}
		}
		img = rgba
	}
	var buf bytes.Buffer
	require.NoError(t, jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}))
	return buf.Bytes()
}

func TestPackageProblems(t *testing.T) {
	ctx := context.Background()
	recs := genRecords(t, 3)
	build := func(photos map[string][]byte) []byte {
		var buf bytes.Buffer
		pw := batch.NewPackageWriter(&buf)
		dw, err := pw.CardData(schoolSender())
		require.NoError(t, err)
		for _, r := range recs {
			require.NoError(t, dw.WriteRecord(r.Fields()))
		}
		require.NoError(t, dw.Close())
		keys := make([]string, 0, len(photos))
		for k := range photos {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			w, err := pw.Photo(must(studentid.Parse(k)))
			require.NoError(t, err)
			_, err = w.Write(photos[k])
			require.NoError(t, err)
		}
		require.NoError(t, pw.Close())
		return buf.Bytes()
	}
	good := must(batchtest.Photo(2))
	white := must(batchtest.PhotoSpec{Background: color.RGBA{R: 250, G: 250, B: 250, A: 255}}.JPEG())
	extra := must(batchtest.Record(school, schoolName, 50, 1)).RegistryNo
	pkg := build(map[string][]byte{recs[0].RegistryNo.String(): good, recs[1].RegistryNo.String(): jpegOf(t, 100, 100, color.White, false), recs[2].RegistryNo.String(): white, extra.String(): good})
	var failures bytes.Buffer
	fw, err := batch.NewFailureWriter(&failures, "f.txt", districtSender())
	require.NoError(t, err)
	v := districtValidator()
	v.OnError = fw.Add
	rep, err := batch.CheckPackage(ctx, bytes.NewReader(pkg), int64(len(pkg)), "p.zip", v, batch.PhotoRules{})
	require.NoError(t, err)
	require.NoError(t, fw.Close())
	assert.False(t, rep.Accepted, "C-2: a bad photo refuses the package")
	require.Len(t, rep.Errors, 2)
	assert.Equal(t, batch.ReasonPhotoDimensions, rep.Errors[0].Reason)
	assert.Equal(t, 4, rep.Errors[0].Line)
	assert.Equal(t, "photo", rep.Errors[0].Field)
	assert.Equal(t, batch.ReasonPhotoBackground, rep.Errors[1].Reason, "C-2: a white background refuses by default")
	assert.Equal(t, 5, rep.Errors[1].Line)
	assert.EqualValues(t, 2, rep.Failed)
	require.Len(t, rep.Warnings, 1)
	assert.Contains(t, rep.Warnings[0].File, extra.String())
	assert.EqualValues(t, 2, fw.Count())
	var msgs []string
	_, err = batch.ReadFailures(ctx, bytes.NewReader(failures.Bytes()), "f.txt", func(f batch.Failure) error {
		msgs = append(msgs, f.Message)
		return nil
	})
	require.NoError(t, err)
	require.Len(t, msgs, 2)
	assert.Contains(t, msgs[1], "白色", "C-2: the failure file names the measured colour in Chinese")

	pkg = build(map[string][]byte{recs[0].RegistryNo.String(): good})
	rep, err = batch.CheckPackage(ctx, bytes.NewReader(pkg), int64(len(pkg)), "p.zip", districtValidator(), batch.PhotoRules{})
	require.NoError(t, err)
	assert.False(t, rep.Accepted)
	require.Len(t, rep.Errors, 2)
	assert.Equal(t, batch.ReasonPhotoMissing, rep.Errors[0].Reason)

	rep, err = batch.CheckPackage(ctx, bytes.NewReader([]byte("not a zip")), 9, "p.zip", districtValidator(), batch.PhotoRules{})
	require.NoError(t, err)
	assert.False(t, rep.Accepted)
	assert.Equal(t, batch.ReasonPackage, rep.Errors[0].Reason, "the strict reader refuses what is not a zip")
	assert.ErrorIs(t, rep.Errors[0], batch.ErrPackageFormat)
}
