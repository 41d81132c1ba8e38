package card_test

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/card"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/sam"
	"github.com/bjedu/studentcard/studentid"
)

func TestEncodeText(t *testing.T) {
	for _, tc := range []struct {
		name    string
		text    string
		gb18030 bool
		want    card.Charset
		reason  card.NameReason
		char    rune
		pos     int
		wantErr bool
	}{
		{name: "GB2312 name", text: "王小明", gb18030: true, want: card.GB2312},
		{name: "minority name with middle dot", text: "买买提·艾力", gb18030: true, want: card.GB2312},
		{name: "C-4/rare character falls back to GB18030", text: "王堃", gb18030: true, want: card.GB18030},
		{name: "C-4/CJK extension B character", text: "𠮷野", gb18030: true, want: card.GB18030},
		{name: "C-4/rare character refused in GB2312-only field", text: "李䶮", wantErr: true, reason: card.ReasonNotGB2312, char: '䶮', pos: 2},
		{name: "C-4/GBK-only character in GB2312's rows is not GB2312", text: "王ⅰ", gb18030: true, want: card.GB18030},
		{name: "C-4/GBK-only character refused in GB2312-only field", text: "王ⅰ", wantErr: true, reason: card.ReasonNotGB2312, char: 'ⅰ', pos: 2},
		{name: "16 GB2312 characters fill the 32-byte name", text: "欧阳一二三四五六七八九十甲乙丙丁", gb18030: true, want: card.GB2312},
		{name: "too long, names the overflowing character", text: "欧阳一二三四五六七八九十甲乙丙丁戊", gb18030: true, wantErr: true, reason: card.ReasonTooLong, char: '戊', pos: 17},
		{name: "control character", text: "王\n明", gb18030: true, wantErr: true, reason: card.ReasonInvalid, char: '\n', pos: 2},
		{name: "private use character", text: "王\uE000", gb18030: true, wantErr: true, reason: card.ReasonInvalid, char: '\uE000', pos: 2},
		{name: "invalid UTF-8", text: "王\xff", gb18030: true, wantErr: true, reason: card.ReasonInvalid, char: '\uFFFD', pos: 2},
		{name: "empty", text: "", gb18030: true, wantErr: true, reason: card.ReasonEmpty},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, cs, err := card.EncodeText("name", tc.text, card.NameSize, tc.gb18030)
			if tc.wantErr {
				var ne *card.NameError
				require.ErrorAs(t, err, &ne)
				assert.ErrorIs(t, err, card.ErrName)
				assert.Equal(t, tc.reason, ne.Reason)
				assert.Equal(t, tc.char, ne.Char)
				assert.Equal(t, tc.pos, ne.Pos)
				assert.NotEmpty(t, l10n.Error(err, l10n.Chinese))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, cs)
			back, err := card.DecodeText("f", "name", 0, append(b, make([]byte, card.NameSize-len(b))...))
			require.NoError(t, err)
			assert.Equal(t, tc.text, back)
		})
	}
	t.Run("C-4/error names the character in both languages", func(t *testing.T) {
		_, _, err := card.EncodeText("name", "李䶮", 16, false)
		assert.Equal(t, "card: name: character '䶮' (U+4DAE) at position 2 is not in GB2312 (rare character: file a rare-character description)", err.Error())
		assert.Equal(t, "name：第2个字符'䶮'（U+4DAE）不在GB2312中（生僻字：请填报生僻字说明）", l10n.Error(err, l10n.Chinese))
	})
	t.Run("decode rejects bytes that are not GB18030", func(t *testing.T) {
		_, err := card.DecodeText("f", "name", 0, []byte{0xFF, 0x30, 0x81, 0})
		require.ErrorIs(t, err, card.ErrMalformed)
	})
}

