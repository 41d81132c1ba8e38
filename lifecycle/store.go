package lifecycle

import (
	"context"
	"time"

	"github.com/bjedu/studentcard/studentid"
)

// Store is what the ledger needs from a database, in the spirit of
// database/sql/driver: small, transactional, and easy to implement on SQL
// (adapters/sqlite, adapters/postgres) or in memory ([NewMemStore]). The rich
// API ([Ledger]) lives on top and is written once.
//
// Every method of [Tx] is a single-row read or write, or a range read over an
// index with a limit; none needs a full scan. The conformance suite in
// lifecycle/storetest says precisely what each must do.
//
// Values round-trip exactly: strings and numbers as given, times to the
// microsecond (returned in any location; the zero time.Time comes back as
// the zero value, e.g. stored as NULL). Lock waits are the store's business
// (SQLite: busy_timeout and BEGIN IMMEDIATE); what a Tx reports to its
// caller is success, a typed error of this package, or a context error.
type Store interface {
	// Tx runs fn in one transaction. If fn returns an error (or panics), or
	// the commit fails, nothing fn wrote is kept and Tx returns the error
	// (fn's own error unchanged, so errors.Is/As work). A Tx value must not
	// be used after fn returns, and fn must not call Tx on the same Store.
	// Implementations do not retry on their own: conflicts are reported
	// (*ConflictError) so the caller decides.
	Tx(ctx context.Context, fn func(Tx) error) error
	// AssignedNumbers returns up to limit number records whose number
	// starts with prefix and sorts after after ("" for the first page), in
	// number order, each with its student's resident ID number (a range
	// scan on the numbers' primary key joined to the students' key): the
	// S-ID-1 history of a sender's numbers, read a page at a time instead
	// of two point reads a record. It is a read of its own, outside any
	// [Store.Tx], and takes no writer lock where the database has readers
	// beside its writer (SQLite: a read-only connection pool on the WAL;
	// PostgreSQL: a plain snapshot read), so a long validation neither
	// waits for the ledger's writers nor delays them. limit ≤ 0 means 1000.
	AssignedNumbers(ctx context.Context, prefix, after string, limit int) ([]AssignedNumber, error)
	// Close releases the store's resources.
	Close() error
}

// Tx is one transaction. Versioned puts ([Tx.PutCard], [Tx.PutStudent],
// [Tx.PutNumber]) follow one rule: Version 0 creates the row and fails with a
// *[DuplicateError] if the key exists; Version n > 0 updates the row only if
// its stored version is n, otherwise fails with a *[ConflictError] (or a
// *[NotFoundError] if the row is missing). On success the returned value has
// Version n+1 (1 after a create). Reads of a missing row return a
// *[NotFoundError]. Errors wrap [ErrDuplicate], [ErrConflict], [ErrNotFound].
//
// Tx is grouped by role, so a store author implements (and reads the
// contract of) one table's worth at a time: cards, events, imports, audit,
// stock, syncs, deadlines, students, numbers, enrolments, leaves.
type Tx interface {
	CardTx
	EventTx
	ImportTx
	AuditTx
	StockTx
	SyncTx
	DeadlineTx
	StudentTx
	NumberTx
	EnrolmentTx
	LeaveTx
}

// CardTx is the cards: one row per physical card, versioned.
type CardTx interface {
	// GetCard reads one card by ID.
	GetCard(ctx context.Context, id string) (Card, error)
	// PutCard creates or updates a card (versioned; see Tx).
	PutCard(ctx context.Context, c Card) (Card, error)
	// CardsOfStudent returns the cards of one registry number, ordered by
	// ID (index on Student); the empty number matches no card (blank stock
	// belongs to nobody).
	CardsOfStudent(ctx context.Context, number string) ([]Card, error)
}

// EventTx is the card events, the history every list and upload is read from (P-3, R-OPS-1).
type EventTx interface {
	// AppendEvent stores e with the next store-wide Seq and returns it.
	// Readers rely on Seq growing in commit order (R-OPS-1 uploads
	// everything after a watermark): a store that commits concurrent
	// writers out of Seq order (a PostgreSQL sequence) must say how it
	// keeps [Tx.ScopeEvents] readers from skipping a late commit, e.g. by
	// serialising event appends per district.
	AppendEvent(ctx context.Context, e Event) (Event, error)
	// CardEvents returns up to limit events of one card with Seq > after,
	// in Seq order (index on CardID, Seq).
	CardEvents(ctx context.Context, cardID string, after int64, limit int) ([]Event, error)
	// ScopeEvents returns up to limit events in scope with Seq > after, in
	// Seq order (index on District, School, Seq): what a level has to send
	// up since its last upload (R-OPS-1).
	ScopeEvents(ctx context.Context, scope Scope, after int64, limit int) ([]Event, error)
}

// ImportTx is the record of imported files, each landing once.
type ImportTx interface {
	// GetImport returns the import of the file with this digest.
	GetImport(ctx context.Context, digest string) (Import, error)
	// PutImport records an import; a second import with the same digest
	// fails with a *DuplicateError (primary key on Digest), which rolls the
	// whole import back: a file lands exactly once.
	PutImport(ctx context.Context, imp Import) error
}

// AuditTx is the append-only, hash-chained audit log (P-3); the Ledger hashes, the store keeps.
type AuditTx interface {
	// AuditHead returns the last entry of a chain (*NotFoundError if empty).
	AuditHead(ctx context.Context, chain string) (AuditEntry, error)
	// AppendAudit appends e to its chain; e.Seq must be the head's Seq+1 (1
	// for an empty chain), else a *ConflictError with Entity
	// [EntityAuditChain] (primary key Chain, Seq: two writers racing for the
	// same Seq make one fail, and the Ledger retries that call). Entries are
	// never updated or deleted through a Tx.
	AppendAudit(ctx context.Context, e AuditEntry) error
	// AuditEntries returns up to limit entries of a chain with Seq > after,
	// in Seq order, exactly as stored (the verifier must see tampering).
	AuditEntries(ctx context.Context, chain string, after int64, limit int) ([]AuditEntry, error)
}

