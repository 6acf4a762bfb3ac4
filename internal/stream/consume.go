package stream

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Handler processes a batch of events. It returns nil only when every
// event of the batch is done (its results stored); the batch is then
// acknowledged and removed from the stream. An error delivers the whole
// batch again later, so a handler reports only failures worth retrying
// (the database is down) and deals with a bad listing itself (skips it,
// records it). A handler sees an event again after redelivery and must be
// idempotent per (ListingID, Version). ctx ends when the batch's ack wait
// is over.
type Handler func(ctx context.Context, events []ListingEvent) error

// Defaults of ConsumerOptions.
const (
	DefaultDurable       = "detect"
	DefaultAckWait       = 30 * time.Second
	DefaultMaxAckPending = 8192
	DefaultBatch         = 256
	DefaultFetchWait     = 5 * time.Second
	DefaultRetryDelay    = 2 * time.Second

	flushTimeout = 5 * time.Second
)

// ConsumerOptions configures the shared consumer and this process's
// workers on it; zero fields take the defaults.
type ConsumerOptions struct {
	// Durable names the consumer (DefaultDurable). Every worker of every
	// process that shares the work uses the same name; a work-queue stream
	// allows only one consumer over its subjects. The consumer's settings
	// (AckWait, MaxAckPending) are those of the process that opened it
	// last, so all processes should use the same.
	Durable string
	// AckWait is how long a delivered batch may go unacknowledged before it
	// is delivered again to any worker (DefaultAckWait): the time a dead or
	// hung worker delays its batch, and the most a handler may take.
	AckWait time.Duration
	// MaxAckPending bounds the events delivered and not yet acknowledged
	// over all workers (DefaultMaxAckPending); when reached, the server
	// holds further events back until some are acknowledged.
	MaxAckPending int
	// Batch is the most events handed to one handler call (DefaultBatch).
	Batch int
	// Workers is the number of goroutines of this process fetching and
	// handling batches concurrently (1 when zero).
	Workers int
	// FetchWait is how long an idle worker waits for an event before it
	// asks again (DefaultFetchWait); it bounds nothing else.
	FetchWait time.Duration
	// RetryDelay is how long a batch whose handler failed waits before it
	// is delivered again, and how long its worker, and a worker whose fetch
	// failed, waits before fetching again (DefaultRetryDelay).
	RetryDelay time.Duration
	// Logger receives handler and fetch failures; nil discards them.
	Logger *slog.Logger
}

func (o ConsumerOptions) withDefaults() ConsumerOptions {
	if o.Durable == "" {
		o.Durable = DefaultDurable
	}
	if o.AckWait <= 0 {
		o.AckWait = DefaultAckWait
	}
	if o.MaxAckPending <= 0 {
		o.MaxAckPending = DefaultMaxAckPending
	}
	if o.Batch <= 0 {
		o.Batch = DefaultBatch
	}
	if o.Batch > o.MaxAckPending {
		o.Batch = o.MaxAckPending
	}
	if o.Workers <= 0 {
		o.Workers = 1
	}
	if o.FetchWait <= 0 {
		o.FetchWait = DefaultFetchWait
	}
	if o.RetryDelay <= 0 {
		o.RetryDelay = DefaultRetryDelay
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Consumer is this process's handle on the durable pull consumer that all
// detection workers share as a work queue: each event goes to one worker
// at a time, and stays in the stream until a worker acknowledges it.
type Consumer struct {
	nc   *nats.Conn
	c    jetstream.Consumer
	opts ConsumerOptions
	log  *slog.Logger
}

// Consumer creates the shared durable consumer, or updates it to opts, and
// returns a handle on it. Events are acknowledged one by one (explicit
// acks) and delivered again without limit until acknowledged.
func (s *Stream) Consumer(ctx context.Context, opts ConsumerOptions) (*Consumer, error) {
	opts = opts.withDefaults()
	c, err := s.js.CreateOrUpdateConsumer(ctx, s.cfg.Name, jetstream.ConsumerConfig{
		Durable:       opts.Durable,
		Description:   "dajia detection workers",
		DeliverPolicy: jetstream.DeliverAllPolicy,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       opts.AckWait,
		MaxDeliver:    -1,
		MaxAckPending: opts.MaxAckPending,
	})
	if err != nil {
		return nil, fmt.Errorf("consumer %s on %s: %w", opts.Durable, s.cfg.Name, err)
	}
	return &Consumer{nc: s.nc, c: c, opts: opts, log: opts.Logger.With("stream", s.cfg.Name, "consumer", opts.Durable)}, nil
}

// Run fetches batches and hands them to h on opts.Workers goroutines (so h
// may run concurrently with itself) until ctx ends, then lets the batches
// in hand finish and returns nil. It returns an error only when it cannot
// go on: the connection was closed or the consumer deleted. Run waits for
// the handlers in progress, so a handler that ignores its context delays
// it (its batch is delivered again after the ack wait all the same). Run
// may be called several times, also concurrently.
func (c *Consumer) Run(ctx context.Context, h Handler) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, c.opts.Workers)
	var wg sync.WaitGroup
	for i := range c.opts.Workers {
		wg.Go(func() {
			if err := c.work(ctx, h); err != nil {
				errs[i] = err
				cancel()
			}
		})
	}
	wg.Wait()
	// Acks and naks are sent without waiting for the server; make sure the
	// last ones arrived, or their events would wait for the ack wait.
	if err := c.nc.FlushTimeout(flushTimeout); err != nil && !c.nc.IsClosed() {
		c.log.Warn("flush acks failed", "err", err)
	}
	return errors.Join(errs...)
}

