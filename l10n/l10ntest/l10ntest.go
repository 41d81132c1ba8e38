// Package l10ntest proves, from a package's own tests, that every text the
// package can show an operator exists in Chinese. It is for tests only.
//
// [Source] scans the package's non-test Go files for the places where texts
// are handed to its catalog (calls, constants, fields, table rows) and checks
// each text is a catalog key whose Chinese rendering is Chinese; [Catalog]
// checks every entry's Chinese keeps the fmt verbs of its key; [Renders]
// renders typed errors and sentinels in both languages. One implementation
// replaces the per-package copies of the "every text has Chinese" test, so a
// stricter rule added here applies to every package at once.
package l10ntest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/bjedu/studentcard/l10n"
)

// TB is the part of testing.TB the checks use.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// Call names a function or method whose argument Arg is a catalog key. Func
// is a plain name ("detail": any call of detail or x.detail) or a dotted
// suffix of the called expression ("messages.Error", "e.t": also p.e.t).
type Call struct {
	Func string
	Arg  int
}

// Elem names the positional element Index of composite literals whose type
// (or, for slices and arrays, element type) is the named type Type: a table
// such as []step{{"title", …}}.
type Elem struct {
	Type  string
	Index int
}

// Source says where a package's source hands texts to its catalog. The zero
// value scans the current directory for the catalog variable "messages"'s
// Error(key), Sprintf(tag, key, …) and Text(key, …) calls.
type Source struct {
	// Dir is the package directory; "" is the current one (go test runs
	// there).
	Dir string
	// Catalog is the name of the package's catalog variable ("messages" when
	// empty); its Error, Sprintf and Text calls are always scanned.
	Catalog string
	// Calls are the package's own helpers that take a key.
	Calls []Call
	// Returns are functions and methods whose result Arg is a key (Func
	// is the function's or method's name).
	Returns []Call
	// Names are prefixes of constant and variable names whose string value
	// is a key ("reason" finds reasonTooLong = "…"); a composite value (a
	// table) has a key in every element.
	Names []string
	// Assigns are variable names whose assigned string values are keys
	// (key := "…"; key = "…").
	Assigns []string
	// Types are named types whose constants' values are keys ("Action").
	Types []string
	// Fields are keyed composite-literal fields whose value is a key
	// ("Reason" finds FieldError{Reason: "…"}).
	Fields []string
	// Elems are table rows whose positional element is a key.
	Elems []Elem
	// AllText makes every string literal with a letter a key, except imports,
	// struct tags, ZH fields of entries and the literals in NotText.
	AllText bool
	// NotText are literals that are data, not text (with AllText).
	NotText []string
	// KeyPrefix is prepended to every text found before the lookup (a
	// catalog that keys action names as "action:" + name).
	KeyPrefix string
	// Skip are file names not scanned.
	Skip []string
	// Min is how many texts the scan must find at the least, so a scan that
	// silently finds nothing fails.
	Min int
}

// Check scans the package source as s describes and checks every text found
// is a key of c with a Chinese rendering (a text with letters must render
// with Han characters; a frame of verbs and punctuation only needs to be in
// the catalog). It then checks the whole catalog with [Catalog]. It returns
// the texts found, by position.
func Check(t TB, c *l10n.Catalog, s Source) map[string]string {
	t.Helper()
	found := scan(t, s)
	for pos, key := range found {
		key = s.KeyPrefix + key
		zh, ok := c.Chinese(key)
		if !ok {
			t.Errorf("%s: %q is not in the catalog", pos, key)
			continue
		}
		if isText(key) && !HasHan(zh) {
			t.Errorf("%s: %q has no Chinese (%q)", pos, key, zh)
		}
	}
	if len(found) < s.Min {
		t.Errorf("the scan of %s found %d texts, want at least %d", dirOf(s), len(found), s.Min)
	}
	Catalog(t, c)
	return found
}

