// Package l10n renders the SDK's user-facing texts in Chinese or English.
//
// Operators at schools and districts read Chinese; vendors' logs are often in
// English. Every package of the SDK keeps its texts in one [Catalog], keyed by
// the English text (a fmt format), with the Chinese beside it. Errors that an
// operator may see implement [Localizer]; [Error] renders any error in the
// language asked for, falling back to err.Error() for errors from elsewhere.
//
// A package declares its catalog once, as immutable data:
//
//	var messages = l10n.NewCatalog(
//		l10n.Entry{Key: "not 16 digits", ZH: "不是16位数字"},
//	)
//
// and its error types call messages.Sprintf(tag, key, args...) in Localize.
package l10n

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// The two languages every text exists in.
var (
	// Chinese is Simplified Chinese, what operators read.
	Chinese = language.SimplifiedChinese
	// English is the language of keys and of err.Error().
	English = language.English
)

// Entry is one text: Key is the English fmt format, ZH its Chinese rendering
// with the same verbs (use explicit argument indexes like %[2]s when the
// Chinese order differs).
//
// A text with a count sets One to the English singular: Key is then the
// plural ("%d records"), One the singular ("%d record"), the count is the
// first argument, and the English form is chosen by CLDR's plural rules
// (golang.org/x/text/feature/plural). Chinese has one form, ZH.
type Entry struct {
	Key string
	ZH  string
	One string
}

// Catalog holds one package's texts. It is built once and never changed, so
// it is safe for concurrent use.
type Catalog struct {
	builder *catalog.Builder
	zh      map[string]string
	one     map[string]string // English singulars of counted texts
}

// NewCatalog builds a catalog from entries. Keys must be unique; a duplicate
// is a programming error and panics at package initialisation, where the
// package's own tests catch it.
func NewCatalog(entries ...Entry) *Catalog {
	b := catalog.NewBuilder(catalog.Fallback(English))
	zh := make(map[string]string, len(entries))
	one := map[string]string{}
	for _, e := range entries {
		if _, dup := zh[e.Key]; dup {
			panic("l10n: duplicate key " + e.Key)
		}
		if e.ZH == "" {
			panic("l10n: no Chinese text for " + e.Key)
		}
		zh[e.Key] = e.ZH
		if e.One != "" {
			one[e.Key] = e.One
		}
		var err error
		if e.One != "" {
			err = b.Set(English, e.Key, plural.Selectf(1, "", plural.One, e.One, plural.Other, e.Key))
		} else {
			err = b.SetString(English, e.Key, e.Key)
		}
		if err != nil {
			panic("l10n: " + err.Error())
		}
		if err := b.SetString(Chinese, e.Key, e.ZH); err != nil {
			panic("l10n: " + err.Error())
		}
	}
	return &Catalog{builder: b, zh: zh, one: one}
}

// Sprintf formats the text for key in the language tag (Chinese for any zh
// tag, English otherwise). An unknown key is formatted as is. Arguments that
// localise themselves ([Localizer]: the SDK's errors, enums and [Message]s)
// and errors are rendered in tag first, so no English word is left inside a
// Chinese sentence.
func (c *Catalog) Sprintf(tag language.Tag, key string, args ...any) string {
	return message.NewPrinter(Match(tag), message.Catalog(c.builder)).Sprintf(key, localizeArgs(tag, args)...)
}

// localizeArgs renders the Localizer and error arguments in tag; it copies
// only when one needs rendering.
func localizeArgs(tag language.Tag, args []any) []any {
	var out []any
	for i, a := range args {
		var s string
		switch a := a.(type) {
		case Localizer:
			s = a.Localize(tag)
		case error:
			s = Error(a, tag)
		default:
			if out != nil {
				out[i] = a
			}
			continue
		}
		if out == nil {
			out = make([]any, len(args))
			copy(out, args[:i])
		}
		out[i] = s
	}
	if out == nil {
		return args
	}
	return out
}

// Text is a text of the catalog with its arguments, rendered when it is
// shown: a label, a step, the context of a wrapped error. Its String is the
// English text; it localises itself (and its arguments) like an error does.
func (c *Catalog) Text(key string, args ...any) Message {
	return Message{catalog: c, key: key, args: args}
}

// Message is a catalog text with its arguments, made by [Catalog.Text]. The
// zero Message renders as "".
type Message struct {
	catalog *Catalog
	key     string
	args    []any
}

// String is the English text.
func (m Message) String() string { return m.Localize(English) }

// Localize renders the text in the language tag.
func (m Message) Localize(tag language.Tag) string {
	if m.catalog == nil {
		return m.key
	}
	return m.catalog.Sprintf(tag, m.key, m.args...)
}

// Key is the catalog key of the text (its English format).
func (m Message) Key() string { return m.key }

// Args are the values of the key's verbs.
func (m Message) Args() []any { return m.args }

// Wrap adds context to err so that the context is translated with it:
// Wrap(messages.Text("row %d of %s", 7, "roster.xlsx"), err) reads
// "row 7 of roster.xlsx: <err>" in English and "roster.xlsx 第7行：<err>"
// in Chinese, where fmt.Errorf("row 7 of roster.xlsx: %w", err) would keep
// the English context inside the Chinese text. The result unwraps to err;
// Wrap of a nil error is nil.
func Wrap(context Message, err error) error {
	if err == nil {
		return nil
	}
	return &wrapped{context: context, err: err}
}

type wrapped struct {
	context Message
	err     error
}

func (w *wrapped) Error() string { return w.context.String() + ": " + w.err.Error() }

