package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/adapters/pcsc"
	"github.com/bjedu/studentcard/apdu"
	"github.com/bjedu/studentcard/card"
	"github.com/bjedu/studentcard/card/sim"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/lab"
	"github.com/bjedu/studentcard/sam"
	"github.com/bjedu/studentcard/studentid"
)

// cardReader is a card in a reader: a PC/SC reader (adapters/pcsc.Reader)
// or, in tests, a simulated one. Session holds the reader (and a PC/SC
// transaction) for one whole card session.
type cardReader interface {
	apdu.Transport
	Session(ctx context.Context, fn func(t apdu.Transport) error) error
	Close() error
}

// openPCSC opens a PC/SC reader. In a build without cgo it fails with
// pcsc.ErrUnsupported (exit 6).
func openPCSC(ctx context.Context, name string) (cardReader, error) {
	r, err := pcsc.Open(ctx, name)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// cardFlags select the card and the SAM of a card command.
type cardFlags struct {
	sim        bool
	simState   string
	serial     string
	suite      string
	devSeed    string
	reader     string
	psam       string
	psamConfig string
	school     string
	schoolCode studentid.School // --school, parsed by check
	wait       time.Duration
}

func (c *cardFlags) add(fs *flag.FlagSet) {
	fs.BoolVar(&c.sim, "sim", false, "use a simulated card (card/sim) instead of a reader")
	fs.StringVar(&c.simState, "sim-state", "", "keep the simulated card in this file between runs (journal of operations)")
	fs.StringVar(&c.serial, "serial", "", "serial of a new simulated card (16 hex digits; default derived from --dev-keys)")
	fs.StringVar(&c.suite, "suite", "sm4", "cipher suite of a new simulated card and the development keys: sm4 or 3des")
	fs.StringVar(&c.devSeed, "dev-keys", "", "derive development keys and a Soft SAM from this seed (NOT for production)")
	fs.StringVar(&c.reader, "reader", "", "PC/SC reader holding the registry card")
	fs.StringVar(&c.psam, "psam", "", "PC/SC reader holding the terminal's PSAM")
	fs.StringVar(&c.psamConfig, "psam-config", "", "PSAM description (JSON: suite, id, df, keys, management key, management card record)")
	fs.StringVar(&c.school, "school", "", "terminal's school code, 8 digits (or 6 without the province 01), written in the card's log")
	fs.DurationVar(&c.wait, "wait", 0, "wait this long for a card to be presented to --reader (e.g. 30s; default: it must be there)")
}

// check refuses contradictory or missing card and key flags and parses
// --school.
func (c *cardFlags) check() error {
	if c.school != "" {
		sc, err := studentid.ParseSchool(c.school)
		if err != nil {
			return &argError{flag: "school", err: err}
		}
		c.schoolCode = sc
	}
	switch {
	case c.sim && c.reader != "":
		return usagef("give either --sim or --reader, not both")
	case !c.sim && c.reader == "":
		return usagef("a card is required: --sim or --reader NAME")
	case c.simState != "" && !c.sim:
		return usagef("--sim-state needs --sim")
	case c.sim && c.devSeed == "":
		return usagef("--sim needs --dev-keys SEED (the simulated card is keyed with development keys)")
	case c.psam != "" && c.devSeed != "":
		return usagef("give either --psam or --dev-keys, not both")
	case c.psam != "" && c.psamConfig == "":
		return usagef("--psam needs --psam-config FILE")
	case c.psam != "" && c.sim:
		return usagef("--psam is for a real reader; a simulated card uses --dev-keys")
	case c.reader != "" && c.psam == "" && c.devSeed == "":
		return usagef("keys are required: --psam READER or --dev-keys SEED")
	case c.wait < 0:
		return usagef("--wait must not be negative")
	case c.wait > 0 && c.reader == "":
		return usagef("--wait is for --reader")
	}
	return nil
}

func parseSuite(s string) (sam.Algorithm, error) {
	switch strings.ToLower(s) {
	case "sm4":
		return sam.SM4, nil
	case "3des", "tdes":
		return sam.TDES, nil
	}
	return 0, usagef("--suite: %q is not sm4 or 3des", s)
}

// terminal is the card, SAM and (for --sim) journal of one card command.
type terminal struct {
	e       *env
	flags   *cardFlags
	sam     sam.SAM
	reader  cardReader // --reader
	chip    *sim.Card  // --sim
	journal *simJournal
	closers []func()
}

func (t *terminal) close() {
	for i := len(t.closers) - 1; i >= 0; i-- {
		t.closers[i]()
	}
}

// openTerminal prepares the SAM and the card the flags name.
func (e *env) openTerminal(cf *cardFlags) (*terminal, error) {
	t := &terminal{e: e, flags: cf}
	ok := false
	defer func() {
		if !ok {
			t.close()
		}
	}()
	if cf.devSeed != "" {
		e.warn(errDevKeys)
		suite, err := parseSuite(cf.suite)
		if err != nil {
			return nil, err
		}
		var journal *simJournal
		if cf.sim && cf.simState != "" {
			journal, err = loadJournal(cf.simState)
			switch {
			case errors.Is(err, os.ErrNotExist):
				journal, err = nil, nil // a new card
			case err != nil:
				return nil, err
			default:
				// An existing card keeps its own suite.
				if suite, err = parseSuite(journal.Suite); err != nil {
					return nil, &simStateError{path: cf.simState, reason: "bad suite"}
				}
			}
		}
		ks, id, err := devKeySet(cf.devSeed, suite)
		if err != nil {
			return nil, err
		}
		defer ks.Zero() // the Soft SAM and the simulated card hold their own copies
		soft, err := sam.NewSoft(id, ks)
		if err != nil {
			return nil, err
		}
		t.closers = append(t.closers, func() { soft.Close() })
		mc, err := ks.ManagementCard(id)
		if err != nil {
			return nil, err
		}
		if err := soft.Unlock(e.ctx, mc); err != nil {
			return nil, err
		}
		t.sam = soft
		if cf.sim {
			if err := t.openSim(ks, suite, journal); err != nil {
				return nil, err
			}
		}
	}
	if cf.psam != "" {
		p, closePSAM, err := e.openPSAM(cf)
		if err != nil {
			return nil, err
		}
		t.closers = append(t.closers, closePSAM)
		t.sam = p
	}
	if cf.reader != "" {
		if cf.wait > 0 {
			if err := e.waitForCard(cf.reader, cf.wait); err != nil {
				return nil, err
			}
		}
		r, err := e.deps.openReader(e.ctx, cf.reader)
		if err != nil {
			return nil, err
		}
		t.closers = append(t.closers, func() { r.Close() })
		t.reader = r
	}
	ok = true
	return t, nil
}

// waitForCard waits up to d for a card in the reader, telling the operator
// to present one.
func (e *env) waitForCard(reader string, d time.Duration) error {
	if !e.g.quiet {
		fmt.Fprintln(e.stderr, e.t("present a card to %s ...", reader))
	}
	ctx, cancel := context.WithTimeout(e.ctx, d)
	defer cancel()
	err := e.deps.waitCard(ctx, reader)
	if errors.Is(err, context.DeadlineExceeded) && e.ctx.Err() == nil {
		return &cardError{err: &noCardError{reader: reader, wait: d}}
	}
	return err
}

// noCardError: no card was presented in time (exit 4).
type noCardError struct {
	reader string
	wait   time.Duration
}

func (e *noCardError) Error() string {
	return fmt.Sprintf("no card presented to %s within %s", e.reader, e.wait)
}

// Localize renders the error in the operator's language.
func (e *noCardError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "no card presented to %s within %s", e.reader, e.wait)
}

