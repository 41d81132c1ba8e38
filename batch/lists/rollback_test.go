package lists_test

import (
	"bytes"
	mrand "math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/batch/lists"
	"github.com/bjedu/studentcard/l10n"
)

// TestAntiRollback: R-LIST-1 a reader never goes back to an older list, nor
// to another list of the version it holds, whether sent a list or a delta.
func TestAntiRollback(t *testing.T) {
	key := testKey(1)
	rng := mrand.New(mrand.NewPCG(3, 4))
	entries := randEntries(rng, 200)
	v3 := mustBuild(t, entries[:100], opts(3, key))
	v4 := mustBuild(t, entries[:150], opts(4, key))
	v5 := mustBuild(t, entries, opts(5, key))
	other5 := mustBuild(t, entries[:199], opts(5, key)) // "version 5" too, another list
	d34, err := lists.Diff(v3, v4, lists.DeltaOptions{Signer: key})
	require.NoError(t, err)
	d45other, err := lists.Diff(v4, other5, lists.DeltaOptions{Signer: key})
	require.NoError(t, err)
	d45, err := lists.Diff(v4, v5, lists.DeltaOptions{Signer: key})
	require.NoError(t, err)
	atV5 := v5.Current()

	for _, tc := range []struct {
		name string
		open func() error
		want error
	}{
		{"R-LIST-1 a reader at version 5 refuses list 3", func() error { _, err := lists.Open(v3.Bytes(), pubOf(key), atV5); return err }, lists.ErrRollback},
		{"R-LIST-1 read refuses list 3 too", func() error {
			_, err := lists.Read(bytes.NewReader(v3.Bytes()), pubOf(key), atV5)
			return err
		}, lists.ErrRollback},
		{"R-LIST-1 another list claiming version 5", func() error { _, err := lists.Open(other5.Bytes(), pubOf(key), atV5); return err }, lists.ErrSubstituted},
		{"R-LIST-1 a delta to version 4", func() error { _, err := lists.OpenDelta(d34.Bytes(), pubOf(key), atV5); return err }, lists.ErrRollback},
		{"R-LIST-1 read refuses a delta to version 4 too", func() error {
			_, err := lists.ReadDelta(bytes.NewReader(d34.Bytes()), pubOf(key), atV5)
			return err
		}, lists.ErrRollback},
		{"R-LIST-1 a delta to another version 5", func() error { _, err := lists.OpenDelta(d45other.Bytes(), pubOf(key), atV5); return err }, lists.ErrSubstituted},
		{"R-LIST-1 a version known without its digest takes only newer lists", func() error {
			_, err := lists.Open(v5.Bytes(), pubOf(key), lists.Current{Version: 5})
			return err
		}, lists.ErrSubstituted},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.open()
			require.ErrorIs(t, err, tc.want)
			var fe *lists.FormatError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, "list version", fe.Field)
			zh := l10n.Error(err, l10n.Chinese)
			assert.Contains(t, zh, "名单版本")
			assert.NotEqual(t, err.Error(), zh)
		})
	}
	t.Run("R-LIST-1 the same list again, a newer list and a delta from the list held are taken", func(t *testing.T) {
		l, err := lists.Open(v5.Bytes(), pubOf(key), atV5)
		require.NoError(t, err)
		assert.Equal(t, uint64(5), l.Version())
		_, err = lists.Open(v5.Bytes(), pubOf(key), v4.Current())
		require.NoError(t, err)
		_, err = lists.Open(v3.Bytes(), pubOf(key), lists.Current{})
		require.NoError(t, err, "a reader with no list takes any")
		d, err := lists.OpenDelta(d45.Bytes(), pubOf(key), v4.Current())
		require.NoError(t, err)
		got, err := d.Apply(v4, pubOf(key))
		require.NoError(t, err)
		assert.Equal(t, v5.Bytes(), got.Bytes())
	})
}

// TestBuildRefusesVersionNotAboveBase: R-LIST-1 Build never stamps a
// version a reader of its base list would refuse.
func TestBuildRefusesVersionNotAboveBase(t *testing.T) {
	key := testKey(1)
	for _, tc := range []struct {
		name          string
		base, version uint64
		ok            bool
	}{
		{"R-LIST-1 version 2 on base 5", 5, 2, false},
		{"R-LIST-1 version 5 on base 5", 5, 5, false},
		{"R-LIST-1 version 6 on base 5", 5, 6, true},
		{"R-LIST-1 a first list", 0, 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := opts(tc.version, key)
			o.Base = tc.base
			_, err := lists.Build(randEntries(mrand.New(mrand.NewPCG(1, 1)), 10), o)
			if tc.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, lists.ErrVersionOrder)
			var oe *lists.OptionError
			require.ErrorAs(t, err, &oe)
			assert.Equal(t, "Version", oe.Field)
		})
	}
}
