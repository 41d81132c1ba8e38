package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/pcsc/pcsctest"
	"github.com/bjedu/studentcard/apdu"
	"github.com/bjedu/studentcard/batch/batchtest"
	"github.com/bjedu/studentcard/card"
	"github.com/bjedu/studentcard/card/sim"
	"github.com/bjedu/studentcard/lab"
	"github.com/bjedu/studentcard/sam"
)

// pupil is a generated grade-1 primary student of school 01080001.
func pupil(t *testing.T) (registry, name string) {
	t.Helper()
	rec, err := batchtest.Record("01080001", "北京市测试学校", 0, 1)
	require.NoError(t, err)
	return rec.RegistryNo.String(), rec.Name
}

func TestCardSim(t *testing.T) {
	dir := t.TempDir()
	reg, name := pupil(t)
	simArgs := func(args ...string) []string {
		return append([]string{"card"}, append(args, "--sim", "--sim-state", "card.json", "--dev-keys", "lab-seed", "--school", "080001")...)
	}

	t.Run("R-ISSUE-3/personalise a blank simulated card", func(t *testing.T) {
		o := exe(t, dir, simArgs("personalise", "--registry", reg, "--name", name, "--gender", "female", "--school-name", "北京市测试学校")...)
		require.Equal(t, exitOK, o.code, o.stderr)
		assert.Contains(t, o.stdout, "卡片 8")
		assert.Contains(t, o.stdout, "（SM4，学籍卡）：已个人化")
		assert.Contains(t, o.stdout, "学生 "+reg+" "+name+"（女，小学），学校 01080001 北京市测试学校，有效期 20260901-")
		assert.Contains(t, o.stdout, "8 条 APDU")
		assert.Contains(t, o.stderr, "开发密钥：切勿用于生产")
		var j simJournal
		b, err := os.ReadFile(filepath.Join(dir, "card.json"))
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(b, &j))
		assert.Equal(t, journalFormat, j.Format)
		require.Len(t, j.Ops, 1)
		assert.Equal(t, "personalise", j.Ops[0].Op)
		assert.NotContains(t, string(b), "lab-seed", "the state file holds no key material")
	})
	t.Run("R-REG-1/register the autumn semester on the kept card", func(t *testing.T) {
		o := exe(t, dir, simArgs("register", "--semester", "2026-2")...)
		require.Equal(t, exitOK, o.code, o.stderr)
		assert.Contains(t, o.stdout, "已注册学期 2026-2")
		assert.Contains(t, o.stdout, "6 条 APDU")
	})
	t.Run("R-REG-1/inspect in English and JSON", func(t *testing.T) {
		o := exe(t, dir, simArgs("inspect", "--lang", "en")...)
		require.Equal(t, exitOK, o.code, o.stderr)
		assert.Contains(t, o.stdout, "(SM4, registry): personalised")
		assert.Contains(t, o.stdout, "registered for semester 2026-2")
		assert.Contains(t, o.stdout, "#2 20260901 01080001 register personalised 2026-2")

		o = exe(t, dir, simArgs("inspect", "--json")...)
		require.Equal(t, exitOK, o.code, o.stderr)
		doc := jsonOut(t, o)
		assert.Equal(t, "card inspect", doc["command"])
		r := resultOf(t, doc)
		assert.Equal(t, "personalised", r["status"])
		assert.Equal(t, "2026-2", r["semester"])
		assert.Equal(t, "sim", r["card"])
		assert.Equal(t, reg, r["student"].(map[string]any)["registry_no"])
		assert.Len(t, r["log"], 2)
	})
	t.Run("R-REG-1/an older semester is refused by the card", func(t *testing.T) {
		o := exe(t, dir, simArgs("register", "--semester", "2026-1")...)
		assert.Equal(t, exitCard, o.code, o.stderr)
	})
	t.Run("R-RECOVER-1/recover wipes the student", func(t *testing.T) {
		o := exe(t, dir, simArgs("recover", "--json")...)
		require.Equal(t, exitOK, o.code, o.stderr)
		r := resultOf(t, jsonOut(t, o))
		assert.Equal(t, "recovered", r["status"])
		assert.Nil(t, r["student"])
	})
	t.Run("R-RECOVER-1/a recovered card is never reused", func(t *testing.T) {
		o := exe(t, dir, simArgs("personalise", "--registry", reg, "--name", name, "--gender", "female", "--school-name", "北京市测试学校")...)
		assert.Equal(t, exitCard, o.code)
		assert.Contains(t, o.stderr, "已回收")
		o = exe(t, dir, simArgs("register", "--lang", "en", "--json")...)
		assert.Equal(t, exitCard, o.code)
		doc := jsonOut(t, o)
		assert.Equal(t, "card", doc["error"].(map[string]any)["kind"])
	})
	t.Run("a kept card made with other development keys is refused", func(t *testing.T) {
		o := exe(t, dir, "card", "inspect", "--sim", "--sim-state", "card.json", "--dev-keys", "other-seed")
		assert.Equal(t, exitIO, o.code)
		assert.Contains(t, o.stderr, "模拟卡文件 card.json：该卡是用另一组 --dev-keys 制作的")
	})
	t.Run("register needs the terminal's school", func(t *testing.T) {
		o := exe(t, dir, "card", "register", "--sim", "--dev-keys", "lab-seed")
		assert.Equal(t, exitUsage, o.code)
		assert.Contains(t, o.stderr, "--school")
	})
	t.Run("without --sim-state every run starts blank", func(t *testing.T) {
		o := exe(t, dir, "--json", "card", "inspect", "--sim", "--dev-keys", "lab-seed", "--serial", "8601020304050607")
		require.Equal(t, exitOK, o.code, o.stderr)
		r := resultOf(t, jsonOut(t, o))
		assert.Equal(t, "blank", r["status"])
		assert.Equal(t, "8601020304050607", r["serial"])
	})
	t.Run("3DES card", func(t *testing.T) {
		o := exe(t, dir, "--json", "card", "personalise", "--sim", "--dev-keys", "lab-seed", "--suite", "3des",
			"--registry", reg, "--name", name, "--gender", "2", "--school-name", "北京市测试学校", "--valid-until", "20320831")
		require.Equal(t, exitOK, o.code, o.stderr)
		r := resultOf(t, jsonOut(t, o))
		assert.Equal(t, "3DES", r["suite"])
		assert.Equal(t, "20320831", r["student"].(map[string]any)["valid_until"])
	})
	t.Run("bad student data is a usage error", func(t *testing.T) {
		o := exe(t, dir, "card", "personalise", "--sim", "--dev-keys", "x", "--registry", "12345", "--name", "a", "--gender", "male", "--school-name", "s")
		assert.Equal(t, exitUsage, o.code)
		assert.Contains(t, o.stderr, "--registry")
	})
}

