package lifecycle

import (
	"slices"
	"strings"
	"time"

	"github.com/bjedu/studentcard/studentid"
)

// Rule numbers the SPEC fixes.
const (
	// LossEffectiveWorkingDays: a loss report takes effect within 2
	// working days (R-LOSS-1).
	LossEffectiveWorkingDays = 2
	// LossPeriodDays: the loss period is 10 days (R-LOSS-2).
	LossPeriodDays = 10
	// ReplacementFeeYuan and ReplacementFeeCode: the replacement fee
	// (R-LOSS-3).
	ReplacementFeeYuan = 15
	ReplacementFeeCode = "174011"
	// HandOnWorkingDays: each level passes cards on within 10 working days
	// (R-TIME-1).
	HandOnWorkingDays = 10
	// Replacement deadlines in working days from the application: city 14,
	// district 17, whole replacement 20 (R-LOSS-3).
	ReplaceCityWorkingDays     = 14
	ReplaceDistrictWorkingDays = 17
	ReplaceTotalWorkingDays    = 20
	// ReplaceApplyDays: a damaged card, or a lost one not found when the
	// loss period ends, is applied for within a week (R-LOSS-5), and the
	// replacement reaches the student within ReplaceDeliverWorkingDays of
	// the application.
	ReplaceApplyDays          = 7
	ReplaceDeliverWorkingDays = 10
	// RegistryTransferWorkingDays: a registry transfer is completed, and a
	// deceased student's registry and card cancelled, within 10 working
	// days (R-TIME-2).
	RegistryTransferWorkingDays = 10
	// SmallBatchLimit: a district may print batches of fewer than 50 cards
	// itself (C-MAKE-2), from reserve cards (S-7).
	SmallBatchLimit = 50
)

// lossEffectiveBy returns the latest instant a loss reported at lostAt may
// take effect inside the school: the end of the 2nd working day after the
// report (R-LOSS-1, an upper bound). Past the calendar's years it counts
// weekends only and says so.
func lossEffectiveBy(cal *Calendar, lostAt time.Time) (time.Time, bool) {
	return cal.AddWorkingDaysProvisional(lostAt, LossEffectiveWorkingDays)
}

// lossPeriodEnd returns the end of the 10-day loss period (R-LOSS-2): a card
// not found by then is replaced on application (R-LOSS-3).
func lossPeriodEnd(lostAt time.Time) time.Time { return lostAt.AddDate(0, 0, LossPeriodDays) }

// Cause is why a card is replaced.
type Cause string

// Replacement causes (C-REPLACE-1, R-LOSS-3, R-LOSS-4).
const (
	CauseLost        Cause = "lost"
	CauseDamaged     Cause = "damaged"      // by the student, incl. after hand-out (R-LOSS-4)
	CauseCardFault   Cause = "card-fault"   // fault of the card itself, confirmed by testing (R-LOSS-4)
	CauseUpperError  Cause = "upper-error"  // error of an upper level (C-REPLACE-1)
	CauseBadQuality  Cause = "bad-quality"  // production quality (C-REPLACE-1)
	CauseSchoolError Cause = "school-error" // school's data error (C-REPLACE-1)
	CauseDataChanged Cause = "data-changed" // printed data changed within validity (C-MGMT-1)
)

// Payer is who pays for a replacement.
type Payer string

// Who pays (C-REPLACE-1, R-LOSS-3, R-LOSS-4).
const (
	PayerStudent  Payer = "student"
	PayerSchool   Payer = "school"
	PayerUpper    Payer = "upper-level"
	PayerSupplier Payer = "supplier"
	PayerNone     Payer = "free"
)

// Terms are the conditions of one replacement.
type Terms struct {
	Cause Cause
	Payer Payer
	// FeeYuan and FeeCode: what the student pays for a registry card
	// (R-LOSS-3); 0 and "" when free.
	FeeYuan int
	FeeCode string
	// SignedApplication: a signed application must be kept at the school
	// (lost, damaged, school data error; C-REPLACE-1).
	SignedApplication bool
	// BadCardAndExplanation: the bad card and a written explanation go up
	// with the request (upper-level error or quality; C-REPLACE-1).
	BadCardAndExplanation bool
	Rule                  string
}

