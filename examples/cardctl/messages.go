package main

import "github.com/bjedu/studentcard/l10n"

// Help texts (catalog keys, rendered in the operator's language).
const (
	helpGlobal = `Global flags (before or after the command):
  --lang zh|en    language of messages (default zh)
  --json          one JSON document on stdout: {"command","ok","exit_code","result"|"error"}
  --quiet         print errors only
  --progress      progress bar with rate and ETA on stderr even if it is not a terminal
  --now RFC3339   clock for reproducible files and reports`
	helpExit = `Exit codes:
  0    ok
  1    check failed: a file refused (failure file written) or cards counted
       not matching the handover sheet (regenerated sheet written)
  2    usage error
  3    I/O or format error (missing, truncated, altered or foreign file; bad signature)
  4    card, reader or SAM error
  5    forbidden: outside the operator's level or scope
  6    not supported by this build (e.g. PC/SC without cgo)
  130  interrupted`
	helpOutputs = `Output files:
  An existing file is never replaced without --force (every command that writes takes it),
  an input of the command never, a symbolic link never written through; each file is written
  to a temporary file beside it and renamed into place when complete.
  Files holding personal data are created with mode 0600 (owner only): card-making data files
  and packages, rare-character descriptions, result files and their split parts, failure
  files, loss/freeze event files, fault and recovery slips (print faults|recoveries), the
  simulated card file. Others (handover sheets, box labels, signed lists and deltas) take
  0666 less the umask.
  Batch numbers: without --batch a file carries its sender's next free number of the day,
  C<YYYYMMDD>-<NNN>, one more than the highest of that sender and day in the headers of the
  files already in the output directory (001 for the first): keep a day's files in one
  directory, or give --batch.`
	helpKeys = `Keys: --dev-keys SEED derives development keys (cards, Soft SAM, list signing) from SEED:
NOT for production. Production uses --psam READER --psam-config FILE for cards and
--sign-key / --pub-key PEM files for lists.`

	helpMake = `cardctl make --school CODE [--photos DIR] [--batch B] -o OUT EXPORT
  The school's step (C-MAKE-1): read a CMIS export (xlsx or CSV, GB18030 or UTF-8) and write
  the card-making data file, or with --photos the card-making package with each student's
  photo DIR/<registry number>.jpg. Every bad cell is listed (row, column, value, what to do);
  if there is any, nothing is written and the exit code is 1: fix the cells in CMIS and export
  again (C-3). The records also pass the district's record rules before anything is written.`
	helpValidate = `cardctl validate [--level district|city] [--code CODE] [--sender CODE] [--failures FILE] [--rare FILE]
        [--history-db LEDGER] FILE
  Validate a card-making data file (.txt) or package (.zip with photos) as the district
  (school files, C-MAKE-2) or the city (district files, C-MAKE-3). If any record fails,
  the failure file (default FILE.failures.txt) is written for the sender and the exit code is 1.
  --rare FILE: the rare-character description beside a data file (C-4); a package has its own.
  --history-db LEDGER: refuse a registry number the ledger assigned to another resident ID (S-ID-1).`
	helpSplit = `cardctl split --by district|school [--code CODE] [--out DIR] RESULT
  Split a factory result file per district (at the city, C-ISSUE-1) or per school (at the
  district, C-ISSUE-2) into DIR/RESULT_<code>.txt.`
	helpMerge = `cardctl merge --code DISTRICT -o OUT [--rare FILE]... [--rare-out FILE] FILE...
  Merge accepted school uploads into the district's upload for the city (C-MAKE-2):
  school packages (.zip) into one district package (data, rare-character descriptions,
  photos), or school data files into the district file, their rare-character descriptions
  (--rare, one per school) into OUT.rarechars.txt beside it (C-4: the city needs them).`
	helpHandover = `cardctl handover [--level city|district] [--code CODE] [--for CODE] [-o SHEET] [--big N] [--small N] RESULT
  Pack the good cards of a result file into boxes (C-PACK-1), print the box labels and
  write the handover sheet (C-ISSUE-1/2), for everything or one district or school.
cardctl handover reconcile --sheet SHEET --counted FILE [--level city|district] [--code CODE]
        [--factory-batch BATCH] [-o NEW] [--big N] [--small N]
  Check the cards counted on arrival against the sheet (C-ISSUE-4). FILE has one line per
  card scanned (REGISTRY, or BATCH,REGISTRY) or per small box counted (SMALLBOX,COUNT).
  On a mismatch the differences per batch, school, student category and cohort are
  printed, the regenerated sheet (default SHEET.regenerated.txt) is written and the
  exit code is 1.`
	helpLists = `cardctl lists export --db FILE [--level school|district|city] [--school CODE] [--district DD] --day YYYY-MM-DD [-o OUT] [--force]
  Write the day's loss/freeze event file of the operator's scope from the ledger (R-LIST-1),
  default LISTEVENT_<code>_<YYYYMMDD>.txt; a loss is listed on the day it is reported (R-LOSS-1).
  An existing OUT is not replaced without --force.
cardctl lists merge [--level district|city] [--code CODE] -o OUT EVENTS...
  Merge daily loss/freeze event files (R-LIST-1); duplicates dropped, conflicts reported.
cardctl lists build (--sign-key PEM | --dev-keys SEED) --version N [--base LIST] [--covers all|lost|frozen] -o LIST EVENTS...
  Fold event files into card statuses and build the signed compact list for readers;
  --version must be above the base list's version (anti-rollback).
cardctl lists diff (--sign-key PEM | --dev-keys SEED) [--pub-key PEM] -o DELTA BASE TARGET
  Make the signed delta from one list version to a later one.
cardctl lists lookup (--pub-key PEM | --dev-keys SEED) [--held LIST] [--delta DELTA]... LIST SERIAL...
  Verify a list (after applying deltas) and look card serials up; with --held, as a reader
  holding that list: an older list, or another list of its version, is refused.`
	helpCard = `cardctl card personalise|register|inspect|recover (--sim [--sim-state FILE] | --reader NAME)
        (--dev-keys SEED | --psam READER --psam-config FILE) [--school CODE] [--wait 30s]
  personalise --registry N --name NAME --gender male|female --school-name NAME
              [--valid-from YYYYMMDD] [--valid-until YYYYMMDD]
              (stage and validity follow from the registry number; --school defaults to its school)
  register    [--semester YYYY-T]
  inspect     (read everything: card info, state, student, operation log)
  recover     (the recovery operation: personal data wiped, final)
  --sim uses a simulated card; --sim-state FILE keeps it between runs as a journal of
  operations replayed at each run (without it every run starts with a blank card).`
	helpOverdue = `cardctl overdue --db FILE [--level city|district|school] [--district DD] [--school CODE] [--limit N]
  List the open deadlines past due in the operator's scope (R-TIME-1, R-LOSS-3, R-ISSUE-4).`
	helpLedger = `cardctl ledger init --db FILE
  Create an empty ledger database FILE (it must not exist). Every other command opens an
  existing ledger only: a missing or empty file, another application's database or a ledger
  of another schema version is refused (exit 3) and never changed.
cardctl ledger migrate --db FILE [--backup COPY]
  Bring a ledger written by an older release to this release's schema, after writing a copy
  of it to COPY (default FILE.backup-<YYYYMMDDhhmmss>; it must not exist).`
	helpHelp = `cardctl help [COMMAND]
  Without COMMAND: the commands, the global flags, the exit codes and the keys.
  With COMMAND: that command's flags and what it does (also: cardctl COMMAND --help).
cardctl --version
  The version and revision cardctl was built from.`
	helpPrint = `cardctl print handover|labels|faults|recoveries -o OUT.pdf [--font FONT] FILE
  handover   --from PARTY --to PARTY [--no N] [--big N] [--small N] HANDOVER_FILE
             the handover sheet with its signature block (C-ISSUE-1, C-ISSUE-2)
  labels     [--big N] [--small N] HANDOVER_FILE: the box labels (C-PACK-1)
  faults     --from PARTY --to PARTY [--no N] FAULT_FILE: the fault slip (R-FAULT-1)
  recoveries --from PARTY --to PARTY [--no N] RECOVERY_FILE: the recovery slip (R-RECOVER-1)
  Printed in the --lang language and dated by --now; the font is the system's Chinese
  TrueType font (Debian: fonts-wqy-microhei) unless --font names one.`
)

