package batch

import (
	"context"
	"errors"
	"io"
	"strconv"
	"strings"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/internal/digits"
	"github.com/bjedu/studentcard/internal/gbtext"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/studentid"
)

// Validation errors: the reasons a card-making record is refused. Each maps
// to a machine-readable [Reason] code in the failure file.
var (
	// ErrRequired: a required field is empty.
	ErrRequired = messages.Error("required field is empty")
	// ErrTooLong: a value exceeds its column's length.
	ErrTooLong = messages.Error("value too long")
	// ErrFormat: a value has the wrong shape (gender code, date, enum).
	ErrFormat = messages.Error("value has the wrong format")
	// ErrRegistryNo: the registry number fails studentid parsing (or the
	// vendor's check-digit scheme); the studentid error is wrapped.
	ErrRegistryNo = messages.Error("student registry number invalid")
	// ErrNotSender: the registry number names another school or district
	// than the file's sender.
	ErrNotSender = messages.Error("registry number does not belong to the sender")
	// ErrIneligible: a vocational high student (student category 3, or
	// school category 6), who gets no student card (S-3).
	ErrIneligible = messages.Error("not eligible for a student card (vocational high school)")
	// ErrResidentID: the resident ID number fails GB 11643 checks; the
	// studentid error is wrapped.
	ErrResidentID = messages.Error("resident ID number invalid")
	// ErrBirthDate: birth date and resident ID number disagree.
	ErrBirthDate = messages.Error("birth date does not match the resident ID number")
	// ErrSex: gender and resident ID number disagree.
	ErrSex = messages.Error("gender does not match the resident ID number")
	// ErrDuplicate: the value already occurs earlier in the file.
	ErrDuplicate = messages.Error("duplicate in this file")
	// ErrNameCharset: the name needs a rare-character entry (C-4) and has none.
	ErrNameCharset = messages.Error("name not encodable in GB2312 and no rare-character entry")
	// ErrReassigned: history says the registry number belongs to a different
	// resident ID (S-ID-1).
	ErrReassigned = messages.Error("registry number already assigned to another student")
	// ErrProblemCap: the validation stopped at its problem cap
	// (Validator.MaxProblems); the rest of the file was not checked.
	ErrProblemCap = messages.Error("too many problems: validation stopped, the rest of the file was not checked")
	// ErrSender: the file's sender level or code is not what the validating
	// level expects.
	ErrSender = messages.Error("file not from the expected sender")
)

// Reason is the machine-readable code of a failure-file row.
type Reason string

// Reason codes, one per validation error (photo reasons in package.go).
const (
	ReasonEnvelope    Reason = "ENVELOPE"
	ReasonRequired    Reason = "REQUIRED"
	ReasonTooLong     Reason = "TOO_LONG"
	ReasonFormat      Reason = "FORMAT"
	ReasonRegistryNo  Reason = "REGISTRY_NO"
	ReasonNotSender   Reason = "NOT_SENDER"
	ReasonIneligible  Reason = "INELIGIBLE"
	ReasonResidentID  Reason = "RESIDENT_ID"
	ReasonBirthDate   Reason = "BIRTH_DATE"
	ReasonSex         Reason = "SEX"
	ReasonDuplicate   Reason = "DUPLICATE"
	ReasonNameCharset Reason = "NAME_CHARSET"
	ReasonReassigned  Reason = "REASSIGNED"
	ReasonSender      Reason = "SENDER"
)

