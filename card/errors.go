package card

import (
	"fmt"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/l10n"
)

// messages holds every user-facing text of package card. No text takes a
// key, a cryptogram or a MAC as an argument (SPEC A-3); names appear only
// in NameError, which the operator needs to fix the record.
var messages = l10n.NewCatalog(
	// sentinels
	l10n.Entry{Key: "not a registry card: no education application", ZH: "不是学籍卡：卡内没有教育应用"},
	l10n.Entry{Key: "card failed internal authentication: not a genuine card of the education key system", ZH: "卡片内部认证失败：不是教育应用密钥体系内的真卡"},
	l10n.Entry{Key: "card refused the terminal's key: external authentication failed", ZH: "卡片拒绝终端密钥：外部认证失败"},
	l10n.Entry{Key: "card's external authentication key is blocked", ZH: "卡片外部认证密钥已锁定"},
	l10n.Entry{Key: "operation not allowed in the card's state", ZH: "卡片当前状态不允许该操作"},
	l10n.Entry{Key: "malformed card data", ZH: "卡内数据格式错误"},
	l10n.Entry{Key: "text cannot be stored on the card", ZH: "文字无法写入卡片"},
	l10n.Entry{Key: "bad semester", ZH: "学期错误"},
	l10n.Entry{Key: "card and SAM use different cipher suites", ZH: "卡片与安全模块的密码算法不一致"},
	l10n.Entry{Key: "no student record on the card", ZH: "卡内没有学生记录"},
	l10n.Entry{Key: "card refused the secure-messaging MAC", ZH: "卡片拒绝安全报文MAC"},
	l10n.Entry{Key: "card answered unexpectedly", ZH: "卡片应答异常"},
	l10n.Entry{Key: "M1 sector authentication failed with every education key", ZH: "M1扇区用所有教育密钥认证均失败"},
	l10n.Entry{Key: "unknown M1 education sector layout", ZH: "未知的M1教育扇区格式"},
	l10n.Entry{Key: "reader cannot read the card UID: not an M1 card or not a PC/SC reader", ZH: "读卡器无法读取卡号：不是M1卡或不是PC/SC读卡器"},

	// typed errors
	l10n.Entry{Key: "%[1]s: %[2]s", ZH: "%[1]s：%[2]s"},
	l10n.Entry{Key: "%[1]s, field %[2]s at byte %[3]d: %[4]s", ZH: "%[1]s，字段%[2]s（第%[3]d字节）：%[4]s"},
	l10n.Entry{Key: "%[1]s: empty", ZH: "%[1]s：为空"},
	l10n.Entry{Key: "%[1]s: character %[2]q (U+%04[3]X) at position %[4]d is not valid text", ZH: "%[1]s：第%[4]d个字符%[2]q（U+%04[3]X）不是有效文字"},
	l10n.Entry{Key: "%[1]s: character %[2]q (U+%04[3]X) at position %[4]d is not in GB2312 (rare character: file a rare-character description)", ZH: "%[1]s：第%[4]d个字符%[2]q（U+%04[3]X）不在GB2312中（生僻字：请填报生僻字说明）"},
	l10n.Entry{Key: "%[1]s: character %[2]q (U+%04[3]X) at position %[4]d does not fit in %[5]d bytes", ZH: "%[1]s：第%[4]d个字符%[2]q（U+%04[3]X）超出%[5]d字节"},
	l10n.Entry{Key: "semester %[1]q: want YYYY-1 or YYYY-2", ZH: "学期%[1]q：应为YYYY-1或YYYY-2"},
	l10n.Entry{Key: "semester %[1]s is before the card's last registration %[2]s", ZH: "学期%[1]s早于卡内最近注册学期%[2]s"},
	l10n.Entry{Key: "cannot %[1]s a card that is %[2]s", ZH: "卡片状态为%[2]s，不能%[1]s"},
	l10n.Entry{Key: "%[1]s: card says %[2]s, %[3]d tries left", ZH: "%[1]s：卡片返回%[2]s，剩余%[3]d次"},
	l10n.Entry{Key: "card uses %[1]s keys, the SAM %[2]s", ZH: "卡片使用%[1]s密钥，安全模块使用%[2]s"},

	// statuses and operations, rendered inside StateError
	l10n.Entry{Key: "blank", ZH: "空白"},
	l10n.Entry{Key: "personalised", ZH: "已个人化"},
	l10n.Entry{Key: "frozen", ZH: "已冻结"},
	l10n.Entry{Key: "cancelled", ZH: "已注销"},
	l10n.Entry{Key: "recovered", ZH: "已回收"},
	l10n.Entry{Key: "transferred out", ZH: "已转出"},
	l10n.Entry{Key: "transferred in", ZH: "已转入"},
	l10n.Entry{Key: "personalise", ZH: "个人化"},
	l10n.Entry{Key: "register", ZH: "注册"},
	l10n.Entry{Key: "transfer out", ZH: "转出"},
	l10n.Entry{Key: "transfer in", ZH: "转入"},
	l10n.Entry{Key: "freeze", ZH: "冻结"},
	l10n.Entry{Key: "unfreeze", ZH: "解冻"},
	l10n.Entry{Key: "cancel", ZH: "注销"},
	l10n.Entry{Key: "open extension", ZH: "开放扩展区"},
	l10n.Entry{Key: "recycle extension", ZH: "回收扩展区"},
	l10n.Entry{Key: "recover", ZH: "回收"},
	l10n.Entry{Key: "write extension", ZH: "写扩展区"},
	l10n.Entry{Key: "upgrade", ZH: "升级"},
)

