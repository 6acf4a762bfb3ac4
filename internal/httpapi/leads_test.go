package httpapi

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/catalog"
	"github.com/dajia-project/dajia/internal/detect"
	"github.com/dajia-project/dajia/internal/store/storetest"
)

// worldLeads are the detection leads of the world: four of A's brand sent
// to A (to read, to confirm, to dismiss and to answer) and one whose
// brand's owner is unknown.
type worldLeads struct {
	sent, confirm, dismiss, answer, unowned string
}

// pushListing sends a listing of the world's seller offered in market.
func (w *world) pushListing(listingID, market string) {
	w.t.Helper()
	doc := fmt.Sprintf(`{"id":%q,"seller_id":%q,"title":"A sneakers 高仿","price":{"amount":"99.00","currency":"CNY"},"category":"shoes","markets":[%q],"updated_at":%q}`,
		listingID, w.sellerID, market, w.app.Now().Format(time.RFC3339))
	l, err := catalog.ParseListing([]byte(doc), w.app.Now())
	w.must(err)
	_, err = w.app.PutListing(ctx, w.sys, listingID, l)
	w.must(err)
}

// recordLead records a lead on version 1 of a listing as the detection
// worker does; ownerID is the brand's owner ("" when unknown).
func (w *world) recordLead(listingID string, score int, ownerID string) string {
	w.t.Helper()
	l, _, err := w.app.RecordLead(ctx, w.sys, app.LeadInput{ListingID: listingID, ListingVersion: 1, ListingTitle: "A sneakers 高仿", SellerID: w.sellerID,
		BrandID: "a", BrandOwnerOrgID: ownerID, RunID: "rules-1", Result: detect.Result{ListingID: listingID, Score: score, Verdict: detect.CounterfeitSuspected,
			Signals: []detect.Signal{{Kind: detect.SignalSlang, Field: "title", Start: 11, End: 17, Text: "高仿"}},
			Rules:   []detect.RuleHit{{ID: "slang", Version: 1, State: detect.Live, Score: score}}}})
	w.must(err)
	return l.ID
}

func (w *world) buildLeads() {
	w.t.Helper()
	w.pushListing("L-5", "DE")
	w.leads = worldLeads{
		sent:    w.recordLead("L-20", 60, w.orgA.ID),
		confirm: w.recordLead("L-5", 95, w.orgA.ID),
		dismiss: w.recordLead("L-21", 70, w.orgA.ID),
		answer:  w.recordLead("L-22", 80, w.orgA.ID),
		unowned: w.recordLead("L-23", 90, ""),
	}
	for _, id := range []string{w.leads.sent, w.leads.confirm, w.leads.dismiss, w.leads.answer} {
		_, err := w.app.SendLeadToBrand(ctx, w.sys, id, "")
		w.must(err)
	}
}

