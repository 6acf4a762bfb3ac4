package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/audit"
	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/policy"
	"github.com/dajia-project/dajia/internal/registry"
	"github.com/dajia-project/dajia/internal/store"
)

// The admin portal: users, API keys, organisations, the policy profiles in
// force, webhooks and the audit log. Every page calls the app, whose policy
// decides who may read or change what; destructive steps (disable a user,
// revoke a key, suspend an organisation, rotate a webhook secret) go
// through a confirmation page.
func init() {
	admins := []string{"admin"}
	registerArea(area{
		name: "adm",
		routes: func(s *Server) {
			s.mux.Handle("GET /admin/users", s.user(s.admUsers))
			s.mux.Handle("POST /admin/users", s.user(s.admCreateUser))
			s.mux.Handle("GET /admin/users/{id}/state", s.user(s.admUserStateConfirm))
			s.mux.Handle("POST /admin/users/{id}/state", s.user(s.admUserState))
			s.mux.Handle("GET /admin/keys", s.user(s.admKeys))
			s.mux.Handle("POST /admin/keys", s.user(s.admCreateKey))
			s.mux.Handle("GET /admin/keys/{id}/revoke", s.user(s.admRevokeKeyConfirm))
			s.mux.Handle("POST /admin/keys/{id}/revoke", s.user(s.admRevokeKey))
			s.mux.Handle("GET /admin/orgs", s.user(s.admOrgs))
			s.mux.Handle("GET /admin/orgs/{id}/suspend", s.user(s.admSuspendConfirm))
			s.mux.Handle("POST /admin/orgs/{id}/suspend", s.user(s.admSuspend))
			s.mux.Handle("GET /admin/profiles", s.user(s.admProfiles))
			s.mux.Handle("GET /admin/webhooks", s.user(s.admWebhooks))
			s.mux.Handle("GET /admin/webhooks/{id}", s.user(s.admWebhook))
			s.mux.Handle("POST /admin/webhooks/{id}/enabled", s.user(s.admWebhookEnabled))
			s.mux.Handle("GET /admin/webhooks/{id}/rotate", s.user(s.admRotateConfirm))
			s.mux.Handle("POST /admin/webhooks/{id}/rotate", s.user(s.admRotate))
			s.mux.Handle("POST /admin/webhooks/{id}/redeliver-dead", s.user(s.admRedeliverDead))
			s.mux.Handle("POST /admin/deliveries/{id}/redeliver", s.user(s.admRedeliver))
			s.mux.Handle("GET /admin/audit", s.user(s.admAudit))
			s.mux.Handle("POST /admin/audit/verify", s.user(s.admAuditVerify))
		},
		pages: []pageRoute{
			{"/admin/users", admins},
			{"/admin/keys", admins},
			// Platform staff may list organisations (the policy's OrgList);
			// only admins see the suspend controls.
			{"/admin/orgs", []string{"admin", "reviewer", "investigator", "liaison"}},
			// The profiles in force are what every notifier attests to.
			{"/admin/profiles", nil},
			{"/admin/webhooks", admins},
			{"/admin/audit", admins},
		},
		forms: []string{"/admin/users", "/admin/users/usr_x/state", "/admin/keys", "/admin/keys/key_x/revoke", "/admin/orgs/org_x/suspend",
			"/admin/webhooks/whe_x/enabled", "/admin/webhooks/whe_x/rotate", "/admin/webhooks/whe_x/redeliver-dead", "/admin/deliveries/dlv_x/redeliver",
			"/admin/audit/verify"},
		nav: []navLink{{Href: "/admin/users", Key: "adm.nav", show: admPlatformAdmin}},
	})
}

func admPlatformAdmin(p auth.Principal) bool { return p.Platform() && p.Is(auth.RoleAdmin) }

