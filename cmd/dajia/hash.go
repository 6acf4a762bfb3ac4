package main

import (
	"context"
	"fmt"
	"io"

	"github.com/dajia-project/dajia/internal/pdq"
)

// cmdHash prints the PDQ perceptual hash of each image as the reference
// tool does: "hash,quality,file". A file that cannot be hashed is reported
// on stderr and makes the exit status 1; the others are still printed.
func cmdHash(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("hash", stderr)
	maxBytes := fs.Int64("max-bytes", 32<<20, "largest image file accepted, in bytes")
	maxPixels := fs.Int64("max-pixels", 50_000_000, "largest image accepted, in pixels (decompression-bomb guard)")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if fs.NArg() == 0 {
		return usagef("usage: dajia hash FILE... (JPEG, PNG, GIF or WebP)")
	}
	lim := pdq.Limits{MaxBytes: *maxBytes, MaxPixels: *maxPixels}
	failed := 0
	for _, path := range fs.Args() {
		h, q, err := pdq.HashFile(path, lim)
		if err != nil {
			fmt.Fprintf(stderr, "dajia hash: %v\n", err)
			failed++
			continue
		}
		fmt.Fprintln(stdout, pdq.FormatLine(h, q, path))
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d files could not be hashed", failed, fs.NArg())
	}
	return nil
}
