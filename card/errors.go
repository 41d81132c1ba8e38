package card

import (
	"fmt"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/studentid"
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
	l10n.Entry{Key: keyIneligible, ZH: "不能办理学生卡（S-3：职业高中学生不发卡）"},
	l10n.Entry{Key: "student %[1]s is a %[2]s student: %[3]s", ZH: "学生%[1]s为%[2]s学生：%[3]s"},
	l10n.Entry{Key: "valid until %[1]s (31 August of the graduation year) is before the issue date %[2]s", ZH: "有效期截止日%[1]s（毕业当年8月31日）早于发卡日期%[2]s"},

	// typed errors
	l10n.Entry{Key: "%[1]s: %[2]s", ZH: "%[1]s：%[2]s"},
	l10n.Entry{Key: "%[1]s, field %[2]s at byte %[3]d: %[4]s", ZH: "%[1]s，字段%[2]s（第%[3]d字节）：%[4]s"},
	l10n.Entry{Key: "%[1]s: empty", ZH: "%[1]s：为空"},
	l10n.Entry{Key: "%[1]s: character %[2]q (U+%04[3]X) at position %[4]d is not valid text", ZH: "%[1]s：第%[4]d个字符%[2]q（U+%04[3]X）不是有效文字"},
	l10n.Entry{Key: "%[1]s: character %[2]q (U+%04[3]X) at position %[4]d is not in GB2312 (rare character: file a rare-character description)", ZH: "%[1]s：第%[4]d个字符%[2]q（U+%04[3]X）不在GB2312中（生僻字：请填报生僻字说明）"},
	l10n.Entry{Key: "%[1]s: character %[2]q (U+%04[3]X) at position %[4]d does not fit in %[5]d bytes", ZH: "%[1]s：第%[4]d个字符%[2]q（U+%04[3]X）超出%[5]d字节"},
	l10n.Entry{Key: "semester %[1]q: want YYYY-1 or YYYY-2", ZH: "学期%[1]q：应为YYYY-1或YYYY-2"},
	l10n.Entry{Key: "semester %[1]s is before the card's last registration %[2]s", ZH: "学期%[1]s早于卡内最近注册学期%[2]s"},
	l10n.Entry{Key: "semester %[1]s is not the current semester %[2]s", ZH: "学期%[1]s不是当前学期%[2]s"},
	l10n.Entry{Key: "cannot %[1]s a card that is %[2]s", ZH: "卡片状态为%[2]s，不能%[1]s"},
	l10n.Entry{Key: "%[1]s: card says %[2]s, %[3]d tries left", ZH: "%[1]s：卡片返回%[2]s，剩余%[3]d次"},
	l10n.Entry{Key: "card uses %[1]s keys, the SAM %[2]s", ZH: "卡片使用%[1]s密钥，安全模块使用%[2]s"},

	// files, fields, steps and reasons of FieldError, StepError and
	// M1LayoutError
	l10n.Entry{Key: "%v", ZH: "%v"},
	l10n.Entry{Key: "APDU", ZH: "APDU"},
	l10n.Entry{Key: "BER-TLV", ZH: "BER-TLV编码"},
	l10n.Entry{Key: "DF name (84)", ZH: "应用名称（标签84）"},
	l10n.Entry{Key: "EXTERNAL AUTHENTICATE", ZH: "外部认证（EXTERNAL AUTHENTICATE）"},
	l10n.Entry{Key: "FCI", ZH: "文件控制信息（FCI）"},
	l10n.Entry{Key: "GET CHALLENGE", ZH: "取随机数（GET CHALLENGE）"},
	l10n.Entry{Key: "GET CHALLENGE answer", ZH: "取随机数的应答"},
	l10n.Entry{Key: "INTERNAL AUTHENTICATE", ZH: "内部认证（INTERNAL AUTHENTICATE）"},
	l10n.Entry{Key: "INTERNAL AUTHENTICATE answer", ZH: "内部认证的应答"},
	l10n.Entry{Key: "READ BINARY %s", ZH: "读取%s（READ BINARY）"},
	l10n.Entry{Key: "UPDATE BINARY %s", ZH: "写入%s（UPDATE BINARY）"},
	l10n.Entry{Key: "APPEND RECORD operation log (%s)", ZH: "追加操作日志（%s）（APPEND RECORD）"},
	l10n.Entry{Key: "READ BINARY (FF B0) block %d", ZH: "读取第%d块（FF B0）"},
	l10n.Entry{Key: "READ RECORD operation log %d", ZH: "读取操作日志第%d条（READ RECORD）"},
	l10n.Entry{Key: "SAM EXTERNAL AUTHENTICATE", ZH: "安全模块计算外部认证数据"},
	l10n.Entry{Key: "SAM INTERNAL AUTHENTICATE", ZH: "安全模块核对内部认证数据"},
	l10n.Entry{Key: "SAM MAC for %s", ZH: "安全模块为“%s”计算MAC"},
	l10n.Entry{Key: "SELECT education application", ZH: "选择教育应用"},
	l10n.Entry{Key: "cannot be written back: %v", ZH: "无法写回：%v"},
	l10n.Entry{Key: "cannot complete %s", ZH: "无法完成%s"},
	l10n.Entry{Key: "card info (9F0C)", ZH: "卡片信息（标签9F0C）"},
	l10n.Entry{Key: "card info (SFI 15)", ZH: "卡片信息文件（SFI 15）"},
	l10n.Entry{Key: "data", ZH: "数据"},
	l10n.Entry{Key: "date before 1900: %s", ZH: "日期早于1900年：%s"},
	l10n.Entry{Key: "extension area (SFI 18)", ZH: "扩展区文件（SFI 18）"},
	l10n.Entry{Key: "flags", ZH: "标志位"},
	l10n.Entry{Key: "gender", ZH: "性别"},
	l10n.Entry{Key: "layout version", ZH: "格式版本"},
	l10n.Entry{Key: "length", ZH: "长度"},
	l10n.Entry{Key: "missing", ZH: "缺失"},
	l10n.Entry{Key: "more than 251 bytes cannot carry a MAC in one short APDU", ZH: "超过251字节的数据无法在一条短APDU中附带MAC"},
	l10n.Entry{Key: "name charset", ZH: "姓名字符集"},
	l10n.Entry{Key: "not 1 (3DES) or 2 (SM4)", ZH: "不是1（3DES）或2（SM4）"},
	l10n.Entry{Key: "not BCD", ZH: "不是BCD码"},
	l10n.Entry{Key: "not YYYY BCD and term 1 or 2", ZH: "不是BCD码的YYYY年份加学期1或2"},
	l10n.Entry{Key: "not a date YYYYMMDD: %s", ZH: "不是YYYYMMDD格式的日期：%s"},
	l10n.Entry{Key: "not in canonical form (padding or charset byte)", ZH: "不是规范形式（填充或字符集字节有误）"},
	l10n.Entry{Key: "not the education AID", ZH: "不是教育应用的AID"},
	l10n.Entry{Key: "not valid GB18030 text", ZH: "不是有效的GB18030文字"},
	l10n.Entry{Key: "operation", ZH: "操作"},
	l10n.Entry{Key: "operation log (SFI 17)", ZH: "操作日志文件（SFI 17）"},
	l10n.Entry{Key: "profile", ZH: "应用配置"},
	l10n.Entry{Key: "AID", ZH: "应用标识符AID"},
	l10n.Entry{Key: "short file identifier", ZH: "短文件标识符"},
	l10n.Entry{Key: "key identifier", ZH: "密钥标识"},
	l10n.Entry{Key: "want 5 to 16 bytes, got %d", ZH: "应为5至16字节，实为%d字节"},
	l10n.Entry{Key: "want 1 to 30, each file its own", ZH: "应为1至30，且每个文件各不相同"},
	l10n.Entry{Key: "want a non-zero id, each key its own", ZH: "应为非零标识，且每个密钥各不相同"},
	l10n.Entry{Key: "pending operation", ZH: "未完成的操作"},
	l10n.Entry{Key: "record", ZH: "记录"},
	l10n.Entry{Key: "registry number", ZH: "学籍号"},
	l10n.Entry{Key: "school code", ZH: "学校代码"},
	l10n.Entry{Key: "school name charset", ZH: "学校名称字符集"},
	l10n.Entry{Key: "semester", ZH: "学期"},
	l10n.Entry{Key: "size", ZH: "大小"},
	l10n.Entry{Key: "stage", ZH: "学段"},
	l10n.Entry{Key: "status", ZH: "状态"},
	l10n.Entry{Key: "student record (SFI 16)", ZH: "学生记录文件（SFI 16）"},
	l10n.Entry{Key: "student slot", ZH: "学生槽位"},
	l10n.Entry{Key: "suite", ZH: "密码算法"},
	l10n.Entry{Key: "template", ZH: "模板"},
	l10n.Entry{Key: "unknown flag bits", ZH: "未知的标志位"},
	l10n.Entry{Key: "unknown operation", ZH: "未知的操作"},
	l10n.Entry{Key: "unknown status", ZH: "未知的状态"},
	l10n.Entry{Key: "validity", ZH: "有效期"},
	l10n.Entry{Key: "valid from", ZH: "有效期起始日"},
	l10n.Entry{Key: "valid until", ZH: "有效期截止日"},
	l10n.Entry{Key: "issue date", ZH: "发卡日期"},
	l10n.Entry{Key: "date", ZH: "日期"},
	l10n.Entry{Key: "want %d bytes, got %d", ZH: "应为%d字节，实际为%d字节"},
	l10n.Entry{Key: "want 0 or 1", ZH: "应为0或1"},
	l10n.Entry{Key: "want 01", ZH: "应为01"},
	l10n.Entry{Key: "want 01 or 02", ZH: "应为01或02"},
	l10n.Entry{Key: "want 1 (male) or 2 (female)", ZH: "应为1（男）或2（女）"},
	l10n.Entry{Key: "want 1 or 2", ZH: "应为1或2"},
	l10n.Entry{Key: "want 1 to 64 bytes inside the area", ZH: "应为扩展区内的1至64字节"},
	l10n.Entry{Key: "want 1-3", ZH: "应为1至3"},
	l10n.Entry{Key: "want 16 digits", ZH: "应为16位数字"},
	l10n.Entry{Key: "want 6 digits", ZH: "应为6位数字"},
	l10n.Entry{Key: "want tag 6F, got %s", ZH: "应为标签6F，实际为%s"},
	l10n.Entry{Key: "want valid from ≤ valid until, both set", ZH: "起始日期与截止日期都应填写，且起始不晚于截止"},

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
	l10n.Entry{Key: "none", ZH: "无"},
	l10n.Entry{Key: "registry", ZH: "学籍卡"},
	l10n.Entry{Key: "temporary", ZH: "临时卡"},
)

