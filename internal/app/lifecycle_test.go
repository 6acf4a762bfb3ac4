package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/catalog"
	"github.com/dajia-project/dajia/internal/notice"
	"github.com/dajia-project/dajia/internal/registry"
	"github.com/dajia-project/dajia/internal/store"
	"github.com/dajia-project/dajia/internal/store/storetest"
)

// lc is a notice-and-takedown world on a fake clock: a platform with two
// reviewers, a verified rights holder with rights in several offices, and a
// seller whose listings the marketplace pushed.
type lc struct {
	t         testing.TB
	app       *app.App
	db        *store.DB
	clock     *clock
	sys       auth.Principal
	reviewer  auth.Principal
	reviewer2 auth.Principal
	market    auth.Principal
	brand     auth.Principal
	brandOrg  registry.Organisation
	seller    auth.Principal
	sellerID  string
	rights    map[string]string // name → right id
}

var fast = auth.PasswordParams{Memory: 1024, Time: 1, Threads: 1}

func newLC(t testing.TB, e storetest.Engine, start time.Time) *lc {
	t.Helper()
	db, _ := storetest.Open(t, e)
	c := &clock{now: start}
	a := app.New(db, nil, app.Options{Now: c.Now, Password: fast})
	w := &lc{t: t, app: a, db: db, clock: c, rights: map[string]string{}}
	platform, err := a.EnsurePlatform(bg, "Platform")
	w.must(err)
	w.sys = auth.System
	w.sys.OrgID = platform.ID
	mk := func(email string, role auth.Role) auth.Principal {
		u, err := a.CreateUser(bg, w.sys, app.NewUserInput{OrgID: platform.ID, Email: email, Password: "password-123", Role: role})
		w.must(err)
		return auth.Principal{UserID: u.ID, OrgID: platform.ID, OrgKind: registry.KindPlatform, OrgState: registry.OrgVerified, Role: role}
	}
	w.reviewer, w.reviewer2 = mk("rev1@p.example", auth.RoleReviewer), mk("rev2@p.example", auth.RoleReviewer)
	w.market = auth.Principal{KeyID: "key_market", OrgID: platform.ID, OrgKind: registry.KindPlatform, OrgState: registry.OrgVerified, Role: auth.RoleIntegration}
	w.brandOrg, w.brand = w.rightsHolder("Aurora Athletics Co., Ltd.", "aurora")
	for name, in := range map[string]registry.RightInput{
		"cn":   tm("CNIPA", "31245678", nil),
		"eu":   tm("EUIPO", "018234567", nil),
		"us":   tm("USPTO", "6123456", nil),
		"wipo": tm("WIPO", "1567890", []string{"CN", "DE", "FR", "US"}),
		"copy": {Type: registry.Copyright, Copyright: &registry.CopyrightDetails{WorkTitle: "Aurora catalogue photos", WorkType: "photograph"}},
	} {
		r, err := a.CreateRight(bg, w.brand, in)
		w.must(err)
		_, err = a.ReviewRight(bg, w.reviewer, r.ID, registry.Verify, "")
		w.must(err)
		w.rights[name] = r.ID
	}
	w.sellerID = "S-1001"
	res, err := a.PutSeller(bg, w.market, w.sellerID, catalog.SellerInput{ID: w.sellerID, Name: "Putian Sneaker World", Country: "CN"})
	w.must(err)
	w.seller = auth.Principal{UserID: "usr_seller", OrgID: res.Seller.OrgID, OrgKind: registry.KindSeller, OrgState: registry.OrgVerified, Role: auth.RoleOwner}
	return w
}

func tm(office, number string, territories []string) registry.RightInput {
	return registry.RightInput{Type: registry.Trademark, Trademark: &registry.TrademarkDetails{Office: office, RegistrationNumber: number,
		MarkText: "AURORA", NiceClasses: []int{25}, RegisteredOn: registry.NewDate(2018, 1, 1), ExpiresOn: registry.NewDate(2034, 1, 1)},
		Territories: territories, Certificates: []registry.DocRef{{DocumentID: "doc_cert_aurora"}}}
}

func (w *lc) must(err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
}

