package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/dajia-project/dajia/internal/synth"
)

// TestScanWorldQuality generates a marketplace with ground truth (seed 7,
// with images: evasions, re-uploaded brand photos, hard negatives such as
// accessories, second-hand genuine goods and authorised resellers) and
// runs `dajia scan --labels` on it: precision must be at least 0.95 and
// recall at least 0.90 at the default threshold. It uses 10,000 listings;
// DAJIA_TEST_WORLD=100000 runs the full-size world (minutes).
func TestScanWorldQuality(t *testing.T) {
	n := 10000
	if v := os.Getenv("DAJIA_TEST_WORLD"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1000 {
			t.Fatalf("DAJIA_TEST_WORLD=%q: want a number of listings ≥ 1000", v)
		}
	}
	dir := t.TempDir()
	if _, err := synth.Generate(synth.Options{Listings: n, Seed: 7, Images: true}, synth.DirSink(dir)); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"scan", "--profile", filepath.Join(dir, synth.ProfileFile), "--labels", filepath.Join(dir, synth.LabelsFile),
		filepath.Join(dir, synth.ListingsFile)}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("scan exit %d: %s", code, stderr.String())
	}
	var p, r, f1 float64
	var tp, fp, fn, tn int
	var against string
	found := false
	for _, line := range bytes.Split(stderr.Bytes(), []byte("\n")) {
		if _, err := fmt.Sscanf(string(line), "against %s precision %f, recall %f, F1 %f (TP %d, FP %d, FN %d, TN %d)", &against, &p, &r, &f1, &tp, &fp, &fn, &tn); err == nil {
			found = true
		}
	}
	if !found {
		t.Fatalf("scan printed no precision/recall line: %s", stderr.String())
	}
	t.Logf("%d listings: precision %.4f, recall %.4f, F1 %.4f (TP %d, FP %d, FN %d, TN %d)", n, p, r, f1, tp, fp, fn, tn)
	if tp+fp+fn+tn != n {
		t.Errorf("scored %d listings, want %d", tp+fp+fn+tn, n)
	}
	if p < 0.95 || r < 0.90 {
		t.Errorf("precision %.4f (want ≥ 0.95), recall %.4f (want ≥ 0.90)", p, r)
	}
}
