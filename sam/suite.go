package sam

// Suite is a cipher suite of the education key system: how keys are
// diversified, how MACs and authentication cryptograms are computed. Suites
// are stateless values ([TDES], [SM4]); they take keys as arguments and are
// used inside SAM implementations and by the simulated card, never by a card
// session directly.
type Suite interface {
	// Name is "3DES" or "SM4".
	Name() string
	// BlockSize is the cipher block size in bytes: 8 for 3DES, 16 for SM4.
	BlockSize() int
	// Diversify derives one level of a card key from master and an 8-byte
	// diversifier.
	Diversify(master, div []byte) ([]byte, error)
	// MAC is the 4-byte PBOC MAC of data with the IV.
	MAC(key, iv, data []byte) ([]byte, error)
	// Encrypt enciphers exactly one block.
	Encrypt(key, block []byte) ([]byte, error)
	// Cryptogram is the 8-byte authentication cryptogram of a challenge
	// (external authentication data; internal authentication answer).
	Cryptogram(key, challenge []byte) ([]byte, error)
}
