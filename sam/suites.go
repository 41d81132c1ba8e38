package sam

import (
	"crypto/cipher"
	"crypto/des"
	"crypto/subtle"
	"slices"
	"strconv"

	"github.com/emmansun/gmsm/sm4"
)

// Algorithm is a cipher suite of the education key system: how keys are
// diversified, how MACs and authentication cryptograms are computed. Its two
// values, [TDES] and [SM4], are stateless: they take keys as arguments and are
// used inside SAM implementations and by the simulated card, never by a card
// session directly. Being a small integer, an Algorithm is comparable,
// printable and fits in a configuration or a management card without a
// registry.
type Algorithm uint8

// The cipher suites. SPEC §8 gives both; which one a region uses is the
// issuer's choice.
const (
	// TDES is two-key triple DES (EDE, 16-byte keys, 8-byte blocks) with the
	// PBOC retail MAC.
	TDES Algorithm = 1
	// SM4 is GB/T 32907 (16-byte keys and blocks) with an SM4 CBC-MAC, in the
	// national-crypto variant SPEC §8 describes.
	SM4 Algorithm = 2
)

// KeySize is the key length of both suites: 16 bytes.
const KeySize = 16

// MACSize is the length of a PBOC MAC: the first 4 bytes of the last block.
const MACSize = 4

// CryptogramSize is the length of an authentication cryptogram in both
// suites (the Lc of EXTERNAL AUTHENTICATE and the answer of INTERNAL
// AUTHENTICATE).
const CryptogramSize = 8

// DiversifierLevelSize is the length of one level of a [Diversifier].
const DiversifierLevelSize = 8

// Name is "3DES" or "SM4"; another value prints as "suite(n)".
func (a Algorithm) Name() string {
	switch a {
	case TDES:
		return "3DES"
	case SM4:
		return "SM4"
	}
	return "suite(" + strconv.Itoa(int(a)) + ")"
}

// String is Name, so an Algorithm prints readably in logs and errors.
func (a Algorithm) String() string { return a.Name() }

// BlockSize is 8 for TDES, 16 for SM4, 0 for an unknown value.
func (a Algorithm) BlockSize() int {
	switch a {
	case TDES:
		return des.BlockSize
	case SM4:
		return sm4.BlockSize
	}
	return 0
}

// valid reports an unknown suite as an error.
func (a Algorithm) valid() error {
	if a != TDES && a != SM4 {
		return suiteError(a)
	}
	return nil
}

// block builds the full cipher of the suite: 3DES EDE with K1 = K3 (the key
// is expanded to 24 bytes as K ‖ K_left), or SM4.
func (a Algorithm) block(op string, key []byte) (cipher.Block, error) {
	if err := a.valid(); err != nil {
		return nil, err
	}
	if len(key) != KeySize {
		return nil, &SizeError{Suite: a.Name(), Op: op, Field: "key", Got: len(key), Want: "16"}
	}
	if a == SM4 {
		return sm4.NewCipher(key)
	}
	var k3 [24]byte
	copy(k3[:], key)
	copy(k3[16:], key[:8])
	defer clear(k3[:])
	return des.NewTripleDESCipher(k3[:])
}

// Diversify derives one level of a card key (密钥分散) from a 16-byte master
// key and an 8-byte diversifier D. TDES: E_K(D) ‖ E_K(NOT D) with 3DES EDE.
// SM4: SM4_K(D ‖ NOT D). The result is a 16-byte key; apply it again with the
// next 8 bytes for each further level.
func (a Algorithm) Diversify(master, div []byte) ([]byte, error) {
	b, err := a.block("Diversify", master)
	if err != nil {
		return nil, err
	}
	if len(div) != DiversifierLevelSize {
		return nil, &SizeError{Suite: a.Name(), Op: "Diversify", Field: "diversifier", Got: len(div), Want: "8"}
	}
	var in [16]byte
	copy(in[:8], div)
	for i := range 8 {
		in[8+i] = ^div[i]
	}
	out := make([]byte, KeySize)
	if a == SM4 {
		b.Encrypt(out, in[:])
	} else {
		b.Encrypt(out[:8], in[:8])
		b.Encrypt(out[8:], in[8:])
	}
	return out, nil
}

