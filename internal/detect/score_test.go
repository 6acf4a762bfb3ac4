package detect

import (
	"slices"
	"strings"
	"testing"

	"github.com/dajia-project/dajia/internal/catalog"
	"github.com/dajia-project/dajia/internal/pdq"
)

const (
	nikeLogo  = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
	nikeStore = "30a10efd71cc3d429013d48d0ffffc52e34e0e17ada952a9d29685211ea9e5af"
)

func testEngine(t testing.TB, opts Options) *Engine {
	t.Helper()
	e, err := Compile(loadTestProfile(t), opts)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return e
}

// flip returns the hex hash h with its first n bits inverted.
func flip(t testing.TB, h string, n int) string {
	t.Helper()
	x, err := pdq.ParseHash(h)
	if err != nil {
		t.Fatal(err)
	}
	for k := range n {
		x[k/8] ^= 1 << (k % 8)
	}
	return x.String()
}

func money(t testing.TB, amount, currency string) catalog.Money {
	t.Helper()
	a, err := catalog.ParseAmount(amount)
	if err != nil {
		t.Fatal(err)
	}
	return catalog.Money{Amount: a, Currency: currency}
}

func listing(t testing.TB, title, desc, category, amount, currency string, pdqs ...string) catalog.Listing {
	t.Helper()
	l := catalog.Listing{ID: "l1", SellerID: "s1", Title: title, Description: desc, Category: category,
		Price: money(t, amount, currency)}
	for _, h := range pdqs {
		l.Images = append(l.Images, catalog.Image{URL: "x.jpg", PDQ: h})
	}
	return l
}

func firedIDs(r Result) []string {
	var ids []string
	for _, h := range r.Rules {
		ids = append(ids, h.ID)
	}
	return ids
}

