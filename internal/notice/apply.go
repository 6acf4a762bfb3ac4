package notice

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/dajia-project/dajia/internal/policy"
)

// Errors returned by Apply. Every error leaves the case unchanged.
var (
	ErrInvalidTransition   = errors.New("invalid transition")
	ErrBadEvent            = errors.New("bad event")
	ErrUnknownProfile      = errors.New("profile not applied to this case")
	ErrSameReviewer        = errors.New("complaint must be decided by a reviewer other than the one who made the decision")
	ErrHumanReviewRequired = errors.New("decision must not be fully automated under this profile")
	ErrMeasureNotAllowed   = errors.New("measure not allowed")
	ErrWindowClosed        = errors.New("window closed")
	ErrAttemptsExhausted   = errors.New("counter-notice attempts exhausted")
	ErrEvidenceNotAccepted = errors.New("evidence does not block restoration under this profile")
	ErrDeadlinePassed      = errors.New("deadline passed")
	ErrTollingNotAllowed   = errors.New("tolling not allowed")
	ErrUnknownTimer        = errors.New("unknown timer")
	ErrTimerNotRunning     = errors.New("timer not running")
	ErrTimerNotDue         = errors.New("timer not due")
)

// InvalidTransitionError is returned when an event is not allowed in the
// case's state; errors.Is(err, ErrInvalidTransition) holds.
type InvalidTransitionError struct {
	State State
	Event EventKind
}

func (e *InvalidTransitionError) Error() string {
	return fmt.Sprintf("invalid transition: %s in state %s", e.Event, e.State)
}

// Unwrap makes errors.Is(err, ErrInvalidTransition) true.
func (e *InvalidTransitionError) Unwrap() error { return ErrInvalidTransition }

// Intake describes a new item case. Scopes come from policy.Set.Resolve via
// ScopesFrom.
type Intake struct {
	ID                 string
	NoticeID           string
	ListingID          string
	SellerID           string
	NotifierID         string
	NotifierOrg        string
	RightID            string
	InfringementType   string
	TrustedNotifier    bool
	TrustedFlagger     bool
	AutomatedDetection bool
	RequestedMeasures  []string
	Scopes             []Scope
}

// New opens a case for a received notice, in state received. Profiles that
// require an acknowledgement (DSA 16(4)) produce one at once.
func New(in Intake, env Env) (Case, []Effect, error) {
	c, t, err := open(in, env, SourceNotice)
	if err != nil {
		return Case{}, nil, err
	}
	c.State = StateReceived
	for _, s := range c.Scopes {
		p, _ := env.Profiles.Profile(s.Profile)
		if p.Acknowledgement.Required {
			t.notify(PartyNotifier, "notice.acknowledged", "DSA 16(4)", p.ID, time.Time{})
		}
	}
	return *c, t.effects, nil
}

// NewOwnInitiative opens a case for a listing the platform detected itself
// (no notice): it starts under review with source own_initiative, and a
// reviewer or an automated rule then decides it.
func NewOwnInitiative(in Intake, env Env) (Case, []Effect, error) {
	c, t, err := open(in, env, SourceOwnInitiative)
	if err != nil {
		return Case{}, nil, err
	}
	c.QualifiedAt = env.Now
	c.State = StateUnderReview
	if err := t.setReviewTimer(); err != nil {
		return Case{}, nil, err
	}
	return *c, t.effects, nil
}

func open(in Intake, env Env, src Source) (*Case, *transition, error) {
	if in.ID == "" || in.ListingID == "" || len(in.Scopes) == 0 {
		return nil, nil, fmt.Errorf("open case: %w: id, listing and at least one profile scope required", ErrBadEvent)
	}
	c := &Case{
		ID: in.ID, NoticeID: in.NoticeID, ListingID: in.ListingID, SellerID: in.SellerID,
		NotifierID: in.NotifierID, NotifierOrg: in.NotifierOrg, RightID: in.RightID,
		InfringementType: in.InfringementType, Source: src,
		TrustedNotifier: in.TrustedNotifier, TrustedFlagger: in.TrustedFlagger,
		AutomatedDetection: in.AutomatedDetection, RequestedMeasures: slices.Clone(in.RequestedMeasures),
		ReceivedAt: env.Now,
	}
	for _, s := range in.Scopes {
		if _, err := env.Profiles.Profile(s.Profile); err != nil {
			return nil, nil, fmt.Errorf("open case %s: %w", in.ID, err)
		}
		if len(s.Territories) == 0 {
			return nil, nil, fmt.Errorf("open case %s: %w: profile %s has no territory", in.ID, ErrBadEvent, s.Profile)
		}
		terr := slices.Clone(s.Territories)
		slices.Sort(terr)
		c.Scopes = append(c.Scopes, Scope{Profile: s.Profile, Territories: terr, Status: ScopePending})
	}
	if src == SourceOwnInitiative {
		c.NotifierID, c.NotifierOrg, c.TrustedNotifier, c.TrustedFlagger = "", "", false, false
	}
	return c, &transition{c: c, env: env}, nil
}

// Apply applies one event to a case and returns the new case and the effects
// to commit. On error the returned case is c, unchanged, and no effects are
// returned.
func Apply(c Case, ev Event, env Env) (Case, []Effect, error) {
	if ev == nil {
		return c, nil, fmt.Errorf("apply to case %s: %w: nil event", c.ID, ErrBadEvent)
	}
	n := c.clone()
	t := &transition{c: &n, env: env, ev: ev.Kind()}
	if err := t.dispatch(ev); err != nil {
		return c, nil, fmt.Errorf("apply %s to case %s: %w", ev.Kind(), c.ID, err)
	}
	return n, t.effects, nil
}

// transition accumulates the changes of one Apply call.
type transition struct {
	c       *Case
	env     Env
	ev      EventKind
	effects []Effect
}

func (t *transition) emit(e ...Effect) { t.effects = append(t.effects, e...) }

func (t *transition) invalid() error {
	return &InvalidTransitionError{State: t.c.State, Event: t.ev}
}

func (t *transition) need(states ...State) error {
	if slices.Contains(states, t.c.State) {
		return nil
	}
	return t.invalid()
}

func (t *transition) profile(id string) (*policy.Profile, error) {
	if t.scope(id) == nil {
		return nil, fmt.Errorf("%w: %q", ErrUnknownProfile, id)
	}
	return t.env.Profiles.Profile(id)
}

func (t *transition) scope(id string) *Scope {
	for i := range t.c.Scopes {
		if t.c.Scopes[i].Profile == id {
			return &t.c.Scopes[i]
		}
	}
	return nil
}

