package lists_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"io"
	mrand "math/rand/v2"
	"runtime"
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

func TestBuildOpenLookup(t *testing.T) {
	key := testKey(1)
	for _, alg := range []batch.DigestAlg{batch.SHA256, batch.SM3} {
		t.Run("R-LIST-1/"+alg.String(), func(t *testing.T) {
			rng := mrand.New(mrand.NewPCG(1, 2))
			entries := randEntries(rng, 1000)
			o := opts(7, key)
			o.Digest = alg
			built := mustBuild(t, entries, o)
			l, err := lists.Open(built.Bytes(), pubOf(key), lists.Current{})
			require.NoError(t, err)
			assert.Equal(t, 1000, l.Len())
			assert.Equal(t, uint64(7), l.Version())
			h := l.Header()
			assert.Equal(t, alg, h.Digest)
			assert.Equal(t, lists.StatusAll, h.Covers)
			assert.True(t, h.Created.Equal(time.Date(2026, 11, 23, 20, 0, 0, 0, beijing)))
			assert.Len(t, l.Bytes(), lists.HeaderSize+1000*lists.EntrySize+lists.DigestSize+lists.SignatureSize)
			for _, e := range entries {
				st, ok := l.Lookup(e.Serial)
				require.True(t, ok, e.Serial)
				assert.Equal(t, e.Status, st, e.Serial)
			}
			for range 1000 {
				s := serial(rng.Uint64())
				_, ok := l.Lookup(s)
				assert.Equal(t, slicesContains(entries, s), ok)
			}
			prev := studentid.Serial{}
			n := 0
			for e := range l.All() {
				if n > 0 {
					assert.Equal(t, 1, e.Serial.Compare(prev), "sorted")
				}
				prev = e.Serial
				n++
			}
			assert.Equal(t, 1000, n)
			var buf bytes.Buffer
			_, err = l.WriteTo(&buf)
			require.NoError(t, err)
			assert.Equal(t, built.Bytes(), buf.Bytes())
		})
	}
}

func slicesContains(entries []lists.Entry, s studentid.Serial) bool {
	for _, e := range entries {
		if e.Serial == s {
			return true
		}
	}
	return false
}

func TestBuildEdges(t *testing.T) {
	key := testKey(1)
	t.Run("R-LIST-1/empty list", func(t *testing.T) {
		l := mustBuild(t, nil, opts(1, key))
		l2, err := lists.Open(l.Bytes(), pubOf(key), lists.Current{})
		require.NoError(t, err)
		_, ok := l2.Lookup(serial(0))
		assert.False(t, ok)
		assert.Equal(t, 0, l2.Len())
	})
	t.Run("R-LIST-1/loss-only list for the transit company", func(t *testing.T) {
		o := opts(1, key)
		o.Covers = lists.StatusLost
		l := mustBuild(t, []lists.Entry{
			{Serial: serial(1), Status: lists.StatusLost},
			{Serial: serial(2), Status: lists.StatusFrozen},
			{Serial: serial(3), Status: lists.StatusAll},
		}, o)
		assert.Equal(t, 2, l.Len())
		st, ok := l.Lookup(serial(3))
		assert.True(t, ok)
		assert.Equal(t, lists.StatusLost, st)
		_, ok = l.Lookup(serial(2))
		assert.False(t, ok, "frozen-only card is not on a loss list")
		assert.Equal(t, lists.StatusLost, l.Header().Covers)
	})
	t.Run("shared prefixes and extremes sort", func(t *testing.T) {
		in := []lists.Entry{{serial(^uint64(0)), 1}, {serial(0), 2}, {serial(0x0102030400000002), 1}, {serial(0x0102030400000001), 3}, {serial(1 << 63), 1}}
		l := mustBuild(t, in, opts(1, key))
		var got []uint64
		for e := range l.All() {
			got = append(got, binary.BigEndian.Uint64(e.Serial[:]))
		}
		assert.Equal(t, []uint64{0, 0x0102030400000001, 0x0102030400000002, 1 << 63, ^uint64(0)}, got)
	})
	t.Run("R-LIST-1/lookup whatever the serials' distribution", func(t *testing.T) {
		rng := mrand.New(mrand.NewPCG(11, 12))
		for name, gen := range map[string]func(i int) uint64{
			"issuer prefix and a counter": func(i int) uint64 { return 0x8600_1234_0000_0000 | uint64(i*3) },
			"two far clusters":            func(i int) uint64 { return uint64(i%2)<<63 | uint64(i) },
			"crowded into one bucket":     func(i int) uint64 { return 1<<40 | uint64(i) | uint64(i/4000)<<62 },
			"random":                      func(int) uint64 { return rng.Uint64() },
		} {
			var entries []lists.Entry
			keys := map[uint64]bool{}
			for i := range 4001 {
				k := gen(i)
				if !keys[k] {
					keys[k] = true
					entries = append(entries, lists.Entry{Serial: serial(k), Status: lists.StatusLost})
				}
			}
			l := mustBuild(t, entries, opts(1, key))
			for k := range keys {
				for _, probe := range []uint64{k, k - 1, k + 1, ^k, k ^ 1<<62} {
					_, ok := l.Lookup(serial(probe))
					assert.Equal(t, keys[probe], ok, "%s: %016X", name, probe)
				}
			}
		}
	})
	t.Run("duplicate serial", func(t *testing.T) {
		_, err := lists.Build([]lists.Entry{{serial(5), 1}, {serial(9), 1}, {serial(5), 2}}, opts(1, key))
		var de *lists.DuplicateError
		require.ErrorAs(t, err, &de)
		assert.Equal(t, serial(5), de.Serial)
		assert.ErrorIs(t, err, lists.ErrDuplicate)
		assert.Contains(t, l10n.Error(err, l10n.Chinese), "0000000000000005")
	})
	t.Run("zero statuses are left out", func(t *testing.T) {
		l := mustBuild(t, []lists.Entry{{serial(5), 0}, {serial(6), 1}}, opts(1, key))
		assert.Equal(t, 1, l.Len())
	})
}

