package card

import (
	"golang.org/x/text/language"

	"bytes"
	"time"

	"github.com/bjedu/studentcard/apdu"
	"github.com/bjedu/studentcard/internal/digits"
	"github.com/bjedu/studentcard/sam"
	"github.com/bjedu/studentcard/studentid"
)

// aid is the education application's AID: F0 (proprietary, unregistered
// RID) ‖ "BJEDU" ‖ 01. It is a string constant so nobody can change it.
const aid = "\xF0BJEDU\x01"

// AID returns the education application's identifier (a new slice each
// call): F0 42 4A 45 44 55 01, selected by name under the MF.
func AID() []byte { return []byte(aid) }

// DFID is the education DF's file identifier under the MF 3F00 (the transit
// e-purse DF is 1001, SPEC §8).
const DFID = 0x1002

// Short file identifiers of the education DF's elementary files. See the
// package documentation for their layout and access conditions.
const (
	SFICardInfo  = 0x15 // card info, 16 bytes, transparent
	SFIStudent   = 0x16 // student records, 2 × 96 bytes (current and shadow), transparent
	SFILog       = 0x17 // operation log, cyclic, 10 × 16 bytes; newest record = card state
	SFIExtension = 0x18 // extension area, 64 bytes, transparent
)

// Sizes of the files.
const (
	CardInfoSize    = 16
	StudentSize     = 96              // one student record
	StudentFileSize = 2 * StudentSize // the student file: two record slots
	StateSize       = 16              // one log record
	LogRecords      = 10
	ExtensionSize   = 64
)

// Key identifiers of the education DF (the KeyRef.ID a SAM knows them by);
// the version is the card's [CardInfo.KeyVersion]. Every card holds these
// keys diversified once by its 8-byte serial (SPEC A-1).
const (
	KeyIDInternal = 0x01 // INTERNAL AUTHENTICATE: the card proves itself
	KeyIDExternal = 0x02 // EXTERNAL AUTHENTICATE: the terminal proves itself; retry counter
	KeyIDMAC      = 0x03 // secure messaging: MAC of every protected write
)

// CardType says what kind of registry card the chip is.
type CardType byte

// The card types.
const (
	// TypeRegistry is a student's registry card (学籍卡).
	TypeRegistry CardType = 0x01
	// TypeTemporary is a temporary card issued while a card is lost (临时卡,
	// SPEC R-LOSS-2).
	TypeTemporary CardType = 0x02
)

// String names the type.
func (t CardType) String() string {
	switch t {
	case TypeRegistry:
		return "registry"
	case TypeTemporary:
		return "temporary"
	}
	return "type(" + itoa(int(t)) + ")"
}

// Localize names the card type in the language tag (学籍卡, 临时卡 in
// Chinese).
func (t CardType) Localize(tag language.Tag) string { return messages.Sprintf(tag, t.String()) }

// CardInfo is the card info file (SFI 15), written when the chip is
// initialised and never after; the card also returns it in its FCI so that
// SELECT alone tells the terminal the serial to diversify keys with.
type CardInfo struct {
	Serial     studentid.Serial // chip serial: the key diversifier (SPEC A-1)
	Type       CardType         // registry or temporary card
	Suite      sam.Algorithm    // 3DES or SM4 keys
	KeyVersion byte             // version of the education keys on the card
	AppVersion byte             // layout version of the education application, 1
	Issued     time.Time        // date the chip was initialised
}

// Diversifier is the card's key diversifier: its serial (SPEC A-1).
func (c CardInfo) Diversifier() sam.Diversifier {
	return sam.Diversifier(bytes.Clone(c.Serial[:]))
}

// MarshalBinary encodes the 16-byte card info file.
func (c CardInfo) MarshalBinary() ([]byte, error) {
	b := make([]byte, CardInfoSize)
	copy(b, c.Serial[:])
	b[8] = byte(c.Type)
	b[9] = byte(c.Suite)
	b[10] = c.KeyVersion
	b[11] = c.AppVersion
	digits.PutBCDDate(b[12:], c.Issued)
	return b, nil
}

