package lists

import (
	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/studentid"
)

// messages holds every user-facing text of the package, in English (the
// key) and Chinese.
var messages = l10n.NewCatalog(
	// Event kinds (Kind.Localize).
	l10n.Entry{Key: "loss", ZH: "挂失"},
	l10n.Entry{Key: "unloss", ZH: "解挂"},
	l10n.Entry{Key: "freeze", ZH: "冻结"},
	l10n.Entry{Key: "unfreeze", ZH: "解冻"},
	// Sentinels.
	l10n.Entry{Key: "file truncated", ZH: "文件不完整（被截断）"},
	l10n.Entry{Key: "data after the end of the file", ZH: "文件结尾之后还有多余数据"},
	l10n.Entry{Key: "bad magic: not a list file of this kind", ZH: "文件标识错误：不是此类名单文件"},
	l10n.Entry{Key: "unsupported format version", ZH: "不支持的格式版本"},
	l10n.Entry{Key: "bad header field", ZH: "文件头字段错误"},
	l10n.Entry{Key: "entries not in strictly increasing serial order", ZH: "条目未按卡序列号严格递增排序"},
	l10n.Entry{Key: "invalid status in entry", ZH: "条目状态值无效"},
	l10n.Entry{Key: "digest mismatch: the file was altered or damaged", ZH: "摘要不符：文件被篡改或损坏"},
	l10n.Entry{Key: "bad signature: the file was not signed by the expected key", ZH: "签名无效：文件不是由预期的密钥签发"},
	l10n.Entry{Key: "public key is not an Ed25519 public key", ZH: "公钥不是Ed25519公钥"},
	l10n.Entry{Key: "signer does not hold an Ed25519 key", ZH: "签名者不持有Ed25519密钥"},
	l10n.Entry{Key: "too many entries", ZH: "条目过多"},
	l10n.Entry{Key: "serial given twice", ZH: "卡序列号重复"},
	l10n.Entry{Key: "delta does not apply to this list", ZH: "增量与该名单不匹配"},
	l10n.Entry{Key: "lists are not in version order", ZH: "名单版本顺序不对"},
	l10n.Entry{Key: "change removes a card the list does not hold", ZH: "变更删除了名单中没有的卡"},
	l10n.Entry{Key: "change repeats the status the card has", ZH: "变更设置的状态与卡现有状态相同"},
	l10n.Entry{Key: "serial is not 16 hexadecimal digits", ZH: "卡序列号不是16位十六进制数字"},
	l10n.Entry{Key: "unknown event kind (want loss, unloss, freeze or unfreeze)", ZH: "未知的事件类别（应为loss、unloss、freeze或unfreeze）"},
	l10n.Entry{Key: "bad event time", ZH: "事件时间错误"},
	l10n.Entry{Key: "bad student registry number", ZH: "学籍号错误"},
	l10n.Entry{Key: "required field is empty", ZH: "必填字段为空"},
	l10n.Entry{Key: "school code is not 8 digits", ZH: "学校代码不是8位数字"},
	l10n.Entry{Key: "school is outside the sender's area", ZH: "学校不在发送方的管辖范围内"},
	l10n.Entry{Key: "events out of order", ZH: "事件未按顺序排列"},
	l10n.Entry{Key: "list version older than the one the reader holds", ZH: "名单版本比读卡器现有版本旧"},
	l10n.Entry{Key: "another list with the version the reader holds", ZH: "与读卡器现有名单版本相同但内容不同"},

	// Typed errors.
	l10n.Entry{Key: "%s: offset %d: %s: %s", ZH: "%[1]s：偏移%[2]d：%[3]s：%[4]s"},
	l10n.Entry{Key: "%s: entry %d at offset %d: %s: %s", ZH: "%[1]s：第%[2]d条（偏移%[3]d）：%[4]s：%[5]s"},
	l10n.Entry{Key: "%s (want %s, got %s)", ZH: "%[1]s（应为%[2]s，实为%[3]s）"},
	l10n.Entry{Key: "%s (want %s)", ZH: "%[1]s（应为%[2]s）"},
	l10n.Entry{Key: "field %s: %s", ZH: "字段%[1]s：%[2]s"},
	l10n.Entry{Key: "%s: %s", ZH: "%[1]s：%[2]s"},
	l10n.Entry{Key: "option %s: %s", ZH: "选项%[1]s：%[2]s"},
	l10n.Entry{Key: "serial %s given twice", ZH: "卡序列号%s重复"},
	l10n.Entry{Key: "signing failed: %s", ZH: "签名失败：%s"},
	l10n.Entry{Key: "delta from version %d does not apply to list version %d", ZH: "基于版本%[1]d的增量不能用于版本%[2]d的名单"},
	l10n.Entry{Key: "delta entry %d: serial %s: %s", ZH: "增量第%[1]d条：卡序列号%[2]s：%[3]s"},
	l10n.Entry{Key: "source %d, event %d: %s", ZH: "第%[1]d个来源，第%[2]d个事件：%[3]s"},
	l10n.Entry{Key: "card %[1]s at %[2]s: conflicting events %[3]s (%[4]s) and %[5]s (%[6]s)", ZH: "卡%[1]s在%[2]s有相互冲突的事件：%[3]s（学校%[4]s）与%[5]s（学校%[6]s）"},

	// Words used inside the texts above.
	l10n.Entry{Key: "list", ZH: "名单"},
	l10n.Entry{Key: "delta", ZH: "增量"},
	l10n.Entry{Key: "header", ZH: "文件头"},
	l10n.Entry{Key: "magic", ZH: "文件标识"},
	l10n.Entry{Key: "format version", ZH: "格式版本"},
	l10n.Entry{Key: "digest algorithm", ZH: "摘要算法"},
	l10n.Entry{Key: "kind flags", ZH: "类别标志"},
	l10n.Entry{Key: "base version", ZH: "基准版本"},
	l10n.Entry{Key: "entry width", ZH: "条目宽度"},
	l10n.Entry{Key: "reserved", ZH: "保留字节"},
	l10n.Entry{Key: "entry count", ZH: "条目数"},
	l10n.Entry{Key: "list version", ZH: "名单版本"},
	l10n.Entry{Key: "length", ZH: "文件长度"},
	l10n.Entry{Key: "body", ZH: "正文"},
	l10n.Entry{Key: "digest", ZH: "摘要"},
	l10n.Entry{Key: "signature", ZH: "签名"},
	l10n.Entry{Key: "serial", ZH: "卡序列号"},
	l10n.Entry{Key: "status", ZH: "状态"},
	l10n.Entry{Key: "registry", ZH: "学籍号"},
	l10n.Entry{Key: "kind", ZH: "事件类别"},
	l10n.Entry{Key: "time", ZH: "事件时间"},
	l10n.Entry{Key: "school", ZH: "学校代码"},
	l10n.Entry{Key: "operator", ZH: "操作员"},
)

