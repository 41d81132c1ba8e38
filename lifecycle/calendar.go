package lifecycle

import (
	"bufio"
	_ "embed" // the official holiday data ships inside the binary
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/l10n"
)

// holidayData is the State Council's holiday arrangement for the years the
// SDK ships; see the file's header for its format and sources.
//
//go:embed holidays.txt
var holidayData string

// Beijing returns the time zone deadlines are counted in (UTC+8, no daylight
// saving), built without the tz database so it works everywhere.
func Beijing() *time.Location { return time.FixedZone("CST", 8*3600) }

// Date is a civil date in Beijing, the unit working days are counted in.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the Beijing date of an instant.
func DateOf(t time.Time) Date {
	y, m, d := t.In(Beijing()).Date()
	return Date{y, m, d}
}

// Start returns midnight at the start of the date, Beijing time.
func (d Date) Start() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, Beijing()) }

// AddDays returns the date n calendar days later (earlier for negative n).
func (d Date) AddDays(n int) Date { return DateOf(d.Start().AddDate(0, 0, n)) }

// String formats the date as YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// Calendar knows which days are working days: Monday to Friday, minus public
// holidays, plus make-up working days on weekends (调休), for the years its
// data declares. It is immutable and safe for concurrent use.
type Calendar struct {
	first, last int
	off, work   map[Date]string
}

// DefaultCalendar returns the calendar of the embedded official data (2024,
// 2025 and 2026; see holidays.txt for the notices cited).
func DefaultCalendar() (*Calendar, error) { return ParseCalendar(strings.NewReader(holidayData)) }

// CalendarError says which line of calendar data is wrong and why.
type CalendarError struct {
	Line int
	// Problem is an English text (a catalog key) saying what is wrong.
	Problem string
	// Text is the offending line.
	Text string
}

// Error returns the English text; Localize gives the Chinese.
func (e *CalendarError) Error() string {
	return e.Localize(l10n.English) + ": " + strconv.Quote(e.Text)
}

// Localize renders the error in tag's language.
func (e *CalendarError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "calendar line %s: %s", num(int64(e.Line)), messages.Sprintf(tag, e.Problem))
}

// Unwrap makes errors.Is(err, ErrCalendar) hold.
func (e *CalendarError) Unwrap() error { return ErrCalendar }

// Problems a CalendarError reports (catalog keys).
const (
	calUnknownKeyword = "unknown keyword (want year, off or work)"
	calBadYear        = "bad year (want 4 digits, 1949-2200)"
	calDupYear        = "year declared twice"
	calBadDate        = "bad date (want YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD)"
	calUndeclared     = "date in a year not declared by a year line"
	calNoName         = "missing holiday name"
	calWorkNotWeekend = "make-up working day is not a Saturday or Sunday"
	calTwice          = "date listed twice"
	calRange          = "range ends before it starts or spans more than 31 days"
	calNoYears        = "no year declared"
	calTooLong        = "line too long"
)

// ParseCalendar reads calendar data in the format documented in
// holidays.txt. It reports the first bad line as a *CalendarError.
func ParseCalendar(r io.Reader) (*Calendar, error) {
	c := &Calendar{off: map[Date]string{}, work: map[Date]string{}}
	years := map[int]bool{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), 4096)
	type pending struct {
		text     string
		n        int
		keyword  string
		from, to Date
		name     string
	}
	var items []pending
	n := 0
	for sc.Scan() {
		n++
		text := sc.Text()
		line := text
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		bad := func(problem string) error { return &CalendarError{Line: n, Problem: problem, Text: text} }
		switch fields[0] {
		case "year":
			if len(fields) < 2 {
				return nil, bad(calBadYear)
			}
			y, err := strconv.Atoi(fields[1])
			if err != nil || len(fields[1]) != 4 || y < 1949 || y > 2200 {
				return nil, bad(calBadYear)
			}
			if years[y] {
				return nil, bad(calDupYear)
			}
			years[y] = true
		case "off", "work":
			if len(fields) < 2 {
				return nil, bad(calBadDate)
			}
			if len(fields) < 3 {
				return nil, bad(calNoName)
			}
			from, to, ok := parseDateRange(fields[1])
			if !ok {
				return nil, bad(calBadDate)
			}
			if to.Start().Before(from.Start()) || to.Start().Sub(from.Start()) > 31*24*time.Hour {
				return nil, bad(calRange)
			}
			items = append(items, pending{text: text, n: n, keyword: fields[0], from: from, to: to, name: strings.Join(fields[2:], " ")})
		default:
			return nil, bad(calUnknownKeyword)
		}
	}
	if err := sc.Err(); err != nil {
		if err == bufio.ErrTooLong {
			return nil, &CalendarError{Line: n + 1, Problem: calTooLong}
		}
		return nil, err
	}
	if len(years) == 0 {
		return nil, &CalendarError{Line: n, Problem: calNoYears}
	}
	c.first, c.last = 9999, 0
	for y := range years {
		c.first, c.last = min(c.first, y), max(c.last, y)
	}
	for y := c.first; y <= c.last; y++ {
		if !years[y] {
			// A gap would make the years in between silently weekday-only.
			return nil, &CalendarError{Line: n, Problem: calUndeclared, Text: strconv.Itoa(y)}
		}
	}
	for _, it := range items {
		bad := func(problem string) error { return &CalendarError{Line: it.n, Problem: problem, Text: it.text} }
		for d := it.from; !it.to.Start().Before(d.Start()); d = d.AddDays(1) {
			if !years[d.Year] {
				return nil, bad(calUndeclared)
			}
			if _, dup := c.off[d]; dup {
				return nil, bad(calTwice)
			}
			if _, dup := c.work[d]; dup {
				return nil, bad(calTwice)
			}
			if it.keyword == "off" {
				c.off[d] = it.name
				continue
			}
			if wd := d.Start().Weekday(); wd != time.Saturday && wd != time.Sunday {
				return nil, bad(calWorkNotWeekend)
			}
			c.work[d] = it.name
		}
	}
	return c, nil
}

