package pdq

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"os"

	"golang.org/x/image/webp"
)

// Errors returned (wrapped) by Decode and HashFile.
var (
	// ErrTooLarge means the input exceeds Limits.MaxBytes or its header
	// declares more than Limits.MaxPixels pixels.
	ErrTooLarge = errors.New("pdq: image too large")
	// ErrNotImage means the input is not a JPEG, PNG, GIF or WebP image,
	// or is corrupt.
	ErrNotImage = errors.New("pdq: not a supported image")
)

// Default limits, used for zero fields of Limits.
const (
	DefaultMaxBytes  = 32 << 20   // 32 MiB
	DefaultMaxPixels = 50_000_000 // e.g. 8660 x 5773
)

// Limits bound the resources Decode spends on one untrusted image. A zero
// field means the default (DefaultMaxBytes, DefaultMaxPixels); there is no
// way to disable a limit.
type Limits struct {
	// MaxBytes is the largest input accepted, in bytes.
	MaxBytes int64
	// MaxPixels is the largest width*height accepted, checked on the
	// header before any pixel is decoded (a small file can declare a huge
	// image: a decompression bomb).
	MaxPixels int64
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxPixels <= 0 {
		l.MaxPixels = DefaultMaxPixels
	}
	return l
}

type format struct {
	name   string
	magic  string // '?' matches any byte
	config func(io.Reader) (image.Config, error)
	decode func(io.Reader) (image.Image, error)
}

// formats are matched by magic number here rather than through
// image.RegisterFormat, so the set of accepted formats does not depend on
// what other packages of the program import.
var formats = []format{
	{"jpeg", "\xff\xd8", jpeg.DecodeConfig, jpeg.Decode},
	{"png", "\x89PNG\r\n\x1a\n", png.DecodeConfig, png.Decode},
	{"gif", "GIF8", gif.DecodeConfig, gif.Decode},
	{"webp", "RIFF????WEBPVP8", webp.DecodeConfig, webp.Decode},
}

func sniff(b []byte) *format {
	for i := range formats {
		f := &formats[i]
		if len(b) < len(f.magic) {
			continue
		}
		ok := true
		for j := range len(f.magic) {
			if f.magic[j] != '?' && f.magic[j] != b[j] {
				ok = false
				break
			}
		}
		if ok {
			return f
		}
	}
	return nil
}

// limitReader passes through at most max bytes and remembers whether the
// input had more.
type limitReader struct {
	r        io.Reader
	max      int64
	left     int64
	exceeded bool
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		// Probe for one more byte to tell "exactly max" from "more".
		var one [1]byte
		n, err := l.r.Read(one[:])
		if n > 0 {
			l.exceeded = true
			return 0, ErrTooLarge
		}
		return 0, err
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

// Decode decodes a JPEG, PNG, GIF (first frame) or WebP image from r,
// guarding against hostile input: the format is sniffed from the magic
// number, the header is decoded first and images over lim.MaxPixels are
// rejected before their pixels are allocated, and no more than
// lim.MaxBytes are read. Errors wrap ErrTooLarge or ErrNotImage. EXIF
// orientation is ignored, like the reference tool.
func Decode(r io.Reader, lim Limits) (image.Image, error) {
	lim = lim.withDefaults()
	lr := &limitReader{r: r, max: lim.MaxBytes, left: lim.MaxBytes}
	br := bufio.NewReaderSize(lr, 4096)
	head, err := br.Peek(16)
	if err != nil && len(head) == 0 {
		if lr.exceeded {
			return nil, fmt.Errorf("decode: %w: over %d bytes", ErrTooLarge, lr.max)
		}
		return nil, fmt.Errorf("decode: %w: empty input", ErrNotImage)
	}
	f := sniff(head)
	if f == nil {
		return nil, fmt.Errorf("decode: %w: unknown format", ErrNotImage)
	}

	// Decode the header from a recording of the stream, then replay the
	// recording in front of the rest for the full decode.
	var rec bytes.Buffer
	cfg, err := f.config(io.TeeReader(br, &rec))
	if err != nil {
		return nil, decodeError(f.name, lr, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, fmt.Errorf("decode %s: %w: %dx%d", f.name, ErrNotImage, cfg.Width, cfg.Height)
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > lim.MaxPixels {
		return nil, fmt.Errorf("decode %s: %w: %dx%d is over %d pixels", f.name, ErrTooLarge, cfg.Width, cfg.Height, lim.MaxPixels)
	}
	img, err := f.decode(io.MultiReader(&rec, br))
	if err != nil {
		return nil, decodeError(f.name, lr, err)
	}
	if lr.exceeded {
		return nil, fmt.Errorf("decode %s: %w: over %d bytes", f.name, ErrTooLarge, lim.MaxBytes)
	}
	return img, nil
}

func decodeError(name string, lr *limitReader, err error) error {
	if lr.exceeded || errors.Is(err, ErrTooLarge) {
		return fmt.Errorf("decode %s: %w: over %d bytes", name, ErrTooLarge, lr.max)
	}
	return fmt.Errorf("decode %s: %w: %w", name, ErrNotImage, err)
}

// HashFile decodes the image file at path within lim and returns its PDQ
// hash and quality.
func HashFile(path string, lim Limits) (Hash, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return Hash{}, 0, fmt.Errorf("hash %s: %w", path, err)
	}
	defer f.Close()
	img, err := Decode(f, lim)
	if err != nil {
		return Hash{}, 0, fmt.Errorf("hash %s: %w", path, err)
	}
	h, q := HashImage(img)
	return h, q, nil
}
