package synth

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"

	xdraw "golang.org/x/image/draw"
)

// style is the look shared by a brand's pictures: a palette and a
// logo-like mark.
type style struct {
	palette [4]color.RGBA
	mark    uint16 // 5×5 mark, left-right symmetric: 15 bits for 3 columns
	ring    bool
}

func newStyle(seed uint64) style {
	r := newRand(seed, 1)
	var s style
	hue := r.Float64()
	for i := range s.palette {
		h := math.Mod(hue+float64(i)*(0.15+0.2*r.Float64()), 1)
		s.palette[i] = hsv(h, 0.35+0.6*r.Float64(), 0.3+0.7*r.Float64())
	}
	for s.mark == 0 || popcount(s.mark) < 5 {
		s.mark = uint16(r.Uint32() & 0x7fff)
	}
	s.ring = r.IntN(2) == 0
	return s
}

func popcount(x uint16) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

func hsv(h, s, v float64) color.RGBA {
	i := int(h * 6)
	f := h*6 - float64(i)
	p, q, t := v*(1-s), v*(1-f*s), v*(1-(1-f)*s)
	var r, g, b float64
	switch i % 6 {
	case 0:
		r, g, b = v, t, p
	case 1:
		r, g, b = q, v, p
	case 2:
		r, g, b = p, v, t
	case 3:
		r, g, b = p, q, v
	case 4:
		r, g, b = t, p, v
	default:
		r, g, b = v, p, q
	}
	return color.RGBA{uint8(r * 255), uint8(g * 255), uint8(b * 255), 255}
}

// canvas paints on an RGBA image with alpha blending.
type canvas struct {
	img  *image.RGBA
	w, h int
}

// blend mixes c into pixel (x, y) with weight a in [0, 256].
func (cv canvas) blend(x, y int, c color.RGBA, a int) {
	i := y*cv.img.Stride + x*4
	p := cv.img.Pix[i : i+3 : i+3]
	p[0] = uint8((int(p[0])*(256-a) + int(c.R)*a) >> 8)
	p[1] = uint8((int(p[1])*(256-a) + int(c.G)*a) >> 8)
	p[2] = uint8((int(p[2])*(256-a) + int(c.B)*a) >> 8)
}

func (cv canvas) clip(x0, y0, x1, y1 int) (int, int, int, int) {
	return max(x0, 0), max(y0, 0), min(x1, cv.w), min(y1, cv.h)
}

func (cv canvas) rect(x0, y0, x1, y1 int, c color.RGBA, a int) {
	x0, y0, x1, y1 = cv.clip(x0, y0, x1, y1)
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			cv.blend(x, y, c, a)
		}
	}
}

// ellipse fills the ellipse centred at (cx, cy); with inner > 0 it fills
// only the ring outside the same ellipse scaled by inner.
func (cv canvas) ellipse(cx, cy, rx, ry float64, inner float64, c color.RGBA, a int) {
	x0, y0, x1, y1 := cv.clip(int(cx-rx), int(cy-ry), int(cx+rx)+1, int(cy+ry)+1)
	for y := y0; y < y1; y++ {
		dy := (float64(y) + 0.5 - cy) / ry
		for x := x0; x < x1; x++ {
			dx := (float64(x) + 0.5 - cx) / rx
			d := dx*dx + dy*dy
			if d <= 1 && d >= inner*inner {
				cv.blend(x, y, c, a)
			}
		}
	}
}

// triangle fills the triangle with the given corners.
func (cv canvas) triangle(p [3][2]float64, c color.RGBA, a int) {
	minX, maxX := math.Min(p[0][0], math.Min(p[1][0], p[2][0])), math.Max(p[0][0], math.Max(p[1][0], p[2][0]))
	minY, maxY := math.Min(p[0][1], math.Min(p[1][1], p[2][1])), math.Max(p[0][1], math.Max(p[1][1], p[2][1]))
	x0, y0, x1, y1 := cv.clip(int(minX), int(minY), int(maxX)+1, int(maxY)+1)
	edge := func(a, b [2]float64, x, y float64) float64 {
		return (b[0]-a[0])*(y-a[1]) - (b[1]-a[1])*(x-a[0])
	}
	for y := y0; y < y1; y++ {
		fy := float64(y) + 0.5
		for x := x0; x < x1; x++ {
			fx := float64(x) + 0.5
			e0, e1, e2 := edge(p[0], p[1], fx, fy), edge(p[1], p[2], fx, fy), edge(p[2], p[0], fx, fy)
			if (e0 >= 0 && e1 >= 0 && e2 >= 0) || (e0 <= 0 && e1 <= 0 && e2 <= 0) {
				cv.blend(x, y, c, a)
			}
		}
	}
}

