package main

import (
	"crypto/ed25519"
	"encoding/hex"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/batch/lists"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

// cmdLists dispatches the list subcommands (R-LIST-1).
func cmdLists(e *env, args []string) (result, error) {
	if len(args) == 0 {
		return nil, usagef("lists needs a subcommand: export, merge, build, diff or lookup")
	}
	switch args[0] {
	case "export":
		return cmdListsExport(e, args[1:])
	case "merge":
		return cmdListsMerge(e, args[1:])
	case "build":
		return cmdListsBuild(e, args[1:])
	case "diff":
		return cmdListsDiff(e, args[1:])
	case "lookup":
		return cmdListsLookup(e, args[1:])
	case "-h", "-help", "--help":
		return nil, flag.ErrHelp
	}
	return nil, usagef("unknown lists subcommand %q (want export, merge, build, diff or lookup)", args[0])
}

// eventSources opens event files as merge sources; close the returned files.
func (e *env) eventSources(paths []string, bar *progress) ([]lists.EventSource, []io.Closer, error) {
	var srcs []lists.EventSource
	var closers []io.Closer
	for _, p := range paths {
		f, err := e.openFile(p)
		if err != nil {
			closeAll(closers)
			return nil, nil, err
		}
		closers = append(closers, f)
		name := filepath.Base(p)
		er, err := lists.NewEventReader(batch.NewReader(bar.Reader(f), name), name)
		if err != nil {
			closeAll(closers)
			return nil, nil, err
		}
		srcs = append(srcs, er)
	}
	return srcs, closers, nil
}

func closeAll(cs []io.Closer) {
	for _, c := range cs {
		c.Close()
	}
}

// totalSize sums the sizes of regular files (for the progress bar's ETA).
func totalSize(paths []string) int64 {
	var n int64
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			n += st.Size()
		}
	}
	return n
}

type exportResult struct {
	DB     string         `json:"db"`
	Day    string         `json:"day"`
	Scope  string         `json:"scope"`
	Output string         `json:"output"`
	Events int            `json:"events"`
	Kinds  map[string]int `json:"kinds"`
}

func (r *exportResult) text(e *env) {
	e.say("%s", e.t("%s, %s: %s -> %s", r.Scope, r.Day, e.t("%d events", r.Events), r.Output))
}

// cmdListsExport writes the day's event file of the operator's scope from
// the ledger (R-LIST-1): what a school sends up every day, or a district's
// or the city's events of the day. The ledger checks the scope (S-4).
func cmdListsExport(e *env, args []string) (result, error) {
	fs := newFlagSet("lists export")
	var lf ledgerFlags
	lf.add(fs, "school")
	dayS := fs.String("day", "", "the day, YYYY-MM-DD (Beijing)")
	batchNo := fs.String("batch", "", batchUsage)
	out := fs.String("o", "", "event file to write (default LISTEVENT_<code>_<YYYYMMDD>.txt)")
	force := addForce(fs)
	pos, err := e.parseArgs(fs, args)
	if err != nil {
		return nil, err
	}
	if err := noArgs(pos); err != nil {
		return nil, err
	}
	dayT, err := time.ParseInLocation(time.DateOnly, *dayS, lifecycle.Beijing())
	if err != nil {
		return nil, usagef("--day: %q is not a date YYYY-MM-DD", *dayS)
	}
	day := lifecycle.DateOf(dayT)
	op, err := lf.operator()
	if err != nil {
		return nil, err
	}
	var level studentid.Level
	var code string
	switch op.Level {
	case studentid.LevelCity:
		level, code = studentid.LevelCity, "01"
	case studentid.LevelDistrict:
		level, code = studentid.LevelDistrict, "01"+op.District
	default: // a school; an application unit is refused by the ledger
		level, code = studentid.LevelSchool, op.School
	}
	ledger, closeLedger, err := e.openLedger(lf.db)
	if err != nil {
		return nil, err
	}
	defer closeLedger()
	events, err := ledger.ListEvents(e.ctx, op, day)
	if err != nil {
		return nil, err
	}
	path := *out
	if path == "" {
		path = "LISTEVENT_" + code + "_" + dayT.Format("20060102") + ".txt"
	}
	lo := output{path: path, force: *force, personal: true, inputs: []string{lf.db}}
	if err := lo.check(); err != nil {
		return nil, err
	}
	res := &exportResult{DB: lf.db, Day: day.String(), Scope: scopeName(e, op), Output: path, Events: len(events), Kinds: map[string]int{}}
	if _, err := lo.write(func(w io.Writer) (int64, error) {
		ew, err := lists.NewEventWriter(w, filepath.Base(path), e.header(level, code, *batchNo, filepath.Dir(path)))
		if err != nil {
			return 0, err
		}
		for _, ev := range events {
			if err := ew.Write(ev); err != nil {
				return 0, err
			}
			res.Kinds[ev.Kind.String()]++
		}
		return 0, ew.Close()
	}); err != nil {
		return nil, err
	}
	return res, nil
}

