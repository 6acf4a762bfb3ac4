// Package web is dajia's server-rendered web interface. So far it holds the
// public pages: the ECL Art. 44 register of notices, declarations and
// outcomes. Pages are html/template files embedded in the binary, in
// Simplified Chinese and English, with no JavaScript and no external assets.
package web

import (
	"embed"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/store"
)

//go:embed templates/*.html
var templates embed.FS

// Server serves the web pages.
type Server struct {
	app  *app.App
	log  *slog.Logger
	tmpl *template.Template
	mux  *http.ServeMux
}

// New returns the web interface.
func New(a *app.App, log *slog.Logger) *Server {
	s := &Server{app: a, log: log, mux: http.NewServeMux()}
	s.tmpl = template.Must(template.New("").Funcs(template.FuncMap{"date": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }}).
		ParseFS(templates, "templates/*.html"))
	s.mux.HandleFunc("GET /public/register", s.register)
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "same-origin")
	s.mux.ServeHTTP(w, r)
}

// lang picks zh or en from ?lang= or Accept-Language (Chinese first).
func lang(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == "zh" || l == "en" {
		return l
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

// registerPage is the data of the register page.
type registerPage struct {
	Lang    string
	T       map[string]string
	Entries []app.RegisterEntry
	Next    string
}

var registerText = map[string]map[string]string{
	"en": {"title": "Register of notices and outcomes", "intro": "Published under Article 44 of the E-Commerce Law of the PRC: notices received, sellers' declarations and the measures taken. Natural persons are masked.",
		"when": "When", "kind": "Entry", "listing": "Listing", "notifier": "Notifier", "right": "Right", "result": "Result", "empty": "Nothing has been published yet.",
		"next": "Older entries", "notice": "notice", "declaration": "declaration", "result_kind": "result", "other": "中文"},
	"zh": {"title": "投诉、声明及处理结果公示", "intro": "依据《中华人民共和国电子商务法》第四十四条公示收到的知识产权侵权通知、卖家的不侵权声明及处理结果。自然人信息已作隐去处理。",
		"when": "时间", "kind": "类别", "listing": "商品", "notifier": "通知人", "right": "权利", "result": "处理结果", "empty": "暂无公示信息。",
		"next": "更早的记录", "notice": "通知", "declaration": "声明", "result_kind": "处理结果", "other": "English"},
}

func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	l := lang(r)
	p := store.Page{After: r.URL.Query().Get("cursor"), Limit: 50}
	if len(p.After) > 100 {
		http.Error(w, "bad cursor", http.StatusBadRequest)
		return
	}
	entries, next, err := s.app.PublicRegister(r.Context(), p)
	if err != nil {
		s.log.Error("register page", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := s.tmpl.ExecuteTemplate(w, "register.html", registerPage{Lang: l, T: registerText[l], Entries: entries, Next: next}); err != nil {
		s.log.Error("render register", "err", err)
	}
}
