package web

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/demo"
	"github.com/dajia-project/dajia/internal/demo/demotest"
	"github.com/dajia-project/dajia/internal/store/storetest"
)

var ctx = context.Background()

// TestCatalogues checks that both languages have the same keys, that no
// message is empty, and that every key the templates and the code use
// exists.
func TestCatalogues(t *testing.T) {
	cats := catalogs()
	for _, l := range Languages {
		for k, v := range cats[l] {
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s: %s is empty", l, k)
			}
			for _, other := range Languages {
				if _, ok := cats[other][k]; !ok {
					t.Errorf("key %s is in %s but missing in %s", k, l, other)
				}
			}
		}
	}
	used := map[string]bool{}
	re := regexp.MustCompile(`t (?:\.|\$\.)Lang "([a-z0-9_.]+)"`)
	files, _ := fs.Glob(templateFS, "templates/*.html")
	for _, f := range files {
		b, _ := templateFS.ReadFile(f)
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
	}
	// Keys in the Go code: quoted strings whose first segment is a
	// catalogue namespace (nav., home., seller.…), in every non-test file.
	spaces := map[string]bool{}
	for k := range cats["en"] {
		spaces[strings.SplitN(k, ".", 2)[0]] = true
	}
	srcs, _ := filepath.Glob("*.go")
	for _, f := range srcs {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, _ := readSource(f)
		for _, m := range regexp.MustCompile(`"([a-z]+)\.([a-z0-9_.]+)"`).FindAllStringSubmatch(b, -1) {
			key := m[1] + "." + m[2]
			if spaces[m[1]] && !strings.HasSuffix(key, ".html") && !strings.HasSuffix(key, ".json") {
				used[key] = true
			}
		}
	}
	if len(used) < 30 {
		t.Fatalf("found only %d keys in use; the scan is broken", len(used))
	}
	for k := range used {
		for _, l := range Languages {
			if _, ok := cats[l][k]; !ok {
				t.Errorf("key %s is used but missing in %s", k, l)
			}
		}
	}
}

// fixture starts the web interface over a fresh database holding the demo
// world (internal/demo): platform staff, verified brands with rights, an
// agent, sellers with listings and notices in everyday states.
type fixture struct {
	srv   *httptest.Server
	app   *app.App
	sys   auth.Principal
	demo  demo.World
	users map[string]string // fixture user → e-mail
}

// Fixture users: the names pageRoute.Users refers to.
var fixtureUsers = map[string]string{
	"admin": "platform admin", "reviewer": "platform reviewer", "investigator": "platform investigator", "liaison": "platform liaison",
	"owner": "rights holder Aurora", "nimbus": "rights holder Nimbus", "agent": "agent", "seller": "seller Shenzhen",
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	env := demotest.Open(t, storetest.Engines()[0])
	a, sys, w := env.App, env.Sys, env.World
	f := &fixture{app: a, sys: sys, demo: w, users: map[string]string{}}
	for name, who := range fixtureUsers {
		if f.users[name] = w.Email(who); f.users[name] == "" {
			t.Fatalf("the demo world has no %s", who)
		}
	}
	f.srv = httptest.NewServer(New(a, slog.New(slog.DiscardHandler), []byte("secret")))
	t.Cleanup(f.srv.Close)
	return f
}

// client logs in through the login form. Secure cookies are sent by Go's
// jar to http://127.0.0.1 only if the jar sees https, so the cookie is
// carried by hand.
type client struct {
	t       testing.TB
	base    string
	session string
}

func (f *fixture) login(t testing.TB, who string) *client {
	t.Helper()
	c := &client{t: t, base: f.srv.URL}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.PostForm(f.srv.URL+"/login", url.Values{"email": {f.users[who]}, "password": {demo.Password}, "next": {"/items"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, ck := range resp.Cookies() {
		if ck.Name == sessionCookie {
			if !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
				t.Errorf("session cookie flags: %+v", ck)
			}
			c.session = ck.Value
		}
	}
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/items" || c.session == "" {
		t.Fatalf("login %s: %d %s", who, resp.StatusCode, resp.Header.Get("Location"))
	}
	return c
}

func (c *client) get(path, lang string) (int, string, http.Header) {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.base+path, nil)
	req.Header.Set("Accept-Language", lang)
	if c.session != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: c.session})
	}
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

var missingKey = regexp.MustCompile(`\[[a-z]+\.[a-z0-9_.]+\]`)

