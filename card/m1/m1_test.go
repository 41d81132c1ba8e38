package m1_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/card"
	"github.com/bjedu/studentcard/card/m1"
	"github.com/bjedu/studentcard/card/sim"
	"github.com/bjedu/studentcard/lab"
	"github.com/bjedu/studentcard/sam"
	"github.com/bjedu/studentcard/studentid"
)

var testUID = [4]byte{0xB3, 0x1C, 0x2F, 0x90}

func legacyRecord() m1.Record {
	id, err := studentid.Parse("0108012003203107")
	if err != nil {
		panic(err) // a constant of the tests
	}
	return m1.Record{
		Layout: 1, RegistryNo: id, Name: "张晓红", Gender: studentid.Female, Stage: studentid.StagePrimary,
		School: id.School(), Status: card.Personalised, Semester: card.Semester{Year: 2026, Term: 1}, ValidUntil: day(2032, 8, 31),
	}
}

// legacyM1 is an M1 card as the issuer made it years ago: the legacy layout
// keyed with version-1 keys derived by the issuer's SAM from the UID.
func legacyM1(t testing.TB, s sam.SAM) *sim.M1Card {
	t.Helper()
	ctx := context.Background()
	blocks, err := m1.EncodeLegacy(legacyRecord())
	require.NoError(t, err)
	trailer, err := m1.Trailer(ctx, s, testUID, m1.Sector, m1.KeyVersionLegacy)
	require.NoError(t, err)
	c := sim.NewM1(testUID)
	require.NoError(t, c.SetSector(m1.Sector, [4][16]byte{blocks[0], blocks[1], blocks[2], trailer}))
	return c
}

func TestM1ReadLegacy(t *testing.T) {
	ctx := context.Background()
	for _, alg := range suites {
		t.Run("A-4/"+alg.Name(), func(t *testing.T) {
			s := lab.ForTest(t, alg, testSeed).SAM
			c := legacyM1(t, s)
			m, err := m1.Open(ctx, c, s)
			require.NoError(t, err)
			assert.False(t, m.Upgraded())
			assert.Equal(t, testUID, m.UID())
			assert.Equal(t, 5, c.Stats().APDUs, "GET UID, current key tried (load, auth), legacy key (load, auth)")
			rec, err := m.Read(ctx)
			require.NoError(t, err)
			assert.Equal(t, legacyRecord(), rec)
		})
	}
}

func TestM1Upgrade(t *testing.T) {
	ctx := context.Background()
	for _, alg := range suites {
		t.Run("A-4/"+alg.Name(), func(t *testing.T) {
			s := lab.ForTest(t, alg, testSeed).SAM
			c := legacyM1(t, s)
			m, err := m1.Open(ctx, c, s)
			require.NoError(t, err)
			require.NoError(t, m.Upgrade(ctx))

			want := legacyRecord()
			want.Layout = 2
			m2, err := m1.Open(ctx, c, s)
			require.NoError(t, err)
			assert.True(t, m2.Upgraded())
			got, err := m2.Read(ctx)
			require.NoError(t, err)
			assert.Equal(t, want, got)

			trailer, err := m1.Trailer(ctx, s, testUID, m1.Sector, m1.KeyVersionCurrent)
			require.NoError(t, err)
			assert.Equal(t, trailer, c.Sector(m1.Sector)[3], "current keys and access bits installed")

			t.Run("idempotent", func(t *testing.T) {
				c.ResetStats()
				m3, err := m1.Open(ctx, c, s)
				require.NoError(t, err)
				require.NoError(t, m3.Upgrade(ctx))
				assert.Zero(t, c.Stats().ByINS[0xD6], "no write on an upgraded card")
			})
			t.Run("legacy keys no longer open the sector", func(t *testing.T) {
				legacyB, err := m1.Key(ctx, s, testUID, m1.Sector, m1.KeyB, m1.KeyVersionLegacy)
				require.NoError(t, err)
				c.Reset()
				_, err = c.Transmit(ctx, append([]byte{0xFF, 0x82, 0x00, 0x00, 0x06}, legacyB[:]...))
				require.NoError(t, err)
				resp, err := c.Transmit(ctx, []byte{0xFF, 0x86, 0x00, 0x00, 0x05, 0x01, 0x00, m1.Sector*4 + 3, m1.KeyB, 0x00})
				require.NoError(t, err)
				assert.Equal(t, []byte{0x63, 0x00}, resp)
			})
			t.Run("a SAM without the current keys reads legacy cards only", func(t *testing.T) {
				old, err := sam.NewKeySet(alg)
				require.NoError(t, err)
				require.NoError(t, old.Add(sam.KeyRef{ID: m1.KeyID, Version: m1.KeyVersionLegacy}, lab.MasterKey(testSeed, sam.KeyRef{ID: m1.KeyID, Version: m1.KeyVersionLegacy})))
				require.NoError(t, old.SetManagementKey(make([]byte, 16)))
				oldSAM, err := lab.Unlocked(ctx, lab.SAMID(testSeed), old)
				require.NoError(t, err)
				t.Cleanup(func() { _ = oldSAM.Close() })
				m, err := m1.Open(ctx, legacyM1(t, s), oldSAM)
				require.NoError(t, err)
				assert.False(t, m.Upgraded())
				_, err = m1.Open(ctx, c, oldSAM)
				require.ErrorIs(t, err, m1.ErrAuth, "the upgraded card refuses the legacy key")
			})
		})
	}
}

