package notice

import (
	"errors"
	"fmt"
	"slices"
	"sort"
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
	var review, window, acted bool
	for i := range t.c.Scopes {
		p, _ := t.env.Profiles.Profile(t.c.Scopes[i].Profile)
		switch p.Decision.Timing(t.c.TrustedNotifier) {
		case policy.TimingImmediate:
			if err := t.act(i, t.c.RequestedMeasures, false, false); err != nil {
				return err
			}
			acted = true
		case policy.TimingAfterReview:
			review = true
		case policy.TimingAfterResponseWindow:
			window = true
		}
	}
	if acted && (review || window) {
		// Profiles that act on qualification have decided by rule; the
		// others' decision (review, response window) follows and replaces
		// this record when it is taken.
		t.c.Decision = &Decision{Outcome: OutcomeAction, Reason: "qualified notice (measures on qualification)", Measures: t.activeNames(), Automated: true, At: t.env.Now}
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
