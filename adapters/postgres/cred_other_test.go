//go:build !unix

package postgres_test

import (
	"errors"
	"os/exec"
	"os/user"
)

// credential: other systems do not run the tests as root; there is no
// user to switch to.
type credential struct{ uid, gid int }

func credentialOf(*user.User) (*credential, error) {
	return nil, errors.New("switching to the postgres user is supported on unix only")
}

func (*credential) apply(*exec.Cmd) {}