func TestCardReader(t *testing.T) {
	dir := t.TempDir()
	t.Run("S-6/without cgo PC/SC is not supported", func(t *testing.T) {
		o := exeBin(t, bins.nocgo, dir, "--json", "card", "inspect", "--reader", "Any Reader 00", "--dev-keys", "lab")
		assert.Equal(t, exitUnsupported, o.code, o.stderr)
		assert.Equal(t, "unsupported", jsonOut(t, o)["error"].(map[string]any)["kind"])
		assert.Contains(t, o.stderr, "PC/SC")
	})
	t.Run("S-6/a reader that is not there is a reader error", func(t *testing.T) {
		// With cgo the binary asks pcscd: it is not running, or it has no
		// reader of that name. Both are reader errors.
		o := exe(t, dir, "card", "inspect", "--reader", "No Such Reader 99", "--dev-keys", "lab")
		assert.Contains(t, []int{exitCard, exitUnsupported}, o.code, o.stderr)
	})
}

// fakeReader is a card in a reader for in-process tests: Session runs on the
// simulated card (or PSAM simulator) directly.
type fakeReader struct {
	apdu.Transport
	closed bool
}

func (f *fakeReader) Session(ctx context.Context, fn func(apdu.Transport) error) error {
	return fn(f.Transport)
}

func (f *fakeReader) Close() error { f.closed = true; return nil }

