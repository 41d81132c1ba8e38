package lists_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/batch/lists"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/studentid"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// sender is the envelope header of a file sent by level/code.
func sender(level studentid.Level, code string) batch.Header {
	return batch.Header{Level: level, Code: code, Batch: "20261123-01", Created: time.Date(2026, 11, 23, 18, 0, 0, 0, beijing)}
}

// writeEvents writes an event file and returns its bytes.
func writeEvents(t *testing.T, h batch.Header, events []lists.Event, o ...batch.WriterOption) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := lists.NewEventWriter(&buf, "events.txt", h, o...)
	require.NoError(t, err)
	for _, e := range events {
		require.NoError(t, w.Write(e))
	}
	require.NoError(t, w.Close())
	return buf.Bytes()
}

// readEvents reads a whole event file.
func readEvents(data []byte) ([]lists.Event, error) {
	r, err := lists.NewEventReader(batch.NewReader(bytes.NewReader(data), "events.txt"), "events.txt")
	if err != nil {
		return nil, err
	}
	var out []lists.Event
	for {
		e, err := r.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, e)
	}
}

func sameEvents(t *testing.T, want, got []lists.Event) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		assert.Zero(t, want[i].Compare(got[i]), "event %d: %+v vs %+v", i, want[i], got[i])
	}
}

// schoolDay is one school's day: the four daily operations of R-DAILY-1.
func schoolDay(t *testing.T, school string) []lists.Event {
	id, err := studentid.Parse(school + "026010" + "15")
	require.NoError(t, err)
	mk := func(s uint64, k lists.Kind, minute int, op string) lists.Event {
		return lists.Event{Serial: serial(s), RegistryNo: id, Kind: k, Time: at(minute).Add(123 * time.Millisecond), School: testSchool(school), Operator: op}
	}
	return []lists.Event{
		mk(0x8600000000000001, lists.KindLoss, 5, "王老师"),
		mk(0x8600000000000002, lists.KindFreeze, 6, "李老师,教务处"),
		mk(0x8600000000000001, lists.KindUnloss, 90, `张"主任"`),
		mk(0x8600000000000003, lists.KindFreeze, 100, "王老师"),
		mk(0x8600000000000003, lists.KindUnfreeze, 120, "王老师"),
	}
}

func TestEventFileRoundTrip(t *testing.T) {
	events := schoolDay(t, "01010001")
	for _, tc := range []struct {
		name string
		enc  batch.Encoding
		opts []batch.WriterOption
	}{
		{"R-DAILY-1/GB18030 CRLF (default)", "", nil},
		{"R-DAILY-1/UTF-8 LF", batch.UTF8, []batch.WriterOption{batch.WithLF()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := sender(studentid.LevelSchool, "01010001")
			h.Encoding = tc.enc
			data := writeEvents(t, h, events, tc.opts...)
			got, err := readEvents(data)
			require.NoError(t, err)
			sameEvents(t, events, got)
			if tc.enc == "" {
				assert.False(t, bytes.Contains(data, []byte("王老师")), "GB18030, not UTF-8")
				assert.Contains(t, string(data), "\r\n")
			}
		})
	}
}

// TestEventFileGolden pins the worked example in testdata (go test -update
// rewrites it).
func TestEventFileGolden(t *testing.T) {
	path := filepath.Join("testdata", lists.EventFileName("01010001", at(0)))
	assert.Equal(t, "LISTEVENT_01010001_20261123.txt", filepath.Base(path))
	h := sender(studentid.LevelSchool, "01010001")
	h.Encoding = batch.UTF8 // readable in the repository
	data := writeEvents(t, h, schoolDay(t, "01010001"), batch.WithLF())
	if *update {
		require.NoError(t, os.WriteFile(path, data, 0o644))
	}
	golden, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(golden), string(data))
	got, err := readEvents(golden)
	require.NoError(t, err)
	sameEvents(t, schoolDay(t, "01010001"), got)
}

