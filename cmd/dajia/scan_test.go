package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestScan(t *testing.T) {
	dir := t.TempDir()
	img, err := os.ReadFile("../../internal/pdq/testdata/images/pen-and-coaster.png")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "ref.png"), img, 0o600)
	os.MkdirAll(filepath.Join(dir, "imgs"), 0o750)
	os.WriteFile(filepath.Join(dir, "imgs", "copy.png"), img, 0o600)
	profile := `{"version":1,"brands":[{"id":"aurora","names":["Aurora","极光"],"reference_prices":[{"category":"shoes","amount":"599.00","currency":"CNY"}],
		"authorized_sellers":["S-OK"],"reference_images":[{"path":"ref.png"}],"negative_images":[]}]}`
	os.WriteFile(filepath.Join(dir, "profile.json"), []byte(profile), 0o600)
	listing := func(id, seller, title, price, image string) string {
		m := map[string]any{"id": id, "seller_id": seller, "title": title, "price": map[string]any{"amount": price, "currency": "CNY"},
			"category": "shoes", "updated_at": "2026-11-01T00:00:00Z"}
		if image != "" {
			m["images"] = []any{map[string]any{"url": image}}
		}
		b, _ := json.Marshal(m)
		return string(b)
	}
	lines := []string{
		listing("L-FAKE", "S-X", "A u r o r a 高仿 running shoes 1:1", "59.00", ""),
		listing("L-OK", "S-OK", "Aurora running shoes", "599.00", ""),
		`{"id": "L-BAD", "title": 7}`,
		listing("L-IMG", "S-Y", "running shoes", "79.00", "imgs/copy.png"),
	}
	os.WriteFile(filepath.Join(dir, "listings.ndjson"), []byte(strings.Join(lines, "\n")+"\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "truth.ndjson"), []byte(`{"listing_id":"L-FAKE","counterfeit":true}
{"listing_id":"L-OK","counterfeit":false}
{"listing_id":"L-IMG","counterfeit":true}
`), 0o600)
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"scan", "--profile", filepath.Join(dir, "profile.json"), "--all", "--labels", filepath.Join(dir, "truth.ndjson"),
		filepath.Join(dir, "listings.ndjson")}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	got := map[string]scanLine{}
	for _, l := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		var s scanLine
		if err := json.Unmarshal([]byte(l), &s); err != nil {
			t.Fatalf("output line %q: %v", l, err)
		}
		got[s.ListingID] = s
	}
	if len(got) != 3 {
		t.Logf("stderr: %s", stderr.String())
		t.Fatalf("got %d lines with --all, want 3: %s", len(got), stdout.String())
	}
	if got["L-FAKE"].Verdict != "counterfeit_suspected" || got["L-OK"].Verdict == "counterfeit_suspected" {
		t.Errorf("verdicts: fake %s (score %d), authorised %s (score %d)", got["L-FAKE"].Verdict, got["L-FAKE"].Score, got["L-OK"].Verdict, got["L-OK"].Score)
	}
	imageSignal := false
	for _, s := range got["L-IMG"].Signals {
		imageSignal = imageSignal || s.Kind == "image"
	}
	if !imageSignal {
		t.Errorf("the re-uploaded reference photo gave no image signal: %+v", got["L-IMG"])
	}
	for _, want := range []string{"line 3:", "3 listings scored", "precision", "recall", "F1"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q: %s", want, stderr.String())
		}
	}
	// --on-error stop stops at the malformed line with its number.
	stdout.Reset()
	stderr.Reset()
	code = run(context.Background(), []string{"scan", "--profile", filepath.Join(dir, "profile.json"), "--on-error", "stop", filepath.Join(dir, "listings.ndjson")}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "stopped at line 3") {
		t.Errorf("--on-error stop: exit %d: %s", code, stderr.String())
	}
	// A profile of an unknown version is refused with a clear message.
	os.WriteFile(filepath.Join(dir, "v2.json"), []byte(`{"version":2,"brands":[]}`), 0o600)
	if code = run(context.Background(), []string{"scan", "--profile", filepath.Join(dir, "v2.json"), filepath.Join(dir, "listings.ndjson")}, &stdout, &stderr); code != 1 {
		t.Errorf("unknown profile version: exit %d", code)
	}
}
