package main

import (
	"bytes"
	"cmp"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/internal/digits"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

// senderFlags are the flags naming the sender of a file this tool writes:
// --code and --batch, and --level for commands run at more than one level.
type senderFlags struct {
	level   string
	code    string
	batchNo string
}

func (s *senderFlags) add(fs *flag.FlagSet) {
	fs.StringVar(&s.code, "code", "", "sender code of the level running the tool (district 4 digits, city 01)")
	fs.StringVar(&s.batchNo, "batch", "", batchUsage)
}

// batchUsage is the help of every --batch flag.
const batchUsage = "batch number of the file written (default: the sender's next free C<YYYYMMDD>-<NNN> in the output directory)"

// addForce registers --force: replace an existing output file.
func addForce(fs *flag.FlagSet) *bool {
	return fs.Bool("force", false, "replace the output file if it exists")
}

// addLevel is add with --level, defaulting to level.
func (s *senderFlags) addLevel(fs *flag.FlagSet, level, usage string) {
	fs.StringVar(&s.level, "level", level, usage)
	s.add(fs)
}

// parsedLevel is the --level given.
func (s *senderFlags) parsedLevel() (studentid.Level, error) { return parseLevel(s.level) }

// header returns the header of a file sent now at level into the
// directory dir: the code from --code (the city's "01" by default), the
// batch from --batch or the next free one of the day in dir.
func (s *senderFlags) header(e *env, level studentid.Level, dir string) (batch.Header, error) {
	code, err := defaultCode(level, s.code)
	if err != nil {
		return batch.Header{}, err
	}
	return e.header(level, code, s.batchNo, dir), nil
}

// sender is header at the --level given.
func (s *senderFlags) sender(e *env, dir string) (batch.Header, error) {
	level, err := s.parsedLevel()
	if err != nil {
		return batch.Header{}, err
	}
	return s.header(e, level, dir)
}

// header returns the sender part of a header written now into dir: the
// batch number given, or the sender's next free one of the day in dir.
func (e *env) header(level studentid.Level, code, batchNo, dir string) batch.Header {
	now := e.now()
	if batchNo == "" {
		batchNo = nextBatch(dir, code, now.In(lifecycle.Beijing()))
	}
	return batch.Header{Level: level, Code: code, Batch: batchNo, Created: now}
}

func parseLevel(s string) (studentid.Level, error) {
	switch strings.ToLower(s) {
	case "city":
		return studentid.LevelCity, nil
	case "district":
		return studentid.LevelDistrict, nil
	case "school":
		return studentid.LevelSchool, nil
	}
	return "", usagef("--level: %q is not city, district or school", s)
}

// defaultCode is the sender code a level uses when --code is not given:
// only the city has one ("01").
func defaultCode(level studentid.Level, code string) (string, error) {
	if code != "" {
		return code, nil
	}
	if level == studentid.LevelCity {
		return "01", nil
	}
	return "", usagef("--code is required at level %s", strings.ToLower(string(level)))
}

// problem is one row of a validation report, rendered for the operator.
type problem struct {
	File       string `json:"file"`
	Line       int    `json:"line"`
	Field      string `json:"field,omitempty"`
	RegistryNo string `json:"registry_no,omitempty"`
	Reason     string `json:"reason"`
	Message    string `json:"message"`
}

func (e *env) problems(errs []*batch.RecordError) []problem {
	out := make([]problem, 0, len(errs))
	for _, re := range errs {
		out = append(out, problem{File: re.File, Line: re.Line, Field: re.Field, RegistryNo: re.RawRegistryNo,
			Reason: string(re.Reason), Message: l10n.Error(re, e.lang)})
	}
	return out
}

type validateResult struct {
	File        string    `json:"file"`
	Package     bool      `json:"package"`
	Records     int64     `json:"records"`
	Failed      int64     `json:"failed"`
	Problems    int64     `json:"problems"`
	Photos      int       `json:"photos,omitempty"`
	Accepted    bool      `json:"accepted"`
	LocalPrint  bool      `json:"local_print"`
	FailureFile string    `json:"failure_file,omitempty"`
	Errors      []problem `json:"errors"`
	Warnings    []problem `json:"warnings,omitempty"`
}

func (r *validateResult) text(e *env) {
	for _, p := range r.Errors {
		e.say("%s", p.Message)
	}
	for _, p := range r.Warnings {
		e.say("%s", e.t("warning: %s", p.Message))
	}
	if r.Accepted {
		e.say("%s", e.t("%s: %s, all passed: accepted", r.File, e.t("%d records", int(r.Records))))
		if r.LocalPrint {
			e.say("%s", e.t("fewer than %d cards: the district may print this batch itself (C-MAKE-2)", batch.LocalPrintLimit))
		}
		return
	}
	e.say("%s", e.t("%s: %s, %d failed, %s: refused", r.File, e.t("%d records", int(r.Records)), r.Failed,
		e.t("%d problems", int(r.Problems))))
	e.say("%s", e.t("failure file: %s", r.FailureFile))
}

// cmdValidate validates a school's (at the district) or a district's (at the
// city) card-making data file or package (C-MAKE-2/3). If anything fails, the
// failure file goes back to the sender (C-3) and the exit code is 1.
func cmdValidate(e *env, args []string) (result, error) {
	fs := newFlagSet("validate")
	var sf senderFlags
	sf.addLevel(fs, "district", "validating level: district (school files) or city (district files)")
	sender := fs.String("sender", "", "code the file must come from (school 8 digits at the district, district 4 digits at the city)")
	failPath := fs.String("failures", "", "failure file to write (default <input>.failures.txt)")
	maxErrors := fs.Int("max-errors", 100, "problems listed in the report (all go to the failure file)")
	historyDB := fs.String("history-db", "", "ledger database: refuse a number assigned before to another resident ID (S-ID-1)")
	rarePath := fs.String("rare", "", "rare-character description beside a data file (C-4; at the city: the district's merged one)")
	force := addForce(fs)
	pos, err := e.parseArgs(fs, args)
	if err != nil {
		return nil, err
	}
	if len(pos) != 1 {
		return nil, usagef("validate takes one file")
	}
	level, err := sf.parsedLevel()
	if err != nil {
		return nil, err
	}
	if level != studentid.LevelDistrict && level != studentid.LevelCity {
		return nil, usagef("--level: %q is not district or city", sf.level)
	}
	in := pos[0]
	if in == "-" {
		return nil, usagef("validate needs a file, not stdin (the failure file is named after it)")
	}
	out := *failPath
	if out == "" {
		out = strings.TrimSuffix(in, filepath.Ext(in)) + ".failures.txt"
	}
	fo := output{path: out, force: *force, personal: true, inputs: []string{in, *rarePath}}
	if err := refuseInput(out, fo.inputs); err != nil {
		return nil, err
	}
	hdr, err := sf.header(e, level, filepath.Dir(out))
	if err != nil {
		return nil, err
	}
	f, err := os.Open(in)
	if err != nil {
		return nil, ioErr(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, ioErr(err)
	}
	if !st.Mode().IsRegular() {
		// An I/O error of the operator's (exit 3), not a refusal: no failure
		// file goes back to the school.
		return nil, &unreadableError{path: in, key: "%s is not a regular file"}
	}

	// The failures go to a temporary file beside out, renamed into place
	// only if the file is refused: an accepted file leaves no failure file.
	tmp, err := createTemp(out, fo.perm())
	if err != nil {
		return nil, err
	}
	committed := false
	defer func() {
		if !committed {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	fw, err := batch.NewFailureWriter(tmp, filepath.Base(out), hdr)
	if err != nil {
		return nil, err
	}
	scope, err := senderScope(level, hdr.Code, *sender)
	if err != nil {
		return nil, err
	}
	v := batch.Validator{Level: level, Sender: scope, MaxErrors: *maxErrors, OnError: fw.Add}
	if *historyDB != "" {
		op, err := validatingOperator(level, hdr.Code)
		if err != nil {
			return nil, err
		}
		ledger, closeLedger, err := e.openLedger(*historyDB)
		if err != nil {
			return nil, err
		}
		defer closeLedger()
		v.History = ledger.NumberHistory(op)
	}
	zipped := isZip(f)
	if *rarePath != "" {
		if zipped {
			return nil, usagef("--rare is for a data file: a package carries its description")
		}
		if v.Rare, err = e.readRare(*rarePath, scope); err != nil {
			return nil, err
		}
	}
	name := filepath.Base(in)
	res := &validateResult{File: in}
	bar := e.startProgress(e.t("validating"), st.Size())
	var rep *batch.Report
	if zipped {
		res.Package = true
		var pr *batch.PackageReport
		// C-2: the photos' capture dates are judged by the command's clock,
		// and photo warnings go to the failure file next to the refusals.
		rules := batch.PhotoRules{Now: e.now, OnWarning: fw.Add}
		pr, err = batch.CheckPackage(e.ctx, &countingReaderAt{r: f, p: bar}, st.Size(), name, v, rules)
		if pr != nil {
			rep = pr.Report
			res.Photos = pr.Photos
			res.Warnings = e.problems(pr.Warnings)
		}
	} else {
		rep, err = v.Validate(e.ctx, bar.Reader(f), name)
	}
	bar.Finish()
	if err != nil {
		return nil, err
	}
	if zipped && !rep.Accepted && rep.Records == 0 {
		for _, re := range rep.Errors {
			if errors.Is(re.Err, batch.ErrPackageFormat) {
				// A truncated or damaged archive is an I/O error (exit 3): the
				// file never arrived whole, so there is nothing to send back.
				return nil, &unreadableError{path: in, key: "%s is not a readable zip archive: truncated or damaged in transfer"}
			}
		}
	}
	res.Records, res.Failed, res.Problems = rep.Records, rep.Failed, rep.Problems
	res.Accepted, res.LocalPrint = rep.Accepted, rep.Accepted && level == studentid.LevelDistrict && batch.MayPrintLocally(rep.Records)
	res.Errors = e.problems(rep.Errors)
	if rep.Accepted {
		return res, nil
	}
	if err := fw.Close(); err != nil {
		return nil, err
	}
	if err := fo.check(); err != nil {
		return nil, err
	}
	committed = true
	if err := commitTemp(tmp, out); err != nil {
		return nil, err
	}
	res.FailureFile = out
	return res, errInvalid
}

// senderScope is the scope a validating level takes files from: --sender
// when given, which must lie inside the level's own code (--code), else the
// whole of --code: any school of the district, any district of the city. So
// --code is enforced, never a label.
func senderScope(level studentid.Level, code, sender string) (string, error) {
	own := 4 // a district's code
	if level == studentid.LevelCity {
		own = 2
	}
	if !digits.Is(code, own) {
		return "", usagef("--code: %q is not the code of a %s (%d digits)", code, strings.ToLower(string(level)), own)
	}
	if sender == "" {
		return code, nil
	}
	if !strings.HasPrefix(sender, code) || len(sender) != 2*own {
		return "", usagef("--sender: %q is not a sender under %s (%d digits starting with %s)", sender, code, 2*own, code)
	}
	return sender, nil
}

// validatingOperator is the ledger operator of the level validating a file:
// the city, or the district of a 4-digit district code (positions 1-4 of a
// registry number; the ledger names a district by positions 3-4).
func validatingOperator(level studentid.Level, code string) (lifecycle.Operator, error) {
	if level == studentid.LevelCity {
		return lifecycle.Operator{Level: studentid.LevelCity, User: "cardctl"}, nil
	}
	if !digits.Is(code, 4) {
		return lifecycle.Operator{}, usagef("--code: %q is not a district code (4 digits)", code)
	}
	return lifecycle.Operator{Level: studentid.LevelDistrict, District: code[2:], User: "cardctl"}, nil
}

// readRare reads a rare-character description (C-4) whose entries must all
// belong to owner (the file's sender), when given.
func (e *env) readRare(path, owner string) (*batch.RareSet, error) {
	f, err := e.openFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return batch.ReadRareChars(e.ctx, f, filepath.Base(path), owner)
}

// isZip peeks at the first bytes of f for the zip signature and rewinds.
func isZip(f *os.File) bool {
	var sig [4]byte
	n, _ := io.ReadFull(f, sig[:])
	_, _ = f.Seek(0, io.SeekStart)
	return n == 4 && bytes.Equal(sig[:], []byte("PK\x03\x04"))
}

// countingReaderAt feeds the progress bar from ReadAt calls (a zip package is
// read by offset).
type countingReaderAt struct {
	r io.ReaderAt
	p *progress
}

func (c *countingReaderAt) ReadAt(b []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(b, off)
	if c.p != nil {
		c.p.done.Add(int64(n))
	}
	return n, err
}

type partResult struct {
	Code    string `json:"code"`
	File    string `json:"file"`
	Records int64  `json:"records"`
}

type splitResult struct {
	Input string       `json:"input"`
	By    string       `json:"by"`
	Parts []partResult `json:"parts"`
}

func (r *splitResult) text(e *env) {
	for _, p := range r.Parts {
		e.say("%s", e.t("%s: %s -> %s", p.Code, e.t("%d records", int(p.Records)), p.File))
	}
	e.say("%s", e.t("%d parts written", len(r.Parts)))
}

// cmdSplit splits the factory's result file per district at the city
// (C-ISSUE-1) or per school at the district (C-ISSUE-2).
func cmdSplit(e *env, args []string) (result, error) {
	fs := newFlagSet("split")
	by := fs.String("by", "district", "district (at the city) or school (at the district)")
	var sf senderFlags
	sf.add(fs)
	outDir := fs.String("out", ".", "directory for the parts (RESULT_<code>.txt)")
	force := addForce(fs)
	pos, err := e.parseArgs(fs, args)
	if err != nil {
		return nil, err
	}
	if len(pos) != 1 {
		return nil, usagef("split takes one result file")
	}
	var split batch.SplitBy
	var level studentid.Level
	switch *by {
	case "district":
		split, level = batch.ByDistrict, studentid.LevelCity
	case "school":
		split, level = batch.BySchool, studentid.LevelDistrict
	default:
		return nil, usagef("--by: %q is not district or school", *by)
	}
	hdr, err := sf.header(e, level, *outDir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(*outDir, 0o777); err != nil {
		return nil, ioErr(err)
	}
	in, err := e.openFile(pos[0])
	if err != nil {
		return nil, err
	}
	defer in.Close()
	// Every part is written to a temporary file and renamed into place only
	// when the whole split succeeded: a failed split leaves the directory as
	// it was (no part emptied, no earlier good part deleted), and a planted
	// symbolic link at a part's name is refused, never written through.
	var files []*os.File
	names := map[string]string{}
	open := func(code string) (io.Writer, error) {
		o := output{path: filepath.Join(*outDir, "RESULT_"+code+".txt"), force: *force, personal: true, inputs: pos}
		if err := o.check(); err != nil {
			return nil, err
		}
		p := o.path
		f, err := createTemp(p, o.perm())
		if err != nil {
			return nil, err
		}
		files = append(files, f)
		names[f.Name()] = p
		return f, nil
	}
	bar := e.startProgress(e.t("splitting"), fileSize(in))
	counts, err := batch.SplitResult(e.ctx, bar.Reader(in), filepath.Base(pos[0]), split, hdr, open)
	bar.Finish()
	for _, f := range files {
		if err == nil {
			err = ioErr(f.Sync())
		}
		if cerr := f.Close(); cerr != nil && err == nil {
			err = ioErr(cerr)
		}
	}
	for _, f := range files {
		if err == nil {
			err = refuseSymlink(names[f.Name()])
		}
	}
	if err != nil {
		for _, f := range files {
			os.Remove(f.Name())
		}
		return nil, err
	}
	for i, f := range files {
		if rerr := os.Rename(f.Name(), names[f.Name()]); rerr != nil {
			for _, g := range files[i:] {
				os.Remove(g.Name())
			}
			return nil, ioErr(rerr)
		}
	}
	syncDir(*outDir)
	byCode := map[string]string{}
	for _, p := range names {
		byCode[strings.TrimSuffix(strings.TrimPrefix(filepath.Base(p), "RESULT_"), ".txt")] = p
	}
	names = byCode
	res := &splitResult{Input: pos[0], By: *by}
	for c, n := range counts {
		res.Parts = append(res.Parts, partResult{Code: c, File: names[c], Records: n})
	}
	sort.Slice(res.Parts, func(i, j int) bool { return res.Parts[i].Code < res.Parts[j].Code })
	return res, nil
}

type mergeResult struct {
	Output      string   `json:"output"`
	Inputs      []string `json:"inputs"`
	Package     bool     `json:"package"`
	Records     int64    `json:"records"`
	RareEntries int64    `json:"rare_entries"`
	RareOutput  string   `json:"rare_output,omitempty"`
	Photos      int64    `json:"photos,omitempty"`
}

func (r *mergeResult) text(e *env) {
	e.say("%s", e.t("%s merged: %s -> %s", e.t("%d files", len(r.Inputs)), e.t("%d records", int(r.Records)), r.Output))
	if r.Package {
		e.say("%s", e.t("%s and %s in the package", e.t("%d rare-character descriptions", int(r.RareEntries)),
			e.t("%d photos", int(r.Photos))))
	} else if r.RareOutput != "" {
		e.say("%s", e.t("%s -> %s", e.t("%d rare-character descriptions", int(r.RareEntries)), r.RareOutput))
	}
}

// cmdMerge merges accepted school uploads into the district's upload for the
// city (C-MAKE-2): school packages (zip) into one district package, or
// school card-making files into the district file, with their
// rare-character descriptions (--rare) merged beside it, so that the city
// accepts the rare names the district accepted (C-4, C-MAKE-3).
func cmdMerge(e *env, args []string) (result, error) {
	fs := newFlagSet("merge")
	var sf senderFlags
	sf.add(fs)
	out := fs.String("o", "", "output file (the district card-making file or package)")
	var rare multiFlag
	fs.Var(&rare, "rare", "a school's rare-character description beside its data file (repeatable)")
	rareOut := fs.String("rare-out", "", "merged rare-character description (default <output>.rarechars.txt)")
	force := addForce(fs)
	pos, err := e.parseArgs(fs, args)
	if err != nil {
		return nil, err
	}
	if len(pos) == 0 {
		return nil, usagef("merge takes one or more school files")
	}
	if *out == "" {
		return nil, usagef("-o is required")
	}
	hdr, err := sf.header(e, studentid.LevelDistrict, filepath.Dir(*out))
	if err != nil {
		return nil, err
	}
	mo := output{path: *out, force: *force, personal: true, inputs: slices.Concat(pos, rare)}
	if err := mo.check(); err != nil {
		return nil, err
	}
	files, closeFiles, err := openInputs(pos)
	if err != nil {
		return nil, err
	}
	defer closeFiles()
	zips := 0
	for _, f := range files {
		if isZip(f) {
			zips++
		}
	}
	res := &mergeResult{Output: *out, Inputs: pos}
	bar := e.startProgress(e.t("merging"), totalSize(slices.Concat(pos, rare)))
	defer bar.Finish()
	switch {
	case zips == len(files):
		if len(rare) > 0 || *rareOut != "" {
			return nil, usagef("--rare and --rare-out are for data files: a package carries its description")
		}
		srcs := make([]batch.PackageSource, len(files))
		for i, f := range files {
			srcs[i] = batch.PackageSource{Name: filepath.Base(pos[i]), R: &countingReaderAt{r: f, p: bar}, Size: fileSize(f)}
			// The merge forwards only what this district accepts: each
			// package is validated here and merged under its digest.
			pr, err := batch.CheckPackage(e.ctx, f, srcs[i].Size, srcs[i].Name, batch.Validator{Level: studentid.LevelDistrict, Sender: hdr.Code}, batch.PhotoRules{})
			if err != nil {
				return nil, err
			}
			if !pr.Accepted {
				return nil, e.refusedInput(pos[i], pr.Report)
			}
			srcs[i].Accepted = pr.Digest
		}
		var sum batch.MergeSummary
		if _, err := mo.write(func(w io.Writer) (int64, error) {
			sum, err = batch.MergePackage(e.ctx, w, hdr, srcs...)
			return 0, err
		}); err != nil {
			return nil, err
		}
		res.Package, res.Records, res.RareEntries, res.Photos = true, sum.Records, sum.RareEntries, sum.Photos
		return res, nil
	case zips > 0:
		return nil, usagef("merge takes either school packages (zip) or school data files, not both")
	}
	if len(rare) > 0 {
		res.RareOutput = *rareOut
		if res.RareOutput == "" {
			res.RareOutput = strings.TrimSuffix(*out, filepath.Ext(*out)) + ".rarechars.txt"
		}
		ro := output{path: res.RareOutput, force: *force, personal: true, inputs: slices.Concat(pos, rare)}
		if err := ro.check(); err != nil {
			return nil, err
		}
		rfiles, closeRare, err := openInputs(rare)
		if err != nil {
			return nil, err
		}
		defer closeRare()
		if res.RareEntries, err = ro.write(func(w io.Writer) (int64, error) {
			return batch.MergeRareChars(e.ctx, w, filepath.Base(res.RareOutput), hdr, sources(rare, rfiles, bar)...)
		}); err != nil {
			return nil, err
		}
	}
	rareOf := map[string]string{} // school code -> its description
	for _, p := range rare {
		code, err := e.senderOf(p)
		if err != nil {
			return nil, err
		}
		rareOf[code] = p
	}
	srcs := sources(pos, files, bar)
	for i, f := range files {
		v := batch.Validator{Level: studentid.LevelDistrict, Sender: hdr.Code}
		code, err := e.senderOf(pos[i])
		if err != nil {
			return nil, err
		}
		if p, ok := rareOf[code]; ok {
			if v.Rare, err = e.readRare(p, code); err != nil {
				return nil, err
			}
		}
		rep, err := v.Validate(e.ctx, f, srcs[i].Name)
		if err != nil {
			return nil, err
		}
		if !rep.Accepted {
			return nil, e.refusedInput(pos[i], rep)
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, ioErr(err)
		}
		srcs[i].Accepted = rep.Summary.Digest
	}
	res.Records, err = mo.write(func(w io.Writer) (int64, error) {
		return batch.MergeCardData(e.ctx, w, filepath.Base(*out), hdr, srcs...)
	})
	if err != nil {
		if res.RareOutput != "" {
			os.Remove(res.RareOutput) // all or nothing: no description without its data
		}
		return nil, err
	}
	return res, nil
}

// senderOf reads the sender code from the header of an envelope file.
func (e *env) senderOf(path string) (string, error) {
	f, err := e.openFile(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h, err := batch.NewReader(f, filepath.Base(path)).Header()
	if err != nil {
		return "", err
	}
	return h.Code, nil
}

// refusedError is a merge input that the district's validation refuses: a
// merge forwards only accepted files. It exits with 1, like validate.
type refusedError struct {
	file     string
	problems int64
	first    *batch.RecordError
}

func (e *env) refusedInput(file string, rep *batch.Report) error {
	re := &refusedError{file: file, problems: rep.Problems}
	if len(rep.Errors) > 0 {
		re.first = rep.Errors[0]
	}
	return re
}

func (e *refusedError) Error() string { return e.Localize(l10n.English) }

// Localize names the file, the number of problems and the first one.
func (e *refusedError) Localize(tag language.Tag) string {
	first := ""
	if e.first != nil {
		first = l10n.Error(e.first, tag)
	}
	return messages.Sprintf(tag, "%s is refused (%d problems, first: %s): validate it and merge only accepted files", e.file, e.problems, first)
}

func (e *refusedError) Unwrap() error { return errInvalid }

// openInputs opens input files (not stdin: packages need random access);
// the returned func closes them.
func openInputs(paths []string) ([]*os.File, func(), error) {
	var files []*os.File
	closeAll := func() {
		for _, f := range files {
			f.Close()
		}
	}
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			closeAll()
			return nil, nil, ioErr(err)
		}
		files = append(files, f)
	}
	return files, closeAll, nil
}

// sources names opened files as merge inputs, read through the progress bar.
func sources(paths []string, files []*os.File, bar *progress) []batch.Source {
	srcs := make([]batch.Source, len(files))
	for i, f := range files {
		srcs[i] = batch.Source{Name: filepath.Base(paths[i]), R: bar.Reader(f)}
	}
	return srcs
}

type boxResult struct {
	BigBox       string `json:"big_box"`
	SmallBox     string `json:"small_box"`
	FactoryBatch string `json:"factory_batch"`
	School       string `json:"school"`
	SchoolName   string `json:"school_name"`
	Category     int    `json:"student_category"`
	Cohort       int    `json:"cohort"`
	Count        int    `json:"count"`
}

type handoverResult struct {
	Input  string      `json:"input"`
	For    string      `json:"for,omitempty"`
	Output string      `json:"output,omitempty"`
	Cards  int         `json:"cards"`
	Boxes  []boxResult `json:"boxes"`
	Labels []string    `json:"labels"`
}

func (r *handoverResult) text(e *env) {
	for _, l := range r.Labels {
		e.say("%s", l)
	}
	e.say("%s", e.t("%s in %s", e.t("%d cards", r.Cards), e.t("%d small boxes", len(r.Boxes))))
	if r.Output != "" {
		e.say("%s", e.t("handover sheet: %s", r.Output))
	}
}

// boxFlags are the packing capacities (C-PACK-1) of a handover sheet.
type boxFlags struct{ big, small int }

func (b *boxFlags) add(fs *flag.FlagSet) {
	fs.IntVar(&b.big, "big", 0, "cards per big box (default 1000)")
	fs.IntVar(&b.small, "small", 0, "cards per small box (default 100)")
}

func (b *boxFlags) sizes() (batch.BoxSizes, error) {
	if b.big < 0 || b.small < 0 {
		return batch.BoxSizes{}, usagef("box sizes must not be negative")
	}
	return batch.BoxSizes{Big: b.big, Small: b.small}, nil
}

// cmdHandover packs the good cards of a result file into boxes (C-PACK-1) and
// writes the handover sheet (C-ISSUE-1/2), for the whole file or the part of
// one district or school (--for); "handover reconcile" checks the cards
// counted against a sheet (C-ISSUE-4).
func cmdHandover(e *env, args []string) (result, error) {
	if len(args) > 0 && args[0] == "reconcile" {
		return cmdReconcile(e, args[1:])
	}
	fs := newFlagSet("handover")
	var sf senderFlags
	sf.addLevel(fs, "city", "level writing the sheet: city or district")
	forCode := fs.String("for", "", "only the boxes of this district (4 digits) or school (8 digits)")
	out := fs.String("o", "", "handover sheet file to write (default HANDOVER_<--for or --code>.txt)")
	var bf boxFlags
	bf.add(fs)
	force := addForce(fs)
	pos, err := e.parseArgs(fs, args)
	if err != nil {
		return nil, err
	}
	if len(pos) != 1 {
		return nil, usagef("handover takes one result file")
	}
	level, err := sf.parsedLevel()
	if err != nil {
		return nil, err
	}
	code, err := defaultCode(level, sf.code)
	if err != nil {
		return nil, err
	}
	path := *out
	if path == "" {
		path = "HANDOVER_" + cmp.Or(*forCode, code) + ".txt"
	}
	ho := output{path: path, force: *force, inputs: pos}
	if err := ho.check(); err != nil {
		return nil, err
	}
	hdr, err := sf.header(e, level, filepath.Dir(path))
	if err != nil {
		return nil, err
	}
	sizes, err := bf.sizes()
	if err != nil {
		return nil, err
	}
	in, err := e.openFile(pos[0])
	if err != nil {
		return nil, err
	}
	defer in.Close()
	bar := e.startProgress(e.t("packing"), fileSize(in))
	if *forCode != "" && !strings.HasPrefix(*forCode, hdr.Code) {
		return nil, usagef("--for: %q is not under %s (--code)", *forCode, hdr.Code)
	}
	// --code is enforced: a record outside it refuses the file.
	h, err := batch.BuildHandover(e.ctx, bar.Reader(in), filepath.Base(pos[0]), hdr.Code, sizes)
	bar.Finish()
	if err != nil {
		return nil, err
	}
	if *forCode != "" {
		if h, err = handoverFor(h, *forCode); err != nil {
			return nil, err
		}
	}
	res := &handoverResult{Input: pos[0], For: *forCode, Cards: h.Total(), Boxes: []boxResult{}, Labels: []string{}}
	for _, r := range h.Rows {
		res.Boxes = append(res.Boxes, boxResult{BigBox: r.BigBox, SmallBox: r.SmallBox, FactoryBatch: r.FactoryBatch,
			School: r.School.String(), SchoolName: r.SchoolName, Category: int(r.Category), Cohort: r.Cohort, Count: r.Count})
	}
	bigs, smalls := h.Labels()
	for _, l := range bigs {
		res.Labels = append(res.Labels, l.String())
	}
	for _, l := range smalls {
		res.Labels = append(res.Labels, l.String())
	}
	if _, err := ho.write(func(w io.Writer) (int64, error) {
		return 0, h.Write(w, filepath.Base(path), hdr)
	}); err != nil {
		return nil, err
	}
	res.Output = path
	return res, nil
}

// handoverFor is the part of a sheet for --for: a district (4 digits) or a
// school (8 digits).
func handoverFor(h *batch.Handover, code string) (*batch.Handover, error) {
	if len(code) == studentid.SchoolLen {
		s, err := studentid.ParseSchool(code)
		if err != nil {
			return nil, &argError{flag: "for", err: err}
		}
		return h.ForSchool(s), nil
	}
	d, err := studentid.ParseDistrict(code)
	if err != nil {
		return nil, &argError{flag: "for", err: err}
	}
	return h.ForDistrict(d), nil
}
