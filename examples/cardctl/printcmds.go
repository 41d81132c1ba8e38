package main

import (
	"io"
	"path/filepath"
	"strconv"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/paper"
)

// cmdPrint prints the papers of the flows as PDF (package paper): a
// handover sheet or its box labels from a handover sheet file, a fault or
// recovery slip from its file.
func cmdPrint(e *env, args []string) (result, error) {
	if len(args) == 0 {
		return nil, usagef("print takes a paper: handover, labels, faults or recoveries")
	}
	what, args := args[0], args[1:]
	fs := newFlagSet("print " + what)
	out := fs.String("o", "", "PDF file to write (required)")
	force := addForce(fs)
	fontPath := fs.String("font", "", "TrueType Chinese font (.ttf or .ttc); default: the system's (fonts-wqy-microhei)")
	var sheet paper.Sheet
	var bf boxFlags
	switch what {
	case "handover", "faults", "recoveries":
		fs.StringVar(&sheet.No, "no", "", "the paper's number (handover sheet or slip number)")
		fs.StringVar(&sheet.From, "from", "", "the party handing over, as printed (required)")
		fs.StringVar(&sheet.To, "to", "", "the party receiving, as printed (required)")
	case "labels":
	default:
		return nil, usagef("print takes a paper: handover, labels, faults or recoveries")
	}
	if what == "handover" || what == "labels" {
		bf.add(fs)
	}
	pos, err := e.parseArgs(fs, args)
	if err != nil {
		return nil, err
	}
	if len(pos) != 1 {
		return nil, usagef("print %s takes one file", what)
	}
	if *out == "" {
		return nil, usagef("-o is required")
	}
	if what != "labels" && (sheet.From == "" || sheet.To == "") {
		return nil, usagef("--from and --to are required")
	}
	opt, err := e.paperOptions(*fontPath)
	if err != nil {
		return nil, err
	}
	in, err := e.openFile(pos[0])
	if err != nil {
		return nil, err
	}
	defer in.Close()
	name := filepath.Base(pos[0])
	var write func(io.Writer) error
	items := 0
	switch what {
	case "handover", "labels":
		sizes, err := bf.sizes()
		if err != nil {
			return nil, err
		}
		// Any sheet of the city prints; ReadHandover still refuses rows
		// outside the area of the sheet's own sender.
		h, err := batch.ReadHandover(e.ctx, in, name, "01", sizes)
		if err != nil {
			return nil, err
		}
		items = len(h.Rows)
		write = func(w io.Writer) error { return paper.HandoverSheet(w, h, sheet, opt) }
		if what == "labels" {
			write = func(w io.Writer) error { return paper.BoxLabels(w, h, opt) }
		}
	case "faults":
		var recs []batch.FaultRecord
		if _, err := batch.ReadFaults(e.ctx, in, name, func(_ batch.Record, r batch.FaultRecord) error {
			recs = append(recs, r)
			return nil
		}); err != nil {
			return nil, err
		}
		items = len(recs)
		write = func(w io.Writer) error { return paper.FaultSlip(w, recs, sheet, opt) }
	case "recoveries":
		var recs []batch.RecoveryRecord
		if _, err := batch.ReadRecoveries(e.ctx, in, name, func(_ batch.Record, r batch.RecoveryRecord) error {
			recs = append(recs, r)
			return nil
		}); err != nil {
			return nil, err
		}
		items = len(recs)
		write = func(w io.Writer) error { return paper.RecoverySlip(w, recs, sheet, opt) }
	}
	po := output{path: *out, force: *force, personal: what == "faults" || what == "recoveries", inputs: pos}
	if _, err := po.write(func(w io.Writer) (int64, error) { return 0, write(w) }); err != nil {
		return nil, err
	}
	return &printResult{Paper: what, Input: pos[0], Output: *out, Items: items, Font: opt.Font.Name()}, nil
}

// paperOptions finds the font; the paper is printed in the operator's
// language (--lang) and dated by the run's clock (--now).
func (e *env) paperOptions(fontPath string) (paper.Options, error) {
	var font *paper.Font
	var err error
	if fontPath != "" {
		font, err = paper.LoadFont(fontPath)
	} else {
		font, err = paper.FindFont()
	}
	if err != nil {
		return paper.Options{}, err
	}
	return paper.Options{Font: font, Lang: e.lang, Date: e.now()}, nil
}

type printResult struct {
	Paper  string `json:"paper"`
	Input  string `json:"input"`
	Output string `json:"output"`
	Items  int    `json:"items"`
	Font   string `json:"font"`
}

func (r *printResult) text(e *env) {
	e.say("%s", e.t("%s printed to %s (%s rows, font %s)", e.t("paper "+r.Paper), r.Output, strconv.Itoa(r.Items), filepath.Base(r.Font)))
}
