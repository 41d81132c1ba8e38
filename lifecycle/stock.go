package lifecycle

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bjedu/studentcard/internal/digits"
	"github.com/bjedu/studentcard/studentid"
)

// ShipReserve moves reserve cards (预备卡: ID-card blanks with the background
// printed and no school or student data, S-7) from the city to a district.
// The entry returned is printed for the paper register, which is the record
// (C-RESERVE-2).
func (l *Ledger) ShipReserve(ctx context.Context, op Operator, district string, count int64) (ReserveEntry, error) {
	var out ReserveEntry
	n := &note{action: "ship-reserve", subject: district, rule: "S-7", detail: map[string]any{"count": count}}
	err := l.do(ctx, op, n, func(tx Tx) error {
		if op.Level != studentid.LevelCity {
			return &ForbiddenError{Level: op.Level, District: op.District, School: op.School, Action: "ship-reserve", Rule: "S-7"}
		}
		if !digits.Is(district, 2) {
			return &RuleError{Rule: "S-7", Reason: reasonBadTarget}
		}
		if count <= 0 {
			return &RuleError{Rule: "S-7", Reason: reasonBadCount}
		}
		balance, err := tx.AddStock(ctx, stockOf(studentid.LevelDistrict, district, "", StockReserveID), count)
		out = ReserveEntry{At: l.now(), District: district, Movement: "in", Count: count, Balance: balance, User: op.User}
		return err
	})
	return out, err
}

// SetToIssue records how many ID cards a district is to issue this round,
// the base of its reserve target (C-RESERVE-1).
func (l *Ledger) SetToIssue(ctx context.Context, op Operator, count int64) error {
	n := &note{action: "set-to-issue", subject: op.District, rule: "C-RESERVE-1", detail: map[string]any{"count": count}}
	return l.do(ctx, op, n, func(tx Tx) error {
		if op.Level != studentid.LevelDistrict {
			return &ForbiddenError{Level: op.Level, District: op.District, School: op.School, Action: "set-to-issue", Rule: "C-RESERVE-1"}
		}
		if count < 0 {
			return &RuleError{Rule: "C-RESERVE-1", Reason: reasonBadCount}
		}
		key := stockOf(studentid.LevelDistrict, op.District, "", StockToIssue)
		cur, err := tx.Stock(ctx, key)
		if err != nil {
			return err
		}
		_, err = tx.AddStock(ctx, key, count-cur)
		return err
	})
}

// PrintSmallBatch is a district printing a batch of fewer than 50 ID cards
// itself (C-MAKE-2) on reserve cards (S-7). It returns the reserve position
// afterwards, with the alert below 1 % (C-RESERVE-1).
func (l *Ledger) PrintSmallBatch(ctx context.Context, op Operator, count int64) (ReserveStatus, error) {
	var out ReserveStatus
	n := &note{action: "print-small-batch", subject: op.District, rule: "S-7", detail: map[string]any{"count": count}}
	err := l.do(ctx, op, n, func(tx Tx) error {
		if op.Level != studentid.LevelDistrict {
			return &ForbiddenError{Level: op.Level, District: op.District, School: op.School, Action: "print-small-batch", Rule: "S-7"}
		}
		if count <= 0 || count >= SmallBatchLimit {
			return &RuleError{Rule: "C-MAKE-2", Reason: reasonSmallBatch}
		}
		stock, err := tx.AddStock(ctx, stockOf(studentid.LevelDistrict, op.District, "", StockReserveID), -count)
		if err != nil {
			return err
		}
		if stock < 0 {
			return &RuleError{Rule: "S-7", Reason: reasonStockShort}
		}
		toIssue, err := tx.Stock(ctx, stockOf(studentid.LevelDistrict, op.District, "", StockToIssue))
		out = reserveStatus(stock, toIssue)
		out.Entry = ReserveEntry{At: l.now(), District: op.District, Movement: "out", Count: count, Balance: stock, User: op.User}
		n.detail["alert"] = out.Alert
		return err
	})
	return out, err
}

// Reserve returns a district's reserve card position (C-RESERVE-1).
func (l *Ledger) Reserve(ctx context.Context, op Operator, district string) (ReserveStatus, error) {
	if err := l.readable(ctx, op, "reserve", district, district, ""); err != nil {
		return ReserveStatus{}, err
	}
	var out ReserveStatus
	err := l.store.Tx(ctx, func(tx Tx) error {
		stock, err := tx.Stock(ctx, stockOf(studentid.LevelDistrict, district, "", StockReserveID))
		if err != nil {
			return err
		}
		toIssue, err := tx.Stock(ctx, stockOf(studentid.LevelDistrict, district, "", StockToIssue))
		out = reserveStatus(stock, toIssue)
		return err
	})
	return out, err
}