func scale(c color.RGBA, f float64) color.RGBA {
	m := func(v uint8) uint8 { return uint8(math.Min(255, float64(v)*f)) }
	return color.RGBA{m(c.R), m(c.G), m(c.B), 255}
}

// renderPhoto draws a product photo: a gradient background with texture,
// large random shapes, the product's silhouette and, when st is not nil,
// the brand's mark on it. The picture depends only on its arguments.
func renderPhoto(size int, st *style, palette [4]color.RGBA, seed uint64, sh shape) *image.RGBA {
	r := newRand(seed, 2)
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	cv := canvas{img: img, w: size, h: size}
	s := float64(size)

	// Background: a linear gradient between two palette colours.
	c0, c1 := scale(palette[r.IntN(4)], 0.6+0.8*r.Float64()), scale(palette[r.IntN(4)], 0.4+0.8*r.Float64())
	ang := r.Float64() * 2 * math.Pi
	ux, uy := math.Cos(ang)/s, math.Sin(ang)/s
	for y := 0; y < size; y++ {
		row := img.Pix[y*img.Stride:]
		for x := 0; x < size; x++ {
			t := 0.5 + (float64(x)-s/2)*ux + (float64(y)-s/2)*uy
			t = math.Max(0, math.Min(1, t))
			row[4*x] = uint8(float64(c0.R)*(1-t) + float64(c1.R)*t)
			row[4*x+1] = uint8(float64(c0.G)*(1-t) + float64(c1.G)*t)
			row[4*x+2] = uint8(float64(c0.B)*(1-t) + float64(c1.B)*t)
			row[4*x+3] = 255
		}
	}

	// Large shapes give the picture its low-frequency structure.
	for n := 4 + r.IntN(4); n > 0; n-- {
		c := scale(palette[r.IntN(4)], 0.3+1.2*r.Float64())
		a := 128 + r.IntN(100)
		cx, cy := s*r.Float64(), s*r.Float64()
		rx, ry := s*(0.08+0.25*r.Float64()), s*(0.08+0.25*r.Float64())
		switch r.IntN(3) {
		case 0:
			cv.ellipse(cx, cy, rx, ry, 0, c, a)
		case 1:
			cv.rect(int(cx-rx), int(cy-ry), int(cx+rx), int(cy+ry), c, a)
		default:
			cv.triangle([3][2]float64{{cx, cy - ry}, {cx - rx, cy + ry}, {cx + rx, cy + ry*r.Float64()}}, c, a)
		}
	}

	// Medium shapes: structure at the scale of PDQ's finest frequencies,
	// which keeps its hash stable under resizing and small edits.
	for n := 24 + r.IntN(13); n > 0; n-- {
		c := scale(palette[r.IntN(4)], 0.2+1.4*r.Float64())
		cx, cy := s*r.Float64(), s*r.Float64()
		rx, ry := s*(0.025+0.05*r.Float64()), s*(0.025+0.05*r.Float64())
		if r.IntN(2) == 0 {
			cv.ellipse(cx, cy, rx, ry, 0, c, 230)
		} else {
			cv.rect(int(cx-rx), int(cy-ry), int(cx+rx), int(cy+ry), c, 230)
		}
	}

	// Texture: blocky value noise, so the photo has detail at all scales.
	cell := 4 + r.IntN(8)
	amp := 10 + r.IntN(16)
	tseed := r.Uint64()
	for y := 0; y < size; y++ {
		row := img.Pix[y*img.Stride:]
		for x := 0; x < size; x++ {
			d := int(mix(tseed^uint64(x/cell)<<32^uint64(y/cell))%uint64(2*amp+1)) - amp
			for k := 0; k < 3; k++ {
				row[4*x+k] = clamp8(int(row[4*x+k]) + d)
			}
		}
	}

	// The product.
	pc := scale(palette[r.IntN(4)], 0.5+0.7*r.Float64())
	cx, cy := s*(0.4+0.2*r.Float64()), s*(0.4+0.2*r.Float64())
	k := s * (0.22 + 0.08*r.Float64())
	drawProduct(cv, sh, cx, cy, k, pc)
	if st != nil {
		drawMark(cv, st, cx, cy, k*0.55)
	}
	return img
}

