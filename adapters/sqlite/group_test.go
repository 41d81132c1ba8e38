package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/sqlite"
	"github.com/bjedu/studentcard/lifecycle"
)

// TestGroupCommit: callers queued behind a transaction in flight run as one
// group (one COMMIT); a caller that fails or panics is rolled back alone, a
// caller whose context ends while queued leaves without running, and every
// other caller's writes are kept, all or nothing per caller (P-3: the ledger
// records exactly what each call did).
func TestGroupCommit(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t, sqlite.Options{})
	defer s.Close()
	put := func(tx lifecycle.Tx, n string) error {
		_, err := tx.PutNumber(ctx, lifecycle.NumberRecord{Number: n, StudentKey: "k" + n, School: "01050120", At: time.Now()})
		return err
	}

	inFlight, release, first := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		first <- s.Tx(ctx, func(tx lifecycle.Tx) error {
			close(inFlight)
			<-release
			return put(tx, "0105012000000000")
		})
	}()
	<-inFlight

	const callers = 12
	boom := errors.New("caller's own failure")
	type outcome struct {
		err      error
		panicked any
	}
	results := make([]outcome, callers)
	cancelled, cancel := context.WithCancel(ctx)
	ran := make([]bool, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { results[i].panicked = recover() }()
			cctx := ctx
			if i == 7 {
				cctx = cancelled
			}
			results[i].err = s.Tx(cctx, func(tx lifecycle.Tx) error {
				ran[i] = true
				// two rows each: all or nothing per caller
				if err := put(tx, fmt.Sprintf("01050120%08d", 2*i+1)); err != nil {
					return err
				}
				if err := put(tx, fmt.Sprintf("01050120%08d", 2*i+2)); err != nil {
					return err
				}
				switch i {
				case 3:
					return boom
				case 5:
					panic("caller 5 panics")
				case 9:
					return put(tx, "0105012000000000") // a duplicate of the first caller's: its own conflict
				}
				return nil
			})
		}()
	}
	time.Sleep(200 * time.Millisecond) // let them queue behind the transaction in flight
	cancel()
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	require.NoError(t, <-first)

	var got []string
	for after := ""; ; {
		page, err := s.AssignedNumbers(ctx, "01050120", after, 0)
		require.NoError(t, err)
		for _, a := range page {
			got = append(got, a.Number)
		}
		if len(page) < lifecycle.AssignedPageLimit {
			break
		}
		after = page[len(page)-1].Number
	}
	want := []string{"0105012000000000"}
	for i := range callers {
		switch i {
		case 3:
			assert.ErrorIs(t, results[i].err, boom, "caller 3 gets its own error")
		case 5:
			assert.Equal(t, "caller 5 panics", results[i].panicked, "the panic reaches its own caller")
		case 7:
			assert.ErrorIs(t, results[i].err, context.Canceled)
			assert.False(t, ran[i], "a caller whose context ended in the queue never runs")
		case 9:
			assert.ErrorIs(t, results[i].err, lifecycle.ErrDuplicate)
		default:
			assert.NoError(t, results[i].err, "caller %d is not affected by the others", i)
			assert.Nil(t, results[i].panicked)
			want = append(want, fmt.Sprintf("01050120%08d", 2*i+1), fmt.Sprintf("01050120%08d", 2*i+2))
		}
	}
	assert.ElementsMatch(t, want, got, "every successful caller's two rows, none of the failed callers'")

	require.NoError(t, s.Close())
	assert.ErrorIs(t, s.Tx(ctx, func(lifecycle.Tx) error { return nil }), sqlite.ErrClosed)
}
