package detect

import (
	"strings"
	"testing"
)

func TestBacktest(t *testing.T) {
	// Ten hand-made listings: brand mention, price ratio, slang, label.
	type row struct {
		weight      float64
		ratio       float64
		slang       int
		counterfeit bool
	}
	rows := []row{
		{1, 0.2, 1, true},   // cheap + slang: fake
		{1, 0.1, 0, true},   // cheap: fake
		{1, 0.25, 0, false}, // cheap but genuine (clearance)
		{1, 0.9, 1, true},   // slang at full price: fake
		{1, 0.95, 0, false},
		{1, 1.0, 0, false},
		{0.3, 0.05, 0, false}, // accessory
		{1, 0.5, 0, true},     // fake the rules miss
		{0, 1, 0, false},
		{0, 1, 0, false},
	}
	var samples []Sample
	for _, r := range rows {
		f := Features{BrandWeight: r.weight, PriceRatio: r.ratio, PriceKnown: true, SlangCount: r.slang}
		if r.weight > 0 {
			f.Brand = "nike"
		}
		samples = append(samples, Sample{Features: f, Counterfeit: r.counterfeit})
	}
	rules := []Rule{
		{ID: "cheap", State: Draft, Score: 40, Expr: "brand_weight >= 0.5 && price_ratio < 0.3"},
		{ID: "slang", State: Shadow, Score: 30, Expr: "brand_weight >= 0.5 && slang_count > 0"},
		{ID: "any-brand", State: Live, Score: 10, Expr: `brand != ""`},
	}
	rep, err := Backtest(rules, 50, samples)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		got  Metrics
		want Metrics
	}{
		// cheap fires on rows 0,1,2: TP 2, FP 1; misses fakes 3 and 7.
		{"cheap", rep.Rules[0].Metrics, Metrics{TP: 2, FP: 1, FN: 2, TN: 5, Precision: 2.0 / 3, Recall: 0.5, F1: 4.0 / 7, FireRate: 0.3}},
		// slang fires on rows 0 and 3.
		{"slang", rep.Rules[1].Metrics, Metrics{TP: 2, FP: 0, FN: 2, TN: 6, Precision: 1, Recall: 0.5, F1: 2.0 / 3, FireRate: 0.2}},
		// any-brand fires on the 8 listings with a brand.
		{"any-brand", rep.Rules[2].Metrics, Metrics{TP: 4, FP: 4, FN: 0, TN: 2, Precision: 0.5, Recall: 1, F1: 2.0 / 3, FireRate: 0.8}},
		// Set (threshold 50): row 0 = 80, row 1 = 50, row 2 = 50, row 3 = 40, row 7 = 10.
		{"set", rep.Set, Metrics{TP: 2, FP: 1, FN: 2, TN: 5, Precision: 2.0 / 3, Recall: 0.5, F1: 4.0 / 7, FireRate: 0.3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !metricsNear(tt.got, tt.want) {
				t.Errorf("got %+v, want %+v", tt.got, tt.want)
			}
		})
	}
	t.Run("too broad", func(t *testing.T) {
		if rep.Rules[0].TooBroad != true || rep.Rules[1].TooBroad || !rep.Rules[2].TooBroad {
			t.Errorf("got too-broad %v %v %v, want true false true (fire rates 0.3, 0.2, 0.8 against %v)",
				rep.Rules[0].TooBroad, rep.Rules[1].TooBroad, rep.Rules[2].TooBroad, MaxFireRate)
		}
		if len(rep.Warnings) != 2 || !strings.Contains(rep.Warnings[1], "any-brand fires on 80%") {
			t.Errorf("got warnings %q, want two, the second about any-brand at 80%%", rep.Warnings)
		}
	})
	t.Run("bad rule", func(t *testing.T) {
		if _, err := Backtest([]Rule{{ID: "x", State: Draft, Score: 1, Expr: "brand <"}}, 0, samples); err == nil {
			t.Errorf("got a report, want the compile error")
		}
	})
	t.Run("empty", func(t *testing.T) {
		rep, err := Backtest(rules, 0, nil)
		if err != nil || rep.Set != (Metrics{}) || rep.Threshold != DefaultThreshold {
			t.Errorf("got %+v, %v, want zero metrics at the default threshold", rep, err)
		}
	})
}

func metricsNear(a, b Metrics) bool {
	return a.TP == b.TP && a.FP == b.FP && a.FN == b.FN && a.TN == b.TN &&
		near(a.Precision, b.Precision) && near(a.Recall, b.Recall) && near(a.F1, b.F1) && near(a.FireRate, b.FireRate)
}

func TestPriceStats(t *testing.T) {
	s := NewPriceStats(4)
	for _, a := range []string{"10", "12", "11", "100"} {
		s.Add("b", "c", money(t, a, "CNY"))
	}
	if _, ok := s.Baseline().Lookup("b", "c", "CNY"); ok {
		t.Errorf("got a baseline from 4 prices, want none below %d", MinPeerSamples)
	}
	s = NewPriceStats(0)
	for _, a := range []string{"10", "12", "11", "100", "9", "0"} {
		s.Add("b", "c", money(t, a, "CNY"))
	}
	s.Add("b", "c", money(t, "5", "USD"))
	got, ok := s.Baseline().Lookup("b", "c", "CNY")
	// Prices 9 10 11 12 100 (zero ignored): median 11, deviations 2 1 0 1 89: MAD 1.
	if want := (PeerPrice{N: 5, Median: 11, MAD: 1}); !ok || got != want {
		t.Errorf("got %+v %v, want %+v", got, ok, want)
	}
	// A capped accumulator keeps a fixed-seed sample: same input, same baseline.
	a, b := NewPriceStats(10), NewPriceStats(10)
	for i := range 1000 {
		p := money(t, strings.Repeat("1", 1+i%5), "CNY")
		a.Add("b", "c", p)
		b.Add("b", "c", p)
	}
	pa, _ := a.Baseline().Lookup("b", "c", "CNY")
	pb, _ := b.Baseline().Lookup("b", "c", "CNY")
	if pa != pb || pa.N != 10 {
		t.Errorf("got %+v and %+v, want equal baselines of 10 samples", pa, pb)
	}
}
