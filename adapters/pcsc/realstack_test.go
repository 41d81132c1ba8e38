package pcsc_test

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/pcsc"
	"github.com/bjedu/studentcard/adapters/pcsc/internal/scard"
	"github.com/bjedu/studentcard/adapters/pcsc/pcsctest"
	"github.com/bjedu/studentcard/apdu"
)

// The real-stack tests run pcscd + the vpcd driver + adapters/vpcd serving
// stackCard + this package. Start the stack with .ci/pcsc-stack.sh; see
// package pcsctest for when these tests fail or skip without it.

var (
	atrT0 = []byte{0x3B, 0x02, 0x14, 0x50} // T=0 only
	atrT1 = []byte{0x3B, 0x80, 0x01, 0x81} // TD1 = T=1, TCK
	sel   = []byte{0x00, 0xA4, 0x04, 0x00, 0x02, 0x3F, 0x00}
	ok    = []byte{0x90, 0x00}
)

// stackCard is a small card for the real-stack tests until card/sim is
// plugged in: SELECT answers 9000, INS EE echoes its data, INS C0 answers
// 300 bytes to a short command (more than a short response may hold), and
// it counts APDUs and resets.
type stackCard struct {
	atr    []byte
	mu     sync.Mutex
	apdus  int
	resets int
}

func (c *stackCard) ATR() []byte { return c.atr }
func (c *stackCard) PowerOn()    {}
func (c *stackCard) PowerOff()   {}
func (c *stackCard) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.resets++
}

func (c *stackCard) counts() (apdus, resets int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.apdus, c.resets
}

func (c *stackCard) Transmit(_ context.Context, cmd []byte) ([]byte, error) {
	c.mu.Lock()
	c.apdus++
	c.mu.Unlock()
	switch {
	case len(cmd) < 4:
		return []byte{0x67, 0x00}, nil
	case cmd[1] == 0xA4:
		return ok, nil
	case cmd[1] == 0xEE && len(cmd) > 7 && cmd[4] == 0:
		return append(append([]byte(nil), cmd[7:len(cmd)-2]...), ok...), nil // extended: Lc 3 bytes, Le 2 bytes
	case cmd[1] == 0xEE && len(cmd) > 5:
		return append(append([]byte(nil), cmd[5:5+int(cmd[4])]...), ok...), nil
	case cmd[1] == 0xC0:
		return append(bytes.Repeat([]byte{0xAB}, 300), ok...), nil
	case cmd[1] == 0xFF:
		return nil, errTear
	}
	return []byte{0x6D, 0x00}, nil
}

// errTear is the card's failure mid-APDU: adapters/vpcd drops the
// connection, as if the card were torn out of the field.
var errTear = errors.New("card torn out mid-APDU")

func echo(data []byte) []byte {
	return append(append([]byte{0x00, 0xEE, 0x00, 0x00, byte(len(data))}, data...), 0x00)
}

func echoExtended(data []byte) []byte {
	cmd := []byte{0x00, 0xEE, 0x00, 0x00, 0x00, byte(len(data) >> 8), byte(len(data))}
	return append(append(cmd, data...), 0x00, 0x00)
}

func TestRealStackReadersAndProtocols(t *testing.T) {
	for _, tc := range []struct {
		name  string
		atr   []byte
		proto pcsc.Protocol
	}{
		{"pcsc/T=0 card", atrT0, pcsc.ProtocolT0},
		{"pcsc/T=1 card", atrT1, pcsc.ProtocolT1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			card := &stackCard{atr: tc.atr}
			r := pcsctest.Connect(t, card)
			ctx := context.Background()

			c, err := scard.EstablishContext()
			require.NoError(t, err)
			defer c.Release()
			readers, err := c.ListReaders()
			require.NoError(t, err)
			assert.Contains(t, readers, r.Name(), "the vpcd reader is listed")

			st, err := r.Status(ctx)
			require.NoError(t, err)
			assert.Equal(t, tc.atr, st.ATR)
			assert.Equal(t, tc.proto, st.ActiveProtocol)

			rsp, err := r.Transmit(ctx, sel)
			require.NoError(t, err)
			assert.Equal(t, ok, rsp)
			rsp, err = r.Transmit(ctx, echo([]byte("hello")))
			require.NoError(t, err)
			assert.Equal(t, append([]byte("hello"), ok...), rsp)

			big := bytes.Repeat([]byte{0x5A}, 4000)
			rsp, err = r.Transmit(ctx, echoExtended(big))
			require.NoError(t, err, "extended APDU")
			assert.Equal(t, append(big, ok...), rsp)

			_, err = r.Transmit(ctx, []byte{0x00, 0xC0, 0x00, 0x00, 0x00})
			require.Error(t, err, "300-byte answer to a short command does not fit the 258-byte buffer")
			var pe *pcsc.Error
			assert.ErrorAs(t, err, &pe)

			_, err = r.Transmit(ctx, []byte{0x00, 0xA4, 0x04})
			assert.ErrorIs(t, err, pcsc.ErrCommandLength)
		})
	}
}

