package lists_test

import (
	"bytes"
	"encoding/binary"
	mrand "math/rand/v2"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/batch/lists"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/studentid"
)

// snapshots folds days of random events and builds one signed list per day
// (versions 1..days), as the city does.
func snapshots(t *testing.T, rng *mrand.Rand, days, cards int) []*lists.List {
	key := testKey(1)
	state := lists.NewState()
	var out []*lists.List
	for d := range days {
		for range rng.IntN(cards) {
			e := event(t, uint64(rng.IntN(cards))<<20, lists.Kind(1+rng.IntN(4)), at(d*24*60+rng.IntN(600)))
			state.Apply(e)
		}
		o := opts(uint64(d+1), key)
		o.Created = o.Created.Add(time.Duration(d) * 24 * time.Hour)
		if d%3 == 2 {
			o.Digest = batch.SM3
		}
		out = append(out, mustBuild(t, state.Entries(), o))
	}
	return out
}

// TestDeltaProperty: applying the delta from version N to N+k onto list N
// gives list N+k byte for byte, for every pair.
func TestDeltaProperty(t *testing.T) {
	key := testKey(1)
	rng := mrand.New(mrand.NewPCG(9, 10))
	for round := range 5 {
		snaps := snapshots(t, rng, 8, 200)
		for i := range snaps {
			for j := i + 1; j < len(snaps); j++ {
				d, err := lists.Diff(snaps[i], snaps[j], lists.DeltaOptions{Signer: key})
				require.NoError(t, err)
				opened, err := lists.OpenDelta(bytes.Clone(d.Bytes()), pubOf(key), lists.Current{})
				require.NoError(t, err, "R-LIST-1: delta verifies")
				got, err := opened.Apply(snaps[i], pubOf(key))
				require.NoError(t, err)
				assert.Equal(t, snaps[j].Bytes(), got.Bytes(), "R-LIST-1: delta %d→%d, round %d", i+1, j+1, round)
				assert.Equal(t, uint64(i+1), opened.Base())
				assert.Equal(t, uint64(j+1), opened.Version())
				checkChanges(t, snaps[i], snaps[j], opened)
			}
		}
		// A chain of daily deltas gives the same list as one delta.
		cur := snaps[0]
		for j := 1; j < len(snaps); j++ {
			d, err := lists.Diff(snaps[j-1], snaps[j], lists.DeltaOptions{Signer: key})
			require.NoError(t, err)
			cur, err = d.Apply(cur, pubOf(key))
			require.NoError(t, err)
		}
		assert.Equal(t, snaps[len(snaps)-1].Bytes(), cur.Bytes(), "R-LIST-1: chained deltas, round %d", round)
	}
}

// checkChanges compares the delta's changes with a naive map diff.
func checkChanges(t *testing.T, base, target *lists.List, d *lists.Delta) {
	t.Helper()
	old, cur := map[studentid.Serial]lists.Status{}, map[studentid.Serial]lists.Status{}
	for e := range base.All() {
		old[e.Serial] = e.Status
	}
	for e := range target.All() {
		cur[e.Serial] = e.Status
	}
	want := map[studentid.Serial]lists.Status{}
	for s, st := range old {
		if cur[s] != st {
			want[s] = cur[s]
		}
	}
	for s, st := range cur {
		if old[s] != st {
			want[s] = st
		}
	}
	got := map[studentid.Serial]lists.Status{}
	for c := range d.All() {
		got[c.Serial] = c.Status
	}
	assert.Equal(t, want, got)
	assert.Equal(t, len(want), d.Len())
}

