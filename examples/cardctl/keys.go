package main

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/pem"
	"flag"
	"os"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/lab"
	"github.com/bjedu/studentcard/sam"
	"github.com/bjedu/studentcard/studentid"
)

// devKeySet is the lab's key set of a suite for the seed (development
// keys: the seed is the whole secret) and the id of the Soft SAM they load.
func devKeySet(seed string, alg sam.Algorithm) (*sam.KeySet, sam.SAMID, error) {
	ks, err := lab.Keys(alg, seed)
	if err != nil {
		return nil, sam.SAMID{}, err
	}
	return ks, lab.SAMID(seed), nil
}

// devSerial is the serial of a new simulated card when --serial is not given.
func devSerial(seed string) studentid.Serial { return lab.Serial(seed, 0) }

// listKeyFlags are the flags giving the list signing and verification keys.
type listKeyFlags struct {
	devSeed string
	signKey string
	pubKey  string
}

func (k *listKeyFlags) add(fs *flag.FlagSet, sign bool) {
	fs.StringVar(&k.devSeed, "dev-keys", "", "derive the list key pair from this seed (development only, NOT for production)")
	fs.StringVar(&k.pubKey, "pub-key", "", "city's list verification key (PKIX PEM)")
	if sign {
		fs.StringVar(&k.signKey, "sign-key", "", "list signing key (PKCS #8 PEM, Ed25519)")
	}
}

// warnDev tells the operator, once per command, that the keys are
// development keys.
func (k *listKeyFlags) warnDev(e *env) {
	if k.devSeed != "" {
		e.warn(errDevKeys)
	}
}

// devListKey is the development Ed25519 key pair of the seed.
func devListKey(seed string) ed25519.PrivateKey {
	return lab.ListKey(seed)
}

// signer returns the signing key: --sign-key, or the development key.
func (k *listKeyFlags) signer() (ed25519.PrivateKey, error) {
	switch {
	case k.signKey != "" && k.devSeed != "":
		return nil, usagef("give either --sign-key or --dev-keys, not both")
	case k.signKey != "":
		b, err := os.ReadFile(k.signKey)
		if err != nil {
			return nil, ioErr(err)
		}
		blk, _ := pem.Decode(b)
		if blk == nil || blk.Type != "PRIVATE KEY" {
			return nil, &keyFileError{path: k.signKey, want: "PKCS #8 PEM"}
		}
		key, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
		if err != nil {
			return nil, &keyFileError{path: k.signKey, want: "PKCS #8 PEM"}
		}
		ed, ok := key.(ed25519.PrivateKey)
		if !ok {
			return nil, &keyFileError{path: k.signKey, want: "Ed25519"}
		}
		return ed, nil
	case k.devSeed != "":
		return devListKey(k.devSeed), nil
	}
	return nil, usagef("a signing key is required: --sign-key FILE or --dev-keys SEED")
}

// public returns the verification key: --pub-key, the public half of
// --sign-key, or the development key.
func (k *listKeyFlags) public() (ed25519.PublicKey, error) {
	switch {
	case k.pubKey != "":
		b, err := os.ReadFile(k.pubKey)
		if err != nil {
			return nil, ioErr(err)
		}
		blk, _ := pem.Decode(b)
		if blk == nil || blk.Type != "PUBLIC KEY" {
			return nil, &keyFileError{path: k.pubKey, want: "PKIX PEM"}
		}
		key, err := x509.ParsePKIXPublicKey(blk.Bytes)
		if err != nil {
			return nil, &keyFileError{path: k.pubKey, want: "PKIX PEM"}
		}
		ed, ok := key.(ed25519.PublicKey)
		if !ok {
			return nil, &keyFileError{path: k.pubKey, want: "Ed25519"}
		}
		return ed, nil
	case k.signKey != "" || k.devSeed != "":
		priv, err := k.signer()
		if err != nil {
			return nil, err
		}
		return priv.Public().(ed25519.PublicKey), nil
	}
	return nil, usagef("a verification key is required: --pub-key FILE or --dev-keys SEED")
}

// errDevKeys is the warning printed whenever development keys are used.
var errDevKeys = messages.Error("development keys from --dev-keys: NOT for production")

// keyFileError says a key file is not in the expected form. It never quotes
// the file's content.
type keyFileError struct {
	path string
	want string
}

func (e *keyFileError) Error() string { return "key file " + e.path + ": not " + e.want }

// Localize renders the error in the operator's language.
func (e *keyFileError) Localize(tag language.Tag) string {
	want := e.want
	if messages.Has(want) { // "a PSAM description (...)"; format names stay as they are
		want = messages.Sprintf(tag, want)
	}
	return messages.Sprintf(tag, "key file %s: not %s", e.path, want)
}
