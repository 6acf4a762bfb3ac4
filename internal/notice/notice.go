// Package notice is the item-case state machine of dajia's notice-and-action
// workflow (legal-workflows.md §4.2): one case per (notice × listing), or per
// platform-detected listing, moving through received → qualified → actioned
// → counter-notice / complaint → restored or closed, under one or more policy
// profiles at once (§4.4). Apply is a pure function: it returns the new case
// and the effects (measures, notifications, timers, strikes, statements of
// reasons, publications, enforcement actions) that the service layer commits
// in one transaction with the audit entry.
//
// The package also holds the pure strike-escalation and notifier-accuracy
// functions. It reads no clock: the current instant and the deadline
// arithmetic come in through Env.
package notice

import (
	"maps"
	"slices"
	"time"

	"github.com/dajia-project/dajia/internal/policy"
)

// Deadlines resolves a period to an absolute instant. It is implemented by an
// adapter over the calendar package; rule names the computation rule, e.g.
// "CC201+CC203" (next-day start, holiday roll-over to 24:00) or "" (plain
// counting on the period's calendar).
type Deadlines interface {
	Due(start time.Time, p policy.Period, rule string) (time.Time, error)
}

// Rules handed to Deadlines besides a profile's own ("CC201+CC203") and ""
// (plain counting on the period's calendar).
const (
	// RuleWindowOpens is the earliest instant of a window given as a range
	// ("not less than 10 ... business days following receipt").
	RuleWindowOpens = "WINDOW_OPENS"
	// RuleWindowCloses is the latest instant of such a window ("nor more than 14").
	RuleWindowCloses = "WINDOW_CLOSES"
)

// Profiles looks up policy profiles by ID; *policy.Set implements it.
type Profiles interface {
	Profile(id string) (*policy.Profile, error)
}

var _ Profiles = (*policy.Set)(nil)

// Env is everything Apply needs from outside the case.
type Env struct {
	Now       time.Time
	Profiles  Profiles
	Deadlines Deadlines
}

// State is an item case's position in the unified workflow (§4.2).
type State string

// States of an item case.
const (
	StateReceived               State = "received"
	StateIncomplete             State = "incomplete"
	StateRejected               State = "rejected"
	StateQualified              State = "qualified" // transient: qualification continues at once per measure timing
	StatePendingSellerResponse  State = "pending_seller_response"
	StateUnderReview            State = "under_review"
	StateActioned               State = "actioned"
	StateCounterReceived        State = "counter_received"
	StateCounterIncomplete      State = "counter_incomplete"
	StateCounterForwarded       State = "counter_forwarded"
	StateHeldPendingProceedings State = "held_pending_proceedings"
	StateRestored               State = "restored"
	StateRetracted              State = "retracted"
	StateComplaintOpen          State = "complaint_open"
	StateClosedUpheld           State = "closed_upheld"
	StateNoAction               State = "no_action"
	StateDisputeOpen            State = "dispute_open"
)

// Terminal reports whether no further workflow step (other than an ODS
// dispute, where a profile offers one) can follow.
func (s State) Terminal() bool {
	switch s {
	case StateRejected, StateRestored, StateRetracted, StateClosedUpheld:
		return true
	}
	return false
}

// Source says how a case started (SoR source_type, §5.2).
type Source string

// Case sources.
const (
	SourceNotice        Source = "notice"
	SourceOwnInitiative Source = "own_initiative"
)

// ScopeStatus is where one profile stands within a case.
type ScopeStatus string

// Scope statuses.
const (
	ScopePending  ScopeStatus = "pending"   // no measure yet
	ScopeActioned ScopeStatus = "actioned"  // measures active
	ScopeHeld     ScopeStatus = "held"      // measures kept pending proceedings
	ScopeRestored ScopeStatus = "restored"  // measures lifted
	ScopeNoAction ScopeStatus = "no_action" // decided not to act
	ScopeUpheld   ScopeStatus = "upheld"    // closed with measures standing
)

