package httpapi

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/dajia-project/dajia/internal/store/storetest"
)

// TestOpenAPIMatchesServedRoutes fetches the served document and checks,
// both ways, that it describes exactly what the server answers.
func TestOpenAPIMatchesServedRoutes(t *testing.T) {
	w := newWorld(t, storetest.Engines()[0])
	status, raw := w.request(w.ids["anon"], "GET", "/api/v1/openapi.json", nil)
	if status != 200 {
		t.Fatalf("got %d", status)
	}
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
		Comps   struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("got openapi %q, want 3.1.0", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			documented[strings.ToUpper(method)+" "+path] = true
			if op["summary"] == "" || op["responses"] == nil {
				t.Errorf("%s %s: no summary or responses", method, path)
			}
		}
	}
	// Every served route is documented.
	for _, rt := range w.api.routes {
		if !documented[rt.method+" "+rt.path] {
			t.Errorf("served route %s %s is not in the OpenAPI document", rt.method, rt.path)
		}
	}
	// Every documented route is served: the mux resolves it to a route
	// handler (not the catch-all 404 and not 405).
	param := regexp.MustCompile(`\{\w+\}`)
	for key := range documented {
		method, path, _ := strings.Cut(key, " ")
		req, _ := http.NewRequest(method, "http://x"+param.ReplaceAllString(path, "x1"), nil)
		_, pattern := w.api.mux.Handler(req)
		if pattern != method+" "+path {
			t.Errorf("documented %s resolves to %q, not to its own handler", key, pattern)
		}
	}
	// Every $ref resolves.
	for _, ref := range regexp.MustCompile(`"\$ref":"#/components/schemas/(\w+)"`).FindAllStringSubmatch(string(raw), -1) {
		if doc.Comps.Schemas[ref[1]] == nil {
			t.Errorf("dangling $ref %s", ref[1])
		}
	}
}
