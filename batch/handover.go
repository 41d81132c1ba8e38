package batch

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/studentid"
)

// Handover errors.
var (
	// ErrPacking: a handover sheet breaks C-PACK-1 (a big box mixing
	// factory batches or districts, a small box listed twice, a box over its
	// capacity).
	ErrPacking = messages.Error("packing rule broken")
	// ErrMismatch: the cards counted differ from the handover sheet
	// (C-ISSUE-4); the upper level regenerates the sheet.
	ErrMismatch = messages.Error("cards counted do not match the handover sheet")
)

// GroupKey is what a small box holds (C-PACK-1): one factory batch, one school,
// one student category and one cohort.
type GroupKey struct {
	FactoryBatch string
	School       studentid.School
	Category     studentid.StudentCategory
	Cohort       int
}

// District returns the district of the group's school.
func (k GroupKey) District() studentid.District { return k.School.District() }

func (k GroupKey) compare(o GroupKey) int {
	return cmp.Or(cmp.Compare(k.FactoryBatch, o.FactoryBatch), k.School.Compare(o.School),
		cmp.Compare(k.Category, o.Category), cmp.Compare(k.Cohort, o.Cohort))
}

// KeyOf returns the group of a card.
func KeyOf(factoryBatch string, id studentid.ID) GroupKey {
	return GroupKey{FactoryBatch: factoryBatch, School: id.School(), Category: id.StudentCategory(), Cohort: id.Cohort()}
}

// GroupCount is the number of cards of one group.
type GroupCount struct {
	GroupKey
	SchoolName string
	Count      int
}

// Tally counts physical cards as they are scanned (C-ISSUE-1/2/4).
type Tally map[GroupKey]int

// Add counts one card.
func (t Tally) Add(factoryBatch string, id studentid.ID) { t[KeyOf(factoryBatch, id)]++ }

// BoxSizes are the packing capacities in cards. Zero values mean 1000 cards
// a big box and 100 a small box.
type BoxSizes struct{ Big, Small int }

func (b BoxSizes) withDefaults() BoxSizes {
	if b.Big <= 0 {
		b.Big = 1000
	}
	if b.Small <= 0 {
		b.Small = 100
	}
	if b.Small > b.Big {
		b.Small = b.Big
	}
	return b
}

// HandoverRow is one small box of a handover sheet, with its big box.
type HandoverRow struct {
	GroupCount
	BigBox   string // e.g. B0001
	SmallBox string // e.g. B0001-03
}

func (r HandoverRow) fields() []string {
	return []string{r.District().String(), r.FactoryBatch, r.BigBox, r.SmallBox, r.School.String(), r.SchoolName,
		strconv.Itoa(int(r.Category)), fmt.Sprintf("%02d", r.Cohort), strconv.Itoa(r.Count)}
}

// Handover is a handover sheet (交接单): small boxes in packing order. Its
// size is bounded by the number of boxes, not of cards.
type Handover struct {
	Rows []HandoverRow
}

// checkWithin refuses a scope that is no city (2 digits), district (4) or
// school (8) code.
func checkWithin(within string) error {
	if (len(within) != 2 && len(within) != 4 && len(within) != 8) || keyOfDigitsOK(within) != nil {
		return &ParseError{File: within, Field: "code", Err: gotWant(ErrSender, within, "a city (2 digits), district (4) or school (8) code")}
	}
	return nil
}

// BuildHandover streams a result file and packs its good cards (status OK)
// into boxes per C-PACK-1: small boxes per school, student category and
// cohort; big boxes filled with whole small boxes, never mixing factory
// batches or districts (C-ISSUE-1). within is the code of the level packing
// (the city "01", a district, a school): a record of a card outside it is
// refused with ErrNotSender naming its line, as a district never packs
// another district's cards. Memory is bounded by the number of groups.
func BuildHandover(ctx context.Context, r io.Reader, name, within string, sizes BoxSizes) (*Handover, error) {
	if err := checkWithin(within); err != nil {
		return nil, err
	}
	groups := map[GroupKey]*GroupCount{}
	_, err := ReadResults(ctx, r, name, func(rec Record, rr ResultRecord) error {
		if reg := rr.RegistryNo.String(); !strings.HasPrefix(reg, within) {
			return &ParseError{File: name, Line: rec.Line, Field: "registry_no", Err: gotWant(ErrNotSender, reg[:len(within)], within)}
		}
		if rr.Status != StatusOK {
			return nil
		}
		k := KeyOf(rr.FactoryBatch, rr.RegistryNo)
		g := groups[k]
		if g == nil {
			g = &GroupCount{GroupKey: k, SchoolName: rr.SchoolName}
			groups[k] = g
		}
		g.Count++
		return nil
	})
	if err != nil {
		return nil, err
	}
	counts := make([]GroupCount, 0, len(groups))
	for _, g := range groups {
		counts = append(counts, *g)
	}
	return Pack(counts, sizes), nil
}

