package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/sqlite"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/lifecycle/storetest"
)

// openTemp opens a fresh store in a test's temporary directory.
func openTemp(t testing.TB, opts sqlite.Options) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "ledger.db"), opts)
	require.NoError(t, err)
	return s
}

// TestConformance runs the lifecycle.Store conformance suite (transactions,
// optimistic concurrency, idempotent imports, the P-3 audit chain, S-ID-1
// numbers, R-OPS-1 sync records, overdue paging, the Ledger end to end) on
// SQLite.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) lifecycle.Store { return openTemp(t, sqlite.Options{}) })
}
