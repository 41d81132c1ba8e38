package lifecycle_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/lifecycle"
)

func bj(y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, lifecycle.Beijing())
}

func TestDefaultCalendarDays(t *testing.T) {
	cal, err := lifecycle.DefaultCalendar()
	require.NoError(t, err)
	first, last := cal.Years()
	assert.Equal(t, [2]int{2024, 2026}, [2]int{first, last})
	for _, tc := range []struct {
		name    string
		d       lifecycle.Date
		working bool
	}{
		{"2024 Spring Festival make-up Sunday", lifecycle.Date{Year: 2024, Month: 2, Day: 18}, true},
		{"2024 Spring Festival holiday", lifecycle.Date{Year: 2024, Month: 2, Day: 16}, false},
		{"2024 New Year's Eve only encouraged off", lifecycle.Date{Year: 2024, Month: 2, Day: 9}, true},
		{"2025 National Day and Mid-Autumn 8th day", lifecycle.Date{Year: 2025, Month: 10, Day: 8}, false},
		{"2025 make-up Saturday", lifecycle.Date{Year: 2025, Month: 10, Day: 11}, true},
		{"2026 New Year make-up Sunday", lifecycle.Date{Year: 2026, Month: 1, Day: 4}, true},
		{"2026 Spring Festival Monday", lifecycle.Date{Year: 2026, Month: 2, Day: 23}, false},
		{"2026 ordinary Saturday", lifecycle.Date{Year: 2026, Month: 3, Day: 7}, false},
		{"2026 ordinary Tuesday", lifecycle.Date{Year: 2026, Month: 3, Day: 10}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := cal.IsWorkingDay(tc.d)
			require.NoError(t, err)
			assert.Equal(t, tc.working, got)
		})
	}
	_, err = cal.IsWorkingDay(lifecycle.Date{Year: 2027, Month: 1, Day: 4})
	assert.ErrorIs(t, err, lifecycle.ErrOutsideCalendar)
	var oe *lifecycle.OutsideCalendarError
	require.ErrorAs(t, err, &oe)
	assert.Contains(t, oe.Localize(l10n.Chinese), "超出工作日历范围")
}

func TestAddWorkingDays(t *testing.T) {
	cal, err := lifecycle.DefaultCalendar()
	require.NoError(t, err)
	for _, tc := range []struct {
		name  string
		from  time.Time
		n     int
		want  time.Time
		wantN int
	}{
		// Sep 29, 30; Oct 1-7 off; Oct 8, 9, Sat 10 (make-up), 12-16.
		{"R-TIME-1/ten working days across National Day 2026", bj(2026, 9, 28, 15), 10, bj(2026, 10, 17, 0), 10},
		// Fri 13 Feb 2026: Sat 14 is a make-up working day.
		{"R-TIME-1/make-up Saturday counts", bj(2026, 2, 13, 9), 1, bj(2026, 2, 15, 0), 1},
		// Fri 3 Apr 2026: 4-6 Qingming; Tue 7, Wed 8.
		{"R-LOSS-1/two working days over Qingming", bj(2026, 4, 3, 10), 2, bj(2026, 4, 9, 0), 2},
		{"zero is the end of the same day", bj(2026, 3, 3, 10), 0, bj(2026, 3, 4, 0), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := cal.AddWorkingDays(tc.from, tc.n)
			require.NoError(t, err)
			assert.True(t, tc.want.Equal(got), "got %v want %v", got, tc.want)
			n, err := cal.WorkingDaysBetween(tc.from, got.Add(-time.Second))
			require.NoError(t, err)
			assert.Equal(t, tc.wantN, n)
		})
	}
	_, err = cal.AddWorkingDays(bj(2026, 12, 20, 0), 20)
	assert.ErrorIs(t, err, lifecycle.ErrOutsideCalendar, "no guessing past the data")
}

