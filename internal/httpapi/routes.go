package httpapi

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/audit"
	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/registry"
	"github.com/dajia-project/dajia/internal/store"
)

func storeIdem(r *http.Request, bodyHash string) store.IdempotentResponse {
	return store.IdempotentResponse{Method: r.Method, Path: r.URL.Path, BodyHash: bodyHash}
}

// Request and response bodies of the API.
type (
	loginRequest struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	sessionResponse struct {
		User      auth.User      `json:"user"`
		Principal auth.Principal `json:"principal"`
		CSRFToken string         `json:"csrf_token,omitempty"`
	}
	docRefInput struct {
		Role       registry.DocRole `json:"role"`
		DocumentID string           `json:"document_id"`
	}
	ownerInput struct {
		Email    string `json:"email"`
		Name     string `json:"name,omitempty"`
		Password string `json:"password"`
	}
	orgRequest struct {
		Kind               registry.OrgKind `json:"kind"`
		LegalName          string           `json:"legal_name"`
		Country            string           `json:"country"`
		RegistrationNumber string           `json:"registration_number"`
		Address            string           `json:"address"`
		Contact            registry.Contact `json:"contact"`
		Owner              *ownerInput      `json:"owner,omitempty"`
	}
	orgRegistered struct {
		Organization registry.Organisation `json:"organization"`
		Owner        auth.User             `json:"owner"`
	}
	orgPatch struct {
		LegalName          *string           `json:"legal_name,omitempty"`
		Country            *string           `json:"country,omitempty"`
		RegistrationNumber *string           `json:"registration_number,omitempty"`
		Address            *string           `json:"address,omitempty"`
		Contact            *registry.Contact `json:"contact,omitempty"`
		Documents          []docRefInput     `json:"documents,omitempty"`
	}
	reviewRequest struct {
		Decision registry.Decision `json:"decision"`
		Reason   string            `json:"reason,omitempty"`
	}
	reasonRequest struct {
		Reason string `json:"reason"`
	}
	rightRequest struct {
		Type         registry.RightType         `json:"type"`
		Trademark    *registry.TrademarkDetails `json:"trademark,omitempty"`
		Copyright    *registry.CopyrightDetails `json:"copyright,omitempty"`
		Patent       *registry.PatentDetails    `json:"patent,omitempty"`
		Territories  []string                   `json:"territories,omitempty"`
		Certificates []docRefInput              `json:"certificates"`
	}
	authorizationRequest struct {
		PrincipalOrgID string        `json:"principal_org_id"`
		AllRights      bool          `json:"all_rights,omitempty"`
		RightIDs       []string      `json:"right_ids,omitempty"`
		ValidFrom      registry.Date `json:"valid_from"`
		ValidUntil     registry.Date `json:"valid_until"`
		Letter         *docRefInput  `json:"letter"`
	}
	userRequest struct {
		OrgID    string    `json:"org_id,omitempty"`
		Email    string    `json:"email"`
		Name     string    `json:"name,omitempty"`
		Password string    `json:"password"`
		Role     auth.Role `json:"role"`
	}
	keyRequest struct {
		OrgID string    `json:"org_id,omitempty"`
		Role  auth.Role `json:"role"`
		Name  string    `json:"name"`
	}
	keyCreated struct {
		APIKey auth.APIKey `json:"api_key"`
		// Key is shown once; only its hash is stored.
		Key string `json:"key"`
	}
	auditPage struct {
		Items     []audit.Entry `json:"items"`
		NextAfter int64         `json:"next_after,omitempty"`
	}
)

func refs(in []docRefInput) []registry.DocRef {
	out := make([]registry.DocRef, len(in))
	for i, r := range in {
		out[i] = registry.DocRef{Role: r.Role, DocumentID: r.DocumentID}
	}
	return out
}

func (rr rightRequest) input() registry.RightInput {
	return registry.RightInput{Type: rr.Type, Trademark: rr.Trademark, Copyright: rr.Copyright, Patent: rr.Patent,
		Territories: rr.Territories, Certificates: refs(rr.Certificates)}
}

func (s *Server) add(rt route) {
	if rt.status == 0 {
		rt.status = http.StatusOK
	}
	s.routes = append(s.routes, rt)
}

