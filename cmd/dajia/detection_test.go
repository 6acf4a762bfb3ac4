package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dajia-project/dajia/internal/demo"
)

// TestServeDetectsCounterfeitListings starts `serve --demo` (embedded NATS,
// demo protection profile) and pushes a new listing through the API: the
// relay carries it to the stream, the detector scores it, and an
// investigator finds the lead with its brand owner in the queue. A
// restart keeps the stream and adds no second lead.
func TestServeDetectsCounterfeitListings(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{Addr: "127.0.0.1:0", DataDir: dir, AdminEmail: "admin@example.com", AdminPassword: "admin-password-1",
		Demo: true, MaxUploadBytes: 1 << 20, LogFormat: "text", LogLevel: "error", DetectWorkers: 2}
	m := NewMain(cfg, io.Discard, io.Discard)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.Detection == nil {
		t.Fatal("detection did not start with --demo")
	}
	if _, err := os.Stat(filepath.Join(dir, "nats")); err != nil {
		t.Errorf("the embedded NATS server keeps no data under --data-dir: %v", err)
	}
	admin := login(t, m.URL(), "admin@example.com", "admin-password-1")
	key := admin.must(201, "POST", "/api/v1/api-keys", map[string]any{"role": "integration", "name": "market"})["key"].(string)
	market := &client{t: t, base: m.URL(), key: key}
	market.must(201, "PUT", "/api/v1/listings/NEW-1", map[string]any{"id": "NEW-1", "seller_id": "S-2",
		"title": "极光 AURORA 跑鞋 高仿 1:1 top quality replica", "price": map[string]any{"amount": "59.00", "currency": "CNY"},
		"category": "shoes", "markets": []string{"CN"}, "updated_at": time.Now().UTC().Format(time.RFC3339)})

	inv := login(t, m.URL(), "investigator@demo.dajia.local", demo.Password)
	lead := waitLead(t, inv, "NEW-1")
	if lead["brand_id"] != "aurora" || lead["brand_owner_org_id"] == "" || lead["brand_owner_org_id"] == nil {
		t.Errorf("lead: %v, want brand aurora with its owner", lead)
	}
	m.Close()

	m2 := NewMain(cfg, io.Discard, io.Discard)
	if err := m2.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m2.Close()
	inv = login(t, m2.URL(), "investigator@demo.dajia.local", demo.Password)
	// The pipeline works after the restart (and so has re-read the feed).
	admin = login(t, m2.URL(), "admin@example.com", "admin-password-1")
	key = admin.must(201, "POST", "/api/v1/api-keys", map[string]any{"role": "integration", "name": "market 2"})["key"].(string)
	market = &client{t: t, base: m2.URL(), key: key}
	market.must(201, "PUT", "/api/v1/listings/NEW-2", map[string]any{"id": "NEW-2", "seller_id": "S-3",
		"title": "NIMBUS 云朵 earbuds replica AAA", "price": map[string]any{"amount": "9.00", "currency": "USD"},
		"category": "electronics", "markets": []string{"US"}, "updated_at": time.Now().UTC().Format(time.RFC3339)})
	waitLead(t, inv, "NEW-2")
	n := 0
	for _, l := range inv.must(200, "GET", "/api/v1/leads?limit=200", nil)["items"].([]any) {
		if l.(map[string]any)["listing_id"] == "NEW-1" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("after a restart NEW-1 has %d leads, want 1", n)
	}
}

func waitLead(t *testing.T, c *client, listingID string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var seen []string
	for time.Now().Before(deadline) {
		seen = seen[:0]
		for _, l := range c.must(200, "GET", "/api/v1/leads?limit=200", nil)["items"].([]any) {
			lm := l.(map[string]any)
			if lm["listing_id"] == listingID {
				return lm
			}
			seen = append(seen, fmt.Sprint(lm["listing_id"]))
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no lead for %s within 30 s; leads: %s", listingID, strings.Join(seen, ", "))
	return nil
}

// TestWorkerProcessScoresServesStream: serve relays only (no workers of
// its own) and opens its embedded NATS server on a local port; a
// `dajia worker` joining it scores a new listing into a lead.
func TestWorkerProcessScoresServesStream(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{Addr: "127.0.0.1:0", DataDir: dir, AdminEmail: "admin@example.com", AdminPassword: "admin-password-1",
		Demo: true, MaxUploadBytes: 1 << 20, LogFormat: "text", LogLevel: "error", NATSListen: "127.0.0.1:0"}
	m := NewMain(cfg, io.Discard, io.Discard)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	url := m.Detection.srv.ClientURL()
	if url == "" {
		t.Fatal("--nats-listen opened no address")
	}
	if code := run(context.Background(), []string{"worker", "--data-dir", dir}, io.Discard, io.Discard); code != 2 {
		t.Errorf("worker without --nats-url: exit %d, want 2", code)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"worker", "--data-dir", dir, "--nats-url", url, "--detect-workers", "1", "--log-level", "error"}, io.Discard, io.Discard)
	}()
	admin := login(t, m.URL(), "admin@example.com", "admin-password-1")
	key := admin.must(201, "POST", "/api/v1/api-keys", map[string]any{"role": "integration", "name": "market"})["key"].(string)
	market := &client{t: t, base: m.URL(), key: key}
	market.must(201, "PUT", "/api/v1/listings/W-1", map[string]any{"id": "W-1", "seller_id": "S-4",
		"title": "LOTUS 莲花 handbag A货 replica", "price": map[string]any{"amount": "99.00", "currency": "CNY"},
		"category": "bags", "markets": []string{"CN"}, "updated_at": time.Now().UTC().Format(time.RFC3339)})
	inv := login(t, m.URL(), "investigator@demo.dajia.local", demo.Password)
	if l := waitLead(t, inv, "W-1"); l["brand_id"] != "lotus" {
		t.Errorf("lead from the worker: %v", l)
	}
	stop()
	if code := <-done; code != 0 {
		t.Errorf("worker exit %d after Ctrl-C, want 0", code)
	}
}
