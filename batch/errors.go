package batch

import (
	"fmt"
	"strconv"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/l10n"
)

// messages holds every user-facing text of the package, English key and
// Chinese rendering side by side.
var messages = l10n.NewCatalog(
	// envelope sentinels
	l10n.Entry{Key: "file truncated: trailer missing or incomplete", ZH: "文件不完整：缺少或截断了文件尾"},
	l10n.Entry{Key: "digest mismatch: file altered or records re-ordered", ZH: "摘要不符：文件被改动或记录顺序被打乱"},
	l10n.Entry{Key: "record count mismatch", ZH: "记录数不符"},
	l10n.Entry{Key: "text not valid in the declared encoding", ZH: "文本不符合声明的字符编码"},
	l10n.Entry{Key: "unexpected file kind", ZH: "文件类型不符"},
	l10n.Entry{Key: "unsupported format version", ZH: "不支持的格式版本"},
	l10n.Entry{Key: "malformed header", ZH: "文件头格式错误"},
	l10n.Entry{Key: "unexpected columns", ZH: "列定义不符"},
	l10n.Entry{Key: "malformed quoting", ZH: "引号格式错误"},
	l10n.Entry{Key: "wrong number of fields", ZH: "字段数不符"},
	l10n.Entry{Key: "line too long", ZH: "行过长"},
	l10n.Entry{Key: "data after the trailer", ZH: "文件尾之后还有数据"},
	l10n.Entry{Key: "field contains a line break", ZH: "字段含换行符"},
	l10n.Entry{Key: "writer already closed", ZH: "写入器已关闭"},
	l10n.Entry{Key: "malformed trailer", ZH: "文件尾格式错误"},
	l10n.Entry{Key: "empty line", ZH: "空行"},

	// detail formats
	l10n.Entry{Key: "got %v, want %v", ZH: "实际为%[1]v，应为%[2]v"},
	l10n.Entry{Key: "%d bytes as the card stores it (GB2312/GB18030), at most %d", ZH: "按卡内存储（GB2312/GB18030）占%d字节，最多%d字节"},
	l10n.Entry{Key: "%v", ZH: "%v"},
	l10n.Entry{Key: "invalid UTF-8 input", ZH: "输入不是有效的UTF-8"},
	l10n.Entry{Key: "unterminated quote", ZH: "引号未闭合"},
	l10n.Entry{Key: "text after closing quote", ZH: "闭合引号后还有文字"},
	l10n.Entry{Key: "quote in unquoted field", ZH: "未加引号的字段中含引号"},
	l10n.Entry{Key: "invalid UTF-8", ZH: "无效的UTF-8"},
	l10n.Entry{Key: "invalid GB18030 byte sequence", ZH: "无效的GB18030字节序列"},
	l10n.Entry{Key: "small box %s listed twice", ZH: "小箱%s重复列出"},
	l10n.Entry{Key: "no writer for the part", ZH: "分拆文件没有可写入的目标"},
	l10n.Entry{Key: "same as line %s", ZH: "与第%s行相同"},
	l10n.Entry{Key: "same as line %s (registry number %s)", ZH: "与第%[1]s行（学籍号%[2]s）相同"},
	l10n.Entry{Key: "%s:%s: field %s: %s", ZH: "%[1]s 第%[2]s行 字段%[3]s：%[4]s"},
	l10n.Entry{Key: "%s:%s: %s", ZH: "%[1]s 第%[2]s行：%[3]s"},
	l10n.Entry{Key: "%s: %s", ZH: "%[1]s：%[2]s"},

	// column labels for operators
	l10n.Entry{Key: "school_name", ZH: "校名"},
	l10n.Entry{Key: "name", ZH: "姓名"},
	l10n.Entry{Key: "gender", ZH: "性别"},
	l10n.Entry{Key: "registry_no", ZH: "学籍号"},
	l10n.Entry{Key: "resident_id", ZH: "身份证号"},
	l10n.Entry{Key: "birth_date", ZH: "出生日期"},
	l10n.Entry{Key: "photo", ZH: "照片"},
	l10n.Entry{Key: "card_serial", ZH: "卡序列号"},
	l10n.Entry{Key: "school_code", ZH: "学校代码"},
	l10n.Entry{Key: "level", ZH: "报送级别"},
	l10n.Entry{Key: "code", ZH: "报送单位代码"},
	l10n.Entry{Key: "digest", ZH: "摘要"},
	l10n.Entry{Key: "count", ZH: "数量"},

	// validation
	l10n.Entry{Key: "required field is empty", ZH: "必填字段为空"},
	l10n.Entry{Key: "value too long", ZH: "内容过长"},
	l10n.Entry{Key: "value has the wrong format", ZH: "格式错误"},
	l10n.Entry{Key: "student registry number invalid", ZH: "学籍号无效"},
	l10n.Entry{Key: "registry number does not belong to the sender", ZH: "学籍号不属于报送单位"},
	l10n.Entry{Key: "not eligible for a student card (vocational high school)", ZH: "不符合办卡条件（职业高中学生）"},
	l10n.Entry{Key: "resident ID number invalid", ZH: "身份证号无效"},
	l10n.Entry{Key: "birth date does not match the resident ID number", ZH: "出生日期与身份证号不符"},
	l10n.Entry{Key: "gender does not match the resident ID number", ZH: "性别与身份证号不符"},
	l10n.Entry{Key: "duplicate in this file", ZH: "文件内重复"},
	l10n.Entry{Key: "name not encodable in GB2312 and no rare-character entry", ZH: "姓名含GB2312以外的字符且无生僻字说明"},
	l10n.Entry{Key: "registry number already assigned to another student", ZH: "学籍号已分配给其他学生"},
	l10n.Entry{Key: "file not from the expected sender", ZH: "文件报送单位不符"},
	l10n.Entry{Key: "%s:%s: field %s (%s): %s", ZH: "%[1]s 第%[2]s行 字段%[3]s（学籍号%[4]s）：%[5]s"},

	// photos
	l10n.Entry{Key: "photo missing", ZH: "缺少照片"},
	l10n.Entry{Key: "photo is not a JPEG image", ZH: "照片不是JPEG图像"},
	l10n.Entry{Key: "photo file too large", ZH: "照片文件过大"},
	l10n.Entry{Key: "photo is not 640×480", ZH: "照片分辨率不是640×480"},
	l10n.Entry{Key: "photo is not 24-bit colour", ZH: "照片不是24位彩色"},
	l10n.Entry{Key: "photo background does not look blue", ZH: "照片背景不是蓝色"},
	l10n.Entry{Key: "JPEG quality too low", ZH: "JPEG压缩质量过低"},
	l10n.Entry{Key: "head size out of proportion", ZH: "头部比例不符"},
	l10n.Entry{Key: "head cannot be measured", ZH: "无法测量头部"},
	l10n.Entry{Key: "photo is not recent", ZH: "照片不是近期拍摄"},
	l10n.Entry{Key: "photo without a record", ZH: "照片没有对应的记录"},
	l10n.Entry{Key: "SOF%d coding (arithmetic, lossless or hierarchical) is not supported", ZH: "不支持SOF%d编码（算术、无损或分层编码）"},
	l10n.Entry{Key: "quantisation table missing", ZH: "缺少量化表"},
	l10n.Entry{Key: "estimated quality %s, want at least %s", ZH: "估计质量为%[1]s，应不低于%[2]s"},
	l10n.Entry{Key: "taken %s, more than %s days before %s", ZH: "拍摄于%[1]s，距%[3]s已超过%[2]s天"},
	l10n.Entry{Key: "measured %s, borderline blue", ZH: "测得%s，接近蓝色但不明确"},
	l10n.Entry{Key: "measured %s, want blue", ZH: "测得%s，应为蓝色"},
	l10n.Entry{Key: "%s %s (L*a*b* %s/%s/%s, hue %s°, chroma %s)", ZH: "%[1]s %[2]s（L*a*b* %[3]s/%[4]s/%[5]s，色相%[6]s°，彩度%[7]s）"},
	l10n.Entry{Key: "no uniform background at the border (%s of it one colour)", ZH: "边缘没有均匀的背景（仅%s为同一颜色）"},
	l10n.Entry{Key: "no figure in front of the background", ZH: "背景前没有人像"},
	l10n.Entry{Key: "several figures in the photo", ZH: "照片中有多个人像"},
	l10n.Entry{Key: "head height %s of the photo, want %s", ZH: "头部高度为照片的%[1]s，应为%[2]s"},
	l10n.Entry{Key: "head height at least %s of the photo (it reaches the bottom edge), want %s", ZH: "头部高度至少为照片的%[1]s（延伸到下边缘），应为%[2]s"},
	l10n.Entry{Key: "head width %s of the photo, want %s", ZH: "头部宽度为照片的%[1]s，应为%[2]s"},
	l10n.Entry{Key: "no JPEG start-of-image marker", ZH: "缺少JPEG图像起始标记"},
	l10n.Entry{Key: "JPEG data truncated", ZH: "JPEG数据不完整"},
	l10n.Entry{Key: "no frame header before the scan", ZH: "扫描段之前缺少帧头"},
	l10n.Entry{Key: "malformed JPEG marker", ZH: "JPEG标记格式错误"},
	l10n.Entry{Key: "malformed JPEG frame header", ZH: "JPEG帧头格式错误"},
	l10n.Entry{Key: "malformed JPEG quantisation table", ZH: "JPEG量化表格式错误"},
	l10n.Entry{Key: "malformed JPEG Huffman data", ZH: "JPEG哈夫曼数据格式错误"},
	l10n.Entry{Key: "malformed JPEG coefficient", ZH: "JPEG系数格式错误"},
	l10n.Entry{Key: "malformed JPEG scan header", ZH: "JPEG扫描头格式错误"},
	l10n.Entry{Key: "JPEG component never scanned", ZH: "JPEG有颜色分量未被扫描"},
	l10n.Entry{Key: "malformed JPEG restart interval or marker", ZH: "JPEG重置间隔或重置标记错误"},
	l10n.Entry{Key: "JPEG coding not supported", ZH: "不支持该JPEG编码方式"},
	l10n.Entry{Key: "JPEG frame too large to decode", ZH: "JPEG图像过大，无法解码"},
	l10n.Entry{Key: "white", ZH: "白色"},
	l10n.Entry{Key: "black", ZH: "黑色"},
	l10n.Entry{Key: "grey", ZH: "灰色"},
	l10n.Entry{Key: "red", ZH: "红色"},
	l10n.Entry{Key: "orange", ZH: "橙色"},
	l10n.Entry{Key: "yellow", ZH: "黄色"},
	l10n.Entry{Key: "green", ZH: "绿色"},
	l10n.Entry{Key: "cyan", ZH: "青色"},
	l10n.Entry{Key: "blue", ZH: "蓝色"},
	l10n.Entry{Key: "purple", ZH: "紫色"},

	// the strict package reader, merge digests, bounds
	l10n.Entry{Key: "not a readable zip archive", ZH: "不是可读取的zip压缩包"},
	l10n.Entry{Key: "entry name appears twice", ZH: "压缩包内条目名称重复"},
	l10n.Entry{Key: "entry name is not a plain relative path", ZH: "条目名称不是普通的相对路径"},
	l10n.Entry{Key: "entry is not a regular file", ZH: "条目不是普通文件"},
	l10n.Entry{Key: "entry is not part of the package layout", ZH: "条目不属于数据包规定的结构"},
	l10n.Entry{Key: "entry too large for the package bounds", ZH: "条目超出数据包的大小限制"},
	l10n.Entry{Key: "package is not the one that was accepted", ZH: "数据包不是审核通过的那一个"},
	l10n.Entry{Key: "%s: entry %s: %s", ZH: "%[1]s 条目%[2]s：%[3]s"},
	l10n.Entry{Key: "too many problems: validation stopped, the rest of the file was not checked", ZH: "问题过多：校验已停止，文件其余部分未检查"},
	l10n.Entry{Key: "stopped at line %s after %s problems", ZH: "在第%[1]s行、发现%[2]s个问题后停止"},
	l10n.Entry{Key: "%s more problems not listed: the failure file lists the first %s", ZH: "另有%[1]s个问题未列出：失败文件只列出前%[2]s个"},

	// values printed to operators: box labels, count differences, waste, levels
	l10n.Entry{Key: "big box %s | batch %s | district %s | %s cards", ZH: "大箱 %[1]s | 批次 %[2]s | 区县 %[3]s | %[4]s张"},
	l10n.Entry{Key: "small box %s | %s %s | student category %s | cohort %s | %s cards", ZH: "小箱 %[1]s | %[2]s %[3]s | 学生类别 %[4]s | %[5]s届 | %[6]s张"},
	l10n.Entry{Key: "batch %s, school %s, student category %s, cohort %s: sheet %s, counted %s", ZH: "批次%[1]s 学校%[2]s 学生类别%[3]s %[4]s届：交接单%[5]s张，清点%[6]s张"},
	l10n.Entry{Key: "%s cards: %s made, %s spoilt by data errors (%s), %s spoilt by the factory", ZH: "共%[1]s张：合格%[2]s张，数据错误废卡%[3]s张（%[4]s），制卡厂废卡%[5]s张"},
	l10n.Entry{Key: "; data-error waste over 3 percent: the sender of the data is liable", ZH: "；数据错误废卡率超过3%%，数据报送方承担经济责任"},
	l10n.Entry{Key: "city", ZH: "市级"},
	l10n.Entry{Key: "district", ZH: "区县"},
	l10n.Entry{Key: "school", ZH: "学校"},
	l10n.Entry{Key: "card factory", ZH: "制卡厂"},

	// handover, slips
	l10n.Entry{Key: "packing rule broken", ZH: "违反装箱规则"},
	l10n.Entry{Key: "cards counted do not match the handover sheet", ZH: "清点卡数与交接单不符"},
	l10n.Entry{Key: "personalisation record older than one month", ZH: "个人化记录已超过一个月"},
	l10n.Entry{Key: "student has no issued card", ZH: "学生尚未发卡"},
	l10n.Entry{Key: "e-purse still active: refund at a transit office first", ZH: "电子钱包仍在使用：须先到一卡通网点停用并退还余额"},
)

