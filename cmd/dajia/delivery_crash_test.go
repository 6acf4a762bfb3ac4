package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dajia-project/dajia/internal/deliver"
	"github.com/dajia-project/dajia/internal/store/storetest"
)

// receiver is the marketplace's webhook endpoint: it fails 30% of requests
// and applies each action once, deduplicating by webhook-id.
type receiver struct {
	mu       sync.Mutex
	rng      *rand.Rand
	secret   string
	received int
	applied  map[string]json.RawMessage
	badSig   int
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.received++
	if rc.secret != "" {
		if err := deliver.Verify(rc.secret, r.Header, body, time.Now(), time.Hour); err != nil {
			rc.badSig++
		}
	}
	if rc.rng.Float64() < 0.3 {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	id := r.Header.Get("webhook-id")
	if _, dup := rc.applied[id]; !dup {
		rc.applied[id] = body
	}
	w.WriteHeader(http.StatusNoContent)
}

func (rc *receiver) count() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.applied)
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	end := time.Now().Add(d)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestDeliveryExactlyOnceAcrossSIGKILL kills dajia with SIGKILL several
// times while it delivers enforcement actions to a receiver that fails 30%
// of requests, and while overdue deadlines fire after a restart. In the end
// every action has arrived, the receiver applied each once, and no timer
// fired twice.
func TestDeliveryExactlyOnceAcrossSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range storetest.Engines() {
		t.Run(e.Name, func(t *testing.T) { deliveryCrash(t, bin, e) })
	}
}