// UnmarshalBinary decodes the card info file; a wrong size, an unknown suite
// or a bad date is a [*FieldError].
func (c *CardInfo) UnmarshalBinary(b []byte) error {
	const file = "card info (SFI 15)"
	if len(b) != CardInfoSize {
		return &FieldError{File: file, Field: "size", Reason: "want %d bytes, got %d", Args: []any{16, len(b)}}
	}
	alg := sam.Algorithm(b[9])
	if alg != sam.TDES && alg != sam.SM4 {
		return &FieldError{File: file, Field: "suite", Offset: 9, Reason: "not 1 (3DES) or 2 (SM4)"}
	}
	issued, err := getDate(file, "issue date", 12, b[12:])
	if err != nil {
		return err
	}
	var out CardInfo
	copy(out.Serial[:], b)
	out.Type = CardType(b[8])
	out.Suite = alg
	out.KeyVersion = b[10]
	out.AppVersion = b[11]
	out.Issued = issued
	*c = out
	return nil
}

// FCI tags. The FCI is 6F { 84 AID, A5 { 9F0C card-info, C1 state } };
// C1 is absent while the log is empty (a card never personalised).
const (
	tagFCI      apdu.Tag = 0x6F
	tagDFName   apdu.Tag = 0x84
	tagFCIProp  apdu.Tag = 0xA5
	tagCardInfo apdu.Tag = 0x9F0C
	tagState    apdu.Tag = 0xC1
)

// EncodeFCI builds the FCI the education application returns to SELECT: its
// AID, the card info file and, if the log has a record, the newest one (the
// card state). Real COSes build it from the same files; the simulator uses
// this function. state may be nil.
func EncodeFCI(info, state []byte) []byte {
	prop := []apdu.TLV{{Tag: tagCardInfo, Value: info}}
	if state != nil {
		prop = append(prop, apdu.TLV{Tag: tagState, Value: state})
	}
	fci := apdu.TLV{Tag: tagFCI, Children: []apdu.TLV{
		{Tag: tagDFName, Value: []byte(aid)},
		{Tag: tagFCIProp, Children: prop},
	}}
	out, _ := fci.MarshalBinary() // constant, valid tags: cannot fail
	return out
}

// DecodeFCI parses the SELECT answer into the card info and the state (the
// zero State, status Blank, when the card has no log record yet). Malformed
// BER-TLV, a foreign AID or a missing card info is a [*FieldError].
func DecodeFCI(b []byte) (CardInfo, State, error) {
	const file = "FCI"
	var info CardInfo
	var st State
	fci, err := apdu.DecodeTLV(b)
	if err != nil {
		return info, st, &FieldError{File: file, Field: "BER-TLV", Reason: "%v", Args: []any{err}}
	}
	if fci.Tag != tagFCI {
		return info, st, &FieldError{File: file, Field: "template", Reason: "want tag 6F, got %s", Args: []any{fci.Tag.String()}}
	}
	var name, infoBytes, stateBytes []byte
	for _, t := range fci.Children {
		switch t.Tag {
		case tagDFName:
			name = t.Value
		case tagFCIProp:
			for _, p := range t.Children {
				switch p.Tag {
				case tagCardInfo:
					infoBytes = p.Value
				case tagState:
					stateBytes = p.Value
				}
			}
		}
	}
	if string(name) != aid {
		return info, st, &FieldError{File: file, Field: "DF name (84)", Reason: "not the education AID"}
	}
	if infoBytes == nil {
		return info, st, &FieldError{File: file, Field: "card info (9F0C)", Reason: "missing"}
	}
	if err := info.UnmarshalBinary(infoBytes); err != nil {
		return info, st, err
	}
	if stateBytes != nil {
		if err := st.UnmarshalBinary(stateBytes); err != nil {
			return info, st, err
		}
	}
	return info, st, nil
}
