package main

import (
	"crypto/rand"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/text/language"
)

// Modes of the files cardctl writes. A file holding personal data (names,
// registry numbers, resident IDs, photos: card-making files and packages,
// rare-character descriptions, result files and their split parts, failure
// files, loss/freeze event files, fault and recovery slips) is created 0600,
// readable by the operator alone whatever the umask; any other file (a
// handover sheet, box labels, a signed list) is created 0666 less the
// process's umask, as any file the operator creates. `cardctl help` says
// which is which.
const (
	modePersonal fs.FileMode = 0o600
	modeShared   fs.FileMode = 0o666
)

// createTemp creates a new temporary file beside path for an atomic write:
// O_EXCL (never an existing file, never through a planted symlink) and
// mode perm less the umask.
func createTemp(path string, perm fs.FileMode) (*os.File, error) {
	dir := filepath.Dir(path)
	sweepTemps(dir)
	for range 10 {
		name := filepath.Join(dir, ".cardctl-"+rand.Text()[:12])
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, ioErr(err)
		}
		return f, nil
	}
	return nil, ioErr(&fs.PathError{Op: "create", Path: path, Err: fs.ErrExist})
}

// staleTemp is the age past which a .cardctl-* file in an output
// directory is the leftover of a killed run: no run of cardctl goes that
// long without writing to its temporary file, so a younger one may belong
// to a run still going and is left alone.
const staleTemp = time.Hour

// sweepTemps removes the leftovers of killed runs (.cardctl-* regular
// files not modified for staleTemp) from dir; failing to is not an error.
func sweepTemps(dir string) {
	matches, _ := filepath.Glob(filepath.Join(dir, ".cardctl-*"))
	for _, m := range matches {
		if st, err := os.Lstat(m); err == nil && st.Mode().IsRegular() && time.Since(st.ModTime()) > staleTemp {
			_ = os.Remove(m)
		}
	}
}

// symlinkError refuses to write an output through a symbolic link: in a
// shared folder a planted link would make cardctl overwrite its target.
type symlinkError struct{ path string }

func (e *symlinkError) Error() string { return e.Localize(language.English) }

// Localize names the file in the operator's language.
func (e *symlinkError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "%s is a symbolic link: refusing to write through it", e.path)
}

// refuseSymlink refuses an output path that is an existing symbolic link.
func refuseSymlink(path string) error {
	if st, err := os.Lstat(path); err == nil && st.Mode()&fs.ModeSymlink != 0 {
		return &symlinkError{path: path}
	}
	return nil
}

// inputError refuses an output that is one of the command's inputs
// (merge -o s.zip s.zip would read what it is replacing).
type inputError struct{ path string }

func (e *inputError) Error() string { return e.Localize(language.English) }

// Localize names the file in the operator's language.
func (e *inputError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "%s is also an input of the command: refusing to write over it", e.path)
}

// refuseInput refuses an output path that names the same file as an input.
func refuseInput(out string, inputs []string) error {
	ost, err := os.Stat(out)
	if err != nil {
		return nil // a new file is no input
	}
	for _, in := range inputs {
		if ist, err := os.Stat(in); err == nil && os.SameFile(ost, ist) {
			return &inputError{path: out}
		}
	}
	return nil
}

// commitTemp makes a finished temporary file durable and renames it to
// path: fsync the data, close, refuse a symlink planted at path meanwhile,
// rename, fsync the directory. On error the temporary file is removed.
func commitTemp(tmp *os.File, path string) error {
	err := ioErr(tmp.Sync())
	if cerr := tmp.Close(); err == nil && cerr != nil {
		err = ioErr(cerr)
	}
	if err == nil {
		err = refuseSymlink(path)
	}
	if err == nil {
		err = ioErr(os.Rename(tmp.Name(), path))
	}
	if err != nil {
		os.Remove(tmp.Name())
		return err
	}
	syncDir(filepath.Dir(path))
	return nil
}

// syncDir makes renames in dir durable where the OS allows syncing a
// directory; failing to is not an error of the write.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// output is a file a command writes: where, whether --force allows
// replacing an existing file, whether it holds personal data (mode 0600),
// and the command's inputs, which it never replaces.
type output struct {
	path     string
	force    bool
	personal bool
	inputs   []string
}

func (o output) perm() fs.FileMode {
	if o.personal {
		return modePersonal
	}
	return modeShared
}

// check refuses the output before anything is written: an input of the
// command, an existing file without --force, a symbolic link.
func (o output) check() error {
	if err := refuseInput(o.path, o.inputs); err != nil {
		return err
	}
	if err := refuseSymlink(o.path); err != nil {
		return err
	}
	return refuseExisting(o.path, o.force)
}

// write writes the file through a temporary file in the same directory,
// fsynced and renamed into place only if write succeeded: a failed merge or
// build leaves nothing behind, a reader never sees half a file, an input or
// (without --force) an existing file is never replaced, and a symbolic link
// at path is refused, not followed.
func (o output) write(write func(io.Writer) (int64, error)) (int64, error) {
	if err := o.check(); err != nil {
		return 0, err
	}
	tmp, err := createTemp(o.path, o.perm())
	if err != nil {
		return 0, err
	}
	path := o.path
	n, err := write(tmp)
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return 0, err
	}
	if err := commitTemp(tmp, path); err != nil {
		return 0, err
	}
	return n, nil
}

// unreadableError is an input cardctl cannot read as the kind of file it
// needs (a directory, a damaged archive): exit 3, in the operator's words,
// without the Go library's own text.
type unreadableError struct{ path, key string }

func (e *unreadableError) Error() string { return e.Localize(language.English) }

// Localize names the file in the operator's language.
func (e *unreadableError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, e.key, e.path)
}
