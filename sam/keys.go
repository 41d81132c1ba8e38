package sam

import (
	"crypto/subtle"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/bjedu/studentcard/l10n"
)

// String prints a KeyRef as "id/version" in hex, e.g. "01/02": a name, safe
// for logs.
func (r KeyRef) String() string { return fmt.Sprintf("%02X/%02X", r.ID, r.Version) }

// compareRefs orders KeyRefs by id, then version, so listings are stable.
func compareRefs(a, b KeyRef) int {
	if a.ID != b.ID {
		return int(a.ID) - int(b.ID)
	}
	return int(a.Version) - int(b.Version)
}

// MaxDiversifierLevels is the deepest diversification a PSAM can be asked
// for: the usage byte of 80 1A has 3 bits for the level count.
const MaxDiversifierLevels = 7

// UIDDiversifier is the diversifier of an M1 (Mifare Classic) card: its
// 4-byte UID padded with 80 00 00 00 to 8 bytes (SPEC §8).
func UIDDiversifier(uid [4]byte) Diversifier {
	return Diversifier{uid[0], uid[1], uid[2], uid[3], 0x80, 0, 0, 0}
}

// SerialDiversifier is the diversifier of a CPU card: its 8-byte serial
// (application serial number), used as is. For several levels append the
// levels in order, e.g. append(cityLevel, SerialDiversifier(sn)...).
func SerialDiversifier(serial [8]byte) Diversifier {
	return Diversifier(serial[:])
}

// Levels is the number of 8-byte diversification levels in d, or 0 if d is
// not a whole number of levels.
func (d Diversifier) Levels() int {
	if len(d)%DiversifierLevelSize != 0 {
		return 0
	}
	return len(d) / DiversifierLevelSize
}

// String prints d in hex with levels separated by "/": card serials are
// identifiers, not secrets.
func (d Diversifier) String() string {
	var sb strings.Builder
	for i, b := range d {
		if i > 0 && i%DiversifierLevelSize == 0 {
			sb.WriteByte('/')
		}
		fmt.Fprintf(&sb, "%02X", b)
	}
	return sb.String()
}

// check validates d as 1 to MaxDiversifierLevels whole levels.
func (d Diversifier) check(suite, op string) error {
	if n := d.Levels(); n == 0 || n > MaxDiversifierLevels {
		return &SizeError{Suite: suite, Op: op, Field: "diversifier", Got: len(d), Want: "8×1..7"}
	}
	return nil
}

// diversify applies every level of div to master, first to last, and returns
// the card key; intermediate keys are zeroed.
func diversify(a Algorithm, op string, master []byte, div Diversifier) ([]byte, error) {
	if err := div.check(a.Name(), op); err != nil {
		return nil, err
	}
	key := master
	for i := 0; i < len(div); i += DiversifierLevelSize {
		next, err := a.Diversify(key, div[i:i+DiversifierLevelSize])
		if i > 0 {
			clear(key)
		}
		if err != nil {
			return nil, err
		}
		key = next
	}
	return key, nil
}

// KeySet is the issuer's set of master keys of one suite, by [KeyRef], plus
// the management key that management cards are derived from. It is the
// content of a key card (密钥卡) in software: it loads a [Soft] SAM or a
// [PSAMSimulator], issues per-card keys ([KeySet.CardKeys]) and management
// cards ([KeySet.ManagementCard]). It never prints a key: String, GoString
// and every fmt verb show the suite and the key ids only (SPEC A-3), and no
// method returns key bytes. A KeySet is not safe for concurrent mutation;
// build it, then share it read-only.
type KeySet struct {
	alg Algorithm
	*secrets
}

// secrets holds key bytes behind a pointer, so that a KeySet, CardKeys or
// Soft printed as a field of another struct (where fmt cannot call their
// Format methods) shows an address, not bytes.
type secrets struct {
	keys map[KeyRef][]byte
	mgmt []byte
}

// zero overwrites every key and forgets them.
func (s *secrets) zero() {
	if s == nil {
		return
	}
	for ref, key := range s.keys {
		clear(key)
		delete(s.keys, ref)
	}
	clear(s.mgmt)
	s.mgmt = nil
}

// refs lists the key references in order; a nil secrets has none.
func (s *secrets) refs() []KeyRef {
	if s == nil {
		return nil
	}
	return slices.SortedFunc(maps.Keys(s.keys), compareRefs)
}

