package card

import "bytes"

// Profile is what a vendor's COS may number differently in the education
// application without changing what it holds: the AID it is selected by,
// the short file identifiers of its four elementary files and the key
// identifiers of its three keys. [DefaultProfile] is the layout this
// package documents (AID F0 42 4A 45 44 55 01, SFIs 15-18, keys 01-03); a
// card personalised to another profile is opened with [WithProfile] and
// simulated with card/sim's WithProfile, so no vendor has to fork the SDK
// for a renumbering. The file sizes, formats and access rules do not
// change with the profile.
type Profile struct {
	// AID selects the education application (5 to 16 bytes).
	AID []byte
	// Short file identifiers (1 to 30, all different).
	SFICardInfo, SFIStudent, SFILog, SFIExtension byte
	// Key identifiers the SAM knows the card's keys by (non-zero, all
	// different).
	KeyIDInternal, KeyIDExternal, KeyIDMAC byte
}

// DefaultProfile is the documented layout: [AID], [SFICardInfo] …
// [SFIExtension], [KeyIDInternal] … [KeyIDMAC].
func DefaultProfile() Profile {
	return Profile{
		AID:         AID(),
		SFICardInfo: SFICardInfo, SFIStudent: SFIStudent, SFILog: SFILog, SFIExtension: SFIExtension,
		KeyIDInternal: KeyIDInternal, KeyIDExternal: KeyIDExternal, KeyIDMAC: KeyIDMAC,
	}
}

// Validate reports the first field of p no COS could use: an AID outside 5
// to 16 bytes (ISO/IEC 7816-4), an SFI outside 1 to 30 or used twice, a key
// id 0 or used twice. The error is a [*FieldError] of the "profile".
func (p Profile) Validate() error {
	if len(p.AID) < 5 || len(p.AID) > 16 {
		return &FieldError{File: profileFile, Field: "AID", Reason: "want 5 to 16 bytes, got %d", Args: []any{len(p.AID)}}
	}
	sfis := []byte{p.SFICardInfo, p.SFIStudent, p.SFILog, p.SFIExtension}
	for i, sfi := range sfis {
		if sfi < 1 || sfi > 30 || bytes.IndexByte(sfis[:i], sfi) >= 0 {
			return &FieldError{File: profileFile, Field: "short file identifier", Offset: i, Reason: "want 1 to 30, each file its own"}
		}
	}
	ids := []byte{p.KeyIDInternal, p.KeyIDExternal, p.KeyIDMAC}
	for i, id := range ids {
		if id == 0 || bytes.IndexByte(ids[:i], id) >= 0 {
			return &FieldError{File: profileFile, Field: "key identifier", Offset: i, Reason: "want a non-zero id, each key its own"}
		}
	}
	return nil
}

// profileFile names a Profile in errors (a catalog key).
const profileFile = "profile"
