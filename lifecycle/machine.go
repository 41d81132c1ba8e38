package lifecycle

import (
	"slices"

	"golang.org/x/text/language"

	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/studentid"
)

// ID card states (SPEC §4).
const (
	IDSubmitted         State = "submitted"          // card-making data uploaded by the school (C-MAKE-1)
	IDDistrictValidated State = "district-validated" // every record passed at the district (C-MAKE-2)
	IDCityValidated     State = "city-validated"     // passed at the city (C-MAKE-3)
	IDRejected          State = "rejected"           // in a failure file; fixed in CMIS and sent again (C-3)
	IDAtFactory         State = "at-factory"
	IDAtCity            State = "at-city"     // city imported the result file (C-ISSUE-1)
	IDAtDistrict        State = "at-district" // district imported its result file (C-ISSUE-2)
	IDAtSchool          State = "at-school"   // school imported its result file (C-ISSUE-2)
	IDIssued            State = "issued"      // in the holder with the registry card
	IDCancelled         State = "cancelled"   // anti-counterfeit mark punched (C-MGMT-1)
	IDExpired           State = "expired"
	IDReplaced          State = "replaced" // a replacement was made (C-REPLACE-1)
)

// Registry card states (SPEC §5).
const (
	RegCityStock      State = "city-stock"     // received from the supplier (R-ISSUE-1)
	RegDistrictStock  State = "district-stock" // shipped to a district (R-ISSUE-1)
	RegSchoolStock    State = "school-stock"   // shipped to a school, or transferred in (R-ISSUE-2, R-MOVE-1)
	RegPersonalised   State = "personalised"   // student data written (R-ISSUE-3)
	RegIssued         State = "issued"
	RegLost           State = "lost"
	RegFrozen         State = "frozen"
	RegCancelled      State = "cancelled"
	RegTransferredOut State = "transferred-out" // old school did transfer-out (R-MOVE-1)
	RegRecovered      State = "recovered"       // recovered and boxed (R-LEAVE-2)
	// RegRecoveredDistrict: handed in to the district with the recovery
	// slip (R-RECOVER-1), where recovered cards stop (R-RECOVER-2).
	RegRecoveredDistrict State = "recovered-district"
	RegFaultSchool       State = "fault-school"   // fault slip filled, booked out (R-FAULT-1)
	RegFaultDistrict     State = "fault-district" // verified and counted by the district
	RegFaultCity         State = "fault-city"     // verified and counted by the city
	RegReturned          State = "returned-to-supplier"
)

// Actions of the machines.
const (
	ActValidateDistrict Action = "validate-district"
	ActValidateCity     Action = "validate-city"
	ActReject           Action = "reject"
	ActSendToFactory    Action = "send-to-factory"
	ActImportResult     Action = "import-result"
	ActIssue            Action = "issue"
	ActPunch            Action = "punch"
	ActExpire           Action = "expire"
	ActReplace          Action = "replace"
	ActReportLoss       Action = "report-loss"
	ActCancelLoss       Action = "cancel-loss"
	ActFreeze           Action = "freeze"
	ActUnfreeze         Action = "unfreeze"
	ActCancel           Action = "cancel"
	ActShipToDistrict   Action = "ship-to-district"
	ActShipToSchool     Action = "ship-to-school"
	ActRecoverSurplus   Action = "recover-surplus"
	ActPersonalise      Action = "personalise"
	ActIssueTemporary   Action = "issue-temporary"
	ActReturnTemporary  Action = "return-temporary"
	ActTransferOut      Action = "transfer-out"
	ActTransferIn       Action = "transfer-in"
	ActRecover          Action = "recover"
	ActRecall           Action = "recall"
	ActReportFault      Action = "report-fault"
	ActFaultToDistrict  Action = "fault-to-district"
	ActFaultToCity      Action = "fault-to-city"
	ActFaultToSupplier  Action = "fault-to-supplier"
	ActResume           Action = "resume"
	ActHandIn           Action = "hand-in"
)

// Transition is one row of a state machine: Action moves a card in one of
// From to To, performed at one of the levels By, under Rule.
type Transition struct {
	Action Action
	From   []State
	To     State
	By     []studentid.Level
	Rule   string
}

// Machine is a card kind's state machine as data: the states a card can be
// created in and the transitions. Refused lists actions that never apply to
// the kind, with the rule that says so (an ID card is never reported lost,
// C-MGMT-1).
type Machine struct {
	Kind        CardKind
	Initial     []State
	Transitions []Transition
	Refused     map[Action]string
}

// levelSets returns the level lists the machines use (fresh each call, so
// no machine shares mutable data with another).
func levelSets() (cityOnly, districtOnly, schoolOnly, anyLevel []studentid.Level) {
	return []studentid.Level{studentid.LevelCity}, []studentid.Level{studentid.LevelDistrict}, []studentid.Level{studentid.LevelSchool}, []studentid.Level{studentid.LevelCity, studentid.LevelDistrict, studentid.LevelSchool}
}

