package scard

import (
	"sync/atomic"
	"time"
)

// Scope is the scope of a PC/SC context (SCARD_SCOPE_*).
type Scope uint32

// Scopes. pcsc-lite ignores the scope; Windows distinguishes them.
const (
	ScopeUser   Scope = 0 // SCARD_SCOPE_USER
	ScopeSystem Scope = 2 // SCARD_SCOPE_SYSTEM
)

// ShareMode says whether other applications may use the card while this
// connection is open (SCARD_SHARE_*).
type ShareMode uint32

// Share modes.
const (
	ShareExclusive ShareMode = 1 // SCARD_SHARE_EXCLUSIVE: nobody else
	ShareShared    ShareMode = 2 // SCARD_SHARE_SHARED: others too; use transactions
	ShareDirect    ShareMode = 3 // SCARD_SHARE_DIRECT: talk to the reader, not the card
)

// Protocol is a card protocol bit set (SCARD_PROTOCOL_*).
type Protocol uint32

// Protocols. Raw protocols are not offered: their value differs between
// pcsc-lite and Windows and the SDK only speaks APDUs.
const (
	ProtocolUndefined Protocol = 0                       // no protocol negotiated (direct connections)
	ProtocolT0        Protocol = 1                       // SCARD_PROTOCOL_T0, byte oriented
	ProtocolT1        Protocol = 2                       // SCARD_PROTOCOL_T1, block oriented
	ProtocolAny                = ProtocolT0 | ProtocolT1 // what Connect asks for by default
)

// Disposition says what happens to the card when a connection or transaction
// ends (SCARD_*_CARD).
type Disposition uint32

// Dispositions.
const (
	LeaveCard   Disposition = 0 // SCARD_LEAVE_CARD: keep it as it is
	ResetCard   Disposition = 1 // SCARD_RESET_CARD: warm reset
	UnpowerCard Disposition = 2 // SCARD_UNPOWER_CARD: power it down
	EjectCard   Disposition = 3 // SCARD_EJECT_CARD: eject (motorised readers)
)

// StateFlag is a reader state bit set as used by GetStatusChange
// (SCARD_STATE_*). The high 16 bits of an event state count events on the
// reader; pass the returned EventState back as CurrentState to wait for the
// next change.
type StateFlag uint32

// Reader state bits.
const (
	StateUnaware     StateFlag = 0x0000 // the caller knows nothing: report the current state at once
	StateIgnore      StateFlag = 0x0001
	StateChanged     StateFlag = 0x0002 // EventState differs from CurrentState
	StateUnknown     StateFlag = 0x0004 // the reader is not known
	StateUnavailable StateFlag = 0x0008
	StateEmpty       StateFlag = 0x0010 // no card
	StatePresent     StateFlag = 0x0020 // a card is in the reader
	StateAtrMatch    StateFlag = 0x0040
	StateExclusive   StateFlag = 0x0080 // in exclusive use by someone
	StateInUse       StateFlag = 0x0100
	StateMute        StateFlag = 0x0200 // the card does not answer to reset
	StateUnpowered   StateFlag = 0x0400
)

// Infinite is the GetStatusChange timeout that never expires. Prefer a finite
// timeout with [Context.Cancel]; see [Context.WaitForCard].
const Infinite time.Duration = -1

// PnPNotification is the pseudo reader name whose state changes when a
// reader is attached or detached.
const PnPNotification = `\\?PnP?\Notification`

// ReaderState is one reader watched by [Context.GetStatusChange].
type ReaderState struct {
	Reader       string    // the reader's name
	CurrentState StateFlag // what the caller believes; the call returns when it differs
	EventState   StateFlag // set by the call: the reader's state now
	ATR          []byte    // set by the call: the card's ATR when a card is present
}

// CardStatus is what [Card.Status] reports.
type CardStatus struct {
	Reader         string
	State          uint32 // raw card state; its encoding differs between pcsc-lite (bit set) and Windows (enumeration)
	ActiveProtocol Protocol
	ATR            []byte
}

// Buffer sizes. A short response holds up to 256 data bytes and SW1 SW2; an
// extended one up to 65536 and SW1 SW2.
const (
	shortResponseMax    = 258
	extendedResponseMax = 65538
	// MaxCommand is the longest command APDU accepted: an extended case 4
	// command (4 header + 3 Lc + 65535 data + 2 Le bytes).
	MaxCommand    = 4 + 3 + 65535 + 2
	readerNameMax = 1024
	atrMax        = 64
)