// MAC is the 4-byte PBOC MAC of data. data is padded by ISO 9797-1 method 2
// (80 is always appended, then 00 to a whole block). The IV may be shorter
// than a block — typically the card's 4-byte challenge — and is then
// zero-extended on the right (challenge ‖ 00…) to the block size; an empty IV
// is all zeros, a longer one is an error.
//
// TDES: the ISO 9797-1 MAC algorithm 3 ("retail MAC"): single-DES CBC under
// the left key half over every block, the last result decrypted under the
// right half and encrypted under the left. SM4: plain CBC-MAC under SM4.
// Both keep the first 4 bytes.
func (a Algorithm) MAC(key, iv, data []byte) ([]byte, error) {
	m, err := a.newMAC("MAC", key, iv)
	if err != nil {
		return nil, err
	}
	defer m.zero()
	padded := padISO(data, a.BlockSize())
	cut := len(padded) - a.BlockSize()
	m.chainBlocks(padded[:cut])
	return m.finish(padded[cut:])[:MACSize], nil
}

// Encrypt enciphers exactly one block (8 bytes for TDES, 16 for SM4) under
// the full key: 3DES EDE or SM4.
func (a Algorithm) Encrypt(key, block []byte) ([]byte, error) {
	b, err := a.block("Encrypt", key)
	if err != nil {
		return nil, err
	}
	if len(block) != a.BlockSize() {
		return nil, &SizeError{Suite: a.Name(), Op: "Encrypt", Field: "block", Got: len(block), Want: strconv.Itoa(a.BlockSize())}
	}
	out := make([]byte, len(block))
	b.Encrypt(out, block)
	return out, nil
}

// Decrypt deciphers exactly one block; it is the card's side of [Algorithm.Encrypt]
// (the simulated card undoing a protected write); a terminal never needs it.
func (a Algorithm) Decrypt(key, block []byte) ([]byte, error) {
	b, err := a.block("Decrypt", key)
	if err != nil {
		return nil, err
	}
	if len(block) != a.BlockSize() {
		return nil, &SizeError{Suite: a.Name(), Op: "Decrypt", Field: "block", Got: len(block), Want: strconv.Itoa(a.BlockSize())}
	}
	out := make([]byte, len(block))
	b.Decrypt(out, block)
	return out, nil
}

// Cryptogram is the 8-byte authentication cryptogram of a challenge (SPEC
// §8): the challenge, 1 to block-size bytes, is zero-extended on the right to
// one block (a 4-byte GET CHALLENGE answer becomes challenge ‖ 00 00 00 00).
// TDES: 3DES_K(block). SM4: the left half XOR the right half of SM4_K(block).
func (a Algorithm) Cryptogram(key, challenge []byte) ([]byte, error) {
	b, err := a.block("Cryptogram", key)
	if err != nil {
		return nil, err
	}
	bs := a.BlockSize()
	if len(challenge) == 0 || len(challenge) > bs {
		return nil, &SizeError{Suite: a.Name(), Op: "Cryptogram", Field: "challenge", Got: len(challenge), Want: "1.." + strconv.Itoa(bs)}
	}
	in := make([]byte, bs)
	copy(in, challenge)
	out := make([]byte, bs)
	b.Encrypt(out, in)
	if a == SM4 {
		subtle.XORBytes(out[:8], out[:8], out[8:])
		clear(out[8:])
	}
	return out[:CryptogramSize:CryptogramSize], nil
}

// macState is a PBOC MAC in progress, fed whole blocks; the PSAM simulator
// keeps one between 80 FA commands.
type macState struct {
	alg   Algorithm
	key   []byte       // own copy, zeroed by zero
	chain cipher.Block // single DES under the left half (TDES) or SM4
	h     []byte       // chaining value
}

// newMAC starts a MAC with the IV zero-extended to a block.
func (a Algorithm) newMAC(op string, key, iv []byte) (*macState, error) {
	if err := a.valid(); err != nil {
		return nil, err
	}
	if len(key) != KeySize {
		return nil, &SizeError{Suite: a.Name(), Op: op, Field: "key", Got: len(key), Want: "16"}
	}
	bs := a.BlockSize()
	if len(iv) > bs {
		return nil, &SizeError{Suite: a.Name(), Op: op, Field: "iv", Got: len(iv), Want: "0.." + strconv.Itoa(bs)}
	}
	m := &macState{alg: a, key: append([]byte(nil), key...), h: make([]byte, bs)}
	copy(m.h, iv)
	var err error
	if a == SM4 {
		m.chain, err = sm4.NewCipher(m.key)
	} else {
		m.chain, err = des.NewCipher(m.key[:8])
	}
	if err != nil { // unreachable: sizes were checked above
		return nil, err
	}
	return m, nil
}

