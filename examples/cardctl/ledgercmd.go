package main

import (
	"errors"
	"flag"
	"os"

	"github.com/bjedu/studentcard/adapters/sqlite"
)

// ledgerResult is what ledger init and ledger migrate did.
type ledgerResult struct {
	DB       string `json:"db"`
	Schema   int    `json:"schema_version"`
	Backup   string `json:"backup,omitempty"`
	Migrated bool   `json:"migrated"`
}

func (r *ledgerResult) text(e *env) {
	switch {
	case r.Backup != "":
		e.say("%s", e.t("ledger %s migrated to schema version %d; the file as it was is in %s", r.DB, r.Schema, r.Backup))
	case r.Migrated:
		e.say("%s", e.t("ledger %s created, schema version %d", r.DB, r.Schema))
	default:
		e.say("%s", e.t("ledger %s is at schema version %d: nothing to migrate", r.DB, r.Schema))
	}
}

// cmdLedger creates or migrates a ledger database: the only commands that
// may (every other command opens an existing ledger and never changes its
// schema).
func cmdLedger(e *env, args []string) (result, error) {
	if len(args) == 0 {
		return nil, usagef("ledger needs a subcommand: init or migrate")
	}
	switch args[0] {
	case "init":
		return cmdLedgerInit(e, args[1:])
	case "migrate":
		return cmdLedgerMigrate(e, args[1:])
	case "-h", "-help", "--help":
		return nil, flag.ErrHelp
	}
	return nil, usagef("unknown ledger subcommand %q (want init or migrate)", args[0])
}

func cmdLedgerInit(e *env, args []string) (result, error) {
	fs := newFlagSet("ledger init")
	db := fs.String("db", "", "ledger database (SQLite file) to create; it must not exist")
	pos, err := e.parseArgs(fs, args)
	if err != nil {
		return nil, err
	}
	if err := noArgs(pos); err != nil {
		return nil, err
	}
	if *db == "" {
		return nil, usagef("--db is required")
	}
	if _, err := os.Lstat(*db); err == nil {
		return nil, ioErr(&os.PathError{Op: "create", Path: *db, Err: os.ErrExist})
	}
	store, err := sqlite.Open(e.ctx, *db, sqlite.Options{})
	if err != nil {
		return nil, err
	}
	if err := store.Close(); err != nil {
		return nil, err
	}
	return &ledgerResult{DB: *db, Schema: sqlite.SchemaVersion(), Migrated: true}, nil
}

func cmdLedgerMigrate(e *env, args []string) (result, error) {
	fs := newFlagSet("ledger migrate")
	db := fs.String("db", "", "ledger database (SQLite file) to migrate")
	backup := fs.String("backup", "", "where to write the copy made before migrating (default FILE.backup-<YYYYMMDDhhmmss>); it must not exist")
	pos, err := e.parseArgs(fs, args)
	if err != nil {
		return nil, err
	}
	if err := noArgs(pos); err != nil {
		return nil, err
	}
	if *db == "" {
		return nil, usagef("--db is required")
	}
	if *backup == "" {
		*backup = *db + ".backup-" + e.now().Format("20060102150405")
	}
	if _, err := os.Lstat(*backup); err == nil {
		return nil, ioErr(&os.PathError{Op: "create", Path: *backup, Err: os.ErrExist})
	}
	store, err := sqlite.Open(e.ctx, *db, sqlite.Options{Access: sqlite.AccessMigrate, Backup: *backup})
	if err != nil {
		return nil, err
	}
	if err := store.Close(); err != nil {
		return nil, err
	}
	res := &ledgerResult{DB: *db, Schema: sqlite.SchemaVersion()}
	if _, err := os.Stat(*backup); err == nil {
		res.Backup, res.Migrated = *backup, true
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, ioErr(err)
	}
	return res, nil
}
