package notice

import (
	"time"

	"github.com/dajia-project/dajia/internal/policy"
)

// Effect is data for the service layer to commit together with the new case
// state and its audit entry. The concrete types below are the only
// implementations.
type Effect interface{ isEffect() }

// Parties a notification goes to.
const (
	PartySeller   = "seller"
	PartyNotifier = "notifier"
	PartyPlatform = "platform" // internal escalation (overdue review or complaint)
)

// MeasureApplied imposes a restriction in the territories of one profile.
type MeasureApplied struct {
	Seq         int
	Profile     string
	Territories []string
	Measure     string
	Kind        string
	Subtype     string
}

// MeasureLifted terminates a restriction of one profile, in its territories only.
type MeasureLifted struct {
	Seq         int
	Profile     string
	Territories []string
	Measure     string
}

// Notify sends a templated message; Due carries a computed deadline shown in
// the message (e.g. the restoration date), zero when none.
type Notify struct {
	Party    string
	Template string
	RuleRef  string
	Profile  string
	Due      time.Time
}

// TimerSet schedules a timer; the scheduler fires it with TimerFired{ID} at Due.
type TimerSet struct {
	ID       string
	Kind     TimerKind
	Profile  string
	Due      time.Time
	Latest   time.Time // latest permitted instant for a window (DMCA 14 BD), zero otherwise
	Calendar string
	Rule     string
	RuleRef  string
	OnExpiry string
}

// TimerCancelled unschedules a timer.
type TimerCancelled struct{ ID string }

// StrikeProvisional records a provisional strike against the seller under a profile.
type StrikeProvisional struct{ SellerID, CaseID, Profile string }

// StrikeConfirmed makes a provisional strike final (case closed upheld).
type StrikeConfirmed struct{ SellerID, CaseID, Profile string }

// StrikeVoided removes a strike (restored, reversed or retracted).
type StrikeVoided struct{ SellerID, CaseID, Profile string }

// Restriction is one restriction in a statement of reasons.
type Restriction struct {
	Kind    string // visibility | monetary | provision | account
	Subtype string // SoR enum
}

// Redress is the Art 17(3)(f) redress information.
type Redress struct {
	InternalComplaint bool
	ComplaintDeadline time.Time
	ODS               bool
	JudicialRedress   bool
}

// StatementOfReasons is the DSA Art 17 statement to the affected seller, and
// (when SubmitToDatabase) the Art 24(5) Transparency Database submission.
type StatementOfReasons struct {
	CaseID             string
	Profile            string
	Seq                int // with CaseID and ListingID forms the puid
	ListingID          string
	Restrictions       []Restriction
	TerritorialScope   []string // the EEA codes actually restricted, sorted
	ApplicationDate    time.Time
	Ground             string // DECISION_GROUND_ILLEGAL_CONTENT
	LegalGround        string
	Explanation        string
	Facts              string
	SourceType         string // SOURCE_ARTICLE_16 | SOURCE_TRUSTED_FLAGGER | SOURCE_VOLUNTARY
	SourceIdentity     string // notifier organisation; empty for SOURCE_VOLUNTARY
	AutomatedDetection bool
	AutomatedDecision  string // AUTOMATED_DECISION_FULLY | _PARTIALLY | _NOT_AUTOMATED
	Redress            Redress
	SubmitToDatabase   bool
}

// RegisterEntry is one line of the ECL 44 public register.
type RegisterEntry struct {
	CaseID    string
	NoticeID  string
	ListingID string
	Notifier  string // organisation name; natural persons are masked by the service
	RightID   string
	Result    string
	At        time.Time
}

// Publish adds an entry to the public register (ECL 44); Kind is notice,
// declaration or result.
type Publish struct {
	Profile string
	Kind    string
	Entry   RegisterEntry
}

// Enforcement action types delivered to the marketplace.
const (
	ActionRemoveListing   = "remove_listing"
	ActionRestoreListing  = "restore_listing"
	ActionWarnSeller      = "warn_seller"
	ActionRestrictSeller  = "restrict_seller"
	ActionSuspendSeller   = "suspend_seller"
	ActionTerminateSeller = "terminate_seller"
)

// EnforcementAction is an instruction to the marketplace, scoped to the
// territories of one profile.
type EnforcementAction struct {
	Type        string
	Profile     string
	Territories []string
	ListingID   string
	SellerID    string
	Measure     string
}

func (MeasureApplied) isEffect()     {}
func (MeasureLifted) isEffect()      {}
func (Notify) isEffect()             {}
func (TimerSet) isEffect()           {}
func (TimerCancelled) isEffect()     {}
func (StrikeProvisional) isEffect()  {}
func (StrikeConfirmed) isEffect()    {}
func (StrikeVoided) isEffect()       {}
func (StatementOfReasons) isEffect() {}
func (Publish) isEffect()            {}
func (EnforcementAction) isEffect()  {}

// enforcementFor maps a measure to the marketplace action that imposes it.
func enforcementFor(measure string) string {
	switch measure {
	case "suspend_account":
		return ActionSuspendSeller
	case "terminate_account":
		return ActionTerminateSeller
	case "payout_hold", "terminate_transactions":
		return ActionRestrictSeller
	}
	return ActionRemoveListing
}

// EscalationAction maps a repeat-infringer action (policy.ActionWarn, …) to
// the enforcement action type.
func EscalationAction(action string) string {
	switch action {
	case policy.ActionWarn:
		return ActionWarnSeller
	case policy.ActionRestrict:
		return ActionRestrictSeller
	case policy.ActionSuspend:
		return ActionSuspendSeller
	case policy.ActionTerminate:
		return ActionTerminateSeller
	}
	return ""
}
