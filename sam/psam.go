package sam

import (
	"context"
	"crypto/subtle"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/bjedu/studentcard/apdu"
)

// PSAM command bytes (SPEC §8).
const (
	claPSAM       = 0x80
	insInitForDES = 0x1A // 80 1A usage keyIdx Lc diversifier
	insCipher     = 0xFA // 80 FA P1 00 Lc data
)

// 80 FA P1 values. Bit 0 means MAC (else encrypt), bit 1 "more blocks
// follow", bit 2 "the data starts with the IV".
const (
	p1EncryptLast = 0x00 // encrypt, last or only chunk
	p1EncryptMore = 0x02 // encrypt, more chunks follow
	p1MACLast     = 0x01 // MAC, last chunk
	p1MACMiddle   = 0x03 // MAC, middle chunk
	p1MACSingle   = 0x05 // MAC, only chunk, IV first
	p1MACFirst    = 0x07 // MAC, first chunk, IV first
)

// Key types in the low 5 bits of the 80 1A usage byte (SPEC §8).
const (
	// UsageEncrypt is the key type of an encryption key (07): cryptograms
	// and data encryption.
	UsageEncrypt byte = 0x07
	// UsageMAC is the key type of a MAC key (08), which also encrypts.
	UsageMAC byte = 0x08
)

// DefaultChunk is the largest Lc of one 80 FA command (SPEC §8: 0x30).
const DefaultChunk = 0x30

// PSAMKey says where a key sits in a PSAM: the key type that goes in the low
// 5 bits of the 80 1A usage byte, and the key index (P2). The number of
// diversification levels, the high 3 bits, comes from the Diversifier.
type PSAMKey struct {
	Usage byte // UsageEncrypt, UsageMAC or a vendor's type (1..31)
	Index byte
}

// PSAMConfig describes one vendor's PSAM: its suite, its id (the one its
// management card names), the education DF to select, where each KeyRef's
// master key sits, and where the management key sits. Vendors differ in all
// of these, so none is hard-wired.
type PSAMConfig struct {
	Suite Algorithm
	ID    SAMID
	// DF is the education application's DF: an AID (5 to 16 bytes,
	// SELECT by name) or a 2-byte file id (SELECT by FID). Empty: no SELECT.
	DF []byte
	// Keys maps each key reference a card session uses to its PSAM key.
	Keys map[KeyRef]PSAMKey
	// Management is the management key the management card is checked with.
	Management PSAMKey
	// Chunk is the largest Lc of one 80 FA command, a multiple of the block
	// size and more than one block; 0 means DefaultChunk.
	Chunk int
}

// check validates the configuration and fills in defaults on a copy.
func (c PSAMConfig) check() (PSAMConfig, error) {
	if err := c.Suite.valid(); err != nil {
		return c, &ConfigError{Reason: "Suite must be TDES or SM4"}
	}
	if c.Chunk == 0 {
		c.Chunk = DefaultChunk
	}
	bs := c.Suite.BlockSize()
	if c.Chunk%bs != 0 || c.Chunk < 2*bs || c.Chunk > 255 {
		return c, &ConfigError{Reason: fmt.Sprintf("Chunk %d is not a multiple of the %d-byte block between %d and 255", c.Chunk, bs, 2*bs)}
	}
	if n := len(c.DF); n != 0 && n != 2 && (n < 5 || n > 16) {
		return c, &ConfigError{Reason: fmt.Sprintf("DF is %d bytes, want 2 (file id) or 5..16 (AID)", n)}
	}
	check := func(what string, k PSAMKey) error {
		if k.Usage == 0 || k.Usage > 0x1F {
			return &ConfigError{Reason: fmt.Sprintf("%s: key type %02X is not 01..1F", what, k.Usage)}
		}
		return nil
	}
	if err := check("Management", c.Management); err != nil {
		return c, err
	}
	for _, ref := range slices.SortedFunc(maps.Keys(c.Keys), compareRefs) {
		k := c.Keys[ref]
		if err := check("key "+ref.String(), k); err != nil {
			return c, err
		}
		if k == c.Management {
			return c, &ConfigError{Reason: "key " + ref.String() + " is the management key"}
		}
	}
	c.DF = slices.Clone(c.DF)
	c.Keys = maps.Clone(c.Keys)
	return c, nil
}

