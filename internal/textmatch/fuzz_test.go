package textmatch

import (
	"strings"
	"testing"
)

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"N i k e", "耐-克", "ＮＩＫＥ", "Nіkе", "蘋果", "Ni\u200bke", "1 : 1", "e\u0301\u0301\u0301",
		"a\xffb", "Nike™", "ﷺ", "\u0000\u0001", strings.Repeat("\u0301", 40),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		checkInvariants(t, &n)
		for i := 0; i <= n.Len(); i++ {
			for j := i; j <= n.Len() && j <= i+8; j++ {
				a, b := n.Original(i, j)
				if a < 0 || b > len(s) || a > b {
					t.Fatalf("Original(%d, %d) = (%d, %d), want 0 <= a <= b <= %d", i, j, a, b, len(s))
				}
			}
		}
		// Normalising twice changes nothing.
		once := n.String()
		n2 := Normalize(once)
		if twice := n2.String(); twice != once {
			t.Fatalf("Normalize(Normalize(%q)) = %q, want %q", s, twice, once)
		}
	})
}
