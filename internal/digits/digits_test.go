package digits_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/bjedu/studentcard/internal/digits"
)

func TestIs(t *testing.T) {
	assert.True(t, digits.Is("0105", 4))
	assert.False(t, digits.Is("0105", 3))
	assert.False(t, digits.Is("01a5", 4))
	assert.False(t, digits.Is("０１", -1), "full-width digits are folded by the caller")
	assert.True(t, digits.Is("7", -1))
	assert.False(t, digits.Is("", -1))
	assert.False(t, digits.Is("", 0))
	assert.Equal(t, 20180101, digits.Atoi("20180101"))
}

// TestDate: P-4 dates are YYYYMMDD calendar days from 1900 on.
func TestDate(t *testing.T) {
	for _, tc := range []struct {
		s  string
		ok bool
	}{
		{"20180101", true}, {"20000229", true}, {"21000229", false}, {"20170229", false}, {"20180431", false},
		{"20181301", false}, {"20180100", false}, {"18991231", false}, {"19000101", true}, {"2018011", false}, {"2018-1-1", false},
	} {
		_, _, _, ok := digits.Date(tc.s)
		assert.Equal(t, tc.ok, ok, "P-4 %s", tc.s)
	}
}
