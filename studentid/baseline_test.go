package studentid_test

import (
	"regexp"

	"github.com/bjedu/studentcard/studentid"
)

// baselineShape is the obvious way to validate a registry number: a regexp
// for the shape (ASCII white space around 16 digits, school category 0-7),
// with capture groups for the fields the rules look at.
var baselineShape = regexp.MustCompile(`^[\t\n\v\f\r ]*\d{4}([0-7])\d{3}(\d)\d{2}(\d{2})(\d{2})\d[\t\n\v\f\r ]*$`)

// baselineValid applies the same rules as studentid.Parse on top of the
// regexp: class and seat not 00, student category taught by the school
// category. It is the benchmark's baseline and the differential fuzzer's
// oracle for ASCII input.
func baselineValid(s string) bool {
	m := baselineShape.FindStringSubmatch(s)
	if m == nil || m[3] == "00" || m[4] == "00" {
		return false
	}
	return studentid.SchoolCategory(m[1][0] - '0').Allows(studentid.StudentCategory(m[2][0] - '0'))
}
