package batch

import (
	"context"
	"errors"
	"io"
	"os"
)

// ctxEvery is how many lines pass between context checks in long passes.
const ctxEvery = 4096

// Verify makes one streaming pass over r and checks the whole envelope: header,
// every line's quoting and encoding, field counts, record count and digest.
// It returns the first problem as a *ParseError, or a Summary of the verified
// file. It is the first pass of the two-pass design: verify, then read again
// (see [Open] and [Spool]); memory stays bounded whatever the file size.
func Verify(ctx context.Context, r io.Reader, name string) (Summary, error) {
	rd := NewReader(r, name)
	rd.ReuseRecord = true
	for i := 0; ; i++ {
		if i%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return Summary{}, err
			}
		}
		if _, err := rd.Next(); err == io.EOF {
			return rd.Summary(), nil
		} else if err != nil {
			return Summary{}, err
		}
	}
}

// Open verifies a seekable file completely, rewinds it and returns a Reader
// positioned at its start: every record the Reader then returns belongs to a
// file known to be complete and unaltered (barring a change between the two
// passes, which the Reader's own trailer check would still catch at EOF).
func Open(ctx context.Context, rs io.ReadSeeker, name string) (*Reader, Summary, error) {
	start, err := rs.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, Summary{}, &ParseError{File: name, Err: err}
	}
	sum, err := Verify(ctx, rs, name)
	if err != nil {
		return nil, Summary{}, err
	}
	if _, err := rs.Seek(start, io.SeekStart); err != nil {
		return nil, Summary{}, &ParseError{File: name, Err: err}
	}
	return NewReader(rs, name), sum, nil
}

// Spooled is a verified copy of a stream in a temporary file; read it through
// the embedded Reader and Close it to remove the copy.
type Spooled struct {
	*Reader
	f *os.File
}

// Close removes the temporary copy.
func (s *Spooled) Close() error {
	return errors.Join(s.f.Close(), os.Remove(s.f.Name()))
}

// Spool is the two-pass design for input that cannot be read twice (a
// network upload, a pipe): it copies r into a temporary file in dir (the
// system default when empty) while verifying it, and returns a Reader over
// the verified copy. On error nothing is left behind.
func Spool(ctx context.Context, r io.Reader, name, dir string) (*Spooled, Summary, error) {
	f, err := os.CreateTemp(dir, "batch-spool-*")
	if err != nil {
		return nil, Summary{}, &ParseError{File: name, Err: err}
	}
	cleanup := func() { f.Close(); os.Remove(f.Name()) }
	sum, err := Verify(ctx, io.TeeReader(r, f), name)
	if err != nil {
		cleanup()
		return nil, Summary{}, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		cleanup()
		return nil, Summary{}, &ParseError{File: name, Err: err}
	}
	return &Spooled{Reader: NewReader(f, name), f: f}, sum, nil
}
