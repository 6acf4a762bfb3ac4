-- Detection leads: a listing version that scored as a suspected counterfeit,
-- with the evidence behind the score, for investigators to triage (confirm,
-- dismiss, or send to the brand). One lead per listing version: processing
-- the same version again never makes a second one. The label (counterfeit
-- or not, and who said so) feeds the rule backtests.
CREATE TABLE leads (
    id                 TEXT PRIMARY KEY,
    run_id             TEXT NOT NULL,     -- the detection run (rule set version) that produced it
    listing_id         TEXT NOT NULL,
    listing_version    INTEGER NOT NULL,
    listing_title      TEXT NOT NULL,
    seller_id          TEXT NOT NULL,
    seller_org_id      TEXT NOT NULL,     -- '' while the seller is not known to dajia
    brand_id           TEXT NOT NULL,     -- the protection profile's brand id
    brand_owner_org_id TEXT,              -- the rights holder owning the brand; NULL when unknown
    score              INTEGER NOT NULL,
    verdict            TEXT NOT NULL,
    outcome            TEXT NOT NULL,
    signals            TEXT NOT NULL,     -- JSON array of detect.Signal
    rules              TEXT NOT NULL,     -- JSON array of detect.RuleHit
    state              TEXT NOT NULL,     -- open, confirmed, dismissed, sent_to_brand, brand_confirmed, brand_rejected
    counterfeit        INTEGER,           -- the label: 1, 0, NULL while unknown
    label_source       TEXT NOT NULL,     -- reviewer, brand, test_purchase ('' while unknown)
    labelled_at        BIGINT NOT NULL,
    sent_by            TEXT NOT NULL,
    sent_at            BIGINT NOT NULL,   -- when it was sent to the brand, else 0
    send_note          TEXT NOT NULL,
    decided_by         TEXT NOT NULL,     -- the investigator, or the brand's user who answered
    decided_at         BIGINT NOT NULL,
    reason             TEXT NOT NULL,
    item_id            TEXT NOT NULL,     -- the platform-initiated item opened for it, else ''
    rev                INTEGER NOT NULL,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);
CREATE UNIQUE INDEX leads_listing_version ON leads (listing_id, listing_version);
CREATE INDEX leads_queue ON leads (state, score DESC, created_at, id);
CREATE INDEX leads_brand ON leads (brand_id, state, score DESC);
CREATE INDEX leads_brand_owner ON leads (brand_owner_org_id, sent_at);
CREATE INDEX leads_labelled ON leads (labelled_at) WHERE counterfeit IS NOT NULL;
