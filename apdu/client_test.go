package apdu_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/apdu"
	"github.com/bjedu/studentcard/l10n"
)

func script(t testing.TB, text string) *apdu.ScriptedTransport {
	t.Helper()
	s, err := apdu.ParseScript(text)
	require.NoError(t, err)
	return s
}

func TestClientGetResponse(t *testing.T) {
	t.Run("A-1/T=0 INTERNAL AUTHENTICATE answered 6108", func(t *testing.T) {
		s := script(t, `
			> 0088000108 0102030405060708 00
			< 6108
			> 00C0000008
			< 1122334455667788 9000`)
		resp, err := apdu.NewClient(s).Transmit(context.Background(), apdu.InternalAuthenticate(1, seq(9)[1:]))
		require.NoError(t, err)
		assert.Equal(t, unhex(t, "1122334455667788"), resp.Data)
		assert.Equal(t, apdu.SWSuccess, resp.SW)
		require.NoError(t, s.Done())
	})
	t.Run("several rounds, data concatenated, 6100 means 256", func(t *testing.T) {
		s := script(t, `
			> 00B0840000
			< 0A0B 6100
			> 00C0000000
			< `+strings.Repeat("CC", 256)+` 6102
			> 00C0000002
			< DDEE 9000`)
		resp, err := apdu.NewClient(s).Transmit(context.Background(), must(apdu.ReadBinary(4, 0, 256)))
		require.NoError(t, err)
		want := append(append(unhex(t, "0A0B"), bytes.Repeat([]byte{0xCC}, 256)...), 0xDD, 0xEE)
		assert.Equal(t, want, resp.Data)
		require.NoError(t, s.Done())
	})
	t.Run("final status of GET RESPONSE is returned", func(t *testing.T) {
		s := script(t, `
			> 0084000008
			< 6104
			> 00C0000004
			< 6A82`)
		resp, err := apdu.NewClient(s).Transmit(context.Background(), apdu.GetChallenge(8))
		require.NoError(t, err)
		assert.Equal(t, apdu.SWFileNotFound, resp.SW)
		require.NoError(t, s.Done())
	})
	t.Run("GET RESPONSE keeps the logical channel, drops SM and chaining bits", func(t *testing.T) {
		s := script(t, `
			> 0DB0840004
			< 6104
			> 01C0000004
			< 01020304 9000`)
		cmd := must(apdu.ReadBinary(4, 0, 4))
		cmd.CLA = 0x0D
		_, err := apdu.NewClient(s).Transmit(context.Background(), cmd)
		require.NoError(t, err)
		require.NoError(t, s.Done())
	})
	t.Run("PSAM proprietary class gets 00 C0", func(t *testing.T) {
		s := script(t, `
			> 80FA000008 1122334455667788
			< 6108
			> 00C0000008
			< 0102030405060708 9000`)
		_, err := apdu.NewClient(s).Transmit(context.Background(), apdu.Command{CLA: 0x80, INS: 0xFA, Data: unhex(t, "1122334455667788")})
		require.NoError(t, err)
		require.NoError(t, s.Done())
	})
	t.Run("vendor quirk: fixed GET RESPONSE class", func(t *testing.T) {
		s := script(t, `
			> 80FA000008 1122334455667788
			< 6108
			> 80C0000008
			< 0102030405060708 9000`)
		_, err := apdu.NewClient(s, apdu.WithGetResponseCLA(0x80)).Transmit(context.Background(), apdu.Command{CLA: 0x80, INS: 0xFA, Data: unhex(t, "1122334455667788")})
		require.NoError(t, err)
		require.NoError(t, s.Done())
	})
	t.Run("opt-out returns 61xx as is", func(t *testing.T) {
		s := script(t, "> 0084000008\n< 6108")
		resp, err := apdu.NewClient(s, apdu.WithoutGetResponse()).Transmit(context.Background(), apdu.GetChallenge(8))
		require.NoError(t, err)
		assert.Equal(t, apdu.MoreData(8), resp.SW)
		assert.ErrorIs(t, resp.Err(), apdu.ErrMoreData)
		require.NoError(t, s.Done())
	})
	t.Run("no progress is an error, not a loop", func(t *testing.T) {
		s := script(t, `
			> 0084000008
			< 6108
			> 00C0000008
			< 6108`)
		_, err := apdu.NewClient(s).Transmit(context.Background(), apdu.GetChallenge(8))
		assert.ErrorIs(t, err, apdu.ErrNoProgress)
		var xe *apdu.ExchangeError
		require.ErrorAs(t, err, &xe)
		assert.Equal(t, "GET RESPONSE", xe.Step)
		assert.Equal(t, apdu.GetChallenge(8).Header(), xe.Command)
		require.NoError(t, s.Done())
	})
	t.Run("no progress through alternating 6Cxx and 61xx", func(t *testing.T) {
		s := script(t, `
			> 0084000008
			< 6108
			> 00C0000008
			< 6C04
			> 00C0000004
			< 6104`)
		_, err := apdu.NewClient(s).Transmit(context.Background(), apdu.GetChallenge(8))
		assert.ErrorIs(t, err, apdu.ErrNoProgress)
		require.NoError(t, s.Done())
	})
}

