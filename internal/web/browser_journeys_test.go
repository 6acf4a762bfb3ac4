package web

// More browser journeys (see browser_test.go for the harness): a new
// brand signs up, is verified and files a trademark that a reviewer
// verifies; a seller answers a takedown with a counter-notice that is
// forwarded to the brand; an admin sees the enforcement actions delivered
// to the marketplace's webhook. Each runs in English and in Chinese.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/deliver"
	"github.com/dajia-project/dajia/internal/demo"
	"github.com/dajia-project/dajia/internal/store"
)

// pdfFile writes a small valid PDF into the test's temporary directory and
// returns its path, for upload.
func pdfFile(t *testing.T, name, title string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, demo.PDF(title), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// loginEmail signs in through the login form with any demo account (the
// fixture users of login are only some of them).
func (b *tab) loginEmail(email string) {
	b.t.Helper()
	b.visit("/login")
	b.expectMessage("login.title")
	b.fill("#email", email)
	b.fill("#password", demo.Password)
	b.click(`main form button[type="submit"]`)
	if strings.HasPrefix(b.eval(`location.pathname`), "/login") {
		b.t.Fatalf("login as %s did not leave the login page\n%s", email, b.pageText())
	}
}

// setValue sets the value of a field the keyboard cannot reliably type
// into in every locale (a date input).
func (b *tab) setValue(sel, value string) {
	b.t.Helper()
	b.do(fmt.Sprintf("set %s to %q", sel, value), chromedp.SetValue(chromedp.CSS(sel), value))
	if got := b.eval(fmt.Sprintf(`document.querySelector(%q).value`, sel)); got != value {
		b.t.Fatalf("%s is %q after setting it to %q", sel, got, value)
	}
}

// expectValue checks what a field holds.
func (b *tab) expectValue(sel, want string) {
	b.t.Helper()
	if got := b.eval(fmt.Sprintf(`(document.querySelector(%q) || {value: "(no such field)"}).value`, sel)); got != want {
		b.t.Fatalf("%s holds %q, want %q\n%s", sel, got, want, b.pageText())
	}
}

// textOf is the visible text of the first element matching sel ("" if
// there is none).
func (b *tab) textOf(sel string) string {
	b.t.Helper()
	return b.eval(fmt.Sprintf(`(document.querySelector(%q) || {innerText: ""}).innerText`, sel))
}

// expectIn checks that the element matching sel shows every text.
func (b *tab) expectIn(sel string, texts ...string) {
	b.t.Helper()
	got := b.textOf(sel)
	if got == "" {
		b.t.Fatalf("no %s on the page\n%s", sel, b.pageText())
	}
	for _, s := range texts {
		if !strings.Contains(got, s) {
			b.t.Fatalf("%s does not show %q: %q\n%s", sel, s, got, b.pageText())
		}
	}
}

// caseID is the id of the article.case whose heading shows name (on the
// review registry pages), without its "r-" prefix.
func (b *tab) caseID(name string) string {
	b.t.Helper()
	id := b.eval(fmt.Sprintf(`([...document.querySelectorAll("article.case")].find(a => a.querySelector("h2").innerText.includes(%q)) || {id: ""}).id`, name))
	if id == "" {
		b.t.Fatalf("no case shows %q\n%s", name, b.pageText())
	}
	return strings.TrimPrefix(id, "r-")
}

// TestBrowserOnboardingToVerifiedRight: a new brand signs up, lands on its
// onboarding, uploads its business licence and its representative's ID
// and submits; a reviewer verifies the company; the brand, now verified,
// files a trademark with its certificate; the reviewer verifies the
// trademark and the brand sees it usable among its rights.
func TestBrowserOnboardingToVerifiedRight(t *testing.T) {
	journey(t, func(t *testing.T, b *tab) {
		const company, regNo, mark, tmNo = "Zephyr Outdoor Ltd", "91310000MA1ZEPHYR7", "ZEPHYR", "55501234"
		licence := pdfFile(t, "licence.pdf", "business licence")
		passport := pdfFile(t, "representative.pdf", "representative ID")
		certificate := pdfFile(t, "certificate.pdf", "CNIPA "+tmNo)

		// Sign-up: the company and its owner account.
		b.visit("/signup")
		b.expectLang(b.lang)
		b.expect(translate(b.lang, "rh.signup.title"))
		b.check(`input[name="kind"][value="rights_holder"]`)
		b.fill("#legal_name", company)
		b.fill("#country", "CN")
		b.fill("#registration_number", regNo)
		b.fill("#address", "88 Century Avenue, Pudong, Shanghai")
		b.fill(`[id="contact.name"]`, "Li Wei")
		b.fill(`[id="contact.email"]`, "ip@zephyr.test")
		b.fill(`[id="contact.phone"]`, "+86 21 5555 0100")
		b.fill(`[id="owner.name"]`, "Li Wei")
		b.fill(`[id="owner.email"]`, "li.wei@zephyr.test")
		b.fill(`[id="owner.password"]`, "a long enough password")
		b.click(`form[action="/signup"] button[type="submit"]`)
		b.expectPath("/onboarding?welcome=1")
		b.expect(translate(b.lang, "rh.onboarding.title"), translate(b.lang, "rh.onboarding.welcome"))
		b.expectIn("#org-state", translate(b.lang, "rh.org.state.draft"))
		b.expectValue("#legal_name", company)

		// Onboarding: the documents, then submit for review.
		b.upload("#business_licence", licence)
		b.upload("#representative_id", passport)
		b.click(`form[action="/onboarding"] button[name="action"][value="submit"]`)
		b.expectPath("/onboarding?saved=1")
		b.expectIn("#org-state", translate(b.lang, "rh.org.state.submitted"))
		b.expect(translate(b.lang, "rh.doc.business_licence"), "licence.pdf", translate(b.lang, "rh.doc.representative_id"), "representative.pdf")

		// A reviewer, in another browser, verifies the company.
		rv := b.f.open(t, b.lang)
		rv.login("reviewer")
		rv.clickLink(translate(b.lang, "rv.nav.orgs"))
		rv.expectPath("/review/orgs")
		org := rv.caseID(company)
		rv.expectIn(`[id="r-`+org+`"]`, regNo, "licence.pdf", "representative.pdf")
		rv.click(`[id="r-` + org + `"] form:has(input[name="decision"][value="verify"]) button[type="submit"]`)
		rv.expect(translate(b.lang, "rv.reg.done", "id", org))
		rv.visit("/review/orgs?state=verified")
		rv.expectIn(`[id="r-`+org+`"]`, translate(b.lang, "rv.reg.state.verified"))

		// The brand sees it verified and files a trademark.
		b.visit("/onboarding")
		b.expectIn("#org-state", translate(b.lang, "rh.org.state.verified"))
		b.expect(translate(b.lang, "rh.onboarding.verified"))
		b.clickLink(translate(b.lang, "rh.nav.right_new"))
		b.expectPath("/rights/new")
		b.expect(translate(b.lang, "rh.right.title"))
		b.choose(`[id="trademark.office"]`, "CNIPA")
		b.fill(`[id="trademark.registration_number"]`, tmNo)
		b.fill(`[id="trademark.mark_text"]`, mark)
		b.fill(`[id="trademark.nice_classes"]`, "25, 18")
		b.fill(`[id="trademark.goods"]`, "Footwear; bags")
		b.setValue(`[id="trademark.registered_on"]`, "2019-04-07")
		b.setValue(`[id="trademark.expires_on"]`, fmt.Sprintf("%d-04-06", time.Now().Year()+3))
		b.fill("#territories", "CN")
		b.upload("#certificates", certificate)
		b.click(`form[action="/rights/new"] button[type="submit"]`)
		filed := strings.TrimPrefix(b.eval(`location.search`), "?filed=")
		b.expectPath("/rights/new?filed=" + filed)
		b.expectIn("#right-filed", translate(b.lang, "rh.right.filed", "id", filed))
		b.expect(mark, tmNo, translate(b.lang, "rh.right.state.submitted"))

		// The reviewer verifies the trademark.
		rv.clickLink(translate(b.lang, "rv.nav.rights"))
		rv.expectPath("/review/rights")
		rv.expectIn(`[id="r-`+filed+`"]`, mark, tmNo, company, "certificate.pdf")
		rv.click(`[id="r-` + filed + `"] form:has(input[name="decision"][value="verify"]) button[type="submit"]`)
		rv.expect(translate(b.lang, "rv.reg.done", "id", filed))

		// The brand sees it among its rights, usable.
		b.clickLink(translate(b.lang, "rh.right.all"))
		b.expectPath("/rights")
		b.expectMessage("rights.title")
		row := b.eval(fmt.Sprintf(`([...document.querySelectorAll("main tbody tr")].find(r => r.innerText.includes(%q)) || {innerText: ""}).innerText`, tmNo))
		if !strings.Contains(row, mark) || !strings.Contains(row, codeLabel(b.lang, "review", "verified")) || !strings.Contains(row, translate(b.lang, "common.yes")) {
			t.Fatalf("the trademark is not shown verified and usable: %q\n%s", row, b.pageText())
		}
	})
}

// TestBrowserCounterNoticeForwarded: a seller whose listing was taken down
// in China sees the decision with its legal basis, answers with a
// counter-notice — first without the declaration, which the form names
// while keeping what was typed, then complete with an invoice — and the
// brand sees the item forwarded to it, with the deadline to show
// proceedings and the way to answer.
func TestBrowserCounterNoticeForwarded(t *testing.T) {
	journey(t, func(t *testing.T, b *tab) {
		id := b.f.demo.Items["cn_actioned"]
		before, err := b.f.app.Item(ctx, b.f.sys, id)
		if err != nil {
			t.Fatal(err)
		}
		cn, err := b.f.app.Profiles().Profile("cn-ecl")
		if err != nil {
			t.Fatal(err)
		}
		if len(cn.LegalRefs) == 0 {
			t.Fatal("the cn-ecl profile names no law")
		}
		invoice := pdfFile(t, "invoice.pdf", "purchase invoice")
		const who, contact = "Shenzhen Bright Trading Co.", "shop5@seller.demo"
		statement := "These shoes were bought from the brand's authorised distributor; the invoice is attached. 正品，附发票。"

		b.loginEmail("seller5@demo.dajia.local")
		b.visit("/seller")
		b.expectMessage("seller.title")
		card := `[id="item-` + id + `"]`
		b.expectIn(card, before.ListingID, slStateLabel(b.lang, "actioned"), translate(b.lang, "seller.legal_basis"), cn.LegalRefs[0],
			translate(b.lang, "seller.counter.action"))
		b.click(card + ` a[href="/items/` + id + `/counter"]`)
		b.expectPath("/items/" + id + "/counter")
		b.expect(translate(b.lang, "seller.counter.title", "id", id))

		b.fill("#field-identity_real", who)
		b.fill("#field-contact", contact)
		b.fill("#statement", statement)
		// The browser itself refuses the form without the declaration…
		if b.eval(`String(document.querySelector("#att-attest_truthfulness").validity.valueMissing)`) != "true" {
			t.Fatalf("the declaration is not required in the browser\n%s", b.pageText())
		}
		// …and so does the server, for browsers that do not check: it names
		// the declaration and keeps what was typed.
		b.eval(`(document.querySelector('form[action$="/counter"]').noValidate = true, "")`)
		b.allow("422") // the refusal answers 422 Unprocessable Entity
		b.click(`form[action$="/counter"] button[type="submit"]`)
		b.expectPath("/items/" + id + "/counter")
		if msg := b.textOf("#err-att-attest_truthfulness"); msg == "" {
			t.Fatalf("no error on the declaration\n%s", b.pageText())
		}
		if b.eval(`document.querySelector("#att-attest_truthfulness").getAttribute("aria-invalid")`) != "true" {
			t.Errorf("the declaration is not marked invalid")
		}
		b.expectValue("#field-identity_real", who)
		b.expectValue("#field-contact", contact)
		b.expectValue("#statement", statement)
		if v, err := b.f.app.Item(ctx, b.f.sys, id); err != nil || v.State != "actioned" {
			t.Fatalf("the refused form changed the item: %s %v", v.State, err)
		}

		// Complete: the declaration and the invoice.
		b.check("#att-attest_truthfulness")
		b.upload("#evidence", invoice)
		b.click(`form[action$="/counter"] button[type="submit"]`)
		b.expectPath("/seller?done=counter")
		b.expectIn(card, slStateLabel(b.lang, "counter_forwarded"))
		after, err := b.f.app.Item(ctx, b.f.sys, id)
		if err != nil {
			t.Fatal(err)
		}
		if after.State != "counter_forwarded" || len(after.Filings) == 0 || len(after.Filings[len(after.Filings)-1].Evidence) != 1 {
			t.Fatalf("after the counter-notice: %s %+v", after.State, after.Filings)
		}

		// The brand finds it on its notice: forwarded, with the deadline to
		// show proceedings and the way to answer.
		items, _, err := b.f.app.Items(ctx, b.f.sys, app.ItemQuery{NoticeID: after.NoticeID}, store.Page{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		var due time.Time
		for _, it := range items {
			if it.ID == id {
				due = it.NextDeadline
			}
		}
		if due.IsZero() {
			t.Fatalf("the forwarded item has no deadline: %+v", items)
		}
		rh := b.f.open(t, b.lang)
		rh.login("owner")
		rh.clickLink(translate(b.lang, "rh.nav.notices"))
		rh.expectPath("/notices")
		rh.click(fmt.Sprintf(`a[href="/notices/%s"]`, after.NoticeID))
		rh.expectPath("/notices/" + after.NoticeID)
		row := fmt.Sprintf(`#items tr:has(a[href="/items/%s"])`, id)
		rh.expectIn(row, before.ListingID, translate(b.lang, "rh.state.counter_forwarded"), formatDate(b.lang, due), translate(b.lang, "rh.proceedings.link"))
		if got := rh.eval(fmt.Sprintf(`document.querySelector(%q).getAttribute("data-state")`, row+` [data-state]`)); got != "counter_forwarded" {
			t.Errorf("the item is in %q on the notice page", got)
		}
		rh.click(fmt.Sprintf(`a[href="/items/%s"]`, id))
		rh.expectPath("/items/" + id)
		rh.expect(translate(b.lang, "item.title", "id", id), translate(b.lang, "item.deadlines"), translate(b.lang, "rh.item.proceedings"), translate(b.lang, "rh.retract.link"))
		var d *app.Deadline
		for i := range after.Deadlines {
			if after.Deadlines[i].DueAt.Equal(due) {
				d = &after.Deadlines[i]
			}
		}
		if d == nil {
			t.Fatalf("no deadline due at %s among %+v", due, after.Deadlines)
		}
		rh.expectIn(`main [data-state="counter_forwarded"]`, slStateLabel(b.lang, "counter_forwarded"))
		rh.expect(d.Calendar, d.RuleRef, deadlineKind(b.lang, d.Kind))
		rh.expect(localDue(b.lang, *d)) // the due instant in the profile's zone
		rh.clickLink(translate(b.lang, "rh.item.proceedings"))
		rh.expectPath("/items/" + id + "/proceedings")
		rh.expect(translate(b.lang, "rh.proceedings.title", "id", id))
		rh.clickLink(translate(b.lang, "rh.retract.link"))
		rh.expectPath("/items/" + id + "/retract")
	})
}

// webhookReceiver is the marketplace's side of the webhooks: it answers
// 200 and keeps what it received.
type webhookReceiver struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []receivedHook
}

type receivedHook struct {
	id     string
	header http.Header
	body   []byte
}

func newWebhookReceiver(t *testing.T) *webhookReceiver {
	r := &webhookReceiver{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, receivedHook{id: req.Header.Get("webhook-id"), header: req.Header.Clone(), body: body})
		r.mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *webhookReceiver) received() []receivedHook {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]receivedHook(nil), r.got...)
}

