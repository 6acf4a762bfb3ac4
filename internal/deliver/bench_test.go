package deliver_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dajia-project/dajia/internal/deliver"
	"github.com/dajia-project/dajia/internal/registry"
	"github.com/dajia-project/dajia/internal/store"
	"github.com/dajia-project/dajia/internal/store/storetest"
)

// BenchmarkDispatch measures actions carried from the outbox to a local
// receiver: fan-out, claim, signed POST, record. b.N actions are committed
// first (not timed); the timer runs from waking the dispatcher until the
// receiver has acknowledged every one.
//
//	go test -run '^$' -bench Dispatch -benchtime 20000x ./internal/deliver/
func BenchmarkDispatch(b *testing.B) {
	for _, e := range storetest.Engines() {
		b.Run(e.Name, func(b *testing.B) {
			db, _ := storetest.Open(b, e)
			var got atomic.Int64
			done := make(chan struct{})
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				if got.Add(1) == int64(b.N) {
					close(done)
				}
				w.WriteHeader(http.StatusNoContent)
			}))
			defer srv.Close()
			ctx := context.Background()
			err := db.Tx(ctx, func(tx *store.Tx) error {
				o := registry.Organisation{ID: "org_market", Kind: registry.KindPlatform, LegalName: "Marketplace", Country: "CN",
					State: registry.OrgVerified, Documents: []registry.DocRef{}, CreatedAt: t0, UpdatedAt: t0}
				if err := tx.InsertOrg(ctx, o); err != nil {
					return err
				}
				e, secret, err := deliver.NewEndpoint("org_market", srv.URL, []string{"action.*"}, "", t0)
				if err != nil {
					return err
				}
				return tx.InsertWebhookEndpoint(ctx, e, secret)
			})
			if err != nil {
				b.Fatal(err)
			}
			now := time.Now()
			for start := 0; start < b.N; start += 1000 {
				err := db.Tx(ctx, func(tx *store.Tx) error {
					for i := start; i < min(b.N, start+1000); i++ {
						_, err := tx.Enqueue(ctx, "action.remove_listing", fmt.Sprintf("L-%d", i),
							fmt.Appendf(nil, `{"type":"remove_listing","listing_id":"L-%d","reason":"counterfeit","notice_item_id":"ni_%d"}`, i, i), now)
						if err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			d := deliver.New(db, deliver.Options{PollInterval: time.Hour})
			runCtx, cancel := context.WithCancel(ctx)
			stopped := make(chan struct{})
			b.ResetTimer()
			go func() { d.Run(runCtx); close(stopped) }()
			d.Wake()
			<-done
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "actions/s")
			cancel()
			<-stopped
		})
	}
}