// TestSchoolDistrictCity runs R-LIST-1 end to end: school files merged into
// district files, district files into the city file, the city state folded
// and built into the signed reader list.
func TestSchoolDistrictCity(t *testing.T) {
	ctx := context.Background()
	key := testKey(1)
	mergeFiles := func(level studentid.Level, code string, files ...[]byte) ([]byte, lists.MergeReport) {
		srcs := make([]lists.EventSource, len(files))
		for i, f := range files {
			r, err := lists.NewEventReader(batch.NewReader(bytes.NewReader(f), "in"), "in")
			require.NoError(t, err)
			srcs[i] = r
		}
		var buf bytes.Buffer
		w, err := lists.NewEventWriter(&buf, "out", sender(level, code))
		require.NoError(t, err)
		rep, err := lists.Merge(ctx, w, srcs...)
		require.NoError(t, err)
		require.NoError(t, w.Close())
		return buf.Bytes(), rep
	}
	s1, s2, s3 := schoolDay(t, "01010001"), schoolDay(t, "01010002"), schoolDay(t, "01020001")
	// School 01010002 reports card 4 lost; the other district's school finds
	// it later that day (the student moved), and freezes card 2 again later.
	id2, err := studentid.Parse("0101000202601015")
	require.NoError(t, err)
	lost4 := lists.Event{Serial: serial(4), RegistryNo: id2, Kind: lists.KindLoss, Time: at(30), School: testSchool("01010002"), Operator: "赵老师"}
	for i := range s2 {
		s2[i].Serial[7] |= 0x10 // other cards than school 1's
	}
	s2 = append(s2, lost4)
	lists.SortEvents(s2)
	for i := range s3 {
		s3[i].Serial[7] |= 0x20
	}
	found4, also4 := s3[0], s3[0]
	found4.Serial, found4.Kind, found4.Time = serial(4), lists.KindUnloss, at(200)
	also4.Serial, also4.Kind, also4.Time = serial(4), lists.KindLoss, at(30) // the same loss, reported twice
	s3 = append(s3, found4, also4)
	lists.SortEvents(s3)
	f1 := writeEvents(t, sender(studentid.LevelSchool, "01010001"), s1)
	f2 := writeEvents(t, sender(studentid.LevelSchool, "01010002"), s2)
	f3 := writeEvents(t, sender(studentid.LevelSchool, "01020001"), s3)

	d1, rep := mergeFiles(studentid.LevelDistrict, "0101", f1, f2)
	assert.Equal(t, len(s1)+len(s2), rep.Written)
	again, rep := mergeFiles(studentid.LevelDistrict, "0101", f1, f2, f1)
	assert.Equal(t, d1, again, "R-LIST-1: a school file uploaded twice changes nothing")
	assert.Equal(t, len(s1), rep.Duplicates)
	d2, _ := mergeFiles(studentid.LevelDistrict, "0102", f3)
	city, rep := mergeFiles(studentid.LevelCity, "01", d2, d1)
	require.Len(t, rep.Conflicts, 1, "R-LIST-1: card 4's loss reported by two schools")
	assert.Equal(t, serial(4), rep.Conflicts[0].A.Serial)
	events, err := readEvents(city)
	require.NoError(t, err)
	cr, err := lists.NewEventReader(batch.NewReader(bytes.NewReader(city), "city"), "city")
	require.NoError(t, err)
	assert.Equal(t, studentid.LevelCity, cr.Header().Level)
	assert.Equal(t, "01", cr.Header().Code)
	assert.Len(t, events, len(s1)+len(s2)+len(s3))

	state := lists.NewState()
	r, err := lists.NewEventReader(batch.NewReader(bytes.NewReader(city), "city"), "city")
	require.NoError(t, err)
	_, err = state.Fold(ctx, r)
	require.NoError(t, err)
	l, err := lists.Build(state.Entries(), opts(1, key))
	require.NoError(t, err)
	reader, err := lists.Open(l.Bytes(), pubOf(key), lists.Current{})
	require.NoError(t, err)
	for _, tc := range []struct {
		serial uint64
		want   lists.Status
	}{
		{0x8600000000000001, 0},                  // lost, then unlost
		{0x8600000000000002, lists.StatusFrozen}, // frozen at school 1
		{0x8600000000000022, lists.StatusFrozen}, // and at school 3
		{0x8600000000000003, 0},                  // frozen, then unfrozen
		{0x8600000000000012, lists.StatusFrozen}, // school 2's
		{4, 0},                                   // lost at one school, found at another later
	} {
		st, ok := reader.Lookup(serial(tc.serial))
		assert.Equal(t, tc.want != 0, ok, "%016X", tc.serial)
		assert.Equal(t, tc.want, st, "%016X", tc.serial)
	}
	assert.Equal(t, 3, reader.Len())
}

