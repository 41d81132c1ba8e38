package main

import (
	"slices"
	"strconv"
	"strings"

	"github.com/bjedu/studentcard/lifecycle"
)

// chains are the audit chains of the story: the city's and one per district.
var chains = [...]string{"city", "05", "08"}

// stepSummary is step 8: every audit chain verifies link by link (P-3), the
// overdue query finds the clocks that ran out (R-TIME-1), and the totals.
func (d *demo) stepSummary() error {
	if err := d.setClock(2026, 10, 23, 17, 0); err != nil {
		return err
	}
	entries, refused := int64(0), 0
	for _, chain := range chains {
		n, err := lifecycle.Audit{}.Verify(d.ctx, d.store, chain, lifecycle.AuditAnchor{})
		if err != nil {
			return d.expect(err, "verifying audit chain %s", chain)
		}
		r, err := d.refusals(chain)
		if err != nil {
			return err
		}
		d.say("   audit chain %s: %d entries, hash chain intact, %d refusal(s) (P-3)", chain, n, r)
		entries += n
		refused += r
	}
	overdue, err := d.overdue()
	if err != nil {
		return err
	}
	d.say("   overdue deadlines in the city on %s: %d", d.now.Format("2006-01-02"), len(overdue))
	rules := map[string]int{}
	for _, o := range overdue {
		rules[o.Rule+" "+string(o.Level)+" "+o.District]++
	}
	for _, o := range overdue[:min(3, len(overdue))] {
		d.say("     %s, due %s", o.ID, o.DueAt.In(lifecycle.Beijing()).Format("2006-01-02"))
	}
	if len(overdue) > 3 {
		d.say("     … and %d more", len(overdue)-3)
	}
	if err := d.check(len(overdue) == studentsB && rules["R-TIME-1 district 08"] == studentsB,
		"the overdue clocks are district 08's 8 ID cards school B has not signed for (R-TIME-1)"); err != nil {
		return err
	}

	d.say("")
	d.say("Summary")
	d.say("   students: %d in 2 schools (%d with a rare character)", len(d.a.cmis)+len(d.b.cmis), len(d.a.rare)+len(d.b.rare))
	d.say("   registry cards: %d initialised, %d personalisations, %d card sessions", len(d.chips), d.personalised, d.taps)
	d.say("   APDUs: %d, modelled contactless time %.1f s", d.apdus, ms(d.modelled)/1000)
	d.say("   audit entries: %d in %d chains, all verified, %d refusal(s)", entries, len(chains), refused)
	d.say("   overdue: %d (%s)", len(overdue), strings.Join(keys(rules), ", "))
	return d.check(refused >= 1, "at least one refusal was audited")
}

// refusals counts the refused calls in an audit chain.
func (d *demo) refusals(chain string) (int, error) {
	n := 0
	err := d.store.Tx(d.ctx, func(tx lifecycle.Tx) error {
		for after := int64(0); ; {
			es, err := tx.AuditEntries(d.ctx, chain, after, 500)
			if err != nil || len(es) == 0 {
				return err
			}
			for _, e := range es {
				if e.Outcome == "refused" {
					n++
				}
			}
			after = es[len(es)-1].Seq
		}
	})
	return n, d.expect(err, "reading audit chain %s", chain)
}

// overdue pages through the city's overdue query.
func (d *demo) overdue() ([]lifecycle.Deadline, error) {
	var all []lifecycle.Deadline
	var after *lifecycle.Deadline
	for {
		page, err := d.ledger.Overdue(d.ctx, d.city, after, 50)
		if err != nil {
			return nil, d.expect(err, "asking for overdue deadlines")
		}
		all = append(all, page...)
		if len(page) < 50 {
			return all, nil
		}
		after = &page[len(page)-1]
	}
}

// keys returns the keys of m sorted, each with its count.
func keys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	for i, k := range out {
		out[i] = k + " ×" + strconv.Itoa(m[k])
	}
	return out
}