// rightsHolder registers and verifies a rights holder, returning its owner.
func (w *lc) rightsHolder(name, slug string) (registry.Organisation, auth.Principal) {
	w.t.Helper()
	o, u, err := w.app.Register(bg, app.Registration{Kind: registry.KindRightsHolder,
		Details: registry.OrgDetails{LegalName: name, Country: "CN", RegistrationNumber: "REG-" + slug, Address: "1 Road",
			Contact: registry.Contact{Name: "Desk", Email: slug + "@brand.example"}},
		Owner: app.NewUserInput{Email: slug + "-owner@brand.example", Password: "password-123"}})
	w.must(err)
	p := auth.Principal{UserID: u.ID, OrgID: o.ID, OrgKind: o.Kind, OrgState: o.State, Role: auth.RoleOwner}
	// Documents are attached directly in the store: the evidence files are not the subject here.
	for _, role := range []registry.DocRole{registry.DocBusinessLicence, registry.DocRepresentativeID, registry.DocCertificate} {
		w.must(w.db.Tx(bg, func(tx *store.Tx) error {
			return tx.InsertDocument(bg, registry.Document{ID: "doc_" + string(role)[:4] + "_" + slug, OrgID: o.ID, SHA256: strings.Repeat("a", 64), Size: 1,
				MediaType: "application/pdf", Filename: "x.pdf", UploadedBy: u.ID, CreatedAt: w.clock.Now()})
		}))
	}
	_, err = w.app.UpdateOrg(bg, p, o.ID, app.OrgUpdate{Documents: []registry.DocRef{{Role: registry.DocBusinessLicence, DocumentID: "doc_busi_" + slug},
		{Role: registry.DocRepresentativeID, DocumentID: "doc_repr_" + slug}}})
	w.must(err)
	_, err = w.app.SubmitOrg(bg, p, o.ID)
	w.must(err)
	o, err = w.app.ReviewOrg(bg, w.reviewer, o.ID, registry.Verify, "")
	w.must(err)
	p.OrgState = o.State
	return o, p
}

// listing pushes a listing offered in the given markets.
func (w *lc) listing(id string, markets ...string) {
	w.t.Helper()
	doc, _ := json.Marshal(map[string]any{"id": id, "seller_id": w.sellerID, "title": "AURORA running shoes " + id,
		"price": map[string]any{"amount": "99.00", "currency": "CNY"}, "category": "shoes", "brand": "Aurora",
		"url": "https://market.example/item/" + id, "ship_from": map[string]any{"country": "CN"}, "markets": markets,
		"updated_at": w.clock.Now().Format(time.RFC3339)})
	l, err := catalog.ParseListing(doc, w.clock.Now())
	w.must(err)
	_, err = w.app.PutListing(bg, w.market, id, l)
	w.must(err)
}

// attest confirms every attestation of the given profiles in its version.
func (w *lc) attest(profiles ...string) map[string]string {
	out := map[string]string{}
	for _, pid := range profiles {
		p, err := w.app.Profiles().Profile(pid)
		w.must(err)
		for k, a := range p.Notice.AttestationTexts {
			out[k] = a.Version
		}
	}
	return out
}

func (w *lc) file(right, infringement string, listings []string, profiles ...string) app.NoticeReceipt {
	w.t.Helper()
	in := app.NoticeInput{RightID: w.rights[right], InfringementType: infringement, Explanation: "These are counterfeits of our goods.",
		Signature: "Li Wei", Attestations: w.attest(profiles...)}
	for _, l := range listings {
		in.Items = append(in.Items, app.NoticeItemInput{ListingID: l})
	}
	rc, err := w.app.FileNotice(bg, w.brand, in)
	w.must(err)
	return rc
}

func (w *lc) item(id string) app.ItemView {
	w.t.Helper()
	v, err := w.app.Item(bg, w.sys, id)
	w.must(err)
	return v
}

// actions lists the enforcement actions in the outbox, in order.
func (w *lc) actions() []app.Action {
	w.t.Helper()
	msgs, _, err := w.db.Outbox(bg, "", false, store.Page{Limit: 500})
	w.must(err)
	var out []app.Action
	for _, m := range msgs {
		if strings.HasPrefix(m.Topic, "action.") {
			var a app.Action
			w.must(json.Unmarshal(m.Payload, &a))
			out = append(out, a)
		}
	}
	return out
}

