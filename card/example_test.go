package card_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/bjedu/studentcard/card"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/lab"
	"github.com/bjedu/studentcard/sam"
)

// A school terminal personalises a new card and registers it for the
// autumn semester, against the simulated card. The lab's issuer keys load
// both the terminal's SAM, unlocked by its management card (SPEC S-6), and
// (diversified by serial) the card.
func Example() {
	ctx := context.Background()
	l, _ := lab.New(ctx, sam.SM4, "card example")
	defer l.Close()
	terminalSAM := l.SAM
	chip, _ := l.Card([8]byte{0x86, 1, 2, 3, 4, 5, 6, 7})

	clock := func() time.Time { return time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC) }
	s, err := card.Open(ctx, chip, terminalSAM, card.WithSchool("010203"), card.WithClock(clock))
	if err != nil {
		fmt.Println(l10n.Error(err, l10n.Chinese))
		return
	}
	fmt.Println("serial", s.Info().SerialHex(), "status", s.State().Status)
	err = s.Personalise(ctx, card.Student{
		RegistryNumber: "0108012003203107", Name: "王小明", Gender: card.Male, Stage: card.Primary,
		SchoolCode: "010203", SchoolName: "北京市海淀区实验小学",
		ValidFrom: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), ValidUntil: time.Date(2032, 8, 31, 0, 0, 0, 0, time.UTC),
	})
	fmt.Println("personalised:", err == nil, chip.Stats())

	chip.Reset() // the student taps again at the gate
	chip.ResetStats()
	s, _ = card.Open(ctx, chip, terminalSAM, card.WithSchool("010203"), card.WithClock(clock))
	err = s.Register(ctx, card.Semester{Year: 2026, Term: 2})
	fmt.Println("registered for", s.State().Semester, err == nil, chip.Stats())

	err = s.TransferIn(ctx)
	var se *card.StateError
	fmt.Println(errors.As(err, &se), l10n.Error(err, l10n.Chinese))
	// Output:
	// serial 8601020304050607 status blank
	// personalised: true 8 APDUs, 185 bytes in, 72 bytes out, 51.4 ms modelled
	// registered for 2026-2 true 6 APDUs, 75 bytes in, 82 bytes out, 35.8 ms modelled
	// true 卡片状态为已个人化，不能转入
}
