// Package pdq computes PDQ perceptual hashes of images and searches them by
// Hamming distance.
//
// PDQ is Meta's perceptual hash (facebook/ThreatExchange, pdq/): the image
// is reduced to luma, blurred and decimated to 64x64 with a Jarosz filter
// (two passes of box filtering in each direction), transformed by a 2-D DCT
// of which the 16x16 lowest non-DC frequencies are kept, and each of the
// 256 coefficients becomes one bit: set if it is above the median. Visually
// similar images (resized, recompressed, lightly cropped or edited) have
// hashes within a small Hamming distance; Meta's recommended threshold is
// [MatchRadius] (31 bits). Each hash comes with a quality score 0..100
// measuring how much gradient the image has; hashes below [MinQuality] are
// unreliable.
//
// [HashLuma] reproduces the reference C++ arithmetic step for step (float32
// throughout, same summation order), so the same luma values give the same
// hash. [HashImage] follows the reference pre-processing (images larger than
// 512 pixels on a side squashed to 512x512 by nearest neighbour, luma =
// 0.299R + 0.587G + 0.114B) but computes the blur as one precomputed sparse
// linear operator per axis, evaluated only where the 64x64 decimation needs
// it, which is several times faster and differs from the reference only by
// float rounding. End-to-end differences from the reference tool come from
// the image decoders (libjpeg versus image/jpeg) and stay well inside Meta's
// tolerance (10 bits for images of quality 80 or more).
//
// [Index] answers "all hashes within distance r" exactly with multi-index
// hashing; [BruteForce] is the linear-scan oracle.
//
// The package is standalone: it imports only the standard library and
// golang.org/x/image (for WebP decoding).
package pdq

import (
	"math"
	"sync"
)

const (
	// minHashableDim is the reference's MIN_HASHABLE_DIM: smaller images
	// hash to all zeros with quality 0.
	minHashableDim = 5
	// downsampleDim is the reference's DOWNSAMPLE_DIMS: larger images are
	// squashed to downsampleDim x downsampleDim before hashing.
	downsampleDim = 512
)

// Luma coefficients of the reference, as float32 constants.
const (
	lumaR float32 = 0.299
	lumaG float32 = 0.587
	lumaB float32 = 0.114
)

// dctMatrix returns the 16x64 DCT-II basis (rows 1..16 of the 64-point DCT,
// row-major), computed exactly as the reference does: in float64 from a
// float32 scale factor, then rounded to float32.
var dctMatrix = sync.OnceValue(func() *[16 * 64]float32 {
	var d [16 * 64]float32
	scale := float64(float32(math.Sqrt(2.0 / 64.0)))
	for i := range 16 {
		for j := range 64 {
			d[i*64+j] = float32(scale * math.Cos((math.Pi/2.0/64.0)*float64(i+1)*float64(2*j+1)))
		}
	}
	return &d
})

// HashLuma hashes a luma plane of w x h float32 values in row-major order
// (luma[y*w+x], nominally 0..255) and returns the hash and its quality.
//
// It performs exactly the reference's pdqHash256FromFloatLuma in float32 —
// Jarosz filter by sliding-window sums, decimation, quality metric, DCT and
// median threshold — so identical luma gives a bit-identical hash. Unlike
// [HashImage] it does not squash large inputs to 512x512 first (neither does
// the reference function), so it is slow for large planes. Images smaller
// than 5 pixels on a side hash to all zeros with quality 0. It panics if
// len(luma) < w*h.
func HashLuma(luma []float32, w, h int) (Hash, int) {
	var buf [64 * 64]float32
	if !lumaTo64Exact(luma, w, h, &buf) {
		return Hash{}, 0
	}
	q := quality64(&buf)
	var coef [256]float32
	dct64To16(&buf, &coef)
	return bitsFromDCT(&coef), q
}

