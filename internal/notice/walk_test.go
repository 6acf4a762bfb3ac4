package notice

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/dajia-project/dajia/internal/policy"
	"github.com/google/go-cmp/cmp"
)

func TestInvalidTransitions(t *testing.T) {
	env, _ := testEnv(t)
	cn := scopeSpec{"cn-ecl", []string{"CN"}}
	eu := scopeSpec{"eu-dsa", []string{"DE"}}
	build := func(kind string, s scopeSpec, evs ...Event) Case {
		c, _ := mustNew(t, intake(kind, s), env)
		for _, e := range evs {
			c, _ = step(t, c, e, env)
		}
		return c
	}
	received := build("trademark", cn)
	actioned := build("trademark", cn, Validated{})
	review := build("trademark", eu, Validated{})
	noAction := build("trademark", eu, Validated{}, Decided{Outcome: OutcomeNoAction, ReviewerID: "r1"})
	rejected := build("trademark", cn, Validated{RejectReason: "no standing"})
	tests := []struct {
		name string
		c    Case
		ev   Event
	}{
		{"validate twice", actioned, Validated{}},
		{"complete a qualified notice", actioned, Completed{}},
		{"decide before validation", received, Decided{Outcome: OutcomeAction, ReviewerID: "r1"}},
		{"decide an actioned case", actioned, Decided{Outcome: OutcomeAction, ReviewerID: "r1"}},
		{"claim an actioned case", actioned, ReviewClaimed{ReviewerID: "r1"}},
		{"counter-notice before action", review, CounterNoticeFiled{Profile: "eu-dsa"}},
		{"validate a counter that was never filed", actioned, CounterValidated{}},
		{"deliver before forwarding", actioned, CounterDelivered{At: t0}},
		{"proceedings without a counter-notice", actioned, ProceedingsProof{Evidence: "lawsuit_filed"}},
		{"proceedings decided without a hold", actioned, ProceedingsDecided{Infringing: true}},
		{"tolling without a clock", actioned, TollingRequested{"NOTARIZATION", Interval{t0, t0.Add(time.Hour)}}},
		{"seller complaint under review", review, ComplaintFiled{By: PartySeller}},
		{"notifier complaint while actioned", actioned, ComplaintFiled{By: PartyNotifier}},
		{"complaint decided without a complaint", noAction, ComplaintDecided{Outcome: "upheld", ReviewerID: "r2"}},
		{"close a received notice", received, CaseClosed{}},
		{"close a case with no action", noAction, CaseClosed{}},
		{"dispute before a decision", review, DisputeOpened{BodyID: "ods"}},
		{"dispute decided without a dispute", noAction, DisputeDecided{Outcome: "upheld"}},
		{"retract a rejected notice", rejected, Retracted{}},
		{"cure window without a cure timer", actioned, CureWindowExpired{}},
		{"response window without a response timer", review, ResponseWindowExpired{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := tt.c.clone()
			got, effs, err := Apply(tt.c, tt.ev, env)
			var ite *InvalidTransitionError
			if !errors.As(err, &ite) || !errors.Is(err, ErrInvalidTransition) {
				t.Fatalf("error = %v, want an InvalidTransitionError", err)
			}
			if ite.State != tt.c.State || ite.Event != tt.ev.Kind() {
				t.Errorf("error carries (%s, %s), want (%s, %s)", ite.State, ite.Event, tt.c.State, tt.ev.Kind())
			}
			if diff := cmp.Diff(before, got); diff != "" {
				t.Errorf("returned case changed (-before +after):\n%s", diff)
			}
			if diff := cmp.Diff(before, tt.c); diff != "" {
				t.Errorf("input case mutated (-before +after):\n%s", diff)
			}
			if effs != nil {
				t.Errorf("effects = %v, want none", effs)
			}
		})
	}

	t.Run("unknown and finished timers", func(t *testing.T) {
		if _, _, err := Apply(actioned, TimerFired{TimerID: "nope"}, env); !errors.Is(err, ErrUnknownTimer) {
			t.Errorf("unknown timer error = %v, want ErrUnknownTimer", err)
		}
		c := build("trademark", cn, Validated{Missing: []string{"contact"}}, Completed{})
		if _, _, err := Apply(c, TimerFired{TimerID: c.Timers[0].ID}, at(env, day(30))); !errors.Is(err, ErrTimerNotRunning) {
			t.Errorf("cancelled timer error = %v, want ErrTimerNotRunning", err)
		}
	})

	t.Run("opening needs a known profile", func(t *testing.T) {
		if _, _, err := New(intake("trademark", scopeSpec{"xx-law", []string{"XX"}}), env); !errors.Is(err, policy.ErrUnknownProfile) {
			t.Errorf("error = %v, want ErrUnknownProfile", err)
		}
		if _, _, err := New(intake("trademark"), env); !errors.Is(err, ErrBadEvent) {
			t.Errorf("error = %v, want ErrBadEvent for a case without scopes", err)
		}
	})
}