// Catalog checks every entry of c: the Chinese of a text with letters has
// Han characters, and the Chinese (and the English singular of a counted
// text) prints the same arguments as the English key (so no language prints
// %!v(MISSING) or drops a value).
func Catalog(t TB, c *l10n.Catalog) {
	t.Helper()
	for _, key := range c.Keys() {
		zh, _ := c.Chinese(key)
		if isText(key) && !HasHan(zh) {
			t.Errorf("catalog: %q has no Chinese (%q)", key, zh)
		}
		if en, cn := verbs(key), verbs(zh); !slices.Equal(en, cn) {
			t.Errorf("catalog: %q and its Chinese %q print different arguments: %v and %v", key, zh, en, cn)
		}
		if one, ok := c.One(key); ok && !slices.Equal(verbs(key), verbs(one)) {
			t.Errorf("catalog: %q and its singular %q print different arguments", key, one)
		}
	}
}

// Renders checks that each value renders in Chinese with Han characters, in
// English without any, differently in the two, and without a fmt error
// (%!) in either.
func Renders(t TB, values ...l10n.Localizer) {
	t.Helper()
	for _, v := range values {
		zh, en := v.Localize(l10n.Chinese), v.Localize(l10n.English)
		if !HasHan(zh) {
			t.Errorf("%#v: no Chinese in %q", v, zh)
		}
		if HasHan(en) {
			t.Errorf("%#v: Chinese in the English %q", v, en)
		}
		if zh == en {
			t.Errorf("%#v: the same text in both languages: %q", v, zh)
		}
		for _, s := range []string{zh, en} {
			if strings.Contains(s, "%!") {
				t.Errorf("%#v: bad verbs in %q", v, s)
			}
		}
	}
}

// Errors is [Renders] for errors: each must implement [l10n.Localizer].
func Errors(t TB, errs ...error) {
	t.Helper()
	for _, err := range errs {
		l, ok := err.(l10n.Localizer)
		if !ok {
			t.Errorf("%#v (%v) does not localise", err, err)
			continue
		}
		Renders(t, l)
	}
}

// English reports the runs of ASCII letters of s that are English words:
// three or more letters with a lowercase one, outside fmt verbs. A Chinese
// text may name a flag, a file format or a command (callers list those in
// allowed); anything else is English left inside a Chinese sentence.
func English(s string, allowed ...string) []string {
	var words []string
	for _, w := range wordRe.FindAllString(verbRe.ReplaceAllString(s, " "), -1) {
		if len(w) >= 3 && strings.ContainsFunc(w, unicode.IsLower) && !slices.Contains(allowed, w) {
			words = append(words, w)
		}
	}
	return words
}

var (
	verbRe = regexp.MustCompile(`%(?:\[(\d+)\])?[-+# 0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:\[(\d+)\])?([a-zA-Z%])`)
	wordRe = regexp.MustCompile(`[A-Za-z]+`)
)

// verbs lists the arguments a format prints, sorted and each once; %% is
// not a verb. (The verb letters may differ: a Chinese text prints “%s”
// where the English prints %q.)
func verbs(format string) []int {
	var out []int
	next := 1
	for _, m := range verbRe.FindAllStringSubmatch(format, -1) {
		if m[3] == "%" {
			continue
		}
		idx := m[1]
		if idx == "" {
			idx = m[2]
		}
		if idx != "" {
			n, _ := strconv.Atoi(idx)
			next = n
		}
		out = append(out, next)
		next++
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// isText reports whether a key has a word outside its verbs: a letter that
// is not part of an all-capitals name such as PSAM or APDU.
func isText(key string) bool {
	for _, w := range strings.FieldsFunc(verbRe.ReplaceAllString(key, " "), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if strings.ContainsFunc(w, func(r rune) bool { return !unicode.IsUpper(r) }) {
			return true
		}
	}
	return false
}

// HasHan reports whether s has a Han character: the tests' sign that a text
// was rendered in Chinese.
func HasHan(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) })
}

func dirOf(s Source) string {
	if s.Dir == "" {
		return "."
	}
	return s.Dir
}

