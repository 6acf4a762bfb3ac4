// Package stream carries listing events from the API to the detection
// workers over NATS JetStream.
//
// The API (through the outbox relay) publishes one ListingEvent per listing
// version to the LISTINGS stream; detection workers in any number of
// processes share one durable pull consumer on it as a work queue, so each
// event is handed to one worker at a time and removed once acknowledged.
//
// In `dajia serve` the NATS server runs inside the process (Embedded) with
// JetStream on local disk; at scale the same code talks to an external NATS
// cluster (Connect) and `dajia worker` processes are added to keep up.
//
// Delivery is at least once, end to end:
//   - the publisher returns only when JetStream has stored (acknowledged)
//     every event, so the relay marks outbox rows published after that;
//     a relay that crashes before marking re-publishes, and JetStream drops
//     the copy by its message id "<listing id>@<version>" within the
//     stream's duplicate window;
//   - a worker acknowledges a batch only after its handler succeeded; a
//     batch whose handler failed, or whose worker died or hung, is
//     delivered again (to any worker) after a delay or the ack wait.
//
// So a handler can see a listing version more than once and must be
// idempotent per (listing id, version): the detection handler stores its
// leads unique per (listing, version).
package stream

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// ListingEvent is one version of one listing that changed: what the
// `listing.changed` outbox message carries.
type ListingEvent struct {
	// ListingID is the marketplace's listing id; it must not be empty.
	ListingID string
	// Version is the listing's version; (ListingID, Version) identifies the
	// event and de-duplicates it.
	Version int
	// Payload is the outbox message JSON: the listing document.
	Payload []byte
}

// MsgID is the event's JetStream message id, "<listing id>@<version>",
// by which the stream drops re-published copies.
func (e ListingEvent) MsgID() string {
	return e.ListingID + "@" + strconv.Itoa(e.Version)
}

// parseMsgID splits a message id made by ListingEvent.MsgID. Listing ids may
// contain '@'; the version follows the last one.
func parseMsgID(id string) (string, int, error) {
	at := strings.LastIndexByte(id, '@')
	if at <= 0 {
		return "", 0, fmt.Errorf("message id %q: want <listing id>@<version>", id)
	}
	v, err := strconv.Atoi(id[at+1:])
	if err != nil {
		return "", 0, fmt.Errorf("message id %q: bad version", id)
	}
	return id[:at], v, nil
}

// Defaults of StreamConfig.
const (
	DefaultStreamName    = "LISTINGS"
	DefaultSubjectPrefix = "listings.changed"
	DefaultShards        = 16
	DefaultMaxAge        = 7 * 24 * time.Hour
	DefaultMaxBytes      = 4 << 30
	DefaultDuplicates    = 2 * time.Minute
)

// StreamConfig describes the listing stream. Zero fields take the defaults
// above; every process sharing a stream must use the same values.
type StreamConfig struct {
	// Name of the JetStream stream (DefaultStreamName).
	Name string
	// SubjectPrefix: events go to "<prefix>.<shard>" (DefaultSubjectPrefix).
	// It must not overlap another stream's subjects.
	SubjectPrefix string
	// Shards is the number of subjects events are spread over by a hash of
	// the listing id (DefaultShards). All versions of a listing share a
	// shard, so consumers filtering on disjoint shards could later divide
	// the work by listing; today one consumer takes all shards.
	Shards int
	// MaxAge is how long an unconsumed event is kept (DefaultMaxAge): the
	// longest time all workers may be down without losing events.
	MaxAge time.Duration
	// MaxBytes caps the stream's size on disk (DefaultMaxBytes). When it is
	// full new events are refused, and Publish fails, rather than old
	// unconsumed ones being dropped.
	MaxBytes int64
	// Duplicates is the window in which a re-published message id is
	// dropped (DefaultDuplicates). The server keeps every id of the window
	// in memory, so at 20,000 events/s two minutes hold 2.4 million ids.
	Duplicates time.Duration
	// Replicas is the number of copies in a cluster (1 when zero); the
	// embedded server has one node and allows only 1.
	Replicas int
}

func (c StreamConfig) withDefaults() StreamConfig {
	if c.Name == "" {
		c.Name = DefaultStreamName
	}
	if c.SubjectPrefix == "" {
		c.SubjectPrefix = DefaultSubjectPrefix
	}
	if c.Shards <= 0 {
		c.Shards = DefaultShards
	}
	if c.MaxAge <= 0 {
		c.MaxAge = DefaultMaxAge
	}
	if c.MaxBytes <= 0 {
		c.MaxBytes = DefaultMaxBytes
	}
	if c.Duplicates <= 0 {
		c.Duplicates = DefaultDuplicates
	}
	if c.Replicas <= 0 {
		c.Replicas = 1
	}
	return c
}

// Stream is the listing stream, opened on one NATS connection.
type Stream struct {
	nc  *nats.Conn
	js  jetstream.JetStream
	cfg StreamConfig
}

// Open creates the stream described by cfg, or updates it to cfg, on the
// server nc is connected to. The stream is a work queue: a message is
// removed once the consumer has acknowledged it. Open does not close nc.
func Open(ctx context.Context, nc *nats.Conn, cfg StreamConfig) (*Stream, error) {
	cfg = cfg.withDefaults()
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("open stream %s: %w", cfg.Name, err)
	}
	_, err = js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        cfg.Name,
		Description: "dajia listing versions to score (work queue)",
		Subjects:    []string{cfg.SubjectPrefix + ".*"},
		Retention:   jetstream.WorkQueuePolicy,
		Storage:     jetstream.FileStorage,
		Discard:     jetstream.DiscardNew,
		MaxAge:      cfg.MaxAge,
		MaxBytes:    cfg.MaxBytes,
		Duplicates:  cfg.Duplicates,
		Replicas:    cfg.Replicas,
	})
	if err != nil {
		return nil, fmt.Errorf("open stream %s: %w", cfg.Name, err)
	}
	return &Stream{nc: nc, js: js, cfg: cfg}, nil
}

// Config is the stream's configuration, defaults filled in.
func (s *Stream) Config() StreamConfig { return s.cfg }

// Subject is the subject an event for listingID is published on.
func (s *Stream) Subject(listingID string) string {
	h := fnv.New32a()
	h.Write([]byte(listingID))
	return s.cfg.SubjectPrefix + "." + strconv.Itoa(int(h.Sum32()%uint32(s.cfg.Shards)))
}

// Pending is the number of events stored and not yet acknowledged.
func (s *Stream) Pending(ctx context.Context) (uint64, error) {
	st, err := s.js.Stream(ctx, s.cfg.Name)
	if err != nil {
		return 0, fmt.Errorf("stream %s: %w", s.cfg.Name, err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("stream %s info: %w", s.cfg.Name, err)
	}
	return info.State.Msgs, nil
}

// Delete removes the stream, its consumers and its messages from the server.
func (s *Stream) Delete(ctx context.Context) error {
	if err := s.js.DeleteStream(ctx, s.cfg.Name); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
		return fmt.Errorf("delete stream %s: %w", s.cfg.Name, err)
	}
	return nil
}
