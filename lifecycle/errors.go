package lifecycle

import (
	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/l10n"
)

// messages holds every user-facing text of the package, English key and
// Chinese text side by side.
var messages = l10n.NewCatalog(
	l10n.Entry{Key: "not found", ZH: "未找到"},
	l10n.Entry{Key: "store unavailable", ZH: "存储不可用"},
	l10n.Entry{Key: "%[1]s store unavailable (retry when the database is back): %[2]s", ZH: "%[1]s存储不可用（数据库恢复后重试）：%[2]s"},
	l10n.Entry{Key: "version conflict", ZH: "版本冲突"},
	l10n.Entry{Key: "already exists", ZH: "已存在"},
	l10n.Entry{Key: "forbidden", ZH: "无权操作"},
	l10n.Entry{Key: "illegal transition", ZH: "非法状态变更"},
	l10n.Entry{Key: "rule violated", ZH: "违反规则"},
	l10n.Entry{Key: "audit chain broken", ZH: "审计链被破坏"},
	l10n.Entry{Key: "transaction already finished", ZH: "事务已结束"},
	l10n.Entry{Key: "bad calendar data", ZH: "工作日历数据错误"},
	l10n.Entry{Key: "date outside the calendar", ZH: "日期超出工作日历范围"},
	l10n.Entry{Key: "student no longer at school", ZH: "学生已不在校"},
	l10n.Entry{Key: "a ledger needs a store and a clock", ZH: "台账需要存储和时钟"},
	l10n.Entry{Key: "unknown replacement cause", ZH: "未知的补卡原因"},
	l10n.Entry{Key: "a newcomer from outside Beijing gets a new card only with a transient number", ZH: "京外转入新生只能以借读学籍号申请新卡"},
	l10n.Entry{Key: "outside the registration window", ZH: "不在注册时间内"},
	l10n.Entry{Key: "the 10-day loss period has not ended", ZH: "10天挂失期未满"},
	l10n.Entry{Key: "the student has no lost card", ZH: "该生没有挂失的卡"},
	l10n.Entry{Key: "the student is not enrolled at this school (transfer in first)", ZH: "该生未在本校就读（请先办理转入）"},
	l10n.Entry{Key: "not enough stock", ZH: "库存不足"},
	l10n.Entry{Key: "unknown export purpose", ZH: "未知的导出用途"},
	l10n.Entry{Key: "the export asks for fields its purpose does not need", ZH: "导出字段超出用途所需的最少字段"},
	l10n.Entry{Key: "the export needs written approval and an end date", ZH: "导出需要书面批准和截止日期"},
	l10n.Entry{Key: "not a controlled field", ZH: "不是受控字段"},
	l10n.Entry{Key: "the change needs proof", ZH: "变更需要证明材料"},
	l10n.Entry{Key: "the change needs the approval of the level above", ZH: "变更需要上级批准"},
	l10n.Entry{Key: "the class has no seat left (99)", ZH: "该班学号已满（99）"},
	l10n.Entry{Key: "the number is not in the state this step needs", ZH: "学籍号状态不符合此步骤"},
	l10n.Entry{Key: "the student is not transferring out", ZH: "该生不在转出途中"},
	l10n.Entry{Key: "a district prints only batches of fewer than 50 cards", ZH: "区级只能自行制作少于50张的批次"},
	l10n.Entry{Key: "the student has not left this school", ZH: "该生未曾从本校离校"},
	l10n.Entry{Key: "bad or missing target code", ZH: "目标代码错误或缺失"},
	l10n.Entry{Key: "the ID card is still within its validity period", ZH: "证件卡仍在有效期内"},
	l10n.Entry{Key: "the count must be positive", ZH: "数量必须为正数"},
	l10n.Entry{Key: "not a temporary card", ZH: "不是临时卡"},
	l10n.Entry{Key: "the card's last change cannot be undone here", ZH: "该卡最近一次变更无法在此撤销"},
	l10n.Entry{Key: "too late to undo: the undo window has passed", ZH: "已超过可撤销期限，不能撤销"},
	l10n.Entry{Key: "the approval was used already", ZH: "该审批已被使用"},
	l10n.Entry{Key: "the staff report lists nobody", ZH: "人员名单为空"},
	l10n.Entry{Key: "an application is filed step by step: school, district, city", ZH: "应用须逐级备案：学校、区级、市级"},
	l10n.Entry{Key: "unknown kind of misuse (want forged or used-by-another)", ZH: "未知的违规类型（应为伪造或冒用）"},
	l10n.Entry{Key: "the card presented is not the student's", ZH: "所出示的卡不属于该生"},
	l10n.Entry{Key: "the class number must be 7 digits: entry year, grade, 2-digit class", ZH: "班号应为7位：入学年份、年级、2位班号"},
	l10n.Entry{Key: "the ID number is missing or invalid for its ID type", ZH: "证件号码缺失或与证件类型不符"},
	l10n.Entry{Key: "a foreign student records the passport or permit, not \"other\"", ZH: "外籍学生应填写护照或通行证，不能选择“其他”"},
	l10n.Entry{Key: "the ID type is not on the list", ZH: "证件类型不在规定列表中"},
	l10n.Entry{Key: "at least one guardian is recorded", ZH: "至少填写一名监护人"},
	l10n.Entry{Key: "a student without an ID number needs a guardian's ID number", ZH: "学生没有身份证号时，监护人必须填写身份证件号"},
	l10n.Entry{Key: "the entry month must be September (YYYY09)", ZH: "入学年月的月份应为09月"},
	l10n.Entry{Key: "disability is recorded only with a disability certificate", ZH: "须有残疾证方可填写残疾情况"},
	l10n.Entry{Key: "only child is recorded only with the certificate", ZH: "须有独生子女证方可填写独生子女"},
	l10n.Entry{Key: "reserve cards, district %s, %s: %s %s cards (system count after: %s, an aid only) by %s\nhandler signature: ________  keeper signature: ________", ZH: "预备卡登记：区县 %[1]s，%[2]s：%[3]s %[4]s 张（系统结存 %[5]s 张，仅供核对），经手人 %[6]s\n经手人签字：________  保管人签字：________"},
	l10n.Entry{Key: "reserve in", ZH: "入库"},
	l10n.Entry{Key: "reserve out", ZH: "出库"},
	l10n.Entry{Key: "action file-application", ZH: "应用备案"},
	l10n.Entry{Key: "action report-misuse", ZH: "报告伪造冒用"},
	l10n.Entry{Key: "action report-damage", ZH: "报告学籍卡损坏"},
	l10n.Entry{Key: "an upper-level error names the level at fault: district or city", ZH: "上级原因补卡须注明责任级别：区县级或市级"},
	l10n.Entry{Key: "action holder-view", ZH: "持卡人查询"},
	l10n.Entry{Key: "action recompute-deadlines", ZH: "重算期限"},
	l10n.Entry{Key: "a student treated as local needs one of the six grounds and its proof", ZH: "借读生按本市生对待须符合六种情况之一并有证明材料"},
	l10n.Entry{Key: "the new number is pre-assigned only once the student is confirmed in the new grade's class", ZH: "须确认该生已经进入新年级班级后才能预分配新学籍号"},
	l10n.Entry{Key: "the export application needs purpose, manner of use, fields, period, the person responsible for data security, the handler and a security plan", ZH: "数据导出申请须写明数据用途、使用方式、数据字段名称、使用期限、数据安全责任人、经办人及信息使用管理安全方案"},
	l10n.Entry{Key: "district and school levels export through the page export, not in bulk", ZH: "县级和学校采用页面导出的办法，不得批量导出"},
	l10n.Entry{Key: "recovered cards stop at the district; only fault cards go up to the city", ZH: "学籍卡一般不回收到市级：回收卡留在区级，只有故障卡上交市级"},
	l10n.Entry{Key: "no card is taken back for safekeeping: recall and recovery happen only through a number change or a leave record", ZH: "不得以代为保管等名义收回学生卡：只有学籍号变更或离校记录才能收回、回收"},
	l10n.Entry{Key: "every staff member needs a login, a name and a role (card-manager or system-admin)", ZH: "每名人员须有登录名、姓名和角色（卡管理员或系统管理员）"},
	l10n.Entry{Key: "the student has graduated or completed: basic data can no longer change", ZH: "该生已毕业或结业，不能再修改基本信息"},
	l10n.Entry{Key: "the name is empty", ZH: "姓名为空"},
	l10n.Entry{Key: "the gender must be 1 (male) or 2 (female)", ZH: "性别应为1（男）或2（女）"},
	l10n.Entry{Key: "the birth date must be a real date YYYYMMDD", ZH: "出生日期应为有效日期 YYYYMMDD"},
	l10n.Entry{Key: "the birth date does not agree with the resident ID number", ZH: "出生日期与身份证号不一致"},
	l10n.Entry{Key: "another student registered first with this resident ID number: enrol this one under a J personal code without the ID number", ZH: "已有学生先以此身份证号注册：按“先入者保有”原则，本生按暂无身份号码处理，使用J字头个人标识码注册"},
	l10n.Entry{Key: "%s %q not found", ZH: "未找到%[1]s %[2]q"},
	l10n.Entry{Key: "%s %q already exists", ZH: "%[1]s %[2]q 已存在"},
	l10n.Entry{Key: "%s %q: version conflict: expected %s, stored %s", ZH: "%[1]s %[2]q 版本冲突：预期版本 %[3]s，实际版本 %[4]s"},
	l10n.Entry{Key: "%s %q: changed by someone else: expected version %s", ZH: "%[1]s %[2]q 已被他人修改：预期版本 %[3]s"},
	l10n.Entry{Key: "%s card %q: %q not allowed in state %q (rule %s)", ZH: "%[1]s %[2]q：状态“%[4]s”下不允许“%[3]s”（规则 %[5]s）"},
	l10n.Entry{Key: "rule %s: %s", ZH: "规则 %[1]s：%[2]s"},
	l10n.Entry{Key: "operator %s %s/%s may not %s in %s/%s", ZH: "%[1]s操作员 %[2]s/%[3]s 无权在 %[5]s/%[6]s 执行“%[4]s”"},
	l10n.Entry{Key: "audit chain %q entry %s: %s", ZH: "审计链 %[1]q 第 %[2]s 条：%[3]s"},
	l10n.Entry{Key: "contents do not match its hash (edited)", ZH: "内容与哈希不符（被修改）"},
	l10n.Entry{Key: "missing (deleted) or out of order", ZH: "缺失（被删除）或顺序错乱"},
	l10n.Entry{Key: "does not link to the previous entry (deleted or reordered)", ZH: "未链接到上一条（被删除或调换顺序）"},
	l10n.Entry{Key: "chain ends before the anchored head (entries deleted at the end)", ZH: "审计链在锚定的链头之前结束（末尾条目被删除）"},
	l10n.Entry{Key: "head differs from the anchored head", ZH: "链头与锚定的链头不一致"},
	l10n.Entry{Key: "unknown keyword (want year, off or work)", ZH: "未知关键字（应为 year、off 或 work）"},
	l10n.Entry{Key: "bad year (want 4 digits, 1949-2200)", ZH: "年份错误（应为1949-2200的4位数字）"},
	l10n.Entry{Key: "year declared twice", ZH: "年份重复声明"},
	l10n.Entry{Key: "bad date (want YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD)", ZH: "日期错误（应为 YYYY-MM-DD 或 YYYY-MM-DD..YYYY-MM-DD）"},
	l10n.Entry{Key: "date in a year not declared by a year line", ZH: "日期所在年份未用 year 行声明"},
	l10n.Entry{Key: "missing holiday name", ZH: "缺少节假日名称"},
	l10n.Entry{Key: "make-up working day is not a Saturday or Sunday", ZH: "调休上班日不是周六或周日"},
	l10n.Entry{Key: "date listed twice", ZH: "日期重复列出"},
	l10n.Entry{Key: "range ends before it starts or spans more than 31 days", ZH: "日期范围结束早于开始或超过31天"},
	l10n.Entry{Key: "no year declared", ZH: "未声明任何年份"},
	l10n.Entry{Key: "line too long", ZH: "行过长"},
	l10n.Entry{Key: "card %q, event %s: cannot go on a list: %s", ZH: "卡 %[1]q 第 %[2]s 号事件无法列入名单：%[3]s"},
	l10n.Entry{Key: "calendar line %s: %s", ZH: "工作日历第 %[1]s 行：%[2]s"},
	l10n.Entry{Key: "date %s is outside the calendar (%s-%s)", ZH: "日期 %[1]s 超出工作日历范围（%[2]s-%[3]s年）"},
	// Names of kinds, states, actions, levels and entities (names.go):
	// Chinese only; English texts show the stored values.
	l10n.Entry{Key: "card kind id", ZH: "证件卡"},
	l10n.Entry{Key: "card kind registry", ZH: "学籍卡"},
	l10n.Entry{Key: "state submitted", ZH: "已上报"},
	l10n.Entry{Key: "state district-validated", ZH: "区级已校验"},
	l10n.Entry{Key: "state city-validated", ZH: "市级已校验"},
	l10n.Entry{Key: "state rejected", ZH: "已退回（失败文件）"},
	l10n.Entry{Key: "state at-factory", ZH: "在卡厂制作"},
	l10n.Entry{Key: "state at-city", ZH: "在市级"},
	l10n.Entry{Key: "state at-district", ZH: "在区级"},
	l10n.Entry{Key: "state at-school", ZH: "在校级"},
	l10n.Entry{Key: "state issued", ZH: "已发放"},
	l10n.Entry{Key: "state cancelled (ID card)", ZH: "已打孔作废"},
	l10n.Entry{Key: "state expired", ZH: "已过期"},
	l10n.Entry{Key: "state replaced", ZH: "已补办"},
	l10n.Entry{Key: "state city-stock", ZH: "市级库存"},
	l10n.Entry{Key: "state district-stock", ZH: "区级库存"},
	l10n.Entry{Key: "state school-stock", ZH: "校级库存"},
	l10n.Entry{Key: "state personalised", ZH: "已个人化"},
	l10n.Entry{Key: "state lost", ZH: "已挂失"},
	l10n.Entry{Key: "state frozen", ZH: "已冻结"},
	l10n.Entry{Key: "state cancelled", ZH: "已注销"},
	l10n.Entry{Key: "state recovered-district", ZH: "已交区级"},
	l10n.Entry{Key: "state transferred-out", ZH: "已转出"},
	l10n.Entry{Key: "state recovered", ZH: "已回收"},
	l10n.Entry{Key: "state fault-school", ZH: "故障卡（在校级）"},
	l10n.Entry{Key: "state fault-district", ZH: "故障卡（在区级）"},
	l10n.Entry{Key: "state fault-city", ZH: "故障卡（在市级）"},
	l10n.Entry{Key: "state returned-to-supplier", ZH: "已退回供应商"},
	l10n.Entry{Key: "action validate-district", ZH: "区级校验"},
	l10n.Entry{Key: "action validate-city", ZH: "市级校验"},
	l10n.Entry{Key: "action reject", ZH: "退回"},
	l10n.Entry{Key: "action send-to-factory", ZH: "送卡厂制卡"},
	l10n.Entry{Key: "action import-result", ZH: "导入结果文件"},
	l10n.Entry{Key: "action issue", ZH: "发放"},
	l10n.Entry{Key: "action punch", ZH: "打孔作废"},
	l10n.Entry{Key: "action expire", ZH: "过期"},
	l10n.Entry{Key: "action replace", ZH: "补卡"},
	l10n.Entry{Key: "action report-loss", ZH: "挂失"},
	l10n.Entry{Key: "action cancel-loss", ZH: "解挂"},
	l10n.Entry{Key: "action freeze", ZH: "冻结"},
	l10n.Entry{Key: "action unfreeze", ZH: "解冻"},
	l10n.Entry{Key: "action cancel", ZH: "注销"},
	l10n.Entry{Key: "action ship-to-district", ZH: "下发到区"},
	l10n.Entry{Key: "action ship-to-school", ZH: "下发到校"},
	l10n.Entry{Key: "action recover-surplus", ZH: "回收余卡"},
	l10n.Entry{Key: "action personalise", ZH: "个人化"},
	l10n.Entry{Key: "action issue-temporary", ZH: "发放临时卡"},
	l10n.Entry{Key: "action return-temporary", ZH: "归还临时卡"},
	l10n.Entry{Key: "action transfer-out", ZH: "转出"},
	l10n.Entry{Key: "action transfer-in", ZH: "转入"},
	l10n.Entry{Key: "action recover", ZH: "回收"},
	l10n.Entry{Key: "action recall", ZH: "收回重发"},
	l10n.Entry{Key: "action report-fault", ZH: "报故障"},
	l10n.Entry{Key: "action fault-to-district", ZH: "故障卡交区级"},
	l10n.Entry{Key: "action fault-to-city", ZH: "故障卡交市级"},
	l10n.Entry{Key: "action fault-to-supplier", ZH: "故障卡退供应商"},
	l10n.Entry{Key: "action apply-card", ZH: "申请办卡"},
	l10n.Entry{Key: "action approve", ZH: "审批"},
	l10n.Entry{Key: "action change-controlled-field", ZH: "变更受控字段"},
	l10n.Entry{Key: "action enrol", ZH: "新生注册"},
	l10n.Entry{Key: "action export", ZH: "导出数据"},
	l10n.Entry{Key: "action export-number-changes", ZH: "导出学籍号变更"},
	l10n.Entry{Key: "action file-number-changes", ZH: "学籍号立案"},
	l10n.Entry{Key: "action import-filing-result", ZH: "导入立案结果"},
	l10n.Entry{Key: "action last-sync", ZH: "查询最近同步"},
	l10n.Entry{Key: "action leave", ZH: "离校"},
	l10n.Entry{Key: "action leavers", ZH: "查询离校学生名单"},
	l10n.Entry{Key: "action number", ZH: "查询学籍号"},
	l10n.Entry{Key: "action number-history", ZH: "查询学籍号分配历史"},
	l10n.Entry{Key: "action offline-personalisation", ZH: "离线个人化"},
	l10n.Entry{Key: "action overdue", ZH: "查询超期事项"},
	l10n.Entry{Key: "action personalisation-records", ZH: "导入个人化记录"},
	l10n.Entry{Key: "action preassign-number", ZH: "预分配学籍号"},
	l10n.Entry{Key: "action print-small-batch", ZH: "区级小批量制卡"},
	l10n.Entry{Key: "action read", ZH: "查看卡片"},
	l10n.Entry{Key: "action read-student", ZH: "查看学生"},
	l10n.Entry{Key: "action read-audit", ZH: "查看审计日志"},
	l10n.Entry{Key: "action list-events", ZH: "查询名单事件"},
	l10n.Entry{Key: "action receive-stock", ZH: "接收入库"},
	l10n.Entry{Key: "action register", ZH: "刷卡注册"},
	l10n.Entry{Key: "action replacement-done", ZH: "补卡完成"},
	l10n.Entry{Key: "action reserve", ZH: "查询预备卡"},
	l10n.Entry{Key: "action resume", ZH: "复学"},
	l10n.Entry{Key: "action hand-in", ZH: "回收卡交区级"},
	l10n.Entry{Key: "action schedule-duties", ZH: "安排例行工作"},
	l10n.Entry{Key: "action report-staff", ZH: "上报卡管理人员名单"},
	l10n.Entry{Key: "action set-to-issue", ZH: "设定待发卡数"},
	l10n.Entry{Key: "action ship-reserve", ZH: "下发预备卡"},
	l10n.Entry{Key: "action shipment-plan", ZH: "查询配卡计划"},
	l10n.Entry{Key: "action stock", ZH: "查询库存"},
	l10n.Entry{Key: "action submit", ZH: "上报制卡数据"},
	l10n.Entry{Key: "action suspend", ZH: "休学"},
	l10n.Entry{Key: "action sync", ZH: "记录同步"},
	l10n.Entry{Key: "action undo", ZH: "撤销"},
	l10n.Entry{Key: "action unsent", ZH: "查询未上报数据"},
	l10n.Entry{Key: "action verify-audit", ZH: "校验审计链"},
	l10n.Entry{Key: "outcome ok", ZH: "成功"},
	l10n.Entry{Key: "outcome refused", ZH: "拒绝"},
	l10n.Entry{Key: "entity card", ZH: "卡"},
	l10n.Entry{Key: "entity student", ZH: "学生"},
	l10n.Entry{Key: "entity number", ZH: "学籍号"},
	l10n.Entry{Key: "entity number prefix", ZH: "学籍号前缀"},
	l10n.Entry{Key: "entity import", ZH: "导入记录"},
	l10n.Entry{Key: "entity audit chain", ZH: "审计链"},
	l10n.Entry{Key: "entity sync", ZH: "同步记录"},
	l10n.Entry{Key: "entity deadline", ZH: "期限"},
	l10n.Entry{Key: "entity leave record", ZH: "离校记录"},
	l10n.Entry{Key: "entity ID card awaiting the result import (C-ISSUE-4)", ZH: "待导入结果文件的证件卡（C-ISSUE-4）"},
)

