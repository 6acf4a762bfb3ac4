package stream

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

func TestParseMsgID(t *testing.T) {
	tests := []struct {
		name    string
		id      string
		listing string
		version int
		wantErr bool
	}{
		{name: "plain", id: "L1@3", listing: "L1", version: 3},
		{name: "at in listing id", id: "shop@taobao@12", listing: "shop@taobao", version: 12},
		{name: "version zero", id: "x@0", listing: "x"},
		{name: "empty", id: "", wantErr: true},
		{name: "no version", id: "L1", wantErr: true},
		{name: "empty listing", id: "@3", wantErr: true},
		{name: "bad version", id: "L1@v3", wantErr: true},
		{name: "empty version", id: "L1@", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			listing, version, err := parseMsgID(tt.id)
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseMsgID(%q) error = %v, want error %v", tt.id, err, tt.wantErr)
			}
			if err == nil && (listing != tt.listing || version != tt.version) {
				t.Errorf("parseMsgID(%q) = %q, %d, want %q, %d", tt.id, listing, version, tt.listing, tt.version)
			}
		})
	}
	for _, e := range []ListingEvent{{ListingID: "a@b", Version: 7}, {ListingID: "商品-1", Version: 0}} {
		if l, v, err := parseMsgID(e.MsgID()); err != nil || l != e.ListingID || v != e.Version {
			t.Errorf("parseMsgID(%q) = %q, %d, %v; want %q, %d", e.MsgID(), l, v, err, e.ListingID, e.Version)
		}
	}
}

func TestSubject(t *testing.T) {
	st := &Stream{cfg: StreamConfig{Shards: 4}.withDefaults()}
	shards := map[string]bool{}
	for _, e := range makeEvents("L", 200, 1) {
		s := st.Subject(e.ListingID)
		if s != st.Subject(e.ListingID) {
			t.Fatalf("Subject(%q) not stable", e.ListingID)
		}
		if !strings.HasPrefix(s, DefaultSubjectPrefix+".") {
			t.Fatalf("Subject(%q) = %q, want prefix %q", e.ListingID, s, DefaultSubjectPrefix)
		}
		shards[s] = true
	}
	if len(shards) != 4 {
		t.Errorf("200 listings spread over %d subjects, want 4: %v", len(shards), shards)
	}
}

// TestTwoWorkersShareStream publishes events and consumes them with two
// workers on their own connections sharing the consumer: each event is
// processed exactly once, and both workers take part.
func TestTwoWorkersShareStream(t *testing.T) {
	srv := startServer(t, t.TempDir())
	st := openStream(t, connect(t, srv, "api"), testStreamConfig)
	evs := makeEvents("L", 3000, 1)
	publish(t, st, evs)

	rec := newRecorder(len(evs))
	// Each worker holds its first batch until the other has one too, so
	// both are seen to share the work whatever the scheduling.
	a, b := newSignal(), newSignal()
	barrier := func(name string, mine, other *signal) Handler {
		return func(ctx context.Context, batch []ListingEvent) error {
			mine.fire()
			select {
			case <-other.ch:
			case <-ctx.Done():
				return ctx.Err()
			}
			rec.record(name, batch)
			return nil
		}
	}
	opts := ConsumerOptions{Batch: 100}
	stopA := runWorker(t, newConsumer(t, openStream(t, connect(t, srv, "worker-a"), testStreamConfig), opts), barrier("a", a, b))
	stopB := runWorker(t, newConsumer(t, openStream(t, connect(t, srv, "worker-b"), testStreamConfig), opts), barrier("b", b, a))
	rec.wait(t)
	waitPending(t, st, 0) // every event acknowledged: none can come back
	if err := stopA(); err != nil {
		t.Errorf("worker a: Run = %v", err)
	}
	if err := stopB(); err != nil {
		t.Errorf("worker b: Run = %v", err)
	}
	rec.checkAll(t, evs, true)
	if rec.byWorker["a"] == 0 || rec.byWorker["b"] == 0 {
		t.Errorf("events per worker = %v, want both > 0", rec.byWorker)
	}
}

// TestWorkersInOneProcess runs several worker goroutines of one Run.
func TestWorkersInOneProcess(t *testing.T) {
	srv := startServer(t, t.TempDir())
	st := openStream(t, connect(t, srv, "api"), testStreamConfig)
	evs := makeEvents("L", 2000, 1)
	publish(t, st, evs)
	rec := newRecorder(len(evs))
	var running, most atomic.Int32
	h := func(_ context.Context, batch []ListingEvent) error {
		n := running.Add(1)
		defer running.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		rec.record("w", batch)
		return nil
	}
	stop := runWorker(t, newConsumer(t, st, ConsumerOptions{Batch: 50, Workers: 4}), h)
	rec.wait(t)
	waitPending(t, st, 0)
	if err := stop(); err != nil {
		t.Errorf("Run = %v", err)
	}
	rec.checkAll(t, evs, true)
	if most.Load() > 4 {
		t.Errorf("%d handlers ran at once, want at most 4", most.Load())
	}
}

