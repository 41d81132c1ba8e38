package pcsc_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/pcsc"
	"github.com/bjedu/studentcard/adapters/pcsc/internal/scard"
	"github.com/bjedu/studentcard/apdu"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/l10n/l10ntest"
)

func TestErrorUnwrapsToSentinel(t *testing.T) {
	for _, tc := range []struct {
		code pcsc.Code
		want error
		name string
	}{
		{pcsc.CodeRemovedCard, pcsc.ErrRemovedCard, "SCARD_W_REMOVED_CARD"},
		{pcsc.CodeResetCard, pcsc.ErrResetCard, "SCARD_W_RESET_CARD"},
		{pcsc.CodeNoSmartcard, pcsc.ErrNoSmartcard, "SCARD_E_NO_SMARTCARD"},
		{pcsc.CodeTimeout, pcsc.ErrTimeout, "SCARD_E_TIMEOUT"},
		{pcsc.CodeCancelled, pcsc.ErrCancelled, "SCARD_E_CANCELLED"},
		{pcsc.CodeSystemCancelled, pcsc.ErrCancelled, "SCARD_E_CANCELLED"},
		{pcsc.CodeUnknownReader, pcsc.ErrUnknownReader, "SCARD_E_UNKNOWN_READER"},
		{pcsc.CodeSharingViolation, pcsc.ErrSharingViolation, "SCARD_E_SHARING_VIOLATION"},
		{pcsc.CodeNoService, pcsc.ErrNoService, "SCARD_E_NO_SERVICE"},
		{pcsc.CodeServiceStopped, pcsc.ErrServiceStopped, "SCARD_E_SERVICE_STOPPED"},
		{pcsc.CodeNoReadersAvailable, pcsc.ErrNoReaders, "SCARD_E_NO_READERS_AVAILABLE"},
		{pcsc.CodeInvalidHandle, pcsc.ErrInvalidHandle, "SCARD_E_INVALID_HANDLE"},
		{pcsc.CodeInsufficientBuffer, pcsc.ErrInsufficientBuffer, "SCARD_E_INSUFFICIENT_BUFFER"},
		{pcsc.CodeUnresponsiveCard, pcsc.ErrUnresponsiveCard, "SCARD_W_UNRESPONSIVE_CARD"},
		{pcsc.CodeUnpoweredCard, pcsc.ErrUnpoweredCard, "SCARD_W_UNPOWERED_CARD"},
		{pcsc.CodeUnsupportedCard, pcsc.ErrUnsupportedCard, "SCARD_W_UNSUPPORTED_CARD"},
		{pcsc.CodeProtoMismatch, pcsc.ErrProtoMismatch, "SCARD_E_PROTO_MISMATCH"},
		{pcsc.CodeNotTransacted, pcsc.ErrNotTransacted, "SCARD_E_NOT_TRANSACTED"},
		{pcsc.CodeReaderUnavailable, pcsc.ErrReaderUnavailable, "SCARD_E_READER_UNAVAILABLE"},
		{pcsc.CodeCommError, pcsc.ErrCommError, "SCARD_F_COMM_ERROR"},
		{pcsc.CodeInternalError, pcsc.ErrInternal, "SCARD_F_INTERNAL_ERROR"},
		{pcsc.CodeInvalidParameter, pcsc.ErrInvalidParameter, "SCARD_E_INVALID_PARAMETER"},
		{pcsc.CodeInvalidValue, pcsc.ErrInvalidParameter, "SCARD_E_INVALID_PARAMETER"},
		{pcsc.CodeNoMemory, pcsc.ErrNoMemory, "SCARD_E_NO_MEMORY"},
		{pcsc.CodeNotReady, pcsc.ErrNotReady, "SCARD_E_NOT_READY"},
		{pcsc.CodeUnsupportedFeature, pcsc.ErrUnsupportedFeature, "SCARD_E_UNSUPPORTED_FEATURE"},
		{pcsc.CodeSecurityViolation, pcsc.ErrSecurityViolation, "SCARD_W_SECURITY_VIOLATION"},
	} {
		t.Run("pcsc/"+tc.name, func(t *testing.T) {
			err := error(&pcsc.Error{Op: "SCardTransmit", Reader: "Virtual PCD 00 00", Code: tc.code})
			assert.ErrorIs(t, err, tc.want)
			for _, other := range []error{pcsc.ErrRemovedCard, pcsc.ErrResetCard, pcsc.ErrTimeout} {
				if other != tc.want {
					assert.NotErrorIs(t, err, other)
				}
			}
			assert.Contains(t, err.Error(), tc.name)
			assert.Contains(t, err.Error(), `"Virtual PCD 00 00"`)
			assert.Contains(t, err.Error(), "SCardTransmit")
			zh := l10n.Error(err, l10n.Chinese)
			assert.NotEqual(t, err.Error(), zh)
			assert.True(t, l10ntest.HasHan(zh), zh)
			assert.NotContains(t, zh, "%!")
		})
	}
}

