package app_test

import (
	"bytes"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/catalog"
	"github.com/dajia-project/dajia/internal/store/storetest"
)

// BenchmarkFileNotice10k files notices of 10,000 listings each (cn-ecl:
// every item is validated, opened, acted on and audited in one
// transaction). Engine: SQLite, or PostgreSQL with BENCH_ENGINE=postgres
// and DAJIA_TEST_POSTGRES_URL set.
func BenchmarkFileNotice10k(b *testing.B) {
	e := storetest.Engines()[0]
	if os.Getenv("BENCH_ENGINE") == "postgres" {
		e = storetest.Engines()[len(storetest.Engines())-1]
	}
	w := newLC(b, e, time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	n := 10_000
	if s := os.Getenv("BENCH_ITEMS"); s != "" {
		fmt.Sscan(s, &n)
	}
	var batch []byte
	for i := 0; i < n*b.N; i++ {
		batch = fmt.Appendf(batch, `{"id":"B-%d","seller_id":%q,"title":"AURORA shoes","price":{"amount":"99.00","currency":"CNY"},"markets":["CN"],"updated_at":%q}`+"\n",
			i, w.sellerID, w.clock.Now().Format(time.RFC3339))
	}
	if _, err := w.app.PutListingsBatch(bg, w.market, bytes.NewReader(batch), app.BatchOptions{}); err != nil {
		b.Fatal(err)
	}
	attest := w.attest("cn-ecl")
	b.ResetTimer()
	for r := 0; r < b.N; r++ {
		in := app.NoticeInput{RightID: w.rights["cn"], InfringementType: "counterfeit", Explanation: "fakes", Signature: "Li Wei", Attestations: attest}
		for i := r * n; i < (r+1)*n; i++ {
			in.Items = append(in.Items, app.NoticeItemInput{ListingID: fmt.Sprintf("B-%d", i)})
		}
		rc, err := w.app.FileNotice(bg, w.brand, in)
		if err != nil {
			b.Fatal(err)
		}
		if len(rc.Items) != n || rc.Items[0].State != "actioned" {
			b.Fatalf("got %d items, first %s", len(rc.Items), rc.Items[0].State)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/notice")
}

var _ = catalog.Accepted
