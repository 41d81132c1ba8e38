// Package vpcd serves a card to pcscd's virtual reader driver, so that a
// simulated card (card/sim) sits in a PC/SC reader exactly like a real one and
// every program that speaks PC/SC — adapters/pcsc, pcsc_scan, opensc-tool —
// can talk to it.
//
// The driver is vsmartcard's vpcd (Debian package vsmartcard-vpcd). pcscd
// loads it from /etc/reader.conf.d/vpcd; it then listens on TCP port 35963
// (reader "Virtual PCD 00 00") and 35964 ("Virtual PCD 00 01"). The card side
// — this package — connects to it as a client. While the connection is open a
// card is in the reader; closing it removes the card.
//
// The protocol (vsmartcard's virtualsmartcard/src/vpcd/vpcd.c and the
// reference card side, vicc's VirtualSmartcard.py) is a stream of frames,
// each a 2-byte big-endian length and that many bytes. A one-byte frame from
// the driver is a control message: 0 power off, 1 power on, 2 reset (none
// of the three answered), 4 "send the ATR" (answered by a frame holding the
// ATR; the driver sends it at every presence poll). An unknown control byte
// is ignored, as vicc does. Any longer frame is a command APDU, answered by
// a frame holding the response APDU.
//
// The card side never sends a frame shorter than 2 bytes: a response APDU
// has at least its status word and an ATR at least TS and T0, and a one-byte
// frame would be taken for something else by the driver and could leave
// every client of the reader waiting. A card that answers less (or an ATR
// of fewer than 2 bytes) is a failed card: the connection is closed, which
// the reader sees as a removal.
//
// [Serve] keeps a card in the reader until its context ends, reconnecting with
// backoff while pcscd is not listening. Whenever a connection ends — the card
// failed (its Transmit returned an error: it is treated as torn out), the
// stream was malformed, or the driver closed it — the card stays out for
// [Server.RemovalTime] (default 1 s, never less than [PollInterval]) before
// it is inserted again: pcsc-lite 1.9.9 polls the driver every 400 ms, and
// a card that comes back sooner leaves the reader shown EMPTY with no event,
// so Connect fails while the card is connected.
package vpcd

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/apdu"
	"github.com/bjedu/studentcard/l10n"
)

// Card is what vpcd serves: a card that answers APDUs and knows its ATR and
// power state. *sim.Card (card/sim) implements it.
type Card interface {
	apdu.Transport
	// ATR returns the card's answer to reset.
	ATR() []byte
	// PowerOn is called when the reader powers the card.
	PowerOn()
	// PowerOff is called when the reader cuts the power.
	PowerOff()
	// Reset is called on a warm reset.
	Reset()
}

// DefaultAddr is where the Debian vpcd driver listens for the card of reader
// "Virtual PCD 00 00".
const DefaultAddr = "127.0.0.1:35963"

// DefaultReader is the PC/SC name of the reader served at [DefaultAddr].
const DefaultReader = "Virtual PCD 00 00"

// Control messages, the payload of one-byte frames.
const (
	CtrlPowerOff byte = 0
	CtrlPowerOn  byte = 1
	CtrlReset    byte = 2
	CtrlATR      byte = 4
)

// MaxFrame is the longest frame payload the 2-byte length can carry.
const MaxFrame = 0xFFFF

// PollInterval is how often pcscd (pcsc-lite 1.9.9) asks the vpcd driver
// whether a card is present; a card must stay out at least this long for
// pcscd to see it gone. It is the floor of [Server.RemovalTime].
const PollInterval = 400 * time.Millisecond

// DefaultRemovalTime is [Server.RemovalTime] when unset.
const DefaultRemovalTime = time.Second

var messages = l10n.NewCatalog(
	l10n.Entry{Key: "malformed vpcd frame", ZH: "vpcd帧格式错误"},
	l10n.Entry{Key: "payload too long for a vpcd frame", ZH: "数据过长，无法放入vpcd帧"},
	l10n.Entry{Key: "the served card failed", ZH: "所模拟的卡出错"},
	l10n.Entry{Key: "vpcd frame at byte %d: %s", ZH: "vpcd帧（第%d字节处）：%s"},
	l10n.Entry{Key: "empty frame (length 0)", ZH: "空帧（长度为0）"},
	l10n.Entry{Key: "stream ends inside a frame: want %d bytes, got %d", ZH: "数据流在帧内结束：应有%d字节，实有%d字节"},
	l10n.Entry{Key: "payload of %d bytes: want at most %d", ZH: "数据长度为%d字节：最多应为%d字节"},
	l10n.Entry{Key: "card answered command %s with an error: %s", ZH: "卡对命令%s返回错误：%s"},
	l10n.Entry{Key: "card answer shorter than a status word", ZH: "卡的应答短于状态字"},
	l10n.Entry{Key: "ATR shorter than TS and T0", ZH: "ATR短于TS和T0"},
	l10n.Entry{Key: "card ATR: %s", ZH: "卡的ATR：%s"},
)

