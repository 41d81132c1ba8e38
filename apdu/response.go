package apdu

import "fmt"

// Response is a response APDU: the data field and the status word SW1-SW2.
// Its String and GoString never show the data, which may be a cryptogram or
// personal data.
type Response struct {
	Data []byte     // response data field, possibly empty
	SW   StatusWord // SW1-SW2
}

// ParseResponse splits a raw response into data and status word. A response
// shorter than the two status bytes is a [*ParseError]. Data aliases b.
func ParseResponse(b []byte) (Response, error) {
	if len(b) < 2 {
		return Response{}, &ParseError{Input: inputResponse, Offset: len(b), Field: "SW1-SW2", Expected: expStatusBytes, Err: ErrTruncated}
	}
	n := len(b) - 2
	return Response{Data: b[:n:n], SW: StatusWord(uint16(b[n])<<8 | uint16(b[n+1]))}, nil
}

// OK reports whether the card answered 9000.
func (r Response) OK() bool { return r.SW == SWSuccess }

// Err is nil for 9000 and otherwise the status word as an error
// ([StatusWord.Err]); [Client.Do] gives the same error with the command
// header filled in.
func (r Response) Err() error { return r.SW.Err() }

// Warning is nil unless the card completed the command with a warning
// ([StatusWord.IsWarning]); then it is the status word as a
// [*StatusError], which matches [ErrWarning]. [Client.Do] returns such a
// response with a nil error: check Warning when the warning matters (a
// 6282 read is shorter than asked).
func (r Response) Warning() error {
	if !r.SW.IsWarning() {
		return nil
	}
	return r.SW.Err()
}

// AppendBinary appends data and status word to b (encoding.BinaryAppender).
// It never fails; the error is there for the interface.
func (r Response) AppendBinary(b []byte) ([]byte, error) {
	b = append(b, r.Data...)
	return append(b, r.SW.SW1(), r.SW.SW2()), nil
}

// MarshalBinary encodes data and status word (encoding.BinaryMarshaler).
func (r Response) MarshalBinary() ([]byte, error) { return r.Bytes(), nil }

// Bytes is the raw response: data followed by SW1 SW2. Simulators return it
// from Transport.Transmit.
func (r Response) Bytes() []byte {
	b, _ := r.AppendBinary(make([]byte, 0, len(r.Data)+2))
	return b
}

// String shows the status word and the data length, never the data:
// "9000 success, 8 data bytes".
func (r Response) String() string {
	return fmt.Sprintf("%s, %d data bytes", r.SW, len(r.Data))
}

// GoString is String, so that %#v cannot print the data either.
func (r Response) GoString() string { return "apdu.Response{" + r.String() + "}" }
