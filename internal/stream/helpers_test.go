package stream

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

// waitLimit bounds every wait in the tests; nothing should come near it.
const waitLimit = 20 * time.Second

// testStreamConfig keeps the stream small enough for any test machine.
var testStreamConfig = StreamConfig{MaxBytes: 64 << 20}

func startServer(t testing.TB, dir string) *Server {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), waitLimit)
	defer cancel()
	s, err := Embedded(ctx, dir, ServerOptions{})
	if err != nil {
		t.Fatalf("Embedded: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func connect(t testing.TB, s *Server, name string) *nats.Conn {
	t.Helper()
	nc, err := s.Connect(name)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(nc.Close)
	return nc
}

func openStream(t testing.TB, nc *nats.Conn, cfg StreamConfig) *Stream {
	t.Helper()
	st, err := Open(t.Context(), nc, cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return st
}

func newConsumer(t testing.TB, st *Stream, opts ConsumerOptions) *Consumer {
	t.Helper()
	c, err := st.Consumer(t.Context(), opts)
	if err != nil {
		t.Fatalf("Consumer: %v", err)
	}
	return c
}

// makeEvents returns n events for listings "<prefix>-0" … with version v.
func makeEvents(prefix string, n, v int) []ListingEvent {
	evs := make([]ListingEvent, n)
	for i := range evs {
		id := fmt.Sprintf("%s-%d", prefix, i)
		evs[i] = ListingEvent{
			ListingID: id,
			Version:   v,
			Payload:   fmt.Appendf(nil, `{"id":%q,"title":"Nike Air 高仿 %d","price":{"amount":"199.00","currency":"CNY"}}`, id, i),
		}
	}
	return evs
}

func publish(t testing.TB, st *Stream, evs []ListingEvent) *Publisher {
	t.Helper()
	p, err := st.Publisher(PublisherOptions{})
	if err != nil {
		t.Fatalf("Publisher: %v", err)
	}
	if err := p.Publish(t.Context(), evs); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	return p
}

// recorder counts what handlers processed, by message id and by worker.
type recorder struct {
	mu       sync.Mutex
	want     int
	seen     map[string]int
	payloads map[string]string
	byWorker map[string]int
	done     chan struct{}
}

// newRecorder returns a recorder whose done closes once want distinct events
// were processed.
func newRecorder(want int) *recorder {
	return &recorder{
		want:     want,
		seen:     map[string]int{},
		payloads: map[string]string{},
		byWorker: map[string]int{},
		done:     make(chan struct{}),
	}
}

// handler records batches as processed by worker.
func (r *recorder) handler(worker string) Handler {
	return func(_ context.Context, evs []ListingEvent) error {
		r.record(worker, evs)
		return nil
	}
}

func (r *recorder) record(worker string, evs []ListingEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	before := len(r.seen)
	for _, e := range evs {
		r.seen[e.MsgID()]++
		r.payloads[e.MsgID()] = string(e.Payload)
		r.byWorker[worker]++
	}
	if before < r.want && len(r.seen) >= r.want {
		close(r.done)
	}
}

func (r *recorder) wait(t testing.TB) {
	t.Helper()
	select {
	case <-r.done:
	case <-time.After(waitLimit):
		r.mu.Lock()
		defer r.mu.Unlock()
		t.Fatalf("processed %d distinct events, want %d", len(r.seen), r.want)
	}
}

// checkAll fails unless every event of evs was processed, with its payload,
// at least once and, if exactly, exactly once.
func (r *recorder) checkAll(t testing.TB, evs []ListingEvent, exactly bool) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.seen) != len(evs) {
		t.Errorf("processed %d distinct events, want %d", len(r.seen), len(evs))
	}
	for _, e := range evs {
		n := r.seen[e.MsgID()]
		switch {
		case n == 0:
			t.Errorf("%s never processed", e.MsgID())
		case exactly && n != 1:
			t.Errorf("%s processed %d times, want 1", e.MsgID(), n)
		}
		if got := r.payloads[e.MsgID()]; n > 0 && got != string(e.Payload) {
			t.Errorf("%s payload = %s, want %s", e.MsgID(), got, e.Payload)
		}
	}
}

// runWorker runs c.Run(ctx, h) in the background; stop cancels it and
// returns Run's result. Cleanup stops it too.
func runWorker(t testing.TB, c *Consumer, h Handler) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	res := make(chan error, 1)
	go func() { res <- c.Run(ctx, h) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-res:
			case <-time.After(waitLimit):
				err = fmt.Errorf("Run did not return %s after its context ended", waitLimit)
			}
		})
		return err
	}
	t.Cleanup(func() { stop() })
	return stop
}

// waitPending polls until the stream holds want unacknowledged events.
func waitPending(t testing.TB, st *Stream, want uint64) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		got, err := st.Pending(t.Context())
		if err != nil {
			t.Fatalf("Pending: %v", err)
		}
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("stream holds %d events, want %d", got, want)
		}
		time.Sleep(10 * time.Millisecond) // polling interval, not a wait for a result
	}
}

// signal closes ch once, however often it is called.
type signal struct {
	once sync.Once
	ch   chan struct{}
}

func newSignal() *signal { return &signal{ch: make(chan struct{})} }

func (s *signal) fire() { s.once.Do(func() { close(s.ch) }) }

func (s *signal) wait(t testing.TB, what string) {
	t.Helper()
	select {
	case <-s.ch:
	case <-time.After(waitLimit):
		t.Fatalf("timed out waiting for %s", what)
	}
}
