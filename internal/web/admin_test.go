package web

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/registry"
	"github.com/dajia-project/dajia/internal/store"
)

// post submits a form with the session's CSRF token and returns the status,
// body and headers (redirects are not followed).
func (c *client) post(path string, form url.Values, lang string) (int, string, http.Header) {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", auth.CSRFToken([]byte("secret"), c.session))
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept-Language", lang)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: c.session})
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func (f *fixture) orgByKind(t *testing.T, kind registry.OrgKind) registry.Organisation {
	t.Helper()
	orgs, _, err := f.app.Orgs(ctx, f.sys, store.OrgFilter{Kind: kind}, store.Page{Limit: 1})
	if err != nil || len(orgs) == 0 {
		t.Fatalf("no %s organisation: %v", kind, err)
	}
	return orgs[0]
}

func TestAdminUsersCreateKeepsValuesAndDisableConfirms(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "admin")
	platform := f.orgByKind(t, registry.KindPlatform)

	// A bad e-mail address: the typed values stay and the field is named.
	status, body, _ := c.post("/admin/users", url.Values{"email": {"not-an-address"}, "name": {"Wang Fang"}, "password": {"long-enough-password"},
		"role": {"reviewer"}, "org_id": {platform.ID}}, "en")
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `value="Wang Fang"`) || !strings.Contains(body, `value="not-an-address"`) ||
		!regexp.MustCompile(`id="u-email"[^>]*aria-invalid="true"`).MatchString(body) || strings.Contains(body, "long-enough-password") {
		t.Fatalf("bad e-mail: %d, want 422 with the values kept (not the password) and the e-mail field marked\n%s", status, body)
	}

	status, _, h := c.post("/admin/users", url.Values{"email": {"wang@platform.example"}, "name": {"Wang Fang"}, "password": {"long-enough-password"},
		"role": {"reviewer"}, "org_id": {platform.ID}}, "en")
	if status != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/admin/users?created=") {
		t.Fatalf("create: %d %s", status, h.Get("Location"))
	}
	u, err := f.app.UserByEmail(ctx, "wang@platform.example")
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ = c.get("/admin/users?org="+platform.ID, "zh-CN")
	if !strings.Contains(body, "wang@platform.example") || !strings.Contains(body, "/admin/users/"+u.ID+"/state?disabled=true") {
		t.Fatalf("list: no new user with a disable link")
	}

	// Disabling goes through a confirmation page.
	status, body, _ = c.get("/admin/users/"+u.ID+"/state?disabled=true", "en")
	if status != http.StatusOK || !strings.Contains(body, "wang@platform.example") || !strings.Contains(body, `action="/admin/users/`+u.ID+`/state"`) ||
		!strings.Contains(body, `name="disabled" value="true"`) {
		t.Fatalf("confirmation: %d\n%s", status, body)
	}
	if status, _, _ := c.post("/admin/users/"+u.ID+"/state", url.Values{"disabled": {"true"}}, "en"); status != http.StatusSeeOther {
		t.Fatalf("disable: %d", status)
	}
	if u, _ := f.app.UserByEmail(ctx, "wang@platform.example"); u.DisabledAt.IsZero() {
		t.Errorf("the user is not disabled")
	}
	if status, _, _ := c.post("/admin/users/"+u.ID+"/state", url.Values{"disabled": {"false"}}, "en"); status != http.StatusSeeOther {
		t.Fatalf("enable: %d", status)
	}
	if u, _ := f.app.UserByEmail(ctx, "wang@platform.example"); !u.DisabledAt.IsZero() {
		t.Errorf("the user is still disabled")
	}

	// The policy, not the page, refuses others.
	r := f.login(t, "reviewer")
	if status, _, _ := r.post("/admin/users", url.Values{"email": {"x@y.example"}, "password": {"long-enough-password"}, "role": {"admin"}, "org_id": {platform.ID}}, "en"); status != http.StatusForbidden && status != http.StatusNotFound {
		t.Errorf("a reviewer creating an admin: got %d", status)
	}
	if status, _, _ := r.post("/admin/users/"+u.ID+"/state", url.Values{"disabled": {"true"}}, "en"); status != http.StatusForbidden && status != http.StatusNotFound {
		t.Errorf("a reviewer disabling a user: got %d", status)
	}
}

