package studentid_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/studentid"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestParseResidentID(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		region         string
		birth          time.Time
		sequence       int
		sex            studentid.Sex
	}{
		// The worked example of GB 11643-1999.
		{"GB 11643 example with X", "11010519491231002X", "11010519491231002X", "110105", date(1949, 12, 31), 2, studentid.Female},
		{"lower-case x is normalised", "11010519491231002x", "11010519491231002X", "110105", date(1949, 12, 31), 2, studentid.Female},
		{"full-width and spaces", "\u3000１１０１０５１９４９１２３１００２ｘ ", "11010519491231002X", "110105", date(1949, 12, 31), 2, studentid.Female},
		{"leap day 2000", "110105200002290013", "110105200002290013", "110105", date(2000, 2, 29), 1, studentid.Male},
		{"first day allowed", "110101190001010014", "110101190001010014", "110101", date(1900, 1, 1), 1, studentid.Male},
		{"future birth dates are not checked", "110101299912310017", "110101299912310017", "110101", date(2999, 12, 31), 1, studentid.Male},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := studentid.ParseResidentID(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.String())
			assert.Equal(t, tc.region, r.Region())
			assert.Equal(t, tc.birth, r.BirthDate())
			assert.Equal(t, tc.sequence, r.Sequence())
			assert.Equal(t, tc.sex, r.Sex())
			assert.Equal(t, tc.want[17], r.Check())
			again, err := studentid.ParseResidentID(r.String())
			require.NoError(t, err)
			assert.Equal(t, r, again)
		})
	}
}

func TestParseResidentIDErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		sentinel error
		pos, end int
		got      string
	}{
		{"empty", "", studentid.ErrResidentIDFormat, 1, 1, ""},
		{"17 characters", "11010519491231002", studentid.ErrResidentIDFormat, 18, 18, ""},
		{"19 characters", "11010519491231002X1", studentid.ErrResidentIDFormat, 19, 19, ""},
		{"X not last", "1101051949123100X2", studentid.ErrResidentIDFormat, 17, 17, "X"},
		{"Y last", "11010519491231002Y", studentid.ErrResidentIDFormat, 18, 18, "Y"},
		{"letter in region", "1A010519491231002X", studentid.ErrResidentIDFormat, 2, 2, "A"},
		{"wrong check character", "110105194912310021", studentid.ErrResidentIDCheck, 18, 18, "1"},
		{"GB 11643 example from 1880 is before 1900", "440524188001010014", studentid.ErrResidentIDDate, 7, 14, "18800101"},
		{"1900 is not a leap year", "110101190002290013", studentid.ErrResidentIDDate, 7, 14, "19000229"},
		{"2023-02-29", "110101202302290013", studentid.ErrResidentIDDate, 7, 14, "20230229"},
		{"month 13", "110101202313010013", studentid.ErrResidentIDDate, 7, 14, "20231301"},
		{"month 00", "110101202300010013", studentid.ErrResidentIDDate, 7, 14, "20230001"},
		{"day 00", "110101202301000013", studentid.ErrResidentIDDate, 7, 14, "20230100"},
		{"April 31", "110101202304310013", studentid.ErrResidentIDDate, 7, 14, "20230431"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := studentid.ParseResidentID(tc.in)
			assert.True(t, r.IsZero())
			assert.ErrorIs(t, err, tc.sentinel)
			for _, other := range []error{studentid.ErrResidentIDFormat, studentid.ErrResidentIDDate, studentid.ErrResidentIDCheck} {
				if other != tc.sentinel {
					assert.NotErrorIs(t, err, other)
				}
			}
			assertPosition(t, err, tc.pos, tc.end)
			var e *studentid.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tc.got, e.Got)
			assert.Equal(t, studentid.KindResidentID, e.Kind)
		})
	}
	_, err := studentid.ParseResidentID("110105194912310021")
	assert.Equal(t, "resident ID number, position 18: check character is 1, want X", err.Error())
	assert.Equal(t, "居民身份证号码第18位：校验码为1，应为X", l10n.Error(err, l10n.Chinese))
}

func TestBuildResidentID(t *testing.T) {
	for seq := range 1000 {
		r, err := studentid.BuildResidentID("110108", date(2012, 2, 29), seq)
		require.NoError(t, err)
		again, err := studentid.ParseResidentID(r.String())
		require.NoError(t, err, "%d", seq)
		require.Equal(t, r, again)
		require.Equal(t, seq, r.Sequence())
	}
	r, err := studentid.BuildResidentID("110105", date(1949, 12, 31), 2)
	require.NoError(t, err)
	assert.Equal(t, "11010519491231002X", r.String(), "the GB 11643 example")
	// Only the date counts, not the time or location.
	r2, err := studentid.BuildResidentID("110105", time.Date(1949, 12, 31, 23, 59, 0, 0, time.FixedZone("CST", 8*3600)), 2)
	require.NoError(t, err)
	assert.Equal(t, r, r2)

	for _, tc := range []struct {
		name     string
		region   string
		birth    time.Time
		seq      int
		sentinel error
		pos, end int
	}{
		{"short region", "11010", date(2000, 1, 1), 1, studentid.ErrResidentIDFormat, 1, 6},
		{"letters in region", "11010a", date(2000, 1, 1), 1, studentid.ErrResidentIDFormat, 1, 6},
		{"born 1899", "110105", date(1899, 12, 31), 1, studentid.ErrResidentIDDate, 7, 14},
		{"born after 9999", "110105", date(10000, 1, 1), 1, studentid.ErrResidentIDDate, 7, 14},
		{"sequence 1000", "110105", date(2000, 1, 1), 1000, studentid.ErrResidentIDFormat, 15, 17},
		{"sequence -1", "110105", date(2000, 1, 1), -1, studentid.ErrResidentIDFormat, 15, 17},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := studentid.BuildResidentID(tc.region, tc.birth, tc.seq)
			assert.True(t, r.IsZero())
			assert.ErrorIs(t, err, tc.sentinel)
			assertPosition(t, err, tc.pos, tc.end)
		})
	}
}

