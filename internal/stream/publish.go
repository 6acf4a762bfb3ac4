package stream

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Defaults of PublisherOptions.
const (
	DefaultMaxInFlight = 4096
	DefaultAckTimeout  = 10 * time.Second
)

// PublisherOptions tunes a Publisher; zero fields take the defaults.
type PublisherOptions struct {
	// MaxInFlight bounds the messages sent and not yet acknowledged by
	// JetStream, over all concurrent Publish calls (DefaultMaxInFlight).
	// When it is reached Publish waits for acknowledgements: back-pressure
	// from a slow or busy server reaches the caller.
	MaxInFlight int
	// AckTimeout is how long one message may wait for its acknowledgement
	// before Publish fails (DefaultAckTimeout).
	AckTimeout time.Duration
}

// Publisher publishes listing events to the stream asynchronously, many
// in flight at once. It is safe for concurrent use.
type Publisher struct {
	js        jetstream.JetStream
	s         *Stream
	published atomic.Int64
	dups      atomic.Int64
}

// PublishStats counts a Publisher's acknowledged messages.
type PublishStats struct {
	// Stored is the number of events JetStream stored.
	Stored int64
	// Duplicates is the number of events JetStream acknowledged without
	// storing them, because their message id was already in its
	// duplicate window.
	Duplicates int64
}

// Publisher returns a publisher to the stream. It shares the stream's
// connection; close that connection only after the last Publish returned.
func (s *Stream) Publisher(opts PublisherOptions) (*Publisher, error) {
	if opts.MaxInFlight <= 0 {
		opts.MaxInFlight = DefaultMaxInFlight
	}
	if opts.AckTimeout <= 0 {
		opts.AckTimeout = DefaultAckTimeout
	}
	js, err := jetstream.New(s.nc,
		jetstream.WithPublishAsyncMaxPending(opts.MaxInFlight),
		jetstream.WithPublishAsyncTimeout(opts.AckTimeout))
	if err != nil {
		return nil, fmt.Errorf("publisher for %s: %w", s.cfg.Name, err)
	}
	return &Publisher{js: js, s: s}, nil
}

// Publish sends events and returns when JetStream has acknowledged every
// one of them: stored it, or recognised its message id as a duplicate.
// Only then may the caller consider them published. On error some events
// may be stored and others not; publishing the same events again is safe,
// as copies within the duplicate window are dropped.
//
// An event with an empty listing id fails the call before anything is sent.
func (p *Publisher) Publish(ctx context.Context, events []ListingEvent) error {
	for i, e := range events {
		if e.ListingID == "" {
			return fmt.Errorf("publish event %d: empty listing id", i)
		}
	}
	futures := make([]jetstream.PubAckFuture, 0, len(events))
	var sendErr error
	for _, e := range events {
		m := &nats.Msg{
			Subject: p.s.Subject(e.ListingID),
			Data:    e.Payload,
			Header:  nats.Header{jetstream.MsgIDHeader: []string{e.MsgID()}},
		}
		f, err := p.send(ctx, m)
		if err != nil {
			sendErr = fmt.Errorf("publish %s: %w", e.MsgID(), err)
			break
		}
		futures = append(futures, f)
	}
	// Wait for every message sent, even after a failed send, so that the
	// count of failures is right and nothing is left unobserved.
	var failed int
	var firstErr error
	for _, f := range futures {
		select {
		case ack := <-f.Ok():
			if ack.Duplicate {
				p.dups.Add(1)
			} else {
				p.published.Add(1)
			}
		case err := <-f.Err():
			failed++
			if firstErr == nil {
				firstErr = fmt.Errorf("publish %s: %w", f.Msg().Header.Get(jetstream.MsgIDHeader), err)
			}
		case <-ctx.Done():
			return fmt.Errorf("publish %d events: %w", len(events), ctx.Err())
		}
	}
	switch {
	case sendErr != nil:
		return sendErr
	case failed > 1:
		return fmt.Errorf("%d of %d events not acknowledged, first: %w", failed, len(events), firstErr)
	default:
		return firstErr
	}
}

// send publishes m asynchronously, waiting while MaxInFlight messages are
// unacknowledged, until ctx ends.
func (p *Publisher) send(ctx context.Context, m *nats.Msg) (jetstream.PubAckFuture, error) {
	for {
		f, err := p.js.PublishMsgAsync(m, jetstream.WithStallWait(100*time.Millisecond))
		if !errors.Is(err, jetstream.ErrTooManyStalledMsgs) {
			return f, err
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
}

// Stats counts the events acknowledged so far.
func (p *Publisher) Stats() PublishStats {
	return PublishStats{Stored: p.published.Load(), Duplicates: p.dups.Load()}
}
