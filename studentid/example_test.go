package studentid_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/studentid"
)

func ExampleParse() {
	// Full-width digits and surrounding spaces, as pasted from a form.
	id, err := studentid.Parse(" ０１０５３１２３９２７１２３４８ ")
	if err != nil {
		fmt.Println(err)
		return
	}
	colour, _ := id.CardColour()
	fmt.Println(id, "district", id.District(), "school", id.School())
	fmt.Println(id.SchoolCategory(), "/", id.StudentCategory())
	fmt.Println("cohort", id.Cohort(), "class", id.Class(), "seat", id.Seat())
	fmt.Println(id.IsTransient(), id.TreatedAsLocal(), id.Stage(), colour)

	// A primary school (position 5 = 0) has no senior students (position 9 = 2).
	_, err = studentid.Parse("0105012322712348")
	fmt.Println(errors.Is(err, studentid.ErrCategoryMismatch))
	fmt.Println(err)
	fmt.Println(l10n.Error(err, l10n.Chinese))
	// Output:
	// 0105312392712348 district 0105 school 01053123
	// twelve-year school (primary, junior and senior) / senior high transient student treated as local
	// cohort 27 class 12 seat 34
	// true true senior high blue
	// true
	// student registry number, position 9: student category 2 (senior high student) is not taught by school category 0 (primary school); allowed: 0 4 7
	// 学籍号第9位：学生类别2（高中生）不属于学校类别0（小学），允许的学生类别：0 4 7
}

// A vendor who holds the commission's check-digit algorithm plugs it in as a
// Scheme. The algorithm below is a stand-in (the real one is not public,
// rule S-ID-6); only the plumbing is the point.
func ExampleID_Verify() {
	official := studentid.SchemeFunc(func(payload string) (byte, error) {
		sum := 0
		for i := 0; i < len(payload); i++ {
			sum += int(payload[i]-'0') * (i%3 + 1)
		}
		return byte('0' + sum%10), nil
	})

	id, err := studentid.Parse("0105312392712348")
	if err != nil {
		fmt.Println(err)
		return
	}
	// The reference scheme, used for demo data, accepts it ...
	fmt.Println(id.Verify(studentid.MOD11_10))
	// ... the vendor's scheme does not.
	err = id.Verify(official)
	fmt.Println(errors.Is(err, studentid.ErrCheckDigit), err)

	// Numbers built with the vendor's scheme verify under it.
	f := id.Fields()
	f.Seat = 35
	next, err := studentid.Build(f, official)
	fmt.Println(next, err, next.Verify(official))
	// Output:
	// <nil>
	// true student registry number, position 16: check digit is 8, the scheme computes 0
	// 0105312392712353 <nil> <nil>
}

// Build generates demo data: every field given, the check digit from the
// reference scheme.
func ExampleBuild() {
	school, err := studentid.ParseSchool("01050012")
	if err != nil {
		fmt.Println(err)
		return
	}
	id, err := studentid.Build(studentid.Fields{
		School:          school,
		StudentCategory: studentid.StudentPrimaryTransient,
		Cohort:          31,
		Class:           2,
		Seat:            17,
	}, studentid.MOD11_10)
	fmt.Println(id, err, id.IsTransient())

	_, err = studentid.Build(studentid.Fields{School: school,
		StudentCategory: studentid.StudentPrimary, Cohort: 31, Class: 0, Seat: 17}, studentid.MOD11_10)
	fmt.Println(l10n.Error(err, l10n.Chinese))
	// Output:
	// 0105001243102175 <nil> true
	// 学籍号第12-13位：班号00不在01-99之间
}

func ExampleParseResidentID() {
	r, err := studentid.ParseResidentID("11010519491231002x")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r, r.Region(), r.BirthDate().Format(time.DateOnly), r.Sex())

	_, err = studentid.ParseResidentID("110105194902300021")
	fmt.Println(errors.Is(err, studentid.ErrResidentIDDate), err)
	// Output:
	// 11010519491231002X 110105 1949-12-31 female
	// true resident ID number, positions 7-14: birth date 19490230 is not a calendar date
}

func ExampleBuildResidentID() {
	r, err := studentid.BuildResidentID("110108", time.Date(2015, time.September, 1, 0, 0, 0, 0, time.UTC), 37)
	fmt.Println(r, err, r.Sex())
	// Output:
	// 110108201509010379 <nil> male
}

func ExampleParsePersonCode() {
	for _, s := range []string{"G11010519491231002X", "J110105200002290013", "L110105201201011234", "G110105194912310021"} {
		p, err := studentid.ParsePersonCode(s)
		if err != nil {
			fmt.Println(errors.Is(err, studentid.ErrPersonCode), errors.Is(err, studentid.ErrResidentIDCheck))
			fmt.Println(l10n.Error(err, l10n.Chinese))
			continue
		}
		fmt.Println(p.Kind(), p.BirthDate().Format(time.DateOnly), p.Sex())
	}
	// Output:
	// resident ID number (G) 1949-12-31 female
	// self-assigned code (J) 2000-02-29 male
	// temporary code (L) 2012-01-01 unknown
	// true true
	// 个人标识码第19位：校验码为1，应为X
}