// TestDeduplication re-publishes listing versions: a version already
// published, also one already consumed, is dropped; a new version is not.
func TestDeduplication(t *testing.T) {
	srv := startServer(t, t.TempDir())
	st := openStream(t, connect(t, srv, "api"), testStreamConfig)
	p, err := st.Publisher(PublisherOptions{})
	if err != nil {
		t.Fatalf("Publisher: %v", err)
	}
	v1 := makeEvents("L", 100, 1)
	steps := []struct {
		name     string
		events   []ListingEvent
		consume  bool // consume everything after publishing
		wantDups int64
		pending  uint64
	}{
		{name: "first publish", events: v1, pending: 100},
		{name: "same versions again", events: v1, pending: 100, wantDups: 100},
		{name: "new versions", events: makeEvents("L", 100, 2), pending: 200, consume: true},
		{name: "consumed versions again", events: v1, pending: 0, wantDups: 100},
		{name: "mixed", events: append(makeEvents("L", 10, 2), makeEvents("L", 5, 3)...), pending: 5, wantDups: 10},
	}
	c := newConsumer(t, st, ConsumerOptions{})
	for _, s := range steps {
		before := p.Stats()
		if err := p.Publish(t.Context(), s.events); err != nil {
			t.Fatalf("%s: Publish: %v", s.name, err)
		}
		after := p.Stats()
		if got := after.Duplicates - before.Duplicates; got != s.wantDups {
			t.Errorf("%s: %d duplicates, want %d", s.name, got, s.wantDups)
		}
		if got, want := after.Stored-before.Stored, int64(len(s.events))-s.wantDups; got != want {
			t.Errorf("%s: %d stored, want %d", s.name, got, want)
		}
		waitPending(t, st, s.pending)
		if s.consume {
			rec := newRecorder(int(s.pending))
			stop := runWorker(t, c, rec.handler("w"))
			rec.wait(t)
			waitPending(t, st, 0)
			if err := stop(); err != nil {
				t.Fatalf("%s: Run = %v", s.name, err)
			}
			s.pending = 0
		}
	}
}

// TestFailingWorker makes worker A fail on its first batch in each way a
// worker can fail; worker B, started after, processes every event.
func TestFailingWorker(t *testing.T) {
	tests := []struct {
		name string
		// fail is A's handler; it fires got on its first batch.
		fail func(nc *nats.Conn, got *signal, release <-chan struct{}) Handler
		// wantRunErr: A's Run ends with an error by itself.
		wantRunErr bool
	}{
		{
			name: "handler error",
			fail: func(_ *nats.Conn, got *signal, _ <-chan struct{}) Handler {
				return func(context.Context, []ListingEvent) error {
					got.fire()
					return errors.New("database down")
				}
			},
		},
		{
			name: "never acks",
			fail: func(_ *nats.Conn, got *signal, release <-chan struct{}) Handler {
				return func(context.Context, []ListingEvent) error {
					got.fire()
					<-release // hung: ignores its context
					return nil
				}
			},
		},
		{
			name: "connection closed mid-batch",
			fail: func(nc *nats.Conn, got *signal, _ <-chan struct{}) Handler {
				return func(context.Context, []ListingEvent) error {
					nc.Close() // the worker process dies before acknowledging
					got.fire()
					return nil
				}
			},
			wantRunErr: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startServer(t, t.TempDir())
			st := openStream(t, connect(t, srv, "api"), testStreamConfig)
			evs := makeEvents("L", 500, 1)
			publish(t, st, evs)
			opts := ConsumerOptions{AckWait: time.Second, RetryDelay: 50 * time.Millisecond, Batch: 100}

			ncA := connect(t, srv, "worker-a")
			got, release := newSignal(), make(chan struct{})
			defer close(release)
			cA := newConsumer(t, openStream(t, ncA, testStreamConfig), opts)
			ctxA, cancelA := context.WithCancel(t.Context())
			defer cancelA()
			runA := make(chan error, 1)
			go func() { runA <- cA.Run(ctxA, tt.fail(ncA, got, release)) }()
			got.wait(t, "worker a's first batch")
			if tt.wantRunErr {
				select {
				case err := <-runA:
					if !errors.Is(err, nats.ErrConnectionClosed) {
						t.Errorf("worker a: Run = %v, want %v", err, nats.ErrConnectionClosed)
					}
				case <-time.After(waitLimit):
					t.Fatal("worker a: Run did not return after its connection closed")
				}
			} else {
				cancelA() // A stops fetching; a hung batch stays in its hands
			}

			rec := newRecorder(len(evs))
			runWorker(t, newConsumer(t, openStream(t, connect(t, srv, "worker-b"), testStreamConfig), opts), rec.handler("b"))
			rec.wait(t)
			rec.checkAll(t, evs, false)
		})
	}
}

