package lists_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/batch/lists"
	"github.com/bjedu/studentcard/studentid"
)

// TestCompactGolden pins the worked examples of the compact format in
// testdata (go test -update rewrites them): list version 1 and 2 and the
// delta between them, signed with the Ed25519 key whose seed is 32 bytes of
// 0x07 (Ed25519 signatures are deterministic, so the files are too). Another
// implementation of the format (a reader's firmware) can test against them.
func TestCompactGolden(t *testing.T) {
	key := testKey(7)
	assert.Equal(t, "EA4A6C63E29C520ABEF5507B132EC5F9954776AEBEBE7B92421EEA691446D22C", fmt.Sprintf("%X", []byte(pubOf(key))), "the key testdata/README.md names")
	created := time.Date(2026, 11, 23, 20, 0, 0, 0, beijing)
	card := func(s string) studentid.Serial {
		c, err := studentid.ParseSerial(s)
		require.NoError(t, err)
		return c
	}
	v1 := mustBuild(t, []lists.Entry{
		{Serial: card("8600000000000001"), Status: lists.StatusLost},
		{Serial: card("8600000000000002"), Status: lists.StatusFrozen},
		{Serial: card("86000000000000A0"), Status: lists.StatusAll},
	}, lists.BuildOptions{Version: 1, Created: created, Signer: key})
	v2 := mustBuild(t, []lists.Entry{
		{Serial: card("8600000000000002"), Status: lists.StatusFrozen},
		{Serial: card("8600000000000003"), Status: lists.StatusLost},
		{Serial: card("86000000000000A0"), Status: lists.StatusFrozen},
	}, lists.BuildOptions{Version: 2, Created: created.Add(24 * time.Hour), Digest: batch.SM3, Signer: key})
	d, err := lists.Diff(v1, v2, lists.DeltaOptions{Signer: key})
	require.NoError(t, err)
	for name, data := range map[string][]byte{"list-v1.bin": v1.Bytes(), "list-v2-sm3.bin": v2.Bytes(), "delta-v1-v2.bin": d.Bytes()} {
		t.Run("R-LIST-1/"+name, func(t *testing.T) {
			path := filepath.Join("testdata", name)
			if *update {
				require.NoError(t, os.WriteFile(path, data, 0o644))
			}
			golden, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, golden, data)
		})
	}
	g1, err := os.ReadFile(filepath.Join("testdata", "list-v1.bin"))
	require.NoError(t, err)
	gd, err := os.ReadFile(filepath.Join("testdata", "delta-v1-v2.bin"))
	require.NoError(t, err)
	l1, err := lists.Open(g1, pubOf(key), lists.Current{})
	require.NoError(t, err)
	delta, err := lists.OpenDelta(gd, pubOf(key), lists.Current{})
	require.NoError(t, err)
	l2, err := delta.Apply(l1, pubOf(key))
	require.NoError(t, err)
	assert.Equal(t, v2.Bytes(), l2.Bytes())
}