// Sentinels; the typed errors below unwrap to them.
var (
	// ErrMalformedFrame: the stream broke the framing (empty or truncated frame).
	ErrMalformedFrame = messages.Error("malformed vpcd frame")
	// ErrFrameTooLong: a payload (ATR or response) longer than [MaxFrame].
	ErrFrameTooLong = messages.Error("payload too long for a vpcd frame")
	// ErrCardFailed: the served card's Transmit returned an error; the
	// connection is closed, which the reader sees as a removed card.
	ErrCardFailed = messages.Error("the served card failed")
	// ErrShortAnswer: the card answered a command with fewer than 2 bytes;
	// it is never sent (it would be a one-byte frame). Matched through a
	// [*CardError].
	ErrShortAnswer = messages.Error("card answer shorter than a status word")
	// ErrShortATR: the card's ATR has fewer than 2 bytes; it is never sent.
	// Matched through a [*CardError].
	ErrShortATR = messages.Error("ATR shorter than TS and T0")
)

// FrameError is a protocol violation at a byte offset of the stream.
type FrameError struct {
	Offset int64  // stream offset of the frame's length bytes; -1 when writing
	Reason string // English key, also used for Localize
	Args   []any  // arguments of Reason
	Err    error  // the sentinel: ErrMalformedFrame or ErrFrameTooLong
}

// Error is the English text of the error; Localize renders it in Chinese too.
func (e *FrameError) Error() string { return e.Localize(l10n.English) }

// Localize renders the error in Chinese or English.
func (e *FrameError) Localize(tag language.Tag) string {
	reason := messages.Sprintf(tag, e.Reason, e.Args...)
	if e.Offset < 0 {
		return "vpcd: " + reason
	}
	return "vpcd: " + messages.Sprintf(tag, "vpcd frame at byte %d: %s", e.Offset, reason)
}

// Unwrap yields the sentinel.
func (e *FrameError) Unwrap() error { return e.Err }

// CardError is a failure of the served card while answering a command. It
// unwraps to both [ErrCardFailed] and the card's own error.
type CardError struct {
	Header []byte // CLA INS P1 P2 of the command (never its data, which may be secret); nil for the ATR
	Err    error
}

// Error is the English text of the error; Localize renders it in Chinese too.
func (e *CardError) Error() string { return e.Localize(l10n.English) }

// Localize renders the error in Chinese or English.
func (e *CardError) Localize(tag language.Tag) string {
	if e.Header == nil {
		return "vpcd: " + messages.Sprintf(tag, "card ATR: %s", l10n.Error(e.Err, tag))
	}
	return "vpcd: " + messages.Sprintf(tag, "card answered command %s with an error: %s",
		fmt.Sprintf("%X", e.Header), l10n.Error(e.Err, tag))
}

// Unwrap yields ErrCardFailed and the card's error.
func (e *CardError) Unwrap() []error { return []error{ErrCardFailed, e.Err} }

// FrameReader reads frames from a stream, keeping the offset for errors.
type FrameReader struct {
	r   io.Reader
	off int64
	hdr [2]byte
}

// NewFrameReader returns a FrameReader over r.
func NewFrameReader(r io.Reader) *FrameReader { return &FrameReader{r: r} }

// ReadFrame returns the next frame's payload (a new slice). A clean end of
// stream between frames is io.EOF; an empty frame or a stream ending inside a
// frame is a [*FrameError].
func (f *FrameReader) ReadFrame() ([]byte, error) {
	start := f.off
	n, err := io.ReadFull(f.r, f.hdr[:])
	f.off += int64(n)
	if err == io.EOF {
		return nil, io.EOF
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, &FrameError{Offset: start, Reason: "stream ends inside a frame: want %d bytes, got %d", Args: []any{2, n}, Err: ErrMalformedFrame}
	}
	if err != nil {
		return nil, err
	}
	size := int(binary.BigEndian.Uint16(f.hdr[:]))
	if size == 0 {
		return nil, &FrameError{Offset: start, Reason: "empty frame (length 0)", Err: ErrMalformedFrame}
	}
	p := make([]byte, size)
	n, err = io.ReadFull(f.r, p)
	f.off += int64(n)
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return nil, &FrameError{Offset: start, Reason: "stream ends inside a frame: want %d bytes, got %d", Args: []any{2 + size, 2 + n}, Err: ErrMalformedFrame}
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// AppendFrame appends p framed (length prefix and payload) to dst.
func AppendFrame(dst, p []byte) ([]byte, error) {
	if len(p) > MaxFrame {
		return dst, &FrameError{Offset: -1, Reason: "payload of %d bytes: want at most %d", Args: []any{len(p), MaxFrame}, Err: ErrFrameTooLong}
	}
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(p)))
	return append(dst, p...), nil
}

