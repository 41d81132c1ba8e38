package vpcd

import (
	"net"
	"syscall"
)

// quickACK asks Linux to acknowledge the next received segments at once
// instead of delaying the ACK. The vpcd driver sends the length and the
// payload of a frame in separate writes with Nagle's algorithm on, so a
// delayed ACK of the length would hold the payload back for up to 40 ms per
// APDU. The mode is not sticky; it is set again before every frame.
func quickACK(conn any) {
	tc, ok := conn.(*net.TCPConn)
	if !ok {
		return
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return
	}
	_ = rc.Control(func(fd uintptr) {
		_ = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_QUICKACK, 1)
	})
}
