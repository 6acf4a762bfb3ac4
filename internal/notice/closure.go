package notice

import (
	"slices"
	"time"
)

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
