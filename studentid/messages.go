package studentid

import (
	"strconv"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/l10n"
)

// messages holds every user-facing text of the package, English key beside
// its Chinese rendering.
var messages = l10n.NewCatalog(
	// Sentinels.
	l10n.Entry{Key: "student registry number is not 16 digits", ZH: "学籍号不是16位数字"},
	l10n.Entry{Key: "school category is not 0-7", ZH: "学校类别不在0-7之间"},
	l10n.Entry{Key: "class is not 01-99", ZH: "班号不在01-99之间"},
	l10n.Entry{Key: "seat is not 01-99", ZH: "班内学号不在01-99之间"},
	l10n.Entry{Key: "student category does not belong to the school category", ZH: "学生类别与学校类别不符"},
	l10n.Entry{Key: "check digit does not match", ZH: "校验位不符"},
	l10n.Entry{Key: "no check-digit scheme given", ZH: "未提供校验位算法"},
	l10n.Entry{Key: "resident ID number is not 17 digits and a check character", ZH: "居民身份证号码不是17位数字加1位校验码"},
	l10n.Entry{Key: "resident ID number has no valid birth date", ZH: "居民身份证号码中的出生日期无效"},
	l10n.Entry{Key: "resident ID number check character does not match", ZH: "居民身份证号码校验码不符"},
	l10n.Entry{Key: "not a personal code (G, J or L and 18 characters)", ZH: "不是个人标识码（G、J或L加18位）"},
	l10n.Entry{Key: "district code is not 2 or 4 digits", ZH: "区县代码不是2位或4位数字"},
	l10n.Entry{Key: "school code is not 6 or 8 digits", ZH: "学校代码不是6位或8位数字"},
	l10n.Entry{Key: "not a level (city, district, school, factory, application)", ZH: "不是有效的级别（市、区县、学校、制卡厂、应用单位）"},
	l10n.Entry{Key: "card serial is not 16 hexadecimal digits", ZH: "卡片序列号不是16位十六进制数字"},
	l10n.Entry{Key: "sex is not 1 (male) or 2 (female)", ZH: "性别不是1（男）或2（女）"},

	// The frame of every *Error and the identifiers it names.
	l10n.Entry{Key: "%s, position %s: %s", ZH: "%s第%s位：%s"},
	l10n.Entry{Key: "%s, positions %s: %s", ZH: "%s第%s位：%s"},
	l10n.Entry{Key: "student registry number", ZH: "学籍号"},
	l10n.Entry{Key: "resident ID number", ZH: "居民身份证号码"},
	l10n.Entry{Key: "personal code", ZH: "个人标识码"},
	l10n.Entry{Key: "district code", ZH: "区县代码"},
	l10n.Entry{Key: "school code", ZH: "学校代码"},
	l10n.Entry{Key: "level", ZH: "级别"},
	l10n.Entry{Key: "card serial", ZH: "卡片序列号"},
	l10n.Entry{Key: "sex", ZH: "性别"},

	// Details.
	l10n.Entry{Key: "%q is not a digit", ZH: "%q不是数字"},
	l10n.Entry{Key: "%q is not a digit or X", ZH: "%q不是数字或X"},
	l10n.Entry{Key: "%d characters, want %d", ZH: "共%d个字符，应为%d个"},
	l10n.Entry{Key: "%d characters, want %d or %d", ZH: "共%d个字符，应为%d个或%d个"},
	l10n.Entry{Key: "the stored value is not text", ZH: "存储的值不是文本"},
	l10n.Entry{Key: "%q is not a hexadecimal digit", ZH: "%q不是十六进制数字"},
	l10n.Entry{Key: "%q is not city, district, school, factory or application", ZH: "%q不是city、district、school、factory或application"},
	l10n.Entry{Key: "%q is not 1 (male) or 2 (female)", ZH: "%q不是1（男）或2（女）"},
	l10n.Entry{Key: "school category %s is not 0-7", ZH: "学校类别%s不在0-7之间"},
	l10n.Entry{Key: "student category %s is not 0-9", ZH: "学生类别%s不在0-9之间"},
	l10n.Entry{Key: "cohort %s is not 00-99", ZH: "届别%s不在00-99之间"},
	l10n.Entry{Key: "class %s is not 01-99", ZH: "班号%s不在01-99之间"},
	l10n.Entry{Key: "seat %s is not 01-99", ZH: "班内学号%s不在01-99之间"},
	l10n.Entry{Key: "student category %[1]s (%[2]s) is not taught by school category %[3]s (%[4]s); allowed: %[5]s",
		ZH: "学生类别%[1]s（%[2]s）不属于学校类别%[3]s（%[4]s），允许的学生类别：%[5]s"},
	l10n.Entry{Key: "%s %q is not %d digits", ZH: "%s%q不是%d位数字"},
	l10n.Entry{Key: "province code", ZH: "省市代码"},
	l10n.Entry{Key: "region code", ZH: "行政区划代码"},
	l10n.Entry{Key: "check digit is %c, the scheme computes %c", ZH: "校验位为%c，校验算法算得%c"},
	l10n.Entry{Key: "check-digit scheme failed: %s", ZH: "校验位算法出错：%s"},
	l10n.Entry{Key: "check-digit scheme returned %q, not a digit", ZH: "校验位算法返回%q，不是数字"},
	l10n.Entry{Key: "birth date %s is not a calendar date", ZH: "出生日期%s不是有效日期"},
	l10n.Entry{Key: "birth date %s is before 1900", ZH: "出生日期%s早于1900年"},
	l10n.Entry{Key: "birth year %d is not 1900-9999", ZH: "出生年份%d不在1900-9999之间"},
	l10n.Entry{Key: "sequence %d is not 000-999", ZH: "顺序码%d不在000-999之间"},
	l10n.Entry{Key: "check character is %c, want %c", ZH: "校验码为%c，应为%c"},
	l10n.Entry{Key: "type letter %q is not G, J or L", ZH: "类型字母%q不是G、J或L"},

	// Names of enumerated values.
	l10n.Entry{Key: "primary school", ZH: "小学"},
	l10n.Entry{Key: "junior high school", ZH: "初中"},
	l10n.Entry{Key: "nine-year school (primary and junior)", ZH: "九年一贯制学校（小学和初中）"},
	l10n.Entry{Key: "twelve-year school (primary, junior and senior)", ZH: "十二年一贯制学校（小学、初中和高中）"},
	l10n.Entry{Key: "complete middle school (junior and senior)", ZH: "完全中学（初中和高中）"},
	l10n.Entry{Key: "ordinary senior high school", ZH: "普通高中"},
	l10n.Entry{Key: "vocational high school", ZH: "职业高中"},
	l10n.Entry{Key: "vocational and ordinary high school", ZH: "职业高中和普通高中"},
	l10n.Entry{Key: "primary student", ZH: "小学生"},
	l10n.Entry{Key: "junior high student", ZH: "初中生"},
	l10n.Entry{Key: "senior high student", ZH: "高中生"},
	l10n.Entry{Key: "vocational high student", ZH: "职高生"},
	l10n.Entry{Key: "primary transient student", ZH: "小学借读生"},
	l10n.Entry{Key: "junior high transient student", ZH: "初中借读生"},
	l10n.Entry{Key: "senior high transient student", ZH: "高中借读生"},
	l10n.Entry{Key: "primary transient student treated as local", ZH: "按本市生对待的小学借读生"},
	l10n.Entry{Key: "junior high transient student treated as local", ZH: "按本市生对待的初中借读生"},
	l10n.Entry{Key: "senior high transient student treated as local", ZH: "按本市生对待的高中借读生"},
	l10n.Entry{Key: "unknown", ZH: "未知"},
	l10n.Entry{Key: "primary", ZH: "小学"},
	l10n.Entry{Key: "junior high", ZH: "初中"},
	l10n.Entry{Key: "senior high", ZH: "高中"},
	l10n.Entry{Key: "vocational high", ZH: "职业高中"},
	l10n.Entry{Key: "city", ZH: "市级"},
	l10n.Entry{Key: "district", ZH: "区级"},
	l10n.Entry{Key: "school", ZH: "校级"},
	l10n.Entry{Key: "factory", ZH: "制卡厂"},
	l10n.Entry{Key: "application", ZH: "应用单位"},
	l10n.Entry{Key: "no colour", ZH: "无底色"},
	l10n.Entry{Key: "yellow", ZH: "黄色"},
	l10n.Entry{Key: "green", ZH: "绿色"},
	l10n.Entry{Key: "blue", ZH: "蓝色"},
	l10n.Entry{Key: "male", ZH: "男"},
	l10n.Entry{Key: "female", ZH: "女"},
	l10n.Entry{Key: "resident ID number (G)", ZH: "居民身份证号码（G）"},
	l10n.Entry{Key: "self-assigned code (J)", ZH: "自编码（J）"},
	l10n.Entry{Key: "temporary code (L)", ZH: "临时码（L）"},
)