func (t *transition) notify(party, template, ruleRef, profile string, due time.Time) {
	if party == PartyNotifier && t.c.Source == SourceOwnInitiative {
		return
	}
	t.emit(Notify{Party: party, Template: template, RuleRef: ruleRef, Profile: profile, Due: due})
}

func (t *transition) dispatch(ev Event) error {
	switch ev := ev.(type) {
	case Validated:
		return t.validated(ev)
	case Completed:
		if err := t.need(StateIncomplete); err != nil {
			return err
		}
		t.cancelTimers(func(tm Timer) bool { return tm.Kind == TimerCureWindow })
		t.c.Missing = nil
		return t.qualify()
	case CureWindowExpired:
		return t.expire(TimerCureWindow)
	case ReviewClaimed:
		return t.reviewClaimed(ev)
	case Decided:
		return t.decided(ev)
	case ResponseWindowExpired:
		return t.expire(TimerResponseWindow)
	case CounterNoticeFiled:
		return t.counterFiled(ev)
	case CounterValidated:
		return t.counterValidated(ev)
	case CounterDelivered:
		return t.counterDelivered(ev)
	case ProceedingsProof:
		return t.proceedingsProof(ev)
	case ProceedingsDecided:
		if err := t.need(StateHeldPendingProceedings); err != nil {
			return err
		}
		if ev.Infringing {
			t.closeUpheld("proceedings found infringement")
			return nil
		}
		return t.restore(t.c.Counter.Profile, "proceedings found no infringement")
	case TollingRequested:
		return t.tolling(ev)
	case TimerFired:
		return t.timerFired(ev)
	case Retracted:
		return t.retracted()
	case ComplaintFiled:
		return t.complaintFiled(ev)
	case ComplaintDecided:
		return t.complaintDecided(ev)
	case CaseClosed:
		if err := t.need(StateActioned, StateCounterIncomplete, StateHeldPendingProceedings); err != nil {
			return err
		}
		t.closeUpheld(ev.Reason)
		return nil
	case DisputeOpened:
		return t.disputeOpened(ev)
	case DisputeDecided:
		return t.disputeDecided(ev)
	}
	return fmt.Errorf("%w: unsupported event %T", ErrBadEvent, ev)
}

// --- intake ---------------------------------------------------------------

func (t *transition) validated(ev Validated) error {
	if err := t.need(StateReceived); err != nil {
		return err
	}
	switch {
	case ev.RejectReason != "":
		t.reject(ev.RejectReason)
		return nil
	case len(ev.Missing) > 0:
		return t.incomplete(ev.Missing)
	}
	return t.qualify()
}

func (t *transition) reject(reason string) {
	t.c.State = StateRejected
	t.c.Rejected = reason
	t.cancelTimers(nil)
	for _, s := range t.c.Scopes {
		p, _ := t.env.Profiles.Profile(s.Profile)
		t.notify(PartyNotifier, "notice.rejected", refs(p).decision, p.ID, time.Time{})
	}
}

func (t *transition) incomplete(missing []string) error {
	// The earliest cure window among the profiles that allow completion.
	var best *Timer
	for _, s := range t.c.Scopes {
		p, _ := t.env.Profiles.Profile(s.Profile)
		cp := p.Notice.CureProcess
		if !slices.Contains(cp.OnMissing, "request_completion") {
			continue
		}
		due, err := t.due(t.env.Now, cp.CureWindow, "")
		if err != nil {
			return err
		}
		if best == nil || due.Before(best.DueAt) {
			ref := refs(p).notice
			if cp.DMCA512c3BiiContact {
				ref = "17 U.S.C. 512(c)(3)(B)(ii)"
			}
			best = &Timer{Kind: TimerCureWindow, Profile: p.ID, StartsAt: t.env.Now, DueAt: due,
				Calendar: cp.CureWindow.Calendar, RuleRef: ref, OnExpiry: "reject"}
		}
	}
	if best == nil {
		t.reject("incomplete notice: " + fmt.Sprint(missing))
		return nil
	}
	t.c.State = StateIncomplete
	t.c.Missing = slices.Clone(missing)
	t.addTimer(*best)
	t.notify(PartyNotifier, "notice.request_completion", best.RuleRef, best.Profile, best.DueAt)
	return nil
}

// qualify marks the notice qualified and continues per measure timing:
// immediate profiles act now; otherwise the case waits for review or for the
// seller's response window.
func (t *transition) qualify() error {
	t.c.State = StateQualified
	t.c.QualifiedAt = t.env.Now
	var review, window bool
	for i := range t.c.Scopes {
		p, _ := t.env.Profiles.Profile(t.c.Scopes[i].Profile)
		switch p.Decision.Timing(t.c.TrustedNotifier) {
		case policy.TimingImmediate:
			if err := t.act(i, t.c.RequestedMeasures, false, false); err != nil {
				return err
			}
		case policy.TimingAfterReview:
			review = true
		case policy.TimingAfterResponseWindow:
			window = true
		}
	}
	switch {
	case review:
		t.c.State = StateUnderReview
		return t.setReviewTimer()
	case window:
		t.c.State = StatePendingSellerResponse
		return t.setResponseTimer()
	}
	t.c.Decision = &Decision{Outcome: OutcomeAction, Reason: "qualified notice", Measures: t.activeNames(), Automated: true, At: t.env.Now}
	return t.actioned()
}

func (t *transition) setReviewTimer() error {
	class := "default"
	switch {
	case t.c.TrustedFlagger:
		class = "trusted_flagger"
	case t.c.InfringementType == "counterfeit":
		class = "counterfeit"
	case policy.RightType(t.c.InfringementType) != "":
		class = policy.RightType(t.c.InfringementType)
	}
	var best *Timer
	for _, s := range t.c.Scopes {
		if s.Status != ScopePending {
			continue
		}
		p, _ := t.env.Profiles.Profile(s.Profile)
		sla := p.Decision.ReviewDeadline(class)
		if sla.IsZero() {
			continue
		}
		due, err := t.due(t.env.Now, sla, "")
		if err != nil {
			return err
		}
		if best == nil || due.Before(best.DueAt) {
			best = &Timer{Kind: TimerReviewSLA, Profile: p.ID, StartsAt: t.env.Now, DueAt: due,
				Calendar: sla.Calendar, RuleRef: refs(p).decision, OnExpiry: "escalate"}
		}
	}
	if best != nil {
		t.addTimer(*best)
	}
	return nil
}

