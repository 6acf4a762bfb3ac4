package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/id"
	"github.com/dajia-project/dajia/internal/registry"
	"github.com/dajia-project/dajia/internal/store"
)

// Session is a new login: the token goes into the cookie, never into storage.
type Session struct {
	Token     string
	Principal auth.Principal
	User      auth.User
}

// Login checks an e-mail address and password and opens a session. Wrong
// e-mail and wrong password fail the same way, in the same time.
func (a *App) Login(ctx context.Context, email, password string) (Session, error) {
	u, err := a.db.UserByEmail(ctx, email)
	if errors.Is(err, fault.ErrNotFound) {
		auth.BurnPasswordCheck(password)
		return Session{}, fault.New(fault.ErrUnauthenticated, "e-mail address or password is wrong")
	}
	if err != nil {
		return Session{}, err
	}
	ok, err := auth.VerifyPassword(password, u.PasswordHash)
	if err != nil {
		return Session{}, fmt.Errorf("verify password of %s: %w", u.ID, err)
	}
	if !ok || !u.DisabledAt.IsZero() {
		return Session{}, fault.New(fault.ErrUnauthenticated, "e-mail address or password is wrong")
	}
	token, hash := auth.NewToken()
	now := a.Now()
	if err := a.db.Tx(ctx, func(tx *store.Tx) error {
		return tx.InsertSession(ctx, hash, u.ID, now, now.Add(auth.SessionTTL))
	}); err != nil {
		return Session{}, fmt.Errorf("open session: %w", err)
	}
	p, _, err := a.db.SessionPrincipal(ctx, hash, now)
	return Session{Token: token, Principal: p, User: u}, err
}

// Logout ends a session.
func (a *App) Logout(ctx context.Context, token string) error {
	return a.db.DeleteSession(ctx, auth.HashToken(token))
}

// SessionPrincipal resolves a session token.
func (a *App) SessionPrincipal(ctx context.Context, token string) (auth.Principal, auth.User, error) {
	p, u, err := a.db.SessionPrincipal(ctx, auth.HashToken(token), a.Now())
	if errors.Is(err, fault.ErrNotFound) {
		err = fault.New(fault.ErrUnauthenticated, "your session has ended; log in again")
	}
	return p, u, err
}

// KeyPrincipal resolves an API key ("dajia_<id>.<secret>").
func (a *App) KeyPrincipal(ctx context.Context, key string) (auth.Principal, error) {
	keyID, secret, ok := auth.ParseAPIKey(key)
	if !ok {
		return auth.Principal{}, fault.New(fault.ErrUnauthenticated, "API key is malformed; it starts with %q", auth.APIKeyPrefix)
	}
	p, err := a.db.KeyPrincipal(ctx, keyID, auth.HashToken(secret), a.Now())
	if errors.Is(err, fault.ErrUnauthenticated) {
		err = fault.New(fault.ErrUnauthenticated, "API key is unknown or revoked")
	}
	return p, err
}

// NewUserInput is a user to create.
type NewUserInput struct {
	OrgID    string
	Email    string
	Name     string
	Password string
	Role     auth.Role
}

// CreateUser adds a user to an organisation. System (the CLI) may create
// any user; admins any; owners users of their own organisation.
func (a *App) CreateUser(ctx context.Context, p auth.Principal, in NewUserInput) (auth.User, error) {
	var u auth.User
	now := a.Now()
	err := a.db.Tx(ctx, func(tx *store.Tx) error {
		org, err := targetOrg(ctx, tx, p, in.OrgID, auth.UserCreate, auth.KindUser, in.Role)
		if err != nil {
			return err
		}
		u, err = auth.NewUser(id.New("usr", now), org, in.Email, in.Name, in.Password, in.Role, a.password, now)
		if err != nil {
			return err
		}
		if err := tx.InsertUser(ctx, u); err != nil {
			if errors.Is(err, fault.ErrConflict) {
				return fault.New(fault.ErrConflict, "a user with e-mail %s already exists", u.Email)
			}
			return err
		}
		return a.record(ctx, tx, p, now, change{action: "user.create", objectType: "user", objectID: u.ID, orgID: org.ID, after: u})
	})
	return u, err
}

// Users lists users: an organisation's for its owner, anyone's for admins.
func (a *App) Users(ctx context.Context, p auth.Principal, orgID string, page store.Page) ([]auth.User, string, error) {
	if orgID == "" && !p.Is(auth.RoleAdmin) {
		orgID = p.OrgID
	}
	res := auth.Resource{Kind: auth.KindUser, OrgID: orgID}
	if orgID == "" {
		res.OrgID = p.OrgID // an admin listing everyone: judged as their own collection
	}
	if err := auth.Check(p, auth.UserRead, res); err != nil {
		return nil, "", err
	}
	return a.db.Users(ctx, orgID, page)
}

