package cmis_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/bjedu/studentcard/adapters/cmis"
	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/studentid"
)

// A CMIS export as CSV (GB18030 files are read the same way): one good row,
// one with three malformed cells and full-width digits, one whose gender
// disagrees with the resident ID, and one name with pinyin in it.
const exportCSV = `学校名称,姓名,性别,学籍号,身份证号,出生日期,班号,入学年月,行政区划代码
北京市东城区和平里小学,吴轩梓,女,0105000103001014,110104201801010004,20180101,2024101,202409,110104000000
北京市东城区和平里小学,徐琪秀,男,０１０５０００１０３００１０２２,110109201801010014,2018-02-30,202411,202409,110109
北京市东城区和平里小学,廖诺涛,男,0105000103001039,110101201801010021,20180101,2024101,2024.9,110101000000
北京市东城区和平里小学,Meng悦凯,男,0105000103001047,110103201801010032,20180101,2024101,202409,110103000000
`

func ExampleImport() {
	res, err := cmis.Import(context.Background(), strings.NewReader(exportCSV), "students.csv")
	if err != nil {
		fmt.Println(l10n.Error(err, l10n.Chinese))
		return
	}
	s := res.Summary
	fmt.Printf("读取%d行，合格%d行，有误%d行\n", s.Rows, s.Good, s.Bad)
	for _, e := range res.Errors {
		fmt.Println(l10n.Error(e, l10n.Chinese))
	}
	for _, w := range res.Warnings {
		fmt.Println("提示：" + l10n.Error(w, l10n.Chinese))
	}
	for _, r := range res.Records {
		fmt.Println(r.Row, r.Card.Name, r.Card.RegistryNo, r.Card.Gender.Localize(l10n.Chinese))
	}
	// Output:
	// 读取4行，合格2行，有误2行
	// students.csv 第3行 F列（出生日期）“2018-02-30”：日期不是YYYYMMDD格式的有效日期：20180230不是有效日期
	// students.csv 第3行 G列（班号）“202411”：班号不是7位数字（入学年份+年级+2位班级号）：例如2013101（2013年入学、1年级、01班）
	// students.csv 第3行 I列（行政区划代码）“110109”：行政区划代码不是12位（6位GB/T 2260代码加000000）：例如110101000000
	// students.csv 第4行 C列（性别）“男”：数据项之间不一致：身份证号显示为女
	// students.csv 第4行 H列（入学年月）“2024.9”：入学年月不是YYYYMM格式：例如201309
	// 提示：students.csv 第5行 B列（姓名）“Meng悦凯”：姓名含拉丁字母（是否用拼音代替了生僻字？）
	// 2 吴轩梓 0105000103001014 女
	// 5 Meng悦凯 0105000103001047 男
}

// Result.Err gives every problem as one error, in English for logs.
func ExampleResult_Err() {
	res, err := cmis.Import(context.Background(), strings.NewReader(exportCSV), "students.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Err())
	// Output:
	// 5 problems
	// students.csv: row 3, column F (出生日期), value "2018-02-30": date is not a YYYYMMDD calendar date: 20180230 is not a calendar date
	// students.csv: row 3, column G (班号), value "202411": class number is not 7 digits (entry year + grade + 2-digit class): e.g. 2013101 (entered 2013, grade 1, class 01)
	// students.csv: row 3, column I (行政区划代码), value "110109": division code is not 12 digits (6-digit GB/T 2260 code + 000000): e.g. 110101000000
	// students.csv: row 4, column C (性别), value "男": fields disagree: the resident ID number says female
	// students.csv: row 4, column H (入学年月), value "2024.9": entry month is not YYYYMM: e.g. 201309
}

// Good records stream straight into batch's card-making data file
// (C-MAKE-1), which the district then validates (C-MAKE-2).
func ExampleImporter() {
	var buf bytes.Buffer
	w, err := batch.CardData.NewWriter(&buf, "carddata.txt", batch.Header{
		Level: studentid.LevelSchool, Code: "01050001", Batch: "T20260901-001",
		Created: time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	im := cmis.Importer{
		Scheme:   studentid.MOD11_10, // the vendor's check-digit scheme (S-ID-6)
		OnRecord: func(r cmis.Record) error { return w.WriteRecord(r.Card.Fields()) },
	}
	res, err := im.Import(context.Background(), strings.NewReader(exportCSV), "students.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := w.Close(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("records written:", w.Count(), "rows to fix in CMIS:", res.Summary.Bad)
	// Output:
	// records written: 2 rows to fix in CMIS: 2
}
