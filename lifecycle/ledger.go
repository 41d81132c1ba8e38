package lifecycle

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/bjedu/studentcard/internal/digits"
	"github.com/bjedu/studentcard/studentid"
)

// Config is what a Ledger is made of; everything that varies (the store,
// time, the calendar, the registration windows, the check-digit scheme) is
// injected so flows are reproducible.
type Config struct {
	Store Store
	// Clock returns the current time; required.
	Clock func() time.Time
	// Calendar counts working days; nil means [DefaultCalendar].
	Calendar *Calendar
	// Audit hashes the audit log; the zero value uses SHA-256.
	Audit Audit
	// Registration is the R-REG-1 policy; the zero value means
	// [DefaultRegistrationPolicy].
	Registration RegistrationPolicy
	// Scheme computes check digits of pre-assigned numbers (S-ID-5); nil
	// means the reference [studentid.MOD11_10].
	Scheme studentid.Scheme
}

// Ledger is the rich API over a [Store] that the demo, the CLI and vendors'
// systems use: every call carries an [Operator], is checked against the
// operator's scope and level (S-4), applies the SPEC's rules, records an
// event per card transition (with the before-values, P-3), and appends an
// audit entry; refusals for scope are audited too. A Ledger holds no mutable
// state of its own: it is safe for concurrent use when its Store is, and two
// Ledgers on one database behave as one.
type Ledger struct {
	store  Store
	clock  func() time.Time
	cal    *Calendar
	audit  Audit
	reg    RegistrationPolicy
	scheme studentid.Scheme
	id     *Machine
	rc     *Machine
}

// NewLedger checks cfg and returns a Ledger.
func NewLedger(cfg Config) (*Ledger, error) {
	if cfg.Store == nil || cfg.Clock == nil {
		return nil, ErrConfig
	}
	l := &Ledger{store: cfg.Store, clock: cfg.Clock, cal: cfg.Calendar, audit: cfg.Audit, reg: cfg.Registration,
		scheme: cfg.Scheme, id: IDCardMachine(), rc: RegistryCardMachine()}
	if l.cal == nil {
		cal, err := DefaultCalendar()
		if err != nil {
			return nil, err
		}
		l.cal = cal
	}
	if l.reg.Spring == (Window{}) {
		districts := l.reg.Districts
		l.reg = DefaultRegistrationPolicy()
		l.reg.Districts = districts
	}
	if l.scheme == nil {
		l.scheme = studentid.MOD11_10
	}
	return l, nil
}

// Calendar returns the ledger's working-day calendar.
func (l *Ledger) Calendar() *Calendar { return l.cal }

func (l *Ledger) now() time.Time { return l.clock().UTC().Truncate(timePrecision) }

func (l *Ledger) machine(k CardKind) *Machine {
	if k == KindIDCard {
		return l.id
	}
	return l.rc
}

// note is what a call tells the audit log.
type note struct {
	action, subject, rule string
	detail                map[string]any
	// out, if set, receives the audit entry the call appended.
	out *AuditEntry
}

func detailJSON(d map[string]any) string {
	if len(d) == 0 {
		return ""
	}
	b, err := json.Marshal(d)
	if err != nil {
		return fmt.Sprintf(`{"error":%q}`, err.Error())
	}
	return string(b)
}

// do runs fn in a transaction and appends the audit entry n in the same
// transaction. A race on the audit chain head is retried; a refusal for scope
// is audited in a transaction of its own (the call's own writes are gone).
func (l *Ledger) do(ctx context.Context, op Operator, n *note, fn func(tx Tx) error) error {
	if err := checkOperator(op, Action(n.action)); err != nil {
		return l.refused(ctx, op, n, err)
	}
	var err error
	for attempt := 0; attempt < 8; attempt++ {
		err = l.store.Tx(ctx, func(tx Tx) error {
			if err := fn(tx); err != nil {
				return err
			}
			e, err := l.audit.Append(ctx, tx, AuditEntry{Chain: AuditChainFor(op), At: l.now(), Operator: op,
				Action: n.action, Subject: n.subject, Rule: n.rule, Outcome: string(OutcomeOK), Detail: detailJSON(n.detail)})
			if n.out != nil {
				*n.out = e
			}
			return err
		})
		var ce *ConflictError
		if !errors.As(err, &ce) || ce.Entity != EntityAuditChain {
			break
		}
	}
	var fe *ForbiddenError
	if errors.As(err, &fe) {
		return l.refused(ctx, op, n, err)
	}
	return err
}

