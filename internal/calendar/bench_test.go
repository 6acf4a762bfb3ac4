package calendar

import (
	"testing"
	"time"
)

// go test -run '^$' -bench . ./internal/calendar
func BenchmarkCompute(b *testing.B) {
	s, err := Builtin()
	if err != nil {
		b.Fatal(err)
	}
	start, err := ParseDate("2026-09-17")
	if err != nil {
		b.Fatal(err)
	}
	c, err := s.Calendar("CN_WD")
	if err != nil {
		b.Fatal(err)
	}
	t0 := start.Start(c.Location()).Add(10 * time.Hour)
	benches := []struct {
		name string
		p    Period
		rule Rule
	}{
		{"CC201+CC203/15CD", Period{15, CalendarDays, "CN_WD"}, RuleCC201CC203},
		{"END_OF_DAY/20WD", Period{20, WorkingDays, "CN_WD"}, RuleEndOfDay},
		{"DMCA/14BD", Period{14, BusinessDays, "US_FED_BD"}, RuleDMCALatest},
	}
	for _, bb := range benches {
		b.Run(bb.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Compute(t0, bb.p, bb.rule); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("Toll/total_period", func(b *testing.B) {
		base, err := s.Compute(t0, Period{15, CalendarDays, "CN_WD"}, RuleCC201CC203)
		if err != nil {
			b.Fatal(err)
		}
		ivs := []Interval{{From: t0.Add(48 * time.Hour), To: t0.Add(10 * 24 * time.Hour)}}
		for b.Loop() {
			if _, err := s.Toll(t0, base, ivs, Period{20, WorkingDays, "CN_WD"}, CapTotalPeriod); err != nil {
				b.Fatal(err)
			}
		}
	})
}
