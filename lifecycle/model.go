package lifecycle

import (
	"fmt"
	"strings"
	"time"

	"github.com/bjedu/studentcard/studentid"
)

// timePrecision is the precision stores keep times at (PostgreSQL's
// timestamptz keeps microseconds); the Ledger truncates its clock to it so
// what it writes is exactly what it reads back, and audit hashes verify.
const timePrecision = time.Microsecond

// Operator is who makes a call: every call of the [Ledger] carries one, so
// every event and audit entry says who did what at which level (P-3), and the
// scope check (a school only on its own cards, a district only on its
// schools) has something to check against.
type Operator struct {
	Level studentid.Level
	// District is the 2-digit district code (positions 3-4 of a registry
	// number); empty for the city.
	District string
	// School is the 8-digit school code (positions 1-8 of a registry
	// number); empty above the school.
	School string
	// User names the person at the terminal (a login, not a secret).
	User string
	// Role is what the person does at the level (S-14); empty is a card
	// manager, the role every operator had before roles were recorded.
	Role Role
}

// Role is an operator's job at its level (S-14): each level reports its
// card-management staff to the level above, and a system administrator
// configures the system and takes no part in registry business (seed 002).
type Role string

// The roles the Ledger tells apart.
const (
	// RoleCardManager does the card and registry business of the level
	// (卡管理人员); the zero Role means the same.
	RoleCardManager Role = "card-manager"
	// RoleSystemAdmin configures the system (系统管理员): backups, virus
	// scans, syncs and reading the audit log, nothing of the registry.
	RoleSystemAdmin Role = "system-admin"
)

// Scope returns the part of the ledger the operator may act on. Application
// units have none: the Ledger refuses their calls before it looks at a scope.
func (o Operator) Scope() Scope {
	switch o.Level {
	case studentid.LevelCity:
		return Scope{}
	case studentid.LevelDistrict:
		return Scope{District: o.District}
	default:
		return Scope{District: o.District, School: o.School}
	}
}

// Scope selects a part of the ledger: the whole city (both fields empty), one
// district (District set) or one school (both set). Store queries filter by
// scope with equality on indexed columns, never by pattern.
type Scope struct {
	District string
	School   string
}

// Contains reports whether a record held by district/school lies in the scope.
func (s Scope) Contains(district, school string) bool {
	if s.District != "" && s.District != district {
		return false
	}
	if s.School != "" && s.School != school {
		return false
	}
	return true
}

// CardKind tells the two cards of a student card apart (S-1).
type CardKind string

// The two cards in one holder (S-1).
const (
	KindIDCard       CardKind = "id"       // 证件卡, printed only
	KindRegistryCard CardKind = "registry" // 学籍卡, contactless IC card
)

// State is where a card is in its life; the machines in [IDCardMachine] and
// [RegistryCardMachine] say which states exist and how one moves between
// them.
type State string

// Action names a transition (e.g. "report-loss"); the machines list which
// actions move a card from which state to which.
type Action string

// Card is one physical card in the ledger. Stores persist every field; the
// Ledger owns their meaning. Times are kept to the microsecond (stores must
// round-trip them at that precision).
type Card struct {
	// ID is the card's identity: the ID card's print serial or the registry
	// card's chip serial, unique per store.
	ID   string
	Kind CardKind
	// State is the card's current state.
	State State
	// Holder is the level that has the card in hand now (city, district or
	// school), which is also the level whose deadline runs (R-TIME-1).
	Holder studentid.Level
	// District and School place the card in a scope; empty while the card
	// is in city (or district) stock.
	District string
	School   string
	// Student is the registry number of the student the card belongs to,
	// empty for blank stock.
	Student string
	// Cohort is the student's cohort (届别, positions 10-11), used when
	// recovered cards are boxed (R-LEAVE-2).
	Cohort string
	// Temporary marks a temporary card lent while a card is lost (R-LOSS-2).
	Temporary bool
	// Batch is the digest of the result file (ID card, C-ISSUE-3) or of the
	// stock shipment the card arrived in.
	Batch string
	// Replaces is the ID of the card this one replaces, if any.
	Replaces string
	// Box is the label of the box a recovered card was put in (R-LEAVE-2).
	Box string
	// LostAt is when the loss was reported (R-LOSS-1, R-LOSS-2); zero if never.
	LostAt time.Time
	// ValidUntil is the end of the ID card's printed validity (C-MGMT-1) or
	// of the registry card's current semester registration (R-REG-1).
	ValidUntil time.Time
	// UpdatedAt is the time of the last transition.
	UpdatedAt time.Time
	// Version is the optimistic-concurrency counter: 0 for a card not yet
	// stored, then 1, 2, … after each successful [Tx.PutCard].
	Version int64
}

