package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/adapters/cmis"
	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/internal/digits"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/studentid"
)

var (
	// errExportRefused: a CMIS export has bad cells; nothing was written
	// (exit 1). The school fixes them in CMIS and exports again (C-3).
	errExportRefused = messages.Error("the export has bad cells: fix them in CMIS and export again (C-3); nothing was written")
	// errOtherSchool: a row's registry number belongs to another school.
	errOtherSchool = messages.Error("registry number of another school")
	// errNoPhoto: --photos has no photo named by the row's registry number.
	errNoPhoto = messages.Error("no photo named by the registry number")
	// errBadPhoto: the row's photo breaks the photo rules (C-2).
	errBadPhoto = messages.Error("photo refused (C-2)")
)

// cell is one bad (or doubtful) cell of the export, as the operator finds
// it in the spreadsheet.
type cell struct {
	Row     int    `json:"row"`
	Column  string `json:"column,omitempty"`
	Header  string `json:"header,omitempty"`
	Value   string `json:"value,omitempty"`
	Message string `json:"message"`
}

type makeResult struct {
	Export   string `json:"export"`
	Sheet    string `json:"sheet,omitempty"`
	Rows     int    `json:"rows"`
	Records  int    `json:"records"`
	Output   string `json:"output,omitempty"`
	Package  bool   `json:"package"`
	Photos   int    `json:"photos,omitempty"`
	Errors   []cell `json:"errors"`
	Warnings []cell `json:"warnings,omitempty"`
}

func (r *makeResult) text(e *env) {
	for _, c := range r.Errors {
		e.say("%s", c.Message)
	}
	for _, c := range r.Warnings {
		e.say("%s", e.t("warning: %s", c.Message))
	}
	if len(r.Errors) > 0 {
		e.say("%s", e.t("%s: %s, %s: nothing written", r.Export, e.t("%d rows", r.Rows), e.t("%d bad cells", len(r.Errors))))
		return
	}
	if r.Package {
		e.say("%s", e.t("%s: %s and %d photos written to %s (C-MAKE-1)", r.Export, e.t("%d records", r.Records), r.Photos, r.Output))
		return
	}
	e.say("%s", e.t("%s: %s written to %s (C-MAKE-1)", r.Export, e.t("%d records", r.Records), r.Output))
}