func TestParseCalendarErrors(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		line       int
	}{
		{"unknown keyword", "year 2026 x\nholiday 2026-01-01 x\n", 2},
		{"bad year", "year 26 x\n", 1},
		{"year twice", "year 2026 x\nyear 2026 y\n", 2},
		{"bad date", "year 2026 x\noff 2026-13-01 x\n", 2},
		{"no name", "year 2026 x\noff 2026-01-01\n", 2},
		{"undeclared year", "year 2026 x\noff 2025-01-01 x\n", 2},
		{"make-up day on a weekday", "year 2026 x\nwork 2026-01-05 x\n", 2},
		{"date twice", "year 2026 x\noff 2026-01-01 a\nwork 2026-01-03..2026-01-03 b\noff 2026-01-01 c\n", 4},
		{"backwards range", "year 2026 x\noff 2026-01-05..2026-01-01 x\n", 2},
		{"no years", "# nothing\n", 1},
		{"gap between years", "year 2024 a\nyear 2026 b\n", 2},
		{"line too long", "year 2026 " + strings.Repeat("x", 5000) + "\n", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := lifecycle.ParseCalendar(strings.NewReader(tc.data))
			require.ErrorIs(t, err, lifecycle.ErrCalendar)
			var ce *lifecycle.CalendarError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tc.line, ce.Line)
			assert.NotEqual(t, ce.Localize(l10n.Chinese), ce.Localize(l10n.English), "has a Chinese text")
		})
	}
}

func FuzzParseCalendar(f *testing.F) {
	f.Add("year 2026 x\noff 2026-01-01..2026-01-03 元旦\nwork 2026-01-04 元旦调休\n")
	f.Add("year 2024 a\nyear 2025 b\noff 2025-01-28..2025-02-04 春节 # c\n")
	f.Add("off 2026-02-30 x\n")
	f.Add("year 9999\n")
	f.Fuzz(func(t *testing.T, data string) {
		cal, err := lifecycle.ParseCalendar(strings.NewReader(data))
		if err != nil {
			if !errors.Is(err, lifecycle.ErrCalendar) {
				t.Fatalf("error %v does not wrap ErrCalendar", err)
			}
			return
		}
		first, last := cal.Years()
		if first > last {
			t.Fatalf("years %d > %d", first, last)
		}
		// Every day of the covered years answers without error.
		d := lifecycle.Date{Year: first, Month: 1, Day: 1}
		if _, err := cal.IsWorkingDay(d); err != nil {
			t.Fatal(err)
		}
	})
}

func ExampleCalendar_AddWorkingDays() {
	cal, err := lifecycle.DefaultCalendar()
	if err != nil {
		panic(err)
	}
	// A district receives ID cards on Monday 28 September 2026; it has 10
	// working days to pass them on (R-TIME-1), across the National Day week.
	received := time.Date(2026, 9, 28, 15, 0, 0, 0, lifecycle.Beijing())
	due, err := cal.AddWorkingDays(received, lifecycle.HandOnWorkingDays)
	if err != nil {
		panic(err)
	}
	fmt.Println(lifecycle.DateOf(due.Add(-time.Second)))
	name, _ := cal.Holiday(lifecycle.Date{Year: 2026, Month: 10, Day: 10})
	fmt.Println(name)
	// Output:
	// 2026-10-16
	// 国庆节调休
}

// FuzzAddWorkingDays checks the deadline arithmetic against its own counter
// for any instant in the covered years: n working days later is exactly n
// working days later, and the last of them is a working day.
func FuzzAddWorkingDays(f *testing.F) {
	cal, err := lifecycle.DefaultCalendar()
	require.NoError(f, err)
	f.Add(bj(2026, 9, 28, 15).Unix(), uint8(10))
	f.Add(bj(2025, 1, 27, 0).Unix(), uint8(2))
	f.Add(bj(2024, 12, 31, 23).Unix(), uint8(20))
	lo, hi := bj(2024, 1, 1, 0).Unix(), bj(2026, 11, 1, 0).Unix()
	f.Fuzz(func(t *testing.T, unix int64, n uint8) {
		// Fold any input into the covered years and a month of working days.
		span := hi - lo
		from := time.Unix(lo+((unix%span)+span)%span, 0)
		n %= 41
		due, err := cal.AddWorkingDays(from, int(n))
		require.NoError(t, err)
		got, err := cal.WorkingDaysBetween(from, due.Add(-time.Nanosecond))
		require.NoError(t, err)
		require.Equal(t, int(n), got)
		if n > 0 {
			ok, err := cal.IsWorkingDay(lifecycle.DateOf(due.Add(-time.Nanosecond)))
			require.NoError(t, err)
			require.True(t, ok, "a deadline ends on a working day")
		}
	})
}
