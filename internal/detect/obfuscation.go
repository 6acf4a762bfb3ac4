package detect

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dajia-project/dajia/internal/textmatch"
)

// Obfuscation classes of a brand mention (BrandFeature.Obfuscation,
// Features.BrandObfuscation): how the text departs from the plain name in
// the profile. Genuine sellers write a brand's name plainly; these are the
// tricks used to get a name past keyword filters while buyers still read it.
const (
	// ObfuscationInvisible: zero-width or other invisible format characters
	// inside the name ("Ni\u200bke").
	ObfuscationInvisible = "invisible"
	// ObfuscationHomoglyph: look-alike letters of another script mixed into
	// the name (Cyrillic "е" in "Nikе").
	ObfuscationHomoglyph = "homoglyph"
	// ObfuscationSeparator: the name split by separators where it has none:
	// single letters ("N i k e", "N.I.K.E"), punctuation inside a word
	// ("Ni~ke") or anything between the characters of a Chinese name
	// ("耐-克", "耐 克"). A space between multi-letter parts ("kai rui") is
	// ordinary spelling, not an evasion.
	ObfuscationSeparator = "separator"
	// ObfuscationStyled: letters from styled Unicode blocks (mathematical
	// bold, circled, …) instead of ordinary ones.
	ObfuscationStyled = "styled"
	// ObfuscationFullWidth: full-width letters ("ＮＩＫＥ") in a listing
	// that otherwise uses ordinary (half-width) Latin letters. A listing
	// typed entirely in a full-width input mode is not counted.
	ObfuscationFullWidth = "fullwidth"
	// ObfuscationTraditional: traditional characters in the name ("鈺翎" for
	// "钰翎") in a listing otherwise written in simplified characters. A
	// listing written in traditional characters throughout (Hong Kong,
	// Taiwan) is not counted.
	ObfuscationTraditional = "traditional"
)

// obfuscationRank orders the classes from the most to the least telling;
// a mention with several reports the first.
func obfuscationRank(c string) int {
	switch c {
	case ObfuscationInvisible:
		return 6
	case ObfuscationHomoglyph:
		return 5
	case ObfuscationSeparator:
		return 4
	case ObfuscationStyled:
		return 3
	case ObfuscationFullWidth:
		return 2
	case ObfuscationTraditional:
		return 1
	}
	return 0
}

// nameForm is a profile name as written, aligned with its normalised form:
// for each normalised character, the original text it came from and whether
// a separator preceded it. A mention is compared with it character by
// character.
type nameForm struct {
	chars []string
	sep   []bool
}

// unit is one normalised character of a span with its source.
type unit struct {
	orig string // the original text behind it
	gap  string // original text dropped between the previous unit and it
}

// units walks the normalised characters of n in [start, end) and calls fn
// for each with its original text and the dropped text before it (empty for
// the first). Normalised characters from one original character (an NFKC
// expansion such as "ﬁ") are reported once.
func units(n *textmatch.Normalized, start, end int, fn func(u unit)) {
	b := n.Bytes()
	src := n.Source()
	prevS, prevE := -1, -1
	for j := start; j < end; {
		_, size := utf8.DecodeRune(b[j:end])
		os, oe := n.Original(j, j+size)
		j += size
		if os == prevS && oe == prevE {
			continue
		}
		u := unit{orig: src[os:oe]}
		if prevE >= 0 && os > prevE {
			u.gap = src[prevE:os]
		}
		prevS, prevE = os, oe
		fn(u)
	}
}

// newNameForm aligns a profile name with its normalised form.
func newNameForm(name string) nameForm {
	n := textmatch.Normalize(name)
	var f nameForm
	units(&n, 0, n.Len(), func(u unit) {
		f.chars = append(f.chars, u.orig)
		f.sep = append(f.sep, u.gap != "")
	})
	return f
}

