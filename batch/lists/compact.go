package lists

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"io"
	"iter"
	"math/bits"
	"strconv"
	"time"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/studentid"
	"github.com/emmansun/gmsm/sm3"
)

// Layout of the compact format; the package documentation draws it as a
// table. Every integer is big-endian.
const (
	// FormatVersion is the only format version this package writes and
	// reads; a reader refuses any other with ErrVersion.
	FormatVersion = 1
	// HeaderSize is the size of the fixed header that opens a list or a delta.
	HeaderSize = 48
	// EntrySize is the width of one entry: an 8-byte serial and a status byte.
	EntrySize = 9
	// DigestSize is the size of the digest after the entries (SHA-256 and
	// SM3 both give 32 bytes).
	DigestSize = 32
	// SignatureSize is the size of the Ed25519 signature that closes the file.
	SignatureSize = ed25519.SignatureSize

	// MaxEntries bounds the entry count a header may announce, so that a
	// forged header cannot make Read allocate more than about 1 GiB. The city
	// list (about 2 million cards) is far below it.
	MaxEntries = 100_000_000
)

// Header field offsets.
const (
	offMagic    = 0
	offFormat   = 4
	offDigest   = 6
	offCovers   = 7
	offVersion  = 8
	offBase     = 16
	offCreated  = 24
	offCount    = 32
	offWidth    = 36
	offReserved = 37
)

const (
	magicList  = "BJSL"
	magicDelta = "BJSD"
)

// The digest of a list is one of batch's two algorithms ([batch.SHA256] for
// everyone, [batch.SM3], GB/T 32905, where national algorithms are
// required), stored in the header as one byte.

// digestByte returns the header byte of a digest algorithm: 1 SHA-256,
// 2 SM3, 0 for anything else.
func digestByte(a batch.DigestAlg) byte {
	switch a {
	case batch.SHA256:
		return 1
	case batch.SM3:
		return 2
	}
	return 0
}

// digestOf reads the header byte digestByte writes ("" when unknown).
func digestOf(b byte) batch.DigestAlg {
	switch b {
	case 1:
		return batch.SHA256
	case 2:
		return batch.SM3
	}
	return ""
}

// newDigest starts the digest of a list.
func newDigest(a batch.DigestAlg) hash.Hash {
	if a == batch.SM3 {
		return sm3.New()
	}
	return sha256.New()
}

func validDigest(a batch.DigestAlg) bool { return digestByte(a) != 0 }

// Entry is one card on a list and what the list says about it.
type Entry struct {
	Serial studentid.Serial
	Status Status
}

// Header is the decoded fixed header of a list or a delta.
type Header struct {
	// Version is the list version: the city numbers its daily snapshots
	// 1, 2, 3, …; a delta's Version is the version it produces.
	Version uint64
	// Base is, in a delta, the list version it applies to; zero in a list.
	Base uint64
	// Created is when the list was built, to the second.
	Created time.Time
	// Covers says which statuses the list carries (its kind flags): a card
	// whose status has no bit in Covers is not on the list.
	Covers Status
	// Digest is the digest algorithm of the file.
	Digest batch.DigestAlg
	// Count is the number of entries (in a delta: of changes).
	Count int
}

// layout tells a list from a delta: its magic, its name in errors, and the
// bytes between the entries and the digest (a delta carries the target
// list's digest and signature there).
type layout uint8

const (
	listLayout layout = iota
	deltaLayout
)

func (l layout) magic() string {
	if l == deltaLayout {
		return magicDelta
	}
	return magicList
}

func (l layout) what() string {
	if l == deltaLayout {
		return "delta"
	}
	return "list"
}

func (l layout) extra() int {
	if l == deltaLayout {
		return DigestSize + SignatureSize
	}
	return 0
}

// body is the number of bytes the digest covers in a file of n entries.
func (l layout) body(n int) int { return HeaderSize + n*EntrySize + l.extra() }

// size is the exact size of a file of n entries.
func (l layout) size(n int) int { return l.body(n) + DigestSize + SignatureSize }

