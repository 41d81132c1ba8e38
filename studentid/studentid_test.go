package studentid_test

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/studentid"
)

// num assembles a registry number from its fields as SPEC §2 lays them out,
// so that test inputs read field by field.
func num(province, district, schoolCat, school, studentCat, cohort, class, seat, check string) string {
	return province + district + schoolCat + school + studentCat + cohort + class + seat + check
}

func TestParseFields(t *testing.T) {
	for _, tc := range []struct {
		name                string
		in                  string
		schoolCat           studentid.SchoolCategory
		studentCat          studentid.StudentCategory
		cohort, class, seat int
		transient, local    bool
		stage               studentid.Stage
		colour              studentid.Colour
		hasColour           bool
		province, district  string
		schoolCode, school  string
		check               byte
	}{
		{"S-1/primary student, yellow card", num("01", "05", "0", "123", "0", "27", "12", "34", "7"),
			studentid.SchoolPrimary, studentid.StudentPrimary, 27, 12, 34, false, false, studentid.StagePrimary, studentid.Yellow, true,
			"01", "05", "123", "01050123", '7'},
		{"S-1/junior student, green card", num("01", "08", "1", "004", "1", "28", "03", "41", "0"),
			studentid.SchoolJunior, studentid.StudentJunior, 28, 3, 41, false, false, studentid.StageJunior, studentid.Green, true,
			"01", "08", "004", "01081004", '0'},
		{"S-1/senior student, blue card", num("01", "15", "5", "999", "2", "99", "99", "99", "9"),
			studentid.SchoolSenior, studentid.StudentSenior, 99, 99, 99, false, false, studentid.StageSenior, studentid.Blue, true,
			"01", "15", "999", "01155999", '9'},
		{"S-3/vocational student, no card colour", num("01", "02", "6", "010", "3", "00", "01", "01", "5"),
			studentid.SchoolVocational, studentid.StudentVocational, 0, 1, 1, false, false, studentid.StageVocational, studentid.NoColour, false,
			"01", "02", "010", "01026010", '5'},
		{"S-ID-3/primary transient in a nine-year school", num("01", "11", "2", "500", "4", "30", "07", "02", "1"),
			studentid.SchoolNineYear, studentid.StudentPrimaryTransient, 30, 7, 2, true, false, studentid.StagePrimary, studentid.Yellow, true,
			"01", "11", "500", "01112500", '1'},
		{"S-ID-3/junior transient treated as local in a complete middle school", num("01", "03", "4", "321", "8", "29", "10", "20", "3"),
			studentid.SchoolCompleteMiddle, studentid.StudentJuniorTransientLocal, 29, 10, 20, true, true, studentid.StageJunior, studentid.Green, true,
			"01", "03", "321", "01034321", '3'},
		{"S-ID-3/senior transient in a vocational and ordinary high", num("01", "16", "7", "077", "6", "27", "02", "30", "8"),
			studentid.SchoolVocationalAndSenior, studentid.StudentSeniorTransient, 27, 2, 30, true, false, studentid.StageSenior, studentid.Blue, true,
			"01", "16", "077", "01167077", '8'},
		{"S-ID-3/senior transient treated as local in a twelve-year school", num("01", "01", "3", "001", "9", "26", "05", "06", "2"),
			studentid.SchoolTwelveYear, studentid.StudentSeniorTransientLocal, 26, 5, 6, true, true, studentid.StageSenior, studentid.Blue, true,
			"01", "01", "001", "01013001", '2'},
		{"S-ID-2/another province's code is kept as is", num("11", "01", "0", "001", "7", "26", "05", "06", "2"),
			studentid.SchoolPrimary, studentid.StudentPrimaryTransientLocal, 26, 5, 6, true, true, studentid.StagePrimary, studentid.Yellow, true,
			"11", "01", "001", "11010001", '2'},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id, err := studentid.Parse(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.in, id.String())
			assert.Equal(t, tc.province, id.Province())
			assert.Equal(t, tc.province+tc.district, id.District().String())
			assert.Equal(t, tc.district, id.District().Local())
			assert.Equal(t, tc.province, id.District().Province())
			assert.Equal(t, tc.schoolCat, id.SchoolCategory())
			assert.Equal(t, tc.schoolCat, id.School().Category())
			assert.Equal(t, tc.schoolCode, id.School().Local())
			assert.Equal(t, tc.school, id.School().String())
			assert.Equal(t, tc.school[2:], id.School().InProvince())
			assert.Equal(t, id.District(), id.School().District())
			assert.Equal(t, tc.studentCat, id.StudentCategory())
			assert.Equal(t, tc.cohort, id.Cohort())
			assert.Equal(t, tc.class, id.Class())
			assert.Equal(t, tc.seat, id.Seat())
			assert.Equal(t, tc.check, id.Check())
			assert.Equal(t, tc.in[:15], id.Payload())
			assert.Equal(t, tc.transient, id.IsTransient())
			assert.Equal(t, tc.local, id.TreatedAsLocal())
			assert.Equal(t, tc.stage, id.Stage())
			colour, ok := id.CardColour()
			assert.Equal(t, tc.colour, colour)
			assert.Equal(t, tc.hasColour, ok)
			assert.False(t, id.IsZero())
		})
	}
}