// Sentinel errors. Every error the package returns is an [*Error] that
// errors.Is matches against exactly one of these (and, for personal codes,
// also against the resident-ID sentinel of the part that was wrong).
var (
	// ErrFormat: a registry number is not 16 digits after white space is
	// trimmed and full-width digits are folded, or a [Fields] value does not
	// fit its positions.
	ErrFormat = messages.Error("student registry number is not 16 digits")
	// ErrSchoolCategory: position 5 is 8 or 9; school categories are 0-7.
	ErrSchoolCategory = messages.Error("school category is not 0-7")
	// ErrClass: positions 12-13 are 00 (classes are 01-99).
	ErrClass = messages.Error("class is not 01-99")
	// ErrSeat: positions 14-15 are 00 (seats are 01-99).
	ErrSeat = messages.Error("seat is not 01-99")
	// ErrCategoryMismatch: the student category (position 9) is not one the
	// school category (position 5) teaches (rules S-ID-2, S-ID-3).
	ErrCategoryMismatch = messages.Error("student category does not belong to the school category")
	// ErrCheckDigit: position 16 is not what the [Scheme] computes, or the
	// scheme could not compute it.
	ErrCheckDigit = messages.Error("check digit does not match")
	// ErrNoScheme: [Build] or [ID.Verify] was given a nil [Scheme].
	ErrNoScheme = messages.Error("no check-digit scheme given")
	// ErrResidentIDFormat: a resident ID number is not 17 digits followed by a
	// digit or X.
	ErrResidentIDFormat = messages.Error("resident ID number is not 17 digits and a check character")
	// ErrResidentIDDate: positions 7-14 of a resident ID number are not a
	// calendar date from 1900 on.
	ErrResidentIDDate = messages.Error("resident ID number has no valid birth date")
	// ErrResidentIDCheck: the resident ID number's 18th character is not the
	// ISO 7064 MOD 11-2 check character of the first 17.
	ErrResidentIDCheck = messages.Error("resident ID number check character does not match")
	// ErrPersonCode: not a national education personal code. When the type
	// letter is right but the 18 characters after it are not, the error also
	// wraps the resident-ID sentinel of what was wrong (format, date, check).
	ErrPersonCode = messages.Error("not a personal code (G, J or L and 18 characters)")
	// ErrDistrict: a district code is not 4 digits (province and district)
	// or 2 digits (a district of Beijing).
	ErrDistrict = messages.Error("district code is not 2 or 4 digits")
	// ErrSchool: a school code is not 8 digits (province, district,
	// category, school) or 6 digits (a school of Beijing).
	ErrSchool = messages.Error("school code is not 6 or 8 digits")
	// ErrLevel: a name is none of the levels ([ParseLevel]).
	ErrLevel = messages.Error("not a level (city, district, school, factory, application)")
	// ErrSerial: a card serial is not 16 hexadecimal digits.
	ErrSerial = messages.Error("card serial is not 16 hexadecimal digits")
	// ErrSex: a sex code is not the GB/T 2261.1 digit 1 or 2.
	ErrSex = messages.Error("sex is not 1 (male) or 2 (female)")
)