// StockOf reads one stock counter in the operator's scope (S-4).
func (l *Ledger) StockOf(ctx context.Context, op Operator, key StockKey) (int64, error) {
	district, school := "", ""
	switch key.Level {
	case studentid.LevelDistrict:
		district = key.Code
	case studentid.LevelSchool:
		if len(key.Code) == 8 {
			district, school = key.Code[2:4], key.Code
		}
	}
	if err := l.readable(ctx, op, "stock", key.Code, district, school); err != nil {
		return 0, err
	}
	var n int64
	err := l.store.Tx(ctx, func(tx Tx) error {
		var err error
		n, err = tx.Stock(ctx, key)
		return err
	})
	return n, err
}

// RecordSync records a daily upload, month-end sync, student-change sync or
// backup of the operator's level and whether it succeeded (R-OPS-1). For a
// daily upload, upTo is the last event Seq it carried.
func (l *Ledger) RecordSync(ctx context.Context, op Operator, kind SyncKind, upTo int64, ok bool, detail string) (SyncRecord, error) {
	var out SyncRecord
	n := &note{action: "sync", subject: string(kind), rule: "R-OPS-1", detail: map[string]any{"ok": ok, "up_to": upTo}}
	err := l.do(ctx, op, n, func(tx Tx) error {
		if kind == SyncTransfers && op.Role == RoleSystemAdmin {
			// S-14: processing transfers is registry business.
			return &ForbiddenError{Level: op.Level, District: op.District, School: op.School, Action: "sync", Rule: "S-14"}
		}
		if ok && kind == SyncDailyUpload {
			if err := l.lossesUploaded(ctx, tx, op, upTo); err != nil {
				return err
			}
		}
		if err := l.dutyDone(ctx, tx, op, kind, ok); err != nil {
			return err
		}
		var err error
		out, err = tx.AppendSync(ctx, SyncRecord{Kind: kind, Level: op.Level, District: op.District, School: op.School,
			At: l.now(), UpTo: upTo, OK: ok, Detail: detail})
		return err
	})
	return out, err
}

// SyncCheckHours: a sync's result shows success within about 6 hours, or
// the school asks the centre, and takes the data there on media if it
// failed (R-OPS-3).
const SyncCheckHours = 6

func dutyID(rule string, what string, op Operator) string {
	return rule + "/" + what + "/" + string(op.Level) + "/" + op.District + "/" + op.School
}

// scheduled lists the duties with a schedule (R-OPS-1, R-OPS-2): the weekly
// backup and virus scan, the daily upload, the month-end CMIS sync.
func scheduled() []SyncKind {
	return []SyncKind{SyncBackup, SyncVirusScan, SyncDailyUpload, SyncMonthEnd}
}

// nextDue is when the duty of kind done at t is due again: a week later
// (backup, virus scan), the end of the next working day (daily upload), the
// end of the month (month-end sync; one done in the last ten days of a
// month, or in the first ten of the next, is that month's, R-OPS-1).
func (l *Ledger) nextDue(kind SyncKind, t time.Time) (due time.Time, days int, provisional bool) {
	switch kind {
	case SyncDailyUpload:
		due, provisional = l.cal.AddWorkingDaysProvisional(t, 1)
		return due, 1, provisional
	case SyncMonthEnd:
		d := DateOf(t)
		months := 1
		if d.Day > 20 {
			months = 2
		}
		return Date{d.Year, d.Month, 1}.Start().AddDate(0, months, 0), 0, false
	}
	return t.AddDate(0, 0, 7), 0, false
}

// dutyDone restarts the clock of a duty scheduled at the operator's level on
// success (R-OPS-2: a missed backup, virus scan, daily upload or month-end
// sync is overdue) and
// runs the check of a month-end or student-change sync (R-OPS-3: success
// within about 6 hours, or ask the centre).
func (l *Ledger) dutyDone(ctx context.Context, tx Tx, op Operator, kind SyncKind, ok bool) error {
	if kind == SyncMonthEnd || kind == SyncStudent {
		check := dutyID("R-OPS-3", string(kind), op)
		if !ok {
			return l.openDeadline(ctx, tx, check, "R-OPS-3", string(kind), op.Level, op.District, op.School, l.now().Add(SyncCheckHours*time.Hour))
		}
		if err := l.closeDeadline(ctx, tx, check); err != nil {
			return err
		}
		if d := DateOf(l.now()); d.Month == time.March && d.Day >= springTransfersBy {
			if err := l.closeDeadline(ctx, tx, springID(op, d.Year)); err != nil {
				return err
			}
		}
	}
	if kind == SyncTransfers && ok {
		// R-OPS-3: the spring processing of transfers, due by 16 March;
		// one recorded late still closes it (late shows as overdue until
		// then).
		if d := DateOf(l.now()); d.Month <= time.March {
			if err := l.closeDeadline(ctx, tx, springTransfersID(op, d.Year)); err != nil {
				return err
			}
		}
	}
	if !ok || !slices.Contains(scheduled(), kind) {
		return nil
	}
	id := dutyID("R-OPS-2", string(kind), op)
	if _, err := tx.GetDeadline(ctx, id); errors.Is(err, ErrNotFound) {
		return nil // not scheduled at this level ([Ledger.ScheduleDuties])
	} else if err != nil {
		return err
	}
	due, days, provisional := l.nextDue(kind, l.now())
	return tx.PutDeadline(ctx, Deadline{ID: id, Rule: "R-OPS-2", Subject: string(kind), Level: op.Level,
		District: op.District, School: op.School, Start: l.now(), DueAt: due.UTC(), WorkingDays: days, Provisional: provisional})
}