// restartOpts has a short ack wait, in case stopping a worker strands an
// event in a fetch it abandoned.
var restartOpts = ConsumerOptions{Batch: 100, AckWait: 3 * time.Second, RetryDelay: 100 * time.Millisecond}

// restartEvents are published before the restart; restartOpts.Batch of
// them are consumed.
var restartEvents = makeEvents("L", 1000, 1)

// consumeFirstBatch starts a server on dir, publishes restartEvents and
// consumes exactly one batch of them, acknowledged; it returns the server,
// still running, and the message ids consumed.
func consumeFirstBatch(t *testing.T, dir string) (*Server, []string) {
	t.Helper()
	srv := startServer(t, dir)
	st := openStream(t, connect(t, srv, "api"), testStreamConfig)
	publish(t, st, restartEvents)
	rec := newRecorder(restartOpts.Batch)
	var calls atomic.Int32
	stop := runWorker(t, newConsumer(t, st, restartOpts), func(ctx context.Context, batch []ListingEvent) error {
		if calls.Add(1) > 1 {
			return errors.New("enough for now")
		}
		rec.record("w", batch)
		return nil
	})
	rec.wait(t)
	waitPending(t, st, uint64(len(restartEvents)-restartOpts.Batch))
	if err := stop(); err != nil {
		t.Fatalf("Run = %v", err)
	}
	return srv, slices.Collect(maps.Keys(rec.seen))
}

// childDirEnv tells TestRestartChild, run as a child process, its store
// directory.
const childDirEnv = "DAJIA_STREAM_TEST_CHILD_DIR"

// TestRestartChild is the process TestRestartKeepsUnconsumed kills: it
// publishes and consumes a batch, prints the ids consumed and "ready", and
// waits to be killed.
func TestRestartChild(t *testing.T) {
	dir := os.Getenv(childDirEnv)
	if dir == "" {
		t.Skip("run by TestRestartKeepsUnconsumed only")
	}
	_, consumed := consumeFirstBatch(t, dir)
	for _, id := range consumed {
		fmt.Println("consumed", id)
	}
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin) // until killed
}

// killedChild runs TestRestartChild on dir, SIGKILLs it once it is ready
// and returns the ids it consumed.
func killedChild(t *testing.T, dir string) []string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestRestartChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), childDirEnv+"="+dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start child: %v", err)
	}
	var consumed, out []string
	sc := bufio.NewScanner(stdout)
	ready := false
	for !ready && sc.Scan() {
		line := sc.Text()
		out = append(out, line)
		if id, ok := strings.CutPrefix(line, "consumed "); ok {
			consumed = append(consumed, id)
		}
		ready = line == "ready"
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatalf("kill child: %v", err)
	}
	cmd.Wait()
	if !ready {
		t.Fatalf("child never ready; stdout:\n%s\nstderr:\n%s", strings.Join(out, "\n"), stderr.String())
	}
	return consumed
}

// TestRestartKeepsUnconsumed stops the embedded server, cleanly or by
// SIGKILL, with events consumed and not, and starts it again on the same
// directory: exactly the unconsumed events are delivered.
func TestRestartKeepsUnconsumed(t *testing.T) {
	tests := []struct {
		name string
		// before runs consumeFirstBatch and stops the server.
		before func(t *testing.T, dir string) []string
	}{
		{
			name: "close",
			before: func(t *testing.T, dir string) []string {
				srv, consumed := consumeFirstBatch(t, dir)
				srv.Close()
				return consumed
			},
		},
		{name: "sigkill", before: killedChild},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			consumed := tt.before(t, dir)
			if len(consumed) != restartOpts.Batch {
				t.Fatalf("consumed %d events before the restart, want %d", len(consumed), restartOpts.Batch)
			}

			srv := startServer(t, dir)
			st := openStream(t, connect(t, srv, "worker"), testStreamConfig)
			waitPending(t, st, uint64(len(restartEvents)-len(consumed)))
			rec := newRecorder(len(restartEvents) - len(consumed))
			stop := runWorker(t, newConsumer(t, st, restartOpts), rec.handler("w"))
			rec.wait(t)
			waitPending(t, st, 0)
			if err := stop(); err != nil {
				t.Fatalf("Run = %v", err)
			}
			before := map[string]bool{}
			for _, id := range consumed {
				before[id] = true
			}
			for _, e := range restartEvents {
				n := rec.seen[e.MsgID()]
				if before[e.MsgID()] {
					n++
				}
				if n != 1 {
					t.Errorf("%s processed %d times over both runs (before the restart: %v), want 1", e.MsgID(), n, before[e.MsgID()])
				}
			}
		})
	}
}