// Pack assigns groups of cards to boxes (C-PACK-1), deterministically: groups
// sorted by factory batch, school, category and cohort; a group fills as
// many small boxes as it needs; a big box takes whole small boxes until the
// next would overflow it or belongs to another batch or district.
func Pack(counts []GroupCount, sizes BoxSizes) *Handover {
	sizes = sizes.withDefaults()
	counts = slices.Clone(counts)
	slices.SortFunc(counts, func(a, b GroupCount) int { return a.compare(b.GroupKey) })
	h := &Handover{}
	big, fill, small := 0, 0, 0
	var lastBatch string
	var lastDistrict studentid.District
	for _, g := range counts {
		for left := g.Count; left > 0; {
			n := min(left, sizes.Small)
			if big == 0 || fill+n > sizes.Big || g.FactoryBatch != lastBatch || g.District() != lastDistrict {
				big, fill, small = big+1, 0, 0
				lastBatch, lastDistrict = g.FactoryBatch, g.District()
			}
			small++
			fill += n
			left -= n
			row := HandoverRow{GroupCount: g, BigBox: fmt.Sprintf("B%04d", big)}
			row.Count = n
			row.SmallBox = fmt.Sprintf("%s-%02d", row.BigBox, small)
			h.Rows = append(h.Rows, row)
		}
	}
	return h
}

// Counts returns the cards per group (school, category, cohort, batch).
func (h *Handover) Counts() []GroupCount {
	idx := map[GroupKey]int{}
	var out []GroupCount
	for _, r := range h.Rows {
		if i, ok := idx[r.GroupKey]; ok {
			out[i].Count += r.Count
			continue
		}
		idx[r.GroupKey] = len(out)
		out = append(out, r.GroupCount)
	}
	slices.SortFunc(out, func(a, b GroupCount) int { return a.compare(b.GroupKey) })
	return out
}

// Total returns the number of cards on the sheet.
func (h *Handover) Total() int {
	n := 0
	for _, r := range h.Rows {
		n += r.Count
	}
	return n
}

// ForDistrict returns the part of the sheet for a district: the sheet the
// city prints for it (C-ISSUE-1).
func (h *Handover) ForDistrict(d studentid.District) *Handover {
	return h.filter(func(r HandoverRow) bool { return r.District() == d })
}

// ForSchool returns the part of the sheet for a school: the sheet a
// district prints for it (C-ISSUE-2).
func (h *Handover) ForSchool(s studentid.School) *Handover {
	return h.filter(func(r HandoverRow) bool { return r.School == s })
}

func (h *Handover) filter(keep func(HandoverRow) bool) *Handover {
	out := &Handover{}
	for _, r := range h.Rows {
		if keep(r) {
			out.Rows = append(out.Rows, r)
		}
	}
	return out
}

// BigBoxLabel is what a big box states (C-PACK-1): its card count and factory
// batch (and the district it goes to).
type BigBoxLabel struct {
	Box, FactoryBatch string
	District          studentid.District
	Count             int
}

// String renders the label as printed on the box, in Chinese (what the
// factory and the tiers' operators read); Localize gives other languages.
func (l BigBoxLabel) String() string { return l.Localize(l10n.Chinese) }

// Localize renders the label in the language tag (Chinese for any zh tag,
// English otherwise), for operators and logs that are not Chinese.
func (l BigBoxLabel) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "big box %s | batch %s | district %s | %s cards", l.Box, l.FactoryBatch, l.District, strconv.Itoa(l.Count))
}

// SmallBoxLabel is what a small box states (C-PACK-1): school, student
// category, cohort and count.
type SmallBoxLabel struct {
	Box, SchoolName string
	School          studentid.School
	Category        studentid.StudentCategory
	Cohort, Count   int
}

// String renders the label as printed on the box, in Chinese; Localize
// gives other languages.
func (l SmallBoxLabel) String() string { return l.Localize(l10n.Chinese) }

