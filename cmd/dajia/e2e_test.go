package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/dajia-project/dajia/internal/demo"
	"github.com/dajia-project/dajia/internal/store/storetest"
)

// client is a test API client holding one identity.
type client struct {
	t       *testing.T
	base    string
	cookie  string
	csrf    string
	key     string
	headers map[string]string
}

func (c *client) do(method, path string, body any) (int, map[string]any) {
	c.t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case *multipart.Writer:
		panic("use upload")
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		rd, ct = bytes.NewReader(raw), "application/json"
	}
	return c.send(method, path, rd, ct)
}

func (c *client) send(method, path string, rd io.Reader, ct string) (int, map[string]any) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if c.cookie != "" {
		req.Header.Set("Cookie", "dajia_session="+c.cookie)
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	json.Unmarshal(raw, &out)
	if out == nil {
		out = map[string]any{"_raw": string(raw)}
	}
	for _, ck := range resp.Cookies() {
		if ck.Name == "dajia_session" {
			if !ck.Secure || !ck.HttpOnly || ck.SameSite == http.SameSiteDefaultMode {
				c.t.Errorf("session cookie flags: secure=%v httponly=%v samesite=%v", ck.Secure, ck.HttpOnly, ck.SameSite)
			}
			c.cookie = ck.Value
		}
	}
	return resp.StatusCode, out
}

// must asserts the status and returns the body.
func (c *client) must(want int, method, path string, body any) map[string]any {
	c.t.Helper()
	got, out := c.do(method, path, body)
	if got != want {
		c.t.Fatalf("%s %s: got %d %v, want %d", method, path, got, out, want)
	}
	return out
}

func (c *client) upload(name string, content []byte) map[string]any {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	status, out := c.send("POST", "/api/v1/documents", &buf, mw.FormDataContentType())
	if status != http.StatusCreated {
		c.t.Fatalf("upload %s: got %d %v", name, status, out)
	}
	return out
}

func login(t *testing.T, base, email, password string) *client {
	t.Helper()
	c := &client{t: t, base: base}
	out := c.must(200, "POST", "/api/v1/auth/login", map[string]any{"email": email, "password": password})
	c.csrf = out["csrf_token"].(string)
	if c.cookie == "" || c.csrf == "" {
		t.Fatalf("login %s: no session cookie or CSRF token", email)
	}
	return c
}

func pdf(s string) []byte { return demo.PDF(s) }

// startMain boots the real program on port 0 against the engine.
func startMain(t *testing.T, e storetest.Engine) (*Main, string) {
	t.Helper()
	dsn := ""
	if e.URL != "" {
		dsn = storetest.NewSchema(t, e.URL)
	}
	cfg := Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), DatabaseURL: dsn, AdminEmail: "admin@example.com",
		AdminPassword: "admin-password-1", MaxUploadBytes: 1 << 20, LogFormat: "text", LogLevel: "error"}
	var out bytes.Buffer
	m := NewMain(cfg, &out, io.Discard)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m, dsn
}

func register(t *testing.T, base, kind, name, email string) (*client, string) {
	t.Helper()
	anon := &client{t: t, base: base}
	out := anon.must(201, "POST", "/api/v1/organizations", map[string]any{
		"kind": kind, "legal_name": name, "country": "CN", "registration_number": "REG-" + email, "address": "1 Test Road, Shenzhen",
		"contact": map[string]any{"name": "IP Desk", "email": email},
		"owner":   map[string]any{"email": email, "password": "owner-password-1"},
	})
	orgID := out["organization"].(map[string]any)["id"].(string)
	return login(t, base, email, "owner-password-1"), orgID
}

