// Package paper prints the papers the card flows end on, as PDF: the
// handover sheet each tier checks and signs (C-ISSUE-1, C-ISSUE-2), the
// factory's box labels (C-PACK-1), the fault slip (R-FAULT-1), the recovery
// slip (R-RECOVER-1, R-LEAVE-2), the replacement application kept at the
// school (C-REPLACE-1, R-LOSS-3), the reserve card register entry signed by
// hand (C-RESERVE-2), and the ID card face itself (S-1) at CR80 size for a
// card printer, for the small batches a district prints on reserve cards
// (C-MAKE-2, S-7).
//
// The renderers take the SDK's own types — a [batch.Handover], the slips'
// records, the card's [card.Student] with the photo that passed C-2 — so what
// is printed is what was checked. A4 papers carry a signature block with a
// line per party and a date (printed from [Options.Date], or a blank to fill
// in by hand); long sheets repeat their header and number their pages.
//
// Chinese text needs a CJK TrueType font: the caller's ([LoadFont],
// [ParseFont]) or the system's ([FindFont]: Debian's fonts-wqy-microhei,
// Windows' SimSun, …). It is embedded as a subset, so a sheet is tens of
// kilobytes. With no usable font the error is [ErrNoFont], saying how to
// get one; a character the font lacks (a rare character, C-4) is
// [ErrGlyph] naming it and its field, never a blank on a signed paper.
//
// ID card face (85.6 × 53.98 mm): the stage's background colour
// ([StageColour]: yellow primary, green junior, blue senior; none with
// [Options.Preprinted] for reserve cards), the school name across the top,
// the photo at left, name, gender, registry number and validity at right,
// and the registry number as a Code 128 barcode (0.3 mm modules with their
// quiet zones, code set C: 123 modules, 37 mm). The back's anti-counterfeit
// mark is pre-printed on the card stock and not printed here.
//
// Output is deterministic: the same data and options give the same bytes.
package paper
