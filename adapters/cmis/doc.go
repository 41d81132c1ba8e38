// Package cmis imports a school's CMIS student export (学生信息导出: an
// xlsx workbook or a CSV file) into card-making records (batch.CardRecord),
// checking every cell by the collection rules of SPEC P-4 and the data
// checks of SPEC §2, and listing every problem — never stopping at the
// first — so that the school fixes them all in CMIS at once (C-3).
//
// # Input
//
// The format is found from the first bytes, not the file name: a zip is an
// xlsx workbook, text is CSV. Old .xls workbooks, UTF-16 text and binary
// files are refused with a clear error ([ErrNotSpreadsheet], [ErrEncoding]);
// nothing panics.
//
// A workbook is read by the package's own streaming reader (archive/zip and
// a small XML scanner; no temporary files, so nothing is left in TMPDIR
// whatever happens). Cells are read with their stored type, never as a
// program would re-format them: a number in the registry-number or
// resident-ID column is refused ("Excel stored it as a number and lost
// digits"), because Excel keeps 15 significant digits and drops leading
// zeros, so digits that look right would be a guess; a formula without a
// computed value is [ErrFormula], an error value such as #N/A is
// [ErrExcelError]. The sheet read is Importer.Sheet, or the first visible
// sheet with a header row (a CMIS template's hidden dropdown sheet and
// sheets of notes are passed over); it is named in every message and
// Result.Sheets lists them all.
//
// CSV comes in GB18030 (what CMIS and Excel on Chinese Windows write) or
// UTF-8, with or without a byte order mark: a BOM decides, else
// Importer.Encoding, else the text: the encoding under which the first
// 64 KiB of non-ASCII bytes (however far into the file they start) hold
// fewer invalid sequences, so one stray byte cannot flip a file. GB18030 is
// decoded strictly (0x80 and 0xFF are invalid, not €) and the two-byte codes
// of GB18030-2022 are accepted (FE51 is U+20087 𠂇). Lines end in LF, CRLF
// or a lone CR (Excel for Mac). The separator is ',', or '\t' or ';' when
// the first line holds more of those.
//
// # Bounds
//
// Every intake is bounded, so a small hostile file is refused
// ([ErrTooBig]) after bounded work and memory:
//
//	workbook file            MaxXLSXBytes (256 MiB; read in place from an io.ReaderAt with a size, e.g. *os.File)
//	unpacked parts           Importer.MaxUnzipBytes, default DefaultMaxUnzipBytes (512 MiB), counted while unpacking
//	one cell or string       MaxCellBytes (98,301 bytes: Excel's 32,767 characters)
//	shared strings           MaxSharedStrings (1,048,576) and MaxSharedStringBytes (64 MiB), held in one buffer
//	XML tags, small parts    1 MiB a tag, 16 MiB a workbook, styles or relationships part
//	encoding detection       reads ahead at most 32 MiB
//
// A 100,000-row export streams in about 50 MB; the 919 KB workbook with one
// 900 MB cell and the 829 KB one with 20 million shared strings are refused
// in under 30 MB (BenchmarkImportXLSX100k, BenchmarkXLSXBombs).
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
//	id_type          身份证件类型 (证件类型, id_type)            居民身份证; any other ID: the ID-type path (P-7)
//
// A required column that is missing is one [ErrMissingColumn] error naming
// it, and no row is read.
//
// # Cells
//
// Every cell is width-folded (２０１３０９ → 201309, the ideographic space
// too) and trimmed, and a ="…" wrapper is taken off. Dates are converted
// when they name one day: a date-typed cell (a serial number shown with a
// date format, 1900 or 1904 system, or an ISO t="d" cell) and the written
// forms 2015/3/1, 2015-03-01, 2015.3.1 and 2015年3月1日 become YYYYMMDD;
// 3/1/2015 (year last: March or January?) and a number without a date
// format are refused saying what the cell holds. Entry months take 2013-09,
// 2013/9 and 2013年9月 likewise.
//
// Names and school names go through the hygiene of the card at the first
// import: composed (NFC), the middle-dot variants (U+30FB, U+2022, U+2027,
// U+FF65, …) folded to GB2312's U+00B7, and control, format, special-space,
// emoji and private-use characters refused naming the character and its U+
// code ([ErrCharacter]); one length rule in bytes as the card stores them
// (32 for a name, 40 for a school name, GB2312/GB18030), shared with
// batch's validator and package card ([ErrTooLong]). Characters outside
// GB2312 are batch's rare-character check (C-4); a name with Latin letters
// in it (pinyin standing for a rare character) is only a warning.
//
// A registry number or resident ID already in an earlier row is
// [ErrDuplicate], naming that row. An ID-type column (身份证件类型) naming a
// passport or permit, or a passport-shaped number in the resident-ID
// column, guides the operator to CMIS's ID-type path (P-7, [ErrIDType]). A
// header with no student rows is [ErrNoRows], a header cell with a line
// break [ErrHeaderLineBreak]; a header text with a parenthesis that is no
// format hint (身份证号（父亲）, a guardian's column) is another column.
//
// Each problem is a [*CellError] with the row as Excel shows it, the sheet,
// the column letter and header, the value as the operator sees it and a
// reason matching a sentinel ([ErrDate], [ErrDivisionCode],
// [ErrClassNumber], [ErrEntryMonth], [ErrRequired], [ErrGender],
// [ErrRegistryNumber], [ErrResidentID], [ErrInconsistent], [ErrEncoding],
// …); rendered with l10n it reads, for an operator:
//
//	students.xlsx 工作表“学生信息” 第3行 F列（出生日期）“20130230”：日期不是YYYYMMDD格式的有效日期：20130230不是有效日期
//
// Good rows come back as [Record]s (their Card is the batch.CardRecord),
// bad ones are counted in the [Summary], and [Result.Err] gives all
// problems as one error. With Importer.OnRecord the records stream out and
// exports of any size pass in bounded memory (the sheet is streamed; the
// shared strings and, unless the input is an io.ReaderAt, the workbook file
// are held in memory within the bounds above).
package cmis
