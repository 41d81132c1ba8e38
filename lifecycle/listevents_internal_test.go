package lifecycle

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFirstEventFrom checks the window search of ListEvents against a linear
// scan: for random event times (growing with Seq, as one clock writes them)
// spread over three scopes, reading after the Seq it returns yields exactly
// the scope's events at or after t (R-LIST-1).
func TestFirstEventFrom(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 3, 7, 64, 300} {
		s := NewMemStore()
		base := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
		at := base
		schools := []string{"01050123", "01050456", "01060789"}
		require.NoError(t, s.Tx(ctx, func(tx Tx) error {
			for i := 0; i < n; i++ {
				at = at.Add(time.Duration(rng.IntN(3)) * time.Hour) // equal times too
				sc := schools[rng.IntN(len(schools))]
				if _, err := tx.AppendEvent(ctx, Event{CardID: "c", At: at, District: sc[2:4], School: sc}); err != nil {
					return err
				}
			}
			return nil
		}))
		for _, scope := range []Scope{{}, {District: "05"}, {District: "05", School: "01050456"}, {District: "07"}} {
			for probe := 0; probe < 20; probe++ {
				when := base.Add(time.Duration(rng.IntN(2*n+4)-2) * time.Hour)
				require.NoError(t, s.Tx(ctx, func(tx Tx) error {
					all, err := tx.ScopeEvents(ctx, scope, 0, n+1)
					require.NoError(t, err)
					var want []int64
					for _, e := range all {
						if !e.At.Before(when) {
							want = append(want, e.Seq)
						}
					}
					after, err := firstEventFrom(ctx, tx, scope, when)
					require.NoError(t, err)
					rest, err := tx.ScopeEvents(ctx, scope, after, n+1)
					require.NoError(t, err)
					var got []int64
					for _, e := range rest {
						got = append(got, e.Seq)
					}
					assert.Equal(t, want, got, "n=%d scope=%v t=%s", n, scope, when)
					return nil
				}))
			}
		}
	}
}
