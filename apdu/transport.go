package apdu

import "context"

// Transport carries one command APDU to a card (or SAM) and returns its raw
// response APDU, data followed by the two status bytes. It is the one
// interface readers implement: a PC/SC reader, the simulated card, a PSAM
// slot, a recorded script. Implementations do not interpret status words;
// [Client] does that above them.
type Transport interface {
	Transmit(ctx context.Context, cmd []byte) ([]byte, error)
}

// TransportFunc adapts a function to [Transport].
type TransportFunc func(ctx context.Context, cmd []byte) ([]byte, error)

// Transmit calls f.
func (f TransportFunc) Transmit(ctx context.Context, cmd []byte) ([]byte, error) { return f(ctx, cmd) }
