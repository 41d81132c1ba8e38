package scard

import (
	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/l10n"
)

// Code is a PC/SC return code (a LONG in winscard.h). The values are the same
// in pcsc-lite and in Windows' winscard.dll, so one table serves every OS.
type Code uint32

// The return codes the SDK distinguishes. Names follow winscard.h so a reader
// of a pcscd log finds them.
const (
	codeSuccess            Code = 0x00000000
	CodeInternalError      Code = 0x80100001 // SCARD_F_INTERNAL_ERROR
	CodeCancelled          Code = 0x80100002 // SCARD_E_CANCELLED
	CodeInvalidHandle      Code = 0x80100003 // SCARD_E_INVALID_HANDLE
	CodeInvalidParameter   Code = 0x80100004 // SCARD_E_INVALID_PARAMETER
	CodeNoMemory           Code = 0x80100006 // SCARD_E_NO_MEMORY
	CodeInsufficientBuffer Code = 0x80100008 // SCARD_E_INSUFFICIENT_BUFFER
	CodeUnknownReader      Code = 0x80100009 // SCARD_E_UNKNOWN_READER
	CodeTimeout            Code = 0x8010000A // SCARD_E_TIMEOUT
	CodeSharingViolation   Code = 0x8010000B // SCARD_E_SHARING_VIOLATION
	CodeNoSmartcard        Code = 0x8010000C // SCARD_E_NO_SMARTCARD
	CodeProtoMismatch      Code = 0x8010000F // SCARD_E_PROTO_MISMATCH
	CodeNotReady           Code = 0x80100010 // SCARD_E_NOT_READY
	CodeInvalidValue       Code = 0x80100011 // SCARD_E_INVALID_VALUE
	CodeSystemCancelled    Code = 0x80100012 // SCARD_E_SYSTEM_CANCELLED
	CodeCommError          Code = 0x80100013 // SCARD_F_COMM_ERROR
	CodeNotTransacted      Code = 0x80100016 // SCARD_E_NOT_TRANSACTED
	CodeReaderUnavailable  Code = 0x80100017 // SCARD_E_READER_UNAVAILABLE
	CodeNoService          Code = 0x8010001D // SCARD_E_NO_SERVICE
	CodeServiceStopped     Code = 0x8010001E // SCARD_E_SERVICE_STOPPED
	CodeNoReadersAvailable Code = 0x8010002E // SCARD_E_NO_READERS_AVAILABLE
	CodeUnsupportedFeature Code = 0x8010001F // SCARD_E_UNSUPPORTED_FEATURE
	CodeUnsupportedCard    Code = 0x80100065 // SCARD_W_UNSUPPORTED_CARD
	CodeUnresponsiveCard   Code = 0x80100066 // SCARD_W_UNRESPONSIVE_CARD
	CodeUnpoweredCard      Code = 0x80100067 // SCARD_W_UNPOWERED_CARD
	CodeResetCard          Code = 0x80100068 // SCARD_W_RESET_CARD
	CodeRemovedCard        Code = 0x80100069 // SCARD_W_REMOVED_CARD
	CodeSecurityViolation  Code = 0x8010006A // SCARD_W_SECURITY_VIOLATION
)

