package synth

import (
	"io"
	"testing"
)

// discard is a Sink that throws everything away.
type discard struct{}

func (discard) Create(string) (io.WriteCloser, error) { return nopCloser{}, nil }

type nopCloser struct{}

func (nopCloser) Write(p []byte) (int, error) { return len(p), nil }
func (nopCloser) Close() error                { return nil }

// BenchmarkGenerate reports listings generated per second, written to a
// discarding sink:
//
//	go test -run '^$' -bench Generate ./internal/synth/
func BenchmarkGenerate(b *testing.B) {
	for _, bc := range []struct {
		name     string
		listings int
		images   bool
	}{{"text", 20000, false}, {"images", 2000, true}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Generate(Options{Listings: bc.listings, Seed: 1, Images: bc.images}, discard{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(bc.listings*b.N)/b.Elapsed().Seconds(), "listings/s")
		})
	}
}
