package detect

import (
	"fmt"

	"github.com/expr-lang/expr/vm"
)

// MaxFireRate is the fraction of listings above which a backtested rule is
// flagged as too broad to go live unreviewed.
const MaxFireRate = 0.2

// Sample is one scored listing with its label (a reviewer decision, a
// confirmed notice, a test purchase's authentication result).
type Sample struct {
	ListingID   string
	Features    Features
	Counterfeit bool
}

// Metrics are a binary classifier's counts against labels, with the derived
// rates. A rate whose denominator is zero is 0.
type Metrics struct {
	TP, FP, FN, TN int
	Precision      float64
	Recall         float64
	F1             float64
	// FireRate is the fraction of samples predicted positive.
	FireRate float64
}

// Add counts one prediction against its label.
func (m *Metrics) Add(predicted, actual bool) {
	switch {
	case predicted && actual:
		m.TP++
	case predicted:
		m.FP++
	case actual:
		m.FN++
	default:
		m.TN++
	}
}

// Finish computes the rates from the counts.
func (m *Metrics) Finish() {
	ratio := func(a, b int) float64 {
		if b == 0 {
			return 0
		}
		return float64(a) / float64(b)
	}
	m.Precision = ratio(m.TP, m.TP+m.FP)
	m.Recall = ratio(m.TP, m.TP+m.FN)
	if m.Precision+m.Recall > 0 {
		m.F1 = 2 * m.Precision * m.Recall / (m.Precision + m.Recall)
	}
	m.FireRate = ratio(m.TP+m.FP, m.TP+m.FP+m.FN+m.TN)
}

// RuleReport is one rule's backtest: "positive" means the rule fired.
type RuleReport struct {
	ID      string
	Version int
	Metrics
	// TooBroad is set when FireRate exceeds MaxFireRate.
	TooBroad bool
	// Errors counts samples on which the rule failed at run time.
	Errors int
}

// BacktestReport is the result of Backtest.
type BacktestReport struct {
	Samples int
	// Rules has one report per rule, in the given order.
	Rules []RuleReport
	// Set is the rule set taken together as if every rule were live:
	// positive when the clamped sum of the fired rules' scores reaches
	// Threshold.
	Set       Metrics
	Threshold int
	// Warnings say which rules fire too often.
	Warnings []string
}

// Backtest evaluates rules — all of them, whatever their state, as if live —
// on labelled samples. threshold is the set's verdict threshold
// (DefaultThreshold when 0). Rules that do not compile are an error; nothing
// is evaluated then.
func Backtest(rules []Rule, threshold int, samples []Sample) (BacktestReport, error) {
	rs, err := CompileRules(rules)
	if err != nil {
		return BacktestReport{}, fmt.Errorf("backtest: %w", err)
	}
	if threshold == 0 {
		threshold = DefaultThreshold
	}
	rep := BacktestReport{Samples: len(samples), Threshold: threshold, Rules: make([]RuleReport, len(rs.rules))}
	for i, r := range rs.rules {
		rep.Rules[i] = RuleReport{ID: r.ID, Version: r.Version}
	}
	var machine vm.VM
	env := envTemplate()
	for i := range samples {
		s := &samples[i]
		fillEnv(env, &s.Features)
		score := 0
		for j := range rs.rules {
			fired, err := rs.rules[j].fires(&machine, env)
			if err != nil {
				rep.Rules[j].Errors++
			}
			rep.Rules[j].Add(fired, s.Counterfeit)
			if fired {
				score += rs.rules[j].Score
			}
		}
		rep.Set.Add(max(0, min(100, score)) >= threshold, s.Counterfeit)
	}
	for i := range rep.Rules {
		r := &rep.Rules[i]
		r.Finish()
		if r.FireRate > MaxFireRate {
			r.TooBroad = true
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("rule %s fires on %.0f%% of listings (more than %.0f%%): review it before it goes live",
				r.ID, 100*r.FireRate, 100*MaxFireRate))
		}
	}
	rep.Set.Finish()
	return rep, nil
}
