package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/studentid"
)

// ImportOutcome says what an import did: Already is true when the file's
// digest was imported before, in which case nothing changed.
type ImportOutcome struct {
	Import  Import
	Already bool
}

// importFile records the file once; the bool says it was there already.
func (l *Ledger) importFile(ctx context.Context, tx Tx, op Operator, digest, kind string, records int) (Import, bool, error) {
	prev, err := tx.GetImport(ctx, digest)
	if err == nil {
		return prev, true, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return Import{}, false, err
	}
	imp := Import{Digest: digest, FileKind: kind, District: op.District, School: op.School, Operator: op, At: l.now(), Records: records}
	return imp, false, tx.PutImport(ctx, imp)
}

// runImport runs an import so that a file lands exactly once: the work and
// the import record share one transaction; a second import of the same digest
// (even a concurrent one) changes nothing and reports Already.
func (l *Ledger) runImport(ctx context.Context, op Operator, digest, kind string, records int, n *note, work func(tx Tx) error) (ImportOutcome, error) {
	var out ImportOutcome
	n.detail["digest"], n.detail["records"] = digest, records
	err := l.do(ctx, op, n, func(tx Tx) error {
		imp, already, err := l.importFile(ctx, tx, op, digest, kind, records)
		if err != nil {
			return err
		}
		out = ImportOutcome{Import: imp, Already: already}
		n.detail["already"] = already
		if already {
			return nil
		}
		return work(tx)
	})
	if errors.Is(err, ErrDuplicate) {
		// Either the work hit a taken key, or this import lost a race with
		// a concurrent import of the same file: then it already landed.
		var prev Import
		if l.store.Tx(ctx, func(tx Tx) error {
			var gerr error
			prev, gerr = tx.GetImport(ctx, digest)
			return gerr
		}) == nil {
			return ImportOutcome{Import: prev, Already: true}, nil
		}
	}
	return out, err
}

// ReceiveStock records initialised registry cards the city received from the
// supplier (R-ISSUE-1): one shipment file, keyed by its digest, creates the
// cards in city stock and counts them.
func (l *Ledger) ReceiveStock(ctx context.Context, op Operator, digest string, cardIDs []string) (ImportOutcome, error) {
	n := &note{action: "receive-stock", subject: digest, rule: "R-ISSUE-1", detail: map[string]any{}}
	return l.runImport(ctx, op, digest, "registry-stock", len(cardIDs), n, func(tx Tx) error {
		if op.Level != studentid.LevelCity {
			return &ForbiddenError{Level: op.Level, District: op.District, School: op.School, Action: "receive-stock", Rule: "R-ISSUE-1"}
		}
		for _, id := range cardIDs {
			c, err := tx.PutCard(ctx, Card{ID: id, Kind: KindRegistryCard, State: RegCityStock, Holder: studentid.LevelCity, Batch: digest, UpdatedAt: l.now()})
			if err != nil {
				return err
			}
			if _, err := tx.AppendEvent(ctx, Event{CardID: id, Kind: c.Kind, Action: "receive-stock", To: c.State, Rule: "R-ISSUE-1",
				At: c.UpdatedAt, Operator: op, Version: c.Version}); err != nil {
				return err
			}
		}
		return l.addStock(ctx, tx, "R-ISSUE-1", stockOf(studentid.LevelCity, "", "", StockBlankRegistry), int64(len(cardIDs)))
	})
}

