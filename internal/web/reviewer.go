package web

// The reviewer portal: the review queue with bulk decisions, the decision
// screen (listing as reported, the right and its certificates, the
// notice's evidence, side by side), appeals, and the qualification, rights
// and authorisation queues.

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/notice"
	"github.com/dajia-project/dajia/internal/registry"
	"github.com/dajia-project/dajia/internal/store"
)

func init() {
	staff := []string{"admin", "reviewer"}
	registerArea(area{
		name: "reviewer",
		routes: func(s *Server) {
			s.mux.Handle("GET /review", s.user(s.rvQueue))
			s.mux.Handle("POST /review/decide", s.user(s.rvBulk))
			s.mux.Handle("GET /review/items/{id}", s.user(s.rvItem))
			s.mux.Handle("POST /review/items/{id}/claim", s.user(s.rvClaim))
			s.mux.Handle("POST /review/items/{id}/decide", s.user(s.rvDecide))
			s.mux.Handle("POST /review/items/{id}/request-info", s.user(s.rvRequestInfo))
			s.mux.Handle("POST /review/items/{id}/complaint", s.user(s.rvComplaint))
			s.mux.Handle("GET /review/documents/{id}", s.user(s.rvDocument))
			s.mux.Handle("GET /review/{kind}", s.user(s.rvRegistry))
			s.mux.Handle("POST /review/{kind}/{id}", s.user(s.rvRegistryDecide))
		},
		pages: []pageRoute{{Path: "/review?state=complaint_open", Users: staff}, {Path: "/review?profile=eu-dsa&sort=age&all=1", Users: staff},
			{Path: "/review/orgs", Users: staff}, {Path: "/review/rights", Users: staff}, {Path: "/review/authorizations", Users: staff},
			{Path: "/review/rights?state=verified", Users: staff}},
		forms: []string{"/review/decide"},
		nav: []navLink{{Href: "/review/orgs", Key: "rv.nav.orgs", show: reviewer}, {Href: "/review/rights", Key: "rv.nav.rights", show: reviewer},
			{Href: "/review/authorizations", Key: "rv.nav.authorizations", show: reviewer}},
	})
}

// rvTemplates are the reason templates of decisions: key → outcome it fits.
var rvTemplates = []struct{ Key, Outcome string }{
	{"counterfeit", "action"}, {"similar_sign", "action"}, {"copyright_copy", "action"},
	{"no_infringement_shown", "no_action"}, {"genuine_goods", "no_action"}, {"right_not_covering", "no_action"},
}

type rvTemplate struct {
	Key, Label, Outcome string
	Selected            bool
}

func rvTemplateList(l, selected string) []rvTemplate {
	var out []rvTemplate
	for _, t := range rvTemplates {
		out = append(out, rvTemplate{Key: t.Key, Outcome: t.Outcome, Label: translate(l, fmt.Sprintf("rv.reason.%s", t.Key)), Selected: t.Key == selected})
	}
	return out
}

// rvReason is the reason of a decision: what was typed, else the chosen
// template's text in the page's language.
func rvReason(l string, form url.Values) string {
	if r := strings.TrimSpace(form.Get("reason")); r != "" {
		return r
	}
	for _, t := range rvTemplates {
		if t.Key == form.Get("reason_template") {
			return translate(l, fmt.Sprintf("rv.reason.%s", t.Key))
		}
	}
	return ""
}

// --- queue ---

type rvRow struct {
	app.ItemSummary
	StateLabel string
	Waiting    string // how long it has waited
	Overdue    bool
	Checked    bool
}

type rvQueuePage struct {
	base
	Rows      []rvRow
	Pager     Pager
	State     string
	Profile   string
	Trusted   bool
	Sort      string
	Profiles  []slOption
	Templates []rvTemplate
	Query     string // the view, to select all on it
	Form      slForm
	Outcome   string
	Reason    string
	Explain   string
	Results   []rvResult
}

type rvResult struct {
	app.BulkResult
	OK bool
}

func (s *Server) rvQueue(w http.ResponseWriter, r *http.Request, sess session) error {
	return s.rvShowQueue(w, r, sess, http.StatusOK, nil, slForm{}, nil)
}

