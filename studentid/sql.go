package studentid

import "database/sql/driver"

// The code types are stored as their text forms, so a ledger's tables stay
// readable with any SQL client: Value writes the text (an empty string for a
// zero value) and Scan parses it back with the type's parser, refusing what
// the parser refuses. database/sql and pgx both call these methods.

// Value returns the 16 digits ("" for the zero ID).
func (id ID) Value() (driver.Value, error) { return id.String(), nil }

// Scan reads a registry number stored by Value.
func (id *ID) Scan(src any) error {
	return scanText(src, KindRegistryNumber, ErrFormat, id.UnmarshalText)
}

// Value returns the 4 digits ("" for the zero District).
func (d District) Value() (driver.Value, error) { return d.String(), nil }

// Scan reads a district code stored by Value.
func (d *District) Scan(src any) error {
	return scanText(src, KindDistrict, ErrDistrict, d.UnmarshalText)
}

// Value returns the 8 digits ("" for the zero School).
func (s School) Value() (driver.Value, error) { return s.String(), nil }

// Scan reads a school code stored by Value.
func (s *School) Scan(src any) error { return scanText(src, KindSchool, ErrSchool, s.UnmarshalText) }

// Value returns the GB/T 2261.1 digit ([Sex.Code]).
func (s Sex) Value() (driver.Value, error) { return s.Code(), nil }

// Scan reads a sex stored by Value ("" is [SexUnknown]).
func (s *Sex) Scan(src any) error {
	return scanText(src, KindSex, ErrSex, func(b []byte) error {
		if len(b) == 0 {
			*s = SexUnknown
			return nil
		}
		v, err := ParseSexCode(string(b))
		*s = v
		return err
	})
}

// scanText hands a stored text (or NULL, as empty text) to unmarshal.
func scanText(src any, kind Kind, sentinel error, unmarshal func([]byte) error) error {
	switch v := src.(type) {
	case nil:
		return unmarshal(nil)
	case string:
		return unmarshal([]byte(v))
	case []byte:
		return unmarshal(v)
	}
	return &Error{Kind: kind, Pos: 1, End: 1, Err: sentinel, key: "the stored value is not text"}
}
