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
	profile card.Profile
	keys    *sam.CardKeys // genuine keys, diversified by the serial
	wrong   *sam.CardKeys // keys diversified by another serial, for WithWrongKey
	wrongID map[byte]bool
	rand    io.Reader
	t0      bool
	atr     []byte

	// non-volatile
	student     [card.StudentFileSize]byte
	log         [][]byte // newest first, at most card.LogRecords
	extension   [card.ExtensionSize]byte
	retries     int
	maxTries    int
	macFailures int // wrong MACs in a row
	macLimit    int

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
	macLimit int
	wrongIDs []byte
	profile  card.Profile
}

// WithProfile makes a card of a vendor's COS numbering (AID, SFIs, key
// ids; see card.Profile), as card.WithProfile opens it. Default
// card.DefaultProfile.
func WithProfile(p card.Profile) Option { return func(c *config) { c.profile = p } }

// WithRand makes the card draw its challenges from r (default crypto/rand):
// tests pass a seeded reader for reproducible traces.
func WithRand(r io.Reader) Option { return func(c *config) { c.rand = r } }

// WithT0 makes the card behave like a T=0 contact card: case 4 commands
// answer 61xx and the data must be fetched with GET RESPONSE (00 C0).
func WithT0() Option { return func(c *config) { c.t0 = true } }

// WithRetries sets the external-authentication retry limit (1-15).
func WithRetries(n int) Option { return func(c *config) { c.retries = n } }

// DefaultMACRetries is how many wrong MACs in a row the card accepts before
// it blocks the MAC key (every protected write then answers 6983).
const DefaultMACRetries = 5

// WithMACRetries sets the wrong-MAC limit (1-255).
func WithMACRetries(n int) Option { return func(c *config) { c.macLimit = n } }

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
	cfg := config{rand: rand.Reader, retries: DefaultRetries, macLimit: DefaultMACRetries, profile: card.DefaultProfile()}
	for _, o := range opts {
		o(&cfg)
	}
	if masters == nil || masters.Suite() != info.Suite {
		return nil, &ConfigError{Reason: "the key set's suite must be the card info's"}
	}
	if cfg.retries < 1 || cfg.retries > 15 {
		return nil, &ConfigError{Reason: "retries must be 1-15"}
	}
	if cfg.macLimit < 1 || cfg.macLimit > 255 {
		return nil, &ConfigError{Reason: "MAC retries must be 1-255"}
	}
	if _, err := info.MarshalBinary(); err != nil {
		return nil, err
	}
	if err := cfg.profile.Validate(); err != nil {
		return nil, err
	}
	cfg.profile.AID = slices.Clone(cfg.profile.AID)
	keys, err := masters.CardKeys(info.Diversifier())
	if err != nil {
		return nil, err
	}
	c := &Card{info: info, keys: keys, rand: cfg.rand, t0: cfg.t0, retries: cfg.retries, maxTries: cfg.retries, macLimit: cfg.macLimit, profile: cfg.profile}
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
// returns at least a status word. The class is checked first (a PC/SC
// pseudo-APDU FF … is the reader's, never the card's: 6E00), then the
// instruction (unknown: 6D00, selected or not), then the selection.
func (c *Card) execute(raw []byte) []byte {
	cmd, err := apdu.ParseCommand(raw)
	if err != nil {
		return sw(apdu.SWWrongLength)
	}
	if cmd.INS != apdu.INSGetResponse {
		c.pending = nil
	}
	if refused := checkClass(cmd); refused != 0 {
		return sw(refused)
	}
	switch cmd.INS {
	case apdu.INSSelect:
		return c.selectApp(cmd)
	case apdu.INSGetResponse:
		return c.getResponse(cmd)
	case apdu.INSGetChallenge, apdu.INSInternalAuthenticate, apdu.INSExternalAuthenticate,
		apdu.INSReadBinary, apdu.INSReadRecord, apdu.INSUpdateBinary, apdu.INSAppendRecord:
	default:
		return sw(apdu.SWINSNotSupported)
	}
	if !c.selected {
		return sw(apdu.SWConditionsNotSatisfied)
	}
	switch cmd.INS {
	case apdu.INSGetChallenge:
		return c.getChallenge(cmd)
	case apdu.INSInternalAuthenticate:
		return c.internalAuth(cmd)
	case apdu.INSExternalAuthenticate:
		return c.externalAuth(cmd)
	case apdu.INSReadBinary:
		return c.readBinary(cmd)
	case apdu.INSReadRecord:
		return c.readRecord(cmd)
	}
	return c.write(cmd, raw)
}

