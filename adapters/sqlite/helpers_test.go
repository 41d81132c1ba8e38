package sqlite_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

// testNow is the fixed clock of the tests' ledgers (Beijing 2026-03-02 09:00).
func testNow() time.Time { return time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC) }

func newLedger(t testing.TB, s lifecycle.Store) *lifecycle.Ledger {
	t.Helper()
	l, err := lifecycle.NewLedger(lifecycle.Config{Store: s, Clock: testNow})
	require.NoError(t, err)
	return l
}

var cityOp = lifecycle.Operator{Level: studentid.LevelCity, User: "city-admin"}

// seedIssued stores n issued registry cards in districts 01..04, one school
// each, ready for freeze and unfreeze.
func seedIssued(t testing.TB, s lifecycle.Store, n int) []lifecycle.Card {
	t.Helper()
	ctx := context.Background()
	cards := make([]lifecycle.Card, n)
	require.NoError(t, s.Tx(ctx, func(tx lifecycle.Tx) error {
		for i := range cards {
			d := fmt.Sprintf("%02d", i%4+1)
			c, err := tx.PutCard(ctx, lifecycle.Card{ID: fmt.Sprintf("RC%06d", i), Kind: lifecycle.KindRegistryCard,
				State: lifecycle.RegIssued, Holder: studentid.LevelSchool, District: d, School: "01" + d + "0001", UpdatedAt: testNow()})
			if err != nil {
				return err
			}
			cards[i] = c
		}
		return nil
	}))
	return cards
}
