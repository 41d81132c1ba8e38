package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/bjedu/studentcard/adapters/sqlite"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

// A school office's ledger on one SQLite file: a stock shipment lands once
// however often the file is imported, and the audit chain verifies.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "studentcard-example-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)

	s, err := sqlite.Open(ctx, filepath.Join(dir, "ledger.db"), sqlite.Options{})
	if err != nil {
		panic(err)
	}
	defer s.Close()
	clock := func() time.Time { return time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC) }
	l, err := lifecycle.NewLedger(lifecycle.Config{Store: s, Clock: clock})
	if err != nil {
		panic(err)
	}
	city := lifecycle.Operator{Level: studentid.LevelCity, User: "admin"}
	for range 2 {
		out, err := l.ReceiveStock(ctx, city, "9f2c0d…shipment-digest", []string{"RC0001", "RC0002", "RC0003"})
		fmt.Println("already imported:", out.Already, err)
	}
	n, _ := l.StockOf(ctx, city, lifecycle.StockKey{Level: studentid.LevelCity, Item: lifecycle.StockBlankRegistry})
	fmt.Println("blank cards in city stock:", n)
	entries, err := lifecycle.Audit{}.Verify(ctx, s, "city", lifecycle.AuditAnchor{})
	fmt.Println("audit entries verified:", entries, err)
	// Output:
	// already imported: false <nil>
	// already imported: true <nil>
	// blank cards in city stock: 3
	// audit entries verified: 2 <nil>
}

// The weekly backup of R-OPS-1, taken while the store is in use, recorded,
// and restored into a new file.
func ExampleStore_Backup() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "studentcard-example-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	s, err := sqlite.Open(ctx, filepath.Join(dir, "ledger.db"), sqlite.Options{})
	if err != nil {
		panic(err)
	}
	defer s.Close()
	l, err := lifecycle.NewLedger(lifecycle.Config{Store: s, Clock: func() time.Time { return time.Date(2026, 3, 8, 12, 0, 0, 0, time.UTC) }})
	if err != nil {
		panic(err)
	}
	district := lifecycle.Operator{Level: studentid.LevelDistrict, District: "05", User: "ops"}

	backup := filepath.Join(dir, "ledger-2026-w10.db")
	err = s.Backup(ctx, backup)
	_, _ = l.RecordSync(ctx, district, lifecycle.SyncBackup, 0, err == nil, filepath.Base(backup))
	last, _ := l.LastSync(ctx, district, lifecycle.SyncBackup)
	fmt.Println("last backup ok:", last.OK, last.Detail)

	err = sqlite.Restore(ctx, backup, filepath.Join(dir, "restored.db"))
	fmt.Println("restored:", err)
	// Output:
	// last backup ok: true ledger-2026-w10.db
	// restored: <nil>
}
