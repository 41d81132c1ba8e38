package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/bjedu/studentcard/studentid"
	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/internal/digits"
)

// Rules found on the second reading of the seeds (SPEC §9) that need API of
// their own: fees (S-10, C-FEE-1), application filing (S-11), misuse reports
// (S-12), the holder's read-only view (S-13), the reserve register (C-RESERVE-2),
// the collected data of seed 004 (P-7), and recomputing provisional deadlines
// once a holiday notice is loaded (R-LOSS-1, R-TIME-1).

// PayerCommission: the commission provides the first card (S-10).
const PayerCommission Payer = "commission"

// CardTerms says what a card application costs (S-10: cards are issued free
// of charge, the first card provided by the commission; fees exist only for
// replacements, R-LOSS-3).
func CardTerms(kind ApplicationKind, cause Cause) (Terms, error) {
	if kind == ApplyNew {
		return Terms{Payer: PayerCommission, Rule: "S-10"}, nil
	}
	return RegistryReplacementTerms(cause)
}

// IDReplacementCost says who pays for an ID card replacement and which level
// keeps a fee (C-FEE-1): the level whose own error made the card unusable
// pays its production cost (C-REPLACE-1's school case, at every level); a fee
// the student pays buys the consumables of the level that prints the card,
// and is passed up to the city when the city makes it. erring is the level at
// fault for CauseUpperError and CauseSchoolError (ignored otherwise); maker
// is the level that prints the new card (a district prints small batches,
// C-MAKE-2; otherwise the city).
func IDReplacementCost(c Cause, erring, maker studentid.Level) (t Terms, keeper studentid.Level, err error) {
	if maker != studentid.LevelCity && maker != studentid.LevelDistrict {
		return Terms{}, "", &RuleError{Rule: "C-FEE-1", Reason: reasonBadTarget}
	}
	t, err = IDReplacementTerms(c)
	if err != nil {
		return Terms{}, "", err
	}
	switch c {
	case CauseUpperError, CauseSchoolError:
		switch erring {
		case studentid.LevelSchool:
			t.Payer = PayerSchool
		case studentid.LevelDistrict, studentid.LevelCity:
			t.Payer = PayerUpper
		default:
			return Terms{}, "", &RuleError{Rule: "C-FEE-1", Reason: reasonBadTarget}
		}
		t.Rule = "C-FEE-1"
	}
	if t.Payer == PayerStudent {
		keeper = maker
	}
	return t, keeper, nil
}

// Application is a use of the card that a district or school adds (应用),
// which is filed with the city, a school's through its district (S-11).
type Application struct {
	// Name identifies the application within its owner's code.
	Name        string
	Description string
}

// Filing steps of an application (S-11).
const (
	filingSubmitted = "submitted"
	filingForwarded = "forwarded"
	filingFiled     = "filed"
)

func filingKey(step, owner, name string) string { return "S-11/" + step + "/" + owner + "/" + name }