func clamp8(v int) uint8 { return uint8(max(0, min(255, v))) }

// drawProduct draws a category's silhouette centred at (cx, cy) with size k.
func drawProduct(cv canvas, sh shape, cx, cy, k float64, c color.RGBA) {
	dark := scale(c, 0.55)
	switch sh {
	case shapeShoe:
		cv.ellipse(cx, cy, k*1.3, k*0.6, 0, c, 240)
		cv.rect(int(cx-k*1.4), int(cy+k*0.35), int(cx+k*1.4), int(cy+k*0.6), dark, 240)
	case shapeBag:
		cv.ellipse(cx, cy-k*0.6, k*0.6, k*0.6, 0.75, dark, 240)
		cv.rect(int(cx-k), int(cy-k*0.4), int(cx+k), int(cy+k*0.9), c, 240)
	case shapeWatch:
		cv.rect(int(cx-k*0.35), int(cy-k*1.5), int(cx+k*0.35), int(cy+k*1.5), dark, 240)
		cv.ellipse(cx, cy, k*0.8, k*0.8, 0, c, 250)
		cv.ellipse(cx, cy, k*0.8, k*0.8, 0.85, dark, 250)
	case shapeHeadphones:
		cv.ellipse(cx, cy, k*1.1, k*1.1, 0.82, dark, 240)
		cv.ellipse(cx-k*1.0, cy+k*0.3, k*0.35, k*0.55, 0, c, 250)
		cv.ellipse(cx+k*1.0, cy+k*0.3, k*0.35, k*0.55, 0, c, 250)
	case shapeGlasses:
		cv.ellipse(cx-k*0.65, cy, k*0.55, k*0.42, 0, dark, 240)
		cv.ellipse(cx+k*0.65, cy, k*0.55, k*0.42, 0, dark, 240)
		cv.rect(int(cx-k*0.15), int(cy-k*0.3), int(cx+k*0.15), int(cy-k*0.2), c, 240)
	case shapeBottle:
		cv.rect(int(cx-k*0.7), int(cy-k*0.5), int(cx+k*0.7), int(cy+k*1.1), c, 230)
		cv.rect(int(cx-k*0.25), int(cy-k*0.95), int(cx+k*0.25), int(cy-k*0.5), dark, 250)
	case shapeGarment:
		cv.rect(int(cx-k*0.7), int(cy-k*0.7), int(cx+k*0.7), int(cy+k*1.1), c, 240)
		cv.triangle([3][2]float64{{cx - k*0.7, cy - k*0.7}, {cx - k*1.4, cy + k*0.2}, {cx - k*0.7, cy + k*0.3}}, c, 240)
		cv.triangle([3][2]float64{{cx + k*0.7, cy - k*0.7}, {cx + k*1.4, cy + k*0.2}, {cx + k*0.7, cy + k*0.3}}, c, 240)
	case shapePhone:
		cv.rect(int(cx-k*0.55), int(cy-k*1.1), int(cx+k*0.55), int(cy+k*1.1), dark, 250)
		cv.rect(int(cx-k*0.47), int(cy-k*0.98), int(cx+k*0.47), int(cy+k*0.98), c, 250)
	default:
		cv.rect(int(cx-k), int(cy-k*0.7), int(cx+k), int(cy+k*0.7), c, 240)
		cv.rect(int(cx-k), int(cy-k*0.7), int(cx+k), int(cy-k*0.5), dark, 240)
	}
}

