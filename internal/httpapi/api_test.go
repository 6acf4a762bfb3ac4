package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/dajia-project/dajia/internal/store"
	"github.com/dajia-project/dajia/internal/store/storetest"
)

type problem struct {
	Status int    `json:"status"`
	Type   string `json:"type"`
	Detail string `json:"detail"`
	Errors []struct {
		Field  string `json:"field"`
		Detail string `json:"detail"`
	} `json:"errors"`
}

func decodeProblem(t *testing.T, raw []byte) problem {
	t.Helper()
	var p problem
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatalf("not a problem document: %s", raw)
	}
	return p
}

// counts snapshots the tables bad input must not change.
func counts(t *testing.T, w *world) map[string]int {
	t.Helper()
	out := map[string]int{}
	orgs, _, _ := w.db.Orgs(ctx, store.OrgFilter{}, store.Page{Limit: 500})
	out["organizations"] = len(orgs)
	rights, _, _ := w.db.Rights(ctx, store.RightFilter{Any: true}, store.Page{Limit: 500})
	out["rights"] = len(rights)
	entries, _, _ := w.db.AuditEntries(ctx, store.AuditFilter{Limit: 500})
	out["audit"] = len(entries)
	msgs, _, _ := w.db.Outbox(ctx, "", false, store.Page{Limit: 500})
	out["outbox"] = len(msgs)
	return out
}

func TestBadInputChangesNothing(t *testing.T) {
	w := newWorld(t, storetest.Engines()[0])
	owner := w.ids["aOwner"]
	validRight := func(number string) map[string]any {
		return map[string]any{"type": "trademark", "trademark": map[string]any{"office": "USPTO", "registration_number": number,
			"mark_text": "A", "nice_classes": []int{25}, "registered_on": "2020-01-01", "expires_on": "2030-01-01"},
			"certificates": []any{map[string]any{"document_id": w.docA.ID}}}
	}
	tests := []struct {
		name      string
		method    string
		path      string
		body      any
		header    map[string]string
		status    int
		field     string // a field the problem must name ("" = none required)
		problemOf string // substring of the problem type
	}{
		{"malformed JSON", "POST", "/api/v1/rights", []byte(`{"type": "trademark",`), nil, 400, "", "malformed"},
		{"not JSON at all", "POST", "/api/v1/rights", []byte(`type=trademark`), nil, 400, "", "malformed"},
		{"two JSON values", "POST", "/api/v1/rights", []byte(`{"type":"trademark"} {}`), nil, 400, "", "malformed"},
		{"unknown field", "POST", "/api/v1/rights", map[string]any{"type": "trademark", "colour": "red"}, nil, 400, "colour", "malformed"},
		{"unknown nested field", "POST", "/api/v1/rights", func() any {
			r := validRight("1")
			r["trademark"].(map[string]any)["owner_name"] = "x"
			return r
		}(), nil, 400, "owner_name", "malformed"},
		{"wrong type", "POST", "/api/v1/rights", map[string]any{"type": 7}, nil, 400, "type", "malformed"},
		{"wrong nested type", "POST", "/api/v1/rights", func() any {
			r := validRight("1")
			r["trademark"].(map[string]any)["nice_classes"] = "25"
			return r
		}(), nil, 400, "trademark.nice_classes", "malformed"},
		{"bad date", "POST", "/api/v1/rights", func() any {
			r := validRight("1")
			r["trademark"].(map[string]any)["expires_on"] = "31/12/2030"
			return r
		}(), nil, 400, "", "malformed"},
		{"missing required fields", "POST", "/api/v1/rights", map[string]any{"type": "trademark", "trademark": map[string]any{}}, nil, 422, "trademark.office", "invalid"},
		{"document of another organisation", "POST", "/api/v1/rights", func() any {
			r := validRight("1")
			r["certificates"] = []any{map[string]any{"document_id": "doc_does_not_exist"}}
			return r
		}(), nil, 422, "certificates[0].document_id", "invalid"},
		{"duplicate registration", "POST", "/api/v1/rights", func() any {
			r := validRight("10000001")
			r["trademark"].(map[string]any)["office"] = "CNIPA"
			return r
		}(), nil, 409, "", "conflict"},
		{"oversized body", "POST", "/api/v1/rights", []byte(`{"type":"` + strings.Repeat("x", 2<<20) + `"}`), nil, 413, "", "too-large"},
		{"wrong content type", "POST", "/api/v1/rights", []byte(`{}`), map[string]string{"Content-Type": "text/plain"}, 415, "", "unsupported"},
		{"empty body", "POST", "/api/v1/rights", []byte(``), nil, 400, "", "malformed"},
		{"file whose content is not what its name says", "POST", "/api/v1/documents", upload("licence.pdf", []byte("<html><script>alert(1)</script></html>")), nil, 422, "file", "invalid"},
		{"executable named as image", "POST", "/api/v1/documents", upload("photo.jpg", append([]byte("MZ\x90\x00"), make([]byte, 100)...)), nil, 422, "file", "invalid"},
		{"oversized upload", "POST", "/api/v1/documents", upload("big.pdf", append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("0"), 2<<20)...)), nil, 413, "", "too-large"},
		{"upload without a file", "POST", "/api/v1/documents", multipartBody{[]byte("--x--\r\n"), "multipart/form-data; boundary=x"}, nil, 422, "file", "invalid"},
		{"bad page size", "GET", "/api/v1/rights?limit=0", nil, nil, 422, "limit", "invalid"},
		{"bad review decision", "POST", "/api/v1/organizations/" + w.orgA.ID + "/review", map[string]any{"decision": "maybe"}, nil, 403, "", "forbidden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := counts(t, w)
			id := owner
			status, raw := w.requestWith(id, tt.method, tt.path, tt.body, tt.header)
			if status != tt.status {
				t.Fatalf("got %d %s, want %d", status, short(raw), tt.status)
			}
			p := decodeProblem(t, raw)
			if !strings.Contains(p.Type, tt.problemOf) || p.Status != status || p.Detail == "" {
				t.Errorf("got problem %+v, want type containing %q", p, tt.problemOf)
			}
			if tt.field != "" {
				found := false
				for _, e := range p.Errors {
					found = found || e.Field == tt.field
				}
				if !found {
					t.Errorf("got problem fields %+v, want %q named", p.Errors, tt.field)
				}
			}
			if after := counts(t, w); !equalCounts(before, after) {
				t.Errorf("bad input changed data: before %v, after %v", before, after)
			}
		})
	}

	// A reviewer's bad decision names the field.
	status, raw := w.request(w.ids["reviewer"], "POST", "/api/v1/rights/"+w.rightA.ID+"/review", map[string]any{"decision": "maybe"})
	if p := decodeProblem(t, raw); status != 422 || len(p.Errors) == 0 || p.Errors[0].Field != "decision" {
		t.Errorf("bad decision: got %d %s", status, raw)
	}
}

