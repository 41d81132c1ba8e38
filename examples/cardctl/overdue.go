package main

import (
	"strings"
	"time"

	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

type deadlineJSON struct {
	ID          string    `json:"id"`
	Rule        string    `json:"rule"`
	Subject     string    `json:"subject"`
	Level       string    `json:"level"`
	District    string    `json:"district"`
	School      string    `json:"school"`
	Start       time.Time `json:"start"`
	DueAt       time.Time `json:"due_at"`
	OverdueDays int       `json:"overdue_days"`
}

type overdueResult struct {
	DB        string         `json:"db"`
	Now       time.Time      `json:"now"`
	Scope     string         `json:"scope"`
	Count     int            `json:"count"`
	Truncated bool           `json:"truncated"`
	Deadlines []deadlineJSON `json:"deadlines"`
}

func (r *overdueResult) text(e *env) {
	for _, d := range r.Deadlines {
		who := strings.TrimSpace(studentid.Level(d.Level).Localize(e.lang) + " " + d.District + " " + d.School)
		e.say("%s", e.t("%s %s %s (%s) due %s, %s overdue", d.Rule, d.ID, d.Subject, who,
			d.DueAt.In(lifecycle.Beijing()).Format("2006-01-02 15:04"), e.t("%d days", d.OverdueDays)))
	}
	if r.Truncated {
		e.say("%s", e.t("more deadlines are overdue: raise --limit"))
	}
	e.say("%s", e.t("%d overdue deadlines in %s", r.Count, r.Scope))
}

// cmdOverdue lists the open deadlines past due in the operator's scope
// (R-TIME-1, R-LOSS-3, R-ISSUE-4) from a ledger database, oldest first.
func cmdOverdue(e *env, args []string) (result, error) {
	fs := newFlagSet("overdue")
	var lf ledgerFlags
	lf.add(fs, "district")
	limit := fs.Int("limit", 1000, "most deadlines to list")
	pos, err := e.parseArgs(fs, args)
	if err != nil {
		return nil, err
	}
	if err := noArgs(pos); err != nil {
		return nil, err
	}
	if *limit < 1 {
		return nil, usagef("--limit must be at least 1")
	}
	op, err := lf.operator()
	if err != nil {
		return nil, err
	}
	ledger, closeLedger, err := e.openLedger(lf.db)
	if err != nil {
		return nil, err
	}
	defer closeLedger()
	now := e.now()
	res := &overdueResult{DB: lf.db, Now: now, Scope: scopeName(e, op), Deadlines: []deadlineJSON{}}
	var after *lifecycle.Deadline
	for len(res.Deadlines) < *limit {
		page, err := ledger.Overdue(e.ctx, op, after, min(100, *limit-len(res.Deadlines)))
		if err != nil {
			return nil, err
		}
		for _, d := range page {
			res.Deadlines = append(res.Deadlines, deadlineJSON{ID: d.ID, Rule: d.Rule, Subject: d.Subject, Level: string(d.Level),
				District: d.District, School: d.School, Start: d.Start, DueAt: d.DueAt, OverdueDays: int(now.Sub(d.DueAt).Hours() / 24)})
		}
		if len(page) == 0 {
			break
		}
		after = &page[len(page)-1]
	}
	if len(res.Deadlines) == *limit {
		more, err := ledger.Overdue(e.ctx, op, after, 1)
		if err != nil {
			return nil, err
		}
		res.Truncated = len(more) > 0
	}
	res.Count = len(res.Deadlines)
	return res, nil
}

func scopeName(e *env, op lifecycle.Operator) string {
	switch op.Level {
	case studentid.LevelCity:
		return e.t("the whole city")
	case studentid.LevelDistrict:
		return e.t("district %s", op.District)
	default:
		return e.t("school %s", op.School)
	}
}