func putHeader(b []byte, magic string, h Header) {
	copy(b[offMagic:], magic)
	binary.BigEndian.PutUint16(b[offFormat:], FormatVersion)
	b[offDigest] = digestByte(h.Digest)
	b[offCovers] = byte(h.Covers)
	binary.BigEndian.PutUint64(b[offVersion:], h.Version)
	binary.BigEndian.PutUint64(b[offBase:], h.Base)
	binary.BigEndian.PutUint64(b[offCreated:], uint64(h.Created.Unix()))
	binary.BigEndian.PutUint32(b[offCount:], uint32(h.Count))
	b[offWidth] = EntrySize
	clear(b[offReserved:HeaderSize])
}

// parseHeader decodes and checks the header's fields; lay says whether a
// list or a delta is expected.
func parseHeader(data []byte, lay layout) (Header, error) {
	magic, what := lay.magic(), lay.what()
	fail := func(off int, field string, err error, want, got string) error {
		return &FormatError{File: what, Offset: int64(off), Entry: -1, Field: field, Want: want, Got: got, Err: err}
	}
	if len(data) < HeaderSize {
		return Header{}, fail(len(data), "header", ErrTruncated, strconv.Itoa(HeaderSize), strconv.Itoa(len(data)))
	}
	if string(data[:4]) != magic {
		return Header{}, fail(offMagic, "magic", ErrBadMagic, strconv.Quote(magic), strconv.Quote(string(data[:4])))
	}
	if v := binary.BigEndian.Uint16(data[offFormat:]); v != FormatVersion {
		return Header{}, fail(offFormat, "format version", ErrVersion, strconv.Itoa(FormatVersion), strconv.Itoa(int(v)))
	}
	h := Header{
		Digest:  digestOf(data[offDigest]),
		Covers:  Status(data[offCovers]),
		Version: binary.BigEndian.Uint64(data[offVersion:]),
		Base:    binary.BigEndian.Uint64(data[offBase:]),
		Created: time.Unix(int64(binary.BigEndian.Uint64(data[offCreated:])), 0).UTC(),
	}
	if !validDigest(h.Digest) {
		return h, fail(offDigest, "digest algorithm", ErrBadHeader, "1|2", strconv.Itoa(int(data[offDigest])))
	}
	if h.Covers == 0 || h.Covers&^StatusAll != 0 {
		return h, fail(offCovers, "kind flags", ErrBadHeader, "1|2|3", strconv.Itoa(int(h.Covers)))
	}
	if magic == magicList && h.Base != 0 {
		return h, fail(offBase, "base version", ErrBadHeader, "0", utoa(h.Base))
	}
	if magic == magicDelta && h.Base >= h.Version {
		return h, fail(offBase, "base version", ErrBadHeader, "<"+utoa(h.Version), utoa(h.Base))
	}
	if w := data[offWidth]; w != EntrySize {
		return h, fail(offWidth, "entry width", ErrBadHeader, strconv.Itoa(EntrySize), strconv.Itoa(int(w)))
	}
	for i := offReserved; i < HeaderSize; i++ {
		if data[i] != 0 {
			return h, fail(i, "reserved", ErrBadHeader, "0", strconv.Itoa(int(data[i])))
		}
	}
	count := binary.BigEndian.Uint32(data[offCount:])
	if count > MaxEntries {
		return h, fail(offCount, "entry count", ErrBadHeader, "<="+strconv.Itoa(MaxEntries), utoa(uint64(count)))
	}
	h.Count = int(count)
	return h, nil
}

// checkLength compares the data length with the one the header announces.
func checkLength(data []byte, h Header, lay layout) error {
	want, what := lay.size(h.Count), lay.what()
	switch {
	case len(data) < want:
		return &FormatError{File: what, Offset: int64(len(data)), Entry: -1, Field: "length", Want: strconv.Itoa(want), Got: strconv.Itoa(len(data)), Err: ErrTruncated}
	case len(data) > want:
		return &FormatError{File: what, Offset: int64(want), Entry: -1, Field: "length", Want: strconv.Itoa(want), Got: strconv.Itoa(len(data)), Err: ErrTrailingData}
	}
	return nil
}

