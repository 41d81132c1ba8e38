package card

import (
	"bytes"
	"context"
	"errors"
	"time"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/apdu"
	"github.com/bjedu/studentcard/internal/digits"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/sam"
)

// M1 (Mifare Classic 1K) legacy registry cards (SPEC A-4, §8).
//
// The education sector (default sector 14, blocks 56-59) has three data
// blocks and a trailer. Both layouts keep the name in block 1 unchanged, so
// a GB2312 name survives an upgrade byte for byte.
//
// Legacy layout (1), as found in the field:
//
//	block 0   registry number, 16 ASCII digits
//	block 1   name, GB2312, zero-padded (at most 8 characters)
//	block 2   0-5 school code, 6 ASCII digits; 6 gender, ASCII '1'/'2';
//	          7 status (01 in use, 02 frozen, 03 cancelled);
//	          8-11 valid until, BCD YYYYMMDD; 12-13 last registered year,
//	          BCD; 14 term; 15 XOR of bytes 0-14
//	trailer   key A ‖ 78 77 88 01 ‖ key B, keys of version 1
//
// Current layout (2), written by [M1Card.Upgrade]:
//
//	block 0   0 tag E2; 1-8 registry number BCD; 9-11 school code BCD;
//	          12 gender; 13 stage; 14 status ([Status]); 15 XOR of 0-14
//	block 1   name, GB18030, zero-padded (16 bytes)
//	block 2   0 tag E3; 1-2 last registered year BCD; 3 term;
//	          4-7 valid from BCD (00000000 if unknown); 8-11 valid until
//	          BCD; 12-14 reserved 00; 15 XOR of 0-14
//	trailer   key A ‖ 78 77 88 02 ‖ key B, keys of version 2
//
// Access bits 78 77 88: data blocks read with key A or B, written with key
// B only; the trailer's keys and access bits written with key B only; key
// B never readable. Both keys are derived in the SAM, never stored in the
// terminal: key = the first 6 bytes of SAM.Encrypt(KeyRef{KeyIDM1,
// version}, sam.UIDDiversifier(uid), sector ‖ 60 for key A or 61 for key B).
// The terminal authenticates with key B for everything.
const (
	// M1Sector is the default education sector of an M1 card.
	M1Sector = 14
	// M1BlockSize is the size of an M1 block.
	M1BlockSize = 16
	// M1KeySize is the size of an M1 sector key.
	M1KeySize = 6
	// M1 key types in PC/SC GENERAL AUTHENTICATE.
	M1KeyA = 0x60
	M1KeyB = 0x61
)

// m1AccessBits is the access condition bytes and user byte of the
// education trailer (the user byte is the layout version).
func m1AccessBits(layout byte) []byte { return []byte{0x78, 0x77, 0x88, layout} }

const m1File = "M1 education sector"

// M1Record is the education sector's content in either layout.
type M1Record struct {
	Layout         int // 1 legacy, 2 current; for a half-upgraded sector, 1
	RegistryNumber string
	Name           string
	Gender         Gender
	Stage          Stage
	SchoolCode     string
	Status         Status
	Semester       Semester
	ValidFrom      time.Time // zero in the legacy layout
	ValidUntil     time.Time
}

// M1Key derives an M1 sector key in the SAM (SPEC §8: key B diversified
// from the UID and the sector number): keyType is [M1KeyA] or [M1KeyB],
// version [M1KeyVersionLegacy] or [M1KeyVersionCurrent]. Terminals call it
// through [OpenM1]; the issuer calls it to key new cards.
func M1Key(ctx context.Context, s sam.SAM, uid [4]byte, sector int, keyType, version byte) ([M1KeySize]byte, error) {
	var key [M1KeySize]byte
	out, err := s.Encrypt(ctx, sam.KeyRef{ID: KeyIDM1, Version: version}, sam.UIDDiversifier(uid), []byte{byte(sector), keyType})
	if err != nil {
		return key, err
	}
	copy(key[:], out)
	clear(out)
	return key, nil
}

