package apdu

import (
	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/l10n"
)

// Catalog keys used in more than one place.
const (
	keyVerificationFailed       = "verification failed"
	keyMemoryFailure            = "memory failure"
	keyWrongLength              = "wrong length"
	keySecurityStatus           = "security status not satisfied"
	keyAuthBlocked              = "authentication method blocked"
	keyReferenceDataNotUsable   = "reference data not usable"
	keyConditionsNotSatisfied   = "conditions of use not satisfied"
	keyCommandNotAllowed        = "command not allowed (no current EF)"
	keyIncorrectData            = "incorrect parameters in the data field"
	keyFunctionNotSupported     = "function not supported"
	keyFileNotFound             = "file not found"
	keyRecordNotFound           = "record not found"
	keyNotEnoughMemory          = "not enough memory space in the file"
	keyWrongP1P2                = "incorrect parameters P1-P2"
	keyReferencedDataNotFound   = "referenced data not found"
	keyINSNotSupported          = "instruction code not supported or invalid"
	keyCLANotSupported          = "class not supported"
	keyApplicationLocked        = "application permanently locked"
	keyMACWrong                 = "MAC wrong"
	keyWrongLe                  = "wrong Le"
	keyMoreData                 = "more response data available"
	keyStatus                   = "card returned an error status"
	keyTruncated                = "input ends too early"
	keyTrailing                 = "unexpected bytes after the end"
	keyInvalidLength            = "invalid length field"
	keyIndefinite               = "indefinite length not allowed"
	keyNonMinimal               = "non-minimal encoding"
	keyLengthTooLong            = "length field longer than 4 bytes"
	keyInvalidTag               = "invalid tag"
	keyTooDeep                  = "nesting too deep"
	keyOutOfRange               = "value out of range"
	keyResponseTooLarge         = "response too large"
	keyNoProgress               = "GET RESPONSE returned no data"
	keyExtendedOff              = "extended length not enabled"
	keyCannotChain              = "command cannot be chained"
	keyWarning                  = "the card completed the command with a warning"
	keyUnexpectedCommand        = "unexpected command"
	keyScriptExhausted          = "script has no more exchanges"
	keyScriptUnfinished         = "script not finished"
	keyScriptSyntax             = "script syntax error"
	inputCommand                = "command APDU"
	inputResponse               = "response APDU"
	inputATR                    = "ATR"
	expATRStart                 = "TS and T0"
	expATRTS                    = "TS 3B (direct) or 3F (inverse)"
	expATRInterface             = "the interface bytes T0 and TDi announce"
	expATRHistorical            = "as many historical bytes as T0 announces"
	expATRTCK                   = "a TCK making the exclusive-or of T0 to TCK zero"
	expATREnd                   = "nothing after the last byte"
	inputTLV                    = "BER-TLV"
	expHeader                   = "4 header bytes CLA INS P1 P2"
	expLcData                   = "as many data bytes as Lc says"
	expEndAfterLe               = "nothing after Le"
	expExtLength                = "00 and two length bytes"
	expExtLcNonZero             = "an extended Lc of 1 to 65535"
	expExtLe                    = "two extended Le bytes"
	expStatusBytes              = "the two status bytes SW1 SW2"
	expMaxData                  = "at most 65535 data bytes"
	expLeRange                  = "0 (no Le) to 65536"
	expTag                      = "a tag byte other than 00 and FF"
	expTagMinimal               = "the shortest tag encoding"
	expTagShort                 = "a tag of at most 4 bytes"
	expLength                   = "a length byte"
	expLengthDefinite           = "a definite length"
	expLengthMinimal            = "the shortest length encoding"
	expLengthBytes              = "1 to 4 length bytes"
	expValue                    = "as many value bytes as the length says"
	expNothingMore              = "nothing after the last TLV"
	expDepth                    = "at most 32 nested levels"
	expTagValid                 = "a tag valid in BER-TLV"
	expValueSize                = "a value of at most 4294967295 bytes"
	expSFI                      = "an SFI of 1 to 30, or 0 for the current file"
	expOffsetSFI                = "an offset of 0 to 255 with an SFI"
	expOffset                   = "an offset of 0 to 32767"
	expDataNonEmpty             = "at least 1 data byte"
	expRecord                   = "a record number of 1 to 254, or 0 for the current record"
	expCLAChain                 = "an interindustry or proprietary class (not FF)"
	expChainingEnabled          = "extended length or command chaining enabled (WithChaining, or a card whose ATR announces it)"
	expShortLe                  = "an Le of at most 256 (extended length is off)"
	expNotExtended              = "short length fields (extended length is off)"
	stepSend                    = "sending"
	stepGetResponse             = "GET RESPONSE"
	stepResend                  = "resending with the exact Le"
	stepChain                   = "sending a chained part"
	stepPrepare                 = "preparing"
	fmtParseError               = "%[1]s: offset %[2]d: %[3]s: %[4]s, expected %[5]s"
	fmtFieldError               = "%[1]s: %[2]s = %[3]d: %[4]s, expected %[5]s"
	fmtExchangeError            = "%[1]s: %[2]s: %[3]s"
	fmtLimitError               = "response exceeds the limit of %[1]d bytes (at least %[2]d)"
	fmtScriptMismatch           = "exchange %[1]d (script line %[2]d): %[3]s: got %[4]s, want %[5]s"
	fmtScriptExhausted          = "exchange %[1]d: %[2]s: got %[3]s"
	fmtScriptUnfinished         = "%[1]s: %[2]d of %[3]d exchanges not used, next at script line %[4]d"
	fmtScriptSyntax             = "script line %[1]d: %[2]s: %[3]s"
	expScriptLine               = "a line starting with >, < or !, or a comment starting with #"
	expScriptHex                = "hex digits in pairs"
	expScriptOrder              = "a > command before its < response or ! error"
	expScriptResponse           = "a < response or ! error after each > command"
	keyTransportFailureInScript = "scripted transport failure"
)

