package apdu_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/apdu"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/l10n/l10ntest"
)

func TestStatusWordString(t *testing.T) {
	for _, tc := range []struct {
		sw   apdu.StatusWord
		en   string
		zh   string
		want error
	}{
		{0x9000, "9000 success", "9000 成功", nil},
		{0x6982, "6982 security status not satisfied", "6982 安全状态不满足", apdu.ErrSecurityStatus},
		{0x6983, "6983 authentication method blocked", "6983 认证方法已锁定", apdu.ErrAuthBlocked},
		{0x6984, "6984 reference data not usable", "6984 引用数据不可用", apdu.ErrReferenceDataNotUsable},
		{0x6985, "6985 conditions of use not satisfied", "6985 使用条件不满足", apdu.ErrConditionsNotSatisfied},
		{0x6986, "6986 command not allowed (no current EF)", "6986 不允许的命令（无当前EF）", apdu.ErrCommandNotAllowed},
		{0x6988, "6988 secure messaging data objects incorrect (MAC wrong)", "6988 安全报文数据对象不正确（MAC错误）", apdu.ErrMACWrong},
		{0x9302, "9302 MAC invalid", "9302 MAC无效", apdu.ErrMACWrong},
		{0x6A80, "6A80 incorrect parameters in the data field", "6A80 数据域参数不正确", apdu.ErrIncorrectData},
		{0x6A81, "6A81 function not supported", "6A81 功能不支持", apdu.ErrFunctionNotSupported},
		{0x6A82, "6A82 file not found", "6A82 未找到文件", apdu.ErrFileNotFound},
		{0x6A83, "6A83 record not found", "6A83 未找到记录", apdu.ErrRecordNotFound},
		{0x6A84, "6A84 not enough memory space in the file", "6A84 文件存储空间不足", apdu.ErrNotEnoughMemory},
		{0x6A86, "6A86 incorrect parameters P1-P2", "6A86 参数P1、P2不正确", apdu.ErrWrongP1P2},
		{0x6B00, "6B00 wrong parameters P1-P2 (offset outside the EF)", "6B00 参数P1、P2错误（偏移超出文件）", apdu.ErrWrongP1P2},
		{0x6A88, "6A88 referenced data not found", "6A88 未找到引用数据", apdu.ErrReferencedDataNotFound},
		{0x9403, "9403 key index not supported", "9403 密钥索引不支持", apdu.ErrReferencedDataNotFound},
		{0x6700, "6700 wrong length", "6700 长度错误", apdu.ErrWrongLength},
		{0x6710, "6710 wrong length", "6710 长度错误", apdu.ErrWrongLength},
		{0x6D00, "6D00 instruction code not supported or invalid", "6D00 不支持或无效的指令码", apdu.ErrINSNotSupported},
		{0x6E00, "6E00 class not supported", "6E00 不支持的类别字节", apdu.ErrCLANotSupported},
		{0x6581, "6581 memory failure", "6581 存储器故障", apdu.ErrMemoryFailure},
		{0x6C08, "6C08 wrong Le, exact length is 8", "6C08 Le错误，正确长度为8", apdu.ErrWrongLe},
		{0x6C00, "6C00 wrong Le, exact length is 256", "6C00 Le错误，正确长度为256", apdu.ErrWrongLe},
		{0x6110, "6110 16 response bytes still available", "6110 还有16字节响应数据", apdu.ErrMoreData},
		{0x6300, "6300 verification failed", "6300 校验失败", apdu.ErrVerificationFailed},
		{0x63C2, "63C2 verification failed, 2 retries left", "63C2 校验失败，还剩2次机会", apdu.ErrVerificationFailed},
		{0x9303, "9303 application permanently locked", "9303 应用已永久锁定", apdu.ErrApplicationLocked},
		{0x6283, "6283 selected file invalidated", "6283 所选文件已失效", nil},
		{0x6F00, "6F00 no precise diagnosis", "6F00 无精确诊断", nil},
		{0x6999, "6999 command not allowed", "6999 不允许的命令", nil},
		{0x1234, "1234 unknown status", "1234 未知状态字", nil},
	} {
		t.Run(tc.en, func(t *testing.T) {
			assert.Equal(t, tc.en, tc.sw.String())
			assert.Equal(t, tc.en, fmt.Sprint(tc.sw))
			assert.Equal(t, tc.zh, tc.sw.Localize(l10n.Chinese))
			err := tc.sw.Err()
			if tc.sw == apdu.SWSuccess {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, apdu.ErrStatus)
			if tc.want != nil {
				assert.ErrorIs(t, err, tc.want)
			}
			got, ok := apdu.StatusOf(fmt.Errorf("session: %w", err))
			assert.True(t, ok)
			assert.Equal(t, tc.sw, got)
		})
	}
}

