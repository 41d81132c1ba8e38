package cmis

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/width"

	"github.com/bjedu/studentcard/internal/digits"
	"github.com/bjedu/studentcard/studentid"
)

// normalize is what every cell goes through before it is checked: full-width
// characters folded to their ASCII forms (２０１００９０１ → 20100901, the
// ideographic space to a space), surrounding white space trimmed, and the
// ="…" wrapper that some exports put around digit strings (so that Excel
// keeps their leading zeros) taken off.
func normalize(s string) string {
	if hasWide(s) {
		s = width.Fold.String(s)
	}
	s = strings.TrimSpace(s)
	if len(s) >= 3 && strings.HasPrefix(s, `="`) && strings.HasSuffix(s, `"`) {
		s = strings.TrimSpace(s[2 : len(s)-1])
	}
	return s
}

// hasWide reports whether s holds a character width.Fold changes that a
// CMIS export can hold: the ideographic space U+3000 (E3 80 80) or one of the
// Halfwidth and Fullwidth Forms U+FF00-FFEF (EF BC 80 - EF BF AF). Chinese
// text without them, the common case, is left alone without a copy.
func hasWide(s string) bool {
	for i := 0; i+2 < len(s); i++ {
		switch s[i] {
		case 0xEF:
			if c := s[i+1]; c >= 0xBC && c <= 0xBF {
				return true
			}
		case 0xE3:
			if s[i+1] == 0x80 && s[i+2] == 0x80 {
				return true
			}
		}
	}
	return false
}

// allDigits reports whether s is one or more ASCII digits.
func allDigits(s string) bool { return digits.Is(s, -1) }

func atoi(s string) int { return digits.Atoi(s) }

// checkDate checks a P-4 date: 8 digits YYYYMMDD, a calendar date from 1900
// on and, when today is not zero, not after today.
func checkDate(v string, today time.Time) error {
	if !digits.Is(v, 8) {
		return detail(ErrDate, "e.g. %s", "20071030")
	}
	y, _, _, ok := digits.Date(v)
	switch {
	case y < 1900:
		return detail(ErrDate, "year %s is before 1900", v[:4])
	case !ok:
		return detail(ErrDate, "%s is not a calendar date", v)
	case !today.IsZero() && v > today.Format("20060102"):
		return detail(ErrDate, "%s is after today (%s)", v, today.Format("20060102"))
	}
	return nil
}

// checkEntryMonth checks a P-4 entry month: 6 digits YYYYMM, a month 01-12
// from 1900 on and, when today is not zero, not after this month.
func checkEntryMonth(v string, today time.Time) error {
	if len(v) != 6 || !allDigits(v) {
		return detail(ErrEntryMonth, "e.g. %s", "201309")
	}
	switch m := atoi(v[4:]); {
	case atoi(v[:4]) < 1900:
		return detail(ErrEntryMonth, "year %s is before 1900", v[:4])
	case m < 1 || m > 12:
		return detail(ErrEntryMonth, "month %s is not 01-12", v[4:])
	case !today.IsZero() && v > today.Format("200601"):
		return detail(ErrEntryMonth, "%s is after today (%s)", v, today.Format("200601"))
	}
	return nil
}

// provinces are the province-level codes of GB/T 2260 (positions 1-2).
var provinces = [100]bool{
	11: true, 12: true, 13: true, 14: true, 15: true,
	21: true, 22: true, 23: true,
	31: true, 32: true, 33: true, 34: true, 35: true, 36: true, 37: true,
	41: true, 42: true, 43: true, 44: true, 45: true, 46: true,
	50: true, 51: true, 52: true, 53: true, 54: true,
	61: true, 62: true, 63: true, 64: true, 65: true,
	71: true, 81: true, 82: true,
}

// checkDivision checks a P-4 division code: 12 digits, a 6-digit GB/T 2260
// code (its province part one of the provinces) followed by 000000. The
// county list itself changes every year and is not checked.
func checkDivision(v string) error {
	if len(v) != 12 || !allDigits(v) {
		return detail(ErrDivisionCode, "e.g. %s", "110101000000")
	}
	if !provinces[atoi(v[:2])] {
		return detail(ErrDivisionCode, "province part %s is not a GB/T 2260 province code", v[:2])
	}
	if v[6:] != "000000" {
		return detail(ErrDivisionCode, "last six digits %s are not 000000", v[6:])
	}
	return nil
}

