package lifecycle

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRuleArithmetic(t *testing.T) {
	t.Run("R-ISSUE-2/surplus above the allocation", func(t *testing.T) {
		assert.Equal(t, 12, schoolSurplus(120, 100))
		assert.Equal(t, 0, schoolSurplus(100, 100))
	})
	t.Run("C-RESERVE-1/3 percent target, alert below 1 percent", func(t *testing.T) {
		for _, tc := range []struct {
			stock, toIssue, target int64
			alert                  bool
		}{{30, 1000, 30, false}, {10, 1000, 30, false}, {9, 1000, 30, true}, {0, 0, 0, false}} {
			got := reserveStatus(tc.stock, tc.toIssue)
			assert.Equal(t, tc.target, got.Target)
			assert.Equal(t, tc.alert, got.Alert, "%d of %d", tc.stock, tc.toIssue)
		}
	})
}