// TestBrowserAdminWebhookDeliveries: the marketplace subscribes to the
// enforcement actions; the dispatcher delivers those the demo's decisions
// produced; the admin sees them delivered in the endpoint's delivery log,
// and the marketplace received each, signed.
func TestBrowserAdminWebhookDeliveries(t *testing.T) {
	journey(t, func(t *testing.T, b *tab) {
		rec := newWebhookReceiver(t)
		ep, secret, err := b.f.app.CreateWebhook(ctx, b.f.sys, app.WebhookInput{URL: rec.srv.URL + "/hooks/dajia", Topics: []string{"action.*"}, Description: "marketplace enforcement"})
		if err != nil {
			t.Fatal(err)
		}
		rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		n, err := deliver.New(b.f.app.DB(), deliver.Options{Timeout: 5 * time.Second}).RunOnce(rctx)
		if err != nil {
			t.Fatal(err)
		}
		got := rec.received()
		if n == 0 || len(got) != n {
			t.Fatalf("the dispatcher attempted %d deliveries, the receiver got %d", n, len(got))
		}
		// Every message is an action, signed with the endpoint's secret.
		topics := map[string]string{} // message id → topic
		msgs, _, err := b.f.app.DB().Outbox(ctx, "", false, store.Page{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			topics[m.ID] = m.Topic
		}
		for _, h := range got {
			if !strings.HasPrefix(topics[h.id], "action.") {
				t.Errorf("the receiver got message %s of topic %q", h.id, topics[h.id])
			}
			if err := deliver.Verify(secret, h.header, h.body, time.Now(), 5*time.Minute); err != nil {
				t.Errorf("message %s: %v", h.id, err)
			}
			if !json.Valid(h.body) {
				t.Errorf("message %s is not JSON: %.200s", h.id, h.body)
			}
		}

		b.login("admin")
		b.visit("/admin/webhooks")
		b.expect(translate(b.lang, "adm.webhooks.title"), ep.URL, "action.*", translate(b.lang, "adm.webhooks.enabled"))
		b.click(fmt.Sprintf(`a[href="/admin/webhooks/%s"]`, ep.ID))
		b.expectPath("/admin/webhooks/" + ep.ID)
		b.expect(translate(b.lang, "adm.webhook.log"), ep.ID)
		var rows []struct{ Topic, State, Last string }
		if err := json.Unmarshal([]byte(b.eval(`JSON.stringify([...document.querySelectorAll("main tbody tr")].map(r => ({Topic: r.cells[0].innerText, State: r.cells[2].querySelector("[data-state]").dataset.state, Last: r.cells[4].innerText})))`)), &rows); err != nil {
			t.Fatal(err)
		}
		if len(rows) != len(got) {
			t.Fatalf("the delivery log shows %d deliveries, the receiver got %d\n%s", len(rows), len(got), b.pageText())
		}
		for _, r := range rows {
			if !strings.HasPrefix(r.Topic, "action.") || r.State != "delivered" || !strings.Contains(r.Last, "200") {
				t.Errorf("delivery %+v: want an action.* topic delivered with HTTP 200", r)
			}
		}
		// The filter shows the delivered ones alone, and no dead letters.
		b.choose("#f-state", "delivered")
		b.click(`form.filters button[type="submit"]`)
		b.expectPath("/admin/webhooks/" + ep.ID + "?state=delivered")
		if c := b.eval(`String(document.querySelectorAll("main tbody tr").length)`); c != fmt.Sprint(len(got)) {
			t.Errorf("%s delivered deliveries shown, want %d", c, len(got))
		}
		b.choose("#f-state", "dead")
		b.click(`form.filters button[type="submit"]`)
		b.expect(translate(b.lang, "adm.webhook.empty.filtered"))
	})
}
