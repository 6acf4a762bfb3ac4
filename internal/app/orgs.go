package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/blob"
	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/id"
	"github.com/dajia-project/dajia/internal/registry"
	"github.com/dajia-project/dajia/internal/store"
)

// Registration is a rights holder's or agent's self-registration with its
// first owner user.
type Registration struct {
	Kind    registry.OrgKind
	Details registry.OrgDetails
	Owner   NewUserInput
}

// Register creates a self-registered organisation (in draft) and its owner.
func (a *App) Register(ctx context.Context, in Registration) (registry.Organisation, auth.User, error) {
	var o registry.Organisation
	var u auth.User
	if !in.Kind.SelfRegistered() {
		return o, u, fault.InvalidField("kind", "only rights_holder and agent organisations register themselves")
	}
	now := a.Now()
	err := a.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		o, err = registry.NewOrganisation(id.New("org", now), in.Kind, in.Details, now)
		if err != nil {
			return err
		}
		in.Owner.Role = auth.RoleOwner
		u, err = auth.NewUser(id.New("usr", now), o, in.Owner.Email, in.Owner.Name, in.Owner.Password, auth.RoleOwner, a.password, now)
		if err != nil {
			return prefixFields(err, "owner.")
		}
		if err := tx.InsertOrg(ctx, o); err != nil {
			return err
		}
		if err := tx.InsertUser(ctx, u); err != nil {
			if errors.Is(err, fault.ErrConflict) {
				return fault.New(fault.ErrConflict, "a user with e-mail %s already exists; log in instead", u.Email)
			}
			return err
		}
		p := auth.Principal{UserID: u.ID, OrgID: o.ID, OrgKind: o.Kind, OrgState: o.State, Role: u.Role}
		if err := a.record(ctx, tx, p, now, change{action: "organization.register", objectType: "organization", objectID: o.ID, orgID: o.ID, after: o}); err != nil {
			return err
		}
		return a.record(ctx, tx, p, now, change{action: "user.create", objectType: "user", objectID: u.ID, orgID: o.ID, after: u})
	})
	return o, u, err
}

func prefixFields(err error, prefix string) error {
	var inv *fault.Invalid
	if errors.As(err, &inv) {
		for i := range inv.Fields {
			inv.Fields[i].Field = prefix + inv.Fields[i].Field
		}
	}
	return err
}

// CreateOrg creates an organisation that the platform manages (platform,
// seller, agency; or a rights holder onboarded by staff, which starts in draft).
func (a *App) CreateOrg(ctx context.Context, p auth.Principal, kind registry.OrgKind, d registry.OrgDetails) (registry.Organisation, error) {
	var o registry.Organisation
	if err := auth.Check(p, auth.OrgCreate, auth.Resource{Kind: auth.KindOrg}); err != nil {
		return o, err
	}
	now := a.Now()
	err := a.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if o, err = registry.NewOrganisation(id.New("org", now), kind, d, now); err != nil {
			return err
		}
		if err := tx.InsertOrg(ctx, o); err != nil {
			return err
		}
		return a.record(ctx, tx, p, now, change{action: "organization.create", objectType: "organization", objectID: o.ID, orgID: o.ID, after: o})
	})
	return o, err
}

// orgParties lists the organisations on the other side of an in-force
// authorisation with org: they may see it.
func (a *App) orgParties(ctx context.Context, q *store.Querier, orgID string) ([]string, error) {
	auths, _, err := q.Authorizations(ctx, store.AuthorizationFilter{Party: orgID, State: registry.AuthVerified}, store.Page{Limit: 500})
	if err != nil {
		return nil, err
	}
	now := a.Now()
	var out []string
	for _, au := range auths {
		if !au.InForce(now) {
			continue
		}
		if au.AgentOrgID == orgID {
			out = append(out, au.PrincipalOrgID)
		} else {
			out = append(out, au.AgentOrgID)
		}
	}
	return out, nil
}

func (a *App) orgResource(ctx context.Context, q *store.Querier, o registry.Organisation) (auth.Resource, error) {
	parties, err := a.orgParties(ctx, q, o.ID)
	return auth.Resource{Kind: auth.KindOrg, OrgID: o.ID, Parties: parties}, err
}

