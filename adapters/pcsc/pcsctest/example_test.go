package pcsctest_test

import (
	"context"
	"testing"

	"github.com/bjedu/studentcard/adapters/pcsc/pcsctest"
	"github.com/bjedu/studentcard/adapters/vpcd"
)

// In a test of any package: serve a card through pcscd and get a Reader.
// (Needs the stack from .ci/pcsc-stack.sh, so it is compiled, not run.)
func ExampleConnect() {
	var t *testing.T   // the test's *testing.T
	var card vpcd.Card // e.g. a *sim.Card
	r := pcsctest.Connect(t, card)
	rsp, err := r.Transmit(context.Background(), []byte{0x00, 0xA4, 0x04, 0x00, 0x02, 0x3F, 0x00})
	_, _ = rsp, err
}
