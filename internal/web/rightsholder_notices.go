package web

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/registry"
	"github.com/dajia-project/dajia/internal/store"
)

// --- IP rights ---

type rightForm struct {
	Office, Number, MarkText, Classes, Goods, RegisteredOn, ExpiresOn, Territories string
}

type rhRightPage struct {
	base
	Form    rightForm
	Errors  rhErrors
	Offices []string
	Filed   string
	Pending []app.RightView
}

var indexSuffix = regexp.MustCompile(`\[\d+\].*$`)

// plainField names the form input of an app field: trademark.nice_classes[2]
// → trademark.nice_classes, certificates[0].document_id → certificates.
func plainField(f fault.Field) (string, string) {
	name := indexSuffix.ReplaceAllString(f.Field, "")
	return strings.TrimSuffix(name, ".document_id"), f.Detail
}

func (s *Server) rightPage(r *http.Request, sess session) (*rhRightPage, error) {
	pg := &rhRightPage{base: sess.base(r, s, "rh.right.title")}
	for o := range registry.Offices {
		pg.Offices = append(pg.Offices, o)
	}
	sort.Strings(pg.Offices)
	for _, st := range []registry.RightState{registry.RightSubmitted, registry.RightRejected} {
		rs, _, err := s.app.Rights(r.Context(), sess.principal, app.RightQuery{State: st}, store.Page{Limit: 100})
		if err != nil {
			return nil, err
		}
		pg.Pending = append(pg.Pending, rs...)
	}
	return pg, nil
}

func (s *Server) rhRightNew(w http.ResponseWriter, r *http.Request, sess session) error {
	if err := gate(sess.principal, auth.RightCreate, auth.KindRight); err != nil {
		return err
	}
	pg, err := s.rightPage(r, sess)
	if err != nil {
		return err
	}
	pg.Filed = r.URL.Query().Get("filed")
	s.render(w, r, http.StatusOK, "rh_right_new.html", pg)
	return nil
}

func (s *Server) rhRightPost(w http.ResponseWriter, r *http.Request, sess session) error {
	l := lang(r)
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := rightForm{Office: v("trademark.office"), Number: v("trademark.registration_number"), MarkText: v("trademark.mark_text"),
		Classes: v("trademark.nice_classes"), Goods: v("trademark.goods"), RegisteredOn: v("trademark.registered_on"),
		ExpiresOn: v("trademark.expires_on"), Territories: v("territories")}
	var fe rhErrors
	tm := &registry.TrademarkDetails{Office: f.Office, RegistrationNumber: f.Number, MarkText: f.MarkText, Goods: f.Goods}
	for _, c := range splitList(f.Classes) {
		n, err := strconv.Atoi(c)
		if err != nil {
			fe.add("trademark.nice_classes", translate(l, "rh.right.class_number", "value", c))
			continue
		}
		tm.NiceClasses = append(tm.NiceClasses, n)
	}
	for field, dst := range map[string]*registry.Date{"trademark.registered_on": &tm.RegisteredOn, "trademark.expires_on": &tm.ExpiresOn} {
		if raw := v(field); raw != "" {
			d, err := registry.ParseDate(raw)
			if err != nil {
				fe.add(field, translate(l, "rh.right.date_format"))
			}
			*dst = d
		}
	}
	in := registry.RightInput{Type: registry.Trademark, Trademark: tm}
	for _, t := range splitList(f.Territories) {
		in.Territories = append(in.Territories, strings.ToUpper(t))
	}
	for _, id := range s.uploads(r, sess, "certificates", &fe) {
		in.Certificates = append(in.Certificates, registry.DocRef{DocumentID: id})
	}
	if id := s.upload(r, sess, "trademark.mark_image", &fe); id != "" {
		tm.MarkImage = &registry.DocRef{DocumentID: id}
	}
	if !fe.Has() {
		rv, err := s.app.CreateRight(r.Context(), sess.principal, in)
		if err == nil {
			http.Redirect(w, r, "/rights/new?filed="+rv.ID, http.StatusSeeOther)
			return nil
		}
		e, ok := rhFormError(l, err, plainField)
		if !ok {
			return err
		}
		fe = e
	}
	pg, err := s.rightPage(r, sess)
	if err != nil {
		return err
	}
	pg.Form, pg.Errors = f, fe
	s.render(w, r, http.StatusUnprocessableEntity, "rh_right_new.html", pg)
	return nil
}

