package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/internal/migrations"
	"github.com/bjedu/studentcard/l10n"
)

// Access says what Open may do to the file it is given: a program that only
// reads a ledger must not turn a mistyped name, an empty file or another
// application's database into one, nor change a schema as a side effect.
type Access int

const (
	// AccessCreate (the zero value) creates the file if it is missing and
	// applies the migrations it lacks: for a program that owns its ledger.
	AccessCreate Access = iota
	// AccessExisting opens only a ledger that exists and is of this
	// release's schema; it never creates and never migrates. A missing or
	// empty file, a file that is not SQLite, or a database without this
	// package's schema_version table or with tables a ledger does not have
	// is a *[NotLedgerError]; an older schema is a *[MigrationNeededError],
	// a newer one a *[SchemaError].
	AccessExisting
	// AccessReadOnly is AccessExisting on a connection opened read-only
	// (SQLite mode=ro and PRAGMA query_only): any write, an audit entry
	// included, fails. Transactions are deferred read transactions.
	AccessReadOnly
	// AccessMigrate opens an existing ledger (never creates one, refuses
	// what AccessExisting refuses except an older schema) and applies the
	// migrations it lacks, after writing [Options.Backup] when one is named
	// and a migration is due.
	AccessMigrate
)

// Catalog keys of the errors of this file.
const (
	reasonMissing      = "the file does not exist"
	reasonNotRegular   = "not a regular file"
	reasonEmpty        = "the file is empty"
	reasonNotSQLite    = "not an SQLite database"
	reasonNoVersion    = "no schema_version table: not a ledger"
	reasonForeignTable = "it holds tables a ledger does not have (%s)"
	reasonUnreadable   = "cannot be read"
)

var (
	// ErrNotLedger: a file opened as an existing ledger is not one.
	ErrNotLedger = messages.Error("not a ledger database")
	// ErrMigrationNeeded: the ledger is of an older schema and must be
	// migrated explicitly (AccessMigrate) before it is used.
	ErrMigrationNeeded = messages.Error("ledger schema is older than this program: migration needed")
)

// NotLedgerError says why a file opened as an existing ledger is refused.
type NotLedgerError struct {
	Path   string
	Reason string // catalog key, may hold one %s filled by Detail
	Detail string
	Err    error // the cause, for errors.Is (fs.ErrNotExist for a missing file); may be nil
}

// Error is the English text of the error; Localize renders it in Chinese too.
func (e *NotLedgerError) Error() string { return e.Localize(l10n.English) }

// Localize renders the error in tag's language.
func (e *NotLedgerError) Localize(tag language.Tag) string {
	reason := messages.Sprintf(tag, e.Reason)
	if e.Detail != "" {
		reason = messages.Sprintf(tag, e.Reason, e.Detail)
	}
	return messages.Sprintf(tag, "%s is not a ledger database: %s", e.Path, reason)
}

// Unwrap yields ErrNotLedger and the cause.
func (e *NotLedgerError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrNotLedger}
	}
	return []error{ErrNotLedger, e.Err}
}

// MigrationNeededError says which ledger has an older schema.
type MigrationNeededError struct {
	Path  string
	Found int
	Known int
}

// Error is the English text of the error; Localize renders it in Chinese too.
func (e *MigrationNeededError) Error() string { return e.Localize(l10n.English) }

// Localize renders the error in tag's language.
func (e *MigrationNeededError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "ledger %s: schema version %d, this program needs %d; migrate it first (a backup is written before)", e.Path, e.Found, e.Known)
}

// Unwrap makes errors.Is(err, ErrMigrationNeeded) hold.
func (e *MigrationNeededError) Unwrap() error { return ErrMigrationNeeded }

// uriPath is path as an SQLite URI filename ("file:/abs/path"), so SQLite's
// own mode parameter applies; checkPath has refused '?' already.
func uriPath(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	abs = filepath.ToSlash(abs)
	abs = strings.NewReplacer("%", "%25", "#", "%23").Replace(abs)
	if !strings.HasPrefix(abs, "/") {
		abs = "/" + abs // a Windows drive letter
	}
	return "file:" + abs, nil
}

// ledgerTables is every table any schema version of a ledger has: the
// embedded migrations applied one by one to an in-memory database.
func ledgerTables(ctx context.Context, ms []migrations.Migration) (map[string]bool, error) {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	out := map[string]bool{"schema_version": true}
	for _, m := range ms {
		if _, err := db.ExecContext(ctx, m.SQL); err != nil {
			return nil, err
		}
		names, err := tableNames(ctx, db)
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			out[n] = true
		}
	}
	return out, nil
}

func tableNames(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// inspect checks, without writing anything, that path is an existing
// ledger, and returns its schema version and the highest this release
// knows. A newer schema is a *SchemaError; an older one is left to the
// caller.
func inspect(ctx context.Context, path string, opts Options) (found, known int, err error) {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return 0, 0, &NotLedgerError{Path: path, Reason: reasonMissing, Err: fs.ErrNotExist}
	case err != nil:
		return 0, 0, &NotLedgerError{Path: path, Reason: reasonUnreadable, Err: err}
	case !st.Mode().IsRegular():
		return 0, 0, &NotLedgerError{Path: path, Reason: reasonNotRegular}
	case st.Size() == 0:
		return 0, 0, &NotLedgerError{Path: path, Reason: reasonEmpty}
	}
	ms, err := loadMigrations()
	if err != nil {
		return 0, 0, err
	}
	known = migrations.Latest(ms)
	uri, err := uriPath(path)
	if err != nil {
		return 0, 0, &NotLedgerError{Path: path, Reason: reasonUnreadable, Err: err}
	}
	db, err := sql.Open("sqlite", uri+"?mode=ro&_pragma=query_only(1)&_pragma="+busyPragma(opts))
	if err != nil {
		return 0, 0, err
	}
	defer db.Close()
	names, err := tableNames(ctx, db)
	if err != nil {
		if ctx.Err() != nil {
			return 0, 0, ctx.Err()
		}
		if isNotADB(err) {
			return 0, 0, &NotLedgerError{Path: path, Reason: reasonNotSQLite}
		}
		return 0, 0, unavailable(err)
	}
	if !slices.Contains(names, "schema_version") {
		return 0, 0, &NotLedgerError{Path: path, Reason: reasonNoVersion}
	}
	ours, err := ledgerTables(ctx, ms)
	if err != nil {
		return 0, 0, err
	}
	var foreign []string
	for _, n := range names {
		if !ours[n] {
			foreign = append(foreign, n)
		}
	}
	if len(foreign) > 0 {
		slices.Sort(foreign)
		return 0, 0, &NotLedgerError{Path: path, Reason: reasonForeignTable, Detail: strings.Join(foreign, ", ")}
	}
	if err := db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&found); err != nil {
		return 0, 0, unavailable(err)
	}
	if found > known {
		return found, known, &SchemaError{Path: path, Found: found, Known: known}
	}
	return found, known, nil
}

// isNotADB reports SQLite's SQLITE_NOTADB (26): the file is not a database.
func isNotADB(err error) bool {
	var coder interface{ Code() int }
	return errors.As(err, &coder) && coder.Code()&0xff == 26
}
