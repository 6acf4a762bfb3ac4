package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/auth"
	"github.com/dajia-project/dajia/internal/store/storetest"
)

// catalogServer serves the API with the catalogue routes on a real HTTP
// server and returns its URL and an integration API key.
func catalogServer(t *testing.T, e storetest.Engine) (string, string) {
	t.Helper()
	ctx := context.Background()
	db, _ := storetest.Open(t, e)
	now := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	a := app.New(db, nil, app.Options{Now: func() time.Time { return now }})
	s := New(a, Options{})
	if !slices.ContainsFunc(s.routes, func(rt route) bool { return rt.path == "/api/v1/listings/{id}" }) {
		// Until routes.go calls registerCatalog, mount its routes here.
		n := len(s.routes)
		s.registerCatalog()
		for _, rt := range s.routes[n:] {
			s.mux.Handle(rt.method+" "+rt.path, s.wrap(rt))
		}
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	platform, err := a.EnsurePlatform(ctx, "Marketplace")
	if err != nil {
		t.Fatal(err)
	}
	_, key, err := a.CreateAPIKey(ctx, auth.System, app.NewKeyInput{OrgID: platform.ID, Role: auth.RoleIntegration, Name: "catalogue sync"})
	if err != nil {
		t.Fatal(err)
	}
	return srv.URL, key
}

type apiCall struct {
	method, path, contentType string
	body                      io.Reader
	wantStatus                int
}

func call(t *testing.T, base, key string, c apiCall) map[string]any {
	t.Helper()
	req, err := http.NewRequest(c.method, base+c.path, c.body)
	if err != nil {
		t.Fatal(err)
	}
	if c.contentType != "" {
		req.Header.Set("Content-Type", c.contentType)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	json.Unmarshal(raw, &out)
	if resp.StatusCode != c.wantStatus {
		t.Fatalf("%s %s: got %d %s, want %d", c.method, c.path, resp.StatusCode, raw, c.wantStatus)
	}
	return out
}

func listingBody(id, title, updated string) string {
	return fmt.Sprintf(`{"id":%q,"seller_id":"S1","title":%q,"price":{"amount":"59.9","currency":"CNY"},"brand":"Nike",`+
		`"ship_from":{"country":"CN","region":"440300","city":"深圳"},"updated_at":%q,"sku":"N-1"}`, id, title, updated)
}

func TestCatalogRoutes(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			base, key := catalogServer(t, e)
			put := func(path, body string, want int) map[string]any {
				t.Helper()
				return call(t, base, key, apiCall{"PUT", path, "application/json", strings.NewReader(body), want})
			}
			// Sellers.
			seller := `{"id":"S1","name":"深圳某店","country":"CN","region":"440300","identifiers":{"phone":"13800138000","id_number":"44030119900101123X"}}`
			out := put("/api/v1/sellers/S1", seller, 201)
			if out["seller"].(map[string]any)["org_id"] == "" || out["outcome"] != "accepted" {
				t.Errorf("new seller: got %v", out)
			}
			if out := put("/api/v1/sellers/S1", seller, 200); out["outcome"] != "unchanged" {
				t.Errorf("re-sent seller: got %v", out)
			}
			out = put("/api/v1/sellers/S2", `{"id":"S2","name":"x","country":"CN","nickname":"x"}`, 400)
			if errs := out["errors"].([]any); errs[0].(map[string]any)["field"] != "nickname" {
				t.Errorf("unknown seller field: got %v", out)
			}
			got := call(t, base, key, apiCall{"GET", "/api/v1/sellers/S1", "", nil, 200})
			if js, _ := json.Marshal(got); bytes.Contains(js, []byte("13800138000")) || got["identifier_hashes"] == nil {
				t.Errorf("seller read: got %s", js)
			}

			// Single listings: created, unchanged, changed, stale, invalid.
			out = put("/api/v1/listings/L1", listingBody("L1", "Air Max", "2026-11-26T08:00:00Z"), 201)
			if out["outcome"] != "accepted" || out["version"] != 1.0 {
				t.Errorf("new listing: got %v", out)
			}
			if out := put("/api/v1/listings/L1", listingBody("L1", "Air Max", "2026-11-26T08:00:00Z"), 200); out["outcome"] != "unchanged" {
				t.Errorf("re-sent listing: got %v", out)
			}
			if out := put("/api/v1/listings/L1", listingBody("L1", "Air Max 高仿", "2026-11-26T08:05:00Z"), 200); out["outcome"] != "accepted" || out["version"] != 2.0 {
				t.Errorf("changed listing: got %v", out)
			}
			if out := put("/api/v1/listings/L1", listingBody("L1", "old", "2026-11-26T07:00:00Z"), 200); out["outcome"] != "stale" || out["version"] != 2.0 {
				t.Errorf("stale listing: got %v", out)
			}
			out = put("/api/v1/listings/L1", strings.Replace(listingBody("L1", "x", "2026-11-26T08:00:00Z"), `"59.9"`, `"-1"`, 1), 422)
			if errs := out["errors"].([]any); errs[0].(map[string]any)["field"] != "price.amount" {
				t.Errorf("invalid listing: got %v", out)
			}
			put("/api/v1/listings/L9", listingBody("L1", "x", "2026-11-26T08:00:00Z"), 422)
			call(t, base, key, apiCall{"PUT", "/api/v1/listings/L1", "text/csv", strings.NewReader("a,b"), 415})
			call(t, base, key, apiCall{"PUT", "/api/v1/listings/L1", "application/json", strings.NewReader(strings.Repeat(" ", 1<<20+1)), 413})
			call(t, base, "", apiCall{"PUT", "/api/v1/listings/L1", "application/json", strings.NewReader(listingBody("L1", "x", "2026-11-26T08:00:00Z")), 401})

			// Reading back, with history.
			view := call(t, base, key, apiCall{"GET", "/api/v1/listings/L1", "", nil, 200})
			l := view["listing"].(map[string]any)
			if view["version"] != 2.0 || l["title"] != "Air Max 高仿" || l["sku"] != "N-1" || view["price"] != "CNY 59.90" {
				t.Errorf("current listing: got %v", view)
			}
			if l["price"].(map[string]any)["amount"] != "59.90" {
				t.Errorf("canonical amount: got %v", l["price"])
			}
			old := call(t, base, key, apiCall{"GET", "/api/v1/listings/L1?version=1", "", nil, 200})
			if old["listing"].(map[string]any)["title"] != "Air Max" || old["current_version"] != 2.0 {
				t.Errorf("version 1: got %v", old)
			}
			call(t, base, key, apiCall{"GET", "/api/v1/listings/L1?version=9", "", nil, 404})
			call(t, base, key, apiCall{"GET", "/api/v1/listings/L1?version=x", "", nil, 422})
			call(t, base, key, apiCall{"GET", "/api/v1/listings/nope", "", nil, 404})
			vs := call(t, base, key, apiCall{"GET", "/api/v1/listings/L1/versions?limit=1", "", nil, 200})
			if items := vs["items"].([]any); len(items) != 1 || vs["next_cursor"] != "1" {
				t.Fatalf("versions page 1: got %v", vs)
			}
			vs = call(t, base, key, apiCall{"GET", "/api/v1/listings/L1/versions?limit=1&cursor=1", "", nil, 200})
			if items := vs["items"].([]any); len(items) != 1 || items[0].(map[string]any)["version"] != 2.0 || vs["next_cursor"] != nil {
				t.Errorf("versions page 2: got %v", vs)
			}

			// A batch with bad lines: per-line problems with line numbers.
			batch := strings.Join([]string{
				listingBody("B1", "one", "2026-11-26T08:00:00Z"),
				"not json",
				listingBody("B2", "two", "2026-11-26T08:00:00Z"),
				listingBody("L1", "Air Max 高仿", "2026-11-26T08:05:00Z"),
				strings.Replace(listingBody("B3", "three", "2026-11-26T08:00:00Z"), `"CNY"`, `"RMB1"`, 1),
			}, "\n") + "\n"
			rep := call(t, base, key, apiCall{"POST", "/api/v1/listings:batch", "application/x-ndjson", strings.NewReader(batch), 200})
			if rep["lines"] != 5.0 || rep["accepted"] != 2.0 || rep["unchanged"] != 1.0 || rep["invalid"] != 2.0 {
				t.Errorf("batch counts: got %v", rep)
			}
			probs := rep["problems"].([]any)
			if len(probs) != 2 || probs[0].(map[string]any)["line"] != 2.0 || probs[1].(map[string]any)["line"] != 5.0 ||
				probs[1].(map[string]any)["errors"].([]any)[0].(map[string]any)["field"] != "price.currency" {
				t.Errorf("batch problems: got %v", probs)
			}
			rep = call(t, base, key, apiCall{"POST", "/api/v1/listings:batch?on_error=stop", "application/x-ndjson", strings.NewReader(batch), 200})
			if rep["stopped_at_line"] != 2.0 || rep["unchanged"] != 1.0 {
				t.Errorf("batch with on_error=stop: got %v", rep)
			}
			call(t, base, key, apiCall{"POST", "/api/v1/listings:batch?on_error=maybe", "application/x-ndjson", strings.NewReader(batch), 422})
			call(t, base, key, apiCall{"POST", "/api/v1/listings:batch", "application/json", strings.NewReader(batch), 415})
			// A body over the limit is refused as it streams, after the
			// lines before the limit were committed.
			over := io.MultiReader(strings.NewReader(listingBody("B9", "nine", "2026-11-26T08:00:00Z")+"\n"), &blankLines{n: MaxBatchBytes})
			rep = call(t, base, key, apiCall{"POST", "/api/v1/listings:batch", "application/x-ndjson", over, 413})
			if rep["accepted"] != 1.0 || rep["stopped_at_line"] == nil {
				t.Errorf("oversized batch: got %v", rep)
			}
			call(t, base, key, apiCall{"GET", "/api/v1/listings/B9", "", nil, 200})
		})
	}
}

