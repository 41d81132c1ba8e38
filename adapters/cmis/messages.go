package cmis

import (
	"strings"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/l10n"
)

// messages holds every user-facing text of the package, English key beside
// its Chinese rendering.
var messages = l10n.NewCatalog(
	// Sentinels.
	l10n.Entry{Key: "not an xlsx workbook or CSV text", ZH: "不是xlsx工作簿或CSV文本文件"},
	l10n.Entry{Key: "sheet not found in the workbook", ZH: "工作簿中没有该工作表"},
	l10n.Entry{Key: "no header row with CMIS column names", ZH: "未找到含CMIS列名的表头行"},
	l10n.Entry{Key: "required column missing", ZH: "缺少必需的列"},
	l10n.Entry{Key: "column appears more than once", ZH: "列重复出现"},
	l10n.Entry{Key: "unknown field in the column mapping", ZH: "列映射中有未知字段"},
	l10n.Entry{Key: "invalid importer option", ZH: "导入选项无效"},
	l10n.Entry{Key: "separator %q cannot separate CSV fields", ZH: "%q不能用作CSV分隔符"},
	l10n.Entry{Key: "text not valid in the file's encoding", ZH: "文本不符合文件的字符编码"},
	l10n.Entry{Key: "malformed CSV row", ZH: "CSV行格式错误"},
	l10n.Entry{Key: "date is not a YYYYMMDD calendar date", ZH: "日期不是YYYYMMDD格式的有效日期"},
	l10n.Entry{Key: "division code is not 12 digits (6-digit GB/T 2260 code + 000000)", ZH: "行政区划代码不是12位（6位GB/T 2260代码加000000）"},
	l10n.Entry{Key: "class number is not 7 digits (entry year + grade + 2-digit class)", ZH: "班号不是7位数字（入学年份+年级+2位班级号）"},
	l10n.Entry{Key: "entry month is not YYYYMM", ZH: "入学年月不是YYYYMM格式"},
	l10n.Entry{Key: "gender is not 男/女 (1/2)", ZH: "性别不是“男”或“女”（1或2）"},
	l10n.Entry{Key: "fields disagree", ZH: "数据项之间不一致"},
	l10n.Entry{Key: "transient flag is not 是/否", ZH: "借读标志不是“是”或“否”"},
	l10n.Entry{Key: "name contains Latin letters (pinyin for a rare character?)", ZH: "姓名含拉丁字母（是否用拼音代替了生僻字？）"},
	l10n.Entry{Key: "the workbook exceeds a bound of the importer", ZH: "工作簿超出导入程序的限制"},
	l10n.Entry{Key: "formula without a computed value: open the file in Excel or WPS and save it again", ZH: "公式没有计算结果：请用Excel或WPS打开该文件后重新保存"},
	l10n.Entry{Key: "the cell holds an Excel error value", ZH: "单元格是Excel错误值"},
	l10n.Entry{Key: "the export has a header and no student rows", ZH: "导出文件只有表头，没有学生数据行"},
	l10n.Entry{Key: "header cell holds a line break: put the column name on one line", ZH: "表头单元格含换行：请把列名写在一行内"},
	l10n.Entry{Key: "character no name may hold", ZH: "含姓名中不允许的字符"},
	l10n.Entry{Key: "the ID type is not a resident ID card", ZH: "证件类型不是居民身份证"},
	l10n.Entry{Key: "resident ID ends in 000 like an ID Excel stored as a number: compare it with the ID card", ZH: "身份证号以000结尾，与Excel存成数字后的号码相同：请与身份证核对"},

	// Frames of a CellError and of the error list.
	l10n.Entry{Key: "%[1]s: row %[2]d, column %[3]s (%[4]s), value %[5]q: %[6]s", ZH: "%[1]s 第%[2]d行 %[3]s列（%[4]s）“%[5]s”：%[6]s"},
	l10n.Entry{Key: "%[1]s: row %[2]d, column %[3]s (%[4]s): %[6]s", ZH: "%[1]s 第%[2]d行 %[3]s列（%[4]s）：%[6]s"},
	l10n.Entry{Key: "%[1]s: row %[2]d, header %[4]s: %[6]s", ZH: "%[1]s 第%[2]d行 表头“%[4]s”：%[6]s"},
	l10n.Entry{Key: "%[1]s: row %[2]d: %[6]s", ZH: "%[1]s 第%[2]d行：%[6]s"},
	l10n.Entry{Key: "%[1]s: %[6]s", ZH: "%[1]s：%[6]s"},
	l10n.Entry{Key: "%d problems", ZH: "共%d处问题"},
	l10n.Entry{Key: "%s, sheet %s", ZH: "%s 工作表“%s”"},

	// Details.
	l10n.Entry{Key: "%s is not a calendar date", ZH: "%s不是有效日期"},
	l10n.Entry{Key: "year %s is before 1900", ZH: "年份%s早于1900年"},
	l10n.Entry{Key: "%s is after today (%s)", ZH: "%s晚于今天（%s）"},
	l10n.Entry{Key: "month %s is not 01-12", ZH: "月份%s不在01-12之间"},
	l10n.Entry{Key: "e.g. %s", ZH: "例如%s"},
	l10n.Entry{Key: "e.g. %s (entered 2013, grade 1, class 01)", ZH: "例如%s（2013年入学、1年级、01班）"},
	l10n.Entry{Key: "province part %s is not a GB/T 2260 province code", ZH: "省级代码%s不是GB/T 2260省级代码"},
	l10n.Entry{Key: "last six digits %s are not 000000", ZH: "后6位%s不是000000"},
	l10n.Entry{Key: "grade %s is not 1-9", ZH: "年级%s不在1-9之间"},
	l10n.Entry{Key: "class %s is not 01-99", ZH: "班级号%s不在01-99之间"},
	l10n.Entry{Key: "the resident ID number says %s", ZH: "身份证号显示为%s"},
	l10n.Entry{Key: "digit 9 of the registry number is %c (%s)", ZH: "学籍号第9位为%c（%s）"},
	l10n.Entry{Key: "entry year %s differs from the entry month %s", ZH: "入学年份%s与入学年月%s不一致"},
	l10n.Entry{Key: "Excel stored it as a number and lost digits: format the column as text", ZH: "Excel把它存成了数字并丢失了位数：请把该列设为文本格式"},
	l10n.Entry{Key: "Excel dropped the leading 0: format the column as text", ZH: "Excel去掉了开头的0：请把该列设为文本格式"},
	l10n.Entry{Key: "also mapped from column %s", ZH: "已由%s列映射"},
	l10n.Entry{Key: "field %q", ZH: "字段%q"},
	l10n.Entry{Key: "the first %d rows hold no known column name", ZH: "前%d行中没有已知的列名"},
	l10n.Entry{Key: "an old .xls or encrypted workbook: save it as .xlsx", ZH: "是旧版.xls或加密的工作簿：请另存为.xlsx"},
	l10n.Entry{Key: "binary data", ZH: "含二进制数据"},
	l10n.Entry{Key: "UTF-16 text: save it as UTF-8 or GB18030 CSV", ZH: "是UTF-16文本：请另存为UTF-8或GB18030编码的CSV"},
	l10n.Entry{Key: "the workbook cannot be read: %s", ZH: "无法读取工作簿：%s"},
	l10n.Entry{Key: "the workbook has sheets %s", ZH: "工作簿中的工作表为%s"},
	l10n.Entry{Key: "the workbook has no sheet", ZH: "工作簿中没有工作表"},
	l10n.Entry{Key: "unknown encoding %q", ZH: "未知的字符编码%q"},
	l10n.Entry{Key: "%s exceeds %d", ZH: "%s超过%d"},
	l10n.Entry{Key: "the workbook file (bytes)", ZH: "工作簿文件（字节）"},
	l10n.Entry{Key: "the unpacked workbook (bytes)", ZH: "工作簿解压后（字节）"},
	l10n.Entry{Key: "a workbook part (bytes)", ZH: "工作簿的一个部件（字节）"},
	l10n.Entry{Key: "the shared strings (count)", ZH: "共享字符串（个数）"},
	l10n.Entry{Key: "the shared strings (bytes)", ZH: "共享字符串（字节）"},
	l10n.Entry{Key: "the text of one cell (bytes)", ZH: "单个单元格的文本（字节）"},
	l10n.Entry{Key: "one XML tag or text (bytes)", ZH: "单个XML标记或文本（字节）"},
	l10n.Entry{Key: "Excel shows %s", ZH: "Excel显示为%s"},
	l10n.Entry{Key: "the cell holds %s shown with the number format %s (a date and time?): enter the date alone", ZH: "单元格的值为%s，数字格式为%s（含时间？）：请只填写日期"},
	l10n.Entry{Key: "the cell holds %s shown with the number format %s, which is no calendar date", ZH: "单元格的值为%s，数字格式为%s，不是有效日期"},
	l10n.Entry{Key: "%s puts the year last, which reads as month/day in some places and day/month in others: write it as YYYYMMDD", ZH: "%s把年份放在最后，可能是月/日也可能是日/月：请写成YYYYMMDD格式"},
	l10n.Entry{Key: "character %q (U+%04X) at position %d is %s", ZH: "第%[3]d个字符%[1]q（U+%04[2]X）是%[4]s"},
	l10n.Entry{Key: "a control character (line break, tab)", ZH: "控制字符（换行、制表符）"},
	l10n.Entry{Key: "an invisible format character (zero-width space, byte order mark)", ZH: "不可见的格式字符（零宽空格、字节顺序标记）"},
	l10n.Entry{Key: "a special space (no-break space)", ZH: "特殊空格（不换行空格）"},
	l10n.Entry{Key: "an emoji or symbol", ZH: "表情符号或图形符号"},
	l10n.Entry{Key: "a private-use or unassigned character", ZH: "私用区或未分配的字符"},
	l10n.Entry{Key: "%d bytes as the card stores it (GB2312/GB18030), at most %d", ZH: "按卡内存储（GB2312/GB18030）占%d字节，最多%d字节"},
	l10n.Entry{Key: "%s: card-making data takes resident ID card numbers; keep this student's ID type and number in CMIS (P-7)", ZH: "%s：制卡数据只收居民身份证号；该学生的证件类型和证件号请在CMIS中按证件类型填报（P-7）"},
	l10n.Entry{Key: "looks like a passport or permit number: card-making data takes resident ID card numbers; record the student's ID type (证件类型) in CMIS (P-7)", ZH: "像是护照或通行证号码：制卡数据只收居民身份证号；请在CMIS中填写该学生的证件类型（P-7）"},
	l10n.Entry{Key: "also in row %d", ZH: "与第%d行重复"},
	l10n.Entry{Key: "the first %d rows, read as %s, hold no known column name", ZH: "按%[2]s编码读取，前%[1]d行中没有已知的列名"},
	l10n.Entry{Key: "every sheet is hidden: %s", ZH: "所有工作表都是隐藏的：%s"},
	l10n.Entry{Key: "the first %d rows of sheets %s hold no known column name", ZH: "工作表%[2]s的前%[1]d行中没有已知的列名"},
	l10n.Entry{Key: "the first %d rows of sheets %s hold no known column name (hidden sheets not read: %s)", ZH: "工作表%[2]s的前%[1]d行中没有已知的列名（未读取隐藏的工作表：%[3]s）"},
	l10n.Entry{Key: "ID type", ZH: "身份证件类型"},
	l10n.Entry{Key: "yes", ZH: "是"},
	l10n.Entry{Key: "no", ZH: "否"},
	l10n.Entry{Key: "transient", ZH: "借读生"},
	l10n.Entry{Key: "not transient", ZH: "非借读生"},

	// Field labels, as operators know the columns.
	l10n.Entry{Key: "school name", ZH: "学校名称"},
	l10n.Entry{Key: "name", ZH: "姓名"},
	l10n.Entry{Key: "gender", ZH: "性别"},
	l10n.Entry{Key: "student registry number", ZH: "学籍号"},
	l10n.Entry{Key: "resident ID number", ZH: "身份证号"},
	l10n.Entry{Key: "birth date", ZH: "出生日期"},
	l10n.Entry{Key: "photo file name", ZH: "照片文件名"},
	l10n.Entry{Key: "class number", ZH: "班号"},
	l10n.Entry{Key: "entry month", ZH: "入学年月"},
	l10n.Entry{Key: "division code", ZH: "行政区划代码"},
	l10n.Entry{Key: "birthplace division code", ZH: "出生地行政区划代码"},
	l10n.Entry{Key: "ethnic group", ZH: "民族"},
	l10n.Entry{Key: "transient student", ZH: "是否借读"},
)