// jsonRoute adds a route whose handler decodes a JSON body of type Req.
func jsonRoute[Req, Resp any](s *Server, method, path string, acc access, summary string, status int, f func(r *http.Request, p auth.Principal, in Req) (Resp, error)) {
	var req Req
	var resp Resp
	s.add(route{method: method, path: path, access: acc, summary: summary, request: req, response: resp, status: status,
		h: func(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
			var in Req
			if err := DecodeJSON(r, s.maxBody, &in); err != nil {
				return err
			}
			out, err := f(r, p, in)
			if err != nil {
				return err
			}
			return writeJSON(w, status, out)
		}})
}

// getRoute adds a route without a request body.
func getRoute[Resp any](s *Server, method, path string, acc access, summary string, query []string, f func(r *http.Request, p auth.Principal) (Resp, error)) {
	var resp Resp
	s.add(route{method: method, path: path, access: acc, summary: summary, response: resp, query: query,
		h: func(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
			out, err := f(r, p)
			if err != nil {
				return err
			}
			return writeJSON(w, http.StatusOK, out)
		}})
}

func (s *Server) register() {
	a := s.app
	pageQuery := []string{"limit", "cursor"}

	// --- sessions and keys ---
	s.add(route{method: "POST", path: "/api/v1/auth/login", access: public, summary: "Log in with e-mail and password; sets the session cookie",
		request: loginRequest{}, response: sessionResponse{}, h: s.login})
	s.add(route{method: "POST", path: "/api/v1/auth/logout", summary: "End the session", status: http.StatusNoContent, h: s.logout})
	s.add(route{method: "GET", path: "/api/v1/auth/session", summary: "Who am I (and the CSRF token for this session)", response: sessionResponse{}, h: s.session})
	jsonRoute(s, "POST", "/api/v1/api-keys", authenticated, "Issue an API key (shown once)", http.StatusCreated,
		func(r *http.Request, p auth.Principal, in keyRequest) (keyCreated, error) {
			k, secret, err := a.CreateAPIKey(r.Context(), p, app.NewKeyInput{OrgID: in.OrgID, Role: in.Role, Name: in.Name})
			return keyCreated{APIKey: k, Key: secret}, err
		})
	getRoute(s, "GET", "/api/v1/api-keys", authenticated, "List API keys of an organisation", append(pageQuery, "org_id"),
		func(r *http.Request, p auth.Principal) (List[auth.APIKey], error) {
			pg, err := page(r)
			if err != nil {
				return List[auth.APIKey]{}, err
			}
			items, next, err := a.APIKeys(r.Context(), p, r.URL.Query().Get("org_id"), pg)
			return list(items, next), err
		})
	s.add(route{method: "POST", path: "/api/v1/api-keys/{id}/revoke", summary: "Revoke an API key", response: auth.APIKey{},
		h: func(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
			k, err := a.RevokeAPIKey(r.Context(), p, r.PathValue("id"))
			return respond(w, k, err)
		}})
	jsonRoute(s, "POST", "/api/v1/users", authenticated, "Create a user", http.StatusCreated,
		func(r *http.Request, p auth.Principal, in userRequest) (auth.User, error) {
			return a.CreateUser(r.Context(), p, app.NewUserInput{OrgID: in.OrgID, Email: in.Email, Name: in.Name, Password: in.Password, Role: in.Role})
		})
	getRoute(s, "GET", "/api/v1/users", authenticated, "List users", append(pageQuery, "org_id"),
		func(r *http.Request, p auth.Principal) (List[auth.User], error) {
			pg, err := page(r)
			if err != nil {
				return List[auth.User]{}, err
			}
			items, next, err := a.Users(r.Context(), p, r.URL.Query().Get("org_id"), pg)
			return list(items, next), err
		})
	for _, op := range []struct {
		verb    string
		disable bool
	}{{"disable", true}, {"enable", false}} {
		s.add(route{method: "POST", path: "/api/v1/users/{id}/" + op.verb, summary: "Disable or re-enable a user", response: auth.User{},
			h: func(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
				u, err := a.SetUserDisabled(r.Context(), p, r.PathValue("id"), op.disable)
				return respond(w, u, err)
			}})
	}

	// --- organisations ---
	s.add(route{method: "POST", path: "/api/v1/organizations", access: optional, status: http.StatusCreated, request: orgRequest{}, response: orgRegistered{},
		summary: "Register a rights holder or agent with its first owner (anonymous), or create a platform-managed organisation (admin)",
		h:       s.createOrg})
	getRoute(s, "GET", "/api/v1/organizations", authenticated, "List organisations (platform staff)", append(pageQuery, "kind", "state"),
		func(r *http.Request, p auth.Principal) (List[registry.Organisation], error) {
			pg, err := page(r)
			if err != nil {
				return List[registry.Organisation]{}, err
			}
			q := r.URL.Query()
			items, next, err := a.Orgs(r.Context(), p, store.OrgFilter{Kind: registry.OrgKind(q.Get("kind")), State: registry.OrgState(q.Get("state"))}, pg)
			return list(items, next), err
		})
	getRoute(s, "GET", "/api/v1/organizations/{id}", authenticated, "Read an organisation", nil,
		func(r *http.Request, p auth.Principal) (registry.Organisation, error) {
			return a.Org(r.Context(), p, r.PathValue("id"))
		})
	jsonRoute(s, "PATCH", "/api/v1/organizations/{id}", authenticated, "Change a draft or rejected organisation; documents are appended", http.StatusOK,
		func(r *http.Request, p auth.Principal, in orgPatch) (registry.Organisation, error) {
			id := r.PathValue("id")
			var upd app.OrgUpdate
			if in.LegalName != nil || in.Country != nil || in.RegistrationNumber != nil || in.Address != nil || in.Contact != nil {
				cur, err := a.Org(r.Context(), p, id)
				if err != nil {
					return cur, err
				}
				d := cur.Details()
				setIf(&d.LegalName, in.LegalName)
				setIf(&d.Country, in.Country)
				setIf(&d.RegistrationNumber, in.RegistrationNumber)
				setIf(&d.Address, in.Address)
				if in.Contact != nil {
					d.Contact = *in.Contact
				}
				upd.Details = &d
			}
			upd.Documents = refs(in.Documents)
			return a.UpdateOrg(r.Context(), p, id, upd)
		})
	s.add(route{method: "POST", path: "/api/v1/organizations/{id}/submit", summary: "Submit for qualification review", response: registry.Organisation{},
		h: func(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
			o, err := a.SubmitOrg(r.Context(), p, r.PathValue("id"))
			return respond(w, o, err)
		}})
	jsonRoute(s, "POST", "/api/v1/organizations/{id}/review", authenticated, "Verify or reject a submitted organisation (reviewer)", http.StatusOK,
		func(r *http.Request, p auth.Principal, in reviewRequest) (registry.Organisation, error) {
			return a.ReviewOrg(r.Context(), p, r.PathValue("id"), in.Decision, in.Reason)
		})
	jsonRoute(s, "POST", "/api/v1/organizations/{id}/suspend", authenticated, "Suspend an organisation (admin)", http.StatusOK,
		func(r *http.Request, p auth.Principal, in reasonRequest) (registry.Organisation, error) {
			return a.SuspendOrg(r.Context(), p, r.PathValue("id"), false, in.Reason)
		})
	jsonRoute(s, "POST", "/api/v1/organizations/{id}/reinstate", authenticated, "Reinstate a suspended organisation (admin)", http.StatusOK,
		func(r *http.Request, p auth.Principal, in reasonRequest) (registry.Organisation, error) {
			return a.SuspendOrg(r.Context(), p, r.PathValue("id"), true, in.Reason)
		})

	// --- documents ---
	s.add(route{method: "POST", path: "/api/v1/documents", status: http.StatusCreated, response: registry.Document{},
		summary: "Upload an evidence file (multipart/form-data, field \"file\"); the type is sniffed from the content", h: s.upload})
	getRoute(s, "GET", "/api/v1/documents/{id}", authenticated, "Read a document's record (hash, size, type)", nil,
		func(r *http.Request, p auth.Principal) (registry.Document, error) {
			return a.Document(r.Context(), p, r.PathValue("id"))
		})
	s.add(route{method: "GET", path: "/api/v1/documents/{id}/content", summary: "Download a document's bytes (verified against its hash)", h: s.download})

	// --- rights ---
	jsonRoute(s, "POST", "/api/v1/rights", authenticated, "File an IP right for your organisation", http.StatusCreated,
		func(r *http.Request, p auth.Principal, in rightRequest) (app.RightView, error) {
			return a.CreateRight(r.Context(), p, in.input())
		})
	getRoute(s, "GET", "/api/v1/rights", authenticated, "List the rights you may see", append(pageQuery, "owner", "type", "state", "expiring"),
		func(r *http.Request, p auth.Principal) (List[app.RightView], error) {
			pg, err := page(r)
			if err != nil {
				return List[app.RightView]{}, err
			}
			q := r.URL.Query()
			expiring, _ := strconv.ParseBool(q.Get("expiring"))
			items, next, err := a.Rights(r.Context(), p, app.RightQuery{Owner: q.Get("owner"), Type: registry.RightType(q.Get("type")),
				State: registry.RightState(q.Get("state")), ExpiringSoon: expiring}, pg)
			return list(items, next), err
		})
	getRoute(s, "GET", "/api/v1/rights/{id}", authenticated, "Read a right, with whether it is usable now", nil,
		func(r *http.Request, p auth.Principal) (app.RightView, error) {
			return a.Right(r.Context(), p, r.PathValue("id"))
		})
	jsonRoute(s, "PUT", "/api/v1/rights/{id}", authenticated, "Correct a submitted or rejected right and resubmit it", http.StatusOK,
		func(r *http.Request, p auth.Principal, in rightRequest) (app.RightView, error) {
			return a.ResubmitRight(r.Context(), p, r.PathValue("id"), in.input())
		})
	jsonRoute(s, "POST", "/api/v1/rights/{id}/review", authenticated, "Verify or reject a right (reviewer)", http.StatusOK,
		func(r *http.Request, p auth.Principal, in reviewRequest) (app.RightView, error) {
			return a.ReviewRight(r.Context(), p, r.PathValue("id"), in.Decision, in.Reason)
		})
	jsonRoute(s, "POST", "/api/v1/rights/{id}/revoke", authenticated, "Take a verified right off file", http.StatusOK,
		func(r *http.Request, p auth.Principal, in reasonRequest) (app.RightView, error) {
			return a.RevokeRight(r.Context(), p, r.PathValue("id"), in.Reason)
		})

	// --- authorisations ---
	jsonRoute(s, "POST", "/api/v1/authorizations", authenticated, "File an agent's authorisation from a rights holder", http.StatusCreated,
		func(r *http.Request, p auth.Principal, in authorizationRequest) (registry.Authorization, error) {
			var letter *registry.DocRef
			if in.Letter != nil {
				letter = &registry.DocRef{DocumentID: in.Letter.DocumentID}
			}
			return a.CreateAuthorization(r.Context(), p, registry.AuthorizationInput{PrincipalOrgID: in.PrincipalOrgID, AllRights: in.AllRights,
				RightIDs: in.RightIDs, ValidFrom: in.ValidFrom, ValidUntil: in.ValidUntil, Letter: letter})
		})
	getRoute(s, "GET", "/api/v1/authorizations", authenticated, "List authorisations you are party to (staff: all)", append(pageQuery, "party", "state"),
		func(r *http.Request, p auth.Principal) (List[registry.Authorization], error) {
			pg, err := page(r)
			if err != nil {
				return List[registry.Authorization]{}, err
			}
			items, next, err := a.Authorizations(r.Context(), p, r.URL.Query().Get("party"), registry.AuthState(r.URL.Query().Get("state")), pg)
			return list(items, next), err
		})
	getRoute(s, "GET", "/api/v1/authorizations/{id}", authenticated, "Read an authorisation", nil,
		func(r *http.Request, p auth.Principal) (registry.Authorization, error) {
			return a.Authorization(r.Context(), p, r.PathValue("id"))
		})
	jsonRoute(s, "POST", "/api/v1/authorizations/{id}/review", authenticated, "Verify or reject an authorisation (reviewer)", http.StatusOK,
		func(r *http.Request, p auth.Principal, in reviewRequest) (registry.Authorization, error) {
			return a.ReviewAuthorization(r.Context(), p, r.PathValue("id"), in.Decision, in.Reason)
		})
	jsonRoute(s, "POST", "/api/v1/authorizations/{id}/revoke", authenticated, "End an authorisation (its principal or the platform)", http.StatusOK,
		func(r *http.Request, p auth.Principal, in reasonRequest) (registry.Authorization, error) {
			return a.RevokeAuthorization(r.Context(), p, r.PathValue("id"), in.Reason)
		})

	// --- audit ---
	getRoute(s, "GET", "/api/v1/audit", authenticated, "Read the audit log (admin), filtered by object or actor", []string{"object_type", "object_id", "actor_id", "org_id", "after", "limit"},
		func(r *http.Request, p auth.Principal) (auditPage, error) {
			q := r.URL.Query()
			f := store.AuditFilter{ObjectType: q.Get("object_type"), ObjectID: q.Get("object_id"), ActorID: q.Get("actor_id"), OrgID: q.Get("org_id")}
			if v := q.Get("after"); v != "" {
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil || n < 0 {
					return auditPage{}, fault.InvalidField("after", "must be a sequence number")
				}
				f.AfterSeq = n
			}
			pg, err := page(r)
			if err != nil {
				return auditPage{}, err
			}
			f.Limit = pg.Limit
			items, next, err := a.AuditEntries(r.Context(), p, f)
			if items == nil {
				items = []audit.Entry{}
			}
			return auditPage{Items: items, NextAfter: next}, err
		})
	getRoute(s, "GET", "/api/v1/audit/verify", authenticated, "Verify the audit hash chain (admin)", nil,
		func(r *http.Request, p auth.Principal) (app.AuditReport, error) {
			return a.VerifyAudit(r.Context(), p)
		})

	s.registerCatalog()
	s.registerNotices()
	s.registerWebhooks()
	s.registerLeads()
	s.add(route{method: "GET", path: "/api/v1/openapi.json", access: public, summary: "This document", h: s.openapi})
}

