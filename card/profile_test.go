package card_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/card"
	"github.com/bjedu/studentcard/card/sim"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/sam"
)

// vendorProfile renumbers everything a COS may: another AID, SFIs 01-04,
// the three keys under each other's ids.
func vendorProfile() card.Profile {
	return card.Profile{
		AID:         []byte{0xA0, 0x00, 0x00, 0x06, 0x32, 0x01, 0x02},
		SFICardInfo: 0x01, SFIStudent: 0x02, SFILog: 0x03, SFIExtension: 0x04,
		KeyIDInternal: card.KeyIDMAC, KeyIDExternal: card.KeyIDInternal, KeyIDMAC: card.KeyIDExternal,
	}
}

// A vendor's COS numbering is configuration, not a fork: the same
// operations run against a card personalised to another AID, other SFIs
// and other key ids, and the default profile does not find it.
func TestVendorProfile(t *testing.T) {
	ctx := context.Background()
	p := vendorProfile()
	f := newFixture(t, sam.TDES, sim.WithProfile(p))

	_, err := f.open(ctx)
	require.ErrorIs(t, err, card.ErrNotOurCard, "the default AID is not on this card")

	s, err := f.open(ctx, card.WithProfile(p))
	require.NoError(t, err)
	require.NoError(t, s.Personalise(ctx, testStudent()))
	got, err := s.Student(ctx)
	require.NoError(t, err)
	assert.True(t, testStudent().Equal(got))
	assert.Len(t, f.card.Files().Log, 1, "the state went to the vendor's log SFI")
	assert.Equal(t, 1, f.card.Stats().ByINS[0x82])

	assert.Equal(t, card.AID(), card.DefaultProfile().AID)
	assert.NoError(t, card.DefaultProfile().Validate())
}

func TestProfileValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*card.Profile)
		field  string
	}{
		{"AID of 4 bytes", func(p *card.Profile) { p.AID = p.AID[:4] }, "AID"},
		{"AID of 17 bytes", func(p *card.Profile) { p.AID = make([]byte, 17) }, "AID"},
		{"SFI 0", func(p *card.Profile) { p.SFILog = 0 }, "short file identifier"},
		{"SFI 31", func(p *card.Profile) { p.SFIStudent = 31 }, "short file identifier"},
		{"two files on one SFI", func(p *card.Profile) { p.SFIExtension = p.SFIStudent }, "short file identifier"},
		{"key id 0", func(p *card.Profile) { p.KeyIDMAC = 0 }, "key identifier"},
		{"two keys on one id", func(p *card.Profile) { p.KeyIDExternal = p.KeyIDInternal }, "key identifier"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := vendorProfile()
			tc.change(&p)
			err := p.Validate()
			var fe *card.FieldError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tc.field, fe.Field)
			assert.NotContains(t, l10n.Error(err, l10n.Chinese), "want")
			_, err = card.Open(context.Background(), nil, nil, card.WithProfile(p))
			assert.ErrorAs(t, err, &fe, "Open refuses it before any APDU")
			_, err = sim.New(testKeySet(t, sam.TDES, 0x30), testInfo(sam.TDES), sim.WithProfile(p))
			assert.ErrorAs(t, err, &fe, "so does the simulator")
		})
	}
}
