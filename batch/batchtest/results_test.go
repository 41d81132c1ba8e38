package batchtest_test

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/batch/batchtest"
	"github.com/bjedu/studentcard/studentid"
)

var created = time.Date(2026, 10, 9, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

var parts = []batchtest.Part{
	{School: "01010123", SchoolName: "红旗小学", N: 600, Seed: 1},
	{School: "01011045", SchoolName: "第二中学", N: 250, Seed: 2},
	{School: "01020007", SchoolName: "育才学校", N: 150, Seed: 3},
}

func resultFile(t *testing.T, opt batchtest.ResultOptions) []byte {
	var buf bytes.Buffer
	require.NoError(t, batchtest.WriteResults(&buf, batchtest.Factory("FAC01", created), parts, opt))
	return buf.Bytes()
}

func TestResultsMatchTheCardMakingRecords(t *testing.T) {
	opt := batchtest.ResultOptions{FactoryBatch: "F2026-10", DataWastePerMille: 20, PrintWastePerMille: 5}
	data := resultFile(t, opt)
	assert.Equal(t, data, resultFile(t, opt), "same arguments, same bytes")
	var i int
	var want []batch.CardRecord
	for _, p := range parts {
		for r, err := range batchtest.Records(p.School, p.SchoolName, p.N, p.Seed) {
			require.NoError(t, err)
			want = append(want, r)
		}
	}
	_, err := batch.ReadResults(context.Background(), bytes.NewReader(data), "results.txt", func(_ batch.Record, r batch.ResultRecord) error {
		require.Less(t, i, len(want))
		assert.Equal(t, want[i].RegistryNo, r.RegistryNo, "C-ISSUE-1: row %d is the card of record %d", i, i)
		assert.Equal(t, want[i].Name, r.Name)
		assert.Equal(t, want[i].SchoolName, r.SchoolName)
		assert.Equal(t, "F2026-10", r.FactoryBatch)
		i++
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, len(want), i)
}

func TestResultsWaste(t *testing.T) {
	for _, tc := range []struct {
		name        string
		data, print int
		liable      bool
	}{
		{"C-5/no waste", 0, 0, false},
		{"C-5/30 per mille is not over 3%", 30, 12, false},
		{"C-5/31 per mille carries liability", 31, 0, true},
		{"C-5/all spoilt by the factory", 0, 1000, false},
		{"C-5/half and half", 500, 500, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, err := batch.CheckWaste(context.Background(), bytes.NewReader(resultFile(t, batchtest.ResultOptions{FactoryBatch: "F1", DataWastePerMille: tc.data, PrintWastePerMille: tc.print})), "results.txt")
			require.NoError(t, err)
			assert.EqualValues(t, 1000, w.Cards)
			assert.EqualValues(t, tc.data, w.DataErrors)
			assert.EqualValues(t, tc.print, w.Factory)
			assert.EqualValues(t, 1000-tc.data-tc.print, w.Made)
			assert.Equal(t, tc.liable, w.Liable)
		})
	}
}

func TestResultsHandoverInputs(t *testing.T) {
	ctx := context.Background()
	opt := batchtest.ResultOptions{FactoryBatch: "F2026-10", DataWastePerMille: 10, PrintWastePerMille: 10}
	data := resultFile(t, opt)
	h, err := batch.BuildHandover(ctx, bytes.NewReader(data), "results.txt", "01", batch.BoxSizes{})
	require.NoError(t, err)
	counts, err := batchtest.Counts(parts, opt)
	require.NoError(t, err)
	assert.Equal(t, h.Counts(), counts, "C-ISSUE-1: the groups the sheet is built from")
	assert.Equal(t, batch.Pack(counts, batch.BoxSizes{}), h, "C-PACK-1: packing the counts gives the same sheet")
	assert.Equal(t, 980, h.Total())

	tally, err := batchtest.Tally(parts, opt)
	require.NoError(t, err)
	diffs, regen, err := batch.Reconcile(h, tally, "01", batch.BoxSizes{})
	require.NoError(t, err, "C-ISSUE-4: the cards counted match the sheet")
	assert.Empty(t, diffs)
	assert.Nil(t, regen)
	tally[counts[0].GroupKey]--
	diffs, regen, err = batch.Reconcile(h, tally, "01", batch.BoxSizes{})
	assert.ErrorIs(t, err, batch.ErrMismatch, "C-ISSUE-4: one card missing")
	assert.Len(t, diffs, 1)
	assert.Equal(t, 979, regen.Total())

	perDistrict := map[string]*bytes.Buffer{}
	got, err := batch.SplitResult(ctx, bytes.NewReader(data), "results.txt", batch.ByDistrict,
		batch.Header{Level: studentid.LevelCity, Code: "01", Batch: "C1", Created: created},
		func(code string) (io.Writer, error) {
			perDistrict[code] = &bytes.Buffer{}
			return perDistrict[code], nil
		})
	require.NoError(t, err)
	assert.Equal(t, map[string]int64{"0101": 850, "0102": 150}, got, "C-ISSUE-1: split per district")
}

func TestResultsRefuseBadOptions(t *testing.T) {
	for _, opt := range []batchtest.ResultOptions{
		{},
		{FactoryBatch: "F1", DataWastePerMille: -1},
		{FactoryBatch: "F1", DataWastePerMille: 600, PrintWastePerMille: 401},
	} {
		assert.Error(t, batchtest.WriteResults(io.Discard, batchtest.Factory("FAC01", created), parts, opt), "%+v", opt)
		_, err := batchtest.Counts(parts, opt)
		assert.Error(t, err)
	}
	bad := []batchtest.Part{{School: "0101", N: 1}}
	assert.Error(t, batchtest.WriteResults(io.Discard, batchtest.Factory("FAC01", created), bad, batchtest.ResultOptions{FactoryBatch: "F1"}))
	assert.Error(t, batchtest.WriteResults(io.Discard, batchtest.Factory("", created), parts, batchtest.ResultOptions{FactoryBatch: "F1"}), "the header is checked")
}