// IDCardMachine returns the ID card's machine (SPEC §4): submitted →
// validated at district → at city → factory → result imported at city,
// district, school → issued; punched (cancelled), expired, replaced.
func IDCardMachine() *Machine {
	cityOnly, districtOnly, schoolOnly, anyLevel := levelSets()
	return &Machine{
		Kind:    KindIDCard,
		Initial: []State{IDSubmitted},
		Transitions: []Transition{
			{ActValidateDistrict, []State{IDSubmitted}, IDDistrictValidated, districtOnly, "C-MAKE-2"},
			{ActReject, []State{IDSubmitted, IDDistrictValidated}, IDRejected, []studentid.Level{studentid.LevelDistrict, studentid.LevelCity}, "C-MAKE-2"},
			{ActValidateCity, []State{IDDistrictValidated}, IDCityValidated, cityOnly, "C-MAKE-3"},
			{ActSendToFactory, []State{IDCityValidated}, IDAtFactory, cityOnly, "C-MAKE-3"},
			{ActImportResult, []State{IDAtFactory}, IDAtCity, cityOnly, "C-ISSUE-1"},
			{ActImportResult, []State{IDAtCity}, IDAtDistrict, districtOnly, "C-ISSUE-2"},
			{ActImportResult, []State{IDAtDistrict}, IDAtSchool, schoolOnly, "C-ISSUE-2"},
			{ActIssue, []State{IDAtSchool}, IDIssued, schoolOnly, "C-ISSUE-3"},
			{ActPunch, []State{IDIssued}, IDCancelled, schoolOnly, "C-MGMT-1"},
			{ActExpire, []State{IDIssued, IDAtSchool}, IDExpired, anyLevel, "C-MGMT-1"},
			{ActReplace, []State{IDIssued, IDCancelled}, IDReplaced, schoolOnly, "C-REPLACE-1"},
		},
		Refused: map[Action]string{
			ActReportLoss: "C-MGMT-1", ActCancelLoss: "C-MGMT-1", ActFreeze: "C-MGMT-1",
			ActRecover: "C-MGMT-1", ActPersonalise: "S-1",
		},
	}
}

// RegistryCardMachine returns the registry card's machine (SPEC §5): stock at
// city → district → school → personalised → issued → lost / frozen /
// cancelled / transferred out / recovered / fault → back up the chain to the
// supplier; temporary cards are registry cards issued with Temporary set.
func RegistryCardMachine() *Machine {
	cityOnly, districtOnly, schoolOnly, _ := levelSets()
	inUse := []State{RegIssued, RegLost, RegFrozen}
	return &Machine{
		Kind:    KindRegistryCard,
		Initial: []State{RegCityStock},
		Transitions: []Transition{
			{ActShipToDistrict, []State{RegCityStock}, RegDistrictStock, cityOnly, "R-ISSUE-1"},
			{ActShipToSchool, []State{RegDistrictStock}, RegSchoolStock, districtOnly, "R-ISSUE-2"},
			{ActRecoverSurplus, []State{RegSchoolStock}, RegDistrictStock, districtOnly, "R-ISSUE-2"},
			{ActPersonalise, []State{RegSchoolStock}, RegPersonalised, schoolOnly, "R-MOVE-1"},
			{ActIssue, []State{RegPersonalised}, RegIssued, schoolOnly, "R-ISSUE-3"},
			{ActIssueTemporary, []State{RegSchoolStock}, RegIssued, schoolOnly, "R-LOSS-2"},
			{ActReturnTemporary, []State{RegIssued}, RegSchoolStock, schoolOnly, "R-LOSS-2"},
			{ActReportLoss, []State{RegIssued}, RegLost, schoolOnly, "R-LOSS-1"},
			// R-MOVE-3: a card lost on the way to the new school is reported
			// lost and replaced at the old school, after the transfer-out.
			{ActReportLoss, []State{RegTransferredOut}, RegLost, schoolOnly, "R-MOVE-3"},
			{ActCancelLoss, []State{RegLost}, RegIssued, schoolOnly, "R-DAILY-1"},
			{ActFreeze, []State{RegIssued, RegLost}, RegFrozen, schoolOnly, "R-LEAVE-1"},
			{ActUnfreeze, []State{RegFrozen}, RegIssued, schoolOnly, "R-DAILY-1"},
			{ActCancel, inUse, RegCancelled, schoolOnly, "R-DAILY-1"},
			{ActReplace, []State{RegLost, RegIssued}, RegCancelled, schoolOnly, "R-LOSS-3"},
			{ActReplace, []State{RegTransferredOut}, RegCancelled, schoolOnly, "R-MOVE-3"},
			// R-MOVE-1, R-LEAVE-1: a frozen card stands for a leaving
			// without the transfer operation (seed 001: 未作升转学…操作时…
			// 列为冻结), so the transfer-out may still be done on it, as the
			// card itself allows (card.Session.TransferOut).
			{ActTransferOut, []State{RegIssued, RegFrozen}, RegTransferredOut, schoolOnly, "R-MOVE-1"},
			{ActTransferIn, []State{RegTransferredOut}, RegSchoolStock, schoolOnly, "R-MOVE-1"},
			{ActRecover, inUse, RegRecovered, schoolOnly, "R-LEAVE-2"},
			// R-RECOVER-1: the school hands recovered cards in to the
			// district; R-RECOVER-2: they go no further up.
			{ActHandIn, []State{RegRecovered}, RegRecoveredDistrict, schoolOnly, "R-RECOVER-2"},
			// R-MOVE-2: a resumed student's card works again, whatever state
			// leaving (frozen) or a transfer-out left it in.
			{ActResume, []State{RegFrozen, RegTransferredOut}, RegIssued, schoolOnly, "R-MOVE-2"},
			{ActRecall, []State{RegIssued}, RegSchoolStock, schoolOnly, "S-ID-5"},
			{ActReportFault, []State{RegSchoolStock, RegPersonalised, RegIssued}, RegFaultSchool, schoolOnly, "R-FAULT-1"},
			{ActFaultToDistrict, []State{RegFaultSchool}, RegFaultDistrict, districtOnly, "R-FAULT-1"},
			{ActFaultToCity, []State{RegFaultDistrict}, RegFaultCity, cityOnly, "R-FAULT-1"},
			{ActFaultToSupplier, []State{RegFaultCity}, RegReturned, cityOnly, "R-FAULT-1"},
		},
		Refused: map[Action]string{ActPunch: "C-MGMT-1"},
	}
}

