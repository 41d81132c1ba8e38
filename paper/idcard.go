package paper

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // image.DecodeConfig reads the photo's size
	"io"
	"strconv"

	"codeberg.org/go-pdf/fpdf"
	"github.com/boombuler/barcode/code128"

	"github.com/bjedu/studentcard/card"
	"github.com/bjedu/studentcard/studentid"
)

// IDCard is one ID card face (证件卡, S-1): the record the registry card is
// personalised with and the photo that passed the C-2 checks, so the card
// printed is the card checked.
type IDCard struct {
	Student card.Student
	Photo   []byte // JPEG
}

// StageColour is the background of an ID card by stage (S-1: yellow for
// primary, green for junior high, blue for senior high: the stage's
// [studentid.Stage.Colour]), as RGB printed as a light tint so the black
// text stays legible. ok is false for a stage that gets no card (S-3).
func StageColour(s studentid.Stage) (r, g, b int, ok bool) {
	c, ok := s.Colour()
	switch {
	case !ok:
		return 0, 0, 0, false
	case c == studentid.Yellow:
		return 255, 226, 102, true
	case c == studentid.Green:
		return 150, 208, 150, true
	}
	return 140, 180, 235, true
}

// The card face's geometry, in millimetres on a CR80 page.
const (
	photoX, photoY, photoW, photoH = 4.5, 11.0, 22.0, 29.3
	textX                          = 30.0
	barX, barY, barH               = 33.0, 38.5, 8.0
	moduleMM                       = 0.30 // Code 128 narrow bar: 0.3 mm scans on any handheld reader
	quietModules                   = 10   // the quiet zone Code 128 needs on each side
)

// IDCards prints ID card faces at CR80 size (85.6 × 53.98 mm, one card a
// page) for a card printer: the stage's background colour, the school name,
// the photo, the student's name and gender, the registry number as text and
// as a Code 128 barcode, and the validity period (S-1). A district prints a
// batch of fewer than 50 cards itself this way (C-MAKE-2) on reserve cards
// (S-7), whose background is already printed: set Options.Preprinted then.
func IDCards(w io.Writer, cards []IDCard, opt Options) error {
	return render(w, "ID card", opt, "P", sizeCR80, func(d *doc) {
		if len(cards) == 0 {
			d.fail(0, "cards", ErrContent)
			return
		}
		d.pdf.SetAutoPageBreak(false, 0)
		d.pdf.SetMargins(0, 0, 0)
		for i, c := range cards {
			if !d.idCard(i+1, c, opt.Preprinted) {
				return
			}
		}
	})
}

func (d *doc) idCard(item int, c IDCard, preprinted bool) bool {
	s := c.Student
	r, g, b, ok := StageColour(s.Stage)
	if !ok {
		d.fail(item, "stage", ErrContent)
		return false
	}
	if s.RegistryNo.IsZero() {
		d.fail(item, "registry number", ErrContent)
		return false
	}
	if s.Name == "" {
		d.fail(item, "name", ErrContent)
		return false
	}
	if !s.Gender.Valid() {
		d.fail(item, "gender", ErrContent)
		return false
	}
	if s.ValidFrom.IsZero() || s.ValidUntil.Before(s.ValidFrom) {
		d.fail(item, "validity", ErrContent)
		return false
	}
	d.data("name", s.Name)
	d.data("school name", s.SchoolName)
	cfg, format, err := image.DecodeConfig(bytes.NewReader(c.Photo))
	if err != nil || format != "jpeg" || cfg.Width <= 0 || cfg.Height <= 0 {
		if err == nil {
			err = errors.New(format)
		}
		d.fail(item, "photo", fmt.Errorf("%w: %v", ErrPhoto, err))
		return false
	}
	if d.err != nil {
		return false
	}
	pdf := d.pdf
	pdf.AddPage()
	if !preprinted {
		pdf.SetFillColor(r, g, b)
		pdf.Rect(0, 0, sizeCR80.Wd, sizeCR80.Ht, "F")
	}
	// School name across the top.
	pdf.SetXY(3, 2.5)
	d.fitText(s.SchoolName, sizeCR80.Wd-6, 11)
	pdf.CellFormat(sizeCR80.Wd-6, 7, s.SchoolName, "", 0, "C", false, 0, "")

	// The photo, fitted into its frame keeping its aspect.
	name := "photo" + strconv.Itoa(item)
	info := pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "JPG"}, bytes.NewReader(c.Photo))
	if pdf.Err() || info == nil {
		d.fail(item, "photo", fmt.Errorf("%w: %v", ErrPhoto, pdf.Error()))
		return false
	}
	pw, ph := photoW, photoW*float64(cfg.Height)/float64(cfg.Width)
	if ph > photoH {
		pw, ph = photoH*float64(cfg.Width)/float64(cfg.Height), photoH
	}
	pdf.ImageOptions(name, photoX+(photoW-pw)/2, photoY+(photoH-ph)/2, pw, ph, false, fpdf.ImageOptions{ImageType: "JPG"}, 0, "")

	// The student.
	line := func(y float64, label, value string, size float64) {
		pdf.SetXY(textX, y)
		text := d.t("%s: %s", d.t(label), value)
		d.fitText(text, sizeCR80.Wd-textX-3, size)
		pdf.CellFormat(sizeCR80.Wd-textX-3, 5.5, text, "", 0, "L", false, 0, "")
	}
	line(11, "name", s.Name, 11)
	line(17, "gender", s.Gender.Localize(d.tag), 9)
	line(22.5, "registry number", s.RegistryNo.String(), 9)
	line(28, "valid", d.t("%s to %s", s.ValidFrom.Format("2006.01.02"), s.ValidUntil.Format("2006.01.02")), 8)

	// The registry number as a Code 128 barcode, drawn as vector bars.
	bc, err := code128.Encode(s.RegistryNo.String())
	if err != nil {
		d.fail(item, "registry number", fmt.Errorf("%w: %v", ErrContent, err))
		return false
	}
	modules := bc.Bounds().Dx()
	module := min(moduleMM, (sizeCR80.Wd-barX-quietModules*moduleMM-1)/float64(modules))
	quiet := quietModules * module
	pdf.SetFillColor(255, 255, 255)
	pdf.Rect(barX-quiet, barY-1, float64(modules)*module+2*quiet, barH+5.5, "F")
	pdf.SetFillColor(0, 0, 0)
	for x := 0; x < modules; {
		if black(bc, x) {
			start := x
			for x < modules && black(bc, x) {
				x++
			}
			pdf.Rect(barX+float64(start)*module, barY, float64(x-start)*module, barH, "F")
			continue
		}
		x++
	}
	pdf.SetXY(barX, barY+barH)
	pdf.SetFont(fontFamily, "", 6)
	pdf.CellFormat(float64(modules)*module, 3.5, s.RegistryNo.String(), "", 0, "C", false, 0, "")
	return true
}

func black(img image.Image, x int) bool {
	r, _, _, _ := img.At(x, 0).RGBA()
	return r < 0x8000
}
