package deliver_test

import (
	"context"
	"testing"
	"time"

	"github.com/dajia-project/dajia/internal/store"
	"github.com/dajia-project/dajia/internal/store/storetest"
)

func TestTmpTiming(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			db, _ := storetest.Open(t, e)
			c := newClock()
			rc := newReceiver(t, c, nil)
			world(t, db, [][]string{{"action.*"}}, rc)
			actions(t, db, t0, 20000)
			ctx := context.Background()
			start := time.Now()
			for {
				r, err := db.FanOut(ctx, t0, 256)
				if err != nil {
					t.Fatal(err)
				}
				if r.Messages == 0 {
					break
				}
			}
			t.Logf("fanout 20000: %v", time.Since(start))
			var claimT, recT time.Duration
			for {
				s := time.Now()
				cs, err := db.ClaimWebhookDeliveries(ctx, t0, time.Minute, 64)
				if err != nil {
					t.Fatal(err)
				}
				claimT += time.Since(s)
				if len(cs) == 0 {
					break
				}
				var rs []store.WebhookResult
				for _, c := range cs {
					rs = append(rs, store.WebhookResult{DeliveryID: c.DeliveryID, EndpointID: c.EndpointID, LeaseUntil: c.LeaseUntil, Outcome: store.OutcomeDelivered, At: t0, Status: 204})
				}
				s = time.Now()
				if err := db.RecordWebhookResults(ctx, rs); err != nil {
					t.Fatal(err)
				}
				recT += time.Since(s)
			}
			t.Logf("claim total %v, record total %v", claimT, recT)
		})
	}
}
