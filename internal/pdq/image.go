package pdq

import (
	"image"
	"image/color"
	"sync"
)

// maxTaps bounds the support of the combined two-pass box filter for one
// output sample: 2*win-1 with win <= 4 for dimensions up to 512.
const maxTaps = 8

// axisOp is the Jarosz filter followed by decimation to 64 samples, along
// one axis of length n <= 512, as a sparse 64 x n matrix: output o is
// sum(w[o][t] * in[start[o]+t]) for t < maxTaps (unused taps are zero).
type axisOp struct {
	n     int
	start [64]int
	w     [64][maxTaps]float32
	need  [downsampleDim + maxTaps]bool // input samples with non-zero weight
}

// build computes the operator for length n (minHashableDim <= n <= 512).
// The weights are products of the two passes' 1/window-size factors,
// accumulated in float64.
func (op *axisOp) build(n int) {
	*op = axisOp{n: n}
	win := jaroszWindow(n)
	for o := range 64 {
		c := decimateIndex(o, n)
		lo1, hi1 := boxWindow(c, n, win)
		base, _ := boxWindow(lo1, n, win)
		op.start[o] = base
		var w [maxTaps]float64
		inv1 := 1 / float64(hi1-lo1+1)
		for k := lo1; k <= hi1; k++ {
			lo2, hi2 := boxWindow(k, n, win)
			inv2 := 1 / float64(hi2-lo2+1)
			for j := lo2; j <= hi2; j++ {
				w[j-base] += inv1 * inv2
			}
		}
		for t, v := range w {
			op.w[o][t] = float32(v)
			if v != 0 {
				op.need[base+t] = true
			}
		}
	}
}

// scratch holds the per-call buffers of the fast path; pooled.
type scratch struct {
	a     [64 * 64]float32                 // blurred, decimated luma
	rowOp axisOp                           // vertical operator (over rows)
	colOp axisOp                           // horizontal operator (over columns)
	row   [downsampleDim + maxTaps]float32 // one row of luma, by target column
	h     []float32                        // horizontally filtered rows: h[y*64+o]
	cols  []int                            // needed target columns
	srcX  []int                            // their source x (relative to bounds)
	aux   []int                            // per-column helper offsets
	ycols []ycol
	rows  []int // needed target rows
	srcY  []int // their source y (relative to bounds)
}

var scratchPool = sync.Pool{New: func() any {
	return &scratch{h: make([]float32, (downsampleDim+maxTaps)*64)}
}}

func getScratch() *scratch  { return scratchPool.Get().(*scratch) }
func putScratch(s *scratch) { scratchPool.Put(s) }

// lumaLUT holds 0.299*v, 0.587*v and 0.114*v as float32 for v in 0..255,
// so luma is lut[0][r] + lut[1][g] + lut[2][b] with the reference's
// rounding: each product is rounded to float32 before the two additions.
var lumaLUT = sync.OnceValue(func() *[3][256]float32 {
	var t [3][256]float32
	for v := range 256 {
		t[0][v] = lumaR * float32(v)
		t[1][v] = lumaG * float32(v)
		t[2][v] = lumaB * float32(v)
	}
	return &t
})

// rgbLuma is the reference's float luma of an 8-bit RGB pixel.
func rgbLuma(r, g, b uint8) float32 {
	return float32(float32(lumaR*float32(r))+float32(lumaG*float32(g))) + float32(lumaB*float32(b))
}

// HashImage returns the PDQ hash of img and its quality (0..100).
//
// Pre-processing follows the reference tool: if either side exceeds 512
// pixels the image is first squashed to 512x512 by nearest-neighbour
// sampling (aspect ratio not kept); luma is 0.299R + 0.587G + 0.114B of
// the 8-bit, non-premultiplied colour (alpha ignored). Grey images use the
// grey value. Images smaller than 5 pixels on a side hash to all zeros with
// quality 0. *image.YCbCr, *image.RGBA, *image.NRGBA, *image.Gray and
// *image.Paletted are read directly; other types through At.
//
// HashImage is safe for concurrent use.
func HashImage(img image.Image) (Hash, int) {
	s := getScratch()
	defer putScratch(s)
	if !imageTo64(img, s) {
		return Hash{}, 0
	}
	q := quality64(&s.a)
	var coef [256]float32
	dct64To16Fast(&s.a, &coef)
	return bitsFromDCT(&coef), q
}

