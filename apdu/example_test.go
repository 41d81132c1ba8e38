package apdu_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/bjedu/studentcard/apdu"
	"github.com/bjedu/studentcard/l10n"
)

// A client over a recorded T=0 exchange: the card answers INTERNAL
// AUTHENTICATE with 61 08 and the client fetches the 8 bytes itself.
func ExampleClient() {
	card, err := apdu.ParseScript(`
		> 0088000108 0102030405060708 00   # INTERNAL AUTHENTICATE, key 01
		< 6108                             # 8 bytes waiting
		> 00C0000008                       # GET RESPONSE
		< 1A2B3C4D5E6F7081 9000`)
	if err != nil {
		fmt.Println(err)
		return
	}
	client := apdu.NewClient(card)
	resp, err := client.Do(context.Background(), apdu.InternalAuthenticate(0x01, []byte{1, 2, 3, 4, 5, 6, 7, 8}))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%X %v\n", resp.Data, resp.SW)
	fmt.Println("script done:", card.Done() == nil)
	// Output:
	// 1A2B3C4D5E6F7081 9000 success
	// script done: true
}

// Status words become errors that errors.Is and errors.As understand, in
// English or Chinese.
func ExampleClient_Do() {
	card, _ := apdu.ParseScript("> 0082000108 1122334455667788\n< 63C2")
	_, err := apdu.NewClient(card).Do(context.Background(), apdu.ExternalAuthenticate(0x01, []byte{0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88}))
	var authErr *apdu.AuthError
	if errors.As(err, &authErr) {
		fmt.Println("retries left:", authErr.Retries)
	}
	fmt.Println(errors.Is(err, apdu.ErrVerificationFailed))
	fmt.Println(err)
	fmt.Println(l10n.Error(err, l10n.Chinese))
	// Output:
	// retries left: 2
	// true
	// apdu: 00 82 00 01: status 63C2 verification failed, 2 retries left
	// 00 82 00 01：状态字 63C2 校验失败，还剩2次机会
}

func ExampleParseCommand() {
	cmd, err := apdu.ParseCommand([]byte{0x00, 0xB0, 0x84, 0x00, 0x00})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cmd, "Le:", cmd.Le)
	_, err = apdu.ParseCommand([]byte{0x00, 0xA4, 0x04, 0x00, 0x07, 0xA0, 0x00})
	fmt.Println(err)
	// Output:
	// 00 B0 84 00 Lc=0 Le=256 Le: 256
	// apdu: command APDU: offset 7: data: input ends too early, expected as many data bytes as Lc says
}

func ExampleStatusWord() {
	sw := apdu.StatusWord(0x6A82)
	fmt.Println(sw)
	fmt.Println(sw.Localize(l10n.Chinese))
	fmt.Println(errors.Is(sw.Err(), apdu.ErrFileNotFound))
	// Output:
	// 6A82 file not found
	// 6A82 未找到文件
	// true
}

// Decode an FCI and pick a nested value by its path of tags.
func ExampleDecodeTLV() {
	fci := []byte{
		0x6F, 0x10,
		0x84, 0x07, 0xA0, 0x00, 0x00, 0x00, 0x03, 0x10, 0x10,
		0xA5, 0x05, 0x9F, 0x08, 0x02, 0x01, 0x02,
	}
	tlv, err := apdu.DecodeTLV(fci)
	if err != nil {
		fmt.Println(err)
		return
	}
	version, _ := apdu.Find([]apdu.TLV{tlv}, 0x6F, 0xA5, 0x9F08)
	fmt.Printf("%v: %X\n", version, version.Value)

	_, err = apdu.DecodeTLV([]byte{0x84, 0x81, 0x05, 1, 2, 3, 4, 5})
	fmt.Println(err)
	// Output:
	// 9F08 (2 bytes): 0102
	// apdu: BER-TLV: offset 1: length: non-minimal encoding, expected the shortest length encoding
}

func ExampleTLV_MarshalBinary() {
	b, err := apdu.TLV{Tag: 0x70, Children: []apdu.TLV{
		{Tag: 0x5F20, Value: []byte("ZHANG")},
		{Tag: 0x9F08, Value: []byte{0x01}},
	}}.MarshalBinary()
	fmt.Printf("%X %v\n", b, err)
	// Output:
	// 700C5F20055A48414E479F080101 <nil>
}

// A trace through log/slog: the cryptogram of EXTERNAL AUTHENTICATE is
// masked, header, length and status word stay readable.
func ExampleNewTrace() {
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{} // keep the example's output stable
			}
			return a
		},
	}))
	card, _ := apdu.ParseScript("> 0082000108 1122334455667788\n< 9000")
	client := apdu.NewClient(card, apdu.WithTrace(logger, nil))
	_, _ = client.Do(context.Background(), apdu.ExternalAuthenticate(0x01, []byte{0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88}))
	// Output:
	// level=DEBUG msg=apdu cmd=0082000108**************** rsp=9000 sw=9000
}
