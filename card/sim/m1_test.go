package sim_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/card/sim"
)

func TestAccessBytes(t *testing.T) {
	tr := sim.TransportTrailer()
	assert.Equal(t, [3]byte{0xFF, 0x07, 0x80}, sim.EncodeAccess([4]byte{0, 0, 0, 1}))
	assert.Equal(t, [3]byte(tr[6:9]), sim.EncodeAccess([4]byte{0, 0, 0, 1}))
	assert.Equal(t, [3]byte{0x78, 0x77, 0x88}, sim.EncodeAccess([4]byte{4, 4, 4, 3}))
}

func TestM1AccessBits(t *testing.T) {
	uid := [4]byte{1, 2, 3, 4}
	keyA := []byte{0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5}
	keyB := []byte{0xB0, 0xB1, 0xB2, 0xB3, 0xB4, 0xB5}
	c := sim.NewM1(uid)
	acc := sim.EncodeAccess([4]byte{4, 4, 4, 3}) // data: read A|B, write B; trailer: keys and bits written with B
	var trailer [16]byte
	copy(trailer[:], keyA)
	copy(trailer[6:9], acc[:])
	trailer[9] = 0x01
	copy(trailer[10:], keyB)
	require.NoError(t, c.SetSector(5, [4][16]byte{{1}, {2}, {3}, trailer}))

	load := func(k []byte) []byte { return append([]byte{0xFF, 0x82, 0x00, 0x00, 0x06}, k...) }
	auth := func(block, kt byte) []byte { return []byte{0xFF, 0x86, 0x00, 0x00, 0x05, 0x01, 0x00, block, kt, 0x00} }
	read := func(block byte) []byte { return []byte{0xFF, 0xB0, 0x00, block, 0x10} }
	write := func(block byte, d [16]byte) []byte { return append([]byte{0xFF, 0xD6, 0x00, block, 0x10}, d[:]...) }

	assert.Equal(t, []byte{1, 2, 3, 4, 0x90, 0x00}, send(t, c, []byte{0xFF, 0xCA, 0x00, 0x00, 0x00}))
	assert.Equal(t, "6982", swOf(send(t, c, read(20))), "not authenticated")
	send(t, c, load([]byte{0, 0, 0, 0, 0, 0}))
	assert.Equal(t, "6300", swOf(send(t, c, auth(23, 0x61))), "wrong key")
	send(t, c, load(keyA))
	assert.Equal(t, "9000", swOf(send(t, c, auth(23, 0x60))))
	resp := send(t, c, read(20))
	assert.Equal(t, byte(1), resp[0], "key A reads data")
	assert.Equal(t, "6982", swOf(send(t, c, write(20, [16]byte{9}))), "key A cannot write data")
	assert.Equal(t, "6982", swOf(send(t, c, read(24))), "authenticated for sector 5 only")
	resp = send(t, c, read(23))
	assert.Equal(t, append(append(make([]byte, 6), acc[0], acc[1], acc[2], 0x01), make([]byte, 6)...), resp[:16], "keys never read back")

	send(t, c, load(keyB))
	require.Equal(t, "9000", swOf(send(t, c, auth(23, 0x61))))
	assert.Equal(t, "9000", swOf(send(t, c, write(20, [16]byte{9}))))
	assert.Equal(t, [16]byte{9}, c.Sector(5)[0])
	bad := trailer
	bad[6] ^= 0xFF
	assert.Equal(t, "6300", swOf(send(t, c, write(23, bad))), "inconsistent access bits refused")
	newTrailer := trailer
	newTrailer[15] ^= 0x01
	assert.Equal(t, "9000", swOf(send(t, c, write(23, newTrailer))), "key B rewrites key B")
	assert.Equal(t, newTrailer, c.Sector(5)[3])
	assert.Equal(t, "6982", swOf(send(t, c, write(0, [16]byte{}))), "manufacturer block")

	c.Reset()
	assert.Equal(t, "6982", swOf(send(t, c, read(20))), "authentication is volatile")
	assert.Equal(t, []byte{0x3B, 0x8F}, c.ATR()[:2])
	require.Error(t, c.SetSector(16, [4][16]byte{}))
	require.Error(t, c.SetSector(1, [4][16]byte{}), "all-zero access bits are inconsistent")
}

func TestM1TransportKeys(t *testing.T) {
	c := sim.NewM1([4]byte{9, 9, 9, 9})
	ff := []byte{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}
	send(t, c, append([]byte{0xFF, 0x82, 0x00, 0x01, 0x06}, ff...))
	assert.Equal(t, "9000", swOf(send(t, c, []byte{0xFF, 0x86, 0x00, 0x00, 0x05, 0x01, 0x00, 0x04, 0x61, 0x01})))
	assert.Equal(t, "6982", swOf(send(t, c, []byte{0xFF, 0xB0, 0x00, 0x04, 0x10})), "key B is readable in transport configuration, so it is not a key")
	assert.Equal(t, "9000", swOf(send(t, c, []byte{0xFF, 0x86, 0x00, 0x00, 0x05, 0x01, 0x00, 0x04, 0x60, 0x01})))
	assert.Equal(t, "9000", swOf(send(t, c, []byte{0xFF, 0xB0, 0x00, 0x04, 0x10})))
}