// RegistryReplacementTerms says what a registry card replacement costs and
// who pays (R-LOSS-3: 15 yuan, fee code 174011; R-LOSS-4: free for a fault
// of the card itself, but damage after hand-out is the student's).
func RegistryReplacementTerms(c Cause) (Terms, error) {
	switch c {
	case CauseLost, CauseDamaged:
		return Terms{Cause: c, Payer: PayerStudent, FeeYuan: ReplacementFeeYuan, FeeCode: ReplacementFeeCode, SignedApplication: true, Rule: "R-LOSS-3"}, nil
	case CauseCardFault:
		return Terms{Cause: c, Payer: PayerNone, Rule: "R-LOSS-4"}, nil
	}
	return Terms{}, &RuleError{Rule: "R-LOSS-3", Reason: reasonBadCause}
}

// IDReplacementTerms says who pays for an ID card replacement and what
// paperwork goes with it (C-REPLACE-1).
func IDReplacementTerms(c Cause) (Terms, error) {
	t := Terms{Cause: c, Rule: "C-REPLACE-1"}
	switch c {
	case CauseUpperError:
		t.Payer, t.BadCardAndExplanation = PayerUpper, true
	case CauseBadQuality:
		t.Payer, t.BadCardAndExplanation = PayerSupplier, true
	case CauseSchoolError:
		t.Payer, t.SignedApplication = PayerSchool, true
	case CauseLost, CauseDamaged:
		t.Payer, t.SignedApplication = PayerStudent, true
	case CauseDataChanged:
		t.Payer, t.Rule = PayerNone, "C-MGMT-1"
	default:
		return Terms{}, &RuleError{Rule: "C-REPLACE-1", Reason: reasonBadCause}
	}
	return t, nil
}

// ApplicationKind is what a student may apply for: a new registry card or a
// replacement (S-ID-4).
type ApplicationKind string

// The two kinds of card application.
const (
	ApplyNew         ApplicationKind = "new"
	ApplyReplacement ApplicationKind = "replacement"
)

// Newcomer describes a student applying for a card (S-ID-4).
type Newcomer struct {
	Number studentid.ID
	// FromOutsideBeijing: a transient student transferring in from outside
	// Beijing.
	FromOutsideBeijing bool
	// NeverAttendedBeijing: it was confirmed they never attended another
	// Beijing school.
	NeverAttendedBeijing bool
	// Ground and GroundProof: why a transient student is treated as local
	// (student category 7, 8, 9) and the document that proves it (S-ID-7).
	Ground      LocalGround
	GroundProof string
}

// LocalGround is one of the six documented grounds on which a transient
// student is treated as local (借读按本市生对待, student category 7, 8, 9;
// S-ID-7, seed 003).
type LocalGround string

// The six grounds of S-ID-7.
const (
	GroundEducatedYouth LocalGround = "educated-youth" // 知青子女
	GroundMilitary      LocalGround = "military"       // 随军家属
	GroundPostdoc       LocalGround = "postdoc"        // 博士后
	GroundTaiwanInvest  LocalGround = "taiwan-investor"
	GroundTalent        LocalGround = "talent" // 引进人才、留学回国
	GroundBeijingParent LocalGround = "beijing-parent"
)

// Valid reports whether g is one of the six grounds.
func (g LocalGround) Valid() bool {
	switch g {
	case GroundEducatedYouth, GroundMilitary, GroundPostdoc, GroundTaiwanInvest, GroundTalent, GroundBeijingParent:
		return true
	}
	return false
}

// schoolYearStart returns the year the school year containing t started
// (September).
func schoolYearStart(t time.Time) int {
	d := DateOf(t)
	if d.Month >= time.September {
		return d.Year
	}
	return d.Year - 1
}

// isGradeOnePrimary reports whether the number is a primary student (category
// 0, or a primary transient 4/7) in grade 1 at time t: primary school takes
// six years, so grade-1 students graduate in the school year's start + 6.
func isGradeOnePrimary(id studentid.ID, t time.Time) bool {
	if id.Stage() != studentid.StagePrimary {
		return false
	}
	return id.Cohort() == (schoolYearStart(t)+6)%100
}