// M1Trailer builds the education sector trailer of a layout (1 or 2) with
// that layout's keys: what the issuer writes when keying a card, and what
// Upgrade writes last.
func M1Trailer(ctx context.Context, s sam.SAM, uid [4]byte, sector int, layout byte) ([M1BlockSize]byte, error) {
	var t [M1BlockSize]byte
	a, err := M1Key(ctx, s, uid, sector, M1KeyA, layout)
	if err != nil {
		return t, err
	}
	b, err := M1Key(ctx, s, uid, sector, M1KeyB, layout)
	if err != nil {
		return t, err
	}
	copy(t[:6], a[:])
	copy(t[6:10], m1AccessBits(layout))
	copy(t[10:], b[:])
	return t, nil
}

func xorCheck(b []byte) byte {
	var x byte
	for _, v := range b[:15] {
		x ^= v
	}
	return x
}

// EncodeM1Legacy encodes a record in the legacy layout (for issuers and
// tests that make old cards). The name must be GB2312: a rare character is
// a [*NameError] naming it.
func EncodeM1Legacy(r M1Record) ([3][M1BlockSize]byte, error) {
	var out [3][M1BlockSize]byte
	if !digits.Is(r.RegistryNumber, 16) {
		return out, &FieldError{File: m1File, Field: "registry number", Offset: 0, Reason: "want 16 digits"}
	}
	copy(out[0][:], r.RegistryNumber)
	name, _, err := EncodeText("name", r.Name, M1BlockSize, false)
	if err != nil {
		return out, err
	}
	copy(out[1][:], name)
	b := out[2][:]
	if !digits.Is(r.SchoolCode, 6) {
		return out, &FieldError{File: m1File, Field: "school code", Offset: 32, Reason: "want 6 digits"}
	}
	copy(b, r.SchoolCode)
	if r.Gender != Male && r.Gender != Female {
		return out, &FieldError{File: m1File, Field: "gender", Offset: 38, Reason: "want 1 or 2"}
	}
	b[6] = '0' + byte(r.Gender)
	switch r.Status {
	case Personalised:
		b[7] = 0x01
	case Frozen:
		b[7] = 0x02
	case Cancelled:
		b[7] = 0x03
	default:
		return out, &FieldError{File: m1File, Field: "status", Offset: 39, Reason: "legacy cards know in use, frozen and cancelled only"}
	}
	putDate(b[8:12], r.ValidUntil)
	if !r.Semester.IsZero() {
		putBCD(b[12:14], itoa(r.Semester.Year))
		b[14] = byte(r.Semester.Term)
	}
	b[15] = xorCheck(b)
	return out, nil
}

// EncodeM1 encodes a record in the current layout.
func EncodeM1(r M1Record) ([3][M1BlockSize]byte, error) {
	var out [3][M1BlockSize]byte
	b0 := out[0][:]
	b0[0] = 0xE2
	if !digits.Is(r.RegistryNumber, 16) {
		return out, &FieldError{File: m1File, Field: "registry number", Offset: 1, Reason: "want 16 digits"}
	}
	putBCD(b0[1:9], r.RegistryNumber)
	if !digits.Is(r.SchoolCode, 6) {
		return out, &FieldError{File: m1File, Field: "school code", Offset: 9, Reason: "want 6 digits"}
	}
	putBCD(b0[9:12], r.SchoolCode)
	if r.Gender != Male && r.Gender != Female {
		return out, &FieldError{File: m1File, Field: "gender", Offset: 12, Reason: "want 1 or 2"}
	}
	b0[12] = byte(r.Gender)
	if r.Stage < Primary || r.Stage > Senior {
		return out, &FieldError{File: m1File, Field: "stage", Offset: 13, Reason: "want 1-3"}
	}
	b0[13] = byte(r.Stage)
	if r.Status > TransferredIn {
		return out, &FieldError{File: m1File, Field: "status", Offset: 14, Reason: "unknown status"}
	}
	b0[14] = byte(r.Status)
	b0[15] = xorCheck(b0)
	name, _, err := EncodeText("name", r.Name, M1BlockSize, true)
	if err != nil {
		return out, err
	}
	copy(out[1][:], name)
	b2 := out[2][:]
	b2[0] = 0xE3
	if !r.Semester.IsZero() {
		if !r.Semester.valid() {
			return out, &SemesterError{Text: r.Semester.String()}
		}
		putBCD(b2[1:3], itoa(r.Semester.Year))
		b2[3] = byte(r.Semester.Term)
	}
	putDate(b2[4:8], r.ValidFrom)
	putDate(b2[8:12], r.ValidUntil)
	b2[15] = xorCheck(b2)
	return out, nil
}

