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

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/demo"
	"github.com/dajia-project/dajia/internal/store"
)

// slPost posts a form with the session's CSRF token; files, if any, make
// it multipart (field name → file name → content).
func (c *client) slPost(path string, form url.Values, files map[string]map[string][]byte) (int, string, http.Header) {
	c.t.Helper()
	form = cloneValues(form)
	form.Set("csrf", auth.CSRFToken([]byte("secret"), c.session))
	var body io.Reader
	ctype := "application/x-www-form-urlencoded"
	if files != nil {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		for k, vs := range form {
			for _, v := range vs {
				mw.WriteField(k, v)
			}
		}
		for field, fs := range files {
			for name, data := range fs {
				w, _ := mw.CreateFormFile(field, name)
				w.Write(data)
			}
		}
		mw.Close()
		body, ctype = &b, mw.FormDataContentType()
	} else {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest("POST", c.base+path, body)
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Accept-Language", "en")
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: c.session})
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// slLoginEmail signs in a demo login that is not a fixture user.
func (f *fixture) slLoginEmail(t *testing.T, email string) *client {
	t.Helper()
	f.users[email] = email
	return f.login(t, email)
}

func (f *fixture) slItem(t *testing.T, id string) app.ItemView {
	t.Helper()
	v, err := f.app.Item(ctx, f.sys, id)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSellerNotices(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "seller")
	id := f.demo.Items["countered"]
	status, body, _ := c.get("/seller", "en")
	if status != http.StatusOK || !strings.Contains(body, `id="item-`+id+`"`) || !strings.Contains(body, "counter-notice forwarded to the rights holder") {
		t.Fatalf("seller portal: %d %.2000s", status, body)
	}
	// The statement of reasons is there in plain words: the ground and how to respond.
	if !strings.Contains(body, "Legal basis") || !strings.Contains(body, "How you can respond") {
		t.Errorf("no legal basis or redress: %.3000s", body)
	}
	if _, zh, _ := c.get("/seller", "zh-CN"); !strings.Contains(zh, "不侵权声明已转送权利人") {
		t.Errorf("Chinese state label missing")
	}
	// Filters are URL parameters; an empty result says what to do.
	if _, body, _ := c.get("/seller?state=no_action", "en"); strings.Contains(body, id) || !strings.Contains(body, "No notice matches this filter") {
		t.Errorf("state filter: %.1500s", body)
	}
	// Seller 1 never sees another seller's item.
	if strings.Contains(body, f.demo.Items["cn_actioned"]) {
		t.Errorf("seller 1 sees seller 5's item")
	}
	// The counter-notice already filed: no second one offered.
	if status, body, _ := c.get("/items/"+id+"/counter", "en"); status != http.StatusOK || !strings.Contains(body, "No counter-notice can be filed") {
		t.Errorf("counter form on a countered item: %d", status)
	}
	if status, body, _ := c.get("/seller/strikes", "en"); status != http.StatusOK || !strings.Contains(body, "S-1") {
		t.Errorf("strikes: %d %.1500s", status, body)
	}
}

func TestSellerCounterNotice(t *testing.T) {
	f := newFixture(t)
	c := f.slLoginEmail(t, "seller5@demo.dajia.local")
	id := f.demo.Items["cn_actioned"]
	status, body, _ := c.get("/items/"+id+"/counter", "zh-CN")
	if status != http.StatusOK || !strings.Contains(body, "cn-ecl-declaration-1") || !strings.Contains(body, `name="attest.attest_truthfulness"`) ||
		!strings.Contains(body, `name="field.identity_real"`) || !strings.Contains(body, "本人（本单位）保证") {
		t.Fatalf("counter form: %d %.3000s", status, body)
	}
	// Missing fields: refused, named, and what was typed is kept.
	status, body, _ = c.slPost("/items/"+id+"/counter", url.Values{"profile": {"cn-ecl"}, "field.contact": {"shop5@seller.demo"}, "statement": {"genuine stock"}}, nil)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-identity_real"`) || !strings.Contains(body, `value="shop5@seller.demo"`) ||
		!strings.Contains(body, "genuine stock") {
		t.Fatalf("incomplete counter-notice: %d %.3000s", status, body)
	}
	// Attestation missing: the app names it.
	status, body, _ = c.slPost("/items/"+id+"/counter", url.Values{"profile": {"cn-ecl"}, "field.contact": {"shop5@seller.demo"}, "field.identity_real": {"Shop 5 Ltd"},
		"statement": {"genuine stock"}}, nil)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-att-attest_truthfulness"`) || !strings.Contains(body, `value="Shop 5 Ltd"`) {
		t.Fatalf("counter-notice without attestation: %d %.3000s", status, body)
	}
	if st := f.slItem(t, id).State; st != "actioned" {
		t.Fatalf("refused forms changed the item: %s", st)
	}
	// Complete, with evidence: filed and forwarded.
	status, _, h := c.slPost("/items/"+id+"/counter", url.Values{"profile": {"cn-ecl"}, "field.contact": {"shop5@seller.demo"}, "field.identity_real": {"Shop 5 Ltd"},
		"statement": {"genuine stock"}, "attest.attest_truthfulness": {"cn-ecl-declaration-1"}}, map[string]map[string][]byte{"evidence": {"invoice.pdf": demo.PDF("invoice")}})
	if status != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/seller") {
		t.Fatalf("counter-notice: %d %s", status, h.Get("Location"))
	}
	v := f.slItem(t, id)
	if v.State != "counter_forwarded" || len(v.Filings) == 0 || len(v.Filings[len(v.Filings)-1].Evidence) != 1 {
		t.Errorf("after the counter-notice: %s %+v", v.State, v.Filings)
	}
	// Another seller may not file on it.
	other := f.login(t, "seller")
	if status, _, _ := other.slPost("/items/"+f.demo.Items["cn_actioned"]+"/counter", url.Values{"statement": {"x"}}, nil); status != http.StatusNotFound && status != http.StatusForbidden {
		t.Errorf("another seller's counter-notice: %d", status)
	}
}

