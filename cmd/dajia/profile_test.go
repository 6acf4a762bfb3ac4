package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dajia-project/dajia/internal/demo"
)

// TestProfileExportImport: export lists the verified marks; an import with
// errors names each field and changes nothing; a good import comes back on
// export with its data.
func TestProfileExportImport(t *testing.T) {
	dir := t.TempDir()
	cli := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), args, &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}
	// A world with verified marks: the demo, seeded by a first serve.
	cfg := Config{Addr: "127.0.0.1:0", DataDir: dir, AdminEmail: "admin@example.com", AdminPassword: "admin-password-1",
		MaxUploadBytes: 1 << 20, LogFormat: "text", LogLevel: "error"}
	m := NewMain(cfg, &bytes.Buffer{}, &bytes.Buffer{})
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	sys, err := system(context.Background(), m.App)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(context.Background(), m.App, sys); err != nil {
		t.Fatal(err)
	}
	m.Close()

	code, out, errOut := cli("profile", "export", "--data-dir", dir, "--log-level", "error")
	if code != 0 || !strings.Contains(out, `"id": "aurora"`) || !strings.Contains(out, "极光") {
		t.Fatalf("export: %d %s %s", code, out, errOut)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"version":1,"brands":[{"id":"aurora","names":["Aurora"],"reference_prices":[{"category":"shoes","amount":"-1","currency":"CNY"}]},{"id":"b","names":["B"],"colour":"red"}]}`), 0o600)
	code, _, errOut = cli("profile", "import", "--data-dir", dir, "--log-level", "error", bad)
	if code != 1 || !strings.Contains(errOut, "nothing changed") || !strings.Contains(errOut, "brands[0].reference_prices[0]") || !strings.Contains(errOut, "brands[1].colour") {
		t.Errorf("bad import: %d %s", code, errOut)
	}
	good := filepath.Join(dir, "good.json")
	os.WriteFile(good, demo.DetectProfile(), 0o600)
	if code, out, errOut := cli("profile", "import", "--data-dir", dir, "--log-level", "error", good); code != 0 || !strings.Contains(out, "imported 3 brands") {
		t.Fatalf("import: %d %s %s", code, out, errOut)
	}
	exported := filepath.Join(dir, "out.json")
	if code, _, errOut := cli("profile", "export", "--data-dir", dir, "--log-level", "error", "--out", exported); code != 0 {
		t.Fatalf("export --out: %d %s", code, errOut)
	}
	b, _ := os.ReadFile(exported)
	if !strings.Contains(string(b), `"699.00"`) || !strings.Contains(string(b), `"S-7"`) {
		t.Errorf("export after import lacks the imported prices and sellers: %s", b)
	}
	if code, _, errOut := cli("profile", "import", "--data-dir", dir); code != 2 || !strings.Contains(errOut, "usage") {
		t.Errorf("import without a file: %d %s", code, errOut)
	}
}
