package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/lifecycle/storetest"
)

// copyDeadlines bulk-loads n open deadlines with COPY, the same rows as
// storetest.SeedDeadlines (16 districts, 10 schools each, a tenth overdue at
// storetest.OverdueNow), and analyses the table.
func copyDeadlines(tb testing.TB, schema string, n int) time.Duration {
	tb.Helper()
	ctx := context.Background()
	conn := rawConn(tb, schema)
	defer conn.Close(ctx)
	now := storetest.OverdueNow()
	start := now.Add(-30 * 24 * time.Hour)
	began := time.Now()
	i := 0
	copied, err := conn.CopyFrom(ctx, pgx.Identifier{"deadlines"}, []string{"id", "rule", "subject", "level", "district", "school", "start", "due_at"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if i >= n {
				return nil, nil
			}
			d := fmt.Sprintf("%02d", i%16+1)
			row := []any{fmt.Sprintf("d%09d", i), "R-TIME-1", fmt.Sprint("card-", i), "school", d, fmt.Sprintf("01%s0%03d", d, i%10),
				start, now.Add(time.Duration(i%10-1) * 24 * time.Hour)}
			i++
			return row, nil
		}))
	require.NoError(tb, err)
	require.Equal(tb, int64(n), copied)
	_, err = conn.Exec(ctx, "ANALYZE deadlines")
	require.NoError(tb, err)
	return time.Since(began)
}