func (t *transition) setResponseTimer() error {
	var best *Timer
	for _, s := range t.c.Scopes {
		p, _ := t.env.Profiles.Profile(s.Profile)
		if s.Status != ScopePending || p.Decision.Timing(t.c.TrustedNotifier) != policy.TimingAfterResponseWindow {
			continue
		}
		w := p.Decision.ResponseWindow
		due, err := t.due(t.env.Now, w, "")
		if err != nil {
			return err
		}
		if best == nil || due.Before(best.DueAt) {
			best = &Timer{Kind: TimerResponseWindow, Profile: p.ID, StartsAt: t.env.Now, DueAt: due,
				Calendar: w.Calendar, RuleRef: "platform rule (seller response window)", OnExpiry: "apply_measures"}
		}
	}
	if best != nil {
		t.addTimer(*best)
		t.notify(PartySeller, "notice.response_requested", best.RuleRef, best.Profile, best.DueAt)
	}
	return nil
}

func (t *transition) reviewClaimed(ev ReviewClaimed) error {
	if err := t.need(StateUnderReview, StatePendingSellerResponse); err != nil {
		return err
	}
	if ev.ReviewerID == "" {
		return fmt.Errorf("%w: reviewer id required", ErrBadEvent)
	}
	t.c.ReviewerID = ev.ReviewerID
	if t.c.State == StatePendingSellerResponse {
		// The seller answered inside the window; a reviewer decides instead.
		t.cancelTimers(func(tm Timer) bool { return tm.Kind == TimerResponseWindow })
		t.c.State = StateUnderReview
	}
	return nil
}

// --- decisions --------------------------------------------------------------

func (t *transition) decided(ev Decided) error {
	if err := t.need(StateUnderReview, StatePendingSellerResponse); err != nil {
		return err
	}
	if ev.Outcome != OutcomeAction && ev.Outcome != OutcomeNoAction {
		return fmt.Errorf("%w: outcome %q", ErrBadEvent, ev.Outcome)
	}
	if !ev.Automated && ev.ReviewerID == "" {
		return fmt.Errorf("%w: a human decision needs a reviewer id", ErrBadEvent)
	}
	for _, s := range t.c.Scopes {
		p, _ := t.env.Profiles.Profile(s.Profile)
		if ev.Automated && p.Decision.HumanReviewRequired.Decisions {
			return fmt.Errorf("profile %s: %w", p.ID, ErrHumanReviewRequired)
		}
	}
	t.cancelTimers(func(tm Timer) bool { return tm.Kind == TimerReviewSLA || tm.Kind == TimerResponseWindow })
	t.c.Decision = &Decision{Outcome: ev.Outcome, Reason: ev.Reason, Explanation: ev.Explanation,
		Measures: slices.Clone(ev.Measures), ReviewerID: ev.ReviewerID, Automated: ev.Automated, At: t.env.Now}
	if ev.Outcome == OutcomeNoAction {
		return t.noAction()
	}
	for i := range t.c.Scopes {
		if t.c.Scopes[i].Status != ScopePending {
			continue
		}
		if err := t.act(i, ev.Measures, true, ev.RepeatAndIntentional); err != nil {
			return err
		}
	}
	t.c.Decision.Measures = t.activeNames()
	return t.actioned()
}

func (t *transition) noAction() error {
	for i := range t.c.Scopes {
		s := &t.c.Scopes[i]
		if len(t.c.ActiveMeasures(s.Profile)) > 0 {
			t.lift(s.Profile)
		}
		t.voidStrike(s)
		s.Status = ScopeNoAction
	}
	t.c.State = StateNoAction
	t.c.DecidedAt, t.c.InformedAt = t.env.Now, t.env.Now
	for _, s := range t.c.Scopes {
		p, _ := t.env.Profiles.Profile(s.Profile)
		t.notify(PartyNotifier, "decision.no_action", refs(p).decision, p.ID, time.Time{})
		if p.Publication.PublicRegister {
			t.publish(p.ID, "result", "no action")
		}
		if p.ComplaintsAvailable() && slices.Contains(p.Complaints.Eligible, policy.PartyNotifier) {
			if err := t.setComplaintWindow(p); err != nil {
				return err
			}
		}
	}
	return nil
}

// act applies measures for scope i: names filtered to what the profile
// allows, or the profile's default when none remains. With strict, names
// that the profile does not allow at all are an error (a reviewer's explicit
// choice); without, they are a wish (the notifier's requested measures).
func (t *transition) act(i int, names []string, strict, repeatIntentional bool) error {
	s := &t.c.Scopes[i]
	p, _ := t.env.Profiles.Profile(s.Profile)
	var use []string
	for _, n := range names {
		if p.Allows(n) {
			use = append(use, n)
		}
	}
	if len(use) == 0 && len(names) > 0 && strict {
		return fmt.Errorf("%w under %s: %v", ErrMeasureNotAllowed, p.ID, names)
	}
	if len(use) == 0 {
		use = []string{p.Decision.AllowedMeasures[0]}
	}
	if slices.Contains(use, "terminate_transactions") &&
		p.Decision.ProportionalityRules.TerminateTransactionsOnlyIf == "repeat_and_intentional" && !repeatIntentional {
		return fmt.Errorf("%w under %s: terminate_transactions only for repeat and intentional infringement (GO 3)", ErrMeasureNotAllowed, p.ID)
	}
	r := refs(p)
	var restrictions []Restriction
	for _, name := range use {
		kind, subtype, _ := policy.MeasureSpec(name)
		t.c.Seq++
		m := Measure{Seq: t.c.Seq, Profile: p.ID, Territories: slices.Clone(s.Territories), Name: name,
			Kind: kind, Subtype: subtype, Status: MeasureActive, StartsAt: t.env.Now}
		t.c.Measures = append(t.c.Measures, m)
		t.emit(MeasureApplied{Seq: m.Seq, Profile: p.ID, Territories: slices.Clone(m.Territories), Measure: name, Kind: kind, Subtype: subtype})
		t.emit(EnforcementAction{Type: enforcementFor(name), Profile: p.ID, Territories: slices.Clone(m.Territories),
			ListingID: t.c.ListingID, SellerID: t.c.SellerID, Measure: name})
		restrictions = append(restrictions, Restriction{Kind: kind, Subtype: subtype})
	}
	s.Status = ScopeActioned
	if s.Strike != StrikeStatusProvisional && s.Strike != StrikeStatusConfirmed {
		s.Strike = StrikeStatusProvisional
		t.emit(StrikeProvisional{SellerID: t.c.SellerID, CaseID: t.c.ID, Profile: p.ID})
	}
	if p.SellerNotification.ForwardNoticeCopy {
		t.notify(PartySeller, "notice.forwarded", r.sellerNotice, p.ID, time.Time{})
	}
	t.notify(PartyNotifier, "decision.action", r.decision, p.ID, time.Time{})
	if p.SellerNotification.IncludeSoR173 {
		if err := t.statement(p, s, restrictions); err != nil {
			return err
		}
	}
	if p.Publication.PublicRegister {
		t.publish(p.ID, "notice", "measure taken: "+fmt.Sprint(use))
	}
	return nil
}

