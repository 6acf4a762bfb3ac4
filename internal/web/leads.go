package web

import (
	"errors"
	"html/template"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/detect"
	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/registry"
	"github.com/dajia-project/dajia/internal/store"
)

// The investigator's leads: the queue of listings detection suspects,
// highest score first, each with its explanation, and bulk triage. Platform
// investigators, admins and reviewers read it; a rights holder sees the
// leads sent to it; who may triage is the policy's (auth.LeadTriage).
func init() {
	registerArea(area{
		name: "lead",
		routes: func(s *Server) {
			s.mux.Handle("GET /leads", s.user(s.leadQueue))
			s.mux.Handle("GET /leads/{id}", s.user(s.leadDetail))
			s.mux.Handle("POST /leads/triage", s.user(s.leadTriage))
		},
		pages: []pageRoute{
			{"/leads", []string{"admin", "reviewer", "investigator", "owner", "nimbus"}},
			{"/leads?state=all", []string{"admin", "reviewer", "investigator", "owner", "nimbus"}},
		},
		forms: []string{"/leads/triage"},
		nav: []navLink{{Href: "/leads", Key: "lead.nav", show: func(p auth.Principal) bool {
			return p.Platform() && p.Is(auth.RoleAdmin, auth.RoleInvestigator, auth.RoleReviewer) || p.OrgKind == registry.KindRightsHolder
		}}},
	})
}

var leadStateNames = []app.LeadState{app.LeadOpen, app.LeadSentToBrand, app.LeadConfirmed, app.LeadDismissed, app.LeadBrandConfirmed, app.LeadBrandRejected}

// leadRow is a lead with its explanation ready to show.
type leadRow struct {
	app.Lead
	Lang    string
	Checked bool          // kept selected after a refused triage
	Title   template.HTML // the listing title with matched terms in <mark>
	Matched []string      // brand and slang terms matched outside the title
	Prices  []leadPrice
	Images  []detect.Signal
	Others  []detect.Signal
}

type leadPrice struct {
	Percent   int
	Reference string
	Source    string
}