// TestCardReaderPSAM drives the --reader and --psam paths in-process, with
// the registry card and the PSAM simulated behind injected readers.
func TestCardReaderPSAM(t *testing.T) {
	dir := t.TempDir()
	reg, name := pupil(t)
	ks, id, err := devKeySet("issuer", sam.SM4)
	require.NoError(t, err)
	chip, err := sim.New(ks, lab.Info(sam.SM4, [8]byte{0x86, 1, 2, 3, 4, 5, 6, 7}, time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)))
	require.NoError(t, err)
	cfg := sam.PSAMConfig{Suite: sam.SM4, ID: id, DF: card.AID(), Keys: map[sam.KeyRef]sam.PSAMKey{
		{ID: card.KeyIDInternal, Version: 1}: {Usage: sam.UsageEncrypt, Index: 1},
		{ID: card.KeyIDExternal, Version: 1}: {Usage: sam.UsageEncrypt, Index: 2},
		{ID: card.KeyIDMAC, Version: 1}:      {Usage: sam.UsageMAC, Index: 3},
	}, Management: sam.PSAMKey{Usage: sam.UsageEncrypt, Index: 9}}
	psam, err := sam.NewPSAMSimulator(ks, cfg, false)
	require.NoError(t, err)
	mc, err := ks.ManagementCard(id)
	require.NoError(t, err)
	rec, err := mc.MarshalBinary()
	require.NoError(t, err)
	conf := map[string]any{"suite": "SM4", "id": id.String(), "df": hex.EncodeToString(card.AID()),
		"keys": []map[string]int{
			{"id": 1, "version": 1, "usage": 7, "index": 1},
			{"id": 2, "version": 1, "usage": 7, "index": 2},
			{"id": 3, "version": 1, "usage": 8, "index": 3},
		},
		"management": map[string]int{"usage": 7, "index": 9}, "management_card": hex.EncodeToString(rec)}
	b, err := json.Marshal(conf)
	require.NoError(t, err)
	confPath := filepath.Join(dir, "psam.json")
	require.NoError(t, os.WriteFile(confPath, b, 0o600))
	readers := map[string]*fakeReader{"Card Reader 0": {Transport: chip}, "SAM Slot 1": {Transport: psam}}
	d := deps{openReader: func(ctx context.Context, name string) (cardReader, error) {
		r, ok := readers[name]
		if !ok {
			return nil, &cardError{err: sim.ErrRemoved}
		}
		return r, nil
	}, waitCard: func(ctx context.Context, name string) error {
		if _, ok := readers[name]; ok {
			return nil
		}
		<-ctx.Done()
		return ctx.Err()
	}}
	psamArgs := []string{"--reader", "Card Reader 0", "--psam", "SAM Slot 1", "--psam-config", confPath}

	t.Run("S-6/PSAM unlocked by its management card; R-ISSUE-3 personalise", func(t *testing.T) {
		o := inprocWith(d, append([]string{"--json", "card", "personalise", "--registry", reg, "--name", name, "--gender", "female", "--school-name", "测试学校"}, psamArgs...)...)
		require.Equal(t, exitOK, o.code, o.stderr)
		r := resultOf(t, jsonOut(t, o))
		assert.Equal(t, "personalised", r["status"])
		assert.Equal(t, "Card Reader 0", r["card"])
		assert.Nil(t, r["apdus"], "APDU counts are for the simulated card only")
		assert.True(t, readers["SAM Slot 1"].closed)
		assert.Empty(t, o.stderr, "no development-key warning with a PSAM")
	})
	t.Run("R-REG-1/register through reader and PSAM", func(t *testing.T) {
		o := inprocWith(d, append([]string{"--lang", "en", "card", "register", "--semester", "2026-2", "--school", "080001"}, psamArgs...)...)
		require.Equal(t, exitOK, o.code, o.stderr)
		assert.Contains(t, o.stdout, "registered for semester 2026-2")
	})
	t.Run("R-RECOVER-1/a recovery torn away is completed by the next session", func(t *testing.T) {
		// Open is 4 APDUs; the 6th is the pending record's protected APPEND
		// RECORD: the card executes it and the answer is lost.
		chip.Tear(6, sim.TearLoseResponse)
		o := inprocWith(d, append([]string{"card", "recover", "--school", "080001"}, psamArgs...)...)
		require.Equal(t, exitCard, o.code, o.stderr)
		chip.PowerOn() // the student taps again
		o = inprocWith(d, append([]string{"--json", "card", "inspect"}, psamArgs...)...)
		require.Equal(t, exitOK, o.code, o.stderr)
		r := resultOf(t, jsonOut(t, o))
		assert.Equal(t, "recover", r["completed_pending"])
		assert.Equal(t, "recovered", r["status"])
		assert.Nil(t, r["student"])
	})
	t.Run("S-6/a management card of another SAM is refused", func(t *testing.T) {
		other, oid, err := devKeySet("other issuer", sam.SM4)
		require.NoError(t, err)
		omc, err := other.ManagementCard(oid)
		require.NoError(t, err)
		orec, err := omc.MarshalBinary()
		require.NoError(t, err)
		conf["management_card"] = hex.EncodeToString(orec)
		b, err := json.Marshal(conf)
		require.NoError(t, err)
		bad := filepath.Join(dir, "bad.json")
		require.NoError(t, os.WriteFile(bad, b, 0o600))
		o := inprocWith(d, "card", "inspect", "--reader", "Card Reader 0", "--psam", "SAM Slot 1", "--psam-config", bad)
		assert.Equal(t, exitCard, o.code, o.stderr)
		assert.Contains(t, o.stderr, "管理卡")
	})
	t.Run("A-2/development keys do not open a card of another issuer", func(t *testing.T) {
		o := inprocWith(d, "card", "inspect", "--reader", "Card Reader 0", "--dev-keys", "not the issuer")
		assert.Equal(t, exitCard, o.code, o.stderr)
	})
	t.Run("reader missing", func(t *testing.T) {
		o := inprocWith(d, "card", "inspect", "--reader", "Nope", "--dev-keys", "issuer")
		assert.Equal(t, exitCard, o.code, o.stderr)
	})
	t.Run("waiting for a card that is there", func(t *testing.T) {
		o := inprocWith(d, "card", "inspect", "--reader", "Card Reader 0", "--dev-keys", "issuer", "--wait", "5s")
		assert.Equal(t, exitOK, o.code, o.stderr)
		assert.Contains(t, o.stderr, "请在 Card Reader 0 上放卡")
	})
	t.Run("no card presented in time", func(t *testing.T) {
		o := inprocWith(d, "--lang", "en", "card", "inspect", "--reader", "Empty Reader", "--dev-keys", "issuer", "--wait", "50ms")
		assert.Equal(t, exitCard, o.code, o.stderr)
		assert.Contains(t, o.stderr, "no card presented to Empty Reader within 50ms")
	})
}

