package calendar

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestDeadlineProperties checks, over many seeded random starts inside
// coverage: a deadline is never before its start; the N-th working day after
// a date is a working day; deadlines grow with N (strictly for working days,
// never shrinking under CC 203's roll-over).
func TestDeadlineProperties(t *testing.T) {
	s := builtinSet(t)
	rng := rand.New(rand.NewPCG(20261126, 1))
	cals := []struct {
		id       string
		from, to time.Time
	}{
		{"CN_WD", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 10, 1, 0, 0, 0, 0, time.UTC)},
		{"US_FED_BD", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2028, 10, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, cal := range cals {
		t.Run(cal.id, func(t *testing.T) {
			c, err := s.Calendar(cal.id)
			if err != nil {
				t.Fatal(err)
			}
			span := cal.to.Sub(cal.from)
			for range 300 {
				start := cal.from.Add(time.Duration(rng.Int64N(int64(span))))
				var prevWD, prevCD time.Time
				for n := 1; n <= 25; n++ {
					wd, err := s.Compute(start, Period{n, WorkingDays, cal.id}, RuleEndOfDay)
					if err != nil {
						t.Fatalf("Compute(%v, %d WD): %v", start, n, err)
					}
					cd, err := s.Compute(start, Period{n, CalendarDays, cal.id}, RuleCC201CC203)
					if err != nil {
						t.Fatalf("Compute(%v, %d CD): %v", start, n, err)
					}
					if !wd.At.After(start) || !cd.At.After(start) {
						t.Fatalf("start %v, n %d: deadlines %v / %v not after start", start, n, wd.At, cd.At)
					}
					last, err := ParseDate(wd.LocalDate)
					if err != nil {
						t.Fatal(err)
					}
					if ok, err := c.IsWorkingDay(last); err != nil || !ok {
						t.Fatalf("start %v: %d WD ends on %s, working = %v (%v)", start, n, last, ok, err)
					}
					cdLast, err := ParseDate(cd.LocalDate)
					if err != nil {
						t.Fatal(err)
					}
					if ok, err := c.IsWorkingDay(cdLast); err != nil || !ok {
						t.Fatalf("start %v: %d CD under CC 203 ends on rest day %s (%v)", start, n, cdLast, err)
					}
					if n > 1 && !wd.At.After(prevWD) {
						t.Fatalf("start %v: %d WD at %v not after %d WD at %v", start, n, wd.At, n-1, prevWD)
					}
					if n > 1 && cd.At.Before(prevCD) {
						t.Fatalf("start %v: %d CD at %v before %d CD at %v", start, n, cd.At, n-1, prevCD)
					}
					prevWD, prevCD = wd.At, cd.At
				}
				// Going back as many working days as forward returns to the
				// working day on or before the start date.
				day := DateOf(start, c.Location())
				fwd, err := c.AddWorkingDays(day, 7)
				if err != nil {
					t.Fatal(err)
				}
				back, err := c.AddWorkingDays(fwd, -7)
				if err != nil {
					t.Fatal(err)
				}
				if back.After(day) {
					t.Fatalf("%s +7 -7 WD = %s, after the start", day, back)
				}
				if ok, _ := c.IsWorkingDay(day); ok && back != day {
					t.Fatalf("working day %s +7 -7 WD = %s", day, back)
				}
			}
		})
	}
}
