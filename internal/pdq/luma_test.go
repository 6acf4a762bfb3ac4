package pdq

import (
	"image"
)

type lumaPlane struct {
	pix  []float32
	w, h int
}

// lumaOf is the test oracle for the pre-processing of HashImage, written
// independently of the fast path: whole-plane libjpeg-style chroma
// upsampling for YCbCr, then the reference's nearest-neighbour squash to
// 512x512 and float luma, pixel by pixel.
func lumaOf(img image.Image) lumaPlane {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	tw, th := w, h
	if w > downsampleDim || h > downsampleDim {
		tw, th = downsampleDim, downsampleDim
	}
	at := func(x, y int) float32 { return colorLuma(img.At(b.Min.X+x, b.Min.Y+y)) }
	if m, ok := img.(*image.YCbCr); ok && b.Min == (image.Point{}) {
		full := ycbcrLuma(m)
		at = func(x, y int) float32 { return full[y*w+x] }
	}
	p := lumaPlane{pix: make([]float32, tw*th), w: tw, h: th}
	for y := range th {
		for x := range tw {
			p.pix[y*tw+x] = at(x*w/tw, y*h/th)
		}
	}
	return p
}

// ycbcrLuma converts a whole YCbCr image to luma as libjpeg would decode
// it to RGB: chroma upsampled with the "fancy" triangle filter (4:2:0 and
// 4:2:2) and converted with jdcolor's fixed-point tables.
func ycbcrLuma(m *image.YCbCr) []float32 {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	hs, vs := 1, 1
	switch m.SubsampleRatio {
	case image.YCbCrSubsampleRatio420:
		hs, vs = 2, 2
	case image.YCbCrSubsampleRatio422:
		hs = 2
	case image.YCbCrSubsampleRatio444:
	default:
		panic("ycbcrLuma: unsupported ratio in test oracle")
	}
	cw, ch := (w+hs-1)/hs, (h+vs-1)/vs
	up := func(c []uint8) []int32 {
		at := func(x, y int) int32 { return int32(c[y*m.CStride+x]) }
		out := make([]int32, w*h)
		for y := range h {
			for x := range w {
				if hs == 1 {
					out[y*w+x] = at(x, y)
					continue
				}
				// Vertical: 3/4 nearer row + 1/4 further row (420 only).
				r := y / vs
				colsum := func(i int) int32 {
					if vs == 1 {
						return 4 * at(i, r)
					}
					fr := r - 1
					if y%2 == 1 {
						fr = r + 1
					}
					fr = max(0, min(ch-1, fr))
					return 3*at(i, r) + at(i, fr)
				}
				i := x / 2
				n := i - 1
				bias := int32(8)
				if vs == 1 {
					bias = 4
				}
				if x%2 == 1 {
					n = i + 1
					bias = 7
					if vs == 1 {
						bias = 8
					}
				}
				n = max(0, min(cw-1, n))
				out[y*w+x] = (3*colsum(i) + colsum(n) + bias) >> 4
			}
		}
		return out
	}
	cb, cr := up(m.Cb), up(m.Cr)
	clamp := func(v float64) uint8 { return uint8(max(0, min(255, v))) }
	fix := func(f float64) int64 { return int64(f*65536 + 0.5) }
	out := make([]float32, w*h)
	for y := range h {
		for x := range w {
			Y := int64(m.Y[y*m.YStride+x])
			b1, r1 := int64(cb[y*w+x]-128), int64(cr[y*w+x]-128)
			R := Y + (fix(1.40200)*r1+32768)>>16
			G := Y + (-fix(0.34414)*b1-fix(0.71414)*r1+32768)>>16
			B := Y + (fix(1.77200)*b1+32768)>>16
			out[y*w+x] = rgbLuma(clamp(float64(R)), clamp(float64(G)), clamp(float64(B)))
		}
	}
	return out
}