func (s *Server) rvShowQueue(w http.ResponseWriter, r *http.Request, sess session, status int, form url.Values, fs slForm, results []app.BulkResult) error {
	ctx, q := r.Context(), r.URL.Query()
	if form != nil {
		q = form
	}
	pg := &rvQueuePage{base: sess.base(r, s, "review.title"), State: q.Get("state"), Profile: q.Get("profile"), Trusted: q.Get("trusted") == "1",
		Sort: q.Get("sort"), Form: fs}
	if pg.State != "complaint_open" {
		pg.State = "under_review"
	}
	var items []app.ItemSummary
	var next string
	var err error
	if pg.State == "under_review" {
		items, err = s.app.ReviewQueue(ctx, sess.principal, 500)
	} else {
		if err = auth.Check(sess.principal, auth.ItemReview, auth.Resource{Kind: auth.KindItem}); err == nil {
			items, next, err = s.app.Items(ctx, sess.principal, app.ItemQuery{State: pg.State}, store.Page{After: q.Get("cursor"), Limit: 100})
		}
	}
	if err != nil {
		return err
	}
	for _, id := range s.app.Profiles().IDs() {
		pg.Profiles = append(pg.Profiles, slOption{Value: id, Label: id, Selected: id == pg.Profile})
	}
	checked := map[string]bool{}
	if form != nil {
		for _, id := range form["item"] {
			checked[id] = true
		}
	}
	now := s.app.Now()
	for _, it := range items {
		if pg.Profile != "" && !slices.Contains(it.Profiles, pg.Profile) || pg.Trusted && !it.Trusted {
			continue
		}
		pg.Rows = append(pg.Rows, rvRow{ItemSummary: it, StateLabel: slStateLabel(pg.Lang, it.State), Waiting: rvAge(pg.Lang, now.Sub(it.ReceivedAt)),
			Overdue: !it.SLADueAt.IsZero() && it.SLADueAt.Before(now), Checked: checked[it.ID] || q.Get("all") == "1"})
	}
	switch pg.Sort {
	case "age":
		slices.SortStableFunc(pg.Rows, func(a, b rvRow) int { return a.ReceivedAt.Compare(b.ReceivedAt) })
	case "sla":
		slices.SortStableFunc(pg.Rows, func(a, b rvRow) int { return a.SLADueAt.Compare(b.SLADueAt) })
	default:
		pg.Sort = ""
	}
	v := url.Values{}
	for _, k := range []string{"state", "profile", "trusted", "sort"} {
		if q.Get(k) != "" {
			v.Set(k, q.Get(k))
		}
	}
	pg.Query = v.Encode()
	if form != nil {
		pg.Outcome, pg.Reason, pg.Explain = form.Get("outcome"), form.Get("reason"), form.Get("explanation")
	}
	pg.Templates = rvTemplateList(pg.Lang, q.Get("reason_template"))
	for _, res := range results {
		pg.Results = append(pg.Results, rvResult{BulkResult: res, OK: res.Status == http.StatusOK})
	}
	pg.Pager = pagerFor(r, next)
	s.render(w, r, status, "rv_queue.html", pg)
	return nil
}

// rvAge says how long something has waited, roughly.
func rvAge(l string, d time.Duration) string {
	switch {
	case d < time.Hour:
		return translate(l, "rv.age.minutes", "n", int(d.Minutes()))
	case d < 48*time.Hour:
		return translate(l, "rv.age.hours", "n", int(d.Hours()))
	}
	return translate(l, "rv.age.days", "n", int(d.Hours()/24))
}