var messages = l10n.NewCatalog(
	l10n.Entry{Key: "internal error in the PC/SC service", ZH: "PC/SC服务内部错误"},
	l10n.Entry{Key: "operation cancelled", ZH: "操作已取消"},
	l10n.Entry{Key: "invalid PC/SC handle (context or card already released)", ZH: "PC/SC句柄无效（上下文或卡连接已释放）"},
	l10n.Entry{Key: "invalid parameter", ZH: "参数无效"},
	l10n.Entry{Key: "out of memory in the PC/SC service", ZH: "PC/SC服务内存不足"},
	l10n.Entry{Key: "response buffer too small", ZH: "响应缓冲区太小"},
	l10n.Entry{Key: "unknown reader", ZH: "读卡器不存在"},
	l10n.Entry{Key: "timed out waiting for the reader", ZH: "等待读卡器超时"},
	l10n.Entry{Key: "card is in use by another application", ZH: "卡正被其他程序占用"},
	l10n.Entry{Key: "no card in the reader", ZH: "读卡器中没有卡"},
	l10n.Entry{Key: "card does not speak the requested protocol", ZH: "卡不支持所请求的通信协议"},
	l10n.Entry{Key: "reader or card not ready", ZH: "读卡器或卡未就绪"},
	l10n.Entry{Key: "PC/SC communication error", ZH: "PC/SC通信错误"},
	l10n.Entry{Key: "not transacted: the reader lost the card mid-exchange, or no transaction was held", ZH: "未完成交互：读卡器在交互中途失去了卡，或未持有事务"},
	l10n.Entry{Key: "reader is unavailable", ZH: "读卡器不可用"},
	l10n.Entry{Key: "PC/SC service (pcscd) is not running", ZH: "PC/SC服务（pcscd）未运行"},
	l10n.Entry{Key: "PC/SC service stopped", ZH: "PC/SC服务已停止"},
	l10n.Entry{Key: "no readers available", ZH: "没有可用的读卡器"},
	l10n.Entry{Key: "feature not supported by the reader", ZH: "读卡器不支持该功能"},
	l10n.Entry{Key: "card is not supported (bad ATR)", ZH: "不支持该卡（ATR无效）"},
	l10n.Entry{Key: "card does not respond", ZH: "卡无响应"},
	l10n.Entry{Key: "card is not powered", ZH: "卡未上电"},
	l10n.Entry{Key: "card was reset by another application", ZH: "卡已被其他程序复位"},
	l10n.Entry{Key: "card was removed", ZH: "卡已被移除"},
	l10n.Entry{Key: "access denied by the PC/SC service", ZH: "PC/SC服务拒绝访问"},
	l10n.Entry{Key: "PC/SC is not available in this build (built without cgo)", ZH: "此版本不支持PC/SC（编译时未启用cgo）"},
	l10n.Entry{Key: "PC/SC library libpcsclite.so.1 is not installed (Debian: apt-get install pcscd libpcsclite1)", ZH: "未安装PC/SC库libpcsclite.so.1（Debian：apt-get install pcscd libpcsclite1）"},
	l10n.Entry{Key: "PC/SC context or card already released", ZH: "PC/SC上下文或卡连接已释放"},
	l10n.Entry{Key: "bad command APDU length", ZH: "命令APDU长度无效"},
	l10n.Entry{Key: "unsupported card protocol", ZH: "不支持的卡通信协议"},
	l10n.Entry{Key: "PC/SC error", ZH: "PC/SC错误"},
	l10n.Entry{Key: "card session already ended", ZH: "卡会话已结束"},
	l10n.Entry{Key: "PC/SC service or reader lost: wait for the card and reconnect", ZH: "PC/SC服务或读卡器已丢失：请等待卡片后重新连接"},
	l10n.Entry{Key: "response without status word", ZH: "响应缺少状态字"},
	l10n.Entry{Key: "reader %q answered with %d bytes: a response has at least SW1 SW2", ZH: "读卡器“%s”返回%d字节：响应至少应含SW1 SW2"},
	l10n.Entry{Key: "reader %q answered with %d bytes: a response has at least SW1 SW2 (%s)", ZH: "读卡器“%s”返回%d字节：响应至少应含SW1 SW2（%s）"},
	l10n.Entry{Key: "%[1]s on reader %[2]q: %[3]s (%[4]s, 0x%08[5]X)", ZH: "读卡器“%[2]s”执行%[1]s失败：%[3]s（%[4]s，0x%08[5]X）"},
	l10n.Entry{Key: "%[1]s: %[2]s (%[3]s, 0x%08[4]X)", ZH: "%[1]s失败：%[2]s（%[3]s，0x%08[4]X）"},
	l10n.Entry{Key: "command APDU of %d bytes: want 4 to %d bytes", ZH: "命令APDU长度为%d字节：应为4至%d字节"},
	l10n.Entry{Key: "reader %q uses protocol 0x%X: want T=0 (1) or T=1 (2)", ZH: "读卡器“%s”使用协议0x%X：应为T=0（1）或T=1（2）"},
)

