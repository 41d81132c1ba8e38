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
	"errors"
	"fmt"
	"slices"
	"strings"

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
type Entry struct {
	Key string
	ZH  string
}

// Catalog holds one package's texts. It is built once and never changed, so
// it is safe for concurrent use.
type Catalog struct {
	builder *catalog.Builder
	zh      map[string]string
}

// NewCatalog builds a catalog from entries. Keys must be unique; a duplicate
// is a programming error and panics at package initialisation, where the
// package's own tests catch it.
func NewCatalog(entries ...Entry) *Catalog {
	b := catalog.NewBuilder(catalog.Fallback(English))
	zh := make(map[string]string, len(entries))
	for _, e := range entries {
		if _, dup := zh[e.Key]; dup {
			panic("l10n: duplicate key " + e.Key)
		}
		if e.ZH == "" {
			panic("l10n: no Chinese text for " + e.Key)
		}
		zh[e.Key] = e.ZH
		if err := b.SetString(English, e.Key, e.Key); err != nil {
			panic("l10n: " + err.Error())
		}
		if err := b.SetString(Chinese, e.Key, e.ZH); err != nil {
			panic("l10n: " + err.Error())
		}
	}
	return &Catalog{builder: b, zh: zh}
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
// implements [Localizer] decides the text; errors from outside the SDK keep
// their own text. A nil error renders as "".
func Error(err error, tag language.Tag) string {
	if err == nil {
		return ""
	}
	var l Localizer
	if errors.As(err, &l) {
		return l.Localize(tag)
	}
	return err.Error()
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

// Keys returns every key of the catalog, sorted.
func (c *Catalog) Keys() []string {
	keys := make([]string, 0, len(c.zh))
	for k := range c.zh {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