// rvBulk decides the checked items with one reason (DecideMany): items
// refused for their state (someone decided first) are reported, the others
// are decided together.
func (s *Server) rvBulk(w http.ResponseWriter, r *http.Request, sess session) error {
	l := lang(r)
	form := r.PostForm
	inv := new(fault.Invalid)
	items := form["item"]
	if len(items) == 0 {
		inv.Add("item", "%s", translate(l, "rv.bulk.none"))
	}
	outcome := notice.Outcome(form.Get("outcome"))
	if outcome != notice.OutcomeAction && outcome != notice.OutcomeNoAction {
		inv.Add("outcome", "%s", translate(l, "rv.decide.outcome.required"))
	}
	reason := rvReason(l, form)
	if reason == "" {
		inv.Add("reason", "%s", translate(l, "rv.decide.reason.required"))
	}
	if form.Get("confirm") != "1" {
		inv.Add("confirm", "%s", translate(l, "rv.bulk.confirm.required", "n", len(items)))
	}
	if err := inv.Err(); err != nil {
		fs, status, _ := slRefusal(l, err)
		return s.rvShowQueue(w, r, sess, status, form, fs, nil)
	}
	res, err := s.app.DecideMany(r.Context(), sess.principal, items, app.DecisionInput{Outcome: outcome, Reason: reason,
		Explanation: strings.TrimSpace(form.Get("explanation"))})
	if err != nil {
		fs, status, ok := slRefusal(l, err)
		if !ok {
			return err
		}
		return s.rvShowQueue(w, r, sess, status, form, fs, nil)
	}
	// The queue shows what became of each item; the form starts afresh.
	keep := url.Values{}
	for _, k := range []string{"state", "profile", "trusted", "sort"} {
		keep.Set(k, form.Get(k))
	}
	return s.rvShowQueue(w, r, sess, http.StatusOK, keep, slForm{}, res)
}

// --- decision screen ---

type rvDoc struct {
	ID, Role, Name, Type string
	Size                 int64
	Missing              bool
}

type rvFiling struct {
	app.Filing
	KindLabel string
	Docs      []rvDoc
}

type rvMeasure struct {
	Name    string
	Checked bool
}

type rvItemPage struct {
	base
	Item       app.ItemView
	StateLabel string
	Listing    *app.ListingView // as reported (the version at notice time)
	Current    int              // the listing's current version, if newer
	Right      *app.RightView
	RightDocs  []rvDoc
	Evidence   []rvDoc
	Filings    []rvFiling
	Deadlines  []slDeadlineRow
	Measures   []rvMeasure
	Templates  []rvTemplate
	CanDecide  bool
	CanAppeal  bool // a complaint waits for a decision
	Form       slForm
	Stale      bool
	Values     url.Values // what was typed, after a refusal
	Outcomes   []string   // of a complaint decision
	ClaimedBy  string
}

// Get returns a posted value (for the template).
func (p *rvItemPage) Get(k string) string { return p.Values.Get(k) }

func (s *Server) rvItem(w http.ResponseWriter, r *http.Request, sess session) error {
	return s.rvShowItem(w, r, sess, http.StatusOK, nil, slForm{})
}

func (s *Server) rvShowItem(w http.ResponseWriter, r *http.Request, sess session, status int, form url.Values, fs slForm) error {
	ctx, p := r.Context(), sess.principal
	if err := auth.Check(p, auth.ItemReview, auth.Resource{Kind: auth.KindItem}); err != nil {
		return err
	}
	v, err := s.app.Item(ctx, p, r.PathValue("id"))
	if err != nil {
		return err
	}
	b := sess.base(r, s, "rv.item.title")
	b.Title = translate(b.Lang, "rv.item.title", "id", v.ID)
	if form == nil {
		form = url.Values{}
	}
	pg := &rvItemPage{base: b, Item: v, StateLabel: slStateLabel(b.Lang, v.State), Form: fs, Values: form, Stale: fs.Stale,
		Deadlines: slDeadlineRows(b.Lang, v, s.app.Now(), false), CanDecide: v.State == string(notice.StateUnderReview),
		CanAppeal: v.State == string(notice.StateComplaintOpen), ClaimedBy: v.ClaimedBy}
	if l, err := s.app.Listing(ctx, p, v.ListingID, v.ListingVersion); err == nil {
		pg.Listing = &l
		if l.CurrentVersion != l.Version {
			pg.Current = l.CurrentVersion
		}
	}
	if v.RightID != "" {
		if rt, err := s.app.Right(ctx, p, v.RightID); err == nil {
			pg.Right = &rt
			pg.RightDocs = s.rvDocs(r, sess, rt.Certificates)
		}
	}
	pg.Evidence = s.rvDocs(r, sess, v.Evidence)
	for _, f := range v.Filings {
		pg.Filings = append(pg.Filings, rvFiling{Filing: f, KindLabel: translateOr(b.Lang, fmt.Sprintf("rv.filing.%s", f.Kind), f.Kind), Docs: s.rvDocs(r, sess, f.Evidence)})
	}
	var measures []string
	for _, sc := range v.Case.Scopes {
		prof, err := s.app.Profiles().Profile(sc.Profile)
		if err != nil {
			continue
		}
		for _, m := range prof.Decision.AllowedMeasures {
			if !slices.Contains(measures, m) {
				measures = append(measures, m)
			}
		}
		if pg.CanAppeal {
			for _, o := range prof.Complaints.Outcomes {
				if !slices.Contains(pg.Outcomes, o) {
					pg.Outcomes = append(pg.Outcomes, o)
				}
			}
		}
	}
	for _, m := range measures {
		pg.Measures = append(pg.Measures, rvMeasure{Name: m, Checked: slices.Contains(form["measures"], m)})
	}
	pg.Templates = rvTemplateList(b.Lang, form.Get("reason_template"))
	s.render(w, r, status, "rv_item.html", pg)
	return nil
}