// reasonOf maps an error to its code; envelope errors and anything unknown
// are ENVELOPE.
func reasonOf(err error) Reason {
	for _, p := range []struct {
		err error
		r   Reason
	}{
		{ErrRequired, ReasonRequired}, {ErrTooLong, ReasonTooLong}, {ErrFormat, ReasonFormat},
		{ErrRegistryNo, ReasonRegistryNo}, {ErrNotSender, ReasonNotSender}, {ErrIneligible, ReasonIneligible},
		{ErrResidentID, ReasonResidentID}, {ErrBirthDate, ReasonBirthDate}, {ErrSex, ReasonSex},
		{ErrDuplicate, ReasonDuplicate}, {ErrNameCharset, ReasonNameCharset}, {ErrReassigned, ReasonReassigned},
		{ErrSender, ReasonSender}, {ErrPhotoMissing, ReasonPhotoMissing}, {ErrPhotoFormat, ReasonPhotoFormat},
		{ErrPhotoSize, ReasonPhotoSize}, {ErrPhotoDimensions, ReasonPhotoDimensions},
		{ErrPhotoColour, ReasonPhotoColour}, {ErrPhotoBackground, ReasonPhotoBackground},
		{ErrPhotoQuality, ReasonPhotoQuality}, {ErrPhotoHead, ReasonPhotoHead}, {ErrPhotoSilhouette, ReasonPhotoSilhouette},
		{ErrPhotoOld, ReasonPhotoOld},
		{ErrPackageFormat, ReasonPackage}, {ErrEntryDuplicate, ReasonPackage}, {ErrEntryName, ReasonPackage},
		{ErrEntryType, ReasonPackage}, {ErrEntryUnexpected, ReasonPackage}, {ErrEntryTooLarge, ReasonPackage},
		{ErrNotAccepted, ReasonPackage}, {ErrProblemCap, ReasonCapped},
	} {
		if errors.Is(err, p.err) {
			return p.r
		}
	}
	return ReasonEnvelope
}

// causeError is a sentinel with the error that caused it (a studentid error),
// matching both with errors.Is and rendering both in either language.
type causeError struct{ err, cause error }

func wrapReason(err, cause error) error { return &causeError{err, cause} }

func (c *causeError) Error() string   { return c.Localize(l10n.English) }
func (c *causeError) Unwrap() []error { return []error{c.err, c.cause} }
func (c *causeError) Localize(tag language.Tag) string {
	sep := ": "
	if l10n.Match(tag) == l10n.Chinese {
		sep = "："
	}
	return l10n.Error(c.err, tag) + sep + l10n.Error(c.cause, tag)
}

// RecordError is one problem of one record: the file, line and field, the
// registry number of the record (when readable), the reason code and the
// error, which unwraps to a validation sentinel (or, for a broken envelope,
// to the *ParseError).
type RecordError struct {
	File  string
	Line  int
	Field string
	// RawRegistryNo is the record's registry number as the file has it
	// (masked when shown), which may be what is wrong with the record.
	RawRegistryNo string
	Reason        Reason
	Err           error
}

// Error renders the problem in English.
func (e *RecordError) Error() string { return e.Localize(l10n.English) }

// Unwrap gives the reason's error.
func (e *RecordError) Unwrap() error { return e.Err }

// Localize renders the problem for an operator.
func (e *RecordError) Localize(tag language.Tag) string {
	var pe *ParseError
	if errors.As(e.Err, &pe) {
		return pe.Localize(tag)
	}
	var pke *PackageError
	if errors.As(e.Err, &pke) {
		return pke.Localize(tag)
	}
	return messages.Sprintf(tag, "%s:%s: field %s (%s): %s", e.File, strconv.Itoa(e.Line), fieldLabel(tag, e.Field), e.RawRegistryNo, l10n.Error(e.Err, tag))
}

// History answers, for rule S-ID-1, which resident ID a registry number was
// assigned to before. ok is false for a number never assigned.
type History interface {
	AssignedTo(ctx context.Context, id studentid.ID) (rid studentid.ResidentID, ok bool, err error)
}

// PrefixHistory is a History that can also answer for every number under a
// prefix at once. The Validator, given one, reads the sender's numbers (the
// file's header code: a school's 8 digits, a district's 4) with one
// AssignedUnder call at the first history check and answers every record
// from the map, instead of asking AssignedTo per record: a ledger answers a
// range read far faster than one transaction a record.
type PrefixHistory interface {
	History
	// AssignedUnder returns the history of every number starting with
	// prefix that the history may tell (absent: never assigned).
	AssignedUnder(ctx context.Context, prefix string) (HistoryMap, error)
}

