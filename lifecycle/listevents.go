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
//   - A loss goes on the list of the day it is reported, at the time it was
//     reported (R-LOSS-1 is an upper bound, not a waiting period: the loss
//     is in effect from the moment readers have it, and must be by the end
//     of the 2nd working day; [Ledger.RecordSync] of a daily upload that
//     carries it closes that clock). Lists for the transit company are not
//     held back either. A loss cancelled later is an unloss at that time.
//   - Freezing a card is a freeze, lifting a freeze an unfreeze, each at the
//     time it was done. Freezing a lost card is an unloss and a freeze at
//     the same instant (in the ledger the freeze replaces the loss, and
//     unfreezing brings the card back to issued); [Ledger.Undo] of one of
//     these operations lists whatever change of state it makes.
//   - A card that leaves use (cancelled, replaced, recovered, transferred
//     out, faulty) keeps what the lists say about it: a lost card stays
//     blocked.
//
// Events later than the ledger's now are not listed yet; ask again once the
// day is over. Each event's Operator is the user who did it (the level's
// name when the call carried no user); Registry is the card's holder.
// Nothing here depends on the working-day calendar, so a day past the
// calendar's years is listed like any other.
//
// Cost: one read transaction that finds the day's first event by binary
// search over the scope's event index (about 2·log2(events) one-row reads),
// then reads the day's events in pages. This relies on event times growing
// with Seq, up to a day of skew: one ledger clock (see [Config.Clock]).
func (l *Ledger) ListEvents(ctx context.Context, op Operator, day Date) ([]lists.Event, error) {
	if err := l.readable(ctx, op, actListEvents, day.String(), op.District, op.School); err != nil {
		return nil, err
	}
	start, end := day.Start(), day.AddDays(1).Start()
	now := l.now()
	var out []lists.Event
	err := l.store.Tx(ctx, func(tx Tx) error {
		after, err := firstEventFrom(ctx, tx, op.Scope(), start.Add(-listClockSlack))
		if err != nil {
			return err
		}
		var f listFold
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
type listFold struct{ out []lists.Event }

// listBits is what the lists say about a card in a state; gone is true for
// the states a card leaves use in, which change nothing on the lists.
func listBits(s State) (lost, frozen, gone bool) {
	switch s {
	case RegLost:
		return true, false, false
	case RegFrozen:
		return false, true, false
	case RegCancelled, RegRecovered, RegRecoveredDistrict, RegTransferredOut, RegFaultSchool, RegFaultDistrict, RegFaultCity, RegReturned:
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
	if gone && frozenFrom && e.Action == ActTransferOut {
		// R-MOVE-1: a frozen card transferred out travels with the student
		// like any transferred-out card, so it comes off the freeze list.
		lostTo, frozenTo, gone = lostFrom, false, false
	}
	if gone || (lostFrom == lostTo && frozenFrom == frozenTo) {
		return nil
	}
	var before Card
	if e.Before != "" {
		if err := json.Unmarshal([]byte(e.Before), &before); err != nil {
			return &ListEventError{CardID: e.CardID, Seq: e.Seq, Err: err}
		}
	}
	emit := func(kind lists.Kind) error {
		ev, err := listEvent(e, kind, e.At, before.Student)
		if err != nil {
			return err
		}
		f.out = append(f.out, ev)
		return nil
	}
	if lostFrom && !lostTo {
		if err := emit(lists.KindUnloss); err != nil {
			return err
		}
	}
	if frozenFrom && !frozenTo {
		if err := emit(lists.KindUnfreeze); err != nil {
			return err
		}
	}
	if !frozenFrom && frozenTo {
		if err := emit(lists.KindFreeze); err != nil {
			return err
		}
	}
	if !lostFrom && lostTo {
		return emit(lists.KindLoss) // R-LOSS-1: on the list at once
	}
	return nil
}

// day returns the events that fall on [start, end) and not after now, in
// event-file order.
func (f *listFold) day(start, end, now time.Time) []lists.Event {
	var out []lists.Event
	for _, ev := range f.out {
		t := ev.Time
		if !t.Before(start) && t.Before(end) && !t.After(now) {
			out = append(out, ev)
		}
	}
	slices.SortFunc(out, lists.Event.Compare)
	return out
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