// Sentinels: every error of this package matches one of them with errors.Is.
var (
	// ErrNotOurCard: the card has no education application (SELECT by AID
	// failed) — a transit-only card, a bank card, another system's card.
	ErrNotOurCard = messages.Error("not a registry card: no education application")
	// ErrCounterfeit: the card's INTERNAL AUTHENTICATE answer does not match
	// the SAM's (SPEC A-1): a counterfeit card, or a card keyed by another
	// issuer or key version. Do not trust anything it says.
	ErrCounterfeit = messages.Error("card failed internal authentication: not a genuine card of the education key system")
	// ErrWrongKey: the card refused EXTERNAL AUTHENTICATE (63Cx, SPEC A-2):
	// the terminal's SAM holds another key; each try costs one of the card's
	// retries. [*AuthError] says how many are left.
	ErrWrongKey = messages.Error("card refused the terminal's key: external authentication failed")
	// ErrKeyBlocked: the card's external-authentication key is blocked
	// (6983) after too many failures; only the issuer can unblock it.
	ErrKeyBlocked = messages.Error("card's external authentication key is blocked")
	// ErrIllegalState: the operation is not allowed from the card's status;
	// [*StateError] names the status.
	ErrIllegalState = messages.Error("operation not allowed in the card's state")
	// ErrMalformed: a file or record on the card (or given to a decoder) is
	// not in the documented layout; [*FieldError] says where.
	ErrMalformed = messages.Error("malformed card data")
	// ErrName: a text field cannot be stored; [*NameError] names the
	// character (SPEC C-4).
	ErrName = messages.Error("text cannot be stored on the card")
	// ErrSemester: a semester is malformed or older than the card's last
	// registration (SPEC R-REG-1).
	ErrSemester = messages.Error("bad semester")
	// ErrSuiteMismatch: the card's keys are of another suite than the SAM's.
	ErrSuiteMismatch = messages.Error("card and SAM use different cipher suites")
	// ErrNoStudent: the student record is empty (blank or recovered card).
	ErrNoStudent = messages.Error("no student record on the card")
	// ErrMACRefused: the card refused a protected write's MAC (6988): the
	// SAM's MAC key is not the card's, or the command was changed on the way.
	ErrMACRefused = messages.Error("card refused the secure-messaging MAC")
	// ErrUnexpected: the card answered with a status or length the protocol
	// does not allow at that step; the wrapped error says which.
	ErrUnexpected = messages.Error("card answered unexpectedly")
	// ErrM1Auth: no education key (current or legacy) opens the M1 card's
	// education sector: not our card, or its keys were changed.
	ErrM1Auth = messages.Error("M1 sector authentication failed with every education key")
	// ErrM1Layout: the M1 education sector holds neither the legacy nor the
	// current layout.
	ErrM1Layout = messages.Error("unknown M1 education sector layout")
	// ErrNoUID: GET UID (FF CA) failed: the card is not an M1 card or the
	// reader does not speak the PC/SC pseudo-APDUs.
	ErrNoUID = messages.Error("reader cannot read the card UID: not an M1 card or not a PC/SC reader")
)

