package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/registry"
)

// InsertUser stores a user; a taken e-mail address is fault.ErrConflict.
func (tx *Tx) InsertUser(ctx context.Context, u auth.User) error {
	_, err := tx.exec(ctx, `INSERT INTO users (id, org_id, email, name, role, password_hash, disabled_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, u.ID, u.OrgID, u.Email, u.Name, u.Role, u.PasswordHash, nullMicros(u.DisabledAt), micros(u.CreatedAt))
	if err != nil {
		return fmt.Errorf("insert user: %w", err)
	}
	return nil
}

// SetUserDisabled disables (at non-zero) or re-enables a user; disabling
// also ends the user's sessions.
func (tx *Tx) SetUserDisabled(ctx context.Context, userID string, at time.Time) error {
	if err := tx.execOne(ctx, "disable user "+userID, `UPDATE users SET disabled_at = $2 WHERE id = $1`, userID, nullMicros(at)); err != nil {
		return err
	}
	if !at.IsZero() {
		if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
			return fmt.Errorf("end sessions: %w", err)
		}
	}
	return nil
}

// SetPassword replaces a user's password hash and ends their sessions.
func (tx *Tx) SetPassword(ctx context.Context, userID, hash string) error {
	if err := tx.execOne(ctx, "set password "+userID, `UPDATE users SET password_hash = $2 WHERE id = $1`, userID, hash); err != nil {
		return err
	}
	_, err := tx.exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	return err
}

const userCols = `id, org_id, email, name, role, password_hash, disabled_at, created_at`

func scanUser(s interface{ Scan(...any) error }) (auth.User, error) {
	var u auth.User
	var disabled sql.NullInt64
	var created int64
	err := s.Scan(&u.ID, &u.OrgID, &u.Email, &u.Name, &u.Role, &u.PasswordHash, &disabled, &created)
	u.CreatedAt = fromMicros(created)
	if disabled.Valid {
		u.DisabledAt = fromMicros(disabled.Int64)
	}
	return u, err
}

// User loads a user by id.
func (q *Querier) User(ctx context.Context, id string) (auth.User, error) {
	u, err := scanUser(q.q.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE id = $1`, id))
	if err != nil {
		return u, notFound(err, "user "+id)
	}
	return u, nil
}

// UserByEmail loads a user by (normalised) e-mail address.
func (q *Querier) UserByEmail(ctx context.Context, email string) (auth.User, error) {
	u, err := scanUser(q.q.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE email = $1`, auth.NormalizeEmail(email)))
	if err != nil {
		return u, notFound(err, "user "+email)
	}
	return u, nil
}

// Users lists an organisation's users, or everyone's when orgID is empty.
func (q *Querier) Users(ctx context.Context, orgID string, p Page) ([]auth.User, string, error) {
	w := where{}
	w.eq("org_id", orgID)
	w.after("id", p.After)
	rows, err := q.q.QueryContext(ctx, `SELECT `+userCols+` FROM users`+w.sql()+` ORDER BY id LIMIT `+fmt.Sprint(p.limit()), w.args...)
	if err != nil {
		return nil, "", fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []auth.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, "", err
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	out, next := trim(out, p, func(u auth.User) string { return u.ID })
	return out, next, nil
}

// --- sessions ---

// InsertSession stores a session under the hash of its token.
func (tx *Tx) InsertSession(ctx context.Context, tokenHash, userID string, now, expires time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $3)`,
		tokenHash, userID, micros(now), micros(expires))
	return err
}

// DeleteSession ends a session.
func (q *Querier) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := q.exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash)
	return err
}

// SessionPrincipal resolves a live session to its principal, sliding its
// idle expiry forward (never past the session's maximum age).
func (q *Querier) SessionPrincipal(ctx context.Context, tokenHash string, now time.Time) (auth.Principal, auth.User, error) {
	var created, expires int64
	var p auth.Principal
	u, err := scanUser(q.q.QueryRowContext(ctx, `SELECT u.id, u.org_id, u.email, u.name, u.role, u.password_hash, u.disabled_at, u.created_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1`, tokenHash))
	if err != nil {
		return p, u, notFound(err, "session")
	}
	if err := q.q.QueryRowContext(ctx, `SELECT created_at, expires_at FROM sessions WHERE token_hash = $1`, tokenHash).Scan(&created, &expires); err != nil {
		return p, u, notFound(err, "session")
	}
	if !u.DisabledAt.IsZero() || now.UnixMicro() >= expires {
		q.DeleteSession(ctx, tokenHash)
		return p, u, fmt.Errorf("session: %w", fault.ErrUnauthenticated)
	}
	next := min(now.Add(auth.SessionTTL).UnixMicro(), fromMicros(created).Add(auth.SessionMaxAge).UnixMicro())
	if next-expires > int64(time.Minute/time.Microsecond) { // write at most about once a minute
		q.exec(ctx, `UPDATE sessions SET expires_at = $2, last_seen_at = $3 WHERE token_hash = $1`, tokenHash, next, micros(now))
	}
	org, err := q.Org(ctx, u.OrgID)
	if err != nil {
		return p, u, err
	}
	return principal(u.ID, "", org, u.Role), u, nil
}