// Kind names the identifier an [Error] is about.
type Kind uint8

// The identifiers of this package.
const (
	KindRegistryNumber Kind = iota + 1 // student registry number, [ID]
	KindResidentID                     // resident ID number, [ResidentID]
	KindPersonCode                     // national education personal code, [PersonCode]
	KindDistrict                       // district code, [District]
	KindSchool                         // school code, [School]
	KindLevel                          // level name, [Level]
	KindSerial                         // card serial, [Serial]
	KindSex                            // sex code, [Sex]
)

// String returns the identifier's English name.
func (k Kind) String() string { return k.Localize(l10n.English) }

// Localize returns the identifier's name in the language tag.
func (k Kind) Localize(tag language.Tag) string {
	switch k {
	case KindRegistryNumber:
		return messages.Sprintf(tag, "student registry number")
	case KindResidentID:
		return messages.Sprintf(tag, "resident ID number")
	case KindPersonCode:
		return messages.Sprintf(tag, "personal code")
	case KindDistrict:
		return messages.Sprintf(tag, "district code")
	case KindSchool:
		return messages.Sprintf(tag, "school code")
	case KindLevel:
		return messages.Sprintf(tag, "level")
	case KindSerial:
		return messages.Sprintf(tag, "card serial")
	case KindSex:
		return messages.Sprintf(tag, "sex")
	}
	return messages.Sprintf(tag, "unknown")
}