func (l *Ledger) refused(ctx context.Context, op Operator, n *note, cause error) error {
	rule := "S-4"
	if fe := (*ForbiddenError)(nil); errors.As(cause, &fe) && fe.Rule != "" {
		rule = fe.Rule
	}
	for attempt := 0; attempt < 8; attempt++ {
		err := l.store.Tx(ctx, func(tx Tx) error {
			_, err := l.audit.Append(ctx, tx, AuditEntry{Chain: AuditChainFor(op), At: l.now(), Operator: op,
				Action: n.action, Subject: n.subject, Rule: rule, Outcome: string(OutcomeRefused), Detail: detailJSON(map[string]any{"error": cause.Error()})})
			return err
		})
		var ce *ConflictError
		if errors.As(err, &ce) && ce.Entity == EntityAuditChain {
			continue
		}
		if err != nil {
			return errors.Join(cause, err)
		}
		break
	}
	return cause
}

// checkOperator: a district operator has a 2-digit district; a school
// operator an 8-digit school code in that district; application units may
// not change the ledger (S-4).
func checkOperator(op Operator, action Action) error {
	ok := false
	switch op.Level {
	case studentid.LevelCity:
		ok = op.District == "" && op.School == ""
	case studentid.LevelDistrict:
		ok = digits.Is(op.District, 2) && op.School == ""
	case studentid.LevelSchool:
		ok = digits.Is(op.District, 2) && digits.Is(op.School, 8) && op.School[2:4] == op.District
	case studentid.LevelApplication:
		// S-12: an application unit changes nothing, but reports a forged
		// or misused card it stopped.
		ok = action == actReportMisuse && op.User != ""
	}
	if !ok {
		return &ForbiddenError{Level: op.Level, District: op.District, School: op.School, Action: action, Rule: "S-4"}
	}
	switch op.Role {
	case "", RoleCardManager:
	case RoleSystemAdmin:
		if !systemAction(action) {
			return &ForbiddenError{Level: op.Level, District: op.District, School: op.School, Action: action, Rule: "S-14"}
		}
	default:
		return &ForbiddenError{Level: op.Level, District: op.District, School: op.School, Action: action, Rule: "S-14"}
	}
	return nil
}

// systemAction: what a system administrator may do (S-14): record the
// level's backups, virus scans and syncs, schedule those duties, and read
// the duties' clocks and the audit log; no card, student or registry data.
func systemAction(a Action) bool {
	switch a {
	case "sync", "last-sync", "schedule-duties", "overdue", actReadAudit, "verify-audit":
		return true
	}
	return false
}

// readable checks a read: a valid operator whose scope covers the target;
// a refusal is audited like any other (S-4).
func (l *Ledger) readable(ctx context.Context, op Operator, action Action, subject, district, school string) error {
	err := checkOperator(op, action)
	if err == nil {
		err = checkScope(op, action, district, school)
	}
	if err != nil {
		return l.refused(ctx, op, &note{action: string(action), subject: subject}, err)
	}
	return nil
}

func checkScope(op Operator, action Action, district, school string) error {
	if op.Scope().Contains(district, school) {
		return nil
	}
	return &ForbiddenError{Level: op.Level, District: op.District, School: op.School, Action: action,
		Target: Scope{District: district, School: school}, Rule: "S-4"}
}

// step applies one transition to a card inside tx: scope, machine, guard
// (mutate may refuse), event with the before-values, versioned write.
func (l *Ledger) step(ctx context.Context, tx Tx, op Operator, c Card, action Action, reason string, mutate func(*Card) error) (Card, Event, error) {
	if err := checkScope(op, action, c.District, c.School); err != nil {
		return Card{}, Event{}, err
	}
	return l.stepUnscoped(ctx, tx, op, c, action, reason, mutate)
}