// Find returns the transition for action from state, performed at level.
// An action the machine has but not from this state is a *TransitionError
// naming the current state and the transition's rule; a level that may not
// perform it is a *ForbiddenError.
func (m *Machine) Find(from State, action Action, by studentid.Level) (Transition, error) {
	var rule string
	for _, t := range m.Transitions {
		if t.Action != action {
			continue
		}
		rule = t.Rule
		if !slices.Contains(t.From, from) {
			continue
		}
		if !slices.Contains(t.By, by) {
			return Transition{}, &ForbiddenError{Level: by, Action: action, Rule: "S-4"}
		}
		return t, nil
	}
	if r, ok := m.Refused[action]; ok {
		rule = r
	}
	return Transition{}, &TransitionError{Kind: m.Kind, Action: action, State: from, Rule: rule}
}

// States lists every state the machine mentions, in first-mention order.
func (m *Machine) States() []State {
	var out []State
	add := func(s State) {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	for _, s := range m.Initial {
		add(s)
	}
	for _, t := range m.Transitions {
		for _, s := range t.From {
			add(s)
		}
		add(t.To)
	}
	return out
}

// TransitionError says an action is not allowed in the card's current state,
// and which rule says so.
type TransitionError struct {
	Kind   CardKind
	CardID string
	Action Action
	State  State
	Rule   string
}

// Error returns the English text; Localize gives the Chinese.
func (e *TransitionError) Error() string { return e.Localize(l10n.English) }

// Localize renders the error in tag's language.
func (e *TransitionError) Localize(tag language.Tag) string {
	rule := e.Rule
	if rule == "" {
		rule = "-"
	}
	return messages.Sprintf(tag, "%s card %q: %q not allowed in state %q (rule %s)", e.Kind.Localize(tag), e.CardID, e.Action.Localize(tag), e.Kind.StateName(e.State, tag), rule)
}

// Unwrap makes errors.Is(err, ErrIllegalTransition) hold.
func (e *TransitionError) Unwrap() error { return ErrIllegalTransition }

// ForbiddenError says an operator acted outside its scope or level (S-4).
type ForbiddenError struct {
	Level    studentid.Level
	District string
	School   string
	Action   Action
	// Target is the scope acted on.
	Target Scope
	Rule   string
}

// Error returns the English text; Localize gives the Chinese.
func (e *ForbiddenError) Error() string { return e.Localize(l10n.English) }

// Localize renders the error in tag's language.
func (e *ForbiddenError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "operator %s %s/%s may not %s in %s/%s", e.Level.Localize(tag), e.District, e.School, e.Action.Localize(tag), e.Target.District, e.Target.School)
}

// Unwrap makes errors.Is(err, ErrForbidden) hold.
func (e *ForbiddenError) Unwrap() error { return ErrForbidden }

// RuleError says a rule of SPEC refuses the call.
type RuleError struct {
	Rule string
	// Reason is an English text (a catalog key) saying what the rule wants.
	Reason string
	// Err, if set, is a more specific sentinel (e.g. ErrNotAtSchool).
	Err error
}

// Error returns the English text; Localize gives the Chinese.
func (e *RuleError) Error() string { return e.Localize(l10n.English) }

// Localize renders the error in tag's language.
func (e *RuleError) Localize(tag language.Tag) string {
	return messages.Sprintf(tag, "rule %s: %s", e.Rule, messages.Sprintf(tag, e.Reason))
}

// Unwrap yields ErrRule and the specific sentinel, if any.
func (e *RuleError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrRule, e.Err}
	}
	return []error{ErrRule}
}
