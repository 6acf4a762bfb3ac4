package notice

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/dajia-project/dajia/internal/policy"
)

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