// TestCardRealStack runs the built binary against pcscd: a simulated card,
// keyed with the same development keys, is served in vpcd's virtual reader
// (package pcsctest), and cardctl talks to it through adapters/pcsc — the
// path a real reader takes. It runs when the stack is up (.ci/pcsc-stack.sh;
// required in CI) and is skipped with the command to start it otherwise.
func TestCardRealStack(t *testing.T) {
	stack := pcsctest.Require(t)
	ks, _, err := devKeySet("lab-seed", sam.SM4)
	require.NoError(t, err)
	chip, err := sim.New(ks, lab.Info(sam.SM4, [8]byte{0x86, 9, 8, 7, 6, 5, 4, 3}, time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)))
	require.NoError(t, err)
	stack.Insert(t, chip)
	dir := t.TempDir()
	reg, name := pupil(t)
	rd := []string{"--reader", stack.Reader, "--dev-keys", "lab-seed"}

	o := exe(t, dir, append([]string{"--json", "card", "personalise", "--registry", reg, "--name", name, "--gender", "female", "--school-name", "北京市测试学校"}, rd...)...)
	require.Equal(t, exitOK, o.code, o.stderr)
	r := resultOf(t, jsonOut(t, o))
	assert.Equal(t, "8609080706050403", r["serial"])
	assert.Equal(t, stack.Reader, r["card"])
	o = exe(t, dir, append([]string{"card", "register", "--semester", "2026-2", "--school", "080001"}, rd...)...)
	require.Equal(t, exitOK, o.code, o.stderr)
	assert.Contains(t, o.stdout, "已注册学期 2026-2")
	o = exe(t, dir, append([]string{"card", "recover", "--school", "080001", "--lang", "en"}, rd...)...)
	require.Equal(t, exitOK, o.code, o.stderr)
	assert.Contains(t, o.stdout, "recovered")
	o = exe(t, dir, "card", "inspect", "--reader", stack.Reader, "--dev-keys", "another issuer")
	assert.Equal(t, exitCard, o.code, o.stderr)
}