// checkSeal verifies the digest over header and entries and the signature
// over header and digest.
func checkSeal(data []byte, h Header, pub ed25519.PublicKey, lay layout) error {
	body, what := lay.body(h.Count), lay.what()
	d := newDigest(h.Digest)
	d.Write(data[:body])
	var sum [DigestSize]byte
	if !bytes.Equal(d.Sum(sum[:0]), data[body:body+DigestSize]) {
		return &FormatError{File: what, Offset: int64(body), Entry: -1, Field: "digest", Want: string(h.Digest), Err: ErrDigest}
	}
	if len(pub) != ed25519.PublicKeySize {
		return &FormatError{File: what, Offset: int64(body + DigestSize), Entry: -1, Field: "signature", Want: "Ed25519", Got: strconv.Itoa(len(pub)), Err: ErrPublicKey}
	}
	if !ed25519.Verify(pub, signedMessage(data[:HeaderSize], data[body:body+DigestSize]), data[body+DigestSize:]) {
		return &FormatError{File: what, Offset: int64(body + DigestSize), Entry: -1, Field: "signature", Err: ErrSignature}
	}
	return nil
}

// signedMessage is what the Ed25519 signature covers: the header (whose magic
// tells a list from a delta) and the digest (which covers the entries).
// Signing 80 bytes instead of the whole file keeps verification cheap and lets
// a hardware signer sign a list of any size.
func signedMessage(header, digest []byte) []byte {
	m := make([]byte, 0, HeaderSize+DigestSize)
	return append(append(m, header...), digest...)
}

// checkEntries checks strict serial order and each status: a list entry needs
// a non-zero status inside covers; a delta change may be zero (a removal).
func checkEntries(entries []byte, covers Status, allowZero bool, what string) error {
	var prev uint64
	for i, off := 0, 0; off < len(entries); i, off = i+1, off+EntrySize {
		k := binary.BigEndian.Uint64(entries[off:])
		if i > 0 && k <= prev {
			return &FormatError{File: what, Offset: int64(HeaderSize + off), Entry: i, Field: "serial", Want: ">" + serialOf(prev).String(), Got: serialOf(k).String(), Err: ErrUnsorted}
		}
		prev = k
		st := Status(entries[off+8])
		if st&^covers != 0 || (st == 0 && !allowZero) {
			return &FormatError{File: what, Offset: int64(HeaderSize + off + 8), Entry: i, Field: "status", Want: allowedStatuses(covers, allowZero), Got: strconv.Itoa(int(st)), Err: ErrBadStatus}
		}
	}
	return nil
}

// allowedStatuses lists the status values an entry may hold, as "1|2|3".
func allowedStatuses(covers Status, allowZero bool) string {
	var b []byte
	for st := Status(0); st <= StatusAll; st++ {
		if st&^covers == 0 && (st != 0 || allowZero) {
			if len(b) > 0 {
				b = append(b, '|')
			}
			b = strconv.AppendInt(b, int64(st), 10)
		}
	}
	return string(b)
}

func utoa(u uint64) string { return strconv.FormatUint(u, 10) }

func serialOf(k uint64) studentid.Serial {
	var s studentid.Serial
	binary.BigEndian.PutUint64(s[:], k)
	return s
}

// seal appends digest and signature to a buffer holding header and entries.
func seal(buf []byte, alg batch.DigestAlg, signer crypto.Signer, rand io.Reader) ([]byte, error) {
	pub, ok := signer.Public().(ed25519.PublicKey)
	if !ok {
		return nil, ErrSignerKey
	}
	d := newDigest(alg)
	d.Write(buf)
	buf = d.Sum(buf)
	digest := buf[len(buf)-DigestSize:]
	msg := signedMessage(buf[:HeaderSize], digest)
	sig, err := signer.Sign(rand, msg, crypto.Hash(0))
	if err != nil {
		return nil, &SignError{Err: err}
	}
	if len(sig) != SignatureSize || !ed25519.Verify(pub, msg, sig) {
		return nil, &SignError{Err: ErrSignature}
	}
	return append(buf, sig...), nil
}

// List is a verified compact list: a sorted array of fixed-width entries in
// the bytes it was opened from. It never copies or changes those bytes, so
// they may come from a memory-mapped file; they must not change while the
// List is in use. Beside them it keeps a small bucket index (half a byte per
// entry, see the package documentation). A List is immutable and safe for
// concurrent lookups.
type List struct {
	data    []byte
	entries []byte
	hdr     Header
	idx     bucketIndex
}

