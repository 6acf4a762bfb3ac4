package textmatch

import (
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"N i k e", "耐-克", "ＮＩＫＥ", "Nіkе", "蘋果", "Ni\u200bke", "1 : 1", "e\u0301\u0301\u0301",
		"a\xffb", "Nike™", "ﷺ", "\u0000\u0001", "【正品】ＮＩＫＥ，耐克！", "Ｅ\u0301", "、\u3099", strings.Repeat("\u0301", 40),
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
		// The fast paths agree with NFKC applied up front ("™" and "℠" are
		// deliberately not expanded, so they are left out).
		if !strings.ContainsAny(s, "™℠") {
			pre := Normalize(norm.NFKC.String(s))
			if got, want := n.String(), pre.String(); got != want {
				t.Fatalf("Normalize(%q) = %q, but Normalize(NFKC(s)) = %q", s, got, want)
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
