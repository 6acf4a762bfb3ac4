package stream

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// benchPayload is a listing document of a realistic size (~0.8 KB).
func benchPayload(id string) []byte {
	return fmt.Appendf(nil, `{"id":%q,"seller_id":"S-%s","title":"耐克 Nike Air Max 270 男鞋 运动鞋 高品质 原单","description":%q,`+
		`"price":{"amount":"199.00","currency":"CNY"},"category":"shoes","brand":"Nike",`+
		`"images":[{"url":"https://img.example.com/%s/1.jpg","sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","pdq":"f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"}],`+
		`"url":"https://shop.example.com/item/%s","ship_from":{"country":"CN","region":"440300","city":"深圳"},"updated_at":"2026-11-26T12:00:00Z"}`,
		id, id, strings.Repeat("正品保证 专柜同款 free shipping ", 8), id, id)
}

// BenchmarkEndToEnd publishes b.N listing events in API-sized batches of
// 1,000 and consumes them concurrently with workers on their own
// connections (the way detection workers run), measuring from the first
// publish until the last event has been handled and acknowledged.
//
//	go test -run '^$' -bench EndToEnd -benchtime 200000x ./internal/stream
func BenchmarkEndToEnd(b *testing.B) {
	for _, bc := range []struct{ workers, batch int }{{1, 256}, {2, 256}, {4, 256}, {2, 1024}} {
		b.Run(fmt.Sprintf("workers=%d/batch=%d", bc.workers, bc.batch), func(b *testing.B) {
			benchEndToEnd(b, bc.workers, bc.batch)
		})
	}
}

func benchEndToEnd(b *testing.B, workers, batch int) {
	const apiBatch = 1000
	srv := startServer(b, b.TempDir())
	cfg := StreamConfig{MaxBytes: 2 << 30}
	st := openStream(b, connect(b, srv, "api"), cfg)
	p, err := st.Publisher(PublisherOptions{})
	if err != nil {
		b.Fatal(err)
	}
	evs := make([]ListingEvent, b.N)
	var bytes int64
	for i := range evs {
		id := fmt.Sprintf("L%09d", i)
		evs[i] = ListingEvent{ListingID: id, Version: 1, Payload: benchPayload(id)}
		bytes += int64(len(evs[i].Payload))
	}
	var handled atomic.Int64
	done := make(chan struct{})
	h := func(_ context.Context, batch []ListingEvent) error {
		if handled.Add(int64(len(batch))) == int64(b.N) {
			close(done)
		}
		return nil
	}
	opts := ConsumerOptions{Batch: batch, MaxAckPending: 4 * batch * workers}
	b.SetBytes(bytes / int64(b.N))
	b.ResetTimer()
	cpu0 := cpuTime(b)
	start := time.Now()
	for w := range workers {
		runWorker(b, newConsumer(b, openStream(b, connect(b, srv, fmt.Sprintf("worker-%d", w)), cfg), opts), h)
	}
	for i := 0; i < len(evs); i += apiBatch {
		if err := p.Publish(b.Context(), evs[i:min(i+apiBatch, len(evs))]); err != nil {
			b.Fatal(err)
		}
	}
	published := time.Since(start)
	select {
	case <-done:
	case <-time.After(5 * time.Minute):
		b.Fatalf("handled %d of %d events", handled.Load(), b.N)
	}
	elapsed := time.Since(start)
	cpu := cpuTime(b) - cpu0
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
	// CPU per event (publisher, server and workers all in this process) is
	// what the machine's other load does not change.
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/event")
	b.ReportMetric(float64(b.N)/published.Seconds(), "published/s")
}

// cpuTime is the CPU time (user and system) this process has used.
func cpuTime(b *testing.B) time.Duration {
	b.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkPublish measures publishing alone, in batches of 1,000.
//
//	go test -run '^$' -bench Publish -benchtime 200000x ./internal/stream
func BenchmarkPublish(b *testing.B) {
	srv := startServer(b, b.TempDir())
	st := openStream(b, connect(b, srv, "api"), StreamConfig{MaxBytes: 2 << 30})
	p, err := st.Publisher(PublisherOptions{})
	if err != nil {
		b.Fatal(err)
	}
	evs := make([]ListingEvent, b.N)
	for i := range evs {
		id := fmt.Sprintf("L%09d", i)
		evs[i] = ListingEvent{ListingID: id, Version: 1, Payload: benchPayload(id)}
	}
	b.SetBytes(int64(len(evs[0].Payload)))
	b.ResetTimer()
	cpu0 := cpuTime(b)
	for i := 0; i < len(evs); i += 1000 {
		if err := p.Publish(b.Context(), evs[i:min(i+1000, len(evs))]); err != nil {
			b.Fatal(err)
		}
	}
	cpu := cpuTime(b) - cpu0
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/event")
}
