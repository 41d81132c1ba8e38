package lists_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm3"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/batch/lists"
	"github.com/bjedu/studentcard/studentid"
)

// beijing is the time zone of every school.
var beijing = time.FixedZone("CST", 8*3600)

// testKey returns a deterministic Ed25519 key (seeded from one byte).
func testKey(seed byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
}

func pubOf(k ed25519.PrivateKey) ed25519.PublicKey { return k.Public().(ed25519.PublicKey) }

// randEntries returns n entries with distinct random serials and random
// non-zero statuses.
func randEntries(rng *rand.Rand, n int) []lists.Entry {
	seen := make(map[studentid.Serial]bool, n)
	out := make([]lists.Entry, 0, n)
	for len(out) < n {
		var s studentid.Serial
		binary.BigEndian.PutUint64(s[:], rng.Uint64())
		if seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, lists.Entry{Serial: s, Status: lists.Status(1 + rng.IntN(3))})
	}
	return out
}

func serial(n uint64) studentid.Serial {
	var s studentid.Serial
	binary.BigEndian.PutUint64(s[:], n)
	return s
}

func opts(version uint64, key ed25519.PrivateKey) lists.BuildOptions {
	return lists.BuildOptions{Version: version, Created: time.Date(2026, 11, 23, 20, 0, 0, 0, beijing), Signer: key}
}

func mustBuild(t testing.TB, entries []lists.Entry, o lists.BuildOptions) *lists.List {
	t.Helper()
	l, err := lists.Build(entries, o)
	require.NoError(t, err)
	return l
}

// reseal recomputes digest and signature of a list or delta as the package
// documentation lays them out, independently of the package's code: this is
// how the tests make files that are authentic yet wrong inside, and it checks
// the documented layout at the same time.
func reseal(data []byte, key ed25519.PrivateKey) []byte {
	out := bytes.Clone(data)
	body := len(out) - lists.DigestSize - lists.SignatureSize
	var sum []byte
	if out[6] == 2 { // SM3
		s := sm3.Sum(out[:body])
		sum = s[:]
	} else {
		s := sha256.Sum256(out[:body])
		sum = s[:]
	}
	copy(out[body:], sum)
	msg := append(bytes.Clone(out[:lists.HeaderSize]), sum...)
	copy(out[body+lists.DigestSize:], ed25519.Sign(key, msg))
	return out
}

// event makes a valid event of school 01010001 (a primary school).
func event(t testing.TB, s uint64, k lists.Kind, at time.Time) lists.Event {
	t.Helper()
	id, err := studentid.Parse("0101000102601015")
	require.NoError(t, err)
	return lists.Event{Serial: serial(s), RegistryNo: id, Kind: k, Time: at, School: id.School(), Operator: "王老师"}
}

// day is 2026-11-23 in Beijing plus minutes.
func at(minutes int) time.Time {
	return time.Date(2026, 11, 23, 8, 0, 0, 0, beijing).Add(time.Duration(minutes) * time.Minute)
}

// testSchool parses a school code of the test data; a wrong constant gives the
// zero School, which the code under test refuses loudly.
func testSchool(s string) studentid.School {
	v, _ := studentid.ParseSchool(s)
	return v
}