// Sentinels: match them with errors.Is; the typed errors below wrap them and
// say where.
var (
	// ErrTruncated: the file ends before its header says it should.
	ErrTruncated = messages.Error("file truncated")
	// ErrTrailingData: bytes follow the signature.
	ErrTrailingData = messages.Error("data after the end of the file")
	// ErrBadMagic: the first four bytes are not "BJSL" (list) or "BJSD"
	// (delta) as expected.
	ErrBadMagic = messages.Error("bad magic: not a list file of this kind")
	// ErrVersion: the format version is not FormatVersion.
	ErrVersion = messages.Error("unsupported format version")
	// ErrBadHeader: a header field (digest algorithm, kind flags, base
	// version, entry width, count, reserved bytes) has a value the format
	// does not allow.
	ErrBadHeader = messages.Error("bad header field")
	// ErrUnsorted: an entry's serial is not above the previous one.
	ErrUnsorted = messages.Error("entries not in strictly increasing serial order")
	// ErrBadStatus: an entry's status is zero (lists) or has bits outside
	// the kind flags.
	ErrBadStatus = messages.Error("invalid status in entry")
	// ErrDigest: the stored digest is not the digest of header and entries.
	ErrDigest = messages.Error("digest mismatch: the file was altered or damaged")
	// ErrSignature: the Ed25519 signature does not verify with the key given.
	ErrSignature = messages.Error("bad signature: the file was not signed by the expected key")
	// ErrPublicKey: the verification key is not a 32-byte Ed25519 key.
	ErrPublicKey = messages.Error("public key is not an Ed25519 public key")
	// ErrSignerKey: the signer is missing or its key is not Ed25519.
	ErrSignerKey = messages.Error("signer does not hold an Ed25519 key")
	// ErrTooMany: more entries than MaxEntries.
	ErrTooMany = messages.Error("too many entries")
	// ErrDuplicate: Build was given one serial twice.
	ErrDuplicate = messages.Error("serial given twice")
	// ErrDeltaBase: a delta was applied to a list other than its base.
	ErrDeltaBase = messages.Error("delta does not apply to this list")
	// ErrNotInBase: a delta change removes a card its base list does not hold.
	ErrNotInBase = messages.Error("change removes a card the list does not hold")
	// ErrSameStatus: a delta change sets the status the card already has.
	ErrSameStatus = messages.Error("change repeats the status the card has")
	// ErrRollback: a list or delta would take a reader back to a version
	// older than the one it holds (anti-rollback, R-LIST-1).
	ErrRollback = messages.Error("list version older than the one the reader holds")
	// ErrSubstituted: a list or delta has the version the reader holds but
	// another digest: two different lists claim one version.
	ErrSubstituted = messages.Error("another list with the version the reader holds")
	// ErrVersionOrder: Diff was asked for a delta that does not go forward,
	// or Build for a version not above its base.
	ErrVersionOrder = messages.Error("lists are not in version order")
	// ErrBadSerial: a serial is not 16 hexadecimal digits.
	ErrBadSerial = messages.Error("serial is not 16 hexadecimal digits")
	// ErrBadKind: an event kind is not one of the four names.
	ErrBadKind = messages.Error("unknown event kind (want loss, unloss, freeze or unfreeze)")
	// ErrBadTime: an event time is missing or not in the file's format.
	ErrBadTime = messages.Error("bad event time")
	// ErrBadRegistry: the registry number is not a valid 16-digit number.
	ErrBadRegistry = messages.Error("bad student registry number")
	// ErrEmpty: a required event field is empty.
	ErrEmpty = messages.Error("required field is empty")
	// ErrBadSchool: a school code is not 8 digits.
	ErrBadSchool = messages.Error("school code is not 8 digits")
	// ErrForeignSchool: an event's school is not under the file's sender
	// (its code does not start with the sender's code).
	ErrForeignSchool = messages.Error("school is outside the sender's area")
	// ErrOutOfOrder: an event comes before the one preceding it in the
	// event order (Event.Compare): files and merge inputs must be sorted.
	ErrOutOfOrder = messages.Error("events out of order")
)

