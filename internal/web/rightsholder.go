package web

// The rights-holder and agent portal: sign-up and onboarding of the
// organisation, filing IP rights, filing notices (one form or a CSV checked
// before anything is filed), tracking them, and answering a forwarded
// counter-notice. Every decision about who may do what is the app's; the
// pages only ask the policy (auth.Check) whether to show a page at all.

import (
	"errors"
	"fmt"
	"html/template"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/blob"
	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/registry"
)

func init() {
	rh := []string{"owner", "nimbus", "agent"}
	registerArea(area{
		name: "rh",
		routes: func(s *Server) {
			s.mux.HandleFunc("GET /signup", s.rhSignupPage)
			s.mux.HandleFunc("POST /signup", s.rhSignup)
			s.mux.Handle("GET /onboarding", s.user(s.rhOnboarding))
			s.mux.Handle("POST /onboarding", s.user(s.rhOnboardingPost))
			s.mux.Handle("GET /rights/new", s.user(s.rhRightNew))
			s.mux.Handle("POST /rights/new", s.user(s.rhRightPost))
			s.mux.Handle("GET /notices", s.user(s.rhNotices))
			s.mux.Handle("GET /notices/new", s.user(s.rhNoticeNew))
			s.mux.Handle("POST /notices/new", s.user(s.rhNoticePost))
			s.mux.Handle("GET /notices/upload", s.user(s.rhUploadPage))
			s.mux.Handle("POST /notices/upload", s.user(s.rhUploadCheck))
			s.mux.Handle("POST /notices/upload/file", s.user(s.rhUploadFile))
			s.mux.Handle("GET /notices/{id}", s.user(s.rhNotice))
			s.mux.Handle("GET /items/{id}/proceedings", s.user(s.rhProceedingsPage))
			s.mux.Handle("POST /items/{id}/proceedings", s.user(s.rhProceedingsPost))
			s.mux.Handle("GET /items/{id}/retract", s.user(s.rhRetractPage))
			s.mux.Handle("POST /items/{id}/retract", s.user(s.rhRetractPost))
		},
		// /signup is public (tested in rightsholder_test.go).
		pages: []pageRoute{
			{"/onboarding", rh},
			{"/rights/new", []string{"owner", "nimbus"}},
			{"/notices", rh},
			{"/notices/new", rh},
			{"/notices/upload", rh},
		},
		forms: []string{"/onboarding", "/rights/new", "/notices/new", "/notices/upload", "/notices/upload/file"},
		nav: []navLink{
			{Href: "/onboarding", Key: "rh.nav.onboarding", show: selfRegistered},
			{Href: "/notices", Key: "rh.nav.notices", show: notifier},
			{Href: "/notices/new", Key: "rh.nav.file", show: notifier},
		},
	})
}

// notifier: rights holders and agents see the notice pages in the menu.
func notifier(p auth.Principal) bool {
	return auth.Check(p, auth.NoticeCreate, auth.Resource{Kind: auth.KindNotice}) == nil
}

// selfRegistered organisations see their onboarding until verified.
func selfRegistered(p auth.Principal) bool {
	return p.OrgKind.SelfRegistered() && p.OrgState != registry.OrgVerified
}

// gate asks the policy whether the caller may do act at all (the page of a
// form nobody of the caller's kind may submit is not shown).
func gate(p auth.Principal, act auth.Action, kind auth.Kind) error {
	return auth.Check(p, act, auth.Resource{Kind: kind})
}

// rhErrors are the problems of a submitted form: per field (named as the
// form's input) and for the form as a whole.
type rhErrors struct {
	Fields  map[string]string
	General []string
}

// Has reports whether there is anything to show.
func (e rhErrors) Has() bool { return len(e.Fields) > 0 || len(e.General) > 0 }

// For is the message of a field ("" if none).
func (e rhErrors) For(field string) string { return e.Fields[field] }

