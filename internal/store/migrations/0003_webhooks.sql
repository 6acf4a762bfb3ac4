-- Webhooks: how outbox messages reach the marketplace. The dispatcher's
-- fan-out step gives every committed outbox message a place in the feed (a
-- gap-free sequence in publication order, the pull feed's cursor) and one
-- delivery per subscribed endpoint, and marks the message published, all in
-- one transaction.

-- An endpoint's secret (whsec_...) is kept as-is, because the dispatcher
-- signs with it; it is returned once, at creation, and never read back by
-- the API.
CREATE TABLE webhook_endpoints (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES organizations (id),
    url             TEXT NOT NULL,
    secret          TEXT NOT NULL,
    topics          TEXT NOT NULL,
    description     TEXT NOT NULL,
    enabled         INTEGER NOT NULL,
    disabled_reason TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    deleted_at      BIGINT
);
CREATE INDEX webhook_endpoints_org ON webhook_endpoints (org_id, id);

-- The feed: publication order of outbox messages. feed_head holds the last
-- sequence number; fan-out locks it first, so fan-outs are serialised and a
-- reader never sees a gap that a slower transaction fills later.
CREATE TABLE feed (
    seq        BIGINT PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE REFERENCES outbox (id),
    kind       TEXT NOT NULL
);
CREATE INDEX feed_kind ON feed (kind, seq);

CREATE TABLE feed_head (
    id  INTEGER PRIMARY KEY,
    seq BIGINT NOT NULL
);
INSERT INTO feed_head (id, seq) VALUES (1, 0);

-- One delivery per (message, endpoint). state: pending, waiting, delivered,
-- dead. While pending, next_attempt_at is when it is due; a claim moves it
-- to the end of the claimant's lease, so a crashed dispatcher's claim falls
-- due again. A delivery waits while an earlier one (by seq, the feed
-- position) of the same object to the same endpoint is open; finishing that
-- one makes the next waiting one pending, so an endpoint receives one
-- object's messages in order.
CREATE TABLE webhook_deliveries (
    id              TEXT PRIMARY KEY,
    message_id      TEXT NOT NULL REFERENCES outbox (id),
    endpoint_id     TEXT NOT NULL REFERENCES webhook_endpoints (id),
    seq             BIGINT NOT NULL,
    object_id       TEXT NOT NULL,
    state           TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    last_status     INTEGER NOT NULL,
    last_error      TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    delivered_at    BIGINT,
    UNIQUE (message_id, endpoint_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, seq) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_pending_object ON webhook_deliveries (object_id, endpoint_id) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_waiting ON webhook_deliveries (object_id, endpoint_id, seq) WHERE state = 'waiting';
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);

-- Every attempt, for the admin UI. status is the HTTP status, 0 when no
-- response arrived.
CREATE TABLE webhook_attempts (
    id          TEXT PRIMARY KEY,
    delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id),
    at          BIGINT NOT NULL,
    status      INTEGER NOT NULL,
    error       TEXT NOT NULL,
    duration_us BIGINT NOT NULL
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);
