package blob

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSniff(t *testing.T) {
	// A CSV longer than SniffLen, so the head ends mid-line.
	var longCSV strings.Builder
	longCSV.WriteString("listing_id,title,price\n")
	for i := 0; longCSV.Len() <= SniffLen; i++ {
		longCSV.WriteString("1001,\"Handbag, leather\",12.50\n")
	}

	tests := []struct {
		name string
		head string
		want string
	}{
		{"empty", "", TypeOctetStream},
		{"pdf", string(pdfFile()), TypePDF},
		{"pdf signature only", "%PDF-", TypePDF},
		{"jpeg", string(jpegFile(t)), TypeJPEG},
		{"jpeg signature only", "\xFF\xD8\xFF", TypeJPEG},
		{"png", string(pngFile(t)), TypePNG},
		{"webp", string(webpFile()), TypeWebP},
		{"riff but wave audio", "RIFF\x24\x00\x00\x00WAVEfmt ", TypeOctetStream},
		{"riff too short for webp", "RIFF\x24\x00\x00\x00WEB", TypeOctetStream},
		{"gif", "GIF89a\x01\x00\x01\x00", TypeGIF},
		{"zip", "PK\x03\x04\x14\x00\x00\x00", TypeZIP},
		{"gzip", "\x1F\x8B\x08\x00", TypeGzip},
		{"elf", "\x7FELF\x02\x01\x01", TypeELF},
		{"windows program", "MZ\x90\x00\x03\x00\x00\x00", TypeEXE},
		{"text starting MZ", "MZ is the seller's initials.\n", TypeText},

		{"ascii text", "Order 7781 arrived without a hologram.\n", TypeText},
		{"chinese text", "商标印刷模糊，疑似假货。\n", TypeText},
		{"text with bom", "\xEF\xBB\xBFhello\n", TypeText},
		{"tab cr lf ff", "a\tb\r\nc\fd", TypeText},
		{"less than sign in prose", "price 2 < 3 and 4 > 1\n", TypeText},
		{"nul byte", "abc\x00def", TypeOctetStream},
		{"escape", "abc\x1b[31mred", TypeOctetStream},
		{"delete", "abc\x7f", TypeOctetStream},
		{"c1 control", "abc\u0085def", TypeOctetStream},
		{"invalid utf-8", "caf\xE9\n", TypeOctetStream},
		{"utf-16 with bom", "\xFF\xFEh\x00i\x00", TypeOctetStream},
		{"cut character in a whole file", "caf\xC3", TypeOctetStream},
		{"cut character in a truncated head", strings.Repeat("a", SniffLen-1) + "\xE4\xB8", TypeText},

		{"csv", "a,b\n1,2\n", TypeCSV},
		{"csv crlf without final newline", "a,b\r\n1,2", TypeCSV},
		{"csv with bom", "\xEF\xBB\xBFa,b\n1,2\n", TypeCSV},
		{"csv quoted comma and newline", "note,id\n\"fake, obvious\nlogo\",1\n", TypeCSV},
		{"csv sample", string(csvFile()), TypeCSV},
		{"csv truncated mid-line", longCSV.String()[:SniffLen], TypeCSV},
		{"csv header only", "a,b,c\n", TypeText},
		{"one column", "a\nb\nc\n", TypeText},
		{"uneven field counts", "a,b\n1,2,3\n", TypeText},
		{"semicolons", "a;b\n1;2\n", TypeText},
		{"bare quote", "He said \"hi\", then left\nyes, no\n", TypeText},

		{"html doctype", "<!DOCTYPE html><title>x</title>", TypeHTML},
		{"html after whitespace, upper case", "  \n<HTML><BODY>", TypeHTML},
		{"html with bom", "\xEF\xBB\xBF<html>", TypeHTML},
		{"script anywhere", "Order 7781 <ScRiPt>alert(1)</script>", TypeHTML},
		{"iframe", "see <iframe src=x>", TypeHTML},
		{"paragraph", "<p>hello</p>", TypeHTML},
		{"comment", "<!-- x --> hi", TypeHTML},
		{"link", "<a href=\"x\">y</a>", TypeHTML},
		{"svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>", TypeSVG},
		{"svg in xml", "<?xml version=\"1.0\"?>\n<svg/>", TypeSVG},
		{"xml", "<?xml version=\"1.0\"?>\n<order id=\"1\"/>", TypeXML},
		{"xml not at start", "hello\n<?XML version=\"1.0\"?>", TypeXML},
		{"csv with markup", "a,b\n<script>,x\n", TypeHTML},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sniff([]byte(tt.head)); got != tt.want {
				t.Errorf("Sniff(%.40q) = %q, want %q", tt.head, got, tt.want)
			}
		})
	}
}

func TestSniffIgnoresBytesPastSniffLen(t *testing.T) {
	head := longText(SniffLen)
	long := append(slices.Clone(head), "\x00<script>"...)
	if got, want := Sniff(long), Sniff(head); got != want {
		t.Errorf("Sniff(head + more) = %q, want %q as for the head alone", got, want)
	}
}

func TestTextCheckAcrossWrites(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"ascii", "hello\n", true},
		{"multibyte", "证据 €", true},
		{"four-byte rune", "😀 ok", true},
		{"nul", "a\x00", false},
		{"truncated rune at end", "ok\xE2\x82", false},
		{"bad continuation", "\xE2\x41\x41", false},
		{"surrogate", "\xED\xA0\x80", false},
		{"c1 control", "\u0090", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Every way of splitting the input into two writes must agree.
			for cut := 0; cut <= len(tt.in); cut++ {
				var c textCheck
				c.Write([]byte(tt.in[:cut]))
				c.Write([]byte(tt.in[cut:]))
				if got := c.valid(); got != tt.want {
					t.Errorf("valid after writes %q, %q = %v, want %v", tt.in[:cut], tt.in[cut:], got, tt.want)
				}
			}
		})
	}
}

func FuzzSniff(f *testing.F) {
	for _, seed := range [][]byte{
		pdfFile(), []byte("a,b\n1,2\n"), []byte("<svg>"), []byte("\xEF\xBB\xBF<html>"),
		[]byte("RIFF\x00\x00\x00\x00WEBP"), []byte("text\n"), []byte("MZ"),
	} {
		f.Add(seed)
	}
	known := KnownTypes()
	f.Fuzz(func(t *testing.T, head []byte) {
		got := Sniff(head)
		if !slices.Contains(known, got) {
			t.Fatalf("Sniff(%q) = %q, not one of %q", head, got, known)
		}
		if again := Sniff(head); again != got {
			t.Fatalf("Sniff(%q) = %q, then %q", head, got, again)
		}
		if len(head) > SniffLen {
			if short := Sniff(head[:SniffLen]); short != got {
				t.Fatalf("Sniff of %d bytes = %q, of its first SniffLen bytes = %q", len(head), got, short)
			}
		}
		if isText(got) {
			text := head[:min(len(head), SniffLen)]
			if bytes.IndexByte(text, 0) >= 0 {
				t.Fatalf("Sniff(%q) = %q for content with a NUL byte", head, got)
			}
			if len(head) < SniffLen && !utf8.Valid(text) {
				t.Fatalf("Sniff(%q) = %q for invalid UTF-8", head, got)
			}
		}
		// The streaming check agrees with itself however the bytes arrive.
		var whole, split textCheck
		whole.Write(head)
		for _, b := range head {
			split.Write([]byte{b})
		}
		if whole.valid() != split.valid() {
			t.Fatalf("textCheck(%q): whole write %v, byte by byte %v", head, whole.valid(), split.valid())
		}
	})
}