func TestScoreSignalsAndGuards(t *testing.T) {
	e := testEngine(t, Options{})
	newAcct := SellerFacts{AccountAgeKnown: true, AccountAgeDays: 3}
	tests := []struct {
		name    string
		l       catalog.Listing
		facts   SellerFacts
		verdict Verdict
		fire    []string // rules that must fire
		silent  []string // rules that must not fire
		brand   string   // primary brand, "-" for none
	}{
		{name: "no brand", l: listing(t, "夏季透气跑步鞋", "舒适 百搭 running shoes", "shoes", "99", "CNY"),
			verdict: Clean, brand: "-"},
		{name: "brand at reference price", l: listing(t, "Nike Air Max 90", "正品 专柜", "shoes", "899", "CNY"),
			verdict: Clean, brand: "nike", silent: []string{"price.far_below_reference", "price.below_reference"}},
		{name: "brand far below reference", l: listing(t, "Nike Air Max 90 运动鞋", "", "shoes", "159", "CNY"),
			verdict: CounterfeitSuspected, brand: "nike", fire: []string{"price.far_below_reference", "outcome.ask_brand"}},
		{name: "brand below reference", l: listing(t, "耐克 跑鞋", "", "shoes", "399", "CNY"),
			verdict: Clean, brand: "nike", fire: []string{"price.below_reference"}},
		{name: "slang and brand", l: listing(t, "高仿耐克 AJ1", "", "shoes", "899", "CNY"),
			verdict: CounterfeitSuspected, brand: "nike", fire: []string{"text.slang_with_brand"}},
		{name: "slang brand and price", l: listing(t, "Nike 1:1 mirror quality", "莆田 纯原", "shoes", "159", "CNY"),
			verdict: CounterfeitSuspected, brand: "nike", fire: []string{"text.slang_with_brand", "price.far_below_reference"}},
		{name: "evasion spaced letters", l: listing(t, "N i k e 复刻 sneakers", "", "shoes", "899", "CNY"),
			verdict: CounterfeitSuspected, brand: "nike", fire: []string{"text.slang_with_brand", "text.brand_obfuscated"}},
		{name: "evasion full width and traditional", l: listing(t, "ＮＩＫＥ 復刻", "", "shoes", "899", "CNY"),
			verdict: CounterfeitSuspected, brand: "nike", fire: []string{"text.slang_with_brand"},
			silent: []string{"text.brand_obfuscated"}}, // typed in full-width mode throughout
		{name: "slang alone", l: listing(t, "replica watch", "AAA quality", "watches", "99", "CNY"),
			verdict: Clean, brand: "-", fire: []string{"text.slang_only"}},
		{name: "new account", l: listing(t, "Nike Air Max 90 运动鞋", "", "shoes", "199", "CNY"), facts: newAcct,
			verdict: CounterfeitSuspected, brand: "nike", fire: []string{"price.far_below_reference", "seller.new_account"}},
		{name: "unknown account age is not new", l: listing(t, "Nike Air", "", "shoes", "899", "CNY"),
			verdict: Clean, brand: "nike", silent: []string{"seller.new_account"}},
		{name: "repeat infringer", l: listing(t, "Nike 高仿", "", "shoes", "199", "CNY"), facts: SellerFacts{PriorStrikes: 2},
			verdict: CounterfeitSuspected, brand: "nike", fire: []string{"seller.repeat_infringer"}},
		// False-positive guards.
		{name: "accessory for iPhone", l: listing(t, "手机壳 适用于 iPhone 15", "case for iPhone", "phones", "29", "CNY"),
			verdict: Clean, brand: "apple", silent: []string{"price.far_below_reference", "outcome.ask_brand"}},
		{name: "accessory english", l: listing(t, "Silicone case for Apple iPhone", "", "phones", "19", "CNY"),
			verdict: Clean, brand: "apple"},
		{name: "negation", l: listing(t, "非耐克 跑步鞋", "not Nike, generic trainers", "shoes", "89", "CNY"),
			verdict: Clean, brand: "nike", silent: []string{"price.far_below_reference"}},
		{name: "authorised in profile", l: func() catalog.Listing {
			l := listing(t, "Nike 清仓 1:1", "", "shoes", "199", "CNY")
			l.SellerID = "nike-official"
			return l
		}(), verdict: Clean, brand: "nike", silent: []string{"price.far_below_reference", "text.slang_with_brand"}},
		{name: "authorised by seller facts", l: listing(t, "Nike 清仓", "", "shoes", "199", "CNY"),
			facts:   SellerFacts{Authorized: map[string]bool{"nike": true}},
			verdict: Clean, brand: "nike", silent: []string{"price.far_below_reference"}},
		{name: "second hand zh", l: listing(t, "二手 Nike 跑鞋 九成新", "", "shoes", "199", "CNY"),
			verdict: Clean, brand: "nike", silent: []string{"price.far_below_reference", "outcome.ask_brand"}},
		{name: "second hand en", l: listing(t, "Pre-owned Nike trainers", "used twice", "shoes", "250", "CNY"),
			verdict: Clean, brand: "nike", silent: []string{"price.far_below_reference"}},
		{name: "second hand absurdly cheap", l: listing(t, "二手 Nike 跑鞋", "", "shoes", "49", "CNY"),
			verdict: Clean, brand: "nike", fire: []string{"price.second_hand_far_below"}},
		{name: "unrelated word pineapple", l: listing(t, "pineapple slicer", "kitchen tool", "kitchen", "9", "CNY"),
			verdict: Clean, brand: "-"},
		{name: "unrelated word coaching", l: listing(t, "coaching whistle", "for coaches", "sports", "9", "CNY"),
			verdict: Clean, brand: "-"},
		{name: "long name glued", l: listing(t, "LouisVuitton高仿包", "", "bags", "300", "CNY"),
			verdict: CounterfeitSuspected, brand: "louis-vuitton", fire: []string{"text.slang_with_brand"}},
		// Images.
		{name: "image match", l: listing(t, "运动鞋", "", "shoes", "899", "CNY", flip(t, nikeLogo, 20)),
			verdict: Review, brand: "nike", fire: []string{"image.reference_match"}},
		{name: "image match and mention", l: listing(t, "Nike 运动鞋", "", "shoes", "899", "CNY", flip(t, nikeLogo, 5)),
			verdict: CounterfeitSuspected, brand: "nike", fire: []string{"image.reference_match", "image.match_with_mention"}},
		{name: "image too far", l: listing(t, "运动鞋", "", "shoes", "899", "CNY", flip(t, nikeLogo, 40)),
			verdict: Clean, brand: "-", silent: []string{"image.reference_match"}},
		{name: "low quality reference ignored", l: listing(t, "运动鞋", "", "shoes", "899", "CNY", strings.Repeat("0", 64)),
			verdict: Clean, brand: "-"},
		{name: "bad image hash ignored", l: listing(t, "运动鞋", "", "shoes", "899", "CNY", "zz"),
			verdict: Clean, brand: "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.Score(tt.l, tt.facts)
			if r.Verdict != tt.verdict {
				t.Errorf("got verdict %s (score %d, rules %v), want %s", r.Verdict, r.Score, firedIDs(r), tt.verdict)
			}
			fired := firedIDs(r)
			for _, id := range tt.fire {
				if !slices.Contains(fired, id) {
					t.Errorf("got rules %v, want %s among them", fired, id)
				}
			}
			for _, id := range tt.silent {
				if slices.Contains(fired, id) {
					t.Errorf("got rules %v, want no %s", fired, id)
				}
			}
			want := tt.brand
			if want == "-" {
				want = ""
			}
			if r.Features.Brand != want {
				t.Errorf("got primary brand %q, want %q", r.Features.Brand, want)
			}
		})
	}
}

