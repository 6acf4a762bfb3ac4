package stream

import (
	"context"
	"testing"
	"time"

	"crypto/rand"
)

// externalURL is the NATS server this machine runs; the test skips when it
// does not answer.
const externalURL = "nats://127.0.0.1:4222"

// TestExternalServer runs the work queue against an external NATS server
// with JetStream, on a stream of its own that it deletes afterwards.
func TestExternalServer(t *testing.T) {
	if testing.Short() {
		t.Skip("external server test in -short mode")
	}
	nc, err := Connect(externalURL, "dajia-stream-test")
	if err != nil {
		t.Skipf("no NATS server at %s: %v", externalURL, err)
	}
	t.Cleanup(nc.Close)
	id := rand.Text()
	cfg := StreamConfig{
		Name:          "DAJIA_TEST_" + id,
		SubjectPrefix: "dajia_test." + id,
		MaxBytes:      16 << 20,
		MaxAge:        time.Hour,
	}
	st, err := Open(t.Context(), nc, cfg)
	if err != nil {
		t.Skipf("no JetStream at %s: %v", externalURL, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := st.Delete(ctx); err != nil {
			t.Errorf("Delete: %v", err)
		}
	})

	evs := makeEvents("ext", 1000, 1)
	p := publish(t, st, evs)
	if err := p.Publish(t.Context(), evs[:10]); err != nil {
		t.Fatalf("re-Publish: %v", err)
	}
	if got := p.Stats(); got.Stored != int64(len(evs)) || got.Duplicates != 10 {
		t.Errorf("Stats = %+v, want %d stored, 10 duplicates", got, len(evs))
	}

	rec := newRecorder(len(evs))
	opts := ConsumerOptions{Durable: "test", Batch: 64}
	var stops []func() error
	for _, name := range []string{"a", "b"} {
		wnc, err := Connect(externalURL, "dajia-stream-test-"+name)
		if err != nil {
			t.Fatalf("Connect: %v", err)
		}
		t.Cleanup(wnc.Close)
		stops = append(stops, runWorker(t, newConsumer(t, openStream(t, wnc, cfg), opts), rec.handler(name)))
	}
	rec.wait(t)
	waitPending(t, st, 0)
	for _, stop := range stops {
		if err := stop(); err != nil {
			t.Errorf("Run = %v", err)
		}
	}
	rec.checkAll(t, evs, true)
}