func TestClientLeCorrection(t *testing.T) {
	t.Run("6Cxx resends with Le = SW2", func(t *testing.T) {
		s := script(t, `
			> 00B0840000
			< 6C10
			> 00B0840010
			< `+hex.EncodeToString(seq(16))+` 9000`)
		resp, err := apdu.NewClient(s).Transmit(context.Background(), must(apdu.ReadBinary(4, 0, 256)))
		require.NoError(t, err)
		assert.Equal(t, seq(16), resp.Data)
		require.NoError(t, s.Done())
	})
	t.Run("6C00 means 256 and case 1 gains an Le", func(t *testing.T) {
		s := script(t, `
			> 00CA9F7F
			< 6C00
			> 00CA9F7F00
			< 9000`)
		_, err := apdu.NewClient(s).Transmit(context.Background(), apdu.Command{INS: 0xCA, P1: 0x9F, P2: 0x7F})
		require.NoError(t, err)
		require.NoError(t, s.Done())
	})
	t.Run("6Cxx then 61xx", func(t *testing.T) {
		s := script(t, `
			> 0084000004
			< 6C08
			> 0084000008
			< 6108
			> 00C0000008
			< 1122334455667788 9000`)
		resp, err := apdu.NewClient(s).Transmit(context.Background(), apdu.GetChallenge(4))
		require.NoError(t, err)
		assert.Len(t, resp.Data, 8)
		require.NoError(t, s.Done())
	})
	t.Run("resent once only", func(t *testing.T) {
		s := script(t, `
			> 00B0840004
			< 6C08
			> 00B0840008
			< 6C10`)
		resp, err := apdu.NewClient(s).Transmit(context.Background(), must(apdu.ReadBinary(4, 0, 4)))
		require.NoError(t, err)
		assert.Equal(t, apdu.WrongLe(16), resp.SW)
		require.NoError(t, s.Done())
	})
	t.Run("opt-out returns 6Cxx as is", func(t *testing.T) {
		s := script(t, "> 00B0840004\n< 6C08")
		resp, err := apdu.NewClient(s, apdu.WithoutLeCorrection()).Do(context.Background(), must(apdu.ReadBinary(4, 0, 4)))
		assert.ErrorIs(t, err, apdu.ErrWrongLe)
		assert.Equal(t, apdu.WrongLe(8), resp.SW)
		require.NoError(t, s.Done())
	})
}

