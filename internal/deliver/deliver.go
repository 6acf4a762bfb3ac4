// Package deliver carries outbox messages to the marketplace as signed
// webhooks (Standard Webhooks: webhook-id, webhook-timestamp and
// webhook-signature headers).
//
// A Dispatcher fans committed outbox messages out into one delivery per
// subscribed endpoint (store.DB.FanOut), claims due deliveries under a lease
// (store.DB.ClaimWebhookDeliveries; SKIP LOCKED on PostgreSQL, so any number
// of nodes may run one), POSTs them concurrently and records each outcome
// (store.DB.RecordWebhookResults). A 2xx answer delivers; any other answer,
// a timeout or a network error is retried after an exponential backoff with
// full jitter, until the attempt limit turns the delivery into a dead letter
// that an admin can redeliver. A 410 Gone pauses the endpoint (its
// deliveries wait, nothing is dropped) until an admin enables it again.
//
// Delivery is at least once: a dispatcher that dies between sending and
// recording leaves a claim whose lease lapses, and the message is sent
// again with the same webhook-id. A receiver that ignores ids it has
// already processed therefore applies every message exactly once.
//
// The package also gives receivers Verify, and the admin API NewEndpoint
// (validation and secret).
package deliver

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dajia-project/dajia/internal/store"
)

// Options configure a Dispatcher; zero fields take the defaults named.
type Options struct {
	// Client sends the requests. The default has its own transport that
	// keeps Concurrency connections per host alive and follows no
	// redirects (a redirect is a failed attempt).
	Client *http.Client
	// Now is the clock (time.Now).
	Now func() time.Time
	// Log receives operational messages (discarded).
	Log *slog.Logger
	// Jitter returns a random duration in [0, d) (uniform, math/rand/v2);
	// it spreads retries ("full jitter").
	Jitter func(d time.Duration) time.Duration
	// BatchSize is how many messages one fan-out step publishes and how
	// many deliveries one claim takes at most (256).
	BatchSize int
	// Concurrency bounds the requests in flight (64).
	Concurrency int
	// Timeout bounds one request, from dialling to the end of the answer
	// (10s).
	Timeout time.Duration
	// Lease is how long a claim holds a delivery before another dispatcher
	// may retry it (Timeout + 1m; never less than Timeout + 10s).
	Lease time.Duration
	// BackoffBase and BackoffCap shape the retry delay: before attempt n+1
	// the dispatcher waits a random time below min(BackoffCap,
	// BackoffBase·2^(n-1)) (5s and 4h).
	BackoffBase time.Duration
	BackoffCap  time.Duration
	// MaxAttempts makes a delivery dead after this many failed attempts
	// (25: with the default backoff, about a day of retries on average and
	// at most 2.2 days).
	MaxAttempts int
	// PollInterval is the longest the dispatcher sleeps between looks at
	// the database when nothing wakes it (1s).
	PollInterval time.Duration
	// Observe, when set, is called for every attempt once its outcome is
	// recorded (for metrics). Attempts abandoned at shutdown are not
	// observed.
	Observe func(Attempt)
}

// Attempt describes one finished attempt, for Options.Observe.
type Attempt struct {
	EndpointID string
	DeliveryID string
	Outcome    store.WebhookOutcome
	// Status is the HTTP status, 0 when no answer arrived.
	Status   int
	Duration time.Duration
}

// Dispatcher delivers outbox messages to webhook endpoints.
type Dispatcher struct {
	db   *store.DB
	o    Options
	wake chan struct{}
}