func parseDateRange(s string) (from, to Date, ok bool) {
	a, b, isRange := strings.Cut(s, "..")
	from, ok = parseDate(a)
	if !ok {
		return Date{}, Date{}, false
	}
	if !isRange {
		return from, from, true
	}
	to, ok = parseDate(b)
	return from, to, ok
}

func parseDate(s string) (Date, bool) {
	if len(s) != 10 {
		return Date{}, false
	}
	t, err := time.ParseInLocation("2006-01-02", s, Beijing())
	if err != nil {
		return Date{}, false
	}
	return DateOf(t), true
}

// Years returns the first and last year the calendar has data for.
func (c *Calendar) Years() (first, last int) { return c.first, c.last }

// Holiday returns the name of the holiday or make-up day on d, if any.
func (c *Calendar) Holiday(d Date) (string, bool) {
	if name, ok := c.off[d]; ok {
		return name, true
	}
	name, ok := c.work[d]
	return name, ok
}

// IsWorkingDay reports whether d is a working day. Dates outside the years
// the calendar covers fail with ErrOutsideCalendar: a guess would be wrong
// around the next Spring Festival.
func (c *Calendar) IsWorkingDay(d Date) (bool, error) {
	if d.Year < c.first || d.Year > c.last {
		return false, &OutsideCalendarError{Date: d, First: c.first, Last: c.last}
	}
	if _, ok := c.work[d]; ok {
		return true, nil
	}
	if _, ok := c.off[d]; ok {
		return false, nil
	}
	wd := d.Start().Weekday()
	return wd != time.Saturday && wd != time.Sunday, nil
}

// AddWorkingDays returns the deadline n working days after the instant t:
// the midnight (Beijing) ending the n-th working day after t's date. The day
// of t itself does not count, as in "within 10 working days of receiving".
// n = 0 returns the end of t's own date.
func (c *Calendar) AddWorkingDays(t time.Time, n int) (time.Time, error) {
	d := DateOf(t)
	for counted := 0; counted < n; {
		d = d.AddDays(1)
		ok, err := c.IsWorkingDay(d)
		if err != nil {
			return time.Time{}, err
		}
		if ok {
			counted++
		}
	}
	return d.AddDays(1).Start(), nil
}

// WorkingDaysBetween counts the working days after a's date up to and
// including b's date (0 if b is not after a).
func (c *Calendar) WorkingDaysBetween(a, b time.Time) (int, error) {
	n := 0
	end := DateOf(b)
	for d := DateOf(a).AddDays(1); !end.Start().Before(d.Start()); d = d.AddDays(1) {
		ok, err := c.IsWorkingDay(d)
		if err != nil {
			return 0, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

// OutsideCalendarError says a date fell outside the calendar's years.
type OutsideCalendarError struct {
	Date        Date
	First, Last int
}

// Error returns the English text; Localize gives the Chinese.
func (e *OutsideCalendarError) Error() string { return e.Localize(l10n.English) }

// Localize renders the error in tag's language.
func (e *OutsideCalendarError) Localize(tag language.Tag) string {
	// Years as plain digits: the localized %d would print "2,024".
	return messages.Sprintf(tag, "date %s is outside the calendar (%s-%s)", e.Date, strconv.Itoa(e.First), strconv.Itoa(e.Last))
}

// Unwrap makes errors.Is(err, ErrOutsideCalendar) hold.
func (e *OutsideCalendarError) Unwrap() error { return ErrOutsideCalendar }

// Covers reports whether the calendar has official data for d's year.
func (c *Calendar) Covers(d Date) bool { return d.Year >= c.first && d.Year <= c.last }

// isWorkingDayOrWeekday is IsWorkingDay that goes on past the covered years
// counting Monday to Friday only; provisional is true when it had to.
func (c *Calendar) isWorkingDayOrWeekday(d Date) (working, provisional bool) {
	if !c.Covers(d) {
		wd := d.Start().Weekday()
		return wd != time.Saturday && wd != time.Sunday, true
	}
	ok, _ := c.IsWorkingDay(d)
	return ok, false
}

// AddWorkingDaysProvisional is [Calendar.AddWorkingDays] that never stops:
// days past the years the calendar covers count as working days Monday to
// Friday (weekends only), and provisional says so. A deadline computed this
// way is flagged ([Deadline.Provisional]) and recomputed once the State
// Council's notice for that year is loaded ([Ledger.RecomputeProvisional]).
func (c *Calendar) AddWorkingDaysProvisional(t time.Time, n int) (due time.Time, provisional bool) {
	d := DateOf(t)
	for counted := 0; counted < n; {
		d = d.AddDays(1)
		ok, guess := c.isWorkingDayOrWeekday(d)
		provisional = provisional || guess
		if ok {
			counted++
		}
	}
	return d.AddDays(1).Start(), provisional
}
