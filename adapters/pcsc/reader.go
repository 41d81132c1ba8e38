package pcsc

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/bjedu/studentcard/adapters/pcsc/internal/scard"
	"github.com/bjedu/studentcard/apdu"
)

// cardConn is what a Reader needs of a card connection; *scard.Card implements it
// (and tests fake it).
type cardConn interface {
	Transmit(cmd []byte) ([]byte, error)
	BeginTransaction() error
	EndTransaction(d scard.Disposition) error
	Status() (*scard.CardStatus, error)
	Reconnect(mode scard.ShareMode, protocols scard.Protocol, init scard.Disposition) error
	Disconnect(d scard.Disposition) error
}

// Options tune [OpenWith]. The zero value is shared access with T=0 or T=1.
type Options struct {
	Share     scard.ShareMode // default ShareShared
	Protocols scard.Protocol  // default ProtocolAny
}

// Reader is the card in one PC/SC reader as an [apdu.Transport]: the SDK's
// card sessions, the PSAM driver and cardctl all talk through it. Transmit and
// Session are safe for concurrent use; they take turns, and one Session holds
// the reader (and a PC/SC transaction, locking other applications out) from
// its first APDU to its last.
type Reader struct {
	name    string
	opts    Options
	pctx    *scard.Context // nil for readers built over a fake connection; replaced by Reconnect under turn
	connect func() (cardConn, error)
	card    atomic.Pointer[cardHolder]
	turn    chan struct{} // capacity 1: holds the right to talk to the card
	closed  atomic.Bool
}

type cardHolder struct{ c cardConn }

var _ apdu.Transport = (*Reader)(nil)

// Open connects to the card in the named reader with shared access. The card
// must be present; see [WaitForCard]. Close the reader when done.
func Open(ctx context.Context, name string) (*Reader, error) {
	return OpenWith(ctx, name, Options{})
}

// OpenWith is [Open] with options.
func OpenWith(ctx context.Context, name string, opts Options) (*Reader, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if opts.Share == 0 {
		opts.Share = ShareShared
	}
	if opts.Protocols == 0 {
		opts.Protocols = ProtocolAny
	}
	pctx, err := scard.EstablishContext()
	if err != nil {
		return nil, err
	}
	var r *Reader
	connect := func() (cardConn, error) {
		c := pctx
		if r != nil {
			c = r.pctx
		}
		return c.Connect(name, opts.Share, opts.Protocols)
	}
	r, err = newReader(name, opts, connect)
	if err != nil {
		_ = pctx.Release()
		return nil, err
	}
	r.pctx = pctx
	return r, nil
}

func newReader(name string, opts Options, connect func() (cardConn, error)) (*Reader, error) {
	c, err := connect()
	if err != nil {
		return nil, err
	}
	r := &Reader{name: name, opts: opts, connect: connect, turn: make(chan struct{}, 1)}
	r.card.Store(&cardHolder{c})
	return r, nil
}

// Name returns the reader's PC/SC name.
func (r *Reader) Name() string { return r.name }