func TestEventWriterRefuses(t *testing.T) {
	good := event(t, 1, lists.KindLoss, at(10))
	for _, tc := range []struct {
		name  string
		mut   func(*lists.Event)
		field string
		want  error
	}{
		{"R-DAILY-1/unknown kind", func(e *lists.Event) { e.Kind = 0 }, "kind", lists.ErrBadKind},
		{"zero time", func(e *lists.Event) { e.Time = time.Time{} }, "time", lists.ErrBadTime},
		{"no registry number", func(e *lists.Event) { e.RegistryNo = studentid.ID{} }, "registry", lists.ErrEmpty},
		{"school code of 6 digits", func(e *lists.Event) { e.School = studentid.School{} }, "school", lists.ErrBadSchool},
		{"R-LIST-1/another school's event", func(e *lists.Event) { e.School = testSchool("01010002") }, "school", lists.ErrForeignSchool},
		{"no operator", func(e *lists.Event) { e.Operator = "" }, "operator", lists.ErrEmpty},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, err := lists.NewEventWriter(io.Discard, "e.txt", sender(studentid.LevelSchool, "01010001"))
			require.NoError(t, err)
			e := good
			tc.mut(&e)
			err = w.Write(e)
			assert.ErrorIs(t, err, tc.want)
			var pe *batch.ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, 3, pe.Line)
			assert.Equal(t, tc.field, pe.Field)
			var fe *lists.FieldError
			assert.False(t, errors.As(err, &fe), "the field is named once, by the ParseError")
		})
	}
	t.Run("R-LIST-1/out of order", func(t *testing.T) {
		w, err := lists.NewEventWriter(io.Discard, "e.txt", sender(studentid.LevelSchool, "01010001"))
		require.NoError(t, err)
		require.NoError(t, w.Write(good))
		require.NoError(t, w.Write(good), "an equal event is not out of order")
		err = w.Write(event(t, 1, lists.KindLoss, at(9)))
		assert.ErrorIs(t, err, lists.ErrOutOfOrder)
		assert.Equal(t, "e.txt 第5行：事件未按顺序排列", l10n.Error(err, l10n.Chinese))
	})
	t.Run("bad envelope header", func(t *testing.T) {
		_, err := lists.NewEventWriter(io.Discard, "e.txt", batch.Header{})
		assert.Error(t, err)
	})
}

// rawFile writes an envelope file of any kind and columns with raw records.
func rawFile(t *testing.T, kind string, version int, columns []string, records ...[]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	h := sender(studentid.LevelSchool, "01010001")
	h.Kind, h.Version, h.Columns, h.Encoding = kind, version, columns, batch.UTF8
	w, err := batch.NewWriter(&buf, "raw", h, batch.WithLF())
	require.NoError(t, err)
	for _, r := range records {
		require.NoError(t, w.WriteRecord(r))
	}
	require.NoError(t, w.Close())
	return buf.Bytes()
}