func TestStatusSentinelsAreDistinct(t *testing.T) {
	// 6982 must not match other sentinels, or callers would branch wrongly.
	err := apdu.SWSecurityStatusNotSatisfied.Err()
	for _, other := range []error{apdu.ErrAuthBlocked, apdu.ErrFileNotFound, apdu.ErrMACWrong, apdu.ErrWrongLength, apdu.ErrVerificationFailed} {
		assert.NotErrorIs(t, err, other)
	}
	assert.NotErrorIs(t, apdu.StatusWord(0x6F00).Err(), apdu.ErrSecurityStatus)
}

// A 63Cx answer is an AuthError with the retries left, like piv-go's AuthErr
// (the card counting failed EXTERNAL AUTHENTICATE tries, SPEC A-2).
func TestAuthError(t *testing.T) {
	for _, tc := range []struct {
		sw      apdu.StatusWord
		retries int
		blocked bool
	}{
		{apdu.RetriesLeft(3), 3, false},
		{0x63C1, 1, false},
		{0x63CF, 15, false},
		{0x63C0, 0, true},
	} {
		t.Run("A-2/"+tc.sw.String(), func(t *testing.T) {
			err := fmt.Errorf("external authenticate: %w", tc.sw.Err())
			var ae *apdu.AuthError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tc.retries, ae.Retries)
			assert.Equal(t, tc.sw, ae.SW)
			assert.ErrorIs(t, err, apdu.ErrVerificationFailed)
			assert.ErrorIs(t, err, apdu.ErrStatus)
			assert.Equal(t, tc.blocked, errors.Is(err, apdu.ErrAuthBlocked))
			var se *apdu.StatusError
			assert.False(t, errors.As(err, &se), "63Cx is an AuthError, not a StatusError")
		})
	}
}

func TestStatusWordHelpers(t *testing.T) {
	assert.Equal(t, apdu.StatusWord(0x6110), apdu.MoreData(16))
	assert.Equal(t, apdu.StatusWord(0x6100), apdu.MoreData(256))
	assert.Equal(t, apdu.StatusWord(0x6C08), apdu.WrongLe(8))
	assert.Equal(t, apdu.StatusWord(0x63C2), apdu.RetriesLeft(2))
	sw := apdu.StatusWord(0x6A82)
	assert.Equal(t, byte(0x6A), sw.SW1())
	assert.Equal(t, byte(0x82), sw.SW2())
	assert.False(t, sw.OK())
	assert.True(t, apdu.SWSuccess.OK())
	_, ok := apdu.StatusOf(errors.New("plain"))
	assert.False(t, ok)
	_, ok = apdu.StatusOf(nil)
	assert.False(t, ok)
}

// Every status word renders in Chinese through the catalog (a missing key
// would fall back to the English text, which has no Han character).
func TestEveryStatusWordHasChinese(t *testing.T) {
	for sw := range 0x10000 {
		s := apdu.StatusWord(sw).Localize(l10n.Chinese)
		require.Truef(t, l10ntest.HasHan(s), "%04X renders %q", sw, s)
		if err := apdu.StatusWord(sw).Err(); err != nil {
			require.True(t, l10ntest.HasHan(l10n.Error(err, l10n.Chinese)), "%04X", sw)
		}
	}
}