// lumaTo64Exact blurs and decimates luma to 64x64 like the reference,
// reporting false if the image is too small to hash.
func lumaTo64Exact(luma []float32, w, h int, out *[64 * 64]float32) bool {
	if w < minHashableDim || h < minHashableDim {
		return false
	}
	n := w * h
	if len(luma) < n {
		panic("pdq: luma slice shorter than w*h")
	}
	if w == 64 && h == 64 {
		copy(out[:], luma[:n])
		return true
	}
	buf1 := make([]float32, n)
	copy(buf1, luma[:n])
	buf2 := make([]float32, n)
	winAlongRows := jaroszWindow(w)
	winAlongCols := jaroszWindow(h)
	for range 2 {
		for y := range h {
			box1D(buf1[y*w:], buf2[y*w:], w, 1, winAlongRows)
		}
		for x := range w {
			box1D(buf2[x:], buf1[x:], h, w, winAlongCols)
		}
	}
	for oy := range 64 {
		iy := decimateIndex(oy, h)
		for ox := range 64 {
			out[oy*64+ox] = buf1[iy*w+decimateIndex(ox, w)]
		}
	}
	return true
}

// jaroszWindow is the reference's computeJaroszFilterWindowSize(n, 64):
// half the size of one output cell, rounded up.
func jaroszWindow(n int) int {
	return (n + 2*64 - 1) / (2 * 64)
}

// decimateIndex is the input index sampled for output index o (0..63) when
// decimating n samples to 64: the centre of the output cell.
func decimateIndex(o, n int) int {
	return int((float64(o) + 0.5) * float64(n) / 64)
}

// boxWindow returns the inclusive input range averaged into output i by one
// box-filter pass of window size win over n samples. The reference's
// phased sliding sum places the window at [i-(win-half), i+half-1] with
// half = (win+2)/2, clipped to the vector.
func boxWindow(i, n, win int) (lo, hi int) {
	half := (win + 2) / 2
	lo, hi = i-(win-half), i+half-1
	return max(lo, 0), min(hi, n-1)
}

// box1D is one pass of the reference's box filter over n samples at the
// given stride, with the same float32 operation order.
func box1D(in, out []float32, n, stride, win int) {
	half := (win + 2) / 2
	phase1 := half - 1
	phase2 := win - half + 1
	phase3 := n - win
	phase4 := half - 1
	li, ri, oi := 0, 0, 0
	var sum float32
	cur := 0
	for range phase1 {
		sum += in[ri]
		cur++
		ri += stride
	}
	for range phase2 {
		sum += in[ri]
		cur++
		out[oi] = sum / float32(cur)
		ri += stride
		oi += stride
	}
	for range phase3 {
		sum += in[ri]
		sum -= in[li]
		out[oi] = sum / float32(cur)
		li += stride
		ri += stride
		oi += stride
	}
	for range phase4 {
		sum -= in[li]
		cur--
		out[oi] = sum / float32(cur)
		li += stride
		oi += stride
	}
}

// quality64 is the reference's image-domain quality metric on the 64x64
// blurred luma: the sum of quantised vertical and horizontal gradients,
// scaled to 0..100.
func quality64(a *[64 * 64]float32) int {
	sum := 0
	for i := range 63 {
		for j := range 64 {
			sum += absInt(int(float32(float32(a[i*64+j]-a[(i+1)*64+j])*100) / 255))
		}
	}
	for i := range 64 {
		for j := range 63 {
			sum += absInt(int(float32(float32(a[i*64+j]-a[i*64+j+1])*100) / 255))
		}
	}
	return min(sum/90, 100)
}

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// dct64To16 computes B = D A Dᵀ for the 16x64 DCT matrix D, with the
// reference's summation order (sequential float32 sums over k).
func dct64To16(a *[64 * 64]float32, b *[256]float32) {
	d := dctMatrix()
	var t [16 * 64]float32
	for i := range 16 {
		drow := d[i*64 : i*64+64]
		trow := t[i*64 : i*64+64]
		for k := range 64 {
			dk := drow[k]
			arow := a[k*64 : k*64+64]
			for j := range 64 {
				// Sequential in k for every j, like the reference; the
				// conversion forbids fusing into an FMA.
				trow[j] += float32(dk * arow[j])
			}
		}
	}
	for i := range 16 {
		trow := t[i*64 : i*64+64]
		for j := range 16 {
			drow := d[j*64 : j*64+64]
			var s float32
			for k := range 64 {
				s += float32(trow[k] * drow[k])
			}
			b[i*16+j] = s
		}
	}
}

