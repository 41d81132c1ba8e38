package main

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/card"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

// The students of steps 6 and 7.
const (
	moveIdx  = 21 // transfers from school A to school B
	leaveIdx = 30 // leaves Beijing; the card is recovered
)

// stepTransfer is step 6: school A performs the transfer-out on the card,
// school B the transfer-in before it personalises the card (R-MOVE-1); the
// ledger's scopes keep school A's hands off the card from then on (S-4), and
// the refusal is audited.
func (d *demo) stepTransfer() error {
	if err := d.setClock(2026, 10, 12, 9, 0); err != nil {
		return err
	}
	rec := d.a.cmis[moveIdx]
	serial, key := d.holder[rec.RegistryNo.String()], "G"+rec.ResidentID
	id, err := studentid.Parse(rec.RegistryNo.String())
	if err != nil {
		return err
	}
	st, err := d.tap(serial, d.a, func(s *card.Session) error { return s.TransferOut(d.ctx) })
	if err != nil {
		return d.expect(err, "transfer-out on card %s", serial)
	}
	if err := d.ledger.TransferOut(d.ctx, d.a.op, key); err != nil {
		return d.expect(err, "recording the transfer-out")
	}
	d.say("   %s performs the transfer-out on card %s of %s: %d APDUs, %.1f ms; the card travels with the student (R-MOVE-1)", d.a.code, serial, mask(rec.Name), st.APDUs, ms(st.Modelled))

	if err := d.setClock(2026, 10, 14, 9, 0); err != nil {
		return err
	}
	// School B's record of the student: the number still names school A,
	// the card names school B (R-MOVE-1).
	student, err := card.NewStudent(id, rec.Name, rec.Gender, d.b.school(), d.b.name, d.now)
	if err != nil {
		return d.expect(err, "personalising card %s", serial)
	}
	_, err = d.tap(serial, d.b, func(s *card.Session) error { return s.Personalise(d.ctx, student) })
	if err := d.check(isCardState(err), "the card refuses personalisation before the transfer-in"); err != nil {
		return err
	}
	d.sayErr(err, "   %s tries to personalise the card before the transfer-in → the card refuses: %s", d.b.code)
	_, err = d.ledger.Personalise(d.ctx, d.b.op, serial, id)
	var re *lifecycle.RuleError
	if err := d.check(errors.As(err, &re) && re.Rule == "R-MOVE-1", "the ledger refuses it under R-MOVE-1"); err != nil {
		return err
	}
	d.sayErr(err, "     and so does the ledger: %s")
	st, err = d.tap(serial, d.b, func(s *card.Session) error { return s.TransferIn(d.ctx) })
	if err != nil {
		return d.expect(err, "transfer-in on card %s", serial)
	}
	if err := d.ledger.TransferIn(d.ctx, d.b.op, key); err != nil {
		return d.expect(err, "recording the transfer-in")
	}
	d.say("   %s performs the transfer-in: %d APDUs, %.1f ms (R-MOVE-1)", d.b.code, st.APDUs, ms(st.Modelled))
	if st, err = d.personalise(d.b, serial, rec); err != nil {
		return err
	}
	d.say("   %s personalises the card with its own school data: %d APDUs, %.1f ms; the card is issued again (R-ISSUE-3)", d.b.code, st.APDUs, ms(st.Modelled))

	_, err = d.ledger.Transition(d.ctx, d.a.op, lifecycle.Request{CardID: serial, Action: lifecycle.ActFreeze, Reason: "by mistake"})
	if err := d.check(isRefusal(err, lifecycle.ErrForbidden), "school A may no longer act on the card (S-4)"); err != nil {
		return err
	}
	d.sayErr(err, "   %s, by mistake, tries to freeze the card now at school B → refused: %s", d.a.code)
	e, err := d.ledger.AuditHead(d.ctx, d.a.district, lifecycle.AuditChainFor(d.a.op))
	if err != nil {
		return d.expect(err, "reading audit chain %s", lifecycle.AuditChainFor(d.a.op))
	}
	d.anchor = lifecycle.AuditAnchor{Seq: e.Seq, Hash: e.Hash}
	d.say("     %s's audit chain, entry %d: %s by %s on %s, rule %s, outcome %s; the district keeps this head outside the store as its anchor (S-4, P-3)",
		d.chainName(e.Chain), e.Seq, lifecycle.Action(e.Action).Localize(d.tag), e.Operator.User, e.Subject, e.Rule, lifecycle.Outcome(e.Outcome).Localize(d.tag))
	return d.check(e.Outcome == string(lifecycle.OutcomeRefused) && e.Subject == serial && e.Chain == d.a.op.District && lifecycle.Action(e.Action) == lifecycle.ActFreeze, "the refusal is audited in district 05's chain")
}

