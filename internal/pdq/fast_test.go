package pdq

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestDCTFastMatchesReference compares the folded DCT of the fast path
// with the reference-order dct64To16 on varied 64x64 inputs. Only the
// float summation order differs, so coefficients agree to float32
// rounding and the hashes are identical or (a coefficient at the median)
// 1 bit apart.
func TestDCTFastMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := range 300 {
		var a [64 * 64]float32
		for i := range a {
			x, y := float64(i%64), float64(i/64)
			switch trial % 4 {
			case 0: // noise
				a[i] = float32(r.IntN(256))
			case 1: // gradient plus noise
				a[i] = float32(x*2+y*1.5) + r.Float32()*8
			case 2: // smooth waves
				a[i] = float32(128 + 60*math.Sin(x/(3+float64(trial%7))) + 50*math.Cos(y/5+x/11))
			default: // blocks
				a[i] = float32((int(x)/8+int(y)/8+trial)%3) * 100
			}
		}
		var want, got [256]float32
		dct64To16(&a, &want)
		dct64To16Fast(&a, &got)
		// Rounding errors scale with the input (sums of 64*64 products),
		// not with the coefficients, which are small for smooth images.
		scale := float32(0)
		for _, v := range a {
			scale = max(scale, v, -v)
		}
		tol := 64e-6 * scale
		for k := range want {
			if d := got[k] - want[k]; d > tol || d < -tol {
				t.Fatalf("trial %d: coefficient %d = %v, reference order %v", trial, k, got[k], want[k])
			}
		}
		// A bit may differ only where the coefficient is within rounding
		// of the median: for natural inputs at most one; block images
		// have many coefficients that are zero up to rounding, whose bits
		// are arbitrary in the reference too.
		hg, hw := bitsFromDCT(&got), bitsFromDCT(&want)
		med := median256(&want)
		for k := range want {
			if hg.Bit(k) != hw.Bit(k) && (want[k]-med > 2*tol || med-want[k] > 2*tol) {
				t.Errorf("trial %d: bit %d differs but coefficient %v is not near the median %v", trial, k, want[k], med)
			}
		}
		if d := Distance(hg, hw); d > 1 && trial%4 != 3 {
			t.Errorf("trial %d: hashes %d bits apart, want <= 1", trial, d)
		}
	}
}

// TestFastPathVariedImages checks HashImage and Dihedral (direct pixel
// access, lookup-table colour conversion, sparse blur, folded DCT) against
// the straightforward pipeline (whole-image conversion by lumaOf, then the
// reference-exact HashLuma) on random, gradient and photo images of every
// fast-path pixel type. The luma is computed with the same integer and
// float32 arithmetic on both sides; only float summation order differs
// (blur operator, DCT), so hashes must be within 1 bit and qualities
// equal. In practice almost all are identical; the test logs the count.
func TestFastPathVariedImages(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	imgs := map[string]image.Image{}
	sizes := []image.Point{{5, 7}, {64, 64}, {100, 61}, {256, 256}, {333, 517}, {640, 480}, {1600, 1004}}
	for _, sz := range sizes {
		rect := image.Rect(0, 0, sz.X, sz.Y)
		name := strconv.Itoa(sz.X) + "x" + strconv.Itoa(sz.Y)
		// Random and gradient YCbCr in every ratio, with saturated chroma
		// so that the RGB clamping is exercised.
		for _, ratio := range []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio444} {
			rnd := image.NewYCbCr(rect, ratio)
			grad := image.NewYCbCr(rect, ratio)
			for i := range rnd.Y {
				rnd.Y[i] = uint8(r.IntN(256))
			}
			for i := range rnd.Cb {
				rnd.Cb[i], rnd.Cr[i] = uint8(r.IntN(256)), uint8(r.IntN(256))
			}
			for y := range sz.Y {
				for x := range sz.X {
					grad.Y[grad.YOffset(x, y)] = uint8((x*255/sz.X + y*100/sz.Y) % 256)
					c := grad.COffset(x, y)
					grad.Cb[c] = uint8(x * 256 / sz.X)
					grad.Cr[c] = uint8(255 - y*256/sz.Y)
				}
			}
			imgs["ycbcr"+ratio.String()[19:]+"-random-"+name] = rnd
			imgs["ycbcr"+ratio.String()[19:]+"-gradient-"+name] = grad
		}
		nrgba := image.NewNRGBA(rect)
		rgba := image.NewRGBA(rect)
		gray := image.NewGray(rect)
		for y := range sz.Y {
			for x := range sz.X {
				c := color.NRGBA{uint8(x * 3), uint8(y * 5), uint8(r.IntN(256)), uint8(128 + r.IntN(128))}
				nrgba.SetNRGBA(x, y, c)
				rgba.Set(x, y, c)
				gray.SetGray(x, y, color.Gray{uint8((x + 2*y + r.IntN(20)) % 256)})
			}
		}
		imgs["nrgba-"+name] = nrgba
		imgs["rgba-"+name] = rgba
		imgs["gray-"+name] = gray
	}
	for _, tc := range referenceCases {
		imgs[tc.file] = decodeFile(t, tc.file)
	}

	identical := 0
	for name, img := range imgs {
		l := lumaOf(img)
		want, wantQ := HashLuma(l.pix, l.w, l.h)
		wantDih, _ := DihedralLuma(l.pix, l.w, l.h)
		got, q := HashImage(img)
		dih, dq := Dihedral(img)
		if got == want {
			identical++
		}
		if d := Distance(got, want); d > 1 {
			t.Errorf("%s: HashImage %s, straightforward %s: %d bits apart, want <= 1", name, got, want, d)
		}
		if q != wantQ || dq != wantQ {
			t.Errorf("%s: quality HashImage %d, Dihedral %d, straightforward %d", name, q, dq, wantQ)
		}
		if dih[Original] != got {
			t.Errorf("%s: Dihedral[orig] %s != HashImage %s", name, dih[Original], got)
		}
		for tr := range Transform(8) {
			if d := Distance(dih[tr], wantDih[tr]); d > 1 {
				t.Errorf("%s: Dihedral[%v] %d bits from straightforward, want <= 1", name, tr, d)
			}
		}
	}
	t.Logf("%d of %d images hash identically, the rest within 1 bit", identical, len(imgs))
}
