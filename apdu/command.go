package apdu

import (
	"fmt"
	"strconv"
)

// Length limits of ISO/IEC 7816-4 (clause 5.1). Short APDUs carry up to 255
// data bytes and expect up to 256; extended APDUs up to 65535 and 65536.
const (
	MaxShortData    = 255
	MaxExtendedData = 65535
	MaxShortLe      = 256
	MaxExtendedLe   = 65536
)

// Header is the four mandatory bytes of a command APDU. Errors carry it so a
// log says which command failed without showing the command's data.
type Header struct {
	CLA, INS, P1, P2 byte // class, instruction, parameters
}

// String renders the header as "00 82 00 01".
func (h Header) String() string {
	const hexdigits = "0123456789ABCDEF"
	b := [11]byte{' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '}
	for i, v := range [4]byte{h.CLA, h.INS, h.P1, h.P2} {
		b[3*i] = hexdigits[v>>4]
		b[3*i+1] = hexdigits[v&0x0F]
	}
	return string(b[:])
}

// Command is a command APDU. The zero Le means the command has no Le field
// (ISO 7816-4 cases 1 and 3); Le = 256 is encoded as the short Le byte 00 and
// Le = 65536 as the extended Le 00 00, so "no Le" and "as much as you have"
// are never confused.
//
// Encoding picks the short form when Data and Le fit and the extended form
// otherwise, or always when Extended is set. [ParseCommand] sets Extended for
// extended input, so encoding a parsed command gives back the same bytes.
//
// Command's String and GoString show the header and lengths only: the data
// field may carry a key or a cryptogram.
type Command struct {
	CLA, INS, P1, P2 byte // class, instruction, parameters
	// Data is the command data field (Nc = len(Data) bytes, 0 to 65535).
	Data []byte
	// Le is the maximum number of response data bytes expected (Ne in
	// ISO 7816-4 terms): 0 for no Le field, 1 to 256 short, up to 65536
	// extended.
	Le int
	// Extended forces extended length fields even when short ones would do
	// (for cards that want them, and so that parsed commands round-trip).
	// A case 1 command has no length fields and ignores it.
	Extended bool
}

// Header returns the command's four header bytes.
func (c Command) Header() Header { return Header{c.CLA, c.INS, c.P1, c.P2} }

// IsExtended reports whether the command is encoded with extended length
// fields: forced, or needed for more than 255 data bytes or Le above 256.
func (c Command) IsExtended() bool {
	if len(c.Data) == 0 && c.Le == 0 {
		return false
	}
	return c.Extended || len(c.Data) > MaxShortData || c.Le > MaxShortLe
}

// EncodedLen is the length of the command's encoding, so callers can size
// buffers for [Command.AppendBinary].
func (c Command) EncodedLen() int {
	n := 4 + len(c.Data)
	ext := c.IsExtended()
	switch {
	case ext && len(c.Data) > 0 && c.Le > 0:
		n += 5
	case ext:
		n += 3
	default:
		if len(c.Data) > 0 {
			n++
		}
		if c.Le > 0 {
			n++
		}
	}
	return n
}

// validate checks the lengths an encoding can carry.
func (c Command) validate() error {
	if len(c.Data) > MaxExtendedData {
		return &FieldError{Command: c.Header(), Field: "Lc", Value: len(c.Data), Expected: expMaxData, Err: ErrOutOfRange}
	}
	if c.Le < 0 || c.Le > MaxExtendedLe {
		return &FieldError{Command: c.Header(), Field: "Le", Value: c.Le, Expected: expLeRange, Err: ErrOutOfRange}
	}
	return nil
}

// AppendBinary appends the encoding of c to b (encoding.BinaryAppender); it
// allocates only when b lacks capacity. An Nc above 65535 or an Le outside
// 0…65536 is a [*FieldError].
func (c Command) AppendBinary(b []byte) ([]byte, error) {
	if err := c.validate(); err != nil {
		return b, err
	}
	b = append(b, c.CLA, c.INS, c.P1, c.P2)
	nc := len(c.Data)
	if !c.IsExtended() {
		if nc > 0 {
			b = append(b, byte(nc))
			b = append(b, c.Data...)
		}
		if c.Le > 0 {
			b = append(b, byte(c.Le)) // 256 wraps to 00
		}
		return b, nil
	}
	b = append(b, 0)
	if nc > 0 {
		b = append(b, byte(nc>>8), byte(nc))
		b = append(b, c.Data...)
	}
	if c.Le > 0 {
		b = append(b, byte(c.Le>>8), byte(c.Le)) // 65536 wraps to 00 00
	}
	return b, nil
}

