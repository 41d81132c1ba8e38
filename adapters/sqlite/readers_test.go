package sqlite_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/sqlite"
	"github.com/bjedu/studentcard/lifecycle"
)

// TestAssignedNumbersBesideWriter: the S-ID-1 range read runs on the
// read-only pool, so it answers while a writer transaction holds the writer
// slot and SQLite's write lock (BEGIN IMMEDIATE), and sees the last commit,
// not the open transaction's writes.
func TestAssignedNumbersBesideWriter(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t, sqlite.Options{})
	defer s.Close()
	require.NoError(t, s.Tx(ctx, func(tx lifecycle.Tx) error {
		if _, err := tx.PutStudent(ctx, lifecycle.Student{Key: "k1", IDNumber: "110101201501010011"}); err != nil {
			return err
		}
		_, err := tx.PutNumber(ctx, lifecycle.NumberRecord{Number: "0105012002603016", StudentKey: "k1", School: "01050120", At: time.Now()})
		return err
	}))

	inTx, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- s.Tx(ctx, func(tx lifecycle.Tx) error {
			_, err := tx.PutNumber(ctx, lifecycle.NumberRecord{Number: "0105012002603024", StudentKey: "k1", School: "01050120", At: time.Now()})
			close(inTx)
			<-release
			return err
		})
	}()
	<-inTx
	rctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	got, err := s.AssignedNumbers(rctx, "01050120", "", 0)
	cancel()
	close(release)
	require.NoError(t, err, "S-ID-1: the history read does not wait for the writer")
	require.NoError(t, <-done)
	assert.Equal(t, []lifecycle.AssignedNumber{{Number: "0105012002603016", StudentKey: "k1", IDNumber: "110101201501010011", HasStudent: true}}, got,
		"the last commit, without the open transaction's number")

	got, err = s.AssignedNumbers(ctx, "01050120", "", 0)
	require.NoError(t, err)
	assert.Len(t, got, 2, "after the commit both numbers")

	require.NoError(t, s.Close())
	_, err = s.AssignedNumbers(ctx, "01050120", "", 0)
	assert.ErrorIs(t, err, sqlite.ErrClosed)
}
