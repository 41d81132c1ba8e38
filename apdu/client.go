package apdu

import (
	"context"
	"log/slog"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/l10n"
)

// DefaultMaxResponse is the default cap on the data a [Client] collects for
// one command: the largest Ne of ISO 7816-4.
const DefaultMaxResponse = MaxExtendedLe

// Client runs logical exchanges over a [Transport], the way OpenSC's
// sc_transmit does, so that card sessions and SAM drivers see one command and
// one complete response whatever the reader does:
//
//   - 61xx: the card has more data; the client sends GET RESPONSE
//     (00 C0 00 00 xx) until the card is done and concatenates the data.
//   - 6Cxx: wrong Le; the client resends the command once with Le = SW2.
//   - Command chaining, only when the card accepts it ([WithChaining], or
//     [WithCapabilities] from the card's ATR): without extended length,
//     data over 255 bytes is sent in 255-byte parts with CLA | 0x10 on all
//     but the last. By default such a command fails with [ErrCannotChain]
//     before anything is sent: a card that ignores the chaining bit answers
//     9000 to every part and the last part overwrites the first.
//   - Extended length, likewise only when enabled ([WithExtendedLength] or
//     [WithCapabilities]).
//   - Warnings: [Client.Do] returns the data of a 62xx/63xx "processing
//     completed with a warning" answer with a nil error; [Response.Warning]
//     reports the warning.
//
// GET RESPONSE and Le correction each have an opt-out ([WithoutGetResponse],
// [WithoutLeCorrection]); the collected data is capped ([WithMaxResponse]).
// One exchange runs at a time: concurrent callers wait (or give up when their
// context ends), because a card answers one command at a time and a GET
// RESPONSE must follow its command.
type Client struct {
	transport Transport
	cfg       config
	turn      chan struct{} // holds one token while an exchange runs
}

type config struct {
	noGetResponse bool
	noLeRetry     bool
	chaining      bool
	fixedGRCLA    bool
	grCLA         byte
	extended      bool
	maxResponse   int
	traceLogger   *slog.Logger
	traceRedactor Redactor
}

// Option configures a [Client].
type Option func(*config)

// WithoutGetResponse makes the client return 61xx responses as they are, for
// callers that fetch the rest themselves.
func WithoutGetResponse() Option { return func(c *config) { c.noGetResponse = true } }

// WithoutLeCorrection makes the client return 6Cxx responses as they are
// instead of resending the command with Le = SW2.
func WithoutLeCorrection() Option { return func(c *config) { c.noLeRetry = true } }

// WithChaining tells the client that the card accepts command chaining
// (ISO/IEC 7816-4 clause 5.3.3): a command with more than 255 data bytes is
// then sent in chained parts when extended length is off. Without it (the
// default) such a command fails with [ErrCannotChain].
func WithChaining() Option { return func(c *config) { c.chaining = true } }

// WithCapabilities sets chaining and extended length to what the card
// announces ([ATR.Capabilities]): both off for a card that announces
// nothing. Options after it override it.
func WithCapabilities(cp Capabilities) Option {
	return func(c *config) { c.chaining, c.extended = cp.Chaining, cp.ExtendedLength }
}

// WithGetResponseCLA makes every GET RESPONSE use class cla, for cards and
// SAMs that want e.g. 80 C0 after a proprietary command. By default GET
// RESPONSE keeps the logical channel of an interindustry class and uses 00
// after a proprietary one, as PSAMs expect (SPEC §8: 00 C0 00 00 xx).
func WithGetResponseCLA(cla byte) Option {
	return func(c *config) { c.fixedGRCLA, c.grCLA = true, cla }
}

// WithExtendedLength tells the client that the reader and the card accept
// extended-length APDUs: commands with more than 255 data bytes or an Le
// above 256 are sent whole. Without it such an Le, or a command with
// Extended set, fails with [ErrExtendedLengthOff] before anything is sent.
func WithExtendedLength() Option { return func(c *config) { c.extended = true } }

// WithMaxResponse caps the response data the client collects for one command
// (over all GET RESPONSE rounds); beyond it the exchange fails with a
// [*LimitError] matching [ErrResponseTooLarge]. n ≤ 0 keeps
// [DefaultMaxResponse].
func WithMaxResponse(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.maxResponse = n
		}
	}
}

