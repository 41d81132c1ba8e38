package lifecycle_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/lifecycle"
)

func TestUndo(t *testing.T) {
	f := newFixture(t, bj(2026, 9, 7, 9))
	f.issuedRegistryCard("UN1", schoolA, number(t, schoolA, 0, 31, 2, 2))
	f.tr(opA, "UN1", lifecycle.ActReportLoss, "")
	t.Run("P-3/a loss entered by mistake is undone, and the undo is recorded", func(t *testing.T) {
		c, err := f.l.Undo(f.ctx, opA, "UN1", "wrong student")
		require.NoError(t, err)
		assert.Equal(t, lifecycle.RegIssued, c.State)
		assert.True(t, c.LostAt.IsZero(), "the before-values are restored")
		h, err := f.l.History(f.ctx, opA, "UN1")
		require.NoError(t, err)
		last := h[len(h)-1]
		assert.Equal(t, lifecycle.Action("undo"), last.Action)
		assert.Equal(t, lifecycle.RegLost, last.From)
		assert.Equal(t, "P-3", last.Rule)
		assert.Contains(t, last.Reason, "wrong student")
	})
	t.Run("P-3/an undo is not undone, nor a shipment", func(t *testing.T) {
		_, err := f.l.Undo(f.ctx, opA, "UN1", "again")
		assert.ErrorIs(t, err, lifecycle.ErrRule)
		_, err = f.l.Undo(f.ctx, opB, "UN1", "not mine")
		assert.ErrorIs(t, err, lifecycle.ErrForbidden)
	})
}

func TestFileDigest(t *testing.T) {
	d, err := lifecycle.FileDigest(strings.NewReader("abc"))
	require.NoError(t, err)
	assert.Equal(t, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", d, "FIPS 180-2 vector")
}

func TestStudentStringMasksPII(t *testing.T) {
	s := lifecycle.Student{Key: "G110101201909010012", Number: "0105012032010019", Name: "张三丰", IDNumber: "110101201909010012", District: "05", School: schoolA}
	for _, out := range []string{s.String(), fmt.Sprintf("%v", s), fmt.Sprintf("%+v", s), fmt.Sprintf("%#v", s)} {
		assert.NotContains(t, out, "张三丰")
		assert.NotContains(t, out, "三丰")
		assert.NotContains(t, out, "201909010012")
		assert.Contains(t, out, "张**")
	}
}

// flakyStore makes the first appends to the audit chain lose a race, as two
// districts' writers might on a shared database.
type flakyStore struct {
	lifecycle.Store
	failures int
}

type flakyTx struct {
	lifecycle.Tx
	s *flakyStore
}

func (s *flakyStore) Tx(ctx context.Context, fn func(lifecycle.Tx) error) error {
	return s.Store.Tx(ctx, func(tx lifecycle.Tx) error { return fn(flakyTx{tx, s}) })
}

func (t flakyTx) AppendAudit(ctx context.Context, e lifecycle.AuditEntry) error {
	if t.s.failures > 0 {
		t.s.failures--
		return &lifecycle.ConflictError{Entity: "audit chain", Key: e.Chain, Expected: e.Seq - 1, Stored: e.Seq}
	}
	return t.Tx.AppendAudit(ctx, e)
}

func TestAuditRaceIsRetried(t *testing.T) {
	mem := lifecycle.NewMemStore()
	s := &flakyStore{Store: mem, failures: 3}
	now := bj(2026, 9, 7, 9)
	l, err := lifecycle.NewLedger(lifecycle.Config{Store: s, Clock: func() time.Time { return now }})
	require.NoError(t, err)
	out, err := l.ReceiveStock(context.Background(), city, "race", []string{"Z1", "Z2"})
	require.NoError(t, err)
	assert.False(t, out.Already)
	assert.Zero(t, s.failures)
	n, err := lifecycle.Audit{}.Verify(context.Background(), mem, "city", lifecycle.AuditAnchor{})
	require.NoError(t, err)
	assert.Equal(t, int64(1), n, "the retried call is audited once")
	var events []lifecycle.Event
	require.NoError(t, mem.Tx(context.Background(), func(tx lifecycle.Tx) error {
		events, err = tx.ScopeEvents(context.Background(), lifecycle.Scope{}, 0, 100)
		return err
	}))
	assert.Len(t, events, 2, "the failed attempts left nothing behind")

	s.failures = 100
	_, err = l.ReceiveStock(context.Background(), city, "race-2", []string{"Z3"})
	assert.ErrorIs(t, err, lifecycle.ErrConflict, "a race that never ends is reported")
}

func TestNewLedgerNeedsStoreAndClock(t *testing.T) {
	_, err := lifecycle.NewLedger(lifecycle.Config{Store: lifecycle.NewMemStore()})
	assert.Error(t, err)
	_, err = lifecycle.NewLedger(lifecycle.Config{Clock: func() time.Time { return time.Time{} }})
	assert.Error(t, err)
}
