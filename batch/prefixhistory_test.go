package batch_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/batch/batchtest"
	"github.com/bjedu/studentcard/studentid"
)

// prefixHistory is a PrefixHistory over a map: AssignedUnder waits for
// release (when set) before answering, as a slow ledger read would, and
// records the prefix it was asked for.
type prefixHistory struct {
	m       batch.HistoryMap
	release chan struct{}
	err     error
	asked   []string
	perCall int
}

func (h *prefixHistory) AssignedTo(_ context.Context, id studentid.ID) (studentid.ResidentID, bool, error) {
	h.perCall++
	rid, ok := h.m[id]
	return rid, ok, nil
}

func (h *prefixHistory) AssignedUnder(ctx context.Context, prefix string) (batch.HistoryMap, error) {
	h.asked = append(h.asked, prefix)
	if h.release != nil {
		select {
		case <-h.release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return h.m, h.err
}

// releaseAtEOF closes release when r is read to its end: the history then
// answers only once the record pass has the whole file.
type releaseAtEOF struct {
	r       io.Reader
	release chan struct{}
	done    bool
}

func (e *releaseAtEOF) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err == io.EOF && !e.done {
		e.done = true
		close(e.release)
	}
	return n, err
}

// TestValidatePrefixHistory: with a PrefixHistory the validator reads the
// sender's numbers once (beside the record pass) and reports S-ID-1 exactly
// as with per-record lookups: same lines, same counts, in line order, also
// when the numbers arrive only after the last record.
func TestValidatePrefixHistory(t *testing.T) {
	recs := genRecords(t, 12)
	data := cardFile(t, batchtest.School(school, created), recs)
	other := must(studentid.ParseResidentID("110101201001010015"))
	m := batch.HistoryMap{
		must(studentid.Parse(recs[3].RegistryNo.String())): other,                                               // line 6: reassigned
		must(studentid.Parse(recs[8].RegistryNo.String())): other,                                               // line 11: reassigned
		must(studentid.Parse(recs[5].RegistryNo.String())): must(studentid.ParseResidentID(recs[5].ResidentID)), // same student: fine
	}
	for _, tc := range []struct {
		name string
		slow bool
	}{
		{"S-ID-1/sender's numbers read once", false},
		{"S-ID-1/sender's numbers arriving after the last record", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := &prefixHistory{m: m}
			if tc.slow {
				h.release = make(chan struct{})
			}
			v := districtValidator()
			v.History = h
			var lines []int
			v.OnError = func(e *batch.RecordError) error {
				lines = append(lines, e.Line)
				return nil
			}
			var r io.Reader = bytes.NewReader(data)
			if tc.slow {
				r = &releaseAtEOF{r: r, release: h.release}
			}
			rep, err := v.Validate(context.Background(), r, "carddata.txt")
			require.NoError(t, err)
			assert.False(t, rep.Accepted)
			assert.EqualValues(t, 2, rep.Failed)
			assert.EqualValues(t, 2, rep.Problems)
			assert.Equal(t, []int{6, 11}, lines, "in line order")
			for _, e := range rep.Errors {
				assert.Equal(t, batch.ReasonReassigned, e.Reason)
				assert.Equal(t, "registry_no", e.Field)
			}
			assert.Equal(t, recs[3].RegistryNo.String(), rep.Errors[0].RawRegistryNo)
			assert.Equal(t, []string{school}, h.asked, "one range read, for the sending school")
			assert.Zero(t, h.perCall, "no per-record lookup")
		})
	}

	t.Run("S-ID-1/a failing history read stops the validation", func(t *testing.T) {
		boom := errors.New("ledger unavailable")
		v := districtValidator()
		v.History = &prefixHistory{m: m, err: boom}
		_, err := v.Validate(context.Background(), bytes.NewReader(data), "carddata.txt")
		assert.ErrorIs(t, err, boom)
	})
}
