package vpcd_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/vpcd"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/l10n/l10ntest"
)

// testCard answers SELECT with 9000, echoes the data of INS 0xEE, fails on
// INS 0xFF and records power events.
type testCard struct {
	mu     sync.Mutex
	events []string
	atr    []byte
}

func newTestCard() *testCard { return &testCard{atr: []byte{0x3B, 0x02, 0x14, 0x50}} }

func (c *testCard) record(e string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.events = append(c.events, e)
}

func (c *testCard) Events() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.events...)
}

func (c *testCard) ATR() []byte {
	c.record("atr")
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.atr
}

func (c *testCard) setATR(atr []byte) {
	c.mu.Lock()
	c.atr = atr
	c.mu.Unlock()
}
func (c *testCard) PowerOn()  { c.record("on") }
func (c *testCard) PowerOff() { c.record("off") }
func (c *testCard) Reset()    { c.record("reset") }

var errTorn = errors.New("card torn")

func (c *testCard) Transmit(_ context.Context, cmd []byte) ([]byte, error) {
	c.record("apdu")
	if len(cmd) < 4 {
		return []byte{0x67, 0x00}, nil
	}
	switch cmd[1] {
	case 0xA4:
		return []byte{0x90, 0x00}, nil
	case 0xEE:
		switch {
		case len(cmd) > 7 && cmd[4] == 0: // extended Lc
			return append(append([]byte(nil), cmd[7:]...), 0x90, 0x00), nil
		case len(cmd) > 5:
			return append(append([]byte(nil), cmd[5:]...), 0x90, 0x00), nil
		}
		return []byte{0x90, 0x00}, nil
	case 0xFF:
		return nil, errTorn
	case 0x01:
		return []byte{0x90}, nil // a broken card: one byte, no status word
	case 0x02:
		return []byte{}, nil
	}
	return []byte{0x6D, 0x00}, nil
}

func frame(p ...byte) []byte {
	b, err := vpcd.AppendFrame(nil, p)
	if err != nil {
		panic(err)
	}
	return b
}

func TestFrameReader(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      []byte
		want    [][]byte
		wantErr error
		offset  int64
	}{
		{"vpcd/one control", frame(1), [][]byte{{1}}, nil, 0},
		{"vpcd/two frames", append(frame(4), frame(0x00, 0xA4, 0x04, 0x00)...), [][]byte{{4}, {0x00, 0xA4, 0x04, 0x00}}, nil, 0},
		{"vpcd/empty stream", nil, nil, nil, 0},
		{"vpcd/empty frame", []byte{0, 0}, nil, vpcd.ErrMalformedFrame, 0},
		{"vpcd/half a length", append(frame(1), 0x00), [][]byte{{1}}, vpcd.ErrMalformedFrame, 3},
		{"vpcd/truncated payload", []byte{0, 5, 1, 2}, nil, vpcd.ErrMalformedFrame, 0},
		{"vpcd/longest length, no payload", []byte{0xFF, 0xFF}, nil, vpcd.ErrMalformedFrame, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fr := vpcd.NewFrameReader(bytes.NewReader(tc.in))
			var got [][]byte
			var err error
			for {
				var p []byte
				p, err = fr.ReadFrame()
				if err != nil {
					break
				}
				got = append(got, p)
			}
			assert.Equal(t, tc.want, got)
			if tc.wantErr == nil {
				assert.ErrorIs(t, err, io.EOF)
				return
			}
			require.ErrorIs(t, err, tc.wantErr)
			var fe *vpcd.FrameError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tc.offset, fe.Offset)
			assert.NotEqual(t, err.Error(), l10n.Error(err, l10n.Chinese), "Chinese text")
		})
	}
}

func TestAppendFrameTooLong(t *testing.T) {
	_, err := vpcd.AppendFrame(nil, make([]byte, vpcd.MaxFrame+1))
	require.ErrorIs(t, err, vpcd.ErrFrameTooLong)
	assert.Contains(t, err.Error(), "65,536", "x/text groups digits")
	b, err := vpcd.AppendFrame(nil, make([]byte, vpcd.MaxFrame))
	require.NoError(t, err)
	assert.Equal(t, []byte{0xFF, 0xFF}, b[:2])
	assert.Len(t, b, 2+vpcd.MaxFrame)
}