// actioned enters ACTIONED and opens the windows that follow a decision.
func (t *transition) actioned() error {
	t.c.State = StateActioned
	t.c.DecidedAt, t.c.InformedAt = t.env.Now, t.env.Now
	for _, s := range t.c.Scopes {
		if s.Status != ScopeActioned {
			continue
		}
		p, _ := t.env.Profiles.Profile(s.Profile)
		if w := p.CounterNotice.SubmissionWindow; !w.IsZero() && p.CounterNotice.Type != policy.CounterNone && t.timer(TimerCounterWindow, p.ID) == nil {
			due, err := t.due(t.env.Now, w, "")
			if err != nil {
				return err
			}
			t.addTimer(Timer{Kind: TimerCounterWindow, Profile: p.ID, StartsAt: t.env.Now, DueAt: due,
				Calendar: w.Calendar, RuleRef: "platform rule (counter-notice window)", OnExpiry: "close_counter_window"})
		}
		if p.ComplaintsAvailable() && slices.Contains(p.Complaints.Eligible, policy.PartySeller) {
			if err := t.setComplaintWindow(p); err != nil {
				return err
			}
		}
	}
	return nil
}

func (t *transition) setComplaintWindow(p *policy.Profile) error {
	if old := t.timer(TimerComplaintWindow, p.ID); old != nil {
		t.cancelTimers(func(tm Timer) bool { return tm.ID == old.ID })
	}
	due, err := t.due(t.env.Now, p.Complaints.Window, "")
	if err != nil {
		return err
	}
	t.addTimer(Timer{Kind: TimerComplaintWindow, Profile: p.ID, StartsAt: t.env.Now, DueAt: due,
		Calendar: p.Complaints.Window.Calendar, RuleRef: "DSA 20(1)", OnExpiry: "close_complaint_window"})
	return nil
}

func (t *transition) statement(p *policy.Profile, s *Scope, restrictions []Restriction) error {
	var eea []string
	for _, c := range s.Territories {
		if policy.IsEEA(c) {
			eea = append(eea, c)
		}
	}
	if len(eea) == 0 {
		return nil
	}
	sor := StatementOfReasons{
		CaseID: t.c.ID, Profile: p.ID, Seq: t.c.Seq, ListingID: t.c.ListingID,
		Restrictions: restrictions, TerritorialScope: eea, ApplicationDate: t.env.Now,
		Ground: "DECISION_GROUND_ILLEGAL_CONTENT", AutomatedDetection: t.c.AutomatedDetection,
		AutomatedDecision: "AUTOMATED_DECISION_NOT_AUTOMATED", SubmitToDatabase: p.SubmitsSoRToDatabase(),
		Redress: Redress{JudicialRedress: true, ODS: p.ODS.Enabled},
	}
	if d := t.c.Decision; d != nil {
		sor.LegalGround, sor.Explanation = d.Reason, d.Explanation
		if d.Automated {
			sor.AutomatedDecision = "AUTOMATED_DECISION_FULLY"
		}
	} else {
		sor.AutomatedDecision = "AUTOMATED_DECISION_FULLY"
	}
	switch {
	case t.c.Source == SourceOwnInitiative:
		sor.SourceType = "SOURCE_VOLUNTARY"
		sor.Facts = "Listing identified by the platform's own-initiative investigation."
	case t.c.TrustedFlagger:
		sor.SourceType, sor.SourceIdentity = "SOURCE_TRUSTED_FLAGGER", t.c.NotifierOrg
		sor.Facts = "Notice received under Article 16 from a trusted flagger."
	default:
		sor.SourceType, sor.SourceIdentity = "SOURCE_ARTICLE_16", t.c.NotifierOrg
		sor.Facts = "Notice received under Article 16 from the rights holder."
	}
	if p.ComplaintsAvailable() {
		due, err := t.due(t.env.Now, p.Complaints.Window, "")
		if err != nil {
			return err
		}
		sor.Redress.InternalComplaint, sor.Redress.ComplaintDeadline = true, due
	}
	t.emit(sor)
	t.notify(PartySeller, "decision.statement_of_reasons", "DSA 17(3)", p.ID, sor.Redress.ComplaintDeadline)
	return nil
}

func (t *transition) publish(profile, kind, result string) {
	t.emit(Publish{Profile: profile, Kind: kind, Entry: RegisterEntry{
		CaseID: t.c.ID, NoticeID: t.c.NoticeID, ListingID: t.c.ListingID, Notifier: t.c.NotifierOrg,
		RightID: t.c.RightID, Result: result, At: t.env.Now,
	}})
}

// --- counter-notices ----------------------------------------------------------

func (t *transition) counterProfile(id string) (*policy.Profile, error) {
	if id != "" {
		p, err := t.profile(id)
		if err != nil {
			return nil, err
		}
		if p.CounterNotice.Type == policy.CounterNone {
			return nil, fmt.Errorf("%w: profile %s has no counter-notice procedure", ErrBadEvent, id)
		}
		return p, nil
	}
	var found *policy.Profile
	for _, s := range t.c.Scopes {
		p, _ := t.env.Profiles.Profile(s.Profile)
		if p.CounterNotice.Type == policy.CounterNone || s.Status != ScopeActioned {
			continue
		}
		if found != nil {
			return nil, fmt.Errorf("%w: several profiles take counter-notices; name one", ErrBadEvent)
		}
		found = p
	}
	if found == nil {
		return nil, fmt.Errorf("%w: no profile of this case takes a counter-notice", ErrBadEvent)
	}
	return found, nil
}

