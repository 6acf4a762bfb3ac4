package synth

import (
	"os"
	"testing"
	"time"
)

// TestLargeWorld writes a world of SYNTH_LISTINGS listings to SYNTH_DIR and
// reports the time; skipped unless both are set.
func TestLargeWorld(t *testing.T) {
	dir := os.Getenv("SYNTH_DIR")
	if dir == "" {
		t.Skip("set SYNTH_DIR (and SYNTH_IMAGES=1) to time a 100,000-listing world")
	}
	start := time.Now()
	sum, err := Generate(Options{Listings: 100000, Seed: 1, Images: os.Getenv("SYNTH_IMAGES") == "1"}, DirSink(dir))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d listings, %d images, %d text bytes in %v", sum.Listings, sum.Images, sum.TextBytes, time.Since(start))
}
