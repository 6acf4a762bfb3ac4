package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dajia-project/dajia/internal/catalog"
)

// --- listings ---

// ListingVersion is one stored version of a listing.
type ListingVersion struct {
	Listing    catalog.Listing
	Version    int
	ReceivedAt time.Time
	// Current is the listing's current version number and SellerID its
	// current seller (who may see every version).
	Current  int
	SellerID string
}

// ListingVersionInfo describes a stored version without its document.
type ListingVersionInfo struct {
	Version     int       `json:"version"`
	ContentHash string    `json:"content_hash"`
	UpdatedAt   time.Time `json:"updated_at"`
	ReceivedAt  time.Time `json:"received_at"`
}

// ListingHeadsForUpdate loads and locks the current versions of the listings
// with these ids; ids not stored are absent from the map. Rows are locked in
// id order.
func (tx *Tx) ListingHeadsForUpdate(ctx context.Context, ids []string) (map[string]catalog.Head, error) {
	out := make(map[string]catalog.Head, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	w := where{}
	w.in("id", ids)
	rows, err := tx.q.QueryContext(ctx, `SELECT id, version, content_hash, updated_at FROM listings`+w.sql()+` ORDER BY id`+tx.d.forUpdate, w.args...)
	if err != nil {
		return nil, fmt.Errorf("lock listings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var h catalog.Head
		var at int64
		if err := rows.Scan(&id, &h.Version, &h.ContentHash, &at); err != nil {
			return nil, err
		}
		h.UpdatedAt = fromMicros(at)
		out[id] = h
	}
	return out, rows.Err()
}

// marketsCol stores markets as ",CN,US," so that one market is found with
// LIKE '%,CN,%' on both engines; "" when no market is known.
func marketsCol(l catalog.Listing) string {
	if len(l.Markets) == 0 {
		return ""
	}
	return "," + strings.Join(l.Markets, ",") + ","
}

// InsertListing stores the row of a new listing at version 1 unless a row
// with its id exists; it reports whether it inserted. On PostgreSQL a
// concurrent insert of the same id makes it wait for that transaction, so
// the caller can then lock the row that won.
func (tx *Tx) InsertListing(ctx context.Context, l catalog.Listing, receivedAt time.Time) (bool, error) {
	rows, err := tx.q.QueryContext(ctx, `INSERT INTO listings (id, seller_id, version, content_hash, title, brand, category, price_e4, currency,
		markets, ship_from_country, ship_from_region, updated_at, received_at)
		VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (id) DO NOTHING RETURNING id`,
		l.ID, l.SellerID, l.ContentHash(), l.Title, l.Brand, l.Category, int64(l.Price.Amount), l.Price.Currency,
		marketsCol(l), l.ShipFrom.Country, l.ShipFrom.Region, micros(l.UpdatedAt), micros(receivedAt))
	if err != nil {
		return false, fmt.Errorf("insert listing %s: %w", l.ID, tx.d.mapErr(err))
	}
	defer rows.Close()
	inserted := rows.Next()
	return inserted, rows.Err()
}

// UpdateListing moves a listing's row to a new current version.
func (tx *Tx) UpdateListing(ctx context.Context, l catalog.Listing, version int, receivedAt time.Time) error {
	return tx.execOne(ctx, "update listing "+l.ID, `UPDATE listings SET seller_id = $2, version = $3, content_hash = $4, title = $5,
		brand = $6, category = $7, price_e4 = $8, currency = $9, markets = $10, ship_from_country = $11, ship_from_region = $12,
		updated_at = $13, received_at = $14 WHERE id = $1`,
		l.ID, l.SellerID, version, l.ContentHash(), l.Title, l.Brand, l.Category, int64(l.Price.Amount), l.Price.Currency,
		marketsCol(l), l.ShipFrom.Country, l.ShipFrom.Region, micros(l.UpdatedAt), micros(receivedAt))
}

// InsertListingVersion stores one version of a listing; versions are never
// changed or deleted.
func (tx *Tx) InsertListingVersion(ctx context.Context, l catalog.Listing, version int, receivedAt time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO listing_versions (listing_id, version, content_hash, doc, updated_at, received_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, l.ID, version, l.ContentHash(), string(l.Doc()), micros(l.UpdatedAt), micros(receivedAt))
	if err != nil {
		return fmt.Errorf("insert version %d of listing %s: %w", version, l.ID, err)
	}
	return nil
}

// ListingVersion loads a version of a listing; version 0 means the current one.
func (q *Querier) ListingVersion(ctx context.Context, id string, version int) (ListingVersion, error) {
	var v ListingVersion
	var doc string
	var received int64
	query := `SELECT v.version, v.doc, v.received_at, l.version, l.seller_id FROM listings l JOIN listing_versions v ON v.listing_id = l.id AND v.version = `
	if version == 0 {
		query += `l.version WHERE l.id = $1`
	} else {
		query += `$2 WHERE l.id = $1`
	}
	args := []any{id}
	if version != 0 {
		args = append(args, version)
	}
	err := q.q.QueryRowContext(ctx, query, args...).Scan(&v.Version, &doc, &received, &v.Current, &v.SellerID)
	if err != nil {
		return v, notFound(err, fmt.Sprintf("listing %s version %d", id, version))
	}
	v.ReceivedAt = fromMicros(received)
	if v.Listing, err = catalog.LoadListing([]byte(doc)); err != nil {
		return v, fmt.Errorf("load listing %s version %d: %w", id, v.Version, err)
	}
	return v, nil
}

// ListingVersions lists a listing's versions, oldest first, after the
// version afterVersion; it returns the next cursor (0 at the end).
func (q *Querier) ListingVersions(ctx context.Context, id string, afterVersion, limit int) ([]ListingVersionInfo, int, error) {
	p := Page{Limit: limit}
	rows, err := q.q.QueryContext(ctx, `SELECT version, content_hash, updated_at, received_at FROM listing_versions
		WHERE listing_id = $1 AND version > $2 ORDER BY version LIMIT `+fmt.Sprint(p.limit()), id, afterVersion)
	if err != nil {
		return nil, 0, fmt.Errorf("list versions of listing %s: %w", id, err)
	}
	defer rows.Close()
	var out []ListingVersionInfo
	for rows.Next() {
		var v ListingVersionInfo
		var upd, rec int64
		if err := rows.Scan(&v.Version, &v.ContentHash, &upd, &rec); err != nil {
			return nil, 0, err
		}
		v.UpdatedAt, v.ReceivedAt = fromMicros(upd), fromMicros(rec)
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	next := 0
	if n := p.limit() - 1; len(out) > n {
		out = out[:n]
		next = out[n-1].Version
	}
	return out, next, nil
}

// --- sellers ---

// InsertSeller stores a new seller (its organisation must exist).
func (tx *Tx) InsertSeller(ctx context.Context, s catalog.Seller) error {
	doc, err := json.Marshal(s)
	if err != nil {
		return err
	}
	_, err = tx.exec(ctx, `INSERT INTO sellers (id, org_id, name, country, region, doc, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, s.ID, s.OrgID, s.Name, s.Country, s.Region, string(doc), micros(s.CreatedAt), micros(s.UpdatedAt))
	if err != nil {
		return fmt.Errorf("insert seller %s: %w", s.ID, err)
	}
	return nil
}

// UpdateSeller stores a changed seller.
func (tx *Tx) UpdateSeller(ctx context.Context, s catalog.Seller) error {
	doc, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return tx.execOne(ctx, "update seller "+s.ID, `UPDATE sellers SET org_id = $2, name = $3, country = $4, region = $5, doc = $6,
		updated_at = $7 WHERE id = $1`, s.ID, s.OrgID, s.Name, s.Country, s.Region, string(doc), micros(s.UpdatedAt))
}

// Seller loads a seller.
func (q *Querier) Seller(ctx context.Context, id string) (catalog.Seller, error) {
	return q.seller(ctx, id, "")
}

// SellerForUpdate loads and locks a seller for a change.
func (tx *Tx) SellerForUpdate(ctx context.Context, id string) (catalog.Seller, error) {
	return tx.seller(ctx, id, tx.d.forUpdate)
}

func (q *Querier) seller(ctx context.Context, id, lock string) (catalog.Seller, error) {
	var doc string
	if err := q.q.QueryRowContext(ctx, `SELECT doc FROM sellers WHERE id = $1`+lock, id).Scan(&doc); err != nil {
		return catalog.Seller{}, notFound(err, "seller "+id)
	}
	var s catalog.Seller
	return s, json.Unmarshal([]byte(doc), &s)
}

// SellerOrgs maps seller ids to their dajia organisations; unknown sellers
// are absent.
func (q *Querier) SellerOrgs(ctx context.Context, sellerIDs []string) (map[string]string, error) {
	out := make(map[string]string, len(sellerIDs))
	if len(sellerIDs) == 0 {
		return out, nil
	}
	w := where{}
	w.in("id", sellerIDs)
	rows, err := q.q.QueryContext(ctx, `SELECT id, org_id FROM sellers`+w.sql(), w.args...)
	if err != nil {
		return nil, fmt.Errorf("read seller organisations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, org string
		if err := rows.Scan(&id, &org); err != nil {
			return nil, err
		}
		out[id] = org
	}
	return out, rows.Err()
}

// SyncSellerIdentifiers records the seller's current identifier hashes:
// new ones are added, ones seen before are revived, and ones no longer sent
// are retired (kept, with the time they stopped).
func (tx *Tx) SyncSellerIdentifiers(ctx context.Context, sellerID string, hashes map[catalog.IdentifierKind]string, now time.Time) error {
	rows, err := tx.q.QueryContext(ctx, `SELECT kind, hash FROM seller_identifiers WHERE seller_id = $1 AND retired_at IS NULL`, sellerID)
	if err != nil {
		return fmt.Errorf("read identifiers of seller %s: %w", sellerID, err)
	}
	type pair struct{ kind, hash string }
	var active []pair
	for rows.Next() {
		var p pair
		if err := rows.Scan(&p.kind, &p.hash); err != nil {
			rows.Close()
			return err
		}
		active = append(active, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, p := range active {
		if hashes[catalog.IdentifierKind(p.kind)] == p.hash {
			continue
		}
		if _, err := tx.exec(ctx, `UPDATE seller_identifiers SET retired_at = $4 WHERE seller_id = $1 AND kind = $2 AND hash = $3`,
			sellerID, p.kind, p.hash, micros(now)); err != nil {
			return fmt.Errorf("retire identifier of seller %s: %w", sellerID, err)
		}
	}
	for _, k := range catalog.IdentifierKinds {
		h, ok := hashes[k]
		if !ok || slices.Contains(active, pair{string(k), h}) {
			continue
		}
		if _, err := tx.exec(ctx, `INSERT INTO seller_identifiers (seller_id, kind, hash, first_seen_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (seller_id, kind, hash) DO UPDATE SET retired_at = NULL`, sellerID, string(k), h, micros(now)); err != nil {
			return fmt.Errorf("add identifier of seller %s: %w", sellerID, err)
		}
	}
	return nil
}

// SellerIdentifier is one identifier hash a seller has or had.
type SellerIdentifier struct {
	SellerID    string                 `json:"seller_id"`
	Kind        catalog.IdentifierKind `json:"kind"`
	Hash        string                 `json:"hash"`
	FirstSeenAt time.Time              `json:"first_seen_at"`
	RetiredAt   time.Time              `json:"retired_at,omitzero"`
}

// SellersByIdentifier lists every seller that has or had the identifier
// hash, by seller id: the sellers it links.
func (q *Querier) SellersByIdentifier(ctx context.Context, kind catalog.IdentifierKind, hash string) ([]SellerIdentifier, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT seller_id, kind, hash, first_seen_at, retired_at FROM seller_identifiers
		WHERE kind = $1 AND hash = $2 ORDER BY seller_id LIMIT 1000`, string(kind), hash)
	if err != nil {
		return nil, fmt.Errorf("find sellers by identifier: %w", err)
	}
	defer rows.Close()
	var out []SellerIdentifier
	for rows.Next() {
		var s SellerIdentifier
		var first int64
		var retired sql.NullInt64
		if err := rows.Scan(&s.SellerID, &s.Kind, &s.Hash, &first, &retired); err != nil {
			return nil, err
		}
		s.FirstSeenAt, s.RetiredAt = fromMicros(first), fromMicros(retired.Int64)
		out = append(out, s)
	}
	return out, rows.Err()
}