// session runs op in one card session: on the simulated card directly, on a
// reader inside one PC/SC transaction.
func (t *terminal) session(clock func() time.Time, school studentid.School, op func(*card.Session) error) error {
	opts := []card.Option{card.WithClock(clock), card.WithSchool(school)}
	run := func(tr apdu.Transport) error {
		s, err := card.Open(t.e.ctx, tr, t.sam, opts...)
		if err != nil {
			return err
		}
		return op(s)
	}
	if t.chip != nil {
		t.chip.Reset()
		return run(t.chip)
	}
	err := t.reader.Session(t.e.ctx, run)
	if err != nil && exitCode(err) == exitIO {
		err = &cardError{err: err}
	}
	return err
}

// studentJSON is the student record in cardctl's output and in the
// --sim-state journal.
type studentJSON struct {
	RegistryNo string `json:"registry_no"`
	Name       string `json:"name"`
	Gender     string `json:"gender"`
	Stage      string `json:"stage"` // output only: the registry number decides it
	School     string `json:"school"`
	SchoolName string `json:"school_name"`
	ValidFrom  string `json:"valid_from"`
	ValidUntil string `json:"valid_until"`
}

const dateLayout = "20060102"

func studentToJSON(s card.Student) *studentJSON {
	return &studentJSON{RegistryNo: s.RegistryNo.String(), Name: s.Name, Gender: s.Gender.String(), Stage: s.Stage.String(),
		School: s.School.String(), SchoolName: s.SchoolName, ValidFrom: s.ValidFrom.Format(dateLayout), ValidUntil: s.ValidUntil.Format(dateLayout)}
}

