package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/id"
)

// Message is an outbox row: an event or action leaving dajia.
type Message struct {
	ID          string    `json:"id"`
	Topic       string    `json:"topic"`
	ObjectID    string    `json:"object_id"`
	Payload     []byte    `json:"payload"`
	CreatedAt   time.Time `json:"created_at"`
	PublishedAt time.Time `json:"published_at,omitzero"`
}

// Enqueue writes a message to the outbox in the transaction; it is published
// only if the transaction commits. The message id is its idempotency key.
func (tx *Tx) Enqueue(ctx context.Context, topic, objectID string, payload []byte, now time.Time) (Message, error) {
	return tx.EnqueueID(ctx, id.New("msg", now), topic, objectID, payload, now)
}

// EnqueueID is Enqueue with a message id chosen by the caller (when the
// payload must carry its own id, as enforcement actions do).
func (tx *Tx) EnqueueID(ctx context.Context, msgID, topic, objectID string, payload []byte, now time.Time) (Message, error) {
	m := Message{ID: msgID, Topic: topic, ObjectID: objectID, Payload: payload, CreatedAt: now}
	tx.buffer(`INSERT INTO outbox (id, topic, object_id, payload, created_at) VALUES `, []any{m.ID, m.Topic, m.ObjectID, string(m.Payload), micros(now)})
	return m, nil
}

// Outbox lists messages after a cursor (id), oldest first; topic filters
// when set; unpublished keeps only messages not yet published.
func (q *Querier) Outbox(ctx context.Context, topic string, unpublished bool, p Page) ([]Message, string, error) {
	w := where{}
	w.eq("topic", topic)
	if unpublished {
		w.cond("published_at IS NULL")
	}
	w.after("id", p.After)
	rows, err := q.q.QueryContext(ctx, `SELECT id, topic, object_id, payload, created_at, published_at FROM outbox`+w.sql()+
		` ORDER BY id LIMIT `+fmt.Sprint(p.limit()), w.args...)
	if err != nil {
		return nil, "", fmt.Errorf("read outbox: %w", err)
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		var m Message
		var payload string
		var created int64
		var pub sql.NullInt64
		if err := rows.Scan(&m.ID, &m.Topic, &m.ObjectID, &payload, &created, &pub); err != nil {
			return nil, "", err
		}
		m.Payload, m.CreatedAt, m.PublishedAt = []byte(payload), fromMicros(created), fromMicros(pub.Int64)
		out = append(out, m)
	}
	out, next := trim(out, p, func(m Message) string { return m.ID })
	return out, next, rows.Err()
}

// MarkPublished records that a message has left dajia.
func (q *Querier) MarkPublished(ctx context.Context, msgID string, at time.Time) error {
	_, err := q.exec(ctx, `UPDATE outbox SET published_at = $2 WHERE id = $1 AND published_at IS NULL`, msgID, micros(at))
	return err
}

// --- idempotency ---

// IdempotentResponse is a stored response to replay for a repeated key.
type IdempotentResponse struct {
	Method, Path, BodyHash string
	Status                 int // 0 while the first request is still running
	ContentType            string
	Body                   []byte
}

// ReserveIdempotencyKey claims (scope, key) for a request. It returns the
// stored response and false when the key was used before.
func (q *Querier) ReserveIdempotencyKey(ctx context.Context, scope, key string, r IdempotentResponse, now time.Time) (IdempotentResponse, bool, error) {
	_, err := q.exec(ctx, `INSERT INTO idempotency_keys (scope, key, method, path, body_hash, status, content_type, response, created_at)
		VALUES ($1, $2, $3, $4, $5, 0, '', '', $6)`, scope, key, r.Method, r.Path, r.BodyHash, micros(now))
	if err == nil {
		return r, true, nil
	}
	if !errors.Is(err, fault.ErrConflict) {
		return r, false, fmt.Errorf("reserve idempotency key: %w", err)
	}
	var prev IdempotentResponse
	var body string
	err = q.q.QueryRowContext(ctx, `SELECT method, path, body_hash, status, content_type, response FROM idempotency_keys WHERE scope = $1 AND key = $2`,
		scope, key).Scan(&prev.Method, &prev.Path, &prev.BodyHash, &prev.Status, &prev.ContentType, &body)
	prev.Body = []byte(body)
	return prev, false, err
}

// CompleteIdempotencyKey stores the response for a reserved key; a response
// that must not be replayed (a server error) releases the key instead.
func (q *Querier) CompleteIdempotencyKey(ctx context.Context, scope, key string, status int, contentType string, body []byte) error {
	if status >= 500 {
		_, err := q.exec(ctx, `DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2`, scope, key)
		return err
	}
	_, err := q.exec(ctx, `UPDATE idempotency_keys SET status = $3, content_type = $4, response = $5 WHERE scope = $1 AND key = $2`,
		scope, key, status, contentType, string(body))
	return err
}

// --- settings ---

// Setting returns a stored setting, creating it with init() on first use
// (for example the server's HMAC secret).
func (db *DB) Setting(ctx context.Context, key string, init func() string) (string, error) {
	var v string
	err := db.q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v)
	if err == nil {
		return v, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("read setting %s: %w", key, err)
	}
	if _, err := db.exec(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, key, init()); err != nil {
		return "", fmt.Errorf("store setting %s: %w", key, err)
	}
	err = db.q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v)
	return v, err
}

// LookupSetting returns a stored setting and whether it exists.
func (q *Querier) LookupSetting(ctx context.Context, key string) (string, bool, error) {
	var v string
	err := q.q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read setting %s: %w", key, err)
	}
	return v, true, nil
}

// SetSetting stores a setting, replacing its value (in a transaction when
// called on a Tx).
func (q *Querier) SetSetting(ctx context.Context, key, value string) error {
	if _, err := q.exec(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value); err != nil {
		return fmt.Errorf("store setting %s: %w", key, err)
	}
	return nil
}