// messages holds every text of the package in English and Chinese.
var messages = l10n.NewCatalog(
	// Status words.
	l10n.Entry{Key: "success", ZH: "成功"},
	l10n.Entry{Key: "%d response bytes still available", ZH: "还有%d字节响应数据"},
	l10n.Entry{Key: "wrong Le, exact length is %d", ZH: "Le错误，正确长度为%d"},
	l10n.Entry{Key: "verification failed, %d retries left", ZH: "校验失败，还剩%d次机会"},
	l10n.Entry{Key: "part of returned data may be corrupted", ZH: "返回的部分数据可能已损坏"},
	l10n.Entry{Key: "end of file or record reached before reading Le bytes", ZH: "读满Le字节前已到达文件或记录末尾"},
	l10n.Entry{Key: "selected file invalidated", ZH: "所选文件已失效"},
	l10n.Entry{Key: "secure messaging not supported", ZH: "不支持安全报文"},
	l10n.Entry{Key: "command incompatible with file structure", ZH: "命令与文件结构不相容"},
	l10n.Entry{Key: "expected secure messaging data objects missing", ZH: "缺少安全报文数据对象"},
	l10n.Entry{Key: "secure messaging data objects incorrect (MAC wrong)", ZH: "安全报文数据对象不正确（MAC错误）"},
	l10n.Entry{Key: "wrong parameters P1-P2 (offset outside the EF)", ZH: "参数P1、P2错误（偏移超出文件）"},
	l10n.Entry{Key: "no precise diagnosis", ZH: "无精确诊断"},
	l10n.Entry{Key: "MAC invalid", ZH: "MAC无效"},
	l10n.Entry{Key: "key index not supported", ZH: "密钥索引不支持"},
	l10n.Entry{Key: "warning, non-volatile memory unchanged", ZH: "警告：非易失性存储器未改变"},
	l10n.Entry{Key: "warning, non-volatile memory changed", ZH: "警告：非易失性存储器已改变"},
	l10n.Entry{Key: "execution error, non-volatile memory unchanged", ZH: "执行错误：非易失性存储器未改变"},
	l10n.Entry{Key: "execution error, non-volatile memory changed", ZH: "执行错误：非易失性存储器已改变"},
	l10n.Entry{Key: "functions in CLA not supported", ZH: "不支持CLA中的功能"},
	l10n.Entry{Key: "command not allowed", ZH: "不允许的命令"},
	l10n.Entry{Key: "wrong parameters P1-P2", ZH: "参数P1、P2错误"},
	l10n.Entry{Key: "unknown status", ZH: "未知状态字"},
	l10n.Entry{Key: "status %s", ZH: "状态字 %s"},
	l10n.Entry{Key: "%s: status %s", ZH: "%s：状态字 %s"},
	// Sentinels (some double as status texts).
	l10n.Entry{Key: keyVerificationFailed, ZH: "校验失败"},
	l10n.Entry{Key: keyMemoryFailure, ZH: "存储器故障"},
	l10n.Entry{Key: keyWrongLength, ZH: "长度错误"},
	l10n.Entry{Key: keySecurityStatus, ZH: "安全状态不满足"},
	l10n.Entry{Key: keyAuthBlocked, ZH: "认证方法已锁定"},
	l10n.Entry{Key: keyReferenceDataNotUsable, ZH: "引用数据不可用"},
	l10n.Entry{Key: keyConditionsNotSatisfied, ZH: "使用条件不满足"},
	l10n.Entry{Key: keyCommandNotAllowed, ZH: "不允许的命令（无当前EF）"},
	l10n.Entry{Key: keyIncorrectData, ZH: "数据域参数不正确"},
	l10n.Entry{Key: keyFunctionNotSupported, ZH: "功能不支持"},
	l10n.Entry{Key: keyFileNotFound, ZH: "未找到文件"},
	l10n.Entry{Key: keyRecordNotFound, ZH: "未找到记录"},
	l10n.Entry{Key: keyNotEnoughMemory, ZH: "文件存储空间不足"},
	l10n.Entry{Key: keyWrongP1P2, ZH: "参数P1、P2不正确"},
	l10n.Entry{Key: keyReferencedDataNotFound, ZH: "未找到引用数据"},
	l10n.Entry{Key: keyINSNotSupported, ZH: "不支持或无效的指令码"},
	l10n.Entry{Key: keyCLANotSupported, ZH: "不支持的类别字节"},
	l10n.Entry{Key: keyApplicationLocked, ZH: "应用已永久锁定"},
	l10n.Entry{Key: keyMACWrong, ZH: "MAC错误"},
	l10n.Entry{Key: keyWrongLe, ZH: "Le错误"},
	l10n.Entry{Key: keyMoreData, ZH: "还有响应数据可取"},
	l10n.Entry{Key: keyStatus, ZH: "卡片返回错误状态字"},
	l10n.Entry{Key: keyTruncated, ZH: "输入提前结束"},
	l10n.Entry{Key: keyTrailing, ZH: "结尾之后有多余字节"},
	l10n.Entry{Key: keyInvalidLength, ZH: "长度域无效"},
	l10n.Entry{Key: keyIndefinite, ZH: "不允许不定长"},
	l10n.Entry{Key: keyNonMinimal, ZH: "编码不是最短形式"},
	l10n.Entry{Key: keyLengthTooLong, ZH: "长度域超过4字节"},
	l10n.Entry{Key: keyInvalidTag, ZH: "标签无效"},
	l10n.Entry{Key: keyTooDeep, ZH: "嵌套层数过多"},
	l10n.Entry{Key: keyOutOfRange, ZH: "取值超出范围"},
	l10n.Entry{Key: keyResponseTooLarge, ZH: "响应数据过大"},
	l10n.Entry{Key: keyNoProgress, ZH: "GET RESPONSE未返回数据"},
	l10n.Entry{Key: keyExtendedOff, ZH: "未启用扩展长度"},
	l10n.Entry{Key: keyCannotChain, ZH: "命令无法链接发送"},
	l10n.Entry{Key: keyWarning, ZH: "卡片已执行命令，但给出警告"},
	l10n.Entry{Key: keyUnexpectedCommand, ZH: "意外的命令"},
	l10n.Entry{Key: keyScriptExhausted, ZH: "脚本已无更多交互"},
	l10n.Entry{Key: keyScriptUnfinished, ZH: "脚本未执行完"},
	l10n.Entry{Key: keyScriptSyntax, ZH: "脚本语法错误"},
	l10n.Entry{Key: keyTransportFailureInScript, ZH: "脚本设定的传输故障"},
	// Inputs, expectations and steps named in typed errors.
	l10n.Entry{Key: inputCommand, ZH: "命令APDU"},
	l10n.Entry{Key: inputResponse, ZH: "响应APDU"},
	l10n.Entry{Key: inputATR, ZH: "复位应答ATR"},
	l10n.Entry{Key: expATRStart, ZH: "TS和T0"},
	l10n.Entry{Key: expATRTS, ZH: "TS为3B（正向）或3F（反向）"},
	l10n.Entry{Key: expATRInterface, ZH: "T0和TDi所声明的接口字节"},
	l10n.Entry{Key: expATRHistorical, ZH: "与T0所声明数量相符的历史字节"},
	l10n.Entry{Key: expATRTCK, ZH: "使T0至TCK异或为零的TCK"},
	l10n.Entry{Key: expATREnd, ZH: "最后一个字节之后没有数据"},
	l10n.Entry{Key: inputTLV, ZH: "BER-TLV"},
	l10n.Entry{Key: expHeader, ZH: "4个头字节 CLA INS P1 P2"},
	l10n.Entry{Key: expLcData, ZH: "与Lc相符的数据字节数"},
	l10n.Entry{Key: expEndAfterLe, ZH: "Le之后没有数据"},
	l10n.Entry{Key: expExtLength, ZH: "00及两个长度字节"},
	l10n.Entry{Key: expExtLcNonZero, ZH: "1至65535的扩展Lc"},
	l10n.Entry{Key: expExtLe, ZH: "两个扩展Le字节"},
	l10n.Entry{Key: expStatusBytes, ZH: "两个状态字节SW1 SW2"},
	l10n.Entry{Key: expMaxData, ZH: "至多65535个数据字节"},
	l10n.Entry{Key: expLeRange, ZH: "0（无Le）至65536"},
	l10n.Entry{Key: expTag, ZH: "非00、非FF的标签字节"},
	l10n.Entry{Key: expTagMinimal, ZH: "最短的标签编码"},
	l10n.Entry{Key: expTagShort, ZH: "至多4字节的标签"},
	l10n.Entry{Key: expLength, ZH: "一个长度字节"},
	l10n.Entry{Key: expLengthDefinite, ZH: "定长"},
	l10n.Entry{Key: expLengthMinimal, ZH: "最短的长度编码"},
	l10n.Entry{Key: expLengthBytes, ZH: "1至4个长度字节"},
	l10n.Entry{Key: expValue, ZH: "与长度相符的值字节数"},
	l10n.Entry{Key: expNothingMore, ZH: "最后一个TLV之后没有数据"},
	l10n.Entry{Key: expDepth, ZH: "至多32层嵌套"},
	l10n.Entry{Key: expTagValid, ZH: "BER-TLV中有效的标签"},
	l10n.Entry{Key: expValueSize, ZH: "至多4294967295字节的值"},
	l10n.Entry{Key: expSFI, ZH: "1至30的SFI，或0表示当前文件"},
	l10n.Entry{Key: expOffsetSFI, ZH: "使用SFI时偏移为0至255"},
	l10n.Entry{Key: expOffset, ZH: "0至32767的偏移"},
	l10n.Entry{Key: expDataNonEmpty, ZH: "至少1个数据字节"},
	l10n.Entry{Key: expRecord, ZH: "1至254的记录号，或0表示当前记录"},
	l10n.Entry{Key: expCLAChain, ZH: "行业间或专有类别（非FF）"},
	l10n.Entry{Key: expChainingEnabled, ZH: "启用扩展长度或命令链（WithChaining，或ATR声明支持的卡）"},
	l10n.Entry{Key: expShortLe, ZH: "至多256的Le（未启用扩展长度）"},
	l10n.Entry{Key: expNotExtended, ZH: "短长度域（未启用扩展长度）"},
	l10n.Entry{Key: stepSend, ZH: "发送"},
	l10n.Entry{Key: stepGetResponse, ZH: "GET RESPONSE取响应"},
	l10n.Entry{Key: stepResend, ZH: "按正确Le重发"},
	l10n.Entry{Key: stepChain, ZH: "发送链接分段"},
	l10n.Entry{Key: stepPrepare, ZH: "准备"},
	l10n.Entry{Key: fmtParseError, ZH: "%[1]s：偏移%[2]d：%[3]s：%[4]s，应为%[5]s"},
	l10n.Entry{Key: fmtFieldError, ZH: "%[1]s：%[2]s = %[3]d：%[4]s，应为%[5]s"},
	l10n.Entry{Key: fmtExchangeError, ZH: "%[1]s：%[2]s：%[3]s"},
	l10n.Entry{Key: fmtLimitError, ZH: "响应超过%[1]d字节的上限（至少%[2]d字节）"},
	l10n.Entry{Key: fmtScriptMismatch, ZH: "第%[1]d次交互（脚本第%[2]d行）：%[3]s：收到%[4]s，应为%[5]s"},
	l10n.Entry{Key: fmtScriptExhausted, ZH: "第%[1]d次交互：%[2]s：收到%[3]s"},
	l10n.Entry{Key: fmtScriptUnfinished, ZH: "%[1]s：%[3]d次交互中有%[2]d次未使用，下一次在脚本第%[4]d行"},
	l10n.Entry{Key: fmtScriptSyntax, ZH: "脚本第%[1]d行：%[2]s：%[3]s"},
	l10n.Entry{Key: expScriptLine, ZH: "以>、<或!开头的行，或以#开头的注释"},
	l10n.Entry{Key: expScriptHex, ZH: "成对的十六进制数字"},
	l10n.Entry{Key: expScriptOrder, ZH: "先有>命令，再有<响应或!错误"},
	l10n.Entry{Key: expScriptResponse, ZH: "每条>命令之后有<响应或!错误"},
)