// student reads a journal's record back: exactly what was written, the
// stage the registry number's.
func (j *studentJSON) student() (card.Student, error) {
	st := card.Student{Name: j.Name, SchoolName: j.SchoolName}
	var err error
	if st.RegistryNo, err = studentid.Parse(j.RegistryNo); err != nil {
		return st, err
	}
	st.Stage = st.RegistryNo.Stage()
	if st.School, err = studentid.ParseSchool(j.School); err != nil {
		return st, err
	}
	if st.Gender, err = parseGender(j.Gender); err != nil {
		return st, err
	}
	if st.ValidFrom, err = parseDate("valid-from", j.ValidFrom); err != nil {
		return st, err
	}
	st.ValidUntil, err = parseDate("valid-until", j.ValidUntil)
	return st, err
}

func parseGender(s string) (studentid.Sex, error) {
	switch strings.ToLower(s) {
	case "male", "m", "1", "男":
		return studentid.Male, nil
	case "female", "f", "2", "女":
		return studentid.Female, nil
	}
	return 0, usagef("--gender: %q is not male or female", s)
}

func parseDate(flagName, s string) (time.Time, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return time.Time{}, usagef("--%s: %q is not a date YYYYMMDD", flagName, s)
	}
	return t, nil
}

type logJSON struct {
	Seq      int    `json:"seq"`
	Op       string `json:"op"`
	Status   string `json:"status"`
	Semester string `json:"semester"`
	Date     string `json:"date"`
	School   string `json:"school"`
}

type cardResult struct {
	Card       string          `json:"card"` // "sim" or the reader's name
	Serial     string          `json:"serial"`
	Suite      string          `json:"suite"`
	Type       string          `json:"type"`
	Status     string          `json:"status"`
	Semester   string          `json:"semester"`
	Extension  bool            `json:"extension_open"`
	Completed  string          `json:"completed_pending,omitempty"`
	completed  card.Op         // Completed, typed: it names itself in the operator's language
	ins        card.Inspection // what fillCard read, typed likewise
	Student    *studentJSON    `json:"student,omitempty"`
	Log        []logJSON       `json:"log,omitempty"`
	APDUs      int             `json:"apdus,omitempty"`
	ModelledMS float64         `json:"modelled_ms,omitempty"`
	SimState   string          `json:"sim_state,omitempty"`
}

func (r *cardResult) text(e *env) {
	e.say("%s", e.t("card %s (%s, %s): %s", r.Serial, r.Suite, r.ins.Info.Type, r.ins.State.Status))
	if r.Completed != "" {
		e.say("%s", e.t("an interrupted %s was completed first", r.completed))
	}
	if r.Semester != "none" {
		e.say("%s", e.t("registered for semester %s", r.Semester))
	}
	if s := r.Student; s != nil && r.ins.Student != nil {
		e.say("%s", e.t("student %s %s (%s, %s), school %s %s, valid %s-%s", s.RegistryNo, s.Name, r.ins.Student.Gender, r.ins.Student.Stage, s.School, s.SchoolName, s.ValidFrom, s.ValidUntil))
	}
	for i, l := range r.Log {
		op, status := r.ins.Log[i].Op, r.ins.Log[i].Status
		e.say("  #%d %s %s %s %s %s", l.Seq, l.Date, l.School, op.Localize(e.lang), status.Localize(e.lang), l.Semester)
	}
	if r.APDUs > 0 {
		e.say("%s", e.t("%s, %.1f ms modelled (simulated card)", e.t("%d APDUs", r.APDUs), r.ModelledMS))
	}
	if r.SimState != "" {
		e.say("%s", e.t("simulated card kept in %s", r.SimState))
	}
}

