package detect

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/expr-lang/expr/vm"

	"github.com/dajia-project/dajia/internal/catalog"
)

func TestCompileRulesErrors(t *testing.T) {
	tests := []struct {
		name      string
		rule      Rule
		line, col int    // 0: no position expected
		msg       string // substring of the message
	}{
		{"syntax", Rule{ID: "r", State: Live, Score: 1, Expr: "brand_weight >= "}, 1, 16, "unexpected"},
		{"unknown feature", Rule{ID: "r", State: Live, Score: 1, Expr: "brand != \"\" && prise_ratio < 0.3"}, 1, 16, "unknown name prise_ratio"},
		{"second line", Rule{ID: "r", State: Live, Score: 1, Expr: "slang_count > 0 &&\n  colour == 1"}, 2, 3, "unknown name colour"},
		{"type error", Rule{ID: "r", State: Live, Score: 1, Expr: `brand_weight > "high"`}, 1, 14, "mismatched types"},
		{"not boolean", Rule{ID: "r", State: Live, Score: 1, Expr: "price_ratio * 2"}, 0, 0, "bool"},
		{"clock disabled", Rule{ID: "r", State: Live, Score: 1, Expr: "now().Year() > 2000"}, 1, 1, "unknown name now"},
		{"bad state", Rule{ID: "r", State: "on", Score: 1, Expr: "true"}, 0, 0, "unknown state"},
		{"bad outcome", Rule{ID: "r", State: Live, Outcome: "delete", Expr: "true"}, 0, 0, "unknown outcome"},
		{"no effect", Rule{ID: "r", State: Live, Expr: "true"}, 0, 0, "neither a score nor an outcome"},
		{"score too large", Rule{ID: "r", State: Live, Score: 101, Expr: "true"}, 0, 0, "outside"},
		{"empty id", Rule{State: Live, Score: 1, Expr: "true"}, 0, 0, "empty id"},
		{"empty expression", Rule{ID: "r", State: Live, Score: 1}, 0, 0, "empty expression"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := CompileRules([]Rule{tt.rule})
			var re *RuleError
			if !errors.As(err, &re) {
				t.Fatalf("got error %v, want a *RuleError", err)
			}
			if re.RuleID != tt.rule.ID || !strings.Contains(re.Message, tt.msg) {
				t.Errorf("got %q for rule %q, want a message containing %q", re.Message, re.RuleID, tt.msg)
			}
			if tt.line != 0 && (re.Line != tt.line || re.Column != tt.col) {
				t.Errorf("got position %d:%d (%s), want %d:%d", re.Line, re.Column, re.Message, tt.line, tt.col)
			}
		})
	}
	t.Run("duplicate id", func(t *testing.T) {
		_, err := CompileRules([]Rule{{ID: "a", State: Live, Score: 1, Expr: "true"}, {ID: "a", State: Live, Score: 1, Expr: "true"}})
		if err == nil || !strings.Contains(err.Error(), "duplicate id") {
			t.Errorf("got %v, want a duplicate id error", err)
		}
	})
	t.Run("every bad rule reported", func(t *testing.T) {
		_, err := CompileRules([]Rule{{ID: "a", State: Live, Score: 1, Expr: "x"}, {ID: "b", State: Live, Score: 1, Expr: "y"}})
		if err == nil || !strings.Contains(err.Error(), `rule "a"`) || !strings.Contains(err.Error(), `rule "b"`) {
			t.Errorf("got %v, want errors for rules a and b", err)
		}
	})
	t.Run("compile refuses engine", func(t *testing.T) {
		_, err := Compile(&Profile{Version: 1}, Options{Rules: []Rule{{ID: "a", State: Live, Score: 1, Expr: "nope"}}})
		if err == nil {
			t.Errorf("got an engine, want the rule error")
		}
	})
}

func TestDefaultRulesCompile(t *testing.T) {
	rs, err := CompileRules(DefaultRules())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs.Rules() {
		if r.Version < 1 || r.Description == "" {
			t.Errorf("rule %s: want a version and a description", r.ID)
		}
	}
}

// TestEveryFeatureHasExprName guards the rule language: each Features field
// has a snake_case expr name, documented on the type.
func TestEveryFeatureHasExprName(t *testing.T) {
	ft := reflect.TypeFor[Features]()
	for i := range ft.NumField() {
		f := ft.Field(i)
		name := f.Tag.Get("expr")
		if name == "" || strings.ToLower(name) != name {
			t.Errorf("field %s: got expr name %q, want a snake_case name", f.Name, name)
		}
	}
}