// Sentinels for status words. [*StatusError] and [*AuthError] unwrap to them.
var (
	// ErrStatus matches every status-word error: the card answered, but not 9000.
	ErrStatus = messages.Error(keyStatus)
	// ErrSecurityStatus is 6982: authenticate first (SPEC A-2) or the key is wrong.
	ErrSecurityStatus = messages.Error(keySecurityStatus)
	// ErrAuthBlocked is 6983 (and 63C0): the key or PIN is blocked.
	ErrAuthBlocked = messages.Error(keyAuthBlocked)
	// ErrReferenceDataNotUsable is 6984: e.g. no challenge was issued before EXTERNAL AUTHENTICATE.
	ErrReferenceDataNotUsable = messages.Error(keyReferenceDataNotUsable)
	// ErrConditionsNotSatisfied is 6985.
	ErrConditionsNotSatisfied = messages.Error(keyConditionsNotSatisfied)
	// ErrCommandNotAllowed is 6986: no current EF.
	ErrCommandNotAllowed = messages.Error(keyCommandNotAllowed)
	// ErrMACWrong is 6988 and 6987 (secure messaging objects wrong or missing) and PBOC 9302.
	ErrMACWrong = messages.Error(keyMACWrong)
	// ErrIncorrectData is 6A80.
	ErrIncorrectData = messages.Error(keyIncorrectData)
	// ErrFunctionNotSupported is 6A81.
	ErrFunctionNotSupported = messages.Error(keyFunctionNotSupported)
	// ErrFileNotFound is 6A82: the application or file is not on the card.
	ErrFileNotFound = messages.Error(keyFileNotFound)
	// ErrRecordNotFound is 6A83.
	ErrRecordNotFound = messages.Error(keyRecordNotFound)
	// ErrNotEnoughMemory is 6A84.
	ErrNotEnoughMemory = messages.Error(keyNotEnoughMemory)
	// ErrWrongP1P2 is 6A86 and 6B00.
	ErrWrongP1P2 = messages.Error(keyWrongP1P2)
	// ErrReferencedDataNotFound is 6A88 (and PBOC 9403, key index not supported).
	ErrReferencedDataNotFound = messages.Error(keyReferencedDataNotFound)
	// ErrWrongLength is 67xx.
	ErrWrongLength = messages.Error(keyWrongLength)
	// ErrWrongLe is 6Cxx, seen only when the client's Le correction is off.
	ErrWrongLe = messages.Error(keyWrongLe)
	// ErrMoreData is 61xx, seen only when the client's GET RESPONSE is off.
	ErrMoreData = messages.Error(keyMoreData)
	// ErrINSNotSupported is 6D00.
	ErrINSNotSupported = messages.Error(keyINSNotSupported)
	// ErrCLANotSupported is 6E00.
	ErrCLANotSupported = messages.Error(keyCLANotSupported)
	// ErrMemoryFailure is 6581.
	ErrMemoryFailure = messages.Error(keyMemoryFailure)
	// ErrVerificationFailed is 6300 and 63Cx (see [*AuthError] for the retries left).
	ErrVerificationFailed = messages.Error(keyVerificationFailed)
	// ErrApplicationLocked is PBOC 9303: the application is permanently locked.
	ErrApplicationLocked = messages.Error(keyApplicationLocked)
)