// qualify uploads the qualification documents and submits the organisation.
func qualify(t *testing.T, c *client, orgID string) {
	t.Helper()
	lic := c.upload("licence.pdf", pdf("licence "+orgID))
	id := c.upload("id.png", pngBytes())
	c.must(200, "PATCH", "/api/v1/organizations/"+orgID, map[string]any{"documents": []any{
		map[string]any{"role": "business_licence", "document_id": lic["id"]},
		map[string]any{"role": "representative_id", "document_id": id["id"]},
	}})
	out := c.must(200, "POST", "/api/v1/organizations/"+orgID+"/submit", nil)
	if out["state"] != "submitted" {
		t.Fatalf("after submit: got state %v", out["state"])
	}
}

func pngBytes() []byte {
	// A 1x1 PNG.
	return []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")
}

func TestEndToEndRegistry(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(e.Name, func(t *testing.T) { endToEnd(t, e) })
	}
}

func endToEnd(t *testing.T, e storetest.Engine) {
	m, dsn := startMain(t, e)
	base := m.URL()

	// Admin creates a reviewer.
	admin := login(t, base, "admin@example.com", "admin-password-1")
	admin.must(201, "POST", "/api/v1/users", map[string]any{"email": "rev@example.com", "password": "reviewer-pass-1", "role": "reviewer"})
	reviewer := login(t, base, "rev@example.com", "reviewer-pass-1")

	// A rights holder registers, uploads its licence, submits; the reviewer verifies.
	rh, rhOrg := register(t, base, "rights_holder", "Aurora Athletics Co., Ltd.", "ip@aurora.example")
	qualify(t, rh, rhOrg)
	if out := reviewer.must(200, "POST", "/api/v1/organizations/"+rhOrg+"/review", map[string]any{"decision": "verify"}); out["state"] != "verified" {
		t.Fatalf("org review: got %v", out["state"])
	}

	// It files a trademark with its certificate; the reviewer verifies; the right is usable.
	cert := rh.upload("certificate.pdf", pdf("CNIPA 31245678"))
	right := rh.must(201, "POST", "/api/v1/rights", map[string]any{"type": "trademark", "trademark": map[string]any{
		"office": "CNIPA", "registration_number": "31245678", "mark_text": "AURORA 极光", "nice_classes": []int{25, 28},
		"registered_on": "2018-03-01", "expires_on": "2030-02-28"}, "certificates": []any{map[string]any{"document_id": cert["id"]}}})
	rightID := right["id"].(string)
	if u := right["usability"].(map[string]any); u["usable"] != false {
		t.Fatalf("unverified right reported usable: %v", u)
	}
	if c := right["certificates"].([]any)[0].(map[string]any); c["sha256"] != cert["sha256"] {
		t.Fatalf("certificate reference lost its hash: got %v, want %v", c["sha256"], cert["sha256"])
	}
	reviewer.must(200, "POST", "/api/v1/rights/"+rightID+"/review", map[string]any{"decision": "verify"})
	got := rh.must(200, "GET", "/api/v1/rights/"+rightID, nil)
	if u := got["usability"].(map[string]any); u["usable"] != true {
		t.Fatalf("verified right not usable: %v", u)
	}
	// A second claim to the same registration is refused.
	if status, _ := rh.do("POST", "/api/v1/rights", map[string]any{"type": "trademark", "trademark": map[string]any{
		"office": "CNIPA", "registration_number": "3124 5678", "mark_text": "AURORA", "nice_classes": []int{25},
		"registered_on": "2018-03-01", "expires_on": "2030-02-28"}, "certificates": []any{map[string]any{"document_id": cert["id"]}}}); status != 409 {
		t.Errorf("duplicate registration: got %d, want 409", status)
	}

	// An agent with a verified authorisation sees the right.
	agent, agentOrg := register(t, base, "agent", "Shield IP Services LLP", "desk@shield.example")
	qualify(t, agent, agentOrg)
	reviewer.must(200, "POST", "/api/v1/organizations/"+agentOrg+"/review", map[string]any{"decision": "verify"})
	if status, _ := agent.do("GET", "/api/v1/rights/"+rightID, nil); status != 404 {
		t.Fatalf("agent before authorisation: got %d, want 404", status)
	}
	letter := agent.upload("letter.pdf", pdf("authorisation letter"))
	au := agent.must(201, "POST", "/api/v1/authorizations", map[string]any{"principal_org_id": rhOrg, "right_ids": []string{rightID},
		"valid_from": "2026-01-01", "valid_until": "2028-12-31", "letter": map[string]any{"document_id": letter["id"]}})
	if status, _ := agent.do("GET", "/api/v1/rights/"+rightID, nil); status != 404 {
		t.Fatalf("agent with unverified authorisation: got %d, want 404", status)
	}
	reviewer.must(200, "POST", "/api/v1/authorizations/"+au["id"].(string)+"/review", map[string]any{"decision": "verify"})
	agent.must(200, "GET", "/api/v1/rights/"+rightID, nil)
	rights := agent.must(200, "GET", "/api/v1/rights", nil)["items"].([]any)
	if len(rights) != 1 || rights[0].(map[string]any)["id"] != rightID {
		t.Fatalf("agent's rights list: got %v", rights)
	}

	// Another rights holder and a seller get 404.
	other, _ := register(t, base, "rights_holder", "Other Brand Ltd.", "ip@other.example")
	if status, _ := other.do("GET", "/api/v1/rights/"+rightID, nil); status != 404 {
		t.Errorf("other rights holder: got %d, want 404", status)
	}
	if status, _ := other.do("GET", "/api/v1/organizations/"+rhOrg, nil); status != 404 {
		t.Errorf("other rights holder reading the org: got %d, want 404", status)
	}
	seller := admin.must(201, "POST", "/api/v1/organizations", map[string]any{"kind": "seller", "legal_name": "Putian Sneaker World", "country": "CN"})
	sellerOrg := seller["organization"].(map[string]any)["id"].(string)
	admin.must(201, "POST", "/api/v1/users", map[string]any{"org_id": sellerOrg, "email": "shop@putian.example", "password": "seller-pass-12", "role": "owner"})
	sellerC := login(t, base, "shop@putian.example", "seller-pass-12")
	if status, _ := sellerC.do("GET", "/api/v1/rights/"+rightID, nil); status != 404 {
		t.Errorf("seller: got %d, want 404", status)
	}
	if status, out := sellerC.do("GET", "/api/v1/documents/"+cert["id"].(string), nil); status != 404 {
		t.Errorf("seller reading the certificate: got %d %v, want 404", status, out)
	}

	// The audit chain verifies, through the API and the CLI...
	if out := admin.must(200, "GET", "/api/v1/audit/verify", nil); out["ok"] != true {
		t.Fatalf("audit verify: got %v", out)
	}
	entries := admin.must(200, "GET", "/api/v1/audit?object_type=right&object_id="+rightID, nil)["items"].([]any)
	if len(entries) != 2 {
		t.Fatalf("audit entries of the right: got %d, want 2 (create, review)", len(entries))
	}
	cli := func() (int, string) {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), []string{"audit", "verify", "--data-dir", m.Config.DataDir, "--database-url", dsn, "--log-level", "error"}, &stdout, &stderr)
		return code, stdout.String() + stderr.String()
	}
	if code, out := cli(); code != 0 || !strings.Contains(out, "intact") {
		t.Fatalf("dajia audit verify: exit %d: %s", code, out)
	}
	// ...and fails once one audit row is edited in the database.
	if err := m.DB.Exec(context.Background(), `UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 5`); err != nil {
		t.Fatal(err)
	}
	out := admin.must(200, "GET", "/api/v1/audit/verify", nil)
	if out["ok"] != false || out["break"].(map[string]any)["seq"] != float64(5) {
		t.Fatalf("audit verify after tampering: got %v, want a break at 5", out)
	}
	if code, msg := cli(); code != 1 || !strings.Contains(msg, "BROKEN") {
		t.Fatalf("dajia audit verify after tampering: exit %d: %s", code, msg)
	}
	_ = fmt.Sprint
}
