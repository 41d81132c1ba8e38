package sqlite

import (
	"context"
	"errors"
	"runtime"
	"sync"

	"github.com/bjedu/studentcard/lifecycle"
)

// Group commit. At synchronous=FULL every COMMIT waits for an fsync of the
// WAL, so one transaction at a time makes at most as many transitions a
// second as the disk makes fsyncs. Callers of [Store.Tx] that arrive while a
// transaction is in flight therefore queue, and the queue runs as one group:
// one BEGIN IMMEDIATE, each caller's fn in turn inside a SAVEPOINT of its
// own, one COMMIT (one fsync) for all of them. Each fn still runs on its
// caller's goroutine (the connection is handed from caller to caller), and
// each caller returns only after the COMMIT that holds its writes is
// durable. A caller whose fn fails (or panics) is rolled back to its
// savepoint and gets its own error at once; the others of the group are not
// affected. Should SQLite end the whole transaction under a failing caller
// (an I/O error), the callers that ran before it lost their writes with it:
// they and the callers not yet run are run again in a later group, so no
// caller ever sees another's failure. A group of one is a plain transaction
// without a savepoint.

// committer is the queue of callers waiting for the writer connection.
type committer struct {
	mu      sync.Mutex
	queue   []*member
	leading bool // a member is leading (or about to lead) the next group
}

// memberState is where a member is; guarded by committer.mu.
type memberState uint8

const (
	memberQueued  memberState = iota // in the queue, may leave it (its ctx)
	memberLeading                    // told to lead the next group
	memberGrouped                    // taken into a group: waits for its turn or result
)

// member is one caller of Store.Tx in the group commit.
type member struct {
	ctx   context.Context
	fn    func(lifecycle.Tx) error
	state memberState
	// The channels carry one value each and are buffered, so the sender
	// never waits.
	lead   chan struct{}   // lead the next group
	turn   chan struct{}   // the connection is yours: run fn
	ran    chan turnResult // fn has run; the connection is back
	result chan error      // the outcome; errRetry: run again in a later group
}

// turnResult is what a member's turn on the connection came to.
type turnResult struct {
	err error
	// poisoned: SQLite ended the whole transaction (the savepoint is
	// gone), so every write of the group so far is lost.
	poisoned bool
}

var (
	// errRetry tells a member its writes were lost with the group's
	// transaction through no fault of its own: it queues again.
	errRetry = errors.New("sqlite: group transaction ended by another caller; run again")
	// errPanicked is the turn result of a fn that panicked (the panic
	// itself goes on in the caller's goroutine).
	errPanicked = errors.New("sqlite: transaction function panicked")
)

// groupTx runs fn in the next group and returns its outcome.
func (s *Store) groupTx(ctx context.Context, fn func(lifecycle.Tx) error) error {
	m := &member{ctx: ctx, fn: fn, lead: make(chan struct{}, 1), turn: make(chan struct{}, 1),
		ran: make(chan turnResult, 1), result: make(chan error, 1)}
	for {
		s.enqueue(m)
		err := s.await(m)
		if !errors.Is(err, errRetry) {
			return err
		}
	}
}

// enqueue adds m to the queue; with no group leader, m leads.
func (s *Store) enqueue(m *member) {
	c := &s.group
	c.mu.Lock()
	defer c.mu.Unlock()
	m.state = memberQueued
	c.queue = append(c.queue, m)
	if !c.leading {
		c.leading = true
		m.state = memberLeading
		m.lead <- struct{}{}
	}
}

// dequeue takes m out of the queue if no group has taken it yet.
func (s *Store) dequeue(m *member) bool {
	c := &s.group
	c.mu.Lock()
	defer c.mu.Unlock()
	if m.state != memberQueued {
		return false
	}
	for i, q := range c.queue {
		if q == m {
			c.queue = append(c.queue[:i], c.queue[i+1:]...)
			break
		}
	}
	return true
}

// await is a member's life in the queue: it leads a group, takes its turn
// in one, or leaves the queue when its ctx ends before a group took it.
func (s *Store) await(m *member) error {
	done := m.ctx.Done()
	var panicked any
	for {
		select {
		case <-m.lead:
			panicked = s.lead(m)
		case <-m.turn:
			r, p := s.runTurn(m, true)
			m.ran <- r
			if p != nil {
				panic(p) // the connection is back with the leader; the panic is the caller's
			}
		case err := <-m.result:
			if panicked != nil {
				panic(panicked)
			}
			return err
		case <-done:
			if s.dequeue(m) {
				return m.ctx.Err()
			}
			done = nil // a group has it: its turn checks ctx
		}
	}
}

