package notice

import (
	"fmt"
	"time"

	"github.com/dajia-project/dajia/internal/policy"
)

// Strike is one entry of a seller's strike ledger (§4.4: one ledger, tagged by
// profile).
type Strike struct {
	CaseID    string
	Profile   string
	Status    StrikeStatus
	CreatedAt time.Time
}

// Sanction is an escalation step already taken against a seller.
type Sanction struct {
	Profile string
	Action  string // policy.ActionWarn, …
	Level   int    // the threshold (strike count) it was taken for
	At      time.Time
}

// Escalation is the verdict of Escalate, with the figures behind it.
type Escalation struct {
	// Action is due now: warn, restrict, suspend or terminate; empty when
	// nothing new is due.
	Action   string
	Duration policy.Period // zero: indefinite
	// Enforcement is the marketplace action type for Action.
	Enforcement string
	Level       int // the threshold reached (strikes), 0 if none
	Counted     int // strikes that count
	Expired     int // strikes older than the window
	Ignored     int // voided strikes, strikes of other profiles, or provisional ones the profile does not count
	// WarningFirst is set when a harsher step was due but the profile requires
	// a prior warning that was never given (DSA 23(1)).
	WarningFirst bool
	// AlreadyTaken is set when the reached threshold's sanction was already
	// taken within the window.
	AlreadyTaken bool
}

// Escalate evaluates a seller's strike ledger under one profile's
// repeat-infringer policy at now: strikes of the profile that count (confirmed
// only, or provisional too, per repeat_infringer.count) and have not expired
// (created within the window) are counted; the highest threshold reached
// gives the action, unless it was already taken or a prior warning is
// required first.
func Escalate(strikes []Strike, sanctions []Sanction, p *policy.Profile, now time.Time, d Deadlines) (Escalation, error) {
	ri := p.RepeatInfringer
	var e Escalation
	for _, s := range strikes {
		counts := s.Profile == p.ID && (s.Status == StrikeStatusConfirmed ||
			(s.Status == StrikeStatusProvisional && ri.Count == "provisional_and_confirmed"))
		if !counts {
			e.Ignored++
			continue
		}
		live, err := within(s.CreatedAt, ri.Window, now, d)
		if err != nil {
			return Escalation{}, fmt.Errorf("escalate under %s: %w", p.ID, err)
		}
		if !live {
			e.Expired++
			continue
		}
		e.Counted++
	}
	var reached *policy.Threshold
	for i := range ri.Thresholds {
		if ri.Thresholds[i].Strikes <= e.Counted {
			reached = &ri.Thresholds[i]
		}
	}
	if reached == nil {
		return e, nil
	}
	e.Level = reached.Strikes
	warned := false
	for _, s := range sanctions {
		if s.Profile != p.ID {
			continue
		}
		live, err := within(s.At, ri.Window, now, d)
		if err != nil {
			return Escalation{}, fmt.Errorf("escalate under %s: %w", p.ID, err)
		}
		if !live {
			continue
		}
		if s.Action == policy.ActionWarn {
			warned = true
		}
		if s.Level >= reached.Strikes && policy.Severity(s.Action) >= policy.Severity(reached.Action) {
			e.AlreadyTaken = true
		}
	}
	if e.AlreadyTaken {
		return e, nil
	}
	e.Action, e.Duration = reached.Action, reached.Duration
	if ri.PriorWarningRequired && !warned && reached.Action != policy.ActionWarn {
		e.Action, e.Duration, e.WarningFirst = policy.ActionWarn, policy.Period{}, true
	}
	e.Enforcement = EscalationAction(e.Action)
	return e, nil
}

// within reports whether start + window is still after now.
func within(start time.Time, window policy.Period, now time.Time, d Deadlines) (bool, error) {
	end, err := d.Due(start, window, "")
	if err != nil {
		return false, fmt.Errorf("window %s from %s: %w", window, start.Format(time.RFC3339), err)
	}
	return now.Before(end), nil
}
