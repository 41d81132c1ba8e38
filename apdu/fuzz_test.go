package apdu_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"

	"github.com/bjedu/studentcard/apdu"
	"github.com/bjedu/studentcard/l10n"
)

// Parsing never panics; whatever parses encodes back to the same bytes.
func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{
		"00A40000", "0084000008", "00B0000000", "00A40000023F00", "0088000108010203040506070800",
		"00B0000000 0101", "00B0000000 0000", "00D6000000000101", "002A000000000109012C",
		"00A4040007A000", "00D6000000 0000 01", "00D6000000 0001 01 00", "00",
	} {
		f.Add(unhex(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := apdu.ParseCommand(b)
		if err != nil {
			var pe *apdu.ParseError
			if !errors.As(err, &pe) || pe.Offset < 0 || pe.Offset > len(b) {
				t.Fatalf("error %v is not a ParseError with an offset inside the input", err)
			}
			_ = l10n.Error(err, l10n.Chinese)
			return
		}
		_ = c.String()
		out, err := c.MarshalBinary()
		if err != nil {
			t.Fatalf("parsed command does not encode: %v", err)
		}
		if !bytes.Equal(out, b) {
			t.Fatalf("round trip: %X -> %X", b, out)
		}
	})
}

// Any command that encodes parses back to itself.
func FuzzCommandEncode(f *testing.F) {
	f.Add(byte(0), byte(0x84), byte(0), byte(0), []byte{}, 8, false)
	f.Add(byte(0x80), byte(0xFA), byte(7), byte(0), []byte{1, 2, 3}, 0, true)
	f.Add(byte(0), byte(0xB0), byte(0), byte(0), []byte{}, 65536, false)
	f.Add(byte(0), byte(0xD6), byte(0), byte(0), bytes.Repeat([]byte{7}, 300), 256, false)
	f.Fuzz(func(t *testing.T, cla, ins, p1, p2 byte, data []byte, le int, ext bool) {
		c := apdu.Command{CLA: cla, INS: ins, P1: p1, P2: p2, Data: data, Le: le, Extended: ext}
		b, err := c.MarshalBinary()
		if err != nil {
			if !errors.Is(err, apdu.ErrOutOfRange) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if len(b) != c.EncodedLen() {
			t.Fatalf("EncodedLen %d, encoded %d", c.EncodedLen(), len(b))
		}
		p, err := apdu.ParseCommand(b)
		if err != nil {
			t.Fatalf("encoded %v does not parse: %v", c, err)
		}
		if p.Header() != c.Header() || p.Le != c.Le || !bytes.Equal(p.Data, c.Data) || p.IsExtended() != c.IsExtended() {
			t.Fatalf("round trip: %v -> %v", c, p)
		}
	})
}

func FuzzParseResponse(f *testing.F) {
	for _, s := range []string{"9000", "112233449000", "6A82", "90", ""} {
		f.Add(unhex(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := apdu.ParseResponse(b)
		if err != nil {
			if len(b) >= 2 || !errors.Is(err, apdu.ErrTruncated) {
				t.Fatalf("unexpected error %v for %d bytes", err, len(b))
			}
			return
		}
		_ = r.String()
		_ = r.Err()
		if !bytes.Equal(r.Bytes(), b) {
			t.Fatalf("round trip: %X -> %X", b, r.Bytes())
		}
	})
}

// Strict decoding accepts only minimal encodings, so decode∘encode is the
// identity on every accepted input.
func FuzzDecodeTLV(f *testing.F) {
	for _, s := range []string{
		fciHex, "5A0401020304 5F2002AABB", "048180" + string(bytes.Repeat([]byte("00"), 128)),
		"2480 0400 0000", "048105 0102030405", "9F8001 00", "0485 0000000001", "A000", "9F0801 02",
		"DF81820101", "00", "FF",
	} {
		f.Add(unhex(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		list, err := apdu.DecodeTLVs(b)
		if err != nil {
			var pe *apdu.ParseError
			if !errors.As(err, &pe) || pe.Offset < 0 || pe.Offset > len(b) {
				t.Fatalf("error %v is not a ParseError with an offset inside the input", err)
			}
			return
		}
		out, err := apdu.EncodeTLVs(list...)
		if err != nil {
			t.Fatalf("decoded TLVs do not encode: %v", err)
		}
		if !bytes.Equal(out, b) {
			t.Fatalf("round trip: %X -> %X", b, out)
		}
		for _, tlv := range list {
			_ = tlv.String()
			if err := tlv.Tag.Valid(); err != nil {
				t.Fatalf("decoded tag %s invalid: %v", tlv.Tag, err)
			}
		}
	})
}

// Every status word renders and converts to an error consistently.
func FuzzStatusWord(f *testing.F) {
	for _, sw := range []uint16{0x9000, 0x6982, 0x63C2, 0x6100, 0x6C08, 0x6700, 0x0000, 0xFFFF} {
		f.Add(sw)
	}
	f.Fuzz(func(t *testing.T, v uint16) {
		sw := apdu.StatusWord(v)
		_ = sw.String()
		_ = sw.Localize(l10n.Chinese)
		err := sw.Err()
		if (err == nil) != (sw == apdu.SWSuccess) {
			t.Fatalf("%04X: Err() = %v", v, err)
		}
		if err == nil {
			return
		}
		got, ok := apdu.StatusOf(err)
		if !ok || got != sw || !errors.Is(err, apdu.ErrStatus) {
			t.Fatalf("%04X: StatusOf = %04X, %v", v, uint16(got), ok)
		}
		_ = l10n.Error(err, l10n.Chinese)
	})
}

func FuzzParseScript(f *testing.F) {
	f.Add("> 00A4000002 3F00\n< 9000\n# c\n> 0084000008\n! removed")
	f.Add("< 9000")
	f.Add("> 0\n")
	f.Fuzz(func(t *testing.T, text string) {
		s, err := apdu.ParseScript(text)
		if err != nil {
			if !errors.Is(err, apdu.ErrScriptSyntax) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		_ = s.Done()
	})
}

// The client terminates and never panics whatever the card answers: the
// fuzz input is a list of length-prefixed responses the card repeats in a
// loop, so a client that kept asking would be caught by the send bound.
func FuzzClient(f *testing.F) {
	f.Add([]byte{2, 0x61, 0x08, 10, 1, 2, 3, 4, 5, 6, 7, 8, 0x90, 0x00}, uint16(300), false)
	f.Add([]byte{2, 0x6C, 0x04, 6, 1, 2, 3, 4, 0x90, 0x00}, uint16(4), true)
	f.Add([]byte{2, 0x61, 0x00, 2, 0x61, 0x00}, uint16(0), false)
	f.Add([]byte{2, 0x6C, 0x04, 2, 0x61, 0x04}, uint16(0), false)
	f.Add([]byte{2, 0x90, 0x00, 2, 0x90, 0x00, 1, 0x90}, uint16(600), false)
	logger := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f.Fuzz(func(t *testing.T, answers []byte, n uint16, extended bool) {
		rest := answers
		sends := 0
		tr := apdu.TransportFunc(func(_ context.Context, cmd []byte) ([]byte, error) {
			if _, err := apdu.ParseCommand(cmd); err != nil {
				t.Fatalf("client sent a malformed command %X: %v", cmd, err)
			}
			// Each GET RESPONSE round brings at least one byte of the 1024
			// allowed, with at most one resend: 4096 sends means a loop.
			if sends++; sends > 4096 {
				t.Fatalf("client still sending after %d commands", sends)
			}
			if len(answers) == 0 {
				return nil, io.EOF
			}
			if len(rest) == 0 {
				rest = answers
			}
			k := min(int(rest[0]), len(rest)-1)
			out := rest[1 : 1+k]
			rest = rest[1+k:]
			return out, nil
		})
		opts := []apdu.Option{apdu.WithTrace(logger, nil), apdu.WithMaxResponse(1024)}
		if extended {
			opts = append(opts, apdu.WithExtendedLength())
		}
		resp, err := apdu.NewClient(tr, opts...).Do(context.Background(), apdu.Command{INS: 0xD6, Data: make([]byte, int(n)%700), Le: 256})
		if err == nil && len(resp.Data) > 1024 {
			t.Fatalf("response of %d bytes passed the cap", len(resp.Data))
		}
	})
}
