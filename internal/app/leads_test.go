package app_test

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/detect"
	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/notice"
	"github.com/dajia-project/dajia/internal/registry"
	"github.com/dajia-project/dajia/internal/store"
	"github.com/dajia-project/dajia/internal/store/storetest"
)

var leadT0 = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

// leads is the lifecycle world with an investigator and a second rights holder.
type leads struct {
	*lc
	inv   auth.Principal
	other auth.Principal // another rights holder
}

func newLeads(t *testing.T, e storetest.Engine) *leads {
	t.Helper()
	w := &leads{lc: newLC(t, e, leadT0)}
	u, err := w.app.CreateUser(bg, w.sys, app.NewUserInput{OrgID: w.sys.OrgID, Email: "inv@p.example", Password: "password-123", Role: auth.RoleInvestigator})
	w.must(err)
	w.inv = auth.Principal{UserID: u.ID, OrgID: w.sys.OrgID, OrgKind: registry.KindPlatform, OrgState: registry.OrgVerified, Role: auth.RoleInvestigator}
	_, w.other = w.rightsHolder("Borealis Sports Ltd.", "borealis")
	return w
}

// record pushes a listing offered in markets and records its lead as the
// detection worker does; owned says whether the brand's owner is known.
func (w *leads) record(listingID string, score int, owned bool, markets ...string) app.Lead {
	w.t.Helper()
	w.listing(listingID, markets...)
	in := app.LeadInput{ListingID: listingID, ListingVersion: 1, ListingTitle: "AURORA running shoes " + listingID, SellerID: w.sellerID,
		RunID: "rules-7", Result: detect.Result{ListingID: listingID, Score: score, Verdict: detect.CounterfeitSuspected, Outcome: detect.Queue,
			Signals: []detect.Signal{{Kind: detect.SignalBrand, Brand: "aurora", Field: "title", Start: 0, End: 6, Text: "AURORA", Context: "none", Weight: 1},
				{Kind: detect.SignalPrice, Brand: "aurora", Ratio: 0.11, Reference: "CNY 899.00", Source: "reference"}},
			Rules:    []detect.RuleHit{{ID: "brand_cheap", Version: 3, State: detect.Live, Score: score}},
			Features: detect.Features{Brand: "aurora"}}}
	if owned {
		in.BrandOwnerOrgID = w.brandOrg.ID
	}
	l, created, err := w.app.RecordLead(bg, w.sys, in)
	w.must(err)
	if !created {
		w.t.Fatalf("lead of %s not created", listingID)
	}
	return l
}

func TestLeadRecordOncePerListingVersion(t *testing.T) {
	w := newLeads(t, storetest.Engines()[0])
	l := w.record("L-1", 80, true, "CN")
	if l.BrandID != "aurora" || l.State != app.LeadOpen || l.SellerOrgID != w.seller.OrgID || l.Counterfeit != nil || len(l.Signals) != 2 {
		t.Errorf("recorded lead: got %+v, want open, brand aurora from the features, the seller's organisation, two signals, no label", l)
	}
	again, created, err := w.app.RecordLead(bg, w.sys, app.LeadInput{ListingID: "L-1", ListingVersion: 1, SellerID: w.sellerID,
		Result: detect.Result{Score: 99, Features: detect.Features{Brand: "aurora"}}})
	w.must(err)
	if created || again.ID != l.ID || again.Score != 80 {
		t.Errorf("second record of L-1 v1: got created %v id %s score %d, want the first lead %s (score 80) again", created, again.ID, again.Score, l.ID)
	}
	_, _, err = w.app.RecordLead(bg, w.sys, app.LeadInput{ListingID: "L-1", ListingVersion: 2, SellerID: w.sellerID, BrandOwnerOrgID: w.seller.OrgID})
	var inv *fault.Invalid
	if !errors.As(err, &inv) {
		t.Errorf("a seller as brand owner: got %v, want invalid", err)
	}
	if _, _, err := w.app.RecordLead(bg, w.brand, app.LeadInput{ListingID: "L-1", ListingVersion: 3, SellerID: w.sellerID}); !errors.Is(err, fault.ErrForbidden) {
		t.Errorf("a rights holder recording a lead: got %v, want forbidden", err)
	}
}

