package paper_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	lang "golang.org/x/text/language"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/card"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/paper"
	"github.com/bjedu/studentcard/studentid"
)

// need returns the path of an independent tool the tests read the PDFs
// back with; CI installs them (poppler-utils, zbar-tools), elsewhere a
// missing one skips.
func need(t *testing.T, tool string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI installs %s: %v", tool, err)
		}
		t.Skipf("%s not installed (poppler-utils, zbar-tools)", tool)
	}
	return p
}

func systemFont(t *testing.T) *paper.Font {
	t.Helper()
	f, err := paper.FindFont()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI installs fonts-wqy-microhei: %v", err)
		}
		t.Skipf("no CJK font on this machine: %v", err)
	}
	return f
}

// pdfText is the PDF's text as pdftotext reads it, without layout spaces.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	tool := need(t, "pdftotext")
	path := filepath.Join(t.TempDir(), "p.pdf")
	require.NoError(t, os.WriteFile(path, pdf, 0o600))
	out, err := exec.Command(tool, "-raw", path, "-").CombinedOutput()
	require.NoError(t, err, string(out))
	return string(out)
}

// pdfPage renders page 1 at dpi with pdftoppm.
func pdfPage(t *testing.T, pdf []byte, dpi string) (image.Image, string) {
	t.Helper()
	tool := need(t, "pdftoppm")
	dir := t.TempDir()
	path := filepath.Join(dir, "p.pdf")
	require.NoError(t, os.WriteFile(path, pdf, 0o600))
	out, err := exec.Command(tool, "-r", dpi, "-f", "1", "-l", "1", "-singlefile", "-png", path, filepath.Join(dir, "page")).CombinedOutput()
	require.NoError(t, err, string(out))
	f, err := os.Open(filepath.Join(dir, "page.png"))
	require.NoError(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err)
	return img, filepath.Join(dir, "page.png")
}

func handover(t *testing.T) *batch.Handover {
	t.Helper()
	return batch.Pack([]batch.GroupCount{
		{GroupKey: batch.GroupKey{FactoryBatch: "F2026-01", School: testSchool("01080456"), Category: studentid.StudentPrimary, Cohort: 32}, SchoolName: "北京市测试学校", Count: 120},
		{GroupKey: batch.GroupKey{FactoryBatch: "F2026-01", School: testSchool("01081203"), Category: studentid.StudentJunior, Cohort: 29}, SchoolName: "北京市第二十中学", Count: 35},
	}, batch.BoxSizes{Big: 200, Small: 100})
}

var sheet = paper.Sheet{No: "H0108-0001", From: "北京市海淀区 (0108)", To: "北京市测试学校 (01080456)"}

func compact(s string) string { return strings.Join(strings.Fields(s), "") }

func TestHandoverSheet(t *testing.T) {
	f := systemFont(t)
	h := handover(t)
	for _, tc := range []struct {
		name string
		lang language
		want []string
	}{
		{"C-ISSUE-2 school handover sheet in Chinese", zh, []string{"学生卡交接单", "交接单编号：H0108-0001", "交付方：北京市海淀区(0108)",
			"接收方：北京市测试学校(01080456)", "大箱", "小箱", "B0001-01", "01080456", "北京市测试学校", "北京市第二十中学",
			"合计：155张，大箱1个，小箱3个", "交付方（签字）：", "接收方（签字）：", "日期：2026年09月01日", "第1页共1页"}},
		{"C-ISSUE-1 handover sheet in English", en, []string{"handoversheet", "sheetnumber:H0108-0001", "total:155cardsin1bigboxesand3smallboxes",
			"handedoverby(signature):", "date:2026-09-01"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, paper.HandoverSheet(&buf, h, sheet, paper.Options{Font: f, Lang: tc.lang.tag, Date: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)}))
			text := compact(pdfText(t, buf.Bytes()))
			for _, w := range tc.want {
				assert.Contains(t, text, compact(w))
			}
			// Every small box's count is on the sheet (C-ISSUE-4 reconciles against them).
			for _, r := range h.Rows {
				assert.Contains(t, text, r.SmallBox)
			}
		})
	}
}

type language struct{ tag lang.Tag }

var (
	zh = language{l10n.Chinese}
	en = language{l10n.English}
)

