// Package studentid parses, validates and builds the identifiers every
// screen of a student management system shows: the 16-digit student registry
// number (学籍号, [ID]), the 18-character resident ID number (居民身份证号码,
// [ResidentID], GB 11643) and the national education personal code
// (个人标识码, [PersonCode]: G, J or L forms).
//
// The registry number's layout (SPEC §2) is, by 1-based position:
//
//	1-2   province/city code (Beijing is "01")
//	3-4   district/county code
//	5     school category (0-7, [SchoolCategory])
//	6-8   school code
//	9     student category (0-9, [StudentCategory])
//	10-11 cohort: last two digits of the graduation year
//	12-13 class, 01-99
//	14-15 seat (学号 within the class), 01-99
//	16    check digit
//
// [Parse] checks the structure only, including which student categories a
// school category teaches (rules S-ID-2, S-ID-3). It never rejects a number
// for its 16th digit: the commission's check-digit algorithm is not public
// (S-ID-6). Verifying the check digit is a pluggable [Scheme] the vendor
// supplies; the package ships [MOD11_10], a clearly labelled reference scheme
// for test and demo data.
//
// All parsers accept surrounding white space and full-width characters
// (folded with golang.org/x/text/width), never panic, and return an [*Error]
// that says which position was wrong and matches one of the exported
// sentinels with errors.Is. Errors render in Chinese or English through
// [github.com/bjedu/studentcard/l10n].
//
// Every value type here is small and comparable, so it can be a map key, and
// allocation-free to parse when the input is already plain ASCII.
package studentid
