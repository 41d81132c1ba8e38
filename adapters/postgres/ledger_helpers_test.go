package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/lifecycle"
)

func testNow() time.Time { return time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC) }

func newLedger(t testing.TB, s lifecycle.Store) *lifecycle.Ledger {
	t.Helper()
	l, err := lifecycle.NewLedger(lifecycle.Config{Store: s, Clock: testNow})
	require.NoError(t, err)
	return l
}

var cityOp = lifecycle.Operator{Level: lifecycle.LevelCity, User: "city-admin"}

// seedIssued stores n issued registry cards in districts 01..04.
func seedIssued(t testing.TB, s lifecycle.Store, n int) []lifecycle.Card {
	t.Helper()
	ctx := context.Background()
	cards := make([]lifecycle.Card, n)
	require.NoError(t, s.Tx(ctx, func(tx lifecycle.Tx) error {
		for i := range cards {
			d := fmt.Sprintf("%02d", i%4+1)
			c, err := tx.PutCard(ctx, lifecycle.Card{ID: fmt.Sprintf("RC%06d", i), Kind: lifecycle.KindRegistryCard,
				State: lifecycle.RegIssued, Holder: lifecycle.LevelSchool, District: d, School: "01" + d + "0001", UpdatedAt: testNow()})
			if err != nil {
				return err
			}
			cards[i] = c
		}
		return nil
	}))
	return cards
}

// toggle freezes an issued card or unfreezes a frozen one through the Ledger.
func toggle(ctx context.Context, l *lifecycle.Ledger, s lifecycle.Store, id string) error {
	var c lifecycle.Card
	if err := s.Tx(ctx, func(tx lifecycle.Tx) (err error) { c, err = tx.GetCard(ctx, id); return err }); err != nil {
		return err
	}
	a := lifecycle.ActFreeze
	if c.State == lifecycle.RegFrozen {
		a = lifecycle.ActUnfreeze
	}
	op := lifecycle.Operator{Level: lifecycle.LevelSchool, District: c.District, School: c.School, User: "teacher"}
	_, err := l.Transition(ctx, op, lifecycle.Request{CardID: id, Action: a})
	return err
}

// allEvents pages through one card's events.
func allEvents(ctx context.Context, tx lifecycle.Tx, id string) ([]lifecycle.Event, error) {
	var out []lifecycle.Event
	var after int64
	for {
		page, err := tx.CardEvents(ctx, id, after, 500)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < 500 {
			return out, nil
		}
		after = page[len(page)-1].Seq
	}
}