// add records a message for a field; a second one is appended.
func (e *rhErrors) add(field, msg string) {
	if e.Fields == nil {
		e.Fields = map[string]string{}
	}
	if old := e.Fields[field]; old != "" {
		msg = old + " " + msg
	}
	e.Fields[field] = msg
}

// rhFormError turns an error meant for the user into form errors: the
// fields of a *fault.Invalid (renamed by rename, which returns "" for a
// problem of the whole form), or a fault message as a general error. ok is
// false for any other error, which the caller returns (404, 403, 500).
func rhFormError(l string, err error, rename func(fault.Field) (string, string)) (rhErrors, bool) {
	var fe rhErrors
	var inv *fault.Invalid
	var msg *fault.Message
	switch {
	case errors.As(err, &inv):
		for _, f := range inv.Fields {
			name, detail := f.Field, f.Detail
			if rename != nil {
				name, detail = rename(f)
			}
			if name == "" {
				fe.General = append(fe.General, f.Field+": "+f.Detail)
				continue
			}
			fe.add(name, detail)
		}
	case errors.Is(err, fault.ErrTooLarge):
		fe.General = append(fe.General, translate(l, "rh.upload.too_large"))
	case errors.As(err, &msg) && !errors.Is(err, fault.ErrNotFound):
		fe.General = append(fe.General, msg.Text)
	default:
		return fe, false
	}
	return fe, true
}

// upload stores the file of a multipart field, if one was chosen, and
// returns its document id ("" when none); a wrong type or size is
// reported in words on the field.
func (s *Server) upload(r *http.Request, sess session, field string, fe *rhErrors) string {
	if ids := s.uploads(r, sess, field, fe); len(ids) > 0 {
		return ids[0]
	}
	return ""
}

// uploads stores every file of a multipart field (several may be chosen).
func (s *Server) uploads(r *http.Request, sess session, field string, fe *rhErrors) []string {
	if r.MultipartForm == nil {
		return nil
	}
	var ids []string
	for _, h := range r.MultipartForm.File[field] {
		if id := s.uploadHeader(r, sess, field, h, fe); id != "" {
			ids = append(ids, id)
		}
	}
	return ids
}

func (s *Server) uploadHeader(r *http.Request, sess session, field string, h *multipart.FileHeader, fe *rhErrors) string {
	l := lang(r)
	if h.Size == 0 {
		return ""
	}
	f, err := h.Open()
	if err != nil {
		fe.add(field, translate(l, "rh.upload.unreadable"))
		return ""
	}
	defer f.Close()
	d, err := s.app.Upload(r.Context(), sess.principal, f, h.Filename)
	var inv *fault.Invalid
	switch {
	case err == nil && !slices.Contains(portalTypes, d.MediaType):
		fe.add(field, translate(l, "rh.upload.type", "name", h.Filename))
	case err == nil:
		return d.ID
	case errors.Is(err, fault.ErrTooLarge):
		fe.add(field, translate(l, "rh.upload.too_large_file", "name", h.Filename, "size", humanSize(h.Size)))
	case errors.As(err, &inv):
		fe.add(field, translate(l, "rh.upload.type", "name", h.Filename))
	default:
		fe.add(field, translate(l, "rh.upload.failed", "name", h.Filename))
		s.log.Error("upload", "err", err)
	}
	return ""
}

