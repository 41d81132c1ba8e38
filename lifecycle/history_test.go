package lifecycle_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/batch/batchtest"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

func TestNumberHistory(t *testing.T) {
	f := newFixture(t, bj(2026, 9, 1, 9))
	num := number(t, schoolA, 0, 32, 1, 1)
	rid, err := studentid.BuildResidentID("110101", bj(2019, 9, 1, 0), 1)
	require.NoError(t, err)
	_, err = f.l.Enrol(f.ctx, opA, lifecycle.Student{Key: "G-1", Number: num.String(), Name: "张三", IDNumber: rid.String()})
	require.NoError(t, err)
	h := f.l.NumberHistory(dist05)

	t.Run("S-ID-1/assigned number names its resident ID", func(t *testing.T) {
		got, ok, err := h.AssignedTo(f.ctx, num)
		require.NoError(t, err)
		assert.True(t, ok)
		assert.Equal(t, rid, got)
	})
	t.Run("S-ID-1/unknown number is not assigned", func(t *testing.T) {
		_, ok, err := h.AssignedTo(f.ctx, number(t, schoolA, 0, 32, 1, 2))
		require.NoError(t, err)
		assert.False(t, ok)
	})
	t.Run("S-ID-1/S-ID-5 a changed number still belongs to the student", func(t *testing.T) {
		rec, err := f.l.PreassignNumber(f.ctx, opA, lifecycle.NumberChange{StudentKey: "G-1", Cohort: 32, Class: 2, ConfirmedInClass: true})
		require.NoError(t, err)
		next, err := studentid.Parse(rec.Number)
		require.NoError(t, err)
		m, err := h.Lookup(f.ctx, []studentid.ID{num, next, number(t, schoolA, 0, 32, 9, 9)})
		require.NoError(t, err)
		assert.Equal(t, batch.HistoryMap{num: rid, next: rid}, m)
	})
	t.Run("P-1/numbers outside the scope are not looked up", func(t *testing.T) {
		_, ok, err := f.l.NumberHistory(dist06).AssignedTo(f.ctx, num)
		require.NoError(t, err)
		assert.False(t, ok, "district 06 learns nothing about district 05's numbers")
		_, ok, err = f.l.NumberHistory(opB).AssignedTo(f.ctx, num)
		require.NoError(t, err)
		assert.False(t, ok, "school B learns nothing about school A's numbers")
		_, ok, err = f.l.NumberHistory(opA).AssignedTo(f.ctx, num)
		require.NoError(t, err)
		assert.True(t, ok)
		_, ok, err = f.l.NumberHistory(city).AssignedTo(f.ctx, num)
		require.NoError(t, err)
		assert.True(t, ok)
	})
	t.Run("S-4/an application unit is refused and audited", func(t *testing.T) {
		_, _, err := f.l.NumberHistory(transitU).AssignedTo(f.ctx, num)
		require.ErrorIs(t, err, lifecycle.ErrForbidden)
		head, err := f.l.AuditHead(f.ctx, city, lifecycle.CityChain)
		require.NoError(t, err)
		assert.Equal(t, "refused", head.Outcome)
		assert.Equal(t, "number-history", head.Action)
	})
	t.Run("S-ID-1/no resident ID on record counts as another student", func(t *testing.T) {
		other := number(t, schoolA, 0, 32, 3, 1)
		_, err := f.l.Enrol(f.ctx, opA, lifecycle.Student{Key: "G-2", Number: other.String(), Name: "李四"})
		require.NoError(t, err)
		got, ok, err := h.AssignedTo(f.ctx, other)
		require.NoError(t, err)
		assert.True(t, ok)
		assert.True(t, got.IsZero())
	})
}

// TestNumberHistoryInValidator: the district validator refuses a record
// whose number the ledger gave to another resident (S-ID-1) and accepts the
// rest.
func TestNumberHistoryInValidator(t *testing.T) {
	f := newFixture(t, bj(2026, 9, 1, 9))
	const seed = 7
	taken, err := batchtest.Record(schoolA, "A小学", 1, seed)
	require.NoError(t, err)
	stranger, err := batchtest.Record(schoolA, "A小学", 50, seed)
	require.NoError(t, err)
	same, err := batchtest.Record(schoolA, "A小学", 2, seed)
	require.NoError(t, err)
	_, err = f.l.Enrol(f.ctx, opA, lifecycle.Student{Key: "G-X", Number: taken.RegistryNo.String(), Name: stranger.Name, IDNumber: stranger.ResidentID})
	require.NoError(t, err)
	_, err = f.l.Enrol(f.ctx, opA, lifecycle.Student{Key: "G-Y", Number: same.RegistryNo.String(), Name: same.Name, IDNumber: same.ResidentID})
	require.NoError(t, err)

	var file bytes.Buffer
	require.NoError(t, batchtest.WriteCardData(&file, batchtest.School(schoolA, bj(2026, 9, 1, 9)), "A小学", 5, seed))
	v := batch.Validator{Level: studentid.LevelDistrict, Sender: schoolA, History: f.l.NumberHistory(dist05)}
	rep, err := v.Validate(f.ctx, &file, "carddata.txt")
	require.NoError(t, err)
	assert.False(t, rep.Accepted)
	assert.EqualValues(t, 5, rep.Records)
	require.Len(t, rep.Errors, 1, "S-ID-1: only the reassigned number fails")
	assert.ErrorIs(t, rep.Errors[0], batch.ErrReassigned)
	assert.Equal(t, taken.RegistryNo.String(), rep.Errors[0].RawRegistryNo)
}
