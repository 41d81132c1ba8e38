package lifecycle_test

import (
	"context"
	"fmt"
	"time"

	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

// A controlled field changes with the household-registration proof and the
// approval of the level above (P-2): the district's approval is its own
// recorded act, which the school's change points at and which is used once.
func ExampleLedger_ApproveChange() {
	ctx := context.Background()
	now := time.Date(2026, 9, 1, 9, 0, 0, 0, lifecycle.Beijing())
	l, school, _ := exampleLedger(&now)
	district := lifecycle.Operator{Level: studentid.LevelDistrict, District: "05", User: "d05"}

	change := lifecycle.ControlledChange{StudentKey: "G1", Field: "name", New: "张珊", Proof: "派出所户籍证明"}
	if _, err := l.ApproveChange(ctx, school, change); err != nil {
		fmt.Println("school approving itself:", l10n.Error(err, l10n.Chinese))
	}
	approval, err := l.ApproveChange(ctx, district, change)
	if err != nil {
		panic(err)
	}
	change.Approval = approval
	s, err := l.ChangeControlledField(ctx, school, change)
	if err != nil {
		panic(err)
	}
	fmt.Println("approved in chain", approval.Chain, "→", s.Name)
	_, err = l.ChangeControlledField(ctx, school, change)
	fmt.Println("again:", err)
	// Output:
	// school approving itself: 规则 P-2：变更需要上级批准
	// approved in chain 05 → 张珊
	// again: rule P-2: the approval was used already
}

// The district's printable register entry for reserve cards it received
// (C-RESERVE-2): the paper register is the record, the system's count an aid.
func ExampleReserveEntry_Text() {
	ctx := context.Background()
	now := time.Date(2026, 9, 1, 9, 0, 0, 0, lifecycle.Beijing())
	l, _, _ := exampleLedger(&now)
	e, err := l.ShipReserve(ctx, lifecycle.Operator{Level: studentid.LevelCity, User: "city"}, "05", 30)
	if err != nil {
		panic(err)
	}
	fmt.Println(e.Text(l10n.Chinese))
	// Output:
	// 预备卡登记：区县 05，2026-09-01：入库 30 张（系统结存 30 张，仅供核对），经手人 city
	// 经手人签字：________  保管人签字：________
}
