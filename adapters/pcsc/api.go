package pcsc

import "github.com/bjedu/studentcard/adapters/pcsc/internal/scard"

// The package's public vocabulary. The raw PC/SC binding (contexts, card
// handles, status-change waits) lives in internal/scard; what a vendor's
// program needs is [Open], [Reader] and [WaitForCard], and the errors and
// connection options below, which are the binding's own types under the
// names callers match with errors.Is and errors.As.

// Error is a failed PC/SC call: which function, on which reader, and the
// return code; it unwraps to the sentinel of its code (and to
// [ErrServiceLost] for a lost service or reader).
type Error = scard.Error

// Code is a PC/SC return code (a LONG in winscard.h), the same in pcsc-lite
// and Windows.
type Code = scard.Code

// ShortResponseError is an answer without status word; see
// [ErrShortResponse].
type ShortResponseError = scard.ShortResponseError

// CommandLengthError is a command APDU rejected before it reached pcscd.
type CommandLengthError = scard.CommandLengthError

// ProtocolError is a connection whose active protocol has no PCI header.
type ProtocolError = scard.ProtocolError

// ShareMode says whether other applications may use the card meanwhile.
type ShareMode = scard.ShareMode

// Protocol is a set of transmission protocols (T=0, T=1).
type Protocol = scard.Protocol

// CardStatus is what [Reader.Status] reports: reader, ATR, protocol, state.
type CardStatus = scard.CardStatus

// Sharing modes of [Options].
const (
	ShareShared    = scard.ShareShared    // others may use the card between transactions (default)
	ShareExclusive = scard.ShareExclusive // nobody else may connect
)

// Protocols of [Options].
const (
	ProtocolT0  = scard.ProtocolT0
	ProtocolT1  = scard.ProtocolT1
	ProtocolAny = scard.ProtocolAny // T=0 or T=1, whichever the card offers (default)
)

// MaxCommand is the longest command APDU [Reader.Transmit] sends (an
// extended APDU).
const MaxCommand = scard.MaxCommand

// The PC/SC return codes the SDK distinguishes (names as in winscard.h:
// CodeRemovedCard is SCARD_W_REMOVED_CARD).
const (
	CodeCancelled          = scard.CodeCancelled
	CodeCommError          = scard.CodeCommError
	CodeInsufficientBuffer = scard.CodeInsufficientBuffer
	CodeInternalError      = scard.CodeInternalError
	CodeInvalidHandle      = scard.CodeInvalidHandle
	CodeInvalidParameter   = scard.CodeInvalidParameter
	CodeInvalidValue       = scard.CodeInvalidValue
	CodeNoMemory           = scard.CodeNoMemory
	CodeNoReadersAvailable = scard.CodeNoReadersAvailable
	CodeNoService          = scard.CodeNoService
	CodeNoSmartcard        = scard.CodeNoSmartcard
	CodeNotReady           = scard.CodeNotReady
	CodeNotTransacted      = scard.CodeNotTransacted
	CodeProtoMismatch      = scard.CodeProtoMismatch
	CodeReaderUnavailable  = scard.CodeReaderUnavailable
	CodeRemovedCard        = scard.CodeRemovedCard
	CodeResetCard          = scard.CodeResetCard
	CodeSecurityViolation  = scard.CodeSecurityViolation
	CodeServiceStopped     = scard.CodeServiceStopped
	CodeSharingViolation   = scard.CodeSharingViolation
	CodeSystemCancelled    = scard.CodeSystemCancelled
	CodeTimeout            = scard.CodeTimeout
	CodeUnknownReader      = scard.CodeUnknownReader
	CodeUnpoweredCard      = scard.CodeUnpoweredCard
	CodeUnresponsiveCard   = scard.CodeUnresponsiveCard
	CodeUnsupportedCard    = scard.CodeUnsupportedCard
	CodeUnsupportedFeature = scard.CodeUnsupportedFeature
)

// Sentinels: an [*Error] unwraps to one of them, so errors.Is(err,
// ErrRemovedCard) works whatever the operation; see internal/scard for what
// each means.
var (
	ErrCancelled          = scard.ErrCancelled
	ErrCommError          = scard.ErrCommError
	ErrCommandLength      = scard.ErrCommandLength
	ErrInsufficientBuffer = scard.ErrInsufficientBuffer
	ErrInternal           = scard.ErrInternal
	ErrInvalidHandle      = scard.ErrInvalidHandle
	ErrInvalidParameter   = scard.ErrInvalidParameter
	ErrNoLibrary          = scard.ErrNoLibrary
	ErrNoMemory           = scard.ErrNoMemory
	ErrNoReaders          = scard.ErrNoReaders
	ErrNoService          = scard.ErrNoService
	ErrNoSmartcard        = scard.ErrNoSmartcard
	ErrNotReady           = scard.ErrNotReady
	ErrNotTransacted      = scard.ErrNotTransacted
	ErrProtoMismatch      = scard.ErrProtoMismatch
	ErrProtocol           = scard.ErrProtocol
	ErrReaderUnavailable  = scard.ErrReaderUnavailable
	ErrReleased           = scard.ErrReleased
	ErrRemovedCard        = scard.ErrRemovedCard
	ErrResetCard          = scard.ErrResetCard
	ErrSecurityViolation  = scard.ErrSecurityViolation
	ErrServiceLost        = scard.ErrServiceLost
	ErrServiceStopped     = scard.ErrServiceStopped
	ErrSessionEnded       = scard.ErrSessionEnded
	ErrSharingViolation   = scard.ErrSharingViolation
	ErrShortResponse      = scard.ErrShortResponse
	ErrTimeout            = scard.ErrTimeout
	ErrUnknownReader      = scard.ErrUnknownReader
	ErrUnpoweredCard      = scard.ErrUnpoweredCard
	ErrUnresponsiveCard   = scard.ErrUnresponsiveCard
	ErrUnsupported        = scard.ErrUnsupported
	ErrUnsupportedCard    = scard.ErrUnsupportedCard
	ErrUnsupportedFeature = scard.ErrUnsupportedFeature
)