// Event is one transition of one card: the card's history, with the state
// and fields it had before (P-3), who did it, when, at which level, and under
// which rule.
type Event struct {
	// Seq is assigned by the store, strictly increasing across the store.
	Seq    int64
	CardID string
	Kind   CardKind
	// Action is the transition's name (e.g. "report-loss").
	Action Action
	From   State
	To     State
	// Rule is the SPEC rule id the transition applies.
	Rule     string
	At       time.Time
	Operator Operator
	// District and School are the card's scope after the transition, so
	// events can be read per scope (what has not been sent up yet, R-OPS-1).
	District string
	School   string
	Reason   string
	// Before is the card as it was (JSON of [Card]), so the change can be
	// traced and reversed (P-3). Empty for the first event of a card.
	Before string
	// Version is the card's version after the transition.
	Version int64
}

// Import records that a file was imported, keyed by the SHA-256 digest of its
// bytes, so that importing the same file twice is a no-op that says so.
type Import struct {
	// Digest is the lowercase hex SHA-256 of the file.
	Digest   string
	FileKind string
	District string
	School   string
	Operator Operator
	At       time.Time
	Records  int
}

// AuditEntry is one link of a hash chain (see [Audit]). The Ledger computes
// Prev and Hash; a Store only keeps them.
type AuditEntry struct {
	// Chain names the chain: "city" or a district code; chains let
	// districts write concurrently.
	Chain string
	// Seq is 1 for the first entry of a chain, then +1.
	Seq      int64
	At       time.Time
	Operator Operator
	Action   string
	Subject  string
	Rule     string
	// Outcome is OutcomeOK or OutcomeRefused (refusals are audited too);
	// Outcome(e.Outcome).Localize names it for an operator.
	Outcome string
	// Detail is JSON: before and after values, export fields, approvals.
	Detail string
	// Prev is the hex hash of the previous entry ("" for Seq 1).
	Prev string
	// Hash is the hex hash of this entry including Prev.
	Hash string
}

// StockKey names one stock counter: what (Item) is held where (Level and
// Code: "" for the city, the district code, or the school code).
type StockKey struct {
	Level studentid.Level
	Code  string
	Item  StockItem
}

// StockItem is a kind of thing kept in stock.
type StockItem string

// Stock items the rules count.
const (
	// StockBlankRegistry is initialised registry cards not yet personalised
	// (R-ISSUE-1, R-ISSUE-2).
	StockBlankRegistry StockItem = "registry-blank"
	// StockReserveID is reserve cards (预备卡): blank ID-card stock with the
	// background printed (S-7, C-RESERVE-1).
	StockReserveID StockItem = "id-reserve"
	// StockToIssue is the number of ID cards a district is to issue, the
	// base of the reserve ratio (C-RESERVE-1).
	StockToIssue StockItem = "id-to-issue"
	// StockIDRecords is the number of card-making records stored for a
	// school, the base of the registry card allocation (R-ISSUE-2).
	StockIDRecords StockItem = "id-records"
	// StockShipped is registry cards a district has shipped to a school
	// (net of surplus recovered), compared with the allocation (R-ISSUE-2).
	StockShipped StockItem = "registry-shipped"
	// StockFault is fault cards on their way back to the supplier (R-FAULT-1).
	StockFault StockItem = "registry-fault"
	// StockHoldersIssued counts the transparent holders a school handed out,
	// one with every ID card issue and reissue (S-8).
	StockHoldersIssued StockItem = "holders-issued"
)

// SyncKind is a kind of exchange with the level above (R-OPS-1).
type SyncKind string

// Exchanges R-OPS-1 asks to be recorded.
const (
	SyncDailyUpload SyncKind = "daily-upload"
	SyncMonthEnd    SyncKind = "month-end"
	SyncStudent     SyncKind = "student-change"
	SyncBackup      SyncKind = "backup"
	// SyncVirusScan is the weekly virus scan of the level's card-management
	// computers (R-OPS-2).
	SyncVirusScan SyncKind = "virus-scan"
	// SyncTransfers is a school recording that its transfers in and out
	// are processed in CMIS, due in spring by 16 March (R-OPS-3).
	SyncTransfers SyncKind = "transfers-processed"
)

// SyncRecord is one daily upload, month-end sync or backup and its outcome.
type SyncRecord struct {
	// ID is assigned by the store, increasing.
	ID       int64
	Kind     SyncKind
	Level    studentid.Level
	District string
	School   string
	At       time.Time
	// UpTo is the last event Seq the exchange carried (daily upload): the
	// watermark for "what has not been sent up yet".
	UpTo   int64
	OK     bool
	Detail string
}

