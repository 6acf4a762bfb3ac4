package synth

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"github.com/dajia-project/dajia/internal/pdq"
)

func decodeFile(t *testing.T, out *MemSink, name string) image.Image {
	t.Helper()
	b, ok := out.File(name)
	if !ok {
		t.Fatalf("image %s was not written", name)
	}
	var img image.Image
	var err error
	switch {
	case strings.HasSuffix(name, ".png"):
		img, err = png.Decode(bytes.NewReader(b))
	case strings.HasSuffix(name, ".jpg"):
		img, err = jpeg.Decode(bytes.NewReader(b))
	default:
		t.Fatalf("image %s: unknown format", name)
	}
	if err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return img
}

func toRGBA(img image.Image) *image.RGBA {
	if m, ok := img.(*image.RGBA); ok {
		return m
	}
	b := img.Bounds()
	m := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := range b.Dy() {
		for x := range b.Dx() {
			m.Set(x, y, img.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	return m
}

// meanAbsDiff is the mean absolute difference per channel of two pictures
// of the same size.
func meanAbsDiff(a, b *image.RGBA) float64 {
	var sum, n int
	for y := range a.Rect.Dy() {
		for x := range a.Rect.Dx() {
			i, j := y*a.Stride+4*x, y*b.Stride+4*x
			for k := range 3 {
				d := int(a.Pix[i+k]) - int(b.Pix[j+k])
				sum += max(d, -d)
				n++
			}
		}
	}
	return float64(sum) / float64(n)
}

func TestImages(t *testing.T) {
	opts := Options{Listings: 400, Seed: 21, Brands: 4, Images: true}
	out, sum := generate(t, opts)
	w := readWorld(t, out)
	size := opts.withDefaults().ImageSize

	refHash := map[string]pdq.Hash{}
	var refs []string
	for _, b := range w.profile.Brands {
		if len(b.ReferenceImages) != 3 || len(b.NegativeImages) != 2 {
			t.Errorf("brand %s: got %d reference and %d negative images, want 3 and 2", b.ID, len(b.ReferenceImages), len(b.NegativeImages))
		}
		for _, ref := range append(append([]profileImage{}, b.ReferenceImages...), b.NegativeImages...) {
			img := decodeFile(t, out, ref.Path)
			if got := img.Bounds().Size(); got != image.Pt(size, size) {
				t.Errorf("%s: got size %v, want %dx%d", ref.Path, got, size, size)
			}
			h, q := pdq.HashImage(img)
			if q < 50 {
				t.Errorf("%s: got PDQ quality %d, want at least 50", ref.Path, q)
			}
			refHash[ref.Path] = h
			refs = append(refs, ref.Path)
		}
	}
	// Distinct photos are far apart for PDQ.
	for i, a := range refs {
		for _, b := range refs[i+1:] {
			if d := pdq.Distance(refHash[a], refHash[b]); d <= 31 {
				t.Errorf("%s and %s are %d bits apart, want more than 31", a, b, d)
			}
		}
	}

	files := map[string]bool{}
	var altered, near int
	for i, a := range w.notes {
		l := w.listings[i]
		if len(l.Images) != 1 || len(a.Images) != 1 || a.Images[0].Path != l.Images[0].URL {
			t.Fatalf("%s: images %v, notes %v", l.ID, l.Images, a.Images)
		}
		note := a.Images[0]
		files[note.Path] = true
		img := decodeFile(t, out, note.Path)
		switch {
		case note.Transform != nil:
			tr := note.Transform
			if got, want := img.Bounds().Size(), image.Pt(tr.Size[0], tr.Size[1]); got != want {
				t.Errorf("%s: got size %v, want %v", note.Path, got, want)
			}
			wantFrom := "images/ref/" + a.Brand + "-"
			if note.Origin == "negative" {
				wantFrom = "images/neg/" + a.Brand + "-"
			}
			if !strings.HasPrefix(note.From, wantFrom) {
				t.Errorf("%s (%s): made from %s, want one of %s*", l.ID, a.Kind, note.From, wantFrom)
			}
			// Re-applying the recorded transform to the source gives the
			// picture up to JPEG loss; another source does not.
			src := toRGBA(decodeFile(t, out, note.From))
			got := toRGBA(img)
			if d := meanAbsDiff(tr.apply(src), got); d > 6 {
				t.Errorf("%s: differs from its recorded transform of %s by %.1f per channel", note.Path, note.From, d)
			}
			other := refs[(indexOf(refs, note.From)+1)%len(refs)]
			if d := meanAbsDiff(tr.apply(toRGBA(decodeFile(t, out, other))), got); d < 15 {
				t.Errorf("%s: the transform of %s is as close (%.1f) as that of its source", note.Path, other, d)
			}
			h, _ := pdq.HashImage(img)
			if pdq.Distance(h, refHash[note.From]) <= 31 {
				near++
			}
			altered++
		case note.Origin == "stock":
			if got := img.Bounds().Size(); got != image.Pt(size, size) {
				t.Errorf("%s: got size %v, want %dx%d", note.Path, got, size, size)
			}
			if a.Counterfeit && a.Kind == KindFakeImage {
				t.Errorf("%s: fake_image with a stock photo", l.ID)
			}
		default: // an authorised reseller's official or genuine photo
			if a.Kind != KindAuthorised || refHash[note.Path] == (pdq.Hash{}) {
				t.Errorf("%s (%s): uses %s directly", l.ID, a.Kind, note.Path)
			}
		}
	}
	if altered == 0 {
		t.Fatal("no altered pictures")
	}
	// Altered copies stay within PDQ's match radius of their source.
	t.Logf("%d of %d altered pictures within 31 bits of their source", near, altered)
	if frac := float64(near) / float64(altered); frac < 0.85 {
		t.Errorf("got %d of %d altered pictures within 31 bits of their source, want 85%%", near, altered)
	}
	var written int
	for _, name := range out.Names() {
		if strings.HasPrefix(name, "images/") {
			written++
			if !strings.HasPrefix(name, "images/ref/") && !strings.HasPrefix(name, "images/neg/") && !files[name] {
				t.Errorf("%s is written but no listing uses it", name)
			}
		}
	}
	if written != sum.Images {
		t.Errorf("got %d image files, summary says %d", written, sum.Images)
	}
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}
