package pcsctest_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/pcsc"
	"github.com/bjedu/studentcard/adapters/pcsc/pcsctest"
	"github.com/bjedu/studentcard/apdu"
	"github.com/bjedu/studentcard/card"
)

// The faults nobody had tried: pcscd restarted under a live card session,
// and the reader's card side going away mid-session (the vpcd side stopped)
// and coming back. The SDK reports each as a typed error and recovers in
// the same process: WaitForCard resumes, Reconnect re-establishes the PC/SC
// context, and a new card session authenticates.
func TestFaultPCSCDRestartAndReaderRemoval(t *testing.T) {
	chip, terminalSAM := keyedCard(t)
	s := pcsctest.Require(t)
	remove := s.Insert(t, chip)
	ctx := context.Background()
	r, err := pcsc.Open(ctx, s.Reader)
	require.NoError(t, err)
	t.Cleanup(func() { _ = r.Close() })
	authenticate := func() error {
		return r.Session(ctx, func(tr apdu.Transport) error { _, err := card.Open(ctx, tr, terminalSAM); return err })
	}
	require.NoError(t, authenticate())
	challenge := apdu.GetChallenge(8)
	raw, err := challenge.MarshalBinary()
	require.NoError(t, err)
	waitCard := func() {
		t.Helper()
		wctx, cancel := context.WithTimeout(ctx, pcsctest.Timeout)
		defer cancel()
		require.NoError(t, pcsc.WaitForCard(wctx, s.Reader), "WaitForCard resumes")
	}

	t.Run("pcscd restarted mid-session", func(t *testing.T) {
		err := r.Session(ctx, func(tr apdu.Transport) error {
			if _, err := card.Open(ctx, tr, terminalSAM); err != nil {
				return err
			}
			pcsctest.Restart(t)
			_, err := tr.Transmit(ctx, raw)
			return err
		})
		require.Error(t, err)
		t.Logf("after the restart: %v", err)
		assert.ErrorIs(t, err, pcsc.ErrServiceLost, "typed and retryable: %v", err)
		var pe *pcsc.Error
		assert.ErrorAs(t, err, &pe)

		waitCard()
		require.NoError(t, r.Reconnect(ctx), "Reconnect establishes a new context on the new pcscd")
		require.NoError(t, authenticate(), "a new session on the same Reader, same process")
	})

	t.Run("reader's card side removed mid-session and back", func(t *testing.T) {
		err := r.Session(ctx, func(tr apdu.Transport) error {
			if _, err := card.Open(ctx, tr, terminalSAM); err != nil {
				return err
			}
			remove() // the vpcd side stops: pcscd sees the card gone
			_, err := tr.Transmit(ctx, raw)
			return err
		})
		require.Error(t, err)
		assert.True(t, pcsctest.Lost(err), "typed: %v", err)

		done := make(chan error, 1)
		wctx, cancel := context.WithTimeout(ctx, pcsctest.Timeout)
		defer cancel()
		go func() { done <- pcsc.WaitForCard(wctx, s.Reader) }()
		s.Insert(t, chip)
		require.NoError(t, <-done, "WaitForCard returns when the card is back")
		pcsctest.Recover(t, r, authenticate)
	})

	t.Run("pcscd restarted while waiting for the card", func(t *testing.T) {
		remove := s.Insert(t, chip)
		remove()
		done := make(chan error, 1)
		wctx, cancel := context.WithTimeout(ctx, pcsctest.Timeout)
		defer cancel()
		go func() { done <- pcsc.WaitForCard(wctx, s.Reader) }()
		time.Sleep(300 * time.Millisecond) // WaitForCard is blocked in GetStatusChange on the old pcscd
		pcsctest.Restart(t)
		s.Insert(t, chip)
		require.NoError(t, <-done, "WaitForCard waits through the restart")
		pcsctest.Recover(t, r, authenticate)
	})
}