// finish chains the final block (already padded) and applies the retail-MAC
// output transformation for TDES; it returns the whole last block.
func (m *macState) finish(last []byte) []byte {
	subtle.XORBytes(m.h, m.h, last)
	m.chain.Encrypt(m.h, m.h)
	out := append([]byte(nil), m.h...)
	if m.alg == TDES {
		right, _ := des.NewCipher(m.key[8:]) // 8 bytes: cannot fail
		right.Decrypt(out, out)
		m.chain.Encrypt(out, out)
	}
	return out
}

// chainBlocks feeds whole blocks straight into the chain (no buffering); the
// PSAM simulator uses it for first and middle 80 FA chunks.
func (m *macState) chainBlocks(data []byte) {
	bs := len(m.h)
	for i := 0; i+bs <= len(data); i += bs {
		subtle.XORBytes(m.h, m.h, data[i:i+bs])
		m.chain.Encrypt(m.h, m.h)
	}
}

// zero clears the key copy and the chaining value.
func (m *macState) zero() {
	clear(m.key)
	clear(m.h)
}

// padISO appends ISO 9797-1 padding method 2 to a copy of data: always 80,
// then 00 up to a whole number of bs-byte blocks.
func padISO(data []byte, bs int) []byte {
	n := (len(data)/bs + 1) * bs
	out := make([]byte, n)
	copy(out, data)
	out[len(data)] = 0x80
	return out
}

// MaxEncryptData is the most plaintext SAM.Encrypt takes: its length must
// fit the one-byte length prefix.
const MaxEncryptData = 255

// encryptData formats and enciphers data for a protected write, the PBOC
// way: LD ‖ data, then 80 00… only if that is not a whole number of blocks,
// then each block enciphered on its own (ECB) under the full key.
func encryptData(a Algorithm, key, data []byte) ([]byte, error) {
	b, err := a.block("Encrypt", key)
	if err != nil {
		return nil, err
	}
	if len(data) > MaxEncryptData {
		return nil, &SizeError{Suite: a.Name(), Op: "Encrypt", Field: "data", Got: len(data), Want: "0..255"}
	}
	buf := formatPlain(a.BlockSize(), data)
	for i := 0; i < len(buf); i += a.BlockSize() {
		b.Encrypt(buf[i:i+a.BlockSize()], buf[i:i+a.BlockSize()])
	}
	return buf, nil
}

// formatPlain builds LD ‖ data ‖ (80 00… if needed) for encryptData.
func formatPlain(bs int, data []byte) []byte {
	n := 1 + len(data)
	if n%bs != 0 {
		n = (n/bs + 1) * bs
	}
	buf := make([]byte, n)
	buf[0] = byte(len(data))
	copy(buf[1:], data)
	if 1+len(data) < n {
		buf[1+len(data)] = 0x80
	}
	return buf
}

// decryptData undoes encryptData and checks the length byte and padding
// strictly; anything else is ErrDataSize.
func decryptData(a Algorithm, key, enc []byte) ([]byte, error) {
	b, err := a.block("Decrypt", key)
	if err != nil {
		return nil, err
	}
	bs := a.BlockSize()
	if len(enc) == 0 || len(enc)%bs != 0 {
		return nil, &SizeError{Suite: a.Name(), Op: "Decrypt", Field: "data", Got: len(enc), Want: "a whole number of blocks"}
	}
	buf := make([]byte, len(enc))
	for i := 0; i < len(enc); i += bs {
		b.Decrypt(buf[i:i+bs], enc[i:i+bs])
	}
	ld := int(buf[0])
	if 1+ld > len(buf) || !slices.Equal(buf, formatPlain(bs, buf[1:1+ld])) {
		clear(buf)
		return nil, &SizeError{Suite: a.Name(), Op: "Decrypt", Field: "length byte or padding", Got: len(enc), Want: "LD ‖ data ‖ 80 00…"}
	}
	return buf[1 : 1+ld : 1+ld], nil
}
