package main

import (
	"slices"
	"strconv"
	"strings"

	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

// stepSummary is step 8: every audit chain the city may read verifies link
// by link, district 05's up to the anchor it kept in step 6 (P-3), the
// overdue query finds the clocks that ran out (R-TIME-1), and the totals.
func (d *demo) stepSummary() error {
	if err := d.setClock(2026, 10, 23, 17, 0); err != nil {
		return err
	}
	chains, err := d.ledger.AuditChains(d.ctx, d.city)
	if err != nil {
		return d.expect(err, "listing the audit chains")
	}
	if err := d.check(slices.Equal(chains, []string{lifecycle.CityChain, d.a.op.District, d.b.op.District}), "the audit chains are the city's and districts 05 and 08"); err != nil {
		return err
	}
	entries, refused := int64(0), 0
	for _, chain := range chains {
		anchor := lifecycle.AuditAnchor{}
		if chain == d.a.op.District {
			anchor = d.anchor
		}
		n, err := d.ledger.VerifyAudit(d.ctx, d.city, chain, anchor)
		if err != nil {
			return d.expect(err, "verifying audit chain %s", chain)
		}
		r, err := d.refusals(chain)
		if err != nil {
			return err
		}
		if anchor.Seq > 0 {
			d.say("   %s's audit chain: %d entries, hash chain intact through the anchor kept at entry %d, %d refusal(s) (P-3)", d.chainName(chain), n, anchor.Seq, r)
		} else {
			d.say("   %s's audit chain: %d entries, hash chain intact, %d refusal(s) (P-3)", d.chainName(chain), n, r)
		}
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
		rules[o.Rule+" "+o.Level.Localize(d.tag)+" "+o.District]++
	}
	for _, o := range overdue[:min(3, len(overdue))] {
		d.say("     %s, due %s", o.ID, o.DueAt.In(lifecycle.Beijing()).Format("2006-01-02"))
	}
	if len(overdue) > 3 {
		d.say("     … and %d more", len(overdue)-3)
	}
	if err := d.check(len(overdue) == studentsB+1 && rules["R-TIME-1 "+studentid.LevelDistrict.Localize(d.tag)+" 08"] == studentsB &&
		rules["R-LOSS-5 "+studentid.LevelSchool.Localize(d.tag)+" 05"] == 1,
		"the overdue clocks are district 08's 8 ID cards school B has not signed for (R-TIME-1) and school A's lost card, not applied for within a week of the loss period (R-LOSS-5)"); err != nil {
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

// chainName names an audit chain for the narrative: the city's, or a
// district's by its code.
func (d *demo) chainName(chain string) string {
	if chain == lifecycle.CityChain {
		return studentid.LevelCity.Localize(d.tag)
	}
	return d.text("district %s", chain)
}

// refusals counts the refused calls in an audit chain, paging through it as
// the city.
func (d *demo) refusals(chain string) (int, error) {
	n := 0
	for after := int64(0); ; {
		es, err := d.ledger.AuditEntries(d.ctx, d.city, chain, after, 500)
		if err != nil {
			return 0, d.expect(err, "reading audit chain %s", chain)
		}
		for _, e := range es {
			if e.Outcome == string(lifecycle.OutcomeRefused) {
				n++
			}
		}
		if len(es) < 500 {
			return n, nil
		}
		after = es[len(es)-1].Seq
	}
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
