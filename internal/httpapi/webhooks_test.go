package httpapi

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/dajia-project/dajia/internal/deliver"
	"github.com/dajia-project/dajia/internal/store/storetest"
)

func TestWebhookPauseEnableRotate(t *testing.T) {
	w := newWorld(t, storetest.Engines()[0])
	var mu sync.Mutex
	var got []http.Header
	var bodies [][]byte
	recv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got, bodies = append(got, r.Header.Clone()), append(bodies, b)
		mu.Unlock()
		rw.WriteHeader(204)
	}))
	defer recv.Close()
	admin := w.ids["admin"]
	// The world's own endpoint points nowhere; delete it so only ours receives.
	if status, raw := w.request(admin, "DELETE", "/api/v1/webhooks/"+w.endpointID, nil); status != 200 {
		t.Fatalf("delete: %d %s", status, raw)
	}
	status, raw := w.request(admin, "POST", "/api/v1/webhooks", map[string]any{"url": recv.URL, "topics": []string{"action.*"}})
	var created struct {
		Endpoint struct{ ID string } `json:"endpoint"`
		Secret   string              `json:"secret"`
	}
	json.Unmarshal(raw, &created)
	if status != 201 || created.Secret == "" {
		t.Fatalf("create: %d %s", status, raw)
	}
	d := deliver.New(w.db, deliver.Options{})
	run := func() {
		t.Helper()
		if _, err := d.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	w.request(admin, "PATCH", "/api/v1/webhooks/"+created.Endpoint.ID, map[string]any{"enabled": false})
	// A new action while the endpoint is paused: the withdrawn notice restores L-2.
	if status, raw := w.request(w.ids["aOwner"], "POST", "/api/v1/items/"+w.item2+"/retract", map[string]any{"reason": "settled"}); status != 200 {
		t.Fatalf("retract: %d %s", status, raw)
	}
	run()
	mu.Lock()
	n := len(got)
	mu.Unlock()
	if n != 0 {
		t.Fatalf("a paused endpoint received %d deliveries", n)
	}
	w.request(admin, "PATCH", "/api/v1/webhooks/"+created.Endpoint.ID, map[string]any{"enabled": true})
	run()
	mu.Lock()
	if len(got) == 0 {
		mu.Unlock()
		t.Fatal("the re-enabled endpoint received nothing")
	}
	for i := range got {
		if err := deliver.Verify(created.Secret, got[i], bodies[i], time.Now(), time.Minute); err != nil {
			t.Errorf("delivery %d: %v", i, err)
		}
	}
	before := len(got)
	mu.Unlock()
	// Rotate: new deliveries are signed with the new secret only.
	status, raw = w.request(admin, "POST", "/api/v1/webhooks/"+created.Endpoint.ID+"/rotate-secret", nil)
	var rotated struct{ Secret string }
	json.Unmarshal(raw, &rotated)
	if status != 200 || rotated.Secret == "" || rotated.Secret == created.Secret {
		t.Fatalf("rotate: %d %s", status, raw)
	}
	// Another action: a notice against a new listing removes it.
	w.request(admin, "PUT", "/api/v1/listings/L-20", map[string]any{"id": "L-20", "seller_id": w.sellerID, "title": "A shoes",
		"price": map[string]any{"amount": "10.00", "currency": "CNY"}, "markets": []string{"CN"}, "updated_at": "2026-11-01T00:00:00Z"})
	if status, raw := w.request(w.ids["aOwner"], "POST", "/api/v1/notices", map[string]any{"right_id": w.rightA.ID, "infringement_type": "counterfeit",
		"explanation": "x", "signature": "A", "attestations": map[string]string{"attest_truthfulness": "cn-ecl-notice-1"},
		"items": []any{map[string]any{"listing_id": "L-20"}}}); status != 201 {
		t.Fatalf("notice: %d %s", status, raw)
	}
	run()
	mu.Lock()
	defer mu.Unlock()
	if len(got) == before {
		t.Fatal("no delivery after rotation")
	}
	for i := before; i < len(got); i++ {
		if deliver.Verify(rotated.Secret, got[i], bodies[i], time.Now(), time.Minute) != nil || deliver.Verify(created.Secret, got[i], bodies[i], time.Now(), time.Minute) == nil {
			t.Errorf("delivery %d after rotation is not signed with the new secret only", i)
		}
	}
}
