package card_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/card"
	"github.com/bjedu/studentcard/card/sim"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/sam"
	"github.com/bjedu/studentcard/studentid"
)

// step is one operation of a scenario, with the status it must leave or
// the error it must give.
type step struct {
	name    string
	do      func(context.Context, *card.Session) error
	want    card.Status
	wantErr error
}

func personalise(ctx context.Context, s *card.Session) error {
	return s.Personalise(ctx, testStudent())
}
func register(sem string) func(context.Context, *card.Session) error {
	return func(ctx context.Context, s *card.Session) error {
		v, err := card.ParseSemester(sem)
		if err != nil {
			return err
		}
		return s.Register(ctx, v)
	}
}
func freeze(ctx context.Context, s *card.Session) error      { return s.Freeze(ctx) }
func unfreeze(ctx context.Context, s *card.Session) error    { return s.Unfreeze(ctx) }
func cancel(ctx context.Context, s *card.Session) error      { return s.Cancel(ctx) }
func transferOut(ctx context.Context, s *card.Session) error { return s.TransferOut(ctx) }
func transferIn(ctx context.Context, s *card.Session) error  { return s.TransferIn(ctx) }
func recoverCard(ctx context.Context, s *card.Session) error { return s.Recover(ctx) }
func openExt(ctx context.Context, s *card.Session) error     { return s.OpenExtension(ctx) }
func recycleExt(ctx context.Context, s *card.Session) error  { return s.RecycleExtension(ctx) }

func TestLifecycle(t *testing.T) {
	ctx := context.Background()
	scenarios := []struct {
		name  string
		steps []step
	}{
		{"R-ISSUE-3/personalise a blank card", []step{
			{"personalise", personalise, card.Personalised, nil},
			{"again, same student: nothing to do", personalise, card.Personalised, nil},
			{"another student refused", func(ctx context.Context, s *card.Session) error {
				st := testStudent()
				st.Name = "李四"
				return s.Personalise(ctx, st)
			}, card.Personalised, card.ErrIllegalState},
		}},
		{"R-REG-1/semester registration", []step{
			{"blank card cannot register", register("2026-2"), card.Blank, card.ErrIllegalState},
			{"personalise", personalise, card.Personalised, nil},
			{"register 2026-2", register("2026-2"), card.Personalised, nil},
			{"register 2026-2 again", register("2026-2"), card.Personalised, nil},
			{"2027-1 is not the current semester", register("2027-1"), card.Personalised, card.ErrSemester},
			{"nor is 2040-2", register("2040-2"), card.Personalised, card.ErrSemester},
			{"nor 2026-1", register("2026-1"), card.Personalised, card.ErrSemester},
			{"freeze", freeze, card.Frozen, nil},
			{"frozen card cannot register", register("2027-2"), card.Frozen, card.ErrIllegalState},
		}},
		{"R-MOVE-1/transfer out then in before personalisation at the new school", []step{
			{"personalise at the old school", personalise, card.Personalised, nil},
			{"transfer in refused: not transferred out", transferIn, card.Personalised, card.ErrIllegalState},
			{"transfer out", transferOut, card.TransferredOut, nil},
			{"personalise refused before transfer in", personalise, card.TransferredOut, card.ErrIllegalState},
			{"register refused while transferred out", register("2027-1"), card.TransferredOut, card.ErrIllegalState},
			{"transfer in", transferIn, card.TransferredIn, nil},
			{"transfer in again: nothing to do", transferIn, card.TransferredIn, nil},
			{"personalise at the new school", func(ctx context.Context, s *card.Session) error {
				st := testStudent()
				st.School, st.SchoolName = mustSchool("010455"), "北京市第一百中学"
				st.Stage = studentid.StageJunior
				return s.Personalise(ctx, st)
			}, card.Personalised, nil},
			{"transfer in after personalisation refused", transferIn, card.Personalised, card.ErrIllegalState},
		}},
		{"R-MOVE-1/blank card cannot be transferred in", []step{
			{"transfer in", transferIn, card.Blank, card.ErrIllegalState},
		}},
		{"R-LEAVE-1 R-DAILY-1/freeze and unfreeze", []step{
			{"freeze blank refused", freeze, card.Blank, card.ErrIllegalState},
			{"personalise", personalise, card.Personalised, nil},
			{"freeze", freeze, card.Frozen, nil},
			{"freeze again", freeze, card.Frozen, nil},
			{"unfreeze", unfreeze, card.Personalised, nil},
			{"freeze", freeze, card.Frozen, nil},
			{"R-MOVE-1/a frozen card is not transferred in", transferIn, card.Frozen, card.ErrIllegalState},
			{"R-MOVE-1/nor personalised", personalise, card.Frozen, card.ErrIllegalState},
			{"transfer out of a frozen card", transferOut, card.TransferredOut, nil},
		}},
		{"R-DAILY-1/cancel", []step{
			{"cancel blank refused", cancel, card.Blank, card.ErrIllegalState},
			{"personalise", personalise, card.Personalised, nil},
			{"cancel", cancel, card.Cancelled, nil},
			{"unfreeze refused", unfreeze, card.Cancelled, card.ErrIllegalState},
			{"register refused", register("2027-1"), card.Cancelled, card.ErrIllegalState},
			{"recover a cancelled card", recoverCard, card.Recovered, nil},
		}},
		{"R-DAILY-1/extension area", []step{
			{"open on blank refused", openExt, card.Blank, card.ErrIllegalState},
			{"personalise", personalise, card.Personalised, nil},
			{"open", openExt, card.Personalised, nil},
			{"open again", openExt, card.Personalised, nil},
			{"recycle", recycleExt, card.Personalised, nil},
			{"recycle again", recycleExt, card.Personalised, nil},
		}},
		{"R-RECOVER-1 R-LEAVE-2/recovery wipes personal data and is final", []step{
			{"recover blank refused", recoverCard, card.Blank, card.ErrIllegalState},
			{"personalise", personalise, card.Personalised, nil},
			{"open extension", openExt, card.Personalised, nil},
			{"recover", recoverCard, card.Recovered, nil},
			{"recover again", recoverCard, card.Recovered, nil},
			{"personalise refused: never reused", personalise, card.Recovered, card.ErrIllegalState},
			{"register refused", register("2027-1"), card.Recovered, card.ErrIllegalState},
			{"unfreeze refused", unfreeze, card.Recovered, card.ErrIllegalState},
		}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			f := newFixture(t, sam.TDES)
			for _, st := range sc.steps {
				s := f.mustOpen(t)
				err := st.do(ctx, s)
				if st.wantErr != nil {
					require.ErrorIs(t, err, st.wantErr, st.name)
				} else {
					require.NoError(t, err, st.name)
				}
				assert.Equal(t, st.want, s.State().Status, st.name)
				assert.Equal(t, st.want, f.mustOpen(t).State().Status, "%s: as the card says", st.name)
			}
		})
	}
}