// New returns a dispatcher over db.
func New(db *store.DB, o Options) *Dispatcher {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Jitter == nil {
		o.Jitter = func(d time.Duration) time.Duration {
			if d <= 0 {
				return 0
			}
			return rand.N(d)
		}
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 256
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 64
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Lease <= 0 {
		o.Lease = o.Timeout + time.Minute
	}
	o.Lease = max(o.Lease, o.Timeout+10*time.Second)
	if o.BackoffBase <= 0 {
		o.BackoffBase = 5 * time.Second
	}
	if o.BackoffCap <= 0 {
		o.BackoffCap = 4 * time.Hour
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 25
	}
	if o.PollInterval <= 0 {
		o.PollInterval = time.Second
	}
	if o.Client == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = o.Concurrency
		o.Client = &http.Client{Transport: t, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	return &Dispatcher{db: db, o: o, wake: make(chan struct{}, 1)}
}

// Wake nudges a running dispatcher to look for work now, for example from
// store.Tx.AfterCommit once a transaction has enqueued a message. It never
// blocks.
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Redeliver makes a dead delivery pending again and wakes the dispatcher.
// (A service that audits the admin's action calls
// store.Tx.RedeliverWebhook in its own transaction and Wake after commit.)
func (d *Dispatcher) Redeliver(ctx context.Context, deliveryID string) error {
	err := d.db.Tx(ctx, func(tx *store.Tx) error {
		tx.AfterCommit(d.Wake)
		return tx.RedeliverWebhook(ctx, deliveryID, d.o.Now())
	})
	if err != nil {
		return fmt.Errorf("redeliver %s: %w", deliveryID, err)
	}
	return nil
}

// RunOnce does one round synchronously: it fans out every unpublished
// message, claims one batch of due deliveries, attempts them and records
// the results. It returns how many deliveries it attempted. It serves tests
// and one-shot tools; a server calls Run.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	if err := d.fanOut(ctx); err != nil {
		return 0, err
	}
	claims, err := d.db.ClaimWebhookDeliveries(ctx, d.o.Now(), d.o.Lease, d.o.BatchSize)
	if err != nil {
		return 0, err
	}
	results := make([]store.WebhookResult, len(claims))
	done := make([]bool, len(claims))
	sem := make(chan struct{}, d.o.Concurrency)
	var wg sync.WaitGroup
	for i, c := range claims {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			results[i], done[i] = d.attempt(ctx, c)
		})
	}
	wg.Wait()
	var record []store.WebhookResult
	for i, r := range results {
		if done[i] {
			record = append(record, r)
		}
	}
	if err := d.record(context.WithoutCancel(ctx), record); err != nil {
		return len(claims), err
	}
	return len(claims), ctx.Err()
}

// Run delivers until ctx is cancelled, then returns nil. Fan-out, claims
// and the recording of results run as a pipeline: a claim takes as many due
// deliveries as there are free request slots, and results are recorded in
// batches as they arrive. When ctx is cancelled, requests in flight are
// abandoned (their claims lapse after the lease and are retried); answers
// already received are still recorded.
func (d *Dispatcher) Run(ctx context.Context) error {
	type outcome struct {
		r  store.WebhookResult
		ok bool
	}
	results := make(chan outcome, d.o.Concurrency)
	freed := make(chan struct{}, 1)
	var inflight atomic.Int64
	recorderDone := make(chan struct{})
	go func() {
		defer close(recorderDone)
		batch := make([]store.WebhookResult, 0, d.o.BatchSize)
		for first := range results {
			n := 1
			batch = batch[:0]
			if first.ok {
				batch = append(batch, first.r)
			}
		drain:
			for n < d.o.BatchSize {
				select {
				case o, open := <-results:
					if !open {
						break drain
					}
					n++
					if o.ok {
						batch = append(batch, o.r)
					}
				default:
					break drain
				}
			}
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			if err := d.record(rctx, batch); err != nil {
				d.o.Log.Error("record webhook results", "err", err, "results", len(batch))
			}
			cancel()
			inflight.Add(int64(-n))
			select {
			case freed <- struct{}{}:
			default:
			}
		}
	}()

	var posters sync.WaitGroup
	timer := time.NewTimer(0)
	defer timer.Stop()
	for ctx.Err() == nil {
		if err := d.fanOut(ctx); err != nil && ctx.Err() == nil {
			d.o.Log.Error("webhook fan-out", "err", err)
		}
		wait := d.o.PollInterval
		free := d.o.Concurrency - int(inflight.Load())
		// Claim when a good share of the slots is free, so that claims
		// (write transactions) stay few and large under load.
		if free > 0 && (free >= min(d.o.BatchSize, d.o.Concurrency)/4 || inflight.Load() == 0) {
			now := d.o.Now()
			claims, err := d.db.ClaimWebhookDeliveries(ctx, now, d.o.Lease, min(free, d.o.BatchSize))
			if err != nil && ctx.Err() == nil {
				d.o.Log.Error("claim webhook deliveries", "err", err)
			}
			for _, c := range claims {
				inflight.Add(1)
				posters.Go(func() {
					r, ok := d.attempt(ctx, c)
					results <- outcome{r, ok}
				})
			}
			if err == nil && len(claims) == min(free, d.o.BatchSize) {
				// There may be more due: look again as soon as slots free.
				wait = 0
			} else if err == nil && len(claims) == 0 {
				if due, ok, err := d.db.NextWebhookDue(ctx, now); err == nil && ok {
					wait = min(wait, due.Sub(now))
				}
			}
		}
		if wait == 0 {
			if int(inflight.Load()) < d.o.Concurrency {
				continue
			}
			wait = d.o.PollInterval // saturated: wait for a slot
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
		case <-d.wake:
		case <-freed:
		case <-timer.C:
		}
		timer.Stop()
	}
	posters.Wait()
	close(results)
	<-recorderDone
	return nil
}