// FieldError says which field of which file is malformed and why. It
// matches [ErrMalformed].
type FieldError struct {
	File   string // e.g. "student record (SFI 16)"
	Field  string // e.g. "registry number"
	Offset int    // byte offset of the field in the file
	Reason string // English detail, e.g. "not BCD"
}

// Error is the English text of the error; Localize renders it in Chinese too.
func (e *FieldError) Error() string { return "card: " + e.Localize(l10n.English) }

// Localize renders the error in the language tag; the reason stays English.
func (e *FieldError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "%[1]s, field %[2]s at byte %[3]d: %[4]s", e.File, e.Field, e.Offset, e.Reason)
}

// Unwrap yields ErrMalformed.
func (e *FieldError) Unwrap() error { return ErrMalformed }

// NameReason says why a text does not fit.
type NameReason int

// The reasons.
const (
	ReasonEmpty     NameReason = iota // nothing to store
	ReasonInvalid                     // a control, private-use or invalid character
	ReasonNotGB2312                   // a rare character where only GB2312 is allowed (legacy M1)
	ReasonTooLong                     // the encoded text overflows the field at Char
)

// NameError says which character of a text cannot be stored on the card and
// why (SPEC C-4: rare characters). It matches [ErrName].
type NameError struct {
	Field  string // "name", "school name"
	Char   rune   // the offending character
	Pos    int    // its position, 1-based, in characters
	Reason NameReason
	Max    int // the field size in bytes, for ReasonTooLong
}

// Error is the English text of the error; Localize renders it in Chinese too.
func (e *NameError) Error() string { return "card: " + e.Localize(l10n.English) }

// Localize renders the error in the language tag.
func (e *NameError) Localize(tag language.Tag) string {
	switch e.Reason {
	case ReasonEmpty:
		return messages.Sprintf(tag, "%[1]s: empty", e.Field)
	case ReasonNotGB2312:
		return messages.Sprintf(tag, "%[1]s: character %[2]q (U+%04[3]X) at position %[4]d is not in GB2312 (rare character: file a rare-character description)", e.Field, e.Char, e.Char, e.Pos)
	case ReasonTooLong:
		return messages.Sprintf(tag, "%[1]s: character %[2]q (U+%04[3]X) at position %[4]d does not fit in %[5]d bytes", e.Field, e.Char, e.Char, e.Pos, e.Max)
	}
	return messages.Sprintf(tag, "%[1]s: character %[2]q (U+%04[3]X) at position %[4]d is not valid text", e.Field, e.Char, e.Char, e.Pos)
}

// Unwrap yields ErrName.
func (e *NameError) Unwrap() error { return ErrName }

// SemesterError is a malformed semester (Last zero) or one older than the
// card's last registration (Last set). It matches [ErrSemester].
type SemesterError struct {
	Text string   // the semester asked for
	Last Semester // the card's last registration, when that was the problem
}

// Error is the English text of the error; Localize renders it in Chinese too.
func (e *SemesterError) Error() string { return "card: " + e.Localize(l10n.English) }

