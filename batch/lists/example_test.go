package lists_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"time"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/batch/lists"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/studentid"
)

// Example runs the whole path of R-LIST-1: a school's daily operations
// folded into the city state, the signed compact list built from it, and a
// gate reader loading and querying it.
func Example() {
	// The city's signing key; in production a hardware key behind
	// crypto.Signer. Readers hold only the public key.
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	pub := key.Public().(ed25519.PublicKey)
	cst := time.FixedZone("CST", 8*3600)

	id, _ := studentid.Parse("0101000102601015")
	school := id.School()
	lostCard, _ := studentid.ParseSerial("8600000000000001")
	foundCard, _ := studentid.ParseSerial("8600000000000002")
	day := func(h, m int) time.Time { return time.Date(2026, 11, 23, h, m, 0, 0, cst) }
	events := []lists.Event{
		{Serial: lostCard, RegistryNo: id, Kind: lists.KindLoss, Time: day(8, 5), School: school, Operator: "王老师"},
		{Serial: foundCard, RegistryNo: id, Kind: lists.KindLoss, Time: day(8, 10), School: school, Operator: "王老师"},
		{Serial: foundCard, RegistryNo: id, Kind: lists.KindUnloss, Time: day(9, 30), School: school, Operator: "王老师"},
	}
	state := lists.NewState()
	state.Fold(context.Background(), lists.NewSliceSource(events))

	list, err := lists.Build(state.Entries(), lists.BuildOptions{Version: 1, Created: day(20, 0), Signer: key})
	if err != nil {
		panic(err)
	}

	// On the reader: verify, then look up without allocating.
	onGate, err := lists.Open(list.Bytes(), pub, lists.Current{})
	if err != nil {
		panic(err)
	}
	for _, card := range []studentid.Serial{lostCard, foundCard} {
		st, listed := onGate.Lookup(card)
		fmt.Println(card, listed, st)
	}

	// A damaged copy is refused with the place of the damage.
	damaged := bytes.Clone(list.Bytes())
	damaged[lists.HeaderSize+8] ^= 3
	_, err = lists.Open(damaged, pub, lists.Current{})
	fmt.Println(l10n.Error(err, l10n.Chinese))
	// Output:
	// 8600000000000001 true lost
	// 8600000000000002 false none
	// 名单：偏移57：摘要：摘要不符：文件被篡改或损坏（应为SHA256）
}

// ExampleDiff sends a reader from yesterday's list to today's with a delta
// and proves the result is exactly today's signed list.
func ExampleDiff() {
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	pub := key.Public().(ed25519.PublicKey)
	card := func(s string) studentid.Serial { c, _ := studentid.ParseSerial(s); return c }

	v1, _ := lists.Build([]lists.Entry{
		{Serial: card("8600000000000001"), Status: lists.StatusLost},
		{Serial: card("8600000000000002"), Status: lists.StatusFrozen},
	}, lists.BuildOptions{Version: 1, Signer: key})
	v2, _ := lists.Build([]lists.Entry{
		{Serial: card("8600000000000002"), Status: lists.StatusFrozen},
		{Serial: card("8600000000000003"), Status: lists.StatusLost},
	}, lists.BuildOptions{Version: 2, Signer: key})

	delta, _ := lists.Diff(v1, v2, lists.DeltaOptions{Signer: key})    // at the city
	received, err := lists.OpenDelta(delta.Bytes(), pub, v1.Current()) // at the reader, which holds v1
	if err != nil {
		panic(err)
	}
	for c := range received.All() {
		fmt.Println(c.Serial, c.Status)
	}
	updated, err := received.Apply(v1, pub)
	fmt.Println(err, updated.Version(), bytes.Equal(updated.Bytes(), v2.Bytes()))
	// Output:
	// 8600000000000001 none
	// 8600000000000003 lost
	// <nil> 2 true
}

// ExampleMerge merges two schools' event files into the district's file.
func ExampleMerge() {
	cst := time.FixedZone("CST", 8*3600)
	created := time.Date(2026, 11, 23, 18, 0, 0, 0, cst)
	schoolFile := func(school, card string, minute int) []byte {
		id, _ := studentid.Parse(school + "02601015")
		serial, _ := studentid.ParseSerial(card)
		var buf bytes.Buffer
		w, _ := lists.NewEventWriter(&buf, school, batch.Header{Level: studentid.LevelSchool, Code: school, Batch: "1", Created: created})
		w.Write(lists.Event{Serial: serial, RegistryNo: id, Kind: lists.KindLoss,
			Time: time.Date(2026, 11, 23, 8, minute, 0, 0, cst), School: id.School(), Operator: "王老师"})
		w.Close()
		return buf.Bytes()
	}
	a := schoolFile("01010001", "8600000000000001", 30)
	b := schoolFile("01010002", "8600000000000002", 10)

	var district bytes.Buffer
	w, _ := lists.NewEventWriter(&district, "0101", batch.Header{Level: studentid.LevelDistrict, Code: "0101", Batch: "1", Created: created})
	var srcs []lists.EventSource
	for _, f := range [][]byte{a, b, a} { // school a uploaded twice
		r, _ := lists.NewEventReader(batch.NewReader(bytes.NewReader(f), "school"), "school")
		srcs = append(srcs, r)
	}
	rep, err := lists.Merge(context.Background(), w, srcs...)
	if err == nil {
		err = w.Close() // the trailer only when every input verified
	}
	fmt.Println(err, rep.Read, rep.Written, rep.Duplicates)
	r, _ := lists.NewEventReader(batch.NewReader(&district, "0101"), "0101")
	for e, err := r.Next(); err == nil; e, err = r.Next() {
		fmt.Println(e.Time.Format("15:04"), e.Serial, e.Kind, e.School)
	}
	// Output:
	// <nil> 3 2 1
	// 08:10 8600000000000002 loss 01010002
	// 08:30 8600000000000001 loss 01010001
}
