package pcsc_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/bjedu/studentcard/adapters/pcsc"
	"github.com/bjedu/studentcard/apdu"
	"github.com/bjedu/studentcard/l10n"
)

// A card pulled out mid-session is an error that callers test with
// errors.Is and operators read in Chinese.
func ExampleError() {
	err := fmt.Errorf("personalise: %w", &pcsc.Error{Op: "SCardTransmit", Reader: "Virtual PCD 00 00", Code: pcsc.CodeRemovedCard})
	fmt.Println(errors.Is(err, pcsc.ErrRemovedCard))
	fmt.Println(err)
	fmt.Println(l10n.Error(err, l10n.Chinese))
	// Output:
	// true
	// personalise: pcsc: SCardTransmit on reader "Virtual PCD 00 00": card was removed (SCARD_W_REMOVED_CARD, 0x80100069)
	// pcsc: 读卡器“Virtual PCD 00 00”执行SCardTransmit失败：卡已被移除（SCARD_W_REMOVED_CARD，0x80100069）
}

// A card session: wait for the card, connect, and run the whole session in
// one PC/SC transaction. (Needs a reader, so it is compiled, not run.)
func ExampleReader_Session() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const name = "Virtual PCD 00 00"
	if err := pcsc.WaitForCard(ctx, name); err != nil {
		fmt.Println(l10n.Error(err, l10n.Chinese))
		return
	}
	r, err := pcsc.Open(ctx, name)
	if err != nil {
		fmt.Println(l10n.Error(err, l10n.Chinese))
		return
	}
	defer r.Close()
	err = r.Session(ctx, func(t apdu.Transport) error {
		rsp, err := t.Transmit(ctx, []byte{0x00, 0xA4, 0x04, 0x00, 0x02, 0x3F, 0x00})
		if err != nil {
			return err
		}
		fmt.Printf("SELECT MF: % X\n", rsp)
		return nil
	})
	if errors.Is(err, pcsc.ErrRemovedCard) {
		fmt.Println("card removed; present it again")
	}
}