func TestStateErrorNamesTheState(t *testing.T) {
	f := newFixture(t, sam.SM4)
	s := f.mustOpen(t)
	err := s.Freeze(context.Background())
	var se *card.StateError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, card.Blank, se.Status)
	assert.Equal(t, card.OpFreeze, se.Op)
	assert.Equal(t, "card: cannot freeze a card that is blank", err.Error())
	assert.Equal(t, "卡片状态为空白，不能冻结", l10n.Error(err, l10n.Chinese))
}

func TestInspect(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, sam.TDES)
	s := f.mustOpen(t)
	in, err := s.Inspect(ctx)
	require.NoError(t, err)
	assert.Nil(t, in.Student)
	assert.Empty(t, in.Log)

	require.NoError(t, s.Personalise(ctx, testStudent()))
	require.NoError(t, s.Register(ctx, card.Semester{Year: 2026, Term: 2}))
	require.NoError(t, s.OpenExtension(ctx))
	in, err = f.mustOpen(t).Inspect(ctx)
	require.NoError(t, err)
	require.NotNil(t, in.Student)
	assert.True(t, in.Student.Equal(testStudent()))
	assert.Equal(t, testStudent().Name, in.Student.Name)
	require.Len(t, in.Log, 3)
	assert.Equal(t, []card.Op{card.OpOpenExtension, card.OpRegister, card.OpPersonalise}, []card.Op{in.Log[0].Op, in.Log[1].Op, in.Log[2].Op})
	assert.Equal(t, in.State, in.Log[0])
	assert.Equal(t, uint16(3), in.State.Seq)
	assert.Equal(t, "010203", in.State.School.InProvince())
	assert.Equal(t, day(2026, 9, 1), in.State.Date)
	assert.True(t, in.State.Extension)
	assert.Equal(t, "2026-2", in.State.Semester.String())

	t.Run("R-RECOVER-1/recovered card holds no personal data", func(t *testing.T) {
		s := f.mustOpen(t)
		require.NoError(t, s.Recover(ctx))
		in, err := f.mustOpen(t).Inspect(ctx)
		require.NoError(t, err)
		assert.Nil(t, in.Student)
		assert.Equal(t, make([]byte, card.ExtensionSize), in.Extension)
		assert.False(t, in.State.Extension)
		assert.Equal(t, card.Recovered, in.State.Status)
		assert.Equal(t, make([]byte, card.StudentFileSize), f.card.Files().Student)
	})
}