// receiveBufferSize picks the receive buffer for a command: extended commands
// (Lc or Le introduced by a zero byte after the header, or too long to be
// short) may be answered with up to 65536 bytes, short ones with 256.
func receiveBufferSize(cmd []byte) int {
	if (len(cmd) > 5 && cmd[4] == 0) || len(cmd) > 4+1+255+1 {
		return extendedResponseMax
	}
	return shortResponseMax
}

// Context is a connection to the PC/SC service (SCARDCONTEXT). One Context
// may be used from several goroutines; [Context.Cancel] is meant to be called
// from another goroutine while [Context.GetStatusChange] blocks.
type Context struct {
	h        uintptr
	released atomic.Bool
}

// BuiltIn reports whether this build can talk to PC/SC at all (false with
// CGO_ENABLED=0 on Unix, where every call returns [ErrUnsupported]). It
// loads nothing, so a test can ask before setting PCSCLITE_CSOCK_NAME.
func BuiltIn() bool { return builtIn }

// EstablishContext connects to the PC/SC service with system scope. Release
// the context when done.
func EstablishContext() (*Context, error) {
	return EstablishContextScope(ScopeSystem)
}

// EstablishContextScope connects to the PC/SC service with the given scope.
func EstablishContextScope(scope Scope) (*Context, error) {
	h, rv := sysEstablishContext(scope)
	if err := newError("SCardEstablishContext", "", rv); err != nil {
		return nil, err
	}
	return &Context{h: h}, nil
}

// Release disconnects from the PC/SC service. It is safe to call more than
// once; later calls return [ErrReleased].
func (c *Context) Release() error {
	if !c.released.CompareAndSwap(false, true) {
		return ErrReleased
	}
	return newError("SCardReleaseContext", "", sysReleaseContext(c.h))
}

// IsValid reports whether the context has not been released by this process.
func (c *Context) IsValid() bool { return !c.released.Load() }

func (c *Context) check() error {
	if c.released.Load() {
		return ErrReleased
	}
	return nil
}

// ListReaders returns the names of the attached readers. No reader is an
// empty list, not an error (SCARD_E_NO_READERS_AVAILABLE is mapped to nil).
func (c *Context) ListReaders() ([]string, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	return listReaders(func() ([]string, uint32) { return sysListReaders(c.h) })
}

// listReaders maps the outcomes of SCardListReaders: no reader is an empty
// list, and a reader appearing between the size query and the read (buffer
// too small) is retried.
func listReaders(fetch func() ([]string, uint32)) ([]string, error) {
	for range 4 {
		names, rv := fetch()
		switch Code(rv) {
		case codeSuccess:
			return names, nil
		case CodeNoReadersAvailable:
			return []string{}, nil
		case CodeInsufficientBuffer:
			continue
		default:
			return nil, newError("SCardListReaders", "", rv)
		}
	}
	return nil, newError("SCardListReaders", "", uint32(CodeInsufficientBuffer))
}

// Connect opens a connection to the card in reader, negotiating one of the
// protocols (normally [ProtocolAny]). Use [ShareShared] and transactions
// unless the application must lock others out.
func (c *Context) Connect(reader string, mode ShareMode, protocols Protocol) (*Card, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	h, active, rv := sysConnect(c.h, reader, mode, protocols)
	if err := newError("SCardConnect", reader, rv); err != nil {
		return nil, err
	}
	card := &Card{h: h, reader: reader}
	card.protocol.Store(uint32(active))
	return card, nil
}

// GetStatusChange blocks until the state of one of the readers differs from
// its CurrentState, the timeout passes ([ErrTimeout]) or [Context.Cancel] is
// called ([ErrCancelled]). It fills EventState and ATR of each state.
func (c *Context) GetStatusChange(states []ReaderState, timeout time.Duration) error {
	if err := c.check(); err != nil {
		return err
	}
	reader := ""
	if len(states) == 1 {
		reader = states[0].Reader
	}
	return newError("SCardGetStatusChange", reader, sysGetStatusChange(c.h, states, timeoutMillis(timeout)))
}

// Cancel makes a GetStatusChange blocked on this context return
// [ErrCancelled]. It is safe to call from any goroutine.
func (c *Context) Cancel() error {
	if err := c.check(); err != nil {
		return err
	}
	return newError("SCardCancel", "", sysCancel(c.h))
}

// timeoutMillis converts a timeout to the DWORD milliseconds of PC/SC;
// negative means INFINITE, and finite values stay below it.
func timeoutMillis(d time.Duration) uint32 {
	const infinite = 0xFFFFFFFF
	if d < 0 {
		return infinite
	}
	ms := d.Milliseconds()
	if ms >= infinite {
		return infinite - 1
	}
	return uint32(ms)
}

