// Package web is dajia's server-rendered web interface: html/template pages
// embedded in the binary, in Simplified Chinese and English (chosen from
// Accept-Language, switchable and remembered in a cookie), working without
// JavaScript, with no external assets. Pages call one app service each and
// render typed page structs; the authorization policy decides what each
// user sees, exactly as for the JSON API.
package web

import (
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/fault"
)

//go:embed templates/*.html templates/parts/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Cookie names.
const (
	sessionCookie = "dajia_session" // shared with the JSON API
	langCookie    = "dajia_lang"
)

// Server serves the web pages.
type Server struct {
	app    *app.App
	log    *slog.Logger
	secret []byte
	pages  map[string]*template.Template
	mux    *http.ServeMux
	cop    *http.CrossOriginProtection
}

// New returns the web interface; secret keys the CSRF tokens (the same as
// the API's).
func New(a *app.App, log *slog.Logger, secret []byte) *Server {
	s := &Server{app: a, log: log, secret: secret, mux: http.NewServeMux(), cop: http.NewCrossOriginProtection(), pages: map[string]*template.Template{}}
	funcs := template.FuncMap{"t": translate, "date": formatDate, "local": localDue, "state": slStateLabel, "deadlineKind": deadlineKind, "code": codeLabel}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	for _, n := range names {
		base := strings.TrimPrefix(n, "templates/")
		if base == "layout.html" {
			continue
		}
		s.pages[base] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/parts/*.html", n))
	}
	static, _ := fs.Sub(staticFS, "static")
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	s.mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/static/favicon.svg", http.StatusMovedPermanently) // for pages without the layout's icon link
	})
	s.mux.HandleFunc("GET /lang", s.switchLang)
	s.mux.HandleFunc("GET /login", s.loginPage)
	s.mux.HandleFunc("POST /login", s.login)
	s.mux.Handle("POST /logout", s.user(s.logout))
	s.mux.HandleFunc("GET /public/register", s.register)
	s.mux.Handle("GET /{$}", s.user(s.home))
	s.mux.Handle("GET /rights", s.user(s.rights))
	s.mux.Handle("GET /items", s.user(s.items))
	s.mux.Handle("GET /items/{id}", s.user(s.item))
	for _, a := range areas {
		a.routes(s)
	}
	return s
}

// An area is one portal's part of the interface (seller, reviewer, admin…),
// kept in its own file with its own templates and catalogue
// (locales/<area>.<lang>.json) and added to the server by registerArea in
// that file's init. Areas list their pages and forms so that the tests
// render every page in both languages and post every form without a CSRF
// token.
type area struct {
	name   string
	routes func(*Server)
	pages  []pageRoute // GET pages without path parameters
	forms  []string    // POST paths of state-changing forms
	nav    []navLink   // links in the main navigation
}

// pageRoute is a page and the fixture users (see web_test.go) who may see
// it; everyone else signed in gets 403 or 404.
type pageRoute struct {
	Path  string
	Users []string
}

// navLink is an entry of the main navigation, shown to whom show says.
type navLink struct {
	Href string
	Key  string
	show func(auth.Principal) bool
}

var areas []area

func registerArea(a area) { areas = append(areas, a) }

// coreNav is the navigation of the core pages.
var coreNav = []navLink{
	{Href: "/", Key: "nav.home", show: signedIn},
	{Href: "/rights", Key: "nav.rights", show: signedIn},
	{Href: "/items", Key: "nav.items", show: signedIn},
	{Href: "/review", Key: "nav.review", show: reviewer},
}

func signedIn(auth.Principal) bool { return true }
func reviewer(p auth.Principal) bool {
	return p.Platform() && p.Is(auth.RoleAdmin, auth.RoleReviewer)
}

// navFor is the navigation a principal sees.
func navFor(p auth.Principal) []navLink {
	var out []navLink
	for _, l := range coreNav {
		if l.show(p) {
			out = append(out, l)
		}
	}
	for _, a := range areas {
		for _, l := range a.nav {
			if l.show(p) {
				out = append(out, l)
			}
		}
	}
	return out
}

// Routes lists the pages without path parameters and who may see each
// (for the tests that every page renders in both languages).
func (s *Server) Routes() []pageRoute {
	out := []pageRoute{{"/", nil}, {"/rights", nil}, {"/items", nil}, {"/review", []string{"admin", "reviewer"}}, {"/public/register", nil}, {"/login", nil}}
	for _, a := range areas {
		out = append(out, a.pages...)
	}
	return out
}

// Forms lists the state-changing forms (for the CSRF tests).
func (s *Server) Forms() []string {
	out := []string{"/logout"}
	for _, a := range areas {
		out = append(out, a.forms...)
	}
	return out
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	s.mux.ServeHTTP(w, r)
}

// lang picks zh or en: ?lang=, then the remembered choice, then
// Accept-Language; Chinese by default.
func lang(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == "zh" || l == "en" {
		return l
	}
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == "zh" || c.Value == "en") {
		return c.Value
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case strings.HasPrefix(tag, "zh"):
			return "zh"
		case strings.HasPrefix(tag, "en"):
			return "en"
		}
	}
	return "zh"
}

// localPath keeps a redirect target on this site.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.Contains(p, "\\\\") {
		return "/"
	}
	return p
}

func (s *Server) switchLang(w http.ResponseWriter, r *http.Request) {
	to := r.URL.Query().Get("to")
	if to != "zh" && to != "en" {
		to = "zh"
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: to, Path: "/", MaxAge: 365 * 24 * 3600, Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, localPath(r.URL.Query().Get("next")), http.StatusSeeOther)
}

// base is what every page's layout needs.
type base struct {
	Lang     string
	Title    string
	Path     string
	CSRF     string
	User     string
	Role     auth.Role
	Reviewer bool // sees the review queue
	Nav      []navLink
}

// page is implemented by every page struct.
type page interface{ layout() *base }

func (b *base) layout() *base { return b }

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	t, ok := s.pages[name]
	if !ok {
		s.log.Error("no template", "name", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	b := p.layout()
	b.Path = r.URL.Path
	if b.Lang == "" {
		b.Lang = lang(r)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := t.Execute(w, p); err != nil {
		s.log.Error("render", "page", name, "err", err)
	}
}

// session is the signed-in user of a request.
type session struct {
	token     string
	principal auth.Principal
	user      auth.User
}

type userHandler func(w http.ResponseWriter, r *http.Request, sess session) error

// user requires a session (redirecting to the login page and back) and CSRF
// protection on state-changing requests, and renders errors as pages.
func (s *Server) user(h userHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		var sess session
		if err == nil && c.Value != "" {
			sess.token = c.Value
			sess.principal, sess.user, err = s.app.SessionPrincipal(r.Context(), c.Value)
		}
		if err != nil || sess.token == "" {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if s.cop.Check(r) != nil || !auth.ValidCSRF(s.secret, sess.token, r.PostFormValue("csrf")) {
				s.errorPage(w, r, http.StatusForbidden, "error.csrf")
				return
			}
		}
		if err := h(w, r, sess); err != nil {
			s.fail(w, r, err)
		}
	})
}

func (sess session) base(r *http.Request, s *Server, titleKey string) base {
	l := lang(r)
	return base{Lang: l, Title: translate(l, titleKey), CSRF: auth.CSRFToken(s.secret, sess.token), User: sess.user.Name,
		Role: sess.principal.Role, Reviewer: reviewer(sess.principal), Nav: navFor(sess.principal)}
}

// errorPage is the page for an error chosen on purpose.
type errorPage struct {
	base
	Message string
}

func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int, key string, pairs ...any) {
	l := lang(r)
	s.render(w, r, status, "error.html", &errorPage{base: base{Lang: l, Title: translate(l, "error.title")}, Message: translate(l, key, pairs...)})
}

// fail shows an error: not-found and forbidden as such, anything else as
// an internal error with an id the operator can find in the log.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, fault.ErrNotFound):
		s.errorPage(w, r, http.StatusNotFound, "error.notfound")
	case errors.Is(err, fault.ErrForbidden):
		s.errorPage(w, r, http.StatusForbidden, "error.forbidden")
	case errors.Is(err, fault.ErrUnauthenticated):
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
	default:
		id := requestID()
		s.log.Error("web page", "request_id", id, "path", r.URL.Path, "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, "error.internal", "id", id)
	}
}
