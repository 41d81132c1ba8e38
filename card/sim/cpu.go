package sim

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"slices"

	"github.com/bjedu/studentcard/apdu"
	"github.com/bjedu/studentcard/card"
	"github.com/bjedu/studentcard/sam"
)

// DefaultRetries is how many wrong EXTERNAL AUTHENTICATE cryptograms the
// card accepts before it blocks the key (6983).
const DefaultRetries = 3

// Card is a simulated CPU registry card: a small COS holding the education
// application (see package card for its files and keys) and speaking exactly
// the APDUs a card session uses. It implements apdu.Transport and is safe
// for concurrent use (exchanges are serialised, like a reader's).
//
// Its non-volatile memory (files, log, key retry counter) survives tears and
// power cycles; its volatile state (selected application, security status,
// challenge, a pending T=0 response) does not.
type Card struct {
	frontend

	info    card.CardInfo
	keys    *sam.CardKeys // genuine keys, diversified by the serial
	wrong   *sam.CardKeys // keys diversified by another serial, for WithWrongKey
	wrongID map[byte]bool
	rand    io.Reader
	t0      bool
	atr     []byte

	// non-volatile
	student   [card.StudentFileSize]byte
	log       [][]byte // newest first, at most card.LogRecords
	extension [card.ExtensionSize]byte
	retries   int
	maxTries  int

	// volatile
	selected  bool
	authed    bool
	challenge []byte
	pending   []byte // T=0: response data waiting for GET RESPONSE
}

// Option configures a simulated card.
type Option func(*config)

type config struct {
	rand     io.Reader
	t0       bool
	retries  int
	wrongIDs []byte
}

// WithRand makes the card draw its challenges from r (default crypto/rand):
// tests pass a seeded reader for reproducible traces.
func WithRand(r io.Reader) Option { return func(c *config) { c.rand = r } }

// WithT0 makes the card behave like a T=0 contact card: case 4 commands
// answer 61xx and the data must be fetched with GET RESPONSE (00 C0).
func WithT0() Option { return func(c *config) { c.t0 = true } }

// WithRetries sets the external-authentication retry limit (1-15).
func WithRetries(n int) Option { return func(c *config) { c.retries = n } }

// WithWrongKey keys the given key ids (card.KeyIDInternal, …) from another
// serial, as a counterfeit card or one from another issuer would be: its
// cryptograms and MACs no longer match the SAM's.
func WithWrongKey(ids ...byte) Option {
	return func(c *config) { c.wrongIDs = append(c.wrongIDs, ids...) }
}

// New makes a blank card (empty log, status Blank) with the given card info,
// keyed the way the issuer personalises a real chip: every master key of the
// key set diversified by the card's serial (sam.KeySet.CardKeys). The key set
// must be of the suite info.Suite names. The card starts powered in the field.
func New(masters *sam.KeySet, info card.CardInfo, opts ...Option) (*Card, error) {
	cfg := config{rand: rand.Reader, retries: DefaultRetries}
	for _, o := range opts {
		o(&cfg)
	}
	if masters == nil || masters.Suite() != info.Suite {
		return nil, &ConfigError{Reason: "the key set's suite must be the card info's"}
	}
	if cfg.retries < 1 || cfg.retries > 15 {
		return nil, &ConfigError{Reason: "retries must be 1-15"}
	}
	if _, err := info.MarshalBinary(); err != nil {
		return nil, err
	}
	keys, err := masters.CardKeys(info.Diversifier())
	if err != nil {
		return nil, err
	}
	c := &Card{info: info, keys: keys, rand: cfg.rand, t0: cfg.t0, retries: cfg.retries, maxTries: cfg.retries}
	if len(cfg.wrongIDs) > 0 {
		other := info.Serial
		for i := range other {
			other[i] ^= 0xA5
		}
		if c.wrong, err = masters.CardKeys(sam.SerialDiversifier(other)); err != nil {
			return nil, err
		}
		c.wrongID = map[byte]bool{}
		for _, id := range cfg.wrongIDs {
			c.wrongID[id] = true
		}
	}
	c.atr = cpuATR(c.t0)
	c.init()
	return c, nil
}

