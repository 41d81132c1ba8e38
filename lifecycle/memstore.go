package lifecycle

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/bjedu/studentcard/studentid"
)

// MemStore is a [Store] in memory: tests, the demo, and a reference for
// adapter authors. Transactions are serialised by one lock (so they never
// conflict with each other; stale versions still do) and rolled back with an
// undo log. Its queries scan maps where a database would use an index; that
// is fine at demo sizes.
type MemStore struct {
	mu sync.Mutex
	d  memData
}

type memData struct {
	cards      map[string]Card
	events     []Event
	imports    map[string]Import
	audit      map[string][]AuditEntry
	stock      map[StockKey]int64
	syncs      []SyncRecord
	deadlines  map[string]Deadline
	students   map[string]Student
	numbers    map[string]NumberRecord
	enrolments map[string][]Enrolment
	leaves     map[string]LeaveRecord
}

// NewMemStore returns an empty in-memory store.
func NewMemStore() *MemStore {
	return &MemStore{d: memData{
		cards:      map[string]Card{},
		imports:    map[string]Import{},
		audit:      map[string][]AuditEntry{},
		stock:      map[StockKey]int64{},
		deadlines:  map[string]Deadline{},
		students:   map[string]Student{},
		numbers:    map[string]NumberRecord{},
		enrolments: map[string][]Enrolment{},
		leaves:     map[string]LeaveRecord{},
	}}
}

// Close does nothing; it exists to satisfy [Store].
func (m *MemStore) Close() error { return nil }

