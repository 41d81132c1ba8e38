package batch

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime"
	"sync"
)

// photoJob is one record's photo in the package pass.
type photoJob struct {
	line  int
	regNo string
	f     *zip.File // nil when the package has no photo for the record
	res   PhotoResult
	err   error // reading the entry failed
	done  chan struct{}
}

// photoPass checks photos on a fixed set of workers and reports them in the
// order they were submitted (record order). At most window photos are in
// flight, each worker holds one photo's bytes (at most MaxBytes): memory is
// bounded by workers × MaxBytes whatever the package's size.
type photoPass struct {
	ctx     context.Context
	cancel  context.CancelFunc
	rules   *PhotoRules
	jobs    chan *photoJob
	pending []*photoJob
	window  int
	wg      sync.WaitGroup
	report  func(*photoJob) error
	err     error
}

func newPhotoPass(ctx context.Context, rules *PhotoRules, report func(*photoJob) error) *photoPass {
	workers := rules.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	p := &photoPass{rules: rules, report: report, window: 4 * workers, jobs: make(chan *photoJob, 4*workers)}
	p.ctx, p.cancel = context.WithCancel(ctx)
	for range workers {
		p.wg.Go(p.work)
	}
	return p
}

func (p *photoPass) work() {
	var buf bytes.Buffer
	for j := range p.jobs {
		if p.ctx.Err() == nil && j.f != nil {
			j.res, j.err = checkEntry(j.f, p.rules, &buf)
		}
		close(j.done)
	}
}

// checkEntry reads and checks one zip entry; a declared size over the bound
// refuses without reading.
func checkEntry(f *zip.File, rules *PhotoRules, buf *bytes.Buffer) (PhotoResult, error) {
	max := rules.maxBytes()
	if f.UncompressedSize64 > uint64(max) {
		return PhotoResult{Info: PhotoInfo{Bytes: int(min(f.UncompressedSize64, 1<<62))},
			Problems: []error{gotWant(ErrPhotoSize, fmt.Sprintf("%d bytes", f.UncompressedSize64), fmt.Sprintf("≤%d bytes", max))}}, nil
	}
	rc, err := f.Open()
	if err != nil {
		return PhotoResult{}, err
	}
	defer rc.Close()
	buf.Reset()
	buf.Grow(int(f.UncompressedSize64) + bytes.MinRead) // reused: grows to the largest photo once
	if _, err := buf.ReadFrom(io.LimitReader(rc, max+1)); err != nil {
		return PhotoResult{}, err
	}
	return checkPhotoBytes(buf.Bytes(), rules), nil
}

// submit queues a job, first reporting the oldest one when the window is
// full. An error is the report's (OnError's) or the context's.
func (p *photoPass) submit(j *photoJob) error {
	if p.err != nil {
		return p.err
	}
	if err := p.ctx.Err(); err != nil {
		return err
	}
	if len(p.pending) >= p.window {
		if err := p.flushOne(); err != nil {
			return err
		}
	}
	j.done = make(chan struct{})
	p.pending = append(p.pending, j)
	p.jobs <- j
	return nil
}

func (p *photoPass) flushOne() error {
	j := p.pending[0]
	p.pending = p.pending[1:]
	<-j.done
	if p.err == nil {
		if err := p.ctx.Err(); err != nil {
			p.err = err
		} else if err := p.report(j); err != nil {
			p.err = err
		}
		if p.err != nil {
			p.cancel()
		}
	}
	return p.err
}

// close reports what is still pending, in order, and stops the workers.
func (p *photoPass) close() error {
	close(p.jobs)
	for len(p.pending) > 0 {
		p.flushOne() //nolint:errcheck // p.err keeps the first error
	}
	p.wg.Wait()
	p.cancel()
	return p.err
}

// checkPhotos is the photo pass of CheckPackage, run only on accepted data:
// a second read of the verified data file gives each record's registry
// number in order, each record's photo is checked on the pass's workers, and
// the findings are reported in record order; then the photos no record names
// are warned about. The strict reader admits each photo name once and the
// validator each registry number once, so each distinct photo is decoded at
// most once.
func (v Validator) checkPhotos(ctx context.Context, pr *PackageReport, pkg *Package, rules PhotoRules) error {
	rc, err := pkg.OpenData()
	if err != nil {
		return err
	}
	defer rc.Close()
	used := make(map[string]bool, pr.Records)
	pass := newPhotoPass(ctx, &rules, func(j *photoJob) error { return v.reportPhoto(pr, j, &rules) })
	_, err = readTyped(ctx, rc, PackageData, CardData, func(_ Header, f []string) (string, string, error) {
		return f[3], "", nil
	}, func(rec Record, regNo string) error {
		used[regNo] = true
		return pass.submit(&photoJob{line: rec.Line, regNo: regNo, f: pkg.photos[regNo]})
	})
	if cerr := pass.close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	for _, f := range pkg.photoEntries() {
		if regNo, _ := photoName(f.Name); !used[regNo] {
			e := &RecordError{File: f.Name, Field: "photo", Reason: ReasonPhotoMissing, Err: detail(ErrPhotoMissing, "photo without a record")}
			if err := pr.warn(e, &rules); err != nil {
				return err
			}
		}
	}
	return nil
}

// reportPhoto reports one record's photo: each refusal through v.report,
// each warning to the report and OnWarning.
func (v Validator) reportPhoto(pr *PackageReport, j *photoJob, rules *PhotoRules) error {
	pr.Photos++
	at := func(err error) *RecordError {
		return &RecordError{File: PackageData, Line: j.line, Field: "photo", RawRegistryNo: j.regNo, Reason: reasonOf(err), Err: err}
	}
	problems := j.res.Problems
	switch {
	case j.f == nil:
		problems = []error{ErrPhotoMissing}
	case j.err != nil:
		problems = []error{photoDetail(ErrPhotoFormat, "%v", j.err)}
	}
	if len(problems) > 0 {
		pr.Failed++
	}
	for _, p := range problems {
		if err := v.report(pr.Report, at(p)); err != nil {
			return err
		}
	}
	for _, w := range j.res.Warnings {
		if err := pr.warn(at(w), rules); err != nil {
			return err
		}
	}
	return nil
}

func (pr *PackageReport) warn(e *RecordError, rules *PhotoRules) error {
	pr.Warnings = append(pr.Warnings, e)
	if rules.OnWarning != nil {
		return rules.OnWarning(e)
	}
	return nil
}