// Localize renders the error in the language tag.
func (e *SemesterError) Localize(tag language.Tag) string {
	if !e.Last.IsZero() {
		return messages.Sprintf(tag, "semester %[1]s is before the card's last registration %[2]s", e.Text, e.Last.String())
	}
	return messages.Sprintf(tag, "semester %[1]q: want YYYY-1 or YYYY-2", e.Text)
}

// Unwrap yields ErrSemester.
func (e *SemesterError) Unwrap() error { return ErrSemester }

// StateError says which operation the card's status does not allow. It
// matches [ErrIllegalState].
type StateError struct {
	Op     Op
	Status Status
}

// Error is the English text of the error; Localize renders it in Chinese too.
func (e *StateError) Error() string { return "card: " + e.Localize(l10n.English) }

// Localize renders the error in the language tag.
func (e *StateError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "cannot %[1]s a card that is %[2]s",
		messages.Sprintf(tag, e.Op.String()), messages.Sprintf(tag, e.Status.String()))
}

// Unwrap yields ErrIllegalState.
func (e *StateError) Unwrap() error { return ErrIllegalState }

// AuthError is the card refusing EXTERNAL AUTHENTICATE: Retries tries are
// left before the key blocks. It matches [ErrWrongKey], and
// [ErrKeyBlocked] when Retries is 0; the wrapped status error is kept.
type AuthError struct {
	Retries int
	Err     error // the apdu status error
}

// Error is the English text of the error; Localize renders it in Chinese too.
func (e *AuthError) Error() string { return "card: " + e.Localize(l10n.English) }

// Localize renders the error in the language tag.
func (e *AuthError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "%[1]s: card says %[2]s, %[3]d tries left",
		messages.Sprintf(tag, "card refused the terminal's key: external authentication failed"), l10n.Error(e.Err, tag), e.Retries)
}

// Unwrap yields ErrWrongKey (and ErrKeyBlocked at 0 retries) and the cause.
func (e *AuthError) Unwrap() []error {
	if e.Retries == 0 {
		return []error{ErrWrongKey, ErrKeyBlocked, e.Err}
	}
	return []error{ErrWrongKey, e.Err}
}

// SuiteError says the card's keys and the SAM's are of different suites. It
// matches [ErrSuiteMismatch].
type SuiteError struct {
	Card, SAM string
}

// Error is the English text of the error; Localize renders it in Chinese too.
func (e *SuiteError) Error() string { return "card: " + e.Localize(l10n.English) }

// Localize renders the error in the language tag.
func (e *SuiteError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "card uses %[1]s keys, the SAM %[2]s", e.Card, e.SAM)
}

// Unwrap yields ErrSuiteMismatch.
func (e *SuiteError) Unwrap() error { return ErrSuiteMismatch }

// StepError says at which step of a session (an APDU, a SAM call) an error
// happened: "EXTERNAL AUTHENTICATE: …". It matches Kind (one of this
// package's sentinels, or nil) and everything the cause matches (apdu
// status sentinels, sam.ErrLocked, sim.ErrRemoved, context errors, …).
type StepError struct {
	Step string // e.g. "SELECT education application", "SAM MAC"
	Kind error  // this package's sentinel for the failure, or nil
	Err  error  // the cause
}

// Error is the English text of the error; Localize renders it in Chinese too.
func (e *StepError) Error() string {
	return "card: " + messages.Sprintf(l10n.English, "%[1]s: %[2]s", e.Step, e.cause(l10n.English))
}

// Localize renders the error in the language tag.
func (e *StepError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "%[1]s: %[2]s", e.Step, e.cause(tag))
}

func (e *StepError) cause(tag language.Tag) string {
	if e.Kind != nil {
		return fmt.Sprintf("%s (%s)", l10n.Error(e.Kind, tag), l10n.Error(e.Err, tag))
	}
	return l10n.Error(e.Err, tag)
}

// Unwrap yields Kind (if set) and the cause.
func (e *StepError) Unwrap() []error {
	if e.Kind != nil {
		return []error{e.Kind, e.Err}
	}
	return []error{e.Err}
}