func TestStudentRoundTrip(t *testing.T) {
	st := testStudent()
	b, err := st.MarshalBinary()
	require.NoError(t, err)
	require.Len(t, b, card.StudentSize)
	var back card.Student
	require.NoError(t, back.UnmarshalBinary(b))
	assert.Equal(t, st, back)

	rare := st
	rare.Name = "王堃"
	b, err = rare.MarshalBinary()
	require.NoError(t, err)
	assert.Equal(t, byte(card.GB18030), b[1], "charset byte tells GB2312-only readers")

	for name, mutate := range map[string]func(*card.Student){
		"registry number": func(s *card.Student) { s.RegistryNo = studentid.ID{} },
		"gender":          func(s *card.Student) { s.Gender = 9 },
		"stage":           func(s *card.Student) { s.Stage = 0 },
		"school code":     func(s *card.Student) { s.School = studentid.School{} },
		"validity":        func(s *card.Student) { s.ValidUntil = s.ValidFrom.AddDate(-1, 0, 0) },
	} {
		s := testStudent()
		mutate(&s)
		_, err := s.MarshalBinary()
		var fe *card.FieldError
		require.ErrorAs(t, err, &fe, name)
		assert.Equal(t, name, fe.Field)
	}
	var empty card.Student
	assert.ErrorIs(t, empty.UnmarshalBinary(make([]byte, card.StudentSize)), card.ErrNoStudent)
	assert.ErrorIs(t, empty.UnmarshalBinary(make([]byte, 3)), card.ErrMalformed)
}

func TestStateRoundTrip(t *testing.T) {
	st := card.State{Seq: 513, Op: card.OpRegister, Status: card.Personalised, Extension: true, StudentSlot: 1,
		Semester: card.Semester{Year: 2027, Term: 1}, Date: day(2027, 2, 28), School: testSchool(t, "010203")}
	b, err := st.MarshalBinary()
	require.NoError(t, err)
	assert.Equal(t, []byte{0x02, 0x01, 0x02, 0x01, 0x03, 0x00, 0x20, 0x27, 0x01, 0x20, 0x27, 0x02, 0x28, 0x01, 0x02, 0x03}, b)
	var back card.State
	require.NoError(t, back.UnmarshalBinary(b))
	assert.Equal(t, st, back)
	for i, bad := range [][]byte{
		{0, 1, 0x77, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},          // unknown op
		{0, 1, 1, 0x77, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},          // unknown status
		{0, 1, 1, 1, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},          // unknown flag
		{0, 1, 1, 1, 0, 0, 0x20, 0x26, 3, 0, 0, 0, 0, 0, 0, 0},       // term 3
		{0, 1, 1, 1, 0, 0, 0, 0, 0, 0x20, 0x26, 0x13, 0x01, 0, 0, 0}, // month 13
		{0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xAB, 0, 0},          // school not BCD
	} {
		assert.ErrorIs(t, back.UnmarshalBinary(bad), card.ErrMalformed, "case %d", i)
	}
}

func TestSemester(t *testing.T) {
	for _, tc := range []struct {
		in   string
		ok   bool
		want card.Semester
	}{
		{"2026-2", true, card.Semester{Year: 2026, Term: 2}},
		{"2027-1", true, card.Semester{Year: 2027, Term: 1}},
		{"2027-3", false, card.Semester{}},
		{"27-1", false, card.Semester{}},
		{"2027", false, card.Semester{}},
	} {
		got, err := card.ParseSemester(tc.in)
		if !tc.ok {
			assert.ErrorIs(t, err, card.ErrSemester, tc.in)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, tc.want, got)
		assert.Equal(t, tc.in, got.String())
	}
	assert.True(t, card.Semester{Year: 2026, Term: 2}.Before(card.Semester{Year: 2027, Term: 1}))
	assert.Equal(t, card.Semester{Year: 2026, Term: 2}, card.SemesterOf(day(2027, 1, 10)))
	assert.Equal(t, card.Semester{Year: 2027, Term: 1}, card.SemesterOf(day(2027, 3, 1)))

	t.Run("R-REG-1/unregistered cards stop after 20 March and 20 September", func(t *testing.T) {
		st := card.State{Semester: card.Semester{Year: 2026, Term: 2}}
		for _, tc := range []struct {
			on   time.Time
			want bool
		}{
			{day(2026, 10, 1), true},
			{day(2027, 3, 20), true},
			{day(2027, 3, 21), false},
			{day(2027, 9, 1), false},
		} {
			assert.Equal(t, tc.want, st.Registered(tc.on), tc.on.Format(time.DateOnly))
		}
		st.Semester = card.Semester{Year: 2027, Term: 1}
		assert.True(t, st.Registered(day(2027, 9, 20)))
		assert.False(t, st.Registered(day(2027, 9, 21)))
		assert.False(t, card.State{}.Registered(day(2027, 3, 1)), "never registered")
	})
}