type conflictResult struct {
	Serial  string `json:"serial"`
	Message string `json:"message"`
}

type listsMergeResult struct {
	Output     string           `json:"output"`
	Inputs     []string         `json:"inputs"`
	Read       int              `json:"read"`
	Written    int              `json:"written"`
	Duplicates int              `json:"duplicates"`
	Conflicts  int              `json:"conflicts"`
	Listed     []conflictResult `json:"conflict_list"`
}

func (r *listsMergeResult) text(e *env) {
	for _, c := range r.Listed {
		e.say("%s", e.t("conflict: %s", c.Message))
	}
	e.say("%s", e.t("%s read, %d written, %s dropped, %s -> %s", e.t("%d events", r.Read), r.Written,
		e.t("%d duplicates", r.Duplicates), e.t("%d conflicts", r.Conflicts), r.Output))
}

// cmdListsMerge merges school event files into the district file, or
// district files into the city file (R-LIST-1).
func cmdListsMerge(e *env, args []string) (result, error) {
	fs := newFlagSet("lists merge")
	var sf senderFlags
	sf.addLevel(fs, "district", "level writing the merged file: district or city")
	out := fs.String("o", "", "merged event file to write")
	force := addForce(fs)
	pos, err := e.parseArgs(fs, args)
	if err != nil {
		return nil, err
	}
	if len(pos) == 0 {
		return nil, usagef("lists merge takes one or more event files")
	}
	if *out == "" {
		return nil, usagef("-o is required")
	}
	mo := output{path: *out, force: *force, personal: true, inputs: pos}
	if err := mo.check(); err != nil {
		return nil, err
	}
	hdr, err := sf.sender(e, filepath.Dir(*out))
	if err != nil {
		return nil, err
	}
	bar := e.startProgress(e.t("merging"), totalSize(pos))
	srcs, closers, err := e.eventSources(pos, bar)
	if err != nil {
		bar.Finish()
		return nil, err
	}
	defer closeAll(closers)
	var rep lists.MergeReport
	_, err = mo.write(func(w io.Writer) (int64, error) {
		ew, err := lists.NewEventWriter(w, filepath.Base(*out), hdr)
		if err != nil {
			return 0, err
		}
		if rep, err = lists.Merge(e.ctx, ew, srcs...); err != nil {
			return 0, err
		}
		return 0, ew.Close()
	})
	bar.Finish()
	if err != nil {
		return nil, err
	}
	res := &listsMergeResult{Output: *out, Inputs: pos, Read: rep.Read, Written: rep.Written,
		Duplicates: rep.Duplicates, Conflicts: rep.ConflictCount, Listed: []conflictResult{}}
	for _, c := range rep.Conflicts {
		res.Listed = append(res.Listed, conflictResult{Serial: c.A.Serial.String(), Message: l10n.Error(c, e.lang)})
	}
	return res, nil
}

type listResult struct {
	Output  string `json:"output"`
	Version uint64 `json:"version"`
	Base    uint64 `json:"base,omitempty"`
	Entries int    `json:"entries"`
	Events  int    `json:"events"`
	Covers  string `json:"covers"`
	Digest  string `json:"digest"`
	Bytes   int    `json:"bytes"`
}

func (r *listResult) text(e *env) {
	e.say("%s", e.t("list version %d: %s (%s), %s folded, %s -> %s", r.Version, e.t("%d cards", r.Entries), e.t(r.Covers),
		e.t("%d events", r.Events), e.t("%d bytes", r.Bytes), r.Output))
	e.say("%s", e.t("digest %s", r.Digest))
}

func parseCovers(s string) (lists.Status, error) {
	switch s {
	case "all", "":
		return lists.StatusAll, nil
	case "lost", "loss":
		return lists.StatusLost, nil
	case "frozen", "freeze":
		return lists.StatusFrozen, nil
	}
	return 0, usagef("--covers: %q is not all, lost or frozen", s)
}

func parseListDigest(s string) (batch.DigestAlg, error) {
	switch strings.ToLower(s) {
	case "sha256", "sha-256", "":
		return batch.SHA256, nil
	case "sm3":
		return batch.SM3, nil
	}
	return "", usagef("--digest: %q is not sha256 or sm3", s)
}