// Sentinel errors. Every problem the importer reports is a [*CellError]
// whose Err matches one of these with errors.Is. The rules a card-making
// record obeys at every level have one sentinel, batch's: ErrRequired,
// ErrRegistryNumber, ErrResidentID, ErrTooLong and ErrDuplicate are
// batch.ErrRequired, batch.ErrRegistryNo, batch.ErrResidentID,
// batch.ErrTooLong and batch.ErrDuplicate, so a school's import and the
// district's validator speak of the same refusal.
var (
	// ErrNotSpreadsheet: the input is neither an xlsx workbook nor CSV text
	// (an old .xls, a PDF, an image, a damaged zip). The whole file is refused.
	ErrNotSpreadsheet = messages.Error("not an xlsx workbook or CSV text")
	// ErrSheet: Importer.Sheet names a sheet the workbook does not have.
	ErrSheet = messages.Error("sheet not found in the workbook")
	// ErrNoHeader: none of the first MaxHeaderRows rows names a known column,
	// so the file is not a CMIS student export.
	ErrNoHeader = messages.Error("no header row with CMIS column names")
	// ErrMissingColumn: the header lacks a required column; one error per
	// missing column, naming it. No data row is read.
	ErrMissingColumn = messages.Error("required column missing")
	// ErrDuplicateColumn: two header cells map to the same field (say 身份证号
	// and 身份证件号), so which one holds the data is ambiguous.
	ErrDuplicateColumn = messages.Error("column appears more than once")
	// ErrUnknownField: Importer.Columns names a field this package does not
	// know; a programming error of the caller.
	ErrUnknownField = messages.Error("unknown field in the column mapping")
	// ErrOption: an Importer setting cannot work (a CSV separator that is a
	// quote or a line break); a programming error of the caller.
	ErrOption = messages.Error("invalid importer option")
	// ErrEncoding: a cell's bytes are not valid in the file's encoding
	// (UTF-8 or GB18030), or the file is UTF-16.
	ErrEncoding = messages.Error("text not valid in the file's encoding")
	// ErrMalformedRow: a CSV row's quoting is broken; the row is skipped.
	ErrMalformedRow = messages.Error("malformed CSV row")
	// ErrRequired: a required field (C-1, and any mapped column marked
	// required) is empty.
	ErrRequired = batch.ErrRequired
	// ErrDate: a date is not YYYYMMDD, not a calendar date, before 1900 or
	// (with a clock) in the future (P-4).
	ErrDate = messages.Error("date is not a YYYYMMDD calendar date")
	// ErrDivisionCode: a division code is not 12 digits made of a 6-digit
	// GB/T 2260 code and 000000 (P-4).
	ErrDivisionCode = messages.Error("division code is not 12 digits (6-digit GB/T 2260 code + 000000)")
	// ErrClassNumber: a class number is not 7 digits: entry year, grade,
	// 2-digit class (P-4).
	ErrClassNumber = messages.Error("class number is not 7 digits (entry year + grade + 2-digit class)")
	// ErrEntryMonth: an entry month is not YYYYMM (P-4).
	ErrEntryMonth = messages.Error("entry month is not YYYYMM")
	// ErrGender: the gender is none of 男, 女, 1, 2 (GB/T 2261.1).
	ErrGender = messages.Error("gender is not 男/女 (1/2)")
	// ErrRegistryNumber: studentid.Parse (or the check-digit scheme) refused
	// the registry number; the studentid error is wrapped too.
	ErrRegistryNumber = batch.ErrRegistryNo
	// ErrResidentID: studentid.ParseResidentID refused the resident ID
	// number; the studentid error is wrapped too.
	ErrResidentID = batch.ErrResidentID
	// ErrInconsistent: two fields of a row disagree (SPEC §2 data checks):
	// birth date or gender against the resident ID number, the transient
	// flag against digit 9 of the registry number, or (a warning) the class
	// number's entry year against the entry month.
	ErrInconsistent = messages.Error("fields disagree")
	// ErrTransientFlag: the transient column holds something other than a
	// yes/no value.
	ErrTransientFlag = messages.Error("transient flag is not 是/否")
	// ErrLatinName: a warning, not an error: the name mixes Latin letters
	// into it, which is how CMIS stores a rare character (C-4); the row is
	// kept and batch's rare-character check decides.
	ErrLatinName = messages.Error("name contains Latin letters (pinyin for a rare character?)")
	// ErrTooBig: the workbook exceeds one of the bounds of the importer
	// (MaxXLSXBytes, the unzip limit, MaxCellBytes, MaxSharedStrings,
	// MaxSharedStringBytes); the whole file is refused.
	ErrTooBig = messages.Error("the workbook exceeds a bound of the importer")
	// ErrFormula: a cell holds a formula whose value was never computed
	// (written by a program, not saved by Excel), so its value is unknown.
	ErrFormula = messages.Error("formula without a computed value: open the file in Excel or WPS and save it again")
	// ErrExcelError: a cell holds an Excel error value (#N/A, #VALUE!, …).
	ErrExcelError = messages.Error("the cell holds an Excel error value")
	// ErrNoRows: the export has a header and no student row; an empty
	// class is never a clean result.
	ErrNoRows = messages.Error("the export has a header and no student rows")
	// ErrHeaderLineBreak: a header cell holds a line break.
	ErrHeaderLineBreak = messages.Error("header cell holds a line break: put the column name on one line")
	// ErrCharacter: a name or school name holds a character no name may
	// hold (control, format, special space, emoji, private use), named
	// with its U+ code.
	ErrCharacter = messages.Error("character no name may hold")
	// ErrTooLong: a name or school name is longer than the card stores
	// (card.NameSize, card.SchoolNameSize bytes of GB2312/GB18030): the one
	// length rule the validators and the card apply too.
	ErrTooLong = batch.ErrTooLong
	// ErrIDType: the ID type column names another ID than the resident ID
	// card (a passport, a permit, "other"): such students are handled by
	// the ID-type path of CMIS (P-7), not by card-making data.
	ErrIDType = messages.Error("the ID type is not a resident ID card")
	// ErrRoundedID: a warning: a valid resident ID ending in 000, as every
	// ID Excel stored as a number does; compare it with the ID card.
	ErrRoundedID = messages.Error("resident ID ends in 000 like an ID Excel stored as a number: compare it with the ID card")
	// ErrDuplicate: a registry number or resident ID appears in an
	// earlier row of the same export (named in the message).
	ErrDuplicate = batch.ErrDuplicate
)

