package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/bjedu/studentcard/batch/batchtest"
)

// The city's handover sheet lists three cards of one school; the district
// counts two on arrival (C-ISSUE-4): it sees the difference, gets the
// regenerated sheet and exit code 1. (Box labels are the Chinese printed on
// the boxes, in any language.)
func Example_handoverReconcile() {
	dir, err := os.MkdirTemp("", "cardctl-example-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	part := batchtest.Part{School: "01080001", SchoolName: "实验小学", N: 3, Seed: 1}
	f, err := os.Create(filepath.Join(dir, "result.txt"))
	if err != nil {
		panic(err)
	}
	if err := batchtest.WriteResults(f, batchtest.Factory("F001", created), []batchtest.Part{part}, batchtest.ResultOptions{FactoryBatch: "FB1"}); err != nil {
		panic(err)
	}
	f.Close()
	var counted []string
	for i := range 2 {
		rec, err := batchtest.Record(part.School, part.SchoolName, i, part.Seed)
		if err != nil {
			panic(err)
		}
		counted = append(counted, rec.RegistryNo.String())
	}
	if err := os.WriteFile(filepath.Join(dir, "counted.txt"), []byte(strings.Join(counted, "\n")), 0o644); err != nil {
		panic(err)
	}

	cardctl := func(args ...string) {
		var out bytes.Buffer
		code := run(context.Background(), append([]string{"--now", testNow, "--lang", "en"}, args...), nil, &out, io.Discard)
		fmt.Print(strings.ReplaceAll(out.String(), dir+string(os.PathSeparator), ""))
		fmt.Println("exit", code)
	}
	in := func(name string) string { return filepath.Join(dir, name) }
	cardctl("handover", "-o", in("sheet.txt"), in("result.txt"))
	cardctl("handover", "reconcile", "--level", "district", "--code", "0108", "--sheet", in("sheet.txt"), "--counted", in("counted.txt"))
	// Output:
	// 大箱 B0001 | 批次 FB1 | 区县 0108 | 3张
	// 小箱 B0001-01 | 01080001 实验小学 | 学生类别 0 | 30届 | 3张
	// 3 cards in 1 small box
	// handover sheet: sheet.txt
	// exit 0
	// batch FB1, school 01080001, student category 0, cohort 30: sheet 3, counted 2
	// sheet.txt: counts differ in 1 group: sheet 3 cards, counted 2 cards
	// regenerated handover sheet: sheet.regenerated.txt
	// exit 1
}
