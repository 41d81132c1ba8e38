package lifecycle

import (
	"context"
	"errors"
)

// ShipReserve moves reserve cards (预备卡: ID-card blanks with the background
// printed and no school or student data, S-7) from the city to a district.
func (l *Ledger) ShipReserve(ctx context.Context, op Operator, district string, count int64) error {
	n := &note{action: "ship-reserve", subject: district, rule: "S-7", detail: map[string]any{"count": count}}
	return l.do(ctx, op, n, func(tx Tx) error {
		if op.Level != LevelCity {
			return &ForbiddenError{Level: op.Level, District: op.District, School: op.School, Action: "ship-reserve", Rule: "S-7"}
		}
		if !isDigits(district, 2) {
			return &RuleError{Rule: "S-7", Reason: reasonBadTarget}
		}
		if count <= 0 {
			return &RuleError{Rule: "S-7", Reason: reasonBadCount}
		}
		return l.addStock(ctx, tx, "S-7", stockOf(LevelDistrict, district, "", StockReserveID), count)
	})
}

// SetToIssue records how many ID cards a district is to issue this round,
// the base of its reserve target (C-RESERVE-1).
func (l *Ledger) SetToIssue(ctx context.Context, op Operator, count int64) error {
	n := &note{action: "set-to-issue", subject: op.District, rule: "C-RESERVE-1", detail: map[string]any{"count": count}}
	return l.do(ctx, op, n, func(tx Tx) error {
		if op.Level != LevelDistrict {
			return &ForbiddenError{Level: op.Level, District: op.District, School: op.School, Action: "set-to-issue", Rule: "C-RESERVE-1"}
		}
		if count < 0 {
			return &RuleError{Rule: "C-RESERVE-1", Reason: reasonBadCount}
		}
		key := stockOf(LevelDistrict, op.District, "", StockToIssue)
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
		if op.Level != LevelDistrict {
			return &ForbiddenError{Level: op.Level, District: op.District, School: op.School, Action: "print-small-batch", Rule: "S-7"}
		}
		if count <= 0 || count >= SmallBatchLimit {
			return &RuleError{Rule: "C-MAKE-2", Reason: reasonSmallBatch}
		}
		stock, err := tx.AddStock(ctx, stockOf(LevelDistrict, op.District, "", StockReserveID), -count)
		if err != nil {
			return err
		}
		if stock < 0 {
			return &RuleError{Rule: "S-7", Reason: reasonStockShort}
		}
		toIssue, err := tx.Stock(ctx, stockOf(LevelDistrict, op.District, "", StockToIssue))
		out = Reserve(stock, toIssue)
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
		stock, err := tx.Stock(ctx, stockOf(LevelDistrict, district, "", StockReserveID))
		if err != nil {
			return err
		}
		toIssue, err := tx.Stock(ctx, stockOf(LevelDistrict, district, "", StockToIssue))
		out = Reserve(stock, toIssue)
		return err
	})
	return out, err
}

// StockOf reads one stock counter in the operator's scope (S-4).
func (l *Ledger) StockOf(ctx context.Context, op Operator, key StockKey) (int64, error) {
	district, school := "", ""
	switch key.Level {
	case LevelDistrict:
		district = key.Code
	case LevelSchool:
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
		if ok && kind == SyncDailyUpload {
			if err := l.lossesUploaded(ctx, tx, op, upTo); err != nil {
				return err
			}
		}
		var err error
		out, err = tx.AppendSync(ctx, SyncRecord{Kind: kind, Level: op.Level, District: op.District, School: op.School,
			At: l.now(), UpTo: upTo, OK: ok, Detail: detail})
		return err
	})
	return out, err
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
	if !isDigits(school, 8) {
		return ShipmentPlan{}, &RuleError{Rule: "R-ISSUE-2", Reason: reasonBadTarget}
	}
	if err := l.readable(ctx, op, "shipment-plan", school, school[2:4], school); err != nil {
		return ShipmentPlan{}, err
	}
	p := ShipmentPlan{School: school}
	err := l.store.Tx(ctx, func(tx Tx) error {
		var err error
		if p.IDRecords, err = tx.Stock(ctx, stockOf(LevelSchool, school[2:4], school, StockIDRecords)); err != nil {
			return err
		}
		p.Shipped, err = tx.Stock(ctx, stockOf(LevelSchool, school[2:4], school, StockShipped))
		return err
	})
	p.Allocation = int64(SchoolAllocation(int(p.IDRecords)))
	p.ToShip, p.Surplus = max(0, p.Allocation-p.Shipped), max(0, p.Shipped-p.Allocation)
	return p, err
}
