package notice

import (
	"fmt"
	"slices"
	"time"

	"github.com/dajia-project/dajia/internal/policy"
)

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
