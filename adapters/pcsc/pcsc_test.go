package pcsc_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/pcsc"
	"github.com/bjedu/studentcard/apdu"
	"github.com/bjedu/studentcard/l10n"
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
			assert.True(t, hasHan(zh), zh)
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
	assert.True(t, hasHan(l10n.Error(pcsc.ErrServiceLost, l10n.Chinese)))
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
		assert.True(t, hasHan(zh), zh)
		assert.NotContains(t, zh, "%!")
		assert.NotContains(t, e.Error(), "%!")
	}
}

func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r >= 0x4E00 && r <= 0x9FFF }) >= 0
}

func TestSplitMultiString(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want []string
	}{
		{"pcsc/two readers", "Virtual PCD 00 00\x00Virtual PCD 00 01\x00\x00", []string{"Virtual PCD 00 00", "Virtual PCD 00 01"}},
		{"pcsc/empty list", "\x00", []string{}},
		{"pcsc/nothing", "", []string{}},
		{"pcsc/no terminator", "A\x00B", []string{"A", "B"}},
		{"pcsc/junk after terminator", "A\x00\x00B\x00", []string{"A"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, pcsc.SplitMultiString([]byte(tc.in)))
		})
	}
}

func FuzzSplitMultiString(f *testing.F) {
	f.Add([]byte("Virtual PCD 00 00\x00Virtual PCD 00 01\x00\x00"))
	f.Add([]byte{})
	f.Add([]byte{0})
	f.Add([]byte("A\x00\x00B"))
	f.Fuzz(func(t *testing.T, in []byte) {
		names := pcsc.SplitMultiString(in)
		var joined []byte
		for _, n := range names {
			require.NotEmpty(t, n)
			require.NotContains(t, n, "\x00")
			joined = append(append(joined, n...), 0)
		}
		// Round trip: the names, NUL-separated, are a prefix of the input
		// (up to a missing final NUL).
		if len(joined) > 0 && !bytes.HasPrefix(in, joined) {
			require.True(t, bytes.Equal(append(append([]byte(nil), in...), 0), joined), "%q vs %q", in, joined)
		}
	})
}

func TestReceiveBufferSize(t *testing.T) {
	for _, tc := range []struct {
		name string
		cmd  []byte
		want int
	}{
		{"pcsc/case 1", []byte{0, 0xA4, 0, 0}, 258},
		{"pcsc/case 2 short", []byte{0, 0xB0, 0, 0, 0}, 258},
		{"pcsc/case 3 short", []byte{0, 0xA4, 4, 0, 2, 0x3F, 0}, 258},
		{"pcsc/case 2 extended", []byte{0, 0xB0, 0, 0, 0, 0x10, 0}, 65538},
		{"pcsc/case 4 extended", append(append([]byte{0, 0xEE, 0, 0, 0, 1, 0}, make([]byte, 256)...), 0, 0), 65538},
		{"pcsc/too long to be short", make([]byte, 300), 65538},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, pcsc.ReceiveBufferSize(tc.cmd))
		})
	}
}

func TestTimeoutMillis(t *testing.T) {
	assert.Equal(t, uint32(0xFFFFFFFF), pcsc.TimeoutMillis(pcsc.Infinite))
	assert.Equal(t, uint32(1500), pcsc.TimeoutMillis(1500*time.Millisecond))
	assert.Equal(t, uint32(0), pcsc.TimeoutMillis(0))
	assert.Equal(t, uint32(0xFFFFFFFE), pcsc.TimeoutMillis(time.Duration(1<<62)), "finite stays finite")
}

