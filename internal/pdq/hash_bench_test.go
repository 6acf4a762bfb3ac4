package pdq

import (
	"bytes"
	"image"
	"os"
	"testing"
)

// reportCPU starts measuring process CPU time; the returned function
// reports it per operation as "cpu-ns/op". On a loaded machine ns/op
// (wall time) includes waiting for a core; cpu-ns/op mostly does not.
func reportCPU(b *testing.B) func() {
	start := processCPU()
	return func() {
		if start < 0 || b.N == 0 {
			return
		}
		b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkHashImage hashes already-decoded images: a 1600x1004 JPEG photo
// (*image.YCbCr 4:2:0, squashed to 512x512), a 924x735 PNG (*image.NRGBA)
// and a 256x256 JPEG.
func BenchmarkHashImage(b *testing.B) {
	for _, name := range []string{"bridge-1-original.jpg", "pen-and-coaster.png", "q1050.jpg"} {
		img := decodeFile(b, name)
		b.Run(name, func(b *testing.B) {
			defer reportCPU(b)()
			for b.Loop() {
				HashImage(img)
			}
		})
	}
}

func BenchmarkDihedral(b *testing.B) {
	img := decodeFile(b, "bridge-1-original.jpg")
	defer reportCPU(b)()
	for b.Loop() {
		Dihedral(img)
	}
}

// BenchmarkHashLuma is the reference-exact path on a 512x512 plane.
func BenchmarkHashLuma(b *testing.B) {
	l := lumaOf(decodeFile(b, "bridge-1-original.jpg"))
	for b.Loop() {
		HashLuma(l.pix, l.w, l.h)
	}
}

// BenchmarkDecodeAndHash is the whole job for one uploaded photo: decode
// a 1.6 MP JPEG (1600x1004, 361 kB) and hash it. Reports images/s.
func BenchmarkDecodeAndHash(b *testing.B) {
	data, err := os.ReadFile("testdata/images/bridge-1-original.jpg")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	defer reportCPU(b)()
	n := 0
	for b.Loop() {
		img, err := Decode(bytes.NewReader(data), Limits{})
		if err != nil {
			b.Fatal(err)
		}
		HashImage(img)
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "images/s")
}

// BenchmarkDecode is the decoding share of BenchmarkDecodeAndHash.
func BenchmarkDecode(b *testing.B) {
	data, err := os.ReadFile("testdata/images/bridge-1-original.jpg")
	if err != nil {
		b.Fatal(err)
	}
	var img image.Image
	defer reportCPU(b)()
	for b.Loop() {
		img, _ = Decode(bytes.NewReader(data), Limits{})
	}
	_ = img
}