// DecodeM1 decodes the three data blocks of the education sector. Each of
// block 0 and block 2 is recognised by its own tag, so a sector that an
// upgrade tore half-way (block 0 current, block 2 still legacy) still
// decodes — as Layout 1, to be upgraded again. Anything else is a
// [*FieldError] matching [ErrMalformed] or [ErrM1Layout].
func DecodeM1(blocks [3][M1BlockSize]byte) (M1Record, error) {
	var r M1Record
	b0, b1, b2 := blocks[0][:], blocks[1][:], blocks[2][:]
	cur0, cur2 := b0[0] == 0xE2, b2[0] == 0xE3
	if cur2 && !cur0 {
		return r, &M1LayoutError{Reason: "block 2 current, block 0 legacy: not written by an upgrade"}
	}
	var err error
	if r.Name, err = DecodeText(m1File, "name", 16, b1); err != nil {
		return r, err
	}
	if r.Name == "" {
		return r, &M1LayoutError{Reason: "no name in block 1"}
	}
	r.Layout = 1
	if cur0 && cur2 {
		r.Layout = 2
	}
	if cur0 {
		if xorCheck(b0) != b0[15] {
			return r, &FieldError{File: m1File, Field: "block 0 check", Offset: 15, Reason: "XOR check wrong"}
		}
		var ok bool
		if r.RegistryNumber, ok = bcdDigits(b0[1:9]); !ok {
			return r, &FieldError{File: m1File, Field: "registry number", Offset: 1, Reason: "not BCD"}
		}
		if r.SchoolCode, ok = bcdDigits(b0[9:12]); !ok {
			return r, &FieldError{File: m1File, Field: "school code", Offset: 9, Reason: "not BCD"}
		}
		r.Gender, r.Stage, r.Status = Gender(b0[12]), Stage(b0[13]), Status(b0[14])
		if r.Gender != Male && r.Gender != Female || r.Stage < Primary || r.Stage > Senior || r.Status > TransferredIn {
			return r, &FieldError{File: m1File, Field: "gender, stage or status", Offset: 12, Reason: "out of range"}
		}
	} else {
		r.RegistryNumber = string(b0)
		if !digits.Is(r.RegistryNumber, 16) {
			return r, &M1LayoutError{Reason: "block 0 is neither 16 ASCII digits nor tagged E2"}
		}
		r.Stage = stageOf(r.RegistryNumber)
	}
	if cur2 {
		if xorCheck(b2) != b2[15] {
			return r, &FieldError{File: m1File, Field: "block 2 check", Offset: 47, Reason: "XOR check wrong"}
		}
		if r.Semester, err = decodeSemester(b2[1:4], 33); err != nil {
			return r, err
		}
		if r.ValidFrom, err = getDate(m1File, "valid from", 36, b2[4:8]); err != nil {
			return r, err
		}
		if r.ValidUntil, err = getDate(m1File, "valid until", 40, b2[8:12]); err != nil {
			return r, err
		}
		return r, nil
	}
	// legacy block 2
	if xorCheck(b2) != b2[15] {
		return r, &FieldError{File: m1File, Field: "block 2 check", Offset: 47, Reason: "XOR check wrong"}
	}
	school := string(b2[:6])
	if !digits.Is(school, 6) {
		return r, &M1LayoutError{Reason: "block 2 is neither legacy nor tagged E3"}
	}
	if !cur0 {
		r.SchoolCode = school
		r.Gender = Gender(b2[6] - '0')
		if r.Gender != Male && r.Gender != Female {
			return r, &FieldError{File: m1File, Field: "gender", Offset: 38, Reason: "want '1' or '2'"}
		}
	}
	switch b2[7] {
	case 0x01:
		r.Status = Personalised
	case 0x02:
		r.Status = Frozen
	case 0x03:
		r.Status = Cancelled
	default:
		return r, &FieldError{File: m1File, Field: "status", Offset: 39, Reason: "want 01, 02 or 03"}
	}
	if r.ValidUntil, err = getDate(m1File, "valid until", 40, b2[8:12]); err != nil {
		return r, err
	}
	if r.Semester, err = decodeSemester(b2[12:15], 44); err != nil {
		return r, err
	}
	return r, nil
}