// splitList splits "25, 18；9" or lines into values.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' || r == '，' || r == '；' || r == '、'
	})
}

// --- filing a notice ---

// attestation is one statement a profile asks the notifier to confirm, in
// the page language, with the profiles that ask for it.
type attestation struct {
	Key, Version, Text string
	Profiles           []string
	Checked            bool
}

// attestations lists every notice attestation of the profiles in force;
// only those of the profiles that apply to the notice's items are kept.
func (s *Server) attestations(l string, checked map[string]string) []attestation {
	var out []attestation
	set := s.app.Profiles()
	for _, pid := range set.IDs() {
		p, err := set.Profile(pid)
		if err != nil {
			continue
		}
		keys := make([]string, 0, len(p.Notice.AttestationTexts))
		for k := range p.Notice.AttestationTexts {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			t := p.Notice.AttestationTexts[k]
			i := slices.IndexFunc(out, func(a attestation) bool { return a.Key == k && a.Version == t.Version })
			if i < 0 {
				text := t.ZH
				if l == "en" {
					text = t.EN
				}
				out = append(out, attestation{Key: k, Version: t.Version, Text: text, Checked: checked[k] == t.Version})
				i = len(out) - 1
			}
			out[i].Profiles = append(out[i].Profiles, pid)
		}
	}
	return out
}

type noticeForm struct {
	RightID, Type, Listings, Explanation, Signature, Token string
	Attest                                                 map[string]string
	Evidence                                               []string // documents uploaded by an earlier attempt
}

func noticeFormFrom(r *http.Request) noticeForm {
	f := noticeForm{RightID: r.PostFormValue("right_id"), Type: r.PostFormValue("infringement_type"), Listings: r.PostFormValue("listings"),
		Explanation: strings.TrimSpace(r.PostFormValue("explanation")), Signature: strings.TrimSpace(r.PostFormValue("signature")),
		Token: r.PostFormValue("token"), Attest: map[string]string{}}
	for k, vs := range r.PostForm {
		if key, ok := strings.CutPrefix(k, "attest."); ok && len(vs) > 0 && vs[0] != "" {
			f.Attest[key] = vs[0]
		}
	}
	if r.MultipartForm != nil {
		for k, vs := range r.MultipartForm.Value {
			if key, ok := strings.CutPrefix(k, "attest."); ok && len(vs) > 0 && vs[0] != "" {
				f.Attest[key] = vs[0]
			}
		}
		f.Evidence = r.MultipartForm.Value["evidence_id"]
	} else {
		f.Evidence = r.PostForm["evidence_id"]
	}
	return f
}

type rhNoticeNewPage struct {
	base
	Form         noticeForm
	Errors       rhErrors
	Rights       []app.RightView
	Types        []string
	Attestations []attestation
}

func newToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// usableRights are the rights the caller may cite now.
func (s *Server) usableRights(r *http.Request, sess session) ([]app.RightView, error) {
	rs, _, err := s.app.Rights(r.Context(), sess.principal, app.RightQuery{State: registry.RightVerified}, store.Page{Limit: 500})
	return slices.DeleteFunc(rs, func(v app.RightView) bool { return !v.Usable.Usable }), err
}

func (s *Server) noticeNewPage(r *http.Request, sess session, f noticeForm) (*rhNoticeNewPage, error) {
	rights, err := s.usableRights(r, sess)
	if err != nil {
		return nil, err
	}
	if f.Token == "" {
		f.Token = newToken()
	}
	l := lang(r)
	return &rhNoticeNewPage{base: sess.base(r, s, "rh.notice.new.title"), Form: f, Rights: rights, Types: app.InfringementTypes,
		Attestations: s.attestations(l, f.Attest)}, nil
}

