package sqlite_test

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/sqlite"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

// The crash test re-executes this test binary as a child (TestMain sees
// crashEnv) that imports one large stock shipment file into a SQLite store
// and reports its progress on stdout; the parent kills it with SIGKILL.
const (
	crashEnv      = "STUDENTCARD_SQLITE_CRASH_DB"
	crashModeEnv  = "STUDENTCARD_SQLITE_CRASH_MODE" // "hold": stop mid-transaction and wait to be killed
	crashCards    = 20000
	crashProgress = 10000 // cards written when the child says "progress"
	crashDigest   = "5f1e0000crash0000000000000000000000000000000000000000000000000000"
)

func TestMain(m *testing.M) {
	if path := os.Getenv(crashEnv); path != "" {
		os.Exit(crashChild(path, os.Getenv(crashModeEnv) == "hold"))
	}
	os.Exit(m.Run())
}

func crashIDs() []string {
	ids := make([]string, crashCards)
	for i := range ids {
		ids[i] = fmt.Sprintf("STOCK%08d", i)
	}
	return ids
}

// crashChild runs the import; it never returns normally when killed.
func crashChild(path string, hold bool) int {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		fmt.Println("error", err)
		return 2
	}
	out := bufio.NewWriter(os.Stdout)
	say := func(line string) { fmt.Fprintln(out, line); _ = out.Flush() }
	l, err := lifecycle.NewLedger(lifecycle.Config{Store: &progressStore{Store: s, at: crashProgress, hit: func() {
		say("progress")
		if hold {
			_, _ = io.Copy(io.Discard, os.Stdin) // blocks until killed: the parent never closes stdin
		}
	}}, Clock: testNow})
	if err != nil {
		fmt.Println("error", err)
		return 2
	}
	if _, err := l.ReceiveStock(ctx, cityOp, crashDigest, crashIDs()); err != nil {
		say("error " + err.Error())
		return 2
	}
	say("committed")
	_, _ = io.Copy(io.Discard, os.Stdin)
	return 0
}

// progressStore calls hit once, inside the transaction, when the at-th card
// has been written.
type progressStore struct {
	lifecycle.Store
	at  int
	n   int
	hit func()
}

func (p *progressStore) Tx(ctx context.Context, fn func(lifecycle.Tx) error) error {
	return p.Store.Tx(ctx, func(tx lifecycle.Tx) error { return fn(&progressTx{Tx: tx, p: p}) })
}

type progressTx struct {
	lifecycle.Tx
	p *progressStore
}

func (t *progressTx) PutCard(ctx context.Context, c lifecycle.Card) (lifecycle.Card, error) {
	out, err := t.Tx.PutCard(ctx, c)
	if t.p.n++; t.p.n == t.p.at {
		t.p.hit()
	}
	return out, err
}