type failingSigner struct{ ed25519.PrivateKey }

func (failingSigner) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return nil, errors.New("hsm offline")
}

type wrongSigner struct{ ed25519.PrivateKey }

func (w wrongSigner) Sign(r io.Reader, m []byte, o crypto.SignerOpts) ([]byte, error) {
	return ed25519.Sign(testKey(99), m), nil
}

func TestBuildOptionErrors(t *testing.T) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	entries := []lists.Entry{{serial(1), 1}}
	for _, tc := range []struct {
		name string
		o    lists.BuildOptions
		want error
	}{
		{"no signer", lists.BuildOptions{}, lists.ErrSignerKey},
		{"ecdsa signer", lists.BuildOptions{Signer: ec}, lists.ErrSignerKey},
		{"covers unknown bit", lists.BuildOptions{Signer: testKey(1), Covers: 4}, lists.ErrBadHeader},
		{"unknown digest", lists.BuildOptions{Signer: testKey(1), Digest: "MD5"}, lists.ErrBadHeader},
		{"signer fails", lists.BuildOptions{Signer: failingSigner{testKey(1)}}, nil},
		{"signer signs with another key", lists.BuildOptions{Signer: wrongSigner{testKey(1)}}, lists.ErrSignature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := lists.Build(entries, tc.o)
			require.Error(t, err)
			if tc.want != nil {
				assert.ErrorIs(t, err, tc.want)
			}
			assert.NotContains(t, err.Error(), "PrivateKey")
		})
	}
}

// threeEntries is a valid signed list of serials 1, 2, 3 with statuses 1, 2,
// 3: entries at offsets 48, 57, 66, digest at 75, signature at 107, 171
// bytes in all.
func threeEntries(t testing.TB) []byte {
	l := mustBuild(t, []lists.Entry{{serial(1), 1}, {serial(2), 2}, {serial(3), 3}}, opts(3, testKey(1)))
	require.Len(t, l.Bytes(), 171)
	return bytes.Clone(l.Bytes())
}