// drawMark draws the brand's logo-like mark: a symmetric 5×5 grid of
// blocks, optionally inside a ring, in the palette's most contrasting
// colour.
func drawMark(cv canvas, st *style, cx, cy, k float64) {
	c := st.palette[3]
	if lum(c) > 128 {
		c = scale(c, 0.3)
	} else {
		c = color.RGBA{255 - c.R/3, 255 - c.G/3, 255 - c.B/3, 255}
	}
	cell := 2 * k / 5
	for row := 0; row < 5; row++ {
		for col := 0; col < 3; col++ {
			if st.mark>>(row*3+col)&1 == 0 {
				continue
			}
			for _, cc := range []int{col, 4 - col} {
				x0, y0 := cx-k+float64(cc)*cell, cy-k+float64(row)*cell
				cv.rect(int(x0), int(y0), int(x0+cell), int(y0+cell), c, 256)
			}
		}
	}
	if st.ring {
		cv.ellipse(cx, cy, k*1.55, k*1.55, 0.88, c, 256)
	}
}

func lum(c color.RGBA) int { return (299*int(c.R) + 587*int(c.G) + 114*int(c.B)) / 1000 }

// Transform is how a listing's picture was made from a source picture:
// cropped, resized, overlaid, then encoded as JPEG. Applying it to the
// source reproduces the picture (up to JPEG loss).
type Transform struct {
	// Crop is the kept rectangle of the source, [x0, y0, x1, y1) in pixels.
	Crop [4]int `json:"crop"`
	// Size is the width and height the crop was resized to.
	Size [2]int `json:"size"`
	// Overlays were drawn on the resized picture, in order.
	Overlays []Overlay `json:"overlays,omitempty"`
	// JPEGQuality is the quality the picture was encoded with.
	JPEGQuality int `json:"jpeg_quality"`
}

// Overlay is something a seller drew over a picture.
type Overlay struct {
	// Kind is "text" (a caption band of glyph-like marks), "watermark" (a
	// translucent striped box) or "sticker" (an opaque badge).
	Kind string `json:"kind"`
	// Rect is [x0, y0, x1, y1) in the resized picture's pixels.
	Rect [4]int `json:"rect"`
}

// newTransform draws a transform of a size×size source. Heavy transforms
// are those of counterfeit re-uploads; light ones (a little crop, a
// resize, a good JPEG) are those of genuine photos reused.
func newTransform(r *rand.Rand, size int, heavy bool) Transform {
	keepLo, scaleLo, scaleHi := 0.97, 0.7, 1.5
	if !heavy {
		keepLo, scaleLo, scaleHi = 0.985, 0.9, 1.3
	}
	// Trim up to 1-keepLo of each side's length, split between its two
	// ends: PDQ tolerates trimmed borders, not shifted content.
	cw := int(float64(size) * (keepLo + (1-keepLo)*r.Float64()))
	ch := int(float64(size) * (keepLo + (1-keepLo)*r.Float64()))
	x0 := int(float64(size-cw) * (0.3 + 0.4*r.Float64()))
	y0 := int(float64(size-ch) * (0.3 + 0.4*r.Float64()))
	f := scaleLo + (scaleHi-scaleLo)*r.Float64()
	t := Transform{
		Crop: [4]int{x0, y0, x0 + cw, y0 + ch},
		Size: [2]int{max(64, int(float64(cw)*f)), max(64, int(float64(ch)*f*(0.97+0.06*r.Float64())))},
	}
	if !heavy {
		t.JPEGQuality = 72 + r.IntN(21)
		return t
	}
	t.JPEGQuality = 35 + r.IntN(56)
	w, h := t.Size[0], t.Size[1]
	// No overlay half of the time, one 35%, two 15%.
	n := 0
	switch u := r.Float64(); {
	case u >= 0.85:
		n = 2
	case u >= 0.5:
		n = 1
	}
	for ; n > 0; n-- {
		var o Overlay
		switch r.IntN(3) {
		case 0:
			ow, oh := int(float64(w)*(0.2+0.15*r.Float64())), int(float64(h)*(0.035+0.015*r.Float64()))
			x := r.IntN(w - ow + 1)
			y := pick(r, []int{h / 40, h - oh - h/40})
			o = Overlay{Kind: "text", Rect: [4]int{x, y, x + ow, y + oh}}
		case 1:
			ow, oh := int(float64(w)*(0.1+0.05*r.Float64())), int(float64(h)*(0.05+0.03*r.Float64()))
			x, y := r.IntN(w-ow+1), r.IntN(h-oh+1)
			o = Overlay{Kind: "watermark", Rect: [4]int{x, y, x + ow, y + oh}}
		default:
			side := int(float64(min(w, h)) * (0.05 + 0.02*r.Float64()))
			x := pick(r, []int{w / 30, w - side - w/30})
			y := pick(r, []int{h / 30, h - side - h/30})
			o = Overlay{Kind: "sticker", Rect: [4]int{x, y, x + side, y + side}}
		}
		t.Overlays = append(t.Overlays, o)
	}
	return t
}