// CardApplication decides S-ID-4: only grade-1 primary new students get a new
// registry card; every other grade applies for a replacement; except a
// transient student from outside Beijing, confirmed never to have attended
// another Beijing school, who gets a new card only with a transient number
// (S-ID-3). A number treated as local (category 7, 8, 9) needs one of the
// six grounds and its proof (S-ID-7).
func CardApplication(n Newcomer, at time.Time) (ApplicationKind, error) {
	if n.Number.TreatedAsLocal() && (!n.Ground.Valid() || strings.TrimSpace(n.GroundProof) == "") {
		return "", &RuleError{Rule: "S-ID-7", Reason: reasonNeedsGround}
	}
	if isGradeOnePrimary(n.Number, at) {
		return ApplyNew, nil
	}
	if n.FromOutsideBeijing && n.NeverAttendedBeijing {
		if !n.Number.IsTransient() {
			return "", &RuleError{Rule: "S-ID-4", Reason: reasonNeedsTransient}
		}
		return ApplyNew, nil
	}
	return ApplyReplacement, nil
}

// RegistryDates are the registry deadlines of one school year that card
// flows depend on (R-TIME-2): grade-1 electronic registries exist within one
// month of the school year's start, promotion is done by 10 August 24:00,
// graduation before 30 July. Each is the instant the deadline passes.
type RegistryDates struct {
	GradeOneBy, GraduationBy, PromotionBy time.Time
}

// RegistryDeadlines returns the R-TIME-2 dates of the school year starting
// in September of year: grade-1 registries by 1 October of year, and the
// graduation and promotion that end it, in the next summer.
func RegistryDeadlines(year int) RegistryDates {
	return RegistryDates{
		GradeOneBy:   Date{year, time.September, 1}.Start().AddDate(0, 1, 0),
		GraduationBy: Date{year + 1, time.July, 30}.Start(),
		PromotionBy:  Date{year + 1, time.August, 11}.Start(),
	}
}

// MonthDay is a day of the year.
type MonthDay struct {
	Month time.Month
	Day   int
}

// Window is a registration window, both ends inclusive (Beijing dates).
type Window struct{ From, To MonthDay }

// RegistrationPolicy is the semester card-swipe registration (R-REG-1): a
// card not registered in the semester stops working after the window's end
// (20 March, 20 September). Districts may narrow the window (one district
// registers 1-20 March only).
type RegistrationPolicy struct {
	Spring, Autumn Window
	// Districts overrides the spring and autumn windows per district code.
	Districts map[string][2]Window
}

// DefaultRegistrationPolicy returns the city-wide rule: registration is open
// from the start of the semester (15 February, 20 August: our defaults, the
// SPEC fixes only the ends) to 20 March and 20 September.
func DefaultRegistrationPolicy() RegistrationPolicy {
	return RegistrationPolicy{
		Spring: Window{MonthDay{time.February, 15}, MonthDay{time.March, 20}},
		Autumn: Window{MonthDay{time.August, 20}, MonthDay{time.September, 20}},
	}
}

// WithDistrictWindow returns a copy of p in which district registers in
// spring and autumn (e.g. 1-20 March).
func (p RegistrationPolicy) WithDistrictWindow(district string, spring, autumn Window) RegistrationPolicy {
	out := p
	out.Districts = make(map[string][2]Window, len(p.Districts)+1)
	for k, v := range p.Districts {
		out.Districts[k] = v
	}
	out.Districts[district] = [2]Window{spring, autumn}
	return out
}

func (p RegistrationPolicy) windows(district string) (spring, autumn Window) {
	if w, ok := p.Districts[district]; ok {
		return w[0], w[1]
	}
	return p.Spring, p.Autumn
}

func (md MonthDay) in(year int) Date { return Date{year, md.Month, md.Day} }

func within(d Date, w Window) bool {
	from, to := w.From.in(d.Year).Start(), w.To.in(d.Year).Start()
	return !d.Start().Before(from) && !d.Start().After(to)
}

// Register decides a registration swipe at time t in district: inside a
// window it returns the instant the card's registration runs out (the end of
// the next window's last day); outside it refuses with a *RuleError
// (R-REG-1).
func (p RegistrationPolicy) Register(district string, t time.Time) (time.Time, error) {
	spring, autumn := p.windows(district)
	d := DateOf(t)
	if !within(d, spring) && !within(d, autumn) {
		return time.Time{}, &RuleError{Rule: "R-REG-1", Reason: reasonOutsideWindow}
	}
	_, _, until := p.CurrentSemester(district, t)
	return until, nil
}

