package synth

import (
	"bytes"
	"testing"
)

// generate runs Generate into memory and fails the test on error.
func generate(t testing.TB, opts Options) (*MemSink, Summary) {
	t.Helper()
	out := new(MemSink)
	sum, err := Generate(opts, out)
	if err != nil {
		t.Fatalf("Generate(%+v): %v", opts, err)
	}
	return out, sum
}

func TestDeterministic(t *testing.T) {
	opts := Options{Listings: 300, Seed: 7, Images: true, Brands: 5}
	a, _ := generate(t, opts)
	opts.Workers = 1
	b, _ := generate(t, opts)
	if got, want := b.Names(), a.Names(); !equalStrings(got, want) {
		t.Fatalf("files differ: got %d names, want %d", len(got), len(want))
	}
	for _, name := range a.Names() {
		x, _ := a.File(name)
		y, _ := b.File(name)
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs with the same seed", name)
		}
	}
	opts.Seed = 8
	c, _ := generate(t, opts)
	for _, name := range []string{ProfileFile, SellersFile, ListingsFile, LabelsFile} {
		x, _ := a.File(name)
		y, _ := c.File(name)
		if bytes.Equal(x, y) {
			t.Errorf("%s is the same for seeds 7 and 8", name)
		}
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
