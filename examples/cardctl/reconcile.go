package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/internal/digits"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/studentid"
)

// maxCountedLine bounds a line of a counted-cards file: a registry number
// with its factory batch, or a box and its count, is far shorter.
const maxCountedLine = 256

// countedError is a bad line of a counted-cards file: where, and what was
// expected. It exits with 3, like any malformed input file.
type countedError struct {
	file  string
	line  int
	msg   string // catalog key, a fmt format
	args  []any
	cause error // the SDK's reason, if any (a malformed registry number)
}

func (e *countedError) Error() string {
	msg := fmt.Sprintf(e.msg, e.args...)
	if e.cause != nil {
		msg += ": " + e.cause.Error()
	}
	return fmt.Sprintf("%s:%d: %s", e.file, e.line, msg)
}

// Localize names the file and line in the operator's language.
func (e *countedError) Localize(tag language.Tag) string {
	msg := messages.Sprintf(tag, e.msg, e.args...)
	if e.cause != nil {
		msg = messages.Sprintf(tag, "%s: %s", msg, l10n.Error(e.cause, tag))
	}
	return messages.Sprintf(tag, "%s line %d: %s", e.file, e.line, msg)
}

func (e *countedError) Unwrap() error { return e.cause }

// counted is what a counted-cards file says: the tally and how it was read.
type counted struct {
	tally      batch.Tally
	cards      int // cards counted (scanned or in boxes counted)
	duplicates int // registry numbers scanned more than once, counted once
}

// readCounted reads the cards counted on arrival (C-ISSUE-4). One entry a
// line, blank lines and lines starting with '#' ignored; fields separated by
// a comma, a tab or spaces:
//
//	REGISTRY            a card scanned (its registry number barcode), of the
//	                    sheet's factory batch (defBatch)
//	BATCH,REGISTRY      a card scanned, with its factory batch
//	SMALLBOX,COUNT      a small box of the sheet and the cards counted in it
//
// A card scanned twice is counted once (duplicates says how often that
// happened); a box listed twice is an error. Boxes counted and cards scanned
// add up, so count each card one way. defBatch may be "" when every scanned
// card names its batch. A card scanned whose registry number is not under
// within (the counting level's code) is refused, naming its line.
func readCounted(ctx context.Context, r io.Reader, name string, sheet *batch.Handover, defBatch, within string) (counted, error) {
	boxes := map[string]batch.GroupKey{}
	for _, row := range sheet.Rows {
		boxes[row.SmallBox] = row.GroupKey
	}
	c := counted{tally: batch.Tally{}}
	seen := map[studentid.ID]bool{} // registry numbers scanned
	boxLine := map[string]int{}     // small box -> line counted
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, maxCountedLine), maxCountedLine)
	line := 0
	for sc.Scan() {
		line++
		if line%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return counted{}, err
			}
		}
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == '\t' || r == ' ' })
		bad := func(msg string, args ...any) error {
			return &countedError{file: name, line: line, msg: msg, args: args}
		}
		var fb, reg string
		switch {
		case len(fields) == 1:
			fb, reg = defBatch, fields[0]
			if fb == "" {
				return counted{}, bad("the sheet has several factory batches: write BATCH,REGISTRY or give --factory-batch")
			}
		case len(fields) == 2 && digits.Is(fields[1], 16): // a registry number, not a box count
			fb, reg = fields[0], fields[1]
		case len(fields) == 2:
			key, ok := boxes[fields[0]]
			if !ok {
				return counted{}, bad("small box %q is not on the sheet", fields[0])
			}
			n, err := strconv.Atoi(fields[1])
			if err != nil || n < 0 || n > 1_000_000 {
				return counted{}, bad("count %q is not a number of cards", fields[1])
			}
			if first, dup := boxLine[fields[0]]; dup {
				return counted{}, bad("small box %s counted twice (first on line %d)", fields[0], first)
			}
			boxLine[fields[0]] = line
			c.tally[key] += n
			c.cards += n
			continue
		default:
			return counted{}, bad("want REGISTRY, BATCH,REGISTRY or SMALLBOX,COUNT")
		}
		id, err := studentid.Parse(reg)
		if err != nil {
			return counted{}, &countedError{file: name, line: line, msg: "registry number %q", args: []any{reg}, cause: err}
		}
		if !strings.HasPrefix(id.String(), within) {
			return counted{}, &countedError{file: name, line: line, msg: "registry number %s is not under %s", args: []any{id.String(), within}, cause: batch.ErrNotSender}
		}
		if seen[id] {
			c.duplicates++
			continue
		}
		seen[id] = true
		c.tally.Add(fb, id)
		c.cards++
	}
	if err := sc.Err(); errors.Is(err, bufio.ErrTooLong) {
		return counted{}, &countedError{file: name, line: line + 1, msg: "line too long (more than %d bytes)", args: []any{maxCountedLine}}
	} else if err != nil {
		return counted{}, ioErr(err)
	}
	return c, nil
}

// onlyBatch returns the sheet's factory batch when it has exactly one.
func onlyBatch(h *batch.Handover) string {
	b := ""
	for _, r := range h.Rows {
		if b != "" && r.FactoryBatch != b {
			return ""
		}
		b = r.FactoryBatch
	}
	return b
}