// TestEveryPageRendersInBothLanguages renders every page for every role in
// Chinese and English and looks for untranslated keys.
func TestEveryPageRendersInBothLanguages(t *testing.T) {
	f := newFixture(t)
	s := New(nil, nil, nil)
	for _, who := range []string{"admin", "reviewer", "investigator", "liaison", "owner", "agent", "seller", ""} {
		var c *client
		if who != "" {
			c = f.login(t, who)
		} else {
			c = &client{t: t, base: f.srv.URL}
		}
		for _, route := range s.Routes() {
			path := route.Path
			for _, lang := range []string{"zh-CN", "en-US"} {
				status, body, h := c.get(path, lang)
				if who == "" && path != "/public/register" && path != "/login" {
					if status != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login?next=") {
						t.Errorf("anonymous %s: got %d %s, want a redirect to the login page and back", path, status, h.Get("Location"))
					}
					continue
				}
				if route.Users != nil && !slices.Contains(route.Users, who) {
					if status != http.StatusForbidden && status != http.StatusNotFound {
						t.Errorf("%s on %s: got %d, want 403 or 404", who, path, status)
					}
				} else if status != http.StatusOK {
					t.Errorf("%s %s %s: got %d", who, path, lang, status)
					continue
				}
				wantLang := `lang="en"`
				if strings.HasPrefix(lang, "zh") {
					wantLang = `lang="zh-CN"`
				}
				if !strings.Contains(body, wantLang) || !strings.Contains(body, "<main") || !strings.Contains(body, "<title>") {
					t.Errorf("%s %s %s: no %s, landmark or title", who, path, lang, wantLang)
				}
				if m := missingKey.FindString(body); m != "" {
					t.Errorf("%s %s %s: untranslated %s", who, path, lang, m)
				}
				if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe-inline") {
					t.Errorf("%s: CSP %q", path, csp)
				}
			}
		}
	}
}

// TestFormsNeedCSRF posts every state-changing form without a valid token.
func TestFormsNeedCSRF(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "reviewer")
	post := func(path string, form url.Values, cross bool) int {
		req, _ := http.NewRequest("POST", f.srv.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: c.session})
		if cross {
			req.Header.Set("Origin", "https://evil.example")
			req.Header.Set("Sec-Fetch-Site", "cross-site")
		}
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	forms := New(nil, nil, nil).Forms()
	for _, path := range forms {
		if got := post(path, url.Values{}, false); got != http.StatusForbidden {
			t.Errorf("%s without a token: got %d, want 403", path, got)
		}
		if got := post(path, url.Values{"csrf": {strings.Repeat("0", 64)}}, false); got != http.StatusForbidden {
			t.Errorf("%s with a wrong token: got %d, want 403", path, got)
		}
		if got := post(path, url.Values{"csrf": {auth.CSRFToken([]byte("secret"), c.session)}}, true); got != http.StatusForbidden {
			t.Errorf("%s cross-site with a good token: got %d, want 403", path, got)
		}
	}
	if got := post("/login", url.Values{"email": {f.users["reviewer"]}, "password": {demo.Password}}, true); got != http.StatusForbidden {
		t.Errorf("cross-site login: got %d, want 403", got)
	}
	// With the token the form works: logout ends the session.
	if got := post("/logout", url.Values{"csrf": {auth.CSRFToken([]byte("secret"), c.session)}}, false); got != http.StatusSeeOther {
		t.Errorf("logout with the token: got %d, want 303", got)
	}
	if status, _, _ := c.get("/items", "en"); status != http.StatusSeeOther {
		t.Errorf("after logout: got %d, want a redirect to log in", status)
	}
}

func TestLoginKeepsWhatWasTyped(t *testing.T) {
	f := newFixture(t)
	resp, err := http.PostForm(f.srv.URL+"/login", url.Values{"email": {f.users["reviewer"]}, "password": {"wrong-password"}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(b), `value="`+f.users["reviewer"]+`"`) || !strings.Contains(string(b), `role="alert"`) {
		t.Errorf("failed login: %d %.300s", resp.StatusCode, b)
	}
}

// TestPagerKeepsFilters checks that the next-page link keeps the view's
// filters (so it can be bookmarked) and replaces the cursor.
func TestPagerKeepsFilters(t *testing.T) {
	r := httptest.NewRequest("GET", "/items?state=open&notice=ntc_1&cursor=old&lang=en", nil)
	p := pagerFor(r, "c/2+3")
	var b strings.Builder
	tpl := New(nil, nil, nil).pages["items.html"]
	if err := tpl.ExecuteTemplate(&b, "pager", p); err != nil {
		t.Fatal(err)
	}
	want := `href="?notice=ntc_1&amp;state=open&amp;cursor=c%2f2%2b3"`
	if !strings.Contains(b.String(), want) || strings.Contains(b.String(), "old") {
		t.Errorf("pager: %s, want %s", b.String(), want)
	}
	if got := pagerFor(r, ""); got.Next != "" {
		t.Errorf("last page has a next link: %+v", got)
	}
}
