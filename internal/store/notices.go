package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dajia-project/dajia/internal/fault"
)

// NoticeRecord is a stored notice; Doc is the app's JSON document.
type NoticeRecord struct {
	ID               string
	NotifierOrgID    string
	FiledByOrgID     string
	InfringementType string
	ItemCount        int
	Doc              []byte
	ReceivedAt       time.Time
}

// InsertNotice stores a notice.
func (tx *Tx) InsertNotice(ctx context.Context, n NoticeRecord) error {
	_, err := tx.exec(ctx, `INSERT INTO notices (id, notifier_org_id, filed_by_org_id, infringement_type, item_count, doc, received_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, n.ID, n.NotifierOrgID, n.FiledByOrgID, n.InfringementType, n.ItemCount, string(n.Doc), micros(n.ReceivedAt))
	if err != nil {
		return fmt.Errorf("insert notice: %w", err)
	}
	return nil
}

// Notice loads a notice.
func (q *Querier) Notice(ctx context.Context, id string) (NoticeRecord, error) {
	var n NoticeRecord
	var doc string
	var at int64
	err := q.q.QueryRowContext(ctx, `SELECT id, notifier_org_id, filed_by_org_id, infringement_type, item_count, doc, received_at FROM notices WHERE id = $1`, id).
		Scan(&n.ID, &n.NotifierOrgID, &n.FiledByOrgID, &n.InfringementType, &n.ItemCount, &doc, &at)
	if err != nil {
		return n, notFound(err, "notice "+id)
	}
	n.Doc, n.ReceivedAt = []byte(doc), fromMicros(at)
	return n, nil
}

// Notices lists notices filed by or for an organisation (all when orgID is
// empty), newest first; the cursor continues below the last id.
func (q *Querier) Notices(ctx context.Context, orgID string, p Page) ([]NoticeRecord, string, error) {
	w := where{}
	if orgID != "" {
		w.cond("(notifier_org_id = $? OR filed_by_org_id = $?)", orgID, orgID)
	}
	if p.After != "" {
		w.cond("id < $?", p.After)
	}
	rows, err := q.q.QueryContext(ctx, `SELECT id, notifier_org_id, filed_by_org_id, infringement_type, item_count, doc, received_at FROM notices`+
		w.sql()+` ORDER BY id DESC LIMIT `+fmt.Sprint(p.limit()), w.args...)
	if err != nil {
		return nil, "", fmt.Errorf("list notices: %w", err)
	}
	defer rows.Close()
	var out []NoticeRecord
	for rows.Next() {
		var n NoticeRecord
		var doc string
		var at int64
		if err := rows.Scan(&n.ID, &n.NotifierOrgID, &n.FiledByOrgID, &n.InfringementType, &n.ItemCount, &doc, &at); err != nil {
			return nil, "", err
		}
		n.Doc, n.ReceivedAt = []byte(doc), fromMicros(at)
		out = append(out, n)
	}
	out, next := trim(out, p, func(n NoticeRecord) string { return n.ID })
	return out, next, rows.Err()
}

// ItemRecord is a stored item case with its queryable columns; Doc is the
// app's JSON document (the state-machine case and the filings).
type ItemRecord struct {
	ID             string
	NoticeID       string
	ListingID      string
	ListingVersion int
	RightID        string
	SellerID       string
	SellerOrgID    string
	NotifierOrgID  string
	State          string
	Open           bool
	DuplicateOf    string
	Trusted        bool
	Profiles       []string
	SLADueAt       time.Time
	ClaimedBy      string
	ClaimedUntil   time.Time
	Rev            int
	Doc            []byte
	ReceivedAt     time.Time
	UpdatedAt      time.Time
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func profilesCol(p []string) string {
	if len(p) == 0 {
		return ""
	}
	return "," + strings.Join(p, ",") + ","
}

// InsertItem stores a new item case.
func (tx *Tx) InsertItem(ctx context.Context, it ItemRecord) error {
	// Written at commit with the other new items (see Tx.buffer); a
	// duplicate id fails the commit.
	tx.buffer(`INSERT INTO items (id, notice_id, listing_id, listing_version, right_id, seller_id, seller_org_id, notifier_org_id,
		state, open, duplicate_of, trusted, profiles, sla_due_at, claimed_by, claimed_until, rev, doc, received_at, updated_at) VALUES `,
		[]any{it.ID, it.NoticeID, it.ListingID, it.ListingVersion, it.RightID, it.SellerID, it.SellerOrgID, it.NotifierOrgID,
			it.State, b2i(it.Open), it.DuplicateOf, b2i(it.Trusted), profilesCol(it.Profiles), micros(it.SLADueAt), it.ClaimedBy,
			micros(it.ClaimedUntil), it.Rev, string(it.Doc), micros(it.ReceivedAt), micros(it.UpdatedAt)})
	return nil
}

// UpdateItem stores a changed item if nobody changed it since revision
// prevRev was read; otherwise it fails with fault.ErrConflict.
func (tx *Tx) UpdateItem(ctx context.Context, it ItemRecord, prevRev int) error {
	res, err := tx.exec(ctx, `UPDATE items SET state = $3, open = $4, trusted = $5, profiles = $6, sla_due_at = $7, claimed_by = $8,
		claimed_until = $9, rev = $10, doc = $11, updated_at = $12 WHERE id = $1 AND rev = $2`,
		it.ID, prevRev, it.State, b2i(it.Open), b2i(it.Trusted), profilesCol(it.Profiles), micros(it.SLADueAt), it.ClaimedBy,
		micros(it.ClaimedUntil), it.Rev, string(it.Doc), micros(it.UpdatedAt))
	if err != nil {
		return fmt.Errorf("update item %s: %w", it.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fault.New(fault.ErrConflict, "item %s was changed by someone else; reload it and decide again", it.ID)
	}
	return nil
}

const itemCols = `id, notice_id, listing_id, listing_version, right_id, seller_id, seller_org_id, notifier_org_id, state, open, duplicate_of,
	trusted, profiles, sla_due_at, claimed_by, claimed_until, rev, doc, received_at, updated_at`

func scanItem(s interface{ Scan(...any) error }) (ItemRecord, error) {
	var it ItemRecord
	var open, trusted int
	var profiles, doc string
	var sla, claimed, recv, upd int64
	err := s.Scan(&it.ID, &it.NoticeID, &it.ListingID, &it.ListingVersion, &it.RightID, &it.SellerID, &it.SellerOrgID, &it.NotifierOrgID,
		&it.State, &open, &it.DuplicateOf, &trusted, &profiles, &sla, &it.ClaimedBy, &claimed, &it.Rev, &doc, &recv, &upd)
	it.Open, it.Trusted, it.Doc = open == 1, trusted == 1, []byte(doc)
	it.Profiles = strings.FieldsFunc(profiles, func(r rune) bool { return r == ',' })
	it.SLADueAt, it.ClaimedUntil, it.ReceivedAt, it.UpdatedAt = fromMicros(sla), fromMicros(claimed), fromMicros(recv), fromMicros(upd)
	return it, err
}

// Item loads an item case.
func (q *Querier) Item(ctx context.Context, id string) (ItemRecord, error) {
	it, err := scanItem(q.q.QueryRowContext(ctx, `SELECT `+itemCols+` FROM items WHERE id = $1`, id))
	if err != nil {
		return it, notFound(err, "item "+id)
	}
	return it, nil
}

// LockItems loads and locks several item cases at once (in id order, so
// that concurrent bulk operations cannot deadlock); ItemForUpdate then
// takes each from memory. Ids that do not exist are skipped.
func (tx *Tx) LockItems(ctx context.Context, ids []string) error {
	if tx.locked == nil {
		tx.locked = map[string]ItemRecord{}
	}
	sorted := append([]string(nil), ids...)
	slices.Sort(sorted)
	for start := 0; start < len(sorted); start += 500 {
		w := where{}
		w.in("id", sorted[start:min(start+500, len(sorted))])
		rows, err := tx.q.QueryContext(ctx, `SELECT `+itemCols+` FROM items`+w.sql()+` ORDER BY id`+tx.d.forUpdate, w.args...)
		if err != nil {
			return fmt.Errorf("lock items: %w", err)
		}
		for rows.Next() {
			it, err := scanItem(rows)
			if err != nil {
				rows.Close()
				return err
			}
			tx.locked[it.ID] = it
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// ItemForUpdate loads and locks an item case.
func (tx *Tx) ItemForUpdate(ctx context.Context, id string) (ItemRecord, error) {
	if it, ok := tx.locked[id]; ok {
		delete(tx.locked, id) // it may change after this; read it afresh next time
		return it, nil
	}
	it, err := scanItem(tx.q.QueryRowContext(ctx, `SELECT `+itemCols+` FROM items WHERE id = $1`+tx.d.forUpdate, id))
	if err != nil {
		return it, notFound(err, "item "+id)
	}
	return it, nil
}

// ItemFilter selects item cases.
type ItemFilter struct {
	NoticeID    string
	SellerOrgID string
	Notifier    string
	ListingID   string
	State       string
	OpenOnly    bool
	// Party keeps items whose seller or notifier is this organisation.
	Party string
}

// Items lists item cases by id.
func (q *Querier) Items(ctx context.Context, f ItemFilter, p Page) ([]ItemRecord, string, error) {
	w := where{}
	w.eq("notice_id", f.NoticeID)
	w.eq("seller_org_id", f.SellerOrgID)
	w.eq("notifier_org_id", f.Notifier)
	w.eq("listing_id", f.ListingID)
	w.eq("state", f.State)
	if f.OpenOnly {
		w.cond("open = 1")
	}
	if f.Party != "" {
		w.cond("(seller_org_id = $? OR notifier_org_id = $?)", f.Party, f.Party)
	}
	w.after("id", p.After)
	return q.items(ctx, `SELECT `+itemCols+` FROM items`+w.sql()+` ORDER BY id LIMIT `+fmt.Sprint(p.limit()), w.args, p)
}

func (q *Querier) items(ctx context.Context, query string, args []any, p Page) ([]ItemRecord, string, error) {
	rows, err := q.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, "", fmt.Errorf("list items: %w", err)
	}
	defer rows.Close()
	var out []ItemRecord
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, "", err
		}
		out = append(out, it)
	}
	out, next := trim(out, p, func(it ItemRecord) string { return it.ID })
	return out, next, rows.Err()
}

// OpenItems returns, for each listing id, its open item cases (any right).
func (q *Querier) OpenItems(ctx context.Context, listingIDs []string) (map[string][]ItemRecord, error) {
	out := map[string][]ItemRecord{}
	for start := 0; start < len(listingIDs); start += 500 {
		chunk := listingIDs[start:min(start+500, len(listingIDs))]
		w := where{}
		w.in("listing_id", chunk)
		w.cond("open = 1")
		rows, err := q.q.QueryContext(ctx, `SELECT `+itemCols+` FROM items`+w.sql(), w.args...)
		if err != nil {
			return nil, fmt.Errorf("open items: %w", err)
		}
		for rows.Next() {
			it, err := scanItem(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out[it.ListingID] = append(out[it.ListingID], it)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ReviewQueue lists items under review that nobody else holds a claim on:
// the trusted lane first, then by review deadline (oldest SLA first).
func (q *Querier) ReviewQueue(ctx context.Context, reviewerID string, now time.Time, limit int) ([]ItemRecord, error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, _, err := q.items(ctx, `SELECT `+itemCols+` FROM items WHERE state = 'under_review' AND (claimed_until < $1 OR claimed_by = $2)
		ORDER BY trusted DESC, sla_due_at, id LIMIT `+fmt.Sprint(limit+1), []any{micros(now), reviewerID}, Page{Limit: limit})
	return rows, err
}

// TimerRecord is a stored deadline.
type TimerRecord struct {
	ID              string
	ItemID          string
	Kind            string
	Profile         string
	DueAt           time.Time
	LatestAt        time.Time
	Calendar        string
	CalendarVersion string
	Rule            string
	RuleRef         string
	Status          string
	FiredAt         time.Time
	CreatedAt       time.Time
}

// Timer statuses.
const (
	TimerPending   = "pending"
	TimerFired     = "fired"
	TimerCancelled = "cancelled"
)

// InsertTimer schedules a timer.
func (tx *Tx) InsertTimer(ctx context.Context, t TimerRecord) error {
	// Written at commit (see Tx.buffer); SetTimerStatus changes a timer
	// still in the buffer there.
	tx.buffer(timerInsert, []any{t.ID, t.ItemID, t.Kind, t.Profile, micros(t.DueAt), micros(t.LatestAt), t.Calendar, t.CalendarVersion, t.Rule, t.RuleRef,
		TimerPending, 0, micros(t.CreatedAt)})
	return nil
}

const timerInsert = `INSERT INTO timers (id, item_id, kind, profile, due_at, latest_at, calendar, calendar_version, rule, rule_ref, status, fired_at, created_at) VALUES `

// SetTimerStatus moves a pending timer to fired or cancelled. It fails with
// fault.ErrConflict when the timer is no longer pending (fired elsewhere).
func (tx *Tx) SetTimerStatus(ctx context.Context, id, status string, at time.Time) error {
	for _, row := range tx.pending[timerInsert+"\x00"] {
		if row[0] == id { // set and settled in this transaction
			if row[10] != TimerPending {
				return fmt.Errorf("timer %s is not pending: %w", id, fault.ErrConflict)
			}
			row[10], row[11] = status, micros(at)
			return nil
		}
	}
	res, err := tx.exec(ctx, `UPDATE timers SET status = $2, fired_at = $3 WHERE id = $1 AND status = 'pending'`, id, status, micros(at))
	if err != nil {
		return fmt.Errorf("timer %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("timer %s is not pending: %w", id, fault.ErrConflict)
	}
	return nil
}

const timerCols = `id, item_id, kind, profile, due_at, latest_at, calendar, calendar_version, rule, rule_ref, status, fired_at, created_at`

func scanTimer(s interface{ Scan(...any) error }) (TimerRecord, error) {
	var t TimerRecord
	var due, latest, fired, created int64
	err := s.Scan(&t.ID, &t.ItemID, &t.Kind, &t.Profile, &due, &latest, &t.Calendar, &t.CalendarVersion, &t.Rule, &t.RuleRef, &t.Status, &fired, &created)
	t.DueAt, t.LatestAt, t.FiredAt, t.CreatedAt = fromMicros(due), fromMicros(latest), fromMicros(fired), fromMicros(created)
	return t, err
}

// DueTimers returns up to limit pending timers due at or before now, oldest
// first. Inside a transaction on PostgreSQL the rows are locked and rows
// locked by another node are skipped.
func (q *Querier) DueTimers(ctx context.Context, now time.Time, limit int) ([]TimerRecord, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+timerCols+` FROM timers WHERE status = 'pending' AND due_at <= $1 ORDER BY due_at, id LIMIT `+
		fmt.Sprint(limit)+q.d.skipLocked, micros(now))
	if err != nil {
		return nil, fmt.Errorf("due timers: %w", err)
	}
	defer rows.Close()
	var out []TimerRecord
	for rows.Next() {
		t, err := scanTimer(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// ItemTimers lists an item's timers, oldest first.
func (q *Querier) ItemTimers(ctx context.Context, itemID string) ([]TimerRecord, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+timerCols+` FROM timers WHERE item_id = $1 ORDER BY created_at, id`, itemID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TimerRecord
	for rows.Next() {
		t, err := scanTimer(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// NextTimer returns the earliest pending due instant, or the zero time.
func (q *Querier) NextTimer(ctx context.Context) (time.Time, error) {
	var due *int64
	if err := q.q.QueryRowContext(ctx, `SELECT MIN(due_at) FROM timers WHERE status = 'pending'`).Scan(&due); err != nil || due == nil {
		return time.Time{}, err
	}
	return fromMicros(*due), nil
}

// StrikeRecord is one strike on a seller's ledger.
type StrikeRecord struct {
	ID          string    `json:"id"`
	SellerID    string    `json:"seller_id"`
	SellerOrgID string    `json:"seller_org_id"`
	ItemID      string    `json:"item_id"`
	Profile     string    `json:"profile"`
	Status      string    `json:"status"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// UpsertStrike records a strike or changes its status (one per item and
// profile). It is written at commit, before the strikes are read back.
func (tx *Tx) UpsertStrike(ctx context.Context, s StrikeRecord) error {
	tx.bufferSuffix(`INSERT INTO strikes (id, seller_id, seller_org_id, item_id, profile, status, created_at, updated_at) VALUES `,
		` ON CONFLICT (item_id, profile) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at`,
		[]any{s.ID, s.SellerID, s.SellerOrgID, s.ItemID, s.Profile, s.Status, micros(s.CreatedAt), micros(s.CreatedAt)})
	return nil
}

// Strikes lists a seller's strikes, oldest first, including the ones this
// transaction recorded.
func (tx *Tx) Strikes(ctx context.Context, sellerID string) ([]StrikeRecord, error) {
	if err := tx.flush(ctx); err != nil {
		return nil, err
	}
	return tx.Querier.Strikes(ctx, sellerID)
}

// Strikes lists a seller's strikes, oldest first.
func (q *Querier) Strikes(ctx context.Context, sellerID string) ([]StrikeRecord, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id, seller_id, seller_org_id, item_id, profile, status, created_at, updated_at FROM strikes
		WHERE seller_id = $1 ORDER BY created_at, id`, sellerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StrikeRecord
	for rows.Next() {
		var s StrikeRecord
		var c, u int64
		if err := rows.Scan(&s.ID, &s.SellerID, &s.SellerOrgID, &s.ItemID, &s.Profile, &s.Status, &c, &u); err != nil {
			return nil, err
		}
		s.CreatedAt, s.UpdatedAt = fromMicros(c), fromMicros(u)
		out = append(out, s)
	}
	return out, rows.Err()
}

// DocRecord is a stored JSON document owned by an item: a statement of
// reasons, an inbox message or a register entry.
type DocRecord struct {
	ID        string
	ItemID    string
	OrgID     string // the organisation it is for (statements, inbox)
	Kind      string // profile (statements), template (inbox), kind (register)
	Doc       []byte
	CreatedAt time.Time
	ReadAt    time.Time
}

// InsertStatement stores a statement of reasons (written at commit).
func (tx *Tx) InsertStatement(ctx context.Context, d DocRecord) error {
	tx.buffer(`INSERT INTO statements (id, item_id, seller_org_id, profile, doc, created_at) VALUES `,
		[]any{d.ID, d.ItemID, d.OrgID, d.Kind, string(d.Doc), micros(d.CreatedAt)})
	return nil
}

// Statement loads a statement of reasons.
func (q *Querier) Statement(ctx context.Context, id string) (DocRecord, error) {
	var d DocRecord
	var doc string
	var at int64
	err := q.q.QueryRowContext(ctx, `SELECT id, item_id, seller_org_id, profile, doc, created_at FROM statements WHERE id = $1`, id).
		Scan(&d.ID, &d.ItemID, &d.OrgID, &d.Kind, &doc, &at)
	if err != nil {
		return d, notFound(err, "statement "+id)
	}
	d.Doc, d.CreatedAt = []byte(doc), fromMicros(at)
	return d, nil
}

// ItemStatements lists an item's statements of reasons.
func (q *Querier) ItemStatements(ctx context.Context, itemID string) ([]DocRecord, error) {
	return q.docs(ctx, `SELECT id, item_id, seller_org_id, profile, doc, created_at, 0 FROM statements WHERE item_id = $1 ORDER BY id`, itemID)
}

// InsertInbox delivers a message to an organisation's inbox.
func (tx *Tx) InsertInbox(ctx context.Context, d DocRecord) error {
	tx.buffer(`INSERT INTO inbox (id, org_id, item_id, template, doc, created_at, read_at) VALUES `,
		[]any{d.ID, d.OrgID, d.ItemID, d.Kind, string(d.Doc), micros(d.CreatedAt), 0})
	return nil
}

// Inbox lists an organisation's messages, newest first (cursor: before id).
func (q *Querier) Inbox(ctx context.Context, orgID string, p Page) ([]DocRecord, string, error) {
	w := where{}
	w.eq("org_id", orgID)
	if p.After != "" {
		w.cond("id < $?", p.After)
	}
	out, err := q.docs(ctx, `SELECT id, item_id, org_id, template, doc, created_at, read_at FROM inbox`+w.sql()+` ORDER BY id DESC LIMIT `+fmt.Sprint(p.limit()), w.args...)
	if err != nil {
		return nil, "", err
	}
	out, next := trim(out, p, func(d DocRecord) string { return d.ID })
	return out, next, nil
}

// InboxItemMessages lists the messages about one item sent to an organisation.
func (q *Querier) InboxItemMessages(ctx context.Context, orgID, itemID string) ([]DocRecord, error) {
	return q.docs(ctx, `SELECT id, item_id, org_id, template, doc, created_at, read_at FROM inbox WHERE org_id = $1 AND item_id = $2 ORDER BY id`, orgID, itemID)
}

// MarkRead marks an organisation's message read; another organisation's
// message is not found.
func (q *Querier) MarkRead(ctx context.Context, orgID, id string, at time.Time) error {
	if _, err := q.exec(ctx, `UPDATE inbox SET read_at = $3 WHERE id = $1 AND org_id = $2 AND read_at = 0`, id, orgID, micros(at)); err != nil {
		return err
	}
	var n int
	if err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM inbox WHERE id = $1 AND org_id = $2`, id, orgID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("message %s: %w", id, fault.ErrNotFound)
	}
	return nil
}

// InsertRegister publishes an ECL Art. 44 register entry.
func (tx *Tx) InsertRegister(ctx context.Context, d DocRecord) error {
	tx.buffer(`INSERT INTO register (id, item_id, kind, doc, published_at) VALUES `, []any{d.ID, d.ItemID, d.Kind, string(d.Doc), micros(d.CreatedAt)})
	return nil
}

// Register lists the public register, newest first (cursor: before id).
func (q *Querier) Register(ctx context.Context, p Page) ([]DocRecord, string, error) {
	w := where{}
	if p.After != "" {
		w.cond("id < $?", p.After)
	}
	out, err := q.docs(ctx, `SELECT id, item_id, '', kind, doc, published_at, 0 FROM register`+w.sql()+` ORDER BY id DESC LIMIT `+fmt.Sprint(p.limit()), w.args...)
	if err != nil {
		return nil, "", err
	}
	out, next := trim(out, p, func(d DocRecord) string { return d.ID })
	return out, next, nil
}

func (q *Querier) docs(ctx context.Context, query string, args ...any) ([]DocRecord, error) {
	rows, err := q.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DocRecord
	for rows.Next() {
		var d DocRecord
		var doc string
		var at, read int64
		if err := rows.Scan(&d.ID, &d.ItemID, &d.OrgID, &d.Kind, &doc, &at, &read); err != nil {
			return nil, err
		}
		d.Doc, d.CreatedAt, d.ReadAt = []byte(doc), fromMicros(at), fromMicros(read)
		out = append(out, d)
	}
	return out, rows.Err()
}

// SanctionRecord is an escalation step taken against a seller or a notifier.
type SanctionRecord struct {
	ID        string    `json:"id"`
	Party     string    `json:"party"`
	SubjectID string    `json:"subject_id"`
	Profile   string    `json:"profile"`
	Action    string    `json:"action"`
	Level     int       `json:"level"`
	ItemID    string    `json:"item_id"`
	CreatedAt time.Time `json:"created_at"`
}

// InsertSanction records an escalation step.
func (tx *Tx) InsertSanction(ctx context.Context, s SanctionRecord) error {
	_, err := tx.exec(ctx, `INSERT INTO sanctions (id, party, subject_id, profile, action, level, item_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		s.ID, s.Party, s.SubjectID, s.Profile, s.Action, s.Level, s.ItemID, micros(s.CreatedAt))
	return err
}

// Sanctions lists the steps taken against a subject, oldest first.
func (q *Querier) Sanctions(ctx context.Context, party, subjectID string) ([]SanctionRecord, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id, party, subject_id, profile, action, level, item_id, created_at FROM sanctions
		WHERE party = $1 AND subject_id = $2 ORDER BY created_at, id`, party, subjectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SanctionRecord
	for rows.Next() {
		var s SanctionRecord
		var at int64
		if err := rows.Scan(&s.ID, &s.Party, &s.SubjectID, &s.Profile, &s.Action, &s.Level, &s.ItemID, &at); err != nil {
			return nil, err
		}
		s.CreatedAt = fromMicros(at)
		out = append(out, s)
	}
	return out, rows.Err()
}

// NotifierCounts counts a notifier organisation's items by state, received
// since a time (for accuracy figures).
func (q *Querier) NotifierCounts(ctx context.Context, orgID string, since time.Time) (map[string]int, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT state, COUNT(*) FROM items WHERE notifier_org_id = $1 AND received_at >= $2 GROUP BY state`, orgID, micros(since))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}

// CurrentListing is the current version of a listing, for intake.
type CurrentListing struct {
	Version  int
	SellerID string
	Doc      []byte
}

// CurrentListings loads the current versions of the listings with these ids
// (ids not stored are absent), in chunks.
func (q *Querier) CurrentListings(ctx context.Context, ids []string) (map[string]CurrentListing, error) {
	out := make(map[string]CurrentListing, len(ids))
	for start := 0; start < len(ids); start += 500 {
		w := where{}
		w.in("l.id", ids[start:min(start+500, len(ids))])
		rows, err := q.q.QueryContext(ctx, `SELECT l.id, l.version, l.seller_id, v.doc FROM listings l
			JOIN listing_versions v ON v.listing_id = l.id AND v.version = l.version`+w.sql(), w.args...)
		if err != nil {
			return nil, fmt.Errorf("current listings: %w", err)
		}
		for rows.Next() {
			var id, doc string
			var c CurrentListing
			if err := rows.Scan(&id, &c.Version, &c.SellerID, &doc); err != nil {
				rows.Close()
				return nil, err
			}
			c.Doc = []byte(doc)
			out[id] = c
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// UnmailedMessages returns up to limit inbox messages not yet e-mailed,
// oldest first; on PostgreSQL inside a transaction they are locked and rows
// locked by another node are skipped.
func (q *Querier) UnmailedMessages(ctx context.Context, limit int) ([]DocRecord, error) {
	return q.docs(ctx, `SELECT id, item_id, org_id, template, doc, created_at, read_at FROM inbox WHERE emailed_at = 0 ORDER BY id LIMIT `+
		fmt.Sprint(limit)+q.d.skipLocked)
}

// MarkEmailed records that a message was e-mailed (or, with at zero, that
// it has no address to go to).
func (q *Querier) MarkEmailed(ctx context.Context, id string, at time.Time) error {
	v := micros(at)
	if at.IsZero() {
		v = -1
	}
	_, err := q.exec(ctx, `UPDATE inbox SET emailed_at = $2 WHERE id = $1`, id, v)
	return err
}