// issueTable is the school-category table of issue 2, copied here by hand
// so that the test checks the package's table against the source, not
// against itself.
var issueTable = map[int]string{
	0: "047",
	1: "158",
	2: "014578",
	3: "012456789",
	4: "125689",
	5: "269",
	6: "3",
	7: "2369",
}

func TestCategoryTable(t *testing.T) {
	accepted := 0
	for sc := range 10 {
		for st := range 10 {
			in := num("01", "05", strconv.Itoa(sc), "123", strconv.Itoa(st), "27", "12", "34", "7")
			allowed, known := issueTable[sc]
			want := known && strings.Contains(allowed, strconv.Itoa(st))
			t.Run(fmt.Sprintf("S-ID-2/school %d student %d", sc, st), func(t *testing.T) {
				id, err := studentid.Parse(in)
				assert.Equal(t, want, studentid.SchoolCategory(sc).Allows(studentid.StudentCategory(st)))
				switch {
				case !known:
					assert.ErrorIs(t, err, studentid.ErrSchoolCategory)
					assertPosition(t, err, 5, 5)
				case !want:
					assert.ErrorIs(t, err, studentid.ErrCategoryMismatch)
					assertPosition(t, err, 9, 9)
					assert.Contains(t, err.Error(), "allowed: "+strings.Join(strings.Split(allowed, ""), " "))
				default:
					require.NoError(t, err)
					assert.Equal(t, in, id.String())
					accepted++
				}
			})
		}
	}
	assert.Equal(t, 3+3+6+9+6+3+1+4, accepted, "every allowed pair of the table is accepted, no other")
	for sc, allowed := range issueTable {
		var got strings.Builder
		for _, st := range studentid.SchoolCategory(sc).StudentCategories() {
			got.WriteString(strconv.Itoa(int(st)))
		}
		assert.Equal(t, allowed, got.String(), "StudentCategories of school category %d", sc)
	}
	assert.Nil(t, studentid.SchoolCategory(8).StudentCategories())
	assert.False(t, studentid.SchoolPrimary.Allows(10), "student category 10 does not exist")
}

func TestStudentCategories(t *testing.T) {
	for st := range 11 {
		c := studentid.StudentCategory(st)
		t.Run(fmt.Sprintf("S-ID-3/student category %d", st), func(t *testing.T) {
			assert.Equal(t, st >= 4 && st <= 9, c.IsTransient(), "transient")
			assert.Equal(t, st >= 7 && st <= 9, c.TreatedAsLocal(), "treated as local")
			assert.Equal(t, st <= 9, c.Valid())
			want := map[int]studentid.Stage{
				0: studentid.StagePrimary, 4: studentid.StagePrimary, 7: studentid.StagePrimary,
				1: studentid.StageJunior, 5: studentid.StageJunior, 8: studentid.StageJunior,
				2: studentid.StageSenior, 6: studentid.StageSenior, 9: studentid.StageSenior,
				3: studentid.StageVocational, 10: studentid.StageUnknown,
			}[st]
			assert.Equal(t, want, c.Stage())
		})
	}
	// A transient primary student is 4, or 7 when treated as local; a
	// normal primary entry is 0 — never 1, 2 or 3 (rule S-ID-3).
	for st := range 10 {
		c := studentid.StudentCategory(st)
		if c.Stage() == studentid.StagePrimary && c.IsTransient() {
			assert.Contains(t, []int{4, 7}, st, "S-ID-3/primary transient")
		}
		if st <= 3 {
			assert.False(t, c.IsTransient(), "S-ID-3/category %d is not transient", st)
		}
	}
}