func actionTypes(as []app.Action) string {
	var s []string
	for _, a := range as {
		s = append(s, a.Type+fmt.Sprint(a.Territories))
	}
	return strings.Join(s, " ")
}

// advance moves the clock and fires what fell due.
func (w *lc) advance(to time.Time) int {
	w.t.Helper()
	w.clock.Set(to)
	n, err := w.app.FireDueTimers(bg, to)
	w.must(err)
	return n
}

func deadline(v app.ItemView, kind string) app.Deadline {
	for _, d := range v.Deadlines {
		if d.Kind == kind && d.Status == "pending" {
			return d
		}
	}
	return app.Deadline{}
}

func (w *lc) counterCN(itemID string) app.ItemView {
	w.t.Helper()
	v, err := w.app.SubmitCounterNotice(bg, w.seller, itemID, app.CounterInput{
		Fields:    map[string]string{"identity_real": "Putian Sneaker World", "contact": "shop@putian.example"},
		Statement: "These shoes are our own design; see the attached purchase invoices.", Attestations: w.attestCounter("cn-ecl")})
	w.must(err)
	return v
}

func (w *lc) attestCounter(pid string) map[string]string {
	p, err := w.app.Profiles().Profile(pid)
	w.must(err)
	out := map[string]string{}
	for k, a := range p.CounterNotice.Attestations {
		out[k] = a.Version
	}
	return out
}

var shanghai, _ = time.LoadLocation("Asia/Shanghai")
var newYork, _ = time.LoadLocation("America/New_York")

func TestLifecycleCNRestoreAtEndOfFifteenthDayAcrossNationalDay(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			w := newLC(t, e, time.Date(2026, 9, 16, 10, 0, 0, 0, shanghai))
			w.listing("L-1", "CN")
			rc := w.file("cn", "counterfeit", []string{"L-1"}, "cn-ecl")
			if len(rc.Items) != 1 || rc.Items[0].State != "actioned" {
				t.Fatalf("receipt: got %+v, want one actioned item (cn-ecl acts on qualification)", rc.Items)
			}
			itemID := rc.Items[0].ID
			if got := actionTypes(w.actions()); got != "remove_listing[CN]" {
				t.Fatalf("actions: got %s", got)
			}
			// The seller's declaration arrives on 17 September and is forwarded at once.
			w.clock.Set(time.Date(2026, 9, 17, 15, 0, 0, 0, shanghai))
			v := w.counterCN(itemID)
			if v.State != "counter_forwarded" {
				t.Fatalf("after declaration: got %s, want counter_forwarded", v.State)
			}
			d := deadline(v, "restore")
			// Day 15 is 2 October, inside the National Day holiday (1–7 October):
			// the period ends at 24:00 on 8 October (CC 203).
			want := time.Date(2026, 10, 9, 0, 0, 0, 0, shanghai)
			if !d.DueAt.Equal(want) || d.Calendar != "CN_WD" && d.Calendar != "CD" || d.RuleRef == "" || d.CalendarVersion == "" {
				t.Fatalf("restore deadline: got %+v, want %s with calendar, version and rule", d, want)
			}
			// 48 hours before, both sides are reminded; one second before, nothing restores.
			if n := w.advance(want.Add(-time.Second)); n != 1 || w.item(itemID).State != "counter_forwarded" {
				t.Fatalf("one second early: fired %d (want only the reminder), state %s", n, w.item(itemID).State)
			}
			w.advance(want)
			if s := w.item(itemID).State; s != "restored" {
				t.Fatalf("at the deadline: got %s, want restored", s)
			}
			if got := actionTypes(w.actions()); got != "remove_listing[CN] restore_listing[CN]" {
				t.Errorf("actions: got %s", got)
			}
			if n := w.advance(want.Add(time.Hour)); n != 0 {
				t.Errorf("timers fired again: %d", n)
			}
			reg, _, err := w.app.PublicRegister(bg, store.Page{Limit: 50})
			w.must(err)
			kinds := map[string]bool{}
			for _, e := range reg {
				kinds[e.Kind] = true
			}
			if !kinds["notice"] || !kinds["result"] {
				t.Errorf("ECL 44 register: got %+v, want notice and result entries", reg)
			}
			// The notifier was told the deadline date in both languages.
			msgs, _, err := w.app.Inbox(bg, w.brand, store.Page{Limit: 50})
			w.must(err)
			var told, reminded bool
			for _, m := range msgs {
				reminded = reminded || m.Template == "deadline.reminder"
				if m.Template == "counter.restore_deadline" && strings.Contains(m.BodyEN, "8 October 2026 24:00") && strings.Contains(m.BodyZH, "2026年10月8日 24:00") {
					told = true
				}
			}
			if !told || !reminded {
				t.Errorf("notifier not told the deadline (%v) or not reminded (%v): %+v", told, reminded, msgs)
			}
		})
	}
}