func (s *Server) rhNoticeNew(w http.ResponseWriter, r *http.Request, sess session) error {
	if err := gate(sess.principal, auth.NoticeCreate, auth.KindNotice); err != nil {
		return err
	}
	pg, err := s.noticeNewPage(r, sess, noticeForm{Type: "counterfeit", RightID: r.URL.Query().Get("right")})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "rh_notice_new.html", pg)
	return nil
}

// principalOf is the rights holder a notice citing rightID is for (an
// agent files for the right's owner).
func (s *Server) principalOf(r *http.Request, sess session, rightID string) string {
	if sess.principal.OrgKind != registry.KindAgent || rightID == "" {
		return ""
	}
	if rv, err := s.app.Right(r.Context(), sess.principal, rightID); err == nil {
		return rv.OwnerOrgID
	}
	return ""
}

// fileNotice files (or checks) a notice. The page shows every attestation
// in force; those the notifier confirmed but no profile of this notice asks
// for are dropped and the filing tried once more.
func (s *Server) fileNotice(r *http.Request, sess session, in app.NoticeInput) (app.NoticeReceipt, error) {
	rc, err := s.app.FileNotice(r.Context(), sess.principal, in)
	var inv *fault.Invalid
	if !errors.As(err, &inv) {
		return rc, err
	}
	drop := map[string]bool{}
	for _, f := range inv.Fields {
		if k, ok := strings.CutPrefix(f.Field, "attestations."); ok {
			if _, confirmed := in.Attestations[k]; confirmed {
				drop[k] = true
			}
		}
	}
	if len(drop) == 0 {
		return rc, err
	}
	att := map[string]string{}
	for k, v := range in.Attestations {
		if !drop[k] {
			att[k] = v
		}
	}
	in.Attestations = att
	return s.app.FileNotice(r.Context(), sess.principal, in)
}

// noticeField names the form input of a notice error; items are the lines
// of the listings box (or the CSV).
func noticeField(l string) func(fault.Field) (string, string) {
	return func(f fault.Field) (string, string) {
		var i int
		if n, _ := fmt.Sscanf(f.Field, "items[%d]", &i); n == 1 {
			return "listings", translate(l, "rh.notice.line", "n", i+1) + " " + f.Detail
		}
		switch {
		case strings.HasPrefix(f.Field, "attestations."):
			return "attestations", f.Detail
		case f.Field == "evidence_ids" || strings.HasPrefix(f.Field, "evidence_ids["):
			return "evidence", f.Detail
		case f.Field == "principal_org_id", f.Field == "right_id":
			return "right_id", f.Detail
		case f.Field == "items":
			return "listings", f.Detail
		}
		return plainField(f)
	}
}

// once runs a state-changing form at most once per form token: a second
// submission (a double click, a reload) gets the first one's result, the
// place to go next. run returns that place, or a form error to show (the
// token is then released so the corrected form can be sent again).
func (s *Server) once(r *http.Request, sess session, token string, run func() (string, error)) (string, error) {
	if token == "" || len(token) > 64 {
		return run()
	}
	db, scope, key := s.app.DB(), sess.principal.ActorID(), "web:"+r.URL.Path+":"+token
	req := store.IdempotentResponse{Method: r.Method, Path: r.URL.Path, BodyHash: "web-form"}
	for wait := 0; ; wait++ {
		prev, fresh, err := db.ReserveIdempotencyKey(r.Context(), scope, key, req, s.app.Now())
		if err != nil {
			return "", err
		}
		if fresh {
			break
		}
		if prev.Status != 0 {
			return string(prev.Body), nil
		}
		if wait >= 50 {
			return "", fault.New(fault.ErrConflict, "%s", translate(lang(r), "rh.notice.in_progress"))
		}
		time.Sleep(100 * time.Millisecond) // the first submission is still being filed
	}
	next, err := run()
	status := http.StatusSeeOther
	if err != nil {
		status = http.StatusInternalServerError // releases the key: the form may be sent again
	}
	if cerr := db.CompleteIdempotencyKey(r.Context(), scope, key, status, "text/plain", []byte(next)); cerr != nil {
		s.log.Error("form token", "err", cerr)
	}
	return next, err
}