// SubmitIDCard records the card-making record of one student, uploaded by
// the school (C-MAKE-1): an ID card in state submitted, valid until
// validUntil (C-MGMT-1).
func (l *Ledger) SubmitIDCard(ctx context.Context, op Operator, cardID string, number studentid.ID, validUntil time.Time) (Card, error) {
	var out Card
	n := &note{action: "submit", subject: cardID, rule: "C-MAKE-1", detail: map[string]any{}}
	err := l.do(ctx, op, n, func(tx Tx) error {
		if op.Level != studentid.LevelSchool {
			return &ForbiddenError{Level: op.Level, District: op.District, School: op.School, Action: "submit", Rule: "C-MAKE-1"}
		}
		if err := studentHere(ctx, tx, op, number, "S-4"); err != nil {
			return err
		}
		c, err := tx.PutCard(ctx, Card{ID: cardID, Kind: KindIDCard, State: IDSubmitted, Holder: studentid.LevelSchool,
			District: op.District, School: op.School, Student: number.String(), Cohort: fmt.Sprintf("%02d", number.Cohort()),
			ValidUntil: validUntil.UTC().Truncate(timePrecision), UpdatedAt: l.now()})
		if err != nil {
			return err
		}
		out = c
		_, err = tx.AppendEvent(ctx, Event{CardID: c.ID, Kind: c.Kind, Action: "submit", To: c.State, Rule: "C-MAKE-1",
			At: c.UpdatedAt, Operator: op, District: c.District, School: c.School, Version: c.Version})
		return err
	})
	return out, err
}

// ImportResult imports a result file at the operator's level (C-ISSUE-1,
// C-ISSUE-2): each listed ID card moves from the level above to this one.
// Only after the school's import may a card be issued (C-ISSUE-3). The
// district and the school then have 10 working days to pass the card on
// (R-TIME-1): the import opens that deadline and closes the one before. The
// file is imported once by its digest; [Ledger.ImportResultFile] reads a
// result file in the batch format and calls the same logic.
func (l *Ledger) ImportResult(ctx context.Context, op Operator, digest string, cardIDs []string) (ImportOutcome, error) {
	n := &note{action: string(ActImportResult), subject: digest, rule: "C-ISSUE-3", detail: map[string]any{}}
	return l.runImport(ctx, op, digest, "result", len(cardIDs), n, func(tx Tx) error {
		for _, id := range cardIDs {
			c, err := tx.GetCard(ctx, id)
			if err != nil {
				return err
			}
			if err := l.receiveIDCard(ctx, tx, op, c, digest); err != nil {
				return err
			}
		}
		return nil
	})
}

// ImportResultFile imports a result file in the batch format (C-ISSUE-1,
// C-ISSUE-2) at the operator's level: the file's SHA-256 is the import key,
// the records made (status OK) name the students whose ID cards move down
// one level, and the file's waste from data errors is recorded in the audit
// log and flagged over 3 % (C-5). A record whose student has no ID card
// awaiting this level's import rejects the whole file (C-ISSUE-4: the upper
// level regenerates it). The reader is read three times (digest, waste,
// records), so it must seek.
func (l *Ledger) ImportResultFile(ctx context.Context, op Operator, r io.ReadSeeker, name string) (ImportOutcome, batch.Waste, error) {
	digest, err := FileDigest(r)
	if err != nil {
		return ImportOutcome{}, batch.Waste{}, err
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return ImportOutcome{}, batch.Waste{}, err
	}
	waste, err := batch.CheckWaste(ctx, r, name)
	if err != nil {
		return ImportOutcome{}, batch.Waste{}, err
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return ImportOutcome{}, batch.Waste{}, err
	}
	var numbers []string
	if _, err := batch.ReadResults(ctx, r, name, func(_ batch.Record, rr batch.ResultRecord) error {
		if rr.Status == batch.StatusOK {
			numbers = append(numbers, rr.RegistryNo.String())
		}
		return nil
	}); err != nil {
		return ImportOutcome{}, batch.Waste{}, err
	}
	n := &note{action: string(ActImportResult), subject: digest, rule: "C-ISSUE-3", detail: map[string]any{
		"file": name, "cards": waste.Cards, "made": waste.Made, "data_errors": waste.DataErrors, "waste_rate": waste.Rate, "liable_C-5": waste.Liable}}
	out, err := l.runImport(ctx, op, digest, "result", len(numbers), n, func(tx Tx) error {
		for _, num := range numbers {
			c, err := l.awaitingImport(ctx, tx, op, num)
			if err != nil {
				return err
			}
			if err := l.receiveIDCard(ctx, tx, op, c, digest); err != nil {
				return err
			}
		}
		return nil
	})
	return out, waste, err
}