// Names of event fields, used in FieldError.Field; they are also the column
// names of event files.
const (
	FieldSerial   = "serial"
	FieldRegistry = "registry"
	FieldKind     = "kind"
	FieldTime     = "time"
	FieldSchool   = "school"
	FieldOperator = "operator"
)

// FormatError says where a compact list or delta is wrong: the file, the
// byte offset, the entry (or -1), the field, what was expected and what was
// found. It unwraps to one of the sentinels.
type FormatError struct {
	File   string // "list" or "delta"
	Offset int64  // byte offset of the fault
	Entry  int    // entry index, or -1 when the fault is not in an entry
	Field  string // e.g. "magic", "serial", "digest"
	Want   string // expected value, may be empty
	Got    string // value found, may be empty
	Err    error
}

// Error renders the error in English, prefixed with the package name.
func (e *FormatError) Error() string { return "lists: " + e.Localize(l10n.English) }

// Unwrap returns the sentinel.
func (e *FormatError) Unwrap() error { return e.Err }

// Localize renders the error in Chinese or English.
func (e *FormatError) Localize(tag language.Tag) string {
	what := l10n.Error(e.Err, tag)
	switch {
	case e.Want != "" && e.Got != "":
		what = messages.Sprintf(tag, "%s (want %s, got %s)", what, e.Want, e.Got)
	case e.Want != "":
		what = messages.Sprintf(tag, "%s (want %s)", what, e.Want)
	}
	file, field := messages.Sprintf(tag, e.File), messages.Sprintf(tag, e.Field)
	if e.Entry >= 0 {
		return messages.Sprintf(tag, "%s: entry %d at offset %d: %s: %s", file, e.Entry, e.Offset, field, what)
	}
	return messages.Sprintf(tag, "%s: offset %d: %s: %s", file, e.Offset, field, what)
}

// FieldError is a bad event field; the event file reader wraps it in a
// *batch.ParseError that adds file and line.
type FieldError struct {
	Field string // one of the Field… names
	Err   error  // a sentinel of this package
	Cause error  // the underlying error (e.g. studentid's), or nil
}

// Error renders the error in English, prefixed with the package name.
func (e *FieldError) Error() string { return "lists: " + e.Localize(l10n.English) }

// Unwrap returns the sentinel and the cause, if any.
func (e *FieldError) Unwrap() []error {
	if e.Cause != nil {
		return []error{e.Err, e.Cause}
	}
	return []error{e.Err}
}

