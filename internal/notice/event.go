package notice

import "time"

// EventKind names an event, for errors and the audit log.
type EventKind string

// Event kinds.
const (
	EventValidated             EventKind = "validated"
	EventCompleted             EventKind = "completed"
	EventCureWindowExpired     EventKind = "cure_window_expired"
	EventReviewClaimed         EventKind = "review_claimed"
	EventDecided               EventKind = "decided"
	EventResponseWindowExpired EventKind = "response_window_expired"
	EventCounterNoticeFiled    EventKind = "counter_notice_filed"
	EventCounterValidated      EventKind = "counter_validated"
	EventCounterDelivered      EventKind = "counter_delivered"
	EventProceedingsProof      EventKind = "proceedings_proof"
	EventProceedingsDecided    EventKind = "proceedings_decided"
	EventTollingRequested      EventKind = "tolling_requested"
	EventTimerFired            EventKind = "timer_fired"
	EventRetracted             EventKind = "retracted"
	EventComplaintFiled        EventKind = "complaint_filed"
	EventComplaintDecided      EventKind = "complaint_decided"
	EventCaseClosed            EventKind = "case_closed"
	EventDisputeOpened         EventKind = "dispute_opened"
	EventDisputeDecided        EventKind = "dispute_decided"
)

// Event is something that happened to a case. The concrete types below are
// the only implementations.
type Event interface {
	Kind() EventKind
	isEvent()
}

// Validated is the result of checking a received notice against the union
// of its profiles' required fields. A non-empty RejectReason rejects the
// notice (not an IP claim, no standing, manifestly unfounded); otherwise
// missing fields make it incomplete and none qualify it.
type Validated struct {
	Missing      []string
	RejectReason string
}

// Completed says the notifier supplied the missing fields.
type Completed struct{}

// CureWindowExpired says an incomplete notice was not completed in time.
type CureWindowExpired struct{}

// ReviewClaimed says a reviewer took up the case.
type ReviewClaimed struct{ ReviewerID string }

// Decided is the platform's decision on a qualified notice or an
// own-initiative detection. Measures empty means each profile's default (the
// requested measures it allows, else its first allowed measure).
type Decided struct {
	Outcome     Outcome
	Reason      string
	Explanation string
	Measures    []string
	ReviewerID  string
	Automated   bool
	// RepeatAndIntentional records the finding that allows
	// terminate_transactions where a profile requires it (GO 3).
	RepeatAndIntentional bool
}

// ResponseWindowExpired says the seller's pre-takedown response window passed.
type ResponseWindowExpired struct{}

// CounterNoticeFiled is a seller's counter-notice, declaration or appeal.
// Profile may be empty when exactly one profile of the case has a
// counter-notice procedure. Attestations maps each confirmed attestation
// field to the text version shown.
type CounterNoticeFiled struct {
	Profile      string
	Fields       []string
	Attestations map[string]string
}

// CounterValidated is the result of checking a counter-notice; Missing adds
// to the fields the machine found missing against the profile.
type CounterValidated struct{ Missing []string }

// CounterDelivered says the forwarded counter-notice reached the notifier at At
// (ECL 43(2): the 15-day clock starts from arrival).
type CounterDelivered struct{ At time.Time }

// ProceedingsProof is the notifier's evidence that it complained to an
// authority or went to court (one of restoration_timer.blocking_evidence).
type ProceedingsProof struct {
	Evidence string
	Ref      string
}

// ProceedingsDecided is the final outcome of the proceedings that held a case.
type ProceedingsDecided struct{ Infringing bool }

// TollingRequested asks to exclude a delay outside the notifier's control from
// the restoration clock (Reply 三).
type TollingRequested struct {
	Reason   string
	Interval Interval
}

// TimerFired says the scheduler found a timer due.
type TimerFired struct{ TimerID string }

// Retracted says the notifier withdrew the notice.
type Retracted struct{}

// ComplaintFiled is an internal complaint (DSA Art 20) by the seller or the
// notifier. Profile may be empty when one profile offers complaints.
type ComplaintFiled struct {
	By      string
	Profile string
}

// ComplaintDecided decides the open complaint or appeal: upheld, reversed,
// partially_reversed (Measures are the remaining or new measures) or omitted.
type ComplaintDecided struct {
	Outcome    string
	ReviewerID string
	Automated  bool
	Measures   []string
}

// CaseClosed closes a case with its measures standing (no counter-notice or
// complaint within the windows, or a court or authority finding).
type CaseClosed struct{ Reason string }

// DisputeOpened says a party took the decision to a certified ODS body.
type DisputeOpened struct {
	BodyID string
	By     string
}

// DisputeDecided is the ODS body's outcome (upheld | reversed) and whether the
// platform implements it.
type DisputeDecided struct {
	Outcome     string
	Implemented bool
}

func (Validated) Kind() EventKind             { return EventValidated }
func (Completed) Kind() EventKind             { return EventCompleted }
func (CureWindowExpired) Kind() EventKind     { return EventCureWindowExpired }
func (ReviewClaimed) Kind() EventKind         { return EventReviewClaimed }
func (Decided) Kind() EventKind               { return EventDecided }
func (ResponseWindowExpired) Kind() EventKind { return EventResponseWindowExpired }
func (CounterNoticeFiled) Kind() EventKind    { return EventCounterNoticeFiled }
func (CounterValidated) Kind() EventKind      { return EventCounterValidated }
func (CounterDelivered) Kind() EventKind      { return EventCounterDelivered }
func (ProceedingsProof) Kind() EventKind      { return EventProceedingsProof }
func (ProceedingsDecided) Kind() EventKind    { return EventProceedingsDecided }
func (TollingRequested) Kind() EventKind      { return EventTollingRequested }
func (TimerFired) Kind() EventKind            { return EventTimerFired }
func (Retracted) Kind() EventKind             { return EventRetracted }
func (ComplaintFiled) Kind() EventKind        { return EventComplaintFiled }
func (ComplaintDecided) Kind() EventKind      { return EventComplaintDecided }
func (CaseClosed) Kind() EventKind            { return EventCaseClosed }
func (DisputeOpened) Kind() EventKind         { return EventDisputeOpened }
func (DisputeDecided) Kind() EventKind        { return EventDisputeDecided }

func (Validated) isEvent()             {}
func (Completed) isEvent()             {}
func (CureWindowExpired) isEvent()     {}
func (ReviewClaimed) isEvent()         {}
func (Decided) isEvent()               {}
func (ResponseWindowExpired) isEvent() {}
func (CounterNoticeFiled) isEvent()    {}
func (CounterValidated) isEvent()      {}
func (CounterDelivered) isEvent()      {}
func (ProceedingsProof) isEvent()      {}
func (ProceedingsDecided) isEvent()    {}
func (TollingRequested) isEvent()      {}
func (TimerFired) isEvent()            {}
func (Retracted) isEvent()             {}
func (ComplaintFiled) isEvent()        {}
func (ComplaintDecided) isEvent()      {}
func (CaseClosed) isEvent()            {}
func (DisputeOpened) isEvent()         {}
func (DisputeDecided) isEvent()        {}
