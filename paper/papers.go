package paper

import (
	"fmt"
	"io"
	"strconv"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/lifecycle"
)

// Sheet says who hands over and who receives a paper, and its number: the
// heading of every A4 paper.
type Sheet struct {
	// No is the paper's number (a handover sheet or slip number).
	No string
	// From and To are the parties as printed: "北京市教育委员会 (01)",
	// "海淀区 (0108)", "北京市测试学校 (01080456)".
	From, To string
}

func (s Sheet) check(d *doc) {
	if s.From == "" {
		d.fail(0, "from", ErrContent)
	}
	if s.To == "" {
		d.fail(0, "to", ErrContent)
	}
	d.data("from", s.From)
	d.data("to", s.To)
	d.data("number", s.No)
}

// HandoverSheet prints a handover sheet (交接单, C-ISSUE-1, C-ISSUE-2): every
// small box of h with its big box, school, student category, cohort and
// count, the total, and the signature block of the party handing over and
// the party receiving. The counts are h's own, the ones the receiver checks
// and reconciles (C-ISSUE-4).
func HandoverSheet(w io.Writer, h *batch.Handover, s Sheet, opt Options) error {
	return render(w, "handover sheet", opt, "P", sizeA4, func(d *doc) {
		s.check(d)
		if h == nil || len(h.Rows) == 0 {
			d.fail(0, "boxes", ErrContent)
			return
		}
		d.footer()
		d.newPage()
		d.title("handover sheet", "sheet number", d.data("number", s.No), "handed over by", s.From, "received by", s.To)
		t := &table{d: d, size: 9, cols: []column{
			{"big box", 22, "C"}, {"small box", 26, "C"}, {"factory batch", 26, "C"}, {"school code", 24, "C"},
			{"school name", 46, "L"}, {"category", 14, "C"}, {"cohort", 10, "C"}, {"cards", 12, "R"},
		}}
		t.header()
		for i, r := range h.Rows {
			if r.Count <= 0 {
				d.fail(i+1, "cards", ErrContent)
				return
			}
			t.row(d.data("big box", r.BigBox), d.data("small box", r.SmallBox), d.data("factory batch", r.FactoryBatch),
				r.School.String(), d.data("school name", r.SchoolName), strconv.Itoa(int(r.Category)), fmt.Sprintf("%02d", r.Cohort), strconv.Itoa(r.Count))
		}
		bigs, smalls := h.Labels()
		d.pdf.Ln(3)
		d.pdf.SetFont(fontFamily, "", 11)
		d.pdf.SetX(marginA4)
		d.pdf.CellFormat(0, 7, d.t("total: %s cards in %s big boxes and %s small boxes", strconv.Itoa(h.Total()), strconv.Itoa(len(bigs)), strconv.Itoa(len(smalls))), "", 1, "L", false, 0, "")
		d.pdf.SetX(marginA4)
		d.pdf.CellFormat(0, 7, d.t("checked against the cards: counts match [ ]   do not match [ ] (the sheet is regenerated, C-ISSUE-4)"), "", 1, "L", false, 0, "")
		d.signatures("handed over by", "received by")
	})
}

// BoxLabels prints the labels of h's boxes (C-PACK-1) on A4 sheets of ten
// (two columns of 105 × 57 mm): each big box with its card count, factory
// batch and district, then each small box with its school, student
// category, cohort and count.
func BoxLabels(w io.Writer, h *batch.Handover, opt Options) error {
	return render(w, "box labels", opt, "P", sizeA4, func(d *doc) {
		if h == nil || len(h.Rows) == 0 {
			d.fail(0, "boxes", ErrContent)
			return
		}
		bigs, smalls := h.Labels()
		type label struct {
			kind  string
			box   string
			lines []string
		}
		var labels []label
		for _, b := range bigs {
			labels = append(labels, label{"big box", b.Box, []string{
				d.t("factory batch: %s", d.data("factory batch", b.FactoryBatch)),
				d.t("district: %s", b.District),
				d.t("cards: %s", strconv.Itoa(b.Count)),
			}})
		}
		for _, s := range smalls {
			labels = append(labels, label{"small box", s.Box, []string{
				d.t("school: %s %s", s.School, d.data("school name", s.SchoolName)),
				d.t("student category: %s   cohort: %s", strconv.Itoa(int(s.Category)), fmt.Sprintf("%02d", s.Cohort)),
				d.t("cards: %s", strconv.Itoa(s.Count)),
			}})
		}
		const lw, lh = 105.0, 57.0
		pdf := d.pdf
		for i, l := range labels {
			if i%10 == 0 {
				pdf.AddPage()
			}
			x, y := float64(i%2)*lw, 6+float64(i%10/2)*lh
			pdf.SetDrawColor(160, 160, 160)
			pdf.Rect(x+3, y+2, lw-6, lh-4, "D")
			pdf.SetDrawColor(0, 0, 0)
			pdf.SetXY(x+7, y+6)
			pdf.SetFont(fontFamily, "", 14)
			pdf.CellFormat(lw-14, 9, d.t("%s %s", d.t(l.kind), d.data("box", l.box)), "", 2, "L", false, 0, "")
			for _, line := range l.lines {
				pdf.SetX(x + 7)
				d.fitText(line, lw-14, 11)
				pdf.CellFormat(lw-14, 8, line, "", 2, "L", false, 0, "")
			}
		}
	})
}

