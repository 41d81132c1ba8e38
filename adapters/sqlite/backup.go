package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"os"
	"path/filepath"
)

// Backup writes a consistent copy of the database to dst while the store
// stays in use (R-OPS-1: each level backs up its database weekly). It runs
// VACUUM INTO on a connection of its own: the copy is one read transaction's
// snapshot, writers carry on meanwhile (WAL), and the result is compacted
// and fsynced. dst must not exist. Record the backup with
// lifecycle.Ledger.RecordSync(…, lifecycle.SyncBackup, …).
func (s *Store) Backup(ctx context.Context, dst string) error {
	select {
	case <-s.closed:
		return ErrClosed
	default:
	}
	if _, err := os.Lstat(dst); err == nil {
		return &BackupError{Path: dst, Step: reasonExists, Err: os.ErrExist}
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return &BackupError{Path: dst, Step: reasonOpen, Err: err}
	}
	defer conn.Close()
	return s.backupOn(ctx, conn, dst)
}

// backupOn writes the VACUUM INTO copy of the database to dst on conn.
func (s *Store) backupOn(ctx context.Context, conn *sql.Conn, dst string) error {
	if _, err := os.Lstat(dst); err == nil {
		return &BackupError{Path: dst, Step: reasonExists, Err: os.ErrExist}
	}
	if _, err := conn.ExecContext(ctx, "VACUUM INTO ?", dst); err != nil {
		_ = os.Remove(dst)
		return &BackupError{Path: dst, Step: reasonCopy, Err: err}
	}
	if err := syncFile(dst); err != nil {
		return &BackupError{Path: dst, Step: reasonCopy, Err: err}
	}
	return nil
}

// Restore replaces the database at dst with the backup at src, which it
// checks first (SQLite integrity check, a schema this release knows). It
// copies to a temporary file beside dst, fsyncs it, removes dst's WAL and
// shared-memory files (they belong to the old database) and renames the copy
// into place, so dst is either the old database or the whole backup. No
// Store may be open on dst meanwhile; open one afterwards with [Open].
func Restore(ctx context.Context, src, dst string) error {
	if err := checkBackup(ctx, src); err != nil {
		return err
	}
	tmp := dst + ".restore"
	if err := copyFile(src, tmp); err != nil {
		_ = os.Remove(tmp)
		return &BackupError{Path: src, Step: reasonCopy, Err: err}
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(dst + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			_ = os.Remove(tmp)
			return &BackupError{Path: dst, Step: reasonCopy, Err: err}
		}
	}
	if err := os.Rename(tmp, dst); err != nil {
		_ = os.Remove(tmp)
		return &BackupError{Path: dst, Step: reasonCopy, Err: err}
	}
	if d, err := os.Open(filepath.Dir(dst)); err == nil {
		_ = d.Sync() // make the rename durable where the OS allows syncing a directory
		_ = d.Close()
	}
	return nil
}

// checkBackup opens src read-only and checks it is an intact database of
// this schema.
func checkBackup(ctx context.Context, src string) error {
	if _, err := os.Stat(src); err != nil {
		return &BackupError{Path: src, Step: reasonOpen, Err: err}
	}
	if err := checkPath(src); err != nil {
		return err
	}
	db, err := sql.Open("sqlite", src+"?_pragma=query_only(1)&_pragma=busy_timeout(10000)")
	if err != nil {
		return &BackupError{Path: src, Step: reasonOpen, Err: err}
	}
	defer db.Close()
	var result string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&result); err != nil || result != "ok" {
		if err == nil {
			err = errors.New(result)
		}
		return &BackupError{Path: src, Step: reasonIntegrity, Err: err}
	}
	var version int
	if err := db.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_version").Scan(&version); err != nil || version == 0 {
		if err == nil {
			err = os.ErrInvalid
		}
		return &BackupError{Path: src, Step: reasonNotOurs, Err: err}
	}
	if known := SchemaVersion(); version > known {
		return &SchemaError{Path: src, Found: version, Known: known}
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}
