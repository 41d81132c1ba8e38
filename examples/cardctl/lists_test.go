package main

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/batch/batchtest"
	"github.com/bjedu/studentcard/batch/lists"
	"github.com/bjedu/studentcard/studentid"
)

// serialOf is the test serial of student i of a school.
func serialOf(school string, i int) string {
	return fmt.Sprintf("86%s%08X", school[2:8], i)
}

type testEvent struct {
	i    int
	kind lists.Kind
	at   time.Time
}

// writeEvents writes a school's event file (R-DAILY-1 → R-LIST-1).
func writeEvents(t *testing.T, path, school string, evs ...testEvent) {
	t.Helper()
	var events []lists.Event
	for _, ev := range evs {
		rec, err := batchtest.Record(school, "学校", ev.i, 1)
		require.NoError(t, err)
		id, err := studentid.Parse(rec.RegistryNo.String())
		require.NoError(t, err)
		sn, err := studentid.ParseSerial(serialOf(school, ev.i))
		require.NoError(t, err)
		events = append(events, lists.Event{Serial: sn, RegistryNo: id, Kind: ev.kind, Time: ev.at, School: id.School(), Operator: "op1"})
	}
	lists.SortEvents(events)
	f, err := os.Create(path)
	require.NoError(t, err)
	defer f.Close()
	w, err := lists.NewEventWriter(f, filepath.Base(path), batch.Header{Level: studentid.LevelSchool, Code: school, Batch: "E1", Created: created})
	require.NoError(t, err)
	for _, e := range events {
		require.NoError(t, w.Write(e))
	}
	require.NoError(t, w.Close())
}

