package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/sam"
)

// FuzzJournal feeds arbitrary --sim-state files to the simulated card: the
// journal is parsed and replayed through real card sessions, which must
// never panic; a refused file is a usage, I/O/format or card error with a
// Chinese text.
func FuzzJournal(f *testing.F) {
	at := time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC)
	good := simJournal{Format: journalFormat, Serial: "8601020304050607", Suite: "SM4", Issued: "20260801", Ops: []simOp{
		{Op: "personalise", At: at, School: "01080001", Student: &studentJSON{RegistryNo: "0108000103001016", Name: "王小明",
			Gender: "male", Stage: "primary", School: "01080001", SchoolName: "北京市测试学校", ValidFrom: "20260901", ValidUntil: "20300831"}},
		{Op: "register", At: at, School: "080001", Semester: "2026-2"},
		{Op: "recover", At: at, School: "080001"},
	}}
	b, err := json.Marshal(good)
	require.NoError(f, err)
	f.Add(b)
	good.Ops = good.Ops[:1]
	good.Suite = "3DES"
	b, err = json.Marshal(good)
	require.NoError(f, err)
	f.Add(b)
	f.Add([]byte(`{"format":"cardctl-sim/2","serial":"zz","suite":"SM4","issued":"20260801"}`))
	f.Add([]byte(`{"format":"cardctl-sim/2","serial":"8601020304050607","suite":"SM4","issued":"20260801","ops":[{"op":"register","semester":"9999-9"}]}`))
	f.Add([]byte(`{"format":"cardctl-sim/2","serial":"8601020304050607","suite":"AES","issued":"x"}`))
	f.Add([]byte(`[]`))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "card.json")
		require.NoError(t, os.WriteFile(path, data, 0o600))
		e := &env{ctx: context.Background(), stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, lang: l10n.Chinese, now: func() time.Time { return at }}
		e.g.quiet = true
		term, err := e.openTerminal(&cardFlags{sim: true, simState: path, devSeed: "fuzz", suite: "sm4"})
		if err != nil {
			assert.Contains(t, []int{exitUsage, exitIO, exitCard}, exitCode(err), "%v", err)
			assert.NotEmpty(t, l10n.Error(err, l10n.Chinese))
			return
		}
		term.close()
	})
}

// FuzzPSAMConfig feeds arbitrary --psam-config files to the parser: it never
// panics and its errors never quote the management card record.
func FuzzPSAMConfig(f *testing.F) {
	ks, id, err := devKeySet("fuzz", sam.SM4)
	require.NoError(f, err)
	mc, err := ks.ManagementCard(id)
	require.NoError(f, err)
	rec, err := mc.MarshalBinary()
	require.NoError(f, err)
	f.Add([]byte(`{"suite":"SM4","id":"` + id.String() + `","df":"F0424A45445501","keys":[{"id":1,"version":1,"usage":7,"index":1}],"management":{"usage":7,"index":9},"management_card":"` + hex.EncodeToString(rec) + `"}`))
	f.Add([]byte(`{"suite":"SM4","id":"` + id.String() + `","df":"F0","management_card":"` + hex.EncodeToString(rec[:10]) + `"}`))
	f.Add([]byte(`{"suite":"3DES","id":"zz"}`))
	f.Add([]byte(`{"suite":"SM4","id":"0102030405060708","df":"xyz"}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _, err := parsePSAMConfig("psam.json", data)
		if err == nil {
			return
		}
		var pc psamConfigFile
		if json.Unmarshal(data, &pc) == nil && len(pc.ManagementCard) >= 8 {
			for _, text := range []string{err.Error(), l10n.Error(err, l10n.Chinese), l10n.Error(err, l10n.English)} {
				assert.NotContains(t, strings.ToLower(text), strings.ToLower(pc.ManagementCard))
			}
		}
		assert.Equal(t, exitIO, exitCode(err))
	})
}
