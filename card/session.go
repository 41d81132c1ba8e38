package card

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"time"

	"github.com/bjedu/studentcard/apdu"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/sam"
	"github.com/bjedu/studentcard/studentid"
)

// Session is one authenticated conversation with a CPU registry card: the
// education application is selected, the card has proved itself (SPEC A-1)
// and the terminal has proved itself. Its operations each cite the
// rule they implement. A Session is not safe for concurrent use: a card
// answers one terminal at a time.
type Session struct {
	client    *apdu.Client
	sam       sam.SAM
	info      CardInfo
	div       sam.Diversifier
	state     State
	completed Op
	opts      options
}

// Option configures Open.
type Option func(*options)

type options struct {
	rand    io.Reader
	clock   func() time.Time
	school  studentid.School
	clientO []apdu.Option
	profile Profile
}

// WithProfile opens a card personalised to a vendor's [Profile] (its AID,
// SFIs and key ids); default [DefaultProfile]. An unusable profile makes
// Open fail with its [Profile.Validate] error before any APDU.
func WithProfile(p Profile) Option { return func(o *options) { o.profile = p } }

// WithRand sets the source of the terminal's INTERNAL AUTHENTICATE random
// (default crypto/rand); tests pass a seeded reader.
func WithRand(r io.Reader) Option { return func(o *options) { o.rand = r } }

// WithClock sets the clock whose date goes into log records (default
// time.Now).
func WithClock(now func() time.Time) Option { return func(o *options) { o.clock = now } }

// WithSchool sets the terminal's school, written (in its 6-digit
// in-province form) into every log record the session appends.
func WithSchool(school studentid.School) Option { return func(o *options) { o.school = school } }

// WithClientOptions passes options to the apdu.Client the session runs
// over (trace, opt-outs of GET RESPONSE handling, …).
func WithClientOptions(opts ...apdu.Option) Option {
	return func(o *options) { o.clientO = append(o.clientO, opts...) }
}

// Open starts a session: SELECT the education application (its FCI carries
// the card info — serial, type, suite — and the current state), INTERNAL
// AUTHENTICATE (the card proves itself, SPEC A-1), GET CHALLENGE and
// EXTERNAL AUTHENTICATE (the terminal proves itself, A-2): four APDUs. If a
// previous session was torn in the middle of a multi-write operation (the
// state shows a pending operation) Open completes it before returning; see
// [Session.Completed].
//
// Errors (all [*StepError] or typed, naming the step): [ErrNotOurCard] (no
// education application), [ErrSuiteMismatch], [ErrCounterfeit] (the card's
// cryptogram is wrong), [ErrWrongKey] / [ErrKeyBlocked] (the card refused
// the terminal, as an [*AuthError] with the retries left), sam.ErrLocked
// (the SAM needs its management card), and transport errors.
func Open(ctx context.Context, t apdu.Transport, s sam.SAM, opts ...Option) (*Session, error) {
	o := options{rand: rand.Reader, clock: time.Now, profile: DefaultProfile()}
	for _, f := range opts {
		f(&o)
	}
	if err := o.profile.Validate(); err != nil {
		return nil, err
	}
	o.profile.AID = bytes.Clone(o.profile.AID)
	sess := &Session{client: apdu.NewClient(t, o.clientO...), sam: s, opts: o}
	if err := sess.authenticate(ctx); err != nil {
		return nil, err
	}
	if err := sess.complete(ctx); err != nil {
		return nil, err
	}
	return sess, nil
}

func (s *Session) authenticate(ctx context.Context) error {
	const stepSelect = "SELECT education application"
	resp, err := s.client.Do(ctx, apdu.SelectByName(s.opts.profile.AID))
	if err != nil {
		var se *apdu.StatusError
		if errors.As(err, &se) {
			return &StepError{Step: stepSelect, Kind: ErrNotOurCard, Err: err}
		}
		return &StepError{Step: stepSelect, Err: err}
	}
	info, state, err := DecodeFCI(resp.Data)
	if err != nil {
		return &StepError{Step: stepSelect, Kind: ErrNotOurCard, Err: err}
	}
	if info.Suite.Name() != s.sam.Suite().Name() {
		return &SuiteError{Card: info.Suite.Name(), SAM: s.sam.Suite().Name()}
	}
	s.info, s.state, s.div = info, state, info.Diversifier()

	// the card proves itself.
	const stepInternal = "INTERNAL AUTHENTICATE"
	random := make([]byte, 8)
	if _, err := io.ReadFull(s.opts.rand, random); err != nil {
		return &StepError{Step: stepInternal, Err: err}
	}
	resp, err = s.client.Do(ctx, apdu.InternalAuthenticate(s.opts.profile.KeyIDInternal, random))
	if err != nil {
		return &StepError{Step: stepInternal, Err: err}
	}
	if len(resp.Data) != sam.CryptogramSize {
		return &StepError{Step: stepInternal, Kind: ErrUnexpected, Err: &FieldError{File: "INTERNAL AUTHENTICATE answer", Field: "length", Reason: "want %d bytes, got %d", Args: []any{8, len(resp.Data)}}}
	}
	if err := s.sam.VerifyInternalAuthenticate(ctx, s.ref(s.opts.profile.KeyIDInternal), s.div, random, resp.Data); err != nil {
		if errors.Is(err, sam.ErrVerify) {
			return &StepError{Step: stepInternal, Kind: ErrCounterfeit, Err: err}
		}
		return &StepError{Step: "SAM INTERNAL AUTHENTICATE", Err: err}
	}

	// the terminal proves itself.
	const stepExternal = "EXTERNAL AUTHENTICATE"
	challenge, err := s.challenge(ctx, 8)
	if err != nil {
		return err
	}
	crypt, err := s.sam.ExternalAuthenticate(ctx, s.ref(s.opts.profile.KeyIDExternal), s.div, challenge)
	if err != nil {
		return &StepError{Step: "SAM EXTERNAL AUTHENTICATE", Err: err}
	}
	if _, err := s.client.Do(ctx, apdu.ExternalAuthenticate(s.opts.profile.KeyIDExternal, crypt)); err != nil {
		var ae *apdu.AuthError
		switch {
		case errors.As(err, &ae):
			return &AuthError{Retries: ae.Retries, Err: err}
		case errors.Is(err, apdu.ErrAuthBlocked):
			return &StepError{Step: stepExternal, Kind: ErrKeyBlocked, Err: err}
		}
		return &StepError{Step: stepExternal, Err: err}
	}
	return nil
}

