package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/detect"
	"github.com/dajia-project/dajia/internal/registry"
	"github.com/dajia-project/dajia/internal/store"
)

// recordLeads records detection leads on demo listings as the detection
// worker does.
func (f *fixture) recordLeads(t *testing.T) map[string]app.Lead {
	t.Helper()
	aurora := ""
	orgs, _, err := f.app.Orgs(ctx, f.sys, store.OrgFilter{Kind: registry.KindRightsHolder}, store.Page{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orgs {
		if strings.Contains(strings.ToLower(o.LegalName), "aurora") {
			aurora = o.ID
		}
	}
	out := map[string]app.Lead{}
	for _, c := range []struct {
		listing, seller, title string
		score                  int
	}{
		{"L-4-1", "S-4", "AURORA <fake> runner & co", 91},
		{"L-7-1", "S-7", "aurora style trainers", 64},
		{"L-8-1", "S-8", "plain shoes", 40},
	} {
		l, _, err := f.app.RecordLead(ctx, f.sys, app.LeadInput{ListingID: c.listing, ListingVersion: 1, ListingTitle: c.title, SellerID: c.seller,
			BrandOwnerOrgID: aurora, RunID: "rules-1", Result: detect.Result{ListingID: c.listing, Score: c.score, Verdict: detect.CounterfeitSuspected,
				Outcome: detect.Queue, Features: detect.Features{Brand: "aurora"},
				Signals: []detect.Signal{{Kind: detect.SignalBrand, Brand: "aurora", Field: "title", Start: 0, End: 6, Text: c.title[:6], Weight: 1},
					{Kind: detect.SignalPrice, Brand: "aurora", Ratio: 0.12, Reference: "CNY 899.00", Source: "reference"},
					{Kind: detect.SignalImage, Brand: "aurora", Image: 1, ReferenceImage: "aurora-runner-side.jpg", Distance: 12}}}})
		if err != nil {
			t.Fatal(err)
		}
		out[c.listing] = l
	}
	return out
}

func TestLeadsQueueExplainsAndFilters(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "investigator")
	_, body, _ := c.get("/leads", "en")
	if !strings.Contains(body, "No open lead") {
		t.Errorf("empty queue: no empty state")
	}
	leads := f.recordLeads(t)
	status, body, _ := c.get("/leads", "en")
	if status != http.StatusOK {
		t.Fatalf("queue: %d", status)
	}
	i91, i64, i40 := strings.Index(body, "L-4-1"), strings.Index(body, "L-7-1"), strings.Index(body, "L-8-1")
	if i91 < 0 || i64 < i91 || i40 < i64 {
		t.Errorf("queue order: want by score 91, 64, 40")
	}
	for _, want := range []string{"<mark>AURORA</mark> &lt;fake&gt; runner &amp; co", "12% of the reference price CNY 899.00", "aurora-runner-side.jpg",
		`name="lead" value="` + leads["L-4-1"].ID + `"`, `name="action"`, `name="reason"`} {
		if !strings.Contains(body, want) {
			t.Errorf("queue lacks %q", want)
		}
	}
	_, body, _ = c.get("/leads?brand=nobrand", "zh-CN")
	if strings.Contains(body, "L-4-1") || !strings.Contains(body, "没有符合筛选条件的线索") && !strings.Contains(body, "没有待处理的线索") {
		t.Errorf("brand filter")
	}
	// A reviewer reads the queue but has no triage controls.
	r := f.login(t, "reviewer")
	_, body, _ = r.get("/leads", "en")
	if !strings.Contains(body, "L-4-1") || strings.Contains(body, `name="action"`) {
		t.Errorf("reviewer: should read the queue without triage controls")
	}
	// Detail page.
	status, body, _ = c.get("/leads/"+leads["L-4-1"].ID, "zh-CN")
	if status != http.StatusOK || !strings.Contains(body, "<mark>AURORA</mark>") || !strings.Contains(body, "rules-1") && !strings.Contains(body, "L-4-1") {
		t.Errorf("detail: %d", status)
	}
	if status, _, _ := f.login(t, "seller").get("/leads/"+leads["L-4-1"].ID, "en"); status != http.StatusNotFound {
		t.Errorf("a seller reading a lead: got %d, want 404", status)
	}
}

func TestLeadsBulkTriage(t *testing.T) {
	f := newFixture(t)
	leads := f.recordLeads(t)
	c := f.login(t, "investigator")

	// No reason for a dismissal: nothing changes, the selection and the
	// field are kept and named.
	status, body, _ := c.post("/leads/triage", url.Values{"lead": {leads["L-7-1"].ID, leads["L-8-1"].ID}, "action": {"dismiss"}, "reason": {""}}, "en")
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="t-reason"`) || !strings.Contains(body, `aria-describedby="t-reason-err"`) ||
		strings.Count(body, "checked") != 2 {
		t.Fatalf("no reason: %d, want 422 with the reason named and both leads still selected\n%s", status, body)
	}
	status, body, _ = c.post("/leads/triage", url.Values{"action": {"dismiss"}, "reason": {"x"}}, "en")
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Select at least one lead") {
		t.Errorf("nothing selected: %d", status)
	}
	status, body, _ = c.post("/leads/triage", url.Values{"lead": {leads["L-7-1"].ID, leads["L-8-1"].ID}, "action": {"dismiss"}, "reason": {"genuine resellers"}}, "en")
	if status != http.StatusOK || !strings.Contains(body, "Triage results") {
		t.Fatalf("dismiss: %d", status)
	}
	for _, id := range []string{leads["L-7-1"].ID, leads["L-8-1"].ID} {
		if l, _ := f.app.Lead(ctx, f.sys, id); l.State != app.LeadDismissed {
			t.Errorf("lead %s: %s, want dismissed", id, l.State)
		}
	}
	status, _, _ = c.post("/leads/triage", url.Values{"lead": {leads["L-4-1"].ID}, "action": {"send_to_brand"}, "reason": {"please confirm"}, "back": {"/leads/" + leads["L-4-1"].ID}}, "en")
	if l, _ := f.app.Lead(ctx, f.sys, leads["L-4-1"].ID); status != http.StatusOK || l.State != app.LeadSentToBrand {
		t.Errorf("send to brand: %d %s", status, l.State)
	}
	// The brand now sees it in its leads.
	_, body, _ = f.login(t, "owner").get("/leads?state=all", "en")
	if !strings.Contains(body, "L-4-1") || strings.Contains(body, "L-7-1") {
		t.Errorf("the brand's leads: want only the lead sent to it")
	}
	// A reviewer may not triage: the policy refuses each lead.
	if status, _, _ := f.login(t, "reviewer").post("/leads/triage", url.Values{"lead": {leads["L-4-1"].ID}, "action": {"dismiss"}, "reason": {"x"}}, "en"); status != http.StatusForbidden {
		t.Errorf("reviewer triage: got %d, want 403", status)
	}
}
