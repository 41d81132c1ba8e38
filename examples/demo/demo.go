package main

import (
	"context"
	"crypto/ed25519"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/batch/batchtest"
	"github.com/bjedu/studentcard/batch/lists"
	"github.com/bjedu/studentcard/card/sim"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/sam"
	"github.com/bjedu/studentcard/studentid"
)

// Exit statuses of the demo.
const (
	exitOK     = 0
	exitFailed = 1 // a step failed or a check did not hold
	exitUsage  = 2 // bad flags
)

// run is the whole program behind main, callable in-process by the tests:
// it parses args, runs the tour, writes the narrative to stdout and problems
// to stderr, and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	seed := fs.Uint64("seed", 1, "seed of every random choice (names, serials, keys)")
	lang := fs.String("lang", "zh", "language of the narrative: zh or en")
	papers := fs.String("papers", "", "directory to print the papers into as PDF (needs a Chinese TrueType font)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "demo: unexpected arguments %q\n", fs.Args())
		return exitUsage
	}
	tag, err := l10n.Parse(*lang)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	dir, err := os.MkdirTemp("", "studentcard-demo-")
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitFailed
	}
	defer os.RemoveAll(dir)

	d, err := newDemo(ctx, stdout, tag, *seed, dir)
	if err != nil {
		fmt.Fprintln(stderr, messages.Sprintf(tag, "FAILED: %s", messages.Sprintf(tag, "setting up the demo: %s", l10n.Error(err, tag))))
		return exitFailed
	}
	defer d.close()
	d.papers.dir = *papers
	if err := d.tour(); err != nil {
		fmt.Fprintln(stderr, d.text("FAILED: %s", l10n.Error(err, tag)))
		return exitFailed
	}
	return exitOK
}

// demo is one run of the tour: the simulated world (clock, seeded
// randomness, store and ledger, keys, SAM, cards) and the running totals the
// summary prints.
type demo struct {
	ctx context.Context
	out io.Writer
	tag language.Tag
	rng *rand.Rand
	now time.Time // the simulated clock; advanced by the steps

	store  lifecycle.Store
	ledger *lifecycle.Ledger
	city   lifecycle.Operator
	a, b   *school // school A (district 05) and school B (district 08)

	masters  *sam.KeySet // the city's key card: master keys of the education key system
	samID    sam.SAMID
	terminal *sam.Soft // the school terminal's SAM
	chips    map[string]*sim.Card
	listKey  ed25519.PrivateKey // the city's list signing key (seeded: demo only)
	listV1   *lists.List        // the reader's list before the loss (step 5)
	holder   map[string]string  // registry number → serial of the student's registry card

	photos        batchtest.Photos      // generated photos, drawn once per variant (C-2)
	districtFiles map[*school][]byte    // district card-making packages sent to the factory (step 1 → 2)
	anchor        lifecycle.AuditAnchor // district 05's chain head kept outside the store (step 6 → 8)

	apdus        int           // APDUs exchanged with every card
	modelled     time.Duration // modelled contactless time of those exchanges
	taps         int           // card sessions opened
	personalised int           // personalisations (a transferred card twice)

	papers printed // what step 9 prints
}

// school is one school of the story: its codes, its operators and its CMIS
// (the student registry system, the only place data is fixed, C-3).
type school struct {
	code, name string // 8-digit code (registry number positions 1-8), official name
	op         lifecycle.Operator
	district   lifecycle.Operator
	seed       uint64             // batchtest seed of the school's students
	roster     []rosterRow        // what CMIS holds: the source of truth (C-3)
	cmis       []batch.CardRecord // the records imported from the last CMIS export
	rare       []batch.RareEntry  // rare-character descriptions (C-4)
	photos     map[string][]byte  // photo file name → 640×480 JPEG
	photoOf    map[string]string  // registry number → photo file name (from the export)
	idCard     map[string]string  // registry number → the ledger ID of the student's ID card
	batches    int                // card-making uploads so far
}

