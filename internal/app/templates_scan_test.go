package app

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/dajia-project/dajia/internal/notice"
)

// machineTemplates lists the template names internal/notice sends: string
// literals passed to notify, and the "<timer kind>.overdue" escalations.
func machineTemplates(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../notice/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("read the notice package: %v", err)
	}
	re := regexp.MustCompile(`notify\([A-Za-z.]+, "([a-z_.0-9]+)"`)
	seen := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			seen[m[1]] = true
		}
	}
	for _, k := range []notice.TimerKind{notice.TimerReviewSLA, notice.TimerComplaintSLA} {
		seen[string(k)+".overdue"] = true
	}
	var out []string
	for k := range seen {
		out = append(out, k)
	}
	if len(out) < 10 {
		t.Fatalf("found only %d templates in the state machine; the scan is broken", len(out))
	}
	return out
}
