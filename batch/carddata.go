package batch

import (
	"context"
	"io"
	"unicode/utf8"

	"github.com/bjedu/studentcard/internal/digits"
	"github.com/bjedu/studentcard/internal/gbtext"
	"github.com/bjedu/studentcard/studentid"
)

// CardRecord is one card-making record (C-1). The photo is not a field: it
// travels in the package as photos/<RegistryNo>.jpg.
type CardRecord struct {
	SchoolName string
	Name       string
	Gender     studentid.Sex // Male or Female
	RegistryNo studentid.ID
	ResidentID string // 18 characters
	BirthDate  string // YYYYMMDD
}

func (c CardRecord) fields() []string {
	return []string{c.SchoolName, c.Name, sexCode(c.Gender), c.RegistryNo.String(), c.ResidentID, c.BirthDate}
}

// Fields returns the record in CardData column order, for Writer.WriteRecord.
func (c CardRecord) Fields() []string { return c.fields() }

func sexCode(s studentid.Sex) string { return s.Code() }

// cardRecordOf maps fields (CardData column order) to a record, checking
// nothing but that the registry number parses (the zero ID if it does not:
// the validator reads the raw field).
func cardRecordOf(f []string) CardRecord {
	id, _ := studentid.Parse(f[3])
	c := CardRecord{SchoolName: f[0], Name: f[1], RegistryNo: id, ResidentID: f[4], BirthDate: f[5]}
	switch f[2] {
	case "1":
		c.Gender = studentid.Male
	case "2":
		c.Gender = studentid.Female
	}
	return c
}

// RareEntry is one rare-character description row (C-4).
type RareEntry struct {
	RegistryNo studentid.ID
	NamePinyin string // the name as CMIS stores it, rare characters in pinyin
	Glyph      string // how the character is written (the character itself when GB18030 has it, or a description)
	SchoolName string
	Contact    string
	ReportDate string // YYYYMMDD
}

func (e RareEntry) fields() []string {
	return []string{e.RegistryNo.String(), e.NamePinyin, e.Glyph, e.SchoolName, e.Contact, e.ReportDate}
}

// Fields returns the entry in RareChars column order.
func (e RareEntry) Fields() []string { return e.fields() }

// MaxRareEntries bounds the rare-character entries held in memory for one
// package; a real school has a handful.
const MaxRareEntries = 100_000

// RareSet holds the registry numbers that have a rare-character entry, which
// the validator consults for names not encodable in GB2312 (C-4).
type RareSet struct{ ids map[studentid.ID]struct{} }

// Has reports whether id has a rare-character entry.
func (s *RareSet) Has(id studentid.ID) bool {
	if s == nil {
		return false
	}
	_, ok := s.ids[id]
	return ok
}

// Len returns the number of entries.
func (s *RareSet) Len() int {
	if s == nil {
		return 0
	}
	return len(s.ids)
}