func TestClientChaining(t *testing.T) {
	data := seq(600)
	h := func(b []byte) string { return hex.EncodeToString(b) }
	t.Run("600 bytes in parts of 255 with CLA|10", func(t *testing.T) {
		s := script(t, `
			> 10D60000FF `+h(data[:255])+`
			< 9000
			> 10D60000FF `+h(data[255:510])+`
			< 9000
			> 00D600005A `+h(data[510:])+`
			< 9000`)
		resp, err := apdu.NewClient(s, apdu.WithChaining()).Do(context.Background(), apdu.Command{INS: 0xD6, Data: data})
		require.NoError(t, err)
		assert.True(t, resp.OK())
		require.NoError(t, s.Done())
	})
	t.Run("last part keeps Le and gets its response fetched", func(t *testing.T) {
		s := script(t, `
			> 902A0000FF `+h(data[:255])+`
			< 9000
			> 802A000001 `+h(data[255:256])+` 00
			< 6102
			> 00C0000002
			< ABCD 9000`)
		resp, err := apdu.NewClient(s, apdu.WithChaining()).Do(context.Background(), apdu.Command{CLA: 0x80, INS: 0x2A, Data: data[:256], Le: 256})
		require.NoError(t, err)
		assert.Equal(t, unhex(t, "ABCD"), resp.Data)
		require.NoError(t, s.Done())
	})
	t.Run("a refused part ends the exchange with its status", func(t *testing.T) {
		s := script(t, `
			> 10D60000FF `+h(data[:255])+`
			< 6A80`)
		resp, err := apdu.NewClient(s, apdu.WithChaining()).Do(context.Background(), apdu.Command{INS: 0xD6, Data: data[:300]})
		assert.ErrorIs(t, err, apdu.ErrIncorrectData)
		assert.Equal(t, apdu.SWIncorrectData, resp.SW)
		require.NoError(t, s.Done())
	})
	t.Run("a card announcing chaining in its ATR gets it", func(t *testing.T) {
		s := script(t, `
			> 10D60000FF `+h(data[:255])+`
			< 9000
			> 00D600002D `+h(data[255:300])+`
			< 9000`)
		atr, err := apdu.ParseATR(atrWithCaps(0x80))
		require.NoError(t, err)
		_, err = apdu.NewClient(s, apdu.WithCapabilities(atr.Capabilities())).Do(context.Background(), apdu.Command{INS: 0xD6, Data: data[:300]})
		require.NoError(t, err)
		require.NoError(t, s.Done())
	})
	t.Run("extended length sends it whole", func(t *testing.T) {
		s := script(t, `
			> 00D6000000012C `+h(data[:300])+`
			< 9000`)
		_, err := apdu.NewClient(s, apdu.WithExtendedLength()).Do(context.Background(), apdu.Command{INS: 0xD6, Data: data[:300]})
		require.NoError(t, err)
		require.NoError(t, s.Done())
	})
	for _, tc := range []struct {
		name string
		opts []apdu.Option
		cmd  apdu.Command
		err  error
	}{
		// A card that ignores CLA b5 answers 9000 to every part and the
		// second part overwrites offset 0: chaining is opt-in.
		{"chaining is off by default", nil, apdu.Command{INS: 0xD6, Data: data}, apdu.ErrCannotChain},
		{"a card announcing nothing gets no chaining", []apdu.Option{apdu.WithCapabilities(apdu.Capabilities{})}, apdu.Command{INS: 0xD6, Data: data}, apdu.ErrCannotChain},
		{"PC/SC class FF cannot chain", []apdu.Option{apdu.WithChaining()}, apdu.Command{CLA: 0xFF, INS: 0xD6, Data: data}, apdu.ErrCannotChain},
		{"Le over 256 needs extended length", nil, apdu.Command{INS: 0xB0, Le: 300}, apdu.ErrExtendedLengthOff},
		{"forced extended needs extended length", nil, apdu.Command{INS: 0xB0, Le: 4, Extended: true}, apdu.ErrExtendedLengthOff},
		{"Le out of range", nil, apdu.Command{INS: 0xB0, Le: -2}, apdu.ErrOutOfRange},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := apdu.NewScriptedTransport()
			_, err := apdu.NewClient(s, tc.opts...).Transmit(context.Background(), tc.cmd)
			assert.ErrorIs(t, err, tc.err)
			var fe *apdu.FieldError
			assert.ErrorAs(t, err, &fe)
			require.NoError(t, s.Done(), "nothing was sent")
		})
	}
}

func TestClientResponseCap(t *testing.T) {
	s := script(t, `
		> 00B0000000
		< `+strings.Repeat("AA", 200)+` 6164
		> 00C0000064
		< `+strings.Repeat("BB", 100)+` 9000`)
	_, err := apdu.NewClient(s, apdu.WithMaxResponse(256)).Transmit(context.Background(), apdu.Command{INS: 0xB0, Le: 256})
	require.Error(t, err)
	assert.ErrorIs(t, err, apdu.ErrResponseTooLarge)
	var le *apdu.LimitError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, 256, le.Limit)
	assert.Equal(t, 300, le.Size)
	assert.Contains(t, l10n.Error(err, l10n.Chinese), "上限")

	s = script(t, "> 00B0000000\n< "+strings.Repeat("AA", 20)+" 9000")
	_, err = apdu.NewClient(s, apdu.WithMaxResponse(16)).Transmit(context.Background(), apdu.Command{INS: 0xB0, Le: 256})
	assert.ErrorIs(t, err, apdu.ErrResponseTooLarge, "a single response over the cap fails too")

	s = script(t, "> 00B0000000\n< "+strings.Repeat("AA", 20)+" 9000")
	_, err = apdu.NewClient(s, apdu.WithMaxResponse(0)).Transmit(context.Background(), apdu.Command{INS: 0xB0, Le: 256})
	assert.NoError(t, err, "n <= 0 keeps the default cap")
}