func TestRealStackSessionHoldsTransaction(t *testing.T) {
	card := &stackCard{atr: atrT1}
	r := pcsctest.Connect(t, card)
	ctx := context.Background()

	// Another application connected to the same card.
	other, err := scard.EstablishContext()
	require.NoError(t, err)
	defer other.Release()
	oc, err := other.Connect(r.Name(), pcsc.ShareShared, pcsc.ProtocolAny)
	require.NoError(t, err)
	defer oc.Disconnect(scard.LeaveCard)

	var order []string
	var mu sync.Mutex
	note := func(s string) { mu.Lock(); order = append(order, s); mu.Unlock() }
	otherDone := make(chan error, 1)
	var leaked apdu.Transport
	err = r.Session(ctx, func(tr apdu.Transport) error {
		leaked = tr
		if _, err := tr.Transmit(ctx, sel); err != nil {
			return err
		}
		go func() {
			err := oc.BeginTransaction()
			note("other began")
			if err == nil {
				err = oc.EndTransaction(scard.LeaveCard)
			}
			otherDone <- err
		}()
		time.Sleep(300 * time.Millisecond) // the other application must wait this out
		for range 5 {
			if _, err := tr.Transmit(ctx, echo([]byte{1, 2, 3})); err != nil {
				return err
			}
		}
		note("session ended")
		return nil
	})
	require.NoError(t, err)
	require.NoError(t, <-otherDone)
	assert.Equal(t, []string{"session ended", "other began"}, order, "the transaction kept the other application out")

	_, err = leaked.Transmit(ctx, sel)
	assert.ErrorIs(t, err, pcsc.ErrSessionEnded)
	apdus, _ := card.counts()
	assert.Equal(t, 6, apdus)
}

func TestRealStackRemovalAndReinsertion(t *testing.T) {
	card := &stackCard{atr: atrT0}
	s := pcsctest.Require(t)
	remove := s.Insert(t, card)
	ctx := context.Background()
	r, err := pcsc.Open(ctx, s.Reader)
	require.NoError(t, err)
	defer r.Close()
	_, err = r.Transmit(ctx, sel)
	require.NoError(t, err)

	remove() // the card side closes the connection; returns once PC/SC sees the reader empty
	_, err = r.Transmit(ctx, sel)
	require.ErrorIs(t, err, pcsc.ErrRemovedCard)
	var pe *pcsc.Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, pcsc.CodeRemovedCard, pe.Code)
	assert.Equal(t, s.Reader, pe.Reader)
	err = r.Session(ctx, func(apdu.Transport) error { return nil })
	assert.ErrorIs(t, err, pcsc.ErrRemovedCard, "no transaction on a removed card")

	s.Insert(t, card)
	require.NoError(t, r.Reconnect(ctx))
	rsp, err := r.Transmit(ctx, sel)
	require.NoError(t, err)
	assert.Equal(t, ok, rsp)
}

func TestRealStackTearMidAPDU(t *testing.T) {
	card := &stackCard{atr: atrT1}
	r := pcsctest.Connect(t, card)
	ctx := context.Background()
	err := r.Session(ctx, func(tr apdu.Transport) error {
		if _, err := tr.Transmit(ctx, sel); err != nil {
			return err
		}
		_, err := tr.Transmit(ctx, []byte{0x84, 0xFF, 0x00, 0x00})
		return err
	})
	// vpcd reports the torn card as an empty answer; whether PC/SC already
	// knows the card is gone depends on pcscd's polling, so the cause may or
	// may not be ErrRemovedCard yet.
	require.ErrorIs(t, err, pcsc.ErrShortResponse, "the APDU that tore the card fails")
	t.Logf("tear seen by the application as: %v", err)

	// adapters/vpcd inserts the card again after its RemovalTime; recover
	// as an application would.
	pcsctest.Recover(t, r, func() error {
		rsp, err := r.Transmit(ctx, sel)
		if err == nil {
			assert.Equal(t, ok, rsp, "recovered after the tear")
		}
		return err
	})
}