// TestMalformedMessage: a message on the stream's subjects that is not a
// listing event is dropped, not handed over nor redelivered.
func TestMalformedMessage(t *testing.T) {
	srv := startServer(t, t.TempDir())
	nc := connect(t, srv, "api")
	st := openStream(t, nc, testStreamConfig)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := js.Publish(t.Context(), st.Subject("x"), []byte("junk")); err != nil {
		t.Fatalf("publish junk: %v", err)
	}
	evs := makeEvents("L", 3, 1)
	publish(t, st, evs)
	rec := newRecorder(len(evs))
	stop := runWorker(t, newConsumer(t, st, ConsumerOptions{}), rec.handler("w"))
	rec.wait(t)
	waitPending(t, st, 0)
	if err := stop(); err != nil {
		t.Fatalf("Run = %v", err)
	}
	rec.checkAll(t, evs, true)
}

func TestPublish(t *testing.T) {
	srv := startServer(t, t.TempDir())
	st := openStream(t, connect(t, srv, "api"), testStreamConfig)

	t.Run("back-pressure", func(t *testing.T) {
		p, err := st.Publisher(PublisherOptions{MaxInFlight: 8})
		if err != nil {
			t.Fatal(err)
		}
		evs := makeEvents("bp", 5000, 1)
		if err := p.Publish(t.Context(), evs); err != nil {
			t.Fatalf("Publish: %v", err)
		}
		if got := p.Stats(); got.Stored != int64(len(evs)) {
			t.Errorf("Stats = %+v, want %d stored", got, len(evs))
		}
	})
	t.Run("empty listing id", func(t *testing.T) {
		p, err := st.Publisher(PublisherOptions{})
		if err != nil {
			t.Fatal(err)
		}
		before, _ := st.Pending(t.Context())
		evs := append(makeEvents("e", 3, 1), ListingEvent{Version: 1})
		if err := p.Publish(t.Context(), evs); err == nil {
			t.Fatal("Publish with an empty listing id succeeded")
		}
		if after, _ := st.Pending(t.Context()); after != before {
			t.Errorf("stream went from %d to %d events, want nothing sent", before, after)
		}
	})
	t.Run("canceled", func(t *testing.T) {
		p, err := st.Publisher(PublisherOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if err := p.Publish(ctx, makeEvents("c", 10, 1)); !errors.Is(err, context.Canceled) {
			t.Errorf("Publish = %v, want %v", err, context.Canceled)
		}
	})
}

func TestEmbeddedListen(t *testing.T) {
	srv := startServer(t, t.TempDir())
	if u := srv.ClientURL(); u != "" {
		t.Errorf("ClientURL without Listen = %q, want none", u)
	}

	ctx, cancel := context.WithTimeout(t.Context(), waitLimit)
	defer cancel()
	net, err := Embedded(ctx, t.TempDir(), ServerOptions{Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatalf("Embedded: %v", err)
	}
	defer net.Close()
	u := net.ClientURL()
	if !strings.HasPrefix(u, "nats://127.0.0.1:") || strings.HasSuffix(u, ":0") || strings.HasSuffix(u, ":-1") {
		t.Fatalf("ClientURL = %q, want nats://127.0.0.1:<port>", u)
	}
	remote, err := Connect(u, "remote-worker")
	if err != nil {
		t.Fatalf("Connect(%q): %v", u, err)
	}
	defer remote.Close()
	evs := makeEvents("L", 50, 1)
	publish(t, openStream(t, connect(t, net, "api"), testStreamConfig), evs)
	rec := newRecorder(len(evs))
	stop := runWorker(t, newConsumer(t, openStream(t, remote, testStreamConfig), ConsumerOptions{}), rec.handler("remote"))
	rec.wait(t)
	if err := stop(); err != nil {
		t.Fatalf("Run = %v", err)
	}
	rec.checkAll(t, evs, true)

	if s, err := Embedded(ctx, "", ServerOptions{}); err == nil {
		s.Close()
		t.Error("Embedded without a directory succeeded")
	}
	for _, bad := range []string{"127.0.0.1", "127.0.0.1:x", "127.0.0.1:70000"} {
		if s, err := Embedded(ctx, t.TempDir(), ServerOptions{Listen: bad}); err == nil {
			s.Close()
			t.Errorf("Embedded with Listen %q succeeded", bad)
		}
	}
}
