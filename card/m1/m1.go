package m1

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/bjedu/studentcard/apdu"
	"github.com/bjedu/studentcard/card"
	"github.com/bjedu/studentcard/internal/digits"
	"github.com/bjedu/studentcard/sam"
	"github.com/bjedu/studentcard/studentid"
)

// Geometry and key types of the education sector.
const (
	// Sector is the default education sector of an M1 card.
	Sector = 14
	// BlockSize is the size of an M1 block.
	BlockSize = 16
	// KeySize is the size of an M1 sector key.
	KeySize = 6
	// M1 key types in PC/SC GENERAL AUTHENTICATE.
	KeyA = 0x60
	KeyB = 0x61
)

// accessBits is the access condition bytes and user byte of the
// education trailer (the user byte is the layout version).
func accessBits(layout byte) []byte { return []byte{0x78, 0x77, 0x88, layout} }

const sectorFile = "M1 education sector"

// Record is the education sector's content in either layout.
type Record struct {
	Layout     int // 1 legacy, 2 current; for a half-upgraded sector, 1
	RegistryNo studentid.ID
	Name       string
	Gender     studentid.Sex
	Stage      studentid.Stage // legacy sectors do not store it: derived from the registry number
	School     studentid.School
	Status     card.Status
	Semester   card.Semester
	ValidFrom  time.Time // zero in the legacy layout
	ValidUntil time.Time
}

// KeyID is the key id the SAM knows the M1 sector keys by (version
// [KeyVersionLegacy] legacy, [KeyVersionCurrent] current), diversified by
// the card's UID.
const KeyID = 0x10

// M1 key versions: the legacy layout's keys and the current ones an upgrade
// installs.
const (
	KeyVersionLegacy  = 0x01
	KeyVersionCurrent = 0x02
)

// Key derives an M1 sector key in the SAM (SPEC §8: key B diversified
// from the UID and the sector number): keyType is [KeyA] or [KeyB],
// version [KeyVersionLegacy] or [KeyVersionCurrent]. Terminals call it
// through [Open]; the issuer calls it to key new cards.
func Key(ctx context.Context, s sam.SAM, uid [4]byte, sector int, keyType, version byte) ([KeySize]byte, error) {
	var key [KeySize]byte
	out, err := s.Encrypt(ctx, sam.KeyRef{ID: KeyID, Version: version}, sam.UIDDiversifier(uid), []byte{byte(sector), keyType})
	if err != nil {
		return key, err
	}
	copy(key[:], out)
	clear(out)
	return key, nil
}