// StrikeStatus is the state of the strike a case put on the seller's ledger.
type StrikeStatus string

// Strike statuses (§4.2: provisional until closed_upheld; voided on
// restoration through counter-notice, complaint reversal or retraction).
const (
	StrikeStatusNone        StrikeStatus = ""
	StrikeStatusProvisional StrikeStatus = "provisional"
	StrikeStatusConfirmed   StrikeStatus = "confirmed"
	StrikeStatusVoided      StrikeStatus = "voided"
)

// Scope is one applied profile with the territories in which it may create
// and lift measures (§4.4).
type Scope struct {
	Profile     string       `json:"profile,omitzero"`
	Territories []string     `json:"territories,omitzero"`
	Status      ScopeStatus  `json:"status,omitzero"`
	Strike      StrikeStatus `json:"strike,omitzero"`
}

// ScopesFrom turns resolved profiles into case scopes.
func ScopesFrom(applied []policy.Applied) []Scope {
	out := make([]Scope, 0, len(applied))
	for _, a := range applied {
		out = append(out, Scope{Profile: a.Profile.ID, Territories: append([]string(nil), a.Territories...), Status: ScopePending})
	}
	return out
}

// MeasureStatus is the status of one restriction.
type MeasureStatus string

// Measure statuses.
const (
	MeasureActive     MeasureStatus = "active"
	MeasureTerminated MeasureStatus = "terminated"
)

// Measure is one restriction in the territories of one profile (§4.1).
type Measure struct {
	Seq         int           `json:"seq,omitzero"`
	Profile     string        `json:"profile,omitzero"`
	Territories []string      `json:"territories,omitzero"`
	Name        string        `json:"name,omitzero"`    // from decision.allowed_measures, e.g. delist
	Kind        string        `json:"kind,omitzero"`    // visibility | monetary | provision | account
	Subtype     string        `json:"subtype,omitzero"` // SoR enum, e.g. DECISION_VISIBILITY_CONTENT_REMOVED
	Status      MeasureStatus `json:"status,omitzero"`
	StartsAt    time.Time     `json:"starts_at,omitzero"`
	EndsAt      time.Time     `json:"ends_at,omitzero"`
}

// TimerKind names what a timer is for.
type TimerKind string

// Timer kinds.
const (
	TimerCureWindow      TimerKind = "cure_window"      // incomplete notice → rejected
	TimerResponseWindow  TimerKind = "response_window"  // pre-takedown window → measure
	TimerReviewSLA       TimerKind = "review_sla"       // review overdue → escalate
	TimerRestore         TimerKind = "restore"          // counter-notice clock → restore
	TimerCounterWindow   TimerKind = "counter_window"   // counter-notice filing window closes
	TimerComplaintWindow TimerKind = "complaint_window" // Art 20 window closes
	TimerComplaintSLA    TimerKind = "complaint_sla"    // complaint decision overdue → escalate
)

// TimerStatus is the status of a timer.
type TimerStatus string

// Timer statuses.
const (
	TimerStatusRunning   TimerStatus = "running"
	TimerStatusFired     TimerStatus = "fired"
	TimerStatusCancelled TimerStatus = "cancelled"
)

// Interval is a span of time, e.g. a tolled delay.
type Interval struct {
	From time.Time `json:"from,omitzero"`
	To   time.Time `json:"to,omitzero"`
}

// Timer is a deadline stored as an absolute instant plus the calendar and rule
// that produced it (§4.2).
type Timer struct {
	ID        string      `json:"id,omitzero"`
	Kind      TimerKind   `json:"kind,omitzero"`
	Profile   string      `json:"profile,omitzero"`
	StartsAt  time.Time   `json:"starts_at,omitzero"`
	DueAt     time.Time   `json:"due_at,omitzero"`      // when the timer fires
	LatestAt  time.Time   `json:"latest_at,omitzero"`   // the latest permitted instant, for windows (DMCA 14 BD); zero otherwise
	BaseDueAt time.Time   `json:"base_due_at,omitzero"` // the deadline before tolling
	CapAt     time.Time   `json:"cap_at,omitzero"`      // tolling hard cap; zero without tolling
	Calendar  string      `json:"calendar,omitzero"`
	Rule      string      `json:"rule,omitzero"`
	RuleRef   string      `json:"rule_ref,omitzero"`
	OnExpiry  string      `json:"on_expiry,omitzero"`
	Tolled    []Interval  `json:"tolled,omitzero"`
	Status    TimerStatus `json:"status,omitzero"`
}