// readList reads and verifies a compact list file for a holder of cur (the
// zero Current: none), refusing a rollback or a substitute of cur.
func readList(path string, pub ed25519.PublicKey, cur lists.Current) (*lists.List, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, ioErr(err)
	}
	l, err := lists.Open(b, pub, cur)
	if err != nil {
		return nil, &fileContext{path: path, err: err}
	}
	return l, nil
}

// cmdListsBuild folds event files (on top of an earlier list, if given) into
// the card statuses and builds the signed compact list readers load.
func cmdListsBuild(e *env, args []string) (result, error) {
	fs := newFlagSet("lists build")
	var keys listKeyFlags
	keys.add(fs, true)
	version := fs.Uint64("version", 0, "list version to stamp (the city's snapshot number)")
	base := fs.String("base", "", "earlier list to start from (its cards and statuses)")
	coversS := fs.String("covers", "all", "statuses the list carries: all, lost or frozen")
	digestS := fs.String("digest", "sha256", "sha256 or sm3")
	out := fs.String("o", "", "list file to write")
	force := addForce(fs)
	pos, err := e.parseArgs(fs, args)
	if err != nil {
		return nil, err
	}
	if *out == "" {
		return nil, usagef("-o is required")
	}
	lo := output{path: *out, force: *force, inputs: append([]string{*base}, pos...)}
	if err := lo.check(); err != nil {
		return nil, err
	}
	if *version == 0 {
		return nil, usagef("--version is required (1 or more)")
	}
	covers, err := parseCovers(*coversS)
	if err != nil {
		return nil, err
	}
	dig, err := parseListDigest(*digestS)
	if err != nil {
		return nil, err
	}
	priv, err := keys.signer()
	if err != nil {
		return nil, err
	}
	keys.warnDev(e)
	state := lists.NewState()
	res := &listResult{Output: *out, Version: *version}
	if *base != "" {
		pub, err := keys.public()
		if err != nil {
			return nil, err
		}
		bl, err := readList(*base, pub, lists.Current{})
		if err != nil {
			return nil, err
		}
		state = lists.StateOf(bl)
		res.Base = bl.Version()
	}
	bar := e.startProgress(e.t("folding events"), totalSize(pos))
	srcs, closers, err := e.eventSources(pos, bar)
	if err != nil {
		bar.Finish()
		return nil, err
	}
	defer closeAll(closers)
	for _, src := range srcs {
		n, err := state.Fold(e.ctx, src)
		res.Events += n
		if err != nil {
			bar.Finish()
			return nil, err
		}
	}
	bar.Finish()
	// Build refuses a version not above the base's: no reader holding the
	// base would take it (anti-rollback).
	l, err := lists.Build(state.Entries(), lists.BuildOptions{Version: *version, Base: res.Base, Created: e.now(), Covers: covers, Digest: dig, Signer: priv})
	if err != nil {
		return nil, err
	}
	if _, err := lo.write(l.WriteTo); err != nil {
		return nil, err
	}
	res.Entries, res.Covers, res.Digest, res.Bytes = l.Len(), covers.String(), hex.EncodeToString(l.Digest()), len(l.Bytes())
	return res, nil
}

type changeResult struct {
	Serial string `json:"serial"`
	Status string `json:"status"`
}

type diffResult struct {
	Output  string         `json:"output"`
	Base    uint64         `json:"base"`
	Version uint64         `json:"version"`
	Changes []changeResult `json:"changes"`
	Bytes   int            `json:"bytes"`
}

// maxTextChanges bounds the changes a diff prints as text (JSON has all).
const maxTextChanges = 50

func (r *diffResult) text(e *env) {
	for i, c := range r.Changes {
		if i == maxTextChanges {
			e.say("%s", e.t("... %d more", len(r.Changes)-maxTextChanges))
			break
		}
		e.say("%s %s", c.Serial, c.Status)
	}
	e.say("%s", e.t("delta %d -> %d: %s, %s -> %s", r.Base, r.Version, e.t("%d changes", len(r.Changes)),
		e.t("%d bytes", r.Bytes), r.Output))
}