// lead runs one group: every member queued now, self among them. It
// returns the value self's fn panicked with, if it did.
func (s *Store) lead(self *member) (panicked any) {
	select {
	case s.writer <- struct{}{}:
	case <-s.closed:
		s.failQueued(ErrClosed)
		return nil
	}
	select {
	case <-s.closed:
		<-s.writer
		s.failQueued(ErrClosed)
		return nil
	default:
	}
	// The callers of the group just committed are waking up and about to
	// queue again: yield once so they join this group rather than the next.
	runtime.Gosched()
	c := &s.group
	c.mu.Lock()
	batch := c.queue
	c.queue = nil
	for _, m := range batch {
		m.state = memberGrouped
	}
	c.mu.Unlock()
	panicked = s.runGroup(self, batch)
	<-s.writer
	c.mu.Lock()
	if len(c.queue) > 0 {
		next := c.queue[0]
		next.state = memberLeading
		next.lead <- struct{}{}
	} else {
		c.leading = false
	}
	c.mu.Unlock()
	return panicked
}

// failQueued ends every queued member with err (the store is closed).
func (s *Store) failQueued(err error) {
	c := &s.group
	c.mu.Lock()
	batch := c.queue
	c.queue, c.leading = nil, false
	for _, m := range batch {
		m.state = memberGrouped
	}
	c.mu.Unlock()
	for _, m := range batch {
		m.result <- err
	}
}

// runGroup runs batch in one transaction on the writer connection; the
// caller holds the writer slot.
func (s *Store) runGroup(self *member, batch []*member) (panicked any) {
	all := func(err error) {
		for _, m := range batch {
			m.result <- err
		}
	}
	if err := s.checkFile(); err != nil {
		all(err)
		return nil
	}
	bg := context.Background()
	if _, err := s.conn.ExecContext(bg, s.beginSQL()); err != nil {
		all(err)
		return nil
	}
	grouped := len(batch) > 1
	var ok []*member
	for i, m := range batch {
		if err := m.ctx.Err(); err != nil {
			m.result <- err
			continue
		}
		var r turnResult
		if m == self {
			r, panicked = s.runTurn(m, grouped)
		} else {
			m.turn <- struct{}{}
			r = <-m.ran
		}
		if r.poisoned {
			m.result <- r.err
			for _, o := range append(ok, batch[i+1:]...) {
				o.result <- errRetry
			}
			s.rollback()
			return panicked
		}
		if r.err != nil {
			m.result <- r.err
			continue
		}
		ok = append(ok, m)
	}
	if len(ok) == 0 {
		s.rollback()
		return panicked
	}
	_, err := s.conn.ExecContext(bg, "COMMIT")
	if err != nil {
		s.rollback()
	}
	for _, m := range ok {
		m.result <- err
	}
	return panicked
}

// runTurn runs m's fn on the writer connection, inside a savepoint when the
// group has other members. A panic is caught and returned, so the group
// goes on; the caller re-raises it.
func (s *Store) runTurn(m *member, savepoint bool) (r turnResult, panicked any) {
	bg := context.Background()
	if savepoint {
		if _, err := s.conn.ExecContext(bg, "SAVEPOINT member"); err != nil {
			return turnResult{err: err, poisoned: true}, nil
		}
	}
	t := &tx{s: s, grouped: savepoint}
	func() {
		defer func() {
			if p := recover(); p != nil {
				panicked = p
			}
		}()
		r.err = m.fn(t)
	}()
	t.done = true
	if panicked != nil {
		r.err = errPanicked
	} else if r.err == nil {
		r.err = m.ctx.Err()
	}
	if !savepoint {
		return r, panicked // a group of one: runGroup rolls the transaction back
	}
	if r.err != nil {
		if _, err := s.conn.ExecContext(bg, "ROLLBACK TO member"); err != nil {
			r.poisoned = true
			return r, panicked
		}
	}
	if _, err := s.conn.ExecContext(bg, "RELEASE member"); err != nil {
		if r.err == nil {
			r.err = err
		}
		r.poisoned = true
	}
	return r, panicked
}