// cmdMake is the school's step (C-MAKE-1): a CMIS export (xlsx or CSV)
// becomes the card-making data file, or with --photos the card-making
// package with one photo per record named by its registry number. Every bad
// cell is listed (row, column, value, what to do) and, when there is any,
// nothing is written and the exit code is 1: the school fixes the cells in
// CMIS and exports again (C-3). The records are checked by the importer and
// then by the same record rules the district applies (batch.Validator), so
// what the school sends passes the district's check.
func cmdMake(e *env, args []string) (result, error) {
	fs := newFlagSet("make")
	school := fs.String("school", "", "the school's 8-digit code (registry number positions 1-8)")
	photos := fs.String("photos", "", "folder of the photos, each named <registry number>.jpg: write the card-making package")
	out := fs.String("o", "", "file to write: the package (.zip) with --photos, else the card-making data file")
	batchNo := fs.String("batch", "", batchUsage)
	force := addForce(fs)
	pos, err := e.parseArgs(fs, args)
	if err != nil {
		return nil, err
	}
	if len(pos) != 1 {
		return nil, usagef("make takes one CMIS export")
	}
	if !digits.Is(*school, 8) {
		return nil, usagef("--school: %q is not a school code (8 digits)", *school)
	}
	if *out == "" {
		return nil, usagef("make needs -o, the file to write")
	}
	in := pos[0]
	mo := output{path: *out, force: *force, personal: true, inputs: []string{in, *photos}}
	if err := mo.check(); err != nil {
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
	res := &makeResult{Export: in, Output: *out, Package: *photos != "", Errors: []cell{}}
	bar := e.startProgress(e.t("reading the export"), st.Size())
	imp, err := cmis.Importer{Now: e.now}.Import(e.ctx, &progressFile{File: f, p: bar}, filepath.Base(in))
	bar.Finish()
	if err != nil {
		var list cmis.Errors
		if !errors.As(err, &list) {
			return nil, err
		}
		// Missing or doubled columns: listed like bad cells.
		for _, ce := range list {
			res.Errors = append(res.Errors, e.cellOf(ce))
		}
		res.Output = ""
		return res, errExportRefused
	}
	res.Sheet, res.Rows = imp.Sheet, imp.Summary.Rows
	for _, ce := range imp.Errors {
		res.Errors = append(res.Errors, e.cellOf(ce))
	}
	for _, ce := range imp.Warnings {
		res.Warnings = append(res.Warnings, e.cellOf(ce))
	}
	regCol := mappedColumn(imp, cmis.FieldRegistryNo)
	var recs []cmis.Record
	for _, r := range imp.Records {
		if got := r.Card.RegistryNo.School().String(); got != *school {
			res.Errors = append(res.Errors, e.cellOf(&cmis.CellError{File: imp.File, Sheet: imp.Sheet, Row: r.Row, Column: regCol.Column, Header: regCol.Header,
				Value: r.Card.RegistryNo.String(), Err: detailf(errOtherSchool, "positions 1-8 are %s, this is school %s", got, *school)}))
			continue
		}
		recs = append(recs, r)
	}
	photoOf := map[string][]byte{}
	if *photos != "" {
		for _, r := range recs {
			path := filepath.Join(*photos, r.Card.RegistryNo.String()+".jpg")
			b, err := os.ReadFile(path)
			if err != nil {
				res.Errors = append(res.Errors, e.cellOf(&cmis.CellError{File: imp.File, Sheet: imp.Sheet, Row: r.Row, Column: regCol.Column, Header: regCol.Header,
					Value: r.Card.RegistryNo.String(), Err: detailf(errNoPhoto, "%s", path)}))
				continue
			}
			pr, err := batch.CheckPhoto(bytes.NewReader(b), batch.PhotoRules{})
			if err != nil {
				return nil, ioErr(err)
			}
			at := func(err error) cell {
				return e.cellOf(&cmis.CellError{File: imp.File, Sheet: imp.Sheet, Row: r.Row, Column: regCol.Column, Header: regCol.Header,
					Value: r.Card.RegistryNo.String(), Err: &wrapped{errBadPhoto, err}})
			}
			for _, w := range pr.Warnings {
				res.Warnings = append(res.Warnings, at(w))
			}
			if !pr.Accepted() {
				for _, p := range pr.Problems {
					res.Errors = append(res.Errors, at(p))
				}
				continue
			}
			photoOf[r.Card.RegistryNo.String()] = b
		}
	}
	// The importer's problems, the school and photo checks: in row order.
	slices.SortStableFunc(res.Errors, func(a, b cell) int { return a.Row - b.Row })
	slices.SortStableFunc(res.Warnings, func(a, b cell) int { return a.Row - b.Row })
	if len(res.Errors) > 0 {
		res.Output = ""
		return res, errExportRefused
	}
	hdr := e.header(studentid.LevelSchool, *school, *batchNo, filepath.Dir(*out))
	if err := e.writeMade(mo, hdr, recs, photoOf, *photos != "", imp, res); err != nil {
		return nil, err
	}
	if len(res.Errors) > 0 {
		res.Output = ""
		return res, errExportRefused
	}
	res.Records, res.Photos = len(recs), len(photoOf)
	return res, nil
}

// writeMade writes the data file (or package) to a temporary file beside
// out, checks its records with the district's rules, and renames it to out
// only when every record passes. A record the rules refuse is listed
// against its spreadsheet row.
func (e *env) writeMade(mo output, hdr batch.Header, recs []cmis.Record, photos map[string][]byte, pkg bool, imp *cmis.Result, res *makeResult) error {
	out := mo.path
	tmp, err := createTemp(out, mo.perm())
	if err != nil {
		return err
	}
	committed := false
	defer func() {
		if !committed {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	name := filepath.Base(out)
	var data strings.Builder
	w, err := batch.CardData.NewWriter(&data, name, hdr)
	if err != nil {
		return err
	}
	rowOf := map[string]int{}
	for _, r := range recs {
		rowOf[r.Card.RegistryNo.String()] = r.Row
		if err := w.WriteRecord(r.Card.Fields()); err != nil {
			return err
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	// The district's record rules, at the school (one record check).
	v := batch.Validator{Level: studentid.LevelDistrict, Sender: hdr.Code}
	rep, err := v.Validate(e.ctx, strings.NewReader(data.String()), name)
	if err != nil {
		return err
	}
	for _, re := range rep.Errors {
		res.Errors = append(res.Errors, cell{Row: rowOf[re.RawRegistryNo], Message: e.t("%s (row %d of the export)", l10n.Error(re, e.lang), rowOf[re.RawRegistryNo]) + whatToDo(e, re)})
	}
	if len(res.Errors) > 0 {
		return nil
	}
	if pkg {
		pw := batch.NewPackageWriter(tmp)
		cw, err := pw.CardData(hdr)
		if err != nil {
			return err
		}
		for _, r := range recs {
			if err := cw.WriteRecord(r.Card.Fields()); err != nil {
				return err
			}
		}
		if err := cw.Close(); err != nil {
			return err
		}
		rw, err := pw.RareChars(hdr)
		if err != nil {
			return err
		}
		if err := rw.Close(); err != nil {
			return err
		}
		for _, r := range recs {
			p, err := pw.Photo(r.Card.RegistryNo)
			if err != nil {
				return err
			}
			if _, err := p.Write(photos[r.Card.RegistryNo.String()]); err != nil {
				return ioErr(err)
			}
		}
		if err := pw.Close(); err != nil {
			return ioErr(err)
		}
	} else if _, err := tmp.WriteString(data.String()); err != nil {
		return ioErr(err)
	}
	if err := mo.check(); err != nil {
		return err
	}
	committed = true
	return commitTemp(tmp, out)
}

// whatToDo adds the school's action for a record the district's rules
// refuse.
func whatToDo(e *env, re *batch.RecordError) string {
	if errors.Is(re, batch.ErrNameCharset) {
		return e.t(": file a rare-character description with the district (C-4)")
	}
	return e.t(": fix it in CMIS and export again (C-3)")
}

// cellOf renders an importer problem for the operator.
func (e *env) cellOf(ce *cmis.CellError) cell {
	return cell{Row: ce.Row, Column: ce.Column, Header: ce.Header, Value: ce.Value, Message: l10n.Error(ce, e.lang)}
}

// mappedColumn is where a field was read from.
func mappedColumn(res *cmis.Result, f cmis.Field) cmis.MappedColumn {
	for _, c := range res.Columns {
		if c.Field == f {
			return c
		}
	}
	return cmis.MappedColumn{Field: f}
}

// progressFile counts what the importer reads of an export and keeps the
// file's io.ReaderAt, so a workbook is read in place.
type progressFile struct {
	*os.File
	p *progress
}

func (f *progressFile) Read(b []byte) (int, error) {
	n, err := f.File.Read(b)
	f.p.add(n)
	return n, err
}

func (f *progressFile) ReadAt(b []byte, off int64) (int, error) {
	n, err := f.File.ReadAt(b, off)
	f.p.add(n)
	return n, err
}

// Size is the file's size, for the importer.
func (f *progressFile) Size() int64 {
	st, err := f.File.Stat()
	if err != nil {
		return 0
	}
	return st.Size()
}

func (p *progress) add(n int) {
	if p != nil {
		p.done.Add(int64(n))
	}
}

// detailError is a sentinel with what was found, in both languages.
type detailError struct {
	err  error
	key  string
	args []any
}

func detailf(err error, key string, args ...any) error { return &detailError{err, key, args} }

func (d *detailError) Error() string { return d.Localize(l10n.English) }
func (d *detailError) Unwrap() error { return d.err }

// Localize renders the sentinel and the detail.
func (d *detailError) Localize(tag language.Tag) string {
	return l10n.Error(d.err, tag) + colon(tag) + messages.Sprintf(tag, d.key, d.args...)
}

// wrapped is a sentinel with the SDK error that caused it.
type wrapped struct{ err, cause error }

func (w *wrapped) Error() string   { return w.Localize(l10n.English) }
func (w *wrapped) Unwrap() []error { return []error{w.err, w.cause} }

// Localize renders the sentinel and its cause.
func (w *wrapped) Localize(tag language.Tag) string {
	return l10n.Error(w.err, tag) + colon(tag) + l10n.Error(w.cause, tag)
}

func colon(tag language.Tag) string {
	if l10n.Match(tag) == l10n.Chinese {
		return "："
	}
	return ": "
}