// stepRecover is step 7: a student leaves Beijing; the card is frozen at
// once (R-LEAVE-1); on the district's request the school recovers the card
// once the e-purse is refunded and gets a recovery slip (R-RECOVER-1,
// R-LEAVE-2).
func (d *demo) stepRecover() error {
	if err := d.setClock(2026, 10, 19, 9, 0); err != nil {
		return err
	}
	rec := d.a.cmis[leaveIdx]
	serial := d.holder[rec.RegistryNo.String()]
	id, err := studentid.Parse(rec.RegistryNo.String())
	if err != nil {
		return err
	}
	lv, err := d.ledger.Leave(d.ctx, d.a.op, "G"+rec.ResidentID, "moved out of Beijing")
	if err != nil {
		return d.expect(err, "recording the leaving")
	}
	st, err := d.tap(serial, d.a, func(s *card.Session) error { return s.Freeze(d.ctx) })
	if err != nil {
		return d.expect(err, "freezing card %s", serial)
	}
	d.say("   %s of %s leaves Beijing: card %s frozen at once in the ledger and on the card (%d APDUs) (R-LEAVE-1)", mask(rec.Name), d.a.code, serial, st.APDUs)

	if err := d.setClock(2026, 10, 21, 10, 0); err != nil {
		return err
	}
	slip := batch.RecoveryRecord{SlipNo: "HS" + d.now.Format("20060102") + "-01", CardSerial: serial, RegistryNo: id, Cohort: id.Cohort(),
		EPurse: batch.EPurseActive, RecoveredOn: d.now.Format("20060102"), Handler: d.a.op.User}
	var file bytes.Buffer
	name := fmt.Sprintf("RECOVERY_%s_%s.txt", d.a.code, d.now.Format("20060102"))
	sender := batch.Header{Level: studentid.LevelSchool, Code: d.a.code, Batch: slip.SlipNo, Created: d.now}
	err = batch.WriteRecoveries(&file, name, sender, []batch.RecoveryRecord{slip})
	if err := d.check(isRefusal(err, batch.ErrEPurseActive), "no recovery while the e-purse is active"); err != nil {
		return err
	}
	d.sayErr(err, "   district %s asks for the card back; the slip is refused while the transit e-purse is active: %s (R-RECOVER-1)", d.a.op.District)
	d.say("   the student stops the e-purse and takes the balance at a transit office")
	st, err = d.tap(serial, d.a, func(s *card.Session) error { return s.Recover(d.ctx) })
	if err != nil {
		return d.expect(err, "recovering card %s", serial)
	}
	lv, err = d.ledger.Recover(d.ctx, d.a.op, lv.ID, d.a.op.User)
	if err != nil {
		return d.expect(err, "recording the recovery")
	}
	slip.EPurse = batch.EPurseRefunded
	d.papers.recoveries = []batch.RecoveryRecord{slip}
	file.Reset()
	if err := batch.WriteRecoveries(&file, name, sender, []batch.RecoveryRecord{slip}); err != nil {
		return d.expect(err, "writing the recovery slip")
	}
	d.say("   recovery operation on the card: %d APDUs, %.1f ms; personal data wiped, never reused; boxed in %s by %s (R-LEAVE-2)", st.APDUs, ms(st.Modelled), lv.Box, lv.Handler)
	rows := 0
	if _, err := batch.ReadRecoveries(d.ctx, &file, name, func(_ batch.Record, r batch.RecoveryRecord) error {
		rows++
		d.say("   recovery slip %s: card %s, student %s, cohort %02d, e-purse %s, handed in %s by %s (R-RECOVER-1)", r.SlipNo, r.CardSerial, r.RegistryNo, r.Cohort, r.EPurse, r.RecoveredOn, r.Handler)
		return nil
	}); err != nil {
		return d.expect(err, "reading the recovery slip at the district")
	}
	var inspected card.Inspection
	if _, err := d.tap(serial, d.a, func(s *card.Session) error {
		var err error
		inspected, err = s.Inspect(d.ctx)
		return err
	}); err != nil {
		return d.expect(err, "inspecting card %s", serial)
	}
	leavers, err := d.ledger.Leavers(d.ctx, d.a.district, d.a.code, fmt.Sprintf("%02d", id.Cohort()))
	if err != nil {
		return d.expect(err, "listing the leavers")
	}
	recovered, thisOne := 0, false
	for _, l := range leavers {
		if l.Recovered {
			recovered++
			thisOne = thisOne || (l.Number == rec.RegistryNo.String() && l.CardID == serial)
		}
	}
	d.say("   district %s's list of leaving and recovered students of %s, cohort %02d: %d student(s) (with the one who left in June, who had no card yet), %d card(s) recovered (R-LEAVE-2)", d.a.op.District, d.a.code, id.Cohort(), len(leavers), recovered)
	return d.check(rows == 1 && inspected.State.Status == card.Recovered && inspected.Student == nil && len(leavers) == 2 && recovered == 1 && thisOne,
		"the card is recovered and wiped, and listed")
}
