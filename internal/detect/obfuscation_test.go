package detect

import (
	"slices"
	"testing"
)

func TestBrandObfuscation(t *testing.T) {
	e := testEngine(t, Options{})
	tests := []struct {
		name, title, category, amount string
		seller                        string // "" for the default unauthorised "s1"
		brand                         string // primary brand wanted
		want                          string // Features.BrandObfuscation
		fires                         bool   // text.brand_obfuscated
	}{
		// Evasions: the brand is still read, and the way it is written counts.
		{name: "zero-width space", title: "Ni\u200bke running shoes", brand: "nike", want: ObfuscationInvisible, fires: true},
		{name: "word joiner in Chinese", title: "耐\u2060克 跑鞋 包邮", brand: "nike", want: ObfuscationInvisible, fires: true},
		{name: "Cyrillic look-alike", title: "Nik\u0435 running shoes", brand: "nike", want: ObfuscationHomoglyph, fires: true},
		{name: "Greek look-alike", title: "N\u03b9ke running shoes", brand: "nike", want: ObfuscationHomoglyph, fires: true},
		{name: "spaced letters", title: "N i k e running shoes", brand: "nike", want: ObfuscationSeparator, fires: true},
		{name: "dotted letters", title: "N.I.K.E running shoes", brand: "nike", want: ObfuscationSeparator, fires: true},
		{name: "punctuation inside the word", title: "Ni~ke running shoes", brand: "nike", want: ObfuscationSeparator, fires: true},
		{name: "one letter split off", title: "Nik e running shoes", brand: "nike", want: ObfuscationSeparator, fires: true},
		{name: "hyphen in Chinese name", title: "耐-克 跑鞋", brand: "nike", want: ObfuscationSeparator, fires: true},
		{name: "space in Chinese name", title: "耐 克 跑鞋", brand: "nike", want: ObfuscationSeparator, fires: true},
		{name: "full-width in half-width text", title: "Ｎｉｋｅ running shoes", brand: "nike", want: ObfuscationFullWidth, fires: true},
		{name: "mathematical bold letters", title: "\U0001d40d\U0001d422\U0001d424\U0001d41e running shoes", brand: "nike", want: ObfuscationStyled, fires: true},
		{name: "traditional name in simplified text", title: "蘋果 手机 全新 国行", category: "phones", amount: "7999",
			brand: "apple", want: ObfuscationTraditional, fires: true},
		{name: "traditional name repeated", title: "蘋果 手机 全新", category: "phones", amount: "7999",
			brand: "apple", want: ObfuscationTraditional, fires: true},

		// Plain writing, however styled, is not an evasion.
		{name: "plain", title: "Nike running shoes", brand: "nike"},
		{name: "plain Chinese", title: "耐克 跑鞋", brand: "nike"},
		{name: "upper case", title: "NIKE running shoes", brand: "nike"},
		{name: "possessive", title: "Nike's running shoes", brand: "nike"},
		{name: "accent", title: "Nikè running shoes", brand: "nike"},
		{name: "name with its own space", title: "Louis Vuitton 手提包", category: "bags", amount: "12000", brand: "louis-vuitton"},
		{name: "name with its space dropped", title: "LouisVuitton 手提包", category: "bags", amount: "12000", brand: "louis-vuitton"},
		{name: "space between multi-letter parts", title: "Louis Vuit ton 手提包", category: "bags", amount: "12000", brand: "louis-vuitton"},
		{name: "full-width input mode throughout", title: "ＮＩＫＥ 跑鞋 包邮", brand: "nike"},
		{name: "traditional text throughout", title: "蘋果 手機 全新 港版", category: "phones", amount: "7999", brand: "apple"},

		// Guards: the feature is computed, the rule stays silent.
		{name: "negated mention", title: "非 N i k e 跑鞋", brand: "nike"},
		{name: "authorised seller", title: "N i k e running shoes", seller: "nike-official", brand: "nike", want: ObfuscationSeparator},
		{name: "accessory context", title: "手机壳 适用于 i P h o n e", category: "phones", amount: "29", brand: "apple", want: ObfuscationSeparator},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cat, amount := tt.category, tt.amount
			if cat == "" {
				cat, amount = "shoes", "899" // the reference price: no price rule fires
			}
			l := listing(t, tt.title, "", cat, amount, "CNY")
			if tt.seller != "" {
				l.SellerID = tt.seller
			}
			r := e.Score(l, SellerFacts{})
			f := r.Features
			if f.Brand != tt.brand {
				t.Fatalf("got primary brand %q, want %q", f.Brand, tt.brand)
			}
			if f.BrandObfuscation != tt.want || f.BrandObfuscated != (tt.want != "") {
				t.Errorf("got brand_obfuscation %q (brand_obfuscated %v), want %q", f.BrandObfuscation, f.BrandObfuscated, tt.want)
			}
			if got := slices.Contains(firedIDs(r), "text.brand_obfuscated"); got != tt.fires {
				t.Errorf("got text.brand_obfuscated fired %v (rules %v), want %v", got, firedIDs(r), tt.fires)
			}
			if tt.fires && r.Verdict != CounterfeitSuspected {
				t.Errorf("got verdict %s (score %d), want %s", r.Verdict, r.Score, CounterfeitSuspected)
			}
			if !tt.fires && tt.want == "" && r.Verdict != Clean {
				t.Errorf("got verdict %s (score %d, rules %v), want %s", r.Verdict, r.Score, firedIDs(r), Clean)
			}
		})
	}
}