// cpuATR is a T=1 contactless ATR (PC/SC part 3: 3B 8n 80 01 historical TCK)
// or, in T=0 mode, a plain T=0 ATR; the historical bytes are "BJEDU" 01 00 00.
func cpuATR(t0 bool) []byte {
	hist := []byte{'B', 'J', 'E', 'D', 'U', 0x01, 0x00, 0x00}
	if t0 {
		return append([]byte{0x3B, 0x08}, hist...)
	}
	atr := append([]byte{0x3B, 0x80 | byte(len(hist)), 0x80, 0x01}, hist...)
	var tck byte
	for _, b := range atr[1:] {
		tck ^= b
	}
	return append(atr, tck)
}

// Info is the card info the card was made with.
func (c *Card) Info() card.CardInfo { return c.info }

// ATR is the card's answer to reset (what a PC/SC reader reports).
func (c *Card) ATR() []byte { return slices.Clone(c.atr) }

// PowerOn puts the card (back) in the field and powers it: volatile state is
// cleared, non-volatile memory kept; ATR gives the answer to reset.
func (c *Card) PowerOn() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.powered = true
	c.stats.PowerOns++
	c.resetVolatile()
}

// Reset is a warm reset: the same as PowerOn.
func (c *Card) Reset() { c.PowerOn() }

// PowerOff removes power (or the card from the field): every Transmit fails
// with [ErrRemoved] until PowerOn or Reset.
func (c *Card) PowerOff() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.powered = false
	c.resetVolatile()
}

// Remove is PowerOff under the name of the fault it models: the student
// pulls the card away.
func (c *Card) Remove() { c.PowerOff() }

func (c *Card) resetVolatile() {
	c.selected, c.authed, c.challenge, c.pending = false, false, nil, nil
}

// Retries is how many external-authentication tries are left.
func (c *Card) Retries() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.retries
}

// Files is a copy of the card's non-volatile files, for tests and for
// vendors checking what their CMIS wrote.
type Files struct {
	CardInfo  []byte
	Student   []byte
	Log       [][]byte // newest first
	Extension []byte
}

// Files returns a copy of the card's files.
func (c *Card) Files() Files {
	c.mu.Lock()
	defer c.mu.Unlock()
	info, _ := c.info.MarshalBinary()
	log := make([][]byte, len(c.log))
	for i, r := range c.log {
		log[i] = slices.Clone(r)
	}
	return Files{CardInfo: info, Student: slices.Clone(c.student[:]), Log: log, Extension: slices.Clone(c.extension[:])}
}

// Transmit runs one command APDU through the fault model and the COS.
func (c *Card) Transmit(ctx context.Context, cmd []byte) ([]byte, error) {
	return c.exchange(ctx, cmd, c.execute)
}

// execute is the COS dispatcher; it never panics on any input and always
// returns at least a status word.
func (c *Card) execute(raw []byte) []byte {
	cmd, err := apdu.ParseCommand(raw)
	if err != nil {
		return sw(apdu.SWWrongLength)
	}
	if cmd.INS != 0xC0 {
		c.pending = nil
	}
	switch {
	case cmd.CLA == 0x00 && cmd.INS == 0xA4:
		return c.selectApp(cmd)
	case cmd.INS == 0xC0 && cmd.CLA == 0x00:
		return c.getResponse(cmd)
	case !c.selected:
		return sw(apdu.SWConditionsNotSatisfied)
	case cmd.CLA == 0x00 && cmd.INS == 0x84:
		return c.getChallenge(cmd)
	case cmd.CLA == 0x00 && cmd.INS == 0x88:
		return c.internalAuth(cmd)
	case cmd.CLA == 0x00 && cmd.INS == 0x82:
		return c.externalAuth(cmd)
	case cmd.CLA == 0x00 && cmd.INS == 0xB0:
		return c.readBinary(cmd)
	case cmd.CLA == 0x00 && cmd.INS == 0xB2:
		return c.readRecord(cmd)
	case cmd.INS == 0xD6 || cmd.INS == 0xE2:
		return c.write(cmd, raw)
	case cmd.CLA != 0x00 && cmd.CLA != 0x04:
		return sw(apdu.SWCLANotSupported)
	}
	return sw(apdu.SWINSNotSupported)
}

func sw(s apdu.StatusWord) []byte { return []byte{s.SW1(), s.SW2()} }

func ok(data []byte) []byte { return append(slices.Clone(data), 0x90, 0x00) }

// answer returns data: in T=0 mode a case 4 command gets 61xx and the data
// waits for GET RESPONSE.
func (c *Card) answer(cmd apdu.Command, data []byte) []byte {
	if c.t0 && len(cmd.Data) > 0 && len(data) > 0 {
		c.pending = slices.Clone(data)
		return sw(apdu.MoreData(len(data)))
	}
	return ok(data)
}

