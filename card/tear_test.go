package card_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/card"
	"github.com/bjedu/studentcard/card/sim"
	"github.com/bjedu/studentcard/sam"
	"github.com/bjedu/studentcard/studentid"
)

// view is what a terminal can observe of a card, minus bookkeeping
// (sequence numbers): the comparison unit of the tear matrix.
type view struct {
	Status    card.Status
	Extension bool
	Semester  card.Semester
	Student   string // the current student record, "" while the status is blank
	ExtData   string
}

// observe opens a session (which completes any pending operation), checks
// the card's invariants and returns its view.
func observe(t *testing.T, f *fixture) view {
	t.Helper()
	ctx := context.Background()
	f.card.Reset()
	s, err := f.open(ctx)
	require.NoError(t, err, "a torn card must always open again")
	in, err := s.Inspect(ctx)
	require.NoError(t, err, "a torn card must never hold malformed data")
	require.Equal(t, card.OpNone, in.State.Pending, "Open completes pending operations")
	for i := 1; i < len(in.Log); i++ {
		require.Equal(t, in.Log[i-1].Seq, in.Log[i].Seq+1, "log sequence has no gaps")
	}
	files := f.card.Files()
	if !in.State.Extension {
		require.Equal(t, make([]byte, card.ExtensionSize), files.Extension, "a closed extension area is empty")
	}
	if in.State.Status == card.Recovered {
		require.Equal(t, make([]byte, card.StudentFileSize), files.Student, "a recovered card holds no personal data, in either slot")
	}
	if in.State.Status != card.Blank && in.State.Status != card.Recovered {
		require.NotNil(t, in.Student, "a card in use has its student record")
	}
	v := view{Status: in.State.Status, Extension: in.State.Extension, Semester: in.State.Semester, ExtData: hex.EncodeToString(files.Extension)}
	if in.State.Status != card.Blank && in.Student != nil {
		v.Student = fmt.Sprintf("%+v", *in.Student)
	}
	return v
}

// tearCase is one operation of the tear matrix: the setup bringing the card
// to the operation's starting state, and the operation.
type tearCase struct {
	name  string
	setup []func(context.Context, *card.Session) error
	op    func(context.Context, *card.Session) error
}

func writeExt(ctx context.Context, s *card.Session) error {
	return s.WriteExtension(ctx, 0, bytes.Repeat([]byte{0xEE}, card.ExtensionSize))
}

var tearCases = []tearCase{
	{"R-ISSUE-3/personalise", nil, personalise},
	{"R-REG-1/register", []func(context.Context, *card.Session) error{personalise}, register("2026-2")},
	{"R-MOVE-1/transfer out", []func(context.Context, *card.Session) error{personalise}, transferOut},
	{"R-MOVE-1/transfer in", []func(context.Context, *card.Session) error{personalise, transferOut}, transferIn},
	{"R-MOVE-1/personalise after transfer in", []func(context.Context, *card.Session) error{personalise, transferOut, transferIn}, func(ctx context.Context, s *card.Session) error {
		st := testStudent()
		st.School, st.SchoolName, st.Stage = mustSchool("010455"), "北京市第一百中学", studentid.StageJunior
		return s.Personalise(ctx, st)
	}},
	{"R-LEAVE-1/freeze", []func(context.Context, *card.Session) error{personalise}, freeze},
	{"R-DAILY-1/unfreeze", []func(context.Context, *card.Session) error{personalise, freeze}, unfreeze},
	{"R-DAILY-1/cancel", []func(context.Context, *card.Session) error{personalise}, cancel},
	{"R-DAILY-1/open extension", []func(context.Context, *card.Session) error{personalise}, openExt},
	{"R-DAILY-1/recycle extension", []func(context.Context, *card.Session) error{personalise, openExt, writeExt}, recycleExt},
	{"R-RECOVER-1 R-LEAVE-2/recover", []func(context.Context, *card.Session) error{personalise, openExt, writeExt}, recoverCard},
}

// prepared is a fixture with the case's setup done, and the view before.
func prepared(t *testing.T, tc tearCase) (*fixture, view) {
	t.Helper()
	f := newFixture(t, sam.TDES)
	for _, do := range tc.setup {
		require.NoError(t, do(context.Background(), f.mustOpen(t)))
	}
	return f, observe(t, f)
}

// TestTearMatrix pulls the card away after every APDU k of every operation
// (Open included), in both tear modes, then re-taps: the card must open,
// hold no malformed data, be before or after the operation (after, if the
// terminal was told it succeeded), and repeating the operation must bring
// it to exactly the untorn result.
func TestTearMatrix(t *testing.T) {
	ctx := context.Background()
	for _, tc := range tearCases {
		t.Run(tc.name, func(t *testing.T) {
			ref, before := prepared(t, tc)
			ref.card.ResetStats()
			require.NoError(t, tc.op(ctx, ref.mustOpen(t)))
			total := ref.card.Stats().APDUs
			after := observe(t, ref)
			require.NotEqual(t, before, after, "the operation changes the card")

			for _, mode := range []sim.TearMode{sim.TearBefore, sim.TearLoseResponse} {
				for k := 1; k <= total; k++ {
					t.Run(fmt.Sprintf("%s/k=%d", mode, k), func(t *testing.T) {
						f, _ := prepared(t, tc)
						f.card.Tear(k, mode)
						s, err := f.open(ctx)
						if err == nil {
							err = tc.op(ctx, s)
						}
						require.Error(t, err, "the tear at APDU %d of %d must be noticed", k, total)
						require.ErrorIs(t, err, sim.ErrRemoved)
						torn := observe(t, f)
						assert.Contains(t, []view{before, after}, torn, "torn card is before or after, never in between")

						require.NoError(t, tc.op(ctx, f.mustOpen(t)), "repeating the operation succeeds")
						assert.Equal(t, after, observe(t, f), "repeated operation gives the untorn result")
					})
				}
			}
		})
	}
}