// MarshalBinary encodes c (encoding.BinaryMarshaler); see [Command.AppendBinary].
func (c Command) MarshalBinary() ([]byte, error) {
	return c.AppendBinary(make([]byte, 0, c.EncodedLen()))
}

// UnmarshalBinary parses b into c (encoding.BinaryUnmarshaler); see
// [ParseCommand]. c.Data aliases b.
func (c *Command) UnmarshalBinary(b []byte) error {
	parsed, err := ParseCommand(b)
	if err != nil {
		return err
	}
	*c = parsed
	return nil
}

// String shows the header and the lengths, never the data:
// "00 82 00 01 Lc=8 Le=none". It says "extended" only for what can only go
// as an extended APDU (Extended set, or Le above 256); more than 255 data
// bytes is "long": a [Client] sends such a command extended or chained,
// depending on what the card accepts.
func (c Command) String() string {
	le := "none"
	if c.Le > 0 {
		le = strconv.Itoa(c.Le)
	}
	s := fmt.Sprintf("%s Lc=%d Le=%s", c.Header(), len(c.Data), le)
	switch {
	case c.IsExtended() && (c.Extended || c.Le > MaxShortLe):
		s += " extended"
	case c.IsExtended():
		s += " long (extended or chained)"
	}
	return s
}

// GoString is String, so that %#v cannot print the data field either.
func (c Command) GoString() string { return "apdu.Command{" + c.String() + "}" }

// ParseCommand decodes a command APDU of any of the four cases of
// ISO/IEC 7816-4, short or extended:
//
//	case 1   CLA INS P1 P2
//	case 2S  CLA INS P1 P2 Le                     (Le 00 = 256)
//	case 3S  CLA INS P1 P2 Lc data                (Lc 01…FF)
//	case 4S  CLA INS P1 P2 Lc data Le
//	case 2E  CLA INS P1 P2 00 Le1 Le2             (00 00 = 65536)
//	case 3E  CLA INS P1 P2 00 Lc1 Lc2 data        (Lc 0001…FFFF)
//	case 4E  CLA INS P1 P2 00 Lc1 Lc2 data Le1 Le2
//
// Anything else is a [*ParseError] naming the offset and field. The returned
// Data aliases b.
func ParseCommand(b []byte) (Command, error) {
	if len(b) < 4 {
		return Command{}, cmdErr(len(b), "header", expHeader, ErrTruncated)
	}
	c := Command{CLA: b[0], INS: b[1], P1: b[2], P2: b[3]}
	body := b[4:]
	switch {
	case len(body) == 0:
		return c, nil
	case len(body) == 1:
		c.Le = shortLe(body[0])
		return c, nil
	case body[0] != 0:
		nc := int(body[0])
		rest := len(body) - 1
		switch {
		case rest < nc:
			return Command{}, cmdErr(len(b), "data", expLcData, ErrTruncated)
		case rest == nc:
		case rest == nc+1:
			c.Le = shortLe(body[1+nc])
		default:
			return Command{}, cmdErr(5+nc+1, "Le", expEndAfterLe, ErrTrailingData)
		}
		c.Data = body[1 : 1+nc : 1+nc]
		return c, nil
	}
	// Extended: a zero byte then two length bytes.
	c.Extended = true
	if len(body) < 3 {
		return Command{}, cmdErr(len(b), "Lc", expExtLength, ErrTruncated)
	}
	n := int(body[1])<<8 | int(body[2])
	if len(body) == 3 {
		c.Le = n
		if n == 0 {
			c.Le = MaxExtendedLe
		}
		return c, nil
	}
	if n == 0 {
		return Command{}, cmdErr(5, "Lc", expExtLcNonZero, ErrInvalidLength)
	}
	rest := len(body) - 3
	switch {
	case rest < n:
		return Command{}, cmdErr(len(b), "data", expLcData, ErrTruncated)
	case rest == n:
	case rest == n+1:
		return Command{}, cmdErr(len(b), "Le", expExtLe, ErrTruncated)
	case rest == n+2:
		c.Le = int(body[3+n])<<8 | int(body[4+n])
		if c.Le == 0 {
			c.Le = MaxExtendedLe
		}
	default:
		return Command{}, cmdErr(7+n+2, "Le", expEndAfterLe, ErrTrailingData)
	}
	c.Data = body[3 : 3+n : 3+n]
	return c, nil
}

func shortLe(b byte) int {
	if b == 0 {
		return MaxShortLe
	}
	return int(b)
}

func cmdErr(off int, field, expected string, err error) error {
	return &ParseError{Input: inputCommand, Offset: off, Field: field, Expected: expected, Err: err}
}