func TestScoreSpansInOriginalText(t *testing.T) {
	e := testEngine(t, Options{})
	l := listing(t, "【新款】ＮＩＫＥ 復刻 鞋", "描述: N-i-k-e 原單", "shoes", "199", "CNY")
	l.Brand = "耐克"
	r := e.Score(l, SellerFacts{})
	parts := map[string]string{"brand": l.Brand, "title": l.Title, "description": l.Description}
	type span struct{ kind, field, text string }
	var got []span
	for _, s := range r.Signals {
		if s.Field == "" {
			continue
		}
		if parts[s.Field][s.Start:s.End] != s.Text {
			t.Errorf("signal %+v: text is not the field's bytes %d..%d", s, s.Start, s.End)
		}
		got = append(got, span{s.Kind, s.Field, s.Text})
	}
	want := []span{
		{SignalBrand, "brand", "耐克"},
		{SignalBrand, "title", "ＮＩＫＥ"},
		{SignalSlang, "title", "復刻"},
		{SignalBrand, "description", "N-i-k-e"},
		{SignalSlang, "description", "原單"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("got spans %v, want %v", got, want)
	}
	if !r.Features.BrandClaimed {
		t.Errorf("got brand_claimed false, want true (the brand field names Nike)")
	}
	if got, want := r.Features.Slang, []string{"复刻", "原单"}; !slices.Equal(got, want) {
		t.Errorf("got slang %v, want %v", got, want)
	}
}

func TestScorePrice(t *testing.T) {
	peers := NewPriceStats(0)
	for _, a := range []string{"9800", "10000", "10200", "9900", "10100", "10050", "9950"} {
		peers.Add("louis-vuitton", "bags", money(t, a, "CNY"))
	}
	e := testEngine(t, Options{Rates: Rates{"CNY": 1, "EUR": 7.8, "USD": 7.1}, Baseline: peers.Baseline()})
	tests := []struct {
		name      string
		l         catalog.Listing
		source    string
		ratio     float64
		reference float64
	}{
		{"same currency", listing(t, "Nike", "", "shoes", "449.50", "CNY"), "reference", 0.5, 899},
		{"category parent", listing(t, "Nike", "", "shoes/running", "449.50", "CNY"), "reference", 0.5, 899},
		{"brand-wide price", listing(t, "Nike", "", "apparel", "100", "CNY"), "reference", 0.25, 400},
		{"own currency preferred", listing(t, "iPhone 15", "", "phones", "399.50", "USD"), "reference", 0.5, 799},
		{"converted by rates", listing(t, "iPhone 15", "", "phones", "769.10", "EUR"), "reference", 769.10 / (5999.0 / 7.8), 5999.0 / 7.8},
		{"no rate", listing(t, "iPhone 15", "", "phones", "100", "JPY"), "none", 1, 0},
		{"no reference for category", listing(t, "Coach", "", "shoes", "100", "CNY"), "none", 1, 0},
		{"peers", listing(t, "Louis Vuitton", "", "bags", "500", "CNY"), "peers", 0.05, 10000},
		{"no brand", listing(t, "bag", "", "bags", "500", "CNY"), "none", 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := e.Score(tt.l, SellerFacts{}).Features
			if f.PriceSource != tt.source || !near(f.PriceRatio, tt.ratio) || !near(f.ReferencePrice, tt.reference) {
				t.Errorf("got source %s ratio %.4f reference %.2f, want %s %.4f %.2f",
					f.PriceSource, f.PriceRatio, f.ReferencePrice, tt.source, tt.ratio, tt.reference)
			}
			if f.PriceKnown != (tt.source != "none") {
				t.Errorf("got price_known %v, want %v", f.PriceKnown, tt.source != "none")
			}
		})
	}
	t.Run("peer outlier rule", func(t *testing.T) {
		r := e.Score(listing(t, "Louis Vuitton Neverfull", "", "bags", "500", "CNY"), SellerFacts{})
		if !slices.Contains(firedIDs(r), "price.peer_outlier") {
			t.Errorf("got rules %v (z %.1f), want price.peer_outlier", firedIDs(r), r.Features.PriceZ)
		}
	})
}

