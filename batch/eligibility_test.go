package batch_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/batch/batchtest"
	"github.com/bjedu/studentcard/studentid"
)

// TestEligibilityFollowsTheEducation: S-3 eligibility follows the student's
// education, not only the school's category code. A school of category 7
// (vocational + ordinary high) has ordinary senior students (eligible) and
// vocational ones (student category 3, not eligible).
func TestEligibilityFollowsTheEducation(t *testing.T) {
	const mixed = "01017123"
	for _, tc := range []struct {
		name     string
		category studentid.StudentCategory
		ok       bool
	}{
		{"S-3/the ordinary senior class of a vocational school is eligible", 2, true},
		{"S-3/its vocational student is not", 3, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := batchtest.Record(mixed, "北京市职业学校", 1, 7)
			require.NoError(t, err)
			id, err := studentid.Build(studentid.Fields{School: testSchool("01017123"), StudentCategory: tc.category,
				Cohort: 28, Class: 1, Seat: 1}, studentid.MOD11_10)
			require.NoError(t, err)
			rec.RegistryNo = id
			v := districtValidator()
			rep, err := v.Validate(context.Background(), bytes.NewReader(cardFile(t, batchtest.School(mixed, created), []batch.CardRecord{rec})), "carddata.txt")
			require.NoError(t, err)
			if tc.ok {
				assert.True(t, rep.Accepted, "%v", rep.Errors)
				return
			}
			require.False(t, rep.Accepted)
			require.NotEmpty(t, rep.Errors)
			assert.Equal(t, batch.ReasonIneligible, rep.Errors[0].Reason)
		})
	}
}