// obfuscation classifies how the mention m in n departs from the name it
// matched (see the Obfuscation* constants), "" when written plainly: the
// same characters up to case and accents, separators only where the name
// has them or as spaces between multi-letter parts. The full-width and
// traditional checks also look at the rest of the listing (n's source).
func obfuscation(n *textmatch.Normalized, m textmatch.Match, name *nameForm) string {
	best := ""
	note := func(c string) {
		if obfuscationRank(c) > obfuscationRank(best) {
			best = c
		}
	}
	k := 0                                // index of the unit in the name
	chunk, chunks, singles := 0, 1, false // letters split by spaces
	prevHan, latin, lookalike := false, false, false
	units(n, m.Start, m.End, func(u unit) {
		r, _ := utf8.DecodeRuneInString(u.orig)
		han := unicode.Is(unicode.Han, r)
		if u.gap != "" {
			if strings.ContainsFunc(u.gap, invisible) {
				note(ObfuscationInvisible)
			}
			visible := strings.ContainsFunc(u.gap, func(r rune) bool { return !invisible(r) })
			switch {
			case !visible || k < len(name.sep) && name.sep[k]:
				// nothing shown, or the name has a separator here too
			case han || prevHan:
				note(ObfuscationSeparator) // Chinese names have no separators
			case strings.ContainsFunc(u.gap, func(r rune) bool { return !unicode.IsSpace(r) && !invisible(r) }):
				note(ObfuscationSeparator) // punctuation inside a word
			default:
				singles = singles || chunk == 1
				chunk, chunks = 0, chunks+1
			}
		}
		prevHan = han
		latin = latin || unicode.Is(unicode.Latin, r)
		chunk++
		if k < len(name.chars) && (u.orig == name.chars[k] || strings.EqualFold(u.orig, name.chars[k])) {
			k++
			return
		}
		k++
		switch {
		case r >= 0xff01 && r <= 0xff5e:
			note(ObfuscationFullWidth)
		case han || r >= 0xf900 && r <= 0xfaff || r >= 0x2f800 && r <= 0x2fa1f:
			note(ObfuscationTraditional)
		case unicode.Is(unicode.Latin, r) || !unicode.IsLetter(r):
			// accents, case, digits: ordinary variation
		case unicode.Is(unicode.Cyrillic, r) || unicode.Is(unicode.Greek, r):
			lookalike = true
		default:
			note(ObfuscationStyled)
		}
	})
	if lookalike && latin {
		// Mixed scripts in one name. A name wholly in Cyrillic or Greek
		// letters is more likely a genuine Russian or Greek word that
		// happens to fold onto a Latin name.
		note(ObfuscationHomoglyph)
	}
	if chunks > 1 && (singles || chunk == 1) {
		note(ObfuscationSeparator) // "N i k e", "Nik e"
	}
	switch best {
	case ObfuscationFullWidth:
		if !halfWidthOutside(n, m) {
			best = ""
		}
	case ObfuscationTraditional:
		if traditionalOutside(n, m) {
			best = ""
		}
	}
	return best
}

// invisible reports zero-width and other invisible format characters (and
// the soft hyphen) that have no business inside a brand name.
func invisible(r rune) bool {
	return r == 0xad || unicode.Is(unicode.Cf, r)
}

// halfWidthOutside reports whether the listing text has an ordinary Latin
// letter outside the mention: the seller could type half-width letters.
func halfWidthOutside(n *textmatch.Normalized, m textmatch.Match) bool {
	src := n.Source()
	os, oe := n.Original(m.Start, m.End)
	for i := 0; i < len(src); i++ {
		if i == os {
			i = oe - 1
			continue
		}
		if c := src[i] | 0x20; c >= 'a' && c <= 'z' {
			return true
		}
	}
	return false
}

// traditionalOutside reports whether the listing text has a traditional
// character (one that normalisation changed into another CJK character)
// outside the mention, other than those of the mention itself (the name
// repeated elsewhere in the same form).
func traditionalOutside(n *textmatch.Normalized, m textmatch.Match) bool {
	b := n.Bytes()
	src := n.Source()
	ms, me := n.Original(m.Start, m.End)
	mention := src[ms:me]
	for j := 0; j < len(b); {
		c := b[j]
		if c < 0xe4 || c > 0xe9 || j+3 > len(b) {
			_, size := utf8.DecodeRune(b[j:])
			j += size
			continue
		}
		if j >= m.Start && j < m.End {
			j = m.End
			continue
		}
		os, oe := n.Original(j, j+3)
		if c := src[os:oe]; c != string(b[j:j+3]) && !strings.Contains(mention, c) {
			if r, _ := utf8.DecodeRuneInString(src[os:oe]); unicode.Is(unicode.Han, r) {
				return true
			}
		}
		j += 3
	}
	return false
}
