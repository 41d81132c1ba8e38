package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/batch/lists"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

// lossIdx is school A's student who loses the card.
const lossIdx = 9

// stepLoss is step 5: a student reports the card lost at the school
// (R-DAILY-1) on the day before the National Day holiday; the loss goes on
// the school's list of that day at once, and must be in effect at the latest
// 2 working days later on the official calendar (R-LOSS-1: an upper bound,
// not a waiting period); the school's event file goes up, is merged at the
// district and the city, and the city's signed delta brings a gate reader's
// compact list to the version where the card is listed (R-LIST-1).
func (d *demo) stepLoss() error {
	if err := d.setClock(2026, 9, 30, 7, 0); err != nil {
		return err
	}
	if err := d.startReaderList(); err != nil {
		return err
	}
	if err := d.setClock(2026, 9, 30, 10, 0); err != nil {
		return err
	}
	rec := d.a.cmis[lossIdx]
	serial := d.holder[rec.RegistryNo.String()]
	c, err := d.ledger.Transition(d.ctx, d.a.op, lifecycle.Request{CardID: serial, Action: lifecycle.ActReportLoss, Reason: "lost on the way home"})
	if err != nil {
		return d.expect(err, "reporting %s lost", serial)
	}
	mustBe, by, _ := d.ledger.LossEffective(c)
	byText := by.In(lifecycle.Beijing()).Format("2006-01-02 15:04")
	d.say("   %s reports card %s of %s lost (R-DAILY-1); it goes on today's list at once and must be in effect by %s at the latest: 2 working days, 1-7 October is the National Day holiday (R-LOSS-1)", d.a.code, serial, mask(rec.Name), byText)
	if err := d.check(!mustBe && by.Equal(time.Date(2026, 10, 10, 0, 0, 0, 0, lifecycle.Beijing())), "the loss must be in effect by the end of 9 October 2026"); err != nil {
		return err
	}
	if err := d.lendTemporary(rec.RegistryNo.String()); err != nil {
		return err
	}
	if err := d.setClock(2026, 9, 30, 18, 0); err != nil {
		return err
	}
	at := c.LostAt
	d.say("   the school's daily list of 30 September carries the loss up the same evening (R-LOSS-1, R-LIST-1)")

	ser, err := studentid.ParseSerial(serial)
	if err != nil {
		return d.expect(err, "reading serial %s", serial)
	}
	today := lifecycle.DateOf(d.now)
	evA, err := d.ledger.ListEvents(d.ctx, d.a.op, today)
	if err != nil {
		return d.expect(err, "asking the ledger for %s's list events", d.a.code)
	}
	if err := d.check(len(evA) == 1 && evA[0].Serial == ser && evA[0].Kind == lists.KindLoss && evA[0].RegistryNo == rec.RegistryNo &&
		evA[0].Time.Equal(at) && evA[0].School.String() == d.a.code, "the ledger lists the loss on the day of the report, at that time (R-LOSS-1)"); err != nil {
		return err
	}
	evB, err := d.ledger.ListEvents(d.ctx, d.b.op, today)
	if err != nil {
		return d.expect(err, "asking the ledger for %s's list events", d.b.code)
	}
	fileA, err := d.eventFile(studentid.LevelSchool, d.a.code, evA...)
	if err != nil {
		return err
	}
	if err := d.recordUpload(d.a.op); err != nil { // R-LOSS-1: the clock stops once the loss is on its way
		return err
	}
	fileB, err := d.eventFile(studentid.LevelSchool, d.b.code, evB...)
	if err != nil {
		return err
	}
	d05, err := d.mergeEvents(studentid.LevelDistrict, d.a.districtCode(), fileA)
	if err != nil {
		return err
	}
	d08, err := d.mergeEvents(studentid.LevelDistrict, d.b.districtCode(), fileB)
	if err != nil {
		return err
	}
	cityFile, err := d.mergeEvents(studentid.LevelCity, "01", d05, d08)
	if err != nil {
		return err
	}
	cityEv, err := d.ledger.ListEvents(d.ctx, d.city, today)
	if err != nil {
		return d.expect(err, "asking the ledger for %s's list events", studentid.LevelCity.Localize(d.tag))
	}
	if err := d.check(len(cityEv) == 1 && cityEv[0].Compare(evA[0]) == 0 && len(evB) == 0, "the city's merged file holds what the ledger lists city-wide for the day"); err != nil {
		return err
	}
	return d.publishList(cityFile, ser)
}

