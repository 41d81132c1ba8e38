package apdu_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/apdu"
)

// Secrets that pass through a card session. None may reach a trace.
var (
	masterKey  = "5775204D69616F6A756E404726444311" // SPEC §8 published MAC key
	mifareKey  = "A0A1A2A3A4A5"
	challenge  = "C1C2C3C4C5C6C7C8"
	cryptogram = "E1E2E3E4E5E6E7E8"
	cardAnswer = "D1D2D3D4D5D6D7D8"
	diversify  = "0011223344556677"
	pin        = "123456"
	idNumber   = "11010519491231002X"
	nameGB     = "D5C5C8FD" // 张三 in GB18030
)

type step struct {
	cmd  apdu.Command
	resp string
}

// sessionSteps is a registry-card session in the shape of SPEC §6/§8, with
// the responses a card and a PSAM would give.
func sessionSteps(t *testing.T) []step {
	personal := hex.EncodeToString(append([]byte(idNumber), unhex(t, nameGB)...))
	return []step{
		{apdu.SelectByName(unhex(t, "A00000000386980701")), "6F0A840800000000000000009000"},
		{apdu.GetChallenge(8), challenge + "9000"},
		{apdu.Command{CLA: 0x80, INS: 0x1A, P1: 0x27, P2: 0x01, Data: unhex(t, diversify)}, "9000"},
		{apdu.Command{CLA: 0x80, INS: 0xFA, Data: unhex(t, challenge)}, cryptogram + "9000"},
		{apdu.ExternalAuthenticate(1, unhex(t, cryptogram)), "9000"},
		{apdu.InternalAuthenticate(2, unhex(t, challenge)), "6108"},
		{apdu.GetResponse(8), cardAnswer + "9000"},
		{must(apdu.ReadBinary(0x15, 0, 22)), personal + "9000"},
		{must(apdu.UpdateBinary(0x15, 0, []byte(idNumber))), "9000"},
		{must(apdu.UpdateRecord(0x16, 1, unhex(t, nameGB))), "9000"},
		{must(apdu.AppendRecord(0x17, []byte(idNumber))), "9000"},
		{must(apdu.ReadRecord(0x16, 1, 4)), nameGB + "9000"},
		{apdu.Command{INS: 0x20, P2: 0x01, Data: []byte(pin)}, "9000"},
		{apdu.Command{INS: 0xDA, P1: 0x01, P2: 0x01, Data: []byte(idNumber)}, "9000"},
		{apdu.Command{INS: 0xCA, P1: 0x01, P2: 0x01, Le: 256}, hex.EncodeToString([]byte(idNumber)) + "9000"},
		{apdu.Command{CLA: 0xFF, INS: 0x82, P2: 0x01, Data: unhex(t, mifareKey)}, "9000"},
		{apdu.Command{CLA: 0xFF, INS: 0xB0, P2: 0x04, Le: 16}, hex.EncodeToString([]byte(idNumber[:16])) + "9000"},
		{apdu.Command{CLA: 0xFF, INS: 0xD6, P2: 0x04, Data: []byte(idNumber[:16])}, "9000"},
		{apdu.Command{CLA: 0x80, INS: 0xD4, Data: unhex(t, masterKey)}, "9000"}, // proprietary key load
		{apdu.Command{INS: 0x88, P2: 0x03, Data: unhex(t, masterKey), Le: 256}, cryptogram + "9000"},
	}
}

// The trace masks keys, cryptograms and personal data (issue 3; DESIGN habits:
// secrets never in logs, PII masked in traces), in every slog output format.
func TestTraceRedactsSecrets(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		t.Run("A-3/"+format, func(t *testing.T) {
			var buf bytes.Buffer
			opts := &slog.HandlerOptions{Level: slog.LevelDebug}
			var h slog.Handler = slog.NewTextHandler(&buf, opts)
			if format == "json" {
				h = slog.NewJSONHandler(&buf, opts)
			}
			steps := sessionSteps(t)
			var sb strings.Builder
			for _, s := range steps {
				raw, err := s.cmd.MarshalBinary()
				require.NoError(t, err)
				sb.WriteString("> " + hex.EncodeToString(raw) + "\n< " + s.resp + "\n")
			}
			scr := script(t, sb.String())
			tr := apdu.NewTrace(scr, slog.New(h), nil)
			for _, s := range steps {
				raw, err := s.cmd.MarshalBinary()
				require.NoError(t, err)
				_, err = tr.Transmit(context.Background(), raw)
				require.NoError(t, err)
			}
			require.NoError(t, scr.Done())

			out := buf.String()
			require.Equal(t, len(steps), strings.Count(out, "apdu"), out)
			for name, secret := range map[string]string{
				"master key": masterKey, "M1 key": mifareKey, "challenge": challenge, "cryptogram": cryptogram,
				"card answer": cardAnswer, "diversifier": diversify, "name": nameGB,
				"PIN": hex.EncodeToString([]byte(pin)), "ID number": hex.EncodeToString([]byte(idNumber)),
				"ID number (first 8)": hex.EncodeToString([]byte(idNumber[:8])),
			} {
				assert.NotContains(t, strings.ToUpper(out), strings.ToUpper(secret), name)
			}
			assert.NotContains(t, out, idNumber)
			assert.NotContains(t, out, "张三")

			// The trace stays useful: headers, lengths and status words are there.
			assert.Contains(t, out, "00A4040009A0000000038698070100", "SELECT is not masked")
			assert.Contains(t, out, "0082000108"+strings.Repeat("**", 8), "EXTERNAL AUTHENTICATE: header and Lc kept")
			assert.Contains(t, out, strings.Repeat("**", 8)+"9000", "responses keep their SW")
			assert.Contains(t, out, "801A270108"+strings.Repeat("**", 8))
			assert.Contains(t, out, "FF82000106"+strings.Repeat("**", 6))
			assert.Contains(t, out, "6108", "61xx visible")
			if format == "json" {
				assert.Contains(t, out, `"sw":"9000"`)
			} else {
				assert.Contains(t, out, "sw=9000")
			}
		})
	}
}