// districtCode is the 4-digit district code batch files are sent under
// (registry number positions 1-4).
func (s *school) districtCode() string { return s.school().District().String() }

// school is the school's code as a typed value.
func (s *school) school() studentid.School {
	sc, _ := studentid.ParseSchool(s.code)
	return sc
}

// districtID is the school's district.
func (s *school) districtID() studentid.District { return s.school().District() }

func newDemo(ctx context.Context, out io.Writer, tag language.Tag, seed uint64, dir string) (*demo, error) {
	d := &demo{
		ctx: ctx, out: out, tag: tag,
		rng:    rand.New(rand.NewPCG(seed, 0x5354554445_4e54)),
		now:    time.Date(2026, 6, 30, 9, 0, 0, 0, lifecycle.Beijing()),
		city:   lifecycle.Operator{Level: studentid.LevelCity, User: "city-admin"},
		chips:  map[string]*sim.Card{},
		holder: map[string]string{},
	}
	d.a = newSchool("01050123", "北京市第五实验小学", "王老师")
	d.b = newSchool("01080456", "北京市第八中心小学", "李老师")
	store, err := openStore(ctx, dir)
	if err != nil {
		return nil, err
	}
	d.store = store
	d.ledger, err = lifecycle.NewLedger(lifecycle.Config{Scheme: studentid.MOD11_10, Store: store, Clock: func() time.Time { return d.now }})
	if err != nil {
		store.Close()
		return nil, err
	}
	return d, nil
}

func newSchool(code, name, teacher string) *school {
	district := lifecycle.Operator{Level: studentid.LevelDistrict, District: code[2:4], User: "district-" + code[2:4]}
	return &school{
		code: code, name: name, district: district,
		op:     lifecycle.Operator{Level: studentid.LevelSchool, District: code[2:4], School: code, User: teacher},
		photos: map[string][]byte{},
		idCard: map[string]string{},
	}
}

func (d *demo) close() {
	if d.terminal != nil {
		d.terminal.Close()
	}
	if d.masters != nil {
		d.masters.Zero()
	}
	d.store.Close()
}

// step is one stop of the tour.
type step struct {
	title string   // catalog key
	rules []string // SPEC rule ids it shows
	run   func() error
}

// tour runs the steps in order and stops at the first failure.
func (d *demo) tour() error {
	steps := []step{
		{"The card-making data goes up: school → district → city", []string{"C-1", "C-2", "C-4", "P-4", "C-3", "C-MAKE-1", "C-MAKE-2", "S-ID-1", "C-MAKE-3"}, d.stepMakeCards},
		{"The factory's result file comes down, split, with handover sheets", []string{"C-ISSUE-1", "C-ISSUE-2", "C-PACK-1", "C-ISSUE-4", "C-5", "C-ISSUE-3"}, d.stepResults},
		{"Registry cards are personalised at the school", []string{"R-ISSUE-1", "R-ISSUE-2", "S-6", "A-1", "A-2", "R-ISSUE-3", "R-ISSUE-4", "R-ISSUE-5", "C-ISSUE-3"}, d.stepPersonalise},
		{"The semester registration tap", []string{"R-REG-1"}, d.stepRegister},
		{"A lost card reaches the readers' list", []string{"R-DAILY-1", "R-LOSS-1", "R-LOSS-2", "R-LIST-1"}, d.stepLoss},
		{"A transfer between two schools", []string{"R-MOVE-1", "S-4"}, d.stepTransfer},
		{"A recovery with its slip", []string{"R-LEAVE-1", "R-RECOVER-1", "R-LEAVE-2"}, d.stepRecover},
		{"The audit chain and the summary", []string{"P-3", "R-TIME-1"}, d.stepSummary},
		{"The papers people sign", []string{"C-ISSUE-1", "C-PACK-1", "R-RECOVER-1", "C-MAKE-2", "S-1"}, d.stepPapers},
	}
	d.say("Beijing student card system — the whole flow on embedded defaults (SQLite ledger, Soft SAM, simulated cards)")
	for i, s := range steps {
		d.say("")
		d.say("== Step %d/%d: %s [%s]", i+1, len(steps), d.text(s.title), strings.Join(s.rules, ", "))
		if err := s.run(); err != nil {
			return &stepError{step: i + 1, err: err}
		}
	}
	d.say("")
	d.say("All steps done; every check held.")
	return nil
}