// may asks the policy whether p may do a on the collection of kind k (for
// showing or hiding controls; the app checks again when they are used).
func admMay(p auth.Principal, a auth.Action, k auth.Kind) bool {
	return auth.Check(p, a, auth.Resource{Kind: k}) == nil
}

// admFormErrors are a form's problems: field name → message, and a message
// for the whole form.
type admFormErrors struct {
	Fields map[string]string
	Form   string
}

func (e admFormErrors) Any() bool { return e.Form != "" || len(e.Fields) > 0 }

// formError turns an app error into form errors, or returns it when it is
// not the user's to fix.
func admFormError(lang string, err error) (admFormErrors, error) {
	var inv *fault.Invalid
	switch {
	case errors.As(err, &inv):
		fe := admFormErrors{Fields: map[string]string{}, Form: translate(lang, "adm.form.invalid")}
		for _, f := range inv.Fields {
			fe.Fields[f.Field] = f.Detail
		}
		return fe, nil
	case errors.Is(err, fault.ErrConflict), errors.Is(err, fault.ErrState):
		return admFormErrors{Form: err.Error()}, nil
	}
	return admFormErrors{}, err
}

// orgNames maps organisation ids to names for the lists, and gives the
// choices of the forms' organisation select.
func (s *Server) orgChoices(r *http.Request, p auth.Principal) ([]registry.Organisation, map[string]string, error) {
	var all []registry.Organisation
	page := store.Page{Limit: 500}
	for range 20 {
		orgs, next, err := s.app.Orgs(r.Context(), p, store.OrgFilter{}, page)
		if err != nil {
			return nil, nil, err
		}
		all = append(all, orgs...)
		if next == "" {
			break
		}
		page.After = next
	}
	names := map[string]string{}
	for _, o := range all {
		names[o.ID] = o.LegalName
	}
	return all, names, nil
}

var allRoles = []auth.Role{auth.RoleAdmin, auth.RoleReviewer, auth.RoleInvestigator, auth.RoleLiaison, auth.RoleVolunteer, auth.RoleIntegration,
	auth.RoleOwner, auth.RoleMember}

// ---- users

type admUsersPage struct {
	base
	Users   []auth.User
	Pager   Pager
	Org     string
	Orgs    []registry.Organisation
	Names   map[string]string
	Roles   []auth.Role
	Form    url.Values
	Errors  admFormErrors
	Created string
	Changed string
}

func (s *Server) admUsersPage(w http.ResponseWriter, r *http.Request, sess session, status int, form url.Values, fe admFormErrors) error {
	q := r.URL.Query()
	orgs, names, err := s.orgChoices(r, sess.principal)
	if err != nil {
		return err
	}
	users, next, err := s.app.Users(r.Context(), sess.principal, q.Get("org"), store.Page{After: q.Get("cursor"), Limit: 50})
	if err != nil {
		return err
	}
	if form == nil {
		form = url.Values{"org_id": {q.Get("org")}}
	}
	s.render(w, r, status, "adm_users.html", &admUsersPage{base: sess.base(r, s, "adm.users.title"), Users: users, Pager: pagerFor(r, next),
		Org: q.Get("org"), Orgs: orgs, Names: names, Roles: allRoles, Form: form, Errors: fe, Created: q.Get("created"), Changed: q.Get("changed")})
	return nil
}

func (s *Server) admUsers(w http.ResponseWriter, r *http.Request, sess session) error {
	return s.admUsersPage(w, r, sess, http.StatusOK, nil, admFormErrors{})
}

func (s *Server) admCreateUser(w http.ResponseWriter, r *http.Request, sess session) error {
	r.ParseForm()
	f := r.PostForm
	u, err := s.app.CreateUser(r.Context(), sess.principal, app.NewUserInput{OrgID: f.Get("org_id"), Email: f.Get("email"), Name: f.Get("name"),
		Password: f.Get("password"), Role: auth.Role(f.Get("role"))})
	if err != nil {
		fe, err := admFormError(lang(r), err)
		if err != nil {
			return err
		}
		keep := url.Values{"org_id": {f.Get("org_id")}, "email": {f.Get("email")}, "name": {f.Get("name")}, "role": {f.Get("role")}}
		return s.admUsersPage(w, r, sess, http.StatusUnprocessableEntity, keep, fe)
	}
	http.Redirect(w, r, "/admin/users?created="+url.QueryEscape(u.Email), http.StatusSeeOther)
	return nil
}

