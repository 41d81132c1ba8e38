package sam

import (
	"bytes"
	"context"
	"crypto/cipher"
	"fmt"
	"slices"
	"sync"

	"github.com/bjedu/studentcard/apdu"
)

// PSAMSimulator is a PSAM in software: an apdu.Transport that answers the
// commands [PSAM] sends — SELECT of the education DF, 80 1A (initialise for
// DES), 80 FA (encrypt / MAC in chunks) and GET RESPONSE — over the same
// suites as [Soft]. Tests and labs put it behind a PSAM driver so that the
// driver, the simulator and the Soft SAM check each other.
//
// It answers like a card: a malformed or unsupported command gets a status
// word (6700, 6A86, 6D00, 6E00, 6985, 6A88, 6A82), never a panic or a Go
// error. With T0 set it answers every command that returns data with 61xx
// and hands the data out through GET RESPONSE, as a T=0 PSAM does. It is
// safe for concurrent use; like a real PSAM it has one working register.
type PSAMSimulator struct {
	cfg PSAMConfig
	t0  bool

	mu       sync.Mutex
	keys     map[PSAMKey][]byte // master keys by (type, index)
	selected bool
	work     []byte // the diversified key loaded by 80 1A
	workType byte
	mac      *macState // a MAC begun by 80 FA 07
	pending  []byte    // data waiting for GET RESPONSE
	count    int
}

// NewPSAMSimulator loads a simulator with copies of the key set's master keys
// at the places cfg names (cfg.Keys and cfg.Management) and the DF, chunk
// size and id of cfg. With t0 it answers 61xx as over T=0.
func NewPSAMSimulator(keys *KeySet, cfg PSAMConfig, t0 bool) (*PSAMSimulator, error) {
	cfg, err := cfg.check()
	if err != nil {
		return nil, err
	}
	if err := keys.ready("NewPSAMSimulator"); err != nil {
		return nil, err
	}
	if keys.alg != cfg.Suite || keys.mgmt == nil {
		return nil, &ConfigError{Reason: "the simulator needs a KeySet of the configured suite with a management key"}
	}
	s := &PSAMSimulator{cfg: cfg, t0: t0, keys: map[PSAMKey][]byte{cfg.Management: slices.Clone(keys.mgmt)}, selected: len(cfg.DF) == 0}
	for ref, k := range cfg.Keys {
		master, ok := keys.keys[ref]
		if !ok {
			return nil, &KeyError{Op: "NewPSAMSimulator", Ref: ref}
		}
		s.keys[k] = slices.Clone(master)
	}
	return s, nil
}

// Commands is the number of APDUs the simulator has answered, GET RESPONSE
// included; tests use it to see chunking.
func (s *PSAMSimulator) Commands() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count
}

// Reset is a power cycle: the DF selection, working key, MAC in progress
// and pending data are dropped.
func (s *PSAMSimulator) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reset()
}

// reset is Reset under s.mu.
func (s *PSAMSimulator) reset() {
	s.selected = len(s.cfg.DF) == 0
	s.dropWork()
	s.pending = nil
}

// dropWork forgets the working key and any MAC in progress.
func (s *PSAMSimulator) dropWork() {
	clear(s.work)
	s.work, s.workType = nil, 0
	if s.mac != nil {
		s.mac.zero()
		s.mac = nil
	}
}

// Zero overwrites the simulator's keys and resets it; it answers 6A88 to
// every key afterwards.
func (s *PSAMSimulator) Zero() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range s.keys {
		clear(v)
		delete(s.keys, k)
	}
	s.reset()
}

// Transmit answers one command APDU. It returns a Go error only for a
// canceled context.
func (s *PSAMSimulator) Transmit(ctx context.Context, raw []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.count++
	data, sw, fetched := s.answer(raw)
	if len(data) > 0 && s.t0 && !fetched {
		s.pending = data
		return apdu.Response{SW: apdu.MoreData(len(data))}.Bytes(), nil
	}
	return apdu.Response{Data: data, SW: sw}.Bytes(), nil
}

// answer handles one command under s.mu; fetched reports an answer to GET
// RESPONSE, which is never wrapped in 61xx again.
func (s *PSAMSimulator) answer(raw []byte) (data []byte, sw apdu.StatusWord, fetched bool) {
	cmd, err := apdu.ParseCommand(raw)
	if err != nil {
		s.pending = nil
		return nil, apdu.SWWrongLength, false
	}
	if cmd.CLA == 0x00 && cmd.INS == 0xC0 {
		data, sw = s.getResponse(cmd)
		return data, sw, true
	}
	s.pending = nil // GET RESPONSE must follow its command
	switch {
	case cmd.CLA == 0x00 && cmd.INS == 0xA4:
		data, sw = s.selectDF(cmd)
	case cmd.CLA == claPSAM && cmd.INS == insInitForDES:
		data, sw = s.initForDES(cmd)
	case cmd.CLA == claPSAM && cmd.INS == insCipher:
		data, sw = s.cipher(cmd)
	case cmd.CLA != 0x00 && cmd.CLA != claPSAM:
		sw = apdu.SWCLANotSupported
	default:
		sw = apdu.SWINSNotSupported
	}
	return data, sw, false
}