func TestLists(t *testing.T) {
	dir := t.TempDir()
	day1 := time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)
	day2 := day1.AddDate(0, 0, 1)
	writeEvents(t, filepath.Join(dir, "s1.txt"), "01080001",
		testEvent{0, lists.KindLoss, day1}, testEvent{1, lists.KindLoss, day1.Add(time.Hour)}, testEvent{2, lists.KindFreeze, day1})
	writeEvents(t, filepath.Join(dir, "s2.txt"), "01080002",
		testEvent{0, lists.KindFreeze, day1}, testEvent{0, lists.KindLoss, day1.Add(time.Minute)})
	writeEvents(t, filepath.Join(dir, "s1-day2.txt"), "01080001",
		testEvent{1, lists.KindUnloss, day2}, testEvent{3, lists.KindLoss, day2})
	dev := func(args ...string) []string { return append(args, "--dev-keys", "lab-seed") }

	t.Run("R-LIST-1/district merges school files; merging twice changes nothing", func(t *testing.T) {
		o := exe(t, dir, "lists", "merge", "--code", "0108", "-o", "district.txt", "s1.txt", "s2.txt", "s1.txt")
		require.Equal(t, exitOK, o.code, o.stderr)
		assert.Contains(t, o.stdout, "读入 8 个事件，写出 5 个，去掉重复 3 个，冲突 0 个 -> district.txt")
		assert.EqualValues(t, 5, countRecords(t, filepath.Join(dir, "district.txt")))
	})
	t.Run("R-LIST-1/json", func(t *testing.T) {
		o := exe(t, dir, "--json", "lists", "merge", "--level", "city", "-o", "city.txt", "district.txt")
		require.Equal(t, exitOK, o.code, o.stderr)
		doc := jsonOut(t, o)
		assert.Equal(t, "lists merge", doc["command"])
		r := resultOf(t, doc)
		assert.EqualValues(t, 5, r["written"])
		assert.EqualValues(t, 0, r["duplicates"])
	})
	t.Run("R-LIST-1/conflicting events are kept and reported", func(t *testing.T) {
		writeEvents(t, filepath.Join(dir, "conflict.txt"), "01080003",
			testEvent{5, lists.KindLoss, day1}, testEvent{5, lists.KindUnloss, day1})
		o := exe(t, dir, "lists", "merge", "--code", "0108", "-o", "c.txt", "conflict.txt")
		require.Equal(t, exitOK, o.code, o.stderr)
		assert.Contains(t, o.stdout, "冲突：")
		assert.Contains(t, o.stdout, "冲突 1 个")
		o = exe(t, dir, "--json", "lists", "merge", "--force", "--code", "0108", "-o", "c.txt", "conflict.txt")
		r := resultOf(t, jsonOut(t, o))
		assert.EqualValues(t, 1, r["conflicts"])
		list := r["conflict_list"].([]any)
		require.Len(t, list, 1)
		assert.Equal(t, serialOf("01080003", 5), list[0].(map[string]any)["serial"])
	})
	t.Run("R-LIST-1/a school may not send another district's events", func(t *testing.T) {
		o := exe(t, dir, "--lang", "en", "lists", "merge", "--code", "0105", "-o", "wrong.txt", "s1.txt")
		assert.Equal(t, exitIO, o.code)
		assert.Contains(t, o.stderr, "outside the sender's area")
		assert.NoFileExists(t, filepath.Join(dir, "wrong.txt"))
	})
	t.Run("R-LIST-1/build version 1", func(t *testing.T) {
		o := exe(t, dir, dev("lists", "build", "--version", "1", "-o", "v1.bjsl", "city.txt")...)
		require.Equal(t, exitOK, o.code, o.stderr)
		assert.Contains(t, o.stdout, "名单版本 1：4 张卡")
		assert.Contains(t, o.stderr, "开发密钥：切勿用于生产")
		b, err := os.ReadFile(filepath.Join(dir, "v1.bjsl"))
		require.NoError(t, err)
		l, err := lists.Open(b, devListKey("lab-seed").Public().(ed25519.PublicKey), lists.Current{})
		require.NoError(t, err)
		assert.EqualValues(t, 1, l.Version())
		sn, _ := studentid.ParseSerial(serialOf("01080002", 0))
		st, ok := l.Lookup(sn)
		assert.True(t, ok)
		assert.Equal(t, lists.StatusAll, st)
	})
	t.Run("R-LIST-1/build version 2 on version 1, diff, lookup through the delta", func(t *testing.T) {
		o := exe(t, dir, dev("lists", "build", "--version", "2", "--base", "v1.bjsl", "-o", "v2.bjsl", "s1-day2.txt")...)
		require.Equal(t, exitOK, o.code, o.stderr)
		o = exe(t, dir, dev("--json", "lists", "diff", "-o", "d12.bjsd", "v1.bjsl", "v2.bjsl")...)
		require.Equal(t, exitOK, o.code, o.stderr)
		r := resultOf(t, jsonOut(t, o))
		assert.EqualValues(t, 1, r["base"])
		assert.EqualValues(t, 2, r["version"])
		assert.ElementsMatch(t, []any{
			map[string]any{"serial": serialOf("01080001", 1), "status": "removed"},
			map[string]any{"serial": serialOf("01080001", 3), "status": "lost"},
		}, r["changes"])

		o = exe(t, dir, dev("--json", "lists", "lookup", "--delta", "d12.bjsd", "v1.bjsl", serialOf("01080001", 1), serialOf("01080001", 3), serialOf("01080002", 0))...)
		require.Equal(t, exitOK, o.code, o.stderr)
		r = resultOf(t, jsonOut(t, o))
		assert.EqualValues(t, 2, r["version"])
		res := r["results"].([]any)
		require.Len(t, res, 3)
		assert.Equal(t, false, res[0].(map[string]any)["listed"])
		assert.Equal(t, true, res[1].(map[string]any)["lost"])
		assert.Equal(t, true, res[2].(map[string]any)["frozen"])

		o = exe(t, dir, dev("--lang", "en", "lists", "lookup", "v2.bjsl", serialOf("01080001", 3), "86FFFFFFFFFFFFFF")...)
		require.Equal(t, exitOK, o.code, o.stderr)
		assert.Contains(t, o.stdout, serialOf("01080001", 3)+" lost\n")
		assert.Contains(t, o.stdout, "86FFFFFFFFFFFFFF not on the list")
	})
	t.Run("R-LIST-1/lists signed with PEM keys, loss-only list for the transit company", func(t *testing.T) {
		pub, priv, err := ed25519.GenerateKey(nil)
		require.NoError(t, err)
		der, err := x509.MarshalPKCS8PrivateKey(priv)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "sign.pem"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600))
		der, err = x509.MarshalPKIXPublicKey(pub)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "pub.pem"), pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o644))
		o := exe(t, dir, "--json", "lists", "build", "--sign-key", "sign.pem", "--covers", "lost", "--version", "1", "-o", "transit.bjsl", "city.txt")
		require.Equal(t, exitOK, o.code, o.stderr)
		assert.EqualValues(t, 3, resultOf(t, jsonOut(t, o))["entries"])
		assert.Empty(t, o.stderr, "no development-key warning")
		o = exe(t, dir, "lists", "lookup", "--pub-key", "pub.pem", "transit.bjsl", serialOf("01080001", 2))
		require.Equal(t, exitOK, o.code, o.stderr)
		assert.Contains(t, o.stdout, "不在名单上", "frozen cards are not on a loss-only list")
		o = exe(t, dir, "lists", "lookup", "--pub-key", "pub.pem", "v1.bjsl", serialOf("01080001", 2))
		assert.Equal(t, exitIO, o.code, "v1 was signed by another key")
		assert.Contains(t, o.stderr, "v1.bjsl")
	})
	t.Run("R-LIST-1/altered list refused", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join(dir, "v1.bjsl"))
		require.NoError(t, err)
		b[lists.HeaderSize+8] ^= 0x03
		require.NoError(t, os.WriteFile(filepath.Join(dir, "bad.bjsl"), b, 0o644))
		o := exe(t, dir, dev("--lang", "en", "lists", "lookup", "bad.bjsl", serialOf("01080001", 0))...)
		assert.Equal(t, exitIO, o.code)
		assert.Contains(t, o.stderr, "bad.bjsl: ")
		assert.Contains(t, o.stderr, "digest mismatch")
	})
	t.Run("R-LIST-1/delta applied to the wrong base", func(t *testing.T) {
		o := exe(t, dir, dev("lists", "lookup", "--delta", "d12.bjsd", "v2.bjsl", serialOf("01080001", 0))...)
		assert.Equal(t, exitIO, o.code)
		assert.Contains(t, o.stderr, "d12.bjsd")
	})
	t.Run("R-LIST-1/build refuses a version not above its base", func(t *testing.T) {
		for _, v := range []string{"1", "2"} {
			o := exe(t, dir, dev("--lang", "en", "lists", "build", "--base", "v2.bjsl", "--version", v, "-o", "back.bjsl", "s1-day2.txt")...)
			assert.NotEqual(t, exitOK, o.code, "--base v2 --version %s", v)
			assert.Contains(t, o.stderr, "not in version order")
			assert.NoFileExists(t, filepath.Join(dir, "back.bjsl"), "nothing signed")
		}
	})
	t.Run("R-LIST-1/a reader holding version 2 refuses version 1", func(t *testing.T) {
		o := exe(t, dir, dev("--lang", "en", "lists", "lookup", "--held", "v2.bjsl", "v1.bjsl", serialOf("01080001", 1))...)
		assert.Equal(t, exitIO, o.code)
		assert.Contains(t, o.stderr, "v1.bjsl: ")
		assert.Contains(t, o.stderr, "list version older than the one the reader holds")
		o = exe(t, dir, dev("lists", "lookup", "--held", "v1.bjsl", "v2.bjsl", serialOf("01080001", 1))...)
		assert.Equal(t, exitOK, o.code, o.stderr)
	})
	t.Run("R-LIST-1/diff refuses to go back", func(t *testing.T) {
		o := exe(t, dir, dev("--lang", "en", "lists", "diff", "-o", "d21.bjsd", "v2.bjsl", "v1.bjsl")...)
		assert.Equal(t, exitIO, o.code)
		assert.Contains(t, o.stderr, "v1.bjsl: ")
		assert.Contains(t, o.stderr, "older than the one the reader holds")
		assert.NoFileExists(t, filepath.Join(dir, "d21.bjsd"))
	})
	t.Run("usage errors", func(t *testing.T) {
		for _, args := range [][]string{
			{"lists"},
			{"lists", "sort"},
			{"lists", "build", "-o", "x.bjsl", "city.txt"},
			dev("lists", "build", "--version", "3", "city.txt"),
			{"lists", "lookup", "v1.bjsl", serialOf("01080001", 0)},
			dev("lists", "lookup", "v1.bjsl", "not-a-serial"),
			dev("lists", "diff", "-o", "d.bjsd", "v1.bjsl"),
		} {
			o := exe(t, dir, args...)
			assert.Equal(t, exitUsage, o.code, "%v: %s", args, o.stderr)
			assert.Contains(t, o.stderr, "用法错误")
		}
	})
}
