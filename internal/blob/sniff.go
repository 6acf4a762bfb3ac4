package blob

import (
	"bytes"
	"encoding/csv"
	"io"
	"net/http"
	"unicode/utf8"
)

// MIME types that Sniff can return.
const (
	TypePDF         = "application/pdf"
	TypeJPEG        = "image/jpeg"
	TypePNG         = "image/png"
	TypeWebP        = "image/webp"
	TypeGIF         = "image/gif"
	TypeText        = "text/plain"
	TypeCSV         = "text/csv"
	TypeHTML        = "text/html"
	TypeSVG         = "image/svg+xml"
	TypeXML         = "application/xml"
	TypeZIP         = "application/zip"
	TypeGzip        = "application/gzip"
	TypeEXE         = "application/vnd.microsoft.portable-executable"
	TypeELF         = "application/x-elf"
	TypeOctetStream = "application/octet-stream"
)

// SniffLen is how many leading bytes Sniff examines. A head of exactly
// SniffLen bytes is taken to be the start of a longer file.
const SniffLen = 4096

// KnownTypes returns every type Sniff can return.
func KnownTypes() []string {
	return []string{
		TypePDF, TypeJPEG, TypePNG, TypeWebP, TypeGIF, TypeText, TypeCSV, TypeHTML,
		TypeSVG, TypeXML, TypeZIP, TypeGzip, TypeEXE, TypeELF, TypeOctetStream,
	}
}

// Sniff returns the MIME type of content that starts with head, deciding by
// the bytes alone. It looks at no more than SniffLen bytes; a head of exactly
// SniffLen bytes is treated as truncated.
//
// The rules, in order:
//
//  1. Signatures: "%PDF-" is PDF, FF D8 FF is JPEG, the 8-byte PNG signature
//     is PNG, "RIFF" + 4 bytes + "WEBP" is WebP; GIF, ZIP, gzip and ELF are
//     recognised so they can be named in an error.
//  2. Text is valid UTF-8 (a leading byte-order mark is allowed) with no
//     control characters other than tab, LF, CR and form feed. A truncated
//     head may end in the middle of a character.
//  3. Text that contains "<svg" is image/svg+xml; text that contains "<html",
//     "<!doctype", "<script", "<iframe", "<body", "<head", "<object",
//     "<embed", "<meta" or "<style", or that net/http sniffs as HTML, is
//     text/html; text that contains "<?xml" is application/xml. Matching is
//     ASCII case-insensitive anywhere in the head. These are returned so that
//     an allow-list of text types still rejects markup a browser might run.
//  4. Text is text/csv when encoding/csv (comma-separated, RFC 4180 quoting)
//     parses it into at least two records that all have the same number of
//     fields, at least two. In a truncated head the final unterminated line
//     is ignored. So a header line alone, semicolon-separated data or prose
//     with a bare quote is text/plain; prose whose lines each contain one
//     comma is, unavoidably, text/csv.
//  5. Other text is text/plain.
//  6. Non-text starting "MZ" is a Windows program; anything else is
//     application/octet-stream, as is empty input.
func Sniff(head []byte) string {
	truncated := len(head) >= SniffLen
	if truncated {
		head = head[:SniffLen]
	}
	if len(head) == 0 {
		return TypeOctetStream
	}
	if t := sniffSignature(head); t != "" {
		return t
	}
	text := bytes.TrimPrefix(head, utf8BOM)
	var tc textCheck
	tc.Write(text)
	if tc.bad || (!truncated && tc.pending != 0) {
		if bytes.HasPrefix(head, []byte("MZ")) {
			return TypeEXE
		}
		return TypeOctetStream
	}
	if t := sniffMarkup(text); t != "" {
		return t
	}
	if looksLikeCSV(text, truncated) {
		return TypeCSV
	}
	return TypeText
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// sniffSignature matches fixed leading byte sequences, returning "" if none
// matches.
func sniffSignature(b []byte) string {
	has := func(prefix string) bool { return bytes.HasPrefix(b, []byte(prefix)) }
	switch {
	case has("%PDF-"):
		return TypePDF
	case has("\xFF\xD8\xFF"):
		return TypeJPEG
	case has("\x89PNG\r\n\x1A\n"):
		return TypePNG
	case len(b) >= 12 && has("RIFF") && string(b[8:12]) == "WEBP":
		return TypeWebP
	case has("GIF87a"), has("GIF89a"):
		return TypeGIF
	case has("PK\x03\x04"), has("PK\x05\x06"), has("PK\x07\x08"):
		return TypeZIP
	case has("\x1F\x8B\x08"):
		return TypeGzip
	case has("\x7FELF"):
		return TypeELF
	}
	return ""
}

// sniffMarkup returns the markup type of text, or "" if it shows no markup.
func sniffMarkup(text []byte) string {
	lower := asciiLower(text)
	has := func(s string) bool { return bytes.Contains(lower, []byte(s)) }
	if has("<svg") {
		return TypeSVG
	}
	for _, tag := range []string{
		"<html", "<!doctype", "<script", "<iframe", "<body", "<head", "<object", "<embed", "<meta", "<style",
	} {
		if has(tag) {
			return TypeHTML
		}
	}
	// net/http knows more ways a document can start as HTML ("<p ", "<!--",
	// "<a ", ...); it is only consulted here, for text.
	switch ct := http.DetectContentType(text); {
	case bytes.HasPrefix([]byte(ct), []byte("text/html")):
		return TypeHTML
	case bytes.HasPrefix([]byte(ct), []byte("text/xml")):
		return TypeXML
	}
	if has("<?xml") {
		return TypeXML
	}
	return ""
}

// asciiLower returns a copy of b with A-Z mapped to a-z and every other byte
// unchanged, so that offsets and lengths are preserved.
func asciiLower(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

// looksLikeCSV applies rule 4 of Sniff to text known to be valid.
func looksLikeCSV(text []byte, truncated bool) bool {
	if truncated {
		i := bytes.LastIndexByte(text, '\n')
		if i < 0 {
			return false
		}
		text = text[:i+1]
	}
	r := csv.NewReader(bytes.NewReader(text))
	r.FieldsPerRecord = -1 // checked below, so the rule reads in one place
	r.ReuseRecord = true
	records, fields := 0, 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return false
		}
		if records == 0 {
			fields = len(rec)
		} else if len(rec) != fields {
			return false
		}
		records++
	}
	return records >= 2 && fields >= 2
}