// findUser looks a user up in the admin's list (there is no single-user
// read in the app).
func (s *Server) findUser(r *http.Request, p auth.Principal, id string) (auth.User, error) {
	page := store.Page{Limit: 500}
	for range 100 {
		users, next, err := s.app.Users(r.Context(), p, "", page)
		if err != nil {
			return auth.User{}, err
		}
		if i := slices.IndexFunc(users, func(u auth.User) bool { return u.ID == id }); i >= 0 {
			return users[i], nil
		}
		if next == "" {
			break
		}
		page.After = next
	}
	return auth.User{}, fault.ErrNotFound
}

type admConfirmPage struct {
	base
	Action  string // form action
	Key     string // what will happen (message key)
	Subject string
	Detail  string
	Reason  bool // asks for a reason
	Value   string
	Field   string // hidden field name and value
	Hidden  string
	Back    string
	Error   string
}

func (s *Server) admUserStateConfirm(w http.ResponseWriter, r *http.Request, sess session) error {
	u, err := s.findUser(r, sess.principal, r.PathValue("id"))
	if err != nil {
		return err
	}
	disable := r.URL.Query().Get("disabled") != "false"
	key := "adm.users.confirm.disable"
	if !disable {
		key = "adm.users.confirm.enable"
	}
	s.render(w, r, http.StatusOK, "adm_confirm.html", &admConfirmPage{base: sess.base(r, s, "adm.confirm.title"), Action: "/admin/users/" + u.ID + "/state",
		Key: key, Subject: u.Email, Detail: u.Name + " · " + string(u.Role), Field: "disabled", Hidden: strconv.FormatBool(disable), Back: "/admin/users"})
	return nil
}

func (s *Server) admUserState(w http.ResponseWriter, r *http.Request, sess session) error {
	disable := r.PostFormValue("disabled") != "false"
	u, err := s.app.SetUserDisabled(r.Context(), sess.principal, r.PathValue("id"), disable)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/users?changed="+url.QueryEscape(u.Email), http.StatusSeeOther)
	return nil
}

// ---- API keys

type admKeysPage struct {
	base
	Keys   []auth.APIKey
	Pager  Pager
	Org    string
	Orgs   []registry.Organisation
	Names  map[string]string
	Roles  []auth.Role
	Form   url.Values
	Errors admFormErrors
	// Secret is the new key, shown once.
	Secret  string
	NewKey  auth.APIKey
	Revoked string
}

func (s *Server) admKeysPage(w http.ResponseWriter, r *http.Request, sess session, status int, org string, pg *admKeysPage) error {
	q := r.URL.Query()
	orgs, names, err := s.orgChoices(r, sess.principal)
	if err != nil {
		return err
	}
	if org == "" {
		org = sess.principal.OrgID
	}
	keys, next, err := s.app.APIKeys(r.Context(), sess.principal, org, store.Page{After: q.Get("cursor"), Limit: 50})
	if err != nil {
		return err
	}
	pg.base, pg.Keys, pg.Pager, pg.Org, pg.Orgs, pg.Names, pg.Roles = sess.base(r, s, "adm.keys.title"), keys, pagerFor(r, next), org, orgs, names, allRoles
	if pg.Form == nil {
		pg.Form = url.Values{"org_id": {org}}
	}
	pg.Revoked = q.Get("revoked")
	s.render(w, r, status, "adm_keys.html", pg)
	return nil
}

