-- The marketplace's catalogue as dajia sees it: sellers (each linked to a
-- dajia seller organisation), their identifiers as keyed hashes only, and
-- listings with every version they ever had.

CREATE TABLE sellers (
    id           TEXT PRIMARY KEY,       -- the marketplace's seller id
    org_id       TEXT NOT NULL REFERENCES organizations (id),
    name         TEXT NOT NULL,
    country      TEXT NOT NULL,
    region       TEXT NOT NULL,
    doc          TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX sellers_org ON sellers (org_id);

-- Keyed hashes (HMAC-SHA256) of normalised identifiers, for linking sellers
-- into networks; raw values are never stored. A hash a seller no longer
-- sends is retired, not deleted: networks are built from history too.
CREATE TABLE seller_identifiers (
    seller_id     TEXT NOT NULL REFERENCES sellers (id),
    kind          TEXT NOT NULL,
    hash          TEXT NOT NULL,
    first_seen_at BIGINT NOT NULL,
    retired_at    BIGINT,
    PRIMARY KEY (seller_id, kind, hash)
);
CREATE INDEX seller_identifiers_hash ON seller_identifiers (kind, hash);

-- The current version of each listing, with the columns that are queried.
-- seller_id is not a foreign key: listings may arrive before their seller.
-- The current document is read from listing_versions by (id, version).
CREATE TABLE listings (
    id                TEXT PRIMARY KEY,  -- the marketplace's listing id
    seller_id         TEXT NOT NULL,
    version           INTEGER NOT NULL,
    content_hash      TEXT NOT NULL,
    title             TEXT NOT NULL,
    brand             TEXT NOT NULL,
    category          TEXT NOT NULL,
    price_e4          BIGINT NOT NULL,   -- ten-thousandths of the currency unit
    currency          TEXT NOT NULL,
    markets           TEXT NOT NULL,     -- ",CN,US," (empty when unknown)
    ship_from_country TEXT NOT NULL,
    ship_from_region  TEXT NOT NULL,
    updated_at        BIGINT NOT NULL,   -- the marketplace's updated_at of this version
    received_at       BIGINT NOT NULL
);
CREATE INDEX listings_seller ON listings (seller_id, id);

-- Every version a listing had: what it said when it was reported is evidence.
CREATE TABLE listing_versions (
    listing_id   TEXT NOT NULL REFERENCES listings (id),
    version      INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    doc          TEXT NOT NULL,
    updated_at   BIGINT NOT NULL,
    received_at  BIGINT NOT NULL,
    PRIMARY KEY (listing_id, version)
);