// stepUnscoped is step for the one case where the caller has established the
// operator's right by other means (transfer-in of a card released by the old
// school, R-MOVE-1).
func (l *Ledger) stepUnscoped(ctx context.Context, tx Tx, op Operator, c Card, action Action, reason string, mutate func(*Card) error) (Card, Event, error) {
	t, err := l.machine(c.Kind).Find(c.State, action, op.Level)
	if err != nil {
		var te *TransitionError
		if errors.As(err, &te) {
			te.CardID = c.ID
		}
		var fe *ForbiddenError
		if errors.As(err, &fe) {
			fe.District, fe.School, fe.Target = op.District, op.School, Scope{c.District, c.School}
		}
		return Card{}, Event{}, err
	}
	before, err := json.Marshal(c)
	if err != nil {
		return Card{}, Event{}, err
	}
	from := c.State
	c.State = t.To
	c.UpdatedAt = l.now()
	if mutate != nil {
		if err := mutate(&c); err != nil {
			return Card{}, Event{}, err
		}
	}
	c, err = tx.PutCard(ctx, c)
	if err != nil {
		return Card{}, Event{}, err
	}
	ev, err := tx.AppendEvent(ctx, Event{CardID: c.ID, Kind: c.Kind, Action: action, From: from, To: c.State, Rule: t.Rule,
		At: c.UpdatedAt, Operator: op, District: c.District, School: c.School, Reason: reason, Before: string(before), Version: c.Version})
	return c, ev, err
}

// openDeadline starts a clock for level; the deadline lies in that level's
// own scope (a district's clock is not on its schools' lists).
func (l *Ledger) openDeadline(ctx context.Context, tx Tx, id, rule, subject string, level studentid.Level, district, school string, due time.Time) error {
	switch level {
	case studentid.LevelCity:
		district, school = "", ""
	case studentid.LevelDistrict:
		school = ""
	}
	return tx.PutDeadline(ctx, Deadline{ID: id, Rule: rule, Subject: subject, Level: level, District: district, School: school, Start: l.now(), DueAt: due.UTC()})
}

// openWorkingDeadline starts a clock of days working days from now for
// level; past the calendar's years it is counted provisionally (flagged).
func (l *Ledger) openWorkingDeadline(ctx context.Context, tx Tx, id, rule, subject string, level studentid.Level, district, school string, days int) (Deadline, error) {
	due, provisional := l.cal.AddWorkingDaysProvisional(l.now(), days)
	switch level {
	case studentid.LevelCity:
		district, school = "", ""
	case studentid.LevelDistrict:
		school = ""
	}
	d := Deadline{ID: id, Rule: rule, Subject: subject, Level: level, District: district, School: school, Start: l.now(),
		DueAt: due.UTC(), WorkingDays: days, Provisional: provisional}
	return d, tx.PutDeadline(ctx, d)
}

