package paper

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/l10n"
)

// Options say how a paper is set.
type Options struct {
	// Font is the CJK font; required ([FindFont] finds the system's).
	Font *Font
	// Lang is the language of the printed labels: Chinese (the zero value)
	// or English. The data (names, schools) is printed as it is.
	Lang language.Tag
	// Date is printed on the paper as its date and recorded as the PDF's
	// creation date. The zero value prints a blank date line to fill in by
	// hand and records the Unix epoch, so the same data gives the same bytes.
	Date time.Time
	// Preprinted: ID cards go on reserve cards (S-7) whose stage colour is
	// already printed, so [IDCards] prints no background.
	Preprinted bool
}

// fontFamily is the name the font is registered under in each document.
const fontFamily = "cjk"

// A4 and CR80 (ISO/IEC 7810 ID-1) page sizes in millimetres.
var (
	sizeA4   = fpdf.SizeType{Wd: 210, Ht: 297}
	sizeCR80 = fpdf.SizeType{Wd: 85.6, Ht: 53.98}
)

// doc is one PDF being written, with the first error met.
type doc struct {
	pdf   *fpdf.Fpdf
	font  *Font
	tag   language.Tag
	date  time.Time
	paper string // catalog key of the paper, for errors
	err   error
}

func newDoc(paper string, opt Options, orientation string, size fpdf.SizeType) (*doc, error) {
	if opt.Font == nil {
		return nil, &FontError{Err: ErrNoFont}
	}
	tag := l10n.Chinese
	if opt.Lang != (language.Tag{}) {
		tag = l10n.Match(opt.Lang)
	}
	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: orientation, UnitStr: "mm", Size: size})
	created := opt.Date
	if created.IsZero() {
		created = time.Unix(0, 0).UTC()
	}
	pdf.SetCreationDate(created)
	pdf.SetModificationDate(created)
	pdf.SetCatalogSort(true)
	pdf.SetCreator("studentcard", false)
	pdf.AddUTF8FontFromBytes(fontFamily, "", opt.Font.sfnt)
	if pdf.Err() {
		return nil, &FontError{Font: opt.Font.name, Err: ErrFontFormat, cause: pdf.Error()}
	}
	d := &doc{pdf: pdf, font: opt.Font, tag: tag, date: opt.Date, paper: paper}
	d.pdf.SetTitle(d.t(paper), true)
	return d, nil
}

// t is a label in the paper's language.
func (d *doc) t(key string, args ...any) string { return messages.Sprintf(d.tag, key, args...) }

// data checks that the font can print every character of a data field and
// returns it; the first missing character is the document's error.
func (d *doc) data(field, s string) string {
	if d.err != nil {
		return s
	}
	for _, r := range s {
		if r < 0x20 {
			continue
		}
		if !d.font.Has(r) {
			d.err = &GlyphError{Field: field, Char: r, Font: d.font.name}
			break
		}
	}
	return s
}

// fail records a content error of item (1-based; 0 for the paper).
func (d *doc) fail(item int, field string, err error) {
	if d.err == nil {
		d.err = &ContentError{Paper: d.paper, Field: field, Item: item, Err: err}
	}
}

