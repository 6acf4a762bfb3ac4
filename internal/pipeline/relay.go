// Package pipeline connects the catalogue to detection: the relay carries
// committed listing.changed outbox messages to the listing stream, and the
// detector scores each listing version it receives from the stream and
// records a lead for each suspected counterfeit.
//
//	PUT /listings ─► outbox (same tx) ─► fan-out ─► feed ─► Relay ─► JetStream LISTINGS
//	                                                                     │
//	                           leads (unique per listing version) ◄─ Detector (work queue)
//
// Both ends are at least once: the relay keeps its place in the feed in a
// setting and moves it only after JetStream has stored the events (a
// crash re-publishes, and JetStream drops the copies by message id); the
// detector acknowledges a batch only after its leads are committed (a
// crash re-delivers, and a lead is stored once per listing version).
package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/store"
	"github.com/dajia-project/dajia/internal/stream"
)

// RelayCursorSetting is the setting holding the relay's place in the feed.
const RelayCursorSetting = "stream_relay_cursor"

// Relay publishes listing.changed messages from the feed to the stream.
type Relay struct {
	DB    *store.DB
	Pub   *stream.Publisher
	Batch int // messages read from the feed per step (500 when zero)
	Log   *slog.Logger
}

// Step publishes the next batch of listing events after the stored
// cursor and then advances it. It returns the number of feed messages
// passed (listing events and others) and whether more are waiting.
func (r *Relay) Step(ctx context.Context) (int, bool, error) {
	cursor, err := r.DB.Setting(ctx, RelayCursorSetting, func() string { return "" })
	if err != nil {
		return 0, false, err
	}
	batch := r.Batch
	if batch <= 0 {
		batch = 500
	}
	page, err := r.DB.Feed(ctx, store.FeedEvents, cursor, batch)
	if err != nil {
		return 0, false, err
	}
	if len(page.Items) == 0 {
		return 0, false, nil
	}
	events := make([]stream.ListingEvent, 0, len(page.Items))
	for _, it := range page.Items {
		if it.Topic != app.TopicListingChanged {
			continue
		}
		var ev struct {
			Object struct {
				Version int `json:"version"`
			} `json:"object"`
		}
		if err := json.Unmarshal(it.Payload, &ev); err != nil || ev.Object.Version <= 0 {
			// A malformed message cannot become valid later; it is skipped
			// loudly rather than blocking every listing behind it.
			r.log().Error("relay: listing message without a version, skipped", "message", it.ID, "err", err)
			continue
		}
		events = append(events, stream.ListingEvent{ListingID: it.ObjectID, Version: ev.Object.Version, Payload: it.Payload})
	}
	if len(events) > 0 {
		if err := r.Pub.Publish(ctx, events); err != nil {
			return 0, false, fmt.Errorf("relay: publish %d listing events: %w", len(events), err)
		}
	}
	if err := r.DB.SetSetting(ctx, RelayCursorSetting, page.Next); err != nil {
		return 0, false, err
	}
	return len(page.Items), page.More, nil
}

// Run relays until ctx ends: at once while messages wait, then every
// interval or when woken.
func (r *Relay) Run(ctx context.Context, interval time.Duration, wake <-chan struct{}) {
	for {
		n, more, err := r.Step(ctx)
		if err != nil && ctx.Err() == nil {
			r.log().Error("relay step failed; retrying", "err", err)
		}
		if n > 0 && more && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		case <-wake:
		}
	}
}

func (r *Relay) log() *slog.Logger {
	if r.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Log
}
