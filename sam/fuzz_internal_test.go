package sam

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzSuites checks every suite operation on any key, IV and data: no
// panic, a typed size error exactly when a length is wrong, and MACs equal
// to the step-by-step reference routes.
func FuzzSuites(f *testing.F) {
	f.Add([]byte("5775204D69616F6A"), []byte{}, []byte("CHENHAO-PC|BFEBFBFF"), []byte{1, 2, 3, 4, 5, 6, 7, 8})
	f.Add(make([]byte, 15), []byte{1, 2, 3, 4}, []byte{}, []byte{})
	f.Add(make([]byte, 17), make([]byte, 17), make([]byte, 64), make([]byte, 17))
	f.Fuzz(func(t *testing.T, key, iv, data, div []byte) {
		for _, a := range []Algorithm{TDES, SM4} {
			bs := a.BlockSize()
			keyOK := len(key) == KeySize
			mac, err := a.MAC(key, iv, data)
			if keyOK && len(iv) <= bs {
				require.NoError(t, err)
				if a == TDES {
					assert.Equal(t, refRetailMAC(t, key, iv, data), mac)
				} else {
					assert.Equal(t, refSM4MAC(t, key, iv, data), mac)
				}
			} else {
				if keyOK {
					assert.ErrorIs(t, err, ErrDataSize)
				} else {
					assert.ErrorIs(t, err, ErrKeySize)
				}
			}
			d, err := a.Diversify(key, div)
			if keyOK && len(div) == 8 {
				require.NoError(t, err)
				assert.Equal(t, refDiversify(t, a, key, div), d)
			} else {
				assert.Error(t, err)
			}
			c, err := a.Cryptogram(key, iv)
			if keyOK && len(iv) >= 1 && len(iv) <= bs {
				require.NoError(t, err)
				assert.Len(t, c, CryptogramSize)
			} else {
				assert.Error(t, err)
			}
			if keyOK {
				enc, err := encryptData(a, key, data)
				if len(data) <= MaxEncryptData {
					require.NoError(t, err)
					dec, err := decryptData(a, key, enc)
					require.NoError(t, err)
					assert.Equal(t, data, dec)
				} else {
					assert.ErrorIs(t, err, ErrDataSize)
				}
				_, _ = decryptData(a, key, data) // arbitrary ciphertext: no panic
			}
		}
	})
}
