package stream_test

import (
	"context"
	"log"
	"log/slog"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/dajia-project/dajia/internal/stream"
)

// A `dajia serve` process: the NATS server runs inside it, the outbox relay
// publishes listing events and detection workers consume them.
func Example_serve() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	logger := slog.Default()

	srv, err := stream.Embedded(ctx, filepath.Join("data", "nats"), stream.ServerOptions{
		Listen: "127.0.0.1:4223", // optional: lets `dajia worker --nats nats://127.0.0.1:4223` join
		Logger: logger,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	nc, err := srv.Connect("dajia-serve")
	if err != nil {
		log.Fatal(err)
	}
	defer nc.Close()
	st, err := stream.Open(ctx, nc, stream.StreamConfig{})
	if err != nil {
		log.Fatal(err)
	}

	// Outbox relay: publish a batch of listing.changed messages, then mark
	// them published.
	pub, err := st.Publisher(stream.PublisherOptions{})
	if err != nil {
		log.Fatal(err)
	}
	events := []stream.ListingEvent{{ListingID: "L1", Version: 3, Payload: []byte(`{"id":"L1"}`)}}
	if err := pub.Publish(ctx, events); err != nil {
		log.Fatal(err) // leave the rows unmarked; the next round publishes them again
	}

	// Detection workers.
	cons, err := st.Consumer(ctx, stream.ConsumerOptions{Workers: 2, Logger: logger})
	if err != nil {
		log.Fatal(err)
	}
	err = cons.Run(ctx, func(ctx context.Context, batch []stream.ListingEvent) error {
		// Score each listing and store its leads, unique per (listing, version).
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
}

// A `dajia worker --nats nats://…` process joining a NATS cluster.
func Example_worker() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	nc, err := stream.Connect("nats://nats-1:4222,nats://nats-2:4222,nats://nats-3:4222", "dajia-worker")
	if err != nil {
		log.Fatal(err)
	}
	defer nc.Close()
	st, err := stream.Open(ctx, nc, stream.StreamConfig{Replicas: 3})
	if err != nil {
		log.Fatal(err)
	}
	cons, err := st.Consumer(ctx, stream.ConsumerOptions{Workers: 4})
	if err != nil {
		log.Fatal(err)
	}
	if err := cons.Run(ctx, func(ctx context.Context, batch []stream.ListingEvent) error {
		return nil
	}); err != nil {
		log.Fatal(err)
	}
}
