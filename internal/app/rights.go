package app

import (
	"context"
	"errors"
	"slices"

	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/id"
	"github.com/dajia-project/dajia/internal/registry"
	"github.com/dajia-project/dajia/internal/store"
)

// RightView is a right with what its reader needs to know now.
type RightView struct {
	registry.Right
	Usable       registry.Usability `json:"usability"`
	ExpiringSoon bool               `json:"expiring_soon"`
	OwnerName    string             `json:"owner_name"`
}

func (a *App) view(r registry.Right, owner registry.Organisation) RightView {
	now := a.Now()
	return RightView{Right: r, Usable: r.Usable(now, owner), ExpiringSoon: r.ExpiresWithin(now, registry.ExpiryWarning), OwnerName: owner.LegalName}
}

// rightParties lists the agents whose in-force authorisations cover r.
func (a *App) rightParties(ctx context.Context, q *store.Querier, r registry.Right) ([]string, error) {
	auths, _, err := q.Authorizations(ctx, store.AuthorizationFilter{Principal: r.OwnerOrgID, State: registry.AuthVerified}, store.Page{Limit: 500})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, au := range auths {
		if au.Covers(r, a.Now()) {
			out = append(out, au.AgentOrgID)
		}
	}
	return out, nil
}

func (a *App) rightResource(ctx context.Context, q *store.Querier, r registry.Right) (auth.Resource, error) {
	parties, err := a.rightParties(ctx, q, r)
	return auth.Resource{Kind: auth.KindRight, OrgID: r.OwnerOrgID, Parties: parties}, err
}

// CreateRight files a right for the caller's organisation (a rights holder).
func (a *App) CreateRight(ctx context.Context, p auth.Principal, in registry.RightInput) (RightView, error) {
	var v RightView
	if err := auth.Check(p, auth.RightCreate, auth.Resource{Kind: auth.KindRight}); err != nil {
		return v, err
	}
	now := a.Now()
	err := a.db.Tx(ctx, func(tx *store.Tx) error {
		owner, err := tx.Org(ctx, p.OrgID)
		if err != nil {
			return err
		}
		if err := a.resolveRightDocs(ctx, tx, p, owner.ID, &in); err != nil {
			return err
		}
		r, err := registry.NewRight(id.New("rt", now), owner.ID, in, now)
		if err != nil {
			return err
		}
		if err := tx.InsertRight(ctx, r); err != nil {
			return duplicateRight(err, r)
		}
		v = a.view(r, owner)
		return a.record(ctx, tx, p, now, change{action: "right.create", objectType: "right", objectID: r.ID, orgID: owner.ID, after: r})
	})
	return v, err
}

func duplicateRight(err error, r registry.Right) error {
	if errors.Is(err, fault.ErrConflict) {
		office, number := r.RegistrationKey()
		field := "trademark.registration_number"
		switch r.Type {
		case registry.Patent:
			field = "patent.number"
		case registry.Copyright:
			field = "copyright.registration_number"
		}
		return &fault.Message{Kind: fault.ErrConflict, Text: field + ": registration " + number + " at " + office +
			" is already on file; if it is yours and someone else claimed it, tell the platform"}
	}
	return err
}

func (a *App) resolveRightDocs(ctx context.Context, tx *store.Tx, p auth.Principal, ownerID string, in *registry.RightInput) error {
	for i := range in.Certificates {
		in.Certificates[i].Role = registry.DocCertificate
	}
	certs, err := a.resolveDocs(ctx, tx, p, ownerID, "certificates", in.Certificates)
	if err != nil {
		return err
	}
	in.Certificates = certs
	if in.Trademark != nil {
		if in.Trademark.MarkImage, err = a.resolveDoc(ctx, tx, p, ownerID, "trademark.mark_image", in.Trademark.MarkImage, registry.DocMarkImage); err != nil {
			return err
		}
	}
	if in.Copyright != nil {
		if in.Copyright.Sample, err = a.resolveDoc(ctx, tx, p, ownerID, "copyright.sample", in.Copyright.Sample, registry.DocSample); err != nil {
			return err
		}
	}
	return nil
}

// Right returns a right the caller may see, with its usability.
func (a *App) Right(ctx context.Context, p auth.Principal, rightID string) (RightView, error) {
	r, err := a.db.Right(ctx, rightID)
	if err != nil {
		return RightView{}, err
	}
	res, err := a.rightResource(ctx, &a.db.Querier, r)
	if err != nil {
		return RightView{}, err
	}
	if err := auth.Check(p, auth.RightRead, res); err != nil {
		return RightView{}, err
	}
	owner, err := a.db.Org(ctx, r.OwnerOrgID)
	if err != nil {
		return RightView{}, err
	}
	return a.view(r, owner), nil
}

// RightQuery filters a list of rights.
type RightQuery struct {
	Owner        string
	Type         registry.RightType
	State        registry.RightState
	ExpiringSoon bool
}

