package scard

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The two codes that are not PC/SC's own: no PC/SC in this build, and no
// pcsc-lite on this machine (Linux loads it at run time).
func TestPseudoCodes(t *testing.T) {
	assert.ErrorIs(t, newError("SCardEstablishContext", "", errUnsupportedCode), ErrUnsupported)
	assert.ErrorIs(t, newError("SCardEstablishContext", "", errNoLibraryCode), ErrNoLibrary)
	assert.NoError(t, newError("SCardEstablishContext", "", uint32(codeSuccess)))
}