func TestLogIsCyclic(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, sam.TDES)
	s := f.mustOpen(t)
	require.NoError(t, s.Personalise(ctx, testStudent()))
	for i := 0; i < 12; i++ {
		if i%2 == 0 {
			require.NoError(t, s.Freeze(ctx))
		} else {
			require.NoError(t, s.Unfreeze(ctx))
		}
	}
	in, err := f.mustOpen(t).Inspect(ctx)
	require.NoError(t, err)
	require.Len(t, in.Log, card.LogRecords)
	assert.Equal(t, uint16(13), in.Log[0].Seq)
	assert.Equal(t, uint16(4), in.Log[card.LogRecords-1].Seq)
	assert.Equal(t, card.Personalised, in.State.Status)
}

func TestOperationsOverT0(t *testing.T) {
	ctx := context.Background()
	for _, alg := range suites {
		t.Run("R-ISSUE-3 R-REG-1/"+alg.Name(), func(t *testing.T) {
			f := newFixture(t, alg, sim.WithT0())
			s := f.mustOpen(t)
			require.NoError(t, s.Personalise(ctx, testStudent()))
			require.NoError(t, s.Register(ctx, card.Semester{Year: 2026, Term: 2}))
			in, err := f.mustOpen(t).Inspect(ctx)
			require.NoError(t, err)
			require.NotNil(t, in.Student)
			assert.True(t, in.Student.Equal(testStudent()))
			assert.Equal(t, "2026-2", in.State.Semester.String())
			assert.Positive(t, f.card.Stats().ByINS[0xC0], "the apdu client fetched answers with GET RESPONSE")
		})
	}
}

func TestWriteExtension(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, sam.TDES)
	s := f.mustOpen(t)
	require.NoError(t, s.Personalise(ctx, testStudent()))
	require.ErrorIs(t, s.WriteExtension(ctx, 0, []byte{1}), card.ErrIllegalState, "R-DAILY-1: closed until the school opens it")
	require.NoError(t, s.OpenExtension(ctx))
	require.ErrorIs(t, s.WriteExtension(ctx, 60, make([]byte, 5)), card.ErrMalformed, "past the end")
	require.ErrorIs(t, s.WriteExtension(ctx, 0, nil), card.ErrMalformed)
	require.NoError(t, s.WriteExtension(ctx, 60, []byte{1, 2, 3, 4}))
	assert.Equal(t, []byte{1, 2, 3, 4}, f.card.Files().Extension[60:])
}

func TestRegisterOnlyTheCurrentSemester(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, sam.TDES)
	s := f.mustOpen(t)
	require.NoError(t, s.Personalise(ctx, testStudent()))
	err := s.Register(ctx, card.Semester{Year: 2040, Term: 2})
	var se *card.SemesterError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, card.Semester{Year: 2026, Term: 2}, se.Current, "R-REG-1: by the terminal's clock")
	assert.Equal(t, "学期2040-2不是当前学期2026-2", l10n.Error(err, l10n.Chinese))
	spring, err := f.open(ctx, card.WithClock(func() time.Time { return day(2027, 3, 1) }))
	require.NoError(t, err)
	require.NoError(t, spring.Register(ctx, card.Semester{Year: 2027, Term: 1}), "R-REG-1: March 2027 is 2027-1")
	behind := f.mustOpen(t) // a terminal whose clock says September 2026
	err = behind.Register(ctx, card.Semester{Year: 2026, Term: 2})
	require.ErrorAs(t, err, &se)
	assert.Equal(t, card.Semester{Year: 2027, Term: 1}, se.Last, "R-REG-1: a card never goes back a semester")
}