func TestLifecycleCNProofOfLawsuitHolds(t *testing.T) {
	w := newLC(t, storetest.Engines()[0], time.Date(2026, 9, 1, 10, 0, 0, 0, shanghai))
	w.listing("L-2", "CN")
	itemID := w.file("cn", "counterfeit", []string{"L-2"}, "cn-ecl").Items[0].ID
	w.clock.Set(time.Date(2026, 9, 5, 9, 0, 0, 0, shanghai))
	v := w.counterCN(itemID)
	due := deadline(v, "restore").DueAt
	// 5 September + 15 days = Sunday 20 September, a 调休 working day: no roll-over.
	if want := time.Date(2026, 9, 21, 0, 0, 0, 0, shanghai); !due.Equal(want) {
		t.Fatalf("restore deadline: got %s, want %s", due, want)
	}
	w.clock.Set(due.Add(-24 * time.Hour))
	w.must(w.db.Tx(bg, func(tx *store.Tx) error {
		return tx.InsertDocument(bg, registry.Document{ID: "doc_lawsuit", OrgID: w.brandOrg.ID, SHA256: strings.Repeat("b", 64), Size: 1,
			MediaType: "application/pdf", Filename: "受理通知书.pdf", UploadedBy: w.brand.UserID, CreatedAt: w.clock.Now()})
	}))
	v, err := w.app.FileProceedings(bg, w.brand, itemID, app.ProceedingsInput{Kind: "lawsuit_filed", Reference: "(2026)沪0115民初12345号", EvidenceIDs: []string{"doc_lawsuit"}})
	w.must(err)
	if v.State != "held_pending_proceedings" {
		t.Fatalf("after proof: got %s", v.State)
	}
	w.advance(due.Add(time.Hour))
	if s := w.item(itemID).State; s != "held_pending_proceedings" {
		t.Fatalf("after the deadline: got %s, want still held", s)
	}
	if got := actionTypes(w.actions()); got != "remove_listing[CN]" {
		t.Errorf("actions: got %s, want no restoration", got)
	}
	// A second counter-notice on the item is refused and changes nothing.
	if _, err := w.app.SubmitCounterNotice(bg, w.seller, itemID, app.CounterInput{Statement: "again", Attestations: w.attestCounter("cn-ecl")}); err == nil {
		t.Error("a second counter-notice was accepted")
	}
}

