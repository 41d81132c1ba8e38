package sqlite_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/sqlite"
	"github.com/bjedu/studentcard/lifecycle"
)

// TestDailyUploadAndMonthEnd answers R-OPS-1's two questions through the
// Ledger on this store: "what has not been sent up yet" (events after the
// last successful daily upload, per scope) and "did the last sync succeed".
func TestDailyUploadAndMonthEnd(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t, sqlite.Options{})
	defer s.Close()
	cards := seedIssued(t, s, 8)
	l := newLedger(t, s)
	school := lifecycle.Operator{Level: lifecycle.LevelSchool, District: cards[0].District, School: cards[0].School, User: "t"}
	mine := func() (ids []string) {
		for _, c := range cards {
			if c.School == school.School {
				ids = append(ids, c.ID)
			}
		}
		return ids
	}()
	require.Len(t, mine, 2)
	for _, c := range cards {
		require.NoError(t, toggle(ctx, l, s, c.ID))
	}
	unsent, err := l.Unsent(ctx, school, 100)
	require.NoError(t, err)
	require.Len(t, unsent, 2, "R-OPS-1: only the school's own events are its to send")
	for _, e := range unsent {
		assert.Contains(t, mine, e.CardID)
	}
	_, err = l.RecordSync(ctx, school, lifecycle.SyncDailyUpload, unsent[len(unsent)-1].Seq, true, "2 events")
	require.NoError(t, err)
	unsent, err = l.Unsent(ctx, school, 100)
	require.NoError(t, err)
	assert.Empty(t, unsent, "R-OPS-1: nothing left after a successful upload")

	require.NoError(t, toggle(ctx, l, s, mine[0]))
	_, err = l.RecordSync(ctx, school, lifecycle.SyncDailyUpload, 0, false, "network down")
	require.NoError(t, err)
	unsent, err = l.Unsent(ctx, school, 100)
	require.NoError(t, err)
	require.Len(t, unsent, 1, "R-OPS-1: a failed upload does not move the watermark")
	assert.Equal(t, mine[0], unsent[0].CardID)

	_, err = l.RecordSync(ctx, school, lifecycle.SyncMonthEnd, 0, false, "CMIS timeout")
	require.NoError(t, err)
	last, err := l.LastSync(ctx, school, lifecycle.SyncMonthEnd)
	require.NoError(t, err)
	assert.False(t, last.OK, "R-OPS-1: the month-end sync's failure is visible")
	assert.Equal(t, "CMIS timeout", last.Detail)
	_, err = l.LastSync(ctx, school, lifecycle.SyncStudent)
	assert.ErrorIs(t, err, lifecycle.ErrNotFound, "never synced is not success")
}
