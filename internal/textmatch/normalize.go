package textmatch

import (
	"math"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// padding is the number of zero bytes kept after the normalised text so that
// the matcher can load 8 bytes at any position without a bounds check on the
// tail. A normalised text never contains a zero byte (NUL is a control
// character and is dropped), so padding can never complete a pattern.
const padding = 8

// maxPending bounds how much punctuation between two digits is kept.
const maxPending = 4

// Normalized is a normalised text together with the information needed to
// map matches back to the original and to test word boundaries.
//
// A Normalized returned by a Normalizer is overwritten by that Normalizer's
// next call; one returned by Normalize is independent.
type Normalized struct {
	orig   string
	text   []byte   // normalised bytes; cap(text) >= len(text)+padding, zeroed
	start  []int32  // per normalised byte: start of its source in orig
	end    []int32  // per normalised byte: end of its source in orig
	word   []uint64 // bit p: a word boundary lies at normalised offset p
	clause []uint64 // bit p: a clause break lies at normalised offset p
}

// String returns the normalised text.
func (n *Normalized) String() string { return string(n.text) }

// Bytes returns the normalised text. The caller must not modify it.
func (n *Normalized) Bytes() []byte { return n.text }

// Len returns the length of the normalised text in bytes.
func (n *Normalized) Len() int { return len(n.text) }

// Source returns the original text.
func (n *Normalized) Source() string { return n.orig }

// Original maps the normalised byte range [start, end) to the range of the
// original text it came from: from the first original byte of the character
// that produced normalised byte start, to the last original byte of the
// character that produced byte end-1. Separators dropped inside the range
// are therefore included ("N i k e" as a whole), those around it are not.
// Out-of-range arguments are clamped.
func (n *Normalized) Original(start, end int) (int, int) {
	start = max(start, 0)
	end = min(end, len(n.text))
	if start >= end {
		switch {
		case start < len(n.text):
			o := int(n.start[start])
			return o, o
		case len(n.text) > 0:
			o := int(n.end[len(n.text)-1])
			return o, o
		default:
			return 0, 0
		}
	}
	return int(n.start[start]), int(n.end[end-1])
}

// IsWordBoundary reports whether a word boundary lies at normalised offset
// pos (0 <= pos <= Len()). See the package documentation for the rule.
func (n *Normalized) IsWordBoundary(pos int) bool { return testBit(n.word, pos) }

// IsClauseBreak reports whether a clause break (start or end of text, or
// clause punctuation such as ",", "。", "!", newline) lies at normalised
// offset pos.
func (n *Normalized) IsClauseBreak(pos int) bool { return testBit(n.clause, pos) }

func testBit(bs []uint64, p int) bool {
	w := p >> 6
	return p >= 0 && w < len(bs) && bs[w]&(1<<(uint(p)&63)) != 0
}

func setBit(bs *[]uint64, p int) {
	w := p >> 6
	for len(*bs) <= w {
		*bs = append(*bs, 0)
	}
	(*bs)[w] |= 1 << (uint(p) & 63)
}

func clearBit(bs []uint64, p int) {
	if w := p >> 6; w < len(bs) {
		bs[w] &^= 1 << (uint(p) & 63)
	}
}

// Normalize normalises s. It is a convenience wrapper around a fresh
// Normalizer; use a Normalizer to reuse memory across calls.
func Normalize(s string) Normalized {
	var z Normalizer
	return *z.Normalize(s)
}

// pending is punctuation held back while it is unknown whether it sits
// between two digits.
type pending struct {
	r    rune
	s, e int
}

// Normalizer normalises texts, reusing its memory from call to call. The zero
// value is ready to use. A Normalizer is not safe for concurrent use.
type Normalizer struct {
	n   Normalized
	seg []byte

	// State of the current pass.
	prev     runeKind // kind of the last emitted rune; kindSep at the start
	sep      bool     // a separator was seen since the last emitted rune
	clause   bool     // that separator run contained clause punctuation
	tokLen   int      // letters in the current run of kindLetter
	evasion  int      // offset of a tentative break inside a single-letter chain, or -1
	lastRune rune
	pend     []pending

	noFast bool // tests: every character through the NFKC machinery
}

// starterAt reports whether s[j:] is empty or starts with a character that
// begins an NFKC segment whatever precedes it, of the kinds common in
// listings: ASCII, U+4000..U+9FFF (CJK), CJK punctuation other than the
// combining tone marks (U+3000..U+3029, U+3030..U+303F) and full-width ASCII
// (U+FF01..U+FF5E). All are starters that compose with nothing before them.
func starterAt(s string, j int) bool {
	if j >= len(s) {
		return true
	}
	switch b := s[j]; {
	case b < utf8.RuneSelf || b >= 0xe4 && b <= 0xe9:
		return true
	case j+2 >= len(s):
		return false
	case b == 0xe3:
		return s[j+1] == 0x80 && (s[j+2] >= 0x80 && s[j+2] < 0xaa || s[j+2] >= 0xb0 && s[j+2] <= 0xbf)
	case b == 0xef:
		return s[j+1] == 0xbc && s[j+2] >= 0x81 && s[j+2] <= 0xbf || s[j+1] == 0xbd && s[j+2] >= 0x80 && s[j+2] <= 0x9e
	}
	return false
}

// Normalize normalises s and returns the result, which stays valid until the
// next call. Only the first math.MaxInt32 bytes of s are considered.
//
// Steps, per character: NFKC; look-alike and accented letters folded to
// ASCII; lower case; traditional Chinese to simplified; separators removed
// and word boundaries recorded. See the package documentation.
func (z *Normalizer) Normalize(s string) *Normalized {
	if len(s) > math.MaxInt32 {
		s = s[:math.MaxInt32]
	}
	n := &z.n
	n.orig = s
	if cap(n.text) < len(s)+padding {
		c := len(s) + len(s)/4 + padding
		n.text = make([]byte, 0, c)
		n.start = make([]int32, 0, c)
		n.end = make([]int32, 0, c)
	}
	n.text, n.start, n.end = n.text[:0], n.start[:0], n.end[:0]
	n.word, n.clause = n.word[:0], n.clause[:0]
	if words := len(s)/64 + 1; cap(n.word) < words {
		n.word = make([]uint64, 0, words+words/4)
		n.clause = make([]uint64, 0, words+words/4)
	}
	z.prev, z.sep, z.clause, z.tokLen, z.evasion, z.lastRune = kindSep, false, false, 0, -1, 0
	z.pend = z.pend[:0]
	setBit(&n.clause, 0)

	ft := foldTable()
	ts := loadTS()
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf && !z.noFast && (i+1 < len(s) && s[i+1] < utf8.RuneSelf || starterAt(s, i+1)) {
			// An ASCII character followed by a starter that never combines
			// backwards (see starterAt) is its own NFKC segment and is
			// unchanged by NFKC.
			if b-'a' < 26 && z.prev == kindLetter && !z.sep {
				n.text = append(n.text, b)
				n.start = append(n.start, int32(i))
				n.end = append(n.end, int32(i+1))
				z.tokLen++
				z.lastRune = rune(b)
				i++
				continue
			}
			fe := ft[b]
			z.handle(fe.to, fe.kind, i, i+1, ts)
			i++
			continue
		}
		if b >= 0xe4 && b <= 0xe9 && !z.noFast && i+2 < len(s) && s[i+1]&0xc0 == 0x80 && s[i+2]&0xc0 == 0x80 &&
			starterAt(s, i+3) {
			// U+4000..U+9FFF (CJK Ext. A, hexagrams, CJK Unified) are NFKC
			// stable starters that never compose.
			r := rune(b&0x0f)<<12 | rune(s[i+1]&0x3f)<<6 | rune(s[i+2]&0x3f)
			if r >= 0x4e00 {
				if r = ts.simplified(r); r < 0x10000 {
					z.emitCJK3(r, i)
				} else {
					z.put(r, kindCJK, i, i+3)
				}
			} else {
				z.general(r, i, i+3, ft, ts)
			}
			i += 3
			continue
		}
		if (b == 0xe3 || b == 0xef) && !z.noFast && i+2 < len(s) && s[i+1]&0xc0 == 0x80 && s[i+2]&0xc0 == 0x80 &&
			starterAt(s, i+3) {
			// CJK punctuation (U+3000..U+303F) and full-width ASCII
			// (U+FF01..U+FF5E) are common in Chinese listings; handle them
			// without the NFKC machinery.
			r := rune(b&0x0f)<<12 | rune(s[i+1]&0x3f)<<6 | rune(s[i+2]&0x3f)
			switch {
			case r == 0x3000:
				z.sep = true
				i += 3
				continue
			case r > 0x3000 && r <= 0x3035 || r >= 0x303b && r <= 0x303f:
				z.handle(r, classify(r), i, i+3, ts)
				i += 3
				continue
			case r >= 0xff01 && r <= 0xff5e:
				fe := ft[r-0xfee0]
				z.handle(fe.to, fe.kind, i, i+3, ts)
				i += 3
				continue
			}
		}
		j := i + norm.NFKC.NextBoundaryInString(s[i:], true)
		if j <= i {
			j = len(s)
		}
		if r, size := utf8.DecodeRuneInString(s[i:j]); size == j-i && (r == '™' || r == '℠') {
			// NFKC would turn "Nike™" into "niketm" and hide the word end.
			z.handle(r, kindPunct, i, j, ts)
			i = j
			continue
		}
		z.seg = norm.NFKC.AppendString(z.seg[:0], s[i:j])
		for k := 0; k < len(z.seg); {
			r, size := utf8.DecodeRune(z.seg[k:])
			k += size
			if r == utf8.RuneError && size <= 1 {
				z.sep = true // invalid UTF-8 acts as a separator
				continue
			}
			z.general(r, i, j, ft, ts)
		}
		i = j
	}
	if z.prev == kindLetter {
		z.endToken()
	}
	setBit(&n.word, len(n.text))
	setBit(&n.clause, len(n.text))
	l := len(n.text)
	var zero [padding]byte
	n.text = append(n.text, zero[:]...)[:l]
	return n
}

