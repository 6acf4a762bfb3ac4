package detect

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

func TestDirectFeaturesMatchEnv(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 50 {
		f := randomFeatures(rng)
		env := envTemplate()
		fillEnv(env, &f)
		for name, want := range env {
			d, ok := directFeatures[name]
			if !ok {
				if k := reflect.TypeOf(want).Kind(); k != reflect.Slice {
					t.Errorf("%s (%v): no direct accessor", name, k)
				}
				continue
			}
			var got any
			switch d.kind {
			case reflect.Bool:
				got = d.b(&f)
			case reflect.Int:
				got = d.i(&f)
			case reflect.Float64:
				got = d.f(&f)
			case reflect.String:
				got = d.s(&f)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) || reflect.TypeOf(got) != reflect.TypeOf(want) {
				t.Fatalf("%s: direct %v (%T), env %v (%T)", name, got, got, want, want)
			}
		}
	}
	for name := range directFeatures {
		if _, ok := envTemplate()[name]; !ok {
			t.Errorf("%s: direct accessor for an unknown name", name)
		}
	}
}

// TestDirectRulesMatchVM runs every rule with a direct form both ways on
// random features.
func TestDirectRulesMatchVM(t *testing.T) {
	exprs := []string{
		`brand_weight >= 0.5 && !authorized && price_known && price_ratio < 3 / 10`,
		`brand_count > 1 || slang_count >= 2 and not second_hand`,
		`image_distance <= 20 == image_match`,
		`price / reference_price < 0.5 && reference_price != 0`,
		`-price_z > 3 && price_source == "peers"`,
		`account_age_days * 2 + prior_strikes - upheld_notices > 30.5`,
		`(account_age_known ? account_age_days : 9999) < 30`,
		`(price_known ? price_ratio : 1.0) < 0.4`,
		`(second_hand ? "used" : brand) != "used" && brand >= "b"`,
		`account_age_days / prior_strikes > 10`,
		`brand_weight == 1 && image_distance == 256.0 && +price > 0`,
		`category < "m" || ship_from_region <= "44" || currency > "C" || brand_context == "negation"`,
		`brand_obfuscated != brand_claimed || negative_image == image_authorized`,
		`image_brand == brand && image_reference != "" && brand_obfuscation != ""`,
		`price_ratio < 0.3 && price_ratio * reference_price - price < 1e-9 && price_ratio != price_ratio == false`,
		`-account_age_days < -10 && prior_strikes != 1`,
	}
	for _, r := range DefaultRules() {
		exprs = append(exprs, r.Expr)
	}
	w, err := buildBenchWorld(20, 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range w.e.Rules().Rules() {
		exprs = append(exprs, r.Expr)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	feats := make([]Features, 3000)
	for i := range feats {
		feats[i] = randomFeatures(rng)
	}
	env := envTemplate()
	var machine vm.VM
	for _, src := range exprs {
		prog, err := expr.Compile(src, exprOptions()...)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		fn := compileDirect(prog)
		if fn == nil {
			t.Errorf("%s: no direct form", src)
			continue
		}
		for i := range feats {
			fillEnv(env, &feats[i])
			out, err := machine.Run(prog, env)
			if err != nil {
				t.Fatalf("%s: %v", src, err)
			}
			if got := fn(&feats[i]); got != out.(bool) {
				t.Fatalf("%s on %+v: direct %v, VM %v", src, feats[i], got, out)
			}
		}
	}
	// Outside the subset: left to the VM.
	for _, src := range []string{`len(brands) > 1`, `"x" in slang`, `brands[0].id == brand`,
		`prior_strikes % 2 == 0`, `brand contains "a"`, `category in ["a", "b"]`, `price ** 2 > 10`} {
		prog, err := expr.Compile(src, exprOptions()...)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if compileDirect(prog) != nil {
			t.Errorf("%s: got a direct form, want the VM", src)
		}
	}
}

func randomFeatures(rng *rand.Rand) Features {
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	floats := []float64{0, 0.1, 0.29, 0.3, 0.5, 1, 1.5, 2, -3.5, 100, math.Inf(1), math.NaN()}
	fl := func() float64 {
		if rng.IntN(3) == 0 {
			return rng.Float64() * 2
		}
		return floats[rng.IntN(len(floats))]
	}
	in := func() int { return rng.IntN(300) - 20 }
	return Features{
		Brand: pick("", "brand-1", "brand-2", "used", "b"), BrandWeight: fl(), BrandContext: pick("", "none", "accessory", "negation"),
		BrandObfuscated: rng.IntN(2) == 0, BrandObfuscation: pick("", ObfuscationSeparator), BrandClaimed: rng.IntN(2) == 0,
		BrandCount: rng.IntN(4), Brands: []BrandFeature{{ID: "brand-1"}}[:rng.IntN(2)], Slang: []string{"x"}[:rng.IntN(2)],
		SlangCount: rng.IntN(4), SecondHand: rng.IntN(2) == 0, Price: fl(), Currency: pick("CNY", "USD", ""),
		PriceKnown: rng.IntN(2) == 0, PriceSource: pick("none", "reference", "peers"), PriceRatio: fl(), PriceZ: fl() * 4,
		ReferencePrice: fl(), ImageMatch: rng.IntN(2) == 0, ImageBrand: pick("", "brand-1"), ImageDistance: pick256(rng),
		ImageReference: pick("", "r1"), ImageAuthorized: rng.IntN(2) == 0, NegativeImage: rng.IntN(2) == 0,
		Authorized: rng.IntN(2) == 0, AccountAgeKnown: rng.IntN(2) == 0, AccountAgeDays: in(), PriorStrikes: rng.IntN(4),
		UpheldNotices: rng.IntN(5), ShipFromRegion: pick("", "440300", "HK"), Category: pick("shoes", "cat-2", "cat-6", "z"),
	}
}

func pick256(rng *rand.Rand) int {
	if rng.IntN(2) == 0 {
		return 256
	}
	return rng.IntN(40)
}
