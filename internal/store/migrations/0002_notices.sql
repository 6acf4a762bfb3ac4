-- Notice and takedown: notices, one item case per (notice × listing), the
-- durable timers that carry legal deadlines, strikes, statements of
-- reasons, organisation inboxes and the ECL Art. 44 public register.

CREATE TABLE notices (
    id                TEXT PRIMARY KEY,
    notifier_org_id   TEXT NOT NULL REFERENCES organizations (id),
    filed_by_org_id   TEXT NOT NULL REFERENCES organizations (id),
    infringement_type TEXT NOT NULL,
    item_count        INTEGER NOT NULL,
    doc               TEXT NOT NULL,
    received_at       BIGINT NOT NULL
);
CREATE INDEX notices_notifier ON notices (notifier_org_id, id);
CREATE INDEX notices_filer ON notices (filed_by_org_id, id);

CREATE TABLE items (
    id              TEXT PRIMARY KEY,
    notice_id       TEXT NOT NULL,      -- '' for a platform-initiated case
    listing_id      TEXT NOT NULL,
    listing_version INTEGER NOT NULL,
    right_id        TEXT NOT NULL,
    seller_id       TEXT NOT NULL,
    seller_org_id   TEXT NOT NULL,
    notifier_org_id TEXT NOT NULL,      -- '' for a platform-initiated case
    state           TEXT NOT NULL,
    open            INTEGER NOT NULL,   -- 1 while the case is not terminal
    duplicate_of    TEXT NOT NULL,
    trusted         INTEGER NOT NULL,   -- trusted lane: reviewed first
    profiles        TEXT NOT NULL,      -- ",cn-ecl,eu-dsa,"
    sla_due_at      BIGINT NOT NULL,    -- review deadline while under review, else 0
    claimed_by      TEXT NOT NULL,
    claimed_until   BIGINT NOT NULL,
    rev             INTEGER NOT NULL,   -- bumped on every change: stale forms are refused
    doc             TEXT NOT NULL,
    received_at     BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX items_notice ON items (notice_id, id);
CREATE INDEX items_listing_right ON items (listing_id, right_id, open);
CREATE INDEX items_seller ON items (seller_org_id, id);
CREATE INDEX items_notifier ON items (notifier_org_id, id);
CREATE INDEX items_queue ON items (state, trusted, sla_due_at);

-- Every deadline as an absolute instant with the calendar and rule that
-- produced it. The scheduler fires a pending timer once: the status change
-- commits together with the case transition it causes.
CREATE TABLE timers (
    id               TEXT PRIMARY KEY,
    item_id          TEXT NOT NULL REFERENCES items (id) DEFERRABLE INITIALLY DEFERRED,
    kind             TEXT NOT NULL,
    profile          TEXT NOT NULL,
    due_at           BIGINT NOT NULL,
    latest_at        BIGINT NOT NULL,
    calendar         TEXT NOT NULL,
    calendar_version TEXT NOT NULL,
    rule             TEXT NOT NULL,
    rule_ref         TEXT NOT NULL,
    status           TEXT NOT NULL,     -- pending | fired | cancelled
    fired_at         BIGINT NOT NULL,
    created_at       BIGINT NOT NULL
);
CREATE INDEX timers_due ON timers (status, due_at);
CREATE INDEX timers_item ON timers (item_id);

CREATE TABLE strikes (
    id            TEXT PRIMARY KEY,
    seller_id     TEXT NOT NULL,
    seller_org_id TEXT NOT NULL,
    item_id       TEXT NOT NULL REFERENCES items (id) DEFERRABLE INITIALLY DEFERRED,
    profile       TEXT NOT NULL,
    status        TEXT NOT NULL,        -- provisional | confirmed | voided
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    UNIQUE (item_id, profile)
);
CREATE INDEX strikes_seller ON strikes (seller_id, status);

CREATE TABLE statements (
    id            TEXT PRIMARY KEY,
    item_id       TEXT NOT NULL REFERENCES items (id) DEFERRABLE INITIALLY DEFERRED,
    seller_org_id TEXT NOT NULL,
    profile       TEXT NOT NULL,
    doc           TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX statements_item ON statements (item_id);

-- What each organisation is told, with the exact text and template version.
CREATE TABLE inbox (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL,
    item_id    TEXT NOT NULL,
    template   TEXT NOT NULL,
    doc        TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    read_at    BIGINT NOT NULL
);
CREATE INDEX inbox_org ON inbox (org_id, id);

-- ECL Art. 44: notices, declarations and results, published with natural
-- persons masked.
CREATE TABLE register (
    id           TEXT PRIMARY KEY,
    item_id      TEXT NOT NULL,
    kind         TEXT NOT NULL,
    doc          TEXT NOT NULL,
    published_at BIGINT NOT NULL
);

-- Escalation steps taken against sellers (repeat infringers) and notifiers
-- (misuse), so that each threshold acts once and warnings come first.
CREATE TABLE sanctions (
    id         TEXT PRIMARY KEY,
    party      TEXT NOT NULL,   -- seller | notifier
    subject_id TEXT NOT NULL,   -- seller id or notifier organisation id
    profile    TEXT NOT NULL,
    action     TEXT NOT NULL,
    level      INTEGER NOT NULL,
    item_id    TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX sanctions_subject ON sanctions (party, subject_id, created_at);