// scan returns the texts of the package source, by position.
func scan(t TB, s Source) map[string]string {
	t.Helper()
	dir := dirOf(s)
	catalog := s.Catalog
	if catalog == "" {
		catalog = "messages"
	}
	calls := append([]Call{{catalog + ".Error", 0}, {catalog + ".Sprintf", 1}, {catalog + ".Text", 0}}, s.Calls...)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("l10ntest: %v", err)
	}
	fset := token.NewFileSet()
	found := map[string]string{}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") || slices.Contains(s.Skip, name) {
			continue
		}
		file, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatalf("l10ntest: %v", err)
		}
		tags := map[*ast.BasicLit]bool{}
		var add func(e ast.Expr)
		add = func(e ast.Expr) {
			switch e := e.(type) {
			case *ast.CompositeLit:
				for _, el := range e.Elts {
					add(el)
				}
				return
			case *ast.KeyValueExpr:
				add(e.Value)
				return
			}
			lit, ok := e.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return
			}
			text, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatalf("l10ntest: %s: %v", fset.Position(lit.Pos()), err)
			}
			if text != "" {
				found[fset.Position(lit.Pos()).String()] = text
			}
		}
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ImportSpec:
				return false
			case *ast.Field:
				if n.Tag != nil {
					tags[n.Tag] = true
				}
			case *ast.CallExpr:
				name := callName(n.Fun)
				for _, c := range calls {
					if matches(name, c.Func) && c.Arg < len(n.Args) {
						add(n.Args[c.Arg])
					}
				}
			case *ast.AssignStmt:
				for i, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok && slices.Contains(s.Assigns, id.Name) && i < len(n.Rhs) {
						add(n.Rhs[i])
					}
				}
			case *ast.FuncDecl:
				for _, r := range s.Returns {
					if r.Func != n.Name.Name || n.Body == nil {
						continue
					}
					ast.Inspect(n.Body, func(m ast.Node) bool {
						if ret, ok := m.(*ast.ReturnStmt); ok && r.Arg < len(ret.Results) {
							add(ret.Results[r.Arg])
						}
						_, lit := m.(*ast.FuncLit)
						return !lit
					})
				}
			case *ast.ValueSpec:
				typ := ""
				if id, ok := n.Type.(*ast.Ident); ok {
					typ = id.Name
				}
				for i, id := range n.Names {
					if i >= len(n.Values) {
						break
					}
					if slices.Contains(s.Types, typ) || slices.ContainsFunc(s.Names, func(p string) bool { return strings.HasPrefix(id.Name, p) }) {
						add(n.Values[i])
					}
				}
			case *ast.KeyValueExpr:
				if id, ok := n.Key.(*ast.Ident); ok {
					if id.Name == "ZH" {
						return false
					}
					if slices.Contains(s.Fields, id.Name) {
						add(n.Value)
					}
				}
			case *ast.CompositeLit:
				elt := n.Type
				if arr, ok := elt.(*ast.ArrayType); ok {
					elt = arr.Elt
				}
				if id, ok := elt.(*ast.Ident); ok {
					for _, el := range s.Elems {
						if el.Type != id.Name {
							continue
						}
						for _, row := range n.Elts {
							if cl, ok := row.(*ast.CompositeLit); ok && el.Index < len(cl.Elts) {
								add(cl.Elts[el.Index])
							}
						}
					}
				}
			case *ast.BasicLit:
				if s.AllText && n.Kind == token.STRING && !tags[n] {
					text, err := strconv.Unquote(n.Value)
					if err == nil && strings.ContainsFunc(text, unicode.IsLetter) && !slices.Contains(s.NotText, text) {
						found[fset.Position(n.Pos()).String()] = text
					}
				}
			}
			return true
		})
	}
	return found
}

// callName renders the called expression as a dotted name ("p.e.t"), or ""
// for anything else.
func callName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		if x := callName(e.X); x != "" {
			return x + "." + e.Sel.Name
		}
		return "." + e.Sel.Name
	case *ast.IndexExpr:
		return callName(e.X)
	}
	return ""
}

// matches reports whether the called name is want or ends in "."+want: a
// plain want matches the last element, a dotted one a suffix at a dot.
func matches(name, want string) bool {
	return name == want || strings.HasSuffix(name, "."+want)
}

// Want is an error and the Chinese text it must render as.
type Want struct {
	Err error
	ZH  string
}

// Chinese checks that each error renders exactly as its ZH in Chinese, and
// differently in English (its Error text), so a typed error's frame and
// arguments are pinned in the operators' language.
func Chinese(t TB, wants ...Want) {
	t.Helper()
	for _, w := range wants {
		if got := l10n.Error(w.Err, l10n.Chinese); got != w.ZH {
			t.Errorf("%#v renders %q in Chinese, want %q", w.Err, got, w.ZH)
		}
		if w.Err.Error() == w.ZH {
			t.Errorf("%#v: the English text is the Chinese one: %q", w.Err, w.ZH)
		}
	}
}