// StockTx is the stock counters (R-ISSUE-1, R-ISSUE-2, S-7, C-RESERVE-1).
type StockTx interface {
	// AddStock adds delta (may be negative) to a counter, creating it at 0,
	// and returns the new balance. Negative balances are stored as is; the
	// Ledger refuses them and rolls back.
	AddStock(ctx context.Context, key StockKey, delta int64) (int64, error)
	// Stock returns a counter's balance (0 if it never existed).
	Stock(ctx context.Context, key StockKey) (int64, error)
}

// SyncTx is the record of exchanges with the level above (R-OPS-1).
type SyncTx interface {
	// AppendSync records an exchange with the level above and returns it
	// with its store-assigned ID.
	AppendSync(ctx context.Context, r SyncRecord) (SyncRecord, error)
	// LastSync returns the latest record (highest ID) of a kind for exactly
	// this level, district and school; with okOnly, the latest successful
	// one. *NotFoundError if none.
	LastSync(ctx context.Context, kind SyncKind, level studentid.Level, district, school string, okOnly bool) (SyncRecord, error)
}

// DeadlineTx is the clocks that run for somebody and the overdue query (R-TIME-1, R-LOSS-3, R-OPS-2).
type DeadlineTx interface {
	// PutDeadline creates or replaces the deadline with d.ID.
	PutDeadline(ctx context.Context, d Deadline) error
	// GetDeadline reads one deadline.
	GetDeadline(ctx context.Context, id string) (Deadline, error)
	// Overdue returns up to q.Limit open deadlines (DoneAt zero) in q.Scope
	// with DueAt < q.Now, ordered by (DueAt, ID), starting after the cursor
	// (q.AfterDue, q.AfterID) when q.AfterID is set. Indexable as
	// (District, School, DueAt, ID) over open rows.
	Overdue(ctx context.Context, q OverdueQuery) ([]Deadline, error)
}

// StudentTx is the students and their controlled fields (P-2).
type StudentTx interface {
	// GetStudent reads a student by Key.
	GetStudent(ctx context.Context, key string) (Student, error)
	// PutStudent creates or updates a student (versioned; see Tx).
	PutStudent(ctx context.Context, s Student) (Student, error)
}

// NumberTx is every registry number ever assigned, kept forever (S-ID-1, S-ID-5).
type NumberTx interface {
	// GetNumber reads a registry number's record.
	GetNumber(ctx context.Context, number string) (NumberRecord, error)
	// PutNumber creates or updates a number record (versioned; see Tx).
	// Creating a number that exists fails with *DuplicateError: a number
	// is never assigned twice (S-ID-1).
	PutNumber(ctx context.Context, n NumberRecord) (NumberRecord, error)
	// LastNumber returns the greatest number starting with prefix (a range
	// scan on the primary key: number >= prefix AND number < prefix+"\xff"),
	// *NotFoundError if none (S-ID-5: class's last seat + 1).
	LastNumber(ctx context.Context, prefix string) (NumberRecord, error)
}

// EnrolmentTx is the stays of students at schools (R-MOVE-2).
type EnrolmentTx interface {
	// PutEnrolment creates or replaces the enrolment keyed by
	// (StudentKey, School, Since).
	PutEnrolment(ctx context.Context, e Enrolment) error
	// Enrolments returns a student's enrolments ordered by Since (index on
	// StudentKey).
	Enrolments(ctx context.Context, studentKey string) ([]Enrolment, error)
}

// LeaveTx is the list of leaving and recovered students (R-LEAVE-2).
type LeaveTx interface {
	// PutLeave creates or replaces a leave record by ID.
	PutLeave(ctx context.Context, r LeaveRecord) error
	// GetLeave reads one leave record by ID.
	GetLeave(ctx context.Context, id string) (LeaveRecord, error)
	// Leaves returns a school's leave records, of one cohort if cohort is
	// not empty, ordered by (LeftAt, ID) (index on School, Cohort).
	Leaves(ctx context.Context, school, cohort string) ([]LeaveRecord, error)
}

// AssignedNumber is one row of [Store.AssignedNumbers]: a number record's
// number and student with that student's resident ID number as stored.
// HasStudent is false when the student record is missing (a broken store,
// which the history reports rather than treat the number as free).
type AssignedNumber struct {
	Number     string
	StudentKey string
	IDNumber   string
	HasStudent bool
}

// AssignedPageLimit is the page size of [Store.AssignedNumbers] when the
// caller asks for none.
const AssignedPageLimit = 1000

// EntityAuditChain is the Entity of the *ConflictError a store returns when
// an audit append loses the race for the chain's next Seq: the one conflict
// the Ledger retries by itself, since no operator's data was stale.
const EntityAuditChain = "audit chain"

// OverdueQuery asks for open deadlines past due in a scope, one page at a time.
type OverdueQuery struct {
	Scope Scope
	Now   time.Time
	// AfterDue and AfterID are the cursor: the last deadline of the
	// previous page. Ignored while AfterID is empty.
	AfterDue time.Time
	AfterID  string
	// Limit caps the page; 0 means 100.
	Limit int
}

// PageLimit returns the page size the query asks for (100 by default).
func (q OverdueQuery) PageLimit() int { return pageLimit(q.Limit) }

// pageLimit is the Ledger's page size rule: what was asked, 100 if nothing.
func pageLimit(n int) int {
	if n <= 0 {
		return 100
	}
	return n
}