// lendTemporary is R-LOSS-2: while the card is lost the school lends the
// student a temporary card from its spare stock.
func (d *demo) lendTemporary(number string) error {
	id, err := studentid.Parse(number)
	if err != nil {
		return err
	}
	for _, serial := range slices.Sorted(maps.Keys(d.chips)) {
		c, err := d.ledger.Card(d.ctx, d.a.op, serial)
		if err != nil || c.State != lifecycle.RegSchoolStock {
			continue
		}
		if _, err := d.ledger.IssueTemporary(d.ctx, d.a.op, serial, id); err != nil {
			return d.expect(err, "lending temporary card %s", serial)
		}
		d.say("   during the 10-day loss period the school lends temporary card %s from its spares (R-LOSS-2)", serial)
		return nil
	}
	return d.check(false, "the school has a spare card to lend")
}

// startReaderList is the city's list of the morning (version 1) as every
// gate reader has it: signed with the city's key, holding no card yet.
func (d *demo) startReaderList() error {
	seed := make([]byte, ed25519.SeedSize)
	if _, err := io.ReadFull(d.reader(), seed); err != nil {
		return err
	}
	d.listKey = ed25519.NewKeyFromSeed(seed)
	v1, err := lists.Build(nil, lists.BuildOptions{Version: 1, Created: d.now, Signer: d.listKey})
	if err != nil {
		return d.expect(err, "building list version 1")
	}
	onGate, err := lists.Open(v1.Bytes(), d.listKey.Public().(ed25519.PublicKey), lists.Current{}) // a new reader holds no list yet
	if err != nil {
		return d.expect(err, "loading list version 1 on the reader")
	}
	d.listV1 = onGate
	d.say("   a gate reader holds the city's signed compact list version %d: %d cards, %d bytes (Ed25519)", onGate.Version(), onGate.Len(), len(onGate.Bytes()))
	return nil
}

// eventFile is one sender's daily event file (R-LIST-1).
func (d *demo) eventFile(level studentid.Level, code string, events ...lists.Event) ([]byte, error) {
	var buf bytes.Buffer
	name := lists.EventFileName(code, d.now)
	w, err := lists.NewEventWriter(&buf, name, batch.Header{Level: level, Code: code, Batch: "E" + d.now.Format("20060102"), Created: d.now})
	if err != nil {
		return nil, d.expect(err, "starting %s", name)
	}
	for _, e := range events {
		if err := w.Write(e); err != nil {
			return nil, d.expect(err, "writing %s", name)
		}
	}
	if err := w.Close(); err != nil {
		return nil, d.expect(err, "closing %s", name)
	}
	if level == studentid.LevelSchool {
		d.say("   %s sends %s: %d event(s)", code, name, len(events))
	}
	return buf.Bytes(), nil
}

// mergeEvents merges event files into the file of the level above
// (R-LIST-1): a set union, every input verified before anything is written.
func (d *demo) mergeEvents(level studentid.Level, code string, inputs ...[]byte) ([]byte, error) {
	srcs := make([]lists.EventSource, len(inputs))
	for i, in := range inputs {
		r, _, err := batch.Open(d.ctx, bytes.NewReader(in), "events")
		if err != nil {
			return nil, d.expect(err, "verifying an event file")
		}
		if srcs[i], err = lists.NewEventReader(r, "events"); err != nil {
			return nil, d.expect(err, "reading an event file")
		}
	}
	var buf bytes.Buffer
	name := lists.EventFileName(code, d.now)
	w, err := lists.NewEventWriter(&buf, name, batch.Header{Level: level, Code: code, Batch: "E" + d.now.Format("20060102"), Created: d.now})
	if err != nil {
		return nil, d.expect(err, "starting %s", name)
	}
	rep, err := lists.Merge(d.ctx, w, srcs...)
	if err != nil {
		return nil, d.expect(err, "merging into %s", name)
	}
	if err := w.Close(); err != nil {
		return nil, d.expect(err, "closing %s", name)
	}
	d.say("   %s merges %d file(s) into %s: %d event(s), %d duplicate(s), %d conflict(s)", code, len(inputs), name, rep.Written, rep.Duplicates, rep.ConflictCount)
	return buf.Bytes(), nil
}