func setIf(dst *string, v *string) {
	if v != nil {
		*dst = *v
	}
}

func respond(w http.ResponseWriter, v any, err error) error {
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	var in loginRequest
	if err := DecodeJSON(r, s.maxBody, &in); err != nil {
		return err
	}
	sess, err := s.app.Login(r.Context(), in.Email, in.Password)
	if err != nil {
		return err
	}
	http.SetCookie(w, s.sessionCookie(sess.Token, time.Now().Add(auth.SessionMaxAge)))
	return writeJSON(w, http.StatusOK, sessionResponse{User: sess.User, Principal: sess.Principal, CSRFToken: s.CSRFToken(sess.Token)})
}

func (s *Server) sessionCookie(token string, expires time.Time) *http.Cookie {
	return &http.Cookie{Name: SessionCookie, Value: token, Path: "/", Expires: expires, Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode}
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	if c, err := r.Cookie(SessionCookie); err == nil {
		if err := s.app.Logout(r.Context(), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, s.sessionCookie("", time.Unix(0, 0)))
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) session(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	resp := sessionResponse{Principal: p}
	if p.UserID != "" {
		u, err := s.app.DB().User(r.Context(), p.UserID)
		if err != nil {
			return err
		}
		resp.User = u
	}
	if c, err := r.Cookie(SessionCookie); err == nil && p.KeyID == "" {
		resp.CSRFToken = s.CSRFToken(c.Value)
	}
	return writeJSON(w, http.StatusOK, resp)
}

func (s *Server) createOrg(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	var in orgRequest
	if err := DecodeJSON(r, s.maxBody, &in); err != nil {
		return err
	}
	d := registry.OrgDetails{LegalName: in.LegalName, Country: in.Country, RegistrationNumber: in.RegistrationNumber, Address: in.Address, Contact: in.Contact}
	if in.Owner != nil {
		o, u, err := s.app.Register(r.Context(), app.Registration{Kind: in.Kind, Details: d,
			Owner: app.NewUserInput{Email: in.Owner.Email, Name: in.Owner.Name, Password: in.Owner.Password}})
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusCreated, orgRegistered{Organization: o, Owner: u})
	}
	if p.OrgID == "" {
		return fault.InvalidField("owner", "to register, give the first owner user (email, password); staff creating an organisation must log in")
	}
	o, err := s.app.CreateOrg(r.Context(), p, in.Kind, d)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, orgRegistered{Organization: o})
}

func (s *Server) upload(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return fault.New(fault.ErrUnsupported, "upload the file as multipart/form-data with the field \"file\"")
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.maxUp)
	mr, err := r.MultipartReader()
	if err != nil {
		return &fieldError{field: "file", detail: err.Error()}
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return fault.InvalidField("file", "no file in the upload; send it in the form field \"file\"")
		}
		if err != nil {
			return tooLarge(err, s.maxUp)
		}
		if part.FormName() != "file" {
			part.Close()
			continue
		}
		d, err := s.app.Upload(r.Context(), p, part, part.FileName())
		part.Close()
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return fault.New(fault.ErrTooLarge, "upload is larger than %d bytes", s.maxUp)
		}
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusCreated, d)
	}
}

func (s *Server) download(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	d, rc, err := s.app.OpenDocument(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	defer rc.Close()
	w.Header().Set("Content-Type", d.MediaType)
	w.Header().Set("Content-Length", strconv.FormatInt(d.Size, 10))
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": d.Filename}))
	w.Header().Set("Digest", "sha-256="+d.SHA256)
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	_, err = io.Copy(w, rc)
	if err != nil {
		s.log.Error("document content does not match its hash or could not be read", "document_id", d.ID, "err", err)
	}
	return nil
}
