package batch

import (
	"context"
	"io"
	"strconv"
	"time"

	"github.com/bjedu/studentcard/studentid"
)

// Slip and record errors.
var (
	// ErrLate: a personalisation record sent on storage media is more than
	// one month old when the file is made (R-ISSUE-4).
	ErrLate = messages.Error("personalisation record older than one month")
	// ErrNotIssued: a filing row has no card: the filing file is made only
	// when every card of the school is issued (R-ISSUE-5).
	ErrNotIssued = messages.Error("student has no issued card")
	// ErrEPurseActive: a card is recovered while its transit e-purse is
	// active; the student first stops it and takes the balance at a transit
	// office (R-RECOVER-1).
	ErrEPurseActive = messages.Error("e-purse still active: refund at a transit office first")
)

// checkWrite writes rows through the same parse function readers use, so a
// file is never written that its reader would refuse.
func checkWrite[T row](w io.Writer, name string, spec Spec, sender Header, rows []T,
	parse func(Header, []string) (T, string, error), opts ...WriterOption) error {
	wr, err := spec.NewWriter(w, name, sender, opts...)
	if err != nil {
		return err
	}
	h := wr.Header()
	for i, r := range rows {
		f := r.fields()
		if _, field, err := parse(h, f); err != nil {
			return &ParseError{File: name, Line: i + 3, Field: field, Err: err}
		}
		if err := wr.WriteRecord(f); err != nil {
			return err
		}
	}
	return wr.Close()
}

func parseID(s string) (studentid.ID, error) {
	id, err := studentid.Parse(s)
	if err != nil {
		return id, wrapReason(ErrRegistryNo, err)
	}
	if id.String() != s {
		return id, gotWant(ErrRegistryNo, s, id.String())
	}
	return id, nil
}

func validSerial(s string) bool {
	if len(s) < 8 || len(s) > 20 || len(s)%2 != 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] >= 'A' && s[i] <= 'F') {
			return false
		}
	}
	return true
}

// Personalisation results and channels (R-ISSUE-4).
const (
	PersoOK     = "OK"
	PersoFail   = "FAIL"
	ChannelNet  = "ONLINE" // sent in real time
	ChannelDisk = "MEDIA"  // sent on storage media while the network is down
)

// PersoRecord is one personalisation of a registry card at a school
// (R-ISSUE-3/4).
type PersoRecord struct {
	RegistryNo studentid.ID
	CardSerial string // upper-case hex, 8-20 digits
	At         time.Time
	Result     string // PersoOK or PersoFail
	Channel    string // ChannelNet or ChannelDisk
	Operator   string
}

func (p PersoRecord) fields() []string {
	return []string{p.RegistryNo.String(), p.CardSerial, p.RegistryNo.School().String(), p.At.Format(time.RFC3339), p.Result, p.Channel, p.Operator}
}

func parsePerso(h Header, f []string) (PersoRecord, string, error) {
	var p PersoRecord
	var err error
	if p.RegistryNo, err = parseID(f[0]); err != nil {
		return p, "registry_no", err
	}
	p.CardSerial, p.Result, p.Channel, p.Operator = f[1], f[4], f[5], f[6]
	if p.At, err = time.Parse(time.RFC3339, f[3]); err != nil {
		return p, "personalised_at", gotWant(ErrFormat, f[3], "RFC 3339 time")
	}
	switch {
	case !validSerial(p.CardSerial):
		return p, "card_serial", gotWant(ErrFormat, p.CardSerial, "8-20 upper-case hex digits")
	case f[2] != p.RegistryNo.School().String():
		return p, "school_code", gotWant(ErrNotSender, f[2], p.RegistryNo.School())
	case h.Level == studentid.LevelSchool && f[2] != h.Code:
		return p, "school_code", gotWant(ErrNotSender, f[2], h.Code)
	case p.Result != PersoOK && p.Result != PersoFail:
		return p, "result", gotWant(ErrFormat, p.Result, "OK or FAIL")
	case p.Channel != ChannelNet && p.Channel != ChannelDisk:
		return p, "channel", gotWant(ErrFormat, p.Channel, "ONLINE or MEDIA")
	case p.Operator == "":
		return p, "operator", ErrRequired
	case p.At.After(h.Created):
		return p, "personalised_at", gotWant(ErrFormat, p.At.Format(time.RFC3339), "not after the file's creation")
	case p.Channel == ChannelDisk && p.At.AddDate(0, 1, 0).Before(h.Created):
		return p, "personalised_at", gotWant(ErrLate, p.At.Format(time.RFC3339), "within one month of "+h.Created.Format(time.RFC3339))
	}
	return p, "", nil
}

