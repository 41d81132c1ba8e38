package lifecycle

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"hash"
	"strconv"

	"github.com/emmansun/gmsm/sm3"
	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/l10n"
)

// Audit appends to and verifies the hash-chained audit log. Each entry's Hash
// covers all its fields and the previous entry's Hash, so editing, deleting or
// reordering stored entries breaks the chain at the first entry touched, and
// [Audit.Verify] names it. The zero value uses SHA-256; [SM3Audit] uses the
// national SM3 hash (GB/T 32905).
type Audit struct {
	// NewHash makes the hash; nil means SHA-256.
	NewHash func() hash.Hash
}

// SM3Audit returns an Audit hashing with SM3, for deployments that must use
// the national algorithms.
func SM3Audit() Audit { return Audit{NewHash: sm3.New} }

// Hash computes e's chain hash (hex) from every field except Hash itself.
// Fields are length-prefixed, so no two different entries encode alike.
func (a Audit) Hash(e AuditEntry) string {
	var hs hasher
	return string(hs.sum(a, e))
}

// hasher computes chain hashes with one hash state and buffer reused from
// entry to entry (Verify hashes every entry of a chain): the encoding is
// built in the buffer and written once.
type hasher struct {
	h   hash.Hash
	buf []byte
	hex []byte
}

// sum returns e's chain hash in hex, valid until the next call.
func (hs *hasher) sum(a Audit, e AuditEntry) []byte {
	if hs.h == nil {
		newHash := a.NewHash
		if newHash == nil {
			newHash = sha256.New
		}
		hs.h = newHash()
	}
	b := hs.buf[:0]
	put := func(s string) {
		b = binary.BigEndian.AppendUint64(b, uint64(len(s)))
		b = append(b, s...)
	}
	putInt := func(v int64) {
		var d [20]byte
		n := strconv.AppendInt(d[:0], v, 10)
		b = binary.BigEndian.AppendUint64(b, uint64(len(n)))
		b = append(b, n...)
	}
	put(e.Chain)
	putInt(e.Seq)
	putInt(e.At.UnixMicro())
	put(string(e.Operator.Level))
	put(e.Operator.District)
	put(e.Operator.School)
	put(e.Operator.User)
	put(e.Action)
	put(e.Subject)
	put(e.Rule)
	put(e.Outcome)
	put(e.Detail)
	put(e.Prev)
	if e.Operator.Role != "" { // chains written before roles existed still verify
		put(string(e.Operator.Role))
	}
	hs.buf = b
	hs.h.Reset()
	hs.h.Write(b)
	var sum [64]byte
	d := hs.h.Sum(sum[:0])
	hs.hex = hex.AppendEncode(hs.hex[:0], d)
	return hs.hex
}

// Append links e to the head of its chain inside tx (setting Seq, Prev and
// Hash) and stores it. Two transactions racing for the same chain make one
// fail with a *ConflictError; retry it.
func (a Audit) Append(ctx context.Context, tx Tx, e AuditEntry) (AuditEntry, error) {
	head, err := tx.AuditHead(ctx, e.Chain)
	switch {
	case errors.Is(err, ErrNotFound):
		e.Seq, e.Prev = 1, ""
	case err != nil:
		return AuditEntry{}, err
	default:
		e.Seq, e.Prev = head.Seq+1, head.Hash
	}
	e.At = e.At.UTC().Truncate(timePrecision)
	e.Hash = a.Hash(e)
	if err := tx.AppendAudit(ctx, e); err != nil {
		return AuditEntry{}, err
	}
	return e, nil
}

// AuditError names the first entry where a chain fails to verify.
type AuditError struct {
	Chain string
	// Seq is the entry at fault (for a deletion: the first missing one).
	Seq     int64
	Problem string
}

// Error returns the English text; Localize gives the Chinese.
func (e *AuditError) Error() string { return e.Localize(l10n.English) }

// Localize renders the error in tag's language.
func (e *AuditError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "audit chain %q entry %s: %s", e.Chain, num(e.Seq), messages.Sprintf(tag, e.Problem))
}

// Unwrap makes errors.Is(err, ErrAuditBroken) hold.
func (e *AuditError) Unwrap() error { return ErrAuditBroken }

// Problems an AuditError reports (catalog keys).
const (
	auditEdited    = "contents do not match its hash (edited)"
	auditMissing   = "missing (deleted) or out of order"
	auditRelinked  = "does not link to the previous entry (deleted or reordered)"
	auditTruncated = "chain ends before the anchored head (entries deleted at the end)"
	auditAnchor    = "head differs from the anchored head"
)

// Verify reads a chain from the store page by page and checks every link. If
// anchor is not empty it is a head hash kept elsewhere (sent up to the level
// above, printed in a report): the chain must contain it, which also catches
// deletions at the end that no chain can show by itself. It returns the
// number of entries verified, and an *AuditError naming the first bad entry.
func (a Audit) Verify(ctx context.Context, s Store, chain string, anchor AuditAnchor) (int64, error) {
	var (
		prev     string
		next     int64 = 1
		anchored       = anchor.Seq == 0
		hs       hasher
	)
	// The next page is read while this one is hashed (two cores): reading
	// rows is most of the cost.
	type page struct {
		entries []AuditEntry
		err     error
	}
	read := func(after int64) <-chan page {
		ch := make(chan page, 1)
		go func() {
			var p page
			p.err = s.Tx(ctx, func(tx Tx) error {
				var err error
				p.entries, err = tx.AuditEntries(ctx, chain, after, verifyPage)
				return err
			})
			ch <- p
		}()
		return ch
	}
	pending := read(0)
	defer func() {
		if pending != nil {
			<-pending // no read outlives Verify
		}
	}()
	for {
		p := <-pending
		pending = nil
		if p.err != nil {
			return next - 1, p.err
		}
		if n := len(p.entries); n == verifyPage {
			pending = read(p.entries[n-1].Seq)
		}
		for _, e := range p.entries {
			switch {
			case e.Seq != next:
				return next - 1, &AuditError{Chain: chain, Seq: next, Problem: auditMissing}
			case e.Prev != prev:
				return next - 1, &AuditError{Chain: chain, Seq: e.Seq, Problem: auditRelinked}
			case string(hs.sum(a, e)) != e.Hash:
				return next - 1, &AuditError{Chain: chain, Seq: e.Seq, Problem: auditEdited}
			}
			if e.Seq == anchor.Seq {
				if e.Hash != anchor.Hash {
					return next - 1, &AuditError{Chain: chain, Seq: e.Seq, Problem: auditAnchor}
				}
				anchored = true
			}
			prev, next = e.Hash, next+1
		}
		if pending == nil {
			break
		}
	}
	if !anchored {
		return next - 1, &AuditError{Chain: chain, Seq: next, Problem: auditTruncated}
	}
	return next - 1, nil
}

// verifyPage is how many entries Verify reads a transaction.
const verifyPage = 2000

// AuditAnchor is a chain head remembered outside the store (Seq and Hash of
// an entry); the zero value anchors nothing.
type AuditAnchor struct {
	Seq  int64
	Hash string
}

// VerifyAudit verifies an audit chain for an operator: the city may verify
// any chain, a district only its own (the chain named by its code), a school
// that of its district (P-3).
func (l *Ledger) VerifyAudit(ctx context.Context, op Operator, chain string, anchor AuditAnchor) (int64, error) {
	if err := l.readable(ctx, op, "verify-audit", chain, chainScope(chain), op.School); err != nil {
		return 0, err
	}
	return l.audit.Verify(ctx, l.store, chain, anchor)
}
