package pcsc_test

import (
	"os"
	"testing"

	"github.com/bjedu/studentcard/adapters/pcsc/pcsctest"
)

// TestMain brings up pcscd for the real-stack tests when it is installed but
// not running; see pcsctest.Main.
func TestMain(m *testing.M) { os.Exit(pcsctest.Main(m)) }