// WritePerso writes a personalisation record file (R-ISSUE-4), refusing a
// record its reader would refuse (e.g. a media record over a month old).
func WritePerso(w io.Writer, name string, sender Header, recs []PersoRecord, opts ...WriterOption) error {
	return checkWrite(w, name, Personalisations, sender, recs, parsePerso, opts...)
}

// ReadPerso streams a personalisation record file to fn.
func ReadPerso(ctx context.Context, r io.Reader, name string, fn func(Record, PersoRecord) error) (Summary, error) {
	return readTyped(ctx, r, name, Personalisations, parsePerso, fn)
}

// FilingRecord is one student of the whole-school registry filing file
// (学籍卡立案数据, R-ISSUE-5).
type FilingRecord struct {
	RegistryNo studentid.ID
	Name       string
	ResidentID string
	CardSerial string
	IssuedOn   string // YYYYMMDD
}

func (f FilingRecord) fields() []string {
	return []string{f.RegistryNo.String(), f.Name, f.ResidentID, f.CardSerial, f.IssuedOn}
}

func parseFiling(h Header, f []string) (FilingRecord, string, error) {
	var r FilingRecord
	var err error
	if r.RegistryNo, err = parseID(f[0]); err != nil {
		return r, "registry_no", err
	}
	r.Name, r.ResidentID, r.CardSerial, r.IssuedOn = f[1], f[2], f[3], f[4]
	if h.Level != studentid.LevelSchool {
		return r, "level", gotWant(ErrSender, h.Level, studentid.LevelSchool)
	}
	if r.RegistryNo.School().String() != h.Code {
		return r, "registry_no", gotWant(ErrNotSender, r.RegistryNo.School(), h.Code)
	}
	if r.Name == "" {
		return r, "name", ErrRequired
	}
	if _, err := studentid.ParseResidentID(r.ResidentID); err != nil {
		return r, "resident_id", wrapReason(ErrResidentID, err)
	}
	if r.CardSerial == "" {
		return r, "card_serial", ErrNotIssued
	}
	if !validSerial(r.CardSerial) {
		return r, "card_serial", gotWant(ErrFormat, r.CardSerial, "8-20 upper-case hex digits")
	}
	if !validDate(r.IssuedOn) {
		return r, "issued_on", gotWant(ErrFormat, r.IssuedOn, "YYYYMMDD")
	}
	return r, "", nil
}

// WriteFiling writes the whole-school filing file (R-ISSUE-5). It refuses
// (ErrNotIssued) if any student has no issued card: the file is made only when
// every card of the school is issued. sender must be the school.
func WriteFiling(w io.Writer, name string, sender Header, recs []FilingRecord, opts ...WriterOption) error {
	return checkWrite(w, name, Filings, sender, recs, parseFiling, opts...)
}

// ReadFiling streams a filing file to fn, refusing duplicates of registry
// number or card serial (memory: one map entry per student of the school).
func ReadFiling(ctx context.Context, r io.Reader, name string, fn func(Record, FilingRecord) error) (Summary, error) {
	ids, serials := map[studentid.ID]bool{}, map[string]bool{}
	return readTyped(ctx, r, name, Filings, func(h Header, f []string) (FilingRecord, string, error) {
		rec, field, err := parseFiling(h, f)
		switch {
		case err != nil:
			return rec, field, err
		case ids[rec.RegistryNo]:
			return rec, "registry_no", ErrDuplicate
		case serials[rec.CardSerial]:
			return rec, "card_serial", ErrDuplicate
		}
		ids[rec.RegistryNo], serials[rec.CardSerial] = true, true
		return rec, "", nil
	}, fn)
}

// Fault kinds (R-FAULT-1).
const (
	FaultPerso  = "PERSO"  // failed personalisation
	FaultBroken = "BROKEN" // stopped working
)

