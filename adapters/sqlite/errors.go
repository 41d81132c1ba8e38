package sqlite

import (
	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/l10n"
)

// messages holds every user-facing text of the package, English key and
// Chinese text side by side.
var messages = l10n.NewCatalog(
	l10n.Entry{Key: "store is closed", ZH: "存储已关闭"},
	l10n.Entry{Key: "database schema is newer than this program", ZH: "数据库结构版本高于本程序"},
	l10n.Entry{Key: "bad database path", ZH: "数据库路径错误"},
	l10n.Entry{Key: "backup failed", ZH: "备份失败"},
	l10n.Entry{Key: "database %s: schema version %d, this program knows up to %d", ZH: "数据库 %[1]s：结构版本为 %[2]d，本程序最高支持 %[3]d"},
	l10n.Entry{Key: "database path %q: %s", ZH: "数据库路径 %[1]q：%[2]s"},
	l10n.Entry{Key: "backup %s: %s: %v", ZH: "备份 %[1]s：%[2]s：%[3]v"},
	l10n.Entry{Key: "must not contain '?' or start with \"file:\"", ZH: "不得包含“?”或以“file:”开头"},
	l10n.Entry{Key: "must not be empty", ZH: "不得为空"},
	l10n.Entry{Key: "the file exists", ZH: "文件已存在"},
	l10n.Entry{Key: "integrity check failed", ZH: "完整性检查失败"},
	l10n.Entry{Key: "not a studentcard database", ZH: "不是学生卡数据库"},
	l10n.Entry{Key: "copy", ZH: "复制"},
	l10n.Entry{Key: "open", ZH: "打开"},
	l10n.Entry{Key: "not a ledger database", ZH: "不是台账数据库"},
	l10n.Entry{Key: "ledger schema is older than this program: migration needed", ZH: "台账结构版本低于本程序：需要迁移"},
	l10n.Entry{Key: "%s is not a ledger database: %s", ZH: "%[1]s 不是台账数据库：%[2]s"},
	l10n.Entry{Key: "ledger %s: schema version %d, this program needs %d; migrate it first (a backup is written before)", ZH: "台账 %[1]s：结构版本为 %[2]d，本程序需要 %[3]d；请先迁移（迁移前会写备份）"},
	l10n.Entry{Key: "the file does not exist", ZH: "文件不存在"},
	l10n.Entry{Key: "not a regular file", ZH: "不是普通文件"},
	l10n.Entry{Key: "the file is empty", ZH: "文件为空"},
	l10n.Entry{Key: "not an SQLite database", ZH: "不是 SQLite 数据库"},
	l10n.Entry{Key: "no schema_version table: not a ledger", ZH: "没有结构版本表，不是台账"},
	l10n.Entry{Key: "it holds tables a ledger does not have (%s)", ZH: "含有台账没有的表（%[1]s）"},
	l10n.Entry{Key: "cannot be read", ZH: "无法读取"},
	l10n.Entry{Key: "database file deleted or replaced under the open store", ZH: "数据库文件在存储打开期间被删除或替换"},
	l10n.Entry{Key: "database %s was deleted or replaced while the store had it open; reopen the store on the restored file", ZH: "数据库 %[1]s 在存储打开期间被删除或替换；请在恢复的文件上重新打开存储"},
)

// Sentinel errors; the typed errors below wrap them, so callers test
// errors.Is(err, ErrSchemaTooNew) and read the details with errors.As.
var (
	// ErrClosed: the store was used after Close.
	ErrClosed = messages.Error("store is closed")
	// ErrSchemaTooNew: the file was migrated by a newer release; opening it
	// with this one could corrupt it, so Open refuses.
	ErrSchemaTooNew = messages.Error("database schema is newer than this program")
	// ErrBadPath: the database path cannot be used as given.
	ErrBadPath = messages.Error("bad database path")
	// ErrBackup: a backup or restore did not complete; the target is not
	// usable and the source is unchanged.
	ErrBackup = messages.Error("backup failed")
	// ErrFileGone: the database file was deleted or replaced while the
	// store had it open; see [FileGoneError].
	ErrFileGone = messages.Error("database file deleted or replaced under the open store")
)

// FileGoneError says which database file disappeared under the open store.
// Tx reports it inside a [lifecycle.StoreUnavailableError].
type FileGoneError struct{ Path string }

// Error is the English text of the error; Localize renders it in Chinese too.
func (e *FileGoneError) Error() string { return e.Localize(l10n.English) }

// Localize renders the error in tag's language.
func (e *FileGoneError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "database %s was deleted or replaced while the store had it open; reopen the store on the restored file", e.Path)
}

// Unwrap makes errors.Is(err, ErrFileGone) hold.
func (e *FileGoneError) Unwrap() error { return ErrFileGone }

// Reasons a PathError or BackupError gives (catalog keys).
const (
	reasonPathSyntax = "must not contain '?' or start with \"file:\""
	reasonPathEmpty  = "must not be empty"
	reasonExists     = "the file exists"
	reasonIntegrity  = "integrity check failed"
	reasonNotOurs    = "not a studentcard database"
	reasonCopy       = "copy"
	reasonOpen       = "open"
)

// SchemaError says which file carries a schema this release does not know.
type SchemaError struct {
	Path  string
	Found int
	Known int
}

// Error is the English text of the error; Localize renders it in Chinese too.
func (e *SchemaError) Error() string { return e.Localize(l10n.English) }

// Localize renders the error in tag's language.
func (e *SchemaError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "database %s: schema version %d, this program knows up to %d", e.Path, e.Found, e.Known)
}

// Unwrap makes errors.Is(err, ErrSchemaTooNew) hold.
func (e *SchemaError) Unwrap() error { return ErrSchemaTooNew }

// PathError says why a database path was refused.
type PathError struct {
	Path   string
	Reason string
}

// Error is the English text of the error; Localize renders it in Chinese too.
func (e *PathError) Error() string { return e.Localize(l10n.English) }

// Localize renders the error in tag's language.
func (e *PathError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "database path %q: %s", e.Path, messages.Sprintf(tag, e.Reason))
}

// Unwrap makes errors.Is(err, ErrBadPath) hold.
func (e *PathError) Unwrap() error { return ErrBadPath }

// BackupError says which backup or restore step failed and why.
type BackupError struct {
	Path string
	Step string
	Err  error
}

// Error is the English text of the error; Localize renders it in Chinese too.
func (e *BackupError) Error() string { return e.Localize(l10n.English) }

// Localize renders the error in tag's language.
func (e *BackupError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "backup %s: %s: %v", e.Path, messages.Sprintf(tag, e.Step), l10n.Error(e.Err, tag))
}

// Unwrap yields both ErrBackup and the cause.
func (e *BackupError) Unwrap() []error { return []error{ErrBackup, e.Err} }
