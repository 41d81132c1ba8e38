package studentid

// Scheme computes the check digit (position 16) of a registry number.
//
// The commission's algorithm is not public (rule S-ID-6), so the package
// does not pretend to know it: a vendor who holds the official algorithm
// implements Scheme (or wraps a function in [SchemeFunc]) and passes it to
// [ID.Verify] and [Build]. [MOD11_10] is only a reference scheme for test
// and demo data. Plugging in the official algorithm looks like:
//
//	official := studentid.SchemeFunc(vendorlib.CommissionCheckDigit)
//	if err := id.Verify(official); errors.Is(err, studentid.ErrCheckDigit) {
//		// show l10n.Error(err, l10n.Chinese) to the operator
//	}
//	next, err := studentid.Build(fields, official)
type Scheme interface {
	// CheckDigit returns the check digit, an ASCII digit '0'-'9', of
	// payload, positions 1-15 of a registry number (15 ASCII digits). It
	// returns an error if it cannot compute one.
	CheckDigit(payload string) (byte, error)
}

// SchemeFunc adapts a function to [Scheme], as http.HandlerFunc does for
// handlers, so a vendor's algorithm plugs in without a new type.
type SchemeFunc func(payload string) (byte, error)

// CheckDigit calls f(payload).
func (f SchemeFunc) CheckDigit(payload string) (byte, error) { return f(payload) }

// ReferenceScheme is ISO 7064 MOD 11,10, the pure-numeric one-digit check
// character system.
//
//	┌────────────────────────────────────────────────────────────────────┐
//	│ IT IS A REFERENCE, NOT THE COMMISSION'S ALGORITHM (rule S-ID-6).   │
//	│ Real registry numbers are NOT expected to pass it. Use it to       │
//	│ generate test and demo data, or if you have no official table;     │
//	│ never reject a real student's number because of it.                │
//	└────────────────────────────────────────────────────────────────────┘
//
// Algorithm: P = 10; for each digit d: S = (P + d) mod 10, S = 10 if S is
// 0; P = 2S mod 11. The check digit is (11 − P) mod 10.
type ReferenceScheme struct{}

// MOD11_10 is the reference check-digit scheme, ISO 7064 MOD 11,10. See
// [ReferenceScheme]: it is NOT the commission's algorithm. A vendor with the
// official algorithm passes its own [Scheme] instead.
//
// The type has no state, so every value of it is the same scheme.
var MOD11_10 ReferenceScheme

// CheckDigit computes the ISO 7064 MOD 11,10 check digit of payload, which
// must be one or more ASCII digits ([ErrFormat] otherwise).
func (ReferenceScheme) CheckDigit(payload string) (byte, error) {
	if payload == "" {
		return 0, &Error{Kind: KindRegistryNumber, Pos: 1, End: 1, Err: ErrFormat,
			key: keyLength, args: []any{0, Len - 1}}
	}
	p := 10
	for i := 0; i < len(payload); i++ {
		d := int(payload[i]) - '0'
		if d < 0 || d > 9 {
			return 0, shapeError(KindRegistryNumber, ErrFormat, payload, len(payload), false)
		}
		s := (p + d) % 10
		if s == 0 {
			s = 10
		}
		p = 2 * s % 11
	}
	return byte('0' + (11-p)%10), nil
}

// Verify checks position 16 against the check digit scheme computes from
// positions 1-15. It returns [ErrNoScheme] for a nil scheme and an [*Error]
// matching [ErrCheckDigit] if the digits differ or the scheme fails.
func (id ID) Verify(scheme Scheme) error {
	if id.IsZero() {
		return &Error{Kind: KindRegistryNumber, Pos: 1, End: 1, Err: ErrFormat,
			key: keyLength, args: []any{0, Len}}
	}
	want, err := checkDigit(scheme, id.Payload())
	if err != nil {
		return err
	}
	if got := id.Check(); got != want {
		return &Error{Kind: KindRegistryNumber, Pos: Len, End: Len, Got: string(got), Err: ErrCheckDigit,
			key: "check digit is %c, the scheme computes %c", args: []any{got, want}}
	}
	return nil
}

// checkDigit asks scheme for the check digit of payload and makes sure it
// is a digit.
func checkDigit(scheme Scheme, payload string) (byte, error) {
	if scheme == nil {
		return 0, &Error{Kind: KindRegistryNumber, Pos: Len, End: Len, Err: ErrNoScheme, key: "no check-digit scheme given"}
	}
	c, err := scheme.CheckDigit(payload)
	if err != nil {
		return 0, &Error{Kind: KindRegistryNumber, Pos: Len, End: Len, Err: ErrCheckDigit, Cause: err,
			key: "check-digit scheme failed: %s", args: []any{err}}
	}
	if c < '0' || c > '9' {
		return 0, &Error{Kind: KindRegistryNumber, Pos: Len, End: Len, Err: ErrCheckDigit,
			key: "check-digit scheme returned %q, not a digit", args: []any{string(c)}}
	}
	return c, nil
}