// FaultRecord is one card on a fault slip (故障卡登记单, R-FAULT-1).
type FaultRecord struct {
	SlipNo     string
	CardSerial string
	RegistryNo studentid.ID     // zero for a card that failed before it was anyone's
	School     studentid.School // the school the card was at
	Fault      string           // FaultPerso or FaultBroken
	FoundOn    string           // YYYYMMDD
	Level      studentid.Level  // the level that last verified and counted the card
	Handler    string
}

func (f FaultRecord) fields() []string {
	return []string{f.SlipNo, f.CardSerial, f.RegistryNo.String(), f.School.String(), f.Fault, f.FoundOn, f.Level.FileCode(), f.Handler}
}

func parseFault(h Header, f []string) (FaultRecord, string, error) {
	r := FaultRecord{SlipNo: f[0], CardSerial: f[1], Fault: f[4], FoundOn: f[5], Handler: f[7]}
	school, schoolErr := studentid.ParseSchool(f[3])
	level, levelErr := studentid.ParseLevel(f[6])
	switch {
	case !isToken(r.SlipNo, 32, codeChar):
		return r, "slip_no", gotWant(ErrFormat, r.SlipNo, "slip number")
	case !validSerial(r.CardSerial):
		return r, "card_serial", gotWant(ErrFormat, r.CardSerial, "8-20 upper-case hex digits")
	case len(f[3]) != studentid.SchoolLen || schoolErr != nil:
		return r, "school_code", gotWant(ErrFormat, f[3], "8 digits")
	case r.Fault != FaultPerso && r.Fault != FaultBroken:
		return r, "fault", gotWant(ErrFormat, r.Fault, "PERSO or BROKEN")
	case !validDate(r.FoundOn):
		return r, "found_on", gotWant(ErrFormat, r.FoundOn, "YYYYMMDD")
	case levelErr != nil || level.FileCode() != f[6] || level != h.Level || level == studentid.LevelFactory:
		return r, "stage", gotWant(ErrFormat, f[6], h.Level.FileCode())
	case r.Handler == "":
		return r, "handler", ErrRequired
	}
	r.School, r.Level = school, level
	if f[2] != "" {
		id, err := parseID(f[2])
		if err != nil {
			return r, "registry_no", err
		}
		if id.School() != r.School {
			return r, "registry_no", gotWant(ErrNotSender, id.School(), r.School)
		}
		r.RegistryNo = id
	}
	return r, "", nil
}

// WriteFaults writes a fault slip (R-FAULT-1). Each row's Stage must be the
// sender's level.
func WriteFaults(w io.Writer, name string, sender Header, recs []FaultRecord, opts ...WriterOption) error {
	return checkWrite(w, name, Faults, sender, recs, parseFault, opts...)
}

// ReadFaults streams a fault slip to fn.
func ReadFaults(ctx context.Context, r io.Reader, name string, fn func(Record, FaultRecord) error) (Summary, error) {
	return readTyped(ctx, r, name, Faults, parseFault, fn)
}

// FaultHop is one hop of R-FAULT-1 for [ForwardFaults]: the slip that came
// with the fault cards, the cards this level counted, and where its own slip
// for the level above goes. A struct, because eight positional parameters of
// which five are strings are too easy to pass in the wrong order.
type FaultHop struct {
	// In is the slip received with the cards; InName names it in errors.
	In     io.Reader
	InName string
	// Counted is the number of fault cards this level counted on arrival.
	Counted int64
	// Out receives this level's slip for the level above; OutName names it.
	Out     io.Writer
	OutName string
	// Sender is this level (DISTRICT or CITY) with its batch and time.
	Sender Header
	// Handler is who verified and counted the cards here; it becomes every
	// row's handler.
	Handler string
}

