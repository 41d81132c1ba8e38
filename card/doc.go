// Package card is what a school terminal does to a registry card (学籍卡,
// SPEC §5, §6, §8): mutual authentication through a SAM, personalisation,
// semester registration, transfer out and in, freeze, cancel, the extension
// area, recovery, and the upgrade of old M1 cards — each in as few APDUs as
// the protocol allows, and correct when the card is pulled away half-way.
//
// # The education application (CPU card)
//
// The application is a DF under the MF, selected by name. Every default
// below is ours to define (SPEC §8 leaves the education DF to us); a vendor
// COS that numbers them differently (AID, SFIs, key ids) is configured, not
// forked: a [Profile] ([DefaultProfile] is the table below) passed to
// [WithProfile], and the same to card/sim's WithProfile.
//
//	AID            F0 42 4A 45 44 55 01  ("BJEDU" 01, proprietary RID F0), DF 1002
//	FCI            6F { 84 AID, A5 { 9F0C card info (16), C1 state (16) } }:
//	               SELECT alone gives the serial, suite, key version and state
//
//	SFI  file               size        content                            read        write
//	15   card info          16          serial (8), card type, suite,      always      never (issuer)
//	                                    key version, app version,
//	                                    issue date BCD
//	16   student records    2 × 96      two slots (current and shadow) of  after A-2   SM (MAC) after A-2
//	                                    the student record: registry
//	                                    number BCD, name, gender, stage,
//	                                    school code and name, validity
//	17   operation log      10 × 16     cyclic; record 1 is the newest     always      APPEND RECORD, SM after A-2
//	                                    and IS the card state (see State)
//	18   extension area     64          the application units' data        always      SM after A-2
//	                                    once opened (R-DAILY-1)
//
//	key id  use                                   diversified by    notes
//	01      INTERNAL AUTHENTICATE (card, A-1)     card serial       -
//	02      EXTERNAL AUTHENTICATE (terminal, A-2) card serial       3 tries, then blocked (6983)
//	03      secure-messaging MAC of writes        card serial       IV = fresh 4-byte GET CHALLENGE
//	10      M1 sector keys A and B                M1 UID + sector   version 1 legacy, 2 current
//
// Keys live only in the SAM (master keys) and in the card (its diversified
// keys, SPEC A-3); the terminal holds none. Names and school names are
// stored in GB2312, or GB18030 when a rare character needs it (the charset
// byte says which); a character that cannot be stored is a [*NameError]
// naming it (SPEC C-4). Layouts: [CardInfo], [Student], [State].
//
// # Status
//
//	value  status           reached by                          allows
//	00     blank            chip initialised                    personalise
//	01     personalised     personalise, unfreeze               register, freeze, transfer out, cancel,
//	                                                            open/recycle extension, recover
//	02     frozen           freeze (R-LEAVE-1, R-DAILY-1)        unfreeze, transfer out, cancel, recover
//	03     cancelled        cancel (R-DAILY-1)                   recover
//	04     recovered        recover (R-RECOVER-1, R-LEAVE-2)     nothing: final, personal data wiped
//	05     transferred out  transfer out (R-MOVE-1)              transfer in, cancel, recover
//	06     transferred in   transfer in (R-MOVE-1)               personalise (at the new school), recover
//
// Any other operation fails with a [*StateError] naming the status. An
// operation whose result the card already shows succeeds without writing,
// so a terminal that lost an answer simply repeats it.
//
// # Sessions and APDU counts (contactless, T=1)
//
//	Open (mutual authentication)  SELECT, INTERNAL AUTH, GET CHALLENGE, EXTERNAL AUTH     4
//	Register, Freeze, ...         Open + GET CHALLENGE + APPEND RECORD (SM)               6
//	Personalise                   Open + 2 × (GET CHALLENGE + protected write)            8
//	RecycleExtension              Open + 3 protected writes                               10
//	Recover                       Open + 4 protected writes                               12
//
// Every protected write is preceded by GET CHALLENGE: the MAC's IV is that
// fresh card random, which the card uses up, so a recorded write or
// authentication cryptogram can never be replayed.
//
// # Tear safety
//
// Each APDU is atomic on the card (as real COSes guarantee), and every
// operation is ordered so that a tear after any APDU leaves the card as
// before, as after, or with a pending record the next [Open] completes:
//
//   - single-record operations: the APPEND RECORD is the whole operation;
//   - personalisation: shadow paging — the record goes into the shadow slot
//     of SFI 16, then the state record names that slot as current;
//   - recovery and recycling the extension: a pending record first, then the
//     wipes, then the final record; Open finishes a pending operation.
//
// The tests tear the simulated card (package card/sim) after every APDU of
// every operation, in both tear modes, and check exactly this.
//
// # M1 legacy cards
//
// Old Mifare Classic registry cards (SPEC A-4) are package card/m1's: read
// through a PC/SC reader's pseudo-APDUs with sector keys the SAM derives
// from the UID, and upgraded to the current layout and keys.
package card
