package lifecycle_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

func TestAuditChainNames(t *testing.T) {
	for _, tc := range []struct {
		op   lifecycle.Operator
		want string
	}{
		{city, lifecycle.CityChain},
		{dist05, "05"},
		{opA, "05"},
		{lifecycle.Operator{Level: studentid.LevelSchool, District: "06", School: schoolX}, "06"},
	} {
		t.Run("S-4/"+string(tc.op.Level)+" "+tc.op.District, func(t *testing.T) {
			assert.Equal(t, tc.want, lifecycle.AuditChainFor(tc.op))
		})
	}
	assert.Equal(t, "city", lifecycle.CityChain)
}

// auditFixture writes entries into three chains: the city's (reserve
// shipments), district 05's (district 05, schools A and B) and district
// 06's.
func auditFixture(t *testing.T) *fixture {
	f := newFixture(t, bj(2026, 9, 1, 9))
	_, err := f.l.ShipReserve(f.ctx, city, "05", 30)
	require.NoError(t, err)
	_, err = f.l.ShipReserve(f.ctx, city, "06", 30)
	require.NoError(t, err)
	require.NoError(t, f.l.SetToIssue(f.ctx, dist05, 1000))
	require.NoError(t, f.l.SetToIssue(f.ctx, dist06, 1000))
	f.enrol("G-A1", number(t, schoolA, 0, 32, 1, 1))
	f.enrol("G-B1", number(t, schoolB, 0, 32, 1, 1))
	f.enrol("G-A2", number(t, schoolA, 0, 32, 1, 2))
	return f
}

func TestAuditChains(t *testing.T) {
	f := auditFixture(t)
	for _, tc := range []struct {
		name string
		op   lifecycle.Operator
		want []string
	}{
		{"P-3/the city reads every chain", city, []string{"city", "05", "06"}},
		{"P-3/a district reads its own", dist05, []string{"05"}},
		{"P-3/a school reads (its part of) its district's", opA, []string{"05"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := f.l.AuditChains(f.ctx, tc.op)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	t.Run("S-4/an application unit reads none", func(t *testing.T) {
		_, err := f.l.AuditChains(f.ctx, transitU)
		assert.ErrorIs(t, err, lifecycle.ErrForbidden)
	})
}

func TestAuditEntriesInScope(t *testing.T) {
	f := auditFixture(t)
	all := func(op lifecycle.Operator, chain string, limit int) []lifecycle.AuditEntry {
		t.Helper()
		var out []lifecycle.AuditEntry
		var after int64
		for {
			page, err := f.l.AuditEntries(f.ctx, op, chain, after, limit)
			require.NoError(t, err)
			assert.LessOrEqual(t, len(page), limit)
			out = append(out, page...)
			if len(page) < limit {
				return out
			}
			after = page[len(page)-1].Seq
		}
	}
	t.Run("P-3/the district pages through its chain as stored", func(t *testing.T) {
		es := all(dist05, "05", 2)
		require.Len(t, es, 4) // set-to-issue, three enrolments
		for i, e := range es {
			assert.EqualValues(t, i+1, e.Seq)
			assert.Equal(t, "05", e.Chain)
		}
		assert.Equal(t, es, all(city, "05", 100), "the city reads the same chain")
	})
	t.Run("S-4/a school reads only its own entries", func(t *testing.T) {
		es := all(opA, "05", 1)
		require.Len(t, es, 2)
		for _, e := range es {
			assert.Equal(t, schoolA, e.Operator.School)
		}
		assert.Len(t, all(opB, "05", 1), 1)
	})
	for _, tc := range []struct {
		name  string
		op    lifecycle.Operator
		chain string
	}{
		{"S-4/a district may not read the city's chain", dist05, lifecycle.CityChain},
		{"S-4/a district may not read another district's", dist06, "05"},
		{"S-4/a school may not read another district's", opA, "06"},
		{"S-4/an application unit reads nothing", transitU, "05"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.l.AuditEntries(f.ctx, tc.op, tc.chain, 0, 10)
			require.ErrorIs(t, err, lifecycle.ErrForbidden)
			head, err := f.l.AuditHead(f.ctx, city, lifecycle.AuditChainFor(tc.op))
			require.NoError(t, err)
			assert.Equal(t, "refused", head.Outcome, "the refusal is audited")
			assert.Equal(t, "read-audit", head.Action)
			assert.Equal(t, tc.chain, head.Subject)
		})
	}
}

func TestAuditHead(t *testing.T) {
	f := auditFixture(t)
	t.Run("P-3/a district reads its own head, the anchor it sends up", func(t *testing.T) {
		head, err := f.l.AuditHead(f.ctx, dist05, "05")
		require.NoError(t, err)
		assert.EqualValues(t, 4, head.Seq)
		n, err := f.l.VerifyAudit(f.ctx, city, "05", lifecycle.AuditAnchor{Seq: head.Seq, Hash: head.Hash})
		require.NoError(t, err)
		assert.EqualValues(t, 4, n)
	})
	t.Run("P-3/the city reads any head", func(t *testing.T) {
		head, err := f.l.AuditHead(f.ctx, city, "06")
		require.NoError(t, err)
		assert.EqualValues(t, 1, head.Seq)
	})
	t.Run("S-4/a school owns no chain", func(t *testing.T) {
		_, err := f.l.AuditHead(f.ctx, opA, "05")
		require.ErrorIs(t, err, lifecycle.ErrForbidden)
		head, err := f.l.AuditHead(f.ctx, dist05, "05")
		require.NoError(t, err)
		assert.Equal(t, "refused", head.Outcome, "the refusal is audited")
		assert.Equal(t, schoolA, head.Operator.School)
	})
	t.Run("S-4/a district may not read another's head", func(t *testing.T) {
		_, err := f.l.AuditHead(f.ctx, dist06, "05")
		assert.ErrorIs(t, err, lifecycle.ErrForbidden)
	})
	t.Run("empty chain is not found", func(t *testing.T) {
		_, err := f.l.AuditHead(f.ctx, city, "42")
		assert.ErrorIs(t, err, lifecycle.ErrNotFound)
	})
}
