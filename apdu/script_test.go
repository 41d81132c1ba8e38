package apdu_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/apdu"
	"github.com/bjedu/studentcard/l10n"
)

func TestScriptedTransportReplays(t *testing.T) {
	s := apdu.NewScriptedTransport(
		apdu.Exchange{Command: unhex(t, "00A4040007A0000000031010"), Response: unhex(t, "9000")},
		apdu.Exchange{Command: unhex(t, "0084000008"), Response: unhex(t, "1122334455667788 9000")},
	)
	out, err := s.Transmit(context.Background(), unhex(t, "00A4040007A0000000031010"))
	require.NoError(t, err)
	assert.Equal(t, unhex(t, "9000"), out)
	out[0] = 0 // the caller owns the returned slice
	assert.Error(t, s.Done(), "one exchange left")
	out, err = s.Transmit(context.Background(), unhex(t, "0084000008"))
	require.NoError(t, err)
	assert.Len(t, out, 10)
	require.NoError(t, s.Done())
}

func TestScriptedTransportFailures(t *testing.T) {
	t.Run("unexpected command", func(t *testing.T) {
		s := script(t, "> 00A4000002 3F00\n< 9000\n> 0084000008\n< 9000")
		_, err := s.Transmit(context.Background(), unhex(t, "00A40000023F01"))
		require.Error(t, err)
		assert.ErrorIs(t, err, apdu.ErrUnexpectedCommand)
		var se *apdu.ScriptError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, 1, se.Index)
		assert.Equal(t, 1, se.Line)
		assert.Equal(t, "00A40000023F01", se.Got)
		assert.Equal(t, "00A40000023F00", se.Want)
		assert.Equal(t, "apdu: exchange 1 (script line 1): unexpected command: got 00A40000023F01, want 00A40000023F00", err.Error())
		assert.Contains(t, l10n.Error(err, l10n.Chinese), "意外的命令")
		// Sticky: the test cannot go on unnoticed, and Done reports it.
		_, err = s.Transmit(context.Background(), unhex(t, "00A40000023F00"))
		assert.ErrorIs(t, err, apdu.ErrUnexpectedCommand)
		assert.ErrorIs(t, s.Done(), apdu.ErrUnexpectedCommand)
	})
	t.Run("mismatch shows no key bytes", func(t *testing.T) {
		s := script(t, "> 0082000108 "+cryptogram+"\n< 9000")
		_, err := s.Transmit(context.Background(), unhex(t, "0082000108"+masterKey[:16]))
		require.ErrorIs(t, err, apdu.ErrUnexpectedCommand)
		assert.NotContains(t, err.Error(), cryptogram)
		assert.NotContains(t, err.Error(), masterKey[:16])
		assert.Contains(t, err.Error(), "0082000108****************")
	})
	t.Run("command after the end", func(t *testing.T) {
		s := apdu.NewScriptedTransport()
		_, err := s.Transmit(context.Background(), unhex(t, "0084000008"))
		assert.ErrorIs(t, err, apdu.ErrScriptExhausted)
		assert.Equal(t, "apdu: exchange 1: script has no more exchanges: got 0084000008", err.Error())
		assert.ErrorIs(t, s.Done(), apdu.ErrScriptExhausted)
	})
	t.Run("leftover exchanges", func(t *testing.T) {
		s := script(t, "# two\n> 0084000008\n< 9000\n\n> 0084000004\n< 9000")
		_, err := s.Transmit(context.Background(), unhex(t, "0084000008"))
		require.NoError(t, err)
		err = s.Done()
		assert.ErrorIs(t, err, apdu.ErrScriptUnfinished)
		assert.Equal(t, "apdu: script not finished: 1 of 2 exchanges not used, next at script line 5", err.Error())
		assert.Equal(t, "脚本未执行完：2次交互中有1次未使用，下一次在脚本第5行", l10n.Error(err, l10n.Chinese))
	})
	t.Run("scripted transport failure", func(t *testing.T) {
		s := script(t, "> 0084000008\n! card removed")
		_, err := s.Transmit(context.Background(), unhex(t, "0084000008"))
		assert.ErrorIs(t, err, apdu.ErrScriptedFailure)
		assert.Equal(t, "apdu: scripted transport failure: card removed", err.Error())
		assert.NoError(t, s.Done(), "the failure was the scripted answer")
	})
	t.Run("cancelled context consumes nothing", func(t *testing.T) {
		s := script(t, "> 0084000008\n< 9000")
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := s.Transmit(ctx, unhex(t, "0084000008"))
		assert.ErrorIs(t, err, context.Canceled)
		assert.ErrorIs(t, s.Done(), apdu.ErrScriptUnfinished)
	})
}

func TestParseScriptFormat(t *testing.T) {
	s, err := apdu.ParseScript(`
# A session recorded with a PC/SC reader.
> 00 A4 04 00 07 A0 00 00 00 03 10 10   # SELECT
< 90 00
	> 0084000008
	< 11 22 33 44 55 66 77 88 90 00 # challenge
> 00B0840004
<
`)
	require.NoError(t, err)
	c := apdu.NewClient(s, apdu.WithoutGetResponse())
	_, err = c.Do(context.Background(), apdu.SelectByName(unhex(t, "A0000000031010")))
	require.Error(t, err, "SELECT by name carries Le 00; the script has none")
	assert.ErrorIs(t, err, apdu.ErrUnexpectedCommand)

	s, err = apdu.ParseScript("> 00A4040007A0000000031010\n< 9000\n> 0084000008\n< 1122334455667788 9000\n> 00B0840004\n<\n")
	require.NoError(t, err)
	c = apdu.NewClient(s)
	_, err = c.Transmit(context.Background(), apdu.Command{INS: 0xA4, P1: 4, Data: unhex(t, "A0000000031010")})
	require.NoError(t, err)
	resp, err := c.Do(context.Background(), apdu.GetChallenge(8))
	require.NoError(t, err)
	assert.Equal(t, unhex(t, "1122334455667788"), resp.Data)
	_, err = c.Transmit(context.Background(), must(apdu.ReadBinary(4, 0, 4)))
	assert.ErrorIs(t, err, apdu.ErrTruncated, "an empty < line is an empty (malformed) response")
	require.NoError(t, s.Done())
}

func TestParseScriptSyntaxErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		text string
		line int
	}{
		{"response before command", "< 9000", 1},
		{"two commands in a row", "> 00A40000\n> 00A40000\n< 9000", 2},
		{"odd hex", "> 00A4000\n< 9000", 1},
		{"not hex", "> 00A4000G\n< 9000", 1},
		{"empty command", ">\n< 9000", 1},
		{"bad response hex", "> 00A40000\n< 90 0", 2},
		{"unknown line", "> 00A40000\n< 9000\nhello", 3},
		{"command without answer", "\n\n> 00A40000", 3},
		{"too long line", "> " + strings.Repeat("00", 1<<20), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := apdu.ParseScript(tc.text)
			require.Error(t, err)
			assert.ErrorIs(t, err, apdu.ErrScriptSyntax)
			var se *apdu.ScriptError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tc.line, se.Line)
			assert.Contains(t, l10n.Error(err, l10n.Chinese), "脚本第")
		})
	}
}

func TestScriptedTransportConcurrentUse(t *testing.T) {
	var sb strings.Builder
	for range 64 {
		sb.WriteString("> 0084000008\n< 9000\n")
	}
	s := script(t, sb.String())
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 8 {
				_, err := s.Transmit(context.Background(), unhex(t, "0084000008"))
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()
	require.NoError(t, s.Done())
}
