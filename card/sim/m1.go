package sim

import (
	"bytes"
	"context"
	"fmt"
	"slices"

	"github.com/bjedu/studentcard/apdu"
)

// M1 geometry: a Mifare Classic 1K has 16 sectors of 4 blocks of 16 bytes.
const (
	M1Sectors   = 16
	M1BlockSize = 16
)

// TransportTrailer is the trailer of a fresh M1 sector: key A and key B
// FF FF FF FF FF FF, access bits FF 07 80 (everything with key A), user
// byte 69.
func TransportTrailer() [M1BlockSize]byte {
	return [M1BlockSize]byte{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x80, 0x69, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}
}

// M1Card is a simulated Mifare Classic 1K card in a PC/SC reader: it answers
// the PC/SC part 3 pseudo-APDUs a terminal sends for storage cards — GET UID
// (FF CA 00 00 00), LOAD KEYS (FF 82 00 slot 06 key, slots 0-1, volatile),
// GENERAL AUTHENTICATE (FF 86 00 00 05 01 00 block 60|61 slot), READ BINARY
// (FF B0 00 block 10) and UPDATE BINARY (FF D6 00 block 10 data) — with the
// sector trailers' access bits enforced as the chip does (a sector whose
// key B is readable cannot use key B). Failures answer 63 00 (operation
// failed) or 69 82 (not authenticated, or the access bits forbid it), as
// common readers do. A block write is atomic.
//
// Like [Card], it implements apdu.Transport, counts APDUs, models time and
// injects tears; it has no secure messaging, so FlipNextMAC does nothing.
type M1Card struct {
	frontend

	uid    [4]byte
	blocks [M1Sectors * 4][M1BlockSize]byte

	// volatile
	slots    [2][]byte
	authSect int // authenticated sector, -1 for none
	authKey  byte
}

// NewM1 makes an M1 card with the given UID: block 0 holds the UID, its BCC
// and manufacturer bytes; every sector trailer is the transport trailer.
// Load the issuer's sectors with SetSector.
func NewM1(uid [4]byte) *M1Card {
	c := &M1Card{uid: uid, authSect: -1}
	copy(c.blocks[0][:], uid[:])
	c.blocks[0][4] = uid[0] ^ uid[1] ^ uid[2] ^ uid[3]
	c.blocks[0][5], c.blocks[0][6], c.blocks[0][7] = 0x08, 0x04, 0x00 // SAK, ATQA
	for s := 0; s < M1Sectors; s++ {
		c.blocks[s*4+3] = TransportTrailer()
	}
	c.init()
	return c
}

// SetSector writes a whole sector (three data blocks and the trailer)
// directly, bypassing keys: the issuer's initialisation of a card. Sector 0
// keeps its manufacturer block.
func (c *M1Card) SetSector(sector int, blocks [4][M1BlockSize]byte) error {
	if sector < 0 || sector >= M1Sectors {
		return &ConfigError{Reason: "M1 sector must be 0-15"}
	}
	if _, ok := decodeAccess(blocks[3][6:9]); !ok {
		return &ConfigError{Reason: "trailer access bits are inconsistent (the chip would lock the sector)"}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, b := range blocks {
		if sector == 0 && i == 0 {
			continue
		}
		c.blocks[sector*4+i] = b
	}
	return nil
}

// Sector returns a copy of a sector's four blocks (keys included), for
// tests and vendors checking what was written.
func (c *M1Card) Sector(sector int) [4][M1BlockSize]byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out [4][M1BlockSize]byte
	if sector >= 0 && sector < M1Sectors {
		copy(out[:], c.blocks[sector*4:sector*4+4])
	}
	return out
}

// m1ATR is the PC/SC part 3 ATR of a Mifare Classic 1K in a contactless
// reader (a string so nobody can change it).
const m1ATR = "\x3B\x8F\x80\x01\x80\x4F\x0C\xA0\x00\x00\x03\x06\x03\x00\x01\x00\x00\x00\x00\x6A"

// ATR is the card's answer to reset as a PC/SC reader reports it.
func (c *M1Card) ATR() []byte { return []byte(m1ATR) }

// PowerOn puts the card (back) in the field: authentication and loaded keys
// are forgotten, memory kept.
func (c *M1Card) PowerOn() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.powered = true
	c.stats.PowerOns++
	c.slots, c.authSect = [2][]byte{}, -1
}

