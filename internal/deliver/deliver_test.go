package deliver_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/dajia-project/dajia/internal/deliver"
	"github.com/dajia-project/dajia/internal/registry"
	"github.com/dajia-project/dajia/internal/store"
	"github.com/dajia-project/dajia/internal/store/storetest"
)

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// clock is a test clock that moves only when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: t0} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// receiver is a marketplace webhook handler that verifies signatures and
// dedupes by webhook-id: it applies a message the first time it processes
// its id and acknowledges repeats without applying them again.
type receiver struct {
	t      *testing.T
	secret string
	clock  *clock
	// answer decides the response to the n-th receipt (from 1) of an id;
	// process says whether the receiver processes it (applies it if new).
	answer func(w http.ResponseWriter, r *http.Request, id string, n int) (status int, process bool)

	mu       sync.Mutex
	receipts map[string]int
	applied  map[string]int
	bodies   map[string]string
	bad      []string
	changed  chan struct{}
	srv      *httptest.Server
}

func newReceiver(t *testing.T, c *clock, answer func(w http.ResponseWriter, r *http.Request, id string, n int) (int, bool)) *receiver {
	t.Helper()
	if answer == nil {
		answer = func(http.ResponseWriter, *http.Request, string, int) (int, bool) { return http.StatusNoContent, true }
	}
	rc := &receiver{t: t, clock: c, answer: answer, receipts: map[string]int{}, applied: map[string]int{}, bodies: map[string]string{},
		changed: make(chan struct{}, 1)}
	rc.srv = httptest.NewServer(http.HandlerFunc(rc.serve))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	id := r.Header.Get("webhook-id")
	rc.mu.Lock()
	if err := deliver.Verify(rc.secret, r.Header, body, rc.clock.Now(), 0); err != nil || r.Method != http.MethodPost ||
		r.Header.Get("Content-Type") != "application/json" {
		rc.bad = append(rc.bad, fmt.Sprintf("%s %s: %v", r.Method, id, err))
	}
	rc.receipts[id]++
	n := rc.receipts[id]
	rc.mu.Unlock()
	status, process := rc.answer(w, r, id, n)
	rc.mu.Lock()
	if process {
		// Dedupe by id: a repeat is acknowledged, not applied again.
		if _, dup := rc.applied[id]; !dup {
			rc.applied[id] = 1
			rc.bodies[id] = string(body)
		}
	}
	rc.mu.Unlock()
	select {
	case rc.changed <- struct{}{}:
	default:
	}
	if status != 0 {
		w.WriteHeader(status)
	}
}

// waitFor waits until cond holds over the receiver's state.
func (rc *receiver) waitFor(what string, cond func(receipts, applied map[string]int) bool) {
	rc.t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		rc.mu.Lock()
		ok := cond(rc.receipts, rc.applied)
		rc.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-rc.changed:
		case <-deadline:
			rc.t.Fatalf("timed out waiting until %s", what)
		}
	}
}

// count returns how often id was received.
func (rc *receiver) count(id string) int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.receipts[id]
}

// body returns the body of id as first applied.
func (rc *receiver) body(id string) string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.bodies[id]
}

// check fails the test unless every id was applied (once: the receiver
// dedupes) and every request was well signed.
func (rc *receiver) check(ids []string) {
	rc.t.Helper()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.bad) > 0 {
		rc.t.Errorf("badly signed requests: %v", rc.bad)
	}
	for _, id := range ids {
		if rc.applied[id] != 1 {
			rc.t.Errorf("message %s: applied %d times, want exactly once", id, rc.applied[id])
		}
	}
	if len(rc.applied) != len(ids) {
		rc.t.Errorf("got %d distinct messages applied, want %d", len(rc.applied), len(ids))
	}
}