// selectDF is the SELECT command of the configured DF.
func (c PSAMConfig) selectDF() apdu.Command {
	if len(c.DF) == 2 {
		return apdu.SelectByFileID(uint16(c.DF[0])<<8 | uint16(c.DF[1]))
	}
	return apdu.SelectByName(c.DF)
}

// PSAM is the [SAM] of a real PSAM (the SAM module of a reader), driven over
// an apdu.Transport with 80 1A (initialise for DES: load the card's
// diversified key into the PSAM's working register) and 80 FA (encrypt or
// MAC with that key, in chunks of at most Chunk bytes), SPEC §8. 61xx
// answers are fetched with GET RESPONSE by the apdu.Client underneath.
//
// The PSAM holds the keys; the driver holds none. It starts locked: Unlock
// selects the education DF and checks the management card by having the
// PSAM compute the card's authentication value under its management key.
// A PSAM is single-session hardware (one working register), so the driver
// runs one operation — its 80 1A and all its 80 FA — at a time; it is safe
// for concurrent use in that sense.
//
// MAC data is padded by the driver (ISO 9797-1 method 2) and sent as whole
// blocks; the IV goes first in the data of 80 FA 05/07, zero-extended to a
// block. MACs and cryptograms are verified by computing them in the PSAM and
// comparing in constant time in the driver.
type PSAM struct {
	cfg    PSAMConfig
	client *apdu.Client

	mu       sync.Mutex  // held for a whole operation
	unlocked atomic.Bool // written under mu; atomic so Format never waits
	closed   atomic.Bool
}

// NewPSAM returns a locked driver for the PSAM behind t. opts configure the
// apdu.Client (e.g. apdu.WithTrace; its default redaction masks 80 FA data).
func NewPSAM(t apdu.Transport, cfg PSAMConfig, opts ...apdu.Option) (*PSAM, error) {
	if t == nil {
		return nil, &ConfigError{Reason: "no transport"}
	}
	cfg, err := cfg.check()
	if err != nil {
		return nil, err
	}
	return &PSAM{cfg: cfg, client: apdu.NewClient(t, opts...)}, nil
}

// ID is the PSAM's configured id.
func (p *PSAM) ID() SAMID { return p.cfg.ID }

// Suite is the configured suite.
func (p *PSAM) Suite() Algorithm { return p.cfg.Suite }

// Unlock selects the education DF and checks the management card (SPEC
// S-6): its SAM id and suite must be this PSAM's and its authentication
// value must equal the cryptogram of the id that the PSAM computes under its
// management key diversified by the id.
func (p *PSAM) Unlock(ctx context.Context, mc ManagementCard) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed.Load() {
		return fmt.Errorf("sam: PSAM.Unlock: %w", ErrClosed)
	}
	p.unlocked.Store(false) // a failed attempt leaves the SAM locked
	if mc.sam != p.cfg.ID || mc.alg != p.cfg.Suite {
		return &ManagementCardError{Want: p.cfg.ID, Got: mc.sam}
	}
	if len(p.cfg.DF) > 0 {
		if _, err := p.do(ctx, "SELECT education DF", p.cfg.selectDF()); err != nil {
			return err
		}
	}
	id := p.cfg.ID
	want, err := p.cryptogram(ctx, "Unlock", p.cfg.Management, Diversifier(id[:]), id[:])
	if err != nil {
		return err
	}
	if err := checkManagementCard(p.cfg.Suite, p.cfg.ID, mc, want); err != nil {
		return err
	}
	p.unlocked.Store(true)
	return nil
}

// Lock locks the driver again, as a reader restart does.
func (p *PSAM) Lock() {
	p.mu.Lock()
	p.unlocked.Store(false)
	p.mu.Unlock()
}

// Close makes every later call fail with [ErrClosed]. It does not close the
// transport, which belongs to the caller.
func (p *PSAM) Close() error {
	p.mu.Lock()
	p.closed.Store(true)
	p.unlocked.Store(false)
	p.mu.Unlock()
	return nil
}

// begin checks the state for op and returns the PSAM key for ref; the caller
// holds p.mu.
func (p *PSAM) begin(ctx context.Context, op string, ref KeyRef, div Diversifier) (PSAMKey, error) {
	if err := ctx.Err(); err != nil {
		return PSAMKey{}, err
	}
	switch {
	case p.closed.Load():
		return PSAMKey{}, fmt.Errorf("sam: PSAM.%s: %w", op, ErrClosed)
	case !p.unlocked.Load():
		return PSAMKey{}, fmt.Errorf("sam: PSAM.%s: %w", op, ErrLocked)
	}
	k, ok := p.cfg.Keys[ref]
	if !ok {
		return PSAMKey{}, &KeyError{Op: "PSAM." + op, Ref: ref}
	}
	if err := div.check("PSAM", op); err != nil {
		return PSAMKey{}, err
	}
	return k, nil
}

