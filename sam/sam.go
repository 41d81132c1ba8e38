package sam

import "context"

// KeyRef names a key held inside a SAM: the key identifier (the card key
// file's key id, the PSAM's key index) and its version. A KeyRef is a name,
// never the key itself.
type KeyRef struct {
	ID      byte
	Version byte
}

// Diversifier is the per-card input of key diversification (密钥分散):
// 8 bytes per level, the card serial for a CPU card, a 4-byte UID padded with
// 80 00 00 00 for an M1 card (see [UIDDiversifier]). Several levels are
// applied first to last.
type Diversifier []byte

// SAM is what a card session needs from a security module, and no more:
// every method works by key reference and diversifier, and no method returns a
// key. Implementations: [Soft] (keys in memory) and [PSAM] (a real SAM over an
// apdu.Transport). A locked SAM (see the management-card step, SPEC S-6)
// fails every method with an error matching [ErrLocked].
type SAM interface {
	// Suite tells which cipher suite the SAM's keys use, so a session can
	// size challenges and MACs. It carries no key.
	Suite() Algorithm
	// ExternalAuthenticate returns the cryptogram a terminal sends with
	// EXTERNAL AUTHENTICATE to prove itself to the card (SPEC A-2): the card's
	// challenge encrypted under the card's diversified key.
	ExternalAuthenticate(ctx context.Context, key KeyRef, div Diversifier, challenge []byte) ([]byte, error)
	// VerifyInternalAuthenticate checks the card's answer to INTERNAL
	// AUTHENTICATE for the terminal's random (SPEC A-1): D1 (answer) must equal
	// D2 computed in the SAM. A mismatch matches [ErrVerify].
	VerifyInternalAuthenticate(ctx context.Context, key KeyRef, div Diversifier, random, answer []byte) error
	// MAC computes the 4-byte secure-messaging MAC over data with the IV (the
	// card's challenge, zero-extended) under the card's diversified key.
	MAC(ctx context.Context, key KeyRef, div Diversifier, iv, data []byte) ([]byte, error)
	// VerifyMAC checks a MAC produced by the card; a mismatch matches [ErrVerify].
	VerifyMAC(ctx context.Context, key KeyRef, div Diversifier, iv, data, mac []byte) error
	// Encrypt enciphers data for a protected write under the card's
	// diversified key (padding as documented by the implementation).
	Encrypt(ctx context.Context, key KeyRef, div Diversifier, data []byte) ([]byte, error)
}
