package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/sqlite"
	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/batch/batchtest"
	"github.com/bjedu/studentcard/batch/lists"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

// Card serials of the ledger fixture.
const (
	serialFrozen1 = "04A1B2C3D4E5F601" // 01080001 student 1, frozen on 2 September
	serialLost1   = "04A1B2C3D4E5F602" // 01080001 student 2, reported lost on 2 September
	serialFrozen2 = "04A1B2C3D4E5F603" // 01080002 student 0, frozen on 2 September
)

// writeEventLedger makes a ledger database: students 0-2 of school 01080001
// (student 0 enrolled with another resident ID than the generated records
// give him) and 0-1 of 01080002, three cards issued on 1 September 2026;
// on 2 September one card of each school is frozen and another of 01080001
// reported lost (in effect at the end of the second working day after,
// R-LOSS-1).
func writeEventLedger(t *testing.T, path string) {
	t.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, path, sqlite.Options{})
	require.NoError(t, err)
	defer func() { require.NoError(t, store.Close()) }()
	now := time.Date(2026, 9, 1, 9, 0, 0, 0, lifecycle.Beijing())
	l, err := lifecycle.NewLedger(lifecycle.Config{Store: store, Clock: func() time.Time { return now }})
	require.NoError(t, err)
	city := lifecycle.Operator{Level: studentid.LevelCity, User: "city"}
	district := lifecycle.Operator{Level: studentid.LevelDistrict, District: "08", User: "d08"}
	schoolOp := func(code string) lifecycle.Operator {
		return lifecycle.Operator{Level: studentid.LevelSchool, District: "08", School: code, User: "wang" + code[6:]}
	}
	type student struct {
		school string
		i      int
	}
	numbers := map[student]studentid.ID{}
	for _, s := range []struct {
		school string
		n      int
	}{{"01080001", 3}, {"01080002", 2}} {
		for i := range s.n {
			rec, err := batchtest.Record(s.school, "北京市测试学校"+s.school[5:], i, 1)
			require.NoError(t, err)
			rid := rec.ResidentID
			if s.school == "01080001" && i == 0 {
				other, err := studentid.BuildResidentID("110101", time.Date(2019, 3, 4, 0, 0, 0, 0, time.UTC), 21)
				require.NoError(t, err)
				rid = other.String() // S-ID-1: the number belongs to another person
			}
			_, err = l.Enrol(ctx, schoolOp(s.school), lifecycle.Student{Key: s.school + "/" + rec.RegistryNo.String(), Number: rec.RegistryNo.String(), Name: rec.Name, IDNumber: rid})
			require.NoError(t, err)
			id, err := studentid.Parse(rec.RegistryNo.String())
			require.NoError(t, err)
			numbers[student{s.school, i}] = id
		}
	}
	cards := []struct {
		serial, school string
		i              int
	}{{serialFrozen1, "01080001", 1}, {serialLost1, "01080001", 2}, {serialFrozen2, "01080002", 0}}
	_, err = l.ReceiveStock(ctx, city, "shipment-1", []string{serialFrozen1, serialLost1, serialFrozen2})
	require.NoError(t, err)
	for _, c := range cards {
		_, err = l.Transition(ctx, city, lifecycle.Request{CardID: c.serial, Action: lifecycle.ActShipToDistrict, Target: "08"})
		require.NoError(t, err)
		_, err = l.Transition(ctx, district, lifecycle.Request{CardID: c.serial, Action: lifecycle.ActShipToSchool, Target: c.school})
		require.NoError(t, err)
		_, err = l.Personalise(ctx, schoolOp(c.school), c.serial, numbers[student{c.school, c.i}])
		require.NoError(t, err)
		_, err = l.Transition(ctx, schoolOp(c.school), lifecycle.Request{CardID: c.serial, Action: lifecycle.ActIssue})
		require.NoError(t, err)
	}
	for _, step := range []struct {
		at     int // hour on 2 September
		serial string
		school string
		act    lifecycle.Action
	}{{10, serialFrozen1, "01080001", lifecycle.ActFreeze}, {11, serialLost1, "01080001", lifecycle.ActReportLoss}, {12, serialFrozen2, "01080002", lifecycle.ActFreeze}} {
		now = time.Date(2026, 9, 2, step.at, 0, 0, 0, lifecycle.Beijing())
		_, err = l.Transition(ctx, schoolOp(step.school), lifecycle.Request{CardID: step.serial, Action: step.act})
		require.NoError(t, err)
	}
}