// Sentinels for malformed input; [*ParseError] and [*FieldError] unwrap to them.
var (
	// ErrTruncated: the input ends before a field it announces.
	ErrTruncated = messages.Error(keyTruncated)
	// ErrTrailingData: bytes follow the end of a complete object.
	ErrTrailingData = messages.Error(keyTrailing)
	// ErrInvalidLength: a length field that no encoding allows (extended Lc 0000).
	ErrInvalidLength = messages.Error(keyInvalidLength)
	// ErrIndefiniteLength: BER-TLV length byte 80, not allowed in smart-card data.
	ErrIndefiniteLength = messages.Error(keyIndefinite)
	// ErrNonMinimal: a tag or length not in its shortest form (DER-style strictness).
	ErrNonMinimal = messages.Error(keyNonMinimal)
	// ErrLengthTooLong: a BER-TLV length of more than 4 length bytes.
	ErrLengthTooLong = messages.Error(keyLengthTooLong)
	// ErrInvalidTag: a BER-TLV tag that is 00, FF, longer than 4 bytes or malformed.
	ErrInvalidTag = messages.Error(keyInvalidTag)
	// ErrTooDeep: BER-TLV nested deeper than 32 levels.
	ErrTooDeep = messages.Error(keyTooDeep)
	// ErrOutOfRange: a field value that the encoding or command cannot carry.
	ErrOutOfRange = messages.Error(keyOutOfRange)
)