func equalCounts(a, b map[string]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestIdempotencyKey(t *testing.T) {
	w := newWorld(t, storetest.Engines()[0])
	id := w.ids["aOwner"]
	post := func(key string, body any) (int, []byte, http.Header) {
		raw, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", w.srv.URL+"/api/v1/rights", bytes.NewReader(raw))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", key)
		req.AddCookie(&http.Cookie{Name: SessionCookie, Value: id.session})
		req.Header.Set(CSRFHeader, w.api.CSRFToken(id.session))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var buf bytes.Buffer
		buf.ReadFrom(resp.Body)
		return resp.StatusCode, buf.Bytes(), resp.Header
	}
	body := map[string]any{"type": "trademark", "trademark": map[string]any{"office": "EUIPO", "registration_number": "018000001",
		"mark_text": "A", "nice_classes": []int{25}, "registered_on": "2020-01-01", "expires_on": "2030-01-01"},
		"certificates": []any{map[string]any{"document_id": w.docA.ID}}}
	s1, b1, _ := post("key-1", body)
	if s1 != 201 {
		t.Fatalf("first: got %d %s", s1, b1)
	}
	before := counts(t, w)
	s2, b2, h2 := post("key-1", body)
	if s2 != 201 || !bytes.Equal(b1, b2) || h2.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay: got %d %s (replayed=%q), want the first response", s2, b2, h2.Get("Idempotent-Replayed"))
	}
	if after := counts(t, w); !equalCounts(before, after) {
		t.Errorf("replay changed data: %v → %v", before, after)
	}
	body["territories"] = []string{"DE"}
	s3, b3, _ := post("key-1", body)
	if p := decodeProblem(t, b3); s3 != 422 || len(p.Errors) == 0 || p.Errors[0].Field != "Idempotency-Key" {
		t.Fatalf("reuse with another body: got %d %s, want 422 naming Idempotency-Key", s3, b3)
	}
	// A failed request (validation) is replayed as the same failure, not re-run.
	bad := map[string]any{"type": "trademark"}
	s4, b4, _ := post("key-2", bad)
	s5, b5, _ := post("key-2", bad)
	if s4 != 422 || s5 != 422 || !bytes.Equal(b4, b5) {
		t.Fatalf("replayed failure: got %d/%d", s4, s5)
	}
}

