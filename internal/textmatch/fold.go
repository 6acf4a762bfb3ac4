package textmatch

import (
	"bufio"
	_ "embed"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// confusables maps letters that look like a basic Latin letter to that
// letter. The keys are hand-picked from the Latin prototypes of Unicode
// Technical Standard #39 (confusables.txt): Cyrillic and Greek letters whose
// glyph is indistinguishable, or nearly so, from a Latin one in common fonts,
// plus a few Latin letters with a stroke that NFD cannot strip.
//
// Upper and lower case are listed separately because they resemble
// different Latin letters (Greek Η looks like H, η like n). The table is
// applied before lower-casing.
//
// Digits are deliberately absent: folding 0→o or 1→l would make "l0l" match
// "lol" but also make prices, sizes and model numbers match brand names.
// Counterfeit sellers do use digit substitution; that is handled by listing
// the variant as an alias pattern, never by folding.
var confusables = map[rune]rune{
	// Cyrillic capitals.
	'А': 'a', 'В': 'b', 'Е': 'e', 'Ѕ': 's', 'І': 'i', 'Ј': 'j',
	'К': 'k', 'М': 'm', 'Н': 'h', 'О': 'o', 'Р': 'p', 'С': 'c', 'Т': 't',
	'У': 'y', 'Х': 'x', 'Ү': 'y', 'Һ': 'h', 'Ԛ': 'q', 'Ԝ': 'w', 'Ӏ': 'l',
	// Cyrillic small letters.
	'а': 'a', 'в': 'b', 'е': 'e', 'ѕ': 's', 'і': 'i', 'ј': 'j', 'к': 'k',
	'м': 'm', 'н': 'h', 'о': 'o', 'р': 'p', 'с': 'c', 'т': 't', 'у': 'y',
	'х': 'x', 'ү': 'y', 'һ': 'h', 'ԁ': 'd', 'ԛ': 'q', 'ԝ': 'w', 'ӏ': 'l',
	'ь': 'b',
	// Greek capitals.
	'Α': 'a', 'Β': 'b', 'Ε': 'e', 'Ζ': 'z', 'Η': 'h', 'Ι': 'i', 'Κ': 'k',
	'Μ': 'm', 'Ν': 'n', 'Ο': 'o', 'Ρ': 'p', 'Τ': 't', 'Υ': 'y', 'Χ': 'x',
	'Ϲ': 'c', 'Ϳ': 'j',
	// Greek small letters.
	'α': 'a', 'β': 'b', 'ε': 'e', 'η': 'n', 'ι': 'i', 'κ': 'k', 'ν': 'v',
	'ο': 'o', 'ρ': 'p', 'τ': 't', 'υ': 'u', 'χ': 'x', 'ϲ': 'c', 'ϳ': 'j',
	// Latin letters whose mark is not a combining character.
	'ı': 'i', 'ø': 'o', 'Ø': 'o', 'đ': 'd', 'Đ': 'd', 'ł': 'l', 'Ł': 'l',
	'ħ': 'h', 'Ħ': 'h', 'ƒ': 'f',
}

// foldLimit bounds the dense per-rune table; runes at or above it are
// lower-cased by the unicode package and never folded to Latin.
const foldLimit = 0x2000

// runeKind is how the normaliser treats one rune after NFKC.
type runeKind uint8

const (
	kindSep    runeKind = iota // white space, controls: dropped, marks a word break
	kindPunct                  // punctuation and symbols: dropped, kept between digits
	kindClause                 // punctuation that also ends a clause (see Context)
	kindLetter                 // a letter of a script that separates words by spaces
	kindDigit                  // a decimal digit
	kindCJK                    // Han, kana, Hangul: every character is its own word
	kindMark                   // a non-spacing mark
	kindIgnore                 // format characters (zero-width etc.): dropped, invisible
)

// foldEntry is the precomputed treatment of one rune below foldLimit.
type foldEntry struct {
	to   rune
	kind runeKind
}

// foldTable returns the lazily built table for runes below foldLimit.
var foldTable = sync.OnceValue(func() *[foldLimit]foldEntry {
	var t [foldLimit]foldEntry
	for r := rune(0); r < foldLimit; r++ {
		t[r] = foldEntry{to: foldRune(r), kind: classify(r)}
	}
	return &t
})

// foldRune lower-cases r and folds look-alike and accented letters to ASCII.
// The result is a fixed point: foldRune(foldRune(r)) == foldRune(r).
func foldRune(r rune) rune {
	f := foldOnce(r)
	if c, ok := confusables[f]; ok {
		return c
	}
	return f
}

func foldOnce(r rune) rune {
	if c, ok := confusables[r]; ok {
		return c
	}
	if !unicode.IsLetter(r) {
		return r
	}
	// Strip marks when the base letter is (or looks like) basic Latin:
	// "é" → "e", Cyrillic "ё" → "е" → "e". Other bases keep their marks
	// so that, say, Russian "й" stays distinct from "и".
	d := norm.NFD.String(string(r))
	base, n := utf8.DecodeRuneInString(d)
	if n < len(d) && allMarks(d[n:]) {
		if c, ok := confusables[base]; ok {
			return c
		}
		if b := unicode.ToLower(base); b < utf8.RuneSelf {
			return b
		}
	}
	return unicode.ToLower(r)
}

func allMarks(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Mn, r) {
			return false
		}
	}
	return true
}

