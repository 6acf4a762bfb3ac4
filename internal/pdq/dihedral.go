package pdq

import "image"

// Transform names one of the eight symmetries of the square (the dihedral
// group D4), in the order the reference tool prints them with --pdqdih.
type Transform int

// The eight dihedral transforms. The names follow the reference: FlipX
// mirrors the image about the horizontal axis (upside down), FlipY about
// the vertical axis (left-right), FlipPlus1 about the main diagonal
// (transpose) and FlipMinus1 about the anti-diagonal.
const (
	Original Transform = iota
	Rotate90
	Rotate180
	Rotate270
	FlipX
	FlipY
	FlipPlus1
	FlipMinus1
)

var transformNames = [8]string{"orig", "rot90", "rot180", "rot270", "flipx", "flipy", "flipp", "flipm"}

// String returns the reference tool's name for t ("orig", "rot90", …).
func (t Transform) String() string {
	if t < 0 || int(t) >= len(transformNames) {
		return "Transform(?)"
	}
	return transformNames[t]
}

// Dihedral returns the hashes of img under all eight [Transform]s, indexed
// by Transform, and the (shared) quality. They come from one DCT: rotating
// or mirroring the image only transposes the coefficient matrix and flips
// the signs of odd frequencies, so the 8 hashes cost little more than one.
// Querying an index with all eight finds rotated and mirrored re-uploads.
func Dihedral(img image.Image) ([8]Hash, int) {
	s := getScratch()
	defer putScratch(s)
	if !imageTo64(img, s) {
		return [8]Hash{}, 0
	}
	q := quality64(&s.a)
	var coef [256]float32
	dct64To16Fast(&s.a, &coef)
	return dihedralFromDCT(&coef), q
}

// DihedralLuma is [Dihedral] for a luma plane, with the exact reference
// arithmetic of [HashLuma].
func DihedralLuma(luma []float32, w, h int) ([8]Hash, int) {
	var buf [64 * 64]float32
	if !lumaTo64Exact(luma, w, h, &buf) {
		return [8]Hash{}, 0
	}
	q := quality64(&buf)
	var coef [256]float32
	dct64To16(&buf, &coef)
	return dihedralFromDCT(&coef), q
}

// dihedralFromDCT derives the eight hashes from the 16x16 coefficients
// a[i*16+j] (i vertical, j horizontal frequency index, frequency i+1 and
// j+1). Mirroring an axis multiplies frequency f along it by (-1)^f, that
// is, negates even indices; a transpose swaps i and j.
func dihedralFromDCT(a *[256]float32) [8]Hash {
	var out [8]Hash
	var b [256]float32
	for t := range Transform(8) {
		for i := range 16 {
			for j := range 16 {
				v := a[i*16+j]
				oddI, oddJ := i&1 == 1, j&1 == 1
				transpose := false
				switch t {
				case Rotate90:
					transpose = true
					if !oddJ {
						v = -v
					}
				case Rotate180:
					if oddI != oddJ {
						v = -v
					}
				case Rotate270:
					transpose = true
					if !oddI {
						v = -v
					}
				case FlipX:
					if !oddI {
						v = -v
					}
				case FlipY:
					if !oddJ {
						v = -v
					}
				case FlipPlus1:
					transpose = true
				case FlipMinus1:
					transpose = true
					if oddI != oddJ {
						v = -v
					}
				}
				if transpose {
					b[j*16+i] = v
				} else {
					b[i*16+j] = v
				}
			}
		}
		out[t] = bitsFromDCT(&b)
	}
	return out
}