// getResponse hands out pending data (T0 mode): at most Le bytes, with 61xx
// while more remain.
func (s *PSAMSimulator) getResponse(cmd apdu.Command) ([]byte, apdu.StatusWord) {
	if s.pending == nil || cmd.P1 != 0 || cmd.P2 != 0 {
		return nil, apdu.SWConditionsNotSatisfied
	}
	n := cmd.Le
	if n == 0 || n > len(s.pending) {
		n = len(s.pending)
	}
	out := s.pending[:n]
	rest := s.pending[n:]
	s.pending = nil
	if len(rest) > 0 {
		s.pending = rest
		return out, apdu.MoreData(len(rest))
	}
	return out, apdu.SWSuccess
}

// selectDF selects the education DF by name or file id; any SELECT drops
// the working key.
func (s *PSAMSimulator) selectDF(cmd apdu.Command) ([]byte, apdu.StatusWord) {
	s.dropWork()
	want := s.cfg.DF
	switch {
	case len(want) == 0:
		return nil, apdu.SWFileNotFound
	case cmd.P1 == 0x04 && len(want) != 2 && bytes.Equal(cmd.Data, want),
		cmd.P1 == 0x00 && len(want) == 2 && bytes.Equal(cmd.Data, want):
		s.selected = true
		return nil, apdu.SWSuccess
	case cmd.P1 != 0x00 && cmd.P1 != 0x04:
		return nil, apdu.SWWrongP1P2
	}
	return nil, apdu.SWFileNotFound
}

// initForDES is 80 1A: diversify the master key at (type, index) with the
// P1-high-bits levels of the data into the working register.
func (s *PSAMSimulator) initForDES(cmd apdu.Command) ([]byte, apdu.StatusWord) {
	s.dropWork()
	if !s.selected {
		return nil, apdu.SWConditionsNotSatisfied
	}
	levels := int(cmd.P1 >> 5)
	if levels == 0 || len(cmd.Data) != levels*DiversifierLevelSize {
		return nil, apdu.SWWrongLength
	}
	ref := PSAMKey{Usage: cmd.P1 & 0x1F, Index: cmd.P2}
	master, ok := s.keys[ref]
	if !ok {
		return nil, apdu.SWReferencedDataNotFound
	}
	work, err := diversify(s.cfg.Suite, "80 1A", master, Diversifier(cmd.Data))
	if err != nil { // unreachable: sizes were checked
		return nil, apdu.SWIncorrectData
	}
	s.work, s.workType = work, ref.Usage
	return nil, apdu.SWSuccess
}

// cipher is 80 FA: encrypt (ECB) or MAC with the working key; MACs need a
// MAC-type (08) key and keep their chaining value between chunks.
func (s *PSAMSimulator) cipher(cmd apdu.Command) ([]byte, apdu.StatusWord) {
	bs := s.cfg.Suite.BlockSize()
	switch {
	case cmd.P2 != 0:
		return nil, apdu.SWWrongP1P2
	case len(cmd.Data) == 0 || len(cmd.Data) > s.cfg.Chunk || len(cmd.Data)%bs != 0:
		return nil, apdu.SWWrongLength
	case s.work == nil:
		return nil, apdu.SWConditionsNotSatisfied
	}
	switch cmd.P1 {
	case p1EncryptLast, p1EncryptMore:
		if s.mac != nil {
			return nil, apdu.SWConditionsNotSatisfied
		}
		b, _ := s.cfg.Suite.block("80 FA", s.work) // 16-byte key: cannot fail
		out := make([]byte, len(cmd.Data))
		ecb(b, out, cmd.Data)
		return out, apdu.SWSuccess
	case p1MACSingle, p1MACFirst:
		if s.workType != UsageMAC {
			return nil, apdu.SWConditionsNotSatisfied
		}
		if len(cmd.Data) < 2*bs {
			return nil, apdu.SWWrongLength
		}
		if s.mac != nil {
			s.mac.zero()
		}
		s.mac, _ = s.cfg.Suite.newMAC("80 FA", s.work, cmd.Data[:bs]) // sizes checked
		if cmd.P1 == p1MACFirst {
			s.mac.chainBlocks(cmd.Data[bs:])
			return nil, apdu.SWSuccess
		}
		return s.finishMAC(cmd.Data[bs:])
	case p1MACMiddle:
		if s.mac == nil {
			return nil, apdu.SWConditionsNotSatisfied
		}
		s.mac.chainBlocks(cmd.Data)
		return nil, apdu.SWSuccess
	case p1MACLast:
		if s.mac == nil {
			return nil, apdu.SWConditionsNotSatisfied
		}
		return s.finishMAC(cmd.Data)
	}
	return nil, apdu.SWWrongP1P2
}

// finishMAC chains all but the last block of data, finishes with the last
// and answers the first 4 bytes.
func (s *PSAMSimulator) finishMAC(data []byte) ([]byte, apdu.StatusWord) {
	bs := s.cfg.Suite.BlockSize()
	s.mac.chainBlocks(data[:len(data)-bs])
	out := s.mac.finish(data[len(data)-bs:])[:MACSize]
	s.mac.zero()
	s.mac = nil
	return out, apdu.SWSuccess
}

// ecb enciphers whole blocks one by one.
func ecb(b cipher.Block, dst, src []byte) {
	bs := b.BlockSize()
	for i := 0; i+bs <= len(src); i += bs {
		b.Encrypt(dst[i:i+bs], src[i:i+bs])
	}
}

// Format prints the suite and id, never a key.
func (s *PSAMSimulator) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "sam.PSAMSimulator{%s SAM %s}", s.cfg.Suite.Name(), s.cfg.ID.String())
}

// String is what Format prints.
func (s *PSAMSimulator) String() string { return fmt.Sprint(s) }

var _ apdu.Transport = (*PSAMSimulator)(nil)
