package deliver_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dajia-project/dajia/internal/deliver"
	"github.com/dajia-project/dajia/internal/fault"
)

func TestNewEndpointValidation(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	actions := []string{"action.*"}
	tests := []struct {
		name   string
		url    string
		topics []string
		desc   string
		// wantFields lists the fields named in the error, none when valid.
		wantFields []string
	}{
		{"https", "https://market.example/hooks/dajia", actions, "", nil},
		{"http with port and query", "http://10.0.0.7:8080/hook?source=dajia", actions, "", nil},
		{"upper-case scheme", "HTTPS://market.example/", actions, "", nil},
		{"several topics", "https://market.example/", []string{"action.remove_listing", "action.restore_listing", "organization.*", "*"}, "", nil},
		{"empty URL", "", actions, "", []string{"url"}},
		{"relative", "/hooks/dajia", actions, "", []string{"url"}},
		{"no scheme", "market.example/hooks", actions, "", []string{"url"}},
		{"ftp", "ftp://market.example/hooks", actions, "", []string{"url"}},
		{"javascript", "javascript:alert(1)", actions, "", []string{"url"}},
		{"file", "file:///etc/passwd", actions, "", []string{"url"}},
		{"no host", "https:///hooks", actions, "", []string{"url"}},
		{"port only", "https://:443/hooks", actions, "", []string{"url"}},
		{"credentials", "https://user:pass@market.example/", actions, "", []string{"url"}},
		{"fragment", "https://market.example/#x", actions, "", []string{"url"}},
		{"space", "https://market.example/a b", actions, "", []string{"url"}},
		{"bad port", "https://market.example:99999x/", actions, "", []string{"url"}},
		{"too long", "https://market.example/" + strings.Repeat("a", 2048), actions, "", []string{"url"}},
		{"no topics", "https://market.example/", nil, "", []string{"topics"}},
		{"empty topic", "https://market.example/", []string{""}, "", []string{"topics"}},
		{"inner wildcard", "https://market.example/", []string{"action.*.x"}, "", []string{"topics"}},
		{"bare prefix wildcard", "https://market.example/", []string{"action*"}, "", []string{"topics"}},
		{"upper case topic", "https://market.example/", []string{"Action.*"}, "", []string{"topics"}},
		{"double dot", "https://market.example/", []string{"action..x"}, "", []string{"topics"}},
		{"description too long", "https://market.example/", actions, strings.Repeat("说", 501), []string{"description"}},
		{"everything wrong", "ftp://x", []string{"a b"}, strings.Repeat("x", 501), []string{"url", "topics", "description"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, secret, err := deliver.NewEndpoint("org_market", tt.url, tt.topics, tt.desc, now)
			if tt.wantFields == nil {
				if err != nil {
					t.Fatalf("got %v, want a valid endpoint", err)
				}
				if !strings.HasPrefix(e.ID, "whe_") || !e.Enabled || e.OrgID != "org_market" || !e.CreatedAt.Equal(now) || !strings.HasPrefix(secret, "whsec_") {
					t.Fatalf("got %+v and secret %q", e, secret)
				}
				return
			}
			var inv *fault.Invalid
			if !errors.As(err, &inv) {
				t.Fatalf("got %v, want *fault.Invalid naming %v", err, tt.wantFields)
			}
			var got []string
			for _, f := range inv.Fields {
				got = append(got, f.Field)
			}
			if strings.Join(got, ",") != strings.Join(tt.wantFields, ",") {
				t.Fatalf("got fields %v (%v), want %v", got, err, tt.wantFields)
			}
		})
	}
}
