package apdu

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"strings"
	"sync"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/l10n"
)

// Exchange is one recorded command and what the card answered: Response, or
// Err when the transport failed (card removed, reader gone).
type Exchange struct {
	// Command is the exact command expected.
	Command []byte
	// Response is the raw answer, data followed by SW1 SW2.
	Response []byte
	// Err, if set, is returned instead of Response.
	Err error
	// Line is the script line of the command (0 when not from a text script).
	Line int
}

// ScriptedTransport is a [Transport] for tests that replays recorded
// exchanges in order, like gmrtd's mock transceiver: each command must equal
// the next recorded one byte for byte, and gets the recorded answer. An
// unexpected command, or any command after the script ended, fails with a
// [*ScriptError]; so does every later command, so a test cannot go on after a
// mismatch unnoticed. [ScriptedTransport.Done] reports exchanges never used.
// It is safe for concurrent use.
type ScriptedTransport struct {
	mu       sync.Mutex
	script   []Exchange
	next     int
	mismatch error
}

// NewScriptedTransport replays the exchanges in order.
func NewScriptedTransport(exchanges ...Exchange) *ScriptedTransport {
	return &ScriptedTransport{script: exchanges}
}

// ParseScript reads a script in a readable text form:
//
//	# SELECT the application (comments start with #, also after hex)
//	> 00 A4 04 00 07 A0000000031010
//	< 9000
//	> 0084000008
//	< 1122334455667788 9000
//	> 00B0840020
//	! card removed
//
// A ">" line is a command, the "<" line after it the response; a "!" line
// instead of the response makes the transport fail with [ErrScriptedFailure]
// and the text. Hex may contain spaces. Syntax errors are [*ScriptError]s
// matching [ErrScriptSyntax] with the line number.
func ParseScript(text string) (*ScriptedTransport, error) {
	var exchanges []Exchange
	var pending *Exchange
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(nil, 1<<20)
	line := 0
	for sc.Scan() {
		line++
		s := sc.Text()
		if i := strings.IndexByte(s, '#'); i >= 0 {
			s = s[:i]
		}
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		kind, rest := s[0], strings.TrimSpace(s[1:])
		switch kind {
		case '>':
			if pending != nil {
				return nil, syntaxErr(line, expScriptResponse)
			}
			b, err := parseHex(rest)
			if err != nil || len(b) == 0 {
				return nil, syntaxErr(line, expScriptHex)
			}
			pending = &Exchange{Command: b, Line: line}
		case '<', '!':
			if pending == nil {
				return nil, syntaxErr(line, expScriptOrder)
			}
			if kind == '!' {
				pending.Err = &scriptedFailure{text: rest}
			} else {
				b, err := parseHex(rest)
				if err != nil {
					return nil, syntaxErr(line, expScriptHex)
				}
				pending.Response = b
			}
			exchanges = append(exchanges, *pending)
			pending = nil
		default:
			return nil, syntaxErr(line, expScriptLine)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, syntaxErr(line+1, expScriptLine)
	}
	if pending != nil {
		return nil, syntaxErr(pending.Line, expScriptResponse)
	}
	return NewScriptedTransport(exchanges...), nil
}

func parseHex(s string) ([]byte, error) {
	return hex.DecodeString(strings.Join(strings.Fields(s), ""))
}

func syntaxErr(line int, expected string) error {
	return &ScriptError{Kind: ErrScriptSyntax, Line: line, Expected: expected}
}

// Transmit checks cmd against the next exchange and returns its answer.
func (s *ScriptedTransport) Transmit(ctx context.Context, cmd []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mismatch != nil {
		return nil, s.mismatch
	}
	if s.next >= len(s.script) {
		s.mismatch = &ScriptError{Kind: ErrScriptExhausted, Index: s.next + 1, Got: renderCommand(cmd)}
		return nil, s.mismatch
	}
	ex := s.script[s.next]
	if !bytes.Equal(ex.Command, cmd) {
		s.mismatch = &ScriptError{Kind: ErrUnexpectedCommand, Index: s.next + 1, Line: ex.Line,
			Got: renderCommand(cmd), Want: renderCommand(ex.Command)}
		return nil, s.mismatch
	}
	s.next++
	if ex.Err != nil {
		return nil, ex.Err
	}
	return bytes.Clone(ex.Response), nil
}

// Done is nil when every exchange was used and no command was unexpected;
// otherwise the first mismatch, or a [*ScriptError] matching
// [ErrScriptUnfinished]. Call it at the end of a test:
// require.NoError(t, script.Done()).
func (s *ScriptedTransport) Done() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mismatch != nil {
		return s.mismatch
	}
	if left := len(s.script) - s.next; left > 0 {
		return &ScriptError{Kind: ErrScriptUnfinished, Index: s.next + 1, Line: s.script[s.next].Line,
			Left: left, Total: len(s.script)}
	}
	return nil
}

// renderCommand shows a command in hex, masked by [DefaultRedaction], so a
// failing test never prints a key or a cryptogram.
func renderCommand(raw []byte) string {
	cmd, err := ParseCommand(raw)
	return maskCommand(raw, cmd, err == nil, err != nil || DefaultRedaction(cmd).CommandData)
}

// ScriptError is a failure of a [ScriptedTransport] or of [ParseScript]. Kind
// is the sentinel ([ErrUnexpectedCommand], [ErrScriptExhausted],
// [ErrScriptUnfinished], [ErrScriptSyntax]). Commands are shown in hex with
// secret-bearing data fields masked as by [DefaultRedaction].
type ScriptError struct {
	// Kind is the sentinel for what went wrong.
	Kind error
	// Index is the 1-based number of the exchange concerned.
	Index int
	// Line is the script line concerned, 0 if not from a text script.
	Line int
	// Got and Want are the command received and the command expected.
	Got, Want string
	// Left and Total count unused and all exchanges (ErrScriptUnfinished).
	Left, Total int
	// Expected says what a syntax error's line should look like.
	Expected string
}

// Error is the English text.
func (e *ScriptError) Error() string { return "apdu: " + e.Localize(l10n.English) }

// Localize renders the error in the language tag.
func (e *ScriptError) Localize(tag language.Tag) string {
	kind := l10n.Error(e.Kind, tag)
	switch e.Kind {
	case ErrUnexpectedCommand:
		return messages.Sprintf(tag, fmtScriptMismatch, e.Index, e.Line, kind, e.Got, e.Want)
	case ErrScriptExhausted:
		return messages.Sprintf(tag, fmtScriptExhausted, e.Index, kind, e.Got)
	case ErrScriptUnfinished:
		return messages.Sprintf(tag, fmtScriptUnfinished, kind, e.Left, e.Total, e.Line)
	}
	return messages.Sprintf(tag, fmtScriptSyntax, e.Line, kind, messages.Sprintf(tag, e.Expected))
}

// Unwrap yields Kind.
func (e *ScriptError) Unwrap() error { return e.Kind }

// scriptedFailure is the error of a "!" line.
type scriptedFailure struct{ text string }

// Error is the English text with the script's words.
func (e *scriptedFailure) Error() string { return "apdu: " + e.Localize(l10n.English) }

// Localize renders the error in the language tag; the script's words stay as written.
func (e *scriptedFailure) Localize(tag language.Tag) string {
	return l10n.Error(ErrScriptedFailure, tag) + ": " + e.text
}

// Unwrap yields [ErrScriptedFailure].
func (e *scriptedFailure) Unwrap() error { return ErrScriptedFailure }