// Sentinels of [Client] exchanges.
var (
	// ErrResponseTooLarge: the concatenated response passed the client's cap (see [WithMaxResponse]).
	ErrResponseTooLarge = messages.Error(keyResponseTooLarge)
	// ErrNoProgress: GET RESPONSE answered 61xx without data, which would loop forever.
	ErrNoProgress = messages.Error(keyNoProgress)
	// ErrExtendedLengthOff: the command needs extended length, which the client was not told the card supports.
	ErrExtendedLengthOff = messages.Error(keyExtendedOff)
	// ErrCannotChain: the command data exceeds 255 bytes and chaining is off or impossible for its class.
	ErrCannotChain = messages.Error(keyCannotChain)
	// ErrWarning matches a 62xx/63xx warning with valid data ([StatusWord.IsWarning], [Response.Warning]).
	ErrWarning = messages.Error(keyWarning)
)

// Sentinels of [ScriptedTransport].
var (
	// ErrUnexpectedCommand: the command differs from the script's next one.
	ErrUnexpectedCommand = messages.Error(keyUnexpectedCommand)
	// ErrScriptExhausted: a command arrived after the script's last exchange.
	ErrScriptExhausted = messages.Error(keyScriptExhausted)
	// ErrScriptUnfinished: [ScriptedTransport.Done] found exchanges never used.
	ErrScriptUnfinished = messages.Error(keyScriptUnfinished)
	// ErrScriptSyntax: the text of a script is malformed.
	ErrScriptSyntax = messages.Error(keyScriptSyntax)
	// ErrScriptedFailure: the script's "!" line made the transport fail.
	ErrScriptedFailure = messages.Error(keyTransportFailureInScript)
)