// CellError is one problem of one cell: the file, the row as Excel shows it
// (1-based), the column as an Excel letter and the header text above it,
// the value as read, and the reason, which unwraps to a sentinel such as
// [ErrDate]. Header-level problems have no Column ([ErrMissingColumn] names
// the missing column in Header); file-level ones have no Row.
type CellError struct {
	File   string
	Sheet  string // the worksheet (xlsx only)
	Row    int
	Column string // Excel column letter, "" when no single column is at fault
	Header string // the header text of the column, or the missing column's name
	Value  string // the value as read (trimmed, width-folded)
	Err    error
}

// Error renders the problem in English.
func (e *CellError) Error() string { return e.Localize(l10n.English) }

// Unwrap gives the reason, so errors.Is(err, ErrDate) works.
func (e *CellError) Unwrap() error { return e.Err }

// Localize renders the problem for an operator: where it is, what was
// there and what was wrong with it.
func (e *CellError) Localize(tag language.Tag) string {
	key := "%[1]s: %[6]s"
	switch {
	case e.Row > 0 && e.Column != "" && e.Value != "":
		key = "%[1]s: row %[2]d, column %[3]s (%[4]s), value %[5]q: %[6]s"
	case e.Row > 0 && e.Column != "":
		key = "%[1]s: row %[2]d, column %[3]s (%[4]s): %[6]s"
	case e.Row > 0 && e.Header != "":
		key = "%[1]s: row %[2]d, header %[4]s: %[6]s"
	case e.Row > 0:
		key = "%[1]s: row %[2]d: %[6]s"
	}
	where := e.File
	if e.Sheet != "" {
		where = messages.Sprintf(tag, "%s, sheet %s", e.File, e.Sheet)
	}
	return messages.Sprintf(tag, key, where, e.Row, e.Column, e.Header, e.Value, l10n.Error(e.Err, tag))
}