// Envelope errors. Every error a Reader returns is a *ParseError whose Err
// unwraps to one of these, so callers branch with errors.Is and operators get
// the file, line and field in their language.
var (
	// ErrTruncated: the file ends before a complete trailer, so records may be
	// missing; nothing in it may be used.
	ErrTruncated = messages.Error("file truncated: trailer missing or incomplete")
	// ErrDigest: the digest in the trailer does not match the header and
	// records as read: the file was altered or its lines re-ordered.
	ErrDigest = messages.Error("digest mismatch: file altered or records re-ordered")
	// ErrCount: the trailer's record count differs from the records read.
	ErrCount = messages.Error("record count mismatch")
	// ErrEncoding: a byte sequence is not valid in the declared encoding
	// (GB18030 or UTF-8), or a value cannot be encoded in it.
	ErrEncoding = messages.Error("text not valid in the declared encoding")
	// ErrKind: the file is of another kind than the caller expects.
	ErrKind = messages.Error("unexpected file kind")
	// ErrVersion: the envelope or kind version is not one this code reads.
	ErrVersion = messages.Error("unsupported format version")
	// ErrHeader: the header line is missing or malformed.
	ErrHeader = messages.Error("malformed header")
	// ErrColumns: the column line does not name the columns the kind defines.
	ErrColumns = messages.Error("unexpected columns")
	// ErrQuote: a field's quoting is malformed (bare quote, unterminated quote).
	ErrQuote = messages.Error("malformed quoting")
	// ErrFieldCount: a record has more or fewer fields than the columns.
	ErrFieldCount = messages.Error("wrong number of fields")
	// ErrLineTooLong: a line exceeds MaxLineLength; a record never needs that
	// much, so the file is not one of ours.
	ErrLineTooLong = messages.Error("line too long")
	// ErrTrailingData: bytes follow the trailer (two files concatenated?).
	ErrTrailingData = messages.Error("data after the trailer")
	// ErrNewline: a value holds CR or LF, which the line-per-record format
	// cannot carry.
	ErrNewline = messages.Error("field contains a line break")
	// ErrClosed: a record was written after Close.
	ErrClosed = messages.Error("writer already closed")
	// ErrTrailer: the trailer line is malformed.
	ErrTrailer = messages.Error("malformed trailer")
	// ErrEmptyLine: a blank line where a record or the trailer must be.
	ErrEmptyLine = messages.Error("empty line")
)