func deliveryCrash(t *testing.T, bin string, e storetest.Engine) {
	dsn := ""
	if e.URL != "" {
		dsn = storetest.NewSchema(t, e.URL)
	}
	rc := &receiver{rng: rand.New(rand.NewPCG(7, 11)), applied: map[string]json.RawMessage{}}
	recv := httptest.NewServer(rc)
	defer recv.Close()
	dataDir, addr := t.TempDir(), freeAddr(t)
	base := "http://" + addr
	// A short timeout and lease: a delivery claimed by a killed process is
	// retried after 3 s instead of a minute.
	env := []string{"DAJIA_WEBHOOK_BACKOFF=20ms", "DAJIA_WEBHOOK_TIMEOUT=2s", "DAJIA_WEBHOOK_LEASE=3s"}
	proc := startProcess(t, bin, addr, dataDir, dsn, env...)

	admin := login(t, base, "admin@example.com", "admin-password-1")
	hook := admin.must(201, "POST", "/api/v1/webhooks", map[string]any{"url": recv.URL, "topics": []string{"action.*"}})
	rc.mu.Lock()
	rc.secret = hook["secret"].(string)
	rc.mu.Unlock()
	admin.must(201, "POST", "/api/v1/users", map[string]any{"email": "rev@example.com", "password": "reviewer-pass-1", "role": "reviewer"})
	reviewer := login(t, base, "rev@example.com", "reviewer-pass-1")
	brand, brandOrg := register(t, base, "rights_holder", "Aurora Athletics Co., Ltd.", "ip@aurora.example")
	qualify(t, brand, brandOrg)
	reviewer.must(200, "POST", "/api/v1/organizations/"+brandOrg+"/review", map[string]any{"decision": "verify"})
	cert := brand.upload("certificate.pdf", pdf("CNIPA 31245678"))
	right := brand.must(201, "POST", "/api/v1/rights", map[string]any{"type": "trademark", "trademark": map[string]any{
		"office": "CNIPA", "registration_number": "31245678", "mark_text": "AURORA", "nice_classes": []int{25},
		"registered_on": "2018-03-01", "expires_on": "2030-02-28"}, "certificates": []any{map[string]any{"document_id": cert["id"]}}})
	reviewer.must(200, "POST", "/api/v1/rights/"+right["id"].(string)+"/review", map[string]any{"decision": "verify"})

	// The marketplace pushes a seller and 120 of its listings.
	admin.must(201, "PUT", "/api/v1/sellers/S-1", map[string]any{"id": "S-1", "name": "Putian Sneaker World", "country": "CN"})
	sellerOrg := admin.must(200, "GET", "/api/v1/sellers/S-1", nil)["org_id"].(string)
	admin.must(201, "POST", "/api/v1/users", map[string]any{"org_id": sellerOrg, "email": "shop@putian.example", "password": "seller-pass-12", "role": "owner"})
	seller := login(t, base, "shop@putian.example", "seller-pass-12")
	const n = 120
	var nd bytes.Buffer
	var items []map[string]any
	for i := 0; i < n; i++ {
		fmt.Fprintf(&nd, `{"id":"L-%03d","seller_id":"S-1","title":"AURORA shoes %d","price":{"amount":"99.00","currency":"CNY"},"markets":["CN"],"updated_at":"2026-11-01T00:00:00Z"}`+"\n", i, i)
		items = append(items, map[string]any{"listing_id": fmt.Sprintf("L-%03d", i)})
	}
	if status, out := admin.send("POST", "/api/v1/listings:batch", &nd, "application/x-ndjson"); status != 200 {
		t.Fatalf("batch: %d %v", status, out)
	}
	attest, counterAttest := attestations(t, admin)
	receipt := brand.must(201, "POST", "/api/v1/notices", map[string]any{"right_id": right["id"], "infringement_type": "counterfeit",
		"explanation": "Counterfeits of our shoes.", "signature": "Li Wei", "attestations": attest, "items": items})
	itemIDs := []string{}
	for _, it := range receipt["items"].([]any) {
		itemIDs = append(itemIDs, it.(map[string]any)["id"].(string))
	}

	// Crash 1: mid-delivery of the 120 removals.
	waitFor(t, "first deliveries", 30*time.Second, func() bool { return rc.count() >= 20 })
	proc.Process.Signal(syscall.SIGKILL)
	proc.Wait()
	proc = startProcess(t, bin, addr, dataDir, dsn, env...)
	seller = login(t, base, "shop@putian.example", "seller-pass-12")

	// The seller answers 40 items: their 15-day restoration clocks start.
	for _, id := range itemIDs[:40] {
		seller.must(200, "POST", "/api/v1/items/"+id+"/counter-notice", map[string]any{"statement": "These are our own shoes; invoices attached.",
			"fields": map[string]string{"identity_real": "Putian Sneaker World", "contact": "shop@putian.example"}, "attestations": counterAttest})
	}
	// Crash 2, then restart 30 days later: every clock is overdue and fires once on start.
	proc.Process.Signal(syscall.SIGKILL)
	proc.Wait()
	later := append(env, "DAJIA_CLOCK_OFFSET=720h")
	proc = startProcess(t, bin, addr, dataDir, dsn, later...)
	before := rc.count()
	waitFor(t, "deliveries after restart", 60*time.Second, func() bool { return rc.count() > before })
	// Crash 3: while the restorations are being fired and delivered.
	proc.Process.Signal(syscall.SIGKILL)
	proc.Wait()
	startProcess(t, bin, addr, dataDir, dsn, later...)
	admin = login(t, base, "admin@example.com", "admin-password-1")

	// Everything in the feed arrives.
	feed := func() []map[string]any {
		var all []map[string]any
		after := ""
		for {
			page := admin.must(200, "GET", "/api/v1/actions?limit=1000&after="+after, nil)
			for _, a := range page["actions"].([]any) {
				all = append(all, a.(map[string]any))
			}
			if page["more"] != true {
				return all
			}
			after = page["next"].(string)
		}
	}
	var actions []map[string]any
	defer func() {
		if t.Failed() {
			for _, st := range []string{"pending", "waiting", "dead"} {
				out := admin.must(200, "GET", "/api/v1/webhooks/"+hook["endpoint"].(map[string]any)["id"].(string)+"/deliveries?limit=3&state="+st, nil)
				t.Logf("%s deliveries: %v", st, out["items"])
			}
			t.Logf("feed has %d actions; receiver applied %d", len(actions), rc.count())
		}
	}()
	waitFor(t, "every action delivered", 90*time.Second, func() bool {
		actions = feed()
		if len(actions) < n+40 {
			return false
		}
		rc.mu.Lock()
		defer rc.mu.Unlock()
		for _, a := range actions {
			if _, ok := rc.applied[a["id"].(string)]; !ok {
				return false
			}
		}
		return true
	})
	removed, restored := map[string]int{}, map[string]int{}
	for _, a := range actions {
		switch a["type"] {
		case "remove_listing":
			removed[a["notice_item_id"].(string)]++
		case "restore_listing":
			restored[a["notice_item_id"].(string)]++
		}
	}
	if len(removed) != n {
		t.Errorf("removals: %d items, want %d", len(removed), n)
	}
	if len(restored) != 40 {
		t.Errorf("restorations: %d items, want 40", len(restored))
	}
	for id, c := range restored {
		if c != 1 || removed[id] != 1 {
			t.Errorf("item %s: %d removals, %d restorations, want one each (a timer fired twice?)", id, removed[id], c)
		}
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.applied) != len(actions) || rc.badSig > 0 {
		t.Errorf("receiver applied %d distinct actions (bad signatures %d), feed has %d", len(rc.applied), rc.badSig, len(actions))
	}
	for id, body := range rc.applied {
		if !strings.Contains(string(body), id) {
			t.Errorf("delivery %s does not carry its own id: %s", id, body)
		}
	}
	t.Logf("%d actions, %d requests received (%d retries or resends), applied once each", len(actions), rc.received, rc.received-len(actions))
}

// attestations reads the current attestation versions of cn-ecl.
func attestations(t *testing.T, c *client) (notice, counter map[string]string) {
	t.Helper()
	profiles := c.must(200, "GET", "/api/v1/policy/profiles", nil)["items"].([]any)
	notice, counter = map[string]string{}, map[string]string{}
	for _, p := range profiles {
		p := p.(map[string]any)
		if p["id"] != "cn-ecl" {
			continue
		}
		for k, v := range p["notice_attestations"].(map[string]any) {
			notice[k] = v.(map[string]any)["version"].(string)
		}
		for k, v := range p["counter_notice"].(map[string]any)["attestations"].(map[string]any) {
			counter[k] = v.(map[string]any)["version"].(string)
		}
	}
	return notice, counter
}
