package lifecycle

import (
	"context"
	"errors"
	"fmt"

	"github.com/bjedu/studentcard/studentid"
)

// CityChain is the name of the city's audit chain. Every district has its
// own chain, named by its 2-digit district code, in which its schools'
// calls are audited too: separate chains let the 16 districts write at the
// same time without racing for one chain head.
const CityChain = "city"

// AuditChainFor returns the name of the chain op's calls are audited in:
// [CityChain] for the city (and for an operator naming no district), the
// district code for a district and for its schools.
func AuditChainFor(op Operator) string {
	if op.District == "" {
		return CityChain
	}
	return op.District
}

// chainScope is the scope whose operators write to chain: the whole city
// for [CityChain], the district for a district chain.
func chainScope(chain string) (district string) {
	if chain == CityChain {
		return ""
	}
	return chain
}

// AuditChains lists the chains op may read, in order (S-4, P-3): for the
// city [CityChain] and every district chain that has entries; for a district
// its own chain; for a school its district's chain, of which it reads only
// its own entries ([Ledger.AuditEntries]).
//
// The Store has no listing of chains, so for the city this reads the head of
// each of the 100 possible 2-digit district codes, in one read transaction
// (100 primary-key reads).
func (l *Ledger) AuditChains(ctx context.Context, op Operator) ([]string, error) {
	if err := l.readable(ctx, op, actReadAudit, "", op.District, op.School); err != nil {
		return nil, err
	}
	if op.Level != studentid.LevelCity {
		return []string{AuditChainFor(op)}, nil
	}
	out := []string{CityChain}
	err := l.store.Tx(ctx, func(tx Tx) error {
		out = out[:1]
		for d := 0; d < 100; d++ {
			chain := fmt.Sprintf("%02d", d)
			_, err := tx.AuditHead(ctx, chain)
			switch {
			case err == nil:
				out = append(out, chain)
			case !errors.Is(err, ErrNotFound):
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AuditEntries returns one page of a chain's entries with Seq > after, in
// Seq order and exactly as stored, that op may read (S-4, P-3): the city any
// chain, a district its own, a school the entries its own operators wrote
// in its district's chain (a district chain also holds the other schools'
// calls). A page shorter than limit is the last; pass the last entry's Seq
// as after for the next. A limit of 0 or less means 100. Reading another
// scope's chain is ErrForbidden, audited.
//
// A school's page is filled from the whole district chain inside one read
// transaction: where the district's other schools write much more, it reads
// that many more entries to find its own.
//
// Reads are not audited (like [Ledger.Student] and [Ledger.History], which
// show the same data): the audit log records changes and refusals, and
// exports of registry data out of the system are recorded with
// [Ledger.RecordExport] (P-1).
func (l *Ledger) AuditEntries(ctx context.Context, op Operator, chain string, after int64, limit int) ([]AuditEntry, error) {
	if err := l.readable(ctx, op, actReadAudit, chain, chainScope(chain), op.School); err != nil {
		return nil, err
	}
	limit = pageLimit(limit)
	var out []AuditEntry
	err := l.store.Tx(ctx, func(tx Tx) error {
		out = out[:0]
		for {
			page, err := tx.AuditEntries(ctx, chain, after, limit)
			if err != nil {
				return err
			}
			for _, e := range page {
				if op.Level != studentid.LevelSchool || e.Operator.School == op.School {
					out = append(out, e)
					if len(out) == limit {
						return nil
					}
				}
			}
			if len(page) < limit {
				return nil
			}
			after = page[len(page)-1].Seq
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AuditHead returns the newest entry of a chain, the anchor a level keeps
// outside the store or sends up ([AuditAnchor], P-3): the city may read any
// chain's head, a district its own. A school owns no chain (its calls are
// audited in its district's), so it is refused (S-4), audited. An empty
// chain is a *NotFoundError.
func (l *Ledger) AuditHead(ctx context.Context, op Operator, chain string) (AuditEntry, error) {
	err := checkOperator(op, actReadAudit)
	if err == nil && op.Level == studentid.LevelSchool {
		err = &ForbiddenError{Level: op.Level, District: op.District, School: op.School, Action: actReadAudit,
			Target: Scope{District: chainScope(chain)}, Rule: "S-4"}
	}
	if err == nil {
		err = checkScope(op, actReadAudit, chainScope(chain), "")
	}
	if err != nil {
		return AuditEntry{}, l.refused(ctx, op, &note{action: string(actReadAudit), subject: chain}, err)
	}
	var out AuditEntry
	err = l.store.Tx(ctx, func(tx Tx) error {
		var err error
		out, err = tx.AuditHead(ctx, chain)
		return err
	})
	return out, err
}

// actReadAudit is the action refused audit reads are recorded under.
const actReadAudit Action = "read-audit"