const keyIneligible = "not eligible for a student card (S-3: vocational high students get none)"

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
	// ErrIneligible: the student gets no card (S-3); [*EligibilityError]
	// names the student and the stage.
	ErrIneligible = messages.Error(keyIneligible)
)

// EligibilityError says a student gets no registry card: their stage is
// not primary, junior or senior (S-3: vocational high students are not
// eligible). It matches [ErrIneligible].
type EligibilityError struct {
	RegistryNo studentid.ID
	Stage      studentid.Stage
}

// Error is the English text of the error; Localize renders it in Chinese too.
func (e *EligibilityError) Error() string { return "card: " + e.Localize(l10n.English) }

// Localize renders the error in the language tag.
func (e *EligibilityError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "student %[1]s is a %[2]s student: %[3]s", e.RegistryNo.String(), e.Stage, messages.Sprintf(tag, keyIneligible))
}

// Unwrap yields ErrIneligible.
func (e *EligibilityError) Unwrap() error { return ErrIneligible }

// FieldError says which field of which file is malformed and why. It
// matches [ErrMalformed].
type FieldError struct {
	File   string // e.g. "student record (SFI 16)": a catalog key
	Field  string // e.g. "registry number": a catalog key
	Offset int    // byte offset of the field in the file
	Reason string // what is wrong, a catalog key and fmt format, e.g. "want %d bytes, got %d"
	Args   []any  // the values of Reason's verbs
}

