package lifecycle_test

import (
	"context"
	"fmt"
	"time"

	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

// exampleLedger is a ledger on a memory store with a clock the example sets,
// and one registry card issued to a student of school 01050123.
func exampleLedger(now *time.Time) (*lifecycle.Ledger, lifecycle.Operator, studentid.ID) {
	ctx := context.Background()
	l, err := lifecycle.NewLedger(lifecycle.Config{Store: lifecycle.NewMemStore(), Clock: func() time.Time { return *now }})
	if err != nil {
		panic(err)
	}
	city := lifecycle.Operator{Level: studentid.LevelCity, User: "city"}
	district := lifecycle.Operator{Level: studentid.LevelDistrict, District: "05", User: "d05"}
	school := lifecycle.Operator{Level: studentid.LevelSchool, District: "05", School: "01050123", User: "wang"}
	num, err := studentid.Build(studentid.Fields{School: must(studentid.ParseSchool("01050123")), Cohort: 32, Class: 1, Seat: 1}, studentid.MOD11_10)
	if err != nil {
		panic(err)
	}
	rid, err := studentid.BuildResidentID("110101", time.Date(2020, 5, 4, 0, 0, 0, 0, time.UTC), 17)
	if err != nil {
		panic(err)
	}
	if _, err := l.Enrol(ctx, school, lifecycle.Student{Key: "G1", Number: num.String(), Name: "张三", IDNumber: rid.String()}); err != nil {
		panic(err)
	}
	const serial = "04A1B2C3D4E5F601"
	steps := []func() error{
		func() error { _, err := l.ReceiveStock(ctx, city, "shipment-1", []string{serial}); return err },
		func() error {
			_, err := l.Transition(ctx, city, lifecycle.Request{CardID: serial, Action: lifecycle.ActShipToDistrict, Target: "05"})
			return err
		},
		func() error {
			_, err := l.Transition(ctx, district, lifecycle.Request{CardID: serial, Action: lifecycle.ActShipToSchool, Target: "01050123"})
			return err
		},
		func() error { _, err := l.Personalise(ctx, school, serial, num); return err },
		func() error {
			_, err := l.Transition(ctx, school, lifecycle.Request{CardID: serial, Action: lifecycle.ActIssue})
			return err
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			panic(err)
		}
	}
	return l, school, num
}

// A loss reported on 30 September 2026 goes on that day's list at once
// (R-LIST-1): R-LOSS-1's 2 working days are an upper bound (with the National
// Day holiday, the end of 9 October), not a waiting period.
func ExampleLedger_ListEvents() {
	ctx := context.Background()
	now := time.Date(2026, 9, 1, 9, 0, 0, 0, lifecycle.Beijing())
	l, school, _ := exampleLedger(&now)

	now = time.Date(2026, 9, 30, 10, 0, 0, 0, lifecycle.Beijing())
	if _, err := l.Transition(ctx, school, lifecycle.Request{CardID: "04A1B2C3D4E5F601", Action: lifecycle.ActReportLoss}); err != nil {
		panic(err)
	}
	now = time.Date(2026, 10, 10, 18, 0, 0, 0, lifecycle.Beijing())
	for _, day := range []lifecycle.Date{{Year: 2026, Month: 9, Day: 30}, {Year: 2026, Month: 10, Day: 10}} {
		events, err := l.ListEvents(ctx, school, day)
		if err != nil {
			panic(err)
		}
		fmt.Println(day, len(events), "event(s)")
		for _, e := range events {
			fmt.Println(" ", e.Kind, e.Serial, e.School, e.Time.Format("2006-01-02 15:04"), e.Operator)
		}
	}
	// Output:
	// 2026-09-30 1 event(s)
	//   loss 04A1B2C3D4E5F601 01050123 2026-09-30 10:00 wang
	// 2026-10-10 0 event(s)
}

// The district validator asks the ledger about every registry number
// (S-ID-1): the number enrolled is assigned to its student's resident ID.
func ExampleLedger_NumberHistory() {
	ctx := context.Background()
	now := time.Date(2026, 9, 1, 9, 0, 0, 0, lifecycle.Beijing())
	l, _, num := exampleLedger(&now)
	h := l.NumberHistory(lifecycle.Operator{Level: studentid.LevelDistrict, District: "05"})
	rid, ok, err := h.AssignedTo(ctx, num)
	fmt.Println(ok, rid.BirthDate().Format("2006-01-02"), err)
	// Output:
	// true 2020-05-04 <nil>
}

// A district pages through its own audit chain; the chain is named by its
// code, the city's by CityChain. A school may not read a chain's head, and
// the refusal reads in Chinese with Chinese names.
func ExampleLedger_AuditEntries() {
	ctx := context.Background()
	now := time.Date(2026, 9, 1, 9, 0, 0, 0, lifecycle.Beijing())
	l, school, _ := exampleLedger(&now)
	district := lifecycle.Operator{Level: studentid.LevelDistrict, District: "05", User: "d05"}
	chain := lifecycle.AuditChainFor(district)
	for after := int64(0); ; {
		page, err := l.AuditEntries(ctx, district, chain, after, 2)
		if err != nil {
			panic(err)
		}
		for _, e := range page {
			fmt.Println(e.Chain, e.Seq, e.Operator.Level, e.Action, e.Outcome)
		}
		if len(page) < 2 {
			break
		}
		after = page[len(page)-1].Seq
	}
	_, err := l.AuditHead(ctx, school, chain)
	fmt.Println(l10n.Error(err, l10n.Chinese))
	// Output:
	// 05 1 school enrol ok
	// 05 2 district ship-to-school ok
	// 05 3 school personalise ok
	// 05 4 school issue ok
	// 校级操作员 05/01050123 无权在 05/ 执行“查看审计日志”
}
