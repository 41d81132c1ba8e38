package apdu

import (
	"errors"
	"fmt"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/l10n"
)

// StatusWord is SW1-SW2, the two status bytes ending every response APDU.
// It prints as "6982 security status not satisfied"; [StatusWord.Err] turns
// it into an error that errors.Is matches against this package's sentinels.
type StatusWord uint16

// Status words with a meaning a card session or simulator relies on (ISO/IEC
// 7816-4 clause 5.6, and PBOC for 93xx). Simulators answer with them; callers
// match errors with the sentinels instead.
const (
	SWSuccess                    StatusWord = 0x9000
	SWVerificationFailed         StatusWord = 0x6300
	SWMemoryFailure              StatusWord = 0x6581
	SWWrongLength                StatusWord = 0x6700
	SWIncompatibleFile           StatusWord = 0x6981
	SWSecurityStatusNotSatisfied StatusWord = 0x6982
	SWAuthBlocked                StatusWord = 0x6983
	SWReferenceDataNotUsable     StatusWord = 0x6984
	SWConditionsNotSatisfied     StatusWord = 0x6985
	SWCommandNotAllowed          StatusWord = 0x6986
	SWMACWrong                   StatusWord = 0x6988
	SWIncorrectData              StatusWord = 0x6A80
	SWFunctionNotSupported       StatusWord = 0x6A81
	SWFileNotFound               StatusWord = 0x6A82
	SWRecordNotFound             StatusWord = 0x6A83
	SWNotEnoughMemory            StatusWord = 0x6A84
	SWWrongP1P2                  StatusWord = 0x6A86
	SWReferencedDataNotFound     StatusWord = 0x6A88
	SWWrongParameters            StatusWord = 0x6B00
	SWINSNotSupported            StatusWord = 0x6D00
	SWCLANotSupported            StatusWord = 0x6E00
	SWNoPreciseDiagnosis         StatusWord = 0x6F00
	SWMACInvalid                 StatusWord = 0x9302
	SWApplicationLocked          StatusWord = 0x9303
)

// MoreData is 61xx: n response bytes are waiting for GET RESPONSE (n = 256
// is encoded 6100). n is taken modulo 256.
func MoreData(n int) StatusWord { return 0x6100 | StatusWord(uint8(n)) }

// WrongLe is 6Cxx: wrong Le, the exact length is n (n = 256 is 6C00). n is
// taken modulo 256.
func WrongLe(n int) StatusWord { return 0x6C00 | StatusWord(uint8(n)) }

// RetriesLeft is 63Cx: verification failed, n tries left (0 to 15). n is
// taken modulo 16.
func RetriesLeft(n int) StatusWord { return 0x63C0 | StatusWord(n&0x0F) }

// IsWarning reports whether sw is a warning with which the card completed
// the command (ISO/IEC 7816-4 clause 5.6, SW1 62 or 63: "normal processing
// with warning"), whose response data is valid: every 62xx and 63xx but
// 6281 (part of the data may be corrupted), 6300 and 63Cx (a verification
// failed, see [*AuthError]).
func (sw StatusWord) IsWarning() bool {
	switch {
	case sw == 0x6281 || sw == SWVerificationFailed || sw&0xFFF0 == 0x63C0:
		return false
	}
	return sw.SW1() == 0x62 || sw.SW1() == 0x63
}

// SW1 is the high status byte.
func (sw StatusWord) SW1() byte { return byte(sw >> 8) }

// SW2 is the low status byte.
func (sw StatusWord) SW2() byte { return byte(sw) }

// OK reports whether sw is 9000.
func (sw StatusWord) OK() bool { return sw == SWSuccess }

// String is the hex status word and its meaning in English:
// "6982 security status not satisfied".
func (sw StatusWord) String() string { return sw.Localize(l10n.English) }

// Localize is String in the language tag: "6982 安全状态不满足".
func (sw StatusWord) Localize(tag language.Tag) string {
	key, arg, _ := sw.describe()
	var text string
	if arg >= 0 {
		text = messages.Sprintf(tag, key, arg)
	} else {
		text = messages.Sprintf(tag, key)
	}
	return fmt.Sprintf("%04X %s", uint16(sw), text)
}