// SetUserDisabled disables or re-enables a user (and ends their sessions).
func (a *App) SetUserDisabled(ctx context.Context, p auth.Principal, userID string, disabled bool) (auth.User, error) {
	var u auth.User
	now := a.Now()
	err := a.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if u, err = tx.User(ctx, userID); err != nil {
			return err
		}
		if err := auth.Check(p, auth.UserDisable, auth.Resource{Kind: auth.KindUser, OrgID: u.OrgID, TargetRole: u.Role}); err != nil {
			return err
		}
		if u.ID == p.UserID && disabled {
			return fault.New(fault.ErrForbidden, "you cannot disable your own account")
		}
		before := u
		u.DisabledAt = now
		action := "user.disable"
		if !disabled {
			u.DisabledAt, action = time.Time{}, "user.enable"
		}
		if err := tx.SetUserDisabled(ctx, u.ID, u.DisabledAt); err != nil {
			return err
		}
		return a.record(ctx, tx, p, now, change{action: action, objectType: "user", objectID: u.ID, orgID: u.OrgID, before: before, after: u})
	})
	return u, err
}

// UserByEmail finds a user (for the CLI, acting as System).
func (a *App) UserByEmail(ctx context.Context, email string) (auth.User, error) {
	return a.db.UserByEmail(ctx, email)
}

// targetOrg resolves the organisation a new user or key belongs to (the
// principal's own when orgID is empty) and checks the principal may act on it.
// An unknown organisation is a field error, since the caller named it.
func targetOrg(ctx context.Context, tx *store.Tx, p auth.Principal, orgID string, action auth.Action, kind auth.Kind, role auth.Role) (registry.Organisation, error) {
	if orgID == "" {
		orgID = p.OrgID
	}
	org, err := tx.Org(ctx, orgID)
	if err != nil {
		if errors.Is(err, fault.ErrNotFound) {
			return org, fault.InvalidField("org_id", "no organisation %s", orgID)
		}
		return org, err
	}
	return org, auth.Check(p, action, auth.Resource{Kind: kind, OrgID: org.ID, TargetRole: role})
}

// NewKeyInput is an API key to issue.
type NewKeyInput struct {
	OrgID string
	Role  auth.Role
	Name  string
}

// CreateAPIKey issues a key scoped to one organisation and role; the secret
// is returned once and only its hash is stored.
func (a *App) CreateAPIKey(ctx context.Context, p auth.Principal, in NewKeyInput) (auth.APIKey, string, error) {
	var k auth.APIKey
	var secret string
	now := a.Now()
	err := a.db.Tx(ctx, func(tx *store.Tx) error {
		org, err := targetOrg(ctx, tx, p, in.OrgID, auth.KeyCreate, auth.KindKey, in.Role)
		if err != nil {
			return err
		}
		v := new(fault.Invalid)
		if !in.Role.ValidFor(org.Kind) {
			v.Add("role", "role %q is not available to a %s organisation", in.Role, org.Kind)
		}
		in.Name = strings.TrimSpace(in.Name)
		if in.Name == "" || len(in.Name) > 100 {
			v.Add("name", "name the key (1 to 100 characters) so you can tell keys apart")
		}
		if err := v.Err(); err != nil {
			return err
		}
		var hash string
		secret, hash = auth.NewToken()
		k = auth.APIKey{ID: id.New("key", now), OrgID: org.ID, Role: in.Role, Name: in.Name, CreatedBy: p.ActorID(), CreatedAt: now}
		if err := tx.InsertAPIKey(ctx, k, hash); err != nil {
			return err
		}
		return a.record(ctx, tx, p, now, change{action: "api_key.create", objectType: "api_key", objectID: k.ID, orgID: org.ID, after: k})
	})
	if err != nil {
		return k, "", err
	}
	return k, auth.FormatAPIKey(k.ID, secret), nil
}

// RevokeAPIKey revokes a key.
func (a *App) RevokeAPIKey(ctx context.Context, p auth.Principal, keyID string) (auth.APIKey, error) {
	var k auth.APIKey
	now := a.Now()
	err := a.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if k, err = tx.APIKey(ctx, keyID); err != nil {
			return err
		}
		if err := auth.Check(p, auth.KeyRevoke, auth.Resource{Kind: auth.KindKey, OrgID: k.OrgID, TargetRole: k.Role}); err != nil {
			return err
		}
		if !k.RevokedAt.IsZero() {
			return fault.New(fault.ErrState, "key %s was already revoked", k.ID)
		}
		before := k
		k.RevokedAt = now
		if err := tx.RevokeAPIKey(ctx, k.ID, now); err != nil {
			return err
		}
		return a.record(ctx, tx, p, now, change{action: "api_key.revoke", objectType: "api_key", objectID: k.ID, orgID: k.OrgID, before: before, after: k})
	})
	return k, err
}

// APIKeys lists an organisation's keys (never their secrets).
func (a *App) APIKeys(ctx context.Context, p auth.Principal, orgID string, page store.Page) ([]auth.APIKey, string, error) {
	if orgID == "" {
		orgID = p.OrgID
	}
	if err := auth.Check(p, auth.UserRead, auth.Resource{Kind: auth.KindKey, OrgID: orgID}); err != nil {
		return nil, "", err
	}
	return a.db.APIKeys(ctx, orgID, page)
}

// EnsurePlatform creates the platform organisation on first start and
// returns it.
func (a *App) EnsurePlatform(ctx context.Context, name string) (registry.Organisation, error) {
	orgs, _, err := a.db.Orgs(ctx, store.OrgFilter{Kind: registry.KindPlatform}, store.Page{Limit: 1})
	if err != nil {
		return registry.Organisation{}, err
	}
	if len(orgs) > 0 {
		return orgs[0], nil
	}
	return a.CreateOrg(ctx, auth.System, registry.KindPlatform, registry.OrgDetails{LegalName: name, Country: ""})
}