// awaitingImport finds the student's ID card that this level's result
// import moves.
func (l *Ledger) awaitingImport(ctx context.Context, tx Tx, op Operator, number string) (Card, error) {
	cards, err := tx.CardsOfStudent(ctx, number)
	if err != nil {
		return Card{}, err
	}
	for _, c := range cards {
		if c.Kind != KindIDCard {
			continue
		}
		if _, err := l.id.Find(c.State, ActImportResult, op.Level); err == nil {
			return c, nil
		}
	}
	return Card{}, &NotFoundError{Entity: "ID card awaiting the result import (C-ISSUE-4)", Key: number}
}

// receiveIDCard moves one ID card down to the operator's level on a result
// import and runs the hand-on clocks (R-TIME-1).
func (l *Ledger) receiveIDCard(ctx context.Context, tx Tx, op Operator, c Card, digest string) error {
	c, _, err := l.step(ctx, tx, op, c, ActImportResult, "result file "+digest, func(c *Card) error {
		c.Holder, c.Batch = op.Level, digest
		return nil
	})
	if err != nil || op.Level == studentid.LevelCity {
		return err
	}
	if op.Level == studentid.LevelSchool {
		if err := l.closeDeadline(ctx, tx, handOnID(c.ID, studentid.LevelDistrict)); err != nil {
			return err
		}
	}
	_, err = l.openWorkingDeadline(ctx, tx, handOnID(c.ID, op.Level), "R-TIME-1", c.ID, op.Level, c.District, c.School, HandOnWorkingDays)
	return err
}

// studentOfNumber finds the student a registry number belongs to, if the
// ledger knows the number.
func studentOfNumber(ctx context.Context, tx Tx, number string) (Student, bool, error) {
	rec, err := tx.GetNumber(ctx, number)
	if errors.Is(err, ErrNotFound) {
		return Student{}, false, nil
	}
	if err != nil {
		return Student{}, false, err
	}
	s, err := tx.GetStudent(ctx, rec.StudentKey)
	if errors.Is(err, ErrNotFound) {
		return Student{}, false, nil
	}
	return s, err == nil, err
}

// studentHere checks that the number's student is enrolled at the operator's
// school: a known student by the ledger's record (transfers included), an
// unknown one by the school code in the number.
func studentHere(ctx context.Context, tx Tx, op Operator, number studentid.ID, rule string) error {
	s, known, err := studentOfNumber(ctx, tx, number.String())
	switch {
	case err != nil:
		return err
	case known && (s.School != op.School || s.Status != StudentEnrolled):
		return &RuleError{Rule: rule, Reason: reasonNotEnrolled}
	case !known && number.School().String() != op.School:
		return &RuleError{Rule: rule, Reason: reasonNotEnrolled}
	}
	return nil
}

// Personalise writes a student's data into a registry card in school stock
// (R-ISSUE-3). A transfer student must have been transferred in first
// (R-MOVE-1): the student must be enrolled at this school.
func (l *Ledger) Personalise(ctx context.Context, op Operator, cardID string, number studentid.ID) (Card, error) {
	var out Card
	n := &note{action: string(ActPersonalise), subject: cardID, detail: map[string]any{"student": number.String()}}
	err := l.do(ctx, op, n, func(tx Tx) error {
		if err := studentHere(ctx, tx, op, number, "R-MOVE-1"); err != nil {
			return err
		}
		c, err := tx.GetCard(ctx, cardID)
		if err != nil {
			return err
		}
		c, ev, err := l.step(ctx, tx, op, c, ActPersonalise, "", func(c *Card) error {
			c.Student, c.Cohort = number.String(), fmt.Sprintf("%02d", number.Cohort())
			return nil
		})
		if err != nil {
			return err
		}
		n.rule = ev.Rule
		out = c
		return l.addStock(ctx, tx, "R-ISSUE-3", stockOf(studentid.LevelSchool, c.District, c.School, StockBlankRegistry), -1)
	})
	return out, err
}

