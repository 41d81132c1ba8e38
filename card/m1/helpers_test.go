package m1_test

import (
	"time"

	"github.com/bjedu/studentcard/sam"
)

// suites are the two cipher suites every authentication test runs under.
var suites = []sam.Algorithm{sam.TDES, sam.SM4}

// testSeed is the lab seed of the tests' issuer and terminal SAM
// (lab.ForTest gives the keys and the unlocked SAM).
const testSeed = "m1 tests"

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