// Outcome of a decision on a notice.
type Outcome string

// Decision outcomes.
const (
	OutcomeAction   Outcome = "action"
	OutcomeNoAction Outcome = "no_action"
)

// Decision is the platform's decision on a case.
type Decision struct {
	Outcome     Outcome   `json:"outcome,omitzero"`
	Reason      string    `json:"reason,omitzero"` // legal ground, e.g. "Regulation (EU) 2017/1001 Art. 9(2)(a)"
	Explanation string    `json:"explanation,omitzero"`
	Measures    []string  `json:"measures,omitzero"`
	ReviewerID  string    `json:"reviewer_id,omitzero"` // empty for a decision taken by rule
	Automated   bool      `json:"automated,omitzero"`
	At          time.Time `json:"at,omitzero"`
}

// CounterNotice is a seller's counter-notice, declaration or appeal.
type CounterNotice struct {
	Profile      string            `json:"profile,omitzero"`
	Type         string            `json:"type,omitzero"`
	Fields       []string          `json:"fields,omitzero"`
	Attestations map[string]string `json:"attestations,omitzero"` // field → attestation version confirmed
	Missing      []string          `json:"missing,omitzero"`
	ReceivedAt   time.Time         `json:"received_at,omitzero"`
	ForwardedAt  time.Time         `json:"forwarded_at,omitzero"`
	DeliveredAt  time.Time         `json:"delivered_at,omitzero"`
}

// Proceeding is proof that the notifier complained to an authority or sued.
type Proceeding struct {
	Profile  string    `json:"profile,omitzero"`
	Evidence string    `json:"evidence,omitzero"`
	Ref      string    `json:"ref,omitzero"`
	At       time.Time `json:"at,omitzero"`
}

// Complaint is an internal complaint (DSA Art 20) or a platform appeal.
type Complaint struct {
	By         string    `json:"by,omitzero"` // seller | notifier
	Profile    string    `json:"profile,omitzero"`
	Appeal     bool      `json:"appeal,omitzero"` // a platform_appeal counter-notice reviewed as a complaint
	Prior      State     `json:"prior,omitzero"`
	ReceivedAt time.Time `json:"received_at,omitzero"`
	DecidedAt  time.Time `json:"decided_at,omitzero"`
	Outcome    string    `json:"outcome,omitzero"`
	ReviewerID string    `json:"reviewer_id,omitzero"`
	Automated  bool      `json:"automated,omitzero"`
}

// Dispute is an out-of-court dispute settlement (DSA Art 21).
type Dispute struct {
	BodyID      string    `json:"body_id,omitzero"`
	By          string    `json:"by,omitzero"`
	Prior       State     `json:"prior,omitzero"`
	SubmittedAt time.Time `json:"submitted_at,omitzero"`
	DecidedAt   time.Time `json:"decided_at,omitzero"`
	Outcome     string    `json:"outcome,omitzero"`
	Implemented bool      `json:"implemented,omitzero"`
}