// IssueTemporary lends a temporary card from school stock to a student whose
// card is lost (R-LOSS-2).
func (l *Ledger) IssueTemporary(ctx context.Context, op Operator, cardID string, number studentid.ID) (Card, error) {
	var out Card
	n := &note{action: string(ActIssueTemporary), subject: cardID, rule: "R-LOSS-2", detail: map[string]any{"student": number.String()}}
	err := l.do(ctx, op, n, func(tx Tx) error {
		cards, err := tx.CardsOfStudent(ctx, number.String())
		if err != nil {
			return err
		}
		lost := false
		for _, c := range cards {
			lost = lost || (c.State == RegLost && !c.Temporary && l.now().Before(lossPeriodEnd(c.LostAt)))
		}
		if !lost {
			return &RuleError{Rule: "R-LOSS-2", Reason: reasonNotLost}
		}
		c, err := tx.GetCard(ctx, cardID)
		if err != nil {
			return err
		}
		out, _, err = l.step(ctx, tx, op, c, ActIssueTemporary, "", func(c *Card) error {
			c.Student, c.Temporary, c.Cohort = number.String(), true, fmt.Sprintf("%02d", number.Cohort())
			return nil
		})
		if err != nil {
			return err
		}
		return l.addStock(ctx, tx, "R-LOSS-2", stockOf(studentid.LevelSchool, c.District, c.School, StockBlankRegistry), -1)
	})
	return out, err
}

// LossEffective reports whether the loss of a card reported lost must be in
// effect at the ledger's now, and the instant by which it must be: R-LOSS-1
// sets an upper bound (the end of the 2nd working day after the report), not
// a waiting period; the loss is on the school's list at once
// ([Ledger.ListEvents]) and in effect from the moment readers have it.
// provisional is true when the bound lies past the calendar's years.
func (l *Ledger) LossEffective(c Card) (mustBe bool, by time.Time, provisional bool) {
	if c.State != RegLost || c.LostAt.IsZero() {
		return false, time.Time{}, false
	}
	by, provisional = lossEffectiveBy(l.cal, c.LostAt)
	return !l.now().Before(by), by, provisional
}

// Register records the semester card-swipe registration (R-REG-1) of an
// issued registry card: the card stays valid until the end of the next
// semester's registration window. Inside the district's window anyone
// registers; outside it, a student who joined the school this semester (a
// transfer or promoted student reporting at the new school) registers at any
// time of year. A new card needs no swipe: issuing it registers it for the
// current semester.
func (l *Ledger) Register(ctx context.Context, op Operator, cardID string) (Card, error) {
	var out Card
	n := &note{action: "register", subject: cardID, rule: "R-REG-1", detail: map[string]any{}}
	err := l.do(ctx, op, n, func(tx Tx) error {
		c, err := tx.GetCard(ctx, cardID)
		if err != nil {
			return err
		}
		if err := checkScope(op, "register", c.District, c.School); err != nil {
			return err
		}
		if c.Kind != KindRegistryCard || c.State != RegIssued {
			return &TransitionError{Kind: c.Kind, CardID: c.ID, Action: "register", State: c.State, Rule: "R-REG-1"}
		}
		sem := l.reg.current(c.District, l.now())
		if _, err := l.reg.Register(c.District, l.now()); err != nil {
			arrived, aerr := l.arrivedThisSemester(ctx, tx, c, sem)
			if aerr != nil {
				return aerr
			}
			if !arrived {
				return err
			}
		}
		c.ValidUntil, c.UpdatedAt = sem.validUntil.UTC(), l.now()
		out, err = tx.PutCard(ctx, c)
		n.detail["valid_until"], n.detail["semester"] = sem.validUntil, fmt.Sprintf("%04d-%d", sem.year, sem.term)
		return err
	})
	return out, err
}