func (s *Server) rhNoticePost(w http.ResponseWriter, r *http.Request, sess session) error {
	l := lang(r)
	f := noticeFormFrom(r)
	var fe rhErrors
	next, err := s.once(r, sess, f.Token, func() (string, error) {
		f.Evidence = append(f.Evidence, s.uploads(r, sess, "evidence", &fe)...)
		if fe.Has() {
			return "", errors.New("upload")
		}
		in := app.NoticeInput{PrincipalOrgID: s.principalOf(r, sess, f.RightID), RightID: f.RightID, InfringementType: f.Type,
			Explanation: f.Explanation, Signature: f.Signature, Attestations: f.Attest, EvidenceIDs: f.Evidence, Language: l, Channel: "web"}
		for _, line := range strings.Split(f.Listings, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				in.Items = append(in.Items, app.NoticeItemInput{ListingID: line})
			}
		}
		rc, err := s.fileNotice(r, sess, in)
		if err != nil {
			return "", err
		}
		return "/notices/" + rc.Notice.ID + "?filed=1", nil
	})
	if err == nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	if !fe.Has() {
		e, ok := rhFormError(l, err, noticeField(l))
		if !ok {
			return err
		}
		fe = e
	}
	pg, perr := s.noticeNewPage(r, sess, f)
	if perr != nil {
		return perr
	}
	pg.Errors = fe
	s.render(w, r, http.StatusUnprocessableEntity, "rh_notice_new.html", pg)
	return nil
}

// --- bulk notices from a CSV ---

// maxCSV bounds an uploaded notice CSV (as the API does).
const maxCSV = 16 << 20

type rhUploadPage struct {
	base
	Form         noticeForm
	Errors       rhErrors
	Rights       []app.RightView
	Types        []string
	Attestations []attestation
	Columns      string
	// The check of an uploaded file.
	Checked  bool
	Problems []rowProblem
	Valid    int
	CSV      string // the file, base64, carried to the filing step
}

type rowProblem struct {
	Line   int
	Field  string
	Detail string
}

func (s *Server) uploadPage(r *http.Request, sess session, f noticeForm) (*rhUploadPage, error) {
	np, err := s.noticeNewPage(r, sess, f)
	if err != nil {
		return nil, err
	}
	b := np.base
	b.Title = translate(b.Lang, "rh.upload.title")
	return &rhUploadPage{base: b, Form: np.Form, Rights: np.Rights, Types: np.Types, Attestations: np.Attestations,
		Columns: strings.Join(app.NoticeCSVColumns, ",")}, nil
}

func (s *Server) rhUploadPage(w http.ResponseWriter, r *http.Request, sess session) error {
	if err := gate(sess.principal, auth.NoticeCreate, auth.KindNotice); err != nil {
		return err
	}
	pg, err := s.uploadPage(r, sess, noticeForm{})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "rh_upload.html", pg)
	return nil
}

var linePrefix = regexp.MustCompile(`^line (\d+)(?:, column \d+)?(?:: (.*))?$`)

// csvNotice builds the notice of a CSV: the rows as parsed (bad rows
// reported by line) and the form's notice fields.
func (s *Server) csvNotice(r *http.Request, sess session, f noticeForm, data []byte) (app.NoticeInput, []rowProblem, error) {
	items, err := app.ParseNoticeCSV(bytes.NewReader(data))
	var problems []rowProblem
	var inv *fault.Invalid
	if errors.As(err, &inv) {
		problems = rowProblems(inv.Fields)
	} else if err != nil {
		return app.NoticeInput{}, nil, err
	}
	in := app.NoticeInput{RightID: f.RightID, InfringementType: f.Type, Explanation: f.Explanation, Signature: f.Signature,
		Attestations: f.Attest, Language: lang(r), Channel: "csv", Items: items, Partial: true}
	if in.InfringementType == "" && len(items) > 0 {
		in.InfringementType = items[0].InfringementType
	}
	rid := f.RightID
	if rid == "" && len(items) > 0 {
		rid = items[0].RightID
	}
	in.PrincipalOrgID = s.principalOf(r, sess, rid)
	return in, problems, nil
}

