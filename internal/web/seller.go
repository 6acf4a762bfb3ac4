package web

// The seller portal: the notices against the seller's listings with their
// statements of reasons and deadlines, the counter-notice and appeal
// forms, and the strike ledger. The inbox, used by every role, is its own
// area in this file.

import (
	"cmp"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/notice"
	"github.com/dajia-project/dajia/internal/policy"
	"github.com/dajia-project/dajia/internal/registry"
	"github.com/dajia-project/dajia/internal/sor"
	"github.com/dajia-project/dajia/internal/store"
)

func init() {
	registerArea(area{
		name: "seller",
		routes: func(s *Server) {
			s.mux.Handle("GET /seller", s.user(s.sellerHome))
			s.mux.Handle("GET /seller/strikes", s.user(s.sellerStrikes))
			s.mux.Handle("GET /items/{id}/counter", s.user(s.slCounterForm))
			s.mux.Handle("POST /items/{id}/counter", s.user(s.slCounterSubmit))
			s.mux.Handle("GET /items/{id}/appeal", s.user(s.slAppealForm))
			s.mux.Handle("POST /items/{id}/appeal", s.user(s.slAppealSubmit))
		},
		pages: []pageRoute{{Path: "/seller", Users: []string{"seller"}}, {Path: "/seller/strikes", Users: []string{"seller"}},
			{Path: "/seller?state=actioned&sort=deadline", Users: []string{"seller"}}},
		nav: []navLink{{Href: "/seller", Key: "seller.nav.notices", show: sellerOrg}, {Href: "/seller/strikes", Key: "seller.nav.strikes", show: sellerOrg}},
	})
	registerArea(area{
		name: "inbox",
		routes: func(s *Server) {
			s.mux.Handle("GET /inbox", s.user(s.slInbox))
			s.mux.Handle("POST /inbox/read", s.user(s.slInboxRead))
		},
		pages: []pageRoute{{Path: "/inbox"}, {Path: "/inbox?unread=1"}},
		forms: []string{"/inbox/read"},
		nav:   []navLink{{Href: "/inbox", Key: "nav.inbox", show: signedIn}},
	})
}

// sellerOrg says who the seller portal is for: members of a seller
// organisation (synced from the marketplace). This chooses the audience of
// the portal, as the navigation does; what each user may see and do is
// still decided by the app's policy.
func sellerOrg(p auth.Principal) bool { return p.OrgKind == registry.KindSeller }

// --- shared helpers of the seller and reviewer portals ---

func slStateLabel(l, state string) string {
	return translateOr(l, fmt.Sprintf("seller.state.%s", state), strings.ReplaceAll(state, "_", " "))
}

// slForm is what a refused form shows again: the message at the top,
// and per field what is wrong (keyed by the app's field names).
type slForm struct {
	Error  string
	Fields map[string]string
	Stale  bool // someone else acted first; nothing was changed
}

// refusal turns an error the user can fix into a form state and status;
// ok is false for errors that are not the form's (not found, forbidden,
// internal), which the caller returns to s.fail.
func slRefusal(l string, err error) (slForm, int, bool) {
	fs := slForm{Fields: map[string]string{}}
	var inv *fault.Invalid
	var msg *fault.Message
	switch {
	case errors.As(err, &inv):
		for _, f := range inv.Fields {
			fs.Fields[f.Field] = f.Detail
		}
		fs.Error = translate(l, "seller.form.invalid", "n", len(inv.Fields))
		return fs, http.StatusUnprocessableEntity, true
	case errors.Is(err, fault.ErrConflict):
		fs.Error, fs.Stale = translate(l, "rv.stale"), true
		if errors.As(err, &msg) {
			fs.Error += " (" + msg.Text + ")"
		}
		return fs, http.StatusConflict, true
	case errors.Is(err, fault.ErrTooLarge):
		fs.Fields["evidence"] = translate(l, "seller.form.toolarge")
		fs.Error = translate(l, "seller.form.invalid", "n", 1)
		return fs, http.StatusRequestEntityTooLarge, true
	case errors.Is(err, fault.ErrState) && errors.As(err, &msg):
		fs.Error = translate(l, "seller.form.state", "detail", msg.Text)
		return fs, http.StatusConflict, true
	case errors.Is(err, fault.ErrForbidden) && errors.As(err, &msg):
		fs.Error = msg.Text
		return fs, http.StatusForbidden, true
	}
	return fs, 0, false
}