// checkClassNumber checks a P-4 class number: 7 digits, the entry year
// (from 1900, not after this year when today is not zero), the grade 1-9
// and the class 01-99.
func checkClassNumber(v string, today time.Time) error {
	if len(v) != 7 || !allDigits(v) {
		return detail(ErrClassNumber, "e.g. %s (entered 2013, grade 1, class 01)", "2013101")
	}
	switch {
	case atoi(v[:4]) < 1900:
		return detail(ErrClassNumber, "year %s is before 1900", v[:4])
	case !today.IsZero() && atoi(v[:4]) > today.Year():
		return detail(ErrClassNumber, "%s is after today (%s)", v[:4], today.Format("2006"))
	case v[4] == '0':
		return detail(ErrClassNumber, "grade %s is not 1-9", v[4:5])
	case v[5:] == "00":
		return detail(ErrClassNumber, "class %s is not 01-99", v[5:])
	}
	return nil
}

// genders are the values a gender cell may hold, after lower-casing: the
// Chinese words CMIS exports and the GB/T 2261.1 codes.
var genders = map[string]studentid.Sex{
	"男": studentid.Male, "男性": studentid.Male, "1": studentid.Male, "m": studentid.Male, "male": studentid.Male,
	"女": studentid.Female, "女性": studentid.Female, "2": studentid.Female, "f": studentid.Female, "female": studentid.Female,
}

func parseGender(v string) (studentid.Sex, error) {
	if s, ok := genders[strings.ToLower(v)]; ok {
		return s, nil
	}
	return studentid.SexUnknown, ErrGender
}

// yesNo are the values a transient cell may hold, after lower-casing.
var yesNo = map[string]bool{
	"是": true, "借读": true, "借读生": true, "y": true, "yes": true, "1": true, "true": true,
	"否": false, "非借读": false, "非借读生": false, "n": false, "no": false, "0": false, "false": false,
}

func parseYesNo(v string) (bool, error) {
	if b, ok := yesNo[strings.ToLower(v)]; ok {
		return b, nil
	}
	return false, ErrTransientFlag
}

// hasLatin reports whether a name holds an ASCII letter: pinyin standing for
// a rare character (C-4), or a typing slip.
func hasLatin(name string) bool {
	for i := 0; i < len(name); i++ {
		if c := name[i] | 0x20; c >= 'a' && c <= 'z' {
			return true
		}
	}
	return false
}

// lostDigits reports whether v is what Excel shows for a long digit string
// stored as a number (1.10101201001011E+17): the digits are gone, and the
// operator must re-enter the column as text.
func lostDigits(v string) bool {
	if !strings.ContainsAny(v, "Ee") {
		return false
	}
	_, err := strconv.ParseFloat(v, 64)
	return err == nil
}

// integral returns a number as written in a workbook as its integer digits,
// when it is an integer Excel holds exactly (under 10^15: fifteen
// significant digits); 2.0150301E7 is 20150301.
func integral(s string) (string, bool) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) >= 1e15 {
		return "", false
	}
	return strconv.FormatInt(int64(f), 10), true
}

// serialDate converts a number shown as a date (an Excel serial day number)
// to YYYYMMDD: in the 1900 system day 1 is 1900-01-01 and day 60 is the
// 29 February 1900 Excel counts but the calendar never had; in the 1904
// system day 0 is 1904-01-01. A time of day other than midnight, or a
// serial outside the calendar, is refused naming what the cell holds.
func (run *importRun) serialDate(c rawCell) (string, error) {
	f, err := strconv.ParseFloat(c.s, 64)
	if err != nil || f != math.Trunc(f) || f < 0 || f > 2958465 {
		return "", detail(ErrDate, "the cell holds %s shown with the number format %s (a date and time?): enter the date alone", c.s, c.fmt)
	}
	n := int(f)
	var d time.Time
	switch {
	case run.date1904:
		d = time.Date(1904, 1, 1+n, 0, 0, 0, 0, time.UTC)
	case n == 0 || n == 60:
		return "", detail(ErrDate, "the cell holds %s shown with the number format %s, which is no calendar date", c.s, c.fmt)
	case n < 60:
		d = time.Date(1899, 12, 31+n, 0, 0, 0, 0, time.UTC)
	default:
		d = time.Date(1899, 12, 30+n, 0, 0, 0, 0, time.UTC)
	}
	return d.Format("20060102"), nil
}

