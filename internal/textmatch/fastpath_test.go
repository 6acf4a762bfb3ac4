package textmatch

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestFastPathsMatchNFKC checks that the normaliser's fast paths give exactly
// what the general NFKC path gives: text, offsets and boundaries.
func TestFastPathsMatchNFKC(t *testing.T) {
	pieces := []string{"a", "N", "k", "e ", " ", "1", "2", ":", ".", "-", ",", "\n", "耐", "克", "蘋", "果", "の",
		"，", "。", "【", "】", "！", "、", "\u3000", "\u302a", "\u3030", "\u303f", "ＮＩＫＥ", "ｎ", "～", "\uff5f", "\uff61",
		"\u0301", "\u3099", "é", "і", "™", "\u200b", "가", "ﬁ", "\xff", "Ⅻ", "①", "＄", "\u2f00"}
	rng := rand.New(rand.NewPCG(11, 12))
	var fast, slow Normalizer
	slow.noFast = true
	for range 20000 {
		var b strings.Builder
		for range 1 + rng.IntN(12) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := b.String()
		f, w := fast.Normalize(s), slow.Normalize(s)
		if string(f.text) != string(w.text) || !slices.Equal(f.start, w.start) || !slices.Equal(f.end, w.end) ||
			!slices.Equal(f.word, w.word) || !slices.Equal(f.clause, w.clause) {
			t.Fatalf("Normalize(%q): fast %q %v %v %b %b, NFKC %q %v %v %b %b", s,
				f.text, f.start, f.end, f.word, f.clause, w.text, w.start, w.end, w.word, w.clause)
		}
	}
}