// TestCrashDuringImport kills a process in the middle of a large batch
// import (SIGKILL: no deferred code, no rollback) and proves the store then
// holds all of the file or none of it, the audit chain still verifies (P-3),
// and importing the file again lands it exactly once (R-ISSUE-1, keyed by
// the file digest).
func TestCrashDuringImport(t *testing.T) {
	seed := time.Now().UnixNano()
	t.Logf("random kill delay seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 1))
	for _, tc := range []struct {
		name     string
		mode     string
		waitFor  string
		delay    time.Duration
		wantSome *bool // nil: all or none is enough
	}{
		{"R-ISSUE-1/killed mid-transaction: none", "hold", "progress", 0, ptr(false)},
		{"R-ISSUE-1/killed at a random moment: all or none", "run", "progress", time.Duration(rng.IntN(400)) * time.Millisecond, nil},
		{"R-ISSUE-1/killed after commit: all", "run", "committed", 0, ptr(true)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "crash.db")
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), crashEnv+"="+path, crashModeEnv+"="+tc.mode)
			stdin, err := cmd.StdinPipe()
			require.NoError(t, err)
			defer stdin.Close()
			stdout, err := cmd.StdoutPipe()
			require.NoError(t, err)
			cmd.Stderr = os.Stderr
			require.NoError(t, cmd.Start())
			lines := make(chan string, 4)
			go func() {
				sc := bufio.NewScanner(stdout)
				for sc.Scan() {
					lines <- sc.Text()
				}
				close(lines)
			}()
			waitLine(t, lines, tc.waitFor)
			if tc.mode == "hold" {
				wal, err := os.Stat(path + "-wal")
				require.NoError(t, err)
				assert.Greater(t, wal.Size(), int64(1<<20), "uncommitted pages reached the WAL file before the kill")
			}
			time.Sleep(tc.delay)
			require.NoError(t, cmd.Process.Kill())
			_ = cmd.Wait()

			landed := checkAllOrNone(t, path)
			if tc.wantSome != nil {
				assert.Equal(t, *tc.wantSome, landed)
			}

			s, err := sqlite.Open(ctx, path, sqlite.Options{})
			require.NoError(t, err)
			l := newLedger(t, s)
			out, err := l.ReceiveStock(ctx, cityOp, crashDigest, crashIDs())
			require.NoError(t, err)
			assert.Equal(t, landed, out.Already, "a re-run lands only if the first run did not")
			out, err = l.ReceiveStock(ctx, cityOp, crashDigest, crashIDs())
			require.NoError(t, err)
			assert.True(t, out.Already, "and a third run changes nothing")
			require.NoError(t, s.Close())
			assert.True(t, checkAllOrNone(t, path), "after the re-run the file is in, exactly once")
		})
	}
}

func ptr[T any](v T) *T { return &v }

func waitLine(t *testing.T, lines <-chan string, want string) {
	t.Helper()
	timeout := time.After(2 * time.Minute)
	for {
		select {
		case line, ok := <-lines:
			require.True(t, ok, "child exited before %q", want)
			require.NotContains(t, line, "error", "child failed")
			if line == want {
				return
			}
		case <-timeout:
			t.Fatalf("child did not say %q in time", want)
		}
	}
}

// checkAllOrNone opens the store after the crash and reports whether the
// file landed; it fails the test unless the store holds the whole import or
// none of it, the file is intact, and the audit chain verifies.
func checkAllOrNone(t *testing.T, path string) bool {
	t.Helper()
	ctx := context.Background()
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)")
	require.NoError(t, err)
	var check string
	require.NoError(t, db.QueryRow("PRAGMA integrity_check").Scan(&check))
	require.NoError(t, db.Close())
	assert.Equal(t, "ok", check)

	s, err := sqlite.Open(ctx, path, sqlite.Options{})
	require.NoError(t, err)
	defer func() { require.NoError(t, s.Close()) }()
	var imported bool
	var cards, events int
	var stock int64
	require.NoError(t, s.Tx(ctx, func(tx lifecycle.Tx) error {
		_, err := tx.GetImport(ctx, crashDigest)
		if err != nil && !errors.Is(err, lifecycle.ErrNotFound) {
			return err
		}
		imported = err == nil
		for _, id := range crashIDs() {
			if _, err := tx.GetCard(ctx, id); err == nil {
				cards++
			} else if !errors.Is(err, lifecycle.ErrNotFound) {
				return err
			}
		}
		for after := int64(0); ; {
			page, err := tx.ScopeEvents(ctx, lifecycle.Scope{}, after, 5000)
			if err != nil {
				return err
			}
			events += len(page)
			if len(page) < 5000 {
				break
			}
			after = page[len(page)-1].Seq
		}
		stock, err = tx.Stock(ctx, lifecycle.StockKey{Level: studentid.LevelCity, Item: lifecycle.StockBlankRegistry})
		return err
	}))
	want := 0
	if imported {
		want = crashCards
	}
	assert.Equal(t, want, cards, "cards: all or none ("+strconv.FormatBool(imported)+")")
	assert.Equal(t, want, events, "events: all or none")
	assert.Equal(t, int64(want), stock, "stock counter: all or none")
	n, err := lifecycle.Audit{}.Verify(ctx, s, "city", lifecycle.AuditAnchor{})
	require.NoError(t, err, "P-3: the audit chain verifies after the crash")
	if imported {
		assert.Positive(t, n)
	}
	return imported
}