// write finishes the PDF into w. A panic of the PDF writer (a font it
// cannot handle) becomes ErrRender, never the caller's crash.
func (d *doc) write(w io.Writer) (err error) {
	if d.err != nil {
		return d.err
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", ErrRender, r)
		}
	}()
	var buf bytes.Buffer
	if err := d.pdf.Output(&buf); err != nil {
		return fmt.Errorf("%w: %v", ErrRender, err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// render runs fill on a new document and writes it, turning a panic inside
// the PDF writer into ErrRender.
func render(w io.Writer, paper string, opt Options, orientation string, size fpdf.SizeType, fill func(*doc)) (err error) {
	d, err := newDoc(paper, opt, orientation, size)
	if err != nil {
		return err
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", ErrRender, r)
		}
	}()
	fill(d)
	return d.write(w)
}

// dateText is the paper's date, or a blank to fill in by hand.
func (d *doc) dateText() string {
	if d.date.IsZero() {
		return d.t("____ year __ month __ day")
	}
	return d.t("%s-%s-%s", d.date.Format("2006"), d.date.Format("01"), d.date.Format("02"))
}

// fitText sets the font size so s fits width w (down to a 6 pt minimum) and
// returns the size.
func (d *doc) fitText(s string, w, size float64) float64 {
	d.pdf.SetFont(fontFamily, "", size)
	for size > 6 && d.pdf.GetStringWidth(s) > w {
		size -= 0.5
		d.pdf.SetFontSize(size)
	}
	return size
}

// column of a table: a label key, a width in mm, an alignment.
type column struct {
	label string
	width float64
	align string
}

// table draws rows under a header that repeats on every page. A cell too
// wide for its column at 6 pt wraps onto more lines; nothing is cut off.
type table struct {
	d    *doc
	cols []column
	size float64
}

const (
	marginA4  = 15.0
	bottomA4  = 297 - 20.0
	lineA4    = 6.5
	lineSmall = 4.2
)

func (t *table) header() {
	pdf := t.d.pdf
	pdf.SetFillColor(230, 230, 230)
	pdf.SetX(marginA4)
	for _, c := range t.cols {
		label := t.d.t(c.label)
		t.d.fitText(label, c.width-2, t.size)
		pdf.CellFormat(c.width, lineA4, label, "1", 0, "C", true, 0, "")
	}
	pdf.Ln(lineA4)
}

// row draws one row; on a page break the header is drawn again first.
func (t *table) row(cells ...string) {
	pdf := t.d.pdf
	lines := make([][]string, len(cells))
	height := lineA4
	for i, s := range cells {
		c := t.cols[i]
		if size := t.d.fitText(s, c.width-2, t.size); size > 6 || pdf.GetStringWidth(s) <= c.width-2 {
			lines[i] = []string{s}
			continue
		}
		lines[i] = pdf.SplitText(s, c.width-2)
		height = max(height, float64(len(lines[i]))*lineSmall+1)
	}
	if pdf.GetY()+height > bottomA4 {
		t.d.newPage()
		t.header()
	}
	y := pdf.GetY()
	x := marginA4
	for i, c := range t.cols {
		pdf.Rect(x, y, c.width, height, "D")
		if len(lines[i]) == 1 {
			t.d.fitText(lines[i][0], c.width-2, t.size)
			pdf.SetXY(x, y)
			pdf.CellFormat(c.width, height, lines[i][0], "", 0, c.align, false, 0, "")
		} else {
			pdf.SetFont(fontFamily, "", 6)
			for j, l := range lines[i] {
				pdf.SetXY(x, y+0.5+float64(j)*lineSmall)
				pdf.CellFormat(c.width, lineSmall, l, "", 0, c.align, false, 0, "")
			}
		}
		x += c.width
	}
	pdf.SetXY(marginA4, y+height)
}

// newPage starts an A4 page with the page number at its foot.
func (d *doc) newPage() {
	d.pdf.AddPage()
	d.pdf.SetXY(marginA4, marginA4)
}

// title prints the paper's title and its reference lines (key, value).
func (d *doc) title(key string, refs ...string) {
	pdf := d.pdf
	pdf.SetFont(fontFamily, "", 16)
	pdf.SetX(marginA4)
	pdf.CellFormat(210-2*marginA4, 10, d.t(key), "", 1, "C", false, 0, "")
	pdf.SetFont(fontFamily, "", 10)
	for i := 0; i+1 < len(refs); i += 2 {
		pdf.SetX(marginA4)
		pdf.CellFormat(210-2*marginA4, 6, d.t("%s: %s", d.t(refs[i]), refs[i+1]), "", 1, "L", false, 0, "")
	}
	pdf.Ln(2)
}

// signatures prints the signature block: one line per role with a date, the
// lines the people who hand over and receive sign (C-ISSUE-1, C-ISSUE-2).
func (d *doc) signatures(roles ...string) {
	pdf := d.pdf
	need := 12 * float64(len(roles)+1)
	if pdf.GetY()+need > bottomA4 {
		d.newPage()
	}
	pdf.Ln(6)
	pdf.SetFont(fontFamily, "", 11)
	for _, r := range roles {
		pdf.SetX(marginA4)
		pdf.CellFormat(70, 10, d.t("%s (signature):", d.t(r)), "", 0, "L", false, 0, "")
		pdf.CellFormat(50, 10, "", "B", 0, "L", false, 0, "")
		pdf.CellFormat(15, 10, "", "", 0, "L", false, 0, "")
		pdf.CellFormat(45, 10, d.t("date: %s", d.dateText()), "", 1, "L", false, 0, "")
		pdf.Ln(2)
	}
}

// footer numbers the pages ("page 2 of 3").
func (d *doc) footer() {
	d.pdf.AliasNbPages("{nb}")
	d.pdf.SetFooterFunc(func() {
		d.pdf.SetY(-12)
		d.pdf.SetFont(fontFamily, "", 8)
		d.pdf.CellFormat(0, 5, d.t("page %s of %s", strconv.Itoa(d.pdf.PageNo()), "{nb}"), "", 0, "C", false, 0, "")
	})
}
