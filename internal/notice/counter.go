package notice

import (
	"fmt"
	"slices"
	"time"

	"github.com/dajia-project/dajia/internal/policy"
)

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
	rule, minRule, maxRule := rt.Rule(), rt.Rule(), rt.Rule()
	if !rt.Duration.Fixed() && rule == "" {
		// A window (DMCA: not less than 10, nor more than 14 business
		// days): its opening and its close are computed differently.
		minRule, maxRule = RuleWindowOpens, RuleWindowCloses
	}
	due, err := t.due(start, rt.Duration.Min, minRule)
	if err != nil {
		return Timer{}, err
	}
	tm := Timer{Kind: TimerRestore, Profile: p.ID, StartsAt: start, DueAt: due, BaseDueAt: due,
		Calendar: rt.Duration.Min.Calendar, Rule: minRule, RuleRef: refs(p).restore, OnExpiry: rt.OnExpiry}
	if !rt.Duration.Fixed() {
		if tm.LatestAt, err = t.due(start, rt.Duration.Max, maxRule); err != nil {
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
