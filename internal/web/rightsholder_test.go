package web

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/demo"
)

type rhFile struct {
	field, name string
	data        []byte
}

// rhPost posts a multipart form (with the CSRF token) and returns the
// status, body and redirect target.
func (c *client) rhPost(path string, fields url.Values, files ...rhFile) (int, string, string) {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if c.session != "" {
		mw.WriteField("csrf", auth.CSRFToken([]byte("secret"), c.session))
	}
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for _, f := range files {
		w, _ := mw.CreateFormFile(f.field, f.name)
		w.Write(f.data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.base+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept-Language", "en")
	if c.session != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: c.session})
	}
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, ck := range resp.Cookies() {
		if ck.Name == sessionCookie {
			c.session = ck.Value
		}
	}
	return resp.StatusCode, string(b), resp.Header.Get("Location")
}

func TestSignupAndOnboarding(t *testing.T) {
	f := newFixture(t)
	c := &client{t: t, base: f.srv.URL}
	if st, body, _ := c.get("/signup", "zh-CN"); st != 200 || !strings.Contains(body, `lang="zh-CN"`) || missingKey.MatchString(body) {
		t.Fatalf("signup page: %d %s", st, missingKey.FindString(body))
	}
	form := url.Values{"kind": {"rights_holder"}, "legal_name": {"Zephyr Ltd"}, "country": {"cn"}, "registration_number": {"91310000ZZ"},
		"address": {"1 Road, Shanghai"}, "contact.name": {"Li"}, "contact.email": {"not-an-email"}, "owner.name": {"Li"},
		"owner.email": {"li@zephyr.test"}, "owner.password": {"long-enough-pw"}}
	st, body, _ := c.rhPost("/signup", form)
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, `value="Zephyr Ltd"`) || !strings.Contains(body, `id="err-contact.email"`) {
		t.Fatalf("bad signup: %d %.500s", st, body)
	}
	form.Set("contact.email", "ip@zephyr.test")
	if st, _, loc := c.rhPost("/signup", form); st != http.StatusSeeOther || !strings.HasPrefix(loc, "/onboarding") || c.session == "" {
		t.Fatalf("signup: %d %s", st, loc)
	}
	// Cross-site sign-up is refused.
	req, _ := http.NewRequest("POST", f.srv.URL+"/signup", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site signup: %v %v", resp, err)
	}
	if st, body, _ := c.get("/onboarding", "en"); st != 200 || !strings.Contains(body, "Draft") {
		t.Fatalf("onboarding: %d", st)
	}
	org := url.Values{"legal_name": {"Zephyr Ltd"}, "country": {"CN"}, "registration_number": {"91310000ZZ"}, "address": {"1 Road, Shanghai"},
		"contact.name": {"Li"}, "contact.email": {"ip@zephyr.test"}, "action": {"submit"}}
	// A text file is refused in words; submitting without documents names them.
	st, body, _ = c.rhPost("/onboarding", org, rhFile{"business_licence", "licence.txt", []byte("just text")})
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "not a PDF, JPEG or PNG") {
		t.Fatalf("text licence: %d %.800s", st, body)
	}
	st, _, loc := c.rhPost("/onboarding", org, rhFile{"business_licence", "licence.pdf", demo.PDF("licence")},
		rhFile{"representative_id", "id.pdf", demo.PDF("id")})
	if st != http.StatusSeeOther || loc != "/onboarding?saved=1" {
		t.Fatalf("submit: %d %s", st, loc)
	}
	if _, body, _ := c.get("/onboarding", "en"); !strings.Contains(body, "Submitted for review") {
		t.Errorf("after submit: %.300s", body)
	}
	// Staff and sellers have no onboarding here.
	for _, who := range []string{"admin", "seller"} {
		if st, _, _ := f.login(t, who).get("/onboarding", "en"); st != 404 && st != 403 {
			t.Errorf("%s onboarding: %d", who, st)
		}
	}
}

func rhRight(t *testing.T, c *client, office string) string {
	t.Helper()
	_, body, _ := c.get("/notices/new", "en")
	m := regexp.MustCompile(`<option value="(rt_[^"]+)"[^>]*>[^<]*` + office).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no %s right offered: %.2000s", office, body)
	}
	return m[1]
}

func TestFileNoticeFormAndReceipt(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "owner")
	right := rhRight(t, c, "CNIPA")
	cn, _ := f.app.Profiles().Profile("cn-ecl")
	form := url.Values{"right_id": {right}, "infringement_type": {"counterfeit"}, "listings": {"L-4-3\nNO-SUCH-LISTING"},
		"explanation": {"Our mark on goods we never made."}, "signature": {"IP Manager"}, "token": {"tok-1"}}
	for k, a := range cn.Notice.AttestationTexts {
		form.Set("attest."+k, a.Version)
	}
	// Every attestation in force is shown; ticking more than apply is fine.
	form.Set("attest.attest_bona_fide", "v1")
	st, body, _ := c.rhPost("/notices/new", form)
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "Line 2:") || !strings.Contains(body, "L-4-3\nNO-SUCH-LISTING") {
		t.Fatalf("bad listing: %d %.1500s", st, body)
	}
	form.Set("listings", "L-4-3")
	st, _, loc := c.rhPost("/notices/new", form)
	if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/notices/ntc") {
		t.Fatalf("file: %d %s", st, loc)
	}
	// The same form sent again files nothing more and leads to the same receipt.
	if st, _, again := c.rhPost("/notices/new", form); st != http.StatusSeeOther || again != loc {
		t.Errorf("double submit: %d %s, want %s", st, again, loc)
	}
	_, body, _ = c.get(loc, "en")
	if !strings.Contains(body, "Notice received") || !strings.Contains(body, "L-4-3") || !strings.Contains(body, `href="/items/itm`) {
		t.Errorf("receipt: %.1500s", body)
	}
	_, body, _ = c.get("/notices", "en")
	if strings.Count(body, `<a href="/notices/ntc`) != 3 || !strings.Contains(body, "Accuracy") {
		t.Errorf("notices list: %.2000s", body)
	}
	if _, body, _ = c.get("/notices?type=copyright", "en"); !strings.Contains(body, "No notice on this page matches") {
		t.Errorf("filter: %.500s", body)
	}
}

