package lifecycle_test

import (
	"context"
	"fmt"
	"time"

	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

// Someone with write access to the database edits an audit entry; the
// verifier names it.
func ExampleAudit_Verify() {
	ctx := context.Background()
	store := lifecycle.NewMemStore()
	now := time.Date(2026, 9, 1, 9, 0, 0, 0, lifecycle.Beijing())
	l, err := lifecycle.NewLedger(lifecycle.Config{Store: store, Clock: func() time.Time { return now }})
	if err != nil {
		panic(err)
	}
	city := lifecycle.Operator{Level: studentid.LevelCity, User: "city"}
	for _, n := range []int64{30, 20, 10} {
		if _, err := l.ShipReserve(ctx, city, "05", n); err != nil {
			panic(err)
		}
	}
	n, err := lifecycle.Audit{}.Verify(ctx, store, "city", lifecycle.AuditAnchor{})
	fmt.Println(n, err)

	store.TamperAudit("city", func(es []lifecycle.AuditEntry) []lifecycle.AuditEntry {
		es[1].Detail = `{"count":2000}`
		return es
	})
	_, err = lifecycle.Audit{}.Verify(ctx, store, "city", lifecycle.AuditAnchor{})
	fmt.Println(err)
	// Output:
	// 3 <nil>
	// audit chain "city" entry 2: contents do not match its hash (edited)
}
