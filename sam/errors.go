package sam

import (
	"fmt"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/l10n"
)

// messages holds every user-facing text of package sam, English key and
// Chinese rendering. No text takes key bytes as an argument: errors name keys
// by [KeyRef] and say how long a bad value was, never what it was (SPEC A-3).
var messages = l10n.NewCatalog(
	l10n.Entry{Key: "KeySet.ManagementCard: no management key set", ZH: "密钥组未设置管理密钥，无法签发管理卡"},
	l10n.Entry{Key: "SAM is locked: read the management card first", ZH: "安全模块已锁定：请先读取管理卡"},
	l10n.Entry{Key: "cryptogram or MAC does not match", ZH: "密文或MAC校验不符"},
	l10n.Entry{Key: "no such key in the SAM", ZH: "安全模块中没有该密钥"},
	l10n.Entry{Key: "wrong key size", ZH: "密钥长度错误"},
	l10n.Entry{Key: "wrong data size", ZH: "数据长度错误"},
	l10n.Entry{Key: "SAM is closed", ZH: "安全模块已关闭"},
	l10n.Entry{Key: "management card does not fit this SAM", ZH: "管理卡与本安全模块不匹配"},
	l10n.Entry{Key: "unknown cipher suite", ZH: "未知的密码算法套件"},
	l10n.Entry{Key: "malformed management card data", ZH: "管理卡数据格式错误"},
	l10n.Entry{Key: "PSAM answered unexpectedly", ZH: "PSAM应答异常"},
	l10n.Entry{Key: "SAM configuration is invalid", ZH: "安全模块配置无效"},

	l10n.Entry{Key: "%[1]s %[2]s: %[3]s is %[4]d bytes, want %[5]s", ZH: "%[1]s %[2]s：%[3]s为%[4]d字节，应为%[5]s"},
	l10n.Entry{Key: "%[1]s: no key %[2]s in the SAM", ZH: "%[1]s：安全模块中没有密钥%[2]s"},
	l10n.Entry{Key: "%[1]s with key %[2]s: %[3]s does not match", ZH: "%[1]s（密钥%[2]s）：%[3]s校验不符"},
	l10n.Entry{Key: "management card for SAM %[1]s does not fit SAM %[2]s", ZH: "管理卡属于安全模块%[1]s，与安全模块%[2]s不匹配"},
	l10n.Entry{Key: "management card for SAM %[1]s: authentication value is wrong", ZH: "安全模块%[1]s的管理卡：认证值错误"},
	l10n.Entry{Key: "management card data: %[1]s", ZH: "管理卡数据：%[1]s"},
	l10n.Entry{Key: "PSAM %[1]s: %[2]s", ZH: "PSAM %[1]s：%[2]s"},
	l10n.Entry{Key: "SAM configuration: %[1]s", ZH: "安全模块配置：%[1]s"},
	l10n.Entry{Key: "cipher suite %[1]d is not 3DES or SM4", ZH: "密码算法套件%[1]d不是3DES或SM4"},
)

// Sentinels: every error of this package matches one of them with errors.Is.
var (
	// ErrLocked: the SAM has not been unlocked with its management card since
	// it started (SPEC S-6); read the management card and call Unlock.
	ErrLocked = messages.Error("SAM is locked: read the management card first")
	// ErrVerify: a cryptogram or MAC computed in the SAM differs from the one
	// given — the card is not genuine, used another key, or the data changed.
	ErrVerify = messages.Error("cryptogram or MAC does not match")
	// ErrUnknownKey: the SAM holds no key under the KeyRef asked for.
	ErrUnknownKey = messages.Error("no such key in the SAM")
	// ErrKeySize: a key argument has the wrong length for its suite (16 bytes
	// for both 3DES two-key EDE and SM4).
	ErrKeySize = messages.Error("wrong key size")
	// ErrDataSize: a block, IV, challenge, diversifier or data argument has a
	// length the suite or SAM cannot take.
	ErrDataSize = messages.Error("wrong data size")
	// ErrClosed: the SAM was closed (its keys are zeroed); make a new one.
	ErrClosed = messages.Error("SAM is closed")
	// ErrManagementCard: the management card presented is not this SAM's,
	// or its authentication value is wrong (SPEC S-6).
	ErrManagementCard = messages.Error("management card does not fit this SAM")
	// ErrUnknownSuite: an Algorithm value other than TDES or SM4 was used.
	ErrUnknownSuite = messages.Error("unknown cipher suite")
	// ErrMalformed: management card data could not be parsed.
	ErrMalformed = messages.Error("malformed management card data")
	// ErrPSAM: a PSAM answered with a status word or length the driver did not
	// expect; the wrapped error (often an apdu status error) says which.
	ErrPSAM = messages.Error("PSAM answered unexpectedly")
	// ErrConfig: a SAM, PSAM or simulator was set up with unusable
	// configuration or key set.
	ErrConfig = messages.Error("SAM configuration is invalid")
)