// HistoryMap is an in-memory History, for tests and small tools.
type HistoryMap map[studentid.ID]studentid.ResidentID

// AssignedTo looks id up in the map.
func (m HistoryMap) AssignedTo(_ context.Context, id studentid.ID) (studentid.ResidentID, bool, error) {
	rid, ok := m[id]
	return rid, ok, nil
}

// LocalPrintLimit: a district batch of fewer cards may be printed at the
// district itself on reserve cards instead of going to the city (C-MAKE-2).
const LocalPrintLimit = 50

// MayPrintLocally reports whether a district batch of n cards may be printed
// at the district (C-MAKE-2: fewer than 50).
func MayPrintLocally(n int64) bool { return n > 0 && n < LocalPrintLimit }

// Validator checks a card-making data file at the district (a school's file,
// C-MAKE-2) or at the city (a district's file, C-MAKE-3). It is one streaming
// pass: envelope, every field of every record, registry numbers of the sender,
// resident IDs consistent with birth date and gender, eligibility (S-3),
// duplicates in the file, name characters (C-4) and history (S-ID-1). The
// file is accepted only if all of that passes and the trailer verifies; the
// Validator itself stores nothing, so a refused file leaves no trace but its
// failure rows.
//
// Memory: one line buffer plus the exact duplicate sets, about 26 bytes a
// record (see the package doc); nothing else grows with the file.
type Validator struct {
	// Level is the validating level: studentid.LevelDistrict takes school files,
	// studentid.LevelCity takes district files.
	Level studentid.Level
	// Sender, when not empty, is the scope the file must come from: the
	// sender's code, or the code of an area holding it, whose code the
	// sender's starts with. At the district "01080001" takes that school's
	// files only and "0108" any school of district 0108; at the city "0108"
	// takes district 0108 and "01" any district. A scope of another length
	// than 2, 4 or 8 digits, or longer than the sender's code, takes nothing.
	Sender string
	// Scheme, when not nil, also verifies registry check digits (the
	// commission's algorithm is not public, S-ID-6: nil checks structure only).
	Scheme studentid.Scheme
	// History, when not nil, is asked about every registry number (S-ID-1).
	History History
	// Rare holds the rare-character entries of the upload (C-4).
	Rare *RareSet
	// MaxErrors bounds the problems kept in the Report (default 100); all of
	// them go to OnError.
	MaxErrors int
	// OnError, when not nil, receives every problem as found (e.g. a
	// FailureWriter's Add). Its error stops the validation.
	OnError func(*RecordError) error
	// MaxProblems stops the validation after this many problems (default
	// DefaultMaxProblems): the file is refused with Report.Capped, and
	// OnError receives one last row with reason CAPPED saying where it
	// stopped. It bounds the work a hostile file can cause.
	MaxProblems int
}

// Report is the outcome of a validation.
type Report struct {
	File     string
	Header   Header // zero if the header could not be read
	Records  int64  // records read
	Failed   int64  // records with at least one problem
	Problems int64  // problems found (a record may have several)
	Errors   []*RecordError
	// Accepted is true only when every record passed and the envelope
	// verified: the whole file may be stored (C-MAKE-2/3). Otherwise nothing
	// of it may be.
	Accepted bool
	// LocalPrint: a district may print this accepted batch itself (C-MAKE-2).
	LocalPrint bool
	// Capped: the validation stopped at Validator.MaxProblems problems; the
	// rest of the file was not checked (it is refused all the same).
	Capped  bool
	Summary Summary
}

type validation struct {
	v        *Validator
	rep      *Report
	regs     dupSet
	rids     dupSet   // resident IDs whose key does not pack (far-future dates)
	ridLines lineKeys // resident IDs, checked for duplicates at the end
	sender   studentid.Level
	code     string
	maxKeep  int
	recFails bool
	failed   lineSet // lines of records already counted in Report.Failed
	gb       bool    // fields are raw GB18030 bytes
	hist     History // what the records are checked against: v.History, or the sender's numbers read from it
	// loaded delivers the sender's numbers read by a PrefixHistory beside
	// the record pass; until they arrive the records' history checks wait
	// in pending, in line order.
	loaded  chan loadedHistory
	pending []pendingCheck
	// maxProblems is the problem cap, line the line being checked.
	maxProblems int64
	line        int
}