// refList prints refs for Format.
func (s *secrets) refList() string {
	var out []string
	for _, r := range s.refs() {
		out = append(out, r.String())
	}
	return strings.Join(out, " ")
}

// NewKeySet starts an empty key set of the suite.
func NewKeySet(alg Algorithm) (*KeySet, error) {
	if err := alg.valid(); err != nil {
		return nil, err
	}
	return &KeySet{alg: alg, secrets: &secrets{keys: map[KeyRef][]byte{}}}, nil
}

// ready reports a KeySet not made by NewKeySet.
func (k *KeySet) ready(op string) error {
	if k == nil || k.secrets == nil || k.alg.valid() != nil {
		return &ConfigError{Reason: op + " needs a KeySet made by NewKeySet"}
	}
	return nil
}

// Add stores a copy of a 16-byte master key under ref, replacing any key
// already there. Zero your own copy afterwards.
func (k *KeySet) Add(ref KeyRef, master []byte) error {
	if err := k.ready("KeySet.Add"); err != nil {
		return err
	}
	if len(master) != KeySize {
		return &SizeError{Suite: k.alg.Name(), Op: "KeySet.Add " + ref.String(), Field: "key", Got: len(master), Want: "16"}
	}
	if old := k.keys[ref]; old != nil {
		clear(old)
	}
	k.keys[ref] = slices.Clone(master)
	return nil
}

// SetManagementKey stores a copy of the 16-byte management master key, from
// which every SAM's management card is derived (SPEC S-6).
func (k *KeySet) SetManagementKey(master []byte) error {
	if err := k.ready("KeySet.SetManagementKey"); err != nil {
		return err
	}
	if len(master) != KeySize {
		return &SizeError{Suite: k.alg.Name(), Op: "KeySet.SetManagementKey", Field: "key", Got: len(master), Want: "16"}
	}
	clear(k.mgmt)
	k.mgmt = slices.Clone(master)
	return nil
}

// Suite is the suite of every key in the set.
func (k *KeySet) Suite() Algorithm { return k.alg }

// Refs lists the key references in the set, ordered by id then version.
func (k *KeySet) Refs() []KeyRef { return k.secrets.refs() }

// HasManagementKey reports whether a management key was set.
func (k *KeySet) HasManagementKey() bool { return k.secrets != nil && k.mgmt != nil }

// Zero overwrites every key in the set with zeros and empties it.
func (k *KeySet) Zero() { k.secrets.zero() }

// CardKeys diversifies every master key of the set with div and returns the
// card's own keys. This is the issuer's personalisation step (发卡/个人化):
// the keys a real card receives once, in a secured room, and then holds. A
// terminal never does this — it asks its SAM, which keeps keys inside. The
// simulated card (card/sim) holds the result as its key file.
func (k *KeySet) CardKeys(div Diversifier) (*CardKeys, error) {
	if err := k.ready("KeySet.CardKeys"); err != nil {
		return nil, err
	}
	out := &CardKeys{alg: k.alg, secrets: &secrets{keys: make(map[KeyRef][]byte, len(k.keys))}}
	for ref, master := range k.keys {
		key, err := diversify(k.alg, "KeySet.CardKeys", master, div)
		if err != nil {
			out.Zero()
			return nil, err
		}
		out.keys[ref] = key
	}
	return out, nil
}

// ManagementCard issues the management card of the SAM with the given id
// (SPEC S-6): the card carries the SAM id and an authentication value, the
// cryptogram of the id under the management key diversified by the id. Only
// the holder of the management key (the city) can issue one.
func (k *KeySet) ManagementCard(id SAMID) (ManagementCard, error) {
	if err := k.ready("KeySet.ManagementCard"); err != nil {
		return ManagementCard{}, err
	}
	if k.mgmt == nil {
		return ManagementCard{}, l10n.Wrap(messages.Text("KeySet.ManagementCard: no management key set"), ErrUnknownKey)
	}
	auth, err := managementAuth(k.alg, k.mgmt, id)
	if err != nil {
		return ManagementCard{}, err
	}
	mc := ManagementCard{alg: k.alg, sam: id, auth: new([CryptogramSize]byte)}
	copy(mc.auth[:], auth)
	return mc, nil
}

