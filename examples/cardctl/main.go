// Command cardctl is the operators' tool over the student card SDK: the
// school's step from a CMIS export to the card-making data file or package
// (make, C-MAKE-1), batch files (validate, split, merge, handover and its reconciliation with
// the cards counted), loss and freeze lists (lists export from a ledger,
// merge, build, diff, lookup), registry cards on a PC/SC reader or a
// simulated card (card personalise, register, inspect, recover) and the
// overdue report of a ledger database.
//
// Usage:
//
//	cardctl [global flags] <command> [flags] [files]
//
//	cardctl make --school 01080001 --photos photos/ -o school.zip 学生信息.xlsx
//	cardctl validate --level district --code 0108 --sender 01080001 school.txt
//	cardctl validate --code 0108 --history-db ledger.sqlite school.txt
//	cardctl split --by school --code 0108 --out parts/ result.txt
//	cardctl merge --code 0108 -o district.zip school1.zip school2.zip
//	cardctl merge --code 0108 -o district.txt --rare school1.rare.txt school1.txt school2.txt
//	cardctl validate --level city --sender 0108 --rare district.rarechars.txt district.txt
//	cardctl handover --level district --code 0108 --for 01080001 -o sheet.txt result.txt
//	cardctl handover reconcile --code 0108 --level district --sheet sheet.txt --counted scanned.txt
//	cardctl lists export --db ledger.sqlite --school 01080001 --day 2026-09-02
//	cardctl lists merge --level district --code 0108 -o day.txt LISTEVENT_*.txt
//	cardctl lists build --dev-keys lab --version 7 -o v7.bjsl day.txt
//	cardctl lists diff --dev-keys lab -o v6-v7.bjsd v6.bjsl v7.bjsl
//	cardctl lists lookup --dev-keys lab v7.bjsl 8601020304050607
//	cardctl card personalise --sim --sim-state card.json --dev-keys lab \
//	        --registry 0108012003203107 --name 王小明 --gender male --school-name 实验小学
//	cardctl card register --reader "ACS ACR122U 00 00" --wait 30s --school 080001 \
//	        --psam "SAM slot" --psam-config psam.json --semester 2026-2
//	cardctl card inspect --sim --sim-state card.json --dev-keys lab
//	cardctl card recover --sim --sim-state card.json --dev-keys lab --school 080001
//	cardctl overdue --db ledger.sqlite --level district --district 08
//
// Global flags, accepted before or after the command:
//
//	--lang zh|en   language of every message (default zh); errors are rendered
//	               by the SDK's l10n package with file, line and field
//	--json         one JSON document on stdout per command, for scripts:
//	               {"command","ok","exit_code","result"|"error"}
//	--quiet        print nothing but errors (and the JSON document)
//	--progress     show the progress bar (rate and ETA, on stderr) even when
//	               stderr is not a terminal; it is never written to stdout
//	--now RFC3339  the clock, for reproducible files and reports
//
// Output: what an operator reads, in Chinese by default, in English with
// --lang en; problems as the SDK renders them, with file, line and field:
//
//	$ cardctl validate --code 0108 bad.txt
//	bad.txt 第6行 字段出生日期（学籍号0108000103001049）：出生日期与身份证号不符：实际为19990101，应为20180101
//	bad.txt：40 条记录，1 条未通过，共 1 个问题：拒收
//	失败文件：bad.failures.txt
//	cardctl: 校验未通过：文件被拒收
//	$ echo $?
//	1
//
//	$ cardctl --lang en card register --sim --sim-state c.json --dev-keys lab --school 080001 --semester 2026-2
//	card 86274C2D734BB034 (SM4, registry): personalised
//	registered for semester 2026-2
//	student 0108000103001016 王小明 (male, primary), school 080001 北京市测试学校, valid 20260901-20300831
//	6 APDUs, 35.8 ms modelled (simulated card)
//	simulated card kept in c.json
//
// With --json the same run prints one document whose "command" names the
// command (and subcommand: "card register", "lists lookup"), "ok" and
// "exit_code" say how it ended, "result" holds the command's fields (stable
// snake_case names) and "error" {"kind", "message"} what stopped it; a
// refused file (exit 1) has a result and no error.
//
// Codes: batch files name senders as the SDK's batch package does (a school
// by 8 digits, a district by 4, the city "01"); the ledger's operators
// (overdue) name a district by 2 digits, as package lifecycle does.
//
// Exit codes:
//
//	0    ok
//	1    check failed: a file was refused and its failure file written
//	     (validate), or the cards counted differ from the handover sheet and
//	     the regenerated sheet was written (handover reconcile, C-ISSUE-4)
//	2    usage error: unknown command or flag, missing or bad argument
//	3    I/O or format error: a file is missing, truncated, altered or not of
//	     the expected kind, a list's signature does not verify
//	4    card, reader or SAM error: no card, card removed, wrong keys,
//	     operation not allowed in the card's state
//	5    forbidden: the operator's level or scope does not allow the request
//	6    not supported by this build or SDK (e.g. PC/SC without cgo)
//	130  interrupted (Ctrl-C)
//
// # District to city, and back
//
// merge builds the district's upload for the city from accepted school
// uploads: packages (zip) into one package, or data files into one file with
// the schools' rare-character descriptions (--rare) merged beside it; the
// city validates it with the description (validate --level city, --rare for a
// data file), so rare names accepted at the district are accepted there too
// (C-4). validate --history-db LEDGER also refuses a registry number the
// ledger assigned to another resident ID (S-ID-1).
//
// handover reconcile checks the cards counted on arrival against the sheet
// they came with (C-ISSUE-4). The counted file has one entry a line (blank
// lines and lines starting with # ignored): a registry number scanned from a
// card's barcode, optionally after its factory batch (BATCH,REGISTRY; needed
// when the sheet has several batches), or a small box of the sheet and the
// cards counted in it (SMALLBOX,COUNT). A card scanned twice counts once. On
// a mismatch it prints the differences per factory batch, school, student
// category and cohort, writes the regenerated sheet and exits with 1.
//
// lists export writes the day's loss/freeze event file of the operator's
// scope from a ledger database (R-LIST-1), the file lists merge takes at the
// next level; a loss is on the list of the day it is reported (R-LOSS-1: 2 working days are an upper bound, not a wait).
//
// # Keys
//
// --dev-keys SEED derives a development key set (card master keys, the Soft
// SAM and its management card, and the Ed25519 list-signing key)
// deterministically from SEED. It is NOT for production: anyone who knows the
// seed has the keys. In production the terminal's keys live in a PSAM
// (--psam READER with --psam-config FILE) and lists are signed with
// --sign-key FILE (PKCS #8 PEM) and verified with --pub-key FILE (PKIX PEM).
//
// # The simulated card
//
// --sim runs the card commands against a simulated card (package card/sim).
// card/sim cannot load a card's memory, so --sim-state FILE keeps the card
// between invocations as a journal: the card info and every operation applied
// (with its date and school), replayed through real card sessions on a fresh
// simulated card at each run, then checked against the digest of the card's
// files recorded last time. Without --sim-state every run starts with a blank
// card.
package main

import (
	"context"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