// loadedHistory is the outcome of a PrefixHistory's AssignedUnder.
type loadedHistory struct {
	m   HistoryMap
	err error
}

// pendingCheck is a record's S-ID-1 check waiting for the sender's numbers.
type pendingCheck struct {
	id   studentid.ID
	rid  studentid.ResidentID
	line int
}

// startHistory starts reading the sender's numbers when the History is a
// PrefixHistory: on another goroutine, so the range read and the record pass
// run on two cores. The returned stop cancels the read if still running and
// waits for it, so no goroutine outlives Validate.
func (s *validation) startHistory(ctx context.Context) (stop func()) {
	ph, ok := s.v.History.(PrefixHistory)
	if !ok {
		s.hist = s.v.History
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	ch := make(chan loadedHistory, 1)
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		m, err := ph.AssignedUnder(ctx, s.code)
		ch <- loadedHistory{m, err}
	}()
	s.loaded = ch
	return func() { cancel(); <-finished }
}

// checkHistory is a record's S-ID-1 check: against the history once it is
// there, else queued until the sender's numbers arrive (block: wait for them).
func (s *validation) checkHistory(ctx context.Context, id studentid.ID, rid studentid.ResidentID, line int, block bool) error {
	if s.hist == nil {
		var r loadedHistory
		if block {
			r = <-s.loaded
		} else {
			select {
			case r = <-s.loaded:
			default:
				s.pending = append(s.pending, pendingCheck{id, rid, line})
				return nil
			}
		}
		if r.err != nil {
			return r.err
		}
		s.hist = r.m
		if err := s.flushPending(ctx); err != nil {
			return err
		}
	}
	if id.IsZero() {
		return nil
	}
	prev, ok, err := s.hist.AssignedTo(ctx, id)
	if err != nil {
		return err
	}
	if ok && prev != rid {
		return s.problem(&RecordError{File: s.rep.File, Line: line, Field: "registry_no", RawRegistryNo: id.String(), Err: ErrReassigned})
	}
	return nil
}

// flushPending runs the queued checks in line order; a record found to fail
// only now is counted in Report.Failed here (the record pass has moved on).
func (s *validation) flushPending(ctx context.Context) error {
	recFails := s.recFails
	defer func() { s.recFails = recFails }()
	for _, p := range s.pending {
		prev, ok, err := s.hist.AssignedTo(ctx, p.id)
		if err != nil {
			return err
		}
		if !ok || prev == p.rid {
			continue
		}
		if !s.failed.has(p.line) {
			s.rep.Failed++
			s.failed.add(p.line)
		}
		if err := s.problem(&RecordError{File: s.rep.File, Line: p.line, Field: "registry_no", RawRegistryNo: p.id.String(), Err: ErrReassigned}); err != nil {
			return err
		}
	}
	s.pending = nil
	return nil
}

// DefaultMaxProblems is the default of Validator.MaxProblems: a school
// fixing its data in CMIS needs the first thousands of problems, and
// checking on after them costs time and memory for nothing (a 1 MB package
// of failing records could otherwise hold half a million of them).
const DefaultMaxProblems = 10_000

// errProblemCap stops a validation at its problem cap.
var errProblemCap = errors.New("problem cap reached")

