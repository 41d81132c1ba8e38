package pcsctest_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/pcsc"
	"github.com/bjedu/studentcard/adapters/pcsc/pcsctest"
	"github.com/bjedu/studentcard/adapters/vpcd"
	"github.com/bjedu/studentcard/apdu"
	"github.com/bjedu/studentcard/card"
	"github.com/bjedu/studentcard/card/sim"
	"github.com/bjedu/studentcard/lab"
	"github.com/bjedu/studentcard/sam"
	"github.com/bjedu/studentcard/studentid"
)

// The simulated registry card plugs into the virtual reader as is.
var _ vpcd.Card = (*sim.Card)(nil)

func keyedCard(t *testing.T, opts ...sim.Option) (*sim.Card, sam.SAM) {
	t.Helper()
	l := lab.ForTest(t, sam.TDES, "pcsctest") // keys, Soft SAM, management card, unlocked
	chip := l.CardForTest(t, [8]byte{1, 2, 3, 4, 5, 6, 7, 8}, opts...)
	terminalSAM := l.SAM
	return chip, terminalSAM
}

// Mutual authentication with the simulated card through pcscd, the vpcd
// driver and adapters/pcsc: the whole PC/SC path, in one transaction.
func TestSimMutualAuthenticationThroughPCSC(t *testing.T) {
	chip, terminalSAM := keyedCard(t)
	r := pcsctest.Connect(t, chip)
	ctx := context.Background()

	st, err := r.Status(ctx)
	require.NoError(t, err)
	assert.Equal(t, chip.ATR(), st.ATR, "pcscd reports the sim's ATR")

	err = r.Session(ctx, func(tr apdu.Transport) error {
		s, err := card.Open(ctx, tr, terminalSAM)
		if err != nil {
			return err
		}
		assert.Equal(t, card.Blank, s.State().Status)
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, 1, chip.Stats().ByINS[0x82], "one EXTERNAL AUTHENTICATE")
}

// A tear in the middle of the authentication, seen through PC/SC, and the
// recovery an application performs: wait for the card, reconnect, start over.
func TestSimTearAndRecoveryThroughPCSC(t *testing.T) {
	chip, terminalSAM := keyedCard(t)
	r := pcsctest.Connect(t, chip)
	ctx := context.Background()

	chip.Tear(3, sim.TearBefore)
	err := r.Session(ctx, func(tr apdu.Transport) error { _, err := card.Open(ctx, tr, terminalSAM); return err })
	require.Error(t, err)
	assert.ErrorIs(t, err, pcsc.ErrShortResponse, "vpcd reports the torn card as an answer without status word")
	assert.Equal(t, 1, chip.Stats().Tears)

	pcsctest.Recover(t, r, func() error {
		return r.Session(ctx, func(tr apdu.Transport) error { _, err := card.Open(ctx, tr, terminalSAM); return err })
	})
	assert.GreaterOrEqual(t, chip.Stats().ByINS[0x82], 1, "authenticated after the recovery")
}

// Personalisation torn away at its last write, recovered and repeated, then a
// semester registration — the school terminal's day, through pcscd, the vpcd
// driver and adapters/pcsc (rules R-ISSUE-3, R-REG-1 on the real PC/SC path).
func TestSimPersonaliseTearRegisterThroughPCSC(t *testing.T) {
	chip, terminalSAM := keyedCard(t)
	r := pcsctest.Connect(t, chip)
	ctx := context.Background()
	clock := func() time.Time { return time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC) }
	id, err := studentid.Parse("0108012003203107")
	require.NoError(t, err)
	student, err := card.NewStudent(id, "王小明", studentid.Male, studentid.School{}, "北京市海淀区实验小学", clock())
	require.NoError(t, err)
	personalise := func() error {
		return r.Session(ctx, func(tr apdu.Transport) error {
			s, err := card.Open(ctx, tr, terminalSAM, card.WithSchool(id.School()), card.WithClock(clock))
			if err != nil {
				return err
			}
			return s.Personalise(ctx, student)
		})
	}

	// R-ISSUE-3: the card executes the final state write but its answer is lost.
	chip.Tear(8, sim.TearLoseResponse)
	require.Error(t, personalise(), "the terminal cannot know the last write landed")
	pcsctest.Recover(t, r, personalise)

	var got card.Student
	var st card.State
	err = r.Session(ctx, func(tr apdu.Transport) error {
		s, err := card.Open(ctx, tr, terminalSAM, card.WithSchool(id.School()), card.WithClock(clock))
		if err != nil {
			return err
		}
		if err := s.Register(ctx, card.Semester{Year: 2026, Term: 2}); err != nil { // R-REG-1
			return err
		}
		st = s.State()
		got, err = s.Student(ctx)
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, card.Personalised, st.Status, "R-ISSUE-3: personalised exactly once")
	assert.Equal(t, card.Semester{Year: 2026, Term: 2}, st.Semester, "R-REG-1: registered through PC/SC")
	assert.True(t, student.Equal(got), "the student record read back: %+v", got)
}