// cmdCard dispatches the card subcommands.
func cmdCard(e *env, args []string) (result, error) {
	if len(args) == 0 {
		return nil, usagef("card needs a subcommand: personalise, register, inspect or recover")
	}
	sub := args[0]
	fs := newFlagSet("card " + sub)
	var cf cardFlags
	cf.add(fs)
	var (
		registry, name, gender, schoolName, validFrom, validUntil, semester *string
	)
	switch sub {
	case "personalise", "personalize":
		sub = "personalise"
		registry = fs.String("registry", "", "student registry number (16 digits)")
		name = fs.String("name", "", "student name")
		gender = fs.String("gender", "", "male or female")
		schoolName = fs.String("school-name", "", "school name")
		validFrom = fs.String("valid-from", "", "YYYYMMDD (default today)")
		validUntil = fs.String("valid-until", "", "YYYYMMDD (default 31 August of the cohort's graduation year)")
	case "register":
		semester = fs.String("semester", "", "semester YYYY-T, T 1 spring or 2 autumn (default the current one)")
	case "inspect", "recover":
	case "-h", "-help", "--help":
		return nil, flag.ErrHelp
	default:
		return nil, usagef("unknown card subcommand %q (want personalise, register, inspect or recover)", sub)
	}
	pos, err := e.parseArgs(fs, args[1:])
	if err != nil {
		return nil, err
	}
	if err := noArgs(pos); err != nil {
		return nil, err
	}
	if err := cf.check(); err != nil {
		return nil, err
	}
	school := cf.schoolCode
	if school.IsZero() && (sub == "register" || sub == "recover") {
		return nil, usagef("--school is required: the terminal's school code goes into the card's log")
	}
	var op func(*card.Session) error
	var jop *simOp
	now := e.now()
	switch sub {
	case "personalise":
		st, err := studentFromFlags(now, school, *registry, *name, *gender, *schoolName, *validFrom, *validUntil)
		if err != nil {
			return nil, err
		}
		school = st.School
		op = func(s *card.Session) error { return s.Personalise(e.ctx, st) }
		jop = &simOp{Op: "personalise", Student: studentToJSON(st)}
	case "register":
		sem := card.SemesterOf(now)
		if *semester != "" {
			if sem, err = card.ParseSemester(*semester); err != nil {
				return nil, usagef("--semester: %q is not YYYY-T", *semester)
			}
		}
		op = func(s *card.Session) error { return s.Register(e.ctx, sem) }
		jop = &simOp{Op: "register", Semester: sem.String()}
	case "recover":
		op = func(s *card.Session) error { return s.Recover(e.ctx) }
		jop = &simOp{Op: "recover"}
	}
	t, err := e.openTerminal(&cf)
	if err != nil {
		return nil, err
	}
	defer t.close()
	if t.chip != nil {
		t.chip.ResetStats()
	}
	res := &cardResult{Card: cf.reader}
	if cf.sim {
		res.Card = "sim"
	}
	clock := func() time.Time { return now }
	opDone := false
	err = t.session(clock, school, func(s *card.Session) error {
		if c := s.Completed(); c != card.OpNone {
			res.Completed, res.completed = c.String(), c
		}
		if op != nil {
			if err := op(s); err != nil {
				return err
			}
			opDone = true
			t.countAPDUs(res)
		}
		ins, err := s.Inspect(e.ctx)
		if err != nil {
			return err
		}
		if op == nil {
			t.countAPDUs(res)
		}
		fillCard(res, ins, sub == "inspect")
		return nil
	})
	if t.chip != nil && cf.simState != "" && (err == nil || opDone) {
		// The operation happened on the card even if reading it back
		// failed: the journal must record it.
		if opDone {
			jop.At, jop.School = now, school.String()
			t.journal.Ops = append(t.journal.Ops, *jop)
		}
		if serr := t.saveJournal(); serr != nil && err == nil {
			err = serr
		}
		res.SimState = cf.simState
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// countAPDUs records what crossed the simulated card's air interface for the
// operation (the final read-back of the card is not counted).
func (t *terminal) countAPDUs(res *cardResult) {
	if t.chip == nil {
		return
	}
	stats := t.chip.Stats()
	res.APDUs, res.ModelledMS = stats.APDUs, float64(stats.Modelled.Microseconds())/1000
}

func fillCard(res *cardResult, ins card.Inspection, withLog bool) {
	res.ins = ins
	res.Serial, res.Suite, res.Type = ins.Info.Serial.String(), ins.Info.Suite.String(), ins.Info.Type.String()
	res.Status, res.Semester, res.Extension = ins.State.Status.String(), ins.State.Semester.String(), ins.State.Extension
	if ins.Student != nil {
		res.Student = studentToJSON(*ins.Student)
	}
	if withLog {
		for _, l := range ins.Log {
			res.Log = append(res.Log, logJSON{Seq: int(l.Seq), Op: l.Op.String(), Status: l.Status.String(),
				Semester: l.Semester.String(), Date: l.Date.Format(dateLayout), School: l.School.String()})
		}
	}
}

// studentFromFlags reads the personalise flags into card.NewStudent's
// arguments (the record's rules are card's); --valid-from and --valid-until
// replace the validity it derives.
func studentFromFlags(now time.Time, school studentid.School, registry, name, gender, schoolName, validFrom, validUntil string) (card.Student, error) {
	if registry == "" || name == "" || gender == "" || schoolName == "" {
		return card.Student{}, usagef("personalise needs --registry, --name, --gender and --school-name")
	}
	id, err := studentid.Parse(registry)
	if err != nil {
		return card.Student{}, &argError{flag: "registry", err: err}
	}
	sex, err := parseGender(gender)
	if err != nil {
		return card.Student{}, err
	}
	st, err := card.NewStudent(id, name, sex, school, schoolName, now)
	var ne *card.NameError
	switch {
	case errors.As(err, &ne) && ne.Field == "school name":
		return card.Student{}, &argError{flag: "school-name", err: err}
	case errors.As(err, &ne):
		return card.Student{}, &argError{flag: "name", err: err}
	case err != nil:
		return card.Student{}, &argError{flag: "registry", err: err}
	}
	if validFrom != "" {
		if st.ValidFrom, err = parseDate("valid-from", validFrom); err != nil {
			return card.Student{}, err
		}
	}
	if validUntil != "" {
		if st.ValidUntil, err = parseDate("valid-until", validUntil); err != nil {
			return card.Student{}, err
		}
	}
	return st, nil
}

// argError is a flag whose value an SDK parser refused; it exits with 2
// and renders the parser's own error.
type argError struct {
	flag string
	err  error
}

func (e *argError) Error() string { return "--" + e.flag + ": " + e.err.Error() }

// Localize renders the parser's error after the flag's name.
func (e *argError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "usage error: %s", "--"+e.flag+": "+l10n.Error(e.err, tag))
}

func (e *argError) Unwrap() error { return e.err }

// simJournal is the --sim-state file: the simulated card's info and every
// operation applied to it, replayed at each run (card/sim has no way to load
// a card's memory). It holds no key; it does hold the student's data, like
// the card.
type simJournal struct {
	Format string  `json:"format"`
	Note   string  `json:"note"`
	Serial string  `json:"serial"`
	Suite  string  `json:"suite"`
	Issued string  `json:"issued"`
	Ops    []simOp `json:"ops"`
	// KeyCheck is a key check value of the card's keys (the MAC of a fixed
	// text under its MAC key): a run with other --dev-keys is refused.
	KeyCheck string `json:"key_check"`
	// FilesSHA256 is the digest of the card's files after the last
	// operation; a replay that ends elsewhere is refused.
	FilesSHA256 string `json:"files_sha256"`
}

type simOp struct {
	Op       string       `json:"op"`
	At       time.Time    `json:"at"`
	School   string       `json:"school,omitempty"`
	Student  *studentJSON `json:"student,omitempty"`
	Semester string       `json:"semester,omitempty"`
}

// journalFormat: version 2 names the student's fields as the output does
// (registry_no, school in 8 digits).
const journalFormat = "cardctl-sim/2"

func loadJournal(path string) (*simJournal, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, ioErr(err)
	}
	return parseJournal(path, b)
}