// imageTo64 fills s.a with the blurred 64x64 luma of img, reporting false
// if img is too small to hash.
func imageTo64(img image.Image, s *scratch) bool {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w < minHashableDim || h < minHashableDim {
		return false
	}
	tw, th := w, h
	if w > downsampleDim || h > downsampleDim {
		tw, th = downsampleDim, downsampleDim
	}
	s.colOp.build(tw)
	s.rowOp.build(th)
	// CImg's nearest-neighbour resize samples source index floor(t*n/tn).
	s.cols, s.srcX = s.cols[:0], s.srcX[:0]
	for t := range tw {
		if s.colOp.need[t] {
			s.cols = append(s.cols, t)
			s.srcX = append(s.srcX, t*w/tw)
		}
	}
	s.rows, s.srcY = s.rows[:0], s.srcY[:0]
	for t := range th {
		if s.rowOp.need[t] {
			s.rows = append(s.rows, t)
			s.srcY = append(s.srcY, t*h/th)
		}
	}

	switch m := img.(type) {
	case *image.YCbCr:
		fillYCbCr(m, s)
	case *image.RGBA:
		fillRGB(m.Pix, m.Stride, true, s)
	case *image.NRGBA:
		fillRGB(m.Pix, m.Stride, false, s)
	case *image.Gray:
		fillGray(m, s)
	case *image.Paletted:
		fillPaletted(m, s)
	default:
		fillGeneric(img, s)
	}

	// Vertical pass: a[o][c] = sum over taps of w * h[row][c].
	clear(s.a[:])
	for o := range 64 {
		dst := s.a[o*64 : o*64+64]
		for t, wt := range s.rowOp.w[o] {
			if wt == 0 {
				continue
			}
			y := s.rowOp.start[o] + t
			src := s.h[y*64 : y*64+64]
			for c := range dst {
				dst[c] += wt * src[c]
			}
		}
	}
	return true
}

// horizontal applies the column operator to s.row and stores the 64
// results as row ty of s.h.
func (s *scratch) horizontal(ty int) {
	out := s.h[ty*64 : ty*64+64]
	row := &s.row
	for o := range out {
		st := s.colOp.start[o]
		w := &s.colOp.w[o]
		r := row[st : st+maxTaps : st+maxTaps]
		out[o] = w[0]*r[0] + w[1]*r[1] + w[2]*r[2] + w[3]*r[3] +
			w[4]*r[4] + w[5]*r[5] + w[6]*r[6] + w[7]*r[7]
	}
}

// libjpeg's YCbCr to RGB conversion (jdcolor.c): fixed point with 16
// fraction bits, rounded, then clamped.
const (
	fixR  = 91881  // FIX(1.40200)
	fixGb = 22554  // FIX(0.34414)
	fixGr = 46802  // FIX(0.71414)
	fixB  = 116130 // FIX(1.77200)
	half  = 1 << 15
)

// ycbcrLUT splits libjpeg's conversion followed by the reference luma into
// table lookups, with the same integer arithmetic: for Y, Cb, Cr bytes,
//
//	R = Y + crR[Cr], G = Y + (cbG[Cb]+crG[Cr])>>16, B = Y + cbB[Cb]
//	luma = r[R+clampOff] + g[G+clampOff] + b[B+clampOff]
//
// where r, g and b hold the reference's float32 products of the clamped
// 8-bit channel value, so clamping costs no branch.
type ycbcrLUT struct {
	crR, cbB [256]int32 // rounded R and B offsets
	cbG, crG [256]int32 // G offset terms, 16 fraction bits (rounding in crG)
	r, g, b  [clampSize]float32
}

