package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/id"
)

// --- webhook endpoints ---

// WebhookEndpoint is a receiver of outbox messages: a URL of the
// marketplace's integration that is sent every message whose topic matches
// one of Topics. The signing secret is not part of it: it is handed out once
// at creation (InsertWebhookEndpoint) and afterwards read only by the
// dispatcher (ClaimWebhookDeliveries).
type WebhookEndpoint struct {
	ID    string `json:"id"`
	OrgID string `json:"org_id"`
	URL   string `json:"url"`
	// Topics are exact topics ("action.remove_listing"), prefixes ending in
	// ".*" ("action.*"), or "*" for every message.
	Topics      []string `json:"topics"`
	Description string   `json:"description"`
	// Enabled false pauses the endpoint: messages still fan out to it and
	// wait, and are sent once it is enabled again.
	Enabled        bool      `json:"enabled"`
	DisabledReason string    `json:"disabled_reason,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	// DeletedAt is set once the endpoint is deleted; it then receives nothing.
	DeletedAt time.Time `json:"deleted_at,omitzero"`
}

// Matches reports whether the endpoint subscribes to topic.
func (e WebhookEndpoint) Matches(topic string) bool {
	for _, p := range e.Topics {
		if topicMatch(p, topic) {
			return true
		}
	}
	return false
}

// topicMatch matches a subscription pattern: "*", "prefix.*" or an exact
// topic.
func topicMatch(pattern, topic string) bool {
	if pattern == "*" || pattern == topic {
		return true
	}
	prefix, ok := strings.CutSuffix(pattern, "*")
	return ok && strings.HasSuffix(prefix, ".") && strings.HasPrefix(topic, prefix)
}

// InsertWebhookEndpoint stores a new endpoint with its signing secret. The
// secret is stored as given (the dispatcher must sign with it, so a hash
// would not do; encrypting it with a key kept in the same database would add
// nothing) and no read method returns it.
func (tx *Tx) InsertWebhookEndpoint(ctx context.Context, e WebhookEndpoint, secret string) error {
	topics, err := json.Marshal(e.Topics)
	if err != nil {
		return err
	}
	_, err = tx.exec(ctx, `INSERT INTO webhook_endpoints (id, org_id, url, secret, topics, description, enabled, disabled_reason, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		e.ID, e.OrgID, e.URL, secret, string(topics), e.Description, boolInt(e.Enabled), e.DisabledReason, micros(e.CreatedAt), micros(e.UpdatedAt))
	if err != nil {
		return fmt.Errorf("insert webhook endpoint: %w", err)
	}
	return nil
}

// UpdateWebhookEndpoint stores a changed endpoint (URL, topics, description,
// enabled flag and reason). A deleted endpoint cannot be changed.
func (tx *Tx) UpdateWebhookEndpoint(ctx context.Context, e WebhookEndpoint) error {
	topics, err := json.Marshal(e.Topics)
	if err != nil {
		return err
	}
	return tx.execOne(ctx, "update webhook endpoint "+e.ID, `UPDATE webhook_endpoints SET url = $2, topics = $3, description = $4, enabled = $5,
		disabled_reason = $6, updated_at = $7 WHERE id = $1 AND deleted_at IS NULL`,
		e.ID, e.URL, string(topics), e.Description, boolInt(e.Enabled), e.DisabledReason, micros(e.UpdatedAt))
}

// SetWebhookSecret replaces an endpoint's signing secret (rotation).
func (tx *Tx) SetWebhookSecret(ctx context.Context, endpointID, secret string, now time.Time) error {
	return tx.execOne(ctx, "set secret of webhook endpoint "+endpointID,
		`UPDATE webhook_endpoints SET secret = $2, updated_at = $3 WHERE id = $1 AND deleted_at IS NULL`, endpointID, secret, micros(now))
}

