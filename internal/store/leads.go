package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dajia-project/dajia/internal/fault"
)

// LeadRecord is a stored detection lead. Signals and Rules are JSON arrays
// as the detection engine explains them.
type LeadRecord struct {
	ID              string
	RunID           string
	ListingID       string
	ListingVersion  int
	ListingTitle    string
	SellerID        string
	SellerOrgID     string
	BrandID         string
	BrandOwnerOrgID string // "" when unknown (stored as NULL)
	Score           int
	Verdict         string
	Outcome         string
	Signals         []byte
	Rules           []byte
	State           string
	// Counterfeit is the label: nil while unknown.
	Counterfeit *bool
	LabelSource string
	LabelledAt  time.Time
	SentBy      string
	SentAt      time.Time
	SendNote    string
	DecidedBy   string
	DecidedAt   time.Time
	Reason      string
	ItemID      string
	Rev         int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

const leadCols = `id, run_id, listing_id, listing_version, listing_title, seller_id, seller_org_id, brand_id, brand_owner_org_id,
	score, verdict, outcome, signals, rules, state, counterfeit, label_source, labelled_at, sent_by, sent_at, send_note,
	decided_by, decided_at, reason, item_id, rev, created_at, updated_at`

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

func nullBool(b *bool) sql.NullInt64 {
	if b == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: int64(b2i(*b)), Valid: true}
}

func (l LeadRecord) args() []any {
	return []any{l.ID, l.RunID, l.ListingID, l.ListingVersion, l.ListingTitle, l.SellerID, l.SellerOrgID, l.BrandID, nullString(l.BrandOwnerOrgID),
		l.Score, l.Verdict, l.Outcome, string(l.Signals), string(l.Rules), l.State, nullBool(l.Counterfeit), l.LabelSource, micros(l.LabelledAt),
		l.SentBy, micros(l.SentAt), l.SendNote, l.DecidedBy, micros(l.DecidedAt), l.Reason, l.ItemID, l.Rev, micros(l.CreatedAt), micros(l.UpdatedAt)}
}

func scanLead(s interface{ Scan(...any) error }) (LeadRecord, error) {
	var l LeadRecord
	var owner sql.NullString
	var counterfeit sql.NullInt64
	var signals, rules string
	var labelled, sent, decided, created, updated int64
	err := s.Scan(&l.ID, &l.RunID, &l.ListingID, &l.ListingVersion, &l.ListingTitle, &l.SellerID, &l.SellerOrgID, &l.BrandID, &owner,
		&l.Score, &l.Verdict, &l.Outcome, &signals, &rules, &l.State, &counterfeit, &l.LabelSource, &labelled, &l.SentBy, &sent, &l.SendNote,
		&l.DecidedBy, &decided, &l.Reason, &l.ItemID, &l.Rev, &created, &updated)
	l.BrandOwnerOrgID = owner.String
	if counterfeit.Valid {
		c := counterfeit.Int64 == 1
		l.Counterfeit = &c
	}
	l.Signals, l.Rules = []byte(signals), []byte(rules)
	l.LabelledAt, l.SentAt, l.DecidedAt = fromMicros(labelled), fromMicros(sent), fromMicros(decided)
	l.CreatedAt, l.UpdatedAt = fromMicros(created), fromMicros(updated)
	return l, err
}