func TestLeadConfirmActsWithStatementOfReasons(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			w := newLeads(t, e)
			de := w.record("L-DE", 92, true, "DE")
			cn := w.record("L-CN", 85, false, "CN")

			queue, _, err := w.app.Leads(bg, w.inv, app.LeadQuery{State: app.LeadOpen}, store.Page{})
			w.must(err)
			if len(queue) != 2 || queue[0].ID != de.ID || queue[1].ID != cn.ID {
				t.Fatalf("queue: got %v, want L-DE (92) then L-CN (85)", leadIDs(queue))
			}
			if _, err := w.app.ConfirmLead(bg, w.reviewer, de.ID, "replica"); !errors.Is(err, fault.ErrForbidden) {
				t.Errorf("a reviewer confirming: got %v, want forbidden (investigators triage)", err)
			}

			got, err := w.app.ConfirmLead(bg, w.inv, de.ID, "Replica AURORA sneakers at 11% of the reference price")
			w.must(err)
			if got.State != app.LeadConfirmed || got.ItemID == "" || got.Counterfeit == nil || !*got.Counterfeit || got.LabelSource != app.LabelReviewer ||
				got.DecidedBy != w.inv.UserID {
				t.Fatalf("confirmed lead: got %+v", got)
			}
			it := w.item(got.ItemID)
			if it.State != string(notice.StateActioned) || it.Case.Source != notice.SourceOwnInitiative || !it.Case.AutomatedDetection ||
				it.NotifierOrgID != "" || it.ListingID != "L-DE" || it.ListingVersion != 1 || it.SellerOrgID != w.seller.OrgID {
				t.Fatalf("item: got state %s source %s automated %v notifier %q listing %s v%d", it.State, it.Case.Source, it.Case.AutomatedDetection,
					it.NotifierOrgID, it.ListingID, it.ListingVersion)
			}
			if it.Case.Decision == nil || it.Case.Decision.ReviewerID != w.inv.UserID || it.Case.Decision.Automated {
				t.Errorf("decision: got %+v, want the investigator's human decision", it.Case.Decision)
			}
			if it.RightID != w.rights["eu"] && it.RightID != w.rights["wipo"] {
				t.Errorf("right: got %q, want one of the brand's trademarks valid in DE", it.RightID)
			}
			if len(it.Statements) != 1 {
				t.Fatalf("statements: got %d, want 1 (eu-dsa)", len(it.Statements))
			}
			st := it.Statements[0]
			if st.SourceType != "SOURCE_VOLUNTARY" || !st.AutomatedDetection || st.AutomatedDecision != "AUTOMATED_DECISION_NOT_AUTOMATED" {
				t.Errorf("statement: got source %s, automated detection %v, decision %s", st.SourceType, st.AutomatedDetection, st.AutomatedDecision)
			}
			acts := w.actions()
			if got := actionTypes(acts); got != "remove_listing[DE]" {
				t.Fatalf("actions: got %s, want remove_listing[DE]", got)
			}
			if acts[0].NoticeItemID != it.ID || acts[0].StatementOfReasonsID != st.ID || acts[0].ListingID != "L-DE" {
				t.Errorf("action: got %+v, want item %s and statement %s", acts[0], it.ID, st.ID)
			}
			// The seller was told, with the statement.
			msgs, _, err := w.app.Inbox(bg, w.seller, store.Page{Limit: 50})
			w.must(err)
			if !slices.ContainsFunc(msgs, func(m app.InboxMessage) bool {
				return m.Template == "decision.statement_of_reasons" && m.ItemID == it.ID
			}) {
				t.Errorf("seller's inbox: no statement of reasons for %s in %+v", it.ID, msgs)
			}
			if _, err := w.app.ConfirmLead(bg, w.inv, de.ID, "again"); !errors.Is(err, fault.ErrState) {
				t.Errorf("confirming twice: got %v, want a state error", err)
			}

			// No brand owner: resolved over the listing's own market.
			got, err = w.app.ConfirmLead(bg, w.inv, cn.ID, "counterfeit slang 高仿 and a price far below reference")
			w.must(err)
			if it := w.item(got.ItemID); it.State != string(notice.StateActioned) || it.RightID != "" || it.Case.Scopes[0].Profile != "cn-ecl" {
				t.Errorf("item of the unowned lead: got state %s right %q scopes %+v, want actioned under cn-ecl without a right", it.State, it.RightID, it.Case.Scopes)
			}
			if got := actionTypes(w.actions()); got != "remove_listing[DE] remove_listing[CN]" {
				t.Errorf("actions: got %s", got)
			}
			labels, err := w.app.Labels(bg)
			w.must(err)
			if diff := cmp.Diff(map[string]bool{"L-DE": true, "L-CN": true}, labels); diff != "" {
				t.Errorf("labels (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLeadConfirmRefusedChangesNothing(t *testing.T) {
	w := newLeads(t, storetest.Engines()[0])
	l := w.record("L-X", 70, false, "BR") // no profile covers Brazil
	if _, err := w.app.ConfirmLead(bg, w.inv, l.ID, "fake"); !errors.Is(err, fault.ErrState) {
		t.Fatalf("confirm with no profile: got %v, want a state error", err)
	}
	got, err := w.app.Lead(bg, w.inv, l.ID)
	w.must(err)
	if got.State != app.LeadOpen || got.ItemID != "" || got.Rev != 0 {
		t.Errorf("lead after a refused confirmation: got %+v, want it open and unchanged", got)
	}
	if items, _, err := w.app.Items(bg, w.sys, app.ItemQuery{ListingID: "L-X"}, store.Page{}); err != nil || len(items) != 0 {
		t.Errorf("items of L-X: got %d (%v), want none", len(items), err)
	}
	if _, err := w.app.ConfirmLead(bg, w.inv, l.ID, " "); err == nil {
		t.Error("confirm without a reason: accepted")
	}
}

func TestLeadDismissLabelsGenuine(t *testing.T) {
	w := newLeads(t, storetest.Engines()[0])
	l := w.record("L-1", 60, true, "CN")
	got, err := w.app.DismissLead(bg, w.inv, l.ID, "authorised reseller's clearance sale")
	w.must(err)
	if got.State != app.LeadDismissed || got.Counterfeit == nil || *got.Counterfeit || got.LabelSource != app.LabelReviewer || got.ItemID != "" {
		t.Errorf("dismissed lead: got %+v", got)
	}
	if n := len(w.actions()); n != 0 {
		t.Errorf("actions after a dismissal: got %d, want none", n)
	}
	labels, err := w.app.Labels(bg)
	w.must(err)
	if diff := cmp.Diff(map[string]bool{"L-1": false}, labels); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
	if _, err := w.app.SendLeadToBrand(bg, w.inv, l.ID, ""); !errors.Is(err, fault.ErrState) {
		t.Errorf("sending a dismissed lead: got %v, want a state error", err)
	}
}

func TestLeadSentToBrand(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			w := newLeads(t, e)
			yes := w.record("L-1", 75, true, "CN")
			no := w.record("L-2", 65, true, "CN")
			unowned := w.record("L-3", 90, false, "CN")

			// Before it is sent, the brand does not see it.
			if _, err := w.app.Lead(bg, w.brand, yes.ID); !errors.Is(err, fault.ErrNotFound) {
				t.Errorf("brand reading an unsent lead: got %v, want not found", err)
			}
			if _, err := w.app.SendLeadToBrand(bg, w.inv, unowned.ID, ""); !errors.Is(err, fault.ErrState) {
				t.Errorf("sending a lead whose brand has no known owner: got %v, want a state error", err)
			}
			for _, l := range []app.Lead{yes, no} {
				got, err := w.app.SendLeadToBrand(bg, w.inv, l.ID, "Please check the sole pattern")
				w.must(err)
				if got.State != app.LeadSentToBrand || got.SentBy != w.inv.UserID || got.SentAt.IsZero() {
					t.Fatalf("sent lead: got %+v", got)
				}
			}
			msgs, _, err := w.app.Inbox(bg, w.brand, store.Page{Limit: 50})
			w.must(err)
			var asked []string
			for _, m := range msgs {
				if m.Template == "lead.sent_to_brand" {
					asked = append(asked, m.ItemID)
					if !strings.Contains(m.BodyEN, "Please check the sole pattern") || !strings.Contains(m.BodyEN, "score ") || m.BodyZH == "" {
						t.Errorf("message: got %q", m.BodyEN)
					}
				}
			}
			if len(asked) != 2 {
				t.Errorf("brand's inbox: got lead messages %v, want two", asked)
			}

			// The brand sees exactly the leads sent to it, without the platform's rules.
			mine, _, err := w.app.Leads(bg, w.brand, app.LeadQuery{SentToMe: true}, store.Page{})
			w.must(err)
			if diff := cmp.Diff([]string{yes.ID, no.ID}, leadIDs(mine)); diff != "" {
				t.Errorf("brand's leads (-want +got):\n%s", diff)
			}
			if mine[0].Rules != nil || mine[0].RunID != "" || mine[0].SentBy != "" || len(mine[0].Signals) != 2 {
				t.Errorf("brand's view: got rules %v run %q sent by %q signals %d; want the evidence without the platform's internals",
					mine[0].Rules, mine[0].RunID, mine[0].SentBy, len(mine[0].Signals))
			}
			// Nobody else does.
			for name, p := range map[string]auth.Principal{"another rights holder": w.other, "the seller": w.seller} {
				if _, err := w.app.Lead(bg, p, yes.ID); !errors.Is(err, fault.ErrNotFound) {
					t.Errorf("%s reading the lead: got %v, want not found", name, err)
				}
				if _, err := w.app.AnswerLead(bg, p, yes.ID, true, ""); !errors.Is(err, fault.ErrNotFound) {
					t.Errorf("%s answering the lead: got %v, want not found", name, err)
				}
			}
			theirs, _, err := w.app.Leads(bg, w.other, app.LeadQuery{SentToMe: true}, store.Page{})
			w.must(err)
			if len(theirs) != 0 {
				t.Errorf("another rights holder's leads: got %v, want none", leadIDs(theirs))
			}
			if _, _, err := w.app.Leads(bg, w.seller, app.LeadQuery{}, store.Page{}); !errors.Is(err, fault.ErrForbidden) {
				t.Errorf("a seller listing leads: got %v, want forbidden", err)
			}
			if _, err := w.app.AnswerLead(bg, w.inv, yes.ID, true, ""); !errors.Is(err, fault.ErrForbidden) {
				t.Errorf("an investigator answering for the brand: got %v, want forbidden", err)
			}

			// The brand confirms one: a platform case waits for a reviewer.
			got, err := w.app.AnswerLead(bg, w.brand, yes.ID, true, "Not our product: fake sole and logo")
			w.must(err)
			if got.State != app.LeadBrandConfirmed || got.Counterfeit == nil || !*got.Counterfeit || got.LabelSource != app.LabelBrand || got.ItemID == "" {
				t.Fatalf("brand-confirmed lead: got %+v", got)
			}
			it := w.item(got.ItemID)
			if it.State != string(notice.StateUnderReview) || it.Case.Source != notice.SourceOwnInitiative || len(it.Filings) != 1 ||
				it.Filings[0].Kind != "brand_confirmation" || it.Filings[0].OrgID != w.brandOrg.ID {
				t.Fatalf("item after the brand's confirmation: got state %s source %s filings %+v", it.State, it.Case.Source, it.Filings)
			}
			queue, err := w.app.ReviewQueue(bg, w.reviewer, 50)
			w.must(err)
			if !slices.ContainsFunc(queue, func(s app.ItemSummary) bool { return s.ID == it.ID }) {
				t.Errorf("review queue: %s missing", it.ID)
			}
			v, err := w.app.Decide(bg, w.reviewer, it.ID, app.DecisionInput{Outcome: notice.OutcomeAction, Reason: "confirmed by the rights holder"})
			w.must(err)
			if v.State != string(notice.StateActioned) || actionTypes(w.actions()) != "remove_listing[CN]" {
				t.Errorf("reviewer's decision: got %s with actions %s", v.State, actionTypes(w.actions()))
			}

			// The brand rejects the other.
			got, err = w.app.AnswerLead(bg, w.brand, no.ID, false, "Genuine stock from our outlet")
			w.must(err)
			if got.State != app.LeadBrandRejected || got.Counterfeit == nil || *got.Counterfeit || got.ItemID != "" {
				t.Errorf("brand-rejected lead: got %+v", got)
			}
			if _, err := w.app.AnswerLead(bg, w.brand, no.ID, true, "changed our mind"); !errors.Is(err, fault.ErrState) {
				t.Errorf("answering twice: got %v, want a state error", err)
			}
			labels, err := w.app.Labels(bg)
			w.must(err)
			if diff := cmp.Diff(map[string]bool{"L-1": true, "L-2": false}, labels); diff != "" {
				t.Errorf("labels (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLeadBulkTriage(t *testing.T) {
	w := newLeads(t, storetest.Engines()[0])
	a, b, c := w.record("L-1", 90, true, "CN"), w.record("L-2", 80, true, "DE"), w.record("L-3", 70, false, "BR")
	if _, err := w.app.DismissLead(bg, w.inv, b.ID, "genuine"); err != nil {
		t.Fatal(err)
	}
	res, err := w.app.ConfirmLeads(bg, w.inv, []string{a.ID, "led_missing", b.ID, c.ID}, "replicas")
	w.must(err)
	var got []string
	for _, r := range res {
		got = append(got, r.LeadID+" "+string(r.State)+" "+strconv.Itoa(r.Status))
	}
	want := []string{a.ID + " confirmed 200", "led_missing  404", b.ID + "  409", c.ID + "  409"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	if res[0].ItemID == "" || actionTypes(w.actions()) != "remove_listing[CN]" {
		t.Errorf("bulk confirmation: item %q, actions %s; want one item removed in CN", res[0].ItemID, actionTypes(w.actions()))
	}
	if l, _ := w.app.Lead(bg, w.inv, c.ID); l.State != app.LeadOpen || l.Rev != 0 {
		t.Errorf("refused lead: got %s rev %d, want open and unchanged", l.State, l.Rev)
	}
	if _, err := w.app.TriageLeads(bg, w.inv, []string{c.ID}, "escalate", "x"); err == nil {
		t.Error("unknown bulk action: accepted")
	}
	if _, err := w.app.DismissLeads(bg, w.reviewer, []string{c.ID}, "x"); !errors.Is(err, fault.ErrForbidden) {
		t.Errorf("reviewer's bulk dismissal: got %v, want forbidden", err)
	}
}

func leadIDs(ls []app.Lead) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.ID)
	}
	return out
}
