package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// progressInterval is how often the bar is redrawn.
const progressInterval = 200 * time.Millisecond

// progress draws a one-line progress bar with rate and ETA on stderr while
// long batch work reads its inputs. It counts bytes read through Reader;
// the total is the inputs' size (unknown for pipes: then no ETA).
type progress struct {
	w     io.Writer
	e     *env
	label string
	total int64
	start time.Time
	done  atomic.Int64
	width int // length of the last line drawn, to blank what a shorter one leaves
	stop  chan struct{}
	wg    sync.WaitGroup
}

// startProgress starts a bar if the operator wants one: stderr is a terminal,
// or --progress was given; never with --quiet. It returns nil otherwise,
// and every method of a nil *progress does nothing.
func (e *env) startProgress(label string, total int64) *progress {
	if e.g.quiet || !(e.g.progress || isTerminal(e.stderr)) {
		return nil
	}
	p := &progress{w: e.stderr, e: e, label: label, total: total, start: time.Now(), stop: make(chan struct{})}
	p.wg.Add(1)
	go p.loop()
	return p
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func (p *progress) loop() {
	defer p.wg.Done()
	tick := time.NewTicker(progressInterval)
	defer tick.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-tick.C:
			p.draw(false)
		}
	}
}

// Reader counts the bytes read from r.
func (p *progress) Reader(r io.Reader) io.Reader {
	if p == nil {
		return r
	}
	return &countingReader{r: r, n: &p.done}
}

// Finish draws the final state, ends the line and stops the redraw goroutine
// (it waits for it: no goroutine outlives the command).
func (p *progress) Finish() {
	if p == nil {
		return
	}
	close(p.stop)
	p.wg.Wait()
	p.draw(true)
	fmt.Fprintln(p.w)
}

func (p *progress) draw(final bool) {
	done := p.done.Load()
	elapsed := time.Since(p.start)
	rate := 0.0
	if s := elapsed.Seconds(); s > 0 {
		rate = float64(done) / s
	}
	line := fmt.Sprintf("\r%s %s %s/s", p.label, humanBytes(float64(done)), humanBytes(rate))
	if p.total > 0 {
		pct := float64(done) / float64(p.total)
		if pct > 1 {
			pct = 1
		}
		const width = 24
		filled := int(pct * width)
		bar := make([]byte, width)
		for i := range bar {
			bar[i] = '.'
			if i < filled {
				bar[i] = '#'
			}
		}
		when := p.e.t("ETA") + " --:--"
		switch {
		case final:
			when = p.e.t("elapsed") + " " + fmtDuration(elapsed)
		case rate > 0:
			when = p.e.t("ETA") + " " + fmtDuration(time.Duration(float64(p.total-done)/rate*float64(time.Second)))
		}
		line = fmt.Sprintf("\r%s [%s] %5.1f%% %s/s %s", p.label, bar, pct*100, humanBytes(rate), when)
	}
	if pad := p.width - len(line); pad > 0 {
		line += strings.Repeat(" ", pad)
	}
	p.width = len(line)
	fmt.Fprint(p.w, line)
}

func humanBytes(n float64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", n/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", n/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", n/(1<<10))
	default:
		return fmt.Sprintf("%.0f B", n)
	}
}

func fmtDuration(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	return fmt.Sprintf("%02d:%02d", s/60, s%60)
}

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n.Add(int64(n))
	return n, err
}
