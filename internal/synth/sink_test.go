package synth

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDirSink(t *testing.T) {
	dir := t.TempDir()
	s := DirSink(dir)
	f, err := s.Create("a/b/c.txt")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(f, "hello"); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "a", "b", "c.txt"))
	if err != nil || string(got) != "hello" {
		t.Errorf("got %q, %v; want %q", got, err, "hello")
	}
	for _, name := range []string{"../x", "/abs", "", "a/../../b"} {
		if _, err := s.Create(name); err == nil {
			t.Errorf("Create(%q) succeeded, want an error", name)
		}
	}
}

func TestMemSink(t *testing.T) {
	var s MemSink
	f, _ := s.Create("x")
	io.WriteString(f, "1")
	if _, ok := s.File("x"); ok {
		t.Error("file visible before Close")
	}
	f.Close()
	if b, ok := s.File("x"); !ok || string(b) != "1" {
		t.Errorf("got %q, %v; want \"1\", true", b, ok)
	}
	if err := f.Close(); err == nil {
		t.Error("second Close succeeded")
	}
	if got := strings.Join(s.Names(), ","); got != "x" {
		t.Errorf("got names %q, want x", got)
	}
}

func TestGenerateToDir(t *testing.T) {
	dir := t.TempDir()
	if _, err := Generate(Options{Listings: 50, Seed: 1, Brands: 2, Images: true}, DirSink(dir)); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{ProfileFile, SellersFile, SellerAnnotationsFile, ListingsFile, LabelsFile, AnnotationsFile, "images/ref/"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestOptionsRejected(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"no listings", Options{}, "listings"},
		{"too many brands", Options{Listings: 1, Brands: 301}, "brands"},
		{"ratios over one", Options{Listings: 1, FakeRatio: 0.8, HardNegativeRatio: 0.3}, "ratios"},
		{"negative ratio", Options{Listings: 1, FakeRatio: -0.5}, "ratios"},
		{"tiny images", Options{Listings: 1, ImageSize: 32}, "image size"},
		{"reference images", Options{Listings: 1, ReferenceImages: 21}, "reference"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out MemSink
			_, err := Generate(tc.opts, &out)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got error %v, want one mentioning %q", err, tc.want)
			}
			if n := len(out.Names()); n != 0 {
				t.Errorf("got %d files written for invalid options, want none", n)
			}
		})
	}
}

func TestNoFakes(t *testing.T) {
	_, sum := generate(t, Options{Listings: 300, Seed: 2, FakeRatio: NoFakes, HardNegativeRatio: NoFakes})
	if sum.Counterfeit != 0 || sum.Kinds[KindGenuine] != 300 {
		t.Errorf("got %d counterfeits and kinds %v, want only genuine listings", sum.Counterfeit, sum.Kinds)
	}
}

// failSink fails to create images.
type failSink struct{ MemSink }

func (f *failSink) Create(name string) (io.WriteCloser, error) {
	if strings.HasPrefix(name, "images/listings/") {
		return nil, os.ErrPermission
	}
	return f.MemSink.Create(name)
}

func TestImageErrorReturned(t *testing.T) {
	_, err := Generate(Options{Listings: 200, Seed: 1, Brands: 2, Images: true}, &failSink{})
	if err == nil || !strings.Contains(err.Error(), "permission") {
		t.Errorf("got %v, want the sink's permission error", err)
	}
}