func TestCSRFAndSessionRules(t *testing.T) {
	w := newWorld(t, storetest.Engines()[0])
	id := w.ids["aOwner"]
	send := func(csrf, origin string) int {
		req, _ := http.NewRequest("POST", w.srv.URL+"/api/v1/rights", strings.NewReader(`{"type":"trademark"}`))
		req.Header.Set("Content-Type", "application/json")
		req.AddCookie(&http.Cookie{Name: SessionCookie, Value: id.session})
		if csrf != "" {
			req.Header.Set(CSRFHeader, csrf)
		}
		if origin != "" {
			req.Header.Set("Origin", origin)
			req.Header.Set("Sec-Fetch-Site", "cross-site")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	good := w.api.CSRFToken(id.session)
	for _, tt := range []struct {
		name       string
		csrf       string
		origin     string
		wantStatus int
	}{
		{"no token", "", "", 403},
		{"wrong token", strings.Repeat("0", 64), "", 403},
		{"another session's token", w.api.CSRFToken(w.ids["bOwner"].session), "", 403},
		{"cross-site with a good token", good, "https://evil.example", 403},
		{"good token", good, "", 422},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := send(tt.csrf, tt.origin); got != tt.wantStatus {
				t.Errorf("got %d, want %d", got, tt.wantStatus)
			}
		})
	}
	// API keys need no CSRF token: they are not sent by browsers on their own.
	status, _ := w.request(w.ids["integration"], "GET", "/api/v1/rights", nil)
	if status != 403 { // the integration role may not list rights, but it is authenticated
		t.Errorf("api key: got %d, want 403", status)
	}
	// A bogus key is 401, not 404 or 500.
	status, _ = w.request(&identity{key: "dajia_key_x.short"}, "GET", "/api/v1/rights", nil)
	if status != 401 {
		t.Errorf("malformed key: got %d, want 401", status)
	}
}

func TestOwnersSeeRightsExpiringWithin90Days(t *testing.T) {
	w := newWorld(t, storetest.Engines()[0])
	soon := w.app.Now().AddDate(0, 0, 40).Format("2006-01-02")
	status, raw := w.request(w.ids["aOwner"], "POST", "/api/v1/rights", map[string]any{"type": "trademark", "trademark": map[string]any{
		"office": "JPO", "registration_number": "5000001", "mark_text": "A", "nice_classes": []int{25},
		"registered_on": "2017-01-01", "expires_on": soon}, "certificates": []any{map[string]any{"document_id": w.docA.ID}}})
	if status != 201 {
		t.Fatalf("got %d %s", status, raw)
	}
	var created struct {
		ID           string `json:"id"`
		ExpiringSoon bool   `json:"expiring_soon"`
	}
	json.Unmarshal(raw, &created)
	if !created.ExpiringSoon {
		t.Errorf("a right expiring on %s is not flagged expiring_soon", soon)
	}
	status, raw = w.request(w.ids["aOwner"], "GET", "/api/v1/rights?expiring=true", nil)
	var list struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	json.Unmarshal(raw, &list)
	if status != 200 || len(list.Items) != 1 || list.Items[0].ID != created.ID {
		t.Fatalf("expiring list: got %d %s, want only %s", status, raw, created.ID)
	}
	// Another organisation's expiring rights never show.
	_, raw = w.request(w.ids["bOwner"], "GET", "/api/v1/rights?expiring=true", nil)
	json.Unmarshal(raw, &list)
	if len(list.Items) != 0 {
		t.Errorf("B sees A's expiring right: %s", raw)
	}
}
