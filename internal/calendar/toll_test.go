package calendar

import (
	"strings"
	"testing"
)

func TestToll(t *testing.T) {
	s := builtinSet(t)
	const arrival = "2026-09-17T10:00:00+08:00" // base: 15 CD ends 2026-10-08 24:00; 20 WD cap ends 2026-10-21 24:00
	cap20 := Period{20, WorkingDays, "CN_WD"}
	tests := []struct {
		name       string
		tolled     [][2]string
		limit      Period
		mode       CapMode
		wantAt     string
		wantLocal  string
		wantTolled int
		wantCapped bool
	}{
		{
			name: "no tolling keeps base", mode: CapTotalPeriod, limit: cap20,
			wantAt: "2026-10-08T16:00:00Z", wantLocal: "2026-10-08",
		},
		{
			name:   "3 days: day 18 falls in National Day block and rolls to the same 10-08",
			tolled: [][2]string{{"2026-09-22T10:00:00+08:00", "2026-09-24T18:00:00+08:00"}}, mode: CapTotalPeriod, limit: cap20,
			wantAt: "2026-10-08T16:00:00Z", wantLocal: "2026-10-08", wantTolled: 3,
		},
		{
			name:   "total_period, 10 days, cap not reached",
			tolled: [][2]string{{"2026-09-21T09:00:00+08:00", "2026-09-30T17:00:00+08:00"}}, mode: CapTotalPeriod, limit: cap20,
			wantAt: "2026-10-12T16:00:00Z", wantLocal: "2026-10-12", wantTolled: 10,
		},
		{
			name: "overlapping intervals count each day once",
			tolled: [][2]string{
				{"2026-09-21T10:00:00+08:00", "2026-09-25T10:00:00+08:00"},
				{"2026-09-23T00:00:00+08:00", "2026-09-30T10:00:00+08:00"},
				{"2026-09-24T08:00:00+08:00", "2026-09-24T09:00:00+08:00"},
			}, mode: CapTotalPeriod, limit: cap20,
			wantAt: "2026-10-12T16:00:00Z", wantLocal: "2026-10-12", wantTolled: 10,
		},
		{
			name:   "total_period, 20 days, capped at 20 WD after arrival",
			tolled: [][2]string{{"2026-09-18T00:00:00+08:00", "2026-10-08T00:00:00+08:00"}}, mode: CapTotalPeriod, limit: cap20,
			wantAt: "2026-10-21T16:00:00Z", wantLocal: "2026-10-21", wantTolled: 20, wantCapped: true,
		},
		{
			name:   "total_period never earlier than base when cap is shorter",
			tolled: [][2]string{{"2026-09-18T00:00:00+08:00", "2026-10-08T00:00:00+08:00"}}, mode: CapTotalPeriod, limit: Period{5, WorkingDays, "CN_WD"},
			wantAt: "2026-10-08T16:00:00Z", wantLocal: "2026-10-08", wantTolled: 20, wantCapped: true,
		},
		{
			name:   "excluded_delay, 20 days containing 9 WD, cap not reached",
			tolled: [][2]string{{"2026-09-18T00:00:00+08:00", "2026-10-08T00:00:00+08:00"}}, mode: CapExcludedDelay, limit: cap20,
			wantAt: "2026-10-22T16:00:00Z", wantLocal: "2026-10-22", wantTolled: 20,
		},
		{
			name:   "excluded_delay, 40 days, only days up to the 20th tolled WD (10-21) count",
			tolled: [][2]string{{"2026-09-18T00:00:00+08:00", "2026-10-28T00:00:00+08:00"}}, mode: CapExcludedDelay, limit: cap20,
			wantAt: "2026-11-05T16:00:00Z", wantLocal: "2026-11-05", wantTolled: 34, wantCapped: true,
		},
		{
			name:   "interval ending at midnight does not touch the next day",
			tolled: [][2]string{{"2026-09-21T00:00:00+08:00", "2026-09-22T00:00:00+08:00"}}, mode: CapExcludedDelay, limit: cap20,
			wantAt: "2026-10-08T16:00:00Z", wantLocal: "2026-10-08", wantTolled: 1,
		},
		{
			name:   "days on or before the arrival date are not tolled",
			tolled: [][2]string{{"2026-09-10T00:00:00+08:00", "2026-09-19T12:00:00+08:00"}}, mode: CapTotalPeriod, limit: cap20,
			wantAt: "2026-10-08T16:00:00Z", wantLocal: "2026-10-08", wantTolled: 2,
		},
		{
			name:   "interval wholly before arrival is ignored",
			tolled: [][2]string{{"2026-09-01T00:00:00+08:00", "2026-09-17T12:00:00+08:00"}}, mode: CapTotalPeriod, limit: cap20,
			wantAt: "2026-10-08T16:00:00Z", wantLocal: "2026-10-08",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := at(t, arrival)
			base, err := s.Compute(start, Period{15, CalendarDays, "CN_WD"}, RuleCC201CC203)
			if err != nil {
				t.Fatalf("Compute base: %v", err)
			}
			var ivs []Interval
			for _, iv := range tt.tolled {
				ivs = append(ivs, Interval{From: at(t, iv[0]), To: at(t, iv[1])})
			}
			d, err := s.Toll(start, base, ivs, tt.limit, tt.mode)
			if err != nil {
				t.Fatalf("Toll: %v", err)
			}
			if got, want := d.At, at(t, tt.wantAt); !got.Equal(want) {
				t.Errorf("At = %v, want %v", got, want)
			}
			if d.LocalDate != tt.wantLocal {
				t.Errorf("LocalDate = %s, want %s", d.LocalDate, tt.wantLocal)
			}
			if d.Tolled != tt.wantTolled {
				t.Errorf("Tolled = %d, want %d", d.Tolled, tt.wantTolled)
			}
			if d.Capped != tt.wantCapped {
				t.Errorf("Capped = %v, want %v", d.Capped, tt.wantCapped)
			}
			if d.At.Before(base.At) {
				t.Errorf("tolled deadline %v is before base %v", d.At, base.At)
			}
			if !strings.HasPrefix(d.RuleRef, "CC201+CC203+TOLL("+string(tt.mode)) {
				t.Errorf("RuleRef = %q, want it to name the base rule and mode %s", d.RuleRef, tt.mode)
			}
			if d.CalendarID != "CN_WD" {
				t.Errorf("CalendarID = %q, want CN_WD", d.CalendarID)
			}
		})
	}
}