func TestClientErrors(t *testing.T) {
	removed := errors.New("card removed")
	t.Run("transport error is wrapped with command and step", func(t *testing.T) {
		s := apdu.NewScriptedTransport(apdu.Exchange{Command: unhex(t, "0084000008"), Err: removed})
		_, err := apdu.NewClient(s).Transmit(context.Background(), apdu.GetChallenge(8))
		assert.ErrorIs(t, err, removed)
		var xe *apdu.ExchangeError
		require.ErrorAs(t, err, &xe)
		assert.Equal(t, "sending", xe.Step)
		assert.Equal(t, "apdu: 00 84 00 00: sending: card removed", err.Error())
		assert.Equal(t, "00 84 00 00：发送：card removed", l10n.Error(err, l10n.Chinese))
	})
	t.Run("malformed response", func(t *testing.T) {
		s := apdu.NewScriptedTransport(apdu.Exchange{Command: unhex(t, "0084000008"), Response: []byte{0x90}})
		_, err := apdu.NewClient(s).Transmit(context.Background(), apdu.GetChallenge(8))
		assert.ErrorIs(t, err, apdu.ErrTruncated)
		var pe *apdu.ParseError
		assert.ErrorAs(t, err, &pe)
	})
	t.Run("Do returns status errors with the header", func(t *testing.T) {
		s := script(t, "> 0082000108 1122334455667788\n< 63C2")
		resp, err := apdu.NewClient(s).Do(context.Background(), apdu.ExternalAuthenticate(1, unhex(t, "1122334455667788")))
		var ae *apdu.AuthError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, 2, ae.Retries)
		require.NotNil(t, ae.Command)
		assert.Equal(t, byte(0x82), ae.Command.INS)
		assert.Equal(t, "apdu: 00 82 00 01: status 63C2 verification failed, 2 retries left", err.Error())
		assert.NotContains(t, err.Error(), "1122334455667788")
		assert.Equal(t, apdu.RetriesLeft(2), resp.SW)
	})
	t.Run("Do with 6982", func(t *testing.T) {
		s := script(t, "> 00B0840004\n< 6982")
		_, err := apdu.NewClient(s).Do(context.Background(), must(apdu.ReadBinary(4, 0, 4)))
		assert.ErrorIs(t, err, apdu.ErrSecurityStatus)
		var se *apdu.StatusError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, "00 B0 84 00", se.Command.String())
		assert.Equal(t, "00 B0 84 00：状态字 6982 安全状态不满足", l10n.Error(err, l10n.Chinese))
	})
	t.Run("cancelled context sends nothing", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		s := apdu.NewScriptedTransport()
		_, err := apdu.NewClient(s).Transmit(ctx, apdu.GetChallenge(8))
		assert.ErrorIs(t, err, context.Canceled)
		require.NoError(t, s.Done())
	})
	t.Run("context cancelled between GET RESPONSE rounds", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		tr := apdu.TransportFunc(func(context.Context, []byte) ([]byte, error) {
			cancel()
			return []byte{0x61, 0x08}, nil
		})
		_, err := apdu.NewClient(tr).Transmit(ctx, apdu.GetChallenge(8))
		assert.ErrorIs(t, err, context.Canceled)
	})
}

// One exchange at a time: a GET RESPONSE must follow its own command.
func TestClientSerialisesExchanges(t *testing.T) {
	var inFlight, overlaps atomic.Int32
	tr := apdu.TransportFunc(func(_ context.Context, cmd []byte) ([]byte, error) {
		if inFlight.Add(1) > 1 {
			overlaps.Add(1)
		}
		defer inFlight.Add(-1)
		c, err := apdu.ParseCommand(cmd)
		if err != nil {
			return nil, err
		}
		if c.INS == apdu.INSGetResponse {
			return []byte{c.P2, c.P1, 0x90, 0x00}, nil
		}
		return []byte{0x61, 0x02}, nil
	})
	client := apdu.NewClient(tr)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				resp, err := client.Do(context.Background(), apdu.GetChallenge(2))
				assert.NoError(t, err)
				assert.Len(t, resp.Data, 2)
			}
		})
	}
	wg.Wait()
	assert.Zero(t, overlaps.Load())
}

func TestClientWaitingForTurnHonoursContext(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{})
	tr := apdu.TransportFunc(func(context.Context, []byte) ([]byte, error) {
		close(started)
		<-release
		return []byte{0x90, 0x00}, nil
	})
	client := apdu.NewClient(tr)
	done := make(chan error)
	go func() {
		_, err := client.Transmit(context.Background(), apdu.GetChallenge(8))
		done <- err
	}()
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := client.Transmit(ctx, apdu.GetChallenge(8))
	assert.ErrorIs(t, err, context.Canceled)
	close(release)
	assert.NoError(t, <-done)
}

func must(c apdu.Command, err error) apdu.Command {
	if err != nil {
		panic(err)
	}
	return c
}