// rvDocs describes documents for the decision screen, linked for download.
func (s *Server) rvDocs(r *http.Request, sess session, refs []registry.DocRef) []rvDoc {
	var out []rvDoc
	for _, ref := range refs {
		d := rvDoc{ID: ref.DocumentID, Role: string(ref.Role)}
		if doc, err := s.app.Document(r.Context(), sess.principal, ref.DocumentID); err == nil {
			d.Name, d.Type, d.Size = doc.Filename, doc.MediaType, doc.Size
		} else {
			d.Missing = true
		}
		out = append(out, d)
	}
	return out
}

// rvAfter re-renders the decision screen after a refused step, or goes
// back to it (or the queue) after a done one.
func (s *Server) rvAfter(w http.ResponseWriter, r *http.Request, sess session, err error, to string) error {
	if err == nil {
		http.Redirect(w, r, to, http.StatusSeeOther)
		return nil
	}
	fs, status, ok := slRefusal(lang(r), err)
	if !ok {
		return err
	}
	return s.rvShowItem(w, r, sess, status, r.PostForm, fs)
}

func (s *Server) rvClaim(w http.ResponseWriter, r *http.Request, sess session) error {
	id := r.PathValue("id")
	_, err := s.app.ClaimItem(r.Context(), sess.principal, id)
	return s.rvAfter(w, r, sess, err, "/review/items/"+url.PathEscape(id))
}

func (s *Server) rvDecide(w http.ResponseWriter, r *http.Request, sess session) error {
	l, id, form := lang(r), r.PathValue("id"), r.PostForm
	in := app.DecisionInput{Outcome: notice.Outcome(form.Get("outcome")), Reason: rvReason(l, form), Explanation: strings.TrimSpace(form.Get("explanation")),
		Measures: form["measures"], ManifestlyUnfounded: form.Get("manifestly_unfounded") == "1"}
	if rev, err := strconv.Atoi(form.Get("rev")); err == nil {
		in.Rev = &rev
	} else {
		return s.rvAfter(w, r, sess, fault.InvalidField("rev", "reload the item"), "")
	}
	_, err := s.app.Decide(r.Context(), sess.principal, id, in)
	return s.rvAfter(w, r, sess, err, "/review?decided="+url.QueryEscape(id))
}

func (s *Server) rvRequestInfo(w http.ResponseWriter, r *http.Request, sess session) error {
	id := r.PathValue("id")
	_, err := s.app.RequestInformation(r.Context(), sess.principal, id, strings.TrimSpace(r.PostFormValue("question")))
	return s.rvAfter(w, r, sess, err, "/review/items/"+url.PathEscape(id)+"?asked=1")
}