// Sentinel errors; every typed error of the package wraps one, so callers can
// test errors.Is(err, ErrForbidden) and still read the details with errors.As.
var (
	// ErrNotFound: a row the call needs is not in the store.
	ErrNotFound = messages.Error("not found")
	// ErrConflict: someone else changed the row since it was read
	// (optimistic concurrency): reload and decide again.
	ErrConflict = messages.Error("version conflict")
	// ErrDuplicate: the key is taken (a number never given twice, S-ID-1; a
	// file imported twice).
	ErrDuplicate = messages.Error("already exists")
	// ErrForbidden: the operator's scope does not cover the target (S-4).
	ErrForbidden = messages.Error("forbidden")
	// ErrIllegalTransition: the card's state does not allow the action.
	ErrIllegalTransition = messages.Error("illegal transition")
	// ErrRule: a rule of SPEC refuses the call; the *RuleError names it.
	ErrRule = messages.Error("rule violated")
	// ErrAuditBroken: the audit chain does not verify.
	ErrAuditBroken = messages.Error("audit chain broken")
	// ErrTxDone: a Tx was used after its function returned.
	ErrTxDone = messages.Error("transaction already finished")
	// ErrCalendar: the working-day calendar data is malformed.
	ErrCalendar = messages.Error("bad calendar data")
	// ErrOutsideCalendar: a working-day computation left the years the
	// calendar has data for; guessing would be wrong around holidays.
	ErrOutsideCalendar = messages.Error("date outside the calendar")
	// ErrConfig: NewLedger was given no Store or no Clock.
	ErrConfig = messages.Error("a ledger needs a store and a clock")
	// ErrNotAtSchool: a transfer registration for a student who attended
	// this school before (R-MOVE-2): resume (复学) instead.
	ErrNotAtSchool = messages.Error("student no longer at school")
	// ErrStoreUnavailable: the store's database could not be reached (the
	// server stopped or restarting, the connection lost mid-transaction,
	// the file locked by another program or gone). The transaction did not
	// commit — unless the connection broke during COMMIT itself, when the
	// outcome is unknown, as with any database; read before redoing a write.
	// Retry later: the store recovers when the database is back.
	// Adapters report it as a [*StoreUnavailableError].
	ErrStoreUnavailable = messages.Error("store unavailable")
)

