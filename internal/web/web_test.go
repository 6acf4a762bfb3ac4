package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dajia-project/dajia/internal/app"
	"github.com/dajia-project/dajia/internal/store/storetest"
)

func TestRegisterPageBothLanguages(t *testing.T) {
	db, _ := storetest.Open(t, storetest.Engines()[0])
	s := New(app.New(db, nil, app.Options{}), slog.New(slog.DiscardHandler))
	for _, tt := range []struct {
		accept, query, want, lang string
	}{
		{"zh-CN,zh;q=0.9", "", "投诉、声明及处理结果公示", "zh-CN"},
		{"en-GB,en;q=0.8", "", "Register of notices and outcomes", "en"},
		{"zh-CN", "?lang=en", "Register of notices and outcomes", "en"},
	} {
		req := httptest.NewRequestWithContext(context.Background(), "GET", "/public/register"+tt.query, nil)
		req.Header.Set("Accept-Language", tt.accept)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		body, _ := io.ReadAll(rec.Body)
		if rec.Code != http.StatusOK || !strings.Contains(string(body), tt.want) || !strings.Contains(string(body), `lang="`+tt.lang+`"`) {
			t.Errorf("%s%s: got %d %.200s", tt.accept, tt.query, rec.Code, body)
		}
		if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
			t.Errorf("CSP: %q", csp)
		}
	}
}
