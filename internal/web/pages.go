package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"html/template"
	"net/http"
	"time"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/store"
)

// Pager is the link to the next page of a list. Lists page by cursor and
// keep every other URL parameter (filters, sort), so views can be
// bookmarked.
type Pager struct {
	Lang  string
	Next  string
	Query template.URL
}

// pagerFor builds the pager of a request whose list continues at next.
func pagerFor(r *http.Request, next string) Pager {
	q := r.URL.Query()
	q.Del("cursor")
	q.Del("lang")
	return Pager{Lang: lang(r), Next: next, Query: template.URL(q.Encode())}
}

func requestID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

type loginPage struct {
	base
	Email string
	Next  string
	Error string
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	l := lang(r)
	s.render(w, r, http.StatusOK, "login.html", &loginPage{base: base{Lang: l, Title: translate(l, "login.title")}, Next: localPath(r.URL.Query().Get("next"))})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if s.cop.Check(r) != nil {
		s.errorPage(w, r, http.StatusForbidden, "error.csrf")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	email, pw, next := r.PostFormValue("email"), r.PostFormValue("password"), localPath(r.PostFormValue("next"))
	sess, err := s.app.Login(r.Context(), email, pw)
	if err != nil {
		l := lang(r)
		status := http.StatusUnauthorized
		if !errors.Is(err, fault.ErrUnauthenticated) {
			status = http.StatusInternalServerError
		}
		// Keep what was typed (not the password) and say what is wrong.
		s.render(w, r, status, "login.html", &loginPage{base: base{Lang: l, Title: translate(l, "login.title")}, Email: email, Next: next,
			Error: translate(l, "login.failed")})
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: sess.Token, Path: "/", Expires: time.Now().Add(auth.SessionMaxAge),
		Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, sess session) error {
	if err := s.app.Logout(r.Context(), sess.token); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// homePage says what needs the user's attention.
type homePage struct {
	base
	Org      string
	OrgState string
	Queue    int
	Open     int
	Unread   int
	Expiring int
	Reviewer bool
}

func (s *Server) home(w http.ResponseWriter, r *http.Request, sess session) error {
	ctx, p := r.Context(), sess.principal
	pg := &homePage{base: sess.base(r, s, "home.title"), OrgState: string(p.OrgState)}
	if org, err := s.app.Org(ctx, p, p.OrgID); err == nil {
		pg.Org = org.LegalName
	}
	if p.Is(auth.RoleReviewer, auth.RoleAdmin) && p.Platform() {
		pg.Reviewer = true
		q, err := s.app.ReviewQueue(ctx, p, 500)
		if err != nil {
			return err
		}
		pg.Queue = len(q)
	}
	if items, _, err := s.app.Items(ctx, p, app.ItemQuery{OpenOnly: true}, store.Page{Limit: 500}); err == nil {
		pg.Open = len(items)
	}
	if msgs, _, err := s.app.Inbox(ctx, p, store.Page{Limit: 500}); err == nil {
		for _, m := range msgs {
			if m.ReadAt.IsZero() {
				pg.Unread++
			}
		}
	}
	if rights, _, err := s.app.Rights(ctx, p, app.RightQuery{ExpiringSoon: true}, store.Page{Limit: 500}); err == nil {
		pg.Expiring = len(rights)
	}
	s.render(w, r, http.StatusOK, "home.html", pg)
	return nil
}

type rightsPage struct {
	base
	Rights []app.RightView
	Pager  Pager
}

func (s *Server) rights(w http.ResponseWriter, r *http.Request, sess session) error {
	rights, next, err := s.app.Rights(r.Context(), sess.principal, app.RightQuery{}, store.Page{After: r.URL.Query().Get("cursor"), Limit: 50})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "rights.html", &rightsPage{base: sess.base(r, s, "rights.title"), Rights: rights, Pager: pagerFor(r, next)})
	return nil
}

type itemsPage struct {
	base
	Items []app.ItemSummary
	Pager Pager
	State string
}

func (s *Server) items(w http.ResponseWriter, r *http.Request, sess session) error {
	q := r.URL.Query()
	items, next, err := s.app.Items(r.Context(), sess.principal, app.ItemQuery{State: q.Get("state"), NoticeID: q.Get("notice")},
		store.Page{After: q.Get("cursor"), Limit: 50})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "items.html", &itemsPage{base: sess.base(r, s, "items.title"), Items: items, Pager: pagerFor(r, next), State: q.Get("state")})
	return nil
}

type itemPage struct {
	base
	Item app.ItemView
}

func (s *Server) item(w http.ResponseWriter, r *http.Request, sess session) error {
	v, err := s.app.Item(r.Context(), sess.principal, r.PathValue("id"))
	if err != nil {
		return err
	}
	b := sess.base(r, s, "item.title")
	b.Title = translate(b.Lang, "item.title", "id", v.ID)
	s.render(w, r, http.StatusOK, "item.html", &itemPage{base: b, Item: v})
	return nil
}

type registerPage struct {
	base
	Entries []app.RegisterEntry
	Pager   Pager
}

func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	p := store.Page{After: r.URL.Query().Get("cursor"), Limit: 50}
	if len(p.After) > 100 {
		s.errorPage(w, r, http.StatusBadRequest, "error.notfound")
		return
	}
	entries, next, err := s.app.PublicRegister(r.Context(), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := lang(r)
	s.render(w, r, http.StatusOK, "register.html", &registerPage{base: base{Lang: l, Title: translate(l, "register.title")}, Entries: entries, Pager: pagerFor(r, next)})
}
