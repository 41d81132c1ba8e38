package apdu

// Constructors for the commands a registry-card session and its tests need
// (ISO/IEC 7816-4; shapes of SPEC §8). Each returns a plain [Command] the
// caller may adjust (e.g. CLA 04 for a secure-messaging write). Data
// arguments are referenced, not copied.

// Instruction bytes of the commands built here and named in traces.
const (
	INSSelect               byte = 0xA4
	INSReadBinary           byte = 0xB0
	INSReadRecord           byte = 0xB2
	INSGetResponse          byte = 0xC0
	INSUpdateBinary         byte = 0xD6
	INSUpdateRecord         byte = 0xDC
	INSAppendRecord         byte = 0xE2
	INSGetChallenge         byte = 0x84
	INSExternalAuthenticate byte = 0x82
	INSInternalAuthenticate byte = 0x88
	INSVerify               byte = 0x20
)

// GetChallenge is GET CHALLENGE, 00 84 00 00 Le: the card returns n random
// bytes (SPEC §8: 4 or 8), the challenge of mutual authentication (SPEC A-2).
func GetChallenge(n int) Command {
	return Command{INS: INSGetChallenge, Le: n}
}

// ExternalAuthenticate is EXTERNAL AUTHENTICATE, 00 82 00 keyID Lc
// cryptogram: the terminal proves itself with the card's challenge
// encrypted by the SAM under the card's diversified key (SPEC A-2).
func ExternalAuthenticate(keyID byte, cryptogram []byte) Command {
	return Command{INS: INSExternalAuthenticate, P2: keyID, Data: cryptogram}
}

// InternalAuthenticate is INTERNAL AUTHENTICATE, 00 88 00 keyID Lc random
// 00: the card proves itself by encrypting the terminal's random (SPEC
// Le 00 (up to 256 bytes) makes it an ISO case 4 command; over T=0
// the card answers 61xx and the [Client] fetches the answer.
func InternalAuthenticate(keyID byte, random []byte) Command {
	return Command{INS: INSInternalAuthenticate, P2: keyID, Data: random, Le: MaxShortLe}
}

// SelectByName is SELECT by DF name, 00 A4 04 00 Lc aid 00: selects an
// application (the education application, the transit DF) and asks for its
// FCI.
func SelectByName(aid []byte) Command {
	return Command{INS: INSSelect, P1: 0x04, Data: aid, Le: MaxShortLe}
}

// SelectByFileID is SELECT by file identifier, 00 A4 00 00 02 fid (e.g.
// 3F00 for the MF, 1001 for the transit DF), without Le, as the public
// reader code of SPEC §8 sends it.
func SelectByFileID(fid uint16) Command {
	return Command{INS: INSSelect, Data: []byte{byte(fid >> 8), byte(fid)}}
}

// GetResponse is GET RESPONSE, 00 C0 00 00 Le: fetch le bytes a card
// announced with 61xx. [Client] sends it itself unless told not to.
func GetResponse(le int) Command {
	return Command{INS: INSGetResponse, Le: le}
}

// ReadBinary is READ BINARY, 00 B0 P1 P2 Le. With sfi 1…30 the file is named
// by its short identifier (P1 = 80 | sfi) and offset is 0…255 (SPEC §8:
// SFI 04 card info, SFI 05 counter); with sfi 0 the current file is read
// from offset 0…32767. le is the number of bytes wanted (256 for "up to
// 256").
func ReadBinary(sfi byte, offset int, le int) (Command, error) {
	c := Command{INS: INSReadBinary, Le: le}
	return binaryAddress(c, sfi, offset)
}

// UpdateBinary is UPDATE BINARY, 00 D6 P1 P2 Lc data, addressed like
// [ReadBinary]. For a protected write (SPEC §8) set CLA to 04 and append the
// MAC to Data.
func UpdateBinary(sfi byte, offset int, data []byte) (Command, error) {
	c := Command{INS: INSUpdateBinary, Data: data}
	if len(data) == 0 {
		return Command{}, &FieldError{Command: c.Header(), Field: "Lc", Value: 0, Expected: expDataNonEmpty, Err: ErrOutOfRange}
	}
	return binaryAddress(c, sfi, offset)
}

func binaryAddress(c Command, sfi byte, offset int) (Command, error) {
	switch {
	case sfi > 30:
		return Command{}, &FieldError{Command: c.Header(), Field: "SFI", Value: int(sfi), Expected: expSFI, Err: ErrOutOfRange}
	case sfi == 0 && (offset < 0 || offset > 0x7FFF):
		return Command{}, &FieldError{Command: c.Header(), Field: "offset", Value: offset, Expected: expOffset, Err: ErrOutOfRange}
	case sfi != 0 && (offset < 0 || offset > 0xFF):
		return Command{}, &FieldError{Command: c.Header(), Field: "offset", Value: offset, Expected: expOffsetSFI, Err: ErrOutOfRange}
	case sfi == 0:
		c.P1, c.P2 = byte(offset>>8), byte(offset)
	default:
		c.P1, c.P2 = 0x80|sfi, byte(offset)
	}
	return c, nil
}

// ReadRecord is READ RECORD, 00 B2 record P2 Le, with P2 = sfi<<3 | 04
// (record number in P1). sfi 0 means the current file, record 0 the current
// record.
func ReadRecord(sfi, record byte, le int) (Command, error) {
	return recordAddress(Command{INS: INSReadRecord, Le: le}, sfi, record, 0x04)
}

// UpdateRecord is UPDATE RECORD, 00 DC record P2 Lc data, addressed like
// [ReadRecord].
func UpdateRecord(sfi, record byte, data []byte) (Command, error) {
	c := Command{INS: INSUpdateRecord, Data: data}
	if len(data) == 0 {
		return Command{}, &FieldError{Command: c.Header(), Field: "Lc", Value: 0, Expected: expDataNonEmpty, Err: ErrOutOfRange}
	}
	return recordAddress(c, sfi, record, 0x04)
}

// AppendRecord is APPEND RECORD, 00 E2 00 P2 Lc data, with P2 = sfi<<3
// (sfi 0: the current file): adds a record to a cyclic or linear file, such
// as a log of registry operations.
func AppendRecord(sfi byte, data []byte) (Command, error) {
	c := Command{INS: INSAppendRecord, Data: data}
	if len(data) == 0 {
		return Command{}, &FieldError{Command: c.Header(), Field: "Lc", Value: 0, Expected: expDataNonEmpty, Err: ErrOutOfRange}
	}
	return recordAddress(c, sfi, 0, 0x00)
}

func recordAddress(c Command, sfi, record, mode byte) (Command, error) {
	if sfi > 30 {
		return Command{}, &FieldError{Command: c.Header(), Field: "SFI", Value: int(sfi), Expected: expSFI, Err: ErrOutOfRange}
	}
	if record == 0xFF {
		return Command{}, &FieldError{Command: c.Header(), Field: "record", Value: int(record), Expected: expRecord, Err: ErrOutOfRange}
	}
	c.P1, c.P2 = record, sfi<<3|mode
	return c, nil
}
