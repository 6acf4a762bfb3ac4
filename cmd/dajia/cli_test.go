package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/dajia-project/dajia/internal/store/storetest"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append(args, "--log-level", "error"), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestCLIUsersKeysAndMigrate(t *testing.T) {
	dir := t.TempDir()
	if code, out, errOut := runCLI(t, "migrate", "--data-dir", dir); code != 0 || !strings.Contains(out, "applied migrations") {
		t.Fatalf("migrate: %d %s %s", code, out, errOut)
	}
	if code, out, _ := runCLI(t, "migrate", "--data-dir", dir); code != 0 || !strings.Contains(out, "up to date") {
		t.Fatalf("second migrate: %d %s", code, out)
	}
	code, out, errOut := runCLI(t, "user", "create", "--data-dir", dir, "--email", "Rev@Example.com", "--password", "reviewer-pass-1", "--role", "reviewer")
	if code != 0 || !strings.Contains(out, "rev@example.com") {
		t.Fatalf("user create: %d %s %s", code, out, errOut)
	}
	// Bad input: a clear message naming the flag, exit 1, nothing created.
	code, _, errOut = runCLI(t, "user", "create", "--data-dir", dir, "--email", "not-an-email", "--password", "short", "--role", "wizard")
	if code != 1 || !strings.Contains(errOut, "--email") || !strings.Contains(errOut, "--password") || !strings.Contains(errOut, "--role") {
		t.Fatalf("bad user create: %d %s", code, errOut)
	}
	if code, _, errOut = runCLI(t, "user", "create", "--data-dir", dir, "--email", "x@example.com"); code != 2 || !strings.Contains(errOut, "--password is required") {
		t.Fatalf("missing flag: %d %s", code, errOut)
	}
	code, out, _ = runCLI(t, "user", "list", "--data-dir", dir)
	if code != 0 || !strings.Contains(out, "rev@example.com") || strings.Contains(out, "not-an-email") {
		t.Fatalf("user list: %s", out)
	}
	code, key, errOut := runCLI(t, "user", "key", "--data-dir", dir, "--email", "rev@example.com")
	key = strings.TrimSpace(key)
	if code != 0 || !strings.HasPrefix(key, "dajia_key_") || !strings.Contains(errOut, "shown only once") {
		t.Fatalf("user key: %d %q %s", code, key, errOut)
	}
	if code, out, _ = runCLI(t, "user", "disable", "--data-dir", dir, "--email", "rev@example.com"); code != 0 || !strings.Contains(out, "disabled") {
		t.Fatalf("disable: %d %s", code, out)
	}
	if _, out, _ = runCLI(t, "user", "list", "--data-dir", dir); !strings.Contains(out, "disabled") {
		t.Fatalf("list after disable: %s", out)
	}
	keyID := strings.SplitN(strings.TrimPrefix(key, "dajia_"), ".", 2)[0]
	if code, out, _ = runCLI(t, "user", "revoke-key", "--data-dir", dir, "--id", keyID); code != 0 || !strings.Contains(out, "revoked") {
		t.Fatalf("revoke-key: %d %s", code, out)
	}
	if code, out, _ = runCLI(t, "audit", "verify", "--data-dir", dir); code != 0 || !strings.Contains(out, "intact") {
		t.Fatalf("audit verify: %d %s", code, out)
	}
	if code, _, errOut = runCLI(t, "nonsense"); code != 2 || !strings.Contains(errOut, "unknown command") {
		t.Fatalf("unknown command: %d %s", code, errOut)
	}
}

func TestOperationsEndpoints(t *testing.T) {
	m, _ := startMain(t, storetest.Engines()[0])
	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ready", "/metrics": "go_goroutines"} {
		resp, err := http.Get(m.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Errorf("%s: got %d %.100s, want 200 containing %q", path, resp.StatusCode, body, want)
		}
	}
	// Read the whole response: the counter is incremented when the handler returns.
	if r, err := http.Get(m.URL() + "/api/v1/openapi.json"); err == nil {
		io.ReadAll(r.Body)
		r.Body.Close()
	}
	resp, _ := http.Get(m.URL() + "/metrics")
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `dajia_http_requests_total{code="200",route="GET /api/v1/openapi.json"}`) {
		t.Errorf("metrics miss the API request counter")
	}
}

func TestDemoWorld(t *testing.T) {
	cfg := Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), AdminEmail: "admin@example.com", AdminPassword: "admin-password-1",
		Demo: true, MaxUploadBytes: 1 << 20, LogFormat: "text", LogLevel: "error"}
	var out bytes.Buffer
	m := NewMain(cfg, &out, io.Discard)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	for _, want := range []string{"reviewer@demo.dajia.local", "ip@aurora.demo", "agent@shield.demo", "seller1@demo.dajia.local", DemoPassword} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	brand := login(t, m.URL(), "ip@aurora.demo", DemoPassword)
	rights := brand.must(200, "GET", "/api/v1/rights", nil)["items"].([]any)
	if len(rights) != 3 {
		t.Fatalf("Aurora's rights: got %d, want 3", len(rights))
	}
	for _, r := range rights {
		if u := r.(map[string]any)["usability"].(map[string]any); u["usable"] != true {
			t.Errorf("demo right not usable: %v", r)
		}
	}
	agent := login(t, m.URL(), "agent@shield.demo", DemoPassword)
	if got := len(agent.must(200, "GET", "/api/v1/rights", nil)["items"].([]any)); got != 3 {
		t.Errorf("agent sees %d of its principal's rights, want 3", got)
	}
	other := login(t, m.URL(), "brand@nimbus.demo", DemoPassword)
	if got := len(other.must(200, "GET", "/api/v1/rights", nil)["items"].([]any)); got != 3 {
		t.Errorf("Nimbus sees %d rights, want its own 3", got)
	}
	// A second start does not seed twice.
	m.Close()
	out.Reset()
	m2 := NewMain(cfg, &out, io.Discard)
	if err := m2.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m2.Close()
	if !strings.Contains(out.String(), "already present") {
		t.Errorf("second demo start: %s", out.String())
	}
}

func TestCLIHash(t *testing.T) {
	img := "../../internal/pdq/testdata/images/pen-and-coaster.png"
	hash := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), append([]string{"hash"}, args...), &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}
	code, out, errOut := hash(img, "cli_test.go")
	fields := strings.Split(strings.TrimSpace(out), ",")
	if code != 1 || len(fields) != 3 || len(fields[0]) != 64 || fields[2] != img || !strings.Contains(errOut, "cli_test.go") {
		t.Fatalf("dajia hash: exit %d, out %q, err %q", code, out, errOut)
	}
	if code, _, errOut := hash(); code != 2 || !strings.Contains(errOut, "usage") {
		t.Fatalf("no files: exit %d %q", code, errOut)
	}
}
