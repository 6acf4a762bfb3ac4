// Package textmatch finds brand names and counterfeit slang in listing text
// despite the tricks sellers use to hide them, and maps every match back to
// the original text for highlighting.
//
// # Normalisation
//
// Normalize (or a reusable Normalizer) turns a text into a Normalized: the
// normalised bytes, the original byte range behind each normalised byte, and
// a word-boundary bit per normalised offset. Per character, in order:
//
//  1. NFKC (golang.org/x/text/unicode/norm). This also turns full-width
//     forms into ASCII ("ＮＩＫＥ" → "NIKE", "：" → ":"), circled and
//     mathematical letters into plain ones and ligatures into letters.
//     "™" and "℠" are kept as symbols, not expanded to "TM"/"SM".
//  2. Look-alike letters are folded to ASCII: a hand-picked table of
//     Cyrillic and Greek letters (Cyrillic "Nіkе" → "nike"), and accents are
//     stripped from letters whose base is Latin ("Gúcci" → "gucci"). Digits
//     are never folded to letters ("0" stays "0"): that would make prices and
//     model numbers match brands. Genuine Russian or Greek words are folded
//     too, which can create spurious Latin matches; short Latin patterns
//     should therefore be WholeWord.
//  3. Lower case.
//  4. Traditional Chinese characters become simplified (character level,
//     OpenCC TSCharacters data, see data/README.md): 蘋果 → 苹果.
//  5. Zero-width and other format characters (U+200B..U+200D, U+2060,
//     U+FEFF, soft hyphen) are removed as if absent. Non-spacing marks on
//     Latin, Greek and Cyrillic letters are removed.
//  6. Separators — white space, punctuation, symbols, invalid UTF-8 — are
//     removed. The one exception: punctuation between two digits is kept, so
//     "1:1" stays "1:1" and cannot match inside "11".
//
// # Word boundaries
//
// Removing separators makes "N i k e" and "耐-克" findable as "nike" and
// "耐克", but also glues words ("for nike" → "fornike"). Each normalised
// offset therefore records whether a word boundary lies there. A boundary
// is at the start and end of the text, where a separator was removed,
// where the kind of character changes (letter, digit, CJK, kept
// punctuation) and on both sides of every CJK character (CJK has no word
// boundaries, so a whole-word CJK pattern is a plain substring pattern).
//
// The exception is the evasion separator: a separator between two
// single-letter tokens ("N i k e", "N.I.K.E", "N-i-k-e") is not a boundary,
// so "N i k e" is one word "nike". A separator containing clause punctuation
// (",", newline, …) is always a boundary. Known limit: a genuine one-letter
// word next to a spelled-out brand ("a N I K E") is absorbed into the chain.
//
// Patterns with WholeWord need a boundary at their start and end, where the
// end may also be followed by a single "s" and then a boundary, so "Nikes"
// and "nike's" match "nike" but "coaching" does not match "coach".
//
// # Matching
//
// Compile builds a Matcher from many patterns (hundreds of thousands);
// Matcher.FindAll reports every occurrence, overlaps included. Context
// classifies the words before a match as an accessory ("case for") or
// negation ("非") context.
package textmatch