func TestStageColour(t *testing.T) {
	for _, tc := range []struct {
		stage  studentid.Stage
		colour studentid.Colour
		ok     bool
	}{
		{studentid.StagePrimary, studentid.Yellow, true},
		{studentid.StageJunior, studentid.Green, true},
		{studentid.StageSenior, studentid.Blue, true},
		{studentid.StageVocational, studentid.NoColour, false},
		{studentid.StageUnknown, studentid.NoColour, false},
	} {
		t.Run("S-1/"+tc.stage.String(), func(t *testing.T) {
			colour, ok := tc.stage.Colour()
			assert.Equal(t, tc.colour, colour)
			assert.Equal(t, tc.ok, ok)
		})
	}
	assert.Equal(t, "yellow", studentid.Yellow.String())
	assert.Equal(t, "蓝色", studentid.Blue.Localize(l10n.Chinese))
	assert.Equal(t, "primary", studentid.StagePrimary.String())
	assert.Equal(t, "unknown", studentid.Stage(42).String())
	assert.Equal(t, "no colour", studentid.Colour(42).String())
}

// assertPosition checks that err is an *Error naming positions pos..end,
// in the English and the Chinese text.
func assertPosition(t *testing.T, err error, pos, end int) {
	t.Helper()
	var e *studentid.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, pos, e.Pos, "Pos")
	assert.Equal(t, end, e.End, "End")
	where := strconv.Itoa(pos)
	if end > pos {
		where += "-" + strconv.Itoa(end)
	}
	assert.Contains(t, err.Error(), "position")
	assert.Contains(t, err.Error(), " "+where+":")
	assert.Contains(t, l10n.Error(err, l10n.Chinese), "第"+where+"位")
}