// parseJournal reads a --sim-state file's content; its operations are checked
// when they are replayed.
func parseJournal(path string, b []byte) (*simJournal, error) {
	var j simJournal
	if err := json.Unmarshal(b, &j); err != nil || j.Format != journalFormat {
		return nil, &simStateError{path: path, reason: "not a cardctl simulated card file"}
	}
	return &j, nil
}

// openSim makes the simulated card: blank (j nil), or rebuilt from its
// journal.
func (t *terminal) openSim(ks *sam.KeySet, suite sam.Algorithm, j *simJournal) error {
	cf := t.flags
	if j == nil {
		serial := devSerial(cf.devSeed)
		if cf.serial != "" {
			var err error
			if serial, err = studentid.ParseSerial(cf.serial); err != nil {
				return &argError{flag: "serial", err: err}
			}
		}
		j = &simJournal{Format: journalFormat, Note: "simulated registry card (card/sim), development keys only: NOT a real card",
			Serial: serial.String(), Suite: suite.String(), Issued: t.e.now().Format(dateLayout)}
	}
	t.journal = j
	serial, err := studentid.ParseSerial(j.Serial)
	if err != nil {
		return &simStateError{path: cf.simState, reason: "bad serial"}
	}
	issued, err := time.Parse(dateLayout, j.Issued)
	if err != nil {
		return &simStateError{path: cf.simState, reason: "bad issue date"}
	}
	info := lab.Info(suite, serial, issued)
	kcv, err := keyCheck(ks, info)
	if err != nil {
		return err
	}
	if j.KeyCheck == "" {
		j.KeyCheck = kcv
	} else if j.KeyCheck != kcv {
		return &simStateError{path: cf.simState, reason: "the card was made with other --dev-keys"}
	}
	chip, err := sim.New(ks, info)
	if err != nil {
		return err
	}
	t.chip = chip
	for i, op := range j.Ops {
		if err := t.replay(op); err != nil {
			return &simStateError{path: cf.simState, reason: "operation %d (%s) does not replay", args: []any{i + 1, op.Op}, err: err}
		}
	}
	if j.FilesSHA256 != "" && j.FilesSHA256 != t.filesDigest() {
		return &simStateError{path: cf.simState, reason: "the replayed card differs from the one saved"}
	}
	return nil
}

