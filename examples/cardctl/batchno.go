package main

import (
	"archive/zip"
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/bjedu/studentcard/batch"
)

// Running batch numbers. A file cardctl writes without --batch carries the
// sender's next free batch number of the day, C<YYYYMMDD>-<NNN>: one more
// than the highest number of that sender and day found in the headers of
// the files in the output directory (data files, result files, sheets,
// event and failure files; a package's data file inside the zip), 001 for
// the first. The output directory is where an operator keeps the day's
// files, so two files of the same sender and day never share a number
// there; cardctl keeps no counter of its own and needs no ledger for it.
// A file written elsewhere starts again at 001: give --batch when the
// numbers must run across directories.

// batchPrefix is the day part of a running batch number.
func batchPrefix(day time.Time) string { return "C" + day.Format("20060102") + "-" }

// nextBatch is the next free running batch number of sender code on day
// in dir; a file that cannot be read or is not a batch file is skipped.
func nextBatch(dir, code string, day time.Time) string {
	prefix := batchPrefix(day)
	top := 0
	entries, _ := os.ReadDir(dir)
	for _, de := range entries {
		if !de.Type().IsRegular() || strings.HasPrefix(de.Name(), ".") {
			continue
		}
		c, b, ok := headerOf(filepath.Join(dir, de.Name()))
		if !ok || c != code {
			continue
		}
		if n, err := strconv.Atoi(strings.TrimPrefix(b, prefix)); err == nil && strings.HasPrefix(b, prefix) && n > top {
			top = n
		}
	}
	return fmt.Sprintf("%s%03d", prefix, top+1)
}

// headerOf reads the sender code and batch number of a batch file or of a
// package's data file.
func headerOf(path string) (code, batchNo string, ok bool) {
	f, err := os.Open(path)
	if err != nil {
		return "", "", false
	}
	defer f.Close()
	var r io.Reader = f
	if isZip(f) {
		st, err := f.Stat()
		if err != nil {
			return "", "", false
		}
		zr, err := zip.NewReader(f, st.Size())
		if err != nil {
			return "", "", false
		}
		d, err := zr.Open(batch.PackageData)
		if err != nil {
			return "", "", false
		}
		defer d.Close()
		r = d
	}
	h, err := batch.NewReader(bufio.NewReaderSize(io.LimitReader(r, 4096), 4096), filepath.Base(path)).Header()
	if err != nil {
		return "", "", false
	}
	return h.Code, h.Batch, true
}
