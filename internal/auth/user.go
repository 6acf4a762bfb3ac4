package auth

import (
	"net/mail"
	"strings"
	"time"

	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/registry"
)

// User is a person who logs in.
type User struct {
	ID           string    `json:"id"`
	OrgID        string    `json:"org_id"`
	Email        string    `json:"email"`
	Name         string    `json:"name"`
	Role         Role      `json:"role"`
	PasswordHash string    `json:"-"`
	DisabledAt   time.Time `json:"disabled_at,omitzero"`
	CreatedAt    time.Time `json:"created_at"`
}

// NormalizeEmail lower-cases and trims an address so that logins are
// case-insensitive.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// NewUser validates and builds a user of an organisation of kind k; the
// password is hashed here and never kept.
func NewUser(id string, org registry.Organisation, email, name, password string, role Role, p PasswordParams, now time.Time) (User, error) {
	v := new(fault.Invalid)
	email = NormalizeEmail(email)
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
		v.Add("email", "must be an e-mail address such as ana@example.com")
	}
	if !role.ValidFor(org.Kind) {
		if role.Valid() {
			v.Add("role", "%s is a platform role; a %s organisation's users are owner or member", role, org.Kind)
		} else {
			v.Add("role", "must be one of admin, reviewer, investigator, liaison, volunteer, integration, owner, member")
		}
	}
	if err := CheckPasswordStrength(password); err != nil {
		v.Add("password", "%s", err.Error())
	}
	if len(name) > 100 {
		v.Add("name", "must be at most 100 characters")
	}
	if err := v.Err(); err != nil {
		return User{}, err
	}
	if strings.TrimSpace(name) == "" {
		name, _, _ = strings.Cut(email, "@")
	}
	return User{ID: id, OrgID: org.ID, Email: email, Name: strings.TrimSpace(name), Role: role,
		PasswordHash: HashPassword(password, p), CreatedAt: now}, nil
}

// APIKey is a program's credential, scoped to one organisation and role.
// Only the hash of its secret is stored.
type APIKey struct {
	ID         string    `json:"id"`
	OrgID      string    `json:"org_id"`
	Role       Role      `json:"role"`
	Name       string    `json:"name"`
	CreatedBy  string    `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
	RevokedAt  time.Time `json:"revoked_at,omitzero"`
	LastUsedAt time.Time `json:"last_used_at,omitzero"`
}

// SessionTTL is how long a session lasts without use; SessionMaxAge caps it.
const (
	SessionTTL    = 12 * time.Hour
	SessionMaxAge = 7 * 24 * time.Hour
)
