package pdq

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"testing"
)

func encodeTestImage(t testing.TB, format string, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{uint8(x * 7), uint8(y * 5), uint8(x ^ y), 255})
		}
	}
	var buf bytes.Buffer
	var err error
	switch format {
	case "png":
		err = png.Encode(&buf, img)
	case "jpeg":
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90})
	case "gif":
		err = gif.Encode(&buf, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pngBomb returns a valid PNG header declaring a w x h image followed by a
// tiny (truncated) body.
func pngBomb(t testing.TB, w, h uint32) []byte {
	t.Helper()
	b := encodeTestImage(t, "png", 8, 8)
	// IHDR data starts at 16: width, height (big-endian); CRC over type+data.
	binary.BigEndian.PutUint32(b[16:], w)
	binary.BigEndian.PutUint32(b[20:], h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

func TestDecode(t *testing.T) {
	webpBytes, err := os.ReadFile("testdata/images/blue-purple-pink.lossy.webp")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		data    []byte
		lim     Limits
		wantErr error
		wantW   int
	}{
		{"png", encodeTestImage(t, "png", 40, 30), Limits{}, nil, 40},
		{"jpeg", encodeTestImage(t, "jpeg", 40, 30), Limits{}, nil, 40},
		{"gif", encodeTestImage(t, "gif", 40, 30), Limits{}, nil, 40},
		{"webp", webpBytes, Limits{}, nil, 150},
		{"empty", nil, Limits{}, ErrNotImage, 0},
		{"text", []byte("hello, world, this is not an image"), Limits{}, ErrNotImage, 0},
		{"truncated jpeg", encodeTestImage(t, "jpeg", 40, 30)[:300], Limits{}, ErrNotImage, 0},
		{"pixel bomb", pngBomb(t, 100000, 100000), Limits{}, ErrTooLarge, 0},
		{"over pixel limit", encodeTestImage(t, "png", 40, 30), Limits{MaxPixels: 40*30 - 1}, ErrTooLarge, 0},
		{"at pixel limit", encodeTestImage(t, "png", 40, 30), Limits{MaxPixels: 40 * 30}, nil, 40},
		{"over byte limit", encodeTestImage(t, "jpeg", 40, 30), Limits{MaxBytes: 200}, ErrTooLarge, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img, err := Decode(bytes.NewReader(tc.data), tc.lim)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Decode error = %v, want %v", err, tc.wantErr)
			}
			if tc.wantErr != nil {
				return
			}
			if got := img.Bounds().Dx(); got != tc.wantW {
				t.Errorf("width = %d, want %d", got, tc.wantW)
			}
		})
	}
}

func TestDecodeExactByteLimit(t *testing.T) {
	data := encodeTestImage(t, "png", 40, 30)
	if _, err := Decode(bytes.NewReader(data), Limits{MaxBytes: int64(len(data))}); err != nil {
		t.Errorf("Decode with MaxBytes = len(input): %v, want success", err)
	}
	_, err := Decode(bytes.NewReader(data), Limits{MaxBytes: int64(len(data)) - 1})
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("Decode with MaxBytes = len(input)-1: %v, want ErrTooLarge", err)
	}
}

func TestHashFile(t *testing.T) {
	h, q, err := HashFile("testdata/images/q1050.jpg", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := ParseHash("489db672e9190276d452aeab41eba20f02375fe4092d88defdf491a5c55c5f70")
	if d := Distance(h, want); d > 2 || q != 100 {
		t.Errorf("HashFile = %s quality %d; distance %d from reference, want <= 2 and quality 100", h, q, d)
	}
	if _, _, err := HashFile("testdata/does-not-exist.jpg", Limits{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("HashFile(missing) error = %v, want os.ErrNotExist", err)
	}
	if _, _, err := HashFile("testdata/hashes/needles.txt", Limits{}); !errors.Is(err, ErrNotImage) {
		t.Errorf("HashFile(text file) error = %v, want ErrNotImage", err)
	}
}

func FuzzDecode(f *testing.F) {
	// Seeds: the files in testdata/fuzz/FuzzDecode (go test picks them up)
	// plus small valid images and a pixel bomb.
	f.Add(encodeTestImage(f, "png", 9, 7))
	f.Add(encodeTestImage(f, "jpeg", 9, 7))
	f.Add(encodeTestImage(f, "gif", 9, 7))
	f.Add(pngBomb(f, 1<<20, 1<<20))
	lim := Limits{MaxBytes: 1 << 20, MaxPixels: 1 << 20}
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := Decode(bytes.NewReader(data), lim)
		if err != nil {
			if !errors.Is(err, ErrNotImage) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("error %v wraps neither ErrNotImage nor ErrTooLarge", err)
			}
			return
		}
		b := img.Bounds()
		if int64(b.Dx())*int64(b.Dy()) > lim.MaxPixels {
			t.Fatalf("decoded %v, over the pixel limit", b)
		}
		HashImage(img)
	})
}