// Validate reads a card-making data file from r. Problems with the content
// are in the Report; the error is for what stops the pass itself (ctx, the
// History, OnError). After MaxProblems problems the pass stops: the Report
// is refused with Capped set, and OnError gets one last row with reason
// CAPPED naming the line where it stopped.
func (v Validator) Validate(ctx context.Context, r io.Reader, name string) (*Report, error) {
	rep := &Report{File: name}
	s := &validation{v: &v, rep: rep, maxKeep: v.MaxErrors, maxProblems: int64(v.MaxProblems)}
	if s.maxKeep <= 0 {
		s.maxKeep = 100
	}
	if s.maxProblems <= 0 {
		s.maxProblems = DefaultMaxProblems
	}
	err := s.validate(ctx, r, name)
	if !errors.Is(err, errProblemCap) {
		return rep, err
	}
	rep.Accepted, rep.LocalPrint, rep.Capped = false, false, true
	e := &RecordError{File: name, Line: s.line, Reason: ReasonCapped,
		Err: detail(ErrProblemCap, "stopped at line %s after %s problems", strconv.Itoa(s.line), strconv.FormatInt(s.maxProblems, 10))}
	if v.OnError != nil {
		return rep, v.OnError(e)
	}
	return rep, nil
}

// validate is the pass of Validate; it returns errProblemCap when the
// problem cap stops it.
func (s *validation) validate(ctx context.Context, r io.Reader, name string) error {
	v, rep := s.v, s.rep
	rd := NewReader(r, name)
	rd.ReuseRecord, rd.rawMode = true, true
	h, err := rd.Header()
	if err == nil {
		err = CardData.Check(h, name)
	}
	s.gb = h.Encoding == GB18030
	if err == nil {
		rep.Header = h
		err = s.checkSender(h, name)
	}
	if err != nil {
		return s.fileError(err)
	}
	if v.History != nil {
		stop := s.startHistory(ctx)
		defer stop()
	}
	for i := 0; ; i++ {
		if i%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		rec, err := rd.Next()
		if err == io.EOF {
			break
		}
		s.line = rec.Line
		var pe *ParseError
		if err != nil && errors.As(err, &pe) && isRecordLevel(pe.Err) {
			s.line = pe.Line
			rep.Records++
			rep.Failed++
			if err := s.problem(&RecordError{File: name, Line: pe.Line, Field: pe.Field, Reason: ReasonEnvelope, Err: err}); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return s.fileError(err)
		}
		rep.Records++
		s.recFails = false
		if err := s.record(ctx, name, rec); err != nil {
			return err
		}
		if s.recFails {
			rep.Failed++
			s.failed.add(rec.Line)
		}
	}
	if s.loaded != nil && s.hist == nil { // the queued S-ID-1 checks, before the end-of-file duplicates
		if err := s.checkHistory(ctx, studentid.ID{}, studentid.ResidentID{}, 0, true); err != nil {
			return err
		}
	}
	if err := s.ridLines.duplicates(func(dup, first keyLine) error {
		if !s.failed.has(dup.line) { // a record failing only as a duplicate still counts once
			rep.Failed++
			s.failed.add(dup.line)
		}
		e := &RecordError{File: name, Line: dup.line, Field: "resident_id", RawRegistryNo: registryOfTag(dup.tag),
			Err: detail(ErrDuplicate, "same as line %s", strconv.Itoa(first.line))}
		if first.tag != 0 {
			e.Err = detail(ErrDuplicate, "same as line %s (registry number %s)", strconv.Itoa(first.line), registryOfTag(first.tag))
		}
		return s.problem(e)
	}); err != nil {
		return err
	}
	rep.Summary = rd.Summary()
	rep.Accepted = rep.Problems == 0
	rep.LocalPrint = rep.Accepted && v.Level == studentid.LevelDistrict && MayPrintLocally(rep.Records)
	return nil
}

func isRecordLevel(err error) bool {
	return errors.Is(err, ErrQuote) || errors.Is(err, ErrEncoding) || errors.Is(err, ErrFieldCount) ||
		errors.Is(err, ErrEmptyLine) || errors.Is(err, ErrNewline)
}

func (s *validation) fileError(err error) error {
	var pe *ParseError
	re := &RecordError{File: s.rep.File, Reason: ReasonEnvelope, Err: err}
	if errors.As(err, &pe) {
		re.Line, re.Field = pe.Line, pe.Field
	}
	if errors.Is(err, ErrSender) {
		re.Reason = ReasonSender
	}
	s.rep.Accepted = false
	return s.problem(re)
}