// Sentinels for the PC/SC outcomes callers act on. An [*Error] unwraps to one
// of them, so errors.Is(err, ErrRemovedCard) works whatever the operation.
var (
	// ErrRemovedCard: the card left the reader since it was connected; connect
	// again after [WaitForCard].
	ErrRemovedCard = messages.Error("card was removed")
	// ErrResetCard: another application reset the card; the card's state
	// (selected file, security status) is lost, call Reconnect and start over.
	ErrResetCard = messages.Error("card was reset by another application")
	// ErrNoSmartcard: the reader is empty.
	ErrNoSmartcard = messages.Error("no card in the reader")
	// ErrTimeout: a status-change wait reached its timeout.
	ErrTimeout = messages.Error("timed out waiting for the reader")
	// ErrCancelled: a blocked call was cancelled by [Context.Cancel].
	ErrCancelled = messages.Error("operation cancelled")
	// ErrUnknownReader: no reader of that name is attached.
	ErrUnknownReader = messages.Error("unknown reader")
	// ErrSharingViolation: another application holds the card exclusively.
	ErrSharingViolation = messages.Error("card is in use by another application")
	// ErrNoService: pcscd is not running (or its socket is not reachable).
	ErrNoService = messages.Error("PC/SC service (pcscd) is not running")
	// ErrServiceStopped: pcscd went away while we were talking to it.
	ErrServiceStopped = messages.Error("PC/SC service stopped")
	// ErrNoReaders: no reader is attached (ListReaders turns it into an empty list).
	ErrNoReaders = messages.Error("no readers available")
	// ErrInvalidHandle: the context or card handle is not (or no longer) valid.
	ErrInvalidHandle = messages.Error("invalid PC/SC handle (context or card already released)")
	// ErrInsufficientBuffer: the card answered more than the receive buffer holds.
	ErrInsufficientBuffer = messages.Error("response buffer too small")
	// ErrUnresponsiveCard: the card does not answer to reset.
	ErrUnresponsiveCard = messages.Error("card does not respond")
	// ErrUnpoweredCard: the card is not powered.
	ErrUnpoweredCard = messages.Error("card is not powered")
	// ErrUnsupportedCard: the card's ATR is not understood.
	ErrUnsupportedCard = messages.Error("card is not supported (bad ATR)")
	// ErrProtoMismatch: the card does not speak the requested protocol.
	ErrProtoMismatch = messages.Error("card does not speak the requested protocol")
	// ErrNotTransacted: pcsc-lite returns it from SCardTransmit when the
	// driver could not exchange the APDU (the card went away mid-exchange;
	// for vpcd: its connection closed), and from EndTransaction without a
	// transaction.
	ErrNotTransacted = messages.Error("not transacted: the reader lost the card mid-exchange, or no transaction was held")
	// ErrReaderUnavailable: the reader was unplugged or its driver failed.
	ErrReaderUnavailable = messages.Error("reader is unavailable")
	// ErrCommError: the reader driver lost the connection (for vpcd: the
	// virtual card's TCP connection broke mid-APDU).
	ErrCommError = messages.Error("PC/SC communication error")
	// ErrInternal: pcscd or the driver reported an internal failure.
	ErrInternal = messages.Error("internal error in the PC/SC service")
	// ErrInvalidParameter: a parameter was rejected by the PC/SC service.
	ErrInvalidParameter = messages.Error("invalid parameter")
	// ErrNoMemory: the PC/SC service ran out of memory.
	ErrNoMemory = messages.Error("out of memory in the PC/SC service")
	// ErrNotReady: the reader or card is not ready.
	ErrNotReady = messages.Error("reader or card not ready")
	// ErrUnsupportedFeature: the reader does not support the request.
	ErrUnsupportedFeature = messages.Error("feature not supported by the reader")
	// ErrSecurityViolation: pcscd (polkit) denied access.
	ErrSecurityViolation = messages.Error("access denied by the PC/SC service")

	// ErrUnsupported: this binary has no PC/SC (built with CGO_ENABLED=0 on a
	// Unix system); rebuild with cgo.
	ErrUnsupported = messages.Error("PC/SC is not available in this build (built without cgo)")
	// ErrNoLibrary: on Linux pcsc-lite is loaded when first used, and this
	// machine does not have it; install pcscd and libpcsclite1.
	ErrNoLibrary = messages.Error("PC/SC library libpcsclite.so.1 is not installed (Debian: apt-get install pcscd libpcsclite1)")
	// ErrReleased: the Context, Card or Reader was released or closed by this
	// process; nothing was sent to pcscd.
	ErrReleased = messages.Error("PC/SC context or card already released")
	// ErrCommandLength: a command APDU shorter than a header or longer than
	// an extended APDU; nothing was sent.
	ErrCommandLength = messages.Error("bad command APDU length")
	// ErrProtocol: the connection's active protocol is neither T=0 nor T=1,
	// so no PCI header can be chosen; nothing was sent.
	ErrProtocol = messages.Error("unsupported card protocol")
	// ErrShortResponse: the reader answered with fewer than two bytes, no
	// status word; see [ShortResponseError].
	ErrShortResponse = messages.Error("response without status word")
	// ErrServiceLost matches every [*Error] saying the PC/SC service this
	// process talked to is gone — stopped (SCARD_E_NO_SERVICE,
	// SCARD_E_SERVICE_STOPPED), or restarted, which voids every handle of
	// the old one (SCARD_E_INVALID_HANDLE, SCARD_F_COMM_ERROR) — and every
	// one saying the reader went away (SCARD_E_UNKNOWN_READER,
	// SCARD_E_READER_UNAVAILABLE). It is retryable: [WaitForCard] waits
	// through it and [Reader.Reconnect] re-establishes the PC/SC context.
	ErrServiceLost = messages.Error("PC/SC service or reader lost: wait for the card and reconnect")
	// ErrSessionEnded: a Transport handed to a Reader.Session callback was
	// used after the callback returned, when the transaction no longer
	// protects it.
	ErrSessionEnded = messages.Error("card session already ended")
	// errUnknownCode is what an [*Error] with a code outside the table unwraps to.
	errUnknownCode = messages.Error("PC/SC error")
)