// cmdListsDiff makes the signed delta from one list version to a later one.
func cmdListsDiff(e *env, args []string) (result, error) {
	fs := newFlagSet("lists diff")
	var keys listKeyFlags
	keys.add(fs, true)
	out := fs.String("o", "", "delta file to write")
	force := addForce(fs)
	pos, err := e.parseArgs(fs, args)
	if err != nil {
		return nil, err
	}
	if len(pos) != 2 {
		return nil, usagef("lists diff takes two lists: base and target")
	}
	if *out == "" {
		return nil, usagef("-o is required")
	}
	do := output{path: *out, force: *force, inputs: pos}
	if err := do.check(); err != nil {
		return nil, err
	}
	priv, err := keys.signer()
	if err != nil {
		return nil, err
	}
	pub, err := keys.public()
	if err != nil {
		return nil, err
	}
	keys.warnDev(e)
	base, err := readList(pos[0], pub, lists.Current{})
	if err != nil {
		return nil, err
	}
	target, err := readList(pos[1], pub, base.Current()) // later than base, never a substitute
	if err != nil {
		return nil, err
	}
	d, err := lists.Diff(base, target, lists.DeltaOptions{Signer: priv})
	if err != nil {
		return nil, err
	}
	if _, err := do.write(d.WriteTo); err != nil {
		return nil, err
	}
	res := &diffResult{Output: *out, Base: d.Base(), Version: d.Version(), Bytes: len(d.Bytes()), Changes: []changeResult{}}
	for c := range d.All() {
		st := c.Status.String()
		if c.Status == 0 {
			st = "removed"
		}
		res.Changes = append(res.Changes, changeResult{Serial: c.Serial.String(), Status: st})
	}
	return res, nil
}

type lookupEntry struct {
	Serial string `json:"serial"`
	Listed bool   `json:"listed"`
	Lost   bool   `json:"lost"`
	Frozen bool   `json:"frozen"`
	Status string `json:"status"`
}

type lookupResult struct {
	List    string        `json:"list"`
	Version uint64        `json:"version"`
	Cards   int           `json:"cards"`
	Results []lookupEntry `json:"results"`
}

func (r *lookupResult) text(e *env) {
	for _, x := range r.Results {
		switch {
		case !x.Listed:
			e.say("%s %s", x.Serial, e.t("not on the list"))
		case x.Lost && x.Frozen:
			e.say("%s %s", x.Serial, e.t("lost and frozen"))
		case x.Lost:
			e.say("%s %s", x.Serial, e.t("lost"))
		default:
			e.say("%s %s", x.Serial, e.t("frozen"))
		}
	}
	e.say("%s", e.t("list version %d, %s", r.Version, e.t("%d cards", r.Cards)))
}

// cmdListsLookup looks card serials up in a verified list, after applying
// any deltas given (as a reader does when it receives them).
func cmdListsLookup(e *env, args []string) (result, error) {
	fs := newFlagSet("lists lookup")
	var keys listKeyFlags
	keys.add(fs, false)
	var deltas multiFlag
	fs.Var(&deltas, "delta", "delta to apply first (repeatable, in version order)")
	held := fs.String("held", "", "the list the reader holds: an older list, or another of its version, is refused (anti-rollback)")
	pos, err := e.parseArgs(fs, args)
	if err != nil {
		return nil, err
	}
	if len(pos) < 2 {
		return nil, usagef("lists lookup takes a list and one or more serials")
	}
	pub, err := keys.public()
	if err != nil {
		return nil, err
	}
	keys.warnDev(e)
	serials := make([]studentid.Serial, 0, len(pos)-1)
	for _, s := range pos[1:] {
		sn, err := studentid.ParseSerial(s)
		if err != nil {
			return nil, usagef("serial %q: %s", s, l10n.Error(err, e.lang))
		}
		serials = append(serials, sn)
	}
	var cur lists.Current // a reader holding no list yet
	if *held != "" {
		hl, err := readList(*held, pub, lists.Current{})
		if err != nil {
			return nil, err
		}
		cur = hl.Current()
	}
	l, err := readList(pos[0], pub, cur)
	if err != nil {
		return nil, err
	}
	for _, p := range deltas { // each delta is opened by a reader holding l
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, ioErr(err)
		}
		d, err := lists.OpenDelta(b, pub, l.Current())
		if err != nil {
			return nil, &fileContext{path: p, err: err}
		}
		if l, err = d.Apply(l, pub); err != nil {
			return nil, &fileContext{path: p, err: err}
		}
	}
	res := &lookupResult{List: pos[0], Version: l.Version(), Cards: l.Len()}
	for _, sn := range serials {
		st, ok := l.Lookup(sn)
		res.Results = append(res.Results, lookupEntry{Serial: sn.String(), Listed: ok, Lost: st.Lost(), Frozen: st.Frozen(), Status: st.String()})
	}
	return res, nil
}

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string { return strings.Join(*m, ",") }

// Set appends one value.
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

// fileContext prefixes an error of the SDK (which knows offsets, not file
// names) with the file it came from.
type fileContext struct {
	path string
	err  error
}

func (e *fileContext) Error() string { return e.path + ": " + e.err.Error() }

// Localize renders the cause in the operator's language after the file name.
func (e *fileContext) Localize(tag language.Tag) string {
	return e.path + ": " + l10n.Error(e.err, tag)
}

func (e *fileContext) Unwrap() error { return e.err }
