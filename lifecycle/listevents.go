package lifecycle

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/batch/lists"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/studentid"
)

// listClockSlack is how far event times may run out of Seq order (writers
// reading the clock before they commit): ListEvents reads this much more
// history on both sides of what it needs.
const listClockSlack = 24 * time.Hour

// lossLookbackDays bounds the search for the earliest loss report that can
// take effect on a given day (R-LOSS-1: 2 working days; the longest run of
// days off in a year is 8, the National Day week).
const lossLookbackDays = 60

// actListEvents is the action refused list reads are audited under.
const actListEvents Action = "list-events"

// ListEvents returns the list events of one day (a Beijing calendar day) in
// op's scope, ready for the daily event file that goes up school → district
// → city (R-LIST-1): the ledger's report-loss, cancel-loss, freeze and
// unfreeze of registry cards turned into [lists.Event] values, ordered as
// event files are ([lists.Event.Compare]). A school gets its own cards, a
// district its schools', the city all; an application unit is refused
// (ErrForbidden, audited).
//
// What a list says follows the card's state in the ledger:
//
//   - A loss counts from when it takes effect (R-LOSS-1: the end of the 2nd
//     working day after the report), so its event carries that time and
//     appears on the list of that day, not of the day of the report. A loss
//     cancelled (or the card frozen) before it took effect never reaches a
//     list, and neither does its cancellation.
//   - Cancelling a loss in effect is an unloss, freezing a freeze, lifting a
//     freeze an unfreeze, each at the time it was done. Freezing a lost card
//     is an unloss and a freeze at the same instant (in the ledger the
//     freeze replaces the loss, and unfreezing brings the card back to
//     issued); [Ledger.Undo] of one of these operations lists whatever
//     change of state it makes.
//   - A card that leaves use (cancelled, replaced, recovered, transferred
//     out, faulty) keeps what the lists say about it, and a loss reported
//     before still takes effect: a lost card stays blocked.
//
// Events later than the ledger's now are not listed yet (a loss that takes
// effect tonight may still be cancelled); ask again once the day is over.
// Each event's Operator is the user who did it (the level's name when the
// call carried no user); Registry is the card's holder.
//
// Cost: one read transaction that finds the first event of the lookback
// window (from the earliest loss report that can take effect on day) by
// binary search over the scope's event index (about 2·log2(events) one-row
// reads), then reads the window's events in pages, plus two one-row reads per
// loss reported in it. This relies on event times growing with Seq, up to a
// day of skew: one ledger clock (see [Config.Clock]).
func (l *Ledger) ListEvents(ctx context.Context, op Operator, day Date) ([]lists.Event, error) {
	if err := l.readable(ctx, op, actListEvents, day.String(), op.District, op.School); err != nil {
		return nil, err
	}
	start, end := day.Start(), day.AddDays(1).Start()
	from, err := l.lossLookback(start)
	if err != nil {
		return nil, err
	}
	now := l.now()
	var out []lists.Event
	err = l.store.Tx(ctx, func(tx Tx) error {
		after, err := firstEventFrom(ctx, tx, op.Scope(), from.Add(-listClockSlack))
		if err != nil {
			return err
		}
		f := listFold{l: l, ctx: ctx, tx: tx, pending: map[string]int{}}
		stop := end.Add(listClockSlack)
		for {
			page, err := tx.ScopeEvents(ctx, op.Scope(), after, 500)
			if err != nil {
				return err
			}
			for _, e := range page {
				if e.At.After(stop) {
					break
				}
				if err := f.add(e); err != nil {
					return err
				}
			}
			if len(page) < 500 || page[len(page)-1].At.After(stop) {
				break
			}
			after = page[len(page)-1].Seq
		}
		out = f.day(start, end, now)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// lossLookback returns an instant before which no loss report can take
// effect at or after start (R-LOSS-1): the start of the latest day whose
// reports all took effect before start.
func (l *Ledger) lossLookback(start time.Time) (time.Time, error) {
	d := DateOf(start)
	for k := 1; k <= lossLookbackDays; k++ {
		cand := d.AddDays(-k)
		eff, err := LossEffectiveAt(l.cal, cand.Start())
		if err != nil {
			return time.Time{}, err
		}
		if eff.Before(start) {
			return cand.Start(), nil
		}
	}
	return d.AddDays(-lossLookbackDays).Start(), nil
}

// firstEventFrom returns the Seq to read after so that the scope's events
// start at the first one at or after t: an exponential then binary search
// for the smallest x whose next event in scope is at or after t (or absent).
func firstEventFrom(ctx context.Context, tx Tx, scope Scope, t time.Time) (int64, error) {
	reached := func(x int64) (bool, error) {
		es, err := tx.ScopeEvents(ctx, scope, x, 1)
		if err != nil {
			return false, err
		}
		return len(es) == 0 || !es[0].At.Before(t), nil
	}
	ok, err := reached(0)
	if err != nil || ok {
		return 0, err
	}
	lo, hi := int64(0), int64(1)
	for {
		if ok, err = reached(hi); err != nil {
			return 0, err
		}
		if ok {
			break
		}
		lo, hi = hi, hi*2
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if ok, err = reached(mid); err != nil {
			return 0, err
		}
		if ok {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi, nil
}

// listFold turns a window of card events into list events.
type listFold struct {
	l   *Ledger
	ctx context.Context
	tx  Tx
	out []listCandidate
	// pending maps a card to its loss in out that may still be dropped
	// (cancelled or frozen before it takes effect).
	pending map[string]int
}

type listCandidate struct {
	ev      lists.Event
	dropped bool
}

// listBits is what the lists say about a card in a state; gone is true for
// the states a card leaves use in, which change nothing on the lists.
func listBits(s State) (lost, frozen, gone bool) {
	switch s {
	case RegLost:
		return true, false, false
	case RegFrozen:
		return false, true, false
	case RegCancelled, RegRecovered, RegTransferredOut, RegFaultSchool, RegFaultDistrict, RegFaultCity, RegReturned:
		return false, false, true
	}
	return false, false, false
}

func (f *listFold) add(e Event) error {
	if e.Kind != KindRegistryCard {
		return nil
	}
	lostFrom, frozenFrom, _ := listBits(e.From)
	lostTo, frozenTo, gone := listBits(e.To)
	if gone || (lostFrom == lostTo && frozenFrom == frozenTo) {
		return nil
	}
	var before Card
	if e.Before != "" {
		if err := json.Unmarshal([]byte(e.Before), &before); err != nil {
			return &ListEventError{CardID: e.CardID, Seq: e.Seq, Err: err}
		}
	}
	emit := func(kind lists.Kind, at time.Time, holder string) error {
		ev, err := listEvent(e, kind, at, holder)
		if err != nil {
			return err
		}
		f.out = append(f.out, listCandidate{ev: ev})
		return nil
	}
	if lostFrom && !lostTo {
		if i, ok := f.pending[e.CardID]; ok && f.out[i].ev.Time.After(e.At) {
			f.out[i].dropped = true // cancelled before it took effect
		} else if err := emit(lists.KindUnloss, e.At, before.Student); err != nil {
			return err
		}
		delete(f.pending, e.CardID)
	}
	if frozenFrom && !frozenTo {
		if err := emit(lists.KindUnfreeze, e.At, before.Student); err != nil {
			return err
		}
	}
	if !frozenFrom && frozenTo {
		if err := emit(lists.KindFreeze, e.At, before.Student); err != nil {
			return err
		}
	}
	if !lostFrom && lostTo {
		after, err := f.cardAfter(e)
		if err != nil {
			return err
		}
		lostAt := after.LostAt
		if lostAt.IsZero() {
			lostAt = e.At
		}
		effective, err := LossEffectiveAt(f.l.cal, lostAt)
		if err != nil {
			return err
		}
		if err := emit(lists.KindLoss, maxTime(effective, e.At), after.Student); err != nil {
			return err
		}
		f.pending[e.CardID] = len(f.out) - 1
	}
	return nil
}

// cardAfter returns the card as event e left it: the before-values of the
// card's next event, or the card itself when e is its last.
func (f *listFold) cardAfter(e Event) (Card, error) {
	next, err := f.tx.CardEvents(f.ctx, e.CardID, e.Seq, 1)
	if err != nil {
		return Card{}, err
	}
	if len(next) == 0 || next[0].Before == "" {
		return f.tx.GetCard(f.ctx, e.CardID)
	}
	var c Card
	if err := json.Unmarshal([]byte(next[0].Before), &c); err != nil {
		return Card{}, &ListEventError{CardID: e.CardID, Seq: next[0].Seq, Err: err}
	}
	return c, nil
}

// day returns the candidates that fall on [start, end) and not after now,
// in event-file order.
func (f *listFold) day(start, end, now time.Time) []lists.Event {
	var out []lists.Event
	for _, c := range f.out {
		t := c.ev.Time
		if !c.dropped && !t.Before(start) && t.Before(end) && !t.After(now) {
			out = append(out, c.ev)
		}
	}
	slices.SortFunc(out, lists.Event.Compare)
	return out
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// listEvent builds the list event of card event e: the card ID is the
// serial, holder the registry number.
func listEvent(e Event, kind lists.Kind, at time.Time, holder string) (lists.Event, error) {
	serial, err := studentid.ParseSerial(e.CardID)
	if err != nil {
		return lists.Event{}, &ListEventError{CardID: e.CardID, Seq: e.Seq, Err: err}
	}
	reg, err := studentid.Parse(holder)
	if err != nil {
		return lists.Event{}, &ListEventError{CardID: e.CardID, Seq: e.Seq, Err: err}
	}
	user := e.Operator.User
	if user == "" {
		user = string(e.Operator.Level)
	}
	school, err := studentid.ParseSchool(e.School)
	if err != nil {
		return lists.Event{}, &ListEventError{CardID: e.CardID, Seq: e.Seq, Err: err}
	}
	return lists.Event{Serial: serial, RegistryNo: reg, Kind: kind, Time: at.In(Beijing()), School: school, Operator: user}, nil
}

// ListEventError says a card event could not become a list event: the card
// ID is not an 8-byte serial in hex, or the card's holder has no valid
// registry number (R-LIST-1 lists carry both).
type ListEventError struct {
	CardID string
	// Seq is the card event at fault.
	Seq int64
	Err error
}

// Error returns the English text; Localize gives the Chinese.
func (e *ListEventError) Error() string { return e.Localize(l10n.English) }

// Localize renders the error in tag's language.
func (e *ListEventError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "card %q, event %s: cannot go on a list: %s", e.CardID, num(e.Seq), l10n.Error(e.Err, tag))
}

// Unwrap gives the cause (a lists or studentid error).
func (e *ListEventError) Unwrap() error { return e.Err }