// codeInfo names a return code and gives its sentinel. A switch rather than a
// map keeps the table immutable.
func codeInfo(c Code) (name string, sentinel error) {
	switch c {
	case CodeInternalError:
		return "SCARD_F_INTERNAL_ERROR", ErrInternal
	case CodeCancelled, CodeSystemCancelled:
		return "SCARD_E_CANCELLED", ErrCancelled
	case CodeInvalidHandle:
		return "SCARD_E_INVALID_HANDLE", ErrInvalidHandle
	case CodeInvalidParameter, CodeInvalidValue:
		return "SCARD_E_INVALID_PARAMETER", ErrInvalidParameter
	case CodeNoMemory:
		return "SCARD_E_NO_MEMORY", ErrNoMemory
	case CodeInsufficientBuffer:
		return "SCARD_E_INSUFFICIENT_BUFFER", ErrInsufficientBuffer
	case CodeUnknownReader:
		return "SCARD_E_UNKNOWN_READER", ErrUnknownReader
	case CodeTimeout:
		return "SCARD_E_TIMEOUT", ErrTimeout
	case CodeSharingViolation:
		return "SCARD_E_SHARING_VIOLATION", ErrSharingViolation
	case CodeNoSmartcard:
		return "SCARD_E_NO_SMARTCARD", ErrNoSmartcard
	case CodeProtoMismatch:
		return "SCARD_E_PROTO_MISMATCH", ErrProtoMismatch
	case CodeNotReady:
		return "SCARD_E_NOT_READY", ErrNotReady
	case CodeCommError:
		return "SCARD_F_COMM_ERROR", ErrCommError
	case CodeNotTransacted:
		return "SCARD_E_NOT_TRANSACTED", ErrNotTransacted
	case CodeReaderUnavailable:
		return "SCARD_E_READER_UNAVAILABLE", ErrReaderUnavailable
	case CodeNoService:
		return "SCARD_E_NO_SERVICE", ErrNoService
	case CodeServiceStopped:
		return "SCARD_E_SERVICE_STOPPED", ErrServiceStopped
	case CodeNoReadersAvailable:
		return "SCARD_E_NO_READERS_AVAILABLE", ErrNoReaders
	case CodeUnsupportedFeature:
		return "SCARD_E_UNSUPPORTED_FEATURE", ErrUnsupportedFeature
	case CodeUnsupportedCard:
		return "SCARD_W_UNSUPPORTED_CARD", ErrUnsupportedCard
	case CodeUnresponsiveCard:
		return "SCARD_W_UNRESPONSIVE_CARD", ErrUnresponsiveCard
	case CodeUnpoweredCard:
		return "SCARD_W_UNPOWERED_CARD", ErrUnpoweredCard
	case CodeResetCard:
		return "SCARD_W_RESET_CARD", ErrResetCard
	case CodeRemovedCard:
		return "SCARD_W_REMOVED_CARD", ErrRemovedCard
	case CodeSecurityViolation:
		return "SCARD_W_SECURITY_VIOLATION", ErrSecurityViolation
	default:
		return "unknown code", errUnknownCode
	}
}