// Err is nil for 9000; for 63Cx an [*AuthError]; otherwise a [*StatusError].
// Both unwrap to [ErrStatus] and, for the common status words, to a specific
// sentinel ([ErrSecurityStatus], [ErrFileNotFound], …).
func (sw StatusWord) Err() error { return statusErr(sw, nil) }

// statusErr builds the error for sw; h is the command it answered, if known.
func statusErr(sw StatusWord, h *Header) error {
	switch {
	case sw == SWSuccess:
		return nil
	case sw&0xFFF0 == 0x63C0:
		return &AuthError{SW: sw, Command: h, Retries: int(sw & 0x0F)}
	}
	return &StatusError{SW: sw, Command: h}
}

// describe gives the catalog key for sw, its integer argument (-1 for none)
// and the sentinel it unwraps to (nil for none).
func (sw StatusWord) describe() (key string, arg int, sentinel error) {
	sw1, sw2 := sw.SW1(), int(sw.SW2())
	if sw1 == 0x61 || sw1 == 0x6C {
		n := sw2
		if n == 0 {
			n = 256
		}
		if sw1 == 0x61 {
			return "%d response bytes still available", n, ErrMoreData
		}
		return "wrong Le, exact length is %d", n, ErrWrongLe
	}
	if sw&0xFFF0 == 0x63C0 {
		return "verification failed, %d retries left", sw2 & 0x0F, ErrVerificationFailed
	}
	if sw1 == 0x67 {
		return keyWrongLength, -1, ErrWrongLength
	}
	switch sw {
	case SWSuccess:
		return "success", -1, nil
	case 0x6281:
		return "part of returned data may be corrupted", -1, nil
	case 0x6282:
		return "end of file or record reached before reading Le bytes", -1, nil
	case 0x6283:
		return "selected file invalidated", -1, nil
	case SWVerificationFailed:
		return keyVerificationFailed, -1, ErrVerificationFailed
	case SWMemoryFailure:
		return keyMemoryFailure, -1, ErrMemoryFailure
	case 0x6882:
		return "secure messaging not supported", -1, nil
	case SWIncompatibleFile:
		return "command incompatible with file structure", -1, nil
	case SWSecurityStatusNotSatisfied:
		return keySecurityStatus, -1, ErrSecurityStatus
	case SWAuthBlocked:
		return keyAuthBlocked, -1, ErrAuthBlocked
	case SWReferenceDataNotUsable:
		return keyReferenceDataNotUsable, -1, ErrReferenceDataNotUsable
	case SWConditionsNotSatisfied:
		return keyConditionsNotSatisfied, -1, ErrConditionsNotSatisfied
	case SWCommandNotAllowed:
		return keyCommandNotAllowed, -1, ErrCommandNotAllowed
	case 0x6987:
		return "expected secure messaging data objects missing", -1, ErrMACWrong
	case SWMACWrong:
		return "secure messaging data objects incorrect (MAC wrong)", -1, ErrMACWrong
	case SWIncorrectData:
		return keyIncorrectData, -1, ErrIncorrectData
	case SWFunctionNotSupported:
		return keyFunctionNotSupported, -1, ErrFunctionNotSupported
	case SWFileNotFound:
		return keyFileNotFound, -1, ErrFileNotFound
	case SWRecordNotFound:
		return keyRecordNotFound, -1, ErrRecordNotFound
	case SWNotEnoughMemory:
		return keyNotEnoughMemory, -1, ErrNotEnoughMemory
	case SWWrongP1P2:
		return keyWrongP1P2, -1, ErrWrongP1P2
	case SWReferencedDataNotFound:
		return keyReferencedDataNotFound, -1, ErrReferencedDataNotFound
	case SWWrongParameters:
		return "wrong parameters P1-P2 (offset outside the EF)", -1, ErrWrongP1P2
	case SWINSNotSupported:
		return keyINSNotSupported, -1, ErrINSNotSupported
	case SWCLANotSupported:
		return keyCLANotSupported, -1, ErrCLANotSupported
	case SWNoPreciseDiagnosis:
		return "no precise diagnosis", -1, nil
	case SWMACInvalid:
		return "MAC invalid", -1, ErrMACWrong
	case SWApplicationLocked:
		return keyApplicationLocked, -1, ErrApplicationLocked
	case 0x9403:
		return "key index not supported", -1, ErrReferencedDataNotFound
	}
	switch sw1 {
	case 0x62:
		return "warning, non-volatile memory unchanged", -1, nil
	case 0x63:
		return "warning, non-volatile memory changed", -1, nil
	case 0x64:
		return "execution error, non-volatile memory unchanged", -1, nil
	case 0x65:
		return "execution error, non-volatile memory changed", -1, nil
	case 0x68:
		return "functions in CLA not supported", -1, nil
	case 0x69:
		return "command not allowed", -1, nil
	case 0x6A:
		return "wrong parameters P1-P2", -1, nil
	}
	return "unknown status", -1, nil
}

