package pcsctest_test

import (
	"os"
	"testing"

	"github.com/bjedu/studentcard/adapters/pcsc/pcsctest"
)

func TestMain(m *testing.M) { os.Exit(pcsctest.Main(m)) }