// highlight marks the title's matched spans (byte offsets of text
// signals in the title), escaping everything.
func highlight(title string, sigs []detect.Signal) template.HTML {
	type span struct{ start, end int }
	var spans []span
	for _, s := range sigs {
		if s.Field == "title" && s.Start >= 0 && s.End > s.Start && s.End <= len(title) {
			spans = append(spans, span{s.Start, s.End})
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	var b strings.Builder
	at := 0
	for _, sp := range spans {
		if sp.start < at { // overlapping: extend the previous mark
			continue
		}
		b.WriteString(template.HTMLEscapeString(title[at:sp.start]))
		b.WriteString("<mark>" + template.HTMLEscapeString(title[sp.start:sp.end]) + "</mark>")
		at = sp.end
	}
	b.WriteString(template.HTMLEscapeString(title[at:]))
	return template.HTML(b.String())
}

func explain(l app.Lead) leadRow {
	r := leadRow{Lead: l, Title: highlight(l.ListingTitle, l.Signals)}
	for _, s := range l.Signals {
		switch s.Kind {
		case detect.SignalBrand, detect.SignalSlang:
			if s.Field != "title" && s.Text != "" {
				r.Matched = append(r.Matched, s.Text+" ("+s.Field+")")
			}
		case detect.SignalPrice:
			r.Prices = append(r.Prices, leadPrice{Percent: int(100*s.Ratio + 0.5), Reference: s.Reference, Source: s.Source})
		case detect.SignalImage, detect.SignalNegative:
			r.Images = append(r.Images, s)
		default:
			r.Others = append(r.Others, s)
		}
	}
	return r
}

type leadQueuePage struct {
	base
	Leads     []leadRow
	Pager     Pager
	State     string
	Brand     string
	States    []app.LeadState
	CanTriage bool
	Errors    admFormErrors
	Reason    string
	Action    string
	Selected  []string
	Results   []app.LeadResult
}

func (s *Server) leadQueuePage(w http.ResponseWriter, r *http.Request, sess session, status int, pg *leadQueuePage) error {
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" {
		state = string(app.LeadOpen)
	}
	filter := state
	if state == "all" || !slices.Contains(leadStateNames, app.LeadState(state)) {
		state, filter = "all", ""
	}
	brand := strings.TrimSpace(q.Get("brand"))
	leads, next, err := s.app.Leads(r.Context(), sess.principal, app.LeadQuery{State: app.LeadState(filter), BrandID: brand},
		store.Page{After: q.Get("cursor"), Limit: 50})
	if err != nil {
		return err
	}
	rows := make([]leadRow, len(leads))
	for i, l := range leads {
		rows[i] = explain(l)
		rows[i].Lang, rows[i].Checked = lang(r), slices.Contains(pg.Selected, l.ID)
	}
	pg.base, pg.Leads, pg.Pager, pg.State, pg.Brand, pg.States = sess.base(r, s, "lead.title"), rows, pagerFor(r, next), state, brand, leadStateNames
	pg.CanTriage = admMay(sess.principal, auth.LeadTriage, auth.KindLead)
	s.render(w, r, status, "lead_queue.html", pg)
	return nil
}

func (s *Server) leadQueue(w http.ResponseWriter, r *http.Request, sess session) error {
	return s.leadQueuePage(w, r, sess, http.StatusOK, &leadQueuePage{})
}

func (s *Server) leadTriage(w http.ResponseWriter, r *http.Request, sess session) error {
	r.ParseForm()
	ids, action, reason := r.PostForm["lead"], r.PostForm.Get("action"), strings.TrimSpace(r.PostForm.Get("reason"))
	results, err := s.app.TriageLeads(r.Context(), sess.principal, ids, action, reason)
	pg := &leadQueuePage{Reason: reason, Action: action, Selected: ids, Results: results}
	if err != nil {
		var inv *fault.Invalid
		if !errors.As(err, &inv) {
			return err
		}
		pg.Errors = admFormErrors{Fields: map[string]string{}, Form: translate(lang(r), "lead.triage.invalid")}
		for _, f := range inv.Fields {
			name := f.Field
			if name == "ids" {
				name = "lead"
			}
			pg.Errors.Fields[name] = f.Detail
		}
		if back := r.PostForm.Get("back"); back != "" && strings.HasPrefix(back, "/leads/") {
			return s.leadDetailPage(w, r, sess, http.StatusUnprocessableEntity, r.PathValue("id"), back[len("/leads/"):], pg)
		}
		return s.leadQueuePage(w, r, sess, http.StatusUnprocessableEntity, pg)
	}
	pg.Selected = nil
	if back := r.PostForm.Get("back"); back != "" && strings.HasPrefix(back, "/leads/") {
		return s.leadDetailPage(w, r, sess, http.StatusOK, "", back[len("/leads/"):], pg)
	}
	return s.leadQueuePage(w, r, sess, http.StatusOK, pg)
}

type leadDetailPage struct {
	*leadQueuePage
	Lead leadRow
}

func (s *Server) leadDetailPage(w http.ResponseWriter, r *http.Request, sess session, status int, _ string, id string, pg *leadQueuePage) error {
	l, err := s.app.Lead(r.Context(), sess.principal, id)
	if err != nil {
		return err
	}
	pg.base = sess.base(r, s, "lead.detail.title")
	pg.Title = translate(pg.Lang, "lead.detail.title", "listing", l.ListingID)
	pg.CanTriage = admMay(sess.principal, auth.LeadTriage, auth.KindLead)
	row := explain(l)
	row.Lang = pg.Lang
	s.render(w, r, status, "lead_detail.html", &leadDetailPage{leadQueuePage: pg, Lead: row})
	return nil
}

func (s *Server) leadDetail(w http.ResponseWriter, r *http.Request, sess session) error {
	return s.leadDetailPage(w, r, sess, http.StatusOK, "", r.PathValue("id"), &leadQueuePage{})
}