// ReadRareChars reads and checks a rare-character description file: every
// field present, registry numbers well formed and unique, the report date a
// date, and (when owner is not "") every registry number of the owner: a
// school (8-digit code, registry number positions 1-8) for a school's upload,
// or a district (4-digit code, positions 1-4) for a district's merged
// description at the city (see [MergeRareChars]).
func ReadRareChars(ctx context.Context, r io.Reader, name, owner string) (*RareSet, error) {
	set := &RareSet{ids: map[studentid.ID]struct{}{}}
	_, err := readTyped(ctx, r, name, RareChars, parseRare(owner, set.ids), func(_ Record, id studentid.ID) error {
		set.ids[id] = struct{}{}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return set, nil
}

// ownerOf returns the part of a registry number that names its school (8
// digits), district (4 digits) or city (2 digits), as long as owner.
func ownerOf(id string, owner string) string {
	if len(owner) < len(id) {
		return id[:len(owner)]
	}
	return id
}

// parseRare checks one rare-character row against owner ("" for any) and
// the registry numbers seen so far (the caller adds the returned one).
func parseRare(owner string, seen map[studentid.ID]struct{}) func(Header, []string) (studentid.ID, string, error) {
	return func(_ Header, f []string) (studentid.ID, string, error) {
		for i, v := range f {
			if v == "" {
				return studentid.ID{}, RareChars.Columns[i], ErrRequired
			}
		}
		id, err := parseID(f[0])
		if err != nil {
			return id, "registry_no", err
		}
		if owner != "" && ownerOf(f[0], owner) != owner {
			return id, "registry_no", gotWant(ErrNotSender, ownerOf(f[0], owner), owner)
		}
		if !validDate(f[5]) {
			return id, "report_date", gotWant(ErrFormat, f[5], "YYYYMMDD")
		}
		if _, dup := seen[id]; dup {
			return id, "registry_no", ErrDuplicate
		}
		if len(seen) >= MaxRareEntries {
			return id, "", gotWant(ErrTooLong, len(seen)+1, MaxRareEntries)
		}
		return id, "", nil
	}
}

// isGB2312 reports whether b (GB18030 bytes) is ASCII and GB2312 characters
// only: the common case of Chinese names and school names, which need no
// decoder to be known valid.
func isGB2312(b []byte) bool {
	for i := 0; i < len(b); i++ {
		if b[i] < utf8.RuneSelf {
			continue
		}
		if i+1 >= len(b) || !gbtext.IsGB2312Pair(b[i], b[i+1]) {
			return false
		}
		i++
	}
	return true
}

// nameNeedsRareEntry reports whether a name needs a rare-character entry
// (C-4): it holds a character GB2312 cannot encode, or Latin letters next to
// Chinese characters (the pinyin CMIS stores in a rare character's place).
// name is UTF-8, or GB18030 bytes when gb is true (the validator's raw mode).
func nameNeedsRareEntry(name string, gb bool) bool {
	han, latin := false, false
	for i := 0; i < len(name); {
		c := name[i]
		if c < utf8.RuneSelf {
			if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
				latin = true
			}
			if c < 0x20 || c == 0x7F {
				return true
			}
			i++
			continue
		}
		if gb {
			if i+1 >= len(name) || !gbtext.IsGB2312Pair(c, name[i+1]) {
				return true
			}
			i += 2
		} else {
			r, n := utf8.DecodeRuneInString(name[i:])
			if !gbtext.IsGB2312(r) {
				return true
			}
			i += n
		}
		han = true
	}
	return han && latin
}

// cardLen is the one length rule of names and school names: the bytes the
// card stores (gbtext.Len); s is UTF-8, or GB18030 bytes when gb is true (the
// validator's raw mode), which are what the card stores.
func cardLen(s string, gb bool) int {
	if gb {
		return len(s)
	}
	return gbtext.Len(s)
}

// validDate reports whether s is a YYYYMMDD calendar date (digits.Date, the
// one date rule of the module).
func validDate(s string) bool {
	_, _, _, ok := digits.Date(s)
	return ok
}

// keyOfDigits packs up to 19 ASCII digits into a uint64 (for duplicate sets).
func keyOfDigits(s string) uint64 {
	var n uint64
	for i := 0; i < len(s); i++ {
		n = n*10 + uint64(s[i]-'0')
	}
	return n
}

// ReadCardData streams a card-making data file to fn as typed records, for
// storing a file the Validator accepted (read it through Open or Spool, or
// after validating a seekable copy). It checks the envelope, the kind and
// that every registry number parses (a record is typed by it); the other
// fields are the Validator's job.
func ReadCardData(ctx context.Context, r io.Reader, name string, fn func(Record, CardRecord) error) (Summary, error) {
	return readTyped(ctx, r, name, CardData, func(_ Header, f []string) (CardRecord, string, error) {
		c := cardRecordOf(f)
		if c.RegistryNo.IsZero() {
			if _, err := parseID(f[3]); err != nil {
				return c, "registry_no", err
			}
		}
		return c, "", nil
	}, fn)
}
