package main

import (
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/sqlite"
)

// sqlExec runs statements on a database file, as another program would.
func sqlExec(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer db.Close()
	for _, s := range stmts {
		_, err := db.Exec(s)
		require.NoError(t, err, s)
	}
}

// snapshot is a file's bytes, to prove a refused command left it alone.
func snapshot(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}

// TestLedgerOpenedByIntent: report commands open an existing ledger only and
// never create, migrate or write into a file that is not one (issue 15).
func TestLedgerOpenedByIntent(t *testing.T) {
	dir := t.TempDir()
	sqlExec(t, filepath.Join(dir, "other_app.db"), `CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)`, `INSERT INTO customers VALUES (1, 'x')`)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "empty.db"), nil, 0o644))
	writeLedger(t, filepath.Join(dir, "newer.db"))
	sqlExec(t, filepath.Join(dir, "newer.db"), `INSERT INTO schema_version VALUES (999, 'future', 0)`)
	// older.db is a ledger as the first release wrote it: migration 0001 only.
	first, err := os.ReadFile("../../adapters/sqlite/migrations/0001_init.sql")
	require.NoError(t, err)
	sqlExec(t, filepath.Join(dir, "older.db"), `CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`,
		string(first), `INSERT INTO schema_version VALUES (1, '0001_init.sql', 0)`)
	writeCardData(t, filepath.Join(dir, "s1.txt"), "01080001", 3)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "LISTEVENT_01080001_20260901.txt"), []byte("the day's list with a loss"), 0o644))

	reports := map[string][]string{
		"overdue":               {"overdue", "--district", "08", "--db"},
		"lists export":          {"lists", "export", "--school", "01080001", "--day", "2026-09-01", "--db"},
		"validate --history-db": {"validate", "--code", "0108", "--failures", "f.txt", "s1.txt", "--history-db"},
	}
	for _, tc := range []struct{ name, file, zh string }{
		{"another application's database", "other_app.db", "不是台账数据库：没有结构版本表"},
		{"a 0-byte file", "empty.db", "不是台账数据库：文件为空"},
		{"a newer schema", "newer.db", "结构版本为 999"},
		{"an older schema needs an explicit migration", "older.db", "请先迁移"},
		{"a missing file is not created", "typo.db", "文件不存在"},
	} {
		for cmd, args := range reports {
			t.Run(cmd+"/"+tc.name, func(t *testing.T) {
				path := filepath.Join(dir, tc.file)
				var before []byte
				if tc.file != "typo.db" {
					before = snapshot(t, path)
				}
				o := exe(t, dir, append(args, tc.file)...)
				assert.Equal(t, exitIO, o.code, o.stderr)
				assert.Contains(t, o.stderr, tc.zh)
				assert.NotContains(t, o.stderr, "(26)")
				if before == nil {
					assert.NoFileExists(t, path)
				} else {
					assert.Equal(t, before, snapshot(t, path), "the file is untouched")
				}
				assert.NoFileExists(t, filepath.Join(dir, "f.txt"))
				assert.Equal(t, "the day's list with a loss", string(snapshot(t, filepath.Join(dir, "LISTEVENT_01080001_20260901.txt"))))
			})
		}
	}
	t.Run("ledger init creates a ledger the reports open, and refuses an existing file", func(t *testing.T) {
		o := exe(t, dir, "ledger", "init", "--db", "new.sqlite")
		require.Equal(t, exitOK, o.code, o.stderr)
		assert.Contains(t, o.stdout, "已新建台账 new.sqlite")
		o = exe(t, dir, "overdue", "--district", "08", "--db", "new.sqlite")
		require.Equal(t, exitOK, o.code, o.stderr)
		for _, f := range []string{"new.sqlite", "other_app.db", "empty.db"} {
			before := snapshot(t, filepath.Join(dir, f))
			o = exe(t, dir, "ledger", "init", "--db", f)
			assert.Equal(t, exitIO, o.code, o.stderr)
			assert.Contains(t, o.stderr, "已存在")
			assert.Equal(t, before, snapshot(t, filepath.Join(dir, f)))
		}
		o = exe(t, dir, "ledger", "init")
		assert.Equal(t, exitUsage, o.code, o.stderr)
	})
	t.Run("ledger migrate writes the backup first, then the reports open it", func(t *testing.T) {
		before := snapshot(t, filepath.Join(dir, "older.db"))
		o := exe(t, dir, "--json", "ledger", "migrate", "--db", "older.db")
		require.Equal(t, exitOK, o.code, o.stderr)
		r := resultOf(t, jsonOut(t, o))
		backup := r["backup"].(string)
		assert.Equal(t, "older.db.backup-20260901080000", backup)
		assert.EqualValues(t, sqlite.SchemaVersion(), r["schema_version"])
		assert.NotEqual(t, before, snapshot(t, filepath.Join(dir, "older.db")))
		o = exe(t, dir, "overdue", "--district", "08", "--db", backup)
		assert.Equal(t, exitIO, o.code, "the backup is the file as it was")
		assert.Contains(t, o.stderr, "请先迁移")
		o = exe(t, dir, "overdue", "--district", "08", "--db", "older.db")
		require.Equal(t, exitOK, o.code, o.stderr)
		o = exe(t, dir, "ledger", "migrate", "--db", "older.db", "--backup", backup)
		assert.Equal(t, exitIO, o.code, "an existing backup is not replaced")
		o = exe(t, dir, "ledger", "migrate", "--db", "older.db")
		require.Equal(t, exitIO, o.code, "the default backup name is taken")
		o = exe(t, dir, "ledger", "migrate", "--db", "older.db", "--backup", "b2.db")
		require.Equal(t, exitOK, o.code, o.stderr)
		assert.Contains(t, o.stdout, "无需迁移")
		assert.NoFileExists(t, filepath.Join(dir, "b2.db"), "nothing to migrate, no backup")
		for _, f := range []string{"other_app.db", "empty.db", "newer.db", "typo.db"} {
			o = exe(t, dir, "ledger", "migrate", "--db", f, "--backup", "b3.db")
			assert.Equal(t, exitIO, o.code, "%s: %s", f, o.stderr)
			assert.NoFileExists(t, filepath.Join(dir, "b3.db"))
		}
	})
	t.Run("lists export never replaces an existing list file silently", func(t *testing.T) {
		o := exe(t, dir, "lists", "export", "--school", "01080001", "--day", "2026-09-01", "--db", "new.sqlite")
		assert.Equal(t, exitIO, o.code, o.stderr)
		assert.Contains(t, o.stderr, "LISTEVENT_01080001_20260901.txt 已存在：不予替换（替换请加 --force）")
		assert.Equal(t, "the day's list with a loss", string(snapshot(t, filepath.Join(dir, "LISTEVENT_01080001_20260901.txt"))))
		o = exe(t, dir, "lists", "export", "--school", "01080001", "--day", "2026-09-01", "--db", "new.sqlite", "--force")
		require.Equal(t, exitOK, o.code, o.stderr)
		assert.NotEqual(t, "the day's list with a loss", string(snapshot(t, filepath.Join(dir, "LISTEVENT_01080001_20260901.txt"))))
	})
}