func (s *Server) admKeys(w http.ResponseWriter, r *http.Request, sess session) error {
	return s.admKeysPage(w, r, sess, http.StatusOK, r.URL.Query().Get("org"), &admKeysPage{})
}

func (s *Server) admCreateKey(w http.ResponseWriter, r *http.Request, sess session) error {
	r.ParseForm()
	f := r.PostForm
	k, secret, err := s.app.CreateAPIKey(r.Context(), sess.principal, app.NewKeyInput{OrgID: f.Get("org_id"), Role: auth.Role(f.Get("role")), Name: f.Get("name")})
	if err != nil {
		fe, err := admFormError(lang(r), err)
		if err != nil {
			return err
		}
		keep := url.Values{"org_id": {f.Get("org_id")}, "role": {f.Get("role")}, "name": {f.Get("name")}}
		org := f.Get("org_id")
		if _, ok := fe.Fields["org_id"]; ok {
			org = ""
		}
		return s.admKeysPage(w, r, sess, http.StatusUnprocessableEntity, org, &admKeysPage{Form: keep, Errors: fe})
	}
	// The secret is rendered in this response only (never in a URL).
	w.Header().Set("Cache-Control", "no-store")
	return s.admKeysPage(w, r, sess, http.StatusOK, k.OrgID, &admKeysPage{Secret: secret, NewKey: k})
}

func (s *Server) admRevokeKeyConfirm(w http.ResponseWriter, r *http.Request, sess session) error {
	org := r.URL.Query().Get("org")
	if org == "" {
		org = sess.principal.OrgID
	}
	var key auth.APIKey
	page := store.Page{Limit: 500}
	for range 100 {
		keys, next, err := s.app.APIKeys(r.Context(), sess.principal, org, page)
		if err != nil {
			return err
		}
		if i := slices.IndexFunc(keys, func(k auth.APIKey) bool { return k.ID == r.PathValue("id") }); i >= 0 {
			key = keys[i]
			break
		}
		if next == "" {
			return fault.ErrNotFound
		}
		page.After = next
	}
	if key.ID == "" {
		return fault.ErrNotFound
	}
	s.render(w, r, http.StatusOK, "adm_confirm.html", &admConfirmPage{base: sess.base(r, s, "adm.confirm.title"), Action: "/admin/keys/" + key.ID + "/revoke",
		Key: "adm.keys.confirm.revoke", Subject: key.Name, Detail: key.ID + " · " + string(key.Role), Field: "org", Hidden: key.OrgID,
		Back: "/admin/keys?org=" + url.QueryEscape(key.OrgID)})
	return nil
}

func (s *Server) admRevokeKey(w http.ResponseWriter, r *http.Request, sess session) error {
	k, err := s.app.RevokeAPIKey(r.Context(), sess.principal, r.PathValue("id"))
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/keys?org="+url.QueryEscape(k.OrgID)+"&revoked="+url.QueryEscape(k.Name), http.StatusSeeOther)
	return nil
}

// ---- organisations

var orgKinds = []registry.OrgKind{registry.KindPlatform, registry.KindRightsHolder, registry.KindAgent, registry.KindSeller, registry.KindAgency}
var orgStates = []registry.OrgState{registry.OrgDraft, registry.OrgSubmitted, registry.OrgVerified, registry.OrgRejected, registry.OrgSuspended}

type admOrgsPage struct {
	base
	Orgs       []registry.Organisation
	Pager      Pager
	Kind       string
	State      string
	Kinds      []registry.OrgKind
	States     []registry.OrgState
	CanSuspend bool
	Changed    string
}