// InsertLead stores a new lead unless the listing version already has one;
// it reports whether it stored it.
func (tx *Tx) InsertLead(ctx context.Context, l LeadRecord) (bool, error) {
	res, err := tx.exec(ctx, `INSERT INTO leads (`+leadCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
		$15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28) ON CONFLICT (listing_id, listing_version) DO NOTHING`, l.args()...)
	if err != nil {
		return false, fmt.Errorf("insert lead for listing %s version %d: %w", l.ListingID, l.ListingVersion, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// UpdateLead stores a changed lead if nobody changed it since revision
// prevRev was read; otherwise it fails with fault.ErrConflict. The listing,
// its version and the scoring never change.
func (tx *Tx) UpdateLead(ctx context.Context, l LeadRecord, prevRev int) error {
	res, err := tx.exec(ctx, `UPDATE leads SET seller_org_id = $3, brand_owner_org_id = $4, state = $5, counterfeit = $6, label_source = $7,
		labelled_at = $8, sent_by = $9, sent_at = $10, send_note = $11, decided_by = $12, decided_at = $13, reason = $14, item_id = $15,
		rev = $16, updated_at = $17 WHERE id = $1 AND rev = $2`,
		l.ID, prevRev, l.SellerOrgID, nullString(l.BrandOwnerOrgID), l.State, nullBool(l.Counterfeit), l.LabelSource, micros(l.LabelledAt),
		l.SentBy, micros(l.SentAt), l.SendNote, l.DecidedBy, micros(l.DecidedAt), l.Reason, l.ItemID, l.Rev, micros(l.UpdatedAt))
	if err != nil {
		return fmt.Errorf("update lead %s: %w", l.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fault.New(fault.ErrConflict, "lead %s was changed by someone else; reload it and try again", l.ID)
	}
	return nil
}

// Lead loads a lead.
func (q *Querier) Lead(ctx context.Context, id string) (LeadRecord, error) {
	l, err := scanLead(q.q.QueryRowContext(ctx, `SELECT `+leadCols+` FROM leads WHERE id = $1`, id))
	if err != nil {
		return l, notFound(err, "lead "+id)
	}
	return l, nil
}

// LeadForUpdate loads and locks a lead.
func (tx *Tx) LeadForUpdate(ctx context.Context, id string) (LeadRecord, error) {
	l, err := scanLead(tx.q.QueryRowContext(ctx, `SELECT `+leadCols+` FROM leads WHERE id = $1`+tx.d.forUpdate, id))
	if err != nil {
		return l, notFound(err, "lead "+id)
	}
	return l, nil
}

// LeadByListingVersion loads the lead of a listing version.
func (q *Querier) LeadByListingVersion(ctx context.Context, listingID string, version int) (LeadRecord, error) {
	l, err := scanLead(q.q.QueryRowContext(ctx, `SELECT `+leadCols+` FROM leads WHERE listing_id = $1 AND listing_version = $2`, listingID, version))
	if err != nil {
		return l, notFound(err, fmt.Sprintf("lead for listing %s version %d", listingID, version))
	}
	return l, nil
}

// LeadFilter selects leads.
type LeadFilter struct {
	States  []string
	BrandID string
	// SentTo keeps the leads sent to this rights holder (in any later state).
	SentTo string
}

// Leads lists leads as a triage queue: highest score first, then oldest,
// then by id. The cursor is opaque ("score.created.id").
func (q *Querier) Leads(ctx context.Context, f LeadFilter, p Page) ([]LeadRecord, string, error) {
	w := where{}
	if len(f.States) > 0 {
		w.in("state", f.States)
	}
	w.eq("brand_id", f.BrandID)
	if f.SentTo != "" {
		w.cond("brand_owner_org_id = $? AND sent_at > 0", f.SentTo)
	}
	if p.After != "" {
		score, created, id, err := parseLeadCursor(p.After)
		if err != nil {
			return nil, "", err
		}
		w.cond("(score < $? OR (score = $? AND (created_at > $? OR (created_at = $? AND id > $?))))", score, score, created, created, id)
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+leadCols+` FROM leads`+w.sql()+` ORDER BY score DESC, created_at, id LIMIT `+fmt.Sprint(p.limit()), w.args...)
	if err != nil {
		return nil, "", fmt.Errorf("list leads: %w", err)
	}
	defer rows.Close()
	var out []LeadRecord
	for rows.Next() {
		l, err := scanLead(rows)
		if err != nil {
			return nil, "", err
		}
		out = append(out, l)
	}
	out, next := trim(out, p, func(l LeadRecord) string { return fmt.Sprintf("%d.%d.%s", l.Score, micros(l.CreatedAt), l.ID) })
	return out, next, rows.Err()
}

func parseLeadCursor(s string) (score int, created int64, id string, err error) {
	parts := strings.SplitN(s, ".", 3)
	if len(parts) == 3 {
		score, err = strconv.Atoi(parts[0])
		if err == nil {
			created, err = strconv.ParseInt(parts[1], 10, 64)
		}
		if err == nil && parts[2] != "" {
			return score, created, parts[2], nil
		}
	}
	return 0, 0, "", fault.InvalidField("cursor", "is not a cursor returned by this API")
}

// LeadLabel is one labelled lead, for backtests.
type LeadLabel struct {
	ListingID      string
	ListingVersion int
	Counterfeit    bool
	Source         string
	LabelledAt     time.Time
}

// LeadLabels lists every labelled lead, oldest label first (so a later
// label of a listing overrides an earlier one when read in order).
func (q *Querier) LeadLabels(ctx context.Context) ([]LeadLabel, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT listing_id, listing_version, counterfeit, label_source, labelled_at FROM leads
		WHERE counterfeit IS NOT NULL ORDER BY labelled_at, id`)
	if err != nil {
		return nil, fmt.Errorf("lead labels: %w", err)
	}
	defer rows.Close()
	var out []LeadLabel
	for rows.Next() {
		var l LeadLabel
		var c, at int64
		if err := rows.Scan(&l.ListingID, &l.ListingVersion, &c, &l.Source, &at); err != nil {
			return nil, err
		}
		l.Counterfeit, l.LabelledAt = c == 1, fromMicros(at)
		out = append(out, l)
	}
	return out, rows.Err()
}