// Card is a connection to the card in one reader (SCARDHANDLE). Calls on a
// Card are serialised by the PC/SC service; [Reader] adds context handling
// and a session lock on top.
type Card struct {
	h        uintptr
	reader   string
	protocol atomic.Uint32
	closed   atomic.Bool
}

// Reader returns the name of the reader the card is in.
func (k *Card) Reader() string { return k.reader }

// ActiveProtocol returns the protocol negotiated by Connect or Reconnect.
func (k *Card) ActiveProtocol() Protocol { return Protocol(k.protocol.Load()) }

func (k *Card) check() error {
	if k.closed.Load() {
		return ErrReleased
	}
	return nil
}

// Disconnect closes the connection, leaving, resetting or unpowering the card.
// It is safe to call more than once; later calls return [ErrReleased].
func (k *Card) Disconnect(d Disposition) error {
	if !k.closed.CompareAndSwap(false, true) {
		return ErrReleased
	}
	return newError("SCardDisconnect", k.reader, sysDisconnect(k.h, d))
}

// Reconnect re-establishes the connection after [ErrResetCard] (or to change
// the share mode), with the initialisation init (LeaveCard, ResetCard or
// UnpowerCard).
func (k *Card) Reconnect(mode ShareMode, protocols Protocol, init Disposition) error {
	if err := k.check(); err != nil {
		return err
	}
	active, rv := sysReconnect(k.h, mode, protocols, init)
	if err := newError("SCardReconnect", k.reader, rv); err != nil {
		return err
	}
	k.protocol.Store(uint32(active))
	return nil
}

// BeginTransaction gives this connection exclusive use of the card until
// EndTransaction; other applications' calls wait. It blocks while another
// application holds a transaction.
func (k *Card) BeginTransaction() error {
	if err := k.check(); err != nil {
		return err
	}
	return newError("SCardBeginTransaction", k.reader, sysBeginTransaction(k.h))
}

// EndTransaction releases the transaction, leaving or resetting the card.
func (k *Card) EndTransaction(d Disposition) error {
	if err := k.check(); err != nil {
		return err
	}
	return newError("SCardEndTransaction", k.reader, sysEndTransaction(k.h, d))
}

// Status reports the reader name, card state, protocol and ATR.
func (k *Card) Status() (*CardStatus, error) {
	if err := k.check(); err != nil {
		return nil, err
	}
	st, rv := sysStatus(k.h)
	if err := newError("SCardStatus", k.reader, rv); err != nil {
		return nil, err
	}
	return st, nil
}

// Transmit sends a command APDU and returns the response APDU (data and
// SW1 SW2). The PCI header is chosen from the active protocol; a command
// shorter than 4 or longer than [MaxCommand] bytes is refused before it
// reaches the reader.
func (k *Card) Transmit(cmd []byte) ([]byte, error) {
	if err := k.check(); err != nil {
		return nil, err
	}
	if len(cmd) < 4 || len(cmd) > MaxCommand {
		return nil, &CommandLengthError{Len: len(cmd), Max: MaxCommand}
	}
	proto := k.ActiveProtocol()
	if proto != ProtocolT0 && proto != ProtocolT1 {
		return nil, &ProtocolError{Reader: k.reader, Protocol: proto}
	}
	rsp := make([]byte, receiveBufferSize(cmd))
	n, rv := sysTransmit(k.h, proto, cmd, rsp)
	if err := newError("SCardTransmit", k.reader, rv); err != nil {
		return nil, err
	}
	if n < 0 || n > len(rsp) {
		// A driver claiming more bytes than the buffer holds: refuse rather
		// than read past it.
		return nil, &Error{Op: "SCardTransmit", Reader: k.reader, Code: CodeInsufficientBuffer}
	}
	return rsp[:n:n], nil
}

// errUnsupportedCode is returned by the stub's sys functions; it is not a
// PC/SC code (those all have the 0x8010 prefix).
const errUnsupportedCode = 0x0000FFFF

// errNoLibraryCode is returned when pcsc-lite cannot be loaded at run time
// (Linux loads it with dlopen); like errUnsupportedCode it is no PC/SC code.
const errNoLibraryCode = 0x0000FFFE

// splitMultiString splits a PC/SC multi-string (names separated by NUL, the
// list ended by an empty name) into names. Bytes after the terminator are
// ignored; a list without terminator keeps its last name.
func splitMultiString(b []byte) []string {
	names := []string{}
	for len(b) > 0 {
		i := 0
		for i < len(b) && b[i] != 0 {
			i++
		}
		if i == 0 {
			break
		}
		names = append(names, string(b[:i]))
		if i == len(b) {
			break
		}
		b = b[i+1:]
	}
	return names
}
