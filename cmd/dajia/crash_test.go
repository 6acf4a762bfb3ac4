package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dajia-project/dajia/internal/store/storetest"
)

// buildBinary compiles dajia once per test run.
var buildBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "dajia-bin")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "dajia")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startProcess runs `dajia serve` as a child process and waits until it answers.
func startProcess(t *testing.T, bin, addr, dataDir, dsn string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", addr, "--data-dir", dataDir, "--log-level", "error")
	cmd.Env = append(append(os.Environ(), "DAJIA_ADMIN_PASSWORD=admin-password-1", "DAJIA_ADMIN_EMAIL=admin@example.com", "DAJIA_DATABASE_URL="+dsn), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for i := 0; i < 300; i++ {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			return cmd
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("dajia did not start: %s", stderr.String())
	return nil
}

// TestSIGKILLLosesNothingAccepted registers organisations from several
// clients, kills the server with SIGKILL in mid-stream, restarts it on the
// same data, and checks that every registration that was answered 201 is
// there and the audit chain is intact.
func TestSIGKILLLosesNothingAccepted(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range storetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			dsn := ""
			if e.URL != "" {
				dsn = storetest.NewSchema(t, e.URL)
			}
			dataDir, addr := t.TempDir(), freeAddr(t)
			proc := startProcess(t, bin, addr, dataDir, dsn)
			base := "http://" + addr

			var mu sync.Mutex
			var acked []string
			stop := make(chan struct{})
			var wg sync.WaitGroup
			for worker := 0; worker < 4; worker++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						email := fmt.Sprintf("w%d-%d@crash.example", worker, i)
						body, _ := json.Marshal(map[string]any{"kind": "rights_holder", "legal_name": "Crash Test " + email, "country": "CN",
							"registration_number": "REG-" + email, "address": "1 Crash Road", "contact": map[string]any{"name": "x", "email": email},
							"owner": map[string]any{"email": email, "password": "owner-password-1"}})
						resp, err := http.Post(base+"/api/v1/organizations", "application/json", bytes.NewReader(body))
						if err != nil {
							return // the server is gone
						}
						var out struct {
							Organization struct{ ID string } `json:"organization"`
						}
						json.NewDecoder(resp.Body).Decode(&out)
						resp.Body.Close()
						if resp.StatusCode == http.StatusCreated {
							mu.Lock()
							acked = append(acked, out.Organization.ID)
							mu.Unlock()
						}
					}
				}()
			}
			// Let some registrations through, then kill without warning.
			for {
				mu.Lock()
				n := len(acked)
				mu.Unlock()
				if n >= 20 {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			if err := proc.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			proc.Wait()
			close(stop)
			wg.Wait()

			startProcess(t, bin, addr, dataDir, dsn)
			admin := login(t, base, "admin@example.com", "admin-password-1")
			for _, id := range acked {
				if status, out := admin.do("GET", "/api/v1/organizations/"+id, nil); status != 200 {
					t.Errorf("acknowledged organisation %s lost after SIGKILL: %d %v", id, status, out)
				}
			}
			if out := admin.must(200, "GET", "/api/v1/audit/verify", nil); out["ok"] != true {
				t.Errorf("audit chain after SIGKILL: %v", out)
			}
			t.Logf("%d acknowledged registrations survived SIGKILL", len(acked))
		})
	}
}