// general handles an NFKC-normalised rune of any kind.
func (z *Normalizer) general(r rune, s, e int, ft *[foldLimit]foldEntry, ts *tsTable) {
	var kind runeKind
	switch {
	case r < foldLimit:
		fe := ft[r]
		r, kind = fe.to, fe.kind
	case r >= 0x4e00 && r <= 0x9fff:
		kind = kindCJK
	default:
		kind = classify(r)
		if kind == kindLetter || kind == kindCJK {
			if r = unicode.ToLower(r); r < foldLimit {
				r = ft[r].to
			}
		}
	}
	z.handle(r, kind, s, e, ts)
}

// handle acts on a folded rune of the given kind.
func (z *Normalizer) handle(r rune, kind runeKind, s, e int, ts *tsTable) {
	switch kind {
	case kindLetter, kindDigit:
		z.put(r, kind, s, e)
	case kindCJK:
		z.put(ts.simplified(r), kind, s, e)
	case kindMark:
		// Marks on Latin, Greek and Cyrillic letters are dropped (accents
		// used to dodge filters); on other scripts, where they are vowels,
		// they stay part of the word. Stray marks are dropped.
		if z.prev == kindLetter && !z.sep && z.lastRune >= 0x0530 {
			z.put(r, kindLetter, s, e)
		}
	case kindIgnore:
	case kindPunct, kindClause:
		z.sep = true
		if kind == kindClause {
			z.clause = true
		}
		if z.prev == kindDigit && len(z.pend) < maxPending {
			z.pend = append(z.pend, pending{r: r, s: s, e: e})
		}
	default:
		z.sep = true
	}
}