// readAll splits a well-formed output stream into payloads.
func readAll(t testing.TB, b []byte) [][]byte {
	t.Helper()
	fr := vpcd.NewFrameReader(bytes.NewReader(b))
	var out [][]byte
	for {
		p, err := fr.ReadFrame()
		if err == io.EOF {
			return out
		}
		require.NoError(t, err)
		out = append(out, p)
	}
}

type rw struct {
	io.Reader
	io.Writer
}

func TestServeConn(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      []byte
		replies [][]byte
		events  []string
		wantErr error
	}{
		{
			name:    "vpcd/power on, ATR, select, echo, reset, power off",
			in:      bytes.Join([][]byte{frame(1), frame(4), frame(0x00, 0xA4, 0x04, 0x00), frame(0x00, 0xEE, 0, 0, 2, 0xCA, 0xFE), frame(2), frame(0)}, nil),
			replies: [][]byte{{0x3B, 0x02, 0x14, 0x50}, {0x90, 0x00}, {0xCA, 0xFE, 0x90, 0x00}},
			events:  []string{"on", "atr", "apdu", "apdu", "reset", "off"},
		},
		{
			// vicc ignores an unknown control byte; closing would eject the card.
			name:    "vpcd/unknown control byte is ignored, as vicc does",
			in:      bytes.Join([][]byte{frame(1), frame(3), frame(7), frame(4)}, nil),
			replies: [][]byte{{0x3B, 0x02, 0x14, 0x50}},
			events:  []string{"on", "atr"},
		},
		{
			name:    "vpcd/a one-byte answer is never sent: the card failed",
			in:      frame(0x00, 0x01, 0x00, 0x00),
			events:  []string{"apdu"},
			wantErr: vpcd.ErrShortAnswer,
		},
		{
			name:    "vpcd/an empty answer is never sent",
			in:      frame(0x00, 0x02, 0x00, 0x00),
			events:  []string{"apdu"},
			wantErr: vpcd.ErrShortAnswer,
		},
		{
			name:    "vpcd/empty frame",
			in:      append(frame(4), 0, 0),
			replies: [][]byte{{0x3B, 0x02, 0x14, 0x50}},
			events:  []string{"atr"},
			wantErr: vpcd.ErrMalformedFrame,
		},
		{
			name:    "vpcd/card failure closes the connection",
			in:      append(frame(0x00, 0xFF, 0, 0, 3, 1, 2, 3), frame(4)...),
			events:  []string{"apdu"},
			wantErr: vpcd.ErrCardFailed,
		},
		{
			name:    "vpcd/two-byte APDU is passed to the card",
			in:      frame(0x00, 0xB0),
			replies: [][]byte{{0x67, 0x00}},
			events:  []string{"apdu"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			card := newTestCard()
			var out bytes.Buffer
			err := vpcd.ServeConn(context.Background(), rw{bytes.NewReader(tc.in), &out}, card)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				assert.NotEqual(t, err.Error(), l10n.Error(err, l10n.Chinese))
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tc.replies, readAll(t, out.Bytes()))
			assert.Equal(t, tc.events, card.Events())
		})
	}
}

func TestCardErrorKeepsSecretsOut(t *testing.T) {
	card := newTestCard()
	secret := []byte{0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88}
	in := frame(append([]byte{0x84, 0xFF, 0x00, 0x00, 0x08}, secret...)...)
	err := vpcd.ServeConn(context.Background(), rw{bytes.NewReader(in), io.Discard}, card)
	var ce *vpcd.CardError
	require.ErrorAs(t, err, &ce)
	assert.ErrorIs(t, err, errTorn)
	assert.Equal(t, []byte{0x84, 0xFF, 0x00, 0x00}, ce.Header)
	assert.Contains(t, err.Error(), "84FF0000")
	assert.NotContains(t, err.Error(), "1122334455667788")
	assert.Contains(t, l10n.Error(err, l10n.Chinese), "卡对命令84FF0000返回错误")
}

func TestServeConnStopsOnCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := vpcd.ServeConn(ctx, rw{bytes.NewReader(frame(1)), io.Discard}, newTestCard())
	assert.ErrorIs(t, err, context.Canceled)
}

// fakeDriver is the reader side of the protocol, as pcscd's vpcd driver
// plays it: it accepts the card's connection and sends frames.
type fakeDriver struct {
	t    *testing.T
	conn net.Conn
	fr   *vpcd.FrameReader
}

// accept waits for the card's connection; owner is the test whose end
// closes it.
func accept(t, owner *testing.T, ln net.Listener) *fakeDriver {
	t.Helper()
	require.NoError(t, ln.(*net.TCPListener).SetDeadline(time.Now().Add(10*time.Second)))
	conn, err := ln.Accept()
	require.NoError(t, err)
	owner.Cleanup(func() { _ = conn.Close() })
	require.NoError(t, conn.SetDeadline(time.Now().Add(10*time.Second)))
	return &fakeDriver{t: t, conn: conn, fr: vpcd.NewFrameReader(conn)}
}

func (d *fakeDriver) send(p ...byte) {
	d.t.Helper()
	require.NoError(d.t, vpcd.WriteFrame(d.conn, p))
}

func (d *fakeDriver) call(p ...byte) []byte {
	d.t.Helper()
	d.send(p...)
	rsp, err := d.fr.ReadFrame()
	require.NoError(d.t, err)
	return rsp
}

type connEvent struct {
	connected bool
	err       error
}

func startServer(t *testing.T, addr string, card vpcd.Card) (events chan connEvent, stop func() error) {
	t.Helper()
	events = make(chan connEvent, 16)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	srv := &vpcd.Server{Addr: addr, Card: card, MinBackoff: 5 * time.Millisecond, MaxBackoff: 40 * time.Millisecond, RemovalTime: 20 * time.Millisecond,
		ConnState: func(c bool, err error) { events <- connEvent{c, err} }}
	go func() { done <- srv.Serve(ctx) }()
	stop = sync.OnceValue(func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			return errors.New("Serve did not return")
		}
	})
	t.Cleanup(func() { _ = stop() })
	return events, stop
}

func next(t *testing.T, events chan connEvent) connEvent {
	t.Helper()
	select {
	case e := <-events:
		return e
	case <-time.After(10 * time.Second):
		t.Fatal("no connection event")
		return connEvent{}
	}
}

// waitGoroutines waits until the goroutine count drops back to n (goroutines
// of closed connections and timers take a moment to exit).
func waitGoroutines(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	assert.LessOrEqual(t, runtime.NumGoroutine(), n, "goroutines left behind")
}

