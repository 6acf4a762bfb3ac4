package pdq

import (
	"image"
)

type lumaPlane struct {
	pix  []float32
	w, h int
}

// lumaOf is the test oracle for the pre-processing: the reference's
// nearest-neighbour squash to 512x512 and float luma, pixel by pixel
// through At.
func lumaOf(img image.Image) lumaPlane {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	tw, th := w, h
	if w > downsampleDim || h > downsampleDim {
		tw, th = downsampleDim, downsampleDim
	}
	p := lumaPlane{pix: make([]float32, tw*th), w: tw, h: th}
	for y := range th {
		for x := range tw {
			p.pix[y*tw+x] = colorLuma(img.At(b.Min.X+x*w/tw, b.Min.Y+y*h/th))
		}
	}
	return p
}