// FileApplication moves an application one step towards its filing at the
// city (S-11): a school submits its own to its district, the district
// forwards a school's (owner is the school code) or submits its own (owner
// is its district code), and the city files what was forwarded or
// submitted to it. Each step is recorded once (a repeated step reports
// Already). The result says whether the application is now filed.
func (l *Ledger) FileApplication(ctx context.Context, op Operator, owner string, app Application) (filed bool, err error) {
	n := &note{action: "file-application", subject: owner + "/" + app.Name, rule: "S-11", detail: map[string]any{"description": app.Description}}
	err = l.do(ctx, op, n, func(tx Tx) error {
		if strings.TrimSpace(app.Name) == "" || strings.ContainsRune(app.Name, '/') {
			return &RuleError{Rule: "S-11", Reason: reasonBadTarget}
		}
		var step, needs string
		district, school := "", ""
		switch {
		case digits.Is(owner, 8):
			district, school = owner[2:4], owner
		case digits.Is(owner, 2):
			district = owner
		default:
			return &RuleError{Rule: "S-11", Reason: reasonBadTarget}
		}
		if err := checkScope(op, "file-application", district, school); err != nil {
			return err
		}
		switch {
		case op.Level == studentid.LevelSchool:
			step = filingSubmitted
		case op.Level == studentid.LevelDistrict && school != "":
			step, needs = filingForwarded, filingSubmitted
		case op.Level == studentid.LevelDistrict:
			step = filingSubmitted
		case school != "":
			step, needs = filingFiled, filingForwarded
		default:
			step, needs = filingFiled, filingSubmitted
		}
		if needs != "" {
			if _, err := tx.GetImport(ctx, filingKey(needs, owner, app.Name)); errors.Is(err, ErrNotFound) {
				return &RuleError{Rule: "S-11", Reason: reasonFilingOrder}
			} else if err != nil {
				return err
			}
		}
		n.detail["step"] = step
		filed = step == filingFiled
		err := tx.PutImport(ctx, Import{Digest: filingKey(step, owner, app.Name), FileKind: "application-filing", District: district,
			School: school, Operator: op, At: l.now(), Records: 1})
		if errors.Is(err, ErrDuplicate) {
			n.detail["already"] = true
			return nil
		}
		return err
	})
	return filed, err
}

// ApplicationFiled reports whether an application of owner is filed at the
// city (S-11).
func (l *Ledger) ApplicationFiled(ctx context.Context, op Operator, owner, name string) (bool, error) {
	district, school := owner, ""
	if len(owner) == 8 {
		district, school = owner[2:4], owner
	}
	if err := l.readable(ctx, op, "file-application", owner+"/"+name, district, school); err != nil {
		return false, err
	}
	var filed bool
	err := l.store.Tx(ctx, func(tx Tx) error {
		_, err := tx.GetImport(ctx, filingKey(filingFiled, owner, name))
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		filed = err == nil
		return err
	})
	return filed, err
}

// Misuse is what an application unit found (S-12).
type Misuse string

// Kinds of misuse (伪造、冒用).
const (
	MisuseForged   Misuse = "forged"
	MisuseImpostor Misuse = "used-by-another"
)

// MisuseReport is an application unit's report of a forged or misused card
// it stopped (S-12).
type MisuseReport struct {
	CardID string
	Kind   Misuse
	// Place says where (a venue, a gate, a bus line).
	Place  string
	Detail string
}

const actReportMisuse Action = "report-misuse"

// ReportMisuse records that an application unit (or any level) stopped a
// forged or misused card and notifies the card management department
// (S-12): the report is an audit entry, and for a card the ledger knows an
// event in the card's history in its school's scope, so the school sees it
// in what it has to send up ([Ledger.Unsent]) and in the card's History.
// The card's state does not change: stopping the card in the system is the
// school's decision (freeze, cancel).
func (l *Ledger) ReportMisuse(ctx context.Context, op Operator, r MisuseReport) error {
	n := &note{action: string(actReportMisuse), subject: r.CardID, rule: "S-12",
		detail: map[string]any{"kind": r.Kind, "place": r.Place, "detail": r.Detail}}
	return l.do(ctx, op, n, func(tx Tx) error {
		if r.Kind != MisuseForged && r.Kind != MisuseImpostor {
			return &RuleError{Rule: "S-12", Reason: reasonBadMisuse}
		}
		c, err := tx.GetCard(ctx, r.CardID)
		if errors.Is(err, ErrNotFound) {
			n.detail["known"] = false // a forged card the ledger never saw
			return nil
		}
		if err != nil {
			return err
		}
		n.detail["known"] = true
		_, err = tx.AppendEvent(ctx, Event{CardID: c.ID, Kind: c.Kind, Action: actReportMisuse, From: c.State, To: c.State, Rule: "S-12",
			At: l.now(), Operator: op, District: c.District, School: c.School, Reason: string(r.Kind) + " at " + r.Place, Version: c.Version})
		return err
	})
}