func decodeSemester(b []byte, offset int) (Semester, error) {
	if b[0] == 0 && b[1] == 0 && b[2] == 0 {
		return Semester{}, nil
	}
	y, ok := bcdDigits(b[:2])
	var year int
	for _, c := range y {
		year = year*10 + int(c-'0')
	}
	s := Semester{Year: year, Term: int(b[2])}
	if !ok || !s.valid() {
		return Semester{}, &FieldError{File: m1File, Field: "semester", Offset: offset, Reason: "not YYYY BCD and term 1 or 2"}
	}
	return s, nil
}

// stageOf derives the stage from digit 9 of a registry number (student
// category, SPEC §2), for legacy records that do not store it.
func stageOf(number string) Stage {
	switch number[8] {
	case '0', '4', '7':
		return Primary
	case '1', '5', '8':
		return Junior
	}
	return Senior
}

// M1LayoutError says why an M1 education sector is in neither layout. It
// matches [ErrM1Layout].
type M1LayoutError struct{ Reason string }

// Error is the English text of the error; Localize renders it in Chinese too.
func (e *M1LayoutError) Error() string { return "card: " + e.Localize(l10n.English) }

// Localize renders the error in the language tag; the reason stays English.
func (e *M1LayoutError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "%[1]s: %[2]s", messages.Sprintf(tag, "unknown M1 education sector layout"), messages.Sprintf(tag, e.Reason))
}

// Unwrap yields ErrM1Layout.
func (e *M1LayoutError) Unwrap() error { return ErrM1Layout }

// M1Card is a session with an M1 registry card's education sector through
// a PC/SC reader's pseudo-APDUs (FF CA get UID, FF 82 load key, FF 86
// authenticate, FF B0 read, FF D6 write). The sector key comes from the SAM
// (see [M1Key]); the terminal holds no master key.
type M1Card struct {
	client  *apdu.Client
	sam     sam.SAM
	uid     [4]byte
	sector  int
	version byte // key version that opened the sector
}

// M1Option configures OpenM1.
type M1Option func(*M1Card)

// WithM1Sector sets the education sector (default [M1Sector]).
func WithM1Sector(n int) M1Option { return func(c *M1Card) { c.sector = n } }

// OpenM1 reads the card's UID (FF CA) and authenticates the education
// sector with key B: the current key first, then the legacy one. Three
// APDUs for an upgraded card, five for a legacy one. [ErrNoUID] when the reader
// or card cannot give a 4-byte UID; [ErrM1Auth] when neither key opens the
// sector; SAM errors (sam.ErrLocked) pass through.
func OpenM1(ctx context.Context, t apdu.Transport, s sam.SAM, opts ...M1Option) (*M1Card, error) {
	c := &M1Card{client: apdu.NewClient(t), sam: s, sector: M1Sector}
	for _, o := range opts {
		o(c)
	}
	if c.sector < 1 || c.sector > 15 {
		return nil, &FieldError{File: "options", Field: "M1 sector", Reason: "want 1-15"}
	}
	resp, err := c.client.Do(ctx, apdu.Command{CLA: 0xFF, INS: 0xCA, Le: apdu.MaxShortLe})
	if err != nil {
		return nil, &StepError{Step: "GET UID (FF CA)", Kind: ErrNoUID, Err: err}
	}
	if len(resp.Data) != 4 {
		return nil, &StepError{Step: "GET UID (FF CA)", Kind: ErrNoUID, Err: &FieldError{File: "UID", Field: "length", Reason: "want a 4-byte UID, got %d bytes", Args: []any{len(resp.Data)}}}
	}
	copy(c.uid[:], resp.Data)
	var lastErr error
	for _, v := range []byte{M1KeyVersionCurrent, M1KeyVersionLegacy} {
		err := c.auth(ctx, v)
		if err == nil {
			c.version = v
			return c, nil
		}
		// A sector key version the SAM does not hold (a SAM not yet given
		// the current keys) is skipped like a key that does not fit.
		if !errors.Is(err, ErrM1Auth) && !errors.Is(err, sam.ErrUnknownKey) {
			return nil, err
		}
		lastErr = err
	}
	return nil, lastErr
}