// ref is the KeyRef of a key id at the card's key version.
func (s *Session) ref(id byte) sam.KeyRef { return sam.KeyRef{ID: id, Version: s.info.KeyVersion} }

// challenge runs GET CHALLENGE for n bytes.
func (s *Session) challenge(ctx context.Context, n int) ([]byte, error) {
	resp, err := s.client.Do(ctx, apdu.GetChallenge(n))
	if err != nil {
		return nil, &StepError{Step: "GET CHALLENGE", Err: err}
	}
	if len(resp.Data) != n {
		return nil, &StepError{Step: "GET CHALLENGE", Kind: ErrUnexpected, Err: &FieldError{File: "GET CHALLENGE answer", Field: "length", Reason: "want %d bytes, got %d", Args: []any{n, len(resp.Data)}}}
	}
	return resp.Data, nil
}

// protected sends cmd as a secure-messaging write (SPEC §8): GET CHALLENGE
// for a fresh 4-byte card random, then CLA 04 and data ‖ MAC, the MAC
// computed by the SAM over CLA INS P1 P2 Lc ‖ data with the random as IV.
// The card uses the random up, so the command cannot be replayed.
func (s *Session) protected(ctx context.Context, step l10n.Message, cmd apdu.Command) error {
	if len(cmd.Data)+sam.MACSize > apdu.MaxShortData {
		return &StepError{Step: step.Key(), Args: step.Args(), Err: &FieldError{File: "APDU", Field: "data", Reason: "more than 251 bytes cannot carry a MAC in one short APDU"}}
	}
	iv, err := s.challenge(ctx, 4)
	if err != nil {
		return err
	}
	cmd.CLA = 0x04
	input := append([]byte{cmd.CLA, cmd.INS, cmd.P1, cmd.P2, byte(len(cmd.Data) + sam.MACSize)}, cmd.Data...)
	mac, err := s.sam.MAC(ctx, s.ref(s.opts.profile.KeyIDMAC), s.div, iv, input)
	if err != nil {
		return &StepError{Step: "SAM MAC for %s", Args: []any{step}, Err: err}
	}
	cmd.Data = append(input[5:], mac...)
	if _, err := s.client.Do(ctx, cmd); err != nil {
		if errors.Is(err, apdu.ErrMACWrong) {
			return &StepError{Step: step.Key(), Args: step.Args(), Kind: ErrMACRefused, Err: err}
		}
		return &StepError{Step: step.Key(), Args: step.Args(), Err: err}
	}
	return nil
}

// appendState writes next as the newest log record (it becomes the card's
// state): one protected APPEND RECORD, atomic on the card.
func (s *Session) appendState(ctx context.Context, next State) error {
	next.Seq = s.state.Seq + 1
	next.Date = dateOnly(s.opts.clock())
	next.School = s.opts.school
	rec, err := next.MarshalBinary()
	if err != nil {
		return err
	}
	cmd, err := apdu.AppendRecord(s.opts.profile.SFILog, rec)
	if err != nil {
		return err
	}
	if err := s.protected(ctx, messages.Text("APPEND RECORD operation log (%s)", next.Op), cmd); err != nil {
		return err
	}
	s.state = next
	return nil
}

// writeFile writes data at offset of a transparent file with one protected
// UPDATE BINARY (atomic on the card).
func (s *Session) writeFile(ctx context.Context, sfi byte, offset int, name string, data []byte) error {
	cmd, err := apdu.UpdateBinary(sfi, offset, data)
	if err != nil {
		return err
	}
	return s.protected(ctx, messages.Text("UPDATE BINARY %s", messages.Text(name)), cmd)
}

// readFile reads size bytes at offset of a transparent file.
func (s *Session) readFile(ctx context.Context, sfi byte, offset int, name string, size int) ([]byte, error) {
	cmd, err := apdu.ReadBinary(sfi, offset, size)
	if err != nil {
		return nil, err
	}
	resp, err := s.client.Do(ctx, cmd)
	if err != nil {
		return nil, &StepError{Step: "READ BINARY %s", Args: []any{messages.Text(name)}, Err: err}
	}
	if len(resp.Data) != size {
		return nil, &StepError{Step: "READ BINARY %s", Args: []any{messages.Text(name)}, Kind: ErrUnexpected, Err: &FieldError{File: name, Field: "size", Reason: "want %d bytes, got %d", Args: []any{size, len(resp.Data)}}}
	}
	return resp.Data, nil
}

// Info is the card info read at Open.
func (s *Session) Info() CardInfo { return s.info }

// State is the card's current state as this session knows it (read at
// Open, updated by every successful operation).
func (s *Session) State() State { return s.state }

// Completed is the operation a torn earlier session left pending and Open
// completed, or OpNone.
func (s *Session) Completed() Op { return s.completed }
