// Package blob stores evidence files (business licences, ID documents,
// trademark certificates, screenshots, test-purchase photos) so that they can
// later be proven unchanged.
//
// Files are content-addressed: an object's name is the lowercase hex SHA-256
// of its bytes, and its type is decided by sniffing those bytes (see Sniff),
// never by a file name or a client-supplied header. A Store accepts a file
// only if it is within Limits, and Verify re-hashes the stored bytes to prove
// they still match their name.
//
// Local is the embedded implementation over a directory; the Store interface
// is kept small enough for an S3-compatible implementation.
//
// Sniffing is a first line of defence against stored cross-site scripting
// (HTML and SVG are never text/plain here), not the only one: whoever serves
// an object should send its Type with "X-Content-Type-Options: nosniff" and
// "Content-Disposition: attachment".
package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Store keeps evidence files by the SHA-256 of their content.
//
// Implementations must be safe for concurrent use. Open, Stat and Verify
// accept a digest in either case and return an error matching ErrNotFound
// (via errors.Is) when no object has it, or ErrInvalidDigest when it is not
// 64 hex characters.
type Store interface {
	// Put reads r to its end, rejects the content if it breaks lim, and
	// otherwise stores it durably under its SHA-256. Putting content that is
	// already stored succeeds and returns the same Object.
	//
	// Rejections are a *TooLargeError, a *TypeNotAllowedError or ErrEmpty.
	Put(ctx context.Context, r io.Reader, lim Limits) (Object, error)

	// Open returns the stored bytes and their description. The reader
	// re-hashes what it returns: if the stored bytes no longer match the
	// digest, the final Read reports ErrCorrupt instead of io.EOF. The caller
	// must close the reader.
	Open(ctx context.Context, sha256 string) (io.ReadCloser, Object, error)

	// Stat describes a stored object without returning its bytes.
	Stat(ctx context.Context, sha256 string) (Object, error)

	// Verify re-hashes the stored bytes and returns an error matching
	// ErrCorrupt if they no longer match the digest.
	Verify(ctx context.Context, sha256 string) error
}

// Object describes a stored evidence file.
type Object struct {
	// SHA256 is the lowercase hex SHA-256 digest of the content; it is also
	// the object's name.
	SHA256 string
	// Size is the content length in bytes.
	Size int64
	// Type is the MIME type sniffed from the content (see Sniff).
	Type string
}

// Limits says which uploads a Store accepts.
type Limits struct {
	// MaxBytes is the largest accepted size in bytes; it must be positive.
	MaxBytes int64
	// Allowed lists the accepted MIME types, as returned by Sniff.
	Allowed []string
}

// DefaultLimits returns the limits for evidence uploads: at most 25 MiB, and
// only PDF, JPEG, PNG, WebP, plain text and CSV.
func DefaultLimits() Limits {
	return Limits{
		MaxBytes: 25 << 20,
		Allowed:  []string{TypePDF, TypeJPEG, TypePNG, TypeWebP, TypeText, TypeCSV},
	}
}

// allows reports whether typ is in the allow-list.
func (l Limits) allows(typ string) bool {
	for _, a := range l.Allowed {
		if a == typ {
			return true
		}
	}
	return false
}

var (
	// ErrTooLarge is matched (via errors.Is) by every *TooLargeError.
	ErrTooLarge = errors.New("file is too large")
	// ErrTypeNotAllowed is matched (via errors.Is) by every *TypeNotAllowedError.
	ErrTypeNotAllowed = errors.New("file type is not accepted")
	// ErrEmpty reports an upload with no content.
	ErrEmpty = errors.New("file is empty; choose a file that has content")
	// ErrNotFound reports that no evidence file has the requested digest.
	ErrNotFound = errors.New("evidence file not found")
	// ErrCorrupt reports that stored bytes no longer match their SHA-256.
	ErrCorrupt = errors.New("evidence file has changed since it was stored; restore it from a backup")
	// ErrInvalidDigest reports a digest that is not 64 hexadecimal characters.
	ErrInvalidDigest = errors.New("not a SHA-256 digest; want 64 hexadecimal characters")
)

