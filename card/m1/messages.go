package m1

import "github.com/bjedu/studentcard/l10n"

// messages holds every user-facing text of package m1. No text takes a key
// as an argument (SPEC A-3).
var messages = l10n.NewCatalog(
	// sentinels
	l10n.Entry{Key: "malformed M1 sector data", ZH: "M1扇区数据格式错误"},
	l10n.Entry{Key: "M1 sector authentication failed with every education key", ZH: "M1扇区用所有教育密钥认证均失败"},
	l10n.Entry{Key: "unknown M1 education sector layout", ZH: "未知的M1教育扇区格式"},
	l10n.Entry{Key: "reader cannot read the card UID: not an M1 card or not a PC/SC reader", ZH: "读卡器无法读取卡号：不是M1卡或不是PC/SC读卡器"},
	l10n.Entry{Key: "reader answered unexpectedly", ZH: "读卡器应答异常"},

	// frames of the typed errors
	l10n.Entry{Key: "%[1]s: %[2]s", ZH: "%[1]s：%[2]s"},
	l10n.Entry{Key: "%[1]s, field %[2]s at byte %[3]d: %[4]s", ZH: "%[1]s，字段%[2]s（第%[3]d字节）：%[4]s"},
	l10n.Entry{Key: "%v", ZH: "%v"},

	// files, fields, steps and reasons
	l10n.Entry{Key: "M1 education sector", ZH: "M1教育扇区"},
	l10n.Entry{Key: "M1 sector", ZH: "M1扇区"},
	l10n.Entry{Key: "options", ZH: "选项"},
	l10n.Entry{Key: "UID", ZH: "卡号（UID）"},
	l10n.Entry{Key: "AUTHENTICATE (FF 86)", ZH: "扇区认证（FF 86）"},
	l10n.Entry{Key: "AUTHENTICATE (FF 86) key version %d", ZH: "扇区认证（FF 86），密钥版本%d"},
	l10n.Entry{Key: "GET UID (FF CA)", ZH: "读取卡号（FF CA）"},
	l10n.Entry{Key: "LOAD KEY (FF 82)", ZH: "装载密钥（FF 82）"},
	l10n.Entry{Key: "READ BINARY (FF B0) block %d", ZH: "读取第%d块（FF B0）"},
	l10n.Entry{Key: "UPDATE BINARY (FF D6) block %d", ZH: "写入第%d块（FF D6）"},
	l10n.Entry{Key: "SAM M1 key", ZH: "安全模块计算M1密钥"},
	l10n.Entry{Key: "XOR check wrong", ZH: "异或校验错误"},
	l10n.Entry{Key: "block", ZH: "数据块"},
	l10n.Entry{Key: "block 0 check", ZH: "第0块校验"},
	l10n.Entry{Key: "block 2 check", ZH: "第2块校验"},
	l10n.Entry{Key: "block 0 is neither 16 ASCII digits nor tagged E2", ZH: "第0块既不是16位ASCII数字，也没有E2标记"},
	l10n.Entry{Key: "block 2 current, block 0 legacy: not written by an upgrade", ZH: "第2块为新格式而第0块为旧格式：不是升级写入的"},
	l10n.Entry{Key: "block 2 is neither legacy nor tagged E3", ZH: "第2块既不是旧格式，也没有E3标记"},
	l10n.Entry{Key: "no name in block 1", ZH: "第1块中没有姓名"},
	l10n.Entry{Key: "name", ZH: "姓名"},
	l10n.Entry{Key: "gender", ZH: "性别"},
	l10n.Entry{Key: "gender, stage or status", ZH: "性别、学段或状态"},
	l10n.Entry{Key: "registry number", ZH: "学籍号"},
	l10n.Entry{Key: "school code", ZH: "学校代码"},
	l10n.Entry{Key: "semester", ZH: "学期"},
	l10n.Entry{Key: "stage", ZH: "学段"},
	l10n.Entry{Key: "status", ZH: "状态"},
	l10n.Entry{Key: "length", ZH: "长度"},
	l10n.Entry{Key: "valid from", ZH: "有效期起始日"},
	l10n.Entry{Key: "valid until", ZH: "有效期截止日"},
	l10n.Entry{Key: "legacy cards know in use, frozen and cancelled only", ZH: "旧格式卡只有使用中、已冻结和已注销三种状态"},
	l10n.Entry{Key: "not BCD", ZH: "不是BCD码"},
	l10n.Entry{Key: "not YYYY BCD and term 1 or 2", ZH: "不是BCD码的YYYY年份加学期1或2"},
	l10n.Entry{Key: "not a date YYYYMMDD: %s", ZH: "不是YYYYMMDD格式的日期：%s"},
	l10n.Entry{Key: "date before 1900: %s", ZH: "日期早于1900年：%s"},
	l10n.Entry{Key: "not valid GB18030 text", ZH: "不是有效的GB18030文字"},
	l10n.Entry{Key: "out of range", ZH: "超出范围"},
	l10n.Entry{Key: "unknown status", ZH: "未知的状态"},
	l10n.Entry{Key: "want '1' or '2'", ZH: "应为“1”或“2”"},
	l10n.Entry{Key: "want 01, 02 or 03", ZH: "应为01、02或03"},
	l10n.Entry{Key: "want 1 or 2", ZH: "应为1或2"},
	l10n.Entry{Key: "want 1-15", ZH: "应为1至15"},
	l10n.Entry{Key: "want 1-3", ZH: "应为1至3"},
	l10n.Entry{Key: "want 16 bytes", ZH: "应为16字节"},
	l10n.Entry{Key: "want 16 digits", ZH: "应为16位数字"},
	l10n.Entry{Key: "want 6 digits", ZH: "应为6位数字"},
	l10n.Entry{Key: "want a 4-byte UID, got %d bytes", ZH: "卡号应为4字节，实际为%d字节"},
	l10n.Entry{Key: "want a primary, junior or senior student category", ZH: "学生类别应为小学、初中或高中"},
)