func TestServeOverTCP(t *testing.T) {
	before := runtime.NumGoroutine()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	card := newTestCard()
	events, stop := startServer(t, ln.Addr().String(), card)
	outer := t

	d := accept(t, t, ln)
	assert.Equal(t, connEvent{connected: true}, next(t, events))
	d.send(vpcd.CtrlPowerOn)
	assert.Equal(t, card.ATR(), d.call(vpcd.CtrlATR))
	assert.Equal(t, []byte{0x90, 0x00}, d.call(0x00, 0xA4, 0x04, 0x00, 0x02, 0x3F, 0x00))
	big := bytes.Repeat([]byte{0x5A}, 300)
	ext := append([]byte{0x00, 0xEE, 0x00, 0x00, 0x00, 0x01, 0x2C}, big...)
	assert.Equal(t, append(big, 0x90, 0x00), d.call(ext...), "extended APDU")

	t.Run("vpcd/malformed frame drops the connection and the card comes back after the poll interval", func(t *testing.T) {
		_, err := d.conn.Write([]byte{0, 0}) // an empty frame
		require.NoError(t, err)
		e := next(t, events)
		assert.False(t, e.connected)
		assert.ErrorIs(t, e.err, vpcd.ErrMalformedFrame)
		lost := time.Now()
		d2 := accept(t, outer, ln)
		assert.True(t, next(t, events).connected)
		assert.GreaterOrEqual(t, time.Since(lost), vpcd.PollInterval, "RemovalTime 20 ms is raised to pcscd's poll interval")
		assert.Equal(t, []byte{0x90, 0x00}, d2.call(0x00, 0xA4, 0x00, 0x00))
		d = d2
	})

	t.Run("vpcd/card failure is a removal", func(t *testing.T) {
		_, err := d.conn.Write(frame(0x00, 0xFF, 0x00, 0x00))
		require.NoError(t, err)
		e := next(t, events)
		assert.False(t, e.connected)
		assert.ErrorIs(t, e.err, errTorn)
		_, err = d.fr.ReadFrame()
		assert.ErrorIs(t, err, io.EOF, "the card side closed the connection")
		d = accept(t, outer, ln)
		assert.True(t, next(t, events).connected)
	})

	t.Run("vpcd/driver closes: reconnect, not before the poll interval", func(t *testing.T) {
		require.NoError(t, d.conn.Close())
		e := next(t, events)
		lost := time.Now()
		assert.False(t, e.connected)
		assert.NoError(t, e.err)
		d = accept(t, outer, ln)
		assert.True(t, next(t, events).connected)
		assert.GreaterOrEqual(t, time.Since(lost), vpcd.PollInterval)
	})

	t.Run("vpcd/a card with a short ATR is removed, never sends a one-byte frame", func(t *testing.T) {
		card.setATR([]byte{0x3B})
		d.send(vpcd.CtrlATR)
		e := next(t, events)
		assert.ErrorIs(t, e.err, vpcd.ErrShortATR)
		_, err := d.fr.ReadFrame()
		assert.ErrorIs(t, err, io.EOF, "closed, nothing sent")
		card.setATR([]byte{0x3B, 0x02, 0x14, 0x50})
		d = accept(t, outer, ln)
		assert.True(t, next(t, events).connected)
	})

	require.ErrorIs(t, stop(), context.Canceled)
	_, err = d.fr.ReadFrame()
	assert.ErrorIs(t, err, io.EOF, "shutdown closes the connection")
	require.NoError(t, ln.Close())
	waitGoroutines(t, before)
}

func TestServeRetriesUntilDriverListens(t *testing.T) {
	// Reserve a port, close it: pcscd is "not running yet".
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())

	card := newTestCard()
	events, stop := startServer(t, addr, card)
	time.Sleep(100 * time.Millisecond) // several failed dials with backoff

	ln, err = net.Listen("tcp", addr) // pcscd (re)starts
	require.NoError(t, err)
	defer ln.Close()
	d := accept(t, t, ln)
	assert.True(t, next(t, events).connected)
	assert.Equal(t, []byte{0x90, 0x00}, d.call(0x00, 0xA4, 0x04, 0x00))
	assert.ErrorIs(t, stop(), context.Canceled)
}

func TestServeStopsWhileDialing(t *testing.T) {
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	// Port 1 on localhost refuses at once; Serve keeps retrying until ctx ends.
	err := vpcd.Serve(ctx, "127.0.0.1:1", newTestCard())
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	waitGoroutines(t, before)
}

func TestCatalogHasChinese(t *testing.T) {
	l10ntest.Errors(t, vpcd.ErrMalformedFrame, vpcd.ErrFrameTooLong, vpcd.ErrCardFailed, vpcd.ErrShortAnswer, vpcd.ErrShortATR,
		&vpcd.FrameError{Offset: 3, Reason: "empty frame (length 0)", Err: vpcd.ErrMalformedFrame},
		&vpcd.FrameError{Offset: 3, Reason: "stream ends inside a frame: want %d bytes, got %d", Args: []any{7, 3}, Err: vpcd.ErrMalformedFrame},
		&vpcd.FrameError{Offset: -1, Reason: "payload of %d bytes: want at most %d", Args: []any{70000, 65535}, Err: vpcd.ErrFrameTooLong},
		&vpcd.CardError{Header: []byte{0, 0xA4, 4, 0}, Err: errTorn},
		&vpcd.CardError{Err: vpcd.ErrShortATR})
}