func (l *Ledger) closeDeadline(ctx context.Context, tx Tx, id string) error {
	d, err := tx.GetDeadline(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil || !d.DoneAt.IsZero() {
		return err
	}
	d.DoneAt = l.now()
	return tx.PutDeadline(ctx, d)
}

func lossEffectID(cardID string) string { return "R-LOSS-1/" + cardID }
func lossApplyID(cardID string) string  { return "R-LOSS-5/apply/" + cardID }
func lossDeliverID(cardID string) string {
	return "R-LOSS-5/deliver/" + cardID
}

// lossClocks starts the clocks of a loss report: the loss must be in effect
// within 2 working days (R-LOSS-1: closed by the daily upload that carries
// it), and a card not found when the 10-day loss period ends is applied for
// within a week after it (R-LOSS-5: closed by the application).
func (l *Ledger) lossClocks(ctx context.Context, tx Tx, c Card) error {
	if _, err := l.openWorkingDeadline(ctx, tx, lossEffectID(c.ID), "R-LOSS-1", c.ID, studentid.LevelSchool, c.District, c.School, LossEffectiveWorkingDays); err != nil {
		return err
	}
	due := lossPeriodEnd(c.LostAt).In(Beijing()).AddDate(0, 0, ReplaceApplyDays)
	return l.openDeadline(ctx, tx, lossApplyID(c.ID), "R-LOSS-5", c.ID, studentid.LevelSchool, c.District, c.School, due)
}

func (l *Ledger) closeLossClocks(ctx context.Context, tx Tx, cardID string) error {
	if err := l.closeDeadline(ctx, tx, lossEffectID(cardID)); err != nil {
		return err
	}
	return l.closeDeadline(ctx, tx, lossApplyID(cardID))
}

func handOnID(cardID string, level studentid.Level) string {
	return "R-TIME-1/" + cardID + "/" + string(level)
}

// addStock moves a counter; going below zero refuses the call under rule.
func (l *Ledger) addStock(ctx context.Context, tx Tx, rule string, key StockKey, delta int64) error {
	n, err := tx.AddStock(ctx, key, delta)
	if err != nil {
		return err
	}
	if n < 0 {
		return &RuleError{Rule: rule, Reason: reasonStockShort}
	}
	return nil
}

func stockOf(level studentid.Level, district, school string, item StockItem) StockKey {
	switch level {
	case studentid.LevelCity:
		return StockKey{Level: studentid.LevelCity, Item: item}
	case studentid.LevelDistrict:
		return StockKey{Level: studentid.LevelDistrict, Code: district, Item: item}
	}
	return StockKey{Level: studentid.LevelSchool, Code: school, Item: item}
}

// Card reads one card, if it lies in the operator's scope.
func (l *Ledger) Card(ctx context.Context, op Operator, id string) (Card, error) {
	var c Card
	err := l.store.Tx(ctx, func(tx Tx) error {
		var err error
		c, err = tx.GetCard(ctx, id)
		return err
	})
	if err != nil {
		return Card{}, err
	}
	if err := l.readable(ctx, op, "read", id, c.District, c.School); err != nil {
		return Card{}, err
	}
	return c, nil
}

// History returns a card's events in order (P-3: who did what, when, at which
// level, and what it was before).
func (l *Ledger) History(ctx context.Context, op Operator, id string) ([]Event, error) {
	if _, err := l.Card(ctx, op, id); err != nil {
		return nil, err
	}
	var out []Event
	err := l.store.Tx(ctx, func(tx Tx) error {
		var after int64
		for {
			page, err := tx.CardEvents(ctx, id, after, 500)
			if err != nil {
				return err
			}
			out = append(out, page...)
			if len(page) < 500 {
				return nil
			}
			after = page[len(page)-1].Seq
		}
	})
	return out, err
}

// Request is one generic transition: the action, the card, why, and, for
// the operator who looked at the card on screen, the version seen (0: any).
type Request struct {
	CardID    string
	Action    Action
	Reason    string
	IfVersion int64
	// Target is the district code (ship-to-district) or school code
	// (ship-to-school) the card goes to.
	Target string
}

// Transition applies a plain transition: validate, reject, send to factory,
// issue, punch, expire, cancel, freeze, unfreeze, report/cancel loss, ship,
// recover surplus, fault chain, recall. Actions with more to them have their
// own methods (ImportResult, Personalise, Replace…); calling those actions
// here is refused as an illegal transition by their guards. If someone else
// changed the card meanwhile (after the version in r.IfVersion, or inside
// this very call on a database with concurrent writers) the call fails with
// ErrConflict: reload and decide again.
func (l *Ledger) Transition(ctx context.Context, op Operator, r Request) (Card, error) {
	var out Card
	n := &note{action: string(r.Action), subject: r.CardID, detail: map[string]any{"reason": r.Reason}}
	err := l.do(ctx, op, n, func(tx Tx) error {
		c, err := tx.GetCard(ctx, r.CardID)
		if err != nil {
			return err
		}
		if err := checkScope(op, r.Action, c.District, c.School); err != nil {
			return err
		}
		if r.IfVersion != 0 && c.Version != r.IfVersion {
			return &ConflictError{Entity: "card", Key: c.ID, Expected: r.IfVersion, Stored: c.Version}
		}
		mutate, after, err := l.plain(ctx, tx, op, c, r)
		if err != nil {
			return err
		}
		c, ev, err := l.step(ctx, tx, op, c, r.Action, r.Reason, mutate)
		if err != nil {
			return err
		}
		n.rule = ev.Rule
		n.detail["from"], n.detail["to"], n.detail["event"] = ev.From, ev.To, ev.Seq
		if after != nil {
			if err := after(c); err != nil {
				return err
			}
		}
		out = c
		return nil
	})
	return out, err
}

// plain returns the guard/mutation and the after-effects of a plain action.
func (l *Ledger) plain(ctx context.Context, tx Tx, op Operator, c Card, r Request) (func(*Card) error, func(Card) error, error) {
	now := l.now()
	switch r.Action {
	case ActShipToDistrict: // R-ISSUE-1
		if !digits.Is(r.Target, 2) {
			return nil, nil, &RuleError{Rule: "R-ISSUE-1", Reason: reasonBadTarget}
		}
		return func(c *Card) error { c.District, c.Holder = r.Target, studentid.LevelDistrict; return nil },
			func(c Card) error {
				if err := l.addStock(ctx, tx, "R-ISSUE-1", stockOf(studentid.LevelCity, "", "", StockBlankRegistry), -1); err != nil {
					return err
				}
				return l.addStock(ctx, tx, "R-ISSUE-1", stockOf(studentid.LevelDistrict, c.District, "", StockBlankRegistry), 1)
			}, nil
	case ActShipToSchool: // R-ISSUE-2
		if !digits.Is(r.Target, 8) || r.Target[2:4] != c.District {
			return nil, nil, &RuleError{Rule: "R-ISSUE-2", Reason: reasonBadTarget}
		}
		return func(c *Card) error { c.School, c.Holder = r.Target, studentid.LevelSchool; return nil },
			func(c Card) error {
				if err := l.addStock(ctx, tx, "R-ISSUE-2", stockOf(studentid.LevelDistrict, c.District, "", StockBlankRegistry), -1); err != nil {
					return err
				}
				if err := l.addStock(ctx, tx, "R-ISSUE-2", stockOf(studentid.LevelSchool, c.District, c.School, StockShipped), 1); err != nil {
					return err
				}
				return l.addStock(ctx, tx, "R-ISSUE-2", stockOf(studentid.LevelSchool, c.District, c.School, StockBlankRegistry), 1)
			}, nil
	case ActRecoverSurplus: // R-ISSUE-2
		school := c.School
		return func(c *Card) error { c.School, c.Holder = "", studentid.LevelDistrict; return nil },
			func(c Card) error {
				if err := l.addStock(ctx, tx, "R-ISSUE-2", stockOf(studentid.LevelSchool, c.District, school, StockBlankRegistry), -1); err != nil {
					return err
				}
				if err := l.addStock(ctx, tx, "R-ISSUE-2", stockOf(studentid.LevelSchool, c.District, school, StockShipped), -1); err != nil {
					return err
				}
				return l.addStock(ctx, tx, "R-ISSUE-2", stockOf(studentid.LevelDistrict, c.District, "", StockBlankRegistry), 1)
			}, nil
	case ActValidateDistrict: // C-MAKE-2: the stored records are the base of R-ISSUE-2
		return nil, func(c Card) error {
			return l.addStock(ctx, tx, "R-ISSUE-2", stockOf(studentid.LevelSchool, c.District, c.School, StockIDRecords), 1)
		}, nil
	case ActIssue:
		// R-REG-1: a new card must work, so issuing a registry card
		// registers it for the current semester.
		return func(c *Card) error {
				if c.Kind == KindRegistryCard {
					c.ValidUntil = l.reg.current(c.District, now).validUntil.UTC()
				}
				return nil
			}, func(c Card) error {
				if c.Kind != KindIDCard {
					return nil
				}
				// S-8: the holder goes out with every ID card issue and
				// reissue; the counter is the record that it did.
				if err := l.addStock(ctx, tx, "S-8", stockOf(studentid.LevelSchool, c.District, c.School, StockHoldersIssued), 1); err != nil {
					return err
				}
				return l.closeDeadline(ctx, tx, handOnID(c.ID, studentid.LevelSchool))
			}, nil
	case ActReturnTemporary: // R-LOSS-2: the lent card goes back to school stock
		if !c.Temporary {
			return nil, nil, &RuleError{Rule: "R-LOSS-2", Reason: reasonNotTemporary}
		}
		return func(c *Card) error { c.Student, c.Cohort, c.Temporary = "", "", false; return nil },
			func(c Card) error {
				return l.addStock(ctx, tx, "R-LOSS-2", stockOf(studentid.LevelSchool, c.District, c.School, StockBlankRegistry), 1)
			}, nil
	case ActReportLoss: // R-LOSS-1, R-LOSS-5
		return func(c *Card) error { c.LostAt = now; return nil }, func(c Card) error { return l.lossClocks(ctx, tx, c) }, nil
	case ActCancelLoss: // found again: no clock runs for it any more
		return func(c *Card) error { c.LostAt = time.Time{}; return nil }, func(c Card) error { return l.closeLossClocks(ctx, tx, c.ID) }, nil
	case ActReportFault, ActFaultToDistrict, ActFaultToSupplier:
		return l.plainFault(ctx, tx, c, r)
	case ActExpire: // C-MGMT-1: only a card past its printed validity expires
		if now.Before(c.ValidUntil) {
			return nil, nil, &RuleError{Rule: "C-MGMT-1", Reason: reasonStillValid}
		}
		return nil, nil, nil
	case ActHandIn: // R-RECOVER-1: the cards go to the district with the slip
		return func(c *Card) error { c.Holder = studentid.LevelDistrict; return nil }, nil, nil
	case ActFaultToCity:
		if c.State == RegRecoveredDistrict { // R-RECOVER-2: only fault cards go up to the city
			return nil, nil, &RuleError{Rule: "R-RECOVER-2", Reason: reasonRecoveredStop}
		}
		return l.plainFault(ctx, tx, c, r)
	case ActRecall, ActRecover: // S-9: no card is taken back outside the rules' own operations
		if c.Kind == KindRegistryCard {
			return nil, nil, &RuleError{Rule: "S-9", Reason: reasonNoTakeBack}
		}
	case ActCancel: // R-TIME-2: a deceased student's card is cancelled within 10 working days
		return nil, func(c Card) error { return l.closeDeadline(ctx, tx, deceasedID(c.ID)) }, nil
	case ActValidateCity, ActReject, ActSendToFactory, ActPunch, ActFreeze, ActUnfreeze:
		return nil, nil, nil
	}
	// Anything else has its own method; report it as not allowed here,
	// naming the state and the machine's rule.
	t, err := l.machine(c.Kind).Find(c.State, r.Action, op.Level)
	var te *TransitionError
	switch {
	case err == nil:
		err = &TransitionError{Kind: c.Kind, CardID: c.ID, Action: r.Action, State: c.State, Rule: t.Rule}
	case errors.As(err, &te):
		te.CardID = c.ID
	}
	return nil, nil, err
}

// plainFault moves a card up the fault chain and its counters (R-FAULT-1).
func (l *Ledger) plainFault(ctx context.Context, tx Tx, c Card, r Request) (func(*Card) error, func(Card) error, error) {
	from := c.Holder
	to := map[Action]studentid.Level{ActReportFault: studentid.LevelSchool, ActFaultToDistrict: studentid.LevelDistrict, ActFaultToCity: studentid.LevelCity}[r.Action]
	return func(c *Card) error {
			if to != "" {
				c.Holder = to
			}
			return nil
		}, func(c Card) error {
			if r.Action != ActReportFault {
				if err := l.addStock(ctx, tx, "R-FAULT-1", stockOf(from, c.District, c.School, StockFault), -1); err != nil {
					return err
				}
			}
			if to == "" {
				return nil
			}
			return l.addStock(ctx, tx, "R-FAULT-1", stockOf(to, c.District, c.School, StockFault), 1)
		}, nil
}

// reversible: the actions Undo may reverse, those that change only the card
// itself (no stock moved, nothing physical like punching or boxing).
func reversible(a Action) bool {
	switch a {
	case ActReportLoss, ActCancelLoss, ActFreeze, ActUnfreeze, ActCancel:
		return true
	}
	return false
}

// UndoWindow is how long after a daily operation Undo may reverse it: a
// mistake is corrected within the week it was made (P-3); later, the
// operation that undoes it is done for real (cancel the loss, unfreeze…) and
// a loss of 200 days ago is not silently taken back.
const UndoWindow = 7 * 24 * time.Hour

// Undo reverses the last change of a card when it was a daily operation
// entered by mistake (report loss, cancel loss, freeze, unfreeze, cancel):
// the card gets back the fields its last event kept as before-values, and a
// new "undo" event records it; nothing is deleted (P-3: every change is
// traceable and reversible). Only an operator whose level may do that
// operation may undo it (a district or the city cannot undo a school's
// freeze or cancel, which only a school does, S-4), and only within
// [UndoWindow] of it.
func (l *Ledger) Undo(ctx context.Context, op Operator, cardID, reason string) (Card, error) {
	var out Card
	n := &note{action: "undo", subject: cardID, rule: "P-3", detail: map[string]any{"reason": reason}}
	err := l.do(ctx, op, n, func(tx Tx) error {
		c, err := tx.GetCard(ctx, cardID)
		if err != nil {
			return err
		}
		if err := checkScope(op, "undo", c.District, c.School); err != nil {
			return err
		}
		var last Event
		for after := int64(0); ; {
			page, err := tx.CardEvents(ctx, cardID, after, 500)
			if err != nil {
				return err
			}
			if len(page) > 0 {
				last = page[len(page)-1]
				after = last.Seq
			}
			if len(page) < 500 {
				break
			}
		}
		if !reversible(last.Action) || last.Version != c.Version || last.Before == "" {
			return &RuleError{Rule: "P-3", Reason: reasonNotReversible}
		}
		if _, err := l.machine(c.Kind).Find(last.From, last.Action, op.Level); err != nil {
			var fe *ForbiddenError
			if errors.As(err, &fe) {
				fe.District, fe.School, fe.Action, fe.Target = op.District, op.School, "undo", Scope{c.District, c.School}
			}
			return err
		}
		if l.now().Sub(last.At) > UndoWindow {
			return &RuleError{Rule: "P-3", Reason: reasonUndoWindow}
		}
		var prev Card
		if err := json.Unmarshal([]byte(last.Before), &prev); err != nil {
			return err
		}
		before, err := json.Marshal(c)
		if err != nil {
			return err
		}
		prev.Version, prev.UpdatedAt = c.Version, l.now()
		if out, err = tx.PutCard(ctx, prev); err != nil {
			return err
		}
		n.detail["undone_event"], n.detail["from"], n.detail["to"] = last.Seq, c.State, out.State
		switch last.Action { // the loss clocks follow the card (R-LOSS-1, R-LOSS-5)
		case ActReportLoss:
			if err := l.closeLossClocks(ctx, tx, out.ID); err != nil {
				return err
			}
		case ActCancelLoss:
			if err := l.lossClocks(ctx, tx, out); err != nil {
				return err
			}
		}
		_, err = tx.AppendEvent(ctx, Event{CardID: out.ID, Kind: out.Kind, Action: "undo", From: c.State, To: out.State, Rule: "P-3",
			At: out.UpdatedAt, Operator: op, District: out.District, School: out.School,
			Reason: fmt.Sprintf("%s (undoes event %d)", reason, last.Seq), Before: string(before), Version: out.Version})
		return err
	})
	return out, err
}

// FileDigest returns the lowercase hex SHA-256 of a file's bytes: the key
// under which imports are recorded once.
func FileDigest(r io.Reader) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
