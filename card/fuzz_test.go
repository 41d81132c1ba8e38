package card_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/card"
	"github.com/bjedu/studentcard/sam"
)

func FuzzDecodeFCI(f *testing.F) {
	info, _ := testInfo(sam.TDES).MarshalBinary()
	state, _ := card.State{Seq: 1, Op: card.OpPersonalise, Status: card.Personalised}.MarshalBinary()
	f.Add(card.EncodeFCI(info, state))
	f.Add(card.EncodeFCI(info, nil))
	f.Add([]byte{0x6F, 0x81, 0x02, 0x84, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		gotInfo, gotState, err := card.DecodeFCI(b)
		if err != nil {
			assert.ErrorIs(t, err, card.ErrMalformed)
			return
		}
		raw, err := gotInfo.MarshalBinary()
		require.NoError(t, err)
		var again card.CardInfo
		require.NoError(t, again.UnmarshalBinary(raw))
		assert.Equal(t, gotInfo, again)
		_, err = gotState.MarshalBinary()
		assert.NoError(t, err)
	})
}

func FuzzStudent(f *testing.F) {
	good, _ := testStudent().MarshalBinary()
	f.Add(good)
	f.Add(make([]byte, card.StudentSize))
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, b []byte) {
		var s card.Student
		if err := s.UnmarshalBinary(b); err != nil {
			return
		}
		raw, err := s.MarshalBinary()
		if err != nil { // e.g. a name with a character the encoder refuses
			assert.ErrorIs(t, err, card.ErrName)
			return
		}
		var again card.Student
		require.NoError(t, again.UnmarshalBinary(raw))
		assert.Equal(t, s, again)
	})
}

func FuzzState(f *testing.F) {
	good, _ := card.State{Seq: 9, Op: card.OpRegister, Status: card.Personalised, Semester: card.Semester{Year: 2026, Term: 2}, Date: day(2026, 9, 1), School: testSchool(f, "010203")}.MarshalBinary()
	f.Add(good)
	f.Add(make([]byte, card.StateSize))
	f.Fuzz(func(t *testing.T, b []byte) {
		var s card.State
		if err := s.UnmarshalBinary(b); err != nil {
			assert.ErrorIs(t, err, card.ErrMalformed)
			return
		}
		raw, err := s.MarshalBinary()
		require.NoError(t, err)
		assert.True(t, bytes.Equal(b, raw), "the record encodes back to the same bytes")
	})
}

func FuzzEncodeText(f *testing.F) {
	for _, s := range []string{"王小明", "王堃", "𠮷", "a\x00b", "\xff"} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, gb18030 bool) {
		b, _, err := card.EncodeText("name", s, card.NameSize, gb18030)
		if err != nil {
			assert.ErrorIs(t, err, card.ErrName)
			return
		}
		padded := append(b, make([]byte, card.NameSize-len(b))...)
		back, err := card.DecodeText("f", "name", 0, padded)
		require.NoError(t, err)
		assert.Equal(t, s, back)
	})
}