// Deadline is a clock running for somebody (R-TIME-1, R-LOSS-3, R-ISSUE-4).
// The Overdue query is the indexable "open deadlines with DueAt < now in a
// scope": stores index (District, School, DueAt) over open deadlines.
type Deadline struct {
	// ID is a stable key chosen by the Ledger; putting it again updates.
	ID       string
	Rule     string
	Subject  string
	Level    studentid.Level
	District string
	School   string
	Start    time.Time
	DueAt    time.Time
	// DoneAt is zero while the deadline is open.
	DoneAt time.Time
	// WorkingDays is the length of a deadline counted in working days from
	// Start (0 for one counted otherwise), so it can be computed again.
	WorkingDays int
	// Provisional marks a DueAt counted past the years the calendar has
	// official holiday data for (weekends only); the Ledger recomputes it
	// when the notice is loaded ([Ledger.RecomputeProvisional]).
	Provisional bool
}

// StudentStatus is a student's standing at the school holding the record.
type StudentStatus string

// Student standings used by the move and leave rules.
const (
	StudentEnrolled    StudentStatus = "enrolled"
	StudentTransferOut StudentStatus = "transfer-out" // left with a transfer in flight (R-MOVE-1)
	StudentSuspended   StudentStatus = "suspended"
	StudentLeft        StudentStatus = "left" // dropped out, ended temporary study… (R-LEAVE-1)
	// StudentCompleted: graduated or completed (毕业、结业); the basic data
	// can no longer be changed (P-5).
	StudentCompleted StudentStatus = "completed"
)

// Student is the ledger's view of one student: the registry number in use,
// the controlled fields (P-2) and where the student stands.
type Student struct {
	// Key is a stable identity that survives number changes (for example
	// the national education personal code).
	Key string
	// Number is the registry number in use.
	Number string
	// Controlled fields (受控字段, P-2).
	Name      string
	Gender    string
	BirthDate string
	IDNumber  string
	District  string
	School    string
	Status    StudentStatus
	Version   int64
}

// String shows a student with the personal data masked (name after its
// first character; key and resident ID number except their first 4 and last
// 2 characters), so logs and traces do not leak PII.
func (s Student) String() string {
	return fmt.Sprintf("student %s %s %s %s/%s %s v%d", maskID(s.Key), s.Number, maskName(s.Name), s.District, s.School, maskID(s.IDNumber), s.Version)
}

// GoString masks like String, so %#v does not leak PII either.
func (s Student) GoString() string { return s.String() }

func maskName(name string) string {
	r := []rune(name)
	if len(r) <= 1 {
		return name
	}
	return string(r[0]) + strings.Repeat("*", len(r)-1)
}

func maskID(id string) string {
	if len(id) <= 6 {
		return strings.Repeat("*", len(id))
	}
	return id[:4] + strings.Repeat("*", len(id)-6) + id[len(id)-2:]
}

// NumberStatus is the life of an assigned registry number (S-ID-1, S-ID-5).
type NumberStatus string

// Number states: a number is pre-assigned, exported for filing, filed at the
// city, then in use, and finally retired; a retired or rejected number is
// never given to anyone else (S-ID-1).
const (
	NumberPreassigned NumberStatus = "preassigned"
	NumberExported    NumberStatus = "exported"
	NumberFiled       NumberStatus = "filed"
	NumberActive      NumberStatus = "active"
	NumberRejected    NumberStatus = "rejected"
	NumberRetired     NumberStatus = "retired"
)

// NumberRecord is one registry number ever assigned. The store keeps it
// forever: its primary key is the number, so no number can be assigned twice.
type NumberRecord struct {
	Number     string
	StudentKey string
	School     string
	Status     NumberStatus
	At         time.Time
	// Replaces is the number this one replaces in a number change.
	Replaces string
	Version  int64
}

// Enrolment is one stay of a student at a school; R-MOVE-2 asks whether the
// student ever attended the school before.
type Enrolment struct {
	StudentKey string
	School     string
	District   string
	Since      time.Time
	// Until is zero while the student is there.
	Until time.Time
}

// LeaveRecord is one line of the list of leaving and recovered students
// (R-LEAVE-1, R-LEAVE-2): who left, why, and where the card went.
type LeaveRecord struct {
	// ID is a stable key (the Ledger uses student key + leave time).
	ID         string
	StudentKey string
	Number     string
	District   string
	School     string
	Cohort     string
	Reason     string
	LeftAt     time.Time
	CardID     string
	Recovered  bool
	Box        string
	Handler    string
	RecoverAt  time.Time
}
