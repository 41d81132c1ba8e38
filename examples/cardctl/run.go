package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/adapters/pcsc"
	"github.com/bjedu/studentcard/l10n"
)

// Exit codes; the package documentation and `cardctl help` explain them.
const (
	exitOK          = 0
	exitInvalid     = 1
	exitUsage       = 2
	exitIO          = 3
	exitCard        = 4
	exitForbidden   = 5
	exitUnsupported = 6
	exitInterrupted = 130
)

// globals are the flags every command accepts.
type globals struct {
	lang     string
	json     bool
	quiet    bool
	progress bool
	now      string
}

// addGlobals registers the global flags on fs, so they may come before or
// after the command name.
func addGlobals(fs *flag.FlagSet, g *globals) {
	fs.StringVar(&g.lang, "lang", g.lang, "zh|en")
	fs.BoolVar(&g.json, "json", g.json, "JSON output")
	fs.BoolVar(&g.quiet, "quiet", g.quiet, "errors only")
	fs.BoolVar(&g.progress, "progress", g.progress, "progress bar on stderr")
	fs.StringVar(&g.now, "now", g.now, "clock (RFC 3339)")
}

// deps are what the command line reaches outside the process: PC/SC readers.
// main uses the real ones; in-process tests inject simulated ones.
type deps struct {
	openReader func(ctx context.Context, name string) (cardReader, error)
	// waitCard blocks until a card is in the named reader or ctx ends.
	waitCard func(ctx context.Context, name string) error
}

// env is one invocation: streams, language, output mode and clock. It is
// built by run and passed down; nothing is kept between invocations.
type env struct {
	ctx            context.Context
	stdin          io.Reader
	stdout, stderr io.Writer
	g              globals
	lang           language.Tag
	deps           deps
	now            func() time.Time
}

// t renders a text of the catalog in the invocation's language.
func (e *env) t(key string, args ...any) string { return messages.Sprintf(e.lang, key, args...) }

// say prints a line of human output unless --quiet or --json.
func (e *env) say(format string, args ...any) {
	if e.g.quiet || e.g.json {
		return
	}
	fmt.Fprintf(e.stdout, format+"\n", args...)
}

// warn prints a localized warning on stderr unless --quiet.
func (e *env) warn(err error) {
	if e.g.quiet {
		return
	}
	fmt.Fprintln(e.stderr, e.t("warning: %s", l10n.Error(err, e.lang)))
}

// result is what a command produced: JSON-encodable, and printable for humans.
type result interface {
	text(e *env)
}

// command is one subcommand: it parses its own flags from args.
type command struct {
	name    string
	summary string // catalog key
	run     func(e *env, args []string) (result, error)
}

func commands() []command {
	return []command{
		{"make", "make the card-making data file or package from a CMIS export (the school's step)", cmdMake},
		{"validate", "validate a card-making data file or package; write the failure file", cmdValidate},
		{"split", "split a factory result file per district or school", cmdSplit},
		{"merge", "merge accepted school card-making files into the district file", cmdMerge},
		{"handover", "pack a result file into boxes and write the handover sheet", cmdHandover},
		{"lists", "loss/freeze lists: export, merge, build, diff, lookup", cmdLists},
		{"card", "registry card: personalise, register, inspect, recover", cmdCard},
		{"overdue", "overdue deadlines of a ledger database", cmdOverdue},
		{"ledger", "create a ledger database, or migrate one after backing it up", cmdLedger},
		{"print", "print a paper as PDF: handover sheet, box labels, fault or recovery slip", cmdPrint},
		{"help", "show help for a command", nil},
	}
}

// run is the whole program: main calls it with the process's arguments and
// streams, tests call it in-process.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runWith(ctx, args, stdin, stdout, stderr, deps{openReader: openPCSC, waitCard: pcsc.WaitForCard})
}

func runWith(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, d deps) int {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, deps: d, lang: l10n.Chinese, now: time.Now}
	fs := newFlagSet("cardctl")
	addGlobals(fs, &e.g)
	version := fs.Bool("version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			e.help(nil)
			return exitOK
		}
		return e.finish("", nil, flagError(err))
	}
	if err := e.setup(); err != nil {
		return e.finish("", nil, err)
	}
	if *version {
		fmt.Fprintln(e.stdout, "cardctl "+buildVersion())
		return exitOK
	}
	rest := fs.Args()
	if len(rest) == 0 {
		e.help(nil)
		return exitUsage
	}
	name := rest[0]
	if name == "help" {
		return e.helpCommand(rest[1:])
	}
	for _, c := range commands() {
		if c.name == name && c.run != nil {
			if len(rest) > 1 && (name == "lists" || name == "ledger" || name == "card" || name == "print" || (name == "handover" && rest[1] == "reconcile")) && !strings.HasPrefix(rest[1], "-") {
				name += " " + rest[1] // the JSON document names the subcommand too
			}
			res, err := c.run(e, rest[1:])
			if errors.Is(err, flag.ErrHelp) {
				e.help([]string{c.name})
				return exitOK
			}
			return e.finish(name, res, err)
		}
	}
	return e.finish(name, nil, usagef("unknown command %q", name))
}