// SizeError says which argument of which operation had a bad length. It
// carries lengths only, never the bytes, so it is safe to log. It matches
// [ErrKeySize] when Field is "key" and [ErrDataSize] otherwise.
type SizeError struct {
	Suite string // "3DES", "SM4" or "SAM"
	Op    string // "Diversify", "MAC", "Encrypt", "Cryptogram", ...
	Field string // "key", "block", "iv", "challenge", "diversifier", "data", ...
	Got   int    // the length given
	Want  string // what was expected, e.g. "16" or "1..8"
}

// Error is the English text.
func (e *SizeError) Error() string { return e.Localize(l10n.English) }

// Localize renders the error in the language tag.
func (e *SizeError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "%[1]s %[2]s: %[3]s is %[4]d bytes, want %[5]s", e.Suite, e.Op, e.Field, e.Got, e.Want)
}

// Unwrap yields ErrKeySize or ErrDataSize.
func (e *SizeError) Unwrap() error {
	if e.Field == "key" {
		return ErrKeySize
	}
	return ErrDataSize
}

// KeyError says which KeyRef an operation asked for that the SAM does not
// hold. It matches [ErrUnknownKey].
type KeyError struct {
	Op  string
	Ref KeyRef
}

// Error is the English text.
func (e *KeyError) Error() string { return e.Localize(l10n.English) }

// Localize renders the error in the language tag.
func (e *KeyError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "%[1]s: no key %[2]s in the SAM", e.Op, e.Ref.String())
}

// Unwrap yields ErrUnknownKey.
func (e *KeyError) Unwrap() error { return ErrUnknownKey }

// VerifyError says which check failed under which key. It deliberately does
// not carry the expected value (that would make the SAM an oracle). It
// matches [ErrVerify].
type VerifyError struct {
	Op   string // "VerifyMAC", "VerifyInternalAuthenticate", ...
	Ref  KeyRef
	What string // "MAC" or "cryptogram"
}

// Error is the English text.
func (e *VerifyError) Error() string { return e.Localize(l10n.English) }

// Localize renders the error in the language tag.
func (e *VerifyError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "%[1]s with key %[2]s: %[3]s does not match", e.Op, e.Ref.String(), e.What)
}

// Unwrap yields ErrVerify.
func (e *VerifyError) Unwrap() error { return ErrVerify }

// ManagementCardError says why a management card was refused: it belongs to
// another SAM (Got differs from Want) or its authentication value is wrong.
// SAM ids are not secret; the authentication value is never shown. It matches
// [ErrManagementCard].
type ManagementCardError struct {
	Want SAMID // the SAM being unlocked
	Got  SAMID // the SAM the card was issued for
}

// Error is the English text.
func (e *ManagementCardError) Error() string { return e.Localize(l10n.English) }

// Localize renders the error in the language tag.
func (e *ManagementCardError) Localize(tag language.Tag) string {
	if e.Want != e.Got {
		return messages.Sprintf(tag, "management card for SAM %[1]s does not fit SAM %[2]s", e.Got.String(), e.Want.String())
	}
	return messages.Sprintf(tag, "management card for SAM %[1]s: authentication value is wrong", e.Got.String())
}

// Unwrap yields ErrManagementCard.
func (e *ManagementCardError) Unwrap() error { return ErrManagementCard }

// ParseError says what was wrong with management card data. It matches
// [ErrMalformed].
type ParseError struct {
	Reason string // English detail, e.g. "18 bytes expected, got 3"
}

// Error is the English text.
func (e *ParseError) Error() string { return e.Localize(l10n.English) }

// Localize renders the error in the language tag; the detail stays English.
func (e *ParseError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "management card data: %[1]s", e.Reason)
}

// Unwrap yields ErrMalformed.
func (e *ParseError) Unwrap() error { return ErrMalformed }

// PSAMError says which PSAM command failed and why; Err is the cause (an
// apdu status error, a transport error, or a length problem). It matches
// [ErrPSAM] and, through Err, whatever the cause matches.
type PSAMError struct {
	Command string // e.g. "80 1A (init for DES, key index 01)"
	Err     error
}

// Error is the English text.
func (e *PSAMError) Error() string {
	return messages.Sprintf(l10n.English, "PSAM %[1]s: %[2]s", e.Command, e.Err.Error())
}

// Localize renders the error in the language tag.
func (e *PSAMError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "PSAM %[1]s: %[2]s", e.Command, l10n.Error(e.Err, tag))
}

// Unwrap yields ErrPSAM and the cause.
func (e *PSAMError) Unwrap() []error { return []error{ErrPSAM, e.Err} }

// ConfigError says what is wrong with a SAM, PSAM or simulator set-up. It
// matches [ErrConfig].
type ConfigError struct {
	Reason string
}

// Error is the English text.
func (e *ConfigError) Error() string { return e.Localize(l10n.English) }

// Localize renders the error in the language tag; the detail stays English.
func (e *ConfigError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "SAM configuration: %[1]s", e.Reason)
}

// Unwrap yields ErrConfig.
func (e *ConfigError) Unwrap() error { return ErrConfig }

// suiteError is returned by every method of an Algorithm that is neither
// TDES nor SM4.
func suiteError(a Algorithm) error {
	return fmt.Errorf("%s: %w", messages.Sprintf(l10n.English, "cipher suite %[1]d is not 3DES or SM4", uint8(a)), ErrUnknownSuite)
}
