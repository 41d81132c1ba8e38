package lifecycle

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/bjedu/studentcard/internal/digits"
	"github.com/bjedu/studentcard/studentid"
)

func (l *Ledger) loadStudent(ctx context.Context, tx Tx, key string) (Student, error) {
	return tx.GetStudent(ctx, key)
}

// Student reads a student's record, if the student is in the operator's
// scope.
func (l *Ledger) Student(ctx context.Context, op Operator, key string) (Student, error) {
	var s Student
	err := l.store.Tx(ctx, func(tx Tx) error {
		var err error
		s, err = tx.GetStudent(ctx, key)
		return err
	})
	if err != nil {
		return Student{}, err
	}
	if err := l.readable(ctx, op, "read-student", key, s.District, s.School); err != nil {
		return Student{}, err
	}
	return s, nil
}

// Enrol records a student newly registered at the operator's school (first
// entry) with a number of that school; the number is claimed for good
// (S-ID-1). The data is checked as card-making data is: a name, a valid
// resident ID number if one is given, a gender of GB/T 2261.1 (1 male, 2
// female) and a YYYYMMDD birth date that agrees with the ID number (SPEC §2's
// data checks). Two students with the same resident ID number: the first
// registered keeps it, and the later one is enrolled as having no ID number
// yet, under a J personal code (S-ID-9); the ledger sees the clash when
// students are keyed by their personal code (G + resident ID number, the
// national convention).
func (l *Ledger) Enrol(ctx context.Context, op Operator, s Student) (Student, error) {
	var out Student
	n := &note{action: "enrol", subject: s.Key, rule: "S-ID-1", detail: map[string]any{"number": s.Number}}
	err := l.do(ctx, op, n, func(tx Tx) error {
		id, err := studentid.Parse(s.Number)
		if err != nil {
			return err
		}
		if op.Level != studentid.LevelSchool || id.School().String() != op.School {
			return &ForbiddenError{Level: op.Level, District: op.District, School: op.School, Action: "enrol",
				Target: Scope{District: id.District().Local(), School: id.School().String()}, Rule: "S-4"}
		}
		for _, f := range [][2]string{{"name", s.Name}, {"gender", s.Gender}, {"birth-date", s.BirthDate}, {"id-number", s.IDNumber}} {
			if err := checkStudentField(f[0], f[1]); err != nil {
				return err
			}
		}
		if err := birthAgrees(s.BirthDate, s.IDNumber); err != nil {
			return err
		}
		if err := idFree(ctx, tx, s.Key, s.IDNumber); err != nil {
			return err
		}
		s.Number = id.String()
		s.District, s.School, s.Status, s.Version = op.District, op.School, StudentEnrolled, 0
		if out, err = tx.PutStudent(ctx, s); err != nil {
			return err
		}
		if _, err := tx.PutNumber(ctx, NumberRecord{Number: s.Number, StudentKey: s.Key, School: op.School, Status: NumberActive, At: l.now()}); err != nil {
			return err
		}
		return tx.PutEnrolment(ctx, Enrolment{StudentKey: s.Key, School: op.School, District: op.District, Since: l.now()})
	})
	return out, err
}

// idFree: no other student holds the resident ID number (S-ID-9: the first
// registered keeps it), as far as students are keyed by their personal code.
func idFree(ctx context.Context, tx Tx, key, idNumber string) error {
	if idNumber == "" {
		return nil
	}
	other, err := tx.GetStudent(ctx, "G"+idNumber)
	switch {
	case err == nil && other.Key != key:
		return &RuleError{Rule: "S-ID-9", Reason: reasonIDTaken, Err: ErrDuplicate}
	case err != nil && !errors.Is(err, ErrNotFound):
		return err
	}
	return nil
}

func (l *Ledger) closeEnrolment(ctx context.Context, tx Tx, key, school string) error {
	ens, err := tx.Enrolments(ctx, key)
	if err != nil {
		return err
	}
	for _, e := range ens {
		if e.School == school && e.Until.IsZero() {
			e.Until = l.now()
			if err := tx.PutEnrolment(ctx, e); err != nil {
				return err
			}
		}
	}
	return nil
}

// activeRegistryCard returns the student's non-temporary registry card in
// use, if any.
func activeRegistryCard(cards []Card) (Card, bool) {
	for _, c := range cards {
		if c.Kind == KindRegistryCard && !c.Temporary && slices.Contains([]State{RegIssued, RegLost, RegFrozen}, c.State) {
			return c, true
		}
	}
	return Card{}, false
}