// Status words of the class check (ISO/IEC 7816-4 table 6).
const (
	swChannelNotSupported  apdu.StatusWord = 0x6881
	swSMNotSupported       apdu.StatusWord = 0x6882
	swChainingNotSupported apdu.StatusWord = 0x6884
)

// checkClass accepts the first interindustry class without and with secure
// messaging (00 and 04, the latter only on the protected writes) and
// returns the refusal for anything else, 0 for none.
func checkClass(cmd apdu.Command) apdu.StatusWord {
	cla := cmd.CLA
	switch {
	case cla&0xE0 != 0: // proprietary, further interindustry, or FF
		return apdu.SWCLANotSupported
	case cla&0x10 != 0:
		return swChainingNotSupported
	case cla&0x03 != 0:
		return swChannelNotSupported
	case cla == 0x04 && (cmd.INS == apdu.INSUpdateBinary || cmd.INS == apdu.INSAppendRecord):
		return 0
	case cla != 0x00:
		return swSMNotSupported
	}
	return 0
}

func sw(s apdu.StatusWord) []byte { return []byte{s.SW1(), s.SW2()} }

func ok(data []byte) []byte { return append(slices.Clone(data), 0x90, 0x00) }

// answer returns data of a fixed size (the FCI, a cryptogram) under the
// command's Ne. In T=0 mode a case 4 command gets 61xx and the data waits
// for GET RESPONSE (a T=0 reader sends no Le with a case 4 command).
// Otherwise Le absent (Ne = 0) gets 9000 and no data, as ISO/IEC 7816-4
// says; an Le smaller than the data gets 6Cxx with the exact length, which
// apdu.Client answers by resending (truncating a cryptogram or an FCI would
// hand the terminal something it cannot use); Le 00 (256) or larger gets
// all of it.
func (c *Card) answer(cmd apdu.Command, data []byte) []byte {
	switch {
	case c.t0 && len(cmd.Data) > 0 && len(data) > 0:
		c.pending = slices.Clone(data)
		return sw(apdu.MoreData(len(data)))
	case cmd.Le == 0:
		return ok(nil)
	case cmd.Le < len(data):
		return sw(apdu.WrongLe(len(data)))
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

// selectApp selects the education application by name. P2 00 returns the
// FCI, P2 0C (what OpenSC probes with) none. A failed SELECT changes
// nothing: the current selection and its security state stay, as on every
// COS (ISO/IEC 7816-4 clause 7.1.1). A successful one resets the security
// state and the challenge.
func (c *Card) selectApp(cmd apdu.Command) []byte {
	if cmd.P1 != 0x04 || (cmd.P2 != selectFCI && cmd.P2 != selectNoData) {
		return sw(apdu.SWWrongP1P2)
	}
	if !bytes.Equal(cmd.Data, c.profile.AID) {
		return sw(apdu.SWFileNotFound)
	}
	c.selected, c.authed, c.challenge = true, false, nil
	if cmd.P2 == selectNoData {
		return ok(nil)
	}
	info, _ := c.info.MarshalBinary()
	var state []byte
	if len(c.log) > 0 {
		state = c.log[0]
	}
	return c.answer(cmd, card.EncodeFCI(info, state))
}

// SELECT P2 values: first occurrence, return the FCI or no response data.
const (
	selectFCI    = 0x00
	selectNoData = 0x0C
)

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
	if cmd.P1 != 0 || cmd.P2 != c.profile.KeyIDInternal {
		return sw(apdu.SWReferencedDataNotFound)
	}
	if len(cmd.Data) != 8 {
		return sw(apdu.SWWrongLength)
	}
	keys, ref := c.keyFor(c.profile.KeyIDInternal)
	answer, err := keys.Cryptogram(ref, cmd.Data)
	if err != nil {
		return sw(apdu.SWReferencedDataNotFound)
	}
	return c.answer(cmd, answer)
}

func (c *Card) externalAuth(cmd apdu.Command) []byte {
	if cmd.P1 != 0 || cmd.P2 != c.profile.KeyIDExternal {
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
	keys, ref := c.keyFor(c.profile.KeyIDExternal)
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
	case c.profile.SFIStudent:
		return c.student[:]
	case c.profile.SFIExtension:
		return c.extension[:]
	case c.profile.SFICardInfo:
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
	if sfi == c.profile.SFIStudent && !c.authed {
		return sw(apdu.SWSecurityStatusNotSatisfied)
	}
	return readSlice(cmd, f[min(int(cmd.P2), len(f)):], int(cmd.P2) >= len(f))
}

// readSlice answers a READ BINARY or READ RECORD of rest, the bytes from
// the offset to the end of the file or record (ISO/IEC 7816-4 clauses
// 11.2.3, 11.3.3): an offset at or beyond the end is 6B00; Le absent is
// 6700; Le 00 (256) reads to the end (at most 256 bytes); a smaller Le
// reads that many bytes; a larger one reads to the end and warns 6282 (end
// of file or record reached before Ne bytes), which apdu.Client.Do returns
// with the data.
func readSlice(cmd apdu.Command, rest []byte, beyond bool) []byte {
	switch {
	case beyond:
		return sw(apdu.SWWrongParameters)
	case cmd.Le == 0:
		return sw(apdu.SWWrongLength)
	case cmd.Le == apdu.MaxShortLe:
		return ok(rest[:min(cmd.Le, len(rest))])
	case cmd.Le <= len(rest):
		return ok(rest[:cmd.Le])
	}
	return append(slices.Clone(rest), sw(swEndBeforeNe)...)
}

// swEndBeforeNe is 6282: end of file or record reached before reading Ne
// bytes.
const swEndBeforeNe apdu.StatusWord = 0x6282

func (c *Card) readRecord(cmd apdu.Command) []byte {
	if cmd.P2&0x07 != 0x04 || cmd.P2>>3 != c.profile.SFILog {
		if cmd.P2&0x07 == 0x04 {
			return sw(apdu.SWFileNotFound)
		}
		return sw(apdu.SWWrongP1P2)
	}
	n := int(cmd.P1)
	if n < 1 || n > len(c.log) {
		return sw(apdu.SWRecordNotFound)
	}
	if cmd.Le == 0 {
		return sw(apdu.SWWrongLength)
	}
	if cmd.Le < card.StateSize {
		return sw(apdu.WrongLe(card.StateSize))
	}
	return readSlice(cmd, c.log[n-1], false)
}

// write handles UPDATE BINARY and APPEND RECORD. Only the secure-messaging
// form (CLA 04: data ‖ MAC over header and data, IV = the last challenge)
// is accepted, and only after EXTERNAL AUTHENTICATE; the challenge is used
// up by the attempt, so a recorded command can never be replayed.
//
// A wrong MAC (6988) clears the security state: the terminal must
// authenticate again. After [WithMACRetries] wrong MACs in a row (a
// non-volatile counter a correct MAC resets) the MAC key is blocked and
// every protected write answers 6983, for good.
func (c *Card) write(cmd apdu.Command, raw []byte) []byte {
	if cmd.CLA != 0x04 {
		return sw(apdu.SWSecurityStatusNotSatisfied)
	}
	challenge := c.challenge
	c.challenge = nil
	if c.macFailures >= c.macLimit {
		return sw(apdu.SWAuthBlocked)
	}
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
	keys, ref := c.keyFor(c.profile.KeyIDMAC)
	if err := keys.VerifyMAC(ref, challenge, macInput, mac); err != nil {
		c.authed = false
		c.macFailures++
		return sw(apdu.SWMACWrong)
	}
	c.macFailures = 0
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
	case c.profile.SFIStudent:
		f = c.student[:]
	case c.profile.SFIExtension:
		f = c.extension[:]
	case c.profile.SFICardInfo:
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
	if cmd.P1 != 0 || cmd.P2 != c.profile.SFILog<<3 {
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
	fmt.Fprintf(f, "sim.Card{serial %s %s, %d log records}", c.info.Serial.String(), c.info.Suite, n)
}
