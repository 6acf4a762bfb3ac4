-- Foundation: tenants, people, keys, sessions, evidence, IP rights registry,
-- authorisations, the audit chain, the outbox and idempotency records.
-- Portable SQL for SQLite and PostgreSQL: TEXT ids, BIGINT instants in
-- microseconds since the Unix epoch (UTC), JSON documents in TEXT.

CREATE TABLE organizations (
    id                  TEXT PRIMARY KEY,
    kind                TEXT NOT NULL,
    state               TEXT NOT NULL,
    legal_name          TEXT NOT NULL,
    country             TEXT NOT NULL,
    registration_number TEXT NOT NULL,
    doc                 TEXT NOT NULL,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);
CREATE INDEX organizations_kind_state ON organizations (kind, state, id);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organizations (id),
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled_at   BIGINT,
    created_at    BIGINT NOT NULL
);
CREATE INDEX users_org ON users (org_id, id);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations (id),
    role         TEXT NOT NULL,
    name         TEXT NOT NULL,
    secret_hash  TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    revoked_at   BIGINT,
    last_used_at BIGINT
);
CREATE INDEX api_keys_org ON api_keys (org_id, id);

CREATE TABLE documents (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations (id),
    sha256      TEXT NOT NULL,
    size        BIGINT NOT NULL,
    media_type  TEXT NOT NULL,
    filename    TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX documents_org ON documents (org_id, id);
CREATE INDEX documents_sha256 ON documents (sha256);

CREATE TABLE rights (
    id           TEXT PRIMARY KEY,
    owner_org_id TEXT NOT NULL REFERENCES organizations (id),
    type         TEXT NOT NULL,
    state        TEXT NOT NULL,
    office       TEXT NOT NULL,
    reg_number   TEXT NOT NULL,
    expires_on   TEXT NOT NULL,
    doc          TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX rights_owner ON rights (owner_org_id, id);
CREATE INDEX rights_state ON rights (state, id);
-- One live claim per registration: a rejected or revoked claim frees it.
CREATE UNIQUE INDEX rights_registration ON rights (type, office, reg_number)
    WHERE reg_number <> '' AND state IN ('submitted', 'verified');

CREATE TABLE authorizations (
    id               TEXT PRIMARY KEY,
    agent_org_id     TEXT NOT NULL REFERENCES organizations (id),
    principal_org_id TEXT NOT NULL REFERENCES organizations (id),
    state            TEXT NOT NULL,
    valid_until      TEXT NOT NULL,
    doc              TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX authorizations_agent ON authorizations (agent_org_id, state);
CREATE INDEX authorizations_principal ON authorizations (principal_org_id, state);

CREATE TABLE audit_log (
    seq          BIGINT PRIMARY KEY,
    at           BIGINT NOT NULL,
    actor_id     TEXT NOT NULL,
    actor_org_id TEXT NOT NULL,
    automated    INTEGER NOT NULL,
    action       TEXT NOT NULL,
    object_type  TEXT NOT NULL,
    object_id    TEXT NOT NULL,
    org_id       TEXT NOT NULL,
    before_state TEXT NOT NULL,
    after_state  TEXT NOT NULL,
    reason       TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE INDEX audit_object ON audit_log (object_type, object_id, seq);
CREATE INDEX audit_actor ON audit_log (actor_id, seq);

-- The head of the chain; appending locks this one row, which orders appends.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY,
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Messages leave dajia only through the outbox, written in the same
-- transaction as the change that causes them.
CREATE TABLE outbox (
    id           TEXT PRIMARY KEY,
    topic        TEXT NOT NULL,
    object_id    TEXT NOT NULL,
    payload      TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    published_at BIGINT
);
CREATE INDEX outbox_unpublished ON outbox (published_at, id);

CREATE TABLE idempotency_keys (
    scope        TEXT NOT NULL,
    key          TEXT NOT NULL,
    method       TEXT NOT NULL,
    path         TEXT NOT NULL,
    body_hash    TEXT NOT NULL,
    status       INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    response     TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (scope, key)
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
