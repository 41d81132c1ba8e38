package lists_test

import (
	"bytes"
	"testing"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/batch/lists"
)

// fuzzSeeds are valid lists and deltas plus damaged variants.
func fuzzSeeds(f *testing.F) (v1 *lists.List, listSeeds, deltaSeeds [][]byte) {
	key := testKey(1)
	v1 = mustBuild(f, []lists.Entry{{serial(1), 1}, {serial(2), 2}, {serial(7), 3}}, opts(1, key))
	o := opts(2, key)
	o.Digest = batch.SM3
	v2 := mustBuild(f, []lists.Entry{{serial(2), 3}, {serial(5), 1}, {serial(7), 3}}, o)
	empty := mustBuild(f, nil, opts(3, key))
	d, err := lists.Diff(v1, v2, lists.DeltaOptions{Signer: key})
	if err != nil {
		f.Fatal(err)
	}
	listSeeds = [][]byte{v1.Bytes(), v2.Bytes(), empty.Bytes(), v1.Bytes()[:50], nil, []byte("BJSL")}
	deltaSeeds = [][]byte{d.Bytes(), d.Bytes()[:100], v1.Bytes()}
	return v1, listSeeds, deltaSeeds
}

// FuzzOpen: the compact list loader never panics, and whatever it accepts
// Build reproduces byte for byte.
func FuzzOpen(f *testing.F) {
	_, seeds, _ := fuzzSeeds(f)
	for _, s := range seeds {
		f.Add(s)
	}
	key := testKey(1)
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := lists.Open(data, pubOf(key), lists.Current{})
		if err != nil {
			return
		}
		h := l.Header()
		var entries []lists.Entry
		for e := range l.All() {
			entries = append(entries, e)
		}
		again, err := lists.Build(entries, lists.BuildOptions{Version: h.Version, Created: h.Created, Covers: h.Covers, Digest: h.Digest, Signer: key})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again.Bytes(), data) {
			t.Fatal("Build does not reproduce an accepted list")
		}
	})
}

// FuzzOpenSigned feeds the loader authentic (re-signed) bytes, so that the
// checks behind the signature (order, statuses) and Lookup see every input.
func FuzzOpenSigned(f *testing.F) {
	_, seeds, _ := fuzzSeeds(f)
	for _, s := range seeds {
		f.Add(s)
	}
	key := testKey(1)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < lists.HeaderSize+lists.DigestSize+lists.SignatureSize {
			return
		}
		data = reseal(data, key)
		l, err := lists.Open(data, pubOf(key), lists.Current{})
		if err != nil {
			return
		}
		for e := range l.All() {
			st, ok := l.Lookup(e.Serial)
			if !ok || st != e.Status {
				t.Fatalf("entry %v not found by Lookup", e.Serial)
			}
		}
	})
}

// FuzzOpenDelta: the delta reader and Apply never panic, on forged and on
// authentic (re-signed) bytes.
func FuzzOpenDelta(f *testing.F) {
	v1, _, seeds := fuzzSeeds(f)
	for _, s := range seeds {
		f.Add(s, false)
		f.Add(s, true)
	}
	key := testKey(1)
	f.Fuzz(func(t *testing.T, data []byte, resign bool) {
		if resign && len(data) >= lists.HeaderSize+2*(lists.DigestSize+lists.SignatureSize) {
			data = reseal(data, key)
		}
		d, err := lists.OpenDelta(data, pubOf(key), lists.Current{})
		if err != nil {
			return
		}
		if _, err := lists.ReadDelta(bytes.NewReader(data), pubOf(key), lists.Current{}); err != nil {
			t.Fatalf("OpenDelta accepts what ReadDelta refuses: %v", err)
		}
		if got, err := d.Apply(v1, pubOf(key)); err == nil && got.Version() != d.Version() {
			t.Fatal("Apply gave another version")
		}
	})
}

// FuzzEventReader: the event file reader never panics, and what it accepts
// the writer writes back to a file that reads the same.
func FuzzEventReader(f *testing.F) {
	f.Add([]byte("#SCBATCH,1,LISTEVENT,1,SCHOOL,01010001,1,2026-11-23T18:00:00+08:00,UTF-8,SHA256\n#COLUMNS,serial,registry,kind,time,school,operator\n8600000000000001,0101000102601015,loss,2026-11-23T08:05:00+08:00,01010001,x\n#END,1,00\n"))
	f.Add([]byte("#SCBATCH,1,LISTEVENT,1,SCHOOL,01010001,1,2026-11-23T18:00:00+08:00,GB18030,SM3\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		events, err := readEvents(data)
		if err != nil {
			return
		}
		r, err := lists.NewEventReader(batch.NewReader(bytes.NewReader(data), "f"), "f")
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		w, err := lists.NewEventWriter(&buf, "f", r.Header())
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			if err := w.Write(e); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		again, err := readEvents(buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if len(again) != len(events) {
			t.Fatal("round trip lost events")
		}
		for i := range events {
			if events[i].Compare(again[i]) != 0 {
				t.Fatalf("event %d changed in the round trip", i)
			}
		}
	})
}