// textCheck is an io.Writer that decides whether everything written to it is
// text as Sniff defines it: valid UTF-8 without control characters other
// than tab, LF, CR and form feed. A character may be split across writes.
type textCheck struct {
	bad     bool
	carry   [utf8.UTFMax]byte
	pending int // bytes of an incomplete character held in carry
}

// Write never fails; it records what it saw.
func (c *textCheck) Write(p []byte) (int, error) {
	n := len(p)
	if c.bad {
		return n, nil
	}
	for c.pending > 0 && len(p) > 0 {
		c.carry[c.pending] = p[0]
		c.pending++
		p = p[1:]
		if !utf8.FullRune(c.carry[:c.pending]) {
			continue
		}
		r, size := utf8.DecodeRune(c.carry[:c.pending])
		if size != c.pending || !textRune(r, size) {
			c.bad = true
			return n, nil
		}
		c.pending = 0
	}
	for i := 0; i < len(p); {
		if b := p[i]; b < utf8.RuneSelf {
			if !textRune(rune(b), 1) {
				c.bad = true
				return n, nil
			}
			i++
			continue
		}
		if !utf8.FullRune(p[i:]) {
			c.pending = copy(c.carry[:], p[i:])
			break
		}
		r, size := utf8.DecodeRune(p[i:])
		if !textRune(r, size) {
			c.bad = true
			return n, nil
		}
		i += size
	}
	return n, nil
}

// valid reports whether everything written was text and ended on a
// character boundary.
func (c *textCheck) valid() bool { return !c.bad && c.pending == 0 }

// textRune reports whether r, decoded from size bytes, may appear in text.
func textRune(r rune, size int) bool {
	switch {
	case r == utf8.RuneError && size == 1:
		return false // invalid encoding
	case r == '\t', r == '\n', r == '\r', r == '\f':
		return true
	case r < 0x20, r == 0x7F, 0x80 <= r && r <= 0x9F:
		return false // C0, DEL and C1 controls, including NUL
	}
	return true
}

// isText reports whether typ is one of the text types whose every byte, not
// only the sniffed head, must be text.
func isText(typ string) bool { return typ == TypeText || typ == TypeCSV }

// detector is an io.Writer that sees a whole upload and decides its type:
// Sniff of the first SniffLen bytes, downgraded to application/octet-stream
// when Sniff says text but a later byte is not. Stored objects are typed the
// same way, so an object's type is a function of its content alone.
type detector struct {
	head []byte
	text textCheck
}

// Write never fails.
func (d *detector) Write(p []byte) (int, error) {
	if room := SniffLen - len(d.head); room > 0 {
		d.head = append(d.head, p[:min(room, len(p))]...)
	}
	return d.text.Write(p)
}

// typ returns the decided type.
func (d *detector) typ() string {
	t := Sniff(d.head)
	if isText(t) && !d.text.valid() {
		return TypeOctetStream
	}
	return t
}
