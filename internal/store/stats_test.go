package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/dajia-project/dajia/internal/store"
	"github.com/dajia-project/dajia/internal/store/storetest"
)

func TestWeeklyStats(t *testing.T) {
	ctx := context.Background()
	from := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC) // a Monday
	us := func(t time.Time) int64 { return t.UnixMicro() }
	for _, e := range storetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			db, _ := storetest.Open(t, e)
			item := func(id, notifier, seller, state, profiles string, received, updated time.Time) {
				t.Helper()
				if err := db.Exec(ctx, `INSERT INTO items (id, notice_id, listing_id, listing_version, right_id, seller_id, seller_org_id, notifier_org_id, state, open,
					duplicate_of, trusted, profiles, sla_due_at, claimed_by, claimed_until, rev, doc, received_at, updated_at)
					VALUES ($1, '', 'L', 1, 'r', 'S', $2, $3, $4, 0, '', 0, $5, 0, '', 0, 1, '{}', $6, $7)`,
					id, seller, notifier, state, profiles, us(received), us(updated)); err != nil {
					t.Fatal(err)
				}
			}
			item("i1", "brandA", "sellerX", "actioned", ",cn-ecl,", from.Add(time.Hour), from.Add(2*time.Hour))
			item("i2", "brandA", "sellerY", "restored", ",cn-ecl,eu-dsa,", from.AddDate(0, 0, 8), from.AddDate(0, 0, 15))
			item("i3", "brandB", "sellerX", "under_review", ",us-dmca-512,", from.AddDate(0, 0, 9), from.AddDate(0, 0, 9))
			item("old", "brandA", "sellerX", "actioned", ",cn-ecl,", from.AddDate(0, 0, -1), from.AddDate(0, 0, -1))
			if err := db.Exec(ctx, `INSERT INTO audit_log (seq, at, actor_id, actor_org_id, automated, action, object_type, object_id, org_id, before_state, after_state, reason, prev_hash, hash)
				VALUES (1, $1, 'u', 'p', 0, 'item.decide', 'item', 'i1', '', '', '', '', '', ''), (2, $2, 'u', 'p', 0, 'item.decide', 'item', 'i2', '', '', '', '', '', ''),
				(3, $2, 'u', 'p', 0, 'item.claim', 'item', 'i3', '', '', '', '', '', '')`, us(from.Add(5*time.Hour)), us(from.AddDate(0, 0, 10))); err != nil {
				t.Fatal(err)
			}
			if err := db.Exec(ctx, `INSERT INTO strikes (id, seller_id, seller_org_id, item_id, profile, status, created_at, updated_at)
				VALUES ('s1', 'S', 'sellerX', 'i1', 'cn-ecl', 'confirmed', $1, $1)`, us(from.Add(3*time.Hour))); err != nil {
				t.Fatal(err)
			}
			all, err := db.WeeklyStats(ctx, store.StatsFilter{From: from, Weeks: 3})
			if err != nil {
				t.Fatal(err)
			}
			sum := func(cs []store.WeekCount, week int) int {
				n := 0
				for _, c := range cs {
					if c.Week == week {
						n += c.N
					}
				}
				return n
			}
			if sum(all.Received, 0) != 1 || sum(all.Received, 1) != 2 || sum(all.Received, -1) != 0 || len(all.Decisions) != 2 ||
				all.Decisions[0].Week != 0 || all.Decisions[0].Duration != 4*time.Hour || all.Decisions[1].Week != 1 || sum(all.Restored, 2) != 1 {
				t.Errorf("platform: %+v", all)
			}
			a, err := db.WeeklyStats(ctx, store.StatsFilter{Notifier: "brandA", From: from, Weeks: 3})
			if err != nil {
				t.Fatal(err)
			}
			if sum(a.Received, 1) != 1 || len(a.Decisions) != 2 || len(a.Outcomes) != 2 {
				t.Errorf("brandA: %+v", a)
			}
			x, err := db.WeeklyStats(ctx, store.StatsFilter{SellerOrg: "sellerX", From: from, Weeks: 3})
			if err != nil {
				t.Fatal(err)
			}
			if sum(x.Received, 0) != 1 || sum(x.Received, 1) != 1 || len(x.Decisions) != 1 || len(x.Strikes) != 1 || x.Strikes[0].Key != "confirmed" {
				t.Errorf("sellerX: %+v", x)
			}
		})
	}
}
