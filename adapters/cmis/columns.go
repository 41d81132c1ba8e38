package cmis

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"
	"golang.org/x/text/width"
)

// Field is one datum of a student that the importer knows how to check. Its
// value is the column name batch uses where batch has the field
// (batch.CardData), so the two packages speak of the same things.
type Field string

// The fields of a CMIS student export the importer reads. The first six are
// the card-making fields of C-1 (the photo travels as a file); the others
// are checked by the collection rules of P-4 when the export has them.
const (
	FieldSchoolName     Field = "school_name"
	FieldName           Field = "name"
	FieldGender         Field = "gender"
	FieldRegistryNo     Field = "registry_no"
	FieldResidentID     Field = "resident_id"
	FieldBirthDate      Field = "birth_date"
	FieldPhoto          Field = "photo"
	FieldClassNumber    Field = "class_no"
	FieldEntryMonth     Field = "entry_month"
	FieldDivisionCode   Field = "division_code"
	FieldBirthplaceCode Field = "birthplace_code"
	FieldEthnicity      Field = "ethnicity"
	FieldTransient      Field = "transient"
	FieldIDType         Field = "id_type" // 身份证件类型 (P-7): card-making data takes resident ID cards only
)

// label is the operator's name of each field, a catalog key.
var labels = map[Field]text{
	FieldSchoolName:     "school name",
	FieldName:           "name",
	FieldGender:         "gender",
	FieldRegistryNo:     "student registry number",
	FieldResidentID:     "resident ID number",
	FieldBirthDate:      "birth date",
	FieldPhoto:          "photo file name",
	FieldClassNumber:    "class number",
	FieldEntryMonth:     "entry month",
	FieldDivisionCode:   "division code",
	FieldBirthplaceCode: "birthplace division code",
	FieldEthnicity:      "ethnic group",
	FieldTransient:      "transient student",
	FieldIDType:         "ID type",
}

// Localize names the field in the language tag (学籍号, student registry
// number, …); an unknown field names itself.
func (f Field) Localize(tag language.Tag) string {
	if l, ok := labels[f]; ok {
		return l.Localize(tag)
	}
	return string(f)
}

// Column maps header texts to a field. Names are compared after folding
// full-width characters, dropping white space, a leading or trailing '*'
// (the required-field mark of CMIS templates) and a trailing parenthesised
// format hint such as "(YYYYMMDD)", "（7位）" or "（必填）", and ignoring the
// case of Latin letters. A parenthesis that says whose value it is
// (身份证号（父亲）, a guardian's column) is no hint: that header is another
// column, not mapped. The
// first name is the one CMIS exports and the one error messages use when
// the column is missing.
type Column struct {
	Field    Field
	Names    []string
	Required bool
}

// defaultColumns is the mapping of a CMIS student export, as data. Read
// through DefaultColumns; never changed.
var defaultColumns = [...]Column{
	{FieldSchoolName, []string{"学校名称", "学校", "校名", "学校全称", "school_name", "school name", "school"}, true},
	{FieldName, []string{"姓名", "学生姓名", "name", "student_name", "student name"}, true},
	{FieldGender, []string{"性别", "gender", "sex"}, true},
	{FieldRegistryNo, []string{"学籍号", "学生学籍号", "学籍编号", "registry_no", "registry number", "student registry number"}, true},
	{FieldResidentID, []string{"身份证号", "身份证件号", "身份证号码", "身份证件号码", "公民身份号码", "resident_id", "resident id", "id number", "id_number"}, true},
	{FieldBirthDate, []string{"出生日期", "birth_date", "birth date", "birthday", "date of birth"}, true},
	{FieldPhoto, []string{"照片文件名", "照片", "相片文件名", "photo", "photo_file", "photo file"}, false},
	{FieldClassNumber, []string{"班号", "class_no", "class number", "class"}, false},
	{FieldEntryMonth, []string{"入学年月", "entry_month", "entry month"}, false},
	{FieldDivisionCode, []string{"行政区划代码", "户口所在地行政区划", "户口所在地行政区划代码", "division_code", "division code"}, false},
	{FieldBirthplaceCode, []string{"出生地行政区划代码", "出生地行政区划", "birthplace_code", "birthplace code"}, false},
	{FieldEthnicity, []string{"民族", "ethnicity", "ethnic group", "nation"}, false},
	{FieldTransient, []string{"是否借读", "借读", "借读生", "是否借读生", "transient"}, false},
	{FieldIDType, []string{"身份证件类型", "证件类型", "身份证件种类", "id_type", "id type"}, false},
}

// DefaultColumns returns the mapping the importer uses unless told
// otherwise: the Chinese headers of a CMIS export with English aliases, the
// C-1 card-making fields required. The slice is a fresh copy; change it
// (add an alias a district's export uses) and set Importer.Columns.
func DefaultColumns() []Column {
	out := make([]Column, len(defaultColumns))
	for i, c := range defaultColumns {
		out[i] = Column{Field: c.Field, Names: slices.Clone(c.Names), Required: c.Required}
	}
	return out
}

// headerKey is the comparable form of a header text or column name.
func headerKey(s string) string {
	s = width.Fold.String(s)
	s = strings.TrimSpace(s)
	// A trailing hint: 出生日期(YYYYMMDD), 班号（7位） (folded to ASCII
	// parentheses above).
	if strings.HasSuffix(s, ")") {
		if i := strings.LastIndexByte(s, '('); i > 0 && isFormatHint(s[i+1:len(s)-1]) {
			s = s[:i]
		}
	}
	s = strings.Trim(s, "* \t")
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
	return s
}

// hintChars are the Chinese characters a format hint of a CMIS template is
// written with: 必填, 选填, 7位, 格式：YYYYMMDD, 如20130901, 年月日, 文本….
const hintChars = "必选填写位数字格式如例年月日号码可空为请文本型者是否男女代码"

// isFormatHint reports whether the text of a trailing parenthesis is a
// format hint: ASCII (YYYYMMDD, 7, yes/no) and hint words only.
func isFormatHint(h string) bool {
	for _, r := range h {
		if r >= utf8.RuneSelf && !strings.ContainsRune(hintChars, r) && !unicode.IsPunct(r) {
			return false
		}
	}
	return true
}

// mapping is a column mapping ready for matching header texts.
type mapping struct {
	columns []Column
	byKey   map[string]int // header key → index in columns
}

func newMapping(cols []Column) (*mapping, error) {
	if cols == nil {
		cols = defaultColumns[:]
	}
	m := &mapping{columns: cols, byKey: map[string]int{}}
	for i, c := range cols {
		if fieldIndex(c.Field) < 0 {
			return nil, detail(ErrUnknownField, "field %q", string(c.Field))
		}
		for _, n := range c.Names {
			if k := headerKey(n); k != "" {
				if _, dup := m.byKey[k]; !dup {
					m.byKey[k] = i
				}
			}
		}
	}
	return m, nil
}

// lookup returns the field a header text maps to.
func (m *mapping) lookup(header string) (Column, bool) {
	i, ok := m.byKey[headerKey(header)]
	if !ok {
		return Column{}, false
	}
	return m.columns[i], true
}
