package sam_test

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/sam"
)

// decode is hex.DecodeString for examples with constant input.
func decode(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// A reader starts, reads its management card, unlocks its SAM, and then
// answers a card's GET CHALLENGE with the external-authentication cryptogram
// (SPEC S-6, A-2). The card, personalised by the issuer, checks it. The
// cryptogram was checked with openssl enc -des-ede (diversify, then encrypt).
func ExampleSoft() {
	ctx := context.Background()
	extAuth := sam.KeyRef{ID: 0x01, Version: 0x01}

	// Issuer side (the city's key card): master keys and the management key.
	keys, _ := sam.NewKeySet(sam.TDES)
	_ = keys.Add(extAuth, decode("404142434445464748494A4B4C4D4E4F"))
	_ = keys.SetManagementKey(decode("808182838485868788898A8B8C8D8E8F"))
	id := sam.SAMID{0x11, 0, 0, 0, 0, 0, 0, 0x01}
	managementCard, _ := keys.ManagementCard(id)
	serial := sam.SerialDiversifier([8]byte{0x10, 0x00, 0x20, 0x24, 0x00, 0x00, 0x12, 0x34})
	card, _ := keys.CardKeys(serial) // personalisation: the card's own keys

	// Reader side.
	s, _ := sam.NewSoft(id, keys)
	defer s.Close()
	keys.Zero()
	_, err := s.ExternalAuthenticate(ctx, extAuth, serial, []byte{1, 2, 3, 4})
	fmt.Println(errors.Is(err, sam.ErrLocked), l10n.Error(err, l10n.Chinese))

	if err := s.Unlock(ctx, managementCard); err != nil {
		fmt.Println(err)
		return
	}
	challenge := []byte{0x8F, 0x12, 0x6C, 0x01} // from GET CHALLENGE
	cryptogram, err := s.ExternalAuthenticate(ctx, extAuth, serial, challenge)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("00 82 00 01 08 %X\n", cryptogram)
	fmt.Println("card accepts:", card.VerifyCryptogram(extAuth, challenge, cryptogram) == nil)
	fmt.Println(s, card)
	// Output:
	// true 安全模块已锁定：请先读取管理卡
	// 00 82 00 01 08 44DC2BEEF4217C97
	// card accepts: true
	// sam.Soft{3DES SAM 1100000000000001 unlocked} sam.CardKeys{3DES keys=[01/01]}
}

// The PBOC MAC of the published example (SPEC §8): 3DES retail MAC, IV
// zero, first 4 bytes of 4089819D3D991CC7.
func ExampleAlgorithm_MAC() {
	key := decode("5775204D69616F6A756E404726444311")
	text := []byte("CHENHAO-PC|BFEBFBFF000306C3~9BP0PD2CN7016366I0043|20240111|20250101|8191|0")
	mac, _ := sam.TDES.MAC(key, nil, text)
	fmt.Printf("%X\n", mac)
	// Output: 4089819D
}

// One level of diversification with each suite, and the SM4 reference
// vector of GB/T 32907 through Encrypt.
func ExampleAlgorithm_Diversify() {
	master := decode("0123456789ABCDEFFEDCBA9876543210")
	uid := sam.UIDDiversifier([4]byte{0x01, 0x02, 0x03, 0x04}) // an M1 card
	for _, suite := range []sam.Algorithm{sam.TDES, sam.SM4} {
		k, _ := suite.Diversify(master, uid)
		fmt.Printf("%s %s: %d-byte card key\n", suite, uid, len(k))
	}
	c, _ := sam.SM4.Encrypt(master, master)
	fmt.Printf("%x\n", c)
	_, err := sam.SM4.Diversify(master[:8], uid)
	fmt.Println(err)
	// Output:
	// 3DES 0102030480000000: 16-byte card key
	// SM4 0102030480000000: 16-byte card key
	// 681edf34d206965e86b3e94f536e4246
	// SM4 Diversify: key is 8 bytes, want 16
}

// A PSAM driver over the PSAM simulator: the same answers as the Soft SAM,
// computed by 80 1A / 80 FA commands (the MAC was checked with openssl
// enc -sm4-ecb / -sm4-cbc).
func ExamplePSAM() {
	ctx := context.Background()
	macKey := sam.KeyRef{ID: 0x03, Version: 0x01}
	keys, _ := sam.NewKeySet(sam.SM4)
	_ = keys.Add(macKey, decode("606162636465666768696A6B6C6D6E6F"))
	_ = keys.SetManagementKey(decode("808182838485868788898A8B8C8D8E8F"))
	cfg := sam.PSAMConfig{
		Suite:      sam.SM4,
		ID:         sam.SAMID{0x11, 0, 0, 0, 0, 0, 0, 0x01},
		DF:         []byte{0xD1, 0x56, 0x00, 0x00, 0x01, 0x45, 0x44, 0x55},
		Keys:       map[sam.KeyRef]sam.PSAMKey{macKey: {Usage: sam.UsageMAC, Index: 0x03}},
		Management: sam.PSAMKey{Usage: sam.UsageEncrypt, Index: 0x10},
	}
	sim, _ := sam.NewPSAMSimulator(keys, cfg, true) // T=0: answers 61xx
	psam, _ := sam.NewPSAM(sim, cfg)
	mc, _ := keys.ManagementCard(cfg.ID)
	if err := psam.Unlock(ctx, mc); err != nil {
		fmt.Println(err)
		return
	}
	soft, _ := sam.NewSoft(cfg.ID, keys)
	_ = soft.Unlock(ctx, mc)

	serial := sam.SerialDiversifier([8]byte{0x10, 0x00, 0x20, 0x24, 0x00, 0x00, 0x12, 0x34})
	data := make([]byte, 100) // more than one 0x30-byte 80 FA chunk
	a, _ := psam.MAC(ctx, macKey, serial, []byte{1, 2, 3, 4}, data)
	b, _ := soft.MAC(ctx, macKey, serial, []byte{1, 2, 3, 4}, data)
	fmt.Printf("%X %X\n", a, b)
	fmt.Println(psam)
	// Output:
	// A9AE0A26 A9AE0A26
	// sam.PSAM{SM4 SAM 1100000000000001 unlocked}
}