// newList wraps verified data and builds its bucket index.
func newList(data []byte, h Header) *List {
	entries := data[HeaderSize : HeaderSize+h.Count*EntrySize]
	return &List{data: data, entries: entries, hdr: h, idx: newBucketIndex(entries)}
}

// bucketIndex narrows a lookup to a bucket of about eight entries before the
// binary search (see the package documentation): start[b] is the first entry
// whose bucket is b or later, the bucket being the bits of the serial that
// follow the prefix shared by every serial on the list.
type bucketIndex struct {
	prefix uint     // number of leading bits shared by every serial
	shift  uint     // 64 - number of bucket bits
	start  []uint32 // 2^bits+1 entry positions
}

// newBucketIndex builds the index of sorted entries.
func newBucketIndex(entries []byte) bucketIndex {
	n := len(entries) / EntrySize
	nbits := uint(0)
	for nbits < 24 && n>>(nbits+3) > 0 {
		nbits++ // about eight entries per bucket
	}
	ix := bucketIndex{shift: 64 - nbits, start: make([]uint32, 1<<nbits+1)}
	if n > 0 {
		first := binary.BigEndian.Uint64(entries)
		last := binary.BigEndian.Uint64(entries[len(entries)-EntrySize:])
		ix.prefix = uint(bits.LeadingZeros64(first ^ last))
	}
	b := 0
	for i := range n {
		kb := ix.bucket(binary.BigEndian.Uint64(entries[i*EntrySize:]))
		for ; b <= kb; b++ {
			ix.start[b] = uint32(i)
		}
	}
	for ; b < len(ix.start); b++ {
		ix.start[b] = uint32(n)
	}
	return ix
}

// bucket returns the bucket of a key (shifts of 64 give 0 in Go, so an index
// of one bucket needs no special case).
func (ix *bucketIndex) bucket(key uint64) int { return int((key << ix.prefix) >> ix.shift) }

// Current is what a reader holds: the version and digest of the list it
// loaded last. Opening a list or a delta takes it, so that a reader never
// goes back (anti-rollback): a list older than Current is refused with
// ErrRollback, and a list of the same version with another digest with
// ErrSubstituted (two lists can never both be "version 5"); the same list
// again is fine. The zero value is a reader with no list yet, which takes
// any version. A Current with a Version but no Digest takes only newer
// versions, as it cannot tell the same list from a substitute.
type Current struct {
	Version uint64
	Digest  []byte
}

// Current returns what a reader holding l passes to the next Open or
// OpenDelta.
func (l *List) Current() Current { return Current{Version: l.hdr.Version, Digest: l.Digest()} }

// checkCurrent refuses a (verified) version and digest that would take a
// reader at cur back, or to another list of its version.
func checkCurrent(version uint64, digest []byte, cur Current, what string) error {
	switch {
	case version < cur.Version:
		return &FormatError{File: what, Offset: offVersion, Entry: -1, Field: "list version", Want: "≥" + utoa(cur.Version), Got: utoa(version), Err: ErrRollback}
	case version == cur.Version && cur.Version != 0 && !bytes.Equal(digest, cur.Digest):
		return &FormatError{File: what, Offset: offVersion, Entry: -1, Field: "list version", Want: ">" + utoa(cur.Version) + " or the list held", Got: utoa(version), Err: ErrSubstituted}
	}
	return nil
}

// Open verifies data as a compact list signed by the holder of pub, for a
// reader that holds cur (the zero Current when it holds none), and returns
// a List over it without copying. It checks, in this order: header (magic,
// format version, fields), length, digest, signature, the version against
// cur (ErrRollback, ErrSubstituted), then every entry (strictly increasing
// serials, statuses inside the kind flags); the first fault is returned as
// a *FormatError naming its offset and entry.
func Open(data []byte, pub ed25519.PublicKey, cur Current) (*List, error) {
	h, err := parseHeader(data, listLayout)
	if err != nil {
		return nil, err
	}
	if err := checkLength(data, h, listLayout); err != nil {
		return nil, err
	}
	if err := checkSeal(data, h, pub, listLayout); err != nil {
		return nil, err
	}
	body := listLayout.body(h.Count)
	if err := checkCurrent(h.Version, data[body:body+DigestSize], cur, "list"); err != nil {
		return nil, err
	}
	if err := checkEntries(data[HeaderSize:HeaderSize+h.Count*EntrySize], h.Covers, false, "list"); err != nil {
		return nil, err
	}
	return newList(data, h), nil
}