// Reset is the same as PowerOn.
func (c *M1Card) Reset() { c.PowerOn() }

// PowerOff takes the card out of the field.
func (c *M1Card) PowerOff() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.powered = false
	c.slots, c.authSect = [2][]byte{}, -1
}

// Remove is PowerOff under the name of the fault it models.
func (c *M1Card) Remove() { c.PowerOff() }

// Transmit runs one pseudo-APDU.
func (c *M1Card) Transmit(ctx context.Context, cmd []byte) ([]byte, error) {
	return c.exchange(ctx, cmd, c.execute)
}

// swFailed is 63 00, the readers' "operation failed".
func swFailed() []byte { return []byte{0x63, 0x00} }

// swNotAuthed is 69 82: not authenticated, or the access bits forbid it.
func swNotAuthed() []byte { return sw(apdu.SWSecurityStatusNotSatisfied) }

func (c *M1Card) execute(raw []byte) []byte {
	cmd, err := apdu.ParseCommand(raw)
	if err != nil {
		return sw(apdu.SWWrongLength)
	}
	if cmd.CLA != 0xFF {
		return sw(apdu.SWCLANotSupported)
	}
	switch cmd.INS {
	case 0xCA:
		if cmd.P1 != 0 || cmd.P2 != 0 {
			return sw(apdu.SWWrongP1P2)
		}
		return ok(c.uid[:])
	case 0x82:
		if cmd.P1 != 0x00 || cmd.P2 > 1 || len(cmd.Data) != 6 {
			return sw(apdu.SWWrongP1P2)
		}
		c.slots[cmd.P2] = slices.Clone(cmd.Data)
		return ok(nil)
	case 0x86:
		return c.authenticate(cmd)
	case 0xB0:
		return c.read(cmd)
	case 0xD6:
		return c.write(cmd)
	}
	return sw(apdu.SWINSNotSupported)
}

func (c *M1Card) authenticate(cmd apdu.Command) []byte {
	d := cmd.Data
	if len(d) != 5 || d[0] != 0x01 || d[1] != 0x00 || (d[3] != 0x60 && d[3] != 0x61) || d[4] > 1 {
		return sw(apdu.SWWrongP1P2)
	}
	c.authSect = -1
	block := int(d[2])
	if block >= M1Sectors*4 {
		return swFailed()
	}
	key := c.slots[d[4]]
	trailer := c.blocks[block/4*4+3]
	want := trailer[0:6]
	if d[3] == 0x61 {
		want = trailer[10:16]
	}
	if key == nil || !bytes.Equal(key, want) {
		return swFailed()
	}
	c.authSect, c.authKey = block/4, d[3]
	return ok(nil)
}

// allowed reports whether the authenticated key may do op on block.
func (c *M1Card) allowed(block int, op accessOp) bool {
	sector := block / 4
	if c.authSect != sector {
		return false
	}
	acc, ok := decodeAccess(c.blocks[sector*4+3][6:9])
	if !ok {
		return false
	}
	isB := c.authKey == 0x61
	if isB && keyBReadable(acc[3]) {
		return false // key B is data here, not a key
	}
	var who keys
	if block%4 == 3 {
		who = trailerRights(acc[3], op)
	} else {
		who = dataRights(acc[block%4], op)
	}
	return who.has(isB)
}

func (c *M1Card) read(cmd apdu.Command) []byte {
	block := int(cmd.P2)
	if cmd.P1 != 0 || block >= M1Sectors*4 || cmd.Le != M1BlockSize {
		return sw(apdu.SWWrongP1P2)
	}
	if c.authSect != block/4 {
		return swNotAuthed()
	}
	if block%4 != 3 {
		if !c.allowed(block, opRead) {
			return swNotAuthed()
		}
		return ok(c.blocks[block][:])
	}
	out := make([]byte, M1BlockSize) // key A always reads as zeros
	if c.allowed(block, opReadAccess) {
		copy(out[6:10], c.blocks[block][6:10])
	}
	if c.allowed(block, opReadKeyB) {
		copy(out[10:], c.blocks[block][10:])
	}
	return ok(out)
}

