package notice

import "github.com/dajia-project/dajia/internal/policy"

// NotifierOutcomes counts a rights holder's decided notice items within the
// profile's metrics window.
type NotifierOutcomes struct {
	Accepted             int // items actioned
	Rejected             int // items rejected or decided no action
	RestoredAfterCounter int // actioned items later restored after a counter-notice
	ReversedOnAppeal     int // actioned items reversed on complaint or appeal
	ManifestlyUnfounded  int // rejected items found manifestly unfounded (DSA 23(2))
}

// Lane is a notifier's processing lane.
type Lane string

// Lanes.
const (
	LaneTrusted      Lane = "trusted"      // fast lane: the profile's measure_timing_trusted applies
	LaneStandard     Lane = "standard"     // meets no bar, or too few notices to tell
	LaneInsufficient Lane = "insufficient" // below min_notices; no verdict on accuracy
)

// Accuracy is the verdict on a notifier, with the figures behind it.
type Accuracy struct {
	Decided             int     // Accepted + Rejected
	Successful          int     // accepted and not later restored or reversed
	TakedownSuccessRate float64 // Successful / Decided
	CounterSuccessRate  float64 // (restored + reversed) / Accepted
	UnfoundedRate       float64 // ManifestlyUnfounded / Decided
	Lane                Lane
	// Misuse is set when the manifestly-unfounded threshold is met (both the
	// absolute count and the ratio, DSA 23(3)(a)–(b)).
	Misuse bool
	// Action is the next notifier_misuse step when Misuse: warn first, then
	// suspension of processing; empty otherwise.
	Action   string
	Duration policy.Period
	// RevokeTrustedLane is set when a notifier that was trusted no longer
	// meets the bars (GTM removal rule).
	RevokeTrustedLane bool
}

// Assess rates a notifier under a profile's notifier_misuse policy. wasTrusted
// says whether the notifier is in the trusted lane now; stepsTaken is how many
// notifier_misuse.actions were already taken in the window, so the next one
// escalates (a warning always comes before a suspension when the profile lists
// it first).
func Assess(o NotifierOutcomes, p *policy.Profile, wasTrusted bool, stepsTaken int) Accuracy {
	m := p.NotifierMisuse
	a := Accuracy{Decided: o.Accepted + o.Rejected}
	reversed := o.RestoredAfterCounter + o.ReversedOnAppeal
	a.Successful = max(o.Accepted-reversed, 0)
	if a.Decided > 0 {
		a.TakedownSuccessRate = float64(a.Successful) / float64(a.Decided)
		a.UnfoundedRate = float64(o.ManifestlyUnfounded) / float64(a.Decided)
	}
	if o.Accepted > 0 {
		a.CounterSuccessRate = float64(reversed) / float64(o.Accepted)
	}
	switch {
	case a.Decided < m.Metrics.MinNotices:
		a.Lane = LaneInsufficient
	case a.TakedownSuccessRate >= m.Metrics.TakedownSuccessRateMin && a.CounterSuccessRate <= m.Metrics.CounterSuccessRateMax:
		a.Lane = LaneTrusted
	default:
		a.Lane = LaneStandard
	}
	if wasTrusted && a.Lane == LaneStandard {
		a.RevokeTrustedLane = true
	}
	th := m.ManifestlyUnfoundedThreshold
	if a.Decided > 0 && o.ManifestlyUnfounded >= th.Absolute && a.UnfoundedRate >= th.Ratio {
		a.Misuse = true
		if n := len(m.Actions); n > 0 {
			step := m.Actions[min(max(stepsTaken, 0), n-1)]
			a.Action, a.Duration = step.Action, step.Duration
		}
	}
	return a
}