func TestLifecycleDMCARestoresAfterTenBusinessDaysNotBefore(t *testing.T) {
	// Counter-notice received Wednesday 18 November 2026; Thanksgiving is 26 November.
	w := newLC(t, storetest.Engines()[0], time.Date(2026, 11, 16, 10, 0, 0, 0, newYork))
	w.listing("L-3", "US")
	rc := w.file("copy", "copyright", []string{"L-3"}, "us-dmca-512")
	itemID := rc.Items[0].ID
	if rc.Items[0].State != "actioned" || rc.Items[0].Profiles[0] != "us-dmca-512" {
		t.Fatalf("receipt: %+v", rc.Items)
	}
	w.clock.Set(time.Date(2026, 11, 18, 11, 0, 0, 0, newYork))
	v, err := w.app.SubmitCounterNotice(bg, w.seller, itemID, app.CounterInput{
		Fields:    map[string]string{"signature": "Chen Jie", "name_address_phone": "Chen Jie, 1 Market St, Putian, +86 594 000000"},
		Statement: "Removed by mistake: the photos are our own.", Attestations: w.attestCounter("us-dmca-512")})
	w.must(err)
	d := deadline(v, "restore")
	// Business days after receipt: 19, 20, 23, 24, 25, 27, 30 Nov, 1, 2, 3 Dec (26 Nov is a holiday).
	opens := time.Date(2026, 12, 4, 0, 0, 0, 0, newYork)
	if !d.DueAt.Equal(opens) || d.LatestAt.IsZero() || !d.LatestAt.After(opens) {
		t.Fatalf("restore window: got %+v, want opening %s", d, opens)
	}
	w.advance(opens.Add(-time.Minute))
	if s := w.item(itemID).State; s != "counter_forwarded" {
		t.Fatalf("before 10 business days: got %s", s)
	}
	w.advance(opens)
	if s := w.item(itemID).State; s != "restored" {
		t.Fatalf("after 10 business days: got %s, want restored", s)
	}
	if got := actionTypes(w.actions()); got != "remove_listing[US] restore_listing[US]" {
		t.Errorf("actions: got %s", got)
	}
}

var _ = bytes.NewReader

func (w *lc) decide(p auth.Principal, itemID string, outcome string, unfounded bool) app.ItemView {
	w.t.Helper()
	v, err := w.app.Decide(bg, p, itemID, app.DecisionInput{Outcome: notice.Outcome(outcome), Reason: "Regulation (EU) 2017/1001 Art. 9(2)(a)",
		Explanation: "Identical sign for identical goods without consent.", ManifestlyUnfounded: unfounded})
	w.must(err)
	return v
}

func TestLifecycleEUStatementComplaintReversedBySecondReviewer(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			w := newLC(t, e, time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
			w.listing("L-4", "DE")
			rc := w.file("eu", "counterfeit", []string{"L-4"}, "eu-dsa")
			itemID := rc.Items[0].ID
			if rc.Items[0].State != "under_review" {
				t.Fatalf("eu-dsa acts after review: got %s", rc.Items[0].State)
			}
			if len(w.actions()) != 0 {
				t.Fatalf("an action before any decision: %s", actionTypes(w.actions()))
			}
			q, err := w.app.ReviewQueue(bg, w.reviewer, 10)
			w.must(err)
			if len(q) != 1 || q[0].ID != itemID {
				t.Fatalf("review queue: %+v", q)
			}
			_, err = w.app.ClaimItem(bg, w.reviewer, itemID)
			w.must(err)
			if q, _ := w.app.ReviewQueue(bg, w.reviewer2, 10); len(q) != 0 {
				t.Errorf("a claimed item is offered to another reviewer: %+v", q)
			}
			v := w.decide(w.reviewer, itemID, "action", false)
			if v.State != "actioned" || len(v.Statements) != 1 {
				t.Fatalf("after decision: state %s, %d statements", v.State, len(v.Statements))
			}
			st := v.Statements[0]
			if err := st.Validate(); err != nil {
				t.Fatalf("statement of reasons: %v", err)
			}
			if got := strings.Join(st.TerritorialScope, ","); got != "DE" {
				t.Errorf("territorial scope: got %s, want DE only", got)
			}
			if acts := w.actions(); len(acts) != 1 || acts[0].StatementOfReasonsID != st.ID {
				t.Errorf("remove action must link its statement: %+v", acts)
			}
			// The seller complains; the reviewer who decided may not decide the complaint.
			w.clock.Set(w.clock.Now().Add(72 * time.Hour))
			_, err = w.app.FileComplaint(bg, w.seller, itemID, "", "We are an authorised reseller; invoice attached.", nil)
			w.must(err)
			if _, err := w.app.DecideComplaint(bg, w.reviewer, itemID, "reversed", "authorised reseller", nil); err == nil || !strings.Contains(err.Error(), "another reviewer") {
				t.Fatalf("same reviewer deciding the complaint: got %v", err)
			}
			v, err = w.app.DecideComplaint(bg, w.reviewer2, itemID, "reversed", "The seller showed it is an authorised reseller.", nil)
			w.must(err)
			if v.State != "restored" {
				t.Fatalf("after reversal: got %s, want restored", v.State)
			}
			if got := actionTypes(w.actions()); got != "remove_listing[DE] restore_listing[DE]" {
				t.Errorf("actions: %s", got)
			}
			strikes, err := w.app.Strikes(bg, w.seller, w.sellerID)
			w.must(err)
			if len(strikes.Strikes) != 1 || strikes.Strikes[0].Status != "voided" {
				t.Errorf("strike after reversal: %+v, want one voided", strikes.Strikes)
			}
			// The DSA export of every statement validates against the schema.
			if n := validateAllTDB(t, w); n != 1 {
				t.Errorf("statements: got %d, want 1", n)
			}
		})
	}
}

