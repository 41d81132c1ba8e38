// Package digits holds the one digit and date parsing of the module: the
// CMIS import, the batch validators, the card codec, the ledger and cardctl
// check "n ASCII digits" and "a YYYYMMDD calendar date" the same way, here.
package digits

// Is reports whether s is exactly n ASCII digits; n < 0 accepts any
// non-zero length. Full-width digits are not digits here: callers fold them
// first where a file may hold them.
func Is(s string, n int) bool {
	if n >= 0 && len(s) != n || len(s) == 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Atoi is the value of an all-digit string (check with Is first); at most
// 18 digits fit.
func Atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// DaysIn is the number of days of month m (1-12) of year y, Gregorian.
func DaysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// Date parses a YYYYMMDD date (SPEC P-4): eight digits naming a day of the
// calendar, year 1900 or later. ok is false for anything else.
func Date(s string) (y, m, d int, ok bool) {
	if !Is(s, 8) {
		return 0, 0, 0, false
	}
	y, m, d = Atoi(s[:4]), Atoi(s[4:6]), Atoi(s[6:])
	if y < 1900 || m < 1 || m > 12 || d < 1 || d > DaysIn(y, m) {
		return y, m, d, false
	}
	return y, m, d, true
}