func TestHandoverSheetManyPages(t *testing.T) {
	// rule C-ISSUE-1: a city sheet has hundreds of boxes; the header repeats
	// and the pages are numbered.
	f := systemFont(t)
	var counts []batch.GroupCount
	for i := range 120 {
		school := "0108" + string(rune('0'+i/100)) + string(rune('0'+i/10%10)) + string(rune('0'+i%10)) + "1"
		counts = append(counts, batch.GroupCount{GroupKey: batch.GroupKey{FactoryBatch: "F1", School: testSchool(school), Category: studentid.StudentPrimary, Cohort: 32}, SchoolName: "北京市海淀区实验小学", Count: 30})
	}
	h := batch.Pack(counts, batch.BoxSizes{})
	var buf bytes.Buffer
	require.NoError(t, paper.HandoverSheet(&buf, h, sheet, paper.Options{Font: f}))
	text := compact(pdfText(t, buf.Bytes()))
	// 33 rows a page: 120 boxes are four pages.
	assert.Contains(t, text, "第1页共4页")
	assert.Contains(t, text, "第4页共4页")
	assert.Equal(t, 4, strings.Count(text, "工厂批次"), "the header on every page")
	assert.Contains(t, text, "合计：3600张，大箱4个，小箱120个")
	assert.Contains(t, text, "____年__月__日", "no date: a blank to fill in by hand")
}

func TestBoxLabels(t *testing.T) {
	// rule C-PACK-1: a big box states its count and factory batch; a small box its school, category, cohort and count.
	f := systemFont(t)
	var buf bytes.Buffer
	require.NoError(t, paper.BoxLabels(&buf, handover(t), paper.Options{Font: f}))
	text := compact(pdfText(t, buf.Bytes()))
	for _, w := range []string{"大箱B0001", "工厂批次：F2026-01", "区县：0108", "张数：155",
		"小箱B0001-01", "学校：01080456北京市测试学校", "学生类别：0届别：32", "张数：100",
		"小箱B0001-03", "学校：01081203北京市第二十中学", "学生类别：1届别：29", "张数：35"} {
		assert.Contains(t, text, compact(w))
	}
}

func TestSlips(t *testing.T) {
	f := systemFont(t)
	id, err := studentid.Parse("0108045603201016")
	require.NoError(t, err)
	t.Run("R-FAULT-1 fault slip", func(t *testing.T) {
		var buf bytes.Buffer
		recs := []batch.FaultRecord{
			{SlipNo: "F1", CardSerial: "86274C2D734BB034", RegistryNo: id, School: testSchool("01080456"), Fault: batch.FaultPerso, FoundOn: "20260902", Level: studentid.LevelSchool, Handler: "李老师"},
			{SlipNo: "F1", CardSerial: "86274C2D734BB035", School: testSchool("01080456"), Fault: batch.FaultBroken, FoundOn: "20260903", Level: studentid.LevelSchool, Handler: "李老师"},
		}
		require.NoError(t, paper.FaultSlip(&buf, recs, paper.Sheet{No: "F1", From: "北京市测试学校", To: "北京市海淀区"}, paper.Options{Font: f}))
		text := compact(pdfText(t, buf.Bytes()))
		for _, w := range []string{"故障卡登记单", "单号：F1", "86274C2D734BB034", "0108045603201016", "个人化失败", "无法使用", "合计：故障卡2张", "经办人（签字）：", "核验清点人（签字）："} {
			assert.Contains(t, text, w)
		}
	})
	t.Run("R-RECOVER-1 R-LEAVE-2 recovery slip", func(t *testing.T) {
		var buf bytes.Buffer
		recs := []batch.RecoveryRecord{{SlipNo: "R1", CardSerial: "86274C2D734BB034", RegistryNo: id, Cohort: 32, EPurse: "REFUNDED", RecoveredOn: "20270710", Handler: "李老师"}}
		require.NoError(t, paper.RecoverySlip(&buf, recs, paper.Sheet{No: "R1", From: "北京市测试学校", To: "北京市海淀区"}, paper.Options{Font: f}))
		text := compact(pdfText(t, buf.Bytes()))
		for _, w := range []string{"学籍卡回收单", "单号：R1", "0108045603201016", "20270710", "合计：回收卡1张", "交回方（签字）：", "接收方（签字）："} {
			assert.Contains(t, text, w)
		}
	})
	t.Run("C-REPLACE-1 R-LOSS-3 replacement application", func(t *testing.T) {
		terms, err := lifecycle.RegistryReplacementTerms(lifecycle.CauseLost)
		require.NoError(t, err)
		a := paper.Application{
			Card:    lifecycle.Card{ID: "86274C2D734BB034", Kind: lifecycle.KindRegistryCard},
			Student: lifecycle.Student{Number: id.String(), Name: "王小明"}, SchoolName: "北京市测试学校", Terms: terms,
		}
		var buf bytes.Buffer
		require.NoError(t, paper.ApplicationForm(&buf, a, paper.Sheet{No: "A7"}, paper.Options{Font: f}))
		text := compact(pdfText(t, buf.Bytes()))
		for _, w := range []string{"补卡申请单", "申请编号：A7", "王小明", "学籍卡86274C2D734BB034", "丢失", "15元（收费代码174011）", "本申请单签字后留存学校", "R-LOSS-3", "申请人（学生或监护人）（签字）："} {
			assert.Contains(t, text, w)
		}
	})
}

