package batch_test

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/batch/batchtest"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/studentid"
)

// A district validates a school's card-making file (C-MAKE-2): one bad
// record refuses the whole file and the failure file tells the school why.
func ExampleValidator_Validate() {
	created := time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC)
	var file bytes.Buffer
	w, _ := batch.CardData.NewWriter(&file, "carddata.txt", batchtest.School("01010123", created))
	for i := 0; i < 3; i++ {
		r, _ := batchtest.Record("01010123", "东城区红旗小学", i, 1)
		if i == 1 {
			r.BirthDate = "20160101" // disagrees with the resident ID number
		}
		_ = w.WriteRecord(r.Fields())
	}
	_ = w.Close()

	var failures bytes.Buffer
	fw, _ := batch.NewFailureWriter(&failures, "failures.txt", batch.Header{Level: studentid.LevelDistrict, Code: "0101", Batch: "D1", Created: created})
	v := batch.Validator{Level: studentid.LevelDistrict, Scheme: studentid.MOD11_10, OnError: fw.Add}
	rep, _ := v.Validate(context.Background(), &file, "carddata.txt")
	_ = fw.Close()

	fmt.Println("accepted:", rep.Accepted, "records:", rep.Records, "failed:", rep.Failed)
	for _, e := range rep.Errors {
		fmt.Println(e.Reason, e.Line, e.Field)
		fmt.Println(l10n.Error(e, l10n.Chinese))
	}
	// Output:
	// accepted: false records: 3 failed: 1
	// BIRTH_DATE 4 birth_date
	// carddata.txt 第4行 字段出生日期（学籍号0101012303001022）：出生日期与身份证号不符：实际为20160101，应为20180101
}

// The city packs a factory batch into boxes (C-PACK-1) and prints the labels.
func ExamplePack() {
	school := func(code string, cat, cohort, n int) batch.GroupCount {
		sc, _ := studentid.ParseSchool(code)
		return batch.GroupCount{GroupKey: batch.GroupKey{FactoryBatch: "F7", School: sc, Category: studentid.StudentCategory(cat), Cohort: cohort}, SchoolName: "学校" + code[4:], Count: n}
	}
	h := batch.Pack([]batch.GroupCount{school("01010123", 0, 30, 150), school("01020007", 1, 28, 40)}, batch.BoxSizes{Big: 500, Small: 100})
	bigs, smalls := h.Labels()
	for _, l := range bigs {
		fmt.Println(l)
	}
	for _, l := range smalls {
		fmt.Println(l)
	}
	// Output:
	// 大箱 B0001 | 批次 F7 | 区县 0101 | 150张
	// 大箱 B0002 | 批次 F7 | 区县 0102 | 40张
	// 小箱 B0001-01 | 01010123 学校0123 | 学生类别 0 | 30届 | 100张
	// 小箱 B0001-02 | 01010123 学校0123 | 学生类别 0 | 30届 | 50张
	// 小箱 B0002-01 | 01020007 学校0007 | 学生类别 1 | 28届 | 40张
}

// A district batch under 50 cards may be printed at the district (C-MAKE-2).
func ExampleMayPrintLocally() {
	fmt.Println(batch.MayPrintLocally(49), batch.MayPrintLocally(50))
	// Output: true false
}

// A box label printed in Chinese on the box and shown in English to a
// vendor's log (C-PACK-1).
func ExampleBigBoxLabel_Localize() {
	d, _ := studentid.ParseDistrict("0101")
	l := batch.BigBoxLabel{Box: "B0001", FactoryBatch: "F7", District: d, Count: 1000}
	fmt.Println(l)
	fmt.Println(l.Localize(l10n.English))
	// Output:
	// 大箱 B0001 | 批次 F7 | 区县 0101 | 1000张
	// big box B0001 | batch F7 | district 0101 | 1000 cards
}