func (t *transition) counterFiled(ev CounterNoticeFiled) error {
	if err := t.need(StateActioned, StateCounterIncomplete); err != nil {
		return err
	}
	p, err := t.counterProfile(ev.Profile)
	if err != nil {
		return err
	}
	if s := t.scope(p.ID); s.Status != ScopeActioned {
		return fmt.Errorf("%w: no active measure under %s", ErrBadEvent, p.ID)
	}
	if w := t.timer(TimerCounterWindow, p.ID); w != nil && w.Status != TimerStatusRunning {
		return fmt.Errorf("counter-notice under %s: %w", p.ID, ErrWindowClosed)
	}
	if limit := p.CounterNotice.MaxAttempts; limit > 0 && t.c.CounterAttempts >= limit {
		return fmt.Errorf("%w (%d)", ErrAttemptsExhausted, limit)
	}
	var missing []string
	for _, f := range p.CounterNotice.RequiredFields {
		if policy.IsAttestation(f) {
			if ev.Attestations[f] != p.CounterNotice.Attestations[f].Version {
				missing = append(missing, f)
			}
		} else if !slices.Contains(ev.Fields, f) {
			missing = append(missing, f)
		}
	}
	t.c.CounterAttempts++
	t.c.Counter = &CounterNotice{Profile: p.ID, Type: p.CounterNotice.Type, Fields: slices.Clone(ev.Fields),
		Attestations: cloneMap(ev.Attestations), Missing: missing, ReceivedAt: t.env.Now}
	t.c.State = StateCounterReceived
	return nil
}

func (t *transition) counterValidated(ev CounterValidated) error {
	if err := t.need(StateCounterReceived); err != nil {
		return err
	}
	cn := t.c.Counter
	p, err := t.profile(cn.Profile)
	if err != nil {
		return err
	}
	missing := slices.Clone(cn.Missing)
	for _, m := range ev.Missing {
		if !slices.Contains(missing, m) {
			missing = append(missing, m)
		}
	}
	r := refs(p)
	if len(missing) > 0 {
		cn.Missing = missing
		t.c.State = StateCounterIncomplete
		t.notify(PartySeller, "counter.request_completion", r.counter, p.ID, time.Time{})
		return nil
	}
	cn.Missing = nil
	if p.CounterNotice.Type == policy.CounterPlatformAppeal {
		t.openComplaint(policy.PartySeller, p.ID, true)
		return nil
	}
	cn.ForwardedAt = t.env.Now
	t.c.State = StateCounterForwarded
	if p.Publication.PublicRegister {
		t.publish(p.ID, "declaration", "declaration of non-infringement received")
	}
	var due time.Time
	if p.RestorationTimer.StartEvent == policy.StartCounterReceived {
		tm, err := t.setRestoreTimer(p, cn.ReceivedAt)
		if err != nil {
			return err
		}
		due = tm.DueAt
	}
	t.notify(PartyNotifier, "counter.forwarded", r.counter, p.ID, due)
	return nil
}

func (t *transition) counterDelivered(ev CounterDelivered) error {
	if err := t.need(StateCounterForwarded); err != nil {
		return err
	}
	cn := t.c.Counter
	if ev.At.IsZero() || ev.At.After(t.env.Now) || ev.At.Before(cn.ForwardedAt) {
		return fmt.Errorf("%w: delivery time %v outside [forwarded, now]", ErrBadEvent, ev.At)
	}
	if !cn.DeliveredAt.IsZero() {
		return fmt.Errorf("%w: delivery already recorded", ErrBadEvent)
	}
	cn.DeliveredAt = ev.At
	p, err := t.profile(cn.Profile)
	if err != nil {
		return err
	}
	if p.RestorationTimer.StartEvent == policy.StartDeclarationDelivered {
		tm, err := t.setRestoreTimer(p, ev.At)
		if err != nil {
			return err
		}
		t.notify(PartyNotifier, "counter.restore_deadline", tm.RuleRef, p.ID, tm.DueAt)
	}
	return nil
}

func (t *transition) setRestoreTimer(p *policy.Profile, start time.Time) (Timer, error) {
	rt := p.RestorationTimer
	rule := rt.Rule()
	due, err := t.due(start, rt.Duration.Min, rule)
	if err != nil {
		return Timer{}, err
	}
	tm := Timer{Kind: TimerRestore, Profile: p.ID, StartsAt: start, DueAt: due, BaseDueAt: due,
		Calendar: rt.Duration.Min.Calendar, Rule: rule, RuleRef: refs(p).restore, OnExpiry: rt.OnExpiry}
	if !rt.Duration.Fixed() {
		if tm.LatestAt, err = t.due(start, rt.Duration.Max, rule); err != nil {
			return Timer{}, err
		}
	}
	if rt.Tolling != nil {
		if tm.CapAt, err = t.due(start, rt.Tolling.HardCap, rule); err != nil {
			return Timer{}, err
		}
	}
	return t.addTimer(tm), nil
}

func (t *transition) proceedingsProof(ev ProceedingsProof) error {
	if err := t.need(StateCounterForwarded); err != nil {
		return err
	}
	p, err := t.profile(t.c.Counter.Profile)
	if err != nil {
		return err
	}
	if !slices.Contains(p.RestorationTimer.BlockingEvidence, ev.Evidence) {
		return fmt.Errorf("%w: %q", ErrEvidenceNotAccepted, ev.Evidence)
	}
	if tm := t.timer(TimerRestore, p.ID); tm != nil && tm.Status == TimerStatusRunning && t.env.Now.After(tm.DueAt) {
		return fmt.Errorf("proceedings proof at %v after %v: %w", t.env.Now, tm.DueAt, ErrDeadlinePassed)
	}
	t.cancelTimers(func(tm Timer) bool { return tm.Kind == TimerRestore && tm.Profile == p.ID })
	t.c.Proceedings = append(t.c.Proceedings, Proceeding{Profile: p.ID, Evidence: ev.Evidence, Ref: ev.Ref, At: t.env.Now})
	t.scope(p.ID).Status = ScopeHeld
	t.c.State = StateHeldPendingProceedings
	t.notify(PartySeller, "counter.held_pending_proceedings", refs(p).restore, p.ID, time.Time{})
	return nil
}

