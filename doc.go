// Package studentcard is the map of the Beijing primary and secondary school
// student card SDK (北京市中小学学生卡). It holds no code; the packages below
// it do the work, each traced to the rule ids of RULES.md (each rule in our
// words, with its Chinese source sentence).
//
// # The system
//
// Every student holds a card pair in one holder (rule S-1): a printed ID card
// (证件卡) and a contactless registry card (学籍卡) that carries the registry
// record and the transit e-purse. Three tiers — city, district, school (S-4) —
// make, issue, personalise, register, freeze, report lost, transfer and
// recover those cards, passing files up and down and authenticating every card
// against a SAM (S-5, A-1, A-2).
//
// # Which package does what
//
//	studentid          registry number (学籍号), resident ID, personal code: parse, validate, build
//	l10n               Chinese and English texts of every user-facing error
//	apdu               ISO 7816-4 codec, status words as errors, BER-TLV, Transport, Client, trace
//	sam                SAM interface, 3DES and SM4 suites, Soft SAM, PSAM driver
//	card, card/sim     the education application on the registry card; a virtual card
//	batch, batch/lists files between tiers; loss/freeze lists and the compact reader list
//	lifecycle          card lives: state machines, calendar, deadlines, stock, scopes, audit, Store
//	adapters/pcsc      PC/SC readers (cgo over pcsc-lite; winscard.dll on Windows)
//	adapters/vpcd      serves a virtual card to pcscd's vpcd reader driver
//	adapters/sqlite    lifecycle.Store on SQLite: the embedded default
//	adapters/postgres  lifecycle.Store on PostgreSQL: city scale
//	adapters/cmis      import of CMIS exports (xlsx, csv)
//	examples/demo      the whole flow on embedded defaults: go run ./examples/demo
//	examples/cardctl   the operator's command line
//	lab                test/lab-only fixture: seeded keys, unlocked Soft SAM, simulated cards
//	sam/samtest        conformance suite every SAM (Soft, PSAM, a vendor's HSM) passes
//	lifecycle/storetest conformance suite every lifecycle.Store passes
//	l10n/l10ntest      the "every text has Chinese" check of a package's tests
//
// # First calls per role
//
// Each role has a runnable example in this package (example_roles_test.go):
//
//	role            example              first calls
//	school          Example_school       cmis.Import → batch.NewPackageWriter (CardData, Photo) → Close
//	district/city   Example_district     batch.CheckPackage (Validator, NewFailureWriter) → batch.ReadFailures or batch.MergePackage
//	terminal        Example_terminal     sam.NewPSAM + Unlock (lab.New in a lab) → card.NewStudent → card.Open → Session.Personalise → Session.Register
//	ledger author   Example_ledgerAuthor implement lifecycle.Store → storetest.Run in a test → lifecycle.NewLedger
//	SAM vendor      (sam/samtest)        samtest.Run(t, suite, samtest.Harness{New: …}) in a test
//	reader vendor   (adapters/pcsc)      an apdu.Transport; card.Open takes it
//
// Dependencies flow downward only: studentid and apdu at the bottom, sam on
// apdu, card on sam; batch on studentid; lifecycle on batch, card and
// studentid; adapters import what they adapt; nothing imports adapters or
// examples.
//
// # One vocabulary and injected clocks
//
// A concept has one type, defined in the lowest package that needs it:
// district, school, level, sex, stage, card serial and registry number live in
// studentid ([studentid.District] in its 4-digit form "0108",
// [studentid.School] in its 8-digit form, [studentid.Level],
// [studentid.Serial], [studentid.ID]; a struct field holding a registry
// number is named RegistryNo, and RawRegistryNo when it is the unparsed text
// of a bad record). Every package that reads the time takes it as a
// func() time.Time (lifecycle.Config.Clock, card.WithClock, …), never
// time.Now directly, so flows are reproducible; a nil clock is a
// configuration error wherever one is required, and so is a nil check-digit
// scheme in lifecycle.Config (S-ID-6: no silent fallback to the reference
// scheme).
//
// # A tour
//
// A school validates its CMIS export and writes the card-making data file
// (batch, C-MAKE-1); the district and the city validate it all-or-nothing
// (C-MAKE-2, C-MAKE-3) and answer a failure file when any record is wrong.
// The factory's result file comes down and is split per district and school,
// with handover sheets (C-ISSUE-1, C-ISSUE-2). At the school, a terminal opens
// a card session — select, internal and external authentication against the
// SAM — and personalises the registry card (card, R-ISSUE-3); each semester a
// tap registers it (R-REG-1). Losses and freezes go up as daily lists and come
// back down as a signed compact list every reader can search (batch/lists,
// R-LIST-1). The ledger (lifecycle) records every transition with its
// operator, checks the operator's scope, keeps the deadlines on the official
// working-day calendar, and chains every audit entry to the one before.
package studentcard
