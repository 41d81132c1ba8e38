package batchtest_test

import (
	"fmt"

	"github.com/bjedu/studentcard/batch/batchtest"
	"github.com/bjedu/studentcard/studentid"
)

// The same arguments always give the same student.
func ExampleRecord() {
	r, _ := batchtest.Record("01010123", "东城区红旗小学", 0, 1)
	fmt.Println(r.RegistryNo, r.ResidentID[6:14] == r.BirthDate, r.Gender == studentid.Female)
	// Output: 0101012303001014 true true
}
