package postgres_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/bjedu/studentcard/adapters/postgres"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/lifecycle/storetest"
)

// TestConformance runs the lifecycle.Store conformance suite (transactions,
// optimistic concurrency, idempotent imports, the P-3 audit chain, S-ID-1
// numbers, R-OPS-1 sync records, overdue paging, the Ledger end to end) on
// PostgreSQL, each case in a schema of its own.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) lifecycle.Store {
		s, _ := openFresh(t, "conf", postgres.Options{})
		return s
	})
	assert.NotEmpty(t, testEnv.dsn)
}