// WithTrace logs every APDU the client sends and receives through logger,
// redacted by r (nil means [DefaultRedaction]); see [NewTrace].
func WithTrace(logger *slog.Logger, r Redactor) Option {
	return func(c *config) { c.traceLogger, c.traceRedactor = logger, r }
}

// NewClient returns a client over t.
func NewClient(t Transport, opts ...Option) *Client {
	cfg := config{maxResponse: DefaultMaxResponse}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.traceLogger != nil {
		t = NewTrace(t, cfg.traceLogger, cfg.traceRedactor)
	}
	return &Client{transport: t, cfg: cfg, turn: make(chan struct{}, 1)}
}

// Transmit sends cmd and returns the card's complete response. A status word
// other than 9000 is not an error here (see [Client.Do]); errors are the
// transport's, malformed responses, the size cap and commands this client
// cannot send, each as an [*ExchangeError] naming the command and the step.
func (c *Client) Transmit(ctx context.Context, cmd Command) (Response, error) {
	select {
	case c.turn <- struct{}{}:
	case <-ctx.Done():
		return Response{}, &ExchangeError{Command: cmd.Header(), Step: stepPrepare, Err: ctx.Err()}
	}
	defer func() { <-c.turn }()
	return c.exchange(ctx, cmd)
}

// Do is Transmit followed by a status check: 9000 and the warnings with
// which the card completed the command ([StatusWord.IsWarning]: 62xx and
// 63xx but 6281, 6300 and 63Cx) return the response and a nil error, so
// the data of, say, a READ BINARY answered 6282 (end of file before Le
// bytes) is not lost; [Response.Warning] tells the two apart. Any other
// status word is returned as a [*StatusError] (or [*AuthError] for 63Cx)
// carrying the command header, together with the response.
func (c *Client) Do(ctx context.Context, cmd Command) (Response, error) {
	resp, err := c.Transmit(ctx, cmd)
	if err != nil || resp.SW.IsWarning() {
		return resp, err
	}
	h := cmd.Header()
	return resp, statusErr(resp.SW, &h)
}

func (c *Client) exchange(ctx context.Context, cmd Command) (Response, error) {
	h := cmd.Header()
	fail := func(step string, err error) (Response, error) {
		return Response{}, &ExchangeError{Command: h, Step: step, Err: err}
	}
	if err := cmd.validate(); err != nil {
		return fail(stepPrepare, err)
	}
	last := cmd
	if !c.cfg.extended {
		switch {
		case cmd.Le > MaxShortLe:
			return fail(stepPrepare, &FieldError{Command: h, Field: "Le", Value: cmd.Le, Expected: expShortLe, Err: ErrExtendedLengthOff})
		case cmd.Extended && (len(cmd.Data) > 0 || cmd.Le > 0):
			return fail(stepPrepare, &FieldError{Command: h, Field: "Lc", Value: len(cmd.Data), Expected: expNotExtended, Err: ErrExtendedLengthOff})
		case len(cmd.Data) > MaxShortData:
			if !c.cfg.chaining {
				return fail(stepPrepare, &FieldError{Command: h, Field: "Lc", Value: len(cmd.Data), Expected: expChainingEnabled, Err: ErrCannotChain})
			}
			if cmd.CLA == 0xFF {
				return fail(stepPrepare, &FieldError{Command: h, Field: "CLA", Value: int(cmd.CLA), Expected: expCLAChain, Err: ErrCannotChain})
			}
			data := cmd.Data
			for len(data) > MaxShortData {
				part := Command{CLA: cmd.CLA | 0x10, INS: cmd.INS, P1: cmd.P1, P2: cmd.P2, Data: data[:MaxShortData]}
				resp, err := c.send(ctx, part)
				if err != nil {
					return fail(stepChain, err)
				}
				if resp.SW != SWSuccess {
					return resp, nil
				}
				data = data[MaxShortData:]
			}
			last.Data = data
		}
	}

	step := stepSend
	resp, err := c.send(ctx, last)
	if err != nil {
		return fail(step, err)
	}
	var collected []byte
	leRetried := false
	for {
		sw1 := resp.SW.SW1()
		if sw1 == 0x6C && !c.cfg.noLeRetry && !leRetried {
			leRetried = true
			last.Le = shortLe(resp.SW.SW2())
			step = stepResend
		} else if sw1 == 0x61 && !c.cfg.noGetResponse {
			// A GET RESPONSE (first sent or resent after 6Cxx) answered
			// with 61xx and no data would loop forever: every round must
			// bring data, and the cap then bounds the rounds.
			if last.INS == INSGetResponse && len(resp.Data) == 0 {
				return fail(step, ErrNoProgress)
			}
			if len(collected)+len(resp.Data) > c.cfg.maxResponse {
				return fail(step, &LimitError{Limit: c.cfg.maxResponse, Size: len(collected) + len(resp.Data)})
			}
			collected = append(collected, resp.Data...)
			last = GetResponse(shortLe(resp.SW.SW2()))
			last.CLA = getResponseCLA(cmd.CLA)
			if c.cfg.fixedGRCLA {
				last.CLA = c.cfg.grCLA
			}
			leRetried = false
			step = stepGetResponse
		} else {
			break
		}
		if resp, err = c.send(ctx, last); err != nil {
			return fail(step, err)
		}
	}
	if len(collected)+len(resp.Data) > c.cfg.maxResponse {
		return fail(step, &LimitError{Limit: c.cfg.maxResponse, Size: len(collected) + len(resp.Data)})
	}
	if collected != nil {
		resp.Data = append(collected, resp.Data...)
	}
	return resp, nil
}