func (c *Card) getResponse(cmd apdu.Command) []byte {
	if c.pending == nil {
		return sw(apdu.SWConditionsNotSatisfied)
	}
	data := c.pending
	if cmd.Le != apdu.MaxShortLe && cmd.Le != len(data) {
		return sw(apdu.WrongLe(len(data)))
	}
	c.pending = nil
	return ok(data)
}

func (c *Card) selectApp(cmd apdu.Command) []byte {
	c.selected, c.authed, c.challenge = false, false, nil
	if cmd.P1 != 0x04 || cmd.P2 != 0x00 {
		return sw(apdu.SWWrongP1P2)
	}
	if !bytes.Equal(cmd.Data, card.AID()) {
		return sw(apdu.SWFileNotFound)
	}
	c.selected = true
	info, _ := c.info.MarshalBinary()
	var state []byte
	if len(c.log) > 0 {
		state = c.log[0]
	}
	return c.answer(cmd, card.EncodeFCI(info, state))
}

func (c *Card) getChallenge(cmd apdu.Command) []byte {
	if cmd.P1 != 0 || cmd.P2 != 0 {
		return sw(apdu.SWWrongP1P2)
	}
	if cmd.Le != 4 && cmd.Le != 8 {
		return sw(apdu.SWWrongLength)
	}
	ch := make([]byte, cmd.Le)
	if _, err := io.ReadFull(c.rand, ch); err != nil {
		return sw(apdu.SWMemoryFailure)
	}
	c.challenge = ch
	return ok(ch)
}

// keyFor picks the genuine or the wrong key set for a key id.
func (c *Card) keyFor(id byte) (*sam.CardKeys, sam.KeyRef) {
	ref := sam.KeyRef{ID: id, Version: c.info.KeyVersion}
	if c.wrongID[id] {
		return c.wrong, ref
	}
	return c.keys, ref
}

func (c *Card) internalAuth(cmd apdu.Command) []byte {
	if cmd.P1 != 0 || cmd.P2 != card.KeyIDInternal {
		return sw(apdu.SWReferencedDataNotFound)
	}
	if len(cmd.Data) != 8 {
		return sw(apdu.SWWrongLength)
	}
	keys, ref := c.keyFor(card.KeyIDInternal)
	answer, err := keys.Cryptogram(ref, cmd.Data)
	if err != nil {
		return sw(apdu.SWReferencedDataNotFound)
	}
	return c.answer(cmd, answer)
}

func (c *Card) externalAuth(cmd apdu.Command) []byte {
	if cmd.P1 != 0 || cmd.P2 != card.KeyIDExternal {
		return sw(apdu.SWReferencedDataNotFound)
	}
	if len(cmd.Data) != sam.CryptogramSize {
		return sw(apdu.SWWrongLength)
	}
	if c.retries == 0 {
		return sw(apdu.SWAuthBlocked)
	}
	challenge := c.challenge
	c.challenge = nil
	if challenge == nil {
		return sw(apdu.SWReferenceDataNotUsable)
	}
	keys, ref := c.keyFor(card.KeyIDExternal)
	if err := keys.VerifyCryptogram(ref, challenge, cmd.Data); err != nil {
		c.retries--
		c.authed = false
		return sw(apdu.RetriesLeft(c.retries))
	}
	c.retries = c.maxTries
	c.authed = true
	return ok(nil)
}

// file returns the transparent file for an SFI, or nil.
func (c *Card) file(sfi byte) []byte {
	switch sfi {
	case card.SFIStudent:
		return c.student[:]
	case card.SFIExtension:
		return c.extension[:]
	case card.SFICardInfo:
		info, _ := c.info.MarshalBinary()
		return info
	}
	return nil
}

func (c *Card) readBinary(cmd apdu.Command) []byte {
	if cmd.P1&0x80 == 0 || cmd.P1&0x60 != 0 {
		return sw(apdu.SWWrongP1P2)
	}
	sfi := cmd.P1 & 0x1F
	f := c.file(sfi)
	if f == nil {
		return sw(apdu.SWFileNotFound)
	}
	if sfi == card.SFIStudent && !c.authed {
		return sw(apdu.SWSecurityStatusNotSatisfied)
	}
	off := int(cmd.P2)
	if off > len(f) {
		return sw(apdu.SWWrongParameters)
	}
	rest := f[off:]
	if cmd.Le == 0 {
		return sw(apdu.SWWrongLength)
	}
	if cmd.Le != apdu.MaxShortLe && cmd.Le > len(rest) {
		return sw(apdu.WrongLe(len(rest)))
	}
	return ok(rest[:min(cmd.Le, len(rest))])
}

