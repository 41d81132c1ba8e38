package sam

import (
	"context"
	"crypto/subtle"
	"fmt"
	"slices"
	"sync"
)

// Soft is a [SAM] whose keys are held in memory: for tests, the demo and
// labs without hardware. It behaves like a real SAM: it starts locked and
// fails every operation with [ErrLocked] until [Soft.Unlock] is given its
// management card (SPEC S-6); it never returns a key; [Soft.Close] zeroes
// its keys. It is safe for concurrent use.
type Soft struct {
	alg Algorithm
	id  SAMID

	mu       sync.RWMutex
	sec      *secrets // nil once closed
	unlocked bool
}

// NewSoft loads a Soft SAM with its id and a copy of the key set's master
// keys and management key (the caller may Zero its KeySet afterwards). The
// SAM starts locked.
func NewSoft(id SAMID, keys *KeySet) (*Soft, error) {
	if err := keys.ready("NewSoft"); err != nil {
		return nil, err
	}
	if keys.mgmt == nil {
		return nil, &ConfigError{Reason: "the KeySet has no management key (SetManagementKey)"}
	}
	sec := &secrets{keys: make(map[KeyRef][]byte, len(keys.keys)), mgmt: slices.Clone(keys.mgmt)}
	for ref, k := range keys.keys {
		sec.keys[ref] = slices.Clone(k)
	}
	return &Soft{alg: keys.alg, id: id, sec: sec}, nil
}

// ID is the SAM's id, the one its management card names.
func (s *Soft) ID() SAMID { return s.id }

// Suite is the suite of the SAM's keys.
func (s *Soft) Suite() Algorithm { return s.alg }

// Unlock checks the management card read after the reader started (SPEC
// S-6) and, if it is this SAM's, unlocks the SAM. A card of another SAM or
// with a wrong authentication value fails with [ErrManagementCard] and the
// SAM stays locked.
func (s *Soft) Unlock(ctx context.Context, mc ManagementCard) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sec == nil {
		return fmt.Errorf("sam: Soft.Unlock: %w", ErrClosed)
	}
	s.unlocked = false // a failed attempt leaves the SAM locked
	want, err := managementAuth(s.alg, s.sec.mgmt, s.id)
	if err != nil {
		return err
	}
	if err := checkManagementCard(s.alg, s.id, mc, want); err != nil {
		return err
	}
	s.unlocked = true
	return nil
}

// Lock locks the SAM again, as a reader restart does.
func (s *Soft) Lock() {
	s.mu.Lock()
	s.unlocked = false
	s.mu.Unlock()
}

// Close zeroes every key and makes every later call fail with [ErrClosed].
// Closing twice is harmless.
func (s *Soft) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sec.zero()
	s.sec, s.unlocked = nil, false
	return nil
}

// cardKey checks the SAM state and derives the card key for ref and div;
// the caller zeroes it after use. It holds the read lock while copying.
func (s *Soft) cardKey(ctx context.Context, op string, ref KeyRef, div Diversifier) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	switch {
	case s.sec == nil:
		return nil, fmt.Errorf("sam: Soft.%s: %w", op, ErrClosed)
	case !s.unlocked:
		return nil, fmt.Errorf("sam: Soft.%s: %w", op, ErrLocked)
	}
	master, ok := s.sec.keys[ref]
	if !ok {
		return nil, &KeyError{Op: "Soft." + op, Ref: ref}
	}
	return diversify(s.alg, op, master, div)
}

// ExternalAuthenticate returns the cryptogram of the card's challenge under
// the card's diversified key (SPEC A-2), see [Algorithm.Cryptogram].
func (s *Soft) ExternalAuthenticate(ctx context.Context, key KeyRef, div Diversifier, challenge []byte) ([]byte, error) {
	k, err := s.cardKey(ctx, "ExternalAuthenticate", key, div)
	if err != nil {
		return nil, err
	}
	defer clear(k)
	return s.alg.Cryptogram(k, challenge)
}

// VerifyInternalAuthenticate computes D2, the cryptogram of the terminal's
// random under the card's diversified key, and compares it in constant time
// with the card's answer D1 (SPEC A-1).
func (s *Soft) VerifyInternalAuthenticate(ctx context.Context, key KeyRef, div Diversifier, random, answer []byte) error {
	k, err := s.cardKey(ctx, "VerifyInternalAuthenticate", key, div)
	if err != nil {
		return err
	}
	defer clear(k)
	want, err := s.alg.Cryptogram(k, random)
	if err != nil {
		return err
	}
	if subtle.ConstantTimeCompare(want, answer) != 1 {
		return &VerifyError{Op: "VerifyInternalAuthenticate", Ref: key, What: "cryptogram"}
	}
	return nil
}

// MAC computes the 4-byte PBOC MAC (see [Algorithm.MAC]) under the card's
// diversified key.
func (s *Soft) MAC(ctx context.Context, key KeyRef, div Diversifier, iv, data []byte) ([]byte, error) {
	k, err := s.cardKey(ctx, "MAC", key, div)
	if err != nil {
		return nil, err
	}
	defer clear(k)
	return s.alg.MAC(k, iv, data)
}

// VerifyMAC recomputes the MAC and compares it in constant time.
func (s *Soft) VerifyMAC(ctx context.Context, key KeyRef, div Diversifier, iv, data, mac []byte) error {
	want, err := s.MAC(ctx, key, div, iv, data)
	if err != nil {
		return err
	}
	if subtle.ConstantTimeCompare(want, mac) != 1 {
		return &VerifyError{Op: "VerifyMAC", Ref: key, What: "MAC"}
	}
	return nil
}

// Encrypt enciphers data (at most 255 bytes) for a protected write the PBOC
// way: LD ‖ data, padded with 80 00… only if that is not a whole number of
// blocks, each block enciphered (ECB) under the card's diversified key. The
// card undoes it with [CardKeys.Decrypt].
func (s *Soft) Encrypt(ctx context.Context, key KeyRef, div Diversifier, data []byte) ([]byte, error) {
	k, err := s.cardKey(ctx, "Encrypt", key, div)
	if err != nil {
		return nil, err
	}
	defer clear(k)
	return encryptData(s.alg, k, data)
}

// Format prints the suite, id and state, never a key.
func (s *Soft) Format(f fmt.State, _ rune) {
	s.mu.RLock()
	state := "locked"
	switch {
	case s.sec == nil:
		state = "closed"
	case s.unlocked:
		state = "unlocked"
	}
	s.mu.RUnlock()
	fmt.Fprintf(f, "sam.Soft{%s SAM %s %s}", s.alg.Name(), s.id.String(), state)
}

// String is what Format prints.
func (s *Soft) String() string { return fmt.Sprint(s) }

var _ SAM = (*Soft)(nil)
