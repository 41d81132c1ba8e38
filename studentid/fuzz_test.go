package studentid_test

import (
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/studentid"
)

// checkError asserts what every failure of the package promises: an
// *Error of the right kind, matching one of the sentinels, with a position,
// rendering in both languages.
func checkError(t *testing.T, err error, kind studentid.Kind, sentinels ...error) {
	t.Helper()
	var e *studentid.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, kind, e.Kind)
	assert.GreaterOrEqual(t, e.Pos, 1)
	assert.GreaterOrEqual(t, e.End, e.Pos)
	matched := 0
	for _, s := range sentinels {
		if errors.Is(err, s) {
			matched++
		}
	}
	assert.Equal(t, 1, matched, "exactly one of the sentinels matches %v", err)
	assert.NotEmpty(t, err.Error())
	assert.NotEmpty(t, l10n.Error(err, l10n.Chinese))
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"0105312392712348", " ０１０５３１２３９２７１２３４８ ", "0105812392712348", "0105012322712348",
		"0105312392700348", "0105312392712008", "010531239271234", "01053123927123480", "", "\u3000", "0105x12392712348",
		"\xff\xfe0105312392712348",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := studentid.Parse(s)
		if err != nil {
			assert.True(t, id.IsZero())
			checkError(t, err, studentid.KindRegistryNumber, studentid.ErrFormat, studentid.ErrSchoolCategory,
				studentid.ErrCategoryMismatch, studentid.ErrClass, studentid.ErrSeat)
		} else {
			str := id.String()
			require.Len(t, str, studentid.Len)
			again, err := studentid.Parse(str)
			require.NoError(t, err)
			require.Equal(t, id, again, "Parse(String()) == id")
			rebuilt, err := studentid.Build(id.Fields(), studentid.SchemeFunc(func(string) (byte, error) { return id.Check(), nil }))
			require.NoError(t, err)
			require.Equal(t, id, rebuilt, "Build(Fields()) == id")
			if verr := id.Verify(studentid.MOD11_10); verr != nil {
				checkError(t, verr, studentid.KindRegistryNumber, studentid.ErrCheckDigit)
			}
		}
		// Differential check against the regexp baseline, which knows ASCII only.
		ascii := true
		for i := 0; i < len(s); i++ {
			ascii = ascii && s[i] < utf8.RuneSelf
		}
		if ascii {
			assert.Equal(t, baselineValid(s), err == nil, "Parse and the regexp baseline disagree on %q: %v", s, err)
		}
	})
}

func FuzzParseResidentID(f *testing.F) {
	for _, s := range []string{
		"11010519491231002X", "11010519491231002x", "440524188001010014", "110105194912310021", "110101190002290013",
		"１１０１０５１９４９１２３１００２Ｘ", "1101051949123100X2", "", "X",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := studentid.ParseResidentID(s)
		if err != nil {
			assert.True(t, r.IsZero())
			checkError(t, err, studentid.KindResidentID, studentid.ErrResidentIDFormat, studentid.ErrResidentIDDate, studentid.ErrResidentIDCheck)
			return
		}
		again, err := studentid.ParseResidentID(r.String())
		require.NoError(t, err)
		require.Equal(t, r, again, "ParseResidentID(String()) == r")
		assert.GreaterOrEqual(t, r.BirthDate().Year(), 1900)
		built, err := studentid.BuildResidentID(r.Region(), r.BirthDate(), r.Sequence())
		require.NoError(t, err)
		require.Equal(t, r, built, "BuildResidentID recomputes the same check character")
		p, err := studentid.ParsePersonCode("G" + r.String())
		require.NoError(t, err)
		inner, ok := p.ResidentID()
		require.True(t, ok)
		require.Equal(t, r, inner)
	})
}

func FuzzParsePersonCode(f *testing.F) {
	for _, s := range []string{
		"G11010519491231002X", "G11010519491231002x", "J110105200002290013", "L110105201201011234", "G110105194912310021",
		"J440524188001010014", "L11010520120101123X", "Ｌ１１０１０５２０１２０１０１１２３４", "", "G", "Q1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := studentid.ParsePersonCode(s)
		if err != nil {
			assert.True(t, p.IsZero())
			checkError(t, err, studentid.KindPersonCode, studentid.ErrPersonCode)
			return
		}
		require.Len(t, p.String(), studentid.PersonCodeLen)
		again, err := studentid.ParsePersonCode(p.String())
		require.NoError(t, err)
		require.Equal(t, p, again, "ParsePersonCode(String()) == p")
		assert.Equal(t, byte(p.Kind()), p.String()[0])
		if r, ok := p.ResidentID(); ok {
			assert.Equal(t, p.String()[1:], r.String())
		}
	})
}
