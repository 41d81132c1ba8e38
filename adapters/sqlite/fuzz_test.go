package sqlite_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/sqlite"
	"github.com/bjedu/studentcard/lifecycle"
)

// FuzzCardRoundTrip: whatever bytes a card's fields and an event's reason
// hold (names in GB18030 read wrongly, NULs, invalid UTF-8, SQL fragments),
// they come back exactly as stored — the Store contract's "values
// round-trip exactly", on which the P-3 audit hashes depend.
func FuzzCardRoundTrip(f *testing.F) {
	f.Add("RC0001", "张三", "0105012012601019", int64(1772413200123456))
	f.Add("x'); DROP TABLE cards; --", "\x00\xff\xfe", "", int64(-1))
	f.Add("", "\u00e9\u0301", "\U0010FFFF", int64(0))
	s, err := sqlite.Open(context.Background(), f.TempDir()+"/fuzz.db", sqlite.Options{Sync: sqlite.SyncNormal})
	require.NoError(f, err)
	f.Cleanup(func() { _ = s.Close() })
	f.Fuzz(func(t *testing.T, id, text, student string, micros int64) {
		ctx := context.Background()
		at := time.UnixMicro(micros).UTC()
		c := lifecycle.Card{ID: id, Kind: lifecycle.CardKind(text), State: lifecycle.State(text), Student: student, Box: text,
			Batch: id + text, LostAt: at, UpdatedAt: at}
		err := s.Tx(ctx, func(tx lifecycle.Tx) error {
			old, err := tx.GetCard(ctx, id)
			if err == nil {
				c.Version = old.Version
			}
			stored, err := tx.PutCard(ctx, c)
			if err != nil {
				return err
			}
			got, err := tx.GetCard(ctx, id)
			if err != nil {
				return err
			}
			want := stored
			if at.IsZero() {
				want.LostAt, want.UpdatedAt = time.Time{}, time.Time{}
			}
			assert.Equal(t, want, got)
			ev, err := tx.AppendEvent(ctx, lifecycle.Event{CardID: id, Reason: text, Before: student, At: at})
			if err != nil {
				return err
			}
			evs, err := tx.CardEvents(ctx, id, ev.Seq-1, 1)
			if err != nil {
				return err
			}
			require.Len(t, evs, 1)
			assert.Equal(t, text, evs[0].Reason)
			assert.Equal(t, student, evs[0].Before)
			return nil
		})
		require.NoError(t, err)
	})
}
