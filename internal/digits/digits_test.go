package digits_test

import (
	"testing"
	"time"

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

// TestBCD: the card codecs' packed BCD numbers and dates round-trip, and a
// bad nibble, a non-date and a year before 1900 each say why.
func TestBCD(t *testing.T) {
	b := make([]byte, 4)
	digits.PutBCD(b, "20260901")
	assert.Equal(t, []byte{0x20, 0x26, 0x09, 0x01}, b)
	s, ok := digits.BCD(b)
	assert.True(t, ok)
	assert.Equal(t, "20260901", s)
	_, ok = digits.BCD([]byte{0x1A})
	assert.False(t, ok)

	day := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	digits.PutBCDDate(b, day)
	got, reason, _ := digits.BCDDate(b)
	assert.Equal(t, "", reason)
	assert.Equal(t, day, got)
	digits.PutBCDDate(b, time.Time{})
	got, reason, _ = digits.BCDDate(b)
	assert.True(t, got.IsZero())
	assert.Equal(t, "", reason)
	for _, tc := range []struct {
		b      []byte
		reason string
	}{
		{[]byte{0x20, 0x26, 0x0A, 0x01}, digits.ReasonNotBCD},
		{[]byte{0x20, 0x26, 0x13, 0x01}, digits.ReasonNotDate},
		{[]byte{0x18, 0x99, 0x12, 0x31}, digits.ReasonBefore1900},
	} {
		_, reason, _ := digits.BCDDate(tc.b)
		assert.Equal(t, tc.reason, reason, "% X", tc.b)
	}
}