func (s *Server) rvComplaint(w http.ResponseWriter, r *http.Request, sess session) error {
	l, id := lang(r), r.PathValue("id")
	reason := strings.TrimSpace(r.PostFormValue("complaint_reason"))
	var err error
	switch {
	case reason == "":
		err = fault.InvalidField("complaint_reason", "%s", translate(l, "rv.decide.reason.required"))
	case r.PostFormValue("complaint_outcome") != "upheld" && r.PostFormValue("confirm") != "1":
		err = fault.InvalidField("confirm", "%s", translate(l, "rv.complaint.confirm.required"))
	default:
		_, err = s.app.DecideComplaint(r.Context(), sess.principal, id, r.PostFormValue("complaint_outcome"), reason, r.PostForm["measures"])
		if inv, ok := err.(*fault.Invalid); ok {
			for i, f := range inv.Fields {
				if f.Field == "outcome" {
					inv.Fields[i].Field = "complaint_outcome"
				}
			}
		}
	}
	return s.rvAfter(w, r, sess, err, "/review?state=complaint_open&decided="+url.QueryEscape(id))
}

// rvDocument serves an evidence or certificate file as a download.
func (s *Server) rvDocument(w http.ResponseWriter, r *http.Request, sess session) error {
	d, rc, err := s.app.OpenDocument(r.Context(), sess.principal, r.PathValue("id"))
	if err != nil {
		return err
	}
	defer rc.Close()
	name := d.Filename
	if name == "" {
		name = d.ID
	}
	h := w.Header()
	h.Set("Content-Type", d.MediaType)
	h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	h.Set("Content-Length", strconv.FormatInt(d.Size, 10))
	h.Set("Cache-Control", "private, no-store")
	_, err = io.Copy(w, rc)
	if err != nil {
		s.log.Warn("document download", "id", d.ID, "err", err)
	}
	return nil
}

// --- qualification, rights and authorisation queues ---

type rvFact struct{ Key, Value string }

type rvRegRow struct {
	ID, Name, State, StateLabel, Reason string
	Facts                               []rvFact
	Docs                                []rvDoc
	At                                  time.Time
	Reviewable                          bool
	Form                                slForm
	Typed                               string
}

type rvRegistryPage struct {
	base
	Kind   string
	Intro  string
	State  string
	States []slOption
	Rows   []rvRegRow
	Pager  Pager
	Done   string
	Form   slForm // a refusal of an object not in this view
}

var rvKinds = map[string]auth.Action{"orgs": auth.OrgReview, "rights": auth.RightReview, "authorizations": auth.AuthzReview}

func (s *Server) rvRegistry(w http.ResponseWriter, r *http.Request, sess session) error {
	return s.rvShowRegistry(w, r, sess, http.StatusOK, "", slForm{}, "")
}