// StoreUnavailableError is a store's database out of reach: Store names the
// adapter ("PostgreSQL", "SQLite"), Err is the driver's error. It matches
// [ErrStoreUnavailable] and Err.
type StoreUnavailableError struct {
	Store string
	Err   error
}

// Error returns the English text; Localize gives the Chinese.
func (e *StoreUnavailableError) Error() string { return e.Localize(l10n.English) }

// Localize renders the error in tag's language.
func (e *StoreUnavailableError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "%[1]s store unavailable (retry when the database is back): %[2]s", e.Store, l10n.Error(e.Err, tag))
}

// Unwrap yields [ErrStoreUnavailable] and the driver's error.
func (e *StoreUnavailableError) Unwrap() []error { return []error{ErrStoreUnavailable, e.Err} }

// NotFoundError says which row was missing.
type NotFoundError struct {
	Entity string // "card", "student", …
	Key    string
}

// Error returns the English text; Localize gives the Chinese.
func (e *NotFoundError) Error() string { return e.Localize(l10n.English) }

// Localize renders the error in tag's language.
func (e *NotFoundError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "%s %q not found", entityName(tag, e.Entity), e.Key)
}

// Unwrap makes errors.Is(err, ErrNotFound) hold.
func (e *NotFoundError) Unwrap() error { return ErrNotFound }

