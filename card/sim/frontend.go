package sim

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/l10n"
)

// messages holds the user-facing texts of package sim.
var messages = l10n.NewCatalog(
	// ConfigError reasons
	l10n.Entry{Key: "M1 sector must be 0-15", ZH: "M1扇区号应为0至15"},
	l10n.Entry{Key: "trailer access bits are inconsistent (the chip would lock the sector)", ZH: "扇区尾块的访问控制位不一致（芯片会锁死该扇区）"},
	l10n.Entry{Key: "the key set's suite must be the card info's", ZH: "密钥组的密码算法应与卡片信息一致"},
	l10n.Entry{Key: "retries must be 1-15", ZH: "重试次数应为1至15"},
	l10n.Entry{Key: "MAC retries must be 1-255", ZH: "MAC重试次数应为1至255"},
	l10n.Entry{Key: "card removed from the field", ZH: "卡片已离开读卡区"},
	l10n.Entry{Key: "simulator configuration is invalid", ZH: "模拟卡配置无效"},
	l10n.Entry{Key: "simulator configuration: %[1]s", ZH: "模拟卡配置：%[1]s"},
	l10n.Entry{Key: "card torn away at APDU %[1]d (%[2]s)", ZH: "第%[1]d条APDU时卡片被拔离（%[2]s）"},
	l10n.Entry{Key: "not executed", ZH: "未执行"},
	l10n.Entry{Key: "executed, answer lost", ZH: "已执行，应答丢失"},
)

// Sentinels.
var (
	// ErrRemoved: the card is not in the field (removed, torn away or
	// powered off); every Transmit fails with it until PowerOn or Reset.
	ErrRemoved = messages.Error("card removed from the field")
	// ErrConfig: New or NewM1 was given an unusable configuration.
	ErrConfig = messages.Error("simulator configuration is invalid")
)

// ConfigError says what is wrong with a simulator configuration. It
// matches [ErrConfig].
type ConfigError struct{ Reason string }

// Error is the English text of the error; Localize renders it in Chinese too.
func (e *ConfigError) Error() string { return "sim: " + e.Localize(l10n.English) }

// Localize renders the error in the language tag; the reason stays English.
func (e *ConfigError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "simulator configuration: %[1]s", messages.Sprintf(tag, e.Reason))
}

// Unwrap yields ErrConfig.
func (e *ConfigError) Unwrap() error { return ErrConfig }

// TearError is the Transmit error of the APDU at which an armed tear
// happened. It matches [ErrRemoved].
type TearError struct {
	APDU int      // number of the APDU since Tear was armed, 1-based
	Mode TearMode // whether that APDU was executed
}

// Error is the English text of the error; Localize renders it in Chinese too.
func (e *TearError) Error() string { return "sim: " + e.Localize(l10n.English) }

// Localize renders the error in the language tag.
func (e *TearError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "card torn away at APDU %[1]d (%[2]s)", e.APDU, messages.Sprintf(tag, e.Mode.String()))
}

// Unwrap yields ErrRemoved.
func (e *TearError) Unwrap() error { return ErrRemoved }

// TearMode says what happens to the APDU at which the card is torn away.
type TearMode int

// The tear modes. Writes are atomic per APDU, as on real COSes with
// anti-tearing: a torn card keeps every APDU it executed, whole.
const (
	// TearBefore: APDU k never reaches the card (the card was pulled just
	// after answering APDU k-1).
	TearBefore TearMode = iota
	// TearLoseResponse: the card executes and commits APDU k, but its
	// answer is lost: the terminal cannot know whether it happened.
	TearLoseResponse
)

// String names the mode.
func (m TearMode) String() string {
	if m == TearLoseResponse {
		return "executed, answer lost"
	}
	return "not executed"
}

// Timing model of one contactless exchange (ISO 14443 at 106 kbit/s): a
// fixed 4 ms for frame delay, waiting time and the card's processing, plus
// 8 bits per command and response byte at 106 kbit/s.
const (
	ExchangeOverhead = 4 * time.Millisecond
	BitRate          = 106_000 // bits per second
)

// ExchangeTime is the modelled duration of one exchange of cmd and resp
// bytes: ExchangeOverhead + 8·(cmd+resp)/BitRate.
func ExchangeTime(cmd, resp int) time.Duration {
	return ExchangeOverhead + time.Duration(8*(cmd+resp))*time.Second/BitRate
}

