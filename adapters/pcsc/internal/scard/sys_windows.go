//go:build windows

package scard

import (
	"syscall"
	"unsafe"
)

// Windows' PC/SC lives in winscard.dll and is called without cgo. The DLL and
// its procedures are loaded lazily on first use; these values are set once by
// the syscall package and never changed by this package.
var (
	winscard             = syscall.NewLazyDLL("winscard.dll")
	procEstablishContext = winscard.NewProc("SCardEstablishContext")
	procReleaseContext   = winscard.NewProc("SCardReleaseContext")
	procListReaders      = winscard.NewProc("SCardListReadersW")
	procConnect          = winscard.NewProc("SCardConnectW")
	procReconnect        = winscard.NewProc("SCardReconnect")
	procDisconnect       = winscard.NewProc("SCardDisconnect")
	procBeginTransaction = winscard.NewProc("SCardBeginTransaction")
	procEndTransaction   = winscard.NewProc("SCardEndTransaction")
	procCancel           = winscard.NewProc("SCardCancel")
	procStatus           = winscard.NewProc("SCardStatusW")
	procTransmit         = winscard.NewProc("SCardTransmit")
	procGetStatusChange  = winscard.NewProc("SCardGetStatusChangeW")
	dataT0Pci            = winscard.NewProc("g_rgSCardT0Pci")
	dataT1Pci            = winscard.NewProc("g_rgSCardT1Pci")
)

const (
	windowsAtrMax             = 36
	windowsCodeDLLUnavailable = uint32(CodeNoService)
)

// readerStateW mirrors SCARD_READERSTATEW.
type readerStateW struct {
	reader       *uint16
	userData     uintptr
	currentState uint32
	eventState   uint32
	atrLen       uint32
	atr          [36]byte
}

// call invokes a winscard procedure; a missing DLL or procedure (Windows
// without the smart card service) is reported as SCARD_E_NO_SERVICE.
// uintptrescapes keeps the memory behind pointer arguments, converted to
// uintptr at the call site, alive and in place for the call, as for
// syscall.(*LazyProc).Call itself.
//
//go:uintptrescapes
func call(p *syscall.LazyProc, args ...uintptr) uint32 {
	if err := p.Find(); err != nil {
		return windowsCodeDLLUnavailable
	}
	r, _, _ := p.Call(args...)
	return uint32(r)
}

// builtIn: this build talks to PC/SC.
const builtIn = true

func sysEstablishContext(scope Scope) (uintptr, uint32) {
	var h uintptr
	rv := call(procEstablishContext, uintptr(scope), 0, 0, uintptr(unsafe.Pointer(&h)))
	return h, rv
}

func sysReleaseContext(h uintptr) uint32 { return call(procReleaseContext, h) }

func sysListReaders(h uintptr) ([]string, uint32) {
	var n uint32
	if rv := call(procListReaders, h, 0, 0, uintptr(unsafe.Pointer(&n))); rv != 0 {
		return nil, rv
	}
	if n == 0 {
		return []string{}, 0
	}
	buf := make([]uint16, n)
	if rv := call(procListReaders, h, 0, uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&n))); rv != 0 {
		return nil, rv
	}
	return splitMultiStringUTF16(buf[:min(int(n), len(buf))]), 0
}

func sysConnect(h uintptr, reader string, mode ShareMode, protocols Protocol) (uintptr, Protocol, uint32) {
	name, err := syscall.UTF16PtrFromString(reader)
	if err != nil {
		return 0, 0, uint32(CodeInvalidParameter)
	}
	var card uintptr
	var active uint32
	rv := call(procConnect, h, uintptr(unsafe.Pointer(name)), uintptr(mode), uintptr(protocols),
		uintptr(unsafe.Pointer(&card)), uintptr(unsafe.Pointer(&active)))
	return card, Protocol(active), rv
}

func sysReconnect(card uintptr, mode ShareMode, protocols Protocol, init Disposition) (Protocol, uint32) {
	var active uint32
	rv := call(procReconnect, card, uintptr(mode), uintptr(protocols), uintptr(init), uintptr(unsafe.Pointer(&active)))
	return Protocol(active), rv
}

func sysDisconnect(card uintptr, d Disposition) uint32 { return call(procDisconnect, card, uintptr(d)) }

func sysBeginTransaction(card uintptr) uint32 { return call(procBeginTransaction, card) }

func sysEndTransaction(card uintptr, d Disposition) uint32 {
	return call(procEndTransaction, card, uintptr(d))
}

func sysCancel(h uintptr) uint32 { return call(procCancel, h) }

func sysStatus(card uintptr) (*CardStatus, uint32) {
	name := make([]uint16, readerNameMax)
	atr := make([]byte, atrMax)
	nameLen, atrLen := uint32(len(name)), uint32(len(atr))
	var state, proto uint32
	rv := call(procStatus, card, uintptr(unsafe.Pointer(&name[0])), uintptr(unsafe.Pointer(&nameLen)),
		uintptr(unsafe.Pointer(&state)), uintptr(unsafe.Pointer(&proto)),
		uintptr(unsafe.Pointer(&atr[0])), uintptr(unsafe.Pointer(&atrLen)))
	if rv != 0 {
		return nil, rv
	}
	st := &CardStatus{State: state, ActiveProtocol: Protocol(proto), ATR: atr[:min(int(atrLen), len(atr))]}
	if names := splitMultiStringUTF16(name[:min(int(nameLen), len(name))]); len(names) > 0 {
		st.Reader = names[0]
	}
	return st, 0
}

func sysTransmit(card uintptr, proto Protocol, cmd, rsp []byte) (int, uint32) {
	pci := dataT0Pci
	if proto == ProtocolT1 {
		pci = dataT1Pci
	}
	if err := pci.Find(); err != nil {
		return 0, windowsCodeDLLUnavailable
	}
	n := uint32(len(rsp))
	rv := call(procTransmit, card, pci.Addr(), uintptr(unsafe.Pointer(&cmd[0])), uintptr(len(cmd)),
		0, uintptr(unsafe.Pointer(&rsp[0])), uintptr(unsafe.Pointer(&n)))
	return int(n), rv
}

func sysGetStatusChange(h uintptr, states []ReaderState, timeoutMS uint32) uint32 {
	rs := make([]readerStateW, len(states))
	for i, s := range states {
		name, err := syscall.UTF16PtrFromString(s.Reader)
		if err != nil {
			return uint32(CodeInvalidParameter)
		}
		rs[i].reader = name
		rs[i].currentState = uint32(s.CurrentState)
	}
	if len(rs) == 0 {
		return call(procGetStatusChange, h, uintptr(timeoutMS), 0, 0)
	}
	rv := call(procGetStatusChange, h, uintptr(timeoutMS), uintptr(unsafe.Pointer(&rs[0])), uintptr(len(rs)))
	if rv != 0 {
		return rv
	}
	for i := range states {
		states[i].EventState = StateFlag(rs[i].eventState)
		l := min(int(rs[i].atrLen), windowsAtrMax)
		states[i].ATR = append([]byte(nil), rs[i].atr[:l]...)
	}
	return 0
}

// splitMultiStringUTF16 is splitMultiString for the UTF-16 lists of the W
// functions.
func splitMultiStringUTF16(b []uint16) []string {
	names := []string{}
	for len(b) > 0 {
		i := 0
		for i < len(b) && b[i] != 0 {
			i++
		}
		if i == 0 {
			break
		}
		names = append(names, syscall.UTF16ToString(b[:i]))
		if i == len(b) {
			break
		}
		b = b[i+1:]
	}
	return names
}