func TestParseErrors(t *testing.T) {
	valid := num("01", "05", "3", "123", "9", "27", "12", "34", "7")
	for _, tc := range []struct {
		name     string
		in       string
		sentinel error
		pos, end int
		got      string
	}{
		{"S-ID-2/empty", "", studentid.ErrFormat, 1, 1, ""},
		{"S-ID-2/white space only", " \t\u3000", studentid.ErrFormat, 1, 1, ""},
		{"S-ID-2/15 digits", valid[:15], studentid.ErrFormat, 16, 16, ""},
		{"S-ID-2/17 digits", valid + "0", studentid.ErrFormat, 17, 17, ""},
		{"S-ID-2/letter", valid[:6] + "A" + valid[7:], studentid.ErrFormat, 7, 7, "A"},
		{"S-ID-2/inner space", valid[:4] + " " + valid[4:], studentid.ErrFormat, 5, 5, " "},
		{"S-ID-2/hyphen", valid[:2] + "-" + valid[2:15], studentid.ErrFormat, 3, 3, "-"},
		{"S-ID-2/Chinese character", valid[:10] + "号" + valid[11:], studentid.ErrFormat, 11, 11, "号"},
		{"S-ID-2/full-width letter is folded then rejected", valid[:3] + "Ｘ" + valid[4:], studentid.ErrFormat, 4, 4, "X"},
		{"S-ID-2/Arabic-Indic digit", valid[:15] + "٣", studentid.ErrFormat, 16, 16, "٣"},
		{"S-ID-2/invalid UTF-8", valid[:15] + "\xff", studentid.ErrFormat, 16, 16, "\uFFFD"},
		{"S-ID-2/school category 8", num("01", "05", "8", "123", "9", "27", "12", "34", "7"), studentid.ErrSchoolCategory, 5, 5, "8"},
		{"S-ID-2/school category 9", num("01", "05", "9", "123", "2", "27", "12", "34", "7"), studentid.ErrSchoolCategory, 5, 5, "9"},
		{"S-ID-2/primary school has no senior students", num("01", "05", "0", "123", "2", "27", "12", "34", "7"), studentid.ErrCategoryMismatch, 9, 9, "2"},
		{"S-ID-2/vocational high has category 3 only", num("01", "05", "6", "123", "9", "27", "12", "34", "7"), studentid.ErrCategoryMismatch, 9, 9, "9"},
		{"S-ID-3/transient in a junior school is 5 or 8, not 4", num("01", "05", "1", "123", "4", "27", "12", "34", "7"), studentid.ErrCategoryMismatch, 9, 9, "4"},
		{"S-ID-2/class 00", num("01", "05", "3", "123", "9", "27", "00", "34", "7"), studentid.ErrClass, 12, 13, "00"},
		{"S-ID-2/seat 00", num("01", "05", "3", "123", "9", "27", "12", "00", "7"), studentid.ErrSeat, 14, 15, "00"},
		{"S-ID-2/first wrong position wins", num("01", "05", "8", "123", "9", "27", "00", "00", "7"), studentid.ErrSchoolCategory, 5, 5, "8"},
		{"S-ID-2/class before seat", num("01", "05", "3", "123", "9", "27", "00", "00", "7"), studentid.ErrClass, 12, 13, "00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id, err := studentid.Parse(tc.in)
			require.Error(t, err)
			assert.True(t, id.IsZero(), "a failed parse returns the zero ID")
			assert.ErrorIs(t, err, tc.sentinel)
			for _, other := range []error{studentid.ErrFormat, studentid.ErrSchoolCategory, studentid.ErrCategoryMismatch, studentid.ErrClass, studentid.ErrSeat} {
				if other != tc.sentinel {
					assert.NotErrorIs(t, err, other)
				}
			}
			assertPosition(t, err, tc.pos, tc.end)
			var e *studentid.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tc.got, e.Got)
			assert.Equal(t, studentid.KindRegistryNumber, e.Kind)
			assert.Equal(t, baselineValid(tc.in), false, "the regexp baseline agrees")
		})
	}
}

func TestParseErrorTexts(t *testing.T) {
	_, err := studentid.Parse(num("01", "05", "0", "123", "2", "27", "12", "34", "7"))
	assert.Equal(t, "student registry number, position 9: student category 2 (senior high student) is not taught by school category 0 (primary school); allowed: 0 4 7", err.Error())
	assert.Equal(t, "学籍号第9位：学生类别2（高中生）不属于学校类别0（小学），允许的学生类别：0 4 7", l10n.Error(err, l10n.Chinese))
	_, err = studentid.Parse("123")
	assert.Equal(t, "student registry number, position 4: 3 characters, want 16", err.Error())
	assert.Equal(t, "学籍号第4位：共3个字符，应为16个", l10n.Error(err, l10n.Chinese))
	_, err = studentid.Parse(num("01", "05", "3", "123", "9", "27", "12", "00", "7"))
	assert.Equal(t, "student registry number, positions 14-15: seat 00 is not 01-99", err.Error())
	assert.Equal(t, "学籍号第14-15位：班内学号00不在01-99之间", l10n.Error(err, l10n.Chinese))
}

func TestParseNormalises(t *testing.T) {
	want := num("01", "05", "3", "123", "9", "27", "12", "34", "7")
	for _, tc := range []struct{ name, in string }{
		{"S-ID-2/plain", want},
		{"S-ID-2/surrounding ASCII white space", " \t" + want + "\r\n"},
		{"S-ID-2/full-width digits", "０１０５３１２３９２７１２３４７"},
		{"S-ID-2/full-width digits and ideographic spaces", "\u3000０１０５３１２３９２７１２３４７\u3000"},
		{"S-ID-2/mixed widths", "0105３１２３9271２３４７"},
		{"S-ID-2/no-break space", "\u00a0" + want},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id, err := studentid.Parse(tc.in)
			require.NoError(t, err)
			assert.Equal(t, want, id.String())
		})
	}
}