// acquire waits for the turn to talk to the card, or for ctx.
func (r *Reader) acquire(ctx context.Context) error {
	if r.closed.Load() {
		return ErrReleased
	}
	select {
	case r.turn <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	if r.closed.Load() {
		<-r.turn
		return ErrReleased
	}
	return nil
}

func (r *Reader) release() { <-r.turn }

func (r *Reader) conn() cardConn { return r.card.Load().c }

// Transmit sends one command APDU and returns the response APDU. ctx is
// checked before the command is sent; once sent, PC/SC cannot interrupt an
// APDU, so the call returns when the card answers or the reader gives up.
// scard.Card removed or reset are [*Error]s matching [ErrRemovedCard] and
// [ErrResetCard].
func (r *Reader) Transmit(ctx context.Context, cmd []byte) ([]byte, error) {
	if err := r.acquire(ctx); err != nil {
		return nil, err
	}
	defer r.release()
	return r.transmit(ctx, cmd)
}

func (r *Reader) transmit(ctx context.Context, cmd []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c := r.conn()
	rsp, err := c.Transmit(cmd)
	if err != nil {
		return nil, err
	}
	if len(rsp) < 2 {
		// No status word: the card went away mid-APDU (vpcd reports a torn
		// card so) or the driver misbehaved. Ask the connection which.
		_, cause := c.Status()
		return nil, &ShortResponseError{Reader: r.name, Len: len(rsp), Cause: cause}
	}
	return rsp, nil
}

// Session runs fn holding the reader and one PC/SC transaction for the whole
// card session (select, authentication, reads and writes), so no other
// application's APDU can come between. fn must use the Transport it is given
// (calling r.Transmit from fn would wait for the session to end). The
// transaction ends when fn returns, leaving the card as it is; an error from
// ending it is joined to fn's. ctx is honoured while waiting for the reader
// and before every APDU; SCardBeginTransaction itself waits, uncancellably,
// while another application holds a transaction on the card.
func (r *Reader) Session(ctx context.Context, fn func(t apdu.Transport) error) (err error) {
	if err := r.acquire(ctx); err != nil {
		return err
	}
	defer r.release()
	if err := ctx.Err(); err != nil {
		return err
	}
	c := r.conn()
	if err := c.BeginTransaction(); err != nil {
		return err
	}
	t := &sessionTransport{r: r}
	defer func() {
		t.ended.Store(true)
		if endErr := c.EndTransaction(scard.LeaveCard); endErr != nil {
			err = errors.Join(err, endErr)
		}
	}()
	return fn(t)
}

// sessionTransport is the Transport of one Session.
type sessionTransport struct {
	r     *Reader
	ended atomic.Bool
}

func (t *sessionTransport) Transmit(ctx context.Context, cmd []byte) ([]byte, error) {
	if t.ended.Load() {
		return nil, ErrSessionEnded
	}
	return t.r.transmit(ctx, cmd)
}

// Status reports the card's ATR, protocol and state.
func (r *Reader) Status(ctx context.Context) (*scard.CardStatus, error) {
	if err := r.acquire(ctx); err != nil {
		return nil, err
	}
	defer r.release()
	return r.conn().Status()
}

// Reconnect re-establishes the connection after the card was reset
// ([ErrResetCard]), removed and inserted again ([ErrRemovedCard]) or lost
// mid-APDU ([ErrShortResponse], [ErrNotTransacted]): first by SCardReconnect,
// and if the old handle is beyond repair, by a new connection. After pcscd
// stopped or restarted ([ErrServiceLost]: the old context is void) it
// establishes a new PC/SC context first; while pcscd is still down that
// fails with an [*Error] matching [ErrNoService] and [ErrServiceLost], and
// Reconnect can be called again later. The card is
// left as the reader powered it: a card inserted again starts from its answer
// to reset, so start a new session (select, authenticate). Reconnect does not
// reset the card itself: resetting a card that is gone but not yet noticed by
// pcscd leaves the vpcd reader unusable (pcsc-lite 1.9.9).
func (r *Reader) Reconnect(ctx context.Context) error {
	if err := r.acquire(ctx); err != nil {
		return err
	}
	defer r.release()
	old := r.conn()
	err := old.Reconnect(r.opts.Share, r.opts.Protocols, scard.LeaveCard)
	if err == nil {
		return nil
	}
	lost := errors.Is(err, ErrServiceLost)
	if !lost && !errors.Is(err, ErrRemovedCard) && !errors.Is(err, ErrResetCard) {
		return err
	}
	c, err := r.connect()
	if errors.Is(err, ErrServiceLost) && r.pctx != nil {
		lost = true
	}
	if err != nil && lost && r.pctx != nil {
		// The service restarted: a new context, then a new connection.
		fresh, ferr := scard.EstablishContext()
		if ferr != nil {
			return ferr
		}
		stale := r.pctx
		r.pctx = fresh
		_ = stale.Release()
		c, err = r.connect()
	}
	if err != nil {
		return err
	}
	_ = old.Disconnect(scard.LeaveCard)
	r.card.Store(&cardHolder{c})
	return nil
}

// Close disconnects from the card (leaving it powered, as it is) and releases
// the PC/SC context. Later calls on the reader return [ErrReleased]. Close
// waits for a running Transmit or Session to finish.
func (r *Reader) Close() error {
	if r.closed.Swap(true) {
		return ErrReleased
	}
	r.turn <- struct{}{}
	defer r.release()
	err := r.conn().Disconnect(scard.LeaveCard)
	if r.pctx != nil {
		err = errors.Join(err, r.pctx.Release())
	}
	return err
}

// ListReaders names the readers pcscd knows, for a program to pick the one
// it opens: an empty list, not an error, when none is attached.
func ListReaders(ctx context.Context) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c, err := scard.EstablishContext()
	if err != nil {
		return nil, err
	}
	defer c.Release()
	return c.ListReaders()
}

// WaitForCard blocks until a responsive card is in the named reader, or ctx
// ends (then it returns ctx's error). It waits in GetStatusChange calls of at
// most one second and cancels the one in progress as soon as ctx is done, so
// no goroutine outlives the call.
//
// It waits through a pcscd restart: when the service goes away during the
// wait ([ErrServiceLost]: pcscd stopped or restarted, or the reader
// unlisted while it restarts) it establishes a new context every
// [ServiceRetry] until the service and the card are back or ctx ends; then
// the error is ctx's joined with the last service error. A service that is
// not running when the call starts ([ErrNoService]) and a reader unknown
// to a running pcscd are errors at once.
func WaitForCard(ctx context.Context, reader string) error {
	var last error
	for {
		c, err := scard.EstablishContext()
		if err != nil && last == nil {
			return err
		}
		if err == nil {
			err = c.WaitForCard(ctx, reader)
			_ = c.Release()
			if errors.Is(err, ErrUnknownReader) && last == nil {
				return err
			}
		}
		if err == nil || !errors.Is(err, ErrServiceLost) {
			return err
		}
		last = err
		t := time.NewTimer(ServiceRetry)
		select {
		case <-ctx.Done():
			t.Stop()
			return errors.Join(ctx.Err(), last)
		case <-t.C:
		}
	}
}

// ServiceRetry is how often [WaitForCard] tries to reach a PC/SC service
// that went away.
const ServiceRetry = 250 * time.Millisecond