func TestOpenRefuses(t *testing.T) {
	key := testKey(1)
	type mut func(b []byte) []byte
	set := func(off int, v ...byte) mut {
		return func(b []byte) []byte { copy(b[off:], v); return b }
	}
	swap01 := func(b []byte) []byte {
		e0 := bytes.Clone(b[48:57])
		copy(b[48:57], b[57:66])
		copy(b[57:66], e0)
		return b
	}
	for _, tc := range []struct {
		name   string
		mut    mut
		reseal bool
		want   error
		offset int64
		entry  int
	}{
		{"empty input", func(b []byte) []byte { return b[:0] }, false, lists.ErrTruncated, 0, -1},
		{"truncated header", func(b []byte) []byte { return b[:20] }, false, lists.ErrTruncated, 20, -1},
		{"bad magic", set(0, 'X'), false, lists.ErrBadMagic, 0, -1},
		{"a delta is not a list", set(0, []byte("BJSD")...), false, lists.ErrBadMagic, 0, -1},
		{"format version 2", set(4, 0, 2), false, lists.ErrVersion, 4, -1},
		{"unknown digest algorithm", set(6, 3), false, lists.ErrBadHeader, 6, -1},
		{"no kind flags", set(7, 0), false, lists.ErrBadHeader, 7, -1},
		{"unknown kind flag", set(7, 7), false, lists.ErrBadHeader, 7, -1},
		{"base version in a list", set(23, 1), false, lists.ErrBadHeader, 16, -1},
		{"entry width 8", set(36, 8), false, lists.ErrBadHeader, 36, -1},
		{"reserved byte set", set(40, 1), false, lists.ErrBadHeader, 40, -1},
		{"count above MaxEntries", set(32, 0xFF, 0xFF, 0xFF, 0xFF), false, lists.ErrBadHeader, 32, -1},
		{"count larger than the data", set(35, 4), false, lists.ErrTruncated, 171, -1},
		{"cut inside the entries", func(b []byte) []byte { return b[:60] }, false, lists.ErrTruncated, 60, -1},
		{"cut inside the signature", func(b []byte) []byte { return b[:170] }, false, lists.ErrTruncated, 170, -1},
		{"trailing data", func(b []byte) []byte { return append(b, 0) }, false, lists.ErrTrailingData, 171, -1},
		{"altered status", set(65, 1), false, lists.ErrDigest, 75, -1},
		{"altered version", set(15, 9), false, lists.ErrDigest, 75, -1},
		{"re-ordered entries", swap01, false, lists.ErrDigest, 75, -1},
		{"altered digest", set(80, 0), false, lists.ErrDigest, 75, -1},
		{"altered signature", set(107, 0), false, lists.ErrSignature, 107, -1},
		{"unsorted yet signed", swap01, true, lists.ErrUnsorted, 57, 1},
		{"duplicate serial yet signed", set(66+7, 2), true, lists.ErrUnsorted, 66, 2},
		{"zero status yet signed", set(74, 0), true, lists.ErrBadStatus, 74, 2},
		{"status outside the kind flags yet signed", set(7, 1), true, lists.ErrBadStatus, 65, 1},
		{"unknown status bit yet signed", set(56, 4), true, lists.ErrBadStatus, 56, 0},
	} {
		t.Run("R-LIST-1/"+tc.name, func(t *testing.T) {
			data := tc.mut(threeEntries(t))
			if tc.reseal {
				data = reseal(data, key)
			}
			_, err := lists.Open(data, pubOf(key), lists.Current{})
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.want)
			var fe *lists.FormatError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tc.offset, fe.Offset, "offset")
			assert.Equal(t, tc.entry, fe.Entry, "entry")
			assert.Equal(t, "list", fe.File)
			zh := l10n.Error(err, l10n.Chinese)
			assert.Contains(t, zh, "名单")
			assert.NotEqual(t, err.Error(), zh)

			// The same bytes through an io.Reader, one byte at a time.
			_, err = lists.Read(iotest.OneByteReader(bytes.NewReader(data)), pubOf(key), lists.Current{})
			assert.ErrorIs(t, err, tc.want)
		})
	}
	t.Run("R-LIST-1/signed by another key", func(t *testing.T) {
		_, err := lists.Open(reseal(threeEntries(t), testKey(2)), pubOf(key), lists.Current{})
		assert.ErrorIs(t, err, lists.ErrSignature)
		assert.Equal(t, "lists: list: offset 107: signature: bad signature: the file was not signed by the expected key", err.Error())
		assert.Equal(t, "名单：偏移107：签名：签名无效：文件不是由预期的密钥签发", l10n.Error(err, l10n.Chinese))
	})
	t.Run("R-LIST-1/not an Ed25519 public key", func(t *testing.T) {
		_, err := lists.Open(threeEntries(t), pubOf(key)[:31], lists.Current{})
		assert.ErrorIs(t, err, lists.ErrPublicKey)
	})
	t.Run("R-LIST-1/unsorted names the entry", func(t *testing.T) {
		data := threeEntries(t)
		s1 := serial(1)
		copy(data[57:], s1[:])
		_, err := lists.Open(reseal(data, key), pubOf(key), lists.Current{})
		assert.Equal(t, "lists: list: entry 1 at offset 57: serial: entries not in strictly increasing serial order (want >0000000000000001, got 0000000000000001)", err.Error())
		assert.Equal(t, "名单：第1条（偏移57）：卡序列号：条目未按卡序列号严格递增排序（应为>0000000000000001，实为0000000000000001）", l10n.Error(err, l10n.Chinese))
	})
}

