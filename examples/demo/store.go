package main

import (
	"context"
	"path/filepath"

	"github.com/bjedu/studentcard/adapters/sqlite"
	"github.com/bjedu/studentcard/lifecycle"
)

// openStore opens the ledger's store: SQLite, the embedded default, in a
// file of the demo's temporary directory. Commits are durable against a
// crash of the program but not a power cut (sqlite.SyncNormal): the demo's
// database is thrown away at the end anyway, and a full fsync per
// transition would only slow the tour down.
func openStore(ctx context.Context, dir string) (lifecycle.Store, error) {
	return sqlite.Open(ctx, filepath.Join(dir, "ledger.db"), sqlite.Options{Sync: sqlite.SyncNormal})
}