// Format prints the suite and the key ids for every verb, never key bytes.
func (k KeySet) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "sam.KeySet{%s keys=[%s] management=%s}", k.alg.Name(), k.secrets.refList(), strconv.FormatBool(k.HasManagementKey()))
}

// String is what Format prints.
func (k KeySet) String() string { return fmt.Sprint(k) }

// GoString is what Format prints, so %#v shows no key either.
func (k KeySet) GoString() string { return fmt.Sprint(k) }

// CardKeys are one card's diversified keys, as the card itself holds them
// after personalisation (see [KeySet.CardKeys]). They let a simulated card
// answer and check authentication and MACs without ever exposing a key: no
// method returns key bytes and every fmt verb prints only the suite and the
// key ids (SPEC A-3).
type CardKeys struct {
	alg Algorithm
	*secrets
}

// Suite is the suite of the card's keys.
func (c *CardKeys) Suite() Algorithm { return c.alg }

// Refs lists the card's key references, ordered by id then version.
func (c *CardKeys) Refs() []KeyRef { return c.secrets.refs() }

// key returns the card key under ref or a KeyError.
func (c *CardKeys) key(op string, ref KeyRef) ([]byte, error) {
	if c == nil || c.secrets == nil {
		return nil, &KeyError{Op: op, Ref: ref}
	}
	k, ok := c.keys[ref]
	if !ok {
		return nil, &KeyError{Op: op, Ref: ref}
	}
	return k, nil
}

// Cryptogram is the card's answer to INTERNAL AUTHENTICATE for a terminal
// random (SPEC A-1, D1), and the value the card expects in EXTERNAL
// AUTHENTICATE for its own challenge (SPEC A-2).
func (c *CardKeys) Cryptogram(ref KeyRef, challenge []byte) ([]byte, error) {
	k, err := c.key("CardKeys.Cryptogram", ref)
	if err != nil {
		return nil, err
	}
	return c.alg.Cryptogram(k, challenge)
}

// VerifyCryptogram is the card checking EXTERNAL AUTHENTICATE (SPEC A-2):
// got must be the cryptogram of challenge, compared in constant time. A
// mismatch matches [ErrVerify].
func (c *CardKeys) VerifyCryptogram(ref KeyRef, challenge, got []byte) error {
	want, err := c.Cryptogram(ref, challenge)
	if err != nil {
		return err
	}
	if subtle.ConstantTimeCompare(want, got) != 1 {
		return &VerifyError{Op: "CardKeys.VerifyCryptogram", Ref: ref, What: "cryptogram"}
	}
	return nil
}

// MAC is the card's 4-byte PBOC MAC (see [Algorithm.MAC]).
func (c *CardKeys) MAC(ref KeyRef, iv, data []byte) ([]byte, error) {
	k, err := c.key("CardKeys.MAC", ref)
	if err != nil {
		return nil, err
	}
	return c.alg.MAC(k, iv, data)
}

// VerifyMAC is the card checking a secure-messaging MAC, in constant time;
// a mismatch matches [ErrVerify].
func (c *CardKeys) VerifyMAC(ref KeyRef, iv, data, mac []byte) error {
	want, err := c.MAC(ref, iv, data)
	if err != nil {
		return err
	}
	if subtle.ConstantTimeCompare(want, mac) != 1 {
		return &VerifyError{Op: "CardKeys.VerifyMAC", Ref: ref, What: "MAC"}
	}
	return nil
}

// Decrypt is the card undoing [SAM.Encrypt]: ECB decryption, then the
// length byte and padding are checked and removed (see [Soft.Encrypt]).
func (c *CardKeys) Decrypt(ref KeyRef, data []byte) ([]byte, error) {
	k, err := c.key("CardKeys.Decrypt", ref)
	if err != nil {
		return nil, err
	}
	return decryptData(c.alg, k, data)
}

// Zero overwrites every key with zeros and empties the set.
func (c *CardKeys) Zero() { c.secrets.zero() }

// Format prints the suite and the key ids for every verb, never key bytes.
func (c CardKeys) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "sam.CardKeys{%s keys=[%s]}", c.alg.Name(), c.secrets.refList())
}

// String is what Format prints.
func (c CardKeys) String() string { return fmt.Sprint(c) }

// GoString is what Format prints, so %#v shows no key either.
func (c CardKeys) GoString() string { return fmt.Sprint(c) }
