package scard

// Hooks for the external tests: a Card with a chosen protocol, without
// pcscd, and the helpers behind the calls.

// NewCardWithProtocol is a Card that was never connected, claiming protocol p.
func NewCardWithProtocol(reader string, p Protocol) *Card {
	k := &Card{reader: reader}
	k.protocol.Store(uint32(p))
	return k
}

var (
	SplitMultiString  = splitMultiString
	ReceiveBufferSize = receiveBufferSize
	TimeoutMillis     = timeoutMillis
	ListReadersWith   = listReaders
)
