package sim_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/bjedu/studentcard/card"
	"github.com/bjedu/studentcard/card/sim"
	"github.com/bjedu/studentcard/lab"
	"github.com/bjedu/studentcard/sam"
)

// A vendor tests its terminal code without hardware: make a card keyed from
// the same master keys as the test SAM, pull it away in the middle of an
// operation, and check the counters.
func Example() {
	ctx := context.Background()
	l, _ := lab.New(ctx, sam.TDES, "sim example") // keys, Soft SAM, management card, unlocked
	defer l.Close()
	terminalSAM := l.SAM
	chip, _ := l.Card([8]byte{1, 2, 3, 4, 5, 6, 7, 8})
	fmt.Printf("ATR % X\n", chip.ATR())

	chip.Tear(3, sim.TearBefore) // the card leaves the field before its third APDU
	_, err := card.Open(ctx, chip, terminalSAM)
	fmt.Println("torn:", errors.Is(err, sim.ErrRemoved))

	chip.PowerOn()
	s, err := card.Open(ctx, chip, terminalSAM)
	fmt.Println("open again:", err == nil, s.State().Status)
	st := chip.Stats()
	fmt.Println(st.APDUs, "APDUs,", st.Tears, "tear,", st.ByINS[0x82], "external authentication")
	fmt.Println("one exchange of 13+2 bytes:", sim.ExchangeTime(13, 2))
	// Output:
	// ATR 3B 88 80 01 42 4A 45 44 55 01 00 00 54
	// torn: true
	// open again: true blank
	// 6 APDUs, 1 tear, 1 external authentication
	// one exchange of 13+2 bytes: 5.132075ms
}