// DuplicateError says which key was already taken.
type DuplicateError struct {
	Entity string
	Key    string
}

// Error returns the English text; Localize gives the Chinese.
func (e *DuplicateError) Error() string { return e.Localize(l10n.English) }

// Localize renders the error in tag's language.
func (e *DuplicateError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "%s %q already exists", entityName(tag, e.Entity), e.Key)
}

// Unwrap makes errors.Is(err, ErrDuplicate) hold.
func (e *DuplicateError) Unwrap() error { return ErrDuplicate }

// ConflictError says a versioned write lost a race: the row's version was not
// the one the writer had read. Stored is the version found, or -1 when the
// store cannot tell (an SQL UPDATE … WHERE version = ? that matched nothing).
type ConflictError struct {
	Entity   string
	Key      string
	Expected int64
	Stored   int64
}

// Error returns the English text; Localize gives the Chinese.
func (e *ConflictError) Error() string { return e.Localize(l10n.English) }

// Localize renders the error in tag's language.
func (e *ConflictError) Localize(tag language.Tag) string {
	if e.Stored < 0 {
		return messages.Sprintf(tag, "%s %q: changed by someone else: expected version %s", entityName(tag, e.Entity), e.Key, num(e.Expected))
	}
	return messages.Sprintf(tag, "%s %q: version conflict: expected %s, stored %s", entityName(tag, e.Entity), e.Key, num(e.Expected), num(e.Stored))
}

// Unwrap makes errors.Is(err, ErrConflict) hold.
func (e *ConflictError) Unwrap() error { return ErrConflict }