// TestLeadsAPI walks a lead through the API: the investigators' queue, a
// confirmation that becomes an actioned item with a statement of reasons
// and an action, and a lead sent to the brand that appears in its portal
// and that it answers.
func TestLeadsAPI(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			w := newWorld(t, e)
			inv, aOwner := w.ids["investigator"], w.ids["aOwner"]
			w.pushListing("L-30", "DE")
			w.pushListing("L-31", "CN")
			top := w.recordLead("L-30", 99, w.orgA.ID)
			ask := w.recordLead("L-31", 97, w.orgA.ID)

			call := func(id *identity, method, path string, body any, wantStatus int, out any) {
				t.Helper()
				status, raw := w.request(id, method, path, body)
				if status != wantStatus {
					t.Fatalf("%s %s as %s: got %d (%s), want %d", method, path, id.name, status, short(raw), wantStatus)
				}
				if out != nil {
					if err := json.Unmarshal(raw, out); err != nil {
						t.Fatalf("%s %s: %v", method, path, err)
					}
				}
			}

			// The queue: open leads by score, highest first, paged.
			var queue List[app.Lead]
			call(inv, "GET", "/api/v1/leads?state=open&limit=1", nil, 200, &queue)
			if len(queue.Items) != 1 || queue.Items[0].ID != top || queue.NextCursor == "" {
				t.Fatalf("first page: got %+v, want lead %s (99) and a cursor", queue, top)
			}
			call(inv, "GET", "/api/v1/leads?state=open&limit=1&cursor="+queue.NextCursor, nil, 200, &queue)
			if len(queue.Items) != 1 || queue.Items[0].ID != ask {
				t.Fatalf("second page: got %+v, want lead %s (97)", queue.Items, ask)
			}
			call(inv, "GET", "/api/v1/leads?state=bogus", nil, 422, nil)
			call(inv, "GET", "/api/v1/leads?cursor=nonsense", nil, 422, nil)
			call(inv, "GET", "/api/v1/leads?sent_to_me=perhaps", nil, 422, nil)
			call(inv, "POST", "/api/v1/leads/"+top+"/confirm", map[string]string{}, 422, nil)

			// Confirmed: an actioned platform item with a statement of reasons and a removal.
			var l app.Lead
			call(inv, "POST", "/api/v1/leads/"+top+"/confirm", map[string]string{"reason": "Replica sneakers sold as A"}, 200, &l)
			if l.State != app.LeadConfirmed || l.ItemID == "" {
				t.Fatalf("confirmed lead: got %+v", l)
			}
			var it app.ItemView
			call(w.ids["admin"], "GET", "/api/v1/items/"+l.ItemID, nil, 200, &it)
			if it.State != "actioned" || it.Case.Source != "own_initiative" || len(it.Statements) != 1 || it.Statements[0].SourceType != "SOURCE_VOLUNTARY" {
				t.Fatalf("item: got state %s source %s statements %+v", it.State, it.Case.Source, it.Statements)
			}
			// The marketplace receives the removal in its pull feed once the outbox is published.
			_, err := w.db.FanOut(ctx, w.app.Now(), 1000)
			w.must(err)
			var feed app.ActionFeed
			call(w.ids["integration"], "GET", "/api/v1/actions?limit=500", nil, 200, &feed)
			removed := false
			for _, raw := range feed.Actions {
				var act app.Action
				w.must(json.Unmarshal(raw, &act))
				removed = removed || act.Type == "remove_listing" && act.ListingID == "L-30" && act.NoticeItemID == it.ID &&
					act.StatementOfReasonsID == it.Statements[0].ID
			}
			if !removed {
				t.Errorf("actions feed: no remove_listing of L-30 for item %s with its statement", it.ID)
			}
			// The seller sees its item, not the lead.
			call(w.ids["seller"], "GET", "/api/v1/items/"+l.ItemID, nil, 200, nil)
			call(w.ids["seller"], "GET", "/api/v1/leads/"+top, nil, 404, nil)

			// Sent to the brand: it appears in A's portal and inbox, nowhere else.
			call(inv, "POST", "/api/v1/leads/"+ask+"/send-to-brand", map[string]string{"note": "is this yours?"}, 200, &l)
			var mine List[app.Lead]
			call(aOwner, "GET", "/api/v1/leads?sent_to_me=true", nil, 200, &mine)
			found := false
			for _, x := range mine.Items {
				found = found || x.ID == ask
				if x.Rules != nil {
					t.Errorf("the brand sees the platform's rules on %s: %+v", x.ID, x.Rules)
				}
			}
			if !found {
				t.Errorf("A's leads: %s missing from %+v", ask, mine.Items)
			}
			var inbox List[app.InboxMessage]
			call(aOwner, "GET", "/api/v1/inbox?limit=50", nil, 200, &inbox)
			told := false
			for _, m := range inbox.Items {
				told = told || m.Template == "lead.sent_to_brand" && m.ItemID == ask
			}
			if !told {
				t.Errorf("A's inbox: no lead.sent_to_brand message for %s", ask)
			}
			var theirs List[app.Lead]
			call(w.ids["bOwner"], "GET", "/api/v1/leads?sent_to_me=true", nil, 200, &theirs)
			if len(theirs.Items) != 0 {
				t.Errorf("B's leads: got %d, want none", len(theirs.Items))
			}
			call(w.ids["bOwner"], "GET", "/api/v1/leads/"+ask, nil, 404, nil)
			call(w.ids["bOwner"], "POST", "/api/v1/leads/"+ask+"/brand-answer", map[string]any{"confirm": true}, 404, nil)
			call(aOwner, "POST", "/api/v1/leads/"+ask+"/brand-answer", map[string]any{"note": "?"}, 422, nil)

			// A confirms: a platform case waits for review.
			call(aOwner, "POST", "/api/v1/leads/"+ask+"/brand-answer", map[string]any{"confirm": true, "note": "fake logo"}, 200, &l)
			if l.State != app.LeadBrandConfirmed || l.ItemID == "" || l.Counterfeit == nil || !*l.Counterfeit {
				t.Fatalf("brand-confirmed lead: got %+v", l)
			}
			call(w.ids["admin"], "GET", "/api/v1/items/"+l.ItemID, nil, 200, &it)
			if it.State != "under_review" {
				t.Errorf("item after the brand's confirmation: got %s, want under_review", it.State)
			}

			// Bulk: one dismissed, one refused for its state, one unknown.
			var bulk leadTriageResponse
			call(inv, "POST", "/api/v1/leads:triage", map[string]any{"ids": []string{w.leads.unowned, ask, "led_nope"}, "action": "dismiss", "reason": "genuine"}, 200, &bulk)
			var got []string
			for _, r := range bulk.Results {
				got = append(got, fmt.Sprintf("%s %s %d", r.LeadID, r.State, r.Status))
			}
			want := []string{w.leads.unowned + " dismissed 200", ask + "  409", "led_nope  404"}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("bulk results: got %q, want %q", got, want)
			}
			call(inv, "POST", "/api/v1/leads:triage", map[string]any{"ids": []string{}, "action": "dismiss", "reason": "x"}, 422, nil)
		})
	}
}
