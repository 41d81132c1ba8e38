package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/card"
	"github.com/bjedu/studentcard/card/m1"
	"github.com/bjedu/studentcard/card/sim"
	"github.com/bjedu/studentcard/lab"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/sam"
	"github.com/bjedu/studentcard/studentid"
)

// keyVersion is the version of the education keys on every card.
const keyVersion = 1

// stepPersonalise is step 3: the city receives initialised registry cards
// and ships them through the district to the school with 8 % spares
// (R-ISSUE-1, R-ISSUE-2); the school's terminal unlocks its SAM with the
// management card (S-6) and personalises a card per student through a
// mutually authenticated session (A-1, A-2, R-ISSUE-3), reporting the
// personalisation records to the district (R-ISSUE-4); the ID card joins
// the registry card in the holder (C-ISSUE-3).
func (d *demo) stepPersonalise() error {
	if err := d.setClock(2026, 9, 2, 14, 0); err != nil {
		return err
	}
	if err := d.issueKeys(); err != nil {
		return err
	}
	serials, err := d.shipStock(d.a)
	if err != nil {
		return err
	}
	if err := d.unlockTerminal(serials[0]); err != nil {
		return err
	}
	var perso []batch.PersoRecord
	var all sim.Stats
	for i, rec := range d.a.cmis {
		serial := serials[i]
		st, err := d.personalise(d.a, serial, rec)
		if err != nil {
			return err
		}
		note := ""
		if i == rareIdx {
			note = d.text(" (name stored in GB18030: rare character, C-4)")
		}
		d.say("     card %s → %s %s: %d APDUs, %.1f ms modelled%s", serial, rec.RegistryNo, mask(rec.Name), st.APDUs, ms(st.Modelled), note)
		all.APDUs += st.APDUs
		all.Modelled += st.Modelled
		id, _ := studentid.Parse(rec.RegistryNo.String())
		perso = append(perso, batch.PersoRecord{RegistryNo: id, CardSerial: serial, At: d.now, Result: batch.PersoOK, Channel: batch.ChannelNet, Operator: d.a.op.User})
	}
	d.say("   %d cards personalised: %d APDUs, %.1f ms modelled in all (%.1f ms a card)", len(d.a.cmis), all.APDUs, ms(all.Modelled), ms(all.Modelled)/float64(len(d.a.cmis)))
	if err := d.checkRareCard(serials[rareIdx]); err != nil {
		return err
	}
	if err := d.reportPerso(perso); err != nil {
		return err
	}
	if err := d.fileSchool(d.a); err != nil {
		return err
	}
	spare, err := d.ledger.StockOf(d.ctx, d.a.op, lifecycle.StockKey{Level: studentid.LevelSchool, Code: d.a.code, Item: lifecycle.StockBlankRegistry})
	if err != nil {
		return d.expect(err, "reading the school's stock")
	}
	d.say("   %s keeps %d blank cards as temporary and spare cards (R-ISSUE-2)", d.a.code, spare)
	return d.check(spare == int64(len(serials)-len(d.a.cmis)), "the spares stay in school stock")
}

// issueKeys is the city's key card: SM4 master keys of the education key
// system, the management key, the terminal's Soft SAM (S-5, A-3). Keys are
// the lab's, from a seed: demo keys, never real ones.
func (d *demo) issueKeys() error {
	// The lab derives the keys and the SAM's id from a seed drawn from the
	// demo's generator: the same -seed, the same keys.
	var seed [16]byte
	if _, err := io.ReadFull(d.reader(), seed[:]); err != nil {
		return err
	}
	keys, err := lab.Keys(sam.SM4, fmt.Sprintf("demo %X", seed))
	if err != nil {
		return d.expect(err, "making the key set")
	}
	d.samID = lab.SAMID(fmt.Sprintf("demo %X", seed))
	d.masters = keys
	if d.terminal, err = sam.NewSoft(d.samID, keys); err != nil {
		return d.expect(err, "loading the terminal's SAM")
	}
	d.say("   city key card: %s master keys %s and a management key, never shown (A-3); the school terminal's SAM %s is registered with the city (S-5, S-6)", keys.Suite(), d.keyNames(keys.Refs()), d.samID)
	return d.check(keys.HasManagementKey() && len(keys.Refs()) == len(lab.Refs()), "the key card holds the card master keys, the M1 sector keys and the management key")
}