// bitsFromDCT sets bit k = 16*i+j iff coefficient (i, j) is strictly
// greater than the median (the 128th smallest of the 256 coefficients, as
// Torben's algorithm in the reference returns).
func bitsFromDCT(c *[256]float32) Hash {
	med := median256(c)
	var h Hash
	for k, v := range c {
		if v > med {
			h.setBit(k)
		}
	}
	return h
}

// median256 returns the element of rank 127 (0-based) of c.
func median256(c *[256]float32) float32 {
	s := *c
	const k = 127
	lo, hi := 0, len(s)-1
	for lo < hi {
		// Median-of-three pivot, Hoare partition.
		mid := lo + (hi-lo)/2
		if s[mid] < s[lo] {
			s[mid], s[lo] = s[lo], s[mid]
		}
		if s[hi] < s[lo] {
			s[hi], s[lo] = s[lo], s[hi]
		}
		if s[hi] < s[mid] {
			s[hi], s[mid] = s[mid], s[hi]
		}
		p := s[mid]
		i, j := lo, hi
		for i <= j {
			for s[i] < p {
				i++
			}
			for p < s[j] {
				j--
			}
			if i <= j {
				s[i], s[j] = s[j], s[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return s[k]
		}
	}
	return s[k]
}

// dct64To16Fast computes the same B = D A Dᵀ as dct64To16 with half the
// multiplications, for the fast path only: row k and row 63-k of the DCT
// basis are equal for even frequencies and opposite for odd ones, so each
// product folds A's rows (then T's columns) pairwise first. The summation
// order differs from the reference's, so results differ by float rounding.
func dct64To16Fast(a *[64 * 64]float32, b *[256]float32) {
	d := dctMatrix()
	// sum[k] = A[k] + A[63-k] and diff[k] = A[k] - A[63-k], rows k < 32.
	var sum, diff [32 * 64]float32
	for k := range 32 {
		top := a[k*64 : k*64+64]
		bot := a[(63-k)*64 : (63-k)*64+64]
		s, df := sum[k*64:k*64+64], diff[k*64:k*64+64]
		for j := range 64 {
			s[j] = top[j] + bot[j]
			df[j] = top[j] - bot[j]
		}
	}
	// T = D A, 16 x 64. Row i is frequency i+1: odd frequencies (even i)
	// are antisymmetric and use diff, even ones sum.
	var t [16 * 64]float32
	for i := range 16 {
		src := &diff
		if i&1 == 1 {
			src = &sum
		}
		drow := d[i*64 : i*64+32]
		for j0 := 0; j0 < 64; j0 += 8 {
			var s0, s1, s2, s3, s4, s5, s6, s7 float32
			for k, dk := range drow {
				r := src[k*64+j0 : k*64+j0+8 : k*64+j0+8]
				s0 += dk * r[0]
				s1 += dk * r[1]
				s2 += dk * r[2]
				s3 += dk * r[3]
				s4 += dk * r[4]
				s5 += dk * r[5]
				s6 += dk * r[6]
				s7 += dk * r[7]
			}
			o := t[i*64+j0 : i*64+j0+8 : i*64+j0+8]
			o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7] = s0, s1, s2, s3, s4, s5, s6, s7
		}
	}
	// B = T Dᵀ, folding each row of T the same way.
	for i := range 16 {
		trow := t[i*64 : i*64+64]
		var ts, td [32]float32
		for k := range 32 {
			ts[k] = trow[k] + trow[63-k]
			td[k] = trow[k] - trow[63-k]
		}
		for j := range 16 {
			src := &td
			if j&1 == 1 {
				src = &ts
			}
			drow := d[j*64 : j*64+32]
			var s0, s1, s2, s3 float32
			for k := 0; k < 32; k += 4 {
				s0 += src[k] * drow[k]
				s1 += src[k+1] * drow[k+1]
				s2 += src[k+2] * drow[k+2]
				s3 += src[k+3] * drow[k+3]
			}
			b[i*16+j] = (s0 + s1) + (s2 + s3)
		}
	}
}
