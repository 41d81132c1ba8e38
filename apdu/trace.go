package apdu

import (
	"context"
	"encoding/hex"
	"log/slog"
	"strings"
	"sync"
)

// Redaction says which parts of one exchange a trace must mask. Masked bytes
// are logged as "**" each, so header, lengths and status word stay readable
// and the length of the masked field stays visible.
type Redaction struct {
	// CommandData masks the command's data field (keys, cryptograms, PINs,
	// personal data being written).
	CommandData bool
	// ResponseData masks the response's data field (cryptograms, challenges,
	// personal data being read).
	ResponseData bool
}

// Redactor is the trace's redaction policy: it decides, from a command, what
// of its exchange may be logged. [DefaultRedaction] is the default; callers
// replace or extend it with [RedactorFunc].
type Redactor interface {
	Redact(cmd Command) Redaction
}

// RedactorFunc adapts a function to [Redactor].
type RedactorFunc func(cmd Command) Redaction

// Redact calls f.
func (f RedactorFunc) Redact(cmd Command) Redaction { return f(cmd) }

// DefaultRedaction is the default policy, by class and instruction:
//
//   - command data masked: EXTERNAL AUTHENTICATE (82: cryptogram), VERIFY
//     (20: PIN), CHANGE REFERENCE DATA (24), RESET RETRY COUNTER (2C), PUT DATA
//     (DA/DB), UPDATE/WRITE BINARY (D6/D7/D0/D1), UPDATE/WRITE RECORD
//     (DC/DD/D2/D3), APPEND RECORD (E2/E3); PC/SC LOAD KEY (FF 82: key);
//   - response data masked: GET CHALLENGE (84), READ BINARY (B0/B1), READ
//     RECORD (B2/B3), GET DATA (CA/CB);
//   - both masked: INTERNAL AUTHENTICATE (88), GENERAL AUTHENTICATE (86/87),
//     PERFORM SECURITY OPERATION (2A), and every proprietary-class command
//     (CLA 80…FE), which covers the PSAM's 80 1A (diversifier) and 80 FA
//     (data and cryptogram) of SPEC §8 and the e-purse commands;
//   - nothing masked: SELECT, GET RESPONSE commands, and other PC/SC
//     pseudo-APDUs (get UID, authenticate a block by key slot).
//
// The response to GET RESPONSE (C0) inherits the response masking of the
// command before it, so a cryptogram fetched after 61xx stays masked.
func DefaultRedaction(cmd Command) Redaction {
	if cmd.CLA == 0xFF { // PC/SC part 3 pseudo-APDUs
		switch cmd.INS {
		case 0x82: // LOAD KEY
			return Redaction{CommandData: true}
		case INSUpdateBinary:
			return Redaction{CommandData: true}
		case INSReadBinary:
			return Redaction{ResponseData: true}
		}
		return Redaction{}
	}
	if cmd.CLA&0x80 != 0 {
		return Redaction{CommandData: true, ResponseData: true}
	}
	switch cmd.INS {
	case INSExternalAuthenticate, INSVerify, 0x24, 0x2C, 0xDA, 0xDB,
		INSUpdateBinary, 0xD7, 0xD0, 0xD1, INSUpdateRecord, 0xDD, 0xD2, 0xD3, INSAppendRecord, 0xE3:
		return Redaction{CommandData: true}
	case INSGetChallenge, INSReadBinary, 0xB1, INSReadRecord, 0xB3, 0xCA, 0xCB:
		return Redaction{ResponseData: true}
	case INSInternalAuthenticate, 0x86, 0x87, 0x2A:
		return Redaction{CommandData: true, ResponseData: true}
	}
	return Redaction{}
}

// NewTrace wraps t so that every APDU is logged through logger at debug
// level as one record "apdu" with the attributes cmd (hex), rsp (hex, data
// then SW) and sw, or err when the transport fails. r decides what is
// masked; nil means [DefaultRedaction]. A command that does not parse is
// logged with everything after its header masked. A nil logger means no
// trace: t is returned as is.
func NewTrace(t Transport, logger *slog.Logger, r Redactor) Transport {
	if logger == nil {
		return t
	}
	if r == nil {
		r = RedactorFunc(DefaultRedaction)
	}
	return &trace{next: t, logger: logger, redactor: r}
}

type trace struct {
	next     Transport
	logger   *slog.Logger
	redactor Redactor

	mu       sync.Mutex
	lastMask bool // mask the response of a following GET RESPONSE
}

// Transmit logs and forwards one APDU.
func (t *trace) Transmit(ctx context.Context, raw []byte) ([]byte, error) {
	if !t.logger.Enabled(ctx, slog.LevelDebug) {
		return t.next.Transmit(ctx, raw)
	}
	cmd, perr := ParseCommand(raw)
	var red Redaction
	switch {
	case perr != nil:
		red = Redaction{CommandData: true, ResponseData: true}
	case cmd.INS == INSGetResponse && cmd.CLA&0x80 == 0:
		t.mu.Lock()
		red.ResponseData = t.lastMask
		t.mu.Unlock()
	default:
		red = t.redactor.Redact(cmd)
		t.mu.Lock()
		t.lastMask = red.ResponseData
		t.mu.Unlock()
	}
	cmdHex := maskCommand(raw, cmd, perr == nil, red.CommandData)
	out, err := t.next.Transmit(ctx, raw)
	if err != nil {
		t.logger.LogAttrs(ctx, slog.LevelDebug, "apdu", slog.String("cmd", cmdHex), slog.String("err", err.Error()))
		return out, err
	}
	attrs := []slog.Attr{slog.String("cmd", cmdHex), slog.String("rsp", maskResponse(out, red.ResponseData))}
	if len(out) >= 2 {
		attrs = append(attrs, slog.String("sw", hexUpper(out[len(out)-2:])))
	}
	t.logger.LogAttrs(ctx, slog.LevelDebug, "apdu", attrs...)
	return out, nil
}

// maskCommand renders raw in upper-case hex with the data field masked.
func maskCommand(raw []byte, cmd Command, parsed, mask bool) string {
	if !parsed {
		n := min(len(raw), 4)
		return hexUpper(raw[:n]) + strings.Repeat("**", len(raw)-n)
	}
	if !mask || len(cmd.Data) == 0 {
		return hexUpper(raw)
	}
	off := 5
	if cmd.Extended {
		off = 7
	}
	end := off + len(cmd.Data)
	return hexUpper(raw[:off]) + strings.Repeat("**", len(cmd.Data)) + hexUpper(raw[end:])
}

// maskResponse renders a raw response in upper-case hex, data masked if asked.
func maskResponse(raw []byte, mask bool) string {
	if len(raw) < 2 {
		if mask {
			return strings.Repeat("**", len(raw))
		}
		return hexUpper(raw)
	}
	n := len(raw) - 2
	if !mask {
		return hexUpper(raw)
	}
	return strings.Repeat("**", n) + hexUpper(raw[n:])
}

func hexUpper(b []byte) string { return strings.ToUpper(hex.EncodeToString(b)) }
