package sqlite

import (
	"errors"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/l10n/l10ntest"
)

// TestEveryTextHasChinese proves every text the package's errors can show
// exists in Chinese, and the typed errors render it.
func TestEveryTextHasChinese(t *testing.T) {
	l10ntest.Check(t, messages, l10ntest.Source{Names: []string{"reason"}, Min: 14})
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&SchemaError{Path: "a.db", Found: 3, Known: 1}, "数据库 a.db：结构版本为 3，本程序最高支持 1"},
		{&PathError{Path: "x?y", Reason: reasonPathSyntax}, "数据库路径 \"x?y\"：不得包含“?”或以“file:”开头"},
		{&BackupError{Path: "b.db", Step: reasonIntegrity, Err: errors.New("page 3")}, "备份 b.db：完整性检查失败：page 3"},
		{&BackupError{Path: "b.db", Step: reasonOpen, Err: os.ErrNotExist}, "备份 b.db：打开：文件不存在"},
	} {
		assert.Equal(t, tc.want, l10n.Error(tc.err, language.Chinese))
		assert.NotEqual(t, tc.want, tc.err.Error(), "English differs")
	}
	assert.ErrorIs(t, &BackupError{Path: "b", Step: reasonCopy, Err: os.ErrNotExist}, os.ErrNotExist, "the cause unwraps")
}