// photo is a 480×640 JPEG of one colour.
func photo(t *testing.T, c color.RGBA) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 480, 640))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, 255
	}
	var b bytes.Buffer
	require.NoError(t, jpeg.Encode(&b, img, &jpeg.Options{Quality: 95}))
	return b.Bytes()
}

// student is the record the registry card is personalised with, issued on
// 1 September 2026: what is printed is what card.NewStudent checked.
func student(t *testing.T, number string) card.Student {
	t.Helper()
	id, err := studentid.Parse(number)
	require.NoError(t, err)
	st, err := card.NewStudent(id, "王小明", studentid.Male, studentid.School{}, "北京市测试学校", time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	return st
}

// near reports whether two colours differ by at most tol in every channel.
func near(c color.Color, r, g, b int, tol int) bool {
	cr, cg, cb, _ := c.RGBA()
	d := func(a uint32, b int) int { return max(int(a>>8)-b, b-int(a>>8)) }
	return d(cr, r) <= tol && d(cg, g) <= tol && d(cb, b) <= tol
}

func TestIDCard(t *testing.T) {
	f := systemFont(t)
	zbar := need(t, "zbarimg")
	blue := color.RGBA{40, 110, 220, 255}
	for _, tc := range []struct {
		name   string
		number string
		stage  studentid.Stage
		until  string
	}{
		{"S-1 primary card is yellow", "0108045603201016", studentid.StagePrimary, "2032.08.31"},
		{"S-1 junior card is green", "0108145613291027", studentid.StageJunior, "2032.08.31"},
		{"S-1 senior card is blue", "0108545625261031", studentid.StageSenior, "2052.08.31"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, paper.IDCards(&buf, []paper.IDCard{{Student: student(t, tc.number), Photo: photo(t, blue)}}, paper.Options{Font: f}))
			text := compact(pdfText(t, buf.Bytes()))
			for _, w := range []string{"北京市测试学校", "姓名：王小明", "性别：男", "学籍号：" + tc.number, "有效期：2026.09.01至" + tc.until} {
				assert.Contains(t, text, w)
			}
			img, path := pdfPage(t, buf.Bytes(), "300")
			// CR80 at 300 dpi: 85.6 × 53.98 mm is 1011 × 638 pixels.
			assert.InDelta(t, 1011, img.Bounds().Dx(), 2)
			assert.InDelta(t, 638, img.Bounds().Dy(), 2)
			r, g, b, _ := paper.StageColour(tc.stage)
			assert.True(t, near(img.At(5, 630), r, g, b, 6), "background %v, want the stage colour", img.At(5, 630))
			// The photo's middle (photo frame 4.5-26.5 × 11-40.3 mm) is the photo.
			assert.True(t, near(img.At(183, 302), int(blue.R), int(blue.G), int(blue.B), 12), "photo %v", img.At(183, 302))
			// The barcode decodes to the registry number (an independent decoder).
			out, err := exec.Command(zbar, "-q", "--raw", "-Scode128.enable", path).Output()
			require.NoError(t, err, "zbarimg found no barcode")
			assert.Equal(t, tc.number, strings.TrimSpace(string(out)))
		})
	}
	t.Run("S-7 reserve cards: background preprinted", func(t *testing.T) {
		var buf bytes.Buffer
		require.NoError(t, paper.IDCards(&buf, []paper.IDCard{{Student: student(t, "0108045603201016"), Photo: photo(t, blue)}}, paper.Options{Font: f, Preprinted: true}))
		img, _ := pdfPage(t, buf.Bytes(), "100")
		assert.True(t, near(img.At(3, 200), 255, 255, 255, 2), "no background on a reserve card: %v", img.At(3, 200))
	})
	t.Run("C-MAKE-2 a small batch: one card a page", func(t *testing.T) {
		var cards []paper.IDCard
		for range 3 {
			cards = append(cards, paper.IDCard{Student: student(t, "0108045603201016"), Photo: photo(t, blue)})
		}
		var buf bytes.Buffer
		require.NoError(t, paper.IDCards(&buf, cards, paper.Options{Font: f}))
		assert.Equal(t, 3, strings.Count(pdfText(t, buf.Bytes()), "\f"))
	})
}

