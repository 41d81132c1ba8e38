//go:build !windows && !(cgo && (linux || darwin || freebsd))

package scard

// This file is the PC/SC layer of builds without cgo on Unix systems (and of
// systems without pcsc-lite): every call fails with ErrUnsupported, so the
// module still builds with CGO_ENABLED=0 and programs can fall back to the
// simulated card.

// builtIn: this build has no PC/SC.
const builtIn = false

func sysEstablishContext(Scope) (uintptr, uint32) { return 0, errUnsupportedCode }
func sysReleaseContext(uintptr) uint32            { return errUnsupportedCode }
func sysListReaders(uintptr) ([]string, uint32)   { return nil, errUnsupportedCode }
func sysConnect(uintptr, string, ShareMode, Protocol) (uintptr, Protocol, uint32) {
	return 0, 0, errUnsupportedCode
}
func sysReconnect(uintptr, ShareMode, Protocol, Disposition) (Protocol, uint32) {
	return 0, errUnsupportedCode
}
func sysDisconnect(uintptr, Disposition) uint32                   { return errUnsupportedCode }
func sysBeginTransaction(uintptr) uint32                          { return errUnsupportedCode }
func sysEndTransaction(uintptr, Disposition) uint32               { return errUnsupportedCode }
func sysCancel(uintptr) uint32                                    { return errUnsupportedCode }
func sysStatus(uintptr) (*CardStatus, uint32)                     { return nil, errUnsupportedCode }
func sysTransmit(uintptr, Protocol, []byte, []byte) (int, uint32) { return 0, errUnsupportedCode }
func sysGetStatusChange(uintptr, []ReaderState, uint32) uint32    { return errUnsupportedCode }