func (c *M1Card) write(cmd apdu.Command) []byte {
	block := int(cmd.P2)
	if cmd.P1 != 0 || block >= M1Sectors*4 || len(cmd.Data) != M1BlockSize {
		return sw(apdu.SWWrongP1P2)
	}
	if block == 0 {
		return swNotAuthed() // manufacturer block
	}
	if c.authSect != block/4 {
		return swNotAuthed()
	}
	if block%4 != 3 {
		if !c.allowed(block, opWrite) {
			return swNotAuthed()
		}
		copy(c.blocks[block][:], cmd.Data)
		return ok(nil)
	}
	next := c.blocks[block]
	if c.allowed(block, opWriteKeyA) {
		copy(next[0:6], cmd.Data[0:6])
	}
	if c.allowed(block, opWriteAccess) {
		if _, ok := decodeAccess(cmd.Data[6:9]); !ok {
			return swFailed() // the chip would lock the sector for good; refuse instead
		}
		copy(next[6:10], cmd.Data[6:10])
	}
	if c.allowed(block, opWriteKeyB) {
		copy(next[10:], cmd.Data[10:])
	}
	if next == c.blocks[block] && !bytes.Equal(next[:], cmd.Data) {
		return swNotAuthed()
	}
	c.blocks[block] = next
	return ok(nil)
}

// Access conditions (MF1S50 datasheet, section 8.7).

type accessOp int

const (
	opRead accessOp = iota
	opWrite
	opReadAccess
	opWriteAccess
	opWriteKeyA
	opReadKeyB
	opWriteKeyB
)

// keys is a set of key types: bit 0 key A, bit 1 key B.
type keys byte

const (
	never keys = 0
	keyA  keys = 1
	keyB  keys = 2
	keyAB keys = 3
)

func (k keys) has(isB bool) bool {
	if isB {
		return k&keyB != 0
	}
	return k&keyA != 0
}

// decodeAccess returns C1C2C3 (as a 3-bit number) for blocks 0-3, and
// whether the inverted copies agree.
func decodeAccess(b []byte) ([4]byte, bool) {
	var out [4]byte
	c1, c2, c3 := b[1]>>4, b[2]&0x0F, b[2]>>4
	nc1, nc2, nc3 := b[0]&0x0F, b[0]>>4, b[1]&0x0F
	if c1^nc1 != 0x0F || c2^nc2 != 0x0F || c3^nc3 != 0x0F {
		return out, false
	}
	for i := range 4 {
		out[i] = (c1>>i&1)<<2 | (c2>>i&1)<<1 | c3>>i&1
	}
	return out, true
}

// EncodeAccess builds the three access bytes from C1C2C3 of blocks 0-3
// (each a 3-bit number), for issuers and tests writing trailers.
func EncodeAccess(cond [4]byte) [3]byte {
	var c1, c2, c3 byte
	for i, v := range cond {
		c1 |= (v >> 2 & 1) << i
		c2 |= (v >> 1 & 1) << i
		c3 |= (v & 1) << i
	}
	return [3]byte{(^c2&0x0F)<<4 | ^c1&0x0F, c1<<4 | ^c3&0x0F, c3<<4 | c2}
}

func dataRights(cond byte, op accessOp) keys {
	read := [8]keys{keyAB, keyAB, keyAB, keyB, keyAB, keyB, keyAB, never} // index C1C2C3
	write := [8]keys{keyAB, never, never, keyB, keyB, never, keyB, never}
	if op == opRead {
		return read[cond]
	}
	return write[cond]
}

func keyBReadable(cond byte) bool { return cond == 0 || cond == 1 || cond == 2 }

func trailerRights(cond byte, op accessOp) keys {
	// rows C1C2C3 = 000 001 010 011 100 101 110 111
	table := map[accessOp][8]keys{
		opWriteKeyA:   {keyA, keyA, never, keyB, keyB, never, never, never},
		opReadAccess:  {keyA, keyA, keyA, keyAB, keyAB, keyAB, keyAB, keyAB},
		opWriteAccess: {never, keyA, never, keyB, never, keyB, never, never},
		opReadKeyB:    {keyA, keyA, keyA, never, never, never, never, never},
		opWriteKeyB:   {keyA, keyA, never, keyB, keyB, never, never, never},
	}
	return table[op][cond]
}

// Format prints the card's UID for every verb, never its blocks or keys.
func (c *M1Card) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "sim.M1Card{UID % X}", c.uid[:])
}
