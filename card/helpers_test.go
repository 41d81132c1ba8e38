package card_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/card"
	"github.com/bjedu/studentcard/card/sim"
	"github.com/bjedu/studentcard/lab"
	"github.com/bjedu/studentcard/sam"
	"github.com/bjedu/studentcard/studentid"
)

// suites are the two cipher suites every authentication test runs under.
var suites = []sam.Algorithm{sam.TDES, sam.SM4}

// testKeySet is the issuer's master key set for the tests (the lab's: the
// three CPU card keys, the legacy and current M1 keys, a management key);
// another seed is another issuer.
func testKeySet(t testing.TB, alg sam.Algorithm, seed byte) *sam.KeySet {
	t.Helper()
	ks, err := lab.Keys(alg, issuer(seed))
	require.NoError(t, err)
	return ks
}

// issuer names the lab seed of a test issuer.
func issuer(seed byte) string { return fmt.Sprintf("card tests %#x", seed) }

// unlockedSAM is a Soft SAM loaded with ks and unlocked with its management
// card, as a reader does after start (SPEC S-6).
func unlockedSAM(t testing.TB, ks *sam.KeySet) *sam.Soft {
	t.Helper()
	s, err := lab.Unlocked(context.Background(), lab.SAMID("card tests"), ks)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func testInfo(alg sam.Algorithm) card.CardInfo {
	return lab.Info(alg, [8]byte{0x86, 0x10, 0x20, 0x26, 0x00, 0x00, 0x12, 0x34}, day(2026, 8, 1))
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// fixture is one issuer key set, one terminal SAM and one simulated card.
type fixture struct {
	keys *sam.KeySet
	sam  *sam.Soft
	card *sim.Card
	// school is the terminal's, 010203.
	school studentid.School
}

func newFixture(t testing.TB, alg sam.Algorithm, opts ...sim.Option) *fixture {
	t.Helper()
	ks := testKeySet(t, alg, 0x30)
	c, err := sim.New(ks, testInfo(alg), append([]sim.Option{sim.WithRand(seeded(7))}, opts...)...)
	require.NoError(t, err)
	return &fixture{keys: ks, sam: unlockedSAM(t, ks), card: c, school: testSchool(t, "010203")}
}

// open starts a session at school 010203 on 1 September 2026.
func (f *fixture) open(ctx context.Context, extra ...card.Option) (*card.Session, error) {
	opts := append([]card.Option{card.WithRand(seeded(1)), card.WithSchool(f.school), card.WithClock(func() time.Time { return day(2026, 9, 1) })}, extra...)
	return card.Open(ctx, f.card, f.sam, opts...)
}

func (f *fixture) mustOpen(t testing.TB) *card.Session {
	t.Helper()
	s, err := f.open(context.Background())
	require.NoError(t, err)
	return s
}

// seeded is a deterministic random source for challenges and randoms.
func seeded(seed uint64) *rand.ChaCha8 {
	var k [32]byte
	k[0] = byte(seed)
	return rand.NewChaCha8(k)
}

// testStudent is the record the tests personalise. Its school (010203) is
// not the registry number's own, so the codec tests see the school field
// and the number are stored apart; NewStudent is tested on its own.
func testStudent() card.Student {
	return card.Student{
		RegistryNo: mustID("0108012003203107"), Name: "王小明", Gender: studentid.Male, Stage: studentid.StagePrimary,
		School: mustSchool("010203"), SchoolName: "北京市海淀区实验小学", ValidFrom: day(2026, 9, 1), ValidUntil: day(2032, 8, 31),
	}
}

func testID(t testing.TB, s string) studentid.ID {
	t.Helper()
	id, err := studentid.Parse(s)
	require.NoError(t, err)
	return id
}

// mustID is testID for records built outside a test.
func mustID(s string) studentid.ID {
	id, err := studentid.Parse(s)
	if err != nil {
		panic(err) // a constant of the tests
	}
	return id
}

// mustSchool is testSchool for tables built outside a test.
func mustSchool(code string) studentid.School {
	s, err := studentid.ParseSchool(code)
	if err != nil {
		panic(err) // a constant of the tests
	}
	return s
}

// testSchool parses a school code in its 8- or 6-digit (Beijing) form.
func testSchool(t testing.TB, code string) studentid.School {
	t.Helper()
	s, err := studentid.ParseSchool(code)
	require.NoError(t, err)
	return s
}
