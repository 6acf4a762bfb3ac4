package textmatch

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"ascii lower", "Nike Air", "nikeair"},
		{"split letters spaces", "N i k e", "nike"},
		{"split letters dots", "N.I.K.E", "nike"},
		{"split letters dashes", "N-i-k-e", "nike"},
		{"split letters underscores", "N_I_K_E", "nike"},
		{"split letters symbols", "N★I★K★E", "nike"},
		{"cjk dash", "耐-克", "耐克"},
		{"cjk spaces", "耐 克", "耐克"},
		{"cjk full-width punct", "耐，克", "耐克"},
		{"full-width latin", "ＮＩＫＥ", "nike"},
		{"full-width digits", "１：１", "1:1"},
		{"ideographic space", "耐\u3000克", "耐克"},
		{"cyrillic look-alikes", "Nіkе", "nike"},
		{"cyrillic capitals", "АDIDАS", "adidas"},
		{"greek capitals", "ΝΙΚΕ", "nike"},
		{"greek small", "αdidαs", "adidas"},
		{"accents", "Gúcci Hermès", "guccihermes"},
		{"circled letters", "ⓝⓘⓚⓔ", "nike"},
		{"math bold", "𝐍𝐢𝐤𝐞", "nike"},
		{"traditional apple", "蘋果", "苹果"},
		{"traditional chanel", "香奈兒", "香奈儿"},
		{"traditional mixed", "貨真價實", "货真价实"},
		{"zero-width space", "Ni\u200bke", "nike"},
		{"zero-width joiners", "N\u200ci\u200dk\u2060e\ufeff", "nike"},
		{"soft hyphen", "Ni\u00adke", "nike"},
		{"zero-width in cjk", "耐\u200b克", "耐克"},
		{"combining overlay", "N\u0335i\u0335k\u0335e\u0335", "nike"},
		{"case", "NiKe", "nike"},
		{"mixed script", "Nіkе耐克ＡＤＩＤＡＳ", "nike耐克adidas"},
		{"digits not folded", "N1KE 0ff", "n1ke0ff"},
		{"punct kept between digits", "A货 1:1", "a货1:1"},
		{"spaced ratio", "1 : 1", "1:1"},
		{"punct dropped after letters", "replica!!", "replica"},
		{"trademark sign", "Nike™", "nike"},
		{"invalid utf8", "ni\xffke", "nike"},
		{"empty", "", ""},
		{"only separators", " -. \u200b", ""},
		{"japanese kana kept", "ナイキ", "ナイキ"},
		{"hangul kept", "나이키", "나이키"},
		{"russian word folded", "Москва", "mockba"},
		{"ligature", "ﬁla", "fila"},
		{"capital soft sign folds like small", "Ь", "b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := Normalize(tt.in)
			if got := n.String(); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
			checkInvariants(t, &n)
		})
	}
}

// boundaries renders n with "|" at every word boundary.
func boundaries(n *Normalized) string {
	var b strings.Builder
	for p := 0; p <= n.Len(); p++ {
		if n.IsWordBoundary(p) {
			b.WriteByte('|')
		}
		if p < n.Len() {
			b.WriteByte(n.Bytes()[p])
		}
	}
	return b.String()
}