// isoDate converts the ISO 8601 value of a t="d" cell (2015-03-01, with a
// midnight time or none) to YYYYMMDD.
func isoDate(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return "", false
	}
	if rest := s[10:]; rest != "" && strings.Trim(rest, "T0:.Z") != "" {
		return "", false
	}
	v := s[:4] + s[5:7] + s[8:10]
	return v, allDigits(v)
}

// zeroTimes are the midnight times a date written by Excel or WPS may
// carry (2015/3/1 0:00).
var zeroTimes = []string{" 0:00:00", " 00:00:00", " 0:00", " 00:00", "T00:00:00"}

// splitDate splits a written date into its three numbers and separators:
// 2015/3/1, 2015-03-01, 2015.3.1, 2015年3月1日, 3/1/2015.
func splitDate(v string) (parts [3]string, seps [3]string, ok bool) {
	for _, z := range zeroTimes {
		v = strings.TrimSuffix(v, z)
	}
	k := 0
	for k < 3 {
		i := 0
		for i < len(v) && v[i] >= '0' && v[i] <= '9' {
			i++
		}
		if i == 0 || i > 4 {
			return parts, seps, false
		}
		parts[k], v = v[:i], v[i:]
		j := 0
		for j < len(v) && (v[j] < '0' || v[j] > '9') {
			j++
		}
		seps[k], v = v[:j], v[j:]
		k++
		if v == "" {
			break
		}
	}
	return parts, seps, k == 3 && v == ""
}

// writtenDate converts the common written forms of a date to YYYYMMDD when
// they say unambiguously which day: year first (2015/3/1, 2015-03-01,
// 2015.3.1, 2015年3月1日). A form with the year last (3/1/2015) is refused:
// it is 1 March in China and 3 January elsewhere. Anything else is returned
// as it is, for checkDate to refuse.
func writtenDate(v string) (string, error) {
	if len(v) == 8 && allDigits(v) {
		return v, nil
	}
	p, sep, ok := splitDate(v)
	if !ok {
		return v, nil
	}
	switch {
	case len(p[0]) == 4 && len(p[1]) <= 2 && len(p[2]) <= 2 && sameSep(sep):
		return fmt.Sprintf("%s%02d%02d", p[0], atoi(p[1]), atoi(p[2])), nil
	case len(p[2]) == 4 && sep[2] == "":
		return v, detail(ErrDate, "%s puts the year last, which reads as month/day in some places and day/month in others: write it as YYYYMMDD", v)
	}
	return v, nil
}

// writtenMonth converts the written forms of an entry month to YYYYMM:
// 2013-09, 2013/9, 2013年9月, or a whole date of that month. 2013.9 is left
// as it is (refused): as a number, 2013.10 is 2013.1.
func writtenMonth(v string) (string, error) {
	if len(v) == 6 && allDigits(v) {
		return v, nil
	}
	if d, err := writtenDate(v); err == nil && len(d) == 8 && allDigits(d) && d != v {
		return d[:6], nil
	}
	for _, sep := range []string{"-", "/", "年"} {
		y, m, ok := strings.Cut(v, sep)
		if sep == "年" {
			m, ok = strings.CutSuffix(m, "月")
		}
		if ok && len(y) == 4 && allDigits(y) && len(m) >= 1 && len(m) <= 2 && allDigits(m) {
			return fmt.Sprintf("%s%02d", y, atoi(m)), nil
		}
	}
	return v, nil
}

// sameSep reports whether a year-first date uses one kind of separator: the
// same one twice (and nothing after the day), or 年 月 日.
func sameSep(sep [3]string) bool {
	switch {
	case sep[0] == "年" && sep[1] == "月":
		return sep[2] == "日" || sep[2] == ""
	case sep[0] == sep[1] && sep[2] == "":
		return sep[0] == "-" || sep[0] == "/" || sep[0] == "."
	}
	return false
}

// residentIDCard reports whether an ID type names the resident ID card
// (居民身份证, code 1 of the CMIS list).
func residentIDCard(v string) bool {
	if strings.Contains(v, "居民身份证") {
		return true
	}
	switch strings.ToLower(v) {
	case "身份证", "1", "01", "resident id card", "resident_id_card":
		return true
	}
	return false
}

// looksLikeOtherID reports whether a value in the resident ID column is
// shaped like a passport or a Hong Kong/Macao/Taiwan permit number: it
// starts with a letter (E12345678, H0123456789).
func looksLikeOtherID(v string) bool {
	if len(v) < 7 || len(v) > 12 {
		return false
	}
	c := v[0] | 0x20
	return c >= 'a' && c <= 'z'
}