// auth loads key B of version v into reader slot 0 and authenticates the
// sector trailer block with it.
func (c *M1Card) auth(ctx context.Context, v byte) error {
	key, err := M1Key(ctx, c.sam, c.uid, c.sector, M1KeyB, v)
	if err != nil {
		return &StepError{Step: "SAM M1 key", Err: err}
	}
	defer clear(key[:])
	if _, err := c.client.Do(ctx, apdu.Command{CLA: 0xFF, INS: 0x82, P1: 0x00, P2: 0x00, Data: key[:]}); err != nil {
		return &StepError{Step: "LOAD KEY (FF 82)", Err: err}
	}
	block := byte(c.sector*4 + 3)
	if _, err := c.client.Do(ctx, apdu.Command{CLA: 0xFF, INS: 0x86, Data: []byte{0x01, 0x00, block, M1KeyB, 0x00}}); err != nil {
		var se *apdu.StatusError
		if errors.As(err, &se) {
			return &StepError{Step: "AUTHENTICATE (FF 86) key version %d", Args: []any{v}, Kind: ErrM1Auth, Err: err}
		}
		return &StepError{Step: "AUTHENTICATE (FF 86)", Err: err}
	}
	return nil
}

// UID is the card's 4-byte UID.
func (c *M1Card) UID() [4]byte { return c.uid }

// Upgraded reports whether the sector opened with the current keys.
func (c *M1Card) Upgraded() bool { return c.version == M1KeyVersionCurrent }

func (c *M1Card) readBlocks(ctx context.Context) ([3][M1BlockSize]byte, error) {
	var out [3][M1BlockSize]byte
	for i := range out {
		block := byte(c.sector*4 + i)
		resp, err := c.client.Do(ctx, apdu.Command{CLA: 0xFF, INS: 0xB0, P2: block, Le: M1BlockSize})
		if err != nil {
			return out, &StepError{Step: "READ BINARY (FF B0) block %d", Args: []any{block}, Err: err}
		}
		if len(resp.Data) != M1BlockSize {
			return out, &StepError{Step: "READ BINARY (FF B0) block %d", Args: []any{block}, Kind: ErrUnexpected, Err: &FieldError{File: m1File, Field: "block", Reason: "want 16 bytes"}}
		}
		copy(out[i][:], resp.Data)
	}
	return out, nil
}

func (c *M1Card) writeBlock(ctx context.Context, block byte, data []byte) error {
	if _, err := c.client.Do(ctx, apdu.Command{CLA: 0xFF, INS: 0xD6, P2: block, Data: data}); err != nil {
		return &StepError{Step: "UPDATE BINARY (FF D6) block %d", Args: []any{block}, Err: err}
	}
	return nil
}

// Read reads and decodes the education sector (three FF B0 reads), in
// either layout (SPEC A-4: M1 cards are still in the field).
func (c *M1Card) Read(ctx context.Context) (M1Record, error) {
	blocks, err := c.readBlocks(ctx)
	if err != nil {
		return M1Record{}, err
	}
	return DecodeM1(blocks)
}

// Upgrade migrates a legacy education sector to the current layout and
// keys (SPEC A-4: M1 cards are "upgraded" at the school). It writes block
// 0, then block 2, then block 1 if the name's bytes change, and last the
// trailer with the current keys: each step is one atomic block write and
// the decoder reads every intermediate state, so a card torn anywhere opens
// with the legacy keys and upgrades again, or opens with the current keys
// already upgraded. On an upgraded card it writes nothing: idempotent.
func (c *M1Card) Upgrade(ctx context.Context) error {
	blocks, err := c.readBlocks(ctx)
	if err != nil {
		return err
	}
	rec, err := DecodeM1(blocks)
	if err != nil {
		return err
	}
	if c.version == M1KeyVersionCurrent && rec.Layout == 2 {
		return nil
	}
	rec.Layout = 2
	want, err := EncodeM1(rec)
	if err != nil {
		return err
	}
	for _, i := range []int{0, 2, 1} {
		if bytes.Equal(blocks[i][:], want[i][:]) {
			continue
		}
		if err := c.writeBlock(ctx, byte(c.sector*4+i), want[i][:]); err != nil {
			return err
		}
	}
	if c.version == M1KeyVersionCurrent {
		return nil
	}
	trailer, err := M1Trailer(ctx, c.sam, c.uid, c.sector, M1KeyVersionCurrent)
	if err != nil {
		return &StepError{Step: "SAM M1 key", Err: err}
	}
	defer clear(trailer[:])
	if err := c.writeBlock(ctx, byte(c.sector*4+3), trailer[:]); err != nil {
		return err
	}
	c.version = M1KeyVersionCurrent
	return nil
}