// put emits one rune, first releasing punctuation held between two digits.
func (z *Normalizer) put(r rune, kind runeKind, s, e int) {
	if z.sep && kind == kindDigit && z.prev == kindDigit && len(z.pend) > 0 {
		for _, p := range z.pend {
			z.emit(p.r, kindPunct, p.s, p.e)
		}
	}
	z.emit(r, kind, s, e)
}

// emit appends r to the normalised text and records boundaries.
func (z *Normalizer) emit(r rune, kind runeKind, s, e int) {
	n := &z.n
	pos := len(n.text)
	if kind == kindLetter && z.prev == kindLetter && !z.sep {
		z.tokLen++
	} else {
		if z.prev == kindLetter {
			z.endToken()
		}
		if kind == kindLetter {
			// A separator between two single letters ("N i k e") is an
			// evasion separator, not a word break: tentatively mark the
			// break and clear it if this token also ends up one letter long.
			if z.prev == kindLetter && z.sep && !z.clause && z.tokLen == 1 {
				z.evasion = pos
			} else {
				z.evasion = -1
			}
			z.tokLen = 1
		}
		if z.sep || kind != z.prev || kind == kindCJK {
			setBit(&n.word, pos)
		}
	}
	if z.clause {
		setBit(&n.clause, pos)
	}
	if r < utf8.RuneSelf {
		n.text = append(n.text, byte(r))
	} else {
		n.text = utf8.AppendRune(n.text, r)
	}
	for len(n.start) < len(n.text) {
		n.start = append(n.start, int32(s))
		n.end = append(n.end, int32(e))
	}
	z.prev, z.sep, z.clause, z.lastRune = kind, false, false, r
	z.pend = z.pend[:0]
}

// emitCJK3 is emit for a CJK character of three UTF-8 bytes taken from
// s[i:i+3].
func (z *Normalizer) emitCJK3(r rune, i int) {
	n := &z.n
	pos := len(n.text)
	if z.prev == kindLetter {
		z.endToken()
	}
	setBit(&n.word, pos)
	if z.clause {
		setBit(&n.clause, pos)
	}
	n.text = append(n.text, byte(0xe0|r>>12), byte(0x80|(r>>6)&0x3f), byte(0x80|r&0x3f))
	s, e := int32(i), int32(i+3)
	n.start = append(n.start, s, s, s)
	n.end = append(n.end, e, e, e)
	z.prev, z.sep, z.clause, z.lastRune = kindCJK, false, false, r
	z.pend = z.pend[:0]
}

// endToken closes a run of letters: if it was a single letter following a
// single letter across a separator, the break between them is removed.
func (z *Normalizer) endToken() {
	if z.tokLen == 1 && z.evasion >= 0 {
		clearBit(z.n.word, z.evasion)
	}
	z.evasion = -1
}
