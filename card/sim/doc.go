// Package sim is a virtual registry card: a small COS that speaks exactly
// the APDUs a card session of package card sends, so terminals — ours and
// vendors' CMIS — can be tested with no hardware.
//
// [Card] is a CPU registry card holding the education application (files,
// keys and FCI as package card documents): SELECT by AID, READ BINARY,
// READ RECORD, UPDATE BINARY and APPEND RECORD in secure messaging (CLA 04,
// MAC over header and data with the last GET CHALLENGE as IV, the challenge
// used up by the attempt), GET CHALLENGE, INTERNAL AUTHENTICATE, EXTERNAL
// AUTHENTICATE with a retry counter that blocks the key, and GET RESPONSE
// in T=0 mode ([WithT0]). It is keyed the way the issuer keys a real chip:
// the issuer's master keys (a sam.KeySet, the same that loads a Soft SAM)
// diversified by the card's serial.
//
// [M1Card] is a Mifare Classic 1K behind a PC/SC reader: GET UID, LOAD
// KEYS, GENERAL AUTHENTICATE, READ and UPDATE BINARY pseudo-APDUs, with the
// trailers' access bits enforced.
//
// Both implement apdu.Transport and offer ATR, PowerOn, PowerOff and Reset,
// the methods a virtual reader (adapters/vpcd) serves them through. Both
// count APDUs and bytes ([Stats]), model contactless time per exchange as
// 4 ms + 8·(command + response bytes)/106 kbit/s ([ExchangeTime]), and
// inject faults: a tear after APDU k with or without executing it ([Card.Tear]),
// removal ([Card.Remove]), a flipped MAC ([Card.FlipNextMAC]) and wrong
// keys ([WithWrongKey]). Writes are atomic per APDU, as on real COSes with
// anti-tearing.
package sim