// Read reads one compact list from r (reading exactly as many bytes as its
// header announces, and one more to prove nothing follows) and verifies it
// as Open does, for a reader holding cur. Memory grows with the bytes
// actually read, so a forged count cannot make it allocate ahead of the
// data.
func Read(r io.Reader, pub ed25519.PublicKey, cur Current) (*List, error) {
	data, err := readFile(r, listLayout)
	if err != nil {
		return nil, err
	}
	return Open(data, pub, cur)
}

// readFile reads a header, then the rest of the file it announces (plus one
// byte, to detect trailing data).
func readFile(r io.Reader, lay layout) ([]byte, error) {
	what := lay.what()
	head := make([]byte, HeaderSize)
	n, err := io.ReadFull(r, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, &FormatError{File: what, Offset: int64(n), Entry: -1, Field: "header", Err: err}
	}
	h, herr := parseHeader(head[:n], lay)
	if herr != nil {
		return nil, herr
	}
	want := int64(lay.size(h.Count))
	var buf bytes.Buffer
	buf.Grow(int(min(want+1, 1<<20))) // then doubling as data arrives
	buf.Write(head)
	if _, err := buf.ReadFrom(io.LimitReader(r, want+1-HeaderSize)); err != nil {
		return nil, &FormatError{File: what, Offset: int64(buf.Len()), Entry: -1, Field: "body", Err: err}
	}
	return buf.Bytes(), nil
}

// Header returns the list's decoded header.
func (l *List) Header() Header { return l.hdr }

// Version returns the list version (the city's snapshot number).
func (l *List) Version() uint64 { return l.hdr.Version }

// Len returns the number of cards on the list.
func (l *List) Len() int { return l.hdr.Count }

// Bytes returns the list's signed encoding, exactly as Open verified it or
// Build produced it; write it to a file or send it to a reader. The caller
// must not change it.
func (l *List) Bytes() []byte { return l.data }

// Digest returns the digest stored in the list (over header and entries);
// the caller must not change it.
func (l *List) Digest() []byte {
	body := HeaderSize + len(l.entries)
	return l.data[body : body+DigestSize]
}

// WriteTo writes the list's signed encoding to w.
func (l *List) WriteTo(w io.Writer) (int64, error) {
	n, err := w.Write(l.data)
	return int64(n), err
}

// Entry returns the i-th entry in serial order; it panics if i is out of
// range, like a slice index.
func (l *List) Entry(i int) Entry {
	e := l.entries[i*EntrySize : i*EntrySize+EntrySize]
	return Entry{Serial: studentid.Serial(e[:8]), Status: Status(e[8])}
}

// All iterates over the entries in serial order.
func (l *List) All() iter.Seq[Entry] {
	return func(yield func(Entry) bool) {
		for i := range l.hdr.Count {
			if !yield(l.Entry(i)) {
				return
			}
		}
	}
}

