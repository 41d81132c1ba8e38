package sqlite

import (
	"errors"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/bjedu/studentcard/l10n/l10ntest"
)

// TestEveryTextHasChinese proves every text the package's errors can show
// exists in Chinese, and the typed errors render it.
func TestEveryTextHasChinese(t *testing.T) {
	l10ntest.Check(t, messages, l10ntest.Source{Names: []string{"reason"}, Min: 14})
	l10ntest.Chinese(t,
		l10ntest.Want{Err: &SchemaError{Path: "a.db", Found: 3, Known: 1}, ZH: "数据库 a.db：结构版本为 3，本程序最高支持 1"},
		l10ntest.Want{Err: &PathError{Path: "x?y", Reason: reasonPathSyntax}, ZH: "数据库路径 \"x?y\"：不得包含“?”或以“file:”开头"},
		l10ntest.Want{Err: &BackupError{Path: "b.db", Step: reasonIntegrity, Err: errors.New("page 3")}, ZH: "备份 b.db：完整性检查失败：page 3"},
		l10ntest.Want{Err: &BackupError{Path: "b.db", Step: reasonOpen, Err: os.ErrNotExist}, ZH: "备份 b.db：打开：文件不存在"},
	)
	assert.ErrorIs(t, &BackupError{Path: "b", Step: reasonCopy, Err: os.ErrNotExist}, os.ErrNotExist, "the cause unwraps")
}
