package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/notice"
	"github.com/dajia-project/dajia/internal/store"
)

func itoa(n int) string { return strconv.Itoa(n) }

func TestReviewQueueFiltersAndBulk(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "reviewer")
	eu, us := f.demo.Items["eu_pending"], f.demo.Items["us_pending"]
	_, body, _ := c.get("/review", "en")
	if !strings.Contains(body, eu) || !strings.Contains(body, us) || !strings.Contains(body, `name="item" value="`+eu+`"`) {
		t.Fatalf("queue: %.3000s", body)
	}
	if _, body, _ := c.get("/review?profile=eu-dsa", "en"); !strings.Contains(body, eu) || strings.Contains(body, us) {
		t.Errorf("profile filter")
	}
	if _, body, _ := c.get("/review?profile=eu-dsa&all=1", "en"); !strings.Contains(body, `value="`+eu+`" id="c-`+eu+`" checked`) {
		t.Errorf("select all: %.3000s", body)
	}
	// Unconfirmed: refused, the choice and the typed reason kept, nothing decided.
	form := url.Values{"item": {eu, us}, "outcome": {"no_action"}, "reason": {"Not shown to infringe"}}
	status, body, _ := c.slPost("/review/decide", form, nil)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-confirm"`) || !strings.Contains(body, "Not shown to infringe") ||
		!strings.Contains(body, `value="`+eu+`" id="c-`+eu+`" checked`) {
		t.Fatalf("unconfirmed bulk: %d %.3000s", status, body)
	}
	if st := f.slItem(t, eu).State; st != "under_review" {
		t.Fatalf("refused bulk decided: %s", st)
	}
	// One item decided by someone else first: reported, the other decided.
	v := f.slItem(t, us)
	admin, _, _ := f.app.SessionPrincipal(ctx, f.login(t, "admin").session)
	if _, err := f.app.Decide(ctx, admin, us, app.DecisionInput{Outcome: notice.OutcomeAction, Reason: "counterfeit", Rev: &v.Rev}); err != nil {
		t.Fatal(err)
	}
	form.Set("confirm", "1")
	status, body, _ = c.slPost("/review/decide", form, nil)
	if status != http.StatusOK || !strings.Contains(body, "not changed") || !strings.Contains(body, "decided") {
		t.Fatalf("bulk: %d %.3000s", status, body)
	}
	if st := f.slItem(t, eu).State; st != "no_action" {
		t.Errorf("eu after bulk: %s", st)
	}
	if st := f.slItem(t, us).State; st != "actioned" {
		t.Errorf("us after bulk: %s (the earlier decision must stand)", st)
	}
}

func TestReviewDecisionScreen(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "reviewer")
	id := f.demo.Items["eu_pending"]
	v := f.slItem(t, id)
	status, body, _ := c.get("/review/items/"+id, "en")
	if status != http.StatusOK || !strings.Contains(body, "Listing as reported") || !strings.Contains(body, v.ListingTitle) ||
		!strings.Contains(body, `name="rev" value="`+itoa(v.Rev)+`"`) || !strings.Contains(body, "/review/documents/") {
		t.Fatalf("decision screen: %d %.4000s", status, body)
	}
	if status, _, _ := c.get("/review/items/"+id, "zh-CN"); status != http.StatusOK {
		t.Errorf("zh: %d", status)
	}
	// The certificate downloads.
	rt, err := f.app.Right(ctx, f.sys, v.RightID)
	if err != nil || len(rt.Certificates) == 0 {
		t.Fatalf("right: %v", err)
	}
	if status, body, h := c.get("/review/documents/"+rt.Certificates[0].DocumentID, "en"); status != http.StatusOK || !strings.HasPrefix(body, "%PDF") ||
		!strings.HasPrefix(h.Get("Content-Disposition"), "attachment") {
		t.Errorf("certificate: %d %s", status, h.Get("Content-Disposition"))
	}
	// A missing reason is named; what was typed stays.
	status, body, _ = c.slPost("/review/items/"+id+"/decide", url.Values{"rev": {itoa(v.Rev)}, "outcome": {"action"}, "explanation": {"same goods"}}, nil)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-reason"`) || !strings.Contains(body, "same goods") {
		t.Fatalf("no reason: %d %.3000s", status, body)
	}
	// Request information: the item stays under review.
	if status, _, _ := c.slPost("/review/items/"+id+"/request-info", url.Values{"question": {"Send a test purchase report."}}, nil); status != http.StatusSeeOther {
		t.Errorf("request information: %d", status)
	}
	// Stale: the form carries the revision first seen.
	status, body, _ = c.slPost("/review/items/"+id+"/decide", url.Values{"rev": {itoa(v.Rev)}, "outcome": {"action"}, "reason": {"counterfeit"}}, nil)
	if status != http.StatusConflict || !strings.Contains(body, "Someone else acted on this first") || !strings.Contains(body, `value="counterfeit"`) && !strings.Contains(body, ">counterfeit<") {
		t.Fatalf("stale decision: %d %.3000s", status, body)
	}
	if st := f.slItem(t, id).State; st != "under_review" {
		t.Fatalf("stale decision changed the item: %s", st)
	}
	cur := f.slItem(t, id).Rev
	if status, _, h := c.slPost("/review/items/"+id+"/decide", url.Values{"rev": {itoa(cur)}, "outcome": {"action"}, "reason_template": {"counterfeit"}, "measures": {"delist"}}, nil); status != http.StatusSeeOther ||
		!strings.HasPrefix(h.Get("Location"), "/review") {
		t.Fatalf("decision: %d", status)
	}
	after := f.slItem(t, id)
	if after.State != "actioned" || !strings.Contains(after.Case.Decision.Reason, "Counterfeit goods") {
		t.Errorf("after the decision: %s %+v", after.State, after.Case.Decision)
	}
	// Sellers and rights holders never reach the decision screen.
	for _, who := range []string{"seller", "owner"} {
		if status, _, _ := f.login(t, who).get("/review/items/"+id, "en"); status != http.StatusForbidden && status != http.StatusNotFound {
			t.Errorf("%s on the decision screen: %d", who, status)
		}
	}
}

func TestReviewRegistryQueues(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "reviewer")
	rights, _, err := f.app.Rights(ctx, f.sys, app.RightQuery{}, store.Page{Limit: 1})
	if err != nil || len(rights) == 0 {
		t.Fatal(err)
	}
	id := rights[0].ID
	if _, body, _ := c.get("/review/rights?state=verified", "en"); !strings.Contains(body, id) {
		t.Errorf("verified rights: %.2000s", body)
	}
	// Rejecting needs a reason.
	status, body, _ := c.slPost("/review/rights/"+id, url.Values{"decision": {"reject"}, "reason": {" "}, "state": {"verified"}}, nil)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-`+id+`"`) || !strings.Contains(body, "say why it is rejected") {
		t.Errorf("reject without a reason: %d %.2000s", status, body)
	}
	// A verified right is not reviewed again: said so, nothing changed.
	if status, _, _ := c.slPost("/review/rights/"+id, url.Values{"decision": {"verify"}}, nil); status != http.StatusConflict {
		t.Errorf("verify a verified right: %d", status)
	}
	if status, _, _ := c.get("/review/nothing", "en"); status != http.StatusNotFound {
		t.Errorf("unknown queue: %d", status)
	}
	if status, _, _ := f.login(t, "investigator").slPost("/review/orgs/"+rights[0].OwnerOrgID, url.Values{"decision": {"verify"}}, nil); status != http.StatusForbidden && status != http.StatusNotFound {
		t.Errorf("investigator reviews an organisation: %d", status)
	}
}