func TestParseRoundTrip(t *testing.T) {
	for sc := range 8 {
		for _, st := range studentid.SchoolCategory(sc).StudentCategories() {
			school, err := studentid.NewSchool(mustDistrict(t, "0107"), studentid.SchoolCategory(sc), "042")
			require.NoError(t, err)
			f := studentid.Fields{School: school, StudentCategory: st, Cohort: 31, Class: 9, Seat: 40}
			id, err := studentid.Build(f, studentid.MOD11_10)
			require.NoError(t, err)
			again, err := studentid.Parse(id.String())
			require.NoError(t, err)
			assert.Equal(t, id, again, "S-ID-2/Parse(String()) == id for school %d student %d", sc, st)
			assert.Equal(t, f, id.Fields())
		}
	}
}

func TestCheckDigitIgnoredByParse(t *testing.T) {
	payload := num("01", "05", "3", "123", "9", "27", "12", "34", "")
	verified := 0
	for d := '0'; d <= '9'; d++ {
		t.Run("S-ID-6/check digit "+string(d), func(t *testing.T) {
			id, err := studentid.Parse(payload + string(d))
			require.NoError(t, err, "Parse never rejects a number for its 16th digit")
			if id.Verify(studentid.MOD11_10) == nil {
				verified++
			} else {
				assert.ErrorIs(t, id.Verify(studentid.MOD11_10), studentid.ErrCheckDigit)
			}
		})
	}
	assert.Equal(t, 1, verified, "S-ID-6/exactly one check digit verifies under a scheme")
}

func TestMOD11_10(t *testing.T) {
	for _, tc := range []struct {
		name, payload string
		want          byte
	}{
		// The Croatian OIB uses ISO 7064 MOD 11,10; 69435151530 is its
		// published example of a valid number.
		{"S-ID-6/OIB example", "6943515153", '0'},
		// Computed by hand with the issue's algorithm.
		{"S-ID-6/registry number", "010531239271234", '8'},
		{"S-ID-6/all zeros", "000000000000000", '0'},
		{"S-ID-6/one digit", "0", '2'},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := studentid.MOD11_10.CheckDigit(tc.payload)
			require.NoError(t, err)
			assert.Equal(t, string(tc.want), string(got))
		})
	}
	t.Run("S-ID-6/catches every single-digit error", func(t *testing.T) {
		payload := []byte("010531239271234")
		check, err := studentid.MOD11_10.CheckDigit(string(payload))
		require.NoError(t, err)
		for i := range payload {
			orig := payload[i]
			for d := byte('0'); d <= '9'; d++ {
				if d == orig {
					continue
				}
				payload[i] = d
				other, err := studentid.MOD11_10.CheckDigit(string(payload))
				require.NoError(t, err)
				assert.NotEqual(t, check, other, "digit %d changed to %c", i+1, d)
			}
			payload[i] = orig
		}
	})
	for _, bad := range []string{"", "01234a", "０1"} {
		t.Run("S-ID-6/not digits "+strconv.Quote(bad), func(t *testing.T) {
			_, err := studentid.MOD11_10.CheckDigit(bad)
			assert.ErrorIs(t, err, studentid.ErrFormat)
		})
	}
}

