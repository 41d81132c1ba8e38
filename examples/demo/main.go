// Command demo walks the whole Beijing student card system through one
// command, on embedded defaults: a SQLite ledger in a temporary directory, a
// Soft SAM unlocked by its management card, and simulated registry cards.
//
//	go run ./examples/demo                 # Chinese narrative, seed 1
//	go run ./examples/demo -lang en -seed 7
//
// The tour has eight steps, each citing the rules of RULES.md it shows:
// card-making data up from the school through district and city — starting
// from the schools' CMIS exports (an xlsx workbook and a GB18030 CSV file)
// read by adapters/cmis, which lists every bad cell (P-4), and with one
// registry number the ledger gave another student coming back in a failure
// file (S-ID-1, C-MAKE-2) — the factory's result file down with handover
// sheets, personalisation, the semester registration, a loss that reaches a
// reader's signed compact list through the ledger's daily list events, a
// transfer between two schools, a recovery with its slip, and a final audit
// and summary.
//
// Everything is deterministic for a seed: randomness comes from math/rand/v2
// seeded by -seed, time from a simulated clock starting on a working day in
// 2026, so the same seed prints the same text. The demo checks what it
// claims: a failed check prints what was expected and the exit status is 1
// (2 for bad flags).
package main

import (
	"context"
	"os"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}
