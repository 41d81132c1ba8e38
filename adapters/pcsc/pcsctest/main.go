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

	"github.com/bjedu/studentcard/adapters/pcsc"
)

// EnvNoAutostart set to 1 stops [Main] from starting pcscd.
const EnvNoAutostart = "STUDENTCARD_PCSC_NO_AUTOSTART"

// Main runs a test binary's tests with the real stack available where
// possible, so that a plain `go test ./...` works on a machine with pcscd and
// vsmartcard-vpcd installed (as root, since pcscd's socket is in /run/pcscd):
//
//	func TestMain(m *testing.M) { os.Exit(pcsctest.Main(m)) }
//
// If no pcscd answers, Main starts one with .ci/pcsc-stack.sh (found above
// the working directory; it never installs packages from here) and stops it
// by its pid when every test binary using it has finished. Binaries running
// at the same time share one pcscd: each holds a shared lock on it for its
// whole run, and the one that started pcscd takes the lock exclusively before
// stopping it. A pcscd started by someone else (the CI script) is left alone.
func Main(m *testing.M) int {
	lock, err := os.OpenFile(filepath.Join(os.TempDir(), "studentcard-pcsc-stack.lock"), os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		fmt.Fprintln(os.Stderr, "pcsctest:", err)
		return m.Run()
	}
	defer lock.Close()

	// Start pcscd if none answers, deciding under the exclusive lock; then
	// hold the lock shared for the run. A pcscd seen before taking the shared
	// lock may be stopped by its starter meanwhile, so check again.
	started := false
	autostart := os.Getenv(EnvNoAutostart) != "1"
	for range 3 {
		if autostart && needsService() && flock(lock, true) == nil && needsService() {
			if err := runScript("start"); err != nil {
				fmt.Fprintln(os.Stderr, "pcsctest: could not start the PC/SC stack:", err)
				autostart = false
			} else {
				started = true
			}
		}
		_ = flock(lock, false)
		if started || !autostart || !needsService() {
			break
		}
	}

	code := m.Run()

	if started {
		// Wait until no other test binary uses the stack, then stop it.
		if err := flock(lock, true); err == nil {
			if err := runScript("stop"); err != nil {
				fmt.Fprintln(os.Stderr, "pcsctest: could not stop pcscd:", err)
			}
		}
	}
	_ = unlock(lock)
	return code
}

// needsService reports whether pcscd is not answering although this build
// could talk to it (not the no-cgo stub).
func needsService() bool {
	c, err := pcsc.EstablishContext()
	if err != nil {
		return !errors.Is(err, pcsc.ErrUnsupported)
	}
	_ = c.Release()
	return false
}

// runScript runs .ci/pcsc-stack.sh (start or stop) without installing
// packages; its progress goes to stderr.
func runScript(arg string) error {
	script, err := findScript()
	if err != nil {
		return err
	}
	cmd := exec.Command("bash", script, arg)
	cmd.Env = append(os.Environ(), "STUDENTCARD_PCSC_NO_INSTALL=1")
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w", script, arg, err)
	}
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		if pid, ok := strings.CutPrefix(sc.Text(), "export PCSCD_PID="); ok {
			fmt.Fprintf(os.Stderr, "pcsctest: started pcscd %s for this test run\n", pid)
		}
	}
	return nil
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
