package textmatch

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
)

// highlights returns the original text of every match of pattern in text.
func highlights(t *testing.T, pattern Pattern, text string) []string {
	t.Helper()
	m, err := Compile([]Pattern{pattern})
	if err != nil {
		t.Fatalf("Compile(%q): %v", pattern.Text, err)
	}
	n := Normalize(text)
	var got []string
	for _, mt := range m.FindAll(nil, &n) {
		s, e := n.Original(mt.Start, mt.End)
		got = append(got, text[s:e])
	}
	return got
}

func TestFindAllEvasion(t *testing.T) {
	tests := []struct {
		name    string
		pattern Pattern
		text    string
		want    []string // original spans a human would highlight
	}{
		{"plain", Pattern{Text: "nike"}, "正品Nike运动鞋", []string{"Nike"}},
		{"split letters", Pattern{Text: "nike", WholeWord: true}, "全新 N i k e 跑鞋", []string{"N i k e"}},
		{"dotted letters", Pattern{Text: "nike", WholeWord: true}, "N.I.K.E. air", []string{"N.I.K.E"}},
		{"dashes", Pattern{Text: "nike", WholeWord: true}, "N-i-k-e", []string{"N-i-k-e"}},
		{"cjk separator", Pattern{Text: "耐克"}, "耐-克 气垫鞋", []string{"耐-克"}},
		{"cjk spaces", Pattern{Text: "耐克", WholeWord: true}, "耐 克", []string{"耐 克"}},
		{"full-width", Pattern{Text: "nike", WholeWord: true}, "ＮＩＫＥ鞋", []string{"ＮＩＫＥ"}},
		{"full-width pattern", Pattern{Text: "ＮＩＫＥ"}, "nike", []string{"nike"}},
		{"cyrillic", Pattern{Text: "nike", WholeWord: true}, "Nіkе shoes", []string{"Nіkе"}},
		{"greek", Pattern{Text: "nike", WholeWord: true}, "ΝΙΚΕ shoes", []string{"ΝΙΚΕ"}},
		{"traditional text", Pattern{Text: "苹果"}, "蘋果手機", []string{"蘋果"}},
		{"traditional pattern", Pattern{Text: "香奈兒"}, "香奈儿包", []string{"香奈儿"}},
		{"zero-width", Pattern{Text: "gucci", WholeWord: true}, "Gu\u200bc\u200dci bag", []string{"Gu\u200bc\u200dci"}},
		{"soft hyphen", Pattern{Text: "gucci"}, "Guc\u00adci", []string{"Guc\u00adci"}},
		{"case", Pattern{Text: "NIKE"}, "nIkE", []string{"nIkE"}},
		{"mixed script", Pattern{Text: "nike耐克"}, "Nіkе 耐-克", []string{"Nіkе 耐-克"}},
		{"accents", Pattern{Text: "hermes", WholeWord: true}, "Hérmès bag", []string{"Hérmès"}},
		{"code word ratio", Pattern{Text: "1:1"}, "A货1：1复刻", []string{"1：1"}},
		{"ratio not in number", Pattern{Text: "1:1"}, "尺码 11 21", nil},
		{"ratio not in time", Pattern{Text: "1:1", WholeWord: true}, "11:15发货", nil},
		{"a货", Pattern{Text: "A货"}, "顶级 a 货", []string{"a 货"}},
		{"replica phrase", Pattern{Text: "mirror quality"}, "MIRROR-QUALITY watch", []string{"MIRROR-QUALITY"}},
		{"pinyin alias", Pattern{Text: "naike", WholeWord: true}, "naike 鞋", []string{"naike"}},
		{"digits not folded", Pattern{Text: "nike", WholeWord: true}, "N1KE", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := highlights(t, tt.pattern, tt.text)
			if diff := gocmp.Diff(tt.want, got); diff != "" {
				t.Errorf("matches of %q in %q (-want +got):\n%s", tt.pattern.Text, tt.text, diff)
			}
		})
	}
}

func TestFindAllWholeWord(t *testing.T) {
	tests := []struct {
		name, pattern, text string
		whole               bool
		want                int
	}{
		{"coaching is not coach", "coach", "coaching class", true, 0},
		{"coach alone", "coach", "Coach bag", true, 1},
		{"substring coach matches coaching", "coach", "coaching", false, 1},
		{"plural", "nike", "Nikes for sale", true, 1},
		{"possessive", "nike", "nike's best", true, 1},
		{"double plural is not plural", "nike", "nikess", true, 0},
		{"short brand on", "on", "running shoes from On", true, 1},
		{"on inside word", "on", "online only", true, 0},
		{"glued after for", "nike", "case for nike", true, 1},
		{"prefix inside word", "nike", "unike", true, 0},
		{"split brand in sentence", "nike", "buy N I K E now", true, 1},
		{"brand followed by digits", "nike", "nike2024新款", true, 1},
		{"cjk is always whole", "耐克", "正品耐克鞋", true, 1},
		{"two-letter tokens split", "nike", "Ni ke", true, 1},
		{"single letter before chain", "nike", "a N I K E", true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := highlights(t, Pattern{Text: tt.pattern, WholeWord: tt.whole}, tt.text)
			if len(got) != tt.want {
				t.Errorf("%q (whole word %v) in %q: got %d matches %q, want %d", tt.pattern, tt.whole, tt.text, len(got), got, tt.want)
			}
		})
	}
}