// Localize renders the error in Chinese or English.
func (e *FieldError) Localize(tag language.Tag) string {
	what := l10n.Error(e.Err, tag)
	if e.Cause != nil {
		what = messages.Sprintf(tag, "%s: %s", what, l10n.Error(e.Cause, tag))
	}
	return messages.Sprintf(tag, "field %s: %s", messages.Sprintf(tag, e.Field), what)
}

// reason is what a *batch.ParseError carries for a bad field (the field
// name being in the ParseError already): the sentinel, and the cause if any.
func (e *FieldError) reason() error {
	if e.Cause == nil {
		return e.Err
	}
	return &causedError{err: e.Err, cause: e.Cause}
}

// causedError is a sentinel with the error that caused it (e.g. ErrBadRegistry
// with studentid's *Error); both match errors.Is and errors.As.
type causedError struct{ err, cause error }

// Error renders the error in English.
func (e *causedError) Error() string { return e.Localize(l10n.English) }

// Unwrap returns the sentinel and its cause.
func (e *causedError) Unwrap() []error { return []error{e.err, e.cause} }

// Localize renders the error in Chinese or English.
func (e *causedError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "%s: %s", l10n.Error(e.err, tag), l10n.Error(e.cause, tag))
}

// OptionError is a bad BuildOptions or DeltaOptions field.
type OptionError struct {
	Field string
	Err   error
}

// Error renders the error in English, prefixed with the package name.
func (e *OptionError) Error() string { return "lists: " + e.Localize(l10n.English) }

// Unwrap returns the sentinel.
func (e *OptionError) Unwrap() error { return e.Err }

// Localize renders the error in Chinese or English.
func (e *OptionError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "option %s: %s", e.Field, l10n.Error(e.Err, tag))
}

// DuplicateError names a serial given twice to Build. It unwraps to
// ErrDuplicate.
type DuplicateError struct{ Serial studentid.Serial }

// Error renders the error in English, prefixed with the package name.
func (e *DuplicateError) Error() string { return "lists: " + e.Localize(l10n.English) }

// Unwrap returns ErrDuplicate.
func (e *DuplicateError) Unwrap() error { return ErrDuplicate }

// Localize renders the error in Chinese or English.
func (e *DuplicateError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "serial %s given twice", e.Serial.String())
}

// SignError is a failure of the injected signer. It never carries the key.
type SignError struct{ Err error }

// Error renders the error in English, prefixed with the package name.
func (e *SignError) Error() string { return "lists: " + e.Localize(l10n.English) }

// Unwrap returns the signer's error.
func (e *SignError) Unwrap() error { return e.Err }

// Localize renders the error in Chinese or English.
func (e *SignError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "signing failed: %s", l10n.Error(e.Err, tag))
}

// BaseError says a delta was applied to a list of another version, or that a
// change does not fit the base (it removes a card the base does not hold, or
// sets the status the card already has). It unwraps to ErrDeltaBase.
type BaseError struct {
	Want, Got uint64           // base version of the delta, version of the list
	Entry     int              // the change that does not fit, or -1
	Serial    studentid.Serial // its serial
	Err       error            // for a change: ErrNotInBase or ErrSameStatus
}

// Error renders the error in English, prefixed with the package name.
func (e *BaseError) Error() string { return "lists: " + e.Localize(l10n.English) }

// Unwrap returns ErrDeltaBase and, for a change, its cause.
func (e *BaseError) Unwrap() []error {
	if e.Err != nil && e.Err != ErrDeltaBase {
		return []error{ErrDeltaBase, e.Err}
	}
	return []error{ErrDeltaBase}
}

// Localize renders the error in Chinese or English.
func (e *BaseError) Localize(tag language.Tag) string {
	s := messages.Sprintf(tag, "delta from version %d does not apply to list version %d", e.Want, e.Got)
	if e.Entry >= 0 {
		s = messages.Sprintf(tag, "%s: %s", s, messages.Sprintf(tag, "delta entry %d: serial %s: %s", e.Entry, e.Serial.String(), l10n.Error(e.Err, tag)))
	}
	return s
}

// OrderError says a merge input is not sorted: event Index (from 0) of
// source Source comes before its predecessor. It unwraps to ErrOutOfOrder.
type OrderError struct {
	Source, Index int
}

// Error renders the error in English, prefixed with the package name.
func (e *OrderError) Error() string { return "lists: " + e.Localize(l10n.English) }

// Unwrap returns ErrOutOfOrder.
func (e *OrderError) Unwrap() error { return ErrOutOfOrder }

// Localize renders the error in Chinese or English.
func (e *OrderError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "source %d, event %d: %s", e.Source, e.Index, l10n.Error(ErrOutOfOrder, tag))
}