// readEvents reads an event file back, verified to its trailer.
func readEvents(t *testing.T, path string) (batch.Header, []lists.Event) {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	er, err := lists.NewEventReader(batch.NewReader(f, filepath.Base(path)), filepath.Base(path))
	require.NoError(t, err)
	var evs []lists.Event
	for {
		ev, err := er.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		evs = append(evs, ev)
	}
	return er.Header(), evs
}

func TestListsExport(t *testing.T) {
	dir := t.TempDir()
	writeEventLedger(t, filepath.Join(dir, "ledger.sqlite"))
	const after = "2026-09-03T12:00:00+08:00" // the day of 2 September is over

	t.Run("R-LIST-1/a school's day: its own freeze and the loss reported that day", func(t *testing.T) {
		o := exe(t, dir, "--now", after, "lists", "export", "--db", "ledger.sqlite", "--school", "01080001", "--day", "2026-09-02")
		require.Equal(t, exitOK, o.code, o.stderr)
		assert.Contains(t, o.stdout, "学校 01080001，2026-09-02：2 个事件 -> LISTEVENT_01080001_20260902.txt")
		h, evs := readEvents(t, filepath.Join(dir, "LISTEVENT_01080001_20260902.txt"))
		assert.Equal(t, studentid.LevelSchool, h.Level)
		assert.Equal(t, "01080001", h.Code)
		require.Len(t, evs, 2)
		assert.Equal(t, serialFrozen1, evs[0].Serial.String())
		assert.Equal(t, lists.KindFreeze, evs[0].Kind)
		assert.Equal(t, "01080001", evs[0].School.String())
	})
	t.Run("R-LOSS-1/the loss goes up on the day it is reported, not held back", func(t *testing.T) {
		// Reported on Wednesday 2 September: on that day's list; the end of
		// Friday 4 September is only the latest it may take effect.
		o := exe(t, dir, "--now", after, "--json", "lists", "export", "--db", "ledger.sqlite",
			"--school", "01080001", "--day", "2026-09-02", "-o", "loss.txt")
		require.Equal(t, exitOK, o.code, o.stderr)
		r := resultOf(t, jsonOut(t, o))
		assert.EqualValues(t, 2, r["events"])
		assert.Equal(t, map[string]any{"loss": float64(1), "freeze": float64(1)}, r["kinds"])
		_, evs := readEvents(t, filepath.Join(dir, "loss.txt"))
		require.Len(t, evs, 2)
		assert.Equal(t, serialLost1, evs[1].Serial.String())
		o = exe(t, dir, "--now", "2026-09-06T12:00:00+08:00", "--json", "lists", "export", "--db", "ledger.sqlite",
			"--school", "01080001", "--day", "2026-09-05", "-o", "later.txt")
		require.Equal(t, exitOK, o.code, o.stderr)
		assert.EqualValues(t, 0, resultOf(t, jsonOut(t, o))["events"], "listed once")
	})
	t.Run("R-LIST-1/the district's day, merged by the district as school files are", func(t *testing.T) {
		o := exe(t, dir, "--now", after, "--lang", "en", "lists", "export", "--db", "ledger.sqlite", "--level", "district", "--district", "08",
			"--day", "2026-09-02")
		require.Equal(t, exitOK, o.code, o.stderr)
		assert.Contains(t, o.stdout, "district 08, 2026-09-02: 3 events -> LISTEVENT_0108_20260902.txt")
		h, evs := readEvents(t, filepath.Join(dir, "LISTEVENT_0108_20260902.txt"))
		assert.Equal(t, "0108", h.Code)
		require.Len(t, evs, 3)
		o = exe(t, dir, "lists", "merge", "--level", "city", "-o", "city.txt", "LISTEVENT_0108_20260902.txt")
		require.Equal(t, exitOK, o.code, "the city takes the district's file: %s", o.stderr)
	})
	t.Run("R-LIST-1/a day with nothing: an empty file that still verifies", func(t *testing.T) {
		o := exe(t, dir, "--now", after, "lists", "export", "--db", "ledger.sqlite", "--school", "01080002", "--day", "2026-09-01")
		require.Equal(t, exitOK, o.code, o.stderr)
		assert.EqualValues(t, 0, countRecords(t, filepath.Join(dir, "LISTEVENT_01080002_20260901.txt")))
	})
	t.Run("S-4/outside the operator's scope is forbidden", func(t *testing.T) {
		for _, args := range [][]string{
			{"--level", "application"},
			{"--school", "01080001", "--district", "05"},
		} {
			o := exe(t, dir, append([]string{"--now", after, "--json", "lists", "export", "--db", "ledger.sqlite", "--day", "2026-09-02", "-o", "no.txt"}, args...)...)
			assert.Equal(t, exitForbidden, o.code, "%v: %s", args, o.stderr)
			assert.NoFileExists(t, filepath.Join(dir, "no.txt"))
		}
	})
	t.Run("R-LIST-1/usage", func(t *testing.T) {
		for _, args := range [][]string{
			{"lists", "export", "--school", "01080001", "--day", "2026-09-02"},
			{"lists", "export", "--db", "ledger.sqlite", "--school", "01080001", "--day", "20260902"},
			{"lists", "export", "--db", "ledger.sqlite", "--level", "province", "--day", "2026-09-02"},
		} {
			o := exe(t, dir, args...)
			assert.Equal(t, exitUsage, o.code, "%v: %s", args, o.stderr)
		}
		o := exe(t, dir, "lists", "export", "--db", "nope.sqlite", "--school", "01080001", "--day", "2026-09-02")
		assert.Equal(t, exitIO, o.code)
		assert.NoFileExists(t, filepath.Join(dir, "nope.sqlite"))
	})
}