// apply makes the transformed picture (before JPEG encoding).
func (t Transform) apply(src *image.RGBA) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, t.Size[0], t.Size[1]))
	crop := image.Rect(t.Crop[0], t.Crop[1], t.Crop[2], t.Crop[3])
	xdraw.ApproxBiLinear.Scale(dst, dst.Bounds(), src, crop, xdraw.Src, nil)
	cv := canvas{img: dst, w: t.Size[0], h: t.Size[1]}
	for _, o := range t.Overlays {
		drawOverlay(cv, o)
	}
	return dst
}

// drawOverlay draws o; its look depends only on o.
func drawOverlay(cv canvas, o Overlay) {
	x0, y0, x1, y1 := o.Rect[0], o.Rect[1], o.Rect[2], o.Rect[3]
	r := newRand(uint64(x0)<<48^uint64(y0)<<32^uint64(x1)<<16^uint64(y1), 3)
	switch o.Kind {
	case "text":
		cv.rect(x0, y0, x1, y1, color.RGBA{250, 250, 250, 255}, 190)
		ink := color.RGBA{uint8(r.IntN(80)), uint8(r.IntN(80)), uint8(r.IntN(80)), 255}
		gh := max(3, (y1-y0)*3/5)
		gw := max(2, gh*4/5)
		gy := y0 + (y1-y0-gh)/2
		for x := x0 + gw/2; x+gw <= x1-gw/2; x += gw + gw/3 {
			if r.IntN(6) == 0 {
				continue // a space
			}
			// A glyph: two or three strokes in a gw×gh box.
			for s := 2 + r.IntN(2); s > 0; s-- {
				if r.IntN(2) == 0 {
					yy := gy + r.IntN(gh)
					cv.rect(x, yy, x+gw, yy+max(1, gh/6), ink, 256)
				} else {
					xx := x + r.IntN(gw)
					cv.rect(xx, gy, xx+max(1, gw/4), gy+gh, ink, 256)
				}
			}
		}
	case "watermark":
		c := color.RGBA{255, 255, 255, 255}
		if r.IntN(2) == 0 {
			c = color.RGBA{20, 20, 20, 255}
		}
		x0, y0, x1, y1 = cv.clip(x0, y0, x1, y1)
		period := max(4, (y1-y0)/4)
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				a := 70
				if (x+y)%period < period/3 {
					a = 140
				}
				cv.blend(x, y, c, a)
			}
		}
	default: // sticker
		c := hsv(r.Float64(), 0.9, 0.9)
		cv.rect(x0, y0, x1, y1, c, 256)
		m := (x1 - x0) / 4
		cv.rect(x0+m, y0+m, x1-m, y1-m, color.RGBA{255, 255, 255, 255}, 256)
	}
}

// mix is the SplitMix64 finaliser, used to derive independent seeds.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// newRand returns a generator for the stream of seed named by stream.
func newRand(seed, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(mix(seed), mix(seed^stream*0x5851f42d4c957f2d)))
}