// The spring dates of R-OPS-3 (in March): transfers in and out are
// processed by the 16th and synced by the 20th.
const (
	springTransfersBy = 16
	springSyncBy      = 20
)

func springID(op Operator, year int) string {
	return dutyID("R-OPS-3", "spring-"+strconv.Itoa(year), op)
}

func springTransfersID(op Operator, year int) string {
	return dutyID("R-OPS-3", "spring-transfers-"+strconv.Itoa(year), op)
}

// ScheduleDuties starts the clocks of the operator's level's duties from
// now (R-OPS-2): weekly backup and virus scan, the daily upload, the
// month-end CMIS sync; for a school also the spring processing of transfers
// in and out, due by 16 March (done by [Ledger.RecordSync] of
// [SyncTransfers]), and the spring sync of them, due by 20 March (done by a
// month-end or student-change sync from 16 March) (R-OPS-3), and for every
// level the
// semester report of its card-management staff (S-14). Each is done by
// [Ledger.RecordSync] or [Ledger.ReportStaff]; one missed is in
// [Ledger.Overdue]. Scheduling again restarts the clocks from now.
func (l *Ledger) ScheduleDuties(ctx context.Context, op Operator) ([]Deadline, error) {
	var out []Deadline
	n := &note{action: "schedule-duties", subject: string(op.Level), rule: "R-OPS-2", detail: map[string]any{}}
	err := l.do(ctx, op, n, func(tx Tx) error {
		now := l.now()
		for _, kind := range scheduled() {
			due, days, provisional := l.nextDue(kind, now)
			if kind == SyncDailyUpload { // today's upload is the first one due
				due, provisional = l.cal.AddWorkingDaysProvisional(now, 0)
			}
			out = append(out, Deadline{ID: dutyID("R-OPS-2", string(kind), op), Rule: "R-OPS-2", Subject: string(kind), Level: op.Level,
				District: op.District, School: op.School, Start: now, DueAt: due.UTC(), WorkingDays: days, Provisional: provisional})
		}
		if op.Level == studentid.LevelSchool {
			for _, duty := range []struct {
				subject string
				by      int
				id      func(Operator, int) string
			}{{"spring-transfers", springTransfersBy, springTransfersID}, {"spring-sync", springSyncBy, springID}} {
				// this spring's, or next year's once this one's day is past
				year := DateOf(now).Year
				due := Date{year, time.March, duty.by}.AddDays(1).Start()
				if !now.Before(due) {
					year++
					due = Date{year, time.March, duty.by}.AddDays(1).Start()
				}
				out = append(out, Deadline{ID: duty.id(op, year), Rule: "R-OPS-3", Subject: duty.subject, Level: op.Level,
					District: op.District, School: op.School, Start: now, DueAt: due.UTC()})
			}
		}
		out = append(out, l.staffDuty(op, now))
		for _, d := range out {
			if err := tx.PutDeadline(ctx, d); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// staffDuty is the S-14 clock: the staff report of the current semester is
// due by the start of the next one.
func (l *Ledger) staffDuty(op Operator, now time.Time) Deadline {
	sem := l.reg.current(op.District, now)
	next := sem.start.AddDate(0, 6, 0)
	return Deadline{ID: dutyID("S-14", "staff-report", op), Rule: "S-14", Subject: "staff-report", Level: op.Level,
		District: op.District, School: op.School, Start: now, DueAt: next.UTC()}
}

// StaffMember is one person of a level's card-management staff (S-14).
type StaffMember struct {
	User string
	Name string
	Role Role
}

// ReportStaff records the level's report of its card-management staff and
// their roles to the level above, due every semester (S-14): the audit entry
// in the level's chain is the record the level above reads. It restarts the
// semester clock.
func (l *Ledger) ReportStaff(ctx context.Context, op Operator, staff []StaffMember) error {
	n := &note{action: "report-staff", subject: string(op.Level), rule: "S-14", detail: map[string]any{"staff": staff}}
	return l.do(ctx, op, n, func(tx Tx) error {
		if len(staff) == 0 {
			return &RuleError{Rule: "S-14", Reason: reasonNoStaff}
		}
		for _, m := range staff {
			if m.User == "" || strings.TrimSpace(m.Name) == "" || (m.Role != RoleCardManager && m.Role != RoleSystemAdmin) {
				return &RuleError{Rule: "S-14", Reason: reasonBadStaff}
			}
		}
		return tx.PutDeadline(ctx, l.staffDuty(op, l.now()))
	})
}

// lossesUploaded closes the R-LOSS-1 clock of every loss a successful daily
// upload up to upTo carries (the events after the previous upload): the loss
// is on its way to the readers.
func (l *Ledger) lossesUploaded(ctx context.Context, tx Tx, op Operator, upTo int64) error {
	var after int64
	last, err := tx.LastSync(ctx, SyncDailyUpload, op.Level, op.District, op.School, true)
	switch {
	case err == nil:
		after = last.UpTo
	case !errors.Is(err, ErrNotFound):
		return err
	}
	for after < upTo {
		page, err := tx.ScopeEvents(ctx, op.Scope(), after, 500)
		if err != nil {
			return err
		}
		for _, e := range page {
			if e.Seq > upTo {
				return nil
			}
			if e.Action == ActReportLoss {
				if err := l.closeDeadline(ctx, tx, lossEffectID(e.CardID)); err != nil {
					return err
				}
			}
		}
		if len(page) < 500 {
			return nil
		}
		after = page[len(page)-1].Seq
	}
	return nil
}

// LastSync answers "did the last sync succeed": the latest record of kind for
// the operator's own level (ErrNotFound if there never was one) (R-OPS-1).
func (l *Ledger) LastSync(ctx context.Context, op Operator, kind SyncKind) (SyncRecord, error) {
	if err := l.readable(ctx, op, "last-sync", string(kind), op.District, op.School); err != nil {
		return SyncRecord{}, err
	}
	var out SyncRecord
	err := l.store.Tx(ctx, func(tx Tx) error {
		var err error
		out, err = tx.LastSync(ctx, kind, op.Level, op.District, op.School, false)
		return err
	})
	return out, err
}

// Unsent answers "what has not been sent up yet" (R-OPS-1): up to limit
// events in the operator's scope after the last successful daily upload (a
// limit of 0 or less means 100).
func (l *Ledger) Unsent(ctx context.Context, op Operator, limit int) ([]Event, error) {
	if err := l.readable(ctx, op, "unsent", "", op.District, op.School); err != nil {
		return nil, err
	}
	var out []Event
	err := l.store.Tx(ctx, func(tx Tx) error {
		var after int64
		last, err := tx.LastSync(ctx, SyncDailyUpload, op.Level, op.District, op.School, true)
		switch {
		case err == nil:
			after = last.UpTo
		case !errors.Is(err, ErrNotFound):
			return err
		}
		out, err = tx.ScopeEvents(ctx, op.Scope(), after, pageLimit(limit))
		return err
	})
	return out, err
}

// ShipmentPlan is what a district owes a school, or must take back, in
// registry cards (R-ISSUE-2).
type ShipmentPlan struct {
	School string
	// IDRecords is the number of ID-card records stored for the school.
	IDRecords int64
	// Allocation is IDRecords plus 8 % temporary and spare cards.
	Allocation int64
	// Shipped is what the school has received, net of recovered surplus.
	Shipped int64
	// ToShip is what is still owed; Surplus what the district recovers.
	ToShip, Surplus int64
}

// SchoolShipment computes a school's registry card plan (R-ISSUE-2) from the
// ledger's counters.
func (l *Ledger) SchoolShipment(ctx context.Context, op Operator, school string) (ShipmentPlan, error) {
	if !digits.Is(school, 8) {
		return ShipmentPlan{}, &RuleError{Rule: "R-ISSUE-2", Reason: reasonBadTarget}
	}
	if err := l.readable(ctx, op, "shipment-plan", school, school[2:4], school); err != nil {
		return ShipmentPlan{}, err
	}
	p := ShipmentPlan{School: school}
	err := l.store.Tx(ctx, func(tx Tx) error {
		var err error
		if p.IDRecords, err = tx.Stock(ctx, stockOf(studentid.LevelSchool, school[2:4], school, StockIDRecords)); err != nil {
			return err
		}
		p.Shipped, err = tx.Stock(ctx, stockOf(studentid.LevelSchool, school[2:4], school, StockShipped))
		return err
	})
	p.Allocation = int64(SchoolAllocation(int(p.IDRecords)))
	p.ToShip, p.Surplus = max(0, p.Allocation-p.Shipped), int64(schoolSurplus(int(p.Shipped), int(p.IDRecords)))
	return p, err
}
