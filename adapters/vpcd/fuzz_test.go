package vpcd_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/vpcd"
)

func fuzzSeeds(f *testing.F) {
	f.Add([]byte{})
	f.Add(frame(1))
	f.Add(append(frame(4), frame(0x00, 0xA4, 0x04, 0x00, 0x02, 0x3F, 0x00)...))
	f.Add([]byte{0, 0})
	f.Add([]byte{0xFF, 0xFF, 1})
	f.Add([]byte{0})
	f.Add(append(frame(2), frame(9)...))
	f.Add(frame(0x00, 0xFF, 0, 0))
}

// FuzzReadFrame: any stream splits into frames or a typed error, never a
// panic, and every frame read writes back to the same bytes.
func FuzzReadFrame(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		fr := vpcd.NewFrameReader(bytes.NewReader(in))
		again := []byte{}
		for {
			p, err := fr.ReadFrame()
			if err == io.EOF {
				assert.True(t, bytes.Equal(in, again), "round trip")
				return
			}
			if err != nil {
				var fe *vpcd.FrameError
				require.ErrorAs(t, err, &fe)
				require.ErrorIs(t, err, vpcd.ErrMalformedFrame)
				assert.True(t, bytes.HasPrefix(in, again), "frames before the error round-trip")
				return
			}
			require.NotEmpty(t, p)
			require.LessOrEqual(t, len(p), vpcd.MaxFrame)
			again, err = vpcd.AppendFrame(again, p)
			require.NoError(t, err)
		}
	})
}

// FuzzServeConn: whatever the driver sends, the server answers with
// well-formed frames and stops with nil or a typed error, never a panic.
func FuzzServeConn(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		var out bytes.Buffer
		err := vpcd.ServeConn(context.Background(), rw{bytes.NewReader(in), &out}, newTestCard())
		if err != nil {
			var fe *vpcd.FrameError
			var ce *vpcd.CardError
			require.True(t, errors.As(err, &fe) || errors.As(err, &ce), "typed error, got %v", err)
		}
		readAll(t, out.Bytes())
	})
}
