package main

import (
	"flag"
	"time"

	"github.com/bjedu/studentcard/adapters/sqlite"
	"github.com/bjedu/studentcard/lifecycle"
)

// operatorFlags name the operator the ledger checks every call against
// (level and scope, S-4) and records in its audit log (P-3).
type operatorFlags struct {
	level, district, school, user string
}

func (o *operatorFlags) add(fs *flag.FlagSet, level string) {
	fs.StringVar(&o.level, "level", level, "operator's level: city, district or school")
	fs.StringVar(&o.district, "district", "", "operator's district, 2 digits (registry number positions 3-4)")
	fs.StringVar(&o.school, "school", "", "operator's school, 8 digits")
	fs.StringVar(&o.user, "user", "cardctl", "operator's login, for the audit log")
}

// operator checks the level and fills a school's district from its code.
// Whether the operator may see what it asks for is the ledger's to decide.
func (o *operatorFlags) operator() (lifecycle.Operator, error) {
	op := lifecycle.Operator{Level: lifecycle.Level(o.level), District: o.district, School: o.school, User: o.user}
	switch op.Level {
	case lifecycle.LevelCity, lifecycle.LevelDistrict, lifecycle.LevelSchool, lifecycle.LevelApplication:
	default:
		return op, usagef("--level: %q is not city, district or school", o.level)
	}
	if op.Level == lifecycle.LevelSchool && op.District == "" && len(op.School) == 8 {
		op.District = op.School[2:4]
	}
	return op, nil
}

// openLedger opens the ledger in an existing SQLite database (a mistyped
// name is an error, not a new empty ledger), on the invocation's clock.
// Close the returned func when done.
func (e *env) openLedger(path string) (*lifecycle.Ledger, func(), error) {
	if err := mustExist(path); err != nil {
		return nil, nil, err
	}
	store, err := sqlite.Open(e.ctx, path, sqlite.Options{})
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