// rowProblems turns "line 3: listing_id" fields into rows of the report.
func rowProblems(fields []fault.Field) []rowProblem {
	var out []rowProblem
	for _, f := range fields {
		p := rowProblem{Field: f.Field, Detail: f.Detail}
		if m := linePrefix.FindStringSubmatch(f.Field); m != nil {
			p.Line, _ = strconv.Atoi(m[1])
			p.Field = m[2]
		}
		out = append(out, p)
	}
	return out
}

func readCSV(r *http.Request) ([]byte, bool, error) {
	f, h, err := r.FormFile("csv")
	if err != nil {
		return nil, false, nil
	}
	defer f.Close()
	if h.Size > maxCSV {
		return nil, true, fault.New(fault.ErrTooLarge, "csv")
	}
	b, err := io.ReadAll(io.LimitReader(f, maxCSV+1))
	return b, true, err
}

// rhUploadCheck checks an uploaded CSV and files nothing: it lists every
// bad row and offers to file the valid ones.
func (s *Server) rhUploadCheck(w http.ResponseWriter, r *http.Request, sess session) error {
	l := lang(r)
	f := noticeFormFrom(r)
	pg, err := s.uploadPage(r, sess, f)
	if err != nil {
		return err
	}
	data, chosen, err := readCSV(r)
	switch {
	case errors.Is(err, fault.ErrTooLarge):
		pg.Errors.add("csv", translate(l, "rh.upload.csv_too_large", "size", humanSize(maxCSV)))
	case err != nil:
		return err
	case !chosen || len(data) == 0:
		pg.Errors.add("csv", translate(l, "rh.upload.csv_missing"))
	}
	if pg.Errors.Has() {
		s.render(w, r, http.StatusUnprocessableEntity, "rh_upload.html", pg)
		return nil
	}
	in, problems, err := s.csvNotice(r, sess, f, data)
	if err != nil {
		return err
	}
	if len(in.Items) > 0 {
		in.DryRun = true
		rc, err := s.fileNotice(r, sess, in)
		var inv *fault.Invalid
		switch {
		case errors.As(err, &inv):
			// Problems of the notice itself (attestations, signature…) are
			// shown on the form; the rows' with their lines.
			for _, fl := range inv.Fields {
				if strings.HasPrefix(fl.Field, "line ") {
					problems = append(problems, rowProblems([]fault.Field{fl})...)
				} else {
					name, detail := noticeField(l)(fl)
					pg.Errors.add(name, detail)
				}
			}
		case err != nil:
			e, ok := rhFormError(l, err, nil)
			if !ok {
				return err
			}
			pg.Errors = e
		default:
			pg.Valid = len(rc.Items)
			problems = append(problems, rowProblems(rc.Rejected)...)
		}
	}
	sort.SliceStable(problems, func(i, j int) bool { return problems[i].Line < problems[j].Line })
	pg.Checked, pg.Problems, pg.CSV = true, problems, base64.StdEncoding.EncodeToString(data)
	if pg.Errors.Has() {
		pg.Valid = 0
	}
	s.render(w, r, http.StatusOK, "rh_upload.html", pg)
	return nil
}

// rhUploadFile files the valid rows of a checked CSV.
func (s *Server) rhUploadFile(w http.ResponseWriter, r *http.Request, sess session) error {
	l := lang(r)
	f := noticeFormFrom(r)
	data, err := base64.StdEncoding.DecodeString(r.PostFormValue("csv"))
	if err != nil || len(data) == 0 || len(data) > maxCSV {
		s.errorPage(w, r, http.StatusBadRequest, "rh.upload.csv_missing")
		return nil
	}
	next, err := s.once(r, sess, f.Token, func() (string, error) {
		in, problems, err := s.csvNotice(r, sess, f, data)
		if err != nil {
			return "", err
		}
		if len(in.Items) == 0 {
			return "", fault.InvalidField("csv", "%s", translate(l, "rh.upload.none_valid"))
		}
		rc, err := s.fileNotice(r, sess, in)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("/notices/%s?filed=1&rejected=%d", rc.Notice.ID, len(rc.Rejected)+len(problems)), nil
	})
	if err == nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	fe, ok := rhFormError(l, err, noticeField(l))
	if !ok {
		return err
	}
	pg, perr := s.uploadPage(r, sess, f)
	if perr != nil {
		return perr
	}
	pg.Errors = fe
	s.render(w, r, http.StatusUnprocessableEntity, "rh_upload.html", pg)
	return nil
}