func (s *validation) checkSender(h Header, name string) error {
	want := studentid.LevelSchool
	if s.v.Level == studentid.LevelCity {
		want = studentid.LevelDistrict
	}
	digits := 8
	if want == studentid.LevelDistrict {
		digits = 4
	}
	switch {
	case h.Level != want:
		return &ParseError{File: name, Line: 1, Field: "level", Err: gotWant(ErrSender, h.Level, want)}
	case s.v.Sender != "" && !inScope(h.Code, s.v.Sender, digits):
		return &ParseError{File: name, Line: 1, Field: "code", Err: gotWant(ErrSender, h.Code, scopeName(s.v.Sender, want))}
	case len(h.Code) != digits || keyOfDigitsOK(h.Code) != nil:
		return &ParseError{File: name, Line: 1, Field: "code", Err: gotWant(ErrSender, h.Code, strconv.Itoa(digits)+" digits")}
	}
	s.sender, s.code = want, h.Code
	return nil
}

// inScope reports whether a sender code of the given length lies in scope
// (a 2-, 4- or 8-digit code it starts with).
func inScope(code, scope string, digits int) bool {
	switch len(scope) {
	case 2, 4, 8:
	default:
		return false
	}
	return len(scope) <= digits && keyOfDigitsOK(scope) == nil && strings.HasPrefix(code, scope)
}

// scopeName says what a scope takes, for "want" in a sender error.
func scopeName(scope string, level studentid.Level) string {
	if level == studentid.LevelSchool && len(scope) == 4 {
		return "a school of district " + scope
	}
	if level == studentid.LevelDistrict && len(scope) == 2 {
		return "a district of city " + scope
	}
	return scope
}

func keyOfDigitsOK(s string) error {
	if s != "" && !digits.Is(s, -1) {
		return ErrFormat
	}
	return nil
}

func (s *validation) problem(e *RecordError) error {
	if s.rep.Problems >= s.maxProblems {
		return errProblemCap
	}
	s.rep.Problems++
	s.recFails = true
	if e.Reason == "" {
		e.Reason = reasonOf(e.Err)
	}
	if len(s.rep.Errors) < s.maxKeep {
		s.rep.Errors = append(s.rep.Errors, e)
	}
	if s.v.OnError != nil {
		return s.v.OnError(e)
	}
	return nil
}

