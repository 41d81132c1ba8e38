package pcsc

// Hooks for the external tests: building a Reader over a fake connection,
// without pcscd.

// CardConn is the connection interface a Reader drives.
type CardConn = cardConn

// NewReaderOver builds a Reader whose connections come from connect.
func NewReaderOver(name string, connect func() (CardConn, error)) (*Reader, error) {
	return newReader(name, Options{Share: ShareShared, Protocols: ProtocolAny}, connect)
}