// Error is the English text of the error; Localize renders it in Chinese too.
func (e *FieldError) Error() string { return "card: " + e.Localize(l10n.English) }

// Localize renders the error in the language tag: file, field and reason
// all come from the catalog, so no English is left in a Chinese text.
func (e *FieldError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "%[1]s, field %[2]s at byte %[3]d: %[4]s",
		messages.Sprintf(tag, e.File), messages.Sprintf(tag, e.Field), e.Offset, messages.Sprintf(tag, e.Reason, e.Args...))
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

// SemesterError is a malformed semester (Last and Current zero), one other
// than the current semester by the terminal's clock (Current set), or one
// older than the card's last registration (Last set). It matches
// [ErrSemester].
type SemesterError struct {
	Text string   // the semester asked for
	Last Semester // the card's last registration, when that was the problem
	// Current is the semester of the terminal's clock, when the semester
	// asked for is another one (SPEC R-REG-1).
	Current Semester
}

// Error is the English text of the error; Localize renders it in Chinese too.
func (e *SemesterError) Error() string { return "card: " + e.Localize(l10n.English) }

// Localize renders the error in the language tag.
func (e *SemesterError) Localize(tag language.Tag) string {
	if !e.Last.IsZero() {
		return messages.Sprintf(tag, "semester %[1]s is before the card's last registration %[2]s", e.Text, e.Last.String())
	}
	if !e.Current.IsZero() {
		return messages.Sprintf(tag, "semester %[1]s is not the current semester %[2]s", e.Text, e.Current.String())
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
	return messages.Sprintf(tag, "cannot %[1]s a card that is %[2]s", e.Op, e.Status)
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
	Step string // e.g. "SELECT education application", "READ BINARY (FF B0) block %d": a catalog key and fmt format
	Args []any  // the values of Step's verbs
	Kind error  // this package's sentinel for the failure, or nil
	Err  error  // the cause
}

// Error is the English text of the error; Localize renders it in Chinese too.
func (e *StepError) Error() string { return "card: " + e.Localize(l10n.English) }

// Localize renders the error in the language tag.
func (e *StepError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "%[1]s: %[2]s", messages.Sprintf(tag, e.Step, e.Args...), e.cause(tag))
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
