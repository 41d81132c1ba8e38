package batch

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/bjedu/studentcard/l10n/l10ntest"
)

// Every text the package can show has a Chinese rendering: sentinel, detail
// and Sprintf keys in the source, and every column label.
func TestEveryTextHasChinese(t *testing.T) {
	l10ntest.Check(t, messages, l10ntest.Source{Calls: []l10ntest.Call{{Func: "detail", Arg: 1}}, Min: 40})
	for _, col := range CardData.Columns {
		assert.True(t, messages.Has(col), "column label %s", col)
	}
}

// Sentinels render in Chinese through l10n.
func TestSentinelsLocalize(t *testing.T) {
	l10ntest.Errors(t, ErrTruncated, ErrDigest, ErrCount, ErrEncoding, ErrKind, ErrVersion, ErrHeader,
		ErrColumns, ErrQuote, ErrFieldCount, ErrLineTooLong, ErrTrailingData, ErrNewline, ErrClosed, ErrTrailer,
		ErrEmptyLine, ErrRequired, ErrTooLong, ErrFormat, ErrRegistryNo, ErrNotSender, ErrIneligible, ErrResidentID,
		ErrBirthDate, ErrSex, ErrDuplicate, ErrNameCharset, ErrReassigned, ErrSender, ErrPhotoMissing, ErrPhotoFormat,
		ErrPhotoSize, ErrPhotoDimensions, ErrPhotoColour, ErrPhotoBackground, ErrPacking, ErrMismatch, ErrLate,
		ErrNotIssued, ErrEPurseActive)
}
