package sqlite

import (
	"errors"
	"os"

	"modernc.org/sqlite"

	"github.com/bjedu/studentcard/lifecycle"
)

// storeName is how a [lifecycle.StoreUnavailableError] names this adapter.
const storeName = "SQLite"

// Primary SQLite result codes (the low byte of an extended code) that say
// the database file is out of reach for now rather than that the
// transaction was wrong: another program holds a lock past the busy
// timeout (BUSY, LOCKED), the file cannot be read, written or opened (IOERR,
// CANTOPEN), the disk is full (FULL), or the file was deleted or moved
// under the open store, which SQLite reports as READONLY_DBMOVED.
const (
	codeBusy     = 5
	codeLocked   = 6
	codeReadonly = 8
	codeIOErr    = 10
	codeFull     = 13
	codeCantOpen = 14
)

// unavailable turns a SQLite error that says the file is out of reach into a
// [*lifecycle.StoreUnavailableError] (retryable, nothing committed) and
// returns any other error as it is.
func unavailable(err error) error {
	var se *sqlite.Error
	if err == nil || errors.Is(err, lifecycle.ErrStoreUnavailable) || !errors.As(err, &se) {
		return err
	}
	switch se.Code() & 0xFF {
	case codeBusy, codeLocked, codeReadonly, codeIOErr, codeFull, codeCantOpen:
		return &lifecycle.StoreUnavailableError{Store: storeName, Err: err}
	}
	return err
}

// checkFile refuses a transaction when the database file was deleted or
// replaced under the open store: SQLite would go on writing to the unlinked
// file, and every commit would be lost with it.
func (s *Store) checkFile() error {
	fi, err := os.Stat(s.path)
	if err == nil && os.SameFile(fi, s.file) {
		return nil
	}
	return &lifecycle.StoreUnavailableError{Store: storeName, Err: &FileGoneError{Path: s.path}}
}