// CurrentSemester names the semester a registration at t in district is
// for, as the card counts semesters (card.SemesterOf: term 1 from February
// to July, term 2 from August to January), and the instant such a
// registration runs out: the end of the next semester's registration window
// (20 September, 20 March, or the district's own). A card registered for any
// other semester disagrees with the ledger (R-REG-1).
func (p RegistrationPolicy) CurrentSemester(district string, t time.Time) (year, term int, validUntil time.Time) {
	sem := p.current(district, t)
	return sem.year, sem.term, sem.validUntil
}

// semester is one school semester: its year and term, when it starts, and
// when a registration for it runs out.
type semester struct {
	year, term        int
	start, validUntil time.Time
}

func (p RegistrationPolicy) current(district string, t time.Time) semester {
	spring, autumn := p.windows(district)
	d := DateOf(t)
	switch {
	case d.Month == time.January:
		return semester{d.Year - 1, 2, Date{d.Year - 1, time.August, 1}.Start(), spring.To.in(d.Year).AddDays(1).Start()}
	case d.Month <= time.July:
		return semester{d.Year, 1, Date{d.Year, time.February, 1}.Start(), autumn.To.in(d.Year).AddDays(1).Start()}
	}
	return semester{d.Year, 2, Date{d.Year, time.August, 1}.Start(), spring.To.in(d.Year + 1).AddDays(1).Start()}
}

// Valid reports whether a registry card registered until validUntil still
// works at t (R-REG-1: automatic invalidity after 20 March / 20 September).
func (p RegistrationPolicy) Valid(validUntil, t time.Time) bool {
	return t.Before(validUntil)
}

// Allocation rules (R-ISSUE-1, R-ISSUE-2, C-RESERVE-1), in per mille to stay
// in integers. The C-5 waste limit lives with the result file, in
// batch.WasteLimit.
const (
	SchoolSparePerMille  = 80 // 8 % temporary and spare cards (R-ISSUE-2)
	ReserveTargetPerMill = 30 // about 3 % reserve cards (C-RESERVE-1)
	ReserveAlertPerMill  = 10 // apply to the city below 1 % (C-RESERVE-1)
)

func ceilPerMille(n, perMille int) int { return (n*perMille + 999) / 1000 }

// SchoolAllocation returns how many registry cards a district ships to a
// school with idRecords stored ID-card records: the records plus 8 %
// temporary and spare cards, rounded up (R-ISSUE-2).
func SchoolAllocation(idRecords int) int {
	return idRecords + ceilPerMille(idRecords, SchoolSparePerMille)
}

// schoolSurplus returns how many cards the district recovers from a school
// that received issued cards for students students (R-ISSUE-2): what is
// above the allocation those students justify.
func schoolSurplus(issued, students int) int { return max(0, issued-SchoolAllocation(students)) }

// ReserveStatus is a district's reserve card position (C-RESERVE-1).
type ReserveStatus struct {
	Stock   int64
	ToIssue int64
	// Target is about 3 % of the cards to issue.
	Target int64
	// Alert: below 1 %: apply to the city for more.
	Alert bool
	// Entry is the movement that led here, for the paper register
	// (C-RESERVE-2); zero when the position was only read.
	Entry ReserveEntry
}

// reserveStatus computes the reserve position from the stock and the cards to issue.
func reserveStatus(stock, toIssue int64) ReserveStatus {
	return ReserveStatus{
		Stock: stock, ToIssue: toIssue,
		Target: (toIssue*ReserveTargetPerMill + 999) / 1000,
		Alert:  stock*1000 < toIssue*ReserveAlertPerMill,
	}
}

// Export purposes and the fields each may carry: the minimum-fields rule of
// P-1. Field names follow the card-making data (C-1).
const (
	PurposeCardMaking   = "card-making"
	PurposeLossList     = "loss-list"
	PurposeRegistration = "registration"
	PurposeStatistics   = "statistics"
)

// ExportFields returns the fields an export for purpose may carry (P-1), and
// false for an unknown purpose.
func ExportFields(purpose string) ([]string, bool) {
	switch purpose {
	case PurposeCardMaking:
		return []string{"school-name", "name", "gender", "registry-number", "resident-id", "photo"}, true
	case PurposeLossList:
		return []string{"card-id", "registry-number", "state"}, true
	case PurposeRegistration:
		return []string{"card-id", "registry-number", "name"}, true
	case PurposeStatistics:
		return []string{"school", "cohort", "count"}, true
	}
	return nil, false
}

