// Package batch defines and processes every file that moves between the
// city, district and school tiers of the student card system (SPEC §3-§5):
// card-making data and its zip package with photos and the rare-character
// description, failure files, the card factory's result file, handover
// sheets with box labels, personalisation records, the registry filing file,
// fault slips and recovery slips. The loss/freeze lists (R-LIST-1) live in
// the subpackage batch/lists, on top of the same envelope.
//
// # The envelope (format version 1)
//
// Every file is line-oriented text, one record per line, in this shape:
//
//	#SCBATCH,1,<kind>,<kind version>,<level>,<code>,<batch>,<created>,<encoding>,<digest>
//	#COLUMNS,<column>,<column>,...
//	<record>
//	...
//	#END,<record count>,<hex digest>
//
// Line 1 is the header: the magic "#SCBATCH", the envelope version (1), the
// file kind (e.g. CARDDATA) and its layout version, the sender level (CITY,
// DISTRICT, SCHOOL or FACTORY) and code (the 8-digit school code = registry
// number positions 1-8, the 4-digit district code = positions 1-4, the city
// code "01", or a factory code), the sender's batch number, the creation time
// in RFC 3339, the record encoding (GB18030, the default, or UTF-8) and the
// digest algorithm (SHA256, the default, or SM3). The header is ASCII, so it
// can be read before the encoding is known. Line 2 names the columns.
//
// Records are CSV-style: fields separated by commas; a field holding a comma
// or a double quote (or a first field starting with '#') is enclosed in
// double quotes with inner quotes doubled, so school names such as
// 北京市"红旗"中学,分校 survive. Values never hold CR or LF, so a record is
// exactly one line and every error can name its line. Lines end in CRLF (what
// the Writer produces by default) or LF; readers accept both.
//
// The trailer holds the record count and the digest (SHA-256 or SM3) of the
// canonical bytes: header line, column line and every record line, each as
// encoded in the file, without its line ending, followed by a single LF. A
// CRLF↔LF conversion therefore keeps a file valid; a lost, added, changed or
// re-ordered line, a changed header, or a cut-off end does not. The digest
// protects against accidents and half transfers, not against a forger, who
// could recompute it (the reader lists of batch/lists are signed).
//
// # Reading before using: the two-pass design
//
// A truncated or altered file must be refused before any record is used, yet
// no reader may hold a whole file in memory. A [Reader] streams and checks the
// trailer when it reaches it, so it learns of damage only at the end. Three
// ways to be safe:
//
//   - [Verify] makes a checking pass; [Open] does it on an io.ReadSeeker and
//     rewinds, so the second pass only ever sees a verified file.
//   - [Spool] copies a one-shot stream to a temporary file while verifying
//     it and then reads the copy.
//   - Consumers that only collect (the [Validator], [SplitResult],
//     [MergeCardData]) use a single pass and commit nothing before io.EOF:
//     outputs they write get their trailers only when the input verified, so
//     an aborted output is itself refused downstream as truncated.
//
// # Kinds
//
// Each kind fixes its columns (see the Columns variables): CARDDATA, RARECHAR,
// FAILURE, RESULT, HANDOVER, PERSO, FILING, FAULT and RECOVERY. The
// card-making package is a zip of carddata.txt, rarechars.txt and
// photos/<registry number>.jpg; see [WritePackage] and [CheckPackage].
package batch
