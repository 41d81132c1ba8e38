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
//
// # ISO/IEC 7816-4 behaviour
//
// [Card] answers as ISO/IEC 7816-4 and common COS practice do, so software
// nobody here wrote (pcsc_scan, scriptor, OpenSC, pyscard) gets the answers
// it expects. The class is checked first, then the instruction, then the
// selection:
//
//	SW    when
//	9000  success
//	61xx  T=0 mode: xx bytes wait for GET RESPONSE (a case 4 command)
//	6282  READ BINARY/RECORD with an Le past the end: the bytes to the end, and this warning
//	63Cx  EXTERNAL AUTHENTICATE cryptogram wrong, x tries left
//	6700  malformed APDU; Le absent on READ BINARY/RECORD; wrong length of a challenge, cryptogram or record
//	6881  logical channel (CLA 01-03) not supported
//	6882  secure messaging (CLA 04) on a command other than UPDATE BINARY / APPEND RECORD
//	6884  command chaining (CLA 10) not supported: the card never ignores the chaining bit
//	6982  student file read or write before EXTERNAL AUTHENTICATE; a plain (CLA 00) write; writing the card info
//	6983  EXTERNAL AUTHENTICATE key blocked; MAC key blocked after WithMACRetries wrong MACs in a row
//	6984  EXTERNAL AUTHENTICATE or a protected write without a fresh GET CHALLENGE
//	6985  a known instruction before the application is selected; GET RESPONSE with nothing pending
//	6988  wrong MAC: nothing written, the security state cleared (authenticate again)
//	6A82  SELECT of another AID; unknown SFI
//	6A83  READ RECORD of a record the log does not hold
//	6A86  SELECT with P1 other than 04 or P2 other than 00/0C; wrong P1-P2 of READ/UPDATE BINARY, APPEND RECORD
//	6A88  INTERNAL/EXTERNAL AUTHENTICATE with another key id
//	6B00  READ BINARY at or beyond the end of the file; UPDATE BINARY past the end
//	6Cxx  Le smaller than a fixed-size answer (FCI, cryptogram, record): xx is the exact length
//	6D00  unknown instruction, before or after SELECT
//	6E00  any class but 00 and 04: proprietary classes and FF, the PC/SC pseudo-APDUs a reader (not a card) answers
//	6581  the random source failed (GET CHALLENGE)
//
// Ne: with Le absent on T=1 a command whose answer is data (SELECT with
// P2 00, INTERNAL AUTHENTICATE) gets 9000 and no data (Ne = 0); an Le
// smaller than a fixed-size answer gets 6Cxx (apdu.Client resends with the
// exact Le), because a truncated FCI or cryptogram is useless; READ BINARY
// reads min(Le, rest) bytes, with 6282 when Le asks for more than the file
// holds and Le is not 00. SELECT P2 0C selects without returning the FCI.
// A failed SELECT keeps the current selection and its security state; a
// successful one resets the security state.
//
// [M1Card] is the other way round: it is the card behind a PC/SC reader's
// storage-card pseudo-APDUs, so it answers class FF only.
package sim
