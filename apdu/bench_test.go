package apdu_test

import (
	"context"
	"testing"

	"github.com/bjedu/studentcard/apdu"
)

// Benchmarks of the hot paths of a card session. They state no target; they
// show the codec stays allocation-light (run with -benchmem).

func BenchmarkCommandAppendBinary(b *testing.B) {
	cmd := apdu.ExternalAuthenticate(1, seq(8))
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cmd.AppendBinary(buf[:0]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseCommand(b *testing.B) {
	raw := unhex(b, "0088000108010203040506070800")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := apdu.ParseCommand(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeTLV(b *testing.B) {
	raw := unhex(b, fciHex)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := apdu.DecodeTLV(raw); err != nil {
			b.Fatal(err)
		}
	}
}

// One INTERNAL AUTHENTICATE over T=0: command, 6108, GET RESPONSE.
func BenchmarkClientGetResponse(b *testing.B) {
	answer := unhex(b, "1122334455667788 9000")
	tr := apdu.TransportFunc(func(_ context.Context, cmd []byte) ([]byte, error) {
		if cmd[1] == apdu.INSGetResponse {
			return answer, nil
		}
		return []byte{0x61, 0x08}, nil
	})
	client := apdu.NewClient(tr)
	cmd := apdu.InternalAuthenticate(1, seq(8))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := client.Do(ctx, cmd); err != nil {
			b.Fatal(err)
		}
	}
}
