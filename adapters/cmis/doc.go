// Package cmis imports a school's CMIS student export (学生信息导出: an
// xlsx workbook or a CSV file) into card-making records (batch.CardRecord),
// checking every cell by the collection rules of SPEC P-4 and the data
// checks of SPEC §2, and listing every problem — never stopping at the
// first — so that the school fixes them all in CMIS at once (C-3).
//
// # Input
//
// The format is found from the first bytes, not the file name: a zip is an
// xlsx workbook, read with excelize's streaming row iterator (the first
// sheet unless Importer.Sheet names another); text is CSV. CSV comes in
// GB18030 (what CMIS and Excel on Chinese Windows write) or UTF-8, with or
// without a byte order mark: a BOM decides, else Importer.Encoding, else
// the first 64 KiB (valid UTF-8 means UTF-8, anything else GB18030). The
// separator is ',', or '\t' or ';' when the first line holds more of those.
// Old .xls workbooks, UTF-16 text and binary files are refused with a clear
// error ([ErrNotSpreadsheet], [ErrEncoding]); nothing panics.
//
// The header row is the first of the first [MaxHeaderRows] rows that names
// at least two known columns (title rows above it are skipped). Columns are
// found by name, in any order; extra columns are ignored. The mapping is
// data ([DefaultColumns], [Column]): the Chinese headers of a CMIS export
// with English aliases, compared after folding full-width characters,
// dropping spaces, a '*' mark and a trailing "(hint)":
//
//	field            CMIS header (aliases)                      rule
//	school_name      学校名称 (学校, 校名, school_name)          required
//	name             姓名 (学生姓名, name)                       required; Latin letters: warning
//	gender           性别 (gender, sex)                          required; 男/女 or 1/2
//	registry_no      学籍号 (学生学籍号, registry_no)            required; studentid.Parse (S-ID-2, S-ID-3)
//	resident_id      身份证号 (身份证件号, 身份证号码, …)        required; GB 11643; agrees with birth date and gender
//	birth_date       出生日期 (birth_date)                       required; YYYYMMDD, a calendar date
//	photo            照片文件名 (照片, photo)                    kept
//	class_no         班号 (class_no)                             7 digits: entry year, grade 1-9, class 01-99
//	entry_month      入学年月 (entry_month)                      YYYYMM
//	division_code    行政区划代码 (户口所在地行政区划, …)       12 digits: GB/T 2260 code + 000000
//	birthplace_code  出生地行政区划代码                          12 digits, as above
//	ethnicity        民族 (ethnicity)                            kept
//	transient        是否借读 (借读, transient)                  是/否; agrees with digit 9 (S-ID-3)
//
// A required column that is missing is one [ErrMissingColumn] error naming
// it, and no row is read.
//
// # Cells
//
// Every cell is width-folded (２０１３０９ → 201309, the ideographic space
// too) and trimmed, and a ="…" wrapper is taken off. Names are kept as
// given: characters outside GB2312 are batch's rare-character check (C-4);
// a name with Latin letters in it (pinyin standing for a rare character) is
// only a warning. Each problem is a [*CellError] with the row as Excel shows
// it, the column letter and header, the value and a reason matching a
// sentinel ([ErrDate], [ErrDivisionCode], [ErrClassNumber], [ErrEntryMonth],
// [ErrRequired], [ErrGender], [ErrRegistryNumber], [ErrResidentID],
// [ErrInconsistent], [ErrEncoding], …); rendered with l10n it reads, for an
// operator:
//
//	students.xlsx 第3行 F列（出生日期）“20130230”：日期不是YYYYMMDD格式的有效日期：20130230不是有效日期
//
// Good rows come back as [Record]s (their Card is the batch.CardRecord),
// bad ones are counted in the [Summary], and [Result.Err] gives all
// problems as one error. With Importer.OnRecord the records stream out and
// exports of any size pass in constant memory (an xlsx file itself is read
// whole by excelize; its sheet is not unpacked into memory).
package cmis