// FaultSlip prints a fault slip (故障卡登记单, R-FAULT-1): the fault cards
// with their serial, student, school, fault and date, and the signatures of
// the handler and of the level that verifies and counts them.
func FaultSlip(w io.Writer, recs []batch.FaultRecord, s Sheet, opt Options) error {
	return render(w, "fault slip", opt, "P", sizeA4, func(d *doc) {
		d.slip("fault slip", s, len(recs), []column{
			{"no.", 10, "C"}, {"card serial", 38, "C"}, {"registry number", 38, "C"}, {"school code", 24, "C"},
			{"fault", 30, "C"}, {"found on", 20, "C"}, {"handler", 20, "C"},
		}, func(i int) []string {
			r := recs[i]
			fault := d.t("failed personalisation")
			if r.Fault == batch.FaultBroken {
				fault = d.t("stopped working")
			}
			return []string{d.data("card serial", r.CardSerial), d.data("registry number", r.RegistryNo.String()), d.data("school code", r.School.String()),
				fault, d.data("found on", r.FoundOn), d.data("handler", r.Handler)}
		}, d.t("total: %s fault cards", strconv.Itoa(len(recs))), "handler", "verified and counted by")
	})
}

// RecoverySlip prints a recovery slip (回收单, R-RECOVER-1, R-LEAVE-2): the
// recovered cards with their serial, student, cohort and e-purse status, the
// date and handler of each, and the signatures of the school handing them in
// and of the district receiving them.
func RecoverySlip(w io.Writer, recs []batch.RecoveryRecord, s Sheet, opt Options) error {
	return render(w, "recovery slip", opt, "P", sizeA4, func(d *doc) {
		d.slip("recovery slip", s, len(recs), []column{
			{"no.", 10, "C"}, {"card serial", 38, "C"}, {"registry number", 38, "C"}, {"cohort", 14, "C"},
			{"e-purse", 26, "C"}, {"recovered on", 22, "C"}, {"handler", 32, "C"},
		}, func(i int) []string {
			r := recs[i]
			return []string{d.data("card serial", r.CardSerial), r.RegistryNo.String(), fmt.Sprintf("%02d", r.Cohort),
				d.data("e-purse", r.EPurse), d.data("recovered on", r.RecoveredOn), d.data("handler", r.Handler)}
		}, d.t("total: %s recovered cards", strconv.Itoa(len(recs))), "handed in by", "received by")
	})
}

// slip prints a numbered list of n cards handed from one party to another:
// the title and parties, a table whose first column is the row number and
// whose other cells row(i) gives, the total line and the signatures.
func (d *doc) slip(title string, s Sheet, n int, cols []column, row func(i int) []string, total string, signers ...string) {
	s.check(d)
	if n == 0 {
		d.fail(0, "cards", ErrContent)
		return
	}
	d.footer()
	d.newPage()
	d.title(title, "slip number", d.data("number", s.No), "handed over by", s.From, "received by", s.To)
	t := &table{d: d, size: 9, cols: cols}
	t.header()
	for i := range n {
		t.row(append([]string{strconv.Itoa(i + 1)}, row(i)...)...)
	}
	d.pdf.Ln(3)
	d.pdf.SetX(marginA4)
	d.pdf.SetFont(fontFamily, "", 11)
	d.pdf.CellFormat(0, 7, total, "", 1, "L", false, 0, "")
	d.signatures(signers...)
}