// Error is what every parser, builder and verifier of this package returns:
// which identifier, which positions were wrong, what was found there and
// what was expected. errors.Is matches it against its sentinel (Err) and,
// when there is one, against the error it wraps (Cause).
type Error struct {
	// Kind is the identifier being read.
	Kind Kind
	// Pos and End are the 1-based first and last positions that are wrong,
	// counted in characters of the input after white space is trimmed and
	// full-width characters are folded (SPEC §2 numbering). For a wrong
	// length, Pos = End = the first missing or extra position.
	Pos, End int
	// Got is the text found at Pos..End ("" for a wrong length).
	Got string
	// Err is the sentinel this error matches.
	Err error
	// Cause is the underlying error, if any: a check-digit scheme's error, or
	// the resident-ID error inside a personal code.
	Cause error

	key  string
	args []any
}

// Error returns the English text.
func (e *Error) Error() string { return e.Localize(l10n.English) }

// Localize renders the error in the language tag, for operators.
func (e *Error) Localize(tag language.Tag) string {
	args := make([]any, len(e.args))
	for i, a := range e.args {
		switch a := a.(type) {
		case l10n.Localizer:
			args[i] = a.Localize(tag)
		case error:
			args[i] = l10n.Error(a, tag)
		default:
			args[i] = a
		}
	}
	frame, pos := "%s, position %s: %s", strconv.Itoa(e.Pos)
	if e.End > e.Pos {
		frame, pos = "%s, positions %s: %s", pos+"-"+strconv.Itoa(e.End)
	}
	return messages.Sprintf(tag, frame, e.Kind.Localize(tag), pos, messages.Sprintf(tag, e.key, args...))
}

// Unwrap returns the sentinel and, if there is one, the cause.
func (e *Error) Unwrap() []error {
	if e.Cause == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.Cause}
}

// text is a catalog key passed as an argument, localized when rendered.
type text string

// Localize renders the text in the language tag.
func (t text) Localize(tag language.Tag) string { return messages.Sprintf(tag, string(t)) }
