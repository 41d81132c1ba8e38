package vpcd_test

import (
	"context"
	"fmt"
	"net"

	"github.com/bjedu/studentcard/adapters/vpcd"
)

// Serve a card to a reader. Here the reader side — pcscd's vpcd driver in
// production — is played in-process over a local listener, so the example
// runs anywhere.
func ExampleServe() {
	ln, err := net.Listen("tcp", "127.0.0.1:0") // in production: vpcd.DefaultAddr, owned by pcscd
	if err != nil {
		panic(err)
	}
	defer ln.Close()

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- vpcd.Serve(ctx, ln.Addr().String(), newTestCard()) }()

	// The reader's side: accept the card, power it, ask for the ATR, send SELECT.
	conn, err := ln.Accept()
	if err != nil {
		panic(err)
	}
	defer conn.Close()
	fr := vpcd.NewFrameReader(conn)
	_ = vpcd.WriteFrame(conn, []byte{vpcd.CtrlPowerOn})
	_ = vpcd.WriteFrame(conn, []byte{vpcd.CtrlATR})
	atr, _ := fr.ReadFrame()
	fmt.Printf("ATR % X\n", atr)
	_ = vpcd.WriteFrame(conn, []byte{0x00, 0xA4, 0x04, 0x00, 0x02, 0x3F, 0x00})
	rsp, _ := fr.ReadFrame()
	fmt.Printf("SELECT -> % X\n", rsp)

	cancel() // the card leaves the reader
	fmt.Println(<-done)
	// Output:
	// ATR 3B 02 14 50
	// SELECT -> 90 00
	// context canceled
}
