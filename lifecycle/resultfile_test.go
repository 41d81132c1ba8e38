package lifecycle_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

// idCardsAtFactory submits and sends n ID cards of school A to the factory.
func idCardsAtFactory(t *testing.T, f *fixture, n int) []batch.ResultRecord {
	var recs []batch.ResultRecord
	for i := 1; i <= n; i++ {
		num := number(t, schoolA, 0, 32, 1, i)
		id := fmt.Sprintf("IDF%02d", i)
		_, err := f.l.SubmitIDCard(f.ctx, opA, id, num, bj(2032, 8, 31, 0))
		require.NoError(t, err)
		f.tr(dist05, id, lifecycle.ActValidateDistrict, "")
		f.tr(city, id, lifecycle.ActValidateCity, "")
		f.tr(city, id, lifecycle.ActSendToFactory, "")
		recs = append(recs, batch.ResultRecord{RegistryNo: num, Name: "学生", SchoolName: "第一小学", Status: batch.StatusOK, FactoryBatch: "F2026-09"})
	}
	return recs
}

func resultFile(t *testing.T, recs []batch.ResultRecord) *bytes.Reader {
	var buf bytes.Buffer
	sender := batch.Header{Level: studentid.LevelFactory, Code: "FAC01", Batch: "F2026-09", Created: bj(2026, 9, 1, 8)}
	require.NoError(t, batch.WriteResults(&buf, "results.txt", sender, recs))
	return bytes.NewReader(buf.Bytes())
}

func TestImportResultFile(t *testing.T) {
	f := newFixture(t, bj(2026, 9, 1, 9))
	recs := idCardsAtFactory(t, f, 25)
	recs[3].Status, recs[3].WasteReason = batch.StatusWaste, batch.WasteData

	t.Run("C-5/waste from data errors over 3 percent is flagged and audited", func(t *testing.T) {
		out, waste, err := f.l.ImportResultFile(f.ctx, city, resultFile(t, recs), "results.txt")
		require.NoError(t, err)
		assert.False(t, out.Already)
		assert.Equal(t, int64(1), waste.DataErrors)
		assert.True(t, waste.Liable, "1 of 25 is 4 percent")
		es := auditEntries(t, f, "city")
		var d map[string]any
		require.NoError(t, json.Unmarshal([]byte(es[len(es)-1].Detail), &d))
		assert.Equal(t, true, d["liable_C-5"])
		c, err := f.l.Card(f.ctx, city, "IDF01")
		require.NoError(t, err)
		assert.Equal(t, lifecycle.IDAtCity, c.State)
		spoilt, err := f.l.Card(f.ctx, city, "IDF04")
		require.NoError(t, err)
		assert.Equal(t, lifecycle.IDAtFactory, spoilt.State, "a spoilt card is not received")
	})
	t.Run("C-ISSUE-1/the same file again is a no-op", func(t *testing.T) {
		out, _, err := f.l.ImportResultFile(f.ctx, city, resultFile(t, recs), "results.txt")
		require.NoError(t, err)
		assert.True(t, out.Already)
	})
	t.Run("C-ISSUE-4/a file naming a card not awaiting import is refused whole", func(t *testing.T) {
		extra := append([]batch.ResultRecord{}, recs[:2]...)
		extra = append(extra, batch.ResultRecord{RegistryNo: number(t, schoolA, 0, 32, 9, 9), Name: "无卡", SchoolName: "第一小学",
			Status: batch.StatusOK, FactoryBatch: "F2026-09"})
		_, _, err := f.l.ImportResultFile(f.ctx, dist05, resultFile(t, extra), "district.txt")
		require.ErrorIs(t, err, lifecycle.ErrNotFound)
		c, err := f.l.Card(f.ctx, dist05, "IDF01")
		require.NoError(t, err)
		assert.Equal(t, lifecycle.IDAtCity, c.State, "nothing of the refused file landed")
	})
	t.Run("C-5/a clean file is not flagged", func(t *testing.T) {
		_, waste, err := f.l.ImportResultFile(f.ctx, dist05, resultFile(t, recs[:3]), "district.txt")
		require.NoError(t, err)
		assert.False(t, waste.Liable)
	})
	t.Run("bad file is a batch parse error, nothing imported", func(t *testing.T) {
		_, _, err := f.l.ImportResultFile(f.ctx, dist05, bytes.NewReader([]byte("not a result file\n")), "junk.txt")
		require.Error(t, err)
	})
}