func TestFindAllOverlapsAndOrder(t *testing.T) {
	m, err := Compile([]Pattern{
		{ID: 1, Text: "nike"},
		{ID: 2, Text: "nike air"},
		{ID: 3, Text: "air max"},
		{ID: 4, Text: "ke"},
		{ID: 5, Text: "n"},
		{ID: 6, Text: "耐"},
		{ID: 7, Text: "耐克"},
		{ID: 8, Text: "耐克气垫"},
		{ID: 1, Text: "NIKE"}, // duplicate after normalisation: merged
		{ID: 9, Text: "nike"}, // same text, other ID: both reported
	})
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	n := Normalize("Nike Air Max 耐克气垫")
	got := m.FindAll(nil, &n)
	want := []Match{
		{ID: 5, Start: 0, End: 1},
		{ID: 1, Start: 0, End: 4},
		{ID: 9, Start: 0, End: 4},
		{ID: 2, Start: 0, End: 7},
		{ID: 4, Start: 2, End: 4},
		{ID: 3, Start: 4, End: 10},
		{ID: 6, Start: 10, End: 13},
		{ID: 7, Start: 10, End: 16},
		{ID: 8, Start: 10, End: 22},
	}
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Errorf("FindAll (-want +got):\n%s", diff)
	}
	if got, want := m.Len(), 9; got != want {
		t.Errorf("Len() = %d, want %d", got, want)
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name string
		pats []Pattern
	}{
		{"empty", []Pattern{{ID: 1, Text: ""}}},
		{"only separators", []Pattern{{ID: 1, Text: "nike"}, {ID: 2, Text: " - . \u200b"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Compile(tt.pats); err == nil {
				t.Errorf("Compile(%+v) succeeded, want an error", tt.pats)
			}
		})
	}
}

func TestFindAllEmpty(t *testing.T) {
	m, err := Compile(nil)
	if err != nil {
		t.Fatalf("Compile(nil): %v", err)
	}
	n := Normalize("nike")
	if got := m.FindAll(nil, &n); len(got) != 0 {
		t.Errorf("empty matcher found %v, want nothing", got)
	}
}

// naiveFindAll is the reference: strings.Index for every pattern at every
// position, then the whole-word rule.
func naiveFindAll(pats []Pattern, n *Normalized) []Match {
	text := n.String()
	var out []Match
	for _, p := range pats {
		pn := Normalize(p.Text)
		pt := pn.String()
		for from := 0; ; {
			i := strings.Index(text[from:], pt)
			if i < 0 {
				break
			}
			start := from + i
			end := start + len(pt)
			if !p.WholeWord || n.wholeWord(start, end) {
				out = append(out, Match{ID: p.ID, Start: start, End: end})
			}
			from = start + 1
		}
	}
	slices.SortFunc(out, func(a, b Match) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End), cmp.Compare(a.ID, b.ID))
	})
	return slices.Compact(out)
}

// TestFindAllMatchesNaive compares the matcher with naiveFindAll on random
// pattern sets and texts over a small alphabet, so that overlaps, shared
// prefixes and patterns that are prefixes of each other are frequent.
func TestFindAllMatchesNaive(t *testing.T) {
	alphabet := []string{"a", "b", "n", "s", "1", ":", " ", ".", "耐", "克", "苹", "果", "蘋", "Ａ", "é", "и", "\u200b"}
	rng := rand.New(rand.NewPCG(1, 2))
	randText := func(maxRunes int) string {
		var b strings.Builder
		for range rng.IntN(maxRunes) + 1 {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		return b.String()
	}
	total := 0
	for iter := range 300 {
		var pats []Pattern
		for len(pats) < 1+rng.IntN(40) {
			p := Pattern{ID: uint32(rng.IntN(20)), Text: randText(9), WholeWord: rng.IntN(3) == 0}
			pn := Normalize(p.Text)
			if pn.Len() == 0 {
				continue
			}
			pats = append(pats, p)
			if rng.IntN(3) == 0 { // a pattern extending this one
				pats = append(pats, Pattern{ID: p.ID + 1, Text: p.Text + randText(4), WholeWord: p.WholeWord})
			}
		}
		m, err := Compile(pats)
		if err != nil {
			t.Fatalf("iteration %d: Compile: %v", iter, err)
		}
		for range 10 {
			text := randText(80)
			n := Normalize(text)
			got := m.FindAll(nil, &n)
			want := naiveFindAll(pats, &n)
			total += len(want)
			if diff := gocmp.Diff(want, got); diff != "" {
				t.Fatalf("iteration %d: text %q (normalised %q), patterns %+v (-naive +fast):\n%s", iter, text, n.String(), pats, diff)
			}
		}
	}
	if total < 5000 {
		t.Errorf("property test saw %d matches in total, want at least 5000 for a meaningful comparison", total)
	}
}

// TestFindAllMatchesNaiveGenerated runs the naive comparison on the
// benchmark's generated brand patterns and listings, which include long
// patterns (several trie levels) and many shared prefixes.
func TestFindAllMatchesNaiveGenerated(t *testing.T) {
	pats := genPatterns(3000, 7)
	m, err := Compile(pats)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	total := 0
	for i, text := range genTexts(60, 450, pats, 8) {
		n := Normalize(text)
		got := m.FindAll(nil, &n)
		want := naiveFindAll(pats, &n)
		total += len(want)
		if diff := gocmp.Diff(want, got); diff != "" {
			t.Fatalf("text %d %q (-naive +fast):\n%s", i, text, diff)
		}
	}
	if total < 100 {
		t.Errorf("saw %d matches in total, want at least 100 for a meaningful comparison", total)
	}
}
