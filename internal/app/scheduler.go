package app

import (
	"context"
	"errors"
	"time"

	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/notice"
	"github.com/dajia-project/dajia/internal/store"
)

// FireDueTimers fires every timer due at or before now, each in its own
// transaction together with the case transition it causes, so that a timer
// fires exactly once even when several nodes run the scheduler or the
// process dies mid-way. It returns how many timers it fired.
func (a *App) FireDueTimers(ctx context.Context, now time.Time) (int, error) {
	fired := 0
	for {
		var did bool
		err := a.db.Tx(ctx, func(tx *store.Tx) error {
			due, err := tx.DueTimers(ctx, now, 1)
			if err != nil || len(due) == 0 {
				return err
			}
			did = true
			return a.fire(ctx, tx, due[0], now)
		})
		if err != nil {
			return fired, err
		}
		if !did {
			return fired, nil
		}
		fired++
		if ctx.Err() != nil {
			return fired, ctx.Err()
		}
	}
}

func (a *App) fire(ctx context.Context, tx *store.Tx, t store.TimerRecord, now time.Time) error {
	rec, err := tx.ItemForUpdate(ctx, t.ItemID)
	if err != nil {
		return err
	}
	it, err := decodeItem(rec)
	if err != nil {
		return err
	}
	sys := auth.System
	if t.Kind == "reminder" {
		if err := tx.SetTimerStatus(ctx, t.ID, store.TimerFired, now); err != nil {
			return err
		}
		return a.remind(ctx, tx, &it, t, now)
	}
	before := itemAudit(it)
	c, effs, err := notice.Apply(it.Case, notice.TimerFired{TimerID: t.ID}, a.env(now))
	if errors.Is(err, notice.ErrTimerNotRunning) || errors.Is(err, notice.ErrUnknownTimer) || errors.Is(err, notice.ErrInvalidTransition) {
		// The case moved on without cancelling the row: retire it.
		a.log.Warn("timer no longer applies", "timer_id", t.ID, "item_id", it.ID, "err", err)
		return tx.SetTimerStatus(ctx, t.ID, store.TimerCancelled, now)
	}
	if err != nil {
		return err
	}
	it.Case = c
	if err := tx.SetTimerStatus(ctx, t.ID, store.TimerFired, now); err != nil {
		return err
	}
	b := newBatch()
	if err := a.execute(ctx, tx, &it, effs, b, now); err != nil {
		return err
	}
	if err := a.finish(ctx, tx, b, now); err != nil {
		return err
	}
	next := a.itemRecord(it, rec.Rev+1, now)
	if it.Case.State == notice.StateUnderReview {
		next.ClaimedBy, next.ClaimedUntil = rec.ClaimedBy, rec.ClaimedUntil
	}
	if err := tx.UpdateItem(ctx, next, rec.Rev); err != nil {
		return err
	}
	return a.record(ctx, tx, sys, now, change{action: "item.timer_fired", objectType: "item", objectID: it.ID, orgID: it.NotifierOrgID,
		before: before, after: itemAudit(it), reason: t.Kind + " " + t.RuleRef + " due " + t.DueAt.Format(time.RFC3339)})
}

// remind sends the 48-hour reminder of a party's deadline, if the deadline
// still runs.
func (a *App) remind(ctx context.Context, tx *store.Tx, it *Item, t store.TimerRecord, now time.Time) error {
	mainID := t.ID[:len(t.ID)-len("/reminder")]
	var main *notice.Timer
	for i := range it.Case.Timers {
		if it.Case.Timers[i].ID == mainID {
			main = &it.Case.Timers[i]
		}
	}
	if main == nil || main.Status != notice.TimerStatusRunning {
		return nil
	}
	what := remindedKinds[main.Kind]
	var orgs []string
	switch main.Kind {
	case notice.TimerRestore, notice.TimerCureWindow:
		orgs = []string{it.NotifierOrgID, it.FiledByOrgID}
	case notice.TimerCounterWindow:
		orgs = []string{it.SellerOrgID}
	default:
		orgs = []string{it.SellerOrgID, it.NotifierOrgID}
	}
	en, zh := formatDue(main.DueAt, main.Profile)
	seen := map[string]bool{}
	for _, org := range orgs {
		if org == "" || seen[org] {
			continue
		}
		seen[org] = true
		if err := a.message(ctx, tx, org, it, "deadline.reminder", messageData{Profile: main.Profile, Extra: what, DueEN: en, DueZH: zh}, now); err != nil {
			return err
		}
	}
	return nil
}

// RunScheduler fires due timers until ctx ends: at once on start (so that
// deadlines that passed while dajia was down fire now, once), then whenever
// the next timer falls due, checking at least every interval.
func (a *App) RunScheduler(ctx context.Context, interval time.Duration, wake <-chan struct{}) error {
	for {
		if _, err := a.FireDueTimers(ctx, a.Now()); err != nil && !errors.Is(err, context.Canceled) {
			a.log.Error("fire timers", "err", err)
		}
		wait := interval
		if next, err := a.db.NextTimer(ctx); err == nil && !next.IsZero() {
			if d := next.Sub(a.Now()); d < wait {
				wait = max(d, 10*time.Millisecond)
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
		case <-time.After(wait):
		}
	}
}

var _ = fault.ErrConflict