// send transmits one APDU and parses the answer.
func (c *Client) send(ctx context.Context, cmd Command) (Response, error) {
	if err := ctx.Err(); err != nil {
		return Response{}, err
	}
	raw, err := cmd.MarshalBinary()
	if err != nil {
		return Response{}, err
	}
	out, err := c.transport.Transmit(ctx, raw)
	if err != nil {
		return Response{}, err
	}
	return ParseResponse(out)
}

// getResponseCLA keeps the logical channel of an interindustry class and
// drops secure messaging and chaining bits; proprietary classes get 00, as
// PSAMs expect (SPEC §8).
func getResponseCLA(cla byte) byte {
	switch {
	case cla&0x80 != 0:
		return 0x00
	case cla&0x40 == 0:
		return cla & 0x03
	default:
		return cla & 0x4F
	}
}

// ExchangeError is a [Client] exchange that failed before a complete response
// arrived: Command is the header of the command the caller gave, Step what
// the client was doing ("sending", "GET RESPONSE", …) and Err the cause (the
// transport's error, a [*ParseError], a [*LimitError], a [*FieldError], a
// context error), which errors.Is and errors.As see.
type ExchangeError struct {
	// Command is the header of the command the caller gave.
	Command Header
	// Step is what the client was doing: "preparing", "sending", "sending a
	// chained part", "GET RESPONSE", "resending with the exact Le".
	Step string
	// Err is the cause.
	Err error
}

// Error is the English text: "apdu: 00 B0 84 00: GET RESPONSE: …".
func (e *ExchangeError) Error() string { return "apdu: " + e.Localize(l10n.English) }

// Localize renders the error in the language tag.
func (e *ExchangeError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, fmtExchangeError, e.Command.String(), messages.Sprintf(tag, e.Step), errText(e.Err, tag))
}

// Unwrap yields the cause.
func (e *ExchangeError) Unwrap() error { return e.Err }

// errText renders a cause without repeating this package's "apdu: " prefix.
func errText(err error, tag language.Tag) string {
	if err == nil {
		return ""
	}
	return l10n.Error(err, tag)
}

// LimitError is a response larger than the client's cap
// ([WithMaxResponse]); it matches [ErrResponseTooLarge].
type LimitError struct {
	// Limit is the cap in bytes.
	Limit int
	// Size is how many data bytes the response had reached when the client
	// stopped.
	Size int
}

// Error is the English text.
func (e *LimitError) Error() string { return "apdu: " + e.Localize(l10n.English) }

// Localize renders the error in the language tag.
func (e *LimitError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, fmtLimitError, e.Limit, e.Size)
}

// Unwrap yields [ErrResponseTooLarge].
func (e *LimitError) Unwrap() error { return ErrResponseTooLarge }