func TestIDCardRefusals(t *testing.T) {
	f := systemFont(t)
	good := func() paper.IDCard {
		return paper.IDCard{Student: student(t, "0108045603201016"), Photo: photo(t, color.RGBA{40, 110, 220, 255})}
	}
	for _, tc := range []struct {
		name   string
		change func(*paper.IDCard)
		field  string
		want   error
	}{
		{"S-1 no stage, no colour", func(c *paper.IDCard) { c.Student.Stage = 0 }, "stage", paper.ErrContent},
		{"S-1 gender missing", func(c *paper.IDCard) { c.Student.Gender = 9 }, "gender", paper.ErrContent},
		{"S-1 no name", func(c *paper.IDCard) { c.Student.Name = "" }, "name", paper.ErrContent},
		{"S-1 no registry number", func(c *paper.IDCard) { c.Student.RegistryNo = studentid.ID{} }, "registry number", paper.ErrContent},
		{"S-1 validity reversed", func(c *paper.IDCard) { c.Student.ValidUntil = c.Student.ValidFrom.AddDate(-1, 0, 0) }, "validity", paper.ErrContent},
		{"C-2 photo not a JPEG", func(c *paper.IDCard) { c.Photo = []byte("GIF89a....") }, "photo", paper.ErrPhoto},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := good()
			tc.change(&c)
			var buf bytes.Buffer
			err := paper.IDCards(&buf, []paper.IDCard{good(), c}, paper.Options{Font: f})
			require.ErrorIs(t, err, tc.want)
			var ce *paper.ContentError
			require.True(t, errors.As(err, &ce))
			assert.Equal(t, 2, ce.Item)
			assert.Equal(t, tc.field, ce.Field)
			assert.Zero(t, buf.Len(), "nothing written on error")
			assert.Contains(t, l10n.Error(err, l10n.Chinese), "证件卡第2项")
		})
	}
	t.Run("C-4 a rare character the font lacks is named, never printed blank", func(t *testing.T) {
		c := good()
		c.Student.Name = "王\U0002A6A5明" // CJK extension B, outside the BMP fonts
		require.False(t, f.Has('\U0002A6A5'))
		err := paper.IDCards(&bytes.Buffer{}, []paper.IDCard{c}, paper.Options{Font: f})
		var ge *paper.GlyphError
		require.True(t, errors.As(err, &ge))
		assert.Equal(t, '\U0002A6A5', ge.Char)
		assert.Contains(t, l10n.Error(err, l10n.Chinese), "U+2A6A5")
		assert.Contains(t, l10n.Error(err, l10n.Chinese), "姓名")
	})
}