// world makes the marketplace organisation and one endpoint per receiver
// (endpoint ids whe_0, whe_1, ...), subscribed to topics.
func world(t *testing.T, db *store.DB, topics [][]string, rcs ...*receiver) {
	t.Helper()
	ctx := context.Background()
	err := db.Tx(ctx, func(tx *store.Tx) error {
		o := registry.Organisation{ID: "org_market", Kind: registry.KindPlatform, LegalName: "Marketplace", Country: "CN",
			State: registry.OrgVerified, Documents: []registry.DocRef{}, CreatedAt: t0, UpdatedAt: t0}
		if err := tx.InsertOrg(ctx, o); err != nil {
			return err
		}
		for i, rc := range rcs {
			e, secret, err := deliver.NewEndpoint("org_market", rc.srv.URL+"/hooks", topics[i], "", t0)
			if err != nil {
				return err
			}
			e.ID = fmt.Sprintf("whe_%d", i)
			rc.secret = secret
			if err := tx.InsertWebhookEndpoint(ctx, e, secret); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// actions commits n enforcement actions on distinct listings.
func actions(t *testing.T, db *store.DB, at time.Time, n int) []string {
	t.Helper()
	ctx := context.Background()
	var ids []string
	for start := 0; start < n; start += 1000 {
		err := db.Tx(ctx, func(tx *store.Tx) error {
			for i := start; i < min(n, start+1000); i++ {
				m, err := tx.Enqueue(ctx, "action.remove_listing", fmt.Sprintf("L-%d", i),
					fmt.Appendf(nil, `{"type":"remove_listing","listing_id":"L-%d","reason":"counterfeit"}`, i), at)
				if err != nil {
					return err
				}
				ids = append(ids, m.ID)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

func delivery(t *testing.T, db *store.DB, messageID string) store.WebhookDelivery {
	t.Helper()
	ds, _, err := db.WebhookDeliveries(context.Background(), store.DeliveryFilter{MessageID: messageID, History: true}, store.Page{})
	if err != nil || len(ds) != 1 {
		t.Fatalf("deliveries of %s: got %d, %v; want 1", messageID, len(ds), err)
	}
	return ds[0]
}

func runOnce(t *testing.T, d *deliver.Dispatcher) int {
	t.Helper()
	n, err := d.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// identity makes the backoff deterministic: always the ceiling.
func identity(d time.Duration) time.Duration { return d }

func TestDeliversSignedMessagesOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newClock()
		rc := newReceiver(t, c, nil)
		events := newReceiver(t, c, nil)
		world(t, db, [][]string{{"action.*"}, {"organization.*"}}, rc, events)
		ids := actions(t, db, t0, 5)
		var other string
		db.Tx(context.Background(), func(tx *store.Tx) error {
			m, err := tx.Enqueue(context.Background(), "organization.review", "org_x", []byte(`{"type":"organization.review"}`), t0)
			other = m.ID
			return err
		})
		d := deliver.New(db, deliver.Options{Now: c.Now})
		if n := runOnce(t, d); n != 6 {
			t.Fatalf("first round: got %d attempts, want 6", n)
		}
		if n := runOnce(t, d); n != 0 {
			t.Fatalf("second round: got %d attempts, want 0", n)
		}
		rc.check(ids)
		events.check([]string{other})
		if got, want := rc.body(ids[2]), `{"type":"remove_listing","listing_id":"L-2","reason":"counterfeit"}`; got != want {
			t.Errorf("body: got %s, want %s", got, want)
		}
		dl := delivery(t, db, ids[0])
		if dl.State != store.DeliveryDelivered || dl.Attempts != 1 || dl.LastStatus != 204 || !dl.DeliveredAt.Equal(t0) {
			t.Errorf("delivery: got %+v, want delivered on the first attempt", dl)
		}
	})
}

func TestRetriesWithExponentialBackoff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newClock()
		rc := newReceiver(t, c, func(http.ResponseWriter, *http.Request, string, int) (int, bool) {
			return http.StatusServiceUnavailable, false
		})
		world(t, db, [][]string{{"*"}}, rc)
		ids := actions(t, db, t0, 1)
		d := deliver.New(db, deliver.Options{Now: c.Now, Jitter: identity, BackoffBase: time.Second, BackoffCap: 8 * time.Second, MaxAttempts: 6})
		// Delays after attempts 1..5; the sixth attempt is the last.
		wantDelays := []time.Duration{1 * time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second}
		for i, want := range wantDelays {
			if n := runOnce(t, d); n != 1 {
				t.Fatalf("attempt %d: got %d attempts, want 1", i+1, n)
			}
			dl := delivery(t, db, ids[0])
			if got := dl.NextAttemptAt.Sub(c.Now()); dl.State != store.DeliveryPending || dl.Attempts != i+1 || got != want {
				t.Fatalf("after attempt %d: got %s, %d attempts, next in %v; want pending, next in %v", i+1, dl.State, dl.Attempts, got, want)
			}
			c.Advance(want - time.Millisecond)
			if n := runOnce(t, d); n != 0 {
				t.Fatalf("before the retry is due: got %d attempts, want 0", n)
			}
			c.Advance(time.Millisecond)
		}
		runOnce(t, d)
		dl := delivery(t, db, ids[0])
		if dl.State != store.DeliveryDead || dl.Attempts != 6 || len(dl.History) != 6 || dl.LastStatus != 503 || dl.LastError == "" {
			t.Fatalf("after the last attempt: got %+v, want a dead letter with 6 attempts", dl)
		}
		c.Advance(time.Hour)
		if n := runOnce(t, d); n != 0 {
			t.Fatalf("dead letter: got %d attempts, want 0", n)
		}
		if got := rc.count(ids[0]); got != 6 {
			t.Errorf("receiver: got %d receipts, want 6", got)
		}
	})
}

func TestBackoffFullJitter(t *testing.T) {
	d := deliver.New(nil, deliver.Options{BackoffBase: time.Second, BackoffCap: time.Minute})
	tests := []struct {
		n       int
		ceiling time.Duration
	}{{1, time.Second}, {2, 2 * time.Second}, {4, 8 * time.Second}, {6, 32 * time.Second}, {7, time.Minute}, {100, time.Minute}}
	for _, tt := range tests {
		seen := map[time.Duration]bool{}
		for range 200 {
			got := d.Backoff(tt.n)
			if got < 0 || got >= tt.ceiling {
				t.Fatalf("Backoff(%d): got %v, want within [0, %v)", tt.n, got, tt.ceiling)
			}
			seen[got] = true
		}
		if len(seen) < 100 {
			t.Errorf("Backoff(%d): got %d distinct delays in 200, want them spread", tt.n, len(seen))
		}
	}
}

func TestDeadLetterRedelivered(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newClock()
		var mu sync.Mutex
		up := false
		rc := newReceiver(t, c, func(http.ResponseWriter, *http.Request, string, int) (int, bool) {
			mu.Lock()
			defer mu.Unlock()
			if up {
				return http.StatusOK, true
			}
			return http.StatusBadGateway, false
		})
		world(t, db, [][]string{{"action.*"}}, rc)
		ids := actions(t, db, t0, 3)
		d := deliver.New(db, deliver.Options{Now: c.Now, Jitter: identity, BackoffBase: time.Second, MaxAttempts: 2})
		runOnce(t, d)
		c.Advance(time.Second)
		runOnce(t, d)
		for _, id := range ids {
			if dl := delivery(t, db, id); dl.State != store.DeliveryDead || dl.Attempts != 2 {
				t.Fatalf("got %+v, want a dead letter after 2 attempts", dl)
			}
		}
		mu.Lock()
		up = true
		mu.Unlock()
		c.Advance(time.Hour)
		if n := runOnce(t, d); n != 0 {
			t.Fatalf("dead letters: got %d attempts, want none until redelivered", n)
		}
		dead := delivery(t, db, ids[1])
		if err := d.Redeliver(context.Background(), dead.ID); err != nil {
			t.Fatal(err)
		}
		if n := runOnce(t, d); n != 1 {
			t.Fatalf("after redelivery: got %d attempts, want 1", n)
		}
		if dl := delivery(t, db, ids[1]); dl.State != store.DeliveryDelivered || dl.Attempts != 1 || len(dl.History) != 3 {
			t.Fatalf("after redelivery: got %+v, want delivered with 3 attempts in its history", dl)
		}
		var n int
		db.Tx(context.Background(), func(tx *store.Tx) (err error) {
			n, err = tx.RedeliverDeadWebhooks(context.Background(), "whe_0", c.Now())
			return err
		})
		if n != 2 || runOnce(t, d) != 2 {
			t.Fatalf("redelivering the rest: got %d, want 2", n)
		}
		rc.check(ids)
	})
}

func TestGonePausesEndpoint(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newClock()
		var mu sync.Mutex
		gone := true
		rc := newReceiver(t, c, func(http.ResponseWriter, *http.Request, string, int) (int, bool) {
			mu.Lock()
			defer mu.Unlock()
			if gone {
				return http.StatusGone, false
			}
			return http.StatusOK, true
		})
		world(t, db, [][]string{{"action.*"}}, rc)
		ids := actions(t, db, t0, 2)
		d := deliver.New(db, deliver.Options{Now: c.Now, Concurrency: 1})
		runOnce(t, d)
		e, _ := db.WebhookEndpoint(ctx, "whe_0")
		if e.Enabled {
			t.Fatalf("after 410: got %+v, want the endpoint paused", e)
		}
		c.Advance(time.Hour)
		if n := runOnce(t, d); n != 0 {
			t.Fatalf("paused endpoint: got %d attempts, want 0", n)
		}
		mu.Lock()
		gone = false
		mu.Unlock()
		e.Enabled, e.DisabledReason = true, ""
		if err := db.Tx(ctx, func(tx *store.Tx) error { return tx.UpdateWebhookEndpoint(ctx, e) }); err != nil {
			t.Fatal(err)
		}
		runOnce(t, d)
		rc.check(ids)
	})
}