func TestCardRefusesBeforeReachingPCSC(t *testing.T) {
	for _, tc := range []struct {
		name  string
		proto pcsc.Protocol
		cmd   []byte
		want  error
	}{
		{"pcsc/empty command", pcsc.ProtocolT1, nil, pcsc.ErrCommandLength},
		{"pcsc/3-byte command", pcsc.ProtocolT0, []byte{0, 0xA4, 0}, pcsc.ErrCommandLength},
		{"pcsc/longer than extended", pcsc.ProtocolT1, make([]byte, pcsc.MaxCommand+1), pcsc.ErrCommandLength},
		{"pcsc/undefined protocol", pcsc.ProtocolUndefined, []byte{0, 0xA4, 0, 0}, pcsc.ErrProtocol},
		{"pcsc/raw protocol", 0x10000, []byte{0, 0xA4, 0, 0}, pcsc.ErrProtocol},
		{"pcsc/both bits", pcsc.ProtocolAny, []byte{0, 0xA4, 0, 0}, pcsc.ErrProtocol},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := pcsc.NewCardWithProtocol("R", tc.proto)
			_, err := k.Transmit(tc.cmd)
			assert.ErrorIs(t, err, tc.want)
		})
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
func (f *fakeConn) BeginTransaction() error               { return f.call("begin") }
func (f *fakeConn) EndTransaction(pcsc.Disposition) error { return f.call("end") }
func (f *fakeConn) Status() (*pcsc.CardStatus, error)     { return &pcsc.CardStatus{}, f.call("status") }
func (f *fakeConn) Disconnect(pcsc.Disposition) error     { return f.call("disconnect") }
func (f *fakeConn) Reconnect(pcsc.ShareMode, pcsc.Protocol, pcsc.Disposition) error {
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
			assert.True(t, hasHan(zh), zh)
			assert.NotContains(t, zh, "%!")
		})
	}
}

// FuzzCardTransmit: any protocol and any command length is refused with a
// typed error or reaches PC/SC (which rejects the never-connected handle);
// nothing panics.
func FuzzCardTransmit(f *testing.F) {
	f.Add(uint32(1), []byte{0, 0xA4, 0, 0})
	f.Add(uint32(2), []byte{0, 0xB0, 0, 0, 0, 0x10, 0})
	f.Add(uint32(0), []byte{})
	f.Add(uint32(0x10000), []byte{0, 0xA4})
	f.Add(uint32(3), bytes.Repeat([]byte{0xFF}, 300))
	f.Fuzz(func(t *testing.T, proto uint32, cmd []byte) {
		k := pcsc.NewCardWithProtocol("Fuzz 00 00", pcsc.Protocol(proto))
		rsp, err := k.Transmit(cmd)
		require.Error(t, err, "the card was never connected")
		assert.Nil(t, rsp)
		var pe *pcsc.Error
		var le *pcsc.CommandLengthError
		var pre *pcsc.ProtocolError
		assert.True(t, errors.As(err, &pe) || errors.As(err, &le) || errors.As(err, &pre) || errors.Is(err, pcsc.ErrUnsupported), "typed: %v", err)
	})
}

func TestListReadersOutcomes(t *testing.T) {
	for _, tc := range []struct {
		name    string
		results []uint32 // return codes of successive fetches
		want    []string
		wantErr error
	}{
		{"pcsc/no readers is an empty list", []uint32{uint32(pcsc.CodeNoReadersAvailable)}, []string{}, nil},
		{"pcsc/readers", []uint32{0}, []string{"Virtual PCD 00 00"}, nil},
		{"pcsc/reader appeared meanwhile: retried", []uint32{uint32(pcsc.CodeInsufficientBuffer), 0}, []string{"Virtual PCD 00 00"}, nil},
		{"pcsc/keeps changing: error", []uint32{0x80100008, 0x80100008, 0x80100008, 0x80100008}, nil, pcsc.ErrInsufficientBuffer},
		{"pcsc/no service", []uint32{uint32(pcsc.CodeNoService)}, nil, pcsc.ErrNoService},
	} {
		t.Run(tc.name, func(t *testing.T) {
			i := 0
			got, err := pcsc.ListReadersWith(func() ([]string, uint32) {
				rv := tc.results[i]
				i++
				if rv == 0 {
					return []string{"Virtual PCD 00 00"}, 0
				}
				return nil, rv
			})
			assert.Equal(t, len(tc.results), i, "fetches")
			if tc.wantErr != nil {
				assert.ErrorIs(t, err, tc.wantErr)
				assert.Nil(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			assert.NotNil(t, got)
		})
	}
}