// arrivedThisSemester reports whether the card's student started at the
// card's school during sem (R-REG-1: transfer and promoted students register
// when they report at the new school).
func (l *Ledger) arrivedThisSemester(ctx context.Context, tx Tx, c Card, sem semester) (bool, error) {
	s, known, err := studentOfNumber(ctx, tx, c.Student)
	if err != nil || !known {
		return false, err
	}
	ens, err := tx.Enrolments(ctx, s.Key)
	if err != nil {
		return false, err
	}
	for _, e := range ens {
		if e.School == c.School && e.Until.IsZero() && !e.Since.Before(sem.start) {
			return len(ens) > 1, nil // a first enrolment is no transfer
		}
	}
	return false, nil
}

// RegistrationValid reports whether an issued registry card still works at
// the ledger's now: it stops after 20 March / 20 September unless registered
// (R-REG-1).
func (l *Ledger) RegistrationValid(c Card) bool {
	return c.State == RegIssued && l.reg.Valid(c.ValidUntil, l.now())
}

// Replacement is a registry card replacement on its way (R-LOSS-3).
type Replacement struct {
	Old   Card
	Terms Terms
	// Deadlines for the city (14), the district (17) and the whole
	// replacement (20 working days).
	CityDue, DistrictDue, Due time.Time
}

func replaceID(oldCardID string, level studentid.Level) string {
	return "R-LOSS-3/" + oldCardID + "/" + string(level)
}

// ReplaceRegistryCard takes the school's application to replace a lost or
// damaged card (R-LOSS-3: 15 yuan, fee code 174011; a lost card only after
// the 10-day loss period, R-LOSS-2) or a card with a confirmed fault (R-LOSS-4:
// free). The old card is cancelled (a faulty one goes up the fault chain,
// R-FAULT-1) and the replacement's deadlines start: city 14, district 17,
// whole 20 working days.
func (l *Ledger) ReplaceRegistryCard(ctx context.Context, op Operator, cardID string, cause Cause) (Replacement, error) {
	var out Replacement
	n := &note{action: string(ActReplace), subject: cardID, detail: map[string]any{"cause": cause}}
	err := l.do(ctx, op, n, func(tx Tx) error {
		terms, err := RegistryReplacementTerms(cause)
		if err != nil {
			return err
		}
		n.rule = terms.Rule
		n.detail["fee_yuan"], n.detail["fee_code"], n.detail["payer"] = terms.FeeYuan, terms.FeeCode, terms.Payer
		c, err := tx.GetCard(ctx, cardID)
		if err != nil {
			return err
		}
		action := ActReplace
		switch cause {
		case CauseLost:
			if c.State == RegLost && l.now().Before(lossPeriodEnd(c.LostAt)) {
				return &RuleError{Rule: "R-LOSS-2", Reason: reasonLossPeriod}
			}
			if c.State != RegLost {
				return &TransitionError{Kind: c.Kind, CardID: c.ID, Action: action, State: c.State, Rule: "R-LOSS-3"}
			}
		case CauseCardFault:
			action = ActReportFault
		}
		c, _, err = l.step(ctx, tx, op, c, action, string(cause), nil)
		if err != nil {
			return err
		}
		if action == ActReportFault {
			if err := l.addStock(ctx, tx, "R-FAULT-1", stockOf(studentid.LevelSchool, c.District, c.School, StockFault), 1); err != nil {
				return err
			}
		}
		// R-LOSS-5: the application stops the clock of a lost card and
		// starts the 10 working days for the new card to reach the student.
		if err := l.closeDeadline(ctx, tx, lossApplyID(c.ID)); err != nil {
			return err
		}
		if _, err := l.openWorkingDeadline(ctx, tx, lossDeliverID(c.ID), "R-LOSS-5", c.ID, studentid.LevelSchool, c.District, c.School, ReplaceDeliverWorkingDays); err != nil {
			return err
		}
		out = Replacement{Old: c, Terms: terms}
		for _, d := range []struct {
			level studentid.Level
			days  int
			at    *time.Time
		}{{studentid.LevelCity, ReplaceCityWorkingDays, &out.CityDue}, {studentid.LevelDistrict, ReplaceDistrictWorkingDays, &out.DistrictDue}, {studentid.LevelSchool, ReplaceTotalWorkingDays, &out.Due}} {
			dl, err := l.openWorkingDeadline(ctx, tx, replaceID(c.ID, d.level), "R-LOSS-3", c.ID, d.level, c.District, c.School, d.days)
			if err != nil {
				return err
			}
			*d.at = dl.DueAt
		}
		return nil
	})
	return out, err
}