func TestDeltaAdditionsAndRemovals(t *testing.T) {
	key := testKey(1)
	base := mustBuild(t, []lists.Entry{{serial(1), lists.StatusLost}, {serial(2), lists.StatusLost}, {serial(4), lists.StatusFrozen}}, opts(1, key))
	target := mustBuild(t, []lists.Entry{{serial(2), lists.StatusAll}, {serial(3), lists.StatusLost}, {serial(4), lists.StatusFrozen}}, opts(2, key))
	d, err := lists.Diff(base, target, lists.DeltaOptions{Signer: key})
	require.NoError(t, err)
	assert.Equal(t, []lists.Entry{{serial(1), 0}, {serial(2), lists.StatusAll}, {serial(3), lists.StatusLost}}, collectChanges(d),
		"R-LIST-1: removal of 1, change of 2, addition of 3, 4 unchanged")
	assert.Len(t, d.Bytes(), lists.HeaderSize+3*lists.EntrySize+2*(lists.DigestSize+lists.SignatureSize))
	for c := range d.All() {
		assert.Equal(t, d.Change(0), c)
		break
	}
	var buf bytes.Buffer
	_, err = d.WriteTo(&buf)
	require.NoError(t, err)
	d2, err := lists.ReadDelta(iotest.HalfReader(&buf), pubOf(key), lists.Current{})
	require.NoError(t, err)
	assert.Equal(t, d.Header(), d2.Header())
	got, err := d2.Apply(base, pubOf(key))
	require.NoError(t, err)
	assert.Equal(t, target.Bytes(), got.Bytes())
	st, ok := got.Lookup(serial(3))
	assert.True(t, ok)
	assert.Equal(t, lists.StatusLost, st)
}

func collectChanges(d *lists.Delta) []lists.Entry {
	var out []lists.Entry
	for c := range d.All() {
		out = append(out, c)
	}
	return out
}