func near(a, b float64) bool {
	d := a - b
	return d < 1e-6 && d > -1e-6
}

func TestNegativeImageSuppresses(t *testing.T) {
	p := &Profile{Version: 1, Slang: map[string][]string{}, Brands: []Brand{{
		ID: "nike", Names: []string{"Nike"},
		ReferenceImages: []ImageRef{{ID: "ref", PDQ: nikeLogo}},
		NegativeImages:  []ImageRef{{ID: "genuine", PDQ: flip(t, nikeLogo, 10)}},
	}}}
	e, err := Compile(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := e.Score(listing(t, "shoe", "", "shoes", "899", "CNY", flip(t, nikeLogo, 12)), SellerFacts{})
	if r.Features.ImageMatch || !r.Features.NegativeImage {
		t.Errorf("got image_match %v negative_image %v, want false true", r.Features.ImageMatch, r.Features.NegativeImage)
	}
	if r.Verdict != Clean {
		t.Errorf("got verdict %s, want clean", r.Verdict)
	}
	// Without the negative image the same listing matches.
	p.Brands[0].NegativeImages = nil
	e, err = Compile(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r = e.Score(listing(t, "shoe", "", "shoes", "899", "CNY", flip(t, nikeLogo, 12)), SellerFacts{})
	if !r.Features.ImageMatch || r.Features.ImageDistance != 12 || r.Features.ImageReference != "ref" {
		t.Errorf("got match %v distance %d reference %q, want true 12 ref",
			r.Features.ImageMatch, r.Features.ImageDistance, r.Features.ImageReference)
	}
}

func TestCompileImagePaths(t *testing.T) {
	p := &Profile{Version: 1, Brands: []Brand{{ID: "nike", Names: []string{"Nike"},
		ReferenceImages: []ImageRef{{Path: "good.jpg"}, {Path: "flat.jpg"}}}}}
	t.Run("no resolver", func(t *testing.T) {
		_, err := Compile(p, Options{})
		if err == nil || !strings.Contains(err.Error(), "brands[0].reference_images[0].path") {
			t.Errorf("got error %v, want one naming brands[0].reference_images[0].path", err)
		}
	})
	t.Run("resolver", func(t *testing.T) {
		h, _ := pdq.ParseHash(nikeLogo)
		var asked []string
		e, err := Compile(p, Options{ResolveImage: func(path string) (pdq.Hash, int, error) {
			asked = append(asked, path)
			if path == "flat.jpg" {
				return pdq.Hash{}, 5, nil // featureless: ignored
			}
			return h, 90, nil
		}})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := asked, []string{"good.jpg", "flat.jpg"}; !slices.Equal(got, want) {
			t.Errorf("got resolved %v, want %v", got, want)
		}
		if got := e.refIdx.Len(); got != 1 {
			t.Errorf("got %d reference hashes, want 1 (quality 5 dropped)", got)
		}
		r := e.Score(listing(t, "x", "", "", "1", "CNY", nikeLogo), SellerFacts{})
		if r.Features.ImageReference != "nike/ref/0" {
			t.Errorf("got reference id %q, want nike/ref/0", r.Features.ImageReference)
		}
	})
}