// R, G and B before clamping lie in [-227, 480]; the tables cover
// [-clampOff, clampSize-clampOff).
const (
	clampOff  = 384
	clampSize = 1024
)

var ycbcrTables = sync.OnceValue(func() *ycbcrLUT {
	t := new(ycbcrLUT)
	for v := range 256 {
		c := int32(v) - 128
		t.crR[v] = (fixR*c + half) >> 16
		t.cbB[v] = (fixB*c + half) >> 16
		t.cbG[v] = -fixGb * c
		t.crG[v] = -fixGr*c + half
	}
	for i := range clampSize {
		v := float32(min(max(i-clampOff, 0), 255))
		t.r[i] = lumaR * v
		t.g[i] = lumaG * v
		t.b[i] = lumaB * v
	}
	return t
})

// luma converts one pixel.
func (t *ycbcrLUT) luma(y int32, cb, cr uint8) float32 {
	rr := y + t.crR[cr]
	gg := y + (t.cbG[cb]+t.crG[cr])>>16
	bb := y + t.cbB[cb]
	return t.r[(rr+clampOff)&(clampSize-1)] + t.g[(gg+clampOff)&(clampSize-1)] + t.b[(bb+clampOff)&(clampSize-1)]
}

// fillYCbCr converts YCbCr to RGB the way libjpeg does for the reference
// tool: chroma upsampled with libjpeg's "fancy" triangle filter for 4:2:0
// and 4:2:2 (other ratios by replication), then the fixed-point jdcolor
// conversion. The luma plane, which dominates the hash, is used as is.
func fillYCbCr(m *image.YCbCr, s *scratch) {
	minX, minY := m.Rect.Min.X, m.Rect.Min.Y
	ratio := m.SubsampleRatio
	fancy := minX == 0 && minY == 0 &&
		(ratio == image.YCbCrSubsampleRatio420 || ratio == image.YCbCrSubsampleRatio422)
	// Chroma column of a pixel, as image.YCbCr.COffset computes it.
	cx := func(x int) int {
		switch ratio {
		case image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio420:
			return x/2 - minX/2
		case image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410:
			return x/4 - minX/4
		default:
			return x - minX
		}
	}
	cy := func(y int) int {
		switch ratio {
		case image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio440, image.YCbCrSubsampleRatio410:
			return y/2 - minY/2
		default:
			return y - minY
		}
	}
	cw := cx(minX+m.Rect.Dx()-1) + 1
	ch := cy(minY+m.Rect.Dy()-1) + 1
	// Per column: luma index, chroma index, horizontal neighbour and
	// rounding bias of the fancy filter (16 * value = 3*cs[c] + cs[c2] +
	// bias, where cs is the vertically filtered column sum scaled by 4).
	cols := s.ycols[:0]
	for j, sx := range s.srcX {
		c := cx(minX + sx)
		c2, bias := c, int32(8)
		if fancy {
			odd := sx&1 == 1
			switch {
			case !odd && c > 0:
				c2 = c - 1
			case odd && c < cw-1:
				c2 = c + 1
			}
			if ratio == image.YCbCrSubsampleRatio420 {
				if odd {
					bias = 7
				}
			} else if !odd {
				bias = 4
			}
		}
		cols = append(cols, ycol{y: int32(sx), c: int32(c), c2: int32(c2), bias: bias, tx: int32(s.cols[j])})
	}
	s.ycols = cols
	row := &s.row
	t := ycbcrTables()
	for i, ty := range s.rows {
		sy := minY + s.srcY[i]
		yrow := m.Y[(sy-minY)*m.YStride:]
		r := cy(sy)
		cb0, cr0 := m.Cb[r*m.CStride:], m.Cr[r*m.CStride:]
		if !fancy {
			for _, col := range cols {
				row[col.tx&(downsampleDim-1)] = t.luma(int32(yrow[col.y]), cb0[col.c], cr0[col.c])
			}
			s.horizontal(ty)
			continue
		}
		fr := r // row mixed in with weight 1/4 (4:2:0 only)
		if ratio == image.YCbCrSubsampleRatio420 {
			if sy&1 == 1 {
				fr = min(r+1, ch-1)
			} else {
				fr = max(r-1, 0)
			}
		}
		cb1, cr1 := m.Cb[fr*m.CStride:], m.Cr[fr*m.CStride:]
		for _, col := range cols {
			c, c2 := col.c, col.c2
			cb := (9*int32(cb0[c]) + 3*int32(cb1[c]) + 3*int32(cb0[c2]) + int32(cb1[c2]) + col.bias) >> 4
			cr := (9*int32(cr0[c]) + 3*int32(cr1[c]) + 3*int32(cr0[c2]) + int32(cr1[c2]) + col.bias) >> 4
			row[col.tx&(downsampleDim-1)] = t.luma(int32(yrow[col.y]), uint8(cb), uint8(cr))
		}
		s.horizontal(ty)
	}
}