// ParseError reports where a file is wrong: the file name given to the
// reader, the 1-based line, the column name (empty when the whole line or file
// is at fault) and the reason, which unwraps to a sentinel such as ErrDigest.
type ParseError struct {
	File  string
	Line  int
	Field string
	Err   error
}

// Error renders the error in English.
func (e *ParseError) Error() string { return e.Localize(l10n.English) }

// Unwrap gives the reason, so errors.Is(err, ErrTruncated) works.
func (e *ParseError) Unwrap() error { return e.Err }

// Localize renders the error for an operator in the language tag. Line
// numbers are passed as text: the message printer would group digits
// ("line 12,345"), which no editor's "go to line" understands.
func (e *ParseError) Localize(tag language.Tag) string {
	reason := l10n.Error(e.Err, tag)
	switch {
	case e.Line > 0 && e.Field != "":
		return messages.Sprintf(tag, "%s:%s: field %s: %s", e.File, strconv.Itoa(e.Line), fieldLabel(tag, e.Field), reason)
	case e.Line > 0:
		return messages.Sprintf(tag, "%s:%s: %s", e.File, strconv.Itoa(e.Line), reason)
	default:
		return messages.Sprintf(tag, "%s: %s", e.File, reason)
	}
}

// detailError adds what was found and what was expected to a sentinel,
// keeping errors.Is working and both languages available.
type detailError struct {
	err  error
	key  string
	args []any
}

func detail(err error, key string, args ...any) error {
	return &detailError{err: err, key: key, args: args}
}

func (d *detailError) Error() string { return d.Localize(l10n.English) }

func (d *detailError) Unwrap() error { return d.err }

func (d *detailError) Localize(tag language.Tag) string {
	sep := ": "
	if l10n.Match(tag) == l10n.Chinese {
		sep = "："
	}
	return l10n.Error(d.err, tag) + sep + messages.Sprintf(tag, d.key, d.args...)
}

// gotWant is the common detail "got X, want Y".
func gotWant(err error, got, want any) error {
	return detail(err, "got %v, want %v", fmt.Sprint(got), fmt.Sprint(want))
}

// fieldLabel names a column for an operator: the Chinese label where the
// catalog has one, the column name otherwise.
func fieldLabel(tag language.Tag, col string) string {
	if messages.Has(col) {
		return messages.Sprintf(tag, col)
	}
	return col
}
