package lifecycle

import (
	"strconv"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/l10n"
)

// Names of kinds, states, actions, levels and stored entities as operators
// read them. The English texts of this package have always shown the stored
// values ("id", "at-district", "report-loss"), which vendors' logs and tests
// grep for, so English keeps them; Chinese texts show the names the seeds use
// (证件卡, 在区级, 挂失). The Chinese names live in the package catalog under
// prefixed keys ("state at-district"), so a state and an action spelled alike
// never share a translation.

// Catalog key prefixes of the names.
const (
	nameKind    = "card kind "
	nameState   = "state "
	nameAction  = "action "
	nameEntity  = "entity "
	nameOutcome = "outcome "
	// nameIDCancelled is the ID card's cancelled state: punched (打孔作废,
	// C-MGMT-1), not the registry card's cancellation (注销).
	nameIDCancelled = "state cancelled (ID card)"
)

// localName returns raw in English (and for a name the catalog does not
// know), the catalog's Chinese for key otherwise.
func localName(tag language.Tag, key, raw string) string {
	if l10n.Match(tag) != l10n.Chinese || !messages.Has(key) {
		return raw
	}
	return messages.Sprintf(tag, key)
}

// Localize names the card kind in tag's language: 证件卡 or 学籍卡 in
// Chinese (S-1), the stored value ("id", "registry") in English.
func (k CardKind) Localize(tag language.Tag) string {
	return localName(tag, nameKind+string(k), string(k))
}

// StateName names a state of a card of kind k in tag's language (在区级,
// 已发放 … in Chinese; the stored value in English). The kind matters: an
// ID card's "cancelled" is punched (已打孔作废, C-MGMT-1), a registry card's
// is cancelled in the system (已注销).
func (k CardKind) StateName(s State, tag language.Tag) string {
	key := nameState + string(s)
	if k == KindIDCard && s == IDCancelled {
		key = nameIDCancelled
	}
	return localName(tag, key, string(s))
}

// Localize names the action in tag's language (挂失, 解挂 … in Chinese; the
// stored value, e.g. "report-loss", in English). Actions the catalog does not
// know are shown as stored.
func (a Action) Localize(tag language.Tag) string {
	return localName(tag, nameAction+string(a), string(a))
}

// Outcome is what became of an audited call: [AuditEntry.Outcome] holds one.
type Outcome string

// The outcomes the ledger audits.
const (
	// OutcomeOK: the call was done.
	OutcomeOK Outcome = "ok"
	// OutcomeRefused: the call was refused (refusals are audited too).
	OutcomeRefused Outcome = "refused"
)

// Localize names the outcome in tag's language (成功, 拒绝 in Chinese; the
// stored value in English).
func (o Outcome) Localize(tag language.Tag) string {
	return localName(tag, nameOutcome+string(o), string(o))
}

// entityName names the kind of row an error is about (卡, 学生 … in Chinese).
func entityName(tag language.Tag, entity string) string {
	return localName(tag, nameEntity+entity, entity)
}

// num formats an integer as plain digits: the catalog's printer localizes
// %d with thousands separators ("12,345"), which is wrong for sequence
// numbers, versions and line numbers.
func num(n int64) string { return strconv.FormatInt(n, 10) }