// DeleteWebhookEndpoint deletes an endpoint: it receives no further
// messages, and its pending and waiting deliveries become dead letters. The endpoint and
// its delivery history are kept. It returns how many deliveries it ended.
func (tx *Tx) DeleteWebhookEndpoint(ctx context.Context, endpointID string, now time.Time) (int, error) {
	if err := tx.execOne(ctx, "delete webhook endpoint "+endpointID, `UPDATE webhook_endpoints SET enabled = 0, deleted_at = $2, updated_at = $2
		WHERE id = $1 AND deleted_at IS NULL`, endpointID, micros(now)); err != nil {
		return 0, err
	}
	res, err := tx.exec(ctx, `UPDATE webhook_deliveries SET state = 'dead', next_attempt_at = 0, last_error = 'endpoint deleted'
		WHERE endpoint_id = $1 AND state IN ('pending', 'waiting')`, endpointID)
	if err != nil {
		return 0, fmt.Errorf("end deliveries of webhook endpoint %s: %w", endpointID, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

const endpointCols = `id, org_id, url, topics, description, enabled, disabled_reason, created_at, updated_at, deleted_at`

func scanEndpoint(row interface{ Scan(...any) error }) (WebhookEndpoint, error) {
	var e WebhookEndpoint
	var topics string
	var enabled int
	var created, updated int64
	var deleted sql.NullInt64
	if err := row.Scan(&e.ID, &e.OrgID, &e.URL, &topics, &e.Description, &enabled, &e.DisabledReason, &created, &updated, &deleted); err != nil {
		return e, err
	}
	e.Enabled, e.CreatedAt, e.UpdatedAt, e.DeletedAt = enabled != 0, fromMicros(created), fromMicros(updated), fromMicros(deleted.Int64)
	return e, json.Unmarshal([]byte(topics), &e.Topics)
}

// WebhookEndpoint loads an endpoint (deleted ones too).
func (q *Querier) WebhookEndpoint(ctx context.Context, endpointID string) (WebhookEndpoint, error) {
	return q.webhookEndpoint(ctx, endpointID, "")
}

// WebhookEndpointForUpdate loads and locks an endpoint for a change.
func (tx *Tx) WebhookEndpointForUpdate(ctx context.Context, endpointID string) (WebhookEndpoint, error) {
	return tx.webhookEndpoint(ctx, endpointID, tx.d.forUpdate)
}

func (q *Querier) webhookEndpoint(ctx context.Context, endpointID, lock string) (WebhookEndpoint, error) {
	e, err := scanEndpoint(q.q.QueryRowContext(ctx, `SELECT `+endpointCols+` FROM webhook_endpoints WHERE id = $1`+lock, endpointID))
	if err != nil {
		return e, notFound(err, "webhook endpoint "+endpointID)
	}
	return e, nil
}

// WebhookEndpoints lists the endpoints that are not deleted by id, those of
// one organisation when orgID is set.
func (q *Querier) WebhookEndpoints(ctx context.Context, orgID string, p Page) ([]WebhookEndpoint, string, error) {
	w := where{}
	w.cond("deleted_at IS NULL")
	w.eq("org_id", orgID)
	w.after("id", p.After)
	rows, err := q.q.QueryContext(ctx, `SELECT `+endpointCols+` FROM webhook_endpoints`+w.sql()+` ORDER BY id LIMIT `+fmt.Sprint(p.limit()), w.args...)
	if err != nil {
		return nil, "", fmt.Errorf("list webhook endpoints: %w", err)
	}
	defer rows.Close()
	var out []WebhookEndpoint
	for rows.Next() {
		e, err := scanEndpoint(rows)
		if err != nil {
			return nil, "", fmt.Errorf("list webhook endpoints: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list webhook endpoints: %w", err)
	}
	out, next := trim(out, p, func(e WebhookEndpoint) string { return e.ID })
	return out, next, nil
}

// --- fan-out and the feed ---

// Feed kinds: messages whose topic starts with "action." are enforcement
// actions, all others events.
const (
	FeedActions = "action"
	FeedEvents  = "event"
)

func feedKind(topic string) string {
	if strings.HasPrefix(topic, "action.") {
		return FeedActions
	}
	return FeedEvents
}

// FanOutResult counts what one fan-out step did.
type FanOutResult struct {
	Messages   int // messages published
	Deliveries int // deliveries created
}

// FanOut publishes up to limit unpublished outbox messages, in id (creation)
// order, in one transaction: each gets the next feed sequence number and one
// delivery per endpoint (not deleted; paused ones included) subscribed to
// its topic, and is marked published. The delivery is pending, or waiting
// when the endpoint has an open delivery of the same object. Fan-outs are
// serialised on the feed head, so running it on several nodes at once
// neither loses nor duplicates a message.
func (db *DB) FanOut(ctx context.Context, now time.Time, limit int) (FanOutResult, error) {
	var r FanOutResult
	err := db.Tx(ctx, func(tx *Tx) error {
		r = FanOutResult{}
		var head int64
		if err := tx.q.QueryRowContext(ctx, `SELECT seq FROM feed_head WHERE id = 1`+tx.d.forUpdate).Scan(&head); err != nil {
			return fmt.Errorf("lock feed head: %w", err)
		}
		type msg struct{ id, topic, objectID string }
		rows, err := tx.q.QueryContext(ctx, `SELECT id, topic, object_id FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT `+
			strconv.Itoa(max(limit, 1)))
		if err != nil {
			return fmt.Errorf("read unpublished messages: %w", err)
		}
		var msgs []msg
		for rows.Next() {
			var m msg
			if err := rows.Scan(&m.id, &m.topic, &m.objectID); err != nil {
				rows.Close()
				return err
			}
			msgs = append(msgs, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read unpublished messages: %w", err)
		}
		if len(msgs) == 0 {
			return nil
		}
		endpoints, err := tx.liveEndpoints(ctx)
		if err != nil {
			return err
		}
		objects := make([]string, 0, len(msgs))
		for _, m := range msgs {
			if m.objectID != "" {
				objects = append(objects, m.objectID)
			}
		}
		open, err := tx.openObjects(ctx, objects)
		if err != nil {
			return err
		}
		var feed, deliveries [][]any
		ids := make([]string, len(msgs))
		at := micros(now)
		for i, m := range msgs {
			seq := head + int64(i) + 1
			ids[i] = m.id
			feed = append(feed, []any{seq, m.id, feedKind(m.topic)})
			for _, e := range endpoints {
				if !e.Matches(m.topic) {
					continue
				}
				state, due := DeliveryPending, at
				if m.objectID != "" {
					k := [2]string{m.objectID, e.ID}
					if open[k] {
						state, due = DeliveryWaiting, 0
					}
					open[k] = true
				}
				deliveries = append(deliveries, []any{id.New("dlv", now), m.id, e.ID, seq, m.objectID, at, string(state), due})
			}
		}
		if err := tx.insertRows(ctx, `INSERT INTO feed (seq, message_id, kind) VALUES `, "", feed); err != nil {
			return fmt.Errorf("append to feed: %w", err)
		}
		if err := tx.insertRows(ctx, `INSERT INTO webhook_deliveries (id, message_id, endpoint_id, seq, object_id, created_at,
			state, next_attempt_at, attempts, last_status, last_error) VALUES `, `0, 0, ''`, deliveries); err != nil {
			return fmt.Errorf("create deliveries: %w", err)
		}
		for chunk := range chunks(ids, 500) {
			w := where{args: []any{at}}
			w.in("id", chunk)
			if _, err := tx.exec(ctx, `UPDATE outbox SET published_at = $1`+w.sql(), w.args...); err != nil {
				return fmt.Errorf("mark messages published: %w", err)
			}
		}
		if _, err := tx.exec(ctx, `UPDATE feed_head SET seq = $1 WHERE id = 1`, head+int64(len(msgs))); err != nil {
			return fmt.Errorf("advance feed head: %w", err)
		}
		r = FanOutResult{Messages: len(msgs), Deliveries: len(deliveries)}
		return nil
	})
	if err != nil {
		return FanOutResult{}, fmt.Errorf("fan out: %w", err)
	}
	return r, nil
}

// openObjects returns the (object, endpoint) pairs among objects that have a
// pending or waiting delivery.
func (q *Querier) openObjects(ctx context.Context, objects []string) (map[[2]string]bool, error) {
	open := map[[2]string]bool{}
	for chunk := range chunks(objects, 400) {
		w := where{}
		w.in("object_id", chunk)
		rows, err := q.q.QueryContext(ctx, `SELECT object_id, endpoint_id FROM webhook_deliveries`+w.sql()+` AND state = 'pending'
			UNION ALL SELECT object_id, endpoint_id FROM webhook_deliveries`+w.sql()+` AND state = 'waiting'`, w.args...)
		if err != nil {
			return nil, fmt.Errorf("read open deliveries: %w", err)
		}
		for rows.Next() {
			var k [2]string
			if err := rows.Scan(&k[0], &k[1]); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read open deliveries: %w", err)
			}
			open[k] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read open deliveries: %w", err)
		}
	}
	return open, nil
}

func (q *Querier) liveEndpoints(ctx context.Context) ([]WebhookEndpoint, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+endpointCols+` FROM webhook_endpoints WHERE deleted_at IS NULL ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("read webhook endpoints: %w", err)
	}
	defer rows.Close()
	var out []WebhookEndpoint
	for rows.Next() {
		e, err := scanEndpoint(rows)
		if err != nil {
			return nil, fmt.Errorf("read webhook endpoints: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// insertRows inserts rows with a multi-row VALUES list, in chunks that keep
// the number of parameters well under both engines' limits. Each row's
// values are numbered placeholders followed by the constant SQL in tail
// (which may refer to the row's own placeholders as $1..$n).
func (tx *Tx) insertRows(ctx context.Context, prefix, tail string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	width := len(rows[0])
	per := max(1, 900/width)
	for chunk := range chunks(rows, per) {
		var sb strings.Builder
		sb.WriteString(prefix)
		args := make([]any, 0, len(chunk)*width)
		for i, row := range chunk {
			if i > 0 {
				sb.WriteString(", ")
			}
			base := len(args)
			sb.WriteByte('(')
			for j := range row {
				if j > 0 {
					sb.WriteString(", ")
				}
				sb.WriteString("$" + strconv.Itoa(base+j+1))
			}
			if tail != "" {
				sb.WriteString(", ")
				sb.WriteString(renumber(tail, base))
			}
			sb.WriteByte(')')
			args = append(args, row...)
		}
		if _, err := tx.exec(ctx, sb.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// renumber shifts the placeholders $1..$9 in s by base.
func renumber(s string, base int) string {
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '$' && i+1 < len(s) && s[i+1] >= '1' && s[i+1] <= '9' {
			sb.WriteString("$" + strconv.Itoa(base+int(s[i+1]-'0')))
			i++
			continue
		}
		sb.WriteByte(s[i])
	}
	return sb.String()
}

func chunks[T any](s []T, n int) func(func([]T) bool) {
	return func(yield func([]T) bool) {
		for len(s) > 0 {
			k := min(n, len(s))
			if !yield(s[:k]) {
				return
			}
			s = s[k:]
		}
	}
}

// FeedItem is a published message with its place in the feed.
type FeedItem struct {
	Seq int64
	Message
}

// FeedPage is a page of the feed. Next is the cursor to ask for the
// following page with; it is the cursor asked with when nothing new is
// there, so a consumer can keep polling with it.
type FeedPage struct {
	Items []FeedItem
	Next  string
	// More reports that more items were available than the limit.
	More bool
}

// Actions reads the enforcement actions feed: published messages whose
// topic starts with "action.", in publication order, after the cursor
// ("" for the beginning). See Feed.
func (q *Querier) Actions(ctx context.Context, after string, limit int) (FeedPage, error) {
	return q.Feed(ctx, FeedActions, after, limit)
}

// Feed reads published messages of one kind (FeedActions, FeedEvents) in
// publication order after the cursor, at most limit (1 to 1000; 100 when
// not positive). Publication order is the order of fan-out, which is
// serialised, so a consumer that keeps its cursor never misses a message
// that committed late — unlike reading the outbox by id.
func (q *Querier) Feed(ctx context.Context, kind, after string, limit int) (FeedPage, error) {
	var from int64
	if after != "" {
		n, err := strconv.ParseInt(after, 10, 64)
		if err != nil || n < 0 {
			return FeedPage{}, fault.InvalidField("after", "is not a cursor returned by this feed")
		}
		from = n
	}
	switch {
	case limit <= 0:
		limit = 100
	case limit > 1000:
		limit = 1000
	}
	rows, err := q.q.QueryContext(ctx, `SELECT f.seq, o.id, o.topic, o.object_id, o.payload, o.created_at, o.published_at
		FROM feed f JOIN outbox o ON o.id = f.message_id WHERE f.kind = $1 AND f.seq > $2 ORDER BY f.seq LIMIT `+strconv.Itoa(limit+1), kind, from)
	if err != nil {
		return FeedPage{}, fmt.Errorf("read %s feed: %w", kind, err)
	}
	defer rows.Close()
	page := FeedPage{Next: after, Items: []FeedItem{}}
	for rows.Next() {
		var it FeedItem
		var payload string
		var created int64
		var pub sql.NullInt64
		if err := rows.Scan(&it.Seq, &it.ID, &it.Topic, &it.ObjectID, &payload, &created, &pub); err != nil {
			return FeedPage{}, fmt.Errorf("read %s feed: %w", kind, err)
		}
		it.Payload, it.CreatedAt, it.PublishedAt = []byte(payload), fromMicros(created), fromMicros(pub.Int64)
		page.Items = append(page.Items, it)
	}
	if err := rows.Err(); err != nil {
		return FeedPage{}, fmt.Errorf("read %s feed: %w", kind, err)
	}
	if len(page.Items) > limit {
		page.Items, page.More = page.Items[:limit], true
	}
	if n := len(page.Items); n > 0 {
		page.Next = strconv.FormatInt(page.Items[n-1].Seq, 10)
	}
	return page, nil
}

// --- deliveries ---

// DeliveryState is where a delivery stands.
type DeliveryState string

// Delivery states.
const (
	DeliveryPending DeliveryState = "pending"
	// DeliveryWaiting: queued behind an earlier message of the same object
	// to the same endpoint; it becomes pending when that one is delivered
	// or dead.
	DeliveryWaiting   DeliveryState = "waiting"
	DeliveryDelivered DeliveryState = "delivered"
	DeliveryDead      DeliveryState = "dead"
)

// WebhookDelivery is one message to one endpoint.
type WebhookDelivery struct {
	ID         string        `json:"id"`
	MessageID  string        `json:"message_id"`
	EndpointID string        `json:"endpoint_id"`
	Topic      string        `json:"topic"`
	ObjectID   string        `json:"object_id"`
	Seq        int64         `json:"seq"`
	State      DeliveryState `json:"state"`
	// Attempts counts attempts since the delivery was created or last
	// redelivered; History has them all.
	Attempts int `json:"attempts"`
	// NextAttemptAt is when a pending delivery is due (or its claim's lease
	// ends); zero once delivered or dead.
	NextAttemptAt time.Time        `json:"next_attempt_at,omitzero"`
	LastStatus    int              `json:"last_status,omitempty"`
	LastError     string           `json:"last_error,omitempty"`
	CreatedAt     time.Time        `json:"created_at"`
	DeliveredAt   time.Time        `json:"delivered_at,omitzero"`
	History       []WebhookAttempt `json:"history,omitempty"`
}

// WebhookAttempt is one attempt to deliver.
type WebhookAttempt struct {
	ID         string    `json:"id"`
	DeliveryID string    `json:"delivery_id"`
	At         time.Time `json:"at"`
	// Status is the HTTP status, 0 when no response arrived.
	Status   int           `json:"status,omitempty"`
	Error    string        `json:"error,omitempty"`
	Duration time.Duration `json:"duration_ns"`
}

// DeliveryFilter selects deliveries.
type DeliveryFilter struct {
	EndpointID string
	MessageID  string
	State      DeliveryState
	// History loads each delivery's attempts.
	History bool
}

const deliveryCols = `d.id, d.message_id, d.endpoint_id, o.topic, d.object_id, d.seq, d.state, d.attempts, d.next_attempt_at,
	d.last_status, d.last_error, d.created_at, d.delivered_at`

func scanDelivery(row interface{ Scan(...any) error }) (WebhookDelivery, error) {
	var d WebhookDelivery
	var next, created int64
	var delivered sql.NullInt64
	err := row.Scan(&d.ID, &d.MessageID, &d.EndpointID, &d.Topic, &d.ObjectID, &d.Seq, &d.State, &d.Attempts, &next,
		&d.LastStatus, &d.LastError, &created, &delivered)
	d.NextAttemptAt, d.CreatedAt, d.DeliveredAt = fromMicros(next), fromMicros(created), fromMicros(delivered.Int64)
	return d, err
}

// WebhookDelivery loads a delivery with its attempts.
func (q *Querier) WebhookDelivery(ctx context.Context, deliveryID string) (WebhookDelivery, error) {
	d, err := scanDelivery(q.q.QueryRowContext(ctx, `SELECT `+deliveryCols+` FROM webhook_deliveries d JOIN outbox o ON o.id = d.message_id
		WHERE d.id = $1`, deliveryID))
	if err != nil {
		return d, notFound(err, "webhook delivery "+deliveryID)
	}
	ds := []WebhookDelivery{d}
	if err := q.attachHistory(ctx, ds); err != nil {
		return d, err
	}
	return ds[0], nil
}

// WebhookDeliveries lists deliveries by id (creation order).
func (q *Querier) WebhookDeliveries(ctx context.Context, f DeliveryFilter, p Page) ([]WebhookDelivery, string, error) {
	w := where{}
	w.eq("d.endpoint_id", f.EndpointID)
	w.eq("d.message_id", f.MessageID)
	w.eq("d.state", string(f.State))
	w.after("d.id", p.After)
	rows, err := q.q.QueryContext(ctx, `SELECT `+deliveryCols+` FROM webhook_deliveries d JOIN outbox o ON o.id = d.message_id`+w.sql()+
		` ORDER BY d.id LIMIT `+fmt.Sprint(p.limit()), w.args...)
	if err != nil {
		return nil, "", fmt.Errorf("list webhook deliveries: %w", err)
	}
	var out []WebhookDelivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			rows.Close()
			return nil, "", fmt.Errorf("list webhook deliveries: %w", err)
		}
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list webhook deliveries: %w", err)
	}
	out, next := trim(out, p, func(d WebhookDelivery) string { return d.ID })
	if f.History {
		if err := q.attachHistory(ctx, out); err != nil {
			return nil, "", err
		}
	}
	return out, next, nil
}

// attachHistory loads the attempts of the deliveries in one query.
func (q *Querier) attachHistory(ctx context.Context, ds []WebhookDelivery) error {
	if len(ds) == 0 {
		return nil
	}
	idx := make(map[string]int, len(ds))
	ids := make([]string, len(ds))
	for i, d := range ds {
		idx[d.ID], ids[i] = i, d.ID
	}
	w := where{}
	w.in("delivery_id", ids)
	rows, err := q.q.QueryContext(ctx, `SELECT id, delivery_id, at, status, error, duration_us FROM webhook_attempts`+w.sql()+
		` ORDER BY at, id`, w.args...)
	if err != nil {
		return fmt.Errorf("read webhook attempts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a WebhookAttempt
		var at, us int64
		if err := rows.Scan(&a.ID, &a.DeliveryID, &at, &a.Status, &a.Error, &us); err != nil {
			return fmt.Errorf("read webhook attempts: %w", err)
		}
		a.At, a.Duration = fromMicros(at), time.Duration(us)*time.Microsecond
		i := idx[a.DeliveryID]
		ds[i].History = append(ds[i].History, a)
	}
	return rows.Err()
}

// WebhookClaim is a delivery claimed for one attempt, with what it takes to
// make it.
type WebhookClaim struct {
	DeliveryID string
	EndpointID string
	URL        string
	// Secret is the endpoint's signing secret (whsec_...).
	Secret    string
	MessageID string
	Topic     string
	Payload   []byte
	// Attempts made before this one.
	Attempts int
	// LeaseUntil is when the claim lapses; it also identifies the claim, so
	// the result of an attempt whose lease lapsed (and that another
	// dispatcher may have retried meanwhile) is recorded as history only.
	LeaseUntil time.Time
}

// ClaimWebhookDeliveries claims up to limit pending deliveries that are due
// at now, oldest due first, for attempts: each is leased until now+lease,
// so that a claim whose dispatcher dies falls due again. Deliveries of
// paused or deleted endpoints are skipped. On PostgreSQL the claimed rows
// are locked with SKIP LOCKED, so dispatchers on several nodes claim
// disjoint sets.
func (db *DB) ClaimWebhookDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]WebhookClaim, error) {
	var claims []WebhookClaim
	until := now.Add(lease)
	err := db.Tx(ctx, func(tx *Tx) error {
		claims = nil
		rows, err := tx.q.QueryContext(ctx, `SELECT d.id FROM webhook_deliveries d
			WHERE d.state = 'pending' AND d.next_attempt_at <= $1
			AND NOT EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.id = d.endpoint_id AND (e.enabled = 0 OR e.deleted_at IS NOT NULL))
			ORDER BY d.next_attempt_at, d.seq LIMIT `+strconv.Itoa(max(limit, 1))+tx.d.skipLocked, micros(now))
		if err != nil {
			return fmt.Errorf("select due deliveries: %w", err)
		}
		var ids []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, s)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("select due deliveries: %w", err)
		}
		if len(ids) == 0 {
			return nil
		}
		w := where{args: []any{micros(until)}}
		w.in("id", ids)
		if _, err := tx.exec(ctx, `UPDATE webhook_deliveries SET next_attempt_at = $1`+w.sql(), w.args...); err != nil {
			return fmt.Errorf("lease deliveries: %w", err)
		}
		w = where{}
		w.in("d.id", ids)
		rows, err = tx.q.QueryContext(ctx, `SELECT d.id, d.endpoint_id, e.url, e.secret, d.message_id, o.topic, o.payload, d.attempts
			FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id JOIN outbox o ON o.id = d.message_id`+w.sql()+
			` ORDER BY d.seq`, w.args...)
		if err != nil {
			return fmt.Errorf("read claimed deliveries: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			c := WebhookClaim{LeaseUntil: fromMicros(micros(until))}
			var payload string
			if err := rows.Scan(&c.DeliveryID, &c.EndpointID, &c.URL, &c.Secret, &c.MessageID, &c.Topic, &payload, &c.Attempts); err != nil {
				return fmt.Errorf("read claimed deliveries: %w", err)
			}
			c.Payload = []byte(payload)
			claims = append(claims, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("claim webhook deliveries: %w", err)
	}
	return claims, nil
}

// WebhookOutcome is what an attempt leads to.
type WebhookOutcome string

// Attempt outcomes.
const (
	// OutcomeDelivered: the receiver accepted the message.
	OutcomeDelivered WebhookOutcome = "delivered"
	// OutcomeRetry: try again at NextAttemptAt.
	OutcomeRetry WebhookOutcome = "retry"
	// OutcomeDead: give up; the delivery becomes a dead letter.
	OutcomeDead WebhookOutcome = "dead"
	// OutcomeGone: the receiver answered 410 Gone; the endpoint is paused
	// and the delivery waits, not counted as an attempt, until an admin
	// enables the endpoint again (or deletes it).
	OutcomeGone WebhookOutcome = "gone"
)

// WebhookResult is the result of one attempt on a claim.
type WebhookResult struct {
	DeliveryID string
	EndpointID string
	// LeaseUntil is the claim's (WebhookClaim.LeaseUntil).
	LeaseUntil time.Time
	Outcome    WebhookOutcome
	// NextAttemptAt is when to retry (OutcomeRetry).
	NextAttemptAt time.Time
	At            time.Time
	Status        int
	Error         string
	Duration      time.Duration
}

// maxErrorBytes bounds the stored error text of an attempt.
const maxErrorBytes = 500

// truncate cuts s to at most n bytes on a UTF-8 boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// RecordWebhookResults records attempts in one transaction: each attempt
// goes into the history, and its delivery moves on. A success is recorded
// whenever the delivery is still pending; any other outcome only while the
// delivery is still held by the same claim (its lease), so a dispatcher
// whose lease lapsed cannot overwrite a newer claim's progress. A delivery
// that ends (delivered or dead) releases the next waiting delivery of its
// object to its endpoint.
func (db *DB) RecordWebhookResults(ctx context.Context, results []WebhookResult) error {
	if len(results) == 0 {
		return nil
	}
	err := db.Tx(ctx, func(tx *Tx) error {
		// Releasing a waiting delivery must not interleave with a fan-out
		// that is queueing one behind the delivery that ends (on
		// PostgreSQL; SQLite has one writer anyway).
		if _, err := tx.exec(ctx, `SELECT seq FROM feed_head WHERE id = 1`+tx.d.forUpdate); err != nil {
			return fmt.Errorf("lock feed head: %w", err)
		}
		history := make([][]any, len(results))
		for i, r := range results {
			history[i] = []any{id.New("att", r.At), r.DeliveryID, micros(r.At), r.Status, truncate(r.Error, maxErrorBytes), r.Duration.Microseconds()}
		}
		if err := tx.insertRows(ctx, `INSERT INTO webhook_attempts (id, delivery_id, at, status, error, duration_us) VALUES `, "", history); err != nil {
			return fmt.Errorf("insert attempts: %w", err)
		}
		var ended [][2]string // (object, endpoint) of deliveries that ended
		for _, r := range results {
			obj, err := tx.recordResult(ctx, r)
			if err != nil {
				return fmt.Errorf("record attempt on %s: %w", r.DeliveryID, err)
			}
			if obj != "" {
				ended = append(ended, [2]string{obj, r.EndpointID})
			}
		}
		return tx.releaseWaiting(ctx, ended, micros(results[len(results)-1].At))
	})
	if err != nil {
		return fmt.Errorf("record webhook results: %w", err)
	}
	return nil
}

// recordResult records one attempt's outcome; it returns the delivery's
// object id when the delivery ended (delivered or dead).
func (tx *Tx) recordResult(ctx context.Context, r WebhookResult) (string, error) {
	msg, lease, at := truncate(r.Error, maxErrorBytes), micros(r.LeaseUntil), micros(r.At)
	var ended string
	var err error
	switch r.Outcome {
	case OutcomeDelivered:
		ended, err = tx.ending(ctx, `UPDATE webhook_deliveries SET state = 'delivered', attempts = attempts + 1, next_attempt_at = 0,
			last_status = $2, last_error = '', delivered_at = $3 WHERE id = $1 AND state = 'pending' RETURNING object_id`, r.DeliveryID, r.Status, at)
	case OutcomeRetry:
		_, err = tx.exec(ctx, `UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = $3, last_status = $4, last_error = $5
			WHERE id = $1 AND state = 'pending' AND next_attempt_at = $2`, r.DeliveryID, lease, micros(r.NextAttemptAt), r.Status, msg)
	case OutcomeDead:
		ended, err = tx.ending(ctx, `UPDATE webhook_deliveries SET state = 'dead', attempts = attempts + 1, next_attempt_at = 0, last_status = $3,
			last_error = $4 WHERE id = $1 AND state = 'pending' AND next_attempt_at = $2 RETURNING object_id`, r.DeliveryID, lease, r.Status, msg)
	case OutcomeGone:
		_, err = tx.exec(ctx, `UPDATE webhook_deliveries SET next_attempt_at = $3, last_status = $4, last_error = $5
			WHERE id = $1 AND state = 'pending' AND next_attempt_at = $2`, r.DeliveryID, lease, at, r.Status, msg)
		if err == nil {
			_, err = tx.exec(ctx, `UPDATE webhook_endpoints SET enabled = 0, disabled_reason = $2, updated_at = $3 WHERE id = $1 AND enabled = 1`,
				r.EndpointID, "the receiver answered 410 Gone", at)
		}
	default:
		err = fmt.Errorf("unknown outcome %q", r.Outcome)
	}
	return ended, err
}

// releaseWaiting makes the first waiting delivery of each (object,
// endpoint) pair pending, due at.
func (tx *Tx) releaseWaiting(ctx context.Context, pairs [][2]string, at int64) error {
	for chunk := range chunks(pairs, 400) {
		args := []any{at}
		values := make([]string, len(chunk))
		objects := make([]string, len(chunk))
		for i, p := range chunk {
			values[i] = fmt.Sprintf("($%d, $%d)", len(args)+1, len(args)+2)
			objects[i] = fmt.Sprintf("$%d", len(args)+1)
			args = append(args, p[0], p[1])
		}
		// The object_id IN list lets the waiting index be searched; the
		// row values keep each object to its own endpoint.
		_, err := tx.exec(ctx, `UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = $1 WHERE id IN (
			SELECT w.id FROM webhook_deliveries w WHERE w.state = 'waiting' AND w.object_id IN (`+strings.Join(objects, ", ")+`)
			AND (w.object_id, w.endpoint_id) IN (VALUES `+strings.Join(values, ", ")+`)
			AND w.seq = (SELECT MIN(x.seq) FROM webhook_deliveries x WHERE x.state = 'waiting' AND x.object_id = w.object_id AND x.endpoint_id = w.endpoint_id))`,
			args...)
		if err != nil {
			return fmt.Errorf("release waiting deliveries: %w", err)
		}
	}
	return nil
}

// ending runs an UPDATE … RETURNING object_id that ends a delivery; it
// returns the object id when the update took place, else "".
func (tx *Tx) ending(ctx context.Context, query string, args ...any) (string, error) {
	var obj string
	err := tx.q.QueryRowContext(ctx, query, args...).Scan(&obj)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return obj, err
}

// RedeliverWebhook makes a dead delivery pending again, due at now, with
// its attempt count reset (its history stays). Only a dead letter of an
// endpoint that is not deleted can be redelivered.
func (tx *Tx) RedeliverWebhook(ctx context.Context, deliveryID string, now time.Time) error {
	var state DeliveryState
	var deleted sql.NullInt64
	err := tx.q.QueryRowContext(ctx, `SELECT d.state, e.deleted_at FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
		WHERE d.id = $1`+tx.d.forUpdate, deliveryID).Scan(&state, &deleted)
	if err != nil {
		return notFound(err, "webhook delivery "+deliveryID)
	}
	if state != DeliveryDead || deleted.Valid {
		return fault.New(fault.ErrState, "only a dead delivery to an endpoint that is not deleted can be redelivered")
	}
	return tx.execOne(ctx, "redeliver "+deliveryID, `UPDATE webhook_deliveries SET state = 'pending', attempts = 0, next_attempt_at = $2
		WHERE id = $1 AND state = 'dead'`, deliveryID, micros(now))
}

// RedeliverDeadWebhooks makes every dead delivery of an endpoint pending
// again (after an outage has been fixed) and returns how many.
func (tx *Tx) RedeliverDeadWebhooks(ctx context.Context, endpointID string, now time.Time) (int, error) {
	e, err := tx.WebhookEndpointForUpdate(ctx, endpointID)
	if err != nil {
		return 0, err
	}
	if !e.DeletedAt.IsZero() {
		return 0, fault.New(fault.ErrState, "the endpoint is deleted")
	}
	res, err := tx.exec(ctx, `UPDATE webhook_deliveries SET state = 'pending', attempts = 0, next_attempt_at = $2
		WHERE endpoint_id = $1 AND state = 'dead'`, endpointID, micros(now))
	if err != nil {
		return 0, fmt.Errorf("redeliver dead letters of %s: %w", endpointID, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// NextWebhookDue returns the earliest time after now at which a pending
// delivery of an enabled endpoint falls due (or its claim's lease ends); ok
// is false when there is none.
func (q *Querier) NextWebhookDue(ctx context.Context, now time.Time) (at time.Time, ok bool, err error) {
	var v sql.NullInt64
	err = q.q.QueryRowContext(ctx, `SELECT MIN(d.next_attempt_at) FROM webhook_deliveries d WHERE d.state = 'pending' AND d.next_attempt_at > $1
		AND NOT EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.id = d.endpoint_id AND (e.enabled = 0 OR e.deleted_at IS NOT NULL))`,
		micros(now)).Scan(&v)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, fmt.Errorf("next webhook due: %w", err)
	}
	return fromMicros(v.Int64), v.Valid, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