// controlledFields are the student fields that change only with proof and the
// approval of the level above (P-2).
func controlledFields() []string {
	return []string{"name", "gender", "birth-date", "id-number"}
}

func isControlled(field string) bool { return slices.Contains(controlledFields(), field) }

// Reasons of RuleErrors (catalog keys).
const (
	reasonBadCause         = "unknown replacement cause"
	reasonNeedsTransient   = "a newcomer from outside Beijing gets a new card only with a transient number"
	reasonOutsideWindow    = "outside the registration window"
	reasonLossPeriod       = "the 10-day loss period has not ended"
	reasonNotLost          = "the student has no lost card"
	reasonNotEnrolled      = "the student is not enrolled at this school (transfer in first)"
	reasonStockShort       = "not enough stock"
	reasonExportPurpose    = "unknown export purpose"
	reasonExportFields     = "the export asks for fields its purpose does not need"
	reasonExportApproval   = "the export needs written approval and an end date"
	reasonNotControlled    = "not a controlled field"
	reasonNeedsProof       = "the change needs proof"
	reasonNeedsApproval    = "the change needs the approval of the level above"
	reasonClassFull        = "the class has no seat left (99)"
	reasonNumberState      = "the number is not in the state this step needs"
	reasonNotTransferOut   = "the student is not transferring out"
	reasonSmallBatch       = "a district prints only batches of fewer than 50 cards"
	reasonNotLeft          = "the student has not left this school"
	reasonBadTarget        = "bad or missing target code"
	reasonStillValid       = "the ID card is still within its validity period"
	reasonBadCount         = "the count must be positive"
	reasonNotTemporary     = "not a temporary card"
	reasonNotReversible    = "the card's last change cannot be undone here"
	reasonUndoWindow       = "too late to undo: the undo window has passed"
	reasonApprovalUsed     = "the approval was used already"
	reasonCompleted        = "the student has graduated or completed: basic data can no longer change"
	reasonNoName           = "the name is empty"
	reasonBadGender        = "the gender must be 1 (male) or 2 (female)"
	reasonBadBirthDate     = "the birth date must be a real date YYYYMMDD"
	reasonBirthMismatch    = "the birth date does not agree with the resident ID number"
	reasonRecoveredStop    = "recovered cards stop at the district; only fault cards go up to the city"
	reasonNoTakeBack       = "no card is taken back for safekeeping: recall and recovery happen only through a number change or a leave record"
	reasonNeedsGround      = "a student treated as local needs one of the six grounds and its proof"
	reasonNotConfirmed     = "the new number is pre-assigned only once the student is confirmed in the new grade's class"
	reasonExportP6         = "the export application needs purpose, manner of use, fields, period, the person responsible for data security, the handler and a security plan"
	reasonBulkExport       = "district and school levels export through the page export, not in bulk"
	reasonFilingOrder      = "an application is filed step by step: school, district, city"
	reasonBadMisuse        = "unknown kind of misuse (want forged or used-by-another)"
	reasonNotHolder        = "the card presented is not the student's"
	reasonClassNumber      = "the class number must be 7 digits: entry year, grade, 2-digit class"
	reasonBadIDNumber      = "the ID number is missing or invalid for its ID type"
	reasonForeignerID      = "a foreign student records the passport or permit, not \"other\""
	reasonBadIDType        = "the ID type is not on the list"
	reasonNoGuardian       = "at least one guardian is recorded"
	reasonGuardianID       = "a student without an ID number needs a guardian's ID number"
	reasonEntryMonth       = "the entry month must be September (YYYY09)"
	reasonNoDisabilityCert = "disability is recorded only with a disability certificate"
	reasonNoOnlyChildCert  = "only child is recorded only with the certificate"
	reasonNoStaff          = "the staff report lists nobody"
	reasonBadStaff         = "every staff member needs a login, a name and a role (card-manager or system-admin)"
	reasonErringLevel      = "an upper-level error names the level at fault: district or city"
	reasonIDTaken          = "another student registered first with this resident ID number: enrol this one under a J personal code without the ID number"
)
