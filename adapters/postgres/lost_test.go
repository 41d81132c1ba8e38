package postgres_test

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/postgres"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/lifecycle"
)

// A PostgreSQL server stopped mid-transaction (and while down) is a typed,
// retryable error, not a bare "unexpected EOF" or *pgconn.ConnectError; the
// store recovers when the server is back, without being reopened. It runs
// on a cluster of its own, so the other tests keep theirs.
func TestServerLostIsTypedAndRetryable(t *testing.T) {
	dsn(t) // skips where PostgreSQL is not installed (never under CI)
	if testEnv.cluster == nil {
		t.Skip("STUDENTCARD_PG_DSN names an external server, which this test must not stop")
	}
	c, err := startCluster(t.Logf)
	require.NoError(t, err)
	t.Cleanup(c.stop)
	ctx := context.Background()
	s, err := postgres.Open(ctx, c.dsn, postgres.Options{Schema: "lost"})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	read := func(tx lifecycle.Tx) error {
		_, err := tx.GetCard(ctx, "C-1")
		if errors.Is(err, lifecycle.ErrNotFound) {
			return nil
		}
		return err
	}
	require.NoError(t, s.Tx(ctx, read))

	err = s.Tx(ctx, func(tx lifecycle.Tx) error {
		if err := read(tx); err != nil {
			return err
		}
		require.NoError(t, c.halt()) // the server goes away mid-transaction
		return read(tx)
	})
	require.Error(t, err)
	assert.ErrorIs(t, err, lifecycle.ErrStoreUnavailable, "typed: %v", err)
	var ue *lifecycle.StoreUnavailableError
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, "PostgreSQL", ue.Store)
	assert.Contains(t, l10n.Error(err, l10n.Chinese), "存储不可用")

	err = s.Tx(ctx, read)
	assert.ErrorIs(t, err, lifecycle.ErrStoreUnavailable, "while the server is down: %v", err)

	require.NoError(t, c.start())
	require.NoError(t, s.Tx(ctx, read), "the store recovers when the server is back")

	assert.NotErrorIs(t, s.Tx(ctx, func(lifecycle.Tx) error { return io.ErrShortWrite }), lifecycle.ErrStoreUnavailable, "other errors stay as they are")
}