func TestShadowAndDraft(t *testing.T) {
	rules := []Rule{
		{ID: "live", Version: 3, State: Live, Score: 40, Expr: "brand == 'nike'"},
		{ID: "shadow", Version: 1, State: Shadow, Score: 50, Outcome: TakedownPendingConfirmation, Expr: "brand == 'nike'"},
		{ID: "draft", Version: 1, State: Draft, Score: 50, Expr: "brand == 'nike'"},
		{ID: "flag", Version: 1, State: Live, Outcome: Flag, Expr: "brand_count > 0"},
	}
	e := testEngine(t, Options{Rules: rules})
	r := e.Score(listing(t, "Nike", "", "shoes", "899", "CNY"), SellerFacts{})
	want := []RuleHit{
		{ID: "live", Version: 3, State: Live, Score: 40},
		{ID: "shadow", Version: 1, State: Shadow, Score: 50, Outcome: TakedownPendingConfirmation},
		{ID: "flag", Version: 1, State: Live, Outcome: Flag},
	}
	if !slices.Equal(r.Rules, want) {
		t.Errorf("got rules %+v, want %+v", r.Rules, want)
	}
	if r.Score != 40 || r.Outcome != Flag || r.Verdict != Review {
		t.Errorf("got score %d outcome %q verdict %s, want 40 flag review (the shadow rule has no effect)", r.Score, r.Outcome, r.Verdict)
	}
}

func TestScoreClampedAndThresholds(t *testing.T) {
	rules := []Rule{
		{ID: "a", State: Live, Score: 80, Expr: "brand_count > 0"},
		{ID: "b", State: Live, Score: 80, Expr: "brand_count > 0"},
		{ID: "guard", State: Live, Score: -100, Expr: "authorized"},
	}
	tests := []struct {
		name    string
		opts    Options
		seller  string
		score   int
		verdict Verdict
	}{
		{"clamped high", Options{Rules: rules}, "s1", 100, CounterfeitSuspected},
		{"clamped low", Options{Rules: rules}, "nike-official", 60, CounterfeitSuspected},
		{"custom threshold", Options{Rules: rules, Threshold: 70, ReviewThreshold: 50}, "nike-official", 60, Review},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := testEngine(t, tt.opts)
			l := listing(t, "Nike", "", "shoes", "899", "CNY")
			l.SellerID = tt.seller
			r := e.Score(l, SellerFacts{})
			if r.Score != tt.score || r.Verdict != tt.verdict {
				t.Errorf("got score %d verdict %s, want %d %s", r.Score, r.Verdict, tt.score, tt.verdict)
			}
		})
	}
	if _, err := Compile(&Profile{Version: 1}, Options{Threshold: 30, ReviewThreshold: 50}); err == nil {
		t.Errorf("got an engine with review threshold above the threshold, want an error")
	}
}

func TestScoreDeterministic(t *testing.T) {
	e := testEngine(t, Options{})
	l := listing(t, "Nike 耐克 iPhone 高仿 LV", "Coach 1:1 replica 二手 not Nike", "shoes", "100", "CNY", flip(t, nikeLogo, 3))
	first := e.Score(l, SellerFacts{PriorStrikes: 3})
	done := make(chan Result)
	for range 4 {
		go func() { done <- e.Score(l, SellerFacts{PriorStrikes: 3}) }()
	}
	for range 4 {
		if got := <-done; !reflect.DeepEqual(got, first) {
			t.Fatalf("got %+v, want %+v", got, first)
		}
	}
}

// TestScoreNeverPanics scores random listings: random bytes, random runes
// from the profile's vocabulary, odd prices and hashes.
func TestScoreNeverPanics(t *testing.T) {
	e := testEngine(t, Options{Rates: Rates{"CNY": 1, "USD": 7}})
	rng := rand.New(rand.NewPCG(1, 2))
	vocab := []string{"Nike", "耐克", "高仿", "for", "非", "二手", "iPhone", "N i k e", "\u200b", "ＮＩＫＥ", "1:1", "，", "\n", "\xff", "Ж", " "}
	text := func() string {
		var b strings.Builder
		for range rng.IntN(40) {
			if rng.IntN(4) == 0 {
				b.WriteByte(byte(rng.IntN(256)))
			} else {
				b.WriteString(vocab[rng.IntN(len(vocab))])
			}
		}
		return b.String()
	}
	for range 3000 {
		l := catalog.Listing{ID: "x", SellerID: []string{"s", "nike-official", ""}[rng.IntN(3)],
			Brand: text(), Title: text(), Description: text(),
			Category: []string{"", "shoes", "shoes/x", ">", "phones"}[rng.IntN(5)],
			Price: catalog.Money{Amount: catalog.Amount(rng.Int64N(int64(catalog.MaxAmount) + 1)),
				Currency: []string{"", "CNY", "USD", "JPY"}[rng.IntN(4)]}}
		for range rng.IntN(3) {
			l.Images = append(l.Images, catalog.Image{PDQ: []string{"", "zz", nikeLogo, flip(t, nikeStore, rng.IntN(60))}[rng.IntN(4)]})
		}
		r := e.Score(l, SellerFacts{AccountAgeKnown: rng.IntN(2) == 0, AccountAgeDays: rng.IntN(100) - 50})
		if r.Score < 0 || r.Score > 100 || r.Verdict == "" {
			t.Fatalf("listing %+v: got score %d verdict %q", l, r.Score, r.Verdict)
		}
		for _, s := range r.Signals {
			if s.Field == "" {
				continue
			}
			src := map[string]string{"brand": l.Brand, "title": l.Title, "description": l.Description}[s.Field]
			if s.Start < 0 || s.End > len(src) || src[s.Start:s.End] != s.Text {
				t.Fatalf("signal %+v does not point into %s %q", s, s.Field, src)
			}
		}
	}
}

