package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/postgres"
)

// env is what TestMain found: the DSN of the test database, or why there is
// none. It is set once before any test runs and only read afterwards.
type env struct {
	dsn     string
	skip    string   // reason to skip when PostgreSQL is missing outside CI
	cluster *cluster // nil when STUDENTCARD_PG_DSN was given
	schemas atomic.Int64
}

var testEnv env

func TestMain(m *testing.M) { os.Exit(runMain(m)) }

func runMain(m *testing.M) int {
	logf := func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
	if dsn := os.Getenv("STUDENTCARD_PG_DSN"); dsn != "" {
		testEnv.dsn = dsn
		return m.Run()
	}
	c, err := startCluster(logf)
	if skip, fail := decide(err, os.Getenv("CI")); fail {
		logf("postgres: FAIL: cannot start a throwaway PostgreSQL cluster: %v", err)
		return 1
	} else if skip {
		testEnv.skip = err.Error()
		logf("postgres: SKIPPING the PostgreSQL tests: %v", err)
		return m.Run()
	}
	defer c.stop()
	testEnv.dsn, testEnv.cluster = c.dsn, c
	return m.Run()
}

// decide says what a failure to start the cluster means: without
// PostgreSQL installed the tests skip, except under CI=true; any other
// failure fails the run.
func decide(err error, ci string) (skip, fail bool) {
	switch {
	case err == nil:
		return false, false
	case errors.Is(err, errNoPostgres) && ci != "true":
		return true, false
	default:
		return false, true
	}
}

// dsn returns the test database's DSN or skips the test (never under CI).
func dsn(t testing.TB) string {
	t.Helper()
	if testEnv.dsn == "" {
		t.Skip(testEnv.skip)
	}
	return testEnv.dsn
}

// freshSchema names a new, empty schema for one test.
func freshSchema(prefix string) string {
	return fmt.Sprintf("%s_%d_%d", strings.ToLower(prefix), os.Getpid(), testEnv.schemas.Add(1))
}

// openFresh opens a store in a schema of its own; the test closes it.
func openFresh(t testing.TB, prefix string, opts postgres.Options) (*postgres.Store, string) {
	t.Helper()
	d := dsn(t)
	opts.Schema = freshSchema(prefix)
	s, err := postgres.Open(context.Background(), d, opts)
	require.NoError(t, err)
	return s, opts.Schema
}