func TestObfuscationSignalDetail(t *testing.T) {
	e := testEngine(t, Options{})
	r := e.Score(listing(t, "N i k e running shoes", "Nike original box", "shoes", "899", "CNY"), SellerFacts{})
	var details []string
	for _, s := range r.Signals {
		if s.Kind == SignalBrand {
			details = append(details, s.Detail)
		}
	}
	want := []string{"name obfuscated (separator)", ""}
	if !slices.Equal(details, want) {
		t.Errorf("got brand signal details %q, want %q", details, want)
	}
	if r.Features.Brands[0].Obfuscation != ObfuscationSeparator {
		t.Errorf("got brands[0].obfuscation %q, want %q", r.Features.Brands[0].Obfuscation, ObfuscationSeparator)
	}
}

func TestNegatedSlang(t *testing.T) {
	e := testEngine(t, Options{})
	tests := []struct {
		name, title string
		slang       int
		fires       bool // text.slang_with_brand
	}{
		{name: "slang", title: "Nike replica running shoes", slang: 1, fires: true},
		{name: "zh slang", title: "耐克 高仿 跑鞋", slang: 1, fires: true},
		{name: "en negated", title: "Nike running shoes, not a replica", slang: 0},
		{name: "zh negated", title: "耐克 跑鞋 不是高仿", slang: 0},
		{name: "one negated one not", title: "Nike shoes, not replica. 高仿 做工", slang: 1, fires: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.Score(listing(t, tt.title, "", "shoes", "899", "CNY"), SellerFacts{})
			if r.Features.SlangCount != tt.slang {
				t.Errorf("got slang_count %d (%v), want %d", r.Features.SlangCount, r.Features.Slang, tt.slang)
			}
			if got := slices.Contains(firedIDs(r), "text.slang_with_brand"); got != tt.fires {
				t.Errorf("got text.slang_with_brand fired %v (rules %v), want %v", got, firedIDs(r), tt.fires)
			}
		})
	}
}

func TestImageMatchBelowReference(t *testing.T) {
	e := testEngine(t, Options{})
	tests := []struct {
		name, title, amount string
		fires               bool
		verdict             Verdict
	}{
		{name: "official photo, half price", title: "运动鞋 新款", amount: "449", fires: true, verdict: CounterfeitSuspected},
		{name: "official photo, near reference", title: "运动鞋 新款", amount: "799", verdict: Review},
		{name: "official photo, second hand", title: "二手 运动鞋", amount: "449", verdict: Review},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.Score(listing(t, tt.title, "", "shoes", tt.amount, "CNY", flip(t, nikeLogo, 10)), SellerFacts{})
			if got := slices.Contains(firedIDs(r), "image.match_below_reference"); got != tt.fires {
				t.Errorf("got image.match_below_reference fired %v (rules %v), want %v", got, firedIDs(r), tt.fires)
			}
			if r.Verdict != tt.verdict {
				t.Errorf("got verdict %s (score %d, rules %v), want %s", r.Verdict, r.Score, firedIDs(r), tt.verdict)
			}
		})
	}
	authorised := listing(t, "运动鞋 新款", "", "shoes", "449", "CNY", flip(t, nikeLogo, 10))
	authorised.SellerID = "nike-official"
	if r := e.Score(authorised, SellerFacts{}); slices.Contains(firedIDs(r), "image.match_below_reference") {
		t.Errorf("authorised seller: got rules %v, want no image.match_below_reference", firedIDs(r))
	}
}