func TestFCIRoundTrip(t *testing.T) {
	info := testInfo(sam.SM4)
	raw, err := info.MarshalBinary()
	require.NoError(t, err)
	st := card.State{Seq: 1, Op: card.OpPersonalise, Status: card.Personalised}
	rawState, err := st.MarshalBinary()
	require.NoError(t, err)
	gotInfo, gotState, err := card.DecodeFCI(card.EncodeFCI(raw, rawState))
	require.NoError(t, err)
	assert.Equal(t, info, gotInfo)
	assert.Equal(t, st, gotState)
	gotInfo, gotState, err = card.DecodeFCI(card.EncodeFCI(raw, nil))
	require.NoError(t, err)
	assert.Equal(t, info, gotInfo)
	assert.Equal(t, card.Blank, gotState.Status)
	assert.Equal(t, "\xF0BJEDU\x01", string(card.AID()))
	for _, bad := range [][]byte{nil, {0x6F}, {0x6F, 0x05, 0x84, 0x01}, bytes.Repeat([]byte{0x9F}, 10)} {
		_, _, err := card.DecodeFCI(bad)
		assert.ErrorIs(t, err, card.ErrMalformed)
	}
}

func TestMessagesTranslated(t *testing.T) {
	errs := []error{
		card.ErrNotOurCard, card.ErrCounterfeit, card.ErrWrongKey, card.ErrKeyBlocked, card.ErrIllegalState,
		card.ErrMalformed, card.ErrName, card.ErrSemester, card.ErrSuiteMismatch, card.ErrNoStudent,
		card.ErrMACRefused, card.ErrUnexpected, card.ErrIneligible,
		&card.FieldError{File: "f", Field: "x", Reason: "r"},
		&card.NameError{Field: "name", Reason: card.ReasonEmpty},
		&card.NameError{Field: "name", Char: 'x', Reason: card.ReasonInvalid},
		&card.NameError{Field: "name", Char: 'x', Reason: card.ReasonTooLong, Max: 3},
		&card.SemesterError{Text: "x"},
		&card.SemesterError{Text: "2026-1", Last: card.Semester{Year: 2026, Term: 2}},
		&card.AuthError{Retries: 1, Err: card.ErrWrongKey},
		&card.SuiteError{Card: "3DES", SAM: "SM4"},
		&card.StepError{Step: "s", Kind: card.ErrUnexpected, Err: card.ErrMalformed},
		&card.EligibilityError{RegistryNo: testID(t, "0108612033203107"), Stage: studentid.StageVocational},
	}
	for op := card.OpNone + 1; op <= card.OpWriteExtension; op++ {
		for st := card.Blank; st <= card.TransferredIn; st++ {
			errs = append(errs, &card.StateError{Op: op, Status: st})
		}
	}
	for _, err := range errs {
		zh := l10n.Error(err, l10n.Chinese)
		assert.NotEqual(t, l10n.Error(err, l10n.English), zh, "%T %v has Chinese", err, err)
		assert.Regexp(t, `\p{Han}`, zh, "%v", err)
	}
}