// Error is a failed PC/SC call: which function, on which reader (empty for
// context-wide calls), and the return code. It unwraps to the sentinel of its
// code (ErrRemovedCard, ErrTimeout, …).
type Error struct {
	Op     string // the PC/SC function, e.g. "SCardTransmit"
	Reader string // the reader's name, "" when the call has no reader
	Code   Code   // the raw return code
}

// Error renders the error in English.
func (e *Error) Error() string { return e.Localize(l10n.English) }

// Localize renders the error in Chinese or English.
func (e *Error) Localize(tag language.Tag) string {
	name, sentinel := codeInfo(e.Code)
	what := l10n.Error(sentinel, tag)
	if e.Reader == "" {
		return "pcsc: " + messages.Sprintf(tag, "%[1]s: %[2]s (%[3]s, 0x%08[4]X)", e.Op, what, name, uint32(e.Code))
	}
	return "pcsc: " + messages.Sprintf(tag, "%[1]s on reader %[2]q: %[3]s (%[4]s, 0x%08[5]X)", e.Op, e.Reader, what, name, uint32(e.Code))
}

// Unwrap yields the sentinel for the code and, for a lost service or
// reader, [ErrServiceLost].
func (e *Error) Unwrap() []error {
	_, sentinel := codeInfo(e.Code)
	switch e.Code {
	case CodeNoService, CodeServiceStopped, CodeInvalidHandle, CodeCommError, CodeUnknownReader, CodeReaderUnavailable:
		return []error{sentinel, ErrServiceLost}
	}
	return []error{sentinel}
}

// newError returns nil for SCARD_S_SUCCESS and an *Error otherwise.
func newError(op, reader string, rv uint32) error {
	switch rv {
	case uint32(codeSuccess):
		return nil
	case errUnsupportedCode:
		return ErrUnsupported
	case errNoLibraryCode:
		return ErrNoLibrary
	}
	return &Error{Op: op, Reader: reader, Code: Code(rv)}
}

// CommandLengthError is a command APDU rejected before it reached pcscd.
type CommandLengthError struct {
	Len int // the length given
	Max int // the longest command accepted
}

// Error renders the error in English.
func (e *CommandLengthError) Error() string { return e.Localize(l10n.English) }

// Localize renders the error in Chinese or English.
func (e *CommandLengthError) Localize(tag language.Tag) string {
	return "pcsc: " + messages.Sprintf(tag, "command APDU of %d bytes: want 4 to %d bytes", e.Len, e.Max)
}

// Unwrap yields [ErrCommandLength].
func (e *CommandLengthError) Unwrap() error { return ErrCommandLength }

// ProtocolError is a connection whose active protocol has no PCI header.
type ProtocolError struct {
	Reader   string
	Protocol Protocol
}

// Error renders the error in English.
func (e *ProtocolError) Error() string { return e.Localize(l10n.English) }

// Localize renders the error in Chinese or English.
func (e *ProtocolError) Localize(tag language.Tag) string {
	return "pcsc: " + messages.Sprintf(tag, "reader %q uses protocol 0x%X: want T=0 (1) or T=1 (2)", e.Reader, uint32(e.Protocol))
}

// Unwrap yields [ErrProtocol].
func (e *ProtocolError) Unwrap() error { return ErrProtocol }

// ShortResponseError is an answer without status word. A card torn out of
// the reader mid-APDU may surface this way (the vpcd driver does); Cause is
// what the connection's status said right after, typically an [*Error]
// matching [ErrRemovedCard], so errors.Is(err, ErrRemovedCard) holds then.
type ShortResponseError struct {
	Reader string
	Len    int
	Cause  error // nil when the status query succeeded
}

// Error renders the error in English.
func (e *ShortResponseError) Error() string { return e.Localize(l10n.English) }

// Localize renders the error in Chinese or English.
func (e *ShortResponseError) Localize(tag language.Tag) string {
	if e.Cause == nil {
		return "pcsc: " + messages.Sprintf(tag, "reader %q answered with %d bytes: a response has at least SW1 SW2", e.Reader, e.Len)
	}
	return "pcsc: " + messages.Sprintf(tag, "reader %q answered with %d bytes: a response has at least SW1 SW2 (%s)", e.Reader, e.Len, l10n.Error(e.Cause, tag))
}

// Unwrap yields [ErrShortResponse] and the cause.
func (e *ShortResponseError) Unwrap() []error {
	if e.Cause == nil {
		return []error{ErrShortResponse}
	}
	return []error{ErrShortResponse, e.Cause}
}