// setup applies the global flags: language and clock.
func (e *env) setup() error {
	tag, err := l10n.Parse(e.g.lang)
	if base, _ := tag.Base(); err != nil || (base.String() == "en" && !strings.HasPrefix(strings.ToLower(strings.TrimSpace(e.g.lang)), "en")) {
		return usagef("unknown language %q (want zh or en)", e.g.lang)
	}
	e.lang = tag
	if e.g.now != "" {
		t, err := time.Parse(time.RFC3339, e.g.now)
		if err != nil {
			return usagef("--now: %q is not an RFC 3339 time", e.g.now)
		}
		e.now = func() time.Time { return t }
	}
	return nil
}

// finish prints the result and the error and returns the exit code.
func (e *env) finish(name string, res result, err error) int {
	code := exitOK
	if err != nil {
		code = exitCode(err)
	}
	if e.g.json {
		doc := jsonDoc{Command: name, OK: err == nil, ExitCode: code, Result: res}
		if err != nil && (res == nil || code != exitInvalid) {
			doc.Error = &jsonError{Kind: kindName(code), Message: l10n.Error(err, e.lang)}
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if werr := enc.Encode(doc); werr != nil && code == exitOK {
			code = exitIO
		}
	} else if res != nil && !e.g.quiet {
		res.text(e)
	}
	if err != nil {
		fmt.Fprintln(e.stderr, "cardctl: "+l10n.Error(err, e.lang))
		if code == exitUsage {
			fmt.Fprintln(e.stderr, e.t("Run 'cardctl help' for usage."))
		}
	}
	return code
}

// jsonDoc is the one JSON document a command writes with --json. Field names
// are stable; scripts may rely on them.
type jsonDoc struct {
	Command  string     `json:"command"`
	OK       bool       `json:"ok"`
	ExitCode int        `json:"exit_code"`
	Result   any        `json:"result,omitempty"`
	Error    *jsonError `json:"error,omitempty"`
}

type jsonError struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
}

func kindName(code int) string {
	switch code {
	case exitInvalid:
		return "invalid"
	case exitUsage:
		return "usage"
	case exitCard:
		return "card"
	case exitForbidden:
		return "forbidden"
	case exitUnsupported:
		return "unsupported"
	case exitInterrupted:
		return "interrupted"
	default:
		return "io"
	}
}

// newFlagSet makes a flag set that reports errors instead of exiting or
// printing, so the dispatcher renders them in the operator's language.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseArgs parses a command's flags, allowing them between the positional
// arguments (cardctl validate file.txt --level city), and returns the
// positional arguments.
//
// Global flags given among the command's flags take effect here.
func (e *env) parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	addGlobals(fs, &e.g)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, flagError(err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, e.setup()
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// noArgs refuses positional arguments to a command that takes none.
func noArgs(pos []string) error {
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	return nil
}

// flagError turns an error of package flag into a localized usage error.
func flagError(err error) error {
	msg := err.Error()
	for _, p := range []struct{ prefix, key string }{
		{"flag provided but not defined: ", "unknown flag %s"},
		{"flag needs an argument: ", "flag needs a value: %s"},
	} {
		if rest, ok := strings.CutPrefix(msg, p.prefix); ok {
			return usagef(p.key, rest)
		}
	}
	if rest, ok := strings.CutPrefix(msg, "invalid value "); ok {
		return usagef("bad value for flag %s", rest)
	}
	return usagef("%s", msg)
}

// help prints the overview, or the help of one command, on stdout.
func (e *env) help(path []string) {
	w := e.stdout
	if len(path) == 0 {
		fmt.Fprintln(w, e.t("usage: cardctl [global flags] <command> [flags] [files]"))
		fmt.Fprintln(w)
		fmt.Fprintln(w, e.t("Commands:"))
		for _, c := range commands() {
			fmt.Fprintf(w, "  %-10s %s\n", c.name, e.t(c.summary))
		}
		fmt.Fprintln(w)
		fmt.Fprintln(w, e.t(helpGlobal))
		fmt.Fprintln(w)
		fmt.Fprintln(w, e.t(helpExit))
		fmt.Fprintln(w)
		fmt.Fprintln(w, e.t(helpOutputs))
		fmt.Fprintln(w)
		fmt.Fprintln(w, e.t(helpKeys))
		return
	}
	key, ok := commandHelp(path[0])
	if !ok {
		e.help(nil)
		return
	}
	fmt.Fprintln(w, e.t(key))
}

func (e *env) helpCommand(args []string) int {
	if len(args) > 0 && args[0] == "help" {
		fmt.Fprintln(e.stdout, e.t(helpHelp))
		return exitOK
	}
	if len(args) > 0 {
		if _, ok := commandHelp(args[0]); !ok {
			return e.finish("help", nil, usagef("unknown command %q", args[0]))
		}
	}
	e.help(args)
	return exitOK
}

// openFile opens an input file; "-" is stdin.
func (e *env) openFile(path string) (io.ReadCloser, error) {
	if path == "-" {
		return io.NopCloser(e.stdin), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, ioErr(err)
	}
	return f, nil
}

// fileSize is the size of a regular file, or -1.
func fileSize(r io.Reader) int64 {
	if f, ok := r.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			return st.Size()
		}
	}
	return -1
}

// buildVersion is the module version and VCS revision the binary was built
// from, as the Go toolchain recorded them.
func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := bi.Main.Version
	for _, st := range bi.Settings {
		if st.Key == "vcs.revision" && len(st.Value) >= 12 {
			v += " " + st.Value[:12]
		}
		if st.Key == "vcs.modified" && st.Value == "true" {
			v += "+dirty"
		}
	}
	return v + " " + bi.GoVersion
}
