package pcsc

// Hooks for the external tests: building a Reader over a fake connection and
// a Card with a chosen protocol, without pcscd.

// CardConn is the connection interface a Reader drives.
type CardConn = cardConn

// NewReaderOver builds a Reader whose connections come from connect.
func NewReaderOver(name string, connect func() (CardConn, error)) (*Reader, error) {
	return newReader(name, Options{Share: ShareShared, Protocols: ProtocolAny}, connect)
}

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