type countDiffJSON struct {
	FactoryBatch string `json:"factory_batch"`
	School       string `json:"school"`
	SchoolName   string `json:"school_name,omitempty"`
	Category     int    `json:"student_category"`
	Cohort       int    `json:"cohort"`
	Sheet        int    `json:"sheet"`
	Counted      int    `json:"counted"`
	Message      string `json:"message"`
}

type reconcileResult struct {
	Sheet        string          `json:"sheet"`
	CountedFile  string          `json:"counted_file"`
	SheetCards   int             `json:"sheet_cards"`
	CountedCards int             `json:"counted_cards"`
	Duplicates   int             `json:"duplicates"`
	Match        bool            `json:"match"`
	Differences  []countDiffJSON `json:"differences"`
	Regenerated  string          `json:"regenerated,omitempty"`
}

func (r *reconcileResult) text(e *env) {
	if r.Duplicates > 0 {
		e.say("%s", e.t("%d cards scanned more than once, counted once", r.Duplicates))
	}
	for _, d := range r.Differences {
		e.say("%s", d.Message)
	}
	if r.Match {
		e.say("%s", e.t("%s: the cards counted match the sheet (%s)", r.Sheet, e.t("%d cards", r.SheetCards)))
		return
	}
	e.say("%s", e.t("%s: counts differ in %s: sheet %s, counted %s", r.Sheet, e.t("%d groups", len(r.Differences)),
		e.t("%d cards", r.SheetCards), e.t("%d cards", r.CountedCards)))
	e.say("%s", e.t("regenerated handover sheet: %s", r.Regenerated))
}

// cmdReconcile checks the cards counted on arrival against the handover
// sheet (C-ISSUE-4). On a mismatch it prints the differences per factory
// batch, school, student category and cohort, writes the regenerated sheet
// built from the counted cards (C-PACK-1) and exits with 1.
func cmdReconcile(e *env, args []string) (result, error) {
	fs := newFlagSet("handover reconcile")
	var sf senderFlags
	sf.addLevel(fs, "city", "level regenerating the sheet: city or district")
	sheetPath := fs.String("sheet", "", "handover sheet the cards came with")
	countedPath := fs.String("counted", "", "cards counted: registry numbers scanned or SMALLBOX,COUNT lines")
	factoryBatch := fs.String("factory-batch", "", "factory batch of scanned cards that name none (default: the sheet's, if it has one)")
	out := fs.String("o", "", "regenerated sheet to write on a mismatch (default <sheet>.regenerated.txt)")
	var sizes boxFlags
	sizes.add(fs)
	force := addForce(fs)
	pos, err := e.parseArgs(fs, args)
	if err != nil {
		return nil, err
	}
	if err := noArgs(pos); err != nil {
		return nil, err
	}
	if *sheetPath == "" || *countedPath == "" {
		return nil, usagef("handover reconcile needs --sheet and --counted")
	}
	path := *out
	if path == "" {
		path = strings.TrimSuffix(*sheetPath, filepath.Ext(*sheetPath)) + ".regenerated.txt"
	}
	ro := output{path: path, force: *force, inputs: []string{*sheetPath, *countedPath}}
	if err := refuseInput(path, ro.inputs); err != nil {
		return nil, err
	}
	hdr, err := sf.sender(e, filepath.Dir(path))
	if err != nil {
		return nil, err
	}
	bs, err := sizes.sizes()
	if err != nil {
		return nil, err
	}
	sheetFile, err := e.openFile(*sheetPath)
	if err != nil {
		return nil, err
	}
	defer sheetFile.Close()
	// --code is enforced: a sheet row or a card scanned outside it refuses
	// the reconciliation.
	sheet, err := batch.ReadHandover(e.ctx, sheetFile, filepath.Base(*sheetPath), hdr.Code, bs)
	if err != nil {
		return nil, err
	}
	cf, err := e.openFile(*countedPath)
	if err != nil {
		return nil, err
	}
	defer cf.Close()
	defBatch := *factoryBatch
	if defBatch == "" {
		defBatch = onlyBatch(sheet)
	}
	c, err := readCounted(e.ctx, cf, filepath.Base(*countedPath), sheet, defBatch, hdr.Code)
	if err != nil {
		return nil, err
	}
	res := &reconcileResult{Sheet: *sheetPath, CountedFile: *countedPath, SheetCards: sheet.Total(), CountedCards: c.cards,
		Duplicates: c.duplicates, Differences: []countDiffJSON{}}
	names := map[studentid.School]string{}
	for _, g := range sheet.Counts() {
		names[g.School] = g.SchoolName
	}
	diffs, regenerated, err := batch.Reconcile(sheet, c.tally, hdr.Code, bs)
	if err != nil && !errors.Is(err, batch.ErrMismatch) {
		return nil, err
	}
	res.Match = len(diffs) == 0
	for _, d := range diffs {
		res.Differences = append(res.Differences, countDiffJSON{FactoryBatch: d.FactoryBatch, School: d.School.String(), SchoolName: names[d.School],
			Category: int(d.Category), Cohort: d.Cohort, Sheet: d.Sheet, Counted: d.Counted, Message: d.Localize(e.lang)})
	}
	if res.Match {
		return res, nil
	}
	if _, err := ro.write(func(w io.Writer) (int64, error) {
		return 0, regenerated.Write(w, filepath.Base(path), hdr)
	}); err != nil {
		return nil, err
	}
	res.Regenerated = path
	return res, errMismatch
}