// recorded counts the attempts a dispatcher has recorded, by outcome, and
// lets a test wait for the store to reach a state.
type recorded struct {
	mu       sync.Mutex
	outcomes map[store.WebhookOutcome]int
	byNode   map[string]int
	changed  chan struct{}
}

func newRecorded() *recorded {
	return &recorded{outcomes: map[store.WebhookOutcome]int{}, byNode: map[string]int{}, changed: make(chan struct{}, 1)}
}

func (r *recorded) observe(a deliver.Attempt) { r.observer("")(a) }

// observer observes the attempts of one dispatcher (node).
func (r *recorded) observer(node string) func(deliver.Attempt) {
	return func(a deliver.Attempt) {
		r.mu.Lock()
		r.outcomes[a.Outcome]++
		r.byNode[node]++
		r.mu.Unlock()
		select {
		case r.changed <- struct{}{}:
		default:
		}
	}
}

// waitPending waits until no delivery is pending.
func (r *recorded) waitPending(t *testing.T, db *store.DB) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		left, _, err := db.WebhookDeliveries(context.Background(), store.DeliveryFilter{State: store.DeliveryPending}, store.Page{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(left) == 0 {
			return
		}
		select {
		case <-r.changed:
		case <-deadline:
			t.Fatalf("timed out waiting for %d+ pending deliveries to be recorded", len(left))
		}
	}
}