// TestRandomWalk drives cases under random profile mixes with random event
// sequences (seeded, so failures reproduce) and checks that Apply never
// panics, that a refused event changes nothing, and that the invariants of
// §4.2 hold after every accepted event.
func TestRandomWalk(t *testing.T) {
	env, _ := testEnv(t, func(m profileMap) {
		// An Alibaba-style policy profile: pre-takedown response window,
		// three counter-notice chances inside a filing window.
		p := *m["cn-ecl"]
		p.ID = "cn-alibaba-style"
		p.Decision.MeasureTiming = policy.TimingAfterResponseWindow
		p.Decision.ResponseWindow = policy.Period{Value: 3, Unit: policy.UnitWorkingDays, Calendar: policy.CalendarCNWD}
		p.CounterNotice.MaxAttempts = 3
		p.CounterNotice.SubmissionWindow = policy.Period{Value: 27, Unit: policy.UnitWorkingDays, Calendar: policy.CalendarCNWD}
		m[p.ID] = &p
	})
	mixes := [][]scopeSpec{
		{{"cn-ecl", []string{"CN"}}},
		{{"us-dmca-512", []string{"US"}}},
		{{"us-tm-marketplace", []string{"US"}}},
		{{"eu-dsa", []string{"DE", "FR"}}},
		{{"cn-ecl", []string{"CN"}}, {"eu-dsa", []string{"DE"}}, {"us-tm-marketplace", []string{"US"}}},
		{{"cn-ecl", []string{"CN"}}, {"eu-dsa", []string{"DE"}}, {"us-dmca-512", []string{"US"}}},
		{{"cn-alibaba-style", []string{"CN"}}},
		{{"cn-alibaba-style", []string{"CN"}}, {"us-dmca-512", []string{"US"}}},
	}
	walks, steps := 2000, 40
	visited := map[State]bool{}
	if testing.Short() {
		walks = 300
	}
	for w := range walks {
		rng := rand.New(rand.NewPCG(uint64(w), 0xda11a))
		mix := mixes[rng.IntN(len(mixes))]
		in := intake([]string{"counterfeit", "trademark", "copyright", "patent"}[rng.IntN(4)], mix...)
		in.TrustedNotifier, in.TrustedFlagger = rng.IntN(2) == 0, rng.IntN(4) == 0
		now := t0
		var c Case
		var err error
		if rng.IntN(5) == 0 {
			c, _, err = NewOwnInitiative(in, at(env, now))
		} else {
			c, _, err = New(in, at(env, now))
		}
		if err != nil {
			t.Fatalf("walk %d: open: %v", w, err)
		}
		var trail []string
		for s := range steps {
			now = now.Add(time.Duration(rng.IntN(72)) * time.Hour)
			e, fireAt := randomEvent(rng, c, now)
			if fireAt.After(now) {
				now = fireAt
			}
			trail = append(trail, fmt.Sprintf("%s %+v", e.Kind(), e))
			before := c.clone()
			n, effs, err := applyNoPanic(t, c, e, at(env, now), w, trail)
			if !reflect.DeepEqual(before, c) {
				t.Fatalf("walk %d step %d: input mutated:\n%s\ntrail: %v", w, s, cmp.Diff(before, c), trail)
			}
			if err != nil {
				if !reflect.DeepEqual(before, n) || effs != nil {
					t.Fatalf("walk %d step %d: refused event changed the case:\n%s\ntrail: %v", w, s, cmp.Diff(before, n), trail)
				}
				continue
			}
			visited[n.State] = true
			if msg := checkInvariants(n); msg != "" {
				t.Fatalf("walk %d step %d: %s\ncase: %+v\ntrail: %v", w, s, msg, n, trail)
			}
			c = n
		}
	}
	for _, st := range []State{StateIncomplete, StateRejected, StatePendingSellerResponse, StateUnderReview, StateActioned,
		StateCounterReceived, StateCounterIncomplete, StateCounterForwarded, StateHeldPendingProceedings, StateRestored,
		StateRetracted, StateComplaintOpen, StateClosedUpheld, StateNoAction, StateDisputeOpen} {
		if !visited[st] {
			t.Errorf("random walk never reached %s", st)
		}
	}
}

