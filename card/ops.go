package card

import (
	"context"
	"errors"
	"slices"

	"github.com/bjedu/studentcard/apdu"
)

// Operations. Each one:
//
//   - checks the card's status and fails with a [*StateError] naming it
//     when the operation is not allowed;
//   - succeeds without writing when the card is already where the
//     operation would take it, so that a terminal that lost the answer to a
//     torn attempt simply repeats the operation;
//   - ends with one protected APPEND RECORD of the new state (the commit
//     point); an operation that must also change a file writes that file
//     first (personalisation) or announces itself with a pending record
//     that the next session completes (recovery, recycling the extension).

// Personalise writes the student into a blank card, or into a card the new
// school has transferred in (SPEC R-ISSUE-3, R-MOVE-1): one protected UPDATE
// BINARY of the student record into the shadow slot of the student file,
// then the state record "personalised" naming that slot as current (shadow
// paging). Torn in between, the card is exactly as before — the current
// slot still holds the old record — and personalising again overwrites the
// shadow slot. On a card already personalised with the same
// student it does nothing; with another student it is a [*StateError].
// Eight APDUs with Open.
func (s *Session) Personalise(ctx context.Context, st Student) error {
	data, err := st.MarshalBinary()
	if err != nil {
		return err
	}
	switch s.state.Status {
	case Blank, TransferredIn:
	case Personalised:
		cur, err := s.Student(ctx)
		switch {
		case err == nil && cur.Equal(st):
			return nil
		case err != nil && !errors.Is(err, ErrNoStudent) && !errors.Is(err, ErrMalformed):
			return err
		}
		return &StateError{Op: OpPersonalise, Status: s.state.Status}
	default:
		return &StateError{Op: OpPersonalise, Status: s.state.Status}
	}
	shadow := 1 - s.state.StudentSlot
	if err := s.writeFile(ctx, s.opts.profile.SFIStudent, shadow*StudentSize, studentFile, data); err != nil {
		return err
	}
	next := s.state
	next.Op, next.Status, next.StudentSlot = OpPersonalise, Personalised, shadow
	return s.appendState(ctx, next)
}

// Register records the semester registration swipe (刷卡注册, SPEC R-REG-1,
// the card half): one protected APPEND RECORD carrying the semester — six
// APDUs with Open. Only a personalised card registers, and only for the
// current semester by the terminal's clock ([WithClock], [SemesterOf]; the
// ledger counts the same semesters for every district,
// lifecycle.RegistrationPolicy.CurrentSemester), so card and ledger agree;
// any other semester, or one before the card's last (a terminal clock that
// runs behind), is a [*SemesterError]; the same one again does nothing.
func (s *Session) Register(ctx context.Context, sem Semester) error {
	if !sem.Valid() {
		return &SemesterError{Text: sem.String()}
	}
	if s.state.Status != Personalised {
		return &StateError{Op: OpRegister, Status: s.state.Status}
	}
	if cur := SemesterOf(s.opts.clock()); sem != cur {
		return &SemesterError{Text: sem.String(), Current: cur}
	}
	switch {
	case s.state.Semester == sem:
		return nil
	case sem.Before(s.state.Semester):
		return &SemesterError{Text: sem.String(), Last: s.state.Semester}
	}
	next := s.state
	next.Op, next.Semester = OpRegister, sem
	return s.appendState(ctx, next)
}

// TransferOut is the old school's transfer-out operation (SPEC R-MOVE-1): a
// personalised or frozen card becomes "transferred out" and travels with
// the student.
func (s *Session) TransferOut(ctx context.Context) error {
	return s.simple(ctx, OpTransferOut, TransferredOut, Personalised, Frozen)
}

// TransferIn is the new school's transfer-in operation, allowed only on a
// transferred-out card and so always before the new school personalises it
// (SPEC R-MOVE-1).
func (s *Session) TransferIn(ctx context.Context) error {
	return s.simple(ctx, OpTransferIn, TransferredIn, TransferredOut)
}

// Freeze freezes a personalised card: the student left without a transfer
// or recovery operation (SPEC R-LEAVE-1), or the school's daily freeze
// (R-DAILY-1).
func (s *Session) Freeze(ctx context.Context) error {
	return s.simple(ctx, OpFreeze, Frozen, Personalised)
}

// Unfreeze makes a frozen card personalised again (SPEC R-DAILY-1).
func (s *Session) Unfreeze(ctx context.Context) error {
	return s.simple(ctx, OpUnfreeze, Personalised, Frozen)
}

// Cancel cancels (注销) a personalised, frozen or transferred-out card
// (SPEC R-DAILY-1). A cancelled card can still be recovered.
func (s *Session) Cancel(ctx context.Context) error {
	return s.simple(ctx, OpCancel, Cancelled, Personalised, Frozen, TransferredOut)
}

// simple is a one-record status change: done already → nil; allowed → one
// APPEND RECORD; otherwise a StateError.
func (s *Session) simple(ctx context.Context, op Op, to Status, from ...Status) error {
	if s.state.Status == to {
		return nil
	}
	if !slices.Contains(from, s.state.Status) {
		return &StateError{Op: op, Status: s.state.Status}
	}
	next := s.state
	next.Op, next.Status = op, to
	return s.appendState(ctx, next)
}

// OpenExtension opens the extension area to application units (开放扩展扇区,
// SPEC R-DAILY-1): one record setting the extension flag. Only a
// personalised card; already open does nothing.
func (s *Session) OpenExtension(ctx context.Context) error {
	if s.state.Extension {
		return nil
	}
	if s.state.Status != Personalised {
		return &StateError{Op: OpOpenExtension, Status: s.state.Status}
	}
	next := s.state
	next.Op, next.Extension = OpOpenExtension, true
	return s.appendState(ctx, next)
}