// A stopped or restarted pcscd and a vanished reader are one retryable
// class: ErrServiceLost, on top of the code's own sentinel.
func TestServiceLostIsTypedAndRetryable(t *testing.T) {
	for code, lost := range map[pcsc.Code]bool{
		pcsc.CodeNoService: true, pcsc.CodeServiceStopped: true, pcsc.CodeInvalidHandle: true, pcsc.CodeCommError: true,
		pcsc.CodeUnknownReader: true, pcsc.CodeReaderUnavailable: true,
		pcsc.CodeRemovedCard: false, pcsc.CodeTimeout: false, pcsc.CodeSharingViolation: false, pcsc.CodeNotTransacted: false,
	} {
		err := error(&pcsc.Error{Op: "SCardTransmit", Code: code})
		assert.Equal(t, lost, errors.Is(err, pcsc.ErrServiceLost), "%v", err)
	}
	assert.True(t, l10ntest.HasHan(l10n.Error(pcsc.ErrServiceLost, l10n.Chinese)))
}

func TestErrorTexts(t *testing.T) {
	err := &pcsc.Error{Op: "SCardListReaders", Code: 0x80100099}
	assert.Equal(t, "pcsc: SCardListReaders: PC/SC error (unknown code, 0x80100099)", err.Error())
	assert.NotErrorIs(t, err, pcsc.ErrRemovedCard)
	removed := &pcsc.Error{Op: "SCardTransmit", Reader: "R", Code: pcsc.CodeRemovedCard}
	assert.Equal(t, `pcsc: SCardTransmit on reader "R": card was removed (SCARD_W_REMOVED_CARD, 0x80100069)`, removed.Error())
	assert.Equal(t, "pcsc: 读卡器“R”执行SCardTransmit失败：卡已被移除（SCARD_W_REMOVED_CARD，0x80100069）", l10n.Error(removed, l10n.Chinese))

	for _, e := range []error{
		pcsc.ErrUnsupported, pcsc.ErrNoLibrary, pcsc.ErrReleased, pcsc.ErrCommandLength, pcsc.ErrProtocol, pcsc.ErrSessionEnded,
		&pcsc.CommandLengthError{Len: 3, Max: pcsc.MaxCommand},
		&pcsc.ProtocolError{Reader: "R", Protocol: 0x10000},
	} {
		zh := l10n.Error(e, l10n.Chinese)
		assert.True(t, l10ntest.HasHan(zh), zh)
		assert.NotContains(t, zh, "%!")
		assert.NotContains(t, e.Error(), "%!")
	}
}

// fakeConn records calls; failOn makes one operation fail.
type fakeConn struct {
	mu       sync.Mutex
	calls    []string
	transmit func(cmd []byte) ([]byte, error)
	failOn   map[string]error
}

func (f *fakeConn) call(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, name)
	return f.failOn[name]
}

func (f *fakeConn) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *fakeConn) Transmit(cmd []byte) ([]byte, error) {
	if err := f.call("transmit"); err != nil {
		return nil, err
	}
	if f.transmit != nil {
		return f.transmit(cmd)
	}
	return []byte{0x90, 0x00}, nil
}
func (f *fakeConn) BeginTransaction() error                { return f.call("begin") }
func (f *fakeConn) EndTransaction(scard.Disposition) error { return f.call("end") }
func (f *fakeConn) Status() (*pcsc.CardStatus, error)      { return &pcsc.CardStatus{}, f.call("status") }
func (f *fakeConn) Disconnect(scard.Disposition) error     { return f.call("disconnect") }
func (f *fakeConn) Reconnect(pcsc.ShareMode, pcsc.Protocol, scard.Disposition) error {
	return f.call("reconnect")
}

func newFakeReader(t *testing.T, conns ...*fakeConn) *pcsc.Reader {
	t.Helper()
	i := 0
	r, err := pcsc.NewReaderOver("Fake 00 00", func() (pcsc.CardConn, error) {
		if i >= len(conns) {
			return nil, &pcsc.Error{Op: "SCardConnect", Reader: "Fake 00 00", Code: pcsc.CodeNoSmartcard}
		}
		i++
		return conns[i-1], nil
	})
	require.NoError(t, err)
	return r
}

func TestReaderSession(t *testing.T) {
	removed := &pcsc.Error{Op: "SCardTransmit", Reader: "Fake 00 00", Code: pcsc.CodeRemovedCard}
	for _, tc := range []struct {
		name    string
		failOn  map[string]error
		fn      func(ctx context.Context, tr apdu.Transport) error
		calls   []string
		wantErr []error
	}{
		{
			name: "pcsc/one transaction around the session",
			fn: func(ctx context.Context, tr apdu.Transport) error {
				_, err := tr.Transmit(ctx, []byte{0, 0xA4, 0, 0})
				if err == nil {
					_, err = tr.Transmit(ctx, []byte{0, 0xB0, 0, 0, 0})
				}
				return err
			},
			calls: []string{"begin", "transmit", "transmit", "end"},
		},
		{
			name:    "pcsc/begin fails: fn not run",
			failOn:  map[string]error{"begin": removed},
			fn:      func(context.Context, apdu.Transport) error { panic("not reached") },
			calls:   []string{"begin"},
			wantErr: []error{pcsc.ErrRemovedCard},
		},
		{
			name:   "pcsc/card removed mid-session: both errors",
			failOn: map[string]error{"transmit": removed, "end": removed},
			fn: func(ctx context.Context, tr apdu.Transport) error {
				_, err := tr.Transmit(ctx, []byte{0, 0xA4, 0, 0})
				return err
			},
			calls:   []string{"begin", "transmit", "end"},
			wantErr: []error{pcsc.ErrRemovedCard},
		},
		{
			name:    "pcsc/fn error is kept, transaction still ended",
			fn:      func(context.Context, apdu.Transport) error { return errBoom },
			calls:   []string{"begin", "end"},
			wantErr: []error{errBoom},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fc := &fakeConn{failOn: tc.failOn}
			r := newFakeReader(t, fc)
			ctx := context.Background()
			err := r.Session(ctx, func(tr apdu.Transport) error { return tc.fn(ctx, tr) })
			if tc.wantErr == nil {
				require.NoError(t, err)
			}
			for _, want := range tc.wantErr {
				assert.ErrorIs(t, err, want)
			}
			assert.Equal(t, tc.calls, fc.Calls())
		})
	}
}

