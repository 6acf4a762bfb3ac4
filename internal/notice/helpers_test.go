package notice

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/dajia-project/dajia/internal/policy"
)

// calendarDaysDouble is a TEST DOUBLE for the calendar adapter: it counts
// every day unit (CD, WD, BD) as calendar days, hours as hours and months as
// calendar months, ignores the rule, and records each call so tests can check
// which period and rule the machine asked for. The real adapter (calendar
// package) implements CN_WD, US_FED_BD, CC 201/203.
type calendarDaysDouble struct {
	calls []dueCall
}

type dueCall struct {
	Start  time.Time
	Period string
	Rule   string
}

func (d *calendarDaysDouble) Due(start time.Time, p policy.Period, rule string) (time.Time, error) {
	d.calls = append(d.calls, dueCall{start, p.String(), rule})
	switch p.Unit {
	case policy.UnitCalendarDays, policy.UnitWorkingDays, policy.UnitBusinessDays:
		return start.AddDate(0, 0, p.Value), nil
	case policy.UnitHours:
		return start.Add(time.Duration(p.Value) * time.Hour), nil
	case policy.UnitMonths:
		return start.AddDate(0, p.Value, 0), nil
	}
	return time.Time{}, errors.New("calendarDaysDouble: unsupported unit " + p.Unit)
}

// profileMap lets a test run the machine on edited copies of the profiles.
type profileMap map[string]*policy.Profile

func (m profileMap) Profile(id string) (*policy.Profile, error) {
	p, ok := m[id]
	if !ok {
		return nil, fmt.Errorf("%w %q", policy.ErrUnknownProfile, id)
	}
	return p, nil
}

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// testEnv returns an Env over the embedded profiles at t0, with edits applied
// to copies of the named profiles.
func testEnv(t *testing.T, edits ...func(profileMap)) (Env, *calendarDaysDouble) {
	t.Helper()
	set, err := policy.Default()
	if err != nil {
		t.Fatalf("policy.Default(): %v", err)
	}
	m := profileMap{}
	for _, id := range set.IDs() {
		p, _ := set.Profile(id)
		cp := *p
		m[id] = &cp
	}
	for _, e := range edits {
		e(m)
	}
	d := &calendarDaysDouble{}
	return Env{Now: t0, Profiles: m, Deadlines: d}, d
}

// at returns env with the clock moved to now.
func at(env Env, now time.Time) Env {
	env.Now = now
	return env
}

type scopeSpec struct {
	profile     string
	territories []string
}

func intake(kind string, scopes ...scopeSpec) Intake {
	in := Intake{ID: "C1", NoticeID: "N1", ListingID: "L1", SellerID: "S1", NotifierID: "R1",
		NotifierOrg: "Brand Co", RightID: "TM1", InfringementType: kind}
	for _, s := range scopes {
		in.Scopes = append(in.Scopes, Scope{Profile: s.profile, Territories: s.territories})
	}
	return in
}

func mustNew(t *testing.T, in Intake, env Env) (Case, []Effect) {
	t.Helper()
	c, effs, err := New(in, env)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, effs
}

func step(t *testing.T, c Case, ev Event, env Env) (Case, []Effect) {
	t.Helper()
	n, effs, err := Apply(c, ev, env)
	if err != nil {
		t.Fatalf("Apply(%s) in state %s: %v", ev.Kind(), c.State, err)
	}
	return n, effs
}

func wantState(t *testing.T, c Case, want State) {
	t.Helper()
	if c.State != want {
		t.Fatalf("state = %s, want %s", c.State, want)
	}
}

// only returns the effects of type T.
func only[T Effect](effs []Effect) []T {
	var out []T
	for _, e := range effs {
		if v, ok := e.(T); ok {
			out = append(out, v)
		}
	}
	return out
}

// timerOf returns the running timer of a kind, failing if there is none.
func timerOf(t *testing.T, c Case, kind TimerKind) Timer {
	t.Helper()
	for _, tm := range c.RunningTimers() {
		if tm.Kind == kind {
			return tm
		}
	}
	t.Fatalf("no running %s timer in %+v", kind, c.Timers)
	return Timer{}
}

func activeByProfile(c Case) map[string][]string {
	out := map[string][]string{}
	for _, m := range c.ActiveMeasures("") {
		out[m.Profile] = m.Territories
	}
	return out
}

func cnCounter() CounterNoticeFiled {
	return CounterNoticeFiled{Profile: "cn-ecl",
		Fields:       []string{"identity_real", "contact", "item_locators", "prima_facie_non_infringement"},
		Attestations: map[string]string{"attest_truthfulness": "cn-ecl-declaration-1"}}
}

func dmcaCounter() CounterNoticeFiled {
	return CounterNoticeFiled{Profile: "us-dmca-512",
		Fields: []string{"signature", "item_locators", "name_address_phone"},
		Attestations: map[string]string{"attest_mistake_perjury": "us-dmca-512g3C-1",
			"attest_consent_jurisdiction": "us-dmca-512g3D-1"}}
}

// stepSpec is one row of a scenario: an event at a day offset from t0, the
// state it must lead to (or the error it must return, leaving the case
// unchanged), and extra checks on the case and effects.
type stepSpec struct {
	name    string
	day     float64
	ev      func(c Case) Event
	want    State
	wantErr error
	check   func(t *testing.T, c Case, effs []Effect)
}

func ev(e Event) func(Case) Event { return func(Case) Event { return e } }

// fire builds the TimerFired event for the running timer of kind.
func fire(kind TimerKind) func(Case) Event {
	return func(c Case) Event {
		for _, tm := range c.RunningTimers() {
			if tm.Kind == kind {
				return TimerFired{TimerID: tm.ID}
			}
		}
		return TimerFired{TimerID: "missing-" + string(kind)}
	}
}

func day(d float64) time.Time { return t0.Add(time.Duration(d * 24 * float64(time.Hour))) }

// runScenario applies the steps in order as named subtests and returns the
// final case.
func runScenario(t *testing.T, env Env, c Case, steps []stepSpec) Case {
	t.Helper()
	for _, s := range steps {
		ok := t.Run(s.name, func(t *testing.T) {
			e := s.ev(c)
			before := c.clone()
			n, effs, err := Apply(c, e, at(env, day(s.day)))
			if s.wantErr != nil {
				if !errors.Is(err, s.wantErr) {
					t.Fatalf("Apply(%s) error = %v, want %v", e.Kind(), err, s.wantErr)
				}
				if diff := cmpCase(before, n); diff != "" {
					t.Fatalf("case changed on error (-before +after):\n%s", diff)
				}
				if effs != nil {
					t.Fatalf("effects on error = %v, want none", effs)
				}
				return
			}
			if err != nil {
				t.Fatalf("Apply(%s) in state %s: %v", e.Kind(), c.State, err)
			}
			if n.State != s.want {
				t.Fatalf("state = %s, want %s", n.State, s.want)
			}
			if s.check != nil {
				s.check(t, n, effs)
			}
			c = n
		})
		if !ok {
			t.FailNow()
		}
	}
	return c
}