// record stores results and then reports them to Observe.
func (d *Dispatcher) record(ctx context.Context, results []store.WebhookResult) error {
	if err := d.db.RecordWebhookResults(ctx, results); err != nil {
		return err
	}
	if d.o.Observe != nil {
		for _, r := range results {
			d.o.Observe(Attempt{EndpointID: r.EndpointID, DeliveryID: r.DeliveryID, Outcome: r.Outcome, Status: r.Status, Duration: r.Duration})
		}
	}
	return nil
}

// fanOut publishes every unpublished message, a batch at a time.
func (d *Dispatcher) fanOut(ctx context.Context) error {
	for {
		r, err := d.db.FanOut(ctx, d.o.Now(), d.o.BatchSize)
		if err != nil || r.Messages < d.o.BatchSize {
			return err
		}
	}
}

// attempt sends one claimed delivery and decides what follows. ok is false
// when ctx was cancelled before an answer arrived: the attempt is abandoned
// and its claim left to lapse.
func (d *Dispatcher) attempt(ctx context.Context, c store.WebhookClaim) (r store.WebhookResult, ok bool) {
	start := d.o.Now()
	r = store.WebhookResult{DeliveryID: c.DeliveryID, EndpointID: c.EndpointID, LeaseUntil: c.LeaseUntil, At: start}
	status, err := d.post(ctx, c, start)
	if err != nil && ctx.Err() != nil {
		return r, false
	}
	r.Status, r.Duration = status, d.o.Now().Sub(start)
	switch n := c.Attempts + 1; {
	case err == nil:
		r.Outcome = store.OutcomeDelivered
	case status == http.StatusGone:
		r.Outcome, r.Error = store.OutcomeGone, err.Error()
	case n >= d.o.MaxAttempts:
		r.Outcome, r.Error = store.OutcomeDead, err.Error()
	default:
		r.Outcome, r.Error, r.NextAttemptAt = store.OutcomeRetry, err.Error(), start.Add(d.Backoff(n))
	}
	return r, true
}

// Backoff returns the delay before the next attempt after n failed ones: a
// random duration below min(BackoffCap, BackoffBase·2^(n-1)).
func (d *Dispatcher) Backoff(n int) time.Duration {
	ceiling := d.o.BackoffBase
	for i := 1; i < n && ceiling < d.o.BackoffCap; i++ {
		ceiling *= 2
	}
	return d.o.Jitter(min(ceiling, d.o.BackoffCap))
}

// post sends the message signed at ts. It returns the HTTP status (0
// without an answer) and an error unless the answer was 2xx.
func (d *Dispatcher) post(ctx context.Context, c store.WebhookClaim, ts time.Time) (int, error) {
	key, err := ParseSecret(c.Secret)
	if err != nil {
		return 0, err
	}
	rctx, cancel := context.WithTimeout(ctx, d.o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, c.URL, bytes.NewReader(c.Payload))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "dajia-webhooks/1")
	SetHeaders(req.Header, key, c.MessageID, ts, c.Payload)
	resp, err := d.o.Client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // let the connection be reused
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp.StatusCode, nil
	}
	return resp.StatusCode, fmt.Errorf("HTTP %d: %s", resp.StatusCode, bytes.TrimSpace(snippet))
}
