package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/store"
	"github.com/dajia-project/dajia/internal/store/storetest"
)

// BenchmarkReviewDecisionsAPI decides items under review through the API
// (POST /api/v1/items:decide, 500 items a request, each decision its own
// transaction with its statement of reasons, audit entry and action) and
// reports decisions per second. BENCH_ENGINE=postgres uses PostgreSQL.
func BenchmarkReviewDecisionsAPI(b *testing.B) {
	e := storetest.Engines()[0]
	if os.Getenv("BENCH_ENGINE") == "postgres" {
		e = storetest.Engines()[len(storetest.Engines())-1]
	}
	w := newWorld(b, e)
	const perRequest = 500
	total := perRequest * b.N
	// Listings in Germany: eu-dsa decides after review.
	var items []app.NoticeItemInput
	for i := 0; i < total; i++ {
		id := fmt.Sprintf("R-%d", i)
		doc := fmt.Sprintf(`{"id":%q,"seller_id":%q,"title":"shoes","price":{"amount":"1.00","currency":"EUR"},"markets":["DE"],"updated_at":%q}`,
			id, w.sellerID, time.Now().Format(time.RFC3339))
		status, raw := w.request(w.ids["integration"], "PUT", "/api/v1/listings/"+id, json.RawMessage(doc))
		if status != 201 {
			b.Fatalf("listing: %d %s", status, raw)
		}
		items = append(items, app.NoticeItemInput{ListingID: id})
	}
	eu, _, err := w.app.Rights(ctx, w.sys, app.RightQuery{Owner: w.orgA.ID}, storePage(50))
	if err != nil {
		b.Fatal(err)
	}
	var euRight string
	for _, r := range eu {
		if r.Trademark != nil && r.Trademark.Office == "EUIPO" {
			euRight = r.ID
		}
	}
	owner := w.ids["aOwner"]
	var body []map[string]any
	for _, it := range items {
		body = append(body, map[string]any{"listing_id": it.ListingID})
	}
	status, raw := w.request(owner, "POST", "/api/v1/notices", map[string]any{"right_id": euRight, "infringement_type": "counterfeit",
		"explanation": "fakes", "attestations": map[string]string{"attest_bona_fide": "eu-dsa-16-2-d-1"}, "items": body})
	if status != 201 {
		b.Fatalf("notice: %d %.300s", status, raw)
	}
	var rc struct {
		Items []struct{ ID string } `json:"items"`
	}
	json.Unmarshal(raw, &rc)
	reviewer := w.ids["reviewer"]
	b.ResetTimer()
	for r := 0; r < b.N; r++ {
		var ids []string
		for _, it := range rc.Items[r*perRequest : (r+1)*perRequest] {
			ids = append(ids, it.ID)
		}
		status, raw := w.request(reviewer, "POST", "/api/v1/items:decide", map[string]any{"item_ids": ids, "outcome": "action", "reason": "EUTMR Art. 9(2)(a)"})
		if status != 200 {
			b.Fatalf("decide: %d %.300s", status, raw)
		}
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "decisions/s")
}

func storePage(n int) store.Page { return store.Page{Limit: n} }

// BenchmarkNotice10kAPI files a 10,000-listing notice through the API, as
// JSON and as CSV (acknowledgement time: validated, stored, acted on).
func BenchmarkNotice10kAPI(b *testing.B) {
	e := storetest.Engines()[0]
	if os.Getenv("BENCH_ENGINE") == "postgres" {
		e = storetest.Engines()[len(storetest.Engines())-1]
	}
	for _, format := range []string{"json", "csv"} {
		b.Run(format, func(b *testing.B) {
			w := newWorld(b, e)
			const n = 10_000
			var nd bytes.Buffer
			for i := 0; i < n*b.N; i++ {
				fmt.Fprintf(&nd, `{"id":"N-%d","seller_id":%q,"title":"A shoes","price":{"amount":"10.00","currency":"CNY"},"markets":["CN"],"updated_at":"2026-11-01T00:00:00Z"}`+"\n", i, w.sellerID)
			}
			if _, err := w.app.PutListingsBatch(ctx, w.sys, &nd, app.BatchOptions{}); err != nil {
				b.Fatal(err)
			}
			owner := w.ids["aOwner"]
			b.ResetTimer()
			for r := 0; r < b.N; r++ {
				var status int
				var raw []byte
				if format == "csv" {
					var csv strings.Builder
					csv.WriteString("listing_id,right_id,infringement_type,evidence_ids,note\n")
					for i := r * n; i < (r+1)*n; i++ {
						fmt.Fprintf(&csv, "N-%d,%s,counterfeit,,\n", i, w.rightA.ID)
					}
					status, raw = w.postCSV(owner, "attest=attest_truthfulness:cn-ecl-notice-1&signature=A&explanation=fakes&infringement_type=counterfeit", csv.String())
				} else {
					var items []map[string]string
					for i := r * n; i < (r+1)*n; i++ {
						items = append(items, map[string]string{"listing_id": fmt.Sprintf("N-%d", i)})
					}
					status, raw = w.request(owner, "POST", "/api/v1/notices", map[string]any{"right_id": w.rightA.ID, "infringement_type": "counterfeit",
						"explanation": "fakes", "signature": "A", "attestations": map[string]string{"attest_truthfulness": "cn-ecl-notice-1"}, "items": items})
				}
				if status != 201 {
					b.Fatalf("notice: %d %.300s", status, raw)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/notice")
		})
	}
}
