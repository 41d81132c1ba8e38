package batchtest_test

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/batch/batchtest"
	"github.com/bjedu/studentcard/studentid"
)

// The same arguments always give the same student.
func ExampleRecord() {
	r, _ := batchtest.Record("01010123", "东城区红旗小学", 0, 1)
	fmt.Println(r.RegistryNo, r.ResidentID[6:14] == r.BirthDate, r.Gender == studentid.Female)
	// Output: 0101012303001014 true true
}

// The factory's result file for two schools' generated records, with 2 % of
// the cards spoilt by data errors, and the handover sheet it implies.
func ExampleWriteResults() {
	created := time.Date(2026, 10, 9, 9, 0, 0, 0, time.UTC)
	parts := []batchtest.Part{{School: "01010123", SchoolName: "红旗小学", N: 120, Seed: 1}, {School: "01011045", SchoolName: "第二中学", N: 30, Seed: 2}}
	opt := batchtest.ResultOptions{FactoryBatch: "F2026-10", DataWastePerMille: 20}
	var file bytes.Buffer
	if err := batchtest.WriteResults(&file, batchtest.Factory("FAC01", created), parts, opt); err != nil {
		fmt.Println(err)
		return
	}
	w, _ := batch.CheckWaste(context.Background(), &file, "results.txt")
	fmt.Println(w.Cards, "cards,", w.DataErrors, "spoilt by data errors")
	counts, _ := batchtest.Counts(parts, opt)
	for _, l := range batch.Pack(counts, batch.BoxSizes{}).Rows {
		fmt.Println(l.SmallBox, l.School, l.Count)
	}
	// Output:
	// 150 cards, 3 spoilt by data errors
	// B0001-01 01010123 100
	// B0001-02 01010123 18
	// B0001-03 01011045 29
}