// Application is a replacement application (补卡申请, C-REPLACE-1, R-LOSS-3):
// the card replaced, its student and the terms the ledger set. A lost,
// damaged or school-error replacement needs this paper signed and kept at
// the school (Terms.SignedApplication).
type Application struct {
	Card       lifecycle.Card
	Student    lifecycle.Student
	SchoolName string
	Terms      lifecycle.Terms
}

// ApplicationForm prints a replacement application for signature: the
// student, the card, the cause, who pays (fee and fee code when the student
// pays, R-LOSS-3), the paperwork that goes with it (C-REPLACE-1) and the
// signatures of the applicant and the handler.
func ApplicationForm(w io.Writer, a Application, s Sheet, opt Options) error {
	return render(w, "replacement application", opt, "P", sizeA4, func(d *doc) {
		d.data("number", s.No)
		if a.Card.ID == "" {
			d.fail(0, "card", ErrContent)
		}
		if a.Student.Number == "" || a.Student.Name == "" {
			d.fail(0, "student", ErrContent)
		}
		if a.Terms.Cause == "" || a.Terms.Payer == "" {
			d.fail(0, "terms", ErrContent)
		}
		if d.err != nil {
			return
		}
		d.newPage()
		kind := d.t("registry card")
		if a.Card.Kind == lifecycle.KindIDCard {
			kind = d.t("ID card")
		}
		d.title("replacement application", "application number", s.No)
		t := &table{d: d, size: 10, cols: []column{{"item", 50, "L"}, {"value", 130, "L"}}}
		rows := [][2]string{
			{"student", d.data("name", a.Student.Name)},
			{"registry number", a.Student.Number},
			{"school", d.data("school name", a.SchoolName)},
			{"card", d.t("%s %s", kind, d.data("card serial", a.Card.ID))},
			{"cause", d.t("cause " + string(a.Terms.Cause))},
			{"paid by", d.t("payer " + string(a.Terms.Payer))},
		}
		if a.Terms.FeeYuan > 0 {
			rows = append(rows, [2]string{"fee", d.t("%s yuan (fee code %s)", strconv.Itoa(a.Terms.FeeYuan), a.Terms.FeeCode)})
		}
		if a.Terms.SignedApplication {
			rows = append(rows, [2]string{"paperwork", d.t("this application, signed, is kept at the school")})
		}
		if a.Terms.BadCardAndExplanation {
			rows = append(rows, [2]string{"paperwork", d.t("the bad card and a written explanation go up with the request")})
		}
		rows = append(rows, [2]string{"rule", a.Terms.Rule})
		for _, r := range rows {
			t.row(d.t(r[0]), r[1])
		}
		d.signatures("applicant (student or guardian)", "handler")
	})
}

// ReserveRegister prints the reserve card register (预备卡出入登记,
// C-RESERVE-2) for signature: each movement with its date, direction, count
// and the handler, and the system's count after it printed as an aid to
// check the paper against — the signed paper is the record, not the count.
func ReserveRegister(w io.Writer, entries []lifecycle.ReserveEntry, s Sheet, opt Options) error {
	return render(w, "reserve card register", opt, "P", sizeA4, func(d *doc) {
		d.data("number", s.No)
		if len(entries) == 0 {
			d.fail(0, "movements", ErrContent)
			return
		}
		d.footer()
		d.newPage()
		d.title("reserve card register", "district", entries[0].District)
		t := &table{d: d, size: 9, cols: []column{
			{"date", 26, "C"}, {"movement", 34, "C"}, {"cards", 16, "R"}, {"system count after (an aid)", 34, "R"},
			{"handler", 26, "C"}, {"handler signature", 22, "C"}, {"keeper signature", 22, "C"},
		}}
		t.header()
		for i, e := range entries {
			var movement string
			switch e.Movement {
			case "in":
				movement = d.t("in: shipped by the city")
			case "out":
				movement = d.t("out: printed in a small batch")
			default:
				d.fail(i+1, "movement", ErrContent)
				return
			}
			if e.Count <= 0 || e.District != entries[0].District {
				d.fail(i+1, "cards", ErrContent)
				return
			}
			t.row(e.At.Format("2006-01-02"), movement, strconv.FormatInt(e.Count, 10), strconv.FormatInt(e.Balance, 10), d.data("handler", e.User), "", "")
		}
		d.signatures("keeper")
	})
}