func TestRealStackResetByAnotherApplication(t *testing.T) {
	card := &stackCard{atr: atrT1}
	r := pcsctest.Connect(t, card)
	ctx := context.Background()
	_, err := r.Transmit(ctx, sel)
	require.NoError(t, err)

	other, err := scard.EstablishContext()
	require.NoError(t, err)
	defer other.Release()
	oc, err := other.Connect(r.Name(), pcsc.ShareShared, pcsc.ProtocolAny)
	require.NoError(t, err)
	require.NoError(t, oc.Disconnect(scard.ResetCard))
	_, resets := card.counts()
	assert.GreaterOrEqual(t, resets, 1, "the vpcd driver passed the reset to the card")

	_, err = r.Transmit(ctx, sel)
	require.ErrorIs(t, err, pcsc.ErrResetCard)
	require.NoError(t, r.Reconnect(ctx))
	rsp, err := r.Transmit(ctx, sel)
	require.NoError(t, err)
	assert.Equal(t, ok, rsp)
}

func TestRealStackUnknownReader(t *testing.T) {
	pcsctest.Require(t)
	c, err := scard.EstablishContext()
	require.NoError(t, err)
	defer c.Release()
	_, err = c.Connect("no such reader", pcsc.ShareShared, pcsc.ProtocolAny)
	assert.ErrorIs(t, err, pcsc.ErrUnknownReader)
	_, err = pcsc.Open(context.Background(), "no such reader")
	assert.ErrorIs(t, err, pcsc.ErrUnknownReader)
}

func TestRealStackWaitingHonoursContext(t *testing.T) {
	s := pcsctest.Require(t) // reader empty
	c, err := scard.EstablishContext()
	require.NoError(t, err)
	defer c.Release()

	t.Run("pcsc/timeout", func(t *testing.T) {
		states := []scard.ReaderState{{Reader: s.Reader, CurrentState: scard.StateEmpty}}
		err := c.GetStatusChange(states, 50*time.Millisecond)
		assert.ErrorIs(t, err, pcsc.ErrTimeout)
	})

	t.Run("pcsc/cancel a blocked GetStatusChange", func(t *testing.T) {
		states := []scard.ReaderState{{Reader: s.Reader, CurrentState: scard.StateEmpty}}
		done := make(chan error, 1)
		go func() { done <- c.GetStatusChange(states, scard.Infinite) }()
		time.Sleep(100 * time.Millisecond)
		require.NoError(t, c.Cancel())
		select {
		case err := <-done:
			assert.ErrorIs(t, err, pcsc.ErrCancelled)
		case <-time.After(pcsctest.Timeout):
			t.Fatal("Cancel did not end GetStatusChange")
		}
	})

	t.Run("pcsc/WaitForCard ends with ctx and leaves no goroutine", func(t *testing.T) {
		before := runtime.NumGoroutine()
		for _, d := range []time.Duration{0, 30 * time.Millisecond, 300 * time.Millisecond, 1200 * time.Millisecond} {
			ctx, cancel := context.WithTimeout(context.Background(), d)
			err := pcsc.WaitForCard(ctx, s.Reader)
			cancel()
			assert.ErrorIs(t, err, context.DeadlineExceeded, d.String())
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- c.WaitForCard(ctx, s.Reader) }()
		time.Sleep(100 * time.Millisecond)
		cancel()
		assert.ErrorIs(t, <-done, context.Canceled)
		assertGoroutines(t, before)
	})

	t.Run("pcsc/unknown reader", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), pcsctest.Timeout)
		defer cancel()
		err := pcsc.WaitForCard(ctx, "no such reader")
		assert.ErrorIs(t, err, pcsc.ErrUnknownReader)
	})
}

// assertGoroutines waits for the goroutine count to return to n: goroutines
// that merely finish late pass, abandoned ones fail.
func assertGoroutines(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := runtime.NumGoroutine(); got > n {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines left behind:\n%s", got-n, buf[:runtime.Stack(buf, true)])
	}
}

// BenchmarkRealStackTransmit measures one SELECT through pcscd and the vpcd
// driver against the same card called in-process (the baseline), and reports
// the ratio.
func BenchmarkRealStackTransmit(b *testing.B) {
	card := &stackCard{atr: atrT1}
	r := pcsctest.Connect(b, card)
	ctx := context.Background()
	start := time.Now()
	const baselineN = 10000
	for range baselineN {
		if _, err := card.Transmit(ctx, sel); err != nil {
			b.Fatal(err)
		}
	}
	baseline := time.Since(start) / baselineN
	b.ResetTimer()
	for b.Loop() {
		if _, err := r.Transmit(ctx, sel); err != nil {
			b.Fatal(err)
		}
	}
	perOp := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(perOp)/float64(max(baseline, 1)), "x-vs-in-process")
}