// do sends one command and requires 9000.
func (p *PSAM) do(ctx context.Context, what string, cmd apdu.Command) ([]byte, error) {
	resp, err := p.client.Do(ctx, cmd)
	if err != nil {
		return nil, &PSAMError{Command: what, Err: err}
	}
	return resp.Data, nil
}

// initForDES loads the diversified key: 80 1A usage keyIdx Lc div, with the
// level count in the high 3 bits of the usage byte.
func (p *PSAM) initForDES(ctx context.Context, k PSAMKey, div Diversifier) error {
	cmd := apdu.Command{CLA: claPSAM, INS: insInitForDES, P1: byte(div.Levels())<<5 | k.Usage, P2: k.Index, Data: div}
	_, err := p.do(ctx, fmt.Sprintf("80 1A %02X %02X (initialise for DES)", cmd.P1, cmd.P2), cmd)
	return err
}

// cipher sends one 80 FA chunk and checks the answer's length (want < 0:
// no data expected; a MAC answer may be 4 or more bytes).
func (p *PSAM) cipher(ctx context.Context, p1 byte, data []byte, want int) ([]byte, error) {
	what := fmt.Sprintf("80 FA %02X 00 (cipher, Lc %d)", p1, len(data))
	out, err := p.do(ctx, what, apdu.Command{CLA: claPSAM, INS: insCipher, P1: p1, Data: data})
	if err != nil {
		return nil, err
	}
	switch {
	case want < 0 && len(out) == 0, want == MACSize && len(out) >= MACSize, want == len(out):
		return out, nil
	}
	w := strconv.Itoa(want)
	if want < 0 {
		w = "0"
	}
	return nil, &PSAMError{Command: what, Err: &SizeError{Suite: "PSAM", Op: "80 FA", Field: "answer", Got: len(out), Want: w}}
}

// cryptogram computes Algorithm.Cryptogram in the PSAM: the challenge
// zero-extended to a block is encrypted (80 FA 00); SM4 folds left XOR
// right.
func (p *PSAM) cryptogram(ctx context.Context, op string, k PSAMKey, div Diversifier, challenge []byte) ([]byte, error) {
	bs := p.cfg.Suite.BlockSize()
	if len(challenge) == 0 || len(challenge) > bs {
		return nil, &SizeError{Suite: p.cfg.Suite.Name(), Op: op, Field: "challenge", Got: len(challenge), Want: "1.." + strconv.Itoa(bs)}
	}
	if err := p.initForDES(ctx, k, div); err != nil {
		return nil, err
	}
	block := make([]byte, bs)
	copy(block, challenge)
	out, err := p.cipher(ctx, p1EncryptLast, block, bs)
	if err != nil {
		return nil, err
	}
	if bs == 16 {
		subtle.XORBytes(out[:8], out[:8], out[8:])
	}
	return out[:CryptogramSize:CryptogramSize], nil
}

// ExternalAuthenticate returns the cryptogram of the card's challenge under
// the card's diversified key, computed in the PSAM (SPEC A-2).
func (p *PSAM) ExternalAuthenticate(ctx context.Context, key KeyRef, div Diversifier, challenge []byte) ([]byte, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	k, err := p.begin(ctx, "ExternalAuthenticate", key, div)
	if err != nil {
		return nil, err
	}
	return p.cryptogram(ctx, "ExternalAuthenticate", k, div, challenge)
}

// VerifyInternalAuthenticate has the PSAM compute D2 for the terminal's
// random and compares it with the card's D1 in constant time (SPEC A-1).
func (p *PSAM) VerifyInternalAuthenticate(ctx context.Context, key KeyRef, div Diversifier, random, answer []byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	k, err := p.begin(ctx, "VerifyInternalAuthenticate", key, div)
	if err != nil {
		return err
	}
	want, err := p.cryptogram(ctx, "VerifyInternalAuthenticate", k, div, random)
	if err != nil {
		return err
	}
	if subtle.ConstantTimeCompare(want, answer) != 1 {
		return &VerifyError{Op: "VerifyInternalAuthenticate", Ref: key, What: "cryptogram"}
	}
	return nil
}