// ReplacementDone records that the operator's level has done its part of the
// replacement of oldCardID (R-LOSS-3): the city or the district passed the
// new card on, or the school handed it out.
func (l *Ledger) ReplacementDone(ctx context.Context, op Operator, oldCardID string) error {
	n := &note{action: "replacement-done", subject: oldCardID, rule: "R-LOSS-3", detail: map[string]any{}}
	return l.do(ctx, op, n, func(tx Tx) error {
		d, err := tx.GetDeadline(ctx, replaceID(oldCardID, op.Level))
		if err != nil {
			return err
		}
		if err := checkScope(op, "replacement-done", d.District, d.School); err != nil {
			return err
		}
		if op.Level == studentid.LevelSchool { // handed out: R-LOSS-5's 10 working days stop too
			if err := l.closeDeadline(ctx, tx, lossDeliverID(oldCardID)); err != nil {
				return err
			}
		}
		return l.closeDeadline(ctx, tx, d.ID)
	})
}

// IDReplacement is an ID card replacement (C-REPLACE-1).
type IDReplacement struct {
	Old, New Card
	// Terms say who pays (Terms.Payer, C-REPLACE-1 and C-FEE-1) and what
	// paperwork goes with the request.
	Terms Terms
	// Keeper is the level that keeps the fee the student pays (C-FEE-1:
	// the level that makes the card; the city for a replacement made
	// through the factory); "" when the student pays nothing.
	Keeper studentid.Level
}

// ReplaceIDCard replaces an issued (or punched) ID card with a new one that
// starts the making flow again, saying who pays, which level keeps the fee
// and what paperwork goes with it (C-REPLACE-1, C-FEE-1, from
// [IDReplacementCost]). The new card goes through the city to the factory,
// so the city is the level that makes it and keeps a student's fee. erring
// is the level at fault for [CauseUpperError] (the district or the city,
// which then pays the production cost); a [CauseSchoolError] is the
// school's own and erring is ignored, as it is for every other cause. Payer
// and keeper are recorded in the audit entry and returned.
func (l *Ledger) ReplaceIDCard(ctx context.Context, op Operator, oldID, newID string, cause Cause, erring studentid.Level) (IDReplacement, error) {
	var out IDReplacement
	n := &note{action: string(ActReplace), subject: oldID, rule: "C-REPLACE-1", detail: map[string]any{"cause": cause, "new": newID}}
	err := l.do(ctx, op, n, func(tx Tx) error {
		switch cause {
		case CauseSchoolError:
			erring = studentid.LevelSchool
		case CauseUpperError:
			if erring != studentid.LevelDistrict && erring != studentid.LevelCity {
				return &RuleError{Rule: "C-FEE-1", Reason: reasonErringLevel}
			}
		default:
			erring = ""
		}
		terms, keeper, err := IDReplacementCost(cause, erring, studentid.LevelCity)
		if err != nil {
			return err
		}
		n.detail["payer"], n.detail["keeper"], n.detail["maker"] = terms.Payer, keeper, studentid.LevelCity
		if erring != "" {
			n.detail["erring"] = erring
		}
		old, err := tx.GetCard(ctx, oldID)
		if err != nil {
			return err
		}
		if old.Kind != KindIDCard {
			return &TransitionError{Kind: old.Kind, CardID: old.ID, Action: ActReplace, State: old.State, Rule: "C-REPLACE-1"}
		}
		old, _, err = l.step(ctx, tx, op, old, ActReplace, string(cause), nil)
		if err != nil {
			return err
		}
		nc, err := tx.PutCard(ctx, Card{ID: newID, Kind: KindIDCard, State: IDSubmitted, Holder: studentid.LevelSchool, District: old.District,
			School: old.School, Student: old.Student, Cohort: old.Cohort, Replaces: old.ID, ValidUntil: old.ValidUntil, UpdatedAt: l.now()})
		if err != nil {
			return err
		}
		if _, err := tx.AppendEvent(ctx, Event{CardID: nc.ID, Kind: nc.Kind, Action: "submit", To: nc.State, Rule: "C-REPLACE-1",
			At: nc.UpdatedAt, Operator: op, District: nc.District, School: nc.School, Reason: string(cause), Version: nc.Version}); err != nil {
			return err
		}
		out = IDReplacement{Old: old, New: nc, Terms: terms, Keeper: keeper}
		return nil
	})
	return out, err
}