func (t *transition) tolling(ev TollingRequested) error {
	if err := t.need(StateCounterForwarded); err != nil {
		return err
	}
	p, err := t.profile(t.c.Counter.Profile)
	if err != nil {
		return err
	}
	tl := p.RestorationTimer.Tolling
	if tl == nil {
		return fmt.Errorf("%w under %s", ErrTollingNotAllowed, p.ID)
	}
	if !slices.Contains(tl.AllowedReasons, ev.Reason) {
		return fmt.Errorf("%w: reason %q", ErrTollingNotAllowed, ev.Reason)
	}
	if !ev.Interval.To.After(ev.Interval.From) {
		return fmt.Errorf("%w: empty tolling interval", ErrBadEvent)
	}
	old := t.timer(TimerRestore, p.ID)
	if old == nil || old.Status != TimerStatusRunning {
		return fmt.Errorf("tolling: restore clock: %w", ErrTimerNotRunning)
	}
	next := *old
	next.Tolled = mergeIntervals(append(slices.Clone(old.Tolled), ev.Interval))
	var tolled time.Duration
	for _, iv := range next.Tolled {
		tolled += iv.To.Sub(iv.From)
	}
	switch tl.CapMode {
	case policy.CapExcludedDelay:
		next.DueAt = next.BaseDueAt.Add(min(tolled, next.CapAt.Sub(next.StartsAt)))
	default: // total_period: min(base + tolled, cap), never before base
		next.DueAt = next.BaseDueAt.Add(tolled)
		if next.DueAt.After(next.CapAt) {
			next.DueAt = next.CapAt
		}
		if next.DueAt.Before(next.BaseDueAt) {
			next.DueAt = next.BaseDueAt
		}
	}
	if next.DueAt.Equal(old.DueAt) {
		old.Tolled = next.Tolled
		return nil
	}
	t.cancelTimers(func(tm Timer) bool { return tm.ID == old.ID })
	tm := t.addTimer(next)
	t.notify(PartySeller, "counter.deadline_extended", "法释〔2020〕9号 三", p.ID, tm.DueAt)
	t.notify(PartyNotifier, "counter.deadline_extended", "法释〔2020〕9号 三", p.ID, tm.DueAt)
	return nil
}

// --- restoration, retraction, closure ---------------------------------------

// restore lifts the measures of one profile (and only those, §4.2). The case
// is RESTORED when no measure remains active; otherwise it is back in
// ACTIONED with the other profiles' measures standing.
func (t *transition) restore(profile, reason string) error {
	p, err := t.profile(profile)
	if err != nil {
		return err
	}
	s := t.scope(profile)
	t.lift(profile)
	t.voidStrike(s)
	s.Status = ScopeRestored
	t.cancelTimers(func(tm Timer) bool { return tm.Profile == profile })
	t.notify(PartySeller, "measure.restored", refs(p).restore, p.ID, time.Time{})
	t.notify(PartyNotifier, "measure.restored", refs(p).restore, p.ID, time.Time{})
	if p.Publication.PublicRegister {
		t.publish(p.ID, "result", "measure terminated: "+reason)
	}
	if len(t.c.ActiveMeasures("")) > 0 {
		t.c.State = StateActioned
		return nil
	}
	t.c.State = StateRestored
	t.c.RestoredAt = t.env.Now
	t.cancelTimers(nil)
	return nil
}

func (t *transition) lift(profile string) {
	for i := range t.c.Measures {
		m := &t.c.Measures[i]
		if m.Status != MeasureActive || m.Profile != profile {
			continue
		}
		m.Status, m.EndsAt = MeasureTerminated, t.env.Now
		t.emit(MeasureLifted{Seq: m.Seq, Profile: m.Profile, Territories: slices.Clone(m.Territories), Measure: m.Name})
		t.emit(EnforcementAction{Type: ActionRestoreListing, Profile: m.Profile, Territories: slices.Clone(m.Territories),
			ListingID: t.c.ListingID, SellerID: t.c.SellerID, Measure: m.Name})
	}
}

func (t *transition) voidStrike(s *Scope) {
	if s.Strike == StrikeStatusProvisional || s.Strike == StrikeStatusConfirmed {
		s.Strike = StrikeStatusVoided
		t.emit(StrikeVoided{SellerID: t.c.SellerID, CaseID: t.c.ID, Profile: s.Profile})
	}
}

func (t *transition) retracted() error {
	if t.c.Source == SourceOwnInitiative {
		return t.invalid()
	}
	if err := t.need(StateReceived, StateIncomplete, StatePendingSellerResponse, StateUnderReview, StateActioned,
		StateCounterReceived, StateCounterIncomplete, StateCounterForwarded, StateHeldPendingProceedings, StateComplaintOpen); err != nil {
		return err
	}
	for i := range t.c.Scopes {
		s := &t.c.Scopes[i]
		p, _ := t.env.Profiles.Profile(s.Profile)
		had := len(t.c.ActiveMeasures(s.Profile)) > 0
		t.lift(s.Profile)
		t.voidStrike(s)
		if had {
			s.Status = ScopeRestored
			t.notify(PartySeller, "notice.retracted", refs(p).restore, p.ID, time.Time{})
			if p.Publication.PublicRegister {
				t.publish(p.ID, "result", "notice withdrawn; measure terminated")
			}
		}
	}
	t.cancelTimers(nil)
	t.c.State = StateRetracted
	t.c.ClosedAt = t.env.Now
	return nil
}

func (t *transition) closeUpheld(reason string) {
	for i := range t.c.Scopes {
		s := &t.c.Scopes[i]
		if s.Status != ScopeActioned && s.Status != ScopeHeld {
			continue
		}
		s.Status = ScopeUpheld
		if s.Strike == StrikeStatusProvisional {
			s.Strike = StrikeStatusConfirmed
			t.emit(StrikeConfirmed{SellerID: t.c.SellerID, CaseID: t.c.ID, Profile: s.Profile})
		}
		p, _ := t.env.Profiles.Profile(s.Profile)
		if p.Publication.PublicRegister {
			t.publish(p.ID, "result", "closed, measure upheld: "+reason)
		}
	}
	t.cancelTimers(nil)
	t.c.State = StateClosedUpheld
	t.c.ClosedAt = t.env.Now
}

// --- complaints and disputes ------------------------------------------------