// MAC has the PSAM compute the 4-byte PBOC MAC: the driver pads the data
// (80 00…) and sends IV ‖ blocks in 80 FA chunks — 05 when everything fits
// one command, else 07 first, 03 middle, 01 last.
func (p *PSAM) MAC(ctx context.Context, key KeyRef, div Diversifier, iv, data []byte) ([]byte, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.mac(ctx, key, div, iv, data)
}

// mac is MAC under p.mu.
func (p *PSAM) mac(ctx context.Context, key KeyRef, div Diversifier, iv, data []byte) ([]byte, error) {
	k, err := p.begin(ctx, "MAC", key, div)
	if err != nil {
		return nil, err
	}
	bs := p.cfg.Suite.BlockSize()
	if len(iv) > bs {
		return nil, &SizeError{Suite: p.cfg.Suite.Name(), Op: "MAC", Field: "iv", Got: len(iv), Want: "0.." + strconv.Itoa(bs)}
	}
	if err := p.initForDES(ctx, k, div); err != nil {
		return nil, err
	}
	msg := make([]byte, bs, bs+len(data)+bs)
	copy(msg, iv)
	msg = append(msg, padISO(data, bs)...)
	if len(msg) <= p.cfg.Chunk {
		out, err := p.cipher(ctx, p1MACSingle, msg, MACSize)
		if err != nil {
			return nil, err
		}
		return out[:MACSize:MACSize], nil
	}
	if _, err := p.cipher(ctx, p1MACFirst, msg[:p.cfg.Chunk], -1); err != nil {
		return nil, err
	}
	msg = msg[p.cfg.Chunk:]
	for len(msg) > p.cfg.Chunk {
		if _, err := p.cipher(ctx, p1MACMiddle, msg[:p.cfg.Chunk], -1); err != nil {
			return nil, err
		}
		msg = msg[p.cfg.Chunk:]
	}
	out, err := p.cipher(ctx, p1MACLast, msg, MACSize)
	if err != nil {
		return nil, err
	}
	return out[:MACSize:MACSize], nil
}

// VerifyMAC has the PSAM compute the MAC and compares in constant time.
func (p *PSAM) VerifyMAC(ctx context.Context, key KeyRef, div Diversifier, iv, data, mac []byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	want, err := p.mac(ctx, key, div, iv, data)
	if err != nil {
		return err
	}
	if subtle.ConstantTimeCompare(want, mac) != 1 {
		return &VerifyError{Op: "VerifyMAC", Ref: key, What: "MAC"}
	}
	return nil
}

// Encrypt has the PSAM encipher LD ‖ data ‖ (80 00… if needed), the same
// format as [Soft.Encrypt], in 80 FA chunks (02 more follow, 00 last).
func (p *PSAM) Encrypt(ctx context.Context, key KeyRef, div Diversifier, data []byte) ([]byte, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	k, err := p.begin(ctx, "Encrypt", key, div)
	if err != nil {
		return nil, err
	}
	if len(data) > MaxEncryptData {
		return nil, &SizeError{Suite: p.cfg.Suite.Name(), Op: "Encrypt", Field: "data", Got: len(data), Want: "0..255"}
	}
	if err := p.initForDES(ctx, k, div); err != nil {
		return nil, err
	}
	msg := formatPlain(p.cfg.Suite.BlockSize(), data)
	out := make([]byte, 0, len(msg))
	for len(msg) > 0 {
		n, p1 := len(msg), byte(p1EncryptLast)
		if n > p.cfg.Chunk {
			n, p1 = p.cfg.Chunk, p1EncryptMore
		}
		enc, err := p.cipher(ctx, p1, msg[:n], n)
		if err != nil {
			return nil, err
		}
		out = append(out, enc...)
		msg = msg[n:]
	}
	return out, nil
}

// Format prints the suite, id and state, never anything secret. It does not
// wait for an operation in progress.
func (p *PSAM) Format(f fmt.State, _ rune) {
	state := "locked"
	switch {
	case p.closed.Load():
		state = "closed"
	case p.unlocked.Load():
		state = "unlocked"
	}
	fmt.Fprintf(f, "sam.PSAM{%s SAM %s %s}", p.cfg.Suite.Name(), p.cfg.ID.String(), state)
}

// String is what Format prints.
func (p *PSAM) String() string { return fmt.Sprint(p) }

var _ SAM = (*PSAM)(nil)
