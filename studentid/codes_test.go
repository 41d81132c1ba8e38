package studentid_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/studentid"
)

func TestParseDistrict(t *testing.T) {
	for _, tc := range []struct {
		name, in          string
		full, prov, local string
	}{
		{"S-ID-2/4-digit form, province and district", "0108", "0108", "01", "08"},
		{"S-ID-2/2-digit form is a district of Beijing", "08", "0108", "01", "08"},
		{"S-ID-2/another province is kept", "1101", "1101", "11", "01"},
		{"S-ID-2/full-width digits and spaces", " ０１０５\u3000", "0105", "01", "05"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := studentid.ParseDistrict(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.full, d.String())
			assert.Equal(t, tc.prov, d.Province())
			assert.Equal(t, tc.local, d.Local())
			again, err := studentid.ParseDistrict(d.String())
			require.NoError(t, err)
			assert.Equal(t, d, again, "round trip")
			short, err := studentid.ParseDistrict(d.Local())
			require.NoError(t, err)
			assert.Equal(t, d.Local(), short.Local())
		})
	}
	for _, tc := range []struct {
		name, in string
		pos      int
	}{
		{"S-ID-2/empty", "", 1},
		{"S-ID-2/one digit", "8", 2},
		{"S-ID-2/three digits", "108", 4},
		{"S-ID-2/five digits", "01080", 6},
		{"S-ID-2/a letter", "01x8", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := studentid.ParseDistrict(tc.in)
			require.ErrorIs(t, err, studentid.ErrDistrict)
			assert.True(t, d.IsZero())
			var e *studentid.Error
			require.True(t, errors.As(err, &e))
			assert.Equal(t, studentid.KindDistrict, e.Kind)
			assert.Equal(t, tc.pos, e.Pos)
			assert.Contains(t, l10n.Error(err, l10n.Chinese), "区县代码")
		})
	}
	assert.Equal(t, "", studentid.District{}.String())
}

func TestParseSchool(t *testing.T) {
	for _, tc := range []struct {
		name, in                   string
		full, six, local, district string
		category                   studentid.SchoolCategory
	}{
		{"S-ID-2/8-digit form", "01080123", "01080123", "080123", "123", "0108", studentid.SchoolPrimary},
		{"S-ID-2/6-digit card form is a school of Beijing", "080123", "01080123", "080123", "123", "0108", studentid.SchoolPrimary},
		{"S-ID-2/full-width", "０１０５３１２３", "01053123", "053123", "123", "0105", studentid.SchoolTwelveYear},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := studentid.ParseSchool(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.full, s.String())
			assert.Equal(t, tc.six, s.InProvince())
			assert.Equal(t, tc.local, s.Local())
			assert.Equal(t, tc.district, s.District().String())
			assert.Equal(t, tc.category, s.Category())
			built, err := studentid.NewSchool(s.District(), s.Category(), s.Local())
			require.NoError(t, err)
			assert.Equal(t, s, built, "round trip through NewSchool")
			again, err := studentid.ParseSchool(s.InProvince())
			require.NoError(t, err)
			assert.Equal(t, s, again, "round trip through the 6-digit form")
		})
	}
	for _, tc := range []struct {
		name, in string
		want     error
		pos      int
	}{
		{"S-ID-2/empty", "", studentid.ErrSchool, 1},
		{"S-ID-2/7 digits", "0108012", studentid.ErrSchool, 8},
		{"S-ID-2/letter", "0108a123", studentid.ErrSchool, 5},
		{"S-ID-2/school category 8", "01088123", studentid.ErrSchoolCategory, 5},
		{"S-ID-2/school category 9 in the 6-digit form", "089123", studentid.ErrSchoolCategory, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := studentid.ParseSchool(tc.in)
			require.ErrorIs(t, err, tc.want)
			assert.True(t, s.IsZero())
			var e *studentid.Error
			require.True(t, errors.As(err, &e))
			assert.Equal(t, studentid.KindSchool, e.Kind)
			assert.Equal(t, tc.pos, e.Pos)
			assert.Contains(t, l10n.Error(err, l10n.Chinese), "学校代码")
		})
	}
	d, err := studentid.ParseDistrict("0108")
	require.NoError(t, err)
	for _, tc := range []struct {
		name  string
		d     studentid.District
		cat   studentid.SchoolCategory
		local string
		want  error
	}{
		{"S-ID-2/no district", studentid.District{}, studentid.SchoolPrimary, "123", studentid.ErrDistrict},
		{"S-ID-2/category 8", d, 8, "123", studentid.ErrSchoolCategory},
		{"S-ID-2/two-digit local code", d, studentid.SchoolPrimary, "12", studentid.ErrSchool},
	} {
		t.Run("NewSchool "+tc.name, func(t *testing.T) {
			_, err := studentid.NewSchool(tc.d, tc.cat, tc.local)
			assert.ErrorIs(t, err, tc.want)
		})
	}
}

func TestIDCodes(t *testing.T) {
	id, err := studentid.Parse("0105312392712348")
	require.NoError(t, err)
	assert.Equal(t, "0105", id.District().String())
	assert.Equal(t, "05", id.District().Local())
	assert.Equal(t, "01053123", id.School().String())
	assert.Equal(t, "053123", id.School().InProvince())
	assert.Equal(t, id.District(), id.School().District())
	assert.Equal(t, 0, id.School().Compare(id.School()))
	other, err := studentid.ParseSchool("01060001")
	require.NoError(t, err)
	assert.Negative(t, id.School().Compare(other))
	assert.Negative(t, id.District().Compare(other.District()))
}