// portalTypes are the files the portal's forms take (the evidence store
// accepts more, e.g. text for API clients).
var portalTypes = []string{blob.TypePDF, blob.TypeJPEG, blob.TypePNG}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// setSession starts a signed-in session (as the login form does).
func setSession(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", Expires: time.Now().Add(auth.SessionMaxAge),
		Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

// --- sign-up ---

// orgForm is what the sign-up and onboarding forms hold, as typed.
type orgForm struct {
	Kind               string
	LegalName          string
	Country            string
	RegistrationNumber string
	Address            string
	ContactName        string
	ContactEmail       string
	ContactPhone       string
	OwnerName          string
	OwnerEmail         string
}

func orgFormFrom(r *http.Request) orgForm {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return orgForm{Kind: v("kind"), LegalName: v("legal_name"), Country: strings.ToUpper(v("country")), RegistrationNumber: v("registration_number"),
		Address: v("address"), ContactName: v("contact.name"), ContactEmail: v("contact.email"), ContactPhone: v("contact.phone"),
		OwnerName: v("owner.name"), OwnerEmail: v("owner.email")}
}

func orgFormOf(o registry.Organisation) orgForm {
	return orgForm{Kind: string(o.Kind), LegalName: o.LegalName, Country: o.Country, RegistrationNumber: o.RegistrationNumber, Address: o.Address,
		ContactName: o.Contact.Name, ContactEmail: o.Contact.Email, ContactPhone: o.Contact.Phone}
}

func (f orgForm) details() registry.OrgDetails {
	return registry.OrgDetails{LegalName: f.LegalName, Country: f.Country, RegistrationNumber: f.RegistrationNumber, Address: f.Address,
		Contact: registry.Contact{Name: f.ContactName, Email: f.ContactEmail, Phone: f.ContactPhone}}
}

type rhSignupPage struct {
	base
	Form   orgForm
	Errors rhErrors
}

func (s *Server) rhSignupPage(w http.ResponseWriter, r *http.Request) {
	l := lang(r)
	s.render(w, r, http.StatusOK, "rh_signup.html", &rhSignupPage{base: base{Lang: l, Title: translate(l, "rh.signup.title")}, Form: orgForm{Kind: "rights_holder"}})
}

func (s *Server) rhSignup(w http.ResponseWriter, r *http.Request) {
	if s.cop.Check(r) != nil {
		s.errorPage(w, r, http.StatusForbidden, "error.csrf")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	l := lang(r)
	f := orgFormFrom(r)
	password := r.PostFormValue("owner.password")
	_, _, err := s.app.Register(r.Context(), app.Registration{Kind: registry.OrgKind(f.Kind), Details: f.details(),
		Owner: app.NewUserInput{Email: f.OwnerEmail, Name: f.OwnerName, Password: password}})
	if err == nil {
		var sess app.Session
		if sess, err = s.app.Login(r.Context(), f.OwnerEmail, password); err == nil {
			setSession(w, sess.Token)
			http.Redirect(w, r, "/onboarding?welcome=1", http.StatusSeeOther)
			return
		}
	}
	fe, ok := rhFormError(l, err, nil)
	if !ok {
		s.fail(w, r, err)
		return
	}
	if errors.Is(err, fault.ErrConflict) {
		fe = rhErrors{}
		fe.add("owner.email", translate(l, "rh.signup.taken"))
	}
	s.render(w, r, http.StatusUnprocessableEntity, "rh_signup.html", &rhSignupPage{base: base{Lang: l, Title: translate(l, "rh.signup.title")}, Form: f, Errors: fe})
}

// --- onboarding ---

type rhOnboardingPage struct {
	base
	Org      registry.Organisation
	Form     orgForm
	Errors   rhErrors
	Docs     []rhDoc
	Welcome  bool
	Saved    bool
	Editable bool
	CanSave  bool // the caller may change the organisation (owners)
}

type rhDoc struct {
	Role     string
	Filename string
	Size     string
	At       time.Time
}

func (s *Server) onboardingPage(r *http.Request, sess session, o registry.Organisation) *rhOnboardingPage {
	pg := &rhOnboardingPage{base: sess.base(r, s, "rh.onboarding.title"), Org: o, Form: orgFormOf(o), Editable: o.Editable(),
		CanSave: auth.Check(sess.principal, auth.OrgUpdate, auth.Resource{Kind: auth.KindOrg, OrgID: o.ID}) == nil}
	for _, ref := range o.Documents {
		d := rhDoc{Role: string(ref.Role)}
		if doc, err := s.app.Document(r.Context(), sess.principal, ref.DocumentID); err == nil {
			d.Filename, d.Size, d.At = doc.Filename, humanSize(doc.Size), doc.CreatedAt
		}
		pg.Docs = append(pg.Docs, d)
	}
	return pg
}

// myOrg is the caller's organisation if it onboards itself.
func (s *Server) myOrg(r *http.Request, sess session) (registry.Organisation, error) {
	o, err := s.app.Org(r.Context(), sess.principal, sess.principal.OrgID)
	if err != nil {
		return o, err
	}
	if !o.Kind.SelfRegistered() {
		return o, fault.ErrNotFound // platform-managed organisations are not onboarded here
	}
	return o, nil
}

func (s *Server) rhOnboarding(w http.ResponseWriter, r *http.Request, sess session) error {
	o, err := s.myOrg(r, sess)
	if err != nil {
		return err
	}
	pg := s.onboardingPage(r, sess, o)
	pg.Welcome = r.URL.Query().Get("welcome") != ""
	pg.Saved = r.URL.Query().Get("saved") != ""
	s.render(w, r, http.StatusOK, "rh_onboarding.html", pg)
	return nil
}

// rhOnboardingPost saves the details and any chosen documents; with
// action=submit it then sends the organisation for review.
func (s *Server) rhOnboardingPost(w http.ResponseWriter, r *http.Request, sess session) error {
	ctx, p, l := r.Context(), sess.principal, lang(r)
	o, err := s.myOrg(r, sess)
	if err != nil {
		return err
	}
	f := orgFormFrom(r)
	f.Kind = string(o.Kind)
	var fe rhErrors
	// Documents first, so that a file chosen is kept even if a detail is wrong.
	var docs []registry.DocRef
	if id := s.upload(r, sess, "business_licence", &fe); id != "" {
		docs = append(docs, registry.DocRef{Role: registry.DocBusinessLicence, DocumentID: id})
	}
	if id := s.upload(r, sess, "representative_id", &fe); id != "" {
		docs = append(docs, registry.DocRef{Role: registry.DocRepresentativeID, DocumentID: id})
	}
	if len(docs) > 0 {
		if o, err = s.app.UpdateOrg(ctx, p, o.ID, app.OrgUpdate{Documents: docs}); err != nil {
			e, ok := rhFormError(l, err, nil)
			if !ok {
				return err
			}
			fe.General = append(fe.General, e.General...)
		}
	}
	if !fe.Has() {
		d := f.details()
		if o, err = s.app.UpdateOrg(ctx, p, o.ID, app.OrgUpdate{Details: &d}); err != nil {
			e, ok := rhFormError(l, err, nil)
			if !ok {
				return err
			}
			fe = e
		}
	}
	if !fe.Has() && r.PostFormValue("action") == "submit" {
		if o, err = s.app.SubmitOrg(ctx, p, o.ID); err != nil {
			e, ok := rhFormError(l, err, nil)
			if !ok {
				return err
			}
			fe = e
		}
	}
	if fe.Has() {
		if cur, err := s.myOrg(r, sess); err == nil {
			o = cur
		}
		pg := s.onboardingPage(r, sess, o)
		pg.Form, pg.Errors = f, fe
		s.render(w, r, http.StatusUnprocessableEntity, "rh_onboarding.html", pg)
		return nil
	}
	http.Redirect(w, r, "/onboarding?saved=1", http.StatusSeeOther)
	return nil
}

// Attr marks an input invalid and points at its message.
func (e rhErrors) Attr(field string) template.HTMLAttr {
	if e.Fields[field] == "" {
		return ""
	}
	return template.HTMLAttr(`aria-invalid="true" aria-describedby="err-` + template.HTMLEscapeString(field) + `"`)
}

// Msg is the message under an input.
func (e rhErrors) Msg(field string) template.HTML {
	m := e.Fields[field]
	if m == "" {
		return ""
	}
	return template.HTML(`<p class="error field-error" id="err-` + template.HTMLEscapeString(field) + `">` + template.HTMLEscapeString(m) + `</p>`)
}