// TestValidateHistory: with the ledger, the district refuses a registry
// number assigned before to another resident ID (S-ID-1).
func TestValidateHistory(t *testing.T) {
	dir := t.TempDir()
	writeEventLedger(t, filepath.Join(dir, "ledger.sqlite"))
	writeCardData(t, filepath.Join(dir, "s1.txt"), "01080001", 5)
	writeCardData(t, filepath.Join(dir, "s2.txt"), "01080002", 5)

	t.Run("S-ID-1/a number of another student is refused", func(t *testing.T) {
		o := exe(t, dir, "--json", "validate", "--code", "0108", "--history-db", "ledger.sqlite", "s1.txt")
		require.Equal(t, exitInvalid, o.code, o.stderr)
		r := resultOf(t, jsonOut(t, o))
		errs := r["errors"].([]any)
		require.Len(t, errs, 1)
		assert.Equal(t, string(batch.ReasonReassigned), errs[0].(map[string]any)["reason"])
		rows := readFailures(t, filepath.Join(dir, "s1.failures.txt"))
		require.Len(t, rows, 1)
		assert.Equal(t, batch.ReasonReassigned, rows[0].Reason)
		assert.Equal(t, 3, rows[0].Line, "the first record")
	})
	t.Run("S-ID-1/the same file passes without the history", func(t *testing.T) {
		o := exe(t, dir, "validate", "--code", "0108", "s1.txt", "--failures", "none.txt")
		require.Equal(t, exitOK, o.code, o.stdout)
	})
	t.Run("S-ID-1/numbers enrolled with the same resident ID pass", func(t *testing.T) {
		o := exe(t, dir, "validate", "--code", "0108", "--history-db", "ledger.sqlite", "s2.txt")
		require.Equal(t, exitOK, o.code, o.stdout)
	})
	t.Run("S-ID-1/the city asks the same ledger", func(t *testing.T) {
		o := exe(t, dir, "merge", "--code", "0108", "-o", "district.txt", "s1.txt")
		require.Equal(t, exitOK, o.code, o.stderr)
		o = exe(t, dir, "validate", "--level", "city", "--history-db", "ledger.sqlite", "district.txt")
		assert.Equal(t, exitInvalid, o.code, o.stdout)
	})
	t.Run("S-ID-1/usage and missing ledger", func(t *testing.T) {
		o := exe(t, dir, "validate", "--code", "01080001", "--history-db", "ledger.sqlite", "s2.txt")
		assert.Equal(t, exitUsage, o.code, o.stderr)
		o = exe(t, dir, "validate", "--code", "0108", "--history-db", "nope.sqlite", "s2.txt")
		assert.Equal(t, exitIO, o.code, o.stderr)
		assert.NoFileExists(t, filepath.Join(dir, "nope.sqlite"))
	})
}