// Tx runs fn under the store's lock and undoes its writes if it fails.
func (m *MemStore) Tx(ctx context.Context, fn func(Tx) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	tx := &memTx{d: &m.d}
	defer func() {
		tx.done = true
		if p := recover(); p != nil {
			tx.rollback()
			panic(p)
		}
		if err != nil {
			tx.rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	return ctx.Err()
}

// AssignedNumbers implements [Store.AssignedNumbers] under the store's lock
// (MemStore serialises readers and writers alike), scanning the numbers.
func (m *MemStore) AssignedNumbers(ctx context.Context, prefix, after string, limit int) ([]AssignedNumber, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = AssignedPageLimit
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var keys []string
	for k := range m.d.numbers {
		if strings.HasPrefix(k, prefix) && k > after {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	keys = keys[:min(limit, len(keys))]
	out := make([]AssignedNumber, len(keys))
	for i, k := range keys {
		n := m.d.numbers[k]
		st, ok := m.d.students[n.StudentKey]
		out[i] = AssignedNumber{Number: k, StudentKey: n.StudentKey, IDNumber: st.IDNumber, HasStudent: ok}
	}
	return out, nil
}

type memTx struct {
	d    *memData
	undo []func()
	done bool
}

func (t *memTx) rollback() {
	for i := len(t.undo) - 1; i >= 0; i-- {
		t.undo[i]()
	}
	t.undo = nil
}

func (t *memTx) check(ctx context.Context) error {
	if t.done {
		return ErrTxDone
	}
	return ctx.Err()
}

// remember records how to undo a write to a map entry.
func remember[K comparable, V any](t *memTx, m map[K]V, k K) {
	old, had := m[k]
	t.undo = append(t.undo, func() {
		if had {
			m[k] = old
		} else {
			delete(m, k)
		}
	})
}

// versioned implements the versioned-put rule shared by cards, students and
// numbers.
func versioned[V any](t *memTx, m map[string]V, entity, key string, v V, version func(V) int64, set func(*V, int64)) (V, error) {
	var zero V
	cur, ok := m[key]
	want := version(v)
	switch {
	case want == 0 && ok:
		return zero, &DuplicateError{Entity: entity, Key: key}
	case want != 0 && !ok:
		return zero, &NotFoundError{Entity: entity, Key: key}
	case want != 0 && version(cur) != want:
		return zero, &ConflictError{Entity: entity, Key: key, Expected: want, Stored: version(cur)}
	}
	set(&v, want+1)
	remember(t, m, key)
	m[key] = v
	return v, nil
}

func (t *memTx) GetCard(ctx context.Context, id string) (Card, error) {
	if err := t.check(ctx); err != nil {
		return Card{}, err
	}
	c, ok := t.d.cards[id]
	if !ok {
		return Card{}, &NotFoundError{Entity: "card", Key: id}
	}
	return c, nil
}

func (t *memTx) PutCard(ctx context.Context, c Card) (Card, error) {
	if err := t.check(ctx); err != nil {
		return Card{}, err
	}
	return versioned(t, t.d.cards, "card", c.ID, c, func(c Card) int64 { return c.Version }, func(c *Card, v int64) { c.Version = v })
}

func (t *memTx) CardsOfStudent(ctx context.Context, number string) ([]Card, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	var out []Card
	for _, c := range t.d.cards {
		if number != "" && c.Student == number {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b Card) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

func (t *memTx) AppendEvent(ctx context.Context, e Event) (Event, error) {
	if err := t.check(ctx); err != nil {
		return Event{}, err
	}
	e.Seq = int64(len(t.d.events)) + 1
	t.d.events = append(t.d.events, e)
	d := t.d
	t.undo = append(t.undo, func() { d.events = d.events[:len(d.events)-1] })
	return e, nil
}

func (t *memTx) CardEvents(ctx context.Context, cardID string, after int64, limit int) ([]Event, error) {
	return t.events(ctx, after, limit, func(e Event) bool { return e.CardID == cardID })
}

func (t *memTx) ScopeEvents(ctx context.Context, scope Scope, after int64, limit int) ([]Event, error) {
	return t.events(ctx, after, limit, func(e Event) bool { return scope.Contains(e.District, e.School) })
}

func (t *memTx) events(ctx context.Context, after int64, limit int, keep func(Event) bool) ([]Event, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	limit = pageLimit(limit)
	var out []Event
	start := max(after, 0)
	for _, e := range t.d.events[min(start, int64(len(t.d.events))):] {
		if keep(e) {
			out = append(out, e)
			if len(out) == limit {
				break
			}
		}
	}
	return out, nil
}

func (t *memTx) GetImport(ctx context.Context, digest string) (Import, error) {
	if err := t.check(ctx); err != nil {
		return Import{}, err
	}
	imp, ok := t.d.imports[digest]
	if !ok {
		return Import{}, &NotFoundError{Entity: "import", Key: digest}
	}
	return imp, nil
}

func (t *memTx) PutImport(ctx context.Context, imp Import) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	if _, ok := t.d.imports[imp.Digest]; ok {
		return &DuplicateError{Entity: "import", Key: imp.Digest}
	}
	remember(t, t.d.imports, imp.Digest)
	t.d.imports[imp.Digest] = imp
	return nil
}

func (t *memTx) AuditHead(ctx context.Context, chain string) (AuditEntry, error) {
	if err := t.check(ctx); err != nil {
		return AuditEntry{}, err
	}
	c := t.d.audit[chain]
	if len(c) == 0 {
		return AuditEntry{}, &NotFoundError{Entity: EntityAuditChain, Key: chain}
	}
	return c[len(c)-1], nil
}

func (t *memTx) AppendAudit(ctx context.Context, e AuditEntry) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	c := t.d.audit[e.Chain]
	if want := int64(len(c)) + 1; e.Seq != want {
		return &ConflictError{Entity: EntityAuditChain, Key: e.Chain, Expected: e.Seq - 1, Stored: want - 1}
	}
	remember(t, t.d.audit, e.Chain)
	t.d.audit[e.Chain] = append(c, e)
	return nil
}

func (t *memTx) AuditEntries(ctx context.Context, chain string, after int64, limit int) ([]AuditEntry, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	var out []AuditEntry
	for _, e := range t.d.audit[chain] {
		if e.Seq > after {
			out = append(out, e)
			if len(out) == pageLimit(limit) {
				break
			}
		}
	}
	return out, nil
}

// TamperAudit lets tests of the audit verifier simulate an attacker with
// write access to the database: it replaces the stored entries of a chain
// with what edit returns. It is not part of [Store]; nothing in the Ledger
// calls it.
func (m *MemStore) TamperAudit(chain string, edit func([]AuditEntry) []AuditEntry) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.d.audit[chain] = edit(slices.Clone(m.d.audit[chain]))
}

func (t *memTx) AddStock(ctx context.Context, key StockKey, delta int64) (int64, error) {
	if err := t.check(ctx); err != nil {
		return 0, err
	}
	remember(t, t.d.stock, key)
	t.d.stock[key] += delta
	return t.d.stock[key], nil
}

func (t *memTx) Stock(ctx context.Context, key StockKey) (int64, error) {
	if err := t.check(ctx); err != nil {
		return 0, err
	}
	return t.d.stock[key], nil
}

func (t *memTx) AppendSync(ctx context.Context, r SyncRecord) (SyncRecord, error) {
	if err := t.check(ctx); err != nil {
		return SyncRecord{}, err
	}
	r.ID = int64(len(t.d.syncs)) + 1
	t.d.syncs = append(t.d.syncs, r)
	d := t.d
	t.undo = append(t.undo, func() { d.syncs = d.syncs[:len(d.syncs)-1] })
	return r, nil
}

func (t *memTx) LastSync(ctx context.Context, kind SyncKind, level studentid.Level, district, school string, okOnly bool) (SyncRecord, error) {
	if err := t.check(ctx); err != nil {
		return SyncRecord{}, err
	}
	for i := len(t.d.syncs) - 1; i >= 0; i-- {
		r := t.d.syncs[i]
		if r.Kind == kind && r.Level == level && r.District == district && r.School == school && (r.OK || !okOnly) {
			return r, nil
		}
	}
	return SyncRecord{}, &NotFoundError{Entity: "sync", Key: fmt.Sprintf("%s %s %s/%s", kind, level, district, school)}
}

func (t *memTx) PutDeadline(ctx context.Context, d Deadline) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	remember(t, t.d.deadlines, d.ID)
	t.d.deadlines[d.ID] = d
	return nil
}

func (t *memTx) GetDeadline(ctx context.Context, id string) (Deadline, error) {
	if err := t.check(ctx); err != nil {
		return Deadline{}, err
	}
	d, ok := t.d.deadlines[id]
	if !ok {
		return Deadline{}, &NotFoundError{Entity: "deadline", Key: id}
	}
	return d, nil
}

func (t *memTx) Overdue(ctx context.Context, q OverdueQuery) ([]Deadline, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	var out []Deadline
	for _, d := range t.d.deadlines {
		if !d.DoneAt.IsZero() || !d.DueAt.Before(q.Now) || !q.Scope.Contains(d.District, d.School) {
			continue
		}
		if q.AfterID != "" && compareDue(d, q.AfterDue, q.AfterID) <= 0 {
			continue
		}
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b Deadline) int { return compareDue(a, b.DueAt, b.ID) })
	if len(out) > q.PageLimit() {
		out = out[:q.PageLimit()]
	}
	return out, nil
}

func compareDue(d Deadline, due time.Time, id string) int {
	if c := d.DueAt.Compare(due); c != 0 {
		return c
	}
	return strings.Compare(d.ID, id)
}

func (t *memTx) GetStudent(ctx context.Context, key string) (Student, error) {
	if err := t.check(ctx); err != nil {
		return Student{}, err
	}
	s, ok := t.d.students[key]
	if !ok {
		return Student{}, &NotFoundError{Entity: "student", Key: key}
	}
	return s, nil
}

func (t *memTx) PutStudent(ctx context.Context, s Student) (Student, error) {
	if err := t.check(ctx); err != nil {
		return Student{}, err
	}
	return versioned(t, t.d.students, "student", s.Key, s, func(s Student) int64 { return s.Version }, func(s *Student, v int64) { s.Version = v })
}

func (t *memTx) GetNumber(ctx context.Context, number string) (NumberRecord, error) {
	if err := t.check(ctx); err != nil {
		return NumberRecord{}, err
	}
	n, ok := t.d.numbers[number]
	if !ok {
		return NumberRecord{}, &NotFoundError{Entity: "number", Key: number}
	}
	return n, nil
}

func (t *memTx) PutNumber(ctx context.Context, n NumberRecord) (NumberRecord, error) {
	if err := t.check(ctx); err != nil {
		return NumberRecord{}, err
	}
	return versioned(t, t.d.numbers, "number", n.Number, n, func(n NumberRecord) int64 { return n.Version }, func(n *NumberRecord, v int64) { n.Version = v })
}

func (t *memTx) LastNumber(ctx context.Context, prefix string) (NumberRecord, error) {
	if err := t.check(ctx); err != nil {
		return NumberRecord{}, err
	}
	var best NumberRecord
	found := false
	for k, n := range t.d.numbers {
		if strings.HasPrefix(k, prefix) && (!found || k > best.Number) {
			best, found = n, true
		}
	}
	if !found {
		return NumberRecord{}, &NotFoundError{Entity: "number prefix", Key: prefix}
	}
	return best, nil
}

func (t *memTx) PutEnrolment(ctx context.Context, e Enrolment) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	remember(t, t.d.enrolments, e.StudentKey)
	list := slices.Clone(t.d.enrolments[e.StudentKey])
	i := slices.IndexFunc(list, func(x Enrolment) bool { return x.School == e.School && x.Since.Equal(e.Since) })
	if i >= 0 {
		list[i] = e
	} else {
		list = append(list, e)
	}
	slices.SortStableFunc(list, func(a, b Enrolment) int { return a.Since.Compare(b.Since) })
	t.d.enrolments[e.StudentKey] = list
	return nil
}

func (t *memTx) Enrolments(ctx context.Context, studentKey string) ([]Enrolment, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return slices.Clone(t.d.enrolments[studentKey]), nil
}

func (t *memTx) PutLeave(ctx context.Context, r LeaveRecord) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	remember(t, t.d.leaves, r.ID)
	t.d.leaves[r.ID] = r
	return nil
}

func (t *memTx) GetLeave(ctx context.Context, id string) (LeaveRecord, error) {
	if err := t.check(ctx); err != nil {
		return LeaveRecord{}, err
	}
	r, ok := t.d.leaves[id]
	if !ok {
		return LeaveRecord{}, &NotFoundError{Entity: "leave record", Key: id}
	}
	return r, nil
}

func (t *memTx) Leaves(ctx context.Context, school, cohort string) ([]LeaveRecord, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	var out []LeaveRecord
	for _, r := range t.d.leaves {
		if r.School == school && (cohort == "" || r.Cohort == cohort) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b LeaveRecord) int {
		return cmp.Or(a.LeftAt.Compare(b.LeftAt), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}
