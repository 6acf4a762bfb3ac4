package pdq

import (
	"bufio"
	"image"
	"image/color"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func decodeFile(t testing.TB, name string) image.Image {
	t.Helper()
	f, err := os.Open("testdata/images/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := Decode(f, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func mustParse(t testing.TB, s string) Hash {
	t.Helper()
	h, err := ParseHash(s)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// referenceCases are the C++ reference tool's outputs (see
// testdata/README.md) with the largest distance we accept. maxDist records
// what this implementation achieves with Go's image/jpeg decoder, so that
// any regression fails; the differences come from decoding (Go's IDCT
// versus libjpeg's), not from the hashing arithmetic, which
// TestHashImageMatchesExactPipeline checks separately.
var referenceCases = []struct {
	file    string
	want    string
	quality int // -1: not published
	maxDist int
}{
	// 256x256 LabelMe images: no resizing involved.
	{"q0003.jpg", "54a977c221d14c1c43ba5e4e21d4a13989a3553f1462611cbb87fda7be83b677", 2, 14}, // reference quality 3
	{"q0004.jpg", "992d44af36d69e6ca6b812485928bac11def254ef539ac6d07466c9abcc65b92", 4, 2},
	{"q0122.jpg", "cfb2009ddd21c6dab0846a7745b5984757a8a4535b3377aea2591d32b33ff840", 100, 6},
	{"q0291.jpg", "a0fe94f1e5cc1cc8dd855948498dc9243f7ca27336f036d7f212b74bc103c9a7", 100, 0},
	{"q0746.jpg", "3049d96239e24d4dca2c55512b8b9b77425f4dbcf575a0a95555aaab5554aaaa", 100, 4},
	{"q1050.jpg", "489db672e9190276d452aeab41eba20f02375fe4092d88defdf491a5c55c5f70", 100, 0},
	{"q2821.jpg", "b150231ffae4710ffcf4f18bb574b109a576f14bb8543189f8743289f174b109", 100, 0},
	// 1600x1004 photo in 8 orientations, squashed to 512x512 (quality 100).
	{"bridge-1-original.jpg", "f8f8f0cce0f4e84d0e370a22028f67f0b36e2ed596623e1d33e6339c4e9c9b22", 100, 10},
	{"bridge-2-rotate-90.jpg", "b0a10efd71cc3f429413d48d0ffffe12e34e0e17ada952a9d29684210aa9e5af", 100, 12},
	{"bridge-3-rotate-180.jpg", "adad5a64b5a142e55362a09057dacd5ae63b847fc23794b766b319361fc93188", 100, 8},
	{"bridge-4-rotate-270.jpg", "a5f4a457a48995e8c9065c275aaa5498b61ba4bdf8fcf80387c32f8b0bfc4f05", 100, 4},
	{"bridge-5-flipx.jpg", "f8f80f31e0f417b00e37f5cd028f980fb36ed02a9662c1e233e6cc634e9c64dd", 100, 4},
	{"bridge-6-flipy.jpg", "8dad2599b1a1bd1853625f6553da32a1e63b7280c2374b4866b366c91bc9ce77", 100, 12},
	{"bridge-7-flip-plus-1.jpg", "f0a1f102f1dcc0bd9c5309720fff018de34ef1e8ada9a956d2967ade0ea91a50", 100, 10},
	{"bridge-8-flip-minus-1.jpg", "a5f05ba8a4896a17c106a3da5aaaab07b61b5b42f8fc07fc83c3d0740bfcb0fa", 100, 8},
	{"pen-and-coaster.png", "1f811b9d2e7fbc6613c0c3f30e041f9df69b836303e10f067fcdfc12c02d01f9", 100, 4},
	// C++ core via the pdqhash Python binding (PIL decode, no resize).
	{"rgb.jpeg", "fb4eed46cb8a6c78819ca06b756c541f7b07ef6d02c82fccd00f862166272cda", 100, 0},
	{"LA.png", "accb6d39648035f8125c8ce6ba65007de7b54c67a2d93ef7b8f33b0611306715", 100, 0},
	// Python and WASM builds (no C++ CLI output published).
	{"wee.jpg", "6227401f601ff4ccafcc9fad4b0d95d371a2eb7265a3285234d228ca94deeb2d", -1, 2},
	{"small.jpg", "0007001f003f003f007f00ff00ff00ff01ff01ff01ff03ff03ff03ff03ff03ff", 0, 0},
}

func TestHashMatchesReference(t *testing.T) {
	for _, tc := range referenceCases {
		t.Run(tc.file, func(t *testing.T) {
			img := decodeFile(t, tc.file)
			got, q := HashImage(img)
			d := Distance(got, mustParse(t, tc.want))
			if d > tc.maxDist {
				t.Errorf("hash %s is %d bits from reference %s, want <= %d", got, d, tc.want, tc.maxDist)
			}
			if q >= 80 && d > 12 {
				t.Errorf("quality %d hash %d bits from reference, want <= 12", q, d)
			}
			if tc.quality >= 0 && q != tc.quality {
				t.Errorf("quality = %d, want %d", q, tc.quality)
			}
		})
	}
}

// TestHashImageMatchesExactPipeline checks the fast path (sparse blur
// operator, direct pixel access, sampled chroma upsampling) against the
// reference-exact HashLuma fed by an independent whole-image conversion.
func TestHashImageMatchesExactPipeline(t *testing.T) {
	imgs := map[string]image.Image{}
	for _, tc := range referenceCases {
		imgs[tc.file] = decodeFile(t, tc.file)
	}
	r := rand.New(rand.NewPCG(9, 9))
	for _, sz := range []image.Point{{5, 5}, {64, 64}, {64, 300}, {129, 77}, {511, 512}, {513, 200}, {1000, 1000}} {
		g := image.NewGray(image.Rect(0, 0, sz.X, sz.Y))
		for i := range g.Pix {
			g.Pix[i] = uint8(r.IntN(256))
		}
		imgs["gray-"+strconv.Itoa(sz.X)+"x"+strconv.Itoa(sz.Y)] = g
	}
	pal := image.NewPaletted(image.Rect(0, 0, 90, 70), []color.Color{color.Black, color.White, color.RGBA{200, 30, 40, 255}})
	for i := range pal.Pix {
		pal.Pix[i] = uint8(r.IntN(3))
	}
	imgs["paletted"] = pal
	offset := image.NewRGBA(image.Rect(-7, 3, 93, 83)) // non-zero origin, generic
	for i := range offset.Pix {
		offset.Pix[i] = uint8(r.IntN(256))
	}
	imgs["rgba-offset"] = offset
	imgs["rgba64-generic"] = toRGBA64(imgs["q1050.jpg"])

	for name, img := range imgs {
		t.Run(name, func(t *testing.T) {
			l := lumaOf(img)
			want, wantQ := HashLuma(l.pix, l.w, l.h)
			got, q := HashImage(img)
			if d := Distance(got, want); d > 1 {
				t.Errorf("HashImage = %s, exact pipeline %s: %d bits apart, want <= 1", got, want, d)
			}
			if q != wantQ {
				t.Errorf("quality = %d, exact pipeline %d", q, wantQ)
			}
		})
	}
}

func toRGBA64(img image.Image) image.Image {
	b := img.Bounds()
	out := image.NewRGBA64(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			out.Set(x, y, img.At(x, y))
		}
	}
	return out
}

func TestHashTooSmall(t *testing.T) {
	for _, sz := range []image.Point{{0, 0}, {4, 100}, {100, 4}} {
		got, q := HashImage(image.NewGray(image.Rect(0, 0, sz.X, sz.Y)))
		if got != (Hash{}) || q != 0 {
			t.Errorf("HashImage(%v) = %s, %d; want zero hash, quality 0", sz, got, q)
		}
	}
	if got, q := HashLuma(make([]float32, 16), 4, 4); got != (Hash{}) || q != 0 {
		t.Errorf("HashLuma(4x4) = %s, %d; want zero hash, quality 0", got, q)
	}
}

// transformImage applies t to img pixel by pixel, with the orientation
// conventions of the reference's dihedral outputs (checked against the
// bridge-*.jpg files in TestDihedralMatchesRotatedFiles).
func transformImage(img *image.Gray, t Transform) *image.Gray {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	ow, oh := w, h
	if t == Rotate90 || t == Rotate270 || t == FlipPlus1 || t == FlipMinus1 {
		ow, oh = h, w
	}
	out := image.NewGray(image.Rect(0, 0, ow, oh))
	for y := range h {
		for x := range w {
			var ox, oy int
			switch t {
			case Original:
				ox, oy = x, y
			case Rotate90: // counter-clockwise
				ox, oy = y, w-1-x
			case Rotate180:
				ox, oy = w-1-x, h-1-y
			case Rotate270:
				ox, oy = h-1-y, x
			case FlipX: // upside down
				ox, oy = x, h-1-y
			case FlipY: // left-right
				ox, oy = w-1-x, y
			case FlipPlus1:
				ox, oy = y, x
			case FlipMinus1:
				ox, oy = h-1-y, w-1-x
			}
			out.Pix[oy*out.Stride+ox] = img.Pix[y*img.Stride+x]
		}
	}
	return out
}

func TestDihedralMatchesPixelTransforms(t *testing.T) {
	// A 64x64 image is hashed without blurring, so transforming the pixels
	// and transforming the DCT must agree up to float rounding.
	r := rand.New(rand.NewPCG(11, 12))
	img := image.NewGray(image.Rect(0, 0, 64, 64))
	for y := range 64 {
		for x := range 64 {
			img.Pix[y*64+x] = uint8(128 + 60*sinApprox(float64(x)/9+float64(y*y)/300) + float64(r.IntN(40)))
		}
	}
	dih, q := Dihedral(img)
	for tr := range Transform(8) {
		t.Run(tr.String(), func(t *testing.T) {
			want, wq := HashImage(transformImage(img, tr))
			if d := Distance(dih[tr], want); d > 2 {
				t.Errorf("Dihedral[%v] = %s, hash of transformed pixels %s: %d bits apart, want <= 2", tr, dih[tr], want, d)
			}
			if q != wq {
				t.Errorf("quality %d, transformed image quality %d", q, wq)
			}
		})
	}
}

func sinApprox(x float64) float64 {
	// A smooth periodic function without importing math in tests.
	x -= 6.283185307179586 * float64(int(x/6.283185307179586))
	return x*(3.14159-x)*(6.28318-x)/10 - 0.5
}

func TestDihedralMatchesReference(t *testing.T) {
	img := decodeFile(t, "bridge-1-original.jpg")
	dih, q := Dihedral(img)
	if q != 100 {
		t.Errorf("quality = %d, want 100", q)
	}
	if h, _ := HashImage(img); dih[Original] != h {
		t.Errorf("Dihedral[orig] = %s, HashImage %s; want equal", dih[Original], h)
	}
	// pdq-photo-hasher --pdqdih bridge-1-original.jpg (2019 regression output).
	want := [8]string{
		"f8f8f0cce0f4e84d0e370a22028f67f0b36e2ed596623e1d33e6339c4e9c9b22",
		"f0a10efd71cc3d429053d48d0ffffc12e34e0e17ada952a9d29685210aa9e5af",
		"adad5a66b5a142e55b62a08843dacd5ae63b847fc23794b766b399361bc93188",
		"a5f0a457a48995e8c9065c275aaa5498b61ba4bdf8fcf80387c32f8b4bfc4f05",
		"f8f80f33e0f417b00e37f5cd028f980fb36ed02a9662c1e233e64c634e9c64dd",
		"8dada599b1a1bd185362576542da32a5e63b7a80c2374b4866b366c91bc9ce77",
		"f0a1f102f1dcc0bd9c5309720fff018de34ef1e8ada9a956d2967ade0ea91a50",
		"a5f45ba8a4896817c906a1d85aaaab07b61b5b42f8fc03fc87c3d0744bfcb0fa",
	}
	for tr := range Transform(8) {
		w := mustParse(t, want[tr])
		if d := Distance(dih[tr], w); d > 10 {
			t.Errorf("%v: %s is %d bits from reference %s, want <= 10", tr, dih[tr], d, w)
		}
		// Every other orientation is far away: the transforms are distinct.
		for o := range Transform(8) {
			if o != tr && Distance(dih[tr], mustParse(t, want[o])) < 64 {
				t.Errorf("%v is within 64 bits of reference %v", tr, o)
			}
		}
	}
}

func TestDihedralMatchesRotatedFiles(t *testing.T) {
	// bridge-N is bridge-1 actually rotated/mirrored; its hash must be close
	// to the corresponding dihedral hash of bridge-1.
	files := [8]string{
		"bridge-1-original.jpg", "bridge-2-rotate-90.jpg", "bridge-3-rotate-180.jpg", "bridge-4-rotate-270.jpg",
		"bridge-5-flipx.jpg", "bridge-6-flipy.jpg", "bridge-7-flip-plus-1.jpg", "bridge-8-flip-minus-1.jpg",
	}
	dih, _ := Dihedral(decodeFile(t, files[0]))
	for tr, f := range files {
		t.Run(Transform(tr).String(), func(t *testing.T) {
			h, _ := HashImage(decodeFile(t, f))
			// The reference itself is up to 8 bits apart here; each of our
			// two decodes adds up to ~10 (see referenceCases).
			if d := Distance(dih[tr], h); d > 20 {
				t.Errorf("Dihedral[%v] of bridge-1 is %d bits from hash of %s, want <= 20", Transform(tr), d, f)
			}
		})
	}
}

func TestParseHash(t *testing.T) {
	for _, tc := range []struct {
		in   string
		ok   bool
		norm int
	}{
		{"0000000000000000000000000000000000000000000000000000000000000000", true, 0},
		{"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", true, 256},
		{"FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF", true, 256},
		{"2b9c22a4d7d2244ce402fcc9dbe8e643356ac12184af5d6c7f19aec7c422ce38", true, 124},
		{"", false, 0},
		{"2b9c22a4d7d2244ce402fcc9dbe8e643356ac12184af5d6c7f19aec7c422ce3", false, 0},
		{"2b9c22a4d7d2244ce402fcc9dbe8e643356ac12184af5d6c7f19aec7c422ce3g", false, 0},
	} {
		t.Run(tc.in, func(t *testing.T) {
			h, err := ParseHash(tc.in)
			if (err == nil) != tc.ok {
				t.Fatalf("ParseHash error = %v, want ok=%v", err, tc.ok)
			}
			if !tc.ok {
				return
			}
			if got := h.String(); got != strings.ToLower(tc.in) {
				t.Errorf("String() = %s, want %s", got, strings.ToLower(tc.in))
			}
			if got := h.Norm(); got != tc.norm {
				t.Errorf("Norm() = %d, want %d", got, tc.norm)
			}
		})
	}
}

// TestBitLayout checks bit k against the reference's Hash256 layout: bit k
// is bit k%16 of 16-bit word k/16, and words print from w[15] down.
func TestBitLayout(t *testing.T) {
	for _, k := range []int{0, 1, 7, 8, 15, 16, 100, 255} {
		var h Hash
		h.setBit(k)
		s := h.String()
		word := 15 - k/16 // position of w[k/16] in the string
		wantWord := strconv.FormatUint(1<<(k%16)|1<<16, 16)[1:]
		if got := s[word*4 : word*4+4]; got != wantWord {
			t.Errorf("bit %d: word %d prints %s, want %s (hash %s)", k, k/16, got, wantWord, s)
		}
		if !h.Bit(k) || h.Norm() != 1 {
			t.Errorf("bit %d: Bit()=%v Norm()=%d", k, h.Bit(k), h.Norm())
		}
	}
}

// TestDistanceReference uses hashtool256 norms and deltas on short256.dat
// from the reference's 2019 regression output.
func TestDistanceReference(t *testing.T) {
	f, err := os.Open("testdata/hashes/short256.dat")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var hs []Hash
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		hs = append(hs, mustParse(t, sc.Text()))
	}
	wantNorms := []int{124, 122, 120, 119, 0, 256}
	wantDeltas := []int{0, 4, 124, 3, 119, 256}
	if len(hs) != len(wantNorms) {
		t.Fatalf("read %d hashes, want %d", len(hs), len(wantNorms))
	}
	for i, h := range hs {
		if got := h.Norm(); got != wantNorms[i] {
			t.Errorf("norm of %s = %d, want %d", h, got, wantNorms[i])
		}
		if i > 0 {
			if got := Distance(h, hs[i-1]); got != wantDeltas[i] {
				t.Errorf("distance(%s, %s) = %d, want %d", h, hs[i-1], got, wantDeltas[i])
			}
		}
	}
}

func TestFormatLine(t *testing.T) {
	h := mustParse(t, "f8f8f0cce0f4e84d0e370a22028f67f0b36e2ed596623e1d33e6339c4e9c9b22")
	if got, want := FormatLine(h, 100, "./reg_test/input/dih/bridge-1-original.jpg"),
		"f8f8f0cce0f4e84d0e370a22028f67f0b36e2ed596623e1d33e6339c4e9c9b22,100,./reg_test/input/dih/bridge-1-original.jpg"; got != want {
		t.Errorf("FormatLine = %q, want %q", got, want)
	}
	h2 := mustParse(t, "b0a10efd71cc3f429413d48d0ffffe12e34e0e17ada952a9d29684210aa9e5af")
	if got, want := FormatDetailsLine(h2, 100, "x.jpg", h),
		"hash=b0a10efd71cc3f429413d48d0ffffe12e34e0e17ada952a9d29684210aa9e5af,norm=128,delta=124,quality=100,filename=x.jpg"; got != want {
		t.Errorf("FormatDetailsLine = %q, want %q", got, want)
	}
}

func TestMedian256(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for trial := range 200 {
		var c [256]float32
		for i := range c {
			switch trial % 3 {
			case 0:
				c[i] = r.Float32()
			case 1:
				c[i] = float32(r.IntN(5)) // many ties
			default:
				c[i] = float32(i % 17)
			}
		}
		s := c
		slices.Sort(s[:])
		if got, want := median256(&c), s[127]; got != want {
			t.Fatalf("trial %d: median256 = %v, want %v", trial, got, want)
		}
	}
}