func TestEventReaderRefuses(t *testing.T) {
	cols := []string{"serial", "registry", "kind", "time", "school", "operator"}
	rec := func(serial, registry, kind, when, school string) []string {
		return []string{serial, registry, kind, when, school, "王老师"}
	}
	ok := rec("8600000000000001", "0101000102601015", "loss", "2026-11-23T08:05:00+08:00", "01010001")
	for _, tc := range []struct {
		name  string
		data  []byte
		line  int
		field string
		want  error
	}{
		{"wrong kind", rawFile(t, "RESULT", 1, cols, ok), 1, "kind", batch.ErrKind},
		{"wrong version", rawFile(t, lists.EventFileKind, 2, cols, ok), 1, "version", batch.ErrVersion},
		{"wrong columns", rawFile(t, lists.EventFileKind, 1, cols[:5], ok[:5]), 2, "columns", batch.ErrColumns},
		{"bad serial", rawFile(t, lists.EventFileKind, 1, cols, rec("86000000000000G1", "0101000102601015", "loss", "2026-11-23T08:05:00+08:00", "01010001")), 3, "serial", lists.ErrBadSerial},
		{"bad registry number", rawFile(t, lists.EventFileKind, 1, cols, rec("8600000000000001", "0101000102601", "loss", "2026-11-23T08:05:00+08:00", "01010001")), 3, "registry", lists.ErrBadRegistry},
		{"R-DAILY-1/cancel is not a list event", rawFile(t, lists.EventFileKind, 1, cols, rec("8600000000000001", "0101000102601015", "cancel", "2026-11-23T08:05:00+08:00", "01010001")), 3, "kind", lists.ErrBadKind},
		{"bad time", rawFile(t, lists.EventFileKind, 1, cols, rec("8600000000000001", "0101000102601015", "loss", "2026-11-23 08:05", "01010001")), 3, "time", lists.ErrBadTime},
		{"year 1999", rawFile(t, lists.EventFileKind, 1, cols, rec("8600000000000001", "0101000102601015", "loss", "1999-11-23T08:05:00+08:00", "01010001")), 3, "time", lists.ErrBadTime},
		{"R-LIST-1/another school's event", rawFile(t, lists.EventFileKind, 1, cols, rec("8600000000000001", "0101000202601015", "loss", "2026-11-23T08:05:00+08:00", "01010002")), 3, "school", lists.ErrForeignSchool},
		{"R-LIST-1/re-ordered records", rawFile(t, lists.EventFileKind, 1, cols, ok, rec("8600000000000001", "0101000102601015", "loss", "2026-11-23T08:04:00+08:00", "01010001")), 4, "", lists.ErrOutOfOrder},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readEvents(tc.data)
			assert.ErrorIs(t, err, tc.want)
			var pe *batch.ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.line, pe.Line)
			assert.Equal(t, tc.field, pe.Field)
			assert.NotEqual(t, err.Error(), l10n.Error(err, l10n.Chinese))
		})
	}
	t.Run("registry error keeps studentid's cause", func(t *testing.T) {
		_, err := readEvents(rawFile(t, lists.EventFileKind, 1, cols, rec("8600000000000001", "0101000102601", "loss", "2026-11-23T08:05:00+08:00", "01010001")))
		var se *studentid.Error
		assert.ErrorAs(t, err, &se)
		assert.Contains(t, l10n.Error(err, l10n.Chinese), "学籍号错误")
	})
	t.Run("R-LIST-1/tampered and truncated files are refused before EOF", func(t *testing.T) {
		data := writeEvents(t, sender(studentid.LevelSchool, "01010001"), schoolDay(t, "01010001"))
		tampered := bytes.Replace(data, []byte("unloss"), []byte("unlos2"), 1)
		_, err := readEvents(tampered)
		assert.Error(t, err)
		tampered = bytes.Replace(data, []byte("T08:05"), []byte("T08:04"), 1)
		_, err = readEvents(tampered)
		assert.ErrorIs(t, err, batch.ErrDigest)
		cut := data[:bytes.LastIndex(data, []byte("#END"))]
		_, err = readEvents(cut)
		assert.ErrorIs(t, err, batch.ErrTruncated)
	})
	t.Run("R-LIST-1/a merge whose input turns out damaged leaves no valid output", func(t *testing.T) {
		data := writeEvents(t, sender(studentid.LevelSchool, "01010001"), schoolDay(t, "01010001"))
		tampered := bytes.Replace(data, []byte("T08:05"), []byte("T08:04"), 1)
		r, err := lists.NewEventReader(batch.NewReader(bytes.NewReader(tampered), "s.txt"), "s.txt")
		require.NoError(t, err)
		var out bytes.Buffer
		w, err := lists.NewEventWriter(&out, "d.txt", sender(studentid.LevelDistrict, "0101"))
		require.NoError(t, err)
		_, err = lists.Merge(context.Background(), w, r)
		require.ErrorIs(t, err, batch.ErrDigest)
		// The caller does not Close w on error; what was written is refused.
		_, err = readEvents(out.Bytes())
		assert.ErrorIs(t, err, batch.ErrTruncated)
	})
}
