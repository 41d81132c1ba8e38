// Package pcsc drives PC/SC smart card readers: the registry card, a PSAM in
// a reader slot, or the simulated card in pcscd's virtual reader. It is the
// SDK's only cgo package.
//
// What a program needs — a vendor's terminal included — is three calls:
// [ListReaders] to find the reader, [WaitForCard] for the student to present
// a card, and [Open] for [Reader], the card in one reader as an
// [apdu.Transport], which is what the rest of the SDK uses:
// [Reader.Transmit] (honours ctx), [Reader.Session] (one PC/SC transaction
// for a whole card session, from SELECT to the last write),
// [Reader.Reconnect]. [WaitForCard] honours ctx through finite status-change waits and SCardCancel, leaving
// no goroutine behind. The raw binding (contexts, card handles, status-change
// waits, in the shape of github.com/ebfe/scard) is internal
// (internal/scard); its errors and connection options are re-exported here.
//
// Per operating system:
//
//   - Linux with cgo: pcsc-lite is loaded at run time (dlopen of
//     libpcsclite.so.1), so building needs no PC/SC headers and a machine
//     without pcsc-lite gets [ErrNoLibrary] from [Open] or [WaitForCard] instead
//     of a program that cannot start. pcscd must be running.
//   - macOS, FreeBSD with cgo: linked at build time against the PCSC
//     framework or pcsc-lite (headers in /usr/local/include/PCSC).
//   - Windows: winscard.dll through package syscall, no cgo.
//   - Anything else, or CGO_ENABLED=0: every call returns [ErrUnsupported],
//     so the module still builds and programs can fall back to card/sim.
//
// Every failed PC/SC call is an [*Error] naming the function, the reader and
// the return code; it unwraps to a sentinel such as [ErrRemovedCard],
// [ErrResetCard], [ErrNoSmartcard], [ErrTimeout] or [ErrCancelled], and
// renders in Chinese or English through package l10n. An empty reader list is
// an empty slice, not an error. Commands are length-checked and responses
// received into a bounded buffer (258 bytes for short APDUs, 65538 for
// extended ones), so no protocol or length makes the package panic.
//
// A card torn away mid-APDU shows up, depending on the reader driver and on
// when pcscd next polls it, as [ErrShortResponse] (an answer without status
// word; vsmartcard's vpcd driver does this), [ErrNotTransacted],
// [ErrRemovedCard] or [ErrResetCard]. Recover by waiting for the card
// ([WaitForCard]), [Reader.Reconnect] and a new session.
//
// pcscd stopped or restarted under a live session, and a reader that went
// away, are [*Error]s matching [ErrServiceLost] (SCARD_E_NO_SERVICE after a
// restart, SCARD_E_INVALID_HANDLE, …) as well as their code's sentinel. The
// same recovery works without restarting the process: [WaitForCard] waits
// through the restart, and [Reader.Reconnect] establishes a new PC/SC
// context when the old one is void.
//
// The real-stack tests (realstack_test.go) run pcscd with vsmartcard's vpcd
// driver, serve a card with adapters/vpcd and talk to it through this
// package. Each test binary starts its own pcscd in a private mount
// namespace, with its own socket (PCSCLITE_CSOCK_NAME) and vpcd port, through
// .ci/pcsc-stack.sh; package pcsctest gives any test a connected Reader for a
// card in three lines.
package pcsc