// keyNames says what each master key of the key card is for, with its id
// and version.
func (d *demo) keyNames(refs []sam.KeyRef) string {
	names := make([]string, len(refs))
	for i, r := range refs {
		what := d.text("key %02X", r.ID)
		switch r.ID {
		case card.KeyIDInternal:
			what = d.text("internal authentication")
		case card.KeyIDExternal:
			what = d.text("external authentication")
		case card.KeyIDMAC:
			what = d.text("secure-messaging MAC")
		case m1.KeyID:
			what = d.text("M1 sector key")
		}
		names[i] = d.text("%s (id %02X, version %d)", what, r.ID, r.Version)
	}
	return strings.Join(names, d.text(", "))
}

// shipStock is R-ISSUE-1 and R-ISSUE-2: the city receives initialised cards
// from the supplier (one simulated chip each), ships them to the district,
// and the district ships the school its ID-card records plus 8 %.
func (d *demo) shipStock(s *school) ([]string, error) {
	n := lifecycle.SchoolAllocation(len(s.cmis))
	serials := make([]string, 0, n)
	var note strings.Builder
	for len(serials) < n {
		var serial [8]byte
		serial[0], serial[1] = 0x86, 0x05
		r := d.rng.Uint64()
		for i := 2; i < 8; i++ {
			serial[i] = byte(r >> (8 * i))
		}
		info := card.CardInfo{Serial: serial, Type: card.TypeRegistry, Suite: sam.SM4, KeyVersion: keyVersion, AppVersion: 1,
			Issued: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)}
		hex := info.Serial.String()
		if d.chips[hex] != nil {
			continue
		}
		chip, err := sim.New(d.masters, info, sim.WithRand(d.reader()))
		if err != nil {
			return nil, d.expect(err, "initialising card %s", hex)
		}
		d.chips[hex] = chip
		serials = append(serials, hex)
		fmt.Fprintln(&note, hex)
	}
	digest, err := lifecycle.FileDigest(strings.NewReader(note.String()))
	if err != nil {
		return nil, err
	}
	if _, err := d.ledger.ReceiveStock(d.ctx, d.city, digest, serials); err != nil {
		return nil, d.expect(err, "receiving stock at the city")
	}
	for _, serial := range serials {
		if _, err := d.ledger.Transition(d.ctx, d.city, lifecycle.Request{CardID: serial, Action: lifecycle.ActShipToDistrict, Target: s.op.District}); err != nil {
			return nil, d.expect(err, "shipping %s to district %s", serial, s.op.District)
		}
		if _, err := d.ledger.Transition(d.ctx, s.district, lifecycle.Request{CardID: serial, Action: lifecycle.ActShipToSchool, Target: s.code}); err != nil {
			return nil, d.expect(err, "shipping %s to %s", serial, s.code)
		}
	}
	d.say("   city receives %d initialised registry cards from the supplier, ships them to district %s, which ships %s its %d ID-card records + 8%% = %d cards (R-ISSUE-1, R-ISSUE-2)",
		n, s.op.District, s.code, len(s.cmis), n)
	return serials, nil
}