func applyNoPanic(t *testing.T, c Case, e Event, env Env, walk int, trail []string) (n Case, effs []Effect, err error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("walk %d: panic %v\ntrail: %v", walk, r, trail)
		}
	}()
	return Apply(c, e, env)
}

func checkInvariants(c Case) string {
	for _, s := range c.Scopes {
		active := len(c.ActiveMeasures(s.Profile))
		measured := s.Status == ScopeActioned || s.Status == ScopeHeld || s.Status == ScopeUpheld
		if measured != (active > 0) {
			return fmt.Sprintf("scope %s is %s with %d active measures", s.Profile, s.Status, active)
		}
		if s.Status == ScopeRestored && (s.Strike == StrikeStatusProvisional || s.Strike == StrikeStatusConfirmed) {
			return fmt.Sprintf("restored scope %s keeps a %s strike", s.Profile, s.Strike)
		}
		if s.Status == ScopeUpheld && s.Strike != StrikeStatusConfirmed {
			return fmt.Sprintf("upheld scope %s has strike %q", s.Profile, s.Strike)
		}
		if s.Status == ScopeActioned && s.Strike != StrikeStatusProvisional && s.Strike != StrikeStatusConfirmed {
			return fmt.Sprintf("actioned scope %s has strike %q", s.Profile, s.Strike)
		}
	}
	for _, m := range c.ActiveMeasures("") {
		i := slices.IndexFunc(c.Scopes, func(s Scope) bool { return s.Profile == m.Profile })
		if i < 0 {
			return fmt.Sprintf("measure %d under foreign profile %s", m.Seq, m.Profile)
		}
		for _, terr := range m.Territories {
			if !slices.Contains(c.Scopes[i].Territories, terr) {
				return fmt.Sprintf("measure %d in %s outside profile %s", m.Seq, terr, m.Profile)
			}
		}
	}
	switch c.State {
	case StateRestored, StateRetracted, StateRejected, StateNoAction:
		if n := len(c.ActiveMeasures("")); n > 0 {
			return fmt.Sprintf("%d active measures in state %s", n, c.State)
		}
	}
	if c.State.Terminal() && len(c.RunningTimers()) > 0 {
		return fmt.Sprintf("running timers in terminal state %s: %+v", c.State, c.RunningTimers())
	}
	if c.State == StateQualified {
		return "case left in the transient qualified state"
	}
	seen := map[string]bool{}
	for _, tm := range c.Timers {
		if seen[tm.ID] {
			return "duplicate timer id " + tm.ID
		}
		seen[tm.ID] = true
	}
	return ""
}