func TestVerify(t *testing.T) {
	id, err := studentid.Parse(num("01", "05", "3", "123", "9", "27", "12", "34", "8"))
	require.NoError(t, err)
	t.Run("S-ID-6/reference scheme accepts", func(t *testing.T) {
		assert.NoError(t, id.Verify(studentid.MOD11_10))
	})
	t.Run("S-ID-6/vendor scheme rejects", func(t *testing.T) {
		vendor := studentid.SchemeFunc(func(string) (byte, error) { return '3', nil })
		err := id.Verify(vendor)
		assert.ErrorIs(t, err, studentid.ErrCheckDigit)
		assertPosition(t, err, 16, 16)
		assert.Contains(t, err.Error(), "check digit is 8, the scheme computes 3")
		assert.Equal(t, "学籍号第16位：校验位为8，校验算法算得3", l10n.Error(err, l10n.Chinese))
	})
	t.Run("S-ID-6/vendor scheme fails", func(t *testing.T) {
		down := errors.New("HSM unreachable")
		err := id.Verify(studentid.SchemeFunc(func(string) (byte, error) { return 0, down }))
		assert.ErrorIs(t, err, studentid.ErrCheckDigit)
		assert.ErrorIs(t, err, down)
		assert.Contains(t, err.Error(), "HSM unreachable")
	})
	t.Run("S-ID-6/vendor scheme returns a non-digit", func(t *testing.T) {
		err := id.Verify(studentid.SchemeFunc(func(string) (byte, error) { return 'X', nil }))
		assert.ErrorIs(t, err, studentid.ErrCheckDigit)
		assert.Contains(t, err.Error(), `"X"`)
	})
	t.Run("S-ID-6/vendor scheme sees the 15-digit payload", func(t *testing.T) {
		var seen string
		_ = id.Verify(studentid.SchemeFunc(func(p string) (byte, error) { seen = p; return '8', nil }))
		assert.Equal(t, id.Payload(), seen)
	})
	t.Run("S-ID-6/nil scheme", func(t *testing.T) {
		assert.ErrorIs(t, id.Verify(nil), studentid.ErrNoScheme)
	})
	t.Run("S-ID-6/zero ID", func(t *testing.T) {
		assert.ErrorIs(t, studentid.ID{}.Verify(studentid.MOD11_10), studentid.ErrFormat)
	})
}

func TestBuild(t *testing.T) {
	base := studentid.Fields{School: mustSchool(t, "01053123"),
		StudentCategory: studentid.StudentSeniorTransientLocal, Cohort: 27, Class: 12, Seat: 34}
	t.Run("S-ID-6/fills the check digit from the scheme", func(t *testing.T) {
		id, err := studentid.Build(base, studentid.MOD11_10)
		require.NoError(t, err)
		assert.Equal(t, "0105312392712348", id.String())
		assert.NoError(t, id.Verify(studentid.MOD11_10))
		vendor, err := studentid.Build(base, studentid.SchemeFunc(func(string) (byte, error) { return '4', nil }))
		require.NoError(t, err)
		assert.Equal(t, "0105312392712344", vendor.String())
	})
	t.Run("S-ID-5/a class change keeps the other fields", func(t *testing.T) {
		old, err := studentid.Build(base, studentid.MOD11_10)
		require.NoError(t, err)
		f := old.Fields()
		f.Class, f.Seat = 3, 41
		moved, err := studentid.Build(f, studentid.MOD11_10)
		require.NoError(t, err)
		assert.Equal(t, old.School(), moved.School())
		assert.Equal(t, 3, moved.Class())
		assert.Equal(t, 41, moved.Seat())
		assert.NotEqual(t, old, moved)
	})
	for _, tc := range []struct {
		name     string
		change   func(*studentid.Fields)
		sentinel error
		pos, end int
	}{
		{"S-ID-2/no school", func(f *studentid.Fields) { f.School = studentid.School{} }, studentid.ErrFormat, 1, 8},
		{"S-ID-2/student category 10", func(f *studentid.Fields) { f.StudentCategory = 10 }, studentid.ErrFormat, 9, 9},
		{"S-ID-2/senior student in a junior school", func(f *studentid.Fields) { f.School = mustSchool(t, "01051123") }, studentid.ErrCategoryMismatch, 9, 9},
		{"S-ID-2/cohort 100", func(f *studentid.Fields) { f.Cohort = 100 }, studentid.ErrFormat, 10, 11},
		{"S-ID-2/cohort negative", func(f *studentid.Fields) { f.Cohort = -1 }, studentid.ErrFormat, 10, 11},
		{"S-ID-2/class 0", func(f *studentid.Fields) { f.Class = 0 }, studentid.ErrClass, 12, 13},
		{"S-ID-2/class 100", func(f *studentid.Fields) { f.Class = 100 }, studentid.ErrClass, 12, 13},
		{"S-ID-2/seat 0", func(f *studentid.Fields) { f.Seat = 0 }, studentid.ErrSeat, 14, 15},
		{"S-ID-2/seat 100", func(f *studentid.Fields) { f.Seat = 100 }, studentid.ErrSeat, 14, 15},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := base
			tc.change(&f)
			id, err := studentid.Build(f, studentid.MOD11_10)
			assert.ErrorIs(t, err, tc.sentinel)
			assertPosition(t, err, tc.pos, tc.end)
			assert.True(t, id.IsZero())
		})
	}
	t.Run("S-ID-6/nil scheme", func(t *testing.T) {
		_, err := studentid.Build(base, nil)
		assert.ErrorIs(t, err, studentid.ErrNoScheme)
		assertPosition(t, err, 16, 16)
	})
	t.Run("S-ID-6/scheme error", func(t *testing.T) {
		down := errors.New("no table")
		_, err := studentid.Build(base, studentid.SchemeFunc(func(string) (byte, error) { return 0, down }))
		assert.ErrorIs(t, err, studentid.ErrCheckDigit)
		assert.ErrorIs(t, err, down)
	})
}