// unlockTerminal is S-6: the terminal's SAM starts locked and every card
// session fails until the reader has read its management card.
func (d *demo) unlockTerminal(serial string) error {
	_, err := d.tap(serial, d.a, func(*card.Session) error { return nil })
	if err := d.check(isRefusal(err, sam.ErrLocked), "a locked SAM opens no session (S-6)"); err != nil {
		return err
	}
	d.sayErr(err, "   terminal starts; a session before the management card is read → refused: %s")
	mc, err := d.masters.ManagementCard(d.samID)
	if err != nil {
		return d.expect(err, "issuing the management card")
	}
	onCard, err := mc.MarshalBinary() // what the reader reads from the management card
	if err != nil {
		return err
	}
	read, err := sam.ParseManagementCard(onCard)
	if err != nil {
		return d.expect(err, "reading the management card")
	}
	if err := d.terminal.Unlock(d.ctx, read); err != nil {
		return d.expect(err, "unlocking the SAM")
	}
	d.say("   the reader reads its management card (%s, for SAM %s) and unlocks its SAM (S-6)", read.Suite(), read.SAM())
	return d.check(read.SAM() == d.terminal.ID(), "the management card is the terminal SAM's")
}

// personalise writes one student into a blank card at the school (card
// session: select, internal and external authentication, two protected
// writes) and records it in the ledger with the card issued and the ID card
// in the holder (R-ISSUE-3, C-ISSUE-3).
func (d *demo) personalise(s *school, serial string, rec batch.CardRecord) (sim.Stats, error) {
	id := rec.RegistryNo
	student, err := card.NewStudent(id, rec.Name, rec.Gender, s.school(), s.name, d.now)
	if err != nil {
		return sim.Stats{}, d.expect(err, "personalising card %s", serial)
	}
	st, err := d.tap(serial, s, func(sess *card.Session) error {
		return sess.Personalise(d.ctx, student)
	})
	if err != nil {
		return st, d.expect(err, "personalising card %s", serial)
	}
	if _, err := d.ledger.Personalise(d.ctx, s.op, serial, id); err != nil {
		return st, d.expect(err, "recording the personalisation of %s", serial)
	}
	if _, err := d.ledger.Transition(d.ctx, s.op, lifecycle.Request{CardID: serial, Action: lifecycle.ActIssue}); err != nil {
		return st, d.expect(err, "issuing %s", serial)
	}
	if idCard, ok := s.idCard[rec.RegistryNo.String()]; ok {
		if _, err := d.ledger.Transition(d.ctx, s.op, lifecycle.Request{CardID: idCard, Action: lifecycle.ActIssue}); err != nil {
			return st, d.expect(err, "issuing ID card %s", idCard)
		}
	}
	d.holder[rec.RegistryNo.String()] = serial
	d.personalised++
	return st, nil
}

// checkRareCard reads the rare-character student's card back: the name
// survives in GB18030 (C-4).
func (d *demo) checkRareCard(serial string) error {
	var got *card.Student
	_, err := d.tap(serial, d.a, func(sess *card.Session) error {
		in, err := sess.Inspect(d.ctx)
		got = in.Student
		return err
	})
	if err != nil {
		return d.expect(err, "reading card %s back", serial)
	}
	return d.check(got != nil && got.Name == rareName, "the rare character reads back from the card")
}

// reportPerso sends the personalisation records to the district in real
// time (R-ISSUE-4); the district reads them back.
func (d *demo) reportPerso(recs []batch.PersoRecord) error {
	var buf bytes.Buffer
	name := "PERSO_" + d.a.code + "_" + d.now.Format("20060102") + ".txt"
	if err := batch.WritePerso(&buf, name, batch.Header{Level: studentid.LevelSchool, Code: d.a.code, Batch: "P" + d.now.Format("20060102"), Created: d.now}, recs); err != nil {
		return d.expect(err, "writing %s", name)
	}
	n := 0
	if _, err := batch.ReadPerso(d.ctx, &buf, name, func(batch.Record, batch.PersoRecord) error { n++; return nil }); err != nil {
		return d.expect(err, "reading %s at the district", name)
	}
	d.say("   %s sends %s online; district %s reads %d personalisation records (R-ISSUE-4)", d.a.code, name, d.a.op.District, n)
	return d.check(n == len(recs), "every personalisation record reaches the district")
}

