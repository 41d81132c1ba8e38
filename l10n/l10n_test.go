package l10n_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/l10n"
)

var testMessages = l10n.NewCatalog(
	l10n.Entry{Key: "card %s not found", ZH: "未找到卡 %s"},
	l10n.Entry{Key: "line %d: field %s", ZH: "第%[1]d行：字段%[2]s"},
	l10n.Entry{Key: "card not found", ZH: "未找到卡"},
)

func TestSprintfChoosesLanguage(t *testing.T) {
	for _, tc := range []struct {
		tag  language.Tag
		want string
	}{
		{l10n.Chinese, "未找到卡 0102"},
		{language.MustParse("zh-CN"), "未找到卡 0102"},
		{language.MustParse("zh-Hans-CN"), "未找到卡 0102"},
		{l10n.English, "card 0102 not found"},
		{language.French, "card 0102 not found"},
	} {
		assert.Equal(t, tc.want, testMessages.Sprintf(tc.tag, "card %s not found", "0102"), tc.tag.String())
	}
	assert.Equal(t, "第3行：字段姓名", testMessages.Sprintf(l10n.Chinese, "line %d: field %s", 3, "姓名"))
	assert.True(t, testMessages.Has("card %s not found"))
	assert.False(t, testMessages.Has("missing"))
}

func TestSentinelAndError(t *testing.T) {
	errNotFound := testMessages.Error("card not found")
	wrapped := fmt.Errorf("lookup: %w", errNotFound)
	assert.ErrorIs(t, wrapped, errNotFound)
	assert.NotErrorIs(t, wrapped, testMessages.Error("card not found"), "sentinels compare by identity")
	assert.Equal(t, "未找到卡", l10n.Error(wrapped, l10n.Chinese))
	assert.Equal(t, "plain", l10n.Error(errors.New("plain"), l10n.Chinese))
	assert.Equal(t, "", l10n.Error(nil, l10n.Chinese))
}

func TestNewCatalogRejectsBadData(t *testing.T) {
	assert.Panics(t, func() { l10n.NewCatalog(l10n.Entry{Key: "a", ZH: "甲"}, l10n.Entry{Key: "a", ZH: "乙"}) })
	assert.Panics(t, func() { l10n.NewCatalog(l10n.Entry{Key: "a"}) })
}

func TestParse(t *testing.T) {
	for in, want := range map[string]language.Tag{"": l10n.Chinese, "zh": l10n.Chinese, "zh-TW": l10n.Chinese, "en": l10n.English, " en-US ": l10n.English} {
		got, err := l10n.Parse(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	_, err := l10n.Parse("!!")
	assert.Error(t, err)
}

func ExampleError() {
	errLost := l10n.NewCatalog(l10n.Entry{Key: "card reported lost", ZH: "卡已挂失"}).Error("card reported lost")
	err := fmt.Errorf("gate 3: %w", errLost)
	fmt.Println(err)
	fmt.Println(l10n.Error(err, l10n.Chinese))
	// Output:
	// gate 3: card reported lost
	// 卡已挂失
}