// WriteExtension writes data at offset into the open extension area, as an
// application unit does once the school has opened it (SPEC R-DAILY-1): one
// protected UPDATE BINARY. The area must be open on a personalised card.
func (s *Session) WriteExtension(ctx context.Context, offset int, data []byte) error {
	if offset < 0 || len(data) == 0 || offset+len(data) > ExtensionSize {
		return &FieldError{File: extensionFile, Field: "data", Offset: offset, Reason: "want 1 to 64 bytes inside the area"}
	}
	if !s.state.Extension || s.state.Status != Personalised {
		return &StateError{Op: OpWriteExtension, Status: s.state.Status}
	}
	return s.writeFile(ctx, s.opts.profile.SFIExtension, offset, extensionFile, data)
}

// RecycleExtension takes the extension area back (回收扩展扇区, SPEC
// R-DAILY-1): a pending record, the area wiped, the flag cleared. Torn
// anywhere, the next session sees the pending record and finishes. Already
// closed does nothing.
func (s *Session) RecycleExtension(ctx context.Context) error {
	if !s.state.Extension {
		return nil
	}
	next := s.state
	next.Op, next.Pending = OpRecycleExtension, OpRecycleExtension
	if err := s.appendState(ctx, next); err != nil {
		return err
	}
	return s.complete(ctx)
}

// Recover is the recovery operation (回收, SPEC R-RECOVER-1, R-LEAVE-2): a
// pending record, the student record and the extension area wiped, then the
// status "recovered", final — a recovered card is never reused. Torn
// anywhere after the pending record, the next session finishes the wipe.
// A blank card has nothing to recover ([*StateError]); a recovered one does
// nothing.
func (s *Session) Recover(ctx context.Context) error {
	switch s.state.Status {
	case Recovered:
		return nil
	case Blank:
		return &StateError{Op: OpRecover, Status: s.state.Status}
	}
	next := s.state
	next.Op, next.Pending = OpRecover, OpRecover
	if err := s.appendState(ctx, next); err != nil {
		return err
	}
	return s.complete(ctx)
}

// complete finishes the operation the state says is pending (after its
// pending record was written, in this session or a torn earlier one). Each
// step is idempotent, so completing twice is harmless.
func (s *Session) complete(ctx context.Context) error {
	pending := s.state.Pending
	switch pending {
	case OpNone:
		return nil
	case OpRecover:
		if err := s.writeFile(ctx, s.opts.profile.SFIStudent, 0, studentFile, make([]byte, StudentFileSize)); err != nil {
			return err
		}
		if err := s.writeFile(ctx, s.opts.profile.SFIExtension, 0, extensionFile, make([]byte, ExtensionSize)); err != nil {
			return err
		}
		next := s.state
		next.Op, next.Status, next.Extension, next.Pending, next.StudentSlot = OpRecover, Recovered, false, OpNone, 0
		if err := s.appendState(ctx, next); err != nil {
			return err
		}
	case OpRecycleExtension:
		if err := s.writeFile(ctx, s.opts.profile.SFIExtension, 0, extensionFile, make([]byte, ExtensionSize)); err != nil {
			return err
		}
		next := s.state
		next.Op, next.Extension, next.Pending = OpRecycleExtension, false, OpNone
		if err := s.appendState(ctx, next); err != nil {
			return err
		}
	default:
		return &FieldError{File: logFile, Field: "pending operation", Offset: 5, Reason: "cannot complete %s", Args: []any{pending}}
	}
	s.completed = pending
	return nil
}

const extensionFile = "extension area (SFI 18)"

// Student reads the student record (READ BINARY, allowed after external
// authentication). A wiped or never-written record is [ErrNoStudent].
func (s *Session) Student(ctx context.Context) (Student, error) {
	var st Student
	data, err := s.readFile(ctx, s.opts.profile.SFIStudent, s.state.StudentSlot*StudentSize, studentFile, StudentSize)
	if err != nil {
		return st, err
	}
	err = st.UnmarshalBinary(data)
	return st, err
}

// Inspection is everything on the card, as Inspect read it.
type Inspection struct {
	Info      CardInfo
	State     State    // the newest log record
	Student   *Student // nil when the record is empty (blank, recovered)
	Extension []byte   // the extension area, 64 bytes
	Log       []State  // the operation log, newest first
}

// Inspect reads everything: the student record, the extension area and the
// whole operation log (up to 10 records). A malformed file is a
// [*FieldError]; an empty student record is a nil Student.
func (s *Session) Inspect(ctx context.Context) (Inspection, error) {
	out := Inspection{Info: s.info, State: s.state}
	st, err := s.Student(ctx)
	switch {
	case err == nil:
		out.Student = &st
	case !errors.Is(err, ErrNoStudent):
		return out, err
	}
	if out.Extension, err = s.readFile(ctx, s.opts.profile.SFIExtension, 0, extensionFile, ExtensionSize); err != nil {
		return out, err
	}
	for n := byte(1); n <= LogRecords; n++ {
		cmd, err := apdu.ReadRecord(s.opts.profile.SFILog, n, StateSize)
		if err != nil {
			return out, err
		}
		resp, err := s.client.Do(ctx, cmd)
		if errors.Is(err, apdu.ErrRecordNotFound) {
			break
		}
		if err != nil {
			return out, &StepError{Step: "READ RECORD operation log %d", Args: []any{n}, Err: err}
		}
		var rec State
		if err := rec.UnmarshalBinary(resp.Data); err != nil {
			return out, err
		}
		out.Log = append(out.Log, rec)
	}
	return out, nil
}