// WriteFrame writes p as one frame in a single Write.
func WriteFrame(w io.Writer, p []byte) error {
	b, err := AppendFrame(make([]byte, 0, 2+len(p)), p)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// ServeConn answers the driver on one connection until the stream ends
// (nil), a frame is malformed ([*FrameError]), the card fails ([*CardError])
// or ctx is done (checked between frames; close the connection to interrupt a
// blocked read — [Server.Serve] does).
func ServeConn(ctx context.Context, conn io.ReadWriter, card Card) error {
	fr := NewFrameReader(conn)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		quickACK(conn)
		p, err := fr.ReadFrame()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if len(p) == 1 {
			switch p[0] {
			case CtrlPowerOff:
				card.PowerOff()
			case CtrlPowerOn:
				card.PowerOn()
			case CtrlReset:
				card.Reset()
			case CtrlATR:
				atr := card.ATR()
				if len(atr) < 2 {
					return &CardError{Err: ErrShortATR}
				}
				if err := WriteFrame(conn, atr); err != nil {
					return err
				}
			}
			// Any other control byte is ignored, as vicc does: the driver
			// expects no answer to it.
			continue
		}
		header := append([]byte(nil), p[:min(4, len(p))]...)
		rsp, err := card.Transmit(ctx, p)
		if err != nil {
			return &CardError{Header: header, Err: err}
		}
		if len(rsp) < 2 {
			return &CardError{Header: header, Err: ErrShortAnswer}
		}
		if err := WriteFrame(conn, rsp); err != nil {
			return err
		}
	}
}

// Server keeps a card in the vpcd reader at Addr. The zero values of the
// optional fields are sensible defaults.
type Server struct {
	Addr string // the driver's address, e.g. DefaultAddr
	Card Card

	// MinBackoff and MaxBackoff bound the wait between connection attempts
	// (doubling from Min to Max; reset after a successful connect). Defaults
	// 50 ms and 1 s.
	MinBackoff, MaxBackoff time.Duration
	// RemovalTime is how long the card stays out of the reader after a
	// connection ends (the card failed, the stream was malformed or the
	// driver closed it) before it is inserted again: long enough for
	// pcscd's presence polling to see it gone. Default
	// [DefaultRemovalTime]; a value below [PollInterval] is raised to it.
	RemovalTime time.Duration
	// ConnState, if set, is told when the card is inserted (connected,
	// err nil) and removed (err says why; nil when the driver closed the
	// connection). It is called from Serve's goroutine.
	ConnState func(connected bool, err error)
}

// Serve connects to the driver and serves the card until ctx is done, then
// closes the connection and returns ctx's error. Dial failures (pcscd not yet
// started or restarting) and broken connections are retried with backoff.
func (s *Server) Serve(ctx context.Context) error {
	minB, maxB := s.MinBackoff, s.MaxBackoff
	if minB <= 0 {
		minB = 50 * time.Millisecond
	}
	if maxB < minB {
		maxB = max(time.Second, minB)
	}
	removal := s.RemovalTime
	if removal <= 0 {
		removal = DefaultRemovalTime
	}
	removal = max(removal, PollInterval)
	backoff := minB
	var d net.Dialer
	for {
		// A failed dial waits the growing backoff; after a connection the
		// card stays out for the removal time, whoever ended it.
		wait := backoff
		conn, err := d.DialContext(ctx, "tcp", s.Addr)
		if err == nil {
			backoff = minB
			s.notify(true, nil)
			err = s.serveConn(ctx, conn)
			s.notify(false, err)
			wait = removal
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		backoff = min(2*backoff, maxB)
	}
}

func (s *Server) notify(connected bool, err error) {
	if s.ConnState != nil {
		s.ConnState(connected, err)
	}
}

// serveConn runs ServeConn and closes conn when ctx ends, without leaving a
// goroutine behind.
func (s *Server) serveConn(ctx context.Context, conn net.Conn) error {
	closed := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		_ = conn.Close()
		close(closed)
	})
	err := ServeConn(ctx, conn, s.Card)
	if stop() {
		_ = conn.Close()
	} else {
		<-closed
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// Serve keeps card in the vpcd reader at addr until ctx is done; see
// [Server.Serve].
func Serve(ctx context.Context, addr string, card Card) error {
	return (&Server{Addr: addr, Card: card}).Serve(ctx)
}