// record checks one record; every field independently, so one pass lists all.
func (s *validation) record(ctx context.Context, name string, rec Record) error {
	c := cardRecordOf(rec.Fields)
	regNo := rec.Fields[3] // raw: checked below
	fail := func(field string, err error) error {
		return s.problem(&RecordError{File: name, Line: rec.Line, Field: field, RawRegistryNo: s.show(regNo), Err: err})
	}
	for i, col := range CardData.Columns {
		if rec.Fields[i] == "" {
			if err := fail(col, ErrRequired); err != nil {
				return err
			}
		}
	}
	for i, max := range [...]int{gbtext.SchoolNameBytes, gbtext.NameBytes} { // school_name, name: bytes on the card
		if n := cardLen(rec.Fields[i], s.gb); n > max {
			if err := fail(CardData.Columns[i], detail(ErrTooLong, "%d bytes as the card stores it (GB2312/GB18030), at most %d", n, max)); err != nil {
				return err
			}
		}
	}
	if c.Name != "" && nameNeedsRareEntry(c.Name, s.gb) {
		if !s.v.Rare.Has(c.RegistryNo) {
			if err := fail("name", ErrNameCharset); err != nil {
				return err
			}
		}
	}
	if rec.Fields[2] != "" && c.Gender == studentid.SexUnknown {
		if err := fail("gender", gotWant(ErrFormat, s.show(rec.Fields[2]), "1 or 2")); err != nil {
			return err
		}
	}
	if c.BirthDate != "" && !validDate(c.BirthDate) {
		if err := fail("birth_date", gotWant(ErrFormat, s.show(c.BirthDate), "YYYYMMDD")); err != nil {
			return err
		}
	}
	var id studentid.ID
	if regNo != "" {
		var err error
		id, err = s.checkRegistryNo(regNo)
		if err != nil {
			if err := fail("registry_no", err); err != nil {
				return err
			}
		}
	}
	var rid studentid.ResidentID
	var ridKey string // the 17 digits that determine the resident ID
	if c.ResidentID != "" {
		var err error
		if !isASCIIString(c.ResidentID) {
			if err := fail("resident_id", gotWant(ErrResidentID, s.show(c.ResidentID), "17 digits and a check character")); err != nil {
				return err
			}
		} else if rid, err = studentid.ParseResidentID(c.ResidentID); err != nil {
			if err := fail("resident_id", wrapReason(ErrResidentID, err)); err != nil {
				return err
			}
		} else {
			s := c.ResidentID
			if len(s) != studentid.ResidentIDLen || s[17] == 'x' {
				s = rid.String() // white space, full-width or lower-case x in the file
			}
			ridKey = s[:17]
			if validDate(c.BirthDate) && s[6:14] != c.BirthDate {
				if err := fail("birth_date", gotWant(ErrBirthDate, c.BirthDate, s[6:14])); err != nil {
					return err
				}
			}
			if c.Gender != studentid.SexUnknown && c.Gender != rid.Sex() {
				if err := fail("gender", gotWant(ErrSex, sexCode(c.Gender), sexCode(rid.Sex()))); err != nil {
					return err
				}
			}
		}
	}
	if !id.IsZero() && s.regs.add(keyOfDigits(regNo)+1) {
		if err := fail("registry_no", ErrDuplicate); err != nil {
			return err
		}
	}
	if !rid.IsZero() {
		if k, ok := residentKey(ridKey); ok {
			var tag uint64 // the record's registry number, to name it if a duplicate turns up
			if !id.IsZero() {
				tag = keyOfDigits(regNo) + 1
			}
			s.ridLines.add(k, rec.Line, tag)
		} else if s.rids.add(keyOfDigits(ridKey) + 1) {
			if err := fail("resident_id", ErrDuplicate); err != nil {
				return err
			}
		}
	}
	if !id.IsZero() && !rid.IsZero() && s.v.History != nil {
		return s.checkHistory(ctx, id, rid, rec.Line, false)
	}
	return nil
}

// registryOfTag turns a line tag (a packed registry number plus one, 0 for
// none) back into the 16-digit registry number, "" for none.
func registryOfTag(tag uint64) string {
	if tag == 0 {
		return ""
	}
	v := strconv.FormatUint(tag-1, 10)
	if len(v) < studentid.Len {
		v = strings.Repeat("0", studentid.Len-len(v)) + v
	}
	return v
}

// checkRegistryNo parses id and checks check digit, sender and eligibility.
func (s *validation) checkRegistryNo(v string) (studentid.ID, error) {
	if !isASCIIString(v) {
		return studentid.ID{}, gotWant(ErrRegistryNo, s.show(v), "16 digits")
	}
	id, err := studentid.Parse(v)
	if err != nil {
		return studentid.ID{}, wrapReason(ErrRegistryNo, err)
	}
	if len(v) != studentid.Len { // white space or full-width digits: not as CMIS exports
		return studentid.ID{}, gotWant(ErrRegistryNo, strconv.Quote(v), id.String())
	}
	if s.v.Scheme != nil {
		if err := id.Verify(s.v.Scheme); err != nil {
			return studentid.ID{}, wrapReason(ErrRegistryNo, err)
		}
	}
	own := v[:8] // the school: positions 1-8 (v is 16 ASCII digits here)
	if s.sender == studentid.LevelDistrict {
		own = v[:4]
	}
	if own != s.code {
		return id, gotWant(ErrNotSender, own, s.code)
	}
	if id.StudentCategory() == 3 || id.SchoolCategory() == studentid.SchoolVocational {
		return id, ErrIneligible
	}
	return id, nil
}

// show renders a field value for a message: in raw mode a GB18030 value is
// decoded (it was already checked to be valid).
func (s *validation) show(v string) string {
	if !s.gb || isASCIIString(v) {
		return v
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().String(v)
	if err != nil {
		return strconv.Quote(v)
	}
	return out
}