func TestSellerAppeal(t *testing.T) {
	f := newFixture(t)
	id := f.demo.Items["eu_pending"]
	rv := f.login(t, "reviewer")
	rev := f.slItem(t, id).Rev
	if status, body, _ := rv.slPost("/review/items/"+id+"/decide", url.Values{"rev": {itoa(rev)}, "outcome": {"action"}, "reason_template": {"counterfeit"},
		"explanation": {"Same mark, same goods."}}, nil); status != http.StatusSeeOther {
		t.Fatalf("decision: %d %.2000s", status, body)
	}
	if st := f.slItem(t, id).State; st != "actioned" {
		t.Fatalf("after the decision: %s", st)
	}
	c := f.slLoginEmail(t, "seller2@demo.dajia.local")
	// The DSA statement of reasons, in plain words: the ground and the redress.
	if _, body, _ := c.get("/seller", "en"); !strings.Contains(body, "/items/"+id+"/appeal") || !strings.Contains(body, "Ground:") ||
		!strings.Contains(body, "You can file a complaint against this decision") {
		t.Errorf("no appeal link or statement of reasons: %.4000s", body)
	}
	if _, body, _ := c.get("/seller", "zh-CN"); !strings.Contains(body, "三、救济途径") {
		t.Errorf("no Chinese statement of reasons")
	}
	status, body, _ := c.get("/items/"+id+"/appeal", "en")
	if status != http.StatusOK || !strings.Contains(body, `name="statement"`) || !strings.Contains(body, "You can appeal until") {
		t.Fatalf("appeal form: %d %.2000s", status, body)
	}
	if status, body, _ := c.slPost("/items/"+id+"/appeal", url.Values{"statement": {"  "}}, nil); status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-statement"`) {
		t.Errorf("empty appeal: %d", status)
	}
	if status, _, _ := c.slPost("/items/"+id+"/appeal", url.Values{"statement": {"The goods are genuine; see the invoice."}}, map[string]map[string][]byte{"evidence": {"invoice.pdf": demo.PDF("inv")}}); status != http.StatusSeeOther {
		t.Fatalf("appeal: %d", status)
	}
	if st := f.slItem(t, id).State; st != "complaint_open" {
		t.Fatalf("after the appeal: %s", st)
	}
	// The appeals queue lists it; the reviewer who decided may not decide the appeal.
	if _, body, _ := rv.get("/review?state=complaint_open", "en"); !strings.Contains(body, id) {
		t.Errorf("appeals queue: %.2000s", body)
	}
	if status, body, _ := rv.slPost("/review/items/"+id+"/complaint", url.Values{"complaint_outcome": {"upheld"}, "complaint_reason": {"stands"}}, nil); status != http.StatusForbidden ||
		!strings.Contains(body, "another reviewer") {
		t.Errorf("same reviewer on the appeal: %d %.1500s", status, body)
	}
	admin := f.login(t, "admin")
	if status, body, _ := admin.slPost("/review/items/"+id+"/complaint", url.Values{"complaint_outcome": {"reversed"}, "complaint_reason": {"genuine"}}, nil); status != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "Confirm that you reverse") {
		t.Errorf("reversal without confirmation: %d", status)
	}
	if status, _, _ := admin.slPost("/review/items/"+id+"/complaint", url.Values{"complaint_outcome": {"upheld"}, "complaint_reason": {"The evidence shows counterfeits."}}, nil); status != http.StatusSeeOther {
		t.Errorf("appeal decision: %d", status)
	}
}

func TestInbox(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "seller")
	status, body, _ := c.get("/inbox", "en")
	ids := regexp.MustCompile(`name="id" value="([^"]+)"`).FindAllStringSubmatch(body, -1)
	if status != http.StatusOK || len(ids) == 0 {
		t.Fatalf("inbox: %d %.2000s", status, body)
	}
	p, _, _ := f.app.SessionPrincipal(ctx, c.session)
	unread := func() int {
		msgs, _, _ := f.app.Inbox(ctx, p, store.Page{Limit: 500})
		n := 0
		for _, m := range msgs {
			if m.ReadAt.IsZero() {
				n++
			}
		}
		return n
	}
	before := unread()
	status, _, h := c.slPost("/inbox/read", url.Values{"id": {ids[0][1]}, "next": {"/inbox?unread=1"}}, nil)
	if status != http.StatusSeeOther || h.Get("Location") != "/inbox?unread=1" || unread() != before-1 {
		t.Errorf("mark read: %d %s, unread %d → %d", status, h.Get("Location"), before, unread())
	}
	if status, _, h := c.slPost("/inbox/read", url.Values{"id": {ids[0][1]}, "next": {"https://evil.example/"}}, nil); status != http.StatusSeeOther || h.Get("Location") != "/inbox" {
		t.Errorf("foreign next: %d %s", status, h.Get("Location"))
	}
	// Another organisation's message is not found.
	if status, _, _ := f.login(t, "owner").slPost("/inbox/read", url.Values{"id": {ids[1][1]}}, nil); status != http.StatusNotFound {
		t.Errorf("another organisation's message: %d", status)
	}
}