// Org returns an organisation the caller may see.
func (a *App) Org(ctx context.Context, p auth.Principal, orgID string) (registry.Organisation, error) {
	o, err := a.db.Org(ctx, orgID)
	if err != nil {
		return o, err
	}
	res, err := a.orgResource(ctx, &a.db.Querier, o)
	if err != nil {
		return o, err
	}
	return o, auth.Check(p, auth.OrgRead, res)
}

// Orgs lists organisations for platform staff.
func (a *App) Orgs(ctx context.Context, p auth.Principal, f store.OrgFilter, page store.Page) ([]registry.Organisation, string, error) {
	if err := auth.Check(p, auth.OrgList, auth.Resource{Kind: auth.KindOrg}); err != nil {
		return nil, "", err
	}
	return a.db.Orgs(ctx, f, page)
}

// OrgUpdate is a change to an organisation's details and documents.
type OrgUpdate struct {
	Details   *registry.OrgDetails
	Documents []registry.DocRef // appended; their hashes are filled in from the documents
}

// UpdateOrg changes a draft or rejected organisation.
func (a *App) UpdateOrg(ctx context.Context, p auth.Principal, orgID string, in OrgUpdate) (registry.Organisation, error) {
	return a.changeOrg(ctx, p, orgID, auth.OrgUpdate, "organization.update", "", func(tx *store.Tx, o registry.Organisation) (registry.Organisation, error) {
		now := a.Now()
		var err error
		if in.Details != nil {
			if o, err = o.Update(*in.Details, now); err != nil {
				return o, err
			}
		}
		if len(in.Documents) > 0 {
			refs, err := a.resolveDocs(ctx, tx, p, o.ID, "documents", in.Documents)
			if err != nil {
				return o, err
			}
			if o, err = o.AttachDocuments(refs, now); err != nil {
				return o, err
			}
		}
		return o, nil
	})
}

// SubmitOrg sends an organisation for qualification review.
func (a *App) SubmitOrg(ctx context.Context, p auth.Principal, orgID string) (registry.Organisation, error) {
	return a.changeOrg(ctx, p, orgID, auth.OrgSubmit, "organization.submit", "", func(_ *store.Tx, o registry.Organisation) (registry.Organisation, error) {
		return o.Submit(a.Now())
	})
}

// ReviewOrg verifies or rejects a submitted organisation.
func (a *App) ReviewOrg(ctx context.Context, p auth.Principal, orgID string, d registry.Decision, reason string) (registry.Organisation, error) {
	return a.changeOrg(ctx, p, orgID, auth.OrgReview, "organization.review", reason, func(_ *store.Tx, o registry.Organisation) (registry.Organisation, error) {
		return o.Review(d, reason, p.ActorID(), a.Now())
	})
}

// SuspendOrg suspends (or, with reinstate, reinstates) an organisation.
func (a *App) SuspendOrg(ctx context.Context, p auth.Principal, orgID string, reinstate bool, reason string) (registry.Organisation, error) {
	action := "organization.suspend"
	if reinstate {
		action = "organization.reinstate"
	}
	return a.changeOrg(ctx, p, orgID, auth.OrgSuspend, action, reason, func(_ *store.Tx, o registry.Organisation) (registry.Organisation, error) {
		if reinstate {
			return o.Reinstate(a.Now())
		}
		return o.Suspend(reason, a.Now())
	})
}

func (a *App) changeOrg(ctx context.Context, p auth.Principal, orgID string, act auth.Action, action, reason string,
	f func(*store.Tx, registry.Organisation) (registry.Organisation, error)) (registry.Organisation, error) {
	var o registry.Organisation
	err := a.db.Tx(ctx, func(tx *store.Tx) error {
		before, err := tx.OrgForUpdate(ctx, orgID)
		if err != nil {
			return err
		}
		res, err := a.orgResource(ctx, &tx.Querier, before)
		if err != nil {
			return err
		}
		if err := auth.Check(p, act, res); err != nil {
			return err
		}
		if o, err = f(tx, before); err != nil {
			return err
		}
		if err := tx.UpdateOrg(ctx, o); err != nil {
			return err
		}
		return a.record(ctx, tx, p, a.Now(), change{action: action, objectType: "organization", objectID: o.ID, orgID: o.ID, before: before, after: o, reason: reason})
	})
	return o, err
}