func TestAdminKeySecretShownOnceAndRevokeConfirms(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "admin")
	platform := f.orgByKind(t, registry.KindPlatform)

	status, body, _ := c.post("/admin/keys", url.Values{"name": {""}, "role": {"integration"}, "org_id": {platform.ID}}, "en")
	if status != http.StatusUnprocessableEntity || !regexp.MustCompile(`id="k-name"[^>]*aria-invalid="true"`).MatchString(body) {
		t.Fatalf("unnamed key: %d, want 422 naming the name field", status)
	}
	status, body, h := c.post("/admin/keys", url.Values{"name": {"marketplace sync"}, "role": {"integration"}, "org_id": {platform.ID}}, "en")
	secret := regexp.MustCompile(`<code id="secret">([^<]+)</code>`).FindStringSubmatch(body)
	if status != http.StatusOK || secret == nil || !strings.HasPrefix(secret[1], auth.APIKeyPrefix) || h.Get("Cache-Control") != "no-store" {
		t.Fatalf("issue: %d, no secret shown (or cached)\n%s", status, body)
	}
	if _, err := f.app.KeyPrincipal(ctx, secret[1]); err != nil {
		t.Errorf("the shown secret does not work: %v", err)
	}
	_, body, _ = c.get("/admin/keys?org="+platform.ID, "en")
	if strings.Contains(body, secret[1]) || !strings.Contains(body, "marketplace sync") {
		t.Errorf("the key list shows the secret again or not the key")
	}
	keys, _, _ := f.app.APIKeys(ctx, f.sys, platform.ID, store.Page{})
	var id string
	for _, k := range keys {
		if k.Name == "marketplace sync" {
			id = k.ID
		}
	}
	status, body, _ = c.get("/admin/keys/"+id+"/revoke?org="+platform.ID, "zh-CN")
	if status != http.StatusOK || !strings.Contains(body, "marketplace sync") || !strings.Contains(body, `action="/admin/keys/`+id+`/revoke"`) {
		t.Fatalf("revoke confirmation: %d", status)
	}
	if status, _, _ := c.post("/admin/keys/"+id+"/revoke", nil, "en"); status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", status)
	}
	if _, err := f.app.KeyPrincipal(ctx, secret[1]); err == nil {
		t.Errorf("the revoked key still works")
	}
}

func TestAdminOrgsSuspendNeedsReasonAndFilters(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "admin")
	seller := f.orgByKind(t, registry.KindSeller)

	status, body, _ := c.get("/admin/orgs/"+seller.ID+"/suspend", "en")
	if status != http.StatusOK || !strings.Contains(body, `name="reason"`) || !strings.Contains(body, `name="reinstate" value="false"`) {
		t.Fatalf("suspend confirmation: %d", status)
	}
	status, body, _ = c.post("/admin/orgs/"+seller.ID+"/suspend", url.Values{"reason": {"  "}, "reinstate": {"false"}}, "en")
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `aria-invalid="true"`) {
		t.Fatalf("no reason: %d, want 422 naming the reason", status)
	}
	if status, _, _ := c.post("/admin/orgs/"+seller.ID+"/suspend", url.Values{"reason": {"repeat infringer"}, "reinstate": {"false"}}, "en"); status != http.StatusSeeOther {
		t.Fatalf("suspend: %d", status)
	}
	_, body, _ = c.get("/admin/orgs?kind=seller&state=suspended", "en")
	if !strings.Contains(body, seller.ID) || !strings.Contains(body, "repeat infringer") || strings.Count(body, "<tr>") != 2 {
		t.Errorf("filtered list: want only the suspended seller\n%s", body)
	}
	_, body, _ = c.get("/admin/orgs?kind=agency", "en")
	if !strings.Contains(body, `href="/admin/orgs"`) || strings.Contains(body, "<tbody>") {
		t.Errorf("an empty filtered list should offer to clear the filters")
	}
	// A reviewer may list organisations but sees no suspend control and
	// may not suspend.
	r := f.login(t, "reviewer")
	_, body, _ = r.get("/admin/orgs", "en")
	if strings.Contains(body, "/suspend") {
		t.Errorf("a reviewer sees suspend links")
	}
	if status, _, _ := r.post("/admin/orgs/"+seller.ID+"/suspend", url.Values{"reason": {"x"}, "reinstate": {"true"}}, "en"); status != http.StatusForbidden {
		t.Errorf("a reviewer reinstating: got %d, want 403", status)
	}
}

func TestAdminAuditVerifyAndFilter(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "admin")
	status, body, _ := c.post("/admin/audit/verify", nil, "en")
	if status != http.StatusOK || !strings.Contains(body, "The chain is intact") {
		t.Fatalf("verify: %d\n%s", status, body)
	}
	_, body, _ = c.get("/admin/audit?object_type=organization", "en")
	if !strings.Contains(body, `value="organization"`) || !strings.Contains(body, "organization") {
		t.Errorf("filter not kept")
	}
	_, body, _ = c.get("/admin/audit?object_id=nothing-here", "zh-CN")
	if !strings.Contains(body, "没有符合筛选条件的记录") {
		t.Errorf("empty filtered audit")
	}
	_, body, _ = c.get("/admin/profiles", "en")
	if !strings.Contains(body, "cn-ecl") || !strings.Contains(body, "eu-dsa") {
		t.Errorf("profiles page lacks the profiles")
	}
}