func TestPaperRefusals(t *testing.T) {
	f := systemFont(t)
	for _, tc := range []struct {
		name  string
		run   func() error
		field string
	}{
		{"C-ISSUE-1 a sheet without boxes", func() error {
			return paper.HandoverSheet(&bytes.Buffer{}, &batch.Handover{}, sheet, paper.Options{Font: f})
		}, "boxes"},
		{"C-ISSUE-1 a sheet without a receiver", func() error {
			return paper.HandoverSheet(&bytes.Buffer{}, handover(t), paper.Sheet{From: "x"}, paper.Options{Font: f})
		}, "to"},
		{"C-PACK-1 labels without boxes", func() error { return paper.BoxLabels(&bytes.Buffer{}, nil, paper.Options{Font: f}) }, "boxes"},
		{"R-FAULT-1 an empty fault slip", func() error { return paper.FaultSlip(&bytes.Buffer{}, nil, sheet, paper.Options{Font: f}) }, "cards"},
		{"R-RECOVER-1 an empty recovery slip", func() error { return paper.RecoverySlip(&bytes.Buffer{}, nil, sheet, paper.Options{Font: f}) }, "cards"},
		{"C-REPLACE-1 an application without terms", func() error {
			return paper.ApplicationForm(&bytes.Buffer{}, paper.Application{Card: lifecycle.Card{ID: "1"}, Student: lifecycle.Student{Number: "1", Name: "王"}}, sheet, paper.Options{Font: f})
		}, "terms"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			require.ErrorIs(t, err, paper.ErrContent)
			var ce *paper.ContentError
			require.True(t, errors.As(err, &ce))
			assert.Equal(t, tc.field, ce.Field)
		})
	}
	t.Run("no font", func(t *testing.T) {
		err := paper.HandoverSheet(&bytes.Buffer{}, handover(t), sheet, paper.Options{})
		require.ErrorIs(t, err, paper.ErrNoFont)
	})
}

func TestDeterministic(t *testing.T) {
	// The same data prints the same bytes (no clock inside), so a sheet can be
	// regenerated and compared (C-ISSUE-4).
	f := systemFont(t)
	var a, b bytes.Buffer
	require.NoError(t, paper.HandoverSheet(&a, handover(t), sheet, paper.Options{Font: f}))
	require.NoError(t, paper.HandoverSheet(&b, handover(t), sheet, paper.Options{Font: f}))
	assert.Equal(t, a.Bytes(), b.Bytes())
	assert.Less(t, a.Len(), 200<<10, "the font is embedded as a subset")
}

// testSchool parses a school code of the test data; a wrong constant gives the
// zero School, which the code under test refuses loudly.
func testSchool(s string) studentid.School {
	v, _ := studentid.ParseSchool(s)
	return v
}

func TestReserveRegister(t *testing.T) {
	// rule C-RESERVE-2: the register on paper is the record; the system's count is printed as an aid.
	f := systemFont(t)
	at := time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)
	entries := []lifecycle.ReserveEntry{
		{At: at, District: "08", Movement: "in", Count: 300, Balance: 300, User: "city-1"},
		{At: at.AddDate(0, 0, 7), District: "08", Movement: "out", Count: 42, Balance: 258, User: "张老师"},
	}
	var buf bytes.Buffer
	require.NoError(t, paper.ReserveRegister(&buf, entries, paper.Sheet{}, paper.Options{Font: f}))
	text := compact(pdfText(t, buf.Bytes()))
	for _, w := range []string{"预备卡出入登记", "区县：08", "入库：市级调拨", "出库：小批量制卡", "2026-09-08", "42", "258", "系统结存（仅供核对）", "张老师", "保管人（签字）："} {
		assert.Contains(t, text, w)
	}
	for _, tc := range []struct {
		name   string
		change func(*lifecycle.ReserveEntry)
		field  string
	}{
		{"C-RESERVE-2 unknown movement", func(e *lifecycle.ReserveEntry) { e.Movement = "lost" }, "movement"},
		{"C-RESERVE-2 no cards", func(e *lifecycle.ReserveEntry) { e.Count = 0 }, "cards"},
		{"C-RESERVE-2 another district on the same register", func(e *lifecycle.ReserveEntry) { e.District = "05" }, "cards"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := append([]lifecycle.ReserveEntry(nil), entries...)
			tc.change(&bad[1])
			err := paper.ReserveRegister(&bytes.Buffer{}, bad, paper.Sheet{}, paper.Options{Font: f})
			var ce *paper.ContentError
			require.True(t, errors.As(err, &ce), "%v", err)
			assert.Equal(t, 2, ce.Item)
			assert.Equal(t, tc.field, ce.Field)
		})
	}
}
