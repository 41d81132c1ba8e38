// Package lists carries the loss and freeze lists of the student card system
// (R-LIST-1) from the schools' daily operations (R-DAILY-1) to every reader
// at a gate or venue.
//
// # From operations to lists
//
// A school's loss (挂失), unloss (解挂), freeze (冻结) and unfreeze (解冻) are
// [Event] values: card [Serial], holder's registry number, [Kind], time,
// school and operator. Each day every school sends an event file (kind
// LISTEVENT in the batch envelope of package batch, named by
// [EventFileName]); [Merge] merges school files into a district file and
// district files into the city file. Merge is a set union in the event order
// ([Event.Compare]: time, then serial, kind, school, registry number,
// operator): exact duplicates are dropped, so merging a file twice changes
// nothing and the grouping does not matter; two different events for one
// card at one instant are kept and reported as a [Conflict]. It streams: one
// event per input in memory.
//
// The city folds the events into a [State]: per card a lost bit and a frozen
// bit, each set or cleared by the latest event touching it (a later unloss
// cancels a loss, an earlier one arriving late does not). The state's
// entries, stamped with a version (the city's daily snapshot number), are the
// full snapshot; [Build] turns them into the signed compact list that readers
// load, and [Diff] makes the signed delta from version N to version N+k that
// takes a reader there without a full download: [Delta.Apply] rebuilds list
// N+k byte for byte, the city's signature included. This package does not
// model when a loss takes effect (R-LOSS-1, two working days); the lifecycle
// package owns that and decides when to emit the event.
//
// # The compact format (version 1)
//
// A list is a header, fixed-width entries sorted by serial, a digest and an
// Ed25519 signature. Integers are big-endian.
//
//	offset        size  field
//	0             4     magic "BJSL" (a delta: "BJSD")
//	4             2     format version, 1
//	6             1     digest algorithm: 1 SHA-256, 2 SM3
//	7             1     kind flags: bit 0 loss, bit 1 freeze — what the list covers
//	8             8     list version (a delta: the version it produces)
//	16            8     base version: 0 in a list (a delta: the version it applies to)
//	24            8     created, Unix seconds
//	32            4     entry count n (at most MaxEntries)
//	36            1     entry width, 9
//	37            11    reserved, zero
//	48            9·n   entries: serial (8 bytes) ‖ status (1 byte), serials strictly increasing
//	48+9n         32    digest (SHA-256 or SM3) of bytes 0 … 48+9n−1
//	80+9n         64    Ed25519 signature of header (48 bytes) ‖ digest (32 bytes)
//	144+9n              end: the file is exactly this long
//
// A status is a set of bits: 1 lost, 2 frozen, 3 both. A list entry's status
// is not zero and has no bit outside the kind flags (a loss-only list for the
// transit company has flags 1). Sorting by serial as big-endian integers is
// the same as sorting by bytes, so a lookup compares one 64-bit integer per
// step. Signing the header and digest (80 bytes), not the whole file, keeps
// verification cheap and lets a hardware key sign a list of any size.
//
// A delta takes a reader from list version B to version V. It has the same
// header (magic "BJSD"; version V; base version B, below V; count c = number
// of changes; kind flags, digest algorithm and created time of list V) and
// then:
//
//	offset        size  field
//	48            9·c   changes: serial (8) ‖ new status (1), serials strictly increasing;
//	                    status 0 = removed from the list, other = added or status changed
//	48+9c         32    digest of list V (as stored in list V)
//	80+9c         64    signature of list V (as stored in list V)
//	144+9c        32    digest of bytes 0 … 144+9c−1
//	176+9c        64    Ed25519 signature of header (48 bytes) ‖ that digest
//	240+9c              end
//
// [Delta.Apply] merges the changes into list B, writes the header of list V
// and appends V's digest and signature, then verifies the result as [Open]
// does: a reader ends up with exactly the list the city signed, or an error.
//
// # Loading and looking up
//
// [Open] verifies a list in this order: header fields, length, digest,
// signature, entry order and statuses; every fault is a [*FormatError] that
// names the byte offset and, for entries, the index, and unwraps to a
// sentinel ([ErrTruncated], [ErrBadMagic], [ErrVersion], [ErrBadHeader],
// [ErrTrailingData], [ErrDigest], [ErrSignature], [ErrUnsorted],
// [ErrBadStatus], [ErrRollback], [ErrSubstituted]). Open and [OpenDelta]
// take the reader's [Current] (the version and digest of the list it holds,
// [List.Current]) and refuse, after the signature verified, a list or delta
// taking it to an older version (ErrRollback) or to another list of its own
// version (ErrSubstituted): a signed list cannot be replayed to undo a
// later loss, and no two lists are both "version 5". [Build] refuses a
// version not above BuildOptions.Base (ErrVersionOrder), so the city never
// signs one. Open works on the caller's bytes without copying them, so
// a reader can memory-map the file; [Read] reads from an io.Reader first.
// [List.Lookup] is a binary search over the raw entries, narrowed first by a
// bucket index that Open builds in one pass: the serial bits that follow the
// prefix every serial on the list shares (real serials share their issuer
// bytes) select a bucket of about eight entries, so a lookup reads one 32-bit
// table slot and two or three entries instead of the 21 dependent reads of a
// plain binary search over 2 million entries. The index costs half a byte per
// entry (1 MiB for the city list); however the serials crowd into buckets,
// the search within one is still binary, so a lookup is O(log n), and it
// never allocates. Texts of all errors come in Chinese and English through
// package l10n.
package lists
