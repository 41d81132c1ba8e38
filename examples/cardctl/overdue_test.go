package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/sqlite"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

// writeLedger makes a ledger database with deadlines of two districts:
// overdue ones, one not yet due and one done.
func writeLedger(t *testing.T, path string) {
	t.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, path, sqlite.Options{})
	require.NoError(t, err)
	defer func() { require.NoError(t, store.Close()) }()
	start := time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)
	deadlines := []lifecycle.Deadline{
		{ID: "R-LOSS-3/8601", Rule: "R-LOSS-3", Subject: "8601000000000001", Level: studentid.LevelSchool, District: "08", School: "01080001", Start: start, DueAt: start.AddDate(0, 0, 20)},
		{ID: "R-TIME-1/0108/B1", Rule: "R-TIME-1", Subject: "B1", Level: studentid.LevelDistrict, District: "08", Start: start, DueAt: start.AddDate(0, 0, 14)},
		{ID: "R-ISSUE-4/01080002/P7", Rule: "R-ISSUE-4", Subject: "P7", Level: studentid.LevelSchool, District: "08", School: "01080002", Start: start, DueAt: start.AddDate(0, 0, 30)},
		{ID: "R-TIME-1/0105/B2", Rule: "R-TIME-1", Subject: "B2", Level: studentid.LevelDistrict, District: "05", Start: start, DueAt: start.AddDate(0, 0, 10)},
		{ID: "R-LOSS-3/later", Rule: "R-LOSS-3", Subject: "8601000000000002", Level: studentid.LevelSchool, District: "08", School: "01080001", Start: start, DueAt: start.AddDate(0, 2, 0)},
		{ID: "R-LOSS-3/done", Rule: "R-LOSS-3", Subject: "8601000000000003", Level: studentid.LevelSchool, District: "08", School: "01080001", Start: start, DueAt: start.AddDate(0, 0, 5), DoneAt: start.AddDate(0, 0, 4)},
	}
	require.NoError(t, store.Tx(ctx, func(tx lifecycle.Tx) error {
		for _, d := range deadlines {
			if err := tx.PutDeadline(ctx, d); err != nil {
				return err
			}
		}
		return nil
	}))
}

func TestOverdue(t *testing.T) {
	dir := t.TempDir()
	writeLedger(t, filepath.Join(dir, "ledger.sqlite"))

	t.Run("R-TIME-1/district sees its own overdue deadlines, oldest first", func(t *testing.T) {
		o := exe(t, dir, "--json", "overdue", "--db", "ledger.sqlite", "--district", "08")
		require.Equal(t, exitOK, o.code, o.stderr)
		r := resultOf(t, jsonOut(t, o))
		assert.EqualValues(t, 3, r["count"])
		ds := r["deadlines"].([]any)
		require.Len(t, ds, 3)
		assert.Equal(t, "R-TIME-1/0108/B1", ds[0].(map[string]any)["id"])
		assert.Equal(t, "R-LOSS-3/8601", ds[1].(map[string]any)["id"])
		assert.Equal(t, "R-ISSUE-4/01080002/P7", ds[2].(map[string]any)["id"])
		assert.EqualValues(t, 17, ds[0].(map[string]any)["overdue_days"])
		assert.Equal(t, false, r["truncated"])
	})
	t.Run("R-LOSS-3/school report in Chinese and English", func(t *testing.T) {
		o := exe(t, dir, "overdue", "--db", "ledger.sqlite", "--level", "school", "--school", "01080001")
		require.Equal(t, exitOK, o.code, o.stderr)
		assert.Contains(t, o.stdout, "R-LOSS-3 R-LOSS-3/8601 8601000000000001（校级 08 01080001）应于 2026-08-21 08:00 前办结，已超期 11 天")
		assert.Contains(t, o.stdout, "学校 01080001共有 1 项超期")
		o = exe(t, dir, "--lang", "en", "overdue", "--db", "ledger.sqlite", "--level", "city")
		require.Equal(t, exitOK, o.code, o.stderr)
		assert.Contains(t, o.stdout, "4 overdue deadlines in the whole city")
	})
	t.Run("R-ISSUE-4/limit truncates", func(t *testing.T) {
		o := exe(t, dir, "--json", "overdue", "--db", "ledger.sqlite", "--level", "city", "--limit", "2")
		require.Equal(t, exitOK, o.code, o.stderr)
		r := resultOf(t, jsonOut(t, o))
		assert.EqualValues(t, 2, r["count"])
		assert.Equal(t, true, r["truncated"])
	})
	t.Run("S-4/outside the operator's scope is forbidden", func(t *testing.T) {
		for _, args := range [][]string{
			{"--level", "application"},
			{"--level", "school", "--district", "05", "--school", "01080001"},
		} {
			o := exe(t, dir, append([]string{"--json", "overdue", "--db", "ledger.sqlite"}, args...)...)
			assert.Equal(t, exitForbidden, o.code, "%v: %s", args, o.stderr)
			assert.Equal(t, "forbidden", jsonOut(t, o)["error"].(map[string]any)["kind"])
		}
	})
	t.Run("missing database is an I/O error, not a new database", func(t *testing.T) {
		o := exe(t, dir, "overdue", "--db", "nope.sqlite", "--district", "08")
		assert.Equal(t, exitIO, o.code)
		assert.NoFileExists(t, filepath.Join(dir, "nope.sqlite"))
	})
}