// Localize renders the label in the language tag (Chinese for any zh tag,
// English otherwise).
func (l SmallBoxLabel) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "small box %s | %s %s | student category %s | cohort %s | %s cards",
		l.Box, l.School, l.SchoolName, strconv.Itoa(int(l.Category)), fmt.Sprintf("%02d", l.Cohort), strconv.Itoa(l.Count))
}

// Labels returns the labels of every big and small box, in packing order.
func (h *Handover) Labels() ([]BigBoxLabel, []SmallBoxLabel) {
	var bigs []BigBoxLabel
	var smalls []SmallBoxLabel
	for _, r := range h.Rows {
		if n := len(bigs); n == 0 || bigs[n-1].Box != r.BigBox {
			bigs = append(bigs, BigBoxLabel{Box: r.BigBox, FactoryBatch: r.FactoryBatch, District: r.District()})
		}
		bigs[len(bigs)-1].Count += r.Count
		smalls = append(smalls, SmallBoxLabel{Box: r.SmallBox, School: r.School, SchoolName: r.SchoolName, Category: r.Category, Cohort: r.Cohort, Count: r.Count})
	}
	return bigs, smalls
}

// Write writes the sheet as a Handovers file. Every row passes the row checks
// ReadHandover makes (school code, category, cohort, a positive count, box
// names), so a sheet is never written that its reader refuses for a row;
// box capacities are the reader's to check, as they are the receiver's.
func (h *Handover) Write(w io.Writer, name string, sender Header, opts ...WriterOption) error {
	return checkWrite(w, name, Handovers, sender, h.Rows, func(_ Header, f []string) (HandoverRow, string, error) {
		return parseHandoverRow(f, 0)
	}, opts...)
}

// parseHandoverRow checks one handover row on its own; maxSmall > 0 also
// bounds its count (the small-box capacity).
func parseHandoverRow(f []string, maxSmall int) (HandoverRow, string, error) {
	var row HandoverRow
	school, err := studentid.ParseSchool(f[4])
	if len(f[4]) != studentid.SchoolLen || err != nil {
		return row, "school_code", gotWant(ErrFormat, f[4], "8 digits")
	}
	if f[0] != school.District().String() {
		return row, "district", gotWant(ErrFormat, f[0], school.District().String())
	}
	cat, err := strconv.Atoi(f[6])
	if err != nil || len(f[6]) != 1 || cat < 0 || cat > 9 {
		return row, "student_category", gotWant(ErrFormat, f[6], "0-9")
	}
	cohort, err := strconv.Atoi(f[7])
	if err != nil || len(f[7]) != 2 || cohort < 0 {
		return row, "cohort", gotWant(ErrFormat, f[7], "two digits")
	}
	count, err := strconv.Atoi(f[8])
	if err != nil || count < 1 || maxSmall > 0 && count > maxSmall {
		want := "≥1"
		if maxSmall > 0 {
			want = fmt.Sprintf("1-%d", maxSmall)
		}
		return row, "count", gotWant(ErrPacking, f[8], want)
	}
	for c := 1; c <= 3; c++ {
		if f[c] == "" {
			return row, Handovers.Columns[c], ErrRequired
		}
	}
	return HandoverRow{GroupCount: GroupCount{GroupKey: GroupKey{FactoryBatch: f[1], School: school, Category: studentid.StudentCategory(cat), Cohort: cohort}, SchoolName: f[5], Count: count}, BigBox: f[2], SmallBox: f[3]}, "", nil
}

