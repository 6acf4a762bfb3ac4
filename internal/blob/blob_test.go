package blob

import (
	"errors"
	"fmt"
	"testing"
)

func TestErrorMessages(t *testing.T) {
	const mib = 1 << 20
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"too large", &TooLargeError{Size: 32715571, Limit: 25 * mib}, "file is 31.2 MiB; the limit is 25 MiB"},
		{"one byte over", &TooLargeError{Size: 25*mib + 1, Limit: 25 * mib}, "file is 25.1 MiB; the limit is 25 MiB"},
		{"small limit", &TooLargeError{Size: 11, Limit: 10}, "file is 11 bytes; the limit is 10 bytes"},
		{"size unknown", &TooLargeError{Size: -1, Limit: 25 * mib}, "file is larger than the 25 MiB limit"},
		{
			"html",
			&TypeNotAllowedError{Type: TypeHTML, Allowed: DefaultLimits().Allowed},
			"file is an HTML page (text/html), which is not accepted; upload PDF, JPEG, PNG, WebP, plain text or CSV",
		},
		{
			"gif",
			&TypeNotAllowedError{Type: TypeGIF, Allowed: []string{TypePDF, TypePNG}},
			"file is a GIF file (image/gif), which is not accepted; upload PDF or PNG",
		},
		{
			"unknown",
			&TypeNotAllowedError{Type: TypeOctetStream, Allowed: []string{TypePDF}},
			"file is of an unrecognised type (application/octet-stream), which is not accepted; upload PDF",
		},
		{
			"nothing allowed",
			&TypeNotAllowedError{Type: TypePDF},
			"file is a PDF file (application/pdf), which is not accepted; no file types are accepted here",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTypedErrorsMatchSentinels(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		sentinel error
	}{
		{"too large", fmt.Errorf("upload: %w", &TooLargeError{Size: 2, Limit: 1}), ErrTooLarge},
		{"type not allowed", fmt.Errorf("upload: %w", &TypeNotAllowedError{Type: TypeHTML}), ErrTypeNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !errors.Is(tt.err, tt.sentinel) {
				t.Errorf("errors.Is(%v, %v) = false, want true", tt.err, tt.sentinel)
			}
			for _, other := range []error{ErrNotFound, ErrCorrupt, ErrEmpty} {
				if errors.Is(tt.err, other) {
					t.Errorf("errors.Is(%v, %v) = true, want false", tt.err, other)
				}
			}
		})
	}
}

func TestFormatSize(t *testing.T) {
	const (
		kib = 1 << 10
		mib = 1 << 20
	)
	tests := []struct {
		n    int64
		up   bool
		want string
	}{
		{0, true, "0 bytes"},
		{1, true, "1 byte"},
		{1023, false, "1023 bytes"},
		{kib, false, "1 KiB"},
		{kib + kib/2, false, "1.5 KiB"},
		{kib + 1, true, "1.1 KiB"},
		{kib + 1, false, "1 KiB"},
		{mib - 1, true, "1 MiB"},
		{mib - 1, false, "1023.9 KiB"},
		{25 * mib, false, "25 MiB"},
		{3 << 30, false, "3 GiB"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d up=%v", tt.n, tt.up), func(t *testing.T) {
			if got := formatSize(tt.n, tt.up); got != tt.want {
				t.Errorf("formatSize(%d, %v) = %q, want %q", tt.n, tt.up, got, tt.want)
			}
		})
	}
}

func TestDefaultLimits(t *testing.T) {
	lim := DefaultLimits()
	if got, want := lim.MaxBytes, int64(25<<20); got != want {
		t.Errorf("MaxBytes = %d, want %d", got, want)
	}
	for _, typ := range KnownTypes() {
		want := typ == TypePDF || typ == TypeJPEG || typ == TypePNG || typ == TypeWebP || typ == TypeText || typ == TypeCSV
		if got := lim.allows(typ); got != want {
			t.Errorf("allows(%q) = %v, want %v", typ, got, want)
		}
	}
	// Each call returns a fresh allow-list.
	lim.Allowed[0] = TypeHTML
	if DefaultLimits().allows(TypeHTML) {
		t.Errorf("changing one DefaultLimits result changed the next one")
	}
}