// publishList folds the city's event file into the list state, builds list
// version 2 and the signed delta from version 1, and has the reader apply
// the delta and look the lost card up (R-LIST-1).
func (d *demo) publishList(cityFile []byte, lost studentid.Serial) error {
	state := lists.StateOf(d.listV1)
	r, _, err := batch.Open(d.ctx, bytes.NewReader(cityFile), "city events")
	if err != nil {
		return d.expect(err, "verifying the city's event file")
	}
	src, err := lists.NewEventReader(r, "city events")
	if err != nil {
		return d.expect(err, "reading the city's event file")
	}
	if _, err := state.Fold(context.WithoutCancel(d.ctx), src); err != nil {
		return d.expect(err, "folding the city's events")
	}
	pub := d.listKey.Public().(ed25519.PublicKey)
	v2, err := lists.Build(state.Entries(), lists.BuildOptions{Version: 2, Created: d.now, Signer: d.listKey})
	if err != nil {
		return d.expect(err, "building list version 2")
	}
	delta, err := lists.Diff(d.listV1, v2, lists.DeltaOptions{Signer: d.listKey})
	if err != nil {
		return d.expect(err, "making the delta")
	}
	d.say("   city builds list version %d (%d card(s), %d bytes) and the signed delta %d→%d (%d change(s), %d bytes)", v2.Version(), v2.Len(), len(v2.Bytes()), delta.Base(), delta.Version(), delta.Len(), len(delta.Bytes()))
	received, err := lists.ReadDelta(bytes.NewReader(delta.Bytes()), pub, d.listV1.Current()) // the reader holds version 1: nothing older
	if err != nil {
		return d.expect(err, "verifying the delta on the reader")
	}
	onGate, err := received.Apply(d.listV1, pub)
	if err != nil {
		return d.expect(err, "applying the delta on the reader")
	}
	status, listed := onGate.Lookup(lost)
	d.say("   the gate reader applies the delta (signature verified, byte for byte the city's list) and looks card %s up: before: %s; now: %s (R-LIST-1)", lost, d.listStatus(d.listV1, lost), d.listStatus(onGate, lost))
	other, _ := studentid.ParseSerial(d.holder[d.a.cmis[0].RegistryNo.String()])
	_, otherListed := onGate.Lookup(other)
	d.say("   another student's card %s: %s", other, d.listStatus(onGate, other))
	return d.check(bytes.Equal(onGate.Bytes(), v2.Bytes()) && listed && status.Lost() && !otherListed, "the reader's list shows exactly the lost card")
}

// listStatus says what a reader's list says about a card.
func (d *demo) listStatus(l *lists.List, s studentid.Serial) string {
	st, ok := l.Lookup(s)
	switch {
	case !ok:
		return d.text("not on the list")
	case st.Lost() && st.Frozen():
		return d.text("listed lost and frozen")
	case st.Lost():
		return d.text("listed lost")
	default:
		return d.text("listed frozen")
	}
}

// recordUpload records op's daily upload of everything not sent yet
// (R-OPS-1), which also stops the R-LOSS-1 clock of the losses it carries.
func (d *demo) recordUpload(op lifecycle.Operator) error {
	unsent, err := d.ledger.Unsent(d.ctx, op, 10000)
	if err != nil {
		return d.expect(err, "asking what has not been sent up yet")
	}
	if len(unsent) == 0 {
		return nil
	}
	if _, err := d.ledger.RecordSync(d.ctx, op, lifecycle.SyncDailyUpload, unsent[len(unsent)-1].Seq, true, ""); err != nil {
		return d.expect(err, "recording the daily upload")
	}
	return nil
}