func TestWordBoundaries(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"spaces are breaks", "for nike", "|for|nike|"},
		{"single-letter chain is one word", "for N i k e shoes", "|for|nike|shoes|"},
		{"dotted chain", "N.I.K.E.", "|nike|"},
		{"possessive", "nike's", "|nike|s|"},
		{"plural", "Nikes", "|nikes|"},
		{"coaching", "coaching", "|coaching|"},
		{"letter digit change", "nike2024", "|nike|2024|"},
		{"cjk every char", "耐克鞋", "|耐|克|鞋|"},
		{"latin cjk change", "nike耐克", "|nike|耐|克|"},
		{"comma breaks chain", "N,I,K,E", "|n|i|k|e|"},
		{"zero width is invisible", "co\u200bach", "|coach|"},
		{"two-letter tokens stay apart", "Ni ke", "|ni|ke|"},
		{"kept punctuation", "11:15", "|11|:|15|"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := Normalize(tt.in)
			if got := boundaries(&n); got != tt.want {
				t.Errorf("boundaries of %q = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestOriginal(t *testing.T) {
	tests := []struct {
		name, in   string
		start, end int
		want       string
	}{
		{"split letters highlight whole", "buy N i k e now", 3, 7, "N i k e"},
		{"full-width", "正品ＮＩＫＥ鞋", 6, 10, "ＮＩＫＥ"},
		{"traditional", "全新蘋果手機", 6, 12, "蘋果"},
		{"cjk dash", "耐-克", 0, 6, "耐-克"},
		{"zero width inside", "Ni\u200bke!", 0, 4, "Ni\u200bke"},
		{"separators outside excluded", "  nike  ", 0, 4, "nike"},
		{"combining mark", "Gu\u0301cci", 0, 5, "Gu\u0301cci"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := Normalize(tt.in)
			s, e := n.Original(tt.start, tt.end)
			if got := tt.in[s:e]; got != tt.want {
				t.Errorf("Original(%d, %d) of %q (normalised %q) = %q, want %q", tt.start, tt.end, tt.in, n.String(), got, tt.want)
			}
		})
	}
}

func TestNormalizerReuse(t *testing.T) {
	var z Normalizer
	inputs := []string{"a much longer text with N i k e and 耐克 inside it", "短", "", "ＮＩＫＥ 1:1"}
	for _, in := range inputs {
		got := z.Normalize(in)
		want := Normalize(in)
		if got.String() != want.String() || boundaries(got) != boundaries(&want) {
			t.Errorf("reused Normalizer on %q = %q %q, want %q %q", in, got.String(), boundaries(got), want.String(), boundaries(&want))
		}
		checkInvariants(t, got)
	}
}

func TestNormalizeIdempotent(t *testing.T) {
	for _, in := range []string{"N i k e 耐-克 蘋果 Gúcci", "ＮＩＫＥ １：１", "Москва ΝΙΚΕ", "薴"} {
		n1 := Normalize(in)
		once := n1.String()
		n2 := Normalize(once)
		if twice := n2.String(); twice != once {
			t.Errorf("Normalize(Normalize(%q)) = %q, want %q", in, twice, once)
		}
	}
}

// checkInvariants verifies the structural guarantees of a Normalized.
func checkInvariants(t *testing.T, n *Normalized) {
	t.Helper()
	text := n.Bytes()
	if !utf8.Valid(text) {
		t.Fatalf("normalised %q is not valid UTF-8", text)
	}
	if len(n.start) != len(text) || len(n.end) != len(text) {
		t.Fatalf("offset maps have %d and %d entries, want %d", len(n.start), len(n.end), len(text))
	}
	for i := range text {
		s, e := int(n.start[i]), int(n.end[i])
		if s < 0 || e > len(n.Source()) || s >= e {
			t.Fatalf("byte %d maps to [%d,%d), want a non-empty range within [0,%d]", i, s, e, len(n.Source()))
		}
		if i > 0 && (s < int(n.start[i-1]) || e < int(n.end[i-1])) {
			t.Fatalf("offset map not monotonic at byte %d: [%d,%d) after [%d,%d)", i, s, e, n.start[i-1], n.end[i-1])
		}
	}
	if !n.IsWordBoundary(0) || !n.IsWordBoundary(len(text)) {
		t.Fatalf("text ends are not word boundaries")
	}
	pad := text[len(text) : len(text)+padding]
	for _, b := range pad {
		if b != 0 {
			t.Fatalf("padding %v is not zero", pad)
		}
	}
	if strings.IndexByte(string(text), 0) >= 0 {
		t.Fatalf("normalised text contains NUL")
	}
}

func TestFoldIsFixedPoint(t *testing.T) {
	ft := foldTable()
	for r := rune(0); r < foldLimit; r++ {
		f := ft[r].to
		if f < foldLimit && ft[f].to != f {
			t.Errorf("fold(%U) = %U but fold(%U) = %U, want a fixed point", r, f, f, ft[f].to)
		}
	}
}
