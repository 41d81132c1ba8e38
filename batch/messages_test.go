package batch

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/l10n"
)

// Every text the package can show has a Chinese rendering: the source is
// scanned for sentinel, detail and Sprintf keys, and each must be in the
// catalog.
func TestEveryTextHasChinese(t *testing.T) {
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	keyRe := regexp.MustCompile(`(?:messages\.Error\(|detail\([^,]+, |messages\.Sprintf\(tag, )("(?:[^"\\]|\\.)*")`)
	found := 0
	for _, f := range files {
		if filepath.Ext(f) != ".go" || len(f) > 8 && f[len(f)-8:] == "_test.go" {
			continue
		}
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range keyRe.FindAllSubmatch(src, -1) {
			key, err := strconv.Unquote(string(m[1]))
			require.NoError(t, err)
			found++
			assert.True(t, messages.Has(key), "%s: no Chinese for %q", f, key)
		}
	}
	assert.Greater(t, found, 40, "the scan found the package's texts")
	for _, col := range CardData.Columns {
		assert.True(t, messages.Has(col), "column label %s", col)
	}
}

// Sentinels render in Chinese through l10n.
func TestSentinelsLocalize(t *testing.T) {
	for _, err := range []error{ErrTruncated, ErrDigest, ErrCount, ErrEncoding, ErrKind, ErrVersion, ErrHeader,
		ErrColumns, ErrQuote, ErrFieldCount, ErrLineTooLong, ErrTrailingData, ErrNewline, ErrClosed, ErrTrailer,
		ErrEmptyLine, ErrRequired, ErrTooLong, ErrFormat, ErrRegistryNo, ErrNotSender, ErrIneligible, ErrResidentID,
		ErrBirthDate, ErrSex, ErrDuplicate, ErrNameCharset, ErrReassigned, ErrSender, ErrPhotoMissing, ErrPhotoFormat,
		ErrPhotoSize, ErrPhotoDimensions, ErrPhotoColour, ErrPhotoBackground, ErrPacking, ErrMismatch, ErrLate,
		ErrNotIssued, ErrEPurseActive} {
		zh := l10n.Error(err, l10n.Chinese)
		assert.NotEqual(t, err.Error(), zh)
		assert.Regexp(t, `\p{Han}`, zh)
	}
}