// Errors is a list of cell problems in row order; [Result.Err] returns one,
// and so does an import refused for its header. It matches every sentinel
// any of its errors matches.
type Errors []*CellError

// Error renders the list in English, one problem per line.
func (es Errors) Error() string { return es.Localize(l10n.English) }

// Localize renders the list in the language tag: a count, then one problem
// per line.
func (es Errors) Localize(tag language.Tag) string {
	var b strings.Builder
	b.WriteString(messages.Sprintf(tag, "%d problems", len(es)))
	for _, e := range es {
		b.WriteByte('\n')
		b.WriteString(e.Localize(tag))
	}
	return b.String()
}

// Unwrap gives every error of the list to errors.Is and errors.As.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
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
	args := make([]any, len(d.args))
	for i, a := range d.args {
		if l, ok := a.(l10n.Localizer); ok {
			a = l.Localize(tag)
		}
		args[i] = a
	}
	return l10n.Error(d.err, tag) + sep(tag) + messages.Sprintf(tag, d.key, args...)
}

// causeError is a sentinel with the error that caused it (a studentid or
// workbook error), matching both with errors.Is and rendering both.
type causeError struct{ err, cause error }

func (c *causeError) Error() string   { return c.Localize(l10n.English) }
func (c *causeError) Unwrap() []error { return []error{c.err, c.cause} }
func (c *causeError) Localize(tag language.Tag) string {
	return l10n.Error(c.err, tag) + sep(tag) + l10n.Error(c.cause, tag)
}

func sep(tag language.Tag) string {
	if l10n.Match(tag) == l10n.Chinese {
		return "："
	}
	return ": "
}

// text is a catalog key rendered in the reader's language when it is an
// argument of another text.
type text string

func (t text) Localize(tag language.Tag) string { return messages.Sprintf(tag, string(t)) }