// TooLargeError rejects an upload over Limits.MaxBytes.
type TooLargeError struct {
	// Size is the upload's size in bytes, or -1 if the reader could not tell
	// it without reading past the limit.
	Size int64
	// Limit is the Limits.MaxBytes that was exceeded.
	Limit int64
}

// Error returns a message a user can act on, such as
// "file is 31.2 MiB; the limit is 25 MiB".
func (e *TooLargeError) Error() string {
	if e.Size < 0 {
		return "file is larger than the " + formatSize(e.Limit, false) + " limit"
	}
	return "file is " + formatSize(e.Size, true) + "; the limit is " + formatSize(e.Limit, false)
}

// Is makes errors.Is(err, ErrTooLarge) true.
func (e *TooLargeError) Is(target error) bool { return target == ErrTooLarge }

// TypeNotAllowedError rejects an upload whose sniffed type is not allowed.
type TypeNotAllowedError struct {
	// Type is the MIME type sniffed from the content.
	Type string
	// Allowed is the allow-list that rejected it.
	Allowed []string
}

// Error returns a message a user can act on, such as
// "file is an HTML page (text/html), which is not accepted; upload PDF, JPEG, PNG, WebP, plain text or CSV".
func (e *TypeNotAllowedError) Error() string {
	var b strings.Builder
	b.WriteString("file is ")
	b.WriteString(describeType(e.Type))
	b.WriteString(" (")
	b.WriteString(e.Type)
	b.WriteString("), which is not accepted; ")
	if len(e.Allowed) == 0 {
		b.WriteString("no file types are accepted here")
		return b.String()
	}
	b.WriteString("upload ")
	for i, a := range e.Allowed {
		switch {
		case i == 0:
		case i == len(e.Allowed)-1:
			b.WriteString(" or ")
		default:
			b.WriteString(", ")
		}
		b.WriteString(typeName(a))
	}
	return b.String()
}

// Is makes errors.Is(err, ErrTypeNotAllowed) true.
func (e *TypeNotAllowedError) Is(target error) bool { return target == ErrTypeNotAllowed }

// typeName is a short human name for a MIME type, used in lists.
func typeName(typ string) string {
	switch typ {
	case TypePDF:
		return "PDF"
	case TypeJPEG:
		return "JPEG"
	case TypePNG:
		return "PNG"
	case TypeWebP:
		return "WebP"
	case TypeGIF:
		return "GIF"
	case TypeText:
		return "plain text"
	case TypeCSV:
		return "CSV"
	default:
		return typ
	}
}

// describeType names what a file of type typ is, with an article.
func describeType(typ string) string {
	switch typ {
	case TypeHTML:
		return "an HTML page"
	case TypeSVG:
		return "an SVG image"
	case TypeXML:
		return "an XML document"
	case TypeZIP:
		return "a ZIP archive"
	case TypeGzip:
		return "a gzip archive"
	case TypeEXE, TypeELF:
		return "a program"
	case TypeOctetStream:
		return "of an unrecognised type"
	case TypeText:
		return "plain text"
	default:
		return "a " + typeName(typ) + " file"
	}
}

// formatSize renders n bytes for a person: "900 bytes", "1.5 KiB",
// "31.2 MiB". Fractions keep one decimal, rounded up when up is true and down
// otherwise, so a size just over a limit never prints equal to the limit
// (sizes round up, limits round down).
func formatSize(n int64, up bool) string {
	const unit = 1024
	if n < unit {
		if n == 1 {
			return "1 byte"
		}
		return strconv.FormatInt(n, 10) + " bytes"
	}
	units := []string{"KiB", "MiB", "GiB", "TiB"}
	div, u := int64(unit), 0
	for u < len(units)-1 && n/div >= unit {
		div *= unit
		u++
	}
	// Tenths of the unit, using integers to avoid float rounding surprises.
	whole, rem := n/div, n%div
	tenths := rem * 10 / div
	if up && rem*10%div != 0 {
		tenths++
	}
	if tenths == 10 {
		whole, tenths = whole+1, 0
	}
	if whole == unit && u < len(units)-1 {
		whole, u = 1, u+1 // 1023.95 KiB rounded up is 1 MiB
	}
	suffix := units[u]
	if tenths == 0 {
		return fmt.Sprintf("%d %s", whole, suffix)
	}
	return fmt.Sprintf("%d.%d %s", whole, tenths, suffix)
}