// HolderView is what a student or parent reads of the card holder's own
// record (S-13): a copy, with no way back into the ledger.
type HolderView struct {
	Student Student
	Cards   []Card
}

// HolderView returns the card holder's own record for the school's CMIS
// terminal when the student presents the card (S-13): cardID must be one of
// the student's cards. It is read-only and recorded in the audit log (who
// looked, when), like every access to registry data (P-1).
func (l *Ledger) HolderView(ctx context.Context, op Operator, studentKey, cardID string) (HolderView, error) {
	var out HolderView
	n := &note{action: "holder-view", subject: studentKey, rule: "S-13", detail: map[string]any{"card": cardID}}
	err := l.do(ctx, op, n, func(tx Tx) error {
		if op.Level != studentid.LevelSchool {
			return &ForbiddenError{Level: op.Level, District: op.District, School: op.School, Action: "holder-view", Rule: "S-13"}
		}
		s, err := tx.GetStudent(ctx, studentKey)
		if err != nil {
			return err
		}
		if err := checkScope(op, "holder-view", s.District, s.School); err != nil {
			return err
		}
		cards, err := tx.CardsOfStudent(ctx, s.Number)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(cards, func(c Card) bool { return c.ID == cardID }) {
			return &RuleError{Rule: "S-13", Reason: reasonNotHolder}
		}
		out = HolderView{Student: s, Cards: cards}
		return nil
	})
	return out, err
}

// ReserveEntry is one movement of reserve cards as the paper register
// records it (C-RESERVE-2: the register on paper is the record; the
// system's count is an aid). Text prints it for signature.
type ReserveEntry struct {
	At       time.Time
	District string
	// Movement is "in" (shipped by the city) or "out" (printed in a small
	// batch).
	Movement string
	Count    int64
	// Balance is the system's count after the movement: an aid to check the
	// paper register against, not the record.
	Balance int64
	User    string
}

// Text renders the entry for the paper register in tag's language, with the
// lines the handler and the keeper sign.
func (e ReserveEntry) Text(tag language.Tag) string {
	return messages.Sprintf(tag, "reserve cards, district %s, %s: %s %s cards (system count after: %s, an aid only) by %s\nhandler signature: ________  keeper signature: ________",
		e.District, DateOf(e.At).String(), messages.Sprintf(tag, "reserve "+e.Movement), num(e.Count), num(e.Balance), e.User)
}

// RecomputeProvisional recounts the open deadlines in the operator's scope
// that were counted past the calendar's years (weekends only) once the
// ledger's calendar covers them (a new holiday notice loaded with
// [ParseCalendar] into a new Ledger): each is counted again from its start
// and stays flagged only if it still runs past the calendar. It returns how
// many it recounted.
func (l *Ledger) RecomputeProvisional(ctx context.Context, op Operator) (int, error) {
	recounted := 0
	n := &note{action: "recompute-deadlines", subject: string(op.Level), rule: "R-TIME-1", detail: map[string]any{}}
	err := l.do(ctx, op, n, func(tx Tx) error {
		q := OverdueQuery{Scope: op.Scope(), Now: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), Limit: 500}
		for {
			page, err := tx.Overdue(ctx, q)
			if err != nil {
				return err
			}
			for _, d := range page {
				if !d.Provisional || d.WorkingDays == 0 {
					continue
				}
				due, provisional := l.cal.AddWorkingDaysProvisional(d.Start, d.WorkingDays)
				d.DueAt, d.Provisional = due.UTC(), provisional
				if err := tx.PutDeadline(ctx, d); err != nil {
					return err
				}
				recounted++
			}
			if len(page) < q.Limit {
				n.detail["recounted"] = recounted
				return nil
			}
			last := page[len(page)-1]
			q.AfterDue, q.AfterID = last.DueAt, last.ID
		}
	})
	return recounted, err
}

