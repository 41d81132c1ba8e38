package main

import (
	"flag"
	"time"

	"github.com/bjedu/studentcard/adapters/sqlite"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

// ledgerFlags name the ledger database and the operator the ledger checks
// every call against (level and scope, S-4) and records in its audit log
// (P-3).
type ledgerFlags struct {
	db                            string
	level, district, school, user string
}

func (lf *ledgerFlags) add(fs *flag.FlagSet, level string) {
	fs.StringVar(&lf.db, "db", "", "ledger database (SQLite file)")
	fs.StringVar(&lf.level, "level", level, "operator's level: city, district or school")
	fs.StringVar(&lf.district, "district", "", "operator's district, 2 digits (registry number positions 3-4)")
	fs.StringVar(&lf.school, "school", "", "operator's school, 8 digits")
	fs.StringVar(&lf.user, "user", "cardctl", "operator's login, for the audit log")
}

// operator checks that a database is named and the level is one, and fills
// a school's district from its code. Whether the operator may see what it
// asks for is the ledger's to decide.
func (lf *ledgerFlags) operator() (lifecycle.Operator, error) {
	if lf.db == "" {
		return lifecycle.Operator{}, usagef("--db is required")
	}
	op := lifecycle.Operator{Level: studentid.Level(lf.level), District: lf.district, School: lf.school, User: lf.user}
	switch op.Level {
	case studentid.LevelCity, studentid.LevelDistrict, studentid.LevelSchool, studentid.LevelApplication:
	default:
		return op, usagef("--level: %q is not city, district or school", lf.level)
	}
	if op.Level == studentid.LevelSchool && op.District == "" && len(op.School) == 8 {
		op.District = op.School[2:4]
	}
	switch {
	case op.Level == studentid.LevelDistrict && op.District == "":
		return op, usagef("--district is required for a district operator")
	case op.Level == studentid.LevelSchool && op.School == "":
		return op, usagef("--school is required for a school operator")
	}
	return op, nil
}

// openLedger opens the ledger in an existing SQLite database on the
// invocation's clock: a mistyped name, an empty file, another
// application's database or a ledger of another schema version is refused
// (nothing is created, nothing migrated: ledger init and ledger migrate do
// that). The file is opened existing-only, not read-only, although the
// report commands only read: a refused read (outside the operator's scope,
// S-4) is recorded in the audit log (P-3), a write a read-only connection
// cannot make. Close the returned func when done.
func (e *env) openLedger(path string) (*lifecycle.Ledger, func(), error) {
	store, err := sqlite.Open(e.ctx, path, sqlite.Options{Access: sqlite.AccessExisting})
	if err != nil {
		return nil, nil, err
	}
	now := e.now()
	ledger, err := lifecycle.NewLedger(lifecycle.Config{Store: store, Clock: func() time.Time { return now }})
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	return ledger, func() { store.Close() }, nil
}
