package httpapi

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/dajia-project/dajia/internal/store/storetest"
)

func (w *world) postCSV(id *identity, query, body string) (int, []byte) {
	w.t.Helper()
	return w.requestWith(id, "POST", "/api/v1/notices?"+query, []byte(body), map[string]string{"Content-Type": "text/csv"})
}

func TestBulkCSVNotice(t *testing.T) {
	w := newWorld(t, storetest.Engines()[0])
	owner := w.ids["aOwner"]
	for _, id := range []string{"L-10", "L-11", "L-12"} {
		status, raw := w.request(w.ids["admin"], "PUT", "/api/v1/listings/"+id, map[string]any{"id": id, "seller_id": w.sellerID, "title": "A shoes",
			"price": map[string]any{"amount": "10.00", "currency": "CNY"}, "markets": []string{"CN"}, "updated_at": "2026-11-01T00:00:00Z"})
		if status != 201 {
			t.Fatalf("listing: %d %s", status, raw)
		}
	}
	query := "attest=attest_truthfulness:cn-ecl-notice-1&signature=A+Owner&explanation=fakes&infringement_type=counterfeit"
	csv := "listing_id,right_id,infringement_type,evidence_ids,note\n" +
		"L-10," + w.rightA.ID + ",counterfeit,,\n" +
		"https://market.example/item/L-11," + w.rightA.ID + ",counterfeit,,seen on 1 Nov\n" +
		"L-404," + w.rightA.ID + ",counterfeit,,\n" + // no such listing
		"L-12,rt_nope,counterfeit,,\n" + // no such right
		"L-12," + w.rightA.ID + ",counterfeit,doc_missing,\n" // no such document
	before := counts(t, w)
	status, raw := w.postCSV(owner, query, csv)
	p := decodeProblem(t, raw)
	if status != 422 {
		t.Fatalf("CSV with bad rows: got %d %s, want 422", status, raw)
	}
	var lines []string
	for _, e := range p.Errors {
		lines = append(lines, e.Field)
	}
	want := []string{"line 4: listing_id", "line 5: right_id", "line 6: evidence_ids[0]"}
	if strings.Join(lines, "|") != strings.Join(want, "|") {
		t.Errorf("bad rows: got %v, want %v", lines, want)
	}
	if after := counts(t, w); !equalCounts(before, after) {
		t.Errorf("a refused CSV changed data: %v → %v", before, after)
	}
	// With partial=true the good rows are filed and the bad ones reported.
	status, raw = w.postCSV(owner, query+"&partial=true", csv)
	var rc struct {
		Items []struct {
			ListingID string `json:"listing_id"`
			State     string `json:"state"`
			Line      int    `json:"line"`
		} `json:"items"`
		Rejected []struct {
			Field string `json:"field"`
		} `json:"rejected"`
	}
	json.Unmarshal(raw, &rc)
	if status != 201 || len(rc.Items) != 2 || len(rc.Rejected) != 3 || rc.Items[1].ListingID != "L-11" || rc.Items[1].Line != 3 {
		t.Fatalf("partial: got %d %s", status, raw)
	}
	// A malformed file names the line; a missing attestation names it too.
	status, raw = w.postCSV(owner, query, "listing_id,colour\nL-10,red\n")
	if p := decodeProblem(t, raw); status != 422 || len(p.Errors) == 0 || p.Errors[0].Field != "line 1, column 2" {
		t.Errorf("unknown column: got %d %s", status, raw)
	}
	status, raw = w.postCSV(owner, "signature=x&infringement_type=counterfeit", "listing_id,right_id\nL-12,"+w.rightA.ID+"\n")
	if p := decodeProblem(t, raw); status != 422 || len(p.Errors) == 0 || p.Errors[0].Field != "attestations.attest_truthfulness" {
		t.Errorf("missing attestation: got %d %s", status, raw)
	}
}

func TestNoticeBadInput(t *testing.T) {
	w := newWorld(t, storetest.Engines()[0])
	owner := w.ids["aOwner"]
	base := func() map[string]any {
		return map[string]any{"right_id": w.rightA.ID, "infringement_type": "counterfeit", "explanation": "x", "signature": "A",
			"attestations": map[string]string{"attest_truthfulness": "cn-ecl-notice-1"}, "items": []any{map[string]any{"listing_id": "L-1"}}}
	}
	tests := []struct {
		name   string
		who    string
		mutate func(map[string]any)
		status int
		field  string
	}{
		{"another organisation's right", "bOwner", func(m map[string]any) {}, 422, "items[0].right_id"},
		{"unknown right", "aOwner", func(m map[string]any) { m["right_id"] = "rt_nope" }, 422, "items[0].right_id"},
		{"no listings", "aOwner", func(m map[string]any) { m["items"] = []any{} }, 422, "items"},
		{"unknown infringement type", "aOwner", func(m map[string]any) { m["infringement_type"] = "fakes" }, 422, "infringement_type"},
		{"stale attestation version", "aOwner", func(m map[string]any) { m["attestations"] = map[string]string{"attest_truthfulness": "v0"} }, 422, "attestations.attest_truthfulness"},
		{"listing named twice", "aOwner", func(m map[string]any) {
			m["items"] = []any{map[string]any{"listing_id": "L-3"}, map[string]any{"listing_id": "L-3"}}
		}, 422, "items[1].listing_id"},
		{"a seller files", "seller", func(m map[string]any) {}, 403, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := base()
			tt.mutate(m)
			before := counts(t, w)
			status, raw := w.request(w.ids[tt.who], "POST", "/api/v1/notices", m)
			if status != tt.status {
				t.Fatalf("got %d %s, want %d", status, raw, tt.status)
			}
			if tt.field != "" {
				p := decodeProblem(t, raw)
				found := false
				for _, e := range p.Errors {
					found = found || e.Field == tt.field
				}
				if !found {
					t.Errorf("got fields %+v, want %s", p.Errors, tt.field)
				}
			}
			if after := counts(t, w); !equalCounts(before, after) {
				t.Errorf("changed data: %v → %v", before, after)
			}
		})
	}
	// A listing already under an open item for the same right is a duplicate, not processed twice.
	status, raw := w.request(owner, "POST", "/api/v1/notices", base())
	if status != 201 || !strings.Contains(string(raw), `"state":"duplicate"`) {
		t.Errorf("duplicate: got %d %s", status, raw)
	}
	// A counter-notice by another seller is not found; a stale decision is refused.
	status, _ = w.request(w.ids["bOwner"], "POST", "/api/v1/items/"+w.item1+"/counter-notice", map[string]any{"statement": "x"})
	if status != 404 {
		t.Errorf("counter-notice by a stranger: got %d, want 404", status)
	}
	status, raw = w.request(w.ids["reviewer"], "POST", "/api/v1/items/"+w.item1+"/decision", map[string]any{"outcome": "action", "reason": "x", "rev": 0})
	if status != 409 {
		t.Errorf("decision on a changed item: got %d %s, want 409", status, raw)
	}
}