func TestNames(t *testing.T) {
	for want, got := range map[string]fmt.Stringer{
		"registry": card.TypeRegistry, "temporary": card.TypeTemporary, "type(9)": card.CardType(9),
		"GB2312": card.GB2312, "GB18030": card.GB18030,
		"transferred out": card.TransferredOut, "status(99)": card.Status(99),
		"recycle extension": card.OpRecycleExtension, "op(99)": card.Op(99),
		"none": card.Semester{},
	} {
		assert.Equal(t, want, got.String())
	}
}

// TestNewStudent: the record follows from the registry number — stage by
// student category (S-1), school in its in-province form, valid until 31
// August of the graduation year — and a student who gets no card, or a
// record that cannot be stored, is refused with a typed error.
func TestNewStudent(t *testing.T) {
	issued := time.Date(2026, 9, 1, 15, 30, 0, 0, time.FixedZone("CST", 8*3600))
	for _, tc := range []struct {
		name, id string
		stage    studentid.Stage
		until    time.Time
	}{
		{"S-1/primary student, yellow card", "0108012003203107", studentid.StagePrimary, day(2032, 8, 31)},
		{"S-1/junior transient student, green card", "0108112052903015", studentid.StageJunior, day(2029, 8, 31)},
		{"S-1/senior treated as local, blue card", "0108512092802021", studentid.StageSenior, day(2028, 8, 31)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := testID(t, tc.id)
			st, err := card.NewStudent(id, "王小明", studentid.Female, studentid.School{}, "北京市测试学校", issued)
			require.NoError(t, err)
			assert.Equal(t, tc.stage, st.Stage)
			assert.Equal(t, id.School(), st.School)
			assert.Equal(t, day(2026, 9, 1), st.ValidFrom, "the issue date, in its own zone")
			assert.Equal(t, tc.until, st.ValidUntil)
			b, err := st.MarshalBinary()
			require.NoError(t, err)
			assert.Equal(t, id.School().InProvince(), fmt.Sprintf("%X", b[44:47]))
			var back card.Student
			require.NoError(t, back.UnmarshalBinary(b))
			assert.Equal(t, st, back)
		})
	}
	for _, tc := range []struct {
		name   string
		id     string
		sex    studentid.Sex
		person string
		at     time.Time
		want   error
	}{
		{"S-3/vocational student gets no card", "0108612033203107", studentid.Male, "王小明", issued, card.ErrIneligible},
		{"R-ISSUE-3/unknown sex", "0108012003203107", studentid.SexUnknown, "王小明", issued, card.ErrMalformed},
		{"C-4/name that cannot be stored", "0108012003203107", studentid.Male, "王\u0007", issued, card.ErrName},
		{"R-ISSUE-3/cohort graduated before the issue date", "0108012003203107", studentid.Male, "王小明", day(2032, 9, 1), card.ErrMalformed},
		{"R-ISSUE-3/no issue date", "0108012003203107", studentid.Male, "王小明", time.Time{}, card.ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := card.NewStudent(testID(t, tc.id), tc.person, tc.sex, studentid.School{}, "北京市测试学校", tc.at)
			require.ErrorIs(t, err, tc.want)
			assert.Regexp(t, `\p{Han}`, l10n.Error(err, l10n.Chinese))
		})
	}
	_, err := card.NewStudent(studentid.ID{}, "王小明", studentid.Male, studentid.School{}, "北京市测试学校", issued)
	require.ErrorIs(t, err, card.ErrMalformed, "no registry number")

	t.Run("R-MOVE-1/a transfer student's card names the new school", func(t *testing.T) {
		newSchool := testSchool(t, "01080456")
		st, err := card.NewStudent(testID(t, "0108012003203107"), "王小明", studentid.Male, newSchool, "北京市第二实验小学", issued)
		require.NoError(t, err)
		assert.Equal(t, newSchool, st.School)
		assert.Equal(t, studentid.StagePrimary, st.Stage, "the stage is still the number's")
	})
}
