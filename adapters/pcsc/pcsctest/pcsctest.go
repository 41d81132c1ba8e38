// Package pcsctest puts a card into the real PC/SC stack for tests: pcscd
// with vsmartcard's vpcd driver, the card served by adapters/vpcd, and an
// adapters/pcsc Reader connected to it — the whole path a real reader takes,
// no mocks. A test of any package needs a TestMain line and three more:
//
//	func TestMain(m *testing.M) { os.Exit(pcsctest.Main(m)) }
//
//	chip, _ := sim.New(masters, info)    // anything implementing vpcd.Card
//	r := pcsctest.Connect(t, chip)       // *pcsc.Reader, closed when the test ends
//	err := r.Session(ctx, func(t apdu.Transport) error { _, err := card.Open(ctx, t, s); return err })
//
// After a tear (sim's Card.Tear), [Recover] waits for the card, reconnects
// and retries a probe session, as an application would.
//
// Where pcscd comes from:
//
//   - By default (CI's `go test ./...` and a developer's alike): [Main]
//     starts a private pcscd per test binary with .ci/pcsc-stack.sh, in its
//     own mount namespace with its own socket and vpcd port, and stops it
//     when the binary ends. Nothing is shared with another pcscd on the
//     machine, so two runs never disturb each other.
//   - A stack started by hand: eval "$(.ci/pcsc-stack.sh)" exports
//     PCSCLITE_CSOCK_NAME, STUDENTCARD_PCSC_STACK=1 and the reader's
//     coordinates, and [Main] uses it instead.
//
// When the stack is not usable, the test fails if the run requires it (CI=true
// or STUDENTCARD_PCSC_STACK=1) and is skipped, with the command to start it,
// otherwise. Tests of several packages take turns on the virtual reader
// through a lock file, so `go test ./...` may run them in parallel processes.
package pcsctest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bjedu/studentcard/adapters/pcsc"
	"github.com/bjedu/studentcard/adapters/pcsc/internal/scard"
	"github.com/bjedu/studentcard/adapters/vpcd"
)

// Environment variables exported by .ci/pcsc-stack.sh.
const (
	EnvStack  = "STUDENTCARD_PCSC_STACK"  // "1": the stack is up; tests must not skip
	EnvAddr   = "STUDENTCARD_VPCD_ADDR"   // the vpcd driver's address, default vpcd.DefaultAddr
	EnvReader = "STUDENTCARD_VPCD_READER" // its reader name, default vpcd.DefaultReader
	EnvLog    = "STUDENTCARD_PCSCD_LOG"   // pcscd's log file, shown when a test fails
)

// Timeout bounds each wait of the helpers (pcscd noticing a card, the lock).
const Timeout = 20 * time.Second

// Required reports whether this run must have the real stack: in CI
// (CI=true) or when the stack script has run (STUDENTCARD_PCSC_STACK=1).
func Required() bool {
	return os.Getenv("CI") == "true" || os.Getenv(EnvStack) == "1"
}

// Stack is the virtual reader a test uses.
type Stack struct {
	Addr   string // where the card connects (the vpcd driver)
	Reader string // the reader's PC/SC name
}

// FromEnv returns the stack described by the environment, with the Debian
// defaults for unset variables.
func FromEnv() Stack {
	s := Stack{Addr: os.Getenv(EnvAddr), Reader: os.Getenv(EnvReader)}
	if s.Addr == "" {
		s.Addr = vpcd.DefaultAddr
	}
	if s.Reader == "" {
		s.Reader = vpcd.DefaultReader
	}
	return s
}

// Require checks that pcscd answers and lists the vpcd reader, takes the
// reader for this test (other tests, in this or another process, wait) and
// makes sure it is empty. It fails or skips the test as the package doc says.
func Require(t testing.TB) Stack {
	t.Helper()
	s := FromEnv()
	unavailable := func(format string, args ...any) {
		t.Helper()
		msg := fmt.Sprintf(format, args...)
		if Required() {
			t.Fatalf("real PC/SC stack required (CI=true or %s=1) but not usable: %s", EnvStack, msg)
		}
		t.Skipf("real PC/SC stack not running (%s); start it with: eval \"$(.ci/pcsc-stack.sh)\"", msg)
	}
	if !scard.BuiltIn() {
		t.Skipf("this build has no PC/SC (%v): the real-stack tests need cgo", scard.ErrUnsupported)
	}
	c, err := scard.EstablishContext()
	if err != nil {
		unavailable("%v", err)
		return s
	}
	defer c.Release()
	readers, err := c.ListReaders()
	if err != nil {
		unavailable("%v", err)
		return s
	}
	if !slices.Contains(readers, s.Reader) {
		unavailable("reader %q not among %q (is vsmartcard-vpcd configured?)", s.Reader, readers)
		return s
	}
	lockReader(t, s)
	showLogOnFailure(t)
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	if err := c.WaitForRemoval(ctx, s.Reader); err != nil {
		t.Fatalf("reader %q still holds a card (another program serves %s?): %v", s.Reader, s.Addr, err)
	}
	return s
}