func (t *transition) complaintFiled(ev ComplaintFiled) error {
	var want State
	switch ev.By {
	case policy.PartySeller:
		want = StateActioned
	case policy.PartyNotifier:
		if t.c.Source == SourceOwnInitiative {
			return t.invalid()
		}
		want = StateNoAction
	default:
		return fmt.Errorf("%w: complainant %q", ErrBadEvent, ev.By)
	}
	if err := t.need(want); err != nil {
		return err
	}
	id := ev.Profile
	if id == "" {
		for _, s := range t.c.Scopes {
			p, _ := t.env.Profiles.Profile(s.Profile)
			if p.ComplaintsAvailable() {
				id = p.ID
				break
			}
		}
	}
	if id == "" {
		return fmt.Errorf("%w: no profile of this case offers complaints", ErrBadEvent)
	}
	p, err := t.profile(id)
	if err != nil {
		return err
	}
	if !p.ComplaintsAvailable() || !slices.Contains(p.Complaints.Eligible, ev.By) {
		return fmt.Errorf("%w: %s may not complain under %s", ErrBadEvent, ev.By, p.ID)
	}
	if s := t.scope(id); ev.By == policy.PartySeller && s.Status != ScopeActioned {
		return fmt.Errorf("%w: no active measure under %s", ErrBadEvent, id)
	}
	if w := t.timer(TimerComplaintWindow, id); w == nil || w.Status != TimerStatusRunning {
		return fmt.Errorf("complaint under %s: %w", id, ErrWindowClosed)
	}
	t.openComplaint(ev.By, id, false)
	if sla := p.Complaints.DecisionSLA; !sla.IsZero() {
		due, err := t.due(t.env.Now, sla, "")
		if err != nil {
			return err
		}
		t.addTimer(Timer{Kind: TimerComplaintSLA, Profile: id, StartsAt: t.env.Now, DueAt: due,
			Calendar: sla.Calendar, RuleRef: "DSA 20(4)", OnExpiry: "escalate"})
	}
	return nil
}

func (t *transition) openComplaint(by, profile string, appeal bool) {
	t.c.Complaints = append(t.c.Complaints, Complaint{By: by, Profile: profile, Appeal: appeal, Prior: t.c.State, ReceivedAt: t.env.Now})
	if appeal {
		t.c.Complaints[len(t.c.Complaints)-1].Prior = StateActioned
	}
	t.c.State = StateComplaintOpen
	t.notify(by, "complaint.received", "DSA 20(1)", profile, time.Time{})
}

func (t *transition) complaintDecided(ev ComplaintDecided) error {
	if err := t.need(StateComplaintOpen); err != nil {
		return err
	}
	cp := &t.c.Complaints[len(t.c.Complaints)-1]
	p, err := t.profile(cp.Profile)
	if err != nil {
		return err
	}
	outcomes := p.Complaints.Outcomes
	if len(outcomes) == 0 {
		outcomes = []string{"upheld", "reversed", "partially_reversed", "omitted"}
	}
	if !slices.Contains(outcomes, ev.Outcome) {
		return fmt.Errorf("%w: complaint outcome %q", ErrBadEvent, ev.Outcome)
	}
	if ev.Automated && (p.Complaints.HumanSupervision || p.Decision.HumanReviewRequired.Complaints) {
		return fmt.Errorf("profile %s: %w", p.ID, ErrHumanReviewRequired)
	}
	if !ev.Automated && ev.ReviewerID == "" {
		return fmt.Errorf("%w: reviewer id required", ErrBadEvent)
	}
	if d := t.c.Decision; d != nil && d.ReviewerID != "" && d.ReviewerID == ev.ReviewerID {
		return ErrSameReviewer
	}
	if ev.Outcome == "partially_reversed" && len(ev.Measures) == 0 {
		return fmt.Errorf("%w: partial reversal needs the measures that remain", ErrBadEvent)
	}
	cp.Outcome, cp.ReviewerID, cp.Automated, cp.DecidedAt = ev.Outcome, ev.ReviewerID, ev.Automated, t.env.Now
	prior, profile, by := cp.Prior, cp.Profile, cp.By
	t.cancelTimers(func(tm Timer) bool { return tm.Kind == TimerComplaintSLA })
	ref := "DSA 20(5)"
	if cp.Appeal {
		ref = refs(p).counter
	}
	t.notify(by, "complaint.decided", ref, profile, time.Time{})
	if p.Complaints.InformODS && p.ODS.Enabled {
		t.notify(by, "complaint.ods_information", "DSA 20(5), 21", profile, time.Time{})
	}
	i := slices.IndexFunc(t.c.Scopes, func(s Scope) bool { return s.Profile == profile })
	switch {
	case ev.Outcome == "upheld" || ev.Outcome == "omitted":
		t.c.State = prior
		return nil
	case prior == StateActioned && ev.Outcome == "reversed":
		return t.restore(profile, "decision reversed on complaint")
	case prior == StateActioned: // partially reversed: replace the measures
		t.lift(profile)
		t.c.State = StateActioned
		return t.act(i, ev.Measures, true, false)
	default: // a notifier's complaint against no action, reversed in whole or part
		t.c.Scopes[i].Strike = StrikeStatusNone
		if err := t.act(i, ev.Measures, true, false); err != nil {
			return err
		}
		return t.actioned()
	}
}

func (t *transition) disputeOpened(ev DisputeOpened) error {
	if err := t.need(StateActioned, StateNoAction, StateRestored, StateClosedUpheld); err != nil {
		return err
	}
	if ev.BodyID == "" {
		return fmt.Errorf("%w: ODS body id required", ErrBadEvent)
	}
	if t.odsProfile() == nil {
		return fmt.Errorf("%w: no profile of this case offers ODS", ErrBadEvent)
	}
	t.c.Disputes = append(t.c.Disputes, Dispute{BodyID: ev.BodyID, By: ev.By, Prior: t.c.State, SubmittedAt: t.env.Now})
	t.c.State = StateDisputeOpen
	return nil
}

func (t *transition) odsProfile() *policy.Profile {
	for _, s := range t.c.Scopes {
		p, _ := t.env.Profiles.Profile(s.Profile)
		if p.ODS.Enabled {
			return p
		}
	}
	return nil
}

func (t *transition) disputeDecided(ev DisputeDecided) error {
	if err := t.need(StateDisputeOpen); err != nil {
		return err
	}
	if ev.Outcome != "upheld" && ev.Outcome != "reversed" {
		return fmt.Errorf("%w: dispute outcome %q", ErrBadEvent, ev.Outcome)
	}
	d := &t.c.Disputes[len(t.c.Disputes)-1]
	d.Outcome, d.Implemented, d.DecidedAt = ev.Outcome, ev.Implemented, t.env.Now
	prior := d.Prior
	t.c.State = prior
	if ev.Outcome == "upheld" || !ev.Implemented {
		return nil
	}
	p := t.odsProfile()
	i := slices.IndexFunc(t.c.Scopes, func(s Scope) bool { return s.Profile == p.ID })
	switch prior {
	case StateActioned, StateClosedUpheld:
		if len(t.c.ActiveMeasures(p.ID)) == 0 {
			return nil
		}
		if err := t.restore(p.ID, "ODS decision implemented"); err != nil {
			return err
		}
		if prior == StateClosedUpheld && t.c.State == StateActioned {
			t.c.State = StateClosedUpheld
		}
		return nil
	default: // no action or restored: the body found the listing infringing
		t.c.Scopes[i].Strike = StrikeStatusNone
		if err := t.act(i, nil, false, false); err != nil {
			return err
		}
		return t.actioned()
	}
}

