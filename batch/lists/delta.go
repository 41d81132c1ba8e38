package lists

import (
	"crypto"
	"crypto/ed25519"
	"encoding/binary"
	"io"
	"iter"

	"github.com/bjedu/studentcard/studentid"
)

// Delta takes a reader from list version Base to list version Version
// without sending the whole list: the changed entries, each carrying the
// card's new status (zero: the card left the list), and the target list's
// digest and signature, so that Apply rebuilds the target byte for byte and
// proves it is exactly the list the city signed. A Delta is immutable and its
// bytes may be memory-mapped, as with List.
type Delta struct {
	data    []byte
	changes []byte
	hdr     Header
}

// DeltaOptions says how Diff signs a delta.
type DeltaOptions struct {
	// Signer signs the delta, as BuildOptions.Signer signs a list.
	Signer crypto.Signer
	// Rand is passed to Signer.Sign; Ed25519 keys ignore it.
	Rand io.Reader
}

// Diff computes the signed delta from base to target (a later version of
// the same list): one change for every serial whose status differs, in
// serial order, found in one merge pass over both lists' raw entries. The
// delta uses the target's digest algorithm.
func Diff(base, target *List, opts DeltaOptions) (*Delta, error) {
	if opts.Signer == nil {
		return nil, &OptionError{Field: "Signer", Err: ErrSignerKey}
	}
	if target.hdr.Version <= base.hdr.Version {
		return nil, &OptionError{Field: "target version", Err: ErrVersionOrder}
	}
	h := target.hdr
	h.Base = base.hdr.Version
	buf := make([]byte, HeaderSize, deltaLayout.size(base.Len()+target.Len()))
	a, b := base.entries, target.entries
	for len(a) > 0 || len(b) > 0 {
		switch {
		case len(b) == 0 || len(a) > 0 && binary.BigEndian.Uint64(a) < binary.BigEndian.Uint64(b):
			buf = append(append(buf, a[:8]...), 0) // removed
			a = a[EntrySize:]
		case len(a) == 0 || binary.BigEndian.Uint64(b) < binary.BigEndian.Uint64(a):
			buf = append(buf, b[:EntrySize]...) // added
			b = b[EntrySize:]
		default:
			if a[8] != b[8] {
				buf = append(buf, b[:EntrySize]...) // status changed
			}
			a, b = a[EntrySize:], b[EntrySize:]
		}
	}
	h.Count = (len(buf) - HeaderSize) / EntrySize
	putHeader(buf, magicDelta, h)
	// The target's digest and signature follow the changes.
	buf = append(buf, target.data[len(target.data)-DigestSize-SignatureSize:]...)
	buf, err := seal(buf, h.Digest, opts.Signer, opts.Rand)
	if err != nil {
		return nil, err
	}
	return &Delta{data: buf, changes: buf[HeaderSize : HeaderSize+h.Count*EntrySize], hdr: h}, nil
}

// OpenDelta verifies data as a delta signed by the holder of pub, for a
// reader holding cur, and returns a Delta over it without copying: header,
// length, digest, signature, the target version against cur (a delta to a
// version older than cur is ErrRollback, one to cur's version with another
// target digest ErrSubstituted), then the changes (strictly increasing
// serials; statuses inside the kind flags, zero allowed). Faults come as a
// *FormatError naming offset and entry.
func OpenDelta(data []byte, pub ed25519.PublicKey, cur Current) (*Delta, error) {
	h, err := parseHeader(data, deltaLayout)
	if err != nil {
		return nil, err
	}
	if err := checkLength(data, h, deltaLayout); err != nil {
		return nil, err
	}
	if err := checkSeal(data, h, pub, deltaLayout); err != nil {
		return nil, err
	}
	target := HeaderSize + h.Count*EntrySize
	if err := checkCurrent(h.Version, data[target:target+DigestSize], cur, "delta"); err != nil {
		return nil, err
	}
	changes := data[HeaderSize:target]
	if err := checkEntries(changes, h.Covers, true, "delta"); err != nil {
		return nil, err
	}
	return &Delta{data: data, changes: changes, hdr: h}, nil
}

