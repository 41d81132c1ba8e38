package postgres

import (
	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/l10n"
)

// messages holds every user-facing text of the package, English key and
// Chinese text side by side.
var messages = l10n.NewCatalog(
	l10n.Entry{Key: "store is closed", ZH: "存储已关闭"},
	l10n.Entry{Key: "database schema is newer than this program", ZH: "数据库结构版本高于本程序"},
	l10n.Entry{Key: "too many events in one transaction", ZH: "单个事务中的事件过多"},
	l10n.Entry{Key: "bad schema name", ZH: "数据库模式名称错误"},
	l10n.Entry{Key: "the transaction was rolled back: a statement in it had failed", ZH: "事务已回滚：其中有语句执行失败"},
	l10n.Entry{Key: "schema %s: version %d, this program knows up to %d", ZH: "模式 %[1]s：结构版本为 %[2]d，本程序最高支持 %[3]d"},
	l10n.Entry{Key: "transaction wrote %d events, at most %d fit one transaction", ZH: "事务写入了 %[1]d 个事件，单个事务最多 %[2]d 个"},
	l10n.Entry{Key: "schema name %q: want lowercase letters, digits and _, starting with a letter, at most 63", ZH: "模式名称 %[1]q：应为小写字母、数字和下划线，以字母开头，最多63个字符"},
)

// Sentinel errors; the typed errors below wrap them, so callers test
// errors.Is(err, ErrSchemaTooNew) and read the details with errors.As.
var (
	// ErrClosed: the store was used after Close.
	ErrClosed = messages.Error("store is closed")
	// ErrSchemaTooNew: the schema was migrated by a newer release; using it
	// with this one could corrupt it, so Open refuses.
	ErrSchemaTooNew = messages.Error("database schema is newer than this program")
	// ErrTooManyEvents: one transaction appended more events than its
	// sequence block holds (see the package doc on event order).
	ErrTooManyEvents = messages.Error("too many events in one transaction")
	// ErrRolledBack: the function given to Tx ignored a failed statement;
	// PostgreSQL then rolls the whole transaction back at COMMIT.
	ErrRolledBack = messages.Error("the transaction was rolled back: a statement in it had failed")
	// ErrSchemaName: Options.Schema is not a plain lowercase identifier.
	ErrSchemaName = messages.Error("bad schema name")
)

// SchemaError says which schema carries a version this release does not
// know.
type SchemaError struct {
	Schema string
	Found  int
	Known  int
}

// Error is the English text of the error; Localize renders it in Chinese too.
func (e *SchemaError) Error() string { return e.Localize(l10n.English) }

// Localize renders the error in tag's language.
func (e *SchemaError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "schema %s: version %d, this program knows up to %d", e.Schema, e.Found, e.Known)
}

// Unwrap makes errors.Is(err, ErrSchemaTooNew) hold.
func (e *SchemaError) Unwrap() error { return ErrSchemaTooNew }

// EventLimitError says a transaction tried to append more events than fit
// its block of sequence numbers.
type EventLimitError struct {
	Count int
	Limit int
}

// Error is the English text of the error; Localize renders it in Chinese too.
func (e *EventLimitError) Error() string { return e.Localize(l10n.English) }

// Localize renders the error in tag's language.
func (e *EventLimitError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "transaction wrote %d events, at most %d fit one transaction", e.Count, e.Limit)
}

// Unwrap makes errors.Is(err, ErrTooManyEvents) hold.
func (e *EventLimitError) Unwrap() error { return ErrTooManyEvents }

// SchemaNameError says why Options.Schema was refused.
type SchemaNameError struct {
	Name string
}

// Error is the English text of the error; Localize renders it in Chinese too.
func (e *SchemaNameError) Error() string { return e.Localize(l10n.English) }

// Localize renders the error in tag's language.
func (e *SchemaNameError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "schema name %q: want lowercase letters, digits and _, starting with a letter, at most 63", e.Name)
}

// Unwrap makes errors.Is(err, ErrSchemaName) hold.
func (e *SchemaNameError) Unwrap() error { return ErrSchemaName }