// Lookup reports whether serial is on the list and with what status. It is
// a binary search over the raw entries (comparing serials as big-endian
// integers), first narrowed to one bucket by the list's bucket index: O(log
// n), no allocation, no copy. A serial that does not share the list's common
// prefix lands, by its bucket bits, in a bucket whose binary search finds
// nothing, so no separate range check is needed.
func (l *List) Lookup(serial studentid.Serial) (Status, bool) {
	key := serialKey(serial)
	b := l.idx.bucket(key)
	lo, hi := int(l.idx.start[b]), int(l.idx.start[b+1])
	e := l.entries
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if binary.BigEndian.Uint64(e[mid*EntrySize:]) < key {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if off := lo * EntrySize; off < len(e) && binary.BigEndian.Uint64(e[off:]) == key {
		return Status(e[off+8]), true
	}
	return 0, false
}

// BuildOptions says how Build stamps and signs a list.
type BuildOptions struct {
	// Version is the list version to stamp (the city's snapshot number).
	Version uint64
	// Base is the version of the list this one is built on (0: none);
	// Version must be above it (ErrVersionOrder), so no build can stamp a
	// version a reader of the base list would refuse as a rollback.
	Base uint64
	// Created is the build time (kept to the second); take it from the
	// caller's clock.
	Created time.Time
	// Covers selects the statuses the list carries; zero means StatusAll.
	// Bits outside it are dropped from every entry, and a card left with
	// none is left out: a loss-only list for the transit company is Build
	// with Covers: StatusLost.
	Covers Status
	// Digest is the digest algorithm; zero means SHA256.
	Digest batch.DigestAlg
	// Signer signs the list; its Public() must be an ed25519.PublicKey. An
	// ed25519.PrivateKey will do, and so will a hardware key behind
	// crypto.Signer. Build never logs or keeps it.
	Signer crypto.Signer
	// Rand is passed to Signer.Sign; Ed25519 keys ignore it.
	Rand io.Reader
}

func (o *BuildOptions) normalize() error {
	if o.Covers == 0 {
		o.Covers = StatusAll
	}
	if o.Digest == "" {
		o.Digest = batch.SHA256
	}
	switch {
	case o.Covers&^StatusAll != 0:
		return &OptionError{Field: "Covers", Err: ErrBadHeader}
	case !validDigest(o.Digest):
		return &OptionError{Field: "Digest", Err: ErrBadHeader}
	case o.Signer == nil:
		return &OptionError{Field: "Signer", Err: ErrSignerKey}
	case o.Base != 0 && o.Version <= o.Base:
		return &OptionError{Field: "Version", Err: ErrVersionOrder}
	}
	return nil
}

// Build makes a signed compact list of entries. The entries may come in any
// order (Build sorts a copy with a radix sort, linear in their number); a
// serial given twice is refused with a *DuplicateError. The result is
// already verified, so Lookup works on it at once.
func Build(entries []Entry, opts BuildOptions) (*List, error) {
	if err := opts.normalize(); err != nil {
		return nil, err
	}
	keys := make([]uint64, 0, len(entries))
	sts := make([]Status, 0, len(entries))
	for _, e := range entries {
		if st := e.Status & opts.Covers; st != 0 {
			keys = append(keys, serialKey(e.Serial))
			sts = append(sts, st)
		}
	}
	if len(keys) > MaxEntries {
		return nil, &OptionError{Field: "entries", Err: ErrTooMany}
	}
	keys, sts = radixSort(keys, sts)
	h := Header{Version: opts.Version, Created: opts.Created, Covers: opts.Covers, Digest: opts.Digest, Count: len(keys)}
	buf := make([]byte, HeaderSize+len(keys)*EntrySize, listLayout.size(len(keys)))
	putHeader(buf, magicList, h)
	for i, k := range keys {
		if i > 0 && k == keys[i-1] {
			return nil, &DuplicateError{Serial: serialOf(k)}
		}
		off := HeaderSize + i*EntrySize
		binary.BigEndian.PutUint64(buf[off:], k)
		buf[off+8] = byte(sts[i])
	}
	buf, err := seal(buf, opts.Digest, opts.Signer, opts.Rand)
	if err != nil {
		return nil, err
	}
	h.Created = time.Unix(opts.Created.Unix(), 0).UTC()
	return newList(buf, h), nil
}

// radixSort sorts keys (carrying sts along) with a least-significant-digit
// radix sort on bytes, skipping byte positions where every key agrees (real
// serials share their leading bytes). It returns the sorted slices, which may
// be the inputs or scratch buffers.
func radixSort(keys []uint64, sts []Status) ([]uint64, []Status) {
	if len(keys) < 2 {
		return keys, sts
	}
	var counts [8][256]int
	for _, k := range keys {
		for b := range 8 {
			counts[b][byte(k>>(8*b))]++
		}
	}
	keys2 := make([]uint64, len(keys))
	sts2 := make([]Status, len(sts))
	for b := range 8 {
		c := &counts[b]
		if c[byte(keys[0]>>(8*b))] == len(keys) {
			continue // every key has the same byte here
		}
		pos := 0
		for i := range c {
			pos, c[i] = pos+c[i], pos
		}
		shift := 8 * b
		for i, k := range keys {
			d := byte(k >> shift)
			keys2[c[d]] = k
			sts2[c[d]] = sts[i]
			c[d]++
		}
		keys, keys2 = keys2, keys
		sts, sts2 = sts2, sts
	}
	return keys, sts
}