// blankLines streams n bytes of blank lines (spaces, a newline every 1 KiB).
type blankLines struct{ n, pos int }

func (b *blankLines) Read(p []byte) (int, error) {
	if b.n <= 0 {
		return 0, io.EOF
	}
	k := min(len(p), b.n)
	for i := range p[:k] {
		p[i] = ' '
		if (b.pos+i)%1024 == 1023 {
			p[i] = '\n'
		}
	}
	b.n, b.pos = b.n-k, b.pos+k
	return k, nil
}

func TestCatalogOpenAPI(t *testing.T) {
	s := New(nil, Options{})
	if !slices.ContainsFunc(s.routes, func(rt route) bool { return rt.path == "/api/v1/listings/{id}" }) {
		s.registerCatalog()
	}
	doc := s.OpenAPI()
	paths := doc["paths"].(map[string]map[string]any)
	for _, p := range []string{"/api/v1/listings/{id}", "/api/v1/listings:batch", "/api/v1/listings/{id}/versions", "/api/v1/sellers/{id}"} {
		if paths[p] == nil {
			t.Errorf("OpenAPI lacks %s", p)
		}
	}
	defs := doc["components"].(map[string]any)["schemas"].(map[string]any)
	props := defs["ListingDoc"].(map[string]any)["properties"].(map[string]any)
	if props["seller_id"] == nil || props["ship_from"] == nil {
		t.Errorf("listing schema: got %v", props)
	}
}
