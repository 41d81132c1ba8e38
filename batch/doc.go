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
// Each kind is a [Spec] fixing its columns; testdata/ holds a worked example
// of each, checked by golden-file tests (go test ./batch -run Golden -update
// rewrites them):
//
//	CARDDATA  [CardData]          school_name,name,gender,registry_no,resident_id,birth_date (C-1)
//	RARECHAR  [RareChars]         registry_no,name_pinyin,glyph,school_name,contact,report_date (C-4)
//	FAILURE   [Failures]          source_file,line,registry_no,field,code,message (C-MAKE-2/3, C-3)
//	RESULT    [Results]           registry_no,name,school_name,status,waste_reason,factory_batch (C-ISSUE-1)
//	HANDOVER  [Handovers]         district,factory_batch,big_box,small_box,school_code,school_name,
//	                              student_category,cohort,count (C-ISSUE-1/2/4, C-PACK-1)
//	PERSO     [Personalisations]  registry_no,card_serial,school_code,personalised_at,result,channel,operator (R-ISSUE-4)
//	FILING    [Filings]           registry_no,name,resident_id,card_serial,issued_on (R-ISSUE-5)
//	FAULT     [Faults]            slip_no,card_serial,registry_no,school_code,fault,found_on,stage,handler (R-FAULT-1)
//	RECOVERY  [Recoveries]        slip_no,card_serial,registry_no,school_code,cohort,epurse,recovered_on,handler (R-RECOVER-1)
//
// Gender is coded 1 male / 2 female (GB/T 2261.1); dates are YYYYMMDD, times
// RFC 3339; card serials upper-case hex. Typed writers (WriteResults,
// WritePerso, WriteFiling, WriteFaults, WriteRecoveries) run every row through
// the same checks as the readers, so a file is never written that its reader
// would refuse.
//
// The card-making package (C-MAKE-1) is a zip of carddata.txt, rarechars.txt
// (optional) and photos/<registry number>.jpg: see [PackageWriter],
// [CheckPackage] and [CheckPhoto]. Nothing else may be in it: every path that opens a package
// (CheckPackage, MergePackage, cardctl) goes through the strict reader
// [OpenPackage], which refuses a name used twice (whichever copy comes
// first), a name that is not a clean local path (absolute, "..", ".", a
// backslash, a control character), an entry that is not a regular file
// (symbolic link, directory, special mode bits) and any entry outside that
// layout (run.sh, photos/x/…), each with a [*PackageError] naming the entry.
//
// # Bounds
//
// Every intake does bounded work whatever it is sent:
//
//   - a deflated package entry expands at most [MaxCompressionRatio] (40:1;
//     real card-making data deflates about 6:1, the 5 million
//     identical records in 946 KB are 530:1), carddata.txt is at most
//     [MaxPackageDataBytes] (256 MiB) and rarechars.txt
//     [MaxPackageRareBytes] (16 MiB) uncompressed, a package has at most
//     [MaxPackageEntries] entries and its entries no more compressed bytes
//     than the archive: all checked from the zip directory before a record
//     is read (archive/zip then refuses content longer than declared), so
//     a 1 MB package holds at most 40 MB of data, about 530,000 records;
//   - a photo is read up to [DefaultMaxPhotoBytes] (PhotoRules.MaxBytes)
//     and decoded at most once, at 1/8 scale; photos are checked only when
//     the data passed, on GOMAXPROCS workers holding one photo each;
//   - a validation stops after Validator.MaxProblems problems
//     ([DefaultMaxProblems], 10,000): the file is refused with
//     Report.Capped and the failure file's last row (reason CAPPED) names
//     the line where the check stopped; the Report keeps the first
//     Validator.MaxErrors (100) problems;
//   - a failure file lists at most [DefaultMaxFailureRows] (10,000)
//     problems ([FailureWriter.SetMaxRows]) whatever feeds it; one last row
//     with reason CAPPED says how many more there were;
//   - a line is at most MaxLineLength, a rare-character description at most
//     MaxRareEntries entries;
//   - a merge forwards only what was accepted: a package under the SHA-256
//     [CheckPackage] reported (PackageReport.Digest, checked before and
//     after the merge reads it), a data file under the trailer digest its
//     validation verified (Report.Summary.Digest), else [ErrNotAccepted].
//
// BenchmarkHostilePackage measures time, peak heap and failure-file size of
// the bounded paths on 1 MB packages of several shapes (the data bomb,
// distinct failing records, valid records without photos, photos).
//
// # Photos (C-2)
//
// [CheckPhoto] applies C-2 ("recent, bare-headed, blue background, colour;
// head width and height 60-70 % of the photo's; 24-bit colour; 640×480 JPEG
// at best quality") as far as pixels can tell, each finding a typed error in
// both languages saying what was measured, refusing or warning by the
// district's [PhotoRules]:
//
//   - from the JPEG markers alone (microseconds, before any decoding): file
//     size, 640×480 either orientation, three 8-bit components (grey, CMYK
//     and 12-bit are refused), a coding the printer reads, and the quality
//     estimated from the quantisation tables — the IJG quality whose scaled
//     standard tables (ITU-T T.81 Annex K) are nearest, exact for libjpeg,
//     image/jpeg and most cameras — at least [DefaultMinPhotoQuality]; the
//     EXIF DateTimeOriginal against the injected clock (warns when older than
//     [DefaultMaxPhotoAge]); baseline or progressive and the chroma
//     subsampling are reported in [PhotoInfo];
//   - from one decode at 1/8 scale (the DC coefficient of every block; a
//     progressive JPEG through image/jpeg): the border's median colour in CIE
//     L*a*b* (top rows and outer columns of the upper half), blue when its hue
//     is 225-315° with chroma ≥ 20, borderline within 20° or 10 of chroma of
//     that (warns), clearly not blue otherwise (refused), the colour named in
//     the message; and the head: the figure is the connected region farther
//     than ΔE 25 from the background, the head its part above the narrowest
//     row of the neck, its height and width in percent of the photo's checked
//     against 60-70 % ± [DefaultHeadTolerance] (the measurement's resolution
//     is one 8-pixel block). When the border has no uniform colour, nothing
//     stands in front of it, or two figures do, the check says so (warns)
//     instead of guessing.
//
// BenchmarkPhotoCheck compares the check with a full image/jpeg decode;
// BenchmarkCheckPackagePhotos measures a package on every core.
//
// # Validation (C-MAKE-2, C-MAKE-3)
//
// [Validator] checks, in one streaming pass: the envelope and kind; the
// sender (a district takes school files, the city district files, from the
// scope Validator.Sender names: one school, any school of a district, one
// district, any district of the city); every
// field; the registry number (structure by studentid, optionally the vendor's
// check-digit scheme, S-ID-6) belonging to the sending school or district;
// eligibility (S-3: no student category 3, no school category 6); the
// resident ID number, and birth date and gender agreeing with it; duplicate
// registry numbers and resident IDs in the file; names encodable in GB2312 or
// covered by a rare-character entry (C-4); and, through the [History]
// interface, a registry number assigned before to another resident ID
// (S-ID-1). Every problem names file, line and field and carries a [Reason]
// code; a [FailureWriter] turns them into the failure file with Chinese
// texts. The file is accepted only when there is no problem at all; then a
// district merges accepted school uploads into its upload for the city, or
// prints a batch under 50 cards itself ([MayPrintLocally]).
//
// # District to city (C-MAKE-2, C-MAKE-3, C-4)
//
// The city validates the district's file the same way, rare names included,
// so the rare-character descriptions must travel with the data:
// [MergePackage] merges school packages into one district package (data,
// descriptions and photos) that the city checks with [CheckPackage];
// file-based tools use [MergeCardData] and [MergeRareChars] side by side and
// the city reads the district's description with ReadRareChars and the
// district code. Every merge streams and is all or nothing: an output left by
// a failed merge has no trailer (or, for a package, no zip directory) and is
// refused downstream.
//
// Memory: the validator keeps one line buffer and the duplicate sets, about
// 26 bytes a record (registry numbers in an append-only sorted run when they
// arrive in order, 8 bytes; resident IDs as 8-byte packed keys in sorted
// chunks merged at the end, with 10 bytes a record more so that a duplicate
// resident ID names the registry numbers of both records). That is 26 MiB
// for a million records; the 64 MiB heap bound holds to about 2.4 million
// records per file. TestValidatePeakHeap asserts it on 200,000 records.
//
// Throughput: BenchmarkValidate compares full validation with a bare
// encoding/csv + GB18030 decoding pass over the same file in the same run and
// reports x-vs-baseline (by CPU time; x-vs-baseline-wall by wall time). The
// file has 50,000 records by default; the 1,000,000-record case is
//
//	go test ./batch -run '^$' -bench Validate -benchtime 3x -batch.records 1000000
//
// # After the factory (C-ISSUE-1, C-ISSUE-2, C-ISSUE-4, C-PACK-1, C-5)
//
// [SplitResult] splits the factory's result file per district (city) or per
// school (district); [CheckWaste] computes the waste rate from data errors
// (liability over 3 %, C-5); [BuildHandover] and [Pack] pack the good cards
// into small boxes per school, student category and cohort and big boxes per
// factory batch and district, with [Handover.Labels]; [Reconcile] compares a
// sheet with the cards counted ([Tally]) and regenerates it on a mismatch.
//
// Test and demo data: package batch/batchtest generates deterministic valid
// records, packages, photos and the factory result files matching them.
//
// Values printed to operators (box labels, [CountDiff], [Waste], [Level])
// have Localize(tag) for Chinese or English; the labels' String is the
// Chinese printed on the boxes.
package batch