func TestTraceGetResponseInheritsMasking(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s := script(t, `
		> 00A4000002 3F00
		< 6102
		> 00C0000002
		< 3F00 9000
		> 0088000108 0102030405060708 00
		< 6108
		> 00C0000008
		< `+cardAnswer+` 9000`)
	c := apdu.NewClient(s, apdu.WithTrace(logger, nil))
	_, err := c.Do(context.Background(), apdu.SelectByFileID(0x3F00))
	require.NoError(t, err)
	_, err = c.Do(context.Background(), apdu.InternalAuthenticate(1, seq(9)[1:]))
	require.NoError(t, err)
	require.NoError(t, s.Done())
	out := buf.String()
	assert.Contains(t, out, "rsp=3F009000", "after SELECT the GET RESPONSE data is shown")
	assert.NotContains(t, out, cardAnswer)
	assert.Contains(t, out, "rsp="+strings.Repeat("**", 8)+"9000")
}

func TestTraceCustomRedactor(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	// A vendor whose SELECT answer carries the card serial masks it too.
	r := apdu.RedactorFunc(func(c apdu.Command) apdu.Redaction {
		red := apdu.DefaultRedaction(c)
		if c.INS == apdu.INSSelect {
			red.ResponseData = true
		}
		return red
	})
	s := script(t, "> 00A4040007A0000000031010 00\n< 5A08AABBCCDDEEFF0011 9000")
	_, err := apdu.NewTrace(s, logger, r).Transmit(context.Background(), unhex(t, "00A4040007A000000003101000"))
	require.NoError(t, err)
	assert.NotContains(t, buf.String(), "AABBCCDD")
	assert.Contains(t, buf.String(), "cmd=00A4040007A000000003101000")
}

func TestTraceUnparseableAndFailures(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	bad := unhex(t, "0082000108112233") // Lc says 8, 3 bytes follow
	removed := errors.New("card removed")
	tr := apdu.NewTrace(apdu.TransportFunc(func(_ context.Context, cmd []byte) ([]byte, error) {
		if len(cmd) == 5 {
			return nil, removed
		}
		return []byte{0x67, 0x00}, nil
	}), logger, nil)
	_, err := tr.Transmit(context.Background(), bad)
	require.NoError(t, err)
	assert.Contains(t, buf.String(), "cmd=00820001"+strings.Repeat("**", 4))
	assert.NotContains(t, buf.String(), "112233")

	_, err = tr.Transmit(context.Background(), unhex(t, "0084000008"))
	assert.ErrorIs(t, err, removed)
	assert.Contains(t, buf.String(), "err=\"card removed\"")
}

func TestTraceQuietWhenDebugDisabled(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	s := script(t, "> 0084000008\n< "+challenge+"9000")
	out, err := apdu.NewTrace(s, logger, nil).Transmit(context.Background(), unhex(t, "0084000008"))
	require.NoError(t, err)
	assert.Equal(t, unhex(t, challenge+"9000"), out)
	assert.Empty(t, buf.String())

	s = script(t, "> 0084000008\n< 9000")
	assert.Same(t, s, apdu.NewTrace(s, nil, nil), "a nil logger means no trace")
}

// The default policy, rule by rule (issue 3 trace bullet).
func TestDefaultRedaction(t *testing.T) {
	cmdOnly := apdu.Redaction{CommandData: true}
	rspOnly := apdu.Redaction{ResponseData: true}
	both := apdu.Redaction{CommandData: true, ResponseData: true}
	none := apdu.Redaction{}
	for _, tc := range []struct {
		name     string
		cla, ins byte
		want     apdu.Redaction
	}{
		{"A-2/EXTERNAL AUTHENTICATE", 0x00, 0x82, cmdOnly},
		{"A-1/INTERNAL AUTHENTICATE", 0x00, 0x88, both},
		{"A-2/GET CHALLENGE", 0x00, 0x84, rspOnly},
		{"PSAM 80 1A diversifier", 0x80, 0x1A, both},
		{"PSAM 80 FA cipher/MAC", 0x80, 0xFA, both},
		{"UPDATE BINARY", 0x00, 0xD6, cmdOnly},
		{"protected UPDATE BINARY", 0x04, 0xD6, cmdOnly},
		{"UPDATE RECORD", 0x00, 0xDC, cmdOnly},
		{"APPEND RECORD", 0x00, 0xE2, cmdOnly},
		{"READ BINARY", 0x00, 0xB0, rspOnly},
		{"READ RECORD", 0x00, 0xB2, rspOnly},
		{"PUT DATA", 0x00, 0xDA, cmdOnly},
		{"GET DATA", 0x00, 0xCA, rspOnly},
		{"VERIFY", 0x00, 0x20, cmdOnly},
		{"PC/SC LOAD KEY", 0xFF, 0x82, cmdOnly},
		{"PC/SC READ", 0xFF, 0xB0, rspOnly},
		{"PC/SC WRITE", 0xFF, 0xD6, cmdOnly},
		{"PC/SC GET UID", 0xFF, 0xCA, none},
		{"SELECT", 0x00, 0xA4, none},
		{"GET RESPONSE command", 0x00, 0xC0, none},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, apdu.DefaultRedaction(apdu.Command{CLA: tc.cla, INS: tc.ins}))
		})
	}
}
