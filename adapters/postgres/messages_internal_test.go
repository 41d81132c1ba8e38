package postgres

import (
	"testing"

	"github.com/bjedu/studentcard/l10n/l10ntest"
)

// TestEveryTextHasChinese proves every text the package's errors can show
// exists in Chinese, and the typed errors render it.
func TestEveryTextHasChinese(t *testing.T) {
	l10ntest.Check(t, messages, l10ntest.Source{Min: 8})
	l10ntest.Chinese(t,
		l10ntest.Want{Err: &SchemaError{Schema: "d05", Found: 3, Known: 1}, ZH: "模式 d05：结构版本为 3，本程序最高支持 1"},
		l10ntest.Want{Err: &EventLimitError{Count: maxEventsPerTx + 1, Limit: maxEventsPerTx}, ZH: "事务写入了 1,048,577 个事件，单个事务最多 1,048,576 个"},
		l10ntest.Want{Err: &SchemaNameError{Name: "A"}, ZH: "模式名称 \"A\"：应为小写字母、数字和下划线，以字母开头，最多63个字符"},
	)
}