// ycol is the per-column data of fillYCbCr.
type ycol struct {
	y, c, c2, bias, tx int32
}

// fillRGB reads 8-bit RGBA pixels; premultiplied (image.RGBA) pixels
// with partial alpha are converted to straight colour first, as At would.
func fillRGB(pix []uint8, stride int, premultiplied bool, s *scratch) {
	lut := lumaLUT()
	s.aux = s.aux[:0]
	for _, sx := range s.srcX {
		s.aux = append(s.aux, sx*4)
	}
	row, offs, cols := &s.row, s.aux, s.cols[:len(s.aux)]
	lr, lg, lb := &lut[0], &lut[1], &lut[2]
	for i, ty := range s.rows {
		prow := pix[s.srcY[i]*stride:]
		for j, tx := range cols {
			p := prow[offs[j] : offs[j]+4 : offs[j]+4]
			if premultiplied && p[3] != 255 {
				row[tx&(downsampleDim-1)] = colorLuma(color.RGBA{p[0], p[1], p[2], p[3]})
				continue
			}
			row[tx&(downsampleDim-1)] = lr[p[0]] + lg[p[1]] + lb[p[2]]
		}
		s.horizontal(ty)
	}
}

func fillGray(m *image.Gray, s *scratch) {
	for i, ty := range s.rows {
		prow := m.Pix[s.srcY[i]*m.Stride:]
		for j, tx := range s.cols {
			s.row[tx] = float32(prow[s.srcX[j]])
		}
		s.horizontal(ty)
	}
}

func fillPaletted(m *image.Paletted, s *scratch) {
	var pal [256]float32
	for i, c := range m.Palette {
		if i >= len(pal) {
			break
		}
		pal[i] = colorLuma(c)
	}
	for i, ty := range s.rows {
		prow := m.Pix[s.srcY[i]*m.Stride:]
		for j, tx := range s.cols {
			s.row[tx] = pal[prow[s.srcX[j]]]
		}
		s.horizontal(ty)
	}
}

func fillGeneric(img image.Image, s *scratch) {
	min := img.Bounds().Min
	for i, ty := range s.rows {
		y := min.Y + s.srcY[i]
		for j, tx := range s.cols {
			s.row[tx] = colorLuma(img.At(min.X+s.srcX[j], y))
		}
		s.horizontal(ty)
	}
}

// colorLuma converts any colour to the reference's luma: grey models use
// the grey value (as the reference does for single-channel images), other
// models the 8-bit non-premultiplied RGB.
func colorLuma(c color.Color) float32 {
	switch c := c.(type) {
	case color.Gray:
		return float32(c.Y)
	case color.Gray16:
		return float32(c.Y >> 8)
	case color.YCbCr:
		r, g, b := color.YCbCrToRGB(c.Y, c.Cb, c.Cr)
		return rgbLuma(r, g, b)
	}
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	return rgbLuma(n.R, n.G, n.B)
}