// run starts d.Run and returns a function that stops it and waits.
func run(t *testing.T, d *deliver.Dispatcher) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	return func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}
}

func TestRunRetriesUntilAccepted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newClock()
		// The receiver fails the first receipt of every message.
		rc := newReceiver(t, c, func(_ http.ResponseWriter, _ *http.Request, _ string, n int) (int, bool) {
			if n == 1 {
				return http.StatusInternalServerError, false
			}
			return http.StatusOK, true
		})
		world(t, db, [][]string{{"action.*"}}, rc)
		const n = 200
		ids := actions(t, db, t0, n)
		rec := newRecorded()
		d := deliver.New(db, deliver.Options{Now: c.Now, Jitter: identity, BackoffBase: time.Minute, Concurrency: 16, BatchSize: 32,
			PollInterval: 20 * time.Millisecond, Observe: rec.observe})
		stop := run(t, d)
		d.Wake()
		rc.waitFor("every message was refused once", func(receipts, _ map[string]int) bool { return len(receipts) == n })
		c.Advance(time.Minute)
		d.Wake()
		rc.waitFor("every message was applied", func(_, applied map[string]int) bool { return len(applied) == n })
		rec.waitPending(t, db)
		stop()
		if got := rec.outcomes[store.OutcomeRetry]; got != n {
			t.Errorf("got %d retries recorded, want %d", got, n)
		}
		rc.check(ids)
		for _, id := range ids[:5] {
			if dl := delivery(t, db, id); dl.State != store.DeliveryDelivered || dl.Attempts != 2 {
				t.Errorf("got %+v, want delivered on the second attempt", dl)
			}
		}
	})
}