func TestNoticeCSVCheckedBeforeFiling(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "owner")
	right := rhRight(t, c, "CNIPA")
	cn, _ := f.app.Profiles().Profile("cn-ecl")
	form := url.Values{"right_id": {right}, "infringement_type": {"counterfeit"}, "signature": {"IP Manager"}, "token": {"csv-1"},
		"explanation": {"Counterfeits."}}
	for k, a := range cn.Notice.AttestationTexts {
		form.Set("attest."+k, a.Version)
	}
	csv := "listing_id,right_id,infringement_type,evidence_ids,note\nL-4-3,,,,\nNOPE,,,,\n,,,,\nL-3-3,,,,\n"
	st, body, _ := c.rhPost("/notices/upload", form, rhFile{"csv", "n.csv", []byte(csv)})
	if st != 200 || !strings.Contains(body, "2 row(s) can be filed; 2 problem(s)") || !strings.Contains(body, "<td>3</td>") || !strings.Contains(body, "<td>4</td>") {
		t.Fatalf("check: %d %.3000s", st, body)
	}
	if _, list, _ := c.get("/notices", "en"); strings.Count(list, `<a href="/notices/ntc`) != 2 {
		t.Fatalf("the check filed something")
	}
	m := regexp.MustCompile(`name="csv" value="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no file-the-valid-rows form")
	}
	form.Set("csv", m[1])
	st, _, loc := c.rhPost("/notices/upload/file", form)
	if st != http.StatusSeeOther || !strings.Contains(loc, "/notices/ntc") {
		t.Fatalf("file valid rows: %d %s", st, loc)
	}
	if _, _, again := c.rhPost("/notices/upload/file", form); again != loc {
		t.Errorf("double submit of the CSV: %s, want %s", again, loc)
	}
	_, body, _ = c.get(loc, "en")
	if !strings.Contains(body, "L-4-3") || !strings.Contains(body, "L-3-3") || !strings.Contains(body, "2 row(s) were not filed") {
		t.Errorf("CSV receipt: %.2000s", body)
	}
}

func TestAnswerForwardedCounterNotice(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "owner")
	id := f.demo.Items["countered"]
	if _, body, _ := c.get("/items/"+id, "en"); !strings.Contains(body, "/items/"+id+"/proceedings") {
		t.Errorf("item page has no link to answer")
	}
	st, body, _ := c.rhPost("/items/"+id+"/proceedings", url.Values{"kind": {"lawsuit_filed"}, "reference": {"(2026) 沪0115民初1号"}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-evidence"`) || !strings.Contains(body, "(2026) 沪0115民初1号") {
		t.Fatalf("proceedings without evidence: %d %.1500s", st, body)
	}
	// Retracting asks to confirm first.
	if st, body, _ := c.get("/items/"+id+"/retract", "zh-CN"); st != 200 || !strings.Contains(body, `name="confirm"`) {
		t.Fatalf("retract page: %d", st)
	}
	if st, _, _ := c.rhPost("/items/"+id+"/retract", url.Values{"reason": {"settled"}}); st != http.StatusUnprocessableEntity {
		t.Errorf("retract without confirmation: %d", st)
	}
	// Another brand may not act on it.
	if st, _, _ := f.login(t, "nimbus").rhPost("/items/"+id+"/proceedings", url.Values{"kind": {"lawsuit_filed"}}); st < 400 {
		t.Errorf("nimbus on aurora's item: %d", st)
	}
	st, _, loc := c.rhPost("/items/"+id+"/proceedings", url.Values{"kind": {"lawsuit_filed"}, "reference": {"R-1"}},
		rhFile{"evidence", "receipt.pdf", demo.PDF("court receipt")})
	if st != http.StatusSeeOther || loc != "/items/"+id {
		t.Fatalf("proceedings: %d %s", st, loc)
	}
	if _, body, _ := c.get(loc, "en"); !strings.Contains(body, "held_pending_proceedings") {
		t.Errorf("after proceedings: %.800s", body)
	}
	if st, _, loc := c.rhPost("/items/"+id+"/retract", url.Values{"confirm": {"yes"}, "reason": {"settled"}}); st != http.StatusSeeOther || loc != "/items/"+id {
		t.Errorf("retract: %d %s", st, loc)
	}
}