// fileSchool is R-ISSUE-5: with every card of the school issued, the school
// makes the whole-school registry filing file and the district imports it.
func (d *demo) fileSchool(s *school) error {
	recs := make([]batch.FilingRecord, 0, len(s.cmis))
	for _, r := range s.cmis {
		id, err := studentid.Parse(r.RegistryNo.String())
		if err != nil {
			return err
		}
		recs = append(recs, batch.FilingRecord{RegistryNo: id, Name: r.Name, ResidentID: r.ResidentID, CardSerial: d.holder[r.RegistryNo.String()], IssuedOn: d.now.Format("20060102")})
	}
	var buf bytes.Buffer
	name := "FILING_" + s.code + ".txt"
	if err := batch.WriteFiling(&buf, name, batch.Header{Level: studentid.LevelSchool, Code: s.code, Batch: "L" + d.now.Format("20060102"), Created: d.now}, recs); err != nil {
		return d.expect(err, "writing %s", name)
	}
	n := 0
	if _, err := batch.ReadFiling(d.ctx, &buf, name, func(batch.Record, batch.FilingRecord) error { n++; return nil }); err != nil {
		return d.expect(err, "reading %s at the district", name)
	}
	d.say("   every card of %s is issued: it sends the registry filing file %s; district %s imports %d students (R-ISSUE-5)", s.code, name, s.op.District, n)
	return d.check(n == len(s.cmis), "the filing file holds every student")
}

// stepRegister is step 4: at the start of the autumn semester every student
// taps the card once (R-REG-1); the card logs the semester and the ledger
// keeps the card valid until the end of the next window.
func (d *demo) stepRegister() error {
	if err := d.setClock(2026, 9, 7, 8, 0); err != nil {
		return err
	}
	sem := card.SemesterOf(d.now)
	before, beforeTime := d.apdus, d.modelled
	for i, rec := range d.a.cmis {
		serial := d.holder[rec.RegistryNo.String()]
		var state card.State
		st, err := d.tap(serial, d.a, func(sess *card.Session) error {
			err := sess.Register(d.ctx, sem)
			state = sess.State()
			return err
		})
		if err != nil {
			return d.expect(err, "registering card %s", serial)
		}
		c, err := d.ledger.Register(d.ctx, d.a.op, serial)
		if err != nil {
			return d.expect(err, "recording the registration of %s", serial)
		}
		if err := d.check(state.Semester == sem && state.Registered(d.now) && d.ledger.RegistrationValid(c), "card %s is registered for %s", serial, sem); err != nil {
			return err
		}
		if i == 0 {
			d.say("   card %s taps: registered for semester %s, %d APDUs, %.1f ms modelled; valid until %s unless registered again (R-REG-1)",
				serial, sem, st.APDUs, ms(st.Modelled), c.ValidUntil.In(lifecycle.Beijing()).Format("2006-01-02"))
		}
	}
	d.say("   %d registration taps: %d APDUs, %.1f ms modelled", len(d.a.cmis), d.apdus-before, ms(d.modelled-beforeTime))
	return nil
}

// tap is one card session: the student's card enters the field, the
// terminal opens an authenticated session (SELECT, INTERNAL AUTHENTICATE,
// GET CHALLENGE, EXTERNAL AUTHENTICATE) and runs op. It returns what crossed
// the air interface and counts it in the totals.
func (d *demo) tap(serial string, s *school, op func(*card.Session) error) (sim.Stats, error) {
	chip := d.chips[serial]
	if chip == nil {
		return sim.Stats{}, &checkError{what: "card " + serial + " exists"}
	}
	chip.Reset()
	chip.ResetStats()
	sess, err := card.Open(d.ctx, chip, d.terminal, card.WithSchool(s.school()), card.WithClock(d.clock), card.WithRand(d.reader()))
	if err == nil {
		err = op(sess)
	}
	st := chip.Stats()
	d.apdus += st.APDUs
	d.modelled += st.Modelled
	d.taps++
	return st, err
}

// ms is a duration in milliseconds.
func ms(t time.Duration) float64 { return float64(t) / float64(time.Millisecond) }

// isCardState reports whether err is the card refusing an operation in its
// current status.
func isCardState(err error) bool {
	var se *card.StateError
	return errors.As(err, &se)
}
