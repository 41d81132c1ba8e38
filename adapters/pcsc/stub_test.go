//go:build !windows && !(cgo && (linux || darwin || freebsd))

package pcsc_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/bjedu/studentcard/adapters/pcsc"
	"github.com/bjedu/studentcard/adapters/pcsc/internal/scard"
)

// Built without cgo, every entry point says so instead of failing obscurely.
func TestStubIsUnsupported(t *testing.T) {
	_, err := scard.EstablishContext()
	assert.ErrorIs(t, err, pcsc.ErrUnsupported)
	_, err = pcsc.Open(context.Background(), "Virtual PCD 00 00")
	assert.ErrorIs(t, err, pcsc.ErrUnsupported)
	assert.ErrorIs(t, pcsc.WaitForCard(context.Background(), "Virtual PCD 00 00"), pcsc.ErrUnsupported)
}
