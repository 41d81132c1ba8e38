package m1_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/card/m1"
)

func FuzzDecodeM1(f *testing.F) {
	legacy, _ := m1.EncodeLegacy(legacyRecord())
	current, _ := m1.Encode(legacyRecord())
	f.Add(append(append(legacy[0][:], legacy[1][:]...), legacy[2][:]...))
	f.Add(append(append(current[0][:], current[1][:]...), current[2][:]...))
	f.Add(append(append(current[0][:], legacy[1][:]...), legacy[2][:]...))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) != 48 {
			return
		}
		var blocks [3][16]byte
		for i := range blocks {
			copy(blocks[i][:], b[16*i:])
		}
		r, err := m1.Decode(blocks)
		if err != nil {
			return
		}
		enc, err := m1.Encode(r)
		if err != nil {
			return // a legacy record may not fit the current layout (e.g. stage unknown)
		}
		back, err := m1.Decode(enc)
		require.NoError(t, err)
		r.Layout = 2
		assert.Equal(t, r, back)
	})
}
