package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/sqlite"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

// newLedgerFile creates a current ledger at dir/name with one card.
func newLedgerFile(t *testing.T, dir, name string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	require.NoError(t, err)
	seedIssued(t, s, 1)
	require.NoError(t, s.Close())
	return path
}

// tables lists the tables of a file, to prove nothing was written into it.
func tables(t *testing.T, path string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", path+"?_pragma=query_only(1)")
	require.NoError(t, err)
	defer db.Close()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type='table' ORDER BY name`)
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		require.NoError(t, rows.Scan(&n))
		out = append(out, n)
	}
	return out
}

func TestAccessRefusesWhatIsNotALedger(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	other := filepath.Join(dir, "other_app.db")
	db, err := sql.Open("sqlite", other)
	require.NoError(t, err)
	_, err = db.Exec(`CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)`)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	foreign := newLedgerFile(t, dir, "foreign.db")
	db, err = sql.Open("sqlite", foreign)
	require.NoError(t, err)
	_, err = db.Exec(`CREATE TABLE customers (id INTEGER PRIMARY KEY)`)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	empty := filepath.Join(dir, "empty.db")
	require.NoError(t, os.WriteFile(empty, nil, 0o644))
	text := filepath.Join(dir, "notes.db")
	require.NoError(t, os.WriteFile(text, []byte("this is not a database, only some text that is long enough to be read as a header by sqlite"), 0o644))
	for _, access := range []sqlite.Access{sqlite.AccessExisting, sqlite.AccessReadOnly, sqlite.AccessMigrate} {
		for _, tc := range []struct {
			name, path, zh string
			is             error
		}{
			{"missing file is not created", filepath.Join(dir, "typo.db"), "文件不存在", fs.ErrNotExist},
			{"0-byte file", empty, "文件为空", nil},
			{"text file", text, "不是 SQLite 数据库", nil},
			{"another application's database", other, "没有结构版本表", nil},
			{"a ledger with foreign tables", foreign, "customers", nil},
			{"a directory", dir, "不是普通文件", nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before, _ := os.Stat(tc.path)
				_, err := sqlite.Open(ctx, tc.path, sqlite.Options{Access: access})
				require.ErrorIs(t, err, sqlite.ErrNotLedger)
				if tc.is != nil {
					assert.ErrorIs(t, err, tc.is)
				}
				assert.Contains(t, l10n.Error(err, l10n.Chinese), tc.zh)
				after, statErr := os.Stat(tc.path)
				if before == nil {
					assert.True(t, errors.Is(statErr, fs.ErrNotExist), "a missing file stays missing")
					return
				}
				assert.Equal(t, before.Size(), after.Size(), "the file is untouched")
				assert.Equal(t, before.ModTime(), after.ModTime(), "the file is untouched")
			})
		}
	}
	assert.Equal(t, []string{"customers"}, tables(t, other), "nothing written into another application's database")
}

func TestAccessSchemaVersions(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	newer := newLedgerFile(t, dir, "newer.db")
	db := rawDB(t, newer)
	_, err := db.Exec(`INSERT INTO schema_version (version, name, applied_at) VALUES (?, 'future', 0)`, sqlite.SchemaVersion()+1)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	// older is a ledger as the first release left it: migration 0001 only.
	older := filepath.Join(dir, "older.db")
	first, err := os.ReadFile("migrations/0001_init.sql")
	require.NoError(t, err)
	db = rawDB(t, older)
	_, err = db.Exec(`CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`)
	require.NoError(t, err)
	_, err = db.Exec(string(first))
	require.NoError(t, err)
	_, err = db.Exec(`INSERT INTO schema_version VALUES (1, '0001_init.sql', 0)`)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	for _, access := range []sqlite.Access{sqlite.AccessCreate, sqlite.AccessExisting, sqlite.AccessReadOnly, sqlite.AccessMigrate} {
		_, err := sqlite.Open(ctx, newer, sqlite.Options{Access: access})
		var se *sqlite.SchemaError
		require.ErrorAs(t, err, &se, "access %d: a newer schema is refused", access)
	}
	for _, access := range []sqlite.Access{sqlite.AccessExisting, sqlite.AccessReadOnly} {
		_, err := sqlite.Open(ctx, older, sqlite.Options{Access: access})
		var me *sqlite.MigrationNeededError
		require.ErrorAs(t, err, &me, "access %d: an older schema is not migrated", access)
		assert.Equal(t, sqlite.SchemaVersion()-1, me.Found)
		assert.ErrorIs(t, err, sqlite.ErrMigrationNeeded)
		assert.Contains(t, l10n.Error(err, l10n.Chinese), "请先迁移")
	}
	backup := filepath.Join(dir, "older.backup.db")
	s, err := sqlite.Open(ctx, older, sqlite.Options{Access: sqlite.AccessMigrate, Backup: backup})
	require.NoError(t, err)
	require.NoError(t, s.Close())
	s, err = sqlite.Open(ctx, older, sqlite.Options{Access: sqlite.AccessExisting})
	require.NoError(t, err, "migrated explicitly, the ledger opens existing-only")
	require.NoError(t, s.Close())
	_, err = sqlite.Open(ctx, backup, sqlite.Options{Access: sqlite.AccessExisting})
	require.ErrorIs(t, err, sqlite.ErrMigrationNeeded, "the backup is the file as it was before the migration")
	_, err = sqlite.Open(ctx, older, sqlite.Options{Access: sqlite.AccessMigrate, Backup: backup})
	require.NoError(t, err, "no migration due: no backup written, an existing one is no obstacle")
}

func TestAccessReadOnlyReadsAndRefusesWrites(t *testing.T) {
	ctx := context.Background()
	path := newLedgerFile(t, t.TempDir(), "ledger.db")
	s, err := sqlite.Open(ctx, path, sqlite.Options{Access: sqlite.AccessReadOnly})
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.Tx(ctx, func(tx lifecycle.Tx) error {
		c, err := tx.GetCard(ctx, "RC000000")
		assert.Equal(t, lifecycle.RegIssued, c.State)
		return err
	}))
	err = s.Tx(ctx, func(tx lifecycle.Tx) error {
		_, err := tx.PutCard(ctx, lifecycle.Card{ID: "RC999999", Kind: lifecycle.KindRegistryCard, State: lifecycle.RegIssued,
			Holder: studentid.LevelSchool, District: "01", School: "01010001", UpdatedAt: testNow()})
		return err
	})
	require.Error(t, err, "a read-only store writes nothing")
	require.NoError(t, s.Close())
	s, err = sqlite.Open(ctx, path, sqlite.Options{Access: sqlite.AccessExisting})
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.Tx(ctx, func(tx lifecycle.Tx) error {
		_, err := tx.GetCard(ctx, "RC999999")
		assert.ErrorIs(t, err, lifecycle.ErrNotFound)
		return nil
	}))
}
