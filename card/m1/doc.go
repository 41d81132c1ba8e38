// Package m1 reads and upgrades the old Mifare Classic 1K ("M1") registry
// cards still in the field (SPEC A-4, §8) through a PC/SC reader's
// pseudo-APDUs, with sector keys the SAM derives from the card's UID: [Open]
// authenticates the education sector, [Card.Read] decodes it in either
// layout and [Card.Upgrade] migrates it to the current layout and keys. The
// CPU registry card is package card's.
//
// # The education sector
//
// The education sector (default sector 14, blocks 56-59) has three data
// blocks and a trailer. Both layouts keep the name in block 1 unchanged, so
// a GB2312 name survives an upgrade byte for byte.
//
// Legacy layout (1), as found in the field:
//
//	block 0   registry number, 16 ASCII digits
//	block 1   name, GB2312, zero-padded (at most 8 characters)
//	block 2   0-5 school code, 6 ASCII digits; 6 gender, ASCII '1'/'2';
//	          7 status (01 in use, 02 frozen, 03 cancelled);
//	          8-11 valid until, BCD YYYYMMDD; 12-13 last registered year,
//	          BCD; 14 term; 15 XOR of bytes 0-14
//	trailer   key A ‖ 78 77 88 01 ‖ key B, keys of version 1
//
// Current layout (2), written by [Card.Upgrade]:
//
//	block 0   0 tag E2; 1-8 registry number BCD; 9-11 school code BCD;
//	          12 gender; 13 stage; 14 status ([card.Status]); 15 XOR of 0-14
//	block 1   name, GB18030, zero-padded (16 bytes)
//	block 2   0 tag E3; 1-2 last registered year BCD; 3 term;
//	          4-7 valid from BCD (00000000 if unknown); 8-11 valid until
//	          BCD; 12-14 reserved 00; 15 XOR of 0-14
//	trailer   key A ‖ 78 77 88 02 ‖ key B, keys of version 2
//
// Access bits 78 77 88: data blocks read with key A or B, written with key
// B only; the trailer's keys and access bits written with key B only; key
// B never readable. Both keys are derived in the SAM, never stored in the
// terminal: key = the first 6 bytes of SAM.Encrypt(KeyRef{KeyID,
// version}, sam.UIDDiversifier(uid), sector ‖ 60 for key A or 61 for key B).
// The terminal authenticates with key B for everything.
//
// A vendor's first calls: [Open] with the reader's transport and the
// terminal's SAM, then [Card.Read] or [Card.Upgrade]; an issuer keying new
// cards uses [Trailer] and [Encode].
package m1
