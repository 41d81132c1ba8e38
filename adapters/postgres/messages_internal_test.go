package postgres

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/l10n/l10ntest"
)

// TestEveryTextHasChinese proves every text the package's errors can show
// exists in Chinese, and the typed errors render it.
func TestEveryTextHasChinese(t *testing.T) {
	l10ntest.Check(t, messages, l10ntest.Source{Min: 8})
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&SchemaError{Schema: "d05", Found: 3, Known: 1}, "模式 d05：结构版本为 3，本程序最高支持 1"},
		{&EventLimitError{Count: maxEventsPerTx + 1, Limit: maxEventsPerTx}, "事务写入了 1,048,577 个事件，单个事务最多 1,048,576 个"},
		{&SchemaNameError{Name: "A"}, "模式名称 \"A\"：应为小写字母、数字和下划线，以字母开头，最多63个字符"},
	} {
		assert.Equal(t, tc.want, l10n.Error(tc.err, language.Chinese))
		assert.NotEqual(t, tc.want, tc.err.Error(), "English differs")
	}
}