// clauseRunes are punctuation marks that end a clause. The full stop "." is
// not among them because evaders write "N.I.K.E".
const clauseRunes = ",;!?|\n\r\u3002\u3001\uff0c\uff1b\uff01\uff1f\u061f\u060c"

// classify returns the kind of an NFKC-normalised rune.
func classify(r rune) runeKind {
	switch {
	case r >= 0x4e00 && r <= 0x9fff:
		return kindCJK
	case r < utf8.RuneSelf && ('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'):
		return kindLetter
	case r < utf8.RuneSelf && '0' <= r && r <= '9':
		return kindDigit
	case strings.ContainsRune(clauseRunes, r):
		return kindClause
	case unicode.IsLetter(r):
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul, unicode.Bopomofo) {
			return kindCJK
		}
		return kindLetter
	case unicode.IsDigit(r):
		return kindDigit
	case unicode.Is(unicode.Mc, r):
		return kindLetter
	case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r):
		return kindMark
	case unicode.Is(unicode.Cf, r):
		return kindIgnore
	case unicode.IsPunct(r) || unicode.IsSymbol(r):
		return kindPunct
	default:
		return kindSep
	}
}

//go:embed data/tscharacters.txt
var tsData string

// tsTable maps traditional Chinese characters to simplified ones.
type tsTable struct {
	dense []rune        // indexed by r-tsDenseLo; 0 means unchanged
	other map[rune]rune // traditional characters outside the dense range
}

const (
	tsDenseLo = 0x3400
	tsDenseHi = 0xa000
)

// simplified returns the simplified form of r, or r itself.
func (t *tsTable) simplified(r rune) rune {
	if r >= tsDenseLo && r < tsDenseHi {
		if s := t.dense[r-tsDenseLo]; s != 0 {
			return s
		}
		return r
	}
	if s, ok := t.other[r]; ok {
		return s
	}
	return r
}

// loadTS parses data/tscharacters.txt: one traditional character, a tab and
// one or more space-separated simplified candidates per line. The first
// candidate is used. Chains (A→B, B→C) are resolved to C so that
// normalisation is idempotent.
var loadTS = sync.OnceValue(func() *tsTable {
	m := make(map[rune]rune, 4200)
	sc := bufio.NewScanner(strings.NewReader(tsData))
	for sc.Scan() {
		trad, simp, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			continue
		}
		t, tn := utf8.DecodeRuneInString(trad)
		s, _ := utf8.DecodeRuneInString(simp)
		if tn != len(trad) || t == utf8.RuneError || s == utf8.RuneError || s == t {
			continue
		}
		m[t] = s
	}
	t := &tsTable{dense: make([]rune, tsDenseHi-tsDenseLo), other: make(map[rune]rune)}
	for k, v := range m {
		for i := 0; i < 4; i++ { // resolve chains; the data has at most one link
			w, ok := m[v]
			if !ok || w == v {
				break
			}
			v = w
		}
		if k >= tsDenseLo && k < tsDenseHi {
			t.dense[k-tsDenseLo] = v
		} else {
			t.other[k] = v
		}
	}
	return t
})
