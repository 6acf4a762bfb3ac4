package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/store"
	"github.com/dajia-project/dajia/internal/store/storetest"
)

func lead(id, listing string, version, score int, created time.Time) store.LeadRecord {
	return store.LeadRecord{ID: id, RunID: "rules-v1", ListingID: listing, ListingVersion: version, ListingTitle: "NIKE 高仿 " + listing,
		SellerID: "S1", BrandID: "nike", Score: score, Verdict: "counterfeit_suspected", Outcome: "queue",
		Signals: []byte(`[{"kind":"brand","brand":"nike"}]`), Rules: []byte(`[{"id":"slang","version":1,"state":"live","score":40}]`),
		State: "open", CreatedAt: created, UpdatedAt: created}
}

func TestLeadOnePerListingVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		insert := func(l store.LeadRecord) bool {
			t.Helper()
			var ok bool
			if err := db.Tx(ctx, func(tx *store.Tx) (err error) { ok, err = tx.InsertLead(ctx, l); return err }); err != nil {
				t.Fatal(err)
			}
			return ok
		}
		first := lead("led_1", "L1", 1, 80, catalogT0)
		first.BrandOwnerOrgID = "org_brand"
		if !insert(first) {
			t.Fatal("first lead of L1 v1 not stored")
		}
		if insert(lead("led_2", "L1", 1, 95, catalogT0.Add(time.Minute))) {
			t.Error("a second lead of L1 v1 was stored; want the first kept")
		}
		if !insert(lead("led_3", "L1", 2, 60, catalogT0.Add(time.Hour))) {
			t.Error("the lead of L1 v2 was not stored")
		}
		got, err := db.LeadByListingVersion(ctx, "L1", 1)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(first, got); diff != "" {
			t.Errorf("stored lead (-want +got):\n%s", diff)
		}
		if _, err := db.Lead(ctx, "led_2"); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("lead led_2: got %v, want not found", err)
		}
	})
}

func TestLeadUpdateAndLabels(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(db.Tx(ctx, func(tx *store.Tx) error {
			for _, l := range []store.LeadRecord{lead("led_a", "LA", 1, 90, catalogT0), lead("led_b", "LB", 1, 70, catalogT0)} {
				if _, err := tx.InsertLead(ctx, l); err != nil {
					return err
				}
			}
			return nil
		}))
		yes, no := true, false
		must(db.Tx(ctx, func(tx *store.Tx) error {
			l, err := tx.LeadForUpdate(ctx, "led_a")
			if err != nil {
				return err
			}
			l.State, l.Counterfeit, l.LabelSource, l.LabelledAt = "confirmed", &yes, "reviewer", catalogT0.Add(2*time.Hour)
			l.DecidedBy, l.DecidedAt, l.Reason, l.ItemID, l.Rev = "usr_inv", catalogT0.Add(2*time.Hour), "replica sneakers", "itm_1", 1
			return tx.UpdateLead(ctx, l, 0)
		}))
		must(db.Tx(ctx, func(tx *store.Tx) error {
			l, err := tx.LeadForUpdate(ctx, "led_b")
			if err != nil {
				return err
			}
			l.State, l.Counterfeit, l.LabelSource, l.LabelledAt, l.Rev = "brand_rejected", &no, "brand", catalogT0.Add(time.Hour), 1
			return tx.UpdateLead(ctx, l, 0)
		}))
		// A stale revision is refused.
		err := db.Tx(ctx, func(tx *store.Tx) error {
			l, err := tx.LeadForUpdate(ctx, "led_a")
			if err != nil {
				return err
			}
			l.State, l.Rev = "dismissed", 1
			return tx.UpdateLead(ctx, l, 0)
		})
		if !errors.Is(err, fault.ErrConflict) {
			t.Errorf("update from a stale revision: got %v, want a conflict", err)
		}
		got, err := db.Lead(ctx, "led_a")
		must(err)
		if got.State != "confirmed" || got.Counterfeit == nil || !*got.Counterfeit || got.ItemID != "itm_1" || got.Rev != 1 {
			t.Errorf("led_a: got state %s counterfeit %v item %q rev %d, want confirmed true itm_1 1", got.State, got.Counterfeit, got.ItemID, got.Rev)
		}
		labels, err := db.LeadLabels(ctx)
		must(err)
		want := []store.LeadLabel{
			{ListingID: "LB", ListingVersion: 1, Counterfeit: false, Source: "brand", LabelledAt: catalogT0.Add(time.Hour)},
			{ListingID: "LA", ListingVersion: 1, Counterfeit: true, Source: "reviewer", LabelledAt: catalogT0.Add(2 * time.Hour)},
		}
		if diff := cmp.Diff(want, labels); diff != "" {
			t.Errorf("labels (-want +got):\n%s", diff)
		}
	})
}

func TestLeadQueueOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		// Scores and ages chosen so that id order, age order and score order all differ.
		in := []store.LeadRecord{
			lead("led_1", "L1", 1, 50, catalogT0),
			lead("led_2", "L2", 1, 90, catalogT0.Add(3*time.Minute)),
			lead("led_3", "L3", 1, 90, catalogT0.Add(1*time.Minute)),
			lead("led_4", "L4", 1, 70, catalogT0.Add(2*time.Minute)),
			lead("led_5", "L5", 1, 90, catalogT0.Add(1*time.Minute)),
			lead("led_6", "L6", 1, 99, catalogT0.Add(9*time.Minute)),
		}
		in[3].BrandID = "adidas"
		in[4].State = "dismissed"
		in[5].State, in[5].BrandOwnerOrgID, in[5].SentAt = "sent_to_brand", "org_nike", catalogT0.Add(10*time.Minute)
		err := db.Tx(ctx, func(tx *store.Tx) error {
			for _, l := range in {
				if _, err := tx.InsertLead(ctx, l); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		ids := func(f store.LeadFilter, limit int) []string {
			t.Helper()
			var out []string
			p := store.Page{Limit: limit}
			for range 10 {
				rows, next, err := db.Leads(ctx, f, p)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range rows {
					out = append(out, r.ID)
				}
				if next == "" {
					return out
				}
				p.After = next
			}
			t.Fatal("pagination does not end")
			return nil
		}
		for _, tc := range []struct {
			name  string
			f     store.LeadFilter
			limit int
			want  []string
		}{
			{"all", store.LeadFilter{}, 50, []string{"led_6", "led_3", "led_5", "led_2", "led_4", "led_1"}},
			{"pages of two", store.LeadFilter{}, 2, []string{"led_6", "led_3", "led_5", "led_2", "led_4", "led_1"}},
			{"pages of one", store.LeadFilter{}, 1, []string{"led_6", "led_3", "led_5", "led_2", "led_4", "led_1"}},
			{"open", store.LeadFilter{States: []string{"open"}}, 50, []string{"led_3", "led_2", "led_4", "led_1"}},
			{"brand", store.LeadFilter{BrandID: "nike", States: []string{"open"}}, 50, []string{"led_3", "led_2", "led_1"}},
			{"sent to nike's owner", store.LeadFilter{SentTo: "org_nike"}, 50, []string{"led_6"}},
			{"sent to another", store.LeadFilter{SentTo: "org_other"}, 50, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if diff := cmp.Diff(tc.want, ids(tc.f, tc.limit)); diff != "" {
					t.Errorf("queue (-want +got):\n%s", diff)
				}
			})
		}
		for _, bad := range []string{"x", "1.2", "a.b.c", fmt.Sprintf("%d..", 5)} {
			var inv *fault.Invalid
			if _, _, err := db.Leads(ctx, store.LeadFilter{}, store.Page{After: bad}); !errors.As(err, &inv) {
				t.Errorf("cursor %q: got %v, want invalid", bad, err)
			}
		}
	})
}