// Case is one item case: the unit of the state machine (§4.1 ItemCase).
type Case struct {
	ID          string `json:"id,omitzero"`
	NoticeID    string `json:"notice_id,omitzero"`
	ListingID   string `json:"listing_id,omitzero"`
	SellerID    string `json:"seller_id,omitzero"`
	NotifierID  string `json:"notifier_id,omitzero"`
	NotifierOrg string `json:"notifier_org,omitzero"` // organisation name, for SoR source_identity and the ECL 44 register
	RightID     string `json:"right_id,omitzero"`
	// InfringementType is counterfeit, trademark, copyright, patent, ….
	InfringementType   string   `json:"infringement_type,omitzero"`
	Source             Source   `json:"source,omitzero"`
	TrustedNotifier    bool     `json:"trusted_notifier,omitzero"` // platform trusted lane (e.g. GTM)
	TrustedFlagger     bool     `json:"trusted_flagger,omitzero"`  // DSA Art 22, DSC-awarded
	AutomatedDetection bool     `json:"automated_detection,omitzero"`
	RequestedMeasures  []string `json:"requested_measures,omitzero"`

	State    State     `json:"state,omitzero"`
	Scopes   []Scope   `json:"scopes,omitzero"`
	Measures []Measure `json:"measures,omitzero"`
	Timers   []Timer   `json:"timers,omitzero"`
	Missing  []string  `json:"missing,omitzero"`  // notice fields missing while incomplete
	Rejected string    `json:"rejected,omitzero"` // reason a notice was rejected

	ReceivedAt  time.Time `json:"received_at,omitzero"`
	QualifiedAt time.Time `json:"qualified_at,omitzero"`
	DecidedAt   time.Time `json:"decided_at,omitzero"`
	InformedAt  time.Time `json:"informed_at,omitzero"`
	RestoredAt  time.Time `json:"restored_at,omitzero"`
	ClosedAt    time.Time `json:"closed_at,omitzero"`

	ReviewerID      string         `json:"reviewer_id,omitzero"` // who claimed the review
	Decision        *Decision      `json:"decision,omitzero"`
	Counter         *CounterNotice `json:"counter,omitzero"`
	CounterAttempts int            `json:"counter_attempts,omitzero"`
	Proceedings     []Proceeding   `json:"proceedings,omitzero"`
	Complaints      []Complaint    `json:"complaints,omitzero"`
	Disputes        []Dispute      `json:"disputes,omitzero"`

	Seq int `json:"seq,omitzero"` // last measure or timer sequence number
}

// ActiveMeasures returns the active measures, optionally of one profile ("" for all).
func (c *Case) ActiveMeasures(profile string) []Measure {
	var out []Measure
	for _, m := range c.Measures {
		if m.Status == MeasureActive && (profile == "" || m.Profile == profile) {
			out = append(out, m)
		}
	}
	return out
}

// RunningTimers returns the timers that have neither fired nor been cancelled.
func (c *Case) RunningTimers() []Timer {
	var out []Timer
	for _, t := range c.Timers {
		if t.Status == TimerStatusRunning {
			out = append(out, t)
		}
	}
	return out
}

// clone deep-copies the case so that Apply never mutates its input.
func (c Case) clone() Case {
	n := c
	n.RequestedMeasures = slices.Clone(c.RequestedMeasures)
	n.Scopes = slices.Clone(c.Scopes)
	for i := range n.Scopes {
		n.Scopes[i].Territories = slices.Clone(n.Scopes[i].Territories)
	}
	n.Measures = slices.Clone(c.Measures)
	for i := range n.Measures {
		n.Measures[i].Territories = slices.Clone(n.Measures[i].Territories)
	}
	n.Timers = slices.Clone(c.Timers)
	for i := range n.Timers {
		n.Timers[i].Tolled = slices.Clone(n.Timers[i].Tolled)
	}
	n.Missing = slices.Clone(c.Missing)
	if c.Decision != nil {
		d := *c.Decision
		d.Measures = slices.Clone(d.Measures)
		n.Decision = &d
	}
	if c.Counter != nil {
		cn := *c.Counter
		cn.Fields = slices.Clone(cn.Fields)
		cn.Missing = slices.Clone(cn.Missing)
		cn.Attestations = maps.Clone(cn.Attestations)
		n.Counter = &cn
	}
	n.Proceedings = slices.Clone(c.Proceedings)
	n.Complaints = slices.Clone(c.Complaints)
	n.Disputes = slices.Clone(c.Disputes)
	return n
}
