// Package sam is the security side of the student card system: cipher
// suites, key diversification, and SAMs (security access modules) that
// hold the education key system's keys (SPEC S-5) and never give them out
// (SPEC A-3).
//
// A card session asks a [SAM] for the cryptogram of a card challenge
// (external authentication, SPEC A-2), to check a card's internal
// authentication answer (SPEC A-1), for secure-messaging MACs and for
// encrypted data — always by key reference ([KeyRef]) and the card's
// [Diversifier] (its serial, or its UID padded by [UIDDiversifier]); the SAM
// derives the card's key inside.
//
// Two suites are values of [Algorithm]: [TDES] (two-key 3DES EDE, PBOC retail
// MAC) and [SM4] (GB/T 32907, SM4 CBC-MAC), SPEC §8. Two SAMs implement
// [SAM]: [Soft] holds keys in memory (tests, demo, labs); [PSAM] drives a
// real PSAM over an apdu.Transport with 80 1A / 80 FA. [PSAMSimulator]
// speaks those commands over the same soft crypto so the driver can be
// tested without hardware.
//
// Every SAM starts locked. The reader must read its management card (管理卡)
// after every start and pass it to Unlock (SPEC S-6); until then every
// operation fails with [ErrLocked].
//
// The issuer side — the city's key card — is a [KeySet]: it loads a SAM,
// issues management cards ([KeySet.ManagementCard]) and personalises cards
// ([KeySet.CardKeys]). KeySet, [CardKeys], [ManagementCard] and the SAMs
// print only key ids, never key bytes, and errors carry lengths and key
// references, never values.
package sam