func (s *Server) admOrgs(w http.ResponseWriter, r *http.Request, sess session) error {
	q := r.URL.Query()
	kind, state := q.Get("kind"), q.Get("state")
	if kind != "" && !slices.Contains(orgKinds, registry.OrgKind(kind)) {
		kind = ""
	}
	if state != "" && !slices.Contains(orgStates, registry.OrgState(state)) {
		state = ""
	}
	orgs, next, err := s.app.Orgs(r.Context(), sess.principal, store.OrgFilter{Kind: registry.OrgKind(kind), State: registry.OrgState(state)},
		store.Page{After: q.Get("cursor"), Limit: 50})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "adm_orgs.html", &admOrgsPage{base: sess.base(r, s, "adm.orgs.title"), Orgs: orgs, Pager: pagerFor(r, next),
		Kind: kind, State: state, Kinds: orgKinds, States: orgStates, CanSuspend: admMay(sess.principal, auth.OrgSuspend, auth.KindOrg), Changed: q.Get("changed")})
	return nil
}

func (s *Server) admSuspendPage(w http.ResponseWriter, r *http.Request, sess session, status int, reason, msg string) error {
	o, err := s.app.Org(r.Context(), sess.principal, r.PathValue("id"))
	if err != nil {
		return err
	}
	if !admMay(sess.principal, auth.OrgSuspend, auth.KindOrg) {
		return fault.ErrForbidden
	}
	key := "adm.orgs.confirm.suspend"
	reinstate := o.State == registry.OrgSuspended
	if reinstate {
		key = "adm.orgs.confirm.reinstate"
	}
	s.render(w, r, status, "adm_confirm.html", &admConfirmPage{base: sess.base(r, s, "adm.confirm.title"), Action: "/admin/orgs/" + o.ID + "/suspend",
		Key: key, Subject: o.LegalName, Detail: string(o.Kind) + " · " + string(o.State), Reason: true, Value: reason, Field: "reinstate",
		Hidden: strconv.FormatBool(reinstate), Back: "/admin/orgs", Error: msg})
	return nil
}

func (s *Server) admSuspendConfirm(w http.ResponseWriter, r *http.Request, sess session) error {
	return s.admSuspendPage(w, r, sess, http.StatusOK, "", "")
}

func (s *Server) admSuspend(w http.ResponseWriter, r *http.Request, sess session) error {
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if reason == "" {
		return s.admSuspendPage(w, r, sess, http.StatusUnprocessableEntity, "", translate(lang(r), "adm.orgs.reason.required"))
	}
	o, err := s.app.SuspendOrg(r.Context(), sess.principal, r.PathValue("id"), r.PostFormValue("reinstate") == "true", reason)
	if err != nil {
		fe, err := admFormError(lang(r), err)
		if err != nil {
			return err
		}
		msg := fe.Form
		for _, d := range fe.Fields {
			msg += " " + d
		}
		return s.admSuspendPage(w, r, sess, http.StatusUnprocessableEntity, reason, msg)
	}
	http.Redirect(w, r, "/admin/orgs?changed="+url.QueryEscape(o.LegalName), http.StatusSeeOther)
	return nil
}

// ---- policy profiles

type admProfile struct {
	ID           string
	LegalRefs    []string
	Territories  []string
	RightTypes   []string
	Timing       string
	ReviewSLA    string
	Ack          string
	Counter      string
	CounterWin   string
	Restoration  string
	Attestations []admAttestation
}

type admAttestation struct {
	Name, Version, Authoritative string
}

type admProfilesPage struct {
	base
	Profiles []admProfile
}