func TestDeltaRefuses(t *testing.T) {
	key := testKey(1)
	v1 := mustBuild(t, []lists.Entry{{serial(1), lists.StatusLost}, {serial(2), lists.StatusLost}}, opts(1, key))
	v2 := mustBuild(t, []lists.Entry{{serial(2), lists.StatusLost}, {serial(3), lists.StatusFrozen}}, opts(2, key))
	v3 := mustBuild(t, []lists.Entry{{serial(3), lists.StatusFrozen}}, opts(3, key))
	d12, err := lists.Diff(v1, v2, lists.DeltaOptions{Signer: key})
	require.NoError(t, err)
	good := d12.Bytes() // changes at 48 (serial 1 → 0) and 57 (serial 3 → 2), target digest at 66, target signature at 98, digest at 162, signature at 194; 258 bytes

	t.Run("R-LIST-1/backwards or same version", func(t *testing.T) {
		_, err := lists.Diff(v2, v1, lists.DeltaOptions{Signer: key})
		assert.ErrorIs(t, err, lists.ErrVersionOrder)
		_, err = lists.Diff(v1, v1, lists.DeltaOptions{Signer: key})
		assert.ErrorIs(t, err, lists.ErrVersionOrder)
		_, err = lists.Diff(v1, v2, lists.DeltaOptions{})
		assert.ErrorIs(t, err, lists.ErrSignerKey)
	})
	t.Run("R-LIST-1/applied to another version", func(t *testing.T) {
		_, err := d12.Apply(v3, pubOf(key))
		var be *lists.BaseError
		require.ErrorAs(t, err, &be)
		assert.Equal(t, uint64(1), be.Want)
		assert.Equal(t, uint64(3), be.Got)
		assert.ErrorIs(t, err, lists.ErrDeltaBase)
		assert.Equal(t, "基于版本1的增量不能用于版本3的名单", l10n.Error(err, l10n.Chinese))
	})
	t.Run("R-LIST-1/applied to another list of the same version", func(t *testing.T) {
		other := mustBuild(t, []lists.Entry{{serial(2), lists.StatusLost}}, opts(1, key))
		_, err := d12.Apply(other, pubOf(key))
		var be *lists.BaseError
		require.ErrorAs(t, err, &be)
		assert.Equal(t, 0, be.Entry, "removes serial 1, which this list does not hold")
		assert.ErrorIs(t, err, lists.ErrNotInBase)
		assert.ErrorIs(t, err, lists.ErrDeltaBase)
		assert.Equal(t, serial(1), be.Serial)
		same := mustBuild(t, []lists.Entry{{serial(1), lists.StatusLost}, {serial(2), lists.StatusLost}, {serial(3), lists.StatusFrozen}}, opts(1, key))
		_, err = d12.Apply(same, pubOf(key))
		require.ErrorAs(t, err, &be)
		assert.Equal(t, 1, be.Entry, "sets serial 3 to the status it has")
		assert.ErrorIs(t, err, lists.ErrSameStatus)
		assert.Equal(t, "lists: delta from version 1 does not apply to list version 1: delta entry 1: serial 0000000000000003: change repeats the status the card has", err.Error())
		assert.Contains(t, l10n.Error(err, l10n.Chinese), "增量第1条")
		differs := mustBuild(t, []lists.Entry{{serial(1), lists.StatusLost}, {serial(2), lists.StatusAll}}, opts(1, key))
		_, err = d12.Apply(differs, pubOf(key))
		assert.ErrorIs(t, err, lists.ErrDigest, "the result is not the list the city signed")
	})
	for _, tc := range []struct {
		name   string
		mut    func([]byte) []byte
		reseal bool
		want   error
		offset int64
		entry  int
	}{
		{"a list is not a delta", func([]byte) []byte { return bytes.Clone(v1.Bytes()) }, false, lists.ErrBadMagic, 0, -1},
		{"base not below version", func(b []byte) []byte { b[23] = 2; return b }, false, lists.ErrBadHeader, 16, -1},
		{"truncated", func(b []byte) []byte { return b[:200] }, false, lists.ErrTruncated, 200, -1},
		{"trailing data", func(b []byte) []byte { return append(b, 1) }, false, lists.ErrTrailingData, 258, -1},
		{"altered change", func(b []byte) []byte { b[56] = 1; return b }, false, lists.ErrDigest, 162, -1},
		{"altered target signature", func(b []byte) []byte { b[100]++; return b }, false, lists.ErrDigest, 162, -1},
		{"altered delta signature", func(b []byte) []byte { b[200]++; return b }, false, lists.ErrSignature, 194, -1},
		{"unsorted yet signed", func(b []byte) []byte {
			binary.BigEndian.PutUint64(b[57:], 0)
			return b
		}, true, lists.ErrUnsorted, 57, 1},
		{"status outside the kind flags yet signed", func(b []byte) []byte { b[56] = 4; return b }, true, lists.ErrBadStatus, 56, 0},
	} {
		t.Run("R-LIST-1/"+tc.name, func(t *testing.T) {
			data := tc.mut(bytes.Clone(good))
			if tc.reseal {
				data = reseal(data, key)
			}
			_, err := lists.OpenDelta(data, pubOf(key), lists.Current{})
			assert.ErrorIs(t, err, tc.want)
			var fe *lists.FormatError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tc.offset, fe.Offset)
			assert.Equal(t, tc.entry, fe.Entry)
			_, err = lists.ReadDelta(bytes.NewReader(data), pubOf(key), lists.Current{})
			assert.ErrorIs(t, err, tc.want)
		})
	}
	t.Run("R-LIST-1/forged target signature inside a re-signed delta", func(t *testing.T) {
		data := bytes.Clone(good)
		data[66+lists.DigestSize]++ // first byte of the target signature
		d, err := lists.OpenDelta(reseal(data, key), pubOf(key), lists.Current{})
		require.NoError(t, err, "the delta itself is authentic")
		_, err = d.Apply(v1, pubOf(key))
		assert.ErrorIs(t, err, lists.ErrSignature)
	})
	t.Run("R-LIST-1/signed by another key", func(t *testing.T) {
		_, err := lists.OpenDelta(reseal(good, testKey(2)), pubOf(key), lists.Current{})
		assert.ErrorIs(t, err, lists.ErrSignature)
	})
}