// punchIDCards cancels (punches) the student's issued ID cards (C-MGMT-1:
// the ID card of a student who transfers out or drops out is cancelled by
// the school; a number change does the same, S-ID-5).
func (l *Ledger) punchIDCards(ctx context.Context, tx Tx, op Operator, cards []Card, reason string) error {
	for _, c := range cards {
		if c.Kind == KindIDCard && c.State == IDIssued {
			if _, _, err := l.step(ctx, tx, op, c, ActPunch, reason, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

func transferID(studentKey string) string { return "R-TIME-2/transfer/" + studentKey }

// TransferOut is the old school's transfer-out (R-MOVE-1): the student is in
// flight and the registry card travels with them in state transferred-out;
// the ID card is cancelled (C-MGMT-1: the new school makes a new one), and
// the transfer must be completed within 10 working days (R-TIME-2, closed by
// the transfer-in or a resumption).
func (l *Ledger) TransferOut(ctx context.Context, op Operator, studentKey string) error {
	n := &note{action: string(ActTransferOut), subject: studentKey, rule: "R-MOVE-1", detail: map[string]any{}}
	return l.do(ctx, op, n, func(tx Tx) error {
		s, err := l.loadStudent(ctx, tx, studentKey)
		if err != nil {
			return err
		}
		if err := checkScope(op, ActTransferOut, s.District, s.School); err != nil {
			return err
		}
		if s.Status != StudentEnrolled && s.Status != StudentSuspended {
			return &RuleError{Rule: "R-MOVE-1", Reason: reasonNotEnrolled}
		}
		cards, err := tx.CardsOfStudent(ctx, s.Number)
		if err != nil {
			return err
		}
		if c, ok := activeRegistryCard(cards); ok {
			if _, _, err := l.step(ctx, tx, op, c, ActTransferOut, "", nil); err != nil {
				return err
			}
		}
		if err := l.punchIDCards(ctx, tx, op, cards, "transfer-out"); err != nil {
			return err
		}
		s.Status = StudentTransferOut
		if _, err := tx.PutStudent(ctx, s); err != nil {
			return err
		}
		if _, err := l.openWorkingDeadline(ctx, tx, transferID(s.Key), "R-TIME-2", s.Key, studentid.LevelSchool, s.District, s.School, RegistryTransferWorkingDays); err != nil {
			return err
		}
		return l.closeEnrolment(ctx, tx, s.Key, s.School)
	})
}

// TransferIn registers a transfer student at the operator's school and takes
// the card into school stock, before any personalisation (R-MOVE-1). A
// student who attended this school before is not a transfer: the call fails
// with ErrNotAtSchool ("student no longer at school") and the school resumes
// the student instead (R-MOVE-2). A frozen card is never taken in.
func (l *Ledger) TransferIn(ctx context.Context, op Operator, studentKey string) error {
	n := &note{action: string(ActTransferIn), subject: studentKey, rule: "R-MOVE-1", detail: map[string]any{}}
	return l.do(ctx, op, n, func(tx Tx) error {
		if op.Level != studentid.LevelSchool {
			return &ForbiddenError{Level: op.Level, District: op.District, School: op.School, Action: ActTransferIn, Rule: "S-4"}
		}
		s, err := l.loadStudent(ctx, tx, studentKey)
		if err != nil {
			return err
		}
		ens, err := tx.Enrolments(ctx, studentKey)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(ens, func(e Enrolment) bool { return e.School == op.School }) {
			return &RuleError{Rule: "R-MOVE-2", Reason: "student no longer at school", Err: ErrNotAtSchool}
		}
		if s.Status != StudentTransferOut {
			return &RuleError{Rule: "R-MOVE-1", Reason: reasonNotTransferOut}
		}
		cards, err := tx.CardsOfStudent(ctx, s.Number)
		if err != nil {
			return err
		}
		for _, c := range cards {
			if c.Kind != KindRegistryCard || c.State != RegTransferredOut {
				continue
			}
			// The card leaves the old school's scope: the transfer-out
			// released it to the school the student transfers to.
			if _, _, err := l.stepUnscoped(ctx, tx, op, c, ActTransferIn, "", func(c *Card) error {
				c.District, c.School, c.Holder = op.District, op.School, studentid.LevelSchool
				return nil
			}); err != nil {
				return err
			}
			// R-ISSUE-3: the school stocks cards arriving with transfer students.
			if err := l.addStock(ctx, tx, "R-ISSUE-3", stockOf(studentid.LevelSchool, op.District, op.School, StockBlankRegistry), 1); err != nil {
				return err
			}
		}
		if err := l.closeDeadline(ctx, tx, transferID(s.Key)); err != nil {
			return err
		}
		s.District, s.School, s.Status = op.District, op.School, StudentEnrolled
		if _, err := tx.PutStudent(ctx, s); err != nil {
			return err
		}
		return tx.PutEnrolment(ctx, Enrolment{StudentKey: s.Key, School: op.School, District: op.District, Since: l.now()})
	})
}

// Resume (复学) brings back a student who attended this school before and
// left (R-MOVE-2): only a school the student attended may resume them, and
// afterwards the student's registry card works at the school again, whatever
// state leaving (frozen) or a transfer-out (transferred out, under this
// school or another) left it in. The card comes back issued and registered
// for the current semester (R-REG-1: registration on reporting at the
// school).
func (l *Ledger) Resume(ctx context.Context, op Operator, studentKey string) error {
	n := &note{action: string(ActResume), subject: studentKey, rule: "R-MOVE-2", detail: map[string]any{}}
	return l.do(ctx, op, n, func(tx Tx) error {
		if op.Level != studentid.LevelSchool {
			return &ForbiddenError{Level: op.Level, District: op.District, School: op.School, Action: ActResume, Rule: "S-4"}
		}
		s, err := l.loadStudent(ctx, tx, studentKey)
		if err != nil {
			return err
		}
		ens, err := tx.Enrolments(ctx, studentKey)
		if err != nil {
			return err
		}
		if s.Status == StudentEnrolled || !slices.ContainsFunc(ens, func(e Enrolment) bool { return e.School == op.School }) {
			return &RuleError{Rule: "R-MOVE-2", Reason: reasonNotLeft}
		}
		cards, err := tx.CardsOfStudent(ctx, s.Number)
		if err != nil {
			return err
		}
		validUntil := l.reg.current(op.District, l.now()).validUntil
		for _, c := range cards {
			if c.Kind != KindRegistryCard || c.Temporary || (c.State != RegFrozen && c.State != RegTransferredOut) {
				continue
			}
			// The card may lie under the school the student left last: the
			// student is back here, and so is the card.
			if _, _, err := l.stepUnscoped(ctx, tx, op, c, ActResume, "resume", func(c *Card) error {
				c.District, c.School, c.Holder, c.ValidUntil = op.District, op.School, studentid.LevelSchool, validUntil.UTC()
				return nil
			}); err != nil {
				return err
			}
		}
		if err := l.closeDeadline(ctx, tx, transferID(s.Key)); err != nil {
			return err
		}
		s.District, s.School, s.Status = op.District, op.School, StudentEnrolled
		if _, err := tx.PutStudent(ctx, s); err != nil {
			return err
		}
		if slices.ContainsFunc(ens, func(e Enrolment) bool { return e.School == op.School && e.Until.IsZero() }) {
			return nil // back from suspension: the stay never ended
		}
		return tx.PutEnrolment(ctx, Enrolment{StudentKey: s.Key, School: op.School, District: op.District, Since: l.now()})
	})
}

// Suspend records a suspension (休学): the student keeps the registry and
// the card (S-3) and comes back through Resume, often with a new number
// (S-ID-5).
func (l *Ledger) Suspend(ctx context.Context, op Operator, studentKey string) error {
	n := &note{action: "suspend", subject: studentKey, rule: "S-3", detail: map[string]any{}}
	return l.do(ctx, op, n, func(tx Tx) error {
		s, err := l.loadStudent(ctx, tx, studentKey)
		if err != nil {
			return err
		}
		if err := checkScope(op, "suspend", s.District, s.School); err != nil {
			return err
		}
		if s.Status != StudentEnrolled {
			return &RuleError{Rule: "S-3", Reason: reasonNotEnrolled}
		}
		s.Status = StudentSuspended
		_, err = tx.PutStudent(ctx, s)
		return err
	})
}

// Reasons for leaving a school ([Ledger.Leave]); other texts are kept as
// given and treated like LeaveOther.
const (
	LeaveGraduated  = "graduated"   // 毕业: basic data frozen afterwards (P-5)
	LeaveCompleted  = "completed"   // 结业: likewise (P-5)
	LeaveDroppedOut = "dropped-out" // 辍学: the ID card is cancelled (C-MGMT-1)
	LeaveDeceased   = "deceased"    // 死亡: registry and card cancelled within 10 working days (R-TIME-2)
	LeaveTemporary  = "temporary-ended"
	LeaveOther      = "other"
)

func deceasedID(cardID string) string { return "R-TIME-2/deceased/" + cardID }

// Leave records a student leaving the school (graduating, finishing,
// dropping out, ending temporary study) without a transfer: the registry card
// is frozen at once (R-LEAVE-1), and the student goes on the list of leaving
// students (R-LEAVE-2). A drop-out's ID card is cancelled (C-MGMT-1); after
// graduation or completion the student's basic data can no longer change
// (P-5); a deceased student's card must be cancelled within 10 working days
// (R-TIME-2, closed by the cancel).
func (l *Ledger) Leave(ctx context.Context, op Operator, studentKey, reason string) (LeaveRecord, error) {
	var out LeaveRecord
	n := &note{action: "leave", subject: studentKey, rule: "R-LEAVE-1", detail: map[string]any{"reason": reason}}
	err := l.do(ctx, op, n, func(tx Tx) error {
		s, err := l.loadStudent(ctx, tx, studentKey)
		if err != nil {
			return err
		}
		if err := checkScope(op, "leave", s.District, s.School); err != nil {
			return err
		}
		if s.Status != StudentEnrolled && s.Status != StudentSuspended {
			return &RuleError{Rule: "R-LEAVE-1", Reason: reasonNotEnrolled}
		}
		cards, err := tx.CardsOfStudent(ctx, s.Number)
		if err != nil {
			return err
		}
		now := l.now()
		out = LeaveRecord{ID: s.Key + "/" + now.Format("20060102T150405.000000"), StudentKey: s.Key, Number: s.Number,
			District: s.District, School: s.School, Reason: reason, LeftAt: now}
		if id, err := studentid.Parse(s.Number); err == nil {
			out.Cohort = fmt.Sprintf("%02d", id.Cohort())
		}
		if c, ok := activeRegistryCard(cards); ok {
			out.CardID = c.ID
			if c.State != RegFrozen {
				if _, _, err := l.step(ctx, tx, op, c, ActFreeze, reason, nil); err != nil {
					return err
				}
			}
			if reason == LeaveDeceased {
				if _, err := l.openWorkingDeadline(ctx, tx, deceasedID(c.ID), "R-TIME-2", c.ID, studentid.LevelSchool, s.District, s.School, RegistryTransferWorkingDays); err != nil {
					return err
				}
			}
		}
		if reason == LeaveDroppedOut {
			if err := l.punchIDCards(ctx, tx, op, cards, reason); err != nil {
				return err
			}
		}
		s.Status = StudentLeft
		if reason == LeaveGraduated || reason == LeaveCompleted {
			s.Status = StudentCompleted
		}
		if _, err := tx.PutStudent(ctx, s); err != nil {
			return err
		}
		if err := l.closeEnrolment(ctx, tx, s.Key, s.School); err != nil {
			return err
		}
		return tx.PutLeave(ctx, out)
	})
	return out, err
}

// Recover does the recovery operation on a leaving student's card and boxes
// it by cohort, with the handler and the date (R-LEAVE-2); the card is never
// reused. The leave record shows the recovery.
func (l *Ledger) Recover(ctx context.Context, op Operator, leaveID, handler string) (LeaveRecord, error) {
	var out LeaveRecord
	n := &note{action: string(ActRecover), subject: leaveID, rule: "R-LEAVE-2", detail: map[string]any{"handler": handler}}
	err := l.do(ctx, op, n, func(tx Tx) error {
		if op.Level != studentid.LevelSchool {
			return &ForbiddenError{Level: op.Level, District: op.District, School: op.School, Action: ActRecover, Rule: "S-4"}
		}
		r, err := tx.GetLeave(ctx, leaveID)
		if err != nil {
			return err
		}
		if err := checkScope(op, ActRecover, r.District, r.School); err != nil {
			return err
		}
		now := l.now()
		r.Box = fmt.Sprintf("%s-%s-%s", r.School, r.Cohort, DateOf(now).String())
		if id, err := studentid.Parse(r.Number); err == nil && id.IsTransient() {
			// S-ID-10: a card left behind by a student from outside Beijing
			// is kept for reference (备查), never reissued.
			r.Box += ReferenceBoxSuffix
		}
		if r.CardID != "" {
			c, err := tx.GetCard(ctx, r.CardID)
			if err != nil {
				return err
			}
			if _, _, err := l.step(ctx, tx, op, c, ActRecover, handler, func(c *Card) error { c.Box = r.Box; return nil }); err != nil {
				return err
			}
		}
		r.Recovered, r.Handler, r.RecoverAt = true, handler, now
		out = r
		n.detail["box"] = r.Box
		return tx.PutLeave(ctx, r)
	})
	return out, err
}

// ReferenceBoxSuffix ends the box label of recovered cards of transient
// students (from outside Beijing), which are kept for reference (备查) and
// never reissued (S-ID-10).
const ReferenceBoxSuffix = "-REF"

// Leavers returns the list of leaving and recovered students of a school,
// optionally of one cohort (R-LEAVE-2).
func (l *Ledger) Leavers(ctx context.Context, op Operator, school, cohort string) ([]LeaveRecord, error) {
	if len(school) != 8 {
		return nil, &RuleError{Rule: "R-LEAVE-2", Reason: reasonBadTarget}
	}
	if err := l.readable(ctx, op, "leavers", school, school[2:4], school); err != nil {
		return nil, err
	}
	var out []LeaveRecord
	err := l.store.Tx(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Leaves(ctx, school, cohort)
		return err
	})
	return out, err
}

// ApplyForCard decides and records a registry card application (S-ID-4): a
// new card for grade-1 primary students and confirmed transient newcomers
// with a transient number; a replacement for everybody else.
func (l *Ledger) ApplyForCard(ctx context.Context, op Operator, n Newcomer) (ApplicationKind, error) {
	var kind ApplicationKind
	nt := &note{action: "apply-card", subject: n.Number.String(), rule: "S-ID-4", detail: map[string]any{}}
	err := l.do(ctx, op, nt, func(tx Tx) error {
		if err := checkScope(op, "apply-card", n.Number.District().Local(), n.Number.School().String()); err != nil {
			if s, known, e := studentOfNumber(ctx, tx, n.Number.String()); e != nil || !known || checkScope(op, "apply-card", s.District, s.School) != nil {
				return err
			}
		}
		var err error
		kind, err = CardApplication(n, l.now())
		nt.detail["kind"] = kind
		return err
	})
	return kind, err
}

// NumberChange asks for a new registry number (S-ID-5) in a cohort and class.
type NumberChange struct {
	StudentKey    string
	Cohort, Class int
	// ConfirmedInClass: the school confirmed the student is in the new
	// grade's class (S-ID-8); nothing is pre-assigned before.
	ConfirmedInClass bool
}

// PreassignNumber pre-assigns a new registry number for a student whose
// number changes (repeating a year, resuming after suspension…; S-ID-5), once
// the student is confirmed in the new grade's class (S-ID-8): the given
// cohort and class, seat = the class's last seat + 1 (over every number ever
// assigned, so no number is reused, S-ID-1).
func (l *Ledger) PreassignNumber(ctx context.Context, op Operator, ch NumberChange) (NumberRecord, error) {
	var out NumberRecord
	studentKey, cohort, class := ch.StudentKey, ch.Cohort, ch.Class
	n := &note{action: "preassign-number", subject: studentKey, rule: "S-ID-5", detail: map[string]any{}}
	err := l.do(ctx, op, n, func(tx Tx) error {
		if !ch.ConfirmedInClass {
			return &RuleError{Rule: "S-ID-8", Reason: reasonNotConfirmed}
		}
		s, err := l.loadStudent(ctx, tx, studentKey)
		if err != nil {
			return err
		}
		if err := checkScope(op, "preassign-number", s.District, s.School); err != nil {
			return err
		}
		cur, err := studentid.Parse(s.Number)
		if err != nil {
			return err
		}
		f := cur.Fields()
		f.Cohort, f.Class, f.Seat = cohort, class, 1
		probe, err := studentid.Build(f, l.scheme)
		if err != nil {
			return err
		}
		prefix := probe.String()[:13]
		last, err := tx.LastNumber(ctx, prefix)
		switch {
		case err == nil:
			lastID, perr := studentid.Parse(last.Number)
			if perr != nil {
				return perr
			}
			f.Seat = lastID.Seat() + 1
		case !errors.Is(err, ErrNotFound):
			return err
		}
		if f.Seat > 99 {
			return &RuleError{Rule: "S-ID-5", Reason: reasonClassFull}
		}
		id, err := studentid.Build(f, l.scheme)
		if err != nil {
			return err
		}
		out, err = tx.PutNumber(ctx, NumberRecord{Number: id.String(), StudentKey: s.Key, School: s.School, Status: NumberPreassigned, At: l.now(), Replaces: s.Number})
		n.detail["number"] = id.String()
		return err
	})
	return out, err
}

func (l *Ledger) moveNumber(ctx context.Context, tx Tx, op Operator, number string, from, to NumberStatus) (NumberRecord, error) {
	rec, err := tx.GetNumber(ctx, number)
	if err != nil {
		return NumberRecord{}, err
	}
	s, err := tx.GetStudent(ctx, rec.StudentKey)
	if err != nil {
		return NumberRecord{}, err
	}
	if err := checkScope(op, "number", s.District, s.School); err != nil {
		return NumberRecord{}, err
	}
	if rec.Status != from {
		return NumberRecord{}, &RuleError{Rule: "S-ID-5", Reason: reasonNumberState}
	}
	rec.Status = to
	return tx.PutNumber(ctx, rec)
}

// ExportNumberChanges marks pre-assigned numbers exported for filing at the
// city (S-ID-5).
func (l *Ledger) ExportNumberChanges(ctx context.Context, op Operator, numbers []string) error {
	n := &note{action: "export-number-changes", rule: "S-ID-5", detail: map[string]any{"numbers": numbers}}
	return l.do(ctx, op, n, func(tx Tx) error {
		for _, num := range numbers {
			if _, err := l.moveNumber(ctx, tx, op, num, NumberPreassigned, NumberExported); err != nil {
				return err
			}
		}
		return nil
	})
}

// FileNumberChanges is the city filing (立案) exported numbers (S-ID-5).
func (l *Ledger) FileNumberChanges(ctx context.Context, op Operator, numbers []string) error {
	n := &note{action: "file-number-changes", rule: "S-ID-5", detail: map[string]any{"numbers": numbers}}
	return l.do(ctx, op, n, func(tx Tx) error {
		if op.Level != studentid.LevelCity {
			return &ForbiddenError{Level: op.Level, District: op.District, School: op.School, Action: "file-number-changes", Rule: "S-ID-5"}
		}
		for _, num := range numbers {
			if _, err := l.moveNumber(ctx, tx, op, num, NumberExported, NumberFiled); err != nil {
				return err
			}
		}
		return nil
	})
}

// ImportFilingResult imports the city's filing result at the school (S-ID-5),
// once per file digest: an accepted number becomes the student's number and
// the old one is retired (never reused, S-ID-1); the old ID card is punched
// (its printed data changed, C-MGMT-1) and the registry card recalled to be
// personalised again. A refused number is kept as rejected, never reused.
func (l *Ledger) ImportFilingResult(ctx context.Context, op Operator, digest string, accepted map[string]bool) (ImportOutcome, error) {
	n := &note{action: "import-filing-result", subject: digest, rule: "S-ID-5", detail: map[string]any{}}
	numbers := make([]string, 0, len(accepted))
	for k := range accepted {
		numbers = append(numbers, k)
	}
	slices.Sort(numbers)
	return l.runImport(ctx, op, digest, "filing-result", len(numbers), n, func(tx Tx) error {
		for _, num := range numbers {
			if !accepted[num] {
				if _, err := l.moveNumber(ctx, tx, op, num, NumberFiled, NumberRejected); err != nil {
					return err
				}
				continue
			}
			rec, err := l.moveNumber(ctx, tx, op, num, NumberFiled, NumberActive)
			if err != nil {
				return err
			}
			s, err := tx.GetStudent(ctx, rec.StudentKey)
			if err != nil {
				return err
			}
			if _, err := l.moveNumber(ctx, tx, op, s.Number, NumberActive, NumberRetired); err != nil {
				return err
			}
			cards, err := tx.CardsOfStudent(ctx, s.Number)
			if err != nil {
				return err
			}
			for _, c := range cards {
				switch {
				case c.Kind == KindIDCard && c.State == IDIssued:
					_, _, err = l.step(ctx, tx, op, c, ActPunch, "number changed to "+num, nil)
				case c.Kind == KindRegistryCard && c.State == RegIssued:
					_, _, err = l.step(ctx, tx, op, c, ActRecall, "number changed to "+num, nil)
				}
				if err != nil {
					return err
				}
			}
			s.Number = num
			if _, err := tx.PutStudent(ctx, s); err != nil {
				return err
			}
		}
		return nil
	})
}

// ControlledChange is a change of a controlled field (P-2).
type ControlledChange struct {
	StudentKey string
	// Field is one of controlledFields.
	Field string
	New   string
	// Proof names the document that proves the change, issued by the
	// household-registration department (户籍部门出具的证明材料).
	Proof string
	// Approval is the approver's own recorded act ([Ledger.ApproveChange]),
	// not something the requester writes.
	Approval Approval
}

// Approval points at the audit entry an approver's [Ledger.ApproveChange]
// wrote: an act recorded in the approver's own chain, hashed with the
// approver's operator, that [Ledger.ChangeControlledField] reads back and
// verifies, and uses once.
type Approval struct {
	Chain string
	Seq   int64
}

// ApproveChange is the level above approving one change of a controlled
// field (P-2): a district for its schools, the city for everyone. The new
// value is checked like enrolment data. The approval is the audit entry this
// call writes; pass it to the requester's ChangeControlledField.
func (l *Ledger) ApproveChange(ctx context.Context, approver Operator, ch ControlledChange) (Approval, error) {
	var entry AuditEntry
	n := &note{action: "approve", subject: ch.StudentKey, rule: "P-2", out: &entry,
		detail: map[string]any{"field": ch.Field, "new": ch.New, "proof": ch.Proof}}
	err := l.do(ctx, approver, n, func(tx Tx) error {
		if err := checkChange(ch); err != nil {
			return err
		}
		s, err := l.loadStudent(ctx, tx, ch.StudentKey)
		if err != nil {
			return err
		}
		if approver.Level == studentid.LevelSchool {
			return &RuleError{Rule: "P-2", Reason: reasonNeedsApproval}
		}
		return checkScope(approver, "approve", s.District, s.School)
	})
	return Approval{Chain: entry.Chain, Seq: entry.Seq}, err
}

func checkChange(ch ControlledChange) error {
	if !isControlled(ch.Field) {
		return &RuleError{Rule: "P-2", Reason: reasonNotControlled}
	}
	if ch.Proof == "" {
		return &RuleError{Rule: "P-2", Reason: reasonNeedsProof}
	}
	return checkStudentField(ch.Field, ch.New)
}

// ChangeControlledField changes a controlled field with proof and the
// approval of the level above (P-2): the approval must be an intact audit
// entry of an ApproveChange by an operator of a level above the requester
// that covers the student, for exactly this student, field, value and proof,
// and not used before. The new value is checked like enrolment data, and a
// graduate's or finisher's basic data no longer changes (P-5). The audit
// entry keeps the value before, so the change can be traced and reversed
// (P-3).
func (l *Ledger) ChangeControlledField(ctx context.Context, op Operator, ch ControlledChange) (Student, error) {
	var out Student
	n := &note{action: "change-controlled-field", subject: ch.StudentKey, rule: "P-2", detail: map[string]any{"field": ch.Field}}
	err := l.do(ctx, op, n, func(tx Tx) error {
		if err := checkChange(ch); err != nil {
			return err
		}
		s, err := l.loadStudent(ctx, tx, ch.StudentKey)
		if err != nil {
			return err
		}
		if err := checkScope(op, "change-controlled-field", s.District, s.School); err != nil {
			return err
		}
		if s.Status == StudentCompleted {
			return &RuleError{Rule: "P-5", Reason: reasonCompleted}
		}
		approver, err := l.approval(ctx, tx, op, s, ch)
		if err != nil {
			return err
		}
		field := map[string]*string{"name": &s.Name, "gender": &s.Gender, "birth-date": &s.BirthDate, "id-number": &s.IDNumber}[ch.Field]
		n.detail["before"], n.detail["after"], n.detail["proof"] = *field, ch.New, ch.Proof
		n.detail["approver"], n.detail["approval"] = approver, ch.Approval
		*field = ch.New
		if err := birthAgrees(s.BirthDate, s.IDNumber); err != nil {
			return err
		}
		if ch.Field == "id-number" {
			if err := idFree(ctx, tx, s.Key, s.IDNumber); err != nil {
				return err
			}
		}
		out, err = tx.PutStudent(ctx, s)
		return err
	})
	return out, err
}

// approval reads and checks the approval of ch (P-2) and marks it used; it
// returns the approving operator.
func (l *Ledger) approval(ctx context.Context, tx Tx, op Operator, s Student, ch ControlledChange) (Operator, error) {
	refused := &RuleError{Rule: "P-2", Reason: reasonNeedsApproval}
	if ch.Approval.Seq < 1 {
		return Operator{}, refused
	}
	es, err := tx.AuditEntries(ctx, ch.Approval.Chain, ch.Approval.Seq-1, 1)
	if err != nil {
		return Operator{}, err
	}
	if len(es) != 1 || es[0].Seq != ch.Approval.Seq || l.audit.Hash(es[0]) != es[0].Hash {
		return Operator{}, refused
	}
	e := es[0]
	var d struct{ Field, New, Proof string }
	if e.Action != "approve" || e.Outcome != string(OutcomeOK) || e.Subject != s.Key || json.Unmarshal([]byte(e.Detail), &d) != nil ||
		d.Field != ch.Field || d.New != ch.New || d.Proof != ch.Proof || !approves(e.Operator, op, s) {
		return Operator{}, refused
	}
	key := fmt.Sprintf("approval/%s/%d", e.Chain, e.Seq)
	err = tx.PutImport(ctx, Import{Digest: key, FileKind: "approval", District: s.District, School: s.School, Operator: op, At: l.now(), Records: 1})
	if errors.Is(err, ErrDuplicate) {
		return Operator{}, &RuleError{Rule: "P-2", Reason: reasonApprovalUsed}
	}
	return e.Operator, err
}

// approves: the approver is of a level above the operator and covers the
// student (the school's own district, or the city).
func approves(approver, op Operator, s Student) bool {
	if checkOperator(approver, "approve") != nil || !approver.Scope().Contains(s.District, s.School) {
		return false
	}
	rank := map[studentid.Level]int{studentid.LevelCity: 3, studentid.LevelDistrict: 2, studentid.LevelSchool: 1}
	return rank[approver.Level] > rank[op.Level]
}

// checkStudentField checks one field of a student's basic data as
// card-making data is checked (C-1, SPEC §2's data checks): the name is not
// empty, the gender is 1 or 2 (GB/T 2261.1), the birth date is a real
// YYYYMMDD date (P-4), the resident ID number is valid (GB 11643) when
// given. Only the name is required.
func checkStudentField(field, value string) error {
	bad := func(reason string) error { return &RuleError{Rule: "P-2", Reason: reason} }
	switch field {
	case "name":
		if strings.TrimSpace(value) == "" {
			return bad(reasonNoName)
		}
	case "gender":
		if value != "" && value != "1" && value != "2" {
			return bad(reasonBadGender)
		}
	case "birth-date":
		if value != "" {
			if _, err := time.Parse("20060102", value); err != nil || !digits.Is(value, 8) {
				return bad(reasonBadBirthDate)
			}
		}
	case "id-number":
		if value != "" {
			if _, err := studentid.ParseResidentID(value); err != nil {
				return err
			}
		}
	}
	return nil
}

// birthAgrees: the birth date agrees with the resident ID number (SPEC §2).
func birthAgrees(birth, idNumber string) error {
	if birth == "" || idNumber == "" {
		return nil
	}
	r, err := studentid.ParseResidentID(idNumber)
	if err != nil {
		return err
	}
	if r.BirthDate().Format("20060102") != birth {
		return &RuleError{Rule: "P-2", Reason: reasonBirthMismatch}
	}
	return nil
}

// ExportRequest asks to give registry data out (P-1), with what the export
// application states (P-6).
type ExportRequest struct {
	Purpose   string
	Fields    []string
	Recipient string
	// Approval names the written approval.
	Approval string
	// Until is when the recipient must delete the data (the period of use).
	Until time.Time
	// Use is the manner of use (使用方式).
	Use string
	// Responsible is the person responsible for data security (数据安全
	// 责任人), Handler the person who handles the export (经办人).
	Responsible, Handler string
	// SecurityPlan names the plan for keeping the data safe (信息使用管理
	// 安全方案).
	SecurityPlan string
	// Bulk: a bulk export; only the city exports in bulk, county and school
	// levels through the system's page export (P-6).
	Bulk bool
}

// RecordExport checks an export against the minimum-fields rule and records
// it: who, which fields, for what, until when (P-1). The record is the audit
// entry.
func (l *Ledger) RecordExport(ctx context.Context, op Operator, r ExportRequest) error {
	n := &note{action: "export", subject: r.Recipient, rule: "P-1", detail: map[string]any{
		"purpose": r.Purpose, "fields": r.Fields, "approval": r.Approval, "until": r.Until, "recipient": r.Recipient,
		"use": r.Use, "responsible": r.Responsible, "handler": r.Handler, "security_plan": r.SecurityPlan, "bulk": r.Bulk}}
	return l.do(ctx, op, n, func(Tx) error {
		allowed, ok := ExportFields(r.Purpose)
		if !ok {
			return &RuleError{Rule: "P-1", Reason: reasonExportPurpose}
		}
		for _, f := range r.Fields {
			if !slices.Contains(allowed, f) {
				return &RuleError{Rule: "P-1", Reason: reasonExportFields}
			}
		}
		if r.Approval == "" || r.Recipient == "" || len(r.Fields) == 0 || !r.Until.After(l.now()) {
			return &RuleError{Rule: "P-1", Reason: reasonExportApproval}
		}
		for _, v := range []string{r.Use, r.Responsible, r.Handler, r.SecurityPlan} {
			if strings.TrimSpace(v) == "" {
				return &RuleError{Rule: "P-6", Reason: reasonExportP6}
			}
		}
		if r.Bulk && op.Level != studentid.LevelCity {
			return &RuleError{Rule: "P-6", Reason: reasonBulkExport}
		}
		return nil
	})
}