// Stats counts what crossed the air interface since the card was made or
// ResetStats was called.
type Stats struct {
	APDUs    int           // exchanges answered (torn or removed ones not counted)
	BytesIn  int           // command bytes
	BytesOut int           // response bytes, status words included
	Modelled time.Duration // sum of ExchangeTime over the exchanges
	Tears    int           // armed tears that fired
	MACFlips int           // MACs corrupted by FlipNextMAC
	Refusals int           // responses other than 9000 and 61xx
	ByINS    map[byte]int  // exchanges per instruction byte
	PowerOns int           // PowerOn/Reset calls
	LastSW   uint16        // status word of the last answer
}

// frontend is what both simulated cards share: the power and field state,
// counters, the timing model and the armed faults. It serialises Transmit.
type frontend struct {
	mu       sync.Mutex
	powered  bool
	stats    Stats
	tearIn   int // APDUs until the armed tear fires; 0 = none armed
	tearMode TearMode
	tearAt   int // APDU number (since arming) at which it fires
	flipMAC  bool
}

func (f *frontend) init() {
	f.powered = true
	f.stats.ByINS = map[byte]int{}
}

// exchange runs one APDU through the fault model; execute is the COS,
// called with the lock held.
func (f *frontend) exchange(ctx context.Context, cmd []byte, execute func([]byte) []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.powered {
		return nil, ErrRemoved
	}
	if f.tearIn > 0 {
		f.tearIn--
		if f.tearIn == 0 {
			f.powered = false
			f.stats.Tears++
			err := &TearError{APDU: f.tearAt, Mode: f.tearMode}
			if f.tearMode == TearLoseResponse {
				execute(cmd)
			}
			return nil, err
		}
	}
	resp := execute(cmd)
	f.stats.APDUs++
	f.stats.BytesIn += len(cmd)
	f.stats.BytesOut += len(resp)
	f.stats.Modelled += ExchangeTime(len(cmd), len(resp))
	if len(cmd) > 1 {
		f.stats.ByINS[cmd[1]]++
	}
	sw := uint16(resp[len(resp)-2])<<8 | uint16(resp[len(resp)-1])
	f.stats.LastSW = sw
	if sw != 0x9000 && sw>>8 != 0x61 {
		f.stats.Refusals++
	}
	return resp, nil
}

// takeFlip reports (once) whether FlipNextMAC is armed; called with the
// lock held by the COS when it checks a MAC.
func (f *frontend) takeFlip() bool {
	if f.flipMAC {
		f.flipMAC = false
		f.stats.MACFlips++
		return true
	}
	return false
}

// Tear arms a tear: the k-th APDU from now (k ≥ 1) is torn in the given
// mode, and the card leaves the field; every later Transmit fails with
// [ErrRemoved] until PowerOn or Reset. Tear(0, …) disarms.
func (f *frontend) Tear(k int, mode TearMode) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tearIn, f.tearAt, f.tearMode = max(k, 0), max(k, 0), mode
}

// FlipNextMAC makes the next MAC-protected command arrive with one bit of
// its MAC flipped, as if changed on the way: the card must refuse it
// (6988) and change nothing.
func (f *frontend) FlipNextMAC() {
	f.mu.Lock()
	f.flipMAC = true
	f.mu.Unlock()
}

// Stats returns a copy of the counters.
func (f *frontend) Stats() Stats {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.stats
	s.ByINS = make(map[byte]int, len(f.stats.ByINS))
	for k, v := range f.stats.ByINS {
		s.ByINS[k] = v
	}
	return s
}

// ResetStats zeroes the counters (not the card).
func (f *frontend) ResetStats() {
	f.mu.Lock()
	f.stats = Stats{ByINS: map[byte]int{}}
	f.mu.Unlock()
}

// Present reports whether the card is in the field and powered.
func (f *frontend) Present() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.powered
}

// String is a one-line summary of the counters, for logs and examples.
func (s Stats) String() string {
	return fmt.Sprintf("%d APDUs, %d bytes in, %d bytes out, %.1f ms modelled",
		s.APDUs, s.BytesIn, s.BytesOut, float64(s.Modelled)/float64(time.Millisecond))
}
