package lists

import (
	"context"
	"io"
	"slices"
	"time"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/studentid"
)

// EventSource yields events in the event order (Event.Compare) and io.EOF
// after the last one. The event file reader is one; SliceSource is another.
type EventSource interface {
	Next() (Event, error)
}

// EventSink receives merged events in the event order. The event file writer
// is one; *State is another (it folds them).
type EventSink interface {
	Write(Event) error
}

// SliceSource serves events from memory; sort them with SortEvents first.
type SliceSource struct{ events []Event }

// NewSliceSource returns a source over events (not copied).
func NewSliceSource(events []Event) *SliceSource { return &SliceSource{events: events} }

// Next returns the next event or io.EOF.
func (s *SliceSource) Next() (Event, error) {
	if len(s.events) == 0 {
		return Event{}, io.EOF
	}
	e := s.events[0]
	s.events = s.events[1:]
	return e, nil
}

// SortEvents sorts events in the event order, the order every event file
// and merge input must have (a school's tool may record them otherwise).
func SortEvents(events []Event) { slices.SortFunc(events, Event.Compare) }

// Conflict is two different events for one card at the same instant (for
// example a loss and an unloss, or one loss reported by two schools): the
// merge keeps both, in the event order, so its result stays deterministic,
// and reports them for an operator to resolve.
type Conflict struct {
	A, B Event
}

// Error describes the conflict (Conflict is reported, not returned, but it
// reads like an error in logs and operator screens).
func (c Conflict) Error() string { return "lists: " + c.Localize(l10n.English) }

// Localize renders the conflict in Chinese or English, naming each event by
// its kind and school.
func (c Conflict) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "card %[1]s at %[2]s: conflicting events %[3]s (%[4]s) and %[5]s (%[6]s)",
		c.A.Serial.String(), c.A.Time.Format(time.RFC3339Nano), c.A.Kind.Localize(tag), c.A.School.String(), c.B.Kind.Localize(tag), c.B.School.String())
}

// MergeReport counts what a merge did.
type MergeReport struct {
	// Read is the number of events read from all sources.
	Read int
	// Written is the number of events written: Read minus Duplicates.
	Written int
	// Duplicates is the number of events dropped because an equal event
	// (same card, instant, kind, school, registry number and operator) was
	// already written: this is what makes merging a file twice harmless.
	Duplicates int
	// Conflicts lists pairs of different events for one card at one
	// instant: the first MaxConflicts of them, so that memory stays bounded
	// whatever the input.
	Conflicts []Conflict
	// ConflictCount is the number of conflicts, listed or not.
	ConflictCount int
}

// MaxConflicts is how many conflicts a MergeReport lists; more are counted.
const MaxConflicts = 1000

// Merge merges sorted event sources into dst, in the event order, dropping
// exact duplicates: the step that turns school files into a district file and
// district files into the city file (R-LIST-1). It is a set union, so it is
// idempotent (merging a file with itself, or a file already merged in,
// changes nothing), commutative and associative: the city file is the same
// whichever way the schools' files travel up. It holds one event per source
// in memory, whatever the file sizes. A source out of order stops the merge
// with an *OrderError; ctx is checked every 4096 events.
func Merge(ctx context.Context, dst EventSink, srcs ...EventSource) (MergeReport, error) {
	var rep MergeReport
	h := make(eventHeap, 0, len(srcs))
	next := func(c cursor) error {
		e, err := srcs[c.src].Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		rep.Read++
		if c.n > 0 && e.Compare(c.e) < 0 {
			return &OrderError{Source: c.src, Index: c.n}
		}
		h.push(cursor{e: e, src: c.src, n: c.n + 1})
		return nil
	}
	for i := range srcs {
		if err := next(cursor{src: i}); err != nil {
			return rep, err
		}
	}
	var last Event
	for step := 0; len(h) > 0; step++ {
		if step%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return rep, err
			}
		}
		c := h.pop()
		switch {
		case rep.Written > 0 && c.e.Compare(last) == 0:
			rep.Duplicates++
		default:
			if rep.Written > 0 && c.e.sameSlot(last) {
				if rep.ConflictCount < MaxConflicts {
					rep.Conflicts = append(rep.Conflicts, Conflict{A: last, B: c.e})
				}
				rep.ConflictCount++
			}
			if err := dst.Write(c.e); err != nil {
				return rep, err
			}
			rep.Written++
			last = c.e
		}
		if err := next(c); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// cursor is the head event of one source: n events have been read from it.
type cursor struct {
	e   Event
	src int
	n   int
}

// eventHeap is a binary min-heap of source heads, ordered by event and then
// by source index so that equal events leave in a fixed order. It is typed
// (not container/heap) so that the merge does not box an event per step.
type eventHeap []cursor

func (h eventHeap) less(i, j int) bool {
	if c := h[i].e.Compare(h[j].e); c != 0 {
		return c < 0
	}
	return h[i].src < h[j].src
}

func (h *eventHeap) push(c cursor) {
	*h = append(*h, c)
	q := *h
	for i := len(q) - 1; i > 0; {
		parent := (i - 1) / 2
		if !q.less(i, parent) {
			break
		}
		q[i], q[parent] = q[parent], q[i]
		i = parent
	}
}

