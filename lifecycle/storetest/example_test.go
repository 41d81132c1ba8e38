package storetest_test

import (
	"context"
	"fmt"

	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/lifecycle/storetest"
)

// An adapter's test file calls storetest.Run(t, factory) for conformance;
// the seeding helpers serve its benchmarks, as here on the memory store.
func ExampleSeedDeadlines() {
	ctx := context.Background()
	s := lifecycle.NewMemStore()
	if err := storetest.SeedDeadlines(ctx, s, 1600, 500); err != nil {
		panic(err)
	}
	var page []lifecycle.Deadline
	err := s.Tx(ctx, func(tx lifecycle.Tx) error {
		var err error
		page, err = tx.Overdue(ctx, lifecycle.OverdueQuery{Scope: lifecycle.Scope{District: "01"}, Now: storetest.OverdueNow(), Limit: 1000})
		return err
	})
	fmt.Println(len(page), err)
	// Output:
	// 20 <nil>
}