// randomEvent picks a plausible (often valid, sometimes not) event; for a
// timer it also returns when it may fire.
func randomEvent(rng *rand.Rand, c Case, now time.Time) (Event, time.Time) {
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	reviewer := pick("rev-a", "rev-b", "rev-c")
	measures := [][]string{nil, {"delist"}, {"geo_block"}, {"demote"}, {"delist", "payout_hold"}, {"terminate_transactions"}}
	if rng.IntN(2) == 0 {
		// Guided: an event that usually fits the state, so that walks get deep.
		switch c.State {
		case StateReceived:
			return Validated{}, time.Time{}
		case StateIncomplete:
			return Completed{}, time.Time{}
		case StateUnderReview:
			return Decided{Outcome: OutcomeAction, ReviewerID: reviewer}, time.Time{}
		case StateCounterReceived:
			return CounterValidated{}, time.Time{}
		case StateCounterForwarded:
			switch rng.IntN(3) {
			case 0:
				return CounterDelivered{At: now}, time.Time{}
			case 1:
				return ProceedingsProof{Evidence: pick("lawsuit_filed", "court_action_seeking_restraint")}, time.Time{}
			}
		case StateHeldPendingProceedings:
			return ProceedingsDecided{Infringing: rng.IntN(2) == 0}, time.Time{}
		case StateComplaintOpen:
			return ComplaintDecided{Outcome: pick("upheld", "reversed", "partially_reversed"), ReviewerID: "rev-z", Measures: []string{"delist"}}, time.Time{}
		case StateNoAction:
			return ComplaintFiled{By: PartyNotifier}, time.Time{}
		case StateDisputeOpen:
			return DisputeDecided{Outcome: pick("upheld", "reversed"), Implemented: true}, time.Time{}
		}
	}
	switch rng.IntN(19) {
	case 0:
		return Validated{}, time.Time{}
	case 1:
		return Validated{Missing: []string{"contact"}, RejectReason: pick("", "", "no standing")}, time.Time{}
	case 2:
		return Completed{}, time.Time{}
	case 3:
		return ReviewClaimed{ReviewerID: reviewer}, time.Time{}
	case 4:
		return Decided{Outcome: Outcome(pick("action", "action", "no_action")), ReviewerID: reviewer,
			Automated: rng.IntN(4) == 0, Measures: measures[rng.IntN(len(measures))], RepeatAndIntentional: rng.IntN(2) == 0}, time.Time{}
	case 5:
		switch rng.IntN(4) {
		case 0:
			cn := cnCounter()
			cn.Profile = pick("cn-ecl", "cn-alibaba-style")
			return cn, time.Time{}
		case 1:
			return dmcaCounter(), time.Time{}
		case 2:
			return CounterNoticeFiled{Fields: []string{"contact", "item_locators", "authenticity_evidence", "explanation"}}, time.Time{}
		}
		return CounterNoticeFiled{Profile: pick("cn-ecl", "eu-dsa", "us-tm-marketplace")}, time.Time{}
	case 6:
		if rng.IntN(3) == 0 {
			return CounterValidated{Missing: []string{"contact"}}, time.Time{}
		}
		return CounterValidated{}, time.Time{}
	case 7:
		return CounterDelivered{At: now}, time.Time{}
	case 8:
		return ProceedingsProof{Evidence: pick("lawsuit_filed", "authority_complaint_filed", "court_action_seeking_restraint", "court_action_seeking_restraint", "press_release")}, time.Time{}
	case 9:
		return ProceedingsDecided{Infringing: rng.IntN(2) == 0}, time.Time{}
	case 10:
		from := now.Add(-time.Duration(rng.IntN(200)) * time.Hour)
		return TollingRequested{Reason: pick("NOTARIZATION", "AUTHENTICATION", "OTHER_BEYOND_CONTROL", "WEATHER"),
			Interval: Interval{from, from.Add(time.Duration(rng.IntN(300)) * time.Hour)}}, time.Time{}
	case 11, 12, 13:
		if len(c.Timers) == 0 {
			return CureWindowExpired{}, time.Time{}
		}
		tm := c.Timers[rng.IntN(len(c.Timers))]
		if rng.IntN(4) == 0 {
			return TimerFired{TimerID: tm.ID}, time.Time{} // maybe early
		}
		return TimerFired{TimerID: tm.ID}, tm.DueAt
	case 14:
		return Retracted{}, time.Time{}
	case 15:
		return ComplaintFiled{By: pick(PartySeller, PartyNotifier)}, time.Time{}
	case 16:
		return ComplaintDecided{Outcome: pick("upheld", "reversed", "partially_reversed", "omitted"), ReviewerID: reviewer,
			Automated: rng.IntN(5) == 0, Measures: measures[rng.IntN(len(measures))]}, time.Time{}
	case 17:
		return CaseClosed{Reason: "random"}, time.Time{}
	case 18:
		return DisputeOpened{BodyID: "ods-" + reviewer, By: pick(PartySeller, PartyNotifier)}, time.Time{}
	}
	if rng.IntN(2) == 0 {
		return ResponseWindowExpired{}, time.Time{}
	}
	return DisputeDecided{Outcome: pick("upheld", "reversed"), Implemented: rng.IntN(2) == 0}, time.Time{}
}