var errBoom = errors.New("boom")

func TestReaderHonoursContext(t *testing.T) {
	fc := &fakeConn{}
	r := newFakeReader(t, fc)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := r.Transmit(ctx, []byte{0, 0xA4, 0, 0})
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, r.Session(ctx, func(apdu.Transport) error { return nil }), context.Canceled)
	assert.Empty(t, fc.Calls(), "nothing reached the card")

	t.Run("pcsc/Transmit waits for a running session, or for its ctx", func(t *testing.T) {
		inSession := make(chan struct{})
		release := make(chan struct{})
		done := make(chan error, 1)
		go func() {
			done <- r.Session(context.Background(), func(apdu.Transport) error {
				close(inSession)
				<-release
				return nil
			})
		}()
		<-inSession
		tctx, tcancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer tcancel()
		_, err := r.Transmit(tctx, []byte{0, 0xA4, 0, 0})
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		close(release)
		require.NoError(t, <-done)
		_, err = r.Transmit(context.Background(), []byte{0, 0xA4, 0, 0})
		assert.NoError(t, err)
		assert.Equal(t, []string{"begin", "end", "transmit"}, fc.Calls())
	})
}

func TestReaderReconnect(t *testing.T) {
	removed := &pcsc.Error{Op: "SCardReconnect", Reader: "Fake 00 00", Code: pcsc.CodeRemovedCard}
	first := &fakeConn{failOn: map[string]error{"reconnect": removed}}
	second := &fakeConn{}
	r := newFakeReader(t, first, second)
	ctx := context.Background()
	require.NoError(t, r.Reconnect(ctx), "the removed handle is replaced by a new connection")
	_, err := r.Transmit(ctx, []byte{0, 0xA4, 0, 0})
	require.NoError(t, err)
	assert.Equal(t, []string{"reconnect", "disconnect"}, first.Calls())
	assert.Equal(t, []string{"transmit"}, second.Calls())

	require.NoError(t, r.Reconnect(ctx), "a plain SCardReconnect")
	assert.Equal(t, []string{"transmit", "reconnect"}, second.Calls())
}

func TestReaderClose(t *testing.T) {
	fc := &fakeConn{}
	r := newFakeReader(t, fc)
	require.NoError(t, r.Close())
	assert.ErrorIs(t, r.Close(), pcsc.ErrReleased)
	_, err := r.Transmit(context.Background(), []byte{0, 0xA4, 0, 0})
	assert.ErrorIs(t, err, pcsc.ErrReleased)
	assert.ErrorIs(t, r.Session(context.Background(), func(apdu.Transport) error { return nil }), pcsc.ErrReleased)
	assert.Equal(t, []string{"disconnect"}, fc.Calls())
}

func TestReaderShortResponse(t *testing.T) {
	removed := &pcsc.Error{Op: "SCardStatus", Reader: "Fake 00 00", Code: pcsc.CodeRemovedCard}
	for _, tc := range []struct {
		name   string
		rsp    []byte
		status error
		want   []error
	}{
		{"pcsc/empty answer, card gone", []byte{}, removed, []error{pcsc.ErrShortResponse, pcsc.ErrRemovedCard}},
		{"pcsc/one byte, card still there", []byte{0x90}, nil, []error{pcsc.ErrShortResponse}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fc := &fakeConn{transmit: func([]byte) ([]byte, error) { return tc.rsp, nil }, failOn: map[string]error{"status": tc.status}}
			r := newFakeReader(t, fc)
			_, err := r.Transmit(context.Background(), []byte{0, 0xA4, 0, 0})
			for _, want := range tc.want {
				assert.ErrorIs(t, err, want)
			}
			if tc.status == nil {
				assert.NotErrorIs(t, err, pcsc.ErrRemovedCard)
			}
			var se *pcsc.ShortResponseError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, len(tc.rsp), se.Len)
			zh := l10n.Error(err, l10n.Chinese)
			assert.True(t, l10ntest.HasHan(zh), zh)
			assert.NotContains(t, zh, "%!")
		})
	}
}
