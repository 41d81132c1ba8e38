package batch_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/studentid"
)

// A school writes a small envelope file; the district verifies it before
// reading a single record.
func Example() {
	var file bytes.Buffer
	w, _ := batch.NewWriter(&file, "demo.txt", batch.Header{
		Kind: "DEMO", Version: 1, Level: studentid.LevelSchool, Code: "01010001", Batch: "2026-001",
		Created: time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC), Columns: []string{"school", "name"},
	}, batch.WithLF())
	_ = w.WriteRecord([]string{`北京市"红旗"中学,分校`, "张三"})
	_ = w.Close()

	r, sum, err := batch.Open(context.Background(), bytes.NewReader(file.Bytes()), "demo.txt")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sum.Header.Kind, sum.Header.Encoding, sum.Records, "record(s)")
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		fmt.Println(rec.Line, rec.Fields[0], rec.Fields[1])
	}
	// Output:
	// DEMO GB18030 1 record(s)
	// 3 北京市"红旗"中学,分校 张三
}