func TestRead(t *testing.T) {
	key := testKey(1)
	data := threeEntries(t)
	t.Run("R-LIST-1/one byte at a time", func(t *testing.T) {
		l, err := lists.Read(iotest.OneByteReader(bytes.NewReader(data)), pubOf(key), lists.Current{})
		require.NoError(t, err)
		assert.Equal(t, data, l.Bytes())
	})
	t.Run("reader error", func(t *testing.T) {
		_, err := lists.Read(iotest.TimeoutReader(bytes.NewReader(data)), pubOf(key), lists.Current{})
		assert.ErrorIs(t, err, iotest.ErrTimeout)
		_, err = lists.Read(io.MultiReader(bytes.NewReader(data[:100]), iotest.ErrReader(io.ErrClosedPipe)), pubOf(key), lists.Current{})
		assert.ErrorIs(t, err, io.ErrClosedPipe)
	})
	t.Run("forged count does not allocate ahead of the data", func(t *testing.T) {
		forged := bytes.Clone(data[:lists.HeaderSize])
		binary.BigEndian.PutUint32(forged[32:], lists.MaxEntries)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := lists.Read(bytes.NewReader(forged), pubOf(key), lists.Current{})
		runtime.ReadMemStats(&after)
		assert.ErrorIs(t, err, lists.ErrTruncated)
		assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(4<<20), "bytes allocated for a 48-byte input announcing 900 MB")
	})
}

func TestLookupDoesNotAllocate(t *testing.T) {
	rng := mrand.New(mrand.NewPCG(3, 4))
	entries := randEntries(rng, 10000)
	l := mustBuild(t, entries, opts(1, testKey(1)))
	probe := entries[1234].Serial
	miss := serial(rng.Uint64())
	allocs := testing.AllocsPerRun(1000, func() {
		if _, ok := l.Lookup(probe); !ok {
			t.Fatal("lost entry")
		}
		l.Lookup(miss)
	})
	assert.Zero(t, allocs, "R-LIST-1: lookup allocates")
}

func TestSerialAndKindText(t *testing.T) {
	s, err := studentid.ParseSerial("0123456789abcdef")
	require.NoError(t, err)
	assert.Equal(t, "0123456789ABCDEF", s.String())
	for _, bad := range []string{"", "0123", "0123456789ABCDEG", "0123456789ABCDEF0"} {
		_, err := studentid.ParseSerial(bad)
		assert.ErrorIs(t, err, studentid.ErrSerial, bad)
	}
	for _, k := range []lists.Kind{lists.KindLoss, lists.KindUnloss, lists.KindFreeze, lists.KindUnfreeze} {
		got, err := lists.ParseKind(k.String())
		require.NoError(t, err)
		assert.Equal(t, k, got)
	}
	_, err = lists.ParseKind("LOSS")
	assert.ErrorIs(t, err, lists.ErrBadKind)
	assert.Equal(t, "kind(9)", lists.Kind(9).String())
	assert.Equal(t, []string{"none", "lost", "frozen", "lost+frozen", "status(4)"},
		[]string{lists.Status(0).String(), lists.StatusLost.String(), lists.StatusFrozen.String(), lists.StatusAll.String(), lists.Status(4).String()})
	assert.True(t, lists.StatusAll.Lost() && lists.StatusAll.Frozen())
	assert.Equal(t, "SM3", batch.SM3.String())
}

func TestDigestAndEarlyStop(t *testing.T) {
	data := threeEntries(t)
	l, err := lists.Open(data, pubOf(testKey(1)), lists.Current{})
	require.NoError(t, err)
	sum := sha256.Sum256(data[:75])
	assert.Equal(t, sum[:], l.Digest())
	n := 0
	for range l.All() {
		n++
		break
	}
	assert.Equal(t, 1, n)
	assert.Equal(t, lists.Entry{Serial: serial(2), Status: 2}, l.Entry(1))
}

func TestCreatedIsKeptToTheSecond(t *testing.T) {
	o := opts(1, testKey(1))
	o.Created = time.Date(2026, 11, 23, 20, 0, 0, 999_999_999, beijing)
	l := mustBuild(t, nil, o)
	assert.True(t, l.Header().Created.Equal(time.Date(2026, 11, 23, 20, 0, 0, 0, beijing)))
	l2, err := lists.Open(l.Bytes(), pubOf(testKey(1)), lists.Current{})
	require.NoError(t, err)
	assert.Equal(t, l.Header(), l2.Header())
}