// ForwardFaults is one hop of R-FAULT-1: the district (or city) verifies the
// slip that came with the cards, checks it against the cards it counted,
// and writes its own slip for the level above with each row's stage and
// handler set to its own. Every row written passes the checks ReadFaults
// makes. The output gets a trailer only if the input verified and the count
// matched (else ErrMismatch), so a failed hop leaves nothing usable.
func ForwardFaults(ctx context.Context, hop FaultHop) error {
	if hop.Sender.Level != studentid.LevelDistrict && hop.Sender.Level != studentid.LevelCity {
		return &ParseError{File: hop.OutName, Line: 1, Field: "level", Err: gotWant(ErrSender, hop.Sender.Level, "DISTRICT or CITY")}
	}
	if hop.In == nil || hop.Out == nil {
		return &ParseError{File: hop.InName, Err: gotWant(ErrRequired, "nil reader or writer", "both")}
	}
	out, err := Faults.NewWriter(hop.Out, hop.OutName, hop.Sender)
	if err != nil {
		return err
	}
	oh := out.Header()
	sum, err := ReadFaults(ctx, hop.In, hop.InName, func(_ Record, f FaultRecord) error {
		f.Level, f.Handler = hop.Sender.Level, hop.Handler
		fields := f.fields()
		if _, field, err := parseFault(oh, fields); err != nil {
			return &ParseError{File: hop.OutName, Line: int(out.Count()) + 3, Field: field, Err: err}
		}
		return out.WriteRecord(fields)
	})
	if err != nil {
		return err
	}
	if sum.Records != hop.Counted {
		return &ParseError{File: hop.InName, Err: gotWant(ErrMismatch, hop.Counted, sum.Records)}
	}
	return out.Close()
}

// E-purse states on a recovery slip (R-RECOVER-1).
const (
	EPurseNone     = "NONE"     // never activated
	EPurseRefunded = "REFUNDED" // stopped and balance taken at a transit office
	EPurseActive   = "ACTIVE"   // still active: the card may not be recovered yet
)

// RecoveryRecord is one card on a recovery slip (回收单, R-RECOVER-1,
// R-LEAVE-2: boxed by cohort with handler and date).
type RecoveryRecord struct {
	SlipNo      string
	CardSerial  string
	RegistryNo  studentid.ID
	Cohort      int
	EPurse      string
	RecoveredOn string // YYYYMMDD
	Handler     string
}

func (r RecoveryRecord) fields() []string {
	c := strconv.Itoa(r.Cohort)
	if r.Cohort < 10 {
		c = "0" + c
	}
	return []string{r.SlipNo, r.CardSerial, r.RegistryNo.String(), r.RegistryNo.School().String(), c, r.EPurse, r.RecoveredOn, r.Handler}
}

func parseRecovery(h Header, f []string) (RecoveryRecord, string, error) {
	r := RecoveryRecord{SlipNo: f[0], CardSerial: f[1], EPurse: f[5], RecoveredOn: f[6], Handler: f[7]}
	var err error
	if r.RegistryNo, err = parseID(f[2]); err != nil {
		return r, "registry_no", err
	}
	r.Cohort, err = strconv.Atoi(f[4])
	switch {
	case !isToken(r.SlipNo, 32, codeChar):
		return r, "slip_no", gotWant(ErrFormat, r.SlipNo, "slip number")
	case !validSerial(r.CardSerial):
		return r, "card_serial", gotWant(ErrFormat, r.CardSerial, "8-20 upper-case hex digits")
	case f[3] != r.RegistryNo.School().String():
		return r, "school_code", gotWant(ErrNotSender, f[3], r.RegistryNo.School())
	case h.Level == studentid.LevelSchool && f[3] != h.Code:
		return r, "school_code", gotWant(ErrNotSender, f[3], h.Code)
	case err != nil || len(f[4]) != 2 || r.Cohort != r.RegistryNo.Cohort():
		return r, "cohort", gotWant(ErrFormat, f[4], r.RegistryNo.Cohort())
	case r.EPurse == EPurseActive:
		return r, "epurse", ErrEPurseActive
	case r.EPurse != EPurseNone && r.EPurse != EPurseRefunded:
		return r, "epurse", gotWant(ErrFormat, r.EPurse, "NONE or REFUNDED")
	case !validDate(r.RecoveredOn):
		return r, "recovered_on", gotWant(ErrFormat, r.RecoveredOn, "YYYYMMDD")
	case r.Handler == "":
		return r, "handler", ErrRequired
	}
	return r, "", nil
}

// WriteRecoveries writes a recovery slip (R-RECOVER-1), refusing a card whose
// e-purse is still active (ErrEPurseActive).
func WriteRecoveries(w io.Writer, name string, sender Header, recs []RecoveryRecord, opts ...WriterOption) error {
	return checkWrite(w, name, Recoveries, sender, recs, parseRecovery, opts...)
}

// ReadRecoveries streams a recovery slip to fn.
func ReadRecoveries(ctx context.Context, r io.Reader, name string, fn func(Record, RecoveryRecord) error) (Summary, error) {
	return readTyped(ctx, r, name, Recoveries, parseRecovery, fn)
}