// Rights lists the rights the caller may see: staff see all; an owner its
// own; an agent those its in-force authorisations cover.
func (a *App) Rights(ctx context.Context, p auth.Principal, q RightQuery, page store.Page) ([]RightView, string, error) {
	f := store.RightFilter{Type: q.Type, State: q.State}
	if err := auth.Check(p, auth.RightList, auth.Resource{Kind: auth.KindRight}); err != nil {
		return nil, "", err
	}
	switch {
	case p.Platform():
		f.Any = q.Owner == ""
		f.Owners = []string{q.Owner}
	case p.OrgKind == registry.KindAgent:
		auths, _, err := a.db.Authorizations(ctx, store.AuthorizationFilter{Agent: p.OrgID, State: registry.AuthVerified}, store.Page{Limit: 500})
		if err != nil {
			return nil, "", err
		}
		for _, au := range auths {
			if !au.InForce(a.Now()) {
				continue
			}
			if au.AllRights {
				f.Owners = append(f.Owners, au.PrincipalOrgID)
			} else {
				f.IDs = append(f.IDs, au.RightIDs...)
			}
		}
		if q.Owner != "" {
			f.Owners = slices.DeleteFunc(f.Owners, func(o string) bool { return o != q.Owner })
		}
	default:
		f.Owners = []string{p.OrgID}
	}
	if q.ExpiringSoon {
		now := a.Now()
		f.ExpiresFrom = now.AddDate(0, 0, -1).Format("2006-01-02")
		f.ExpiresBefore = now.Add(registry.ExpiryWarning).Format("2006-01-02")
	}
	rights, next, err := a.db.Rights(ctx, f, page)
	if err != nil {
		return nil, "", err
	}
	owners := map[string]registry.Organisation{}
	out := make([]RightView, 0, len(rights))
	for _, r := range rights {
		if p.OrgKind == registry.KindAgent && !a.agentCovers(ctx, p.OrgID, r) {
			continue // the id matched, but the authorisation no longer does
		}
		o, ok := owners[r.OwnerOrgID]
		if !ok {
			if o, err = a.db.Org(ctx, r.OwnerOrgID); err != nil {
				return nil, "", err
			}
			owners[r.OwnerOrgID] = o
		}
		out = append(out, a.view(r, o))
	}
	return out, next, nil
}

func (a *App) agentCovers(ctx context.Context, agentID string, r registry.Right) bool {
	parties, err := a.rightParties(ctx, &a.db.Querier, r)
	return err == nil && slices.Contains(parties, agentID)
}

// ReviewRight verifies or rejects a submitted right.
func (a *App) ReviewRight(ctx context.Context, p auth.Principal, rightID string, d registry.Decision, reason string) (RightView, error) {
	return a.changeRight(ctx, p, rightID, auth.RightReview, "right.review", reason, func(_ *store.Tx, r registry.Right) (registry.Right, error) {
		return r.Review(d, reason, p.ActorID(), a.Now())
	})
}

// ResubmitRight replaces a submitted or rejected right's details.
func (a *App) ResubmitRight(ctx context.Context, p auth.Principal, rightID string, in registry.RightInput) (RightView, error) {
	return a.changeRight(ctx, p, rightID, auth.RightUpdate, "right.update", "", func(tx *store.Tx, r registry.Right) (registry.Right, error) {
		if err := a.resolveRightDocs(ctx, tx, p, r.OwnerOrgID, &in); err != nil {
			return r, err
		}
		return r.Resubmit(in, a.Now())
	})
}

// RevokeRight takes a verified right off file.
func (a *App) RevokeRight(ctx context.Context, p auth.Principal, rightID, reason string) (RightView, error) {
	return a.changeRight(ctx, p, rightID, auth.RightRevoke, "right.revoke", reason, func(_ *store.Tx, r registry.Right) (registry.Right, error) {
		return r.Revoke(reason, a.Now())
	})
}

func (a *App) changeRight(ctx context.Context, p auth.Principal, rightID string, act auth.Action, action, reason string,
	f func(*store.Tx, registry.Right) (registry.Right, error)) (RightView, error) {
	var v RightView
	err := a.db.Tx(ctx, func(tx *store.Tx) error {
		before, err := tx.RightForUpdate(ctx, rightID)
		if err != nil {
			return err
		}
		res, err := a.rightResource(ctx, &tx.Querier, before)
		if err != nil {
			return err
		}
		if err := auth.Check(p, act, res); err != nil {
			return err
		}
		r, err := f(tx, before)
		if err != nil {
			return err
		}
		if err := tx.UpdateRight(ctx, r); err != nil {
			return duplicateRight(err, r)
		}
		owner, err := tx.Org(ctx, r.OwnerOrgID)
		if err != nil {
			return err
		}
		v = a.view(r, owner)
		return a.record(ctx, tx, p, a.Now(), change{action: action, objectType: "right", objectID: r.ID, orgID: r.OwnerOrgID, before: before, after: r, reason: reason})
	})
	return v, err
}