// Trailer builds the education sector trailer of a layout (1 or 2) with
// that layout's keys: what the issuer writes when keying a card, and what
// Upgrade writes last.
func Trailer(ctx context.Context, s sam.SAM, uid [4]byte, sector int, layout byte) ([BlockSize]byte, error) {
	var t [BlockSize]byte
	a, err := Key(ctx, s, uid, sector, KeyA, layout)
	if err != nil {
		return t, err
	}
	b, err := Key(ctx, s, uid, sector, KeyB, layout)
	if err != nil {
		return t, err
	}
	copy(t[:6], a[:])
	copy(t[6:10], accessBits(layout))
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

// EncodeLegacy encodes a record in the legacy layout (for issuers and
// tests that make old cards). The name must be GB2312: a rare character is
// a [*NameError] naming it.
func EncodeLegacy(r Record) ([3][BlockSize]byte, error) {
	var out [3][BlockSize]byte
	if r.RegistryNo.IsZero() {
		return out, &FieldError{File: sectorFile, Field: "registry number", Offset: 0, Reason: "want 16 digits"}
	}
	copy(out[0][:], r.RegistryNo.String())
	name, _, err := card.EncodeText("name", r.Name, BlockSize, false)
	if err != nil {
		return out, err
	}
	copy(out[1][:], name)
	b := out[2][:]
	if r.School.IsZero() {
		return out, &FieldError{File: sectorFile, Field: "school code", Offset: 32, Reason: "want 6 digits"}
	}
	copy(b, r.School.InProvince())
	if !r.Gender.Valid() {
		return out, &FieldError{File: sectorFile, Field: "gender", Offset: 38, Reason: "want 1 or 2"}
	}
	b[6] = '0' + byte(r.Gender)
	switch r.Status {
	case card.Personalised:
		b[7] = 0x01
	case card.Frozen:
		b[7] = 0x02
	case card.Cancelled:
		b[7] = 0x03
	default:
		return out, &FieldError{File: sectorFile, Field: "status", Offset: 39, Reason: "legacy cards know in use, frozen and cancelled only"}
	}
	digits.PutBCDDate(b[8:12], r.ValidUntil)
	if !r.Semester.IsZero() {
		digits.PutBCD(b[12:14], strconv.Itoa(r.Semester.Year))
		b[14] = byte(r.Semester.Term)
	}
	b[15] = xorCheck(b)
	return out, nil
}

// Encode encodes a record in the current layout.
func Encode(r Record) ([3][BlockSize]byte, error) {
	var out [3][BlockSize]byte
	b0 := out[0][:]
	b0[0] = 0xE2
	if r.RegistryNo.IsZero() {
		return out, &FieldError{File: sectorFile, Field: "registry number", Offset: 1, Reason: "want 16 digits"}
	}
	digits.PutBCD(b0[1:9], r.RegistryNo.String())
	if r.School.IsZero() {
		return out, &FieldError{File: sectorFile, Field: "school code", Offset: 9, Reason: "want 6 digits"}
	}
	digits.PutBCD(b0[9:12], r.School.InProvince())
	if !r.Gender.Valid() {
		return out, &FieldError{File: sectorFile, Field: "gender", Offset: 12, Reason: "want 1 or 2"}
	}
	b0[12] = byte(r.Gender)
	if !cardStage(r.Stage) {
		return out, &FieldError{File: sectorFile, Field: "stage", Offset: 13, Reason: "want 1-3"}
	}
	b0[13] = byte(r.Stage)
	if r.Status > card.TransferredIn {
		return out, &FieldError{File: sectorFile, Field: "status", Offset: 14, Reason: "unknown status"}
	}
	b0[14] = byte(r.Status)
	b0[15] = xorCheck(b0)
	name, _, err := card.EncodeText("name", r.Name, BlockSize, true)
	if err != nil {
		return out, err
	}
	copy(out[1][:], name)
	b2 := out[2][:]
	b2[0] = 0xE3
	if !r.Semester.IsZero() {
		if !r.Semester.Valid() {
			return out, &card.SemesterError{Text: r.Semester.String()}
		}
		digits.PutBCD(b2[1:3], strconv.Itoa(r.Semester.Year))
		b2[3] = byte(r.Semester.Term)
	}
	digits.PutBCDDate(b2[4:8], r.ValidFrom)
	digits.PutBCDDate(b2[8:12], r.ValidUntil)
	b2[15] = xorCheck(b2)
	return out, nil
}

// Decode decodes the three data blocks of the education sector. Each of
// block 0 and block 2 is recognised by its own tag, so a sector that an
// upgrade tore half-way (block 0 current, block 2 still legacy) still
// decodes — as Layout 1, to be upgraded again. Anything else is a
// [*FieldError] matching [ErrMalformed] or [ErrLayout].
func Decode(blocks [3][BlockSize]byte) (Record, error) {
	var r Record
	b0, b1, b2 := blocks[0][:], blocks[1][:], blocks[2][:]
	cur0, cur2 := b0[0] == 0xE2, b2[0] == 0xE3
	if cur2 && !cur0 {
		return r, &LayoutError{Reason: "block 2 current, block 0 legacy: not written by an upgrade"}
	}
	var err error
	if r.Name, err = card.DecodeText(sectorFile, "name", 16, b1); err != nil {
		return r, &FieldError{File: sectorFile, Field: "name", Offset: 16, Reason: "not valid GB18030 text"}
	}
	if r.Name == "" {
		return r, &LayoutError{Reason: "no name in block 1"}
	}
	r.Layout = 1
	if cur0 && cur2 {
		r.Layout = 2
	}
	if cur0 {
		if xorCheck(b0) != b0[15] {
			return r, &FieldError{File: sectorFile, Field: "block 0 check", Offset: 15, Reason: "XOR check wrong"}
		}
		number, ok := digits.BCD(b0[1:9])
		if !ok {
			return r, &FieldError{File: sectorFile, Field: "registry number", Offset: 1, Reason: "not BCD"}
		}
		if r.RegistryNo, err = studentid.Parse(number); err != nil {
			return r, &FieldError{File: sectorFile, Field: "registry number", Offset: 1, Reason: "%v", Args: []any{err}}
		}
		code, ok := digits.BCD(b0[9:12])
		if !ok {
			return r, &FieldError{File: sectorFile, Field: "school code", Offset: 9, Reason: "not BCD"}
		}
		if r.School, err = schoolOf(r.RegistryNo, code, 9); err != nil {
			return r, err
		}
		r.Gender, r.Stage, r.Status = studentid.Sex(b0[12]), studentid.Stage(b0[13]), card.Status(b0[14])
		if !r.Gender.Valid() || !cardStage(r.Stage) || r.Status > card.TransferredIn {
			return r, &FieldError{File: sectorFile, Field: "gender, stage or status", Offset: 12, Reason: "out of range"}
		}
	} else {
		if !digits.Is(string(b0), 16) {
			return r, &LayoutError{Reason: "block 0 is neither 16 ASCII digits nor tagged E2"}
		}
		if r.RegistryNo, err = studentid.Parse(string(b0)); err != nil {
			return r, &FieldError{File: sectorFile, Field: "registry number", Offset: 0, Reason: "%v", Args: []any{err}}
		}
		// The legacy layout stores no stage: it is the registry number's.
		if r.Stage = r.RegistryNo.Stage(); !cardStage(r.Stage) {
			return r, &FieldError{File: sectorFile, Field: "registry number", Offset: 8, Reason: "want a primary, junior or senior student category"}
		}
	}
	if cur2 {
		if xorCheck(b2) != b2[15] {
			return r, &FieldError{File: sectorFile, Field: "block 2 check", Offset: 47, Reason: "XOR check wrong"}
		}
		if r.Semester, err = decodeSemester(b2[1:4], 33); err != nil {
			return r, err
		}
		if r.ValidFrom, err = getDate("valid from", 36, b2[4:8]); err != nil {
			return r, err
		}
		if r.ValidUntil, err = getDate("valid until", 40, b2[8:12]); err != nil {
			return r, err
		}
		return r, nil
	}
	// legacy block 2
	if xorCheck(b2) != b2[15] {
		return r, &FieldError{File: sectorFile, Field: "block 2 check", Offset: 47, Reason: "XOR check wrong"}
	}
	school := string(b2[:6])
	if !digits.Is(school, 6) {
		return r, &LayoutError{Reason: "block 2 is neither legacy nor tagged E3"}
	}
	if !cur0 {
		if r.School, err = schoolOf(r.RegistryNo, school, 32); err != nil {
			return r, err
		}
		r.Gender = studentid.Sex(b2[6] - '0')
		if !r.Gender.Valid() {
			return r, &FieldError{File: sectorFile, Field: "gender", Offset: 38, Reason: "want '1' or '2'"}
		}
	}
	switch b2[7] {
	case 0x01:
		r.Status = card.Personalised
	case 0x02:
		r.Status = card.Frozen
	case 0x03:
		r.Status = card.Cancelled
	default:
		return r, &FieldError{File: sectorFile, Field: "status", Offset: 39, Reason: "want 01, 02 or 03"}
	}
	if r.ValidUntil, err = getDate("valid until", 40, b2[8:12]); err != nil {
		return r, err
	}
	if r.Semester, err = decodeSemester(b2[12:15], 44); err != nil {
		return r, err
	}
	return r, nil
}

func decodeSemester(b []byte, offset int) (card.Semester, error) {
	if b[0] == 0 && b[1] == 0 && b[2] == 0 {
		return card.Semester{}, nil
	}
	y, ok := digits.BCD(b[:2])
	s := card.Semester{Year: digits.Atoi(y), Term: int(b[2])}
	if !ok || !s.Valid() {
		return card.Semester{}, &FieldError{File: sectorFile, Field: "semester", Offset: offset, Reason: "not YYYY BCD and term 1 or 2"}
	}
	return s, nil
}

// getDate reads a BCD YYYYMMDD date ([digits.BCDDate]) at offset.
func getDate(field string, offset int, b []byte) (time.Time, error) {
	t, reason, s := digits.BCDDate(b)
	switch reason {
	case "":
		return t, nil
	case digits.ReasonNotBCD:
		return time.Time{}, &FieldError{File: sectorFile, Field: field, Offset: offset, Reason: reason}
	}
	return time.Time{}, &FieldError{File: sectorFile, Field: field, Offset: offset, Reason: reason, Args: []any{s}}
}

// schoolOf reads the sector's 6-digit in-province school code in the
// province of the student's registry number.
func schoolOf(id studentid.ID, code string, offset int) (studentid.School, error) {
	sc, err := studentid.ParseSchool(id.Province() + code)
	if err != nil {
		return sc, &FieldError{File: sectorFile, Field: "school code", Offset: offset, Reason: "%v", Args: []any{err}}
	}
	return sc, nil
}

// cardStage reports whether s is a stage a card stores: primary, junior or
// senior, 1-3 (vocational students get no card, S-3).
func cardStage(s studentid.Stage) bool {
	return s >= studentid.StagePrimary && s <= studentid.StageSenior
}

// Card is a session with an M1 registry card's education sector through
// a PC/SC reader's pseudo-APDUs (FF CA get UID, FF 82 load key, FF 86
// authenticate, FF B0 read, FF D6 write). The sector key comes from the SAM
// (see [Key]); the terminal holds no master key.
type Card struct {
	client  *apdu.Client
	sam     sam.SAM
	uid     [4]byte
	sector  int
	version byte // key version that opened the sector
}

// Option configures Open.
type Option func(*Card)

// WithSector sets the education sector (default [Sector]).
func WithSector(n int) Option { return func(c *Card) { c.sector = n } }

// Open reads the card's UID (FF CA) and authenticates the education
// sector with key B: the current key first, then the legacy one. Three
// APDUs for an upgraded card, five for a legacy one. [ErrNoUID] when the reader
// or card cannot give a 4-byte UID; [ErrAuth] when neither key opens the
// sector; SAM errors (sam.ErrLocked) pass through.
func Open(ctx context.Context, t apdu.Transport, s sam.SAM, opts ...Option) (*Card, error) {
	c := &Card{client: apdu.NewClient(t), sam: s, sector: Sector}
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
	for _, v := range []byte{KeyVersionCurrent, KeyVersionLegacy} {
		err := c.auth(ctx, v)
		if err == nil {
			c.version = v
			return c, nil
		}
		// A sector key version the SAM does not hold (a SAM not yet given
		// the current keys) is skipped like a key that does not fit.
		if !errors.Is(err, ErrAuth) && !errors.Is(err, sam.ErrUnknownKey) {
			return nil, err
		}
		lastErr = err
	}
	return nil, lastErr
}

// auth loads key B of version v into reader slot 0 and authenticates the
// sector trailer block with it.
func (c *Card) auth(ctx context.Context, v byte) error {
	key, err := Key(ctx, c.sam, c.uid, c.sector, KeyB, v)
	if err != nil {
		return &StepError{Step: "SAM M1 key", Err: err}
	}
	defer clear(key[:])
	if _, err := c.client.Do(ctx, apdu.Command{CLA: 0xFF, INS: 0x82, P1: 0x00, P2: 0x00, Data: key[:]}); err != nil {
		return &StepError{Step: "LOAD KEY (FF 82)", Err: err}
	}
	block := byte(c.sector*4 + 3)
	if _, err := c.client.Do(ctx, apdu.Command{CLA: 0xFF, INS: 0x86, Data: []byte{0x01, 0x00, block, KeyB, 0x00}}); err != nil {
		var se *apdu.StatusError
		if errors.As(err, &se) {
			return &StepError{Step: "AUTHENTICATE (FF 86) key version %d", Args: []any{v}, Kind: ErrAuth, Err: err}
		}
		return &StepError{Step: "AUTHENTICATE (FF 86)", Err: err}
	}
	return nil
}

// UID is the card's 4-byte UID.
func (c *Card) UID() [4]byte { return c.uid }

// Upgraded reports whether the sector opened with the current keys.
func (c *Card) Upgraded() bool { return c.version == KeyVersionCurrent }

func (c *Card) readBlocks(ctx context.Context) ([3][BlockSize]byte, error) {
	var out [3][BlockSize]byte
	for i := range out {
		block := byte(c.sector*4 + i)
		resp, err := c.client.Do(ctx, apdu.Command{CLA: 0xFF, INS: 0xB0, P2: block, Le: BlockSize})
		if err != nil {
			return out, &StepError{Step: "READ BINARY (FF B0) block %d", Args: []any{block}, Err: err}
		}
		if len(resp.Data) != BlockSize {
			return out, &StepError{Step: "READ BINARY (FF B0) block %d", Args: []any{block}, Kind: ErrUnexpected, Err: &FieldError{File: sectorFile, Field: "block", Reason: "want 16 bytes"}}
		}
		copy(out[i][:], resp.Data)
	}
	return out, nil
}

func (c *Card) writeBlock(ctx context.Context, block byte, data []byte) error {
	if _, err := c.client.Do(ctx, apdu.Command{CLA: 0xFF, INS: 0xD6, P2: block, Data: data}); err != nil {
		return &StepError{Step: "UPDATE BINARY (FF D6) block %d", Args: []any{block}, Err: err}
	}
	return nil
}

// Read reads and decodes the education sector (three FF B0 reads), in
// either layout (SPEC A-4: M1 cards are still in the field).
func (c *Card) Read(ctx context.Context) (Record, error) {
	blocks, err := c.readBlocks(ctx)
	if err != nil {
		return Record{}, err
	}
	return Decode(blocks)
}

// Upgrade migrates a legacy education sector to the current layout and
// keys (SPEC A-4: M1 cards are "upgraded" at the school). It writes block
// 0, then block 2, then block 1 if the name's bytes change, and last the
// trailer with the current keys: each step is one atomic block write and
// the decoder reads every intermediate state, so a card torn anywhere opens
// with the legacy keys and upgrades again, or opens with the current keys
// already upgraded. On an upgraded card it writes nothing: idempotent.
func (c *Card) Upgrade(ctx context.Context) error {
	blocks, err := c.readBlocks(ctx)
	if err != nil {
		return err
	}
	rec, err := Decode(blocks)
	if err != nil {
		return err
	}
	if c.version == KeyVersionCurrent && rec.Layout == 2 {
		return nil
	}
	rec.Layout = 2
	want, err := Encode(rec)
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
	if c.version == KeyVersionCurrent {
		return nil
	}
	trailer, err := Trailer(ctx, c.sam, c.uid, c.sector, KeyVersionCurrent)
	if err != nil {
		return &StepError{Step: "SAM M1 key", Err: err}
	}
	defer clear(trailer[:])
	if err := c.writeBlock(ctx, byte(c.sector*4+3), trailer[:]); err != nil {
		return err
	}
	c.version = KeyVersionCurrent
	return nil
}