func (h *eventHeap) pop() cursor {
	q := *h
	top := q[0]
	last := len(q) - 1
	q[0] = q[last]
	q = q[:last]
	for i := 0; ; {
		small, l, r := i, 2*i+1, 2*i+2
		if l < len(q) && q.less(l, small) {
			small = l
		}
		if r < len(q) && q.less(r, small) {
			small = r
		}
		if small == i {
			break
		}
		q[i], q[small] = q[small], q[i]
		i = small
	}
	*h = q
	return top
}

// State is the current status of every card, the fold of all events seen:
// a loss sets the lost bit and an unloss clears it, a freeze sets the frozen
// bit and an unfreeze clears it, each only if it is not older than the last
// event that touched that bit. So events may arrive late or twice, in any
// order, and the state is still the one of the events in time order: a later
// unloss cancels a loss, an earlier one arriving late does not (at one
// instant, the cancelling event wins, as in the merge order). State keeps one
// small record per card ever seen (about 50 bytes with the map's overhead;
// about 100 MB for the 2 million cards of the city); Prune forgets cards that
// are off every list and quiet since a given time.
type State struct {
	cards map[studentid.Serial]cardState
}

// cardState is one card's status and the time (Unix nanoseconds) of the last
// event applied to each bit.
type cardState struct {
	status         Status
	lostAt, frozAt int64
}

// NewState returns an empty state: no card on any list.
func NewState() *State { return &State{cards: make(map[studentid.Serial]cardState)} }

// StateOf starts a state from a list (a snapshot): its cards with their
// statuses and no event time, so that any event applies over them.
func StateOf(l *List) *State {
	s := &State{cards: make(map[studentid.Serial]cardState, l.Len())}
	for e := range l.All() {
		s.cards[e.Serial] = cardState{status: e.Status, lostAt: minTime, frozAt: minTime}
	}
	return s
}

const minTime = -1 << 63

// Apply folds one event into the state and reports whether it changed the
// card's status or event time (false: the event is older than the last one
// applied to that bit, or repeats it, or has a kind or time Event.Validate
// refuses).
func (s *State) Apply(e Event) bool {
	if !e.Kind.valid() || e.Time.Year() < minEventYear || e.Time.Year() > maxEventYear {
		return false // Event.Validate refuses it; files never carry it
	}
	c, ok := s.cards[e.Serial]
	if !ok {
		c = cardState{lostAt: minTime, frozAt: minTime}
	}
	bit, sets := e.Kind.bit()
	at := &c.lostAt
	if bit == StatusFrozen {
		at = &c.frozAt
	}
	t := e.Time.UnixNano()
	switch {
	case t < *at:
		return false // an older event arriving late
	case t == *at && (sets || c.status&bit == 0):
		return false // at one instant the cancelling event wins
	}
	*at = t
	if sets {
		c.status |= bit
	} else {
		c.status &^= bit
	}
	s.cards[e.Serial] = c
	return true
}

// Write applies e; it makes *State an EventSink, so Merge can fold as it
// merges. An event of unknown kind is refused with a *FieldError.
func (s *State) Write(e Event) error {
	if !e.Kind.valid() {
		return &FieldError{Field: FieldKind, Err: ErrBadKind}
	}
	s.Apply(e)
	return nil
}

// Fold applies every event of src to the state; ctx is checked every 4096
// events. It returns the number of events read. The state changes as events
// arrive, so fold only input already verified (an EventReader over
// batch.Open or batch.Spool): a streaming reader reports a damaged file only
// at its end.
func (s *State) Fold(ctx context.Context, src EventSource) (int, error) {
	for n := 0; ; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return n, err
			}
		}
		e, err := src.Next()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		s.Apply(e)
	}
}

// Status returns a card's current status (zero: on no list).
func (s *State) Status(serial studentid.Serial) Status { return s.cards[serial].status }

// Len returns the number of cards on some list (non-zero status).
func (s *State) Len() int {
	n := 0
	for _, c := range s.cards {
		if c.status != 0 {
			n++
		}
	}
	return n
}

// Entries returns the cards with a non-zero status, in serial order: the
// snapshot to give to Build.
func (s *State) Entries() []Entry {
	keys := make([]uint64, 0, len(s.cards))
	sts := make([]Status, 0, len(s.cards))
	for serial, c := range s.cards {
		if c.status != 0 {
			keys = append(keys, serialKey(serial))
			sts = append(sts, c.status)
		}
	}
	keys, sts = radixSort(keys, sts)
	out := make([]Entry, len(keys))
	for i, k := range keys {
		out[i] = Entry{Serial: serialOf(k), Status: sts[i]}
	}
	return out
}

// Prune forgets cards that are on no list and whose last event is before
// cutoff, bounding the state's memory. An event older than cutoff arriving
// afterwards for such a card would apply as if new, so choose a cutoff older
// than any upload can be late. It returns the number of cards forgotten.
func (s *State) Prune(cutoff time.Time) int {
	t := cutoff.UnixNano()
	n := 0
	for serial, c := range s.cards {
		if c.status == 0 && c.lostAt < t && c.frozAt < t {
			delete(s.cards, serial)
			n++
		}
	}
	return n
}