// uploadAll stores the files of a multipart field as the caller's
// documents and returns their ids; a refused file is reported under field.
func (s *Server) slUploadAll(r *http.Request, sess session, name, field string) ([]string, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	var ids []string
	for _, fh := range r.MultipartForm.File[name] {
		if fh.Size == 0 && fh.Filename == "" {
			continue
		}
		id, err := s.slUpload(r, sess, fh)
		if err != nil {
			var inv *fault.Invalid
			if errors.As(err, &inv) {
				return nil, fault.InvalidField(field, "%s: %s", fh.Filename, strings.Join(slDetails(inv), "; "))
			}
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func slDetails(inv *fault.Invalid) []string {
	out := make([]string, len(inv.Fields))
	for i, f := range inv.Fields {
		out[i] = f.Detail
	}
	return out
}

func (s *Server) slUpload(r *http.Request, sess session, fh *multipart.FileHeader) (string, error) {
	f, err := fh.Open()
	if err != nil {
		return "", err
	}
	defer f.Close()
	d, err := s.app.Upload(r.Context(), sess.principal, f, fh.Filename)
	return d.ID, err
}

// --- seller: notices against my listings ---

type slDeadlineRow struct {
	Label   string
	Profile string
	Due     time.Time
	Local   string
	Rule    string
	Overdue bool
}

type slStatement struct {
	ID    string
	Lines []string
}

type sellerRow struct {
	app.ItemSummary
	StateLabel string
	Deadlines  []slDeadlineRow
	Statements []slStatement
	CanCounter bool
	CanAppeal  bool
	LegalRefs  []string // the laws the case is handled under
}

type sellerPage struct {
	base
	Rows   []sellerRow
	Pager  Pager
	State  string
	Sort   string
	Open   bool
	States []slOption
}

type slOption struct {
	Value, Label string
	Selected     bool
}

// slSellerStates are the states a seller may filter by.
var slSellerStates = []string{"actioned", "pending_seller_response", "under_review", "counter_received", "counter_incomplete", "counter_forwarded",
	"held_pending_proceedings", "complaint_open", "restored", "closed_upheld", "no_action", "retracted", "rejected"}

func (s *Server) sellerHome(w http.ResponseWriter, r *http.Request, sess session) error {
	if !sellerOrg(sess.principal) {
		return fault.ErrNotFound
	}
	ctx, q := r.Context(), r.URL.Query()
	pg := &sellerPage{base: sess.base(r, s, "seller.title"), State: q.Get("state"), Sort: q.Get("sort"), Open: q.Get("open") == "1"}
	if !slices.Contains(slSellerStates, pg.State) {
		pg.State = ""
	}
	for _, st := range slSellerStates {
		pg.States = append(pg.States, slOption{st, slStateLabel(pg.Lang, st), st == pg.State})
	}
	items, next, err := s.app.Items(ctx, sess.principal, app.ItemQuery{State: pg.State, OpenOnly: pg.Open}, store.Page{After: q.Get("cursor"), Limit: 20})
	if err != nil {
		return err
	}
	now := s.app.Now()
	for _, sum := range items {
		v, err := s.app.Item(ctx, sess.principal, sum.ID)
		if err != nil {
			return err
		}
		row := sellerRow{ItemSummary: sum, StateLabel: slStateLabel(pg.Lang, sum.State), Deadlines: slDeadlineRows(pg.Lang, v, now, true),
			Statements: slStatements(pg.Lang, v)}
		row.CanCounter, row.CanAppeal = s.slCounterProfiles(v) != nil, s.slAppealOpen(v)
		for _, sc := range v.Case.Scopes {
			if p, err := s.app.Profiles().Profile(sc.Profile); err == nil {
				row.LegalRefs = append(row.LegalRefs, p.LegalRefs...)
			}
		}
		pg.Rows = append(pg.Rows, row)
	}
	switch pg.Sort {
	case "deadline":
		slices.SortStableFunc(pg.Rows, func(a, b sellerRow) int {
			if a.NextDeadline.IsZero() != b.NextDeadline.IsZero() {
				if a.NextDeadline.IsZero() {
					return 1
				}
				return -1
			}
			return a.NextDeadline.Compare(b.NextDeadline)
		})
	case "received":
		slices.SortStableFunc(pg.Rows, func(a, b sellerRow) int { return b.ReceivedAt.Compare(a.ReceivedAt) })
	default:
		pg.Sort = ""
	}
	pg.Pager = pagerFor(r, next)
	s.render(w, r, http.StatusOK, "seller_home.html", pg)
	return nil
}

// slDeadlineRows are an item's deadlines for people: what each is for, when
// it falls, and (running only) whether it has passed.
func slDeadlineRows(l string, v app.ItemView, now time.Time, runningOnly bool) []slDeadlineRow {
	var out []slDeadlineRow
	for _, d := range v.Deadlines {
		running := d.Status == store.TimerPending || d.Status == string(notice.TimerStatusRunning)
		if runningOnly && !running {
			continue
		}
		out = append(out, slDeadlineRow{Label: translateOr(l, fmt.Sprintf("seller.deadline.%s", d.Kind), d.Kind), Profile: d.Profile, Due: d.DueAt,
			Local: localDue(l, d), Rule: d.RuleRef, Overdue: running && d.DueAt.Before(now)})
	}
	slices.SortFunc(out, func(a, b slDeadlineRow) int { return a.Due.Compare(b.Due) })
	return out
}

// statements renders an item's statements of reasons in plain language.
func slStatements(l string, v app.ItemView) []slStatement {
	var out []slStatement
	for _, st := range v.Statements {
		var lines []string
		for _, line := range strings.Split(sor.Render(st, l), "\n") {
			if strings.TrimSpace(line) != "" {
				lines = append(lines, line)
			}
		}
		out = append(out, slStatement{ID: st.ID, Lines: lines})
	}
	return out
}

// slCounterProfiles are the profiles of an item whose counter-notice
// procedure the seller can use now (by the item's state; the app decides
// whether the caller may).
func (s *Server) slCounterProfiles(v app.ItemView) []*policy.Profile {
	st := notice.State(v.State)
	if st != notice.StateActioned && st != notice.StateCounterIncomplete {
		return nil
	}
	var out []*policy.Profile
	for _, sc := range v.Case.Scopes {
		p, err := s.app.Profiles().Profile(sc.Profile)
		if err != nil || p.CounterNotice.Type == "" || p.CounterNotice.Type == policy.CounterNone || sc.Status != notice.ScopeActioned {
			continue
		}
		out = append(out, p)
	}
	return out
}

// slAppealOpen says whether an internal complaint against the decision can be
// filed now.
func (s *Server) slAppealOpen(v app.ItemView) bool {
	if notice.State(v.State) != notice.StateActioned {
		return false
	}
	return slices.ContainsFunc(s.slAppealProfiles(v), func(*policy.Profile) bool { return true })
}

func (s *Server) slAppealProfiles(v app.ItemView) []*policy.Profile {
	var out []*policy.Profile
	for _, sc := range v.Case.Scopes {
		if p, err := s.app.Profiles().Profile(sc.Profile); err == nil && p.ComplaintsAvailable() {
			out = append(out, p)
		}
	}
	return out
}

// --- seller: counter-notice ---

type slCounterField struct {
	Name, Label, Hint string
	Value             string
	Error             string
	Long              bool
}

type slCounterAttestation struct {
	Key, Version, Text, Other string
	Checked                   bool
	Error                     string
}

type slCounterProfileView struct {
	ID, Type, TypeLabel string
	Selected            bool
}

type slCounterPage struct {
	base
	Item         app.ItemView
	StateLabel   string
	Profiles     []slCounterProfileView
	Profile      string
	Fields       []slCounterField
	Attestations []slCounterAttestation
	Statement    string
	NeedsText    bool // the statement or evidence carries a required field
	Deadlines    []slDeadlineRow
	Form         slForm
	Closed       bool // no counter-notice procedure is open on this item
}

func (s *Server) slCounterForm(w http.ResponseWriter, r *http.Request, sess session) error {
	return s.slShowCounter(w, r, sess, http.StatusOK, nil, slForm{})
}

// slShowCounter renders the counter-notice form, filled with what was posted
// (form) after a refusal.
func (s *Server) slShowCounter(w http.ResponseWriter, r *http.Request, sess session, status int, form url.Values, fs slForm) error {
	v, err := s.app.Item(r.Context(), sess.principal, r.PathValue("id"))
	if err != nil {
		return err
	}
	b := sess.base(r, s, "seller.counter.title")
	b.Title = translate(b.Lang, "seller.counter.title", "id", v.ID)
	pg := &slCounterPage{base: b, Item: v, StateLabel: slStateLabel(b.Lang, v.State), Form: fs, Deadlines: slDeadlineRows(b.Lang, v, s.app.Now(), true)}
	profiles := s.slCounterProfiles(v)
	if len(profiles) == 0 {
		pg.Closed = true
		s.render(w, r, status, "seller_counter.html", pg)
		return nil
	}
	want := r.URL.Query().Get("profile")
	if form != nil {
		want = form.Get("profile")
	}
	prof := profiles[0]
	for _, p := range profiles {
		if p.ID == want {
			prof = p
		}
	}
	pg.Profile = prof.ID
	for _, p := range profiles {
		pg.Profiles = append(pg.Profiles, slCounterProfileView{ID: p.ID, Type: p.CounterNotice.Type,
			TypeLabel: translateOr(b.Lang, fmt.Sprintf("seller.counter.type.%s", p.CounterNotice.Type), p.CounterNotice.Type), Selected: p == prof})
	}
	for _, f := range prof.CounterNotice.RequiredFields {
		switch {
		case policy.IsAttestation(f):
			t := prof.CounterNotice.Attestations[f]
			a := slCounterAttestation{Key: f, Version: t.Version, Text: t.EN, Other: t.ZH, Error: fs.Fields["attestations."+f]}
			if b.Lang == "zh" {
				a.Text, a.Other = t.ZH, t.EN
			}
			a.Checked = form != nil && form.Get("attest."+f) == t.Version
			pg.Attestations = append(pg.Attestations, a)
		case f == "item_locators":
			// The item itself locates the listing.
		case f == "prima_facie_non_infringement" || f == "authenticity_evidence" || f == "explanation":
			pg.NeedsText = true
		default:
			cf := slCounterField{Name: f, Label: translateOr(b.Lang, fmt.Sprintf("seller.field.%s", f), f), Hint: translateOr(b.Lang, fmt.Sprintf("seller.field.%s.hint", f), ""),
				Error: fs.Fields["fields."+f], Long: f == "name_address_phone"}
			if form != nil {
				cf.Value = form.Get("field." + f)
			}
			pg.Fields = append(pg.Fields, cf)
		}
	}
	if form != nil {
		pg.Statement = form.Get("statement")
	}
	s.render(w, r, status, "seller_counter.html", pg)
	return nil
}

func (s *Server) slCounterSubmit(w http.ResponseWriter, r *http.Request, sess session) error {
	l := lang(r)
	v, err := s.app.Item(r.Context(), sess.principal, r.PathValue("id"))
	if err != nil {
		return err
	}
	form := r.PostForm
	in := app.CounterInput{Profile: form.Get("profile"), Fields: map[string]string{}, Attestations: map[string]string{}, Statement: strings.TrimSpace(form.Get("statement"))}
	// The form names every required field that is empty, so that a
	// counter-notice is never filed incomplete by accident.
	inv := new(fault.Invalid)
	var prof *policy.Profile
	for _, p := range s.slCounterProfiles(v) {
		if prof == nil || p.ID == in.Profile {
			prof = p
		}
	}
	if prof != nil {
		in.Profile = prof.ID
		for _, f := range prof.CounterNotice.RequiredFields {
			switch {
			case policy.IsAttestation(f):
				if got := form.Get("attest." + f); got != "" {
					in.Attestations[f] = got
				}
			case f == "item_locators":
			case f == "prima_facie_non_infringement" || f == "authenticity_evidence" || f == "explanation":
				if in.Statement == "" && !slHasFile(r, "evidence") {
					inv.Add("statement", "%s", translate(l, "seller.counter.need.statement"))
				}
			default:
				val := strings.TrimSpace(form.Get("field." + f))
				if val == "" {
					inv.Add("fields."+f, "%s", translate(l, "seller.form.required"))
				}
				in.Fields[f] = val
			}
		}
	}
	if err := inv.Err(); err != nil {
		fs, status, _ := slRefusal(l, err)
		return s.slShowCounter(w, r, sess, status, form, fs)
	}
	ids, err := s.slUploadAll(r, sess, "evidence", "evidence")
	if err == nil {
		in.EvidenceIDs = ids
		_, err = s.app.SubmitCounterNotice(r.Context(), sess.principal, v.ID, in)
	}
	if err != nil {
		fs, status, ok := slRefusal(l, err)
		if !ok {
			return err
		}
		if d, ok := fs.Fields["evidence_ids"]; ok {
			fs.Fields["evidence"] = d
		}
		return s.slShowCounter(w, r, sess, status, form, fs)
	}
	http.Redirect(w, r, "/seller?done=counter#item-"+url.PathEscape(v.ID), http.StatusSeeOther)
	return nil
}

func slHasFile(r *http.Request, name string) bool {
	if r.MultipartForm == nil {
		return false
	}
	return slices.ContainsFunc(r.MultipartForm.File[name], func(fh *multipart.FileHeader) bool { return fh.Size > 0 })
}

// --- seller: appeal (internal complaint) ---

type slAppealPage struct {
	base
	Item       app.ItemView
	StateLabel string
	Profiles   []slCounterProfileView
	Statement  string
	Form       slForm
	Closed     bool
	Deadline   time.Time // last day to complain, from the statement of reasons
}

func (s *Server) slAppealForm(w http.ResponseWriter, r *http.Request, sess session) error {
	return s.slShowAppeal(w, r, sess, http.StatusOK, nil, slForm{})
}

func (s *Server) slShowAppeal(w http.ResponseWriter, r *http.Request, sess session, status int, form url.Values, fs slForm) error {
	v, err := s.app.Item(r.Context(), sess.principal, r.PathValue("id"))
	if err != nil {
		return err
	}
	b := sess.base(r, s, "seller.appeal.title")
	b.Title = translate(b.Lang, "seller.appeal.title", "id", v.ID)
	pg := &slAppealPage{base: b, Item: v, StateLabel: slStateLabel(b.Lang, v.State), Form: fs, Closed: !s.slAppealOpen(v)}
	want := ""
	if form != nil {
		want, pg.Statement = form.Get("profile"), form.Get("statement")
	}
	for i, p := range s.slAppealProfiles(v) {
		pg.Profiles = append(pg.Profiles, slCounterProfileView{ID: p.ID, Selected: p.ID == want || want == "" && i == 0})
	}
	for _, st := range v.Statements {
		if d := st.Redress.ComplaintDeadline; !d.IsZero() && (pg.Deadline.IsZero() || d.After(pg.Deadline)) {
			pg.Deadline = d
		}
	}
	s.render(w, r, status, "seller_appeal.html", pg)
	return nil
}

func (s *Server) slAppealSubmit(w http.ResponseWriter, r *http.Request, sess session) error {
	l := lang(r)
	id := r.PathValue("id")
	statement := strings.TrimSpace(r.PostFormValue("statement"))
	var err error
	if statement == "" {
		err = fault.InvalidField("statement", "%s", translate(l, "seller.appeal.need.statement"))
	}
	var ids []string
	if err == nil {
		ids, err = s.slUploadAll(r, sess, "evidence", "evidence")
	}
	if err == nil {
		_, err = s.app.FileComplaint(r.Context(), sess.principal, id, r.PostFormValue("profile"), statement, ids)
	}
	if err != nil {
		fs, status, ok := slRefusal(l, err)
		if !ok {
			return err
		}
		if d, ok := fs.Fields["evidence_ids"]; ok {
			fs.Fields["evidence"] = d
		}
		return s.slShowAppeal(w, r, sess, status, r.PostForm, fs)
	}
	http.Redirect(w, r, "/seller?done=appeal#item-"+url.PathEscape(id), http.StatusSeeOther)
	return nil
}

// --- seller: strikes ---

type slStrikeRow struct {
	app.StrikeView
	StatusLabel string
	Expired     bool
}

type slSanctionRow struct {
	store.SanctionRecord
	ActionLabel string
}

type slStrikeLedger struct {
	SellerID  string
	Strikes   []slStrikeRow
	Sanctions []slSanctionRow
	Active    int
}

type slStrikesPage struct {
	base
	Ledgers []slStrikeLedger
}

func (s *Server) sellerStrikes(w http.ResponseWriter, r *http.Request, sess session) error {
	if !sellerOrg(sess.principal) {
		return fault.ErrNotFound
	}
	ctx := r.Context()
	pg := &slStrikesPage{base: sess.base(r, s, "seller.strikes.title")}
	// The seller accounts of this organisation are those its items name.
	var sellers []string
	page := store.Page{Limit: 200}
	for range 10 {
		items, next, err := s.app.Items(ctx, sess.principal, app.ItemQuery{}, page)
		if err != nil {
			return err
		}
		for _, it := range items {
			v, err := s.app.Item(ctx, sess.principal, it.ID)
			if err != nil {
				return err
			}
			if !slices.Contains(sellers, v.SellerID) {
				sellers = append(sellers, v.SellerID)
			}
		}
		if next == "" {
			break
		}
		page.After = next
	}
	slices.Sort(sellers)
	now := s.app.Now()
	for _, id := range sellers {
		st, err := s.app.Strikes(ctx, sess.principal, id)
		if err != nil {
			return err
		}
		led := slStrikeLedger{SellerID: id}
		for _, k := range st.Strikes {
			row := slStrikeRow{StrikeView: k, StatusLabel: translateOr(pg.Lang, fmt.Sprintf("seller.strike.%s", k.Status), k.Status),
				Expired: !k.ExpiresAt.IsZero() && k.ExpiresAt.Before(now)}
			if !row.Expired && k.Status != string(notice.StrikeStatusVoided) {
				led.Active++
			}
			led.Strikes = append(led.Strikes, row)
		}
		slices.SortFunc(led.Strikes, func(a, b slStrikeRow) int { return cmp.Compare(b.CreatedAt.UnixMicro(), a.CreatedAt.UnixMicro()) })
		for _, x := range st.Sanctions {
			led.Sanctions = append(led.Sanctions, slSanctionRow{SanctionRecord: x, ActionLabel: translateOr(pg.Lang, fmt.Sprintf("seller.sanction.%s", x.Action), x.Action)})
		}
		pg.Ledgers = append(pg.Ledgers, led)
	}
	s.render(w, r, http.StatusOK, "seller_strikes.html", pg)
	return nil
}

// --- inbox (every role) ---

type slInboxRow struct {
	app.InboxMessage
	Subject, Body string
	Unread        bool
}

type slInboxPage struct {
	base
	Rows       []slInboxRow
	Pager      Pager
	UnreadOnly bool
	UnreadIDs  []string
	Next       string // this view, to come back to after marking read
}

func (s *Server) slInbox(w http.ResponseWriter, r *http.Request, sess session) error {
	q := r.URL.Query()
	msgs, next, err := s.app.Inbox(r.Context(), sess.principal, store.Page{After: q.Get("cursor"), Limit: 30})
	if err != nil {
		return err
	}
	pg := &slInboxPage{base: sess.base(r, s, "seller.inbox.title"), UnreadOnly: q.Get("unread") == "1", Pager: pagerFor(r, next), Next: localPath(r.URL.RequestURI())}
	for _, m := range msgs {
		row := slInboxRow{InboxMessage: m, Subject: m.SubjectEN, Body: m.BodyEN, Unread: m.ReadAt.IsZero()}
		if pg.Lang == "zh" {
			row.Subject, row.Body = m.SubjectZH, m.BodyZH
		}
		if row.Unread {
			pg.UnreadIDs = append(pg.UnreadIDs, m.ID)
		} else if pg.UnreadOnly {
			continue
		}
		pg.Rows = append(pg.Rows, row)
	}
	s.render(w, r, http.StatusOK, "seller_inbox.html", pg)
	return nil
}

// inboxRead marks the posted messages (id, repeated) read and returns to
// the inbox view the form came from.
func (s *Server) slInboxRead(w http.ResponseWriter, r *http.Request, sess session) error {
	ids := r.PostForm["id"]
	if len(ids) == 0 || len(ids) > 100 {
		s.errorPage(w, r, http.StatusBadRequest, "seller.inbox.none")
		return nil
	}
	for _, id := range ids {
		if err := s.app.MarkRead(r.Context(), sess.principal, id); err != nil {
			return err
		}
	}
	next := localPath(r.PostFormValue("next"))
	if !strings.HasPrefix(next, "/inbox") {
		next = "/inbox"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}
