package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/dajia-project/dajia/internal/synth"
)

// cmdDemo runs the demo tools: "dajia demo generate" writes a synthetic
// marketplace (profile, sellers, listings, images, labels).
func cmdDemo(_ context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "generate" {
		return usagef("usage: dajia demo generate --listings N --seed S --out DIR [--images=false]")
	}
	fs := newFlagSet("demo generate", stderr)
	n := fs.Int("listings", 10000, "number of listings")
	seed := fs.Uint64("seed", 1, "random seed: the same seed writes the same files")
	out := fs.String("out", "", "directory to write into (created if missing)")
	images := fs.Bool("images", true, "render product images (slower; without them image signals cannot be tested)")
	brands := fs.Int("brands", 0, "number of invented brands (default 20)")
	if err := fs.Parse(args[1:]); err != nil {
		return usagef("%v", err)
	}
	if *out == "" {
		return usagef("--out is required")
	}
	start := time.Now()
	sum, err := synth.Generate(synth.Options{Listings: *n, Seed: *seed, Images: *images, Brands: *brands}, synth.DirSink(*out))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d listings (%d images) to %s in %s: profile.json, sellers.ndjson, listings.ndjson, labels.ndjson, annotations.ndjson\n",
		*n, sum.Images, *out, time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(stdout, "score them: dajia scan --profile %[1]s/profile.json --labels %[1]s/labels.ndjson %[1]s/listings.ndjson > suspected.ndjson\n", *out)
	return nil
}
