package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/dajia-project/dajia/internal/audit"
	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/id"
	"github.com/dajia-project/dajia/internal/registry"
	"github.com/dajia-project/dajia/internal/store"
)

func authzResource(au registry.Authorization) auth.Resource {
	return auth.Resource{Kind: auth.KindAuthorization, OrgID: au.AgentOrgID, Parties: []string{au.PrincipalOrgID}}
}

// CreateAuthorization files an agent's authorisation for review.
func (a *App) CreateAuthorization(ctx context.Context, p auth.Principal, in registry.AuthorizationInput) (registry.Authorization, error) {
	var au registry.Authorization
	if err := auth.Check(p, auth.AuthzCreate, auth.Resource{Kind: auth.KindAuthorization}); err != nil {
		return au, err
	}
	now := a.Now()
	err := a.db.Tx(ctx, func(tx *store.Tx) error {
		agent, err := tx.Org(ctx, p.OrgID)
		if err != nil {
			return err
		}
		principal, err := tx.Org(ctx, in.PrincipalOrgID)
		if err != nil || principal.Kind != registry.KindRightsHolder {
			if err == nil || errors.Is(err, fault.ErrNotFound) {
				return fault.InvalidField("principal_org_id", "no rights holder %q", in.PrincipalOrgID)
			}
			return err
		}
		v := new(fault.Invalid)
		for i, rid := range in.RightIDs {
			r, err := tx.Right(ctx, rid)
			if err != nil && !errors.Is(err, fault.ErrNotFound) {
				return err
			}
			if err != nil || r.OwnerOrgID != principal.ID {
				v.Add(fmt.Sprintf("right_ids[%d]", i), "no right %q of %s", rid, principal.LegalName)
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		if in.Letter != nil {
			if in.Letter, err = a.resolveDoc(ctx, tx, p, agent.ID, "letter", in.Letter, registry.DocAuthorizationLetter); err != nil {
				return err
			}
		}
		if au, err = registry.NewAuthorization(id.New("au", now), agent, in, now); err != nil {
			return err
		}
		if err := tx.InsertAuthorization(ctx, au); err != nil {
			return err
		}
		return a.record(ctx, tx, p, now, change{action: "authorization.create", objectType: "authorization", objectID: au.ID, orgID: au.AgentOrgID, after: au})
	})
	return au, err
}

// Authorization returns an authorisation its agent, its principal or staff may see.
func (a *App) Authorization(ctx context.Context, p auth.Principal, authID string) (registry.Authorization, error) {
	au, err := a.db.Authorization(ctx, authID)
	if err != nil {
		return au, err
	}
	return au, auth.Check(p, auth.AuthzRead, authzResource(au))
}

// Authorizations lists authorisations: staff see all (optionally of one
// party); others those they are a party to.
func (a *App) Authorizations(ctx context.Context, p auth.Principal, party string, state registry.AuthState, page store.Page) ([]registry.Authorization, string, error) {
	f := store.AuthorizationFilter{Party: party, State: state}
	if err := auth.Check(p, auth.AuthzList, auth.Resource{Kind: auth.KindAuthorization}); err != nil {
		return nil, "", err
	}
	if !p.Platform() {
		f.Party = p.OrgID
	}
	return a.db.Authorizations(ctx, f, page)
}

// ReviewAuthorization verifies or rejects an authorisation.
func (a *App) ReviewAuthorization(ctx context.Context, p auth.Principal, authID string, d registry.Decision, reason string) (registry.Authorization, error) {
	return a.changeAuthorization(ctx, p, authID, auth.AuthzReview, "authorization.review", reason, func(au registry.Authorization) (registry.Authorization, error) {
		return au.Review(d, reason, p.ActorID(), a.Now())
	})
}

// RevokeAuthorization ends an authorisation (its principal or the platform).
func (a *App) RevokeAuthorization(ctx context.Context, p auth.Principal, authID, reason string) (registry.Authorization, error) {
	return a.changeAuthorization(ctx, p, authID, auth.AuthzRevoke, "authorization.revoke", reason, func(au registry.Authorization) (registry.Authorization, error) {
		return au.Revoke(reason, a.Now())
	})
}

func (a *App) changeAuthorization(ctx context.Context, p auth.Principal, authID string, act auth.Action, action, reason string,
	f func(registry.Authorization) (registry.Authorization, error)) (registry.Authorization, error) {
	var au registry.Authorization
	err := a.db.Tx(ctx, func(tx *store.Tx) error {
		before, err := tx.AuthorizationForUpdate(ctx, authID)
		if err != nil {
			return err
		}
		if err := auth.Check(p, act, authzResource(before)); err != nil {
			return err
		}
		if au, err = f(before); err != nil {
			return err
		}
		if err := tx.UpdateAuthorization(ctx, au); err != nil {
			return err
		}
		return a.record(ctx, tx, p, a.Now(), change{action: action, objectType: "authorization", objectID: au.ID, orgID: au.AgentOrgID, before: before, after: au, reason: reason})
	})
	return au, err
}

// AuditEntries lets admins read the audit log, filtered by object or actor.
func (a *App) AuditEntries(ctx context.Context, p auth.Principal, f store.AuditFilter) ([]audit.Entry, int64, error) {
	if err := auth.Check(p, auth.AuditRead, auth.Resource{Kind: auth.KindAudit}); err != nil {
		return nil, 0, err
	}
	return a.db.AuditEntries(ctx, f)
}

// AuditReport is the result of verifying the audit chain.
type AuditReport struct {
	OK      bool         `json:"ok"`
	Entries int64        `json:"entries"`
	Break   *audit.Break `json:"break,omitempty"`
}

// VerifyAudit re-computes the audit chain.
func (a *App) VerifyAudit(ctx context.Context, p auth.Principal) (AuditReport, error) {
	if err := auth.Check(p, auth.AuditVerify, auth.Resource{Kind: auth.KindAudit}); err != nil {
		return AuditReport{}, err
	}
	n, err := a.db.VerifyAudit(ctx)
	var b *audit.Break
	if errors.As(err, &b) {
		return AuditReport{Entries: n, Break: b}, nil
	}
	if err != nil {
		return AuditReport{}, err
	}
	return AuditReport{OK: true, Entries: n}, nil
}
