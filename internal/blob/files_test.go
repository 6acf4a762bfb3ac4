package blob

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
)

// Minimal valid evidence files, built in code so that each test shows what
// it feeds the store.

// pdfFile returns a one-page PDF with a correct cross-reference table.
func pdfFile() []byte {
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}

func pixel() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.RGBA{R: 200, A: 255})
	return img
}

// pngFile returns a 2×2 PNG encoded by image/png.
func pngFile(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, pixel()); err != nil {
		t.Fatalf("encode png: %v", err)
	}
	return b.Bytes()
}

// jpegFile returns a 2×2 JPEG encoded by image/jpeg.
func jpegFile(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, pixel(), nil); err != nil {
		t.Fatalf("encode jpeg: %v", err)
	}
	return b.Bytes()
}

// webpFile returns a 1×1 lossless WebP (RIFF header, VP8L chunk). The
// standard library has no WebP encoder; these 34 bytes decode with
// golang.org/x/image/webp.
func webpFile() []byte {
	return []byte("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00")
}

func textFile() []byte {
	return []byte("Test purchase 2024-05-01, order 7781.\n测试购买：包装上的商标印刷模糊。\n")
}

func csvFile() []byte {
	return []byte("listing_id,seller,price\n1001,shop-a,19.90\n1002,\"shop, b\",5.00\n")
}

// longText returns n bytes of text spanning several lines.
func longText(n int) []byte {
	line := "Seller claimed the goods were genuine; the hologram was missing.\n"
	return []byte(strings.Repeat(line, n/len(line)+1)[:n])
}