// lockReader takes the machine-wide lock of the reader until the test ends.
func lockReader(t testing.TB, s Stack) {
	t.Helper()
	name := "studentcard-vpcd-" + strings.NewReplacer(":", "_", "/", "_").Replace(s.Addr) + ".lock"
	f, err := os.OpenFile(filepath.Join(os.TempDir(), name), os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		t.Fatalf("lock for reader %q: %v", s.Reader, err)
	}
	deadline := time.Now().Add(5 * Timeout)
	for {
		ok, err := tryLock(f)
		if err != nil {
			_ = f.Close()
			t.Fatalf("lock %s: %v", f.Name(), err)
		}
		if ok {
			break
		}
		if time.Now().After(deadline) {
			_ = f.Close()
			t.Fatalf("reader %q stayed locked by another test process for %v (%s)", s.Reader, 5*Timeout, f.Name())
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Cleanup(func() {
		_ = unlock(f)
		_ = f.Close()
	})
}

// showLogOnFailure prints the end of pcscd's log when the test fails.
func showLogOnFailure(t testing.TB) {
	path := os.Getenv(EnvLog)
	if path == "" {
		return
	}
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return
		}
		lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
		t.Logf("last lines of %s:\n%s", path, strings.Join(lines[max(0, len(lines)-40):], "\n"))
	})
}

// Insert serves card in the reader (through adapters/vpcd) and waits until
// PC/SC reports it present. The returned remove takes the card out and waits
// until the reader is empty; it runs at the end of the test if not called.
func (s Stack) Insert(t testing.TB, card vpcd.Card) (remove func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	connected := make(chan struct{}, 1)
	srv := &vpcd.Server{Addr: s.Addr, Card: card, ConnState: func(c bool, err error) {
		if c {
			select {
			case connected <- struct{}{}:
			default:
			}
			return
		}
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Logf("vpcd: card left the reader: %v", err)
		}
	}}
	go func() { served <- srv.Serve(ctx) }()
	remove = sync.OnceFunc(func() {
		cancel()
		if err := <-served; !errors.Is(err, context.Canceled) {
			t.Errorf("vpcd.Serve on %s: %v", s.Addr, err)
		}
		wctx, wcancel := context.WithTimeout(context.Background(), Timeout)
		defer wcancel()
		if err := waitRemoval(wctx, s.Reader); err != nil {
			t.Errorf("card removed from %q but PC/SC still sees it: %v", s.Reader, err)
		}
	})
	t.Cleanup(remove)

	select {
	case <-connected:
	case <-time.After(Timeout):
		t.Fatalf("vpcd driver at %s did not accept the card within %v", s.Addr, Timeout)
	}
	wctx, wcancel := context.WithTimeout(context.Background(), Timeout)
	defer wcancel()
	if err := pcsc.WaitForCard(wctx, s.Reader); err != nil {
		t.Fatalf("card served at %s, but reader %q does not see it: %v", s.Addr, s.Reader, err)
	}
	return remove
}

func waitRemoval(ctx context.Context, reader string) error {
	c, err := scard.EstablishContext()
	if err != nil {
		return err
	}
	defer c.Release()
	return c.WaitForRemoval(ctx, reader)
}

// Connect is Require, Insert and pcsc.Open: a Reader talking to card through
// pcscd, closed (and the card removed) when the test ends.
func Connect(t testing.TB, card vpcd.Card) *pcsc.Reader {
	t.Helper()
	s := Require(t)
	s.Insert(t, card)
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	r, err := pcsc.Open(ctx, s.Reader)
	if err != nil {
		t.Fatalf("open %q: %v", s.Reader, err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r
}

// Lost reports whether err is what PC/SC says while a card is torn away or
// coming back: an answer without status word, the card removed or reset, an
// exchange not transacted, no card yet, or pcscd restarting.
func Lost(err error) bool {
	for _, target := range []error{pcsc.ErrShortResponse, pcsc.ErrRemovedCard, pcsc.ErrResetCard, pcsc.ErrNotTransacted, pcsc.ErrNoSmartcard, pcsc.ErrServiceLost} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// Recover brings r back after a tear, as an application does: wait for the
// card, reconnect, and run probe (typically a new card session) until it
// succeeds. Errors for which [Lost] holds are retried until [Timeout]; any
// other error fails the test. pcscd notices a removal only at its next
// presence poll, so the first rounds may still see the old card.
func Recover(t testing.TB, r *pcsc.Reader, probe func() error) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(Timeout)
	for round := 1; ; round++ {
		wctx, cancel := context.WithTimeout(ctx, Timeout)
		err := pcsc.WaitForCard(wctx, r.Name())
		cancel()
		if err == nil {
			err = r.Reconnect(ctx)
		}
		if err == nil {
			err = probe()
		}
		if err == nil {
			return
		}
		if !Lost(err) {
			t.Fatalf("recovering %q, round %d: %v", r.Name(), round, err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recovery of %q within %v (%d rounds): %v", r.Name(), Timeout, round, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
