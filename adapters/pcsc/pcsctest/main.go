package pcsctest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bjedu/studentcard/adapters/pcsc/internal/scard"
)

// EnvNoAutostart set to 1 stops [Main] from starting pcscd.
const EnvNoAutostart = "STUDENTCARD_PCSC_NO_AUTOSTART"

// More variables of .ci/pcsc-stack.sh.
const (
	EnvSocket = "PCSCLITE_CSOCK_NAME"    // the private pcscd's socket; read by libpcsclite
	EnvState  = "STUDENTCARD_PCSC_STATE" // the stack's state directory, for Restart
)

// Main runs a test binary's tests with a private real stack where possible,
// so that a plain `go test ./...` works on a machine with pcscd and
// vsmartcard-vpcd installed, next to any other pcscd (the system's, CI's,
// another test binary's):
//
//	func TestMain(m *testing.M) { os.Exit(pcsctest.Main(m)) }
//
// Unless the environment already names a stack (STUDENTCARD_PCSC_STACK=1 and
// PCSCLITE_CSOCK_NAME, from `eval "$(.ci/pcsc-stack.sh)"`) or
// STUDENTCARD_PCSC_NO_AUTOSTART=1, Main starts pcscd with .ci/pcsc-stack.sh
// (found above the working directory; it never installs packages from here)
// in a temporary state directory: its own mount namespace, socket and vpcd
// port. It points this process at it (PCSCLITE_CSOCK_NAME and the
// STUDENTCARD_VPCD_* variables, set before any PC/SC call, because
// libpcsclite reads the socket name once) and stops it by its pid when the
// tests end. If the stack cannot start, the tests fail or skip as
// [Require] says.
func Main(m *testing.M) int {
	if !scard.BuiltIn() || os.Getenv(EnvNoAutostart) == "1" || (os.Getenv(EnvStack) == "1" && os.Getenv(EnvSocket) != "") {
		return m.Run()
	}
	stop, err := startPrivate()
	if err != nil {
		fmt.Fprintln(os.Stderr, "pcsctest: could not start a private PC/SC stack:", err)
		return m.Run()
	}
	code := m.Run()
	if err := stop(); err != nil {
		fmt.Fprintln(os.Stderr, "pcsctest: could not stop pcscd:", err)
	}
	return code
}

// startPrivate starts a stack in a new temporary state directory and sets
// this process's environment to it. The port is chosen under a machine-wide
// lock, so test binaries starting at the same time get different ports.
func startPrivate() (stop func() error, err error) {
	dir, err := os.MkdirTemp("", "studentcard-pcsc-")
	if err != nil {
		return nil, err
	}
	lock, err := os.OpenFile(filepath.Join(os.TempDir(), "studentcard-pcsc-start.lock"), os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	defer lock.Close()
	if err := flock(lock, true); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	env, err := runScript(dir, "start")
	_ = unlock(lock)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	for k, v := range env {
		if err := os.Setenv(k, v); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(os.Stderr, "pcsctest: private pcscd %s on %s, vpcd %s\n", env["PCSCD_PID"], env[EnvSocket], env[EnvAddr])
	return func() error {
		_, err := runScript(dir, "stop")
		return errors.Join(err, os.RemoveAll(dir))
	}, nil
}

// Restart restarts the stack's pcscd on the same socket and port (the
// script's restart), as an administrator or a package upgrade does under a
// live session: every PC/SC handle of the old pcscd becomes invalid. The
// stack must come from [Main] or the script (STUDENTCARD_PCSC_STATE).
func Restart(t testing.TB) {
	t.Helper()
	dir := os.Getenv(EnvState)
	if dir == "" {
		t.Fatalf("pcsctest.Restart: %s is not set: the stack was not started by pcsctest.Main or .ci/pcsc-stack.sh", EnvState)
	}
	if _, err := runScript(dir, "restart"); err != nil {
		t.Fatalf("pcsctest.Restart: %v", err)
	}
}

// runScript runs .ci/pcsc-stack.sh (start, stop or restart) on the state
// directory dir without installing packages, and returns the variables it
// exports; its progress goes to stderr.
func runScript(dir, arg string) (map[string]string, error) {
	script, err := findScript()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("bash", script, arg)
	cmd.Env = append(os.Environ(), "STUDENTCARD_PCSC_NO_INSTALL=1", EnvState+"="+dir, "STUDENTCARD_VPCD_PORT=")
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s %s: %w", script, arg, err)
	}
	env := map[string]string{}
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		kv, ok := strings.CutPrefix(sc.Text(), "export ")
		if !ok {
			continue
		}
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = unquoteShell(v)
		}
	}
	return env, nil
}

// unquoteShell undoes bash's printf %q for the plain values the script
// exports (paths, numbers, the reader name): backslash escapes.
func unquoteShell(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) {
			i++
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

// findScript looks for .ci/pcsc-stack.sh in the working directory and its
// parents (go test runs in the package directory).
func findScript() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, ".ci", "pcsc-stack.sh")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf(".ci/pcsc-stack.sh not found above the working directory")
		}
		dir = parent
	}
}
