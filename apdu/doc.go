// Package apdu is the wire layer of the SDK: ISO/IEC 7816-4 command and
// response APDUs, status words as errors, BER-TLV, and a [Client] that runs
// one logical exchange over a [Transport] (a PC/SC reader, the simulated card,
// a PSAM slot, a recorded script).
//
// Every registry card operation is a conversation of APDUs between a reader,
// the card and a SAM (SPEC §6, §8). Readers differ: T=0 readers answer case 4
// commands with 61xx and want GET RESPONSE, cards answer a wrong Le with 6Cxx,
// many cards accept no extended lengths and want command chaining instead.
// [Client] hides these differences (each behaviour has an opt-out) so card
// sessions and the PSAM driver can be written once.
//
// The pieces:
//
//   - [Command] and [Response]: encoding picks short or extended length by
//     need; [ParseCommand] reads all four ISO 7816-4 cases, short and
//     extended, and reports malformed input as a [*ParseError], never a panic.
//   - [StatusWord]: readable String, and an error form ([*StatusError],
//     [*AuthError] for 63Cx) whose Unwrap yields sentinels such as
//     [ErrSecurityStatus] or [ErrFileNotFound], so callers use errors.Is.
//   - [TLV]: strict BER-TLV encode/decode (multi-byte tags, long lengths,
//     nesting; indefinite and non-minimal lengths rejected).
//   - [NewTrace]: a [Transport] wrapper that logs every APDU with log/slog,
//     masking keys, cryptograms and personal data through a [Redactor].
//   - [ScriptedTransport]: replays recorded exchanges in tests and fails on
//     anything unexpected.
//   - Constructors for the commands a card session needs (SPEC §8):
//     [SelectByName], [GetChallenge], [ExternalAuthenticate],
//     [InternalAuthenticate], [ReadBinary], [UpdateBinary], …
//
// User-facing texts exist in Chinese and English through package l10n: every
// error of this package renders itself with l10n.Error(err, tag).
//
// No error, String or trace of this package shows the data field of a
// command or response that may carry a key, cryptogram or personal data.
package apdu