// ReadDelta reads one delta from r and verifies it as OpenDelta does.
func ReadDelta(r io.Reader, pub ed25519.PublicKey, cur Current) (*Delta, error) {
	data, err := readFile(r, deltaLayout)
	if err != nil {
		return nil, err
	}
	return OpenDelta(data, pub, cur)
}

// Apply applies the delta to base, which must be the list version the delta
// starts from, and returns the target list. The result is byte for byte the
// list the city built (header, entries, digest and signature), and Apply
// verifies it with pub as Open does before returning it, so a reader that
// trusts pub can keep it as its new list. A change that does not fit base
// (removing a card base does not hold, or repeating the status it has) is a
// *BaseError.
func (d *Delta) Apply(base *List, pub ed25519.PublicKey) (*List, error) {
	if base.hdr.Version != d.hdr.Base {
		return nil, &BaseError{Want: d.hdr.Base, Got: base.hdr.Version, Entry: -1, Err: ErrDeltaBase}
	}
	misfit := func(i int, c []byte, why error) error {
		return &BaseError{Want: d.hdr.Base, Got: base.hdr.Version, Entry: i, Serial: studentid.Serial(c[:8]), Err: why}
	}
	buf := make([]byte, HeaderSize, listLayout.size(base.Len()+d.Len()))
	a := base.entries
	for i, off := 0, 0; off < len(d.changes); i, off = i+1, off+EntrySize {
		c := d.changes[off : off+EntrySize]
		key := binary.BigEndian.Uint64(c)
		for len(a) > 0 && binary.BigEndian.Uint64(a) < key {
			buf = append(buf, a[:EntrySize]...)
			a = a[EntrySize:]
		}
		inBase := len(a) > 0 && binary.BigEndian.Uint64(a) == key
		switch {
		case inBase && a[8] == c[8]:
			return nil, misfit(i, c, ErrSameStatus)
		case !inBase && c[8] == 0:
			return nil, misfit(i, c, ErrNotInBase)
		case inBase:
			a = a[EntrySize:]
		}
		if c[8] != 0 {
			buf = append(buf, c...)
		}
	}
	buf = append(buf, a...)
	h := d.hdr
	h.Base = 0
	h.Count = (len(buf) - HeaderSize) / EntrySize
	putHeader(buf, magicList, h)
	target := d.data[len(d.changes)+HeaderSize:][:DigestSize+SignatureSize]
	return Open(append(buf, target...), pub, base.Current())
}

// Header returns the delta's decoded header: Version is the target version,
// Base the version it applies to, Count the number of changes.
func (d *Delta) Header() Header { return d.hdr }

// Base returns the list version the delta applies to.
func (d *Delta) Base() uint64 { return d.hdr.Base }

// Version returns the list version the delta produces.
func (d *Delta) Version() uint64 { return d.hdr.Version }

// Len returns the number of changes.
func (d *Delta) Len() int { return d.hdr.Count }

// Change returns the i-th change in serial order: the card and its new
// status, zero when the card leaves the list (a removal); otherwise it is an
// addition or a change of status. It panics if i is out of range.
func (d *Delta) Change(i int) Entry {
	c := d.changes[i*EntrySize : i*EntrySize+EntrySize]
	return Entry{Serial: studentid.Serial(c[:8]), Status: Status(c[8])}
}

// All iterates over the changes in serial order.
func (d *Delta) All() iter.Seq[Entry] {
	return func(yield func(Entry) bool) {
		for i := range d.hdr.Count {
			if !yield(d.Change(i)) {
				return
			}
		}
	}
}

// Bytes returns the delta's signed encoding; the caller must not change it.
func (d *Delta) Bytes() []byte { return d.data }

// WriteTo writes the delta's signed encoding to w.
func (d *Delta) WriteTo(w io.Writer) (int64, error) {
	n, err := w.Write(d.data)
	return int64(n), err
}
