package storetest_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/lifecycle/storetest"
)

func TestMemStoreConformance(t *testing.T) {
	storetest.Run(t, func(*testing.T) lifecycle.Store { return lifecycle.NewMemStore() })
}

func BenchmarkMemStoreTransitions(b *testing.B) {
	storetest.BenchmarkTransitions(b, lifecycle.NewMemStore())
}

func BenchmarkMemStoreTransitionsParallel(b *testing.B) {
	storetest.BenchmarkTransitionsParallel(b, lifecycle.NewMemStore(), 8)
}

func BenchmarkMemStoreOverdue(b *testing.B) {
	s := lifecycle.NewMemStore()
	require.NoError(b, storetest.SeedDeadlines(context.Background(), s, 20000, 5000))
	storetest.BenchmarkOverdue(b, s)
}

func BenchmarkMemStoreLedgerTransitions(b *testing.B) {
	storetest.BenchmarkLedgerTransitions(b, lifecycle.NewMemStore())
}

func BenchmarkMemStoreLedgerTransitionsParallel(b *testing.B) {
	storetest.BenchmarkLedgerTransitionsParallel(b, lifecycle.NewMemStore(), 8)
}
