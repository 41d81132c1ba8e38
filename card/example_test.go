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
	"github.com/bjedu/studentcard/studentid"
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
	chip, _ := l.Card(studentid.Serial{0x86, 1, 2, 3, 4, 5, 6, 7})

	// The record: the school knows the number, the name, the sex and its own
	// name; NewStudent derives the stage, the school and the validity.
	id, _ := studentid.Parse("0108012003203107")
	clock := func() time.Time { return time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC) }
	st, err := card.NewStudent(id, "王小明", studentid.Male, studentid.School{}, "北京市海淀区实验小学", clock())
	if err != nil {
		fmt.Println(l10n.Error(err, l10n.Chinese))
		return
	}
	fmt.Println(st.Stage, st.School.InProvince(), st.ValidUntil.Format("2006-01-02"))
	s, err := card.Open(ctx, chip, terminalSAM, card.WithSchool(id.School()), card.WithClock(clock))
	if err != nil {
		fmt.Println(l10n.Error(err, l10n.Chinese))
		return
	}
	fmt.Println("serial", s.Info().Serial, "status", s.State().Status)
	err = s.Personalise(ctx, st)
	fmt.Println("personalised:", err == nil, chip.Stats())

	chip.Reset() // the student taps again at the gate
	chip.ResetStats()
	s, _ = card.Open(ctx, chip, terminalSAM, card.WithSchool(id.School()), card.WithClock(clock))
	err = s.Register(ctx, card.Semester{Year: 2026, Term: 2})
	fmt.Println("registered for", s.State().Semester, err == nil, chip.Stats())

	err = s.TransferIn(ctx)
	var se *card.StateError
	fmt.Println(errors.As(err, &se), l10n.Error(err, l10n.Chinese))
	// Output:
	// primary 080120 2032-08-31
	// serial 8601020304050607 status blank
	// personalised: true 8 APDUs, 185 bytes in, 72 bytes out, 51.4 ms modelled
	// registered for 2026-2 true 6 APDUs, 75 bytes in, 82 bytes out, 35.8 ms modelled
	// true 卡片状态为已个人化，不能转入
}
