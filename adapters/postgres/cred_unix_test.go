//go:build unix

package postgres_test

import (
	"os/exec"
	"os/user"
	"strconv"
	"syscall"
)

// credential is the unprivileged user the server binaries run as when the
// tests run as root.
type credential struct{ uid, gid int }

func credentialOf(u *user.User) (*credential, error) {
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return nil, err
	}
	gid, err := strconv.Atoi(u.Gid)
	if err != nil {
		return nil, err
	}
	return &credential{uid: uid, gid: gid}, nil
}

func (c *credential) apply(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(c.uid), Gid: uint32(c.gid)}}
}
