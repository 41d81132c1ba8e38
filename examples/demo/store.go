package main

import (
	"context"

	"github.com/bjedu/studentcard/lifecycle"
)

// openStore opens the ledger's store for the demo.
//
// TODO(adapters/sqlite): the in-memory store stands in until the SQLite
// adapter lands; dir is where its database file will live.
func openStore(_ context.Context, dir string) (lifecycle.Store, error) {
	_ = dir
	return lifecycle.NewMemStore(), nil
}