func TestTollWorkingDayBase(t *testing.T) {
	s := builtinSet(t)
	start := at(t, "2026-09-17T10:00:00+08:00")
	base, err := s.Compute(start, Period{5, WorkingDays, "CN_WD"}, RuleEndOfDay) // 09-18, 09-20, 21, 22, 23
	if err != nil {
		t.Fatal(err)
	}
	// 09-25..09-28: Mid-Autumn 25-27 are rest days, 28 is a working day: one WD tolled.
	d, err := s.Toll(start, base, []Interval{{From: at(t, "2026-09-25T00:00:00+08:00"), To: at(t, "2026-09-28T12:00:00+08:00")}},
		Period{20, WorkingDays, "CN_WD"}, CapTotalPeriod)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d.LocalDate, "2026-09-24"; got != want {
		t.Errorf("LocalDate = %s, want %s", got, want)
	}
	if d.Tolled != 1 {
		t.Errorf("Tolled = %d, want 1", d.Tolled)
	}
}

func TestTollProvisional(t *testing.T) {
	s := builtinSet(t)
	start := at(t, "2026-12-01T10:00:00+08:00")
	base, err := s.Compute(start, Period{15, CalendarDays, "CN_WD"}, RuleCC201CC203)
	if err != nil {
		t.Fatal(err)
	}
	if base.Provisional {
		t.Fatalf("base ending %s is provisional, want not", base.LocalDate)
	}
	d, err := s.Toll(start, base, []Interval{{From: at(t, "2026-12-02T00:00:00+08:00"), To: at(t, "2026-12-20T00:00:00+08:00")}},
		Period{20, WorkingDays, "CN_WD"}, CapTotalPeriod)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Provisional {
		t.Errorf("tolled deadline %s relies on 2027, Provisional = false, want true", d.LocalDate)
	}
}

func TestTollErrors(t *testing.T) {
	s := builtinSet(t)
	start := at(t, "2026-09-17T10:00:00+08:00")
	base, err := s.Compute(start, Period{15, CalendarDays, "CN_WD"}, RuleCC201CC203)
	if err != nil {
		t.Fatal(err)
	}
	hours, err := s.Compute(start, Period{24, Hours, "CN_WD"}, RuleElapsed)
	if err != nil {
		t.Fatal(err)
	}
	tolled, err := s.Toll(start, base, []Interval{{From: at(t, "2026-09-20T00:00:00+08:00"), To: at(t, "2026-09-21T00:00:00+08:00")}},
		Period{20, WorkingDays, "CN_WD"}, CapTotalPeriod)
	if err != nil {
		t.Fatal(err)
	}
	moved := base
	moved.At = moved.At.Add(1)
	good := []Interval{{From: at(t, "2026-09-20T00:00:00+08:00"), To: at(t, "2026-09-21T00:00:00+08:00")}}
	cap20 := Period{20, WorkingDays, "CN_WD"}
	tests := []struct {
		name   string
		start  string
		base   Deadline
		tolled []Interval
		limit  Period
		mode   CapMode
	}{
		{name: "reversed interval", base: base, tolled: []Interval{{From: at(t, "2026-09-21T00:00:00+08:00"), To: at(t, "2026-09-20T00:00:00+08:00")}}, limit: cap20, mode: CapTotalPeriod},
		{name: "empty interval", base: base, tolled: []Interval{{From: at(t, "2026-09-21T00:00:00+08:00"), To: at(t, "2026-09-21T00:00:00+08:00")}}, limit: cap20, mode: CapTotalPeriod},
		{name: "unknown mode", base: base, tolled: good, limit: cap20, mode: "forever"},
		{name: "hours base", base: hours, tolled: good, limit: cap20, mode: CapTotalPeriod},
		{name: "hours cap", base: base, tolled: good, limit: Period{480, Hours, "CN_WD"}, mode: CapTotalPeriod},
		{name: "base not from this start", start: "2026-09-10T10:00:00+08:00", base: base, tolled: good, limit: cap20, mode: CapTotalPeriod},
		{name: "base instant altered", base: moved, tolled: good, limit: cap20, mode: CapTotalPeriod},
		{name: "base already tolled", base: tolled, tolled: good, limit: cap20, mode: CapTotalPeriod},
		{name: "unknown cap calendar", base: base, tolled: good, limit: Period{20, WorkingDays, "XX"}, mode: CapTotalPeriod},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := start
			if tt.start != "" {
				st = at(t, tt.start)
			}
			d, err := s.Toll(st, tt.base, tt.tolled, tt.limit, tt.mode)
			if err == nil {
				t.Fatalf("Toll = %+v, want an error", d)
			}
		})
	}
}