// keyCheck is the key check value of a simulated card's keys: the first
// bytes of a MAC of a fixed text under the card's diversified MAC key. It
// identifies the keys without revealing them.
func keyCheck(ks *sam.KeySet, info card.CardInfo) (string, error) {
	keys, err := ks.CardKeys(info.Diversifier())
	if err != nil {
		return "", err
	}
	defer keys.Zero()
	mac, err := keys.MAC(sam.KeyRef{ID: card.KeyIDMAC, Version: lab.KeyVersion}, nil, []byte("cardctl key check value"))
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(mac), nil
}

// replay applies one journal operation through a real card session.
func (t *terminal) replay(op simOp) error {
	at := op.At
	var school studentid.School
	if err := school.UnmarshalText([]byte(op.School)); err != nil {
		return err
	}
	return t.session(func() time.Time { return at }, school, func(s *card.Session) error {
		switch op.Op {
		case "personalise":
			if op.Student == nil {
				return errors.New("no student")
			}
			st, err := op.Student.student()
			if err != nil {
				return err
			}
			return s.Personalise(t.e.ctx, st)
		case "register":
			sem, err := card.ParseSemester(op.Semester)
			if err != nil {
				return err
			}
			return s.Register(t.e.ctx, sem)
		case "recover":
			return s.Recover(t.e.ctx)
		}
		return fmt.Errorf("unknown operation %q", op.Op)
	})
}

func (t *terminal) filesDigest() string {
	f := t.chip.Files()
	h := sha256.New()
	for _, b := range append([][]byte{f.CardInfo, f.Student, f.Extension}, f.Log...) {
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (t *terminal) saveJournal() error {
	t.journal.FilesSHA256 = t.filesDigest()
	b, err := json.MarshalIndent(t.journal, "", "  ")
	if err != nil {
		return err
	}
	// The journal is the card: it is replaced at every run (force), and it
	// holds the student's name and numbers (personal).
	_, err = output{path: t.flags.simState, force: true, personal: true}.write(func(w io.Writer) (int64, error) {
		n, err := w.Write(append(b, '\n'))
		return int64(n), err
	})
	return err
}

// simStateError says a --sim-state file cannot be used (exit 3).
type simStateError struct {
	path   string
	reason string // catalog key, a fmt format
	args   []any
	err    error
}

func (e *simStateError) Error() string {
	s := "simulated card file " + e.path + ": " + fmt.Sprintf(e.reason, e.args...)
	if e.err != nil {
		s += ": " + e.err.Error()
	}
	return s
}

// Localize renders the error and its cause in the operator's language.
func (e *simStateError) Localize(tag language.Tag) string {
	s := messages.Sprintf(tag, "simulated card file %s: %s", e.path, messages.Sprintf(tag, e.reason, e.args...))
	if e.err != nil {
		s += ": " + l10n.Error(e.err, tag)
	}
	return s
}

func (e *simStateError) Unwrap() error { return e.err }