func TestParsePersonCode(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		kind           studentid.PersonCodeKind
		region         string
		birth          time.Time
		sex            studentid.Sex
		resident       string
	}{
		{"G with resident ID", "G11010519491231002X", "G11010519491231002X", studentid.PersonCodeResident, "110105", date(1949, 12, 31), studentid.Female, "11010519491231002X"},
		{"G with lower-case x", " G11010519491231002x\t", "G11010519491231002X", studentid.PersonCodeResident, "110105", date(1949, 12, 31), studentid.Female, "11010519491231002X"},
		{"J self-assigned", "J110105200002290013", "J110105200002290013", studentid.PersonCodeSelfAssigned, "110105", date(2000, 2, 29), studentid.Male, ""},
		{"L temporary", "L110105201201011234", "L110105201201011234", studentid.PersonCodeTemporary, "110105", date(2012, 1, 1), studentid.SexUnknown, ""},
		{"full-width letter and digits", "Ｌ１１０１０５２０１２０１０１１２３４", "L110105201201011234", studentid.PersonCodeTemporary, "110105", date(2012, 1, 1), studentid.SexUnknown, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := studentid.ParsePersonCode(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, p.String())
			assert.Equal(t, tc.kind, p.Kind())
			assert.Equal(t, tc.region, p.Region())
			assert.Equal(t, tc.birth, p.BirthDate())
			assert.Equal(t, tc.sex, p.Sex())
			r, ok := p.ResidentID()
			assert.Equal(t, tc.resident != "", ok)
			assert.Equal(t, tc.resident, r.String())
			if ok {
				assert.Equal(t, p, r.PersonCode())
			}
			again, err := studentid.ParsePersonCode(p.String())
			require.NoError(t, err)
			assert.Equal(t, p, again)
		})
	}
}

func TestParsePersonCodeErrors(t *testing.T) {
	for _, tc := range []struct {
		name     string
		in       string
		cause    error // the resident-ID sentinel also matched, or nil
		pos, end int
	}{
		{"empty", "", nil, 1, 1},
		{"letter only", "G", studentid.ErrResidentIDFormat, 2, 2},
		{"unknown letter", "X11010519491231002X", nil, 1, 1},
		{"lower-case letter", "g11010519491231002X", nil, 1, 1},
		{"bare resident ID", "11010519491231002X", nil, 1, 1},
		{"G with wrong check", "G110105194912310021", studentid.ErrResidentIDCheck, 19, 19},
		{"G with bad date", "G110101202302290013", studentid.ErrResidentIDDate, 8, 15},
		{"G too short", "G11010519491231002", studentid.ErrResidentIDFormat, 19, 19},
		{"G too long", "G11010519491231002X0", studentid.ErrResidentIDFormat, 20, 20},
		{"J with wrong check", "J110105200002290012", studentid.ErrResidentIDCheck, 19, 19},
		{"J before 1900", "J440524188001010014", studentid.ErrResidentIDDate, 8, 15},
		{"L with X last", "L11010520120101123X", studentid.ErrResidentIDFormat, 19, 19},
		{"L with bad date", "L110105201213011234", studentid.ErrResidentIDDate, 8, 15},
		{"space after letter", "G 11010519491231002X", studentid.ErrResidentIDFormat, 2, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := studentid.ParsePersonCode(tc.in)
			assert.True(t, p.IsZero())
			assert.ErrorIs(t, err, studentid.ErrPersonCode)
			if tc.cause != nil {
				assert.ErrorIs(t, err, tc.cause)
			} else {
				var e *studentid.Error
				require.ErrorAs(t, err, &e)
				assert.Nil(t, e.Cause)
			}
			assertPosition(t, err, tc.pos, tc.end)
		})
	}
	_, err := studentid.ParsePersonCode("G11010519491231002")
	assert.Equal(t, "personal code, position 19: 18 characters, want 19", err.Error())
	_, err = studentid.ParsePersonCode("Q1")
	assert.Equal(t, "个人标识码第1位：类型字母\"Q\"不是G、J或L", l10n.Error(err, l10n.Chinese))
}

func TestIdentifiersAsJSON(t *testing.T) {
	type student struct {
		ID       studentid.ID         `json:"id"`
		Resident studentid.ResidentID `json:"resident"`
		Code     studentid.PersonCode `json:"code"`
	}
	in := `{"id":"0105312392712348","resident":"11010519491231002x","code":"J110105200002290013"}`
	var s student
	require.NoError(t, json.Unmarshal([]byte(in), &s))
	out, err := json.Marshal(s)
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":"0105312392712348","resident":"11010519491231002X","code":"J110105200002290013"}`, string(out))

	out, err = json.Marshal(student{})
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":"","resident":"","code":""}`, string(out))
	var zero student
	require.NoError(t, json.Unmarshal(out, &zero))
	assert.Equal(t, student{}, zero)

	var bad student
	assert.ErrorIs(t, json.Unmarshal([]byte(`{"resident":"110105194912310021"}`), &bad), studentid.ErrResidentIDCheck)
	assert.ErrorIs(t, json.Unmarshal([]byte(`{"code":"Q"}`), &bad), studentid.ErrPersonCode)
}