// ReadHandover reads a handover sheet and checks C-PACK-1 on it: every small
// box appears once, holds one group and at most sizes.Small cards; a big box
// never mixes factory batches or districts and holds at most sizes.Big cards.
// within is the code of the level receiving the sheet (the city "01", a
// district, a school): a row of a school outside it, or outside the area of
// the sheet's own sender (unless a factory), is refused with ErrNotSender
// naming its line.
func ReadHandover(ctx context.Context, r io.Reader, name, within string, sizes BoxSizes) (*Handover, error) {
	if err := checkWithin(within); err != nil {
		return nil, err
	}
	sizes = sizes.withDefaults()
	h := &Handover{}
	type bigBox struct {
		batch    string
		district studentid.District
		count    int
	}
	bigs := map[string]*bigBox{}
	smalls := map[string]bool{}
	_, err := readTyped(ctx, r, name, Handovers, func(hdr Header, f []string) (HandoverRow, string, error) {
		row, field, err := parseHandoverRow(f, sizes.Small)
		if err != nil {
			return row, field, err
		}
		if !strings.HasPrefix(row.School.String(), within) {
			return row, "school_code", gotWant(ErrNotSender, row.School, "a school of "+within)
		}
		if hdr.Level != studentid.LevelFactory && !strings.HasPrefix(row.School.String(), hdr.Code) {
			return row, "school_code", gotWant(ErrNotSender, row.School, "a school of the sheet's sender "+hdr.Code)
		}
		count := row.Count
		if smalls[row.SmallBox] {
			return row, "small_box", detail(ErrPacking, "small box %s listed twice", row.SmallBox)
		}
		b := bigs[row.BigBox]
		if b == nil {
			b = &bigBox{batch: row.FactoryBatch, district: row.District()}
			bigs[row.BigBox] = b
		}
		if b.batch != row.FactoryBatch {
			return row, "factory_batch", gotWant(ErrPacking, row.FactoryBatch, "one batch per big box: "+b.batch)
		}
		if b.district != row.District() {
			return row, "district", gotWant(ErrPacking, row.District(), "one district per big box: "+b.district.String())
		}
		if b.count+count > sizes.Big {
			return row, "count", gotWant(ErrPacking, b.count+count, fmt.Sprintf("≤%d cards a big box", sizes.Big))
		}
		b.count += count
		smalls[row.SmallBox] = true
		return row, "", nil
	}, func(_ Record, row HandoverRow) error {
		h.Rows = append(h.Rows, row)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return h, nil
}

// CountDiff is one group whose counted cards differ from the sheet.
type CountDiff struct {
	GroupKey
	Sheet, Counted int
}

// Localize renders the difference for the operator who counted the cards
// (C-ISSUE-4), in the language tag.
func (d CountDiff) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "batch %s, school %s, student category %s, cohort %s: sheet %s, counted %s",
		d.FactoryBatch, d.School, strconv.Itoa(int(d.Category)), fmt.Sprintf("%02d", d.Cohort), strconv.Itoa(d.Sheet), strconv.Itoa(d.Counted))
}

// Reconcile compares the sheet with the cards counted (C-ISSUE-4). If they
// differ it returns the differences, an error matching ErrMismatch, and a
// regenerated sheet built from the counted cards (school names kept from the
// old sheet), which the upper level issues instead. within is the code of
// the level reconciling (the city "01", a district, a school): a sheet row
// or a counted card of a school outside it is refused with ErrNotSender
// naming the school, and nothing is regenerated.
func Reconcile(h *Handover, counted Tally, within string, sizes BoxSizes) (diffs []CountDiff, regenerated *Handover, err error) {
	if err := checkWithin(within); err != nil {
		return nil, nil, err
	}
	if h == nil {
		h = &Handover{} // no sheet: every counted card differs
	}
	for _, r := range h.Rows {
		if !strings.HasPrefix(r.School.String(), within) {
			return nil, nil, &ParseError{File: "handover", Field: "school_code", Err: gotWant(ErrNotSender, r.School, "a school of "+within)}
		}
	}
	for k := range counted {
		if !strings.HasPrefix(k.School.String(), within) {
			return nil, nil, &ParseError{File: "counted", Field: "school_code", Err: gotWant(ErrNotSender, k.School, "a school of "+within)}
		}
	}
	sheet := map[GroupKey]int{}
	names := map[studentid.School]string{}
	for _, g := range h.Counts() {
		sheet[g.GroupKey] = g.Count
		names[g.School] = g.SchoolName
	}
	for k, n := range sheet {
		if counted[k] != n {
			diffs = append(diffs, CountDiff{GroupKey: k, Sheet: n, Counted: counted[k]})
		}
	}
	for k, n := range counted {
		if _, ok := sheet[k]; !ok && n != 0 {
			diffs = append(diffs, CountDiff{GroupKey: k, Counted: n})
		}
	}
	if len(diffs) == 0 {
		return nil, nil, nil
	}
	slices.SortFunc(diffs, func(a, b CountDiff) int { return a.compare(b.GroupKey) })
	var counts []GroupCount
	for k, n := range counted {
		if n > 0 {
			counts = append(counts, GroupCount{GroupKey: k, SchoolName: names[k.School], Count: n})
		}
	}
	return diffs, Pack(counts, sizes), gotWant(ErrMismatch, fmt.Sprintf("%d group(s) differ", len(diffs)), "equal counts")
}