func (s *Server) rvShowRegistry(w http.ResponseWriter, r *http.Request, sess session, status int, failedID string, fs slForm, typed string) error {
	ctx, p, q, kind := r.Context(), sess.principal, r.URL.Query(), r.PathValue("kind")
	if r.Method == http.MethodPost {
		q = r.PostForm // the view the form came from
	}
	act, ok := rvKinds[kind]
	if !ok {
		return fault.ErrNotFound
	}
	if err := auth.Check(p, act, auth.Resource{Kind: map[string]auth.Kind{"orgs": auth.KindOrg, "rights": auth.KindRight, "authorizations": auth.KindAuthorization}[kind]}); err != nil {
		return err
	}
	pg := &rvRegistryPage{base: sess.base(r, s, fmt.Sprintf("rv.%s.title", kind)), Kind: kind, Intro: translate(lang(r), fmt.Sprintf("rv.%s.intro", kind)),
		State: q.Get("state"), Done: q.Get("done")}
	states := []string{"submitted", "verified", "rejected"}
	if !slices.Contains(states, pg.State) {
		pg.State = "submitted"
	}
	for _, st := range states {
		pg.States = append(pg.States, slOption{Value: st, Label: translate(pg.Lang, fmt.Sprintf("rv.reg.state.%s", st)), Selected: st == pg.State})
	}
	page := store.Page{After: q.Get("cursor"), Limit: 30}
	var next string
	var err error
	switch kind {
	case "orgs":
		var orgs []registry.Organisation
		orgs, next, err = s.app.Orgs(ctx, p, store.OrgFilter{State: registry.OrgState(pg.State)}, page)
		for _, o := range orgs {
			pg.Rows = append(pg.Rows, rvRegRow{ID: o.ID, Name: o.LegalName, State: string(o.State), Reason: o.Reason, At: o.SubmittedAt,
				Reviewable: o.State == registry.OrgSubmitted, Docs: s.rvDocs(r, sess, o.Documents),
				Facts: []rvFact{{"rv.fact.kind", string(o.Kind)}, {"rv.fact.country", o.Country}, {"rv.fact.regno", o.RegistrationNumber},
					{"rv.fact.address", o.Address}, {"rv.fact.contact", strings.TrimSpace(o.Contact.Name + " " + o.Contact.Email + " " + o.Contact.Phone)}}})
		}
	case "rights":
		var rights []app.RightView
		rights, next, err = s.app.Rights(ctx, p, app.RightQuery{State: registry.RightState(pg.State)}, page)
		for _, rt := range rights {
			pg.Rows = append(pg.Rows, rvRegRow{ID: rt.ID, Name: rt.Label(), State: string(rt.State), Reason: rt.Reason, At: rt.CreatedAt,
				Reviewable: rt.State == registry.RightSubmitted, Docs: s.rvDocs(r, sess, rt.Certificates),
				Facts: []rvFact{{"rights.owner", rt.OwnerName}, {"rv.fact.territories", strings.Join(rt.Territories, ", ")}, {"rights.expires", fmt.Sprint(rt.ExpiresOn())}}})
		}
	case "authorizations":
		var auths []registry.Authorization
		auths, next, err = s.app.Authorizations(ctx, p, "", registry.AuthState(pg.State), page)
		for _, au := range auths {
			scope := translate(pg.Lang, "rv.fact.allrights")
			if !au.AllRights {
				scope = strings.Join(au.RightIDs, ", ")
			}
			row := rvRegRow{ID: au.ID, Name: au.AgentOrgID + " → " + au.PrincipalOrgID, State: string(au.State), Reason: au.Reason, At: au.CreatedAt,
				Reviewable: au.State == registry.AuthSubmitted, Docs: s.rvDocs(r, sess, []registry.DocRef{au.Letter}),
				Facts: []rvFact{{"rv.fact.scope", scope}, {"rv.fact.valid", fmt.Sprint(au.ValidFrom) + " – " + fmt.Sprint(au.ValidUntil)}}}
			if o, err := s.app.Org(ctx, p, au.AgentOrgID); err == nil {
				row.Name = o.LegalName
			}
			if o, err := s.app.Org(ctx, p, au.PrincipalOrgID); err == nil {
				row.Name += " → " + o.LegalName
			}
			pg.Rows = append(pg.Rows, row)
		}
	}
	if err != nil {
		return err
	}
	for i := range pg.Rows {
		row := &pg.Rows[i]
		row.StateLabel = translateOr(pg.Lang, fmt.Sprintf("rv.reg.state.%s", row.State), row.State)
		if row.ID == failedID {
			row.Form, row.Typed, failedID = fs, typed, ""
		}
	}
	if failedID != "" {
		pg.Form = fs
	}
	pg.Pager = pagerFor(r, next)
	s.render(w, r, status, "rv_registry.html", pg)
	return nil
}

// rvRegistryDecide verifies or rejects (with a reason) an organisation, a
// right or an authorisation, and returns to the queue it came from.
func (s *Server) rvRegistryDecide(w http.ResponseWriter, r *http.Request, sess session) error {
	ctx, p, kind, id := r.Context(), sess.principal, r.PathValue("kind"), r.PathValue("id")
	d, reason := registry.Decision(r.PostFormValue("decision")), strings.TrimSpace(r.PostFormValue("reason"))
	var err error
	switch kind {
	case "orgs":
		_, err = s.app.ReviewOrg(ctx, p, id, d, reason)
	case "rights":
		_, err = s.app.ReviewRight(ctx, p, id, d, reason)
	case "authorizations":
		_, err = s.app.ReviewAuthorization(ctx, p, id, d, reason)
	default:
		return fault.ErrNotFound
	}
	if err != nil {
		fs, status, ok := slRefusal(lang(r), err)
		if !ok {
			return err
		}
		return s.rvShowRegistry(w, r, sess, status, id, fs, reason)
	}
	http.Redirect(w, r, "/review/"+kind+"?done="+url.QueryEscape(id), http.StatusSeeOther)
	return nil
}