func TestLifecycleTwoProfilesMeasuresPerTerritory(t *testing.T) {
	w := newLC(t, storetest.Engines()[0], time.Date(2026, 9, 1, 10, 0, 0, 0, shanghai))
	w.listing("L-5", "CN", "DE")
	rc := w.file("wipo", "counterfeit", []string{"L-5"}, "cn-ecl", "eu-dsa")
	it := rc.Items[0]
	if strings.Join(it.Profiles, ",") != "cn-ecl,eu-dsa" {
		t.Fatalf("profiles: %v", it.Profiles)
	}
	// cn-ecl acts at once in CN; eu-dsa waits for review in DE.
	if got := actionTypes(w.actions()); got != "remove_listing[CN]" {
		t.Fatalf("before review: %s", got)
	}
	w.decide(w.reviewer, it.ID, "action", false)
	if got := actionTypes(w.actions()); got != "remove_listing[CN] remove_listing[DE]" {
		t.Fatalf("after review: %s", got)
	}
	// A Chinese declaration restores CN after its clock; DE stays removed.
	w.clock.Set(time.Date(2026, 9, 8, 10, 0, 0, 0, shanghai))
	v := w.counterCN(it.ID)
	w.advance(deadline(v, "restore").DueAt)
	v = w.item(it.ID)
	if got := actionTypes(w.actions()); got != "remove_listing[CN] remove_listing[DE] restore_listing[CN]" {
		t.Fatalf("after the CN clock: %s (state %s)", got, v.State)
	}
	if m := v.Case.ActiveMeasures(""); len(m) != 1 || m[0].Profile != "eu-dsa" {
		t.Errorf("active measures: %+v, want the eu-dsa one only", m)
	}
	if n := validateAllTDB(t, w); n != 1 {
		t.Errorf("statements: got %d, want 1 (for DE only)", n)
	}
}