// resolveDocs checks that each referenced document exists and belongs to
// the caller's organisation (or the object's), and records its hash.
func (a *App) resolveDocs(ctx context.Context, tx *store.Tx, p auth.Principal, ownerOrgID, field string, refs []registry.DocRef) ([]registry.DocRef, error) {
	out := make([]registry.DocRef, len(refs))
	v := new(fault.Invalid)
	for i, r := range refs {
		d, err := tx.Document(ctx, r.DocumentID)
		switch {
		case errors.Is(err, fault.ErrNotFound), err == nil && d.OrgID != p.OrgID && d.OrgID != ownerOrgID:
			v.Add(fmt.Sprintf("%s[%d].document_id", field, i), "no document %q; upload it first with POST /api/v1/documents", r.DocumentID)
			continue
		case err != nil:
			return nil, err
		}
		out[i] = d.Ref(r.Role)
	}
	return out, v.Err()
}

// resolveDoc resolves one optional reference.
func (a *App) resolveDoc(ctx context.Context, tx *store.Tx, p auth.Principal, ownerOrgID, field string, r *registry.DocRef, role registry.DocRole) (*registry.DocRef, error) {
	if r == nil {
		return nil, nil
	}
	r.Role = role
	refs, err := a.resolveDocs(ctx, tx, p, ownerOrgID, field, []registry.DocRef{*r})
	if err != nil {
		var inv *fault.Invalid
		if errors.As(err, &inv) {
			inv.Fields[0].Field = field + ".document_id"
		}
		return nil, err
	}
	return &refs[0], nil
}

// Upload stores an evidence file for the caller's organisation. The type is
// sniffed from the content; the name is kept only for display.
func (a *App) Upload(ctx context.Context, p auth.Principal, r io.Reader, filename string) (registry.Document, error) {
	var d registry.Document
	if err := auth.Check(p, auth.DocUpload, auth.Resource{Kind: auth.KindDocument}); err != nil {
		return d, err
	}
	obj, err := a.blobs.Put(ctx, r, a.limits)
	switch {
	case errors.Is(err, blob.ErrTooLarge):
		return d, fault.New(fault.ErrTooLarge, "%s", err.Error())
	case errors.Is(err, blob.ErrTypeNotAllowed), errors.Is(err, blob.ErrEmpty):
		return d, fault.InvalidField("file", "%s", err.Error())
	case err != nil:
		return d, fmt.Errorf("store upload: %w", err)
	}
	now := a.Now()
	d = registry.Document{ID: id.New("doc", now), OrgID: p.OrgID, SHA256: obj.SHA256, Size: obj.Size, MediaType: obj.Type,
		Filename: cleanFilename(filename), UploadedBy: p.ActorID(), CreatedAt: now}
	err = a.db.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertDocument(ctx, d); err != nil {
			return err
		}
		return a.record(ctx, tx, p, now, change{action: "document.upload", objectType: "document", objectID: d.ID, orgID: d.OrgID, after: d})
	})
	return d, err
}

func cleanFilename(s string) string {
	s = filepath.Base(strings.ReplaceAll(s, "\\", "/"))
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return -1
		}
		return r
	}, s)
	if !utf8.ValidString(s) || s == "." || s == "/" {
		s = ""
	}
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

// Document returns a document record the caller may see.
func (a *App) Document(ctx context.Context, p auth.Principal, docID string) (registry.Document, error) {
	d, err := a.db.Document(ctx, docID)
	if err != nil {
		return d, err
	}
	return d, auth.Check(p, auth.DocRead, auth.Resource{Kind: auth.KindDocument, OrgID: d.OrgID})
}

// OpenDocument returns a document's bytes; the reader fails if the stored
// bytes no longer match the recorded hash.
func (a *App) OpenDocument(ctx context.Context, p auth.Principal, docID string) (registry.Document, io.ReadCloser, error) {
	d, err := a.Document(ctx, p, docID)
	if err != nil {
		return d, nil, err
	}
	rc, _, err := a.blobs.Open(ctx, d.SHA256)
	return d, rc, err
}
