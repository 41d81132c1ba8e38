package sam

import (
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"strings"
)

// SAMID identifies one SAM (the city registers every reader and its SAM,
// SPEC S-6). It is public: it is printed on the reader's record and stored
// in clear on the management card.
type SAMID [8]byte

// String prints the id in upper-case hex.
func (id SAMID) String() string { return strings.ToUpper(hex.EncodeToString(id[:])) }

// ParseSAMID reads 16 hex digits.
func ParseSAMID(s string) (SAMID, error) {
	var id SAMID
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != len(id) {
		return id, &ParseError{Reason: fmt.Sprintf("SAM id of %d characters is not 16 hex digits", len(s))}
	}
	copy(id[:], b)
	return id, nil
}

// ManagementCard is what a reader reads from its management card (管理卡)
// after every start, before it may read or write registry cards (SPEC S-6):
// the suite, the id of the SAM the card was issued with, and an 8-byte
// authentication value — the [Algorithm.Cryptogram] of the SAM id under the
// management key diversified by the SAM id. The SAM recomputes the value
// and compares in constant time, so a card of another SAM, or a forged one,
// fails with [ErrManagementCard].
//
// The authentication value is a bearer secret for its SAM: String, GoString
// and every fmt verb print the suite and SAM id only. Get one from
// [KeySet.ManagementCard] (the issuer) or [ParseManagementCard] (the bytes
// read from the card).
type ManagementCard struct {
	alg  Algorithm
	sam  SAMID
	auth *[CryptogramSize]byte // behind a pointer: see secrets
}

// ManagementCardSize is the length of a management card's key information
// record: format 01, suite, SAM id (8), authentication value (8).
const ManagementCardSize = 2 + len(SAMID{}) + CryptogramSize

// managementCardFormat is the first byte of the record.
const managementCardFormat = 0x01

// Suite is the suite the card was issued for.
func (mc ManagementCard) Suite() Algorithm { return mc.alg }

// SAM is the id of the SAM the card unlocks.
func (mc ManagementCard) SAM() SAMID { return mc.sam }

// MarshalBinary is the record written on the management card: 01 ‖ suite ‖
// SAM id ‖ authentication value (18 bytes). It holds the authentication
// value in clear, as the card does; handle it like a key.
func (mc ManagementCard) MarshalBinary() ([]byte, error) {
	if err := mc.alg.valid(); err != nil || mc.auth == nil {
		return nil, &ParseError{Reason: "not a management card from KeySet.ManagementCard or ParseManagementCard"}
	}
	out := make([]byte, 0, ManagementCardSize)
	out = append(out, managementCardFormat, byte(mc.alg))
	out = append(out, mc.sam[:]...)
	return append(out, mc.auth[:]...), nil
}

// ParseManagementCard reads the record of [ManagementCard.MarshalBinary]
// strictly: exact length, format 01, a known suite. Errors match
// [ErrMalformed] and never quote the authentication value.
func ParseManagementCard(b []byte) (ManagementCard, error) {
	var mc ManagementCard
	switch {
	case len(b) != ManagementCardSize:
		return mc, &ParseError{Reason: fmt.Sprintf("record is %d bytes, want %d", len(b), ManagementCardSize)}
	case b[0] != managementCardFormat:
		return mc, &ParseError{Reason: fmt.Sprintf("format byte is %02X, want 01", b[0])}
	case Algorithm(b[1]).valid() != nil:
		return mc, &ParseError{Reason: fmt.Sprintf("suite byte is %02X, want 01 (3DES) or 02 (SM4)", b[1])}
	}
	mc.alg = Algorithm(b[1])
	mc.auth = new([CryptogramSize]byte)
	copy(mc.sam[:], b[2:10])
	copy(mc.auth[:], b[10:])
	return mc, nil
}

// Format prints the suite and SAM id for every verb, never the
// authentication value.
func (mc ManagementCard) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "sam.ManagementCard{%s SAM %s}", mc.alg.Name(), mc.sam.String())
}

// String is what Format prints.
func (mc ManagementCard) String() string { return fmt.Sprint(mc) }

// GoString is what Format prints.
func (mc ManagementCard) GoString() string { return fmt.Sprint(mc) }

// managementAuth is the authentication value of SAM id under the management
// master key: Cryptogram(Diversify(K_m, id), id).
func managementAuth(a Algorithm, master []byte, id SAMID) ([]byte, error) {
	k, err := diversify(a, "ManagementCard", master, Diversifier(id[:]))
	if err != nil {
		return nil, err
	}
	defer clear(k)
	return a.Cryptogram(k, id[:])
}

// checkManagementCard compares mc with the value the SAM computed (want) for
// its own id and suite.
func checkManagementCard(alg Algorithm, id SAMID, mc ManagementCard, want []byte) error {
	if mc.sam != id || mc.alg != alg {
		return &ManagementCardError{Want: id, Got: mc.sam}
	}
	if mc.auth == nil || subtle.ConstantTimeCompare(want, mc.auth[:]) != 1 {
		return &ManagementCardError{Want: id, Got: mc.sam}
	}
	return nil
}