// StatusError is a status word other than 9000 (and other than 63Cx, which is
// an [*AuthError]) as an error. Unwrap yields [ErrStatus] and, for the
// common status words, the specific sentinel, so
//
//	errors.Is(err, apdu.ErrSecurityStatus)
//
// works through any wrapping. It shows the command header, never its data.
type StatusError struct {
	// SW is the status word the card answered.
	SW StatusWord
	// Command is the header of the command the card answered; nil when the
	// error came from a bare status word.
	Command *Header
}

// Error is the English text: "apdu: 00 82 00 01: status 6982 security status not satisfied".
func (e *StatusError) Error() string { return "apdu: " + e.Localize(l10n.English) }

// Localize renders the error in the language tag.
func (e *StatusError) Localize(tag language.Tag) string { return localizeStatus(tag, e.SW, e.Command) }

// Unwrap yields [ErrStatus] and the sentinel for SW, if any.
func (e *StatusError) Unwrap() []error { return unwrapStatus(e.SW) }

// AuthError is 63Cx: a verification (a PIN, an authentication cryptogram)
// failed and the card allows Retries more tries, like piv-go's AuthErr.
// It unwraps to [ErrStatus] and [ErrVerificationFailed], and also to
// [ErrAuthBlocked] when no tries are left.
type AuthError struct {
	// SW is the status word, 63C0 to 63CF.
	SW StatusWord
	// Command is the header of the command the card answered; nil when
	// unknown.
	Command *Header
	// Retries is the number of tries left, the x of 63Cx.
	Retries int
}

// Error is the English text: "apdu: 00 82 00 01: status 63C2 verification failed, 2 retries left".
func (e *AuthError) Error() string { return "apdu: " + e.Localize(l10n.English) }

// Localize renders the error in the language tag.
func (e *AuthError) Localize(tag language.Tag) string { return localizeStatus(tag, e.SW, e.Command) }

// Unwrap yields [ErrStatus], [ErrVerificationFailed] and, at zero retries,
// [ErrAuthBlocked].
func (e *AuthError) Unwrap() []error {
	errs := unwrapStatus(e.SW)
	if e.Retries == 0 {
		errs = append(errs, ErrAuthBlocked)
	}
	return errs
}

func unwrapStatus(sw StatusWord) []error {
	errs := []error{ErrStatus}
	if _, _, s := sw.describe(); s != nil {
		errs = append(errs, s)
	}
	if sw.IsWarning() {
		errs = append(errs, ErrWarning)
	}
	return errs
}

func localizeStatus(tag language.Tag, sw StatusWord, h *Header) string {
	if h == nil {
		return messages.Sprintf(tag, "status %s", sw.Localize(tag))
	}
	return messages.Sprintf(tag, "%s: status %s", h.String(), sw.Localize(tag))
}

// StatusOf finds the status word in err's chain ([*StatusError] or
// [*AuthError]); ok is false when err carries none.
func StatusOf(err error) (sw StatusWord, ok bool) {
	var se *StatusError
	if errors.As(err, &se) {
		return se.SW, true
	}
	var ae *AuthError
	if errors.As(err, &ae) {
		return ae.SW, true
	}
	return 0, false
}