func TestM1UpgradeTearMatrix(t *testing.T) {
	ctx := context.Background()
	s := lab.ForTest(t, sam.TDES, testSeed).SAM
	ref := legacyM1(t, s)
	m, err := m1.Open(ctx, ref, s)
	require.NoError(t, err)
	ref.ResetStats()
	require.NoError(t, m.Upgrade(ctx))
	total := ref.Stats().APDUs + 5 // with OpenM1 of a legacy card
	want := legacyRecord()
	want.Layout = 2
	for _, mode := range []sim.TearMode{sim.TearBefore, sim.TearLoseResponse} {
		for k := 1; k <= total; k++ {
			t.Run(fmt.Sprintf("A-4/%s/k=%d", mode, k), func(t *testing.T) {
				c := legacyM1(t, s)
				c.Tear(k, mode)
				m, err := m1.Open(ctx, c, s)
				if err == nil {
					err = m.Upgrade(ctx)
				}
				require.ErrorIs(t, err, sim.ErrRemoved)
				c.Reset()
				m, err = m1.Open(ctx, c, s)
				require.NoError(t, err, "a torn card opens with the legacy or the current keys")
				rec, err := m.Read(ctx)
				require.NoError(t, err, "every intermediate state decodes")
				assert.Equal(t, legacyRecord().Name, rec.Name)
				assert.Equal(t, legacyRecord().RegistryNo, rec.RegistryNo)
				require.NoError(t, m.Upgrade(ctx))
				c.Reset()
				m, err = m1.Open(ctx, c, s)
				require.NoError(t, err)
				assert.True(t, m.Upgraded())
				got, err := m.Read(ctx)
				require.NoError(t, err)
				assert.Equal(t, want, got)
			})
		}
	}
}

func TestM1Errors(t *testing.T) {
	ctx := context.Background()
	l := lab.ForTest(t, sam.TDES, testSeed)
	s := l.SAM
	t.Run("A-4/not keyed by the education system", func(t *testing.T) {
		_, err := m1.Open(ctx, sim.NewM1(testUID), s)
		require.ErrorIs(t, err, m1.ErrAuth)
	})
	t.Run("CPU card is not an M1 card", func(t *testing.T) {
		cpu := l.CardForTest(t, lab.Serial(testSeed, 1))
		_, err := m1.Open(ctx, cpu, s)
		require.ErrorIs(t, err, m1.ErrNoUID)
	})
	t.Run("SAM locked", func(t *testing.T) {
		locked := lab.ForTest(t, sam.TDES, testSeed).SAM
		c := legacyM1(t, locked)
		locked.Lock()
		_, err := m1.Open(ctx, c, locked)
		require.ErrorIs(t, err, sam.ErrLocked)
	})
	t.Run("C-4/legacy layout is GB2312 only", func(t *testing.T) {
		r := legacyRecord()
		r.Name = "王堃"
		_, err := m1.EncodeLegacy(r)
		var ne *card.NameError
		require.ErrorAs(t, err, &ne)
		assert.Equal(t, '堃', ne.Char)
		assert.Equal(t, 2, ne.Pos)
		_, err = m1.Encode(r)
		require.NoError(t, err, "the current layout takes GB18030")
	})
	t.Run("garbage sector", func(t *testing.T) {
		var b [3][16]byte
		b[1][0] = 'x'
		_, err := m1.Decode(b)
		require.ErrorIs(t, err, m1.ErrLayout)
		b[0][0], b[2][0] = 0x30, 0xE3
		_, err = m1.Decode(b)
		require.True(t, errors.Is(err, m1.ErrLayout) || errors.Is(err, m1.ErrMalformed))
	})
}
