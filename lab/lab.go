// Package lab sets up a development laboratory in a few calls: issuer keys
// derived from a seed → a Soft SAM loaded with them → its management card →
// the SAM unlocked (SPEC S-6) → simulated registry cards keyed by the same
// issuer. Tests, the examples and vendors' first experiments use it instead
// of repeating that sequence.
//
// It is for tests and labs only, never for production: the seed is the whole
// secret of every key, and the SAM holds its keys in memory. A production
// terminal gets its keys from a key card into a PSAM or HSM ([sam.PSAM]) and
// reads its real management card.
//
//	l, err := lab.New(ctx, sam.SM4, "my lab")
//	chip, err := l.Card(studentid.Serial{0x86, 0, 0, 0, 0, 0, 0, 1})
//	s, err := card.Open(ctx, chip, l.SAM, card.WithSchool(school))
package lab

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"time"

	"github.com/bjedu/studentcard/card"
	"github.com/bjedu/studentcard/card/m1"
	"github.com/bjedu/studentcard/card/sim"
	"github.com/bjedu/studentcard/sam"
	"github.com/bjedu/studentcard/studentid"
)

// KeyVersion is the version of every card key the lab issues.
const KeyVersion = 1

// Refs are the key references of a lab key set: the three CPU card keys
// (internal and external authentication, secure-messaging MAC) and the
// legacy and current M1 sector keys.
func Refs() []sam.KeyRef {
	return []sam.KeyRef{
		{ID: card.KeyIDInternal, Version: KeyVersion}, {ID: card.KeyIDExternal, Version: KeyVersion}, {ID: card.KeyIDMAC, Version: KeyVersion},
		{ID: m1.KeyID, Version: m1.KeyVersionLegacy}, {ID: m1.KeyID, Version: m1.KeyVersionCurrent},
	}
}

// derive returns 32 bytes for one purpose from the seed. Development keys
// only: the seed is the whole secret.
func derive(seed, label string) []byte {
	h := sha256.Sum256([]byte("studentcard lab keys v1 - NOT FOR PRODUCTION\x00" + seed + "\x00" + label))
	return h[:]
}

// MasterKey returns the lab master key of ref for the seed, for a test that
// builds a key set of its own (one that lacks a key, say). Lab keys only.
func MasterKey(seed string, ref sam.KeyRef) []byte {
	return derive(seed, fmt.Sprintf("master key %02X/%02X", ref.ID, ref.Version))[:sam.KeySize]
}

// Keys returns the lab's issuer key set for the suite: a master key for every
// reference of [Refs] and a management key, all derived from the seed (the
// same seed, the same keys).
func Keys(alg sam.Algorithm, seed string) (*sam.KeySet, error) {
	ks, err := sam.NewKeySet(alg)
	if err != nil {
		return nil, err
	}
	for _, ref := range Refs() {
		k := MasterKey(seed, ref)
		err := ks.Add(ref, k)
		clear(k)
		if err != nil {
			return nil, err
		}
	}
	mk := derive(seed, "management key")[:sam.KeySize]
	defer clear(mk)
	if err := ks.SetManagementKey(mk); err != nil {
		return nil, err
	}
	return ks, nil
}

// SAMID returns the id of the lab's SAM for the seed.
func SAMID(seed string) sam.SAMID {
	var id sam.SAMID
	copy(id[:], derive(seed, "SAM id"))
	return id
}

// Serial returns a card serial for the seed and a number, so a test names
// "card 3" rather than eight bytes.
func Serial(seed string, n int) studentid.Serial {
	var s studentid.Serial
	copy(s[:], derive(seed, fmt.Sprintf("card serial %d", n)))
	s[0] = 0x86
	return s
}

// ListKey returns the lab city's Ed25519 key for signing loss and freeze
// lists (batch/lists) for the seed.
func ListKey(seed string) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(derive(seed, "list signing key"))
}

// Unlocked returns a Soft SAM with the id, loaded with ks and unlocked with
// its own management card, as a reader is after start (SPEC S-6). The caller
// closes it.
func Unlocked(ctx context.Context, id sam.SAMID, ks *sam.KeySet) (*sam.Soft, error) {
	s, err := sam.NewSoft(id, ks)
	if err != nil {
		return nil, err
	}
	mc, err := ks.ManagementCard(id)
	if err == nil {
		err = s.Unlock(ctx, mc)
	}
	if err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

// Info is the card information of a lab registry card: the serial, the
// suite, key and application version 1, issued on the given day.
func Info(alg sam.Algorithm, serial studentid.Serial, issued time.Time) card.CardInfo {
	return card.CardInfo{Serial: serial, Type: card.TypeRegistry, Suite: alg, KeyVersion: KeyVersion, AppVersion: 1, Issued: issued}
}

// Lab is one issuer's keys and one terminal's unlocked Soft SAM.
type Lab struct {
	// Seed is what every key of the lab is derived from.
	Seed string
	// Suite is the cipher suite of the keys.
	Suite sam.Algorithm
	// Keys is the issuer's master key set (the key card's content).
	Keys *sam.KeySet
	// SAMID is the terminal SAM's id, the one its management card names.
	SAMID sam.SAMID
	// SAM is the terminal's SAM, unlocked.
	SAM *sam.Soft
}

// New sets up a lab for the suite from the seed: keys, SAM, management
// card, unlocked.
func New(ctx context.Context, alg sam.Algorithm, seed string) (*Lab, error) {
	ks, err := Keys(alg, seed)
	if err != nil {
		return nil, err
	}
	id := SAMID(seed)
	s, err := Unlocked(ctx, id, ks)
	if err != nil {
		return nil, err
	}
	return &Lab{Seed: seed, Suite: alg, Keys: ks, SAMID: id, SAM: s}, nil
}

// Card returns a new simulated registry card of the lab's issuer with the
// serial, issued on 1 August 2026; opts configure the simulator.
func (l *Lab) Card(serial studentid.Serial, opts ...sim.Option) (*sim.Card, error) {
	return sim.New(l.Keys, Info(l.Suite, serial, time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)), opts...)
}

// Close closes the SAM, zeroing its keys.
func (l *Lab) Close() error { return l.SAM.Close() }

// TB is the part of testing.TB that [ForTest] uses.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// ForTest is [New] for a test: it fails the test on error and closes the
// lab when the test ends.
func ForTest(t TB, alg sam.Algorithm, seed string) *Lab {
	t.Helper()
	l, err := New(context.Background(), alg, seed)
	if err != nil {
		t.Fatalf("lab: %v", err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l
}

// CardForTest is [Lab.Card] for a test: it fails the test on error.
func (l *Lab) CardForTest(t TB, serial studentid.Serial, opts ...sim.Option) *sim.Card {
	t.Helper()
	c, err := l.Card(serial, opts...)
	if err != nil {
		t.Fatalf("lab: %v", err)
	}
	return c
}
