package pcsctest

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Two stacks share one machine: a second private stack starts while this
// test binary's is running, on another socket and another vpcd port; each
// client library sees only its own pcscd, and stopping the second leaves
// the first serving. (The script used to always take /run/pcscd/pcscd.comm
// and, with CI=true, stop any other pcscd.)
func TestTwoStacksShareAMachine(t *testing.T) {
	first := os.Getenv(EnvSocket)
	if first == "" || os.Getenv(EnvState) == "" {
		t.Skip("no stack of this binary (STUDENTCARD_PCSC_NO_AUTOSTART or no pcscd)")
	}
	dir := t.TempDir()
	env, err := runScript(dir, "start")
	require.NoError(t, err)
	t.Cleanup(func() { _, _ = runScript(dir, "stop") })

	assert.NotEqual(t, first, env[EnvSocket], "its own socket")
	assert.NotEqual(t, os.Getenv(EnvAddr), env[EnvAddr], "its own vpcd port")
	_, err = os.Stat("/run/pcscd/pcscd.comm")
	if err == nil {
		assert.NotEqual(t, "/run/pcscd/pcscd.comm", env[EnvSocket], "not the system's socket")
	}
	list := func(socket string) string {
		t.Helper()
		cmd := exec.Command("/usr/bin/python3", "-c", "from smartcard.System import readers; print([str(r) for r in readers()])")
		cmd.Env = append(os.Environ(), EnvSocket+"="+socket)
		out, err := cmd.CombinedOutput()
		if err != nil && os.Getenv("CI") == "true" {
			t.Fatalf("pyscard (python3-pyscard) lists no readers: %v %s", err, out)
		} else if err != nil {
			t.Skipf("pyscard not available to list readers: %v %s", err, out)
		}
		return strings.TrimSpace(string(out))
	}
	assert.Contains(t, list(env[EnvSocket]), "Virtual PCD 00 00", "the second pcscd answers on its socket")
	_, err = runScript(dir, "stop")
	require.NoError(t, err)
	assert.Contains(t, list(first), "Virtual PCD 00 00", "the first pcscd still serves after the second stopped")
}
