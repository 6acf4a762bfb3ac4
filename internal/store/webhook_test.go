package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dajia-project/dajia/internal/fault"
	"github.com/dajia-project/dajia/internal/registry"
	"github.com/dajia-project/dajia/internal/store"
	"github.com/dajia-project/dajia/internal/store/storetest"
)

var wt0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

const testSecret = "whsec_ZGFqaWEtd2ViaG9vay10ZXN0LWtleS0zMi1ieXRlcyE="

// webhookWorld makes the marketplace organisation and the given endpoints
// (id → topics); an id ending in "-paused" is created disabled.
func webhookWorld(t *testing.T, db *store.DB, endpoints map[string][]string) {
	t.Helper()
	ctx := context.Background()
	err := db.Tx(ctx, func(tx *store.Tx) error {
		o := registry.Organisation{ID: "org_market", Kind: registry.KindPlatform, LegalName: "Marketplace", Country: "CN",
			State: registry.OrgVerified, Documents: []registry.DocRef{}, CreatedAt: wt0, UpdatedAt: wt0}
		if err := tx.InsertOrg(ctx, o); err != nil {
			return err
		}
		for id, topics := range endpoints {
			e := store.WebhookEndpoint{ID: id, OrgID: "org_market", URL: "https://market.example/hooks/" + id, Topics: topics,
				Enabled: !strings.HasSuffix(id, "-paused"), CreatedAt: wt0, UpdatedAt: wt0}
			if err := tx.InsertWebhookEndpoint(ctx, e, testSecret); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// enqueue commits one message per topic (object ids obj-0, obj-1, ...
// unless objects are given) and returns their ids.
func enqueue(t *testing.T, db *store.DB, at time.Time, topics []string, objects ...string) []string {
	t.Helper()
	ctx := context.Background()
	var ids []string
	err := db.Tx(ctx, func(tx *store.Tx) error {
		for i, topic := range topics {
			obj := fmt.Sprintf("obj-%d", i)
			if i < len(objects) {
				obj = objects[i]
			}
			m, err := tx.Enqueue(ctx, topic, obj, []byte(fmt.Sprintf(`{"n":%d}`, i)), at.Add(time.Duration(i)*time.Microsecond))
			if err != nil {
				return err
			}
			ids = append(ids, m.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func fanOut(t *testing.T, db *store.DB, now time.Time) store.FanOutResult {
	t.Helper()
	r, err := db.FanOut(context.Background(), now, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// deliveriesByEndpoint maps endpoint id → topics of its deliveries, sorted.
func deliveriesByEndpoint(t *testing.T, db *store.DB) map[string][]string {
	t.Helper()
	ds, _, err := db.WebhookDeliveries(context.Background(), store.DeliveryFilter{}, store.Page{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, d := range ds {
		out[d.EndpointID] = append(out[d.EndpointID], d.Topic)
	}
	for _, v := range out {
		sort.Strings(v)
	}
	return out
}

func TestWebhookEndpointRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		webhookWorld(t, db, map[string][]string{"whe_a": {"action.*"}, "whe_b": {"*"}})
		got, err := db.WebhookEndpoint(ctx, "whe_a")
		if err != nil {
			t.Fatal(err)
		}
		want := store.WebhookEndpoint{ID: "whe_a", OrgID: "org_market", URL: "https://market.example/hooks/whe_a", Topics: []string{"action.*"},
			Enabled: true, CreatedAt: wt0, UpdatedAt: wt0}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("endpoint (-want +got):\n%s", diff)
		}
		js, _ := json.Marshal(got)
		if strings.Contains(string(js), "whsec_") {
			t.Fatalf("endpoint JSON reveals the secret: %s", js)
		}
		got.Enabled, got.DisabledReason, got.Topics, got.UpdatedAt = false, "maintenance", []string{"action.remove_listing"}, wt0.Add(time.Hour)
		if err := db.Tx(ctx, func(tx *store.Tx) error { return tx.UpdateWebhookEndpoint(ctx, got) }); err != nil {
			t.Fatal(err)
		}
		again, _ := db.WebhookEndpoint(ctx, "whe_a")
		if diff := cmp.Diff(got, again); diff != "" {
			t.Fatalf("after update (-want +got):\n%s", diff)
		}
		list, next, err := db.WebhookEndpoints(ctx, "org_market", store.Page{Limit: 1})
		if err != nil || len(list) != 1 || list[0].ID != "whe_a" || next != "whe_a" {
			t.Fatalf("first page: got %v %q %v, want whe_a and a cursor", list, next, err)
		}

		// Deleting ends the endpoint's pending deliveries and hides it.
		enqueue(t, db, wt0, []string{"action.warn_seller"})
		fanOut(t, db, wt0)
		var ended int
		err = db.Tx(ctx, func(tx *store.Tx) (err error) {
			ended, err = tx.DeleteWebhookEndpoint(ctx, "whe_b", wt0.Add(time.Hour))
			return err
		})
		if err != nil || ended != 1 {
			t.Fatalf("delete: got %d ended, %v; want 1", ended, err)
		}
		ds, _, _ := db.WebhookDeliveries(ctx, store.DeliveryFilter{EndpointID: "whe_b"}, store.Page{})
		if len(ds) != 1 || ds[0].State != store.DeliveryDead || ds[0].LastError != "endpoint deleted" {
			t.Fatalf("deliveries of the deleted endpoint: got %+v, want one dead letter", ds)
		}
		list, _, _ = db.WebhookEndpoints(ctx, "", store.Page{})
		if len(list) != 1 || list[0].ID != "whe_a" {
			t.Fatalf("endpoints after delete: got %v, want only whe_a", list)
		}
		err = db.Tx(ctx, func(tx *store.Tx) error { return tx.SetWebhookSecret(ctx, "whe_b", testSecret, wt0) })
		if !errors.Is(err, fault.ErrNotFound) {
			t.Fatalf("rotating a deleted endpoint's secret: got %v, want ErrNotFound", err)
		}
		if _, err := db.WebhookEndpoint(ctx, "whe_missing"); !errors.Is(err, fault.ErrNotFound) {
			t.Fatalf("missing endpoint: got %v, want ErrNotFound", err)
		}
	})
}

func TestFanOutTopicFiltering(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		webhookWorld(t, db, map[string][]string{
			"whe_actions":        {"action.*"},
			"whe_removals":       {"action.remove_listing"},
			"whe_all":            {"*"},
			"whe_reviews":        {"organization.review", "action.restore_listing"},
			"whe_actions-paused": {"action.*"},
			"whe_nothing":        {"listing.*"},
		})
		enqueue(t, db, wt0, []string{"action.remove_listing", "action.warn_seller", "organization.review", "organization.created", "actionable.thing"})
		r := fanOut(t, db, wt0)
		if r.Messages != 5 || r.Deliveries != 11 {
			t.Errorf("fan-out: got %+v, want 5 messages and 11 deliveries", r)
		}
		want := map[string][]string{
			"whe_actions":        {"action.remove_listing", "action.warn_seller"},
			"whe_actions-paused": {"action.remove_listing", "action.warn_seller"},
			"whe_removals":       {"action.remove_listing"},
			"whe_all":            {"action.remove_listing", "action.warn_seller", "actionable.thing", "organization.created", "organization.review"},
			"whe_reviews":        {"organization.review"},
		}
		if diff := cmp.Diff(want, deliveriesByEndpoint(t, db)); diff != "" {
			t.Errorf("deliveries per endpoint (-want +got):\n%s", diff)
		}
	})
}

func TestFanOutExactlyOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		webhookWorld(t, db, map[string][]string{"whe_1": {"*"}, "whe_2": {"action.*"}})
		const n = 300
		topics := make([]string, n)
		for i := range topics {
			topics[i] = "action.remove_listing"
			if i%3 == 0 {
				topics[i] = "listing.updated"
			}
		}
		ids := enqueue(t, db, wt0, topics)
		// Four dispatchers fan out at once, in small batches.
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for range 4 {
			wg.Go(func() {
				for {
					r, err := db.FanOut(ctx, wt0, 7)
					if err != nil {
						errs <- err
						return
					}
					if r.Messages == 0 {
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if r := fanOut(t, db, wt0); r.Messages != 0 {
			t.Fatalf("second fan-out: got %+v, want nothing left", r)
		}
		ds, _, err := db.WebhookDeliveries(ctx, store.DeliveryFilter{}, store.Page{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		ds2, _, _ := db.WebhookDeliveries(ctx, store.DeliveryFilter{}, store.Page{Limit: 500, After: ds[len(ds)-1].ID})
		ds = append(ds, ds2...)
		count := map[string]int{}
		seqs := map[int64]string{}
		for _, d := range ds {
			count[d.MessageID+" "+d.EndpointID]++
			if prev, ok := seqs[d.Seq]; ok && prev != d.MessageID {
				t.Fatalf("seq %d given to %s and %s", d.Seq, prev, d.MessageID)
			}
			seqs[d.Seq] = d.MessageID
		}
		if want := n + n*2/3; len(ds) != want {
			t.Fatalf("got %d deliveries, want %d", len(ds), want)
		}
		for k, c := range count {
			if c != 1 {
				t.Fatalf("delivery %s: got %d rows, want 1", k, c)
			}
		}
		if len(seqs) != n {
			t.Fatalf("got %d distinct feed positions, want %d", len(seqs), n)
		}
		for seq := int64(1); seq <= n; seq++ {
			if _, ok := seqs[seq]; !ok {
				t.Fatalf("feed position %d is missing: the feed has a gap", seq)
			}
		}
		unpublished, _, _ := db.Outbox(ctx, "", true, store.Page{})
		if len(unpublished) != 0 {
			t.Fatalf("got %d unpublished messages after fan-out, want 0", len(unpublished))
		}
		// Messages are published in creation order.
		if seqs[1] != ids[0] || seqs[n] != ids[n-1] {
			t.Errorf("feed order: got %s first and %s last, want %s and %s", seqs[1], seqs[n], ids[0], ids[n-1])
		}
	})
}

func TestActionsFeed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		webhookWorld(t, db, nil)
		first := enqueue(t, db, wt0, []string{"action.remove_listing", "organization.created", "action.warn_seller"})
		page, err := db.Actions(ctx, "", 10)
		if err != nil || len(page.Items) != 0 || page.Next != "" {
			t.Fatalf("before fan-out: got %+v %v, want an empty page", page, err)
		}
		fanOut(t, db, wt0)
		second := enqueue(t, db, wt0.Add(time.Second), []string{"action.suspend_seller", "action.restore_listing"})
		fanOut(t, db, wt0.Add(time.Second))
		want := []string{first[0], first[2], second[0], second[1]}
		var got []string
		cursor := ""
		for range 10 {
			page, err := db.Actions(ctx, cursor, 3)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range page.Items {
				got = append(got, it.ID)
				if !strings.HasPrefix(it.Topic, "action.") || it.PublishedAt.IsZero() || len(it.Payload) == 0 {
					t.Errorf("feed item %+v: want a published action with its payload", it)
				}
			}
			cursor = page.Next
			if !page.More {
				break
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("actions (-want +got):\n%s", diff)
		}
		page, err = db.Actions(ctx, cursor, 3)
		if err != nil || len(page.Items) != 0 || page.Next != cursor || page.More {
			t.Fatalf("at the end: got %+v %v, want no items and the same cursor %q", page, err, cursor)
		}
		var inv *fault.Invalid
		if _, err := db.Actions(ctx, "msg_01abc", 3); !errors.As(err, &inv) {
			t.Fatalf("bad cursor: got %v, want *fault.Invalid", err)
		}
		events, _ := db.Feed(ctx, store.FeedEvents, "", 0)
		if len(events.Items) != 1 || events.Items[0].ID != first[1] {
			t.Fatalf("events feed: got %+v, want %s", events.Items, first[1])
		}
	})
}

func claim(t *testing.T, db *store.DB, now time.Time, limit int) []store.WebhookClaim {
	t.Helper()
	cs, err := db.ClaimWebhookDeliveries(context.Background(), now, time.Minute, limit)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func record(t *testing.T, db *store.DB, rs ...store.WebhookResult) {
	t.Helper()
	if err := db.RecordWebhookResults(context.Background(), rs); err != nil {
		t.Fatal(err)
	}
}

func result(c store.WebhookClaim, o store.WebhookOutcome, at time.Time, status int, msg string) store.WebhookResult {
	return store.WebhookResult{DeliveryID: c.DeliveryID, EndpointID: c.EndpointID, LeaseUntil: c.LeaseUntil, Outcome: o, At: at,
		Status: status, Error: msg, NextAttemptAt: at.Add(10 * time.Second), Duration: 3 * time.Millisecond}
}

func TestClaimLeaseAndFencing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		webhookWorld(t, db, map[string][]string{"whe_1": {"*"}})
		ids := enqueue(t, db, wt0, []string{"action.remove_listing", "action.warn_seller"})
		fanOut(t, db, wt0)
		cs := claim(t, db, wt0, 10)
		if len(cs) != 2 || cs[0].MessageID != ids[0] || cs[0].Secret != testSecret || cs[0].URL != "https://market.example/hooks/whe_1" ||
			string(cs[0].Payload) != `{"n":0}` || cs[0].Attempts != 0 || !cs[0].LeaseUntil.Equal(wt0.Add(time.Minute)) {
			t.Fatalf("claim: got %+v", cs)
		}
		if again := claim(t, db, wt0.Add(59*time.Second), 10); len(again) != 0 {
			t.Fatalf("within the lease: got %d claims, want 0", len(again))
		}
		// The first dispatcher "dies"; after the lease another claims both.
		later := wt0.Add(61 * time.Second)
		re := claim(t, db, later, 10)
		if len(re) != 2 || !re[0].LeaseUntil.After(cs[0].LeaseUntil) {
			t.Fatalf("after the lease: got %+v, want both claimed again with a new lease", re)
		}
		// The stale claimant's failure must not disturb the new claim; its
		// success still counts.
		record(t, db, result(cs[0], store.OutcomeRetry, later, 500, "stale"), result(cs[1], store.OutcomeDelivered, later, 200, ""))
		d0, _ := db.WebhookDelivery(ctx, re[0].DeliveryID)
		if d0.State != store.DeliveryPending || d0.Attempts != 0 || !d0.NextAttemptAt.Equal(re[0].LeaseUntil) || len(d0.History) != 1 {
			t.Fatalf("after a stale failure: got %+v, want pending under the new lease with the attempt in its history", d0)
		}
		d1, _ := db.WebhookDelivery(ctx, re[1].DeliveryID)
		if d1.State != store.DeliveryDelivered || d1.Attempts != 1 || !d1.DeliveredAt.Equal(later) || !d1.NextAttemptAt.IsZero() {
			t.Fatalf("after a stale success: got %+v, want delivered", d1)
		}
		// The new claimant's retry schedules the next attempt.
		record(t, db, result(re[0], store.OutcomeRetry, later, 503, strings.Repeat("é", 400)))
		d0, _ = db.WebhookDelivery(ctx, re[0].DeliveryID)
		if d0.Attempts != 1 || d0.LastStatus != 503 || !d0.NextAttemptAt.Equal(later.Add(10*time.Second)) || len(d0.LastError) > 500 {
			t.Fatalf("after a retry: got %+v", d0)
		}
		if cs := claim(t, db, later.Add(9*time.Second), 10); len(cs) != 0 {
			t.Fatalf("before the retry is due: got %d claims", len(cs))
		}
		if cs := claim(t, db, later.Add(10*time.Second), 10); len(cs) != 1 || cs[0].Attempts != 1 {
			t.Fatalf("when due: got %+v, want the delivery with 1 attempt", cs)
		}
	})
}

func TestClaimKeepsOneObjectInOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		webhookWorld(t, db, map[string][]string{"whe_1": {"*"}})
		ids := enqueue(t, db, wt0, []string{"action.remove_listing", "action.restore_listing", "action.warn_seller", "event.x", "event.y"},
			"listing-1", "listing-1", "seller-9", "", "")
		fanOut(t, db, wt0)
		cs := claim(t, db, wt0, 10)
		var got []string
		for _, c := range cs {
			got = append(got, c.MessageID)
		}
		if diff := cmp.Diff([]string{ids[0], ids[2], ids[3], ids[4]}, got); diff != "" {
			t.Fatalf("first claim: the restore must wait for the removal (-want +got):\n%s", diff)
		}
		record(t, db, result(cs[0], store.OutcomeRetry, wt0, 500, "busy"))
		// The others are still leased; the removal's retry is due.
		retryAt := wt0.Add(10 * time.Second)
		more := claim(t, db, retryAt, 10)
		if len(more) != 1 || more[0].MessageID != ids[0] {
			t.Fatalf("while the removal is retried: got %+v, want only the removal", more)
		}
		record(t, db, result(more[0], store.OutcomeDelivered, retryAt, 204, ""))
		if more := claim(t, db, retryAt, 10); len(more) != 1 || more[0].MessageID != ids[1] {
			t.Fatalf("after the removal: got %+v, want the restore", more)
		}
		// A dead letter does not hold back later messages of its object.
		enqueue(t, db, retryAt, []string{"action.suspend_seller", "action.terminate_seller"}, "seller-1", "seller-1")
		fanOut(t, db, retryAt)
		cs = claim(t, db, retryAt, 10)
		if len(cs) != 1 || cs[0].Topic != "action.suspend_seller" {
			t.Fatalf("got %+v, want only the suspension", cs)
		}
		record(t, db, result(cs[0], store.OutcomeDead, retryAt, 500, "down"))
		if cs := claim(t, db, retryAt, 10); len(cs) != 1 || cs[0].Topic != "action.terminate_seller" {
			t.Fatalf("after the suspension died: got %+v, want the termination", cs)
		}
		d, _, _ := db.WebhookDeliveries(ctx, store.DeliveryFilter{MessageID: ids[0]}, store.Page{})
		if len(d) != 1 || d[0].State != store.DeliveryDelivered {
			t.Fatalf("deliveries of %s: got %+v", ids[0], d)
		}
	})
}

func TestGonePausesEndpoint(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		webhookWorld(t, db, map[string][]string{"whe_1": {"*"}})
		enqueue(t, db, wt0, []string{"action.remove_listing"})
		fanOut(t, db, wt0)
		cs := claim(t, db, wt0, 10)
		record(t, db, result(cs[0], store.OutcomeGone, wt0, 410, "HTTP 410: gone"))
		e, _ := db.WebhookEndpoint(ctx, "whe_1")
		if e.Enabled || e.DisabledReason == "" {
			t.Fatalf("after 410: got %+v, want the endpoint paused with a reason", e)
		}
		d, _ := db.WebhookDelivery(ctx, cs[0].DeliveryID)
		if d.State != store.DeliveryPending || d.Attempts != 0 {
			t.Fatalf("after 410: got %+v, want the delivery pending and no attempt counted", d)
		}
		// Messages keep fanning out to the paused endpoint and wait.
		enqueue(t, db, wt0, []string{"action.warn_seller"}, "seller-1")
		if r := fanOut(t, db, wt0); r.Deliveries != 1 {
			t.Fatalf("fan-out to a paused endpoint: got %+v, want 1 delivery", r)
		}
		if cs := claim(t, db, wt0.Add(time.Hour), 10); len(cs) != 0 {
			t.Fatalf("paused endpoint: got %d claims, want 0", len(cs))
		}
		if _, ok, _ := db.NextWebhookDue(ctx, wt0); ok {
			t.Fatal("paused endpoint: got a due time, want none")
		}
		e.Enabled, e.DisabledReason = true, ""
		db.Tx(ctx, func(tx *store.Tx) error { return tx.UpdateWebhookEndpoint(ctx, e) })
		if cs := claim(t, db, wt0.Add(time.Hour), 10); len(cs) != 2 {
			t.Fatalf("re-enabled endpoint: got %d claims, want 2", len(cs))
		}
	})
}

func TestRedeliverDeadLetters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		webhookWorld(t, db, map[string][]string{"whe_1": {"*"}})
		enqueue(t, db, wt0, []string{"action.remove_listing", "action.warn_seller"})
		fanOut(t, db, wt0)
		cs := claim(t, db, wt0, 10)
		record(t, db, result(cs[0], store.OutcomeDead, wt0, 500, "down"), result(cs[1], store.OutcomeDead, wt0, 0, "timeout"))
		redeliver := func(id string) error {
			return db.Tx(ctx, func(tx *store.Tx) error { return tx.RedeliverWebhook(ctx, id, wt0.Add(time.Hour)) })
		}
		if err := redeliver(cs[0].DeliveryID); err != nil {
			t.Fatal(err)
		}
		d, _ := db.WebhookDelivery(ctx, cs[0].DeliveryID)
		if d.State != store.DeliveryPending || d.Attempts != 0 || !d.NextAttemptAt.Equal(wt0.Add(time.Hour)) || len(d.History) != 1 {
			t.Fatalf("redelivered: got %+v, want pending now with its history kept", d)
		}
		if err := redeliver(cs[0].DeliveryID); !errors.Is(err, fault.ErrState) {
			t.Fatalf("redelivering a pending delivery: got %v, want ErrState", err)
		}
		if err := redeliver("dlv_missing"); !errors.Is(err, fault.ErrNotFound) {
			t.Fatalf("redelivering a missing delivery: got %v, want ErrNotFound", err)
		}
		dead, _, _ := db.WebhookDeliveries(ctx, store.DeliveryFilter{EndpointID: "whe_1", State: store.DeliveryDead, History: true}, store.Page{})
		if len(dead) != 1 || len(dead[0].History) != 1 || dead[0].History[0].Error != "timeout" || dead[0].History[0].Duration != 3*time.Millisecond {
			t.Fatalf("dead letters with history: got %+v", dead)
		}
		var n int
		err := db.Tx(ctx, func(tx *store.Tx) (err error) {
			n, err = tx.RedeliverDeadWebhooks(ctx, "whe_1", wt0.Add(time.Hour))
			return err
		})
		if err != nil || n != 1 {
			t.Fatalf("redeliver all dead: got %d %v, want 1", n, err)
		}
		if cs := claim(t, db, wt0.Add(time.Hour), 10); len(cs) != 2 {
			t.Fatalf("after redelivery: got %d claims, want 2", len(cs))
		}
	})
}