func (c *Card) readRecord(cmd apdu.Command) []byte {
	if cmd.P2&0x07 != 0x04 || cmd.P2>>3 != card.SFILog {
		if cmd.P2&0x07 == 0x04 {
			return sw(apdu.SWFileNotFound)
		}
		return sw(apdu.SWWrongP1P2)
	}
	n := int(cmd.P1)
	if n < 1 || n > len(c.log) {
		return sw(apdu.SWRecordNotFound)
	}
	if cmd.Le != apdu.MaxShortLe && cmd.Le != card.StateSize {
		return sw(apdu.WrongLe(card.StateSize))
	}
	return ok(c.log[n-1])
}

// write handles UPDATE BINARY and APPEND RECORD. Only the secure-messaging
// form (CLA 04: data ‖ MAC over header and data, IV = the last challenge)
// is accepted, and only after EXTERNAL AUTHENTICATE; the challenge is used
// up by the attempt, so a recorded command can never be replayed.
func (c *Card) write(cmd apdu.Command, raw []byte) []byte {
	if cmd.CLA != 0x04 {
		return sw(apdu.SWSecurityStatusNotSatisfied)
	}
	challenge := c.challenge
	c.challenge = nil
	if !c.authed {
		return sw(apdu.SWSecurityStatusNotSatisfied)
	}
	if challenge == nil {
		return sw(apdu.SWReferenceDataNotUsable)
	}
	if len(cmd.Data) <= sam.MACSize || cmd.Le != 0 || cmd.Extended {
		return sw(apdu.SWWrongLength)
	}
	data := cmd.Data[:len(cmd.Data)-sam.MACSize]
	mac := slices.Clone(cmd.Data[len(cmd.Data)-sam.MACSize:])
	if c.takeFlip() {
		mac[0] ^= 0x01
	}
	macInput := raw[:5+len(data)] // CLA INS P1 P2 Lc ‖ data
	keys, ref := c.keyFor(card.KeyIDMAC)
	if err := keys.VerifyMAC(ref, challenge, macInput, mac); err != nil {
		return sw(apdu.SWMACWrong)
	}
	if cmd.INS == 0xE2 {
		return c.appendRecord(cmd, data)
	}
	return c.updateBinary(cmd, data)
}

func (c *Card) updateBinary(cmd apdu.Command, data []byte) []byte {
	if cmd.P1&0x80 == 0 || cmd.P1&0x60 != 0 {
		return sw(apdu.SWWrongP1P2)
	}
	sfi := cmd.P1 & 0x1F
	var f []byte
	switch sfi {
	case card.SFIStudent:
		f = c.student[:]
	case card.SFIExtension:
		f = c.extension[:]
	case card.SFICardInfo:
		return sw(apdu.SWSecurityStatusNotSatisfied) // written once by the issuer
	default:
		return sw(apdu.SWFileNotFound)
	}
	off := int(cmd.P2)
	if off+len(data) > len(f) {
		return sw(apdu.SWWrongParameters)
	}
	copy(f[off:], data) // atomic: the whole APDU or nothing
	return ok(nil)
}

func (c *Card) appendRecord(cmd apdu.Command, data []byte) []byte {
	if cmd.P1 != 0 || cmd.P2 != card.SFILog<<3 {
		return sw(apdu.SWWrongP1P2)
	}
	if len(data) != card.StateSize {
		return sw(apdu.SWWrongLength)
	}
	c.log = append([][]byte{slices.Clone(data)}, c.log...)
	if len(c.log) > card.LogRecords {
		c.log = c.log[:card.LogRecords]
	}
	return ok(nil)
}

// Format prints the card's serial, suite and log length for every verb,
// never its keys or files (which hold personal data).
func (c *Card) Format(f fmt.State, _ rune) {
	c.mu.Lock()
	n := len(c.log)
	c.mu.Unlock()
	fmt.Fprintf(f, "sim.Card{serial %s %s, %d log records}", c.info.SerialHex(), c.info.Suite, n)
}