func TestCodesText(t *testing.T) {
	type row struct {
		D  studentid.District `json:"d"`
		S  studentid.School   `json:"s"`
		ID studentid.ID       `json:"id"`
		N  studentid.Serial   `json:"n"`
	}
	d, _ := studentid.ParseDistrict("08")
	s, _ := studentid.ParseSchool("01080123")
	id, _ := studentid.Parse("0105312392712348")
	n, _ := studentid.ParseSerial("86000000000000ab")
	b, err := json.Marshal(row{d, s, id, n})
	require.NoError(t, err)
	assert.JSONEq(t, `{"d":"0108","s":"01080123","id":"0105312392712348","n":"86000000000000AB"}`, string(b))
	var back row
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, row{d, s, id, n}, back)
	var zero row
	require.NoError(t, json.Unmarshal([]byte(`{"d":"","s":"","id":"","n":"0000000000000000"}`), &zero))
	assert.True(t, zero.D.IsZero() && zero.S.IsZero() && zero.ID.IsZero() && zero.N.IsZero())
	assert.ErrorIs(t, json.Unmarshal([]byte(`{"d":"123"}`), &back), studentid.ErrDistrict)
}

func TestCodesSQL(t *testing.T) {
	var d studentid.District
	require.NoError(t, d.Scan("0108"))
	assert.Equal(t, "0108", d.String())
	v, err := d.Value()
	require.NoError(t, err)
	assert.Equal(t, "0108", v)
	require.NoError(t, d.Scan(nil))
	assert.True(t, d.IsZero())
	assert.ErrorIs(t, d.Scan(int64(8)), studentid.ErrDistrict, "a stored number is not a code")
	var s studentid.School
	require.NoError(t, s.Scan([]byte("01080123")))
	assert.Equal(t, "01080123", s.String())
	assert.ErrorIs(t, s.Scan("0108x123"), studentid.ErrSchool)
	var id studentid.ID
	require.NoError(t, id.Scan("0105312392712348"))
	assert.Equal(t, "0105312392712348", id.String())
	require.NoError(t, id.Scan(""))
	assert.True(t, id.IsZero())
	var sex studentid.Sex
	require.NoError(t, sex.Scan("2"))
	assert.Equal(t, studentid.Female, sex)
	v, err = studentid.Male.Value()
	require.NoError(t, err)
	assert.Equal(t, "1", v)
	assert.ErrorIs(t, sex.Scan("男"), studentid.ErrSex)
}

func TestLevel(t *testing.T) {
	for _, tc := range []struct {
		name     string
		in       string
		want     studentid.Level
		file, zh string
	}{
		{"S-4/city", "city", studentid.LevelCity, "CITY", "市级"},
		{"S-4/district in the file spelling", "DISTRICT", studentid.LevelDistrict, "DISTRICT", "区级"},
		{"S-4/school", "school", studentid.LevelSchool, "SCHOOL", "校级"},
		{"C-ISSUE-1/card factory", "FACTORY", studentid.LevelFactory, "FACTORY", "制卡厂"},
		{"S-4/application unit", "application", studentid.LevelApplication, "APPLICATION", "应用单位"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := studentid.ParseLevel(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, l)
			assert.True(t, l.Valid())
			assert.Equal(t, tc.file, l.FileCode())
			assert.Equal(t, tc.zh, l.Localize(l10n.Chinese))
			assert.Equal(t, string(tc.want), l.Localize(l10n.English))
		})
	}
	for _, bad := range []string{"", "District", "province"} {
		_, err := studentid.ParseLevel(bad)
		assert.ErrorIs(t, err, studentid.ErrLevel, bad)
		assert.Contains(t, l10n.Error(err, l10n.Chinese), "级别")
	}
	assert.False(t, studentid.Level("x").Valid())
	assert.Equal(t, "x", studentid.Level("x").Localize(l10n.Chinese))
}

func TestSerial(t *testing.T) {
	s, err := studentid.ParseSerial(" 0123456789abcdef ")
	require.NoError(t, err)
	assert.Equal(t, "0123456789ABCDEF", s.String())
	again, err := studentid.ParseSerial(s.String())
	require.NoError(t, err)
	assert.Equal(t, s, again)
	for _, tc := range []struct {
		name, in string
		pos      int
	}{
		{"A-1/empty", "", 1},
		{"A-1/short", "0123", 5},
		{"A-1/not hex", "0123456789ABCDEG", 16},
		{"A-1/long", "0123456789ABCDEF0", 17},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := studentid.ParseSerial(tc.in)
			require.ErrorIs(t, err, studentid.ErrSerial)
			var e *studentid.Error
			require.True(t, errors.As(err, &e))
			assert.Equal(t, tc.pos, e.Pos)
			assert.Contains(t, l10n.Error(err, l10n.Chinese), "卡片序列号")
		})
	}
	low, _ := studentid.ParseSerial("0000000000000001")
	assert.Negative(t, low.Compare(s))
}

func TestSexCode(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want studentid.Sex
	}{{"1", studentid.Male}, {"2", studentid.Female}, {"0", studentid.SexUnknown}} {
		got, err := studentid.ParseSexCode(tc.in)
		require.NoError(t, err)
		assert.Equal(t, tc.want, got)
		assert.Equal(t, tc.in, got.Code())
	}
	_, err := studentid.ParseSexCode("3")
	assert.ErrorIs(t, err, studentid.ErrSex)
	assert.True(t, studentid.Male.Valid())
	assert.False(t, studentid.SexUnknown.Valid())
}
