package lifecycle

import (
	"context"
	"errors"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/studentid"
)

// NumberHistory is the ledger's answer to the question the district and city
// validators of card-making data ask about every record (S-ID-1: a number,
// once assigned, is never given to another student): to which resident ID
// was this registry number assigned? It implements [batch.History], so it
// plugs into batch.Validator.History:
//
//	v := batch.Validator{Level: studentid.LevelDistrict, History: ledger.NumberHistory(districtOp), …}
//
// The number record names the student (its StudentKey survives number
// changes, S-ID-5), the student record holds the resident ID number. A
// NumberHistory holds no state besides the ledger and the operator; it is
// safe for concurrent use when the store is.
type NumberHistory struct {
	l  *Ledger
	op Operator
}

// The validators' interfaces.
var (
	_ batch.History       = (*NumberHistory)(nil)
	_ batch.PrefixHistory = (*NumberHistory)(nil)
)

// NumberHistory returns the S-ID-1 history for op's validations.
//
// Cost: each [NumberHistory.AssignedTo] is one short read transaction with
// two primary-key reads (number, then student), so a file of n records costs
// n transactions; no call holds a transaction open across records, so
// validating a large file never blocks the store's writers. A validator
// wanting fewer transactions can read the numbers first and fill a
// batch.HistoryMap with [NumberHistory.Lookup], which reads any number of
// them in one transaction.
func (l *Ledger) NumberHistory(op Operator) *NumberHistory { return &NumberHistory{l: l, op: op} }

// AssignedTo implements [batch.History]: the resident ID the number was
// assigned to, ok false for a number never assigned.
//
// Only numbers in the operator's scope are looked up (a district's numbers
// for a district, a school's own for a school, any for the city); for any
// other number AssignedTo answers "never assigned" without reading, so the
// history cannot be used to learn other districts' residents' ID numbers
// (P-1). The validator refuses such a record anyway: its number does not
// belong to the sender (batch.ErrNotSender).
//
// A number assigned to a student whose resident ID number the ledger does
// not have (or cannot parse) is reported as assigned (ok true) to the zero
// ResidentID, which matches no real one: the validator refuses the record
// (batch.ErrReassigned) rather than let a possibly different person take the
// number; the fix is to record the student's ID number as a controlled-field
// change (P-2). A number record whose student record is missing is a broken
// store and returns its *NotFoundError. An operator who may not act at all
// (an application unit) is refused with ErrForbidden, audited.
func (h *NumberHistory) AssignedTo(ctx context.Context, id studentid.ID) (studentid.ResidentID, bool, error) {
	if id.IsZero() {
		return studentid.ResidentID{}, false, nil
	}
	m, err := h.Lookup(ctx, []studentid.ID{id})
	if err != nil {
		return studentid.ResidentID{}, false, err
	}
	rid, ok := m[id]
	return rid, ok, nil
}

// Lookup answers [NumberHistory.AssignedTo] for many numbers in one read
// transaction and returns the assigned ones as a batch.HistoryMap (absent:
// never assigned, or outside the operator's scope), ready to be the
// Validator's History.
func (h *NumberHistory) Lookup(ctx context.Context, ids []studentid.ID) (batch.HistoryMap, error) {
	if err := checkOperator(h.op, actNumber); err != nil {
		return nil, h.l.refused(ctx, h.op, &note{action: string(actNumber)}, err)
	}
	scope := h.op.Scope()
	out := batch.HistoryMap{}
	err := h.l.store.Tx(ctx, func(tx Tx) error {
		for _, id := range ids {
			if id.IsZero() || !scope.Contains(id.District().Local(), id.School().String()) {
				continue
			}
			rec, err := tx.GetNumber(ctx, id.String())
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			s, err := tx.GetStudent(ctx, rec.StudentKey)
			if err != nil {
				return err
			}
			rid, err := studentid.ParseResidentID(s.IDNumber)
			if err != nil {
				rid = studentid.ResidentID{}
			}
			out[id] = rid
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AssignedUnder implements [batch.PrefixHistory]: every number starting
// with prefix (a sender's 8-digit school code or 4-digit district prefix)
// and the resident ID it was assigned to, read with [Store.AssignedNumbers]
// a page at a time, so the validator of a 200,000-record file makes a few
// hundred range reads instead of 200,000 transactions, none of them taking
// the writer's lock. The same scope rule as AssignedTo holds: a prefix the
// operator may not see answers with an empty map (P-1), and so do numbers
// of the range outside the scope. A number whose student record is missing
// is a broken store and returns its *NotFoundError; a student without a
// parsable resident ID number is reported as assigned to the zero
// ResidentID, as in AssignedTo.
//
// Memory: one map entry per number under the prefix (about 60 bytes each),
// for the length of the validation.
func (h *NumberHistory) AssignedUnder(ctx context.Context, prefix string) (batch.HistoryMap, error) {
	if err := checkOperator(h.op, actNumber); err != nil {
		return nil, h.l.refused(ctx, h.op, &note{action: string(actNumber)}, err)
	}
	scope := h.op.Scope()
	out := batch.HistoryMap{}
	if !scopeHoldsPrefix(scope, prefix) {
		return out, nil
	}
	for after := ""; ; {
		page, err := h.l.store.AssignedNumbers(ctx, prefix, after, historyPage)
		if err != nil {
			return nil, err
		}
		for _, a := range page {
			id, err := studentid.Parse(a.Number)
			if err != nil || id.String() != a.Number || !scope.Contains(id.District().Local(), id.School().String()) {
				continue // not a registry number a validator can ask about
			}
			if !a.HasStudent {
				return nil, &NotFoundError{Entity: "student", Key: a.StudentKey}
			}
			rid, err := studentid.ParseResidentID(a.IDNumber)
			if err != nil {
				rid = studentid.ResidentID{}
			}
			out[id] = rid
		}
		if len(page) < historyPage {
			return out, nil
		}
		after = page[len(page)-1].Number
	}
}

// historyPage is the page size of AssignedUnder's range reads: few round
// trips, pages of about half a megabyte.
const historyPage = 10_000

// scopeHoldsPrefix reports whether every registry number starting with
// prefix lies in scope: positions 3-4 are the district, 1-8 the school.
func scopeHoldsPrefix(scope Scope, prefix string) bool {
	switch {
	case scope.District == "" && scope.School == "":
		return true
	case len(prefix) < 4:
		return false
	case len(prefix) < 8:
		return scope.School == "" && scope.Contains(prefix[2:4], "")
	default:
		return scope.Contains(prefix[2:4], prefix[:8])
	}
}

// actNumber is the action a refused history lookup is audited under.
const actNumber Action = "number-history"