// --- timers -----------------------------------------------------------------

func (t *transition) due(start time.Time, p policy.Period, rule string) (time.Time, error) {
	d, err := t.env.Deadlines.Due(start, p, rule)
	if err != nil {
		return time.Time{}, fmt.Errorf("deadline %s from %s: %w", p, start.Format(time.RFC3339), err)
	}
	return d, nil
}

func (t *transition) addTimer(tm Timer) Timer {
	t.c.Seq++
	tm.ID = t.c.ID + "/" + string(tm.Kind) + "/" + strconv.Itoa(t.c.Seq)
	tm.Status = TimerStatusRunning
	t.c.Timers = append(t.c.Timers, tm)
	t.emit(TimerSet{ID: tm.ID, Kind: tm.Kind, Profile: tm.Profile, Due: tm.DueAt, Latest: tm.LatestAt,
		Calendar: tm.Calendar, Rule: tm.Rule, RuleRef: tm.RuleRef, OnExpiry: tm.OnExpiry})
	return tm
}

// timer returns the latest timer of a kind and profile, running or not.
func (t *transition) timer(kind TimerKind, profile string) *Timer {
	for i := len(t.c.Timers) - 1; i >= 0; i-- {
		if tm := &t.c.Timers[i]; tm.Kind == kind && tm.Profile == profile {
			return tm
		}
	}
	return nil
}

// cancelTimers cancels the running timers that match (all when match is nil).
func (t *transition) cancelTimers(match func(Timer) bool) {
	for i := range t.c.Timers {
		tm := &t.c.Timers[i]
		if tm.Status == TimerStatusRunning && (match == nil || match(*tm)) {
			tm.Status = TimerStatusCancelled
			t.emit(TimerCancelled{ID: tm.ID})
		}
	}
}

// expire handles the explicit window-expiry events as a fired timer.
func (t *transition) expire(kind TimerKind) error {
	for _, tm := range t.c.Timers {
		if tm.Kind == kind && tm.Status == TimerStatusRunning {
			return t.timerFired(TimerFired{TimerID: tm.ID})
		}
	}
	return t.invalid()
}

func (t *transition) timerFired(ev TimerFired) error {
	i := slices.IndexFunc(t.c.Timers, func(tm Timer) bool { return tm.ID == ev.TimerID })
	if i < 0 {
		return fmt.Errorf("%w %q", ErrUnknownTimer, ev.TimerID)
	}
	tm := &t.c.Timers[i]
	if tm.Status != TimerStatusRunning {
		return fmt.Errorf("timer %s is %s: %w", tm.ID, tm.Status, ErrTimerNotRunning)
	}
	if t.env.Now.Before(tm.DueAt) {
		return fmt.Errorf("timer %s due %v: %w", tm.ID, tm.DueAt, ErrTimerNotDue)
	}
	kind, profile := tm.Kind, tm.Profile
	switch kind {
	case TimerCureWindow:
		if err := t.need(StateIncomplete); err != nil {
			return err
		}
		tm.Status = TimerStatusFired
		t.reject("not completed within the cure window")
	case TimerResponseWindow:
		if err := t.need(StatePendingSellerResponse); err != nil {
			return err
		}
		tm.Status = TimerStatusFired
		for j := range t.c.Scopes {
			if t.c.Scopes[j].Status == ScopePending {
				if err := t.act(j, t.c.RequestedMeasures, false, false); err != nil {
					return err
				}
			}
		}
		t.c.Decision = &Decision{Outcome: OutcomeAction, Reason: "no response within the response window", Measures: t.activeNames(), Automated: true, At: t.env.Now}
		return t.actioned()
	case TimerRestore:
		if err := t.need(StateCounterForwarded); err != nil {
			return err
		}
		tm.Status = TimerStatusFired
		return t.restore(profile, "no proof of proceedings within the period")
	case TimerReviewSLA, TimerComplaintSLA:
		tm.Status = TimerStatusFired
		t.notify(PartyPlatform, string(kind)+".overdue", tm.RuleRef, profile, tm.DueAt)
	default: // counter and complaint windows just close
		tm.Status = TimerStatusFired
	}
	return nil
}

// --- helpers ------------------------------------------------------------------

func (t *transition) activeNames() []string {
	var out []string
	for _, m := range t.c.ActiveMeasures("") {
		if !slices.Contains(out, m.Name) {
			out = append(out, m.Name)
		}
	}
	return out
}

func mergeIntervals(in []Interval) []Interval {
	sort.Slice(in, func(i, j int) bool { return in[i].From.Before(in[j].From) })
	var out []Interval
	for _, iv := range in {
		if n := len(out); n > 0 && !iv.From.After(out[n-1].To) {
			if iv.To.After(out[n-1].To) {
				out[n-1].To = iv.To
			}
			continue
		}
		out = append(out, iv)
	}
	return out
}

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// ruleRefs are the legal citations recorded on effects for one profile.
type ruleRefs struct {
	notice, decision, sellerNotice, counter, restore string
}

// refs derives citations from the profile's procedure types, so that
// operator-defined profiles get sensible references too.
func refs(p *policy.Profile) ruleRefs {
	base := ""
	if len(p.LegalRefs) > 0 {
		base = p.LegalRefs[0]
	}
	r := ruleRefs{notice: base, decision: base, sellerNotice: base, counter: base, restore: base}
	switch p.CounterNotice.Type {
	case policy.CounterCNDeclaration:
		r = ruleRefs{notice: "ECL 42(1); CC 1195", decision: "ECL 42(2)", sellerNotice: "ECL 42(2)", counter: "ECL 43(2)", restore: "ECL 43(2); CC 201, 203; 法释〔2020〕9号 三"}
	case policy.CounterUS512g3:
		r = ruleRefs{notice: "17 U.S.C. 512(c)(3)", decision: "17 U.S.C. 512(c)(1)(C)", sellerNotice: "17 U.S.C. 512(g)(2)(A)", counter: "17 U.S.C. 512(g)(2)(B)", restore: "17 U.S.C. 512(g)(2)(C)"}
	}
	if p.SellerNotification.IncludeSoR173 {
		r.notice, r.decision, r.sellerNotice = "DSA 16(2)", "DSA 16(5)", "DSA 17"
	}
	return r
}