// IDType is the kind of identity document recorded for a student (P-7, seed
// 004's fixed list).
type IDType string

// The ID types of P-7.
const (
	IDResident      IDType = "resident-id"     // 居民身份证
	IDHKMacaoPermit IDType = "hk-macao-permit" // 港澳居民来往内地通行证
	IDTaiwanPermit  IDType = "taiwan-permit"   // 台湾居民来往大陆通行证
	IDHKMTResidence IDType = "hkmt-residence"  // 港澳台居民居住证
	IDPassport      IDType = "passport"        // 护照
	IDOther         IDType = "other"           // 其他
)

// Collected is the part of a CMIS student record that seed 004's collection
// rules (P-7) check before card-making data is built from it.
type Collected struct {
	IDType   IDType
	IDNumber string
	// Foreigner: a foreign student (no "other" exemption needed).
	Foreigner bool
	// GuardianIDs are the ID numbers of the guardians recorded (at least
	// one guardian; when the student has no ID number, one of them must
	// have an ID number).
	Guardians []Guardian
	// EntryMonth is the entry month of the school stage, YYYYMM (always
	// September).
	EntryMonth string
	// ClassNumber is the 7-digit class number.
	ClassNumber string
	// Disabled and DisabilityCert; OnlyChild and OnlyChildCert: each claim
	// only with its certificate.
	Disabled       bool
	DisabilityCert string
	OnlyChild      bool
	OnlyChildCert  string
}

// Guardian is one guardian of the student (P-7).
type Guardian struct {
	Name     string
	IDNumber string
}

// ClassNumber is the 7-digit class number of seed 004 (P-4, P-7) in the
// reading this SDK uses: entry year (4 digits), grade (1 digit) and class (2
// digits), e.g. 2026101 is class 01 of grade 1 that entered in 2026. Seed
// 004 also calls it "6 digits: entry year + stage code" yet gives a 7-digit
// example; the 7-digit reading above matches the example and P-4.
type ClassNumber struct {
	EntryYear, Grade, Class int
}

