package postgres_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/postgres"
	"github.com/bjedu/studentcard/lifecycle/storetest"
)

func BenchmarkStoreTransitionsParallel8(b *testing.B) {
	s, _ := openFresh(b, "bench", postgres.Options{})
	defer func() { require.NoError(b, s.Close()) }()
	storetest.BenchmarkTransitionsParallel(b, s, 8)
}

func BenchmarkStoreTransitions(b *testing.B) {
	s, _ := openFresh(b, "bench", postgres.Options{})
	defer func() { require.NoError(b, s.Close()) }()
	storetest.BenchmarkTransitions(b, s)
}