// --- tracking ---

type noticeRow struct {
	app.Notice
	Counts   []stateCount
	Next     time.Time
	Open     int
	Complete bool // every item was counted
}

// accuracyRow is a profile's accuracy with its rates as percentages.
type accuracyRow struct {
	app.ProfileAccuracy
	Success, Unfounded string
}

func percent(f float64) string { return fmt.Sprintf("%.0f%%", f*100) }

type stateCount struct {
	State string
	N     int
}

type rhNoticesPage struct {
	base
	Notices  []noticeRow
	Pager    Pager
	Accuracy []accuracyRow
	Type     string
	State    string
	Types    []string
	States   []string
}

// itemStates are the states an item can be in, for the filters.
var itemStates = []string{"received", "incomplete", "pending_seller_response", "under_review", "actioned", "counter_received",
	"counter_forwarded", "held_pending_proceedings", "restored", "retracted", "rejected", "no_action", "complaint_open",
	"closed_upheld", "dispute_open", "duplicate"}

var closedStates = []string{"restored", "retracted", "rejected", "no_action", "closed_upheld", "duplicate"}

func (s *Server) rhNotices(w http.ResponseWriter, r *http.Request, sess session) error {
	if err := gate(sess.principal, auth.NoticeCreate, auth.KindNotice); err != nil {
		return err
	}
	ctx, q := r.Context(), r.URL.Query()
	pg := &rhNoticesPage{base: sess.base(r, s, "rh.notices.title"), Type: q.Get("type"), State: q.Get("state"), Types: app.InfringementTypes, States: itemStates}
	notices, next, err := s.app.Notices(ctx, sess.principal, store.Page{After: q.Get("cursor"), Limit: 20})
	if err != nil {
		return err
	}
	for _, n := range notices {
		if pg.Type != "" && n.InfringementType != pg.Type {
			continue
		}
		row := noticeRow{Notice: n}
		items, more, err := s.app.Items(ctx, sess.principal, app.ItemQuery{NoticeID: n.ID}, store.Page{Limit: 500})
		if err != nil {
			return err
		}
		row.Complete = more == ""
		counts := map[string]int{}
		for _, it := range items {
			counts[it.State]++
			if !slices.Contains(closedStates, it.State) {
				row.Open++
			}
			if !it.NextDeadline.IsZero() && (row.Next.IsZero() || it.NextDeadline.Before(row.Next)) {
				row.Next = it.NextDeadline
			}
		}
		if pg.State != "" && counts[pg.State] == 0 {
			continue
		}
		for _, st := range itemStates {
			if counts[st] > 0 {
				row.Counts = append(row.Counts, stateCount{st, counts[st]})
			}
		}
		pg.Notices = append(pg.Notices, row)
	}
	pg.Pager = pagerFor(r, next)
	acc, err := s.app.Accuracy(ctx, sess.principal, "")
	if err != nil {
		return err
	}
	for _, a := range acc {
		pg.Accuracy = append(pg.Accuracy, accuracyRow{ProfileAccuracy: a, Success: percent(a.Accuracy.TakedownSuccessRate),
			Unfounded: percent(a.Accuracy.UnfoundedRate)})
	}
	s.render(w, r, http.StatusOK, "rh_notices.html", pg)
	return nil
}

type rhNoticePage struct {
	base
	Notice   app.Notice
	Items    []app.ItemSummary
	Pager    Pager
	State    string
	States   []string
	Filed    bool
	Rejected string
}

func (s *Server) rhNotice(w http.ResponseWriter, r *http.Request, sess session) error {
	ctx, q := r.Context(), r.URL.Query()
	n, err := s.app.Notice(ctx, sess.principal, r.PathValue("id"))
	if err != nil {
		return err
	}
	items, next, err := s.app.Items(ctx, sess.principal, app.ItemQuery{NoticeID: n.ID, State: q.Get("state")}, store.Page{After: q.Get("cursor"), Limit: 50})
	if err != nil {
		return err
	}
	b := sess.base(r, s, "rh.notice.title")
	b.Title = translate(b.Lang, "rh.notice.title", "id", n.ID)
	pg := &rhNoticePage{base: b, Notice: n, Items: items, Pager: pagerFor(r, next), State: q.Get("state"), States: itemStates,
		Filed: q.Get("filed") != ""}
	if rj := q.Get("rejected"); rj != "" && rj != "0" {
		pg.Rejected = rj
	}
	s.render(w, r, http.StatusOK, "rh_notice.html", pg)
	return nil
}