func TestSignalString(t *testing.T) {
	tests := []struct {
		s    Signal
		want string
	}{
		{Signal{Kind: SignalBrand, Brand: "nike", Field: "title", Start: 3, End: 15, Text: "ＮＩＫＥ", Context: "none", Weight: 1},
			`brand nike in title [3:15] "ＮＩＫＥ" (context none, weight 1)`},
		{Signal{Kind: SignalPrice, Brand: "nike", Ratio: 0.221, Reference: "CNY 899.00", Source: "reference"},
			`price nike: 22% of CNY 899.00 (reference)`},
		{Signal{Kind: SignalImage, Brand: "nike", Image: 1, Distance: 12, ReferenceImage: "nike-logo"},
			`image nike: image 1 is 12 bits from nike-logo`},
	}
	for _, tt := range tests {
		if got := tt.s.String(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

// TestCombinedRulesAgree checks that the one-program evaluation of a rule set
// gives the same hits as running each rule alone, and that a rule failing at
// run time is the only one lost.
func TestCombinedRulesAgree(t *testing.T) {
	rules := append(DefaultRules(),
		Rule{ID: "first-brand", State: Live, Score: 5, Expr: `brands[0].weight > 0.5`}, // fails without brands
		Rule{ID: "any", State: Shadow, Score: 5, Expr: `any(brands, .context == "accessory")`},
		Rule{ID: "draft", State: Draft, Score: 5, Expr: `true`},
	)
	e := testEngine(t, Options{Rules: rules})
	alone := &RuleSet{rules: e.rules.rules, active: e.rules.active} // all == nil: one by one
	if e.rules.all == nil {
		t.Fatal("got no combined program, want one")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	words := []string{"Nike", "高仿", "case for iPhone", "二手", "Coach", "1:1", "shoe"}
	for range 300 {
		var title strings.Builder
		for range rng.IntN(5) {
			title.WriteString(words[rng.IntN(len(words))] + " ")
		}
		l := listing(t, title.String(), "", []string{"shoes", "phones"}[rng.IntN(2)], "100", "CNY")
		facts := SellerFacts{AccountAgeKnown: true, AccountAgeDays: rng.IntN(60), PriorStrikes: rng.IntN(3)}
		r := e.Score(l, facts)
		var machine vm.VM
		_, _, hits, errs := alone.eval(&machine, &r.Features, envTemplate(), nil, nil)
		if !slices.Equal(hits, r.Rules) || !slices.Equal(errs, r.RuleErrors) {
			t.Fatalf("%q: combined %v %v, alone %v %v", title.String(), r.Rules, r.RuleErrors, hits, errs)
		}
		if len(r.Features.Brands) == 0 && (len(r.RuleErrors) != 1 || !strings.HasPrefix(r.RuleErrors[0], "first-brand: ")) {
			t.Fatalf("%q: got rule errors %v, want one for first-brand", title.String(), r.RuleErrors)
		}
	}
}

func TestFillEnvMatchesFeatures(t *testing.T) {
	f := Features{Brand: "b", BrandWeight: 0.5, BrandContext: "none", BrandClaimed: true, BrandCount: 2,
		BrandObfuscated: true, BrandObfuscation: ObfuscationSeparator,
		Brands: []BrandFeature{{ID: "b"}}, Slang: []string{"x"}, SlangCount: 1, SecondHand: true,
		Price: 1, Currency: "CNY", PriceKnown: true, PriceSource: "peers", PriceRatio: 0.1, PriceZ: -4,
		ReferencePrice: 10, ImageMatch: true, ImageBrand: "b", ImageDistance: 3, ImageReference: "r",
		ImageAuthorized: true, NegativeImage: true, Authorized: true, AccountAgeKnown: true, AccountAgeDays: 9,
		PriorStrikes: 1, UpheldNotices: 2, ShipFromRegion: "440300", Category: "c"}
	v := reflect.ValueOf(f)
	env := envTemplate()
	fillEnv(env, &f)
	if len(env) != v.NumField() {
		t.Fatalf("got %d names, want %d", len(env), v.NumField())
	}
	for i := range v.NumField() {
		name := v.Type().Field(i).Tag.Get("expr")
		if got, want := env[name], v.Field(i).Interface(); !reflect.DeepEqual(got, want) || v.Field(i).IsZero() {
			t.Errorf("%s: got %v, want %v (and a non-zero test value)", name, got, want)
		}
	}
}