// ParseError reports malformed input: which input, at which byte offset,
// which field, what was expected. Err is one of the sentinels
// ([ErrTruncated], [ErrTrailingData], [ErrNonMinimal], …) and errors.Is sees
// it. The input's bytes are never included.
type ParseError struct {
	// Input names what was parsed: "command APDU", "response APDU", "BER-TLV".
	Input string
	// Offset is the byte offset of the fault from the start of the input.
	Offset int
	// Field is the field at fault: "Lc", "Le", "tag", "length", "value", …
	Field string
	// Expected says what a valid input has there.
	Expected string
	// Err is the sentinel for the kind of fault.
	Err error
}

// Error is the English text: "apdu: command APDU: offset 9: data: input ends
// too early, expected as many data bytes as Lc says".
func (e *ParseError) Error() string { return "apdu: " + e.Localize(l10n.English) }

// Localize renders the error in the language tag.
func (e *ParseError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, fmtParseError, messages.Sprintf(tag, e.Input), e.Offset, e.Field,
		l10n.Error(e.Err, tag), messages.Sprintf(tag, e.Expected))
}

// Unwrap yields the sentinel.
func (e *ParseError) Unwrap() error { return e.Err }

// FieldError reports a field value that cannot be encoded or that a command
// constructor does not accept: an Le of 70000, an SFI of 31. Command is the
// header of the command concerned.
type FieldError struct {
	// Command is the header of the command concerned.
	Command Header
	// Field names the field: "Lc", "Le", "SFI", "offset", "record", "CLA".
	Field string
	// Value is the value given.
	Value int
	// Expected says what values are allowed.
	Expected string
	// Err is the sentinel: [ErrOutOfRange], [ErrExtendedLengthOff] or
	// [ErrCannotChain].
	Err error
}

// Error is the English text: "apdu: 00 B0 9F 00: SFI = 31: value out of
// range, expected an SFI of 1 to 30, or 0 for the current file".
func (e *FieldError) Error() string { return "apdu: " + e.Localize(l10n.English) }

// Localize renders the error in the language tag.
func (e *FieldError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, fmtFieldError, e.Command.String(), e.Field, e.Value,
		l10n.Error(e.Err, tag), messages.Sprintf(tag, e.Expected))
}

// Unwrap yields the sentinel.
func (e *FieldError) Unwrap() error { return e.Err }