// work is one worker's loop.
func (c *Consumer) work(ctx context.Context, h Handler) error {
	for ctx.Err() == nil {
		msgs, err := c.fetch(ctx)
		if len(msgs) > 0 && !c.handle(ctx, msgs, h) {
			c.pause(ctx) // do not spin through the stream while h fails
		}
		if err != nil && ctx.Err() == nil {
			if fatal(err) {
				return fmt.Errorf("fetch from %s: %w", c.opts.Durable, err)
			}
			c.log.Warn("fetch failed", "err", err)
			c.pause(ctx)
		}
	}
	return nil
}

// fatal tells errors after which a worker cannot go on.
func fatal(err error) bool {
	return errors.Is(err, nats.ErrConnectionClosed) ||
		errors.Is(err, jetstream.ErrConnectionClosed) ||
		errors.Is(err, jetstream.ErrConsumerDeleted) ||
		errors.Is(err, jetstream.ErrConsumerNotFound)
}

// pause waits RetryDelay or until ctx ends.
func (c *Consumer) pause(ctx context.Context) {
	t := time.NewTimer(c.opts.RetryDelay)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// fetch returns the next batch: whatever is waiting, up to Batch events, at
// once; when nothing is, it waits up to FetchWait for a first event and
// then takes whatever has arrived with it. Each fetch delivers only what
// this worker will handle now, so no event waits in a worker's buffer while
// its ack wait runs.
func (c *Consumer) fetch(ctx context.Context) ([]jetstream.Msg, error) {
	msgs, err := collect(c.c.FetchNoWait(c.opts.Batch))
	if len(msgs) > 0 || err != nil {
		return msgs, err
	}
	wctx, cancel := context.WithTimeout(ctx, c.opts.FetchWait)
	msgs, err = collect(c.c.Fetch(1, jetstream.FetchContext(wctx)))
	cancel()
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		err = nil
	}
	if len(msgs) == 0 || err != nil || c.opts.Batch == 1 {
		return msgs, err
	}
	more, err := collect(c.c.FetchNoWait(c.opts.Batch - 1))
	return append(msgs, more...), err
}

// collect drains a fetch.
func collect(b jetstream.MessageBatch, err error) ([]jetstream.Msg, error) {
	if err != nil {
		return nil, err
	}
	var msgs []jetstream.Msg
	for m := range b.Messages() {
		msgs = append(msgs, m)
	}
	return msgs, b.Error()
}

// handle runs h on a batch and acknowledges it, or schedules its
// redelivery when h fails, and reports whether h succeeded. The batch is
// finished even when ctx ends meanwhile, within the ack wait.
func (c *Consumer) handle(ctx context.Context, msgs []jetstream.Msg, h Handler) bool {
	events := make([]ListingEvent, 0, len(msgs))
	valid := make([]jetstream.Msg, 0, len(msgs))
	for _, m := range msgs {
		id, v, err := parseMsgID(m.Headers().Get(jetstream.MsgIDHeader))
		if err != nil {
			// Not ours: no redelivery can fix it.
			c.log.Error("dropping malformed event", "subject", m.Subject(), "err", err)
			if err := m.Term(); err != nil {
				c.log.Warn("term failed", "err", err)
			}
			continue
		}
		events = append(events, ListingEvent{ListingID: id, Version: v, Payload: m.Data()})
		valid = append(valid, m)
	}
	if len(events) == 0 {
		return true
	}
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.opts.AckWait)
	err := h(hctx, events)
	cancel()
	if err != nil {
		c.log.Error("handler failed, batch will be delivered again", "events", len(events), "first", events[0].MsgID(), "err", err)
		for _, m := range valid {
			if err := m.NakWithDelay(c.opts.RetryDelay); err != nil {
				// The ack wait will bring it back.
				c.log.Warn("nak failed", "err", err)
				break
			}
		}
		return false
	}
	for _, m := range valid {
		if err := m.Ack(); err != nil {
			// Unacknowledged events come back after the ack wait and the
			// handler, idempotent, does them again.
			c.log.Warn("ack failed", "err", err)
			break
		}
	}
	return true
}