func principal(userID, keyID string, org registry.Organisation, role auth.Role) auth.Principal {
	return auth.Principal{UserID: userID, KeyID: keyID, OrgID: org.ID, OrgKind: org.Kind, OrgState: org.State, Role: role}
}

// --- API keys ---

// InsertAPIKey stores a key with the hash of its secret.
func (tx *Tx) InsertAPIKey(ctx context.Context, k auth.APIKey, secretHash string) error {
	_, err := tx.exec(ctx, `INSERT INTO api_keys (id, org_id, role, name, secret_hash, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		k.ID, k.OrgID, k.Role, k.Name, secretHash, k.CreatedBy, micros(k.CreatedAt))
	if err != nil {
		return fmt.Errorf("insert api key: %w", err)
	}
	return nil
}

// RevokeAPIKey revokes a key.
func (tx *Tx) RevokeAPIKey(ctx context.Context, id string, at time.Time) error {
	return tx.execOne(ctx, "revoke api key "+id, `UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`, id, micros(at))
}

const keyCols = `id, org_id, role, name, created_by, created_at, revoked_at, last_used_at`

func scanKey(s interface{ Scan(...any) error }) (auth.APIKey, error) {
	var k auth.APIKey
	var created int64
	var revoked, used sql.NullInt64
	err := s.Scan(&k.ID, &k.OrgID, &k.Role, &k.Name, &k.CreatedBy, &created, &revoked, &used)
	k.CreatedAt, k.RevokedAt, k.LastUsedAt = fromMicros(created), fromMicros(revoked.Int64), fromMicros(used.Int64)
	return k, err
}

// APIKey loads a key's record (never its secret).
func (q *Querier) APIKey(ctx context.Context, id string) (auth.APIKey, error) {
	k, err := scanKey(q.q.QueryRowContext(ctx, `SELECT `+keyCols+` FROM api_keys WHERE id = $1`, id))
	if err != nil {
		return k, notFound(err, "api key "+id)
	}
	return k, nil
}

// APIKeys lists an organisation's keys.
func (q *Querier) APIKeys(ctx context.Context, orgID string, p Page) ([]auth.APIKey, string, error) {
	w := where{}
	w.eq("org_id", orgID)
	w.after("id", p.After)
	rows, err := q.q.QueryContext(ctx, `SELECT `+keyCols+` FROM api_keys`+w.sql()+` ORDER BY id LIMIT `+fmt.Sprint(p.limit()), w.args...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var out []auth.APIKey
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, "", err
		}
		out = append(out, k)
	}
	out, next := trim(out, p, func(k auth.APIKey) string { return k.ID })
	return out, next, rows.Err()
}

// KeyPrincipal resolves a key id and secret hash to its principal.
func (q *Querier) KeyPrincipal(ctx context.Context, keyID, secretHash string, now time.Time) (auth.Principal, error) {
	var hash string
	var revoked, used sql.NullInt64
	var k auth.APIKey
	err := q.q.QueryRowContext(ctx, `SELECT org_id, role, secret_hash, revoked_at, last_used_at FROM api_keys WHERE id = $1`, keyID).
		Scan(&k.OrgID, &k.Role, &hash, &revoked, &used)
	if err != nil || revoked.Valid || !equalHash(hash, secretHash) {
		return auth.Principal{}, fmt.Errorf("api key: %w", fault.ErrUnauthenticated)
	}
	if now.UnixMicro()-used.Int64 > int64(time.Minute/time.Microsecond) {
		q.exec(ctx, `UPDATE api_keys SET last_used_at = $2 WHERE id = $1`, keyID, micros(now))
	}
	org, err := q.Org(ctx, k.OrgID)
	if err != nil {
		return auth.Principal{}, err
	}
	return principal("", keyID, org, k.Role), nil
}