// commandHelp returns a command's help text (a catalog key).
func commandHelp(name string) (string, bool) {
	switch name {
	case "make":
		return helpMake, true
	case "validate":
		return helpValidate, true
	case "split":
		return helpSplit, true
	case "merge":
		return helpMerge, true
	case "handover":
		return helpHandover, true
	case "lists":
		return helpLists, true
	case "card":
		return helpCard, true
	case "overdue":
		return helpOverdue, true
	case "print":
		return helpPrint, true
	case "ledger":
		return helpLedger, true
	}
	return "", false
}

// messages is cardctl's catalog: every text it prints, in English and Chinese.
var messages = l10n.NewCatalog(
	// help
	l10n.Entry{Key: "usage: cardctl [global flags] <command> [flags] [files]", ZH: "用法：cardctl [全局参数] <命令> [参数] [文件]"},
	l10n.Entry{Key: "Commands:", ZH: "命令："},
	l10n.Entry{Key: "Run 'cardctl help' for usage.", ZH: "运行 'cardctl help' 查看用法。"},
	l10n.Entry{Key: "validate a card-making data file or package; write the failure file", ZH: "校验制卡数据文件或数据包，写出失败文件"},
	l10n.Entry{Key: "split a factory result file per district or school", ZH: "按区或按学校拆分卡厂结果文件"},
	l10n.Entry{Key: "merge accepted school card-making files into the district file", ZH: "把校验通过的学校制卡文件合并为区制卡文件"},
	l10n.Entry{Key: "pack a result file into boxes and write the handover sheet", ZH: "按结果文件装箱并生成交接单"},
	l10n.Entry{Key: "loss/freeze lists: export, merge, build, diff, lookup", ZH: "挂失/冻结名单：导出、合并、生成、差分、查询"},
	l10n.Entry{Key: "registry card: personalise, register, inspect, recover", ZH: "学籍卡：个人化、注册、读卡、回收"},
	l10n.Entry{Key: "overdue deadlines of a ledger database", ZH: "台账数据库中的超期事项"},
	l10n.Entry{Key: "show help for a command", ZH: "显示命令的帮助"},
	l10n.Entry{Key: helpGlobal, ZH: `全局参数（可放在命令前或命令后）：
  --lang zh|en    提示语言（默认 zh）
  --json          在标准输出写一个 JSON 文档：{"command","ok","exit_code","result"|"error"}
  --quiet         只输出错误
  --progress      即使标准错误不是终端，也显示带速率和剩余时间的进度条
  --now RFC3339   时钟，用于生成可复现的文件和报告`},
	l10n.Entry{Key: helpExit, ZH: `退出码：
  0    成功
  1    核对未通过：文件被拒收（已写出失败文件）或清点结果与交接单不符
       （已写出重新生成的交接单）
  2    用法错误
  3    输入输出或格式错误（文件缺失、截断、被改动或类型不符；签名不符）
  4    卡片、读卡器或 SAM 错误
  5    禁止：超出操作员的级别或范围
  6    本版本不支持（例如未启用 cgo 时的 PC/SC）
  130  被中断`},
	l10n.Entry{Key: helpOutputs, ZH: `输出文件：
  已存在的文件不加 --force 不予替换（所有写文件的命令都有此参数）；命令的输入文件一律不覆盖；
  不通过符号链接写入。每个文件先写到旁边的临时文件，写完后再改名到位。
  含个人信息的文件以 0600 权限（仅本人可读写）新建：制卡数据文件和数据包、生僻字说明、
  结果文件及其拆分文件、失败文件、挂失/冻结事件文件、故障卡登记单和回收单
  （print faults|recoveries）、模拟卡文件。其他文件（交接单、装箱标签、签名名单及差分）
  的权限为 0666 去掉 umask。
  批次号：不指定 --batch 时，文件使用报送单位当天的下一个空闲批次号 C<YYYYMMDD>-<NNN>，
  即输出目录中已有文件头里该单位当天最大批次号加一（第一个为 001）：请把当天的文件放在
  同一目录，或用 --batch 指定。`},
	l10n.Entry{Key: helpKeys, ZH: `密钥：--dev-keys 种子 由种子派生开发密钥（卡片、软 SAM、名单签名）：
切勿用于生产。生产环境中卡片使用 --psam 读卡器 --psam-config 文件，
名单使用 --sign-key / --pub-key PEM 文件。`},
	l10n.Entry{Key: helpMake, ZH: `cardctl make --school 学校代码 [--photos 目录] [--batch 批次] -o 输出文件 导出文件
  学校的制卡步骤（C-MAKE-1）：读取学籍系统（CMIS）导出文件（xlsx 或 CSV，GB18030 或 UTF-8），
  写出制卡数据文件；加 --photos 时写出制卡数据包，每名学生的照片为 目录/<学籍号>.jpg。
  列出每个有误的单元格（行、列、值、处理办法）；只要有一处有误，就不写出任何文件，退出码为 1：
  请在学籍系统中改正后重新导出（C-3）。写出之前，记录还要通过区级的记录校验规则。`},
	l10n.Entry{Key: "make the card-making data file or package from a CMIS export (the school's step)", ZH: "由学籍系统导出文件生成制卡数据文件或数据包（学校的步骤）"},
	l10n.Entry{Key: "the export has bad cells: fix them in CMIS and export again (C-3); nothing was written", ZH: "导出文件有误：请在学籍系统中改正后重新导出（C-3）；未写出任何文件"},
	l10n.Entry{Key: "registry number of another school", ZH: "学籍号属于其他学校"},
	l10n.Entry{Key: "no photo named by the registry number", ZH: "没有以学籍号命名的照片"},
	l10n.Entry{Key: "photo refused (C-2)", ZH: "照片不合格（C-2）"},
	l10n.Entry{Key: "%s: %s, %s: nothing written", ZH: "%s：%s，%s：未写出任何文件"},
	l10n.Entry{Key: "%d rows", One: "%d row", ZH: "%d 行"},
	l10n.Entry{Key: "%d bad cells", One: "%d bad cell", ZH: "%d 处有误"},
	l10n.Entry{Key: "%s: %s and %d photos written to %s (C-MAKE-1)", ZH: "%s：%s和 %d 张照片已写入 %s（C-MAKE-1）"},
	l10n.Entry{Key: "%s: %s written to %s (C-MAKE-1)", ZH: "%s：%s已写入 %s（C-MAKE-1）"},
	l10n.Entry{Key: "make takes one CMIS export", ZH: "make 需要一个学籍系统导出文件"},
	l10n.Entry{Key: "--school: %q is not a school code (8 digits)", ZH: "--school：%q 不是学校代码（8 位数字）"},
	l10n.Entry{Key: "make needs -o, the file to write", ZH: "make 需要 -o 指定输出文件"},
	l10n.Entry{Key: "reading the export", ZH: "读取导出文件"},
	l10n.Entry{Key: "positions 1-8 are %s, this is school %s", ZH: "第1-8位为%s，本校为%s"},
	l10n.Entry{Key: "%s (row %d of the export)", ZH: "%s（导出文件第%d行）"},
	l10n.Entry{Key: ": file a rare-character description with the district (C-4)", ZH: "：请向区里报送生僻字说明（C-4）"},
	l10n.Entry{Key: ": fix it in CMIS and export again (C-3)", ZH: "：请在学籍系统中改正后重新导出（C-3）"},
	l10n.Entry{Key: helpValidate, ZH: `cardctl validate [--level district|city] [--code 代码] [--sender 代码] [--failures 文件] [--rare 文件]
        [--history-db 台账] 文件
  以区级（校验学校文件，C-MAKE-2）或市级（校验区文件，C-MAKE-3）身份校验制卡数据文件（.txt）
  或数据包（含照片的 .zip）。只要有一条记录未通过，就为报送方写出失败文件
  （默认 文件名.failures.txt），退出码为 1。
  --rare 文件：与数据文件配套的生僻字说明（C-4）；数据包自带。
  --history-db 台账：学籍号在台账中已分配给其他身份证号的，拒收（S-ID-1）。`},
	l10n.Entry{Key: helpSplit, ZH: `cardctl split --by district|school [--code 代码] [--out 目录] 结果文件
  把卡厂结果文件按区（市级，C-ISSUE-1）或按学校（区级，C-ISSUE-2）拆分为
  目录/RESULT_<代码>.txt。`},
	l10n.Entry{Key: helpMerge, ZH: `cardctl merge --code 区代码 -o 输出文件 [--rare 文件]... [--rare-out 文件] 文件...
  把校验通过的学校上报合并为报送市级的区上报（C-MAKE-2）：学校数据包（.zip）合并为一个
  区数据包（数据、生僻字说明、照片）；或把学校数据文件合并为区数据文件，各校的生僻字说明
  （--rare，每校一个）合并为同目录的 输出文件.rarechars.txt（C-4：市级校验需要它）。`},
	l10n.Entry{Key: helpHandover, ZH: `cardctl handover [--level city|district] [--code 代码] [--for 代码] [-o 交接单] [--big N] [--small N] 结果文件
  把结果文件中的合格卡装箱（C-PACK-1），打印箱签并写出交接单（C-ISSUE-1/2），
  可针对全部或某个区、某所学校。
cardctl handover reconcile --sheet 交接单 --counted 清点文件 [--level city|district] [--code 代码]
        [--factory-batch 批次] [-o 新交接单] [--big N] [--small N]
  按交接单核对到货清点结果（C-ISSUE-4）。清点文件每行一张扫描的卡（学籍号，或 批次,学籍号）
  或一个清点的小箱（小箱号,张数）。不符时按批次、学校、学生类别和届别列出差异，
  写出重新生成的交接单（默认 交接单.regenerated.txt），退出码为 1。`},
	l10n.Entry{Key: helpLists, ZH: `cardctl lists export --db 文件 [--level school|district|city] [--school 代码] [--district 两位代码] --day YYYY-MM-DD [-o 输出文件] [--force]
  从台账导出操作员范围内当天的挂失/冻结事件文件（R-LIST-1），默认 LISTEVENT_<代码>_<YYYYMMDD>.txt；
  挂失在办理当天列入（R-LOSS-1）。输出文件已存在时，不加 --force 不予替换。
cardctl lists merge [--level district|city] [--code 代码] -o 输出文件 事件文件...
  合并每日挂失/冻结事件文件（R-LIST-1）；去掉重复事件，报告冲突。
cardctl lists build (--sign-key PEM | --dev-keys 种子) --version N [--base 名单] [--covers all|lost|frozen] -o 名单 事件文件...
  把事件归并为卡片状态，生成供读卡设备使用的已签名紧凑名单；
  --version 必须大于基准名单的版本（防回滚）。
cardctl lists diff (--sign-key PEM | --dev-keys 种子) [--pub-key PEM] -o 差分文件 基准名单 目标名单
  生成从一个名单版本到后续版本的已签名差分。
cardctl lists lookup (--pub-key PEM | --dev-keys 种子) [--held 名单] [--delta 差分]... 名单 卡号...
  校验名单（先应用差分）并查询卡号；指定 --held 时按持有该名单的读卡设备处理：
  比它旧的名单、或版本相同而内容不同的名单均被拒绝。`},
	l10n.Entry{Key: helpCard, ZH: `cardctl card personalise|register|inspect|recover (--sim [--sim-state 文件] | --reader 名称)
        (--dev-keys 种子 | --psam 读卡器 --psam-config 文件) [--school 学校代码] [--wait 30s]
  personalise --registry 学籍号 --name 姓名 --gender male|female --school-name 校名
              [--valid-from YYYYMMDD] [--valid-until YYYYMMDD]
              （学段和有效期由学籍号决定；--school 默认为学籍号所属学校）
  register    [--semester YYYY-T]
  inspect     （读出全部内容：卡片信息、状态、学生信息、操作日志）
  recover     （回收操作：清除个人数据，不可恢复）
  --sim 使用模拟卡；--sim-state 文件 以操作日志的形式在多次运行之间保留模拟卡，
  每次运行时重放（不指定时每次都从空白卡开始）。`},
	l10n.Entry{Key: helpOverdue, ZH: `cardctl overdue --db 文件 [--level city|district|school] [--district 两位代码] [--school 代码] [--limit N]
  列出操作员范围内已超期的未办结事项（R-TIME-1、R-LOSS-3、R-ISSUE-4）。`},
	l10n.Entry{Key: helpLedger, ZH: `cardctl ledger init --db 文件
  新建空台账数据库（文件不得已存在）。其他命令只打开已有的台账：文件不存在、为空、
  属于其他应用程序或结构版本不同的，一律拒绝（退出码 3），且不作任何改动。
cardctl ledger migrate --db 文件 [--backup 副本]
  把旧版本写的台账迁移到本版本的结构，迁移前先把台账复制到副本
  （默认 文件.backup-<YYYYMMDDhhmmss>；副本不得已存在）。`},
	l10n.Entry{Key: "create a ledger database, or migrate one after backing it up", ZH: "新建台账数据库，或先备份再迁移台账"},
	l10n.Entry{Key: "ledger %s migrated to schema version %d; the file as it was is in %s", ZH: "台账 %[1]s 已迁移到结构版本 %[2]d；迁移前的文件保存在 %[3]s"},
	l10n.Entry{Key: "ledger %s created, schema version %d", ZH: "已新建台账 %[1]s，结构版本 %[2]d"},
	l10n.Entry{Key: "ledger %s is at schema version %d: nothing to migrate", ZH: "台账 %[1]s 的结构版本已是 %[2]d，无需迁移"},
	l10n.Entry{Key: "ledger needs a subcommand: init or migrate", ZH: "ledger 需要子命令：init 或 migrate"},
	l10n.Entry{Key: "unknown ledger subcommand %q (want init or migrate)", ZH: "未知的 ledger 子命令 %q（应为 init 或 migrate）"},
	l10n.Entry{Key: "ledger database (SQLite file) to create; it must not exist", ZH: "要新建的台账数据库（SQLite 文件），不得已存在"},
	l10n.Entry{Key: "ledger database (SQLite file) to migrate", ZH: "要迁移的台账数据库（SQLite 文件）"},
	l10n.Entry{Key: "where to write the copy made before migrating (default FILE.backup-<YYYYMMDDhhmmss>); it must not exist", ZH: "迁移前副本的写入位置（默认 文件.backup-<YYYYMMDDhhmmss>），不得已存在"},
	l10n.Entry{Key: helpHelp, ZH: `cardctl help [命令]
  不带命令：列出全部命令、全局参数、退出码和密钥说明。
  带命令：该命令的参数及用途（也可用 cardctl 命令 --help）。
cardctl --version
  显示 cardctl 构建时的版本和修订号。`},
	l10n.Entry{Key: "print the version and exit", ZH: "显示版本后退出"},
	l10n.Entry{Key: "--district is required for a district operator", ZH: "区级操作员必须给出 --district"},
	l10n.Entry{Key: "--school is required for a school operator", ZH: "校级操作员必须给出 --school"},
	l10n.Entry{Key: helpPrint, ZH: `cardctl print handover|labels|faults|recoveries -o 输出.pdf [--font 字体] 文件
  handover   --from 交付方 --to 接收方 [--no 编号] [--big N] [--small N] 交接单文件
             交接单，带签字栏（C-ISSUE-1、C-ISSUE-2）
  labels     [--big N] [--small N] 交接单文件：装箱标签（C-PACK-1）
  faults     --from 交付方 --to 接收方 [--no 编号] 故障卡文件：故障卡登记单（R-FAULT-1）
  recoveries --from 交付方 --to 接收方 [--no 编号] 回收文件：回收单（R-RECOVER-1）
  按 --lang 的语言打印，日期取 --now；字体默认使用系统的 TrueType 中文字体
  （Debian：fonts-wqy-microhei），也可用 --font 指定。`},

	// errors and usage
	l10n.Entry{Key: "usage error: %s", ZH: "用法错误：%s"},
	l10n.Entry{Key: "%s", ZH: "%s"}, // a flag error package flag words itself
	l10n.Entry{Key: "unknown command %q", ZH: "未知命令 %q"},
	l10n.Entry{Key: "unknown flag %s", ZH: "未知参数 %s"},
	l10n.Entry{Key: "flag needs a value: %s", ZH: "参数缺少取值：%s"},
	l10n.Entry{Key: "bad value for flag %s", ZH: "参数 %s 的取值无效"},
	l10n.Entry{Key: "unknown language %q (want zh or en)", ZH: "未知语言 %q（应为 zh 或 en）"},
	l10n.Entry{Key: "--now: %q is not an RFC 3339 time", ZH: "--now：%q 不是 RFC 3339 时间"},
	l10n.Entry{Key: "unexpected argument %q", ZH: "多余的参数 %q"},
	l10n.Entry{Key: "-o is required", ZH: "必须指定 -o"},
	l10n.Entry{Key: "--level: %q is not city, district or school", ZH: "--level：%q 不是 city、district 或 school"},
	l10n.Entry{Key: "--level: %q is not district or city", ZH: "--level：%q 不是 district 或 city"},
	l10n.Entry{Key: "--code is required at level %s", ZH: "级别 %s 必须指定 --code"},
	l10n.Entry{Key: "validation failed: the file is refused", ZH: "校验未通过：文件被拒收"},
	l10n.Entry{Key: "%s is refused (%d problems, first: %s): validate it and merge only accepted files", ZH: "%[1]s未通过校验（%[2]d个问题，第一个：%[3]s）：请先校验，只合并通过校验的文件"},
	l10n.Entry{Key: "--for: %q is not under %s (--code)", ZH: "--for：%[1]q不在%[2]s（--code）范围内"},
	l10n.Entry{Key: "registry number %s is not under %s", ZH: "学籍号%[1]s不属于%[2]s"},
	l10n.Entry{Key: "--code: %q is not the code of a %s (%d digits)", ZH: "--code：%[1]q不是%[2]s代码（%[3]d位数字）"},
	l10n.Entry{Key: "--sender: %q is not a sender under %s (%d digits starting with %s)", ZH: "--sender：%[1]q不是%[2]s下属的报送单位（应为以%[4]s开头的%[3]d位数字）"},
	l10n.Entry{Key: "no such file", ZH: "文件不存在"},
	l10n.Entry{Key: "permission denied", ZH: "没有权限"},
	l10n.Entry{Key: "file already exists", ZH: "文件已存在"},
	l10n.Entry{Key: "%s %s: %s", ZH: "%[1]s %[2]s：%[3]s"},
	l10n.Entry{Key: "open", ZH: "打开"},
	l10n.Entry{Key: "create", ZH: "新建"},
	l10n.Entry{Key: "%s is not a regular file", ZH: "%[1]s 不是普通文件"},
	l10n.Entry{Key: "%s is not a readable zip archive: truncated or damaged in transfer", ZH: "%[1]s 不是可读取的 zip 压缩包：文件不完整或在传输中损坏"},
	l10n.Entry{Key: "%s is a symbolic link: refusing to write through it", ZH: "%[1]s 是符号链接：拒绝通过它写入"},
	l10n.Entry{Key: "%s is also an input of the command: refusing to write over it", ZH: "%[1]s 同时是本命令的输入文件：拒绝覆盖"},
	l10n.Entry{Key: "replace the output file if it exists", ZH: "输出文件已存在时替换它"},
	l10n.Entry{Key: batchUsage, ZH: "所写文件的批次号（默认：输出目录中报送单位当天下一个空闲的 C<YYYYMMDD>-<NNN>）"},
	l10n.Entry{Key: "%s exists: refusing to replace it (give --force to replace it)", ZH: "%[1]s 已存在：不予替换（替换请加 --force）"},
	l10n.Entry{Key: "read", ZH: "读取"},
	l10n.Entry{Key: "write", ZH: "写入"},
	l10n.Entry{Key: "stat", ZH: "查看"},
	l10n.Entry{Key: "mkdir", ZH: "创建目录"},
	l10n.Entry{Key: "rename", ZH: "重命名"},
	l10n.Entry{Key: "warning: %s", ZH: "警告：%s"},
	l10n.Entry{Key: "key file %s: not %s", ZH: "密钥文件 %s：不是 %s"},
	l10n.Entry{Key: "a PSAM description (JSON)", ZH: "PSAM 描述文件（JSON）"},
	l10n.Entry{Key: "a PSAM description (suite SM4 or 3DES)", ZH: "PSAM 描述文件（suite 应为 SM4 或 3DES）"},
	l10n.Entry{Key: "a PSAM description (df in hex)", ZH: "PSAM 描述文件（df 应为十六进制）"},
	l10n.Entry{Key: "a PSAM description (management_card in hex)", ZH: "PSAM 描述文件（management_card 应为十六进制）"},
	l10n.Entry{Key: "development keys from --dev-keys: NOT for production", ZH: "正在使用 --dev-keys 派生的开发密钥：切勿用于生产"},
	l10n.Entry{Key: "simulated card file %s: %s", ZH: "模拟卡文件 %s：%s"},
	l10n.Entry{Key: "not a cardctl simulated card file", ZH: "不是 cardctl 模拟卡文件"},
	l10n.Entry{Key: "bad serial", ZH: "卡号无效"},
	l10n.Entry{Key: "bad suite", ZH: "算法套件无效"},
	l10n.Entry{Key: "bad issue date", ZH: "发卡日期无效"},
	l10n.Entry{Key: "operation %d (%s) does not replay", ZH: "第 %d 个操作（%s）无法重放"},
	l10n.Entry{Key: "the card was made with other --dev-keys", ZH: "该卡是用另一组 --dev-keys 制作的"},
	l10n.Entry{Key: "the replayed card differs from the one saved", ZH: "重放得到的卡与保存时不一致"},
	l10n.Entry{Key: "--school is required: the terminal's school code goes into the card's log", ZH: "必须指定 --school：终端的学校代码要写入卡片日志"},

	// batch
	l10n.Entry{Key: "validate takes one file", ZH: "validate 只接受一个文件"},
	l10n.Entry{Key: "validate needs a file, not stdin (the failure file is named after it)", ZH: "validate 需要文件而不是标准输入（失败文件以它命名）"},
	l10n.Entry{Key: "validating", ZH: "校验中"},
	l10n.Entry{Key: "%s: %s, all passed: accepted", ZH: "%s：%s，全部通过：接收"},
	l10n.Entry{Key: "fewer than %d cards: the district may print this batch itself (C-MAKE-2)", ZH: "不足 %d 张：本批可由区里自行制作（C-MAKE-2）"},
	l10n.Entry{Key: "%s: %s, %d failed, %s: refused", ZH: "%s：%s，%d 条未通过，共 %s：拒收"},
	l10n.Entry{Key: "%d problems", One: "%d problem", ZH: "%d 个问题"},
	l10n.Entry{Key: "failure file: %s", ZH: "失败文件：%s"},
	l10n.Entry{Key: "split takes one result file", ZH: "split 只接受一个结果文件"},
	l10n.Entry{Key: "--by: %q is not district or school", ZH: "--by：%q 不是 district 或 school"},
	l10n.Entry{Key: "splitting", ZH: "拆分中"},
	l10n.Entry{Key: "%s: %s -> %s", ZH: "%s：%s -> %s"},
	l10n.Entry{Key: "%d parts written", One: "%d part written", ZH: "共写出 %d 个文件"},
	l10n.Entry{Key: "merge takes one or more school files", ZH: "merge 需要一个或多个学校文件"},
	l10n.Entry{Key: "merging", ZH: "合并中"},
	l10n.Entry{Key: "%s merged: %s -> %s", ZH: "已合并 %s：%s -> %s"},
	l10n.Entry{Key: "%d files", One: "%d file", ZH: "%d 个文件"},
	l10n.Entry{Key: "%d records", One: "%d record", ZH: "%d 条记录"},
	l10n.Entry{Key: "%d rare-character descriptions", One: "%d rare-character description", ZH: "%d 条生僻字说明"},
	l10n.Entry{Key: "%d photos", One: "%d photo", ZH: "%d 张照片"},
	l10n.Entry{Key: "%s and %s in the package", ZH: "数据包内含%s和%s"},
	l10n.Entry{Key: "%s -> %s", ZH: "%s -> %s"},
	l10n.Entry{Key: "--rare and --rare-out are for data files: a package carries its description", ZH: "--rare 和 --rare-out 用于数据文件：数据包自带生僻字说明"},
	l10n.Entry{Key: "merge takes either school packages (zip) or school data files, not both", ZH: "merge 只能合并学校数据包（zip）或学校数据文件，不能混合"},
	l10n.Entry{Key: "--code: %q is not a district code (4 digits)", ZH: "--code：%q 不是区代码（4位数字）"},
	l10n.Entry{Key: "--rare is for a data file: a package carries its description", ZH: "--rare 用于数据文件：数据包自带生僻字说明"},
	l10n.Entry{Key: "handover takes one result file", ZH: "handover 只接受一个结果文件"},
	l10n.Entry{Key: "box sizes must not be negative", ZH: "装箱容量不能为负数"},
	l10n.Entry{Key: "packing", ZH: "装箱中"},
	l10n.Entry{Key: "%s in %s", ZH: "共 %s，%s"},
	l10n.Entry{Key: "%d small boxes", One: "%d small box", ZH: "%d 个小箱"},
	l10n.Entry{Key: "handover sheet: %s", ZH: "交接单：%s"},
	l10n.Entry{Key: "the cards counted do not match the handover sheet: a regenerated sheet was written", ZH: "清点结果与交接单不符：已写出重新生成的交接单"},
	l10n.Entry{Key: "handover reconcile needs --sheet and --counted", ZH: "handover reconcile 需要 --sheet 和 --counted"},
	l10n.Entry{Key: "%s line %d: %s", ZH: "%s 第%d行：%s"},
	l10n.Entry{Key: "%s: %s", ZH: "%s：%s"},
	l10n.Entry{Key: "the sheet has several factory batches: write BATCH,REGISTRY or give --factory-batch", ZH: "交接单含多个卡厂批次：请写成 批次,学籍号 或指定 --factory-batch"},
	l10n.Entry{Key: "small box %q is not on the sheet", ZH: "小箱 %q 不在交接单上"},
	l10n.Entry{Key: "count %q is not a number of cards", ZH: "数量 %q 不是卡片张数"},
	l10n.Entry{Key: "small box %s counted twice (first on line %d)", ZH: "小箱 %s 重复清点（首次在第%d行）"},
	l10n.Entry{Key: "want REGISTRY, BATCH,REGISTRY or SMALLBOX,COUNT", ZH: "应为 学籍号、批次,学籍号 或 小箱号,张数"},
	l10n.Entry{Key: "registry number %q", ZH: "学籍号 %q"},
	l10n.Entry{Key: "line too long (more than %d bytes)", ZH: "行太长（超过 %d 字节）"},
	l10n.Entry{Key: "%d cards scanned more than once, counted once", One: "%d card scanned more than once, counted once", ZH: "%d 张卡被重复扫描，只计一次"},
	l10n.Entry{Key: "%s: the cards counted match the sheet (%s)", ZH: "%s：清点结果与交接单一致（%s）"},
	l10n.Entry{Key: "%d cards", One: "%d card", ZH: "%d 张卡"},
	l10n.Entry{Key: "%d groups", One: "%d group", ZH: "%d 组"},
	l10n.Entry{Key: "%s: counts differ in %s: sheet %s, counted %s", ZH: "%s：%s清点数与交接单不符：交接单 %s，清点 %s"},
	l10n.Entry{Key: "regenerated handover sheet: %s", ZH: "重新生成的交接单：%s"},
	l10n.Entry{Key: "ETA", ZH: "剩余"},
	l10n.Entry{Key: "elapsed", ZH: "用时"},

	// lists
	l10n.Entry{Key: "lists needs a subcommand: export, merge, build, diff or lookup", ZH: "lists 需要子命令：export、merge、build、diff 或 lookup"},
	l10n.Entry{Key: "unknown lists subcommand %q (want export, merge, build, diff or lookup)", ZH: "未知的 lists 子命令 %q（应为 export、merge、build、diff 或 lookup）"},
	l10n.Entry{Key: "--day: %q is not a date YYYY-MM-DD", ZH: "--day：%q 不是 YYYY-MM-DD 格式的日期"},
	l10n.Entry{Key: "%s, %s: %s -> %s", ZH: "%s，%s：%s -> %s"},
	l10n.Entry{Key: "%d events", One: "%d event", ZH: "%d 个事件"},
	l10n.Entry{Key: "lists merge takes one or more event files", ZH: "lists merge 需要一个或多个事件文件"},
	l10n.Entry{Key: "conflict: %s", ZH: "冲突：%s"},
	l10n.Entry{Key: "%s read, %d written, %s dropped, %s -> %s", ZH: "读入 %s，写出 %d 个，去掉%s，%s -> %s"},
	l10n.Entry{Key: "%d duplicates", One: "%d duplicate", ZH: "重复 %d 个"},
	l10n.Entry{Key: "%d conflicts", One: "%d conflict", ZH: "冲突 %d 个"},
	l10n.Entry{Key: "--version is required (1 or more)", ZH: "必须指定 --version（不小于 1）"},
	l10n.Entry{Key: "--covers: %q is not all, lost or frozen", ZH: "--covers：%q 不是 all、lost 或 frozen"},
	l10n.Entry{Key: "--digest: %q is not sha256 or sm3", ZH: "--digest：%q 不是 sha256 或 sm3"},
	l10n.Entry{Key: "give either --sign-key or --dev-keys, not both", ZH: "--sign-key 与 --dev-keys 只能指定一个"},
	l10n.Entry{Key: "a signing key is required: --sign-key FILE or --dev-keys SEED", ZH: "需要签名密钥：--sign-key 文件 或 --dev-keys 种子"},
	l10n.Entry{Key: "a verification key is required: --pub-key FILE or --dev-keys SEED", ZH: "需要验签公钥：--pub-key 文件 或 --dev-keys 种子"},
	l10n.Entry{Key: "folding events", ZH: "归并事件中"},
	l10n.Entry{Key: "list version %d: %s (%s), %s folded, %s -> %s", ZH: "名单版本 %d：%s（%s），归并 %s，%s -> %s"},
	l10n.Entry{Key: "%d bytes", One: "%d byte", ZH: "%d 字节"},
	l10n.Entry{Key: "digest %s", ZH: "摘要 %s"},
	l10n.Entry{Key: "lists diff takes two lists: base and target", ZH: "lists diff 需要两个名单：基准名单和目标名单"},
	l10n.Entry{Key: "... %d more", ZH: "……另有 %d 项"},
	l10n.Entry{Key: "delta %d -> %d: %s, %s -> %s", ZH: "差分 %d -> %d：%s，%s -> %s"},
	l10n.Entry{Key: "%d changes", One: "%d change", ZH: "%d 项变化"},
	l10n.Entry{Key: "lists lookup takes a list and one or more serials", ZH: "lists lookup 需要一个名单和一个或多个卡号"},
	l10n.Entry{Key: "serial %q: %s", ZH: "卡号 %q：%s"},
	l10n.Entry{Key: "not on the list", ZH: "不在名单上"},
	l10n.Entry{Key: "lost and frozen", ZH: "已挂失且已冻结"},
	l10n.Entry{Key: "lost", ZH: "已挂失"},
	l10n.Entry{Key: "frozen", ZH: "已冻结"},
	l10n.Entry{Key: "lost+frozen", ZH: "已挂失+已冻结"},
	l10n.Entry{Key: "list version %d, %s", ZH: "名单版本 %d，共 %s"},

	// card
	l10n.Entry{Key: "card needs a subcommand: personalise, register, inspect or recover", ZH: "card 需要子命令：personalise、register、inspect 或 recover"},
	l10n.Entry{Key: "unknown card subcommand %q (want personalise, register, inspect or recover)", ZH: "未知的 card 子命令 %q（应为 personalise、register、inspect 或 recover）"},
	l10n.Entry{Key: "give either --sim or --reader, not both", ZH: "--sim 与 --reader 只能指定一个"},
	l10n.Entry{Key: "a card is required: --sim or --reader NAME", ZH: "需要指定卡片：--sim 或 --reader 读卡器名称"},
	l10n.Entry{Key: "--sim-state needs --sim", ZH: "--sim-state 需要与 --sim 一起使用"},
	l10n.Entry{Key: "--sim needs --dev-keys SEED (the simulated card is keyed with development keys)", ZH: "--sim 需要 --dev-keys 种子（模拟卡使用开发密钥）"},
	l10n.Entry{Key: "give either --psam or --dev-keys, not both", ZH: "--psam 与 --dev-keys 只能指定一个"},
	l10n.Entry{Key: "--psam needs --psam-config FILE", ZH: "--psam 需要 --psam-config 文件"},
	l10n.Entry{Key: "--psam is for a real reader; a simulated card uses --dev-keys", ZH: "--psam 用于真实读卡器；模拟卡请使用 --dev-keys"},
	l10n.Entry{Key: "keys are required: --psam READER or --dev-keys SEED", ZH: "需要密钥：--psam 读卡器 或 --dev-keys 种子"},
	l10n.Entry{Key: "--school: %q is not 6 digits", ZH: "--school：%q 不是6位数字"},
	l10n.Entry{Key: "--suite: %q is not sm4 or 3des", ZH: "--suite：%q 不是 sm4 或 3des"},
	l10n.Entry{Key: "--gender: %q is not male or female", ZH: "--gender：%q 不是 male 或 female"},
	l10n.Entry{Key: "--%s: %q is not a date YYYYMMDD", ZH: "--%s：%q 不是 YYYYMMDD 格式的日期"},
	l10n.Entry{Key: "--semester: %q is not YYYY-T", ZH: "--semester：%q 不是 YYYY-T 格式"},
	l10n.Entry{Key: "--serial: %q is not 16 hex digits", ZH: "--serial：%q 不是16位十六进制数"},
	l10n.Entry{Key: "personalise needs --registry, --name, --gender and --school-name", ZH: "personalise 需要 --registry、--name、--gender 和 --school-name"},
	l10n.Entry{Key: "--wait must not be negative", ZH: "--wait 不能为负数"},
	l10n.Entry{Key: "--wait is for --reader", ZH: "--wait 只能与 --reader 一起使用"},
	l10n.Entry{Key: "present a card to %s ...", ZH: "请在 %s 上放卡……"},
	l10n.Entry{Key: "no card presented to %s within %s", ZH: "%[2]s内没有在 %[1]s 上放卡"},
	l10n.Entry{Key: "card %s (%s, %s): %s", ZH: "卡片 %s（%s，%s）：%s"},
	l10n.Entry{Key: "an interrupted %s was completed first", ZH: "先完成了上次中断的%s操作"},
	l10n.Entry{Key: "registered for semester %s", ZH: "已注册学期 %s"},
	l10n.Entry{Key: "student %s %s (%s, %s), school %s %s, valid %s-%s", ZH: "学生 %s %s（%s，%s），学校 %s %s，有效期 %s-%s"},
	l10n.Entry{Key: "%s, %.1f ms modelled (simulated card)", ZH: "%s，模拟耗时 %.1f 毫秒（模拟卡）"},
	l10n.Entry{Key: "%d APDUs", One: "%d APDU", ZH: "%d 条 APDU"},
	l10n.Entry{Key: "simulated card kept in %s", ZH: "模拟卡已保存到 %s"},

	// print
	l10n.Entry{Key: "print a paper as PDF: handover sheet, box labels, fault or recovery slip", ZH: "打印纸质单据（PDF）：交接单、装箱标签、故障卡登记单或回收单"},
	l10n.Entry{Key: "print takes a paper: handover, labels, faults or recoveries", ZH: "print 需要指定单据：handover（交接单）、labels（装箱标签）、faults（故障卡登记单）或 recoveries（回收单）"},
	l10n.Entry{Key: "PDF file to write (required)", ZH: "要写入的 PDF 文件（必填）"},
	l10n.Entry{Key: "TrueType Chinese font (.ttf or .ttc); default: the system's (fonts-wqy-microhei)", ZH: "TrueType 中文字体（.ttf 或 .ttc）；默认使用系统字体（fonts-wqy-microhei）"},
	l10n.Entry{Key: "the paper's number (handover sheet or slip number)", ZH: "单据编号（交接单号或单号）"},
	l10n.Entry{Key: "the party handing over, as printed (required)", ZH: "交付方名称，按打印内容填写（必填）"},
	l10n.Entry{Key: "the party receiving, as printed (required)", ZH: "接收方名称，按打印内容填写（必填）"},
	l10n.Entry{Key: "print %s takes one file", ZH: "print %s 只接受一个文件"},
	l10n.Entry{Key: "--from and --to are required", ZH: "必须指定 --from 和 --to"},
	l10n.Entry{Key: "%s printed to %s (%s rows, font %s)", ZH: "%[1]s已打印到 %[2]s（%[3]s 行，字体 %[4]s）"},
	l10n.Entry{Key: "paper handover", ZH: "交接单"},
	l10n.Entry{Key: "paper labels", ZH: "装箱标签"},
	l10n.Entry{Key: "paper faults", ZH: "故障卡登记单"},
	l10n.Entry{Key: "paper recoveries", ZH: "回收单"},

	// overdue
	l10n.Entry{Key: "--db is required", ZH: "必须指定 --db"},
	l10n.Entry{Key: "--limit must be at least 1", ZH: "--limit 不能小于 1"},
	l10n.Entry{Key: "%s %s %s (%s) due %s, %s overdue", ZH: "%s %s %s（%s）应于 %s 前办结，已超期 %s"},
	l10n.Entry{Key: "%d days", One: "%d day", ZH: "%d 天"},
	l10n.Entry{Key: "more deadlines are overdue: raise --limit", ZH: "还有更多超期事项：请调大 --limit"},
	l10n.Entry{Key: "%d overdue deadlines in %s", One: "%d overdue deadline in %s", ZH: "%[2]s共有 %[1]d 项超期"},
	l10n.Entry{Key: "the whole city", ZH: "全市"},
	l10n.Entry{Key: "district %s", ZH: "%s 区"},
	l10n.Entry{Key: "school %s", ZH: "学校 %s"},
)