// stepError names the step a failure happened in.
type stepError struct {
	step int
	err  error
}

func (e *stepError) Error() string { return fmt.Sprintf("step %d: %v", e.step, e.err) }
func (e *stepError) Unwrap() error { return e.err }

// Localize renders the failure for the operator.
func (e *stepError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "step %d: %s", e.step, l10n.Error(e.err, tag))
}

// errCheck is what every failed check of the demo matches.
var errCheck = messages.Error("check failed")

// checkError is a claim of the demo that did not hold: what was expected.
type checkError struct{ what string }

func (e *checkError) Error() string { return "check failed: " + e.what }
func (e *checkError) Unwrap() error { return errCheck }
func (e *checkError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "check failed: %s", e.what)
}

// check returns a *checkError saying what (a catalog key with args) was
// expected unless ok.
func (d *demo) check(ok bool, what string, args ...any) error {
	if ok {
		return nil
	}
	return &checkError{what: d.text(what, args...)}
}

// expect turns an error that should not have happened into a failure that
// says what the demo was doing.
func (d *demo) expect(err error, doing string, args ...any) error {
	if err == nil {
		return nil
	}
	return l10n.Wrap(messages.Text(doing, args...), err)
}

// text renders a catalog key in the demo's language.
func (d *demo) text(key string, args ...any) string { return messages.Sprintf(d.tag, key, args...) }

// yes renders a yes/no answer in the demo's language.
func (d *demo) yes(b bool) string {
	if b {
		return d.text("yes")
	}
	return d.text("no")
}

// say prints one line of the narrative.
func (d *demo) say(key string, args ...any) {
	if key == "" {
		fmt.Fprintln(d.out)
		return
	}
	fmt.Fprintln(d.out, d.text(key, args...))
}

// sayErr prints an expected refusal in the demo's language: key's last
// verb takes the error's text, args fill the ones before it.
func (d *demo) sayErr(err error, key string, args ...any) {
	fmt.Fprintln(d.out, d.text(key, append(args, l10n.Error(err, d.tag))...))
}

// setClock moves the simulated clock to a day and time in Beijing and prints
// it; the clock only goes forward.
func (d *demo) setClock(year int, month time.Month, day, hour, minute int) error {
	t := time.Date(year, month, day, hour, minute, 0, 0, lifecycle.Beijing())
	if t.Before(d.now) {
		return &checkError{what: "the simulated clock goes forward"}
	}
	d.now = t
	d.say("   [%s]", t.Format("2006-01-02 15:04"))
	return nil
}

// clock is the simulated clock for the card sessions.
func (d *demo) clock() time.Time { return d.now }

// reader returns a fresh deterministic byte stream (ChaCha8 seeded from the
// demo's generator) for card randoms, keys and signatures.
func (d *demo) reader() io.Reader {
	var s [32]byte
	for i := 0; i < 4; i++ {
		binary.LittleEndian.PutUint64(s[i*8:], d.rng.Uint64())
	}
	return rand.NewChaCha8(s)
}

// mask shows a name with everything after its first character masked, so
// the narrative shows no full names (synthetic or not).
func mask(name string) string {
	r := []rune(name)
	if len(r) <= 1 {
		return name
	}
	return string(r[0]) + strings.Repeat("*", len(r)-1)
}

// isRefusal reports whether err is the refusal the demo expects.
func isRefusal(err, want error) bool { return err != nil && errors.Is(err, want) }