func TestWaitingReleasedPerEndpoint(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		webhookWorld(t, db, map[string][]string{"whe_1": {"*"}, "whe_2": {"*"}})
		ids := enqueue(t, db, wt0, []string{"action.remove_listing", "action.restore_listing", "action.remove_listing"}, "L-1", "L-1", "L-1")
		fanOut(t, db, wt0)
		states := func() map[string]string {
			ds, _, err := db.WebhookDeliveries(ctx, store.DeliveryFilter{}, store.Page{})
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]string{}
			for _, d := range ds {
				n := slices.Index(ids, d.MessageID)
				out[fmt.Sprintf("%s#%d", d.EndpointID, n)] = string(d.State)
			}
			return out
		}
		want := map[string]string{"whe_1#0": "pending", "whe_1#1": "waiting", "whe_1#2": "waiting",
			"whe_2#0": "pending", "whe_2#1": "waiting", "whe_2#2": "waiting"}
		if diff := cmp.Diff(want, states()); diff != "" {
			t.Fatalf("after fan-out (-want +got):\n%s", diff)
		}
		cs := claim(t, db, wt0, 10)
		if len(cs) != 2 {
			t.Fatalf("got %d claims, want the head of each endpoint", len(cs))
		}
		var first store.WebhookClaim
		for _, c := range cs {
			if c.EndpointID == "whe_1" {
				first = c
			}
		}
		record(t, db, result(first, store.OutcomeDelivered, wt0, 200, ""))
		want["whe_1#0"], want["whe_1#1"] = "delivered", "pending"
		if diff := cmp.Diff(want, states()); diff != "" {
			t.Fatalf("after whe_1's head was delivered (-want +got):\n%s", diff)
		}
	})
}