// ParseClassNumber reads a 7-digit class number (entry year + grade +
// 2-digit class, P-7); anything else is a *RuleError naming P-7.
func ParseClassNumber(s string) (ClassNumber, error) {
	bad := &RuleError{Rule: "P-7", Reason: reasonClassNumber}
	if !digits.Is(s, 7) {
		return ClassNumber{}, bad
	}
	c := ClassNumber{EntryYear: atoi(s[:4]), Grade: atoi(s[4:5]), Class: atoi(s[5:])}
	if c.EntryYear < 1990 || c.Grade < 1 || c.Class < 1 {
		return ClassNumber{}, bad
	}
	return c, nil
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// String is the 7 digits.
func (c ClassNumber) String() string { return fmt.Sprintf("%04d%d%02d", c.EntryYear, c.Grade, c.Class) }

// CheckCollected checks a collected record against P-7 and returns every
// problem found (nil when it passes), each a *RuleError naming P-7: the ID
// type from the fixed list; a resident ID number valid when the type is the
// resident ID card; a number for every type but "other" (a student with no
// ID and not a foreigner chooses "other" and may leave it empty, but then a
// guardian's ID number is required); at least one guardian; the entry month
// in September; the class number in its 7-digit form; disability and
// only-child claims only with their certificates.
func CheckCollected(r Collected) []error {
	var out []error
	bad := func(reason string) { out = append(out, &RuleError{Rule: "P-7", Reason: reason}) }
	switch r.IDType {
	case IDResident:
		if checkStudentField("id-number", r.IDNumber) != nil || r.IDNumber == "" {
			bad(reasonBadIDNumber)
		}
	case IDHKMacaoPermit, IDTaiwanPermit, IDHKMTResidence, IDPassport:
		if strings.TrimSpace(r.IDNumber) == "" {
			bad(reasonBadIDNumber)
		}
	case IDOther:
		if r.Foreigner {
			bad(reasonForeignerID)
		}
	default:
		bad(reasonBadIDType)
	}
	if len(r.Guardians) == 0 {
		bad(reasonNoGuardian)
	}
	if strings.TrimSpace(r.IDNumber) == "" && !slices.ContainsFunc(r.Guardians, func(g Guardian) bool { return strings.TrimSpace(g.IDNumber) != "" }) {
		bad(reasonGuardianID)
	}
	if !digits.Is(r.EntryMonth, 6) || r.EntryMonth[4:] != "09" {
		bad(reasonEntryMonth)
	}
	if _, err := ParseClassNumber(r.ClassNumber); err != nil {
		out = append(out, err)
	}
	if r.Disabled && strings.TrimSpace(r.DisabilityCert) == "" {
		bad(reasonNoDisabilityCert)
	}
	if r.OnlyChild && strings.TrimSpace(r.OnlyChildCert) == "" {
		bad(reasonNoOnlyChildCert)
	}
	return out
}

// actReportDamage is the school recording that a student's registry card is
// damaged (R-LOSS-5).
const actReportDamage Action = "report-damage"

// ReportDamaged records that the student brought a damaged registry card to
// the school, or said it broke (R-LOSS-5): the card must be applied for
// within a week ([ReplaceApplyDays]), so the clock starts now and appears in
// [Ledger.Overdue] when missed; [Ledger.ReplaceRegistryCard] (with
// [CauseDamaged], or any cause) closes it. The card's state does not change
// (a damaged card still identifies the student until it is replaced): the
// report is an event in the card's history and an audit entry. Only the
// card's own school reports it, for a card in use or, after a transfer-out,
// at the old school (R-MOVE-3); a lost card has its own clock (R-LOSS-1).
// Reporting again does not restart the week.
func (l *Ledger) ReportDamaged(ctx context.Context, op Operator, cardID, detail string) (Deadline, error) {
	var out Deadline
	n := &note{action: string(actReportDamage), subject: cardID, rule: "R-LOSS-5", detail: map[string]any{"detail": detail}}
	err := l.do(ctx, op, n, func(tx Tx) error {
		if op.Level != studentid.LevelSchool {
			return &ForbiddenError{Level: op.Level, District: op.District, School: op.School, Action: actReportDamage, Rule: "S-4"}
		}
		c, err := tx.GetCard(ctx, cardID)
		if err != nil {
			return err
		}
		if err := checkScope(op, actReportDamage, c.District, c.School); err != nil {
			return err
		}
		if c.Kind != KindRegistryCard || (c.State != RegIssued && c.State != RegTransferredOut) {
			return &TransitionError{Kind: c.Kind, CardID: c.ID, Action: actReportDamage, State: c.State, Rule: "R-LOSS-5"}
		}
		id := lossApplyID(c.ID)
		if d, err := tx.GetDeadline(ctx, id); err == nil && d.DoneAt.IsZero() {
			out = d
			n.detail["already"] = true
			return nil
		} else if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		if _, err := tx.AppendEvent(ctx, Event{CardID: c.ID, Kind: c.Kind, Action: actReportDamage, From: c.State, To: c.State, Rule: "R-LOSS-5",
			At: l.now(), Operator: op, District: c.District, School: c.School, Reason: detail, Version: c.Version}); err != nil {
			return err
		}
		due := l.now().In(Beijing()).AddDate(0, 0, ReplaceApplyDays)
		if err := l.openDeadline(ctx, tx, id, "R-LOSS-5", c.ID, studentid.LevelSchool, c.District, c.School, due); err != nil {
			return err
		}
		out, err = tx.GetDeadline(ctx, id)
		n.detail["due"] = out.DueAt
		return err
	})
	return out, err
}
