package main

import (
	"encoding/hex"
	"encoding/json"
	"os"

	"github.com/bjedu/studentcard/sam"
)

// psamConfigFile is the --psam-config file: one vendor's PSAM (see
// sam.PSAMConfig) and the record of the reader's management card (SPEC S-6).
// The SDK has no command to read a management card from a card, so the
// record (18 bytes, sam.ManagementCard.MarshalBinary) is given here in hex:
// it is a bearer secret for its SAM, so protect the file like a key.
//
//	{"suite": "SM4", "id": "0102030405060708", "df": "F0424A45445501",
//	 "keys": [{"id": 1, "version": 1, "usage": 7, "index": 1}, ...],
//	 "management": {"usage": 7, "index": 16}, "chunk": 0,
//	 "management_card": "0102..."}
type psamConfigFile struct {
	Suite string `json:"suite"`
	ID    string `json:"id"`
	DF    string `json:"df"`
	Keys  []struct {
		ID      byte `json:"id"`
		Version byte `json:"version"`
		Usage   byte `json:"usage"`
		Index   byte `json:"index"`
	} `json:"keys"`
	Management struct {
		Usage byte `json:"usage"`
		Index byte `json:"index"`
	} `json:"management"`
	Chunk          int    `json:"chunk"`
	ManagementCard string `json:"management_card"`
}

// openPSAM opens the PSAM's reader, loads the driver and unlocks it with the
// management card record.
func (e *env) openPSAM(cf *cardFlags) (sam.SAM, func(), error) {
	b, err := os.ReadFile(cf.psamConfig)
	if err != nil {
		return nil, nil, ioErr(err)
	}
	cfg, mc, err := parsePSAMConfig(cf.psamConfig, b)
	clear(b)
	if err != nil {
		return nil, nil, err
	}
	r, err := e.deps.openReader(e.ctx, cf.psam)
	if err != nil {
		return nil, nil, err
	}
	p, err := sam.NewPSAM(r, cfg)
	if err != nil {
		r.Close()
		return nil, nil, err
	}
	if err := p.Unlock(e.ctx, mc); err != nil {
		p.Close()
		r.Close()
		return nil, nil, err
	}
	return p, func() { p.Close(); r.Close() }, nil
}

// parsePSAMConfig reads a --psam-config file's content. Errors name the file
// and never quote the management card record.
func parsePSAMConfig(path string, b []byte) (sam.PSAMConfig, sam.ManagementCard, error) {
	bad := func(what string) error { return &keyFileError{path: path, want: what} }
	var pc psamConfigFile
	if err := json.Unmarshal(b, &pc); err != nil {
		return sam.PSAMConfig{}, sam.ManagementCard{}, bad("a PSAM description (JSON)")
	}
	suite, err := parseSuite(pc.Suite)
	if err != nil {
		return sam.PSAMConfig{}, sam.ManagementCard{}, bad("a PSAM description (suite SM4 or 3DES)")
	}
	id, err := sam.ParseSAMID(pc.ID)
	if err != nil {
		return sam.PSAMConfig{}, sam.ManagementCard{}, &fileContext{path: path, err: err}
	}
	df, err := hex.DecodeString(pc.DF)
	if err != nil {
		return sam.PSAMConfig{}, sam.ManagementCard{}, bad("a PSAM description (df in hex)")
	}
	cfg := sam.PSAMConfig{Suite: suite, ID: id, DF: df, Keys: map[sam.KeyRef]sam.PSAMKey{},
		Management: sam.PSAMKey{Usage: pc.Management.Usage, Index: pc.Management.Index}, Chunk: pc.Chunk}
	for _, k := range pc.Keys {
		cfg.Keys[sam.KeyRef{ID: k.ID, Version: k.Version}] = sam.PSAMKey{Usage: k.Usage, Index: k.Index}
	}
	rec, err := hex.DecodeString(pc.ManagementCard)
	if err != nil {
		return sam.PSAMConfig{}, sam.ManagementCard{}, bad("a PSAM description (management_card in hex)")
	}
	mc, err := sam.ParseManagementCard(rec)
	clear(rec)
	if err != nil {
		return sam.PSAMConfig{}, sam.ManagementCard{}, &fileContext{path: path, err: err}
	}
	return cfg, mc, nil
}