func TestTrustedNotifiersAreReviewedFirst(t *testing.T) {
	w := newLC(t, storetest.Engines()[0], time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC))
	// A new notifier files first...
	newOrg, newcomer := w.rightsHolder("Newcomer Brand Ltd.", "newcomer")
	r, err := w.app.CreateRight(bg, newcomer, registry.RightInput{Type: registry.Trademark, Trademark: &registry.TrademarkDetails{Office: "EUIPO",
		RegistrationNumber: "018999999", MarkText: "NEW", NiceClasses: []int{25}, RegisteredOn: registry.NewDate(2020, 1, 1), ExpiresOn: registry.NewDate(2030, 1, 1)},
		Certificates: []registry.DocRef{{DocumentID: "doc_cert_newcomer"}}})
	w.must(err)
	_, err = w.app.ReviewRight(bg, w.reviewer, r.ID, registry.Verify, "")
	w.must(err)
	_ = newOrg
	// ...while Aurora builds a record of 25 accepted notices.
	var ids []string
	for i := 0; i < 25; i++ {
		id := fmt.Sprintf("L-T%02d", i)
		w.listing(id, "DE")
		ids = append(ids, id)
	}
	for _, it := range w.file("eu", "counterfeit", ids, "eu-dsa").Items {
		w.decide(w.reviewer, it.ID, "action", false)
	}
	if n := validateAllTDB(t, w); n != 25 {
		t.Errorf("statements: got %d, want 25", n)
	}
	acc, err := w.app.Accuracy(bg, w.brand, "")
	w.must(err)
	if len(acc) != 1 || acc[0].Accuracy.Lane != "trusted" {
		t.Fatalf("Aurora's accuracy: %+v, want the trusted lane", acc)
	}
	w.clock.Set(w.clock.Now().Add(time.Hour))
	w.listing("L-N", "DE")
	newItem, err := w.app.FileNotice(bg, newcomer, app.NoticeInput{RightID: r.ID, InfringementType: "counterfeit", Explanation: "fake",
		Attestations: w.attest("eu-dsa"), Items: []app.NoticeItemInput{{ListingID: "L-N"}}})
	w.must(err)
	w.clock.Set(w.clock.Now().Add(time.Hour))
	w.listing("L-A", "DE")
	aurora := w.file("eu", "counterfeit", []string{"L-A"}, "eu-dsa")
	q, err := w.app.ReviewQueue(bg, w.reviewer, 10)
	w.must(err)
	if len(q) != 2 || q[0].ID != aurora.Items[0].ID || !q[0].Trusted || q[1].ID != newItem.Items[0].ID {
		t.Fatalf("queue: got %+v, want the trusted notifier's later item first", q)
	}
	// The trusted lane carries lighter evidence: no explanation needed; a
	// newcomer without one is asked to complete its notice.
	w.listing("L-A2", "DE")
	w.listing("L-N2", "DE")
	light, err := w.app.FileNotice(bg, w.brand, app.NoticeInput{RightID: w.rights["eu"], InfringementType: "counterfeit",
		Attestations: w.attest("eu-dsa"), Items: []app.NoticeItemInput{{ListingID: "L-A2"}}})
	w.must(err)
	heavy, err := w.app.FileNotice(bg, newcomer, app.NoticeInput{RightID: r.ID, InfringementType: "counterfeit",
		Attestations: w.attest("eu-dsa"), Items: []app.NoticeItemInput{{ListingID: "L-N2"}}})
	w.must(err)
	if light.Items[0].State != "under_review" || heavy.Items[0].State != "incomplete" {
		t.Errorf("without an explanation: trusted %s, newcomer %s; want under_review and incomplete", light.Items[0].State, heavy.Items[0].State)
	}
}

func TestNotifierMisuseWarningThenSuspension(t *testing.T) {
	w := newLC(t, storetest.Engines()[0], time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC))
	var ids []string
	for i := 0; i < 12; i++ {
		id := fmt.Sprintf("L-M%02d", i)
		w.listing(id, "DE")
		ids = append(ids, id)
	}
	items := w.file("eu", "counterfeit", ids, "eu-dsa").Items
	for i, it := range items[:10] {
		w.decide(w.reviewer, it.ID, "no_action", true)
		msgs, _, _ := w.app.Inbox(bg, w.brand, store.Page{Limit: 100})
		warned := false
		for _, m := range msgs {
			warned = warned || m.Template == "notifier.misuse"
		}
		if warned != (i == 9) {
			t.Fatalf("after %d unfounded notices: warned=%v, want a warning at the 10th only", i+1, warned)
		}
	}
	// The next unfounded notice suspends processing: new notices are refused.
	w.decide(w.reviewer, items[10].ID, "no_action", true)
	w.listing("L-M99", "DE")
	_, err := w.app.FileNotice(bg, w.brand, app.NoticeInput{RightID: w.rights["eu"], InfringementType: "counterfeit", Explanation: "x",
		Attestations: w.attest("eu-dsa"), Items: []app.NoticeItemInput{{ListingID: "L-M99"}}})
	if err == nil || !strings.Contains(err.Error(), "suspended") {
		t.Fatalf("notice while suspended: got %v, want refused", err)
	}
	// After the 30 days the notifier may file again.
	w.clock.Set(w.clock.Now().AddDate(0, 0, 31))
	if _, err := w.app.FileNotice(bg, w.brand, app.NoticeInput{RightID: w.rights["eu"], InfringementType: "counterfeit", Explanation: "x",
		Attestations: w.attest("eu-dsa"), Items: []app.NoticeItemInput{{ListingID: "L-M99"}}}); err != nil {
		t.Fatalf("after the suspension: %v", err)
	}
}