func attestations(prefix string, m map[string]policy.Attestation) []admAttestation {
	var out []admAttestation
	for k, a := range m {
		out = append(out, admAttestation{Name: prefix + k, Version: a.Version, Authoritative: a.Authoritative})
	}
	slices.SortFunc(out, func(a, b admAttestation) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func (s *Server) admProfiles(w http.ResponseWriter, r *http.Request, sess session) error {
	set := s.app.Profiles()
	var out []admProfile
	for _, id := range set.IDs() {
		p, err := set.Profile(id)
		if err != nil {
			return err
		}
		v := admProfile{ID: p.ID, LegalRefs: p.LegalRefs, Territories: p.AppliesWhen.Territories, RightTypes: p.AppliesWhen.RightTypes,
			Timing: p.Decision.MeasureTiming, ReviewSLA: p.Decision.ReviewSLA["default"].String(), Ack: p.Acknowledgement.SLA.String(),
			Counter: p.CounterNotice.Type, CounterWin: p.CounterNotice.SubmissionWindow.String()}
		if rt := p.RestorationTimer; rt != nil {
			v.Restoration = rt.Duration.Min.String()
			if !rt.Duration.Fixed() {
				v.Restoration += "–" + rt.Duration.Max.String()
			}
		}
		v.Attestations = append(attestations("notice.", p.Notice.AttestationTexts), attestations("counter.", p.CounterNotice.Attestations)...)
		out = append(out, v)
	}
	s.render(w, r, http.StatusOK, "adm_profiles.html", &admProfilesPage{base: sess.base(r, s, "adm.profiles.title"), Profiles: out})
	return nil
}

// ---- webhooks

type admWebhooksPage struct {
	base
	Endpoints []store.WebhookEndpoint
	Pager     Pager
}

func (s *Server) admWebhooks(w http.ResponseWriter, r *http.Request, sess session) error {
	eps, next, err := s.app.Webhooks(r.Context(), sess.principal, store.Page{After: r.URL.Query().Get("cursor"), Limit: 50})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "adm_webhooks.html", &admWebhooksPage{base: sess.base(r, s, "adm.webhooks.title"), Endpoints: eps, Pager: pagerFor(r, next)})
	return nil
}

var deliveryStates = []store.DeliveryState{store.DeliveryPending, store.DeliveryWaiting, store.DeliveryDelivered, store.DeliveryDead}

type admWebhookPage struct {
	base
	Endpoint   store.WebhookEndpoint
	Deliveries []store.WebhookDelivery
	Pager      Pager
	State      string
	States     []store.DeliveryState
	Secret     string
	Notice     string
}

func (s *Server) admWebhookPage(w http.ResponseWriter, r *http.Request, sess session, secret string) error {
	q := r.URL.Query()
	eps, err := s.allWebhooks(r, sess.principal)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(eps, func(e store.WebhookEndpoint) bool { return e.ID == r.PathValue("id") })
	if i < 0 {
		return fault.ErrNotFound
	}
	state := q.Get("state")
	if state != "" && !slices.Contains(deliveryStates, store.DeliveryState(state)) {
		state = ""
	}
	ds, next, err := s.app.Deliveries(r.Context(), sess.principal, eps[i].ID, store.DeliveryState(state), store.Page{After: q.Get("cursor"), Limit: 50})
	if err != nil {
		return err
	}
	b := sess.base(r, s, "adm.webhook.title")
	b.Title = translate(b.Lang, "adm.webhook.title", "url", eps[i].URL)
	if secret != "" {
		w.Header().Set("Cache-Control", "no-store")
	}
	s.render(w, r, http.StatusOK, "adm_webhook.html", &admWebhookPage{base: b, Endpoint: eps[i], Deliveries: ds, Pager: pagerFor(r, next), State: state,
		States: deliveryStates, Secret: secret, Notice: q.Get("done")})
	return nil
}

func (s *Server) allWebhooks(r *http.Request, p auth.Principal) ([]store.WebhookEndpoint, error) {
	var all []store.WebhookEndpoint
	page := store.Page{Limit: 500}
	for range 20 {
		eps, next, err := s.app.Webhooks(r.Context(), p, page)
		if err != nil {
			return nil, err
		}
		all = append(all, eps...)
		if next == "" {
			break
		}
		page.After = next
	}
	return all, nil
}

func (s *Server) admWebhook(w http.ResponseWriter, r *http.Request, sess session) error {
	return s.admWebhookPage(w, r, sess, "")
}

func (s *Server) admWebhookEnabled(w http.ResponseWriter, r *http.Request, sess session) error {
	on := r.PostFormValue("enabled") == "true"
	e, err := s.app.UpdateWebhook(r.Context(), sess.principal, r.PathValue("id"), app.WebhookChange{Enabled: &on})
	if err != nil {
		return err
	}
	done := "paused"
	if on {
		done = "enabled"
	}
	http.Redirect(w, r, "/admin/webhooks/"+e.ID+"?done="+done, http.StatusSeeOther)
	return nil
}

func (s *Server) admRotateConfirm(w http.ResponseWriter, r *http.Request, sess session) error {
	eps, err := s.allWebhooks(r, sess.principal)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(eps, func(e store.WebhookEndpoint) bool { return e.ID == r.PathValue("id") })
	if i < 0 {
		return fault.ErrNotFound
	}
	s.render(w, r, http.StatusOK, "adm_confirm.html", &admConfirmPage{base: sess.base(r, s, "adm.confirm.title"), Action: "/admin/webhooks/" + eps[i].ID + "/rotate",
		Key: "adm.webhooks.confirm.rotate", Subject: eps[i].URL, Detail: eps[i].ID, Back: "/admin/webhooks/" + eps[i].ID})
	return nil
}

func (s *Server) admRotate(w http.ResponseWriter, r *http.Request, sess session) error {
	secret, err := s.app.RotateWebhookSecret(r.Context(), sess.principal, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.admWebhookPage(w, r, sess, secret)
}

func (s *Server) admRedeliverDead(w http.ResponseWriter, r *http.Request, sess session) error {
	n, err := s.app.RedeliverDead(r.Context(), sess.principal, r.PathValue("id"))
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/webhooks/"+r.PathValue("id")+"?done=requeued-"+strconv.Itoa(n), http.StatusSeeOther)
	return nil
}

func (s *Server) admRedeliver(w http.ResponseWriter, r *http.Request, sess session) error {
	d, err := s.app.Redeliver(r.Context(), sess.principal, r.PathValue("id"), nil)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/webhooks/"+d.EndpointID+"?state=dead&done=requeued-1", http.StatusSeeOther)
	return nil
}

// ---- audit

type admAuditPage struct {
	base
	Entries    []audit.Entry
	Pager      Pager
	ObjectType string
	ObjectID   string
	Actor      string
	Report     *app.AuditReport
}

func (s *Server) admAuditPage(w http.ResponseWriter, r *http.Request, sess session, report *app.AuditReport) error {
	q := r.URL.Query()
	after, _ := strconv.ParseInt(q.Get("cursor"), 10, 64)
	f := store.AuditFilter{ObjectType: strings.TrimSpace(q.Get("object_type")), ObjectID: strings.TrimSpace(q.Get("object_id")),
		ActorID: strings.TrimSpace(q.Get("actor")), AfterSeq: after, Limit: 50}
	entries, next, err := s.app.AuditEntries(r.Context(), sess.principal, f)
	if err != nil {
		return err
	}
	cursor := ""
	if next > 0 {
		cursor = strconv.FormatInt(next, 10)
	}
	s.render(w, r, http.StatusOK, "adm_audit.html", &admAuditPage{base: sess.base(r, s, "adm.audit.title"), Entries: entries, Pager: pagerFor(r, cursor),
		ObjectType: f.ObjectType, ObjectID: f.ObjectID, Actor: f.ActorID, Report: report})
	return nil
}

func (s *Server) admAudit(w http.ResponseWriter, r *http.Request, sess session) error {
	return s.admAuditPage(w, r, sess, nil)
}

func (s *Server) admAuditVerify(w http.ResponseWriter, r *http.Request, sess session) error {
	rep, err := s.app.VerifyAudit(r.Context(), sess.principal)
	if err != nil {
		return err
	}
	return s.admAuditPage(w, r, sess, &rep)
}