func TestCrashBetweenClaimAndRecord(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newClock()
		ctx, crash := context.WithCancel(context.Background())
		var once sync.Once
		// The first request is processed, then the dispatcher "crashes"
		// before the answer reaches it: its context is cancelled while
		// the receiver holds the request.
		rc := newReceiver(t, c, func(_ http.ResponseWriter, r *http.Request, _ string, n int) (int, bool) {
			first := false
			once.Do(func() { first = true })
			if first {
				crash()
				<-r.Context().Done()
				return 0, true
			}
			return http.StatusOK, true
		})
		world(t, db, [][]string{{"action.*"}}, rc)
		const n = 100
		ids := actions(t, db, t0, n)
		opts := deliver.Options{Now: c.Now, Concurrency: 8, BatchSize: 16, PollInterval: 20 * time.Millisecond}
		if err := deliver.New(db, opts).Run(ctx); err != nil {
			t.Fatal(err)
		}
		pending, _, _ := db.WebhookDeliveries(context.Background(), store.DeliveryFilter{State: store.DeliveryPending}, store.Page{Limit: 500})
		if len(pending) == 0 {
			t.Fatal("after the crash: got no pending deliveries, want the interrupted ones")
		}
		// A restarted dispatcher retries the interrupted claims once their
		// lease has lapsed.
		rec := newRecorded()
		opts.Observe = rec.observe
		d := deliver.New(db, opts)
		stop := run(t, d)
		c.Advance(2 * time.Minute)
		d.Wake()
		rc.waitFor("every message was applied", func(_, applied map[string]int) bool { return len(applied) == n })
		rec.waitPending(t, db)
		stop()
		rc.check(ids)
		redelivered := 0
		for _, id := range ids {
			if rc.count(id) > 1 {
				redelivered++
			}
		}
		if redelivered == 0 {
			t.Error("got no message received twice, want the interrupted one sent again")
		}
	})
}

func TestTwoDispatchersNeverDoubleDeliver(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			db, dsn := storetest.Open(t, e)
			second := db
			if dsn != "" {
				// Another node: its own connection pool.
				var err error
				if second, err = store.Open(context.Background(), dsn, ""); err != nil {
					t.Fatal(err)
				}
				defer second.Close()
			}
			c := newClock()
			rc := newReceiver(t, c, nil)
			world(t, db, [][]string{{"action.*"}}, rc)
			const n = 1000
			ids := actions(t, db, t0, n)
			rec := newRecorded()
			opts := func(node string) deliver.Options {
				return deliver.Options{Now: c.Now, Concurrency: 16, BatchSize: 32, PollInterval: 10 * time.Millisecond, Observe: rec.observer(node)}
			}
			d1, d2 := deliver.New(db, opts("one")), deliver.New(second, opts("two"))
			stop1, stop2 := run(t, d1), run(t, d2)
			d1.Wake()
			d2.Wake()
			rc.waitFor("every message was applied", func(_, applied map[string]int) bool { return len(applied) == n })
			rec.waitPending(t, db)
			stop1()
			stop2()
			rc.check(ids)
			for _, id := range ids {
				if k := rc.count(id); k != 1 {
					t.Errorf("message %s: received %d times within its lease, want once", id, k)
				}
			}
			t.Logf("attempts by node: %v", rec.byNode)
		})
	}
}

func TestWakeAfterCommit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newClock()
		rc := newReceiver(t, c, nil)
		world(t, db, [][]string{{"action.*"}}, rc)
		rec := newRecorded()
		// Without a wake-up the dispatcher would not look again for an hour.
		d := deliver.New(db, deliver.Options{Now: c.Now, PollInterval: time.Hour, Observe: rec.observe})
		stop := run(t, d)
		defer stop()
		// The second message is committed while the dispatcher idles.
		var ids []string
		for i := range 2 {
			var id string
			err := db.Tx(context.Background(), func(tx *store.Tx) error {
				tx.AfterCommit(d.Wake)
				m, err := tx.Enqueue(context.Background(), "action.warn_seller", fmt.Sprint("S-", i), []byte(`{"type":"warn_seller"}`), c.Now())
				id = m.ID
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
			rc.waitFor("the message was applied", func(_, applied map[string]int) bool { return applied[id] == 1 })
			rec.waitPending(t, db)
		}
		rc.check(ids)
	})
}