// --- answering a forwarded counter-notice ---

type rhItemActionPage struct {
	base
	Item      app.ItemView
	Kinds     []string
	Kind      string
	Reference string
	Reason    string
	Errors    rhErrors
}

// blockingKinds are the kinds of proof of proceedings the profiles accept.
func (s *Server) blockingKinds() []string {
	var out []string
	set := s.app.Profiles()
	for _, pid := range set.IDs() {
		if p, err := set.Profile(pid); err == nil && p.RestorationTimer != nil {
			for _, k := range p.RestorationTimer.BlockingEvidence {
				if !slices.Contains(out, k) {
					out = append(out, k)
				}
			}
		}
	}
	return out
}

func (s *Server) itemAction(r *http.Request, sess session, title string) (*rhItemActionPage, error) {
	v, err := s.app.Item(r.Context(), sess.principal, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	b := sess.base(r, s, title)
	b.Title = translate(b.Lang, title, "id", v.ID)
	return &rhItemActionPage{base: b, Item: v, Kinds: s.blockingKinds()}, nil
}

func (s *Server) rhProceedingsPage(w http.ResponseWriter, r *http.Request, sess session) error {
	pg, err := s.itemAction(r, sess, "rh.proceedings.title")
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "rh_proceedings.html", pg)
	return nil
}

func (s *Server) rhProceedingsPost(w http.ResponseWriter, r *http.Request, sess session) error {
	l := lang(r)
	pg, err := s.itemAction(r, sess, "rh.proceedings.title")
	if err != nil {
		return err
	}
	pg.Kind, pg.Reference = r.PostFormValue("kind"), strings.TrimSpace(r.PostFormValue("reference"))
	ids := s.uploads(r, sess, "evidence", &pg.Errors)
	if !pg.Errors.Has() {
		_, err = s.app.FileProceedings(r.Context(), sess.principal, pg.Item.ID, app.ProceedingsInput{Kind: pg.Kind, Reference: pg.Reference, EvidenceIDs: ids})
		if err == nil {
			http.Redirect(w, r, "/items/"+pg.Item.ID, http.StatusSeeOther)
			return nil
		}
		fe, ok := rhFormError(l, err, func(f fault.Field) (string, string) {
			if strings.HasPrefix(f.Field, "evidence_ids") {
				return "evidence", f.Detail
			}
			return plainField(f)
		})
		if !ok {
			return err
		}
		pg.Errors = fe
	}
	s.render(w, r, http.StatusUnprocessableEntity, "rh_proceedings.html", pg)
	return nil
}

func (s *Server) rhRetractPage(w http.ResponseWriter, r *http.Request, sess session) error {
	pg, err := s.itemAction(r, sess, "rh.retract.title")
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "rh_retract.html", pg)
	return nil
}

func (s *Server) rhRetractPost(w http.ResponseWriter, r *http.Request, sess session) error {
	l := lang(r)
	pg, err := s.itemAction(r, sess, "rh.retract.title")
	if err != nil {
		return err
	}
	pg.Reason = strings.TrimSpace(r.PostFormValue("reason"))
	if r.PostFormValue("confirm") != "yes" {
		pg.Errors.add("confirm", translate(l, "rh.retract.confirm_needed"))
	} else if _, err := s.app.Retract(r.Context(), sess.principal, pg.Item.ID, pg.Reason); err == nil {
		http.Redirect(w, r, "/items/"+pg.Item.ID, http.StatusSeeOther)
		return nil
	} else {
		fe, ok := rhFormError(l, err, plainField)
		if !ok {
			return err
		}
		pg.Errors = fe
	}
	s.render(w, r, http.StatusUnprocessableEntity, "rh_retract.html", pg)
	return nil
}
