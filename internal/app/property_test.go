package app_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/notice"
	"github.com/dajia-project/dajia/internal/policy"
	"github.com/dajia-project/dajia/internal/registry"
	"github.com/dajia-project/dajia/internal/store"
	"github.com/dajia-project/dajia/internal/store/storetest"
)

// TestRandomOperationsKeepTheLaw drives the whole notice service with
// seeded random sequences of filings, decisions, counter-notices, proofs,
// retractions, complaints and the passing of time, and checks after every
// step that no listing was ever removed without an actioning decision and
// that none stays removed past its restoration deadline without proof of
// proceedings.
func TestRandomOperationsKeepTheLaw(t *testing.T) {
	seeds := 8
	if testing.Short() {
		seeds = 2
	}
	for seed := 1; seed <= seeds; seed++ {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) { randomWalk(t, uint64(seed), 35) })
	}
}

func randomWalk(t *testing.T, seed uint64, steps int) {
	rng := rand.New(rand.NewPCG(seed, 99))
	w := newLC(t, storetest.Engines()[0], time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	markets := map[string][]string{"L-CN": {"CN"}, "L-DE": {"DE"}, "L-US": {"US"}, "L-MX": {"CN", "DE"}, "L-CN2": {"CN"}, "L-DE2": {"DE"}}
	rights := map[string][]string{"L-CN": {"cn", "wipo"}, "L-DE": {"eu", "wipo"}, "L-US": {"copy"}, "L-MX": {"wipo"}, "L-CN2": {"cn"}, "L-DE2": {"eu"}}
	ids := []string{"L-CN", "L-CN2", "L-DE", "L-DE2", "L-MX", "L-US"}
	for _, id := range ids {
		w.listing(id, markets[id]...)
	}
	w.must(w.db.Tx(bg, func(tx *store.Tx) error {
		return tx.InsertDocument(bg, registry.Document{ID: "doc_proof", OrgID: w.brandOrg.ID, SHA256: strings.Repeat("c", 64), Size: 1,
			MediaType: "application/pdf", Filename: "proof.pdf", UploadedBy: w.brand.UserID, CreatedAt: w.clock.Now()})
	}))
	var items []string
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	var log []string
	for step := 0; step < steps; step++ {
		op := rng.IntN(8)
		var err error
		switch {
		case op == 0 || len(items) == 0:
			l := pick(ids)
			right := pick(rights[l])
			typ := "counterfeit"
			if right == "copy" {
				typ = "copyright"
			}
			var rc app.NoticeReceipt
			rc, err = w.app.FileNotice(bg, w.brand, app.NoticeInput{RightID: w.rights[right], InfringementType: typ, Explanation: "fake",
				Signature: "Li Wei", Attestations: w.attest("cn-ecl", "eu-dsa", "us-dmca-512"), Items: []app.NoticeItemInput{{ListingID: l}}})
			if err != nil && strings.Contains(err.Error(), "no profile of this notice asks") {
				// Only the attestations of the item's profiles may be given: retry with exactly those.
				rc, err = w.fileExact(l, right, typ)
			}
			if err == nil {
				items = append(items, rc.Items[0].ID)
			}
			log = append(log, fmt.Sprintf("file %s/%s: %v", l, right, err))
		case op == 1:
			id := pick(items)
			outcome := []string{"action", "no_action"}[rng.IntN(2)]
			_, err = w.app.Decide(bg, w.reviewer, id, app.DecisionInput{Outcome: notice.Outcome(outcome), Reason: "review"})
			log = append(log, fmt.Sprintf("decide %s %s: %v", id, outcome, err))
		case op == 2:
			id := pick(items)
			v := w.item(id)
			in := app.CounterInput{Statement: "genuine", Fields: map[string]string{"identity_real": "Shop", "contact": "shop@x.example",
				"signature": "Chen", "name_address_phone": "Chen, 1 St, +86 1"}}
			for _, s := range v.Case.Scopes {
				p, _ := w.app.Profiles().Profile(s.Profile)
				if p.CounterNotice.Type != "none" && p.CounterNotice.Type != "" {
					in.Profile = p.ID
					in.Attestations = w.attestCounter(p.ID)
					break
				}
			}
			_, err = w.app.SubmitCounterNotice(bg, w.seller, id, in)
			log = append(log, fmt.Sprintf("counter %s: %v", id, err))
		case op == 3:
			id := pick(items)
			_, err = w.app.FileProceedings(bg, w.brand, id, app.ProceedingsInput{Kind: pick([]string{"lawsuit_filed", "authority_complaint_filed", "court_action_seeking_restraint"}),
				Reference: "case 1", EvidenceIDs: []string{"doc_proof"}})
			log = append(log, fmt.Sprintf("proceedings %s: %v", id, err))
		case op == 4:
			id := pick(items)
			_, err = w.app.Retract(bg, w.brand, id, "settled")
			log = append(log, fmt.Sprintf("retract %s: %v", id, err))
		case op == 5:
			id := pick(items)
			_, err = w.app.FileComplaint(bg, w.seller, id, "", "please review again", nil)
			log = append(log, fmt.Sprintf("complaint %s: %v", id, err))
			if err == nil {
				_, err = w.app.DecideComplaint(bg, w.reviewer2, id, pick([]string{"upheld", "reversed"}), "second look", nil)
				log = append(log, fmt.Sprintf("complaint decided %s: %v", id, err))
			}
		default:
			d := time.Duration(1+rng.IntN(240)) * time.Hour
			n := w.advance(w.clock.Now().Add(d))
			log = append(log, fmt.Sprintf("advance %s: fired %d", d, n))
		}
		if err != nil && !expectedRefusal(err) {
			t.Fatalf("step %d: unexpected error %v\n%s", step, err, strings.Join(log, "\n"))
		}
		if msg := w.lawBroken(); msg != "" {
			t.Fatalf("step %d: %s\n%s", step, msg, strings.Join(log, "\n"))
		}
	}
}

// expectedRefusal reports a refusal the service gives on purpose (wrong
// state, window closed, listing already removed, a reviewer who decided).
func expectedRefusal(err error) bool {
	msg := err.Error()
	for _, s := range []string{"not possible now", "too late", "already removed", "duplicate", "counter-notice", "invalid input",
		"another reviewer", "not under review", "attempts", "no counter-notice procedure", "does not block", "by someone else"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// fileExact files a notice with exactly the attestations its profiles need.
func (w *lc) fileExact(listing, right, typ string) (app.NoticeReceipt, error) {
	var last error
	for _, set := range [][]string{{"cn-ecl"}, {"eu-dsa"}, {"us-dmca-512"}, {"cn-ecl", "eu-dsa"}} {
		rc, err := w.app.FileNotice(bg, w.brand, app.NoticeInput{RightID: w.rights[right], InfringementType: typ, Explanation: "fake",
			Signature: "Li Wei", Attestations: w.attest(set...), Items: []app.NoticeItemInput{{ListingID: listing}}})
		if err == nil {
			return rc, nil
		}
		last = err
	}
	return app.NoticeReceipt{}, last
}

// lawBroken checks the two invariants over every item and every action.
func (w *lc) lawBroken() string {
	now := w.clock.Now()
	recs, _, err := w.db.Items(bg, store.ItemFilter{}, store.Page{Limit: 500})
	w.must(err)
	byID := map[string]app.Item{}
	for _, rec := range recs {
		var it app.Item
		w.must(json.Unmarshal(rec.Doc, &it))
		byID[it.ID] = it
		c := it.Case
		for _, tm := range c.Timers {
			if tm.Kind != notice.TimerRestore || tm.DueAt.After(now) {
				continue
			}
			if tm.Status == notice.TimerStatusRunning {
				return fmt.Sprintf("item %s: restore deadline %s passed (now %s) and its timer still runs", it.ID, tm.DueAt, now)
			}
			held := false
			for _, p := range c.Proceedings {
				held = held || p.Profile == tm.Profile
			}
			if len(c.ActiveMeasures(tm.Profile)) > 0 && !held {
				return fmt.Sprintf("item %s: still removed under %s after its restoration deadline %s without proof of proceedings (state %s)", it.ID, tm.Profile, tm.DueAt, c.State)
			}
		}
	}
	for _, a := range w.actions() {
		if a.Type != "remove_listing" {
			continue
		}
		it, ok := byID[a.NoticeItemID]
		if !ok {
			return fmt.Sprintf("removal %s names no item", a.ID)
		}
		// A profile that acts on qualification decides by rule when the
		// notice qualifies; the others act on a reviewer's decision (or a
		// complaint's outcome).
		p, err := w.app.Profiles().Profile(a.Profile)
		w.must(err)
		byRule := p.Decision.Timing(it.Case.TrustedNotifier) == policy.TimingImmediate && !it.Case.QualifiedAt.IsZero()
		d := it.Case.Decision
		byDecision := d != nil && (d.Outcome == notice.OutcomeAction || len(it.Case.Complaints) > 0)
		if !byRule && !byDecision {
			return fmt.Sprintf("listing %s removed under %s (item %s) without an actioning decision", a.ListingID, a.Profile, it.ID)
		}
	}
	return ""
}