// Overdue returns one page of open deadlines past due in the operator's
// scope (R-TIME-1, R-LOSS-3, R-ISSUE-4), oldest first; pass the last
// deadline of a page as after to get the next (nil for the first). A limit
// of 0 or less means 100.
func (l *Ledger) Overdue(ctx context.Context, op Operator, after *Deadline, limit int) ([]Deadline, error) {
	if err := l.readable(ctx, op, "overdue", "", op.District, op.School); err != nil {
		return nil, err
	}
	q := OverdueQuery{Scope: op.Scope(), Now: l.now(), Limit: limit}
	q.Limit = q.PageLimit()
	if after != nil {
		q.AfterDue, q.AfterID = after.DueAt, after.ID
	}
	var out []Deadline
	err := l.store.Tx(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Overdue(ctx, q)
		return err
	})
	return out, err
}

// OfflinePersonalisation records that a school personalised cards while the
// network was down: the records must reach the district on storage media
// within one month (R-ISSUE-4). batch names the set of records.
func (l *Ledger) OfflinePersonalisation(ctx context.Context, op Operator, batch string) (Deadline, error) {
	var out Deadline
	n := &note{action: "offline-personalisation", subject: batch, rule: "R-ISSUE-4", detail: map[string]any{}}
	err := l.do(ctx, op, n, func(tx Tx) error {
		if op.Level != studentid.LevelSchool {
			return &ForbiddenError{Level: op.Level, District: op.District, School: op.School, Action: "offline-personalisation", Rule: "R-ISSUE-4"}
		}
		now := l.now()
		out = Deadline{ID: "R-ISSUE-4/" + op.School + "/" + batch, Rule: "R-ISSUE-4", Subject: batch, Level: studentid.LevelSchool,
			District: op.District, School: op.School, Start: now, DueAt: now.In(Beijing()).AddDate(0, 1, 0).UTC()}
		return tx.PutDeadline(ctx, out)
	})
	return out, err
}

// ReceivePersonalisationRecords is the district importing a school's
// offline personalisation records (R-ISSUE-4), closing the one-month clock;
// the file is imported once by its digest.
func (l *Ledger) ReceivePersonalisationRecords(ctx context.Context, op Operator, school, batch, digest string, records int) (ImportOutcome, error) {
	n := &note{action: "personalisation-records", subject: batch, rule: "R-ISSUE-4", detail: map[string]any{"school": school}}
	return l.runImport(ctx, op, digest, "personalisation", records, n, func(tx Tx) error {
		id := "R-ISSUE-4/" + school + "/" + batch
		d, err := tx.GetDeadline(ctx, id)
		if err != nil {
			return err
		}
		if err := checkScope(op, "personalisation-records", d.District, d.School); err != nil {
			return err
		}
		return l.closeDeadline(ctx, tx, id)
	})
}