// Localize renders the context and the error in tag, joined by the
// language's colon.
func (w *wrapped) Localize(tag language.Tag) string {
	sep := ": "
	if Match(tag) == Chinese {
		sep = "："
	}
	return w.context.Localize(tag) + sep + Error(w.err, tag)
}

func (w *wrapped) Unwrap() error { return w.err }

// Context returns the context of the outermost error in err's chain made by
// [Wrap], and whether there is one: a caller that lays out its own report
// (a failure file's row column) reads the context apart from the cause.
func Context(err error) (Message, bool) {
	var w *wrapped
	if errors.As(err, &w) {
		return w.context, true
	}
	return Message{}, false
}

// Has reports whether the catalog holds a text for key; tests use it to prove
// every error text is translated.
func (c *Catalog) Has(key string) bool { return c.zh[key] != "" }

// Error returns a sentinel error whose English text is key and whose
// localized text comes from c. Sentinels compare by identity, so errors.Is
// works as with errors.New.
func (c *Catalog) Error(key string) error {
	return &sentinel{key: key, catalog: c}
}

type sentinel struct {
	key     string
	catalog *Catalog
}

func (s *sentinel) Error() string { return s.key }

// Localize renders the sentinel in the language tag.
func (s *sentinel) Localize(tag language.Tag) string { return s.catalog.Sprintf(tag, s.key) }

// Localizer is implemented by errors (and other values) that can render
// themselves in a language.
type Localizer interface {
	Localize(tag language.Tag) string
}

// Error renders err in the language tag: the outermost error in its chain that
// implements [Localizer] decides the text. The standard library's file,
// I/O and context errors an operator meets (a file that does not exist, no
// permission, a truncated read, a timeout, a cancellation, and the
// *fs.PathError around them) are translated too; any other error from
// outside the SDK keeps its own text. A nil error renders as "".
func Error(err error, tag language.Tag) string {
	if err == nil {
		return ""
	}
	var l Localizer
	if errors.As(err, &l) {
		return l.Localize(tag)
	}
	if Match(tag) == Chinese {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return std.Sprintf(tag, "%[1]s %[2]s: %[3]s", std.Sprintf(tag, "op "+pe.Op), pe.Path, Error(pe.Err, tag))
		}
		for _, s := range stdErrors {
			if errors.Is(err, s.err) {
				return std.Sprintf(tag, s.key)
			}
		}
	}
	return err.Error()
}

// std holds the Chinese of the standard library's errors and file
// operations that Error translates.
var std = NewCatalog(
	Entry{Key: "%[1]s %[2]s: %[3]s", ZH: "%[1]s %[2]s：%[3]s"},
	Entry{Key: "file does not exist", ZH: "文件不存在"},
	Entry{Key: "file already exists", ZH: "文件已存在"},
	Entry{Key: "permission denied", ZH: "没有权限"},
	Entry{Key: "file already closed", ZH: "文件已关闭"},
	Entry{Key: "unexpected end of file", ZH: "文件意外结束（不完整）"},
	Entry{Key: "end of file", ZH: "文件结束"},
	Entry{Key: "timed out", ZH: "超时"},
	Entry{Key: "cancelled", ZH: "已取消"},
	Entry{Key: "op open", ZH: "打开"},
	Entry{Key: "op read", ZH: "读取"},
	Entry{Key: "op write", ZH: "写入"},
	Entry{Key: "op close", ZH: "关闭"},
	Entry{Key: "op stat", ZH: "查看"},
	Entry{Key: "op lstat", ZH: "查看"},
	Entry{Key: "op rename", ZH: "重命名"},
	Entry{Key: "op remove", ZH: "删除"},
	Entry{Key: "op mkdir", ZH: "创建目录"},
	Entry{Key: "op readdirent", ZH: "读取目录"},
	Entry{Key: "op sync", ZH: "写盘"},
	Entry{Key: "op seek", ZH: "定位"},
	Entry{Key: "op truncate", ZH: "截断"},
	Entry{Key: "op chmod", ZH: "修改权限"},
)

// stdErrors are the standard errors Error translates, most specific first.
var stdErrors = [...]struct {
	err error
	key string
}{
	{fs.ErrNotExist, "file does not exist"},
	{fs.ErrExist, "file already exists"},
	{fs.ErrPermission, "permission denied"},
	{fs.ErrClosed, "file already closed"},
	{io.ErrUnexpectedEOF, "unexpected end of file"},
	{io.EOF, "end of file"},
	{context.DeadlineExceeded, "timed out"},
	{context.Canceled, "cancelled"},
}

// Match maps any tag to one of the two languages the SDK speaks: Chinese for
// every zh variant, English for everything else.
func Match(tag language.Tag) language.Tag {
	if base, _ := tag.Base(); base.String() == "zh" {
		return Chinese
	}
	return English
}

// Parse reads a language flag such as "zh", "zh-CN", "en" or "en-US". The
// empty string means Chinese, the operators' language.
func Parse(s string) (language.Tag, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Chinese, nil
	}
	tag, err := language.Parse(s)
	if err != nil {
		return English, fmt.Errorf("l10n: unknown language %q (want zh or en)", s)
	}
	return Match(tag), nil
}

// Chinese returns the Chinese text for key and whether the catalog has it;
// tests (see package l10ntest) use it to check every text.
func (c *Catalog) Chinese(key string) (string, bool) {
	zh, ok := c.zh[key]
	return zh, ok
}

// One returns the English singular of a counted text (see [Entry]) and
// whether key has one.
func (c *Catalog) One(key string) (string, bool) {
	one, ok := c.one[key]
	return one, ok
}

// Keys returns every key of the catalog, sorted.
func (c *Catalog) Keys() []string {
	keys := make([]string, 0, len(c.zh))
	for k := range c.zh {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