func TestZeroID(t *testing.T) {
	var id studentid.ID
	assert.True(t, id.IsZero())
	assert.Equal(t, "", id.String())
	assert.Equal(t, studentid.StageUnknown, id.Stage())
	_, ok := id.CardColour()
	assert.False(t, ok)
}

func TestUnmarshalText(t *testing.T) {
	var id studentid.ID
	require.NoError(t, id.UnmarshalText([]byte(" ０１０５３１２３９２７１２３４７ ")))
	assert.Equal(t, "0105312392712347", id.String())
	text, err := id.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "0105312392712347", string(text))
	assert.ErrorIs(t, id.UnmarshalText([]byte("0105812392712347")), studentid.ErrSchoolCategory)
	assert.Equal(t, "0105312392712347", id.String(), "a failed UnmarshalText leaves the value alone")
	require.NoError(t, id.UnmarshalText(nil))
	assert.True(t, id.IsZero())
	text, err = id.MarshalText()
	require.NoError(t, err)
	assert.Empty(t, text)
}

func TestNames(t *testing.T) {
	for sc := range 9 {
		c := studentid.SchoolCategory(sc)
		assert.Equal(t, sc <= 7, c.Valid())
		assertTranslated(t, c.Localize(l10n.Chinese), c.String())
	}
	for st := range 11 {
		c := studentid.StudentCategory(st)
		assertTranslated(t, c.Localize(l10n.Chinese), c.String())
	}
	for s := range 5 {
		assertTranslated(t, studentid.Stage(s).Localize(l10n.Chinese), studentid.Stage(s).String())
	}
	for c := range 4 {
		assertTranslated(t, studentid.Colour(c).Localize(l10n.Chinese), studentid.Colour(c).String())
	}
	for _, s := range []studentid.Sex{studentid.SexUnknown, studentid.Male, studentid.Female} {
		assertTranslated(t, s.Localize(l10n.Chinese), s.String())
	}
	for _, k := range []studentid.PersonCodeKind{studentid.PersonCodeResident, studentid.PersonCodeSelfAssigned, studentid.PersonCodeTemporary, 'Q'} {
		assertTranslated(t, k.Localize(l10n.Chinese), k.String())
	}
	for _, k := range []studentid.Kind{studentid.KindRegistryNumber, studentid.KindResidentID, studentid.KindPersonCode, 0} {
		assertTranslated(t, k.Localize(l10n.Chinese), k.String())
	}
	assert.Equal(t, "primary school", studentid.SchoolPrimary.String())
	assert.Equal(t, "按本市生对待的小学借读生", studentid.StudentPrimaryTransientLocal.Localize(l10n.Chinese))
}

// assertTranslated checks that zh is a real Chinese rendering of en: it has
// Han characters and is not the English fallback.
func assertTranslated(t *testing.T, zh, en string) {
	t.Helper()
	assert.NotEqual(t, en, zh)
	assert.True(t, strings.ContainsFunc(zh, func(r rune) bool { return unicode.Is(unicode.Han, r) }), "no Chinese in %q (English %q)", zh, en)
}

func mustDistrict(t testing.TB, s string) studentid.District {
	t.Helper()
	d, err := studentid.ParseDistrict(s)
	require.NoError(t, err)
	return d
}

func mustSchool(t testing.TB, s string) studentid.School {
	t.Helper()
	sc, err := studentid.ParseSchool(s)
	require.NoError(t, err)
	return sc
}
