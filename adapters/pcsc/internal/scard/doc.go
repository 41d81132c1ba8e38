// Package scard is the raw PC/SC binding under adapters/pcsc, with the shape
// of github.com/ebfe/scard (which is not a dependency): [EstablishContext] →
// [Context.ListReaders], [Context.Connect], [Context.GetStatusChange],
// [Context.Cancel], [Context.WaitForCard]; [Card.Transmit],
// [Card.BeginTransaction]/[Card.EndTransaction], [Card.Status],
// [Card.Reconnect], [Card.Disconnect]. It is internal: vendors use
// adapters/pcsc's Open, Reader and WaitForCard, whose errors are this
// package's (re-exported there), and the SDK keeps the freedom to change the
// binding. adapters/pcsc/pcsctest and the real-stack tests use it directly.
//
// Per operating system: Linux with cgo loads pcsc-lite at run time (dlopen
// of libpcsclite.so.1; [ErrNoLibrary] without it); macOS and FreeBSD with cgo
// link it; Windows uses winscard.dll through package syscall; anything else
// returns [ErrUnsupported].
package scard
